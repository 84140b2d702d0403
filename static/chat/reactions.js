// Reactions: a row of chips under a message ("👍 3", pressed when one of them is yours; a
// press adds or takes back yours), who reacted in the chip's title and, on a touch screen, in
// a small list after a long press; and the picker (a few quick emoji, any one typed or pasted,
// or "More emoji…": the full emoji picker, emoji_picker.js) that the row's "+" and the menu's
// React open.
//
// Each message keeps, per emoji, the set of people who gave it: `reaction.added` and
// `reaction.removed` apply to it idempotently, and a full payload (history, `message.edited`)
// replaces it. A press changes the page at once and sends the frame; a refusal puts it back.

import { placeBeside } from "./popover_place.js";

const LONG_PRESS_MS = 500;
const PRESS_SLOP_PX = 10;
const NAMES_SHOWN = 2; // "alice, bob and 3 others"

// One emoji (a flag, a keycap, a family, a skin tone: one grapheme); null for anything else.
// The server decides; this only says early what it would refuse.
export function oneEmoji(text) {
  const value = String(text ?? "").trim();
  if (!value) return null;
  const graphemes =
    typeof Intl.Segmenter === "function"
      ? [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(value)].map(
          (part) => part.segment,
        )
      : [value];
  if (graphemes.length !== 1) return null;
  return /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(graphemes[0])
    ? graphemes[0]
    : null;
}

// "alice", "alice and bob", "alice, bob and carol", "you, alice and 3 others".
export function peopleText(names) {
  const [first, second, third] = names;
  if (names.length <= 1) return first ?? "";
  if (names.length === 2)
    return interpolate(gettext("%(first)s and %(second)s"), { first, second }, true);
  if (names.length === 3) {
    return interpolate(
      gettext("%(first)s, %(second)s and %(third)s"),
      { first, second, third },
      true,
    );
  }
  const count = names.length - NAMES_SHOWN;
  return interpolate(
    ngettext(
      "%(first)s, %(second)s and %(count)s other",
      "%(first)s, %(second)s and %(count)s others",
      count,
    ),
    { first, second, count },
    true,
  );
}

export class Reactions {
  // send(frame): false when offline. notify(text): a short notice. me(): the page's user.
  // emoji: {picker, data}, the page's EmojiPicker and EmojiData, or null (no "More emoji…").
  constructor({ templates, picker, people, send, notify, me, emoji = null }) {
    this.rowTemplate = templates.row;
    this.chipTemplate = templates.chip;
    this.picker = picker;
    this.peoplePopover = people;
    this.send = send;
    this.notify = notify;
    this.me = me;
    this.byElement = new WeakMap(); // message node -> Map(emoji -> Map(user id -> name))
    this.pending = []; // [{element, emoji, add}]: sent, not yet seen coming back
    this.pickerFor = null; // {element, returnTo}
    this.emoji = emoji;

    this.wirePicker();
  }

  // --- the state of one message ---------------------------------------------------------

  // The full list from a payload (`reactions`: [{emoji, users: [{id, name}]}]).
  render(element, reactions) {
    const state = new Map();
    (Array.isArray(reactions) ? reactions : []).forEach(({ emoji, users }) => {
      if (typeof emoji !== "string" || !Array.isArray(users) || !users.length) return;
      state.set(emoji, new Map(users.map((user) => [user.id, user.name])));
    });
    this.byElement.set(element, state);
    this.pending = this.pending.filter((entry) => entry.element !== element);
    this.draw(element);
  }

  // `reaction.added` / `reaction.removed`, for a message on the page.
  apply(element, { emoji, user }, add) {
    if (typeof emoji !== "string" || !user) return;
    if (user.id === this.me()?.id) {
      const index = this.pending.findIndex(
        (entry) => entry.element === element && entry.emoji === emoji,
      );
      if (index >= 0) this.pending.splice(index, 1);
    }
    this.change(element, emoji, user, add);
  }

  change(element, emoji, user, add) {
    const state = this.byElement.get(element) ?? new Map();
    this.byElement.set(element, state);
    const users = state.get(emoji) ?? new Map();
    if (add) {
      users.set(user.id, user.name);
      state.set(emoji, users);
    } else {
      users.delete(user.id);
      if (!users.size) state.delete(emoji);
    }
    this.draw(element);
  }

  mine(element, emoji) {
    const me = this.me();
    return Boolean(me && this.byElement.get(element)?.get(emoji)?.has(me.id));
  }

  // Add or take back one's own `emoji` on a message; false when it could not be sent.
  toggle(element, emoji) {
    const me = this.me();
    if (!me || !element.dataset.id) return false;
    const add = !this.mine(element, emoji);
    const frame = {
      type: add ? "reaction.add" : "reaction.remove",
      message_id: Number(element.dataset.id),
      emoji,
    };
    if (!this.send(frame)) {
      this.notify(gettext("Not connected: try again once the connection is back."));
      return false;
    }
    this.pending.push({ element, emoji, add });
    this.change(element, emoji, me, add);
    return true;
  }

  // An `error` frame about a reaction of ours: it is taken back. False when none is waiting.
  failed(element, frame) {
    const waiting = this.pending.filter((entry) => entry.element === element);
    if (!waiting.length) return false;
    const entry =
      waiting.find((candidate) => candidate.emoji === frame.emoji) ?? waiting[waiting.length - 1];
    this.pending.splice(this.pending.indexOf(entry), 1);
    const me = this.me();
    if (me) this.change(element, entry.emoji, me, !entry.add);
    this.notify(frame.detail || gettext("Something went wrong."));
    return true;
  }

  isWaiting(element) {
    return this.pending.some((entry) => entry.element === element);
  }

  // A new connection: what was sent before it either arrived or not; its payloads tell.
  reset() {
    this.pending = [];
  }

  // --- the row of chips -----------------------------------------------------------------

  draw(element) {
    const state = this.byElement.get(element) ?? new Map();
    let row = element.querySelector(".reactions");
    if (!state.size) {
      if (row?.contains(document.activeElement))
        element.querySelector(".message-menu-button")?.focus();
      row?.remove();
      return;
    }
    if (!row) {
      row = this.rowTemplate.content.firstElementChild.cloneNode(true);
      const add = row.querySelector(".reaction-add");
      add.addEventListener("click", () => this.openPicker(element, add));
      element.querySelector(".bubble").after(row);
    }
    const add = row.querySelector(".reaction-add");
    const chips = new Map(
      [...row.querySelectorAll(".reaction-chip")].map((chip) => [chip.dataset.emoji, chip]),
    );
    // Chips stay the same nodes (and keep focus) however the counts change.
    let cursor = row.firstElementChild;
    for (const [emoji, users] of state) {
      let chip = chips.get(emoji);
      chips.delete(emoji);
      if (!chip) chip = this.makeChip(element, emoji);
      this.fillChip(chip, emoji, users);
      if (chip === cursor) cursor = cursor.nextElementSibling;
      else row.insertBefore(chip, cursor);
    }
    chips.forEach((chip) => {
      if (chip.contains(document.activeElement)) add.focus();
      chip.remove();
    });
  }

  makeChip(element, emoji) {
    const chip = this.chipTemplate.content.firstElementChild.cloneNode(true);
    chip.dataset.emoji = emoji;
    chip.querySelector(".reaction-emoji").textContent = emoji;
    chip.addEventListener("click", (event) => {
      if (chip.dataset.longPressed) {
        delete chip.dataset.longPressed;
        event.preventDefault();
        return;
      }
      this.toggle(element, emoji);
    });
    this.watchLongPress(element, chip);
    return chip;
  }

  // The names of who reacted, "you" first.
  names(users) {
    const me = this.me();
    const names = [];
    if (me && users.has(me.id)) names.push(gettext("you"));
    users.forEach((name, id) => {
      if (!me || id !== me.id) names.push(name);
    });
    return names;
  }

  fillChip(chip, emoji, users) {
    const count = users.size;
    const people = peopleText(this.names(users));
    chip.querySelector(".reaction-count").textContent = String(count);
    chip.setAttribute("aria-pressed", String(Boolean(this.me() && users.has(this.me().id))));
    chip.title = people;
    chip.setAttribute(
      "aria-label",
      interpolate(
        ngettext(
          "%(emoji)s: %(count)s reaction, from %(people)s",
          "%(emoji)s: %(count)s reactions, from %(people)s",
          count,
        ),
        { emoji, count, people },
        true,
      ),
    );
  }

  // A long press (touch, a pen) shows who reacted; the press then does not toggle.
  watchLongPress(element, chip) {
    let timer = null;
    let start = null;
    const stop = () => {
      clearTimeout(timer);
      timer = null;
    };
    chip.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse") return;
      start = { x: event.clientX, y: event.clientY };
      stop();
      timer = setTimeout(() => {
        timer = null;
        chip.dataset.longPressed = "true";
        this.showPeople(element, chip);
      }, LONG_PRESS_MS);
    });
    chip.addEventListener("pointermove", (event) => {
      if (timer && Math.hypot(event.clientX - start.x, event.clientY - start.y) > PRESS_SLOP_PX)
        stop();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach((type) =>
      chip.addEventListener(type, stop),
    );
    // The system's own long-press menu would cover the list.
    chip.addEventListener("contextmenu", (event) => {
      if (chip.dataset.longPressed || timer) event.preventDefault();
    });
  }

  showPeople(element, chip) {
    const users = this.byElement.get(element)?.get(chip.dataset.emoji);
    if (!users) return;
    const popover = this.peoplePopover;
    popover.querySelector(".reaction-people-title").textContent = interpolate(
      gettext("Reacted with %s"),
      [chip.dataset.emoji],
    );
    const list = popover.querySelector(".reaction-people-list");
    list.replaceChildren(
      ...this.names(users).map((name) => {
        const item = document.createElement("li");
        item.textContent = name;
        return item;
      }),
    );
    if (popover.matches(":popover-open")) popover.hidePopover();
    popover.showPopover();
    placeBeside(popover, chip);
  }

  // --- the picker -----------------------------------------------------------------------

  wirePicker() {
    const picker = this.picker;
    this.quick = [...picker.querySelectorAll(".picker-emoji")];
    this.quick.forEach((button, index) => {
      button.addEventListener("click", () => this.pick(button.dataset.emoji));
      button.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
        let next = null;
        if (step) next = this.quick[(index + step + this.quick.length) % this.quick.length];
        else if (event.key === "Home") next = this.quick[0];
        else if (event.key === "End") next = this.quick[this.quick.length - 1];
        if (!next) return;
        event.preventDefault();
        next.focus();
      });
    });
    this.anyForm = picker.querySelector(".picker-any");
    this.anyInput = picker.querySelector(".picker-any input");
    this.anyError = picker.querySelector(".picker-error");
    this.anyForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const emoji = oneEmoji(this.anyInput.value);
      if (!emoji) {
        this.anyError.textContent = gettext("Type or paste one emoji.");
        this.anyError.hidden = false;
        this.anyInput.setAttribute("aria-invalid", "true");
        this.anyInput.focus();
        return;
      }
      this.pick(emoji);
    });
    this.anyInput.addEventListener("input", () => {
      this.anyError.hidden = true;
      this.anyInput.removeAttribute("aria-invalid");
    });
    picker.addEventListener("beforetoggle", (event) => {
      if (event.newState === "closed") this.pickerClosed();
    });
    const more = picker.querySelector(".picker-more");
    if (more) {
      more.hidden = !this.emoji;
      more.addEventListener("click", () => this.openMore());
    }
  }

  // Open the picker for `element`, beside `anchor`; focus goes back to `returnTo` after.
  openPicker(element, anchor, returnTo = anchor) {
    if (this.picker.matches(":popover-open")) {
      const same = this.pickerFor?.element === element;
      this.picker.hidePopover();
      if (same && anchor.classList.contains("reaction-add")) return; // a second press closes it
    }
    this.pickerFor = { element, returnTo, anchor };
    if (anchor.classList.contains("reaction-add")) anchor.setAttribute("aria-expanded", "true");
    this.quick.forEach((button) => {
      button.setAttribute("aria-pressed", String(this.mine(element, button.dataset.emoji)));
    });
    this.anyInput.value = "";
    this.anyError.hidden = true;
    this.anyInput.removeAttribute("aria-invalid");
    this.picker.showPopover();
    placeBeside(this.picker, anchor);
    this.quick[0].focus();
  }

  pick(emoji) {
    const target = this.pickerFor;
    if (!target) return;
    this.picker.hidePopover();
    if (target.element.isConnected && !target.element.classList.contains("removed")) {
      const adding = !this.mine(target.element, emoji);
      // A reaction given counts among the emoji picker's most used.
      if (this.toggle(target.element, emoji) && adding) this.emoji?.data.remember(emoji);
    }
  }

  // "More emoji…": the full picker in the quick one's place, for the same message; what is
  // picked there is added (not taken back when it is already one's own).
  openMore() {
    const target = this.pickerFor;
    if (!target || !this.emoji) return;
    this.pickerFor = null; // focus goes into the full picker, not back to the message
    this.picker.hidePopover();
    this.emoji.picker.open({
      anchor: target.anchor,
      returnTo: target.returnTo,
      onPick: (emoji) => {
        const element = target.element;
        if (!element.isConnected || element.classList.contains("removed")) return;
        if (!this.mine(element, emoji)) this.toggle(element, emoji);
        const back = [
          target.returnTo,
          element.querySelector(".reaction-add"),
          element.querySelector(".message-menu-button"),
        ].find((candidate) => candidate?.isConnected && candidate.checkVisibility());
        back?.focus({ preventScroll: true });
      },
    });
  }

  closePicker(element) {
    if (this.pickerFor && (!element || this.pickerFor.element === element))
      this.picker.hidePopover();
  }

  pickerClosed() {
    const target = this.pickerFor;
    this.pickerFor = null;
    if (!target) return;
    if (target.anchor.classList.contains("reaction-add"))
      target.anchor.setAttribute("aria-expanded", "false");
    const inside =
      this.picker.contains(document.activeElement) || document.activeElement === document.body;
    if (!inside) return;
    // Focus after the browser has put it back where it was (Escape, a click outside).
    queueMicrotask(() => {
      const back = [
        target.returnTo,
        target.element.querySelector(".reaction-add"),
        target.element.querySelector(".message-menu-button"),
      ].find((candidate) => candidate?.isConnected && candidate.checkVisibility());
      back?.focus({ preventScroll: true });
    });
  }
}
