// The deployable Worker: the admin page's static files (Workers static assets, binding
// ASSETS) and the edge proxy under /api. With an EMULATOR service binding (as `make dev` sets
// up) the proxy talks to the built-in Twilio Push emulator instead of the internet.
import { createProxyHandler } from "twilio-push-wasm";

const proxy = createProxyHandler({
  fetch: (request, env) => (env.EMULATOR ? env.EMULATOR.fetch(request) : fetch(request)),
});

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/api" || pathname.startsWith("/api/")) return proxy.fetch(request, env, ctx);
    if (env.ASSETS) return env.ASSETS.fetch(request);
    return new Response("Not found", { status: 404 });
  },
};
