// Browser notifications of a `notify` frame (a direct message, a mention: docs/protocol.md),
// when the reader is not looking at that room: the tab is hidden, or it shows another room.
// Never from a room the reader muted (the header's toggle, POST /chat/<slug>/notifications/).
//
// The permission is asked only when the reader presses "Turn on notifications", never on
// load; "Turn off" keeps the permission but stops them from this site's pages (localStorage).
// A short sound (off by default), made with the Web Audio API, comes with each one.
//
// The reader may have several pages open: each hears the same frame. A page looking at the
// room says so to the others (BroadcastChannel) and none notifies; else the first to claim
// the message shows it, after a short wait for such a word.

const STORE_ENABLED = "chat.notifications"; // "off": the reader turned them off here
const STORE_SOUND = "chat.notificationSound"; // "on": play the sound
const CLAIM_WAIT_MS = 250; // plus up to CLAIM_JITTER_MS, so that two hidden pages seldom tie
const CLAIM_JITTER_MS = 200;
const TAGS_KEPT = 50;

function stored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // private mode without storage: the choice lasts as long as the page
  }
}

const supported = () => typeof window.Notification === "function";

export function notificationTitle(frame) {
  const name = frame.author?.name ?? "";
  if (frame.room?.kind === "direct") return interpolate(gettext("%s (direct message)"), [name]);
  return interpolate(gettext("%(name)s in %(room)s"), { name, room: frame.room?.title ?? "" }, true);
}

// The notice's text: the message's start, or that it is a picture when it has no words.
export function notificationBody(frame) {
  const text = frame.excerpt ?? "";
  if (!frame.image) return text;
  return text ? interpolate(gettext("Picture: %s"), [text]) : gettext("Picture");
}

// Two short rising tones, quiet, made on the spot (nothing is downloaded).
class Chime {
  constructor() {
    this.context = null;
  }

  // Browsers start audio only from a gesture: the first press on the page after the sound
  // was chosen wakes it.
  wake() {
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (!Context) return;
    this.context ??= new Context();
    if (this.context.state === "suspended") this.context.resume().catch(() => {});
  }

  play() {
    const context = this.context;
    if (!context || context.state !== "running") return;
    const start = context.currentTime;
    [[880, 0], [1320, 0.12]].forEach(([frequency, at]) => {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.15, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.16);
      tone.connect(gain).connect(context.destination);
      tone.start(start + at);
      tone.stop(start + at + 0.18);
    });
  }
}

export class Notifier {
  // `nav`: the RoomNav (who is muted); `open(frame)`: show the message a notification is about.
  constructor({ elements, slug, nav, open, say }) {
    this.el = elements; // {state, enable, disable, sound, mute, muteCheck}
    this.slug = slug;
    this.nav = nav;
    this.open = open;
    this.say = say; // (text): the page's notice, for a refused mute
    this.chime = new Chime();
    this.muting = false; // a change of this room's mute is on its way
    this.seen = new Set(); // tags another page looks at, or claimed
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("chat-attention") : null;
    this.channel?.addEventListener("message", (event) => this.heard(event.data));

    this.el.enable.addEventListener("click", () => this.turnOn());
    this.el.disable.addEventListener("click", () => this.turnOff());
    this.el.sound.checked = stored(STORE_SOUND) === "on";
    this.el.sound.addEventListener("change", () => {
      store(STORE_SOUND, this.el.sound.checked ? "on" : null);
      if (this.el.sound.checked) {
        this.chime.wake();
        this.chime.play(); // what it sounds like
      }
    });
    const wake = () => {
      if (this.soundOn) this.chime.wake();
    };
    window.addEventListener("pointerdown", wake, { capture: true });
    window.addEventListener("keydown", wake, { capture: true });
    this.el.mute.addEventListener("click", () => this.setMuted(!this.nav.isMuted(this.slug)));
    this.el.muteCheck.addEventListener("change", () => this.setMuted(this.el.muteCheck.checked));
    this.watchPermission();
    this.render();
  }

  get permission() {
    return supported() ? window.Notification.permission : "unsupported";
  }

  get enabled() {
    return this.permission === "granted" && stored(STORE_ENABLED) !== "off";
  }

  get soundOn() {
    return this.el.sound.checked;
  }

  // The reader may change the permission in the browser's settings while the page is open.
  async watchPermission() {
    try {
      const status = await navigator.permissions?.query({ name: "notifications" });
      if (status) status.onchange = () => this.render();
    } catch {
      // no Permissions API for notifications: the state is read again on each press
    }
  }

  async turnOn() {
    store(STORE_ENABLED, null);
    if (supported() && this.permission === "default") {
      try {
        await window.Notification.requestPermission();
      } catch {
        // an old browser's callback form, or a refusal: the state says what came of it
      }
    }
    this.render();
    // Focus stays among these controls: on the one shown now, or on what the state is.
    const next = [this.el.disable, this.el.enable].find((button) => !button.hidden) ?? this.el.state;
    next.focus();
  }

  turnOff() {
    store(STORE_ENABLED, "off");
    this.render();
    this.el.enable.focus();
  }

  render() {
    const permission = this.permission;
    let text = "";
    if (permission === "unsupported") text = gettext("This browser cannot show notifications.");
    else if (permission === "denied") text = gettext("Notifications are blocked in your browser.");
    else if (this.enabled) text = gettext("Notifications on");
    else text = gettext("Notifications off");
    this.el.state.textContent = text;
    this.el.state.dataset.state = this.enabled ? "on" : permission;
    this.el.enable.hidden = permission === "unsupported" || permission === "denied" || this.enabled;
    this.el.disable.hidden = !this.enabled;
    this.renderMute();
  }

  // --- this room's mute ------------------------------------------------------------------

  // The header's bell (a toggle button) and, on a phone, the sidebar's checkbox.
  renderMute() {
    const muted = this.nav.isMuted(this.slug);
    this.el.mute.setAttribute("aria-pressed", String(muted));
    this.el.muteCheck.checked = muted;
  }

  async setMuted(muted) {
    const { mute, muteCheck } = this.el;
    if (this.muting) return;
    this.muting = true;
    mute.setAttribute("aria-disabled", "true"); // not `disabled`: focus stays
    muteCheck.setAttribute("aria-busy", "true");
    try {
      await this.nav.setMuted(this.slug, muted);
    } catch (error) {
      this.say(error.message);
    } finally {
      this.muting = false;
      mute.removeAttribute("aria-disabled");
      muteCheck.removeAttribute("aria-busy");
      this.renderMute();
    }
  }

  // --- a `notify` frame --------------------------------------------------------------------

  looking(slug) {
    return slug === this.slug && document.visibilityState === "visible";
  }

  notify(frame) {
    const slug = frame.room?.slug;
    if (!slug || typeof frame.message_id !== "number") return;
    const tag = `${slug}:${frame.message_id}`;
    if (this.looking(slug)) {
      this.tell({ type: "seen", tag });
      return;
    }
    // Muted when it came: none, whatever the reader does meanwhile.
    if (this.nav.isMuted(slug) || (!this.enabled && !this.soundOn)) return;
    const wait = this.channel ? CLAIM_WAIT_MS + Math.random() * CLAIM_JITTER_MS : 0;
    setTimeout(() => {
      if (this.seen.has(tag) || this.looking(slug)) return;
      this.remember(tag);
      this.tell({ type: "claimed", tag });
      this.show(frame, tag);
    }, wait);
  }

  show(frame, tag) {
    if (this.soundOn) this.chime.play();
    if (!this.enabled) return;
    let notification;
    try {
      notification = new window.Notification(notificationTitle(frame), {
        body: notificationBody(frame),
        tag,
        icon: frame.author?.avatar || undefined,
      });
    } catch {
      return; // e.g. a phone's browser, which shows them only from a service worker
    }
    notification.onclick = (event) => {
      event?.preventDefault?.();
      window.focus();
      notification.close();
      this.open(frame);
    };
  }

  heard(data) {
    if (data && (data.type === "seen" || data.type === "claimed") && typeof data.tag === "string") {
      this.remember(data.tag);
    }
  }

  remember(tag) {
    this.seen.add(tag);
    if (this.seen.size > TAGS_KEPT) this.seen.delete(this.seen.values().next().value);
  }

  tell(data) {
    try {
      this.channel?.postMessage(data);
    } catch {
      // a closed channel: the page is going away
    }
  }
}
