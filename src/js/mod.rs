//! The `#[wasm_bindgen]` facade. It converts JS values to Rust and back and turns Rust errors
//! into JS `Error`s carrying a stable `code`; it decides nothing itself.

#[cfg(feature = "api")]
pub mod api;
mod errors;
pub mod token;
mod types;

pub(crate) use errors::*;
