// The emoji of the page's language, for the picker (emoji_picker.js) and the :shortcode: list
// (emoji_suggest.js): emoji-picker-element (static/vendor/, scripts/vendor_static.sh), loaded
// the first time one of them needs it, and its data file, which the page names with
// {% static %} (a hashed name in production). English pages read English data; Chinese pages
// read Chinese data that also holds the English words and shortcodes, and the picker's
// Chinese strings.
//
// The package keeps the data in IndexedDB, one database per language, and in it how often each
// emoji was picked: the picker's first row. Picks from the :shortcode: list and from reactions
// count there too (remember()).

const PACKAGE = new URL("../vendor/emoji-picker-element/", import.meta.url);

// The newest emoji this browser draws, as the picker finds it for itself (it does not say):
// one emoji of each Unicode emoji version, newest first, drawn in colour or not.
const VERSION_PROBES = [
  ["🫪", 17],
  ["🫩", 16],
  ["🫨", 15.1],
  ["🫠", 14],
  ["🥲", 13.1],
  ["🥻", 12.1],
  ["🥰", 11],
  ["🤩", 5],
];
const EMOJI_FONTS =
  '"Twemoji Mozilla","Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",sans-serif';

// A one-pixel drawing of `text` in `colour`: a colour emoji looks the same in any colour.
function pixel(text, colour) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.textBaseline = "top";
  context.font = `100px ${EMOJI_FONTS}`;
  context.fillStyle = colour;
  context.scale(0.01, 0.01);
  context.fillText(text, 0, 0);
  return context.getImageData(0, 0, 1, 1).data.join(",");
}

// An emoji as the server keeps it (chat/messaging/reactions.py: the fully-qualified form): the
// data writes some with a variation selector they do not need ("👍️" for 👍), which would make
// a reaction of its own beside the quick one.
export function qualified(unicode) {
  return unicode.replace(/(\p{Emoji_Presentation})\ufe0f/gu, "$1");
}

let drawnVersion = null;
function newestDrawn() {
  if (drawnVersion === null) {
    try {
      const found = VERSION_PROBES.find(([emoji]) => {
        const black = pixel(emoji, "#000");
        return black === pixel(emoji, "#fff") && !black.startsWith("0,0,0,");
      });
      drawnVersion = found ? found[1] : Infinity;
    } catch {
      drawnVersion = Infinity; // no canvas to ask: better a grey box than no emoji
    }
  }
  return drawnVersion;
}

export class EmojiData {
  // sources: {en, zh}: the URLs of the data files.
  constructor(sources) {
    const chinese = document.documentElement.lang.toLowerCase().startsWith("zh");
    this.locale = chinese ? "zh" : "en";
    this.dataSource = chinese ? sources.zh : sources.en;
    this.loading = null;
    this.db = null;
  }

  // {Picker, Database, i18n}: the package's classes and the picker's strings (null: its own).
  load() {
    this.loading ??= Promise.all([
      import(new URL("index.js", PACKAGE).href),
      this.locale === "zh" ? import(new URL("i18n/zh_CN.js", PACKAGE).href) : null,
    ]).then(([{ Picker, Database }, strings]) => ({
      Picker,
      Database,
      i18n: strings?.default ?? null,
    }));
    this.loading.catch(() => {
      this.loading = null; // offline for a moment: the next use tries again
    });
    return this.loading;
  }

  // The picker's settings for this page (its dataSource and locale say which database it opens).
  async pickerOptions() {
    const { i18n } = await this.load();
    return { dataSource: this.dataSource, locale: this.locale, ...(i18n ? { i18n } : {}) };
  }

  async database() {
    if (!this.db) {
      const { Database } = await this.load();
      this.db ??= new Database({ dataSource: this.dataSource, locale: this.locale });
    }
    return this.db;
  }

  // The emoji whose words or shortcodes start with the words of `query`, in the data's order;
  // none this browser cannot draw.
  async search(query) {
    const found = await (await this.database()).getEmojiBySearchQuery(query);
    const newest = newestDrawn();
    return found.filter((emoji) => !(emoji.version > newest));
  }

  // The emoji of one shortcode ("smile", in any case), or null.
  async byShortcode(shortcode) {
    return (await this.database()).getEmojiByShortcode(shortcode);
  }

  // One more use of `unicode` (a skin tone's variant counts for its emoji): the picker's row of
  // the most used. Never in the way of what the pick was for.
  async remember(unicode) {
    try {
      const db = await this.database();
      // As the data writes it: with or without a variation selector.
      const forms = [unicode, unicode.replaceAll("\ufe0f", ""), `${unicode}\ufe0f`];
      for (const form of new Set(forms)) {
        const emoji = await db.getEmojiByUnicodeOrName(form);
        if (emoji) {
          await db.incrementFavoriteEmojiCount(emoji.unicode);
          return;
        }
      }
    } catch {
      // no IndexedDB (a private window), or the data did not load: nothing to count in
    }
  }
}
