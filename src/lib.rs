//! # twilio-push-wasm
//!
//! Push-notification device tokens and the Twilio Push Notifications API, made safe to use from
//! JavaScript (browsers, Node, Cloudflare Workers) and from Rust.
//!
//! | module | what it does |
//! |---|---|
//! | [`token`] | recognise, normalize, validate and classify one APNs or FCM token: [`token::normalize`], [`token::inspect`], [`token::parse`] |
//! | [`batch`] | the same for many tokens in one pass, with duplicates found by canonical form: [`batch::inspect_lines`], [`batch::BatchInspector`] |
//! | `api` | request builders and response parsing for every Push API operation (no I/O): `api::build_request`, `api::parse_response`; `api::OPERATIONS`, the one table of operations (method, path, params, retry, collection keys) that the builders, the parser and the proxy's router read; `api::ApiConfig`, `api::ApiError` |
//! | `api::{push_notifications, operations, device_registrations, credentials, apps, users}` | the typed builder of each operation, one module per resource |
//! | `api::model` | the typed params and bodies the builders take |
//! | `api::response` | what a response is read into (`ApiResult`, `ListPage`, …) and the `Retry-After` readers |
//! | `api::credential_content` | a credential's `content` from the PEM or service-account files |
//! | `api::retry` | the retry policy as pure functions, shared by the client and the proxy |
//! | `proxy` | the edge proxy's decisions: `Proxy::head`, `Proxy::prepare`, `Proxy::complete`, its configuration and its router |
//! | `client` | the wasm32 HTTP client (gloo-net) with timeouts and retries |
//! | `js` | the `#[wasm_bindgen]` facade: conversions and JS errors with a `code` (`js::api`: the builders, `parseResponse` and the credential helpers, in files by concern) |
//!
//! That is the whole public surface. The helpers the builders share (percent and base64
//! encoding, the serde wire structs, the validation rules) and the proxy's own helpers (auth,
//! error answers, query typing) are crate-private, so they can change without breaking anyone.
//! The `js` modules are public only because their functions *are* the JS exports: Rust code
//! (the wasm tests among it) may call them as functions, but Rust users want the modules above.
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
