// Who the page's requests speak for, when it is not the session cookie: an embedded room
// (static/chat/embed_session.js) has no cookie of ours and shows a ticket instead
// (docs/embed.md, "Without third-party cookies"). api.js adds it as X-Chat-Ticket, socket.js
// as ?ticket=. On the full page nothing is set here and both use the cookie as ever.

let ticket = null;
let pending = null;

export function credentialsTicket() {
  return ticket;
}

export function credentialsSetTicket(value) {
  ticket = value || null;
}

// The embed's sign-in, for room.js to await before it opens the socket: a promise of
// {user, expired()} once someone is signed in. Null on the full page.
export function credentialsWaitFor(promise) {
  pending = promise;
}

export function credentialsReady() {
  return pending;
}
