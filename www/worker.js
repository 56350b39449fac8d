// @ts-check
// The deployable Worker: the admin page's static files (Workers static assets, binding
// ASSETS) and the edge proxy under /api. With an EMULATOR service binding (as `make dev` sets
// up) the proxy talks to the built-in Twilio Push emulator instead of the internet.
// /api/directory/<route> goes to the directory Worker's /admin/<route> through the DIRECTORY
// service binding (www/devices/); it checks the same ADMIN_TOKEN itself.
import { createProxyHandler } from "twilio-push-wasm";

/** A Workers binding that answers requests (static assets, a service). */
/** @typedef {{ fetch(request: Request): Promise<Response> }} Fetcher */
/**
 * The Worker's bindings; the proxy's secrets and variables (`ProxyEnv`) are read by the proxy.
 * @typedef {import("twilio-push-wasm").ProxyEnv & { ASSETS?: Fetcher, EMULATOR?: Fetcher, DIRECTORY?: Fetcher }} Env
 */

const proxy = createProxyHandler({
  fetch: (request, /** @type {Env} */ env) => (env.EMULATOR ? env.EMULATOR.fetch(request) : fetch(request)),
});

/**
 * /api/directory/<route> → the directory Worker's /admin/<route> (it checks the admin token).
 * @param {Request} request
 * @param {Env} env
 */
function directory(request, env) {
  if (!env.DIRECTORY) {
    return new Response(
      JSON.stringify({ code: "DIRECTORY_NOT_CONFIGURED", message: "No directory is bound (DIRECTORY).", status: 503 }),
      { status: 503, headers: { "content-type": "application/json", "cache-control": "no-store" } },
    );
  }
  const url = new URL(request.url);
  const route = url.pathname.slice("/api/directory/".length);
  if (!/^[a-z]+$/.test(route)) {
    return new Response(JSON.stringify({ code: "NOT_FOUND", message: "No such directory route.", status: 404 }), {
      status: 404,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    });
  }
  const target = `https://directory.internal/admin/${route}${url.search}`;
  return env.DIRECTORY.fetch(new Request(target, request));
}

export default {
  /**
   * @param {Request} request
   * @param {Env} env
   * @param {unknown} ctx the Workers execution context
   */
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/api/directory/")) return directory(request, env);
    if (pathname === "/api" || pathname.startsWith("/api/")) return proxy.fetch(request, env, ctx);
    if (env.ASSETS) return env.ASSETS.fetch(request);
    return new Response("Not found", { status: 404 });
  },
};
