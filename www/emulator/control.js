// @ts-check
// Control endpoints under /__emulator (no auth, never logged): the request log, counters, a state
// dump, reset, seed, unregistered tokens and the fault configuration.

import { viewApp } from "./apps.js";
import { viewCredential } from "./credentials.js";
import { configureFaults, emptyFaults, viewFaults } from "./faults.js";
import { ApiError, jsonResponse, methodNotAllowed, readControlBody, toErrorResponse } from "./http.js";
import { viewNotification } from "./notifications.js";
import { viewOperation } from "./operations.js";
import { viewRegistration } from "./registrations.js";
import { seed } from "./seed.js";
import { emptyState } from "./store.js";
import { viewUser } from "./users.js";
import { clip } from "./util.js";
import { normalizeHexToken } from "./validate.js";

/** @typedef {import("./store.js").Context} Context */

/**
 * The counters of `GET /__emulator/stats`.
 * @param {Context} emu
 */
export function stats(emu) {
  const { counters, state } = emu;
  return {
    sends: counters.sends,
    requests: counters.requests,
    faults: counters.faults,
    operations: state.operations.size,
    notifications: state.notifications.size,
    registrations: state.registrations.size,
    users: state.users.size,
    apps: state.apps.size,
    credentials: state.credentials.size,
  };
}

/**
 * Every record as the API shows it, and the default app.
 * @param {Context} emu
 */
function dumpState(emu) {
  const { state } = emu;
  const t = emu.now();
  return {
    defaultAppName: state.defaultAppName,
    apps: [...state.apps.values()].map((app) => viewApp(emu, app)),
    credentials: [...state.credentials.values()].map((cred) => viewCredential(emu, cred)),
    users: [...state.users.values()].map(viewUser),
    deviceRegistrations: [...state.registrations.values()].map(viewRegistration),
    operations: state.operationList.map((op) => viewOperation(emu, op, t)),
    pushNotifications: state.notificationList.map((n) => viewNotification(emu, n, t)),
    unregisteredTokens: [...state.unregistered.keys()],
  };
}

/**
 * Empty state, log, faults and counters (the log's sequence numbers keep counting).
 * @param {Context} emu
 */
export function reset(emu) {
  emu.state = emptyState();
  emu.log = [];
  emu.faults = emptyFaults();
  emu.counters = { sends: 0, requests: 0, faults: 0 };
}

/**
 * `POST /__emulator/unregistered { tokens }`: marks tokens from now on (a first mark is kept).
 * @param {Context} emu
 * @param {Request} request
 */
async function markUnregistered(emu, request) {
  const body = await readControlBody(request);
  const tokens = body.tokens;
  if (!Array.isArray(tokens) || tokens.some((tk) => typeof tk !== "string" || tk.length === 0)) {
    throw new ApiError(400, "Invalid request: tokens must be an array of non-empty strings", [
      { field: "tokens", message: "must be an array of non-empty strings" },
    ]);
  }
  const { unregistered } = emu.state;
  const t = emu.now();
  for (const token of tokens) {
    const key = normalizeHexToken(token);
    if (!unregistered.has(key)) unregistered.set(key, t);
  }
  return { unregistered: unregistered.size };
}

/** @typedef {(emu: Context, request: Request) => unknown} ControlHandler */

/** @type {Record<string, Record<string, ControlHandler>>} */
const CONTROL_ROUTES = {
  "/__emulator/log": {
    GET: (emu) => ({ requests: emu.log.map((e) => ({ ...e })) }),
    DELETE: (emu) => {
      emu.log = [];
      return { cleared: true };
    },
  },
  "/__emulator/stats": { GET: stats },
  "/__emulator/state": { GET: dumpState },
  "/__emulator/reset": {
    POST: (emu) => {
      reset(emu);
      return { reset: true };
    },
  },
  "/__emulator/seed": { POST: seed },
  "/__emulator/unregistered": {
    GET: (emu) => ({ tokens: [...emu.state.unregistered.keys()] }),
    POST: markUnregistered,
  },
  "/__emulator/faults": {
    GET: viewFaults,
    POST: async (emu, request) => configureFaults(emu, await readControlBody(request)),
    DELETE: (emu) => {
      emu.faults = emptyFaults();
      return viewFaults(emu);
    },
  },
};

/**
 * Answers a request under /__emulator; errors become JSON answers here.
 * @param {Context} emu
 * @param {Request} request
 * @param {URL} url
 */
export async function handleControl(emu, request, url) {
  const method = request.method.toUpperCase();
  try {
    const route = Object.hasOwn(CONTROL_ROUTES, url.pathname) ? CONTROL_ROUTES[url.pathname] : undefined;
    if (!route) throw new ApiError(404, `No emulator control endpoint at ${clip(url.pathname, 120)}`);
    const handler = Object.hasOwn(route, method) ? route[method] : undefined;
    if (!handler) throw methodNotAllowed(method, url.pathname, route);
    return jsonResponse(200, await handler(emu, request));
  } catch (error) {
    return toErrorResponse(error);
  }
}
