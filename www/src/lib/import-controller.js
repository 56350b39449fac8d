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

  /** Rows the journal says are done get their recorded result and are not sent again. */
  async function applyJournal() {
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

  function tally() {
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
      total: pending.length,
      processed: imported + failed + rc.canceled,
      resumed: base.imported + base.failed,
    };
  }

  function failures() {
    const out = [];
    for (const r of checked.rows)
      if (r.status === "invalid" || r.status === "failed" || r.status === "canceled")
        out.push({ line: r.line, token: r.raw, code: r.code, message: r.message });
    for (const s of checked.skipped) out.push({ line: s.line, token: s.raw, code: s.code, message: s.message });
    return out.sort((a, b) => a.line - b.line);
  }

  const render = () => run && progress.render(tally(), run.state, run.activeMs / 1000);

  /** A new journal record; without storage (IndexedDB refused) the import runs unjournalled. */
  async function begin() {
    try {
      return await beginImport({
        fingerprint: await sourceFingerprint(source, provider),
        sourceName: source.name,
        text: source.text,
        provider,
        defaultApp,
        pending: pending.length,
      });
    } catch (err) {
      toast(
        `This import cannot be journalled in this browser (${errorMessage(err)}): a reload would stop it for good.`,
        "error",
      );
      return null;
    }
  }

  async function start() {
    const { rows, knownUsers } = await applyJournal();
    record = resumeRecord ?? (await begin());
    if (resumeRecord) await updateImport(resumeRecord.id, { state: "running" });
    const importId = record?.id;
    run = createImportRunner({
      rows,
      defaultApp,
      client: wrapClient ? wrapClient(ctx.client, rows) : ctx.client,
      concurrency: CONCURRENCY,
      knownUsers,
      onChange: throttle(render, 100),
      onRowDone: async (/** @type {any} */ row) => {
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
      },
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
    const wasRunning = run.state === "running";
    if (wasRunning) run.pause();
    const ok = await confirmDialog({
      title: "Cancel the import?",
      message:
        "Requests already sent finish; the remaining rows are not registered and are listed in the failure report as canceled.",
      confirmLabel: "Cancel import",
      danger: true,
    });
    if (ok) {
      run.cancel();
      progress.setControls(false);
    } else if (wasRunning) run.resume();
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
    summary: () => ({ tally: tally(), canceled: run.counts.canceled > 0, failures: failures() }),
  };
}
