// @ts-check
// One device registration (a user's devices in one app), as a card with its device table.
import { h, shorten, timeEl } from "./dom.js";
import { chip, copyButton } from "./ui.js";

/** `onDelete(registration)` adds a delete button; `highlightToken` marks one device row. */
/**
 * @param {any} reg
 * @param {{ onDelete?: (reg: any) => void, highlightToken?: string }} [options]
 */
export function registrationCard(reg, { onDelete, highlightToken } = {}) {
  const devices = Array.isArray(reg.devices) ? reg.devices : [];
  return h(
    "article",
    { class: "registration", "data-registration-id": reg.id },
    h(
      "header",
      null,
      h(
        "div",
        null,
        h("h3", null, "App ", h("code", null, reg.appName)),
        h("p", { class: "muted small" }, "Registration ", h("code", null, reg.id)),
      ),
      onDelete
        ? h(
            "button",
            {
              class: "btn btn-danger-quiet btn-small",
              type: "button",
              onclick: () => onDelete(reg),
              "aria-label": `Delete the registration in app ${reg.appName}`,
            },
            "Delete registration",
          )
        : null,
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table table-stack" },
        h("caption", { class: "visually-hidden" }, `Devices of this user in ${reg.appName}`),
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", { scope: "col" }, "Provider"),
            h("th", { scope: "col" }, "Token"),
            h("th", { scope: "col" }, "Added"),
          ),
        ),
        h(
          "tbody",
          null,
          devices.map((/** @type {any} */ d) =>
            h(
              "tr",
              { class: d.token === highlightToken ? "row-highlight" : undefined },
              h("td", { "data-label": "Provider" }, chip(d.provider, d.provider === "APN" ? "info" : "neutral")),
              h(
                "td",
                { class: "token-cell", "data-label": "Token" },
                h("code", { title: d.token }, shorten(d.token, 16, 10)),
                " ",
                copyButton(() => d.token, { what: "token", label: "Copy" }),
              ),
              h("td", { "data-label": "Added" }, timeEl(d.createdAt)),
            ),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "muted small" },
      `${devices.length} device${devices.length === 1 ? "" : "s"} · updated `,
      timeEl(reg.updatedAt ?? reg.createdAt),
    ),
  );
}
