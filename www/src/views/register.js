// @ts-check
// Feature 3: register one device. The provider is pre-filled from the token's shape; the token is
// checked inline; the result shows the created registration and then all of that user's devices.
import { inspectToken } from "twilio-push-wasm";
import { h, replace } from "../lib/dom.js";
import {
  field,
  card,
  pageHeader,
  showFormError,
  clearFieldErrors,
  busy,
  errorBox,
  errorMessage,
  copyButton,
  notice,
} from "../lib/ui.js";
import { appSelect, appErrorHandler } from "../lib/app-select.js";
import { tokenReport } from "../lib/token-report.js";
import { registrationCard } from "../lib/registration-card.js";

const FIELD_OF = (f) =>
  f.startsWith("token")
    ? "token"
    : f.startsWith("userId")
      ? "userId"
      : f.startsWith("appName")
        ? "appName"
        : f.startsWith("provider")
          ? "provider"
          : null;

export function create(ctx) {
  let form;
  const apps = appSelect(ctx, { onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')) });
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
  const userId = h("input", {
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "comms_pushnotificationuser_…",
    class: "mono",
  });
  const check = h("div", { class: "inline-check", "aria-live": "polite" });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Register device");
  const result = h("div", { class: "result", "aria-live": "polite" });
  let providerTouched = false;
  /** @type {string | null} */
  let lastDetected = null;
  let current = null;

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

  form = h(
    "form",
    { class: "card", novalidate: true, "aria-label": "Register a device" },
    h(
      "div",
      { class: "grid-2" },
      field({ label: "App", control: apps.select, field: "appName" }),
      field({
        label: "Provider",
        control: provider,
        field: "provider",
        extra: detected,
        hint: "Filled in from the token; change it only if you know better.",
      }),
    ),
    field({ label: "Device token", control: token, field: "token", extra: check }),
    field({
      label: "User ID",
      control: userId,
      field: "userId",
      optional: true,
      hint: "Leave empty to create a new user for this device, or give an existing user's ID to add the device to that user.",
    }),
    h("div", { class: "actions" }, submit),
    h("div", { class: "form-error" }),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    validate();
    const appName = apps.value();
    if (!appName)
      return showFormError(form, {
        code: "VALIDATION_ERROR",
        field: "appName",
        message: "Choose the app the device belongs to.",
      });
    if (!current)
      return showFormError(form, { code: "VALIDATION_ERROR", field: "token", message: "Paste the device token." });
    if (!current.ok)
      return showFormError(form, {
        code: "VALIDATION_ERROR",
        field: "token",
        message: "This token cannot be registered as it is: see the check just above.",
      });
    const params = { appName, token: current.token, provider: provider.value };
    const uid = userId.value.trim();
    if (uid) params.userId = uid;
    await busy(submit, "Registering…", async () => {
      replace(result);
      let written;
      try {
        written = await ctx.client.registerDevice(params);
      } catch (err) {
        if (err?.code === "API_ERROR" && err.status === 404 && uid) {
          showFormError(form, {
            ...err,
            code: "VALIDATION_ERROR",
            field: "userId",
            message: `${errorMessage(err)} — check the user ID, or leave it empty to create a new user.`,
          });
        } else showFormError(form, err, FIELD_OF);
        return;
      }
      await showResult(written.resourceId, params.token);
    });
  });

  async function showResult(registrationId, registeredToken) {
    replace(result, h("p", { class: "muted" }, "Registered. Loading the registration…"));
    let reg;
    try {
      reg = await ctx.client.getDeviceRegistration({ deviceRegistrationId: registrationId });
    } catch (err) {
      replace(
        result,
        notice(
          "success",
          "The device was registered as ",
          h("code", null, registrationId),
          ", but it could not be loaded:",
        ),
        errorBox(err, { onRetry: () => showResult(registrationId, registeredToken) }),
      );
      return;
    }
    const userDevices = h("div", { class: "stack" }, h("p", { class: "muted" }, "Loading this user's devices…"));
    replace(
      result,
      // The new registration is drawn once: among the user's devices below, highlighted.
      card(
        "Registered",
        notice(
          "success",
          "Device registered in ",
          h("code", null, reg.appName),
          " for user ",
          h("code", { "data-testid": "registered-user" }, reg.userId),
          " ",
          copyButton(() => reg.userId, { what: "user ID" }),
        ),
      ),
      card(
        "All devices of this user",
        h(
          "p",
          null,
          h("a", { href: `#/registrations?user=${encodeURIComponent(reg.userId)}` }, "Open in Registrations"),
          " to manage them.",
        ),
        userDevices,
      ),
    );
    try {
      const page = await ctx.client.listDeviceRegistrations({ userId: reg.userId });
      replace(
        userDevices,
        page.items.length
          ? page.items.map((r) => registrationCard(r, { highlightToken: registeredToken }))
          : h("p", { class: "muted" }, "No registrations."),
      );
    } catch (err) {
      replace(userDevices, errorBox(err));
    }
  }

  const el = h(
    "div",
    null,
    pageHeader("Register a device", "Add one device token to an app, for a new or an existing user."),
    form,
    result,
  );
  return {
    el,
    destroy() {
      cancelAnimationFrame(frame);
    },
  };
}
