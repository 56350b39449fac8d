//! The proxy's answers: the JSON error shape every refusal uses, the answers it gives itself
//! (404, 405, preflight, validation) and how an upstream answer or error becomes its answer.

use serde_json::Value;

use super::ProxyResponse;
use crate::api::validate::Map;
use crate::api::{self, ApiError, Operation};

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
pub(super) fn to_text(body: &Map) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

pub(super) fn json_response(status: u16, body: String) -> ProxyResponse {
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

pub(super) fn with_headers(mut r: ProxyResponse, headers: &[(String, String)]) -> ProxyResponse {
    r.headers.extend(headers.iter().cloned());
    r
}

/// The body of a successful answer: the upstream body as sent, except that a send or a write
/// whose IDs came in headers only (`operation-id`, `resource-location`…, which the answer does not
/// carry) or with no body at all gets them put into the body, so that the client reads the same
/// result through the proxy as from the API. A 204 has no body, whatever was sent with it.
pub(super) fn success_body(result: &api::ApiResult, status: u16, body: &str) -> String {
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

/// Whether `body` is a JSON object that passes through a fetch unchanged: what
/// [`api::parse_response`] accepts for a fetch's non-empty 2xx body (a JSON object, read as
/// serde_json reads a `Value`: numbers parsed and range-checked, strings unescaped, the same
/// depth limit), checked without building the `Value` (its map with every key and string
/// allocated was most of the proxy's CPU for a fetched registration). Anything else takes the
/// full reading, which also words the error.
pub(super) fn is_json_object(body: &str) -> bool {
    body.trim_start().starts_with('{') && serde_json::from_str::<AnyJson>(body).is_ok()
}

/// Any JSON value, visited and dropped.
struct AnyJson;

impl<'de> serde::Deserialize<'de> for AnyJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyJsonVisitor)
    }
}

struct AnyJsonVisitor;

impl<'de> serde::de::Visitor<'de> for AnyJsonVisitor {
    type Value = AnyJson;

    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }
    fn visit_i64<E>(self, _: i64) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }
    fn visit_u64<E>(self, _: u64) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }
    fn visit_f64<E>(self, _: f64) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }
    fn visit_str<E>(self, _: &str) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }
    fn visit_unit<E>(self) -> Result<AnyJson, E> {
        Ok(AnyJson)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AnyJson, A::Error> {
        while seq.next_element::<AnyJson>()?.is_some() {}
        Ok(AnyJson)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<AnyJson, A::Error> {
        while map.next_entry::<AnyJson, AnyJson>()?.is_some() {}
        Ok(AnyJson)
    }
}

pub(super) fn is_header_safe(v: &str) -> bool {
    v.len() <= 2048 && v.bytes().all(|b| (0x20..0x7f).contains(&b))
}

pub(super) fn preflight(cors: &[(String, String)], methods: &[&str]) -> ProxyResponse {
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

pub(super) fn not_found() -> ProxyResponse {
    error_response(404, "NOT_FOUND", "There is no such API route. The proxy serves GET /api/health and the Twilio Push paths under /api/v1/PushNotifications.", &[])
}

pub(super) fn method_not_allowed(allowed: &[&str]) -> ProxyResponse {
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

pub(super) fn validation(field: &str, what: &str) -> ProxyResponse {
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
pub(super) fn upstream_error_response(op: Operation, e: &ApiError) -> ProxyResponse {
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
