// `www/` deploys on its own: its package.json names the package and every other package the
// Workers import (jose), and Wrangler 4.86 (the newest that runs on Node 20) bundles each Worker as
// `wrangler deploy` would, with `--dry-run` and no network. Each Worker's wrangler.toml is read as
// it is, whatever its bindings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const WWW = join(ROOT, "www");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const rootManifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

// Without network where the machine allows it (a new network namespace needs root), so that a
// dry run that tried to reach Cloudflare would fail here rather than pass by luck.
const OFFLINE = spawnSync("unshare", ["-n", "true"]).status === 0;

/** Runs `wrangler deploy --dry-run` in `dir`; returns { status, output, outdir }. */
function dryRun(dir) {
  const outdir = mkdtempSync(join(tmpdir(), "tpw-deploy-"));
  const hadState = existsSync(join(dir, ".wrangler"));
  const args = ["deploy", "--dry-run", "--outdir", outdir];
  const [cmd, argv] = OFFLINE ? ["unshare", ["-n", WRANGLER, ...args]] : [WRANGLER, args];
  const r = spawnSync(cmd, argv, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_API_TOKEN: "",
      CLOUDFLARE_ACCOUNT_ID: "",
      NO_COLOR: "1",
    },
    timeout: 120_000,
  });
  // Wrangler leaves its scratch directory behind; remove it unless it was there before.
  if (!hadState) rmSync(join(dir, ".wrangler"), { recursive: true, force: true });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}`, outdir };
}

/** The `main` of a wrangler.toml (the one key this test needs). */
function mainOf(dir) {
  const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
  return /^main\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
}

test("www/package.json names the package and the Wrangler the tests use", () => {
  const www = JSON.parse(readFileSync(join(WWW, "package.json"), "utf8"));
  assert.equal(www.dependencies["twilio-push-wasm"], "file:../pkg");
  assert.equal(www.type, "module");
  assert.equal(www.devDependencies.wrangler, rootManifest.devDependencies.wrangler);
  assert.match(rootManifest.devDependencies.wrangler, /^4\.86\.\d+$/);
});

test("www/package.json lists every package the Workers import, at the root's version", () => {
  const www = JSON.parse(readFileSync(join(WWW, "package.json"), "utf8"));
  const sources = [
    join(WWW, "worker.js"),
    ...readdirSync(join(WWW, "devices"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => join(WWW, "devices", f)),
  ];
  const imported = new Set();
  for (const file of sources) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(
      /^(?:import|export)\b[^;]*?\bfrom\s+"([^".][^"]*)"/gms,
    )) {
      if (!spec.startsWith("node:"))
        imported.add(spec.startsWith("@") ? spec.split("/", 2).join("/") : spec.split("/")[0]);
    }
  }
  assert.ok(imported.has("jose") && imported.has("twilio-push-wasm"), [...imported].join(", "));
  for (const name of imported) {
    assert.ok(www.dependencies?.[name], `www/package.json does not depend on ${name}`);
    const root = rootManifest.devDependencies[name];
    if (root) assert.equal(www.dependencies[name], root, `${name}: the same range as the root package.json`);
  }
});

for (const [name, dir] of [
  ["the admin Worker (www/wrangler.toml)", WWW],
  ["the devices Worker (www/devices/wrangler.toml)", join(WWW, "devices")],
]) {
  test(`wrangler deploy --dry-run: ${name}`, () => {
    assert.ok(mainOf(dir), "wrangler.toml names its main module");
    const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
    const assets = /^\[assets\][^[]*?directory\s*=\s*"([^"]+)"/ms.exec(toml)?.[1];
    if (assets) {
      assert.ok(existsSync(join(dir, assets)), `${assets} is missing: build the page first (make page)`);
    }
    const { status, output, outdir } = dryRun(dir);
    try {
      assert.equal(status, 0, output);
      assert.match(output, /--dry-run: exiting now/);
      // The package's Workers entry was bundled: it imports the .wasm as a module, which
      // Wrangler writes next to the bundle (the browser entry would fetch it, Node's read it).
      const files = readdirSync(outdir);
      const wasm = files.find((f) => f.endsWith("twilio_push_wasm_bg.wasm"));
      assert.ok(wasm, files.join(", "));
      const bundle = files.find((f) => f.endsWith(".js"));
      const code = readFileSync(join(outdir, bundle), "utf8");
      assert.ok(code.includes(`"./${wasm}"`), "the bundle imports the wasm module");
      assert.ok(!code.includes("node:fs"), "not the Node entry");
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
}
