// @ts-check
// One operation by ID (#/operations/<id>), from Activity or after a send.
import { h, replace } from "../lib/dom.js";
import { pageHeader, notice } from "../lib/ui.js";
import { operationPanel } from "../lib/operation-panel.js";

/** @param {any} ctx */
export function create(ctx) {
  const host = h("div", { class: "stack" });
  /** @type {ReturnType<typeof operationPanel> | null} */
  let panel = null;
  const el = h(
    "div",
    null,
    pageHeader("Operation", "One send: its progress, stats and every recipient's notification."),
    h("p", null, h("a", { href: "#/activity" }, "← All operations")),
    host,
  );
  return {
    el,
    /** @param {Record<string, string>} params */
    show(params) {
      panel?.stop();
      if (!params.id) {
        replace(host, notice("warning", "No operation ID in the address. Choose one under Activity."));
        return;
      }
      panel = operationPanel(ctx, params.id);
      replace(host, panel.el);
    },
    hide() {
      panel?.stop();
    },
    destroy() {
      panel?.stop();
    },
  };
}
