// Feature 3: register a device: app from listApps, provider pre-filled from detection, token
// checked inline, optional user ID; shows the created registration, then the user's devices.
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
  unexpected,
} from "./support/stack.mjs";

const FCM =
  "cW3kVpq9RlmYQhDBcxbmTz:APA91bGv0gk1h8G2nS3YpZc0a9JbB7cQkXeYv3lq2hRt8ZpQmN1xLkWcVbNmAsDfGhJkLqWeRtYuIoPaSdFgHjKlZxCvBnMqWeRtYuIoPaSdFgHjKlZxCvBnMqWeRtYuIoPaSdFgHjK";
const HEX = "0123456789abcdeffedcba98765432100123456789abcdeffedcba9876543210";
const SPACED_UPPER = HEX.toUpperCase().match(/.{8}/g).join(" ");

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

test("register a device: detect the provider, create the registration, show the user's devices", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Register a device" }).click();
  await page.getByRole("heading", { name: "Register a device" }).waitFor();

  // Apps come from listApps, the default one pre-selected.
  const app = page.getByLabel("App");
  await page.locator("option", { hasText: "demo_app (default)" }).waitFor({ state: "attached" });
  assert.equal(await app.inputValue(), "demo_app");

  // An invalid token is explained inline and never sent.
  await emulator(stack, "/__emulator/log", { method: "DELETE" });
  const token = page.getByLabel("Device token");
  await token.fill("32 bytes");
  await page.getByText("DESCRIPTION_WITHOUT_BYTES").waitFor();
  await page.getByRole("button", { name: "Register device" }).click();
  await page.locator('[data-field="token"] .field-error').getByText("This token cannot be registered").waitFor();
  // The explanation appears once (in the check), not again under the field.
  const explanation = await page.locator('[data-field="token"] .error-message').textContent();
  assert.equal(await page.getByText(explanation, { exact: false }).count(), 1);
  assert.equal((await emulator(stack, "/__emulator/log")).requests.length, 0, "nothing sent for an invalid token");

  // An FCM token: the provider follows the detection.
  await token.fill(FCM);
  await page.getByText("Detected: FCM").waitFor();
  assert.equal(await page.getByLabel("Provider").inputValue(), "FCM");
  // Choosing APN for it: the hint never claims otherwise; the check explains the mismatch once.
  await page.getByLabel("Provider").selectOption("APN");
  await page.getByText("PROVIDER_MISMATCH").waitFor();
  assert.equal(await page.locator(".detected").textContent(), "");
  await page.getByLabel("Provider").selectOption("FCM");
  await page.getByText("Detected: FCM").waitFor();
  await page.getByRole("button", { name: "Register device" }).click();
  const userId = await page.getByTestId("registered-user").textContent();
  assert.match(userId, /^comms_pushnotificationuser_/);
  await page.getByRole("heading", { name: "All devices of this user" }).waitFor();

  let state = await emulatorState(stack);
  const reg = state.deviceRegistrations.find((r) => r.userId === userId);
  assert.ok(reg, "the registration exists in the emulator");
  assert.equal(reg.appName, "demo_app");
  assert.deepEqual(
    reg.devices.map((d) => [d.provider, d.token]),
    [["FCM", FCM]],
  );

  // A second device for the same user, an APNs token in upper case with spaces: the canonical
  // form is what gets registered, and the user's device list shows both.
  await token.fill(SPACED_UPPER);
  await page.getByText("Detected: APN").waitFor();
  await page.getByRole("textbox", { name: "User ID (optional)" }).fill(userId);
  await page.getByRole("button", { name: "Register device" }).click();
  await page.locator(".result .registration tbody tr").nth(1).waitFor();
  await page.getByRole("heading", { name: "All devices of this user" }).waitFor();
  const listed = page.locator(".result section").last().locator("tbody tr");
  await listed.nth(1).waitFor();
  assert.equal(await listed.count(), 2);
  assert.equal(await page.locator(".result [data-registration-id]").count(), 1, "the registration is drawn once");
  await screenshotsAtBothWidths(page, "register-result");

  state = await emulatorState(stack);
  const regs = state.deviceRegistrations.filter((r) => r.userId === userId);
  assert.equal(regs.length, 1, "one registration per user per app");
  assert.deepEqual(regs[0].devices.map((d) => [d.provider, d.token]).sort(), [
    ["APN", HEX],
    ["FCM", FCM],
  ]);

  // An unknown user ID: the API's 404 is shown next to the User ID field.
  await token.fill(HEX.replace(/0/g, "1"));
  await page
    .getByRole("textbox", { name: "User ID (optional)" })
    .fill("comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8");
  await page.getByRole("button", { name: "Register device" }).click();
  const userError = page.locator('[data-field="userId"] .field-error');
  await userError.waitFor();
  assert.match(await userError.textContent(), /not found/i);
  await screenshotsAtBothWidths(page, "register-error");
  state = await emulatorState(stack);
  assert.ok(
    !state.deviceRegistrations.some((r) => r.devices.some((d) => d.token === HEX.replace(/0/g, "1"))),
    "nothing registered for the unknown user",
  );

  assert.deepEqual(unexpected(problems, [404]), []);
  await context.close();
});
