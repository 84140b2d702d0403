// "alice is typing…" above the composer (docs/protocol.md, `typing`).
//
// Told: while the composer's text changes, at most every SEND_EVERY_MS (the server keeps the
// same pace, across the reader's tabs), never for a blank text; a send by Enter changes the
// text without an `input` event, so it tells nothing.
// Shown: each person for `expires_in` seconds after their last notice, or until their message
// arrives. The line is a polite live region whose text changes only when the set of names
// does, so a screen reader hears "alice is typing…" once, not every three seconds.

// A little over the server's 3 s (CHAT_TYPING_EVERY_SECONDS): a notice sent on the dot could
// arrive a moment early and be dropped, leaving the others' line to lapse.
const SEND_EVERY_MS = 3200;
const DEFAULT_EXPIRES_S = 5;

export function typingText(names) {
  if (names.length === 0) return "";
  if (names.length === 1) return interpolate(gettext("%s is typing…"), [names[0]]);
  if (names.length === 2) {
    return interpolate(gettext("%(first)s and %(second)s are typing…"), {
      first: names[0],
      second: names[1],
    }, true);
  }
  return gettext("Several people are typing…");
}

export class TypingIndicator {
  // `send(frame)`: false when the socket is not open.
  constructor({ input, line, text, slug, send }) {
    this.line = line; // shown while someone types; inside the live region
    this.text = text;
    this.slug = slug;
    this.send = send;
    this.me = null;
    this.typing = new Map(); // user id -> {name, timer}, first typer first
    this.lastSent = -Infinity;

    input.addEventListener("input", () => {
      if (input.value.trim() === "") return;
      const now = performance.now();
      if (now - this.lastSent < SEND_EVERY_MS) return;
      if (this.send({ type: "typing" }) !== false) this.lastSent = now;
    });
  }

  welcome(frame) {
    this.me = frame.me ?? this.me;
    // Back after a cut: whoever typed then may long have stopped.
    this.typing.forEach((entry) => clearTimeout(entry.timer));
    this.typing.clear();
    this.render();
  }

  heard(frame) {
    const user = frame.user;
    if (!user || typeof user.id !== "number") return;
    if (frame.room && frame.room !== this.slug) return;
    if (this.me && user.id === this.me.id) return;
    const seconds = Number(frame.expires_in) > 0 ? Number(frame.expires_in) : DEFAULT_EXPIRES_S;
    const entry = this.typing.get(user.id) ?? { name: user.name, timer: null };
    clearTimeout(entry.timer);
    entry.name = user.name;
    entry.timer = setTimeout(() => this.stop(user.id), seconds * 1000);
    this.typing.set(user.id, entry);
    this.render();
  }

  // Their message arrived, or they left.
  stop(userId) {
    const entry = this.typing.get(userId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.typing.delete(userId);
    this.render();
  }

  render() {
    const text = typingText([...this.typing.values()].map((entry) => entry.name));
    if (this.text.textContent !== text) this.text.textContent = text;
    this.line.hidden = text === "";
  }
}
