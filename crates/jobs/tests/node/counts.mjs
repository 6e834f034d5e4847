// Prints Node BullMQ's view of a queue: getJobCounts() and the state of one job.
// usage: node counts.mjs <redisUrl> <prefix> <queue> [jobId]
import { Queue } from "bullmq";

const [redisUrl, prefix, queueName, jobId] = process.argv.slice(2);
const queue = new Queue(queueName, { connection: { url: redisUrl }, prefix });
const counts = await queue.getJobCounts();
let job = null;
if (jobId) {
  const j = await queue.getJob(jobId);
  job = j ? { id: j.id, name: j.name, data: j.data, state: await j.getState(), attemptsMade: j.attemptsMade } : null;
}
console.log(JSON.stringify({ counts, job }));
await queue.close();
