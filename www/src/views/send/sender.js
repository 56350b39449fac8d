// @ts-check
// The send form's sender: the default app (named), an app, or specific credentials.
import { h, replace } from "../../lib/dom.js";
import { field, fieldset, radio, card, errorMessage } from "../../lib/ui.js";
import { appSelect, appErrorHandler } from "../../lib/app-select.js";
import { loadCredentials } from "../../lib/api.js";

/**
 * Fills a credential <select> with the credentials of the given types, keeping the choice.
 * @param {HTMLSelectElement} select
 * @param {any[]} creds
 * @param {string[]} types
 */
function fillCredentials(select, creds, types) {
  const keep = select.value;
  replace(
    select,
    h("option", { value: "" }, "None"),
    creds
      .filter((c) => types.includes(c.credentialType))
      .map((c) =>
        h(
          "option",
          { value: c.id },
          `${c.appName} · ${c.credentialType}${c.isDefault ? " (default)" : ""} · …${c.id.slice(-6)}`,
        ),
      ),
  );
  select.value = keep;
}

/**
 * "The default app (demo_app)" in the first choice; a loading problem under the choices, with
 * Try again.
 * @param {any} ctx
 * @param {() => void} reloadApps
 */
function defaultAppName(ctx, reloadApps) {
  const label = h("span", { "data-testid": "default-app" }, "The default app");
  /** @type {HTMLElement | null} */
  let slot = null;
  async function render() {
    try {
      const app = (await ctx.apps()).find((/** @type {any} */ a) => a.isDefault);
      replace(label, "The default app", app ? [" (", h("code", null, app.name), ")"] : " (none yet)");
      if (slot) replace(slot).hidden = true;
    } catch (err) {
      replace(label, "The default app");
      if (!slot) return;
      slot.hidden = false;
      const retry = () => {
        render();
        reloadApps();
      };
      replace(
        slot,
        `Apps could not be loaded: ${errorMessage(err)} `,
        h("button", { class: "btn btn-small", type: "button", onclick: retry }, "Try again"),
      );
    }
  }
  return {
    label,
    /** @param {HTMLElement} fieldsetEl */
    attach(fieldsetEl) {
      slot = fieldsetEl.querySelector(":scope > .field-error");
      render();
      ctx.on("apps-changed", render);
    },
  };
}

/**
 * The "Specific credentials" choice: an APNs and an FCM credential, loaded when first shown
 * and again after the apps changed.
 * @param {any} ctx
 * @param {() => boolean} shown
 */
function credentialChoice(ctx, shown) {
  const apnCred = /** @type {HTMLSelectElement} */ (h("select", null, h("option", { value: "" }, "None")));
  const fcmCred = /** @type {HTMLSelectElement} */ (h("select", null, h("option", { value: "" }, "None")));
  const credStatus = h("p", { class: "field-error", hidden: true });
  const el = h(
    "div",
    { class: "grid-2" },
    field({ label: "APNs credential", control: apnCred, field: "from.apn" }),
    field({ label: "FCM credential", control: fcmCred, field: "from.fcm" }),
    credStatus,
  );
  let loaded = false;
  async function load() {
    if (loaded) return;
    credStatus.hidden = true;
    try {
      const creds = await loadCredentials(ctx.client);
      fillCredentials(apnCred, creds, ["APN", "APN_SANDBOX"]);
      fillCredentials(fcmCred, creds, ["FCM"]);
      loaded = true;
    } catch (err) {
      credStatus.hidden = false;
      credStatus.textContent = `Credentials could not be loaded: ${errorMessage(err)}`;
    }
  }
  ctx.on("apps-changed", () => {
    loaded = false;
    if (shown()) load();
  });
  return {
    el,
    load,
    /** The chosen credentials, or throws a VALIDATION_ERROR. */
    from() {
      /** @type {{ apn?: string, fcm?: string }} */
      const from = {};
      if (apnCred.value) from.apn = apnCred.value;
      if (fcmCred.value) from.fcm = fcmCred.value;
      if (!from.apn && !from.fcm)
        throw {
          code: "VALIDATION_ERROR",
          field: "from",
          message: "Choose at least one credential, or send as an app.",
        };
      return from;
    },
  };
}

/**
 * The "Send as" radio group.
 * @param {any} label  the default app's label
 * @param {(mode: string) => void} setMode
 */
function senderChoices(label, setMode) {
  return fieldset({
    legend: "Send as",
    field: "from",
    children: [
      radio({ name: "sender", value: "default", label, checked: true, onchange: () => setMode("default") }),
      radio({ name: "sender", value: "app", label: "An app", onchange: () => setMode("app") }),
      radio({
        name: "sender",
        value: "credentials",
        label: "Specific credentials",
        onchange: () => setMode("credentials"),
      }),
    ],
  });
}

/** @param {any} ctx */
export function senderCard(ctx) {
  /** @type {HTMLElement | null} */
  let el = null;
  const apps = appSelect(ctx, { onError: appErrorHandler(() => el?.querySelector('[data-field="appName"]')) });
  let mode = "default";
  const appField = field({ label: "App", control: apps.select, field: "appName" });
  const creds = credentialChoice(ctx, () => mode === "credentials");

  /** @param {string} next */
  function setMode(next) {
    mode = next;
    appField.hidden = mode !== "app";
    creds.el.hidden = mode !== "credentials";
    if (mode === "credentials") creds.load();
  }

  const defaultApp = defaultAppName(ctx, () => apps.reload());
  const choices = senderChoices(defaultApp.label, setMode);
  defaultApp.attach(choices);
  el = card("Sender", choices, appField, creds.el);
  setMode("default");

  return {
    el,
    /** The `from` of a send (undefined: the default app), or throws a VALIDATION_ERROR. */
    from() {
      if (mode === "app") {
        if (!apps.value()) throw { code: "VALIDATION_ERROR", field: "appName", message: "Choose the app to send as." };
        return { appName: apps.value() };
      }
      return mode === "credentials" ? creds.from() : undefined;
    },
  };
}
