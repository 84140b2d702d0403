// Day separators in the message list: before the first node (message or system line) of each
// calendar day in the reader's time zone, an <li class="day-separator"><time> that says "Today",
// "Yesterday", the weekday and date within the last week, else the date (with the year when
// it is not this year's), in the page's language: all of it from Intl, so no words of ours
// wait for a translation. A list item, not role="separator": an <ol> may hold only list items
// (axe's "list" rule), and a screen reader then reads the day as one of the list's items.
//
// `update()` makes the separators right for the list as it is, in one pass: whatever was
// prepended, inserted by id, appended, held pending at the end or cleared. It reuses the
// separator already in place, moves nothing the reader sees when nothing changed, and relabels
// every separator against today, so a page left open past midnight reads right: the message
// list calls it after each change, and a timer calls it just after each midnight (and when the
// page is shown again, since timers sleep with a laptop). Each node whose previous sibling it
// changed goes to `onMoved` (the list's grouping: a message after a separator starts a group).

const DAY_MS = 24 * 60 * 60 * 1000;
const MIDNIGHT_SLACK_MS = 1000;
const RECENT_DAYS = 6; // a weekday names a day no more than this many days ago

const pad = (number) => String(number).padStart(2, "0");

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function dayKey(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function fromKey(key) {
  const [year, month, day] = key.split("-").map(Number);
  return new Date(year, month - 1, day);
}

// When a node of the list was said or happened: a message's data-created, else its <time>.
function nodeDate(node) {
  const value = node.dataset.created
    ? Number(node.dataset.created)
    : node.querySelector("time[datetime]")?.dateTime;
  if (value === undefined || value === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const formats = new Map();

function formatDate(date, name, options) {
  const lang = document.documentElement.lang || undefined;
  const cacheKey = `${lang}|${name}`;
  if (!formats.has(cacheKey)) {
    let format;
    try {
      format = new Intl.DateTimeFormat(lang, options);
    } catch {
      format = new Intl.DateTimeFormat(undefined, options);
    }
    formats.set(cacheKey, format);
  }
  return formats.get(cacheKey).format(date);
}

// "Today" and "Yesterday" in the page's language, from the browser's own data (ICU's words,
// in every language the site may add), capitalised as a label starts.
function relativeDay(daysAgo) {
  const lang = document.documentElement.lang || undefined;
  let text;
  try {
    text = new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(-daysAgo, "day");
  } catch {
    text = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-daysAgo, "day");
  }
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

// What the separator of `day` (a local midnight) says on `today` (another).
export function dayLabel(day, today) {
  const daysAgo = Math.round((today - day) / DAY_MS); // round: a day may have 23 or 25 hours
  if (daysAgo === 0 || daysAgo === 1) return relativeDay(daysAgo);
  if (daysAgo > 1 && daysAgo <= RECENT_DAYS) {
    return formatDate(day, "recent", { weekday: "long", month: "long", day: "numeric" });
  }
  if (day.getFullYear() === today.getFullYear()) {
    return formatDate(day, "this-year", { month: "long", day: "numeric" });
  }
  return formatDate(day, "long", { dateStyle: "long" });
}

export class DaySeparators {
  constructor(list, onMoved = () => {}, { now = () => new Date() } = {}) {
    this.list = list;
    this.onMoved = onMoved;
    this.now = now;
    this.timer = null;
    this.scheduleMidnight();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.update();
    });
  }

  update() {
    const today = startOfDay(this.now());
    const moved = [];
    const stale = [];
    let previousKey = null;
    let waiting = null; // the separator just passed, not yet given to a node
    for (const node of [...this.list.children]) {
      if (node.classList.contains("day-separator")) {
        if (waiting) stale.push(waiting);
        waiting = node;
        continue;
      }
      const date = nodeDate(node);
      const key = date ? dayKey(date) : previousKey;
      if (key !== null && key !== previousKey) {
        const separator = waiting ?? this.create(node, moved);
        this.label(separator, key, today);
        waiting = null;
      }
      if (waiting) {
        stale.push(waiting);
        waiting = null;
      }
      previousKey = key;
    }
    if (waiting) stale.push(waiting);
    for (const separator of stale) {
      const next = separator.nextElementSibling;
      separator.remove();
      if (next) moved.push(next);
    }
    moved.forEach((node) => this.onMoved(node));
  }

  create(before, moved) {
    const separator = document.createElement("li");
    separator.className = "day-separator";
    separator.append(document.createElement("time"));
    this.list.insertBefore(separator, before);
    moved.push(separator);
    return separator;
  }

  label(separator, key, today) {
    const todayKey = dayKey(today);
    if (separator.dataset.day === key && separator.dataset.today === todayKey) return;
    const day = fromKey(key);
    const time = separator.querySelector("time");
    const text = dayLabel(day, today);
    time.dateTime = key;
    time.textContent = text;
    time.title = formatDate(day, "full", { dateStyle: "full" });
    separator.dataset.day = key;
    separator.dataset.today = todayKey;
  }

  // Relabel just after the next local midnight, and every midnight after that.
  scheduleMidnight() {
    clearTimeout(this.timer);
    const now = this.now();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
    const wait = Math.max(midnight - now, 0) + MIDNIGHT_SLACK_MS;
    this.timer = setTimeout(() => {
      this.update();
      this.scheduleMidnight();
    }, wait);
  }
}
