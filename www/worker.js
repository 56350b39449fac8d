// @ts-check
// The deployable Worker: the admin page's static files (Workers static assets, binding
// ASSETS) and the edge proxy under /api. With an EMULATOR service binding (as `make dev` sets
// up) the proxy talks to the built-in Twilio Push emulator instead of the internet.
import { createProxyHandler } from "twilio-push-wasm";

/** A Workers binding that answers requests (static assets, a service). */
/** @typedef {{ fetch(request: Request): Promise<Response> }} Fetcher */
/**
 * The Worker's bindings; the proxy's secrets and variables (`ProxyEnv`) are read by the proxy.
 * @typedef {import("twilio-push-wasm").ProxyEnv & { ASSETS?: Fetcher, EMULATOR?: Fetcher }} Env
 */

const proxy = createProxyHandler({
  fetch: (request, /** @type {Env} */ env) => (env.EMULATOR ? env.EMULATOR.fetch(request) : fetch(request)),
});

export default {
  /**
   * @param {Request} request
   * @param {Env} env
   * @param {unknown} ctx the Workers execution context
   */
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/api" || pathname.startsWith("/api/")) return proxy.fetch(request, env, ctx);
    if (env.ASSETS) return env.ASSETS.fetch(request);
    return new Response("Not found", { status: 404 });
  },
};
