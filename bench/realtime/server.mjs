// The Node side of the real-time benchmark: socket.io v4 with its default (in-memory)
// adapter and the same relay logic as crates/realtime/examples/bench_server.rs.
// usage: PORT=3200 node server.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT || 3200);
const http = createServer();
const io = new Server(http, { cors: { origin: "*" } });
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
  console.log(`node socket.io relay on http://127.0.0.1:${port}/socket.io/ (pid ${process.pid})`);
});
