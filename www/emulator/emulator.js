// In-memory emulator of the Twilio Push Notifications API (v1).
//
// It answers the same paths as https://comms.twilio.com/v1/PushNotifications/... so that one client
// works against Twilio, the edge proxy and this emulator by changing only the base URL and auth.
// Where Twilio's public documentation is silent, the decisions taken here are listed in README.md.
//
// The module is deliberately pure: it only uses Request, Response, URL, crypto.getRandomValues,
// TextEncoder and atob/btoa, so the same file runs in Node 20 (server.mjs) and in workerd
// (worker.js). No timers drive state: a notification's status is computed from `now()` whenever
// it is read, which also makes the lifecycle testable with an injected clock.

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

const ERROR_CODES = {
  400: 20001,
  401: 20003,
  404: 20404,
  405: 20004,
  409: 20409,
  429: 20429,
  500: 20500,
  503: 20503,
};

export const ID_PREFIXES = Object.freeze({
  pushNotification: "comms_pushnotification_",
  operation: "comms_operation_",
  deviceRegistration: "comms_device_registration_",
  user: "comms_pushnotificationuser_",
  credential: "comms_credential_",
});

export const FAULT_KINDS = Object.freeze(["429", "500", "503", "slow", "drop", "drop-after"]);
const DEFAULT_RATE_KINDS = ["429", "500", "503", "slow", "drop"];

export const LIMITS = Object.freeze({
  recipientsPerSend: 10000,
  apps: 10,
  credentialsPerApp: 10,
  devicesPerRegistration: 50,
  tags: 10,
  tagKeyLength: 128,
  tagValueLength: 256,
  tokenLength: 4096,
  appNameLength: 64,
  pageSizeDefault: 50,
  pageSizeMax: 1000,
  // Bounded so a long-lived isolate cannot grow without limit; tests read far fewer entries.
  logEntries: 5000,
  // A 10,000-recipient send can have 10,000 problems; the first 100 are enough to act on.
  reportedProblems: 100,
});

const APP_NAME_RE = /^[a-z0-9_]+$/;
const HEX_RE = /^[0-9a-fA-F]+$/;
const FCM_TOKEN_RE = /^[A-Za-z0-9_:-]+$/;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const PROVIDERS = ["APN", "FCM"];
const CREDENTIAL_TYPES = ["APN", "APN_SANDBOX", "FCM"];
const PRIORITIES = ["HIGH", "LOW"];
const NOTIFICATION_STATUSES = ["SCHEDULED", "QUEUED", "SENT", "FAILED", "CANCELED"];
const OPERATION_STATUSES = ["SCHEDULED", "PROCESSING", "COMPLETED", "CANCELED"];

/** Thrown by `fetch` for the "drop" and "drop-after" faults; adapters turn it into a lost connection. */
export class EmulatorDropError extends Error {
  constructor(message = "connection dropped by an emulator fault") {
    super(message);
    this.name = "EmulatorDropError";
  }
}

/** An expected API error: becomes a Twilio-style error body with the given HTTP status. */
class ApiError extends Error {
  constructor(status, message, errors, headers) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

/**
 * Collects validation problems so that one 400 response can list as many of them as possible.
 * Messages never contain secret values (credential content) and never echo whole tokens.
 */
class Problems {
  constructor() {
    this.items = [];
    this.total = 0;
  }
  add(field, message) {
    this.total += 1;
    if (this.items.length < LIMITS.reportedProblems) this.items.push({ field, message });
  }
  get any() {
    return this.total > 0;
  }
  throwIfAny() {
    if (this.total === 0) return;
    const first = this.items[0];
    const more = this.total > 1 ? ` (and ${this.total - 1} more problem${this.total > 2 ? "s" : ""})` : "";
    throw new ApiError(400, `Invalid request: ${first.field} ${first.message}${more}`, this.items);
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isoSeconds(ms) {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** Creation times compared at the precision they are shown with, so filters match what users see. */
function floorToSecond(ms) {
  return Math.floor(ms / 1000) * 1000;
}

function jsonResponse(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

function errorBody(status, message, errors) {
  const code = ERROR_CODES[status] ?? 20500;
  const body = { code, message, moreInfo: `https://www.twilio.com/docs/api/errors/${code}`, status };
  if (errors && errors.length) body.errors = errors;
  return body;
}

function errorResponse(status, message, errors, headers) {
  return jsonResponse(status, errorBody(status, message, errors), headers);
}

/** Shortens user-supplied text before it goes into a message (IDs from paths, tag keys). */
function clip(text, max = 80) {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function base64UrlEncode(asciiText) {
  return btoa(asciiText).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text) {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  try {
    return atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
}

/** Decodes standard or URL-safe base64 (whitespace tolerated, as `base64` wraps lines) to a binary string. */
function decodeBase64Text(value) {
  if (typeof value !== "string" || value.length === 0) return null;
  try {
    return atob(value.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
}

/** Length-independent byte comparison, so response timing does not reveal how much of a secret matched. */
function constantTimeEqual(a, b) {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Small deterministic PRNG so random fault injection can be replayed from a seed. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** APN tokens are hex in any case; compare them in lower case so `AB12…` and `ab12…` are one device. */
function normalizeHexToken(token) {
  return HEX_RE.test(token) ? token.toLowerCase() : token;
}

function isValidApnHex(token) {
  return token.length >= 64 && token.length <= 200 && token.length % 2 === 0 && HEX_RE.test(token);
}

/**
 * ULID-like IDs: 10 base32 chars of 48-bit millisecond time, then 16 random chars. Within one
 * millisecond (or if the injected clock goes backwards) the random part is incremented, so IDs are
 * strictly increasing in creation order, as ULIDs are in monotonic mode.
 */
function makeIdGenerator(now, random) {
  let lastTime = -1;
  let lastRandom = null;
  // Random bytes are fetched in blocks; one getRandomValues call per ID is measurably slower.
  const pool = new Uint8Array(1024);
  let poolPos = pool.length;
  const freshRandom = () => {
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
  return (prefix) => {
    let time = Math.max(0, Math.floor(now()));
    if (time <= lastTime) {
      time = lastTime;
      let i = 15;
      while (i >= 0 && lastRandom[i] === 31) lastRandom[i--] = 0;
      if (i < 0) {
        lastTime = time += 1;
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

// ---------------------------------------------------------------------------------------------
// Fake credential material used by the seed (and handy for tests). Clearly not real secrets.

const FAKE_CERTIFICATE_PEM =
  "-----BEGIN CERTIFICATE-----\nRU1VTEFUT1ItRkFLRS1DRVJUSUZJQ0FURS1OT1QtQS1SRUFMLUtFWQ==\n-----END CERTIFICATE-----\n";
const FAKE_PRIVATE_KEY_PEM =
  "-----BEGIN RSA PRIVATE KEY-----\nRU1VTEFUT1ItRkFLRS1QUklWQVRFLUtFWS1OT1QtQS1SRUFMLUtFWQ==\n-----END RSA PRIVATE KEY-----\n";
const FAKE_SERVICE_ACCOUNT = {
  type: "service_account",
  project_id: "emulator-demo-project",
  private_key_id: "0000000000000000000000000000000000000000",
  private_key: FAKE_PRIVATE_KEY_PEM.replace("RSA PRIVATE KEY", "PRIVATE KEY").replace("RSA PRIVATE KEY", "PRIVATE KEY"),
  client_email: "emulator-demo@emulator-demo-project.iam.gserviceaccount.com",
  client_id: "000000000000000000000",
};

/** Returns a valid-looking but fake `content` object for a credential type ("APN", "APN_SANDBOX", "FCM"). */
export function fakeCredentialContent(credentialType) {
  if (credentialType === "FCM") return { privateKey: btoa(JSON.stringify(FAKE_SERVICE_ACCOUNT)) };
  return { certificate: btoa(FAKE_CERTIFICATE_PEM), privateKey: btoa(FAKE_PRIVATE_KEY_PEM) };
}

export const SEED = Object.freeze({
  appName: "demo_app",
  apnToken: "5f2c0d8e9a1b3c4d6e7f80912a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d",
  fcmToken:
    "fDemoSeedInstallId01x:APA91bHk3YwQ9pLmN2sR7tVxZ0aB4cD6eF8gH1iJ3kL5mN7oP9qR_sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR6sT8uV0wX2yZ4aB6cD8eF0gH2iJ4kL6mN8oP0qR2sT4uV6wX8yZ0a-Bc",
});

// ---------------------------------------------------------------------------------------------
// Validation helpers shared by the handlers

function validateAppName(value, field, p, { required = true } = {}) {
  if (value === undefined || value === null) {
    if (required) p.add(field, "is required");
    return false;
  }
  if (
    typeof value !== "string" ||
    value.length < 1 ||
    value.length > LIMITS.appNameLength ||
    !APP_NAME_RE.test(value)
  ) {
    p.add(field, "must match ^[a-z0-9_]+$ and be 1 to 64 characters long");
    return false;
  }
  return true;
}

function validateEnum(value, field, allowed, p, { required = true } = {}) {
  if (value === undefined || value === null) {
    if (required) p.add(field, "is required");
    return false;
  }
  if (typeof value !== "string" || !allowed.includes(value)) {
    p.add(field, `must be one of ${allowed.join(", ")}`);
    return false;
  }
  return true;
}

function validateTokenString(value, field, p) {
  if (value === undefined || value === null) {
    p.add(field, "is required");
    return false;
  }
  if (typeof value !== "string" || value.length === 0 || value.length > LIMITS.tokenLength) {
    p.add(field, `must be a non-empty string of at most ${LIMITS.tokenLength} characters`);
    return false;
  }
  return true;
}

function validateTags(tags, field, p) {
  if (!isPlainObject(tags)) {
    p.add(field, "must be an object mapping tag names to string values");
    return false;
  }
  const keys = Object.keys(tags);
  let ok = true;
  if (keys.length > LIMITS.tags) {
    p.add(field, `must have at most ${LIMITS.tags} tags (got ${keys.length})`);
    ok = false;
  }
  for (const key of keys) {
    const f = `${field}.${clip(key, 40)}`;
    if (key.length < 1 || key.length > LIMITS.tagKeyLength) {
      p.add(f, `tag name must be 1 to ${LIMITS.tagKeyLength} characters long`);
      ok = false;
    }
    const value = tags[key];
    if (typeof value !== "string") {
      p.add(f, "tag value must be a string");
      ok = false;
    } else if (value.length > LIMITS.tagValueLength) {
      p.add(f, `tag value must be at most ${LIMITS.tagValueLength} characters long`);
      ok = false;
    }
  }
  return ok;
}

function validateCredentialContent(credentialType, content, p) {
  if (content === undefined || content === null) {
    p.add("content", "is required");
    return;
  }
  if (!isPlainObject(content)) {
    p.add("content", "must be an object");
    return;
  }
  if (credentialType === "APN" || credentialType === "APN_SANDBOX") {
    for (const key of ["certificate", "privateKey"]) {
      const field = `content.${key}`;
      const what = key === "certificate" ? "a PEM certificate" : "a PEM private key";
      if (content[key] === undefined || content[key] === null) {
        p.add(field, `is required (base64 of ${what})`);
        continue;
      }
      const text = decodeBase64Text(content[key]);
      if (text === null) p.add(field, `must be a base64 string (base64 of ${what})`);
      else if (!text.includes("-----BEGIN")) p.add(field, `must be base64 of ${what} (text starting with -----BEGIN)`);
    }
  } else if (credentialType === "FCM") {
    const field = "content.privateKey";
    if (content.privateKey === undefined || content.privateKey === null) {
      p.add(field, "is required (base64 of the whole Firebase service-account JSON file)");
      return;
    }
    const text = decodeBase64Text(content.privateKey);
    if (text === null) {
      p.add(field, "must be a base64 string (base64 of the whole Firebase service-account JSON file)");
      return;
    }
    let account;
    try {
      account = JSON.parse(text);
    } catch {
      account = undefined;
    }
    if (!isPlainObject(account)) {
      p.add(
        field,
        "must be base64 of the whole Firebase service-account JSON file (it did not decode to a JSON object)",
      );
      return;
    }
    if (account.type !== "service_account")
      p.add(field, 'the service-account JSON must have "type": "service_account"');
    for (const key of ["project_id", "private_key", "client_email"]) {
      if (typeof account[key] !== "string" || account[key].length === 0) {
        p.add(field, `the service-account JSON must have a non-empty "${key}"`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The emulator

/**
 * Creates an emulator instance.
 * @param {object} options
 * @param {{username: string, password: string}[]} options.credentials accepted Basic auth pairs
 * @param {() => number} [options.now] clock in milliseconds (default Date.now)
 * @param {number} [options.deliveryMs] base delay before a notification becomes final (default 400)
 * @param {string} [options.baseUrl] used in resourceLocation/operationLocation (default "https://comms.twilio.com/v1")
 * @param {() => number} [options.random] source of randomness in [0, 1) for IDs and fault seeds
 */
export function createEmulator(options = {}) {
  const credentials = options.credentials;
  if (!Array.isArray(credentials) || credentials.length === 0) {
    throw new TypeError("createEmulator: options.credentials must be a non-empty array of {username, password}");
  }
  for (const c of credentials) {
    if (!c || typeof c.username !== "string" || typeof c.password !== "string" || !c.username || !c.password) {
      throw new TypeError("createEmulator: each credential needs a non-empty username and password");
    }
  }
  const encoder = new TextEncoder();
  const expectedAuth = credentials.map((c) => encoder.encode(`${c.username}:${c.password}`));
  const now = typeof options.now === "function" ? () => Math.floor(options.now()) : () => Date.now();
  const deliveryMs = options.deliveryMs ?? 400;
  if (typeof deliveryMs !== "number" || !Number.isFinite(deliveryMs) || deliveryMs < 0) {
    throw new TypeError("createEmulator: options.deliveryMs must be a non-negative number");
  }
  const baseUrl = String(options.baseUrl ?? "https://comms.twilio.com/v1").replace(/\/+$/, "");
  const random = typeof options.random === "function" ? options.random : null;
  const newId = makeIdGenerator(now, random);
  const randomSeed = () => (random ? Math.floor(random() * 2 ** 32) : crypto.getRandomValues(new Uint32Array(1))[0]);

  let state = emptyState();
  let log = [];
  let logSeq = 0;
  let faults = emptyFaults();
  let counters = { sends: 0, requests: 0, faults: 0 };

  function emptyState() {
    return {
      seq: 0, // global creation counter: the order of every list and the basis of page cursors
      apps: new Map(), // name -> app
      defaultAppName: null,
      credentials: new Map(), // id -> credential (content is validated, never stored)
      users: new Map(), // id -> user
      registrations: new Map(), // id -> registration
      deviceIndex: new Map(), // `${app}\n${provider}\n${token}` -> registration id
      operations: new Map(), // id -> operation
      operationList: [], // operations in creation order
      notifications: new Map(), // id -> notification
      notificationList: [], // notifications in creation order
      unregistered: new Map(), // normalized token -> ms when it was marked unregistered
    };
  }

  function emptyFaults() {
    return {
      rate: 0,
      kinds: [...DEFAULT_RATE_KINDS],
      retryAfter: 1,
      slowMs: 1500,
      seed: null,
      next: [],
      match: null,
      prng: null,
    };
  }

  const nextSeq = () => ++state.seq;
  const deviceKey = (appName, provider, token) => `${appName}\n${provider}\n${token}`;
  const location = (collection, id) => `${baseUrl}/PushNotifications/${collection}/${encodeURIComponent(id)}`;

  function accepted(collection, id) {
    const url = location(collection, id);
    return jsonResponse(202, { resourceId: id, resourceLocation: url }, { Location: url });
  }

  // ---------------------------------------------------------------------------------------------
  // Views: records as the API returns them

  function viewApp(app) {
    const defaultCredentials = [];
    for (const type of CREDENTIAL_TYPES) {
      if (app.defaults[type]) defaultCredentials.push({ credentialType: type, credentialId: app.defaults[type] });
    }
    return {
      name: app.name,
      isDefault: state.defaultAppName === app.name,
      defaultCredentials,
      createdAt: isoSeconds(app.createdMs),
      updatedAt: isoSeconds(app.updatedMs),
    };
  }

  function isDefaultCredential(cred) {
    const app = state.apps.get(cred.appName);
    return !!app && app.defaults[cred.credentialType] === cred.id;
  }

  function viewCredential(cred) {
    const view = {
      id: cred.id,
      credentialType: cred.credentialType,
      isDefault: isDefaultCredential(cred),
      appName: cred.appName,
      createdAt: isoSeconds(cred.createdMs),
      updatedAt: isoSeconds(cred.updatedMs),
    };
    if (cred.tags) view.tags = { ...cred.tags };
    return view;
  }

  function viewUser(user) {
    return {
      id: user.id,
      createdAt: isoSeconds(user.createdMs),
      updatedAt: isoSeconds(user.updatedMs),
      deletedAt: null,
    };
  }

  function viewRegistration(reg) {
    return {
      id: reg.id,
      appName: reg.appName,
      userId: reg.userId,
      devices: reg.devices.map((d) => ({ token: d.token, provider: d.provider, createdAt: isoSeconds(d.createdMs) })),
      related: [{ name: "user", id: reg.userId, uri: `/PushNotifications/Users/${reg.userId}` }],
      createdAt: isoSeconds(reg.createdMs),
      updatedAt: isoSeconds(reg.updatedMs),
    };
  }

  /**
   * The status of a notification at time `t`. Pure: the outcome depends only on the record, on
   * when its token was marked unregistered, and on `t`, so reading never changes anything.
   */
  function notificationState(n, t) {
    if (n.immediateFailure) return { status: "FAILED", failureReason: n.immediateFailure, updatedMs: n.createdMs };
    if (t < n.dueMs) return { status: "QUEUED", failureReason: null, updatedMs: n.createdMs };
    let reason = n.formatFailure;
    if (!reason) {
      const markedAt = state.unregistered.get(normalizeHexToken(n.token));
      if (markedAt !== undefined && markedAt <= n.dueMs) reason = "Unregistered";
    }
    return reason
      ? { status: "FAILED", failureReason: reason, updatedMs: n.dueMs }
      : { status: "SENT", failureReason: null, updatedMs: n.dueMs };
  }

  function viewNotification(n, t = now()) {
    const s = notificationState(n, t);
    const view = {
      id: n.id,
      operationId: n.operationId,
      to: { token: n.token, provider: n.provider },
    };
    if (n.userId) view.userId = n.userId;
    view.from = n.credentialId ? { [n.provider === "APN" ? "apn" : "fcm"]: n.credentialId } : {};
    view.content = { ...n.content };
    view.priority = n.priority;
    view.sound = n.sound;
    view.tags = { ...n.tags };
    view.status = s.status;
    view.failureReason = s.failureReason;
    view.createdAt = isoSeconds(n.createdMs);
    view.updatedAt = isoSeconds(s.updatedMs);
    view.related = [{ name: "operation", id: n.operationId, uri: `/PushNotifications/Operations/${n.operationId}` }];
    return view;
  }

  function operationSummary(op, t) {
    let queued = 0;
    let sent = 0;
    let failed = 0;
    let updatedMs = op.createdMs;
    for (const n of op.notifications) {
      const s = notificationState(n, t);
      if (s.status === "QUEUED") queued++;
      else if (s.status === "SENT") sent++;
      else failed++;
      if (s.updatedMs > updatedMs) updatedMs = s.updatedMs;
    }
    return { status: queued > 0 ? "PROCESSING" : "COMPLETED", queued, sent, failed, updatedMs };
  }

  function viewOperation(op, t = now()) {
    const s = operationSummary(op, t);
    return {
      id: op.id,
      status: s.status,
      stats: {
        total: op.total,
        recipients: op.notifications.length,
        unaddressable: op.unaddressable,
        scheduled: 0,
        queued: s.queued,
        sent: s.sent,
        failed: s.failed,
        canceled: 0,
      },
      createdAt: isoSeconds(op.createdMs),
      updatedAt: isoSeconds(s.updatedMs),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Pagination

  function encodeCursor(kind, after, pageSize) {
    return base64UrlEncode(JSON.stringify({ c: kind, a: after, s: pageSize }));
  }

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
      p.add(
        "pageToken",
        "is not a page token issued by this list (use pagination.next or pagination.self as returned)",
      );
      return null;
    }
    return cursor;
  }

  /** Reads pageSize and pageToken; returns {after, pageSize}. Problems go into `p`. */
  function readPaging(query, kind, p) {
    let pageSize = null;
    const rawSize = query.get("pageSize");
    if (rawSize !== null && rawSize !== "") {
      const n = /^\d{1,7}$/.test(rawSize) ? Number(rawSize) : NaN;
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
   * One page of `items` (sorted by ascending `seq`), walking forwards or, for newest-first lists,
   * backwards. Binary search finds the cursor so deep pages of large lists stay cheap.
   */
  function page(kind, items, paging, { newestFirst = false, filter = null, view }) {
    const { after, pageSize } = paging;
    let i;
    if (after === null) {
      i = newestFirst ? items.length - 1 : 0;
    } else {
      let lo = 0;
      let hi = items.length; // first index with seq > after
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (items[mid].seq > after) hi = mid;
        else lo = mid + 1;
      }
      i = newestFirst ? lo - 1 : lo;
      if (newestFirst && i >= 0 && items[i].seq === after) i -= 1;
    }
    const step = newestFirst ? -1 : 1;
    const out = [];
    let more = false;
    for (; i >= 0 && i < items.length; i += step) {
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

  function readDate(query, name, p) {
    const raw = query.get(name);
    if (raw === null || raw === "") return null;
    const ms = ISO_DATE_RE.test(raw) ? Date.parse(raw) : NaN;
    if (Number.isNaN(ms)) {
      p.add(name, "must be an ISO 8601 date-time such as 2024-01-15T09:30:00Z");
      return null;
    }
    return ms;
  }

  function readDateRange(query, p) {
    const start = readDate(query, "startDate", p);
    const end = readDate(query, "endDate", p);
    if (start !== null && end !== null && start > end) p.add("endDate", "must not be before startDate");
    return (createdMs) => {
      const c = floorToSecond(createdMs);
      return (start === null || c >= start) && (end === null || c <= end);
    };
  }

  function readBoolean(query, name, p) {
    const raw = query.get(name);
    if (raw === null || raw === "") return null;
    if (raw === "true") return true;
    if (raw === "false") return false;
    p.add(name, "must be true or false");
    return null;
  }

  function readEnum(query, name, allowed, p) {
    const raw = query.get(name);
    if (raw === null || raw === "") return null;
    if (!allowed.includes(raw)) {
      p.add(name, `must be one of ${allowed.join(", ")}`);
      return null;
    }
    return raw;
  }

  // ---------------------------------------------------------------------------------------------
  // State changes shared by handlers and the seed

  function createApp(name) {
    const t = now();
    const app = {
      seq: nextSeq(),
      name,
      createdMs: t,
      updatedMs: t,
      defaults: { APN: null, APN_SANDBOX: null, FCM: null },
      credentialIds: new Set(),
      registrationIds: new Set(),
    };
    state.apps.set(name, app);
    // The first app ever (or the first after every app was deleted) becomes the default app.
    if (state.defaultAppName === null) state.defaultAppName = name;
    return app;
  }

  function setDefaultApp(name) {
    const t = now();
    const previous = state.defaultAppName && state.apps.get(state.defaultAppName);
    if (previous && previous.name !== name) previous.updatedMs = t;
    state.defaultAppName = name;
    state.apps.get(name).updatedMs = t;
  }

  function setDefaultCredential(app, cred) {
    const t = now();
    const previousId = app.defaults[cred.credentialType];
    if (previousId === cred.id) return;
    const previous = previousId && state.credentials.get(previousId);
    if (previous) previous.updatedMs = t;
    app.defaults[cred.credentialType] = cred.id;
    app.updatedMs = t;
    cred.updatedMs = t;
  }

  function createCredentialRecord({ credentialType, appName, isDefault, tags }) {
    const app = state.apps.get(appName) ?? createApp(appName);
    const t = now();
    const cred = {
      seq: nextSeq(),
      id: newId(ID_PREFIXES.credential),
      credentialType,
      appName,
      tags: tags && Object.keys(tags).length ? { ...tags } : null,
      createdMs: t,
      updatedMs: t,
    };
    state.credentials.set(cred.id, cred);
    app.credentialIds.add(cred.id);
    app.updatedMs = t;
    // The first credential of a type becomes the app's default of that type automatically.
    if (isDefault || !app.defaults[credentialType]) setDefaultCredential(app, cred);
    return cred;
  }

  function createUser() {
    const t = now();
    const user = { seq: nextSeq(), id: newId(ID_PREFIXES.user), createdMs: t, updatedMs: t, registrations: new Map() };
    state.users.set(user.id, user);
    return user;
  }

  /** Adds a device to the user's registration for the app, creating the registration if needed. */
  function addDevice(user, app, token, provider) {
    const t = now();
    let reg = state.registrations.get(user.registrations.get(app.name));
    if (!reg) {
      reg = {
        seq: nextSeq(),
        id: newId(ID_PREFIXES.deviceRegistration),
        appName: app.name,
        userId: user.id,
        devices: [],
        createdMs: t,
        updatedMs: t,
      };
      state.registrations.set(reg.id, reg);
      user.registrations.set(app.name, reg.id);
      app.registrationIds.add(reg.id);
    }
    reg.devices.push({ token, provider, createdMs: t });
    reg.updatedMs = t;
    user.updatedMs = t;
    state.deviceIndex.set(deviceKey(app.name, provider, token), reg.id);
    return reg;
  }

  function removeRegistration(reg) {
    for (const d of reg.devices) state.deviceIndex.delete(deviceKey(reg.appName, d.provider, d.token));
    const user = state.users.get(reg.userId);
    if (user && user.registrations.get(reg.appName) === reg.id) {
      user.registrations.delete(reg.appName);
      user.updatedMs = now();
    }
    const app = state.apps.get(reg.appName);
    if (app) app.registrationIds.delete(reg.id);
    state.registrations.delete(reg.id);
  }

  function deleteApp(app) {
    for (const regId of [...app.registrationIds]) {
      const reg = state.registrations.get(regId);
      if (reg) removeRegistration(reg);
    }
    state.apps.delete(app.name);
    if (state.defaultAppName === app.name) {
      // Keep the account usable: the oldest remaining app becomes the default.
      const next = state.apps.values().next();
      state.defaultAppName = null;
      if (!next.done) setDefaultApp(next.value.name);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers: PushNotifications and Operations

  function resolveSender(from, p) {
    // Returns { app, apn, fcm } where apn/fcm are credentials given in `from` (or null).
    if (from === undefined || from === null) {
      const app = state.defaultAppName ? state.apps.get(state.defaultAppName) : null;
      if (!app) p.add("from", "was omitted but no app exists yet: create a credential first or give from.appName");
      return { app, apn: null, fcm: null };
    }
    if (!isPlainObject(from)) {
      p.add("from", "must be an object {apn?, fcm?} of credential IDs or {appName}");
      return { app: null, apn: null, fcm: null };
    }
    const hasApp = from.appName !== undefined;
    const hasCred = from.apn !== undefined || from.fcm !== undefined;
    if (hasApp && hasCred) {
      p.add("from", "must be either {apn?, fcm?} (credential IDs) or {appName}, not both");
      return { app: null, apn: null, fcm: null };
    }
    if (hasApp) {
      if (!validateAppName(from.appName, "from.appName", p)) return { app: null, apn: null, fcm: null };
      const app = state.apps.get(from.appName);
      if (!app) p.add("from.appName", `app "${from.appName}" does not exist`);
      return { app: app ?? null, apn: null, fcm: null };
    }
    if (!hasCred) {
      p.add("from", "must name at least one credential (apn, fcm) or an appName");
      return { app: null, apn: null, fcm: null };
    }
    const pick = (key, types, label) => {
      const id = from[key];
      if (id === undefined) return null;
      if (typeof id !== "string" || id.length === 0) {
        p.add(`from.${key}`, "must be a credential ID string");
        return null;
      }
      const cred = state.credentials.get(id);
      if (!cred) {
        p.add(`from.${key}`, `credential ${clip(id)} does not exist`);
        return null;
      }
      if (!types.includes(cred.credentialType)) {
        p.add(`from.${key}`, `credential ${id} has type ${cred.credentialType}, expected ${label}`);
        return null;
      }
      return cred;
    };
    const apn = pick("apn", ["APN", "APN_SANDBOX"], "APN or APN_SANDBOX");
    const fcm = pick("fcm", ["FCM"], "FCM");
    if (apn && fcm && apn.appName !== fcm.appName) {
      p.add("from", `credentials belong to different apps (${apn.appName}, ${fcm.appName}); one send uses one app`);
    }
    const cred = apn ?? fcm;
    return { app: cred ? state.apps.get(cred.appName) : null, apn, fcm };
  }

  function validateRecipient(r, field, p) {
    if (!isPlainObject(r)) {
      p.add(field, "must be an object {token, provider} or {userId}");
      return;
    }
    const hasUser = r.userId !== undefined;
    const hasToken = r.token !== undefined || r.provider !== undefined;
    if (hasUser && hasToken) {
      p.add(field, "must be either {token, provider} or {userId}, not both");
    } else if (hasUser) {
      if (typeof r.userId !== "string" || r.userId.length === 0) p.add(`${field}.userId`, "must be a non-empty string");
    } else if (hasToken) {
      validateTokenString(r.token, `${field}.token`, p);
      validateEnum(r.provider, `${field}.provider`, PROVIDERS, p);
    } else {
      p.add(field, "must be either {token, provider} or {userId}");
    }
  }

  function sendNotifications({ body }) {
    const p = new Problems();
    const to = body.to;
    if (to === undefined || to === null) p.add("to", "is required");
    else if (!Array.isArray(to)) p.add("to", "must be an array of recipients");
    else if (to.length === 0) p.add("to", "must contain at least 1 recipient");
    else if (to.length > LIMITS.recipientsPerSend) {
      p.add("to", `must contain at most ${LIMITS.recipientsPerSend} recipients (got ${to.length})`);
    } else {
      for (let i = 0; i < to.length; i++) validateRecipient(to[i], `to[${i}]`, p);
    }

    const content = body.content;
    if (content === undefined || content === null) p.add("content", "is required");
    else if (!isPlainObject(content)) p.add("content", "must be an object {title?, body?}");
    else {
      for (const key of ["title", "body"]) {
        if (content[key] !== undefined && content[key] !== null && typeof content[key] !== "string") {
          p.add(`content.${key}`, "must be a string");
        }
      }
      const nonEmpty = (v) => typeof v === "string" && v.length > 0;
      if (!nonEmpty(content.title) && !nonEmpty(content.body)) {
        p.add("content", "must have a non-empty title or body");
      }
    }
    const priority = body.priority ?? "HIGH";
    validateEnum(priority, "priority", PRIORITIES, p);
    if (body.sound !== undefined && body.sound !== null && typeof body.sound !== "string") {
      p.add("sound", "must be a string or null");
    }
    if (body.tags !== undefined && body.tags !== null) validateTags(body.tags, "tags", p);
    const sender = resolveSender(body.from, p);
    p.throwIfAny();

    const app = sender.app;
    const apnCredentialId = sender.apn?.id ?? app.defaults.APN ?? app.defaults.APN_SANDBOX ?? null;
    const fcmCredentialId = sender.fcm?.id ?? app.defaults.FCM ?? null;
    const t = now();
    const op = {
      seq: nextSeq(),
      id: newId(ID_PREFIXES.operation),
      createdMs: t,
      total: to.length,
      unaddressable: 0,
      appName: app.name,
      notifications: [],
    };
    const sharedContent = {};
    if (typeof content.title === "string") sharedContent.title = content.title;
    if (typeof content.body === "string") sharedContent.body = content.body;
    const tags = body.tags ? { ...body.tags } : {};
    const sound = body.sound ?? null;

    const makeNotification = (token, provider, userId) => {
      const index = op.notifications.length;
      const credentialId = provider === "APN" ? apnCredentialId : fcmCredentialId;
      let formatFailure = null;
      if (provider === "APN" && !isValidApnHex(token)) formatFailure = "BadDeviceToken";
      else if (provider === "FCM" && token.length === 64 && HEX_RE.test(token)) formatFailure = "InvalidRegistration";
      const n = {
        seq: nextSeq(),
        id: newId(ID_PREFIXES.pushNotification),
        operationId: op.id,
        token,
        provider,
        userId,
        credentialId,
        content: sharedContent,
        priority,
        sound,
        tags,
        createdMs: t,
        // Staggered so that a batch finishes over a short span instead of all at once.
        dueMs: t + deliveryMs * (1 + (index % 3) / 2),
        immediateFailure: credentialId ? null : "NoCredential",
        formatFailure,
      };
      op.notifications.push(n);
      state.notifications.set(n.id, n);
      state.notificationList.push(n);
    };

    for (const r of to) {
      if (r.userId !== undefined) {
        const user = state.users.get(r.userId);
        const reg = user && state.registrations.get(user.registrations.get(app.name));
        if (!reg || reg.devices.length === 0) {
          op.unaddressable += 1;
          continue;
        }
        for (const d of reg.devices) makeNotification(d.token, d.provider, user.id);
      } else {
        makeNotification(r.token, r.provider, null);
      }
    }
    state.operations.set(op.id, op);
    state.operationList.push(op);
    const url = location("Operations", op.id);
    return jsonResponse(202, { operationId: op.id, operationLocation: url }, { Location: url });
  }

  function listNotifications({ query }) {
    const p = new Problems();
    const paging = readPaging(query, "pushNotifications", p);
    const status = readEnum(query, "status", NOTIFICATION_STATUSES, p);
    const provider = readEnum(query, "provider", PROVIDERS, p);
    const inRange = readDateRange(query, p);
    const operationId = query.get("operationId") || null;
    const user = query.get("user") || null;
    let tagFilter = null;
    const rawTags = query.get("tags");
    if (rawTags) {
      tagFilter = [];
      for (const part of rawTags.split(";")) {
        if (part === "") continue;
        const colon = part.indexOf(":");
        if (colon <= 0) {
          p.add("tags", "must be key:value pairs separated by semicolons, e.g. key_1:value;key_2:value;");
          break;
        }
        tagFilter.push([part.slice(0, colon), part.slice(colon + 1)]);
      }
    }
    p.throwIfAny();
    const t = now();
    // With an operationId the candidates are that operation's notifications only (no full scan).
    const items = operationId ? (state.operations.get(operationId)?.notifications ?? []) : state.notificationList;
    const filter = (n) =>
      (!provider || n.provider === provider) &&
      (!user || n.userId === user) &&
      inRange(n.createdMs) &&
      (!tagFilter || tagFilter.every(([k, v]) => n.tags[k] === v)) &&
      (!status || notificationState(n, t).status === status);
    return page("pushNotifications", items, paging, { newestFirst: true, filter, view: (n) => viewNotification(n, t) });
  }

  function fetchNotification({ params }) {
    const n = state.notifications.get(params.id);
    if (!n) throw new ApiError(404, `PushNotification ${clip(params.id)} was not found`);
    return jsonResponse(200, viewNotification(n));
  }

  function listOperations({ query }) {
    const p = new Problems();
    const paging = readPaging(query, "operations", p);
    const status = readEnum(query, "status", OPERATION_STATUSES, p);
    const inRange = readDateRange(query, p);
    p.throwIfAny();
    const t = now();
    const filter = (op) => inRange(op.createdMs) && (!status || operationSummary(op, t).status === status);
    return page("operations", state.operationList, paging, {
      newestFirst: true,
      filter,
      view: (op) => viewOperation(op, t),
    });
  }

  function fetchOperation({ params }) {
    const op = state.operations.get(params.id);
    if (!op) throw new ApiError(404, `Operation ${clip(params.id)} was not found`);
    return jsonResponse(200, viewOperation(op));
  }

  function listOperationErrors({ params, query }) {
    const op = state.operations.get(params.id);
    if (!op) throw new ApiError(404, `Operation ${clip(params.id)} was not found`);
    const p = new Problems();
    const paging = readPaging(query, "errors", p);
    p.throwIfAny();
    const t = now();
    const filter = (n) => notificationState(n, t).status === "FAILED";
    return page("errors", op.notifications, paging, { filter, view: (n) => viewNotification(n, t) });
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers: DeviceRegistrations and Users

  function registerDevice({ body }) {
    const p = new Problems();
    validateAppName(body.appName, "appName", p);
    const providerOk = validateEnum(body.provider, "provider", PROVIDERS, p);
    const tokenOk = validateTokenString(body.token, "token", p);
    if (providerOk && tokenOk) {
      if (body.provider === "APN" && !isValidApnHex(body.token)) {
        p.add("token", "must be an APNs device token: 64 to 200 hex digits (an even count)");
      } else if (body.provider === "FCM" && !FCM_TOKEN_RE.test(body.token)) {
        p.add("token", "must be an FCM registration token: only letters, digits, '_', '-' and ':'");
      }
    }
    if (body.userId !== undefined && body.userId !== null && (typeof body.userId !== "string" || body.userId === "")) {
      p.add("userId", "must be a non-empty string");
    }
    if (!p.any && !state.apps.has(body.appName)) {
      p.add("appName", `app "${body.appName}" does not exist; create a credential for it first`);
    }
    p.throwIfAny();

    const app = state.apps.get(body.appName);
    const provider = body.provider;
    const token = provider === "APN" ? body.token.toLowerCase() : body.token;
    const userId = body.userId ?? null;
    const user = userId ? state.users.get(userId) : null;
    if (userId && !user) throw new ApiError(404, `User ${clip(userId)} was not found`);

    const existing = state.registrations.get(state.deviceIndex.get(deviceKey(app.name, provider, token)));
    if (existing) {
      // Idempotent: registering a known device again changes nothing...
      if (!user || user.id === existing.userId) return accepted("DeviceRegistrations", existing.id);
      // ...unless another user claims it: the device moves to that user's registration.
      const target = state.registrations.get(user.registrations.get(app.name));
      if (target && target.devices.length >= LIMITS.devicesPerRegistration) {
        throw new ApiError(400, `Registration ${target.id} already has ${LIMITS.devicesPerRegistration} devices`, [
          {
            field: "token",
            message: `the user's registration for this app already has the maximum of ${LIMITS.devicesPerRegistration} devices`,
          },
        ]);
      }
      const index = existing.devices.findIndex((d) => d.provider === provider && d.token === token);
      existing.devices.splice(index, 1);
      state.deviceIndex.delete(deviceKey(app.name, provider, token));
      if (existing.devices.length === 0) {
        // A registration holds 1 to 50 devices, so an emptied one goes away (its user remains).
        removeRegistration(existing);
      } else {
        existing.updatedMs = now();
      }
      const reg = addDevice(user, app, token, provider);
      return accepted("DeviceRegistrations", reg.id);
    }

    if (user) {
      const reg = state.registrations.get(user.registrations.get(app.name));
      if (reg && reg.devices.length >= LIMITS.devicesPerRegistration) {
        throw new ApiError(400, `Registration ${reg.id} already has ${LIMITS.devicesPerRegistration} devices`, [
          {
            field: "token",
            message: `the user's registration for this app already has the maximum of ${LIMITS.devicesPerRegistration} devices`,
          },
        ]);
      }
    }
    const reg = addDevice(user ?? createUser(), app, token, provider);
    return accepted("DeviceRegistrations", reg.id);
  }

  function listRegistrations({ query }) {
    const p = new Problems();
    const paging = readPaging(query, "deviceRegistrations", p);
    const userId = query.get("userId");
    if (!userId) p.add("userId", "is required");
    const appName = query.get("appName");
    if (appName) validateAppName(appName, "appName", p);
    p.throwIfAny();
    const user = state.users.get(userId);
    const items = user
      ? [...user.registrations.values()]
          .map((id) => state.registrations.get(id))
          .filter((reg) => reg && (!appName || reg.appName === appName))
          .sort((a, b) => a.seq - b.seq)
      : [];
    return page("deviceRegistrations", items, paging, { view: viewRegistration });
  }

  function fetchRegistration({ params }) {
    const reg = state.registrations.get(params.id);
    if (!reg) throw new ApiError(404, `DeviceRegistration ${clip(params.id)} was not found`);
    return jsonResponse(200, viewRegistration(reg));
  }

  function deleteRegistration({ params }) {
    const reg = state.registrations.get(params.id);
    if (!reg) throw new ApiError(404, `DeviceRegistration ${clip(params.id)} was not found`);
    removeRegistration(reg);
    return accepted("DeviceRegistrations", reg.id);
  }

  function listUsers({ query }) {
    const p = new Problems();
    const paging = readPaging(query, "users", p);
    p.throwIfAny();
    return page("users", [...state.users.values()], paging, { view: viewUser });
  }

  function fetchUser({ params }) {
    const user = state.users.get(params.id);
    if (!user) throw new ApiError(404, `User ${clip(params.id)} was not found`);
    return jsonResponse(200, viewUser(user));
  }

  function deleteUser({ params }) {
    const user = state.users.get(params.id);
    if (!user) throw new ApiError(404, `User ${clip(params.id)} was not found`);
    for (const regId of [...user.registrations.values()]) {
      const reg = state.registrations.get(regId);
      if (reg) removeRegistration(reg);
    }
    state.users.delete(user.id);
    return accepted("Users", user.id);
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers: Credentials and Apps

  function createCredential({ body }) {
    const p = new Problems();
    const typeOk = validateEnum(body.credentialType, "credentialType", CREDENTIAL_TYPES, p);
    const nameOk = validateAppName(body.appName, "appName", p);
    if (typeOk) validateCredentialContent(body.credentialType, body.content, p);
    else if (body.content === undefined || body.content === null) p.add("content", "is required");
    if (body.isDefault !== undefined && body.isDefault !== null && typeof body.isDefault !== "boolean") {
      p.add("isDefault", "must be a boolean");
    }
    if (body.tags !== undefined && body.tags !== null) validateTags(body.tags, "tags", p);
    if (nameOk) {
      const app = state.apps.get(body.appName);
      if (!app && state.apps.size >= LIMITS.apps) {
        p.add(
          "appName",
          `cannot create app "${body.appName}": the account already has the maximum of ${LIMITS.apps} apps`,
        );
      } else if (app && app.credentialIds.size >= LIMITS.credentialsPerApp) {
        p.add("appName", `app "${body.appName}" already has the maximum of ${LIMITS.credentialsPerApp} credentials`);
      }
    }
    p.throwIfAny();
    const cred = createCredentialRecord({
      credentialType: body.credentialType,
      appName: body.appName,
      isDefault: body.isDefault === true,
      tags: body.tags ?? null,
    });
    return accepted("Credentials", cred.id);
  }

  function listCredentials({ query }) {
    const p = new Problems();
    const paging = readPaging(query, "credentials", p);
    const appName = query.get("appName");
    if (appName) validateAppName(appName, "appName", p);
    const credentialType = readEnum(query, "credentialType", CREDENTIAL_TYPES, p);
    const isDefault = readBoolean(query, "isDefault", p);
    const inRange = readDateRange(query, p);
    p.throwIfAny();
    const filter = (c) =>
      (!appName || c.appName === appName) &&
      (!credentialType || c.credentialType === credentialType) &&
      (isDefault === null || isDefaultCredential(c) === isDefault) &&
      inRange(c.createdMs);
    return page("credentials", [...state.credentials.values()], paging, { filter, view: viewCredential });
  }

  function fetchCredential({ params }) {
    const cred = state.credentials.get(params.id);
    if (!cred) throw new ApiError(404, `Credential ${clip(params.id)} was not found`);
    return jsonResponse(200, viewCredential(cred));
  }

  function updateCredential({ params, body }) {
    const cred = state.credentials.get(params.id);
    if (!cred) throw new ApiError(404, `Credential ${clip(params.id)} was not found`);
    const p = new Problems();
    for (const key of ["content", "credentialType", "appName"]) {
      if (body[key] !== undefined) p.add(key, "cannot be changed; create a new credential instead");
    }
    const hasDefault = body.isDefault !== undefined && body.isDefault !== null;
    const hasTags = body.tags !== undefined;
    if (hasDefault && typeof body.isDefault !== "boolean") p.add("isDefault", "must be a boolean");
    if (hasTags && body.tags !== null) validateTags(body.tags, "tags", p);
    if (!hasDefault && !hasTags && !p.any) p.add("body", "must contain isDefault or tags");
    p.throwIfAny();
    const app = state.apps.get(cred.appName);
    const t = now();
    if (body.isDefault === true) setDefaultCredential(app, cred);
    else if (body.isDefault === false && app.defaults[cred.credentialType] === cred.id) {
      // Unsetting leaves the app without a default of this type (sends then fail with NoCredential).
      app.defaults[cred.credentialType] = null;
      app.updatedMs = t;
    }
    if (hasTags) cred.tags = body.tags && Object.keys(body.tags).length ? { ...body.tags } : null;
    cred.updatedMs = t;
    return accepted("Credentials", cred.id);
  }

  function deleteCredential({ params }) {
    const cred = state.credentials.get(params.id);
    if (!cred) throw new ApiError(404, `Credential ${clip(params.id)} was not found`);
    const app = state.apps.get(cred.appName);
    state.credentials.delete(cred.id);
    app.credentialIds.delete(cred.id);
    app.updatedMs = now();
    if (app.credentialIds.size === 0) {
      // Documented cascade: deleting an app's last credential deletes the app and its registrations.
      deleteApp(app);
    } else if (app.defaults[cred.credentialType] === cred.id) {
      // Keep sends working: the oldest remaining credential of the same type becomes the default.
      app.defaults[cred.credentialType] = null;
      for (const id of app.credentialIds) {
        const other = state.credentials.get(id);
        if (other.credentialType === cred.credentialType) {
          setDefaultCredential(app, other);
          break;
        }
      }
    }
    return accepted("Credentials", cred.id);
  }

  function listApps({ query }) {
    const p = new Problems();
    const paging = readPaging(query, "apps", p);
    const isDefault = readBoolean(query, "isDefault", p);
    const inRange = readDateRange(query, p);
    p.throwIfAny();
    const filter = (app) =>
      (isDefault === null || (state.defaultAppName === app.name) === isDefault) && inRange(app.createdMs);
    return page("apps", [...state.apps.values()], paging, { filter, view: viewApp });
  }

  function fetchApp({ params }) {
    const app = state.apps.get(params.id);
    if (!app) throw new ApiError(404, `App ${clip(params.id)} was not found`);
    return jsonResponse(200, viewApp(app));
  }

  function updateApp({ params, body }) {
    const app = state.apps.get(params.id);
    if (!app) throw new ApiError(404, `App ${clip(params.id)} was not found`);
    const p = new Problems();
    if (body.isDefault === undefined || body.isDefault === null) p.add("isDefault", "is required");
    else if (typeof body.isDefault !== "boolean") p.add("isDefault", "must be a boolean");
    else if (body.isDefault === false && state.defaultAppName === app.name) {
      p.add("isDefault", "cannot be false for the default app; make another app the default instead");
    }
    p.throwIfAny();
    if (body.isDefault === true) setDefaultApp(app.name);
    return accepted("Apps", app.name);
  }

  // ---------------------------------------------------------------------------------------------
  // Routing

  // More specific routes first: `PushNotifications/:id` must not swallow the literal collections.
  const ROUTES = [
    [["PushNotifications"], { GET: listNotifications, POST: sendNotifications }],
    [["PushNotifications", "Operations"], { GET: listOperations }],
    [["PushNotifications", "Operations", ":id"], { GET: fetchOperation }],
    [["PushNotifications", "Operations", ":id", "Errors"], { GET: listOperationErrors }],
    [["PushNotifications", "DeviceRegistrations"], { GET: listRegistrations, POST: registerDevice }],
    [["PushNotifications", "DeviceRegistrations", ":id"], { GET: fetchRegistration, DELETE: deleteRegistration }],
    [["PushNotifications", "Credentials"], { GET: listCredentials, POST: createCredential }],
    [
      ["PushNotifications", "Credentials", ":id"],
      { GET: fetchCredential, PATCH: updateCredential, DELETE: deleteCredential },
    ],
    [["PushNotifications", "Apps"], { GET: listApps }],
    [["PushNotifications", "Apps", ":id"], { GET: fetchApp, PATCH: updateApp }],
    [["PushNotifications", "Users"], { GET: listUsers }],
    [["PushNotifications", "Users", ":id"], { GET: fetchUser, DELETE: deleteUser }],
    [["PushNotifications", ":id"], { GET: fetchNotification }],
  ];

  function matchRoute(segments) {
    for (const [pattern, methods] of ROUTES) {
      if (pattern.length !== segments.length) continue;
      const params = {};
      let ok = true;
      for (let i = 0; i < pattern.length; i++) {
        if (pattern[i].startsWith(":")) {
          if (segments[i] === "") {
            ok = false;
            break;
          }
          params[pattern[i].slice(1)] = segments[i];
        } else if (pattern[i] !== segments[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return { methods, params };
    }
    return null;
  }

  function authenticate(request) {
    const header = request.headers.get("Authorization") || "";
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) return false;
    let decoded;
    try {
      decoded = atob(match[1]);
    } catch {
      return false;
    }
    // atob yields one char per byte; compare those bytes with the UTF-8 bytes of each pair.
    const given = Uint8Array.from(decoded, (ch) => ch.charCodeAt(0));
    let ok = 0;
    for (const expected of expectedAuth) ok |= constantTimeEqual(given, expected) ? 1 : 0; // no early exit
    return ok === 1;
  }

  async function readJsonObject(request) {
    const type = (request.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") {
      throw new ApiError(400, "The request body must be JSON sent with Content-Type: application/json");
    }
    const text = await request.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "The request body is not valid JSON");
    }
    if (!isPlainObject(body)) throw new ApiError(400, "The request body must be a JSON object");
    return body;
  }

  async function routeApi(request, url) {
    if (!authenticate(request)) {
      throw new ApiError(
        401,
        "Authentication failed: send HTTP Basic credentials (account SID or API key, and secret)",
      );
    }
    let segments;
    try {
      segments = url.pathname.slice("/v1/".length).split("/").map(decodeURIComponent);
    } catch {
      segments = null;
    }
    const route = segments && url.pathname.startsWith("/v1/") ? matchRoute(segments) : null;
    if (!route) throw new ApiError(404, `No resource at ${clip(url.pathname, 120)}`);
    const handler = route.methods[request.method];
    if (!handler) {
      const allow = Object.keys(route.methods).join(", ");
      throw new ApiError(
        405,
        `Method not allowed: ${request.method} ${clip(url.pathname, 120)} (allowed: ${allow})`,
        undefined,
        {
          Allow: allow,
        },
      );
    }
    if (handler === sendNotifications) counters.sends += 1;
    const ctx = { request, url, params: route.params, query: url.searchParams, body: null };
    if (request.method === "POST" || request.method === "PATCH") ctx.body = await readJsonObject(request);
    return handler(ctx);
  }

  // ---------------------------------------------------------------------------------------------
  // Faults

  function faultMatches(method, path) {
    const m = faults.match;
    if (!m) return true;
    if (m.method && m.method.toUpperCase() !== method) return false;
    if (m.pathPrefix && !path.startsWith(m.pathPrefix)) return false;
    return true;
  }

  /** Decides the fault for a /v1 request before it touches state. Returns a kind or null. */
  function decideFault(request, method, path) {
    const header = request.headers.get("X-Emulator-Fault");
    if (header !== null && header !== "") {
      const kind = header.trim();
      if (!FAULT_KINDS.includes(kind)) {
        throw new ApiError(400, `X-Emulator-Fault must be one of ${FAULT_KINDS.join(", ")}`);
      }
      return kind;
    }
    if (!faultMatches(method, path)) return null;
    if (faults.next.length > 0) return faults.next.shift();
    if (faults.rate > 0 && faults.prng() < faults.rate) {
      return faults.kinds[Math.floor(faults.prng() * faults.kinds.length)];
    }
    return null;
  }

  function faultResponse(kind) {
    if (kind === "429") {
      return errorResponse(
        429,
        "Too many requests. Please retry according to the Retry-After response header.",
        undefined,
        {
          "Retry-After": String(faults.retryAfter),
        },
      );
    }
    if (kind === "503") {
      return errorResponse(
        503,
        "Service temporarily unavailable. Please retry according to the Retry-After response header.",
        undefined,
        {
          "Retry-After": String(faults.retryAfter),
        },
      );
    }
    return errorResponse(500, "Internal server error (injected by the emulator). Do not retry blindly.");
  }

  function configureFaults(body) {
    const p = new Problems();
    const next = emptyFaults();
    if (body.rate !== undefined) {
      if (typeof body.rate !== "number" || !(body.rate >= 0 && body.rate <= 1))
        p.add("rate", "must be a number from 0 to 1");
      else next.rate = body.rate;
    }
    const kindList = (value, field) => {
      if (!Array.isArray(value) || value.some((k) => !FAULT_KINDS.includes(k))) {
        p.add(field, `must be an array of fault kinds: ${FAULT_KINDS.join(", ")}`);
        return null;
      }
      return [...value];
    };
    if (body.kinds !== undefined) {
      const kinds = kindList(body.kinds, "kinds");
      if (kinds && kinds.length === 0) p.add("kinds", "must not be empty");
      else if (kinds) next.kinds = kinds;
    }
    if (body.next !== undefined) next.next = kindList(body.next, "next") ?? [];
    if (body.retryAfter !== undefined) {
      if (!Number.isInteger(body.retryAfter) || body.retryAfter < 0)
        p.add("retryAfter", "must be a non-negative integer (seconds)");
      else next.retryAfter = body.retryAfter;
    }
    if (body.slowMs !== undefined) {
      if (!Number.isInteger(body.slowMs) || body.slowMs < 0 || body.slowMs > 60000)
        p.add("slowMs", "must be an integer from 0 to 60000");
      else next.slowMs = body.slowMs;
    }
    if (body.seed !== undefined) {
      if (!Number.isInteger(body.seed)) p.add("seed", "must be an integer");
      else next.seed = body.seed;
    }
    if (body.match !== undefined && body.match !== null) {
      if (!isPlainObject(body.match)) p.add("match", "must be an object {method?, pathPrefix?}");
      else {
        if (body.match.method !== undefined && typeof body.match.method !== "string")
          p.add("match.method", "must be a string");
        if (body.match.pathPrefix !== undefined && typeof body.match.pathPrefix !== "string") {
          p.add("match.pathPrefix", "must be a string such as /v1/PushNotifications");
        }
        next.match = { method: body.match.method ?? null, pathPrefix: body.match.pathPrefix ?? null };
      }
    }
    p.throwIfAny();
    if (next.seed === null) next.seed = randomSeed();
    next.prng = mulberry32(next.seed);
    faults = next;
    return viewFaults();
  }

  function viewFaults() {
    const { prng, ...rest } = faults;
    return { ...rest, next: [...faults.next] };
  }

  // ---------------------------------------------------------------------------------------------
  // Request log

  function pushLog(entry) {
    log.push(entry);
    // Trim in chunks: splicing one entry off the front on every request would cost O(n) each time.
    if (log.length >= LIMITS.logEntries + 500) log.splice(0, log.length - LIMITS.logEntries);
  }

  async function handleApi(request, url) {
    const method = request.method.toUpperCase();
    const entry = {
      seq: ++logSeq,
      method,
      path: url.pathname,
      query: url.search.startsWith("?") ? url.search.slice(1) : url.search,
      status: null,
      fault: null,
      at: isoSeconds(now()),
    };
    pushLog(entry);
    counters.requests += 1;
    let response;
    let fault = null;
    try {
      fault = decideFault(request, method, url.pathname);
      if (fault) {
        entry.fault = fault;
        counters.faults += 1;
      }
      if (fault === "drop") throw new EmulatorDropError();
      if (fault === "429" || fault === "500" || fault === "503") {
        response = faultResponse(fault);
      } else {
        if (fault === "slow") await sleep(faults.slowMs);
        response = await routeApi(request, url);
      }
    } catch (error) {
      if (error instanceof EmulatorDropError) throw error;
      response = toErrorResponse(error);
    }
    entry.status = response.status;
    if (fault === "drop-after") throw new EmulatorDropError("connection dropped after the request was applied");
    return response;
  }

  function toErrorResponse(error) {
    if (error instanceof ApiError) return errorResponse(error.status, error.message, error.errors, error.headers);
    // Anything unexpected is a bug in the emulator; answer like a server error instead of crashing.
    return errorResponse(500, `Internal emulator error: ${error && error.message ? error.message : String(error)}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Control endpoints (no auth): /__emulator/...

  function stats() {
    return {
      sends: counters.sends,
      requests: counters.requests,
      faults: counters.faults,
      operations: state.operations.size,
      notifications: state.notifications.size,
      registrations: state.registrations.size,
      users: state.users.size,
      apps: state.apps.size,
      credentials: state.credentials.size,
    };
  }

  function dumpState() {
    const t = now();
    return {
      defaultAppName: state.defaultAppName,
      apps: [...state.apps.values()].map(viewApp),
      credentials: [...state.credentials.values()].map(viewCredential),
      users: [...state.users.values()].map(viewUser),
      deviceRegistrations: [...state.registrations.values()].map(viewRegistration),
      operations: state.operationList.map((op) => viewOperation(op, t)),
      pushNotifications: state.notificationList.map((n) => viewNotification(n, t)),
      unregisteredTokens: [...state.unregistered.keys()],
    };
  }

  function reset() {
    state = emptyState();
    log = [];
    faults = emptyFaults();
    counters = { sends: 0, requests: 0, faults: 0 };
  }

  function seed() {
    if (state.apps.has(SEED.appName)) {
      throw new ApiError(409, `${SEED.appName} already exists: POST /__emulator/reset first to seed again`);
    }
    if (state.apps.size >= LIMITS.apps)
      throw new ApiError(400, `Cannot seed: the account already has ${LIMITS.apps} apps`);
    const p = new Problems();
    for (const type of ["APN", "FCM"]) validateCredentialContent(type, fakeCredentialContent(type), p);
    p.throwIfAny(); // guards the fake material against drifting from the validator
    const apn = createCredentialRecord({ credentialType: "APN", appName: SEED.appName, isDefault: true, tags: null });
    const fcm = createCredentialRecord({ credentialType: "FCM", appName: SEED.appName, isDefault: true, tags: null });
    setDefaultApp(SEED.appName);
    const app = state.apps.get(SEED.appName);
    const user = createUser();
    addDevice(user, app, SEED.apnToken, "APN");
    const reg = addDevice(user, app, SEED.fcmToken, "FCM");
    return {
      appName: SEED.appName,
      credentialIds: { apn: apn.id, fcm: fcm.id },
      userId: user.id,
      registrationId: reg.id,
      tokens: { apn: SEED.apnToken, fcm: SEED.fcmToken },
    };
  }

  async function readControlBody(request) {
    const text = await request.text();
    if (text.trim() === "") return {};
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "The request body is not valid JSON");
    }
    if (!isPlainObject(body)) throw new ApiError(400, "The request body must be a JSON object");
    return body;
  }

  async function handleControl(request, url) {
    const method = request.method.toUpperCase();
    const routes = {
      "/__emulator/log": {
        GET: () => ({ requests: log.map((e) => ({ ...e })) }),
        DELETE: () => {
          log = [];
          return { cleared: true };
        },
      },
      "/__emulator/stats": { GET: () => stats() },
      "/__emulator/state": { GET: () => dumpState() },
      "/__emulator/reset": {
        POST: () => {
          reset();
          return { reset: true };
        },
      },
      "/__emulator/seed": { POST: () => seed() },
      "/__emulator/unregistered": {
        GET: () => ({ tokens: [...state.unregistered.keys()] }),
        POST: async () => {
          const body = await readControlBody(request);
          const tokens = body.tokens;
          if (!Array.isArray(tokens) || tokens.some((tk) => typeof tk !== "string" || tk.length === 0)) {
            throw new ApiError(400, "Invalid request: tokens must be an array of non-empty strings", [
              { field: "tokens", message: "must be an array of non-empty strings" },
            ]);
          }
          const t = now();
          for (const token of tokens) {
            const key = normalizeHexToken(token);
            if (!state.unregistered.has(key)) state.unregistered.set(key, t);
          }
          return { unregistered: state.unregistered.size };
        },
      },
      "/__emulator/faults": {
        GET: () => viewFaults(),
        POST: async () => configureFaults(await readControlBody(request)),
        DELETE: () => {
          faults = emptyFaults();
          return viewFaults();
        },
      },
    };
    try {
      const route = routes[url.pathname];
      if (!route) throw new ApiError(404, `No emulator control endpoint at ${clip(url.pathname, 120)}`);
      const handler = route[method];
      if (!handler) {
        const allow = Object.keys(route).join(", ");
        throw new ApiError(405, `Method not allowed: ${method} ${url.pathname} (allowed: ${allow})`, undefined, {
          Allow: allow,
        });
      }
      return jsonResponse(200, await handler());
    } catch (error) {
      return toErrorResponse(error);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Entry point

  async function fetch(request) {
    let url;
    try {
      url = new URL(request.url);
    } catch {
      return errorResponse(400, "The request URL is not valid");
    }
    const path = url.pathname;
    try {
      if (path === "/v1" || path.startsWith("/v1/")) return await handleApi(request, url);
      if (path === "/__emulator" || path.startsWith("/__emulator/")) return await handleControl(request, url);
      return errorResponse(
        404,
        `No resource at ${clip(path, 120)}: the API lives under /v1 and the controls under /__emulator`,
      );
    } catch (error) {
      if (error instanceof EmulatorDropError) throw error;
      return toErrorResponse(error);
    }
  }

  return {
    fetch,
    get state() {
      return state;
    },
    reset,
    seed,
    /** Current counters, as served by GET /__emulator/stats. */
    stats,
    /** The request log, as served by GET /__emulator/log. */
    get log() {
      return log;
    },
    options: Object.freeze({ deliveryMs, baseUrl }),
  };
}
