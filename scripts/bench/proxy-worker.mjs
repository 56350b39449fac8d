// What the proxy's CPU benchmarks (proxy-cpu.mjs, proxy-profile.mjs) share: the emulator's
// credentials and Worker, the source every timing Worker starts with (the proxy's environment,
// the request it sends, a pass-through over the same binding), and how a Worker is bundled and
// configured for Miniflare.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

import { bundleWorker } from "../../tests/js/support/workerd.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const USERNAME = `AC${"0".repeat(32)}`;
const PASSWORD = "emulator-password";
const ADMIN = "admin-token-0123456789abcdef";

/**
 * The start of every timing Worker: `config` (the proxy's environment without its binding),
 * `headers` (the admin's request), `pass(request, env)` (bearer check, path rewrite, upstream
 * auth, forward over the binding: the proxy's ceiling) and `registrationUrl(env)` (the URL of
 * the emulator's first device registration, through the proxy's paths).
 */
export const WORKER_PRELUDE = `
const config = { ADMIN_TOKEN: "${ADMIN}", TWILIO_ACCOUNT_SID: "${USERNAME}", TWILIO_AUTH_TOKEN: "${PASSWORD}", UPSTREAM_NAME: "emulator" };
const headers = { authorization: "Bearer ${ADMIN}", "user-agent": "bench", host: "127.0.0.1:8787" };
const basic = "Basic " + btoa("${USERNAME}:${PASSWORD}");
async function pass(request, env) {
  if (request.headers.get("authorization") !== "Bearer " + config.ADMIN_TOKEN) throw new Error("auth");
  const url = new URL(request.url);
  const upstream = new Headers(request.headers);
  upstream.set("authorization", basic);
  return env.EMULATOR.fetch(new Request("https://comms.twilio.com" + url.pathname.slice(4) + url.search, { headers: upstream }));
}
let url;
async function registrationUrl(env) {
  if (!url) {
    const state = await (await env.EMULATOR.fetch("http://emulator.local/__emulator/state")).json();
    url = "http://127.0.0.1:8787/api/v1/PushNotifications/DeviceRegistrations/" + state.deviceRegistrations[0].id;
  }
  return url;
}
`;

/** Bundles `dir`/entry.js into `dir`/worker.js as Wrangler would (`.wasm` imports kept). */
export async function bundleEntry(dir) {
  await build({
    entryPoints: [join(dir, "entry.js")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["*.wasm"],
    outfile: join(dir, "worker.js"),
    logLevel: "silent",
  });
  return join(dir, "worker.js");
}

/** The emulator's Worker, seeded, delivering at once: `{ name: "emulator", … }`. */
export async function emulatorWorker() {
  return {
    name: "emulator",
    scriptPath: await bundleWorker(join(ROOT, "www", "emulator", "worker.js"), ROOT),
    bindings: {
      EMULATOR_USERNAME: USERNAME,
      EMULATOR_PASSWORD: PASSWORD,
      EMULATOR_SEED: "1",
      EMULATOR_DELIVERY_MS: "0",
    },
  };
}

/** A Worker's Miniflare options: ES modules, `.wasm` files as compiled modules. */
export function workerOptions(worker) {
  return {
    compatibilityDate: "2025-01-01",
    modules: true,
    modulesRoot: dirname(worker.scriptPath),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    ...worker,
  };
}
