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
