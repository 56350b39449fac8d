// Feature 8: recent operations (sends), newest first, with status and stats, paged with the
// API's page tokens.
import { h, replace, timeEl, fmtNum } from "../lib/dom.js";
import { pageHeader, statusChip, statsBar, errorBox } from "../lib/ui.js";
import { pager } from "../lib/pager.js";

const PAGE_SIZE = 20;

export function create(ctx) {
  const body = h("div", { class: "card", "aria-live": "polite" });
  const pages = pager(load, { label: "Operations pages" });
  const refresh = h("button", { class: "btn btn-small", type: "button", onclick: () => pages.first() }, "Refresh");

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
    replace(
      body,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table table-stack operations" },
          h("caption", { class: "visually-hidden" }, "Recent operations"),
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ["Created", "Operation", "Status", "Delivery", "Sent / failed / total"].map((c) =>
                h("th", { scope: "col" }, c),
              ),
            ),
          ),
          h(
            "tbody",
            null,
            page.items.map((op) =>
              h(
                "tr",
                { "data-operation-id": op.id },
                h("td", { "data-label": "Created" }, timeEl(op.createdAt)),
                h(
                  "td",
                  { "data-label": "Operation" },
                  h("a", { href: `#/operations/${encodeURIComponent(op.id)}` }, h("code", null, op.id)),
                ),
                h("td", { "data-label": "Status" }, statusChip(op.status)),
                h("td", { class: "bar-cell", "data-label": "Delivery" }, statsBar(op.stats ?? {}, { compact: true })),
                h(
                  "td",
                  { class: "num", "data-label": "Sent / failed / total" },
                  `${fmtNum(op.stats?.sent ?? 0)} / ${fmtNum(op.stats?.failed ?? 0)} / ${fmtNum(op.stats?.total ?? 0)}`,
                ),
              ),
            ),
          ),
        ),
      ),
    );
    return page;
  }

  const el = h(
    "div",
    null,
    pageHeader("Activity", "Recent sends. Open one to see every recipient's status."),
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
