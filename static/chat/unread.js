// Read positions in the room shown (docs/protocol.md, `read`): the page tells the server how
// far the reader has seen — the newest message it shows is on screen, the tab is visible, at
// most once a second — and counts what is still unread here (others' messages after the
// position, and those of them that mention the reader).
//
// The "New messages" line: when the room opens, before the first message by someone else after
// where the reader had stopped (the welcome's `last_read_seq`), if the history holds one; not
// on a first visit (0: they never stopped anywhere, and all of it would be "new"). It
// stays put while older pages load or messages come and go, and goes when the reader sends a
// message. It is an <li> of the message list, as the day separators are (days.js): it carries
// the date of the message it stands before, so that a day's separator goes above it, not
// between it and its message; the list's grouping is asked again around it.

const READ_DELAY_MS = 1000;
const OPEN_MARGIN_PX = 8; // the line, when the room opens on it, sits this far below the top

export class ReadTracker {
  // `messages`: the MessageList; `send(frame)`: false when the socket is not open;
  // `onChange()`: the counts here changed.
  constructor({ messages, send, onChange }) {
    this.messages = messages;
    this.list = messages.list;
    this.scroller = messages.scroller;
    this.send = send;
    this.onChange = onChange;
    this.me = null;
    this.known = new Map(); // message id -> {seq, authorId, mentionsMe, fromHistory}
    this.readSeq = 0; // how far this reader has read here (told or heard)
    this.dividerAfter = null; // the welcome's last_read_seq when the room opened
    this.dividerDone = false; // the reader sent a message: no line any more
    this.divider = null;
    this.opened = false; // the first page of history came (the room opened)
    this.timer = null;

    const soon = () => this.schedule();
    this.scroller.addEventListener("scroll", soon, { passive: true });
    document.addEventListener("visibilitychange", soon);
    window.addEventListener("focus", soon);
    window.addEventListener("resize", soon);
  }

  // --- what the frames say ----------------------------------------------------------

  welcome(frame) {
    this.me = frame.me ?? this.me;
    const seq = Number(frame.last_read_seq) || 0;
    if (this.dividerAfter === null) this.dividerAfter = seq;
    this.readSeq = Math.max(this.readSeq, seq);
  }

  // After MessageList (and jump.js) have shown the frame's messages.
  history(frame) {
    (frame.messages ?? []).forEach((message) => this.learn(message, true));
    const first = !this.opened;
    this.opened = true;
    this.placeDivider();
    const plain = [frame.before_id, frame.after_id, frame.around_id].every((v) => v == null);
    if (first && plain) this.openOnDivider();
    this.changed();
  }

  message(message) {
    this.learn(message, false);
    this.placeDivider();
    this.changed();
  }

  edited(message) {
    if (this.known.has(message?.id)) this.learn(message, this.known.get(message.id).fromHistory);
    this.changed();
  }

  // Our own message was saved: the "New messages" line has done its work.
  ack(frame) {
    if (typeof frame.id === "number" && typeof frame.seq === "number") {
      this.known.set(frame.id, { seq: frame.seq, authorId: this.me?.id, mentionsMe: false });
    }
    this.dividerDone = true;
    this.placeDivider();
    this.changed();
  }

  // Messages went (deleted) or the list was cleared: the line follows its message.
  listChanged() {
    this.placeDivider();
    this.changed();
  }

  // Another page of this reader (or this one) read further here.
  read(seq) {
    const value = Number(seq) || 0;
    if (value <= this.readSeq) return;
    this.readSeq = value;
    this.onChange();
  }

  learn(message, fromHistory) {
    if (!message || typeof message.id !== "number" || typeof message.seq !== "number") return;
    const meId = this.me?.id;
    this.known.set(message.id, {
      seq: message.seq,
      authorId: message.author?.id,
      mentionsMe: (message.mentions ?? []).some((mention) => mention.id === meId),
      fromHistory,
    });
  }

  // --- unread here ---------------------------------------------------------------------

  // Others' messages after the read position that the page shows, and those mentioning me.
  counts() {
    let unread = 0;
    let mentions = 0;
    for (const [id, info] of this.known) {
      if (!this.counted(id, info) || info.seq <= this.readSeq) continue;
      unread += 1;
      if (info.mentionsMe) mentions += 1;
    }
    return { unread, mentions };
  }

  counted(id, info) {
    if (info.authorId === undefined || info.authorId === this.me?.id) return false;
    const element = this.messages.element(id);
    return Boolean(element && !element.classList.contains("removed") && !element.classList.contains("held"));
  }

  // --- telling the server --------------------------------------------------------------

  schedule() {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.report();
    }, READ_DELAY_MS);
  }

  changed() {
    this.schedule();
    this.onChange();
  }

  // The seq of the newest message shown, when it is on screen in a visible tab; else null.
  seenSeq() {
    if (document.visibilityState !== "visible" || !this.messages.atNewest) return null;
    const id = this.messages.highestId;
    const info = id === null ? null : this.known.get(id);
    const element = id === null ? null : this.messages.element(id);
    if (!info || !element) return null;
    const box = element.getBoundingClientRect();
    const view = this.scroller.getBoundingClientRect();
    if (box.height === 0 || box.bottom <= view.top || box.top >= view.bottom) return null;
    return info.seq;
  }

  report() {
    const seq = this.seenSeq();
    if (seq === null || seq <= this.readSeq) return;
    if (this.send({ type: "read", seq }) === false) return;
    this.readSeq = seq;
    this.onChange();
  }

  // --- the "New messages" line ---------------------------------------------------------

  // The first message of someone else, loaded with the history, after where the reader stopped.
  dividerTarget() {
    if (!this.dividerAfter || this.dividerDone) return null;
    let target = null;
    let lowest = Infinity;
    for (const [id, info] of this.known) {
      if (!info.fromHistory || info.seq <= this.dividerAfter || info.seq >= lowest) continue;
      if (!this.counted(id, info)) continue;
      target = this.messages.element(id);
      lowest = info.seq;
    }
    return target;
  }

  placeDivider() {
    const target = this.dividerTarget();
    const divider = this.divider;
    if (!target) {
      if (divider?.isConnected) {
        const next = divider.nextElementSibling;
        divider.remove();
        if (next) this.messages.regroup(next);
        this.messages.updateChrome();
      }
      return;
    }
    const line = divider ?? this.createDivider();
    line.dataset.created = target.dataset.created ?? "";
    if (line.isConnected && line.nextElementSibling === target) return;
    const oldNext = line.isConnected ? line.nextElementSibling : null;
    this.list.insertBefore(line, target);
    if (oldNext) this.messages.regroup(oldNext);
    this.messages.regroup(line); // and the message after it
    this.messages.updateChrome(); // the day separators around it
  }

  createDivider() {
    const line = document.createElement("li");
    line.className = "unread-divider";
    const label = document.createElement("span");
    label.className = "unread-divider-label";
    label.textContent = gettext("New messages");
    line.append(label);
    this.divider = line;
    return line;
  }

  // The room opens with more unread than fits: the line at the top, not the newest message at
  // the bottom (the reader scrolls down through what is new; reaching it marks it read).
  openOnDivider() {
    const line = this.divider;
    if (!line?.isConnected) return;
    const box = line.getBoundingClientRect();
    const view = this.scroller.getBoundingClientRect();
    if (box.top >= view.top) return;
    this.scroller.scrollTop += box.top - view.top - OPEN_MARGIN_PX;
  }
}
