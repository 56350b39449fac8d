// `normalizeToken` for the usual call (a string of at most 200 characters, no provider): the
// string is encoded straight into the wasm buffer for single tokens, and wasm answers with one
// number whether it is already canonical (returned as is) or canonical in lower case (JS lowers
// it). Everything else, errors included, goes to the exported `normalizeToken`, which does the
// whole job (and throws the TokenError). The rules all run in wasm either way.
import {
  __normalizeScratch as normalizeScratch,
  normalizeToken as normalizeTokenInWasm,
  __tokenScratch as tokenScratch,
} from "./twilio_push_wasm.js";

const encoder = new TextEncoder();
/** A view of the wasm buffer (768 bytes); empty once memory growth has detached it. */
/** @type {Uint8Array | null} */
let view = null;

/**
 * Returns the canonical token or throws a `TokenError` (see index.d.ts).
 * @param {string | Uint8Array} input
 * @param {"APN" | "FCM" | null} [provider]
 * @returns {string}
 */
export function normalizeToken(input, provider) {
  // 200 UTF-16 units are at most 600 bytes of UTF-8: always encoded whole.
  if (typeof input === "string" && provider == null && input.length <= 200) {
    if (view === null || view.byteLength === 0) view = tokenScratch();
    const spelling = normalizeScratch(encoder.encodeInto(input, view).written);
    if (spelling === 0) return input;
    if (spelling === 1) return input.toLowerCase();
  }
  return normalizeTokenInWasm(input, provider);
}
