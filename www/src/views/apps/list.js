// @ts-check
// The apps and their credentials: each app as a card (default marked) with its credentials'
// type, ID, creation time and default status; make default, delete with confirmation.
import { h, replace, timeEl } from "../../lib/dom.js";
import { busy, errorBox, confirmDialog, toast, chip, notice } from "../../lib/ui.js";
import { loadCredentials } from "../../lib/api.js";

export const TYPE_LABEL = /** @type {Record<string, string>} */ ({
  APN: "APNs (production)",
  APN_SANDBOX: "APNs sandbox (development builds)",
  FCM: "FCM",
});

/**
 * What deleting a credential does, for the confirmation dialog.
 * @param {any} app
 * @param {any} cred
 * @param {boolean} last  the app's last credential (the app goes with it)
 */
function deleteMessage(app, cred, last) {
  return [
    h(
      "p",
      null,
      `${TYPE_LABEL[cred.credentialType] ?? cred.credentialType} credential `,
      h("code", null, cred.id),
      " of ",
      h("code", null, app.name),
      ".",
    ),
    last
      ? h(
          "p",
          { class: "danger-text" },
          h(
            "strong",
            null,
            "It is the app's last credential: deleting it also deletes the app and all of its device registrations.",
          ),
        )
      : cred.isDefault
        ? h(
            "p",
            null,
            "It is the default for its type; the oldest remaining credential of the same type becomes the default.",
          )
        : h("p", null, "Sends that name this credential will fail."),
  ];
}

/**
 * A button that runs `action` (busy while it runs), shows its error in `problems`, and on
 * success says `done` and tells the page that apps changed.
 * @param {any} ctx
 * @param {{ label: string, busyLabel: string, aria?: string, className: string, problems: HTMLElement,
 *   confirm?: () => Promise<boolean>, action: () => Promise<unknown>, done: string }} p
 */
function actionButton(ctx, { label, busyLabel, aria, className, problems, confirm, action, done }) {
  return h(
    "button",
    {
      class: `btn btn-small ${className}`,
      type: "button",
      "aria-label": aria,
      onclick: async (/** @type {Event} */ e) => {
        const button = /** @type {HTMLButtonElement} */ (e.currentTarget); // gone from the event once dispatched
        if (confirm && !(await confirm())) return;
        replace(problems);
        try {
          await busy(button, busyLabel, action);
        } catch (err) {
          replace(problems, errorBox(err));
          return;
        }
        toast(done, "success");
        ctx.appsChanged();
      },
    },
    label,
  );
}

/**
 * @param {any} ctx
 * @param {any} app
 * @param {any} cred
 * @param {any[]} creds  the app's credentials
 * @param {HTMLElement} problems
 */
function credentialRow(ctx, app, cred, creds, problems) {
  const last = creds.length === 1;
  const setDefault = cred.isDefault
    ? chip("Default", "success", `Default ${cred.credentialType} credential of ${app.name}`)
    : actionButton(ctx, {
        label: "Make default",
        busyLabel: "Saving…",
        aria: `Make ${cred.id} the default ${cred.credentialType} credential`,
        className: "",
        problems,
        action: () => ctx.client.updateCredential({ credentialId: cred.id, isDefault: true }),
        done: `Default ${cred.credentialType} credential of ${app.name} changed.`,
      });
  const del = actionButton(ctx, {
    label: "Delete",
    busyLabel: "Deleting…",
    aria: `Delete credential ${cred.id}`,
    className: "btn-danger-quiet",
    problems,
    confirm: () =>
      confirmDialog({
        title: "Delete this credential?",
        message: deleteMessage(app, cred, last),
        confirmLabel: last ? "Delete credential and app" : "Delete credential",
        danger: true,
      }),
    action: () => ctx.client.deleteCredential({ credentialId: cred.id }),
    done: last ? `Deleted the credential and the app ${app.name}.` : "Credential deleted.",
  });
  return h(
    "tr",
    { "data-credential-id": cred.id },
    h("td", { "data-label": "Type" }, chip(cred.credentialType, cred.credentialType === "FCM" ? "neutral" : "info")),
    h(
      "td",
      { "data-label": "Credential" },
      h("code", null, cred.id),
      cred.tags && Object.keys(cred.tags).length
        ? h(
            "span",
            { class: "muted small cred-tags" },
            ` · ${Object.entries(cred.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")}`,
          )
        : null,
    ),
    h("td", { "data-label": "Created" }, timeEl(cred.createdAt)),
    h("td", { class: "row-actions", "data-label": "Actions" }, h("span", { class: "row-buttons" }, setDefault, del)),
  );
}

/**
 * One app: its name, default status, creation time and credentials.
 * @param {any} ctx
 * @param {any} app
 * @param {any[]} creds
 */
function appCard(ctx, app, creds) {
  const problems = h("div", { class: "card-error" });
  const makeDefault = app.isDefault
    ? null
    : actionButton(ctx, {
        label: "Make default app",
        busyLabel: "Saving…",
        className: "",
        problems,
        action: () => ctx.client.updateApp({ appName: app.name, isDefault: true }),
        done: `${app.name} is now the default app.`,
      });
  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table table-stack" },
      h("caption", { class: "visually-hidden" }, `Credentials of ${app.name}`),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Type", "Credential", "Created", "Actions"].map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        null,
        creds.map((c) => credentialRow(ctx, app, c, creds, problems)),
      ),
    ),
  );
  return h(
    "section",
    { class: "card app", "data-app": app.name, "aria-label": `App ${app.name}` },
    h(
      "header",
      { class: "app-head" },
      h(
        "div",
        null,
        h("h2", null, h("code", null, app.name), " ", app.isDefault ? chip("Default app", "success") : null),
        h("p", { class: "muted small" }, "Created ", timeEl(app.createdAt)),
      ),
      makeDefault,
    ),
    problems,
    creds.length ? table : h("p", { class: "muted" }, "No credentials."),
  );
}

/** @param {any} ctx */
export function appsList(ctx) {
  const el = h("div", { class: "stack", "aria-live": "polite" });
  async function reload() {
    replace(el, h("p", { class: "muted" }, "Loading apps and credentials…"));
    let apps;
    let creds;
    try {
      [apps, creds] = await Promise.all([ctx.apps(), loadCredentials(ctx.client)]);
    } catch (err) {
      replace(el, errorBox(err, { onRetry: reload }));
      return;
    }
    if (!apps.length) {
      replace(el, notice("info", "No apps yet. An app is created with its first credential: add one below."));
      return;
    }
    replace(
      el,
      apps.map((/** @type {any} */ app) =>
        appCard(
          ctx,
          app,
          creds.filter((c) => c.appName === app.name),
        ),
      ),
    );
  }
  return { el, reload };
}
