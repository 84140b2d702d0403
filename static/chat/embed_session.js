// The embedded room's sign-in (docs/embed.md, "Signing in without third-party cookies").
// Loaded by templates/chat/embed.html only, before room.js, which awaits it (credentials.js).
//
// The host's token comes in the frame's fragment (#token=…), which no request and no Referer
// carries; it is taken out of the address at once and swapped at POST /embed/sign-in/ for a
// ticket. The ticket lives in memory and is renewed every hour. To outlast a reload it is
// kept where the browser allows: this frame's session storage (refused to a third-party frame
// where third-party cookies are blocked), and the host page's, through its snippet
// (static/chat/embed.js), which hands it back in the next frame's fragment (#ticket=…).
// Without a token: that ticket, else the guest form, else "sign in on the site".
// gettext comes from Django's JavaScript catalog (jsi18n).

import { credentialsSetTicket, credentialsTicket, credentialsWaitFor } from "./credentials.js";

const RENEW_MS = 60 * 60 * 1000;

const gate = document.getElementById("embed");
const status = document.getElementById("embed-status");
const guestForm = document.getElementById("embed-guest");
const membersOnly = document.getElementById("embed-members-only");
const layout = document.getElementById("room-layout");
const openForm = document.getElementById("embed-open");
const { integration, room, accent, accentText } = gate.dataset;
const storageKey = `chat.embed.${integration}.${room}`;

// --- the theme's accent: a value, so not a class; element.style is allowed by the policy ---

if (accent) {
  document.body.style.setProperty("--embed-accent", accent);
  document.body.style.setProperty("--embed-accent-text", accentText || "#ffffff");
}

// --- what is kept: session storage may be refused (a browser's strictest settings) ---------

function stored() {
  try {
    return JSON.parse(window.sessionStorage.getItem(storageKey) || "null");
  } catch {
    return null;
  }
}

function store(value) {
  try {
    if (value) window.sessionStorage.setItem(storageKey, JSON.stringify(value));
    else window.sessionStorage.removeItem(storageKey);
  } catch {
    // Refused here: the host page keeps it (below).
  }
  // Only a page of the integration's origins can be our parent (frame-ancestors), so "*"
  // reaches no one else; the snippet checks the message comes from its own frame.
  if (window.parent !== window) {
    window.parent.postMessage({ type: "chat-embed:ticket", ticket: value ? value.ticket : null }, "*");
  }
}

// --- the calls ------------------------------------------------------------------------------

class Refusal extends Error {
  constructor(detail, code, field = "") {
    super(detail);
    this.code = code;
    this.field = field;
  }
}

async function post(path, body, ticket = null) {
  const headers = { Accept: "application/json", "Content-Type": "application/json" };
  if (ticket) headers["X-Chat-Ticket"] = ticket;
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      credentials: "omit", // no cookie of ours here: the token or the ticket says who
      headers,
      body: JSON.stringify(body),
    });
  } catch {
    throw new Refusal(gettext("The server could not be reached. Check your connection."), "network");
  }
  const data = await response.json().catch(() => null);
  if (response.ok && data?.ticket) return data;
  const error = data?.error ?? {};
  throw new Refusal(error.detail || gettext("Something went wrong. Try again."), error.code || "", error.field || "");
}

// --- signed in ------------------------------------------------------------------------------

let renewTimer = null;

function signedIn(answer) {
  credentialsSetTicket(answer.ticket);
  store({ ticket: answer.ticket, user: answer.user });
  const field = openForm?.querySelector("input[name=ticket]");
  if (field) field.value = answer.ticket;
  clearTimeout(renewTimer);
  renewTimer = setTimeout(renew, RENEW_MS);
  gate.hidden = true;
  layout.inert = false;
  return { user: answer.user, expired };
}

async function renew() {
  const ticket = credentialsTicket();
  if (!ticket) return;
  try {
    signedIn(await post("/embed/ticket/", {}, ticket));
  } catch (error) {
    if (error.code !== "network") return; // the socket's 4401 says when it is over
    renewTimer = setTimeout(renew, 60 * 1000);
  }
}

// The ticket is no good any more (room.js heard 4401): forget it and start again.
function expired() {
  store(null);
  credentialsSetTicket(null);
  window.location.reload();
}

function say(text) {
  status.textContent = text;
  status.hidden = !text;
}

// --- the guest form (templates/chat/embed.html, as /join/'s) --------------------------------

function fieldErrorsClear() {
  guestForm.querySelectorAll(".embed-field-error").forEach((node) => node.remove());
  guestForm.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  guestForm.querySelector(".embed-guest-error").hidden = true;
}

function fieldError(name, text) {
  const input = guestForm.querySelector(`[name="${CSS.escape(name)}"]`);
  const place = input?.closest(".field");
  if (!place) {
    const general = guestForm.querySelector(".embed-guest-error");
    general.textContent = text;
    general.hidden = false;
    return;
  }
  const list = document.createElement("ul");
  list.className = "errorlist embed-field-error";
  list.id = `embed-error-${name}`;
  list.setAttribute("role", "alert");
  const item = document.createElement("li");
  item.textContent = text;
  list.append(item);
  place.append(list);
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", list.id);
  input.focus();
}

function guestJoin() {
  return new Promise((resolve) => {
    guestForm.hidden = false;
    guestForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      fieldErrorsClear();
      const fields = Object.fromEntries(new FormData(guestForm));
      const button = guestForm.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        resolve(signedIn(await post(`/embed/${encodeURIComponent(room)}/guest/`, { integration, ...fields })));
      } catch (error) {
        fieldError(error.field || "", error.message);
      } finally {
        button.disabled = false;
      }
    });
    guestForm.querySelector("input[name=nickname]")?.focus({ preventScroll: true });
  });
}

// --- Escape, for the host page's floating tab (static/chat/embed.js), which cannot hear keys
// pressed in here: told only when nothing of the room used the key (a dialog, a list, a menu).

function somethingOpen() {
  try {
    if (document.querySelector(":popover-open")) return true;
  } catch {
    // a browser without popovers has none open
  }
  return document.querySelector("dialog[open]") !== null || layout.dataset.sidebar === "open";
}

if (window.parent !== window) {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || somethingOpen()) return;
    // Nothing secret in it; the host checks it comes from this frame.
    window.parent.postMessage({ type: "chat-embed:escape" }, "*");
  });
}

// --- in order: the host's token, the ticket kept from before, a guest, or nobody ------------

async function start() {
  layout.inert = true;
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get("token");
  const handedBack = fragment.get("ticket"); // kept by the host page since the last visit
  if (fragment.has("token") || fragment.has("ticket")) {
    // Out of the address at once: not in the history, not copied with the link.
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  if (token) {
    say(gettext("Signing you in…"));
    try {
      return signedIn(await post("/embed/sign-in/", { token }));
    } catch (error) {
      // Banned, an expired token…: the server's words. Not the ticket of an earlier visit:
      // the host says who this is, and it is not them.
      store(null);
      say(error.message);
      return guestForm ? guestJoin() : new Promise(() => {});
    }
  }
  const kept = stored();
  if (kept?.ticket && kept?.user) {
    credentialsSetTicket(kept.ticket);
    renew(); // a fresh one, in the background; the socket says if this one is refused
    return signedIn(kept);
  }
  if (handedBack) {
    try {
      return signedIn(await post("/embed/ticket/", {}, handedBack)); // a fresh one, and who
    } catch {
      store(null); // run out, or its person is gone: as if never signed in
    }
  }
  if (guestForm) return guestJoin();
  membersOnly.hidden = false;
  return new Promise(() => {}); // nobody to sign in: the room stays closed
}

credentialsWaitFor(start());
