// The proxy inside workerd (Miniflare), in front of the emulator: auth, CORS, limits,
// validation before forwarding, upstream faults, and no secret in any response or log line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack } from "../../scripts/dev.mjs";
import { assertNoSecrets } from "./support/secrets.mjs";

const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const ALLOWED = "https://admin.example";

let stack;
/** Every response body and header seen by this suite, for the secret scan at the end. */
const seen = [];

before(async () => {
  stack = await startStack({ vars: { ALLOWED_ORIGINS: ALLOWED, MAX_RETRIES: "2" }, deliveryMs: 50 });
});
after(async () => {
  await stack?.close();
});

async function call(path, { method = "GET", token = stack.adminToken, headers = {}, body } = {}) {
  const h = { ...headers };
  if (token !== null) h.authorization = `Bearer ${token}`;
  if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) {
    h["content-type"] = "application/json";
  }
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: h,
    body:
      body === undefined
        ? undefined
        : typeof body === "string" || body instanceof Uint8Array
          ? body
          : JSON.stringify(body),
  });
  const text = await res.text();
  seen.push(text, JSON.stringify([...res.headers]));
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    assert.fail(`not JSON: ${res.status} ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body: json };
}

const emulatorLog = async () => (await stack.emulator.request("/__emulator/log")).body.requests.length;
const emulatorStats = async () => (await stack.emulator.request("/__emulator/stats")).body;

const ROUTES = [
  ["POST", "/api/v1/PushNotifications"],
  ["GET", "/api/v1/PushNotifications"],
  ["GET", "/api/v1/PushNotifications/comms_pushnotification_01h9krwprkeee8fzqspvwy6nq8"],
  ["GET", "/api/v1/PushNotifications/Operations"],
  ["GET", "/api/v1/PushNotifications/Operations/comms_operation_01h9krwprkeee8fzqspvwy6nq8"],
  ["GET", "/api/v1/PushNotifications/Operations/comms_operation_01h9krwprkeee8fzqspvwy6nq8/Errors"],
  ["GET", "/api/v1/PushNotifications/DeviceRegistrations?userId=u"],
  ["POST", "/api/v1/PushNotifications/DeviceRegistrations"],
  ["GET", "/api/v1/PushNotifications/DeviceRegistrations/r"],
  ["DELETE", "/api/v1/PushNotifications/DeviceRegistrations/r"],
  ["GET", "/api/v1/PushNotifications/Credentials"],
  ["POST", "/api/v1/PushNotifications/Credentials"],
  ["GET", "/api/v1/PushNotifications/Credentials/c"],
  ["PATCH", "/api/v1/PushNotifications/Credentials/c"],
  ["DELETE", "/api/v1/PushNotifications/Credentials/c"],
  ["GET", "/api/v1/PushNotifications/Apps"],
  ["GET", "/api/v1/PushNotifications/Apps/demo_app"],
  ["PATCH", "/api/v1/PushNotifications/Apps/demo_app"],
  ["GET", "/api/v1/PushNotifications/Users"],
  ["GET", "/api/v1/PushNotifications/Users/u"],
  ["DELETE", "/api/v1/PushNotifications/Users/u"],
];

test("health answers without a token and names the upstream", async () => {
  const r = await call("/api/health", { token: null });
  assert.equal(r.status, 200);
  assert.equal(r.body.upstream, "emulator");
  assert.equal(r.body.wasmMemoryBytes, undefined, "the memory size is for the admin only");
  const admin = await call("/api/health");
  assert.ok(admin.body.wasmMemoryBytes > 0, JSON.stringify(admin.body));
});

test("every route refuses a missing token and a wrong token of the same length", async () => {
  const before = await emulatorLog();
  const wrong = stack.adminToken.replace(/./g, (c) => (c === "a" ? "b" : "a"));
  assert.equal(wrong.length, stack.adminToken.length);
  for (const [method, path] of ROUTES) {
    for (const token of [null, wrong, `${stack.adminToken}x`, stack.adminToken.slice(0, -1)]) {
      const body = method === "POST" || method === "PATCH" ? {} : undefined;
      const r = await call(path, { method, token, body });
      assert.equal(r.status, 401, `${method} ${path} with ${token === null ? "no token" : "a wrong token"}`);
      assert.equal(r.body.code, "UNAUTHORIZED");
      assert.equal(r.headers.get("www-authenticate"), "Bearer");
    }
  }
  assert.equal(await emulatorLog(), before, "nothing reached the emulator");
});

test("unknown routes are JSON 404s and wrong methods JSON 405s", async () => {
  assert.equal((await call("/api/v1/Messages")).status, 404);
  assert.equal((await call("/api/v1/PushNotifications/Apps/a/b")).status, 404);
  const r = await call("/api/v1/PushNotifications/Apps", { method: "DELETE" });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get("allow"), "GET");
  assert.equal(r.body.code, "METHOD_NOT_ALLOWED");
});

test("CORS: listed origins get headers and preflights, others are refused", async () => {
  const ok = await call("/api/v1/PushNotifications/Apps", { headers: { origin: ALLOWED } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), ALLOWED);
  const pre = await fetch(`${stack.url}/api/v1/PushNotifications/DeviceRegistrations`, {
    method: "OPTIONS",
    headers: {
      origin: ALLOWED,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), ALLOWED);
  assert.match(pre.headers.get("access-control-allow-methods"), /POST/);
  assert.match(pre.headers.get("access-control-allow-headers"), /Authorization/);
  const before = await emulatorLog();
  const bad = await call("/api/v1/PushNotifications/Apps", { headers: { origin: "https://evil.example" } });
  assert.equal(bad.status, 403);
  assert.equal(bad.body.code, "ORIGIN_NOT_ALLOWED");
  assert.equal(bad.headers.get("access-control-allow-origin"), null);
  const badPre = await fetch(`${stack.url}/api/v1/PushNotifications/Apps`, {
    method: "OPTIONS",
    headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
  });
  assert.equal(badPre.status, 403);
  assert.equal(badPre.headers.get("access-control-allow-origin"), null);
  assert.equal(await emulatorLog(), before);
});

test("oversized, non-JSON and invalid bodies are refused before anything is forwarded", async () => {
  const before = await emulatorLog();
  const path = "/api/v1/PushNotifications/DeviceRegistrations";
  const cases = [
    [{ body: "x".repeat(2 * 1024 * 1024 + 1) }, 413, "PAYLOAD_TOO_LARGE"],
    [{ body: "{}", headers: { "content-type": "text/plain" } }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    [{ body: "{not json" }, 400, "INVALID_JSON"],
    [{ body: "[]" }, 400, "INVALID_JSON"],
    [{ body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]) }, 400, "INVALID_BODY"],
    [
      { body: { appName: "demo_app", provider: "APN", token: "{length = 32, bytes = 0x965b251c ... 376eab7c }" } },
      400,
      "VALIDATION_ERROR",
    ],
    [{ body: { appName: "Demo App", provider: "APN", token: HEX } }, 400, "VALIDATION_ERROR"],
    [{ body: { appName: "demo_app", provider: "APN", token: HEX, extra: 1 } }, 400, "VALIDATION_ERROR"],
  ];
  for (const [init, status, code] of cases) {
    const r = await call(path, { method: "POST", ...init });
    assert.equal(r.status, status, `${code}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, code);
    assert.ok(r.body.message.length > 10);
  }
  const truncated = await call(path, {
    method: "POST",
    body: { appName: "demo_app", provider: "APN", token: "{length = 32, bytes = 0x965b251c ... 376eab7c }" },
  });
  assert.equal(truncated.body.field, "token");
  assert.equal(truncated.body.tokenCode, "TRUNCATED_DESCRIPTION");
  for (const p of [`${path}/a%2Fb`, `${path}/a%0d%0aX:1`, `${path}/a%252Fb`, `${path}?userId=u&evil=1`]) {
    const r = await call(p);
    assert.equal(r.status, 400, p);
  }
  // The URL standard turns `%2e%2e` into a `..` segment and removes it before the request is
  // sent, so the proxy sees `/PushNotifications/`: not a route.
  assert.equal((await call(`${path}/%2e%2e`)).status, 404);
  assert.equal(await emulatorLog(), before, "the emulator saw none of them");
});

test("a valid request is forwarded with the canonical token and the proxy's own credentials", async () => {
  await stack.emulator.request("/__emulator/log", { method: "DELETE" });
  const r = await call("/api/v1/PushNotifications/DeviceRegistrations", {
    method: "POST",
    body: { appName: "demo_app", provider: "APN", token: `<${HEX.toUpperCase().match(/.{8}/g).join(" ")}>` },
  });
  assert.equal(r.status, 202);
  assert.match(r.body.resourceId, /^comms_device_registration_/);
  const reg = await call(`/api/v1/PushNotifications/DeviceRegistrations/${r.body.resourceId}`);
  assert.equal(reg.status, 200);
  assert.deepEqual(
    reg.body.devices.map((d) => d.token),
    [HEX],
  );
  const log = (await stack.emulator.request("/__emulator/log")).body.requests;
  assert.equal(log.length, 2);
  assert.ok(log.every((e) => e.status < 300));
});

test("upstream 429 and 503 are retried for safe operations, 500 is reported, sends never repeat", async () => {
  const faults = (body) =>
    stack.emulator.request("/__emulator/faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  await stack.emulator.request("/__emulator/log", { method: "DELETE" });

  await faults({ next: ["429", "503"], retryAfter: 0 });
  const listed = await call("/api/v1/PushNotifications/Apps");
  assert.equal(listed.status, 200, "third attempt succeeds");
  assert.equal((await stack.emulator.request("/__emulator/log")).body.requests.length, 3);

  await faults({ next: ["503", "503", "503"], retryAfter: 0 });
  const exhausted = await call("/api/v1/PushNotifications/Apps");
  assert.equal(exhausted.status, 503);
  assert.equal(exhausted.body.code, "API_ERROR");
  assert.equal(exhausted.body.retryable, true);
  assert.equal(exhausted.body.twilioCode, 20503);
  await stack.emulator.request("/__emulator/faults", { method: "DELETE" });

  await faults({ next: ["500"] });
  const broken = await call("/api/v1/PushNotifications/Apps");
  assert.equal(broken.status, 500);
  assert.equal(broken.body.retryable, false);

  const sendsBefore = (await emulatorStats()).sends;
  await faults({ next: ["503"], retryAfter: 0 });
  const send = await call("/api/v1/PushNotifications", {
    method: "POST",
    body: { to: [{ token: HEX, provider: "APN" }], content: { title: "once" } },
  });
  assert.equal(send.status, 503);
  const sent = await call("/api/v1/PushNotifications", {
    method: "POST",
    body: { to: [{ token: HEX, provider: "APN" }], content: { title: "once" } },
  });
  assert.equal(sent.status, 202);
  assert.equal((await emulatorStats()).sends, sendsBefore + 1, "the faulted send was not repeated by the proxy");

  await faults({ next: ["drop"] });
  const dropped = await call("/api/v1/PushNotifications", {
    method: "POST",
    body: { to: [{ token: HEX, provider: "APN" }], content: { title: "dropped" } },
  });
  assert.equal(dropped.status, 502);
  assert.equal(dropped.body.code, "UPSTREAM_UNREACHABLE");
  assert.match(dropped.body.message, /may or may not have been accepted/);
  await stack.emulator.request("/__emulator/faults", { method: "DELETE" });
});

test("no response, header or log line contains the admin token or the Twilio secret", async () => {
  assert.ok(seen.length > 50 && stack.logs.length > 50, "the scan covers the whole suite");
  assertNoSecrets(stack, seen, "answers");
  assertNoSecrets(stack, stack.logs, "logs");
  // The scan itself works: it finds a secret when one is there.
  assert.throws(() => assertNoSecrets(stack, [`x${stack.adminToken}x`]));
});
