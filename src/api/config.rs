//! Where requests go and how they authenticate: [`ApiConfig`] and [`Auth`], read from JS-shaped
//! JSON and checked once.

use core::fmt;

use serde_json::Value;

use super::{params, ApiError};

/// Twilio's current (GA-track) base URL.
pub const DEFAULT_BASE_URL: &str = "https://comms.twilio.com/v1";

/// Credentials for the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic: Account SID and Auth Token, or API Key SID and API Key Secret.
    Basic {
        /// The Account SID (`AC…`) or API Key SID (`SK…`).
        username: String,
        /// The Auth Token or API Key Secret; never printed by `Debug`.
        password: String,
    },
    /// `Authorization: Bearer <token>`, for proxies that take their own tokens. Twilio documents
    /// only Basic auth for push.
    Bearer(String),
}

impl fmt::Debug for Auth {
    /// Never prints the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Where requests go and how they authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// `https://comms.twilio.com/v1` by default. An absolute `http(s)` URL, or a path starting
    /// with `/` (e.g. `/api/v1`) for same-origin browser use through the proxy; then every URL
    /// built is path-absolute. A trailing slash is tolerated.
    pub base_url: String,
    /// The `Authorization` header's credentials; `None` sends none (e.g. behind the proxy,
    /// which adds its own).
    pub auth: Option<Auth>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            auth: None,
        }
    }
}

impl ApiConfig {
    /// A checked configuration.
    pub fn new(base_url: &str, auth: Option<Auth>) -> Result<ApiConfig, ApiError> {
        let config = ApiConfig {
            base_url: base_url.to_string(),
            auth,
        };
        config.check()?;
        Ok(config)
    }

    /// Reads `{ baseUrl?, auth?: { username, password } | { bearer } }` with serde
    /// (`params::ConfigWire`); `null` is the default configuration. The client's own settings
    /// ([`retry::CLIENT_KEYS`](super::retry::CLIENT_KEYS)) are allowed (and ignored here) when
    /// `extra` lists them; any other key is refused. Errors are `INVALID_ARGUMENT`s naming the
    /// key.
    pub fn from_value(value: &Value, extra: &[&str]) -> Result<ApiConfig, ApiError> {
        let known: Vec<&str> = ["baseUrl", "auth"].iter().chain(extra).copied().collect();
        let wire = params::config_from_value(value, &known)?;
        ApiConfig::from_wire(wire, &known).map(|(config, _)| config)
    }

    /// The configuration of a read `params::ConfigWire`, and the wire struct back for the
    /// client's settings. A client setting that `known` does not list is refused as unknown.
    pub(crate) fn from_wire(
        wire: params::ConfigWire,
        known: &[&str],
    ) -> Result<(ApiConfig, params::ConfigWire), ApiError> {
        let given = [
            ("maxRetries", wire.max_retries.is_some()),
            ("timeoutMs", wire.timeout_ms.is_some()),
            ("retryBaseMs", wire.retry_base_ms.is_some()),
            ("retryMaxMs", wire.retry_max_ms.is_some()),
        ];
        if let Some((key, _)) = given
            .iter()
            .find(|(key, given)| *given && !known.contains(key))
        {
            return Err(params::unknown_config_key(key, known));
        }
        let auth = match &wire.auth {
            None => None,
            Some(a) => Some(match (&a.username, &a.password, &a.bearer) {
                (Some(username), Some(password), None) => Auth::Basic {
                    username: username.clone(),
                    password: password.clone(),
                },
                (None, None, Some(token)) => Auth::Bearer(token.clone()),
                _ => return Err(params::auth_shape_error()),
            }),
        };
        let base_url = wire.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        Ok((ApiConfig::new(base_url, auth)?, wire))
    }

    /// Checks the base URL and the credentials (header-safe, well-formed).
    pub fn check(&self) -> Result<(), ApiError> {
        check_base_url(&self.base_url)?;
        match &self.auth {
            None => Ok(()),
            Some(Auth::Basic { username, password }) => {
                if username.is_empty() || password.is_empty() {
                    return Err(ApiError::invalid_argument(
                        "config.auth",
                        "config.auth needs a non-empty username (Account SID or API Key SID) and password (Auth Token or API Key Secret).",
                    ));
                }
                if username.contains(':') {
                    return Err(ApiError::invalid_argument(
                        "config.auth.username",
                        "config.auth.username cannot contain ':' (HTTP Basic auth separates username and password with it).",
                    ));
                }
                if username
                    .chars()
                    .chain(password.chars())
                    .any(char::is_control)
                {
                    return Err(ApiError::invalid_argument(
                        "config.auth",
                        "config.auth contains a control character; copy the credentials again.",
                    ));
                }
                Ok(())
            }
            Some(Auth::Bearer(token)) => {
                if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(ApiError::invalid_argument(
                        "config.auth.bearer",
                        "config.auth.bearer must be a non-empty token of visible ASCII characters (no spaces).",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The base URL without trailing slashes.
    pub(crate) fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

fn check_base_url(url: &str) -> Result<(), ApiError> {
    let bad = |why: &str| {
        Err(ApiError::invalid_argument(
            "config.baseUrl",
            &["config.baseUrl ", why, " Use an absolute http(s) URL such as https://comms.twilio.com/v1, or a path such as /api/v1."].concat(),
        ))
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("contains whitespace or a control character.");
    }
    if url.contains('?') || url.contains('#') {
        return bad("cannot contain a query ('?') or a fragment ('#').");
    }
    if url.contains('\\') {
        return bad("cannot contain '\\'.");
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        url.get(8..)
    } else if lower.starts_with("http://") {
        url.get(7..)
    } else if url.starts_with("//") {
        return bad("cannot be protocol-relative ('//host').");
    } else if url.starts_with('/') {
        return Ok(());
    } else {
        return bad("must start with http://, https:// or /.");
    };
    let host = rest.unwrap_or("").split('/').next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return bad("needs a host (and no user info).");
    }
    Ok(())
}
