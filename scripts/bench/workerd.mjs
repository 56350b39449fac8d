// The workerd measurements (Miniflare): start-up of the module; the proxy's throughput, latency
// and CPU per request against a pass-through Worker (its ceiling) and the emulator called
// directly; and bulk imports with the admin page's runner through the proxy and direct. All on
// loopback.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
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

// The proxy's real ceiling: a Worker that only checks the bearer token and forwards the request
// to the emulator over a service binding, as the proxy does (same path rewrite, same upstream
// Basic auth), with none of the proxy's own work.
const PASS_THROUGH_WORKER = `
export default {
  async fetch(request, env) {
    if (request.headers.get("authorization") !== "Bearer " + env.ADMIN_TOKEN) {
      return Response.json({ code: "UNAUTHORIZED" }, { status: 401 });
    }
    const url = new URL(request.url);
    const upstream = "https://comms.twilio.com" + url.pathname.slice(4) + url.search;
    const headers = new Headers(request.headers);
    headers.set("authorization", env.UPSTREAM_AUTHORIZATION);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : request.body;
    return env.EMULATOR.fetch(new Request(upstream, { method: request.method, headers, body }));
  },
};`;

/** The workerd processes this process has started (children whose name says workerd). */
function workerdPids() {
  const pids = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === process.pid && name.includes("workerd")) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU time (user + system, ms) used so far by the processes `pids`; 0 where /proc is missing. */
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      // not on Linux: no CPU figures
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** Starts `workers` with startMiniflare and returns `{ mf, url, pids }` (its own workerd processes). */
async function started(startMiniflare, workers, options) {
  const before = new Set(workerdPids());
  const mf = startMiniflare(workers, options);
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { mf, url, pids: workerdPids().filter((p) => !before.has(p)) };
}

/**
 * Items 7 and 8: three deployments in workerd on loopback, started side by side:
 * - direct: the emulator in its own workerd, with an HTTP port;
 * - pass: the pass-through Worker + the emulator behind a service binding (the ceiling);
 * - proxy: the admin Worker (the package's proxy) + the emulator behind a service binding, as
 *   `make dev` runs them.
 *
 * Item 7 GETs one device registration through each with autocannon (rounds of `seconds`, the
 * order rotating), and reads the CPU time each deployment's workerd process used per request.
 * Item 8 registers `rows` new APNs tokens with the admin page's import runner
 * (www/src/lib/import-runner.js) and the package's PushClient, through the proxy and straight to
 * the emulator, at each of `concurrencies`.
 */
export async function proxy({ seconds, connections, rounds, rows = 10_000, concurrencies = [1, 8, 32] }) {
  const { startStack } = await import("../dev.mjs");
  const { bundleWorker, startMiniflare } = await import("../../tests/js/support/workerd.mjs");
  const { createImportRunner, arraySource } = await import("../../www/src/lib/import-runner.js");
  const { PushClient } = await import("twilio-push-wasm");
  const before = new Set(workerdPids());
  const stack = await startStack({ port: 0, deliveryMs: 0 });
  const stackPids = workerdPids().filter((p) => !before.has(p));
  const credentials = { username: `AC${randomBytes(16).toString("hex")}`, password: randomBytes(16).toString("hex") };
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
  const emulatorScript = await bundleWorker(join(ROOT, "www", "emulator", "worker.js"), ROOT);
  const emulator = {
    name: "emulator",
    scriptPath: emulatorScript,
    bindings: {
      EMULATOR_USERNAME: credentials.username,
      EMULATOR_PASSWORD: credentials.password,
      EMULATOR_SEED: "1",
      EMULATOR_DELIVERY_MS: "0",
    },
  };
  const loopback = { host: "127.0.0.1", port: 0 };
  const direct = await started(startMiniflare, [emulator], loopback);
  const passToken = randomBytes(24).toString("hex");
  const pass = await started(
    startMiniflare,
    [
      {
        name: "pass",
        script: PASS_THROUGH_WORKER,
        bindings: { ADMIN_TOKEN: passToken, UPSTREAM_AUTHORIZATION: basic },
        serviceBindings: { EMULATOR: "emulator" },
      },
      emulator,
    ],
    loopback,
  );
  try {
    const stateOf = async (fetcher) => (await (await fetcher("/__emulator/state")).json()).deviceRegistrations[0].id;
    const proxiedId = (await stack.emulator.request("/__emulator/state")).body.deviceRegistrations[0].id;
    const directId = await stateOf((p) => fetch(direct.url + p));
    const passEmulator = await pass.mf.getWorker("emulator");
    const passId = await stateOf((p) => passEmulator.fetch(`http://emulator.local${p}`));
    const path = (id) => `/v1/PushNotifications/DeviceRegistrations/${id}`;
    const targets = {
      direct: { url: `${direct.url}${path(directId)}`, headers: { authorization: basic }, pids: direct.pids },
      pass: {
        url: `${pass.url}/api${path(passId)}`,
        headers: { authorization: `Bearer ${passToken}` },
        pids: pass.pids,
      },
      proxy: {
        url: `${stack.url}/api${path(proxiedId)}`,
        headers: { authorization: `Bearer ${stack.adminToken}` },
        pids: stackPids,
      },
    };
    // Each must answer 200 with the registration before anything is timed.
    for (const [name, t] of Object.entries(targets)) {
      const res = await fetch(t.url, { headers: t.headers });
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    }
    const names = Object.keys(targets);
    const runs = Object.fromEntries(names.map((n) => [n, []]));
    for (const t of Object.values(targets)) await load(t.url, t.headers, { seconds: 1, connections }); // warm up
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length];
        const t = targets[name];
        const cpu = cpuMs(t.pids);
        const result = await load(t.url, t.headers, { seconds, connections });
        result.cpuPerRequest = result.total ? ((cpuMs(t.pids) - cpu) * 1000) / result.total : 0;
        runs[name].push(result);
      }
    }
    const summary = (rs) => ({
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpuUs: median(rs.map((r) => r.cpuPerRequest)),
      failed: rs.reduce((n, r) => n + r.errors + r.non2xx, 0),
      total: rs.reduce((n, r) => n + r.total, 0),
    });
    const get = Object.fromEntries(names.map((n) => [n, summary(runs[n])]));

    // Imports: the page's runner with the package's client, through the proxy and direct.
    const clients = {
      proxy: () =>
        new PushClient({ baseUrl: `${stack.url}/api/v1`, auth: { bearer: stack.adminToken }, timeoutMs: 20_000 }),
      direct: () =>
        new PushClient({
          baseUrl: `${direct.url}/v1`,
          auth: { username: credentials.username, password: credentials.password },
          timeoutMs: 20_000,
        }),
    };
    const imports = [];
    let batch = 0;
    for (const concurrency of concurrencies) {
      const rate = {};
      // The same new tokens for both (each deployment has its own emulator), a fresh set for
      // every concurrency; the order alternates.
      // One at a time is slow: a tenth of the rows is enough for its rate.
      const count = concurrency === 1 ? Math.ceil(rows / 10) : rows;
      const tokens = Array.from({ length: count }, () => randomBytes(32).toString("hex"));
      for (const name of batch++ % 2 ? ["direct", "proxy"] : ["proxy", "direct"]) {
        const list = tokens.map((token, i) => ({
          line: i + 1,
          token,
          provider: "APN",
          status: "pending",
          attempts: 0,
        }));
        /** @type {any} */
        let failed;
        const runner = createImportRunner({
          source: arraySource(list),
          defaultApp: "demo_app",
          client: clients[name](),
          concurrency,
          onRowDone: async (row) => {
            if (row.status === "failed") failed ??= row;
          },
        });
        const t = performance.now();
        const counts = await runner.start();
        const elapsed = (performance.now() - t) / 1000;
        if (counts.imported !== count) {
          throw new Error(`import through ${name}: ${counts.imported}/${count} imported (${failed?.message})`);
        }
        rate[name] = count / elapsed;
      }
      imports.push({ concurrency, rows: count, ...rate });
    }
    return { ...get, imports };
  } finally {
    await stack.close();
    await direct.mf.dispose();
    await pass.mf.dispose();
  }
}
