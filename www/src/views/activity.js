// @ts-check
// Recent operations (sends), newest first: when, what was sent, status and delivery, paged with
// the API's page tokens. A send that reached nobody is a warning, not a success.
import { h, replace, timeEl, fmtNum } from "../lib/dom.js";
import { pageHeader, statusChip, statsBar, errorBox, chip } from "../lib/ui.js";
import { pager } from "../lib/pager.js";
import { operationContent, reachedNobody } from "../lib/sent-content.js";

const PAGE_SIZE = 20;

/**
 * @typedef {{ id: string, status?: string, createdAt?: string,
 *   stats?: { total?: number, recipients?: number, sent?: number, failed?: number, queued?: number } }} Operation
 */

/**
 * The status chip of an operation: "Reached nobody" (warning) when no device was found.
 * @param {Operation} op
 */
export function operationStatusChip(op) {
  return reachedNobody(op)
    ? chip("Reached nobody", "warning", "No registered device was found for any recipient.")
    : statusChip(op.status);
}

/**
 * The "what was sent" cell: the title and body (filled in when known), linking to the operation.
 * @param {any} client
 * @param {Operation} op
 */
function messageCell(client, op) {
  const href = `#/operations/${encodeURIComponent(op.id)}`;
  const title = h("a", { href, class: "op-title" }, "…");
  const body = h("span", { class: "op-body muted" });
  operationContent(client, op.id).then(
    (content) => {
      replace(title, content?.title?.trim() || (content?.body ? "(no title)" : "(content not known)"));
      replace(body, content?.body ?? "");
    },
    () => replace(title, "(content not available)"),
  );
  return h(
    "td",
    { class: "message-cell", "data-label": "Message" },
    h("div", { class: "op-message" }, title, body, h("code", { class: "op-id muted small", title: op.id }, op.id)),
  );
}

/**
 * @param {any} client
 * @param {Operation} op
 */
function operationRow(client, op) {
  const s = op.stats ?? {};
  return h(
    "tr",
    { "data-operation-id": op.id, class: reachedNobody(op) ? "row-warning" : undefined },
    h("td", { "data-label": "When" }, timeEl(op.createdAt)),
    messageCell(client, op),
    h("td", { "data-label": "Status" }, operationStatusChip(op)),
    h(
      "td",
      { class: "bar-cell", "data-label": "Delivery" },
      h(
        "div",
        null,
        statsBar(s, { compact: true }),
        h(
          "span",
          { class: "small muted", "data-testid": "delivery-counts" },
          `${fmtNum(s.sent ?? 0)} sent · ${fmtNum(s.failed ?? 0)} failed · ${fmtNum(s.total ?? 0)} total`,
        ),
      ),
    ),
  );
}

/**
 * @param {any} client
 * @param {Operation[]} items
 */
function operationsTable(client, items) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table table-stack operations" },
      h("caption", { class: "visually-hidden" }, "Recent operations"),
      h(
        "colgroup",
        null,
        h("col", { class: "col-when" }),
        h("col"),
        h("col", { class: "col-status" }),
        h("col", { class: "col-delivery" }),
      ),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["When", "Message", "Status", "Delivery"].map((c) => h("th", { scope: "col" }, c)),
        ),
      ),
      h(
        "tbody",
        null,
        items.map((op) => operationRow(client, op)),
      ),
    ),
  );
}

/** @param {any} ctx */
export function create(ctx) {
  const body = h("div", { class: "card", "aria-live": "polite" });
  const pages = pager(load, { label: "Operations pages" });
  const refresh = h("button", { class: "btn btn-small", type: "button", onclick: () => pages.first() }, "Refresh");

  /** @param {string | undefined} pageToken */
  async function load(pageToken) {
    let page;
    try {
      page = await ctx.client.listOperations({ pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) });
    } catch (err) {
      replace(body, errorBox(err, { onRetry: () => pages.reload() }));
      throw err;
    }
    if (!page.items.length) {
      replace(
        body,
        h(
          "p",
          { class: "muted" },
          pageToken ? "No more operations." : "No sends yet. ",
          pageToken ? null : h("a", { href: "#/send" }, "Send a push"),
        ),
      );
      return page;
    }
    replace(body, operationsTable(ctx.client, page.items));
    return page;
  }

  const el = h(
    "div",
    null,
    pageHeader("Activity", "Recent sends: when, what was sent, and how far it got. Open one to see every recipient."),
    h("div", { class: "toolbar" }, refresh),
    body,
    pages.el,
  );
  return {
    el,
    show() {
      pages.first();
    },
  };
}
