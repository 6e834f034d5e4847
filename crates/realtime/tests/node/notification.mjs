// One signed-in user's socket waiting for an in-app notification: prints `{"ready": id}`
// once connected (it has joined its user room by then), then `{"notification": payload}`
// for the first `notification` event. One JSON object a line.
//
// usage: node notification.mjs '<json {url, token}>'
import { io } from "socket.io-client";

const cfg = JSON.parse(process.argv[2]);
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const socket = io(cfg.url, { auth: { token: cfg.token }, reconnection: false });
socket.on("connect_error", (err) => {
  print({ error: String(err.message) });
  process.exit(1);
});
socket.on("notification", (payload) => {
  print({ notification: payload });
  socket.disconnect();
  process.exit(0);
});
socket.on("connect", () => print({ ready: socket.id }));
setTimeout(() => {
  print({ timeout: true });
  process.exit(1);
}, 30000);
