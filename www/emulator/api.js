// @ts-check
// The /v1 pipeline: every request is logged, may get a fault, is authenticated, then routed
// through the table below to its resource's handler, which receives the emulator's context.

import { fetchApp, listApps, updateApp } from "./apps.js";
import { LIMITS } from "./constants.js";
import {
  createCredential,
  deleteCredential,
  fetchCredential,
  listCredentials,
  updateCredential,
} from "./credentials.js";
import { decideFault, faultResponse } from "./faults.js";
import {
  ApiError,
  authenticate,
  EmulatorDropError,
  matchRoute,
  methodNotAllowed,
  readJsonObject,
  toErrorResponse,
} from "./http.js";
import { fetchNotification, listNotifications, sendNotifications } from "./notifications.js";
import { fetchOperation, listOperationErrors, listOperations } from "./operations.js";
import { deleteRegistration, fetchRegistration, listRegistrations, registerDevice } from "./registrations.js";
import { deleteUser, fetchUser, listUsers } from "./users.js";
import { clip, isoSeconds, sleep } from "./util.js";

/** @typedef {import("./store.js").Context} Context */

/**
 * What a handler gets besides the context.
 * @typedef {object} RequestContext
 * @property {Request} request
 * @property {URL} url
 * @property {Record<string, string>} params the `:id` of the route
 * @property {URLSearchParams} query
 * @property {Record<string, any>} body the JSON object of a POST or PATCH (empty otherwise)
 */

/** @typedef {(emu: Context, req: RequestContext) => Response} Handler */

/**
 * One entry of `GET /__emulator/log` (`status` is null for a drop).
 * @typedef {{ seq: number, method: string, path: string, query: string, status: number | null, fault: string | null, at: string }} LogEntry
 */

/**
 * Path patterns under /v1 and their handlers by method. More specific routes first:
 * `PushNotifications/:id` must not swallow the literal collections.
 * @type {ReadonlyArray<readonly [string[], Record<string, Handler>]>}
 */
const ROUTES = [
  [["PushNotifications"], { GET: listNotifications, POST: sendNotifications }],
  [["PushNotifications", "Operations"], { GET: listOperations }],
  [["PushNotifications", "Operations", ":id"], { GET: fetchOperation }],
  [["PushNotifications", "Operations", ":id", "Errors"], { GET: listOperationErrors }],
  [["PushNotifications", "DeviceRegistrations"], { GET: listRegistrations, POST: registerDevice }],
  [["PushNotifications", "DeviceRegistrations", ":id"], { GET: fetchRegistration, DELETE: deleteRegistration }],
  [["PushNotifications", "Credentials"], { GET: listCredentials, POST: createCredential }],
  [
    ["PushNotifications", "Credentials", ":id"],
    { GET: fetchCredential, PATCH: updateCredential, DELETE: deleteCredential },
  ],
  [["PushNotifications", "Apps"], { GET: listApps }],
  [["PushNotifications", "Apps", ":id"], { GET: fetchApp, PATCH: updateApp }],
  [["PushNotifications", "Users"], { GET: listUsers }],
  [["PushNotifications", "Users", ":id"], { GET: fetchUser, DELETE: deleteUser }],
  [["PushNotifications", ":id"], { GET: fetchNotification }],
];

/**
 * Authenticates, routes and dispatches one /v1 request.
 * @param {Context} emu
 * @param {Request} request
 * @param {URL} url
 */
async function routeApi(emu, request, url) {
  if (!authenticate(request, emu.expectedAuth)) {
    throw new ApiError(401, "Authentication failed: send HTTP Basic credentials (account SID or API key, and secret)");
  }
  let segments;
  try {
    segments = url.pathname.slice("/v1/".length).split("/").map(decodeURIComponent);
  } catch {
    segments = null;
  }
  const route = segments && url.pathname.startsWith("/v1/") ? matchRoute(ROUTES, segments) : null;
  if (!route) throw new ApiError(404, `No resource at ${clip(url.pathname, 120)}`);
  const handler = route.methods[request.method];
  if (!handler) throw methodNotAllowed(request.method, url.pathname, route.methods);
  if (handler === sendNotifications) emu.counters.sends += 1;
  /** @type {RequestContext} */
  const req = { request, url, params: route.params, query: url.searchParams, body: {} };
  if (request.method === "POST" || request.method === "PATCH") req.body = await readJsonObject(request);
  return handler(emu, req);
}

/**
 * @param {Context} emu
 * @param {LogEntry} entry
 */
function pushLog(emu, entry) {
  const { log } = emu;
  log.push(entry);
  // Trim in chunks: splicing one entry off the front on every request would cost O(n) each time.
  if (log.length >= LIMITS.logEntries + 500) log.splice(0, log.length - LIMITS.logEntries);
}

/**
 * Answers a /v1 request: logs it, applies any fault, then routes it. Throws `EmulatorDropError`
 * for the drop faults.
 * @param {Context} emu
 * @param {Request} request
 * @param {URL} url
 * @returns {Promise<Response>}
 */
export async function handleApi(emu, request, url) {
  const method = request.method.toUpperCase();
  emu.logSeq += 1;
  /** @type {LogEntry} */
  const entry = {
    seq: emu.logSeq,
    method,
    path: url.pathname,
    query: url.search.startsWith("?") ? url.search.slice(1) : url.search,
    status: null,
    fault: null,
    at: isoSeconds(emu.now()),
  };
  pushLog(emu, entry);
  emu.counters.requests += 1;
  let response;
  let fault = null;
  try {
    fault = decideFault(emu, request, method, url.pathname);
    if (fault) {
      entry.fault = fault;
      emu.counters.faults += 1;
    }
    if (fault === "drop") throw new EmulatorDropError();
    if (fault === "429" || fault === "500" || fault === "503") {
      response = faultResponse(emu, fault);
    } else {
      if (fault === "slow") await sleep(emu.faults.slowMs);
      response = await routeApi(emu, request, url);
    }
  } catch (error) {
    if (error instanceof EmulatorDropError) throw error;
    response = toErrorResponse(error);
  }
  entry.status = response.status;
  if (fault === "drop-after") throw new EmulatorDropError("connection dropped after the request was applied");
  return response;
}
