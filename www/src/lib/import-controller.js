// @ts-check
// One bulk import run: the journal record, the runner, the progress card, pause and cancel, and
// the final accounting of every row. A resumed run first gives the rows the journal holds as
// done their recorded result, so they are counted and never sent again. A chosen file is kept
// with the journal while the import runs (see import-journal.js).
import { throttle } from "./dom.js";
import { confirmDialog, toast, errorMessage } from "./ui.js";
import { createImportRunner, CANCELED } from "./import-runner.js";
import {
  beginImport,
  updateImport,
  recordRow,
  eachDoneRow,
  fingerprint,
  keepFile,
  hasKeptFile,
  dropFile,
} from "./import-journal.js";

export const CONCURRENCY = 8;

/**
 * The fingerprint a resumed import is matched by: the input's content and the provider choice.
 * @param {import("./import-source.js").Source} source
 * @param {string} provider
 */
export const sourceFingerprint = (source, provider) =>
  fingerprint(source.kind === "file" ? source.fingerprint : source.text, provider);

const IMPORTED = 1;
const FAILED = 2;

/**
 * What became of each row of a run, beside the (read-only) table: 0 not done (yet), IMPORTED
 * or FAILED (with its failure). Rows of a canceled run that never went out stay 0.
 * @param {number} length
 */
function outcomes(length) {
  const status = new Uint8Array(length);
  /** @type {Map<number, { code: string | null, message: string | null }>} */
  const failures = new Map();
  return {
    status,
    failures,
    /**
     * @param {number} index
     * @param {{ status: string, code?: string | null, message?: string | null }} answer
     */
    set(index, { status: s, code, message }) {
      status[index] = s === "imported" ? IMPORTED : FAILED;
      if (s !== "imported") failures.set(index, { code: code ?? null, message: message ?? null });
    },
  };
}

/**
 * Rows the journal says are done get their recorded result and are not sent again; `base`
 * counts them. Returns the user IDs already learned.
 * @param {import("./import-rows.js").RowTable} table
 * @param {ReturnType<typeof outcomes>} outcome
 * @param {import("./import-journal.js").ImportRecord | null} resumeRecord
 * @param {{ imported: number, failed: number }} base
 * @param {string} defaultApp
 */
async function applyJournal(table, outcome, resumeRecord, base, defaultApp) {
  /** @type {Map<string, string>} */
  const knownUsers = new Map();
  if (!resumeRecord) return knownUsers;
  await eachDoneRow(resumeRecord.id, (d) => {
    const i = table.indexOfLine(d.line);
    if (i < 0 || outcome.status[i] || table.status(i) !== "pending") return;
    outcome.set(i, d);
    base[d.status === "imported" ? "imported" : "failed"]++;
    const identity = table.value(i, "identity");
    if (identity && d.userId) knownUsers.set(`${table.value(i, "appName") ?? defaultApp}\u0000${identity}`, d.userId);
  });
  return knownUsers;
}

/**
 * The rows still to send, taken from the table one at a time (see import-runner.js): pending
 * rows without an outcome, in input order.
 * @param {import("./import-rows.js").RowTable} table
 * @param {ReturnType<typeof outcomes>} outcome
 * @param {number} count  how many there are
 * @returns {import("./import-runner.js").RowSource}
 */
function pendingSource(table, outcome, count) {
  let i = 0;
  let remaining = count;
  return {
    get remaining() {
      return remaining;
    },
    next() {
      for (; i < table.length; i++) {
        if (outcome.status[i] || table.status(i) !== "pending") continue;
        remaining--;
        return table.row(i++);
      }
      return null;
    },
    drain() {
      const n = remaining;
      remaining = 0;
      i = table.length;
      return n;
    },
  };
}

/**
 * The run's counts: validation, rows done before a resume (`base`) and the runner's.
 * @param {any} checked
 * @param {number} total  rows to import
 * @param {{ imported: number, failed: number }} base
 * @param {any} run
 */
function tallyOf(checked, total, base, run) {
  const c = checked.counts;
  const rc = run.counts;
  const imported = base.imported + rc.imported;
  const failed = base.failed + rc.failed;
  return {
    rows: c.rows,
    imported,
    failed,
    skipped: c.invalid + c.skipped + rc.canceled,
    duplicates: c.duplicates,
    remaining: run.remaining,
    retried: rc.retried,
    canceled: rc.canceled,
    total,
    processed: imported + failed + rc.canceled,
    resumed: base.imported + base.failed,
  };
}

/**
 * Every row that did not make it, in input order (the failure report), once the run is over:
 * invalid rows, failed ones, and pending rows that never went out (canceled).
 * @param {any} checked
 * @param {ReturnType<typeof outcomes>} outcome
 */
function failuresOf(checked, outcome) {
  const { table } = /** @type {{ table: import("./import-rows.js").RowTable }} */ (checked);
  /** @type {{ line: number, token: string, code: string | null, message: string | null }[]} */
  const out = [];
  for (let i = 0; i < table.length; i++) {
    const status = table.status(i);
    if (status === "duplicate") continue;
    const o = outcome.status[i];
    if (status === "pending" && o === IMPORTED) continue;
    const r = table.row(i);
    const why = status === "invalid" ? r : o === FAILED ? outcome.failures.get(i) : CANCELED;
    out.push({ line: r.line, token: r.raw, code: why?.code ?? null, message: why?.message ?? null });
  }
  for (const s of checked.skipped) out.push({ line: s.line, token: s.raw, code: s.code, message: s.message });
  return out.sort((a, b) => a.line - b.line);
}

/**
 * A new journal record; without storage (IndexedDB refused) the import runs unjournalled.
 * @param {import("./import-source.js").Source} source
 * @param {string} provider
 * @param {string} defaultApp
 * @param {number} pending
 */
async function beginRecord(source, provider, defaultApp, pending) {
  try {
    return await beginImport({
      fingerprint: await sourceFingerprint(source, provider),
      sourceName: source.name,
      text: source.text,
      provider,
      defaultApp,
      pending,
    });
  } catch (err) {
    toast(
      `This import cannot be journalled in this browser (${errorMessage(err)}): a reload would stop it for good.`,
      "error",
    );
    return null;
  }
}

/**
 * The runner's onRowDone: the row's outcome is noted, and written to the journal (when there is one).
 * @param {ReturnType<typeof outcomes>} outcome
 * @param {string | undefined} importId
 */
const journalRow = (outcome, importId) => async (/** @type {any} */ row) => {
  outcome.set(row.index, row);
  if (!importId) return;
  await recordRow({
    importId,
    line: row.line,
    status: row.status,
    token: row.raw,
    code: row.code,
    message: row.message,
    userId: row.userId ?? null,
  });
};

/**
 * Keeps the chosen file with the journal, so Resume needs nothing from the person; says so when
 * the browser would not keep it. Resolves once the file is stored (or not).
 * @param {import("./import-source.js").Source} source
 * @param {import("./import-journal.js").ImportRecord | null} record
 */
async function keepSourceFile(source, record) {
  if (!record || source.kind !== "file" || (await hasKeptFile(record.id).catch(() => true))) return;
  const why = await keepFile(record.id, source.file);
  if (why && why !== "too-large")
    toast(
      `${source.name} could not be kept in this browser's storage (${why}): if this import is interrupted, Resume asks for the file again.`,
      "error",
    );
}

/**
 * The journal's end of a run: the record gets its result, and the kept file (once written) is
 * deleted: a finished or canceled import is not resumed.
 * @param {string} id
 * @param {ReturnType<typeof tallyOf>} t
 * @param {Promise<void>} keeping
 */
async function closeRecord(id, t, keeping) {
  await updateImport(id, { state: t.canceled ? "canceled" : "done", summary: t }).catch(() => {});
  await keeping;
  await dropFile(id).catch(() => {});
}

/** Asks before canceling; a running import waits paused for the answer. @param {any} run */
async function confirmCancel(run) {
  const wasRunning = run.state === "running";
  if (wasRunning) run.pause();
  const ok = await confirmDialog({
    title: "Cancel the import?",
    message:
      "Requests already sent finish; the remaining rows are not registered and are listed in the failure report as canceled.",
    confirmLabel: "Cancel import",
    danger: true,
  });
  if (ok) run.cancel();
  else if (wasRunning) run.resume();
  return ok;
}

/**
 * One import run: journal, runner, progress, pause/cancel, and the rows' final accounting.
 * `checked.table` (a RowTable) is only read: the run's outcome is kept beside it, and the runner
 * takes the row objects it sends one at a time.
 * @param {{ ctx: any, checked: any, source: import("./import-source.js").Source, provider: string,
 *   defaultApp: string, progress: ReturnType<typeof import("./import-progress.js").progressCard>,
 *   resumeRecord: import("./import-journal.js").ImportRecord | null, onFinished: () => void,
 *   wrapClient?: (client: any) => any }} p
 *   `wrapClient` gives the runner another client (the directory import's).
 */
export function importController({
  ctx,
  checked,
  source,
  provider,
  defaultApp,
  progress,
  resumeRecord,
  onFinished,
  wrapClient,
}) {
  /** @type {import("./import-rows.js").RowTable} */
  const table = checked.table;
  const outcome = outcomes(table.length);
  const total = checked.counts.valid;
  const base = { imported: 0, failed: 0 };
  /** @type {any} */
  let run = null;
  /** @type {import("./import-journal.js").ImportRecord | null} */
  let record = null;
  /** @type {Promise<void>} */
  let keeping = Promise.resolve();
  const tally = () => tallyOf(checked, total, base, run);
  const render = () => run && progress.render(tally(), run.state, run.activeMs / 1000);

  async function start() {
    const knownUsers = await applyJournal(table, outcome, resumeRecord, base, defaultApp);
    record = resumeRecord ?? (await beginRecord(source, provider, defaultApp, total));
    if (resumeRecord) await updateImport(resumeRecord.id, { state: "running" });
    keeping = keepSourceFile(source, record).catch(() => {});
    run = createImportRunner({
      source: pendingSource(table, outcome, total - base.imported - base.failed),
      defaultApp,
      client: wrapClient ? wrapClient(ctx.client) : ctx.client,
      concurrency: CONCURRENCY,
      knownUsers,
      onChange: throttle(render, 100),
      onRowDone: journalRow(outcome, record?.id),
    });
    progress.setControls(true);
    render();
    run.start().then(finish);
  }

  async function finish() {
    progress.setControls(false);
    render();
    const t = tally();
    if (record) await closeRecord(record.id, t, keeping);
    onFinished();
  }

  function togglePause() {
    if (!run) return;
    if (run.state === "running") run.pause();
    else if (run.state === "paused") run.resume();
    if (record) updateImport(record.id, { state: run.state === "paused" ? "paused" : "running" }).catch(() => {});
    render();
  }

  async function cancel() {
    if (!run) return;
    if (await confirmCancel(run)) progress.setControls(false);
    render();
  }

  return {
    get record() {
      return record;
    },
    start,
    togglePause,
    cancel,
    running: () => Boolean(run) && ["running", "paused", "canceling"].includes(run.state),
    stop: () => run?.cancel(),
    summary: () => ({ tally: tally(), canceled: run.counts.canceled > 0, failures: failuresOf(checked, outcome) }),
  };
}
