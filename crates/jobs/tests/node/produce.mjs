// Adds one job with Node's BullMQ, as the Express monolith's producers do.
// usage: node produce.mjs <redisUrl> <prefix> <queue> <jobName> <jsonData>
import { Queue } from "bullmq";

const [redisUrl, prefix, queueName, jobName, data] = process.argv.slice(2);
const queue = new Queue(queueName, { connection: { url: redisUrl }, prefix });
const job = await queue.add(jobName, JSON.parse(data), { attempts: 3, backoff: { type: "exponential", delay: 1000 } });
console.log(JSON.stringify({ id: job.id }));
await queue.close();
