// @ts-check
// Registers validated import rows with bounded concurrency; pause, resume, cancel; one re-queue
// for rows that failed transiently (the client has already retried 429/503 itself).
//
// Notify identities: the new API generates user IDs, so the first device of an identity is
// registered without one, its user ID is read back with getDeviceRegistration, and the
// identity's other devices are then registered with it. If that first device fails, the next one
// of the identity takes its place.
import { isTransient } from "./api.js";
import { errorMessage } from "./ui.js";

/** A promise that anyone can wait on until the next notify(). */
class Signal {
  #waiters = [];
  wait() {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  notify() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** "HTTP 404 · Twilio error 20404: User … was not found" */
export function describeFailure(err) {
  const where = [err?.status ? `HTTP ${err.status}` : null, err?.twilioCode ? `Twilio error ${err.twilioCode}` : null]
    .filter(Boolean)
    .join(" · ");
  return { code: err?.code ?? "ERROR", message: `${where ? `${where}: ` : ""}${errorMessage(err)}` };
}

/**
 * Options:
 * - `rows`: rows with status "pending": { line, token, provider, appName, userId?, identity? }
 * - `defaultApp`: app for rows without appName
 * - `client`: { registerDevice(params), getDeviceRegistration(params) }
 * - `concurrency`: requests in flight at most
 * - `onChange`: called after every state change (throttle it when rendering)
 * - `onRowDone(row)`: awaited with each row once it has its final answer, before it is counted
 *   (the journal writes it there, so a row reported done is on disk)
 * - `knownUsers`: identity key → user ID learned earlier (a resumed import)
 * @param {{ rows: any[], defaultApp: string, client: any, concurrency?: number, onChange?: () => void,
 *   onRowDone?: (row: any) => Promise<void>, knownUsers?: Map<string, string>, retryDelayMs?: number }} options
 */
export function createImportRunner({
  rows,
  defaultApp,
  client,
  concurrency = 8,
  onChange = () => {},
  onRowDone = async () => {},
  knownUsers = new Map(),
  retryDelayMs = 500,
}) {
  const queue = [];
  const groups = new Map();
  const signal = new Signal();
  let state = "idle"; // idle | running | paused | canceling | done
  let inflight = 0;
  const counts = { total: rows.length, imported: 0, failed: 0, canceled: 0, retried: 0 };
  let activeMs = 0;
  let resumedAt = 0;

  for (const row of rows) {
    row.appName ??= defaultApp;
    if (row.identity) {
      const key = `${row.appName}\u0000${row.identity}`;
      row.identityKey = key;
      let g = groups.get(key);
      if (!g) {
        g = { userId: knownUsers.get(key) ?? null, leader: row, waiting: [] };
        groups.set(key, g);
        queue.push(row);
      } else if (g.userId) queue.push(row);
      else g.waiting.push(row);
    } else queue.push(row);
  }

  const waitingCount = () => {
    let n = 0;
    for (const g of groups.values()) n += g.waiting.length;
    return n;
  };

  async function finish(row, status, failure) {
    row.status = status;
    if (failure) Object.assign(row, failure);
    try {
      await onRowDone(row);
    } catch (err) {
      // The journal could not be written: the row still counts; a resume would send it again,
      // which is safe (registration is idempotent).
      row.note = `Not journalled: ${errorMessage(err)}`;
    }
    counts[status === "imported" ? "imported" : "failed"]++;
  }

  async function registerRow(row) {
    const g = row.identityKey ? groups.get(row.identityKey) : null;
    const params = { appName: row.appName, token: row.token, provider: row.provider };
    const userId = g ? g.userId : row.userId;
    if (userId) params.userId = userId;
    let written;
    try {
      written = await client.registerDevice(params);
    } catch (err) {
      if (isTransient(err) && row.attempts < 1 && state !== "canceling") {
        row.attempts++;
        counts.retried++;
        // Wait out Retry-After when there is one (capped), then go to the back of the queue. The
        // row still counts as in flight meanwhile, so cancel and completion wait for it.
        await sleep(Math.min(5000, err.retryAfter ? err.retryAfter * 1000 : retryDelayMs));
        queue.push(row);
        return;
      }
      await finish(row, "failed", describeFailure(err));
      if (g && g.leader === row) promoteNext(g);
      return;
    }
    if (g && !g.userId) {
      // Learn the identity's user ID from the registration just made.
      try {
        const reg = await client.getDeviceRegistration({ deviceRegistrationId: written.resourceId });
        g.userId = reg.userId;
        row.userId = reg.userId;
        await finish(row, "imported");
        queue.push(...g.waiting);
        g.waiting = [];
      } catch (err) {
        row.note = `Registered, but its user ID could not be read (${describeFailure(err).message}); the identity's next device starts a new user.`;
        await finish(row, "imported");
        promoteNext(g);
      }
      return;
    }
    if (userId) row.userId = userId;
    await finish(row, "imported");
  }

  function promoteNext(g) {
    const next = g.waiting.shift();
    if (next) {
      g.leader = next;
      queue.push(next);
    }
  }

  async function worker() {
    for (;;) {
      if (state === "canceling") return;
      if (state === "paused") {
        await signal.wait();
        continue;
      }
      const row = queue.shift();
      if (!row) {
        if (inflight === 0) return;
        await signal.wait();
        continue;
      }
      inflight++;
      try {
        await registerRow(row);
      } catch (err) {
        // registerRow handles API errors; anything else is a bug worth reporting on the row.
        await finish(row, "failed", describeFailure(err));
      } finally {
        inflight--;
        signal.notify();
        onChange();
      }
    }
  }

  let done;
  const runner = {
    counts,
    get state() {
      return state;
    },
    get remaining() {
      return queue.length + waitingCount() + inflight;
    },
    get inflight() {
      return inflight;
    },
    /** Milliseconds spent running (pauses excluded). */
    get activeMs() {
      return activeMs + (state === "running" && resumedAt ? performance.now() - resumedAt : 0);
    },
    start() {
      if (done) return done;
      state = "running";
      resumedAt = performance.now();
      onChange();
      done = Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker)).then(() => {
        activeMs = runner.activeMs;
        resumedAt = 0;
        // Whatever never went out (cancel): accounted for as skipped with a reason.
        const left = [...queue.splice(0)];
        for (const g of groups.values()) left.push(...g.waiting.splice(0));
        for (const row of left) {
          row.status = "canceled";
          row.code = "CANCELED";
          row.message = "Not sent: the import was canceled.";
          counts.canceled++;
        }
        state = "done";
        onChange();
        return counts;
      });
      return done;
    },
    pause() {
      if (state !== "running") return;
      activeMs = runner.activeMs;
      resumedAt = 0;
      state = "paused";
      onChange();
    },
    resume() {
      if (state !== "paused") return;
      state = "running";
      resumedAt = performance.now();
      signal.notify();
      onChange();
    },
    cancel() {
      if (state !== "running" && state !== "paused") return;
      if (state === "running") activeMs = runner.activeMs;
      resumedAt = 0;
      state = "canceling";
      signal.notify();
      onChange();
    },
  };
  return runner;
}
