// @ts-check
// Renders an inspectToken() result: what was recognised, or what is wrong and where.
import { h } from "./dom.js";
import { chip, copyButton } from "./ui.js";
import { FORMAT_LABEL, PROVIDER_LABEL, fixFor, highlightExcerpt } from "./tokens.js";

/**
 * `result` from inspectToken(input, provider). `compact` (forms): status, problem and fix only.
 * `onUseProvider(p)`: offered on PROVIDER_MISMATCH to re-check as the likely provider.
 */
/**
 * @param {any} result
 * @param {string} input
 * @param {{ compact?: boolean, onUseProvider?: (provider: string) => void }} [options]
 */
export function tokenReport(result, input, { compact = false, onUseProvider } = {}) {
  if (result.ok) {
    const head = h(
      "p",
      { class: "report-head" },
      chip("Valid", "success"),
      h(
        "span",
        null,
        h("strong", null, `${PROVIDER_LABEL[result.provider] ?? result.provider} token`),
        ` · ${FORMAT_LABEL[result.format] ?? result.format}${result.byteLength ? ` · ${result.byteLength} bytes` : ""}`,
      ),
    );
    const warnings = result.warnings.length
      ? h(
          "ul",
          { class: "warnings", "aria-label": "Warnings" },
          result.warnings.map((w) => h("li", null, chip(w.code, "warning"), " ", w.message)),
        )
      : null;
    if (compact) return h("div", { class: "token-report ok" }, head, warnings);
    const canonical = h("code", { class: "canonical", "data-testid": "canonical" }, result.token);
    return h(
      "div",
      { class: "token-report ok" },
      head,
      h(
        "dl",
        { class: "facts" },
        h("div", null, h("dt", null, "Provider"), h("dd", { "data-testid": "provider" }, result.provider)),
        h("div", null, h("dt", null, "Format"), h("dd", { "data-testid": "format" }, result.format)),
        h(
          "div",
          null,
          h("dt", null, result.byteLength ? "Byte length" : "Length"),
          h(
            "dd",
            { "data-testid": "length" },
            result.byteLength ? `${result.byteLength} bytes` : `${[...result.token].length} characters`,
          ),
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
    !compact && result.warnings.length
      ? h(
          "ul",
          { class: "warnings" },
          result.warnings.map((w) => h("li", null, chip(w.code, "warning"), " ", w.message)),
        )
      : null,
  );
}
