// A list of suggestions for what is being typed in a text box (the composer, a message being
// edited): @mentions (mention_suggest.js) and :shortcode: emoji (emoji_suggest.js) are each a
// SuggestList that says which token the caret is in, what matches it and how an option looks.
// ArrowDown and ArrowUp move through the list, Enter or Tab picks (the first one when none is
// chosen yet), putting the option's text in place of the token, Escape closes it; none of these
// then reaches the text box's own keys (Enter does not send).
//
// The text box stays a text box (a <textarea> may not take the combobox role): it gets
// aria-autocomplete="list", aria-controls for the listbox and aria-activedescendant for the
// option chosen, and a status line says how many match. Several lists may watch one text box:
// only the open one takes the keys.

import { placeBeside } from "./popover_place.js";

let lists = 0;

// Put `text` in place of `start`…`end` of a text box, the caret after it; the composer (or the
// editor) counts and sizes on `input`, as after typing.
export function replaceText(input, text, start, end) {
  input.setRangeText(text, start, end, "end");
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export class SuggestList {
  // template: a listbox (popover="manual") and a status line ([role=status]).
  constructor({ input, template, idPrefix }) {
    this.input = input;
    const parts = template.content.cloneNode(true);
    this.list = parts.querySelector("[role=listbox]");
    this.status = parts.querySelector("[role=status]");
    lists += 1;
    this.list.id = `${idPrefix}-${lists}`;
    (input.closest("main") ?? document.body).append(this.list, this.status);
    this.items = [];
    this.options = [];
    this.active = -1;
    this.token = null;
    this.dismissed = null; // the token's start whose list Escape closed
    this.asked = 0; // answers to an older question than the newest are dropped

    input.setAttribute("aria-autocomplete", "list");
    const controls = (input.getAttribute("aria-controls") ?? "").split(" ").filter(Boolean);
    input.setAttribute("aria-controls", [...controls, this.list.id].join(" "));

    this.onKeydown = (event) => this.keydown(event);
    this.onRefresh = () => this.refresh();
    this.onKeyup = (event) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) this.refresh();
    };
    this.onBlur = () => this.close();
    // Capture, on the text box's parent: before the text box's own keys (Enter sends).
    this.keyTarget = input.parentElement;
    this.keyTarget.addEventListener("keydown", this.onKeydown, true);
    input.addEventListener("input", this.onRefresh);
    input.addEventListener("click", this.onRefresh);
    input.addEventListener("keyup", this.onKeyup);
    input.addEventListener("blur", this.onBlur);
    // A press on an option must not take focus from the text box.
    this.list.addEventListener("pointerdown", (event) => event.preventDefault());
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.pick(this.options.indexOf(option));
    });
    this.onResize = () => this.place();
    window.addEventListener("resize", this.onResize);
  }

  // --- what each kind of list says ------------------------------------------------------

  // The token the caret is in: {start, end, query}, or null.
  tokenAt(_text, _caret) {
    return null;
  }

  // The items matching `query`, in the order to offer them: an array, or a promise of one.
  match(_query) {
    return [];
  }

  // What tells an item apart (the option chosen stays chosen as the list changes).
  key(_item) {
    return "";
  }

  // The <li role=option> of an item, its children built with textContent.
  renderOption(_item) {
    return document.createElement("li");
  }

  // What goes in place of the token.
  replacement(_item) {
    return "";
  }

  // What the status line says for `count` matches.
  statusText(_count) {
    return "";
  }

  // After an item went in.
  picked(_item) {}

  // --- the list --------------------------------------------------------------------------

  get isOpen() {
    return this.list.matches(":popover-open");
  }

  refresh() {
    const { value, selectionStart, selectionEnd } = this.input;
    const token = selectionStart === selectionEnd ? this.tokenAt(value, selectionStart) : null;
    const asked = ++this.asked;
    if (!token || this.dismissed === token.start) {
      if (!token) this.dismissed = null;
      this.close();
      return;
    }
    // While an answer is on its way, a pick from the list shown replaces the token as it is now.
    if (this.isOpen) this.token = token;
    const found = this.match(token.query);
    if (found instanceof Promise) {
      found.then(
        (items) => asked === this.asked && this.show(token, items),
        () => asked === this.asked && this.close(),
      );
    } else {
      this.show(token, found);
    }
  }

  show(token, items) {
    if (!items.length || document.activeElement !== this.input) {
      this.close();
      return;
    }
    const activeKey = this.options[this.active]?.dataset.key;
    this.token = token;
    this.items = items;
    this.options = items.map((item, index) => {
      const option = this.renderOption(item);
      option.setAttribute("role", "option");
      option.id = `${this.list.id}-${index}`;
      option.dataset.key = this.key(item);
      return option;
    });
    this.list.replaceChildren(...this.options);
    this.setActive(this.options.findIndex((option) => option.dataset.key === activeKey));
    if (!this.isOpen) this.list.showPopover();
    this.place();
    this.status.textContent = this.statusText(items.length);
  }

  setActive(index) {
    this.active = index;
    this.options.forEach((option, at) =>
      option.setAttribute("aria-selected", String(at === index)),
    );
    const option = this.options[index];
    if (option) {
      this.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      this.forgetActive();
    }
  }

  // Another list's option may be the text box's active one: only ours is taken away.
  forgetActive() {
    const active = this.input.getAttribute("aria-activedescendant") ?? "";
    if (active.startsWith(`${this.list.id}-`)) this.input.removeAttribute("aria-activedescendant");
  }

  keydown(event) {
    if (event.target !== this.input || !this.isOpen || event.isComposing || event.keyCode === 229)
      return;
    const count = this.options.length;
    if (event.key === "ArrowDown") {
      this.setActive((this.active + 1) % count);
    } else if (event.key === "ArrowUp") {
      this.setActive(this.active <= 0 ? count - 1 : this.active - 1);
    } else if (
      (event.key === "Enter" && !event.shiftKey) ||
      (event.key === "Tab" && !event.shiftKey)
    ) {
      this.pick(Math.max(this.active, 0));
    } else if (event.key === "Escape") {
      this.dismissed = this.token?.start ?? null;
      this.close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  pick(index) {
    const item = this.items[index];
    const token = this.token;
    if (item === undefined || !token) return;
    this.close();
    this.input.focus();
    replaceText(this.input, this.replacement(item), token.start, token.end);
    this.picked(item);
  }

  place() {
    if (this.isOpen) placeBeside(this.list, this.input, { above: true });
  }

  close() {
    this.asked += 1; // an answer on its way is not shown
    this.token = null;
    this.items = [];
    this.options = [];
    this.active = -1;
    this.forgetActive();
    if (this.isOpen) this.list.hidePopover();
    this.list.replaceChildren();
    this.status.textContent = "";
  }

  destroy() {
    this.close();
    this.keyTarget.removeEventListener("keydown", this.onKeydown, true);
    this.input.removeEventListener("input", this.onRefresh);
    this.input.removeEventListener("click", this.onRefresh);
    this.input.removeEventListener("keyup", this.onKeyup);
    this.input.removeEventListener("blur", this.onBlur);
    window.removeEventListener("resize", this.onResize);
    const controls = (this.input.getAttribute("aria-controls") ?? "").split(" ");
    const others = controls.filter((id) => id && id !== this.list.id);
    if (others.length) this.input.setAttribute("aria-controls", others.join(" "));
    else this.input.removeAttribute("aria-controls");
    this.list.remove();
    this.status.remove();
  }
}
