// Feature 6: bulk import. A generated 10,000-row CSV with invalid, duplicate, unusable and
// failing rows: the validation report, the import with progress/pause/resume and retried
// faults, every row accounted for, the emulator's registrations, the failure report's rows.
// Then a Twilio Notify Bindings export (identities → users), a canceled import, a big file read
// off the main thread, and a file validated again for another provider choice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
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
import { importCsv, writeFixture, apnToken, fcmToken } from "./support/fixtures.mjs";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

/** Parses the failure report (RFC 4180, as written by the page). */
function parseReport(text) {
  const rows = [];
  const re = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r?\n|$)/g;
  let row = [];
  for (const m of text.matchAll(re)) {
    if (m[0] === "") break;
    row.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
    if (m[2] !== ",") {
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

async function registrationsCount() {
  return (await emulator(stack, "/__emulator/stats")).registrations;
}

test("bulk import of 10,000 rows: report, progress, pause/resume, retries, every row accounted for", {
  timeout: 600_000,
}, async () => {
  const { text, expected } = importCsv(10_000);
  const file = await writeFixture("import-10000.csv", text);
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Bulk import" }).click();
  await page.getByRole("heading", { name: "Bulk import" }).waitFor();

  await page.getByLabel("Or choose a file").setInputFiles(file);
  const report = page.getByTestId("import-report");
  await report.getByText("CSV with a token column").waitFor();
  const counts = await readCounts(report);
  assert.deepEqual(counts, {
    rows: 10_000,
    valid: expected.valid,
    invalid: expected.invalid,
    duplicates: expected.duplicates,
    skipped: expected.skippedProvider,
  });
  // Invalid rows are listed with their line numbers and reasons.
  const firstInvalid = expected.failures.find((f) => f.code === "TRUNCATED_DESCRIPTION");
  await report.getByText(`Invalid tokens (${expected.invalid})`).click();
  await report
    .locator("tr", { hasText: "TRUNCATED_DESCRIPTION" })
    .first()
    .getByRole("cell", { name: String(firstInvalid.line), exact: true })
    .waitFor();
  // Each problem shows its input line and the token as it was (shortened; whole in the tooltip).
  const truncatedRow = report.locator("tr", { hasText: "TRUNCATED_DESCRIPTION" }).first();
  assert.equal(
    await truncatedRow.locator('td[data-label="Token"] code').getAttribute("title"),
    "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }",
  );
  assert.match(await truncatedRow.locator('td[data-label="Token"]').textContent(), /…/);
  // The page says that running an import again is safe.
  await report.getByText(/Importing is safe to repeat/).waitFor();
  await screenshotsAtBothWidths(page, "import-report");

  // A few transient faults on registration: the client retries them; nothing is lost.
  await emulator(stack, "/__emulator/faults", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      next: ["503", "429", "503"],
      retryAfter: 0,
      match: { method: "POST", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" },
    }),
  });
  const regsBefore = await registrationsCount();
  const started = Date.now();
  await page.getByRole("button", { name: `Import ${expected.valid.toLocaleString("en-US")} devices` }).click();
  const stats = page.getByTestId("import-stats");
  await eventually(async () => (await readCounts(stats)).imported >= 300, { message: "300 imported", timeout: 60_000 });

  // Pause: requests in flight finish, then nothing more is sent until Resume.
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByText(/^Paused: /).waitFor();
  await page.waitForTimeout(500);
  const pausedAt = await registrationsCount();
  await page.waitForTimeout(1000);
  assert.equal(await registrationsCount(), pausedAt, "no registrations while paused");
  await screenshotsAtBothWidths(page, "import-paused");
  await page.getByRole("button", { name: "Resume" }).click();
  await page.getByText(/^Importing: /).waitFor();

  const equation = page.getByTestId("import-equation");
  await equation.waitFor({ timeout: 540_000 });
  const seconds = (Date.now() - started) / 1000;
  const final = await readCounts(stats);
  assert.deepEqual(
    {
      imported: final.imported,
      failed: final.failed,
      skipped: final.skipped,
      duplicates: final.duplicates,
      remaining: final.remaining,
    },
    {
      imported: expected.imported,
      failed: expected.failed,
      skipped: expected.skipped,
      duplicates: expected.duplicates,
      remaining: 0,
    },
  );
  assert.equal(final.imported + final.failed + final.skipped + final.duplicates, 10_000, "every row accounted for");
  assert.equal(
    await equation.textContent(),
    `10,000 rows = ${expected.imported.toLocaleString("en-US")} imported + ${expected.failed} failed + ${expected.skipped} skipped + ${expected.duplicates} duplicates`,
  );
  await screenshotsAtBothWidths(page, "import-finished");

  // The emulator holds one new registration per imported row (each row made a new user).
  assert.equal((await registrationsCount()) - regsBefore, expected.imported);
  const faults = await emulator(stack, "/__emulator/faults");
  assert.deepEqual(faults.next, [], "the injected faults were all consumed (and retried)");

  // The failure report: one row per invalid, failed and skipped row, with line, token, code, message.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Download failure report/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^import-failures-.*\.csv$/);
  const rows = parseReport(await readFile(await download.path(), "utf8"));
  assert.deepEqual(rows[0], ["line", "token", "code", "message"]);
  const body = rows.slice(1);
  assert.equal(body.length, expected.failures.length);
  assert.deepEqual(
    body.map((r) => ({ line: Number(r[0]), code: r[2] })),
    expected.failures,
  );
  for (const r of body) assert.ok(r[3].length > 10, `line ${r[0]} has a reason: ${r[3]}`);
  const notFound = body.find((r) => r[2] === "API_ERROR");
  assert.match(notFound[3], /HTTP 404/);
  const truncated = body.find((r) => r[2] === "TRUNCATED_DESCRIPTION");
  assert.equal(
    truncated[1],
    "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }",
    "the token as it was in the file",
  );

  console.log(`# imported ${expected.imported} rows in ${seconds.toFixed(1)} s`);
  assert.deepEqual(unexpected(problems, [404, 429, 503]), []);
  await context.close();
});

test("bulk import of a Notify Bindings export: identities become users with all their devices", async () => {
  await emulator(stack, "/__emulator/faults", { method: "DELETE" });
  const alice = [apnToken(1, 7), fcmToken(1, "d"), apnToken(2, 7)];
  const bob = fcmToken(2, "d");
  const carol = apnToken(3, 7);
  // The Notify API's JSON (snake_case, in a "bindings" page), as exported by many teams.
  const bindings = {
    bindings: [
      { identity: "alice", binding_type: "apn", address: alice[0] },
      { identity: "alice", binding_type: "fcm", address: alice[1] },
      { identity: "alice", binding_type: "apn", address: `<${alice[2].toUpperCase().match(/.{8}/g).join(" ")}>` },
      { identity: "bob", binding_type: "fcm", address: bob },
      { identity: "bob", binding_type: "sms", address: "+15555550100" },
      {
        identity: "carol",
        binding_type: "apn",
        address: "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }",
      },
      {
        identity: "carol",
        binding_type: "gcm",
        address:
          "APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ-hQMRKRrZuJAEcl7B338qju59zJMjw2DELjzEvxwYv7hH5Ynpc1ODQ0aT4U4OFEeco8ohsN5PjL1iC2dNtk2BAokeMCg2ZXKqpc8FXKmhX94kIxQ",
      },
      { identity: "carol", binding_type: "apn", address: carol },
      { identity: "dave", binding_type: "fcm", address: alice[1] },
    ],
    meta: { page: 0, page_size: 50 },
  };
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  // The users list, open before the import, is refreshed after it without asking.
  await page.goto(`${stack.url}/#/registrations`);
  await page.getByRole("button", { name: "Show users" }).click();
  const usersNote = page.locator(".users-list .toolbar p");
  await usersNote.getByText(/users?, newest first/).waitFor();
  const usersBefore = Number((await usersNote.textContent()).replace(/\D/g, ""));
  await page.goto(`${stack.url}/#/import`);
  // Dropped onto the drop zone, as a person would from their file manager.
  const dataTransfer = await page.evaluateHandle((json) => {
    const dt = new DataTransfer();
    dt.items.add(new File([json], "bindings.json", { type: "application/json" }));
    return dt;
  }, JSON.stringify(bindings));
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer });
  const report = page.getByTestId("import-report");
  await report.getByText("Twilio Notify Bindings export (JSON)").waitFor();
  assert.deepEqual(await readCounts(report), { rows: 9, valid: 5, invalid: 1, duplicates: 1, skipped: 2 });
  await report.getByText("Skipped: SMS binding: not a push device.").waitFor();
  await report.getByText(/Skipped: legacy GCM binding/).waitFor();

  await page.getByRole("button", { name: "Import 5 devices" }).click();
  const equation = page.getByTestId("import-equation");
  await equation.waitFor();
  assert.equal(await equation.textContent(), "9 rows = 5 imported + 0 failed + 3 skipped + 1 duplicates");
  await page.goto(`${stack.url}/#/registrations`);
  await usersNote.getByText(`${(usersBefore + 3).toLocaleString("en-US")} users, newest first`).waitFor();
  await page.goto(`${stack.url}/#/import`);

  // One user per identity, holding all of that identity's devices.
  const state = await emulatorState(stack);
  const regOf = (token) => state.deviceRegistrations.find((r) => r.devices.some((d) => d.token === token));
  const aliceRegs = new Set(alice.map((t) => regOf(t)?.id));
  assert.equal(aliceRegs.size, 1, "alice's three devices are in one registration");
  assert.equal(regOf(alice[0]).devices.length, 3);
  assert.notEqual(regOf(bob).userId, regOf(alice[0]).userId, "bob is another user");
  assert.notEqual(regOf(carol).userId, regOf(alice[0]).userId);
  assert.deepEqual(
    regOf(carol).devices.map((d) => d.token),
    [carol],
    "carol's valid device, after her invalid one",
  );

  // A Notify CSV pasted in: recognised as such.
  await page.getByRole("button", { name: "Start a new import" }).click();
  await paste(
    page,
    page.getByLabel("Tokens or CSV"),
    `Sid,Identity,BindingType,Address\nBS1,erin,apn,${apnToken(4, 7)}\nBS2,erin,sms,+15555550101\n`,
  );
  await report.getByText("Twilio Notify Bindings export (CSV)").waitFor();
  assert.deepEqual(await readCounts(report), { rows: 2, valid: 1, invalid: 0, duplicates: 0, skipped: 1 });
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("bulk import canceled midway: the rest is reported as canceled, nothing is lost", async () => {
  // Slow the emulator down so that there is something to cancel.
  await emulator(stack, "/__emulator/faults", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      rate: 1,
      kinds: ["slow"],
      slowMs: 150,
      match: { method: "POST", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" },
    }),
  });
  const lines = Array.from({ length: 400 }, (_, i) => apnToken(i, 11)).join("\n");
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/import`);
  await paste(page, page.getByLabel("Tokens or CSV"), lines);
  const report = page.getByTestId("import-report");
  await report.getByText("One token per line").waitFor();
  // The input box numbers its lines, so the report's line numbers can be found in it.
  const gutter = await page.locator(".numbered .gutter").textContent();
  assert.ok(gutter.startsWith("1\n2\n3\n") && gutter.includes("\n400\n"), "lines 1–400 numbered");
  await page.getByRole("button", { name: "Import 400 devices" }).click();
  const stats = page.getByTestId("import-stats");
  await eventually(async () => (await readCounts(stats)).imported >= 16, { message: "some imported" });
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel the import?" });
  await dialog.getByRole("button", { name: "Cancel import" }).click();
  const equation = page.getByTestId("import-equation");
  await equation.waitFor();
  const final = await readCounts(stats);
  assert.ok(final.imported > 0 && final.imported < 400, `imported ${final.imported}`);
  assert.equal(final.imported + final.failed + final.skipped + final.duplicates, 400);
  await page.getByText("Import canceled.").waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Download failure report/ }).click(),
  ]);
  const rows = parseReport(await readFile(await download.path(), "utf8")).slice(1);
  assert.equal(rows.length, 400 - final.imported);
  assert.ok(rows.every((r) => r[2] === "CANCELED"));
  await emulator(stack, "/__emulator/faults", { method: "DELETE" });
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("a 50,000-row file is read off the main thread: the page answers a click while it is read, and the report's counts are right", {
  timeout: 300_000,
}, async () => {
  const { text, expected } = importCsv(50_000);
  const file = await writeFixture("import-50000.csv", text);
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Bulk import" }).click();
  await page.getByRole("heading", { name: "Bulk import" }).waitFor();
  const textarea = page.getByLabel("Tokens or CSV");
  // What the file card says when the page handles the click: still reading, or already done.
  await textarea.evaluate((el) => {
    el.addEventListener(
      "click",
      () => {
        /** @type {any} */ (window).clickedWhile = document.querySelector(".file-info")?.textContent ?? "";
      },
      { once: true },
    );
  });

  await page.getByLabel("Or choose a file").setInputFiles(file);
  await page.getByText("Reading import-50000.csv…").waitFor();
  await textarea.click();
  const report = page.getByTestId("import-report");
  await report.getByText("CSV with a token column").waitFor({ timeout: 120_000 });
  assert.match(await page.evaluate(() => /** @type {any} */ (window).clickedWhile), /^Reading import-50000\.csv…/);
  assert.deepEqual(await readCounts(report), {
    rows: 50_000,
    valid: expected.valid,
    invalid: expected.invalid,
    duplicates: expected.duplicates,
    skipped: expected.skippedProvider,
  });
  // The problems are listed from the rows the worker handed over: the first invalid line is there.
  const firstInvalid = expected.failures.find((f) => f.code === "TRUNCATED_DESCRIPTION");
  await report.getByText(`Invalid tokens (${expected.invalid.toLocaleString("en")})`).click();
  await report
    .locator("tr", { hasText: "TRUNCATED_DESCRIPTION" })
    .first()
    .getByRole("cell", { name: String(firstInvalid.line), exact: true })
    .waitFor();
  const importButton = page.getByRole("button", { name: `Import ${expected.valid.toLocaleString("en")} devices` });
  assert.equal(await importButton.isEnabled(), true);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("a file is validated again for another provider choice, and the same rows import twice", async () => {
  const apn = [0, 1, 2].map((i) => apnToken(i, 41));
  const fcm = [0, 1].map((i) => fcmToken(i, "p"));
  const file = await writeFixture("import-providers.txt", `${[...apn, ...fcm].join("\n")}\n`);
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/import`);
  await page.getByLabel("Or choose a file").setInputFiles(file);
  const report = page.getByTestId("import-report");
  await report.getByText("One token per line").waitFor();
  assert.deepEqual(await readCounts(report), { rows: 5, valid: 5, invalid: 0, duplicates: 0, skipped: 0 });
  // "All APN": the FCM tokens are refused, read from the file again in the worker.
  await page.getByRole("region", { name: "Source" }).getByLabel("Provider").selectOption("APN");
  await eventually(async () => (await readCounts(report)).invalid === 2, { message: "2 FCM tokens refused as APN" });
  assert.deepEqual(await readCounts(report), { rows: 5, valid: 3, invalid: 2, duplicates: 0, skipped: 0 });
  await page.getByRole("region", { name: "Source" }).getByLabel("Provider").selectOption("");
  await eventually(async () => (await readCounts(report)).valid === 5, { message: "all 5 valid again" });
  // The import leaves the validated rows as they were: importing again sends them again.
  for (let run = 0; run < 2; run++) {
    await page.getByRole("button", { name: "Import 5 devices" }).click();
    const equation = page.getByTestId("import-equation");
    await equation.waitFor();
    assert.equal(await equation.textContent(), "5 rows = 5 imported + 0 failed + 0 skipped + 0 duplicates");
    await page.getByRole("button", { name: "Start a new import" }).click();
  }
  const state = await emulatorState(stack);
  const registered = new Set(state.deviceRegistrations.flatMap((r) => r.devices.map((d) => d.token)));
  assert.deepEqual(
    [...apn, ...fcm].filter((t) => !registered.has(t)),
    [],
  );
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
