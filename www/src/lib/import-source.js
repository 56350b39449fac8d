// @ts-check
// Where a bulk import comes from: pasted text (in a box with line numbers, so the report's line
// numbers can be found) or a chosen / dropped file.
import { h, replace, debounce, fmtNum } from "./dom.js";
import { field, chip, errorBox, errorMessage } from "./ui.js";
import { RowTable } from "./import-rows.js";
import { KEEP_FILE_BYTES } from "./import-journal.js";

/**
 * A pasted text, or a file already read and validated by the worker (the file's text is not
 * kept, only the File handle; `checked` is its validation for `checkedProvider`, its rows a
 * RowTable).
 * @typedef {{ kind: "text", name: null, text: string } |
 *   { kind: "file", name: string, text: null, file: File, checked: any, checkedProvider: string,
 *   fingerprint: string }} Source
 */

/**
 * Reads and validates an import file in a Web Worker (Papa Parse for CSV), reporting bytes read.
 * The rows arrive in columnar slices and stay so (`checked.table`, a RowTable).
 * @param {File} file
 * @param {string} provider  for rows that do not say
 * @param {(bytes: number) => void} onProgress
 * @returns {Promise<{ checked: any, fingerprint: string }>}
 */
export function readImportFile(file, provider, onProgress) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./import-worker.js", import.meta.url), { type: "module" });
    const table = new RowTable();
    worker.addEventListener("message", ({ data }) => {
      if (data.type === "progress") return onProgress(data.bytes);
      if (data.type === "rows") return table.add(data.slice);
      // Marks for scripts/page-longtasks.mjs: where the page's long tasks fall.
      performance.mark("import-rows-received");
      worker.terminate();
      if (data.type === "done") resolve({ checked: { ...data.checked, table }, fingerprint: data.fingerprint });
      else reject(new Error(data.message));
    });
    worker.addEventListener("error", (e) => {
      worker.terminate();
      reject(new Error(e.message || "The file could not be read."));
    });
    worker.postMessage({ file, provider });
  });
}

/**
 * Gives a textarea (already in its field) a line-number gutter that scrolls with it; lines do
 * not wrap, so a number is an input line.
 * @param {HTMLTextAreaElement} textarea
 */
function withLineNumbers(textarea) {
  const gutter = h("pre", { class: "gutter", "aria-hidden": "true" });
  const wrap = h("div", { class: "numbered" });
  textarea.replaceWith(wrap);
  wrap.append(gutter, textarea);
  let shown = 0;
  const render = () => {
    const lines = textarea.value.split("\n").length;
    if (lines === shown) return;
    shown = lines;
    let text = "";
    for (let i = 1; i <= lines; i++) text += `${i}\n`;
    gutter.textContent = text;
  };
  textarea.addEventListener("input", render);
  textarea.addEventListener("scroll", () => {
    gutter.scrollTop = textarea.scrollTop;
  });
  render();
  return { render };
}

/** The text box (with line numbers) and its field. */
function textInput() {
  const textarea = /** @type {HTMLTextAreaElement} */ (
    h("textarea", {
      rows: 8,
      class: "mono",
      wrap: "off",
      spellcheck: "false",
      autocomplete: "off",
      autocapitalize: "off",
      placeholder:
        "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b\n…or paste a CSV with a token column, or a Notify Bindings export",
    })
  );
  const textField = field({
    label: "Tokens or CSV",
    control: textarea,
    field: "source",
    hint: "One token per line, a CSV with a token column (optional provider, userId, appName columns), or a Notify Bindings export (BindingType, Address, Identity).",
  });
  return { textarea, textField, numbered: withLineNumbers(textarea) };
}

/**
 * The drop zone and file input. `onFile(file)` is called with a chosen or dropped file.
 * @param {(file: File | undefined) => void} onFile
 */
function fileDrop(onFile) {
  const fileInput = /** @type {HTMLInputElement} */ (
    h("input", { type: "file", accept: ".txt,.csv,.json,text/plain,text/csv,application/json" })
  );
  const fileInfo = h("div", { class: "file-info", "aria-live": "polite" });
  const drop = h(
    "div",
    { class: "dropzone", "data-testid": "dropzone" },
    h(
      "p",
      null,
      h("strong", null, "Drop a file here"),
      " — .txt (one token per line), .csv, or a Notify Bindings export (.csv or .json).",
    ),
    field({ label: "Or choose a file", control: fileInput, field: "file" }),
    fileInfo,
  );
  fileInput.addEventListener("change", () => onFile(fileInput.files?.[0]));
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    onFile(e.dataTransfer?.files?.[0]);
  });
  return { fileInput, fileInfo, drop };
}

/**
 * The file card's line once a file is read: its name and size, and Clear file; for a file too
 * large to be kept with the import's journal, what that means for Resume.
 * @param {File} file
 * @param {() => void} onClear
 */
const fileLine = (file, onClear) => [
  h(
    "p",
    null,
    chip("File", "info"),
    " ",
    h("strong", null, file.name),
    ` · ${fmtNum(file.size)} bytes `,
    h("button", { class: "btn btn-small btn-quiet", type: "button", onclick: onClear }, "Clear file"),
  ),
  file.size > KEEP_FILE_BYTES
    ? h(
        "p",
        { class: "muted small", "data-testid": "file-not-kept" },
        `Over ${KEEP_FILE_BYTES / (1024 * 1024)} MB, this file is not kept in the browser with the import: if the import is interrupted, Resume asks you to choose it again.`,
      )
    : null,
];

/**
 * The source card's inputs. `onSource(source)` is called with the current input (debounced while
 * typing); `provider()` is the provider choice a file is validated with.
 * @param {{ onSource: (source: Source) => void, provider: () => string }} options
 */
export function importSource({ onSource, provider }) {
  const { textarea, textField, numbered } = textInput();
  const { fileInput, fileInfo, drop } = fileDrop(loadFile);

  const typed = debounce(() => onSource({ kind: "text", name: null, text: textarea.value }), 300);
  textarea.addEventListener("input", () => {
    if (fileInput.value) clearFileInfo();
    typed();
  });

  function clearFileInfo() {
    fileInput.value = "";
    replace(fileInfo);
  }

  /**
   * Reads `file` and hands it on as the source; false when it could not be read.
   * @param {File | undefined} file
   */
  async function loadFile(file) {
    if (!file) return false;
    const reading = h("p", { class: "muted" }, `Reading ${file.name}…`);
    replace(fileInfo, reading);
    try {
      const checkedProvider = provider();
      const { checked, fingerprint } = await readImportFile(file, checkedProvider, (bytes) => {
        reading.textContent = `Reading ${file.name}… ${Math.min(100, Math.floor((bytes / Math.max(1, file.size)) * 100))}%`;
      });
      textarea.value = "";
      numbered.render();
      typed.cancel();
      replace(fileInfo, fileLine(file, clearFile));
      onSource({ kind: "file", name: file.name, text: null, file, checked, checkedProvider, fingerprint });
      performance.mark("import-report-shown");
      return true;
    } catch (err) {
      replace(fileInfo, errorBox({ message: `${file.name} could not be read: ${errorMessage(err)}` }));
      return false;
    }
  }
  function clearFile() {
    clearFileInfo();
    onSource({ kind: "text", name: null, text: textarea.value });
  }

  return {
    textarea,
    fileInput,
    textField,
    drop,
    /** Puts `text` in the box (a resumed import's kept input). @param {string} text */
    setText(text) {
      clearFileInfo();
      textarea.value = text;
      numbered.render();
    },
    /** Reads a file as if it had been chosen (a resumed import's kept file, a new provider choice). */
    loadFile,
    /** @param {boolean} disabled */
    setDisabled(disabled) {
      textarea.disabled = disabled;
      fileInput.disabled = disabled;
    },
    cancel: () => typed.cancel(),
  };
}
