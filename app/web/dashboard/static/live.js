// Live updates: a small client of the graphql-transport-ws protocol (the one the service
// serves at /graphql), with no library and no outside host, so it works offline.
//
// The protocol: connection_init → connection_ack, then subscribe (one id per
// subscription) → next … / error / complete; ping is answered with pong. A lost
// connection is opened again after a growing pause (1 s, 2 s, 4 s … up to 30 s, with some
// jitter), and `onResumed` says so: whatever happened meanwhile was not heard, so the
// caller reads afresh.

const PROTOCOL = "graphql-transport-ws";
const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30000;

export class LiveConnection {
  // subscriptions: { name: { query, variables } }; handlers: { onEvent(name, data),
  // onState(state), onResumed() }. States: "connecting", "open", "waiting".
  constructor(path, subscriptions, handlers) {
    this.url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
    this.subscriptions = subscriptions;
    this.handlers = handlers;
    this.pause = FIRST_PAUSE_MS;
    this.opened = false; // whether a connection was ever acknowledged
    this.socket = null;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close(1000, "done");
  }

  connect() {
    this.handlers.onState?.("connecting");
    const socket = new WebSocket(this.url, PROTOCOL);
    this.socket = socket;
    const names = Object.keys(this.subscriptions);
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame.type === "connection_ack") {
        names.forEach((name, index) => {
          const { query, variables = {} } = this.subscriptions[name];
          socket.send(
            JSON.stringify({ id: String(index + 1), type: "subscribe", payload: { query, variables } }),
          );
        });
        this.pause = FIRST_PAUSE_MS;
        const resumed = this.opened;
        this.opened = true;
        this.handlers.onState?.("open");
        if (resumed) this.handlers.onResumed?.();
      } else if (frame.type === "next") {
        const name = names[Number(frame.id) - 1];
        if (name && frame.payload?.data) this.handlers.onEvent(name, frame.payload.data[name]);
      } else if (frame.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.handlers.onState?.("waiting");
      const jitter = 0.8 + Math.random() * 0.4;
      this.timer = setTimeout(() => this.connect(), this.pause * jitter);
      this.pause = Math.min(this.pause * 2, LONGEST_PAUSE_MS);
    });
  }
}
