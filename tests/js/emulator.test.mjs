// Tests of the Twilio Push API emulator (www/emulator/): the core through createEmulator().fetch,
// the Node server through real HTTP, the Workers entry, and the CLI.
// Run: node --test tests/js/emulator.test.mjs

import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

import { createEmulator, EmulatorDropError, fakeCredentialContent, SEED, LIMITS } from "../../www/emulator/emulator.js";
import { startEmulatorServer } from "../../www/emulator/server.mjs";
import worker from "../../www/emulator/worker.js";

const USER = "ACtest000000000000000000000000000";
const PASS = "secret-auth-token";
const AUTH = `Basic ${btoa(`${USER}:${PASS}`)}`;
const BASE = "http://emulator.test";
const SERVER_PATH = fileURLToPath(new URL("../../www/emulator/server.mjs", import.meta.url));

const ID_SUFFIX = "[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}$";
const ID_RE = {
  notification: new RegExp(`^comms_pushnotification_${ID_SUFFIX}`),
  operation: new RegExp(`^comms_operation_${ID_SUFFIX}`),
  registration: new RegExp(`^comms_device_registration_${ID_SUFFIX}`),
  user: new RegExp(`^comms_pushnotificationuser_${ID_SUFFIX}`),
  credential: new RegExp(`^comms_credential_${ID_SUFFIX}`),
};

const APN_TOKEN = "a".repeat(64);
const apnToken = (i) => i.toString(16).padStart(64, "0");
const fcmToken = (i) => `inst${String(i).padStart(18, "0")}:APA91b${"x".repeat(120)}${i}`;

/** A controllable clock: tests move time forward instead of sleeping. */
function makeClock(start = Date.UTC(2025, 4, 30, 17, 24, 46)) {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** An emulator driven through its fetch(), plus helpers that return {status, headers, body}. */
function direct(options = {}) {
  const clock = options.clock ?? makeClock();
  const emulator = createEmulator({ credentials: [{ username: USER, password: PASS }], now: clock.now, ...options });
  async function call(method, path, body, { auth = AUTH, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (auth) h.Authorization = auth;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["Content-Type"] ??= "application/json";
    }
    const res = await emulator.fetch(new Request(BASE + path, { method, headers: h, body: payload }));
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }
  return { emulator, clock, call };
}

async function createCredential(call, appName, credentialType = "APN", extra = {}) {
  const res = await call("POST", "/v1/PushNotifications/Credentials", {
    credentialType,
    appName,
    content: fakeCredentialContent(credentialType),
    ...extra,
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.resourceId;
}

async function register(call, appName, token, provider, userId) {
  const body = { appName, token, provider };
  if (userId) body.userId = userId;
  return call("POST", "/v1/PushNotifications/DeviceRegistrations", body);
}

async function registrationOf(call, regId) {
  const res = await call("GET", `/v1/PushNotifications/DeviceRegistrations/${regId}`);
  assert.equal(res.status, 200);
  return res.body;
}

function assertErrorBody(res, status, code) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.body.code, code);
  assert.equal(res.body.status, status);
  assert.equal(res.body.moreInfo, `https://www.twilio.com/docs/api/errors/${code}`);
  assert.equal(typeof res.body.message, "string");
  assert.ok(res.body.message.length > 0);
}

function fieldsOf(res) {
  return (res.body.errors ?? []).map((e) => e.field);
}

/** Follows `pagination.next` until the end; returns every item and the number of pages. */
async function collectPages(call, path, key) {
  const items = [];
  let pages = 0;
  let url = path;
  for (;;) {
    const res = await call("GET", url);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages += 1;
    items.push(...res.body[key]);
    const next = res.body.pagination.next;
    if (!next) break;
    url = `${path}${path.includes("?") ? "&" : "?"}pageToken=${encodeURIComponent(next)}`;
    assert.ok(pages < 1000, "pagination does not terminate");
  }
  return { items, pages };
}

// -------------------------------------------------------------------------------------------------

describe("construction", () => {
  test("requires credentials", () => {
    assert.throws(() => createEmulator({}), TypeError);
    assert.throws(() => createEmulator({ credentials: [] }), TypeError);
    assert.throws(() => createEmulator({ credentials: [{ username: "u", password: "" }] }), TypeError);
    assert.throws(() => createEmulator({ credentials: [{ username: "u", password: "p" }], deliveryMs: -1 }), TypeError);
  });

  test("exposes state, reset, seed and options", () => {
    const { emulator } = direct({ deliveryMs: 10, baseUrl: "http://x/v1/" });
    assert.equal(emulator.options.deliveryMs, 10);
    assert.equal(emulator.options.baseUrl, "http://x/v1");
    assert.ok(emulator.state.apps instanceof Map);
    const seeded = emulator.seed();
    assert.equal(emulator.state.apps.size, 1);
    assert.equal(seeded.appName, "demo_app");
    emulator.reset();
    assert.equal(emulator.state.apps.size, 0);
  });
});

describe("IDs", () => {
  test("have the documented prefixes, Crockford base32 and time order", async () => {
    const clock = makeClock();
    const { call } = direct({ clock });
    const c1 = await createCredential(call, "app_one");
    clock.advance(5);
    const c2 = await createCredential(call, "app_one");
    const c3 = await createCredential(call, "app_one"); // same millisecond: still increasing
    for (const id of [c1, c2, c3]) assert.match(id, ID_RE.credential);
    assert.ok(c1 < c2 && c2 < c3, `${c1} < ${c2} < ${c3}`);
    // The first 10 suffix characters encode the millisecond time, like a ULID.
    const decodeTime = (id) =>
      [...id.slice("comms_credential_".length, "comms_credential_".length + 10)].reduce(
        (acc, ch) => acc * 32 + "0123456789abcdefghjkmnpqrstvwxyz".indexOf(ch),
        0,
      );
    assert.equal(decodeTime(c2) - decodeTime(c1), 5);

    const reg = await register(call, "app_one", APN_TOKEN, "APN");
    assert.match(reg.body.resourceId, ID_RE.registration);
    const regBody = await registrationOf(call, reg.body.resourceId);
    assert.match(regBody.userId, ID_RE.user);
    const send = await call("POST", "/v1/PushNotifications", {
      to: [{ token: APN_TOKEN, provider: "APN" }],
      content: { title: "t" },
    });
    assert.match(send.body.operationId, ID_RE.operation);
    const list = await call("GET", "/v1/PushNotifications");
    assert.match(list.body.pushNotifications[0].id, ID_RE.notification);
  });

  test("use an injected random source", async () => {
    const a = direct({ random: () => 0.5 });
    const b = direct({ random: () => 0.5 });
    assert.equal(await createCredential(a.call, "same"), await createCredential(b.call, "same"));
  });
});

describe("auth, routing and bodies", () => {
  test("missing, malformed and wrong Basic credentials get 401", async () => {
    const { call } = direct();
    for (const auth of [
      null,
      "Bearer abc",
      "Basic !!!",
      `Basic ${btoa(`${USER}:wrong`)}`,
      `Basic ${btoa(`${USER}:${PASS}x`)}`,
      `Basic ${btoa(USER)}`,
    ]) {
      const res = await call("GET", "/v1/PushNotifications/Apps", undefined, { auth });
      assertErrorBody(res, 401, 20003);
      assert.ok(!res.body.message.includes(PASS));
    }
    assert.equal((await call("GET", "/v1/PushNotifications/Apps")).status, 200);
  });

  test("any configured credential pair is accepted, including non-ASCII secrets", async () => {
    const emulator = createEmulator({
      credentials: [
        { username: "AC1", password: "one" },
        { username: "SK2", password: "pässwörd:with:colons" },
      ],
    });
    const get = (user, pass) => {
      const bytes = new TextEncoder().encode(`${user}:${pass}`);
      const auth = `Basic ${btoa(String.fromCharCode(...bytes))}`;
      return emulator.fetch(new Request(`${BASE}/v1/PushNotifications/Users`, { headers: { Authorization: auth } }));
    };
    assert.equal((await get("AC1", "one")).status, 200);
    assert.equal((await get("SK2", "pässwörd:with:colons")).status, 200);
    assert.equal((await get("AC1", "pässwörd:with:colons")).status, 401);
  });

  test("unknown paths get 404 and wrong methods 405 with Allow", async () => {
    const { call } = direct();
    assertErrorBody(await call("GET", "/v1/Nope"), 404, 20404);
    assertErrorBody(await call("GET", "/v1/PushNotifications/Operations/x/Nope"), 404, 20404);
    assertErrorBody(await call("GET", "/v1"), 404, 20404);
    assertErrorBody(await call("GET", "/"), 404, 20404);
    const res = await call("PUT", "/v1/PushNotifications/Credentials", {});
    assertErrorBody(res, 405, 20004);
    assert.equal(res.headers.get("allow"), "GET, POST");
    const del = await call("DELETE", "/v1/PushNotifications/Apps/x");
    assertErrorBody(del, 405, 20004);
    assert.equal(del.headers.get("allow"), "GET, PATCH");
    // Unauthenticated requests are refused before routing.
    assertErrorBody(await call("GET", "/v1/Nope", undefined, { auth: null }), 401, 20003);
  });

  test("bodies must be JSON objects sent as application/json", async () => {
    const { call } = direct();
    const path = "/v1/PushNotifications/Credentials";
    assertErrorBody(
      await call("POST", path, undefined, { raw: "{}", headers: { "Content-Type": "text/plain" } }),
      400,
      20001,
    );
    assertErrorBody(await call("POST", path, undefined, { raw: "{}" }), 400, 20001);
    assertErrorBody(
      await call("POST", path, undefined, { raw: "{not json", headers: { "Content-Type": "application/json" } }),
      400,
      20001,
    );
    assertErrorBody(await call("POST", path, [1, 2]), 400, 20001);
    assertErrorBody(
      await call("POST", path, undefined, { raw: "", headers: { "Content-Type": "application/json" } }),
      400,
      20001,
    );
    // A charset parameter is fine.
    const ok = await call(
      "POST",
      path,
      { credentialType: "FCM", appName: "a", content: fakeCredentialContent("FCM") },
      {
        headers: { "Content-Type": "application/json; charset=utf-8" },
      },
    );
    assert.equal(ok.status, 202);
  });
});

describe("credentials and apps", () => {
  test("create returns 202 with resource body and Location; fetch never returns content", async () => {
    const { call } = direct({ baseUrl: "https://emu.example/v1" });
    const res = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "APN",
      appName: "limonade_app",
      content: fakeCredentialContent("APN"),
    });
    assert.equal(res.status, 202);
    const id = res.body.resourceId;
    assert.equal(res.body.resourceLocation, `https://emu.example/v1/PushNotifications/Credentials/${id}`);
    assert.equal(res.headers.get("location"), res.body.resourceLocation);
    const fetched = await call("GET", `/v1/PushNotifications/Credentials/${id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(Object.keys(fetched.body).sort(), [
      "appName",
      "createdAt",
      "credentialType",
      "id",
      "isDefault",
      "updatedAt",
    ]);
    assert.equal(fetched.body.isDefault, true); // first of its type
    assert.equal(fetched.body.appName, "limonade_app");
    assert.match(fetched.body.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(fetched.body.createdAt, "2025-05-30T17:24:46Z");
    const app = await call("GET", "/v1/PushNotifications/Apps/limonade_app");
    assert.equal(app.status, 200);
    assert.deepEqual(app.body.defaultCredentials, [{ credentialType: "APN", credentialId: id }]);
    assert.equal(app.body.isDefault, true);
    assertErrorBody(await call("GET", "/v1/PushNotifications/Credentials/comms_credential_nope"), 404, 20404);
  });

  test("validation lists every problem and never echoes secrets", async () => {
    const { call } = direct();
    const secret = btoa("TOP-SECRET-NOT-PEM");
    const res = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "APN",
      appName: "Bad-Name",
      content: { certificate: secret, privateKey: "%%%not base64%%%" },
      isDefault: "yes",
    });
    assertErrorBody(res, 400, 20001);
    assert.deepEqual(fieldsOf(res).sort(), ["appName", "content.certificate", "content.privateKey", "isDefault"]);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes(secret) && !text.includes("TOP-SECRET") && !text.includes("%%%"));

    const missing = await call("POST", "/v1/PushNotifications/Credentials", {});
    assert.deepEqual(fieldsOf(missing).sort(), ["appName", "content", "credentialType"]);
    const badType = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "GCM",
      appName: "a",
      content: {},
    });
    assert.deepEqual(fieldsOf(badType), ["credentialType"]);
    const apnMissing = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "APN_SANDBOX",
      appName: "a",
      content: {},
    });
    assert.deepEqual(fieldsOf(apnMissing), ["content.certificate", "content.privateKey"]);
  });

  test("FCM content must be base64 of a service-account JSON", async () => {
    const { call } = direct();
    const post = (privateKey) =>
      call("POST", "/v1/PushNotifications/Credentials", {
        credentialType: "FCM",
        appName: "a",
        content: { privateKey },
      });
    const account = {
      type: "service_account",
      project_id: "p",
      private_key: "-----BEGIN PRIVATE KEY-----x",
      client_email: "e@p",
    };
    assert.equal((await post(btoa(JSON.stringify(account)))).status, 202);
    // Line-wrapped base64, as produced by `base64` on Linux, is accepted.
    const wrapped = btoa(JSON.stringify(account)).replace(/(.{20})/g, "$1\n");
    assert.equal((await post(wrapped)).status, 202);
    for (const bad of [
      "",
      "@@@",
      btoa("not json"),
      btoa("[1]"),
      btoa(JSON.stringify({ ...account, type: "user" })),
      btoa(JSON.stringify({ ...account, client_email: "" })),
      btoa(JSON.stringify({ type: "service_account" })),
    ]) {
      const res = await post(bad);
      assertErrorBody(res, 400, 20001);
      assert.ok(fieldsOf(res).every((f) => f === "content.privateKey"));
      assert.ok(!JSON.stringify(res.body).includes("-----BEGIN PRIVATE KEY-----x"));
    }
    const apnAsFcm = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "FCM",
      appName: "a",
      content: fakeCredentialContent("APN"),
    });
    assert.equal(apnAsFcm.status, 400);
  });

  test("defaults: first of a type, isDefault:true moves it, PATCH sets/unsets, delete promotes", async () => {
    const { call } = direct();
    const a1 = await createCredential(call, "app", "APN");
    const a2 = await createCredential(call, "app", "APN");
    const sb = await createCredential(call, "app", "APN_SANDBOX");
    const f1 = await createCredential(call, "app", "FCM");
    const isDefault = async (id) => (await call("GET", `/v1/PushNotifications/Credentials/${id}`)).body.isDefault;
    assert.deepEqual(
      [await isDefault(a1), await isDefault(a2), await isDefault(sb), await isDefault(f1)],
      [true, false, true, true],
    );
    const a3 = await createCredential(call, "app", "APN", { isDefault: true });
    assert.deepEqual([await isDefault(a1), await isDefault(a3)], [false, true]);

    const patch = await call("PATCH", `/v1/PushNotifications/Credentials/${a2}`, {
      isDefault: true,
      tags: { env: "prod" },
    });
    assert.equal(patch.status, 202);
    assert.equal(patch.body.resourceId, a2);
    const fetched = await call("GET", `/v1/PushNotifications/Credentials/${a2}`);
    assert.deepEqual(fetched.body.tags, { env: "prod" });
    assert.deepEqual([await isDefault(a2), await isDefault(a3)], [true, false]);
    const app = (await call("GET", "/v1/PushNotifications/Apps/app")).body;
    assert.deepEqual(app.defaultCredentials, [
      { credentialType: "APN", credentialId: a2 },
      { credentialType: "APN_SANDBOX", credentialId: sb },
      { credentialType: "FCM", credentialId: f1 },
    ]);

    // Deleting the default promotes the oldest remaining credential of the same type.
    assert.equal((await call("DELETE", `/v1/PushNotifications/Credentials/${a2}`)).status, 202);
    assertErrorBody(await call("GET", `/v1/PushNotifications/Credentials/${a2}`), 404, 20404);
    assert.equal(await isDefault(a1), true);

    // isDefault:false just unsets it.
    assert.equal((await call("PATCH", `/v1/PushNotifications/Credentials/${f1}`, { isDefault: false })).status, 202);
    assert.equal(await isDefault(f1), false);
    const types = (await call("GET", "/v1/PushNotifications/Apps/app")).body.defaultCredentials.map(
      (d) => d.credentialType,
    );
    assert.deepEqual(types, ["APN", "APN_SANDBOX"]);

    // Tags {} clears them.
    await call("PATCH", `/v1/PushNotifications/Credentials/${a1}`, { tags: { a: "b" } });
    await call("PATCH", `/v1/PushNotifications/Credentials/${a1}`, { tags: {} });
    assert.equal((await call("GET", `/v1/PushNotifications/Credentials/${a1}`)).body.tags, undefined);
  });

  test("PATCH validation and 404s", async () => {
    const { call } = direct();
    const id = await createCredential(call, "app");
    const bad = await call("PATCH", `/v1/PushNotifications/Credentials/${id}`, {
      content: fakeCredentialContent("APN"),
      credentialType: "FCM",
      isDefault: "true",
      tags: { k: 1 },
    });
    assertErrorBody(bad, 400, 20001);
    assert.deepEqual(fieldsOf(bad), ["content", "credentialType", "isDefault", "tags.k"]);
    assertErrorBody(await call("PATCH", `/v1/PushNotifications/Credentials/${id}`, {}), 400, 20001);
    assertErrorBody(
      await call("PATCH", "/v1/PushNotifications/Credentials/comms_credential_x", { isDefault: true }),
      404,
      20404,
    );
    assertErrorBody(await call("DELETE", "/v1/PushNotifications/Credentials/comms_credential_x"), 404, 20404);
    const tooMany = {};
    for (let i = 0; i < 11; i++) tooMany[`k${i}`] = "v";
    const tagRes = await call("PATCH", `/v1/PushNotifications/Credentials/${id}`, {
      tags: { ...tooMany, ["x".repeat(129)]: "v", y: "v".repeat(257) },
    });
    assert.equal(tagRes.status, 400);
    assert.equal(tagRes.body.errors.length, 3);
  });

  test("limits: 10 credentials per app and 10 apps", async () => {
    const { call } = direct();
    for (let i = 0; i < LIMITS.credentialsPerApp; i++) await createCredential(call, "full", i % 2 ? "APN" : "FCM");
    const eleventh = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "APN",
      appName: "full",
      content: fakeCredentialContent("APN"),
    });
    assertErrorBody(eleventh, 400, 20001);
    assert.deepEqual(fieldsOf(eleventh), ["appName"]);
    for (let i = 1; i < LIMITS.apps; i++) await createCredential(call, `app_${i}`);
    const eleventhApp = await call("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "APN",
      appName: "app_11",
      content: fakeCredentialContent("APN"),
    });
    assertErrorBody(eleventhApp, 400, 20001);
    assert.equal((await call("GET", "/v1/PushNotifications/Apps")).body.apps.length, 10);
    // An existing app can still get credentials.
    await createCredential(call, "app_1");
  });

  test("list credentials: filters and pagination", async () => {
    const clock = makeClock(Date.UTC(2024, 0, 15, 9, 0, 0));
    const { call } = direct({ clock });
    const ids = [];
    for (let i = 0; i < 7; i++) {
      ids.push(await createCredential(call, i < 4 ? "one" : "two", i % 3 === 0 ? "FCM" : "APN"));
      clock.advance(60_000);
    }
    const { items, pages } = await collectPages(call, "/v1/PushNotifications/Credentials?pageSize=3", "credentials");
    assert.equal(pages, 3);
    assert.deepEqual(
      items.map((c) => c.id),
      ids,
    );
    const filtered = await call("GET", "/v1/PushNotifications/Credentials?appName=two&credentialType=APN");
    assert.deepEqual(
      filtered.body.credentials.map((c) => c.id),
      [ids[4], ids[5]],
    );
    const defaults = await call("GET", "/v1/PushNotifications/Credentials?isDefault=true");
    assert.deepEqual(
      defaults.body.credentials.map((c) => c.id),
      [ids[0], ids[1], ids[4], ids[6]],
    );
    const nonDefaults = await call("GET", "/v1/PushNotifications/Credentials?isDefault=false");
    assert.equal(nonDefaults.body.credentials.length, 3);
    const range = await call(
      "GET",
      "/v1/PushNotifications/Credentials?startDate=2024-01-15T09:02:00Z&endDate=2024-01-15T09:04:00Z",
    );
    assert.deepEqual(
      range.body.credentials.map((c) => c.id),
      [ids[2], ids[3], ids[4]],
    );
    const bad = await call(
      "GET",
      "/v1/PushNotifications/Credentials?isDefault=maybe&credentialType=GCM&startDate=yesterday&appName=A",
    );
    assert.deepEqual(fieldsOf(bad).sort(), ["appName", "credentialType", "isDefault", "startDate"]);
    const reversed = await call(
      "GET",
      "/v1/PushNotifications/Credentials?startDate=2024-02-01T00:00:00Z&endDate=2024-01-01T00:00:00Z",
    );
    assert.deepEqual(fieldsOf(reversed), ["endDate"]);
  });

  test("apps: first is default, PATCH moves the default, filters", async () => {
    const clock = makeClock(Date.UTC(2024, 0, 15, 9, 30, 0));
    const { call } = direct({ clock });
    await createCredential(call, "first");
    clock.advance(3600_000);
    await createCredential(call, "second");
    let apps = (await call("GET", "/v1/PushNotifications/Apps")).body.apps;
    assert.deepEqual(
      apps.map((a) => [a.name, a.isDefault]),
      [
        ["first", true],
        ["second", false],
      ],
    );
    const patch = await call("PATCH", "/v1/PushNotifications/Apps/second", { isDefault: true });
    assert.equal(patch.status, 202);
    assert.deepEqual(patch.body, {
      resourceId: "second",
      resourceLocation: "https://comms.twilio.com/v1/PushNotifications/Apps/second",
    });
    assert.equal(patch.headers.get("location"), patch.body.resourceLocation);
    apps = (await call("GET", "/v1/PushNotifications/Apps")).body.apps;
    assert.deepEqual(
      apps.map((a) => a.isDefault),
      [false, true],
    );
    const onlyDefault = (await call("GET", "/v1/PushNotifications/Apps?isDefault=true")).body.apps;
    assert.deepEqual(
      onlyDefault.map((a) => a.name),
      ["second"],
    );
    const byDate = (
      await call("GET", "/v1/PushNotifications/Apps?startDate=2024-01-15T09:30:00Z&endDate=2024-01-15T09:30:00Z")
    ).body.apps;
    assert.deepEqual(
      byDate.map((a) => a.name),
      ["first"],
    );
    assertErrorBody(await call("PATCH", "/v1/PushNotifications/Apps/second", { isDefault: false }), 400, 20001);
    assert.equal((await call("PATCH", "/v1/PushNotifications/Apps/first", { isDefault: false })).status, 202);
    assertErrorBody(await call("PATCH", "/v1/PushNotifications/Apps/first", {}), 400, 20001);
    assertErrorBody(await call("PATCH", "/v1/PushNotifications/Apps/first", { isDefault: "yes" }), 400, 20001);
    assertErrorBody(await call("PATCH", "/v1/PushNotifications/Apps/nope", { isDefault: true }), 404, 20404);
    assertErrorBody(await call("GET", "/v1/PushNotifications/Apps/nope"), 404, 20404);
    const paged = await collectPages(call, "/v1/PushNotifications/Apps?pageSize=1", "apps");
    assert.equal(paged.pages, 2);
  });

  test("deleting an app's last credential deletes the app and its registrations (cascade)", async () => {
    const { call } = direct();
    const keep = await createCredential(call, "keep_app");
    const c1 = await createCredential(call, "doomed", "APN");
    const c2 = await createCredential(call, "doomed", "FCM");
    const r1 = await register(call, "doomed", APN_TOKEN, "APN");
    const reg = await registrationOf(call, r1.body.resourceId);
    const r2 = await register(call, "keep_app", apnToken(7), "APN", reg.userId);
    assert.equal(r2.status, 202);

    assert.equal((await call("DELETE", `/v1/PushNotifications/Credentials/${c1}`)).status, 202);
    assert.equal((await call("GET", "/v1/PushNotifications/Apps/doomed")).status, 200);
    const del = await call("DELETE", `/v1/PushNotifications/Credentials/${c2}`);
    assert.equal(del.status, 202);
    assert.equal(del.body.resourceId, c2);
    assertErrorBody(await call("GET", "/v1/PushNotifications/Apps/doomed"), 404, 20404);
    assertErrorBody(await call("GET", `/v1/PushNotifications/DeviceRegistrations/${r1.body.resourceId}`), 404, 20404);
    // The user and their registration in the other app remain.
    assert.equal((await call("GET", `/v1/PushNotifications/Users/${reg.userId}`)).status, 200);
    assert.equal((await call("GET", `/v1/PushNotifications/DeviceRegistrations/${r2.body.resourceId}`)).status, 200);
    const list = await call("GET", `/v1/PushNotifications/DeviceRegistrations?userId=${reg.userId}`);
    assert.deepEqual(
      list.body.deviceRegistrations.map((r) => r.appName),
      ["keep_app"],
    );
    // The device index was cleaned: recreating the app and registering the token makes a new user.
    await createCredential(call, "doomed");
    const again = await register(call, "doomed", APN_TOKEN, "APN");
    assert.notEqual((await registrationOf(call, again.body.resourceId)).userId, reg.userId);
    assert.equal((await call("GET", "/v1/PushNotifications/Apps/keep_app")).body.isDefault, true);
    void keep;
  });

  test("deleting the default app's last credential makes the oldest remaining app the default", async () => {
    const { call } = direct();
    const c = await createCredential(call, "a_first");
    await createCredential(call, "b_second");
    await createCredential(call, "c_third");
    await call("DELETE", `/v1/PushNotifications/Credentials/${c}`);
    const apps = (await call("GET", "/v1/PushNotifications/Apps")).body.apps;
    assert.deepEqual(
      apps.map((a) => [a.name, a.isDefault]),
      [
        ["b_second", true],
        ["c_third", false],
      ],
    );
  });
});

describe("device registrations and users", () => {
  let call;
  beforeEach(async () => {
    ({ call } = direct());
    await createCredential(call, "app");
    await createCredential(call, "other", "FCM");
  });

  test("register without userId creates a user; APN tokens are stored lower case", async () => {
    const res = await register(call, "app", "AB".repeat(32), "APN");
    assert.equal(res.status, 202);
    assert.equal(
      res.headers.get("location"),
      `https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations/${res.body.resourceId}`,
    );
    const reg = await registrationOf(call, res.body.resourceId);
    assert.equal(reg.appName, "app");
    assert.equal(reg.devices.length, 1);
    assert.deepEqual(
      { token: reg.devices[0].token, provider: reg.devices[0].provider },
      { token: "ab".repeat(32), provider: "APN" },
    );
    assert.match(reg.devices[0].createdAt, /Z$/);
    assert.deepEqual(reg.related, [{ name: "user", id: reg.userId, uri: `/PushNotifications/Users/${reg.userId}` }]);
    const user = await call("GET", `/v1/PushNotifications/Users/${reg.userId}`);
    assert.equal(user.status, 200);
    assert.deepEqual(Object.keys(user.body).sort(), ["createdAt", "deletedAt", "id", "updatedAt"]);
    assert.equal(user.body.deletedAt, null);
    // Same token in the other case is the same device: idempotent.
    const again = await register(call, "app", "ab".repeat(32), "APN");
    assert.equal(again.body.resourceId, res.body.resourceId);
    assert.equal((await call("GET", "/v1/PushNotifications/Users")).body.users.length, 1);
  });

  test("token and field validation", async () => {
    const bad = async (body, fields) => {
      const res = await call("POST", "/v1/PushNotifications/DeviceRegistrations", body);
      assertErrorBody(res, 400, 20001);
      assert.deepEqual(fieldsOf(res).sort(), fields);
    };
    await bad({}, ["appName", "provider", "token"]);
    await bad({ appName: "app", token: "abc", provider: "APN" }, ["token"]); // not 64-200 hex
    await bad({ appName: "app", token: "a".repeat(65), provider: "APN" }, ["token"]); // odd count
    await bad({ appName: "app", token: "a".repeat(202), provider: "APN" }, ["token"]);
    await bad({ appName: "app", token: "g".repeat(64), provider: "APN" }, ["token"]);
    await bad({ appName: "app", token: "has space:APA91b", provider: "FCM" }, ["token"]);
    await bad({ appName: "app", token: "x".repeat(4097), provider: "FCM" }, ["token"]);
    await bad({ appName: "app", token: "", provider: "FCM" }, ["token"]);
    await bad({ appName: "app", token: "abc", provider: "WNS" }, ["provider"]);
    await bad({ appName: "app", token: fcmToken(1), provider: "FCM", userId: 5 }, ["userId"]);
    await bad({ appName: "no_such_app", token: fcmToken(1), provider: "FCM" }, ["appName"]);
    await bad({ appName: "UPPER", token: fcmToken(1), provider: "FCM" }, ["appName"]);
    assert.equal((await register(call, "app", "0".repeat(200), "APN")).status, 202);
    assert.equal((await register(call, "app", "f".repeat(160), "APN")).status, 202);
    // Nothing half-created by the failures above.
    assert.equal((await call("GET", "/v1/PushNotifications/Users")).body.users.length, 2);
  });

  test("unknown userId gets 404 and creates nothing", async () => {
    const res = await register(call, "app", APN_TOKEN, "APN", "comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8");
    assertErrorBody(res, 404, 20404);
    assert.equal((await call("GET", "/v1/PushNotifications/Users")).body.users.length, 0);
  });

  test("one registration per user and app; devices accumulate up to 50", async () => {
    const first = await register(call, "app", apnToken(0), "APN");
    const { userId } = await registrationOf(call, first.body.resourceId);
    for (let i = 1; i < LIMITS.devicesPerRegistration; i++) {
      const res = await register(call, "app", i % 2 ? fcmToken(i) : apnToken(i), i % 2 ? "FCM" : "APN", userId);
      assert.equal(res.body.resourceId, first.body.resourceId);
    }
    assert.equal((await registrationOf(call, first.body.resourceId)).devices.length, 50);
    const full = await register(call, "app", apnToken(999), "APN", userId);
    assertErrorBody(full, 400, 20001);
    // Re-registering an existing device of a full registration is still fine (idempotent).
    assert.equal((await register(call, "app", apnToken(2), "APN", userId)).status, 202);
    // Same user, another app: a second registration.
    const other = await register(call, "other", fcmToken(1), "FCM", userId);
    assert.notEqual(other.body.resourceId, first.body.resourceId);
    const list = await call("GET", `/v1/PushNotifications/DeviceRegistrations?userId=${userId}`);
    assert.equal(list.body.deviceRegistrations.length, 2);
    const onlyOther = await call("GET", `/v1/PushNotifications/DeviceRegistrations?userId=${userId}&appName=other`);
    assert.deepEqual(
      onlyOther.body.deviceRegistrations.map((r) => r.id),
      [other.body.resourceId],
    );
    const paged = await collectPages(
      call,
      `/v1/PushNotifications/DeviceRegistrations?userId=${userId}&pageSize=1`,
      "deviceRegistrations",
    );
    assert.deepEqual(
      paged.items.map((r) => r.appName),
      ["app", "other"],
    );
  });

  test("a device claimed by another user moves; an emptied registration disappears", async () => {
    const a = await register(call, "app", apnToken(1), "APN");
    const userA = (await registrationOf(call, a.body.resourceId)).userId;
    const b = await register(call, "app", apnToken(2), "APN");
    const userB = (await registrationOf(call, b.body.resourceId)).userId;
    await register(call, "app", apnToken(3), "APN", userA);

    const moved = await register(call, "app", apnToken(3), "APN", userB);
    assert.equal(moved.body.resourceId, b.body.resourceId);
    assert.deepEqual(
      (await registrationOf(call, b.body.resourceId)).devices.map((d) => d.token),
      [apnToken(2), apnToken(3)],
    );
    assert.deepEqual(
      (await registrationOf(call, a.body.resourceId)).devices.map((d) => d.token),
      [apnToken(1)],
    );
    // Moving A's last device empties A's registration: it is removed, the user stays.
    const moved2 = await register(call, "app", apnToken(1), "APN", userB);
    assert.equal(moved2.body.resourceId, b.body.resourceId);
    assertErrorBody(await call("GET", `/v1/PushNotifications/DeviceRegistrations/${a.body.resourceId}`), 404, 20404);
    assert.equal((await call("GET", `/v1/PushNotifications/Users/${userA}`)).status, 200);
    assert.equal(
      (await call("GET", `/v1/PushNotifications/DeviceRegistrations?userId=${userA}`)).body.deviceRegistrations.length,
      0,
    );
    // Registering it without userId afterwards: idempotent, stays with B, creates no user.
    assert.equal((await register(call, "app", apnToken(1), "APN")).body.resourceId, b.body.resourceId);
    assert.equal((await call("GET", "/v1/PushNotifications/Users")).body.users.length, 2);
  });

  test("list requires userId; unknown user lists nothing", async () => {
    assertErrorBody(await call("GET", "/v1/PushNotifications/DeviceRegistrations"), 400, 20001);
    assertErrorBody(await call("GET", "/v1/PushNotifications/DeviceRegistrations?userId=u&appName=Bad!"), 400, 20001);
    const res = await call("GET", "/v1/PushNotifications/DeviceRegistrations?userId=comms_pushnotificationuser_nope");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.deviceRegistrations, []);
    assert.equal(res.body.pagination.next, null);
  });

  test("delete registration keeps the user; delete user removes registrations", async () => {
    const r = await register(call, "app", APN_TOKEN, "APN");
    const { userId } = await registrationOf(call, r.body.resourceId);
    const r2 = await register(call, "other", fcmToken(5), "FCM", userId);
    const del = await call("DELETE", `/v1/PushNotifications/DeviceRegistrations/${r.body.resourceId}`);
    assert.equal(del.status, 202);
    assert.deepEqual(del.body, {
      resourceId: r.body.resourceId,
      resourceLocation: `https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations/${r.body.resourceId}`,
    });
    assertErrorBody(await call("GET", `/v1/PushNotifications/DeviceRegistrations/${r.body.resourceId}`), 404, 20404);
    assertErrorBody(await call("DELETE", `/v1/PushNotifications/DeviceRegistrations/${r.body.resourceId}`), 404, 20404);
    assert.equal((await call("GET", `/v1/PushNotifications/Users/${userId}`)).status, 200);

    const delUser = await call("DELETE", `/v1/PushNotifications/Users/${userId}`);
    assert.equal(delUser.status, 202);
    assert.equal(delUser.body.resourceLocation, `https://comms.twilio.com/v1/PushNotifications/Users/${userId}`);
    assertErrorBody(await call("GET", `/v1/PushNotifications/Users/${userId}`), 404, 20404);
    assertErrorBody(await call("GET", `/v1/PushNotifications/DeviceRegistrations/${r2.body.resourceId}`), 404, 20404);
    assertErrorBody(await call("DELETE", `/v1/PushNotifications/Users/${userId}`), 404, 20404);
    // The token is free again: registering it creates a fresh user.
    const fresh = await register(call, "other", fcmToken(5), "FCM");
    assert.notEqual((await registrationOf(call, fresh.body.resourceId)).userId, userId);
  });

  test("users list paginates across pages in creation order", async () => {
    const ids = [];
    for (let i = 0; i < 7; i++)
      ids.push((await registrationOf(call, (await register(call, "app", apnToken(i), "APN")).body.resourceId)).userId);
    const { items, pages } = await collectPages(call, "/v1/PushNotifications/Users?pageSize=2", "users");
    assert.equal(pages, 4);
    assert.deepEqual(
      items.map((u) => u.id),
      ids,
    );
    // A page token alone keeps its page size; `self` re-reads the same page.
    const first = await call("GET", "/v1/PushNotifications/Users?pageSize=3");
    const second = await call("GET", `/v1/PushNotifications/Users?pageToken=${first.body.pagination.next}`);
    assert.equal(second.body.users.length, 3);
    const again = await call("GET", `/v1/PushNotifications/Users?pageToken=${second.body.pagination.self}`);
    assert.deepEqual(again.body.users, second.body.users);
  });
});

describe("pagination parameters", () => {
  test("pageSize bounds and garbled or foreign tokens give 400", async () => {
    const { call } = direct();
    await createCredential(call, "app");
    for (const size of ["0", "1001", "-1", "abc", "1.5"]) {
      const res = await call("GET", `/v1/PushNotifications/Users?pageSize=${size}`);
      assertErrorBody(res, 400, 20001);
      assert.deepEqual(fieldsOf(res), ["pageSize"]);
    }
    assert.equal((await call("GET", "/v1/PushNotifications/Users?pageSize=1000")).status, 200);
    assert.equal((await call("GET", "/v1/PushNotifications/Users?pageSize=1")).status, 200);
    assert.equal((await call("GET", "/v1/PushNotifications/Users?pageSize=")).status, 200); // empty = absent
    for (const token of ["garbage!!", "bm90LWpzb24", btoa(JSON.stringify({ c: "users", a: "x", s: 5 })), "eyJ"]) {
      const res = await call("GET", `/v1/PushNotifications/Users?pageToken=${encodeURIComponent(token)}`);
      assertErrorBody(res, 400, 20001);
      assert.deepEqual(fieldsOf(res), ["pageToken"]);
    }
    const appsSelf = (await call("GET", "/v1/PushNotifications/Apps")).body.pagination.self;
    const foreign = await call("GET", `/v1/PushNotifications/Users?pageToken=${appsSelf}`);
    assertErrorBody(foreign, 400, 20001);
    // Tokens are base64url of a small JSON cursor.
    assert.match(appsSelf, /^[A-Za-z0-9_-]+$/);
  });
});

describe("sending", () => {
  test("validation lists many problems at once", async () => {
    const { call } = direct();
    await createCredential(call, "app");
    const res = await call("POST", "/v1/PushNotifications", {
      to: [
        { token: APN_TOKEN, provider: "APN" },
        { token: "", provider: "APN" },
        { token: "t", provider: "WEB" },
        { userId: "u", token: "t" },
        "nope",
        {},
        { userId: "" },
        { token: "x".repeat(4097), provider: "FCM" },
      ],
      content: { title: 5 },
      priority: "URGENT",
      sound: 3,
      tags: { ok: "v", bad: 1 },
    });
    assertErrorBody(res, 400, 20001);
    assert.deepEqual(fieldsOf(res), [
      "to[1].token",
      "to[2].provider",
      "to[3]",
      "to[4]",
      "to[5]",
      "to[6].userId",
      "to[7].token",
      "content.title",
      "content",
      "priority",
      "sound",
      "tags.bad",
    ]);
    assert.match(res.body.message, /and 11 more problems/);
  });

  test("recipient count limits and content rules", async () => {
    const { call } = direct();
    await createCredential(call, "app");
    const send = (body) => call("POST", "/v1/PushNotifications", body);
    assert.deepEqual(fieldsOf(await send({ content: { title: "t" } })), ["to"]);
    assert.deepEqual(fieldsOf(await send({ to: [], content: { title: "t" } })), ["to"]);
    assert.deepEqual(fieldsOf(await send({ to: {}, content: { title: "t" } })), ["to"]);
    const tooMany = Array.from({ length: 10001 }, () => ({ token: APN_TOKEN, provider: "APN" }));
    assert.deepEqual(fieldsOf(await send({ to: tooMany, content: { title: "t" } })), ["to"]);
    const one = [{ token: APN_TOKEN, provider: "APN" }];
    assert.deepEqual(fieldsOf(await send({ to: one })), ["content"]);
    assert.deepEqual(fieldsOf(await send({ to: one, content: { title: "", body: "" } })), ["content"]);
    assert.deepEqual(fieldsOf(await send({ to: one, content: "hi" })), ["content"]);
    assert.equal((await send({ to: one, content: { body: "only body" } })).status, 202);
    assert.equal((await send({ to: one, content: { title: "t" }, priority: "LOW", sound: null })).status, 202);
    // Problems are capped so a bad 10,000-item send does not produce a 10,000-item answer.
    const allBad = Array.from({ length: 10000 }, () => ({ token: "", provider: "APN" }));
    const capped = await send({ to: allBad, content: { title: "t" } });
    assert.equal(capped.body.errors.length, LIMITS.reportedProblems);
    assert.match(capped.body.message, /and 9999 more problems/);
  });

  test("tags limits", async () => {
    const { call } = direct();
    await createCredential(call, "app");
    const one = [{ token: APN_TOKEN, provider: "APN" }];
    const tags = {};
    for (let i = 0; i < 10; i++) tags[`k${i}`] = "v".repeat(256);
    tags["x".repeat(128)] = "v";
    delete tags.k0;
    assert.equal((await call("POST", "/v1/PushNotifications", { to: one, content: { title: "t" }, tags })).status, 202);
    const over = await call("POST", "/v1/PushNotifications", {
      to: one,
      content: { title: "t" },
      tags: { ...tags, k0: "v", k10: "v" },
    });
    assert.deepEqual(fieldsOf(over), ["tags"]);
    const long = await call("POST", "/v1/PushNotifications", {
      to: one,
      content: { title: "t" },
      tags: { ["y".repeat(129)]: "v".repeat(257) },
    });
    assert.equal(long.body.errors.length, 2);
    assert.deepEqual(
      fieldsOf(await call("POST", "/v1/PushNotifications", { to: one, content: { title: "t" }, tags: ["a"] })),
      ["tags"],
    );
  });

  test("from: credentials, app name, default app and their errors", async () => {
    const { call } = direct();
    const send = (from) =>
      call("POST", "/v1/PushNotifications", {
        to: [{ token: APN_TOKEN, provider: "APN" }],
        content: { title: "t" },
        from,
      });
    assert.deepEqual(fieldsOf(await send(undefined)), ["from"]); // no app exists yet
    const apn = await createCredential(call, "app", "APN");
    const fcm = await createCredential(call, "app", "FCM");
    const sandbox = await createCredential(call, "app", "APN_SANDBOX");
    const otherFcm = await createCredential(call, "other_app", "FCM");
    assert.equal((await send(undefined)).status, 202);
    assert.equal((await send({ apn, fcm })).status, 202);
    assert.equal((await send({ apn: sandbox })).status, 202);
    assert.equal((await send({ appName: "other_app" })).status, 202);
    assert.deepEqual(fieldsOf(await send({ apn: fcm })), ["from.apn"]);
    assert.deepEqual(fieldsOf(await send({ fcm: apn })), ["from.fcm"]);
    assert.deepEqual(fieldsOf(await send({ apn: "comms_credential_nope" })), ["from.apn"]);
    assert.deepEqual(fieldsOf(await send({ apn, fcm: otherFcm })), ["from"]);
    assert.deepEqual(fieldsOf(await send({ appName: "missing_app" })), ["from.appName"]);
    assert.deepEqual(fieldsOf(await send({ appName: "Bad" })), ["from.appName"]);
    assert.deepEqual(fieldsOf(await send({ appName: "app", apn })), ["from"]);
    assert.deepEqual(fieldsOf(await send({})), ["from"]);
    assert.deepEqual(fieldsOf(await send("app")), ["from"]);
  });

  test("the async lifecycle: QUEUED, staggered SENT, operation PROCESSING then COMPLETED", async () => {
    const clock = makeClock();
    const { call } = direct({ clock, deliveryMs: 400 });
    const apn = await createCredential(call, "app", "APN");
    const fcm = await createCredential(call, "app", "FCM");
    const to = [
      { token: apnToken(1), provider: "APN" },
      { token: fcmToken(1), provider: "FCM" },
      { token: apnToken(2), provider: "APN" },
      { token: fcmToken(2), provider: "FCM" },
    ];
    const res = await call("POST", "/v1/PushNotifications", {
      to,
      content: { title: "Limon Eats", body: "Your order is on the way!" },
      sound: "ring",
      tags: { campaign: "lunch" },
    });
    assert.equal(res.status, 202);
    const opId = res.body.operationId;
    assert.equal(res.body.operationLocation, `https://comms.twilio.com/v1/PushNotifications/Operations/${opId}`);
    assert.equal(res.headers.get("location"), res.body.operationLocation);

    const op = async () => (await call("GET", `/v1/PushNotifications/Operations/${opId}`)).body;
    const statuses = async () =>
      (await call("GET", `/v1/PushNotifications?operationId=${opId}`)).body.pushNotifications
        .reverse()
        .map((n) => n.status);

    let o = await op();
    assert.equal(o.status, "PROCESSING");
    assert.deepEqual(o.stats, {
      total: 4,
      recipients: 4,
      unaddressable: 0,
      scheduled: 0,
      queued: 4,
      sent: 0,
      failed: 0,
      canceled: 0,
    });
    assert.deepEqual(await statuses(), ["QUEUED", "QUEUED", "QUEUED", "QUEUED"]);

    clock.advance(399);
    assert.deepEqual(await statuses(), ["QUEUED", "QUEUED", "QUEUED", "QUEUED"]);
    clock.advance(1); // 400 ms: index 0 and 3 (factor 1)
    assert.deepEqual(await statuses(), ["SENT", "QUEUED", "QUEUED", "SENT"]);
    clock.advance(200); // 600 ms: index 1 (factor 1.5)
    assert.deepEqual(await statuses(), ["SENT", "SENT", "QUEUED", "SENT"]);
    o = await op();
    assert.equal(o.status, "PROCESSING");
    assert.equal(o.stats.queued, 1);
    assert.equal(o.stats.sent, 3);
    clock.advance(200); // 800 ms: index 2 (factor 2)
    o = await op();
    assert.equal(o.status, "COMPLETED");
    assert.deepEqual(o.stats, {
      total: 4,
      recipients: 4,
      unaddressable: 0,
      scheduled: 0,
      queued: 0,
      sent: 4,
      failed: 0,
      canceled: 0,
    });
    assert.equal(o.createdAt, "2025-05-30T17:24:46Z");
    assert.equal(o.updatedAt, "2025-05-30T17:24:46Z"); // +800 ms stays within the same second
    clock.advance(5000);
    assert.equal((await op()).updatedAt, "2025-05-30T17:24:46Z"); // finished work does not move

    const list = (await call("GET", `/v1/PushNotifications?operationId=${opId}`)).body.pushNotifications;
    const first = list[list.length - 1];
    const fetched = await call("GET", `/v1/PushNotifications/${first.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, first);
    assert.deepEqual(fetched.body.to, { token: apnToken(1), provider: "APN" });
    assert.deepEqual(fetched.body.from, { apn });
    assert.deepEqual(fetched.body.content, { title: "Limon Eats", body: "Your order is on the way!" });
    assert.equal(fetched.body.priority, "HIGH");
    assert.equal(fetched.body.sound, "ring");
    assert.deepEqual(fetched.body.tags, { campaign: "lunch" });
    assert.equal(fetched.body.failureReason, null);
    assert.equal(fetched.body.operationId, opId);
    assert.equal(fetched.body.userId, undefined);
    assert.deepEqual(fetched.body.related, [
      { name: "operation", id: opId, uri: `/PushNotifications/Operations/${opId}` },
    ]);
    assert.deepEqual(list.find((n) => n.to.provider === "FCM").from, { fcm });
    assertErrorBody(await call("GET", "/v1/PushNotifications/comms_pushnotification_nope"), 404, 20404);
    assertErrorBody(await call("GET", "/v1/PushNotifications/Operations/comms_operation_nope"), 404, 20404);
  });

  test("updatedAt of a notification moves when it becomes final", async () => {
    const clock = makeClock(Date.UTC(2025, 0, 1, 0, 0, 0));
    const { call } = direct({ clock, deliveryMs: 3000 });
    await createCredential(call, "app");
    const { body } = await call("POST", "/v1/PushNotifications", {
      to: [{ token: APN_TOKEN, provider: "APN" }],
      content: { title: "t" },
    });
    clock.advance(3000);
    const n = (await call("GET", `/v1/PushNotifications?operationId=${body.operationId}`)).body.pushNotifications[0];
    assert.equal(n.status, "SENT");
    assert.equal(n.createdAt, "2025-01-01T00:00:00Z");
    assert.equal(n.updatedAt, "2025-01-01T00:00:03Z");
    const o = (await call("GET", `/v1/PushNotifications/Operations/${body.operationId}`)).body;
    assert.equal(o.updatedAt, "2025-01-01T00:00:03Z");
  });

  test("failures: BadDeviceToken, InvalidRegistration, Unregistered, NoCredential; Errors lists them", async () => {
    const clock = makeClock();
    const { call, emulator } = direct({ clock, deliveryMs: 100 });
    await createCredential(call, "app", "APN"); // no FCM credential in this app
    await createCredential(call, "fcm_app", "FCM");
    const unregisteredEarly = apnToken(10);
    const unregisteredLate = apnToken(11);
    const unregisteredAfterDelivery = apnToken(12);
    await emulator.fetch(
      new Request(`${BASE}/__emulator/unregistered`, {
        method: "POST",
        body: JSON.stringify({ tokens: [unregisteredEarly.toUpperCase()] }),
      }),
    );
    const to = [
      { token: "utJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFAukXD89hGq", provider: "APN" }, // doc placeholder: not hex
      { token: unregisteredEarly, provider: "APN" },
      { token: unregisteredLate, provider: "APN" },
      { token: fcmToken(1), provider: "FCM" }, // the app has no FCM credential
      { token: apnToken(13), provider: "APN" },
      { token: unregisteredAfterDelivery, provider: "APN" },
    ];
    const { body } = await call("POST", "/v1/PushNotifications", { to, content: { title: "t" } });
    const opId = body.operationId;
    // NoCredential is known at once; the rest are still queued.
    let o = (await call("GET", `/v1/PushNotifications/Operations/${opId}`)).body;
    assert.equal(o.stats.failed, 1);
    assert.equal(o.stats.queued, 5);
    // Marked before its delivery time: fails. (index 2 → due at +200 ms)
    clock.advance(50);
    await emulator.fetch(
      new Request(`${BASE}/__emulator/unregistered`, {
        method: "POST",
        body: JSON.stringify({ tokens: [unregisteredLate] }),
      }),
    );
    clock.advance(1000);
    // Marked after delivery: the earlier SENT outcome stands.
    await emulator.fetch(
      new Request(`${BASE}/__emulator/unregistered`, {
        method: "POST",
        body: JSON.stringify({ tokens: [unregisteredAfterDelivery] }),
      }),
    );
    const all = (await call("GET", `/v1/PushNotifications?operationId=${opId}`)).body.pushNotifications.reverse();
    assert.deepEqual(
      all.map((n) => [n.status, n.failureReason]),
      [
        ["FAILED", "BadDeviceToken"],
        ["FAILED", "Unregistered"],
        ["FAILED", "Unregistered"],
        ["FAILED", "NoCredential"],
        ["SENT", null],
        ["SENT", null],
      ],
    );
    assert.deepEqual(all[3].from, {});
    o = (await call("GET", `/v1/PushNotifications/Operations/${opId}`)).body;
    assert.equal(o.status, "COMPLETED");
    assert.deepEqual(o.stats, {
      total: 6,
      recipients: 6,
      unaddressable: 0,
      scheduled: 0,
      queued: 0,
      sent: 2,
      failed: 4,
      canceled: 0,
    });

    const errors = await call("GET", `/v1/PushNotifications/Operations/${opId}/Errors`);
    assert.equal(errors.status, 200);
    assert.deepEqual(
      errors.body.errors.map((n) => n.failureReason),
      ["BadDeviceToken", "Unregistered", "Unregistered", "NoCredential"],
    );
    const paged = await collectPages(call, `/v1/PushNotifications/Operations/${opId}/Errors?pageSize=3`, "errors");
    assert.equal(paged.pages, 2);
    assert.equal(paged.items.length, 4);
    assertErrorBody(await call("GET", "/v1/PushNotifications/Operations/comms_operation_nope/Errors"), 404, 20404);

    // FCM: pure 64-hex (an APNs token sent as FCM) → InvalidRegistration.
    const fcmSend = await call("POST", "/v1/PushNotifications", {
      to: [
        { token: APN_TOKEN, provider: "FCM" },
        { token: fcmToken(2), provider: "FCM" },
      ],
      content: { title: "t" },
      from: { appName: "fcm_app" },
    });
    clock.advance(1000);
    const fcmAll = (
      await call("GET", `/v1/PushNotifications?operationId=${fcmSend.body.operationId}`)
    ).body.pushNotifications.reverse();
    assert.deepEqual(
      fcmAll.map((n) => n.failureReason),
      ["InvalidRegistration", null],
    );
    const unreg = await (await emulator.fetch(new Request(`${BASE}/__emulator/unregistered`))).json();
    assert.equal(unreg.tokens.length, 3);
    const badUnreg = await emulator.fetch(
      new Request(`${BASE}/__emulator/unregistered`, { method: "POST", body: JSON.stringify({ tokens: [""] }) }),
    );
    assert.equal(badUnreg.status, 400);
  });

  test("APN recipients fall back to the APN_SANDBOX default when there is no APN default", async () => {
    const { call, clock } = direct({ deliveryMs: 10 });
    const sandbox = await createCredential(call, "app", "APN_SANDBOX");
    await call("POST", "/v1/PushNotifications", {
      to: [{ token: APN_TOKEN, provider: "APN" }],
      content: { title: "t" },
    });
    clock.advance(100);
    const n = (await call("GET", "/v1/PushNotifications")).body.pushNotifications[0];
    assert.deepEqual(n.from, { apn: sandbox });
    assert.equal(n.status, "SENT");
  });

  test("user recipients: one notification per device of the sending app; unaddressable users", async () => {
    const clock = makeClock();
    const { call } = direct({ clock, deliveryMs: 100 });
    await createCredential(call, "app", "APN");
    await createCredential(call, "app", "FCM");
    await createCredential(call, "other", "FCM");
    const r = await register(call, "app", apnToken(1), "APN");
    const { userId } = await registrationOf(call, r.body.resourceId);
    await register(call, "app", fcmToken(1), "FCM", userId);
    await register(call, "app", apnToken(2), "APN", userId);
    // A user with devices only in another app is unaddressable from "app".
    const o = await register(call, "other", fcmToken(9), "FCM");
    const otherUser = (await registrationOf(call, o.body.resourceId)).userId;

    const res = await call("POST", "/v1/PushNotifications", {
      to: [
        { userId },
        { userId: otherUser },
        { userId: "comms_pushnotificationuser_missing" },
        { token: apnToken(5), provider: "APN" },
      ],
      content: { title: "Hi" },
      from: { appName: "app" },
    });
    assert.equal(res.status, 202);
    const op = (await call("GET", `/v1/PushNotifications/Operations/${res.body.operationId}`)).body;
    assert.equal(op.stats.total, 4);
    assert.equal(op.stats.recipients, 4);
    assert.equal(op.stats.unaddressable, 2);
    const forUser = (await call("GET", `/v1/PushNotifications?user=${userId}`)).body.pushNotifications;
    assert.equal(forUser.length, 3);
    assert.ok(forUser.every((n) => n.userId === userId));
    assert.deepEqual(forUser.map((n) => n.to.token).sort(), [apnToken(1), apnToken(2), fcmToken(1)].sort());
    // From "other", the same user is unaddressable and the other user is reachable.
    const res2 = await call("POST", "/v1/PushNotifications", {
      to: [{ userId }, { userId: otherUser }],
      content: { title: "Hi" },
      from: { appName: "other" },
    });
    const op2 = (await call("GET", `/v1/PushNotifications/Operations/${res2.body.operationId}`)).body;
    assert.deepEqual([op2.stats.recipients, op2.stats.unaddressable], [1, 1]);
    // All unaddressable: nothing to wait for, the operation is complete at once.
    const res3 = await call("POST", "/v1/PushNotifications", {
      to: [{ userId: "comms_pushnotificationuser_x" }],
      content: { title: "Hi" },
    });
    const op3 = (await call("GET", `/v1/PushNotifications/Operations/${res3.body.operationId}`)).body;
    assert.equal(op3.status, "COMPLETED");
    assert.deepEqual(op3.stats, {
      total: 1,
      recipients: 0,
      unaddressable: 1,
      scheduled: 0,
      queued: 0,
      sent: 0,
      failed: 0,
      canceled: 0,
    });
  });

  test("list notifications: newest first, filters and pagination", async () => {
    const clock = makeClock(Date.UTC(2024, 3, 20, 14, 0, 0));
    const { call } = direct({ clock, deliveryMs: 100 });
    await createCredential(call, "app", "APN");
    await createCredential(call, "app", "FCM");
    const ops = [];
    for (let i = 0; i < 3; i++) {
      const res = await call("POST", "/v1/PushNotifications", {
        to: [
          { token: apnToken(i), provider: "APN" },
          { token: fcmToken(i), provider: "FCM" },
          { token: "bad", provider: "APN" },
        ],
        content: { title: `n${i}` },
        tags: { batch: `b${i}`, kind: i === 1 ? "promo" : "info" },
      });
      ops.push(res.body.operationId);
      clock.advance(60_000);
    }
    const all = await collectPages(call, "/v1/PushNotifications?pageSize=4", "pushNotifications");
    assert.equal(all.pages, 3);
    assert.equal(all.items.length, 9);
    const ids = all.items.map((n) => n.id);
    assert.deepEqual(ids, [...ids].sort().reverse(), "newest first");
    assert.equal(new Set(ids).size, 9);
    assert.equal(all.items[0].content.title, "n2");

    const q = async (query) => (await call("GET", `/v1/PushNotifications?${query}`)).body.pushNotifications;
    assert.equal((await q(`operationId=${ops[1]}`)).length, 3);
    assert.ok((await q(`operationId=${ops[1]}`)).every((n) => n.operationId === ops[1]));
    assert.deepEqual(await q("operationId=comms_operation_unknown"), []);
    assert.equal((await q("provider=FCM")).length, 3);
    assert.equal((await q("status=FAILED")).length, 3);
    assert.equal((await q("status=SENT")).length, 6);
    assert.equal((await q("status=QUEUED")).length, 0);
    assert.equal((await q("status=FAILED&provider=APN")).length, 3);
    assert.equal((await q("tags=kind:promo;")).length, 3);
    assert.equal((await q("tags=kind:info;batch:b2;")).length, 3);
    assert.equal((await q("tags=kind:promo;batch:b2")).length, 0);
    assert.equal((await q("startDate=2024-04-20T14:01:00Z")).length, 6);
    assert.equal((await q("startDate=2024-04-20T14:01:00Z&endDate=2024-04-20T14:01:00Z")).length, 3);
    assert.equal((await q("endDate=2024-04-20T13:00:00Z")).length, 0);
    const filteredPages = await collectPages(
      call,
      "/v1/PushNotifications?provider=APN&pageSize=2",
      "pushNotifications",
    );
    assert.equal(filteredPages.items.length, 6);
    assert.ok(filteredPages.items.every((n) => n.to.provider === "APN"));

    const bad = await call(
      "GET",
      "/v1/PushNotifications?status=DELIVERED&provider=WNS&tags=nocolon&startDate=2024-13-45",
    );
    assertErrorBody(bad, 400, 20001);
    assert.deepEqual(fieldsOf(bad).sort(), ["provider", "startDate", "status", "tags"]);
  });

  test("list operations: newest first, status and date filters, pagination", async () => {
    const clock = makeClock(Date.UTC(2024, 3, 20, 14, 0, 0));
    const { call } = direct({ clock, deliveryMs: 1000 });
    await createCredential(call, "app");
    const ops = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", "/v1/PushNotifications", {
        to: [{ token: APN_TOKEN, provider: "APN" }],
        content: { title: "t" },
      });
      ops.push(res.body.operationId);
      clock.advance(600);
    }
    // now = start + 3000: ops 0..2 complete (due at +1000, +1600, +2200), op 3 (+2800) too, op 4 (+3400) processing.
    const { items, pages } = await collectPages(call, "/v1/PushNotifications/Operations?pageSize=2", "operations");
    assert.equal(pages, 3);
    assert.deepEqual(
      items.map((o) => o.id),
      [...ops].reverse(),
    );
    const processing = (await call("GET", "/v1/PushNotifications/Operations?status=PROCESSING")).body.operations;
    assert.deepEqual(
      processing.map((o) => o.id),
      [ops[4]],
    );
    const completed = (await call("GET", "/v1/PushNotifications/Operations?status=COMPLETED")).body.operations;
    assert.equal(completed.length, 4);
    const none = (await call("GET", "/v1/PushNotifications/Operations?endDate=2024-04-19T00:00:00Z")).body.operations;
    assert.deepEqual(none, []);
    const since = (await call("GET", "/v1/PushNotifications/Operations?startDate=2024-04-20T14:00:02Z")).body
      .operations;
    assert.deepEqual(
      since.map((o) => o.id),
      [ops[4]],
    );
    assertErrorBody(await call("GET", "/v1/PushNotifications/Operations?status=DONE"), 400, 20001);
  });

  test("10,000 recipients and 10,000 registrations stay fast", async () => {
    const clock = makeClock();
    const { call, emulator } = direct({ clock, deliveryMs: 100 });
    await createCredential(call, "app", "APN");
    await createCredential(call, "app", "FCM");

    // Registrations go through real Request objects, whose own cost dominates and varies with
    // machine load; so check that the cost per registration does not grow with the number
    // already stored (it would with linear scans), plus a generous absolute bound.
    const batchMs = [];
    for (let b = 0; b < 5; b++) {
      const started = performance.now();
      for (let i = b * 2000; i < (b + 1) * 2000; i++) {
        const res = await register(call, "app", i % 2 ? fcmToken(i) : apnToken(i), i % 2 ? "FCM" : "APN");
        assert.equal(res.status, 202);
      }
      batchMs.push(performance.now() - started);
    }
    const userIds = [...emulator.state.users.keys()];
    assert.equal(userIds.length, 10000);
    assert.equal(emulator.state.registrations.size, 10000);
    // Printed, not asserted (time is measured by `make bench`): batch 0 includes JIT warm-up;
    // the last batch should cost about what the second did.
    console.log(`10,000 registrations, ms per batch of 2,000: ${batchMs.map(Math.round).join(", ")}`);

    const started = performance.now();
    const tokenSend = await call("POST", "/v1/PushNotifications", {
      to: Array.from({ length: 10000 }, (_, i) => ({ token: apnToken(i), provider: "APN" })),
      content: { title: "all" },
    });
    const userSend = await call("POST", "/v1/PushNotifications", {
      to: userIds.map((userId) => ({ userId })),
      content: { title: "users" },
    });
    assert.equal(tokenSend.status, 202);
    assert.equal(userSend.status, 202);
    clock.advance(1000);
    const op = (await call("GET", `/v1/PushNotifications/Operations/${userSend.body.operationId}`)).body;
    assert.deepEqual(op.stats, {
      total: 10000,
      recipients: 10000,
      unaddressable: 0,
      scheduled: 0,
      queued: 0,
      sent: 10000,
      failed: 0,
      canceled: 0,
    });
    const deep = await call("GET", `/v1/PushNotifications?operationId=${tokenSend.body.operationId}&pageSize=1000`);
    assert.equal(deep.body.pushNotifications.length, 1000);
    const page2 = await call(
      "GET",
      `/v1/PushNotifications?pageSize=1000&pageToken=${deep.body.pagination.next}&operationId=${tokenSend.body.operationId}`,
    );
    assert.equal(page2.body.pushNotifications.length, 1000);
    assert.ok(page2.body.pushNotifications[0].id < deep.body.pushNotifications[999].id);
    const usersPage = await call("GET", "/v1/PushNotifications/Users?pageSize=1000");
    assert.equal(usersPage.body.users.length, 1000);
    const sendMs = performance.now() - started;
    console.log(`two 10,000-recipient sends and reads took ${Math.round(sendMs)} ms`);
  });
});

describe("control endpoints (direct)", () => {
  test("log, stats, state, reset and seed", async () => {
    const { call, emulator } = direct();
    const control = async (method, path, body) => {
      const res = await emulator.fetch(
        new Request(`${BASE}/__emulator/${path}`, { method, body: body && JSON.stringify(body) }),
      );
      return { status: res.status, body: await res.json(), headers: res.headers };
    };
    const seeded = await control("POST", "seed");
    assert.equal(seeded.status, 200);
    assert.equal(seeded.body.appName, "demo_app");
    assert.match(seeded.body.credentialIds.apn, ID_RE.credential);
    assert.match(seeded.body.credentialIds.fcm, ID_RE.credential);
    assert.match(seeded.body.userId, ID_RE.user);
    assert.match(seeded.body.registrationId, ID_RE.registration);
    assert.equal(seeded.body.tokens.apn, SEED.apnToken);
    assert.match(SEED.apnToken, /^[0-9a-f]{64}$/);
    assert.match(SEED.fcmToken, /^[A-Za-z0-9_-]{20,}:APA91b[A-Za-z0-9_-]+$/);
    assert.ok(SEED.fcmToken.length >= 140 && SEED.fcmToken.length <= 175);
    assertErrorBody(await control("POST", "seed"), 409, 20409);

    const reg = await registrationOf(call, seeded.body.registrationId);
    assert.deepEqual(
      reg.devices.map((d) => d.provider),
      ["APN", "FCM"],
    );
    const app = (await call("GET", "/v1/PushNotifications/Apps/demo_app")).body;
    assert.equal(app.isDefault, true);
    assert.deepEqual(app.defaultCredentials, [
      { credentialType: "APN", credentialId: seeded.body.credentialIds.apn },
      { credentialType: "FCM", credentialId: seeded.body.credentialIds.fcm },
    ]);

    await call("POST", "/v1/PushNotifications", { to: [{ userId: seeded.body.userId }], content: { title: "t" } });
    await call("POST", "/v1/PushNotifications", { to: [] }); // validation failure still reached the handler
    await call("GET", "/v1/PushNotifications?pageSize=2&status=QUEUED");
    await call("GET", "/v1/PushNotifications/Apps", undefined, { auth: null });

    const log = (await control("GET", "log")).body.requests;
    assert.deepEqual(
      log.map((e) => [e.seq, e.method, e.path, e.query, e.status, e.fault]),
      [
        [1, "GET", `/v1/PushNotifications/DeviceRegistrations/${seeded.body.registrationId}`, "", 200, null],
        [2, "GET", "/v1/PushNotifications/Apps/demo_app", "", 200, null],
        [3, "POST", "/v1/PushNotifications", "", 202, null],
        [4, "POST", "/v1/PushNotifications", "", 400, null],
        [5, "GET", "/v1/PushNotifications", "pageSize=2&status=QUEUED", 200, null],
        [6, "GET", "/v1/PushNotifications/Apps", "", 401, null],
      ],
    );
    assert.equal(log[5].at, "2025-05-30T17:24:46Z");
    // Control requests are not logged.
    assert.ok(log.every((e) => !e.path.startsWith("/__emulator")));

    const stats = (await control("GET", "stats")).body;
    assert.deepEqual(stats, {
      sends: 2,
      requests: 6,
      faults: 0,
      operations: 1,
      notifications: 2,
      registrations: 1,
      users: 1,
      apps: 1,
      credentials: 2,
    });

    assert.deepEqual((await control("DELETE", "log")).body, { cleared: true });
    assert.deepEqual((await control("GET", "log")).body.requests, []);
    assert.equal((await control("GET", "stats")).body.requests, 6);

    const dump = (await control("GET", "state")).body;
    assert.equal(dump.defaultAppName, "demo_app");
    assert.equal(dump.apps.length, 1);
    assert.equal(dump.credentials.length, 2);
    assert.equal(dump.deviceRegistrations.length, 1);
    assert.equal(dump.pushNotifications.length, 2);
    assert.equal(dump.operations.length, 1);
    assert.ok(!JSON.stringify(dump).includes("BEGIN"), "no credential material in the dump");

    assert.deepEqual((await control("POST", "reset")).body, { reset: true });
    const empty = (await control("GET", "stats")).body;
    assert.deepEqual(empty, {
      sends: 0,
      requests: 0,
      faults: 0,
      operations: 0,
      notifications: 0,
      registrations: 0,
      users: 0,
      apps: 0,
      credentials: 0,
    });
    assert.deepEqual((await control("GET", "log")).body.requests, []);
    assert.equal((await control("POST", "seed")).status, 200);

    assertErrorBody(await control("GET", "nope"), 404, 20404);
    const wrong = await control("GET", "reset");
    assertErrorBody(wrong, 405, 20004);
    assert.equal(wrong.headers.get("allow"), "POST");
  });

  test("an unexpected exception becomes a logged JSON 500", async () => {
    const { call, emulator } = direct();
    emulator.state.credentials = null; // break the state on purpose
    const res = await call("GET", "/v1/PushNotifications/Credentials");
    assertErrorBody(res, 500, 20500);
    assert.equal(emulator.log.at(-1).status, 500);
    emulator.reset();
    assert.equal((await call("GET", "/v1/PushNotifications/Credentials")).status, 200);
  });
});

describe("faults (direct)", () => {
  const setup = () => {
    const d = direct();
    d.control = async (method, path, body) => {
      const res = await d.emulator.fetch(
        new Request(`${BASE}/__emulator/${path}`, { method, body: body && JSON.stringify(body) }),
      );
      return { status: res.status, body: await res.json() };
    };
    return d;
  };

  test("next queue: 429/503 with Retry-After, 500, applied in order; faulted requests change nothing", async () => {
    const { call, control, emulator } = setup();
    const cfg = await control("POST", "faults", { next: ["429", "503", "500"], retryAfter: 7 });
    assert.equal(cfg.status, 200);
    assert.deepEqual(cfg.body.next, ["429", "503", "500"]);
    const body = { credentialType: "FCM", appName: "app", content: fakeCredentialContent("FCM") };
    const r1 = await call("POST", "/v1/PushNotifications/Credentials", body);
    assertErrorBody(r1, 429, 20429);
    assert.equal(r1.headers.get("retry-after"), "7");
    const r2 = await call("POST", "/v1/PushNotifications/Credentials", body);
    assertErrorBody(r2, 503, 20503);
    assert.equal(r2.headers.get("retry-after"), "7");
    const r3 = await call("POST", "/v1/PushNotifications/Credentials", body);
    assertErrorBody(r3, 500, 20500);
    assert.equal(r3.headers.get("retry-after"), null);
    assert.equal(emulator.state.credentials.size, 0);
    assert.equal((await call("POST", "/v1/PushNotifications/Credentials", body)).status, 202);
    assert.equal(emulator.state.credentials.size, 1);
    const log = (await control("GET", "log")).body.requests;
    assert.deepEqual(
      log.map((e) => [e.status, e.fault]),
      [
        [429, "429"],
        [503, "503"],
        [500, "500"],
        [202, null],
      ],
    );
    assert.equal((await control("GET", "stats")).body.faults, 3);
  });

  test("a faulted send is not counted in sends and creates no operation", async () => {
    const { call, control, emulator } = setup();
    emulator.seed();
    await control("POST", "faults", { next: ["503"] });
    const send = { to: [{ token: APN_TOKEN, provider: "APN" }], content: { title: "t" } };
    assert.equal((await call("POST", "/v1/PushNotifications", send)).status, 503);
    assert.equal((await call("POST", "/v1/PushNotifications", send)).status, 202);
    const stats = (await control("GET", "stats")).body;
    assert.equal(stats.sends, 1);
    assert.equal(stats.operations, 1);
  });

  test("drop throws EmulatorDropError before state; drop-after applies then throws", async () => {
    const { call, control, emulator } = setup();
    await control("POST", "faults", { next: ["drop", "drop-after"] });
    const body = { credentialType: "APN", appName: "app", content: fakeCredentialContent("APN") };
    await assert.rejects(call("POST", "/v1/PushNotifications/Credentials", body), EmulatorDropError);
    assert.equal(emulator.state.credentials.size, 0);
    await assert.rejects(call("POST", "/v1/PushNotifications/Credentials", body), EmulatorDropError);
    assert.equal(emulator.state.credentials.size, 1);
    const log = (await control("GET", "log")).body.requests;
    assert.deepEqual(
      log.map((e) => [e.status, e.fault]),
      [
        [null, "drop"],
        [202, "drop-after"],
      ],
    );
  });

  test("slow waits slowMs then answers normally", async () => {
    const { call, control } = setup();
    await control("POST", "faults", { next: ["slow"], slowMs: 120 });
    const started = performance.now();
    const res = await call("GET", "/v1/PushNotifications/Apps");
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 100);
    assert.equal((await control("GET", "log")).body.requests[0].fault, "slow");
  });

  test("match restricts faults to a method and path prefix", async () => {
    const { call, control } = setup();
    await control("POST", "faults", {
      next: ["500"],
      match: { method: "post", pathPrefix: "/v1/PushNotifications/Credentials" },
    });
    assert.equal((await call("GET", "/v1/PushNotifications/Credentials")).status, 200);
    assert.equal((await call("POST", "/v1/PushNotifications/DeviceRegistrations", {})).status, 400);
    assert.equal((await call("POST", "/v1/PushNotifications/Credentials", {})).status, 500);
    assert.equal((await call("POST", "/v1/PushNotifications/Credentials", {})).status, 400);
  });

  test("rate faults are random but reproducible from the seed", async () => {
    const run = async (seed) => {
      const { call, control } = setup();
      await control("POST", "faults", { rate: 0.5, kinds: ["429", "503"], seed });
      const statuses = [];
      for (let i = 0; i < 40; i++) statuses.push((await call("GET", "/v1/PushNotifications/Apps")).status);
      return statuses;
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(7);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const faulted = a.filter((s) => s !== 200);
    assert.ok(faulted.length > 5 && faulted.length < 35, `${faulted.length} of 40 faulted`);
    assert.ok(faulted.every((s) => s === 429 || s === 503));
    assert.ok(faulted.includes(429) && faulted.includes(503));
    const { call, control } = setup();
    await control("POST", "faults", { rate: 1, kinds: ["500"] });
    assert.equal((await call("GET", "/v1/PushNotifications/Apps")).status, 500);
    assert.equal((await control("DELETE", "faults")).status, 200);
    assert.equal((await call("GET", "/v1/PushNotifications/Apps")).status, 200);
    const shown = (await control("GET", "faults")).body;
    assert.equal(shown.rate, 0);
    assert.deepEqual(shown.next, []);
  });

  test("X-Emulator-Fault header triggers one fault; unknown kinds are refused", async () => {
    const { call, emulator } = setup();
    const r = await call("GET", "/v1/PushNotifications/Apps", undefined, { headers: { "X-Emulator-Fault": "429" } });
    assertErrorBody(r, 429, 20429);
    assert.equal(r.headers.get("retry-after"), "1");
    await assert.rejects(
      call("GET", "/v1/PushNotifications/Apps", undefined, { headers: { "X-Emulator-Fault": "drop" } }),
      EmulatorDropError,
    );
    const bad = await call("GET", "/v1/PushNotifications/Apps", undefined, {
      headers: { "X-Emulator-Fault": "explode" },
    });
    assertErrorBody(bad, 400, 20001);
    assert.equal((await call("GET", "/v1/PushNotifications/Apps")).status, 200);
    assert.equal(emulator.stats().faults, 2);
  });

  test("invalid fault configuration gets 400 and keeps the old one", async () => {
    const { control } = setup();
    await control("POST", "faults", { next: ["429"] });
    const bad = await control("POST", "faults", {
      rate: 2,
      kinds: ["boom"],
      retryAfter: -1,
      slowMs: "x",
      seed: 1.5,
      next: "429",
      match: 3,
    });
    assertErrorBody({ ...bad, headers: new Headers({ "content-type": "application/json" }) }, 400, 20001);
    assert.deepEqual(bad.body.errors.map((e) => e.field).sort(), [
      "kinds",
      "match",
      "next",
      "rate",
      "retryAfter",
      "seed",
      "slowMs",
    ]);
    assert.deepEqual((await control("GET", "faults")).body.next, ["429"]);
    const notJson = await control("POST", "faults", undefined);
    assert.equal(notJson.status, 200); // empty body = defaults
  });
});

// -------------------------------------------------------------------------------------------------
// Through real HTTP

describe("HTTP server", () => {
  let server;
  const clock = makeClock();
  const http = async (method, path, body, { auth = AUTH, headers = {} } = {}) => {
    const h = { ...headers };
    if (auth) h.Authorization = auth;
    if (body !== undefined) h["Content-Type"] = "application/json";
    const res = await fetch(server.url + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };

  before(async () => {
    server = await startEmulatorServer({ username: USER, password: PASS, now: clock.now, deliveryMs: 400, seed: true });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(async () => {
    await fetch(`${server.url}/__emulator/faults`, { method: "DELETE" });
  });

  test("starts on a free port and serves the seeded state", async () => {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    const apps = await http("GET", "/v1/PushNotifications/Apps");
    assert.equal(apps.status, 200);
    assert.equal(apps.headers.get("content-type"), "application/json");
    assert.deepEqual(
      apps.body.apps.map((a) => a.name),
      ["demo_app"],
    );
    assertErrorBody(await http("GET", "/v1/PushNotifications/Apps", undefined, { auth: null }), 401, 20003);
  });

  test("full flow over HTTP: credential, register, send, lifecycle, errors", async () => {
    const cred = await http("POST", "/v1/PushNotifications/Credentials", {
      credentialType: "FCM",
      appName: "web_app",
      content: fakeCredentialContent("FCM"),
    });
    assert.equal(cred.status, 202);
    assert.equal(cred.headers.get("location"), cred.body.resourceLocation);
    const reg = await http("POST", "/v1/PushNotifications/DeviceRegistrations", {
      appName: "web_app",
      token: fcmToken(77),
      provider: "FCM",
    });
    assert.equal(reg.status, 202);
    const regBody = (await http("GET", `/v1/PushNotifications/DeviceRegistrations/${reg.body.resourceId}`)).body;
    const send = await http("POST", "/v1/PushNotifications", {
      to: [{ userId: regBody.userId }, { token: APN_TOKEN, provider: "FCM" }],
      content: { title: "Boarding time @ TLL", body: "1 hour until boarding" },
      from: { fcm: cred.body.resourceId },
      priority: "LOW",
    });
    assert.equal(send.status, 202);
    assert.equal(send.headers.get("location"), send.body.operationLocation);
    let op = (await http("GET", `/v1/PushNotifications/Operations/${send.body.operationId}`)).body;
    assert.equal(op.status, "PROCESSING");
    clock.advance(1000);
    op = (await http("GET", `/v1/PushNotifications/Operations/${send.body.operationId}`)).body;
    assert.equal(op.status, "COMPLETED");
    assert.deepEqual([op.stats.sent, op.stats.failed], [1, 1]);
    const errors = (await http("GET", `/v1/PushNotifications/Operations/${send.body.operationId}/Errors`)).body.errors;
    assert.deepEqual(
      errors.map((e) => e.failureReason),
      ["InvalidRegistration"],
    );
    const n = (await http("GET", `/v1/PushNotifications?operationId=${send.body.operationId}&status=SENT`)).body
      .pushNotifications;
    assert.equal(n.length, 1);
    assert.equal(n[0].priority, "LOW");
    assert.equal(n[0].userId, regBody.userId);
  });

  test("CORS: preflight gets 204 and responses carry the headers", async () => {
    const pre = await fetch(`${server.url}/v1/PushNotifications`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.match(pre.headers.get("access-control-allow-headers"), /Authorization/);
    assert.match(pre.headers.get("access-control-allow-headers"), /Content-Type/);
    assert.match(pre.headers.get("access-control-allow-methods"), /PATCH/);
    const res = await http("GET", "/v1/PushNotifications/Apps", undefined, { auth: null });
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-expose-headers"), /Location/);
    assert.match(res.headers.get("access-control-expose-headers"), /Retry-After/);
  });

  test("drop destroys the connection; drop-after applies the request first", async () => {
    const before = (await (await fetch(`${server.url}/__emulator/stats`)).json()).credentials;
    await fetch(`${server.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ next: ["drop", "drop-after"] }),
    });
    const body = { credentialType: "APN", appName: "drop_app", content: fakeCredentialContent("APN") };
    await assert.rejects(http("POST", "/v1/PushNotifications/Credentials", body), TypeError);
    let stats = await (await fetch(`${server.url}/__emulator/stats`)).json();
    assert.equal(stats.credentials, before);
    await assert.rejects(http("POST", "/v1/PushNotifications/Credentials", body), TypeError);
    stats = await (await fetch(`${server.url}/__emulator/stats`)).json();
    assert.equal(stats.credentials, before + 1);
    // The server keeps working afterwards.
    assert.equal((await http("GET", "/v1/PushNotifications/Apps/drop_app")).status, 200);
    await assert.rejects(
      http("GET", "/v1/PushNotifications/Apps", undefined, { headers: { "X-Emulator-Fault": "drop" } }),
      TypeError,
    );
  });

  test("429 fault over HTTP exposes Retry-After", async () => {
    await fetch(`${server.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ next: ["429"], retryAfter: 3 }),
    });
    const res = await http("GET", "/v1/PushNotifications/Users");
    assertErrorBody(res, 429, 20429);
    assert.equal(res.headers.get("retry-after"), "3");
  });

  test("request bodies and methods are converted faithfully", async () => {
    const res = await fetch(`${server.url}/v1/PushNotifications/Credentials`, {
      method: "POST",
      headers: { Authorization: AUTH, "Content-Type": "text/plain" },
      body: "{}",
    });
    assert.equal(res.status, 400);
    const patch = await http("PATCH", "/v1/PushNotifications/Apps/demo_app", { isDefault: true });
    assert.equal(patch.status, 202);
    const log = (await (await fetch(`${server.url}/__emulator/log`)).json()).requests;
    assert.deepEqual(
      [log.at(-1).method, log.at(-1).path, log.at(-1).status],
      ["PATCH", "/v1/PushNotifications/Apps/demo_app", 202],
    );
  });

  test("server.emulator is the live instance", async () => {
    assert.equal(server.emulator.state.apps.has("demo_app"), true);
  });
});

describe("Workers entry", () => {
  test("answers 503 JSON until configured, then serves one seeded emulator", async () => {
    const unconfigured = await worker.fetch(new Request(`${BASE}/v1/PushNotifications/Apps`), {});
    assert.equal(unconfigured.status, 503);
    const body = await unconfigured.json();
    assert.equal(body.code, 20503);
    assert.equal(unconfigured.headers.get("content-type"), "application/json");

    const env = {
      EMULATOR_USERNAME: USER,
      EMULATOR_PASSWORD: PASS,
      EMULATOR_SEED: "1",
      EMULATOR_BASE_URL: "https://emu.workers.dev/v1",
    };
    const apps = await worker.fetch(
      new Request(`${BASE}/v1/PushNotifications/Apps`, { headers: { Authorization: AUTH } }),
      env,
      {},
    );
    assert.equal(apps.status, 200);
    assert.deepEqual(
      (await apps.json()).apps.map((a) => a.name),
      ["demo_app"],
    );
    const cred = await worker.fetch(
      new Request(`${BASE}/v1/PushNotifications/Credentials`, {
        method: "POST",
        headers: { Authorization: AUTH, "Content-Type": "application/json" },
        body: JSON.stringify({ credentialType: "APN", appName: "w_app", content: fakeCredentialContent("APN") }),
      }),
      env,
      {},
    );
    assert.equal(cred.status, 202);
    assert.match(
      (await cred.json()).resourceLocation,
      /^https:\/\/emu\.workers\.dev\/v1\/PushNotifications\/Credentials\//,
    );
    // Same isolate, same state.
    const stats = await (await worker.fetch(new Request(`${BASE}/__emulator/stats`), env, {})).json();
    assert.equal(stats.apps, 2);
  });

  test("drop faults make the worker throw", async () => {
    const env = { EMULATOR_USERNAME: USER, EMULATOR_PASSWORD: PASS };
    await assert.rejects(
      worker.fetch(
        new Request(`${BASE}/v1/PushNotifications/Apps`, {
          headers: { Authorization: AUTH, "X-Emulator-Fault": "drop" },
        }),
        env,
        {},
      ),
      (error) => error instanceof Error && /dropped/.test(error.message),
    );
  });
});

describe("CLI", () => {
  test("node server.mjs --port 0 --username --password --seed --delivery-ms serves requests", async () => {
    const child = spawn(
      process.execPath,
      [SERVER_PATH, "--port", "0", "--username", USER, "--password", PASS, "--seed", "--delivery-ms", "5"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const url = await new Promise((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
        setTimeout(() => reject(new Error("server did not start")), 10000);
      });
      const res = await fetch(`${url}/v1/PushNotifications/Apps/demo_app`, { headers: { Authorization: AUTH } });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).isDefault, true);
      const send = await fetch(`${url}/v1/PushNotifications`, {
        method: "POST",
        headers: { Authorization: AUTH, "Content-Type": "application/json" },
        body: JSON.stringify({ to: [{ token: SEED.apnToken, provider: "APN" }], content: { title: "t" } }),
      });
      const { operationId } = await send.json();
      await new Promise((r) => setTimeout(r, 50)); // delivery-ms 5: done well before this
      const op = await (
        await fetch(`${url}/v1/PushNotifications/Operations/${operationId}`, { headers: { Authorization: AUTH } })
      ).json();
      assert.equal(op.status, "COMPLETED");
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("refuses to start without credentials", async () => {
    const env = { ...process.env };
    delete env.EMULATOR_USERNAME;
    delete env.EMULATOR_PASSWORD;
    const child = spawn(process.execPath, [SERVER_PATH, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"], env });
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(err, /--username and --password are required/);
  });
});
