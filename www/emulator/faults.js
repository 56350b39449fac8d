// @ts-check
// Fault injection: a queue of kinds for the next matching requests, then a seeded random rate,
// and the X-Emulator-Fault header for one request. Decided before a request touches state.

import { DEFAULT_RATE_KINDS, FAULT_KINDS } from "./constants.js";
import { ApiError, errorResponse } from "./http.js";
import { isPlainObject, mulberry32 } from "./util.js";
import { Problems } from "./validate.js";

/** @typedef {import("./store.js").Context} Context */

/**
 * The fault configuration (as `POST /__emulator/faults` sets it) and its PRNG.
 * @typedef {object} Faults
 * @property {number} rate probability in [0, 1] of a random fault
 * @property {string[]} kinds what a random fault picks from
 * @property {number} retryAfter seconds, in the Retry-After of 429 and 503
 * @property {number} slowMs delay of the "slow" fault
 * @property {number | null} seed
 * @property {string[]} next kinds for the next matching requests, in order
 * @property {{ method: string | null, pathPrefix: string | null } | null} match
 * @property {(() => number) | null} prng
 */

/** @returns {Faults} */
export function emptyFaults() {
  return {
    rate: 0,
    kinds: [...DEFAULT_RATE_KINDS],
    retryAfter: 1,
    slowMs: 1500,
    seed: null,
    next: [],
    match: null,
    prng: null,
  };
}

/**
 * @param {Faults} faults
 * @param {string} method upper case
 * @param {string} path
 */
function faultMatches(faults, method, path) {
  const m = faults.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.pathPrefix && !path.startsWith(m.pathPrefix)) return false;
  return true;
}

/**
 * Decides the fault for a /v1 request before it touches state. Returns a kind or null.
 * @param {Context} emu
 * @param {Request} request
 * @param {string} method upper case
 * @param {string} path
 * @returns {string | null}
 */
export function decideFault(emu, request, method, path) {
  const { faults } = emu;
  const header = request.headers.get("X-Emulator-Fault");
  if (header !== null && header !== "") {
    const kind = header.trim();
    if (!FAULT_KINDS.includes(kind)) {
      throw new ApiError(400, `X-Emulator-Fault must be one of ${FAULT_KINDS.join(", ")}`);
    }
    return kind;
  }
  if (!faultMatches(faults, method, path)) return null;
  const queued = faults.next.shift();
  if (queued !== undefined) return queued;
  if (faults.prng && faults.rate > 0 && faults.prng() < faults.rate) {
    return faults.kinds[Math.floor(faults.prng() * faults.kinds.length)];
  }
  return null;
}

/**
 * The answer of a "429", "503" or "500" fault.
 * @param {Context} emu
 * @param {string} kind
 */
export function faultResponse(emu, kind) {
  const retryAfter = { "Retry-After": String(emu.faults.retryAfter) };
  if (kind === "429") {
    return errorResponse(
      429,
      "Too many requests. Please retry according to the Retry-After response header.",
      undefined,
      retryAfter,
    );
  }
  if (kind === "503") {
    return errorResponse(
      503,
      "Service temporarily unavailable. Please retry according to the Retry-After response header.",
      undefined,
      retryAfter,
    );
  }
  return errorResponse(500, "Internal server error (injected by the emulator). Do not retry blindly.");
}

/**
 * Replaces the fault configuration (every field optional); returns the new one as shown.
 * @param {Context} emu
 * @param {Record<string, any>} body
 */
export function configureFaults(emu, body) {
  const p = new Problems();
  const next = emptyFaults();
  if (body.rate !== undefined) {
    if (typeof body.rate !== "number" || !(body.rate >= 0 && body.rate <= 1))
      p.add("rate", "must be a number from 0 to 1");
    else next.rate = body.rate;
  }
  if (body.kinds !== undefined) {
    const kinds = kindList(body.kinds, "kinds", p);
    if (kinds && kinds.length === 0) p.add("kinds", "must not be empty");
    else if (kinds) next.kinds = kinds;
  }
  if (body.next !== undefined) next.next = kindList(body.next, "next", p) ?? [];
  if (body.retryAfter !== undefined) {
    if (!Number.isInteger(body.retryAfter) || body.retryAfter < 0)
      p.add("retryAfter", "must be a non-negative integer (seconds)");
    else next.retryAfter = body.retryAfter;
  }
  if (body.slowMs !== undefined) {
    if (!Number.isInteger(body.slowMs) || body.slowMs < 0 || body.slowMs > 60000)
      p.add("slowMs", "must be an integer from 0 to 60000");
    else next.slowMs = body.slowMs;
  }
  if (body.seed !== undefined) {
    if (!Number.isInteger(body.seed)) p.add("seed", "must be an integer");
    else next.seed = body.seed;
  }
  if (body.match !== undefined && body.match !== null) next.match = readMatch(body.match, p);
  p.throwIfAny();
  if (next.seed === null) next.seed = emu.randomSeed();
  next.prng = mulberry32(next.seed);
  emu.faults = next;
  return viewFaults(emu);
}

/**
 * @param {unknown} value
 * @param {string} field
 * @param {Problems} p
 * @returns {string[] | null}
 */
function kindList(value, field, p) {
  if (!Array.isArray(value) || value.some((k) => !FAULT_KINDS.includes(k))) {
    p.add(field, `must be an array of fault kinds: ${FAULT_KINDS.join(", ")}`);
    return null;
  }
  return [...value];
}

/**
 * @param {unknown} match
 * @param {Problems} p
 * @returns {Faults["match"]}
 */
function readMatch(match, p) {
  if (!isPlainObject(match)) {
    p.add("match", "must be an object {method?, pathPrefix?}");
    return null;
  }
  if (match.method !== undefined && typeof match.method !== "string") p.add("match.method", "must be a string");
  if (match.pathPrefix !== undefined && typeof match.pathPrefix !== "string") {
    p.add("match.pathPrefix", "must be a string such as /v1/PushNotifications");
  }
  return { method: match.method ?? null, pathPrefix: match.pathPrefix ?? null };
}

/**
 * The configuration as `GET /__emulator/faults` shows it (without the PRNG).
 * @param {Context} emu
 */
export function viewFaults(emu) {
  const { prng: _prng, ...rest } = emu.faults;
  return { ...rest, next: [...emu.faults.next] };
}
