// The directory in JWT mode: the user is the verified token's `sub`; every bad token is a 401
// with a code and stores nothing. Keys and JWKS are made here (no network).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, generateKeyPair } from "jose";
import { AUDIENCE, ISSUER, hexTokens, makeKeys, mintJwt, startDirectory } from "./support/directory.mjs";

let s;
let keys;
before(async () => {
  keys = await makeKeys();
  s = await startDirectory({ jwks: keys.jwks });
});
after(async () => {
  await s?.close();
});

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");
const count = async (table) => (await s.sql(`SELECT COUNT(*) AS n FROM ${table}`))[0].n;

test("a valid RS256 or ES256 JWT registers the device under its sub", async () => {
  const [a, b] = hexTokens(2, 20);
  const rs = await s.app("PUT", { token: a }, { bearer: await mintJwt(keys, "user-rs") });
  assert.equal(rs.status, 200, JSON.stringify(rs.body));
  assert.equal(rs.body.userId, "user-rs");
  const es = await s.app("PUT", { token: b }, { bearer: await mintJwt(keys, "user-es", { alg: "ES256" }) });
  assert.equal(es.status, 200, JSON.stringify(es.body));
  assert.equal(es.body.userId, "user-es");
  // A body or header naming another user changes nothing: the user is the token's sub.
  const spoof = await s.app(
    "PUT",
    { token: a, userId: "user-es" },
    { bearer: await mintJwt(keys, "user-rs"), headers: { "x-user-id": "user-es" } },
  );
  assert.equal(spoof.body.userId, "user-rs");
  const out = await s.app("DELETE", { token: b }, { bearer: await mintJwt(keys, "user-es", { alg: "ES256" }) });
  assert.equal(out.body.removed, true);
});

test("bad JWTs are 401 with a code, and nothing is stored", async () => {
  const stored = [await count("devices"), await count("users"), await count("token_events")];
  const [t] = hexTokens(1, 21);
  const other = await generateKeyPair("RS256");
  const now = Math.floor(Date.now() / 1000);
  const good = await mintJwt(keys, "victim");
  const [h, p] = good.split(".");
  const cases = {
    missing: [undefined, "AUTH_REQUIRED"],
    "wrong signature (another key, same kid)": [
      await mintJwt(keys, "victim", { key: other.privateKey }),
      "JWT_SIGNATURE_INVALID",
    ],
    "tampered payload": [
      `${h}.${b64url({ sub: "attacker", iss: "https://id.example.test/", aud: "push-directory", exp: now + 600 })}.${good.split(".")[2]}`,
      "JWT_SIGNATURE_INVALID",
    ],
    expired: [await mintJwt(keys, "victim", { exp: -3600 }), "JWT_EXPIRED"],
    "wrong audience": [await mintJwt(keys, "victim", { aud: "someone-else" }), "JWT_CLAIM_INVALID"],
    "wrong issuer": [await mintJwt(keys, "victim", { iss: "https://evil.example/" }), "JWT_CLAIM_INVALID"],
    "no exp": [await mintJwt(keys, "victim", { exp: null }), "JWT_CLAIM_INVALID"],
    "no sub": [await mintJwt(keys, undefined), "JWT_CLAIM_INVALID"],
    "alg none": [`${b64url({ alg: "none", typ: "JWT" })}.${p}.`, "JWT_ALG_NOT_ALLOWED"],
    "HS256 with the public key as secret": [
      await new SignJWT({ sub: "victim" })
        .setProtectedHeader({ alg: "HS256", kid: "rsa-1" })
        .setIssuer("https://id.example.test/")
        .setAudience("push-directory")
        .setExpirationTime(now + 600)
        .sign(new TextEncoder().encode(keys.jwks)),
      "JWT_ALG_NOT_ALLOWED",
    ],
    "unknown kid": [await mintJwt(keys, "victim", { kid: "nobody" }), "JWT_KEY_UNKNOWN"],
    oversized: [await mintJwt(keys, "victim", { claims: { pad: "x".repeat(9000) } }), "JWT_TOO_LARGE"],
    "not a JWT": ["hello.world", "JWT_MALFORMED"],
    "the development app key": [s.directory.appKey, "JWT_MALFORMED"],
    "placeholder sub": [await mintJwt(keys, "null"), "USER_ID_INVALID"],
    "sub with whitespace": [await mintJwt(keys, " victim"), "USER_ID_INVALID"],
  };
  for (const [name, [bearer, code]] of Object.entries(cases)) {
    const r =
      bearer === undefined
        ? await s.directory
            .request("/devices", {
              method: "PUT",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ appName: "demo_app", token: t }),
            })
            .then(async (res) => ({ status: res.status, body: await res.json() }))
        : await s.app("PUT", { token: t }, { bearer });
    assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, code, name);
    assert.equal(typeof r.body.message, "string");
  }
  const aud = await s.app("PUT", { token: t }, { bearer: await mintJwt(keys, "victim", { aud: "x" }) });
  assert.equal(aud.body.claim, "aud");
  assert.deepEqual([await count("devices"), await count("users"), await count("token_events")], stored);
});

test("JWT_USER_CLAIM picks another claim; an unreachable JWKS URL fails closed (503)", async () => {
  const [t] = hexTokens(1, 22);
  const custom = await startDirectory({ jwks: keys.jwks, vars: { JWT_USER_CLAIM: "uid" } });
  try {
    const ok = await custom.app(
      "PUT",
      { token: t },
      { bearer: await mintJwt(keys, "sub-ignored", { claims: { uid: "u-42" } }) },
    );
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.userId, "u-42");
    const missing = await custom.app("PUT", { token: t }, { bearer: await mintJwt(keys, "only-sub") });
    assert.deepEqual([missing.status, missing.body.code, missing.body.claim], [401, "JWT_CLAIM_INVALID", "uid"]);
  } finally {
    await custom.close();
  }
  // The key URL is not reachable (this Worker's fetches go to the emulator, which has no JWKS).
  const remote = await startDirectory({
    vars: { JWT_JWKS_URL: "https://id.example.test/.well-known/jwks.json", JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE },
  });
  try {
    const r = await remote.app("PUT", { token: t }, { bearer: await mintJwt(keys, "someone") });
    assert.deepEqual([r.status, r.body.code], [503, "JWKS_UNAVAILABLE"]);
    const devices = await remote.sql("SELECT COUNT(*) AS n FROM devices");
    assert.equal(devices[0].n, 0);
  } finally {
    await remote.close();
  }
});
