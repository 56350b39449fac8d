//! Values across the boundary: params and config in (as JSON), requests, results and coded
//! `Error`s out.

use js_sys::{Object, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::api::response::ApiResult;
use crate::api::retry::is_transient;
use crate::api::{ApiConfig, ApiError, HttpRequest};
use crate::js::{coded_error, set};

/// A JS value as JSON. `undefined`/`null` become `Value::Null`.
///
/// The params crossing is one `JSON.stringify` and serde_json, not serde-wasm-bindgen: measured
/// side by side (docs/performance.md), serde-wasm-bindgen was 2.2 KiB gzip larger and slower
/// (1.1–1.8× on `buildSendPushRequest` with 1 and 1,000 recipients, no faster on a by-ID build),
/// would read a `Date` as `{}` instead of its ISO string, and would recurse on a cyclic object.
pub(crate) fn json_arg(value: &JsValue, name: &str) -> Result<Value, ApiError> {
    if value.is_null_or_undefined() {
        return Ok(Value::Null);
    }
    let fail = || {
        ApiError::InvalidArgument {
            field: name.to_string(),
            message: [
                name,
                " must be plain data (objects, arrays, strings, numbers, booleans): it could not be converted to JSON (a cycle, a BigInt or a function?).",
            ]
            .concat(),
        }
    };
    let text = JSON::stringify(value).map_err(|_| fail())?;
    let Some(text) = text.as_string() else {
        return Ok(Value::Null);
    };
    serde_json::from_str(&text).map_err(|_| fail())
}

/// Plain JS data from JSON text that this crate wrote (so it always parses).
pub(crate) fn json_to_js(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text)
}

/// A [`Value`] as plain JS data.
pub(crate) fn value_to_js(value: &Value) -> Result<JsValue, JsValue> {
    json_to_js(&serde_json::to_string(value).unwrap_or_default())
}

/// Reads the optional `config` argument.
pub(crate) fn config_arg(value: &JsValue) -> Result<ApiConfig, ApiError> {
    ApiConfig::from_value(&json_arg(value, "config")?, crate::api::retry::CLIENT_KEYS)
}

/// An [`ApiError`] as a JS `Error` with `code` and the fields of its kind.
pub(crate) fn api_error_to_js(e: &ApiError, attempts: Option<u32>) -> JsValue {
    let name = match e {
        ApiError::Validation { .. } => "ValidationError",
        ApiError::InvalidArgument { .. } | ApiError::UnknownOperation { .. } => "TypeError",
        _ => "ApiError",
    };
    let error = coded_error(name, e.code(), e.message());
    match e {
        ApiError::Validation {
            field, token_code, ..
        } => {
            set(&error, "field", field.as_str());
            if let Some(code) = token_code {
                set(&error, "tokenCode", *code);
            }
        }
        ApiError::InvalidArgument { field, .. } => set(&error, "field", field.as_str()),
        ApiError::UnknownOperation { name, .. } => set(&error, "operation", name.as_str()),
        ApiError::Api {
            status,
            twilio_code,
            more_info,
            retry_after,
            body,
            ..
        } => {
            set(&error, "status", f64::from(*status));
            set(
                &error,
                "twilioCode",
                twilio_code.map_or(JsValue::NULL, |c| JsValue::from_f64(c as f64)),
            );
            set(
                &error,
                "moreInfo",
                more_info
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            set(
                &error,
                "retryAfter",
                retry_after.map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64)),
            );
            if let Some(body) = body {
                if let Ok(b) = value_to_js(body) {
                    set(&error, "body", b);
                }
            }
        }
        ApiError::InvalidResponse { status, .. } => set(&error, "status", f64::from(*status)),
        ApiError::Timeout { timeout_ms, .. } => set(&error, "timeoutMs", f64::from(*timeout_ms)),
        _ => {}
    }
    if name == "ApiError" {
        set(&error, "retryable", is_transient(e));
    }
    if let Some(n) = attempts {
        set(&error, "attempts", f64::from(n));
    }
    error.into()
}

/// `{ method, url, headers: { name: value }, body: string | null }`.
pub(crate) fn request_to_js(r: &HttpRequest) -> JsValue {
    let out = Object::new();
    let headers = Object::new();
    for (k, v) in &r.headers {
        set(&headers, k, v.as_str());
    }
    set(&out, "method", r.method);
    set(&out, "url", r.url.as_str());
    set(&out, "headers", headers);
    set(
        &out,
        "body",
        r.body.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    out.into()
}

/// A result as a plain object; for pages, `items` and the collection key are the same array.
pub(crate) fn result_to_js(result: &ApiResult) -> Result<JsValue, JsValue> {
    let mut text = String::new();
    result.write_json(&mut text, false);
    let out = json_to_js(&text)?;
    if let ApiResult::Page(page) = result {
        let items = Reflect::get(&out, &JsValue::from_str("items"))?;
        if !matches!(
            page.collection.as_str(),
            "items" | "collection" | "pagination" | "nextPageToken"
        ) {
            set(&out, &page.collection, items);
        }
    }
    Ok(out)
}
