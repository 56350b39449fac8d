//! The proxy's configuration, read from the Worker environment (secrets and variables).

use core::fmt;

use crate::api::{ApiConfig, Auth, DEFAULT_BASE_URL};

/// Defaults: a 10,000-recipient send with long FCM tokens is about 1.9 MB of JSON, so the body
/// cap is 2 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 30_000;
pub const DEFAULT_MAX_UPSTREAM_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The proxy's settings, read from the Worker's environment by [`ProxyConfig::from_env`].
#[derive(Clone)]
pub struct ProxyConfig {
    /// `ADMIN_TOKEN`: the bearer token every `/api/v1` request must carry. `None` fails closed.
    pub admin_token: Option<String>,
    /// `ALLOWED_ORIGINS`: comma-separated origins allowed cross-origin (same-origin always is).
    pub allowed_origins: Vec<String>,
    /// `MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// `UPSTREAM_TIMEOUT_MS`: per upstream attempt.
    pub upstream_timeout_ms: u32,
    /// `MAX_UPSTREAM_RESPONSE_BYTES`.
    pub max_upstream_response_bytes: usize,
    /// `MAX_RETRIES`: extra attempts for retryable operations on 429/503 and network failures.
    pub max_retries: u32,
    /// `TWILIO_BASE_URL` and the Twilio credentials (`auth: None` when not configured).
    pub upstream: ApiConfig,
    /// `ENABLE_TEST_PANIC_ROUTE=1`: serve a route that panics, to test panic handling. Never
    /// set it in production.
    pub test_panic_route: bool,
    /// A label for `/api/health`: `twilio`, or what the deployment calls it (`UPSTREAM_NAME`).
    pub upstream_name: String,
}

impl fmt::Debug for ProxyConfig {
    /// Never prints a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("allowed_origins", &self.allowed_origins)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("upstream_timeout_ms", &self.upstream_timeout_ms)
            .field(
                "max_upstream_response_bytes",
                &self.max_upstream_response_bytes,
            )
            .field("max_retries", &self.max_retries)
            .field("upstream", &self.upstream)
            .field("upstream_name", &self.upstream_name)
            .field("test_panic_route", &self.test_panic_route)
            .finish()
    }
}

/// A configuration value that cannot be used; names the variable, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable at fault, e.g. `MAX_BODY_BYTES`.
    pub variable: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

fn number<T>(
    get: &dyn Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: core::str::FromStr + PartialOrd + Copy + fmt::Display,
{
    let Some(raw) = non_empty(get(variable)) else {
        return Ok(default);
    };
    match raw.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(ConfigError {
            variable,
            message: format!("must be a whole number from {min} to {max}"),
        }),
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

impl ProxyConfig {
    /// Reads the configuration; `get` returns an environment value by name.
    pub fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<ProxyConfig, ConfigError> {
        let auth = match (
            non_empty(get("TWILIO_ACCOUNT_SID")),
            non_empty(get("TWILIO_AUTH_TOKEN")),
            non_empty(get("TWILIO_API_KEY")),
            non_empty(get("TWILIO_API_SECRET")),
        ) {
            (_, _, Some(key), Some(secret)) => Some(Auth::Basic {
                username: key,
                password: secret,
            }),
            (Some(sid), Some(token), _, _) => Some(Auth::Basic {
                username: sid,
                password: token,
            }),
            (Some(_), None, _, _) => {
                return Err(ConfigError {
                    variable: "TWILIO_AUTH_TOKEN",
                    message: "is missing (TWILIO_ACCOUNT_SID is set)".into(),
                })
            }
            (None, Some(_), _, _) => {
                return Err(ConfigError {
                    variable: "TWILIO_ACCOUNT_SID",
                    message: "is missing (TWILIO_AUTH_TOKEN is set)".into(),
                })
            }
            (_, _, Some(_), None) => {
                return Err(ConfigError {
                    variable: "TWILIO_API_SECRET",
                    message: "is missing (TWILIO_API_KEY is set)".into(),
                })
            }
            (_, _, None, Some(_)) => {
                return Err(ConfigError {
                    variable: "TWILIO_API_KEY",
                    message: "is missing (TWILIO_API_SECRET is set)".into(),
                })
            }
            _ => None,
        };
        let base_url =
            non_empty(get("TWILIO_BASE_URL")).unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ConfigError {
                variable: "TWILIO_BASE_URL",
                message: "must be an absolute http(s) URL".into(),
            });
        }
        let upstream = ApiConfig::new(&base_url, auth).map_err(|e| ConfigError {
            variable: "TWILIO_BASE_URL",
            message: e.to_string(),
        })?;
        let admin_token = non_empty(get("ADMIN_TOKEN"));
        if let Some(t) = &admin_token {
            if t.len() < 16 || !t.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ConfigError {
                    variable: "ADMIN_TOKEN",
                    message: "must be at least 16 visible ASCII characters (no spaces); generate one with `openssl rand -hex 32`".into(),
                });
            }
        }
        let allowed_origins = non_empty(get("ALLOWED_ORIGINS"))
            .map(|s| {
                s.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let upstream_name = non_empty(get("UPSTREAM_NAME")).unwrap_or_else(|| {
            if base_url.trim_end_matches('/') == DEFAULT_BASE_URL {
                "twilio".to_string()
            } else {
                "custom".to_string()
            }
        });
        Ok(ProxyConfig {
            admin_token,
            allowed_origins,
            max_body_bytes: number(
                get,
                "MAX_BODY_BYTES",
                DEFAULT_MAX_BODY_BYTES,
                1024,
                64 * 1024 * 1024,
            )?,
            upstream_timeout_ms: number(
                get,
                "UPSTREAM_TIMEOUT_MS",
                DEFAULT_UPSTREAM_TIMEOUT_MS,
                100,
                600_000,
            )?,
            max_upstream_response_bytes: number(
                get,
                "MAX_UPSTREAM_RESPONSE_BYTES",
                DEFAULT_MAX_UPSTREAM_RESPONSE_BYTES,
                1024,
                256 * 1024 * 1024,
            )?,
            max_retries: number(get, "MAX_RETRIES", DEFAULT_MAX_RETRIES, 0, 10)?,
            upstream,
            upstream_name,
            test_panic_route: get("ENABLE_TEST_PANIC_ROUTE").as_deref() == Some("1"),
        })
    }
}
