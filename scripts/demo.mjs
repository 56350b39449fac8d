#!/usr/bin/env node
// @ts-check
// Inspects tokens given on stdin (one per line) with the built package; with no input on a
// terminal, inspects a few typical ones.
import { inspectTokens, inspectToken } from "twilio-push-wasm";
import { readFileSync } from "node:fs";

const samples = [
  "<965b251c 6cb1926d e3cb366f db3f9ae4 a2d3e6b0 bbd8eb0b 9dcea8d3 e4377c2b>",
  "965B251C6CB1926DE3CB366FDB3F9AE4A2D3E6B0BBD8EB0B9DCEA8D3E4377C2B",
  "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }",
  "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh",
  "32 bytes",
];
const piped = process.stdin.isTTY ? "" : readFileSync(0, "utf8");
const text = piped.trim() ? piped : samples.join("\n");
const lines = text.split(/\r?\n/);
for (const [i, line] of lines.entries()) {
  if (!line.trim()) continue;
  const r = inspectToken(line);
  const head = r.ok
    ? `${r.provider} ${r.format}${r.byteLength ? ` ${r.byteLength} bytes` : ""} → ${r.token}`
    : `${r.error.code}${r.error.position !== undefined ? ` at ${r.error.position}` : ""}: ${r.error.message}`;
  console.log(`${i}: ${head}`);
  for (const w of r.warnings) console.log(`   warning ${w.code}: ${w.message}`);
}
const s = inspectTokens(text);
console.log(`\n${s.total} tokens: ${s.valid} valid, ${s.invalid} invalid, ${s.duplicates} duplicates`);
