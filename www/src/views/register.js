// @ts-check
// Feature 3: register one device. The provider is pre-filled from the token's shape; the token is
// checked inline; the result shows the created registration and then all of that user's devices.
// The parts live in ./register/: the token and provider fields, and the result below the form.
import { h } from "../lib/dom.js";
import { field, pageHeader, showFormError, clearFieldErrors, busy, errorMessage } from "../lib/ui.js";
import { appSelect, appErrorHandler } from "../lib/app-select.js";
import { tokenFields } from "./register/token-fields.js";
import { registrationResult } from "./register/result.js";

/** @param {string} f */
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

/**
 * The form: app, provider, token with its check, optional user ID.
 * @param {any} ctx
 */
function registerForm(ctx) {
  /** @type {HTMLFormElement | undefined} */
  let formRef;
  const apps = appSelect(ctx, { onError: appErrorHandler(() => formRef?.querySelector('[data-field="appName"]')) });
  const tokens = tokenFields();
  const userId = h("input", {
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "comms_pushnotificationuser_…",
    class: "mono",
  });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Register device");
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-label": "Register a device" },
    h(
      "div",
      { class: "grid-2" },
      field({ label: "App", control: apps.select, field: "appName" }),
      field({
        label: "Provider",
        control: tokens.provider,
        field: "provider",
        extra: tokens.detected,
        hint: "Filled in from the token; change it only if you know better.",
      }),
    ),
    field({ label: "Device token", control: tokens.token, field: "token", extra: tokens.check }),
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
  formRef = form;
  return { form, apps, tokens, userId, submit };
}

/**
 * The registerDevice parameters, or a VALIDATION_ERROR for the first thing missing or wrong.
 * @param {ReturnType<typeof registerForm>} parts
 * @returns {{ params: { appName: string, token: string, provider: string, userId?: string } } | { error: any }}
 */
function readForm({ apps, tokens, userId }) {
  tokens.validate();
  const appName = apps.value();
  const current = tokens.current();
  if (!appName)
    return { error: { code: "VALIDATION_ERROR", field: "appName", message: "Choose the app the device belongs to." } };
  if (!current) return { error: { code: "VALIDATION_ERROR", field: "token", message: "Paste the device token." } };
  if (!current.ok)
    return {
      error: {
        code: "VALIDATION_ERROR",
        field: "token",
        message: "This token cannot be registered as it is: see the check just above.",
      },
    };
  /** @type {{ appName: string, token: string, provider: string, userId?: string }} */
  const params = { appName, token: current.token, provider: tokens.provider.value };
  const uid = userId.value.trim();
  if (uid) params.userId = uid;
  return { params };
}

/**
 * Registers the device and shows the result; an unknown user ID is explained under its field.
 * @param {any} ctx
 * @param {ReturnType<typeof registerForm>} parts
 * @param {ReturnType<typeof registrationResult>} result
 */
async function submitRegistration(ctx, parts, result) {
  const { form, submit } = parts;
  clearFieldErrors(form);
  const read = readForm(parts);
  if ("error" in read) return showFormError(form, read.error);
  const { params } = read;
  await busy(submit, "Registering…", async () => {
    result.clear();
    let written;
    try {
      written = await ctx.client.registerDevice(params);
    } catch (err) {
      if (err?.code === "API_ERROR" && err.status === 404 && params.userId) {
        showFormError(form, {
          ...err,
          code: "VALIDATION_ERROR",
          field: "userId",
          message: `${errorMessage(err)} — check the user ID, or leave it empty to create a new user.`,
        });
      } else showFormError(form, err, FIELD_OF);
      return;
    }
    await result.show(written.resourceId, params.token);
  });
}

/** @param {any} ctx */
export function create(ctx) {
  const parts = registerForm(ctx);
  const result = registrationResult(ctx);
  parts.form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitRegistration(ctx, parts, result);
  });

  const el = h(
    "div",
    null,
    pageHeader("Register a device", "Add one device token to an app, for a new or an existing user."),
    parts.form,
    result.el,
  );
  return {
    el,
    destroy() {
      parts.tokens.cancel();
    },
  };
}
