// Failures between the two stores: Twilio failing after the D1 write, D1 failing after Twilio
// succeeded, D1 unavailable. The row says `pending` and the next call or a reconcile finishes
// it; a token is never left in two users' registrations.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { APP, hexTokens, startDirectory, tokensReachedBySend, twilioRegistrations } from "./support/directory.mjs";

let s;
before(async () => {
  s = await startDirectory();
});
after(async () => {
  await s?.close();
});

const faults = (body) =>
  s.emu("/__emulator/faults", {
    method: body ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
const device = async (t) => (await s.sql("SELECT * FROM devices WHERE token = ?1", t))[0];
const user = async (u) => (await s.sql("SELECT * FROM users WHERE app = ?1 AND user_id = ?2", APP, u))[0];
const registrations = async (method) =>
  (await s.emu("/__emulator/log")).body.requests.filter(
    (r) => r.path.startsWith("/v1/PushNotifications/DeviceRegistrations") && (!method || r.method === method),
  ).length;

test("Twilio fails after the D1 write: 202 pending, then the next call finishes it", async () => {
  const [t] = hexTokens(1, 30);
  await s.app("PUT", { token: hexTokens(1, 39)[0] }, { userId: "warm-up" }); // the app check is cached
  await faults({ next: ["500"], match: { method: "POST", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" } });
  const r = await s.app("PUT", { token: t }, { userId: "f-twilio" });
  await faults(null);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.state, "pending");
  assert.equal(r.body.error.code, "TWILIO_FAILED");
  assert.equal((await device(t)).status, "pending");
  const u = await user("f-twilio");
  assert.equal(u.state, "pending");
  assert.match(u.last_error, /TWILIO_FAILED/);
  assert.equal(u.twilio_user_id, null, "no registration is claimed that does not exist");

  const again = await s.app("PUT", { token: t }, { userId: "f-twilio" });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.state, "active");
  assert.deepEqual((await twilioRegistrations(s))[again.body.twilioUserId], [t]);
});

test("Twilio fails after the D1 write: a reconcile finishes it", async () => {
  const [t] = hexTokens(1, 31);
  await faults({ next: ["500"], match: { method: "POST", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" } });
  const r = await s.app("PUT", { token: t }, { userId: "f-reconcile" });
  await faults(null);
  assert.equal(r.status, 202);
  const rec = await s.admin("reconcile", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appName: APP }),
  });
  assert.equal(rec.status, 200, JSON.stringify(rec.body));
  assert.ok(rec.body.synced >= 1);
  assert.deepEqual(rec.body.failed, []);
  const u = await user("f-reconcile");
  assert.equal(u.state, "synced");
  assert.equal((await device(t)).status, "active");
  assert.deepEqual((await twilioRegistrations(s))[u.twilio_user_id], [t]);
});

test("a move whose removal fails stays pending and never puts the token in two registrations", async () => {
  const [t, keep] = hexTokens(2, 32);
  const a = await s.app("PUT", { token: t }, { userId: "m-a" });
  await s.app("PUT", { token: keep }, { userId: "m-a" });
  await faults({ next: ["500"], match: { method: "DELETE", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" } });
  const b = await s.app("PUT", { token: t }, { userId: "m-b" });
  await faults(null);
  assert.equal(b.status, 202, JSON.stringify(b.body));
  assert.equal(b.body.state, "pending");
  assert.equal(b.body.movedFrom, "m-a");
  const holders = Object.entries(await twilioRegistrations(s)).filter(([, list]) => list.includes(t));
  assert.deepEqual(
    holders.map(([u]) => u),
    [a.body.twilioUserId],
    "still only under A until A's rewrite succeeds",
  );
  assert.equal((await user("m-a")).state, "pending");

  const rec = await s.admin("reconcile", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.deepEqual(rec.body.failed, []);
  assert.deepEqual(await tokensReachedBySend(s, a.body.twilioUserId), [keep]);
  const bUser = await user("m-b");
  assert.equal(bUser.state, "synced");
  assert.deepEqual(await tokensReachedBySend(s, bUser.twilio_user_id), [t]);
});

test("a lost response (the register applied, the answer dropped) is retried without duplicates", async () => {
  const [t] = hexTokens(1, 33);
  await faults({
    next: ["drop-after"],
    match: { method: "POST", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" },
  });
  const r = await s.app("PUT", { token: t }, { userId: "f-drop" });
  await faults(null);
  assert.ok(r.status === 200 || r.status === 202, JSON.stringify(r.body));
  if (r.status === 202) assert.equal((await s.app("PUT", { token: t }, { userId: "f-drop" })).status, 200);
  const regs = await twilioRegistrations(s);
  assert.equal(
    Object.values(regs)
      .flat()
      .filter((x) => x === t).length,
    1,
  );
  const u = await user("f-drop");
  assert.deepEqual(regs[u.twilio_user_id], [t]);
});

test("D1 fails after Twilio succeeded: 503, the row stays pending, the next call finishes it", async () => {
  const [t] = hexTokens(1, 34);
  await s.d1Faults({ match: "SET state = 'synced'", times: 1 });
  const r = await s.app("PUT", { token: t }, { userId: "f-d1" });
  const rule = await s.d1Faults(null);
  assert.equal(rule.rule?.tripped ?? 1, 1);
  assert.equal(r.status, 503, JSON.stringify(r.body));
  assert.equal(r.body.code, "DIRECTORY_UNAVAILABLE");
  assert.equal((await device(t)).status, "pending");
  const u = await user("f-d1");
  assert.equal(u.state, "pending");
  assert.ok(u.twilio_user_id, "the Twilio user made before the failure is recorded");
  assert.deepEqual((await twilioRegistrations(s))[u.twilio_user_id], [t], "Twilio has it");

  const registersBefore = await registrations("POST");
  const again = await s.app("PUT", { token: t }, { userId: "f-d1" });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.state, "active");
  assert.equal(await registrations("POST"), registersBefore, "Twilio already had it: nothing registered twice");
});

test("D1 unavailable: 503 JSON everywhere, nothing sent to Twilio", async () => {
  const [t] = hexTokens(1, 35);
  const before = await registrations();
  await s.d1Faults({});
  try {
    const put = await s.app("PUT", { token: t }, { userId: "f-down" });
    assert.deepEqual([put.status, put.body.code], [503, "DIRECTORY_UNAVAILABLE"]);
    const del = await s.app("DELETE", { token: t }, { userId: "f-down" });
    assert.deepEqual([del.status, del.body.code], [503, "DIRECTORY_UNAVAILABLE"]);
    const look = await s.admin(`lookup?q=${t}`);
    assert.deepEqual([look.status, look.body.code], [503, "DIRECTORY_UNAVAILABLE"]);
    const health = await s.directory.request("/health");
    assert.equal(health.status, 503);
    assert.equal(health.headers.get("content-type"), "application/json");
  } finally {
    await s.d1Faults(null);
  }
  assert.equal(await registrations(), before, "no Twilio call while D1 is down");
  assert.equal((await s.sql("SELECT COUNT(*) AS n FROM devices WHERE token = ?1", t))[0].n, 0);
  const ok = await s.directory.request("/health");
  assert.equal(ok.status, 200);
});

test("send to your users while a move is unfinished: neither side is sent to until Twilio is in step", async () => {
  const [t] = hexTokens(1, 36);
  await s.app("PUT", { token: t }, { userId: "s-a" });
  const deletes = {
    rate: 1,
    kinds: ["500"],
    match: { method: "DELETE", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" },
  };
  /** One send to both users, through the admin side's send-to-your-user. */
  const sendToBoth = () =>
    s.admin("send", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        appName: APP,
        to: [{ userId: "s-a" }, { userId: "s-b" }],
        content: { title: "x", body: "y" },
      }),
    });
  await faults(deletes);
  try {
    const moved = await s.app("PUT", { token: t }, { userId: "s-b" });
    assert.equal(moved.status, 202);
    const sendsBefore = (await s.emu("/__emulator/stats")).body.sends;
    const r = await sendToBoth();
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.recipients.map((x) => [x.userId, x.status]),
      [
        ["s-a", "pending"],
        ["s-b", "pending"],
      ],
    );
    assert.equal((await s.emu("/__emulator/stats")).body.sends, sendsBefore, "nothing was sent");
  } finally {
    await faults(null);
  }
  const after = await sendToBoth();
  assert.deepEqual(
    after.body.recipients.map((x) => [x.userId, x.status]),
    [
      ["s-a", "no_devices"],
      ["s-b", "sent"],
    ],
    "once Twilio is reachable the send brings both in step first",
  );
});

test("the Cron Trigger finishes what Twilio did not confirm", async () => {
  const [t] = hexTokens(1, 37);
  await faults({ next: ["500"], match: { method: "POST", pathPrefix: "/v1/PushNotifications/DeviceRegistrations" } });
  const r = await s.app("PUT", { token: t }, { userId: "f-cron" });
  await faults(null);
  assert.equal(r.status, 202);
  assert.equal((await user("f-cron")).state, "pending");
  await s.directory.scheduled();
  const u = await user("f-cron");
  assert.equal(u.state, "synced");
  assert.deepEqual((await twilioRegistrations(s))[u.twilio_user_id], [t]);
});
