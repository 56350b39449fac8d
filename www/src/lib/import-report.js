// @ts-check
// The bulk import's reports: the validation report before anything is sent, the counts, and the
// tables of problems (input line, shortened token, code, reason).
import { h, replace, fmtNum, shorten } from "./dom.js";
import { FORMATS } from "./import-parse.js";

const LISTED = 100;

/** @typedef {[line: number, token: string, code: string, message: string]} Problem */

/**
 * One count of a report: <div><dt>label</dt><dd data-count=key>n</dd></div>.
 * @param {string} label
 * @param {number} n
 * @param {string} kind
 * @param {string} key
 */
export function countItem(label, n, kind, key) {
  return h("div", { class: `count count-${kind}` }, h("dt", null, label), h("dd", { "data-count": key }, fmtNum(n)));
}

/**
 * A collapsible table of problems: the input line, the token as it was (shortened; whole in
 * the tooltip), the code and the reason. Open when short; a closed one builds its rows when
 * first opened (three hundred table rows are a good part of showing a big file's report).
 * @param {string} title
 * @param {Problem[]} rows  at most the ones to show
 * @param {number} total   how many there are in all
 */
export function problemTable(title, rows, total) {
  const header = ["Line", "Token", "Code", "Reason"].map((c) => h("th", { scope: "col" }, c));
  const tbody = h("tbody");
  const fill = () =>
    replace(
      tbody,
      rows.map(([line, token, code, message]) =>
        h(
          "tr",
          null,
          h("td", { "data-label": "Line" }, String(line)),
          h("td", { "data-label": "Token" }, token ? h("code", { title: token }, shorten(token, 12, 8)) : "—"),
          h("td", { "data-label": "Code" }, h("code", null, code)),
          h("td", { "data-label": "Reason" }, message),
        ),
      ),
    );
  const open = total <= 10;
  const details = h(
    "details",
    { class: "problems", open },
    h("summary", null, title),
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "table table-stack" }, h("thead", null, h("tr", null, header)), tbody),
    ),
    total > rows.length ? h("p", { class: "muted small" }, `…and ${fmtNum(total - rows.length)} more.`) : null,
  );
  if (open) fill();
  else
    details.addEventListener("toggle", () => {
      if (details.open && !tbody.firstChild) fill();
    });
  return details;
}

/**
 * @typedef {import("./import-rows.js").Row} CheckedRow
 * @typedef {{ format: string, table: import("./import-rows.js").RowTable,
 *   skipped: { line: number, raw: string, code: string, message: string }[],
 *   counts: { rows: number, valid: number, invalid: number, duplicates: number, skipped: number } }} Checked
 */

/**
 * The first LISTED rows with a status, as objects (a million-row file is not turned into
 * objects to show a hundred lines).
 * @param {import("./import-rows.js").RowTable} table
 * @param {"invalid" | "duplicate"} status
 */
function firstRows(table, status) {
  /** @type {CheckedRow[]} */
  const rows = [];
  table.each(status, (i) => {
    rows.push(table.row(i));
    return rows.length < LISTED;
  });
  return rows;
}

/**
 * The validation report's content.
 * @param {Checked} checked
 * @param {string | null} sourceName
 */
export function validationReport(checked, sourceName) {
  const { counts, table, skipped, format } = checked;
  const invalid = counts.invalid ? firstRows(table, "invalid") : [];
  const dups = counts.duplicates ? firstRows(table, "duplicate") : [];
  /** @type {(r: CheckedRow) => Problem} */
  const asProblem = (r) => [r.line, r.raw, r.code ?? "", r.message ?? ""];
  return [
    h(
      "p",
      null,
      "Format: ",
      h("strong", { "data-testid": "import-format" }, /** @type {Record<string, string>} */ (FORMATS)[format]),
      sourceName ? ` · from ${sourceName}` : "",
    ),
    h(
      "dl",
      { class: "report-counts" },
      countItem("Rows", counts.rows, "neutral", "rows"),
      countItem("Valid, to import", counts.valid, "success", "valid"),
      countItem("Invalid", counts.invalid, counts.invalid ? "danger" : "neutral", "invalid"),
      countItem("Duplicates", counts.duplicates, counts.duplicates ? "warning" : "neutral", "duplicates"),
      countItem("Skipped", counts.skipped, counts.skipped ? "warning" : "neutral", "skipped"),
    ),
    counts.invalid
      ? problemTable(`Invalid tokens (${fmtNum(counts.invalid)})`, invalid.map(asProblem), counts.invalid)
      : null,
    skipped.length
      ? problemTable(
          `Skipped rows (${fmtNum(skipped.length)})`,
          skipped.slice(0, LISTED).map((r) => [r.line, r.raw, r.code, r.message]),
          skipped.length,
        )
      : null,
    counts.duplicates
      ? problemTable(
          `Duplicates (${fmtNum(counts.duplicates)}) — registered once`,
          dups.map((r) => [r.line, r.raw, "DUPLICATE", `Same device as line ${r.firstLine}.`]),
          counts.duplicates,
        )
      : null,
    counts.invalid || counts.skipped
      ? h(
          "p",
          { class: "muted small" },
          "Invalid and skipped rows are not sent; they are listed in the failure report you can download after the import.",
        )
      : null,
    h(
      "p",
      { class: "muted small" },
      "Importing is safe to repeat: registering a device that is already registered changes nothing, so the same file can be imported again after a failure.",
    ),
  ];
}
