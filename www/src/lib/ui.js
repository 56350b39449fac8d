// @ts-check
// Shared UI pieces: form fields with their own error slot, error boxes, dialogs, toasts, chips,
// the operation stats bar. Errors are always shown next to what caused them.
import { h, replace, uid, fmtNum } from "./dom.js";

// ---------------------------------------------------------------------------------------------
// Fields

/**
 * A labelled field with a hint and an error slot. `control` is an input/select/textarea (its id
 * is set here). `field` is the key errors are routed to (see setFieldError).
 */
/**
 * @param {{ label: string, control: HTMLElement, hint?: string, field?: string, extra?: Node | null,
 *   optional?: boolean }} options
 */
export function field({ label, control, hint, field: key, extra, optional = false }) {
  const id = control.id || uid("f");
  control.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  const errorEl = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  control.setAttribute("aria-describedby", [hintEl?.id, errorEl.id].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field", dataset: key ? { field: key } : undefined },
    h("label", { for: id }, label, optional ? h("span", { class: "optional" }, " (optional)") : null),
    control,
    hintEl,
    extra ?? null,
    errorEl,
  );
}

/** A group of radio buttons or checkboxes with a legend and an error slot. */
/** @param {{ legend: string, children: Node[], field?: string, hint?: string }} options */
export function fieldset({ legend, children, field: key, hint }) {
  const errorEl = h("p", { class: "field-error", hidden: true });
  return h(
    "fieldset",
    { class: "field fieldset", dataset: key ? { field: key } : undefined },
    h("legend", null, legend),
    hint ? h("p", { class: "hint" }, hint) : null,
    h("div", { class: "choices" }, children),
    errorEl,
  );
}

/**
 * @param {{ name: string, value: string, label: import("./dom.js").Child, checked?: boolean,
 *   onchange?: (e: Event) => void }} options
 */
export function radio({ name, value, label, checked = false, onchange }) {
  const id = uid("r");
  return h(
    "span",
    { class: "choice" },
    h("input", { type: "radio", id, name, value, checked, onchange }),
    h("label", { for: id }, label),
  );
}

/** @param {{ label: string, checked?: boolean, onchange?: (e: Event) => void }} options */
export function checkbox({ label, checked = false, onchange }) {
  const id = uid("c");
  const input = h("input", { type: "checkbox", id, checked, onchange });
  return { input, el: h("span", { class: "choice" }, input, h("label", { for: id }, label)) };
}

/**
 * Shows `message` under the field registered as `key` inside `root`. Returns false if absent.
 * @param {ParentNode} root
 * @param {string} key
 * @param {string} message
 */
export function setFieldError(root, key, message) {
  const wrap = root.querySelector(`[data-field="${CSS.escape(key)}"]`);
  if (!wrap) return false;
  const errorEl = /** @type {HTMLElement} */ (wrap.querySelector(":scope > .field-error"));
  errorEl.textContent = message;
  errorEl.hidden = false;
  errorEl.setAttribute("role", "alert");
  for (const control of wrap.querySelectorAll("input, select, textarea")) control.setAttribute("aria-invalid", "true");
  return true;
}

/**
 * Hides every field's error and empties the form's error slot.
 * @param {ParentNode} root
 */
export function clearFieldErrors(root) {
  for (const el of root.querySelectorAll(/** @type {"div"} */ (".field-error"))) {
    el.hidden = true;
    el.textContent = "";
    el.removeAttribute("role");
  }
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of root.querySelectorAll(".form-error")) replace(el);
}

/**
 * Routes an error to the right place in a form: a VALIDATION_ERROR's `.field` (or each
 * `{field, message}` of an API error body) to the field `mapField(field)` names, everything else
 * to the form's `.form-error` slot next to its submit button.
 * @param {HTMLElement} form  a <form>: "Try again" submits it again
 * @param {any} err
 * @param {(field: string) => string | null} [mapField]
 * @param {{ retry?: boolean }} [options]  `retry: false`: no "Try again" when nothing answered
 */
export function showFormError(form, err, mapField = (f) => f, { retry = true } = {}) {
  clearFieldErrors(form);
  let placed = false;
  const fieldKey = (/** @type {unknown} */ f) => (typeof f === "string" && f ? mapField(f) : null);
  const message = errorMessage(err);
  // Where the problem is: the client's `.field`, the proxy's own validation body (`body.field`),
  // or, failing those, the field an upstream "Invalid request: <field> …" message names.
  const field = err?.field ?? err?.body?.field ?? /^Invalid request: ([A-Za-z][\w.[\]]*) /.exec(message)?.[1];
  if (field) {
    const key = fieldKey(field);
    if (key) placed = setFieldError(form, key, message);
  }
  const bodyErrors = Array.isArray(err?.body?.errors) ? err.body.errors : [];
  /** @type {string[]} */
  const unplaced = [];
  for (const item of bodyErrors) {
    const key = fieldKey(item?.field);
    const text = `${item.field} ${item.message}`;
    if (key && setFieldError(form, key, text)) placed = true;
    else unplaced.push(text);
  }
  const slot = form.querySelector(".form-error");
  if (!placed || unplaced.length) {
    // No answer at all: offer to submit again (nothing was changed by a request that never arrived).
    const onRetry =
      retry && (isUnreachable(err) || err?.code === "TIMEOUT")
        ? () => /** @type {HTMLFormElement} */ (form).requestSubmit()
        : undefined;
    if (slot) replace(slot, errorBox(err, { extra: unplaced.length && placed ? unplaced : null, onRetry }));
  }
  // Move focus to the first problem so keyboard and screen-reader users land on it.
  const first = /** @type {HTMLElement | null | undefined} */ (
    form.querySelector("[aria-invalid='true']") ?? slot?.querySelector(".alert")
  );
  first?.focus?.();
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * A short title for an error, by its code.
 * @param {any} err
 */
export function errorTitle(err) {
  switch (err?.code) {
    case "VALIDATION_ERROR":
      return "Check the input";
    case "API_ERROR":
      if (err.status === 401) return "Not signed in";
      if (err.status === 404) return "Not found";
      if (err.status === 429) return "Too many requests";
      if (err.status >= 500) return "The service had a problem";
      return "The request was refused";
    case "TIMEOUT":
      return "The proxy did not answer in time";
    case "NETWORK_ERROR":
      return "Connection problem";
    case "INVALID_RESPONSE":
      return "Unexpected answer";
    case "INVALID_ARGUMENT":
      return "Invalid value";
    default:
      return "Something went wrong";
  }
}

/**
 * "HTTP 400 · Twilio error 20001 · retry after 2 s"
 * @param {any} err
 */
export function errorDetail(err) {
  const parts = [];
  if (err?.code) parts.push(err.code);
  if (err?.status) parts.push(`HTTP ${err.status}`);
  if (err?.twilioCode) parts.push(`Twilio error ${err.twilioCode}`);
  if (err?.retryAfter) parts.push(`retry after ${err.retryAfter} s`);
  return parts.join(" · ");
}

/**
 * The error's message for people. The status is shown on its own line (errorDetail), so a
 * leading "HTTP 404 Not Found: " (which the proxy and the client may each add) is dropped.
 * @param {any} err
 */
export function errorMessage(err) {
  if (isUnreachable(err))
    return `Can't reach the proxy at ${proxyAddress()}. Check your connection and that the proxy is running, then try again.`;
  if (err?.code === "TIMEOUT")
    return `The proxy at ${proxyAddress()} did not answer in time. It may be overloaded or the connection slow; try again.`;
  const raw = (err && typeof err.message === "string" && err.message) || String(err);
  const text = err?.status ? raw.replace(/^(?:HTTP \d{3}[^:]{0,40}: )+/, "") : raw;
  return stripFieldPrefix(text, err);
}

/**
 * True for errors where no answer came back at all: the client's NETWORK_ERROR, or a raw
 * `TypeError: Failed to fetch` from a plain fetch.
 * @param {any} err
 */
export function isUnreachable(err) {
  return err?.code === "NETWORK_ERROR" || (err instanceof TypeError && /fetch|network/i.test(err.message));
}

/** Where the page's API lives, as a person would type it: "https://admin.example.com/api". */
export const proxyAddress = () => `${location.origin}/api`;

/** @type {Record<string, string>} */
const FIELD_SUBJECTS = {
  certificatePem: "The certificate file",
  privateKeyPem: "The private key file",
  serviceAccountJson: "The service-account file",
};

/**
 * Validation messages from the package start with the internal field path
 * ("serviceAccountJson.type: must be …"). People get a subject instead ("The service-account
 * file's "type" must be …"); where the message appears already says which input it concerns.
 * @param {string} text
 * @param {any} err
 */
function stripFieldPrefix(text, err) {
  const m = /^([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+|\[\d+\])*): (.*)$/s.exec(text);
  if (!m || (err?.field && err.field !== m[1])) return text;
  const [, path, detail] = m;
  const [head, ...rest] = path.split(".");
  const subject = FIELD_SUBJECTS[head];
  if (subject) return rest.length ? `${subject}'s "${rest.join(".")}" ${detail}` : `${subject} ${detail}`;
  const last =
    path
      .replace(/\[\d+\]/g, "")
      .split(".")
      .pop() ?? path;
  const words = last.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${detail}`;
}

/** An alert box with the error's title, message and code/status line. */
/**
 * @param {any} err
 * @param {{ onRetry?: (() => void) | null, extra?: string[] | null }} [options]
 */
export function errorBox(err, { onRetry, extra } = {}) {
  return h(
    "div",
    { class: "alert alert-error", role: "alert", tabindex: "-1" },
    h("strong", null, errorTitle(err)),
    h("p", null, errorMessage(err)),
    extra
      ? h(
          "ul",
          null,
          extra.map((t) => h("li", null, t)),
        )
      : null,
    errorDetail(err) ? h("p", { class: "alert-detail" }, errorDetail(err)) : null,
    onRetry ? h("button", { class: "btn btn-small", type: "button", onclick: onRetry }, "Try again") : null,
  );
}

/**
 * An alert box of `kind` ("success", "warning", "info", "error": the latter as an alert).
 * @param {string} kind
 * @param {...import("./dom.js").Child} children
 */
export const notice = (kind, ...children) =>
  h("div", { class: `alert alert-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);

// ---------------------------------------------------------------------------------------------
// Dialogs and toasts

/**
 * A modal confirmation. Resolves true when confirmed. Focus starts on Cancel.
 * @param {{ title: string, message: string | Node | (string | Node)[], confirmLabel?: string,
 *   danger?: boolean }} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, message, confirmLabel = "Confirm", danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid("dlg");
    const cancel = h("button", { class: "btn", type: "button", value: "cancel" }, "Cancel");
    const ok = h(
      "button",
      { class: `btn ${danger ? "btn-danger" : "btn-primary"}`, type: "button", value: "ok" },
      confirmLabel,
    );
    const dialog = h(
      "dialog",
      { class: "dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      ...(Array.isArray(message) ? message : [message]).map((m) => (m instanceof Node ? m : h("p", null, m))),
      h("div", { class: "dialog-actions" }, cancel, ok),
    );
    const close = (/** @type {boolean} */ value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    cancel.addEventListener("click", () => close(false));
    ok.addEventListener("click", () => close(true));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/**
 * A short message in the corner (at most three at a time); errors stay longer.
 * @param {string} message
 * @param {string} [kind]  "info", "success" or "error"
 */
export function toast(message, kind = "info") {
  const host = /** @type {HTMLElement} */ (document.getElementById("toasts"));
  const el = h("div", { class: `toast toast-${kind}` }, message);
  host.append(el);
  while (host.children.length > 3) host.firstElementChild?.remove();
  setTimeout(() => el.remove(), kind === "error" ? 8000 : 4000);
}

/**
 * A button that copies `getText()` to the clipboard and says so.
 * @param {() => string} getText
 * @param {{ label?: string, what?: string }} [options]
 */
export function copyButton(getText, { label = "Copy", what = "value" } = {}) {
  const btn = h("button", { class: "btn btn-small", type: "button", "aria-label": `Copy ${what}` }, label);
  btn.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(getText());
      btn.textContent = "Copied";
      toast(`Copied the ${what} to the clipboard.`, "success");
    } catch (e) {
      toast(`Could not copy (${errorMessage(e)}). Select the text and copy it by hand.`, "error");
    }
    setTimeout(() => (btn.textContent = label), 1500);
  });
  return btn;
}

// ---------------------------------------------------------------------------------------------
// Status

/** @type {Record<string, string>} */
const STATUS_KIND = {
  SENT: "success",
  COMPLETED: "success",
  FAILED: "danger",
  QUEUED: "info",
  PROCESSING: "info",
  SCHEDULED: "info",
  CANCELED: "neutral",
};
/** @param {string | null | undefined} status */
export const statusChip = (status) =>
  h("span", { class: `chip chip-${STATUS_KIND[status ?? ""] ?? "neutral"}` }, status ?? "unknown");

/**
 * @param {string} text
 * @param {string} [kind]
 * @param {string} [title]
 */
export const chip = (text, kind = "neutral", title) => h("span", { class: `chip chip-${kind}`, title }, text);

const SEGMENTS = [
  ["sent", "Sent", "success"],
  ["failed", "Failed", "danger"],
  ["queued", "Queued", "info"],
  ["scheduled", "Scheduled", "info-light"],
  ["unaddressable", "Unaddressable", "warning"],
  ["canceled", "Canceled", "neutral"],
];

/**
 * A stacked bar of an operation's stats, with a legend. `compact` omits the legend text.
 * @param {Record<string, any>} [stats]
 * @param {{ compact?: boolean }} [options]
 */
export function statsBar(stats = {}, { compact = false } = {}) {
  const total = Math.max(
    1,
    SEGMENTS.reduce((n, [key]) => n + (Number(stats[key]) || 0), 0),
  );
  const summary =
    SEGMENTS.filter(([key]) => stats[key])
      .map(([key, label]) => `${label} ${fmtNum(stats[key])}`)
      .join(", ") || "no recipients";
  const bar = h(
    "div",
    { class: "statsbar", role: "img", "aria-label": `Recipients: ${summary}` },
    SEGMENTS.filter(([key]) => stats[key] > 0).map(([key, label, kind]) =>
      h("span", {
        class: `seg seg-${kind}`,
        style: { width: `${((stats[key] / total) * 100).toFixed(2)}%` },
        title: `${label}: ${fmtNum(stats[key])}`,
      }),
    ),
  );
  if (compact) return h("div", { class: "stats compact" }, bar);
  return h(
    "div",
    { class: "stats" },
    bar,
    h(
      "dl",
      { class: "legend" },
      h("div", null, h("dt", null, "Total"), h("dd", { dataset: { stat: "total" } }, fmtNum(stats.total))),
      h(
        "div",
        null,
        h("dt", null, "Recipients"),
        h("dd", { dataset: { stat: "recipients" } }, fmtNum(stats.recipients)),
      ),
      SEGMENTS.filter(([key]) => ["sent", "failed", "queued"].includes(key) || stats[key] > 0).map(
        ([key, label, kind]) =>
          h(
            "div",
            { class: `legend-${kind}` },
            h("dt", null, h("span", { class: `dot seg-${kind}`, "aria-hidden": "true" }), label),
            h("dd", { dataset: { stat: key } }, fmtNum(stats[key] ?? 0)),
          ),
      ),
    ),
  );
}

/**
 * A section card with a heading.
 * @param {string} title
 * @param {...import("./dom.js").Child} children
 */
export function card(title, ...children) {
  const headingId = uid("h");
  return h("section", { class: "card", "aria-labelledby": headingId }, h("h2", { id: headingId }, title), ...children);
}

/**
 * Page heading + intro.
 * @param {string} title
 * @param {string} [intro]
 */
export const pageHeader = (title, intro) =>
  h(
    "header",
    { class: "page-header" },
    h("h1", { tabindex: "-1" }, title),
    intro ? h("p", { class: "lead" }, intro) : null,
  );

/**
 * Disables a button while `fn` runs and shows a busy label.
 * @template T
 * @param {HTMLButtonElement} button
 * @param {string} label
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function busy(button, label, fn) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = label;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = old;
  }
}
