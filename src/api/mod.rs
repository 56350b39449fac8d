//! IO-free request building ("sans-IO") for the Twilio Push Notifications API.
//!
//! A request is a value: [`build_request`] turns an [`Operation`] and its params into an
//! [`HttpRequest`] (method, URL, headers, body) without touching the network, and
//! [`response::parse_response`] turns status, headers and body text back into an
//! [`response::ApiResult`] or an [`ApiError`]. Sending is somebody else's job: the wasm client
//! (`client`), the edge proxy, or any HTTP library.
//!
//! Validation lives in exactly one place. [`build_request`] reads params with serde into the wire
//! structs of `params` (unknown fields are refused, naming the field, and every error says where
//! it is), turns them into the typed structs of [`model`], and the typed builders of
//! each resource module ([`push_notifications`], [`operations`], [`device_registrations`],
//! [`credentials`], [`apps`], [`users`]) check every rule before anything is encoded. Rust callers
//! that construct the structs themselves go through the same checks.
//!
//! Every error is an [`ApiError`] with a stable [`ApiError::code`].
//!
//! What is defined here lives in files by concern, all re-exported from this module:
//! `operation.rs` holds [`Operation`] and [`OPERATIONS`], the one table (name, method, path
//! template, ID param, kind, retry, params, collection keys) that the builders, the response
//! parser and the proxy's router read; `request.rs` holds [`build_request`], [`HttpRequest`] and
//! the one function that assembles every request from its row; `config.rs` holds [`ApiConfig`]
//! and [`Auth`]; `error.rs` holds [`ApiError`].

pub mod apps;
mod config;
pub mod credential_content;
pub mod credentials;
pub mod device_registrations;
mod error;
pub mod model;
mod operation;
pub mod operations;
pub(crate) mod params;
pub(crate) mod path;
pub mod push_notifications;
mod request;
pub mod response;
pub mod retry;
pub mod users;
pub(crate) mod validate;

pub use config::{ApiConfig, Auth, DEFAULT_BASE_URL};
pub use error::ApiError;
pub use operation::{Operation, OperationKind, OperationSpec, FIELD_NAMES, OPERATIONS};
pub(crate) use request::{assemble, by_id, to_json};
pub use request::{authorization, build_request, build_request_named, HttpRequest};
pub use response::{parse_response, parse_response_at, ApiResult};
