// @ts-check
// The HTTP side shared by the API and the control endpoints: JSON answers and Twilio-style error
// bodies, Basic authentication, JSON request bodies and route matching. Nothing here reads state.

import { ERROR_CODES } from "./constants.js";
import { clip, constantTimeEqual, isPlainObject } from "./util.js";

/** Thrown by `fetch` for the "drop" and "drop-after" faults; adapters turn it into a lost connection. */
export class EmulatorDropError extends Error {
  constructor(message = "connection dropped by an emulator fault") {
    super(message);
    this.name = "EmulatorDropError";
  }
}

/** @typedef {{ field: string, message: string }} FieldProblem */

/** An expected API error: becomes a Twilio-style error body with the given HTTP status. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (a key of ERROR_CODES)
   * @param {string} message
   * @param {FieldProblem[]} [errors] per-field problems of a 400
   * @param {Record<string, string>} [headers] extra response headers (Allow, Retry-After)
   */
  constructor(status, message, errors, headers) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

/**
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function jsonResponse(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/**
 * `{ code, message, moreInfo, status, errors? }`, the error body of every refusal.
 * @param {number} status
 * @param {string} message
 * @param {FieldProblem[]} [errors]
 */
export function errorBody(status, message, errors) {
  const code = ERROR_CODES[/** @type {keyof typeof ERROR_CODES} */ (status)] ?? 20500;
  /** @type {{ code: number, message: string, moreInfo: string, status: number, errors?: FieldProblem[] }} */
  const body = { code, message, moreInfo: `https://www.twilio.com/docs/api/errors/${code}`, status };
  if (errors?.length) body.errors = errors;
  return body;
}

/**
 * @param {number} status
 * @param {string} message
 * @param {FieldProblem[]} [errors]
 * @param {Record<string, string>} [headers]
 */
export function errorResponse(status, message, errors, headers) {
  return jsonResponse(status, errorBody(status, message, errors), headers);
}

/**
 * An `ApiError` as its answer; anything else is a bug in the emulator and becomes a 500 instead
 * of a crash.
 * @param {unknown} error
 */
export function toErrorResponse(error) {
  if (error instanceof ApiError) return errorResponse(error.status, error.message, error.errors, error.headers);
  const message = /** @type {{ message?: unknown } | null | undefined} */ (error)?.message;
  return errorResponse(500, `Internal emulator error: ${message ? message : String(error)}`);
}

/**
 * The 202 answer of a write: `{ resourceId, resourceLocation }` and a `Location` header.
 * @param {string} baseUrl
 * @param {string} collection
 * @param {string} id
 */
export function accepted(baseUrl, collection, id) {
  const url = resourceUrl(baseUrl, collection, id);
  return jsonResponse(202, { resourceId: id, resourceLocation: url }, { Location: url });
}

/**
 * @param {string} baseUrl
 * @param {string} collection
 * @param {string} id
 */
export function resourceUrl(baseUrl, collection, id) {
  return `${baseUrl}/PushNotifications/${collection}/${encodeURIComponent(id)}`;
}

/**
 * Checks HTTP Basic credentials against every accepted `username:password` (UTF-8 bytes), in
 * constant time and without an early exit.
 * @param {Request} request
 * @param {Uint8Array[]} expectedAuth
 */
export function authenticate(request, expectedAuth) {
  const header = request.headers.get("Authorization") || "";
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return false;
  let decoded;
  try {
    decoded = atob(match[1]);
  } catch {
    return false;
  }
  // atob yields one char per byte; compare those bytes with the UTF-8 bytes of each pair.
  const given = Uint8Array.from(decoded, (ch) => ch.charCodeAt(0));
  let ok = 0;
  for (const expected of expectedAuth) ok |= constantTimeEqual(given, expected) ? 1 : 0;
  return ok === 1;
}

/**
 * @param {string} text
 * @returns {Record<string, any>}
 */
function parseJsonObject(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "The request body is not valid JSON");
  }
  if (!isPlainObject(body)) throw new ApiError(400, "The request body must be a JSON object");
  return body;
}

/**
 * The JSON object body of an API write; it must be sent as `application/json`.
 * @param {Request} request
 */
export async function readJsonObject(request) {
  const type = (request.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(400, "The request body must be JSON sent with Content-Type: application/json");
  }
  return parseJsonObject(await request.text());
}

/**
 * The body of a control request: any content type, and an empty body means `{}`.
 * @param {Request} request
 */
export async function readControlBody(request) {
  const text = await request.text();
  if (text.trim() === "") return {};
  return parseJsonObject(text);
}

/**
 * The first route whose pattern matches the path segments; `:name` segments capture non-empty
 * values into `params`.
 * @template H
 * @param {ReadonlyArray<readonly [string[], H]>} routes
 * @param {string[]} segments
 * @returns {{ methods: H, params: Record<string, string> } | null}
 */
export function matchRoute(routes, segments) {
  for (const [pattern, methods] of routes) {
    if (pattern.length !== segments.length) continue;
    /** @type {Record<string, string>} */
    const params = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(":")) {
        ok = segments[i] !== "";
        params[pattern[i].slice(1)] = segments[i];
      } else {
        ok = pattern[i] === segments[i];
      }
    }
    if (ok) return { methods, params };
  }
  return null;
}

/**
 * 405 with an `Allow` header listing the methods a route has.
 * @param {string} method
 * @param {string} path
 * @param {object} methods
 */
export function methodNotAllowed(method, path, methods) {
  const allow = Object.keys(methods).join(", ");
  return new ApiError(405, `Method not allowed: ${method} ${clip(path, 120)} (allowed: ${allow})`, undefined, {
    Allow: allow,
  });
}
