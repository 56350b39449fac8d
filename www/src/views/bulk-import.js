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
import { importSource } from "../lib/import-source.js";
import { validationReport } from "../lib/import-report.js";
import { progressCard, finishedSummary } from "../lib/import-progress.js";
import { importController, sourceFingerprint, CONCURRENCY } from "../lib/import-controller.js";
import { journalView } from "../lib/import-journal-view.js";

/** Worker validations already handed out (their rows belong to an import since). */
const usedChecks = new WeakSet();

/**
 * Parses (pasted text; a file comes parsed by the worker) and validates the source; throws an
 * Error for input that cannot be read at all.
 * @param {import("../lib/import-source.js").Source} source
 * @param {string} provider
 */
function check(source, provider) {
  if (source.kind === "file") {
    // The worker's validation is used once as it is (an import marks its rows); after that, or
    // for another provider choice than the worker's, the rows are validated again here.
    if (source.checkedProvider === provider && !usedChecks.has(source.checked)) {
      usedChecks.add(source.checked);
      return source.checked;
    }
    const { format, rows, skipped } = source.checked;
    return { format, ...validateImport({ format, rows, skipped, lineMode: false }, "", provider) };
  }
  const format = detectFormat(source.text);
  const parsed = parseImport(source.text, format);
  return { format, ...validateImport(parsed, source.text, provider) };
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
 */
function sourceForm(input, provider, appsSelect) {
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
    ),
  );
}

/** @param {any} ctx */
export function create(ctx) {
  /** @type {import("../lib/import-source.js").Source} */
  let source = { kind: "text", name: null, text: "" };
  /** @type {any} */
  let checked = null;
  /** @type {ReturnType<typeof importController> | null} */
  let active = null;
  /** @type {import("../lib/import-journal.js").ImportRecord | null} */
  let awaitingFile = null;

  const provider = providerSelect();
  const input = importSource({
    onSource: (s) => {
      source = s;
      validate();
    },
    provider: () => provider.value,
  });
  provider.addEventListener("change", () => validate());
  /** @type {HTMLElement | undefined} */
  let form;
  const apps = appSelect(ctx, { onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')) });
  const validation = validationCard();
  const startBtn = validation.startBtn;
  const progress = progressCard({
    concurrency: CONCURRENCY,
    onPause: () => active?.togglePause(),
    onCancel: () => active?.cancel(),
  });
  const journal = journalView({ onResume: resume, isActive: (id) => active?.record?.id === id });

  function validate() {
    validation.showError(null);
    checked = null;
    if (source.kind === "text" && !source.text.trim()) return validation.empty();
    try {
      checked = check(source, provider.value);
    } catch (err) {
      return validation.unreadable(/** @type {Error} */ (err).message);
    }
    validation.show(checked, source.name, Boolean(active));
    if (awaitingFile && source.kind === "file") resumeWithSource(awaitingFile);
  }

  startBtn.addEventListener("click", () => {
    if (!checked || active) return;
    const needsDefaultApp = checked.rows.some((/** @type {any} */ r) => r.status === "pending" && !r.appName);
    if (needsDefaultApp && !apps.value()) {
      validation.showError({
        code: "VALIDATION_ERROR",
        field: "appName",
        message: "Choose the app to register the devices in.",
      });
      return;
    }
    startImport(apps.value(), null);
  });

  /** @param {import("../lib/import-journal.js").ImportRecord} record */
  function resume(record) {
    if (active) return;
    if (record.text !== null) {
      provider.value = record.provider;
      input.setText(record.text);
      source = { kind: "text", name: null, text: record.text };
      validate();
      resumeWithSource(record);
    } else {
      awaitingFile = record;
      provider.value = record.provider;
      validation.showError({
        code: "VALIDATION_ERROR",
        message: `Choose ${record.sourceName ?? "the same file"} again to resume the import.`,
      });
      input.fileInput.focus();
    }
  }

  /** @param {import("../lib/import-journal.js").ImportRecord} record */
  async function resumeWithSource(record) {
    awaitingFile = null;
    if (!checked || (await sourceFingerprint(source, provider.value)) !== record.fingerprint) {
      validation.showError({
        code: "VALIDATION_ERROR",
        message:
          "This is not the input of the interrupted import (its content differs), so it cannot be resumed. Import it as a new import instead.",
      });
      return;
    }
    startImport(record.defaultApp, record);
  }

  /**
   * @param {string} defaultApp
   * @param {import("../lib/import-journal.js").ImportRecord | null} resumeRecord
   */
  async function startImport(defaultApp, resumeRecord) {
    setInputsDisabled(true);
    startBtn.disabled = true;
    progress.reset();
    progress.el.hidden = false;
    active = importController({
      ctx,
      checked,
      source,
      provider: provider.value,
      defaultApp,
      progress,
      resumeRecord,
      onFinished,
    });
    try {
      await active.start();
    } catch (err) {
      active = null;
      setInputsDisabled(false);
      validation.showError(err);
      return;
    }
    journal.refresh();
    progress.el.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  function onFinished() {
    replace(
      progress.finished,
      finishedSummary({
        ...active.summary(),
        actions: [h("button", { class: "btn", type: "button", onclick: resetImport }, "Start a new import")],
      }),
    );
    ctx.emit("registrations-changed");
    const t = active.summary().tally;
    toast(
      `Import finished: ${fmtNum(t.imported)} imported, ${fmtNum(t.failed)} failed.`,
      t.failed ? "error" : "success",
    );
  }

  function resetImport() {
    active = null;
    progress.el.hidden = true;
    setInputsDisabled(false);
    journal.refresh();
    validate();
  }

  /** @param {boolean} disabled */
  function setInputsDisabled(disabled) {
    input.setDisabled(disabled);
    provider.disabled = disabled;
    apps.select.disabled = disabled;
  }

  const beforeUnload = (/** @type {BeforeUnloadEvent} */ e) => {
    if (!active?.running()) return;
    // The journal lets the import resume, but leaving still stops it: ask first.
    e.preventDefault();
    e.returnValue = "";
  };
  window.addEventListener("beforeunload", beforeUnload);

  form = sourceForm(input, provider, apps.select);

  const el = h(
    "div",
    null,
    pageHeader(
      "Bulk import",
      "Register many devices at once — also for teams moving from Twilio Notify: identities become users, with all their devices.",
    ),
    journal.el,
    form,
    validation.el,
    progress.el,
  );
  validate();
  journal.refresh();
  return {
    el,
    show() {
      if (!active) journal.refresh();
    },
    destroy() {
      active?.stop();
      input.cancel();
      window.removeEventListener("beforeunload", beforeUnload);
    },
  };
}
