//! What every fuzz target checks, beyond "no panic". Shared with `tests/fuzz_regressions.rs`
//! (included there with `#[path]`), so a crash input replays natively through exactly the code
//! the target ran. Every `check_*` entry point takes the fuzz input (or, for the builders, the
//! JSON params derived from it) and panics with the input on any broken invariant.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use twilio_push_wasm::api::{
    self, build_request, parse_response, parse_response_at, ApiConfig, ApiError, ApiResult, Auth,
    HttpRequest, Operation, OperationKind,
};
use twilio_push_wasm::batch::{
    inspect_lines, inspect_lines_bytes, BatchError, BatchOptions, BatchReport, Duplicate,
};
use twilio_push_wasm::proxy::{
    route, with_unknown_outcome, Head, Incoming, Prepared, Proxy, ProxyConfig, ProxyResponse,
    Route, API_PREFIX,
};
use twilio_push_wasm::token::{
    self, Provider, Spelling, TokenError, TokenErrorKind, Warning, APNS_MAX_BYTES, APNS_MIN_BYTES,
    FCM_MAX_CHARS, FCM_MIN_CHARS,
};

/// Every way a caller can state the provider.
pub const PROVIDERS: [Option<Provider>; 3] = [None, Some(Provider::Apn), Some(Provider::Fcm)];

/// The proxy's admin token in the fuzz configurations.
pub const ADMIN: &str = "fuzz-admin-token-0123456789abcdef";
/// The upstream (Twilio) secret: it must never appear in an answer unless the request had it.
pub const SECRET: &str = "TwilioSecret-7f3a9c21e5";
/// The proxy's own origin.
pub const OWN_ORIGIN: &str = "https://proxy.example";
/// A fixed "now" (2023-11-14T22:13:20Z) for `Retry-After` dates.
pub const NOW: u64 = 1_700_000_000;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// The `token` target: the input as text with each provider, and as raw bytes with each.
pub fn check_token(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for provider in PROVIDERS {
        check_token_text(&text, provider);
        check_token_bytes(data, provider);
    }
}

fn check_token_error(e: &TokenError, input: Option<&str>, ctx: &dyn Fn() -> String) {
    let code = e.code();
    assert!(
        !code.is_empty() && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
        "bad code {code:?} for {}",
        ctx()
    );
    assert!(
        !e.to_string().trim().is_empty(),
        "empty message for {}",
        ctx()
    );
    if let (Some(pos), Some(input)) = (e.position(), input) {
        assert!(
            pos <= input.chars().count(),
            "position {pos} past the end of {}",
            ctx()
        );
    }
    if let TokenErrorKind::ProviderMismatch { expected, likely } = e.kind() {
        assert_ne!(expected, likely, "a mismatch with itself for {}", ctx());
    }
}

fn check_canonical(canonical: &str, provider: Provider, byte_len: Option<usize>, ctx: &str) {
    match provider {
        Provider::Apn => {
            let n = byte_len.unwrap_or_else(|| panic!("APNs token without a length: {ctx}"));
            assert!(
                (APNS_MIN_BYTES..=APNS_MAX_BYTES).contains(&n),
                "APNs length {n}: {ctx}"
            );
            assert_eq!(canonical.len(), 2 * n, "APNs canonical length: {ctx}");
            assert!(
                canonical
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "APNs canonical {canonical:?} is not lowercase hex: {ctx}"
            );
        }
        Provider::Fcm => {
            assert_eq!(byte_len, None, "FCM token with a byte length: {ctx}");
            assert!(
                (FCM_MIN_CHARS..=FCM_MAX_CHARS).contains(&canonical.len()),
                "FCM canonical length {}: {ctx}",
                canonical.len()
            );
            assert!(
                canonical
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':')),
                "FCM canonical {canonical:?} has a character FCM tokens never have: {ctx}"
            );
        }
    }
}

fn check_token_text(input: &str, provider: Option<Provider>) {
    let ctx = || format!("{input:?} with {provider:?}");
    let parsed = token::parse(input, provider);
    let report = token::inspect(input, provider);
    assert_eq!(
        report.ok(),
        parsed.is_ok(),
        "inspect and parse disagree: {}",
        ctx()
    );
    assert_eq!(
        token::normalize(input, provider),
        parsed.as_ref().map(|p| p.canonical()).map_err(Clone::clone),
        "normalize and parse disagree: {}",
        ctx()
    );
    let p = match parsed {
        Ok(p) => p,
        Err(e) => {
            check_token_error(&e, Some(input), &ctx);
            assert_eq!(report.error.as_ref(), Some(&e), "{}", ctx());
            assert_eq!(report.token, None, "{}", ctx());
            let expected_provider = match e.kind() {
                TokenErrorKind::ProviderMismatch { expected, likely } => {
                    assert_eq!(Some(*expected), provider, "mismatch of {}", ctx());
                    Some(*likely)
                }
                _ => provider,
            };
            assert_eq!(report.provider, expected_provider, "{}", ctx());
            return;
        }
    };
    let canonical = p.canonical();
    let where_ = ctx();
    check_canonical(&canonical, p.provider(), p.byte_len(), &where_);
    if let Some(asked) = provider {
        assert_eq!(p.provider(), asked, "provider not kept: {where_}");
    }
    assert_eq!(
        report.token.as_deref(),
        Some(canonical.as_str()),
        "{where_}"
    );
    assert_eq!(report.provider, Some(p.provider()), "{where_}");
    assert_eq!(report.format, Some(p.format()), "{where_}");
    assert_eq!(report.byte_length, p.byte_len(), "{where_}");
    assert_eq!(report.warnings, p.warnings(), "{where_}");
    if p.provider() == Provider::Fcm {
        assert_eq!(
            canonical,
            input.trim(),
            "FCM tokens are kept as given: {where_}"
        );
    }
    match p.spelling(input) {
        Spelling::Canonical => assert_eq!(canonical, input, "spelling: {where_}"),
        Spelling::UpperCase => {
            assert_eq!(canonical, input.to_ascii_lowercase(), "spelling: {where_}")
        }
        Spelling::Other => {}
    }
    let mut appended = String::from("#");
    p.write_canonical(&mut appended);
    assert_eq!(appended[1..], canonical, "write_canonical: {where_}");
    // An accepted token normalizes to itself again, with the provider asked for and with the
    // provider found, and only length or shape warnings remain.
    for again in [provider, Some(p.provider())] {
        let q = token::parse(&canonical, again).unwrap_or_else(|e| {
            panic!(
                "canonical {canonical:?} of {where_} refused with {again:?}: {} {e}",
                e.code()
            )
        });
        assert_eq!(q.canonical(), canonical, "not a fixed point: {where_}");
        assert_eq!(q.provider(), p.provider(), "{where_}");
        assert_eq!(q.byte_len(), p.byte_len(), "{where_}");
        assert_eq!(q.spelling(&canonical), Spelling::Canonical, "{where_}");
        for w in q.warnings().iter() {
            assert!(
                matches!(
                    w,
                    Warning::NonStandardLength | Warning::LegacyGcm | Warning::UnrecognizedFcmShape
                ),
                "canonical {canonical:?} still warns {}: {where_}",
                w.code()
            );
        }
    }
    // Saying which provider a classified token is for changes nothing.
    if provider.is_none() {
        let q = token::parse(input, Some(p.provider())).unwrap_or_else(|e| {
            panic!(
                "classified {where_} as {} but refused when told so: {e}",
                p.provider()
            )
        });
        assert_eq!(q.canonical(), canonical, "{where_}");
    }
}

fn check_token_bytes(data: &[u8], provider: Option<Provider>) {
    let ctx = || format!("bytes {data:02x?} with {provider:?}");
    let parsed = token::parse_bytes(data, provider);
    let report = token::inspect_bytes(data, provider);
    assert_eq!(report.ok(), parsed.is_ok(), "{}", ctx());
    assert_eq!(
        token::normalize_bytes(data, provider),
        parsed.as_ref().map(|p| p.canonical()).map_err(Clone::clone),
        "{}",
        ctx()
    );
    let acceptable =
        (APNS_MIN_BYTES..=APNS_MAX_BYTES).contains(&data.len()) && provider != Some(Provider::Fcm);
    match parsed {
        Ok(p) => {
            assert!(acceptable, "accepted {}", ctx());
            assert_eq!(p.provider(), Provider::Apn, "{}", ctx());
            assert_eq!(p.byte_len(), Some(data.len()), "{}", ctx());
            assert_eq!(p.canonical(), lower_hex(data), "{}", ctx());
            assert_eq!(report.token, Some(lower_hex(data)), "{}", ctx());
        }
        Err(e) => {
            assert!(!acceptable, "refused {}: {e}", ctx());
            check_token_error(&e, None, &ctx);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Batches

/// What a batch report must be, computed the slow, obvious way: each line through
/// `token::parse`, duplicates by provider and canonical token.
fn batch_model(text: &str, provider: Option<Provider>) -> BatchReport {
    let mut report = BatchReport {
        tokens: Some(Vec::new()),
        ..BatchReport::default()
    };
    let mut first: HashMap<(Provider, String), usize> = HashMap::new();
    let mut tokens = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        report.total += 1;
        tokens.resize(index, None);
        match token::parse(line, provider) {
            Err(error) => {
                report.invalid += 1;
                report.errors.push(BatchError { index, error });
                tokens.push(None);
            }
            Ok(p) => {
                report.valid += 1;
                let canonical = p.canonical();
                match first.entry((p.provider(), canonical.clone())) {
                    Entry::Occupied(e) => {
                        report.duplicates += 1;
                        report.duplicate_of.push(Duplicate {
                            index,
                            first_index: *e.get(),
                        });
                    }
                    Entry::Vacant(e) => {
                        e.insert(index);
                    }
                }
                tokens.push(Some(canonical));
            }
        }
    }
    report.tokens = Some(tokens);
    report
}

/// The `batch` target: the input as lines, with each provider, with and without the canonical
/// tokens (two different scanners), as text and as bytes, against the obvious model.
pub fn check_batch(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for provider in PROVIDERS {
        let options = |include_tokens| BatchOptions {
            provider,
            include_tokens,
        };
        let full = inspect_lines(&text, options(true));
        let model = batch_model(&text, provider);
        assert_eq!(
            full, model,
            "include_tokens report of {text:?} with {provider:?}"
        );
        let fast = inspect_lines(&text, options(false));
        let mut expected = full.clone();
        expected.tokens = None;
        assert_eq!(fast, expected, "fast scanner on {text:?} with {provider:?}");
        assert_eq!(
            inspect_lines_bytes(data, options(false)),
            fast,
            "bytes {data:02x?} with {provider:?}"
        );
        assert_eq!(
            inspect_lines_bytes(data, options(true)),
            full,
            "bytes {data:02x?} with {provider:?}, include_tokens"
        );
        for e in &full.errors {
            check_token_error(&e.error, None, &|| format!("line {} of {text:?}", e.index));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request builders

/// The configurations every builder is run with: Twilio with Basic auth, and a same-origin
/// path base (with a trailing slash) with a bearer token.
pub fn api_configs() -> &'static [ApiConfig; 2] {
    static CONFIGS: OnceLock<[ApiConfig; 2]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        [
            ApiConfig::new(
                api::DEFAULT_BASE_URL,
                Some(Auth::Basic {
                    username: "ACfuzz".into(),
                    password: SECRET.into(),
                }),
            )
            .unwrap(),
            ApiConfig::new("/api/v1/", Some(Auth::Bearer("fuzz-bearer".into()))).unwrap(),
        ]
    })
}

fn check_api_error(e: &ApiError, ctx: &dyn Fn() -> String) {
    assert!(
        ApiError::CODES.contains(&e.code()),
        "code {:?}: {}",
        e.code(),
        ctx()
    );
    assert!(
        !e.message().trim().is_empty(),
        "empty message ({}): {}",
        e.code(),
        ctx()
    );
    if let Some(field) = e.field() {
        assert!(!field.is_empty(), "empty field: {}", ctx());
    }
    if let ApiError::Validation {
        field,
        message,
        token_code,
    } = e
    {
        assert!(
            message.starts_with(field.as_str()),
            "message {message:?} does not start with its field {field:?}: {}",
            ctx()
        );
        if let Some(code) = token_code {
            assert!(!code.is_empty(), "{}", ctx());
        }
    }
}

/// Whether a path segment is `.` or `..` once a URL parser has read it (which decodes `%2e`).
fn is_dot_segment(segment: &str) -> bool {
    let s = segment.to_ascii_lowercase().replace("%2e", ".");
    s == "." || s == ".."
}

/// A built request is what its operation sends, to the configured base, with a URL that cannot
/// be read as another one.
fn check_request(op: Operation, req: &HttpRequest, config: &ApiConfig, ctx: &dyn Fn() -> String) {
    assert_eq!(req.method, op.method(), "{}", ctx());
    let base = config.base_url.trim_end_matches('/');
    let url = req.url.as_str();
    assert!(
        url.starts_with(base),
        "URL {url:?} outside {base:?}: {}",
        ctx()
    );
    assert!(
        url.bytes().all(|b| b.is_ascii_graphic()),
        "URL {url:?} has a space, a control or a non-ASCII character: {}",
        ctx()
    );
    assert!(!url.contains('#'), "URL {url:?} has a fragment: {}", ctx());
    let rest = &url[base.len()..];
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    assert!(
        path == "/PushNotifications" || path.starts_with("/PushNotifications/"),
        "path {path:?}: {}",
        ctx()
    );
    for segment in path[1..].split('/') {
        assert!(
            !segment.is_empty() && !is_dot_segment(segment),
            "URL {url:?} has an empty or dot segment: {}",
            ctx()
        );
    }
    if !query.is_empty() {
        for pair in query.split('&') {
            let (key, _) = pair.split_once('=').unwrap_or((pair, ""));
            assert!(
                !key.is_empty(),
                "URL {url:?} has an empty query key: {}",
                ctx()
            );
        }
    }
    check_headers(&req.headers, ctx);
    assert_eq!(req.header("Accept"), Some("application/json"), "{}", ctx());
    let has_body = matches!(op.method(), "POST" | "PATCH");
    assert_eq!(req.body.is_some(), has_body, "body presence: {}", ctx());
    assert_eq!(
        req.header("Content-Type"),
        has_body.then_some("application/json"),
        "{}",
        ctx()
    );
    assert_eq!(
        req.header("Authorization").map(str::to_string),
        config.auth.as_ref().map(api::authorization),
        "{}",
        ctx()
    );
    if let Some(body) = &req.body {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(_)) => {}
            _ => panic!("body {body:?} is not a JSON object: {}", ctx()),
        }
    }
}

/// The param that goes in the path of an update (the rest is the body).
fn update_key(op: Operation) -> Option<&'static str> {
    match op {
        Operation::UpdateCredential => Some("credentialId"),
        Operation::UpdateApp => Some("appName"),
        _ => None,
    }
}

/// The `build_request` target, for params already derived from the input: every operation with
/// every configuration.
pub fn check_build(params: &Value) {
    let configs = api_configs();
    for op in Operation::ALL {
        let ctx = || format!("{op} with params {params}");
        let results: Vec<Result<HttpRequest, ApiError>> = configs
            .iter()
            .map(|config| build_request(op, params, config))
            .collect();
        // Validation does not depend on where the request goes.
        match (&results[0], &results[1]) {
            (Err(a), Err(b)) => assert_eq!(a, b, "errors differ by config: {}", ctx()),
            (Ok(a), Ok(b)) => assert_eq!(a.body, b.body, "bodies differ by config: {}", ctx()),
            _ => panic!("accepted with one config only: {}", ctx()),
        }
        for (config, result) in configs.iter().zip(&results) {
            assert_eq!(
                &build_request(op, params, config),
                result,
                "not deterministic: {}",
                ctx()
            );
            match result {
                Err(e) => {
                    check_api_error(e, &ctx);
                    assert!(
                        matches!(
                            e,
                            ApiError::Validation { .. } | ApiError::InvalidArgument { .. }
                        ),
                        "{} from a builder: {}",
                        e.code(),
                        ctx()
                    );
                }
                Ok(req) => {
                    check_request(op, req, config, &ctx);
                    check_rebuild(op, params, req, config, &ctx);
                }
            }
        }
    }
}

/// A body the builders wrote is params they accept again, giving the same request.
fn check_rebuild(
    op: Operation,
    params: &Value,
    req: &HttpRequest,
    config: &ApiConfig,
    ctx: &dyn Fn() -> String,
) {
    let Some(body) = &req.body else { return };
    let Ok(Value::Object(mut again)) = serde_json::from_str::<Value>(body) else {
        unreachable!("checked by check_request")
    };
    if let Some(key) = update_key(op) {
        if let Some(v) = params.get(key) {
            again.insert(key.to_string(), v.clone());
        }
    }
    let again = Value::Object(again);
    match build_request(op, &again, config) {
        Ok(r) => assert_eq!(&r, req, "rebuilt from its body {again}: {}", ctx()),
        Err(e) => panic!(
            "its own body {again} refused: {} {}: {}",
            e.code(),
            e.message(),
            ctx()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

/// Reads a response from the fuzz input, written like HTTP:
/// `<operation name or index> <status>\n<Name>: <value>\n…\n\n<body>`.
pub fn decode_response(data: &[u8]) -> (Operation, u16, Vec<(String, String)>, String) {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut first = lines.next().unwrap_or("").split(' ');
    let op = first
        .next()
        .and_then(|w| {
            Operation::from_name(w).or_else(|| {
                w.parse::<usize>()
                    .ok()
                    .map(|i| Operation::ALL[i % Operation::ALL.len()])
            })
        })
        .unwrap_or(Operation::SendPush);
    let status = first
        .next()
        .and_then(|w| w.parse::<u64>().ok())
        .map_or(200, |n| n as u16);
    let headers = lines
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap_or((l, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            (name.to_string(), value.to_string())
        })
        .collect();
    (op, status, headers, body.to_string())
}

fn check_result(
    op: Operation,
    status: u16,
    result: &Result<ApiResult, ApiError>,
    ctx: &dyn Fn() -> String,
) {
    let success = (200..300).contains(&status);
    match result {
        Err(e) => {
            check_api_error(e, ctx);
            assert_eq!(e.status(), Some(status), "{}", ctx());
            match e {
                ApiError::Api { retryable, .. } => {
                    assert!(!success, "API_ERROR for a 2xx: {}", ctx());
                    assert_eq!(*retryable, matches!(status, 429 | 503), "{}", ctx());
                }
                ApiError::InvalidResponse { .. } => {
                    assert!(success, "INVALID_RESPONSE for a non-2xx: {}", ctx())
                }
                other => panic!("{} from the response parser: {}", other.code(), ctx()),
            }
        }
        Ok(r) => {
            assert!(success, "status {status} read as a success: {}", ctx());
            match (op.kind(), r) {
                (OperationKind::Send, ApiResult::Accepted(a)) => {
                    assert!(!a.operation_id.is_empty(), "empty operationId: {}", ctx())
                }
                (OperationKind::Write, ApiResult::Resource(w)) => {
                    if matches!(op, Operation::RegisterDevice | Operation::CreateCredential) {
                        assert!(w.resource_id.is_some(), "creation without an ID: {}", ctx());
                    }
                    assert_ne!(w.resource_id.as_deref(), Some(""), "{}", ctx());
                }
                (OperationKind::Fetch, ApiResult::Object(_)) => {}
                (OperationKind::List, ApiResult::Page(p)) => {
                    assert!(!p.collection.is_empty(), "{}", ctx());
                    if p.next.is_none() {
                        assert_eq!(p.next_page_token, None, "{}", ctx());
                    }
                    assert_ne!(p.next_page_token.as_deref(), Some(""), "{}", ctx());
                    let json = r.to_json();
                    assert_eq!(
                        json["items"].as_array().map(Vec::len),
                        Some(p.items.len()),
                        "{}",
                        ctx()
                    );
                }
                (kind, r) => panic!("{kind:?} operation read as {r:?}: {}", ctx()),
            }
            assert!(r.to_json().is_object(), "{}", ctx());
        }
    }
}

/// The `parse_response` target: the parser at several clocks, and the proxy's answer for the
/// same upstream response.
pub fn check_response(data: &[u8]) {
    let (op, status, headers, body) = decode_response(data);
    let ctx = || format!("{op} {status} {headers:?} {body:?}");
    let result = parse_response(op, status, &headers, &body);
    check_result(op, status, &result, &ctx);
    for now in [0, NOW, u64::MAX] {
        let at = parse_response_at(op, status, &headers, &body, now);
        check_result(op, status, &at, &ctx);
        assert_eq!(at.is_ok(), result.is_ok(), "{}", ctx());
    }
    // fetch() only ever shows the proxy statuses 200 to 599.
    if !(200..=599).contains(&status) {
        return;
    }
    let proxy = &proxies()[0].0;
    let (answer, delay) = proxy.complete_with_retry(op, &[], status, &headers, &body, 0, 0.5);
    check_answer(&answer, data, &ctx);
    if delay.is_some() {
        assert!(op.is_retryable(), "a retry of {op}: {}", ctx());
    }
    match &result {
        Ok(_) => {
            assert_eq!(answer.status, status, "{}", ctx());
            // The client reads the same result through the proxy (a 204 carries no IDs).
            if status != 204 {
                let through =
                    parse_response_at(op, answer.status, &answer.headers, &answer.body, NOW);
                assert_eq!(
                    through,
                    parse_response_at(op, status, &headers, &body, NOW),
                    "read through the proxy: {}",
                    ctx()
                );
            }
        }
        Err(_) => assert!(
            answer.status >= 400,
            "an error answered {}: {}",
            answer.status,
            ctx()
        ),
    }
    let marked = with_unknown_outcome(answer.clone(), true);
    check_answer(&marked, data, &ctx);
    assert_eq!(marked.status, answer.status, "{}", ctx());
}

// ---------------------------------------------------------------------------------------------
// Proxy

/// The proxies every request goes to: fully configured; with a 1 KiB body limit, API key
/// credentials and a local upstream; and with nothing configured (fails closed).
pub fn proxies() -> &'static [(Proxy, ProxyConfig); 3] {
    static PROXIES: OnceLock<[(Proxy, ProxyConfig); 3]> = OnceLock::new();
    PROXIES.get_or_init(|| {
        let make = |env: &[(&str, &str)]| {
            let env: Vec<(String, String)> = env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let config = ProxyConfig::from_env(&|k| {
                env.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
            })
            .unwrap();
            (Proxy::new(config.clone()), config)
        };
        [
            make(&[
                ("ADMIN_TOKEN", ADMIN),
                ("TWILIO_ACCOUNT_SID", "ACfuzz"),
                ("TWILIO_AUTH_TOKEN", SECRET),
                (
                    "ALLOWED_ORIGINS",
                    "https://admin.example, https://other.example/",
                ),
            ]),
            make(&[
                ("ADMIN_TOKEN", ADMIN),
                ("TWILIO_API_KEY", "SKfuzz"),
                ("TWILIO_API_SECRET", SECRET),
                ("TWILIO_BASE_URL", "http://127.0.0.1:8787/v1/"),
                ("MAX_BODY_BYTES", "1024"),
            ]),
            make(&[]),
        ]
    })
}

/// An incoming request read from the fuzz input, written like HTTP:
/// `<METHOD> <path>[?<query>]\n<Name>: <value>\n…\n\n<body bytes>`.
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn decode_request(data: &[u8]) -> Request {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or("");
    let (method, target) = first.split_once(' ').unwrap_or((first, ""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = lines
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap_or((l, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            (name.to_string(), value.to_string())
        })
        .collect();
    Request {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: body.to_vec(),
    }
}

/// Every answer of the proxy: a status a `Response` can have, JSON (an error shape with a string
/// `code` from 400 on), headers that cannot split, and no secret the request did not carry.
fn check_answer(r: &ProxyResponse, request: &[u8], ctx: &dyn Fn() -> String) {
    assert!(
        (200..=599).contains(&r.status),
        "status {}: {}",
        r.status,
        ctx()
    );
    if r.status == 204 {
        assert!(r.body.is_empty(), "a 204 with a body: {}", ctx());
    } else {
        let body: Value = serde_json::from_str::<Value>(&r.body)
            .unwrap_or_else(|e| panic!("answer {} is not JSON ({e}): {}", r.body, ctx()));
        if r.status >= 400 {
            let code = body.get("code").and_then(Value::as_str);
            assert!(
                code.is_some_and(|c| !c.is_empty()),
                "error answer {} without a string code: {}",
                r.body,
                ctx()
            );
            let message = body.get("message").and_then(Value::as_str);
            assert!(
                message.is_some_and(|m| !m.trim().is_empty()),
                "error answer {} without a message: {}",
                r.body,
                ctx()
            );
            assert_eq!(
                body.get("status").and_then(Value::as_u64),
                Some(u64::from(r.status)),
                "{}",
                ctx()
            );
            // The proxy's own configuration errors (`*_NOT_CONFIGURED`) are never retryable.
            let configuration = code.is_some_and(|c| c.ends_with("_NOT_CONFIGURED"));
            assert_eq!(
                body.get("retryable").and_then(Value::as_bool),
                Some(matches!(r.status, 429 | 503) && !configuration),
                "{}",
                ctx()
            );
        }
    }
    check_headers(&r.headers, ctx);
    for secret in [SECRET, ADMIN] {
        if !contains(request, secret.as_bytes()) {
            let leaked = contains(r.body.as_bytes(), secret.as_bytes())
                || r.headers.iter().any(|(_, v)| v.contains(secret));
            assert!(!leaked, "the answer has a secret: {r:?}: {}", ctx());
        }
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The `proxy` target: `head` and `prepare` of the request with every configuration.
pub fn check_proxy(data: &[u8]) {
    let req = decode_request(data);
    let incoming = Incoming {
        method: &req.method,
        path: &req.path,
        query: &req.query,
        own_origin: OWN_ORIGIN,
        headers: &req.headers,
    };
    let ctx = || String::from_utf8_lossy(data).into_owned();
    for (proxy, config) in proxies() {
        let head = proxy.head(&incoming);
        let prepared = proxy.prepare(&incoming, &req.body);
        match &head {
            Head::Respond(r) => {
                check_answer(r, data, &ctx);
                match &prepared {
                    Prepared::Respond(again) => {
                        assert_eq!(again, r, "prepare answers otherwise than head: {}", ctx())
                    }
                    Prepared::Forward(f) => {
                        panic!("head refused, prepare forwarded {:?}: {}", f.request, ctx())
                    }
                }
            }
            Head::ReadBody { limit } => assert!(
                *limit == 0 || *limit == config.max_body_bytes,
                "limit {limit}: {}",
                ctx()
            ),
        }
        let f = match prepared {
            Prepared::Respond(r) => {
                check_answer(&r, data, &ctx);
                continue;
            }
            Prepared::Forward(f) => f,
        };
        // Forwarded: routed, authenticated, allowed, within limits, rebuilt for the upstream.
        let api_path = req
            .path
            .strip_prefix(API_PREFIX)
            .unwrap_or_else(|| panic!("forwarded a path outside {API_PREFIX}: {}", ctx()));
        match route(&req.method, api_path) {
            Route::Matched(m) => assert_eq!(m.operation, f.operation, "{}", ctx()),
            other => panic!("forwarded an unrouted request ({other:?}): {}", ctx()),
        }
        let admin = config
            .admin_token
            .as_deref()
            .unwrap_or_else(|| panic!("forwarded without an admin token configured: {}", ctx()));
        assert!(
            header(&req.headers, "Authorization").is_some_and(|v| v.contains(admin)),
            "forwarded without the admin token: {}",
            ctx()
        );
        assert!(config.upstream.auth.is_some(), "{}", ctx());
        assert!(req.body.len() <= config.max_body_bytes, "{}", ctx());
        match header(&req.headers, "Origin") {
            Some(origin) if origin != OWN_ORIGIN => {
                assert!(
                    config.allowed_origins.iter().any(|o| o == origin),
                    "forwarded for origin {origin:?}: {}",
                    ctx()
                );
                assert_eq!(
                    header(&f.cors, "Access-Control-Allow-Origin"),
                    Some(origin),
                    "{}",
                    ctx()
                );
            }
            _ => assert!(f.cors.is_empty(), "{}", ctx()),
        }
        assert_eq!(f.retryable, f.operation.is_retryable(), "{}", ctx());
        check_request(f.operation, &f.request, &config.upstream, &ctx);
        for (name, value) in &f.request.headers {
            assert!(
                !value.contains(admin),
                "the admin token went upstream in {name}: {}",
                ctx()
            );
        }
    }
}

/// Every header name is a token (visible ASCII, no `:`) and no value holds a control character.
fn check_headers(headers: &[(String, String)], ctx: &dyn Fn() -> String) {
    for (name, value) in headers {
        assert!(
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':'),
            "header name {name:?}: {}",
            ctx()
        );
        assert!(
            !value.chars().any(char::is_control),
            "header {name}: {value:?} has a control character: {}",
            ctx()
        );
    }
}
