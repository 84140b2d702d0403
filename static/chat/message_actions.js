// What one does to a message after it is sent, and what the page shows of it: reply (the
// composer's reply bar and the quote), edit one's own (in place; ArrowUp in the empty composer
// edits the newest), delete one's own, reactions, and @mentions (suggestions while typing, a
// strong mark on a message that mentions the reader), :shortcode: emoji while typing there too.
// The message list renders a message and hands each node to `decorate`; room.js passes this
// module the frames that concern it.

import { InlineEditor, showEdited } from "./edit.js";
import { EmojiSuggest } from "./emoji_suggest.js";
import { MentionSuggest } from "./mention_suggest.js";
import { Reactions } from "./reactions.js";
import { ReplyBar, jumpTo, markOriginalDeleted, showQuote, showQuoteDeleted } from "./reply.js";

const EDIT_WINDOW_DEFAULT_SECONDS = 900;
const EDIT_MARGIN_MS = 5000; // Edit goes from the menu a little before the server says no
const DELETE_TIMEOUT_MS = 10_000;
// Refusals that only a reaction gets.
const REACTION_CODES = new Set(["invalid_emoji", "too_many_reactions"]);

export class MessageActions {
  // send(frame): false when offline. notify(text): a short notice. focusAway(): where focus
  // goes when the control holding it goes away. emoji: {picker, data} for reactions' "More
  // emoji…" and the :shortcode: list (emoji_picker.js, emoji_data.js), or null.
  constructor({
    messages,
    input,
    onlineList,
    templates,
    elements,
    me,
    maxLength,
    send,
    notify,
    focusAway,
    emoji = null,
  }) {
    this.messages = messages;
    this.list = elements.list;
    this.input = input;
    this.onlineList = onlineList;
    this.me = me;
    this.send = send;
    this.notify = notify;
    this.editWindowMs = EDIT_WINDOW_DEFAULT_SECONDS * 1000;
    this.quoteTemplate = templates.quote;
    this.known = new WeakMap(); // message node -> {body, author, image}
    this.replyFor = new Map(); // client_msg_id -> the reply_to of an own message not yet saved
    this.seen = new Map(); // user id -> {id, name, avatar, last}: people of the loaded messages
    this.deletions = new Map(); // id -> {resolve, reject}: own deletes waiting for the room's word

    this.reply = new ReplyBar({ bar: elements.replyBar, input });
    this.editor = new InlineEditor({
      template: templates.editor,
      maxLength,
      send: (id, body) => send({ type: "message.edit", id, body }),
      mentions: (textBox) => this.suggest(textBox),
      focusAway,
    });
    this.reactions = new Reactions({
      templates: { row: templates.reactions, chip: templates.chip },
      picker: elements.picker,
      people: elements.people,
      send,
      notify,
      me: () => this.me,
      emoji,
    });
    this.mentionTemplate = templates.mentions;
    this.emojiTemplate = templates.emoji ?? null;
    this.emojiData = emoji?.data ?? null;
    this.suggest(input);

    // ArrowUp in the empty composer edits one's newest message that may still be edited.
    input.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowUp" || event.defaultPrevented || input.value !== "") return;
      if (event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
      const element = this.newestEditable();
      if (!element) return;
      event.preventDefault();
      this.edit(element, { returnTo: input });
    });
  }

  // The lists of a text box while typing (the composer's, an editor's): @ people, :shortcode:
  // emoji; destroy() takes them away.
  suggest(textBox) {
    const lists = [
      new MentionSuggest({
        input: textBox,
        template: this.mentionTemplate,
        people: () => this.people(),
      }),
    ];
    if (this.emojiTemplate && this.emojiData) {
      lists.push(
        new EmojiSuggest({ input: textBox, template: this.emojiTemplate, data: this.emojiData }),
      );
    }
    return { destroy: () => lists.forEach((list) => list.destroy()) };
  }

  setMe(me) {
    this.me = me;
  }

  // The `welcome` frame (after its `deleted` went through `removed`).
  welcome(frame) {
    this.me = frame.me ?? this.me;
    const seconds = Number(frame.edit_window_seconds);
    this.editWindowMs =
      (Number.isFinite(seconds) && seconds >= 0 ? seconds : EDIT_WINDOW_DEFAULT_SECONDS) * 1000;
    // What was asked before this connection either happened (its frames tell) or did not.
    this.reactions.reset();
    this.editor.connectionLost();
    this.deletions.forEach(({ reject }) =>
      reject(new Error(gettext("The connection dropped. Try again."))),
    );
  }

  // --- what a message shows ---------------------------------------------------------------

  // A message node was rendered (or re-rendered) from `message`: a payload of the server, or
  // an own one not saved yet ({client_msg_id, author, body}).
  decorate(element, message) {
    const mine = this.messages.isMine(message.author);
    let replyTo = null;
    if (Object.hasOwn(message, "reply_to")) replyTo = message.reply_to;
    else if (mine && message.client_msg_id)
      replyTo = this.replyFor.get(message.client_msg_id) ?? null;
    if (mine && message.client_msg_id && Object.hasOwn(message, "reply_to"))
      this.replyFor.delete(message.client_msg_id);

    this.known.set(element, {
      body: String(message.body ?? ""),
      author: message.author,
      image: Boolean(message.image),
    });
    showQuote(element, replyTo, {
      template: this.quoteTemplate,
      onJump: (id) => jumpTo(id, this.messages),
    });
    showEdited(element, message.edited ?? null);
    if (Array.isArray(message.reactions)) this.reactions.render(element, message.reactions);
    const mentions = Array.isArray(message.mentions) ? message.mentions : [];
    element.classList.toggle(
      "mentions-me",
      !mine && mentions.some((mention) => mention.id === this.me?.id),
    );
    this.remember(message, replyTo, mentions);
  }

  // People to suggest after an "@": whoever the loaded messages show.
  remember(message, replyTo, mentions) {
    const last = Number(message.id) || Infinity;
    const add = (user) => {
      if (!user || typeof user.id !== "number" || typeof user.name !== "string") return;
      const known = this.seen.get(user.id);
      this.seen.set(user.id, {
        id: user.id,
        name: user.name,
        avatar: user.avatar ?? known?.avatar ?? null,
        last: Math.max(last, known?.last ?? 0),
      });
    };
    add(message.author);
    add(replyTo?.author);
    mentions.forEach(add);
  }

  // Online first, in the online list's order, then the others of the loaded messages, the
  // most recent first; never oneself.
  people() {
    const online = [...this.onlineList.querySelectorAll("li[data-user-id]")].map((item) => ({
      id: Number(item.dataset.userId),
      name: item.querySelector(".name")?.textContent ?? "",
      avatar: item.querySelector(".avatar")?.getAttribute("src") ?? null,
      online: true,
    }));
    const onlineIds = new Set(online.map((person) => person.id));
    const others = [...this.seen.values()]
      .filter((person) => !onlineIds.has(person.id))
      .sort((a, b) => b.last - a.last)
      .map(({ id, name, avatar }) => ({ id, name, avatar, online: false }));
    return [...online, ...others].filter((person) => person.name && person.id !== this.me?.id);
  }

  // --- frames from the server ------------------------------------------------------------

  edited(frame) {
    const message = frame.message;
    if (!message || typeof message.id !== "number") return;
    if (this.messages.update(message)) this.editor.edited(message.id, String(message.body ?? ""));
  }

  reaction(frame, add) {
    const element = this.messages.element(Number(frame.message_id));
    if (element) this.reactions.apply(element, frame, add);
  }

  // Messages went (deleted): their replies' quotes say so, and what was open on them closes.
  removed(ids) {
    ids.forEach((id) => {
      markOriginalDeleted(this.list, id);
      this.editor.forget(id);
      const element = this.messages.element(id);
      if (element) this.reactions.closePicker(element);
      if (this.reply.id === id) {
        this.reply.cancel();
        this.notify(gettext("The message you were replying to was deleted."));
      }
      this.deletions.get(id)?.resolve();
    });
  }

  // An `error` frame. True when it was about a message's edit, delete or reaction and has
  // been said where it belongs; false for the page's usual handling.
  error(frame) {
    if (frame.client_msg_id && frame.code === "reply_not_found") {
      // The original is gone: the quote says so, and a retry goes out as a plain message.
      this.replyFor.delete(frame.client_msg_id);
      const pending = [...this.list.querySelectorAll(".message[data-client-msg-id]")].find(
        (node) => node.dataset.clientMsgId === frame.client_msg_id,
      );
      const quote = pending?.querySelector(".reply-quote");
      if (quote) showQuoteDeleted(quote, true);
      return false;
    }
    if (frame.message_id === undefined || frame.message_id === null || frame.client_msg_id)
      return false;
    const id = Number(frame.message_id);
    const element = this.messages.element(id);
    if (REACTION_CODES.has(frame.code) && element && this.reactions.failed(element, frame))
      return true;
    if (this.editor.failed(id, frame)) return true;
    const deletion = this.deletions.get(id);
    if (deletion) {
      deletion.reject(new Error(frame.detail || gettext("Something went wrong.")));
      return true;
    }
    if (element && this.reactions.failed(element, frame)) return true;
    this.notify(frame.detail || gettext("Something went wrong."));
    return true;
  }

  // --- sending ---------------------------------------------------------------------------

  // The composer sends a message: the reply bar's target goes with it.
  sending(clientMsgId) {
    const target = this.reply.take();
    if (target) this.replyFor.set(clientMsgId, target);
  }

  // The fields a `message.send` adds for it (and for its resends).
  sendFields(clientMsgId) {
    const target = this.replyFor.get(clientMsgId);
    return target ? { reply_to: target.id } : {};
  }

  // --- the message menu's items ----------------------------------------------------------

  withinEditWindow(element) {
    const created = Number(element.dataset.created);
    return Number.isFinite(created) && Date.now() - created < this.editWindowMs - EDIT_MARGIN_MS;
  }

  // Which of this module's menu items a message gets (`info`: the list's describe()).
  menuItems(element, info) {
    const visible = Boolean(element.dataset.id) && !info.removed && !info.held;
    return {
      react: visible,
      reply: visible,
      edit: visible && info.mine && this.withinEditWindow(element),
      "delete-own": info.mine && !info.removed && Boolean(element.dataset.id),
    };
  }

  newestEditable() {
    const own = [...this.list.querySelectorAll(".message.mine[data-id]:not(.removed):not(.held)")];
    return own.reverse().find((element) => this.withinEditWindow(element)) ?? null;
  }

  startReply(element) {
    const known = this.known.get(element);
    if (!known || !element.dataset.id) return;
    this.reply.start({
      id: Number(element.dataset.id),
      author: known.author,
      body: known.body,
      image: Boolean(known.image),
    });
  }

  edit(element, { returnTo = null } = {}) {
    const known = this.known.get(element);
    if (known) this.editor.start(element, known.body, { returnTo });
  }

  react(element, anchor) {
    this.reactions.openPicker(element, anchor, element.querySelector(".message-menu-button"));
  }

  // Delete one's own message: settled when the room's `message.deleted` says it went.
  deleteOwn(id) {
    return new Promise((resolve, reject) => {
      if (!this.send({ type: "message.delete", id })) {
        reject(new Error(gettext("Not connected: try again once the connection is back.")));
        return;
      }
      const finish = (settle) => (value) => {
        clearTimeout(timer);
        this.deletions.delete(id);
        settle(value);
      };
      const timer = setTimeout(
        finish(reject),
        DELETE_TIMEOUT_MS,
        new Error(gettext("No answer from the server. Try again.")),
      );
      this.deletions.set(id, { resolve: finish(resolve), reject: finish(reject) });
    });
  }
}
