// What this user may do in the room right now: whether they moderate it, the room's rules,
// a mute, a ban or a kick. It locks the composer with the reason, writes the rules' note
// beside it, and shows the banner of a ban or a kick. The server decides every send anyway;
// this only says ahead what it would answer. Let out of a private room (`removed`, then 4404),
// the page says so for good, with the way back to the room list.

import { momentText, parseTime } from "./time.js";

const TIMER_MAX_MS = 2_147_483_647; // setTimeout's ceiling, about 24.8 days

function withReason(text, reason) {
  return reason ? `${text} ${interpolate(gettext("Reason: %s"), [reason])}` : text;
}

// A ban in the page's words, from the frame's fields (`until` null: for good; `room` null:
// the whole site); the server's own `detail` when the fields are missing.
function banText(frame) {
  if (!("until" in frame)) return frame.detail;
  const until = frame.until ? momentText(parseTime(frame.until)) : null;
  let text;
  if (frame.room === null) {
    text = until
      ? interpolate(gettext("A moderator banned you from this site until %s."), [until])
      : gettext("A moderator banned you from this site for good.");
  } else {
    text = until
      ? interpolate(gettext("A moderator banned you from this room until %s."), [until])
      : gettext("A moderator banned you from this room for good.");
  }
  return withReason(text, frame.reason);
}

export class Standing {
  constructor({ composer, lock, note, banner, onRejoin }) {
    this.composer = composer;
    this.lock = lock; // <p> with .composer-lock-text
    this.note = note;
    this.banner = banner; // {root, title, text, rejoin, rooms}
    this.onRejoin = onRejoin;
    this.moderator = false;
    this.rules = { slow_mode_seconds: 0, read_only: false, guests_read_only: false };
    this.mute = null; // {until: Date | null, reason}
    this.muteTimer = null;
    this.readOnlyDetail = null; // the server refused a send as read-only (e.g. to a guest)
    this.ended = null; // {kind: "ban" | "kick" | "removed", detail}

    banner.rejoin.addEventListener("click", () => {
      this.ended = null;
      this.render();
      this.onRejoin();
    });
  }

  // The `welcome` frame: a fresh start.
  welcome(frame) {
    this.moderator = Boolean(frame.moderator);
    this.ended = null;
    this.readOnlyDetail = null;
    this.rules = { ...this.rules, ...(frame.rules ?? {}) };
    this.setMute(frame.muted ?? null);
  }

  setRules(rules) {
    this.rules = { ...this.rules, ...(rules ?? {}) };
    // Told "read-only" earlier: whichever rule it was may be off now; the next send says.
    if (!this.rules.read_only && !this.rules.guests_read_only) this.readOnlyDetail = null;
    this.render();
  }

  // {until: ISO string or null for good, reason} or null.
  setMute(mute) {
    clearTimeout(this.muteTimer);
    this.muteTimer = null;
    this.mute = null;
    if (mute) {
      const until = mute.until ? parseTime(mute.until) : null;
      if (!until || until.getTime() > Date.now()) {
        this.mute = { until, reason: mute.reason || "" };
        if (until) this.armMuteEnd();
      }
    }
    this.render();
  }

  // The mute frees the composer by itself when it ends.
  armMuteEnd() {
    const left = this.mute.until.getTime() - Date.now();
    this.muteTimer = setTimeout(() => {
      if (!this.mute?.until) return;
      if (this.mute.until.getTime() <= Date.now()) this.setMute(null);
      else this.armMuteEnd();
    }, Math.min(Math.max(left, 0) + 250, TIMER_MAX_MS));
  }

  // An `error` frame that concerns standing; false when it is about something else.
  refusal(frame) {
    switch (frame.code) {
      case "muted":
        this.setMute({ until: frame.until ?? null, reason: frame.reason });
        return true;
      case "read_only":
        this.readOnlyDetail = frame.detail || gettext("You cannot post in this room.");
        this.render();
        return true;
      case "banned":
        this.end("ban", banText(frame));
        return true;
      case "kicked":
        this.end("kick", frame.detail);
        return true;
      case "removed":
        this.end("removed", "");
        return true;
      default:
        return false;
    }
  }

  // The socket closed for good with 4403 (banned) or 4410 (kicked).
  closedBy(code) {
    if (code === 4403 && this.ended?.kind !== "ban") this.end("ban", "");
    if (code === 4410 && this.ended?.kind !== "kick") this.end("kick", "");
  }

  end(kind, detail) {
    const fallbacks = {
      ban: () => gettext("A moderator banned you from this room."),
      kick: () => gettext("A moderator removed you from this room. You may come back."),
      removed: () => gettext("Only its members can read this room. Ask its owner for an invitation to come back."),
    };
    const fallback = fallbacks[kind]();
    this.ended = { kind, detail: detail || fallback };
    this.render();
  }

  get banned() {
    return this.ended?.kind === "ban";
  }

  // Let out of a private room: the socket's 4404 that follows is no "room not found".
  get removed() {
    return this.ended?.kind === "removed";
  }

  // Why the composer is locked, or null.
  lockText() {
    if (this.ended?.kind === "ban") return gettext("You are banned: you can no longer post here.");
    if (this.ended?.kind === "kick") return gettext("You were removed from this room. Rejoin to post again.");
    if (this.ended?.kind === "removed") return gettext("You are no longer a member: you can no longer post here.");
    if (this.mute) {
      const text = this.mute.until
        ? interpolate(gettext("You are muted until %s."), [momentText(this.mute.until)])
        : gettext("You are muted for good.");
      return withReason(text, this.mute.reason);
    }
    if (this.moderator) return null;
    if (this.rules.read_only) return gettext("This room is read-only: only moderators can post.");
    return this.readOnlyDetail;
  }

  // The rules, as a note beside the composer, or null.
  noteText() {
    const parts = [];
    const every = Number(this.rules.slow_mode_seconds) || 0;
    if (every > 0) {
      parts.push(this.moderator
        ? interpolate(gettext("Slow mode: one message every %s s (moderators are exempt)"), [every])
        : interpolate(gettext("Slow mode: one message every %s s"), [every]));
    }
    if (this.moderator && this.rules.read_only) {
      parts.push(gettext("Read-only: only moderators can post"));
    }
    if (this.rules.guests_read_only && !this.rules.read_only && !this.readOnlyDetail) {
      parts.push(gettext("Guests can read but not post"));
    }
    return parts.length ? parts.join(" · ") : null;
  }

  render() {
    const lockText = this.lockText();
    this.lock.hidden = lockText === null;
    this.lock.querySelector(".composer-lock-text").textContent = lockText ?? "";
    this.lock.dataset.kind = this.ended ? "ended" : this.mute ? "muted" : "rules";
    this.composer.setLocked(lockText !== null);

    const noteText = this.ended ? null : this.noteText();
    this.note.hidden = noteText === null;
    this.note.textContent = noteText ?? "";

    const { root, title, text, rejoin, rooms } = this.banner;
    root.hidden = this.ended === null;
    if (this.ended) {
      const { kind } = this.ended;
      const titles = {
        ban: () => gettext("You are banned"),
        kick: () => gettext("You were removed from this room"),
        removed: () => gettext("You are no longer a member of this room."),
      };
      root.dataset.kind = kind;
      title.textContent = titles[kind]();
      text.textContent = this.ended.detail;
      rejoin.hidden = kind !== "kick";
      rooms.hidden = kind === "kick";
    }
  }
}
