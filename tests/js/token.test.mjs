// The token API as a Node user sees it: imported by package name, no init call.
import { test } from "node:test";
import assert from "node:assert/strict";
import init, { normalizeToken, inspectToken, inspectTokens } from "twilio-push-wasm";

const HEX = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const FCM =
  "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
const groups = (h) => h.match(/.{8}/g).join(" ");

function throwsCode(fn, code, position) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, "a real Error");
    assert.equal(e.code, code, e.message);
    assert.equal(e.position, position);
    assert.ok(e.message.length > 20, "a message a person can act on");
    return e;
  }
  assert.fail(`expected ${code}`);
}

test("init() is a harmless no-op in Node", async () => {
  await init();
  assert.equal(normalizeToken(HEX), HEX);
});

test("normalizeToken accepts every APNs spelling", () => {
  for (const input of [
    HEX.toUpperCase(),
    `0x${HEX}`,
    groups(HEX),
    `<${groups(HEX)}>`,
    `{length = 32, bytes = 0x${groups(HEX)} }`,
    Buffer.from(HEX, "hex").toString("base64"),
    Buffer.from(HEX, "hex").toString("base64url"),
    new Uint8Array(Buffer.from(HEX, "hex")),
    ` ${HEX}\r\n`,
  ]) {
    assert.equal(normalizeToken(input), HEX, String(input));
    assert.equal(normalizeToken(input, "APN"), HEX, String(input));
  }
});

test("normalizeToken keeps FCM tokens exactly", () => {
  assert.equal(normalizeToken(`  ${FCM}\n`, "FCM"), FCM);
  assert.equal(normalizeToken(FCM), FCM);
});

test("errors carry code, message and position", () => {
  throwsCode(() => normalizeToken(`${HEX.slice(0, 20)}x${HEX.slice(21)}`), "INVALID_CHARACTER", 20);
  const e = throwsCode(
    () => normalizeToken("{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }"),
    "TRUNCATED_DESCRIPTION",
    42,
  );
  assert.match(e.message, /cannot be recovered/);
  assert.equal(e.name, "TokenError");
  throwsCode(() => normalizeToken("32 bytes"), "DESCRIPTION_WITHOUT_BYTES", undefined);
  throwsCode(() => normalizeToken(""), "EMPTY", undefined);
  throwsCode(() => normalizeToken(HEX.slice(1)), "ODD_LENGTH", undefined);
  throwsCode(() => normalizeToken(HEX.slice(2)), "TOO_SHORT", undefined);
  throwsCode(() => normalizeToken("ab".repeat(101)), "TOO_LONG", undefined);
  throwsCode(() => normalizeToken(`{length = 31, bytes = 0x${groups(HEX)} }`), "LENGTH_MISMATCH", undefined);
  const mismatch = throwsCode(() => normalizeToken(FCM, "APN"), "PROVIDER_MISMATCH", undefined);
  assert.match(mismatch.message, /FCM/);
  throwsCode(() => normalizeToken(HEX, "FCM"), "PROVIDER_MISMATCH", undefined);
  throwsCode(() => normalizeToken("ExponentPushToken[abc]"), "NOT_A_PUSH_TOKEN", undefined);
  throwsCode(() => normalizeToken("just some words"), "UNKNOWN_FORMAT", 0);
});

test("bad arguments are coded errors too", () => {
  for (const [args, field] of [
    [[HEX, "GCM"], "provider"],
    [[42], "input"],
    [[{ token: HEX }], "input"],
  ]) {
    try {
      normalizeToken(...args);
      assert.fail("should throw");
    } catch (e) {
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.equal(e.field, field);
    }
  }
});

test("inspectToken never throws for a bad token and reports everything", () => {
  const ok = inspectToken(`0X${groups(HEX.toUpperCase())}`);
  assert.deepEqual(ok, {
    ok: true,
    provider: "APN",
    token: HEX,
    format: "hex",
    byteLength: 32,
    error: null,
    warnings: ok.warnings,
  });
  assert.deepEqual(
    ok.warnings.map((w) => w.code),
    ["UPPERCASE_HEX", "HEX_PREFIX", "SEPARATORS"],
  );
  const bad = inspectToken(FCM, "APN");
  assert.equal(bad.ok, false);
  assert.equal(bad.provider, "FCM");
  assert.equal(bad.token, null);
  assert.equal(bad.format, null);
  assert.equal(bad.error.code, "PROVIDER_MISMATCH");
  assert.deepEqual(bad.warnings, []);
  assert.equal(inspectToken(FCM).format, "fcm");
  assert.equal(inspectToken(new Uint8Array(80).fill(1)).warnings[0].code, "NON_STANDARD_LENGTH");
  const typo = inspectToken(`${HEX.slice(0, 5)}\u0430${HEX.slice(6)}`);
  assert.equal(typo.error.position, 5);
});

test("inspectTokens checks many at once, by line or by array index", () => {
  const text = [HEX, "", HEX.toUpperCase(), "32 bytes", "  ", `<${groups(HEX)}>`, FCM, FCM].join("\r\n");
  const r = inspectTokens(text);
  assert.deepEqual(
    { total: r.total, valid: r.valid, invalid: r.invalid, duplicates: r.duplicates },
    { total: 6, valid: 5, invalid: 1, duplicates: 3 },
  );
  assert.deepEqual(
    r.errors.map((e) => [e.index, e.code]),
    [[3, "DESCRIPTION_WITHOUT_BYTES"]],
  );
  assert.deepEqual(r.duplicateOf, [
    { index: 2, firstIndex: 0 },
    { index: 5, firstIndex: 0 },
    { index: 7, firstIndex: 6 },
  ]);
  assert.equal(r.tokens, undefined);

  const list = inspectTokens([HEX, null, 7, new Uint8Array(32)], { provider: "APN", includeTokens: true });
  assert.deepEqual(list.tokens, [HEX, null, null, "00".repeat(32)]);
  assert.deepEqual(
    list.errors.map((e) => [e.index, e.code]),
    [
      [1, "EMPTY"],
      [2, "UNKNOWN_FORMAT"],
    ],
  );
  assert.throws(() => inspectTokens(HEX, { provider: "X" }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => inspectTokens(5), { code: "INVALID_ARGUMENT" });
});

test("inspectTokens gives every refused line the message inspectToken gives it", () => {
  // Messages with `…`, characters outside the BMP (two UTF-16 units) and other non-ASCII
  // characters, repeated and interleaved: the batch sends its distinct messages to JS as one
  // text cut at UTF-16 offsets, and remembers a few per code, so any offset or cache mistake
  // shows up as another line's message.
  const bad = [
    `${HEX.slice(0, 7)}😀${HEX.slice(8)}`,
    `${HEX.slice(0, 9)}é${HEX.slice(10)}`,
    "32 bytes",
    `${HEX.slice(0, 7)}😀${HEX.slice(8)}`,
    "{length = 32, bytes = 0x965b251c 6cb1926d ... 9dcea8d3 e4377c2b }",
    "ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]",
    `${HEX.slice(0, 3)}g${HEX.slice(4)}`,
    "not a token",
    `${HEX.slice(0, 9)}é${HEX.slice(10)}`,
    "6f1c4a8e-3d0b-4c5e-9a7f-2b8d1e6c0a94",
  ];
  const lines = [];
  for (let i = 0; i < 40; i++) lines.push(bad[i % bad.length], bad[(i * 7) % bad.length], HEX);
  const r = inspectTokens(lines.join("\n"));
  assert.equal(r.invalid, 80);
  for (const e of r.errors) {
    const alone = inspectToken(lines[e.index]).error;
    assert.deepEqual(
      { code: e.code, message: e.message, position: e.position },
      { code: alone.code, message: alone.message, position: alone.position },
      `line ${e.index}: ${lines[e.index]}`,
    );
  }
  assert.ok(r.errors.some((e) => e.message.includes("😀")));
});

test("a large batch is counted exactly", () => {
  const lines = [];
  for (let i = 0; i < 20000; i++) lines.push(i % 100 === 99 ? "zz" : i.toString(16).padStart(64, "0"));
  lines.push(lines[0].toUpperCase());
  const r = inspectTokens(lines.join("\n"));
  assert.equal(r.total, 20001);
  assert.equal(r.invalid, 200);
  assert.equal(r.duplicates, 1);
  assert.equal(r.errors.length, 200);
});

test("single calls stay correct after the wasm memory has grown", () => {
  const lines = [];
  for (let i = 0; i < 200000; i++) lines.push(i.toString(16).padStart(64, "0"));
  assert.equal(inspectTokens(lines.join("\n")).valid, 200000);
  for (let i = 0; i < 1000; i++) {
    const hex = (i * 7919).toString(16).padStart(64, "a");
    assert.equal(normalizeToken(hex.toUpperCase()), hex);
    assert.equal(normalizeToken(`<${hex.match(/.{8}/g).join(" ")}>`), hex);
    assert.equal(normalizeToken(FCM), FCM);
  }
  assert.throws(() => normalizeToken(`${HEX.slice(0, 63)}g`), { code: "INVALID_CHARACTER", position: 63 });
});

test("normalizeToken's usual call stays right when wasm memory grows under it", () => {
  const upper = HEX.toUpperCase();
  assert.equal(normalizeToken(HEX), HEX);
  assert.equal(normalizeToken(upper), HEX);
  // A large batch grows the wasm memory, which detaches every view of the old buffer.
  inspectTokens(`${HEX}\n`.repeat(100_000));
  assert.equal(normalizeToken(upper), HEX);
  assert.equal(normalizeToken(`<${groups(HEX)}>`), HEX);
  assert.equal(normalizeToken(` ${HEX}`), HEX);
  throwsCode(() => normalizeToken(`${HEX.slice(0, 63)}é`), "INVALID_CHARACTER", 63);
  throwsCode(() => normalizeToken("ab".repeat(101)), "TOO_LONG", undefined);
  throwsCode(() => normalizeToken("a".repeat(5000)), "TOO_LONG", undefined);
});
