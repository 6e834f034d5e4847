// Load for the real-time benchmark: SOCKETS official socket.io-client connections in
// SOCKETS/2 rooms (two per room), each sending RATE relay messages per second to its room
// for SECONDS; every delivery's latency is measured from the sender's timestamp (same
// machine, same clock). Prints one JSON line: connect time, deliveries per second, p50/p99
// latency, and the server's resident memory before and after the sockets connected.
// usage: node load.mjs <url> <server pid> [sockets=2000] [rate=2] [seconds=20]
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

const [url, pid, socketsArg, rateArg, secondsArg] = process.argv.slice(2);
const SOCKETS = Number(socketsArg || 2000);
const RATE = Number(rateArg || 2);
const SECONDS = Number(secondsArg || 20);
const rssKiB = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);

const rssBefore = rssKiB();
const latencies = [];
let delivered = 0;
let measuring = false;
const started = Date.now();
const sockets = [];
const BATCH = 100; // connect in batches so the handshakes do not all time out at once
for (let i = 0; i < SOCKETS; i += BATCH) {
  const batch = [];
  for (let j = i; j < Math.min(i + BATCH, SOCKETS); j++) {
    const s = io(url, { transports: ["websocket"], reconnection: false, timeout: 20000 });
    s.on("relay", (msg) => {
      if (!measuring) return;
      delivered++;
      latencies.push(performance.now() - msg.t);
    });
    batch.push(
      new Promise((resolve, reject) => {
        s.on("connect", resolve);
        s.on("connect_error", reject);
      }).then(() => s.timeout(20000).emitWithAck("join", { room: `room-${Math.floor(j / 2)}` })),
    );
    sockets.push(s);
  }
  await Promise.all(batch);
}
const connectMs = Date.now() - started;
await new Promise((r) => setTimeout(r, 1000));
const rssConnected = rssKiB();

measuring = true;
const payload = "x".repeat(64);
const interval = 1000 / RATE;
const timers = sockets.map((s, j) =>
  setTimeout(() => {
    const room = `room-${Math.floor(j / 2)}`;
    s.timer = setInterval(() => s.emit("relay", { room, t: performance.now(), payload }), interval);
  }, Math.random() * interval),
);
const t0 = performance.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
timers.forEach(clearTimeout);
sockets.forEach((s) => clearInterval(s.timer));
sockets.forEach((s) => s.disconnect());

latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? null;
console.log(
  JSON.stringify({
    sockets: SOCKETS,
    rooms: SOCKETS / 2,
    offered_per_sec: SOCKETS * RATE,
    delivered_per_sec: Math.round(delivered / elapsed),
    p50_ms: q(0.5) && Number(q(0.5).toFixed(2)),
    p99_ms: q(0.99) && Number(q(0.99).toFixed(2)),
    connect_ms: connectMs,
    rss_idle_mib: Number((rssBefore / 1024).toFixed(1)),
    rss_connected_mib: Number((rssConnected / 1024).toFixed(1)),
    rss_per_1000_sockets_mib: Number((((rssConnected - rssBefore) / 1024) * (1000 / SOCKETS)).toFixed(1)),
  }),
);
process.exit(0);
