// @mentions while typing: an "@" in a text box (the composer, a message being edited) opens a
// list of the room's people that match what follows it, online first. ArrowDown and ArrowUp
// move through it, Enter or Tab picks (the first one when none is chosen yet), inserting
// "@name ", Escape closes it; none of these then reaches the text box's own keys (Enter does
// not send).
//
// The text box stays a text box (a <textarea> may not take the combobox role): it gets
// aria-autocomplete="list", aria-controls for the listbox and aria-activedescendant for the
// option chosen, and a status line says how many people match.

import { placeBeside } from "./popover_place.js";

const SHOWN_MAX = 8;
// As markup.js reads a mention: an "@" after none of these, then 1 to 32 of those.
const MENTION_AFTER = /[\p{L}\p{N}.@+\-_]/u;
const MENTION_CHAR = /[\p{L}\p{N}_.@+-]/u;
const MENTION_MAX = 32;

let lists = 0;

// The people matching `query` (case-insensitive): those whose name starts with it, then those
// whose name holds it; in each, the online ones first, each group in the order given.
export function matchPeople(people, query) {
  const needle = query.toLocaleLowerCase();
  const ranked = [];
  people.forEach((person, index) => {
    const name = person.name.toLocaleLowerCase();
    const at = name.indexOf(needle);
    if (at < 0) return;
    ranked.push({ person, rank: (at === 0 ? 0 : 2) + (person.online ? 0 : 1), index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.slice(0, SHOWN_MAX).map((entry) => entry.person);
}

// The "@token" the caret is in: {start (of the "@"), end, query}, or null.
export function mentionAt(text, caret) {
  let start = caret;
  while (
    start > 0 &&
    caret - start <= MENTION_MAX &&
    MENTION_CHAR.test(text[start - 1]) &&
    text[start - 1] !== "@"
  ) {
    start -= 1;
  }
  if (start === 0 || text[start - 1] !== "@") return null;
  const at = start - 1;
  if (at > 0 && MENTION_AFTER.test(text[at - 1])) return null;
  let end = caret;
  while (end < text.length && MENTION_CHAR.test(text[end]) && text[end] !== "@") end += 1;
  return { start: at, end, query: text.slice(start, caret) };
}

export class MentionSuggest {
  // people(): [{id, name, avatar, online}], in the order to offer them.
  constructor({ input, template, people }) {
    this.input = input;
    this.people = people;
    const parts = template.content.cloneNode(true);
    this.list = parts.querySelector("[role=listbox]");
    this.status = parts.querySelector(".mention-status");
    lists += 1;
    this.list.id = `mention-list-${lists}`;
    (input.closest("main") ?? document.body).append(this.list, this.status);
    this.options = [];
    this.active = -1;
    this.token = null;
    this.dismissed = null; // the "@" position whose list Escape closed

    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", this.list.id);

    this.onKeydown = (event) => this.keydown(event);
    this.onRefresh = () => this.refresh();
    this.onBlur = () => this.close();
    // Capture, on the text box's parent: before the text box's own keys (Enter sends).
    this.keyTarget = input.parentElement;
    this.keyTarget.addEventListener("keydown", this.onKeydown, true);
    input.addEventListener("input", this.onRefresh);
    input.addEventListener("click", this.onRefresh);
    input.addEventListener("keyup", (event) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) this.refresh();
    });
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

  get isOpen() {
    return this.list.matches(":popover-open");
  }

  refresh() {
    const { value, selectionStart, selectionEnd } = this.input;
    const token = selectionStart === selectionEnd ? mentionAt(value, selectionStart) : null;
    if (!token || this.dismissed === token.start) {
      if (!token) this.dismissed = null;
      this.close();
      return;
    }
    const found = matchPeople(this.people(), token.query);
    if (!found.length) {
      this.close();
      return;
    }
    const activeId = this.options[this.active]?.dataset.userId;
    this.token = token;
    this.options = found.map((person, index) => this.option(person, index));
    this.list.replaceChildren(...this.options);
    this.setActive(this.options.findIndex((option) => option.dataset.userId === activeId));
    if (!this.isOpen) this.list.showPopover();
    this.place();
    this.status.textContent = interpolate(
      ngettext(
        "%s person matches. Up and down to choose, Enter to pick.",
        "%s people match. Up and down to choose, Enter to pick.",
        found.length,
      ),
      [found.length],
    );
  }

  option(person, index) {
    const option = document.createElement("li");
    option.setAttribute("role", "option");
    option.id = `${this.list.id}-${index}`;
    option.className = "mention-option";
    option.dataset.userId = String(person.id);
    option.dataset.name = person.name;
    const avatar = document.createElement("img");
    avatar.className = "avatar mention-avatar";
    avatar.alt = "";
    avatar.width = 24;
    avatar.height = 24;
    if (person.avatar) avatar.src = person.avatar;
    const name = document.createElement("span");
    name.className = "mention-name";
    name.textContent = person.name;
    option.append(avatar, name);
    if (person.online) {
      const online = document.createElement("span");
      online.className = "mention-online";
      online.textContent = gettext("online");
      option.append(online);
    }
    return option;
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
      this.input.removeAttribute("aria-activedescendant");
    }
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
    const option = this.options[index];
    const token = this.token;
    if (!option || !token) return;
    this.close();
    this.input.focus();
    this.input.setRangeText(`@${option.dataset.name} `, token.start, token.end, "end");
    // The composer (or the editor) counts and sizes on `input`, as after typing.
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  place() {
    if (this.isOpen) placeBeside(this.list, this.input, { above: true });
  }

  close() {
    this.token = null;
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (this.isOpen) this.list.hidePopover();
    this.list.replaceChildren();
    this.status.textContent = "";
  }

  destroy() {
    this.close();
    this.keyTarget.removeEventListener("keydown", this.onKeydown, true);
    this.input.removeEventListener("input", this.onRefresh);
    this.input.removeEventListener("click", this.onRefresh);
    this.input.removeEventListener("blur", this.onBlur);
    window.removeEventListener("resize", this.onResize);
    this.list.remove();
    this.status.remove();
  }
}
