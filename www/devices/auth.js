// @ts-check
// Who is calling. Apps: the user's JWT, verified with `jose` (signature against a JWKS given
// inline or by URL, allow-listed algorithms, issuer, audience, expiry); the user ID is a claim
// (`sub` by default). Development mode: the shared APP_API_KEY, with the user ID in
// `X-User-Id` — the key ships inside the app, so it proves nothing about the user, which is why
// it is refused whenever a JWT configuration is present. The admin side: ADMIN_TOKEN, compared
// in constant time (the same secret as the proxy's).
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from "jose";
import { constantTimeEqual } from "twilio-push-wasm";
import { HttpError, bearer } from "./http.js";

/** @typedef {import("./worker.js").Env} Env */
/**
 * Who is calling: your user ID (null: an anonymous development call), how it is written in the
 * history (`actor`), and how it was established.
 * @typedef {{ userId: string | null, actor: string, mode: "jwt" | "app-key" | "import" | "admin" }} Identity
 */

/** JWTs longer than this are refused before any parsing (a real ID token is 1–2 KiB). */
export const MAX_JWT_BYTES = 8192;
const DEFAULT_ALGORITHMS = ["RS256", "ES256"];
// Values that are not user IDs but what a bug produces (OneSignal refuses the same list).
const PLACEHOLDER_IDS = new Set([
  "null",
  "undefined",
  "nil",
  "none",
  "na",
  "n/a",
  "0",
  "-1",
  "all",
  "00000000-0000-0000-0000-000000000000",
]);
/** Prefix of the user IDs given to devices registered without a user (development mode). */
export const ANONYMOUS_PREFIX = "anonymous:";

/** @type {Map<string, ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>>} */
const keySets = new Map();

/** @param {Env} env */
function jwtConfigured(env) {
  return Boolean(env.JWT_JWKS || env.JWT_JWKS_URL);
}

/** @param {Env} env */
function keySetFor(env) {
  const source = env.JWT_JWKS || `url:${env.JWT_JWKS_URL}`;
  let keys = keySets.get(source);
  if (!keys) {
    if (env.JWT_JWKS) {
      let jwks;
      try {
        jwks = JSON.parse(env.JWT_JWKS);
      } catch {
        throw new HttpError(503, "AUTH_NOT_CONFIGURED", "JWT_JWKS is not valid JSON.");
      }
      try {
        keys = createLocalJWKSet(jwks);
      } catch (e) {
        throw new HttpError(503, "AUTH_NOT_CONFIGURED", `JWT_JWKS is not a JWK Set: ${e.message}`);
      }
    } else {
      // jose caches the set and refetches it when a token names an unknown `kid` (rotation).
      keys = createRemoteJWKSet(new URL(env.JWT_JWKS_URL ?? ""), { timeoutDuration: 5000, cooldownDuration: 30000 });
    }
    keySets.set(source, keys);
  }
  return keys;
}

/**
 * Checks a user ID (from a JWT claim or the development header): 1–256 characters, no
 * surrounding whitespace or control characters, not a placeholder such as "null" or "0".
 * @param {unknown} id
 * @returns {string | null} the reason it is refused, or null when it is fine
 */
export function userIdProblem(id) {
  if (typeof id !== "string") return "is not a string";
  if (id.length === 0 || id.length > 256) return "must be 1 to 256 characters";
  if (id.trim() !== id) return "has leading or trailing whitespace";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(id)) return "contains control characters";
  if (PLACEHOLDER_IDS.has(id.toLowerCase())) return `"${id}" is a placeholder, not a user ID`;
  if (id.startsWith(ANONYMOUS_PREFIX)) return `the prefix "${ANONYMOUS_PREFIX}" is reserved`;
  return null;
}

// jose's error codes → ours (all 401: the credential is not acceptable).
/** @type {Record<string, [string, string | null]>} */
const JOSE_CODES = {
  ERR_JWT_EXPIRED: ["JWT_EXPIRED", "The token has expired."],
  ERR_JWT_CLAIM_VALIDATION_FAILED: ["JWT_CLAIM_INVALID", null],
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: ["JWT_SIGNATURE_INVALID", "The token's signature does not verify."],
  ERR_JOSE_ALG_NOT_ALLOWED: ["JWT_ALG_NOT_ALLOWED", null],
  ERR_JOSE_NOT_SUPPORTED: ["JWT_ALG_NOT_ALLOWED", null],
  ERR_JWKS_NO_MATCHING_KEY: ["JWT_KEY_UNKNOWN", "No key of the JWKS matches the token (kid/alg)."],
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: ["JWT_KEY_UNKNOWN", "Several keys of the JWKS match the token; give it a kid."],
  ERR_JWS_INVALID: ["JWT_MALFORMED", "The token is not a signed JWT."],
  ERR_JWT_INVALID: ["JWT_MALFORMED", "The token is not a valid JWT."],
};

/**
 * @param {string} token the bearer credential
 * @param {Env} env
 * @returns {Promise<Identity>}
 */
async function verifyJwt(token, env) {
  const issuer = env.JWT_ISSUER;
  const audience = env.JWT_AUDIENCE;
  if (!issuer || !audience) {
    throw new HttpError(503, "AUTH_NOT_CONFIGURED", "Set JWT_ISSUER and JWT_AUDIENCE with the JWKS.");
  }
  if (new TextEncoder().encode(token).byteLength > MAX_JWT_BYTES) {
    throw new HttpError(401, "JWT_TOO_LARGE", `The token is larger than ${MAX_JWT_BYTES} bytes.`);
  }
  const claim = env.JWT_USER_CLAIM || "sub";
  const algorithms = env.JWT_ALGORITHMS ? env.JWT_ALGORITHMS.split(",").map((a) => a.trim()) : DEFAULT_ALGORITHMS;
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keySetFor(env), {
      issuer: issuer.split(",").map((s) => s.trim()),
      audience: audience.split(",").map((s) => s.trim()),
      algorithms,
      requiredClaims: ["exp", claim],
      clockTolerance: Number(env.JWT_CLOCK_TOLERANCE_S ?? 30),
    }));
  } catch (e) {
    if (e instanceof HttpError) throw e;
    const mapped = JOSE_CODES[e?.code];
    if (!mapped) {
      // Anything else is the key set being unreachable (JWKS URL down or timing out).
      throw new HttpError(503, "JWKS_UNAVAILABLE", "The JWT keys could not be loaded; try again.");
    }
    const [code, message] = mapped;
    const extra = e.claim ? { claim: e.claim } : {};
    throw new HttpError(401, code, message ?? `The token was refused: ${e.message}`, extra);
  }
  const userId = payload[claim];
  const why = userIdProblem(userId);
  if (why || typeof userId !== "string") {
    throw new HttpError(401, "USER_ID_INVALID", `The token's "${claim}" claim ${why}.`, { claim });
  }
  return { userId, actor: `user:${userId}`, mode: "jwt" };
}

/**
 * Authenticates an app's call. Returns `{ userId, actor, mode }`; `userId` is null for an
 * anonymous development call (app key without `X-User-Id`). Throws an HttpError (401/503).
 * @param {Request} request
 * @param {Env} env
 * @returns {Promise<Identity>}
 */
export async function authenticateApp(request, env) {
  const credential = bearer(request);
  if (jwtConfigured(env)) {
    if (!credential) throw new HttpError(401, "AUTH_REQUIRED", "Send 'Authorization: Bearer <the user's JWT>'.");
    return verifyJwt(credential, env);
  }
  if (!env.APP_API_KEY) {
    throw new HttpError(
      503,
      "AUTH_NOT_CONFIGURED",
      "Configure JWT_JWKS or JWT_JWKS_URL (or APP_API_KEY for development).",
    );
  }
  if (!credential) throw new HttpError(401, "AUTH_REQUIRED", "Send 'Authorization: Bearer <app key>'.");
  if (!constantTimeEqual(credential, env.APP_API_KEY)) {
    throw new HttpError(401, "UNAUTHORIZED", "The app key is not valid.");
  }
  const header = request.headers.get("x-user-id");
  if (header === null) return { userId: null, actor: "app-key", mode: "app-key" };
  const why = userIdProblem(header);
  if (why) throw new HttpError(400, "USER_ID_INVALID", `X-User-Id ${why}.`, { field: "X-User-Id" });
  return { userId: header, actor: `app-key:${header}`, mode: "app-key" };
}

/**
 * Checks the admin token (`Authorization: Bearer <ADMIN_TOKEN>`, constant time).
 * @param {Request} request
 * @param {Env} env
 */
export function authenticateAdmin(request, env) {
  const expected = env.ADMIN_TOKEN ?? "";
  if (expected.length < 16) {
    throw new HttpError(503, "ADMIN_TOKEN_NOT_CONFIGURED", "ADMIN_TOKEN is not configured (16 characters or more).");
  }
  if (!constantTimeEqual(bearer(request), expected)) {
    throw new HttpError(401, "UNAUTHORIZED", "Send 'Authorization: Bearer <admin token>'.");
  }
}
