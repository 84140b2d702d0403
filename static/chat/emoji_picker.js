// The emoji picker: one popover for the page, opened beside the composer's emoji button (the
// emoji goes in at the caret) or from a reaction picker's "More emoji…" (the emoji is the
// reaction). It holds emoji-picker-element (emoji_data.js), made the first time it opens and
// kept after, so its database stays open.
//
// Search takes focus on opening; a pick closes the popover and goes to whoever opened it;
// Escape and a click outside close it (a popover's light dismiss) and focus goes back to the
// button. The package's row of the most used emoji is moved above the categories' emoji, and is
// read again on every opening, so that what was picked since (here, in the :shortcode: list,
// as a reaction) is in it.

import { qualified } from "./emoji_data.js";
import { placeBeside } from "./popover_place.js";
import { replaceText } from "./suggest_list.js";

// The picker's own stylesheet is a constructed one (the site's CSP refuses <style> elements):
// this one goes beside it, for the most used row's new place and room beside the skin tones.
const PICKER_CSS = `
.favorites { border-top: 0; border-bottom: 1px solid var(--border-color); }
.search-row { padding-inline-end: var(--emoji-padding); }
`;

export class EmojiPicker {
  constructor({ popover, data }) {
    this.popover = popover;
    this.data = data;
    this.making = null; // the <emoji-picker>, once made
    this.target = null; // {anchor, returnTo, onPick}

    popover.addEventListener("emoji-click", (event) => this.picked(event.detail));
    popover.addEventListener("beforetoggle", (event) => {
      if (event.newState === "closed") this.closed();
    });
    // Escape closes it from anywhere in it, the search box too (where it would only empty the
    // box first); the skin tones' list keeps its own Escape (it stops the event).
    popover.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) return;
      event.preventDefault();
      this.close();
    });
    this.onResize = () => this.place();
    window.addEventListener("resize", this.onResize);
  }

  get isOpen() {
    return this.popover.matches(":popover-open");
  }

  // Open beside `anchor`; onPick(unicode) gets the emoji chosen (with its skin tone, in the
  // form the server keeps); focus goes back to `returnTo` when the picker closes without one.
  // Asked again for the same anchor while open, it closes.
  async open({ anchor, onPick, returnTo = anchor }) {
    if (this.isOpen) {
      const same = this.target?.anchor === anchor;
      this.popover.hidePopover();
      if (same) return;
    }
    this.target = { anchor, returnTo, onPick };
    if (anchor.getAttribute("aria-haspopup") === "dialog")
      anchor.setAttribute("aria-expanded", "true");
    this.popover.setAttribute("aria-busy", "true");
    // The anchor is its invoker, as a popovertarget button would be.
    this.popover.showPopover({ source: anchor });
    this.place();
    let picker;
    try {
      picker = await this.picker();
    } catch {
      this.popover.hidePopover();
      return;
    } finally {
      this.popover.setAttribute("aria-busy", "false");
    }
    if (!this.isOpen || this.target?.anchor !== anchor) return; // closed while it loaded
    // A new (empty) list of custom emoji makes the picker read its most used row again.
    picker.customEmoji = [];
    this.place();
    // Each opening starts from no search (the picker keeps the last one's words).
    const search = picker.shadowRoot.querySelector("input[type=search]");
    if (search?.value) {
      search.value = "";
      search.dispatchEvent(new Event("input", { bubbles: true }));
    }
    search?.focus();
  }

  close() {
    if (this.isOpen) this.popover.hidePopover();
  }

  async picker() {
    this.making ??= this.make().catch((error) => {
      this.making = null;
      throw error;
    });
    return this.making;
  }

  async make() {
    const [{ Picker }, options] = await Promise.all([this.data.load(), this.data.pickerOptions()]);
    const picker = new Picker(options);
    // The row of the most used says so (the package calls it "Favorites").
    picker.i18n = { ...picker.i18n, favoritesLabel: gettext("Most used") };
    picker.classList.add("emoji-picker");
    this.popover.append(picker);
    this.moveMostUsedRow(picker.shadowRoot);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PICKER_CSS);
    picker.shadowRoot.adoptedStyleSheets = [...picker.shadowRoot.adoptedStyleSheets, sheet];
    return picker;
  }

  // From the bottom of the picker to above the emoji of the categories, in the reading and
  // the tab order alike. Left where it is if the package's markup is not as expected.
  moveMostUsedRow(root) {
    const row = root.querySelector(".favorites");
    const panel = root.querySelector(".tabpanel");
    const before = root.querySelector(".message") ?? panel;
    if (!row || !panel || before.parentNode !== row.parentNode) return;
    row.parentNode.insertBefore(row, before);
  }

  picked(detail) {
    const target = this.target;
    const picked = detail?.unicode ?? detail?.emoji?.unicode;
    if (!target || !picked) return;
    const unicode = qualified(picked);
    this.target = null; // the pick says where focus goes, not the closing
    if (target.anchor.getAttribute("aria-haspopup") === "dialog")
      target.anchor.setAttribute("aria-expanded", "false");
    this.close();
    target.onPick(unicode);
  }

  closed() {
    const target = this.target;
    this.target = null;
    if (!target) return;
    if (target.anchor.getAttribute("aria-haspopup") === "dialog")
      target.anchor.setAttribute("aria-expanded", "false");
    const inside =
      this.popover.contains(document.activeElement) || document.activeElement === document.body;
    if (!inside) return; // a click outside went somewhere: focus stays there
    // After the browser has put focus back where it was before the popover opened.
    queueMicrotask(() => {
      if (target.returnTo?.isConnected && target.returnTo.checkVisibility())
        target.returnTo.focus({ preventScroll: true });
    });
  }

  place() {
    if (this.isOpen && this.target) placeBeside(this.popover, this.target.anchor, { above: true });
  }
}

// The composer's emoji button: the picker beside it, the emoji at the caret, focus back in
// the text box. Locked with the composer (a mute, read-only: composer.js).
export class ComposerEmoji {
  constructor({ button, input, picker }) {
    this.button = button;
    this.input = input;
    this.picker = picker;
    // A press on the button while the picker is open closes it: the popover's light dismiss
    // has done so by the time of the click, which must then not open it again.
    this.openAtPress = false;
    button.addEventListener("pointerdown", () => {
      this.openAtPress = picker.isOpen && picker.target?.anchor === button;
    });
    button.addEventListener("click", () => {
      const close = this.openAtPress;
      this.openAtPress = false;
      if (close) picker.close();
      else this.open();
    });
  }

  open() {
    if (this.input.disabled) return;
    const { selectionStart: start, selectionEnd: end } = this.input;
    this.picker.open({
      anchor: this.button,
      onPick: (emoji) => this.insert(emoji, start, end),
    });
  }

  insert(emoji, start, end) {
    const input = this.input;
    if (input.disabled) return;
    input.focus();
    const at = Math.min(start ?? input.value.length, input.value.length);
    replaceText(input, emoji, at, Math.min(Math.max(end ?? at, at), input.value.length));
  }

  setLocked(locked) {
    this.button.disabled = locked;
    if (locked && this.picker.target?.anchor === this.button) this.picker.close();
  }
}
