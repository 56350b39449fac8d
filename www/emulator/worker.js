// @ts-check
// Cloudflare Workers entry for the Twilio Push API emulator (also usable as a service binding).
//
// env: EMULATOR_USERNAME, EMULATOR_PASSWORD (required), EMULATOR_BASE_URL (optional),
//      EMULATOR_SEED ("1" → seed the demo data when the emulator is created).
//
// State lives in memory, so there is one emulator per isolate, created on the first request.
// Workers may run several isolates; tests that need one shared state should run one instance.

import { createEmulator, EmulatorDropError } from "./emulator.js";

/**
 * @typedef {object} EmulatorEnv
 * @property {string} [EMULATOR_USERNAME]
 * @property {string} [EMULATOR_PASSWORD]
 * @property {string} [EMULATOR_BASE_URL]
 * @property {string} [EMULATOR_SEED]
 */

/** @type {ReturnType<typeof createEmulator> | null} */
let emulator = null;

function misconfigured() {
  const code = 20503;
  return new Response(
    JSON.stringify({
      code,
      message: "Emulator is not configured: set EMULATOR_USERNAME and EMULATOR_PASSWORD",
      moreInfo: `https://www.twilio.com/docs/api/errors/${code}`,
      status: 503,
    }),
    { status: 503, headers: { "Content-Type": "application/json" } },
  );
}

export default {
  /**
   * @param {Request} request
   * @param {EmulatorEnv} [env]
   */
  async fetch(request, env = {}) {
    if (!env.EMULATOR_USERNAME || !env.EMULATOR_PASSWORD) return misconfigured();
    if (!emulator) {
      /** @type {import("./emulator.js").EmulatorOptions} */
      const options = { credentials: [{ username: env.EMULATOR_USERNAME, password: env.EMULATOR_PASSWORD }] };
      if (env.EMULATOR_BASE_URL) options.baseUrl = env.EMULATOR_BASE_URL;
      emulator = createEmulator(options);
      if (env.EMULATOR_SEED === "1") emulator.seed();
    }
    try {
      return await emulator.fetch(request);
    } catch (error) {
      // The "drop" faults: throwing makes the caller's fetch (or service binding) fail outright,
      // the closest a Worker can come to a connection that dies without a response.
      if (error instanceof EmulatorDropError) throw new Error(`emulator: ${error.message}`);
      throw error;
    }
  },
};
