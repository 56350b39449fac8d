// The package as npm users get it, checked with the tools they check packages with (offline):
// publint --strict, @arethetypeswrong/cli on the packed tarball, the tarball's contents (licenses,
// the npm README and its links), and the ESM-only promise (`require()` on Node ≥ 20.19).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { publint } from "publint";

const ROOT = resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("twilio-push-wasm/package.json", { paths: [ROOT] }));
const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

/** The files `npm pack` would put in the tarball. */
function packedFiles() {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", pkgDir], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return JSON.parse(out)[0].files.map((f) => f.path);
}

test("publint --strict: no errors, warnings or suggestions", async () => {
  const { messages } = await publint({ pkgDir, level: "suggestion", strict: true, pack: "npm" });
  assert.deepEqual(messages, []);
});

test("are the types wrong: no problems for an ESM-only package", () => {
  // `esm-only` leaves out TypeScript's CommonJS resolutions (node10, node16 from CJS): there is
  // no CommonJS entry by design, and they could only report that.
  const r = spawnSync(
    join(ROOT, "node_modules", ".bin", "attw"),
    ["--pack", pkgDir, "--profile", "esm-only", "--format", "json", "--no-color"],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const { analysis } = JSON.parse(r.stdout);
  const ignored = new Set(["node10", "node16-cjs"]);
  const problems = analysis.problems.filter((p) => !ignored.has(p.resolutionKind));
  assert.deepEqual(problems, []);
  // Every entry point resolves to types under node16 (ESM) and bundler resolution, the wasm too.
  for (const entry of [".", "./twilio_push_wasm_bg.wasm"]) {
    for (const kind of ["node16-esm", "bundler"]) {
      const res = analysis.entrypoints[entry].resolutions[kind].resolution;
      assert.ok(res?.fileName?.endsWith(".d.ts"), `${entry} ${kind}: ${JSON.stringify(res)}`);
    }
  }
});

test("the tarball ships both licenses, the npm README and every file the exports name", () => {
  const files = packedFiles();
  for (const f of ["LICENSE-MIT", "LICENSE-APACHE", "README.md", "package.json"]) assert.ok(files.includes(f), f);
  assert.match(readFileSync(join(pkgDir, "LICENSE-MIT"), "utf8"), /The twilio-push-wasm contributors/);
  assert.match(readFileSync(join(pkgDir, "LICENSE-APACHE"), "utf8"), /Apache License\s+Version 2\.0/);
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  const targets = JSON.stringify(manifest.exports).match(/"\.\/[^"]+"/g) ?? [];
  for (const t of targets) {
    const file = JSON.parse(t).slice(2);
    if (file !== "package.json") assert.ok(files.includes(file), `${file} is exported but not packed`);
  }
  // The npm README, not the repository's (which is about make targets and benchmarks).
  assert.doesNotMatch(readme, /make (test|dev|bench)/);
  assert.match(readme, /npm install twilio-push-wasm/);
});

test("every relative link in the shipped README resolves inside the package", () => {
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)|<(https?:[^>]+)>|href="([^"]+)"/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
  assert.ok(links.length > 0);
  const repository = manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
  for (const link of links) {
    if (/^https?:/.test(link)) {
      // Absolute links into the project point at its repository.
      if (link.includes("twilio-push-wasm")) assert.ok(link.startsWith(repository), link);
      continue;
    }
    const path = link.split("#")[0];
    assert.ok(path === "" || existsSync(join(pkgDir, path)), `broken relative link: ${link}`);
    if (path) assert.ok(packedFiles().includes(path.replace(/^\.\//, "")), `not packed: ${link}`);
  }
});

test("ESM only: the README says so, and `require()` needs Node >= 20.19 (engines)", () => {
  assert.equal(manifest.type, "module");
  assert.equal(manifest.engines.node, ">=20.19");
  assert.match(readme, /ESM only/);
  assert.match(readme, /require\("twilio-push-wasm"\)`? works in \*\*Node ≥ 20\.19\*\*/);
  // No CommonJS entry exists: `require` resolves to the same ES module as `import`.
  assert.equal(JSON.stringify(manifest.exports).includes('"require"'), false);
});

test("require('twilio-push-wasm') works on this Node (>= 20.19), with the same functions", () => {
  const [major, minor] = process.versions.node.split(".").map(Number);
  const supported = major > 20 || (major === 20 && minor >= 19);
  const r = spawnSync(
    process.execPath,
    [
      "-e",
      `const m = require("twilio-push-wasm");
       console.log(JSON.stringify([m.normalizeToken(${JSON.stringify(HEX.toUpperCase())}), typeof m.createProxyHandler]));`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (!supported) {
    assert.notEqual(r.status, 0, "require() of ESM should fail before Node 20.19");
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [HEX, "function"]);
});
