// A WebSocket that reconnects by itself, with exponential backoff and jitter.
//
// States: "connecting" (first attempt), "online" (the server said hello: a frame of
// type `readyType` arrived), "reconnecting" (lost, waiting or retrying), "closed"
// (given up for good, because onClose said so).

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const PING_INTERVAL_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;

export class ReconnectingSocket {
  // `url` may be a function: it is asked again before every attempt (to say what the
  // page already holds).
  constructor(url, { onFrame, onState, onClose, readyType = "welcome" }) {
    this.url = url;
    this.onFrame = onFrame;
    this.onState = onState;
    this.onClose = onClose;
    this.readyType = readyType;
    this.state = "connecting";
    this.attempt = 0; // failed attempts since the last welcome
    this.ws = null;
    this.retryTimer = null;
    this.connectTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.stopped = false;
    window.addEventListener("online", () => this.reconnectNow());
  }

  start() {
    this.stopped = false;
    this.open();
  }

  // Give up for good: no more reconnects.
  stop(state = "closed") {
    this.stopped = true;
    clearTimeout(this.retryTimer);
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

  // The browser says the network is back: try at once instead of waiting out the backoff.
  reconnectNow() {
    if (this.stopped || this.ws || this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  open() {
    this.retryTimer = null;
    let ws;
    try {
      ws = new WebSocket(typeof this.url === "function" ? this.url() : this.url);
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
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 16);
    // Jitter: somewhere between half and all of the ceiling, so clients spread out.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = setTimeout(() => this.open(), delay);
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
