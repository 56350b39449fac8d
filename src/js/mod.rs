//! The `#[wasm_bindgen]` facade. It converts JS values to Rust and back and turns Rust errors
//! into JS `Error`s carrying a stable `code`; it decides nothing itself.

#[cfg(feature = "api")]
pub mod api;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod client;
mod errors;
mod panic;
#[cfg(feature = "proxy")]
pub mod proxy;
mod text;
pub mod token;
mod types;

pub(crate) use errors::*;
pub(crate) use text::{bytes_of, string_of};

/// Plain JS data from a serde value (serde-wasm-bindgen): objects for structs and maps, `null`
/// for `None`, arrays for sequences and tuples, as `JSON.parse` would make them. Used by the
/// API and proxy bindings (the token facade builds its objects itself).
#[cfg(feature = "api")]
pub(crate) fn to_js<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(Into::into)
}
