// @ts-check
// The directory's D1 access: rows, history events and the per-user leases. Every D1 failure
// becomes a 503 DIRECTORY_UNAVAILABLE answer (HttpError), so a caller never gets a half answer.
import { HttpError } from "./http.js";

/**
 * A `devices` row (migrations/): one per (app, provider, canonical token). Times are ms since the epoch.
 * @typedef {{
 *   device_id: string, app: string, provider: "APN" | "FCM", token: string, user_id: string | null,
 *   status: "active" | "pending" | "signed_out" | "retired", install_id: string | null,
 *   first_seen_at: number, last_seen_at: number, updated_at: number,
 * }} DeviceRow
 */
/**
 * A `users` row: one per (app, your user ID).
 * @typedef {{
 *   app: string, user_id: string, twilio_user_id: string | null, registration_id: string | null,
 *   state: "synced" | "pending", last_error: string | null, source: string,
 *   created_at: number, updated_at: number,
 * }} UserRow
 */
/**
 * A `token_events` row: one change of a token's owner or state.
 * @typedef {{
 *   id: number, at: number, app: string, device_id: string, token_hash: string, provider: string,
 *   event: string, from_user: string | null, to_user: string | null, actor: string, detail: string | null,
 * }} EventRow
 */
/**
 * A history event to write (`eventIf`); `tokenHash` names the token.
 * @typedef {{
 *   at: number, app: string, tokenHash: string, provider: string, event: string,
 *   fromUser?: string | null, toUser?: string | null, actor: string, detail?: string | null,
 * }} NewEvent
 */
/** @typedef {ReturnType<typeof openStore>} Store */

/** Devices in these states are in (or on their way into) their owner's Twilio registration. */
export const LIVE = ["active", "pending"];

/**
 * @param {unknown} e what D1 threw
 * @returns {HttpError}
 */
function unavailable(e) {
  if (e instanceof HttpError) return e;
  const error = new HttpError(503, "DIRECTORY_UNAVAILABLE", "The directory's database is unavailable; try again.");
  error.cause = e;
  return error;
}

/**
 * Wraps a D1 database: `all`, `first`, `run`, `batch` turn any failure into a 503 HttpError.
 * @param {D1Database | undefined} db
 */
export function openStore(db) {
  if (!db) throw new HttpError(503, "DIRECTORY_UNAVAILABLE", "The directory has no database (bind D1 as DB).");
  /**
   * @template R
   * @param {() => Promise<R>} f
   * @returns {Promise<R>}
   */
  const call = async (f) => {
    try {
      return await f();
    } catch (e) {
      throw unavailable(e);
    }
  };
  /**
   * A statement with its parameters bound, for `batch`.
   * @param {string} sql
   * @param {...unknown} args
   */
  const stmt = (sql, ...args) => db.prepare(sql).bind(...args);
  return {
    stmt,
    /**
     * Every row; `T` is what the caller knows the query selects.
     * @template {Record<string, any>} [T=Record<string, any>]
     * @param {string} sql
     * @param {...unknown} args
     * @returns {Promise<T[]>}
     */
    all: (sql, ...args) => call(async () => /** @type {T[]} */ ((await stmt(sql, ...args).all()).results)),
    /**
     * The first row, or null.
     * @template {Record<string, any>} [T=Record<string, any>]
     * @param {string} sql
     * @param {...unknown} args
     * @returns {Promise<T | null>}
     */
    first: (sql, ...args) => call(async () => /** @type {T | null} */ (await stmt(sql, ...args).first())),
    /**
     * @param {string} sql
     * @param {...unknown} args
     */
    run: (sql, ...args) => call(() => stmt(sql, ...args).run()),
    /** @param {D1PreparedStatement[]} statements all of them commit, or none */
    batch: (statements) => call(() => db.batch(statements)),
  };
}

/**
 * SHA-256 (hex) of "provider:canonical token": how history events name a token.
 * @param {string} provider
 * @param {string} token canonical
 */
export async function tokenHash(provider, token) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${provider}:${token}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The device row of a canonical token, or null.
 * @param {Store} store
 * @param {string} app
 * @param {string} provider
 * @param {string} token canonical
 * @returns {Promise<DeviceRow | null>}
 */
export const getDevice = (store, app, provider, token) =>
  store.first("SELECT * FROM devices WHERE app = ?1 AND provider = ?2 AND token = ?3", app, provider, token);

/**
 * The user row of your user ID, or null.
 * @param {Store} store
 * @param {string} app
 * @param {string} userId
 * @returns {Promise<UserRow | null>}
 */
export const getUser = (store, app, userId) =>
  store.first("SELECT * FROM users WHERE app = ?1 AND user_id = ?2", app, userId);

/**
 * The user's devices that belong in its Twilio registration, oldest first.
 * @param {Store} store
 * @param {string} app
 * @param {string} userId
 * @returns {Promise<DeviceRow[]>}
 */
export const liveDevices = (store, app, userId) =>
  store.all(
    "SELECT * FROM devices WHERE app = ?1 AND user_id = ?2 AND status IN ('active', 'pending') ORDER BY first_seen_at, device_id",
    app,
    userId,
  );

/**
 * A statement that records a history event only if the device row is (still) in the state the
 * caller wrote in the same batch — so an insert or compare-and-set that lost a race records
 * nothing. `expect` = { deviceId, userId (null for none), token }.
 * @param {Store} store
 * @param {{ deviceId: string, userId: string | null, token: string }} expect
 * @param {NewEvent} event
 */
export function eventIf(store, expect, event) {
  return store.stmt(
    `INSERT INTO token_events (at, app, device_id, token_hash, provider, event, from_user, to_user, actor, detail)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
     WHERE EXISTS (SELECT 1 FROM devices WHERE device_id = ?3 AND user_id IS ?11 AND token = ?12)`,
    event.at,
    event.app,
    expect.deviceId,
    event.tokenHash,
    event.provider,
    event.event,
    event.fromUser ?? null,
    event.toUser ?? null,
    event.actor,
    event.detail ?? null,
    expect.userId,
    expect.token,
  );
}

/**
 * The statement that creates the user's row if it does not exist (state pending).
 * @param {Store} store
 * @param {string} app
 * @param {string} userId
 * @param {string} source "app" or "import"
 * @param {number} at
 */
export function ensureUserStmt(store, app, userId, source, at) {
  return store.stmt(
    "INSERT INTO users (app, user_id, state, source, created_at, updated_at) VALUES (?1, ?2, 'pending', ?3, ?4, ?4) ON CONFLICT (app, user_id) DO NOTHING",
    app,
    userId,
    source,
    at,
  );
}

/**
 * The statement that marks a user as waiting for its Twilio registration to be rewritten.
 * @param {Store} store
 * @param {string} app
 * @param {string} userId
 * @param {number} at
 */
export function markPendingStmt(store, app, userId, at) {
  return store.stmt(
    "UPDATE users SET state = 'pending', updated_at = ?3 WHERE app = ?1 AND user_id = ?2",
    app,
    userId,
    at,
  );
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The lease key of one user's Twilio registration.
 * @param {string} app
 * @param {string} userId
 */
export const userLockKey = (app, userId) => `user:${app}:${userId}`;

/**
 * Runs `f` holding the leases `keys` (taken in sorted order, so two callers needing the same
 * pair never wait on each other in a cycle). A lease expires after `ttlMs` (a Worker that died
 * holding one blocks others only that long); waiting longer than `waitMs` → 503 DIRECTORY_BUSY.
 * @template T
 * @param {ReturnType<typeof openStore>} store
 * @param {string[]} keys
 * @param {() => Promise<T>} f
 * @param {{ ttlMs?: number, waitMs?: number }} [options]
 * @returns {Promise<T>}
 */
export async function withLocks(store, keys, f, { ttlMs = 60_000, waitMs = 25_000 } = {}) {
  const holder = crypto.randomUUID();
  const sorted = [...new Set(keys)].sort();
  const held = [];
  const deadline = Date.now() + waitMs;
  try {
    for (const key of sorted) {
      for (let attempt = 0; ; attempt++) {
        const t = Date.now();
        const result = await store.run(
          `INSERT INTO locks (key, holder, expires_at) VALUES (?1, ?2, ?3)
           ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE locks.expires_at < ?4`,
          key,
          holder,
          t + ttlMs,
          t,
        );
        if (result.meta.changes > 0) break;
        if (Date.now() > deadline) {
          throw new HttpError(503, "DIRECTORY_BUSY", "Another change to this user is in progress; try again.", {
            retryable: true,
          });
        }
        await sleep(5 + Math.random() * Math.min(100, 10 * 2 ** Math.min(attempt, 4)));
      }
      held.push(key);
    }
    return await f();
  } finally {
    for (const key of held) {
      await store.run("DELETE FROM locks WHERE key = ?1 AND holder = ?2", key, holder).catch(() => {});
    }
  }
}

/**
 * A user's history: events where the user is the new or the previous owner, newest first.
 * @param {Store} store
 * @param {string} app
 * @param {string} userId
 * @param {number} [limit]
 */
export async function userHistory(store, app, userId, limit = 100) {
  /** @type {EventRow[]} */
  const rows = await store.all(
    `SELECT * FROM token_events WHERE app = ?1 AND (to_user = ?2 OR from_user = ?2) ORDER BY id DESC LIMIT ?3`,
    app,
    userId,
    limit,
  );
  return rows.map(viewEvent);
}

/**
 * The history row as answered: camelCase, the token only as its hash.
 * @param {EventRow} row
 */
export function viewEvent(row) {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    appName: row.app,
    deviceId: row.device_id,
    tokenHash: row.token_hash,
    provider: row.provider,
    event: row.event,
    fromUser: row.from_user,
    toUser: row.to_user,
    actor: row.actor,
    detail: row.detail,
  };
}

/**
 * The device row as answered.
 * @param {DeviceRow} row
 */
export function viewDevice(row) {
  return {
    deviceId: row.device_id,
    appName: row.app,
    provider: row.provider,
    token: row.token,
    userId: row.user_id,
    status: row.status,
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * The user row as answered.
 * @param {UserRow} row
 */
export function viewUser(row) {
  return {
    appName: row.app,
    userId: row.user_id,
    twilioUserId: row.twilio_user_id,
    registrationId: row.registration_id,
    state: row.state,
    lastError: row.last_error,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
