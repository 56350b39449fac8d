// @ts-check
// The admin side (ADMIN_TOKEN): look-up by token or by your user ID, the user list with device
// counts, send to your user IDs, the mapping export, reconcile. The admin Worker (www/worker.js)
// forwards /api/directory/<route> here as /admin/<route> through a service binding.
import { inspectToken } from "twilio-push-wasm";
import { HttpError } from "./http.js";
import { getUser, tokenHash, userHistory, userLockKey, viewDevice, viewEvent, viewUser, withLocks } from "./store.js";
import { SyncError, syncUser } from "./sync.js";

/** @typedef {import("./store.js").Store} Store */
/** @typedef {import("./store.js").DeviceRow} DeviceRow */
/** @typedef {import("./store.js").UserRow} UserRow */
/** @typedef {import("./store.js").EventRow} EventRow */
/** @typedef {import("twilio-push-wasm").PushClient} PushClient */
/**
 * One user of the exported mapping, with its live devices.
 * @typedef {{
 *   appName: string, userId: string, twilioUserId: string | null, registrationId: string | null,
 *   state: string, devices: { provider: string, token: string, status: string, lastSeenAt: string }[],
 * }} MappedUser
 */
/**
 * One given user ID of a send, and what became of it.
 * @typedef {{
 *   index: number, userId: unknown, twilioUserId?: string | null, devices?: number, status: string,
 *   error?: { code: unknown, message: unknown }, operationId?: string,
 * }} Recipient
 */

const MAX_SEND_USERS = 10_000;

/**
 * The user as answered, with its devices and its latest history.
 * @param {Store} store
 * @param {UserRow} row
 */
async function userWithDevices(store, row) {
  /** @type {DeviceRow[]} */
  const devices = await store.all(
    "SELECT * FROM devices WHERE app = ?1 AND user_id = ?2 ORDER BY last_seen_at DESC",
    row.app,
    row.user_id,
  );
  return {
    ...viewUser(row),
    devices: devices.map(viewDevice),
    history: await userHistory(store, row.app, row.user_id, 50),
  };
}

/**
 * GET /admin/lookup?q=<token in any spelling, or your user ID>[&appName=][&provider=]
 * → `{ query, token, devices, users, history }`: `token` is the canonical form when q reads as
 * a token; `devices` the rows holding it (one per app); `users` the matching users (by your user
 * ID, or the token's owner) with their devices and history; `history` the token's own events.
 * @param {Store} store
 * @param {URLSearchParams} params
 */
export async function lookup(store, params) {
  const q = (params.get("q") ?? params.get("token") ?? params.get("userId") ?? "").trim();
  if (!q) throw new HttpError(400, "VALIDATION_ERROR", "Give q (a token or your user ID).", { field: "q" });
  const app = params.get("appName") || null;
  const provider = params.get("provider") || undefined;
  const appClause = " AND (?2 IS NULL OR app = ?2)";
  const report = inspectToken(q, provider === "APN" || provider === "FCM" ? provider : undefined);
  /** @type {DeviceRow[]} */
  let devices = [];
  /** @type {ReturnType<typeof viewEvent>[]} */
  let history = [];
  if (report.ok) {
    devices = await store.all(
      `SELECT * FROM devices WHERE provider = ?3 AND token = ?1${appClause}`,
      report.token,
      app,
      report.provider,
    );
    const hash = await tokenHash(report.provider, report.token);
    const ids = devices.map((d) => d.device_id);
    history = /** @type {EventRow[]} */ (
      await store.all(
        `SELECT * FROM token_events WHERE (token_hash = ?1 OR device_id IN (SELECT value FROM json_each(?2))) AND (?3 IS NULL OR app = ?3) ORDER BY id DESC LIMIT 200`,
        hash,
        JSON.stringify(ids),
        app,
      )
    ).map(viewEvent);
  }
  /** @type {UserRow[]} */
  const userRows = await store.all(
    `SELECT * FROM users WHERE (user_id = ?1 OR twilio_user_id = ?1)${appClause} ORDER BY app`,
    q,
    app,
  );
  for (const d of devices) {
    if (d.user_id && !userRows.some((u) => u.app === d.app && u.user_id === d.user_id)) {
      const owner = await getUser(store, d.app, d.user_id);
      if (owner) userRows.push(owner);
    }
  }
  const users = [];
  for (const row of userRows) users.push(await userWithDevices(store, row));
  return {
    query: q,
    token: report.ok ? { token: report.token, provider: report.provider, format: report.format } : null,
    tokenError: report.ok ? null : { code: report.error.code, message: report.error.message },
    devices: devices.map(viewDevice),
    users,
    history,
  };
}

/**
 * GET /admin/users?appName=&after=&limit= → `{ users: [{ ..., deviceCount, lastSeenAt }], next }`
 * in user-ID order (keyset pagination: `after` is the last user ID of the previous page).
 * @param {Store} store
 * @param {URLSearchParams} params
 */
export async function listUsers(store, params) {
  const app = params.get("appName");
  if (!app) throw new HttpError(400, "VALIDATION_ERROR", "Give appName.", { field: "appName" });
  const limit = Math.min(Math.max(Number(params.get("limit") ?? 50) || 50, 1), 500);
  const after = params.get("after") ?? "";
  /** @type {(UserRow & { device_count: number, last_seen: number | null })[]} */
  const rows = await store.all(
    `SELECT u.*, COUNT(d.device_id) AS device_count, MAX(d.last_seen_at) AS last_seen
     FROM users u LEFT JOIN devices d ON d.app = u.app AND d.user_id = u.user_id AND d.status IN ('active', 'pending')
     WHERE u.app = ?1 AND u.user_id > ?2 GROUP BY u.app, u.user_id ORDER BY u.user_id LIMIT ?3`,
    app,
    after,
    limit + 1,
  );
  const page = rows.slice(0, limit);
  return {
    users: page.map((r) => ({
      ...viewUser(r),
      deviceCount: r.device_count,
      lastSeenAt: r.last_seen ? new Date(r.last_seen).toISOString() : null,
    })),
    next: rows.length > limit ? page[page.length - 1].user_id : null,
  };
}

/**
 * Every user of an app (or all apps) with their live devices, read in pages of 500.
 * @param {Store} store
 * @param {string | null} app null: every app
 * @returns {Promise<MappedUser[]>}
 */
async function mapping(store, app) {
  /** @type {MappedUser[]} */
  const out = [];
  let after = ["", ""];
  for (;;) {
    /** @type {UserRow[]} */
    const rows = await store.all(
      `SELECT * FROM users WHERE (?1 IS NULL OR app = ?1) AND (app, user_id) > (?2, ?3) ORDER BY app, user_id LIMIT 500`,
      app,
      after[0],
      after[1],
    );
    if (rows.length === 0) break;
    /** @type {DeviceRow[]} */
    const devices = await store.all(
      `SELECT * FROM devices WHERE status IN ('active', 'pending') AND (app, user_id) IN (SELECT app, user_id FROM users WHERE (?1 IS NULL OR app = ?1) AND (app, user_id) > (?2, ?3) ORDER BY app, user_id LIMIT 500) ORDER BY first_seen_at`,
      app,
      after[0],
      after[1],
    );
    for (const u of rows) {
      out.push({
        appName: u.app,
        userId: u.user_id,
        twilioUserId: u.twilio_user_id,
        registrationId: u.registration_id,
        state: u.state,
        devices: devices
          .filter((d) => d.app === u.app && d.user_id === u.user_id)
          .map((d) => ({
            provider: d.provider,
            token: d.token,
            status: d.status,
            lastSeenAt: new Date(d.last_seen_at).toISOString(),
          })),
      });
    }
    const last = rows[rows.length - 1];
    after = [last.app, last.user_id];
  }
  return out;
}

// Tokens never start with = + - @ (APNs hex, FCM installation IDs start with c–f, legacy with A),
// so the formula guard only ever touches user IDs.
/** @param {unknown} v */
const csvCell = (v) => {
  let s = v == null ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * GET /admin/export?appName=&format=json|csv → the mapping: your user ID, Twilio user ID, tokens.
 * CSV: one line per device (a user without devices gets one line with empty device columns);
 * cells that a spreadsheet would run as a formula (= + - @) are prefixed with '.
 * @param {Store} store
 * @param {URLSearchParams} params
 * @returns {Promise<{ contentType: string, body: string }>}
 */
export async function exportMapping(store, params) {
  const app = params.get("appName") || null;
  const format = params.get("format") ?? "json";
  const users = await mapping(store, app);
  if (format === "json") return { contentType: "application/json", body: JSON.stringify({ users }) };
  if (format !== "csv")
    throw new HttpError(400, "VALIDATION_ERROR", 'format must be "json" or "csv".', { field: "format" });
  /** @type {(string | null)[][]} */
  const lines = [
    ["appName", "userId", "twilioUserId", "registrationId", "state", "provider", "token", "deviceStatus", "lastSeenAt"],
  ];
  for (const u of users) {
    const head = [u.appName, u.userId, u.twilioUserId, u.registrationId, u.state];
    if (u.devices.length === 0) lines.push([...head, "", "", "", ""]);
    for (const d of u.devices) lines.push([...head, d.provider, d.token, d.status, d.lastSeenAt]);
  }
  return {
    contentType: "text/csv; charset=utf-8",
    body: `${lines.map((l) => l.map(csvCell).join(",")).join("\r\n")}\r\n`,
  };
}

/**
 * Rewrites the Twilio registration of pending users (or of every user with `all`), one lease
 * each. Returns `{ checked, synced, failed: [{ appName, userId, code, message }] }`.
 * The options come from a request body as they are: `appName` is bound as given, `all` is
 * read as truthy, `limit` as a number (1–1000, default 100).
 * @param {Store} store
 * @param {PushClient} client
 * @param {{ appName?: unknown, all?: unknown, limit?: unknown }} [options]
 */
export async function reconcile(store, client, { appName = null, all = false, limit = 100 } = {}) {
  /** @type {Pick<UserRow, "app" | "user_id">[]} */
  const rows = await store.all(
    `SELECT app, user_id FROM users WHERE (?1 IS NULL OR app = ?1) AND (?2 OR state = 'pending') ORDER BY updated_at LIMIT ?3`,
    appName,
    all ? 1 : 0,
    Math.min(Math.max(Number(limit) || 100, 1), 1000),
  );
  /** @type {{ appName: string, userId: string, code: string, message: string }[]} */
  const failed = [];
  let synced = 0;
  // A user whose device is still in another pending user's registration fails with
  // TWILIO_CONFLICT until that user has been rewritten: such users get a second pass.
  let queue = rows;
  for (let pass = 0; pass < 2 && queue.length > 0; pass++) {
    const again = [];
    for (const r of queue) {
      try {
        await withLocks(store, [userLockKey(r.app, r.user_id)], () => syncUser(store, client, r.app, r.user_id), {
          waitMs: 2000,
        });
        synced++;
      } catch (e) {
        if (!(e instanceof SyncError) && !(e instanceof HttpError)) throw e;
        if (e instanceof HttpError && e.code === "DIRECTORY_UNAVAILABLE") throw e;
        if (pass === 0 && e.code === "TWILIO_CONFLICT") again.push(r);
        else failed.push({ appName: r.app, userId: r.user_id, code: e.code, message: e.message });
      }
    }
    queue = again;
  }
  return { checked: rows.length, synced, failed };
}

/**
 * POST /admin/send `{ appName, to: [{ userId }], content, priority?, sound?, tags? }` (or
 * `userIds: [...]`): your user IDs → Twilio user IDs, one send (batches of 10,000) with
 * `from: { appName }`. Each given ID is reported once: `sent`, `unknown` (not in the
 * directory), `no_devices`, `pending` (its Twilio registration could not be brought in line
 * with the directory, so sending could reach a device that has left it) or `duplicate`. Never
 * retried, and no Twilio user is addressed twice.
 * @param {Store} store
 * @param {PushClient} client
 * @param {Record<string, unknown>} body
 */
export async function sendToUsers(store, client, body) {
  const { appName, content, priority, sound, tags } = body;
  const given = Array.isArray(body.userIds)
    ? body.userIds
    : Array.isArray(body.to)
      ? body.to.map((r) => r?.userId ?? r?.externalUserId)
      : null;
  if (typeof appName !== "string" || !appName) {
    throw new HttpError(400, "VALIDATION_ERROR", "Give appName.", { field: "appName" });
  }
  if (!given || given.length === 0 || given.length > MAX_SEND_USERS) {
    throw new HttpError(400, "VALIDATION_ERROR", `Give to: [{ userId }] (1 to ${MAX_SEND_USERS}).`, { field: "to" });
  }
  /** @type {Recipient[]} */
  const recipients = [];
  const seen = new Set();
  /** @type {Map<string, Recipient>} */
  const byTwilio = new Map();
  for (const [index, id] of given.entries()) {
    if (typeof id !== "string" || !id) {
      recipients.push({ index, userId: id ?? null, status: "invalid" });
      continue;
    }
    if (seen.has(id)) {
      recipients.push({ index, userId: id, status: "duplicate" });
      continue;
    }
    seen.add(id);
    let user = await getUser(store, appName, id);
    if (!user) {
      recipients.push({ index, userId: id, status: "unknown" });
      continue;
    }
    if (user.state === "pending") {
      try {
        // User rows are never deleted, so the rewrite answers the row.
        user = /** @type {UserRow} */ (
          await withLocks(store, [userLockKey(appName, id)], () => syncUser(store, client, appName, id), {
            waitMs: 2000,
          })
        );
      } catch (e) {
        if (e instanceof HttpError && e.code === "DIRECTORY_UNAVAILABLE") throw e;
        recipients.push({ index, userId: id, twilioUserId: user.twilio_user_id, status: "pending" });
        continue;
      }
    }
    const live = /** @type {{ n: number }} */ (
      await store.first(
        "SELECT COUNT(*) AS n FROM devices WHERE app = ?1 AND user_id = ?2 AND status = 'active'",
        appName,
        id,
      )
    );
    if (!user.twilio_user_id || live.n === 0) {
      recipients.push({ index, userId: id, twilioUserId: user.twilio_user_id, status: "no_devices" });
      continue;
    }
    if (byTwilio.has(user.twilio_user_id)) {
      recipients.push({ index, userId: id, twilioUserId: user.twilio_user_id, status: "duplicate" });
      continue;
    }
    const r = { index, userId: id, twilioUserId: user.twilio_user_id, devices: live.n, status: "sent" };
    byTwilio.set(user.twilio_user_id, r);
    recipients.push(r);
  }
  const to = [...byTwilio.keys()].map((userId) => ({ userId }));
  if (to.length === 0) return { status: 200, body: { operations: [], recipients, sent: 0 } };
  // The client validates content, priority, sound and tags as given (ValidationError → 400).
  const params = /** @type {import("twilio-push-wasm").SendPushInBatchesParams} */ ({
    to,
    content,
    from: { appName },
    ...(priority != null ? { priority } : {}),
    ...(sound != null ? { sound } : {}),
    ...(tags != null ? { tags } : {}),
  });
  let result;
  try {
    result = await client.sendPushInBatches(params);
  } catch (e) {
    if (e?.code === "VALIDATION_ERROR") throw new HttpError(400, "VALIDATION_ERROR", e.message, { field: e.field });
    throw new HttpError(502, "TWILIO_FAILED", `The send failed: ${e?.message}`);
  }
  for (const f of result.failed ?? []) {
    for (let i = f.firstIndex; i < f.firstIndex + f.recipients; i++) {
      const r = /** @type {Recipient} */ (byTwilio.get(to[i].userId));
      r.status = "failed";
      r.error = { code: f.error?.code, message: f.error?.message };
    }
  }
  for (const op of result.operations ?? []) {
    for (let i = op.firstIndex; i < op.firstIndex + op.recipients; i++)
      /** @type {Recipient} */ (byTwilio.get(to[i].userId)).operationId = op.operationId;
  }
  return {
    status: 200,
    body: {
      operations: (result.operations ?? []).map((o) => o.operationId),
      recipients,
      sent: recipients.filter((r) => r.status === "sent").length,
    },
  };
}
