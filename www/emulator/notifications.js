// @ts-check
// /PushNotifications: send (one operation, one notification per addressed device), list and
// fetch. No timers: a notification's status is computed from the clock whenever it is read.

import { HEX_RE, ID_PREFIXES, LIMITS, NOTIFICATION_STATUSES, PRIORITIES, PROVIDERS } from "./constants.js";
import { ApiError, jsonResponse, resourceUrl } from "./http.js";
import { registrationOf } from "./records.js";
import { nextSeq, page, readPaging } from "./store.js";
import { clip, isoSeconds, isPlainObject } from "./util.js";
import {
  isValidApnHex,
  normalizeHexToken,
  Problems,
  readDateRange,
  readEnum,
  validateAppName,
  validateEnum,
  validateTags,
  validateTokenString,
} from "./validate.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./store.js").Notification} Notification */
/** @typedef {import("./store.js").Operation} Operation */
/** @typedef {import("./store.js").App} App */
/** @typedef {import("./store.js").Credential} Credential */
/** @typedef {import("./api.js").RequestContext} RequestContext */
/** @typedef {{ status: "QUEUED" | "SENT" | "FAILED", failureReason: string | null, updatedMs: number }} NotificationState */

/**
 * The status of a notification at time `t`. Pure: the outcome depends only on the record, on
 * when its token was marked unregistered, and on `t`, so reading never changes anything.
 * @param {Context} emu
 * @param {Notification} n
 * @param {number} t
 * @returns {NotificationState}
 */
export function notificationState(emu, n, t) {
  if (n.immediateFailure) return { status: "FAILED", failureReason: n.immediateFailure, updatedMs: n.createdMs };
  if (t < n.dueMs) return { status: "QUEUED", failureReason: null, updatedMs: n.createdMs };
  let reason = n.formatFailure;
  if (!reason) {
    const markedAt = emu.state.unregistered.get(normalizeHexToken(n.token));
    if (markedAt !== undefined && markedAt <= n.dueMs) reason = "Unregistered";
  }
  return reason
    ? { status: "FAILED", failureReason: reason, updatedMs: n.dueMs }
    : { status: "SENT", failureReason: null, updatedMs: n.dueMs };
}

/**
 * A notification as the API shows it at time `t`.
 * @param {Context} emu
 * @param {Notification} n
 * @param {number} [t]
 */
export function viewNotification(emu, n, t = emu.now()) {
  const s = notificationState(emu, n, t);
  /** @type {Record<string, unknown>} */
  const view = {
    id: n.id,
    operationId: n.operationId,
    to: { token: n.token, provider: n.provider },
  };
  if (n.userId) view.userId = n.userId;
  view.from = n.credentialId ? { [n.provider === "APN" ? "apn" : "fcm"]: n.credentialId } : {};
  view.content = { ...n.content };
  view.priority = n.priority;
  view.sound = n.sound;
  view.tags = { ...n.tags };
  view.status = s.status;
  view.failureReason = s.failureReason;
  view.createdAt = isoSeconds(n.createdMs);
  view.updatedAt = isoSeconds(s.updatedMs);
  view.related = [{ name: "operation", id: n.operationId, uri: `/PushNotifications/Operations/${n.operationId}` }];
  return view;
}

// ---------------------------------------------------------------------------------------------
// Send

/** @typedef {{ app: App | null, apn: Credential | null, fcm: Credential | null }} Sender */

/**
 * The sending app and the credentials named in `from`: `{apn?, fcm?}` credential IDs (of one
 * app), `{appName}`, or nothing for the default app.
 * @param {Context} emu
 * @param {unknown} from
 * @param {Problems} p
 * @returns {Sender}
 */
function resolveSender(emu, from, p) {
  const { state } = emu;
  const none = { app: null, apn: null, fcm: null };
  if (from === undefined || from === null) {
    const app = (state.defaultAppName && state.apps.get(state.defaultAppName)) || null;
    if (!app) p.add("from", "was omitted but no app exists yet: create a credential first or give from.appName");
    return { ...none, app };
  }
  if (!isPlainObject(from)) {
    p.add("from", "must be an object {apn?, fcm?} of credential IDs or {appName}");
    return none;
  }
  const hasApp = from.appName !== undefined;
  const hasCred = from.apn !== undefined || from.fcm !== undefined;
  if (hasApp && hasCred) {
    p.add("from", "must be either {apn?, fcm?} (credential IDs) or {appName}, not both");
    return none;
  }
  if (hasApp) {
    if (!validateAppName(from.appName, "from.appName", p)) return none;
    const app = state.apps.get(from.appName);
    if (!app) p.add("from.appName", `app "${from.appName}" does not exist`);
    return { ...none, app: app ?? null };
  }
  if (!hasCred) {
    p.add("from", "must name at least one credential (apn, fcm) or an appName");
    return none;
  }
  const apn = pickCredential(emu, from, "apn", ["APN", "APN_SANDBOX"], "APN or APN_SANDBOX", p);
  const fcm = pickCredential(emu, from, "fcm", ["FCM"], "FCM", p);
  if (apn && fcm && apn.appName !== fcm.appName) {
    p.add("from", `credentials belong to different apps (${apn.appName}, ${fcm.appName}); one send uses one app`);
  }
  const cred = apn ?? fcm;
  return { app: (cred && state.apps.get(cred.appName)) || null, apn, fcm };
}

/**
 * The credential `from[key]` names, if it exists and has one of `types`.
 * @param {Context} emu
 * @param {Record<string, unknown>} from
 * @param {"apn" | "fcm"} key
 * @param {string[]} types
 * @param {string} label
 * @param {Problems} p
 */
function pickCredential(emu, from, key, types, label, p) {
  const id = from[key];
  if (id === undefined) return null;
  if (typeof id !== "string" || id.length === 0) {
    p.add(`from.${key}`, "must be a credential ID string");
    return null;
  }
  const cred = emu.state.credentials.get(id);
  if (!cred) {
    p.add(`from.${key}`, `credential ${clip(id)} does not exist`);
    return null;
  }
  if (!types.includes(cred.credentialType)) {
    p.add(`from.${key}`, `credential ${id} has type ${cred.credentialType}, expected ${label}`);
    return null;
  }
  return cred;
}

/**
 * @param {unknown} r
 * @param {string} field
 * @param {Problems} p
 */
function validateRecipient(r, field, p) {
  if (!isPlainObject(r)) {
    p.add(field, "must be an object {token, provider} or {userId}");
    return;
  }
  const hasUser = r.userId !== undefined;
  const hasToken = r.token !== undefined || r.provider !== undefined;
  if (hasUser && hasToken) {
    p.add(field, "must be either {token, provider} or {userId}, not both");
  } else if (hasUser) {
    if (typeof r.userId !== "string" || r.userId.length === 0) p.add(`${field}.userId`, "must be a non-empty string");
  } else if (hasToken) {
    validateTokenString(r.token, `${field}.token`, p);
    validateEnum(r.provider, `${field}.provider`, PROVIDERS, p);
  } else {
    p.add(field, "must be either {token, provider} or {userId}");
  }
}

/**
 * @param {unknown} to
 * @param {Problems} p
 */
function validateRecipients(to, p) {
  if (to === undefined || to === null) p.add("to", "is required");
  else if (!Array.isArray(to)) p.add("to", "must be an array of recipients");
  else if (to.length === 0) p.add("to", "must contain at least 1 recipient");
  else if (to.length > LIMITS.recipientsPerSend) {
    p.add("to", `must contain at most ${LIMITS.recipientsPerSend} recipients (got ${to.length})`);
  } else {
    for (let i = 0; i < to.length; i++) validateRecipient(to[i], `to[${i}]`, p);
  }
}

/**
 * @param {unknown} content
 * @param {Problems} p
 */
function validateContent(content, p) {
  if (content === undefined || content === null) p.add("content", "is required");
  else if (!isPlainObject(content)) p.add("content", "must be an object {title?, body?}");
  else {
    for (const key of ["title", "body"]) {
      if (content[key] !== undefined && content[key] !== null && typeof content[key] !== "string") {
        p.add(`content.${key}`, "must be a string");
      }
    }
    /** @param {unknown} v */
    const nonEmpty = (v) => typeof v === "string" && v.length > 0;
    if (!nonEmpty(content.title) && !nonEmpty(content.body)) {
      p.add("content", "must have a non-empty title or body");
    }
  }
}

/**
 * Validates a send; returns the sending app and the credentials to use (null: NoCredential).
 * @param {Context} emu
 * @param {Record<string, any>} body
 */
function validateSend(emu, body) {
  const p = new Problems();
  validateRecipients(body.to, p);
  validateContent(body.content, p);
  validateEnum(body.priority ?? "HIGH", "priority", PRIORITIES, p);
  if (body.sound !== undefined && body.sound !== null && typeof body.sound !== "string") {
    p.add("sound", "must be a string or null");
  }
  if (body.tags !== undefined && body.tags !== null) validateTags(body.tags, "tags", p);
  const sender = resolveSender(emu, body.from, p);
  p.throwIfAny();
  const app = /** @type {App} */ (sender.app);
  return {
    app,
    apnCredentialId: sender.apn?.id ?? app.defaults.APN ?? app.defaults.APN_SANDBOX ?? null,
    fcmCredentialId: sender.fcm?.id ?? app.defaults.FCM ?? null,
  };
}

/**
 * POST /PushNotifications: one operation, one notification per token recipient and per device of
 * each user recipient (a user without devices in the app is unaddressable).
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function sendNotifications(emu, { body }) {
  const { app, apnCredentialId, fcmCredentialId } = validateSend(emu, body);
  const { state } = emu;
  const t = emu.now();
  /** @type {Operation} */
  const op = {
    seq: nextSeq(state),
    id: emu.newId(ID_PREFIXES.operation),
    createdMs: t,
    total: body.to.length,
    unaddressable: 0,
    appName: app.name,
    notifications: [],
  };
  /** @type {Notification["content"]} */
  const content = {};
  if (typeof body.content.title === "string") content.title = body.content.title;
  if (typeof body.content.body === "string") content.body = body.content.body;
  const shared = { content, priority: body.priority ?? "HIGH", sound: body.sound ?? null, tags: { ...body.tags } };
  /**
   * @param {string} token
   * @param {import("./constants.js").Provider} provider
   * @param {string | null} userId
   */
  const add = (token, provider, userId) => {
    const credentialId = provider === "APN" ? apnCredentialId : fcmCredentialId;
    const n = makeNotification(emu, op, { ...shared, token, provider, userId, credentialId }, t);
    state.notifications.set(n.id, n);
    state.notificationList.push(n);
  };
  for (const r of body.to) {
    if (r.userId === undefined) {
      add(r.token, r.provider, null);
      continue;
    }
    const user = state.users.get(r.userId);
    const reg = user && registrationOf(emu, user, app.name);
    if (!user || !reg || reg.devices.length === 0) op.unaddressable += 1;
    else for (const d of reg.devices) add(d.token, d.provider, user.id);
  }
  state.operations.set(op.id, op);
  state.operationList.push(op);
  const url = resourceUrl(emu.baseUrl, "Operations", op.id);
  return jsonResponse(202, { operationId: op.id, operationLocation: url }, { Location: url });
}

/**
 * A notification of `op` created at `t`, with its delivery time and any failure decided up front.
 * @param {Context} emu
 * @param {Operation} op
 * @param {Pick<Notification, "token" | "provider" | "userId" | "credentialId" | "content" | "priority" | "sound" | "tags">} fields
 * @param {number} t
 * @returns {Notification}
 */
function makeNotification(emu, op, fields, t) {
  const index = op.notifications.length;
  const { token, provider, credentialId } = fields;
  let formatFailure = null;
  if (provider === "APN" && !isValidApnHex(token)) formatFailure = "BadDeviceToken";
  else if (provider === "FCM" && token.length === 64 && HEX_RE.test(token)) formatFailure = "InvalidRegistration";
  const n = {
    seq: nextSeq(emu.state),
    id: emu.newId(ID_PREFIXES.pushNotification),
    operationId: op.id,
    token,
    provider,
    userId: fields.userId,
    credentialId,
    content: fields.content,
    priority: fields.priority,
    sound: fields.sound,
    tags: fields.tags,
    createdMs: t,
    // Staggered so that a batch finishes over a short span instead of all at once.
    dueMs: t + emu.deliveryMs * (1 + (index % 3) / 2),
    immediateFailure: credentialId ? null : "NoCredential",
    formatFailure,
  };
  op.notifications.push(n);
  return n;
}

// ---------------------------------------------------------------------------------------------
// List and fetch

/**
 * `tags=key_1:value;key_2:value;` as pairs, or null when absent.
 * @param {string | null} rawTags
 * @param {Problems} p
 * @returns {[string, string][] | null}
 */
function readTagFilter(rawTags, p) {
  if (!rawTags) return null;
  /** @type {[string, string][]} */
  const pairs = [];
  for (const part of rawTags.split(";")) {
    if (part === "") continue;
    const colon = part.indexOf(":");
    if (colon <= 0) {
      p.add("tags", "must be key:value pairs separated by semicolons, e.g. key_1:value;key_2:value;");
      break;
    }
    pairs.push([part.slice(0, colon), part.slice(colon + 1)]);
  }
  return pairs;
}

/**
 * GET /PushNotifications (`status`, `provider`, `operationId`, `user`, `tags`, dates, paging),
 * newest first.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listNotifications(emu, { query }) {
  const p = new Problems();
  const paging = readPaging(query, "pushNotifications", p);
  const status = readEnum(query, "status", NOTIFICATION_STATUSES, p);
  const provider = readEnum(query, "provider", PROVIDERS, p);
  const inRange = readDateRange(query, p);
  const operationId = query.get("operationId") || null;
  const user = query.get("user") || null;
  const tagFilter = readTagFilter(query.get("tags"), p);
  p.throwIfAny();
  const t = emu.now();
  // With an operationId the candidates are that operation's notifications only (no full scan).
  const items = operationId ? (emu.state.operations.get(operationId)?.notifications ?? []) : emu.state.notificationList;
  /** @param {Notification} n */
  const filter = (n) =>
    (!provider || n.provider === provider) &&
    (!user || n.userId === user) &&
    inRange(n.createdMs) &&
    (!tagFilter || tagFilter.every(([k, v]) => n.tags[k] === v)) &&
    (!status || notificationState(emu, n, t).status === status);
  return page("pushNotifications", items, paging, {
    newestFirst: true,
    filter,
    view: (n) => viewNotification(emu, n, t),
  });
}

/**
 * GET /PushNotifications/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function fetchNotification(emu, { params }) {
  const n = emu.state.notifications.get(params.id);
  if (!n) throw new ApiError(404, `PushNotification ${clip(params.id)} was not found`);
  return jsonResponse(200, viewNotification(emu, n));
}
