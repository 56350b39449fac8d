// The directory Worker in workerd (Miniflare with D1, the emulator behind outboundService):
// migrations, idempotent registration in any spelling, moves between users (a send to the
// previous owner no longer reaches the device), token refresh, sign-out, bad input, and 200
// parallel registrations.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { applyMigrations } from "../../www/devices/migrate.mjs";
import { APP, hexTokens, startDirectory, tokensReachedBySend, twilioRegistrations } from "./support/directory.mjs";
import { assertNoSecrets } from "./support/secrets.mjs";

let s;
before(async () => {
  s = await startDirectory();
});
after(async () => {
  if (s) assertNoSecrets(s, s.logs, "logs");
  await s?.close();
});

const count = async (table, where = "1", ...args) =>
  (await s.sql(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ...args))[0].n;
const groups = (hex) => `<${hex.match(/.{8}/g).join(" ")}>`;

test("migrations are applied once and recorded like Wrangler's", async () => {
  const names = (await s.sql("SELECT name FROM d1_migrations")).map((r) => r.name);
  assert.deepEqual(names, ["0001_directory.sql", "0002_install_id.sql"]);
  assert.deepEqual(await applyMigrations(s.directory.db), [], "a second run applies nothing");
  assert.equal(await count("d1_migrations"), 2);
  const tables = (await s.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
  for (const t of ["devices", "locks", "token_events", "users"]) assert.ok(tables.includes(t), t);
});

test("PUT registers once; every spelling and repeat is the same device and Twilio user", async () => {
  const [t] = hexTokens(1, 1);
  const first = await s.app("PUT", { token: t.toUpperCase() }, { userId: "u-spell" });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.token, t);
  assert.equal(first.body.provider, "APN");
  assert.equal(first.body.userId, "u-spell");
  assert.equal(first.body.state, "active");
  assert.match(first.body.twilioUserId, /^comms_pushnotificationuser_/);
  assert.match(first.body.registrationId, /^comms_device_registration_/);
  assert.deepEqual(first.body.warnings, ["UPPERCASE_HEX"]);
  for (const spelling of [t, groups(t), `0x${t}`, t.toUpperCase()]) {
    const again = await s.app("PUT", { token: spelling, provider: "APN" }, { userId: "u-spell" });
    assert.equal(again.status, 200);
    assert.equal(again.body.deviceId, first.body.deviceId);
    assert.equal(again.body.twilioUserId, first.body.twilioUserId);
    assert.equal(again.body.changed, false, "a repeat changes nothing");
  }
  const post = await s.app("POST", { token: groups(t) }, { userId: "u-spell" });
  assert.equal(post.status, 200, "POST /devices is the same as PUT");
  assert.equal(post.body.deviceId, first.body.deviceId);
  assert.equal(await count("devices", "token = ?1", t), 1);
  const regs = await twilioRegistrations(s);
  assert.deepEqual(regs[first.body.twilioUserId], [t]);
});

test("a user's devices share one Twilio user and registration (APN and FCM)", async () => {
  const [a, b] = hexTokens(2, 2);
  const fcm = `cUserTwo0000000000000_:APA91b${"x".repeat(140)}`;
  const r1 = await s.app("PUT", { token: a }, { userId: "u-two" });
  const r2 = await s.app("PUT", { token: b }, { userId: "u-two" });
  const r3 = await s.app("PUT", { token: fcm, provider: "FCM" }, { userId: "u-two" });
  assert.equal(r3.status, 200, JSON.stringify(r3.body));
  assert.equal(r3.body.provider, "FCM");
  assert.equal(r2.body.twilioUserId, r1.body.twilioUserId);
  assert.equal(r3.body.twilioUserId, r1.body.twilioUserId);
  assert.equal(r3.body.registrationId, r1.body.registrationId);
  assert.deepEqual((await twilioRegistrations(s))[r1.body.twilioUserId], [a, b, fcm].sort());
  assert.equal(await count("users", "user_id = 'u-two' AND state = 'synced'"), 1);
});

test("A registers T, B registers T: T moves, and a send to A no longer addresses it", async () => {
  const [t, keep] = hexTokens(2, 3);
  const a1 = await s.app("PUT", { token: t }, { userId: "acct-a" });
  await s.app("PUT", { token: keep }, { userId: "acct-a" });
  const twilioA = a1.body.twilioUserId;
  assert.deepEqual(await tokensReachedBySend(s, twilioA), [keep, t].sort(), "before: A reaches both");

  const b = await s.app("PUT", { token: t.toUpperCase() }, { userId: "acct-b" });
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal(b.body.movedFrom, "acct-a");
  assert.equal(b.body.deviceId, a1.body.deviceId, "the device row is the same; its owner changed");
  assert.notEqual(b.body.twilioUserId, twilioA);

  assert.deepEqual(await tokensReachedBySend(s, twilioA), [keep], "a send to A does not address T");
  assert.deepEqual(await tokensReachedBySend(s, b.body.twilioUserId), [t]);
  const regs = await twilioRegistrations(s);
  assert.equal(
    Object.values(regs)
      .flat()
      .filter((x) => x === t).length,
    1,
    "T is in exactly one registration",
  );

  const events = await s.sql(
    "SELECT event, from_user, to_user FROM token_events WHERE device_id = ?1 ORDER BY id",
    a1.body.deviceId,
  );
  assert.deepEqual(
    events.map((e) => [e.event, e.from_user, e.to_user]),
    [
      ["registered", null, "acct-a"],
      ["moved", "acct-a", "acct-b"],
    ],
  );
  const raw = await s.sql("SELECT COUNT(*) AS n FROM token_events WHERE instr(detail, ?1) > 0 OR token_hash = ?1", t);
  assert.equal(raw[0].n, 0, "the history holds hashes, never the raw token");

  // Moving back and forth never leaves T in two registrations; A's only device leaving empties A.
  const [solo] = hexTokens(1, 4);
  const c = await s.app("PUT", { token: solo }, { userId: "acct-c" });
  await s.app("PUT", { token: solo }, { userId: "acct-d" });
  assert.deepEqual(await tokensReachedBySend(s, c.body.twilioUserId), [], "C has no device left");
});

test("token refresh: previousToken moves the same device to the new token", async () => {
  const [oldT, newT, other] = hexTokens(3, 5);
  const first = await s.app("PUT", { token: oldT }, { userId: "u-refresh" });
  const refreshed = await s.app("PUT", { token: newT, previousToken: oldT.toUpperCase() }, { userId: "u-refresh" });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.equal(refreshed.body.deviceId, first.body.deviceId, "rotation keeps the device ID");
  assert.deepEqual((await twilioRegistrations(s))[first.body.twilioUserId], [newT], "the old token left Twilio");
  assert.equal(await count("devices", "token = ?1", oldT), 0);
  assert.equal(await count("token_events", "device_id = ?1 AND event = 'token_rotated'", first.body.deviceId), 1);

  // The new token was registered before the app reported the rotation: the old row is retired.
  const x = await s.app("PUT", { token: other }, { userId: "u-refresh" });
  const [later] = hexTokens(1, 6);
  await s.app("PUT", { token: later }, { userId: "u-refresh" });
  const rotated = await s.app("PUT", { token: later, previousToken: other }, { userId: "u-refresh" });
  assert.equal(rotated.status, 200);
  const retired = await s.sql("SELECT status, user_id FROM devices WHERE device_id = ?1", x.body.deviceId);
  assert.deepEqual(retired, [{ status: "retired", user_id: null }]);
  assert.deepEqual((await twilioRegistrations(s))[first.body.twilioUserId], [newT, later].sort());

  // Someone else's token as previousToken is ignored: B cannot retire A's device.
  const [aT, bT] = hexTokens(2, 7);
  const a = await s.app("PUT", { token: aT }, { userId: "u-victim" });
  await s.app("PUT", { token: bT, previousToken: aT }, { userId: "u-attacker" });
  assert.deepEqual((await twilioRegistrations(s))[a.body.twilioUserId], [aT]);
});

test("token refresh by installId: the installation's new token rotates its row", async () => {
  const [t1, t2, t3] = hexTokens(3, 14);
  const a = await s.app("PUT", { token: t1, installId: "inst-1" }, { userId: "u-inst" });
  const same = await s.app("PUT", { token: t1, installId: "inst-1" }, { userId: "u-inst" });
  assert.equal(same.body.changed, false, "a launch with the same token and installId changes nothing");
  const b = await s.app("PUT", { token: t2, installId: "inst-1" }, { userId: "u-inst" });
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal(b.body.deviceId, a.body.deviceId);
  assert.deepEqual((await twilioRegistrations(s))[a.body.twilioUserId], [t2]);
  // Another user's installation is not rotated by this user.
  await s.app("PUT", { token: t3, installId: "inst-1" }, { userId: "u-inst-other" });
  assert.deepEqual((await twilioRegistrations(s))[a.body.twilioUserId], [t2]);
  const rows = await s.sql("SELECT token, install_id FROM devices WHERE token IN (?1, ?2)", t2, t3);
  assert.deepEqual(
    Object.fromEntries(rows.map((r) => [r.token, r.install_id])),
    { [t2]: null, [t3]: "inst-1" },
    "one row holds the installation ID",
  );
  const bad = await s.app("PUT", { token: t1, installId: "has space" }, { userId: "u-inst" });
  assert.deepEqual([bad.status, bad.body.code, bad.body.field], [400, "VALIDATION_ERROR", "installId"]);
});

test("sign-out: DELETE takes the device out of the user and of Twilio; repeats are no-ops", async () => {
  const [t, stay] = hexTokens(2, 8);
  const r = await s.app("PUT", { token: t }, { userId: "u-out" });
  await s.app("PUT", { token: stay }, { userId: "u-out" });
  const other = await s.app("DELETE", { token: t }, { userId: "u-someone-else" });
  assert.deepEqual([other.status, other.body.removed], [200, false], "only the owner signs a device out");
  const out = await s.app("DELETE", { token: groups(t) }, { userId: "u-out" });
  assert.equal(out.status, 200, JSON.stringify(out.body));
  assert.equal(out.body.removed, true);
  assert.deepEqual(await tokensReachedBySend(s, r.body.twilioUserId), [stay]);
  const again = await s.app("DELETE", { token: t }, { userId: "u-out" });
  assert.deepEqual([again.status, again.body.removed], [200, false]);
  const row = await s.sql("SELECT status, user_id FROM devices WHERE device_id = ?1", r.body.deviceId);
  assert.deepEqual(row, [{ status: "signed_out", user_id: null }], "the row stays for the history");
  // Signing in again on the same phone brings it back.
  const back = await s.app("PUT", { token: t }, { userId: "u-out" });
  assert.equal(back.body.deviceId, r.body.deviceId);
  assert.deepEqual(await tokensReachedBySend(s, r.body.twilioUserId), [stay, t].sort());
});

test("a 21st device evicts the user's least recently seen one (cap 20; Twilio's is 50)", async () => {
  const tokens = hexTokens(21, 13);
  let twilioUserId;
  for (const t of tokens) {
    const r = await s.app("PUT", { token: t }, { userId: "u-cap" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    twilioUserId = r.body.twilioUserId;
  }
  const live = (await s.sql("SELECT token FROM devices WHERE user_id = 'u-cap' AND status = 'active'")).map(
    (r) => r.token,
  );
  assert.equal(live.length, 20);
  const evicted = await s.sql(
    "SELECT d.token, e.from_user FROM token_events e JOIN devices d ON d.device_id = e.device_id WHERE e.event = 'evicted_limit'",
  );
  assert.equal(evicted.length, 1);
  assert.equal(evicted[0].from_user, "u-cap");
  assert.ok(!live.includes(evicted[0].token));
  assert.deepEqual((await twilioRegistrations(s))[twilioUserId], live.sort());
});

test("bad input: token core codes, 413, 415, bad JSON, unknown app — all JSON, nothing stored", async () => {
  const before = [await count("devices"), await count("users"), await count("token_events")];
  const cases = [
    [{ token: "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }" }, 400, "TRUNCATED_DESCRIPTION"],
    [{ token: `dqWD7WEC83K41WHyufTS7:APA91b${"a".repeat(100)}`, provider: "APN" }, 400, "PROVIDER_MISMATCH"],
    [{ token: "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2g" }, 400, "INVALID_CHARACTER"],
    [{ token: "hello" }, 400, "UNKNOWN_FORMAT"],
    [{ token: 42 }, 400, "VALIDATION_ERROR"],
    [{ token: hexTokens(1, 9)[0], provider: "WNS" }, 400, "VALIDATION_ERROR"],
    [{ token: hexTokens(1, 9)[0], appName: "Bad-App" }, 400, "VALIDATION_ERROR"],
    [{ token: hexTokens(1, 9)[0], appName: "no_such_app" }, 400, "APP_NOT_FOUND"],
    [{ token: hexTokens(1, 9)[0], previousToken: "nope" }, 400, "INVALID_CHARACTER"], // read as an APNs token
  ];
  for (const [body, status, code] of cases) {
    const r = await s.app("PUT", body, { userId: "u-bad" });
    assert.equal(r.status, status, JSON.stringify([body, r.body]));
    assert.equal(r.body.code, code);
  }
  const pos = await s.app(
    "PUT",
    { token: "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2g" },
    { userId: "u" },
  );
  assert.deepEqual([pos.body.field, pos.body.position], ["token", 63]);
  const big = await s.app("PUT", null, {
    userId: "u-bad",
    raw: JSON.stringify({ appName: APP, token: "a".repeat(20000) }),
  });
  assert.deepEqual([big.status, big.body.code], [413, "PAYLOAD_TOO_LARGE"]);
  const notJson = await s.app("PUT", null, { userId: "u-bad", raw: "{token:" });
  assert.deepEqual([notJson.status, notJson.body.code], [400, "INVALID_JSON"]);
  const arr = await s.app("PUT", null, { userId: "u-bad", raw: "[]" });
  assert.deepEqual([arr.status, arr.body.code], [400, "INVALID_JSON"]);
  const form = await s.app("PUT", {}, { userId: "u-bad", headers: { "content-type": "text/plain" } });
  assert.deepEqual([form.status, form.body.code], [415, "UNSUPPORTED_MEDIA_TYPE"]);
  const badUser = await s.app("PUT", { token: hexTokens(1, 9)[0] }, { userId: "null" });
  assert.deepEqual([badUser.status, badUser.body.code], [400, "USER_ID_INVALID"]);
  const reserved = await s.app("PUT", { token: hexTokens(1, 9)[0] }, { userId: "anonymous:x" });
  assert.equal(reserved.body.code, "USER_ID_INVALID");
  const wrongKey = await s.app("PUT", { token: hexTokens(1, 9)[0] }, { userId: "u", bearer: "not-the-app-key-000000" });
  assert.deepEqual([wrongKey.status, wrongKey.body.code], [401, "UNAUTHORIZED"]);
  const nope = await s.directory.request("/nope");
  assert.equal(nope.status, 404);
  assert.equal((await nope.json()).code, "NOT_FOUND");
  const get = await s.directory.request("/devices");
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "PUT, POST, DELETE");
  assert.deepEqual([await count("devices"), await count("users"), await count("token_events")], before);
});

test("without X-User-Id (development key only) each token is its own anonymous user", async () => {
  const [t] = hexTokens(1, 10);
  const r = await s.app("PUT", { token: t });
  assert.equal(r.status, 200);
  assert.match(r.body.userId, /^anonymous:[0-9a-f]{32}$/);
  const again = await s.app("PUT", { token: groups(t) });
  assert.equal(again.body.userId, r.body.userId);
  const out = await s.app("DELETE", { token: t });
  assert.equal(out.body.removed, true);
});

test("200 parallel PUTs over 20 tokens and 5 users: exactly 20 devices and 5 Twilio users", async () => {
  const tokens = hexTokens(20, 11);
  const users = ["p0", "p1", "p2", "p3", "p4"];
  const usersBefore = (await s.emu("/__emulator/stats")).body.users;
  const spell = [(t) => t, (t) => t.toUpperCase(), groups, (t) => `0x${t}`];
  const calls = Array.from({ length: 200 }, (_, i) => {
    const k = i % 20;
    return s.app("PUT", { token: spell[i % 4](tokens[k]) }, { userId: users[k % 5] });
  });
  const results = await Promise.all(calls);
  for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
  const inList = tokens.map(() => "?").join(",");
  assert.equal(await count("devices", `token IN (${inList}) AND status = 'active'`, ...tokens), 20);
  const rows = await s.sql(
    `SELECT user_id, twilio_user_id, state FROM users WHERE user_id IN ('p0','p1','p2','p3','p4')`,
  );
  assert.equal(rows.length, 5);
  assert.equal(new Set(rows.map((r) => r.twilio_user_id)).size, 5);
  assert.ok(rows.every((r) => r.state === "synced"));
  assert.equal((await s.emu("/__emulator/stats")).body.users - usersBefore, 5, "exactly 5 Twilio users were created");
  const regs = await twilioRegistrations(s);
  for (const [u, row] of users.map((u) => [u, rows.find((r) => r.user_id === u)])) {
    const mine = tokens.filter((_, k) => users[k % 5] === u).sort();
    assert.deepEqual(regs[row.twilio_user_id], mine, u);
  }
  // Every answer names the same device ID for the same token.
  const ids = new Map();
  for (const r of results) {
    const seen = ids.get(r.body.token);
    if (seen) assert.equal(r.body.deviceId, seen);
    ids.set(r.body.token, r.body.deviceId);
  }
  assert.equal(ids.size, 20);
});

test("two users claiming one token at once: one owner, and Twilio agrees", async () => {
  const [t] = hexTokens(1, 12);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => s.app("PUT", { token: t }, { userId: i % 2 ? "race-x" : "race-y" })),
  );
  for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
  const [row] = await s.sql("SELECT user_id FROM devices WHERE token = ?1", t);
  const owner = (await s.sql("SELECT twilio_user_id FROM users WHERE app = ?1 AND user_id = ?2", APP, row.user_id))[0];
  const regs = await twilioRegistrations(s);
  const holders = Object.entries(regs).filter(([, list]) => list.includes(t));
  assert.deepEqual(
    holders.map(([u]) => u),
    [owner.twilio_user_id],
  );
  const moves = await count("token_events", "event = 'moved' AND (from_user LIKE 'race-%')");
  assert.ok(moves >= 1);
});
