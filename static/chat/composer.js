// The composer: Enter sends, Shift+Enter adds a line, blank messages never go out, and
// nothing goes out while it is locked (muted, read-only, banned: see standing.js).
//
// Near the length limit a counter shows how much is used; over it, a send is refused here,
// with the text kept and said why, since the server would refuse it too.

const MAX_HEIGHT_PX = 160;
const COUNT_FROM = 0.9; // the counter shows from 90 % of the limit

// Characters as the server counts them (code points, not UTF-16 units: 😀 is one).
export function textLength(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function formatNumber(number) {
  try {
    return number.toLocaleString(document.documentElement.lang || undefined);
  } catch {
    return String(number);
  }
}

export class Composer {
  constructor({ form, input, button, counter, error, maxLength, onSend }) {
    this.form = form;
    this.input = input;
    this.button = button;
    this.counter = counter;
    this.error = error;
    this.maxLength = maxLength;
    this.onSend = onSend; // (body, upload): upload is the attached picture's, or absent
    this.locked = false;
    // A picture that goes with the text (image_attach.js, set by room.js): the message may
    // then have no text, and its send waits for the upload.
    this.attachment = null;
    this.waiting = false;
    this.emoji = null; // the emoji button (emoji_picker.js's ComposerEmoji, set by room.js)

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("keydown", (event) => {
      // Not while an input method (e.g. pinyin) is composing: Enter picks a candidate there.
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
        return;
      }
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("input", () => this.update());
    this.update();
  }

  get text() {
    return this.input.value.trim();
  }

  get tooLong() {
    return textLength(this.text) > this.maxLength;
  }

  // Locked: the text stays where it is, but cannot be edited or sent.
  setLocked(locked) {
    this.locked = locked;
    this.input.disabled = locked;
    this.form.classList.toggle("locked", locked);
    this.attachment?.setLocked(locked);
    this.emoji?.setLocked(locked);
    this.update();
  }

  // Focus the text box; false when it cannot take focus (locked).
  focus(options = {}) {
    if (this.locked) return false;
    this.input.focus(options);
    return document.activeElement === this.input;
  }

  // Put a message that was not sent back for editing, before any draft typed since.
  restore(body) {
    const draft = this.input.value.trim();
    this.input.value = draft ? `${body}\n${draft}` : body;
    this.update();
    if (this.focus()) this.input.setSelectionRange(body.length, body.length);
  }

  submit() {
    const body = this.text;
    const picture = Boolean(this.attachment?.attached);
    if ((!body && !picture) || this.locked || this.waiting) return;
    if (this.tooLong) {
      this.showError(interpolate(
        gettext("This message is too long: at most %s characters. Shorten it to send it."),
        [formatNumber(this.maxLength)],
      ));
      this.input.focus();
      return;
    }
    if (picture) {
      this.submitWithPicture(body);
      return;
    }
    this.onSend(body);
    this.input.value = "";
    this.update();
    this.input.focus();
  }

  // The text waits, unchanged, for the picture's upload; a refused or removed picture sends
  // nothing and leaves the text (the refusal is said by image_attach.js).
  async submitWithPicture(body) {
    this.waiting = true;
    this.input.readOnly = true;
    this.form.setAttribute("aria-busy", "true");
    const upload = await this.attachment.ready();
    this.waiting = false;
    this.input.readOnly = false;
    this.form.setAttribute("aria-busy", "false");
    if (!upload || this.locked) return;
    this.onSend(body, upload);
    this.attachment.sent();
    this.input.value = "";
    this.update();
    if (!this.locked && this.form.contains(document.activeElement)) this.input.focus();
  }

  // Text, or text and nodes (a link), never HTML.
  showError(...parts) {
    this.error.replaceChildren(...parts);
    this.error.hidden = false;
  }

  hideError() {
    this.error.hidden = true;
    this.error.textContent = "";
  }

  update() {
    const length = textLength(this.text);
    const over = length > this.maxLength;
    // Enabled when over the limit, so that a press says why nothing is sent.
    this.button.disabled = this.locked || (this.text === "" && !this.attachment?.attached);
    this.counter.hidden = length < this.maxLength * COUNT_FROM;
    this.counter.textContent = this.counter.hidden
      ? ""
      : interpolate(gettext("%(count)s / %(limit)s characters"), {
        count: formatNumber(length),
        limit: formatNumber(this.maxLength),
      }, true);
    this.counter.classList.toggle("is-over", over);
    if (over) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
    if (!over) this.hideError();
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }
}
