// Drives the queue dashboard in headless Chromium (Debian's `chromium`, through playwright-core):
// types a wrong password, then signs in with email and password, reads the overview, opens a
// queue's failed jobs and clicks Retry.
// usage: node dashboard.mjs <baseUrl> <email> <password> <queue> <jobId> [screenshotDir]
// Prints JSON describing what the browser saw.
import { chromium } from "playwright-core";

const [base, email, password, queue, jobId, shots] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
});
const out = {};
const page = await browser.newPage();
try {
  const first = await page.goto(`${base}/admin/queues`);
  out.signInStatus = first.status();
  out.signInFormVisible = (await page.isVisible("#email")) && (await page.isVisible("#password"));
  out.platformPrefilled = await page.inputValue("#platform");
  if (shots) await page.screenshot({ path: `${shots}/sign-in.png`, fullPage: true });

  await page.fill("#email", email);
  await page.fill("#password", `${password}-wrong`);
  const [wrong] = await Promise.all([page.waitForNavigation(), page.click("#sign-in")]);
  out.wrongPasswordStatus = wrong.status();
  out.wrongPasswordError = await page.textContent("#sign-in-error");

  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("#sign-in")]);
  out.overviewUrl = new URL(page.url()).pathname;
  out.overviewTitle = await page.title();
  out.queues = await page.$$eval("#queues tbody tr", (rows) => rows.map((r) => r.dataset.queue));
  out.failedCell = await page.textContent(`#queues tr[data-queue="${queue}"] td:nth-child(7)`);
  if (shots) await page.screenshot({ path: `${shots}/overview.png`, fullPage: true });

  await page.click(`#queues tr[data-queue="${queue}"] td:nth-child(7) a`);
  await page.waitForSelector("#jobs");
  out.failedJobs = await page.$$eval("#jobs tbody tr", (rows) => rows.map((r) => r.dataset.job));
  out.errorShown = await page.textContent(`#jobs tr[data-job="${jobId}"] td.failed`);
  out.dataShown = await page.textContent(`#jobs tr[data-job="${jobId}"] pre`);
  if (shots) await page.screenshot({ path: `${shots}/failed.png`, fullPage: true });

  await Promise.all([page.waitForNavigation(), page.click(`#retry-${jobId}`)]);
  out.flash = await page.textContent("#flash");
  out.failedJobsAfter = await page.$$eval("#jobs tbody tr", (rows) => rows.map((r) => r.dataset.job));
  if (shots) await page.screenshot({ path: `${shots}/after-retry.png`, fullPage: true });
} catch (err) {
  console.error(`at ${page.url()}:\n${await page.content()}`);
  throw err;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
