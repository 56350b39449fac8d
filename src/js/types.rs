//! TypeScript declarations for the functions whose JS signatures wasm-bindgen cannot express
//! (optional arguments, unions, result shapes). Kept next to the facade so they change together.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TOKEN_TYPES: &'static str = r#"
/** The push service a token belongs to, spelled as the Twilio API spells it. */
export type Provider = "APN" | "FCM";

/** The form a token was recognised in. */
export type TokenFormat = "hex" | "bracketed" | "description" | "base64" | "base64url" | "bytes" | "fcm" | "gcm";

/** Stable codes of token errors (see the README's table). */
export type TokenErrorCode =
  | "EMPTY" | "INVALID_CHARACTER" | "ODD_LENGTH" | "TOO_SHORT" | "TOO_LONG"
  | "TRUNCATED_DESCRIPTION" | "DESCRIPTION_WITHOUT_BYTES" | "LENGTH_MISMATCH"
  | "PROVIDER_MISMATCH" | "NOT_A_PUSH_TOKEN" | "UNKNOWN_FORMAT";

/** Stable codes of warnings about accepted tokens. */
export type TokenWarningCode =
  | "NON_STANDARD_LENGTH" | "UPPERCASE_HEX" | "HEX_PREFIX" | "SEPARATORS"
  | "LEGACY_GCM" | "UNRECOGNIZED_FCM_SHAPE";

/** Why a token was refused. `position` is the 0-based index of the offending character. */
export interface TokenIssue {
  code: TokenErrorCode;
  message: string;
  position?: number;
}

export interface TokenWarning {
  code: TokenWarningCode;
  message: string;
}

/** An accepted token. */
export interface AcceptedToken {
  ok: true;
  provider: Provider;
  /** Canonical form: lowercase hex for APNs, the exact (trimmed) token for FCM. */
  token: string;
  format: TokenFormat;
  /** Number of token bytes (APNs), `null` for FCM. */
  byteLength: number | null;
  error: null;
  warnings: TokenWarning[];
}

/** A refused token. `provider` is the provider it most likely belongs to, when known. */
export interface RefusedToken {
  ok: false;
  provider: Provider | null;
  token: null;
  format: null;
  byteLength: null;
  error: TokenIssue;
  warnings: TokenWarning[];
}

export type TokenInspection = AcceptedToken | RefusedToken;

export interface InspectTokensOptions {
  /** Provider every token is claimed to be for; omitted: classify each token. */
  provider?: Provider;
  /** Also return every canonical token (slower). */
  includeTokens?: boolean;
}

export interface BatchTokenIssue extends TokenIssue {
  /** Line number (string input, 0-based, blank lines included in the numbering) or array index. */
  index: number;
}

export interface TokenBatchReport {
  /** Tokens looked at; blank lines are not counted. */
  total: number;
  /** Accepted tokens, duplicates included. */
  valid: number;
  invalid: number;
  /** Accepted tokens that repeat an earlier one (APNs: any case or form; FCM: exactly). */
  duplicates: number;
  errors: BatchTokenIssue[];
  duplicateOf: { index: number; firstIndex: number }[];
  /** With `includeTokens`: the canonical token at each index, `null` where refused. */
  tokens?: (string | null)[];
}

/** Thrown by `normalizeToken`. */
export interface TokenError extends Error {
  name: "TokenError";
  code: TokenErrorCode;
  position?: number;
}

/** Thrown for arguments of the wrong type or value. */
export interface InvalidArgumentError extends TypeError {
  code: "INVALID_ARGUMENT";
  field: string;
}

/**
 * Returns the canonical token: lowercase hex for APNs (from hex, `<…>` groups, a complete
 * iOS 13 description, base64 or raw bytes), the exact trimmed token for FCM.
 * @throws {TokenError} with `code`, `message` and, where one applies, `position`.
 */
export function normalizeToken(input: string | Uint8Array, provider?: Provider | null): string;

/** Everything known about one token. Never throws for a bad token. */
export function inspectToken(input: string | Uint8Array, provider?: Provider | null): TokenInspection;

/**
 * Checks many tokens in one call. A string holds one token per line (`\n` or `\r\n`; blank
 * lines are skipped); an array is indexed by position. One bad token never fails the batch.
 */
export function inspectTokens(input: string | ReadonlyArray<string | Uint8Array>, options?: InspectTokensOptions): TokenBatchReport;
"#;
