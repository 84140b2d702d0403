// Replies: the "Replying to alice: …" bar above the composer (✕ or Escape cancels it), and
// the one-line quote of the original above a reply's body. The quote is a button: it goes to
// the original (jump.js loads the history around it when it is not on the page), and says
// "Original message deleted" once the original goes.

import { jumpToMessage } from "./jump.js";

const EXCERPT_MAX = 100; // code points, as the server cuts its `excerpt`

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

// How a quote starts: one line of at most EXCERPT_MAX characters, "…" when there is more.
// `cut`: the text is the server's excerpt, already cut at EXCERPT_MAX when it was longer.
export function excerptOf(text, { cut = false } = {}) {
  const chars = [
    ...String(text ?? "")
      .replace(/\s+/gu, " ")
      .trim(),
  ];
  const more = cut ? chars.length >= EXCERPT_MAX : chars.length > EXCERPT_MAX;
  return more ? `${chars.slice(0, EXCERPT_MAX).join("")}…` : chars.join("");
}

// The reply's quote in a message node: made, refreshed, or taken away (`replyTo` null).
export function showQuote(element, replyTo, { template, onJump }) {
  const bubble = element.querySelector(".bubble");
  let quote = bubble.querySelector(".reply-quote");
  if (!replyTo) {
    quote?.remove();
    return;
  }
  if (!quote) {
    quote = template.content.firstElementChild.cloneNode(true);
    quote.addEventListener("click", () => onJump(Number(quote.dataset.replyTo)));
    bubble.prepend(quote);
  }
  quote.dataset.replyTo = String(replyTo.id);
  quote.querySelector(".reply-quote-author").textContent = replyTo.author?.name ?? "";
  showQuoteDeleted(quote, Boolean(replyTo.deleted), replyTo.excerpt, Boolean(replyTo.image));
}

// What a quote of a picture says: its caption, or that it is a picture when it has none.
function pictureText(text, image) {
  if (!image) return text;
  return text ? interpolate(gettext("Picture: %s"), [text]) : gettext("Picture");
}

export function showQuoteDeleted(quote, deleted, excerpt = "", image = false) {
  quote.classList.toggle("is-deleted", deleted);
  quote.querySelector(".reply-quote-excerpt").textContent = deleted
    ? gettext("Original message deleted")
    : pictureText(excerptOf(excerpt, { cut: true }), image);
}

// The quotes of every reply to `id` on the page: the original went.
export function markOriginalDeleted(list, id) {
  list.querySelectorAll(`.reply-quote[data-reply-to="${Number(id)}"]`).forEach((quote) => {
    showQuoteDeleted(quote, true);
  });
}

// Go to a message: jump.js loads the history around it when it is not on the page, and
// highlights it (search.css's .is-target). Should jump.js fail before it starts (no page set
// up), a message on the page is still scrolled to.
export async function jumpTo(id, messages) {
  try {
    await jumpToMessage(id);
    return;
  } catch {
    // jump.js said why on the page, or could not start
  }
  const element = messages.element(id);
  if (!element) return;
  element.scrollIntoView({ block: "center", behavior: reducedMotion.matches ? "auto" : "smooth" });
  if (!element.hasAttribute("tabindex")) element.tabIndex = -1;
  element.focus({ preventScroll: true });
}

export class ReplyBar {
  constructor({ bar, input }) {
    this.bar = bar;
    this.input = input; // the composer's text box
    this.text = bar.querySelector(".reply-bar-text"); // has an id: the text box's description
    this.author = bar.querySelector(".reply-bar-author");
    this.excerpt = bar.querySelector(".reply-bar-excerpt");
    this.target = null; // {id, author, excerpt, deleted: false}

    bar.querySelector(".reply-bar-cancel").addEventListener("click", () => {
      this.cancel();
      this.input.focus();
    });
    // Escape in the composer gives the reply up (not when the suggestions took it first).
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented || !this.target) return;
      event.preventDefault();
      this.cancel();
    });
  }

  get id() {
    return this.target?.id ?? null;
  }

  start({ id, author, body, image = false }) {
    const { name, avatar } = author;
    // As the server's `reply_to` will say it: the pending reply's quote shows the same.
    const excerpt = [...String(body ?? "")].slice(0, EXCERPT_MAX).join("");
    this.target = { id, author: { id: author.id, name, avatar }, excerpt, deleted: false, image };
    this.author.textContent = interpolate(gettext("Replying to %s"), [author.name]);
    this.excerpt.textContent = pictureText(excerptOf(body), image);
    this.bar.hidden = false;
    this.describe(true);
    this.input.focus();
  }

  cancel() {
    if (!this.target) return;
    this.target = null;
    this.bar.hidden = true;
    this.describe(false);
  }

  // What the next message answers, and the bar goes: the message is on its way.
  take() {
    const target = this.target;
    this.cancel();
    return target;
  }

  // The text box says what it answers to screen readers while the bar is there.
  describe(on) {
    const ids = (this.input.getAttribute("aria-describedby") ?? "").split(/\s+/u).filter(Boolean);
    const rest = ids.filter((id) => id !== this.text.id);
    this.input.setAttribute("aria-describedby", (on ? [this.text.id, ...rest] : rest).join(" "));
  }
}
