// The Node side of the real-time benchmark: socket.io v4 with its default (in-memory)
// adapter and the same relay logic as crates/realtime/examples/bench_server.rs. With
// REDIS_URL set, @socket.io/redis-adapter (pub/sub on two node-redis connections, channel
// prefix BENCH_PREFIX, default "bench-node"), so several processes relay to each other.
// usage: PORT=3200 [REDIS_URL=redis://127.0.0.1:6379] node server.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT || 3200);
const http = createServer();
const options = { cors: { origin: "*" } };
if (process.env.REDIS_URL) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const pub = createClient({ url: process.env.REDIS_URL });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  options.adapter = createAdapter(pub, sub, { key: process.env.BENCH_PREFIX || "bench-node" });
}
const io = new Server(http, options);
io.on("connection", (socket) => {
  socket.on("join", (msg, ack) => {
    if (msg && typeof msg.room === "string") socket.join(msg.room);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("relay", (msg) => {
    if (msg && typeof msg.room === "string") socket.to(msg.room).emit("relay", msg);
  });
});
http.listen(port, "127.0.0.1", () => {
  const adapter = process.env.REDIS_URL ? "redis adapter" : "in-memory adapter";
  console.log(`node socket.io relay (${adapter}) on http://127.0.0.1:${port}/socket.io/ (pid ${process.pid})`);
});
