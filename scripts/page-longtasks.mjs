// Measures how long the admin page's main thread is held while a big import file is read:
// builds a CSV of N rows (default 1,000,000, ~120 MB) under test-results/page-longtasks/, starts
// the test stack, chooses the file on the Bulk import page in headless Chromium and records the
// main thread's long tasks (PerformanceObserver "longtask", over 50 ms) until the validation
// report shows. Prints the figures; asserts nothing about time (a measuring tool, not a test).
//
//   nice node scripts/page-longtasks.mjs [rows]      (VERBOSE=1 lists each long task)
//
// Needs the package built (make pkg); builds www/dist when its sources changed.
import { mkdir, writeFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  ROOT,
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  signIn,
  readCounts,
} from "../tests/e2e/support/stack.mjs";
import { importCsv } from "../tests/e2e/support/fixtures.mjs";

const rows = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(rows) || rows < 1) throw new Error("usage: node scripts/page-longtasks.mjs [rows]");

const dir = join(ROOT, "test-results", "page-longtasks");
await mkdir(dir, { recursive: true });
const file = join(dir, `import-${rows}.csv`);
const { text, expected } = importCsv(rows);
await writeFile(file, text);
const size = (await stat(file)).size;

const { stack, browser } = await startStackAndBrowser();
try {
  const { page } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Bulk import" }).click();
  await page.getByRole("heading", { name: "Bulk import" }).waitFor();
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.longTasks = [];
    w.chosenAt = performance.now();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push({ at: e.startTime - w.chosenAt, ms: e.duration });
    }).observe({ type: "longtask" });
  });
  const started = performance.now();
  await page.getByLabel("Or choose a file").setInputFiles(file);
  const report = page.getByTestId("import-report");
  await report.getByText("CSV with a token column").waitFor({ timeout: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  // Tasks still queued when the report appears count too.
  await page.waitForTimeout(1000);
  const timeline = await page.evaluate(() => /** @type {any} */ (window).longTasks);
  const tasks = timeline.map((/** @type {any} */ t) => t.ms);
  const counts = await readCounts(report);
  const longest = Math.max(0, ...tasks);
  const total = tasks.reduce((a, b) => a + b, 0);
  console.log(`rows: ${rows.toLocaleString("en")} (${(size / 1e6).toFixed(1)} MB)`);
  console.log(`report after: ${seconds.toFixed(1)} s`);
  console.log(`main-thread long tasks (>50 ms): ${tasks.length}, ${Math.round(total)} ms in all`);
  console.log(`longest main-thread task: ${Math.round(longest)} ms`);
  if (process.env.VERBOSE) {
    for (const t of timeline) console.log(`  at ${(t.at / 1000).toFixed(2)} s: ${Math.round(t.ms)} ms`);
    const marks = await page.evaluate(() =>
      performance
        .getEntriesByType("mark")
        .map((m) => ({ name: m.name, at: m.startTime - /** @type {any} */ (window).chosenAt })),
    );
    for (const m of marks) console.log(`  mark ${m.name} at ${(m.at / 1000).toFixed(2)} s`);
  }
  const want = { rows, valid: expected.valid, invalid: expected.invalid, duplicates: expected.duplicates };
  const got = { rows: counts.rows, valid: counts.valid, invalid: counts.invalid, duplicates: counts.duplicates };
  console.log(
    `report counts ${JSON.stringify(got) === JSON.stringify(want) ? "right" : "WRONG"}: ${JSON.stringify(got)}`,
  );
} finally {
  await closeStackAndBrowser({ stack, browser });
}
