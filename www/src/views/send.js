// Feature 5: send a push to tokens and/or users, then follow the operation(s) live.
// Over 10,000 recipients the send goes through sendPushInBatches (one operation per batch).
import { inspectToken, inspectTokens } from "twilio-push-wasm";
import { h, replace, debounce, fmtNum } from "../lib/dom.js";
import {
  field,
  fieldset,
  radio,
  card,
  pageHeader,
  showFormError,
  clearFieldErrors,
  busy,
  errorBox,
  errorMessage,
  confirmDialog,
  notice,
  chip,
} from "../lib/ui.js";
import { appSelect, appErrorHandler } from "../lib/app-select.js";
import { loadCredentials } from "../lib/api.js";
import { providerOfCanonical, splitLines } from "../lib/tokens.js";
import { operationPanel } from "../lib/operation-panel.js";

const MAX_PER_SEND = 10_000;
const DETAIL_LINES = 50; // up to this many lines, every line gets its own verdict
const MAX_LISTED_ERRORS = 100;

/** Checks the tokens textarea: one inspectTokens call, plus per-line detail for short lists. */
function checkTokens(text) {
  const report = inspectTokens(text, { includeTokens: true });
  const lines = splitLines(text);
  const recipients = [];
  const lineOf = [];
  const seen = new Set(report.duplicateOf.map((d) => d.index));
  report.tokens?.forEach((token, index) => {
    if (token === null || seen.has(index)) return;
    recipients.push({ token, provider: providerOfCanonical(token) });
    lineOf.push(index + 1);
  });
  const detail =
    report.total <= DETAIL_LINES
      ? lines.map((line, i) => (line.trim() ? { line: i + 1, result: inspectToken(line) } : null)).filter(Boolean)
      : null;
  return { report, recipients, lineOf, detail };
}

function parseTags(text) {
  const tags = {};
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0)
      throw Object.assign(new Error(`Line ${i + 1} of the tags: write each tag as key=value.`), {
        code: "VALIDATION_ERROR",
        field: "tags",
      });
    tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return Object.keys(tags).length ? tags : undefined;
}

export function create(ctx) {
  let form;
  // Recipients
  const tokens = h("textarea", {
    rows: 6,
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    placeholder: "One device token per line",
  });
  const tokenCheck = h("div", { class: "line-check", "aria-live": "polite", "data-testid": "recipient-check" });
  const userIds = h("textarea", {
    rows: 3,
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "comms_pushnotificationuser_…",
  });
  const count = h("p", { class: "recipient-count", "aria-live": "polite" });
  // Message
  const title = h("input", { type: "text", maxlength: 1000 });
  const body = h("textarea", { rows: 3 });
  const priority = h(
    "select",
    null,
    h("option", { value: "HIGH" }, "High (default)"),
    h("option", { value: "LOW" }, "Low"),
  );
  const sound = h("input", { type: "text", placeholder: "e.g. default or ring", autocomplete: "off" });
  const tags = h("textarea", { rows: 2, class: "mono", placeholder: "campaign=spring", spellcheck: "false" });
  // Sender
  const apps = appSelect(ctx, { onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')) });
  const apnCred = h("select", null, h("option", { value: "" }, "None"));
  const fcmCred = h("select", null, h("option", { value: "" }, "None"));
  const credStatus = h("p", { class: "field-error", hidden: true });
  let senderMode = "default";
  const senderDetails = {
    app: field({ label: "App", control: apps.select, field: "appName" }),
    credentials: h(
      "div",
      { class: "grid-2" },
      field({ label: "APNs credential", control: apnCred, field: "from.apn" }),
      field({ label: "FCM credential", control: fcmCred, field: "from.fcm" }),
      credStatus,
    ),
  };
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Send push");
  const results = h("div", { class: "stack", "aria-live": "polite" });
  let panels = [];
  let checked = { report: { total: 0 }, recipients: [], lineOf: [], detail: [] };

  function renderTokenCheck() {
    const text = tokens.value;
    if (!text.trim()) {
      checked = {
        report: { total: 0, valid: 0, invalid: 0, duplicates: 0, errors: [] },
        recipients: [],
        lineOf: [],
        detail: [],
      };
      replace(tokenCheck);
      renderCount();
      return;
    }
    checked = checkTokens(text);
    const { report, detail } = checked;
    const apn = checked.recipients.filter((r) => r.provider === "APN").length;
    const summary = h(
      "p",
      { class: "check-summary" },
      `${fmtNum(report.total)} token${report.total === 1 ? "" : "s"}: `,
      chip(`${fmtNum(report.valid)} valid`, report.valid ? "success" : "neutral"),
      " ",
      report.invalid ? chip(`${fmtNum(report.invalid)} invalid`, "danger") : null,
      " ",
      report.duplicates
        ? chip(`${fmtNum(report.duplicates)} duplicate${report.duplicates === 1 ? "" : "s"} (sent once)`, "warning")
        : null,
      ` · ${fmtNum(apn)} APN, ${fmtNum(checked.recipients.length - apn)} FCM`,
    );
    const dupLines = new Map(report.duplicateOf.map((d) => [d.index + 1, d.firstIndex + 1]));
    let list;
    if (detail) {
      list = h(
        "ol",
        { class: "line-list" },
        detail.map(({ line, result }) =>
          h(
            "li",
            { class: result.ok ? (dupLines.has(line) ? "dup" : "ok") : "bad", "data-line": line },
            h("span", { class: "line-no" }, `Line ${line}`),
            result.ok
              ? dupLines.has(line)
                ? h("span", null, chip("Duplicate", "warning"), ` of line ${dupLines.get(line)}`)
                : h(
                    "span",
                    null,
                    chip(result.provider, "success"),
                    ` ${result.format}${result.warnings.length ? ` · ${result.warnings.map((w) => w.code).join(", ")}` : ""}`,
                  )
              : h("span", null, chip(result.error.code, "danger"), " ", result.error.message),
          ),
        ),
      );
    } else if (report.errors.length) {
      list = h(
        "ol",
        { class: "line-list" },
        report.errors
          .slice(0, MAX_LISTED_ERRORS)
          .map((e) =>
            h(
              "li",
              { class: "bad", "data-line": e.index + 1 },
              h("span", { class: "line-no" }, `Line ${e.index + 1}`),
              h("span", null, chip(e.code, "danger"), " ", e.message),
            ),
          ),
        report.errors.length > MAX_LISTED_ERRORS
          ? h("li", { class: "muted" }, `…and ${fmtNum(report.errors.length - MAX_LISTED_ERRORS)} more invalid lines.`)
          : null,
      );
    }
    replace(tokenCheck, summary, list);
    renderCount();
  }
  const debouncedCheck = debounce(renderTokenCheck, 200);
  tokens.addEventListener("input", () => (tokens.value.length < 20_000 ? renderTokenCheck() : debouncedCheck()));

  const userList = () =>
    splitLines(userIds.value)
      .map((s) => s.trim())
      .filter(Boolean);
  function renderCount() {
    const users = [...new Set(userList())];
    const n = checked.recipients.length + users.length;
    const batches = Math.ceil(n / MAX_PER_SEND);
    count.textContent = n
      ? `${fmtNum(n)} recipient${n === 1 ? "" : "s"} (${fmtNum(checked.recipients.length)} token${checked.recipients.length === 1 ? "" : "s"}, ${fmtNum(users.length)} user${users.length === 1 ? "" : "s"})${batches > 1 ? ` — sent in ${batches} batches of up to ${fmtNum(MAX_PER_SEND)}` : ""}.`
      : "No recipients yet.";
    submit.textContent =
      batches > 1
        ? `Send in ${batches} batches`
        : n
          ? `Send to ${fmtNum(n)} recipient${n === 1 ? "" : "s"}`
          : "Send push";
  }
  userIds.addEventListener("input", renderCount);

  function setSender(mode) {
    senderMode = mode;
    senderDetails.app.hidden = mode !== "app";
    senderDetails.credentials.hidden = mode !== "credentials";
    if (mode === "credentials") loadCreds();
  }
  let credsLoaded = false;
  async function loadCreds(force = false) {
    if (credsLoaded && !force) return;
    credStatus.hidden = true;
    try {
      const creds = await loadCredentials(ctx.client);
      const opts = (types) =>
        creds
          .filter((c) => types.includes(c.credentialType))
          .map((c) =>
            h(
              "option",
              { value: c.id },
              `${c.appName} · ${c.credentialType}${c.isDefault ? " (default)" : ""} · …${c.id.slice(-6)}`,
            ),
          );
      const keepApn = apnCred.value;
      const keepFcm = fcmCred.value;
      replace(apnCred, h("option", { value: "" }, "None"), opts(["APN", "APN_SANDBOX"]));
      replace(fcmCred, h("option", { value: "" }, "None"), opts(["FCM"]));
      apnCred.value = keepApn;
      fcmCred.value = keepFcm;
      credsLoaded = true;
    } catch (err) {
      credStatus.hidden = false;
      credStatus.textContent = `Credentials could not be loaded: ${errorMessage(err)}`;
    }
  }
  ctx.on("apps-changed", () => {
    credsLoaded = false;
    if (senderMode === "credentials") loadCreds();
  });

  const senderFieldset = fieldset({
    legend: "Send as",
    field: "from",
    children: [
      radio({
        name: "sender",
        value: "default",
        label: "The default app",
        checked: true,
        onchange: () => setSender("default"),
      }),
      radio({ name: "sender", value: "app", label: "An app", onchange: () => setSender("app") }),
      radio({
        name: "sender",
        value: "credentials",
        label: "Specific credentials",
        onchange: () => setSender("credentials"),
      }),
    ],
  });

  form = h(
    "form",
    { novalidate: true, "aria-label": "Send a push" },
    card(
      "Recipients",
      field({
        label: "Device tokens",
        control: tokens,
        field: "tokens",
        hint: "One per line; APNs and FCM can be mixed — each token's provider is detected.",
        extra: tokenCheck,
      }),
      field({
        label: "User IDs",
        control: userIds,
        field: "userIds",
        hint: "One per line. Every device of each user in the sending app gets the push.",
      }),
      count,
    ),
    card(
      "Message",
      field({ label: "Title", control: title, field: "title" }),
      field({ label: "Body", control: body, field: "body" }),
      h(
        "div",
        { class: "grid-2" },
        field({
          label: "Priority",
          control: priority,
          field: "priority",
          hint: "High delivers at once and may wake the device; low saves battery and may be delayed.",
        }),
        field({ label: "Sound", control: sound, field: "sound", optional: true }),
      ),
      field({
        label: "Tags",
        control: tags,
        field: "tags",
        optional: true,
        hint: "key=value, one per line (at most 10). Tags let you find these notifications later.",
      }),
    ),
    card("Sender", senderFieldset, senderDetails.app, senderDetails.credentials),
    h("div", { class: "actions" }, submit, h("div", { class: "form-error" })),
  );
  setSender("default");

  /** Maps an error's field path to the input it belongs to; `to[i]` to the right textarea. */
  function placeError(err, tokenCount) {
    const f = err?.field ?? "";
    const m = /^to\[(\d+)\]/.exec(f);
    if (m) {
      const i = Number(m[1]);
      if (i < tokenCount)
        return { ...err, message: `Line ${checked.lineOf[i]}: ${errorMessage(err)}`, field: "tokens" };
      return { ...err, message: `User ${i - tokenCount + 1}: ${errorMessage(err)}`, field: "userIds" };
    }
    return err;
  }
  const fieldMap = (f) => {
    if (
      f === "tokens" ||
      f === "userIds" ||
      f === "title" ||
      f === "body" ||
      f === "priority" ||
      f === "sound" ||
      f === "appName"
    )
      return f;
    if (f === "to") return tokens.value.trim() ? "tokens" : "userIds";
    if (f === "content" || f.startsWith("content.title")) return "title";
    if (f.startsWith("content.body")) return "body";
    if (f.startsWith("tags")) return "tags";
    if (f === "from.apn" || f === "from.fcm") return f;
    if (f === "from.appName") return "appName";
    if (f.startsWith("from")) return "from";
    return null;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    renderTokenCheck();
    const { report, recipients } = checked;
    if (report.invalid) {
      const lines = report.errors.slice(0, 8).map((e) => e.index + 1);
      return showFormError(
        form,
        {
          code: "VALIDATION_ERROR",
          field: "tokens",
          message: `Fix or remove the ${fmtNum(report.invalid)} invalid token${report.invalid === 1 ? "" : "s"} first (line${lines.length === 1 ? "" : "s"} ${lines.join(", ")}${report.invalid > lines.length ? ", …" : ""}).`,
        },
        fieldMap,
      );
    }
    const users = [...new Set(userList())];
    const to = [...recipients, ...users.map((userId) => ({ userId }))];
    if (!to.length)
      return showFormError(
        form,
        { code: "VALIDATION_ERROR", field: "tokens", message: "Add at least one device token or user ID." },
        fieldMap,
      );
    if (!title.value.trim() && !body.value.trim())
      return showFormError(
        form,
        { code: "VALIDATION_ERROR", field: "title", message: "Give the notification a title, a body, or both." },
        fieldMap,
      );
    let tagMap;
    try {
      tagMap = parseTags(tags.value);
    } catch (err) {
      return showFormError(form, err, fieldMap);
    }
    const params = { to, content: {}, priority: priority.value };
    if (title.value.trim()) params.content.title = title.value;
    if (body.value.trim()) params.content.body = body.value;
    if (sound.value.trim()) params.sound = sound.value.trim();
    if (tagMap) params.tags = tagMap;
    if (senderMode === "app") {
      if (!apps.value())
        return showFormError(
          form,
          { code: "VALIDATION_ERROR", field: "appName", message: "Choose the app to send as." },
          fieldMap,
        );
      params.from = { appName: apps.value() };
    } else if (senderMode === "credentials") {
      const from = {};
      if (apnCred.value) from.apn = apnCred.value;
      if (fcmCred.value) from.fcm = fcmCred.value;
      if (!from.apn && !from.fcm)
        return showFormError(
          form,
          { code: "VALIDATION_ERROR", field: "from", message: "Choose at least one credential, or send as an app." },
          fieldMap,
        );
      params.from = from;
    }
    const batches = Math.ceil(to.length / MAX_PER_SEND);
    if (batches > 1) {
      const ok = await confirmDialog({
        title: `Send in ${batches} batches?`,
        message: `${fmtNum(to.length)} recipients are more than one send takes (${fmtNum(MAX_PER_SEND)}). They will go out as ${batches} separate operations.`,
        confirmLabel: `Send ${batches} batches`,
      });
      if (!ok) return;
    }
    await busy(submit, "Sending…", async () => {
      let accepted;
      let failedBatches = [];
      try {
        if (batches > 1) {
          // { operations: [{ operationId, recipients, firstIndex }], failed: [{ firstIndex, recipients, error }] }
          const result = await ctx.client.sendPushInBatches(params);
          accepted = result.operations ?? [];
          failedBatches = result.failed ?? [];
        } else {
          const sent = await ctx.client.sendPush(params);
          accepted = [{ operationId: sent.operationId, recipients: to.length, firstIndex: 0 }];
        }
      } catch (err) {
        showFormError(form, placeError(err, recipients.length), fieldMap);
        return;
      }
      showOperations(accepted, failedBatches, to.length);
    });
  });

  /** Recipients `first`..`first + n - 1` as the person sees them: token lines and user numbers. */
  function describeRange(first, n) {
    const tokenCount = checked.recipients.length;
    const parts = [];
    const lastToken = Math.min(first + n, tokenCount) - 1;
    if (first < tokenCount) parts.push(`token lines ${checked.lineOf[first]}–${checked.lineOf[lastToken]}`);
    if (first + n > tokenCount)
      parts.push(`users ${Math.max(first, tokenCount) - tokenCount + 1}–${first + n - tokenCount}`);
    return parts.join(" and ");
  }

  function showOperations(accepted, failedBatches, total) {
    for (const p of panels) p.stop();
    const count = accepted.length + failedBatches.length;
    panels = accepted.map((op, i) =>
      operationPanel(ctx, op.operationId, {
        title: count > 1 ? `Batch ${i + 1} of ${count} · ${fmtNum(op.recipients)} recipients` : "Sent",
      }),
    );
    const sentCount = accepted.reduce((n, op) => n + (op.recipients ?? 0), 0);
    replace(
      results,
      accepted.length
        ? notice(
            "success",
            `Accepted: ${fmtNum(sentCount)} recipient${sentCount === 1 ? "" : "s"} in ${accepted.length} operation${accepted.length === 1 ? "" : "s"}. Delivery is followed below.`,
          )
        : null,
      failedBatches.map((b) =>
        errorBox(b.error ?? {}, {
          extra: [
            `Batch of ${fmtNum(b.recipients)} recipients (${describeRange(b.firstIndex, b.recipients)}) was not sent. Sends are never retried automatically: a retried send could deliver twice. Check the error, then send those recipients again.`,
          ],
        }),
      ),
      panels.map((p) => p.el),
    );
    if (!accepted.length && !failedBatches.length)
      replace(
        results,
        errorBox({ message: `Nothing was sent for the ${fmtNum(total)} recipients: the client returned no batches.` }),
      );
    results.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  const el = h(
    "div",
    null,
    pageHeader(
      "Send a push",
      "Send one notification to device tokens and users. Progress and every recipient's result appear below once it is accepted.",
    ),
    form,
    results,
  );
  return {
    el,
    destroy() {
      for (const p of panels) p.stop();
      debouncedCheck.cancel();
    },
  };
}
