// The composer: Enter sends, Shift+Enter adds a line, blank messages never go out, and
// nothing goes out while it is locked (muted, read-only, banned: see standing.js).

const MAX_HEIGHT_PX = 160;

export class Composer {
  constructor({ form, input, button, onSend }) {
    this.form = form;
    this.input = input;
    this.button = button;
    this.onSend = onSend;
    this.locked = false;

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

  // Locked: the text stays where it is, but cannot be edited or sent.
  setLocked(locked) {
    this.locked = locked;
    this.input.disabled = locked;
    this.form.classList.toggle("locked", locked);
    this.update();
  }

  submit() {
    const body = this.text;
    if (!body || this.locked) return;
    this.onSend(body);
    this.input.value = "";
    this.update();
    this.input.focus();
  }

  update() {
    this.button.disabled = this.locked || this.text === "";
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }
}
