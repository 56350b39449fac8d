// @ts-check
// Feature 2: the token checker. Validates as you type with inspectToken (one call per animation
// frame at most, so even a 10,000-line paste stays responsive) and explains what it finds.
import { inspectToken } from "twilio-push-wasm";
import { h, replace, fmtNum } from "../lib/dom.js";
import { field, card, pageHeader } from "../lib/ui.js";
import { tokenReport } from "../lib/token-report.js";

const EXAMPLES = [
  ["<…> groups, upper case", "<965B251C 6CB1926D E3CB366F DB3F9AE4 A2D3E6B0 BBD8EB0B 9DCEA8D3 E4377C2B>", ""],
  ["iOS 13 description", "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }", ""],
  [
    "FCM token",
    "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh",
    "",
  ],
  [
    "FCM token checked as APN",
    "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh",
    "APN",
  ],
];

/**
 * Counts non-blank lines, stopping early: cheap on huge input.
 * @param {string} text
 */
function countLines(text, limit = Infinity) {
  let n = 0;
  let start = 0;
  while (start <= text.length && n < limit) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (text.slice(start, end).trim()) n++;
    start = end + 1;
  }
  return n;
}

/** The checker's input: one token, pasted or typed. */
function tokenInput() {
  return h("textarea", {
    rows: 4,
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    class: "mono",
    placeholder: "Paste a device token",
  });
}

/** The provider to check as: detected from the token unless chosen. */
function providerSelect() {
  return h(
    "select",
    null,
    h("option", { value: "" }, "Detect automatically"),
    h("option", { value: "APN" }, "APN (iOS)"),
    h("option", { value: "FCM" }, "FCM (Android, web)"),
  );
}

/**
 * What the output says about `value`: an invitation when empty, a pointer to Bulk import when it
 * holds several lines, otherwise the token's report.
 * @param {string} value
 * @param {string} provider  "" to detect
 * @param {(provider: string) => void} onUseProvider
 */
function checkResult(value, provider, onUseProvider) {
  if (!value.trim()) {
    return h(
      "p",
      { class: "muted" },
      "The result appears here as you type: the provider, the recognised format, the canonical token to store, and any problem with the exact character that causes it.",
    );
  }
  const lines = value.trim().includes("\n") ? countLines(value) : 1;
  if (lines > 1) {
    // Several tokens: that is all there is to say (no verdict on a "token" with newlines in it).
    return h(
      "div",
      { class: "alert alert-info", role: "status", "data-testid": "several-tokens" },
      `This looks like several tokens (${fmtNum(lines)} lines). The checker looks at one token: `,
      h("a", { href: "#/import" }, "use Bulk import"),
      " to check many at once.",
    );
  }
  const result = inspectToken(value, /** @type {"APN" | "FCM" | undefined} */ (provider || undefined));
  return tokenReport(result, value, { onUseProvider });
}

/**
 * The row of example buttons; `onPick(value, provider)` fills the form with one.
 * @param {(value: string, provider: string) => void} onPick
 */
function examplesRow(onPick) {
  return h(
    "div",
    { class: "examples" },
    h("span", { class: "muted" }, "Try: "),
    EXAMPLES.map(([label, value, p]) =>
      h("button", { class: "btn btn-small", type: "button", onclick: () => onPick(value, p) }, label),
    ),
  );
}

/** The token checker's view. */
export function create() {
  const input = tokenInput();
  const provider = providerSelect();
  const output = h("div", { class: "token-output", "aria-live": "polite", "data-testid": "token-output" });

  let frame = 0;
  function schedule() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      check();
    });
  }
  function check() {
    const started = performance.now();
    replace(
      output,
      checkResult(input.value, provider.value, (p) => {
        provider.value = p;
        check();
        provider.focus();
      }),
    );
    // User Timing entry: how long the check itself takes (tests hold it to a budget).
    performance.measure("token-check", { start: started });
  }
  input.addEventListener("input", schedule);
  provider.addEventListener("change", check);
  const examples = examplesRow((value, p) => {
    input.value = value;
    provider.value = p;
    check();
    input.focus();
  });

  const el = h(
    "div",
    null,
    pageHeader(
      "Token checker",
      "Check a push token the way the API will see it: APNs tokens in any common spelling, FCM registration tokens, and the usual mistakes.",
    ),
    card(
      "Token",
      h(
        "div",
        { class: "grid-2" },
        field({ label: "Device token", control: input, field: "token" }),
        field({
          label: "Provider",
          control: provider,
          field: "provider",
          hint: "Leave on automatic unless you know which service issued the token.",
        }),
      ),
      examples,
    ),
    card("Result", output),
  );
  check();
  return { el };
}
