/* The chat on any page (docs/embed.md): the snippet a host site pastes.
 *
 *   <script src="https://chat.example.com/static/chat/embed.js" data-room="lobby"
 *           data-integration="PUBLIC_ID" async></script>
 *
 * Optional: data-token (the host's signed token for its member), data-layout="inline" (the
 * default: a box where the script is, or in the element whose id data-target names) or "tab"
 * (a "Chat" button at the bottom right that opens a panel), data-accent="#rrggbb",
 * data-scheme="auto|light|dark", data-density="cozy|compact", data-title="show|hide",
 * data-height (the inline box's, default 520px).
 *
 * It runs on the host's page: a classic script that leaves no global behind, assumes nothing
 * of the host's CSS (every style it needs is set on its own elements, through element.style,
 * never a style attribute, so a host's Content-Security-Policy without 'unsafe-inline' styles
 * does not stop it), and talks to the chat only through the frame. The token goes in the
 * frame's fragment: no request, log line or Referer carries it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var data = script.dataset;
  var chatOrigin = new URL(script.src).origin;
  if (!data.room || !data.integration) {
    if (window.console) window.console.warn("chat embed: data-room and data-integration are needed");
    return;
  }

  // The page is outside the chat's translations (Django's catalog is for its own pages), so
  // the few words the host's page shows are here, in English and Chinese, chosen by the
  // host page's lang.
  var WORDS = {
    en: { chat: "Chat", close: "Close the chat" },
    zh: { chat: "聊天", close: "关闭聊天" }
  };
  var lang = (document.documentElement.lang || navigator.language || "en").toLowerCase();
  var words = lang.indexOf("zh") === 0 ? WORDS.zh : WORDS.en;

  var HEX = /^#[0-9a-fA-F]{6}$/;
  var accent = HEX.test(data.accent || "") ? data.accent : "#5048e5";

  function textOn(colour) {
    // Black or white, whichever reads better (WCAG's luminance, as the chat computes it).
    var channels = [1, 3, 5].map(function (start) {
      var value = parseInt(colour.slice(start, start + 2), 16) / 255;
      return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
    });
    var light = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return 1.05 / (light + 0.05) >= (light + 0.05) / 0.05 ? "#ffffff" : "#000000";
  }

  // The frame's ticket, kept in this page's session storage: a frame of another site may not
  // keep anything where third-party cookies are blocked, so the chat's page hands its ticket
  // here (static/chat/embed_session.js) and gets it back in the next frame's fragment, and the
  // visitor stays signed in across reloads of this page. One key per chat, integration, room.
  var storageKey = "chat-embed:" + chatOrigin + ":" + data.integration + ":" + data.room;

  function keptTicket() {
    try {
      return window.sessionStorage.getItem(storageKey) || "";
    } catch (error) {
      return "";
    }
  }

  function keepTicket(ticket) {
    try {
      if (ticket) window.sessionStorage.setItem(storageKey, ticket);
      else window.sessionStorage.removeItem(storageKey);
    } catch (error) {
      // not kept: the next visit signs in again
    }
  }

  var frames = [];
  window.addEventListener("message", function (event) {
    if (event.origin !== chatOrigin) return;
    var ours = frames.some(function (iframe) { return event.source === iframe.contentWindow; });
    var message = event.data;
    if (!ours || !message || message.type !== "chat-embed:ticket") return;
    keepTicket(typeof message.ticket === "string" ? message.ticket : "");
  });

  function frameAddress() {
    var url = new URL("/embed/" + encodeURIComponent(data.room) + "/", chatOrigin);
    url.searchParams.set("integration", data.integration);
    var asked = { accent: data.accent, scheme: data.scheme, density: data.density, title: data.title };
    Object.keys(asked).forEach(function (name) {
      if (asked[name]) url.searchParams.set(name, asked[name]); // the chat keeps safe values only
    });
    var fragment = new URLSearchParams();
    if (data.token) fragment.set("token", data.token);
    if (keptTicket()) fragment.set("ticket", keptTicket());
    if (fragment.toString()) url.hash = fragment.toString();
    return url.href;
  }

  function frame() {
    var iframe = document.createElement("iframe");
    iframe.src = frameAddress();
    iframe.title = words.chat;
    iframe.style.display = "block";
    iframe.style.width = "100%";
    iframe.style.border = "0";
    iframe.style.margin = "0";
    iframe.style.padding = "0";
    iframe.style.background = "transparent";
    frames.push(iframe);
    return iframe;
  }

  function setStyles(element, styles) {
    Object.keys(styles).forEach(function (name) {
      element.style[name] = styles[name];
    });
  }

  // --- inline: a box --------------------------------------------------------------------------

  function inline() {
    var iframe = frame();
    var height = data.height || "520px";
    if (/^\d+$/.test(height)) height += "px";
    iframe.style.height = height;
    iframe.style.maxHeight = "100vh"; // a phone's screen at most
    iframe.style.boxSizing = "border-box";
    iframe.style.borderRadius = "8px";
    iframe.style.border = "1px solid rgba(0, 0, 0, 0.14)";
    var target = data.target ? document.getElementById(data.target) : null;
    if (target) target.appendChild(iframe);
    else script.insertAdjacentElement("afterend", iframe);
  }

  // --- tab: a button at the bottom right and a panel it opens -----------------------------------

  function tab() {
    var id = "chat-embed-panel-" + Math.random().toString(36).slice(2, 10);
    var button = document.createElement("button");
    var panel = document.createElement("div");
    var bar = document.createElement("div");
    var title = document.createElement("span");
    var close = document.createElement("button");
    var iframe = null;
    var narrow = window.matchMedia("(max-width: 600px)");
    var font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'PingFang SC', sans-serif";

    button.type = "button";
    button.textContent = words.chat;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", id);
    setStyles(button, {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000",
      margin: "0", padding: "12px 20px", border: "0", borderRadius: "999px",
      background: accent, color: textOn(accent), font: "600 16px/1.2 " + font,
      boxShadow: "0 4px 16px rgba(0, 0, 0, 0.25)", cursor: "pointer"
    });

    panel.id = id;
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", words.chat);
    setStyles(panel, {
      position: "fixed", zIndex: "2147483001", display: "none", flexDirection: "column",
      overflow: "hidden", background: "#ffffff", boxShadow: "0 8px 32px rgba(0, 0, 0, 0.3)",
      boxSizing: "border-box", margin: "0", padding: "0"
    });
    setStyles(bar, {
      display: "flex", alignItems: "center", justifyContent: "space-between", flex: "none",
      padding: "6px 8px 6px 14px", background: accent, color: textOn(accent), font: "600 15px/1.2 " + font
    });
    title.textContent = words.chat;
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", words.close);
    close.title = words.close;
    setStyles(close, {
      margin: "0", padding: "2px 10px", border: "0", borderRadius: "6px", background: "transparent",
      color: "inherit", font: "400 24px/1 " + font, cursor: "pointer"
    });
    bar.appendChild(title);
    bar.appendChild(close);
    panel.appendChild(bar);

    function place() {
      // A window of its own on a wide screen; the whole screen on a phone.
      var full = narrow.matches;
      setStyles(panel, full
        ? { inset: "0", right: "0", bottom: "0", width: "100%", height: "100%", borderRadius: "0" }
        : { inset: "auto", right: "20px", bottom: "84px", width: "380px", height: "min(600px, calc(100vh - 110px))", borderRadius: "12px" });
    }

    function open() {
      if (!iframe) {
        iframe = frame(); // made on the first open only: a closed tab loads nothing
        iframe.style.flex = "1";
        iframe.style.minHeight = "0";
        iframe.style.height = "auto";
        panel.appendChild(iframe);
      }
      place();
      panel.hidden = false;
      panel.style.display = "flex";
      button.setAttribute("aria-expanded", "true");
      button.style.display = narrow.matches ? "none" : "block";
      iframe.focus();
    }

    function shut() {
      if (panel.hidden) return;
      panel.hidden = true;
      panel.style.display = "none";
      button.setAttribute("aria-expanded", "false");
      button.style.display = "block";
      button.focus();
    }

    button.addEventListener("click", function () {
      if (panel.hidden) open();
      else shut();
    });
    close.addEventListener("click", shut);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) shut();
    });
    // Escape pressed inside the frame, which the host page does not hear itself: the chat's
    // page tells it (static/chat/embed_session.js), when nothing there used the key.
    window.addEventListener("message", function (event) {
      if (!iframe || event.source !== iframe.contentWindow || event.origin !== chatOrigin) return;
      if (event.data && event.data.type === "chat-embed:escape") shut();
    });
    if (narrow.addEventListener) narrow.addEventListener("change", function () {
      if (!panel.hidden) open();
    });

    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  function start() {
    if (data.layout === "tab") tab();
    else inline();
  }

  // The tab goes at the end of <body>, the box into data-target's element: both may not be
  // there yet when the script runs early (async, in <head>).
  var waits = data.layout === "tab" ? !document.body : data.target && !document.getElementById(data.target);
  if (waits && document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
