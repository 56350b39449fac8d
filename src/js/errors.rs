//! Rust errors as real JS `Error` objects with `.code` (and `.position`, `.index`, `.field`).

use js_sys::Error;
#[cfg(feature = "api")]
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::token::TokenError;

/// Sets `key` on a JS object; setting a property on a fresh object cannot fail.
#[cfg(feature = "api")]
pub(crate) fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

#[wasm_bindgen(
    inline_js = "export function codedError(name, code, message, key, value) {
  const error = new Error(message);
  error.name = name;
  error.code = code;
  if (key !== undefined) error[key] = value;
  return error;
}"
)]
extern "C" {
    /// `new Error(message)` with `name`, `code` and, unless `key` is `undefined`, `key` set to
    /// `value`, in one crossing.
    #[wasm_bindgen(js_name = codedError)]
    fn coded_error_with(
        name: &str,
        code: &str,
        message: &str,
        key: Option<&str>,
        value: &JsValue,
    ) -> Error;
}

/// A JS `Error` with a name, a stable code and a message.
#[cfg(feature = "api")]
pub(crate) fn coded_error(name: &str, code: &str, message: &str) -> Error {
    coded_error_with(name, code, message, None, &JsValue::UNDEFINED)
}

/// An argument of the wrong type or value, e.g. an unknown provider.
pub(crate) fn invalid_argument(field: &str, message: &str) -> JsValue {
    coded_error_with(
        "TypeError",
        "INVALID_ARGUMENT",
        message,
        Some("field"),
        &JsValue::from_str(field),
    )
    .into()
}

/// A token error as `TokenError { code, message, position? }`.
pub(crate) fn token_error(e: &TokenError) -> JsValue {
    let position = e.position().map(|p| JsValue::from(p as f64));
    coded_error_with(
        "TokenError",
        e.code(),
        &e.to_string(),
        position.is_some().then_some("position"),
        &position.unwrap_or(JsValue::UNDEFINED),
    )
    .into()
}
