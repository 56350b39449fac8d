// The directory under test: the stack (scripts/dev.mjs: admin Worker, directory Worker with a
// Miniflare D1 and the migrations applied, emulator) with the directory wrapped so D1 can be made
// to fail, plus helpers to call it as an app, as the admin, and to mint JWTs.
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { join, resolve } from "node:path";
import { startStack } from "../../../scripts/dev.mjs";

const ROOT = resolve(import.meta.dirname, "../../..");
export const APP = "demo_app";
export const ISSUER = "https://id.example.test/";
export const AUDIENCE = "push-directory";

/** `count` distinct 64-hex APNs tokens derived from `seed`. */
export function hexTokens(count, seed = 0) {
  return Array.from({ length: count }, (_, i) =>
    `${(seed * 1000 + i + 1).toString(16).padStart(8, "0")}5eed`.repeat(6).slice(0, 64),
  );
}

/** An RS256 and an ES256 key pair with kids, and the public JWKS (JSON text). */
export async function makeKeys() {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const jwk = async (key, kid, alg) => ({ ...(await exportJWK(key)), kid, alg, use: "sig" });
  const jwks = { keys: [await jwk(rsa.publicKey, "rsa-1", "RS256"), await jwk(ec.publicKey, "ec-1", "ES256")] };
  return { rsa, ec, jwks: JSON.stringify(jwks) };
}

/**
 * Signs a JWT for `sub` (RS256 by default). `opts`: { alg, key, kid, iss, aud, exp (seconds from
 * now, negative = expired), claims }.
 */
export async function mintJwt(keys, sub, opts = {}) {
  const alg = opts.alg ?? "RS256";
  const key = opts.key ?? (alg === "ES256" ? keys.ec.privateKey : keys.rsa.privateKey);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ ...(sub === undefined ? {} : { sub }), ...(opts.claims ?? {}) })
    .setProtectedHeader({ alg, kid: opts.kid ?? (alg === "ES256" ? "ec-1" : "rsa-1") })
    .setIssuedAt(now)
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE);
  if (opts.exp !== null) jwt = jwt.setExpirationTime(now + (opts.exp ?? 600));
  return jwt.sign(key);
}

/**
 * Starts the stack with the directory. `jwks` (JSON text) switches the directory to JWT mode.
 * Returns the stack plus `app(method, body, { userId, bearer, headers })`, `admin(path, init)`,
 * `emu(path, init)` (the emulator), `d1Faults(rule|null)`, `sql(query, ...args)`.
 */
export async function startDirectory({ jwks = null, vars = {} } = {}) {
  const stack = await startStack({
    deliveryMs: 20,
    directory: {
      entry: join(ROOT, "tests", "js", "support", "directory-faults-worker.js"),
      vars: {
        ...(jwks ? { JWT_JWKS: jwks, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } : {}),
        ...vars,
      },
    },
  });
  const dir = stack.directory;
  const transport = { retries: 0 };
  const app = async (method, body, { userId, bearer, headers = {}, raw } = {}) => {
    const init = {
      method,
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${bearer ?? dir.appKey}`,
        ...(userId !== undefined ? { "x-user-id": userId } : {}),
        ...headers,
      },
      body: raw ?? JSON.stringify({ appName: APP, ...body }),
    };
    let res;
    try {
      res = await dir.request("/devices", init);
    } catch (e) {
      // The connection from Node to workerd failed before any answer (seen under heavy machine
      // load with hundreds of requests in flight). The app calls are idempotent, so the test
      // does what an app does: it sends again, once, and says so in the output.
      if (e?.message !== "fetch failed") throw e;
      transport.retries++;
      console.log(`# transport retry (${e.cause?.code ?? e.cause?.message ?? "no cause"})`);
      res = await dir.request("/devices", init);
    }
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const admin = async (path, init = {}) => {
    const res = await fetch(`${stack.url}/api/directory/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${stack.adminToken}`, ...(init.headers ?? {}) },
    });
    const text = await res.text();
    let body = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* CSV */
    }
    return { status: res.status, body, headers: res.headers };
  };
  const emu = (path, init) => stack.emulator.request(path, init);
  const d1Faults = async (rule) => {
    const res = await dir.request("/__d1faults", {
      method: rule ? "POST" : "DELETE",
      ...(rule ? { body: JSON.stringify(rule), headers: { "content-type": "application/json" } } : {}),
    });
    return res.json();
  };
  const sql = async (query, ...args) =>
    (
      await dir.db
        .prepare(query)
        .bind(...args)
        .all()
    ).results;
  return { ...stack, emulatorAuthorization: stack.emulator.authorization, app, admin, emu, d1Faults, sql, transport };
}

/** The tokens Twilio (the emulator) has in each registration of `appName`: { twilioUserId: [tokens] }. */
export async function twilioRegistrations(stack, appName = APP) {
  const state = (await stack.emu("/__emulator/state")).body;
  const out = {};
  for (const r of state.deviceRegistrations) {
    if (r.appName !== appName) continue;
    out[r.userId] = r.devices.map((d) => d.token).sort();
  }
  return out;
}

/**
 * Sends to a Twilio user straight at the emulator and returns the tokens the operation
 * addressed (its notifications), sorted.
 */
export async function tokensReachedBySend(stack, twilioUserId) {
  const headers = { "content-type": "application/json", authorization: stack.emulatorAuthorization };
  const sent = await stack.emu("/v1/PushNotifications", {
    method: "POST",
    headers,
    body: JSON.stringify({
      to: [{ userId: twilioUserId }],
      content: { title: "t", body: "b" },
      from: { appName: APP },
    }),
  });
  if (sent.status !== 202) throw new Error(`send → ${sent.status} ${JSON.stringify(sent.body)}`);
  const list = await stack.emu(`/v1/PushNotifications?operationId=${sent.body.operationId}&pageSize=1000`, {
    headers,
  });
  return list.body.pushNotifications.map((n) => n.to.token).sort();
}
