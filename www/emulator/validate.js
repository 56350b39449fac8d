// @ts-check
// Validation of request bodies and query parameters. Problems are collected, not thrown one by
// one, so that one 400 answer can list as many of them as possible. Messages never contain secret
// values (credential content) and never echo whole tokens.

import { APP_NAME_RE, HEX_RE, ISO_DATE_RE, LIMITS } from "./constants.js";
import { ApiError } from "./http.js";
import { clip, decodeBase64Text, floorToSecond, isPlainObject } from "./util.js";

/** The problems found in one request; `throwIfAny` turns them into a 400. */
export class Problems {
  constructor() {
    /** @type {import("./http.js").FieldProblem[]} */
    this.items = [];
    this.total = 0;
  }
  /**
   * @param {string} field
   * @param {string} message
   */
  add(field, message) {
    this.total += 1;
    if (this.items.length < LIMITS.reportedProblems) this.items.push({ field, message });
  }
  get any() {
    return this.total > 0;
  }
  throwIfAny() {
    if (this.total === 0) return;
    const first = this.items[0];
    const more = this.total > 1 ? ` (and ${this.total - 1} more problem${this.total > 2 ? "s" : ""})` : "";
    throw new ApiError(400, `Invalid request: ${first.field} ${first.message}${more}`, this.items);
  }
}

/** @typedef {{ required?: boolean }} Required */

/**
 * APN tokens are hex in any case; compare them in lower case so `AB12…` and `ab12…` are one device.
 * @param {string} token
 */
export function normalizeHexToken(token) {
  return HEX_RE.test(token) ? token.toLowerCase() : token;
}

/**
 * An APNs device token: 64 to 200 hex digits, an even count.
 * @param {string} token
 */
export function isValidApnHex(token) {
  return token.length >= 64 && token.length <= 200 && token.length % 2 === 0 && HEX_RE.test(token);
}

// ---------------------------------------------------------------------------------------------
// Body fields

/**
 * @param {unknown} value
 * @param {string} field
 * @param {Problems} p
 * @param {Required} [options]
 * @returns {value is string}
 */
export function validateAppName(value, field, p, { required = true } = {}) {
  if (value === undefined || value === null) {
    if (required) p.add(field, "is required");
    return false;
  }
  if (
    typeof value !== "string" ||
    value.length < 1 ||
    value.length > LIMITS.appNameLength ||
    !APP_NAME_RE.test(value)
  ) {
    p.add(field, "must match ^[a-z0-9_]+$ and be 1 to 64 characters long");
    return false;
  }
  return true;
}

/**
 * @template {string} T
 * @param {unknown} value
 * @param {string} field
 * @param {readonly T[]} allowed
 * @param {Problems} p
 * @param {Required} [options]
 * @returns {value is T}
 */
export function validateEnum(value, field, allowed, p, { required = true } = {}) {
  if (value === undefined || value === null) {
    if (required) p.add(field, "is required");
    return false;
  }
  if (typeof value !== "string" || !allowed.includes(/** @type {T} */ (value))) {
    p.add(field, `must be one of ${allowed.join(", ")}`);
    return false;
  }
  return true;
}

/**
 * @param {unknown} value
 * @param {string} field
 * @param {Problems} p
 * @returns {value is string}
 */
export function validateTokenString(value, field, p) {
  if (value === undefined || value === null) {
    p.add(field, "is required");
    return false;
  }
  if (typeof value !== "string" || value.length === 0 || value.length > LIMITS.tokenLength) {
    p.add(field, `must be a non-empty string of at most ${LIMITS.tokenLength} characters`);
    return false;
  }
  return true;
}

/**
 * Tags: at most 10, names 1–128 characters, string values up to 256 characters.
 * @param {unknown} tags
 * @param {string} field
 * @param {Problems} p
 */
export function validateTags(tags, field, p) {
  if (!isPlainObject(tags)) {
    p.add(field, "must be an object mapping tag names to string values");
    return false;
  }
  const keys = Object.keys(tags);
  let ok = true;
  if (keys.length > LIMITS.tags) {
    p.add(field, `must have at most ${LIMITS.tags} tags (got ${keys.length})`);
    ok = false;
  }
  for (const key of keys) {
    const f = `${field}.${clip(key, 40)}`;
    if (key.length < 1 || key.length > LIMITS.tagKeyLength) {
      p.add(f, `tag name must be 1 to ${LIMITS.tagKeyLength} characters long`);
      ok = false;
    }
    const value = tags[key];
    if (typeof value !== "string") {
      p.add(f, "tag value must be a string");
      ok = false;
    } else if (value.length > LIMITS.tagValueLength) {
      p.add(f, `tag value must be at most ${LIMITS.tagValueLength} characters long`);
      ok = false;
    }
  }
  return ok;
}

/**
 * Checks a credential's `content` for its type. The content is only looked at, never kept.
 * @param {string} credentialType
 * @param {unknown} content
 * @param {Problems} p
 */
export function validateCredentialContent(credentialType, content, p) {
  if (content === undefined || content === null) {
    p.add("content", "is required");
    return;
  }
  if (!isPlainObject(content)) {
    p.add("content", "must be an object");
    return;
  }
  if (credentialType === "APN" || credentialType === "APN_SANDBOX") validateApnContent(content, p);
  else if (credentialType === "FCM") validateFcmContent(content, p);
}

/**
 * APNs certificate auth: base64 of a PEM certificate and of a PEM private key.
 * @param {Record<string, unknown>} content
 * @param {Problems} p
 */
function validateApnContent(content, p) {
  for (const key of ["certificate", "privateKey"]) {
    const field = `content.${key}`;
    const what = key === "certificate" ? "a PEM certificate" : "a PEM private key";
    if (content[key] === undefined || content[key] === null) {
      p.add(field, `is required (base64 of ${what})`);
      continue;
    }
    const text = decodeBase64Text(content[key]);
    if (text === null) p.add(field, `must be a base64 string (base64 of ${what})`);
    else if (!text.includes("-----BEGIN")) p.add(field, `must be base64 of ${what} (text starting with -----BEGIN)`);
  }
}

/**
 * FCM: base64 of the whole Firebase service-account JSON file.
 * @param {Record<string, unknown>} content
 * @param {Problems} p
 */
function validateFcmContent(content, p) {
  const field = "content.privateKey";
  if (content.privateKey === undefined || content.privateKey === null) {
    p.add(field, "is required (base64 of the whole Firebase service-account JSON file)");
    return;
  }
  const text = decodeBase64Text(content.privateKey);
  if (text === null) {
    p.add(field, "must be a base64 string (base64 of the whole Firebase service-account JSON file)");
    return;
  }
  let account;
  try {
    account = JSON.parse(text);
  } catch {
    account = undefined;
  }
  if (!isPlainObject(account)) {
    p.add(field, "must be base64 of the whole Firebase service-account JSON file (it did not decode to a JSON object)");
    return;
  }
  if (account.type !== "service_account") p.add(field, 'the service-account JSON must have "type": "service_account"');
  for (const key of ["project_id", "private_key", "client_email"]) {
    if (typeof account[key] !== "string" || account[key].length === 0) {
      p.add(field, `the service-account JSON must have a non-empty "${key}"`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Query parameters (an empty value counts as absent)

/**
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {Problems} p
 * @returns {number | null} milliseconds, or null if absent or invalid
 */
function readDate(query, name, p) {
  const raw = query.get(name);
  if (raw === null || raw === "") return null;
  const ms = ISO_DATE_RE.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    p.add(name, "must be an ISO 8601 date-time such as 2024-01-15T09:30:00Z");
    return null;
  }
  return ms;
}

/**
 * `startDate`/`endDate` as a filter on creation times (inclusive, at one-second precision).
 * @param {URLSearchParams} query
 * @param {Problems} p
 * @returns {(createdMs: number) => boolean}
 */
export function readDateRange(query, p) {
  const start = readDate(query, "startDate", p);
  const end = readDate(query, "endDate", p);
  if (start !== null && end !== null && start > end) p.add("endDate", "must not be before startDate");
  return (createdMs) => {
    const c = floorToSecond(createdMs);
    return (start === null || c >= start) && (end === null || c <= end);
  };
}

/**
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {Problems} p
 * @returns {boolean | null}
 */
export function readBoolean(query, name, p) {
  const raw = query.get(name);
  if (raw === null || raw === "") return null;
  if (raw === "true") return true;
  if (raw === "false") return false;
  p.add(name, "must be true or false");
  return null;
}

/**
 * @template {string} T
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {readonly T[]} allowed
 * @param {Problems} p
 * @returns {T | null}
 */
export function readEnum(query, name, allowed, p) {
  const raw = query.get(name);
  if (raw === null || raw === "") return null;
  if (!allowed.includes(/** @type {T} */ (raw))) {
    p.add(name, `must be one of ${allowed.join(", ")}`);
    return null;
  }
  return /** @type {T} */ (raw);
}
