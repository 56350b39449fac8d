// End to end in workerd: the package's PushClient in Node → the proxy Worker (bearer admin
// token, base URL /api/v1) → the emulator Worker; and the devices Worker registering apps'
// tokens through PushClient inside workerd.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { PushClient, apnCredentialContent, fcmCredentialContent } from "twilio-push-wasm";
import { startStack } from "../../scripts/dev.mjs";
import { bundleWorker, startMiniflare } from "./support/workerd.mjs";
import { assertNoSecrets } from "./support/secrets.mjs";
import { applyMigrations } from "../../www/devices/migrate.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const HEX2 = "0123456789abcdef".repeat(4);
const FCM =
  "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBfakecertificateAAAAAAAAAAAAAAAA\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEfakekeyAAAAAAAAAAAAAAAAAAAAAAA\n-----END RSA PRIVATE KEY-----\n";

let stack;
let client;
before(async () => {
  stack = await startStack({ deliveryMs: 30 });
  client = new PushClient({ baseUrl: `${stack.url}/api/v1`, auth: { bearer: stack.adminToken }, retryBaseMs: 5 });
});
after(async () => {
  if (stack) assertNoSecrets(stack, stack.logs, "logs");
  await stack?.close();
});

test("credential → registrations → list → send → operation → notifications → delete", async () => {
  const created = await client.createCredential({
    credentialType: "APN",
    appName: "e2e_app",
    content: apnCredentialContent(CERT, KEY),
  });
  assert.match(created.resourceId, /^comms_credential_/);
  const credential = await client.fetchCredential({ credentialId: created.resourceId });
  assert.equal(credential.appName, "e2e_app");
  assert.equal(credential.isDefault, true, "the first APN credential of an app is its default");
  assert.equal(JSON.stringify(credential).includes("PRIVATE KEY"), false);

  // The first device creates the user; the second joins it.
  const first = await client.registerDevice({ appName: "e2e_app", provider: "APN", token: HEX.toUpperCase() });
  const reg = await client.getDeviceRegistration({ deviceRegistrationId: first.resourceId });
  const userId = reg.userId;
  assert.match(userId, /^comms_pushnotificationuser_/);
  const second = await client.registerDevice({ appName: "e2e_app", provider: "APN", token: `<${HEX2}>`, userId });
  assert.equal(second.resourceId, first.resourceId, "one registration per user and app");
  const again = await client.registerDevice({ appName: "e2e_app", provider: "APN", token: HEX });
  assert.equal(again.resourceId, first.resourceId, "registering the same token again is idempotent");

  const listed = await client.listDeviceRegistrations({ userId });
  assert.equal(listed.items.length, 1);
  assert.deepEqual(listed.items[0].devices.map((d) => d.token).sort(), [HEX2, HEX].sort());
  const all = [];
  for await (const r of client.listAllDeviceRegistrations({ userId, pageSize: 1 })) all.push(r.id);
  assert.deepEqual(all, [first.resourceId]);

  // Send to the user (2 devices) and to raw tokens: one good FCM-less APN token and one the
  // emulator was told is unregistered.
  const unregistered = "ab".repeat(32);
  await stack.emulator.request("/__emulator/unregistered", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tokens: [unregistered] }),
  });
  const sent = await client.sendPush({
    to: [
      { userId },
      { token: "cd".repeat(32), provider: "APN" },
      { token: unregistered.toUpperCase(), provider: "APN" },
    ],
    content: { title: "Hello", body: "From the e2e test" },
    from: { appName: "e2e_app" },
    tags: { suite: "e2e" },
  });
  assert.match(sent.operationId, /^comms_operation_/);

  let operation;
  for (let i = 0; i < 100; i++) {
    operation = await client.fetchOperation({ operationId: sent.operationId });
    if (operation.status === "COMPLETED") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(operation.status, "COMPLETED");
  assert.equal(operation.stats.recipients, 4);
  assert.equal(operation.stats.sent, 3);
  assert.equal(operation.stats.failed, 1);

  const notifications = await client.listPushNotifications({ operationId: sent.operationId });
  const byToken = Object.fromEntries(notifications.items.map((n) => [n.to.token, n]));
  assert.equal(byToken[unregistered].status, "FAILED");
  assert.equal(byToken[unregistered].failureReason, "Unregistered");
  assert.equal(byToken[HEX].status, "SENT");
  const one = await client.fetchPushNotification({ pushNotificationId: byToken[HEX2].id });
  assert.equal(one.status, "SENT");

  const deleted = await client.deleteDeviceRegistration({ deviceRegistrationId: first.resourceId });
  assert.equal(deleted.resourceId, first.resourceId);
  const after = await client.listDeviceRegistrations({ userId });
  assert.equal(after.items.length, 0, "the user has no devices");
});

test("FCM credentials from a service-account file, and errors through the proxy are typed", async () => {
  const serviceAccount = JSON.stringify({
    type: "service_account",
    project_id: "demo",
    private_key: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
    client_email: "push@demo.iam.gserviceaccount.com",
  });
  const made = await client.createCredential({
    credentialType: "FCM",
    appName: "e2e_app",
    content: fcmCredentialContent(serviceAccount),
  });
  assert.match(made.resourceId, /^comms_credential_/);
  try {
    await client.getDeviceRegistration({ deviceRegistrationId: "comms_device_registration_doesnotexist" });
    assert.fail("should be 404");
  } catch (e) {
    assert.equal(e.code, "API_ERROR");
    assert.equal(e.status, 404);
    assert.equal(e.retryable, false);
    assert.equal(e.twilioCode, 20404);
  }
  const wrong = new PushClient({ baseUrl: `${stack.url}/api/v1`, auth: { bearer: "x".repeat(48) } });
  try {
    await wrong.listApps();
    assert.fail("should be 401");
  } catch (e) {
    assert.equal(e.status, 401);
    assert.equal(e.body.code, "UNAUTHORIZED");
  }
});

test("devices worker: apps register their own tokens, repeat calls do not duplicate", async () => {
  const username = "ACdevices";
  const password = "devices-emulator-secret";
  const appKey = "app-key-0123456789abcdef";
  const mf = startMiniflare([
    {
      name: "devices",
      scriptPath: await bundleWorker(join(ROOT, "www", "devices", "worker.js"), ROOT),
      bindings: {
        APP_API_KEY: appKey,
        TWILIO_ACCOUNT_SID: username,
        TWILIO_AUTH_TOKEN: password,
        TWILIO_BASE_URL: "http://emulator.local/v1",
      },
      // The Worker's outgoing fetches (PushClient's) go to the emulator Worker.
      outboundService: "emulator",
      d1Databases: ["DB"],
    },
    {
      name: "emulator",
      scriptPath: await bundleWorker(join(ROOT, "www", "emulator", "worker.js"), ROOT),
      bindings: { EMULATOR_USERNAME: username, EMULATOR_PASSWORD: password, EMULATOR_SEED: "1" },
    },
  ]);
  try {
    await applyMigrations(await mf.getD1Database("DB", "devices"));
    const post = (body, key = appKey) =>
      mf.dispatchFetch("http://devices.local/devices", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
    const a = await post({ token: HEX.toUpperCase(), appName: "demo_app" });
    assert.equal(a.status, 200, await a.clone().text());
    const first = await a.json();
    assert.equal(first.token, HEX);
    assert.equal(first.provider, "APN");
    assert.match(first.registrationId, /^comms_device_registration_/);
    assert.deepEqual(first.warnings, ["UPPERCASE_HEX"]);
    const b = await (
      await post({ token: `<${HEX.match(/.{8}/g).join(" ")}>`, provider: "APN", appName: "demo_app" })
    ).json();
    assert.equal(b.registrationId, first.registrationId);
    assert.equal(b.userId, first.userId);
    const fcm = await (await post({ token: FCM, appName: "demo_app" })).json();
    assert.equal(fcm.provider, "FCM");

    const emulator = await mf.getWorker("emulator");
    const state = await (await emulator.fetch("http://emulator.local/__emulator/state")).json();
    const devices = JSON.stringify(state).split(HEX).length - 1;
    assert.equal(devices, 1, "the token is stored once");

    const bad = await post({ token: "{length = 32, bytes = 0x965b251c ... 376eab7c }", appName: "demo_app" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, "TRUNCATED_DESCRIPTION");
    const wrongKey = await post({ token: HEX, appName: "demo_app" }, "app-key-0123456789abcdeX");
    assert.equal(wrongKey.status, 401);
    const noApp = await post({ token: HEX, appName: "missing_app" });
    assert.equal(noApp.status, 400);
  } finally {
    await mf.dispose();
  }
});
