// @ts-check
// "Add a credential": an app name (existing or new), a type, and the credential's files (chosen
// or dropped, checked when chosen); the package base64s them in the browser.
import { apnCredentialContent, fcmCredentialContent } from "twilio-push-wasm";
import { h, replace } from "../../lib/dom.js";
import { field, showFormError, clearFieldErrors, setFieldError, busy, toast, chip, checkbox } from "../../lib/ui.js";
import { TYPE_LABEL } from "./list.js";
import { takeFile } from "./credential-files.js";

const APP_NAME_RE = /^[a-z0-9_]{1,64}$/;

/** @typedef {import("./credential-files.js").Loaded} Loaded */

/**
 * Routes an error's field to the input it concerns.
 * @param {string} f
 * @param {string} type
 */
function fieldOf(f, type) {
  if (f.startsWith("appName")) return "appName";
  if (f.startsWith("credentialType")) return "credentialType";
  if (f.startsWith("certificatePem") || f === "content.certificate") return "certificatePem";
  if (f.startsWith("privateKeyPem")) return "privateKeyPem";
  if (f.startsWith("serviceAccountJson")) return "serviceAccountJson";
  if (f === "content.privateKey") return type === "FCM" ? "serviceAccountJson" : "privateKeyPem";
  if (f.startsWith("content")) return type === "FCM" ? "serviceAccountJson" : "certificatePem";
  return null;
}

/**
 * The credential's `content` from the loaded files, or throws a VALIDATION_ERROR naming the
 * missing or wrong file.
 * @param {string} type
 * @param {Loaded} loaded
 */
function buildContent(type, loaded) {
  /** @param {string} field @param {string} message */
  const missing = (field, message) => ({ code: "VALIDATION_ERROR", field, message });
  if (type === "FCM") {
    if (!loaded.serviceAccountJson)
      throw missing("serviceAccountJson", "Choose or drop the service-account .json file.");
    return fcmCredentialContent(loaded.serviceAccountJson);
  }
  if (!loaded.certificatePem) throw missing("certificatePem", "Choose or drop the certificate .pem file.");
  if (!loaded.privateKeyPem) throw missing("privateKeyPem", "Choose or drop the private key .pem file.");
  return apnCredentialContent(loaded.certificatePem, loaded.privateKeyPem);
}

/** The file inputs, the drop zone and the list of what is loaded. */
function fileInputs() {
  const cert = h("input", { type: "file", accept: ".pem,.crt,.cer,application/x-pem-file" });
  const key = h("input", { type: "file", accept: ".pem,.key,application/x-pem-file" });
  const json = h("input", { type: "file", accept: ".json,application/json" });
  const state = h("ul", { class: "file-state", "aria-live": "polite" });
  const apnFields = h(
    "div",
    { class: "grid-2" },
    field({ label: "Certificate (.pem)", control: cert, field: "certificatePem" }),
    field({ label: "Private key (.pem)", control: key, field: "privateKeyPem" }),
  );
  const fcmFields = field({
    label: "Service account (.json)",
    control: json,
    field: "serviceAccountJson",
    hint: "The whole JSON key file downloaded from the Firebase console (Project settings → Service accounts).",
  });
  const drop = h(
    "div",
    { class: "dropzone", "data-testid": "credential-dropzone" },
    h(
      "p",
      null,
      h("strong", null, "Drop files here"),
      " — the certificate and key .pem files (or one .pem holding both), or the service-account .json.",
    ),
    apnFields,
    fcmFields,
    state,
  );
  return { cert, key, json, state, apnFields, fcmFields, drop };
}

/**
 * @param {HTMLElement} drop
 * @param {(files: File[]) => void} onFiles
 */
function acceptDrops(drop, onFiles) {
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    onFiles([...(e.dataTransfer?.files ?? [])]);
  });
}

/**
 * Shows the inputs of the selected type and what is loaded.
 * @param {string} type
 * @param {ReturnType<typeof fileInputs>} files
 * @param {Loaded} loaded
 */
function renderFileState(type, files, loaded) {
  const apn = type !== "FCM";
  files.apnFields.hidden = !apn;
  files.fcmFields.hidden = apn;
  const item = (/** @type {string} */ label, /** @type {import("./credential-files.js").Slot} */ key) =>
    h(
      "li",
      null,
      loaded[key] ? chip("Loaded", "success") : chip("Missing", "neutral"),
      ` ${label}${loaded.names[key] ? `: ${loaded.names[key]}` : ""}`,
    );
  replace(
    files.state,
    apn
      ? [item("Certificate", "certificatePem"), item("Private key", "privateKeyPem")]
      : item("Service account JSON", "serviceAccountJson"),
  );
}

/** The form's own inputs: app name (with the existing names offered), type, default. */
function formControls() {
  const appName = h("input", {
    type: "text",
    list: "app-names",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    pattern: "[a-z0-9_]{1,64}",
    class: "mono",
  });
  const appNames = h("datalist", { id: "app-names" });
  const type = h(
    "select",
    null,
    Object.entries(TYPE_LABEL).map(([v, label]) => h("option", { value: v }, label)),
  );
  const isDefault = checkbox({ label: "Make it the default for its type in this app" });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Add credential");
  return { appName, appNames, type, isDefault, submit };
}

/**
 * @param {ReturnType<typeof formControls>} c
 * @param {HTMLElement} drop
 */
function formMarkup(c, drop) {
  return h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "add-credential-title" },
    h("h2", { id: "add-credential-title" }, "Add a credential"),
    h(
      "p",
      { class: "muted" },
      "Files are read and base64-encoded in this browser and sent once through the proxy. They are never shown again: the API does not return secrets.",
    ),
    h(
      "div",
      { class: "grid-2" },
      field({
        label: "App name",
        control: c.appName,
        field: "appName",
        hint: "An existing app, or a new name (a–z, 0–9, _): the app is created with its first credential.",
        extra: c.appNames,
      }),
      field({ label: "Type", control: c.type, field: "credentialType" }),
    ),
    drop,
    c.isDefault.el,
    h("div", { class: "actions" }, c.submit),
    h("div", { class: "form-error" }),
  );
}

/**
 * The create parameters from the form, or throws a VALIDATION_ERROR.
 * @param {ReturnType<typeof formControls>} c
 * @param {Loaded} loaded
 */
function buildParams(c, loaded) {
  const name = c.appName.value.trim();
  if (!APP_NAME_RE.test(name))
    throw {
      code: "VALIDATION_ERROR",
      field: "appName",
      message: "Use 1 to 64 lowercase letters, digits or underscores, e.g. my_app.",
    };
  const params = { credentialType: c.type.value, content: buildContent(c.type.value, loaded), appName: name };
  return c.isDefault.input.checked ? { ...params, isDefault: true } : params;
}

/**
 * Takes chosen and dropped files: each is read and filed under what it holds; a wrong file is
 * refused now, by its input. `form()` is the form its errors are shown in.
 * @param {ReturnType<typeof formControls>} c
 * @param {ReturnType<typeof fileInputs>} files
 * @param {Loaded} loaded
 * @param {() => HTMLElement} form
 * @param {() => void} renderFiles
 */
function wireFiles(c, files, loaded, form, renderFiles) {
  /**
   * @param {File[]} list
   * @param {import("./credential-files.js").Slot} [slot]  the input they were chosen in
   */
  async function takeFiles(list, slot) {
    clearFieldErrors(form());
    for (const file of list) {
      const outcome = await takeFile(loaded, file, slot);
      if (outcome.type === "FCM") c.type.value = "FCM";
      if (outcome.type === "APN" && c.type.value === "FCM") c.type.value = "APN";
      if (outcome.problem) {
        const input = { certificatePem: files.cert, privateKeyPem: files.key, serviceAccountJson: files.json }[
          outcome.problem.slot
        ];
        if (slot) input.value = "";
        setFieldError(form(), outcome.problem.slot, outcome.problem.message);
      }
    }
    renderFiles();
  }
  files.cert.addEventListener("change", () => takeFiles([...(files.cert.files ?? [])], "certificatePem"));
  files.key.addEventListener("change", () => takeFiles([...(files.key.files ?? [])], "privateKeyPem"));
  files.json.addEventListener("change", () => takeFiles([...(files.json.files ?? [])], "serviceAccountJson"));
  acceptDrops(files.drop, (list) => takeFiles(list));
}

/**
 * Submit: validate, create, then clear the files (the app name stays for the next one).
 * @param {any} ctx
 * @param {HTMLElement} form
 * @param {ReturnType<typeof formControls>} c
 * @param {Loaded} loaded
 * @param {() => void} reset
 */
function wireSubmit(ctx, form, c, loaded, reset) {
  const mapField = (/** @type {string} */ f) => fieldOf(f, c.type.value);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    let params;
    try {
      params = buildParams(c, loaded);
    } catch (err) {
      return showFormError(form, err, mapField);
    }
    await busy(c.submit, "Adding…", async () => {
      let written;
      try {
        written = await ctx.client.createCredential(params);
      } catch (err) {
        showFormError(form, err, mapField);
        return;
      }
      toast(`Credential ${written.resourceId} added to ${params.appName}.`, "success");
      reset();
      ctx.appsChanged();
    });
  });
}

/** @param {any} ctx */
export function credentialForm(ctx) {
  const controls = formControls();
  const files = fileInputs();
  /** @type {Loaded} */
  const loaded = { certificatePem: null, privateKeyPem: null, serviceAccountJson: null, names: {} };
  const renderFiles = () => renderFileState(controls.type.value, files, loaded);
  controls.type.addEventListener("change", renderFiles);
  wireFiles(controls, files, loaded, () => form, renderFiles);
  const form = formMarkup(controls, files.drop);

  function reset() {
    Object.assign(loaded, { certificatePem: null, privateKeyPem: null, serviceAccountJson: null, names: {} });
    for (const i of [files.cert, files.key, files.json]) i.value = "";
    controls.isDefault.input.checked = false;
    renderFiles();
  }
  wireSubmit(ctx, form, controls, loaded, reset);

  async function fillAppNames() {
    try {
      replace(
        controls.appNames,
        (await ctx.apps()).map((/** @type {any} */ a) => h("option", { value: a.name })),
      );
    } catch {
      /* the list shows the error */
    }
  }
  ctx.on("apps-changed", fillAppNames);
  renderFiles();
  return { el: form, fillAppNames };
}
