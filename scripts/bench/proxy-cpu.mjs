#!/usr/bin/env node
// The proxy's CPU per request inside workerd, for one or more builds of the package side by
// side: a Worker per build runs `createProxyHandler` N times in one request (GET of a device
// registration, the emulator behind a service binding, as `make dev` wires them), and the
// workerd process's CPU time (/proc, Linux) during that request is divided by N. A pass-through
// (bearer check, path rewrite, upstream auth, forward) over the same binding is timed too: the
// difference is the proxy's own work without HTTP, autocannon or the other processes of
// `make bench`'s item 7, so a change of a few µs shows on a loaded machine.
//
// Usage: node scripts/bench/proxy-cpu.mjs PKGDIR [PKGDIR …] [--calls N] [--rounds N]
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";

import { bundleWorker } from "../../tests/js/support/workerd.mjs";
import { median } from "./util.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USERNAME = `AC${"0".repeat(32)}`;
const PASSWORD = "emulator-password";
const ADMIN = "admin-token-0123456789abcdef";

// One Worker per build: `?what=proxy|pass&n=N` runs N requests through it.
const ENTRY = `
import { createProxyHandler } from "PKG/workerd.js";
const config = { ADMIN_TOKEN: "${ADMIN}", TWILIO_ACCOUNT_SID: "${USERNAME}", TWILIO_AUTH_TOKEN: "${PASSWORD}", UPSTREAM_NAME: "emulator" };
const proxy = createProxyHandler({ fetch: (request, env) => env.EMULATOR.fetch(request), log: () => {} });
const headers = { authorization: "Bearer ${ADMIN}", "user-agent": "bench", host: "127.0.0.1:8787" };
const basic = "Basic " + btoa("${USERNAME}:${PASSWORD}");
async function pass(request, env) {
  if (request.headers.get("authorization") !== "Bearer " + config.ADMIN_TOKEN) throw new Error("auth");
  const url = new URL(request.url);
  const upstream = new Headers(request.headers);
  upstream.set("authorization", basic);
  return env.EMULATOR.fetch(new Request("https://comms.twilio.com" + url.pathname.slice(4) + url.search, { headers: upstream }));
}
let url;
export default {
  async fetch(request, env) {
    if (!url) {
      const state = await (await env.EMULATOR.fetch("http://emulator.local/__emulator/state")).json();
      url = "http://127.0.0.1:8787/api/v1/PushNotifications/DeviceRegistrations/" + state.deviceRegistrations[0].id;
    }
    const penv = { ...config, EMULATOR: env.EMULATOR };
    const q = new URL(request.url).searchParams;
    const viaPass = q.get("what") === "pass";
    let bytes = 0;
    for (let i = Number(q.get("n")); i > 0; i--) {
      const req = new Request(url, { headers });
      const res = viaPass ? await pass(req, env) : await proxy.fetch(req, penv, {});
      if (res.status !== 200) return new Response(await res.text(), { status: 500 });
      bytes += (await res.arrayBuffer()).byteLength;
    }
    return Response.json({ bytes });
  },
};`;

/** CPU time (ms) used so far by the processes `pids`. */
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

function workerdPids() {
  return readdirSync("/proc").filter((d) => {
    if (!/^\d+$/.test(d)) return false;
    try {
      return readFileSync(`/proc/${d}/stat`, "utf8").includes("(workerd)");
    } catch {
      return false;
    }
  });
}

async function main(argv) {
  const dirs = [];
  let calls = 1000;
  let rounds = 11;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--calls") calls = Number(argv[++i]);
    else if (argv[i] === "--rounds") rounds = Number(argv[++i]);
    else dirs.push(resolve(argv[i]));
  }
  if (!dirs.length) throw new Error("usage: proxy-cpu.mjs PKGDIR [PKGDIR …] [--calls N] [--rounds N]");
  const emulator = await bundleWorker(join(ROOT, "www", "emulator", "worker.js"), ROOT);
  const workers = [
    {
      name: "emulator",
      scriptPath: emulator,
      bindings: {
        EMULATOR_USERNAME: USERNAME,
        EMULATOR_PASSWORD: PASSWORD,
        EMULATOR_SEED: "1",
        EMULATOR_DELIVERY_MS: "0",
      },
    },
  ];
  // The pass-through runs in a Worker of its own (built with the first package, unused).
  for (const [n, dir] of [...dirs, dirs[0]].entries()) {
    const out = mkdtempSync(join(tmpdir(), "tpw-proxy-cpu-"));
    writeFileSync(join(out, "entry.js"), ENTRY.replace("PKG", dir));
    await build({
      entryPoints: [join(out, "entry.js")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      external: ["*.wasm"],
      outfile: join(out, "worker.js"),
      logLevel: "silent",
    });
    copyFileSync(join(dir, "twilio_push_wasm_bg.wasm"), join(out, "twilio_push_wasm_bg.wasm"));
    workers.push({ name: `build${n}`, scriptPath: join(out, "worker.js"), serviceBindings: { EMULATOR: "emulator" } });
  }
  const before = new Set(workerdPids());
  const mf = new Miniflare({
    workers: workers.map((w) => ({
      compatibilityDate: "2025-01-01",
      modules: true,
      modulesRoot: dirname(w.scriptPath),
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      ...w,
    })),
  });
  try {
    await mf.ready;
    const pids = workerdPids().filter((p) => !before.has(p));
    const targets = [
      ...dirs.map((dir, n) => [dir, `build${n}`, "proxy"]),
      ["pass-through", `build${dirs.length}`, "pass"],
    ];
    const run = async (worker, what, n) => {
      const res = await (await mf.getWorker(worker)).fetch(`http://bench.local/?what=${what}&n=${n}`);
      if (res.status !== 200) throw new Error(`${worker} ${what}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    for (const [, worker, what] of targets) await run(worker, what, 100); // warm up
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; ${rounds} rounds of ${calls} requests`,
    );
    /** @type {Record<string, number[]>} */
    const samples = Object.fromEntries(targets.map(([name]) => [name, []]));
    for (let r = 0; r < rounds; r++) {
      // The order rotates from round to round.
      for (let i = 0; i < targets.length; i++) {
        const [name, worker, what] = targets[(i + r) % targets.length];
        const cpu = cpuMs(pids);
        await run(worker, what, calls);
        samples[name].push(((cpuMs(pids) - cpu) * 1000) / calls);
      }
    }
    const pass = median(samples["pass-through"]);
    for (const [name, s] of Object.entries(samples)) {
      const m = median(s);
      const own = name === "pass-through" ? "" : `, own ${(m - pass).toFixed(0)} µs`;
      console.log(`  ${m.toFixed(0).padStart(4)} µs/request${own}  ${name}`);
    }
  } finally {
    await mf.dispose();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
