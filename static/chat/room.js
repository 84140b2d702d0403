// The room page: wires the socket, the message list, the online list and the composer,
// and moderation's parts: the message menu, the person card, the panel, the user's standing.
// gettext, ngettext and interpolate come from Django's JavaScript catalog (jsi18n).

import { Announcer } from "./announcer.js";
import { Attention } from "./attention.js";
import { RoomApi } from "./api.js";
import { Composer } from "./composer.js";
import { credentialsReady } from "./credentials.js";
import { DirectConversation, PersonDirect, authorButton } from "./direct.js";
import { EmojiData } from "./emoji_data.js";
import { ComposerEmoji, EmojiPicker } from "./emoji_picker.js";
import { ImageAttach } from "./image_attach.js";
import { MessagePictures } from "./image_view.js";
import { HistoryJump } from "./jump.js";
import { MessageActions } from "./message_actions.js";
import { MessageList } from "./message_list.js";
import { MessageMenu } from "./message_menu.js";
import { ModerationPanel } from "./moderation.js";
import { OfflineBanner } from "./offline_banner.js";
import { OnlineList } from "./online_list.js";
import { PersonCard } from "./person_card.js";
import { RoomSettings } from "./room_settings.js";
import { Search } from "./search.js";
import { ReconnectingSocket } from "./socket.js";
import { Standing } from "./standing.js";

const NOTICE_MS = 6000;

const byId = (id) => document.getElementById(id);
const readJson = (id) => JSON.parse(byId(id).textContent);

const slug = readJson("room-slug");
// An embedded room signs its visitor in first (static/chat/embed_session.js): nothing starts,
// the socket least of all, before it has a ticket. On the full page this is null at once.
const embedded = await credentialsReady();
let me = embedded?.user ?? { id: readJson("me-id"), name: readJson("me-name"), avatar: readJson("me-avatar") };
const api = new RoomApi(slug);

const STATE_LABELS = {
  connecting: gettext("Connecting…"),
  online: gettext("Online"),
  reconnecting: gettext("Reconnecting…"),
  closed: gettext("Disconnected"),
};

// --- notices and connection state ---------------------------------------------------

const notice = byId("notice");
let noticeTimer = null;

function showNotice(text, { sticky = false } = {}) {
  clearTimeout(noticeTimer);
  notice.textContent = text;
  notice.hidden = false;
  if (!sticky) noticeTimer = setTimeout(() => { notice.hidden = true; }, NOTICE_MS);
}

const connectionState = byId("connection-state");
const layout = byId("room-layout");

function showState(state) {
  connectionState.dataset.state = state;
  connectionState.querySelector(".state-label").textContent = STATE_LABELS[state] ?? state;
  offline.state(state);
  if (state !== "online") messages.connectionLost();
}

// --- focus ------------------------------------------------------------------------------

const scroller = byId("message-scroller");

// Where focus goes when the control that held it goes away: the composer, or the messages
// when the composer is locked.
function focusAway() {
  if (!composer.focus({ preventScroll: true })) scroller.focus({ preventScroll: true });
}

function popoverOpen() {
  try {
    return document.querySelector(":popover-open") !== null;
  } catch {
    return false; // a browser without popovers has none open
  }
}

// Once, when the room first becomes usable: the composer takes focus, so that typing goes
// there without a click. Not where the reader already went (a dialog, a link, the list), and
// not on a touch-first device, where it would slide the keyboard over the page.
let arrivalFocusDone = false;
function focusOnArrival() {
  if (arrivalFocusDone) return;
  arrivalFocusDone = true;
  if (!window.matchMedia("(pointer: fine)").matches) return;
  if (embedded && !document.hasFocus()) return; // not taken from the host's page it sits in
  const active = document.activeElement;
  if (active && active !== document.body && active !== document.documentElement) return;
  if (document.querySelector("dialog[open]") || popoverOpen()) return;
  composer.focus({ preventScroll: true });
}

// --- the parts ------------------------------------------------------------------------

let socket = null;

function newClientMsgId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  const bytes = new Uint8Array(12);
  window.crypto.getRandomValues(bytes);
  return `c-${Date.now().toString(36)}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function sendMessage(clientMsgId, body) {
  // Offline, the message stays pending; the next welcome sends it.
  const reply = actions.sendFields(clientMsgId); // {reply_to} for a reply
  const picture = pictures.sendFields(clientMsgId); // {upload} for a picture, on every resend
  socket.send({ type: "message.send", body, client_msg_id: clientMsgId, ...reply, ...picture });
}

const announcer = new Announcer(byId("announcer"));

const messages = new MessageList({
  elements: {
    list: byId("messages"),
    scroller,
    historyTop: byId("load-older").parentElement,
    loadOlder: byId("load-older"),
    historyStart: byId("history-start"),
    emptyNote: byId("empty-room"),
    jumpLatest: byId("jump-latest"),
  },
  templates: { message: byId("message-template"), systemLine: byId("system-line-template") },
  me,
  onLoadOlder: (lowestId) => socket.send({ type: "history", before_id: lowestId }),
  onRetry: (clientMsgId) => {
    const body = messages.retry(clientMsgId);
    if (body !== null) sendMessage(clientMsgId, body);
  },
  onEdit: (body, clientMsgId) => {
    composer.restore(body);
    attach.restore(pictures.take(clientMsgId));
    if (!byId("composer").contains(document.activeElement)) focusAway();
  },
  onMenu: (element, button) => menu.open(element, button),
  focusAway,
  decorate: (element, message) => {
    actions.decorate(element, message);
    pictures.decorate(element, message);
    authorButton(element, message, { me: () => me, onOpen: (user, button) => personCard.open(user, null, button) });
  },
});

// Going to any message of the history: a search result, a reply's original, ?message=<id>.
const jump = new HistoryJump({
  messages,
  send: (frame) => socket.send(frame),
  say: (text) => announcer.say(text),
  notify: (text) => showNotice(text),
});

// The search panel wires itself to its toggle in the header, its form and its results.
new Search({
  panel: byId("search-panel"),
  toggle: byId("open-search"),
  layout,
  slug,
  template: byId("search-result-template"),
  jump,
  say: (text) => announcer.say(text),
});

const menu = new MessageMenu({
  menu: byId("message-menu"),
  dialog: byId("message-dialog"),
  messages,
  api,
  notify: (text) => showNotice(text),
  fallbackFocus: byId("message-scroller"),
});

// Private rooms and direct conversations (direct.js, room_settings.js).
const personDirect = new PersonDirect({
  root: byId("person-card").querySelector(".person-direct"),
  partner: () => direct.partner,
  onBlockChange: (user, blocked) => direct.blockChanged(user, blocked),
});
const personCard = new PersonCard({ dialog: byId("person-card"), api, me, parts: [personDirect] });
const direct = new DirectConversation({
  elements: {
    title: byId("room-title"),
    avatar: byId("room-partner-avatar"),
    historyStart: byId("history-start"),
    note: byId("direct-note"),
    noteText: byId("direct-note").querySelector(".direct-note-text"),
    unblock: byId("direct-unblock"),
  },
  api,
  card: personDirect,
  focusAway: () => focusAway(),
});
const settings = new RoomSettings({
  dialog: byId("room-settings"),
  openButton: byId("open-room-settings"),
  panelButton: byId("open-room-settings-panel"),
  panelOpener: byId("open-moderation"),
  privateMark: byId("room-private-mark"),
  templates: { member: byId("settings-member-template"), invite: byId("settings-invite-template") },
  api,
  me: () => me,
});

const online = new OnlineList({
  list: byId("online-list"),
  counters: [byId("online-count"), byId("toggle-online-count")],
  template: byId("online-user-template"),
  me,
  onSelect: (user, since, button) => personCard.open(user, since, button),
});

const composer = new Composer({
  form: byId("composer"),
  input: byId("message-input"),
  button: byId("send"),
  counter: byId("composer-count"),
  error: byId("composer-error"),
  // Unknown (not in the page): no check here; the server's answer says it all the same.
  maxLength: Number(readJson("message-max-length")) || Infinity,
  onSend: (body, upload = null) => {
    const clientMsgId = newClientMsgId();
    jump.sending(); // back to the newest messages, where this one goes
    actions.sending(clientMsgId); // the reply bar's target goes with it
    pictures.sending(clientMsgId, upload); // and the attached picture
    messages.addPending(clientMsgId, body);
    sendMessage(clientMsgId, body);
  },
});

// Pictures: the composer's attachment (image_attach.js) and the bubbles' (image_view.js).
const pictures = new MessagePictures({ dialog: byId("picture-view"), messages });
const attach = new ImageAttach({
  composer,
  api,
  button: byId("attach-picture"),
  fileInput: byId("attach-file"),
  input: byId("message-input"),
  preview: byId("picture-preview"),
  dropZone: document.querySelector(".chat-pane"),
  dropTarget: byId("drop-target"),
  keepPlace: (change) => {
    const stick = messages.isNearBottom();
    change();
    if (stick) messages.scrollToBottom();
  },
});
composer.attachment = attach;

// Emoji: the picker (the composer's button, reactions' "More emoji…"); :shortcode: typing is
// message_actions.js's, with the @ list.
const emojiPopover = byId("emoji-picker");
const emojiData = new EmojiData({
  en: emojiPopover.dataset.emojiDataEn,
  zh: emojiPopover.dataset.emojiDataZh,
});
const emojiPicker = new EmojiPicker({ popover: emojiPopover, data: emojiData });
composer.emoji = new ComposerEmoji({
  button: byId("emoji-button"),
  input: byId("message-input"),
  picker: emojiPicker,
});

// Reply, edit, delete one's own, reactions, @mentions (the message menu's other items).
const actions = new MessageActions({
  messages,
  input: byId("message-input"),
  onlineList: byId("online-list"),
  templates: {
    quote: byId("reply-quote-template"),
    editor: byId("message-editor-template"),
    reactions: byId("reactions-template"),
    chip: byId("reaction-chip-template"),
    mentions: byId("mention-list-template"),
    emoji: byId("emoji-list-template"),
  },
  elements: {
    list: byId("messages"),
    replyBar: byId("reply-bar"),
    picker: byId("reaction-picker"),
    people: byId("reaction-people"),
  },
  me,
  maxLength: Number(readJson("message-max-length")) || Infinity,
  send: (frame) => socket.send(frame),
  notify: (text) => showNotice(text),
  focusAway,
  emoji: { picker: emojiPicker, data: emojiData },
});
menu.actions = actions;

const standing = new Standing({
  composer,
  lock: byId("composer-lock"),
  note: byId("composer-note"),
  banner: {
    root: byId("room-banner"),
    title: byId("room-banner").querySelector(".banner-title"),
    text: byId("room-banner").querySelector(".banner-text"),
    rejoin: byId("rejoin"),
    rooms: byId("banner-rooms"),
  },
  onRejoin: () => socket.start(),
});

const panel = new ModerationPanel({
  dialog: byId("moderation-panel"),
  openButton: byId("open-moderation"),
  countBadge: byId("moderation-count"),
  templates: {
    message: byId("panel-message-template"),
    sanction: byId("panel-sanction-template"),
    log: byId("panel-log-template"),
  },
  api,
  getRules: () => standing.rules,
});

function setModerator(moderator) {
  layout.dataset.moderator = String(moderator);
  messages.setModerator(moderator);
  menu.setModerator(moderator);
  panel.setModerator(moderator);
}

function removeMessages(ids) {
  (Array.isArray(ids) ? ids : []).forEach((id) => {
    menu.forget(id);
    messages.markRemoved(id);
  });
  actions.removed(Array.isArray(ids) ? ids : []);
  pictures.removed(Array.isArray(ids) ? ids : []);
}

// --- frames from the server -----------------------------------------------------------

const BATCH_LINES_MAX = 3;

// Apply a presence.joined / presence.left to the online list; the name to announce, or
// null when there is nothing to say (a repeat, or about ourselves).
function presenceChange(frame) {
  const changed = frame.type === "presence.joined"
    ? online.add(frame.user, new Date())
    : online.remove(frame.user.id);
  online.setCount(frame.count);
  return changed && frame.user.id !== me.id ? frame.user.name : null;
}

function requestHistory(fields = {}) {
  socket.send({ type: "history", ...fields });
}

const handlers = {
  welcome(frame) {
    me = frame.me;
    messages.setMe(me);
    online.setMe(me);
    personCard.setMe(me);
    online.reset(frame.online ?? [], frame.count);
    // A direct conversation has no moderators' controls (site staff read it only once reported).
    setModerator(Boolean(frame.moderator) && frame.kind !== "direct");
    standing.welcome(frame);
    attach.welcome(frame);
    attach.setRules(standing.rules);
    direct.welcome(frame);
    settings.welcome(frame);
    // Deleted while this page was away: the live frame never reached it.
    removeMessages(frame.deleted);
    actions.welcome(frame);
    panel.refreshCount();
    jump.welcome();
    // A reconnect asked for what came after our newest message (the socket's URL says
    // after_id): the server replays it before `synced`. A first visit loads the newest page.
    if (messages.isEmpty) requestHistory();
  },

  synced(frame) {
    if (!frame.complete) {
      // Too much was missed to replay: start again from the newest page.
      messages.clearConfirmed();
      requestHistory();
    }
    // Sent again with the same ids: the server saves each once and acks it either way.
    messages.outbox().forEach(({ clientMsgId, body }) => sendMessage(clientMsgId, body));
  },

  history(frame) {
    if (jump.history(frame)) return; // a page around a message, or toward the newest
    const page = frame.messages ?? [];
    if (frame.after_id !== null && frame.after_id !== undefined) {
      messages.showNewer(page);
    } else if (frame.before_id !== null && frame.before_id !== undefined) {
      messages.showOlder(page, frame.has_more);
    } else {
      messages.showNewest(page, frame.has_more);
      focusOnArrival();
    }
  },

  // One live message: said once to screen readers, unless it is the reader's own.
  message(frame) {
    if (jump.holds(frame.message)) return; // not shown past a gap in what the list holds
    // A held message approved long after it was sent, older than what the list holds: it comes
    // with that page of history; shown now, "Load older" would skip the messages between.
    if (messages.hasOlder && messages.lowestId !== null && frame.message.id < messages.lowestId) return;
    messages.showNewer([frame.message]).forEach((message) => {
      if (!messages.isMine(message.author)) announcer.message(message);
    });
  },

  ack(frame) {
    messages.ack(frame.client_msg_id, frame.id, frame.created, frame.held === true);
  },

  error(frame) {
    // A mute, read-only, a ban or a kick also changes what the composer allows; the banner
    // of a ban or a kick takes the place of any notice.
    const aboutStanding = standing.refusal(frame);
    pictures.refused(frame); // `upload_not_found`: that picture cannot go any more
    direct.error(frame); // `blocked`: a note above the composer says why
    if (standing.ended) notice.hidden = true;
    if (actions.error(frame)) return; // about an edit, a delete or a reaction: said there
    if (frame.client_msg_id) {
      const why = messages.fail(frame.client_msg_id, frame);
      if (why) announcer.say(interpolate(gettext("Not sent: %s"), [why]));
    } else {
      if (frame.code === "rate_limited") messages.historyRefused();
      jump.refused(frame);
      if (!aboutStanding) showNotice(frame.detail || gettext("Something went wrong."));
    }
  },

  "message.deleted"(frame) {
    removeMessages(frame.ids);
  },

  "message.edited"(frame) {
    actions.edited(frame);
  },

  "reaction.added"(frame) {
    actions.reaction(frame, true);
  },

  "reaction.removed"(frame) {
    actions.reaction(frame, false);
  },

  "room.rules"(frame) {
    standing.setRules(frame.rules);
    attach.setRules(standing.rules);
    panel.rulesChanged(standing.rules);
  },

  "moderation.muted"(frame) {
    standing.setMute({ until: frame.until ?? null, reason: frame.reason });
  },

  "moderation.unmuted"() {
    standing.setMute(null);
  },

  "presence.joined"(frame) {
    const name = presenceChange(frame);
    if (name) messages.addSystemLine(interpolate(gettext("%s joined"), [name]));
  },

  "presence.left"(frame) {
    const name = presenceChange(frame);
    if (name) messages.addSystemLine(interpolate(gettext("%s left"), [name]));
  },

  // Joins and leaves that came in a burst: a line each when few, one summary line when many.
  "presence.batch"(frame) {
    const events = frame.events ?? [];
    if (events.length <= BATCH_LINES_MAX) {
      events.forEach((event) => handlers[event.type]?.(event));
      return;
    }
    let joined = 0;
    let left = 0;
    for (const event of events) {
      if (!presenceChange(event)) continue;
      if (event.type === "presence.joined") joined += 1;
      else left += 1;
    }
    const parts = [];
    if (joined) {
      parts.push(interpolate(ngettext("%s person joined", "%s people joined", joined), [joined]));
    }
    if (left) {
      parts.push(interpolate(ngettext("%s person left", "%s people left", left), [left]));
    }
    if (parts.length) messages.addSystemLine(parts.join(gettext(", ")));
  },

  pong() {},
};

function onClose(code) {
  if (code === 4401) {
    if (embedded) {
      embedded.expired(); // the ticket is no good any more: sign in again
      return false;
    }
    const next = encodeURIComponent(window.location.pathname);
    window.location.assign(`/join/?next=${next}`);
    return false;
  }
  if (code === 4403 || code === 4410) {
    // Banned: stay out. Kicked: the banner's "Rejoin" starts the socket again.
    standing.closedBy(code);
    return false;
  }
  if (code === 4404) {
    if (standing.removed) return false; // let out of a private room: its banner says so
    showNotice(gettext("This room was not found. It may have been removed."), { sticky: true });
    return false;
  }
  if (code === 4429) {
    showNotice(gettext("You have too many chat windows open. Close some; this one keeps trying."));
  }
  return true; // reconnect with backoff
}

const scheme = window.location.protocol === "https:" ? "wss" : "ws";
const socketUrl = () => {
  const url = `${scheme}://${window.location.host}/ws/chat/${slug}/`;
  // Showing older history (jump.js), the page asks for no replay: it loads newer pages itself.
  return messages.isEmpty || !messages.atNewest ? url : `${url}?after_id=${messages.highestId}`;
};
const offline = new OfflineBanner({
  root: byId("offline-banner"),
  onReconnect: () => socket.reconnectNow(),
  fallbackFocus: () => (composer.locked ? scroller : byId("message-input")),
});

// The rooms list, read positions, the tab's title, notifications, "is typing" (attention.js).
const attention = new Attention({
  slug,
  messages,
  send: (frame) => socket.send(frame),
  notice: (text) => showNotice(text),
});

socket = new ReconnectingSocket(socketUrl, {
  onFrame: (frame) => {
    if (Object.hasOwn(handlers, frame.type)) handlers[frame.type](frame);
    attention.frame(frame); // after the list has shown what the frame brought
  },
  onState: showState,
  onClose,
  onWait: (wait) => offline.wait(wait),
});
socket.start();

// --- phone layout: the online list slides over the messages -----------------------------

// The list comes before the header in the page, so opening it takes focus into it, and
// Escape there folds it away again with focus back on the toggle.

const toggle = byId("toggle-online");
const sidebar = byId("sidebar");

function setSidebar(open) {
  layout.dataset.sidebar = open ? "open" : "closed";
  toggle.setAttribute("aria-expanded", String(open));
}

toggle.addEventListener("click", () => {
  const open = layout.dataset.sidebar !== "open";
  setSidebar(open);
  // Focus goes to the room shown in the rooms list, else the first control.
  if (open) (sidebar.querySelector("[aria-current=page]") ?? sidebar.querySelector("button, a"))?.focus();
});
sidebar.addEventListener("keydown", (event) => {
  const folding = layout.dataset.sidebar === "open" && toggle.checkVisibility();
  if (event.key !== "Escape" || !folding) return;
  event.preventDefault();
  setSidebar(false);
  toggle.focus();
});
