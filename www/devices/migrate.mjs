// @ts-check
// Applies the directory's migrations (migrations/NNNN_name.sql, in order) to a D1 database the
// way `wrangler d1 migrations apply` does: each file once, recorded in the `d1_migrations` table
// (the same table and columns Wrangler uses, so a database prepared here and one prepared by
// Wrangler agree on what has been applied). Used by `make dev` and the tests with Miniflare's
// D1 (`mf.getD1Database("DB")`); in production run `wrangler d1 migrations apply`.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The migrations directory next to this file (`migrations_dir` in wrangler.toml). */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Splits a migration file into statements: `--` comments removed, split on `;` at the end of a
 * line. The migrations use no triggers or string literals containing `;`, which keeps this simple.
 * @param {string} sql
 * @returns {string[]}
 */
export function splitStatements(sql) {
  const text = sql
    .split("\n")
    .map((line) => line.replace(/--.*$/, ""))
    .join("\n");
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Applies every migration not yet recorded in `d1_migrations`, each in one D1 batch (atomic:
 * its statements and its record commit together). Returns the names applied now.
 * @param {D1Database} db
 * @param {string} [dir]
 * @returns {Promise<string[]>}
 */
export async function applyMigrations(db, dir = MIGRATIONS_DIR) {
  await db
    .prepare(
      "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
    )
    .run();
  const recorded = await db.prepare("SELECT name FROM d1_migrations").all();
  const done = new Set(recorded.results.map((r) => r.name));
  const files = (await readdir(dir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const applied = [];
  for (const name of files) {
    if (done.has(name)) continue;
    const statements = splitStatements(await readFile(join(dir, name), "utf8"));
    await db.batch([
      ...statements.map((s) => db.prepare(s)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?1)").bind(name),
    ]);
    applied.push(name);
  }
  return applied;
}
