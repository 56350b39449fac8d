#!/usr/bin/env node
// @ts-check
// Turns wasm-pack's `--target web` output in pkg/ into ONE npm package that works in Node,
// workerd, bundlers and plain browser pages: optimizes the .wasm with binaryen's wasm-opt
// (from npm: Debian's is too old for current Rust output), adds one entry file per runtime
// and writes package.json with conditional exports.
//
// Usage: node scripts/build-pkg.mjs [pkgDir]
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync, statSync, existsSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = resolve(process.argv[2] ?? join(root, "pkg"));
const name = "twilio_push_wasm";
const wasm = join(pkg, `${name}_bg.wasm`);

if (!existsSync(wasm)) {
  console.error(`build-pkg: ${wasm} is missing; run wasm-pack first (make pkg does).`);
  process.exit(1);
}

const before = statSync(wasm).size;
const wasmOpt = join(root, "node_modules", ".bin", "wasm-opt");
execFileSync(
  wasmOpt,
  [
    "-Oz",
    // Run the passes until the module stops shrinking (-0.8 KiB gzip on the package, a few
    // seconds more).
    "--converge",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    // Fixed-width wasm SIMD: the batch scanner is written with v128 (see .cargo/config.toml).
    "--enable-simd",
    "--strip-debug",
    "--strip-producers",
    wasm,
    "-o",
    wasm,
  ],
  { stdio: "inherit" },
);

const entries = ["node.js", "workerd.js", "web.js", "token.js", "proxy.js", "index.d.ts", "proxy.d.ts"];
for (const f of entries) copyFileSync(join(root, "src", "js", "package", f), join(pkg, f));
// wasm-pack's `_bg.wasm.d.ts` describes the raw export table, which is not what importing the
// file yields; the package's own declaration says what a loader gives (a URL or a module).
copyFileSync(join(root, "src", "js", "package", "wasm.d.ts"), join(pkg, `${name}_bg.wasm.d.ts`));
// The npm README (for someone who ran `npm install`), not the repository's, and the licenses.
copyFileSync(join(root, "src", "js", "package", "README.md"), join(pkg, "README.md"));
const licenses = ["LICENSE-MIT", "LICENSE-APACHE"];
for (const f of licenses) copyFileSync(join(root, f), join(pkg, f));

const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
const version = /** @type {RegExpExecArray} */ (/^version\s*=\s*"([^"]+)"/m.exec(cargo))[1];
const generated = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));

const repository = /** @type {RegExpExecArray} */ (/^repository\s*=\s*"([^"]+)"/m.exec(cargo))[1];

const manifest = {
  name: "twilio-push-wasm",
  version,
  description: generated.description,
  license: generated.license,
  // npm's normalized form (what `npm pkg fix` writes), so publint has nothing to suggest.
  repository: { type: "git", url: `git+${repository}.git` },
  homepage: `${repository}#readme`,
  bugs: { url: `${repository}/issues` },
  keywords: generated.keywords,
  // ESM only. Node ≥ 20.19 can also `require()` it (require of ES modules without a flag).
  type: "module",
  sideEffects: ["./node.js", "./workerd.js"],
  files: [
    `${name}_bg.wasm`,
    `${name}.js`,
    `${name}.d.ts`,
    `${name}_bg.wasm.d.ts`,
    ...entries,
    // JS that the Rust side imports (`inline_js`), if any.
    ...(existsSync(join(pkg, "snippets")) ? ["snippets"] : []),
    "README.md",
    ...licenses,
  ],
  // For tools that read no `exports` (TypeScript's `node10` resolution, old bundlers).
  main: "./node.js",
  module: "./web.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      types: "./index.d.ts",
      // Only workerd: the generic `worker` condition also matches browser Web Workers
      // (webpack's `webworker` target), where `.wasm` imports are not modules.
      workerd: "./workerd.js",
      node: "./node.js",
      browser: "./web.js",
      default: "./web.js",
    },
    [`./${name}_bg.wasm`]: {
      types: `./${name}_bg.wasm.d.ts`,
      default: `./${name}_bg.wasm`,
    },
    "./package.json": "./package.json",
  },
  engines: { node: ">=20.19" },
};
writeFileSync(join(pkg, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
// wasm-pack writes a .gitignore of "*" into pkg/, which would make `npm pack` skip files.
rmSync(join(pkg, ".gitignore"), { force: true });

const bytes = readFileSync(wasm);
/** @param {number} n */
const kib = (n) => (n / 1024).toFixed(1);
console.log(
  `build-pkg: ${pkg}: ${name}_bg.wasm ${kib(before)} KiB -> ${kib(bytes.length)} KiB raw, ` +
    `${kib(gzipSync(bytes, { level: 9 }).length)} KiB gzip`,
);
