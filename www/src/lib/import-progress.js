// @ts-check
// The bulk import's progress card: the bar, the counts, the rate, Pause/Resume and Cancel, and
// the finished summary with its failure report.
import { h, replace, fmtNum, download } from "./dom.js";
import { card, notice } from "./ui.js";
import { countItem, problemTable } from "./import-report.js";
import { toCsv } from "./import-parse.js";

const REPORT_HEADER = ["line", "token", "code", "message"];

/**
 * @typedef {{ rows: number, imported: number, failed: number, skipped: number, duplicates: number,
 *   remaining: number, retried: number, canceled: number, total: number, processed: number,
 *   resumed: number }} Tally
 * @typedef {{ line: number, token: string, code: string, message: string }} Failure
 */

const STATE_TEXT = /** @type {Record<string, string>} */ ({
  running: "Importing",
  paused: "Paused",
  canceling: "Canceling — waiting for requests in flight",
  done: "Finished",
});

/**
 * @param {{ onPause: () => void, onCancel: () => void, concurrency: number }} options
 */
export function progressCard({ onPause, onCancel, concurrency }) {
  const bar = /** @type {HTMLProgressElement} */ (h("progress", { max: 1, value: 0, id: "import-progress" }));
  const label = h("label", { for: "import-progress", class: "progress-label" }, "Progress");
  const stats = h("dl", { class: "import-stats", "data-testid": "import-stats" });
  const rate = h("p", { class: "muted small", "aria-live": "off" });
  const pauseBtn = /** @type {HTMLButtonElement} */ (
    h("button", { class: "btn", type: "button", onclick: onPause }, "Pause")
  );
  const cancelBtn = /** @type {HTMLButtonElement} */ (
    h("button", { class: "btn btn-danger-quiet", type: "button", onclick: onCancel }, "Cancel")
  );
  const finished = h("div", { class: "import-finished", "aria-live": "polite" });
  const resumedNote = h("p", { class: "small", "data-testid": "import-resumed", hidden: true });
  const el = card(
    "Import progress",
    resumedNote,
    h("div", { class: "progress-row" }, label, bar),
    stats,
    rate,
    h("div", { class: "actions" }, pauseBtn, cancelBtn),
    finished,
  );
  el.hidden = true;

  /**
   * @param {Tally} t
   * @param {string} state
   * @param {number} seconds  time spent running
   */
  function render(t, state, seconds) {
    bar.max = Math.max(1, t.total);
    bar.value = t.processed;
    const pct = t.total ? Math.floor((t.processed / t.total) * 100) : 100;
    label.textContent = `${STATE_TEXT[state] ?? state}: ${fmtNum(t.processed)} of ${fmtNum(t.total)} (${pct}%)`;
    pauseBtn.textContent = state === "paused" ? "Resume" : "Pause";
    replace(
      stats,
      countItem("Imported", t.imported, "success", "imported"),
      countItem("Failed", t.failed, t.failed ? "danger" : "neutral", "failed"),
      countItem("Skipped", t.skipped, t.skipped ? "warning" : "neutral", "skipped"),
      countItem("Duplicates", t.duplicates, "neutral", "duplicates"),
      countItem("Remaining", t.remaining, "info", "remaining"),
      countItem("Retried", t.retried, "neutral", "retried"),
    );
    resumedNote.hidden = !t.resumed;
    resumedNote.textContent = `Resumed: ${fmtNum(t.resumed)} row${t.resumed === 1 ? " was" : "s were"} done before the interruption and ${t.resumed === 1 ? "was" : "were"} not sent again.`;
    // Only what is known: no rate before there is one, no "0 s elapsed".
    const perSecond = seconds > 0.5 ? (t.processed - t.resumed) / seconds : 0;
    const eta = perSecond > 0 && t.remaining ? Math.ceil(t.remaining / perSecond) : null;
    const parts = [];
    if (perSecond) parts.push(`${fmtNum(Math.round(perSecond))} rows/s`);
    if (seconds >= 1) parts.push(`${fmtNum(Math.round(seconds))} s elapsed`);
    if (eta !== null && state === "running") parts.push(`about ${fmtNum(eta)} s left`);
    parts.push(`${concurrency} at a time`);
    rate.textContent = parts.join(" · ");
  }

  /** @param {boolean} enabled */
  function setControls(enabled) {
    pauseBtn.disabled = cancelBtn.disabled = !enabled;
  }

  return { el, render, setControls, finished, reset: () => replace(finished) };
}

/**
 * The finished summary: the equation that accounts for every row, the failure report, and
 * what to do next.
 * @param {{ tally: Tally, canceled: boolean, failures: Failure[], actions: Node[] }} p
 */
export function finishedSummary({ tally: t, canceled, failures, actions }) {
  const accounted = t.imported + t.failed + t.skipped + t.duplicates;
  const save = () =>
    download(
      `import-failures-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.csv`,
      toCsv(REPORT_HEADER, failures),
    );
  return [
    notice(
      t.failed ? "warning" : "success",
      h("strong", null, canceled ? "Import canceled. " : "Import finished. "),
      h(
        "span",
        { "data-testid": "import-equation" },
        `${fmtNum(t.rows)} rows = ${fmtNum(t.imported)} imported + ${fmtNum(t.failed)} failed + ${fmtNum(t.skipped)} skipped + ${fmtNum(t.duplicates)} duplicates`,
      ),
      accounted === t.rows ? "." : ` — ${fmtNum(t.rows - accounted)} rows unaccounted for; please report this.`,
      t.failed || canceled
        ? h(
            "p",
            { class: "small" },
            "Running the same import again is safe: devices already registered are left as they are, so only the rows that did not make it change anything.",
          )
        : null,
    ),
    h(
      "div",
      { class: "actions" },
      failures.length
        ? h(
            "button",
            { class: "btn btn-primary", type: "button", onclick: save },
            `Download failure report (${fmtNum(failures.length)} rows, CSV)`,
          )
        : null,
      ...actions,
    ),
    failures.length
      ? problemTable(
          "Rows not imported",
          failures.slice(0, 20).map((f) => [f.line, f.token, f.code, f.message]),
          failures.length,
        )
      : null,
  ];
}
