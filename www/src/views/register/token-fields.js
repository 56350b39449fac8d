// @ts-check
// The registration form's token and provider: the provider is pre-filled from the token's shape
// (until the person chooses one for this kind of token) and the token is checked as it is typed,
// at most once per animation frame.
import { inspectToken } from "twilio-push-wasm";
import { h, replace } from "../../lib/dom.js";
import { tokenReport } from "../../lib/token-report.js";

/**
 * The token textarea, the provider select with its "Detected" hint, and the inline check.
 * `validate()` re-checks now and `current()` is the last inspectToken result (null when empty).
 */
export function tokenFields() {
  const token = h("textarea", {
    rows: 3,
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    required: true,
  });
  const provider = h(
    "select",
    { required: true },
    h("option", { value: "APN" }, "APN (iOS)"),
    h("option", { value: "FCM" }, "FCM (Android, web)"),
  );
  const detected = h("span", { class: "detected muted small", "aria-live": "polite" });
  const check = h("div", { class: "inline-check", "aria-live": "polite" });
  let providerTouched = false;
  /** @type {string | null} */
  let lastDetected = null;
  /** @type {any} */
  let current = null;

  function validate() {
    const value = token.value;
    if (!value.trim()) {
      current = null;
      replace(check);
      replace(detected);
      return;
    }
    const auto = inspectToken(value);
    // Another kind of token than before: the earlier choice of provider no longer applies.
    if (auto.provider && auto.provider !== lastDetected) providerTouched = false;
    lastDetected = auto.provider ?? lastDetected;
    if (auto.provider && !providerTouched) provider.value = auto.provider;
    // The hint only confirms the selected provider; a mismatch is explained once, by the check below.
    replace(detected, auto.provider === provider.value ? `Detected: ${auto.provider}` : "");
    current = inspectToken(value, /** @type {"APN" | "FCM"} */ (provider.value));
    replace(
      check,
      tokenReport(current, value, {
        compact: true,
        onUseProvider: (p) => {
          provider.value = p;
          providerTouched = true;
          validate();
        },
      }),
    );
  }

  provider.addEventListener("change", () => {
    providerTouched = true;
    validate();
  });
  let frame = 0;
  token.addEventListener("input", () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      validate();
    });
  });

  return {
    token,
    provider,
    detected,
    check,
    validate,
    current: () => current,
    /** Cancels a check still waiting for its frame. */
    cancel() {
      cancelAnimationFrame(frame);
    },
  };
}
