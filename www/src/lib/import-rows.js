// @ts-check
// The worker hands the validated rows of a big file to the page in compact columnar slices:
// numbers in typed arrays (transferred, not copied), repeated strings (provider, app, code,
// message) as indexes into a per-slice table, tokens as plain strings. Structured-cloning an
// array of row objects costs the receiving thread about a microsecond per property (a
// 20,000-row slice held the page for over 300 ms); a columnar slice is a few flat arrays, and
// the page rebuilds the objects itself in a few milliseconds.

const STATUSES = ["pending", "invalid", "duplicate"];
/** String fields that repeat a lot, sent as indexes into the slice's `values`. */
const INTERNED = /** @type {const} */ (["provider", "userId", "appName", "identity", "code", "message"]);

/**
 * @typedef {{ count: number, line: Int32Array, firstLine: Int32Array, status: Uint8Array,
 *   raw: string[], token: (string | null)[], values: (string | null)[],
 *   interned: Record<string, Uint32Array> }} RowSlice
 */

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
  const raw = new Array(count);
  const token = new Array(count);
  /** @type {(string | null)[]} */
  const values = [null];
  const index = new Map([[null, 0]]);
  /** @type {Record<string, Uint32Array>} */
  const interned = {};
  for (const key of INTERNED) interned[key] = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const r = rows[from + i];
    line[i] = r.line;
    firstLine[i] = r.firstLine ?? 0;
    status[i] = STATUSES.indexOf(r.status);
    raw[i] = r.raw;
    // A canonical token is often the raw one: sent once.
    token[i] = r.token === r.raw ? undefined : r.token;
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
  const slice = { count, line, firstLine, status, raw, token, values, interned };
  const transfer = /** @type {Transferable[]} */ (
    [line, firstLine, status, ...Object.values(interned)].map((a) => a.buffer)
  );
  return { slice, transfer };
}

/**
 * Rebuilds a slice's row objects (validateImport()'s shape) onto `out`.
 * @param {RowSlice} s
 * @param {any[]} out
 */
export function decodeRows(s, out) {
  const { values, interned: x } = s;
  for (let i = 0; i < s.count; i++) {
    const raw = s.raw[i];
    const token = s.token[i];
    out.push({
      line: s.line[i],
      raw,
      provider: values[x.provider[i]],
      userId: values[x.userId[i]],
      appName: values[x.appName[i]],
      identity: values[x.identity[i]],
      status: STATUSES[s.status[i]],
      token: token === undefined ? raw : token,
      code: values[x.code[i]],
      message: values[x.message[i]],
      firstLine: s.firstLine[i] || null,
      attempts: 0,
    });
  }
}
