// @ts-check
// Exporting the mapping (your user ID, Twilio user ID, registration, tokens) as CSV or JSON.
import { download, h, replace } from "../../lib/dom.js";
import { busy, card, errorBox } from "../../lib/ui.js";
import { directory } from "../../lib/directory-api.js";

/**
 * The Export card.
 * @param {() => string} selectedApp  the app chosen in the search form ("" for every app)
 */
export function exportCard(selectedApp) {
  const exportStatus = h("div", { "aria-live": "polite" });

  /**
   * @param {"csv" | "json"} format
   * @param {HTMLButtonElement} button
   */
  async function exportAs(format, button) {
    replace(exportStatus);
    const appName = selectedApp();
    const params = new URLSearchParams({ format, ...(appName ? { appName } : {}) });
    try {
      const text = await busy(button, "Exporting…", () => directory(`export?${params}`, { text: true }));
      download(
        `directory${appName ? `-${appName}` : ""}.${format}`,
        text,
        format === "csv" ? "text/csv;charset=utf-8" : "application/json",
      );
    } catch (err) {
      replace(exportStatus, errorBox(err));
    }
  }

  const csvButton = h("button", { class: "btn", type: "button" }, "Export CSV");
  const jsonButton = h("button", { class: "btn", type: "button" }, "Export JSON");
  csvButton.addEventListener("click", () => exportAs("csv", csvButton));
  jsonButton.addEventListener("click", () => exportAs("json", jsonButton));
  return card(
    "Export the mapping",
    h(
      "p",
      { class: "muted" },
      "Your user ID, Twilio user ID, registration and tokens of the selected app (or every app).",
    ),
    h("div", { class: "actions" }, csvButton, jsonButton),
    exportStatus,
  );
}
