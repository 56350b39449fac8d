// The workerd measurements (Miniflare): start-up of the module, and the proxy's throughput and
// latency against the emulator called directly, both on loopback.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

import { median } from "./util.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

// A worker that only imports the module (workerd compiles it when it loads the worker), and
// instantiates it again on request: `new WebAssembly.Instance` is allowed in workerd (compiling
// bytes at run time is not), and performance.now() advances while it runs.
const STARTUP_WORKER = `
import wasm from "./twilio_push_wasm_bg.wasm";
const imports = {};
for (const i of WebAssembly.Module.imports(wasm)) {
  (imports[i.module] ??= {})[i.name] = () => { throw new Error("not called"); };
}
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n") ?? 0);
    const t = performance.now();
    for (let k = 0; k < n; k++) new WebAssembly.Instance(wasm, imports);
    return Response.json({ perInstance: n ? (performance.now() - t) / n : 0 });
  },
};`;
const EMPTY_WORKER = `export default { async fetch() { return Response.json({ perInstance: 0 }); } };`;

/**
 * Item 5 (workerd): the cold start of a worker that imports the module (ready + first request),
 * minus the same for a worker without it (the difference is workerd compiling the module), and
 * the time of one more `new WebAssembly.Instance`. Medians in ms.
 */
export async function startup(pkgDir, runs) {
  const { Miniflare } = await import("miniflare");
  const dir = mkdtempSync(join(tmpdir(), "tpw-bench-"));
  copyFileSync(join(pkgDir, "twilio_push_wasm_bg.wasm"), join(dir, "twilio_push_wasm_bg.wasm"));
  writeFileSync(join(dir, "with.js"), STARTUP_WORKER);
  writeFileSync(join(dir, "without.js"), EMPTY_WORKER);
  const cold = async (script, query) => {
    const t = performance.now();
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(dir, script),
      modulesRoot: dir,
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      compatibilityDate: "2025-01-01",
    });
    const url = await mf.ready;
    const body = await (await fetch(new URL(query, url))).json();
    const elapsed = performance.now() - t;
    await mf.dispose();
    return { elapsed, perInstance: body.perInstance };
  };
  const withWasm = [];
  const without = [];
  const instance = [];
  for (let r = 0; r < runs; r++) {
    without.push((await cold("without.js", "/")).elapsed);
    const w = await cold("with.js", "/?n=50");
    withWasm.push(w.elapsed);
    instance.push(w.perInstance);
  }
  return {
    coldWith: median(withWasm),
    coldWithout: median(without),
    instantiate: median(instance),
  };
}

/** Runs autocannon for `seconds` and returns `{ rps, p50, p99, errors, non2xx }`. */
async function load(url, headers, { seconds, connections }) {
  const autocannon = require("autocannon");
  const result = await autocannon({ url, headers, connections, duration: seconds, pipelining: 1 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/**
 * Item 7: GET of a device registration through the proxy (admin Worker + emulator behind a
 * service binding, as `make dev` runs them) and directly from the emulator (its own workerd,
 * with an HTTP port), alternating, on loopback.
 */
export async function proxy({ seconds, connections, rounds }) {
  const { startStack } = await import("../dev.mjs");
  const { bundleWorker, startMiniflare } = await import("../../tests/js/support/workerd.mjs");
  const stack = await startStack({ port: 0, deliveryMs: 0 });
  const credentials = { username: `AC${randomBytes(16).toString("hex")}`, password: randomBytes(16).toString("hex") };
  const direct = startMiniflare(
    [
      {
        name: "emulator",
        scriptPath: await bundleWorker(join(ROOT, "www", "emulator", "worker.js"), ROOT),
        bindings: {
          EMULATOR_USERNAME: credentials.username,
          EMULATOR_PASSWORD: credentials.password,
          EMULATOR_SEED: "1",
          EMULATOR_DELIVERY_MS: "0",
        },
      },
    ],
    { host: "127.0.0.1", port: 0 },
  );
  try {
    const directUrl = (await direct.ready).toString().replace(/\/$/, "");
    const state = async (get) => (await get("/__emulator/state")).deviceRegistrations[0].id;
    const proxiedId = await state(async (p) => (await stack.emulator.request(p)).body);
    const directId = await state(async (p) => (await fetch(directUrl + p)).json());
    const targets = {
      direct: {
        url: `${directUrl}/v1/PushNotifications/DeviceRegistrations/${directId}`,
        headers: {
          authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`,
        },
      },
      proxy: {
        url: `${stack.url}/api/v1/PushNotifications/DeviceRegistrations/${proxiedId}`,
        headers: { authorization: `Bearer ${stack.adminToken}` },
      },
    };
    // Both must answer 200 with the registration before anything is timed.
    for (const [name, t] of Object.entries(targets)) {
      const res = await fetch(t.url, { headers: t.headers });
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    }
    const runs = { direct: [], proxy: [] };
    for (const t of Object.values(targets)) await load(t.url, t.headers, { seconds: 1, connections }); // warm up
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 ? ["proxy", "direct"] : ["direct", "proxy"]) {
        runs[name].push(await load(targets[name].url, targets[name].headers, { seconds, connections }));
      }
    }
    const summary = (rs) => ({
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      failed: rs.reduce((n, r) => n + r.errors + r.non2xx, 0),
      total: rs.reduce((n, r) => n + r.total, 0),
    });
    return { direct: summary(runs.direct), proxy: summary(runs.proxy) };
  } finally {
    await stack.close();
    await direct.dispose();
  }
}
