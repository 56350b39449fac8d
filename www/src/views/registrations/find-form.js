// @ts-check
// "Find a device": the way from Registrations into the directory.
import { h } from "../../lib/dom.js";
import { field, showFormError, clearFieldErrors } from "../../lib/ui.js";

/**
 * "Find a device": a token in any spelling (what a bug report gives you) or your own user ID,
 * looked up in the directory, which knows which of your users holds which token.
 * @param {any} ctx
 */
export function findForm(ctx) {
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
