// The page's transport: the engine's websocket wrapped as an anywidget-like model.
import widget from "./playground.js";

const FALLBACK_RECONNECTING = "Connection lost — reconnecting…";

function decodeState(hash) {
  const m = /(?:^#|&)s=([^&]+)/.exec(hash || "");
  if (!m) return null;
  try {
    let b64 = m[1].replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    console.warn("playground: the link's state could not be read", err);
    return null;
  }
}

function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function makeModel() {
  const listeners = [];
  const queue = [];
  let socket = null;
  let session = null;
  let lang = null;
  let lastState = null;
  let words = {};
  let everOpened = false;
  let retry = 0;
  const notice = document.getElementById("pl-notice");

  function showNotice(on) {
    if (!notice) return;
    notice.textContent = on ? words.reconnecting || FALLBACK_RECONNECTING : "";
    notice.hidden = !on;
  }

  function deliver(msg) {
    const type = msg.type || msg.kind;
    if ((type === "hello" || (!type && msg.session && msg.options)) && msg.session) session = msg.session;
    if (msg.words && typeof msg.words === "object") words = msg.words;
    if (msg.lang) lang = msg.lang;
    if (msg.state) lastState = msg.state;
    for (const cb of listeners.slice()) {
      try {
        cb(msg);
      } catch (err) {
        console.error(err);
      }
    }
  }

  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retry = 0;
      if (everOpened) {
        // a dropped socket: the same tab, the same session (or its state, should it have expired)
        queue.unshift({ op: "hello", lang, state: lastState, session });
      }
      everOpened = true;
      showNotice(false);
      while (queue.length && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(queue.shift()));
    });
    socket.addEventListener("message", (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (err) {
        console.warn("playground: a message that is not JSON", err);
        return;
      }
      deliver(msg);
    });
    socket.addEventListener("close", () => {
      showNotice(true);
      retry += 1;
      setTimeout(connect, Math.min(5000, 300 * 2 ** Math.min(retry, 4)));
    });
  }

  const model = {
    send(obj) {
      if (obj && obj.op === "hello") {
        if (obj.session == null && session) obj = { ...obj, session };
        if (obj.lang) lang = obj.lang;
      }
      if (obj && obj.op === "lang") lang = obj.lang;
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(obj));
      else queue.push(obj);
    },
    on(name, cb) {
      if (name === "msg:custom") listeners.push(cb);
    },
    off(name, cb) {
      const i = listeners.indexOf(cb);
      if (i >= 0) listeners.splice(i, 1);
    },
    initialState: decodeState(location.hash),
    onState(state) {
      if (!state) return;
      try {
        history.replaceState(null, "", "#s=" + encodeState(state));
      } catch (err) {
        console.warn("playground: the link could not be updated", err);
      }
    },
    link() {
      return location.href;
    },
    page: true,
  };
  connect();
  return model;
}

const el = document.getElementById("app");
widget.render({ model: makeModel(), el });
