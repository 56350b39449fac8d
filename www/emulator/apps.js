// @ts-check
// /PushNotifications/Apps: list, fetch and update (make the default). Apps are created by their
// first credential and deleted with their last one (credentials.js).

import { CREDENTIAL_TYPES } from "./constants.js";
import { ApiError, accepted, jsonResponse } from "./http.js";
import { setDefaultApp } from "./records.js";
import { page, readPaging } from "./store.js";
import { clip, isoSeconds } from "./util.js";
import { Problems, readBoolean, readDateRange } from "./validate.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./api.js").RequestContext} RequestContext */

/**
 * An app as the API shows it.
 * @param {Context} emu
 * @param {import("./store.js").App} app
 */
export function viewApp(emu, app) {
  const defaultCredentials = [];
  for (const type of CREDENTIAL_TYPES) {
    const credentialId = app.defaults[type];
    if (credentialId) defaultCredentials.push({ credentialType: type, credentialId });
  }
  return {
    name: app.name,
    isDefault: emu.state.defaultAppName === app.name,
    defaultCredentials,
    createdAt: isoSeconds(app.createdMs),
    updatedAt: isoSeconds(app.updatedMs),
  };
}

/**
 * @param {Context} emu
 * @param {string} name
 */
function findApp(emu, name) {
  const app = emu.state.apps.get(name);
  if (!app) throw new ApiError(404, `App ${clip(name)} was not found`);
  return app;
}

/**
 * GET /Apps (`isDefault`, `startDate`, `endDate`, paging).
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listApps(emu, { query }) {
  const p = new Problems();
  const paging = readPaging(query, "apps", p);
  const isDefault = readBoolean(query, "isDefault", p);
  const inRange = readDateRange(query, p);
  p.throwIfAny();
  const { state } = emu;
  /** @param {import("./store.js").App} app */
  const filter = (app) =>
    (isDefault === null || (state.defaultAppName === app.name) === isDefault) && inRange(app.createdMs);
  return page("apps", [...state.apps.values()], paging, { filter, view: (app) => viewApp(emu, app) });
}

/**
 * GET /Apps/{name}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function fetchApp(emu, { params }) {
  return jsonResponse(200, viewApp(emu, findApp(emu, params.id)));
}

/**
 * PATCH /Apps/{name} `{ isDefault: true }` makes the app the default; `false` is a no-op except on
 * the default app, which an account cannot be left without.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function updateApp(emu, { params, body }) {
  const app = findApp(emu, params.id);
  const p = new Problems();
  if (body.isDefault === undefined || body.isDefault === null) p.add("isDefault", "is required");
  else if (typeof body.isDefault !== "boolean") p.add("isDefault", "must be a boolean");
  else if (body.isDefault === false && emu.state.defaultAppName === app.name) {
    p.add("isDefault", "cannot be false for the default app; make another app the default instead");
  }
  p.throwIfAny();
  if (body.isDefault === true) setDefaultApp(emu, app.name);
  return accepted(emu.baseUrl, "Apps", app.name);
}
