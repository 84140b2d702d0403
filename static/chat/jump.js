// Jumping to any message of the room's history: a search result, a reply's original, the
// page's ?message=<id>. jumpToMessage(id) resolves true once the message is on screen and
// highlighted, false when the reader may not see it (deleted meanwhile, say): the page says so.
//
// A message already in the list is scrolled to. Any other is fetched with the history around
// it (`history` with `around_id`), which takes the place of the confirmed messages (own pending
// ones stay). That stretch may end before the newest message: the list is then "detached"
// (MessageList.atNewest false). "Jump to latest" loads the newest page instead of scrolling;
// scrolling near the bottom loads the next newer pages (`after_id`) until the stretch reaches
// the newest; live messages are held back meanwhile, never shown past a gap, and join the
// list when it reaches them. Sending a message goes back to the newest first.

const PAGE = 50; // messages around a jump's target, and per newer page
const HIGHLIGHT_MS = 2600;
const ANSWER_MS = 15_000; // no answer by then: say so rather than wait for ever
const HELD_MAX = 500; // live messages held back while detached (the newest are kept)
const NEAR_BOTTOM_PX = 200;

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

let current = null; // the page's HistoryJump, for jumpToMessage()

// Show message `id` in the room's history, loading it as needed (see above).
export function jumpToMessage(id) {
  if (!current) return Promise.reject(new Error("The room page is not ready."));
  return current.jumpToMessage(id);
}

// The id the page's address asks for (?message=<id>), or null.
export function messageIdInUrl(location = window.location) {
  const value = new URLSearchParams(location.search).get("message") ?? "";
  return /^[1-9]\d{0,18}$/.test(value) ? Number(value) : null;
}

export class HistoryJump {
  // `send(frame)`: false when the socket is not open (the frame is sent again on welcome).
  // `say(text)`: a polite announcement; `notify(text)`: the page's notice.
  constructor({ messages, send, say, notify }) {
    this.messages = messages;
    this.send = send;
    this.say = say;
    this.notify = notify;
    this.button = messages.jumpButton;
    this.buttonLabel = this.button.textContent;
    this.pending = null; // {id, resolve, reject, timer}: a jump waiting for its page
    this.latestPending = false; // "Jump to latest" waits for the newest page
    this.newerAfter = null; // the after_id of a newer page asked for
    this.windowNewest = null; // the newest id of the stretch shown while detached
    this.held = []; // live messages held back while detached or waiting
    this.highlightTimer = null;
    this.urlChecked = false;

    messages.onLatest = () => this.toLatest();
    messages.scroller.addEventListener("scroll", () => this.loadNewerIfNear(), { passive: true });
    current = this;
  }

  get detached() {
    return !this.messages.atNewest;
  }

  // Live messages wait while the list does not reach the newest one, or a page replacing it
  // is on its way (it would take them away again).
  get holding() {
    return this.detached || this.pending !== null || this.latestPending;
  }

  jumpToMessage(id) {
    const target = Number(id);
    if (!Number.isSafeInteger(target) || target < 1) return Promise.resolve(false);
    this.settle(false); // a jump still on its way gives way to this one
    if (this.messages.element(target) && !this.latestPending) {
      return Promise.resolve(this.reveal(target, { smooth: true }));
    }
    return new Promise((resolve, reject) => {
      this.pending = { id: target, resolve, reject, timer: null };
      this.askAround();
    });
  }

  // "Jump to latest" while detached: the newest page replaces the stretch shown.
  toLatest() {
    this.settle(false);
    this.latestPending = true;
    this.send({ type: "history" });
  }

  // The reader sends a message: it belongs at the newest end, so the list goes back there.
  sending() {
    if (this.detached && !this.latestPending) this.toLatest();
  }

  // The socket said welcome (again): what was asked on the last one is asked again.
  welcome() {
    this.held = []; // a new connection: held messages from the last one may have gaps
    this.newerAfter = null;
    if (this.pending) this.askAround();
    else if (this.latestPending) this.send({ type: "history" });
    else this.loadNewerIfNear();
  }

  // An `error` frame that answers no send: a refused history page may be ours.
  refused(frame) {
    if (!["rate_limited", "invalid_field", "server_error"].includes(frame.code)) return;
    this.newerAfter = null;
    if (this.pending) this.settle(null, frame.detail || gettext("The message could not be loaded."));
  }

  // A `history` frame: true when it answered one of ours (room.js then leaves it alone).
  history(frame) {
    const page = Array.isArray(frame.messages) ? frame.messages : [];
    if (frame.around_id !== null && frame.around_id !== undefined) {
      if (this.pending && frame.around_id === this.pending.id) this.showAround(frame, page);
      return true; // an answer to a jump given up: dropped
    }
    if (frame.after_id !== null && frame.after_id !== undefined) {
      if (this.newerAfter === null || frame.after_id !== this.newerAfter) return false;
      this.showNewer(page, Boolean(frame.has_more));
      return true;
    }
    if (frame.before_id !== null && frame.before_id !== undefined) return false;
    // The newest page: ours, or any that would otherwise land after a gap.
    if (this.latestPending || this.detached) {
      this.showLatest(page, Boolean(frame.has_more));
      return true;
    }
    if (!this.urlChecked) {
      this.urlChecked = true;
      queueMicrotask(() => this.jumpFromUrl()); // once room.js has shown this first page
    }
    return false;
  }

  // A live `message` frame: true when it is held back (or put straight into the stretch).
  holds(message) {
    if (!this.holding || !message || typeof message.id !== "number") return false;
    const { lowestId } = this.messages;
    if (this.detached && !this.pending && !this.latestPending && lowestId !== null
        && message.id >= lowestId && message.id <= (this.windowNewest ?? 0)) {
      // Inside the stretch shown (a held message a moderator approved): no gap.
      this.messages.add(message);
      this.messages.updateChrome();
      return true;
    }
    this.held.push(message);
    if (this.held.length > HELD_MAX) this.held.shift();
    return true;
  }

  // --- asking -------------------------------------------------------------------------

  askAround() {
    const { pending } = this;
    clearTimeout(pending.timer);
    pending.timer = setTimeout(
      () => this.settle(null, gettext("The message could not be loaded. Try again.")),
      ANSWER_MS,
    );
    // Offline: asked again on welcome, while the timer runs.
    this.send({ type: "history", around_id: pending.id, limit: PAGE });
  }

  loadNewerIfNear() {
    if (!this.detached || this.pending || this.latestPending || this.newerAfter !== null) return;
    const { scrollTop, scrollHeight, clientHeight } = this.messages.scroller;
    if (scrollHeight - scrollTop - clientHeight > NEAR_BOTTOM_PX) return;
    const after = this.windowNewest ?? this.messages.highestId ?? 0;
    if (this.send({ type: "history", after_id: after, limit: PAGE })) this.newerAfter = after;
  }

  // --- answers ------------------------------------------------------------------------

  showAround(frame, page) {
    const list = this.messages;
    const id = this.pending.id;
    list.clearConfirmed();
    this.setAtNewest(!frame.has_newer);
    list.showNewest(page, Boolean(frame.has_more)); // then the target is scrolled to
    this.windowNewest = newestOf(page) ?? id;
    this.settle(this.reveal(id, { smooth: false })); // and, reaching the newest, release()
    this.loadNewerIfNear();
  }

  showNewer(page, hasMore) {
    const list = this.messages;
    this.newerAfter = null;
    page.forEach((message) => list.add(message)); // below what is on screen: nothing moves
    this.windowNewest = Math.max(this.windowNewest ?? 0, newestOf(page) ?? 0);
    if (!hasMore) this.setAtNewest(true);
    list.updateChrome();
    if (!this.detached) this.release();
    else this.loadNewerIfNear();
  }

  showLatest(page, hasMore) {
    const list = this.messages;
    this.latestPending = false;
    this.newerAfter = null;
    list.clearConfirmed();
    this.setAtNewest(true);
    list.showNewest(page, hasMore);
    this.release();
  }

  // The list reaches the newest message again: what was held back joins it.
  release() {
    if (this.holding) return;
    const held = this.held;
    this.held = [];
    if (held.length) this.messages.showNewer(held);
    if (this.messages.isNearBottom()) this.messages.hideJump();
  }

  setAtNewest(atNewest) {
    this.messages.atNewest = atNewest;
    if (!atNewest) this.windowNewest = null;
    const label = atNewest ? this.buttonLabel : gettext("Jump to latest ↓");
    if (this.button.textContent !== label) this.button.textContent = label;
    if (!atNewest) this.button.hidden = false;
  }

  // The pending jump is over: `shown` true or false resolves it, null rejects it (`why`).
  settle(shown, why = "") {
    const { pending } = this;
    if (!pending) return;
    this.pending = null;
    clearTimeout(pending.timer);
    this.release(); // held for a page that will not come, unless still detached
    if (shown === null) {
      this.notify(why);
      this.say(why);
      pending.reject(new Error(why));
    } else {
      pending.resolve(shown);
    }
  }

  // --- on screen ------------------------------------------------------------------------

  // Scroll to message `id` and highlight it; false (and the page says so) when it is not
  // there for this reader: the place it had is shown instead.
  reveal(id, { smooth }) {
    const list = this.messages;
    const element = list.element(id);
    const gone = !element || (element.classList.contains("removed") && !list.moderator);
    const behavior = smooth && !reducedMotion.matches ? "smooth" : "auto";
    if (gone) {
      const next = element ?? [...list.list.querySelectorAll(".message[data-id]")]
        .find((node) => Number(node.dataset.id) > id);
      next?.scrollIntoView({ block: "center", behavior });
      const text = gettext("That message is no longer there: it may have been deleted.");
      this.notify(text);
      this.say(text);
      return false;
    }
    element.scrollIntoView({ block: "center", behavior });
    this.highlight(element);
    if (!element.hasAttribute("tabindex")) element.tabIndex = -1;
    element.focus({ preventScroll: true });
    return true;
  }

  highlight(element) {
    this.messages.list.querySelectorAll(".message.is-target").forEach((node) => {
      node.classList.remove("is-target");
    });
    clearTimeout(this.highlightTimer);
    void element.offsetWidth; // start the highlight again
    element.classList.add("is-target");
    this.highlightTimer = setTimeout(() => element.classList.remove("is-target"), HIGHLIGHT_MS);
  }

  // A page opened from a search result in another room (?message=<id>): go there once,
  // and take the id out of the address, so that a reload shows the room as it is now.
  jumpFromUrl() {
    const id = messageIdInUrl();
    if (id === null) return;
    const url = new URL(window.location.href);
    url.searchParams.delete("message");
    window.history.replaceState(window.history.state, "", url);
    this.jumpToMessage(id).catch(() => {}); // a failure is said on the page
  }
}

function newestOf(page) {
  return page.length ? Math.max(...page.map((message) => message.id)) : null;
}
