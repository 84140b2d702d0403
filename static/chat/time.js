// Times as people read them: local HH:MM on the page, the full date in a tooltip.

const pad = (number) => String(number).padStart(2, "0");

export function parseTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

export function shortTime(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fullTime(date) {
  try {
    return date.toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "full",
      timeStyle: "medium",
    });
  } catch {
    return date.toString();
  }
}

// Fill a <time> element: visible HH:MM, machine-readable datetime, full date on hover.
export function setTime(element, date) {
  element.textContent = shortTime(date);
  element.dateTime = date.toISOString();
  element.title = fullTime(date);
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth()
    && a.getDate() === b.getDate();
}

function localeString(date, options) {
  try {
    return date.toLocaleString(document.documentElement.lang || undefined, options);
  } catch {
    return date.toString();
  }
}

// A moment in a sentence ("muted until …"): HH:MM today, else the date and time.
export function momentText(date) {
  if (sameDay(date, new Date())) return shortTime(date);
  return localeString(date, { dateStyle: "medium", timeStyle: "short" });
}

// A day ("member since …").
export function dayText(date) {
  return localeString(date, { dateStyle: "medium" });
}
