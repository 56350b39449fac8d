// @ts-check
// In-memory emulator of the Twilio Push Notifications API (v1).
//
// It answers the same paths as https://comms.twilio.com/v1/PushNotifications/... so that one client
// works against Twilio, the edge proxy and this emulator by changing only the base URL and auth.
// Where Twilio's public documentation is silent, the decisions taken here are listed in README.md.
//
// The modules are deliberately pure: they only use Request, Response, URL, crypto.getRandomValues,
// TextEncoder and atob/btoa, so the same code runs in Node 20 (server.mjs) and in workerd
// (worker.js). No timers drive state: a notification's status is computed from `now()` whenever
// it is read, which also makes the lifecycle testable with an injected clock.
//
// This file is the entry: it checks the options, builds the context (settings and state) that
// every module receives, and routes a request to the API (api.js) or the controls (control.js).

import { handleApi } from "./api.js";
import { handleControl, reset, stats } from "./control.js";
import { emptyFaults } from "./faults.js";
import { EmulatorDropError, errorResponse, toErrorResponse } from "./http.js";
import { seed } from "./seed.js";
import { emptyState, makeIdGenerator } from "./store.js";
import { clip } from "./util.js";

export { FAULT_KINDS, ID_PREFIXES, LIMITS } from "./constants.js";
export { EmulatorDropError } from "./http.js";
export { fakeCredentialContent, SEED } from "./seed.js";

/**
 * @typedef {object} EmulatorOptions
 * @property {{ username: string, password: string }[]} credentials accepted Basic auth pairs
 * @property {() => number} [now] clock in milliseconds (default Date.now)
 * @property {number} [deliveryMs] base delay before a notification becomes final (default 400)
 * @property {string} [baseUrl] used in resourceLocation/operationLocation (default "https://comms.twilio.com/v1")
 * @property {() => number} [random] source of randomness in [0, 1) for IDs and fault seeds
 */

/**
 * Creates an emulator instance.
 * @param {EmulatorOptions} options
 */
export function createEmulator(options = /** @type {EmulatorOptions} */ ({})) {
  const emu = createContext(options);
  return {
    /**
     * Answers one request (API under /v1, controls under /__emulator). Throws
     * `EmulatorDropError` for the drop faults.
     * @param {Request} request
     * @returns {Promise<Response>}
     */
    fetch: (request) => handle(emu, request),
    get state() {
      return emu.state;
    },
    reset: () => reset(emu),
    seed: () => seed(emu),
    /** Current counters, as served by GET /__emulator/stats. */
    stats: () => stats(emu),
    /** The request log, as served by GET /__emulator/log. */
    get log() {
      return emu.log;
    },
    options: Object.freeze({ deliveryMs: emu.deliveryMs, baseUrl: emu.baseUrl }),
  };
}

/**
 * Checks the options and builds the context every module receives.
 * @param {EmulatorOptions} options
 * @returns {import("./store.js").Context}
 */
function createContext(options) {
  const credentials = options.credentials;
  if (!Array.isArray(credentials) || credentials.length === 0) {
    throw new TypeError("createEmulator: options.credentials must be a non-empty array of {username, password}");
  }
  for (const c of credentials) {
    if (!c || typeof c.username !== "string" || typeof c.password !== "string" || !c.username || !c.password) {
      throw new TypeError("createEmulator: each credential needs a non-empty username and password");
    }
  }
  const encoder = new TextEncoder();
  const clock = options.now;
  const now = typeof clock === "function" ? () => Math.floor(clock()) : () => Date.now();
  const deliveryMs = options.deliveryMs ?? 400;
  if (typeof deliveryMs !== "number" || !Number.isFinite(deliveryMs) || deliveryMs < 0) {
    throw new TypeError("createEmulator: options.deliveryMs must be a non-negative number");
  }
  const random = typeof options.random === "function" ? options.random : null;
  return {
    now,
    deliveryMs,
    baseUrl: String(options.baseUrl ?? "https://comms.twilio.com/v1").replace(/\/+$/, ""),
    newId: makeIdGenerator(now, random),
    randomSeed: () => (random ? Math.floor(random() * 2 ** 32) : crypto.getRandomValues(new Uint32Array(1))[0]),
    expectedAuth: credentials.map((c) => encoder.encode(`${c.username}:${c.password}`)),
    state: emptyState(),
    log: [],
    logSeq: 0,
    faults: emptyFaults(),
    counters: { sends: 0, requests: 0, faults: 0 },
  };
}

/**
 * @param {import("./store.js").Context} emu
 * @param {Request} request
 * @returns {Promise<Response>}
 */
async function handle(emu, request) {
  let url;
  try {
    url = new URL(request.url);
  } catch {
    return errorResponse(400, "The request URL is not valid");
  }
  const path = url.pathname;
  try {
    if (path === "/v1" || path.startsWith("/v1/")) return await handleApi(emu, request, url);
    if (path === "/__emulator" || path.startsWith("/__emulator/")) return await handleControl(emu, request, url);
    return errorResponse(
      404,
      `No resource at ${clip(path, 120)}: the API lives under /v1 and the controls under /__emulator`,
    );
  } catch (error) {
    if (error instanceof EmulatorDropError) throw error;
    return toErrorResponse(error);
  }
}
