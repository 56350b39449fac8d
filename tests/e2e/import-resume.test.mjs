// Bulk imports survive a reload: a 2,000-row import with injected faults is interrupted by a
// reload (which asks first), offered for Resume from the IndexedDB journal, and resumed from the
// file kept with the journal, without choosing it again; every row is accounted for exactly
// once: no row reported done is sent again, none is missing. The finished import stays listed
// until dismissed, and its kept file is deleted. When the kept file is gone, Resume asks for it
// and checks it is the same. A journal left by the page before files were kept (database version
// 1) is upgraded in place and its import resumed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  signIn,
  screenshotsAtBothWidths,
  emulator,
  emulatorState,
  readCounts,
  eventually,
  paste,
  unexpected,
} from "./support/stack.mjs";
import { writeFixture, apnToken } from "./support/fixtures.mjs";

const ROWS = 2_000;
const REGISTER = "/v1/PushNotifications/DeviceRegistrations";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

/**
 * Runs `op` ("getAll", "count" or "clear") on a store of the page's journal (IndexedDB
 * "push-admin-imports", as the page wrote it) and answers with its result.
 */
const journalStore = (page, store, op) =>
  page.evaluate(
    async ([store, op]) => {
      const done = (req) =>
        new Promise((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      const db = await done(indexedDB.open("push-admin-imports"));
      const tx = db.transaction(store, op === "clear" ? "readwrite" : "readonly");
      const result = await done(tx.objectStore(store)[op]());
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return result;
    },
    [store, op],
  );

/** The input lines the page's journal holds as done. */
const journalledLines = async (page) =>
  (await journalStore(page, "rows", "getAll")).map((r) => ({ line: r.line, status: r.status }));

/** How many files the page's journal keeps (store "files"). */
const keptFiles = (page) => journalStore(page, "files", "count");

/** Deletes every kept file, as clearing part of the browser's storage would. */
const loseKeptFiles = (page) => journalStore(page, "files", "clear");

/** Makes the emulator answer registrations with `fault` (its faults' options, without `match`). */
const faultRegistrations = (fault) =>
  emulator(stack, "/__emulator/faults", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...fault, match: { method: "POST", pathPrefix: REGISTER } }),
  });

/** A new browser context, signed in, on the Bulk import view. */
async function openImport() {
  const opened = await openApp(browser, stack);
  await signIn(opened.page, stack.adminToken);
  await opened.page.goto(`${stack.url}/#/import`);
  return opened;
}

/** Registration requests the emulator answered 202 (applied, answer delivered) after `seq`. */
async function registeredAfter(seq) {
  const { requests } = await emulator(stack, "/__emulator/log");
  return requests.filter(
    (r) => r.seq > seq && r.method === "POST" && r.path.startsWith(REGISTER) && r.status === 202 && !r.fault,
  );
}

test("a 2,000-row file import with faults survives a reload: Resume, without choosing the file again, sends each remaining row once", {
  timeout: 300_000,
}, async () => {
  const tokens = Array.from({ length: ROWS }, (_, i) => apnToken(i, 17));
  const file = await writeFixture("import-2000.txt", `${tokens.join("\n")}\n`);
  await faultRegistrations({ rate: 0.03, kinds: ["429", "503", "drop-after"], retryAfter: 0, seed: 14 });
  const { page, context, problems } = await openImport();
  await page.getByLabel("Or choose a file").setInputFiles(file);
  await page.getByRole("button", { name: "Import 2,000 devices" }).click();
  const stats = page.getByTestId("import-stats");
  await eventually(async () => (await readCounts(stats)).imported >= 300, { message: "300 imported", timeout: 60_000 });
  await eventually(async () => (await keptFiles(page)) === 1, { message: "the file is kept with the journal" });

  // Reload mid-way: the page asks first (beforeunload), then goes.
  let asked = false;
  page.once("dialog", (dialog) => {
    asked = dialog.type() === "beforeunload";
    dialog.accept();
  });
  await page.reload();
  assert.ok(asked, "leaving a running import asks first");
  const interrupted = page.getByRole("region", { name: "Interrupted import" });
  await interrupted.waitFor();
  // Let requests that were in flight when the page went away land, then mark the log.
  await page.waitForTimeout(1000);
  const done = await journalledLines(page);
  assert.ok(done.length >= 300 && done.length < ROWS, `journalled ${done.length} rows`);
  await interrupted.getByText(`${done.length.toLocaleString("en-US")} of 2,000 rows done`).waitFor();
  await screenshotsAtBothWidths(page, "import-interrupted");
  const mark = Math.max(0, ...(await emulator(stack, "/__emulator/log")).requests.map((r) => r.seq));

  // The file is kept in the browser: Resume reads it from there, nothing is chosen again.
  assert.equal(await interrupted.getByText("Resuming needs the same file").count(), 0);
  await interrupted.getByRole("button", { name: "Resume import" }).click();
  await page.locator(".file-info").getByText("import-2000.txt").waitFor();
  const equation = page.getByTestId("import-equation");
  await equation.waitFor({ timeout: 240_000 });
  assert.equal(await equation.textContent(), "2,000 rows = 2,000 imported + 0 failed + 0 skipped + 0 duplicates");
  await page
    .getByTestId("import-resumed")
    .getByText(`Resumed: ${done.length.toLocaleString("en-US")} rows were done before the interruption`)
    .waitFor();
  await screenshotsAtBothWidths(page, "import-resumed");

  // Exactly once: after the mark, one applied registration per row not journalled as done.
  const doneLines = new Set(done.map((d) => d.line));
  assert.equal(doneLines.size, done.length, "each row journalled once");
  const after = await registeredAfter(mark);
  assert.equal(after.length, ROWS - done.length, "no journalled row sent again, none missing");
  const faults = await emulator(stack, "/__emulator/stats");
  assert.ok(faults.faults > 0, "faults were injected");
  // Every token registered, each in exactly one registration.
  const state = await emulatorState(stack);
  const seen = new Map();
  for (const reg of state.deviceRegistrations)
    for (const d of reg.devices) seen.set(d.token, (seen.get(d.token) ?? 0) + 1);
  assert.deepEqual(
    tokens.filter((t) => seen.get(t) !== 1),
    [],
    "every row registered exactly once",
  );
  assert.equal((await journalledLines(page)).length, ROWS, "the journal holds every row");
  await eventually(async () => (await keptFiles(page)) === 0, { message: "a finished import's file is deleted" });

  // Finished imports stay viewable (also after a reload) until dismissed.
  await page.reload();
  const finished = page.getByRole("region", { name: "Finished import" });
  await finished.getByText("2,000 imported").waitFor();
  await finished.getByRole("button", { name: "Dismiss" }).click();
  await finished.waitFor({ state: "detached" });
  await emulator(stack, "/__emulator/faults", { method: "DELETE" });
  assert.deepEqual(unexpected(problems, [429, 502, 503]), []);
  await context.close();
});

test("a pasted import is kept with its journal: Resume needs nothing pasted again", { timeout: 120_000 }, async () => {
  const tokens = Array.from({ length: 300 }, (_, i) => apnToken(i, 23));
  await faultRegistrations({ rate: 1, kinds: ["slow"], slowMs: 120 });
  const { page, context, problems } = await openImport();
  await paste(page, page.getByLabel("Tokens or CSV"), tokens.join("\n"));
  await page.getByRole("button", { name: "Import 300 devices" }).click();
  await eventually(async () => (await readCounts(page.getByTestId("import-stats"))).imported >= 40, {
    message: "40 imported",
  });
  page.once("dialog", (dialog) => dialog.accept());
  await page.reload();
  const interrupted = page.getByRole("region", { name: "Interrupted import" });
  await interrupted.waitFor();
  await page.waitForTimeout(500);
  const done = (await journalledLines(page)).length;
  await emulator(stack, "/__emulator/faults", { method: "DELETE" });
  await interrupted.getByRole("button", { name: "Resume import" }).click();
  const equation = page.getByTestId("import-equation");
  await equation.waitFor({ timeout: 60_000 });
  assert.equal(await equation.textContent(), "300 rows = 300 imported + 0 failed + 0 skipped + 0 duplicates");
  await page.getByTestId("import-resumed").getByText(`Resumed: ${done} rows were done`).waitFor();
  // The kept text is back in the box, with its line numbers.
  assert.equal((await page.getByLabel("Tokens or CSV").inputValue()).split("\n").length, 300);
  const state = await emulatorState(stack);
  const registered = new Set(state.deviceRegistrations.flatMap((r) => r.devices.map((d) => d.token)));
  assert.deepEqual(
    tokens.filter((t) => !registered.has(t)),
    [],
  );
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("when the kept file is gone, Resume asks for the file and takes only the same one", {
  timeout: 120_000,
}, async () => {
  const tokens = Array.from({ length: 300 }, (_, i) => apnToken(i, 29));
  const file = await writeFixture("import-300.txt", `${tokens.join("\n")}\n`);
  const other = await writeFixture("import-300-other.txt", `${tokens.slice(1).join("\n")}\n`);
  await faultRegistrations({ rate: 1, kinds: ["slow"], slowMs: 120 });
  const { page, context, problems } = await openImport();
  await page.getByLabel("Or choose a file").setInputFiles(file);
  await page.getByRole("button", { name: "Import 300 devices" }).click();
  await eventually(async () => (await readCounts(page.getByTestId("import-stats"))).imported >= 40, {
    message: "40 imported",
  });
  await eventually(async () => (await keptFiles(page)) === 1, { message: "the file is kept with the journal" });
  page.once("dialog", (dialog) => dialog.accept());
  await page.reload();
  await page.getByRole("region", { name: "Interrupted import" }).waitFor();
  await loseKeptFiles(page);
  await page.reload();
  const interrupted = page.getByRole("region", { name: "Interrupted import" });
  await interrupted.getByText("Resuming needs the same file: choose import-300.txt again first.").waitFor();
  await page.waitForTimeout(500);
  const done = (await journalledLines(page)).length;
  await emulator(stack, "/__emulator/faults", { method: "DELETE" });
  await interrupted.getByRole("button", { name: "Resume import" }).click();
  await page.getByText("Choose import-300.txt again to resume the import.").waitFor();
  // Another file is refused; the same one resumes.
  await page.getByLabel("Or choose a file").setInputFiles(other);
  await page.getByText("This is not the input of the interrupted import").waitFor();
  await interrupted.getByRole("button", { name: "Resume import" }).click();
  await page.getByLabel("Or choose a file").setInputFiles(file);
  const equation = page.getByTestId("import-equation");
  await equation.waitFor({ timeout: 60_000 });
  assert.equal(await equation.textContent(), "300 rows = 300 imported + 0 failed + 0 skipped + 0 duplicates");
  await page.getByTestId("import-resumed").getByText(`Resumed: ${done} rows were done`).waitFor();
  const state = await emulatorState(stack);
  const registered = new Set(state.deviceRegistrations.flatMap((r) => r.devices.map((d) => d.token)));
  assert.deepEqual(
    tokens.filter((t) => !registered.has(t)),
    [],
  );
  assert.equal(await keptFiles(page), 0, "nothing kept once finished");
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("an import journalled before files were kept (database version 1) is still offered and resumed", {
  timeout: 120_000,
}, async () => {
  const tokens = Array.from({ length: 50 }, (_, i) => apnToken(i, 31));
  const text = tokens.join("\n");
  const { defaultAppName } = await emulatorState(stack);
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  // The journal as the page before version 2 left it: an interrupted pasted import, 10 rows done.
  await page.evaluate(
    async ({ text, defaultApp }) => {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`\u0000${text}`));
      const fingerprint = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open("push-admin-imports", 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore("imports", { keyPath: "id" });
          req.result.createObjectStore("rows", { keyPath: ["importId", "line"] }).createIndex("importId", "importId");
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const now = new Date().toISOString();
      const id = `imp-${now}-v1`;
      await new Promise((resolve, reject) => {
        const tx = db.transaction(["imports", "rows"], "readwrite");
        tx.objectStore("imports").put({
          id,
          fingerprint,
          sourceName: null,
          text,
          provider: "",
          defaultApp,
          pending: 50,
          state: "running",
          startedAt: now,
          updatedAt: now,
        });
        const lines = text.split("\n");
        for (let line = 1; line <= 10; line++)
          tx.objectStore("rows").put({ importId: id, line, status: "imported", token: lines[line - 1], userId: null });
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { text, defaultApp: defaultAppName },
  );
  await page.goto(`${stack.url}/#/import`);
  const interrupted = page.getByRole("region", { name: "Interrupted import" });
  await interrupted.getByText("10 of 50 rows done").waitFor();
  const mark = Math.max(0, ...(await emulator(stack, "/__emulator/log")).requests.map((r) => r.seq));
  await interrupted.getByRole("button", { name: "Resume import" }).click();
  const equation = page.getByTestId("import-equation");
  await equation.waitFor({ timeout: 60_000 });
  assert.equal(await equation.textContent(), "50 rows = 50 imported + 0 failed + 0 skipped + 0 duplicates");
  await page.getByTestId("import-resumed").getByText("Resumed: 10 rows were done").waitFor();
  const sent = (await registeredAfter(mark)).length;
  assert.equal(sent, 40, "only the 40 rows not journalled are sent");
  assert.equal(await keptFiles(page), 0, "the upgraded database has the files store");
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
