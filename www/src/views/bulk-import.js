// @ts-check
// Feature 6: bulk import. Paste or upload tokens (lines, CSV, or a Notify Bindings export), get a
// validation report, then register the valid rows with bounded concurrency, with progress,
// pause/resume/cancel, retries and a CSV of every row that did not make it. Every import is
// journalled in IndexedDB as it runs, so a reload or a closed tab can Resume it.
import { h, replace, fmtNum } from "../lib/dom.js";
import { field, card, pageHeader, errorBox, toast } from "../lib/ui.js";
import { appSelect, appErrorHandler } from "../lib/app-select.js";
import { parseImport, detectFormat } from "../lib/import-parse.js";
import { validateImport } from "../lib/import-validate.js";
import { RowTable } from "../lib/import-rows.js";
import { keptFile } from "../lib/import-journal.js";
import { importSource } from "../lib/import-source.js";
import { validationReport } from "../lib/import-report.js";
import { progressCard, finishedSummary } from "../lib/import-progress.js";
import { importController, sourceFingerprint, CONCURRENCY } from "../lib/import-controller.js";
import { journalView } from "../lib/import-journal-view.js";
import { directoryImport } from "../lib/directory-import.js";

/**
 * Parses and validates pasted text (a file comes validated by the worker); the rows are held
 * as a RowTable either way. Throws an Error for input that cannot be read at all.
 * @param {string} text
 * @param {string} provider
 */
function checkText(text, provider) {
  const format = detectFormat(text);
  const parsed = parseImport(text, format);
  const { rows, ...rest } = validateImport(parsed, text, provider);
  return { format, ...rest, table: RowTable.fromRows(rows) };
}

/** The provider choice for rows that do not say. */
function providerSelect() {
  return /** @type {HTMLSelectElement} */ (
    h(
      "select",
      null,
      h("option", { value: "" }, "Detect per token"),
      h("option", { value: "APN" }, "All APN (iOS)"),
      h("option", { value: "FCM" }, "All FCM (Android, web)"),
    )
  );
}

/** The validation report card: the report, the Import button and the place for its errors. */
function validationCard() {
  const report = h("div", { class: "import-report", "aria-live": "polite", "data-testid": "import-report" });
  const startBtn = h("button", { class: "btn btn-primary", type: "button", disabled: true }, "Import");
  const startError = h("div", { class: "form-error" });
  return {
    el: card("Validation report", report, h("div", { class: "actions" }, startBtn), startError),
    startBtn,
    /** @param {any} [err] */
    showError: (err) => replace(startError, err ? errorBox(err) : null),
    empty() {
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
    },
    /** @param {string} message */
    waiting(message) {
      startBtn.disabled = true;
      replace(report, h("p", { class: "muted" }, message));
    },
    /** @param {string} message */
    unreadable(message) {
      startBtn.disabled = true;
      replace(report, errorBox({ code: "VALIDATION_ERROR", message }));
    },
    /**
     * @param {any} checked
     * @param {string | null} sourceName
     * @param {boolean} busy  an import is running
     */
    show(checked, sourceName, busy) {
      const { valid } = checked.counts;
      startBtn.disabled = valid === 0 || busy;
      startBtn.textContent = valid ? `Import ${fmtNum(valid)} device${valid === 1 ? "" : "s"}` : "Nothing to import";
      replace(report, validationReport(checked, sourceName));
    },
  };
}

/**
 * The source card: the text box, the file drop zone, the app and provider choices.
 * @param {ReturnType<typeof importSource>} input
 * @param {HTMLSelectElement} provider
 * @param {HTMLSelectElement} appsSelect
 * @param {HTMLElement} directoryOption
 */
function sourceForm(input, provider, appsSelect, directoryOption) {
  return h(
    "form",
    { novalidate: true, "aria-label": "Bulk import source", onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    card(
      "Source",
      input.textField,
      input.drop,
      h(
        "div",
        { class: "grid-2" },
        field({ label: "App", control: appsSelect, field: "appName", hint: "For rows without an appName column." }),
        field({ label: "Provider", control: provider, field: "provider", hint: "For rows that do not say." }),
      ),
      directoryOption,
    ),
  );
}

/**
 * The page's state and parts, shared by the functions below.
 * @typedef {{ ctx: any, source: import("../lib/import-source.js").Source, checked: any,
 *   active: ReturnType<typeof importController> | null,
 *   awaitingFile: import("../lib/import-journal.js").ImportRecord | null, readingKept: boolean,
 *   provider: HTMLSelectElement, input: ReturnType<typeof importSource>, apps: ReturnType<typeof appSelect>,
 *   validation: ReturnType<typeof validationCard>, progress: ReturnType<typeof progressCard>,
 *   journal: ReturnType<typeof journalView>, toDirectory: ReturnType<typeof directoryImport> }} View
 */

/**
 * Validates the current source and shows the report; a file chosen for a waiting Resume is
 * checked against it. A file validated for another provider choice is read again (in the
 * worker; it comes back through onSource).
 * @param {View} v
 */
function validate(v) {
  v.validation.showError(null);
  v.checked = null;
  const source = v.source;
  if (source.kind === "text" && !source.text.trim()) return v.validation.empty();
  if (source.kind === "file" && source.checkedProvider !== v.provider.value) {
    v.validation.waiting(`Reading ${source.name} again for the provider choice…`);
    v.input.loadFile(source.file).then((read) => {
      if (!read) v.validation.unreadable(`${source.name} could not be read again: choose it again.`);
    });
    return;
  }
  try {
    v.checked = source.kind === "file" ? source.checked : checkText(source.text, v.provider.value);
  } catch (err) {
    return v.validation.unreadable(/** @type {Error} */ (err).message);
  }
  v.validation.show(v.checked, v.source.name, Boolean(v.active));
  if (v.awaitingFile && v.source.kind === "file") resumeWithSource(v, v.awaitingFile);
}

/**
 * Import clicked: the default app is needed for rows without one.
 * @param {View} v
 */
function onStart(v) {
  if (!v.checked || v.active || !v.toDirectory.ready()) return;
  const { table } = v.checked;
  let needsDefaultApp = false;
  table.each("pending", (/** @type {number} */ i) => {
    needsDefaultApp = !table.value(i, "appName");
    return !needsDefaultApp;
  });
  if (needsDefaultApp && !v.apps.value()) {
    v.validation.showError({
      code: "VALIDATION_ERROR",
      field: "appName",
      message: "Choose the app to register the devices in.",
    });
    return;
  }
  startImport(v, v.apps.value(), null);
}

/**
 * Resume clicked: kept text is put back and resumed at once, a kept file is read again and
 * resumed once it is checked to be the same; without either, the file must be chosen again.
 * @param {View} v
 * @param {import("../lib/import-journal.js").ImportRecord} record
 */
async function resume(v, record) {
  if (v.active) return;
  v.provider.value = record.provider;
  if (record.text !== null) {
    v.input.setText(record.text);
    v.source = { kind: "text", name: null, text: record.text };
    validate(v);
    resumeWithSource(v, record);
    return;
  }
  if (v.readingKept) return;
  v.awaitingFile = record;
  v.readingKept = true;
  let read = false;
  try {
    const file = await keptFile(record.id).catch(() => null);
    // The kept file goes through onSource → validate → resumeWithSource, as a chosen one would.
    read = Boolean(file && (await v.input.loadFile(file)));
  } finally {
    v.readingKept = false;
  }
  if (read || v.awaitingFile !== record) return;
  v.validation.showError({
    code: "VALIDATION_ERROR",
    message: `Choose ${record.sourceName ?? "the same file"} again to resume the import.`,
  });
  v.input.fileInput.focus();
}

/**
 * Resumes `record` with the current source, if it is the same input.
 * @param {View} v
 * @param {import("../lib/import-journal.js").ImportRecord} record
 */
async function resumeWithSource(v, record) {
  v.awaitingFile = null;
  if (!v.checked || (await sourceFingerprint(v.source, v.provider.value)) !== record.fingerprint) {
    v.validation.showError({
      code: "VALIDATION_ERROR",
      message:
        "This is not the input of the interrupted import (its content differs), so it cannot be resumed. Import it as a new import instead.",
    });
    return;
  }
  startImport(v, record.defaultApp, record);
}

/**
 * @param {View} v
 * @param {boolean} disabled
 */
function setInputsDisabled(v, disabled) {
  v.input.setDisabled(disabled);
  v.provider.disabled = disabled;
  v.apps.select.disabled = disabled;
}

/**
 * Starts (or resumes) an import of the validated rows.
 * @param {View} v
 * @param {string} defaultApp
 * @param {import("../lib/import-journal.js").ImportRecord | null} resumeRecord
 */
async function startImport(v, defaultApp, resumeRecord) {
  setInputsDisabled(v, true);
  v.validation.startBtn.disabled = true;
  v.progress.reset();
  v.progress.el.hidden = false;
  v.active = importController({
    ctx: v.ctx,
    checked: v.checked,
    source: v.source,
    provider: v.provider.value,
    defaultApp,
    progress: v.progress,
    resumeRecord,
    onFinished: () => onFinished(v),
    wrapClient: (client) => v.toDirectory.wrap(client),
  });
  try {
    await v.active.start();
  } catch (err) {
    v.active = null;
    setInputsDisabled(v, false);
    v.validation.showError(err);
    return;
  }
  v.journal.refresh();
  v.progress.el.scrollIntoView({ behavior: "smooth", block: "nearest" });
}

/** @param {View} v */
function onFinished(v) {
  const summary = v.active.summary();
  const again = h("button", { class: "btn", type: "button", onclick: () => resetImport(v) }, "Start a new import");
  replace(v.progress.finished, finishedSummary({ ...summary, actions: [again] }));
  v.ctx.emit("registrations-changed");
  const t = summary.tally;
  toast(`Import finished: ${fmtNum(t.imported)} imported, ${fmtNum(t.failed)} failed.`, t.failed ? "error" : "success");
}

/** @param {View} v */
function resetImport(v) {
  v.active = null;
  v.progress.el.hidden = true;
  setInputsDisabled(v, false);
  v.journal.refresh();
  validate(v);
}

/** @param {any} ctx */
export function create(ctx) {
  /** @type {HTMLElement | undefined} */
  let form;
  const provider = providerSelect();
  /** @type {View} */
  const v = {
    ctx,
    source: { kind: "text", name: null, text: "" },
    checked: null,
    active: null,
    awaitingFile: null,
    readingKept: false,
    provider,
    input: importSource({
      onSource: (s) => {
        v.source = s;
        validate(v);
      },
      provider: () => provider.value,
    }),
    apps: appSelect(ctx, { onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')) }),
    validation: validationCard(),
    progress: progressCard({
      concurrency: CONCURRENCY,
      onPause: () => v.active?.togglePause(),
      onCancel: () => v.active?.cancel(),
    }),
    journal: journalView({ onResume: (record) => resume(v, record), isActive: (id) => v.active?.record?.id === id }),
    toDirectory: directoryImport(),
  };
  provider.addEventListener("change", () => validate(v));
  v.validation.startBtn.addEventListener("click", () => onStart(v));
  const beforeUnload = (/** @type {BeforeUnloadEvent} */ e) => {
    if (!v.active?.running()) return;
    // The journal lets the import resume, but leaving still stops it: ask first.
    e.preventDefault();
    e.returnValue = "";
  };
  window.addEventListener("beforeunload", beforeUnload);
  form = sourceForm(v.input, provider, v.apps.select, v.toDirectory.el);
  const el = h(
    "div",
    null,
    pageHeader(
      "Bulk import",
      "Register many devices at once — also for teams moving from Twilio Notify: identities become users, with all their devices.",
    ),
    v.journal.el,
    form,
    v.validation.el,
    v.progress.el,
  );
  validate(v);
  v.journal.refresh();
  return {
    el,
    show() {
      if (!v.active) v.journal.refresh();
    },
    destroy() {
      v.active?.stop();
      v.input.cancel();
      window.removeEventListener("beforeunload", beforeUnload);
    },
  };
}
