// @ts-check
// What became of a send: the accepted operations followed live, batches that were refused, and
// a send whose answer was lost (it may or may not have been accepted).
import { h, replace, fmtNum } from "../../lib/dom.js";
import { errorBox, notice, isUnreachable, proxyAddress } from "../../lib/ui.js";
import { operationPanel } from "../../lib/operation-panel.js";

/**
 * The send went out but no answer came back (the connection to the proxy failed, or the proxy
 * lost Twilio's answer: 502/504 UPSTREAM_*): it may or may not have been accepted.
 * @param {any} err
 */
export const answerLost = (err) =>
  isUnreachable(err) ||
  err?.code === "TIMEOUT" ||
  (err?.code === "API_ERROR" &&
    (err.status === 502 || err.status === 504) &&
    /UPSTREAM_(UNREACHABLE|TIMEOUT)|may or may not have been accepted/.test(`${err.body?.code ?? ""} ${err.message}`));

/**
 * Says what a lost answer means for a send, and where to look before sending again.
 * @param {any} err
 * @param {{ extra?: string[] }} [options]
 */
export function lostAnswerBox(err, { extra } = {}) {
  const why = isUnreachable(err)
    ? `The connection to the proxy at ${proxyAddress()} failed before an answer came back.`
    : err?.code === "TIMEOUT"
      ? "The proxy did not answer in time."
      : "The proxy lost the Twilio API's answer.";
  return h(
    "div",
    { class: "alert alert-warning", role: "alert", tabindex: "-1", "data-testid": "send-answer-lost" },
    h("strong", null, "No answer to the send"),
    h(
      "p",
      null,
      `${why} The push may or may not have been accepted. Look under `,
      h("a", { href: "#/activity" }, "Activity"),
      " for an operation created just now before sending again: sending twice could deliver twice.",
    ),
    extra ? h("p", null, extra[0]) : null,
  );
}

/**
 * @typedef {{ operationId: string, recipients: number, firstIndex: number }} Accepted
 * @typedef {{ firstIndex: number, recipients: number, error?: any }} FailedBatch
 */

/** @param {any} ctx */
export function sendResults(ctx) {
  const el = h("div", { class: "stack", "aria-live": "polite" });
  /** @type {ReturnType<typeof operationPanel>[]} */
  let panels = [];

  /**
   * @param {FailedBatch} b
   * @param {(first: number, n: number) => string} describeRange
   */
  function failedBatch(b, describeRange) {
    const where = `Batch of ${fmtNum(b.recipients)} recipients (${describeRange(b.firstIndex, b.recipients)})`;
    if (answerLost(b.error)) return lostAnswerBox(b.error, { extra: [`${where}.`] });
    return errorBox(b.error ?? {}, {
      extra: [
        `${where} was not sent. Sends are never retried automatically: a retried send could deliver twice. Check the error, then send those recipients again.`,
      ],
    });
  }

  /**
   * @param {Accepted[]} accepted
   * @param {FailedBatch[]} failed
   * @param {number} total
   * @param {(first: number, n: number) => string} describeRange
   */
  function show(accepted, failed, total, describeRange) {
    stop();
    const count = accepted.length + failed.length;
    panels = accepted.map((op, i) =>
      operationPanel(ctx, op.operationId, {
        title: count > 1 ? `Batch ${i + 1} of ${count} · ${fmtNum(op.recipients)} recipients` : undefined,
      }),
    );
    const sent = accepted.reduce((n, op) => n + (op.recipients ?? 0), 0);
    replace(
      el,
      accepted.length
        ? notice(
            "info",
            `Accepted: ${fmtNum(sent)} recipient${sent === 1 ? "" : "s"} in ${accepted.length} operation${accepted.length === 1 ? "" : "s"}. Delivery is followed below.`,
          )
        : null,
      failed.map((b) => failedBatch(b, describeRange)),
      panels.map((p) => p.el),
    );
    if (!count)
      replace(
        el,
        errorBox({ message: `Nothing was sent for the ${fmtNum(total)} recipients: the client returned no batches.` }),
      );
    el.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function stop() {
    for (const p of panels) p.stop();
  }
  return { el, show, stop };
}
