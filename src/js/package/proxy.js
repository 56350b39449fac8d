// The edge proxy as a Workers-style `fetch(request, env, ctx)` handler. Every decision
// (routes, CORS, auth, limits, validation, the upstream request, retries, error answers) is
// made in Rust by `ProxyCore`; this file only moves bytes, enforces timeouts and logs.
import { ProxyCore, proxyEnvKeys } from "./twilio_push_wasm.js";

// The environment keys the proxy reads come from the Rust side (one list), asked for on first
// use: with the web entry, the module is only ready after `init()`.
/** @type {string[] | null} */
let envKeys = null;

const TOO_LARGE = Symbol("too large");
const EMPTY_ENV = Object.freeze({});

/**
 * @typedef {import("./proxy.js").ProxyLogEntry} ProxyLogEntry
 * @typedef {import("../../../types/checkjs/proxy-core.js").ProxyLimits} ProxyLimits
 * @typedef {import("../../../types/checkjs/proxy-core.js").ProxyForward} ProxyForward
 * @typedef {import("../../../types/checkjs/proxy-core.js").ProxyAnswer} ProxyAnswer
 * @typedef {Record<string, unknown>} WorkerEnv a Worker's `env` (bindings, secrets, variables)
 * @typedef {any} GivenEnv the `env` the handler was called with, as given (undefined if none)
 */

/**
 * Creates the proxy handler.
 * @param {object} [options]
 * @param {Record<string, string>} [options.env] values used when the Worker env lacks them
 * @param {(request: Request, env: GivenEnv) => Promise<Response>} [options.fetch] how to reach
 *   the upstream (default: global fetch; a service binding for the local emulator)
 * @param {(entry: ProxyLogEntry, ctx?: unknown) => void} [options.log] one call per request,
 *   never with secrets (default: one JSON line per request on the console, written in batches:
 *   see `lineLogger`); `ctx` is the Worker's execution context
 * @param {() => number} [options.random] jitter source for retry backoff (default Math.random)
 */
export function createProxyHandler(options = {}) {
  const cores = new Map();
  const log = options.log ?? lineLogger();
  const random = options.random ?? Math.random;
  const upstreamFetch = options.fetch ?? ((request) => fetch(request));

  // Configured cores by the values they were built from. A Worker's `env` is one object for
  // the life of the isolate, so each one is also remembered by identity: the common case
  // builds no key at all.
  /** @type {WeakMap<object, { core: ProxyCore, limits: ProxyLimits }>} */
  let byEnv = new WeakMap();
  /** @param {WorkerEnv} env */
  function coreFor(env) {
    let found = byEnv.get(env);
    if (found) return found;
    // biome-ignore lint/suspicious/noAssignInExpressions: one-time lazy initialisation, read on first use
    const keys = (envKeys ??= proxyEnvKeys());
    /** @type {Record<string, string>} */
    const values = {};
    for (const k of keys) {
      const v = env?.[k] ?? options.env?.[k];
      if (typeof v === "string") values[k] = v;
    }
    const key = keys.map((k) => values[k] ?? "").join("\u0000");
    found = cores.get(key);
    if (!found) {
      const core = new ProxyCore(values);
      // The limits never change for a configured core: read them once.
      found = { core, limits: core.limits() };
      if (cores.size > 8) cores.clear();
      cores.set(key, found);
    }
    byEnv.set(env, found);
    return found;
  }

  // Forgets every core (after a trap, which may have left one half-updated).
  function resetCores() {
    cores.clear();
    byEnv = new WeakMap();
  }

  return {
    /**
     * @param {Request} request
     * @param {GivenEnv} [env]
     * @param {unknown} [ctx] the Worker's execution context, given to `log`
     */
    async fetch(request, env, ctx) {
      const started = Date.now();
      const url = new URL(request.url);
      /** @type {ProxyLogEntry} */
      const entry = { method: request.method, path: url.pathname, status: 0 };
      let response;
      try {
        response = await handle(request, url, env, entry);
      } catch (error) {
        // Never a silent failure or an HTML error page: a definite JSON 500. A trap (a Rust
        // panic) may have left a configured core half-updated, so every core is rebuilt.
        resetCores();
        console.error(`proxy: internal error: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
        response = jsonResponse({
          status: 500,
          headers: [],
          body: JSON.stringify({
            code: "INTERNAL_ERROR",
            message: "The proxy failed while handling this request; it has been logged.",
            status: 500,
            retryable: false,
          }),
        });
      }
      entry.status = response.status;
      entry.ms = Date.now() - started;
      try {
        log(entry, ctx);
      } catch {
        // Logging must never break a response.
      }
      return response;
    },
  };

  /**
   * @param {Request} request
   * @param {URL} url
   * @param {GivenEnv} env
   * @param {ProxyLogEntry} entry filled in as the request goes
   * @returns {Promise<Response>}
   */
  async function handle(request, url, env, entry) {
    let core, limits;
    try {
      ({ core, limits } = coreFor(env ?? EMPTY_ENV));
    } catch (error) {
      return jsonResponse({
        status: 500,
        headers: [],
        body: JSON.stringify({
          code: error.code ?? "PROXY_MISCONFIGURED",
          message: `The proxy is misconfigured: ${error.message}`,
          status: 500,
          retryable: false,
        }),
      });
    }
    /** @type {[string, string, string, string, string]} */
    const head = [request.method, url.pathname, url.search.slice(1), url.origin, headerLines(request.headers)];
    // One call decides from the head and, for a route without a body, also prepares.
    let prepared = core.start(...head);
    if (prepared.readBody === undefined) {
      // A body the route does not take (e.g. on a GET) is never read, only discarded.
      await drain(request.body);
    } else {
      const body = await readCapped(request.body, prepared.readBody);
      if (body === TOO_LARGE) {
        await drain(request.body);
        return jsonResponse(core.tooLarge().respond);
      }
      prepared = core.prepare(...head, body);
    }
    if (prepared.respond) return jsonResponse(prepared.respond);
    entry.operation = prepared.operation;
    return forward(core, limits, prepared, env, entry);
  }

  /**
   * @param {ProxyCore} core
   * @param {ProxyLimits} limits
   * @param {ProxyForward} prepared
   * @param {GivenEnv} env
   * @param {ProxyLogEntry} entry
   * @returns {Promise<Response>}
   */
  async function forward(core, limits, prepared, env, entry) {
    const { forward: req, operation, retryable, cors } = prepared;
    // Whether an earlier attempt got no answer (it may have been applied upstream).
    let unknown = false;
    for (let retries = 0; ; retries++) {
      entry.attempts = retries + 1;
      const outcome = await callUpstream(req, env, limits);
      let answer;
      if (outcome.failure) {
        answer = core.upstreamFailure(operation, cors, outcome.failure, retries, random(), unknown);
        if (outcome.failure !== "tooLarge") unknown = true;
      } else {
        entry.upstreamStatus = outcome.status;
        answer = core.complete(
          operation,
          cors,
          outcome.status,
          outcome.headers,
          outcome.body,
          retries,
          random(),
          unknown,
        );
      }
      // The Rust retry policy decides (never for sends, only 429/503/network/timeout).
      if (!retryable || answer.retryDelayMs == null) {
        // `body: null`: the answer's body is the upstream's, byte for byte.
        if (answer.respond.body === null && !outcome.failure) {
          return jsonResponse(answer.respond, /** @type {Uint8Array<ArrayBuffer>} */ (outcome.body));
        }
        return jsonResponse(answer.respond);
      }
      await new Promise((resolve) => setTimeout(resolve, /** @type {number} */ (answer.retryDelayMs)));
    }
  }

  /**
   * One attempt: the upstream's answer, or why there is none.
   * @param {ProxyForward["forward"]} req
   * @param {GivenEnv} env
   * @param {ProxyLimits} limits
   * @returns {Promise<{ status: number, headers: string, body: Uint8Array, failure?: undefined } | { failure: "timeout" | "unreachable" | "tooLarge" }>}
   */
  async function callUpstream(req, env, limits) {
    // The runtime's own timer aborts the fetch and the reading of its body: in workerd, an
    // `AbortController` with a `setTimeout` to abort it and a `clearTimeout` after the answer
    // cost more CPU per request than `AbortSignal.timeout` (measured side by side). A signal
    // that fires after the answer was read aborts nothing.
    const signal = AbortSignal.timeout(limits.upstreamTimeoutMs);
    try {
      const response = await upstreamFetch(
        new Request(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body ?? undefined,
          signal,
          redirect: "manual",
        }),
        env,
      );
      const text = await readCapped(response.body, limits.maxUpstreamResponseBytes);
      if (text === TOO_LARGE) {
        await response.body?.cancel().catch(() => {});
        return { failure: "tooLarge" };
      }
      return {
        status: response.status,
        headers: headerLines(response.headers),
        // The bytes as received: the Rust side reads them as UTF-8 (as TextDecoder would).
        body: text,
      };
    } catch {
      return { failure: signal.aborted ? "timeout" : "unreachable" };
    }
  }
}

/** How long the default logger gathers lines before writing them. */
const LOG_BATCH_MS = 20;
/** The most lines it writes at once. */
const LOG_BATCH_LINES = 256;

/**
 * The default logger: one JSON line per request, on the console. A `console.log` call costs
 * workerd ~10–15 µs (and Miniflare's Node side a pipe read per line), so under load lines are
 * gathered for LOG_BATCH_MS and written with one call, each still on a line of its own. The
 * request that starts a batch keeps itself alive until the batch is written (`ctx.waitUntil`).
 */
function lineLogger() {
  /** @type {string[]} */
  let lines = [];
  const flush = () => {
    const out = lines;
    lines = [];
    if (out.length) console.log(out.join("\n"));
  };
  /**
   * @param {ProxyLogEntry} entry
   * @param {any} [ctx]
   */
  return (entry, ctx) => {
    lines.push(JSON.stringify(entry));
    if (lines.length >= LOG_BATCH_LINES) return flush();
    if (lines.length > 1) return;
    const written = new Promise((resolve) => setTimeout(resolve, LOG_BATCH_MS)).then(flush);
    if (typeof ctx?.waitUntil === "function") ctx.waitUntil(written);
  };
}

/** The most of a refused request's body that is read and discarded before answering. */
const DRAIN_LIMIT = 16 * 1024 * 1024;
/** How long a refused request's body is waited for. */
const DRAIN_MS = 2000;

/**
 * Reads and discards what is left of a refused request's body (at most DRAIN_LIMIT bytes for at
 * most DRAIN_MS), so that a client still writing it gets the answer instead of a reset
 * connection, and a keep-alive connection stays usable. A client that sends nothing does not
 * hold the answer up for longer than DRAIN_MS.
 * @param {ReadableStream<Uint8Array> | null} stream
 */
async function drain(stream) {
  if (!stream) return;
  let reader;
  try {
    reader = stream.getReader();
  } catch {
    return; // locked: somebody else is reading it
  }
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve("late"), DRAIN_MS);
  });
  try {
    let size = 0;
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === "late" || next.done) break;
      size += next.value.byteLength;
      if (size > DRAIN_LIMIT) break;
    }
    reader.cancel().catch(() => {});
  } catch {
    // A client that went away needs no answer.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads a body stream, stopping past `limit` bytes (the rest is left for `drain`).
 * @param {ReadableStream<Uint8Array> | null} stream
 * @param {number} limit
 * @returns {Promise<Uint8Array | typeof TOO_LARGE>}
 */
async function readCapped(stream, limit) {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.releaseLock();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * Headers as `name:value` lines, for the Rust core: one string crosses into wasm at once, where
 * an array of pairs takes two crossings per header. Names never hold `:` and values never
 * hold line breaks (`Headers` refuses both).
 * @param {Headers} headers
 */
function headerLines(headers) {
  let lines = "";
  for (const [name, value] of headers) lines += `${name}:${value}\n`;
  return lines;
}

/**
 * @param {ProxyAnswer} answer
 * @param {Uint8Array<ArrayBuffer>} [bytes] the body, when the answer's is `null` (the upstream's bytes)
 */
function jsonResponse({ status, headers, body }, bytes) {
  // Null-body statuses must not carry a body (the Response constructor throws otherwise).
  return new Response(status === 204 || status === 205 || status === 304 ? null : (body ?? bytes), {
    status,
    headers,
  });
}
