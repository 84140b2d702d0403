// The reader's rooms in the sidebar (GET /me/rooms/, docs/protocol.md): "Conversations" (direct
// ones, with the other person's avatar and name) and "Rooms", each newest activity first, with
// an unread count and a mark (@) where someone mentioned the reader; the room shown is the
// current page. The counts of the room shown come from the page itself (unread.js); the others'
// from the server, loaded on connect, when the tab comes back, every minute, and a few seconds
// after a `notify` or a `read` about them (a `notify` counts at once, here). Never more than one
// request in MIN_GAP_MS.

import { SiteApi } from "./api.js";

const MIN_GAP_MS = 4000;
const POLL_MS = 60_000;

const isDirect = (entry) => entry.kind === "direct";
const when = (entry) => Date.parse(entry.last_activity) || 0;
// The attribute, not the property: an <svg> has no `hidden` property.
const show = (node, shown) => node.toggleAttribute("hidden", !shown);

export class RoomNav {
  // `here()`: {unread, mentions} of the room shown; `onChange()`: counts or mutes changed.
  constructor({ root, lists, empties, template, slug, here, onChange, api = new SiteApi() }) {
    this.root = root;
    this.lists = lists; // {direct: <ul>, rooms: <ul>}
    this.empties = empties; // {direct: <p>, rooms: <p>}
    this.template = template;
    this.slug = slug;
    this.here = here;
    this.onChange = onChange;
    this.api = api;
    this.entries = new Map(); // slug -> entry, as /me/rooms/ gives it (counts updated here)
    this.items = new Map(); // slug -> <li>
    this.current = null; // the room shown, from the welcome: {slug, title, kind, partner}
    this.loaded = false;
    this.inFlight = false;
    this.again = false; // something changed while a request was on its way
    this.lastFetch = -Infinity;
    this.timer = null;

    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.refresh();
    });
    setInterval(() => this.refresh(), POLL_MS);
  }

  // --- what the page hears -----------------------------------------------------------

  welcome(frame) {
    const room = frame.room ?? {};
    const partner = frame.partner ?? null;
    this.current = {
      slug: this.slug,
      title: partner?.name ?? room.title ?? this.slug,
      kind: frame.kind ?? room.kind ?? "public",
      partner,
    };
    this.refresh();
    this.render();
  }

  // A direct message or a mention, here or elsewhere: counted at once, checked soon after.
  notify(frame) {
    const room = frame.room;
    if (!room?.slug || room.slug === this.slug) return;
    const entry = this.entries.get(room.slug) ?? {
      slug: room.slug,
      title: room.kind === "direct" ? frame.author?.name ?? room.title : room.title,
      kind: room.kind,
      partner: room.kind === "direct" ? frame.author ?? null : null,
      unread: 0,
      mentions: 0,
      notifications_muted: false,
    };
    entry.unread += 1;
    if (frame.reason === "mention") entry.mentions += 1;
    entry.last_activity = new Date().toISOString();
    this.entries.set(room.slug, entry);
    this.render();
    this.refresh();
  }

  // This reader read further somewhere: another room's count is asked again.
  read(frame) {
    if (frame.room && frame.room !== this.slug) this.refresh();
  }

  // A message in the room shown: it has the newest activity.
  activity() {
    const entry = this.entries.get(this.slug);
    if (entry) entry.last_activity = new Date().toISOString();
    this.render();
  }

  // --- asking the server ---------------------------------------------------------------

  refresh() {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFetch + MIN_GAP_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fetch();
    }, wait);
  }

  async fetch() {
    this.inFlight = true;
    this.again = false;
    this.lastFetch = performance.now();
    this.root.setAttribute("aria-busy", "true");
    try {
      const answer = await this.api.get("me/rooms/");
      this.entries = new Map((answer.rooms ?? []).map((entry) => [entry.slug, entry]));
      this.loaded = true;
    } catch {
      // the list stays as it was; the next occasion asks again
    } finally {
      this.inFlight = false;
      this.root.setAttribute("aria-busy", "false");
    }
    this.render();
    if (this.again) this.refresh();
  }

  // --- mutes -------------------------------------------------------------------------

  isMuted(slug) {
    return this.entries.get(slug)?.notifications_muted === true;
  }

  // POST /chat/<slug>/notifications/; throws an ApiError, ready to show.
  async setMuted(slug, muted) {
    await this.api.post(`chat/${encodeURIComponent(slug)}/notifications/`, { muted });
    const entry = this.entries.get(slug) ?? this.currentEntry();
    entry.notifications_muted = muted;
    this.entries.set(slug, entry);
    this.render();
    this.refresh(); // an answer on its way may predate the change
  }

  // --- totals, for the title, the favicon and the phone's toggle -------------------------

  // Unread in rooms that may call for attention (not muted): here and elsewhere.
  totals() {
    let here = 0;
    let elsewhere = 0;
    for (const entry of this.shownEntries()) {
      if (entry.notifications_muted) continue;
      if (entry.slug === this.slug) here += entry.unread;
      else elsewhere += entry.unread;
    }
    return { here, elsewhere };
  }

  // --- drawing -----------------------------------------------------------------------

  currentEntry() {
    const base = this.current ?? { slug: this.slug, title: this.slug, kind: "public", partner: null };
    return {
      ...base,
      last_activity: new Date().toISOString(),
      unread: 0,
      mentions: 0,
      notifications_muted: false,
    };
  }

  // The server's entries, with the room shown among them (first seen: it has no read position
  // yet) and its counts as this page knows them.
  shownEntries() {
    const entries = [...this.entries.values()];
    if (this.current) {
      let mine = this.entries.get(this.slug);
      if (!mine) {
        mine = this.currentEntry();
        this.entries.set(this.slug, mine);
        entries.unshift(mine);
      }
      Object.assign(mine, this.here());
    }
    return entries.sort((a, b) => when(b) - when(a));
  }

  render() {
    if (!this.current && !this.loaded) return;
    const focused = this.root.contains(document.activeElement) ? document.activeElement : null;
    const entries = this.shownEntries();
    const seen = new Set();
    for (const [kind, list] of Object.entries(this.lists)) {
      const wanted = entries.filter((entry) => (kind === "direct") === isDirect(entry));
      wanted.forEach((entry, index) => {
        seen.add(entry.slug);
        const item = this.item(entry);
        if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
      });
      this.empties[kind].hidden = wanted.length > 0;
    }
    for (const [slug, item] of this.items) {
      if (seen.has(slug)) continue;
      item.remove();
      this.items.delete(slug);
    }
    // Moving a node drops its focus: a reader on a link that moved stays on it.
    if (focused?.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
    this.onChange();
  }

  item(entry) {
    let item = this.items.get(entry.slug);
    if (!item) {
      item = this.template.content.firstElementChild.cloneNode(true);
      this.items.set(entry.slug, item);
    }
    const link = item.querySelector(".room-nav-link");
    link.href = `/chat/${encodeURIComponent(entry.slug)}/`;
    link.dataset.slug = entry.slug;
    if (entry.slug === this.slug) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
    item.dataset.kind = entry.kind;

    const avatar = item.querySelector(".room-nav-avatar");
    const partner = isDirect(entry) ? entry.partner : null;
    if (partner?.avatar && avatar.getAttribute("src") !== partner.avatar) avatar.src = partner.avatar;
    avatar.hidden = !partner?.avatar;
    show(item.querySelector(".room-nav-hash"), !isDirect(entry) && entry.kind !== "private");
    show(item.querySelector(".room-nav-lock"), entry.kind === "private");
    item.querySelector(".room-nav-name").textContent = partner?.name ?? entry.title;

    const unread = Number(entry.unread) || 0;
    const mentions = Number(entry.mentions) || 0;
    const muted = entry.notifications_muted === true;
    item.classList.toggle("has-unread", unread > 0);
    item.classList.toggle("is-muted", muted);
    show(item.querySelector(".room-nav-muted"), muted);
    item.querySelector(".room-nav-mention").hidden = mentions === 0;
    const count = item.querySelector(".room-nav-unread");
    count.hidden = unread === 0;
    count.textContent = unread > 99 ? "99+" : String(unread);
    item.querySelector(".room-nav-status").textContent = statusText({ unread, mentions, muted });
    return item;
  }
}

// What the badges say, for screen readers: ", 3 unread messages, 1 mention, muted".
function statusText({ unread, mentions, muted }) {
  const parts = [];
  if (unread) {
    parts.push(interpolate(ngettext("%s unread message", "%s unread messages", unread), [unread]));
  }
  if (mentions) {
    parts.push(interpolate(ngettext("%s mention of you", "%s mentions of you", mentions), [mentions]));
  }
  if (muted) parts.push(gettext("notifications muted"));
  return parts.length ? gettext(", ") + parts.join(gettext(", ")) : "";
}
