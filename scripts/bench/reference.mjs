// A careful pure-JavaScript implementation of the same token rules (src/token) and batch
// (src/batch/), written as fast as I could make it, so the benchmark compares like with like:
// `charCodeAt` scanning with lookup tables, no regular expressions, no substring per valid token,
// duplicates found with a typed-array hash table over the decoded nibbles (APNs) or characters
// (FCM), confirmed by comparing canonical forms. It gives exactly the wasm answers, messages and
// positions included (the bench checks that on the corpus and on edge cases before timing).

// ---------------------------------------------------------------------------------------------
// Character tables and helpers

/** Hex digit value of an ASCII code, or -1. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

/** 1 for `[A-Za-z0-9_:-]`. */
const FCM_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  FCM_CHAR[c] = /[A-Za-z0-9_:-]/.test(ch) ? 1 : 0;
}

const hexValue = (c) => (c < 128 ? HEX[c] : -1);

/** Rust's `char::is_whitespace` (Unicode White_Space): differs from JS `trim` on U+0085 and U+FEFF. */
function isWs(c) {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Number of code points in `s.slice(0, end)` (a lone surrogate counts as one, as U+FFFD would). */
function codePoints(s, end) {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function trimEndWs(s) {
  let b = s.length;
  while (b > 0 && isWs(s.charCodeAt(b - 1))) b--;
  return s.slice(0, b);
}

// ---------------------------------------------------------------------------------------------
// Results

const W_NON_STANDARD_LENGTH = 1;
const W_UPPERCASE_HEX = 2;
const W_HEX_PREFIX = 4;
const W_SEPARATORS = 8;
const W_LEGACY_GCM = 16;
const W_UNRECOGNIZED_FCM_SHAPE = 32;

function fail(code, fields, pos) {
  return { ok: false, code, pos, ...fields };
}

/** An error at UTF-16 index `i` of the trimmed token. */
function failAt(loc, code, fields, i) {
  return fail(code, fields, loc.offset + i);
}

function invalidAt(loc, i, provider) {
  const character = String.fromCodePoint(loc.s.codePointAt(i));
  return failAt(loc, "INVALID_CHARACTER", { character, provider }, i);
}

// ---------------------------------------------------------------------------------------------
// The rules (a port of src/token/{mod,apns,fcm}.rs)

/** Parses one token. `provider` is undefined, "APN" or "FCM". */
export function parse(input, provider) {
  if (provider !== "FCM") {
    const plain = plainHex(input);
    if (plain) return plain;
  }
  let a = 0;
  let b = input.length;
  while (a < b && isWs(input.charCodeAt(a))) a++;
  while (b > a && isWs(input.charCodeAt(b - 1))) b--;
  if (a === b) return fail("EMPTY", {});
  const loc = { input, offset: a, s: a === 0 && b === input.length ? input : input.slice(a, b) };
  const first = loc.s.charCodeAt(0);
  if (first === 123) return expect(parseCurly(loc), provider);
  if (first === 60) return expect(parseBracketed(loc), provider);
  const look = detectLookalike(loc.s);
  if (look) return look;
  const fcm = parseFcmShaped(loc, provider);
  if (fcm) return fcm.ok ? expect(fcm, provider) : fcm;
  if (provider === "FCM") return parseDeclaredFcm(loc);
  return parseText(loc, provider);
}

function expect(r, provider) {
  if (r.ok && provider && provider !== r.provider) {
    return fail("PROVIDER_MISMATCH", { expected: provider, likely: r.provider });
  }
  return r;
}

/** Nothing but 64 to 200 hex digits, an even number: one pass. */
function plainHex(s) {
  const n = s.length;
  if (n & 1 || n < 64 || n > 200) return null;
  let upper = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || HEX[c] < 0) return null;
    if (c >= 65 && c <= 70) upper = true;
  }
  let warnings = upper ? W_UPPERCASE_HEX : 0;
  if (n !== 64) warnings |= W_NON_STANDARD_LENGTH;
  return { ok: true, provider: "APN", format: "hex", byteLength: n / 2, warnings, canon: "hex", body: s };
}

function scanHex(s, allowSpaces) {
  let digits = 0;
  let uppercase = false;
  let spaces = false;
  let firstBad = -1;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && HEX[c] >= 0) {
      digits++;
      if (c >= 65 && c <= 70) uppercase = true;
    } else if (allowSpaces && c === 32) {
      spaces = true;
    } else {
      if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
        const p = s.charCodeAt(i - 1);
        if (p >= 0xd800 && p <= 0xdbff) continue; // second half of a pair: one character
      }
      bad++;
      if (firstBad < 0) firstBad = i;
    }
  }
  return { digits, uppercase, spaces, firstBad, bad };
}

function finishHex(loc, body, bodyStart, scan, format, warnings) {
  if (scan.firstBad >= 0) return invalidAt(loc, bodyStart + scan.firstBad, "APN");
  if (scan.digits % 2 === 1 && scan.digits >= 63) return fail("ODD_LENGTH", { digits: scan.digits });
  const bytes = scan.digits >> 1;
  const len = checkByteLen(bytes);
  if (len) return len;
  if (scan.uppercase) warnings |= W_UPPERCASE_HEX;
  if (bytes !== 32) warnings |= W_NON_STANDARD_LENGTH;
  return { ok: true, provider: "APN", format, byteLength: bytes, warnings, canon: "hex", body };
}

function checkByteLen(bytes) {
  if (bytes < 32) return fail("TOO_SHORT", { provider: "APN", length: bytes });
  if (bytes > 100) return fail("TOO_LONG", { provider: "APN", length: bytes });
  return null;
}

function fromBytes(bytes, format, warnings) {
  const len = checkByteLen(bytes.length);
  if (len) return len;
  if (bytes.length !== 32) warnings |= W_NON_STANDARD_LENGTH;
  return { ok: true, provider: "APN", format, byteLength: bytes.length, warnings, canon: "bytes", bytes };
}

function parseText(loc, provider) {
  const s = loc.s;
  let warnings = 0;
  let body = s;
  let bodyStart = 0;
  if (s.charCodeAt(0) === 48 && (s.charCodeAt(1) === 120 || s.charCodeAt(1) === 88)) {
    warnings |= W_HEX_PREFIX;
    body = s.slice(2);
    bodyStart = 2;
  }
  const scan = scanHex(body, true);
  if (scan.firstBad < 0) {
    if (scan.spaces) warnings |= W_SEPARATORS;
    if (scan.digits === 40 && !scan.spaces && bodyStart === 0) {
      return fail("NOT_A_PUSH_TOKEN", { lookalike: "udid" });
    }
    return finishHex(loc, body, bodyStart, scan, "hex", warnings);
  }
  const chars = codePoints(body, body.length);
  // 64 characters, with or without "0x": the hex token's length, read as hex whatever it holds.
  const hexLength = !scan.spaces && (chars === 64 || chars + bodyStart === 64);
  if (!scan.spaces && !hexLength) {
    // Base64 may begin with "0x" by chance; the 'x' counts as one more non-hex character.
    const b64 = parseBase64(s, scan.bad + (bodyStart === 2 ? 1 : 0));
    if (b64) return b64;
  }
  const mostlyHex = hexLength || scan.bad <= 3 || scan.bad * 8 <= chars;
  if (provider === "APN" || mostlyHex) return finishHex(loc, body, bodyStart, scan, "hex", warnings);
  let fcmCharset = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || !FCM_CHAR[c]) {
      fcmCharset = false;
      break;
    }
  }
  const hint = fcmCharset && s.includes(":") ? "ambiguous" : "nothing";
  return failAt(loc, "UNKNOWN_FORMAT", { hint }, 0);
}

function base64Value(c) {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97 + 26;
  if (c >= 48 && c <= 57) return c - 48 + 52;
  if (c === 43 || c === 45) return 62;
  if (c === 47 || c === 95) return 63;
  return -1;
}

function parseBase64(s, nonHex) {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  const padding = s.length - end;
  let std = false;
  let url = false;
  // Distinct characters: at least 16, or it is filler ("xxxx…"), not base64 of real bytes.
  const seen = new Uint8Array(128);
  let distinct = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      // a base64 letter or digit
    } else if (c === 43 || c === 47) std = true;
    else if (c === 45 || c === 95) url = true;
    else return null;
    if (!seen[c]) {
      seen[c] = 1;
      distinct++;
    }
  }
  const len = end;
  if ((std && url) || len % 4 === 1 || padding > 2) return null;
  if (padding > 0 && (len + padding) % 4 !== 0) return null;
  if (nonHex * 4 < len || distinct < 16) return null;
  const bytes = Math.floor((len * 3) / 4);
  if (bytes < 32 || bytes > 100) return null;
  const out = new Uint8Array(bytes);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < len; i++) {
    acc = (acc << 6) | base64Value(s.charCodeAt(i));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 255;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) return null;
  return fromBytes(out, url ? "base64url" : "base64", 0);
}

function parseBracketed(loc) {
  const s = loc.s;
  if (s.length < 2 || s.charCodeAt(s.length - 1) !== 62) {
    return failAt(loc, "UNKNOWN_FORMAT", { hint: "unclosedBracket" }, 0);
  }
  const inner = s.slice(1, -1);
  let a = 0;
  let b = inner.length;
  while (a < b && inner.charCodeAt(a) === 32) a++;
  while (b > a && inner.charCodeAt(b - 1) === 32) b--;
  const body = inner.slice(a, b);
  return finishHex(loc, body, 1 + a, scanHex(body, true), "bracketed", 0);
}

function parseCurly(loc) {
  const s = loc.s;
  if (s.includes('"endpoint"')) return fail("NOT_A_PUSH_TOKEN", { lookalike: "webPushSubscription" });
  let dots = s.indexOf("...");
  if (dots < 0) dots = s.indexOf("\u2026");
  if (dots >= 0 && s.includes("bytes")) return failAt(loc, "TRUNCATED_DESCRIPTION", {}, dots);
  const malformed = () => failAt(loc, "UNKNOWN_FORMAT", { hint: "malformedDescription" }, 0);
  let i = 1;
  const skip = () => {
    while (s.charCodeAt(i) === 32) i++;
  };
  const word = (w) => {
    skip();
    if (s.startsWith(w, i)) {
      i += w.length;
      return true;
    }
    return false;
  };
  const sym = (c) => {
    skip();
    if (s.charCodeAt(i) === c) {
      i++;
      return true;
    }
    return false;
  };
  if (!(word("length") && sym(61))) return malformed();
  skip();
  let d = 0;
  while (s.charCodeAt(i + d) >= 48 && s.charCodeAt(i + d) <= 57) d++;
  if (d === 0 || d > 6) return malformed();
  const declared = Number(s.slice(i, i + d));
  i += d;
  if (!(sym(44) && word("bytes") && sym(61))) return malformed();
  skip();
  if (!(s.startsWith("0x", i) || s.startsWith("0X", i))) return malformed();
  const bodyStart = i + 2;
  const last = s.length - 1;
  if (s.charCodeAt(last) !== 125 || last < bodyStart) return malformed();
  let bodyEnd = last;
  while (bodyEnd > bodyStart && s.charCodeAt(bodyEnd - 1) === 32) bodyEnd--;
  const body = s.slice(bodyStart, bodyEnd);
  const scan = scanHex(body, true);
  if (scan.firstBad < 0 && scan.digits % 2 === 0 && scan.digits / 2 !== declared) {
    return fail("LENGTH_MISMATCH", { declared, actual: scan.digits / 2 });
  }
  return finishHex(loc, body, bodyStart, scan, "description", 0);
}

function detectLookalike(s) {
  if (s.endsWith("bytes")) {
    const n = trimEndWs(s.slice(0, -5));
    if (n.length > 0 && n.length <= 6 && /^[0-9]+$/.test(n)) {
      return fail("DESCRIPTION_WITHOUT_BYTES", { declared: Number(n) });
    }
  }
  let lookalike = null;
  if (s.startsWith("ExponentPushToken[") || s.startsWith("ExpoPushToken[")) lookalike = "expoPushToken";
  else if (s.startsWith("https://") || s.startsWith("http://")) lookalike = "webPushSubscription";
  else if (isUuid(s)) lookalike = "uuid";
  else if (isInstallationId(s)) lookalike = "firebaseInstallationId";
  return lookalike ? fail("NOT_A_PUSH_TOKEN", { lookalike }) : null;
}

function isUuid(s) {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (hexValue(c) < 0) return false;
  }
  return true;
}

function isInstallationId(s) {
  if (s.length !== 22) return false;
  const f = s.charCodeAt(0);
  if (f < 99 || f > 102) return false;
  let allHex = true;
  for (let i = 0; i < 22; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || !FCM_CHAR[c] || c === 58) return false;
    if (HEX[c] < 0) allHex = false;
  }
  return !allHex;
}

function parseFcmShaped(loc, provider) {
  const s = loc.s;
  let format;
  if (s.startsWith("APA91b")) format = "gcm";
  else {
    const colon = s.indexOf(":");
    if (colon >= 0 && s.startsWith("APA91b", colon + 1)) format = "fcm";
    else return null;
  }
  if (provider === "APN") return fail("PROVIDER_MISMATCH", { expected: "APN", likely: "FCM" });
  return checkFcm(loc, format, format === "gcm" ? W_LEGACY_GCM : 0);
}

function parseDeclaredFcm(loc) {
  const apns = parseText(loc, "APN");
  if (apns.ok) {
    const shortBase64 = (apns.format === "base64" || apns.format === "base64url") && loc.s.length < 64;
    if (apns.format === "hex" || shortBase64) {
      return fail("PROVIDER_MISMATCH", { expected: "FCM", likely: "APN" });
    }
  }
  return checkFcm(loc, "fcm", W_UNRECOGNIZED_FCM_SHAPE);
}

function checkFcm(loc, format, warnings) {
  const s = loc.s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || !FCM_CHAR[c]) return invalidAt(loc, i, "FCM");
  }
  if (s.length < 64) return fail("TOO_SHORT", { provider: "FCM", length: s.length });
  if (s.length > 4096) return fail("TOO_LONG", { provider: "FCM", length: s.length });
  return { ok: true, provider: "FCM", format, byteLength: null, warnings, canon: "verbatim", body: s };
}

// ---------------------------------------------------------------------------------------------
// Canonical forms and messages

const LOWER_HEX = "0123456789abcdef";

/** The canonical token of a parsed result, reusing `input` when it already is canonical. */
export function canonical(r, input) {
  if (r.canon === "verbatim") return r.body;
  if (r.canon === "bytes") {
    let out = "";
    for (const b of r.bytes) out += LOWER_HEX[b >> 4] + LOWER_HEX[b & 15];
    return out;
  }
  const spaced = r.body.includes(" ");
  if (r.body === input && !spaced && !(r.warnings & W_UPPERCASE_HEX)) return input;
  if (!spaced) return r.body.toLowerCase();
  let out = "";
  for (let i = 0; i < r.body.length; i++) {
    const c = r.body.charCodeAt(i);
    if (c !== 32) out += String.fromCharCode(c >= 65 && c <= 70 ? c + 32 : c);
  }
  return out;
}

const article = (p) => (p === "APN" ? "an APNs" : "an FCM");
const hex4 = (n) => n.toString(16).toUpperCase().padStart(4, "0");
const FIX_APP = 'Fix the app to send the hex of the bytes: deviceToken.map { String(format: "%02x", $0) }.joined().';

function quoted(ch) {
  const c = ch.codePointAt(0);
  if (c >= 0x21 && c <= 0x7e) return `'${ch}'`;
  const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
  if (control || isWs(c) || c < 128) return `U+${hex4(c)}`;
  return `'${ch}' (U+${hex4(c)})`;
}

const LOOKALIKE_MESSAGES = {
  udid: "40 hex digits is a device UDID, not a push token. Use the token from didRegisterForRemoteNotificationsWithDeviceToken.",
  uuid: "This is a UUID (for example identifierForVendor), not a push token. Use the token from didRegisterForRemoteNotificationsWithDeviceToken or FCM getToken().",
  expoPushToken:
    "This is an Expo push token (ExponentPushToken[…]), which only Expo's push service understands. Use getDevicePushTokenAsync() to get the native APNs or FCM token.",
  webPushSubscription:
    "This is a Web Push subscription (endpoint and keys), not an FCM token. For web browsers, get an FCM registration token with the Firebase JS SDK's getToken().",
  firebaseInstallationId:
    "This is a 22-character Firebase Installation ID, not an FCM registration token. Use the token from FirebaseMessaging getToken().",
};

const UNKNOWN_MESSAGES = {
  nothing:
    "This is not a form of push token we recognise: APNs tokens are hex (64 digits for 32 bytes), FCM tokens look like 'abc…:APA91b…'.",
  unclosedBracket:
    "The token starts with '<' but has no closing '>': it was probably cut off. Copy the whole token again.",
  malformedDescription:
    "This starts like an iOS 13 '{length = …, bytes = 0x…}' description but cannot be read. Send the hex of the token's bytes instead.",
  ambiguous: 'This could be more than one kind of token; say which provider it is for ("APN" or "FCM").',
};

/** The message of an error (the same words as the Rust `Display`). */
export function message(e, position) {
  switch (e.code) {
    case "EMPTY":
      return "The token is empty. Send the device token string the app received from APNs or FCM.";
    case "INVALID_CHARACTER": {
      let m = `Character ${quoted(e.character)}`;
      if (position !== undefined) m += ` at position ${position}`;
      m +=
        e.provider === "APN"
          ? " is not a hex digit. APNs tokens are hex digits (0-9, a-f), optionally in <…> groups"
          : " cannot appear in an FCM registration token, which uses only letters, digits, '-', '_' and ':'";
      if (e.character.codePointAt(0) >= 128) {
        m += "; it is not ASCII, so it is probably a look-alike introduced by copy and paste or a word processor";
      }
      return `${m}.`;
    }
    case "ODD_LENGTH":
      return `The token has ${e.digits} hex digits, an odd number: a digit is missing or extra. Every byte is two hex digits; copy the whole token again.`;
    case "TOO_SHORT":
      return e.provider === "APN"
        ? `The token is ${e.length} bytes long; APNs tokens are at least 32 bytes (64 hex digits). It was probably cut off: copy the whole token again.`
        : `The token is ${e.length} characters long; FCM registration tokens are about 140 to 180 characters. It was probably cut off: copy the whole token again.`;
    case "TOO_LONG":
      return e.provider === "APN"
        ? `The token is ${e.length} bytes long; APNs tokens are at most 100 bytes (200 hex digits). Check that only one token was pasted.`
        : `The token is ${e.length} characters long; FCM tokens are at most 4096 characters. Check that only one token was pasted.`;
    case "TRUNCATED_DESCRIPTION":
      return `This is the iOS 13 description of the token's Data ({length = 32, bytes = 0x… ... …}): iOS shows only the first and last bytes and replaces the middle with '...', so the token is lost and cannot be recovered. ${FIX_APP}`;
    case "DESCRIPTION_WITHOUT_BYTES":
      return `'${e.declared} bytes' is Swift's description of the token's Data and does not contain the token itself. ${FIX_APP}`;
    case "LENGTH_MISMATCH":
      return `The description says length = ${e.declared} but shows ${e.actual} bytes: part of the token is missing or extra. Send the hex of the token's bytes instead of its description.`;
    case "PROVIDER_MISMATCH":
      return `This looks like ${article(e.likely)} token, not ${article(e.expected)} token: register it with provider "${e.likely}".`;
    case "NOT_A_PUSH_TOKEN":
      return LOOKALIKE_MESSAGES[e.lookalike];
    case "UNKNOWN_FORMAT":
      return UNKNOWN_MESSAGES[e.hint];
    default:
      throw new Error(e.code);
  }
}

/** `normalizeToken` in JS: the canonical token, or throws `{ code, message, position }`. */
export function normalize(input, provider) {
  // The usual case in one loop, without building a result object: 64 to 200 hex digits.
  const n = input.length;
  if (provider !== "FCM" && !(n & 1) && n >= 64 && n <= 200) {
    let upper = false;
    let i = 0;
    for (; i < n; i++) {
      const c = input.charCodeAt(i);
      if (c >= 128 || HEX[c] < 0) break;
      if (c <= 70 && c >= 65) upper = true;
    }
    if (i === n) return upper ? input.toLowerCase() : input;
  }
  const r = parse(input, provider);
  if (r.ok) return canonical(r, input);
  const position = r.pos === undefined ? undefined : codePoints(input, r.pos);
  const error = new Error(message(r, position));
  error.code = r.code;
  if (position !== undefined) error.position = position;
  throw error;
}

// ---------------------------------------------------------------------------------------------
// The batch

const K = 0x9e3779b1 | 0;
const mix = (h, w) => {
  h = Math.imul(h ^ w, K);
  return h ^ (h >>> 15);
};

/** Hash of a parsed token's identity: its nibbles (APNs, any spelling) or characters (FCM). */
function identityHash(r) {
  let h = r.provider === "APN" ? 0x1234567 : 0x7654321;
  let w = 0;
  let k = 0;
  if (r.canon === "verbatim") {
    const s = r.body;
    for (let i = 0; i < s.length; i++) {
      w = (w << 8) | s.charCodeAt(i);
      k += 1;
      if (k === 4) {
        h = mix(h, w);
        w = 0;
        k = 0;
      }
    }
  } else if (r.canon === "bytes") {
    for (const b of r.bytes) {
      w = (w << 8) | b;
      k += 2;
      if (k === 8) {
        h = mix(h, w);
        w = 0;
        k = 0;
      }
    }
  } else {
    const s = r.body;
    for (let i = 0; i < s.length; i++) {
      const v = hexValue(s.charCodeAt(i));
      if (v < 0) continue;
      w = (w << 4) | v;
      k += 1;
      if (k === 8) {
        h = mix(h, w);
        w = 0;
        k = 0;
      }
    }
  }
  return mix(h, w ^ k);
}

/** A comparable identity string (only built to confirm a hash match). */
function identityKey(r) {
  if (r.canon === "verbatim") return `F${r.body}`;
  return `A${canonical(r, undefined)}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Distinct tokens: an open-addressing table of entry numbers (+1) over parallel typed arrays. */
class Seen {
  constructor(expected) {
    let size = 1024;
    while (size < expected * 2) size *= 2;
    this.mask = size - 1;
    this.table = new Int32Array(size);
    this.count = 0;
    this.hashes = new Int32Array(size >> 1);
    this.starts = new Int32Array(size >> 1);
    this.indices = new Int32Array(size >> 1);
  }

  grow() {
    const cap = this.hashes.length * 2;
    for (const k of ["hashes", "starts", "indices"]) {
      const b = new Int32Array(cap);
      b.set(this[k]);
      this[k] = b;
    }
    const size = this.table.length * 2;
    this.mask = size - 1;
    this.table = new Int32Array(size);
    for (let e = 0; e < this.count; e++) {
      let s = this.hashes[e] & this.mask;
      while (this.table[s] !== 0) s = (s + 1) & this.mask;
      this.table[s] = e + 1;
    }
  }
}

/** If a line ends at `p`: where the next one starts, else -1. */
function lineEnd(t, p) {
  const len = t.length;
  if (p >= len) return len;
  const c = t[p];
  if (c === 10) return p + 1;
  if (c === 13) {
    if (p + 1 >= len) return p + 1;
    if (t[p + 1] === 10) return p + 2;
  }
  return -1;
}

function startsWithApa91b(t, p) {
  return (
    p + 6 <= t.length &&
    t[p] === 65 &&
    t[p + 1] === 80 &&
    t[p + 2] === 65 &&
    t[p + 3] === 57 &&
    t[p + 4] === 49 &&
    t[p + 5] === 98
  );
}

// The fast paths return where the next line starts (or -1) and leave the identity hash here (a
// typed array, so that storing it never boxes a number).
const lastHash = new Int32Array(1);

/** `<` groups of 8 hex digits separated by one space `>`, then the end of the line. */
function bracketedLine(t, start) {
  const len = t.length;
  let p = start + 1;
  let digits = 0;
  let h = 0x1234567;
  for (;;) {
    if (p + 8 > len) return -1;
    let w = 0;
    for (let k = 0; k < 8; k++) {
      const v = HEX[t[p + k] & 127] | (t[p + k] & 128 ? -1 : 0);
      if (v < 0) return -1;
      w = (w << 4) | v;
    }
    h = mix(h, w);
    digits += 8;
    p += 8;
    if (p >= len) return -1;
    const c = t[p];
    if (c === 32) p++;
    else if (c === 62) break;
    else return -1;
  }
  if (digits > 200) return -1;
  lastHash[0] = mix(h, 0);
  return digits < 64 ? -1 : lineEnd(t, p + 1);
}

/** 64 to 200 hex digits (an even number), then the end of the line. */
function hexLine(t, start) {
  const len = t.length;
  let p = start;
  let w = 0;
  let k = 0;
  let h = 0x1234567;
  while (p < len) {
    const c = t[p];
    const v = c < 128 ? HEX[c] : -1;
    if (v < 0) break;
    w = (w << 4) | v;
    if (++k === 8) {
      h = mix(h, w);
      w = 0;
      k = 0;
    }
    p++;
  }
  const digits = p - start;
  if (digits & 1 || digits < 64 || digits > 200) return -1;
  lastHash[0] = mix(h, w ^ k);
  return lineEnd(t, p);
}

/** An FCM-shaped token (`APA91b` first or after the first colon), then the end of the line. */
function fcmLine(t, start) {
  const len = t.length;
  let p = start;
  let colon = -1;
  let w = 0;
  let k = 0;
  let h = 0x7654321;
  while (p < len) {
    const c = t[p];
    if (c >= 128 || FCM_CHAR[c] === 0) break;
    if (c === 58 && colon < 0) colon = p;
    w = (w << 8) | c;
    if (++k === 4) {
      h = mix(h, w);
      w = 0;
      k = 0;
    }
    p++;
  }
  const n = p - start;
  if (n < 64 || n > 4096) return -1;
  if (!(startsWithApa91b(t, start) || (colon >= 0 && startsWithApa91b(t, colon + 1)))) return -1;
  lastHash[0] = mix(h, w ^ k);
  return lineEnd(t, p);
}

/** The line starting at `start` (without its `\r`), as a string. */
function lineAt(t, start) {
  let end = t.indexOf(10, start);
  if (end < 0) end = t.length;
  if (end > start && t[end - 1] === 13) end--;
  return decoder.decode(t.subarray(start, end));
}

/**
 * `inspectTokens(text, { provider })` in JS: `{ total, valid, invalid, duplicates, errors,
 * duplicateOf }`, the same report as the wasm. Like the wasm, it scans the UTF-8 bytes of the
 * text (one `TextEncoder.encode`, then typed-array reads, which V8 does faster than
 * `charCodeAt`), and only the lines that are not one of the common forms become strings.
 */
export function inspectLines(text, { provider } = {}) {
  const t = encoder.encode(text);
  const len = t.length;
  const tryApns = provider !== "FCM";
  const tryFcm = provider !== "APN";
  const errors = [];
  const duplicateOf = [];
  const seen = new Seen(len / 64);
  const keyAt = (start) => identityKey(parse(lineAt(t, start), provider));
  let valid = 0;
  let start = 0;
  let index = 0;
  while (start < len) {
    const first = t[start];
    if (first === 10) {
      start++;
      index++;
      continue;
    }
    let next = -1;
    if (first === 60) {
      if (tryApns) next = bracketedLine(t, start);
    } else {
      if (tryApns) next = hexLine(t, start);
      if (next < 0 && tryFcm) next = fcmLine(t, start);
    }
    let h = lastHash[0];
    let end = next;
    if (next < 0) {
      // Everything else: the general rules, on the line as a string.
      end = t.indexOf(10, start);
      if (end < 0) end = len;
      const line = lineAt(t, start);
      end++;
      let blank = true;
      for (let i = 0; i < line.length; i++) {
        if (!isWs(line.charCodeAt(i))) {
          blank = false;
          break;
        }
      }
      if (blank) {
        start = end;
        index++;
        continue;
      }
      const r = parse(line, provider);
      if (!r.ok) {
        const position = r.pos === undefined ? undefined : codePoints(line, r.pos);
        const e = { index, code: r.code, message: message(r, position) };
        if (position !== undefined) e.position = position;
        errors.push(e);
        start = end;
        index++;
        continue;
      }
      h = identityHash(r);
    }
    // An accepted token: a duplicate of an earlier one, or new.
    valid++;
    let slot = h & seen.mask;
    let duplicate = false;
    for (;;) {
      const e = seen.table[slot];
      if (e === 0) break;
      if (seen.hashes[e - 1] === h && keyAt(seen.starts[e - 1]) === keyAt(start)) {
        duplicateOf.push({ index, firstIndex: seen.indices[e - 1] });
        duplicate = true;
        break;
      }
      slot = (slot + 1) & seen.mask;
    }
    if (!duplicate) {
      if (seen.count === seen.hashes.length) {
        seen.grow();
        slot = h & seen.mask;
        while (seen.table[slot] !== 0) slot = (slot + 1) & seen.mask;
      }
      const n = seen.count++;
      seen.hashes[n] = h;
      seen.starts[n] = start;
      seen.indices[n] = index;
      seen.table[slot] = n + 1;
    }
    start = end;
    index++;
  }
  return {
    total: valid + errors.length,
    valid,
    invalid: errors.length,
    duplicates: duplicateOf.length,
    errors,
    duplicateOf,
  };
}
