// @ts-check
// The directory: your users and their devices. Search by a token (any spelling: the directory
// canonicalizes it) or by your user ID; users show your ID next to the Twilio one, device counts
// and last seen; a token's history shows who had it and when it moved; the mapping exports as
// CSV or JSON.
// The parts live in ./directory/: what a search found, the Users card, and the export.
import { h, replace } from "../lib/dom.js";
import { busy, clearFieldErrors, field, pageHeader, showFormError } from "../lib/ui.js";
import { appErrorHandler, appSelect } from "../lib/app-select.js";
import { directory } from "../lib/directory-api.js";
import { renderLookup } from "./directory/lookup-result.js";
import { directoryUsers } from "./directory/users.js";
import { exportCard } from "./directory/export.js";

/**
 * The search form and its results. `search(q)` shows what the directory knows about `q`.
 * @param {any} ctx
 */
function directorySearch(ctx) {
  /** @type {HTMLFormElement | undefined} */
  let formRef;
  const query = h("input", {
    type: "text",
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "a device token, or your user ID",
  });
  const apps = appSelect(ctx, {
    allowAll: true,
    onError: appErrorHandler(() => formRef?.querySelector('[data-field="appName"]')),
  });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Search");
  const results = h("div", { class: "stack", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", novalidate: true, role: "search", "aria-label": "Search the directory" },
    h(
      "div",
      { class: "grid-2 grid-wide-first" },
      field({ label: "Token or your user ID", control: query, field: "q" }),
      field({ label: "App", control: apps.select, field: "appName" }),
    ),
    h("div", { class: "actions" }, submit),
    h("div", { class: "form-error" }),
  );
  formRef = form;

  /** @param {string} q */
  async function search(q) {
    clearFieldErrors(form);
    if (!q) {
      return showFormError(form, { code: "VALIDATION_ERROR", field: "q", message: "Enter a token or your user ID." });
    }
    const params = new URLSearchParams({ q });
    if (apps.value()) params.set("appName", apps.value());
    try {
      replace(results, ...renderLookup(await directory(`lookup?${params}`)));
    } catch (err) {
      replace(results);
      showFormError(form, err, (/** @type {string} */ f) => (f === "q" || f === "appName" ? f : null));
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(submit, "Searching…", () => search(query.value.trim()));
  });

  return {
    form,
    results,
    appName: apps.value,
    query: () => query.value,
    /**
     * Searches for `q`, as if typed in the form.
     * @param {string} q
     */
    searchFor(q) {
      query.value = q;
      search(q);
    },
  };
}

/**
 * The Directory section.
 * @param {any} ctx
 */
export function create(ctx) {
  const search = directorySearch(ctx);
  const el = h(
    "div",
    null,
    pageHeader(
      "Directory",
      "Your users and their devices, as the directory records them: which of your users is which Twilio user, and who had each token.",
    ),
    search.form,
    search.results,
    directoryUsers(ctx, search.appName, search.searchFor),
    exportCard(search.appName),
  );
  return {
    el,
    /** @param {Record<string, string>} params */
    show(params) {
      if (params.q && params.q !== search.query()) search.searchFor(params.q);
    },
  };
}
