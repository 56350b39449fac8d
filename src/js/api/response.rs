//! `parseResponse`: status, headers and body text into the typed result or a coded error.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::builders::operation_arg;
use super::convert::{api_error_to_js, result_to_js};
use crate::api::response::ApiResult;
use crate::api::{self, ApiError};

fn header_pairs(headers: &JsValue) -> Result<Vec<(String, String)>, ApiError> {
    let bad = || ApiError::InvalidArgument {
        field: "headers".into(),
        message:
            "headers must be a Headers object, a { name: value } object or [name, value] pairs."
                .into(),
    };
    if headers.is_null_or_undefined() {
        return Ok(Vec::new());
    }
    if headers.is_string() || !headers.is_object() {
        return Err(bad());
    }
    let mut out = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(headers) {
        for entry in iter {
            let entry = entry.map_err(|_| bad())?;
            let pair = entry.dyn_into::<Array>().map_err(|_| bad())?;
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(k), Some(v)) => out.push((k, v)),
                _ => return Err(bad()),
            }
        }
        return Ok(out);
    }
    let object: &Object = headers.unchecked_ref();
    for entry in Object::entries(object).iter() {
        let pair: Array = entry.unchecked_into();
        let Some(k) = pair.get(0).as_string() else {
            return Err(bad());
        };
        let value = pair.get(1);
        if let Some(v) = value.as_string() {
            out.push((k, v));
        } else if value.as_f64().is_some() {
            // JS's own number-to-string, as `Headers` would make of it (no float formatting
            // code in the wasm binary).
            let text = value
                .unchecked_ref::<js_sys::Number>()
                .to_string_with_radix(10)
                .map_err(|_| bad())?;
            out.push((k, String::from(text)));
        } else if !(value.is_null_or_undefined()) {
            return Err(bad());
        }
    }
    Ok(out)
}

/// Reads a response: the typed result, or throws `ApiError` (`API_ERROR`, `INVALID_RESPONSE`).
#[wasm_bindgen(js_name = parseResponse, skip_typescript)]
pub fn parse_response(
    operation: JsValue,
    status: JsValue,
    headers: JsValue,
    body_text: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<ApiResult, ApiError> {
        let op = operation_arg(&operation)?;
        let status = status
            .as_f64()
            .filter(|s| s.fract() == 0.0 && (0.0..=999.0).contains(s))
            .ok_or_else(|| ApiError::InvalidArgument {
                field: "status".into(),
                message: "status must be an HTTP status code (an integer from 0 to 999).".into(),
            })? as u16;
        let headers = header_pairs(&headers)?;
        let body = if body_text.is_null_or_undefined() {
            String::new()
        } else {
            body_text
                .as_string()
                .ok_or_else(|| ApiError::InvalidArgument {
                    field: "bodyText".into(),
                    message:
                        "bodyText must be the response body as a string (await response.text())."
                            .into(),
                })?
        };
        api::parse_response(op, status, &headers, &body)
    };
    match run() {
        Ok(result) => result_to_js(&result),
        Err(e) => Err(api_error_to_js(&e, None)),
    }
}
