// The search panel (docs/protocol.md, "Search over HTTP"): the messages of this room, or of
// every room, that hold the words, newest first, each with the match marked and the messages
// around it. A result of this room jumps to it in the history (jump.js); one of another room
// opens that room at it (/chat/<slug>/?message=<id>). States are said to screen readers.
// Everything is built from DOM nodes and textContent: a message is never read as HTML.

import { SiteApi } from "./api.js";
import { fullTime, momentText, parseTime } from "./time.js";

const QUERY_MIN = 2; // characters; one is enough from U+2E80 on (CJK), as the server says
const QUERY_MAX = 100;
const WIDE_SCRIPT_START = 0x2e80;
const PAGE = 20;
const EXCERPT_BEFORE = 60; // characters kept before the first match of a long message
const EXCERPT_LENGTH = 280;

function queryProblem(query) {
  const chars = [...query];
  const wide = chars.length === 1 && chars[0].codePointAt(0) >= WIDE_SCRIPT_START;
  if (chars.length < QUERY_MIN && !wide) {
    return interpolate(gettext("Type at least %s characters."), [QUERY_MIN]);
  }
  if (chars.length > QUERY_MAX) {
    return interpolate(gettext("Search for at most %s characters."), [QUERY_MAX]);
  }
  return null;
}

// Where `query` occurs in `text`, in any case: [start, end) pairs in `text`'s own indices.
export function matchesOf(text, query) {
  const needle = query.toLocaleLowerCase();
  const found = [];
  if (!needle) return found;
  for (let start = 0; start + query.length <= text.length; start += 1) {
    if (text.slice(start, start + query.length).toLocaleLowerCase() === needle) {
      found.push([start, start + query.length]);
      start += query.length - 1;
    }
  }
  return found;
}

// Fill `node` with `text`, the matches of `query` in <mark>: nodes and textContent only.
// A long text is cut around its first match.
export function markText(node, text, query) {
  let matches = matchesOf(text, query);
  let shown = text;
  let offset = 0;
  if (text.length > EXCERPT_LENGTH) {
    const first = matches.length ? matches[0][0] : 0;
    offset = Math.max(0, first - EXCERPT_BEFORE);
    if (/[\uDC00-\uDFFF]/.test(text[offset] ?? "")) offset -= 1; // not half a character
    let end = Math.min(text.length, offset + EXCERPT_LENGTH);
    if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end += 1;
    shown = `${offset > 0 ? "…" : ""}${text.slice(offset, end)}${end < text.length ? "…" : ""}`;
    const shift = offset > 0 ? 1 - offset : 0;
    matches = matches
      .filter(([start, stop]) => start >= offset && stop <= end)
      .map(([start, stop]) => [start + shift, stop + shift]);
  }
  node.replaceChildren();
  let at = 0;
  for (const [start, stop] of matches) {
    if (start > at) node.append(shown.slice(at, start));
    const mark = document.createElement("mark");
    mark.textContent = shown.slice(start, stop);
    node.append(mark);
    at = stop;
  }
  if (at < shown.length) node.append(shown.slice(at));
}

export class Search {
  constructor({ panel, toggle, layout, slug, template, jump, say }) {
    this.panel = panel;
    this.toggle = toggle;
    this.layout = layout;
    this.slug = slug;
    this.api = new SiteApi();
    this.template = template;
    this.jump = jump;
    this.say = say;
    this.form = panel.querySelector(".search-form");
    this.input = panel.querySelector(".search-input");
    this.scope = panel.querySelector(".search-scope");
    this.status = panel.querySelector(".search-status");
    this.results = panel.querySelector(".search-results");
    this.more = panel.querySelector(".search-more");
    this.request = null; // the AbortController of the search on its way
    this.last = null; // {query, scope, nextBeforeId}

    toggle.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));
    panel.querySelector(".search-close").addEventListener("click", () => this.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.search();
    });
    this.scope.addEventListener("change", () => {
      if (this.input.value.trim()) this.search();
    });
    this.more.addEventListener("click", () => this.search({ more: true }));
    panel.addEventListener("keydown", (event) => this.keydown(event));
    this.results.addEventListener("click", (event) => this.choose(event));
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  // Over the messages (narrow screens) rather than beside them: a result shown closes it.
  get overlaid() {
    return getComputedStyle(this.panel).position === "absolute";
  }

  open() {
    this.panel.hidden = false;
    this.layout.dataset.search = "open";
    this.toggle.setAttribute("aria-expanded", "true");
    this.input.focus();
    this.input.select();
  }

  close({ restoreFocus = true } = {}) {
    if (!this.isOpen) return;
    const hadFocus = this.panel.contains(document.activeElement);
    this.panel.hidden = true;
    this.layout.dataset.search = "closed";
    this.toggle.setAttribute("aria-expanded", "false");
    if (restoreFocus && hadFocus) this.toggle.focus();
  }

  keydown(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      this.close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    // Up and down move between the results (and from the search box to the first one).
    const links = [...this.results.querySelectorAll(".search-hit")];
    const index = links.indexOf(document.activeElement);
    if (document.activeElement === this.input && event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[0].focus();
    } else if (index >= 0) {
      event.preventDefault();
      const next = index + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? this.input : links[Math.min(next, links.length - 1)]).focus();
    }
  }

  url(query, scope, beforeId) {
    const params = new URLSearchParams({ q: query, limit: String(PAGE) });
    if (beforeId) params.set("before_id", String(beforeId));
    const base = scope === "all" ? "search/" : `chat/${encodeURIComponent(this.slug)}/search/`;
    return `${base}?${params}`;
  }

  async search({ more = false } = {}) {
    const query = more ? this.last.query : this.input.value.trim();
    const scope = more ? this.last.scope : this.scope.value;
    const problem = queryProblem(query);
    if (problem) {
      this.showStatus(problem, { state: "invalid" });
      return;
    }
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    if (!more) {
      this.results.replaceChildren();
      this.more.hidden = true;
    }
    this.results.setAttribute("aria-busy", "true");
    this.more.setAttribute("aria-disabled", "true");
    this.showStatus(gettext("Searching…"), { state: "busy" });
    try {
      const beforeId = more ? this.last.nextBeforeId : null;
      const answer = await this.api.get(this.url(query, scope, beforeId), {
        signal: request.signal,
      });
      if (this.request !== request) return;
      this.last = { query: answer.query ?? query, scope, nextBeforeId: answer.next_before_id };
      this.showResults(answer, { more });
    } catch (error) {
      if (error.name === "AbortError" || this.request !== request) return;
      this.showStatus(error.message, { state: "error" });
    } finally {
      if (this.request === request) {
        this.request = null;
        this.results.setAttribute("aria-busy", "false");
        this.more.removeAttribute("aria-disabled");
      }
    }
  }

  showResults(answer, { more }) {
    const results = Array.isArray(answer.results) ? answer.results : [];
    const everyRoom = this.last.scope === "all";
    results.forEach((result) => this.results.append(this.render(result, everyRoom)));
    this.more.hidden = !answer.has_more;
    const count = this.results.childElementCount;
    let text;
    if (!count) {
      text = everyRoom
        ? interpolate(gettext("No messages in any room match “%s”."), [this.last.query])
        : interpolate(gettext("No messages in this room match “%s”."), [this.last.query]);
    } else if (answer.has_more) {
      text = interpolate(gettext("The newest %s results; more below."), [count]);
    } else {
      text = interpolate(ngettext("%s result.", "%s results.", count), [count]);
    }
    this.showStatus(text, { state: count ? "done" : "empty" });
    if (more && results.length) this.results.querySelectorAll(".search-hit")[count - results.length]?.focus();
  }

  // Shown under the search box and said once to screen readers.
  showStatus(text, { state }) {
    this.status.textContent = text;
    this.status.dataset.state = state;
    this.status.hidden = !text;
    if (text) this.say(text);
  }

  render(result, everyRoom) {
    const node = this.template.content.firstElementChild.cloneNode(true);
    const { message, room } = result;
    const link = node.querySelector(".search-hit");
    link.href = `/chat/${encodeURIComponent(room.slug)}/?message=${message.id}`;
    link.dataset.id = String(message.id);
    link.dataset.room = room.slug;
    const avatar = node.querySelector(".avatar");
    if (message.author?.avatar) avatar.src = message.author.avatar;
    node.querySelector(".search-author").textContent = message.author?.name ?? "";
    const roomName = node.querySelector(".search-room");
    roomName.textContent = interpolate(gettext("in %s"), [room.title]);
    roomName.hidden = !everyRoom;
    const time = node.querySelector(".search-time");
    const created = parseTime(message.created);
    time.textContent = momentText(created);
    time.dateTime = created.toISOString();
    time.title = fullTime(created);
    node.querySelector(".search-flag-removed").hidden = !message.deleted;
    node.querySelector(".search-flag-held").hidden = !message.held;
    markText(node.querySelector(".search-body"), message.body ?? "", this.last.query);
    this.context(node.querySelector(".search-before"), result.context?.before);
    this.context(node.querySelector(".search-after"), result.context?.after);
    return node;
  }

  context(node, message) {
    node.hidden = !message;
    if (!message) return;
    node.querySelector(".search-context-author").textContent = message.author?.name ?? "";
    const body = node.querySelector(".search-context-body");
    body.textContent = message.deleted ? gettext("Message removed") : message.body ?? "";
  }

  // A result of this room: jump to it here. Another room's link opens that room at it, as
  // does any result opened in a new tab (a modifier key, the middle button).
  choose(event) {
    const link = event.target.closest(".search-hit");
    if (!link || link.dataset.room !== this.slug) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    if (this.overlaid) this.close({ restoreFocus: false });
    this.jump.jumpToMessage(Number(link.dataset.id)).catch(() => {}); // said on the page
  }
}
