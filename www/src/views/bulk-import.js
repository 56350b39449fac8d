// Feature 6: bulk import. Paste or upload tokens (lines, CSV, or a Notify Bindings export), get a
// validation report, then register the valid rows with bounded concurrency, with progress,
// pause/resume/cancel, retries and a CSV of every row that did not make it.
import { h, replace, debounce, throttle, fmtNum, download } from "../lib/dom.js";
import { field, card, pageHeader, chip, errorBox, errorMessage, notice, confirmDialog, toast } from "../lib/ui.js";
import { appSelect, appErrorHandler } from "../lib/app-select.js";
import { parseImport, detectFormat, FORMATS, toCsv } from "../lib/import-parse.js";
import { validateImport } from "../lib/import-validate.js";
import { createImportRunner } from "../lib/import-runner.js";
import { directoryImport } from "../lib/directory-import.js";

const CONCURRENCY = 8;
const LISTED = 100;
const REPORT_HEADER = ["line", "token", "code", "message"];

export function create(ctx) {
  let source = { kind: "text", name: null, text: "" };
  let checked = null; // { format, rows, skipped, counts } of the current source
  let run = null;
  const toDirectory = directoryImport();

  // ------------------------------------------------------------------ source
  const textarea = h("textarea", {
    rows: 8,
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    placeholder:
      "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b\n…or paste a CSV with a token column, or a Notify Bindings export",
  });
  const fileInput = h("input", { type: "file", accept: ".txt,.csv,.json,text/plain,text/csv,application/json" });
  const fileInfo = h("div", { class: "file-info", "aria-live": "polite" });
  const provider = h(
    "select",
    null,
    h("option", { value: "" }, "Detect per token"),
    h("option", { value: "APN" }, "All APN (iOS)"),
    h("option", { value: "FCM" }, "All FCM (Android, web)"),
  );
  let form;
  const apps = appSelect(ctx, { onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')) });
  const drop = h(
    "div",
    { class: "dropzone", "data-testid": "dropzone" },
    h(
      "p",
      null,
      h("strong", null, "Drop a file here"),
      " — .txt (one token per line), .csv, or a Notify Bindings export (.csv or .json).",
    ),
    field({ label: "Or choose a file", control: fileInput, field: "file" }),
    fileInfo,
  );

  // ------------------------------------------------------------------ report
  const report = h("div", { class: "import-report", "aria-live": "polite", "data-testid": "import-report" });
  const startBtn = h("button", { class: "btn btn-primary", type: "button", disabled: true }, "Import");
  const startError = h("div", { class: "form-error" });

  // ------------------------------------------------------------------ progress
  const progressBar = h("progress", { max: 1, value: 0, id: "import-progress" });
  const progressLabel = h("label", { for: "import-progress", class: "progress-label" }, "Progress");
  const stats = h("dl", { class: "import-stats", "data-testid": "import-stats" });
  const rate = h("p", { class: "muted small", "aria-live": "off" });
  const pauseBtn = h("button", { class: "btn", type: "button" }, "Pause");
  const cancelBtn = h("button", { class: "btn btn-danger-quiet", type: "button" }, "Cancel");
  const finished = h("div", { class: "import-finished", "aria-live": "polite" });
  const progressCard = card(
    "Import progress",
    h("div", { class: "progress-row" }, progressLabel, progressBar),
    stats,
    rate,
    h("div", { class: "actions" }, pauseBtn, cancelBtn),
    finished,
  );
  progressCard.hidden = true;

  function setSourceText(text, name = null) {
    source = { kind: name ? "file" : "text", name, text };
    validate();
  }

  const validateSoon = debounce(() => setSourceText(textarea.value), 300);
  textarea.addEventListener("input", () => {
    if (source.kind === "file") {
      fileInput.value = "";
      replace(fileInfo);
    }
    validateSoon();
  });
  provider.addEventListener("change", () => validate());

  async function loadFile(file) {
    if (!file) return;
    replace(fileInfo, h("p", { class: "muted" }, `Reading ${file.name}…`));
    try {
      const text = await file.text();
      textarea.value = "";
      validateSoon.cancel();
      replace(
        fileInfo,
        h(
          "p",
          null,
          chip("File", "info"),
          " ",
          h("strong", null, file.name),
          ` · ${fmtNum(file.size)} bytes `,
          h("button", { class: "btn btn-small btn-quiet", type: "button", onclick: clearFile }, "Clear file"),
        ),
      );
      setSourceText(text, file.name);
    } catch (err) {
      replace(fileInfo, errorBox({ message: `${file.name} could not be read: ${errorMessage(err)}` }));
    }
  }
  function clearFile() {
    fileInput.value = "";
    replace(fileInfo);
    setSourceText(textarea.value);
  }
  fileInput.addEventListener("change", () => loadFile(fileInput.files?.[0]));
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    loadFile(e.dataTransfer?.files?.[0]);
  });

  // ------------------------------------------------------------------ validation
  function validate() {
    replace(startError);
    const text = source.text;
    if (!text.trim()) {
      checked = null;
      startBtn.disabled = true;
      startBtn.textContent = "Import";
      replace(
        report,
        h(
          "p",
          { class: "muted" },
          "Paste tokens or choose a file: the validation report appears here before anything is registered.",
        ),
      );
      return;
    }
    let parsed;
    const format = detectFormat(text);
    try {
      parsed = parseImport(text, format);
    } catch (err) {
      checked = null;
      startBtn.disabled = true;
      replace(report, errorBox({ code: "VALIDATION_ERROR", message: err.message }));
      return;
    }
    const result = validateImport(parsed, text, provider.value);
    checked = { format, ...result };
    renderReport();
  }

  function renderReport() {
    const { counts, rows, skipped, format } = checked;
    const invalid = rows.filter((r) => r.status === "invalid");
    const dups = rows.filter((r) => r.status === "duplicate");
    startBtn.disabled = counts.valid === 0 || !!run;
    startBtn.textContent = counts.valid
      ? `Import ${fmtNum(counts.valid)} device${counts.valid === 1 ? "" : "s"}`
      : "Nothing to import";
    replace(
      report,
      h(
        "p",
        null,
        "Format: ",
        h("strong", { "data-testid": "import-format" }, FORMATS[format]),
        source.name ? ` · from ${source.name}` : "",
      ),
      h(
        "dl",
        { class: "report-counts" },
        countItem("Rows", counts.rows, "neutral", "rows"),
        countItem("Valid, to import", counts.valid, "success", "valid"),
        countItem("Invalid", counts.invalid, counts.invalid ? "danger" : "neutral", "invalid"),
        countItem("Duplicates", counts.duplicates, counts.duplicates ? "warning" : "neutral", "duplicates"),
        countItem("Skipped", counts.skipped, counts.skipped ? "warning" : "neutral", "skipped"),
      ),
      invalid.length
        ? problemTable(
            `Invalid tokens (${fmtNum(invalid.length)})`,
            invalid.slice(0, LISTED).map((r) => [r.line, r.code, r.message]),
            invalid.length,
          )
        : null,
      skipped.length
        ? problemTable(
            `Skipped rows (${fmtNum(skipped.length)})`,
            skipped.slice(0, LISTED).map((r) => [r.line, r.code, r.message]),
            skipped.length,
          )
        : null,
      dups.length
        ? problemTable(
            `Duplicates (${fmtNum(dups.length)}) — registered once`,
            dups.slice(0, LISTED).map((r) => [r.line, "DUPLICATE", `Same device as line ${r.firstLine}.`]),
            dups.length,
          )
        : null,
      counts.invalid || counts.skipped
        ? h(
            "p",
            { class: "muted small" },
            "Invalid and skipped rows are not sent; they are listed in the failure report you can download after the import.",
          )
        : null,
    );
  }

  function countItem(label, n, kind, key) {
    return h("div", { class: `count count-${kind}` }, h("dt", null, label), h("dd", { "data-count": key }, fmtNum(n)));
  }

  function problemTable(title, rows, total) {
    return h(
      "details",
      { class: "problems", open: total <= 10 },
      h("summary", null, title),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table table-stack" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", { scope: "col" }, "Line"),
              h("th", { scope: "col" }, "Code"),
              h("th", { scope: "col" }, "Reason"),
            ),
          ),
          h(
            "tbody",
            null,
            rows.map(([line, code, message]) =>
              h(
                "tr",
                null,
                h("td", { "data-label": "Line" }, String(line)),
                h("td", { "data-label": "Code" }, h("code", null, code)),
                h("td", { "data-label": "Reason" }, message),
              ),
            ),
          ),
        ),
      ),
      total > rows.length ? h("p", { class: "muted small" }, `…and ${fmtNum(total - rows.length)} more.`) : null,
    );
  }

  // ------------------------------------------------------------------ run
  startBtn.addEventListener("click", async () => {
    if (!checked || run || !toDirectory.ready()) return;
    const needsDefaultApp = checked.rows.some((r) => r.status === "pending" && !r.appName);
    const defaultApp = apps.value();
    if (needsDefaultApp && !defaultApp) {
      replace(
        startError,
        errorBox({ code: "VALIDATION_ERROR", field: "appName", message: "Choose the app to register the devices in." }),
      );
      return;
    }
    startImport(defaultApp);
  });

  let startedAt = 0;
  function startImport(defaultApp) {
    const pending = checked.rows.filter((r) => r.status === "pending");
    setInputsDisabled(true);
    startBtn.disabled = true;
    progressCard.hidden = false;
    replace(finished);
    pauseBtn.textContent = "Pause";
    pauseBtn.disabled = cancelBtn.disabled = false;
    const render = throttle(renderProgress, 100);
    run = createImportRunner({
      rows: pending,
      defaultApp,
      client: toDirectory.wrap(ctx.client, pending),
      concurrency: CONCURRENCY,
      onChange: render,
    });
    startedAt = performance.now();
    renderProgress();
    progressCard.scrollIntoView({ behavior: "smooth", block: "nearest" });
    run.start().then(() => {
      renderProgress();
      renderFinished();
    });
  }

  pauseBtn.addEventListener("click", () => {
    if (!run) return;
    if (run.state === "running") {
      run.pause();
      pauseBtn.textContent = "Resume";
    } else if (run.state === "paused") {
      run.resume();
      pauseBtn.textContent = "Pause";
    }
    renderProgress();
  });
  cancelBtn.addEventListener("click", async () => {
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
      pauseBtn.disabled = cancelBtn.disabled = true;
    } else if (wasRunning) run.resume();
    renderProgress();
  });

  /** Every row of the source, accounted for: imported + failed + skipped + duplicates = rows. */
  function tally() {
    const c = checked.counts;
    const rc = run.counts;
    const skipped = c.invalid + c.skipped + rc.canceled;
    return {
      rows: c.rows,
      imported: rc.imported,
      failed: rc.failed,
      skipped,
      duplicates: c.duplicates,
      remaining: run.remaining,
      retried: rc.retried,
    };
  }

  function renderProgress() {
    if (!run) return;
    const t = tally();
    const processed = t.imported + t.failed + run.counts.canceled;
    progressBar.max = Math.max(1, run.counts.total);
    progressBar.value = processed;
    const pct = run.counts.total ? Math.floor((processed / run.counts.total) * 100) : 100;
    const stateText =
      {
        running: "Importing",
        paused: "Paused",
        canceling: "Canceling — waiting for requests in flight",
        done: "Finished",
      }[run.state] ?? run.state;
    progressLabel.textContent = `${stateText}: ${fmtNum(processed)} of ${fmtNum(run.counts.total)} (${pct}%)`;
    replace(
      stats,
      countItem("Imported", t.imported, "success", "imported"),
      countItem("Failed", t.failed, t.failed ? "danger" : "neutral", "failed"),
      countItem("Skipped", t.skipped, t.skipped ? "warning" : "neutral", "skipped"),
      countItem("Duplicates", t.duplicates, "neutral", "duplicates"),
      countItem("Remaining", t.remaining, "info", "remaining"),
      countItem("Retried", t.retried, "neutral", "retried"),
    );
    const seconds = run.activeMs / 1000;
    const perSecond = seconds > 0.5 ? (t.imported + t.failed) / seconds : 0;
    const eta = perSecond > 0 && t.remaining ? Math.ceil(t.remaining / perSecond) : null;
    rate.textContent = `${perSecond ? `${fmtNum(Math.round(perSecond))} rows/s` : "—"} · ${fmtNum(Math.round(seconds))} s elapsed${eta !== null && run.state === "running" ? ` · about ${fmtNum(eta)} s left` : ""} · ${CONCURRENCY} at a time`;
  }

  function failureRows() {
    const out = [];
    for (const r of checked.rows) {
      if (r.status === "invalid" || r.status === "failed" || r.status === "canceled")
        out.push({ line: r.line, token: r.raw, code: r.code, message: r.message });
    }
    for (const s of checked.skipped) out.push({ line: s.line, token: s.raw, code: s.code, message: s.message });
    return out.sort((a, b) => a.line - b.line);
  }

  function renderFinished() {
    const t = tally();
    const failures = failureRows();
    const accounted = t.imported + t.failed + t.skipped + t.duplicates;
    pauseBtn.disabled = cancelBtn.disabled = true;
    const again = h("button", { class: "btn", type: "button", onclick: resetImport }, "Start a new import");
    replace(
      finished,
      notice(
        t.failed ? "warning" : "success",
        h("strong", null, run.counts.canceled ? "Import canceled. " : "Import finished. "),
        h(
          "span",
          { "data-testid": "import-equation" },
          `${fmtNum(t.rows)} rows = ${fmtNum(t.imported)} imported + ${fmtNum(t.failed)} failed + ${fmtNum(t.skipped)} skipped + ${fmtNum(t.duplicates)} duplicates`,
        ),
        accounted === t.rows ? "." : ` — ${fmtNum(t.rows - accounted)} rows unaccounted for; please report this.`,
      ),
      failures.length
        ? h(
            "div",
            { class: "actions" },
            h(
              "button",
              {
                class: "btn btn-primary",
                type: "button",
                onclick: () =>
                  download(
                    `import-failures-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.csv`,
                    toCsv(REPORT_HEADER, failures),
                  ),
              },
              `Download failure report (${fmtNum(failures.length)} rows, CSV)`,
            ),
            again,
          )
        : h("div", { class: "actions" }, again),
      failures.length
        ? problemTable(
            "Rows not imported",
            failures.slice(0, 20).map((f) => [f.line, f.code, f.message]),
            failures.length,
          )
        : null,
    );
    ctx.emit("registrations-changed");
    toast(
      `Import finished: ${fmtNum(t.imported)} imported, ${fmtNum(t.failed)} failed.`,
      t.failed ? "error" : "success",
    );
  }

  function resetImport() {
    run = null;
    progressCard.hidden = true;
    setInputsDisabled(false);
    validate();
  }

  function setInputsDisabled(disabled) {
    for (const c of [textarea, fileInput, provider, apps.select]) c.disabled = disabled;
  }

  form = h(
    "form",
    { novalidate: true, "aria-label": "Bulk import source", onsubmit: (e) => e.preventDefault() },
    card(
      "Source",
      field({
        label: "Tokens or CSV",
        control: textarea,
        field: "source",
        hint: "One token per line, a CSV with a token column (optional provider, userId, appName columns), or a Notify Bindings export (BindingType, Address, Identity).",
      }),
      drop,
      h(
        "div",
        { class: "grid-2" },
        field({ label: "App", control: apps.select, field: "appName", hint: "For rows without an appName column." }),
        field({ label: "Provider", control: provider, field: "provider", hint: "For rows that do not say." }),
      ),
      toDirectory.el,
    ),
  );

  const el = h(
    "div",
    null,
    pageHeader(
      "Bulk import",
      "Register many devices at once — also for teams moving from Twilio Notify: identities become users, with all their devices.",
    ),
    form,
    card("Validation report", report, h("div", { class: "actions" }, startBtn), startError),
    progressCard,
  );
  validate();
  return {
    el,
    destroy() {
      run?.cancel();
      validateSoon.cancel();
    },
  };
}
