// The official socket.io-client against a Rust test server: `node client.mjs <url> <transports>`
// where transports is "default" (polling, then the upgrade) or "polling". Prints one JSON
// object with what it saw, then exits.
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const options = mode === "polling" ? { transports: ["polling"] } : {};
const result = {};
const done = (code) => {
  console.log(JSON.stringify(result));
  process.exit(code);
};
setTimeout(() => {
  result.error = "timeout";
  done(1);
}, 8000);

function refused(nsp, auth) {
  return new Promise((resolve) => {
    const s = io(`${url}${nsp}`, { ...options, auth, reconnection: false });
    s.on("connect", () => resolve("connected?!"));
    s.on("connect_error", (e) => {
      s.close();
      resolve(e.message);
    });
  });
}

const socket = io(url, { ...options, auth: { token: "good", user: "u1" } });
const welcome = new Promise((resolve) => socket.on("welcome", resolve));
const answered = new Promise((resolve) => socket.on("answered", resolve));
socket.on("question", (n, ack) => ack(n + 1));
socket.on("connect", async () => {
  result.welcome = await welcome;
  result.echo = await socket.timeout(3000).emitWithAck("echo", { a: 1 }, "two");
  socket.emit("ask");
  result.answered = await answered;
  if (mode !== "polling" && socket.io.engine.transport.name !== "websocket") {
    await new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
  }
  result.transport = socket.io.engine.transport.name;
  result.nowhere = await refused("/nowhere", { token: "good" });
  result.unauthorized = await refused("/", { token: "bad" });
  socket.close();
  done(0);
});
