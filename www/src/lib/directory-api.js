// The directory's admin routes, reached through the admin Worker under /api/directory/ with
// the same admin token as the proxy (the directory checks it itself).
import { storedToken } from "./api.js";

export const DIRECTORY_BASE = "/api/directory";

/** An error from the directory, shaped like the client's errors for errorBox/showFormError. */
class DirectoryError extends Error {
  /**
   * @param {any} body  the directory's JSON answer, if any
   * @param {number} status
   */
  constructor(body, status) {
    super(body?.message ?? `The directory answered HTTP ${status}.`);
    this.code = body?.code ?? "API_ERROR";
    this.status = status;
    this.field = body?.field;
    this.body = body;
  }
}

/**
 * Calls a directory route. JSON answers are parsed; `{ text: true }` returns the body as text
 * (exports). Throws a DirectoryError with `code`, `status`, `field`.
 * @param {string} route e.g. "lookup?q=…"
 * @param {{ method?: string, body?: unknown, text?: boolean }} [options]
 */
export async function directory(route, { method = "GET", body, text = false } = {}) {
  let res;
  try {
    res = await fetch(`${DIRECTORY_BASE}/${route}`, {
      method,
      headers: {
        Accept: "application/json",
        Authorization: `Bearer ${storedToken() ?? ""}`,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    const e = new DirectoryError(
      { code: "NETWORK_ERROR", message: `Could not reach the directory: ${err.message}` },
      0,
    );
    throw e;
  }
  if (text && res.ok) return res.text();
  let parsed = null;
  try {
    parsed = await res.json();
  } catch {
    /* not JSON: reported below */
  }
  if (!res.ok || parsed === null) throw new DirectoryError(parsed, res.status);
  return parsed;
}
