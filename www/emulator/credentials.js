// @ts-check
// /PushNotifications/Credentials: create (which creates the app if new), list, fetch, update
// (default, tags) and delete (promoting another default, or deleting the app with its last one).

import { CREDENTIAL_TYPES, LIMITS } from "./constants.js";
import { ApiError, accepted, jsonResponse } from "./http.js";
import { createCredentialRecord, deleteApp, isDefaultCredential, setDefaultCredential } from "./records.js";
import { page, readPaging } from "./store.js";
import { clip, isoSeconds } from "./util.js";
import {
  Problems,
  readBoolean,
  readDateRange,
  readEnum,
  validateAppName,
  validateCredentialContent,
  validateEnum,
  validateTags,
} from "./validate.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./store.js").Credential} Credential */
/** @typedef {import("./api.js").RequestContext} RequestContext */

/**
 * A credential as the API shows it (never its content, which is not even stored).
 * @param {Context} emu
 * @param {Credential} cred
 */
export function viewCredential(emu, cred) {
  /** @type {Record<string, unknown>} */
  const view = {
    id: cred.id,
    credentialType: cred.credentialType,
    isDefault: isDefaultCredential(emu, cred),
    appName: cred.appName,
    createdAt: isoSeconds(cred.createdMs),
    updatedAt: isoSeconds(cred.updatedMs),
  };
  if (cred.tags) view.tags = { ...cred.tags };
  return view;
}

/**
 * @param {Context} emu
 * @param {string} id
 */
function findCredential(emu, id) {
  const cred = emu.state.credentials.get(id);
  if (!cred) throw new ApiError(404, `Credential ${clip(id)} was not found`);
  return cred;
}

/**
 * POST /Credentials.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function createCredential(emu, { body }) {
  const p = new Problems();
  const typeOk = validateEnum(body.credentialType, "credentialType", CREDENTIAL_TYPES, p);
  const nameOk = validateAppName(body.appName, "appName", p);
  if (typeOk) validateCredentialContent(body.credentialType, body.content, p);
  else if (body.content === undefined || body.content === null) p.add("content", "is required");
  if (body.isDefault !== undefined && body.isDefault !== null && typeof body.isDefault !== "boolean") {
    p.add("isDefault", "must be a boolean");
  }
  if (body.tags !== undefined && body.tags !== null) validateTags(body.tags, "tags", p);
  if (nameOk) checkRoomFor(emu, body.appName, p);
  p.throwIfAny();
  const cred = createCredentialRecord(emu, {
    credentialType: body.credentialType,
    appName: body.appName,
    isDefault: body.isDefault === true,
    tags: body.tags ?? null,
  });
  return accepted(emu.baseUrl, "Credentials", cred.id);
}

/**
 * A new credential needs room in its app, and a new app room in the account.
 * @param {Context} emu
 * @param {string} appName
 * @param {Problems} p
 */
function checkRoomFor(emu, appName, p) {
  const app = emu.state.apps.get(appName);
  if (!app && emu.state.apps.size >= LIMITS.apps) {
    p.add("appName", `cannot create app "${appName}": the account already has the maximum of ${LIMITS.apps} apps`);
  } else if (app && app.credentialIds.size >= LIMITS.credentialsPerApp) {
    p.add("appName", `app "${appName}" already has the maximum of ${LIMITS.credentialsPerApp} credentials`);
  }
}

/**
 * GET /Credentials (`appName`, `credentialType`, `isDefault`, `startDate`, `endDate`, paging).
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listCredentials(emu, { query }) {
  const p = new Problems();
  const paging = readPaging(query, "credentials", p);
  const appName = query.get("appName");
  if (appName) validateAppName(appName, "appName", p);
  const credentialType = readEnum(query, "credentialType", CREDENTIAL_TYPES, p);
  const isDefault = readBoolean(query, "isDefault", p);
  const inRange = readDateRange(query, p);
  p.throwIfAny();
  /** @param {Credential} c */
  const filter = (c) =>
    (!appName || c.appName === appName) &&
    (!credentialType || c.credentialType === credentialType) &&
    (isDefault === null || isDefaultCredential(emu, c) === isDefault) &&
    inRange(c.createdMs);
  return page("credentials", [...emu.state.credentials.values()], paging, {
    filter,
    view: (c) => viewCredential(emu, c),
  });
}

/**
 * GET /Credentials/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function fetchCredential(emu, { params }) {
  return jsonResponse(200, viewCredential(emu, findCredential(emu, params.id)));
}

/**
 * PATCH /Credentials/{id}: `isDefault` and `tags` only; the content cannot be changed.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function updateCredential(emu, { params, body }) {
  const cred = findCredential(emu, params.id);
  const p = new Problems();
  for (const key of ["content", "credentialType", "appName"]) {
    if (body[key] !== undefined) p.add(key, "cannot be changed; create a new credential instead");
  }
  const hasDefault = body.isDefault !== undefined && body.isDefault !== null;
  const hasTags = body.tags !== undefined;
  if (hasDefault && typeof body.isDefault !== "boolean") p.add("isDefault", "must be a boolean");
  if (hasTags && body.tags !== null) validateTags(body.tags, "tags", p);
  if (!hasDefault && !hasTags && !p.any) p.add("body", "must contain isDefault or tags");
  p.throwIfAny();
  const app = appOf(emu, cred);
  const t = emu.now();
  if (body.isDefault === true) setDefaultCredential(emu, app, cred);
  else if (body.isDefault === false && app.defaults[cred.credentialType] === cred.id) {
    // Unsetting leaves the app without a default of this type (sends then fail with NoCredential).
    app.defaults[cred.credentialType] = null;
    app.updatedMs = t;
  }
  if (hasTags) cred.tags = body.tags && Object.keys(body.tags).length ? { ...body.tags } : null;
  cred.updatedMs = t;
  return accepted(emu.baseUrl, "Credentials", cred.id);
}

/**
 * DELETE /Credentials/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function deleteCredential(emu, { params }) {
  const cred = findCredential(emu, params.id);
  const { state } = emu;
  const app = appOf(emu, cred);
  state.credentials.delete(cred.id);
  app.credentialIds.delete(cred.id);
  app.updatedMs = emu.now();
  if (app.credentialIds.size === 0) {
    // Documented cascade: deleting an app's last credential deletes the app and its registrations.
    deleteApp(emu, app);
  } else if (app.defaults[cred.credentialType] === cred.id) {
    // Keep sends working: the oldest remaining credential of the same type becomes the default.
    app.defaults[cred.credentialType] = null;
    for (const id of app.credentialIds) {
      const other = state.credentials.get(id);
      if (other && other.credentialType === cred.credentialType) {
        setDefaultCredential(emu, app, other);
        break;
      }
    }
  }
  return accepted(emu.baseUrl, "Credentials", cred.id);
}

/**
 * The app of a credential; it always exists while the credential does.
 * @param {Context} emu
 * @param {Credential} cred
 */
function appOf(emu, cred) {
  const app = emu.state.apps.get(cred.appName);
  if (!app) throw new Error(`credential ${cred.id} has no app ${cred.appName}`);
  return app;
}
