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
pub mod token;
mod types;

pub(crate) use errors::*;
