// @ts-check
// Reads a chosen or dropped import file off the main thread: CSV and Notify CSV exports are
// streamed through Papa Parse chunk by chunk (the file is never held whole as a string), plain
// token lists line by line, and a Notify JSON export (JSON cannot be streamed) parsed whole.
// The rows are validated here too (the token library runs in the worker), so a large file
// costs the page only the copy of the result. Posts { type: "progress", bytes } while reading
// and { type: "done", checked, fingerprint } or { type: "error", message } at the end. The
// fingerprint (size and a hash of the content) lets a resumed import check that it was given
// the same file.
import init from "twilio-push-wasm";
import Papa from "papaparse";
import { detectFormat, parseImport, csvRows, lineCounter } from "./import-parse.js";
import { validateImport } from "./import-validate.js";
import { encodeRows, SLICE_ROWS } from "./import-rows.js";

const CHUNK = 1 << 20;

/** FNV-1a over the text seen so far, in two 32-bit lanes: cheap, streaming, good enough to tell files apart. */
function hasher() {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  return {
    /** @param {string} text */
    add(text) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
      }
    },
    hex: () => (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0"),
  };
}

/** @param {any} message */
const post = (message) => /** @type {any} */ (self).postMessage(message);

/**
 * One token per line, streamed.
 * @param {File} file
 * @param {ReturnType<typeof hasher>} hash
 */
async function readLines(file, hash) {
  const rows = [];
  let line = 0;
  let rest = "";
  let bytes = 0;
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    const text = done ? rest : rest + value;
    if (!done) {
      hash.add(value);
      bytes += value.length;
      post({ type: "progress", bytes });
    }
    const parts = text.split("\n");
    rest = done ? "" : (parts.pop() ?? "");
    for (const part of parts) {
      line++;
      const raw = part.endsWith("\r") ? part.slice(0, -1) : part;
      if (raw.trim()) rows.push({ line, raw, provider: null, userId: null, appName: null, identity: null });
    }
    if (done) break;
  }
  return { format: "lines", rows, skipped: [], lineMode: false };
}

/**
 * A CSV (plain or a Notify export), streamed through Papa Parse.
 * @param {File} file
 * @param {string} format
 * @param {ReturnType<typeof hasher>} hash
 */
function readCsv(file, format, hash) {
  const builder = csvRows(format);
  const lines = lineCounter();
  return new Promise((resolve, reject) => {
    Papa.parse(file, {
      chunkSize: CHUNK,
      skipEmptyLines: false,
      chunk(results, parser) {
        try {
          for (const cells of /** @type {string[][]} */ (results.data)) {
            const line = lines.next(cells);
            hash.add(cells.join(","));
            if (cells.length > 1 || (cells[0] ?? "").trim() !== "") builder.add(line, cells);
          }
          post({ type: "progress", bytes: results.meta.cursor });
        } catch (err) {
          parser.abort();
          reject(err);
        }
      },
      complete: () => resolve(builder.result()),
      error: (/** @type {Error} */ err) => reject(err),
    });
  });
}

self.addEventListener("message", async (event) => {
  const { file, provider } = /** @type {{ file: File, provider: string }} */ (/** @type {MessageEvent} */ (event).data);
  const hash = hasher();
  try {
    const head = await file.slice(0, 64 * 1024).text();
    const format = detectFormat(head);
    let parsed;
    if (format === "notify-json") {
      const text = await file.text();
      hash.add(text);
      parsed = parseImport(text, format);
    } else if (format === "lines") parsed = await readLines(file, hash);
    else parsed = await readCsv(file, format, hash);
    await init();
    const { rows, ...rest } = validateImport(parsed, "", provider);
    // The rows go over in compact slices, so that receiving them never holds the page for long;
    // a slice's row objects are let go once it is sent, so the rows are not held twice.
    for (let i = 0; i < rows.length; i += SLICE_ROWS) {
      const end = Math.min(rows.length, i + SLICE_ROWS);
      const { slice, transfer } = encodeRows(rows, i, end);
      /** @type {any} */ (self).postMessage({ type: "rows", slice }, transfer);
      rows.fill(null, i, end);
    }
    post({ type: "done", checked: { format: parsed.format, ...rest }, fingerprint: `file:${file.size}:${hash.hex()}` });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
});
