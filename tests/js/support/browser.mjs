// Headless Debian Chromium through playwright-core (no browser download). The flags keep
// Chromium off the network this machine does not have.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Opens `url` in a new page and collects console errors and uncaught exceptions. */
export async function openPage(browser, url, { viewport } = {}) {
  const page = await browser.newPage(viewport ? { viewport } : {});
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console.error: ${m.text()}`));
  await page.goto(url);
  return { page, problems };
}
