// @ts-check
// JSON answers and request bodies for the directory Worker. Every answer is JSON with
// `Cache-Control: no-store`; errors are `{ code, message, status, ...extra }`.

/** How much of a refused (too large) body is still read, so the client sees the 413. */
const DRAIN_BYTES = 1024 * 1024;

/** An error that becomes a JSON answer with its status and code. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [extra] more fields for the answer (field, position, ...)
   */
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

/**
 * A JSON answer.
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

/**
 * A JSON error answer.
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [extra]
 * @param {Record<string, string>} [headers]
 */
export function problem(status, code, message, extra = {}, headers = {}) {
  return json(status, { code, message, status, ...extra }, headers);
}

/**
 * Reads a JSON object body of at most `limit` bytes: 415 without a JSON content type, 413 when
 * larger (from Content-Length first, then while reading, so a huge body is not buffered), 400
 * when not UTF-8 JSON of an object.
 * @param {Request} request
 * @param {number} limit
 * @returns {Promise<Record<string, unknown>>}
 */
export async function readJsonBody(request, limit) {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(type)) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send JSON with Content-Type: application/json.");
  }
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => new HttpError(413, "PAYLOAD_TOO_LARGE", `The body is larger than ${limit} bytes.`);
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    // An answer sent while the client is still sending can reach it as a reset connection
    // instead of the 413, so a too-large body is read (and dropped) up to DRAIN_BYTES first.
    const refuse = async () => {
      while (size <= DRAIN_BYTES) {
        const chunk = await reader.read().catch(() => null);
        if (!chunk || chunk.done) return tooLarge();
        size += chunk.value.byteLength;
      }
      await reader.cancel().catch(() => {});
      return tooLarge();
    };
    if (Number.isFinite(declared) && declared > limit) throw await refuse();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw await refuse();
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "INVALID_BODY", "The body is not UTF-8.");
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "INVALID_JSON", "The body is not valid JSON.");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "INVALID_JSON", "The body must be a JSON object.");
  }
  return body;
}

/**
 * Reads the bearer credential of `Authorization` (scheme case-insensitive), or "".
 * @param {Request} request
 */
export function bearer(request) {
  const header = request.headers.get("authorization") ?? "";
  return /^bearer /i.test(header) ? header.slice(7).trim() : "";
}
