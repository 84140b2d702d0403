// A message body as its author meant it: links, a little Markdown, mentions.
//
// The server stores and sends the text exactly as typed; this module reads it into a list of
// tokens (`tokenize`, pure, no DOM) and builds nodes from them (`renderBody`) with
// createElement and textContent only: no HTML string is ever parsed, so nothing the author
// typed can become an element or an attribute other than the ones below.
//
// What is read, and nothing more (everything else stays the characters typed):
// - Blocks, line by line. A line that is exactly ``` (a language word after it is allowed and
//   ignored) opens a code block that the next line of exactly ``` closes: <pre><code>, whose
//   text is never formatted. Without its closing line it is ordinary text. Lines starting with
//   "> " (or a lone ">") are a quote: <blockquote>, one level ("> > x" quotes "> x").
// - Inside a line: `code` (a run of n backticks closes at the next run of exactly n; nothing
//   inside is formatted or linked), then links and mentions, then **bold**, *italic* and
//   _italic_. Emphasis nests one level (bold in italic, italic in bold), never spans a code
//   span, and unclosed or mismatched delimiters stay as they were typed. A "_" opens only
//   after a non-letter and closes only before one, so snake_case_names stay as they are;
//   "__" and runs of four or more "*" are always literal. There are no backslash escapes.
// - Links: http:// and https:// addresses, and www. ones (linked as https://www.…). Trailing
//   punctuation (.,:;!?'*_~ and a ")" or "]" that closes nothing in the address) and CJK
//   punctuation end a link. The href comes from the URL constructor and is kept only when its
//   protocol is http: or https:; no other scheme ever becomes a link, and there is no
//   [text](url) syntax.
// - Mentions: an "@" that follows no letter, digit or one of . @ + - _, and 1 to 32 of
//   letters, digits and _ . @ + - (the rule of chat/messaging/mentions.py). It shows as a
//   mention only when the message's `mentions` (from the server) hold that exact text, or that
//   text without trailing . , ! ? + - @, and then with the person's current name.
// Line breaks stay "\n" in text nodes; the body's CSS (white-space: pre-wrap) shows them, so
// that copying a message gives back its lines.
//
// Every step is one pass over the text (no regular expression that can backtrack far), so a
// long message of nothing but "*", "`" or ">" renders as fast as any other.

const FENCE = "```";
const QUOTE = "> ";
const MENTION_MAX = 32;

const SPACE = /\s/u;
const WORD = /[\p{L}\p{N}]/u;
const MENTION_AFTER = /[\p{L}\p{N}.@+\-_]/u; // an "@" after one of these is not a mention
const MENTION_BODY = new RegExp(`[\\p{L}\\p{N}_.@+-]{1,${MENTION_MAX}}`, "uy");
const URL_BEFORE = /[A-Za-z0-9.@/_+\-:]/; // a link does not start inside a word or an address
// Where a link ends: spaces, <>"` and CJK punctuation (ideographic and full-width forms,
// curly quotes, the ellipsis). An address longer than URL_MAX is not linked (and so costs no
// more to look at than one that is).
const URL_MAX = 2048;
const CJK_PUNCTUATION = "\\u2018-\\u201f\\u2026\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65";
const URL_BODY = new RegExp(`[^\\s<>"\`${CJK_PUNCTUATION}]{1,${URL_MAX + 1}}`, "uy");
const URL_TRAILING = ".,:;!?'*_~";
const CANDIDATE = /https?:\/\/|www\.|@/giu;
// A sentence may end right after a name ("thanks @bob."): the longest of the token and the
// token without these at its end that the server found names someone (chat/messaging).
const MENTION_TRAILING = ".,!?+-@";
const DELIMITERS = /\*+|_+/gu;
const BACKTICKS = /`+/gu;

const OBJECT = "\ufffc"; // what a link or a mention counts as beside a delimiter: a non-space

// --- blocks ---------------------------------------------------------------------------------

function fenceOpens(line) {
  if (!line.startsWith(FENCE)) return false;
  const rest = line.slice(FENCE.length).trim();
  return !rest.includes("`") && !SPACE.test(rest);
}

function fenceCloses(line) {
  return line.trim() === FENCE;
}

function quoted(line) {
  if (line.startsWith(QUOTE)) return line.slice(QUOTE.length);
  return line === ">" ? "" : null;
}

// The body as a list of tokens: inline tokens (text, strong, em, code, link, mention) and the
// blocks {type: "pre", text} and {type: "quote", children}.
export function tokenize(body) {
  const lines = String(body ?? "").split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  // For each line, the index of the first closing fence after it (or -1): one pass, backwards.
  const nextCloser = new Array(lines.length + 1).fill(-1);
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    nextCloser[index] = fenceCloses(lines[index]) ? index : nextCloser[index + 1];
  }
  const tokens = [];
  let text = [];
  let quote = [];
  const flushText = () => {
    if (text.length) appendAll(tokens, inline(text.join("\n")));
    text = [];
  };
  const flushQuote = () => {
    if (quote.length) tokens.push({ type: "quote", children: inline(quote.join("\n")) });
    quote = [];
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    const end = fenceOpens(line) ? nextCloser[index + 1] : -1;
    if (end !== -1) {
      flushText();
      flushQuote();
      tokens.push({ type: "pre", text: lines.slice(index + 1, end).join("\n") });
      index = end;
      continue;
    }
    const inQuote = quoted(line);
    if (inQuote !== null) {
      flushText();
      quote.push(inQuote);
    } else {
      flushQuote();
      text.push(line);
    }
  }
  flushText();
  flushQuote();
  return tokens;
}

function appendAll(target, items) {
  for (const item of items) target.push(item);
}

// --- inline: code spans, then links and mentions, then emphasis -----------------------------

function inline(text) {
  const tokens = [];
  for (const segment of codeSegments(text)) {
    if (segment.code !== undefined) tokens.push({ type: "code", text: segment.code });
    else appendAll(tokens, emphasis(atoms(segment.text)));
  }
  return mergeText(tokens);
}

// The text cut at code spans: [{text} | {code}]. A run of n backticks opens a span that the
// next run of exactly n closes; a run with no such partner is literal.
function codeSegments(text) {
  const runs = [...text.matchAll(BACKTICKS)].map((match) => ({ start: match.index, length: match[0].length }));
  if (!runs.length) return [{ text }];
  const byLength = new Map();
  runs.forEach((run, index) => {
    if (!byLength.has(run.length)) byLength.set(run.length, []);
    byLength.get(run.length).push(index);
  });
  const cursor = new Map();
  const segments = [];
  let position = 0;
  for (let index = 0; index < runs.length; index += 1) {
    const run = runs[index];
    const same = byLength.get(run.length);
    let next = cursor.get(run.length) ?? 0;
    while (next < same.length && same[next] <= index) next += 1;
    cursor.set(run.length, next);
    if (next === same.length) continue; // no closer: the backticks are text
    const closer = runs[same[next]];
    if (run.start > position) segments.push({ text: text.slice(position, run.start) });
    let code = text.slice(run.start + run.length, closer.start);
    if (code.length > 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim()) {
      code = code.slice(1, -1);
    }
    segments.push({ code });
    position = closer.start + closer.length;
    index = same[next];
  }
  if (position < text.length) segments.push({ text: text.slice(position) });
  return segments;
}

// The text cut at links and mention candidates: strings and {type: "link" | "mention"}.
function atoms(text) {
  const pieces = [];
  let position = 0;
  CANDIDATE.lastIndex = 0;
  let match;
  while ((match = CANDIDATE.exec(text)) !== null) {
    const start = match.index;
    const before = start > 0 ? text[start - 1] : "";
    const found = match[0] === "@"
      ? mentionAt(text, start, before)
      : linkAt(text, start, match[0], before);
    if (!found) continue;
    if (start > position) pieces.push(text.slice(position, start));
    pieces.push(found.token);
    position = found.end;
    CANDIDATE.lastIndex = found.end;
  }
  if (position < text.length) pieces.push(text.slice(position));
  return pieces;
}

function mentionAt(text, start, before) {
  if (before && MENTION_AFTER.test(before)) return null;
  MENTION_BODY.lastIndex = start + 1;
  const match = MENTION_BODY.exec(text);
  if (!match) return null;
  const end = start + 1 + match[0].length;
  return { token: { type: "mention", text: text.slice(start, end) }, end };
}

function linkAt(text, start, prefix, before) {
  if (before && URL_BEFORE.test(before)) return null;
  URL_BODY.lastIndex = start;
  const match = URL_BODY.exec(text);
  if (!match) return null;
  if (match[0].length > URL_MAX) return null;
  const typed = trimUrl(match[0]);
  const rest = typed.slice(prefix.length);
  if (!rest || !WORD.test(String.fromCodePoint(rest.codePointAt(0)))) return null;
  const href = safeHref(/^www\./iu.test(typed) ? `https://${typed}` : typed);
  if (!href) return null;
  return { token: { type: "link", text: typed, href }, end: start + typed.length };
}

// Punctuation at the end of an address belongs to the sentence; so does a closing bracket
// that no opening one in the address explains (https://example.com/a_(b) keeps its own).
function trimUrl(url) {
  const count = (character) => url.split(character).length - 1;
  let unmatchedParens = count(")") - count("(");
  let unmatchedBrackets = count("]") - count("[");
  let end = url.length;
  while (end > 0) {
    const last = url[end - 1];
    if (URL_TRAILING.includes(last)) {
      end -= 1;
    } else if (last === ")" && unmatchedParens > 0) {
      unmatchedParens -= 1;
      end -= 1;
    } else if (last === "]" && unmatchedBrackets > 0) {
      unmatchedBrackets -= 1;
      end -= 1;
    } else {
      break;
    }
  }
  return url.slice(0, end);
}

// The address as the URL constructor reads it, or null unless it is http: or https:.
export function safeHref(address) {
  try {
    const url = new URL(address);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname) return url.href;
  } catch {
    // not an address
  }
  return null;
}

// --- emphasis ---------------------------------------------------------------------------------

const EMPHASIS = { "*": "em", _: "em", "**": "strong" };

// Strings and atoms in, inline tokens out. Delimiters pair left to right against a stack of at
// most two open ones (one of each kind: one level of nesting); a closer pairs with the nearest
// open delimiter of its own marker, and what was opened inside it and not closed stays text.
function emphasis(pieces) {
  const items = []; // {text} | {token} | delimiter {marker, partner}
  const stack = [];
  pieces.forEach((piece, index) => {
    if (typeof piece !== "string") {
      items.push({ token: piece });
      return;
    }
    const previousPiece = index > 0 ? pieces[index - 1] : null;
    const nextPiece = index + 1 < pieces.length ? pieces[index + 1] : null;
    const charBefore = (at) => {
      if (at > 0) return piece[at - 1];
      if (previousPiece === null) return "";
      return typeof previousPiece === "string" ? previousPiece.at(-1) : OBJECT;
    };
    const charAfter = (at) => {
      if (at < piece.length) return piece[at];
      if (nextPiece === null) return "";
      return typeof nextPiece === "string" ? nextPiece[0] : OBJECT;
    };
    let position = 0;
    for (const match of piece.matchAll(DELIMITERS)) {
      const run = match[0];
      const start = match.index;
      const end = start + run.length;
      if (start > position) items.push({ text: piece.slice(position, start) });
      position = end;
      const before = charBefore(start);
      const after = charAfter(end);
      const leftFlanking = after !== "" && !SPACE.test(after);
      const rightFlanking = before !== "" && !SPACE.test(before);
      let canOpen = leftFlanking;
      let canClose = rightFlanking;
      if (run[0] === "_") {
        canOpen &&= !WORD.test(before);
        canClose &&= !WORD.test(after);
      }
      const markers = delimiterMarkers(run, canClose, stack);
      if (!markers || (!canOpen && !canClose)) {
        items.push({ text: run });
        continue;
      }
      for (const marker of markers) {
        const delimiter = { marker, partner: null };
        items.push(delimiter);
        pair(delimiter, canOpen, canClose, stack);
      }
    }
    if (position < piece.length) items.push({ text: piece.slice(position) });
  });
  return tree(items);
}

// The delimiters a run stands for, in the order they act; null when the run is text.
function delimiterMarkers(run, canClose, stack) {
  if (run[0] === "_") return run.length === 1 ? ["_"] : null;
  if (run.length === 1) return ["*"];
  if (run.length === 2) return ["**"];
  if (run.length === 3) {
    // ***a*** is <strong><em>a</em></strong>: close the inner one first.
    return canClose && stack.at(-1)?.marker === "*" ? ["*", "**"] : ["**", "*"];
  }
  return null;
}

function pair(delimiter, canOpen, canClose, stack) {
  if (canClose) {
    for (let index = stack.length - 1; index >= 0; index -= 1) {
      if (stack[index].marker === delimiter.marker) {
        stack[index].partner = delimiter;
        delimiter.partner = stack[index];
        stack.length = index; // what opened inside and never closed stays text
        return;
      }
    }
  }
  const kind = EMPHASIS[delimiter.marker];
  if (canOpen && stack.length < 2 && !stack.some((open) => EMPHASIS[open.marker] === kind)) {
    stack.push(delimiter);
  }
}

function tree(items) {
  const root = { children: [] };
  const open = [root];
  for (const item of items) {
    const current = open.at(-1);
    if (item.token) {
      current.children.push(item.token);
    } else if (item.text !== undefined) {
      current.children.push({ type: "text", text: item.text });
    } else if (!item.partner) {
      current.children.push({ type: "text", text: item.marker });
    } else if (item.partner.node) {
      // The closer of the innermost open node (pairs nest: see pair()).
      current.children = mergeText(current.children);
      open.pop();
    } else {
      item.node = { type: EMPHASIS[item.marker], children: [] };
      current.children.push(item.node);
      open.push(item.node);
    }
  }
  return mergeText(root.children);
}

function mergeText(tokens) {
  const merged = [];
  for (const token of tokens) {
    const last = merged.at(-1);
    if (token.type === "text" && last?.type === "text") last.text += token.text;
    else if (token.type !== "text" || token.text) merged.push(token);
  }
  return merged;
}

// --- nodes ------------------------------------------------------------------------------------

// Empty `container` and fill it with `body`, read as above. `mentions`: the message's
// [{id, name, text}] from the server; `meId`: the reader, whose own mentions stand out.
export function renderBody(container, body, { mentions = [], meId = null } = {}) {
  const byText = new Map();
  for (const mention of Array.isArray(mentions) ? mentions : []) {
    if (mention && typeof mention.text === "string" && !byText.has(mention.text)) {
      byText.set(mention.text, mention);
    }
  }
  const fragment = document.createDocumentFragment();
  build(fragment, tokenize(body), { byText, meId });
  container.replaceChildren(fragment);
}

function build(parent, tokens, context) {
  for (const token of tokens) {
    switch (token.type) {
      case "strong":
      case "em":
      case "quote": {
        const element = document.createElement(token.type === "quote" ? "blockquote" : token.type);
        build(element, token.children, context);
        parent.append(element);
        break;
      }
      case "code":
        parent.append(element("code", token.text));
        break;
      case "pre": {
        const pre = document.createElement("pre");
        pre.append(element("code", token.text));
        parent.append(pre);
        break;
      }
      case "link":
        parent.append(link(token));
        break;
      case "mention":
        parent.append(...mention(token.text, context));
        break;
      default:
        parent.append(token.text);
    }
  }
}

function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

function link(token) {
  const href = safeHref(token.href);
  if (!href) return token.text;
  const anchor = element("a", token.text);
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer nofollow ugc";
  return anchor;
}

function mention(text, { byText, meId }) {
  let end = text.length;
  let found = byText.get(text);
  while (!found && end > 2 && MENTION_TRAILING.includes(text[end - 1])) {
    end -= 1;
    found = byText.get(text.slice(0, end));
  }
  const rest = text.slice(end);
  if (!found || typeof found.name !== "string") return [text];
  const span = element("span", `@${found.name}`);
  span.className = found.id === meId && meId !== null ? "mention mention-me" : "mention";
  span.dataset.userId = String(found.id);
  return rest ? [span, rest] : [span];
}
