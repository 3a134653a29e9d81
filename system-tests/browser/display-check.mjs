// Drives the waiting-room display page in headless Chromium for system-tests DisplayPageIT.
// Usage: node display-check.mjs <page URL with #token=...> <screenshot.png>
// Prints "READY <version>" once the page shows a snapshot, then obeys stdin lines:
//   EXPECT <ticket> <stationId> <timeoutMs>  -> "CHANGED <ms>" when the page shows that call, else "TIMEOUT <state>"
//   SHOT                                    -> saves the screenshot, "SHOT <path>"
//   QUIT
import puppeteer from "puppeteer-core";
import { createInterface } from "node:readline";

const [pageUrl, screenshot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await puppeteer.launch({
  executablePath, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,900"],
  defaultViewport: { width: 1600, height: 900 },
});
const out = (line) => process.stdout.write(line + "\n");
try {
  const page = await browser.newPage();
  page.on("console", (m) => process.stderr.write("page console: " + m.text() + "\n"));
  page.on("pageerror", (e) => process.stderr.write("page error: " + e.message + "\n"));
  await page.goto(pageUrl, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => document.body.dataset.version, { timeout: 15000 });
  out("READY " + await page.evaluate(() => document.body.dataset.version));
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, ...args] = line.trim().split(/\s+/);
    if (command === "EXPECT") {
      const [ticket, station, timeout] = args;
      const started = Date.now();
      try {
        await page.waitForFunction((t, s) => !!document.querySelector(`.call[data-ticket="${t}"][data-station="${s}"]`),
          { timeout: Number(timeout), polling: "mutation" }, ticket, station);
        out("CHANGED " + (Date.now() - started));
      } catch (e) {
        out("TIMEOUT " + await page.evaluate(() => document.body.dataset.connection + " v" + document.body.dataset.version));
      }
    } else if (command === "SHOT") {
      await page.screenshot({ path: screenshot });
      out("SHOT " + screenshot);
    } else if (command === "QUIT") {
      break;
    }
  }
} finally {
  await browser.close();
}
