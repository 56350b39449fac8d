// @ts-check
// Feature 4: a user's registrations. Look up by user ID (or pick a user from the list), see the
// devices per app, delete a registration after confirming.
import { h, replace } from "../lib/dom.js";
import {
  field,
  card,
  pageHeader,
  showFormError,
  clearFieldErrors,
  busy,
  errorBox,
  confirmDialog,
  toast,
} from "../lib/ui.js";
import { appSelect, appErrorHandler } from "../lib/app-select.js";
import { registrationCard } from "../lib/registration-card.js";
import { usersList } from "../lib/users-list.js";

/**
 * "Find a device": a token in any spelling (what a bug report gives you) or your own user ID,
 * looked up in the directory, which knows which of your users holds which token.
 * @param {any} ctx
 */
function findForm(ctx) {
  const query = h("input", {
    type: "search",
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "a device token (any spelling) or your user ID",
  });
  const find = h(
    "form",
    { class: "card", novalidate: true, role: "search", "aria-label": "Find a device or one of your users" },
    field({
      label: "Find a device or one of your users",
      control: query,
      field: "q",
      hint: "Searched in the directory: the token's owner, its history, and your user's devices.",
    }),
    h("div", { class: "actions" }, h("button", { class: "btn", type: "submit" }, "Find")),
    h("div", { class: "form-error" }),
  );
  find.addEventListener("submit", (/** @type {Event} */ event) => {
    event.preventDefault();
    clearFieldErrors(find);
    const q = query.value.trim();
    if (!q)
      return showFormError(find, { code: "VALIDATION_ERROR", field: "q", message: "Enter a token or your user ID." });
    ctx.navigate(`#/directory?${new URLSearchParams({ q })}`);
  });
  return find;
}

/** @param {any} ctx */
export function create(ctx) {
  let form;
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
    onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')),
  });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Look up");
  const results = h("div", { class: "stack", "aria-live": "polite" });
  let lastQuery = null;

  form = h(
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

  async function lookup({ quiet = false } = {}) {
    clearFieldErrors(form);
    const id = userId.value.trim();
    if (!id)
      return showFormError(form, {
        code: "VALIDATION_ERROR",
        field: "userId",
        message: "Enter a user ID, or choose one from the list of users below.",
      });
    const params = { userId: id };
    if (apps.value()) params.appName = apps.value();
    lastQuery = params;
    if (!quiet) replace(results, h("p", { class: "muted" }, "Loading…"));
    let items;
    try {
      items = [];
      let pageToken;
      do {
        const page = await ctx.client.listDeviceRegistrations({ ...params, ...(pageToken ? { pageToken } : {}) });
        items.push(...page.items);
        pageToken = page.nextPageToken;
      } while (pageToken);
    } catch (err) {
      replace(results);
      showFormError(form, err, (f) => (f.startsWith("userId") ? "userId" : f.startsWith("appName") ? "appName" : null));
      return;
    }
    // Newest first: the registration changed last on top.
    items.sort((a, b) =>
      String(b.updatedAt ?? b.createdAt ?? "").localeCompare(String(a.updatedAt ?? a.createdAt ?? "")),
    );
    const devices = items.reduce((n, r) => n + (r.devices?.length ?? 0), 0);
    replace(
      results,
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
            `User ${id} has no device registrations${params.appName ? ` in ${params.appName}` : ""}. (Unknown user IDs also show no registrations.)`,
          ),
    );
  }

  async function onDelete(reg) {
    const count = reg.devices?.length ?? 0;
    const ok = await confirmDialog({
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
    if (!ok) return;
    const cardEl = results.querySelector(`[data-registration-id="${CSS.escape(reg.id)}"]`);
    const button = cardEl?.querySelector("button.btn-danger-quiet");
    try {
      await busy(button ?? h("button"), "Deleting…", () =>
        ctx.client.deleteDeviceRegistration({ deviceRegistrationId: reg.id }),
      );
    } catch (err) {
      cardEl?.querySelector(".card-error")?.remove();
      cardEl?.append(h("div", { class: "card-error" }, errorBox(err)));
      return;
    }
    toast(`Deleted the registration in ${reg.appName}.`, "success");
    await lookup({ quiet: true });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(submit, "Looking up…", () => lookup());
  });

  // Users list: a way in when you do not have an ID at hand (newest first, with device counts).
  const users = usersList(ctx, {
    onShow: (id) => {
      userId.value = id;
      lookup();
      userId.focus();
    },
  });
  users.el.hidden = true;
  let usersShown = false;
  const showUsers = h(
    "button",
    {
      class: "btn",
      type: "button",
      onclick: () => {
        showUsers.hidden = true;
        users.el.hidden = false;
        usersShown = true;
        users.refresh();
      },
    },
    "Show users",
  );
  // After an import (or any change elsewhere), what is on screen is stale: read it again.
  ctx.on("registrations-changed", () => {
    if (usersShown) users.refresh();
    if (lastQuery) lookup({ quiet: true });
  });

  const el = h(
    "div",
    null,
    pageHeader("Registrations", "A user's devices, grouped by app. A user has at most one registration per app."),
    findForm(ctx),
    form,
    results,
    card("Users", h("p", { class: "muted" }, "Every user of the account, newest first."), showUsers, users.el),
  );

  return {
    el,
    show(params) {
      if (params.user && params.user !== lastQuery?.userId) {
        userId.value = params.user;
        lookup();
      }
    },
  };
}
