// The benchmark corpus: a deterministic mix of the tokens an admin pastes into a batch check.
//
//   70 % lowercase hex (32 bytes; 1 in 50 of them 80 bytes, as simulators on Apple silicon give)
//   10 % uppercase hex
//    5 % `<…>` groups (NSData.description before iOS 13)
//    5 % FCM registration tokens (`<installation id>:APA91b…`, 163 characters)
//    5 % duplicates of an earlier APNs token, in the other case (uppercase, or uppercase groups)
//    5 % invalid, of 13 kinds in rotation (truncated iOS 13 descriptions among them)
//
// The same seed always gives the same bytes: a small xorshift generator (no Math.random)
// writes ASCII straight into one buffer, which becomes one string at the end.

const LOWER = Buffer.from("0123456789abcdef");
const UPPER = Buffer.from("0123456789ABCDEF");
const FCM_ALPHABET = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

/** xorshift32: deterministic, fast, good enough for test data. */
function rng(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** The kinds of invalid line, in the order they rotate, with the code each must give. */
export const INVALID_KINDS = [
  ["truncated-description", "TRUNCATED_DESCRIPTION"],
  ["typo", "INVALID_CHARACTER"],
  ["truncated-description-compact", "TRUNCATED_DESCRIPTION"],
  ["odd-length", "ODD_LENGTH"],
  ["too-short", "TOO_SHORT"],
  ["uuid", "NOT_A_PUSH_TOKEN"],
  ["swift-bytes", "DESCRIPTION_WITHOUT_BYTES"],
  ["expo", "NOT_A_PUSH_TOKEN"],
  ["udid", "NOT_A_PUSH_TOKEN"],
  ["words", "UNKNOWN_FORMAT"],
  ["fcm-bad-char", "INVALID_CHARACTER"],
  ["too-long", "TOO_LONG"],
  ["unclosed-bracket", "UNKNOWN_FORMAT"],
];

class Writer {
  constructor(capacity) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.n = 0;
  }
  byte(b) {
    if (this.n === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.n);
      this.buf = bigger;
    }
    this.buf[this.n++] = b;
  }
  ascii(s) {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }
  /** Hex of `bytes` (a Uint8Array), in `digits` case, optionally in space-separated groups of 4 bytes. */
  hex(bytes, digits, grouped, from = 0, to = bytes.length) {
    for (let i = from; i < to; i++) {
      if (grouped && i > from && (i - from) % 4 === 0) this.byte(32);
      this.byte(digits[bytes[i] >> 4]);
      this.byte(digits[bytes[i] & 15]);
    }
  }
}

/**
 * Generates `count` tokens joined by `\n`. Returns `{ text, bytes, expected }`: `expected` holds
 * the counts the corpus was built to have, and the code of every invalid line by index.
 */
export function makeCorpus(count = 1_000_000, seed = 20260427) {
  const next = rng(seed);
  const random = (n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = next() & 255;
    return b;
  };
  const w = new Writer(count * 80);
  const fcm = (n) => {
    for (let i = 0; i < n; i++) w.byte(FCM_ALPHABET[next() & 63]);
  };
  const apns = []; // every original APNs token's bytes, for the duplicates
  const expected = { total: count, valid: 0, invalid: 0, duplicates: 0, errors: [] };
  let kind = 0;
  for (let i = 0; i < count; i++) {
    if (i > 0) w.byte(10);
    const r = next() % 100;
    if (r < 70 || (r >= 90 && r < 95 && apns.length === 0)) {
      const b = random(next() % 50 === 0 ? 80 : 32);
      apns.push(b);
      w.hex(b, LOWER, false);
      expected.valid++;
    } else if (r < 80) {
      const b = random(32);
      apns.push(b);
      w.hex(b, UPPER, false);
      expected.valid++;
    } else if (r < 85) {
      const b = random(32);
      apns.push(b);
      w.byte(60);
      w.hex(b, LOWER, true);
      w.byte(62);
      expected.valid++;
    } else if (r < 90) {
      fcm(22);
      w.ascii(":APA91b");
      fcm(134);
      expected.valid++;
    } else if (r < 95) {
      // The same device again in another case (and half of the time as `<…>` groups).
      const b = apns[next() % apns.length];
      if (next() & 1) {
        w.hex(b, UPPER, false);
      } else {
        w.byte(60);
        w.hex(b, UPPER, true);
        w.byte(62);
      }
      expected.valid++;
      expected.duplicates++;
    } else {
      const [name, code] = INVALID_KINDS[kind++ % INVALID_KINDS.length];
      invalid(name, w, random, fcm, next);
      expected.invalid++;
      expected.errors.push([i, code]);
    }
  }
  const text = w.buf.toString("latin1", 0, w.n);
  return { text, bytes: w.n, expected };
}

function invalid(name, w, random, fcm, next) {
  switch (name) {
    case "truncated-description": {
      const b = random(32);
      w.ascii("{length = 32, bytes = 0x");
      w.hex(b, LOWER, true, 0, 16);
      w.ascii(" ... ");
      w.hex(b, LOWER, true, 24, 32);
      w.ascii(" }");
      return;
    }
    case "truncated-description-compact": {
      const b = random(32);
      w.ascii("{length=32,bytes=0x");
      w.hex(b, LOWER, false, 0, 16);
      w.ascii("...");
      w.hex(b, LOWER, false, 24, 32);
      w.ascii("}");
      return;
    }
    case "typo": {
      // One letter that is not a hex digit somewhere after the first two characters.
      const b = random(32);
      const at = 2 + (next() % 62);
      const start = w.n;
      w.hex(b, LOWER, false);
      w.buf[start + at] = "ghoqz".charCodeAt(next() % 5);
      return;
    }
    case "odd-length": {
      const start = w.n;
      w.hex(random(32), LOWER, false);
      w.n = start + 63;
      return;
    }
    case "too-short":
      w.hex(random(16), LOWER, false);
      return;
    case "uuid": {
      const b = random(16);
      w.hex(b, UPPER, false, 0, 4);
      for (const [from, to] of [
        [4, 6],
        [6, 8],
        [8, 10],
        [10, 16],
      ]) {
        w.byte(45);
        w.hex(b, UPPER, false, from, to);
      }
      return;
    }
    case "swift-bytes":
      w.ascii("32 bytes");
      return;
    case "expo":
      w.ascii("ExponentPushToken[");
      fcm(22);
      w.ascii("]");
      return;
    case "udid":
      w.hex(random(20), LOWER, false);
      return;
    case "words":
      w.ascii("please send me the token");
      return;
    case "fcm-bad-char": {
      const start = w.n;
      fcm(22);
      w.ascii(":APA91b");
      fcm(134);
      w.buf[start + 30 + (next() % 120)] = 43; // '+'
      return;
    }
    case "too-long":
      w.hex(random(101), LOWER, false);
      return;
    case "unclosed-bracket":
      w.byte(60);
      w.hex(random(32), LOWER, true);
      return;
    default:
      throw new Error(name);
  }
}
