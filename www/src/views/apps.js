// Feature 7: apps and their credentials. List apps (default marked) and each app's credentials;
// add a credential from .pem files (APNs) or a service-account JSON (FCM) — the package base64s
// them in the browser; make a credential (or an app) the default; delete with confirmation.
import { apnCredentialContent, fcmCredentialContent } from "twilio-push-wasm";
import { h, replace, timeEl } from "../lib/dom.js";
import {
  field,
  card,
  pageHeader,
  showFormError,
  clearFieldErrors,
  setFieldError,
  busy,
  errorBox,
  errorMessage,
  confirmDialog,
  toast,
  chip,
  checkbox,
  notice,
} from "../lib/ui.js";
import { loadCredentials } from "../lib/api.js";

const APP_NAME_RE = /^[a-z0-9_]{1,64}$/;
const TYPE_LABEL = { APN: "APNs (production)", APN_SANDBOX: "APNs sandbox (development builds)", FCM: "FCM" };

/** PEM blocks in a file: a file may hold the certificate, the key, or both. */
function pemBlocks(text) {
  const blocks = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const m of text.matchAll(re)) blocks.push({ label: m[1], pem: m[0] });
  return blocks;
}

export function create(ctx) {
  const list = h("div", { class: "stack", "aria-live": "polite" });

  // ------------------------------------------------------------------ list
  async function reload() {
    replace(list, h("p", { class: "muted" }, "Loading apps and credentials…"));
    let apps;
    let creds;
    try {
      [apps, creds] = await Promise.all([ctx.apps(), loadCredentials(ctx.client)]);
    } catch (err) {
      replace(list, errorBox(err, { onRetry: reload }));
      return;
    }
    if (!apps.length) {
      replace(list, notice("info", "No apps yet. An app is created with its first credential: add one below."));
      return;
    }
    replace(
      list,
      apps.map((app) =>
        appCard(
          app,
          creds.filter((c) => c.appName === app.name),
        ),
      ),
    );
  }

  function appCard(app, creds) {
    const problems = h("div", { class: "card-error" });
    const makeDefault = app.isDefault
      ? null
      : h(
          "button",
          {
            class: "btn btn-small",
            type: "button",
            onclick: async (e) => {
              const button = e.currentTarget;
              replace(problems);
              try {
                await busy(button, "Saving…", () => ctx.client.updateApp({ appName: app.name, isDefault: true }));
              } catch (err) {
                replace(problems, errorBox(err));
                return;
              }
              toast(`${app.name} is now the default app.`, "success");
              ctx.appsChanged();
            },
          },
          "Make default app",
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
      creds.length
        ? h(
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
                creds.map((c) => credentialRow(app, c, creds, problems)),
              ),
            ),
          )
        : h("p", { class: "muted" }, "No credentials."),
    );
  }

  function credentialRow(app, cred, creds, problems) {
    const setDefault = cred.isDefault
      ? chip("Default", "success", `Default ${cred.credentialType} credential of ${app.name}`)
      : h(
          "button",
          {
            class: "btn btn-small",
            type: "button",
            "aria-label": `Make ${cred.id} the default ${cred.credentialType} credential`,
            onclick: async (e) => {
              const button = e.currentTarget;
              replace(problems);
              try {
                await busy(button, "Saving…", () =>
                  ctx.client.updateCredential({ credentialId: cred.id, isDefault: true }),
                );
              } catch (err) {
                replace(problems, errorBox(err));
                return;
              }
              toast(`Default ${cred.credentialType} credential of ${app.name} changed.`, "success");
              ctx.appsChanged();
            },
          },
          "Make default",
        );
    const del = h(
      "button",
      {
        class: "btn btn-small btn-danger-quiet",
        type: "button",
        "aria-label": `Delete credential ${cred.id}`,
        onclick: async (e) => {
          const button = e.currentTarget; // gone from the event once it has been dispatched
          const last = creds.length === 1;
          const ok = await confirmDialog({
            title: "Delete this credential?",
            message: [
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
            ],
            confirmLabel: last ? "Delete credential and app" : "Delete credential",
            danger: true,
          });
          if (!ok) return;
          replace(problems);
          try {
            await busy(button, "Deleting…", () => ctx.client.deleteCredential({ credentialId: cred.id }));
          } catch (err) {
            replace(problems, errorBox(err));
            return;
          }
          toast(last ? `Deleted the credential and the app ${app.name}.` : "Credential deleted.", "success");
          ctx.appsChanged();
        },
      },
      "Delete",
    );
    return h(
      "tr",
      { "data-credential-id": cred.id },
      h("td", { "data-label": "Type" }, chip(cred.credentialType, cred.credentialType === "FCM" ? "neutral" : "info")),
      h("td", { "data-label": "Credential" }, h("code", null, cred.id)),
      h("td", { "data-label": "Created" }, timeEl(cred.createdAt)),
      h("td", { class: "row-actions", "data-label": "Actions" }, h("span", { class: "row-buttons" }, setDefault, del)),
    );
  }

  // ------------------------------------------------------------------ create form
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
  const certInput = h("input", { type: "file", accept: ".pem,.crt,.cer,application/x-pem-file" });
  const keyInput = h("input", { type: "file", accept: ".pem,.key,application/x-pem-file" });
  const jsonInput = h("input", { type: "file", accept: ".json,application/json" });
  const isDefault = checkbox({ label: "Make it the default for its type in this app" });
  const loaded = { certificatePem: null, privateKeyPem: null, serviceAccountJson: null, names: {} };
  const fileState = h("ul", { class: "file-state", "aria-live": "polite" });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Add credential");
  const apnFields = h(
    "div",
    { class: "grid-2" },
    field({ label: "Certificate (.pem)", control: certInput, field: "certificatePem" }),
    field({ label: "Private key (.pem)", control: keyInput, field: "privateKeyPem" }),
  );
  const fcmFields = field({
    label: "Service account (.json)",
    control: jsonInput,
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
    fileState,
  );

  function renderFileState() {
    const apn = type.value !== "FCM";
    apnFields.hidden = !apn;
    fcmFields.hidden = apn;
    const item = (label, key) =>
      h(
        "li",
        null,
        loaded[key] ? chip("Loaded", "success") : chip("Missing", "neutral"),
        ` ${label}${loaded.names[key] ? `: ${loaded.names[key]}` : ""}`,
      );
    replace(
      fileState,
      apn
        ? [item("Certificate", "certificatePem"), item("Private key", "privateKeyPem")]
        : item("Service account JSON", "serviceAccountJson"),
    );
  }
  type.addEventListener("change", renderFileState);

  let form;
  /** Reads dropped/selected files and files each under what it contains. `slot` forces one. */
  async function takeFiles(files, slot) {
    clearFieldErrors(form);
    for (const file of files) {
      let text;
      try {
        text = await file.text();
      } catch (err) {
        setFieldError(form, slot ?? "certificatePem", `${file.name} could not be read: ${errorMessage(err)}`);
        continue;
      }
      if (file.name.toLowerCase().endsWith(".json") || text.trimStart().startsWith("{")) {
        loaded.serviceAccountJson = text;
        loaded.names.serviceAccountJson = file.name;
        if (type.value !== "FCM") type.value = "FCM";
        continue;
      }
      const blocks = pemBlocks(text);
      const cert = blocks.find((b) => b.label === "CERTIFICATE");
      const key = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
      if (slot === "certificatePem" || (!slot && cert)) {
        loaded.certificatePem = slot === "certificatePem" ? (cert?.pem ?? text) : cert.pem;
        loaded.names.certificatePem = file.name;
      }
      if (slot === "privateKeyPem" || (!slot && key)) {
        loaded.privateKeyPem = slot === "privateKeyPem" ? (key?.pem ?? text) : key.pem;
        loaded.names.privateKeyPem = file.name;
      }
      if (!slot && !cert && !key)
        setFieldError(
          form,
          "certificatePem",
          `${file.name} holds no PEM certificate or private key (no -----BEGIN … ----- block).`,
        );
      if (type.value === "FCM" && (cert || key)) type.value = "APN";
    }
    renderFileState();
  }
  certInput.addEventListener("change", () => takeFiles([...certInput.files], "certificatePem"));
  keyInput.addEventListener("change", () => takeFiles([...keyInput.files], "privateKeyPem"));
  jsonInput.addEventListener("change", () => takeFiles([...jsonInput.files], "serviceAccountJson"));
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    takeFiles([...(e.dataTransfer?.files ?? [])]);
  });

  const FIELD_OF = (f) => {
    if (f.startsWith("appName")) return "appName";
    if (f.startsWith("credentialType")) return "credentialType";
    if (f.startsWith("certificatePem") || f === "content.certificate") return "certificatePem";
    if (f.startsWith("privateKeyPem")) return "privateKeyPem";
    if (f.startsWith("serviceAccountJson")) return "serviceAccountJson";
    if (f === "content.privateKey") return type.value === "FCM" ? "serviceAccountJson" : "privateKeyPem";
    if (f.startsWith("content")) return type.value === "FCM" ? "serviceAccountJson" : "certificatePem";
    return null;
  };

  form = h(
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
        control: appName,
        field: "appName",
        hint: "An existing app, or a new name (a–z, 0–9, _): the app is created with its first credential.",
        extra: appNames,
      }),
      field({ label: "Type", control: type, field: "credentialType" }),
    ),
    drop,
    isDefault.el,
    h("div", { class: "actions" }, submit),
    h("div", { class: "form-error" }),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const name = appName.value.trim();
    if (!APP_NAME_RE.test(name))
      return showFormError(
        form,
        {
          code: "VALIDATION_ERROR",
          field: "appName",
          message: "Use 1 to 64 lowercase letters, digits or underscores, e.g. my_app.",
        },
        FIELD_OF,
      );
    const credentialType = type.value;
    let content;
    try {
      if (credentialType === "FCM") {
        if (!loaded.serviceAccountJson)
          throw {
            code: "VALIDATION_ERROR",
            field: "serviceAccountJson",
            message: "Choose or drop the service-account .json file.",
          };
        content = fcmCredentialContent(loaded.serviceAccountJson);
      } else {
        if (!loaded.certificatePem)
          throw {
            code: "VALIDATION_ERROR",
            field: "certificatePem",
            message: "Choose or drop the certificate .pem file.",
          };
        if (!loaded.privateKeyPem)
          throw {
            code: "VALIDATION_ERROR",
            field: "privateKeyPem",
            message: "Choose or drop the private key .pem file.",
          };
        content = apnCredentialContent(loaded.certificatePem, loaded.privateKeyPem);
      }
    } catch (err) {
      return showFormError(form, err, FIELD_OF);
    }
    const params = { credentialType, content, appName: name };
    if (isDefault.input.checked) params.isDefault = true;
    await busy(submit, "Adding…", async () => {
      let written;
      try {
        written = await ctx.client.createCredential(params);
      } catch (err) {
        showFormError(form, err, FIELD_OF);
        return;
      }
      toast(`Credential ${written.resourceId} added to ${name}.`, "success");
      Object.assign(loaded, { certificatePem: null, privateKeyPem: null, serviceAccountJson: null, names: {} });
      for (const i of [certInput, keyInput, jsonInput]) i.value = "";
      isDefault.input.checked = false;
      renderFileState();
      ctx.appsChanged();
    });
  });

  ctx.on("apps-changed", async () => {
    reload();
  });
  async function fillAppNames() {
    try {
      replace(
        appNames,
        (await ctx.apps()).map((a) => h("option", { value: a.name })),
      );
    } catch {
      /* the list shows the error */
    }
  }
  ctx.on("apps-changed", fillAppNames);

  renderFileState();
  const el = h(
    "div",
    null,
    pageHeader(
      "Apps & credentials",
      "An app groups device registrations and the credentials used to reach them. One app is the account's default; each app has a default credential per type.",
    ),
    list,
    form,
  );
  let loadedOnce = false;
  return {
    el,
    show() {
      if (!loadedOnce) {
        loadedOnce = true;
        reload();
        fillAppNames();
      }
    },
  };
}
