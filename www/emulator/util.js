// @ts-check
// Small pure helpers: time formatting, base64, constant-time comparison, a seeded PRNG.
// Only Web platform APIs (atob/btoa, setTimeout), so they run in Node and workerd alike.

/**
 * True for a JSON object (not null, not an array).
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
export function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, the precision the API shows.
 * @param {number} ms
 */
export function isoSeconds(ms) {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Creation times compared at the precision they are shown with, so filters match what users see.
 * @param {number} ms
 */
export function floorToSecond(ms) {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * Shortens user-supplied text before it goes into a message (IDs from paths, tag keys).
 * @param {unknown} text
 * @param {number} [max]
 */
export function clip(text, max = 80) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * base64url without padding of a string of byte-sized characters.
 * @param {string} asciiText
 */
export function base64UrlEncode(asciiText) {
  return btoa(asciiText).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The inverse of `base64UrlEncode`; null for anything that is not base64url.
 * @param {string} text
 * @returns {string | null}
 */
export function base64UrlDecode(text) {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  try {
    return atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
}

/**
 * Decodes standard or URL-safe base64 (whitespace tolerated, as `base64` wraps lines) to a binary string.
 * @param {unknown} value
 * @returns {string | null}
 */
export function decodeBase64Text(value) {
  if (typeof value !== "string" || value.length === 0) return null;
  try {
    return atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
}

/**
 * Length-independent byte comparison, so response timing does not reveal how much of a secret matched.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 */
export function constantTimeEqual(a, b) {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Small deterministic PRNG so random fault injection can be replayed from a seed.
 * @param {number} seed
 * @returns {() => number} numbers in [0, 1)
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
