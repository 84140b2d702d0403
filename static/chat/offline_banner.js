// The banner of a lost connection: "Connection lost. Reconnecting in 3 s…" counting down,
// and "Reconnect now". It lies over the messages (nothing on the page moves) and shows only
// once a quick first retry has failed, so a blip of the network does not flash it.
//
// The header's connection state is the live region that says "Reconnecting…"; the countdown
// is not announced every second.

const SHOW_FROM_ATTEMPT = 2;

export class OfflineBanner {
  constructor({ root, onReconnect, fallbackFocus }) {
    this.root = root;
    this.countdown = root.querySelector(".offline-countdown");
    this.button = root.querySelector("#reconnect-now");
    this.onReconnect = onReconnect; // () => bool: false when there was no wait to cut short
    this.fallbackFocus = fallbackFocus; // () => element to focus when the banner goes
    this.at = null;
    this.timer = null;
    // Not `disabled` while trying: a disabled button would drop the keyboard's focus.
    this.button.addEventListener("click", () => {
      if (this.button.getAttribute("aria-disabled") === "true") return;
      this.onReconnect();
    });
  }

  // From the socket's onWait: a wait until `at`, or (at null) an attempt under way.
  wait({ at, attempt }) {
    clearTimeout(this.timer);
    this.timer = null;
    this.at = at;
    if (attempt >= SHOW_FROM_ATTEMPT) this.root.hidden = false;
    this.render();
  }

  // Any state from the socket: the banner is about "reconnecting" only.
  state(state) {
    if (state === "reconnecting") return;
    clearTimeout(this.timer);
    this.timer = null;
    this.at = null;
    if (this.root.hidden) return;
    const hadFocus = this.root.contains(document.activeElement);
    this.root.hidden = true;
    if (hadFocus) this.fallbackFocus()?.focus({ preventScroll: true });
  }

  render() {
    if (this.at === null) {
      this.countdown.textContent = gettext("Reconnecting…");
      this.button.setAttribute("aria-disabled", "true");
      return;
    }
    this.button.removeAttribute("aria-disabled");
    const left = this.at - Date.now();
    const seconds = Math.max(1, Math.ceil(left / 1000));
    this.countdown.textContent = interpolate(gettext("Reconnecting in %s s…"), [seconds]);
    // The next whole second; the socket's own timer ends the wait.
    if (seconds > 1) this.timer = setTimeout(() => this.render(), left - (seconds - 1) * 1000);
  }
}
