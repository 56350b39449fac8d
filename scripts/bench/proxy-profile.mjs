#!/usr/bin/env node
// The proxy's JS and wasm CPU per request for several builds of the package, told apart inside
// ONE workerd isolate: a Worker imports `createProxyHandler` from each build (each with its own
// wasm instance) and sends GETs of a device registration through them in turn, and through a
// pass-through, over a service binding to the emulator; workerd's CPU profiler (its inspector)
// samples the isolate, and each sample is given to the build whose code is on its stack (the
// nearest frame of the bundle, by line: esbuild marks where each module starts). The builds
// share the isolate, the moment and the load, so on a shared machine two identical builds read
// within a µs of each other; what the process does outside JS (streams, timers, the event loop)
// is not seen here: `proxy-cpu.mjs --together` measures that.
//
// Usage: node --experimental-websocket scripts/bench/proxy-profile.mjs PKGDIR [PKGDIR …]
//          [--calls N] [--reps N] [--top N]   (--top: the first build's heaviest functions)
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";

import { bundleEntry, emulatorWorker, WORKER_PRELUDE, workerOptions } from "./proxy-worker.mjs";
import { median } from "./util.mjs";

const INSPECTOR_PORT = 9329;
const SAMPLING_US = 40;

/** The Worker: `?n=N` sends N requests through each build and the pass-through, in turn. */
function entry(count) {
  const imports = Array.from(
    { length: count },
    (_, i) => `import { createProxyHandler as make${i} } from "./p${i}/workerd.js";`,
  ).join("\n");
  const proxies = Array.from(
    { length: count },
    (_, i) => `make${i}({ fetch: (request, env) => env.EMULATOR.fetch(request), log: () => {} })`,
  ).join(", ");
  return `${imports}
${WORKER_PRELUDE}
const proxies = [${proxies}];
export default {
  async fetch(request, env) {
    const url = await registrationUrl(env);
    const penv = { ...config, EMULATOR: env.EMULATOR };
    const n = Number(new URL(request.url).searchParams.get("n"));
    for (let i = 0; i < n; i++) {
      // The builds' order rotates from one request to the next.
      for (let k = 0; k <= proxies.length; k++) {
        const req = new Request(url, { headers });
        const res = k === proxies.length ? await pass(req, env) : await proxies[(k + i) % proxies.length].fetch(req, penv, {});
        if (res.status !== 200) return new Response(await res.text(), { status: 500 });
        await res.arrayBuffer();
      }
    }
    return Response.json({ done: n });
  },
};`;
}

/** A minimal DevTools protocol client over the inspector's WebSocket. */
async function inspector(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  };
  return {
    /** @param {string} method @param {object} [params] */
    call: (method, params = {}) =>
      new Promise((resolve) => {
        pending.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

async function main(argv) {
  const dirs = [];
  let calls = 1500;
  let reps = 5;
  let top = 0;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--calls") calls = Number(argv[++i]);
    else if (argv[i] === "--reps") reps = Number(argv[++i]);
    else if (argv[i] === "--top") top = Number(argv[++i]);
    else dirs.push(resolve(argv[i]));
  }
  if (!dirs.length || typeof WebSocket !== "function") {
    throw new Error("usage: node --experimental-websocket proxy-profile.mjs PKGDIR [PKGDIR …] [--calls N] [--reps N]");
  }
  // Each build is copied to a directory of its own, so that the bundle keeps every copy apart.
  const out = mkdtempSync(join(tmpdir(), "tpw-proxy-profile-"));
  for (const [i, dir] of dirs.entries()) cpSync(dir, join(out, `p${i}`), { recursive: true });
  writeFileSync(join(out, "entry.js"), entry(dirs.length));
  await bundleEntry(out);
  // The bundle's lines, by build (-1: the Worker itself), and one wasm file per build.
  let bundle = readFileSync(join(out, "worker.js"), "utf8");
  const owner = [];
  let current = -1;
  for (const line of bundle.split("\n")) {
    const start = /^\/\/ .*\/p(\d+)\//.exec(line);
    if (start) current = Number(start[1]);
    else if (/^\/\/ .*entry\.js$/.test(line)) current = -1;
    owner.push(current);
  }
  let wasm = 0;
  bundle = bundle.replace(/"\.\/twilio_push_wasm_bg\.wasm"/g, () => `"./build${wasm++}.wasm"`);
  writeFileSync(join(out, "worker.js"), bundle);
  for (const [i] of dirs.entries()) {
    copyFileSync(join(out, `p${i}`, "twilio_push_wasm_bg.wasm"), join(out, `build${i}.wasm`));
  }

  const mf = new Miniflare({
    inspectorPort: INSPECTOR_PORT,
    workers: [
      { name: "builds", scriptPath: join(out, "worker.js"), serviceBindings: { EMULATOR: "emulator" } },
      await emulatorWorker(),
    ].map(workerOptions),
  });
  let client;
  try {
    await mf.ready;
    const run = async (n) => {
      const res = await (await mf.getWorker("builds")).fetch(`http://bench.local/?n=${n}`);
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    await run(200); // warm up
    const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json();
    const target = targets.find((t) => t.webSocketDebuggerUrl?.includes("builds")) ?? targets[0];
    client = await inspector(target.webSocketDebuggerUrl);
    await client.call("Profiler.enable");
    await client.call("Profiler.setSamplingInterval", { interval: SAMPLING_US });
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; ${reps} profiles of ${calls} requests through each`,
    );
    const perRequest = (samples) => (samples * SAMPLING_US) / calls;
    /** µs per request by profile: [build…, the Worker and pass-through, outside any frame] */
    const totals = Array.from({ length: dirs.length + 2 }, () => []);
    const wasmTotals = dirs.map(() => []);
    /** @type {Map<string, number>} the first build's functions, inclusive samples */
    const functions = new Map();
    for (let r = 0; r < reps; r++) {
      await client.call("Profiler.start");
      await run(calls);
      const { profile } = await client.call("Profiler.stop");
      const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const builds = new Map();
      // The build of a sample: that of its nearest frame in the bundle (-2: none).
      const buildOf = (id) => {
        if (!builds.has(id)) {
          let found = -2;
          for (let x = id; x !== undefined; x = parent.get(x)) {
            const frame = nodes.get(x).callFrame;
            if (frame.url.endsWith("worker.js") && frame.lineNumber >= 0) {
              found = owner[frame.lineNumber] ?? -1;
              break;
            }
          }
          builds.set(id, found);
        }
        return builds.get(id);
      };
      const counts = new Array(dirs.length + 2).fill(0);
      const wasmCounts = dirs.map(() => 0);
      for (const id of profile.samples) {
        const frame = nodes.get(id).callFrame;
        if (frame.functionName === "(idle)") continue;
        const b = buildOf(id);
        counts[b >= 0 ? b : b === -1 ? dirs.length : dirs.length + 1]++;
        if (b >= 0 && frame.url.startsWith("wasm")) wasmCounts[b]++;
        if (b === 0 && top) {
          const seen = new Set();
          for (let x = id; x !== undefined; x = parent.get(x)) {
            const f = nodes.get(x).callFrame;
            const name = `${f.functionName || "(anonymous)"}${f.url.endsWith("worker.js") ? "" : " *"}`;
            if (!seen.has(name)) functions.set(name, (functions.get(name) ?? 0) + 1);
            seen.add(name);
          }
        }
      }
      for (const [i, c] of counts.entries()) totals[i].push(perRequest(c));
      for (const [i, c] of wasmCounts.entries()) wasmTotals[i].push(perRequest(c));
    }
    const us = (v) => `${v.toFixed(1).padStart(6)} µs`;
    for (const [i, dir] of dirs.entries()) {
      const paired = i ? `, ${median(totals[i].map((v, r) => v - totals[0][r])).toFixed(1)} µs vs the first` : "";
      console.log(`  ${us(median(totals[i]))} per request (wasm ${median(wasmTotals[i]).toFixed(1)})${paired}  ${dir}`);
    }
    console.log(`  ${us(median(totals[dirs.length]))} the Worker's loop and the pass-through`);
    console.log(`  ${us(median(totals[dirs.length + 1]))} outside any frame of the bundle (GC, microtasks)`);
    if (top) {
      console.log(`The first build's heaviest functions, inclusive (* native or wasm):`);
      for (const [name, c] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`  ${us(perRequest(c) / reps)}  ${name}`);
      }
    }
  } finally {
    client?.close();
    await mf.dispose();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
