// A tiny static file server for browser tests: serves directories under URL prefixes with
// the right MIME types (application/wasm included), on a random loopback port.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** `mounts`: { "/": dir, "/node_modules/": dir, ... } (longest prefix wins). */
export async function startStaticServer(mounts) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      const [prefix, dir] = entries.find(([p]) => path.startsWith(p)) ?? [];
      if (!dir) return void res.writeHead(404).end("not found");
      let file = resolve(dir, normalize(`./${path.slice(prefix.length)}`));
      if (!file.startsWith(resolve(dir))) return void res.writeHead(403).end();
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  // close() also ends open connections: Chromium may hold a connection on which it never sends
  // a request, which server.close() alone would wait for until Node's request timeout (300 s).
  const close = () =>
    new Promise((r) => {
      server.close(r);
      server.closeAllConnections();
    });
  return { url: `http://127.0.0.1:${port}`, close };
}
