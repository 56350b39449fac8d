// The Node measurements: batch validation against the copy floor and pure JS, single calls,
// start-up and peak memory. Start-up and memory run in fresh child processes (this file run as
// a script), since V8 caches compiled modules and wasm memory never shrinks.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deepStrictEqual } from "node:assert/strict";

import { makeCorpus } from "./corpus.mjs";
import * as reference from "./reference.mjs";
import { gc, interleave, loadEntry, loadPackage, median, time } from "./util.mjs";

const require = createRequire(import.meta.url);

export const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

/** `@parse/node-apn`'s token function (strips every non-hex character), if installed. */
export function nodeApnToken() {
  try {
    return require("@parse/node-apn/lib/token.js");
  } catch {
    return null;
  }
}

/** node-apn over the corpus, one line at a time (it has no batch function). */
function nodeApnLines(token, text) {
  let ok = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    try {
      token(text.slice(start, end));
      ok++;
    } catch {
      // counted as refused
    }
    start = end + 1;
  }
  return ok;
}

/** Checks that two reports are the same, field by field (the big arrays compared whole). */
function sameReport(a, b, what) {
  for (const k of ["total", "valid", "invalid", "duplicates"]) {
    if (a[k] !== b[k]) throw new Error(`${what}: ${k} ${a[k]} !== ${b[k]}`);
  }
  deepStrictEqual(a.errors, b.errors, `${what}: errors differ`);
  deepStrictEqual(a.duplicateOf, b.duplicateOf, `${what}: duplicateOf differ`);
}

/**
 * Item 1 and 2: `inspectTokens(text)` against `encodeInto` of the same text into wasm memory,
 * the pure-JS implementation and node-apn. Returns medians in ms.
 */
export async function batch({ pkgDir, baselineDir, corpus, rounds }) {
  const lib = await loadPackage(pkgDir);
  const { text, expected } = corpus;

  // Every implementation must give the same report, and the one the corpus was built to have.
  const wasmReport = lib.inspectTokens(text);
  const jsReport = reference.inspectLines(text);
  sameReport(wasmReport, jsReport, "wasm vs pure JS");
  for (const k of ["total", "valid", "invalid", "duplicates"]) {
    if (wasmReport[k] !== expected[k]) throw new Error(`corpus: ${k} ${wasmReport[k]} !== ${expected[k]}`);
  }
  deepStrictEqual(
    wasmReport.errors.map((e) => [e.index, e.code]),
    expected.errors,
    "corpus: errors by line",
  );

  // The floor: copying the text into this instance's memory with TextEncoder.encodeInto (into
  // pages grown for it, which the allocator never hands out).
  const base = lib.memory.grow(Math.ceil(corpus.bytes / 65536) + 1) * 65536;
  const encoder = new TextEncoder();
  const copy = () => {
    const view = new Uint8Array(lib.memory.buffer, base, corpus.bytes);
    if (encoder.encodeInto(text, view).written !== corpus.bytes) throw new Error("copy");
  };
  copy();

  const fns = {
    copy,
    wasm: () => lib.inspectTokens(text),
    js: () => reference.inspectLines(text),
  };
  let baseline = null;
  if (baselineDir) {
    baseline = await loadPackage(baselineDir);
    sameReport(baseline.inspectTokens(text), wasmReport, "baseline vs wasm");
    fns.baseline = () => baseline.inspectTokens(text);
  }
  const token = nodeApnToken();
  if (token) fns.nodeApn = () => nodeApnLines(token, text);
  const samples = interleave(fns, rounds);
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/**
 * Item 3: one `normalizeToken` call on a 64-hex token against the pure-JS `normalize` (and
 * node-apn's token function). Returns medians in ns per call, for lower and upper case.
 */
export async function single({ pkgDir, baselineDir, calls, rounds }) {
  // Through the package's entry, as users call it (its normalizeToken is JS around the exports).
  const lib = await loadEntry(pkgDir);
  const base = baselineDir ? await loadEntry(baselineDir) : null;
  const token = nodeApnToken();
  const UPPER = HEX.toUpperCase();
  for (const input of [HEX, UPPER]) {
    if (lib.normalizeToken(input) !== HEX || reference.normalize(input) !== HEX) throw new Error("normalize");
  }
  // Each loop keeps a checksum so that no call can be optimized away.
  const loop = (fn, input) => () => {
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += fn(input).length;
    if (sum !== calls * 64) throw new Error("checksum");
  };
  const fns = {
    wasm: loop(lib.normalizeToken, HEX),
    js: loop(reference.normalize, HEX),
    wasmUpper: loop(lib.normalizeToken, UPPER),
    jsUpper: loop(reference.normalize, UPPER),
  };
  if (base) {
    fns.baseline = loop(base.normalizeToken, HEX);
    fns.baselineUpper = loop(base.normalizeToken, UPPER);
  }
  if (token) fns.nodeApn = loop(token, HEX);
  for (const f of Object.values(fns)) f(); // warm up (tier-up of both JS and wasm)
  const samples = interleave(fns, rounds);
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, (median(v) * 1e6) / calls]));
}

const SELF = fileURLToPath(import.meta.url);

function child(args) {
  return JSON.parse(execFileSync(process.execPath, ["--expose-gc", SELF, ...args], { encoding: "utf8" }));
}

/** Item 5 (Node): compile, instantiate and first call, each in a fresh process. Medians in ms. */
export function startup(pkgDir, runs) {
  const samples = Array.from({ length: runs }, () => child(["startup", pkgDir]));
  const keys = Object.keys(samples[0]);
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k]))]));
}

/**
 * Item 6: the wasm memory after a fresh instance checked the whole corpus (wasm memory never
 * shrinks, so this is the peak), and how long that first call took.
 */
export function memory(pkgDir, count) {
  return child(["memory", pkgDir, String(count)]);
}

async function main([mode, pkgDir, count]) {
  if (mode === "startup") {
    const bytes = readFileSync(join(pkgDir, "twilio_push_wasm_bg.wasm"));
    const glue = await import(pathToFileURL(join(pkgDir, "twilio_push_wasm.js")).href);
    let module;
    const compile = time(() => {
      module = new WebAssembly.Module(bytes);
    });
    const instantiate = time(() => glue.initSync({ module }));
    const firstCall = time(() => glue.normalizeToken(HEX));
    const firstBatch = time(() => glue.inspectTokens(`${HEX}\n${HEX.toUpperCase()}\nzz`));
    console.log(JSON.stringify({ compile, instantiate, firstCall, firstBatch }));
  } else if (mode === "memory") {
    const lib = await loadPackage(pkgDir);
    const corpus = makeCorpus(Number(count));
    gc();
    const before = lib.memory.buffer.byteLength;
    let r;
    const firstCall = time(() => {
      r = lib.inspectTokens(corpus.text);
    });
    if (r.total !== corpus.expected.total) throw new Error("memory run: wrong total");
    const after = lib.memory.buffer.byteLength;
    console.log(JSON.stringify({ input: corpus.bytes, before, after, firstCall }));
  }
}

if (process.argv[1] === SELF) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
