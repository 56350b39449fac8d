// Small helpers shared by the benchmark runners: loading a built package, timing, formatting.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

let loads = 0;

/**
 * Loads the wasm-bindgen glue of a built package directory (pkg/, pkg-core/, or any copy) as a
 * fresh module instance with its own wasm instance, the way the package's Node entry does
 * (`initSync` with the bytes). Returns the glue's exports plus `memory`.
 */
export async function loadPackage(dir) {
  // A query string makes Node load a separate copy of the module: two packages (or two
  // instances of one) can then be measured side by side in one process.
  const glue = await import(`${pathToFileURL(join(dir, "twilio_push_wasm.js"))}?instance=${++loads}`);
  const exports = glue.initSync({ module: readFileSync(join(dir, "twilio_push_wasm_bg.wasm")) });
  return { ...glue, memory: exports.memory };
}

/**
 * The package as a user imports it in Node: its `node.js` entry (which instantiates the module
 * and adds the hand-written JS around the generated exports), or the bare glue if there is none.
 */
export async function loadEntry(dir) {
  if (!existsSync(join(dir, "node.js"))) return loadPackage(dir);
  return import(`${pathToFileURL(join(dir, "node.js"))}`);
}

export const gc = () => globalThis.gc?.();

/** Milliseconds taken by `fn()`. */
export function time(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs every function in `fns` (an object of name → function) once per round, in an order that
 * rotates from round to round, so that machine noise falls on all of them alike. Returns the
 * samples (ms) by name.
 */
export function interleave(fns, rounds) {
  const names = Object.keys(fns);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      gc();
      samples[name].push(time(fns[name]));
    }
  }
  return samples;
}

export const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
export const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
export const ms = (n) => `${n.toFixed(1)} ms`;
export const x = (n) => `${n.toFixed(2)}×`;

/** One result line: what, the measurement, the ratio, and the goal with PASS/MISS. */
export function line(what, measured, ratio = "", goal = "", pass = undefined) {
  const verdict = pass === undefined ? "" : pass ? "PASS" : "MISS";
  return `  ${what.padEnd(44)} ${measured.padEnd(26)} ${ratio.padEnd(10)} ${goal.padEnd(16)} ${verdict}`;
}
