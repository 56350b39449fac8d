// @ts-check
// Standalone Node server for the Twilio Push API emulator.
//
//   node www/emulator/server.mjs --port 8790 --username U --password P [--seed] [--delivery-ms N]
//
// Also importable by tests: `startEmulatorServer({ port: 0, credentials: [...] })` starts it on a
// free port and prints nothing. The emulator core (emulator.js) speaks Request/Response; this file
// only converts node:http to and from those, adds CORS (browser tests call it from another origin)
// and turns the "drop" faults into a destroyed socket.

import http from "node:http";
import { pathToFileURL } from "node:url";
import { createEmulator, EmulatorDropError } from "./emulator.js";

/** @type {Record<string, string>} */
const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Emulator-Fault",
  "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE",
  "Access-Control-Expose-Headers": "Location, Retry-After",
  "Access-Control-Max-Age": "600",
};

/**
 * @param {http.IncomingMessage} req
 * @returns {Promise<Buffer<ArrayBuffer>>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * The Node request as a Fetch `Request`.
 * @param {http.IncomingMessage} req
 * @param {Buffer<ArrayBuffer>} body
 * @param {string} origin
 */
function toRequest(req, body, origin) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const method = req.method ?? "GET";
  /** @type {RequestInit} */
  const init = { method, headers };
  if (method !== "GET" && method !== "HEAD" && body.length > 0) init.body = body;
  return new Request(new URL(req.url ?? "/", origin), init);
}

/**
 * Writes a Fetch `Response`, with the CORS headers, to the Node response.
 * @param {http.ServerResponse} res
 * @param {Response} response
 */
async function writeResponse(res, response) {
  const headers = { ...CORS_HEADERS };
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/** @typedef {ReturnType<typeof createEmulator>} Emulator */
/**
 * @typedef {Partial<import("./emulator.js").EmulatorOptions> & {
 *   port?: number, host?: string, seed?: boolean, username?: string, password?: string
 * }} ServerOptions
 */

/**
 * Starts the emulator on node:http.
 * @param {ServerOptions} [options] `port` (0 = a free port), `host`, `seed` (true → seed on start),
 *   `username`/`password` (shorthand for one credential) and every createEmulator option
 *   (`credentials`, `now`, `deliveryMs`, `baseUrl`, `random`).
 * @returns {Promise<{url: string, port: number, emulator: Emulator, close: () => Promise<void>}>}
 */
export async function startEmulatorServer({
  port = 0,
  host = "127.0.0.1",
  seed = false,
  username,
  password,
  ...emulatorOptions
} = {}) {
  if (!emulatorOptions.credentials && username !== undefined && password !== undefined) {
    emulatorOptions.credentials = [{ username, password }];
  }
  const emulator = createEmulator(/** @type {import("./emulator.js").EmulatorOptions} */ (emulatorOptions));
  if (seed) emulator.seed();

  const server = http.createServer(async (req, res) => {
    try {
      if (req.method === "OPTIONS") {
        res.writeHead(204, CORS_HEADERS);
        res.end();
        return;
      }
      const body = await readBody(req);
      const origin = `http://${req.headers.host || `${host}:${port}`}`;
      const response = await emulator.fetch(toRequest(req, body, origin));
      await writeResponse(res, response);
    } catch (error) {
      if (error instanceof EmulatorDropError) {
        // Models a lost connection: the client sees a reset socket and no response at all.
        req.socket.destroy();
        return;
      }
      if (!res.headersSent) {
        const message = `Internal emulator error: ${error?.message ? error.message : String(error)}`;
        const payload = JSON.stringify({
          code: 20500,
          message,
          moreInfo: "https://www.twilio.com/docs/api/errors/20500",
          status: 500,
        });
        res.writeHead(500, { ...CORS_HEADERS, "Content-Type": "application/json" });
        res.end(payload);
      } else {
        res.destroy();
      }
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    emulator,
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (fetch keeps them open) would otherwise hold close() forever.
        server.closeAllConnections();
      });
    },
  };
}

/**
 * @typedef {object} CliArgs
 * @property {number} [port]
 * @property {string} [host]
 * @property {string} [username]
 * @property {string} [password]
 * @property {boolean} [seed]
 * @property {number} [deliveryMs]
 * @property {string} [baseUrl]
 * @property {boolean} [help]
 */

/**
 * @param {string[]} argv
 * @returns {CliArgs}
 */
function parseArgs(argv) {
  /** @type {CliArgs} */
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--port":
        out.port = Number(value());
        break;
      case "--host":
        out.host = value();
        break;
      case "--username":
        out.username = value();
        break;
      case "--password":
        out.password = value();
        break;
      case "--seed":
        out.seed = true;
        break;
      case "--delivery-ms":
        out.deliveryMs = Number(value());
        break;
      case "--base-url":
        out.baseUrl = value();
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return out;
}

const USAGE = `Usage: node www/emulator/server.mjs --port 8790 --username U --password P [--seed] [--delivery-ms N] [--host H] [--base-url URL]
  --username/--password default to $EMULATOR_USERNAME/$EMULATOR_PASSWORD.`;

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const username = args.username ?? process.env.EMULATOR_USERNAME;
  const password = args.password ?? process.env.EMULATOR_PASSWORD;
  if (!username || !password) {
    console.error(`--username and --password are required.\n${USAGE}`);
    process.exit(2);
  }
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port >= 0 && args.port < 65536)) {
    console.error(`--port must be an integer from 0 to 65535.\n${USAGE}`);
    process.exit(2);
  }
  /** @type {ServerOptions} */
  const options = { port: args.port ?? 8790, host: args.host ?? "127.0.0.1", username, password, seed: !!args.seed };
  if (args.deliveryMs !== undefined) options.deliveryMs = args.deliveryMs;
  if (args.baseUrl !== undefined) options.baseUrl = args.baseUrl;
  const running = await startEmulatorServer(options);
  console.log(`Twilio Push API emulator listening on ${running.url} (API under /v1, controls under /__emulator)`);
  const stop = () => running.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
