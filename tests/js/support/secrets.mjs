// Secret scans: nothing a test run sees (responses, headers, log lines) may contain the admin
// token or the Twilio (emulator) secret, raw or inside a Basic credential.
import assert from "node:assert/strict";

/** The strings that must never appear, for a stack from scripts/dev.mjs. */
export function secretsOf(stack) {
  const secrets = [stack.adminToken, ...(stack.emulator?.secrets ?? [])];
  // A Basic header carries base64(user:password); look for the password's encoding too, at the
  // three alignments base64 can give it.
  for (const s of stack.emulator?.secrets ?? []) {
    for (const pad of ["", "x", "xx"]) secrets.push(Buffer.from(`${pad}:${s}`).toString("base64").slice(4, -4));
  }
  return secrets.filter((s) => s && s.length >= 8);
}

/** Fails if any of `texts` contains a secret of `stack`. */
export function assertNoSecrets(stack, texts, what = "output") {
  const secrets = secretsOf(stack);
  for (const t of texts) {
    for (const s of secrets) {
      if (t.includes(s)) assert.fail(`a secret appeared in the ${what}`);
    }
  }
}
