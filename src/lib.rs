//! # twilio-push-wasm
//!
//! Push-notification device tokens and the Twilio Push Notifications API, made safe to use from
//! JavaScript (browsers, Node, Cloudflare Workers) and from Rust.
//!
//! | module | what it does |
//! |---|---|
//! | [`token`] | recognise, normalize, validate and classify one APNs or FCM token |
//! | [`batch`] | the same for many tokens in one pass, with duplicates found by canonical form |
//! | `json` | the JSON model, strict parser and compact writer the API and the proxy use |
//! | `api` | request builders and response parsing for every Push API operation (no I/O) |
//! | [`proxy`] | the edge proxy's decisions: routes, auth, CORS, limits, upstream request |
//! | `js` | the `#[wasm_bindgen]` facade: conversions and JS errors with a `code` |
//!
//! Everything that decides anything is plain Rust taking `&str`/`&[u8]` and returning
//! `Result`; the JS facade only converts.

#[cfg(any(target_arch = "wasm32", test))]
mod allocator;
#[cfg(feature = "api")]
pub mod api;
pub mod batch;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod client;
#[cfg(feature = "api")]
pub mod json;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod token;

pub mod js;
