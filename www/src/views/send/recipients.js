// @ts-check
// The send form's recipients: device tokens (checked line by line as they are typed) and user
// IDs, with the running count of recipients.
import { inspectToken, inspectTokens } from "twilio-push-wasm";
import { h, replace, debounce, fmtNum } from "../../lib/dom.js";
import { field, card, chip, errorMessage } from "../../lib/ui.js";
import { providerOfCanonical, splitLines } from "../../lib/tokens.js";

export const MAX_PER_SEND = 10_000;
const DETAIL_LINES = 50; // up to this many lines, every line gets its own verdict
const MAX_LISTED_ERRORS = 100;

/**
 * @typedef {{ report: any, recipients: { token: string, provider: string }[], lineOf: number[],
 *   detail: { line: number, result: any }[] | null }} Checked
 */

/** @type {Checked} */
const EMPTY = {
  report: { total: 0, valid: 0, invalid: 0, duplicates: 0, errors: [], duplicateOf: [] },
  recipients: [],
  lineOf: [],
  detail: [],
};

/**
 * Checks the tokens textarea: one inspectTokens call, plus per-line detail for short lists.
 * @param {string} text
 * @returns {Checked}
 */
function checkTokens(text) {
  const report = inspectTokens(text, { includeTokens: true });
  const lines = splitLines(text);
  /** @type {{ token: string, provider: string }[]} */
  const recipients = [];
  /** @type {number[]} */
  const lineOf = [];
  const seen = new Set(report.duplicateOf.map((/** @type {any} */ d) => d.index));
  report.tokens?.forEach((/** @type {string | null} */ token, /** @type {number} */ index) => {
    if (token === null || seen.has(index)) return;
    recipients.push({ token, provider: providerOfCanonical(token) });
    lineOf.push(index + 1);
  });
  const detail =
    report.total <= DETAIL_LINES
      ? lines.flatMap((line, i) => (line.trim() ? [{ line: i + 1, result: inspectToken(line) }] : []))
      : null;
  return { report, recipients, lineOf, detail };
}

/**
 * "3 tokens: [3 valid] [1 duplicate (sent once)] · 2 APN, 1 FCM". Valid counts each device once.
 * @param {Checked} checked
 */
function summary({ report, recipients }) {
  const apn = recipients.filter((r) => r.provider === "APN").length;
  return h(
    "p",
    { class: "check-summary" },
    `${fmtNum(report.total)} token${report.total === 1 ? "" : "s"}: `,
    chip(`${fmtNum(recipients.length)} valid`, recipients.length ? "success" : "neutral"),
    " ",
    report.invalid ? chip(`${fmtNum(report.invalid)} invalid`, "danger") : null,
    " ",
    report.duplicates
      ? chip(`${fmtNum(report.duplicates)} duplicate${report.duplicates === 1 ? "" : "s"} (sent once)`, "warning")
      : null,
    ` · ${fmtNum(apn)} APN, ${fmtNum(recipients.length - apn)} FCM`,
  );
}

/**
 * One verdict per line (short lists).
 * @param {NonNullable<Checked["detail"]>} detail
 * @param {Map<number, number>} dupLines  line → the line it duplicates
 */
function lineVerdicts(detail, dupLines) {
  return h(
    "ol",
    { class: "line-list" },
    detail.map(({ line, result }) => {
      const dup = dupLines.get(line);
      const verdict = !result.ok
        ? h("span", null, chip(result.error.code, "danger"), " ", result.error.message)
        : dup
          ? h("span", null, chip("Duplicate", "warning"), ` of line ${dup}`)
          : h(
              "span",
              null,
              chip(result.provider, "success"),
              ` ${result.format}${result.warnings.length ? ` · ${result.warnings.map((/** @type {any} */ w) => w.code).join(", ")}` : ""}`,
            );
      return h(
        "li",
        { class: result.ok ? (dup ? "dup" : "ok") : "bad", "data-line": line },
        h("span", { class: "line-no" }, `Line ${line}`),
        verdict,
      );
    }),
  );
}

/**
 * The invalid lines only (long lists).
 * @param {any[]} errors
 */
function invalidLines(errors) {
  return h(
    "ol",
    { class: "line-list" },
    errors
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) =>
        h(
          "li",
          { class: "bad", "data-line": e.index + 1 },
          h("span", { class: "line-no" }, `Line ${e.index + 1}`),
          h("span", null, chip(e.code, "danger"), " ", e.message),
        ),
      ),
    errors.length > MAX_LISTED_ERRORS
      ? h("li", { class: "muted" }, `…and ${fmtNum(errors.length - MAX_LISTED_ERRORS)} more invalid lines.`)
      : null,
  );
}

/**
 * Recipients `first`..`first + n - 1` as the person sees them: token lines and user numbers.
 * @param {Checked} checked
 * @param {number} first
 * @param {number} n
 */
function describeRange(checked, first, n) {
  const tokenCount = checked.recipients.length;
  const parts = [];
  const lastToken = Math.min(first + n, tokenCount) - 1;
  if (first < tokenCount) parts.push(`token lines ${checked.lineOf[first]}–${checked.lineOf[lastToken]}`);
  if (first + n > tokenCount)
    parts.push(`users ${Math.max(first, tokenCount) - tokenCount + 1}–${first + n - tokenCount}`);
  return parts.join(" and ");
}

/**
 * Maps an error's `to[i]` field to the line or user it concerns.
 * @param {Checked} checked
 * @param {any} err
 */
function placeError(checked, err) {
  const m = /^to\[(\d+)\]/.exec(err?.field ?? "");
  if (!m) return err;
  const i = Number(m[1]);
  const tokenCount = checked.recipients.length;
  if (i < tokenCount) return { ...err, message: `Line ${checked.lineOf[i]}: ${errorMessage(err)}`, field: "tokens" };
  return { ...err, message: `User ${i - tokenCount + 1}: ${errorMessage(err)}`, field: "userIds" };
}

/** The card's inputs. */
function recipientInputs() {
  return {
    tokens: h("textarea", {
      rows: 6,
      class: "mono",
      spellcheck: "false",
      autocomplete: "off",
      autocapitalize: "off",
      placeholder: "One device token per line",
    }),
    tokenCheck: h("div", { class: "line-check", "aria-live": "polite", "data-testid": "recipient-check" }),
    userIds: h("textarea", {
      rows: 3,
      class: "mono",
      spellcheck: "false",
      autocomplete: "off",
      placeholder: "comms_pushnotificationuser_…",
    }),
    count: h("p", { class: "recipient-count", "aria-live": "polite" }),
  };
}

/**
 * The recipients card. `onCount(n)` is told the number of recipients after every change.
 * @param {{ onCount: (n: number) => void }} options
 */
export function recipientsCard({ onCount }) {
  const { tokens, tokenCheck, userIds, count } = recipientInputs();
  /** @type {Checked} */
  let checked = EMPTY;

  function renderTokenCheck() {
    if (!tokens.value.trim()) {
      checked = EMPTY;
      replace(tokenCheck);
    } else {
      checked = checkTokens(tokens.value);
      const { report, detail } = checked;
      const dupLines = new Map(report.duplicateOf.map((/** @type {any} */ d) => [d.index + 1, d.firstIndex + 1]));
      const list = detail ? lineVerdicts(detail, dupLines) : report.errors.length ? invalidLines(report.errors) : null;
      replace(tokenCheck, summary(checked), list);
    }
    renderCount();
  }
  const debouncedCheck = debounce(renderTokenCheck, 200);
  tokens.addEventListener("input", () => (tokens.value.length < 20_000 ? renderTokenCheck() : debouncedCheck()));

  const users = () => [
    ...new Set(
      splitLines(userIds.value)
        .map((/** @type {string} */ s) => s.trim())
        .filter(Boolean),
    ),
  ];
  function renderCount() {
    const n = checked.recipients.length + users().length;
    const t = checked.recipients.length;
    const u = users().length;
    const batches = Math.ceil(n / MAX_PER_SEND);
    count.textContent = n
      ? `${fmtNum(n)} recipient${n === 1 ? "" : "s"} (${fmtNum(t)} token${t === 1 ? "" : "s"}, ${fmtNum(u)} user${u === 1 ? "" : "s"})${batches > 1 ? ` — sent in ${batches} batches of up to ${fmtNum(MAX_PER_SEND)}` : ""}.`
      : "No recipients yet.";
    onCount(n);
  }
  userIds.addEventListener("input", renderCount);

  const el = card(
    "Recipients",
    field({
      label: "Device tokens",
      control: tokens,
      field: "tokens",
      hint: "One per line; APNs and FCM can be mixed — each token's provider is detected.",
      extra: tokenCheck,
    }),
    field({
      label: "User IDs",
      control: userIds,
      field: "userIds",
      hint: "One per line. Every device of each user in the sending app gets the push.",
    }),
    count,
  );

  return {
    el,
    /** Checks again now and returns the result. */
    check() {
      renderTokenCheck();
      return checked;
    },
    users,
    hasTokens: () => Boolean(tokens.value.trim()),
    /** @param {number} first @param {number} n */
    describeRange: (first, n) => describeRange(checked, first, n),
    /** @param {any} err */
    placeError: (err) => placeError(checked, err),
    cancel: () => debouncedCheck.cancel(),
  };
}
