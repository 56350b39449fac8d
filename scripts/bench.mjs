#!/usr/bin/env node
// `make bench`: measures on this machine, in one run, everything the performance goals are
// about, and prints each figure as a ratio to what it is compared with, next to its goal:
//
//   1. inspectTokens(text) on 1,000,000 mixed tokens vs copying the text into wasm memory
//   2. the same vs a careful pure-JS implementation of the same rules (and node-apn)
//   3. normalizeToken on one 64-hex token vs the pure-JS call
//   4. size of the .wasm, whole package and token core alone (raw and gzip)
//   5. start-up: compile + instantiate in Node and in workerd
//   6. peak wasm memory for the 1,000,000-token batch
//   7. the proxy's throughput, latency and CPU per request vs a pass-through Worker (its ceiling)
//      and the emulator called directly (workerd, loopback)
//   8. bulk imports with the admin page's runner, through the proxy vs straight to the emulator
//
// Timed things run interleaved, round after round, and the medians are compared, so that the
// noise of a shared machine falls on both sides of each ratio. No test asserts on time.
//
// Usage: node --expose-gc scripts/bench.mjs [--pkg DIR] [--core DIR] [--baseline DIR]
//          [--tokens N] [--rounds N] [--quick] [--skip-proxy] [--skip-workerd]
//   --pkg       the built package (default: the one installed in node_modules by `make pkg`)
//   --core      the token core alone (default: pkg-core/, from `make pkg-core`)
//   --baseline  another build of the package, timed side by side with --pkg (before/after)
//   --quick     fewer tokens, rounds and seconds: a smoke test of the bench itself
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

import { makeCorpus } from "./bench/corpus.mjs";
import * as node from "./bench/node.mjs";
import * as workerd from "./bench/workerd.mjs";
import { kib, line, mib, ms, x } from "./bench/util.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function options(argv) {
  const o = { tokens: 1_000_000, rounds: 7, calls: 300_000, seconds: 10, connections: 10, rows: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === "--pkg") o.pkg = resolve(value());
    else if (a === "--core") o.core = resolve(value());
    else if (a === "--baseline") o.baseline = resolve(value());
    else if (a === "--tokens") o.tokens = Number(value());
    else if (a === "--rounds") o.rounds = Number(value());
    else if (a === "--quick")
      Object.assign(o, { quick: true, tokens: 100_000, rounds: 3, calls: 200_000, seconds: 2, rows: 1_000 });
    else if (a === "--skip-proxy") o.skipProxy = true;
    else if (a === "--skip-workerd") o.skipWorkerd = o.skipProxy = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.pkg) {
    const require = createRequire(join(ROOT, "package.json"));
    o.pkg = dirname(require.resolve("twilio-push-wasm/package.json"));
  }
  o.core ??= join(ROOT, "pkg-core");
  return o;
}

function wasmSize(dir) {
  const file = join(dir, "twilio_push_wasm_bg.wasm");
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

async function main() {
  const o = options(process.argv.slice(2));
  const started = performance.now();
  if (!globalThis.gc) console.log("(run with node --expose-gc for steadier numbers)");
  console.log(`twilio-push-wasm benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, ${mib(totalmem())} RAM; ` +
      `Node ${process.version}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  console.log(`package: ${o.pkg}${o.baseline ? `\nbaseline: ${o.baseline} (timed side by side)` : ""}`);

  console.log(`\nCorpus: ${o.tokens.toLocaleString("en")} tokens, deterministic mix (see scripts/bench/corpus.mjs)`);
  const corpus = makeCorpus(o.tokens);
  console.log(
    `  ${mib(corpus.bytes)} of text; ${corpus.expected.valid} valid, ${corpus.expected.invalid} invalid, ` +
      `${corpus.expected.duplicates} duplicates`,
  );

  console.log(`\n1-2. Batch: inspectTokens(text), summary only (median of ${o.rounds} interleaved rounds)`);
  const b = await node.batch({ pkgDir: o.pkg, baselineDir: o.baseline, corpus, rounds: o.rounds });
  console.log("  (wasm, pure JS and the corpus's expected report all agree: counts, errors, messages, duplicates)");
  console.log(line("TextEncoder.encodeInto into wasm memory", ms(b.copy), "1.00×"));
  console.log(line("inspectTokens (wasm)", ms(b.wasm), x(b.wasm / b.copy), "≤ 3× copy", b.wasm <= 3 * b.copy));
  console.log(line("pure JS, same rules", ms(b.js), x(b.js / b.wasm), "≥ 10× slower", b.js >= 10 * b.wasm));
  if (b.nodeApn)
    console.log(line("@parse/node-apn token() per line (does less)", ms(b.nodeApn), x(b.nodeApn / b.wasm)));
  if (b.baseline) console.log(line("baseline inspectTokens", ms(b.baseline), x(b.baseline / b.wasm)));

  console.log(
    `\n3. Single call: normalizeToken(64 hex digits), per call (median of ${o.rounds} rounds of ${o.calls.toLocaleString("en")})`,
  );
  const s = await node.single({ pkgDir: o.pkg, baselineDir: o.baseline, calls: o.calls, rounds: o.rounds });
  const ns = (v) => `${v.toFixed(0)} ns`;
  console.log(line("pure JS normalize, lower case", ns(s.js), "1.00×"));
  console.log(
    line("normalizeToken (wasm), lower case", ns(s.wasm), x(s.wasm / s.js), "≤ 1.5× JS", s.wasm <= 1.5 * s.js),
  );
  console.log(line("pure JS normalize, upper case", ns(s.jsUpper), "1.00×"));
  console.log(line("normalizeToken (wasm), upper case", ns(s.wasmUpper), x(s.wasmUpper / s.jsUpper), "(info)"));
  if (s.nodeApn) console.log(line("@parse/node-apn token() (does less)", ns(s.nodeApn), x(s.nodeApn / s.js)));
  if (s.baseline)
    console.log(
      line(
        "baseline normalizeToken, lower / upper",
        `${ns(s.baseline)} / ${ns(s.baselineUpper)}`,
        x(s.baseline / s.js),
      ),
    );

  console.log("\n4. Size of the .wasm (after wasm-opt)");
  const full = wasmSize(o.pkg);
  const core = wasmSize(o.core);
  console.log(
    line(
      "whole package (pkg/)",
      `${kib(full.raw)} raw, ${kib(full.gzip)} gzip`,
      "",
      "≤ 112 KiB gzip",
      full.gzip <= 112 * 1024,
    ),
  );
  if (core) {
    console.log(
      line(
        "token core alone (pkg-core/)",
        `${kib(core.raw)} raw, ${kib(core.gzip)} gzip`,
        "",
        "≤ 28 KiB gzip",
        core.gzip <= 28 * 1024,
      ),
    );
  } else {
    console.log(line("token core alone (pkg-core/)", "not built: make pkg-core"));
  }
  if (o.baseline) {
    const base = wasmSize(o.baseline);
    console.log(line("baseline package", `${kib(base.raw)} raw, ${kib(base.gzip)} gzip`));
  }

  const runs = o.quick ? 3 : 9;
  console.log(`\n5. Start-up (median of ${runs} fresh processes / workerd instances)`);
  const st = node.startup(o.pkg, runs);
  console.log(line("Node: new WebAssembly.Module(bytes)", ms(st.compile)));
  console.log(line("Node: instantiate (initSync)", ms(st.instantiate)));
  console.log(line("Node: first normalizeToken / first batch", `${ms(st.firstCall)} / ${ms(st.firstBatch)}`));
  if (core) {
    const sc = node.startup(o.core, runs);
    console.log(line("Node, token core: compile + instantiate", ms(sc.compile + sc.instantiate)));
  }
  if (!o.skipWorkerd) {
    const wd = await workerd.startup(o.pkg, o.quick ? 2 : 5);
    const delta = wd.coldWith - wd.coldWithout;
    console.log(
      line("workerd: cold start with the module", ms(wd.coldWith), `${delta >= 0 ? "+" : "−"}${ms(Math.abs(delta))}`),
    );
    console.log(line("workerd: cold start without it", ms(wd.coldWithout)));
    console.log(line("workerd: new WebAssembly.Instance", ms(wd.instantiate)));
  }

  console.log("\n6. Peak wasm memory for the batch (fresh instance)");
  const m = node.memory(o.pkg, o.tokens);
  console.log(
    line(
      "memory after inspectTokens",
      `${mib(m.after)} (was ${mib(m.before)})`,
      x(m.after / m.input),
      "≤ 1.5× input",
      m.after <= 1.5 * m.input,
    ),
  );
  console.log(line("that first call (cold instance, fresh memory)", ms(m.firstCall)));
  if (o.baseline) {
    const mb = node.memory(o.baseline, o.tokens);
    console.log(
      line("baseline: memory / first call", `${mib(mb.after)} / ${ms(mb.firstCall)}`, x(mb.after / mb.input)),
    );
  }

  if (!o.skipProxy) {
    const rounds = o.quick ? 1 : 3;
    console.log(
      `\n7. Proxy: GET a device registration, ${o.connections} connections, ${rounds}×${o.seconds} s each, rotating (workerd, loopback)`,
    );
    let p;
    try {
      p = await workerd.proxy({
        seconds: o.seconds,
        connections: o.connections,
        rounds,
        rows: o.rows,
        concurrencies: [1, 8, 32],
      });
    } catch (e) {
      console.log(`  could not run: ${e.message}`);
    }
    if (p) {
      const fmt = (r) => `${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`;
      const us = (v) => `${v.toFixed(0)} µs`;
      console.log(line("emulator directly", fmt(p.direct), "1.00×"));
      console.log(line("pass-through Worker (the ceiling)", fmt(p.pass), x(p.pass.rps / p.direct.rps)));
      console.log(line("through the proxy, ÷ direct", fmt(p.proxy), x(p.proxy.rps / p.direct.rps)));
      console.log(
        line(
          "through the proxy, ÷ pass-through",
          "",
          x(p.proxy.rps / p.pass.rps),
          "≥ 0.90× rps",
          p.proxy.rps >= 0.9 * p.pass.rps,
        ),
      );
      if (p.direct.cpuUs) {
        console.log(
          line(
            "workerd CPU per request: direct / pass / proxy",
            `${us(p.direct.cpuUs)} / ${us(p.pass.cpuUs)} / ${us(p.proxy.cpuUs)}`,
          ),
        );
        console.log(line("the proxy's own CPU per request (− pass)", us(p.proxy.cpuUs - p.pass.cpuUs)));
      }
      const failed = ["direct", "pass", "proxy"].filter((k) => p[k].failed);
      for (const k of failed) console.log(`  failed requests (${k}): ${p[k].failed}/${p[k].total}`);

      console.log(`\n8. Imports: new APNs tokens registered with the page's import runner and PushClient (rows/s)`);
      for (const r of p.imports) {
        const at8 = r.concurrency === 8;
        console.log(
          line(
            `concurrency ${r.concurrency} (${r.rows.toLocaleString("en")} rows): proxy ÷ direct`,
            `${r.proxy.toFixed(0)} vs ${r.direct.toFixed(0)} rows/s`,
            x(r.proxy / r.direct),
            at8 ? "≥ 0.80×" : "",
            at8 ? r.proxy >= 0.8 * r.direct : undefined,
          ),
        );
      }
    }
  }
  console.log(`\nbench: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exit(1);
});
