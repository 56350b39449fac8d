// @ts-check
// Feature 1: sign in with the admin token. The token lives in sessionStorage only (never in a
// URL or a log), is checked with one cheap authenticated call, and is cleared from the input.
import { h, replace } from "../lib/dom.js";
import { storeToken, probe } from "../lib/api.js";
import { field, showFormError, clearFieldErrors, busy, pageHeader } from "../lib/ui.js";

/** @type {((token: string) => any) | null} */
let makeClient = null;
/**
 * main.js supplies how a client is made (with its 401 handling).
 * @param {(token: string) => any} fn
 */
export function setClientFactory(fn) {
  makeClient = fn;
}

/** The sign-in form: the admin token's field, the submit button and the form's error slot. */
function signInForm() {
  const input = h("input", {
    type: "password",
    name: "admin-token",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
  });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card signin", novalidate: true },
    field({
      label: "Admin token",
      control: input,
      field: "token",
      hint: "The proxy's admin token. It is kept in this browser tab only and forgotten when you sign out or close the tab.",
    }),
    h("div", { class: "actions" }, submit),
    h("div", { class: "form-error" }),
  );
  return { form, input, submit };
}

/**
 * Checks the token with one authenticated call; on success stores it, clears the input and
 * hands the client to `ctx.signedIn`. A 401 is explained under the token's field.
 * @param {any} ctx
 * @param {ReturnType<typeof signInForm>} parts
 * @param {HTMLElement} message
 */
async function signIn(ctx, { form, input, submit }, message) {
  clearFieldErrors(form);
  replace(message);
  const token = input.value.trim();
  if (!token) {
    showFormError(form, { code: "VALIDATION_ERROR", field: "token", message: "Enter the admin token." });
    return;
  }
  const client = /** @type {(token: string) => any} */ (makeClient)(token);
  await busy(submit, "Checking…", async () => {
    try {
      await probe(client);
    } catch (err) {
      if (err?.code === "API_ERROR" && err.status === 401) {
        showFormError(form, {
          code: "VALIDATION_ERROR",
          field: "token",
          message:
            "The proxy did not accept this admin token (HTTP 401). Check it for typos or ask for the current one.",
        });
      } else {
        showFormError(form, err);
      }
      return;
    }
    storeToken(token);
    input.value = "";
    ctx.signedIn(client);
  });
}

/** @param {any} ctx */
export function create(ctx) {
  const message = h("div", { class: "signin-message" });
  const parts = signInForm();
  parts.form.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn(ctx, parts, message);
  });

  const el = h(
    "div",
    null,
    pageHeader(
      "Sign in",
      "Manage push device registrations, credentials and sends for your Twilio account, through the edge proxy.",
    ),
    message,
    parts.form,
    h(
      "p",
      { class: "muted" },
      "Just checking a device token? ",
      h("a", { href: "#/tokens" }, "Use the token checker"),
      " — it works without signing in.",
    ),
  );
  return {
    el,
    show() {
      queueMicrotask(() => parts.input.focus());
    },
    /** @param {import("../lib/dom.js").Child} node */
    setMessage(node) {
      replace(message, node);
    },
  };
}
