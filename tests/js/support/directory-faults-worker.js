// The directory Worker with a D1 binding that can be told to fail: tests post
// `{ match?: "<substring of the SQL>", times?: n, skip?: n }` to /__d1faults (DELETE clears) and
// the matching statements (run/all/first/raw, or a batch containing one) throw as D1 does when
// it is unavailable. Everything else is the real Worker on the real (Miniflare) D1. GET
// /__d1faults also reports how many D1 round trips and statements were made (DELETE resets).
import directory from "../../../www/devices/worker.js";

let rule = null;
// Statements executed (a batch counts each of its statements; `queries` counts round trips).
const counts = { statements: 0, queries: 0 };

function trip(sqls) {
  counts.statements += sqls.length;
  counts.queries += 1;
  if (!rule) return;
  if (rule.match && !sqls.some((s) => s.includes(rule.match))) return;
  if (rule.skip > 0) {
    rule.skip -= 1;
    return;
  }
  if (rule.times !== undefined) {
    if (rule.times <= 0) return;
    rule.times -= 1;
  }
  rule.tripped = (rule.tripped ?? 0) + 1;
  throw new Error("D1_ERROR: injected failure (network connection lost)");
}

function wrapStatement(inner, sql) {
  return {
    inner,
    sql,
    bind: (...args) => wrapStatement(inner.bind(...args), sql),
    first: (...a) => (trip([sql]), inner.first(...a)),
    all: (...a) => (trip([sql]), inner.all(...a)),
    run: (...a) => (trip([sql]), inner.run(...a)),
    raw: (...a) => (trip([sql]), inner.raw(...a)),
  };
}

function wrapDb(db) {
  return {
    prepare: (sql) => wrapStatement(db.prepare(sql), sql),
    batch: (statements) => {
      trip(statements.map((s) => s.sql));
      return db.batch(statements.map((s) => s.inner));
    },
    exec: (sql) => (trip([sql]), db.exec(sql)),
  };
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__d1faults") {
      if (request.method === "POST") rule = await request.json();
      if (request.method === "DELETE") {
        rule = null;
        counts.statements = counts.queries = 0;
      }
      return Response.json({ rule, ...counts });
    }
    return directory.fetch(request, { ...env, DB: wrapDb(env.DB) }, ctx);
  },
  scheduled: (event, env, ctx) => directory.scheduled(event, { ...env, DB: wrapDb(env.DB) }, ctx),
};
