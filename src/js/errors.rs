//! Rust errors as real JS `Error` objects with `.code` (and `.position`, `.index`, `.field`).

use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

use crate::token::TokenError;

/// Sets `key` on a JS object; setting a property on a fresh `Error` cannot fail.
pub(crate) fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

/// A JS `Error` with a name, a stable code and a message.
pub(crate) fn coded_error(name: &str, code: &str, message: &str) -> Error {
    let error = Error::new(message);
    error.set_name(name);
    set(&error, "code", code);
    error
}

/// An argument of the wrong type or value, e.g. an unknown provider.
pub(crate) fn invalid_argument(field: &str, message: &str) -> JsValue {
    let error = coded_error("TypeError", "INVALID_ARGUMENT", message);
    set(&error, "field", field);
    error.into()
}

/// A token error as `TokenError { code, message, position? }`.
pub(crate) fn token_error(e: &TokenError) -> JsValue {
    let error = coded_error("TokenError", e.code(), &e.to_string());
    if let Some(p) = e.position() {
        set(&error, "position", p as f64);
    }
    error.into()
}
