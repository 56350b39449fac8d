// Feature 4: look up a user's registrations, see the devices, delete one after confirming.
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
  unexpected,
} from "./support/stack.mjs";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

test("registrations: look up a user, see the devices, cancel and confirm a delete", async () => {
  // The seed: one user with an APN and an FCM device in demo_app.
  const seeded = (await emulatorState(stack)).deviceRegistrations[0];
  const userId = seeded.userId;
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Registrations" }).click();
  await page.getByRole("heading", { name: "Registrations", level: 1 }).waitFor();

  // Nothing typed: told what to do, next to the field.
  await page.getByRole("button", { name: "Look up" }).click();
  await page.locator('[data-field="userId"] .field-error').getByText("Enter a user ID").waitFor();

  // Pick the user from the users list.
  await page.getByRole("button", { name: "Show users" }).click();
  const userRow = page.locator("tr", { hasText: userId });
  await userRow.waitFor();
  await userRow.getByRole("button", { name: "Show devices" }).click();
  await page.getByRole("heading", { name: "1 registration, 2 devices" }).waitFor();
  assert.equal(await page.getByRole("textbox", { name: "User ID", exact: true }).inputValue(), userId);
  const card = page.locator(`[data-registration-id="${seeded.id}"]`);
  for (const d of seeded.devices) await card.locator(`code[title="${d.token}"]`).waitFor();
  await screenshotsAtBothWidths(page, "registrations");

  // Deep link from elsewhere in the page (e.g. after registering).
  await page.goto(`${stack.url}/#/tokens`);
  await page.goto(`${stack.url}/#/registrations?user=${encodeURIComponent(userId)}`);
  await page.getByRole("heading", { name: "1 registration, 2 devices" }).waitFor();

  // Delete: Cancel keeps it…
  await card.getByRole("button", { name: "Delete the registration in app demo_app" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this registration?" });
  await dialog.waitFor();
  await dialog.getByText("2 devices").waitFor();
  await screenshotsAtBothWidths(page, "registrations-confirm");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(
    (await emulatorState(stack)).deviceRegistrations.filter((r) => r.userId === userId).length,
    1,
    "Cancel deletes nothing",
  );

  // …Confirm deletes it, and the list says so.
  await card.getByRole("button", { name: "Delete the registration in app demo_app" }).click();
  await dialog.getByRole("button", { name: "Delete registration" }).click();
  await page.getByRole("heading", { name: "No registrations" }).waitFor();
  await page.getByText("Deleted the registration in demo_app.").waitFor();
  const state = await emulatorState(stack);
  assert.equal(state.deviceRegistrations.filter((r) => r.userId === userId).length, 0, "the registration is gone");
  assert.ok(
    state.users.some((u) => u.id === userId),
    "the user itself remains",
  );

  // A registration that disappears meanwhile: the API's 404 is shown on its card.
  const other = await api(stack, "/PushNotifications/DeviceRegistrations", {
    method: "POST",
    body: { appName: "demo_app", token: "ab".repeat(32), provider: "APN" },
  });
  const reg = await api(stack, `/PushNotifications/DeviceRegistrations/${other.resourceId}`);
  await page.getByRole("textbox", { name: "User ID", exact: true }).fill(reg.userId);
  await page.getByRole("button", { name: "Look up" }).click();
  const otherCard = page.locator(`[data-registration-id="${reg.id}"]`);
  await otherCard.waitFor();
  await api(stack, `/PushNotifications/DeviceRegistrations/${reg.id}`, { method: "DELETE" });
  await otherCard.getByRole("button", { name: /Delete the registration/ }).click();
  await dialog.getByRole("button", { name: "Delete registration" }).click();
  await otherCard
    .getByRole("alert")
    .getByText(/^DeviceRegistration .* was not found$/)
    .waitFor();
  await otherCard.getByRole("alert").getByText("API_ERROR · HTTP 404 · Twilio error 20404").waitFor();

  assert.deepEqual(unexpected(problems, [404]), []);
  await context.close();
});
