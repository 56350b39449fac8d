// Runs a worker that imports "twilio-push-wasm" inside workerd (Miniflare), bundled the way
// Wrangler bundles: esbuild with the Workers conditions, `.wasm` imports kept as modules.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { mkdtemp, copyFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

/**
 * Bundles `entry` into a temp dir and returns the bundle path (wasm files copied beside it).
 * @param {string} entry
 * @param {string} [resolveDir]
 */
export async function bundleWorker(entry, resolveDir = process.cwd()) {
  const out = await mkdtemp(join(tmpdir(), "tpw-worker-"));
  const result = await build({
    entryPoints: [entry],
    nodePaths: [join(resolveDir, "node_modules")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["*.wasm", "node:*", "cloudflare:*"],
    outfile: join(out, "worker.js"),
    logLevel: "silent",
    metafile: true,
  });
  // Every package directory the bundle pulled in may hold the wasm modules it imports.
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve("twilio-push-wasm/package.json", { paths: [resolveDir] }));
  for (const f of await readdir(pkgDir)) if (f.endsWith(".wasm")) await copyFile(join(pkgDir, f), join(out, f));
  void result;
  return join(out, "worker.js");
}

/**
 * Starts Miniflare with one or more workers: [{ name, scriptPath, bindings, serviceBindings }].
 * @param {import("miniflare").WorkerOptions[]} workers
 * @param {Omit<import("miniflare").MiniflareOptions, "workers">} [options]
 */
export function startMiniflare(workers, options = {}) {
  return new Miniflare({
    ...options,
    workers: workers.map((w) => ({
      compatibilityDate: "2025-01-01",
      modules: true,
      modulesRoot: w.scriptPath ? dirname(w.scriptPath) : undefined,
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      ...w,
    })),
  });
}
