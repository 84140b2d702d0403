// The message list: messages sorted and deduplicated by id, own messages that are
// still pending (or failed) at the end, system lines, and scrolling that never jumps.
// Moderation marks a message held (for review) or removed; a moderator still reads what a
// removed message said, struck through, where everyone else sees only that it went.

import { parseTime, setTime } from "./time.js";

const GROUP_GAP_MS = 5 * 60 * 1000; // same author within 5 minutes: one visual group
const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 60;

export class MessageList {
  constructor({ elements, templates, me, onLoadOlder, onRetry, onMenu }) {
    this.list = elements.list;
    this.scroller = elements.scroller;
    this.loadOlderButton = elements.loadOlder;
    this.historyStart = elements.historyStart;
    this.emptyNote = elements.emptyNote;
    this.jumpButton = elements.jumpLatest;
    this.messageTemplate = templates.message;
    this.systemTemplate = templates.systemLine;
    this.me = me;
    this.onLoadOlder = onLoadOlder;
    this.onRetry = onRetry;
    this.onMenu = onMenu; // (element, button): the "⋯" of a confirmed message was pressed
    this.moderator = false;

    this.byId = new Map(); // id -> <li>
    this.unconfirmed = new Map(); // client_msg_id -> {element, body}, pending or failed
    this.loaded = false; // the first page of history has arrived
    this.hasOlder = false;
    this.loadingOlder = false;

    this.loadOlderButton.addEventListener("click", () => this.requestOlder());
    this.jumpButton.addEventListener("click", () => this.scrollToBottom());
    this.scroller.addEventListener("scroll", () => {
      if (this.scroller.scrollTop < NEAR_TOP_PX) this.requestOlder();
      if (this.isNearBottom()) this.jumpButton.hidden = true;
    }, { passive: true });
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
    // Pin the node at the top of what we hold: wherever it was on screen, it stays,
    // whatever grows above it (older messages, the button giving way to a note).
    const anchor = this.list.firstElementChild;
    const anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
    messages.forEach((message) => this.add(message));
    this.hasOlder = hasOlder;
    this.loadingOlder = false;
    this.updateChrome();
    if (anchor) this.scroller.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
  }

  // Messages newer than what we hold: a catch-up page or one live message.
  showNewer(messages) {
    const stick = this.isNearBottom();
    let added = false;
    let mine = false;
    messages.forEach((message) => {
      if (this.add(message)) {
        added = true;
        mine ||= this.isMine(message.author);
      }
    });
    this.loaded = true;
    this.updateChrome();
    if (!added) return;
    if (stick || mine) this.scrollToBottom();
    else this.jumpButton.hidden = false;
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
      if (!message.held) this.byId.get(message.id).classList.remove("held");
      return null;
    }
    const pending = message.client_msg_id && this.isMine(message.author)
      ? this.unconfirmed.get(message.client_msg_id)
      : null;
    if (pending) this.forgetUnconfirmed(message.client_msg_id);
    const element = this.render(message.author, message.body, parseTime(message.created));
    if (message.held) element.classList.add("held");
    this.confirm(element, message.id);
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
    }
    return true;
  }

  // What the message menu needs to know of a message node.
  describe(element) {
    return {
      id: Number(element.dataset.id),
      authorId: Number(element.dataset.authorId),
      authorName: element.querySelector(".author").textContent,
      body: element.querySelector(".body").textContent,
      mine: element.classList.contains("mine"),
      held: element.classList.contains("held"),
      removed: element.classList.contains("removed"),
      reported: element.classList.contains("reported"),
    };
  }

  element(id) {
    return this.byId.get(id) ?? null;
  }

  // --- own messages: pending, acknowledged, failed -----------------------------------

  addPending(clientMsgId, body) {
    const element = this.render(this.me, body, new Date());
    element.classList.add("pending");
    element.dataset.clientMsgId = clientMsgId;
    element.querySelector(".retry").addEventListener("click", () => this.onRetry(clientMsgId));
    this.unconfirmed.set(clientMsgId, { element, body });
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
    const element = this.render(this.me, entry.body, parseTime(created));
    if (held) element.classList.add("held");
    this.confirm(element, id);
    if (stick) this.scrollToBottom();
  }

  fail(clientMsgId, detail) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return;
    entry.element.classList.remove("pending");
    entry.element.classList.add("failed");
    entry.element.querySelector(".status-detail").textContent = detail || "";
  }

  // Mark a failed message pending again; returns its body for the resend.
  retry(clientMsgId) {
    const entry = this.unconfirmed.get(clientMsgId);
    if (!entry) return null;
    entry.element.classList.remove("failed");
    entry.element.classList.add("pending");
    return entry.body;
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

  render(author, body, created) {
    const element = this.messageTemplate.content.firstElementChild.cloneNode(true);
    const avatar = element.querySelector(".avatar");
    if (author.avatar) avatar.src = author.avatar;
    element.querySelector(".author").textContent = author.name;
    element.querySelector(".body").textContent = body;
    setTime(element.querySelector(".time"), created);
    element.dataset.authorId = String(author.id);
    element.dataset.created = String(created.getTime());
    if (this.isMine(author)) element.classList.add("mine");
    const menuButton = element.querySelector(".message-menu-button");
    menuButton.addEventListener("click", () => this.onMenu?.(element, menuButton));
    return element;
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
    this.loadOlderButton.hidden = !(this.loaded && this.hasOlder);
    this.loadOlderButton.disabled = this.loadingOlder;
    this.loadOlderButton.setAttribute("aria-busy", String(this.loadingOlder));
    this.historyStart.hidden = !(this.loaded && !this.hasOlder && !this.isEmpty);
    this.emptyNote.hidden = !(this.loaded && this.list.childElementCount === 0);
  }

  isNearBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.jumpButton.hidden = true;
  }
}
