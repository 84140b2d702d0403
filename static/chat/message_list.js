// The message list: messages sorted and deduplicated by id, own messages that are
// still pending (or failed) at the end, system lines, and scrolling that never jumps.
// Moderation marks a message held (for review) or removed; a moderator still reads what a
// removed message said, struck through, where everyone else sees only that it went.
//
// Older messages load when the reader scrolls near the top (a wheel, a touch, the scrollbar,
// the keyboard's scrolling keys), not when focus moving to "Load older messages" scrolls it
// into view: the button loads them, keeps its place and its focus.

import { DaySeparators } from "./days.js";
import { renderBody } from "./markup.js";
import { parseTime, setTime } from "./time.js";

const GROUP_GAP_MS = 5 * 60 * 1000; // same author within 5 minutes: one visual group
const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;
const SCROLL_INTENT_MS = 1500; // a scroll this soon after a wheel or a touch is the reader's
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);

// Refusals that a resend of the same text cannot get past; the reader edits or discards.
const FINAL_CODES = new Set([
  "body_too_long", "empty_body", "filtered", "read_only", "banned", "invalid_field",
  "upload_not_found",
]);
// Refusals that carry `retry_after`: the text says how long is left, second by second.
const WAIT_TEXTS = {
  rate_limited: () => gettext("You are sending too fast. Try again in %(seconds)s s."),
  slow_mode: () => gettext("Slow mode is on. Try again in %(seconds)s s."),
};

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function isTextField(element) {
  return element instanceof HTMLElement
    && (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));
}

export class MessageList {
  constructor({
    elements, templates, me, onLoadOlder, onRetry, onEdit, onMenu, focusAway, decorate,
  }) {
    this.list = elements.list;
    this.scroller = elements.scroller;
    this.historyTop = elements.historyTop;
    this.loadOlderButton = elements.loadOlder;
    this.loadOlderLabel = this.loadOlderButton.textContent;
    this.historyStart = elements.historyStart;
    this.emptyNote = elements.emptyNote;
    this.jumpButton = elements.jumpLatest;
    this.messageTemplate = templates.message;
    this.systemTemplate = templates.systemLine;
    this.me = me;
    this.onLoadOlder = onLoadOlder;
    this.onRetry = onRetry;
    this.onEdit = onEdit; // (body, clientMsgId): a failed message goes back to the composer
    this.onMenu = onMenu; // (element, button): the "⋯" of a confirmed message was pressed
    // (element, message): a node was rendered from a message (message_actions.js adds the
    // reply's quote, the edited mark, reactions); own unsaved ones: {client_msg_id, author, body}.
    this.decorate = decorate;
    // Where focus goes when the control holding it goes away (the composer, as a rule).
    this.focusAway = focusAway;
    this.moderator = false;
    // False while jump.js shows older history that stops short of the newest message: then
    // "Jump to latest" stays, and asks jump.js (onLatest) for the newest page.
    this.atNewest = true;
    this.onLatest = null;

    this.byId = new Map(); // id -> <li>
    this.unconfirmed = new Map(); // client_msg_id -> {element, body, timer}, pending or failed
    this.loaded = false; // the first page of history has arrived
    this.hasOlder = false;
    this.loadingOlder = false;
    this.scrollIntentUntil = 0;
    this.draggingScrollbar = false;
    this.days = new DaySeparators(this.list, (node) => this.regroup(node));

    this.loadOlderButton.addEventListener("click", () => this.requestOlder());
    this.jumpButton.addEventListener("click", () => this.jumpToLatest());
    this.watchScrollIntent();
    this.scroller.addEventListener("scroll", () => {
      if (this.scroller.scrollTop < NEAR_TOP_PX && this.readerScrolling()) this.requestOlder();
      if (this.isNearBottom()) this.hideJump();
    }, { passive: true });
  }

  // What scrolls the list on the reader's behalf, as opposed to focus or the page itself.
  watchScrollIntent() {
    const scroller = this.scroller;
    const intent = () => {
      this.scrollIntentUntil = performance.now() + SCROLL_INTENT_MS;
    };
    ["wheel", "touchstart", "touchmove", "touchend"].forEach((type) => {
      scroller.addEventListener(type, intent, { passive: true });
    });
    scroller.addEventListener("keydown", (event) => {
      if (SCROLL_KEYS.has(event.key) && !isTextField(event.target)) intent();
    });
    // A press on the scroller itself, not on a message: its scrollbar.
    scroller.addEventListener("pointerdown", (event) => {
      if (event.target === scroller) this.draggingScrollbar = true;
    });
    window.addEventListener("pointerup", () => {
      if (this.draggingScrollbar) intent();
      this.draggingScrollbar = false;
    });
    // Focus moving (Tab) scrolls what it reaches into view: that is not the reader scrolling.
    scroller.addEventListener("focusin", () => {
      this.scrollIntentUntil = 0;
    });
  }

  readerScrolling() {
    return this.draggingScrollbar || performance.now() < this.scrollIntentUntil;
  }

  setMe(me) {
    this.me = me;
  }

  setModerator(moderator) {
    this.moderator = moderator;
  }

  get isEmpty() {
    return this.byId.size === 0;
  }

  get highestId() {
    return this.byId.size ? Math.max(...this.byId.keys()) : null;
  }

  get lowestId() {
    return this.byId.size ? Math.min(...this.byId.keys()) : null;
  }

  // --- history and live messages -------------------------------------------------

  // The newest page (first load, or a fresh start after too long away).
  showNewest(messages, hasOlder) {
    messages.forEach((message) => this.add(message));
    this.loaded = true;
    this.hasOlder = hasOlder;
    this.loadingOlder = false;
    this.updateChrome();
    this.scrollToBottom();
  }

  // An older page, prepended without moving what the reader is looking at.
  showOlder(messages, hasOlder) {
    // Focus on "Load older messages" (the reader pressed it): the button stays where it is,
    // with its focus, and the page appears below it; at the beginning of the room the note
    // that says so takes its place and its focus.
    if (this.historyTop.contains(document.activeElement)) {
      messages.forEach((message) => this.add(message));
      this.hasOlder = hasOlder;
      this.loadingOlder = false;
      this.updateChrome();
      if (!this.loadOlderButton.hidden) return;
      const next = this.historyStart.hidden ? this.list.querySelector(".message[data-id]") : this.historyStart;
      if (next && !next.hasAttribute("tabindex")) next.tabIndex = -1;
      (next ?? this.scroller).focus({ preventScroll: true });
      return;
    }
    // Else pin the node at the top of what we hold: wherever it was on screen, it stays,
    // whatever grows above it (older messages, the button giving way to a note).
    const anchor = this.list.querySelector(":scope > :not(.day-separator, .unread-divider)");
    const anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
    messages.forEach((message) => this.add(message));
    this.hasOlder = hasOlder;
    this.loadingOlder = false;
    this.updateChrome();
    if (anchor) this.scroller.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
  }

  // A history request was refused (too many pages too fast): the button may be pressed again.
  historyRefused() {
    if (!this.loadingOlder) return;
    this.loadingOlder = false;
    this.updateChrome();
  }

  // Messages newer than what we hold: a catch-up page or one live message. The messages
  // that were new here, in order.
  showNewer(messages) {
    const stick = this.isNearBottom();
    const added = [];
    let mine = false;
    messages.forEach((message) => {
      if (this.add(message)) {
        added.push(message);
        mine ||= this.isMine(message.author);
      }
    });
    this.loaded = true;
    this.updateChrome();
    if (!added.length) return added;
    if (stick || mine) this.scrollToBottom();
    else this.jumpButton.hidden = false;
    return added;
  }

  requestOlder() {
    if (!this.loaded || !this.hasOlder || this.loadingOlder || this.isEmpty) return;
    if (this.onLoadOlder(this.lowestId) === false) return;
    this.loadingOlder = true;
    this.updateChrome();
  }

  // The connection dropped: a pending "load older" will never be answered.
  connectionLost() {
    this.loadingOlder = false;
    this.updateChrome();
  }

  // Forget every confirmed message and system line; own unsent ones stay.
  clearConfirmed() {
    this.list.querySelectorAll(".message[data-id], .system-line").forEach((node) => node.remove());
    this.byId.clear();
    this.loaded = false;
    this.hasOlder = false;
    this.loadingOlder = false;
    this.updateChrome();
  }

  // Add one saved message in id order; null when it was already shown.
  add(message) {
    if (!message || typeof message.id !== "number") return null;
    if (this.byId.has(message.id)) {
      // A held message that a moderator approved comes again, for everyone.
      const shown = this.byId.get(message.id);
      if (!message.held) shown.classList.remove("held");
      if (shown.dataset.fromAck) this.update(message); // and its reply's quote
      return null;
    }
    const pending = message.client_msg_id && this.isMine(message.author)
      ? this.unconfirmed.get(message.client_msg_id)
      : null;
    if (pending) this.forgetUnconfirmed(message.client_msg_id);
    const created = parseTime(message.created);
    const element = this.render(message.author, message.body, created, message.mentions ?? []);
    if (message.held) element.classList.add("held");
    this.confirm(element, message.id);
    this.decorate?.(element, message);
    if (message.deleted) this.markRemoved(message.id);
    return element;
  }

  // --- moderation marks ---------------------------------------------------------------

  // A deleted message stays in its place as "Message removed"; false when not shown here.
  markRemoved(id) {
    const element = this.byId.get(id);
    if (!element) return false;
    element.classList.add("removed");
    element.classList.remove("held");
    if (this.moderator) {
      element.classList.add("removed-kept");
    } else {
      element.querySelector(".body").textContent = "";
      delete element.dataset.body;
    }
    return true;
  }

  // What the message menu needs to know of a message node.
  describe(element) {
    return {
      id: Number(element.dataset.id),
      authorId: Number(element.dataset.authorId),
      authorName: element.querySelector(".author").textContent,
      body: element.dataset.body ?? "",
      mine: element.classList.contains("mine"),
      held: element.classList.contains("held"),
      removed: element.classList.contains("removed"),
      reported: element.classList.contains("reported"),
    };
  }

  element(id) {
    return this.byId.get(id) ?? null;
  }

  // A newer version of a message shown here (`message.edited`): its body and all the rest.
  update(message) {
    const element = this.byId.get(message?.id);
    if (!element || element.classList.contains("removed")) return null;
    delete element.dataset.fromAck;
    this.renderText(element, message.body, message.mentions ?? []);
    this.decorate?.(element, message);
    return element;
  }

  // --- own messages: pending, acknowledged, failed -----------------------------------

  addPending(clientMsgId, body) {
    const element = this.render(this.me, body, new Date(), []);
    element.classList.add("pending");
    element.dataset.clientMsgId = clientMsgId;
    this.decorate?.(element, { client_msg_id: clientMsgId, author: this.me, body });
    const retry = element.querySelector(".retry");
    retry.addEventListener("click", () => {
      if (retry.getAttribute("aria-disabled") !== "true") this.onRetry(clientMsgId);
    });
    element.querySelector(".edit").addEventListener("click", () => this.edit(clientMsgId));
    element.querySelector(".discard").addEventListener("click", () => this.discard(clientMsgId));
    this.unconfirmed.set(clientMsgId, { element, body, timer: null });
    this.list.append(element);
    this.regroup(element);
    this.updateChrome();
    this.scrollToBottom();
  }

  // `held`: saved, but shown to nobody else until a moderator approves it.
  ack(clientMsgId, id, created, held = false) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return;
    const stick = this.isNearBottom();
    this.forgetUnconfirmed(clientMsgId);
    if (this.byId.has(id)) return; // the broadcast `message` got here first
    const element = this.render(this.me, entry.body, parseTime(created), []);
    if (held) element.classList.add("held");
    this.confirm(element, id);
    element.dataset.fromAck = "true"; // until the room's `message` brings the whole payload
    this.decorate?.(element, { id, client_msg_id: clientMsgId, author: this.me, body: entry.body });
    this.updateChrome();
    if (stick) this.scrollToBottom();
  }

  // The server refused a send (`error`: the frame, with code, detail and maybe retry_after).
  // Edit and Discard always; Retry only where a resend can succeed, after the wait if any.
  // The text that says why; null when the message is not shown as unsent.
  fail(clientMsgId, error) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return null;
    const { element } = entry;
    element.classList.remove("pending");
    element.classList.add("failed");
    const detail = element.querySelector(".status-detail");
    const retry = element.querySelector(".retry");
    retry.hidden = FINAL_CODES.has(error.code);
    retry.removeAttribute("aria-disabled");
    clearTimeout(entry.timer);
    entry.timer = null;
    const wait = Number(error.retry_after);
    if (Object.hasOwn(WAIT_TEXTS, error.code) && wait > 0) {
      this.countDown(entry, WAIT_TEXTS[error.code](), Date.now() + wait * 1000);
    } else {
      detail.textContent = error.detail || gettext("Something went wrong.");
    }
    return detail.textContent;
  }

  // "Try again in 9 s." down to 1, then Retry is enabled.
  countDown(entry, text, until) {
    const detail = entry.element.querySelector(".status-detail");
    const retry = entry.element.querySelector(".retry");
    const left = until - Date.now();
    if (left <= 0) {
      entry.timer = null;
      detail.textContent = gettext("You can try again now.");
      retry.removeAttribute("aria-disabled");
      return;
    }
    const seconds = Math.ceil(left / 1000);
    detail.textContent = interpolate(text, { seconds }, true);
    retry.setAttribute("aria-disabled", "true");
    entry.timer = setTimeout(() => this.countDown(entry, text, until), left - (seconds - 1) * 1000);
  }

  // Mark a failed message pending again; returns its body for the resend.
  retry(clientMsgId) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return null;
    const hadFocus = entry.element.contains(document.activeElement);
    clearTimeout(entry.timer);
    entry.timer = null;
    entry.element.classList.remove("failed");
    entry.element.classList.add("pending");
    if (hadFocus) this.focusAway?.();
    return entry.body;
  }

  // A failed message goes back to the composer to be changed.
  edit(clientMsgId) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return;
    this.forgetUnconfirmed(clientMsgId);
    this.updateChrome();
    this.onEdit?.(entry.body, clientMsgId);
  }

  // A failed message is given up.
  discard(clientMsgId) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return;
    const hadFocus = entry.element.contains(document.activeElement);
    this.forgetUnconfirmed(clientMsgId);
    this.updateChrome();
    if (hadFocus) this.focusAway?.();
  }

  // Own messages that still wait for the server, oldest first.
  outbox() {
    return [...this.unconfirmed.entries()]
      .filter(([, entry]) => entry.element.classList.contains("pending"))
      .map(([clientMsgId, entry]) => ({ clientMsgId, body: entry.body }));
  }

  addSystemLine(text) {
    const stick = this.isNearBottom();
    const node = this.systemTemplate.content.firstElementChild.cloneNode(true);
    node.querySelector(".system-text").textContent = text;
    setTime(node.querySelector(".system-time"), new Date());
    this.insertBeforeUnconfirmed(node);
    this.regroup(node);
    this.updateChrome();
    if (stick) this.scrollToBottom();
  }

  // --- building and placing nodes -------------------------------------------------

  isMine(author) {
    return Boolean(author && this.me && author.id === this.me.id);
  }

  render(author, body, created, mentions) {
    const element = this.messageTemplate.content.firstElementChild.cloneNode(true);
    const avatar = element.querySelector(".avatar");
    if (author.avatar) avatar.src = author.avatar;
    element.querySelector(".author").textContent = author.name;
    this.renderText(element, body, mentions);
    setTime(element.querySelector(".time"), created);
    element.dataset.authorId = String(author.id);
    element.dataset.created = String(created.getTime());
    if (this.isMine(author)) element.classList.add("mine");
    const menuButton = element.querySelector(".message-menu-button");
    menuButton.addEventListener("click", () => this.onMenu?.(element, menuButton));
    return element;
  }

  // The body as its author meant it (static/chat/markup.js); the text as typed stays in
  // data-body, for the message menu.
  renderText(element, body, mentions) {
    element.dataset.body = body ?? "";
    renderBody(element.querySelector(".body"), body, { mentions, meId: this.me?.id ?? null });
  }

  // Give a rendered message its id and put it in its place.
  confirm(element, id) {
    element.dataset.id = String(id);
    this.byId.set(id, element);
    let next = null;
    for (const [otherId, other] of this.byId) {
      if (otherId > id && (!next || otherId < Number(next.dataset.id))) next = other;
    }
    if (next) this.list.insertBefore(element, next);
    else this.insertBeforeUnconfirmed(element);
    this.regroup(element);
  }

  insertBeforeUnconfirmed(node) {
    const firstUnconfirmed = this.list.querySelector(".message:not([data-id])");
    this.list.insertBefore(node, firstUnconfirmed);
  }

  forgetUnconfirmed(clientMsgId) {
    const entry = this.unconfirmed.get(clientMsgId);
    this.unconfirmed.delete(clientMsgId);
    if (!entry) return;
    clearTimeout(entry.timer);
    const next = entry.element.nextElementSibling;
    entry.element.remove();
    if (next) this.regroup(next);
  }

  // Consecutive messages of one author in a short time share one avatar and name.
  regroup(element) {
    [element, element.nextElementSibling].forEach((node) => {
      if (!node || !node.classList.contains("message")) return;
      const previous = node.previousElementSibling;
      const continued = Boolean(
        previous &&
          previous.classList.contains("message") &&
          previous.dataset.authorId === node.dataset.authorId &&
          Number(node.dataset.created) - Number(previous.dataset.created) < GROUP_GAP_MS,
      );
      node.classList.toggle("continued", continued);
    });
  }

  updateChrome() {
    this.days.update();
    this.loadOlderButton.hidden = !(this.loaded && this.hasOlder);
    // Not `disabled` while loading: a disabled button would drop the keyboard's focus.
    if (this.loadingOlder) this.loadOlderButton.setAttribute("aria-disabled", "true");
    else this.loadOlderButton.removeAttribute("aria-disabled");
    this.loadOlderButton.setAttribute("aria-busy", String(this.loadingOlder));
    const label = this.loadingOlder ? gettext("Loading older messages…") : this.loadOlderLabel;
    if (this.loadOlderButton.textContent !== label) this.loadOlderButton.textContent = label;
    this.historyStart.hidden = !(this.loaded && !this.hasOlder && !this.isEmpty);
    this.emptyNote.hidden = !(this.loaded && this.list.childElementCount === 0);
  }

  isNearBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.hideJump();
  }

  // "New messages ↓": a smooth scroll down, unless the reader asked for less motion.
  jumpToLatest() {
    if (!this.atNewest && this.onLatest) return this.onLatest();
    const behavior = reducedMotion.matches ? "auto" : "smooth";
    this.scroller.scrollTo({ top: this.scroller.scrollHeight, behavior });
    this.hideJump();
  }

  hideJump() {
    if (this.jumpButton.hidden || !this.atNewest) return;
    const hadFocus = this.jumpButton === document.activeElement;
    this.jumpButton.hidden = true;
    if (hadFocus) this.focusAway?.();
  }
}
