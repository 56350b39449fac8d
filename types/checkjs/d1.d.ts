// The part of Cloudflare D1's Worker API (https://developers.cloudflare.com/d1/worker-api/) that
// the directory (www/devices/) uses, declared here instead of depending on
// @cloudflare/workers-types, whose globals replace the DOM library this configuration checks
// against. Shapes as in workers-types; keep to what the code calls.

/** What a statement reports besides its rows (`changes`: rows written by the statement). */
interface D1Meta {
  changes: number;
  last_row_id: number;
  duration: number;
  [key: string]: unknown;
}

/** The answer of `all()`, `run()` and each statement of `batch()`. */
interface D1Result<T = Record<string, unknown>> {
  results: T[];
  success: true;
  meta: D1Meta;
}

/** A statement with its parameters bound (`?1`, `?2`, ... in the order given to `bind`). */
interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  /** The first row, or null when there is none. */
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
}

/** A D1 binding (`[[d1_databases]]` in wrangler.toml; Miniflare's `getD1Database`). */
interface D1Database {
  prepare(query: string): D1PreparedStatement;
  /** Runs the statements in one transaction: all of them commit, or none. */
  batch<T = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}
