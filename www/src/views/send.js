// @ts-check
// Feature 5: send a push to tokens and/or users, then follow the operation(s) live.
// Over 10,000 recipients the send goes through sendPushInBatches (one operation per batch).
// The form's parts live in ./send/: recipients, message, sender, and the results below it.
import { h, replace, fmtNum } from "../lib/dom.js";
import { pageHeader, showFormError, clearFieldErrors, busy, confirmDialog } from "../lib/ui.js";
import { rememberContent } from "../lib/sent-content.js";
import { recipientsCard, MAX_PER_SEND } from "./send/recipients.js";
import { messageCard } from "./send/message.js";
import { senderCard } from "./send/sender.js";
import { sendResults, answerLost, lostAnswerBox } from "./send/results.js";

const FIELDS = new Set(["tokens", "userIds", "title", "body", "priority", "sound", "appName", "from.apn", "from.fcm"]);

/**
 * Maps an error's field path to the input it belongs to.
 * @param {string} f
 * @param {boolean} hasTokens
 */
function fieldOf(f, hasTokens) {
  if (FIELDS.has(f)) return f;
  if (f === "to") return hasTokens ? "tokens" : "userIds";
  if (f === "content" || f.startsWith("content.title")) return "title";
  if (f.startsWith("content.body")) return "body";
  if (f.startsWith("tags")) return "tags";
  if (f === "from.appName") return "appName";
  if (f.startsWith("from")) return "from";
  return null;
}

/**
 * Sends, in batches when there are more recipients than one send takes (after asking).
 * @param {any} client
 * @param {any} params
 * @returns {Promise<{ accepted: any[], failed: any[] } | null>}  null when the person declined
 */
async function dispatch(client, params) {
  const batches = Math.ceil(params.to.length / MAX_PER_SEND);
  if (batches > 1) {
    const ok = await confirmDialog({
      title: `Send in ${batches} batches?`,
      message: `${fmtNum(params.to.length)} recipients are more than one send takes (${fmtNum(MAX_PER_SEND)}). They will go out as ${batches} separate operations.`,
      confirmLabel: `Send ${batches} batches`,
    });
    if (!ok) return null;
    // { operations: [{ operationId, recipients, firstIndex }], failed: [{ firstIndex, recipients, error }] }
    const result = await client.sendPushInBatches(params);
    return { accepted: result.operations ?? [], failed: result.failed ?? [] };
  }
  const sent = await client.sendPush(params);
  return { accepted: [{ operationId: sent.operationId, recipients: params.to.length, firstIndex: 0 }], failed: [] };
}

/**
 * The submit button's label for `n` recipients: the batch count when one send cannot take them.
 * @param {number} n
 */
function submitLabel(n) {
  const batches = Math.ceil(n / MAX_PER_SEND);
  if (batches > 1) return `Send in ${batches} batches`;
  return n ? `Send to ${fmtNum(n)} recipient${n === 1 ? "" : "s"}` : "Send push";
}

/**
 * The send's parameters from the form's cards, or throws a VALIDATION_ERROR for the first problem.
 * @param {ReturnType<typeof recipientsCard>} recipients
 * @param {ReturnType<typeof messageCard>} message
 * @param {ReturnType<typeof senderCard>} sender
 */
function buildParams(recipients, message, sender) {
  const { report, recipients: tokens } = recipients.check();
  if (report.invalid) {
    const lines = report.errors.slice(0, 8).map((/** @type {any} */ e) => e.index + 1);
    throw {
      code: "VALIDATION_ERROR",
      field: "tokens",
      message: `Fix or remove the ${fmtNum(report.invalid)} invalid token${report.invalid === 1 ? "" : "s"} first (line${lines.length === 1 ? "" : "s"} ${lines.join(", ")}${report.invalid > lines.length ? ", …" : ""}).`,
    };
  }
  const to = [...tokens, ...recipients.users().map((userId) => ({ userId }))];
  if (!to.length)
    throw { code: "VALIDATION_ERROR", field: "tokens", message: "Add at least one device token or user ID." };
  const params = { to, ...message.params() };
  const from = sender.from();
  return from ? { ...params, from } : params;
}

/**
 * The form and its cards: recipients, message, sender, and the submit button with its error slot.
 * @param {any} ctx
 */
function sendForm(ctx) {
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Send push");
  const recipients = recipientsCard({
    onCount(n) {
      submit.textContent = submitLabel(n);
    },
  });
  const message = messageCard();
  const sender = senderCard(ctx);
  const formError = h("div", { class: "form-error" });
  const form = h(
    "form",
    { novalidate: true, "aria-label": "Send a push" },
    recipients.el,
    message.el,
    sender.el,
    h("div", { class: "actions" }, submit, formError),
  );
  return { form, submit, formError, recipients, message, sender };
}

/**
 * Validates, sends (in batches when needed) and hands what was accepted to the results.
 * @param {any} ctx
 * @param {ReturnType<typeof sendForm>} parts
 * @param {ReturnType<typeof sendResults>} results
 */
async function submitSend(ctx, { form, submit, formError, recipients, message, sender }, results) {
  const mapField = (/** @type {string} */ f) => fieldOf(f, recipients.hasTokens());
  clearFieldErrors(form);
  let params;
  try {
    params = buildParams(recipients, message, sender);
  } catch (err) {
    return showFormError(form, err, mapField);
  }
  await busy(submit, "Sending…", async () => {
    let outcome;
    try {
      outcome = await dispatch(ctx.client, params);
    } catch (err) {
      if (answerLost(err)) replace(formError, lostAnswerBox(err));
      else showFormError(form, recipients.placeError(err), mapField, { retry: false });
      return;
    }
    if (!outcome) return;
    for (const op of outcome.accepted) rememberContent(op.operationId, params.content);
    results.show(outcome.accepted, outcome.failed, params.to.length, recipients.describeRange);
  });
}

/** @param {any} ctx */
export function create(ctx) {
  const parts = sendForm(ctx);
  const results = sendResults(ctx);
  parts.form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitSend(ctx, parts, results);
  });

  const el = h(
    "div",
    null,
    pageHeader(
      "Send a push",
      "Send one notification to device tokens and users. Progress and every recipient's result appear below once it is accepted.",
    ),
    parts.form,
    results.el,
  );
  return {
    el,
    destroy() {
      results.stop();
      parts.recipients.cancel();
    },
  };
}
