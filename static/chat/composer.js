// The composer: Enter sends, Shift+Enter adds a line, blank messages never go out.

const MAX_HEIGHT_PX = 160;

export class Composer {
  constructor({ form, input, button, onSend }) {
    this.form = form;
    this.input = input;
    this.button = button;
    this.onSend = onSend;

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

  submit() {
    const body = this.text;
    if (!body) return;
    this.onSend(body);
    this.input.value = "";
    this.update();
    this.input.focus();
  }

  update() {
    this.button.disabled = this.text === "";
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_HEIGHT_PX)}px`;
  }
}
