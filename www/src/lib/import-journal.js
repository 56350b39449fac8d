// @ts-check
// The journal of bulk imports, in IndexedDB, so that an import survives a reload, a crash or a
// closed tab. One record per import (what was imported, from which input, where it stands) and
// one record per row that got its final answer. A row is journalled before the page counts it
// as done, so Resume never re-sends a row reported done; a row whose request was in flight when
// the page went away is sent again, which is safe: registering a device that is already
// registered changes nothing.
//
// The input is kept too, so that Resume needs nothing from the person: pasted text in the
// import's record, a chosen file (the File itself: IndexedDB stores Blobs, on disk) in a store of
// its own, so that updating the record never copies it. A file over KEEP_FILE_BYTES is not kept,
// nor one the browser refuses to store (quota, storage cleared since): Resume then asks for it
// again and checks it is the same. Finishing, canceling or discarding an import deletes its file.

const DB_NAME = "push-admin-imports";
const DB_VERSION = 2;
/** Pasted input up to this size is kept with the journal, so Resume needs nothing from the person. */
export const KEEP_TEXT_BYTES = 4_000_000;
/**
 * Chosen files up to this size are kept with the journal (a 1,000,000-row Notify export is about
 * 120 MB): copying more into the browser's storage is more than a person expects of a page.
 */
export const KEEP_FILE_BYTES = 256 * 1024 * 1024;

/**
 * @typedef {"running" | "paused" | "done" | "canceled"} JournalState
 * @typedef {{ id: string, fingerprint: string, sourceName: string | null, text: string | null,
 *   provider: string, defaultApp: string, pending: number, state: JournalState,
 *   startedAt: string, updatedAt: string, summary?: Record<string, number> }} ImportRecord
 * @typedef {{ importId: string, line: number, status: "imported" | "failed", token: string,
 *   code?: string | null, message?: string | null, userId?: string | null }} RowRecord
 */

/** @type {Promise<IDBDatabase> | null} */
let dbPromise = null;

/** Opens (and on first use creates) the database. */
function db() {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains("imports")) d.createObjectStore("imports", { keyPath: "id" });
      if (!d.objectStoreNames.contains("rows")) {
        const rows = d.createObjectStore("rows", { keyPath: ["importId", "line"] });
        rows.createIndex("importId", "importId");
      }
      // Version 2: the chosen files, { id: import id, file }.
      if (!d.objectStoreNames.contains("files")) d.createObjectStore("files", { keyPath: "id" });
    };
    req.onsuccess = () => {
      // A newer page in another tab upgrades the database: let it, and reopen on next use.
      req.result.onversionchange = () => {
        req.result.close();
        dbPromise = null;
      };
      resolve(req.result);
    };
    req.onerror = () => {
      dbPromise = null;
      reject(req.error);
    };
  });
  return dbPromise;
}

/**
 * Runs `fn` in a transaction and resolves once it has committed.
 * @template T
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => T} fn
 * @returns {Promise<T>}
 */
async function inTx(stores, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(stores, mode);
    const result = fn(tx);
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("The import journal transaction was aborted."));
  });
}

/**
 * @template T
 * @param {IDBRequest<T>} req
 * @returns {Promise<T>}
 */
const result = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/**
 * SHA-256 of the input and the choices that shape it (provider, default app), as hex: the same
 * input gives the same fingerprint, so a resumed import is known to be the same one.
 * @param {string} text
 * @param {string} provider
 */
export async function fingerprint(text, provider) {
  const bytes = new TextEncoder().encode(`${provider}\u0000${text}`);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Starts the journal of a new import.
 * @param {Omit<ImportRecord, "id" | "state" | "startedAt" | "updatedAt">} fields
 * @returns {Promise<ImportRecord>}
 */
export async function beginImport(fields) {
  const now = new Date().toISOString();
  /** @type {ImportRecord} */
  const record = {
    ...fields,
    text: fields.text && fields.text.length <= KEEP_TEXT_BYTES ? fields.text : null,
    id: `imp-${now}-${Math.random().toString(36).slice(2, 8)}`,
    state: "running",
    startedAt: now,
    updatedAt: now,
  };
  await inTx(["imports"], "readwrite", (tx) => tx.objectStore("imports").put(record));
  return record;
}

/**
 * Updates an import's record (state, summary).
 * @param {string} id
 * @param {Partial<ImportRecord>} changes
 */
export async function updateImport(id, changes) {
  await inTx(["imports"], "readwrite", (tx) => {
    const store = tx.objectStore("imports");
    const get = store.get(id);
    get.onsuccess = () => {
      if (get.result) store.put({ ...get.result, ...changes, updatedAt: new Date().toISOString() });
    };
  });
}

/**
 * Records one row's final answer; resolves once it is on disk.
 * @param {RowRecord} row
 */
export async function recordRow(row) {
  await inTx(["rows"], "readwrite", (tx) => tx.objectStore("rows").put(row));
}

/**
 * Every import in the journal, newest first.
 * @returns {Promise<ImportRecord[]>}
 */
export async function listImports() {
  const d = await db();
  const all = await result(d.transaction("imports").objectStore("imports").getAll());
  return /** @type {ImportRecord[]} */ (all).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/**
 * Visits the rows of an import that got their final answer, in line order, a batch at a time
 * (a million-row import is never read into the page at once).
 * @param {string} id
 * @param {(row: RowRecord) => void} visit
 * @param {number} [batch]
 */
export async function eachDoneRow(id, visit, batch = 10_000) {
  const d = await db();
  let after = -Infinity;
  for (;;) {
    const range = IDBKeyRange.bound([id, after], [id, Infinity], true, false);
    const rows = /** @type {RowRecord[]} */ (
      await result(d.transaction("rows").objectStore("rows").getAll(range, batch))
    );
    for (const row of rows) visit(row);
    if (rows.length < batch) return;
    after = rows[rows.length - 1].line;
  }
}

/**
 * Keeps the file an import reads, for Resume. Resolves to why it was not kept ("too-large", or
 * the browser's refusal, e.g. a QuotaExceededError's message), or null once it is on disk.
 * @param {string} id
 * @param {File} file
 * @returns {Promise<string | null>}
 */
export async function keepFile(id, file) {
  if (file.size > KEEP_FILE_BYTES) return "too-large";
  try {
    await inTx(["files"], "readwrite", (tx) => tx.objectStore("files").put({ id, file }));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The file kept for an import, or null (never kept, or gone).
 * @param {string} id
 * @returns {Promise<File | null>}
 */
export async function keptFile(id) {
  const d = await db();
  const entry = await result(d.transaction("files").objectStore("files").get(id));
  return entry?.file ?? null;
}

/**
 * Whether a file is kept for an import (without reading it).
 * @param {string} id
 */
export async function hasKeptFile(id) {
  const d = await db();
  return (await result(d.transaction("files").objectStore("files").count(id))) > 0;
}

/**
 * Deletes the file kept for an import (it finished, or was canceled).
 * @param {string} id
 */
export async function dropFile(id) {
  await inTx(["files"], "readwrite", (tx) => tx.objectStore("files").delete(id));
}

/**
 * Forgets an import, its rows and its file.
 * @param {string} id
 */
export async function dismissImport(id) {
  await inTx(["imports", "rows", "files"], "readwrite", (tx) => {
    tx.objectStore("imports").delete(id);
    tx.objectStore("rows").delete(IDBKeyRange.bound([id, -Infinity], [id, Infinity]));
    tx.objectStore("files").delete(id);
  });
}

/**
 * How many rows of an import got their final answer.
 * @param {string} id
 * @returns {Promise<number>}
 */
export async function countDoneRows(id) {
  const d = await db();
  return result(d.transaction("rows").objectStore("rows").index("importId").count(id));
}
