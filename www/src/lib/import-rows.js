// @ts-check
// Validated import rows, held columnar. The worker hands the rows of a big file to the page in
// slices of a few thousand: numbers in typed arrays (transferred, not copied), the tokens of a
// slice as one string with offsets, repeated strings (provider, app, code, message) as indexes
// into a per-slice table. The page keeps the slices as they came (a RowTable) and builds a row
// object only when something asks for that row: the report for the rows it lists, the import
// runner for the rows it is about to send. A million row objects on the page (a dozen
// properties each) cost it a garbage collection of hundreds of milliseconds; a million rows in
// slices are a few thousand objects.

const STATUSES = /** @type {const} */ (["pending", "invalid", "duplicate"]);
/** String fields that repeat a lot, kept as indexes into the slice's `values`. */
const INTERNED = /** @type {const} */ (["provider", "userId", "appName", "identity", "code", "message"]);
/** Rows per slice (one message from the worker, one short task on the page). */
export const SLICE_ROWS = 5_000;

/**
 * @typedef {(typeof STATUSES)[number]} RowStatus
 * @typedef {(typeof INTERNED)[number]} InternedKey
 * @typedef {{ count: number, line: Int32Array, firstLine: Int32Array, status: Uint8Array,
 *   raw: string, rawAt: Uint32Array, token: string, tokenAt: Uint32Array, values: (string | null)[],
 *   interned: Record<InternedKey, Uint32Array> }} RowSlice
 *   `raw` holds the slice's input tokens one after another, row i at [rawAt[i], rawAt[i + 1]);
 *   `token` the canonical tokens that differ from the input (an empty range: same as the input).
 * @typedef {{ index: number, line: number, raw: string, provider: string | null, userId: string | null,
 *   appName: string | null, identity: string | null, status: string, token: string | null,
 *   code: string | null, message: string | null, firstLine: number | null, attempts: number,
 *   [more: string]: any }} Row
 *   A row object, built on request; `index` is its place in the table.
 */

/**
 * Strings one after another, with their offsets.
 * @param {number} count
 */
function stringColumn(count) {
  const at = new Uint32Array(count + 1);
  /** @type {string[]} */
  const parts = [];
  let length = 0;
  return {
    /** @param {number} i @param {string} s */
    set(i, s) {
      parts.push(s);
      length += s.length;
      at[i + 1] = length;
    },
    done: () => ({ text: parts.join(""), at }),
  };
}

/**
 * Encodes rows[from, to) as a columnar slice; `transfer` lists its buffers for postMessage.
 * @param {any[]} rows  validateImport()'s rows
 * @param {number} from
 * @param {number} to
 * @returns {{ slice: RowSlice, transfer: Transferable[] }}
 */
export function encodeRows(rows, from, to) {
  const count = to - from;
  const line = new Int32Array(count);
  const firstLine = new Int32Array(count);
  const status = new Uint8Array(count);
  const raw = stringColumn(count);
  const token = stringColumn(count);
  /** @type {(string | null)[]} */
  const values = [null];
  /** @type {Map<string | null, number>} */
  const index = new Map([[null, 0]]);
  const interned = /** @type {Record<InternedKey, Uint32Array>} */ ({});
  for (const key of INTERNED) interned[key] = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const r = rows[from + i];
    line[i] = r.line;
    firstLine[i] = r.firstLine ?? 0;
    status[i] = STATUSES.indexOf(r.status);
    raw.set(i, r.raw);
    // A canonical token is often the input one: kept once. Invalid rows have none.
    token.set(i, r.token === r.raw || r.token === null ? "" : r.token);
    for (const key of INTERNED) {
      const v = r[key] ?? null;
      let at = index.get(v);
      if (at === undefined) {
        at = values.length;
        values.push(v);
        index.set(v, at);
      }
      interned[key][i] = at;
    }
  }
  const r = raw.done();
  const t = token.done();
  /** @type {RowSlice} */
  const slice = {
    count,
    line,
    firstLine,
    status,
    raw: r.text,
    rawAt: r.at,
    token: t.text,
    tokenAt: t.at,
    values,
    interned,
  };
  const transfer = [line, firstLine, status, r.at, t.at, ...Object.values(interned)].map((a) => a.buffer);
  return { slice, transfer };
}

/**
 * The validated rows of one input, as the slices they came in. Read-only: an import keeps its
 * outcome elsewhere, so the same table can be imported again.
 */
export class RowTable {
  /** @type {RowSlice[]} */
  #slices = [];
  /** @type {number[]} */
  #starts = [];
  /** The slice the last lookup fell in (reads are mostly in order). */
  #last = 0;
  length = 0;

  /**
   * The rows of an array (pasted input, validated on the page).
   * @param {any[]} rows  validateImport()'s rows
   */
  static fromRows(rows) {
    const table = new RowTable();
    for (let i = 0; i < rows.length; i += SLICE_ROWS)
      table.add(encodeRows(rows, i, Math.min(rows.length, i + SLICE_ROWS)).slice);
    return table;
  }

  /** Appends a slice. @param {RowSlice} slice */
  add(slice) {
    this.#starts.push(this.length);
    this.#slices.push(slice);
    this.length += slice.count;
  }

  /**
   * The slice holding row i and the row's place in it.
   * @param {number} i
   * @returns {[RowSlice, number]}
   */
  #locate(i) {
    const starts = this.#starts;
    let k = this.#last;
    if (!(i >= starts[k] && i < starts[k] + this.#slices[k].count)) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= i) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
      this.#last = k;
    }
    return [this.#slices[k], i - starts[k]];
  }

  /** @param {number} i @returns {RowStatus} */
  status(i) {
    const [s, j] = this.#locate(i);
    return STATUSES[s.status[j]];
  }

  /** @param {number} i */
  line(i) {
    const [s, j] = this.#locate(i);
    return s.line[j];
  }

  /** @param {number} i @param {InternedKey} key */
  value(i, key) {
    const [s, j] = this.#locate(i);
    return s.values[s.interned[key][j]];
  }

  /**
   * Row i as an object (validateImport()'s shape, plus `index`).
   * @param {number} i
   * @returns {Row}
   */
  row(i) {
    const [s, j] = this.#locate(i);
    const { values, interned: x } = s;
    const raw = s.raw.slice(s.rawAt[j], s.rawAt[j + 1]);
    const status = STATUSES[s.status[j]];
    const from = s.tokenAt[j];
    const to = s.tokenAt[j + 1];
    return {
      index: i,
      line: s.line[j],
      raw,
      provider: values[x.provider[j]],
      userId: values[x.userId[j]],
      appName: values[x.appName[j]],
      identity: values[x.identity[j]],
      status,
      token: status === "invalid" ? null : from === to ? raw : s.token.slice(from, to),
      code: values[x.code[j]],
      message: values[x.message[j]],
      firstLine: s.firstLine[j] || null,
      attempts: 0,
    };
  }

  /**
   * The index of the row from input line `line`, or -1 (rows are in input order, so lines rise).
   * @param {number} line
   */
  indexOfLine(line) {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.line(mid);
      if (at === line) return mid;
      if (at < line) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Indexes of the rows with a status, in order; stops early when `visit` returns false.
   * @param {RowStatus} status
   * @param {(i: number) => boolean | void} visit
   */
  each(status, visit) {
    const want = STATUSES.indexOf(status);
    for (let k = 0; k < this.#slices.length; k++) {
      const s = this.#slices[k];
      const start = this.#starts[k];
      for (let j = 0; j < s.count; j++) if (s.status[j] === want && visit(start + j) === false) return;
    }
  }
}
