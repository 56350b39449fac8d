// Type-checked by `make test` (tsc -p tests/types): the declarations say exactly what the
// functions take and return. Lines marked @ts-expect-error must NOT type-check.
import init, {
  normalizeToken,
  inspectToken,
  inspectTokens,
  type Provider,
  type TokenInspection,
  type TokenBatchReport,
  type TokenErrorCode,
  type TokenError,
} from "twilio-push-wasm";

await init();

// The .wasm as a loader yields it (a URL from file loaders, a module in Workers): init() takes it.
import wasm from "twilio-push-wasm/twilio_push_wasm_bg.wasm";
await init({ module_or_path: wasm });
const wasmUrl: string | WebAssembly.Module = wasm;
// @ts-expect-error: not a number, whatever the loader
const wasmNumber: number = wasm;
void [wasmUrl, wasmNumber];

const canonical: string = normalizeToken("<965b251c 6cb1926d>", "APN");
const fromBytes: string = normalizeToken(new Uint8Array(32));
const provider: Provider = "FCM";
normalizeToken(canonical, provider);
normalizeToken(fromBytes, null);

// @ts-expect-error: not a provider
normalizeToken(canonical, "GCM");
// @ts-expect-error: numbers are not tokens
normalizeToken(42);

const r: TokenInspection = inspectToken(canonical);
if (r.ok) {
  const t: string = r.token;
  const fmt: "hex" | "bracketed" | "description" | "base64" | "base64url" | "bytes" | "fcm" | "gcm" = r.format;
  const p: Provider = r.provider;
  void [t, fmt, p];
} else {
  const code: TokenErrorCode = r.error.code;
  const position: number | undefined = r.error.position;
  // @ts-expect-error: a refused token has no token
  const t: string = r.token;
  void [code, position, t];
}
for (const w of r.warnings) {
  const s: string = w.message;
  void s;
}

const batch: TokenBatchReport = inspectTokens("a\nb", { provider: "APN", includeTokens: true });
const counts: number = batch.total + batch.valid + batch.invalid + batch.duplicates;
const firstError: { index: number; code: TokenErrorCode } | undefined = batch.errors[0];
const firstDup: { index: number; firstIndex: number } | undefined = batch.duplicateOf[0];
const tokens: (string | null)[] | undefined = batch.tokens;
inspectTokens(["a", new Uint8Array(32)]);
// @ts-expect-error: unknown option
inspectTokens("a", { providers: "APN" });
void [counts, firstError, firstDup, tokens];

try {
  normalizeToken("x");
} catch (e) {
  const err = e as TokenError;
  const code: TokenErrorCode = err.code;
  void code;
}

// ---- The API: builders, parser, client, credentials, proxy ----
import {
  PushClient,
  buildSendPushRequest,
  buildRegisterDeviceRequest,
  buildListDeviceRegistrationsRequest,
  buildDeleteDeviceRegistrationRequest,
  buildRequest,
  parseResponse,
  apnCredentialContent,
  fcmCredentialContent,
  createProxyHandler,
  constantTimeEqual,
  type HttpRequest,
  type OperationName,
} from "twilio-push-wasm";

const config = { baseUrl: "/api/v1", auth: { bearer: "t" } };
const req: HttpRequest = buildSendPushRequest(
  {
    to: [{ token: "ab", provider: "APN" }, { userId: "u" }],
    content: { title: "t" },
    priority: "HIGH",
    tags: { a: "b" },
  },
  config,
);
const method: string = req.method;
const body: string | null = req.body;
const headers: Record<string, string> = req.headers;
void [method, body, headers];
buildRegisterDeviceRequest({ appName: "a", token: "t", provider: "FCM" });
buildListDeviceRegistrationsRequest({ userId: "u", pageSize: 10 }, { auth: { username: "AC", password: "x" } });
buildDeleteDeviceRegistrationRequest({ deviceRegistrationId: "r" });
// @ts-expect-error: provider must be APN or FCM
buildRegisterDeviceRequest({ appName: "a", token: "t", provider: "GCM" });
// @ts-expect-error: userId is required
buildListDeviceRegistrationsRequest({});
const op: OperationName = "fetchApp";
buildRequest(op, { appName: "demo_app" });

const page = parseResponse("listDeviceRegistrations", 200, {}, "{}");
for (const r of page.items) {
  const devices: number = r.devices.length;
  void devices;
}
const accepted = parseResponse("sendPush", 202, new Headers(), "{}");
const operationId: string = accepted.operationId;
void operationId;

const client = new PushClient({
  baseUrl: "https://comms.twilio.com/v1",
  auth: { username: "AC", password: "x" },
  maxRetries: 2,
});
const sent = await client.sendPush({ to: [{ token: "t", provider: "FCM" }], content: { body: "b" } });
const operation = await client.fetchOperation({ operationId: sent.operationId });
const status: string = operation.status;
void status;
for await (const reg of client.listAllDeviceRegistrations({ userId: "u" })) {
  const id: string = reg.id;
  void id;
}
const batches = await client.sendPushInBatches({ to: [], content: { title: "t" } });
const failedCount: number = batches.failed.length + batches.operations.length;
void failedCount;

const apn = apnCredentialContent("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----");
await client.createCredential({ credentialType: "APN", appName: "a", content: apn });
await client.createCredential({ credentialType: "FCM", appName: "a", content: fcmCredentialContent("{}") });

const handler = createProxyHandler({ env: { ADMIN_TOKEN: "x" }, log: (e) => void e.status });
const res: Response = await handler.fetch(new Request("https://x/api/health"));
void res;
const same: boolean = constantTimeEqual("a", "b");
void same;
