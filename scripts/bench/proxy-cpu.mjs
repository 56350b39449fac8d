#!/usr/bin/env node
// The proxy's CPU per request inside workerd, for one or more builds of the package side by
// side: a Worker per build runs `createProxyHandler` N times in one request (GET of a device
// registration, the emulator behind a service binding, as `make dev` wires them), and the
// workerd process's CPU time (/proc, Linux) during that request is divided by N. A pass-through
// (bearer check, path rewrite, upstream auth, forward) over the same binding is timed too: the
// difference is the proxy's own work without HTTP, autocannon or the other processes of
// `make bench`'s item 7, so a change of a few µs shows on a loaded machine.
//
// With --together, each build (and the pass-through) runs in a workerd process of its own, with
// its own emulator, and all of them run their requests at the same time: each round's figures
// were then taken under the same load, and the medians of the per-round differences (paired)
// hold still on a shared machine where the one-after-the-other rounds move by ±50 %.
//
// Usage: node scripts/bench/proxy-cpu.mjs PKGDIR [PKGDIR …] [--calls N] [--rounds N] [--together]
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";

import { bundleEntry, emulatorWorker, WORKER_PRELUDE, workerOptions } from "./proxy-worker.mjs";
import { median } from "./util.mjs";

// One Worker per build: `?what=proxy|pass&n=N` runs N requests through it.
const ENTRY = `
import { createProxyHandler } from "PKG/workerd.js";
${WORKER_PRELUDE}
const proxy = createProxyHandler({ fetch: (request, env) => env.EMULATOR.fetch(request), log: () => {} });
export default {
  async fetch(request, env) {
    const url = await registrationUrl(env);
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
  let together = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--calls") calls = Number(argv[++i]);
    else if (argv[i] === "--together") together = true;
    else if (argv[i] === "--rounds") rounds = Number(argv[++i]);
    else dirs.push(resolve(argv[i]));
  }
  if (!dirs.length) throw new Error("usage: proxy-cpu.mjs PKGDIR [PKGDIR …] [--calls N] [--rounds N] [--together]");
  const workers = [await emulatorWorker()];
  // The pass-through runs in a Worker of its own (built with the first package, unused).
  for (const [n, dir] of [...dirs, dirs[0]].entries()) {
    const out = mkdtempSync(join(tmpdir(), "tpw-proxy-cpu-"));
    writeFileSync(join(out, "entry.js"), ENTRY.replace("PKG", dir));
    await bundleEntry(out);
    copyFileSync(join(dir, "twilio_push_wasm_bg.wasm"), join(out, "twilio_push_wasm_bg.wasm"));
    workers.push({ name: `build${n}`, scriptPath: join(out, "worker.js"), serviceBindings: { EMULATOR: "emulator" } });
  }
  const names = [...dirs, "pass-through"];
  const what = (n) => (n === dirs.length ? "pass" : "proxy");
  // Each target: the Miniflare it runs in, its Worker's name, and the workerd processes to read.
  const targets = [];
  const start = async (list) => {
    const before = new Set(workerdPids());
    const mf = new Miniflare({ workers: list.map(workerOptions) });
    await mf.ready;
    return { mf, pids: workerdPids().filter((p) => !before.has(p)) };
  };
  if (together) {
    for (let n = 0; n < names.length; n++) {
      targets.push({ ...(await start([workers[n + 1], workers[0]])), worker: `build${n}` });
    }
  } else {
    const one = await start(workers);
    for (let n = 0; n < names.length; n++) targets.push({ ...one, worker: `build${n}` });
  }
  try {
    const run = async (n, count) => {
      const { mf, worker } = targets[n];
      const res = await (await mf.getWorker(worker)).fetch(`http://bench.local/?what=${what(n)}&n=${count}`);
      if (res.status !== 200) throw new Error(`${worker} ${what(n)}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    for (let n = 0; n < names.length; n++) await run(n, 100); // warm up
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; ${rounds} rounds of ${calls} requests${together ? ", all targets at the same time" : ""}`,
    );
    /** @type {number[][]} µs per request, by target, by round */
    const samples = names.map(() => []);
    for (let r = 0; r < rounds; r++) {
      if (together) {
        const cpu = targets.map((t) => cpuMs(t.pids));
        await Promise.all(names.map((_, n) => run(n, calls)));
        for (const [n, t] of targets.entries()) samples[n].push(((cpuMs(t.pids) - cpu[n]) * 1000) / calls);
      } else {
        // The order rotates from round to round.
        for (let i = 0; i < names.length; i++) {
          const n = (i + r) % names.length;
          const cpu = cpuMs(targets[n].pids);
          await run(n, calls);
          samples[n].push(((cpuMs(targets[n].pids) - cpu) * 1000) / calls);
        }
      }
    }
    const passes = samples[dirs.length];
    const pass = median(passes);
    for (const [n, s] of samples.entries()) {
      const m = median(s);
      let own = "";
      if (n < dirs.length) {
        own = `, own ${(m - pass).toFixed(0)} µs`;
        // Paired: each round's own CPU against the first build's in the same round.
        if (together && n > 0) own += `, ${median(s.map((v, r) => v - samples[0][r])).toFixed(0)} µs vs the first`;
      }
      console.log(`  ${m.toFixed(0).padStart(4)} µs/request${own}  ${names[n]}`);
    }
  } finally {
    for (const mf of new Set(targets.map((t) => t.mf))) await mf.dispose();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
