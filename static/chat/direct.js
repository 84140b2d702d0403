// Direct conversations (docs/protocol.md, "Private rooms and direct messages"):
// - on a person's card, "Message privately" (opens, or makes, the conversation of the two and
//   goes there) and "Block" / "Unblock" (no direct messages either way), with a confirmation;
// - a message's author opens that card too (the name is a button);
// - the page of a conversation: its header names the other person instead of the room's
//   title, and a block says, above the composer, why nothing goes out.

import { SiteApi } from "./api.js";

const UNBLOCKED_NOTE_MS = 6000;

// "Conversation with %s" with the name in the middle, whatever the translation's word order:
// the words around the name, for screen readers; the name, for everyone.
function conversationParts(name) {
  const phrase = gettext("Conversation with %s");
  const at = phrase.indexOf("%s");
  if (at < 0) return ["", name, ""];
  return [phrase.slice(0, at), name, phrase.slice(at + 2)];
}

export function conversationTitle(name) {
  return interpolate(gettext("Conversation with %s"), [name]);
}

// The part of the person card about talking in private: shown on anyone's card but one's own.
export class PersonDirect {
  constructor({ root, site = new SiteApi(), partner = () => null, onBlockChange = () => {} }) {
    this.root = root; // the card's .person-direct
    this.site = site;
    this.partner = partner; // () => the other person of this page's conversation, or null
    this.onBlockChange = onBlockChange; // (user, blocked)
    this.user = null;
    this.blocked = new Map(); // user id -> whether the reader blocks them (what the server said last)
    this.busy = false;

    const find = (selector) => root.querySelector(selector);
    this.el = {
      message: find('[data-direct="message"]'),
      block: find('[data-direct="block"]'),
      confirm: find(".person-block-confirm"),
      question: find(".person-block-question"),
      confirmBlock: find('[data-direct="confirm-block"]'),
      cancel: find('[data-direct="cancel"]'),
      result: find(".person-direct-result"),
    };
    this.el.message.addEventListener("click", () => this.message());
    this.el.block.addEventListener("click", () => this.toggleBlock());
    this.el.confirmBlock.addEventListener("click", () => this.setBlocked(true));
    this.el.cancel.addEventListener("click", () => this.closeConfirm({ focus: true }));
    root.addEventListener("keydown", (event) => {
      // Escape in the confirmation takes back the question, not the whole card.
      if (event.key !== "Escape" || this.el.confirm.hidden) return;
      event.preventDefault();
      event.stopPropagation();
      this.closeConfirm({ focus: true });
    });
  }

  // The card opens on `user` (before its details arrive).
  open(user, me) {
    this.user = user;
    const self = Boolean(me && user.id === me.id);
    this.root.hidden = self;
    this.el.result.hidden = true;
    this.closeConfirm();
    // In the conversation with this very person, "Message privately" would lead back here.
    this.el.message.hidden = this.partner()?.id === user.id;
    this.setBusy(false);
    this.render();
  }

  // The card's details arrived: whether the reader blocks this person.
  show(card) {
    if (!this.user || card.user?.id !== this.user.id) return;
    if (typeof card.blocked === "boolean") this.blocked.set(this.user.id, card.blocked);
    this.render();
  }

  get isBlocked() {
    return this.user ? this.blocked.get(this.user.id) === true : false;
  }

  render() {
    this.el.block.textContent = this.isBlocked ? gettext("Unblock") : gettext("Block");
    this.el.block.setAttribute("aria-expanded", String(!this.el.confirm.hidden));
  }

  say(text, { error = false } = {}) {
    this.el.result.textContent = text;
    this.el.result.classList.toggle("is-error", error);
    this.el.result.hidden = false;
  }

  setBusy(busy) {
    this.busy = busy;
    this.root.setAttribute("aria-busy", String(busy));
    [this.el.message, this.el.block, this.el.confirmBlock].forEach((button) => {
      // Not `disabled`: that would drop the keyboard's focus while the request runs.
      if (busy) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    });
  }

  async message() {
    if (!this.user || this.busy) return;
    const user = this.user;
    this.setBusy(true);
    try {
      const answer = await this.site.post(`people/${user.id}/direct/`);
      this.say(interpolate(gettext("Opening your conversation with %s…"), [user.name]));
      window.location.assign(answer.url);
    } catch (error) {
      if (this.user === user) this.say(error.message, { error: true });
    } finally {
      if (this.user === user) this.setBusy(false);
    }
  }

  toggleBlock() {
    if (!this.user || this.busy) return;
    if (this.isBlocked) {
      this.setBlocked(false);
      return;
    }
    // Blocking asks first; unblocking does not.
    this.el.question.textContent = interpolate(
      gettext("Block %s? Neither of you can send the other direct messages until you unblock them."),
      [this.user.name],
    );
    this.el.confirm.hidden = false;
    this.el.result.hidden = true;
    this.render();
    this.el.confirmBlock.focus();
  }

  closeConfirm({ focus = false } = {}) {
    const wasOpen = !this.el.confirm.hidden;
    this.el.confirm.hidden = true;
    this.render();
    if (focus && wasOpen) this.el.block.focus();
  }

  async setBlocked(blocked) {
    if (!this.user || this.busy) return;
    const user = this.user;
    this.setBusy(true);
    try {
      await this.site.post(`people/${user.id}/block/`, { blocked });
      this.blocked.set(user.id, blocked);
      if (this.user !== user) return;
      this.closeConfirm();
      this.el.block.focus();
      this.say(blocked
        ? interpolate(gettext("You blocked %s. Neither of you can send the other direct messages."), [user.name])
        : interpolate(gettext("You unblocked %s."), [user.name]));
      this.onBlockChange(user, blocked);
    } catch (error) {
      if (this.user === user) this.say(error.message, { error: true });
    } finally {
      if (this.user === user) this.setBusy(false);
      this.render();
    }
  }
}

// A message's author opens their card: the name becomes a button (not on one's own messages).
export function authorButton(element, message, { me, onOpen }) {
  const author = message?.author;
  const name = element.querySelector(".author");
  if (!author || !name || (me() && author.id === me().id)) return;
  if (name.querySelector(".author-button")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "author-button";
  button.setAttribute("aria-haspopup", "dialog");
  button.textContent = author.name;
  button.addEventListener("click", () => onOpen(author, button));
  name.replaceChildren(button);
}

// The page of a direct conversation.
export class DirectConversation {
  constructor({ elements, api, card, focusAway }) {
    this.el = elements; // {title, avatar, historyStart, note, noteText, unblock}
    this.api = api; // the room's endpoints: the partner's card says whether the reader blocks them
    this.card = card; // the PersonDirect of the page's person card
    this.focusAway = focusAway; // where focus goes when the Unblock button goes
    this.kind = null;
    this.partner = null;
    this.refused = false; // a send was refused as blocked (by either of the two)
    this.unblocked = false; // "You unblocked alice." for a moment
    this.timer = null;

    this.el.unblock.addEventListener("click", () => this.unblock());
  }

  get isDirect() {
    return this.kind === "direct";
  }

  welcome(frame) {
    this.kind = frame.kind ?? null;
    if (!this.isDirect) return;
    this.partner = frame.partner ?? null;
    this.showHeader();
    this.readBlock();
  }

  showHeader() {
    const { partner } = this;
    if (!partner) return;
    const { title, avatar, historyStart } = this.el;
    const [before, name, after] = conversationParts(partner.name);
    const hidden = (text) => {
      const span = document.createElement("span");
      span.className = "visually-hidden";
      span.textContent = text;
      return span;
    };
    const nameNode = document.createElement("span");
    nameNode.className = "room-partner-name";
    nameNode.textContent = name;
    title.replaceChildren(
      ...(before ? [hidden(before)] : []),
      nameNode,
      ...(after ? [hidden(after)] : []),
    );
    if (partner.avatar) avatar.src = partner.avatar;
    avatar.hidden = !partner.avatar;
    historyStart.textContent = interpolate(
      gettext("This is the beginning of your conversation with %s."),
      [partner.name],
    );
    const separator = " · ";
    const at = document.title.indexOf(separator);
    const site = at >= 0 ? document.title.slice(at) : "";
    document.title = `${conversationTitle(partner.name)}${site}`;
  }

  // Whether the reader blocks the other: their card says.
  async readBlock() {
    const partner = this.partner;
    if (!partner) return;
    try {
      const card = await this.api.get(`people/${partner.id}/`);
      if (typeof card.blocked === "boolean") {
        this.card.blocked.set(partner.id, card.blocked);
        this.render();
      }
    } catch {
      // the note is a hint; a send refused says the same
    }
  }

  // A block changed on the person card.
  blockChanged(user, blocked) {
    if (!this.isDirect || user.id !== this.partner?.id) return;
    if (!blocked) this.refused = false;
    this.render();
  }

  // An `error` frame: a send refused because one of the two blocks the other. Never taken
  // from the other handlers (the message shows why it was not sent as well).
  error(frame) {
    if (frame.code !== "blocked" || !this.isDirect) return;
    this.refused = true;
    this.render();
  }

  render() {
    if (!this.isDirect) return;
    const { note, noteText, unblock } = this.el;
    const name = this.partner?.name ?? "";
    const mine = this.partner ? this.card.blocked.get(this.partner.id) === true : false;
    if (mine) this.unblocked = false;
    let text = "";
    if (mine) {
      text = interpolate(
        gettext("You blocked %s: neither of you can send the other messages here."),
        [name],
      );
    } else if (this.refused) {
      text = gettext("You cannot send messages in this conversation: one of you has blocked the other.");
    } else if (this.unblocked) {
      text = interpolate(gettext("You unblocked %s: you can talk again."), [name]);
    }
    note.dataset.kind = mine || this.refused ? "blocked" : "unblocked";
    noteText.textContent = text;
    note.hidden = text === "";
    unblock.hidden = !mine;
  }

  async unblock() {
    const partner = this.partner;
    const { unblock } = this.el;
    if (!partner || unblock.getAttribute("aria-disabled") === "true") return;
    unblock.setAttribute("aria-disabled", "true");
    try {
      await this.card.site.post(`people/${partner.id}/block/`, { blocked: false });
      this.card.blocked.set(partner.id, false);
      this.refused = false;
      this.unblocked = true;
      this.render();
      this.focusAway?.();
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.unblocked = false;
        this.render();
      }, UNBLOCKED_NOTE_MS);
    } catch (error) {
      this.el.noteText.textContent = error.message;
    } finally {
      unblock.removeAttribute("aria-disabled");
    }
  }
}
