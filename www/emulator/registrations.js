// @ts-check
// /PushNotifications/DeviceRegistrations: register a device (idempotent; may create the user or
// move the device to another user), list a user's registrations, fetch and delete.

import { FCM_TOKEN_RE, LIMITS, PROVIDERS } from "./constants.js";
import { ApiError, accepted, jsonResponse } from "./http.js";
import { addDevice, createUser, registrationOf, removeRegistration } from "./records.js";
import { deviceKey, page, readPaging } from "./store.js";
import { clip, isoSeconds } from "./util.js";
import { isValidApnHex, Problems, validateAppName, validateEnum, validateTokenString } from "./validate.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./store.js").Registration} Registration */
/** @typedef {import("./store.js").User} User */
/** @typedef {import("./api.js").RequestContext} RequestContext */

/**
 * A registration as the API shows it.
 * @param {Registration} reg
 */
export function viewRegistration(reg) {
  return {
    id: reg.id,
    appName: reg.appName,
    userId: reg.userId,
    devices: reg.devices.map((d) => ({ token: d.token, provider: d.provider, createdAt: isoSeconds(d.createdMs) })),
    related: [{ name: "user", id: reg.userId, uri: `/PushNotifications/Users/${reg.userId}` }],
    createdAt: isoSeconds(reg.createdMs),
    updatedAt: isoSeconds(reg.updatedMs),
  };
}

/**
 * @param {Context} emu
 * @param {string} id
 */
function findRegistration(emu, id) {
  const reg = emu.state.registrations.get(id);
  if (!reg) throw new ApiError(404, `DeviceRegistration ${clip(id)} was not found`);
  return reg;
}

/**
 * The body of a registration: app, provider, a token of the provider's format, optional userId.
 * @param {Context} emu
 * @param {Record<string, any>} body
 */
function validateRegistration(emu, body) {
  const p = new Problems();
  validateAppName(body.appName, "appName", p);
  const providerOk = validateEnum(body.provider, "provider", PROVIDERS, p);
  const tokenOk = validateTokenString(body.token, "token", p);
  if (providerOk && tokenOk) {
    if (body.provider === "APN" && !isValidApnHex(body.token)) {
      p.add("token", "must be an APNs device token: 64 to 200 hex digits (an even count)");
    } else if (body.provider === "FCM" && !FCM_TOKEN_RE.test(body.token)) {
      p.add("token", "must be an FCM registration token: only letters, digits, '_', '-' and ':'");
    }
  }
  if (body.userId !== undefined && body.userId !== null && (typeof body.userId !== "string" || body.userId === "")) {
    p.add("userId", "must be a non-empty string");
  }
  if (!p.any && !emu.state.apps.has(body.appName)) {
    p.add("appName", `app "${body.appName}" does not exist; create a credential for it first`);
  }
  p.throwIfAny();
}

/**
 * Refuses a device beyond the 50 a registration holds.
 * @param {Registration | undefined} reg
 */
function checkDeviceRoom(reg) {
  if (reg && reg.devices.length >= LIMITS.devicesPerRegistration) {
    throw new ApiError(400, `Registration ${reg.id} already has ${LIMITS.devicesPerRegistration} devices`, [
      {
        field: "token",
        message: `the user's registration for this app already has the maximum of ${LIMITS.devicesPerRegistration} devices`,
      },
    ]);
  }
}

/**
 * POST /DeviceRegistrations.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function registerDevice(emu, { body }) {
  validateRegistration(emu, body);
  const { state } = emu;
  const app = /** @type {import("./store.js").App} */ (state.apps.get(body.appName));
  /** @type {import("./constants.js").Provider} */
  const provider = body.provider;
  const token = provider === "APN" ? body.token.toLowerCase() : body.token;
  const userId = body.userId ?? null;
  const user = userId ? state.users.get(userId) : null;
  if (userId && !user) throw new ApiError(404, `User ${clip(userId)} was not found`);

  const existingId = state.deviceIndex.get(deviceKey(app.name, provider, token));
  const existing = existingId === undefined ? undefined : state.registrations.get(existingId);
  if (existing) {
    // Idempotent: registering a known device again changes nothing...
    if (!user || user.id === existing.userId) return accepted(emu.baseUrl, "DeviceRegistrations", existing.id);
    // ...unless another user claims it: the device moves to that user's registration.
    checkDeviceRoom(registrationOf(emu, user, app.name));
    removeDevice(emu, existing, provider, token);
  } else if (user) {
    checkDeviceRoom(registrationOf(emu, user, app.name));
  }
  const reg = addDevice(emu, user ?? createUser(emu), app, token, provider);
  return accepted(emu.baseUrl, "DeviceRegistrations", reg.id);
}

/**
 * Takes a device out of its registration; a registration holds 1 to 50 devices, so an emptied one
 * goes away (its user remains).
 * @param {Context} emu
 * @param {Registration} reg
 * @param {string} provider
 * @param {string} token
 */
function removeDevice(emu, reg, provider, token) {
  const index = reg.devices.findIndex((d) => d.provider === provider && d.token === token);
  reg.devices.splice(index, 1);
  emu.state.deviceIndex.delete(deviceKey(reg.appName, provider, token));
  if (reg.devices.length === 0) removeRegistration(emu, reg);
  else reg.updatedMs = emu.now();
}

/**
 * GET /DeviceRegistrations?userId= (required; `appName`, paging). An unknown user has none.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listRegistrations(emu, { query }) {
  const p = new Problems();
  const paging = readPaging(query, "deviceRegistrations", p);
  const userId = query.get("userId");
  if (!userId) p.add("userId", "is required");
  const appName = query.get("appName");
  if (appName) validateAppName(appName, "appName", p);
  p.throwIfAny();
  const user = emu.state.users.get(/** @type {string} */ (userId));
  /** @type {Registration[]} */
  const items = [];
  for (const id of user ? user.registrations.values() : []) {
    const reg = emu.state.registrations.get(id);
    if (reg && (!appName || reg.appName === appName)) items.push(reg);
  }
  items.sort((a, b) => a.seq - b.seq);
  return page("deviceRegistrations", items, paging, { view: viewRegistration });
}

/**
 * GET /DeviceRegistrations/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function fetchRegistration(emu, { params }) {
  return jsonResponse(200, viewRegistration(findRegistration(emu, params.id)));
}

/**
 * DELETE /DeviceRegistrations/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function deleteRegistration(emu, { params }) {
  const reg = findRegistration(emu, params.id);
  removeRegistration(emu, reg);
  return accepted(emu.baseUrl, "DeviceRegistrations", reg.id);
}
