// A small HTTP server for client tests: every request is recorded, then answered by `handler`.
// CORS is permissive (any origin, method and header; preflights answered here, not recorded) so
// a page served from another origin can call it too.
import { createServer } from "node:http";

/**
 * @typedef {{ method: string, url: string, path: string, query: URLSearchParams,
 *   headers: Record<string, string | string[] | undefined>, body: string }} RecordedRequest
 * @typedef {{ status?: number, headers?: Record<string, string>, body?: string | object,
 *   delayMs?: number, destroy?: boolean }} Reply
 */

/**
 * Starts a server on 127.0.0.1 (a free port).
 * @param {(req: RecordedRequest, index: number) => Reply | Promise<Reply>} handler
 *   `index` counts the recorded requests from 0. Objects in `body` are sent as JSON.
 *   `delayMs` holds the answer back; `destroy` drops the connection without answering.
 * @returns {Promise<{ url: string, requests: RecordedRequest[], close: () => Promise<void> }>}
 */
export async function startTestServer(handler) {
  const requests = [];
  const sockets = new Set();
  const timers = new Set();

  const server = createServer(async (req, res) => {
    const cors = {
      "Access-Control-Allow-Origin": req.headers.origin ?? "*",
      "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": req.headers["access-control-request-headers"] ?? "*",
      "Access-Control-Expose-Headers": "Location, Retry-After, operation-id, operation-location, resource-location",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const url = new URL(req.url ?? "/", "http://test.invalid");
    const recorded = {
      method: req.method ?? "",
      url: req.url ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    const index = requests.push(recorded) - 1;
    let reply;
    try {
      reply = (await handler(recorded, index)) ?? {};
    } catch (error) {
      reply = { status: 500, body: { message: `test handler threw: ${error?.message ?? error}` } };
    }
    if (reply.delayMs) {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, reply.delayMs);
        timers.add(t);
      });
    }
    if (reply.destroy) {
      req.socket.destroy();
      return;
    }
    const isJson = reply.body !== undefined && typeof reply.body !== "string";
    const text = reply.body === undefined ? "" : isJson ? JSON.stringify(reply.body) : reply.body;
    const headers = { ...cors, ...(isJson ? { "Content-Type": "application/json" } : {}), ...(reply.headers ?? {}) };
    if (!res.destroyed) res.writeHead(reply.status ?? 200, headers).end(text);
  });

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
