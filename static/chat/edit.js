// Editing one's own message in place: the bubble holds a text box with Save and Cancel
// (Enter saves, Shift+Enter adds a line, Escape cancels) and the composer's counter near the
// limit. The text is sent as `message.edit`; the editor closes when the room's
// `message.edited` comes back, and a refusal is said in the editor, with the text kept.
// Also the "(edited)" mark after a message's time, the time of the edit in its title.

import { textLength } from "./composer.js";
import { fullTime, parseTime } from "./time.js";

const COUNT_FROM = 0.9; // as the composer: the counter shows from 90 % of the limit
const MAX_HEIGHT_PX = 240;
const ANSWER_TIMEOUT_MS = 10_000; // no `message.edited` nor error by then: Save works again

let editors = 0; // for the ids that tie a text box to its counter and error

function formatNumber(number) {
  try {
    return number.toLocaleString(document.documentElement.lang || undefined);
  } catch {
    return String(number);
  }
}

// The "(edited)" mark of a message node: `edited` is the server's time, or null.
export function showEdited(element, edited) {
  element.classList.toggle("edited", Boolean(edited));
  let mark = element.querySelector(".edited-mark");
  if (!edited) {
    mark?.remove();
    return;
  }
  if (!mark) {
    mark = document.createElement("span");
    mark.className = "edited-mark";
    mark.textContent = gettext("(edited)");
    element.querySelector(".meta .time").after(mark);
  }
  mark.title = interpolate(gettext("Edited %s"), [fullTime(parseTime(edited))]);
}

export class InlineEditor {
  // send(id, body): false when it could not go out (offline). mentions(input): a mention
  // helper for the text box, with a destroy(). focusAway(): where focus goes at the end.
  constructor({ template, maxLength, send, mentions, focusAway }) {
    this.template = template;
    this.maxLength = maxLength;
    this.send = send;
    this.mentions = mentions;
    this.focusAway = focusAway;
    this.open = null; // {element, id, form, input, original, saving, timer, returnTo, helper}
  }

  isOpen(id) {
    return this.open?.id === id;
  }

  // Edit `element` (a confirmed own message whose text is `body`); focus goes back to
  // `returnTo` after, or to the message's menu button.
  start(element, body, { returnTo = null } = {}) {
    if (this.open) this.close({ restoreFocus: false });
    const form = this.template.content.firstElementChild.cloneNode(true);
    const input = form.querySelector("textarea");
    const count = form.querySelector(".editor-count");
    const error = form.querySelector(".editor-error");
    editors += 1;
    count.id = `editor-count-${editors}`;
    error.id = `editor-error-${editors}`;
    input.setAttribute("aria-describedby", `${count.id} ${error.id}`);
    input.value = body;
    const open = {
      element,
      id: Number(element.dataset.id),
      form,
      input,
      original: body,
      saving: false,
      timer: null,
      returnTo: returnTo ?? element.querySelector(".message-menu-button"),
      helper: null,
    };
    this.open = open;

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    form.querySelector(".editor-cancel").addEventListener("click", () => this.close());
    input.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.isComposing || event.keyCode === 229) return;
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.save();
      }
    });
    input.addEventListener("input", () => this.update());

    element.classList.add("editing");
    element.querySelector(".body").after(form);
    open.helper = this.mentions?.(input, form) ?? null;
    this.update();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  save() {
    const open = this.open;
    if (!open || open.saving) return;
    const body = open.input.value.trim();
    // A picture's caption may go (image_view.js marks a message that has one).
    if (!body && !open.element.classList.contains("has-picture")) {
      this.showError(gettext("A message cannot be empty. To take it away, delete it."));
      return;
    }
    if (textLength(body) > this.maxLength) {
      this.showError(
        interpolate(
          gettext("This message is too long: at most %s characters. Shorten it to save it."),
          [formatNumber(this.maxLength)],
        ),
      );
      return;
    }
    if (body === open.original.trim()) {
      this.close(); // nothing changed: nothing to send
      return;
    }
    if (!this.send(open.id, body)) {
      this.showError(
        gettext("Not connected. Your text is kept: save again once the connection is back."),
      );
      return;
    }
    open.saving = true;
    this.hideError();
    this.setSaving(true);
    open.timer = setTimeout(() => {
      if (this.open !== open || !open.saving) return;
      open.saving = false;
      this.setSaving(false);
      this.showError(gettext("No answer from the server. Your text is kept: save again."));
    }, ANSWER_TIMEOUT_MS);
  }

  // The room's `message.edited` for a message: the editor's work is done when it saved it.
  // A change made elsewhere (another tab) leaves a running edit open.
  edited(id, body) {
    const open = this.open;
    if (!open || open.id !== id) return;
    if (open.saving) this.close();
    else open.original = body;
  }

  // An `error` frame about the message being saved; false when it is not about that.
  failed(id, frame) {
    const open = this.open;
    if (!open || open.id !== id || !open.saving) return false;
    clearTimeout(open.timer);
    open.saving = false;
    this.setSaving(false);
    const wait = Number(frame.retry_after);
    this.showError(
      frame.code === "rate_limited" && wait > 0
        ? interpolate(gettext("You are editing too fast. Try again in %s s."), [Math.ceil(wait)])
        : frame.detail || gettext("Something went wrong."),
    );
    open.input.focus();
    return true;
  }

  // Waiting for an answer that will not come (the connection dropped): Save works again.
  connectionLost() {
    if (!this.open?.saving) return;
    clearTimeout(this.open.timer);
    this.open.saving = false;
    this.setSaving(false);
    this.showError(
      gettext("The connection dropped. Your text is kept: save again once it is back."),
    );
  }

  // The message went (deleted here or elsewhere), or the page dropped it.
  forget(id) {
    if (this.open && (id === undefined || this.open.id === id))
      this.close({ restoreFocus: "away" });
  }

  close({ restoreFocus = true } = {}) {
    const open = this.open;
    if (!open) return;
    this.open = null;
    clearTimeout(open.timer);
    const hadFocus = open.form.contains(document.activeElement);
    open.helper?.destroy();
    open.form.remove();
    open.element.classList.remove("editing");
    if (!hadFocus || !restoreFocus) return;
    const back = open.returnTo;
    if (restoreFocus === true && back?.isConnected && back.checkVisibility()) {
      back.focus({ preventScroll: true });
    } else {
      this.focusAway?.();
    }
  }

  setSaving(saving) {
    const button = this.open.form.querySelector(".editor-save");
    // Not `disabled`: a disabled button would drop the keyboard's focus.
    if (saving) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
    button.textContent = saving ? gettext("Saving…") : gettext("Save");
    this.open.form.setAttribute("aria-busy", String(saving));
  }

  showError(text) {
    const error = this.open.form.querySelector(".editor-error");
    error.textContent = text;
    error.hidden = false;
    this.open.input.setAttribute("aria-invalid", "true");
  }

  hideError() {
    const error = this.open.form.querySelector(".editor-error");
    error.hidden = true;
    error.textContent = "";
    this.open.input.removeAttribute("aria-invalid");
  }

  update() {
    const { input, form } = this.open;
    const counter = form.querySelector(".editor-count");
    const length = textLength(input.value.trim());
    const over = length > this.maxLength;
    counter.hidden = length < this.maxLength * COUNT_FROM;
    counter.textContent = counter.hidden
      ? ""
      : interpolate(
          gettext("%(count)s / %(limit)s characters"),
          {
            count: formatNumber(length),
            limit: formatNumber(this.maxLength),
          },
          true,
        );
    counter.classList.toggle("is-over", over);
    if (!over && !form.querySelector(".editor-error").hidden) this.hideError();
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, MAX_HEIGHT_PX)}px`;
  }
}
