// :shortcode: emoji while typing: a ":" and two or more letters (":smi") open a list of the
// emoji whose shortcodes start so (then those whose words do), from the page's emoji data
// (emoji_data.js: on a Chinese page the English shortcodes and words work too); picking one
// puts the emoji in place of ":smi". A whole shortcode typed (":smile:") turns into its emoji
// as the closing ":" goes in. The keys, the listbox and its status line are suggest_list.js's.

import { qualified } from "./emoji_data.js";
import { SuggestList } from "./suggest_list.js";

const SHOWN_MAX = 8;
const QUERY_MIN = 2; // the data's search needs two letters
const QUERY_MAX = 32;
const CODE_CHAR = /[\p{L}\p{N}_+-]/u;
// A ":" right after one of these starts no shortcode: "10:30", "re:", "a::b".
const NOT_BEFORE = /[\p{L}\p{N}:]/u;
// A whole shortcode just typed, before the caret.
const TYPED = /(?:^|[^\p{L}\p{N}:]):([\p{L}\p{N}_+-]{2,32}):$/u;

// The ":token" the caret is in: {start (of the ":"), end (after a closing ":", if any),
// query}, or null when it is not one (fewer than two letters, or a ":" inside a word).
export function shortcodeAt(text, caret) {
  let start = caret;
  while (start > 0 && caret - start < QUERY_MAX && CODE_CHAR.test(text[start - 1])) start -= 1;
  if (start === 0 || text[start - 1] !== ":") return null;
  const colon = start - 1;
  if (colon > 0 && NOT_BEFORE.test(text[colon - 1])) return null;
  const query = text.slice(start, caret);
  if ([...query].length < QUERY_MIN) return null;
  let end = caret;
  while (end < text.length && CODE_CHAR.test(text[end])) end += 1;
  if (text[end] === ":") end += 1;
  return { start: colon, end, query };
}

// The emoji to offer for `query`, from what the data's search found (in the data's order):
// an exact shortcode first, then shortcodes that start with it (shorter first), then those
// with a word that does, then the emoji found by their other words. Each with the shortcode
// to show: {unicode, shortcode, annotation}.
export function rankShortcodes(emojis, query) {
  const needle = query.toLowerCase();
  const ranked = emojis.map((emoji, index) => {
    const codes = emoji.shortcodes ?? [];
    const lower = (code) => code.toLowerCase();
    const exact = codes.find((code) => lower(code) === needle);
    const prefix = codes
      .filter((code) => lower(code).startsWith(needle))
      .sort((a, b) => a.length - b.length)[0];
    const word = codes.find((code) =>
      lower(code)
        .split(/[_-]/)
        .some((part) => part.startsWith(needle)),
    );
    const shortcode = exact ?? prefix ?? word ?? codes[0] ?? null;
    const rank = exact ? 0 : prefix ? 1 : word ? 2 : 3;
    const unicode = qualified(emoji.unicode);
    return { unicode, shortcode, annotation: emoji.annotation, rank, index };
  });
  ranked.sort(
    (a, b) =>
      a.rank - b.rank ||
      (a.rank === 1 ? a.shortcode.length - b.shortcode.length : 0) ||
      a.index - b.index,
  );
  return ranked
    .slice(0, SHOWN_MAX)
    .map(({ unicode, shortcode, annotation }) => ({ unicode, shortcode, annotation }));
}

export class EmojiSuggest extends SuggestList {
  // data: the page's EmojiData.
  constructor({ input, template, data }) {
    super({ input, template, idPrefix: "emoji-list" });
    this.data = data;
    this.onTyped = (event) => this.completeTyped(event);
    input.addEventListener("input", this.onTyped);
  }

  tokenAt(text, caret) {
    return shortcodeAt(text, caret);
  }

  async match(query) {
    return rankShortcodes(await this.data.search(query), query);
  }

  key(item) {
    return item.unicode;
  }

  renderOption(item) {
    const option = document.createElement("li");
    option.className = "mention-option emoji-option";
    const glyph = document.createElement("span");
    glyph.className = "emoji-option-glyph";
    glyph.textContent = item.unicode;
    const code = document.createElement("span");
    code.className = "emoji-option-code";
    code.textContent = item.shortcode ? `:${item.shortcode}:` : "";
    const words = document.createElement("span");
    words.className = "emoji-option-words";
    words.textContent = item.annotation ?? "";
    option.append(glyph, code, words);
    return option;
  }

  replacement(item) {
    return item.unicode;
  }

  statusText(count) {
    return interpolate(
      ngettext(
        "%s emoji matches. Up and down to choose, Enter to pick.",
        "%s emoji match. Up and down to choose, Enter to pick.",
        count,
      ),
      [count],
    );
  }

  picked(item) {
    this.data.remember(item.unicode);
  }

  // ":smile:" typed whole, its closing ":" last: the emoji in its place, the caret where it
  // was (after it). Nothing when the shortcode is unknown, or the text changed meanwhile.
  async completeTyped(event) {
    if (event.isComposing || event.inputType !== "insertText" || !event.data?.endsWith(":"))
      return;
    const input = this.input;
    if (input.selectionStart !== input.selectionEnd) return;
    const typed = TYPED.exec(input.value.slice(0, input.selectionStart));
    if (!typed) return;
    const text = `:${typed[1]}:`;
    const start = input.selectionStart - text.length;
    const emoji = await this.data.byShortcode(typed[1]).catch(() => null);
    if (!emoji?.unicode || input.value.slice(start, start + text.length) !== text) return;
    const unicode = qualified(emoji.unicode);
    const end = start + text.length;
    const delta = unicode.length - text.length;
    const moved = (at) => (at >= end ? at + delta : at <= start ? at : start + unicode.length);
    const [from, to] = [moved(input.selectionStart), moved(input.selectionEnd)];
    input.setRangeText(unicode, start, end);
    input.setSelectionRange(from, to);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    this.data.remember(unicode);
  }

  destroy() {
    this.input.removeEventListener("input", this.onTyped);
    super.destroy();
  }
}
