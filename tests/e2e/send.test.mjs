// Feature 5: send a push to tokens and users; the operation view polls until COMPLETED and shows
// the stats and every recipient's notification (FAILED ones with their failureReason). Over
// 10,000 recipients the send is split into batches.
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
  paste,
  unexpected,
} from "./support/stack.mjs";

const GONE = "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";

let stack;
let browser;
let seed;
before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
  const state = await emulatorState(stack);
  const reg = state.deviceRegistrations[0];
  seed = {
    userId: reg.userId,
    apn: reg.devices.find((d) => d.provider === "APN").token,
    fcm: reg.devices.find((d) => d.provider === "FCM").token,
  };
  // A token APNs no longer knows: its notification FAILS with Unregistered.
  await emulator(stack, "/__emulator/unregistered", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tokens: [GONE] }),
  });
});
after(() => closeStackAndBrowser({ stack, browser }));

test("send a push: inline validation, operation followed to COMPLETED, failures highlighted", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Send a push" }).click();
  await page.getByRole("heading", { name: "Send a push" }).waitFor();

  const tokens = page.getByLabel("Device tokens");
  const check = page.getByTestId("recipient-check");
  // Each line is validated inline: a bad line is pointed out and blocks the send.
  await tokens.fill(
    [seed.apn.toUpperCase(), "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }", seed.fcm].join("\n"),
  );
  await check.locator('li.bad[data-line="2"]').getByText("TRUNCATED_DESCRIPTION").waitFor();
  await check.locator('li.ok[data-line="1"]').getByText("APN").waitFor();
  await check.locator('li.ok[data-line="3"]').getByText("FCM").waitFor();
  await page.getByLabel("Title").fill("Boarding time @ TLL");
  await page.getByRole("button", { name: /^Send to/ }).click();
  await page
    .locator('[data-field="tokens"] .field-error')
    .getByText("Fix or remove the 1 invalid token first (line 2)")
    .waitFor();
  assert.equal((await emulator(stack, "/__emulator/stats")).sends, 0, "nothing sent while a token is invalid");

  // Fixed list (with a duplicate, sent once) plus a user ID; no title or body → told where.
  await tokens.fill([seed.apn.toUpperCase(), seed.fcm, GONE, seed.apn].join("\n"));
  await check.getByText("1 duplicate (sent once)").waitFor();
  // Duplicates are not extra valid recipients: 4 lines, 3 devices.
  await check.getByText("3 valid", { exact: true }).waitFor();
  await page.getByTestId("default-app").getByText("The default app (demo_app)").waitFor();
  await page.getByLabel("User IDs").fill(seed.userId);
  await page.getByText("4 recipients (3 tokens, 1 user)").waitFor();
  await page.getByLabel("Title").fill("");
  await page.getByRole("button", { name: "Send to 4 recipients" }).click();
  await page
    .locator('[data-field="title"] .field-error')
    .getByText("Give the notification a title, a body, or both.")
    .waitFor();
  await screenshotsAtBothWidths(page, "send-form");

  await page.getByLabel("Title").fill("Boarding time @ TLL");
  await page.getByLabel("Body").fill("You have 1 hour until boarding.");
  await page.getByLabel("Priority").selectOption("LOW");
  await page.getByLabel("Sound (optional)").fill("ring");
  await page.getByLabel("Tags (optional)").fill("campaign=spring\nwave=1");
  await page.getByRole("button", { name: "Send to 4 recipients" }).click();

  const panel = page.locator("section.operation");
  await panel.waitFor();
  await panel.getByTestId("operation-status").getByText("COMPLETED").waitFor({ timeout: 20_000 });
  await page.locator('section.operation[data-final="true"]').waitFor();
  await panel.getByTestId("operation-title").getByText("Completed").waitFor();
  // 3 tokens + the seed user's 2 devices = 5 notifications: 1 FAILED (Unregistered).
  const stat = async (key) => Number((await panel.locator(`[data-stat="${key}"]`).textContent()).replace(/\D/g, ""));
  assert.equal(await stat("total"), 4);
  assert.equal(await stat("recipients"), 5);
  assert.equal(await stat("sent"), 4);
  assert.equal(await stat("failed"), 1);
  await panel.locator("tbody tr").nth(4).waitFor();
  assert.equal(await panel.locator("tbody tr").count(), 5);
  const failed = panel.locator("tr.row-failed");
  assert.equal(await failed.count(), 1);
  assert.equal(await failed.locator("td.failure").textContent(), "Unregistered");
  await screenshotsAtBothWidths(page, "send-operation");

  // What the emulator holds: one send, exactly as asked.
  const state = await emulatorState(stack);
  assert.equal(state.operations.length, 1);
  const op = state.operations[0];
  assert.equal(op.status, "COMPLETED");
  assert.equal(op.id, await panel.getAttribute("data-operation-id"));
  const notes = state.pushNotifications.filter((n) => n.operationId === op.id);
  assert.equal(notes.length, 5);
  for (const n of notes) {
    assert.deepEqual(n.content, { title: "Boarding time @ TLL", body: "You have 1 hour until boarding." });
    assert.equal(n.priority, "LOW");
    assert.equal(n.sound, "ring");
    assert.deepEqual(n.tags, { campaign: "spring", wave: "1" });
  }
  assert.deepEqual(
    notes.filter((n) => n.status === "FAILED").map((n) => [n.to.token, n.failureReason]),
    [[GONE, "Unregistered"]],
  );
  assert.equal(
    notes.filter((n) => n.to.token === seed.apn).length,
    2,
    "the APN token (given twice, once in upper case) + the user's own device",
  );

  // "Failed only" filter asks the API for FAILED notifications.
  await panel.getByLabel("Show").selectOption("FAILED");
  await panel.getByText("Showing 1 (all) failed notification.").waitFor();

  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("send a push to 10,001 tokens: split into batches with sendPushInBatches", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/send`);
  const earlier = new Set((await emulatorState(stack)).operations.map((op) => op.id));
  const many = Array.from({ length: 10_001 }, (_, i) => (i + 1).toString(16).padStart(64, "0")).join("\n");
  await paste(page, page.getByLabel("Device tokens"), many);
  await page.getByText("10,001 recipients (10,001 tokens, 0 users) — sent in 2 batches").waitFor();
  await page.getByLabel("Body").fill("Big announcement");
  await page.getByRole("button", { name: "Send in 2 batches" }).click();
  const dialog = page.getByRole("dialog", { name: "Send in 2 batches?" });
  await dialog.getByRole("button", { name: "Send 2 batches" }).click();
  await page.locator("section.operation").nth(1).waitFor();
  await page.getByText("Accepted: 10,001 recipients in 2 operations.").waitFor();
  const state = await emulatorState(stack);
  const ops = state.operations.filter((op) => !earlier.has(op.id));
  assert.equal(ops.length, 2, "two operations");
  assert.equal(
    ops.reduce((n, op) => n + op.stats.total, 0),
    10_001,
  );
  assert.ok(ops.every((op) => op.stats.total <= 10_000));
  for (const op of ops) await page.locator(`section.operation[data-operation-id="${op.id}"]`).waitFor();
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
