// The wasm-bindgen exports that src/js/package/proxy.js uses but the published types leave out
// (`skip_typescript` in src/js/proxy.rs: they are internal, not API). Declared here so the glue is
// type-checked against the shapes the Rust side builds; keep in step with src/js/proxy.rs.

/** `[name, value]` pairs, as the Rust core writes headers. */
export type HeaderPairs = [string, string][];

/** An answer the glue sends as is; `body: null` (from `complete`): the upstream's bytes. */
export interface ProxyAnswer {
  status: number;
  headers: HeaderPairs;
  body: string | null;
}

/** A decision to answer at once (refused, or a route the proxy serves itself). */
export interface ProxyRespond {
  respond: ProxyAnswer;
  readBody?: undefined;
  forward?: undefined;
}

/** From `start` only: read at most this many body bytes, then call `prepare`. */
export interface ProxyReadBody {
  readBody: number;
  respond?: undefined;
  forward?: undefined;
}

/** A decision to forward the request upstream. */
export interface ProxyForward {
  forward: { method: string; url: string; headers: HeaderPairs; body: string | null };
  operation: string;
  retryable: boolean;
  cors: HeaderPairs;
  respond?: undefined;
  readBody?: undefined;
}

/** What `complete` and `upstreamFailure` decide. */
export interface ProxyCompleted {
  respond: ProxyAnswer;
  /** Repeat the request after this many milliseconds; null: answer with `respond`. */
  retryDelayMs: number | null;
}

export interface ProxyLimits {
  upstreamTimeoutMs: number;
  maxUpstreamResponseBytes: number;
  maxRetries: number;
}

declare module "../../src/js/package/twilio_push_wasm.js" {
  /** The configured proxy (src/js/proxy.rs). Headers cross as `name:value` lines or pairs. */
  export class ProxyCore {
    constructor(env: Record<string, string>);
    free(): void;
    limits(): ProxyLimits;
    start(
      method: string,
      path: string,
      query: string,
      ownOrigin: string,
      headers: string,
    ): ProxyRespond | ProxyReadBody | ProxyForward;
    prepare(
      method: string,
      path: string,
      query: string,
      ownOrigin: string,
      headers: string,
      body: Uint8Array | null | undefined,
    ): ProxyRespond | ProxyForward;
    complete(
      operation: string,
      cors: HeaderPairs | undefined,
      status: number,
      headers: string,
      body: Uint8Array,
      retriesDone: number,
      random: number,
      earlierUnknown: boolean,
    ): ProxyCompleted;
    upstreamFailure(
      operation: string,
      cors: HeaderPairs | undefined,
      kind: "timeout" | "unreachable" | "tooLarge",
      retriesDone: number,
      random: number,
      earlierUnknown: boolean,
    ): ProxyCompleted;
    tooLarge(): ProxyRespond;
  }
  /** The environment keys `ProxyCore` reads. */
  export function proxyEnvKeys(): string[];
}
