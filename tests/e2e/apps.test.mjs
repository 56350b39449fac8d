// Feature 7: apps and credentials. List apps (default marked) and credentials; add credentials
// from .pem files and a service-account JSON (content built in the browser by the package);
// make a credential and an app the default; delete with confirmation (the last credential
// takes its app with it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  signIn,
  screenshotsAtBothWidths,
  emulatorState,
  unexpected,
} from "./support/stack.mjs";
import { writeFixture, CERT_PEM, KEY_PEM, SERVICE_ACCOUNT } from "./support/fixtures.mjs";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

test("apps and credentials: list, add from files, make default, delete", async () => {
  const cert = await writeFixture("push-cert.pem", CERT_PEM);
  const key = await writeFixture("push-key.pem", KEY_PEM);
  const account = await writeFixture("service-account.json", SERVICE_ACCOUNT);
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Apps & credentials" }).click();
  await page.getByRole("heading", { name: "Apps & credentials" }).waitFor();

  // The seeded app, marked default, with its two default credentials.
  const demo = page.getByRole("region", { name: "App demo_app" });
  await demo.getByText("Default app").waitFor();
  const seeded = (await emulatorState(stack)).credentials;
  for (const c of seeded) await demo.locator(`tr[data-credential-id="${c.id}"]`).getByText("Default").waitFor();

  // Files swapped by mistake: the package refuses them and the error sits next to the field.
  await page.getByLabel("App name", { exact: true }).fill("shop_app");
  await page.getByLabel("Type", { exact: true }).selectOption("APN_SANDBOX");
  await page.getByLabel("Certificate (.pem)").setInputFiles(key);
  await page.getByLabel("Private key (.pem)").setInputFiles(cert);
  await page.getByRole("button", { name: "Add credential" }).click();
  const certError = page.locator('[data-field="certificatePem"] .field-error');
  await certError.waitFor();
  assert.match(await certError.textContent(), /private key|certificate/i);
  assert.equal((await emulatorState(stack)).credentials.length, seeded.length, "nothing created");

  // The right files: an APN_SANDBOX credential creates the app shop_app.
  await page.getByLabel("Certificate (.pem)").setInputFiles(cert);
  await page.getByLabel("Private key (.pem)").setInputFiles(key);
  await page.getByRole("button", { name: "Add credential" }).click();
  const shop = page.getByRole("region", { name: "App shop_app" });
  await shop.waitFor();
  let state = await emulatorState(stack);
  const sandbox = state.credentials.find((c) => c.appName === "shop_app");
  assert.equal(sandbox.credentialType, "APN_SANDBOX");
  assert.equal(sandbox.isDefault, true, "the first of its type becomes the default");
  await shop.locator(`tr[data-credential-id="${sandbox.id}"]`).waitFor();

  // Two FCM credentials from a service-account JSON, dropped onto the form.
  for (let i = 0; i < 2; i++) {
    await page.getByLabel("App name", { exact: true }).fill("shop_app");
    const dataTransfer = await page.evaluateHandle((json) => {
      const dt = new DataTransfer();
      dt.items.add(new File([json], "service-account.json", { type: "application/json" }));
      return dt;
    }, SERVICE_ACCOUNT);
    await page.getByTestId("credential-dropzone").dispatchEvent("drop", { dataTransfer });
    // The file is read asynchronously: once it is loaded, the type has followed it.
    await page.getByText("Loaded Service account JSON: service-account.json").waitFor();
    assert.equal(await page.getByLabel("Type", { exact: true }).inputValue(), "FCM", "a JSON file means FCM");
    await page.getByRole("button", { name: "Add credential" }).click();
    await page
      .getByText(/^Credential comms_credential_\w+ added to shop_app\.$/)
      .last()
      .waitFor();
  }
  // (and once through the file picker, into demo_app)
  await page.getByLabel("App name", { exact: true }).fill("demo_app");
  await page.getByLabel("Service account (.json)").setInputFiles(account);
  await page.getByRole("button", { name: "Add credential" }).click();
  await eventuallyCredentials(3, "demo_app");

  state = await emulatorState(stack);
  const fcm = state.credentials.filter((c) => c.appName === "shop_app" && c.credentialType === "FCM");
  assert.equal(fcm.length, 2);
  const [first, second] = fcm;
  assert.equal(first.isDefault, true);
  assert.equal(second.isDefault, false);
  await shop.locator(`tr[data-credential-id="${second.id}"]`).waitFor();
  await screenshotsAtBothWidths(page, "apps");

  // Make the second FCM credential the default.
  await shop.getByRole("button", { name: `Make ${second.id} the default FCM credential` }).click();
  await shop.locator(`tr[data-credential-id="${second.id}"]`).getByText("Default").waitFor();
  state = await emulatorState(stack);
  assert.equal(state.credentials.find((c) => c.id === second.id).isDefault, true);
  assert.equal(state.credentials.find((c) => c.id === first.id).isDefault, false);

  // Make shop_app the default app.
  await shop.getByRole("button", { name: "Make default app" }).click();
  await shop.getByText("Default app").waitFor();
  assert.equal((await emulatorState(stack)).defaultAppName, "shop_app");
  await demo.getByRole("button", { name: "Make default app" }).waitFor();

  // Delete a credential: Cancel keeps it, Confirm deletes it.
  await shop.getByRole("button", { name: `Delete credential ${first.id}` }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this credential?" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.ok((await emulatorState(stack)).credentials.some((c) => c.id === first.id));
  await shop.getByRole("button", { name: `Delete credential ${first.id}` }).click();
  await dialog.getByRole("button", { name: "Delete credential" }).click();
  await shop.locator(`tr[data-credential-id="${first.id}"]`).waitFor({ state: "detached" });
  assert.ok(!(await emulatorState(stack)).credentials.some((c) => c.id === first.id));

  // Deleting the last credentials of shop_app: the dialog warns that the app goes too.
  await shop.getByRole("button", { name: `Delete credential ${second.id}` }).click();
  await dialog.getByRole("button", { name: "Delete credential" }).click();
  await shop.getByRole("button", { name: `Delete credential ${sandbox.id}` }).click();
  await dialog.getByText("It is the app's last credential").waitFor();
  await screenshotsAtBothWidths(page, "apps-delete-last");
  await dialog.getByRole("button", { name: "Delete credential and app" }).click();
  await shop.waitFor({ state: "detached" });
  state = await emulatorState(stack);
  assert.ok(!state.apps.some((a) => a.name === "shop_app"), "the app went with its last credential");
  assert.equal(state.defaultAppName, "demo_app", "the remaining app became the default");
  await demo.getByText("Default app").waitFor();

  assert.deepEqual(unexpected(problems), []);
  await context.close();

  async function eventuallyCredentials(n, appName) {
    for (let i = 0; i < 50; i++) {
      if ((await emulatorState(stack)).credentials.filter((c) => c.appName === appName).length === n) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${appName} never had ${n} credentials`);
  }
});
