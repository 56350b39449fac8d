// @ts-check
// An operation's per-recipient notifications: a filter (all / failed only), the table with
// FAILED rows highlighted with their failureReason, and "Load more" a page at a time.
import { h, replace, shorten, timeEl, fmtNum } from "./dom.js";
import { statusChip, chip } from "./ui.js";

const PAGE_SIZE = 50;
const COLUMNS = ["Recipient", "User", "Status", "Failure reason", "Updated"];

/**
 * One notification's row.
 * @param {any} n
 */
function notificationRow(n) {
  return h(
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
      n.userId ? h("code", { title: n.userId }, shorten(n.userId, 14, 6)) : h("span", { class: "muted" }, "—"),
    ),
    h("td", { "data-label": "Status" }, statusChip(n.status)),
    h("td", { class: "failure", "data-label": "Failure reason" }, n.failureReason ?? ""),
    h("td", { "data-label": "Updated" }, timeEl(n.updatedAt)),
  );
}

/**
 * The notifications' table.
 * @param {any[]} rows
 */
function notificationsTable(rows) {
  return h(
    "table",
    { class: "table table-stack notifications" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        COLUMNS.map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h("tbody", null, rows.map(notificationRow)),
  );
}

/**
 * What stands in for an empty table.
 * @param {boolean} failedOnly
 * @param {boolean} final  the operation is over: no more notifications will come
 */
function emptyRows(failedOnly, final) {
  return h(
    "p",
    { class: "muted" },
    failedOnly ? "No failed recipients." : final ? "No notifications in this operation." : "Waiting for notifications…",
  );
}

/**
 * The recipients' part of an operation panel. `parts` go into the panel in order; `load()` reads
 * the first page again (`{ append: true }`: the next page, added below). Problems from the filter
 * and "Load more" go to `onError`.
 * @param {any} ctx
 * @param {string} operationId
 * @param {{ isFinal: () => boolean, onError: (err: unknown) => void }} options
 */
export function operationRecipients(ctx, operationId, { isFinal, onError }) {
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
  /** @type {string | null} */
  let nextToken = null;
  /** @type {any[]} */
  let rows = [];

  async function load({ append = false } = {}) {
    /** @type {{ operationId: string, pageSize: number, status?: string, pageToken?: string }} */
    const params = { operationId, pageSize: PAGE_SIZE };
    if (filter.value) params.status = filter.value;
    if (append && nextToken) params.pageToken = nextToken;
    const page = await ctx.client.listPushNotifications(params);
    rows = append ? rows.concat(page.items) : page.items;
    nextToken = page.nextPageToken ?? null;
    replace(tableHost, rows.length ? notificationsTable(rows) : emptyRows(Boolean(filter.value), isFinal()));
    more.hidden = !nextToken;
    summary.textContent = `Showing ${fmtNum(rows.length)}${nextToken ? "" : " (all)"}${filter.value ? " failed" : ""} notification${rows.length === 1 ? "" : "s"}.`;
  }

  filter.addEventListener("change", () => load().catch(onError));
  more.addEventListener("click", () => load({ append: true }).catch(onError));

  const parts = [
    h(
      "div",
      { class: "op-toolbar" },
      h("h3", null, "Recipients"),
      h("label", { for: filterId, class: "visually-hidden" }, "Show"),
      filter,
    ),
    tableHost,
    h("div", { class: "op-footer" }, summary, more),
  ];
  return { parts, load };
}
