// The proxy attack corpus (tests/corpus/proxy-attacks.json) against the proxy in workerd:
// every case gets a 4xx JSON answer with a clear code, never a 5xx, and nothing reaches the
// emulator. Requests are written with node:http so that paths, methods and headers arrive
// exactly as written (no URL normalization by a fetch implementation).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { resolve } from "node:path";
import { startStack } from "../../scripts/dev.mjs";
import { assertNoSecrets } from "./support/secrets.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const corpus = JSON.parse(readFileSync(resolve(ROOT, "tests/corpus/proxy-attacks.json"), "utf8"));
const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

let stack;
before(async () => {
  stack = await startStack({ vars: { ALLOWED_ORIGINS: "https://admin.example" } });
});
after(async () => stack?.close());

function authHeader(spec, token) {
  if (spec === "none") return undefined;
  if (spec === "valid") return `Bearer ${token}`;
  const half = token.slice(0, token.length / 2);
  const wrong = token.replace(/./g, (c) => (c === "0" ? "1" : "0"));
  return spec
    .replaceAll("{token}", token)
    .replaceAll("{wrong}", wrong)
    .replaceAll("{prefix}", half)
    .replaceAll("{wrongtail}", wrong.slice(half.length))
    .replaceAll("{upper}", token.toUpperCase())
    .replaceAll("{basic}", Buffer.from(`admin:${token}`).toString("base64"))
    .replaceAll("{tail}", token.slice(1))
    .replaceAll("{empty}", "");
}

function bodyOf(c) {
  if (c.bodyBase64) return Buffer.from(c.bodyBase64, "base64");
  if (c.bodyRepeat) return Buffer.from(c.bodyRepeat.chunk.repeat(c.bodyRepeat.times));
  if (c.generate?.recipients) {
    return Buffer.from(
      JSON.stringify({
        to: Array(c.generate.recipients).fill({ token: HEX, provider: "APN" }),
        content: { title: "x" },
      }),
    );
  }
  if (c.generate?.nested) {
    const [open, close] = c.generate.nested === "arrays" ? ["[", "]"] : ['{"a":', "}"];
    const inner = c.generate.nested === "arrays" ? "" : "1";
    return Buffer.from(
      `{"${c.generate.field}":${open.repeat(c.generate.depth)}${inner}${close.repeat(c.generate.depth)}}`,
    );
  }
  return c.body === undefined ? null : Buffer.from(c.body);
}

function send(c) {
  const { hostname, port } = new URL(stack.url);
  const body = bodyOf(c);
  const headers = { ...(c.headers ?? {}) };
  const declared = headers["x-declare-length"];
  delete headers["x-declare-length"];
  const auth = authHeader(c.auth, stack.adminToken);
  if (auth !== undefined) headers.authorization = auth;
  if (body) headers["content-length"] = declared ?? String(body.length);
  return new Promise((resolveResult, reject) => {
    // A request whose body is never completed leaves its connection unusable (HTTP framing), so
    // it gets a connection of its own; every other case shares keep-alive connections.
    const agent = declared ? false : undefined;
    const req = httpRequest({ hostname, port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () =>
        resolveResult({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    // A body declared larger than sent is refused from its headers alone.
    if (body && !declared) req.write(body);
    req.end();
  });
}

test(`the attack corpus: ${corpus.cases.length} cases, all refused with a 4xx JSON answer, nothing forwarded`, async () => {
  assert.ok(corpus.cases.length >= 200);
  await stack.emulator.request("/__emulator/log", { method: "DELETE" });
  const sendsBefore = (await stack.emulator.request("/__emulator/stats")).body.sends;
  const failures = [];
  const codes = new Map();
  const seen = [];
  for (const c of corpus.cases) {
    let r;
    try {
      r = await send(c);
    } catch (e) {
      failures.push(`${c.category}/${c.name}: connection error ${e.message}`);
      continue;
    }
    seen.push(r.text, JSON.stringify(r.headers));
    let json = null;
    try {
      json = JSON.parse(r.text);
    } catch {
      // fall through
    }
    if (r.status < 400 || r.status >= 500)
      failures.push(`${c.category}/${c.name}: status ${r.status} ${r.text.slice(0, 160)}`);
    else if (!json || typeof json.code !== "string" || !json.message)
      failures.push(`${c.category}/${c.name}: not a coded JSON error: ${r.text.slice(0, 160)}`);
    else codes.set(json.code, (codes.get(json.code) ?? 0) + 1);
    if (/set-cookie|x-injected/i.test(Object.keys(r.headers).join(" ")))
      failures.push(`${c.category}/${c.name}: injected header`);
  }
  assert.deepEqual(failures, []);
  assertNoSecrets(stack, seen, "answers");
  assertNoSecrets(stack, stack.logs, "logs");
  const log = (await stack.emulator.request("/__emulator/log")).body.requests;
  assert.deepEqual(log, [], "nothing reached the emulator");
  assert.equal((await stack.emulator.request("/__emulator/stats")).body.sends, sendsBefore);
  // The answers are specific: many different codes, not one catch-all.
  for (const code of [
    "UNAUTHORIZED",
    "INVALID_JSON",
    "VALIDATION_ERROR",
    "METHOD_NOT_ALLOWED",
    "NOT_FOUND",
    "PAYLOAD_TOO_LARGE",
    "UNSUPPORTED_MEDIA_TYPE",
    "UNKNOWN_QUERY_PARAMETER",
    "INVALID_BODY",
    "ORIGIN_NOT_ALLOWED",
  ]) {
    assert.ok(codes.get(code) > 0, `code ${code} was used (${JSON.stringify(Object.fromEntries(codes))})`);
  }
});
