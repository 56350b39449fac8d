// End-to-end support: build the admin page when its sources changed, start the stack (worker +
// proxy + emulator, from scripts/dev.mjs), open the page in headless Chromium, sign in, and
// take screenshots at the two widths the page is designed for.
import { mkdir, readdir, stat, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser } from "../../js/support/browser.mjs";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
export const WIDTHS = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } };

export { launchBrowser };

async function newestMtime(path) {
  const s = await stat(path).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds www/dist with Vite unless it is newer than every input (the page's sources and the
 * installed package). E2E_VITE_CONFIG picks another config (e.g. one with extra aliases).
 */
export async function ensureBuilt() {
  const config = resolve(ROOT, process.env.E2E_VITE_CONFIG ?? "www/vite.config.js");
  const stampFile = join(ROOT, "test-results", ".e2e-build-stamp");
  const inputs = [
    "www/index.html",
    "www/src",
    "www/public",
    "www/vite.config.js",
    "node_modules/twilio-push-wasm",
    config,
  ];
  let newest = 0;
  for (const p of inputs) newest = Math.max(newest, await newestMtime(resolve(ROOT, p)));
  const built = await newestMtime(join(ROOT, "www/dist/index.html"));
  const stamp = await readFile(stampFile, "utf8").catch(() => "");
  if (built > newest && stamp === config) return;
  const { build } = await import("vite");
  await build({ configFile: config, logLevel: "warn" });
  await mkdir(join(ROOT, "test-results"), { recursive: true });
  await writeFile(stampFile, config);
}

/** startStack() from scripts/dev.mjs (E2E_STACK_MODULE overrides the module). */
export async function startTestStack(options = {}) {
  await ensureBuilt();
  const modulePath = resolve(ROOT, process.env.E2E_STACK_MODULE ?? "scripts/dev.mjs");
  const { startStack } = await import(pathToFileURL(modulePath).href);
  return startStack({ port: 0, seed: true, ...options });
}

/** A stack and a browser for one test file; `closeStackAndBrowser` closes both. */
export async function startStackAndBrowser(options) {
  const stack = await startTestStack(options);
  try {
    return { stack, browser: await launchBrowser() };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

export async function closeStackAndBrowser({ stack, browser }) {
  await browser?.close();
  await stack?.close();
}

/**
 * Calls an emulator control endpoint and returns its JSON body. `stack.emulator.request` answers
 * `{ status, headers, body }` (a fetch Response is accepted too).
 */
export async function emulator(stack, path, init) {
  const res = await stack.emulator.request(path, init);
  if (res && typeof res.json === "function") {
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  }
  if (res && typeof res.status === "number" && "body" in res) {
    if (res.status >= 400) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  return res;
}

export const emulatorState = (stack) => emulator(stack, "/__emulator/state");

/**
 * Opens the page at `hash` with a fresh context. Collects console errors, uncaught exceptions and
 * failed requests into `problems` (tests assert it stays empty).
 */
export async function openApp(browser, stack, { hash = "", viewport = WIDTHS.desktop } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.url });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console.error: ${m.text()}`));
  await page.goto(`${stack.url}/${hash}`);
  return { page, context, problems };
}

/** Signs in through the form, as a person would. */
export async function signIn(page, token) {
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Saves a screenshot of the page as it is now: test-results/screenshots/<name>-<width>.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const { width } = page.viewportSize();
  const path = join(SCREENSHOTS, `${name}-${width}.png`);
  // From the top: the sticky header would otherwise be drawn where the page was scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Screenshots at 1280 and 390 px wide (restores the original size). */
export async function screenshotsAtBothWidths(page, name) {
  const original = page.viewportSize();
  const paths = [];
  for (const size of Object.values(WIDTHS)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    paths.push(await screenshot(page, name));
    // No horizontal scrolling at either width: the layout must fit.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    if (overflow > 1) throw new Error(`${name} at ${size.width}px scrolls horizontally by ${overflow}px`);
  }
  await page.setViewportSize(original);
  return paths;
}

/** The text of every [data-count=key] inside `scope`, as numbers. */
export async function readCounts(locator) {
  return locator.evaluate((el) =>
    Object.fromEntries(
      [...el.querySelectorAll("[data-count]")].map((dd) => [
        dd.dataset.count,
        Number(dd.textContent.replace(/[^0-9]/g, "")),
      ]),
    ),
  );
}

/** Calls the proxy's API from Node with the admin token (to set up data the way a client would). */
export async function api(stack, path, { method = "GET", body } = {}) {
  const res = await fetch(`${stack.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${stack.adminToken}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Waits until `fn()` returns a truthy value (polling), or fails with `message`. */
export async function eventually(fn, { timeout = 15_000, interval = 100, message = "condition" } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(
        `Timed out waiting for ${message}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Console problems other than Chromium's own "Failed to load resource" lines for HTTP statuses
 * the test provoked on purpose (e.g. 401 for a wrong token, 404 for an unknown user).
 */
export function unexpected(problems, expectedStatuses = []) {
  return problems.filter(
    (p) =>
      !expectedStatuses.some((s) => p.includes(`Failed to load resource: the server responded with a status of ${s}`)),
  );
}

/**
 * Pastes `text` into `locator` the way a person does: through the clipboard and Ctrl+V.
 * (Playwright's fill() types large text far slower than any paste.)
 */
export async function paste(page, locator, text) {
  await page.evaluate((v) => navigator.clipboard.writeText(v), text);
  await locator.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
}
