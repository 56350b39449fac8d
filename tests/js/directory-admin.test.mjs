// The directory's admin side through the admin Worker (/api/directory/… → service binding):
// the admin token, look-up by token in any spelling or by your user ID, the user list, the
// mapping export, send to your user IDs, admin removal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { APP, hexTokens, startDirectory } from "./support/directory.mjs";
import { assertNoSecrets } from "./support/secrets.mjs";

let s;
let tokens;
before(async () => {
  s = await startDirectory();
  tokens = hexTokens(4, 40);
  const put = async (user, token) => {
    const r = await s.app("PUT", { token }, { userId: user });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  await put("alice", tokens[0]);
  await put("alice", tokens[1]);
  await put("bob", tokens[2]);
  await put("carol", tokens[3]);
  await put("bob", tokens[3]); // moved from carol
});
after(async () => {
  if (s) assertNoSecrets(s, s.logs, "logs");
  await s?.close();
});

const json = (body) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

test("the admin routes need the admin token; unknown routes are JSON 404", async () => {
  const none = await fetch(`${s.url}/api/directory/lookup?q=alice`);
  assert.equal(none.status, 401);
  assert.equal((await none.json()).code, "UNAUTHORIZED");
  const wrong = await s.admin("lookup?q=alice", { headers: { authorization: `Bearer ${"x".repeat(40)}` } });
  assert.equal(wrong.status, 401);
  const appKey = await s.admin("lookup?q=alice", { headers: { authorization: `Bearer ${s.directory.appKey}` } });
  assert.equal(appKey.status, 401, "the app key is not an admin credential");
  for (const path of ["nope", "Lookup", "lookup/x", "..%2Fdevices"]) {
    const r = await s.admin(path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.code, "NOT_FOUND");
  }
  // The app endpoints do not take the admin token either.
  const asApp = await s.app("PUT", { token: tokens[0] }, { userId: "mallory", bearer: s.adminToken });
  assert.equal(asApp.status, 401);
});

test("look-up by token in any spelling: the device, its owner, and the move in its history", async () => {
  const spelled = `<${tokens[3].toUpperCase().match(/.{8}/g).join(" ")}>`;
  const r = await s.admin(`lookup?q=${encodeURIComponent(spelled)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.token.token, tokens[3]);
  assert.equal(r.body.devices.length, 1);
  assert.equal(r.body.devices[0].userId, "bob");
  const bob = r.body.users.find((u) => u.userId === "bob");
  assert.match(bob.twilioUserId, /^comms_pushnotificationuser_/);
  assert.deepEqual(bob.devices.map((d) => d.token).sort(), [tokens[2], tokens[3]].sort());
  assert.deepEqual(
    r.body.history.map((e) => [e.event, e.fromUser, e.toUser]),
    [
      ["moved", "carol", "bob"],
      ["registered", null, "carol"],
    ],
  );
});

test("look-up by your user ID or the Twilio user ID; the user list has counts and last seen", async () => {
  const r = await s.admin("lookup?q=alice");
  assert.equal(r.status, 200);
  assert.equal(r.body.token, null);
  assert.equal(r.body.users.length, 1);
  const alice = r.body.users[0];
  assert.equal(alice.devices.length, 2);
  assert.equal(alice.state, "synced");
  assert.ok(alice.devices.every((d) => d.lastSeenAt && d.status === "active"));
  const byTwilio = await s.admin(`lookup?q=${alice.twilioUserId}`);
  assert.equal(byTwilio.body.users[0].userId, "alice");
  const carol = (await s.admin("lookup?q=carol")).body.users[0];
  assert.equal(carol.devices.length, 0);
  assert.deepEqual(
    carol.history.map((e) => e.event),
    ["moved", "registered"],
  );

  const list = await s.admin(`users?appName=${APP}&limit=2`);
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.users.map((u) => [u.userId, u.deviceCount]),
    [
      ["alice", 2],
      ["bob", 2],
    ],
  );
  assert.equal(list.body.next, "bob");
  const rest = await s.admin(`users?appName=${APP}&after=bob`);
  assert.deepEqual(
    rest.body.users.map((u) => [u.userId, u.deviceCount, u.lastSeenAt]),
    [["carol", 0, null]],
  );
});

test("export: JSON and CSV of your user ID, Twilio user ID and tokens", async () => {
  const j = await s.admin(`export?appName=${APP}&format=json`);
  assert.equal(j.status, 200);
  const alice = j.body.users.find((u) => u.userId === "alice");
  assert.deepEqual(alice.devices.map((d) => d.token).sort(), [tokens[0], tokens[1]].sort());
  const c = await s.admin(`export?appName=${APP}&format=csv`);
  assert.equal(c.status, 200);
  assert.match(c.headers.get("content-type"), /^text\/csv/);
  assert.match(c.headers.get("content-disposition"), /attachment; filename="directory-demo_app\.csv"/);
  const lines = c.body.trim().split("\r\n");
  assert.equal(lines[0], "appName,userId,twilioUserId,registrationId,state,provider,token,deviceStatus,lastSeenAt");
  assert.equal(lines.length, 1 + 5, "4 device lines and carol's empty line");
  assert.ok(
    lines.some(
      (l) =>
        l.startsWith(`demo_app,bob,${j.body.users.find((u) => u.userId === "bob").twilioUserId},`) &&
        l.includes(tokens[3]),
    ),
  );
  const bad = await s.admin(`export?format=xml`);
  assert.equal(bad.status, 400);
});

test("send to your user IDs: mapped, unknown reported, nothing sent twice", async () => {
  const sendsBefore = (await s.emu("/__emulator/stats")).body.sends;
  const r = await s.admin(
    "send",
    json({
      appName: APP,
      to: [{ userId: "alice" }, { userId: "bob" }, { userId: "nobody" }, { userId: "alice" }, { userId: "carol" }],
      content: { title: "Hi", body: "From the directory" },
    }),
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(
    r.body.recipients.map((x) => [x.userId, x.status]),
    [
      ["alice", "sent"],
      ["bob", "sent"],
      ["nobody", "unknown"],
      ["alice", "duplicate"],
      ["carol", "no_devices"],
    ],
  );
  assert.equal(r.body.operations.length, 1);
  assert.equal((await s.emu("/__emulator/stats")).body.sends - sendsBefore, 1, "one send request");
  const list = await s.emu(`/v1/PushNotifications?operationId=${r.body.operations[0]}`, {
    headers: { authorization: s.emulatorAuthorization },
  });
  const reached = list.body.pushNotifications.map((n) => n.to.token).sort();
  assert.deepEqual(reached, [...tokens].sort(), "each device once; carol's old token only through bob");
  const bad = await s.admin("send", json({ appName: APP, to: [], content: { title: "x", body: "y" } }));
  assert.deepEqual([bad.status, bad.body.code], [400, "VALIDATION_ERROR"]);
  const invalid = await s.admin("send", json({ appName: APP, to: [{ userId: "alice" }], content: { nope: 1 } }));
  assert.deepEqual([invalid.status, invalid.body.code], [400, "VALIDATION_ERROR"]);
});

test("admin removal of a device by token", async () => {
  const r = await s.admin("devices", {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appName: APP, token: tokens[1].toUpperCase() }),
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.removed, true);
  const alice = (await s.admin("lookup?q=alice")).body.users[0];
  assert.deepEqual(
    alice.devices.filter((d) => d.status === "active").map((d) => d.token),
    [tokens[0]],
  );
  assert.equal(alice.history[0].event, "admin_removed");
});

test("admin import: PUT devices registers on behalf of your user ID (source import); bad IDs refused", async () => {
  const [t] = hexTokens(1, 41);
  const put = (body) =>
    s.admin("devices", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const r = await put({ appName: APP, token: t.toUpperCase(), userId: "imported-1" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.userId, "imported-1");
  const again = await put({ appName: APP, token: t, userId: "imported-1" });
  assert.equal(again.body.twilioUserId, r.body.twilioUserId);
  assert.equal(again.body.changed, false);
  const user = (await s.admin("lookup?q=imported-1")).body.users[0];
  assert.equal(user.source, "import");
  assert.equal(user.history[0].actor, "admin:import");
  const bad = await put({ appName: APP, token: hexTokens(1, 42)[0], userId: " padded" });
  assert.deepEqual([bad.status, bad.body.code], [400, "USER_ID_INVALID"]);
  const health = await s.admin("health");
  assert.deepEqual(health.body, { status: "ok", database: "ok" });
});
