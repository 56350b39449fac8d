// @ts-check
// An operation (one send) followed live: polls fetchOperation until it is COMPLETED, shows its
// stats as a bar and its per-recipient notifications with their status (operation-recipients.js);
// FAILED ones highlighted with their failureReason.
import { h, replace, timeEl } from "./dom.js";
import { statsBar, statusChip, chip, errorBox, copyButton, notice } from "./ui.js";
import { isTransient } from "./api.js";
import { operationContent, reachedNobody } from "./sent-content.js";
import { operationRecipients } from "./operation-recipients.js";

const FINAL = new Set(["COMPLETED", "CANCELED"]);

/**
 * The card's title follows the operation: accepted (not read yet) → processing → completed, or a
 * warning when it reached nobody.
 * @param {{ status?: string, stats?: object } | null} op
 */
function stateTitle(op) {
  if (!op) return "Accepted";
  if (reachedNobody(op)) return "Reached nobody";
  if (op.status === "COMPLETED") return "Completed";
  if (op.status === "CANCELED") return "Canceled";
  return "Processing";
}

/** What to check when a send found no registered device. */
function nobodyNotice() {
  return notice(
    "warning",
    h("strong", null, "No registered device was found for any recipient, so nothing was sent. "),
    "Check that the user IDs are right, that those users have devices registered in the app this send went out as (the default app unless you chose another), under ",
    h("a", { href: "#/registrations" }, "Registrations"),
    ", and that the devices were not removed.",
  );
}

/**
 * The head while the operation has not been read yet.
 * @param {string} heading
 * @param {string} operationId
 */
function loadingHead(heading, operationId) {
  return h(
    "div",
    null,
    h("h3", { "data-testid": "operation-title" }, heading),
    h("p", { class: "muted" }, "Loading operation ", h("code", null, operationId), "…"),
  );
}

/**
 * The head once read: the heading, the ID (copyable) and creation time, and the status.
 * @param {string} heading
 * @param {any} op
 */
function operationHead(heading, op) {
  return [
    h(
      "div",
      null,
      h("h3", { "data-testid": "operation-title" }, heading),
      h(
        "p",
        { class: "muted small" },
        h("code", null, op.id),
        " ",
        copyButton(() => op.id, { what: "operation ID" }),
        " · created ",
        timeEl(op.createdAt),
      ),
    ),
    h(
      "div",
      { class: "op-status", "data-testid": "operation-status" },
      reachedNobody(op) ? chip("Reached nobody", "warning") : statusChip(op.status),
      FINAL.has(op.status) ? null : h("span", { class: "spinner", "aria-hidden": "true" }),
    ),
  ];
}

/**
 * What was sent (title and body), read once into `host`; nothing when it is not known.
 * @param {any} ctx
 * @param {string} operationId
 * @param {HTMLElement} host
 */
async function showContent(ctx, operationId, host) {
  try {
    const content = await operationContent(ctx.client, operationId);
    if (!content) return;
    replace(
      host,
      h(
        "dl",
        { class: "facts content-facts" },
        content.title ? h("div", null, h("dt", null, "Title"), h("dd", null, content.title)) : null,
        content.body ? h("div", null, h("dt", null, "Body"), h("dd", null, content.body)) : null,
      ),
    );
  } catch {
    /* the poll shows connection problems */
  }
}

/** The slots the poll fills: head, content, warning, stats and problem. */
function panelSlots() {
  return {
    head: h("div", { class: "op-head" }),
    what: h("div", { class: "op-content", "data-testid": "operation-content" }),
    warning: h("div", { class: "op-warning" }),
    stats: h("div", { class: "op-stats" }),
    problem: h("div", { class: "op-problem" }),
  };
}

/**
 * The panel's section: the slots, then the recipients' parts.
 * @param {string} operationId
 * @param {string | undefined} title
 * @param {ReturnType<typeof panelSlots>} slots
 * @param {HTMLElement[]} recipientsParts
 */
function panelSection(operationId, title, { head, what, warning, stats, problem }, recipientsParts) {
  return h(
    "section",
    { class: "card operation", "data-operation-id": operationId, "aria-label": title ?? "Operation" },
    head,
    what,
    warning,
    stats,
    problem,
    ...recipientsParts,
  );
}

/**
 * Shows what was read of the operation: the section's name, the head, the warning and the stats.
 * @param {HTMLElement} el  the panel's section
 * @param {ReturnType<typeof panelSlots>} slots
 * @param {string} heading
 * @param {any} op
 */
function showOperation(el, { head, warning, stats }, heading, op) {
  el.setAttribute("aria-label", heading);
  replace(warning, reachedNobody(op) ? nobodyNotice() : null);
  replace(head, ...operationHead(heading, op));
  replace(stats, statsBar(op.stats ?? {}));
}

/**
 * @param {any} ctx
 * @param {string} operationId
 * @param {{ title?: string }} [options]  `title` prefixes the state ("Batch 1 of 2 · …")
 */
export function operationPanel(ctx, operationId, { title } = {}) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let delay = 600;
  /** @type {string | null} */
  let status = null;
  const slots = panelSlots();
  const { head, what, problem } = slots;
  const recipients = operationRecipients(ctx, operationId, {
    isFinal: () => FINAL.has(/** @type {string} */ (status)),
    onError: (err) => replace(problem, errorBox(err)),
  });
  const el = panelSection(operationId, title, slots, recipients.parts);
  /** @param {any} op */
  const headingOf = (op) => [title, stateTitle(op)].filter(Boolean).join(" · ");

  /**
   * A failed read: the error with a retry button, and another try later when it is transient.
   * @param {unknown} err
   * @returns {boolean}  whether to poll again
   */
  function showProblem(err) {
    const again = isTransient(err);
    const retryNow = () => {
      clearTimeout(timer);
      replace(problem);
      poll();
    };
    replace(
      problem,
      errorBox(err, { onRetry: retryNow }),
      again ? h("p", { class: "muted small" }, "Trying again shortly…") : null,
    );
    return again;
  }

  async function poll() {
    timer = undefined;
    if (stopped) return;
    try {
      const op = await ctx.client.fetchOperation({ operationId });
      if (stopped) return;
      status = op.status;
      showOperation(el, slots, headingOf(op), op);
      // While it runs, refresh the first page; once final, load it one last time.
      await recipients.load();
      replace(problem);
      if (FINAL.has(op.status)) {
        el.dataset.final = "true";
        return;
      }
      delay = Math.min(3000, delay * 1.25);
    } catch (err) {
      if (stopped) return;
      if (!showProblem(err)) return;
      delay = Math.min(5000, delay * 2);
    }
    if (!stopped) timer = setTimeout(poll, delay);
  }

  replace(head, loadingHead(headingOf(null), operationId));
  showContent(ctx, operationId, what);
  poll();

  return {
    el,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
