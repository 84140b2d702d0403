// The legacy page's whole client: the PHP chat room's protocol (docs/legacy.md).
// A site moving to this server changes only SERVER_URL in its own copy of such a page.
(function () {
  "use strict";

  const SERVER_URL = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/";
  const RECONNECT_DELAY_MS = 1000;
  const RECONNECT_DELAY_MAX_MS = 30000;
  const CLOSE_ROOM_NOT_FOUND = 4404;

  function hex8() {
    const bytes = crypto.getRandomValues(new Uint8Array(4));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("").toUpperCase();
  }

  // Invented once per page load and kept across reconnects, as the old page does.
  const me = {
    name: "user" + hex8(),
    headerimg: "img/a" + (1 + crypto.getRandomValues(new Uint8Array(1))[0] % 12) + ".jpg",
  };

  const status = document.getElementById("status");
  const messages = document.getElementById("messages");
  const users = document.getElementById("users");
  const onlineCount = document.getElementById("online-count");
  const composer = document.getElementById("composer");
  const input = document.getElementById("input");
  let socket = null;
  let phase = "connecting"; // of the current socket: "connecting", "shaken", "in"
  let attempt = 0; // reconnects since the last successful login

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = state;
  }

  // Only http(s) addresses become image sources; anything else is left out.
  function avatar(url) {
    const img = document.createElement("img");
    img.className = "avatar";
    img.alt = "";
    if (/^https?:\/\//.test(url) || /^\/[^/]/.test(url)) img.src = url;
    return img;
  }

  function span(className, text) {
    const node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function append(item) {
    messages.append(item);
    messages.scrollTop = messages.scrollHeight;
  }

  function systemLine(text) {
    const item = document.createElement("li");
    item.className = "system";
    item.textContent = text;
    append(item);
  }

  function showUsers(list) {
    users.replaceChildren(
      ...list.map((entry) => {
        const item = document.createElement("li");
        item.append(avatar(entry.headerimg), span("name", entry.username), span("time", entry.login_time));
        return item;
      }),
    );
    onlineCount.textContent = String(list.length);
  }

  function showMessage(frame) {
    const item = document.createElement("li");
    item.className = frame.from === me.name ? "message mine" : "message";
    const text = document.createElement("div");
    text.append(span("author", frame.from), " ", span("time", frame.create_time), document.createElement("br"), span("body", frame.msg));
    item.append(avatar(frame.headerimg), text);
    append(item);
  }

  // One handler per frame type the page knows; anything else is ignored.
  const handlers = {
    handShake() {
      phase = "shaken";
      socket.send(JSON.stringify({ type: "login", msg: me.name, headerimg: me.headerimg }));
    },
    login(frame) {
      if (frame.msg === me.name) {
        phase = "in";
        attempt = 0;
        setStatus("online");
      }
      systemLine(frame.msg + " joined");
      showUsers(frame.user_list || []);
    },
    logout(frame) {
      systemLine(frame.msg + " left");
      showUsers(frame.user_list || []);
    },
    user: showMessage,
    system(frame) {
      systemLine(frame.msg);
      // A refused login: after a drop the server may still hold our old connection
      // for a while, so the name is "in use". Try again later on a new socket.
      if (phase === "shaken") socket.close();
    },
  };

  function connect() {
    phase = "connecting";
    socket = new WebSocket(SERVER_URL);
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && Object.hasOwn(handlers, frame.type)) handlers[frame.type](frame);
    };
    socket.onclose = (event) => {
      if (event.code === CLOSE_ROOM_NOT_FOUND) {
        setStatus("closed");
        return;
      }
      setStatus("reconnecting");
      setTimeout(connect, Math.min(RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS * 2 ** attempt));
      attempt += 1;
    };
  }

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim() || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "user", msg: text }));
    input.value = "";
  });

  document.getElementById("me").textContent = me.name;
  // For tests and curious people: the live socket, to drop it on purpose.
  window.legacyChat = { me, socket: () => socket };
  connect();
})();
