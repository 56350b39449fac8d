// The README's bundler recipes, each built as a user would (the package imported by name from
// node_modules, the bundler's own API) and run in headless Chromium: esbuild, webpack 5 (a page
// and a Web Worker), Rollup and Vite's dev server. (The Vite build and the import-map page are in
// package.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, mkdir, rm, readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build as esbuild } from "esbuild";
import webpack from "webpack";
import { rollup } from "rollup";
import { createServer as viteServer } from "vite";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";
import { startStaticServer } from "./support/static-server.mjs";
import { launchBrowser, openPage } from "./support/browser.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const INPUT = `<${HEX.toUpperCase().match(/.{8}/g).join(" ")}>`;

// Normalize a token, report a coded error, find a duplicate: the same in every bundle.
const PROGRAM = `
  const out = { token: normalizeToken(${JSON.stringify(INPUT)}) };
  try { normalizeToken("{length = 32, bytes = 0x965b251c ... 376eab7c }"); }
  catch (e) { out.code = e.code; out.position = e.position; }
  out.batch = inspectTokens("${HEX}\\n${HEX.toUpperCase()}").duplicates;
`;
const EXPECTED = { token: HEX, code: "TRUNCATED_DESCRIPTION", position: 33, batch: 1 };
const IMPORT = `import init, { normalizeToken, inspectTokens } from "twilio-push-wasm";`;
const SHOW = `document.body.dataset.out = JSON.stringify(out);`;

let browser;
let work;
before(async () => {
  browser = await launchBrowser();
  // Inside the project so that the bundlers resolve the package from its node_modules.
  await mkdir(join(ROOT, "test-results"), { recursive: true });
  work = await mkdtemp(join(ROOT, "test-results", "bundlers-"));
});
after(async () => {
  await browser?.close();
  await rm(work, { recursive: true, force: true });
});

/** A directory with `files`; returns its path. */
async function app(name, files) {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) await writeFile(join(dir, f), text);
  return dir;
}

/** Serves `dist`, opens it in Chromium, and returns what the page put in `data-out`. */
async function runPage(dist) {
  const server = await startStaticServer({ "/": dist });
  try {
    const { page, problems } = await openPage(browser, `${server.url}/`);
    await page.waitForFunction(() => document.body.dataset.out, null, { timeout: 30_000 });
    const out = JSON.parse(await page.evaluate(() => document.body.dataset.out));
    assert.deepEqual(problems, []);
    return out;
  } finally {
    await server.close();
  }
}

/** Builds with webpack's Node API; returns every file the build read (resolved modules). */
function runWebpack(config) {
  return new Promise((resolvePromise, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolvePromise([...stats.compilation.fileDependencies]);
    });
  });
}

const HTML = (script, type = "module") =>
  `<!doctype html><link rel="icon" href="data:,"><script ${type ? `type="${type}" ` : ""}src="./${script}"></script>`;

test("esbuild: --loader:.wasm=file and init({ module_or_path })", async () => {
  const dir = await app("esbuild", {
    "app.js": `${IMPORT}
      import wasmUrl from "twilio-push-wasm/twilio_push_wasm_bg.wasm";
      await init({ module_or_path: wasmUrl });
      ${PROGRAM}
      ${SHOW}`,
  });
  const dist = join(dir, "dist");
  // The same as `esbuild app.js --bundle --format=esm --loader:.wasm=file --outdir=dist`.
  await esbuild({
    entryPoints: [join(dir, "app.js")],
    bundle: true,
    format: "esm",
    loader: { ".wasm": "file" },
    outdir: dist,
    logLevel: "silent",
  });
  await writeFile(join(dist, "index.html"), HTML("app.js"));
  assert.ok(
    (await readdir(dist)).some((f) => f.endsWith(".wasm")),
    "the .wasm was emitted",
  );
  assert.deepEqual(await runPage(dist), EXPECTED);
});

test("webpack 5: await init(), no configuration for the .wasm", async () => {
  const dir = await app("webpack", { "app.js": `${IMPORT}\nawait init();\n${PROGRAM}\n${SHOW}` });
  const dist = join(dir, "dist");
  const files = await runWebpack({
    mode: "production",
    context: dir,
    entry: "./app.js",
    output: { path: dist, filename: "main.js" },
  });
  await writeFile(join(dist, "index.html"), HTML("main.js", ""));
  assert.ok(
    files.some((f) => f.endsWith("twilio-push-wasm/web.js")),
    files.join("\n"),
  );
  assert.deepEqual(await runPage(dist), EXPECTED);
});

test("webpack 5 --target webworker: the browser entry, run in a Web Worker", async () => {
  const dir = await app("webpack-worker", {
    "worker.js": `${IMPORT}\nawait init();\n${PROGRAM}\nself.postMessage(out);`,
    "index.html": `<!doctype html><link rel="icon" href="data:,">
      <script>
        const w = new Worker("./worker.js");
        w.onmessage = (e) => { document.body.dataset.out = JSON.stringify(e.data); };
        w.onerror = (e) => { document.body.dataset.out = JSON.stringify({ error: e.message }); };
      </script>`,
  });
  const dist = join(dir, "dist");
  const files = await runWebpack({
    mode: "production",
    context: dir,
    target: "webworker",
    entry: "./worker.js",
    output: { path: dist, filename: "worker.js" },
  });
  // The `worker` condition webpack sets for this target must not select the Workers entry.
  assert.ok(
    files.some((f) => f.endsWith("twilio-push-wasm/web.js")),
    files.join("\n"),
  );
  assert.ok(!files.some((f) => f.endsWith("workerd.js")), files.join("\n"));
  await writeFile(join(dist, "index.html"), await readFile(join(dir, "index.html"), "utf8"));
  assert.deepEqual(await runPage(dist), EXPECTED);
});

test("Rollup: node-resolve (browser) and import-meta-assets, await init()", async () => {
  const dir = await app("rollup", { "app.js": `${IMPORT}\nawait init();\n${PROGRAM}\n${SHOW}` });
  const dist = join(dir, "dist");
  const bundle = await rollup({
    input: join(dir, "app.js"),
    plugins: [nodeResolve({ browser: true }), importMetaAssets()],
    onwarn: (w) => {
      throw new Error(`rollup: ${w.message}`);
    },
  });
  await bundle.write({ dir: dist, format: "es" });
  await bundle.close();
  await writeFile(join(dist, "index.html"), HTML("app.js"));
  assert.ok((await readdir(dist, { recursive: true })).some((f) => f.endsWith(".wasm")));
  assert.deepEqual(await runPage(dist), EXPECTED);
});

test("Vite dev server: await init(), no configuration (dependency pre-bundling on)", async () => {
  const dir = await app("vite-dev", {
    "index.html": HTML("main.js"),
    "main.js": `${IMPORT}\nawait init();\n${PROGRAM}\n${SHOW}`,
  });
  const server = await viteServer({
    root: dir,
    configFile: false,
    logLevel: "silent",
    cacheDir: join(dir, "cache"),
    server: { host: "127.0.0.1", port: 0, strictPort: false },
  });
  await server.listen();
  try {
    const { page, problems } = await openPage(browser, server.resolvedUrls.local[0]);
    await page.waitForFunction(() => document.body.dataset.out, null, { timeout: 60_000 });
    assert.deepEqual(JSON.parse(await page.evaluate(() => document.body.dataset.out)), EXPECTED);
    assert.deepEqual(problems, []);
  } finally {
    await server.close();
  }
});
