// @ts-check
// Feature 1: sign in with the admin token. The token lives in sessionStorage only (never in a
// URL or a log), is checked with one cheap authenticated call, and is cleared from the input.
import { h, replace } from "../lib/dom.js";
import { storeToken, probe } from "../lib/api.js";
import { field, showFormError, clearFieldErrors, busy, pageHeader } from "../lib/ui.js";

let makeClient = null;
/** main.js supplies how a client is made (with its 401 handling). */
export function setClientFactory(fn) {
  makeClient = fn;
}

export function create(ctx) {
  const message = h("div", { class: "signin-message" });
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

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    replace(message);
    const token = input.value.trim();
    if (!token) {
      showFormError(form, { code: "VALIDATION_ERROR", field: "token", message: "Enter the admin token." });
      return;
    }
    const client = makeClient(token);
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
  });

  const el = h(
    "div",
    null,
    pageHeader(
      "Sign in",
      "Manage push device registrations, credentials and sends for your Twilio account, through the edge proxy.",
    ),
    message,
    form,
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
      queueMicrotask(() => input.focus());
    },
    setMessage(node) {
      replace(message, node);
    },
  };
}
