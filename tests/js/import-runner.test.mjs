// The bulk import runner (www/src/lib/import-runner.js) against a fake client: every row gets
// exactly one final answer, Notify identities share the user ID their first device brings back
// (also when that device fails), transient failures go round once, and a cancel accounts for
// every row that never went out. Rows are taken from the source one at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createImportRunner, arraySource } from "../../www/src/lib/import-runner.js";

const row = (line, extra = {}) => ({
  index: line,
  line,
  raw: `tok-${line}`,
  token: `tok-${line}`,
  provider: "APN",
  appName: null,
  userId: null,
  identity: null,
  status: "pending",
  attempts: 0,
  ...extra,
});

/**
 * A client that registers devices in memory; `fail(params)` may throw for a request.
 * @param {(params: any, calls: number) => any} [fail]  `calls`: earlier requests for the token
 */
function fakeClient(fail = () => {}) {
  const registered = [];
  const users = new Map();
  const attempts = new Map();
  let next = 0;
  return {
    registered,
    async registerDevice(params) {
      await new Promise((r) => setTimeout(r, 1));
      const calls = attempts.get(params.token) ?? 0;
      attempts.set(params.token, calls + 1);
      fail(params, calls);
      const id = `reg-${next++}`;
      users.set(id, params.userId ?? `user-for-${params.token}`);
      registered.push({ ...params, id });
      return { resourceId: id };
    },
    async getDeviceRegistration({ deviceRegistrationId }) {
      return { userId: users.get(deviceRegistrationId) };
    },
  };
}

/** Each row's final answer, by line, as onRowDone saw it. */
function answers() {
  const byLine = new Map();
  return {
    byLine,
    onRowDone: async (r) => {
      assert.ok(!byLine.has(r.line), `line ${r.line} answered once`);
      byLine.set(r.line, r.status);
    },
  };
}

test("every row is registered once; a source is read one row at a time", async () => {
  const rows = Array.from({ length: 200 }, (_, i) => row(i + 1));
  const source = arraySource(rows);
  let peak = 0;
  const client = fakeClient();
  const done = answers();
  const runner = createImportRunner({
    source,
    defaultApp: "app",
    client,
    concurrency: 4,
    onRowDone: done.onRowDone,
    onChange: () => {
      peak = Math.max(peak, 200 - source.remaining - done.byLine.size);
    },
  });
  assert.equal(runner.counts.total, 200);
  const counts = await runner.start();
  assert.equal(counts.imported, 200);
  assert.equal(client.registered.length, 200);
  assert.equal(new Set(client.registered.map((p) => p.token)).size, 200);
  assert.ok(peak <= 4, `taken but not answered at most the concurrency (${peak})`);
  assert.equal(runner.remaining, 0);
  assert.ok(
    client.registered.every((p) => p.appName === "app"),
    "rows without an app get the default one",
  );
});

test("an identity's devices share the user ID its first device brings back", async () => {
  const rows = [
    row(1, { identity: "alice" }),
    row(2, { identity: "alice" }),
    row(3),
    row(4, { identity: "alice" }),
    row(5, { identity: "bob" }),
  ];
  const client = fakeClient();
  const done = answers();
  await createImportRunner({
    source: arraySource(rows),
    defaultApp: "app",
    client,
    concurrency: 3,
    onRowDone: done.onRowDone,
  }).start();
  const alice = client.registered.filter((p) => p.token !== "tok-3" && p.token !== "tok-5");
  assert.equal(alice.length, 3);
  assert.equal(alice[0].userId, undefined, "the first device goes without a user ID");
  assert.deepEqual(
    alice.slice(1).map((p) => p.userId),
    ["user-for-tok-1", "user-for-tok-1"],
  );
  assert.equal(done.byLine.size, 5);
});

test("when an identity's first device fails, a later one of the identity leads, even one not yet taken", async () => {
  // One loop: row 2 is taken only after row 1 has failed, so it finds its identity with no leader.
  const rows = [row(1, { identity: "carol" }), row(2, { identity: "carol" }), row(3, { identity: "carol" })];
  const client = fakeClient((p) => {
    if (p.token === "tok-1") throw Object.assign(new Error("gone"), { code: "API_ERROR", status: 400 });
  });
  const done = answers();
  const counts = await createImportRunner({
    source: arraySource(rows),
    defaultApp: "app",
    client,
    concurrency: 1,
    onRowDone: done.onRowDone,
  }).start();
  assert.deepEqual(counts, { total: 3, imported: 2, failed: 1, canceled: 0, retried: 0 });
  assert.deepEqual(
    client.registered.map((p) => [p.token, p.userId]),
    [
      ["tok-2", undefined],
      ["tok-3", "user-for-tok-2"],
    ],
  );
});

test("a transient failure goes round once more; a second one is final", async () => {
  const rows = [row(1), row(2), row(3)];
  const client = fakeClient((p, calls) => {
    if (p.token === "tok-1" && calls === 0) throw Object.assign(new Error("busy"), { code: "NETWORK_ERROR" });
    if (p.token === "tok-2") throw Object.assign(new Error("busy"), { code: "API_ERROR", retryable: true });
  });
  const done = answers();
  const counts = await createImportRunner({
    source: arraySource(rows),
    defaultApp: "app",
    client,
    concurrency: 2,
    retryDelayMs: 1,
    onRowDone: done.onRowDone,
  }).start();
  assert.deepEqual(counts, { total: 3, imported: 2, failed: 1, canceled: 0, retried: 2 });
  assert.equal(done.byLine.get(2), "failed");
  assert.equal(done.byLine.get(1), "imported");
});

test("cancel: rows in flight finish, the rest are counted as canceled without being taken", async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => row(i + 1));
  const source = arraySource(rows);
  const done = answers();
  const runner = createImportRunner({
    source,
    defaultApp: "app",
    client: fakeClient(),
    concurrency: 2,
    onRowDone: async (r) => {
      await done.onRowDone(r);
      if (done.byLine.size === 10) runner.cancel();
    },
  });
  const counts = await runner.start();
  assert.equal(counts.imported + counts.failed + counts.canceled, 1000, "every row accounted for");
  assert.ok(counts.canceled > 900, `most rows canceled (${counts.canceled})`);
  assert.equal(counts.imported, done.byLine.size);
  assert.ok(rows.filter((r) => r.status === "pending").length >= counts.canceled - 2, "never taken");
  assert.equal(runner.remaining, 0);
  assert.equal(runner.state, "done");
});
