// Binary Socket.IO packets between official clients through a Rust test server:
// `node binary.mjs <sender url> <receiver url> <polling|websocket>` (two URLs: two nodes
// sharing Redis, or the same one twice). Prints one JSON object with what it saw, then exits.
//
// - relay: the sender emits `file` ({name, data: Buffer}, Buffer); the server relays it to
//   the room; the receiver checks every byte;
// - echo: a binary argument comes back in the server's ack (BINARY_ACK to the client);
// - ask: the server asks with `need-bytes`, the client acks with a Buffer (BINARY_ACK to the
//   server), the server tells what it got;
// - tooMany / tooLarge: a fresh connection emits 11 attachments, or two of 600 kB (over the
//   1 MB maxPayload together); the server closes it: the disconnect reason.
import { io } from "socket.io-client";

const [senderUrl, receiverUrl, mode] = process.argv.slice(2);
const options = { transports: [mode], forceNew: true, reconnection: false };
const result = {};
const done = (code) => {
  console.log(JSON.stringify(result));
  process.exit(code);
};
setTimeout(() => {
  result.error = "timeout";
  done(1);
}, 20000);

/** n bytes, every value 0..255 present once n >= 256 */
const pattern = (n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff));
const same = (buf, n) => Buffer.isBuffer(buf) && buf.equals(pattern(n));

function connect(url) {
  const socket = io(url, options);
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", reject);
  });
}

async function refused(...args) {
  const socket = await connect(senderUrl);
  const reason = new Promise((resolve) => socket.on("disconnect", resolve));
  socket.emit("file", ...args);
  return reason;
}

const receiver = await connect(receiverUrl);
const relayed = new Promise((resolve) => receiver.on("file", (...args) => resolve(args)));
await receiver.timeout(5000).emitWithAck("join", "files");
const sender = await connect(senderUrl);
sender.on("file", () => (result.senderGotItsOwnFile = true));
await sender.timeout(5000).emitWithAck("join", "files");

const FILE = 100_000;
sender.emit("file", { name: "a.bin", data: pattern(FILE) }, Buffer.from([1, 2, 3]));
const [meta, small] = await relayed;
result.relay = {
  name: meta.name,
  length: meta.data.length,
  intact: same(meta.data, FILE),
  small: [...small],
  transport: receiver.io.engine.transport.name,
};

const echoed = await sender.timeout(5000).emitWithAck("echo", { name: "ack", data: pattern(5000) });
result.echo = { name: echoed.name, intact: same(echoed.data, 5000) };

sender.on("need-bytes", (n, ack) => ack(pattern(n)));
const got = new Promise((resolve) => sender.on("got", resolve));
sender.emit("ask", 3000);
result.ask = await got;

result.tooMany = await refused(...Array.from({ length: 11 }, () => Buffer.from([9])));
result.tooLarge = await refused(pattern(600_000), pattern(600_000));
result.receiverStillConnected = receiver.connected;
receiver.close();
sender.close();
done(0);
