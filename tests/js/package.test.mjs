// The package imported by name in every runtime it promises: workerd (Miniflare), a Vite
// bundle and a plain ES-module page in headless Chromium. (Node is token.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build as viteBuild } from "vite";
import { bundleWorker, startMiniflare } from "./support/workerd.mjs";
import { startStaticServer } from "./support/static-server.mjs";
import { launchBrowser, openPage } from "./support/browser.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const INPUT = `<${HEX.toUpperCase().match(/.{8}/g).join(" ")}>`;

// The same small program in each runtime: normalize a token, and report a coded error.
const PROGRAM = `
  const out = { token: normalizeToken(${JSON.stringify(INPUT)}) };
  try { normalizeToken("{length = 32, bytes = 0x965b251c ... 376eab7c }"); }
  catch (e) { out.code = e.code; out.position = e.position; }
  out.batch = inspectTokens("${HEX}\\n${HEX.toUpperCase()}").duplicates;
`;

let browser;
let work;
before(async () => {
  browser = await launchBrowser();
  // Inside the project so that bundlers resolve the package from its node_modules.
  await mkdir(join(ROOT, "test-results"), { recursive: true });
  work = await mkdtemp(join(ROOT, "test-results", "pkg-"));
});
after(async () => {
  await browser?.close();
  await rm(work, { recursive: true, force: true });
});

const EXPECTED = { token: HEX, code: "TRUNCATED_DESCRIPTION", position: 33, batch: 1 };

test("workerd: imported by name, no init call", async () => {
  const entry = join(work, "worker-entry.js");
  await writeFile(
    entry,
    `import { normalizeToken, inspectTokens } from "twilio-push-wasm";
     export default { fetch() { ${PROGRAM} return Response.json(out); } };`,
  );
  // Resolve the package from the project root, where `make pkg` installs it.
  const scriptPath = await bundleWorker(entry, ROOT);
  const mf = startMiniflare([{ name: "token", scriptPath }]);
  try {
    const res = await mf.dispatchFetch("http://localhost/");
    assert.deepEqual(await res.json(), EXPECTED);
  } finally {
    await mf.dispose();
  }
});

test("Vite bundle in Chromium: import init and functions by name", async () => {
  const app = join(work, "vite-app");
  await mkdir(app, { recursive: true });
  await writeFile(
    join(app, "index.html"),
    `<!doctype html><link rel="icon" href="data:,"><script type="module" src="./main.js"></script><pre id="out"></pre>`,
  );
  await writeFile(
    join(app, "main.js"),
    `import init, { normalizeToken, inspectTokens } from "twilio-push-wasm";
     await init();
     ${PROGRAM}
     document.getElementById("out").textContent = JSON.stringify(out);`,
  );
  await viteBuild({
    root: app,
    logLevel: "silent",
    build: { outDir: join(app, "dist"), target: "es2022" },
    resolve: { preserveSymlinks: false },
    server: { fs: { allow: [ROOT, app] } },
    configFile: false,
    cacheDir: join(work, "vite-cache"),
  });
  const server = await startStaticServer({ "/": join(app, "dist") });
  try {
    const { page, problems } = await openPage(browser, `${server.url}/`);
    await page.waitForFunction(() => document.getElementById("out").textContent !== "");
    assert.deepEqual(JSON.parse(await page.textContent("#out")), EXPECTED);
    assert.deepEqual(problems, []);
  } finally {
    await server.close();
  }
});

test("plain ES-module page in Chromium: import map to the package, init() once", async () => {
  const site = join(work, "plain");
  await mkdir(site, { recursive: true });
  await writeFile(
    join(site, "index.html"),
    `<!doctype html>
     <link rel="icon" href="data:,">
     <script type="importmap">{ "imports": { "twilio-push-wasm": "/node_modules/twilio-push-wasm/web.js" } }</script>
     <script type="module">
       import init, { normalizeToken, inspectTokens } from "twilio-push-wasm";
       await init();
       ${PROGRAM}
       document.body.dataset.out = JSON.stringify(out);
     </script>`,
  );
  const server = await startStaticServer({ "/": site, "/node_modules/": join(ROOT, "node_modules") });
  try {
    const { page, problems } = await openPage(browser, `${server.url}/`);
    await page.waitForFunction(() => document.body.dataset.out);
    assert.deepEqual(JSON.parse(await page.evaluate(() => document.body.dataset.out)), EXPECTED);
    assert.deepEqual(problems, []);
  } finally {
    await server.close();
  }
});
