// @ts-check
// One user's registrations: the look-up form (user ID, app), every registration of that user
// newest first, and deleting one after confirming.
import { h, replace } from "../../lib/dom.js";
import { field, showFormError, clearFieldErrors, busy, errorBox, confirmDialog, toast } from "../../lib/ui.js";
import { appSelect, appErrorHandler } from "../../lib/app-select.js";
import { registrationCard } from "../../lib/registration-card.js";

/** @typedef {{ userId: string, appName?: string }} Query */

/**
 * Every registration matching `params`, all pages, newest first (the one changed last on top).
 * @param {any} client
 * @param {Query} params
 * @returns {Promise<any[]>}
 */
async function allRegistrations(client, params) {
  /** @type {any[]} */
  const items = [];
  /** @type {string | undefined} */
  let pageToken;
  do {
    /** @type {{ items: any[], nextPageToken?: string }} */
    const page = await client.listDeviceRegistrations({ ...params, ...(pageToken ? { pageToken } : {}) });
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  items.sort((a, b) =>
    String(b.updatedAt ?? b.createdAt ?? "").localeCompare(String(a.updatedAt ?? a.createdAt ?? "")),
  );
  return items;
}

/**
 * The results: a heading with the counts, then one card per registration.
 * @param {any[]} items
 * @param {Query} params
 * @param {(reg: any) => void} onDelete
 */
function resultsContent(items, params, onDelete) {
  const devices = items.reduce((n, r) => n + (r.devices?.length ?? 0), 0);
  return [
    h(
      "h2",
      { class: "section-title" },
      items.length
        ? `${items.length} registration${items.length === 1 ? "" : "s"}, ${devices} device${devices === 1 ? "" : "s"}`
        : "No registrations",
    ),
    items.length
      ? items.map((reg) => registrationCard(reg, { onDelete }))
      : h(
          "p",
          { class: "muted" },
          `User ${params.userId} has no device registrations${params.appName ? ` in ${params.appName}` : ""}. (Unknown user IDs also show no registrations.)`,
        ),
  ];
}

/**
 * Asks before deleting `reg`: what the user stops receiving and how many devices go.
 * @param {any} reg
 */
function confirmDelete(reg) {
  const count = reg.devices?.length ?? 0;
  return confirmDialog({
    title: "Delete this registration?",
    message: [
      h(
        "p",
        null,
        "User ",
        h("code", null, reg.userId),
        " will stop receiving pushes from ",
        h("code", null, reg.appName),
        ".",
      ),
      h(
        "p",
        null,
        `The registration holds ${count} device${count === 1 ? "" : "s"}; all of them are removed. The user itself is kept.`,
      ),
    ],
    confirmLabel: "Delete registration",
    danger: true,
  });
}

/**
 * The look-up form: user ID and app (or all apps).
 * @param {any} ctx
 */
function lookupForm(ctx) {
  /** @type {HTMLFormElement | undefined} */
  let formRef;
  const userId = h("input", {
    type: "text",
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "comms_pushnotificationuser_…",
    required: true,
  });
  const apps = appSelect(ctx, {
    allowAll: true,
    onError: appErrorHandler(() => formRef?.querySelector('[data-field="appName"]')),
  });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Look up");
  const form = h(
    "form",
    { class: "card", novalidate: true, role: "search", "aria-label": "Look up a user's registrations" },
    h(
      "div",
      { class: "grid-2 grid-wide-first" },
      field({ label: "User ID", control: userId, field: "userId" }),
      field({ label: "App", control: apps.select, field: "appName" }),
    ),
    h("div", { class: "actions" }, submit),
    h("div", { class: "form-error" }),
  );
  formRef = form;
  return { form, userId, apps, submit };
}

/**
 * Deletes `reg` once confirmed, busy on its card's button; a failure is shown on its card.
 * @param {any} ctx
 * @param {HTMLElement} results  where the registration cards are
 * @param {any} reg
 * @returns {Promise<boolean>}  whether it was deleted
 */
async function deleteRegistration(ctx, results, reg) {
  if (!(await confirmDelete(reg))) return false;
  const cardEl = results.querySelector(`[data-registration-id="${CSS.escape(reg.id)}"]`);
  const button = /** @type {HTMLButtonElement | null | undefined} */ (cardEl?.querySelector("button.btn-danger-quiet"));
  try {
    await busy(button ?? h("button"), "Deleting…", () =>
      ctx.client.deleteDeviceRegistration({ deviceRegistrationId: reg.id }),
    );
  } catch (err) {
    cardEl?.querySelector(".card-error")?.remove();
    cardEl?.append(h("div", { class: "card-error" }, errorBox(err)));
    return false;
  }
  toast(`Deleted the registration in ${reg.appName}.`, "success");
  return true;
}

/**
 * The look-up form and its results. `lookup({ quiet })` reads the user's registrations again
 * (quiet: without the "Loading…" placeholder); `lastQuery()` is the last one asked for.
 * @param {any} ctx
 */
export function registrationsLookup(ctx) {
  const { form, userId, apps, submit } = lookupForm(ctx);
  const results = h("div", { class: "stack", "aria-live": "polite" });
  /** @type {Query | null} */
  let lastQuery = null;

  async function lookup({ quiet = false } = {}) {
    clearFieldErrors(form);
    const id = userId.value.trim();
    if (!id)
      return showFormError(form, {
        code: "VALIDATION_ERROR",
        field: "userId",
        message: "Enter a user ID, or choose one from the list of users below.",
      });
    /** @type {Query} */
    const params = { userId: id };
    if (apps.value()) params.appName = apps.value();
    lastQuery = params;
    if (!quiet) replace(results, h("p", { class: "muted" }, "Loading…"));
    let items;
    try {
      items = await allRegistrations(ctx.client, params);
    } catch (err) {
      replace(results);
      showFormError(form, err, (/** @type {string} */ f) =>
        f.startsWith("userId") ? "userId" : f.startsWith("appName") ? "appName" : null,
      );
      return;
    }
    replace(results, ...resultsContent(items, params, onDelete));
  }

  /** @param {any} reg */
  async function onDelete(reg) {
    if (await deleteRegistration(ctx, results, reg)) await lookup({ quiet: true });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(submit, "Looking up…", () => lookup());
  });

  return {
    form,
    results,
    lookup,
    /**
     * Looks up `id`'s registrations, as if typed in the form.
     * @param {string} id
     * @param {{ focus?: boolean }} [options]
     */
    showUser(id, { focus = false } = {}) {
      userId.value = id;
      lookup();
      if (focus) userId.focus();
    },
    lastQuery: () => lastQuery,
  };
}
