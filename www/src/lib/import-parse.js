// @ts-check
// Bulk import input: one token per line, a CSV with a `token` column (optional `provider`,
// `userId`, `appName`), or a Twilio Notify Bindings export (CSV or JSON). Pure functions, no DOM.
//
// Every data row keeps the line it came from (1-based; CSV header included; for JSON the record
// number), so every problem can be reported where the person can find it. CSV is read by Papa
// Parse; files are read in a Web Worker (import-worker.js) with the same row building below.
import Papa from "papaparse";

export const FORMATS = {
  lines: "One token per line",
  csv: "CSV with a token column",
  "notify-csv": "Twilio Notify Bindings export (CSV)",
  "notify-json": "Twilio Notify Bindings export (JSON)",
};

/**
 * Data records of CSV text (RFC 4180, parsed by Papa Parse), each with the input line it starts
 * on; blank records dropped.
 * @param {string} text
 * @returns {{ line: number, cells: string[] }[]}
 */
export function parseCsv(text) {
  const { data } = Papa.parse(text, { skipEmptyLines: false });
  const records = [];
  const lines = lineCounter();
  for (const cells of /** @type {string[][]} */ (data)) {
    const line = lines.next(cells);
    if (!isBlank(cells)) records.push({ line, cells });
  }
  return records;
}

/** @param {string[]} cells */
const isBlank = (cells) => cells.length <= 1 && (cells[0] ?? "").trim() === "";

/**
 * Input line numbers of consecutive CSV records (Papa Parse does not report them): a record
 * starts one line after the previous one ended, and spans one line more per line break inside
 * its quoted cells.
 */
export function lineCounter() {
  let next = 1;
  return {
    /** @param {string[]} cells  the record's cells → the line it starts on */
    next(cells) {
      const line = next;
      let breaks = 0;
      for (const cell of cells) for (let i = cell.indexOf("\n"); i !== -1; i = cell.indexOf("\n", i + 1)) breaks++;
      next += 1 + breaks;
      return line;
    },
  };
}

const norm = (s) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, "");

/** Which format `text` is in (by its first meaningful characters / header line). */
export function detectFormat(text) {
  const start = text.trimStart();
  if (start.startsWith("[") || start.startsWith("{")) return "notify-json";
  const firstLine = start.split(/\r?\n/, 1)[0] ?? "";
  if (!firstLine.includes(",") && norm(firstLine) !== "token" && norm(firstLine) !== "address") return "lines";
  const header = (parseCsv(firstLine)[0]?.cells ?? []).map(norm);
  if (header.includes("bindingtype") && header.includes("address")) return "notify-csv";
  if (header.includes("token")) return "csv";
  return "lines";
}

function providerOf(value) {
  const v = norm(value ?? "");
  if (!v) return { provider: null };
  if (v === "apn" || v === "apns") return { provider: "APN" };
  if (v === "fcm") return { provider: "FCM" };
  return { error: `provider "${String(value).trim().slice(0, 20)}" is not APN or FCM` };
}

const BINDING_REASON = {
  gcm: "legacy GCM binding: Twilio Push takes APN and FCM only — have the app register its current FCM token",
  sms: "SMS binding: not a push device",
  "facebook-messenger": "Facebook Messenger binding: not a push device",
  alexa: "Alexa binding: not a push device",
};

/** One Notify binding → a row, or a skipped entry with the reason. */
function bindingRow(line, type, address, identity) {
  const t = String(type ?? "")
    .trim()
    .toLowerCase();
  const raw = String(address ?? "");
  if (t === "apn" || t === "fcm") {
    return { row: { line, raw, provider: t.toUpperCase(), identity: identity ? String(identity) : null } };
  }
  const reason = BINDING_REASON[t] ?? `BindingType "${t.slice(0, 30) || "(empty)"}" is not apn or fcm`;
  return { skip: { line, raw, code: "UNSUPPORTED_BINDING_TYPE", message: `Skipped: ${reason}.` } };
}

/**
 * Parses any supported input.
 * @returns {{ format, rows: {line, raw, provider, userId, appName, identity}[], skipped: {line, raw, code, message}[], lineMode: boolean }}
 *   `rows` are the rows to validate; `skipped` the rows that cannot be imported for reasons other
 *   than the token (another binding type, a bad provider value). Throws an Error with a
 *   message for input that cannot be read at all.
 */
export function parseImport(text, format = detectFormat(text)) {
  const rows = [];
  const skipped = [];
  if (format === "lines") {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++)
      if (lines[i].trim())
        rows.push({ line: i + 1, raw: lines[i], provider: null, userId: null, appName: null, identity: null });
    return { format, rows, skipped, lineMode: true };
  }
  if (format === "notify-json") {
    let data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new Error(`The input looks like JSON but could not be read: ${e.message}`);
    }
    const list = Array.isArray(data)
      ? data
      : Array.isArray(data?.bindings)
        ? data.bindings
        : Array.isArray(data?.Bindings)
          ? data.Bindings
          : null;
    if (!list)
      throw new Error(
        'The JSON has no list of bindings: expected an array, or an object with a "bindings" array (a Notify Bindings export).',
      );
    list.forEach((b, i) => {
      const get = (...keys) => keys.map((k) => b?.[k]).find((v) => v !== undefined && v !== null);
      const { row, skip } = bindingRow(
        i + 1,
        get("BindingType", "bindingType", "binding_type"),
        get("Address", "address"),
        get("Identity", "identity"),
      );
      if (row) {
        if (!row.raw.trim())
          skipped.push({ line: i + 1, raw: "", code: "EMPTY", message: "The binding has no Address." });
        else rows.push({ ...row, userId: null, appName: null });
      } else skipped.push(skip);
    });
    return { format, rows, skipped, lineMode: false };
  }
  const builder = csvRows(format);
  for (const { line, cells } of parseCsv(text)) builder.add(line, cells);
  return builder.result();
}

/**
 * Builds rows from CSV records one at a time (so a file can be streamed): the first record is
 * the header. Throws when a plain CSV has no token column.
 * @param {string} format  "csv" | "notify-csv"
 */
export function csvRows(format) {
  /** @type {any[]} */
  const rows = [];
  /** @type {any[]} */
  const skipped = [];
  /** @type {((line: number, cells: string[]) => void) | null} */
  let addRow = null;
  return {
    /**
     * @param {number} line
     * @param {string[]} cells
     */
    add(line, cells) {
      if (addRow) addRow(line, cells);
      else addRow = format === "notify-csv" ? notifyColumns(cells, rows, skipped) : tokenColumns(cells, rows, skipped);
    },
    result: () => ({ format, rows, skipped, lineMode: false }),
  };
}

/**
 * @param {string[]} headerCells
 * @param {any[]} rows
 * @param {any[]} skipped
 */
function notifyColumns(headerCells, rows, skipped) {
  const header = headerCells.map(norm);
  const typeCol = header.indexOf("bindingtype");
  const addressCol = header.indexOf("address");
  const identityCol = header.indexOf("identity");
  return (/** @type {number} */ line, /** @type {string[]} */ cells) => {
    const { row, skip } = bindingRow(
      line,
      cells[typeCol],
      cells[addressCol],
      identityCol >= 0 ? cells[identityCol]?.trim() : null,
    );
    if (row) rows.push({ ...row, userId: null, appName: null });
    else skipped.push(skip);
  };
}

/**
 * @param {string[]} headerCells
 * @param {any[]} rows
 * @param {any[]} skipped
 */
function tokenColumns(headerCells, rows, skipped) {
  const header = headerCells.map(norm);
  const col = (/** @type {string[]} */ ...names) => header.findIndex((h) => names.includes(h));
  const tokenCol = col("token");
  if (tokenCol < 0) throw new Error('The CSV has no "token" column in its first line.');
  const providerCol = col("provider");
  const userCol = col("userid");
  const appCol = col("appname", "app");
  return (/** @type {number} */ line, /** @type {string[]} */ cells) => {
    const raw = cells[tokenCol] ?? "";
    const p = providerCol >= 0 ? providerOf(cells[providerCol]) : { provider: null };
    if (p.error) {
      skipped.push({ line, raw, code: "INVALID_PROVIDER", message: `Skipped: ${p.error}.` });
      return;
    }
    rows.push({
      line,
      raw,
      provider: p.provider,
      userId: userCol >= 0 ? cells[userCol]?.trim() || null : null,
      appName: appCol >= 0 ? cells[appCol]?.trim() || null : null,
      identity: null,
    });
  };
}

/** CSV text of rows [{line, token, code, message}], quoted where needed. */
export function toCsv(header, rows) {
  const q = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header.join(","), ...rows.map((r) => header.map((k) => q(r[k])).join(","))].join("\r\n")}\r\n`;
}
