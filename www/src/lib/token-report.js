// @ts-check
// Renders an inspectToken() result: what was recognised, or what is wrong and where.
import { h } from "./dom.js";
import { chip, copyButton } from "./ui.js";
import { FORMAT_LABEL, PROVIDER_LABEL, fixFor, highlightExcerpt } from "./tokens.js";

/**
 * The result's warnings as a list, or null when there are none.
 * @param {{ code: string, message: string }[]} warnings
 * @param {string} [label]  the list's accessible name
 */
function warningsList(warnings, label) {
  if (!warnings.length) return null;
  return h(
    "ul",
    { class: "warnings", "aria-label": label },
    warnings.map((w) => h("li", null, chip(w.code, "warning"), " ", w.message)),
  );
}

/**
 * A labelled fact of the full report.
 * @param {string} term
 * @param {string} testId
 * @param {import("./dom.js").Child} value
 */
function fact(term, testId, value) {
  return h("div", null, h("dt", null, term), h("dd", { "data-testid": testId }, value));
}

/**
 * An accepted token: provider and format, then (unless compact) its facts and canonical form.
 * @param {any} result
 * @param {boolean} compact
 */
function acceptedReport(result, compact) {
  const head = h(
    "p",
    { class: "report-head" },
    chip("Valid", "success"),
    h(
      "span",
      null,
      h("strong", null, `${PROVIDER_LABEL[/** @type {"APN" | "FCM"} */ (result.provider)] ?? result.provider} token`),
      ` · ${FORMAT_LABEL[/** @type {keyof typeof FORMAT_LABEL} */ (result.format)] ?? result.format}${result.byteLength ? ` · ${result.byteLength} bytes` : ""}`,
    ),
  );
  const warnings = warningsList(result.warnings, "Warnings");
  if (compact) return h("div", { class: "token-report ok" }, head, warnings);
  const canonical = h("code", { class: "canonical", "data-testid": "canonical" }, result.token);
  return h(
    "div",
    { class: "token-report ok" },
    head,
    h(
      "dl",
      { class: "facts" },
      fact("Provider", "provider", result.provider),
      fact("Format", "format", result.format),
      fact(
        result.byteLength ? "Byte length" : "Length",
        "length",
        result.byteLength ? `${result.byteLength} bytes` : `${[...result.token].length} characters`,
      ),
    ),
    h(
      "div",
      { class: "canonical-row" },
      h("span", { class: "label" }, "Canonical token"),
      canonical,
      copyButton(() => result.token, { what: "canonical token" }),
    ),
    warnings,
  );
}

/**
 * A refused token: the error, where it is in the input, how to fix it, and (on a provider
 * mismatch) a button to check it as the likely provider.
 * @param {any} result
 * @param {string} input
 * @param {boolean} compact
 * @param {((provider: string) => void) | undefined} onUseProvider
 */
function refusedReport(result, input, compact, onUseProvider) {
  const { error } = result;
  const fix = fixFor(error, { likely: result.provider });
  const switchProvider =
    error.code === "PROVIDER_MISMATCH" && result.provider && onUseProvider
      ? h(
          "button",
          { class: "btn btn-small", type: "button", onclick: () => onUseProvider(result.provider) },
          `Check it as ${result.provider} instead`,
        )
      : null;
  return h(
    "div",
    { class: "token-report bad", role: "alert" },
    h(
      "p",
      { class: "report-head" },
      chip("Not accepted", "danger"),
      h("code", { "data-testid": "error-code" }, error.code),
    ),
    h("p", { class: "error-message" }, error.message),
    typeof error.position === "number" ? highlightExcerpt(input, error.position) : null,
    fix ? h("p", { class: "fix" }, fix) : null,
    switchProvider,
    compact ? null : warningsList(result.warnings),
  );
}

/**
 * `result` from inspectToken(input, provider). `compact` (forms): status, problem and fix only.
 * `onUseProvider(p)`: offered on PROVIDER_MISMATCH to re-check as the likely provider.
 * @param {any} result
 * @param {string} input
 * @param {{ compact?: boolean, onUseProvider?: (provider: string) => void }} [options]
 */
export function tokenReport(result, input, { compact = false, onUseProvider } = {}) {
  return result.ok ? acceptedReport(result, compact) : refusedReport(result, input, compact, onUseProvider);
}
