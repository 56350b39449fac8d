// Daily operations: errors a person understands (proxy down on every view, a lost send answer,
// the header's connection badge), a send that reached nobody (a warning with what to check),
// the operation card's title following its state, the sidebar on the operation page, the header
// height, credential files checked when chosen, and the registrations list (newest first, device
// counts, refresh).
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
  api,
  unexpected,
} from "./support/stack.mjs";
import { writeFixture, KEY_PEM, apnToken } from "./support/fixtures.mjs";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

/** Chromium's own console line for a request the test aborted on purpose. */
const aborted = (p) => /net::ERR_(CONNECTION_REFUSED|FAILED)/.test(p);

test("proxy unreachable: every view says so in words, with Try again; the badge says Offline", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  const header = page.locator("header.topbar");
  const before = (await header.boundingBox()).height;
  await signIn(page, stack.adminToken);
  assert.equal((await header.boundingBox()).height, before, "the header keeps its height after sign-in");
  await page.getByTestId("connection").getByText("Emulator").waitFor();

  await page.route("**/api/**", (route) => route.abort("connectionrefused"));
  const where = `Can't reach the proxy at ${stack.url}/api`;

  // Activity: the error in words, with Try again; the header turns Offline.
  await page.goto(`${stack.url}/#/activity`);
  const main = page.locator("main");
  await main.getByText(where).first().waitFor();
  assert.doesNotMatch(await main.textContent(), /Failed to fetch|TypeError/);
  await page.getByTestId("connection").getByText("Offline").waitFor();
  await screenshotsAtBothWidths(page, "proxy-down");

  // The other views that read from the proxy.
  const views = [
    ["#/registrations", async () => page.getByRole("button", { name: "Show users" }).click()],
    ["#/apps", null],
    [
      "#/register",
      async () => {
        await page.getByLabel("Device token").fill(apnToken(5, 9));
        await page.getByRole("button", { name: "Register device" }).click();
      },
    ],
  ];
  for (const [hash, act] of views) {
    await page.goto(`${stack.url}/${hash}`);
    await act?.();
    const view = page.locator(`[data-view="${hash.slice(2)}"]`);
    await view
      .getByText(/Can't reach the proxy at/)
      .first()
      .waitFor();
    await view.getByRole("button", { name: "Try again" }).first().waitFor();
  }

  // A send with the proxy down: it may or may not have reached the proxy, so no Try again (a
  // repeated send could deliver twice) but the way to check.
  await page.goto(`${stack.url}/#/send`);
  await page.getByLabel("User IDs").fill("comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8");
  await page.getByLabel("Title").fill("Proxy down");
  await page.getByRole("button", { name: "Send to 1 recipient" }).click();
  const lost = page.getByTestId("send-answer-lost");
  await lost.getByText(`The connection to the proxy at ${stack.url}/api failed`).waitFor();
  await lost.getByRole("link", { name: "Activity" }).waitFor();
  assert.equal(await lost.getByRole("button", { name: "Try again" }).count(), 0);

  // Back up: Try again brings the content, and the badge comes back. The view kept its DOM from
  // the first visit, and the client retries a failed request before the view gives up: wait until
  // this visit's own error box has replaced the first one (every try has failed) before the proxy
  // comes back, or a retry in flight would bring the content by itself.
  const firstError = await page.locator('[data-view="activity"] button', { hasText: "Try again" }).elementHandle();
  await page.goto(`${stack.url}/#/activity`);
  await page.waitForFunction((button) => !button?.isConnected, firstError);
  const retry = page.locator('[data-view="activity"]').getByRole("button", { name: "Try again" });
  await retry.waitFor();
  await page.unroute("**/api/**");
  await retry.click();
  await page.locator('[data-view="activity"]').getByText("No sends yet.").waitFor();
  await page.getByTestId("connection").getByText("Emulator").waitFor();
  assert.deepEqual(
    unexpected(problems).filter((p) => !aborted(p)),
    [],
  );
  await context.close();
});

test("a send whose answer is lost says it may or may not have been accepted and points to Activity", async () => {
  const seed = (await emulatorState(stack)).deviceRegistrations[0];
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/send`);
  await page.getByTestId("default-app").getByText("The default app (demo_app)").waitFor();
  await page.getByLabel("User IDs").fill(seed.userId);
  await page.getByLabel("Title").fill("Lost answer");
  // The emulator applies the send, then drops the connection: the answer never comes back.
  await emulator(stack, "/__emulator/faults", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ next: ["drop-after"], match: { method: "POST", pathPrefix: "/v1/PushNotifications" } }),
  });
  const sendsBefore = (await emulator(stack, "/__emulator/stats")).sends;
  await page.getByRole("button", { name: "Send to 1 recipient" }).click();
  const lost = page.getByTestId("send-answer-lost");
  await lost.waitFor();
  assert.match(await lost.textContent(), /may or may not have been accepted/);
  await lost.getByRole("link", { name: "Activity" }).click();
  await page.getByRole("heading", { name: "Activity", level: 1 }).waitFor();
  // It was in fact accepted (drop-after applies the request): Activity shows it.
  assert.equal((await emulator(stack, "/__emulator/stats")).sends, sendsBefore + 1, "sent once, not retried");
  await page.locator("table.operations tbody tr").first().getByText("Lost answer").waitFor();
  await emulator(stack, "/__emulator/faults", { method: "DELETE" });
  assert.deepEqual(unexpected(problems, [502]), []);
  await context.close();
});

test("a send that reaches nobody is a warning saying what to check; titles follow the state", async () => {
  // A user with no devices: register one device for a new user, then delete the registration.
  await api(stack, "/PushNotifications/DeviceRegistrations", {
    method: "POST",
    body: { appName: "demo_app", token: apnToken(42, 3), provider: "APN" },
  });
  const reg = (await emulatorState(stack)).deviceRegistrations.find((r) =>
    r.devices.some((d) => d.token === apnToken(42, 3)),
  );
  await api(stack, `/PushNotifications/DeviceRegistrations/${reg.id}`, { method: "DELETE" });

  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/send`);
  await page.getByLabel("User IDs").fill(reg.userId);
  await page.getByLabel("Title").fill("Nobody home");
  await page.getByLabel("Body").fill("This reaches no device.");
  await page.getByRole("button", { name: "Send to 1 recipient" }).click();
  const panel = page.locator("section.operation");
  await panel.getByTestId("operation-title").getByText("Reached nobody").waitFor();
  await panel.locator(".op-warning").getByText("No registered device was found").first().waitFor();
  assert.equal(await panel.locator(".chip-success").count(), 0, "no green status");

  // Activity: the row says what was sent and that it reached nobody.
  await page.getByRole("link", { name: "Activity" }).click();
  const row = page.locator("table.operations tbody tr").first();
  await row.getByText("Nobody home").waitFor();
  await row.getByText("Reached nobody").waitFor();
  // The operation page: the sidebar shows where you are; the warning and the content.
  await row.getByRole("link").click();
  await page.getByRole("heading", { name: "Operation", level: 1 }).waitFor();
  assert.equal(await page.locator("#nav a", { hasText: "Activity" }).getAttribute("aria-current"), "location");
  const op = page.locator('[data-view="operations"] section.operation');
  await op.locator(".op-warning").getByText("No registered device was found").first().waitFor();
  await op.getByTestId("operation-content").getByText("This reaches no device.").waitFor();
  await screenshotsAtBothWidths(page, "operation-reached-nobody");

  // A send that reaches devices: Processing, then Completed (never "Sent" from the start).
  const seed = (await emulatorState(stack)).deviceRegistrations.find((r) => r.devices.length === 2);
  await page.goto(`${stack.url}/#/send`);
  await page.getByLabel("User IDs").fill(seed.userId);
  await page.getByLabel("Title").fill("Somebody home");
  await page.getByRole("button", { name: "Send to 1 recipient" }).click();
  const title = page.locator("section.operation").getByTestId("operation-title");
  await title.getByText(/^(Accepted|Processing)$/).waitFor();
  await title.getByText("Completed").waitFor({ timeout: 20_000 });
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("credential files are checked when chosen, in words", async () => {
  const notAccount = await writeFixture("google-services.json", JSON.stringify({ project_info: { project_id: "x" } }));
  const key = await writeFixture("key-as-cert.pem", KEY_PEM);
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/apps`);
  await page.getByLabel("Type", { exact: true }).selectOption("FCM");
  await page.getByLabel("Service account (.json)").setInputFiles(notAccount);
  const jsonError = page.locator('[data-field="serviceAccountJson"] .field-error');
  await jsonError.waitFor();
  const text = await jsonError.textContent();
  assert.match(text, /google-services\.json: The service-account file's "type" must be "service_account"/);
  assert.doesNotMatch(text, /serviceAccountJson/, "no internal field names");
  await page.getByLabel("Type", { exact: true }).selectOption("APN");
  await page.getByLabel("Certificate (.pem)").setInputFiles(key);
  await page
    .locator('[data-field="certificatePem"] .field-error')
    .getByText("key-as-cert.pem is a private key, not a certificate")
    .waitFor();
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("registrations: users newest first with device counts, Refresh", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/registrations`);
  await page.getByRole("button", { name: "Show users" }).click();
  const users = page.getByTestId("users");
  const seed = (await emulatorState(stack)).deviceRegistrations.find((r) => r.devices.length === 2);
  await users.locator(`[data-device-count="${seed.userId}"]`).getByText("2 devices").waitFor();

  // A new user appears on top after Refresh.
  await api(stack, "/PushNotifications/DeviceRegistrations", {
    method: "POST",
    body: { appName: "demo_app", token: apnToken(77, 5), provider: "APN" },
  });
  const newest = (await emulatorState(stack)).deviceRegistrations.find((r) =>
    r.devices.some((d) => d.token === apnToken(77, 5)),
  );
  await page.locator(".users-list").getByRole("button", { name: "Refresh" }).click();
  await users.locator(`tbody tr[data-user-id="${newest.userId}"]`).waitFor();
  assert.equal(await users.locator("tbody tr").first().getAttribute("data-user-id"), newest.userId, "newest first");
  await users.locator(`[data-device-count="${newest.userId}"]`).getByText("1 device").waitFor();
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
