// @ts-check
// Token presentation: names of formats, "how to fix" lines for the mistakes mobile developers
// make, and the excerpt that highlights the offending character.
import { h } from "./dom.js";

export const PROVIDER_LABEL = { APN: "APNs (iOS)", FCM: "FCM (Android, web)" };

export const FORMAT_LABEL = {
  hex: "Hex",
  bracketed: "<…> groups (NSData.description before iOS 13)",
  description: "Complete iOS 13 description {length = …, bytes = …}",
  base64: "Base64 of the token bytes",
  base64url: "Base64url of the token bytes",
  bytes: "Raw bytes",
  fcm: "FCM registration token",
  gcm: "Legacy GCM registration token",
};

/**
 * A short, practical next step for the errors people hit most. The package's message already
 * explains what is wrong; this says what to change, in the app or here. `likely` is the provider
 * inspectToken says the token most likely belongs to.
 */
/**
 * @param {any} error
 * @param {{ likely?: string | null }} [options]
 */
export function fixFor(error, { likely } = {}) {
  switch (error?.code) {
    case "TRUNCATED_DESCRIPTION":
      return 'How to fix: the app sent the token\'s description, not the token. In the iOS app, turn the bytes into hex — deviceToken.map { String(format: "%02x", $0) }.joined() — send that, then let the device register again. This string cannot be repaired here.';
    case "DESCRIPTION_WITHOUT_BYTES":
      return 'How to fix: "32 bytes" is what Swift prints for Data. Convert the token to hex in the app — deviceToken.map { String(format: "%02x", $0) }.joined() — and register that.';
    case "PROVIDER_MISMATCH":
      if (likely === "FCM")
        return "How to fix: this is a Firebase (FCM) registration token — the app uses the Firebase SDK (Messaging.messaging().token). Register it with provider FCM. If you meant APNs, send the token from didRegisterForRemoteNotificationsWithDeviceToken instead.";
      return "How to fix: this is an APNs device token (hex from an iPhone or iPad). Register it with provider APN, or take the FCM token from the Firebase SDK (getToken()) if you meant Firebase.";
    case "NOT_A_PUSH_TOKEN":
      return "How to fix: the app sent an identifier, not a push token. Send the value from the push registration callback (APNs deviceToken as hex, or the Firebase getToken() result).";
    case "LENGTH_MISMATCH":
      return "How to fix: the description was edited or cut while copying. Copy the token again from the device log, or better, make the app send it as hex.";
    case "ODD_LENGTH":
      return "How to fix: one hex digit is missing or extra — usually a copy-and-paste slip. Copy the token again.";
    case "INVALID_CHARACTER":
      return "How to fix: the highlighted character cannot be in a token. Check for a typo or a look-alike character pasted from a document or chat.";
    case "TOO_SHORT":
    case "TOO_LONG":
      return "How to fix: the token was cut off or two tokens were joined. Copy it again in one piece.";
    default:
      return null;
  }
}

/**
 * The part of `input` around code-point `position`, with that character in a <mark>.
 * Walks only as far as needed: cheap even for a 10,000-line paste.
 * @param {string} input
 * @param {number} position  a code-point index
 */
export function highlightExcerpt(input, position, context = 32) {
  /** @type {string[]} */
  const before = [];
  /** @type {string | null} */
  let mark = null;
  /** @type {string[]} */
  const after = [];
  let i = 0;
  let truncatedStart = false;
  let truncatedEnd = false;
  for (const ch of input) {
    if (i < position - context) truncatedStart = true;
    else if (i < position) before.push(ch);
    else if (i === position) mark = ch;
    else if (i <= position + context) after.push(ch);
    else {
      truncatedEnd = true;
      break;
    }
    i++;
  }
  const visible = (/** @type {string} */ ch) => {
    if (ch === "\n") return "⏎";
    if (ch === "\t") return "⇥";
    if (ch === " ") return "␠";
    if (ch === "\u00a0") return "⍽";
    return ch;
  };
  const shown = (/** @type {string[]} */ chars) => chars.join("").replace(/\r?\n/g, "⏎");
  const codePoint =
    mark === null
      ? null
      : `U+${/** @type {number} */ (mark.codePointAt(0)).toString(16).toUpperCase().padStart(4, "0")}`;
  return h(
    "div",
    { class: "excerpt", "aria-label": `Character ${position + 1}${codePoint ? ` (${codePoint})` : ""} is highlighted` },
    h(
      "code",
      null,
      truncatedStart ? "…" : "",
      shown(before),
      mark === null ? h("mark", { class: "end" }, "␄") : h("mark", { title: codePoint }, visible(mark)),
      shown(after),
      truncatedEnd ? "…" : "",
    ),
    h(
      "p",
      { class: "hint" },
      mark === null
        ? `Position ${position}: the end of the input.`
        : `Position ${position} (character ${position + 1}, ${codePoint}).`,
    ),
  );
}

/** Provider of a canonical token from inspectTokens: APNs canonical form is lowercase hex. */
export const providerOfCanonical = (/** @type {string} */ token) => (/^[0-9a-f]+$/.test(token) ? "APN" : "FCM");

/** Splits text into lines, keeping the 0-based line numbers inspectTokens uses. */
export const splitLines = (/** @type {string} */ text) => text.split(/\r?\n/);
