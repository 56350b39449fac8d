// @ts-check
// The directory: which of your users is which Twilio user, and which device tokens belong to
// whom, in Cloudflare D1 (binding DB; schema in migrations/). Apps call it on every launch and
// token change; the admin page reaches its admin routes through the admin Worker.
//
//   PUT    /devices   { token, provider?, appName, previousToken? }   (POST /devices: the same)
//   DELETE /devices   { token, appName }
//     Authorization: Bearer <the user's JWT>   (or, in development, the APP_API_KEY + X-User-Id)
//   GET    /admin/lookup?q=…   GET /admin/users?appName=…   GET /admin/export?format=csv|json
//   POST   /admin/send   POST /admin/reconcile   PUT|DELETE /admin/devices   GET /admin/health
//     Authorization: Bearer <ADMIN_TOKEN>
//   GET    /health
//
// Modules: auth.js (JWT with jose, app key, admin token), devices.js (the app endpoints, moves,
// rotation, sign-out), sync.js (the Twilio registrations kept in step with D1), store.js (D1),
// admin.js (the admin routes), http.js (JSON answers and bodies). The README's "Directory"
// section documents the decisions.
import { PushClient } from "twilio-push-wasm";
import { exportMapping, listUsers, lookup, reconcile, sendToUsers } from "./admin.js";
import { authenticateAdmin, authenticateApp, userIdProblem } from "./auth.js";
import { deleteDevice, putDevice, readDeviceBody } from "./devices.js";
import { HttpError, json, problem, readJsonBody } from "./http.js";
import { openStore } from "./store.js";

/**
 * The directory's bindings, secrets and variables (wrangler.toml; the README's "Directory").
 * @typedef {{
 *   DB?: D1Database,
 *   ADMIN_TOKEN?: string, APP_API_KEY?: string, APP_NAMES?: string,
 *   TWILIO_BASE_URL?: string, TWILIO_ACCOUNT_SID?: string, TWILIO_AUTH_TOKEN?: string,
 *   TWILIO_API_KEY?: string, TWILIO_API_SECRET?: string,
 *   JWT_ISSUER?: string, JWT_AUDIENCE?: string, JWT_JWKS?: string, JWT_JWKS_URL?: string,
 *   JWT_ALGORITHMS?: string, JWT_USER_CLAIM?: string, JWT_CLOCK_TOLERANCE_S?: string,
 *   MAX_BODY_BYTES?: string, MAX_DEVICES_PER_USER?: string, LAST_SEEN_WRITE_INTERVAL_S?: string,
 * }} Env
 */
/**
 * The Twilio client of this isolate, and until when each app is known to exist (ms).
 * @typedef {{ key: string, client: PushClient, apps: Map<string, number> }} Twilio
 */

const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
const ADMIN_MAX_BODY_BYTES = 2 * 1024 * 1024;
const APP_CACHE_MS = 5 * 60 * 1000;

/** @type {Twilio | null} */
let cached = null;
/**
 * The client for the configured credentials (made again only when they change).
 * @param {Env} env
 * @returns {Twilio}
 */
function clientFor(env) {
  const key = `${env.TWILIO_BASE_URL}|${env.TWILIO_ACCOUNT_SID ?? env.TWILIO_API_KEY}`;
  if (cached?.key !== key) {
    const username = env.TWILIO_API_KEY || env.TWILIO_ACCOUNT_SID;
    const password = env.TWILIO_API_KEY ? env.TWILIO_API_SECRET : env.TWILIO_AUTH_TOKEN;
    if (!username || !password) {
      throw new HttpError(503, "TWILIO_NOT_CONFIGURED", "Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.");
    }
    cached = {
      key,
      client: new PushClient({
        baseUrl: env.TWILIO_BASE_URL || "https://comms.twilio.com/v1",
        auth: { username, password },
        timeoutMs: 8000,
        maxRetries: 2,
      }),
      apps: new Map(),
    };
  }
  return cached;
}

// An app that does not exist at Twilio is refused before anything is stored (positive answers
// are cached for a few minutes per isolate; there are at most 10 apps).
/**
 * @param {Twilio} twilio
 * @param {string} appName
 */
async function ensureApp(twilio, appName) {
  if ((twilio.apps.get(appName) ?? 0) > Date.now()) return;
  try {
    await twilio.client.fetchApp({ appName });
  } catch (e) {
    if (e?.status === 404) {
      throw new HttpError(400, "APP_NOT_FOUND", `Twilio has no app "${appName}".`, { field: "appName" });
    }
    throw new HttpError(503, "TWILIO_UNAVAILABLE", "Twilio could not be reached; nothing was stored. Try again.", {
      retryable: true,
    });
  }
  twilio.apps.set(appName, Date.now() + APP_CACHE_MS);
}

/** @type {Record<string, string[] | undefined>} */
const ROUTES = {
  "/devices": ["PUT", "POST", "DELETE"],
  "/admin/lookup": ["GET"],
  "/admin/users": ["GET"],
  "/admin/export": ["GET"],
  "/admin/send": ["POST"],
  "/admin/reconcile": ["POST"],
  "/admin/devices": ["PUT", "DELETE"],
  "/admin/health": ["GET"],
  "/health": ["GET"],
};

/**
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Response>}
 */
async function route(request, env) {
  const url = new URL(request.url);
  const path = url.pathname;
  const methods = ROUTES[path];
  if (!methods) throw new HttpError(404, "NOT_FOUND", `No route ${path}.`);
  if (!methods.includes(request.method)) {
    return problem(405, "METHOD_NOT_ALLOWED", `Use ${methods.join(", ")}.`, {}, { allow: methods.join(", ") });
  }
  const requestId = request.headers.get("cf-ray") ?? crypto.randomUUID();
  if (path === "/health") {
    const store = openStore(env.DB);
    await store.first("SELECT 1 AS ok");
    return json(200, { status: "ok", database: "ok" });
  }

  if (path === "/devices") {
    const identity = await authenticateApp(request, env);
    const limit = Number(env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY_BYTES;
    const body = await readJsonBody(request, limit);
    const input = readDeviceBody(body, env, { allowPrevious: request.method !== "DELETE" });
    const store = openStore(env.DB);
    const twilio = clientFor(env);
    const ctx = { store, client: twilio.client, env, identity, input, requestId };
    if (request.method === "DELETE") {
      const { status, body: answer } = await deleteDevice(ctx);
      return json(status, answer);
    }
    await ensureApp(twilio, input.appName);
    const { status, body: answer } = await putDevice(ctx);
    return json(status, answer);
  }

  authenticateAdmin(request, env);
  const store = openStore(env.DB);
  const params = url.searchParams;
  switch (path) {
    case "/admin/lookup":
      return json(200, await lookup(store, params));
    case "/admin/users":
      return json(200, await listUsers(store, params));
    case "/admin/export": {
      const { contentType, body } = await exportMapping(store, params);
      const name = `directory${params.get("appName") ? `-${params.get("appName")}` : ""}.${params.get("format") === "csv" ? "csv" : "json"}`;
      return new Response(body, {
        headers: {
          "content-type": contentType,
          "cache-control": "no-store",
          "content-disposition": `attachment; filename="${name}"`,
        },
      });
    }
    case "/admin/send": {
      const body = await readJsonBody(request, ADMIN_MAX_BODY_BYTES);
      const { status, body: answer } = await sendToUsers(store, clientFor(env).client, body);
      return json(status, answer);
    }
    case "/admin/reconcile": {
      const body = await readJsonBody(request, DEFAULT_MAX_BODY_BYTES);
      return json(200, await reconcile(store, clientFor(env).client, body));
    }
    case "/admin/health":
      await store.first("SELECT 1 AS ok");
      return json(200, { status: "ok", database: "ok" });
    case "/admin/devices": {
      const body = await readJsonBody(request, DEFAULT_MAX_BODY_BYTES);
      const input = readDeviceBody(body, env, { allowPrevious: false });
      if (request.method === "PUT") {
        // An import on behalf of your user `userId` (absent: the token is its own user).
        if (body.userId != null) {
          const why = userIdProblem(body.userId);
          if (why) throw new HttpError(400, "USER_ID_INVALID", `userId ${why}.`, { field: "userId" });
        }
        const twilio = clientFor(env);
        await ensureApp(twilio, input.appName);
        // userId is a valid user ID (checked above) or absent.
        const userId = /** @type {string | null} */ (body.userId ?? null);
        const identity = { userId, actor: "admin:import", mode: /** @type {const} */ ("import") };
        const { status, body: answer } = await putDevice({
          store,
          client: twilio.client,
          env,
          identity,
          input,
          requestId,
        });
        return json(status, answer);
      }
      const row = await store.first(
        "SELECT user_id FROM devices WHERE app = ?1 AND provider = ?2 AND token = ?3",
        input.appName,
        input.current.provider,
        input.current.token,
      );
      const { status, body: answer } = await deleteDevice({
        store,
        client: clientFor(env).client,
        identity: { mode: "admin", actor: "admin", userId: row?.user_id ?? null },
        input,
        requestId,
        actorUserId: row?.user_id ?? "",
      });
      return json(status, answer);
    }
  }
  throw new HttpError(404, "NOT_FOUND", `No route ${path}.`);
}

export default {
  /**
   * @param {Request} request
   * @param {Env} env
   */
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.code === "DIRECTORY_UNAVAILABLE") {
          const cause = /** @type {{ message?: unknown } | undefined} */ (e.cause);
          console.error(JSON.stringify({ directory: "d1_error", message: String(cause?.message ?? e.message) }));
        }
        return problem(e.status, e.code, e.message, e.extra);
      }
      console.error(JSON.stringify({ directory: "internal_error", message: String(e?.message ?? e) }));
      return problem(500, "INTERNAL_ERROR", "The directory failed unexpectedly; nothing more is known.");
    }
  },

  /** Cron Trigger (wrangler.toml [triggers]): finishes pending changes. */
  /**
   * @param {unknown} _event
   * @param {Env} env
   */
  async scheduled(_event, env) {
    try {
      const result = await reconcile(openStore(env.DB), clientFor(env).client, { limit: 200 });
      if (result.failed.length) console.error(JSON.stringify({ directory: "reconcile", ...result }));
    } catch (e) {
      console.error(JSON.stringify({ directory: "reconcile_failed", message: String(e?.message ?? e) }));
    }
  },
};
