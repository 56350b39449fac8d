//! The edge proxy's decisions: configuration, routing, authentication, CORS, limits,
//! validation, and what to answer. Plain Rust, tested natively; the Workers glue
//! (`src/js/package/proxy.js`) only moves bytes.
//!
//! A request is handled in two steps so that nothing is read or forwarded before it must be:
//! [`Proxy::head`] decides from the method, URL and headers alone (routes, CORS, auth, content
//! type, declared size) and either answers or asks for the body; [`Proxy::prepare`] checks the
//! body and the query, rebuilds the upstream request **with the same builders as the client**
//! (never by pasting client input into a URL), and returns it. [`Proxy::complete`] turns the
//! upstream answer into the proxy's answer.

mod answer;
mod auth;
mod config;
mod request;
mod route;

pub(crate) use auth::check_bearer;
#[cfg(feature = "js")]
pub(crate) use auth::constant_time_eq;
pub use config::{ConfigError, ProxyConfig};
pub(crate) use route::{query_params, QueryType};
pub use route::{route, Matched, Route};

use serde_json::Value;

pub(crate) use answer::{api_error_response, error_response};
use answer::{
    is_header_safe, is_json_object, json_response, method_not_allowed, not_found, preflight,
    success_body, to_text, upstream_error_response, validation, with_headers,
};
pub(crate) use request::percent_decode;
#[cfg(test)]
use request::percent_decode_query;
use request::{parse_body, parse_query};

use crate::api::validate::Map;
use crate::api::{self, ApiError, HttpRequest, Operation, OperationKind};

/// Where the proxy's API lives on its origin.
pub const API_PREFIX: &str = "/api/v1";
/// The health route.
pub const HEALTH_PATH: &str = "/api/health";
/// A route that panics, enabled only with `ENABLE_TEST_PANIC_ROUTE=1` (for tests).
pub const TEST_PANIC_PATH: &str = "/api/__panic";

/// An answer the proxy gives itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyResponse {
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`, CORS and the other headers to send.
    pub headers: Vec<(String, String)>,
    /// JSON text (empty for a 204).
    pub body: String,
}

/// What to do after looking at the head of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// Answer now.
    Respond(ProxyResponse),
    /// Read at most this many body bytes (0 for methods without a body) and call
    /// [`Proxy::prepare`].
    ReadBody {
        /// The most body bytes to read; a longer body is refused with 413.
        limit: usize,
    },
}

/// What to do with a complete request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Answer now (refused, or answered without Twilio).
    Respond(ProxyResponse),
    /// Send this request upstream, then call [`Proxy::complete`] with the answer.
    Forward(Forward),
}

/// A validated upstream request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    /// The operation the route matched.
    pub operation: Operation,
    /// The request to send to Twilio, with the proxy's credentials.
    pub request: HttpRequest,
    /// Whether the retry policy may repeat it (never for sends).
    pub retryable: bool,
    /// CORS headers to add to the final answer.
    pub cors: Vec<(String, String)>,
}

/// The head of an incoming request: method, URL pieces and headers (names in any case).
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The HTTP method, in any case.
    pub method: &'a str,
    /// The path, still percent-encoded (as in `URL.pathname`).
    pub path: &'a str,
    /// The query without `?` (as in `URL.search` minus the `?`).
    pub query: &'a str,
    /// The proxy's own origin (`URL.origin`), to tell same-origin requests apart.
    pub own_origin: &'a str,
    /// The request's headers, names in any case.
    pub headers: &'a [(String, String)],
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the head checks found: the body limit, the route and the CORS headers.
struct Checked {
    limit: usize,
    matched: Matched,
    cors: Vec<(String, String)>,
}

/// The proxy, configured.
///
/// The Worker asks it twice per request: [`Proxy::head`] before reading the body (so an
/// unauthenticated or oversized request costs nothing), then [`Proxy::prepare`] with the body
/// (or once, with [`Proxy::start`], for a route that takes no body),
/// which rebuilds the upstream request with the builders, so only the operations of the API
/// are ever relayed and the Twilio credentials never leave the proxy.
///
/// ```
/// use twilio_push_wasm::proxy::{Head, Incoming, Prepared, Proxy, ProxyConfig};
///
/// let env = [
///     ("ADMIN_TOKEN", "admin-token-0123456789abcdef"),
///     ("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"),
///     ("TWILIO_AUTH_TOKEN", "twilio-secret"),
/// ];
/// let get = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
/// let proxy = Proxy::new(ProxyConfig::from_env(&get).unwrap());
///
/// let headers = [
///     ("authorization".to_string(), "Bearer admin-token-0123456789abcdef".to_string()),
///     ("content-type".to_string(), "application/json".to_string()),
/// ];
/// let incoming = Incoming {
///     method: "POST",
///     path: "/api/v1/PushNotifications/DeviceRegistrations",
///     query: "",
///     own_origin: "https://push-admin.example",
///     headers: &headers,
/// };
/// let Head::ReadBody { limit } = proxy.head(&incoming) else { panic!("refused") };
/// let body = br#"{"appName": "limonade_app", "provider": "APN",
///     "token": "<965b251c 6cb1926d e3cb366f db3f9ae4 a2d3e6b0 bbd8eb0b 9dcea8d3 e4377c2b>"}"#;
/// assert!(body.len() <= limit);
///
/// let Prepared::Forward(forward) = proxy.prepare(&incoming, body) else { panic!("refused") };
/// assert_eq!(forward.request.url, "https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations");
/// // The proxy's own credentials go upstream; the admin token does not.
/// let authorization = forward.request.header("Authorization").unwrap();
/// assert!(authorization.starts_with("Basic "));
/// assert!(forward.request.body.unwrap().contains("965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b"));
///
/// // Without the admin token nothing is read, and the answer is definite JSON.
/// let stranger = Incoming { headers: &headers[1..], ..incoming };
/// let Head::Respond(answer) = proxy.head(&stranger) else { panic!("let through") };
/// assert_eq!(answer.status, 401);
/// assert!(!answer.body.contains("twilio-secret"));
/// ```
#[derive(Debug, Clone)]
pub struct Proxy {
    config: ProxyConfig,
}

impl Proxy {
    /// A proxy deciding by `config` (see [`ProxyConfig::from_env`]).
    pub fn new(config: ProxyConfig) -> Proxy {
        Proxy { config }
    }

    /// The configuration it decides by.
    pub fn config(&self) -> &ProxyConfig {
        &self.config
    }

    /// Decides from the head alone. Paths outside `/api/` are not the proxy's (the worker serves
    /// static files there) and get a JSON 404 here.
    pub fn head(&self, req: &Incoming<'_>) -> Head {
        match self.check_head(req) {
            Ok(checked) => Head::ReadBody {
                limit: checked.limit,
            },
            Err(response) => Head::Respond(response),
        }
    }

    /// [`Proxy::head`] and, for a route that takes no body (`limit` 0), [`Proxy::prepare`] in
    /// the same pass: the head is checked and routed once instead of twice. `Err(limit)`: read
    /// at most `limit` body bytes, then call [`Proxy::prepare`].
    pub fn start(&self, req: &Incoming<'_>) -> Result<Prepared, usize> {
        match self.check_head(req) {
            Ok(checked) if checked.limit == 0 => Ok(self.prepare_checked(req, checked, &[])),
            Ok(checked) => Err(checked.limit),
            Err(response) => Ok(Prepared::Respond(response)),
        }
    }

    fn check_head(&self, req: &Incoming<'_>) -> Result<Checked, ProxyResponse> {
        let cors = self.cors(req)?;
        if req.path == HEALTH_PATH {
            return match req.method {
                "GET" | "HEAD" => Err(with_headers(self.health(req), &cors)),
                "OPTIONS" if cors_preflight(req) => Err(preflight(&cors, &["GET"])),
                _ => Err(with_headers(method_not_allowed(&["GET"]), &cors)),
            };
        }
        let Some(api_path) = req.path.strip_prefix(API_PREFIX) else {
            return Err(with_headers(not_found(), &cors));
        };
        if req.method == "OPTIONS" && cors_preflight(req) {
            let asked = req.header("Access-Control-Request-Method").unwrap_or("");
            return match route(asked, api_path) {
                Route::Matched(m) => Err(preflight(&cors, &[m.operation.method()])),
                Route::MethodNotAllowed(allowed) => {
                    Err(with_headers(method_not_allowed(allowed), &cors))
                }
                Route::NotFound => Err(with_headers(not_found(), &cors)),
            };
        }
        let matched = match route(req.method, api_path) {
            Route::Matched(m) => m,
            Route::MethodNotAllowed(allowed) => {
                return Err(with_headers(method_not_allowed(allowed), &cors))
            }
            Route::NotFound => return Err(with_headers(not_found(), &cors)),
        };
        let Some(admin_token) = self.config.admin_token.as_deref() else {
            return Err(with_headers(
                error_response(
                    503,
                    "ADMIN_TOKEN_NOT_CONFIGURED",
                    "The proxy has no ADMIN_TOKEN configured, so it refuses every API request. Set it with `wrangler secret put ADMIN_TOKEN` (or the ADMIN_TOKEN environment variable for `make dev`).",
                    &[],
                ),
                &cors,
            ));
        };
        if let Err(failure) = check_bearer(req.header("Authorization"), admin_token) {
            let mut r = error_response(401, "UNAUTHORIZED", failure.message(), &[]);
            r.headers.push(("WWW-Authenticate".into(), "Bearer".into()));
            return Err(with_headers(r, &cors));
        }
        if self.config.upstream.auth.is_none() {
            return Err(with_headers(
                error_response(
                    503,
                    "UPSTREAM_NOT_CONFIGURED",
                    "The proxy has no Twilio credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).",
                    &[],
                ),
                &cors,
            ));
        }
        let has_body = matches!(matched.operation.method(), "POST" | "PATCH");
        if !has_body {
            return Ok(Checked {
                limit: 0,
                matched,
                cors,
            });
        }
        let content_type = req.header("Content-Type").unwrap_or("");
        let media = content_type.split(';').next().unwrap_or("").trim();
        if !media.eq_ignore_ascii_case("application/json") {
            return Err(with_headers(
                error_response(
                    415,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "The body must be JSON with 'Content-Type: application/json'.",
                    &[],
                ),
                &cors,
            ));
        }
        if let Some(length) = req.header("Content-Length") {
            match length.trim().parse::<u64>() {
                Ok(n) if n > self.config.max_body_bytes as u64 => {
                    return Err(with_headers(self.too_large(), &cors));
                }
                Ok(_) => {}
                Err(_) => {
                    return Err(with_headers(
                        error_response(
                            400,
                            "INVALID_REQUEST",
                            "The Content-Length header is not a number.",
                            &[],
                        ),
                        &cors,
                    ))
                }
            }
        }
        Ok(Checked {
            limit: self.config.max_body_bytes,
            matched,
            cors,
        })
    }

    /// The answer for a body over the limit.
    pub fn too_large(&self) -> ProxyResponse {
        error_response(
            413,
            "PAYLOAD_TOO_LARGE",
            &[
                "The body is larger than the proxy's limit of ",
                &self.config.max_body_bytes.to_string(),
                " bytes (MAX_BODY_BYTES).",
            ]
            .concat(),
            &[("limit", Value::from(self.config.max_body_bytes))],
        )
    }

    /// `{ status, upstream, upstreamConfigured, adminTokenConfigured }` for anyone;
    /// `wasmMemoryBytes` too for a request bearing the admin token (the memory size tells an
    /// outsider how busy the proxy is, and only operators need it to watch for leaks).
    fn health(&self, req: &Incoming<'_>) -> ProxyResponse {
        let admin = self
            .config
            .admin_token
            .as_deref()
            .is_some_and(|token| check_bearer(req.header("Authorization"), token).is_ok());
        let mut body = Map::new();
        body.insert("status".into(), "ok".into());
        if admin {
            // The size of this module's linear memory: it never shrinks, so a leak shows here.
            #[cfg(target_arch = "wasm32")]
            let wasm_memory = core::arch::wasm32::memory_size(0) * 65536;
            #[cfg(not(target_arch = "wasm32"))]
            let wasm_memory = 0usize;
            body.insert("wasmMemoryBytes".into(), wasm_memory.into());
        }
        body.insert("upstream".into(), self.config.upstream_name.as_str().into());
        body.insert(
            "upstreamConfigured".into(),
            self.config.upstream.auth.is_some().into(),
        );
        body.insert(
            "adminTokenConfigured".into(),
            self.config.admin_token.is_some().into(),
        );
        json_response(200, to_text(&body))
    }

    /// CORS: same-origin and origin-less requests pass with no headers; other origins only if
    /// listed in `ALLOWED_ORIGINS`.
    fn cors(&self, req: &Incoming<'_>) -> Result<Vec<(String, String)>, ProxyResponse> {
        let Some(origin) = req.header("Origin") else {
            return Ok(Vec::new());
        };
        if origin == req.own_origin {
            return Ok(Vec::new());
        }
        if origin != "null" && self.config.allowed_origins.iter().any(|o| o == origin) {
            return Ok(vec![
                ("Access-Control-Allow-Origin".into(), origin.to_string()),
                (
                    "Access-Control-Expose-Headers".into(),
                    "Retry-After, Location".into(),
                ),
                ("Vary".into(), "Origin".into()),
            ]);
        }
        Err(error_response(
            403,
            "ORIGIN_NOT_ALLOWED",
            "Requests from this origin are not allowed. Add it to ALLOWED_ORIGINS to allow it.",
            &[],
        ))
    }

    /// Checks the body and query and builds the upstream request.
    pub fn prepare(&self, req: &Incoming<'_>, body: &[u8]) -> Prepared {
        // The head checks are repeated: that keeps `prepare` safe to call on its own.
        match self.check_head(req) {
            Ok(checked) => self.prepare_checked(req, checked, body),
            Err(r) => Prepared::Respond(r),
        }
    }

    fn prepare_checked(&self, req: &Incoming<'_>, checked: Checked, body: &[u8]) -> Prepared {
        match self.try_prepare(req, checked, body) {
            Ok(f) => Prepared::Forward(f),
            Err(r) => Prepared::Respond(r),
        }
    }

    fn try_prepare(
        &self,
        req: &Incoming<'_>,
        Checked { matched, cors, .. }: Checked,
        body: &[u8],
    ) -> Result<Forward, ProxyResponse> {
        let op = matched.operation;
        if body.len() > self.config.max_body_bytes {
            return Err(with_headers(self.too_large(), &cors));
        }
        let mut params = if matches!(op.method(), "POST" | "PATCH") {
            parse_body(body).map_err(|r| with_headers(r, &cors))?
        } else {
            Map::new()
        };
        if let Some((name, raw)) = &matched.path_param {
            let value = percent_decode(raw).ok_or_else(|| {
                with_headers(
                    validation(name, "is not valid percent-encoded UTF-8."),
                    &cors,
                )
            })?;
            if params.contains_key(*name) {
                return Err(with_headers(
                    validation(name, "is given in the path; it cannot also be in the body."),
                    &cors,
                ));
            }
            params.insert((*name).to_string(), Value::String(value));
        }
        parse_query(op, req.query, &mut params).map_err(|r| with_headers(r, &cors))?;
        let request = api::build_request(op, &Value::Object(params), &self.config.upstream)
            .map_err(|e| with_headers(api_error_response(&e), &cors))?;
        Ok(Forward {
            operation: op,
            request,
            retryable: op.is_retryable(),
            cors,
        })
    }

    /// The proxy's answer for an upstream response: successes pass through (after checking
    /// they are what the operation returns), errors become the proxy's JSON error shape.
    pub fn complete(
        &self,
        operation: Operation,
        cors: &[(String, String)],
        status: u16,
        headers: &[(String, String)],
        body: &str,
    ) -> ProxyResponse {
        self.complete_with_retry(operation, cors, status, headers, body, u32::MAX, 0.0)
            .0
    }

    /// [`Proxy::complete`], plus how long to wait before repeating the request when the retry
    /// policy (the client's, [`api::retry`]) says it should be repeated; `retries_done` counts
    /// the retries already made.
    #[allow(clippy::too_many_arguments)]
    pub fn complete_with_retry(
        &self,
        operation: Operation,
        cors: &[(String, String)],
        status: u16,
        headers: &[(String, String)],
        body: &str,
        retries_done: u32,
        random: f64,
    ) -> (ProxyResponse, Option<u64>) {
        let mut retry = None;
        // A fetched resource passes through as it came once it is known to be a JSON object.
        let passes = operation.kind() == OperationKind::Fetch
            && (200..300).contains(&status)
            && is_json_object(body);
        let parsed = if passes {
            Ok(None)
        } else {
            api::parse_response(operation, status, headers, body).map(Some)
        };
        let response = match parsed {
            Ok(result) => {
                let mut r = ProxyResponse {
                    status,
                    headers: vec![
                        (
                            "Content-Type".into(),
                            "application/json; charset=utf-8".into(),
                        ),
                        ("Cache-Control".into(), "no-store".into()),
                    ],
                    body: match &result {
                        Some(result) => success_body(result, status, body),
                        None if status == 204 => String::new(),
                        None => body.to_string(),
                    },
                };
                if let Some((_, location)) = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("Location"))
                {
                    if is_header_safe(location) {
                        r.headers.push(("Location".into(), location.clone()));
                    }
                }
                r
            }
            Err(e) => {
                retry = self.retry_delay(operation, &e, retries_done, random);
                upstream_error_response(operation, &e)
            }
        };
        (with_headers(response, cors), retry)
    }

    fn retry_delay(
        &self,
        operation: Operation,
        error: &ApiError,
        retries_done: u32,
        random: f64,
    ) -> Option<u64> {
        let policy = api::retry::RetryPolicy {
            max_retries: self.config.max_retries,
            ..api::retry::RetryPolicy::default()
        };
        match api::retry::decide(operation, error, retries_done, &policy, random) {
            api::retry::RetryDecision::Retry { delay_ms } => Some(delay_ms),
            api::retry::RetryDecision::Stop(_) => None,
        }
    }

    /// The answer when the upstream could not be reached or did not answer in time.
    pub fn upstream_failure(
        &self,
        operation: Operation,
        cors: &[(String, String)],
        kind: UpstreamFailure,
    ) -> ProxyResponse {
        self.upstream_failure_with_retry(operation, cors, kind, u32::MAX, 0.0)
            .0
    }

    /// [`Proxy::upstream_failure`] plus the retry delay, as [`Proxy::complete_with_retry`].
    pub fn upstream_failure_with_retry(
        &self,
        operation: Operation,
        cors: &[(String, String)],
        kind: UpstreamFailure,
        retries_done: u32,
        random: f64,
    ) -> (ProxyResponse, Option<u64>) {
        let as_error = match kind {
            UpstreamFailure::Timeout => ApiError::Timeout {
                timeout_ms: self.config.upstream_timeout_ms,
                message: String::new(),
            },
            UpstreamFailure::Unreachable => ApiError::Network {
                message: String::new(),
            },
            UpstreamFailure::TooLarge => ApiError::InvalidResponse {
                status: 200,
                message: String::new(),
            },
        };
        let retry = self.retry_delay(operation, &as_error, retries_done, random);
        let unsure = if operation == Operation::SendPush {
            " The push may or may not have been accepted: check recent operations before sending again."
        } else {
            ""
        };
        let (status, code, what) = match kind {
            UpstreamFailure::Timeout => (
                504,
                "UPSTREAM_TIMEOUT",
                "The Twilio API did not answer in time.",
            ),
            UpstreamFailure::Unreachable => (
                502,
                "UPSTREAM_UNREACHABLE",
                "The Twilio API could not be reached.",
            ),
            UpstreamFailure::TooLarge => (
                502,
                "UPSTREAM_RESPONSE_TOO_LARGE",
                "The Twilio API's answer was larger than the proxy accepts.",
            ),
        };
        (
            with_headers(
                error_response(status, code, &[what, unsure].concat(), &[]),
                cors,
            ),
            retry,
        )
    }
}

/// Ways an upstream call fails without an HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamFailure {
    /// No answer within the upstream timeout.
    Timeout,
    /// The connection failed (DNS, refused, reset).
    Unreachable,
    /// The answer was longer than the configured limit.
    TooLarge,
}

/// Marks a final error answer when an earlier attempt of the same request got no answer: that
/// attempt may have been applied (a registration may exist although this answer is an error).
pub fn with_unknown_outcome(mut r: ProxyResponse, earlier_unknown: bool) -> ProxyResponse {
    if !earlier_unknown || r.status < 400 {
        return r;
    }
    if let Ok(Value::Object(mut body)) = serde_json::from_str(&r.body) {
        let message = body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        body.insert(
            "message".into(),
            Value::from(
                [
                    &message,
                    " An earlier attempt got no answer and may have been applied.",
                ]
                .concat(),
            ),
        );
        body.insert("outcomeUnknown".into(), Value::Bool(true));
        r.body = to_text(&body);
    }
    r
}

fn cors_preflight(req: &Incoming<'_>) -> bool {
    req.header("Origin").is_some() && req.header("Access-Control-Request-Method").is_some()
}

#[cfg(test)]
mod tests;
