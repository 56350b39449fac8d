// @ts-check
// Feature 7: apps and their credentials. List apps (default marked) and each app's credentials;
// add a credential from .pem files (APNs) or a service-account JSON (FCM) — the package base64s
// them in the browser; make a credential (or an app) the default; delete with confirmation.
// The parts live in ./apps/: the list, the form, and the credential files' checks.
import { h } from "../lib/dom.js";
import { pageHeader } from "../lib/ui.js";
import { appsList } from "./apps/list.js";
import { credentialForm } from "./apps/credential-form.js";

/** @param {any} ctx */
export function create(ctx) {
  const list = appsList(ctx);
  const form = credentialForm(ctx);
  ctx.on("apps-changed", () => list.reload());
  const el = h(
    "div",
    null,
    pageHeader(
      "Apps & credentials",
      "An app groups device registrations and the credentials used to reach them. One app is the account's default; each app has a default credential per type.",
    ),
    list.el,
    form.el,
  );
  let loadedOnce = false;
  return {
    el,
    show() {
      if (loadedOnce) return;
      loadedOnce = true;
      list.reload();
      form.fillAppNames();
    },
  };
}
