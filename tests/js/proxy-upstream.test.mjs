// The proxy's limits on the upstream's answer, in workerd (Miniflare): the package's handler in
// a Worker whose upstream is another Worker behind a service binding, which can be slow to
// answer, slow to send its body, or send more than the proxy accepts. Every request ends in a
// definite JSON answer; nothing is compared with a clock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleWorker, startMiniflare } from "./support/workerd.mjs";

const ROOT = resolve(import.meta.dirname, "..", "..");
const ADMIN = "admin-token-0123456789abcdef";
const LIMIT = 4096;
const PATH = "/api/v1/PushNotifications/DeviceRegistrations/";

const PROXY = `
import { createProxyHandler } from "twilio-push-wasm";
const proxy = createProxyHandler({ fetch: (request, env) => env.UP.fetch(request), log: () => {} });
export default { fetch: (request, env, ctx) => proxy.fetch(request, env, ctx) };
`;

// The upstream: what it does depends on the registration ID asked for.
const UPSTREAM = `
const LIMIT = ${LIMIT};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// A JSON object of exactly n bytes.
const object = (n) => '{"sid":"' + "a".repeat(n - 10) + '"}';
const chunked = (parts, pause = 0) => {
  const { readable, writable } = new TransformStream();
  (async () => {
    const writer = writable.getWriter();
    for (const part of parts) {
      if (pause) await sleep(pause);
      await writer.write(new TextEncoder().encode(part));
    }
    await writer.close();
  })().catch(() => {});
  return readable;
};
const json = { "content-type": "application/json" };
export default {
  async fetch(request) {
    const id = new URL(request.url).pathname.split("/").pop();
    switch (id) {
      case "slow":
        await sleep(5000);
        return new Response(object(100), { headers: json });
      case "slowBody":
        return new Response(chunked(['{"sid":', '"late"}'], 5000), { headers: json });
      case "atLimit":
        return new Response(chunked([object(LIMIT).slice(0, 1000), object(LIMIT).slice(1000)]), { headers: json });
      case "overLimit":
        return new Response(chunked([object(LIMIT).slice(0, 1000), object(LIMIT + 1).slice(1000)]), { headers: json });
      case "lying":
        // Claims a small body and sends a large one: over a service binding nothing enforces the header.
        return new Response(object(4 * LIMIT), { headers: { ...json, "content-length": "100" } });
      default:
        return new Response(object(200), { headers: json });
    }
  },
};
`;

let mf;
let url;
before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "tpw-proxy-upstream-"));
  await writeFile(join(dir, "proxy.js"), PROXY);
  await writeFile(join(dir, "upstream.js"), UPSTREAM);
  mf = startMiniflare([
    {
      name: "proxy",
      scriptPath: await bundleWorker(join(dir, "proxy.js"), ROOT),
      bindings: {
        ADMIN_TOKEN: ADMIN,
        TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
        TWILIO_AUTH_TOKEN: "upstream-secret",
        UPSTREAM_TIMEOUT_MS: "300",
        MAX_UPSTREAM_RESPONSE_BYTES: String(LIMIT),
        MAX_RETRIES: "0",
      },
      serviceBindings: { UP: "upstream" },
    },
    { name: "upstream", scriptPath: join(dir, "upstream.js") },
  ]);
  url = (await mf.ready).toString().replace(/\/$/, "");
});
after(async () => {
  await mf?.dispose();
});

async function get(id) {
  const res = await fetch(`${url}${PATH}${id}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const text = await res.text();
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8", text.slice(0, 200));
  return { status: res.status, text, body: JSON.parse(text) };
}

test("an answer within the limits passes through, byte for byte", async () => {
  const r = await get("fine");
  assert.equal(r.status, 200);
  assert.equal(r.text.length, 200);
  const atLimit = await get("atLimit");
  assert.equal(atLimit.status, 200, atLimit.text.slice(0, 200));
  assert.equal(atLimit.text.length, LIMIT);
});

test("an upstream that does not answer in time gets a 504", async () => {
  const r = await get("slow");
  assert.equal(r.status, 504);
  assert.equal(r.body.code, "UPSTREAM_TIMEOUT");
});

test("the timeout covers the upstream's body, not only its head", async () => {
  const r = await get("slowBody");
  assert.equal(r.status, 504);
  assert.equal(r.body.code, "UPSTREAM_TIMEOUT");
});

test("an answer over MAX_UPSTREAM_RESPONSE_BYTES is refused, whatever its Content-Length says", async () => {
  const over = await get("overLimit");
  assert.equal(over.status, 502);
  assert.equal(over.body.code, "UPSTREAM_RESPONSE_TOO_LARGE");
  const lying = await get("lying");
  assert.equal(lying.status, 502);
  assert.equal(lying.body.code, "UPSTREAM_RESPONSE_TOO_LARGE");
});
