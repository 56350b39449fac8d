// @ts-check
// The validation report of a bulk import: every row valid, invalid (with the token error) or a
// duplicate of an earlier row. One inspectTokens call for pasted lines; one per provider group
// for CSV and Notify exports (whose rows name their provider).
import { inspectTokens } from "twilio-push-wasm";
import { providerOfCanonical } from "./tokens.js";

/**
 * @param parsed  parseImport()'s result
 * @param text    the original text (line mode validates it in one call)
 * @param provider "APN" | "FCM" | "" — for rows that do not say
 * @returns {{ rows, counts: { rows, valid, invalid, duplicates, skipped }, skipped }}
 *   rows: the parsed rows with `status` ("pending" | "invalid" | "duplicate"), `token` and
 *   `provider` (canonical, for pending rows), `code`/`message` (invalid), `firstLine` (duplicate).
 */
export function validateImport(parsed, text, provider = "") {
  const rows = parsed.rows.map((r) => ({
    ...r,
    status: "pending",
    token: null,
    code: null,
    message: null,
    firstLine: null,
    attempts: 0,
  }));
  const opts = (p) => (p ? { provider: p, includeTokens: true } : { includeTokens: true });

  if (parsed.lineMode) {
    // inspectTokens indexes a string by 0-based line number: row.line - 1.
    const report = inspectTokens(text, opts(provider));
    const byLine = new Map(rows.map((r) => [r.line - 1, r]));
    for (const e of report.errors) {
      const r = byLine.get(e.index);
      if (r) Object.assign(r, { status: "invalid", code: e.code, message: e.message });
    }
    for (const d of report.duplicateOf) {
      const r = byLine.get(d.index);
      if (r) Object.assign(r, { status: "duplicate", firstLine: d.firstIndex + 1 });
    }
    for (const r of rows) {
      if (r.status === "invalid") continue;
      r.token = report.tokens[r.line - 1];
      r.provider = provider || providerOfCanonical(r.token);
    }
  } else {
    const groups = new Map();
    for (const r of rows) {
      const p = r.provider ?? provider ?? "";
      if (!groups.has(p)) groups.set(p, []);
      groups.get(p).push(r);
    }
    for (const [p, group] of groups) {
      const report = inspectTokens(
        group.map((r) => r.raw),
        opts(p),
      );
      for (const e of report.errors)
        Object.assign(group[e.index], { status: "invalid", code: e.code, message: e.message });
      group.forEach((r, i) => {
        if (r.status === "invalid") return;
        r.token = report.tokens[i];
        r.provider = p || providerOfCanonical(r.token);
      });
    }
    // A device is (token, provider) within an app: the same token for two apps is two devices.
    const first = new Map();
    for (const r of rows) {
      if (r.status !== "pending") continue;
      const key = `${r.appName ?? ""}\u0000${r.provider}\u0000${r.token}`;
      const seen = first.get(key);
      if (seen) Object.assign(r, { status: "duplicate", firstLine: seen.line });
      else first.set(key, r);
    }
  }
  const count = (s) => rows.reduce((n, r) => n + (r.status === s ? 1 : 0), 0);
  return {
    rows,
    skipped: parsed.skipped,
    counts: {
      rows: rows.length + parsed.skipped.length,
      valid: count("pending"),
      invalid: count("invalid"),
      duplicates: count("duplicate"),
      skipped: parsed.skipped.length,
    },
  };
}
