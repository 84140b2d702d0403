// What draws the reader back (issue #14): the rooms list with its unread counts (room_nav.js),
// read positions and the "New messages" line (unread.js), the tab's title and icon
// (title_badge.js), browser notifications (notifications.js), "is typing" (typing.js).
// room.js hands every frame to `frame()` after its own handlers have shown it.

import { jumpToMessage } from "./jump.js";
import { Notifier } from "./notifications.js";
import { RoomNav } from "./room_nav.js";
import { TitleBadge } from "./title_badge.js";
import { TypingIndicator } from "./typing.js";
import { ReadTracker } from "./unread.js";

const byId = (id) => document.getElementById(id);

// The page of a message a notification is about: this room's is shown where it is.
function openMessage(frame, slug) {
  const room = frame.room?.slug;
  if (room === slug) {
    jumpToMessage(frame.message_id).catch(() => {});
    return;
  }
  window.location.assign(`/chat/${encodeURIComponent(room)}/?message=${frame.message_id}`);
}

export class Attention {
  // `send(frame)`: false when the socket is not open; `notice(text)`: the page's notice.
  constructor({ slug, messages, send, notice }) {
    this.slug = slug;
    const navRoot = byId("room-nav");
    this.tracker = new ReadTracker({ messages, send, onChange: () => this.nav.render() });
    this.nav = new RoomNav({
      root: navRoot,
      lists: { direct: byId("conversation-list"), rooms: byId("room-nav-list") },
      empties: { direct: byId("conversations-empty"), rooms: byId("rooms-empty") },
      template: byId("room-nav-item-template"),
      slug,
      here: () => this.tracker.counts(),
      onChange: () => this.badges(),
    });
    this.title = new TitleBadge({
      icon: document.querySelector('link[rel~="icon"]'),
      unreadIcon: navRoot.dataset.unreadIcon,
    });
    this.notifier = new Notifier({
      elements: {
        state: byId("notify-state"),
        enable: byId("notify-enable"),
        disable: byId("notify-disable"),
        sound: byId("notify-sound"),
        mute: byId("mute-room"),
        muteCheck: byId("mute-room-check"),
      },
      slug,
      nav: this.nav,
      open: (frame) => openMessage(frame, slug),
      say: notice,
    });
    const line = byId("typing-line");
    this.typing = new TypingIndicator({
      input: byId("message-input"),
      line,
      text: line.querySelector(".typing-text"),
      slug,
      send,
    });
    this.toggleDot = byId("toggle-unread");
  }

  // The title, the icon and the phone's sidebar toggle follow the counts.
  badges() {
    const { here, elsewhere } = this.nav.totals();
    this.title.set(here + elsewhere);
    this.toggleDot.hidden = elsewhere === 0;
    this.notifier.renderMute();
  }

  frame(frame) {
    switch (frame.type) {
      case "welcome":
        this.tracker.welcome(frame);
        this.typing.welcome(frame);
        this.nav.welcome(frame);
        break;
      case "history":
        this.tracker.history(frame);
        break;
      case "message":
        if (frame.message?.author) this.typing.stop(frame.message.author.id);
        this.tracker.message(frame.message);
        this.nav.activity();
        break;
      case "message.edited":
        this.tracker.edited(frame.message);
        break;
      case "ack":
        this.tracker.ack(frame);
        break;
      case "synced":
      case "message.deleted":
        this.tracker.listChanged();
        break;
      case "read":
        if (frame.room === this.slug) this.tracker.read(frame.seq);
        else this.nav.read(frame);
        break;
      case "notify":
        this.nav.notify(frame);
        this.notifier.notify(frame);
        break;
      case "typing":
        this.typing.heard(frame);
        break;
      case "presence.left":
        this.typing.stop(frame.user?.id);
        break;
      case "presence.batch":
        (frame.events ?? []).forEach((event) => {
          if (event.type === "presence.left") this.typing.stop(event.user?.id);
        });
        break;
      default:
        break;
    }
  }
}
