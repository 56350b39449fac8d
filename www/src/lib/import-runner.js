// @ts-check
// Registers validated import rows with bounded concurrency; pause, resume, cancel; one re-queue
// for rows that failed transiently (the client has already retried 429/503 itself).
//
// Rows are taken from a RowSource one at a time, so a million-row import holds as objects only
// the rows in flight, the re-queued ones and the ones waiting for their identity: the rest stay
// in the source's columnar table until their turn.
//
// Notify identities: the new API generates user IDs, so the first device of an identity is
// registered without one, its user ID is read back with getDeviceRegistration, and the
// identity's other devices are then registered with it. If that first device fails, the next one
// of the identity takes its place.
import { isTransient } from "./api.js";
import { errorMessage } from "./ui.js";

/** A promise that anyone can wait on until the next notify(). */
class Signal {
  /** @type {(() => void)[]} */
  #waiters = [];
  wait() {
    return new Promise((resolve) => this.#waiters.push(() => resolve(undefined)));
  }
  notify() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * "HTTP 404 · Twilio error 20404: User … was not found"
 * @param {any} err
 */
export function describeFailure(err) {
  const where = [err?.status ? `HTTP ${err.status}` : null, err?.twilioCode ? `Twilio error ${err.twilioCode}` : null]
    .filter(Boolean)
    .join(" · ");
  return { code: err?.code ?? "ERROR", message: `${where ? `${where}: ` : ""}${errorMessage(err)}` };
}

/** What the failure report says of a row that never went out because the import was canceled. */
export const CANCELED = { code: "CANCELED", message: "Not sent: the import was canceled." };

/**
 * The rows to send, in order, handed out one at a time: `next()` builds the next row object
 * (null at the end), `drain()` gives up the rest and says how many there were.
 * @typedef {{ readonly remaining: number, next(): any | null, drain(): number }} RowSource
 */

/**
 * An array of rows as a RowSource.
 * @param {any[]} rows
 * @returns {RowSource}
 */
export function arraySource(rows) {
  let i = 0;
  return {
    get remaining() {
      return rows.length - i;
    },
    next: () => (i < rows.length ? rows[i++] : null),
    drain() {
      const n = rows.length - i;
      i = rows.length;
      return n;
    },
  };
}

/**
 * @typedef {{ userId: string | null, leader: any, waiting: any[] }} IdentityGroup
 *   `leader`: the row bringing the identity's user ID back (null when none is on its way).
 */

/**
 * The identities of a run: the first row of an identity goes out alone, its other rows wait for
 * the user ID it brings back.
 * @param {Map<string, string>} knownUsers  identity key → user ID learned earlier (a resumed import)
 */
function identityGroups(knownUsers) {
  /** @type {Map<string, IdentityGroup>} */
  const groups = new Map();
  return {
    /**
     * Whether a row just taken can go out now; if not, it waits in its identity's group.
     * @param {any} row
     */
    admit(row) {
      if (!row.identity) return true;
      const key = `${row.appName}\u0000${row.identity}`;
      row.identityKey = key;
      const g = groups.get(key);
      if (!g) groups.set(key, { userId: knownUsers.get(key) ?? null, leader: row, waiting: [] });
      else if (!g.userId && !g.leader) g.leader = row;
      else if (!g.userId) {
        g.waiting.push(row);
        return false;
      }
      return true;
    },
    /** @param {any} row @returns {IdentityGroup | null} */
    of: (row) => (row.identityKey ? (groups.get(row.identityKey) ?? null) : null),
    waitingCount() {
      let n = 0;
      for (const g of groups.values()) n += g.waiting.length;
      return n;
    },
    /** Takes every waiting row out (the import is over). */
    drainWaiting() {
      const left = [];
      for (const g of groups.values()) left.push(...g.waiting.splice(0));
      return left;
    },
  };
}

/**
 * The next waiting row of an identity takes the place of a leader that brought no user ID back.
 * @param {IdentityGroup} g
 * @param {any[]} queue
 */
function promoteNext(g, queue) {
  const next = g.waiting.shift();
  g.leader = next ?? null;
  if (next) queue.push(next);
}

/**
 * A run's state, shared by the functions below.
 * @typedef {{ source: RowSource, queue: any[], groups: ReturnType<typeof identityGroups>, signal: Signal,
 *   state: "idle" | "running" | "paused" | "canceling" | "done", inflight: number,
 *   counts: { total: number, imported: number, failed: number, canceled: number, retried: number },
 *   activeMs: number, resumedAt: number, defaultApp: string, client: any, onChange: () => void,
 *   onRowDone: (row: any) => Promise<void>, retryDelayMs: number }} Run
 */

/**
 * The next row to send: fresh rows from the source first (those whose identity's user ID is not
 * known yet wait), then the re-queued ones (retries, released identity rows), as they came.
 * @param {Run} run
 */
function take(run) {
  for (;;) {
    const row = run.source.next();
    if (!row) return run.queue.shift() ?? null;
    row.appName ??= run.defaultApp;
    if (run.groups.admit(row)) return row;
  }
}

/**
 * Gives a row its final answer; journals it (onRowDone) before it is counted.
 * @param {Run} run
 * @param {any} row
 * @param {"imported" | "failed"} status
 * @param {{ code: string, message: string }} [failure]
 */
async function finish(run, row, status, failure) {
  row.status = status;
  if (failure) Object.assign(row, failure);
  try {
    await run.onRowDone(row);
  } catch (err) {
    // The journal could not be written: the row still counts; a resume would send it again,
    // which is safe (registration is idempotent).
    row.note = `Not journalled: ${errorMessage(err)}`;
  }
  run.counts[status]++;
}

/**
 * A registration failed: a transient failure goes round once more, anything else is final.
 * @param {Run} run
 * @param {any} row
 * @param {IdentityGroup | null} g
 * @param {any} err
 */
async function failOrRetry(run, row, g, err) {
  if (isTransient(err) && row.attempts < 1 && run.state !== "canceling") {
    row.attempts++;
    run.counts.retried++;
    // Wait out Retry-After when there is one (capped), then go to the back of the queue. The
    // row still counts as in flight meanwhile, so cancel and completion wait for it.
    await sleep(Math.min(5000, err.retryAfter ? err.retryAfter * 1000 : run.retryDelayMs));
    run.queue.push(row);
    return;
  }
  await finish(run, row, "failed", describeFailure(err));
  if (g && g.leader === row) promoteNext(g, run.queue);
}

/**
 * An identity's first device is registered: learn the identity's user ID from it and let the
 * identity's other devices go.
 * @param {Run} run
 * @param {any} row
 * @param {IdentityGroup} g
 * @param {{ resourceId: string }} written
 */
async function learnUserId(run, row, g, written) {
  try {
    const reg = await run.client.getDeviceRegistration({ deviceRegistrationId: written.resourceId });
    g.userId = reg.userId;
    row.userId = reg.userId;
    await finish(run, row, "imported");
    run.queue.push(...g.waiting);
    g.waiting = [];
  } catch (err) {
    row.note = `Registered, but its user ID could not be read (${describeFailure(err).message}); the identity's next device starts a new user.`;
    await finish(run, row, "imported");
    promoteNext(g, run.queue);
  }
}

/**
 * Registers one row. The client gets the row too, for adapters that need more of it than the
 * request's fields (the directory import reads its identity); the API client ignores it.
 * @param {Run} run
 * @param {any} row
 */
async function registerRow(run, row) {
  const g = run.groups.of(row);
  /** @type {Record<string, string>} */
  const params = { appName: row.appName, token: row.token, provider: row.provider };
  const userId = g ? g.userId : row.userId;
  if (userId) params.userId = userId;
  let written;
  try {
    written = await run.client.registerDevice(params, row);
  } catch (err) {
    await failOrRetry(run, row, g, err);
    return;
  }
  if (g && !g.userId) return learnUserId(run, row, g, written);
  if (userId) row.userId = userId;
  await finish(run, row, "imported");
}

/**
 * One of the run's `concurrency` loops: takes rows until there are none left (or the run is
 * canceled), waiting while paused or while rows in flight may still release others.
 * @param {Run} run
 */
async function worker(run) {
  for (;;) {
    if (run.state === "canceling") return;
    if (run.state === "paused") {
      await run.signal.wait();
      continue;
    }
    const row = take(run);
    if (!row) {
      if (run.inflight === 0) return;
      await run.signal.wait();
      continue;
    }
    run.inflight++;
    try {
      await registerRow(run, row);
    } catch (err) {
      // registerRow handles API errors; anything else is a bug worth reporting on the row.
      await finish(run, row, "failed", describeFailure(err));
    } finally {
      run.inflight--;
      run.signal.notify();
      run.onChange();
    }
  }
}

/**
 * The loops are over: whatever never went out (cancel) is accounted for as canceled.
 * @param {Run} run
 */
function settle(run) {
  run.activeMs = activeMs(run);
  run.resumedAt = 0;
  const left = [...run.queue.splice(0), ...run.groups.drainWaiting()];
  for (const row of left) Object.assign(row, { status: "canceled" }, CANCELED);
  run.counts.canceled += left.length + run.source.drain();
  run.state = "done";
  run.onChange();
  return run.counts;
}

/** Milliseconds spent running (pauses excluded). @param {Run} run */
const activeMs = (run) =>
  run.activeMs + (run.state === "running" && run.resumedAt ? performance.now() - run.resumedAt : 0);

/**
 * Options:
 * - `source`: the rows to send (status "pending"): { line, token, provider, appName, userId?, identity? }
 * - `defaultApp`: app for rows without appName
 * - `client`: { registerDevice(params, row), getDeviceRegistration(params) }
 * - `concurrency`: requests in flight at most
 * - `onChange`: called after every state change (throttle it when rendering)
 * - `onRowDone(row)`: awaited with each row once it has its final answer, before it is counted
 *   (the journal writes it there, so a row reported done is on disk)
 * - `knownUsers`: identity key → user ID learned earlier (a resumed import)
 * @param {{ source: RowSource, defaultApp: string, client: any, concurrency?: number, onChange?: () => void,
 *   onRowDone?: (row: any) => Promise<void>, knownUsers?: Map<string, string>, retryDelayMs?: number }} options
 */
export function createImportRunner({
  source,
  defaultApp,
  client,
  concurrency = 8,
  onChange = () => {},
  onRowDone = async () => {},
  knownUsers = new Map(),
  retryDelayMs = 500,
}) {
  /** @type {Run} */
  const run = {
    source,
    queue: [],
    groups: identityGroups(knownUsers),
    signal: new Signal(),
    state: "idle",
    inflight: 0,
    counts: { total: source.remaining, imported: 0, failed: 0, canceled: 0, retried: 0 },
    activeMs: 0,
    resumedAt: 0,
    defaultApp,
    client,
    onChange,
    onRowDone,
    retryDelayMs,
  };
  return runnerControls(run, concurrency);
}

/**
 * What the page sees of a run: its counts and state, start, pause, resume and cancel.
 * @param {Run} run
 * @param {number} concurrency
 */
function runnerControls(run, concurrency) {
  /** @type {Promise<Run["counts"]> | undefined} */
  let done;
  /** @param {Run["state"]} state */
  const enter = (state) => {
    run.state = state;
    if (state === "running") run.resumedAt = performance.now();
    run.onChange();
  };
  /** Stops the clock (pause, cancel). */
  const stopClock = () => {
    run.activeMs = activeMs(run);
    run.resumedAt = 0;
  };
  return {
    counts: run.counts,
    get state() {
      return run.state;
    },
    get remaining() {
      return run.queue.length + run.groups.waitingCount() + run.inflight + run.source.remaining;
    },
    get inflight() {
      return run.inflight;
    },
    /** Milliseconds spent running (pauses excluded). */
    get activeMs() {
      return activeMs(run);
    },
    start() {
      if (done) return done;
      enter("running");
      const loops = Array.from({ length: Math.max(1, concurrency) }, () => worker(run));
      done = Promise.all(loops).then(() => settle(run));
      return done;
    },
    pause() {
      if (run.state !== "running") return;
      stopClock();
      enter("paused");
    },
    resume() {
      if (run.state !== "paused") return;
      enter("running");
      run.signal.notify();
    },
    cancel() {
      if (run.state !== "running" && run.state !== "paused") return;
      stopClock();
      enter("canceling");
      run.signal.notify();
    },
  };
}
