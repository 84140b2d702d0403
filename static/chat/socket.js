// A WebSocket that reconnects by itself, with exponential backoff and jitter.
//
// States: "connecting" (first attempt), "online" (the server said hello: a frame of
// type `readyType` arrived), "reconnecting" (lost, waiting or retrying), "closed"
// (given up for good, because onClose said so).
//
// The waits suit a chat, where a server is usually back within seconds (a restart, a
// deploy): 0.5 s, 1 s, 2 s, 4 s, then 6 s at most, each ±20 % so that pages spread out.
// `onWait` hears of every wait (`at`: when the next attempt starts) and every attempt
// (`at` null), for a countdown; `reconnectNow()` cuts a wait short.

import { credentialsTicket } from "./credentials.js";

// An embedded room's socket says whose it is with its ticket (chat/sockets/tickets.py).
function withTicket(url) {
  const ticket = credentialsTicket();
  if (!ticket) return url;
  const address = new URL(url, window.location.href);
  address.searchParams.set("ticket", ticket);
  return address.href;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 6_000;
const JITTER = 0.2;
const PING_INTERVAL_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;

export class ReconnectingSocket {
  // `url` may be a function: it is asked again before every attempt (to say what the
  // page already holds).
  constructor(url, { onFrame, onState, onClose, onWait = null, readyType = "welcome" }) {
    this.url = url;
    this.onFrame = onFrame;
    this.onState = onState;
    this.onClose = onClose;
    this.onWait = onWait; // ({at: epoch ms of the next attempt, or null while trying, attempt})
    this.readyType = readyType;
    this.state = "connecting";
    this.attempt = 0; // failed attempts since the last welcome
    this.ws = null;
    this.retryTimer = null;
    this.retryAt = null;
    this.connectTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.stopped = false;
    window.addEventListener("online", () => this.reconnectNow());
    // A laptop waking up, a tab coming back: no reason to wait out the rest of a pause.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reconnectNow();
    });
  }

  start() {
    this.stopped = false;
    this.open();
  }

  // Give up for good: no more reconnects.
  stop(state = "closed") {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
    this.teardown();
    this.setState(state);
  }

  get online() {
    return this.state === "online";
  }

  // Send a frame when online; false when it could not go out now.
  send(frame) {
    if (!this.online || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  // Waiting to reconnect (not trying right now).
  get waiting() {
    return !this.stopped && !this.ws && this.retryTimer !== null;
  }

  // Try at once instead of waiting out the backoff (the browser says the network is back,
  // or the reader asked); false when there is no wait to cut short.
  reconnectNow() {
    if (!this.waiting) return false;
    clearTimeout(this.retryTimer);
    this.open();
    return true;
  }

  open() {
    this.retryTimer = null;
    this.retryAt = null;
    this.onWait?.({ at: null, attempt: this.attempt });
    let ws;
    try {
      ws = new WebSocket(withTicket(typeof this.url === "function" ? this.url() : this.url));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => this.drop(), CONNECT_TIMEOUT_MS);
    ws.addEventListener("message", (event) => this.receive(ws, event));
    ws.addEventListener("close", (event) => this.closed(ws, event.code));
  }

  receive(ws, event) {
    if (ws !== this.ws) return;
    this.armPongTimeout(false);
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    if (frame.type === this.readyType) {
      clearTimeout(this.connectTimer);
      this.attempt = 0; // a successful welcome resets the backoff
      this.setState("online");
      this.startPing();
    }
    this.onFrame(frame);
  }

  closed(ws, code) {
    if (ws !== this.ws) return; // an old socket we already dropped
    this.teardown();
    if (this.stopped) return;
    if (this.onClose && this.onClose(code) === false) {
      this.stop();
      return;
    }
    this.scheduleReconnect();
  }

  // Abandon the current socket (stuck handshake, no pong) and reconnect.
  drop() {
    if (!this.ws) return;
    this.teardown();
    if (!this.stopped) this.scheduleReconnect();
  }

  teardown() {
    clearTimeout(this.connectTimer);
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      try {
        ws.close();
      } catch {
        // already closing
      }
    }
  }

  scheduleReconnect() {
    this.setState("reconnecting");
    const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    const delay = base * (1 - JITTER + Math.random() * 2 * JITTER);
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => this.open(), delay);
    this.onWait?.({ at: this.retryAt, attempt: this.attempt });
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (this.send({ type: "ping" })) this.armPongTimeout(true);
    }, PING_INTERVAL_MS);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.armPongTimeout(false);
  }

  // After a ping, any frame within PONG_TIMEOUT_MS proves the socket alive.
  armPongTimeout(arm) {
    clearTimeout(this.pongTimer);
    this.pongTimer = arm ? setTimeout(() => this.drop(), PONG_TIMEOUT_MS) : null;
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.onState(state);
  }
}
