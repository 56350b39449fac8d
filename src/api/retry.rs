//! The retry policy as pure functions, shared by the wasm client and the edge proxy.
//!
//! - Only operations whose repetition is harmless are retried ([`Operation::is_retryable`]):
//!   reads, deletes and device registration. `sendPush` never is: the API has no idempotency
//!   key, and a push delivered twice is worse than a failure reported once.
//! - Only failures that may pass are retried: 429 and 503 (`retryable` API errors), network
//!   errors and timeouts. 500 is not retried (Twilio: do not retry), nor is any 4xx but 429.
//! - The delay is exponential backoff with full jitter, `random × min(maxMs, baseMs × 2^n)`,
//!   with the random value injected so tests and proxies decide it. A `Retry-After` is a floor:
//!   the delay is at least that long. When `Retry-After` asks for longer than `maxMs`, the client
//!   gives up at once and reports the error (with `retryAfter`) instead of sleeping for minutes.

use serde_json::Value;

use super::params;
use super::{ApiConfig, ApiError, Operation};

/// How many times and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests). Default 3.
    pub max_retries: u32,
    /// Backoff base in milliseconds. Default 250.
    pub base_ms: u32,
    /// Longest single wait in milliseconds. Default 10,000.
    pub max_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_ms: 250,
            max_ms: 10_000,
        }
    }
}

/// Why no retry happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The operation is not safe to repeat (e.g. `sendPush`).
    OperationNotRetryable,
    /// The failure will not pass by waiting (4xx, 500, invalid response, validation).
    ErrorNotRetryable,
    /// `max_retries` retries have been made.
    Exhausted,
    /// The server asked to wait longer than `max_ms`.
    RetryAfterTooLong,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send the same request again.
    Retry {
        /// Milliseconds to wait first.
        delay_ms: u64,
    },
    /// Give up, and why.
    Stop(StopReason),
}

/// Whether this failure may pass if the same request is sent again later.
pub fn is_transient(error: &ApiError) -> bool {
    match error {
        ApiError::Api { retryable, .. } => *retryable,
        ApiError::Network { .. } | ApiError::Timeout { .. } => true,
        _ => false,
    }
}

/// Full-jitter backoff for retry number `retry` (0 for the first retry): a value in
/// `0..=min(max_ms, base_ms × 2^retry)` chosen by `random` (taken as 0 outside `[0, 1)`).
pub fn backoff_ms(policy: &RetryPolicy, retry: u32, random: f64) -> u64 {
    let cap = u64::from(policy.base_ms)
        .saturating_mul(1u64.checked_shl(retry.min(63)).unwrap_or(u64::MAX))
        .min(u64::from(policy.max_ms));
    let r = if random.is_finite() && (0.0..1.0).contains(&random) {
        random
    } else {
        0.0
    };
    (cap as f64 * r) as u64
}

/// The decision after a failed attempt of `op`, when `retries_done` retries were already made.
pub fn decide(
    op: Operation,
    error: &ApiError,
    retries_done: u32,
    policy: &RetryPolicy,
    random: f64,
) -> RetryDecision {
    if !op.is_retryable() {
        return RetryDecision::Stop(StopReason::OperationNotRetryable);
    }
    if !is_transient(error) {
        return RetryDecision::Stop(StopReason::ErrorNotRetryable);
    }
    if retries_done >= policy.max_retries {
        return RetryDecision::Stop(StopReason::Exhausted);
    }
    let mut delay_ms = backoff_ms(policy, retries_done, random);
    if let Some(seconds) = error.retry_after() {
        let floor = seconds.saturating_mul(1000);
        if floor > u64::from(policy.max_ms) {
            return RetryDecision::Stop(StopReason::RetryAfterTooLong);
        }
        delay_ms = delay_ms.max(floor);
    }
    RetryDecision::Retry { delay_ms }
}

/// Everything a client needs: where to send, how long to wait, how to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Where requests go and how they authenticate.
    pub api: ApiConfig,
    /// When and how often a failed request is sent again.
    pub retry: RetryPolicy,
    /// Per-attempt timeout in milliseconds (the whole exchange, body included). Default 30,000.
    pub timeout_ms: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            api: ApiConfig::default(),
            retry: RetryPolicy::default(),
            timeout_ms: 30_000,
        }
    }
}

/// The client's own config keys (besides `baseUrl` and `auth`).
pub const CLIENT_KEYS: &[&str] = &["maxRetries", "timeoutMs", "retryBaseMs", "retryMaxMs"];

impl ClientConfig {
    /// Reads `{ baseUrl?, auth?, maxRetries? (0–10), timeoutMs? (1–600,000), retryBaseMs?
    /// (0–60,000), retryMaxMs? (0–600,000) }` with serde (`params::ConfigWire`); the numbers
    /// must be whole (`50`, `50.0` and `5e1` are all 50). Errors are `INVALID_ARGUMENT` naming
    /// the key.
    pub fn from_value(value: &Value) -> Result<ClientConfig, ApiError> {
        let mut known = vec!["baseUrl", "auth"];
        known.extend_from_slice(CLIENT_KEYS);
        let wire = params::config_from_value(value, &known)?;
        let (api, wire) = ApiConfig::from_wire(wire, &known)?;
        let mut config = ClientConfig {
            api,
            ..ClientConfig::default()
        };
        if let Some(n) = params::client_int("maxRetries", wire.max_retries)? {
            config.retry.max_retries = n;
        }
        if let Some(n) = params::client_int("timeoutMs", wire.timeout_ms)? {
            config.timeout_ms = n;
        }
        if let Some(n) = params::client_int("retryBaseMs", wire.retry_base_ms)? {
            config.retry.base_ms = n;
        }
        if let Some(n) = params::client_int("retryMaxMs", wire.retry_max_ms)? {
            config.retry.max_ms = n;
        }
        Ok(config)
    }
}
