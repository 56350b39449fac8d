// Reliability of the proxy in workerd, in front of the emulator:
// - faults: 10,000 proxied requests while the emulator injects faults; every request ends in a
//   definite answer, registrations reported as done exist, no send reaches the emulator twice;
// - load: 50 concurrent clients for a fixed time, no errors, latency printed, memory flat;
// - panics: a panic inside wasm is reported and answered with a JSON 500, and the proxy keeps
//   serving.
// Counts and latencies are printed (diagnostics), never compared with a clock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { startStack } from "../../scripts/dev.mjs";
import { assertNoSecrets } from "./support/secrets.mjs";

const FAULT_REQUESTS = Number(process.env.FAULT_REQUESTS ?? 10000);
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const LOAD_CLIENTS = 50;

let stack;
before(async () => {
  stack = await startStack({
    deliveryMs: 20,
    vars: { MAX_RETRIES: "2", ENABLE_TEST_PANIC_ROUTE: "1", UPSTREAM_TIMEOUT_MS: "5000" },
  });
});
after(async () => {
  if (stack) assertNoSecrets(stack, stack.logs, "logs");
  await stack?.close();
});

const hex = (n) => n.toString(16).padStart(64, "0");

async function call(method, path, body) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assertNoSecrets(stack, [text, JSON.stringify([...res.headers])], "answers");
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

/** Runs `count` jobs with `concurrency` workers. */
async function pool(count, concurrency, job) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

test(`faults: ${FAULT_REQUESTS} proxied requests with injected faults, nothing lost or duplicated`, async () => {
  const emulator = stack.emulator;
  await emulator.request("/__emulator/faults", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      rate: 0.15,
      kinds: ["429", "500", "503", "slow", "drop", "drop-after"],
      retryAfter: 1,
      slowMs: 300,
      seed: 7,
    }),
  });
  const outcomes = { register: [], send: [], read: [] };
  const indefinite = [];
  await pool(FAULT_REQUESTS, 40, async (i) => {
    const kind = i % 10 < 6 ? "register" : i % 10 < 8 ? "send" : "read";
    let r;
    if (kind === "register") {
      r = await call("POST", "/api/v1/PushNotifications/DeviceRegistrations", {
        appName: "demo_app",
        provider: "APN",
        token: hex(i + 1),
      });
    } else if (kind === "send") {
      r = await call("POST", "/api/v1/PushNotifications", {
        to: [{ token: hex(1_000_000 + i), provider: "APN" }],
        content: { title: `send-${i}` },
      });
    } else {
      r = await call("GET", "/api/v1/PushNotifications/Apps/demo_app");
    }
    const definite =
      r.body && (r.status < 300 ? true : typeof r.body.code === "string" && typeof r.body.message === "string");
    if (!definite) indefinite.push(`${kind} ${i}: ${r.status} ${r.text.slice(0, 120)}`);
    outcomes[kind].push({ i, status: r.status, code: r.body?.code, outcomeUnknown: r.body?.outcomeUnknown === true });
  });
  await emulator.request("/__emulator/faults", { method: "DELETE" });
  assert.deepEqual(indefinite, [], "every request got a definite answer");

  const state = (await emulator.request("/__emulator/state")).body;
  const stats = (await emulator.request("/__emulator/stats")).body;
  const text = JSON.stringify(state);
  const registered = new Set(text.match(/"token":"[0-9a-f]{64}"/g).map((t) => t.slice(9, -1)));
  const titles = text.match(/"title":"send-\d+"/g) ?? [];
  const sendsByTitle = new Map();
  // Each notification carries its content; one recipient per send, so one title per operation.
  for (const t of titles) sendsByTitle.set(t, (sendsByTitle.get(t) ?? 0) + 1);

  const count = (list, pred) => list.filter(pred).length;
  const ok = (o) => o.status < 300;
  // Reported as possibly applied: no answer at all, or an error after an attempt without one.
  const unknownOutcome = (o) => o.outcomeUnknown || o.code === "UPSTREAM_UNREACHABLE" || o.code === "UPSTREAM_TIMEOUT";
  const summary = {};
  for (const [kind, list] of Object.entries(outcomes)) {
    summary[kind] = {
      total: list.length,
      ok: count(list, ok),
      failed: count(list, (o) => !ok(o)),
      unknownOutcome: count(list, unknownOutcome),
    };
  }
  summary.emulator = { requests: stats.requests, faults: stats.faults, sends: stats.sends };
  console.log(`faults summary: ${JSON.stringify(summary)}`);

  assert.ok(stats.faults >= FAULT_REQUESTS * 0.1, `at least 10% faults were injected (${stats.faults})`);
  for (const o of outcomes.register) {
    const token = hex(o.i + 1);
    if (ok(o)) assert.ok(registered.has(token), `registration ${o.i} reported done exists`);
    else if (!unknownOutcome(o))
      assert.ok(!registered.has(token), `registration ${o.i} reported failed (${o.code}) does not exist`);
  }
  for (const o of outcomes.send) {
    const n = sendsByTitle.get(`"title":"send-${o.i}"`) ?? 0;
    assert.ok(n <= 1, `send ${o.i} reached the emulator ${n} times`);
    if (ok(o)) assert.equal(n, 1, `send ${o.i} reported accepted exists`);
    if (!ok(o) && !unknownOutcome(o)) assert.equal(n, 0, `send ${o.i} reported failed (${o.code}) does not exist`);
  }
  assert.ok(summary.register.ok > 0 && summary.send.ok > 0 && summary.read.ok > 0);
});

function workerdRss() {
  // Miniflare runs workerd as a child process of this one.
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? "";
      if (ppid === process.pid && name.startsWith("workerd")) total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // the process went away
    }
  }
  return total * 1024;
}

test(`load: ${LOAD_CLIENTS} concurrent clients for ${LOAD_SECONDS} s, no errors, memory flat`, async () => {
  const seed = (await stack.emulator.request("/__emulator/state")).body;
  const registrationId = JSON.stringify(seed).match(/comms_device_registration_[0-9a-z]+/)[0];
  const path = `/api/v1/PushNotifications/DeviceRegistrations/${registrationId}`;
  const latencies = [];
  const errors = [];
  const run = async (seconds) => {
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: LOAD_CLIENTS }, async () => {
        while (Date.now() < end) {
          const t0 = performance.now();
          const r = await call("GET", path);
          latencies.push(performance.now() - t0);
          if (r.status !== 200) errors.push(`${r.status} ${r.text.slice(0, 100)}`);
        }
      }),
    );
  };
  const wasmMemory = async () => (await call("GET", "/api/health")).body.wasmMemoryBytes;
  await run(Math.min(5, LOAD_SECONDS));
  const rssWarm = workerdRss();
  const wasmWarm = await wasmMemory();
  const warmCount = latencies.length;
  await run(LOAD_SECONDS);
  const rssEnd = workerdRss();
  const wasmEnd = await wasmMemory();
  const measured = latencies.slice(warmCount).sort((a, b) => a - b);
  const pct = (p) => measured[Math.min(measured.length - 1, Math.floor((measured.length * p) / 100))].toFixed(1);
  const perRequest = (rssEnd - rssWarm) / measured.length;
  console.log(
    `load: ${measured.length} requests in ${LOAD_SECONDS} s (${(measured.length / LOAD_SECONDS).toFixed(0)}/s), ` +
      `p50 ${pct(50)} ms, p99 ${pct(99)} ms, workerd RSS ${(rssWarm / 2 ** 20).toFixed(1)} → ${(rssEnd / 2 ** 20).toFixed(1)} MiB ` +
      `(${perRequest.toFixed(1)} bytes/request; JS heaps grow until the garbage collector runs), ` +
      `proxy wasm memory ${wasmWarm} → ${wasmEnd} bytes`,
  );
  assert.deepEqual(errors.slice(0, 5), []);
  assert.ok(rssWarm > 0, "workerd found");
  // The proxy's Rust state lives in wasm linear memory, which never shrinks: any per-request
  // leak would grow it. Flat means not one 64 KiB page more after the warm-up.
  assert.ok(wasmWarm > 0);
  assert.equal(wasmEnd, wasmWarm, "the proxy's wasm memory stayed flat");
});

test("a panic inside wasm is reported, answered with JSON 500, and the proxy keeps serving", async () => {
  const before = stack.logs.length;
  const r = await call("GET", "/api/__panic");
  assert.equal(r.status, 500);
  assert.equal(r.body.code, "INTERNAL_ERROR");
  await new Promise((resolve) => setTimeout(resolve, 200));
  const logged = stack.logs.slice(before).join("\n");
  assert.match(logged, /twilio-push-wasm: internal error \(panic\): panicked at src\/js\/proxy\.rs/);
  assert.match(logged, /test panic route/);
  assert.match(logged, /proxy: internal error/);
  for (let i = 0; i < 20; i++) {
    assert.equal((await call("GET", "/api/health")).status, 200);
    assert.equal((await call("GET", "/api/v1/PushNotifications/Apps")).status, 200);
    assert.equal(
      (
        await call("POST", "/api/v1/PushNotifications/DeviceRegistrations", {
          appName: "demo_app",
          provider: "APN",
          token: hex(999_999 + i),
        })
      ).status,
      202,
    );
  }
  // Without the setting the route does not exist.
  const plain = await startStack({ deliveryMs: 20 });
  try {
    const res = await fetch(`${plain.url}/api/__panic`);
    assert.equal(res.status, 404);
  } finally {
    await plain.close();
  }
});
