//! # twilio-push-wasm
//!
//! Push-notification device tokens and the Twilio Push Notifications API, made safe to use from
//! JavaScript (browsers, Node, Cloudflare Workers) and from Rust.
//!
//! | module | what it does |
//! |---|---|
//! | [`token`] | recognise, normalize, validate and classify one APNs or FCM token |
//! | [`batch`] | the same for many tokens in one pass, with duplicates found by canonical form |
//! | `api` | request builders and response parsing for every Push API operation (no I/O) |
//! | [`proxy`] | the edge proxy's decisions: routes, auth, CORS, limits, upstream request |
//! | `js` | the `#[wasm_bindgen]` facade: conversions and JS errors with a `code` |
//!
//! Everything that decides anything is plain Rust taking `&str`/`&[u8]` and returning
//! `Result`; the JS facade only converts.
//!
//! ## Features
//!
//! | feature | gives | default |
//! |---|---|---|
//! | `api` | request builders and response parsing, with their serde types | yes |
//! | `proxy` | the edge proxy's decisions (needs `api`) | yes |
//! | `js` | the `#[wasm_bindgen]` facade: JS exports, JS errors, the panic hook | yes |
//! | `client` | the wasm32 HTTP client (needs `api` and `js`) | yes |
//! | `talc` | talc as the global allocator on wasm32 without atomics (the package build) | no |
//!
//! The defaults build the npm package. A Rust crate that wants the Rust API only depends on
//! this one with `default-features = false, features = ["api", "proxy"]`: the token core,
//! the batch, the builders, response parsing and the proxy decisions, with no wasm-bindgen,
//! js-sys, JS exports, panic hook or global allocator. Only the `talc` feature installs a global
//! allocator (talc, on wasm32 without atomics); only the package build turns it on, so a crate
//! depending on this one keeps its own.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

/// The package's allocator (feature `talc`, which only the package build turns on): smaller and
/// faster than std's dlmalloc on wasm. Never installed on threaded wasm or outside wasm.
#[cfg(all(
    feature = "talc",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(feature = "api")]
pub mod api;
pub mod batch;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod client;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod token;

#[cfg(feature = "js")]
pub mod js;
