// @ts-check
// The app endpoints: PUT /devices (launch and token refresh) and DELETE /devices (sign-out).
//
// A token belongs to exactly one of your users. PUT by user B of a token D1 has under user A
// moves it: in one D1 batch the row changes owner (compare-and-set on the old owner) and a
// `moved` event is written; then A's Twilio registration is rewritten without the device
// *before* the device is added to B's (sync.js), so it never sits in two registrations. Both
// users' leases are held for the whole change. previousToken (the token the installation had
// before) rotates the same row — or, if the new token already has a row, retires the old one.
import { inspectToken } from "twilio-push-wasm";
import { ANONYMOUS_PREFIX } from "./auth.js";
import { HttpError } from "./http.js";
import {
  ensureUserStmt,
  eventIf,
  getDevice,
  getUser,
  markPendingStmt,
  tokenHash,
  userLockKey,
  withLocks,
} from "./store.js";
import { SyncError, syncUser } from "./sync.js";

/** @typedef {import("./worker.js").Env} Env */
/** @typedef {import("./auth.js").Identity} Identity */
/** @typedef {import("./store.js").Store} Store */
/** @typedef {import("./store.js").DeviceRow} DeviceRow */
/** @typedef {import("./store.js").UserRow} UserRow */
/** @typedef {import("./store.js").NewEvent} NewEvent */
/** @typedef {import("twilio-push-wasm").PushClient} PushClient */
/** @typedef {import("twilio-push-wasm").Provider} Provider */
/** @typedef {import("twilio-push-wasm").AcceptedToken} AcceptedToken */
/**
 * A validated device body: the canonical token, and the one it replaces (previousToken, or the
 * installation's earlier token).
 * @typedef {{
 *   appName: string, current: AcceptedToken, previous: { provider: Provider, token: string } | null,
 *   installId: string | null,
 * }} DeviceInput
 */
/**
 * What an endpoint answers; `body` becomes the JSON answer.
 * @typedef {{ status: number, body: Record<string, unknown> }} Outcome
 */

const APP_NAME = /^[a-z0-9_]{1,64}$/;
const INSTALL_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Validates `{ token, provider?, appName, previousToken?, installId? }` with the token core. Returns the
 * canonical token(s) or throws 400 with the token core's code.
 * @param {Record<string, unknown>} body
 * @param {Env} env
 * @param {{ allowPrevious?: boolean }} [options] false: previousToken and installId are ignored
 * @returns {DeviceInput}
 */
export function readDeviceBody(body, env, { allowPrevious = true } = {}) {
  const { token, provider, appName, previousToken } = body;
  if (typeof appName !== "string" || !APP_NAME.test(appName)) {
    throw new HttpError(400, "VALIDATION_ERROR", "appName must be 1–64 characters of a–z, 0–9 and _.", {
      field: "appName",
    });
  }
  const allowed = (env.APP_NAMES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (allowed.length > 0 && !allowed.includes(appName)) {
    throw new HttpError(400, "APP_NOT_ALLOWED", `This directory does not serve the app "${appName}".`, {
      field: "appName",
    });
  }
  if (provider != null && provider !== "APN" && provider !== "FCM") {
    throw new HttpError(400, "VALIDATION_ERROR", 'provider must be "APN" or "FCM".', { field: "provider" });
  }
  /**
   * @param {unknown} value
   * @param {string} field
   * @param {Provider | null | undefined} p
   * @returns {AcceptedToken}
   */
  const check = (value, field, p) => {
    if (typeof value !== "string")
      throw new HttpError(400, "VALIDATION_ERROR", `${field} must be a string.`, { field });
    const report = inspectToken(value, p ?? undefined);
    if (!report.ok) {
      throw new HttpError(400, report.error.code, report.error.message, {
        field,
        ...(report.error.position != null ? { position: report.error.position } : {}),
      });
    }
    return report;
  };
  const current = check(token, "token", /** @type {Provider | null | undefined} */ (provider));
  let previous = null;
  if (allowPrevious && previousToken != null) {
    previous = check(previousToken, "previousToken", current.provider);
    if (previous.token === current.token) previous = null;
  }
  const { installId } = body;
  if (installId != null && (typeof installId !== "string" || !INSTALL_ID.test(installId))) {
    throw new HttpError(
      400,
      "VALIDATION_ERROR",
      "installId must be 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' and '-'.",
      {
        field: "installId",
      },
    );
  }
  return { appName, current, previous, installId: allowPrevious ? (installId ?? null) : null };
}

/** Live devices per user (MAX_DEVICES_PER_USER, default 20; Twilio holds at most 50). */
/** @param {Env} env */
const deviceCap = (env) => Math.min(Math.max(Number(env.MAX_DEVICES_PER_USER) || 20, 1), 50);

// The statements that retire the user's least recently seen live devices so that one more fits
// under the cap, with their `evicted_limit` events.
/**
 * @param {Store} store
 * @param {Env} env
 * @param {string} app
 * @param {string} userId
 * @param {Omit<NewEvent, "event">} base
 */
async function evictions(store, env, app, userId, base) {
  /** @type {Pick<DeviceRow, "device_id" | "provider" | "token">[]} */
  const live = await store.all(
    "SELECT device_id, provider, token FROM devices WHERE app = ?1 AND user_id = ?2 AND status IN ('active', 'pending') ORDER BY last_seen_at, device_id",
    app,
    userId,
  );
  const excess = live.length + 1 - deviceCap(env);
  const out = [];
  for (const d of live.slice(0, Math.max(0, excess))) {
    out.push(
      store.stmt(
        "UPDATE devices SET user_id = NULL, status = 'retired', updated_at = ?2 WHERE device_id = ?1 AND user_id = ?3",
        d.device_id,
        base.at,
        userId,
      ),
      eventIf(
        store,
        { deviceId: d.device_id, userId: null, token: d.token },
        {
          ...base,
          tokenHash: await tokenHash(d.provider, d.token),
          provider: d.provider,
          event: "evicted_limit",
          fromUser: userId,
          detail: `over ${deviceCap(env)} devices`,
        },
      ),
    );
  }
  return out;
}

/**
 * The user of a device registered without one: the token is its own user.
 * @param {string} provider
 * @param {string} token canonical
 */
const anonymousId = async (provider, token) => `${ANONYMOUS_PREFIX}${(await tokenHash(provider, token)).slice(0, 32)}`;

/**
 * The answer of PUT /devices.
 * @param {DeviceRow} device
 * @param {UserRow | null} user
 * @param {Record<string, unknown>} [extra]
 */
function answer(device, user, extra = {}) {
  return {
    deviceId: device.device_id,
    appName: device.app,
    token: device.token,
    provider: device.provider,
    userId: device.user_id,
    twilioUserId: user?.twilio_user_id ?? null,
    registrationId: user?.registration_id ?? null,
    state: device.status === "active" && user?.state === "synced" ? "active" : "pending",
    ...extra,
  };
}

/**
 * PUT /devices. Returns `{ status, body }`: 200 when Twilio holds the device, 202 when the
 * change is recorded but Twilio has not confirmed it (state "pending"; reconcile finishes it).
 * @param {{ store: Store, client: PushClient, env: Env, identity: Identity, input: DeviceInput, requestId: string }} ctx
 * @returns {Promise<Outcome>}
 */
export async function putDevice({ store, client, env, identity, input, requestId }) {
  const { appName: app, current, installId } = input;
  const { provider, token } = current;
  const userId = identity.userId ?? (await anonymousId(provider, token));
  let previous = input.previous;
  if (!previous && installId) {
    // The installation reports a token other than the one it had: a rotation, as previousToken.
    /** @type {Pick<DeviceRow, "provider" | "token" | "user_id"> | null} */
    const installed = await store.first(
      "SELECT provider, token, user_id FROM devices WHERE app = ?1 AND install_id = ?2",
      app,
      installId,
    );
    if (installed && installed.user_id === userId && installed.provider === provider && installed.token !== token) {
      previous = { provider, token: installed.token };
    }
  }
  const hash = await tokenHash(provider, token);
  const throttleMs = Number(env.LAST_SEEN_WRITE_INTERVAL_S ?? 3600) * 1000;
  const warnings = current.warnings.map((w) => w.code);

  for (let attempt = 0; attempt < 6; attempt++) {
    const seen = await getDevice(store, app, provider, token);
    // Launch heartbeat: the device is already this user's and Twilio has it. No lease, no
    // Twilio call; last_seen_at is written at most once per LAST_SEEN_WRITE_INTERVAL_S.
    if (
      !previous &&
      seen?.user_id === userId &&
      seen.status === "active" &&
      (!installId || seen.install_id === installId)
    ) {
      const user = await getUser(store, app, userId);
      if (user?.state === "synced") {
        const at = Date.now();
        if (at - seen.last_seen_at >= throttleMs) {
          await store.run("UPDATE devices SET last_seen_at = ?2 WHERE device_id = ?1", seen.device_id, at);
          seen.last_seen_at = at;
        }
        return { status: 200, body: answer(seen, user, { changed: false, warnings }) };
      }
    }
    const formerOwner = seen?.user_id && seen.user_id !== userId ? seen.user_id : null;
    const keys = [userLockKey(app, userId), ...(formerOwner ? [userLockKey(app, formerOwner)] : [])];
    const result = await withLocks(store, keys, async () => {
      const row = await getDevice(store, app, provider, token);
      if ((row?.user_id ?? null) !== (seen?.user_id ?? null)) return null; // changed hands meanwhile: again
      const at = Date.now();
      const statements = [ensureUserStmt(store, app, userId, identity.mode === "import" ? "import" : "app", at)];
      const base = { at, app, tokenHash: hash, provider, actor: identity.actor, detail: requestId };
      let deviceId = row?.device_id;
      let event = null;
      const old = previous ? await getDevice(store, app, previous.provider, previous.token) : null;
      const rotating = old && old.user_id === userId && old.status !== "retired";
      if (!row && rotating) {
        // The installation's token changed: the same row takes the new token.
        deviceId = old.device_id;
        statements.push(
          store.stmt(
            "UPDATE OR IGNORE devices SET token = ?2, status = 'pending', last_seen_at = ?3, updated_at = ?3 WHERE device_id = ?1 AND user_id = ?4",
            deviceId,
            token,
            at,
            userId,
          ),
        );
        event = {
          ...base,
          event: "token_rotated",
          fromUser: userId,
          toUser: userId,
          detail: `from ${await tokenHash(old.provider, old.token)}`, // old is previous's row
        };
      } else if (!row) {
        deviceId = crypto.randomUUID();
        statements.push(
          store.stmt(
            "INSERT INTO devices (device_id, app, provider, token, user_id, status, first_seen_at, last_seen_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6, ?6) ON CONFLICT DO NOTHING",
            deviceId,
            app,
            provider,
            token,
            userId,
            at,
          ),
        );
        event = { ...base, event: "registered", toUser: userId };
      } else if (row.user_id !== userId) {
        statements.push(
          store.stmt(
            "UPDATE devices SET user_id = ?2, status = 'pending', last_seen_at = ?3, updated_at = ?3 WHERE device_id = ?1 AND user_id IS ?4",
            row.device_id,
            userId,
            at,
            row.user_id,
          ),
        );
        event = formerOwner
          ? { ...base, event: "moved", fromUser: formerOwner, toUser: userId }
          : { ...base, event: "registered", toUser: userId, detail: `after ${row.status}` };
      } else if (row.status !== "active") {
        statements.push(
          store.stmt(
            "UPDATE devices SET status = 'pending', last_seen_at = ?2, updated_at = ?2 WHERE device_id = ?1",
            row.device_id,
            at,
          ),
        );
      } else {
        statements.push(store.stmt("UPDATE devices SET last_seen_at = ?2 WHERE device_id = ?1", row.device_id, at));
      }
      if (installId) {
        // One row per installation: whichever row had this installId gives it up first.
        statements.push(
          store.stmt(
            "UPDATE devices SET install_id = NULL WHERE app = ?1 AND install_id = ?2 AND device_id IS NOT ?3",
            app,
            installId,
            deviceId,
          ),
        );
      }
      if (installId) {
        statements.push(
          store.stmt(
            "UPDATE devices SET install_id = ?2 WHERE device_id = ?1 AND token = ?3",
            deviceId,
            installId,
            token,
          ),
        );
      }
      if (event) {
        // Every branch that sets an event has a device ID (the row's, the rotated row's, a new one).
        statements.push(eventIf(store, { deviceId: /** @type {string} */ (deviceId), userId, token }, event));
      }
      if (rotating && row) {
        // The new token already has a row (it was registered first): retire the old one.
        statements.push(
          store.stmt(
            "UPDATE devices SET user_id = NULL, status = 'retired', install_id = NULL, updated_at = ?2 WHERE device_id = ?1 AND user_id = ?3",
            old.device_id,
            at,
            userId,
          ),
          eventIf(
            store,
            { deviceId: old.device_id, userId: null, token: old.token },
            {
              ...base,
              tokenHash: await tokenHash(old.provider, old.token),
              event: "token_rotated",
              fromUser: userId,
              detail: `to ${hash}`,
            },
          ),
        );
      }
      if ((!row || row.user_id !== userId) && !rotating) {
        // A device joining the user (a rotation only swaps one): over the cap, the least
        // recently seen devices leave.
        statements.push(...(await evictions(store, env, app, userId, base)));
      }
      statements.push(markPendingStmt(store, app, userId, at));
      if (formerOwner) statements.push(markPendingStmt(store, app, formerOwner, at));
      await store.batch(statements);
      const written = await getDevice(store, app, provider, token);
      if (written?.user_id !== userId) return null; // lost a race for a new token: again

      // Device rows are never deleted (they stay for the history), so these re-reads find the row.
      let user;
      try {
        if (formerOwner) await syncUser(store, client, app, formerOwner);
        user = await syncUser(store, client, app, userId);
      } catch (e) {
        if (!(e instanceof SyncError)) throw e;
        const pending = await getDevice(store, app, provider, token);
        return {
          status: 202,
          body: answer(/** @type {DeviceRow} */ (pending), await getUser(store, app, userId), {
            changed: true,
            ...(formerOwner ? { movedFrom: formerOwner } : {}),
            error: { code: e.code, message: e.message },
            warnings,
          }),
        };
      }
      const done = await getDevice(store, app, provider, token);
      return {
        status: 200,
        body: answer(/** @type {DeviceRow} */ (done), user, {
          changed: true,
          ...(formerOwner ? { movedFrom: formerOwner } : {}),
          warnings,
        }),
      };
    });
    if (result) return result;
  }
  throw new HttpError(503, "DIRECTORY_BUSY", "The token kept changing hands; try again.", { retryable: true });
}

/**
 * DELETE /devices (sign-out or uninstall): the caller's device leaves the directory's user
 * and the user's Twilio registration; the row stays (status signed_out) for the history.
 * A token the caller does not own is left alone: `{ removed: false }`, same as a repeat.
 * `actorUserId` (admin): the owner to remove the device from, instead of the caller's.
 * @param {{
 *   store: Store, client: PushClient, identity: Identity, input: DeviceInput, requestId: string,
 *   actorUserId?: string | null,
 * }} ctx
 * @returns {Promise<Outcome>}
 */
export async function deleteDevice({ store, client, identity, input, requestId, actorUserId = null }) {
  const { appName: app, current } = input;
  const { provider, token } = current;
  const row0 = await getDevice(store, app, provider, token);
  const userId = actorUserId ?? identity.userId ?? (await anonymousId(provider, token));
  if (!row0 || row0.user_id !== userId) {
    return {
      status: 200,
      body: {
        appName: app,
        token,
        provider,
        removed: false,
        state: row0 && row0.user_id === null ? row0.status : "not_registered",
      },
    };
  }
  return withLocks(store, [userLockKey(app, userId)], async () => {
    const row = await getDevice(store, app, provider, token);
    if (row?.user_id !== userId) {
      // It moved to someone else (or was signed out) while we waited for the lease.
      return {
        status: 200,
        body: {
          appName: app,
          token,
          provider,
          removed: false,
          state: row && row.user_id === null ? row.status : "not_registered",
        },
      };
    }
    const at = Date.now();
    await store.batch([
      store.stmt(
        "UPDATE devices SET user_id = NULL, status = 'signed_out', updated_at = ?2 WHERE device_id = ?1 AND user_id = ?3",
        row0.device_id,
        at,
        userId,
      ),
      eventIf(
        store,
        { deviceId: row0.device_id, userId: null, token },
        {
          at,
          app,
          tokenHash: await tokenHash(provider, token),
          provider,
          event: identity.mode === "admin" ? "admin_removed" : "signed_out",
          fromUser: userId,
          actor: identity.actor,
          detail: requestId,
        },
      ),
      markPendingStmt(store, app, userId, at),
    ]);
    const body = { appName: app, token, provider, removed: true, userId };
    try {
      const user = await syncUser(store, client, app, userId);
      return { status: 200, body: { ...body, state: "signed_out", twilioUserId: user?.twilio_user_id ?? null } };
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      return { status: 202, body: { ...body, state: "pending", error: { code: e.code, message: e.message } } };
    }
  });
}
