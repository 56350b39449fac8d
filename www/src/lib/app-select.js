// @ts-check
// A <select> of the account's apps (default first and pre-selected), kept fresh when apps change.
import { h, replace } from "./dom.js";
import { errorMessage } from "./ui.js";

/**
 * Returns { select, reload, value() }. `allowAll` adds a first "All apps" option (value "").
 * Loading problems are shown as a disabled option and in `onError`.
 */
/**
 * @param {any} ctx
 * @param {{ allowAll?: boolean, onError?: (err: unknown, retry?: () => void) => void,
 *   onChange?: (value: string) => void }} [options]
 */
export function appSelect(ctx, { allowAll = false, onError, onChange } = {}) {
  const select = h("select", { required: !allowAll, onchange: () => onChange?.(select.value) });
  let userChose = false;
  select.addEventListener("change", () => (userChose = true));
  async function reload() {
    const previous = select.value;
    replace(select, h("option", { value: "", disabled: !allowAll }, allowAll ? "All apps" : "Loading apps…"));
    try {
      const apps = await ctx.apps();
      const options = apps.map((/** @type {{ name: string, isDefault?: boolean }} */ app) =>
        h("option", { value: app.name }, app.isDefault ? `${app.name} (default)` : app.name),
      );
      replace(select, allowAll ? h("option", { value: "" }, "All apps") : null, options);
      if (!apps.length && !allowAll)
        replace(
          select,
          h("option", { value: "", disabled: true }, "No apps yet: add a credential under Apps & credentials"),
        );
      const keep =
        apps.some((/** @type {{ name: string }} */ a) => a.name === previous) && (userChose || allowAll)
          ? previous
          : allowAll
            ? ""
            : ((apps.find((/** @type {{ isDefault?: boolean }} */ a) => a.isDefault) ?? apps[0])?.name ?? "");
      select.value = keep;
      onError?.(null);
    } catch (err) {
      replace(select, h("option", { value: "", disabled: true }, "Apps could not be loaded"));
      onError?.(err, reload);
    }
  }
  reload();
  ctx.on("apps-changed", reload);
  return { select, reload, value: () => select.value };
}

/**
 * Shows an app-loading error under the select's field.
 * @param {() => Element | null | undefined} getField  the field's wrapper (`[data-field]`)
 * @returns {(err: unknown, retry?: () => void) => void}
 */
export function appErrorHandler(getField) {
  return (err, retry) => {
    const wrap = getField();
    if (!wrap) return;
    const slot = /** @type {HTMLElement | null} */ (wrap.querySelector(":scope > .field-error"));
    if (!slot) return;
    slot.hidden = !err;
    replace(
      slot,
      err ? `Apps could not be loaded: ${errorMessage(err)} ` : null,
      err && retry ? h("button", { class: "btn btn-small", type: "button", onclick: retry }, "Try again") : null,
    );
  };
}
