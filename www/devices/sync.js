// @ts-check
// Keeps each user's Twilio DeviceRegistration equal to the user's live devices in D1.
//
// The API keeps one registration per user per app and can only add a device to it (register)
// or delete the registration as a whole. So taking one device out (a move to another user, a
// sign-out, a rotated token) means: delete the user's registration, then register the devices
// that remain under the same Twilio userId (the user survives the deletion of its registration;
// if Twilio says it does not, a new Twilio user is made and recorded). A send to the user in
// that short window misses the remaining devices; it never reaches the device that left.
//
// D1 is the truth and this is idempotent: it reads what Twilio has, computes the difference and
// applies it, so the same call finishes any change that was cut short — Twilio failing after the
// D1 write, or D1 failing after Twilio succeeded. The caller must hold the user's lease.
import { LIVE, getUser, liveDevices, markPendingStmt } from "./store.js";

/** @typedef {import("./store.js").Store} Store */
/** @typedef {import("./store.js").DeviceRow} DeviceRow */
/** @typedef {import("./store.js").UserRow} UserRow */
/** @typedef {import("twilio-push-wasm").PushClient} PushClient */

/** A Twilio failure while rewriting a registration (the user stays `pending`). */
export class SyncError extends Error {
  /**
   * @param {string} code TWILIO_FAILED or TWILIO_CONFLICT
   * @param {string} message
   * @param {unknown} [cause] what the client threw
   */
  constructor(code, message, cause) {
    super(message);
    this.code = code;
    this.cause = cause;
  }
}

/**
 * How a device is compared between D1 and Twilio (APNs hex in any case is one device).
 * @param {string | undefined} provider
 * @param {string} token
 */
const deviceKey = (provider, token) => `${provider}:${provider === "APN" ? token.toLowerCase() : token}`;
/** @param {any} e what the client threw */
const isNotFound = (e) => e?.code === "API_ERROR" && e.status === 404;

/**
 * Makes Twilio hold exactly the user's live devices; on success marks the user `synced` and its
 * devices `active`. Returns the user row as written. Throws SyncError (Twilio) or HttpError (D1);
 * on a Twilio failure the user is left `pending` with `last_error`.
 * @param {Store} store
 * @param {PushClient} client
 * @param {string} app
 * @param {string} userId
 * @returns {Promise<UserRow | null>} null when the user has no row
 */
export async function syncUser(store, client, app, userId) {
  try {
    return await syncOnce(store, client, app, userId, true);
  } catch (e) {
    if (e instanceof SyncError) {
      await store
        .run(
          "UPDATE users SET state = 'pending', last_error = ?3, updated_at = ?4 WHERE app = ?1 AND user_id = ?2",
          app,
          userId,
          `${e.code}: ${e.message}`.slice(0, 500),
          Date.now(),
        )
        .catch(() => {});
    }
    throw e;
  }
}

/**
 * Runs one Twilio call; any failure becomes a SyncError naming `what` was being done.
 * @template T
 * @param {string} what
 * @param {() => Promise<T>} f
 * @returns {Promise<T>}
 */
async function twilio(what, f) {
  try {
    return await f();
  } catch (e) {
    const detail = e?.status ? `HTTP ${e.status}` : (e?.code ?? "error");
    throw new SyncError("TWILIO_FAILED", `${what} failed (${detail}): ${e?.message ?? e}`, e);
  }
}

/**
 * One attempt of `syncUser`; `mayRecreate`: a user Twilio no longer knows may be replaced once.
 * @param {Store} store
 * @param {PushClient} client
 * @param {string} app
 * @param {string} userId
 * @param {boolean} mayRecreate
 * @returns {Promise<UserRow | null>}
 */
async function syncOnce(store, client, app, userId, mayRecreate) {
  const user = await getUser(store, app, userId);
  if (!user) return null;
  const desired = await liveDevices(store, app, userId);
  let twilioUserId = user.twilio_user_id;

  if (!twilioUserId) {
    if (desired.length === 0) return markSynced(store, app, userId, null, []);
    // The API creates users only by registering a device without a userId.
    const first = desired[0];
    const written = await twilio("Registering the user's first device", () =>
      client.registerDevice({ appName: app, token: first.token, provider: first.provider }),
    );
    const registration = await twilio("Reading the new registration", () =>
      client.getDeviceRegistration({ deviceRegistrationId: written.resourceId }),
    );
    /** @type {{ user_id: string } | null} */
    const owner = await store.first(
      "SELECT user_id FROM users WHERE app = ?1 AND twilio_user_id = ?2",
      app,
      registration.userId,
    );
    if (owner && owner.user_id !== userId) {
      // Twilio still has this token in another user's registration (its removal was cut short):
      // that user needs its own rewrite first; reconcile will do it.
      await store.batch([markPendingStmt(store, app, owner.user_id, Date.now())]);
      throw new SyncError(
        "TWILIO_CONFLICT",
        `Twilio still lists this device under ${owner.user_id}'s registration; reconcile that user first.`,
      );
    }
    await store.run(
      "UPDATE users SET twilio_user_id = ?3, updated_at = ?4 WHERE app = ?1 AND user_id = ?2 AND twilio_user_id IS NULL",
      app,
      userId,
      registration.userId,
      Date.now(),
    );
    twilioUserId = registration.userId;
  }

  const listed = await twilio("Listing the user's registration", () =>
    client.listDeviceRegistrations({ userId: twilioUserId, appName: app, pageSize: 50 }),
  );
  const registration = (listed.items ?? []).find((r) => r.appName === app) ?? null;
  const current = registration?.devices ?? [];
  const wanted = new Set(desired.map((d) => deviceKey(d.provider, d.token)));
  const present = new Set(current.map((d) => deviceKey(d.provider, d.token)));
  const extras = current.filter((d) => !wanted.has(deviceKey(d.provider, d.token)));
  let missing = desired.filter((d) => !present.has(deviceKey(d.provider, d.token)));
  let registrationId = registration?.id ?? null;

  if (extras.length > 0 && registration) {
    await twilio("Deleting the registration to take devices out", async () => {
      try {
        await client.deleteDeviceRegistration({ deviceRegistrationId: registration.id });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    });
    registrationId = null;
    missing = desired;
  }
  for (const d of missing) {
    let written;
    try {
      written = await client.registerDevice({
        appName: app,
        token: d.token,
        provider: d.provider,
        userId: twilioUserId,
      });
    } catch (e) {
      if (isNotFound(e) && mayRecreate) {
        // Twilio no longer knows the user: forget it and start again with a new one.
        await store.run(
          "UPDATE users SET twilio_user_id = NULL, registration_id = NULL WHERE app = ?1 AND user_id = ?2",
          app,
          userId,
        );
        return syncOnce(store, client, app, userId, false);
      }
      throw new SyncError("TWILIO_FAILED", `Registering a device failed (HTTP ${e?.status ?? "-"}): ${e?.message}`, e);
    }
    registrationId = written.resourceId;
  }
  return markSynced(store, app, userId, registrationId, desired);
}

/**
 * Records that Twilio holds exactly `desired`: the user `synced`, those devices `active`.
 * @param {Store} store
 * @param {string} app
 * @param {string} userId
 * @param {string | null} registrationId
 * @param {DeviceRow[]} desired
 */
async function markSynced(store, app, userId, registrationId, desired) {
  const at = Date.now();
  const ids = desired.map((d) => d.device_id);
  const statements = [
    store.stmt(
      "UPDATE users SET state = 'synced', registration_id = ?3, last_error = NULL, updated_at = ?4 WHERE app = ?1 AND user_id = ?2",
      app,
      userId,
      registrationId,
      at,
    ),
    ...ids.map((id) =>
      store.stmt(
        `UPDATE devices SET status = 'active', updated_at = ?2 WHERE device_id = ?1 AND status IN (${LIVE.map((s) => `'${s}'`).join(", ")})`,
        id,
        at,
      ),
    ),
  ];
  await store.batch(statements);
  return getUser(store, app, userId);
}
