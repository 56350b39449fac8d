// @ts-check
// The journal's imports on the Bulk import page: an interrupted import offers Resume (or
// Discard); a finished one stays listed with its result until dismissed.
import { h, replace, fmtNum, timeEl } from "./dom.js";
import { card, notice } from "./ui.js";
import { listImports, countDoneRows, dismissImport, hasKeptFile } from "./import-journal.js";

/** @typedef {import("./import-journal.js").ImportRecord} ImportRecord */

/**
 * @param {{ onResume: (record: ImportRecord) => void, isActive: (id: string) => boolean }} options
 */
export function journalView({ onResume, isActive }) {
  const list = h("div", { class: "stack" });
  const el = h("div", { class: "journal", "data-testid": "import-journal" }, list);

  async function refresh() {
    let records;
    try {
      records = (await listImports()).filter((r) => !isActive(r.id));
    } catch (err) {
      replace(list, notice("warning", `Earlier imports could not be read from this browser's storage (${err}).`));
      return;
    }
    const items = [];
    for (const record of records) items.push(await recordCard(record));
    replace(list, items);
  }

  /** @param {ImportRecord} record */
  async function recordCard(record) {
    const done = await countDoneRows(record.id).catch(() => 0);
    const interrupted = record.state === "running" || record.state === "paused";
    // The input is kept (pasted text, or the chosen file) unless it was too large to keep or
    // the browser's storage lost it.
    const inputKept = record.text !== null || (interrupted && (await hasKeptFile(record.id).catch(() => false)));
    const from = record.sourceName ? `from ${record.sourceName}` : "from pasted text";
    const dismiss = h(
      "button",
      {
        class: "btn btn-quiet",
        type: "button",
        onclick: async () => {
          await dismissImport(record.id);
          refresh();
        },
      },
      interrupted ? "Discard" : "Dismiss",
    );
    if (interrupted)
      return card(
        "Interrupted import",
        notice(
          "warning",
          h("strong", null, `${fmtNum(done)} of ${fmtNum(record.pending)} rows done`),
          ` (${from}, started `,
          timeEl(record.startedAt),
          "). Resume continues where it stopped: rows already done are not sent again.",
          inputKept
            ? null
            : h(
                "p",
                { class: "small" },
                `Resuming needs the same file: choose ${record.sourceName ?? "it"} again first.`,
              ),
        ),
        h(
          "div",
          { class: "actions" },
          h("button", { class: "btn btn-primary", type: "button", onclick: () => onResume(record) }, "Resume import"),
          dismiss,
        ),
      );
    const s = record.summary ?? {};
    return card(
      record.state === "canceled" ? "Canceled import" : "Finished import",
      h(
        "p",
        null,
        `Started `,
        timeEl(record.startedAt),
        ` ${from}: ${fmtNum(s.imported ?? 0)} imported, ${fmtNum(s.failed ?? 0)} failed, ${fmtNum(s.skipped ?? 0)} skipped, ${fmtNum(s.duplicates ?? 0)} duplicates.`,
      ),
      h("div", { class: "actions" }, dismiss),
    );
  }

  return { el, refresh };
}
