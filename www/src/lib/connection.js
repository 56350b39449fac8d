// @ts-check
// Whether the proxy answers, as seen from every request the page makes. The header's badge
// reads it; a request that gets any HTTP answer marks the proxy reachable, one that gets none
// (a network error) marks it unreachable, and the browser's own online/offline events count too.

/** @typedef {"unknown" | "online" | "offline"} ConnectionState */

/** @type {ConnectionState} */
let state = "unknown";
/** @type {Set<(state: ConnectionState) => void>} */
const listeners = new Set();

/** The current state. */
export const connectionState = () => state;

/**
 * Sets the state and tells the listeners when it changed.
 * @param {ConnectionState} next
 */
export function setConnection(next) {
  if (next === state) return;
  state = next;
  for (const fn of listeners) fn(state);
}

/**
 * Calls `fn` on every change; returns a function that stops it.
 * @param {(state: ConnectionState) => void} fn
 */
export function onConnectionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Records what a request's outcome says about the connection: an error with no HTTP answer
 * means unreachable; anything else (a result, or an HTTP error) means the proxy answered.
 * @param {unknown} err  the error, or null for a success
 */
export function noteOutcome(err) {
  const e = /** @type {any} */ (err);
  if (e && (e.code === "NETWORK_ERROR" || (e instanceof TypeError && /fetch|network/i.test(e.message))))
    setConnection("offline");
  else if (!e || e.code === "API_ERROR" || e.code === "INVALID_RESPONSE") setConnection("online");
}
