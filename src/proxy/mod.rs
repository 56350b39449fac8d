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

mod auth;
mod config;
mod route;

pub(crate) use auth::check_bearer;
#[cfg(feature = "js")]
pub(crate) use auth::constant_time_eq;
pub use config::{ConfigError, ProxyConfig};
pub(crate) use route::{query_params, QueryType};
pub use route::{route, Matched, Route};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::api::validate::Map;
use core::fmt;

use crate::api::{self, ApiError, HttpRequest, Operation};

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

/// The proxy, configured.
///
/// The Worker asks it twice per request: [`Proxy::head`] before reading the body (so an
/// unauthenticated or oversized request costs nothing), then [`Proxy::prepare`] with the body,
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

/// Builds the JSON error answer every refusal uses: `{ code, message, status, retryable, … }`.
///
/// `retryable` is true for 429 and 503, except for the proxy's own configuration errors
/// (`*_NOT_CONFIGURED`): those stay until someone sets the variable, so retrying cannot help.
pub(crate) fn error_response(
    status: u16,
    code: &str,
    message: &str,
    extra: &[(&str, Value)],
) -> ProxyResponse {
    let mut body = Map::new();
    body.insert("code".into(), code.into());
    body.insert("message".into(), message.into());
    body.insert("status".into(), status.into());
    body.insert(
        "retryable".into(),
        (matches!(status, 429 | 503) && !code.ends_with("_NOT_CONFIGURED")).into(),
    );
    for (k, v) in extra {
        body.insert((*k).into(), v.clone());
    }
    json_response(status, to_text(&body))
}

/// Compact JSON text of an answer.
fn to_text(body: &Map) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

fn json_response(status: u16, body: String) -> ProxyResponse {
    ProxyResponse {
        status,
        headers: vec![
            (
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            ),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body,
    }
}

fn with_headers(mut r: ProxyResponse, headers: &[(String, String)]) -> ProxyResponse {
    r.headers.extend(headers.iter().cloned());
    r
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
            Ok(limit) => Head::ReadBody { limit },
            Err(response) => Head::Respond(response),
        }
    }

    fn check_head(&self, req: &Incoming<'_>) -> Result<usize, ProxyResponse> {
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
            return Ok(0);
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
        Ok(self.config.max_body_bytes)
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
        match self.try_prepare(req, body) {
            Ok(f) => Prepared::Forward(f),
            Err(r) => Prepared::Respond(r),
        }
    }

    fn try_prepare(&self, req: &Incoming<'_>, body: &[u8]) -> Result<Forward, ProxyResponse> {
        // The head checks are cheap; repeating them keeps `prepare` safe to call on its own.
        self.check_head(req)?;
        let cors = self.cors(req)?;
        let api_path = req.path.strip_prefix(API_PREFIX).unwrap_or("");
        let Route::Matched(matched) = route(req.method, api_path) else {
            return Err(with_headers(not_found(), &cors));
        };
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
        let response = match api::parse_response(operation, status, headers, body) {
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
                    body: success_body(&result, status, body),
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

/// The body of a successful answer: the upstream body as sent, except that a send or a write
/// whose IDs came in headers only (`operation-id`, `resource-location`…, which the answer does not
/// carry) or with no body at all gets them put into the body, so that the client reads the same
/// result through the proxy as from the API. A 204 has no body, whatever was sent with it.
fn success_body(result: &api::ApiResult, status: u16, body: &str) -> String {
    if status == 204 {
        return String::new();
    }
    if !matches!(
        result,
        api::ApiResult::Accepted(_) | api::ApiResult::Resource(_)
    ) {
        return body.to_string();
    }
    let Value::Object(ids) = result.to_json() else {
        return body.to_string();
    };
    if body.trim().is_empty() {
        return to_text(&ids);
    }
    // parse_response accepted it, so a non-blank body is a JSON object.
    let Ok(Value::Object(mut map)) = serde_json::from_str(body) else {
        return body.to_string();
    };
    let mut changed = false;
    for (k, v) in ids {
        if !v.is_null() && map.get(&k) != Some(&v) {
            map.insert(k, v);
            changed = true;
        }
    }
    if changed {
        to_text(&map)
    } else {
        body.to_string()
    }
}

fn is_header_safe(v: &str) -> bool {
    v.len() <= 2048 && v.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn cors_preflight(req: &Incoming<'_>) -> bool {
    req.header("Origin").is_some() && req.header("Access-Control-Request-Method").is_some()
}

fn preflight(cors: &[(String, String)], methods: &[&str]) -> ProxyResponse {
    if cors.is_empty() {
        // Same-origin preflights do not happen; answer plainly.
        return ProxyResponse {
            status: 204,
            headers: Vec::new(),
            body: String::new(),
        };
    }
    let mut headers = cors.to_vec();
    headers.push((
        "Access-Control-Allow-Methods".into(),
        [&methods.join(", "), ", OPTIONS"].concat(),
    ));
    headers.push((
        "Access-Control-Allow-Headers".into(),
        "Authorization, Content-Type".into(),
    ));
    headers.push(("Access-Control-Max-Age".into(), "600".into()));
    ProxyResponse {
        status: 204,
        headers,
        body: String::new(),
    }
}

fn not_found() -> ProxyResponse {
    error_response(404, "NOT_FOUND", "There is no such API route. The proxy serves GET /api/health and the Twilio Push paths under /api/v1/PushNotifications.", &[])
}

fn method_not_allowed(allowed: &[&str]) -> ProxyResponse {
    let list = allowed.join(", ");
    let mut r = error_response(
        405,
        "METHOD_NOT_ALLOWED",
        &["This route takes ", &list, "."].concat(),
        &[("allowed", Value::from(allowed.to_vec()))],
    );
    r.headers.push(("Allow".into(), list));
    r
}

fn validation(field: &str, what: &str) -> ProxyResponse {
    error_response(
        400,
        "VALIDATION_ERROR",
        &[field, " ", what].concat(),
        &[("field", Value::from(field))],
    )
}

/// A builder error (validation) as the proxy's JSON error.
pub(crate) fn api_error_response(e: &ApiError) -> ProxyResponse {
    let mut extra = Vec::new();
    if let Some(field) = e.field() {
        extra.push(("field", Value::from(field)));
    }
    if let ApiError::Validation {
        token_code: Some(code),
        ..
    } = e
    {
        extra.push(("tokenCode", Value::from(*code)));
    }
    error_response(400, e.code(), e.message(), &extra)
}

/// An upstream error: the Twilio status is kept for 4xx/429/5xx so clients see the same
/// retryability, except that a refusal of the proxy's own Twilio credentials becomes 502 (the
/// browser's admin token was fine; the server is misconfigured). Any other non-2xx status (a
/// redirect, which the upstream fetch does not follow, or 1xx) is no error status a client can
/// read, and a 304 answer cannot even carry a body: it is an unexpected answer, 502.
fn upstream_error_response(op: Operation, e: &ApiError) -> ProxyResponse {
    let unexpected = || {
        error_response(
            502,
            "INVALID_UPSTREAM_RESPONSE",
            &[
                "The Twilio API answered ",
                op.name(),
                " with something unexpected: ",
                e.message(),
            ]
            .concat(),
            &[],
        )
    };
    let ApiError::Api {
        status,
        twilio_code,
        message,
        more_info,
        retry_after,
        ..
    } = e
    else {
        return unexpected();
    };
    if !(400..=599).contains(status) {
        return unexpected();
    }
    let mut extra: Vec<(&str, Value)> = Vec::new();
    if let Some(code) = twilio_code {
        extra.push(("twilioCode", Value::from(*code)));
    }
    if let Some(more) = more_info {
        extra.push(("moreInfo", Value::from(more.as_str())));
    }
    if matches!(status, 401 | 403) {
        let mut r = error_response(
            502,
            "UPSTREAM_AUTH_FAILED",
            "The Twilio API refused the proxy's credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).",
            &extra,
        );
        r.headers
            .push(("X-Upstream-Status".into(), status.to_string()));
        return r;
    }
    // Twilio's own words (the composed message would gain a second "HTTP 404 …" prefix when
    // the client reads this answer), and its list of field errors, if any.
    let upstream_body = match e {
        ApiError::Api { body: Some(b), .. } => Some(b.as_ref()),
        _ => None,
    };
    let upstream_message = upstream_body
        .and_then(|b| b.get("message"))
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty());
    if let Some(errors) = upstream_body
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_array)
    {
        let kept: Vec<Value> = errors
            .iter()
            .filter(|e| e.is_object())
            .take(100)
            .cloned()
            .collect();
        extra.push(("errors", Value::Array(kept)));
    }
    let mut r = error_response(
        *status,
        "API_ERROR",
        upstream_message.unwrap_or(message),
        &extra,
    );
    if let Some(seconds) = retry_after {
        r.headers.push(("Retry-After".into(), seconds.to_string()));
    }
    r
}

fn parse_body(body: &[u8]) -> Result<Map, ProxyResponse> {
    let text = core::str::from_utf8(body).map_err(|e| {
        error_response(
            400,
            "INVALID_BODY",
            &[
                "The body is not valid UTF-8 (byte ",
                &e.valid_up_to().to_string(),
                ").",
            ]
            .concat(),
            &[],
        )
    })?;
    if text.trim().is_empty() {
        return Err(error_response(
            400,
            "INVALID_JSON",
            "The body is empty; send a JSON object.",
            &[],
        ));
    }
    match serde_json::from_str::<Strict>(text) {
        Ok(Strict(Value::Object(map))) => Ok(map),
        Ok(_) => Err(error_response(
            400,
            "INVALID_JSON",
            "The body must be a JSON object.",
            &[],
        )),
        Err(e) => Err(error_response(
            400,
            "INVALID_JSON",
            &["The body is not valid JSON: ", &e.to_string(), "."].concat(),
            &[],
        )),
    }
}

/// A JSON value read with serde_json, refusing a key repeated in one object at any depth
/// (serde_json's own `Value` keeps the last one silently). A body with a repeated key is
/// ambiguous — another reader may take the first one — so the proxy answers 400 instead of
/// choosing.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number is not finite"))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                let mut message = String::from("the key ");
                message.push_str(
                    &serde_json::to_string(&api::validate::clip(&key, 40)).unwrap_or_default(),
                );
                message.push_str(" is repeated");
                return Err(de::Error::custom(message));
            }
            let Strict(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Reads the query into typed params; unknown, repeated and malformed parameters are refused.
fn parse_query(op: Operation, query: &str, params: &mut Map) -> Result<(), ProxyResponse> {
    let allowed = query_params(op);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode_query(raw_key).ok_or_else(|| {
            error_response(
                400,
                "INVALID_QUERY",
                "A query parameter name is not valid percent-encoded UTF-8.",
                &[],
            )
        })?;
        let Some((name, kind)) = allowed.iter().find(|(n, _)| *n == key) else {
            let known = allowed
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(error_response(
                400,
                "UNKNOWN_QUERY_PARAMETER",
                &[
                    "Unknown query parameter \"",
                    &api::validate::clip(&key, 40),
                    "\" for ",
                    op.name(),
                    ". ",
                    if known.is_empty() {
                        "It takes no query parameters."
                    } else {
                        "Allowed: "
                    },
                    &known,
                    if known.is_empty() { "" } else { "." },
                ]
                .concat(),
                &[("field", Value::from(api::validate::clip(&key, 40)))],
            ));
        };
        if params.contains_key(*name) {
            return Err(validation(name, "is given more than once."));
        }
        let value = percent_decode_query(raw_value)
            .ok_or_else(|| validation(name, "is not valid percent-encoded UTF-8."))?;
        let typed = match kind {
            QueryType::Text => Value::String(value),
            QueryType::Integer => match value.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => return Err(validation(name, "must be an integer.")),
            },
            QueryType::Boolean => match value.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(validation(name, "must be true or false.")),
            },
            QueryType::Tags => {
                let mut tags = Map::new();
                for item in value.split(';').filter(|s| !s.is_empty()) {
                    let Some((k, v)) = item.split_once(':') else {
                        return Err(validation(
                            name,
                            "must be key:value pairs separated by ';'.",
                        ));
                    };
                    tags.insert(k.to_string(), Value::String(v.to_string()));
                }
                Value::Object(tags)
            }
        };
        params.insert((*name).to_string(), typed);
    }
    Ok(())
}

/// Decodes `%XX` escapes (RFC 3986); `None` for a malformed escape or invalid UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    decode(s)
}

/// As [`percent_decode`], with `+` as a space, as `URLSearchParams` reads a query.
fn percent_decode_query(s: &str) -> Option<String> {
    if s.contains('+') {
        decode(&s.replace('+', " "))
    } else {
        decode(s)
    }
}

/// The `percent-encoding` crate keeps a malformed escape as it is; the proxy refuses it, so
/// every `%` must start an escape of two hex digits.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

#[cfg(test)]
mod tests;
