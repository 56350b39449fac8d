// @ts-check
// State changes shared by the handlers and the seed: creating apps, credentials, users and
// registrations, moving defaults, and the cascades of deletes. Callers validate first.

import { ID_PREFIXES } from "./constants.js";
import { deviceKey, nextSeq } from "./store.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./store.js").App} App */
/** @typedef {import("./store.js").Credential} Credential */
/** @typedef {import("./store.js").User} User */
/** @typedef {import("./store.js").Registration} Registration */

/**
 * @param {Context} emu
 * @param {string} name
 */
export function createApp(emu, name) {
  const { state } = emu;
  const t = emu.now();
  /** @type {App} */
  const app = {
    seq: nextSeq(state),
    name,
    createdMs: t,
    updatedMs: t,
    defaults: { APN: null, APN_SANDBOX: null, FCM: null },
    credentialIds: new Set(),
    registrationIds: new Set(),
  };
  state.apps.set(name, app);
  // The first app ever (or the first after every app was deleted) becomes the default app.
  if (state.defaultAppName === null) state.defaultAppName = name;
  return app;
}

/**
 * @param {Context} emu
 * @param {string} name an existing app
 */
export function setDefaultApp(emu, name) {
  const { state } = emu;
  const t = emu.now();
  const previous = state.defaultAppName && state.apps.get(state.defaultAppName);
  if (previous && previous.name !== name) previous.updatedMs = t;
  state.defaultAppName = name;
  const app = state.apps.get(name);
  if (app) app.updatedMs = t;
}

/**
 * @param {Context} emu
 * @param {Credential} cred
 */
export function isDefaultCredential(emu, cred) {
  const app = emu.state.apps.get(cred.appName);
  return !!app && app.defaults[cred.credentialType] === cred.id;
}

/**
 * @param {Context} emu
 * @param {App} app
 * @param {Credential} cred a credential of `app`
 */
export function setDefaultCredential(emu, app, cred) {
  const t = emu.now();
  const previousId = app.defaults[cred.credentialType];
  if (previousId === cred.id) return;
  const previous = previousId && emu.state.credentials.get(previousId);
  if (previous) previous.updatedMs = t;
  app.defaults[cred.credentialType] = cred.id;
  app.updatedMs = t;
  cred.updatedMs = t;
}

/**
 * Creates a credential (and its app, if new).
 * @param {Context} emu
 * @param {{ credentialType: import("./constants.js").CredentialType, appName: string, isDefault: boolean, tags: Record<string, string> | null }} fields
 */
export function createCredentialRecord(emu, { credentialType, appName, isDefault, tags }) {
  const { state } = emu;
  const app = state.apps.get(appName) ?? createApp(emu, appName);
  const t = emu.now();
  /** @type {Credential} */
  const cred = {
    seq: nextSeq(state),
    id: emu.newId(ID_PREFIXES.credential),
    credentialType,
    appName,
    tags: tags && Object.keys(tags).length ? { ...tags } : null,
    createdMs: t,
    updatedMs: t,
  };
  state.credentials.set(cred.id, cred);
  app.credentialIds.add(cred.id);
  app.updatedMs = t;
  // The first credential of a type becomes the app's default of that type automatically.
  if (isDefault || !app.defaults[credentialType]) setDefaultCredential(emu, app, cred);
  return cred;
}

/** @param {Context} emu */
export function createUser(emu) {
  const t = emu.now();
  /** @type {User} */
  const user = {
    seq: nextSeq(emu.state),
    id: emu.newId(ID_PREFIXES.user),
    createdMs: t,
    updatedMs: t,
    registrations: new Map(),
  };
  emu.state.users.set(user.id, user);
  return user;
}

/**
 * The user's registration for the app, if any.
 * @param {Context} emu
 * @param {User} user
 * @param {string} appName
 */
export function registrationOf(emu, user, appName) {
  const id = user.registrations.get(appName);
  return id === undefined ? undefined : emu.state.registrations.get(id);
}

/**
 * Adds a device to the user's registration for the app, creating the registration if needed.
 * @param {Context} emu
 * @param {User} user
 * @param {App} app
 * @param {string} token
 * @param {import("./constants.js").Provider} provider
 */
export function addDevice(emu, user, app, token, provider) {
  const { state } = emu;
  const t = emu.now();
  let reg = registrationOf(emu, user, app.name);
  if (!reg) {
    reg = {
      seq: nextSeq(state),
      id: emu.newId(ID_PREFIXES.deviceRegistration),
      appName: app.name,
      userId: user.id,
      devices: [],
      createdMs: t,
      updatedMs: t,
    };
    state.registrations.set(reg.id, reg);
    user.registrations.set(app.name, reg.id);
    app.registrationIds.add(reg.id);
  }
  reg.devices.push({ token, provider, createdMs: t });
  reg.updatedMs = t;
  user.updatedMs = t;
  state.deviceIndex.set(deviceKey(app.name, provider, token), reg.id);
  return reg;
}

/**
 * Deletes a registration and unlinks it from its user and app.
 * @param {Context} emu
 * @param {Registration} reg
 */
export function removeRegistration(emu, reg) {
  const { state } = emu;
  for (const d of reg.devices) state.deviceIndex.delete(deviceKey(reg.appName, d.provider, d.token));
  const user = state.users.get(reg.userId);
  if (user && user.registrations.get(reg.appName) === reg.id) {
    user.registrations.delete(reg.appName);
    user.updatedMs = emu.now();
  }
  const app = state.apps.get(reg.appName);
  if (app) app.registrationIds.delete(reg.id);
  state.registrations.delete(reg.id);
}

/**
 * Deletes an app and its registrations (its users remain).
 * @param {Context} emu
 * @param {App} app
 */
export function deleteApp(emu, app) {
  const { state } = emu;
  for (const regId of [...app.registrationIds]) {
    const reg = state.registrations.get(regId);
    if (reg) removeRegistration(emu, reg);
  }
  state.apps.delete(app.name);
  if (state.defaultAppName === app.name) {
    // Keep the account usable: the oldest remaining app becomes the default.
    const next = state.apps.values().next();
    state.defaultAppName = null;
    if (!next.done) setDefaultApp(emu, next.value.name);
  }
}
