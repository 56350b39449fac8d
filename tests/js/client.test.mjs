// PushClient and the request builders as a Node user sees them, against a local HTTP server:
// success paths, retries (and the absence of retries for sends), timeouts, network errors,
// pagination, batches, validation before any I/O, and auth headers.
// Run: node --test tests/js/client.test.mjs (after `make pkg`).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { mkdtemp, writeFile, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  PushClient,
  buildSendPushRequest,
  buildRegisterDeviceRequest,
  buildListDeviceRegistrationsRequest,
  buildDeleteDeviceRegistrationRequest,
  buildRequest,
  parseResponse,
  apnCredentialContent,
  fcmCredentialContent,
} from "twilio-push-wasm";
import { startTestServer } from "./support/test-server.mjs";
import { bundleWorker, startMiniflare } from "./support/workerd.mjs";
import { startStaticServer } from "./support/static-server.mjs";
import { launchBrowser, openPage } from "./support/browser.mjs";

const ROOT = resolve(import.meta.dirname, "../..");

const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const FCM =
  "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
const USER = "comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8";
const AUTH = { username: "ACtest", password: "secret" };
const BASIC = `Basic ${Buffer.from("ACtest:secret").toString("base64")}`;
const OP = "comms_operation_01h9krwprkeee8fzqspvwy6nq8";

const servers = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(handler) {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

function client(server, extra = {}) {
  return new PushClient({ baseUrl: `${server.url}/v1`, auth: AUTH, retryBaseMs: 1, ...extra });
}

async function rejects(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof Error, "a real Error");
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

const accepted = () => ({
  status: 202,
  headers: { Location: `https://comms.twilio.com/v1/PushNotifications/Operations/${OP}` },
  body: { operationId: OP, operationLocation: `https://comms.twilio.com/v1/PushNotifications/Operations/${OP}` },
});

test("builders return plain request objects", () => {
  const r = buildSendPushRequest(
    { to: [{ token: HEX.toUpperCase(), provider: "APN" }], content: { title: "Hi" } },
    { auth: AUTH },
  );
  assert.equal(r.method, "POST");
  assert.equal(r.url, "https://comms.twilio.com/v1/PushNotifications");
  assert.deepEqual(r.headers, { Accept: "application/json", "Content-Type": "application/json", Authorization: BASIC });
  assert.deepEqual(JSON.parse(r.body), { to: [{ token: HEX, provider: "APN" }], content: { title: "Hi" } });

  const reg = buildRegisterDeviceRequest(
    { appName: "limonade_app", token: FCM, provider: "FCM" },
    { baseUrl: "/api/v1" },
  );
  assert.equal(reg.url, "/api/v1/PushNotifications/DeviceRegistrations");
  const list = buildListDeviceRegistrationsRequest({ userId: USER, pageSize: 2 });
  assert.equal(list.url, `https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations?userId=${USER}&pageSize=2`);
  assert.equal(list.body, null);
  const del = buildDeleteDeviceRegistrationRequest({ deviceRegistrationId: "reg_1" });
  assert.equal(del.method, "DELETE");
  assert.equal(buildRequest("listUsers").url, "https://comms.twilio.com/v1/PushNotifications/Users");

  assert.throws(
    () => buildDeleteDeviceRegistrationRequest({ deviceRegistrationId: "../Users" }),
    (e) => e.code === "VALIDATION_ERROR" && e.field === "deviceRegistrationId" && e.name === "ValidationError",
  );
  assert.throws(
    () => buildRequest("sendPushes", {}),
    (e) => e.code === "UNKNOWN_OPERATION",
  );
});

test("parseResponse takes a Headers instance", () => {
  const headers = new Headers({ Location: `https://x/v1/PushNotifications/Operations/${OP}` });
  assert.deepEqual(parseResponse("sendPush", 202, headers, ""), {
    operationId: OP,
    operationLocation: `https://x/v1/PushNotifications/Operations/${OP}`,
  });
  const page = parseResponse(
    "listApps",
    200,
    {},
    JSON.stringify({ apps: [{ name: "a" }], pagination: { next: null, self: "s" } }),
  );
  assert.equal(page.items, page.apps);
  assert.equal(page.nextPageToken, null);
  try {
    parseResponse("listApps", 503, new Headers({ "Retry-After": "3" }), "");
    assert.fail("expected a throw");
  } catch (e) {
    assert.equal(e.name, "ApiError");
    assert.equal(e.code, "API_ERROR");
    assert.equal(e.status, 503);
    assert.equal(e.retryAfter, 3);
    assert.equal(e.retryable, true);
    assert.match(e.message, /503/);
  }
});

test("credential helpers never echo secrets", () => {
  const cert =
    "-----BEGIN CERTIFICATE-----\nMIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEFBQAw\n-----END CERTIFICATE-----\n";
  const key =
    "-----BEGIN PRIVATE KEY-----\nMIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fGgvCI1l9s+cmBY3WI\n-----END PRIVATE KEY-----\n";
  const c = apnCredentialContent(cert, key);
  assert.equal(Buffer.from(c.certificate, "base64").toString(), cert.trim());
  assert.equal(Buffer.from(c.privateKey, "base64").toString(), key.trim());
  assert.throws(
    () => apnCredentialContent(key, cert),
    (e) => e.field === "certificatePem" && !e.message.includes("MIIE"),
  );
  const sa = JSON.stringify({
    type: "service_account",
    project_id: "p",
    private_key: key,
    client_email: "sa@p.iam.gserviceaccount.com",
  });
  assert.equal(Buffer.from(fcmCredentialContent(sa).privateKey, "base64").toString(), sa);
  assert.throws(
    () => fcmCredentialContent(sa.slice(0, 80)),
    (e) => e.code === "VALIDATION_ERROR" && !e.message.includes("MIIE"),
  );
});

test("sendPush: validated, sent once with auth, typed result", async () => {
  const server = await serve(() => accepted());
  const result = await client(server).sendPush({
    to: [{ token: `<${HEX.toUpperCase()}>`, provider: "APN" }, { token: FCM, provider: "FCM" }, { userId: USER }],
    content: { title: "Boarding", body: "1 hour left" },
    from: { apn: "comms_credential_a", fcm: "comms_credential_b" },
    priority: "HIGH",
    tags: { flight: "TLL" },
  });
  assert.deepEqual(result, {
    operationId: OP,
    operationLocation: `https://comms.twilio.com/v1/PushNotifications/Operations/${OP}`,
  });
  assert.equal(server.requests.length, 1);
  const [req] = server.requests;
  assert.equal(req.method, "POST");
  assert.equal(req.path, "/v1/PushNotifications");
  assert.equal(req.headers.authorization, BASIC);
  assert.equal(req.headers["content-type"], "application/json");
  assert.equal(req.headers.accept, "application/json");
  assert.deepEqual(JSON.parse(req.body).to, [
    { token: HEX, provider: "APN" },
    { token: FCM, provider: "FCM" },
    { userId: USER },
  ]);
});

test("other operations: reads, writes, 204 deletes, bearer auth, no stray query characters", async () => {
  const server = await serve((req) => {
    if (req.method === "POST")
      return { status: 202, body: { resourceId: "comms_device_registration_1", resourceLocation: "https://x/1" } };
    if (req.method === "DELETE") return { status: 204 };
    if (req.path.endsWith(`/Operations/${OP}`))
      return { body: { id: OP, status: "COMPLETED", stats: { sent: 1 }, extra: true } };
    return { body: { deviceRegistrations: [{ id: "r1" }], pagination: { next: null, self: "s" } } };
  });
  const c = new PushClient({ baseUrl: `${server.url}/v1/`, auth: { bearer: "proxy-token" } });
  assert.deepEqual(await c.registerDevice({ appName: "limonade_app", token: FCM, provider: "FCM", userId: USER }), {
    resourceId: "comms_device_registration_1",
    resourceLocation: "https://x/1",
  });
  assert.deepEqual(await c.fetchOperation({ operationId: OP }), {
    id: OP,
    status: "COMPLETED",
    stats: { sent: 1 },
    extra: true,
  });
  assert.deepEqual(await c.deleteUser({ userId: USER }), { resourceId: null, resourceLocation: null });
  const page = await c.listDeviceRegistrations({ userId: USER, appName: "limonade_app" });
  assert.deepEqual(page.deviceRegistrations, [{ id: "r1" }]);
  assert.equal(page.items, page.deviceRegistrations);
  const list = server.requests.at(-1);
  assert.equal(list.url, `/v1/PushNotifications/DeviceRegistrations?userId=${USER}&appName=limonade_app`);
  for (const r of server.requests) assert.equal(r.headers.authorization, "Bearer proxy-token");
  assert.equal(server.requests[2].method, "DELETE");
  assert.equal(server.requests[2].body, "");
});

test("429 with Retry-After, then success: waits at least Retry-After", async () => {
  const server = await serve((_req, i) =>
    i === 0
      ? {
          status: 429,
          headers: { "Retry-After": "1" },
          body: {
            code: 20429,
            message: "Too many requests",
            more_info: "https://www.twilio.com/docs/api/errors/20429",
          },
        }
      : { body: { apps: [{ name: "a" }], pagination: { next: null, self: "s" } } },
  );
  const started = Date.now();
  const page = await client(server, { retryMaxMs: 5000 }).listApps();
  assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  assert.deepEqual(page.apps, [{ name: "a" }]);
  assert.equal(server.requests.length, 2);
});

test("a Retry-After beyond retryMaxMs is reported, not slept through", async () => {
  const server = await serve(() => ({ status: 429, headers: { "Retry-After": "120" }, body: "" }));
  const e = await rejects(client(server).listUsers(), "API_ERROR");
  assert.equal(e.retryAfter, 120);
  assert.equal(e.attempts, 1);
  assert.equal(server.requests.length, 1);
});

test("503 until retries are exhausted: maxRetries + 1 requests, the last error with attempts", async () => {
  const server = await serve(() => ({
    status: 503,
    body: { code: 20503, message: "Service unavailable", moreInfo: "https://m" },
  }));
  const e = await rejects(client(server, { maxRetries: 2 }).fetchUser({ userId: USER }), "API_ERROR");
  assert.equal(server.requests.length, 3);
  assert.equal(e.name, "ApiError");
  assert.equal(e.status, 503);
  assert.equal(e.twilioCode, 20503);
  assert.equal(e.moreInfo, "https://m");
  assert.equal(e.retryable, true);
  assert.equal(e.attempts, 3);
  assert.match(e.message, /503 Service Unavailable: Service unavailable/);
});

test("500 is not retried", async () => {
  const server = await serve(() => ({ status: 500, body: "<html>oops</html>" }));
  const e = await rejects(client(server).listApps(), "API_ERROR");
  assert.equal(server.requests.length, 1);
  assert.equal(e.retryable, false);
  assert.match(e.message, /500/);
});

test("sendPush is never retried: a 503 is reported after exactly one request", async () => {
  const server = await serve(() => ({ status: 503, headers: { "Retry-After": "0" }, body: "" }));
  const e = await rejects(
    client(server, { maxRetries: 5 }).sendPush({ to: [{ token: FCM, provider: "FCM" }], content: { body: "x" } }),
    "API_ERROR",
  );
  assert.equal(server.requests.length, 1);
  assert.equal(e.attempts, 1);
});

test("timeout: the attempt is aborted and reported as TIMEOUT", async () => {
  const server = await serve(() => ({ delayMs: 2000, body: {} }));
  const started = Date.now();
  const e = await rejects(client(server, { timeoutMs: 100, maxRetries: 0 }).fetchApp({ appName: "a" }), "TIMEOUT");
  assert.ok(Date.now() - started < 1500);
  assert.equal(e.timeoutMs, 100);
  assert.equal(e.attempts, 1);
  assert.match(e.message, /100 ms/);
  const send = await rejects(
    client(server, { timeoutMs: 100, maxRetries: 3 }).sendPush({
      to: [{ token: FCM, provider: "FCM" }],
      content: { body: "x" },
    }),
    "TIMEOUT",
  );
  assert.equal(send.attempts, 1);
});

test("a timed-out read is retried and can succeed", async () => {
  const server = await serve((_req, i) =>
    i === 0 ? { delayMs: 1000, body: {} } : { body: { id: USER, createdAt: "c", updatedAt: "u", deletedAt: null } },
  );
  const user = await client(server, { timeoutMs: 150, maxRetries: 1 }).fetchUser({ userId: USER });
  assert.equal(user.id, USER);
  assert.equal(server.requests.length, 2);
});

test("network errors are NETWORK_ERROR (retried for reads)", async () => {
  const port = await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
  const c = new PushClient({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1, retryBaseMs: 1 });
  const e = await rejects(c.listUsers(), "NETWORK_ERROR");
  assert.equal(e.attempts, 2);
  assert.equal(e.retryable, true);
  const dropped = await serve(() => ({ destroy: true }));
  await rejects(client(dropped, { maxRetries: 0 }).listApps(), "NETWORK_ERROR");
});

test("listAll* follows pages with for await", async () => {
  const pages = {
    "": { items: ["r1", "r2"], next: "t2" },
    t2: { items: [], next: "t3" },
    t3: { items: ["r3"], next: null },
  };
  const server = await serve((req) => {
    const p = pages[req.query.get("pageToken") ?? ""];
    return { body: { deviceRegistrations: p.items.map((id) => ({ id })), pagination: { next: p.next, self: "x" } } };
  });
  const seen = [];
  for await (const r of client(server).listAllDeviceRegistrations({ userId: USER, pageSize: 2 })) seen.push(r.id);
  assert.deepEqual(seen, ["r1", "r2", "r3"]);
  assert.deepEqual(
    server.requests.map((r) => r.query.get("pageToken")),
    [null, "t2", "t3"],
  );
  for (const r of server.requests) assert.equal(r.query.get("pageSize"), "2");

  // `break` stops fetching.
  const before = server.requests.length;
  for await (const r of client(server).listAllDeviceRegistrations({ userId: USER })) {
    assert.equal(r.id, "r1");
    break;
  }
  assert.equal(server.requests.length, before + 1);
});

test("listAll* with URLs in pagination.next, and errors after the items received", async () => {
  const server = await serve((req) => {
    const token = req.query.get("pageToken");
    if (!token)
      return {
        body: {
          notifications: [{ id: "n1" }],
          pagination: {
            next: `${"https://comms.twilio.com/v1/PushNotifications"}?pageToken=p%2B2&pageSize=1`,
            self: "x",
          },
        },
      };
    if (token === "p+2") return { body: { pushNotifications: [{ id: "n2" }], pagination: { next: "p+2", self: "x" } } };
    return { status: 404, body: {} };
  });
  const it = client(server).listAllPushNotifications();
  assert.equal(it[Symbol.asyncIterator](), it);
  assert.deepEqual(await it.next(), { value: { id: "n1" }, done: false });
  assert.deepEqual(await it.next(), { value: { id: "n2" }, done: false });
  await rejects(it.next(), "INVALID_RESPONSE"); // the same token again: stop instead of looping
  assert.deepEqual(await it.next(), { value: undefined, done: true });
  assert.equal(server.requests.length, 2);
});

test("every list has a listAll* iterator, and invalid params throw at once", async () => {
  const server = await serve((req) => {
    const key = req.path.split("/").pop();
    const collection = {
      PushNotifications: "pushNotifications",
      Operations: "operations",
      Credentials: "credentials",
      Apps: "apps",
      Users: "users",
      Errors: "errors",
    }[key];
    return { body: { [collection]: [{ key }], pagination: { next: null, self: "s" } } };
  });
  const c = client(server);
  const all = async (it) => {
    const out = [];
    for await (const x of it) out.push(x.key);
    return out;
  };
  assert.deepEqual(await all(c.listAllPushNotifications({ status: "SENT" })), ["PushNotifications"]);
  assert.deepEqual(await all(c.listAllOperations()), ["Operations"]);
  assert.deepEqual(await all(c.listAllOperationErrors({ operationId: OP })), ["Errors"]);
  assert.deepEqual(await all(c.listAllCredentials({ credentialType: "FCM" })), ["Credentials"]);
  assert.deepEqual(await all(c.listAllApps(null)), ["Apps"]);
  assert.deepEqual(await all(c.listAllUsers({})), ["Users"]);
  const count = server.requests.length;
  assert.throws(
    () => c.listAllDeviceRegistrations({}),
    (e) => e.code === "VALIDATION_ERROR" && e.field === "userId",
  );
  assert.throws(
    () => c.listAllUsers({ pageSize: 5000 }),
    (e) => e.field === "pageSize",
  );
  assert.equal(server.requests.length, count);
});

test("struct-typed params are JSON objects: an array is refused, naming the field", () => {
  const send = (extra) => ({ to: [{ token: FCM, provider: "FCM" }], content: { title: "t" }, ...extra });
  const cases = [
    ["sendPush", send({ to: [{ token: FCM, provider: "FCM" }, [FCM, "FCM"]] }), "to[1]"],
    ["sendPush", send({ from: ["comms_credential_a", "comms_credential_b"] }), "from"],
    ["sendPush", send({ content: ["t", "b"] }), "content"],
    ["sendPush", send({ schedule: [["2025-03-19T09:30:00Z"]] }), "schedule"],
    ["createCredential", { credentialType: "FCM", content: [null, "e30="], appName: "app" }, "content"],
  ];
  for (const [op, params, field] of cases) {
    assert.throws(
      () => buildRequest(op, params, null),
      (e) =>
        e.code === "VALIDATION_ERROR" && e.field === field && e.message === `${field}: must be an object, not an array`,
      `${op} ${field}`,
    );
  }
  assert.throws(
    () => buildRequest("listUsers", {}, { auth: ["ACtest", "secret"] }),
    (e) => e.code === "INVALID_ARGUMENT" && e.field === "config.auth",
  );
});

test("validation errors reject before any request", async () => {
  const server = await serve(() => accepted());
  const c = client(server);
  const e = await rejects(
    c.sendPush({
      to: [
        { token: FCM, provider: "FCM" },
        { token: "{length = 32, bytes = 0x965b251c 6cb1926d ... 376eab7c 4c5e0c1b }", provider: "APN" },
      ],
      content: { title: "t" },
    }),
    "VALIDATION_ERROR",
  );
  assert.equal(e.field, "to[1].token");
  assert.equal(e.tokenCode, "TRUNCATED_DESCRIPTION");
  assert.match(e.message, /^to\[1\]\.token: TRUNCATED_DESCRIPTION: /);
  await rejects(c.registerDevice({ appName: "Bad Name", token: FCM, provider: "FCM" }), "VALIDATION_ERROR");
  await rejects(c.updateCredential({ credentialId: "c" }), "VALIDATION_ERROR");
  await rejects(c.listOperations({ status: "DONE" }), "VALIDATION_ERROR");
  await rejects(c.fetchCredential({ credentialId: "a/b" }), "VALIDATION_ERROR");
  await rejects(c.call("nope", {}), "UNKNOWN_OPERATION");
  assert.equal(server.requests.length, 0);
  assert.throws(
    () => new PushClient({ maxRetries: 99 }),
    (e) => e.code === "INVALID_ARGUMENT" && e.field === "config.maxRetries",
  );
  assert.throws(
    () => new PushClient({ baseUrl: "ftp://x" }),
    (e) => e.code === "INVALID_ARGUMENT",
  );
});

test("sendPushInBatches: all validated first, sent in order, failures listed, never retried", async () => {
  const server = await serve((_req, i) => (i === 1 ? { status: 503, body: { message: "busy" } } : accepted()));
  const to = Array.from({ length: 20_001 }, (_, i) => ({ token: `${FCM}${i}`, provider: "FCM" }));
  const c = client(server, { maxRetries: 3 });

  const bad = to.slice();
  bad[10_000] = { token: "32 bytes", provider: "APN" };
  const e = await rejects(c.sendPushInBatches({ to: bad, content: { body: "x" } }), "VALIDATION_ERROR");
  assert.equal(e.field, "to[10000].token");
  assert.equal(server.requests.length, 0);

  const result = await c.sendPushInBatches({ to, content: { body: "x" } });
  assert.equal(server.requests.length, 3);
  assert.deepEqual(
    server.requests.map((r) => JSON.parse(r.body).to.length),
    [10_000, 10_000, 1],
  );
  assert.equal(JSON.parse(server.requests[2].body).to[0].token, `${FCM}20000`);
  assert.deepEqual(
    result.operations.map((o) => [o.firstIndex, o.recipients, o.operationId]),
    [
      [0, 10_000, OP],
      [20_000, 1, OP],
    ],
  );
  assert.equal(result.failed.length, 1);
  assert.equal(result.failed[0].firstIndex, 10_000);
  assert.equal(result.failed[0].recipients, 10_000);
  assert.equal(result.failed[0].error.code, "API_ERROR");
  assert.equal(result.failed[0].error.status, 503);
  assert.equal(result.failed[0].error.attempts, 1);
});

// ---------------------------------------------------------------------------------------------
// The same client in workerd (Miniflare) and in Chromium (a page on another origin: CORS).

/** A small program run in each runtime against `base`; returns what it saw. */
const PROGRAM = (base) => `
  const out = {};
  const c = new PushClient({ baseUrl: ${JSON.stringify(base)}, auth: { username: "ACtest", password: "secret" }, retryBaseMs: 1, maxRetries: 2 });
  out.send = await c.sendPush({ to: [{ token: ${JSON.stringify(HEX.toUpperCase())}, provider: "APN" }], content: { title: "t" } });
  out.ids = [];
  for await (const u of c.listAllUsers({ pageSize: 1 })) out.ids.push(u.id);
  try { await c.listApps(); } catch (e) { out.busy = [e.code, e.status, e.attempts]; }
  const quick = new PushClient({ baseUrl: ${JSON.stringify(base)}, timeoutMs: 100, maxRetries: 0 });
  try { await quick.fetchApp({ appName: "slow" }); } catch (e) { out.timeout = e.code; }
  try { await c.sendPush({ to: [{ token: "32 bytes", provider: "APN" }], content: { title: "t" } }); } catch (e) { out.invalid = [e.code, e.field, e.tokenCode]; }
`;

const EXPECTED = {
  send: { operationId: OP, operationLocation: `https://comms.twilio.com/v1/PushNotifications/Operations/${OP}` },
  ids: ["u1", "u2"],
  busy: ["API_ERROR", 503, 3],
  timeout: "TIMEOUT",
  invalid: ["VALIDATION_ERROR", "to[0].token", "DESCRIPTION_WITHOUT_BYTES"],
};

function runtimeServer() {
  return serve((req) => {
    if (req.method === "POST") {
      assert.equal(JSON.parse(req.body).to[0].token, HEX);
      assert.equal(req.headers.authorization, BASIC);
      return accepted();
    }
    if (req.path.endsWith("/Users")) {
      const second = req.query.get("pageToken") === "p2";
      return { body: { users: [{ id: second ? "u2" : "u1" }], pagination: { next: second ? null : "p2", self: "s" } } };
    }
    if (req.path.endsWith("/Apps/slow")) return { delayMs: 1000, body: {} };
    return { status: 503, body: { message: "busy" } };
  });
}

test("workerd: the client runs in a Worker", async () => {
  const server = await runtimeServer();
  await mkdir(join(ROOT, "test-results"), { recursive: true });
  const work = await mkdtemp(join(ROOT, "test-results", "client-"));
  try {
    const entry = join(work, "worker-entry.js");
    await writeFile(
      entry,
      `import { PushClient } from "twilio-push-wasm";
       export default { async fetch() { ${PROGRAM(`${server.url}/v1`)} return Response.json(out); } };`,
    );
    const mf = startMiniflare([{ name: "client", scriptPath: await bundleWorker(entry, ROOT) }]);
    try {
      const res = await mf.dispatchFetch("http://localhost/");
      assert.deepEqual(await res.json(), EXPECTED);
    } finally {
      await mf.dispose();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test("Chromium: the client calls another origin (CORS) from a plain ES-module page", async () => {
  const server = await runtimeServer();
  await mkdir(join(ROOT, "test-results"), { recursive: true });
  const work = await mkdtemp(join(ROOT, "test-results", "client-"));
  const browser = await launchBrowser();
  try {
    await mkdir(work, { recursive: true });
    await writeFile(
      join(work, "index.html"),
      `<!doctype html>
       <link rel="icon" href="data:,">
       <script type="importmap">{ "imports": { "twilio-push-wasm": "/node_modules/twilio-push-wasm/web.js" } }</script>
       <script type="module">
         import init, { PushClient } from "twilio-push-wasm";
         await init();
         ${PROGRAM(`${server.url}/v1`)}
         document.body.dataset.out = JSON.stringify(out);
       </script>`,
    );
    const site = await startStaticServer({ "/": work, "/node_modules/": join(ROOT, "node_modules") });
    try {
      const { page } = await openPage(browser, `${site.url}/`);
      await page.waitForFunction(() => document.body.dataset.out, null, { timeout: 20_000 });
      assert.deepEqual(JSON.parse(await page.evaluate(() => document.body.dataset.out)), EXPECTED);
    } finally {
      await site.close();
    }
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
});
