// @ts-check
// An operation (one send) followed live: polls fetchOperation until it is COMPLETED, shows its
// stats as a bar and its per-recipient notifications with their status; FAILED ones highlighted
// with their failureReason.
import { h, replace, shorten, timeEl, fmtNum } from "./dom.js";
import { statsBar, statusChip, chip, errorBox, copyButton, notice } from "./ui.js";
import { isTransient } from "./api.js";
import { operationContent, reachedNobody } from "./sent-content.js";

const FINAL = new Set(["COMPLETED", "CANCELED"]);
const PAGE_SIZE = 50;

/**
 * The card's title follows the operation: accepted (not read yet) → processing → completed, or a
 * warning when it reached nobody.
 * @param {{ status?: string } | null} op
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
 * @param {any} ctx
 * @param {string} operationId
 * @param {{ title?: string }} [options]  `title` prefixes the state ("Batch 1 of 2 · …")
 */
export function operationPanel(ctx, operationId, { title } = {}) {
  const head = h("div", { class: "op-head" });
  const what = h("div", { class: "op-content", "data-testid": "operation-content" });
  const warning = h("div", { class: "op-warning" });
  const stats = h("div", { class: "op-stats" });
  const problem = h("div", { class: "op-problem" });
  const filter = h(
    "select",
    null,
    h("option", { value: "" }, "All recipients"),
    h("option", { value: "FAILED" }, "Failed only"),
  );
  const filterId = `op-filter-${operationId}`;
  filter.id = filterId;
  const tableHost = h("div", { class: "table-wrap" });
  const more = h("button", { class: "btn btn-small", type: "button", hidden: true }, "Load more");
  const summary = h("p", { class: "muted small", "aria-live": "polite" });
  const el = h(
    "section",
    { class: "card operation", "data-operation-id": operationId, "aria-label": title ?? "Operation" },
    head,
    what,
    warning,
    stats,
    problem,
    h(
      "div",
      { class: "op-toolbar" },
      h("h3", null, "Recipients"),
      h("label", { for: filterId, class: "visually-hidden" }, "Show"),
      filter,
    ),
    tableHost,
    h("div", { class: "op-footer" }, summary, more),
  );

  let stopped = false;
  let timer = null;
  let delay = 600;
  let status = null;
  let nextToken = null;
  let rows = [];

  function renderHead(op) {
    const heading = [title, stateTitle(op)].filter(Boolean).join(" · ");
    el.setAttribute("aria-label", heading);
    replace(warning, reachedNobody(op) ? nobodyNotice() : null);
    replace(
      head,
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
    );
    replace(stats, statsBar(op.stats ?? {}));
  }

  function renderRows() {
    if (!rows.length) {
      replace(
        tableHost,
        h(
          "p",
          { class: "muted" },
          filter.value
            ? "No failed recipients."
            : FINAL.has(status)
              ? "No notifications in this operation."
              : "Waiting for notifications…",
        ),
      );
      return;
    }
    replace(
      tableHost,
      h(
        "table",
        { class: "table table-stack notifications" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            ["Recipient", "User", "Status", "Failure reason", "Updated"].map((c) => h("th", { scope: "col" }, c)),
          ),
        ),
        h(
          "tbody",
          null,
          rows.map((n) =>
            h(
              "tr",
              { class: n.status === "FAILED" ? "row-failed" : undefined, "data-status": n.status },
              h(
                "td",
                { "data-label": "Recipient" },
                chip(n.to?.provider ?? "?", n.to?.provider === "APN" ? "info" : "neutral"),
                " ",
                h("code", { title: n.to?.token }, shorten(n.to?.token, 12, 8)),
              ),
              h(
                "td",
                { "data-label": "User" },
                n.userId
                  ? h("code", { title: n.userId }, shorten(n.userId, 14, 6))
                  : h("span", { class: "muted" }, "—"),
              ),
              h("td", { "data-label": "Status" }, statusChip(n.status)),
              h("td", { class: "failure", "data-label": "Failure reason" }, n.failureReason ?? ""),
              h("td", { "data-label": "Updated" }, timeEl(n.updatedAt)),
            ),
          ),
        ),
      ),
    );
  }

  async function loadNotifications({ append = false } = {}) {
    const params = { operationId, pageSize: PAGE_SIZE };
    if (filter.value) params.status = filter.value;
    if (append && nextToken) params.pageToken = nextToken;
    const page = await ctx.client.listPushNotifications(params);
    rows = append ? rows.concat(page.items) : page.items;
    nextToken = page.nextPageToken ?? null;
    renderRows();
    more.hidden = !nextToken;
    summary.textContent = `Showing ${fmtNum(rows.length)}${nextToken ? "" : " (all)"}${filter.value ? " failed" : ""} notification${rows.length === 1 ? "" : "s"}.`;
  }

  async function poll() {
    timer = null;
    if (stopped) return;
    try {
      const op = await ctx.client.fetchOperation({ operationId });
      if (stopped) return;
      status = op.status;
      renderHead(op);
      // While it runs, refresh the first page; once final, load it one last time.
      await loadNotifications();
      replace(problem);
      if (FINAL.has(op.status)) {
        el.dataset.final = "true";
        return;
      }
      delay = Math.min(3000, delay * 1.25);
    } catch (err) {
      if (stopped) return;
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
      if (!again) return;
      delay = Math.min(5000, delay * 2);
    }
    if (!stopped) timer = setTimeout(poll, delay);
  }

  filter.addEventListener("change", () => loadNotifications().catch((err) => replace(problem, errorBox(err))));
  more.addEventListener("click", () =>
    loadNotifications({ append: true }).catch((err) => replace(problem, errorBox(err))),
  );
  replace(
    head,
    h(
      "div",
      null,
      h("h3", { "data-testid": "operation-title" }, [title, stateTitle(null)].filter(Boolean).join(" · ")),
      h("p", { class: "muted" }, "Loading operation ", h("code", null, operationId), "…"),
    ),
  );
  showContent();
  poll();

  /** What was sent: the title and body, once. */
  async function showContent() {
    try {
      const content = await operationContent(ctx.client, operationId);
      if (!content) return;
      replace(
        what,
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

  return {
    el,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
