// Feature 8: recent operations with status and stats, paged with next/previous page tokens;
// opening one shows its operation view.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  signIn,
  screenshotsAtBothWidths,
  emulatorState,
  api,
  eventually,
  unexpected,
} from "./support/stack.mjs";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

test("activity: 25 sends over two pages, newest first, next and previous, open one", async () => {
  const seed = (await emulatorState(stack)).deviceRegistrations[0];
  const apn = seed.devices.find((d) => d.provider === "APN").token;
  const fcm = seed.devices.find((d) => d.provider === "FCM").token;
  for (let i = 0; i < 25; i++) {
    await api(stack, "/PushNotifications", {
      method: "POST",
      body: {
        to: [{ token: apn, provider: "APN" }, ...(i % 2 ? [{ token: fcm, provider: "FCM" }] : [])],
        content: { title: `Send ${i + 1}` },
      },
    });
  }
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Activity" }).click();
  await page.getByRole("heading", { name: "Activity" }).waitFor();

  const ops = (await emulatorState(stack)).operations;
  const newestFirst = [...ops].sort((a, b) => (a.id < b.id ? 1 : -1)).map((o) => o.id);
  const rows = page.locator("table.operations tbody tr");
  const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.operationId));

  await rows.nth(19).waitFor();
  assert.deepEqual(await ids(), newestFirst.slice(0, 20));
  await page.getByText("Page 1").waitFor();
  const prev = page.getByRole("button", { name: "← Previous" });
  const next = page.getByRole("button", { name: "Next →" });
  assert.equal(await prev.isDisabled(), true);
  await screenshotsAtBothWidths(page, "activity");

  await next.click();
  await page.getByText("Page 2").waitFor();
  assert.deepEqual(await ids(), newestFirst.slice(20));
  assert.equal(await next.isDisabled(), true, "no page after the last");

  await prev.click();
  await page.getByText("Page 1").waitFor();
  assert.deepEqual(await ids(), newestFirst.slice(0, 20));

  // Status and stats per row (once every send has finished, refreshed).
  await eventually(async () => (await emulatorState(stack)).operations.every((o) => o.status === "COMPLETED"), {
    message: "all sends completed",
  });
  await page.getByRole("button", { name: "Refresh" }).click();
  const done = (await emulatorState(stack)).operations;
  const oldestOnPage = done.find((o) => o.id === newestFirst[19]);
  const row = page.locator(`tr[data-operation-id="${oldestOnPage.id}"]`);
  await row.getByText("COMPLETED").waitFor();
  assert.equal(
    await row.getByTestId("delivery-counts").textContent(),
    `${oldestOnPage.stats.sent} sent · ${oldestOnPage.stats.failed} failed · ${oldestOnPage.stats.total} total`,
  );
  // What was sent, and when: the title from the operation's notifications, the creation time.
  const sentIndex = newestFirst.length - newestFirst.indexOf(oldestOnPage.id);
  await row.locator(".op-title").getByText(`Send ${sentIndex}`, { exact: true }).waitFor();
  assert.equal(await row.locator("time").getAttribute("datetime"), oldestOnPage.createdAt);
  // At 1280 px the table fits its card (no sideways scroll); at 390 px no label overlaps its value.
  const overflow = await page
    .locator("table.operations")
    .evaluate((t) => t.parentElement.scrollWidth - t.parentElement.clientWidth);
  assert.ok(overflow <= 0, `the Activity table scrolls sideways by ${overflow}px at 1280 px`);
  await page.setViewportSize({ width: 390, height: 844 });
  const overlaps = await page
    .locator("table.operations tbody tr")
    .first()
    .evaluate((tr) =>
      [...tr.cells].flatMap((td) => {
        const label = parseFloat(getComputedStyle(td, "::before").width) || 0;
        const left = td.getBoundingClientRect().left + label;
        return [...td.children].filter((c) => c.getBoundingClientRect().left < left - 0.5).map(() => td.dataset.label);
      }),
    );
  assert.deepEqual(overlaps, [], "values start after their labels at 390 px");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Open one: the operation view with its recipients.
  await row.getByRole("link").click();
  await page.getByRole("heading", { name: "Operation", level: 1 }).waitFor();
  const panel = page.locator(`section.operation[data-operation-id="${oldestOnPage.id}"]`);
  await panel.getByTestId("operation-status").getByText("COMPLETED").waitFor();
  await panel.getByTestId("operation-title").getByText("Completed").waitFor();
  await panel.getByTestId("operation-content").getByText(`Send ${sentIndex}`).waitFor();
  assert.equal(await page.locator("#nav a", { hasText: "Activity" }).getAttribute("aria-current"), "location");
  await panel.locator("tbody tr").first().waitFor();
  assert.equal(await panel.locator("tbody tr").count(), oldestOnPage.stats.recipients);
  await screenshotsAtBothWidths(page, "operation");

  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
