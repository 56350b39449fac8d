//! JS bindings for the request builders, the response parser and the credential helpers.
//!
//! Params cross the boundary as JSON text (`JSON.stringify`, then `serde_json`): `Date`
//! values become ISO strings, `undefined` fields disappear, and cyclic objects or BigInts are
//! refused with an `INVALID_ARGUMENT` error instead of recursing. All checks happen in Rust
//! (`crate::api`).
//!
//! Results go back the same way: serde_json writes compact JSON text and one `JSON.parse`
//! builds the plain objects: one boundary crossing per result instead of one per property.
//! serde-wasm-bindgen for results was measured slower (by 10–45 % on pages of 1 to 1,000
//! items) and larger (+1.8 KiB gzip), and it refuses integers above 2^53 that `JSON.parse`
//! rounds (docs/performance.md). Small fixed-shape values (the proxy's decisions) cross with
//! serde-wasm-bindgen (see `js::to_js`).

mod builders;
mod convert;
mod credentials;
mod response;
mod typescript;

pub use builders::*;
// The client's bindings read arguments and write results the same way.
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub(crate) use convert::{api_error_to_js, json_arg, result_to_js, value_to_js};
pub use credentials::{apn_credential_content, fcm_credential_content};
pub use response::parse_response;
