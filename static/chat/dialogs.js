// Modal <dialog>s: opened with the element to give focus back to when they close (Escape,
// a close button, a click on the backdrop), since that element may be gone or hidden by then.

const returnTargets = new WeakMap();
const wired = new WeakSet();

function wire(dialog) {
  if (wired.has(dialog)) return;
  wired.add(dialog);
  dialog.addEventListener("close", () => {
    const target = returnTargets.get(dialog);
    returnTargets.delete(dialog);
    const fallback = typeof target?.fallback === "function" ? target.fallback() : null;
    const element = target?.element?.isConnected && target.element.checkVisibility?.() !== false
      ? target.element
      : fallback;
    element?.focus({ preventScroll: true });
  });
  // A press on the backdrop (outside the dialog's box) closes a light-dismiss dialog.
  dialog.addEventListener("pointerdown", (event) => {
    if (event.target !== dialog || !dialog.classList.contains("light-dismiss")) return;
    const box = dialog.getBoundingClientRect();
    const outside = event.clientX < box.left || event.clientX > box.right
      || event.clientY < box.top || event.clientY > box.bottom;
    if (outside) dialog.close();
  });
}

// Show `dialog` as a modal; focus goes back to `returnTo` (or what `fallback()` gives) after.
export function openDialog(dialog, { returnTo = document.activeElement, fallback = null } = {}) {
  wire(dialog);
  returnTargets.set(dialog, { element: returnTo, fallback });
  if (!dialog.open) dialog.showModal();
}
