// Feature 2: the token checker validates as you type: provider, format, canonical token (copy),
// byte length, warnings; errors with the offending character highlighted and a "how to fix"
// line; stays responsive with a 10,000-line paste. It needs no sign-in and calls no API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  screenshotsAtBothWidths,
  emulator,
  unexpected,
  paste,
} from "./support/stack.mjs";

const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const BRACKETED_UPPER = `<${HEX.toUpperCase().match(/.{8}/g).join(" ")}>`;
const FCM =
  "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

test("token checker: recognises, explains, highlights, copies; responsive with 10,000 lines", async () => {
  await emulator(stack, "/__emulator/log", { method: "DELETE" });
  const { page, context, problems } = await openApp(browser, stack, { hash: "#/tokens" });
  await page.getByRole("heading", { name: "Token checker" }).waitFor();
  const token = page.getByLabel("Device token");
  const provider = page.getByLabel("Provider");
  const output = page.getByTestId("token-output");

  // An accepted token in another spelling: canonical form, provider, format, length, warning.
  await token.fill(BRACKETED_UPPER);
  await output.getByText("Valid").waitFor();
  assert.equal(await output.getByTestId("provider").textContent(), "APN");
  assert.equal(await output.getByTestId("format").textContent(), "bracketed");
  assert.equal(await output.getByTestId("length").textContent(), "32 bytes");
  assert.equal(await output.getByTestId("canonical").textContent(), HEX);
  await output.getByText("UPPERCASE_HEX").waitFor();
  await output.getByRole("button", { name: "Copy canonical token" }).click();
  await page.getByText("Copied the canonical token").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), HEX);
  await screenshotsAtBothWidths(page, "token-checker-valid");

  // A typo: the offending character is highlighted at its position.
  await token.fill(`${HEX.slice(0, 63)}g`);
  await output.getByTestId("error-code").getByText("INVALID_CHARACTER").waitFor();
  assert.equal(await output.locator("mark").textContent(), "g");
  await output.getByText("Position 63 (character 64, U+0067).").waitFor();
  await output.getByText(/^How to fix:/).waitFor();

  // Non-ASCII before the error: the position counts code points, not UTF-16 units.
  // (The code is the same as the typo's: wait for this input's own mark, checked in the next frame.)
  await token.fill(`  ${HEX.slice(0, 10)}𝟘${HEX.slice(11)}`);
  await output.locator("mark", { hasText: "𝟘" }).waitFor();
  await output.getByTestId("error-code").getByText("INVALID_CHARACTER").waitFor();
  assert.equal(await output.locator("mark").textContent(), "𝟘");

  // The truncated iOS 13 description: the message and a fix a mobile developer can act on.
  await token.fill("{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }");
  await output.getByTestId("error-code").getByText("TRUNCATED_DESCRIPTION").waitFor();
  assert.match(await output.locator(".fix").textContent(), /How to fix: .*String\(format: "%02x", \$0\)/);
  assert.equal(await output.locator("mark").textContent(), ".");
  await screenshotsAtBothWidths(page, "token-checker-ios13");

  // An FCM token checked as APN: named, with the fix and a one-click re-check.
  await token.fill(FCM);
  await provider.selectOption("APN");
  await output.getByTestId("error-code").getByText("PROVIDER_MISMATCH").waitFor();
  assert.match(await output.locator(".fix").textContent(), /Firebase \(FCM\) registration token.*provider FCM/);
  await output.getByRole("button", { name: "Check it as FCM instead" }).click();
  await output.getByText("Valid").waitFor();
  assert.equal(await provider.inputValue(), "FCM");
  assert.equal(await output.getByTestId("canonical").textContent(), FCM);

  // A 10,000-line paste, then typing: the input is checked again as it changes, at most once per
  // frame (the User Timing entries the page records, "token-check", count the checks). Their durations are printed, not
  // asserted: time is measured by `make bench`, never by a test.
  await provider.selectOption("");
  const big = Array.from({ length: 10_000 }, (_, i) => i.toString(16).padStart(64, "0")).join("\n");
  await page.evaluate(() => performance.clearMeasures("token-check"));
  await paste(page, token, big);
  await output.getByText("This looks like several tokens (10,000 lines)").waitFor();
  // Several tokens: only that, and no error about a newline character.
  assert.equal(await output.getByTestId("error-code").count(), 0);
  assert.doesNotMatch(await output.textContent(), /newline|line break|NEWLINE/i);
  await output.getByRole("link", { name: "use Bulk import" }).waitFor();
  await token.press("End");
  await token.pressSequentially("abc", { delay: 30 });
  // Keystrokes that land in one frame share a check: two frames after the last one, it is checked.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const checks = await page.evaluate(() => performance.getEntriesByName("token-check").map((e) => e.duration));
  assert.ok(checks.length >= 2, `the paste and the typing were both checked (${checks.length} checks)`);
  console.log(`checks of the 10,000-line input: ${checks.map(Math.round).join(", ")} ms`);
  assert.equal((await token.inputValue()).length, big.length + 3);

  // The checker is local: no API request at all (and no sign-in was needed).
  assert.equal((await emulator(stack, "/__emulator/log")).requests.length, 0);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
