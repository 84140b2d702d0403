// The room page: wires the socket, the message list, the online list and the composer,
// and moderation's parts: the message menu, the person card, the panel, the user's standing.
// gettext, ngettext and interpolate come from Django's JavaScript catalog (jsi18n).

import { Announcer } from "./announcer.js";
import { RoomApi } from "./api.js";
import { Composer } from "./composer.js";
import { MessageList } from "./message_list.js";
import { MessageMenu } from "./message_menu.js";
import { ModerationPanel } from "./moderation.js";
import { OfflineBanner } from "./offline_banner.js";
import { OnlineList } from "./online_list.js";
import { PersonCard } from "./person_card.js";
import { ReconnectingSocket } from "./socket.js";
import { Standing } from "./standing.js";

const NOTICE_MS = 6000;

const byId = (id) => document.getElementById(id);
const readJson = (id) => JSON.parse(byId(id).textContent);

const slug = readJson("room-slug");
let me = { id: readJson("me-id"), name: readJson("me-name"), avatar: readJson("me-avatar") };
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
  socket.send({ type: "message.send", body, client_msg_id: clientMsgId });
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
  onEdit: (body) => {
    composer.restore(body);
    if (!byId("composer").contains(document.activeElement)) focusAway();
  },
  onMenu: (element, button) => menu.open(element, button),
  focusAway,
});

const menu = new MessageMenu({
  menu: byId("message-menu"),
  dialog: byId("message-dialog"),
  messages,
  api,
  notify: (text) => showNotice(text),
  fallbackFocus: byId("message-scroller"),
});

const personCard = new PersonCard({ dialog: byId("person-card"), api, me });

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
  onSend: (body) => {
    const clientMsgId = newClientMsgId();
    messages.addPending(clientMsgId, body);
    sendMessage(clientMsgId, body);
  },
});

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
    setModerator(Boolean(frame.moderator));
    standing.welcome(frame);
    // Deleted while this page was away: the live frame never reached it.
    removeMessages(frame.deleted);
    panel.refreshCount();
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
    if (standing.ended) notice.hidden = true;
    if (frame.client_msg_id) {
      const why = messages.fail(frame.client_msg_id, frame);
      if (why) announcer.say(interpolate(gettext("Not sent: %s"), [why]));
    } else {
      if (frame.code === "rate_limited") messages.historyRefused();
      if (!aboutStanding) showNotice(frame.detail || gettext("Something went wrong."));
    }
  },

  "message.deleted"(frame) {
    removeMessages(frame.ids);
  },

  "room.rules"(frame) {
    standing.setRules(frame.rules);
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
  return messages.isEmpty ? url : `${url}?after_id=${messages.highestId}`;
};
const offline = new OfflineBanner({
  root: byId("offline-banner"),
  onReconnect: () => socket.reconnectNow(),
  fallbackFocus: () => (composer.locked ? scroller : byId("message-input")),
});

socket = new ReconnectingSocket(socketUrl, {
  onFrame: (frame) => {
    if (Object.hasOwn(handlers, frame.type)) handlers[frame.type](frame);
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
  if (open) sidebar.querySelector("button, a")?.focus();
});
sidebar.addEventListener("keydown", (event) => {
  const folding = layout.dataset.sidebar === "open" && toggle.checkVisibility();
  if (event.key !== "Escape" || !folding) return;
  event.preventDefault();
  setSidebar(false);
  toggle.focus();
});
