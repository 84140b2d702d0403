// @mentions while typing: an "@" in a text box (the composer, a message being edited) opens a
// list of the room's people that match what follows it, online first; picking one inserts
// "@name ". The keys, the listbox and its status line are suggest_list.js's.

import { SuggestList } from "./suggest_list.js";

const SHOWN_MAX = 8;
// As markup.js reads a mention: an "@" after none of these, then 1 to 32 of those.
const MENTION_AFTER = /[\p{L}\p{N}.@+\-_]/u;
const MENTION_CHAR = /[\p{L}\p{N}_.@+-]/u;
const MENTION_MAX = 32;

// The people matching `query` (case-insensitive): those whose name starts with it, then those
// whose name holds it; in each, the online ones first, each group in the order given.
export function matchPeople(people, query) {
  const needle = query.toLocaleLowerCase();
  const ranked = [];
  people.forEach((person, index) => {
    const name = person.name.toLocaleLowerCase();
    const at = name.indexOf(needle);
    if (at < 0) return;
    ranked.push({ person, rank: (at === 0 ? 0 : 2) + (person.online ? 0 : 1), index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.slice(0, SHOWN_MAX).map((entry) => entry.person);
}

// The "@token" the caret is in: {start (of the "@"), end, query}, or null.
export function mentionAt(text, caret) {
  let start = caret;
  while (
    start > 0 &&
    caret - start <= MENTION_MAX &&
    MENTION_CHAR.test(text[start - 1]) &&
    text[start - 1] !== "@"
  ) {
    start -= 1;
  }
  if (start === 0 || text[start - 1] !== "@") return null;
  const at = start - 1;
  if (at > 0 && MENTION_AFTER.test(text[at - 1])) return null;
  let end = caret;
  while (end < text.length && MENTION_CHAR.test(text[end]) && text[end] !== "@") end += 1;
  return { start: at, end, query: text.slice(start, caret) };
}

export class MentionSuggest extends SuggestList {
  // people(): [{id, name, avatar, online}], in the order to offer them.
  constructor({ input, template, people }) {
    super({ input, template, idPrefix: "mention-list" });
    this.people = people;
  }

  tokenAt(text, caret) {
    return mentionAt(text, caret);
  }

  match(query) {
    return matchPeople(this.people(), query);
  }

  key(person) {
    return String(person.id);
  }

  renderOption(person) {
    const option = document.createElement("li");
    option.className = "mention-option";
    option.dataset.userId = String(person.id);
    option.dataset.name = person.name;
    const avatar = document.createElement("img");
    avatar.className = "avatar mention-avatar";
    avatar.alt = "";
    avatar.width = 24;
    avatar.height = 24;
    if (person.avatar) avatar.src = person.avatar;
    const name = document.createElement("span");
    name.className = "mention-name";
    name.textContent = person.name;
    option.append(avatar, name);
    if (person.online) {
      const online = document.createElement("span");
      online.className = "mention-online";
      online.textContent = gettext("online");
      option.append(online);
    }
    return option;
  }

  replacement(person) {
    return `@${person.name} `;
  }

  statusText(count) {
    return interpolate(
      ngettext(
        "%s person matches. Up and down to choose, Enter to pick.",
        "%s people match. Up and down to choose, Enter to pick.",
        count,
      ),
      [count],
    );
  }
}
