#!/usr/bin/env node
// @ts-check
// The local stack: the admin page + proxy Worker (www/worker.js), the directory Worker
// (www/devices/worker.js, with a local D1 database, migrations applied) and, unless real Twilio
// credentials are given, the built-in Twilio Push emulator (www/emulator/worker.js), all in
// workerd through Miniflare. `make dev` runs this after building the package and the page;
// tests import `startStack` to get the same stack on a free port.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "../www/devices/migrate.mjs";
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
 * @property {{ entry?: string, vars?: Record<string, string>, port?: number, appKey?: string } | false} [directory]
 *   the directory Worker's options (`appKey`: default random), or false for none
 */
/**
 * The directory Worker as `startStack` answers it.
 * @typedef {object} StackDirectory
 * @property {string} url its own URL (apps call it there)
 * @property {string} appKey the development app key
 * @property {Awaited<ReturnType<import("miniflare").Miniflare["getD1Database"]>>} db its D1 database
 * @property {(path: string, init?: RequestInit) => Promise<Response>} request a direct fetch
 * @property {() => Promise<unknown>} scheduled runs its Cron Trigger handler once
 */

/**
 * Starts the stack. Returns `{ url, adminToken, upstream, emulator, logs, close }`:
 * - `emulator.request(path, init)` calls the emulator directly (control endpoints such as
 *   `/__emulator/state`, or `/v1/...` with `emulator.authorization`); `null` with real Twilio;
 * - `logs` collects every line the workers print (for secret scans);
 * - `directory`: `{ url, appKey, db, request(path, init), scheduled() }` — the directory Worker's
 *   own URL (apps call it there), its development app key, its D1 database (migrations applied),
 *   a direct fetch and a run of its Cron Trigger; null with `directory: false`. `directory.entry` replaces the Worker's script (tests
 *   wrap it), `directory.vars` adds bindings, `directory.port` fixes its port.
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
  directory = {},
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
      ...(directory ? { DIRECTORY: "directory" } : {}),
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
  const appKey = directory ? (directory.appKey ?? randomBytes(16).toString("hex")) : null;
  if (directory) {
    workers.push({
      name: "directory",
      scriptPath: await bundleWorker(directory.entry ?? join(ROOT, "www", "devices", "worker.js"), ROOT),
      bindings: {
        ADMIN_TOKEN: adminToken,
        APP_API_KEY: appKey,
        ...(twilio
          ? twilio
          : {
              TWILIO_ACCOUNT_SID: emulatorCredentials.username,
              TWILIO_AUTH_TOKEN: emulatorCredentials.password,
              // PushClient's fetches leave through outboundService, to the emulator Worker.
              TWILIO_BASE_URL: "http://emulator.local/v1",
            }),
        ...(directory.vars ?? {}),
      },
      d1Databases: ["DB"],
      ...(twilio ? {} : { outboundService: "emulator" }),
      unsafeDirectSockets: [{ host, port: directory.port ?? 0 }],
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
      secrets: [emulatorCredentials.password, ...(appKey ? [appKey] : [])],
    };
  }
  /** @type {StackDirectory | null} */
  let directoryInfo = null;
  if (directory) {
    const db = await mf.getD1Database("DB", "directory");
    await applyMigrations(db);
    const directUrl = (await mf.unsafeGetDirectURL("directory")).toString().replace(/\/$/, "");
    const worker =
      /** @type {{ fetch(url: string, init?: RequestInit): Promise<Response>, scheduled(event: { cron: string }): Promise<unknown> }} */ (
        /** @type {unknown} */ (await mf.getWorker("directory"))
      );
    directoryInfo = {
      url: directUrl,
      appKey: /** @type {string} */ (appKey), // set whenever there is a directory
      db,
      request: (path, init) => worker.fetch(`http://directory.local${path}`, init),
      // Runs the Worker's Cron Trigger handler once (the reconcile).
      scheduled: () => worker.scheduled({ cron: "*/10 * * * *" }),
    };
  }
  return {
    url,
    adminToken,
    directory: directoryInfo,
    upstream: twilio ? "twilio" : "emulator",
    emulator,
    logs,
    close: () => mf.dispose(),
  };
}

/**
 * Seeds the directory through its own API (so the emulator's registrations agree with D1):
 * users alice, bob and carol of demo_app, one token moved from carol to bob (in the history),
 * and one of alice's devices signed out. Returns the tokens used.
 * @param {Pick<StackDirectory, "appKey" | "request">} directory
 * @param {string} [appName]
 */
export async function seedDirectory(directory, appName = "demo_app") {
  /** @param {string} seed */
  const hex = (seed) => seed.repeat(64 / seed.length);
  /** @param {string} id */
  const fcm = (id) => `${id}:APA91b${"dirseed".repeat(20)}`;
  const tokens = {
    alice: [hex("a11ce001"), fcm("cAlice00000000000000_1")],
    bob: [hex("b0b00001")],
    carol: [hex("ca401001"), hex("ca401002")],
    signedOut: hex("a11ce0ff"),
  };
  /**
   * @param {string} method
   * @param {string} userId
   * @param {Record<string, unknown>} body
   */
  const call = async (method, userId, body) => {
    const res = await directory.request("/devices", {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${directory.appKey}`, "x-user-id": userId },
      body: JSON.stringify({ appName, ...body }),
    });
    if (res.status >= 300)
      throw new Error(`directory seed: ${method} for ${userId} → ${res.status} ${await res.text()}`);
    return res.json();
  };
  for (const [user, list] of /** @type {[string, string[]][]} */ ([
    ["alice", [...tokens.alice, tokens.signedOut]],
    ["bob", tokens.bob],
    ["carol", tokens.carol],
  ])) {
    for (const token of list) await call("PUT", user, { token });
  }
  await call("PUT", "bob", { token: tokens.carol[1].toUpperCase() }); // an account switch: moves to bob
  await call("DELETE", "alice", { token: tokens.signedOut });
  return tokens;
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
    directory: { port: Number(process.env.DIRECTORY_PORT ?? 8788) },
  });
  const { directory } = stack;
  if (!directory) throw new Error("dev: the directory Worker did not start");
  if (!twilio) await seedDirectory(directory);
  const line = "─".repeat(64);
  console.log(`\n${line}`);
  console.log(`  Admin page and proxy:  ${stack.url}/`);
  console.log(
    `  Admin token:           ${stack.adminToken}${process.env.ADMIN_TOKEN ? "  (from ADMIN_TOKEN)" : "  (generated for this run)"}`,
  );
  console.log(`  Directory (apps):      ${directory.url}/devices`);
  console.log(`  Directory app key:     ${directory.appKey}  (development mode: X-User-Id names the user)`);
  console.log(
    `  Upstream:              ${
      twilio
        ? "Twilio (https://comms.twilio.com/v1) with TWILIO_ACCOUNT_SID"
        : "built-in emulator (seeded with app demo_app; directory users alice, bob, carol)"
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
