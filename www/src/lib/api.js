// @ts-check
// The one place that knows where the API is and how the page authenticates. The proxy serves
// Twilio's paths under /api/v1 and wants `Authorization: Bearer <admin token>`; changing these
// two things points the page at anything else that speaks the same API.
import { PushClient } from "twilio-push-wasm";
import { noteOutcome } from "./connection.js";

export const API_BASE = "/api/v1";
export const HEALTH_URL = "/api/health";
const STORAGE_KEY = "push-admin.session";

/** The admin token for this tab, or null. sessionStorage: gone when the tab closes. */
export function storedToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
/** @param {string} token */
export function storeToken(token) {
  sessionStorage.setItem(STORAGE_KEY, token);
}
export function forgetToken() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage unavailable: nothing to forget */
  }
}

/**
 * A PushClient for the proxy. Every method is wrapped so that a 401 from the proxy (the admin
 * token is no longer accepted) ends the session wherever it happens: `onUnauthorized` is called
 * and the error is rethrown for the caller to show.
 */
/**
 * @param {string} adminToken
 * @param {{ onUnauthorized?: (err: unknown) => void }} [options]
 */
export function createClient(adminToken, { onUnauthorized } = {}) {
  const client = new PushClient({ baseUrl: API_BASE, auth: { bearer: adminToken }, timeoutMs: 20_000 });
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (/** @type {unknown[]} */ ...args) => {
        let result;
        try {
          result = value.apply(target, args);
        } catch (err) {
          // Validation errors are thrown synchronously by some methods: make them async too.
          return Promise.reject(err);
        }
        if (result && typeof result.then === "function") {
          return result.then(
            (/** @type {unknown} */ value) => {
              noteOutcome(null);
              return value;
            },
            (/** @type {any} */ err) => {
              noteOutcome(err);
              if (err?.code === "API_ERROR" && err.status === 401) onUnauthorized?.(err);
              throw err;
            },
          );
        }
        return result;
      };
    },
  });
}

/**
 * Checks that `client` is allowed in, with the cheapest authenticated call there is.
 * @param {any} client
 */
export async function probe(client) {
  await client.listApps({ pageSize: 1 });
}

/** GET /api/health → { status, upstream }. Throws with a readable message. */
export async function fetchHealth() {
  let res;
  try {
    res = await fetch(HEALTH_URL, { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (err) {
    const unreachable = Object.assign(new Error(String(err)), { code: "NETWORK_ERROR" });
    noteOutcome(unreachable);
    throw unreachable;
  }
  noteOutcome(null);
  if (!res.ok) throw new Error(`The proxy's health check answered HTTP ${res.status}.`);
  return res.json();
}

/**
 * Every app (there are at most 10), default first.
 * @param {any} client
 * @returns {Promise<{ name: string, isDefault: boolean }[]>}
 */
export async function loadApps(client) {
  const page = await client.listApps({ pageSize: 50 });
  /** @type {{ name: string, isDefault: boolean }[]} */
  const apps = [...(page.items ?? [])];
  apps.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
  return apps;
}

/**
 * Every credential of every app (10 apps × 10 credentials at most).
 * @param {any} client
 * @param {object} [params]  filters of listCredentials
 * @returns {Promise<any[]>}
 */
export async function loadCredentials(client, params = {}) {
  /** @type {any[]} */
  const out = [];
  /** @type {string | undefined} */
  let pageToken;
  do {
    /** @type {{ items?: any[], nextPageToken?: string }} */
    const page = await client.listCredentials({ ...params, pageSize: 100, ...(pageToken ? { pageToken } : {}) });
    out.push(...(page.items ?? []));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

/** True when `err` is worth one more try later (the client already retried 429/503). */
export const isTransient = (/** @type {any} */ err) =>
  err?.code === "TIMEOUT" || err?.code === "NETWORK_ERROR" || (err?.code === "API_ERROR" && err.retryable === true);
