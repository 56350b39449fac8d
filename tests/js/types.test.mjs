// Public TypeScript signatures never fall back to `any`: every exported function, class
// member and type alias in the package's declarations is checked. (The raw wasm export table,
// `InitOutput`, is internal and skipped.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("twilio-push-wasm/package.json", { paths: [process.cwd()] }));

test("no `any` in public declarations", () => {
  const files = readdirSync(pkgDir).filter((f) => f.endsWith(".d.ts") && !f.endsWith("_bg.wasm.d.ts"));
  assert.ok(files.length >= 3, `declarations found: ${files}`);
  const offenders = [];
  for (const f of files) {
    const text = readFileSync(join(pkgDir, f), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "")
      // The raw wasm exports interface is generated and not part of the API.
      .replace(/export interface InitOutput \{[\s\S]*?\n\}/, "");
    text.split("\n").forEach((line, i) => {
      if (/\bany\b/.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test("every runtime entry exists and the exports map names them", () => {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  assert.equal(manifest.name, "twilio-push-wasm");
  const entry = manifest.exports["."];
  for (const condition of ["types", "workerd", "node", "browser", "default"]) {
    assert.ok(entry[condition], condition);
    readFileSync(join(pkgDir, entry[condition]));
  }
  for (const f of manifest.files) {
    const path = join(pkgDir, f);
    // A directory (the `inline_js` snippets) must hold files; anything else must be readable.
    if (statSync(path).isDirectory()) assert.ok(readdirSync(path, { recursive: true }).length > 0, f);
    else readFileSync(path);
  }
});
