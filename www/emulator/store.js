// @ts-check
// The emulator's state: the record types, the empty state, the per-instance context every handler
// receives, monotonic IDs and paging over lists kept in creation order.

import { LIMITS } from "./constants.js";
import { jsonResponse } from "./http.js";
import { base64UrlDecode, base64UrlEncode, isPlainObject } from "./util.js";

/** @typedef {import("./constants.js").Provider} Provider */
/** @typedef {import("./constants.js").CredentialType} CredentialType */

/**
 * @typedef {object} App
 * @property {number} seq
 * @property {string} name
 * @property {number} createdMs
 * @property {number} updatedMs
 * @property {Record<CredentialType, string | null>} defaults credential ID of each type's default
 * @property {Set<string>} credentialIds
 * @property {Set<string>} registrationIds
 */
/**
 * @typedef {object} Credential (its content is validated, never stored)
 * @property {number} seq
 * @property {string} id
 * @property {CredentialType} credentialType
 * @property {string} appName
 * @property {Record<string, string> | null} tags
 * @property {number} createdMs
 * @property {number} updatedMs
 */
/**
 * @typedef {object} User
 * @property {number} seq
 * @property {string} id
 * @property {number} createdMs
 * @property {number} updatedMs
 * @property {Map<string, string>} registrations app name → registration ID
 */
/** @typedef {{ token: string, provider: Provider, createdMs: number }} Device */
/**
 * @typedef {object} Registration
 * @property {number} seq
 * @property {string} id
 * @property {string} appName
 * @property {string} userId
 * @property {Device[]} devices
 * @property {number} createdMs
 * @property {number} updatedMs
 */
/**
 * @typedef {object} Notification
 * @property {number} seq
 * @property {string} id
 * @property {string} operationId
 * @property {string} token
 * @property {Provider} provider
 * @property {string | null} userId
 * @property {string | null} credentialId
 * @property {{ title?: string, body?: string }} content shared by the operation's notifications
 * @property {string} priority
 * @property {string | null} sound
 * @property {Record<string, string>} tags
 * @property {number} createdMs
 * @property {number} dueMs when the delivery outcome is decided
 * @property {string | null} immediateFailure failure reason decided at send time (NoCredential)
 * @property {string | null} formatFailure failure reason decided by the token's format
 */
/**
 * @typedef {object} Operation
 * @property {number} seq
 * @property {string} id
 * @property {number} createdMs
 * @property {number} total number of `to` items
 * @property {number} unaddressable
 * @property {string} appName
 * @property {Notification[]} notifications
 */

/**
 * Every record of one emulator. Each list is kept in creation order (`seq`).
 * @typedef {ReturnType<typeof emptyState>} State
 */

export function emptyState() {
  return {
    seq: 0, // global creation counter: the order of every list and the basis of page cursors
    /** @type {Map<string, App>} by name */
    apps: new Map(),
    /** @type {string | null} */
    defaultAppName: null,
    /** @type {Map<string, Credential>} */
    credentials: new Map(),
    /** @type {Map<string, User>} */
    users: new Map(),
    /** @type {Map<string, Registration>} */
    registrations: new Map(),
    /** @type {Map<string, string>} `${app}\n${provider}\n${token}` → registration ID */
    deviceIndex: new Map(),
    /** @type {Map<string, Operation>} */
    operations: new Map(),
    /** @type {Operation[]} */
    operationList: [],
    /** @type {Map<string, Notification>} */
    notifications: new Map(),
    /** @type {Notification[]} */
    notificationList: [],
    /** @type {Map<string, number>} normalized token → ms when it was marked unregistered */
    unregistered: new Map(),
  };
}

/**
 * What every handler receives: the instance's settings and its mutable state. `state`, `log`,
 * `faults` and `counters` are replaced (not emptied) on reset, so always read them through the
 * context.
 * @typedef {object} Context
 * @property {() => number} now clock in whole milliseconds
 * @property {number} deliveryMs
 * @property {string} baseUrl without a trailing slash
 * @property {(prefix: string) => string} newId
 * @property {() => number} randomSeed a 32-bit seed for the fault PRNG
 * @property {Uint8Array[]} expectedAuth UTF-8 `username:password` of each accepted pair
 * @property {State} state
 * @property {import("./api.js").LogEntry[]} log
 * @property {number} logSeq
 * @property {import("./faults.js").Faults} faults
 * @property {{ sends: number, requests: number, faults: number }} counters
 */

/**
 * The next creation number.
 * @param {State} state
 */
export function nextSeq(state) {
  state.seq += 1;
  return state.seq;
}

/**
 * The key of a device in `state.deviceIndex`.
 * @param {string} appName
 * @param {string} provider
 * @param {string} token
 */
export function deviceKey(appName, provider, token) {
  return `${appName}\n${provider}\n${token}`;
}

// ---------------------------------------------------------------------------------------------
// IDs

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * ULID-like IDs: 10 base32 chars of 48-bit millisecond time, then 16 random chars. Within one
 * millisecond (or if the injected clock goes backwards) the random part is incremented, so IDs are
 * strictly increasing in creation order, as ULIDs are in monotonic mode.
 * @param {() => number} now
 * @param {(() => number) | null} random numbers in [0, 1), or null for crypto.getRandomValues
 * @returns {(prefix: string) => string}
 */
export function makeIdGenerator(now, random) {
  let lastTime = -1;
  /** @type {number[]} */
  let lastRandom = [];
  const freshRandom = randomDigits(random);
  return (prefix) => {
    let time = Math.max(0, Math.floor(now()));
    if (time <= lastTime) {
      time = lastTime;
      let i = 15;
      while (i >= 0 && lastRandom[i] === 31) lastRandom[i--] = 0;
      if (i < 0) {
        time += 1;
        lastTime = time;
        lastRandom = freshRandom();
      } else {
        lastRandom[i] += 1;
      }
    } else {
      lastTime = time;
      lastRandom = freshRandom();
    }
    let timePart = "";
    let t = time;
    for (let i = 0; i < 10; i++) {
      timePart = CROCKFORD[t % 32] + timePart;
      t = Math.floor(t / 32);
    }
    return prefix + timePart + lastRandom.map((d) => CROCKFORD[d]).join("");
  };
}

/**
 * A source of 16 random base32 digits, the first below 16.
 * @param {(() => number) | null} random
 * @returns {() => number[]}
 */
function randomDigits(random) {
  // Random bytes are fetched in blocks; one getRandomValues call per ID is measurably slower.
  const pool = new Uint8Array(1024);
  let poolPos = pool.length;
  return () => {
    const digits = new Array(16);
    if (random) {
      for (let i = 0; i < 16; i++) digits[i] = Math.floor(random() * 32) & 31;
    } else {
      if (poolPos + 16 > pool.length) {
        crypto.getRandomValues(pool);
        poolPos = 0;
      }
      for (let i = 0; i < 16; i++) digits[i] = pool[poolPos++] & 31;
    }
    // Leave headroom in the top digit so incrementing within one millisecond cannot overflow.
    digits[0] &= 15;
    return digits;
  };
}

// ---------------------------------------------------------------------------------------------
// Paging

/** @typedef {{ after: number | null, pageSize: number }} Paging */

/**
 * @param {string} kind
 * @param {number | null} after
 * @param {number} pageSize
 */
function encodeCursor(kind, after, pageSize) {
  return base64UrlEncode(JSON.stringify({ c: kind, a: after, s: pageSize }));
}

/**
 * @param {string} token
 * @param {string} kind
 * @param {import("./validate.js").Problems} p
 * @returns {{ c: string, a: number | null, s: number } | null}
 */
function decodeCursor(token, kind, p) {
  const text = base64UrlDecode(token);
  let cursor = null;
  if (text !== null) {
    try {
      cursor = JSON.parse(text);
    } catch {
      cursor = null;
    }
  }
  const valid =
    isPlainObject(cursor) &&
    cursor.c === kind &&
    (cursor.a === null || (Number.isInteger(cursor.a) && cursor.a >= 0)) &&
    Number.isInteger(cursor.s) &&
    cursor.s >= 1 &&
    cursor.s <= LIMITS.pageSizeMax;
  if (!valid) {
    p.add("pageToken", "is not a page token issued by this list (use pagination.next or pagination.self as returned)");
    return null;
  }
  return cursor;
}

/**
 * Reads pageSize and pageToken. Problems go into `p`.
 * @param {URLSearchParams} query
 * @param {string} kind the list's collection key (a token from another list is refused)
 * @param {import("./validate.js").Problems} p
 * @returns {Paging}
 */
export function readPaging(query, kind, p) {
  let pageSize = null;
  const rawSize = query.get("pageSize");
  if (rawSize !== null && rawSize !== "") {
    const n = /^\d{1,7}$/.test(rawSize) ? Number(rawSize) : Number.NaN;
    if (!(n >= 1 && n <= LIMITS.pageSizeMax)) p.add("pageSize", `must be an integer from 1 to ${LIMITS.pageSizeMax}`);
    else pageSize = n;
  }
  let after = null;
  const token = query.get("pageToken");
  if (token !== null && token !== "") {
    const cursor = decodeCursor(token, kind, p);
    if (cursor) {
      after = cursor.a;
      // A token remembers its page size so that following `next` alone keeps the same pages.
      if (pageSize === null) pageSize = cursor.s;
    }
  }
  return { after, pageSize: pageSize ?? LIMITS.pageSizeDefault };
}

/**
 * The index to start a page at: binary search for the cursor so deep pages of large lists stay cheap.
 * @param {ReadonlyArray<{ seq: number }>} items sorted by ascending `seq`
 * @param {number | null} after
 * @param {boolean} newestFirst
 */
function startIndex(items, after, newestFirst) {
  if (after === null) return newestFirst ? items.length - 1 : 0;
  let lo = 0;
  let hi = items.length; // first index with seq > after
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid].seq > after) hi = mid;
    else lo = mid + 1;
  }
  let i = newestFirst ? lo - 1 : lo;
  if (newestFirst && i >= 0 && items[i].seq === after) i -= 1;
  return i;
}

/**
 * One page of `items` (sorted by ascending `seq`) as the list answer `{ [kind]: [...], pagination }`,
 * walking forwards or, for newest-first lists, backwards.
 * @template {{ seq: number }} T
 * @param {string} kind
 * @param {readonly T[]} items
 * @param {Paging} paging
 * @param {{ newestFirst?: boolean, filter?: ((item: T) => boolean) | null, view: (item: T) => unknown }} options
 */
export function page(kind, items, paging, { newestFirst = false, filter = null, view }) {
  const { after, pageSize } = paging;
  const step = newestFirst ? -1 : 1;
  /** @type {T[]} */
  const out = [];
  let more = false;
  for (let i = startIndex(items, after, newestFirst); i >= 0 && i < items.length; i += step) {
    const item = items[i];
    if (filter && !filter(item)) continue;
    if (out.length === pageSize) {
      more = true;
      break;
    }
    out.push(item);
  }
  return jsonResponse(200, {
    [kind]: out.map(view),
    pagination: {
      next: more ? encodeCursor(kind, out[out.length - 1].seq, pageSize) : null,
      self: encodeCursor(kind, after, pageSize),
    },
  });
}
