// @ts-check
// One bulk import run: the journal record, the runner, the progress card, pause and cancel, and
// the final accounting of every row. A resumed run first gives the rows the journal holds as
// done their recorded result, so they are counted and never sent again.
import { throttle } from "./dom.js";
import { confirmDialog, toast, errorMessage } from "./ui.js";
import { createImportRunner } from "./import-runner.js";
import { beginImport, updateImport, recordRow, doneRows, fingerprint } from "./import-journal.js";

export const CONCURRENCY = 8;

/**
 * The fingerprint a resumed import is matched by: the input's content and the provider choice.
 * @param {import("./import-source.js").Source} source
 * @param {string} provider
 */
export const sourceFingerprint = (source, provider) =>
  fingerprint(source.kind === "file" ? source.fingerprint : source.text, provider);

/**
 * Rows the journal says are done get their recorded result and are not sent again; `base`
 * counts them. Returns the rows still to send and the user IDs already learned.
 * @param {any[]} pending
 * @param {import("./import-journal.js").ImportRecord | null} resumeRecord
 * @param {{ imported: number, failed: number }} base
 * @param {string} defaultApp
 */
async function applyJournal(pending, resumeRecord, base, defaultApp) {
  if (!resumeRecord) return { rows: pending, knownUsers: new Map() };
  const done = new Map((await doneRows(resumeRecord.id)).map((r) => [r.line, r]));
  const knownUsers = new Map();
  const rows = [];
  for (const row of pending) {
    const d = done.get(row.line);
    if (!d) {
      rows.push(row);
      continue;
    }
    Object.assign(row, {
      status: d.status,
      code: d.code ?? null,
      message: d.message ?? null,
      userId: d.userId ?? null,
    });
    base[d.status === "imported" ? "imported" : "failed"]++;
    if (row.identity && d.userId) knownUsers.set(`${row.appName ?? defaultApp}\u0000${row.identity}`, d.userId);
  }
  return { rows, knownUsers };
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
 * Every row that did not make it, in input order (the failure report).
 * @param {any} checked
 */
function failuresOf(checked) {
  const out = [];
  for (const r of checked.rows)
    if (r.status === "invalid" || r.status === "failed" || r.status === "canceled")
      out.push({ line: r.line, token: r.raw, code: r.code, message: r.message });
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
 * The runner's onRowDone: the row's answer is written to the journal (when there is one).
 * @param {string | undefined} importId
 */
const journalRow = (importId) => async (/** @type {any} */ row) => {
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
 * @param {{ ctx: any, checked: any, source: import("./import-source.js").Source, provider: string,
 *   defaultApp: string, progress: ReturnType<typeof import("./import-progress.js").progressCard>,
 *   resumeRecord: import("./import-journal.js").ImportRecord | null, onFinished: () => void,
 *   wrapClient?: (client: any, rows: any[]) => any }} p
 *   `wrapClient` gives the runner another client for these rows (the directory import's).
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
  const pending = checked.rows.filter((/** @type {any} */ r) => r.status === "pending");
  const base = { imported: 0, failed: 0 };
  /** @type {any} */
  let run = null;
  /** @type {import("./import-journal.js").ImportRecord | null} */
  let record = null;
  const tally = () => tallyOf(checked, pending.length, base, run);
  const render = () => run && progress.render(tally(), run.state, run.activeMs / 1000);

  async function start() {
    const { rows, knownUsers } = await applyJournal(pending, resumeRecord, base, defaultApp);
    record = resumeRecord ?? (await beginRecord(source, provider, defaultApp, pending.length));
    if (resumeRecord) await updateImport(resumeRecord.id, { state: "running" });
    run = createImportRunner({
      rows,
      defaultApp,
      client: wrapClient ? wrapClient(ctx.client, rows) : ctx.client,
      concurrency: CONCURRENCY,
      knownUsers,
      onChange: throttle(render, 100),
      onRowDone: journalRow(record?.id),
    });
    progress.setControls(true);
    render();
    run.start().then(finish);
  }

  async function finish() {
    progress.setControls(false);
    render();
    const t = tally();
    if (record) await updateImport(record.id, { state: t.canceled ? "canceled" : "done", summary: t }).catch(() => {});
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
    summary: () => ({ tally: tally(), canceled: run.counts.canceled > 0, failures: failuresOf(checked) }),
  };
}
