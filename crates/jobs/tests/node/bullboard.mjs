// Bull Board (npm @bull-board/api, the seed's /admin/queues) pointed at the same Redis and
// prefix: builds a board over the given queues and answers its own GET /api/queues, the
// request its UI makes, with one queue active. Prints the response body as JSON.
// usage: node bullboard.mjs <redisUrl> <prefix> <activeQueue> <status> <queue>...
import { Queue } from "bullmq";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";

const [redisUrl, prefix, activeQueue, status, ...names] = process.argv.slice(2);
const queues = names.map((name) => new Queue(name, { connection: { url: redisUrl }, prefix }));

// a server adapter that only keeps what the board hands it (no HTTP server needed)
const captured = {};
const serverAdapter = {
  setQueues(q) { captured.queues = q; return this; },
  setViewsPath() { return this; },
  setStaticPath() { return this; },
  setEntryRoute() { return this; },
  setErrorHandler() { return this; },
  setApiRoutes(routes) { captured.routes = routes; return this; },
  setUIConfig(config) { captured.uiConfig = config; return this; },
};
createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
const route = captured.routes.find((r) => r.route === "/api/queues" && r.method === "get");
const res = await route.handler({
  queues: captured.queues,
  uiConfig: captured.uiConfig,
  query: { activeQueue, status, page: "1", jobsPerPage: "50" },
  params: {},
  body: {},
  headers: {},
});
console.log(JSON.stringify(res));
await Promise.all(queues.map((q) => q.close()));
