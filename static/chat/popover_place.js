// Put an open popover (position: fixed) beside the element it belongs to: below it, or above
// when the window ends first; never off-screen, on a phone too.

const GAP_PX = 4;
const EDGE_PX = 8;

export function placeBeside(popover, anchor, { above = false } = {}) {
  const box = anchor.getBoundingClientRect();
  const { width, height } = popover.getBoundingClientRect();
  const right = box.left + width > window.innerWidth - EDGE_PX;
  let left = right ? box.right - width : box.left;
  left = Math.max(EDGE_PX, Math.min(left, window.innerWidth - width - EDGE_PX));
  const below = box.bottom + GAP_PX;
  const over = box.top - height - GAP_PX;
  let top = above ? over : below;
  if (!above && top + height > window.innerHeight - EDGE_PX) top = over;
  if (above && top < EDGE_PX) top = below;
  top = Math.max(EDGE_PX, Math.min(top, window.innerHeight - height - EDGE_PX));
  popover.style.left = `${Math.round(left)}px`;
  popover.style.top = `${Math.round(top)}px`;
}
