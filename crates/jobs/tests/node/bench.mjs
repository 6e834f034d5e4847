// Node BullMQ side of bench/jobs-throughput.sh: enqueue N no-op jobs with addBulk (batches of
// 1,000, the same options the Rust side uses), then process them with a Worker of the given
// concurrency; print the rates as JSON.
// usage: node bench.mjs <redisUrl> <prefix> <count> <concurrency>
import { Queue, Worker } from "bullmq";

const [redisUrl, prefix, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const connection = { url: redisUrl };
const name = "cleanupQueue";
const opts = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
};

const queue = new Queue(name, { connection, prefix });
const started = performance.now();
for (let i = 0; i < count; i += 1000) {
  const batch = [];
  for (let n = i; n < Math.min(i + 1000, count); n++) {
    batch.push({ name: "noop", data: { platform: "mr-mentor", n }, opts });
  }
  await queue.addBulk(batch);
}
const enqueued = performance.now() - started;

let done = 0;
let finish;
const allDone = new Promise((resolve) => (finish = resolve));
const processing = performance.now();
const worker = new Worker(
  name,
  async () => {
    done += 1;
    if (done === count) finish();
    return { ok: true };
  },
  { connection, prefix, concurrency },
);
await allDone;
const processed = performance.now() - processing;
const total = performance.now() - started;
await worker.close();
await queue.close();
const rate = (ms) => count / (ms / 1000);
console.log(
  JSON.stringify({
    worker: "node",
    jobs: count,
    concurrency,
    enqueue_secs: enqueued / 1000,
    process_secs: processed / 1000,
    total_secs: total / 1000,
    enqueue_per_sec: rate(enqueued),
    process_per_sec: rate(processed),
    end_to_end_per_sec: rate(total),
  }),
);
