//! The proxy's decisions for the JS glue in `proxy.js`: plain data in, plain data out.

use std::borrow::Cow;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use serde::Serialize;

use super::to_js;
use crate::api::Operation;
use crate::proxy::{Incoming, Prepared, Proxy, ProxyConfig, ProxyResponse, UpstreamFailure};

/// Names of the environment values the proxy reads.
const ENV_KEYS: [&str; 13] = [
    "ADMIN_TOKEN",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "TWILIO_BASE_URL",
    "ALLOWED_ORIGINS",
    "MAX_BODY_BYTES",
    "UPSTREAM_TIMEOUT_MS",
    "MAX_UPSTREAM_RESPONSE_BYTES",
    "MAX_RETRIES",
    "UPSTREAM_NAME",
    "ENABLE_TEST_PANIC_ROUTE",
];

/// The configured proxy, used by `createProxyHandler` (not part of the documented API).
#[wasm_bindgen(skip_typescript)]
pub struct ProxyCore {
    proxy: Proxy,
}

impl ProxyCore {
    /// Test-only (ENABLE_TEST_PANIC_ROUTE=1): proves a panic is reported and survived.
    fn test_panic(&self, path: &str) {
        if path == crate::proxy::TEST_PANIC_PATH && self.proxy.config().test_panic_route {
            panic!("test panic route");
        }
    }
}

/// `{ status, headers: [[name, value], …], body }`; `body: null` from `complete`: the
/// upstream's body bytes, unchanged.
#[derive(Serialize)]
struct Answer<'a> {
    status: u16,
    headers: &'a [(String, String)],
    body: Option<&'a str>,
}

/// `{ respond: { status, headers, body } }`.
#[derive(Serialize)]
struct Respond<'a> {
    respond: Answer<'a>,
}

/// `{ respond: { status, headers: [[name, value], …], body } }` as plain data.
fn respond(r: &ProxyResponse) -> Result<JsValue, JsValue> {
    answer(r, Some(&r.body))
}

fn answer(r: &ProxyResponse, body: Option<&str>) -> Result<JsValue, JsValue> {
    to_js(&Respond {
        respond: Answer {
            status: r.status,
            headers: &r.headers,
            body,
        },
    })
}

/// The answer and, when the policy says so, the delay before the next attempt. A final error
/// after an attempt that got no answer says that attempt may have been applied.
/// `upstream`: the upstream's body when it came as valid UTF-8 without a BOM (its bytes are
/// then its text): an answer with that very body says `body: null`, and the glue sends the bytes
/// it already holds instead of a copy crossing back as a string.
fn with_retry(
    r: &ProxyResponse,
    retry: Option<u64>,
    earlier_unknown: bool,
    upstream: Option<&str>,
) -> Result<JsValue, JsValue> {
    let marked;
    let r = if retry.is_none() && earlier_unknown {
        marked = crate::proxy::with_unknown_outcome(r.clone(), true);
        &marked
    } else {
        r
    };
    let same = upstream.is_some_and(|u| !u.is_empty() && u == r.body);
    let out = answer(r, (!same).then_some(r.body.as_str()))?;
    super::set(
        &out,
        "retryDelayMs",
        retry.map_or(JsValue::NULL, |ms| JsValue::from_f64(ms as f64)),
    );
    Ok(out)
}

fn read_body(limit: usize) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    super::set(&out, "readBody", limit as f64);
    Ok(out.into())
}

/// `{ respond }` or `{ forward: { method, url, headers, body }, operation, retryable, cors }`.
fn prepared_js(prepared: &Prepared) -> Result<JsValue, JsValue> {
    let f = match prepared {
        Prepared::Respond(r) => return respond(r),
        Prepared::Forward(f) => f,
    };
    to_js(&ForwardJs {
        forward: Request {
            method: f.request.method,
            url: &f.request.url,
            headers: &f.request.headers,
            body: f.request.body.as_deref(),
        },
        operation: f.operation.name(),
        retryable: f.retryable,
        cors: &f.cors,
    })
}

/// `{ method, url, headers: [[name, value], …], body: string | null }`.
#[derive(Serialize)]
struct Request<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a [(String, String)],
    body: Option<&'a str>,
}

/// `{ forward, operation, retryable, cors }`.
#[derive(Serialize)]
struct ForwardJs<'a> {
    forward: Request<'a>,
    operation: &'a str,
    retryable: bool,
    cors: &'a [(String, String)],
}

/// Headers from JS: `[[name, value], …]`, or the same as one string of `name:value` lines
/// (what the glue sends: one crossing instead of two per header). A header name never holds a
/// `:` and a value never holds a line break (the Fetch `Headers` refuses both), so the lines
/// split unambiguously.
fn headers_from(value: &JsValue) -> Vec<(String, String)> {
    if let Some(text) = value.as_string() {
        return header_lines(&text);
    }
    let Some(list) = value.dyn_ref::<Array>() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

fn header_lines(text: &str) -> Vec<(String, String)> {
    text.split('\n')
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// Runs `f` on the request as the proxy reads it (headers converted once).
fn with_incoming<R>(
    method: &str,
    path: &str,
    query: &str,
    own_origin: &str,
    headers: &JsValue,
    f: impl FnOnce(&Incoming) -> R,
) -> R {
    let headers = headers_from(headers);
    f(&Incoming {
        method,
        path,
        query,
        own_origin,
        headers: &headers,
    })
}

/// Bytes as `TextDecoder` (UTF-8, not fatal) reads them: a leading BOM dropped, each maximal
/// malformed subpart replaced by U+FFFD (as `from_utf8_lossy` does). Borrowed only when the
/// text is the bytes themselves.
fn utf8_text(bytes: &[u8]) -> Cow<'_, str> {
    match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => Cow::Owned(String::from_utf8_lossy(rest).into_owned()),
        None => String::from_utf8_lossy(bytes),
    }
}

fn operation(name: &str) -> Result<Operation, JsValue> {
    Operation::from_name(name)
        .ok_or_else(|| super::invalid_argument("operation", "Unknown operation."))
}

#[wasm_bindgen]
impl ProxyCore {
    /// Reads the configuration from an object of environment values (strings).
    #[wasm_bindgen(constructor)]
    pub fn new(env: JsValue) -> Result<ProxyCore, JsValue> {
        let get = |key: &str| -> Option<String> {
            if !ENV_KEYS.contains(&key) {
                return None;
            }
            Reflect::get(&env, &JsValue::from_str(key))
                .ok()?
                .as_string()
        };
        let config = ProxyConfig::from_env(&get).map_err(|e| {
            let error = super::coded_error("ConfigError", "PROXY_MISCONFIGURED", &e.to_string());
            super::set(&error, "field", e.variable);
            JsValue::from(error)
        })?;
        Ok(ProxyCore {
            proxy: Proxy::new(config),
        })
    }

    /// Limits the JS glue applies while moving bytes.
    #[wasm_bindgen(js_name = limits)]
    pub fn limits(&self) -> Result<JsValue, JsValue> {
        let c = self.proxy.config();
        let out = js_sys::Object::new();
        super::set(&out, "upstreamTimeoutMs", f64::from(c.upstream_timeout_ms));
        super::set(
            &out,
            "maxUpstreamResponseBytes",
            c.max_upstream_response_bytes as f64,
        );
        super::set(&out, "maxRetries", f64::from(c.max_retries));
        Ok(out.into())
    }

    /// What the first look at a request decides: `{ respond }`; or, when the route takes no
    /// body (a GET or a DELETE), what `prepare` returns, in the same call; or
    /// `{ readBody: limit }` with `limit > 0` (read the body, then call `prepare`). One crossing
    /// and one conversion of the headers for most requests.
    pub fn start(
        &self,
        method: &str,
        path: &str,
        query: &str,
        own_origin: &str,
        headers: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.test_panic(path);
        with_incoming(
            method,
            path,
            query,
            own_origin,
            &headers,
            |req| match self.proxy.start(req) {
                Ok(prepared) => prepared_js(&prepared),
                Err(limit) => read_body(limit),
            },
        )
    }

    /// After `start` asked for the body: `{ respond }` or
    /// `{ forward: { method, url, headers, body }, operation, retryable, cors }`.
    pub fn prepare(
        &self,
        method: &str,
        path: &str,
        query: &str,
        own_origin: &str,
        headers: JsValue,
        body: Option<Vec<u8>>,
    ) -> Result<JsValue, JsValue> {
        with_incoming(method, path, query, own_origin, &headers, |req| {
            prepared_js(&self.proxy.prepare(req, body.as_deref().unwrap_or(&[])))
        })
    }

    /// `{ respond, retryDelayMs }` for an upstream response; `retryDelayMs` is `null` unless
    /// the retry policy says to repeat the request after that many milliseconds. The body
    /// crosses as the bytes received (one copy, no decoding in JS), read as `TextDecoder` reads
    /// them: a leading BOM dropped, malformed UTF-8 replaced by U+FFFD. `respond.body` is `null`
    /// when the answer's body is exactly those bytes.
    #[allow(clippy::too_many_arguments)]
    pub fn complete(
        &self,
        operation_name: &str,
        cors: JsValue,
        status: u16,
        headers: JsValue,
        body: &[u8],
        retries_done: u32,
        random: f64,
        earlier_unknown: bool,
    ) -> Result<JsValue, JsValue> {
        let op = operation(operation_name)?;
        let text = utf8_text(body);
        let (r, retry) = self.proxy.complete_with_retry(
            op,
            &headers_from(&cors),
            status,
            &headers_from(&headers),
            &text,
            retries_done,
            random,
        );
        let unchanged = match &text {
            Cow::Borrowed(t) => Some(*t),
            Cow::Owned(_) => None,
        };
        with_retry(&r, retry, earlier_unknown, unchanged)
    }

    /// As `complete`, when the upstream failed without an HTTP answer: `kind` is `timeout`,
    /// `unreachable` or `tooLarge`.
    #[wasm_bindgen(js_name = upstreamFailure)]
    pub fn upstream_failure(
        &self,
        operation_name: &str,
        cors: JsValue,
        kind: &str,
        retries_done: u32,
        random: f64,
        earlier_unknown: bool,
    ) -> Result<JsValue, JsValue> {
        let op = operation(operation_name)?;
        let kind = match kind {
            "timeout" => UpstreamFailure::Timeout,
            "tooLarge" => UpstreamFailure::TooLarge,
            _ => UpstreamFailure::Unreachable,
        };
        let (r, retry) = self.proxy.upstream_failure_with_retry(
            op,
            &headers_from(&cors),
            kind,
            retries_done,
            random,
        );
        with_retry(&r, retry, earlier_unknown, None)
    }

    /// The answer for a body over the limit, found while reading it.
    #[wasm_bindgen(js_name = tooLarge)]
    pub fn too_large(&self) -> Result<JsValue, JsValue> {
        respond(&self.proxy.too_large())
    }
}

/// The environment keys `ProxyCore` reads, for the glue in `proxy.js` (not documented API).
#[wasm_bindgen(js_name = proxyEnvKeys, skip_typescript)]
pub fn proxy_env_keys() -> Array {
    ENV_KEYS.iter().map(|k| JsValue::from_str(k)).collect()
}

/// Compares two strings in time that depends only on their lengths (for tokens and keys).
#[wasm_bindgen(js_name = constantTimeEqual, skip_typescript)]
pub fn constant_time_equal(a: &str, b: &str) -> bool {
    crate::proxy::constant_time_eq(a.as_bytes(), b.as_bytes())
}

#[wasm_bindgen(typescript_custom_section)]
const PROXY_TYPES: &'static str = r#"
/** Compares two strings without short-circuiting: the time depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean;
"#;

#[cfg(test)]
mod tests {
    use super::{header_lines, utf8_text};

    #[test]
    fn upstream_bytes_read_as_text_decoder_reads_them() {
        use std::borrow::Cow;
        assert!(matches!(
            utf8_text(b"{\"a\":\"\xC3\xA9\"}"),
            Cow::Borrowed("{\"a\":\"é\"}")
        ));
        assert!(matches!(utf8_text(b""), Cow::Borrowed("")));
        // A BOM is dropped (the text is then not the bytes), malformed sequences replaced.
        assert!(matches!(utf8_text(b"\xEF\xBB\xBF{}"), Cow::Owned(t) if t == "{}"));
        assert_eq!(utf8_text(b"a\xF0\x9F\x98b\xFFc"), "a\u{FFFD}b\u{FFFD}c");
    }

    #[test]
    fn header_lines_split_at_the_first_colon() {
        let h = header_lines("authorization:Bearer a:b\nhost:127.0.0.1:8787\n\nx-empty:\n");
        let pairs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("authorization", "Bearer a:b"),
                ("host", "127.0.0.1:8787"),
                ("x-empty", "")
            ]
        );
        assert!(header_lines("").is_empty());
    }
}
