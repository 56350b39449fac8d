#!/usr/bin/env node
// @ts-check
// The local stack: the admin page + proxy Worker (www/worker.js) and, unless real Twilio
// credentials are given, the built-in Twilio Push emulator (www/emulator/worker.js), both in
// workerd through Miniflare. `make dev` runs this after building the package and the page;
// tests import `startStack` to get the same stack on a free port.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorker, startMiniflare } from "../tests/js/support/workerd.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * @typedef {object} StackOptions
 * @property {number} [port] 0: a free port
 * @property {string} [host]
 * @property {string} [adminToken] default: random
 * @property {boolean} [seed] seed the emulator (default true)
 * @property {Record<string, string> | null} [twilio] real Twilio credentials (TWILIO_*) instead of the emulator
 * @property {number} [deliveryMs] the emulator's delivery delay
 * @property {Record<string, string>} [vars] more bindings for the admin Worker
 * @property {string} [assets] the built page (default www/dist)
 * @property {boolean} [echo] also print the workers' lines
 */

/**
 * Starts the stack. Returns `{ url, adminToken, upstream, emulator, logs, close }`:
 * - `emulator.request(path, init)` calls the emulator directly (control endpoints such as
 *   `/__emulator/state`, or `/v1/...` with `emulator.authorization`); `null` with real Twilio;
 * - `logs` collects every line the workers print (for secret scans).
 * @param {StackOptions} [options]
 */
export async function startStack({
  port = 0,
  host = "127.0.0.1",
  adminToken = randomBytes(24).toString("hex"),
  seed = true,
  twilio = null,
  deliveryMs = 400,
  vars = {},
  assets = join(ROOT, "www", "dist"),
  echo = false,
} = {}) {
  /** @type {string[]} */
  const logs = [];
  /** @param {import("node:stream").Readable} stream */
  const capture = (stream) => {
    stream.setEncoding("utf8");
    let buffered = "";
    stream.on("data", (/** @type {string} */ chunk) => {
      buffered += chunk;
      for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        logs.push(line);
        if (echo) console.log(line);
      }
    });
  };
  // Only read when there is no `twilio`, i.e. when it is not null.
  const emulatorCredentials = /** @type {{ username: string, password: string }} */ (
    twilio ? null : { username: `AC${randomBytes(16).toString("hex")}`, password: randomBytes(16).toString("hex") }
  );
  const adminScript = await bundleWorker(join(ROOT, "www", "worker.js"), ROOT);
  const admin = {
    name: "admin",
    scriptPath: adminScript,
    bindings: {
      ADMIN_TOKEN: adminToken,
      ...(twilio
        ? twilio
        : {
            TWILIO_ACCOUNT_SID: emulatorCredentials.username,
            TWILIO_AUTH_TOKEN: emulatorCredentials.password,
            UPSTREAM_NAME: "emulator",
          }),
      ...vars,
    },
    serviceBindings: {
      ...(twilio ? {} : { EMULATOR: "emulator" }),
      ...(existsSync(assets) ? { ASSETS: "assets" } : {}),
    },
  };
  /** @type {import("miniflare").WorkerOptions[]} */
  const workers = [admin];
  // The page's files are served by a worker of their own that the admin Worker reaches through
  // its ASSETS binding, so /api requests go straight to the proxy, as `run_worker_first` has
  // them go in production (www/wrangler.toml). Giving the admin Worker the assets itself would
  // put Miniflare's asset router (two more Worker invocations and an RPC per request) in front
  // of every API call, which halved the proxy's throughput.
  if (existsSync(assets)) {
    workers.push({
      name: "assets",
      script: "export default { fetch: () => new Response(null, { status: 404 }) };",
      assets: { directory: assets, binding: "ASSETS", routerConfig: { has_user_worker: false } },
    });
  }
  if (!twilio) {
    workers.push({
      name: "emulator",
      scriptPath: await bundleWorker(join(ROOT, "www", "emulator", "worker.js"), ROOT),
      bindings: {
        EMULATOR_USERNAME: emulatorCredentials.username,
        EMULATOR_PASSWORD: emulatorCredentials.password,
        EMULATOR_SEED: seed ? "1" : "0",
        EMULATOR_DELIVERY_MS: String(deliveryMs),
      },
    });
  }
  const mf = startMiniflare(workers, {
    host,
    port,
    /**
     * @param {import("node:stream").Readable} stdout
     * @param {import("node:stream").Readable} stderr
     */
    handleRuntimeStdio(stdout, stderr) {
      capture(stdout);
      capture(stderr);
    },
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  let emulator = null;
  if (!twilio) {
    // Miniflare types its workers with @cloudflare/workers-types (not installed): name what is used.
    const worker = /** @type {{ fetch(url: string, init?: RequestInit): Promise<Response> }} */ (
      /** @type {unknown} */ (await mf.getWorker("emulator"))
    );
    emulator = {
      authorization: `Basic ${Buffer.from(`${emulatorCredentials.username}:${emulatorCredentials.password}`).toString("base64")}`,
      /**
       * @param {string} path
       * @param {RequestInit} [init]
       */
      async request(path, init = {}) {
        const res = await worker.fetch(`http://emulator.local${path}`, init);
        const text = await res.text();
        let body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = text;
        }
        return { status: res.status, headers: Object.fromEntries(res.headers), body };
      },
      secrets: [emulatorCredentials.password],
    };
  }
  return {
    url,
    adminToken,
    upstream: twilio ? "twilio" : "emulator",
    emulator,
    logs,
    close: () => mf.dispose(),
  };
}

async function main() {
  if (!existsSync(join(ROOT, "www", "dist", "index.html"))) {
    console.error("dev: www/dist is missing; run `make dev` (it builds the page first).");
    process.exit(1);
  }
  const twilio =
    process.env.TWILIO_ACCOUNT_SID && process.env.TWILIO_AUTH_TOKEN
      ? {
          TWILIO_ACCOUNT_SID: process.env.TWILIO_ACCOUNT_SID,
          TWILIO_AUTH_TOKEN: process.env.TWILIO_AUTH_TOKEN,
          ...(process.env.TWILIO_BASE_URL ? { TWILIO_BASE_URL: process.env.TWILIO_BASE_URL } : {}),
        }
      : null;
  const stack = await startStack({
    port: Number(process.env.PORT ?? 8787),
    adminToken: process.env.ADMIN_TOKEN || undefined,
    twilio,
    echo: true,
  });
  const line = "─".repeat(64);
  console.log(`\n${line}`);
  console.log(`  Admin page and proxy:  ${stack.url}/`);
  console.log(
    `  Admin token:           ${stack.adminToken}${process.env.ADMIN_TOKEN ? "  (from ADMIN_TOKEN)" : "  (generated for this run)"}`,
  );
  console.log(
    `  Upstream:              ${
      twilio
        ? "Twilio (https://comms.twilio.com/v1) with TWILIO_ACCOUNT_SID"
        : "built-in emulator (seeded with app demo_app)"
    }`,
  );
  console.log(`  Stop with Ctrl-C.`);
  console.log(`${line}\n`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    console.log("\ndev: stopping…");
    await stack.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`dev: ${error.message}`);
    process.exit(1);
  });
}
