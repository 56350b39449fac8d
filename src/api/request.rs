//! From an operation and its params to an [`HttpRequest`]: [`build_request`] dispatches to the
//! typed builders of the resource modules, and [`assemble`] puts every request together (URL,
//! standard headers, body) the same way.

use serde::Serialize;
use serde_json::Value;

use super::{
    apps, credentials, device_registrations, operations, params, path, push_notifications, users,
    validate, ApiConfig, ApiError, Auth, Operation,
};

/// An HTTP request, ready for any HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The full URL (or a path-absolute one under a path base URL), query included.
    pub url: String,
    /// `Accept` always, `Content-Type` iff there is a body, `Authorization` iff auth is configured.
    pub headers: Vec<(String, String)>,
    /// Compact JSON text.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Builds the request for `op` from JSON params (the JS object, or what the proxy parsed).
///
/// Params are read strictly: unknown fields, wrong types and missing required fields are
/// `VALIDATION_ERROR`s naming the field; then every rule of the operation is checked. `null`
/// means "not given" for optional fields, and `null` params mean `{}`.
///
/// This is the entry point for params that arrive as JSON (from a form, a queue, the JS
/// facade): one function for every operation, with the same checks as the typed builders.
///
/// ```
/// use serde_json::json;
/// use twilio_push_wasm::api::{build_request, ApiConfig, ApiError, Auth, Operation};
///
/// let config = ApiConfig::new(
///     "https://comms.twilio.com/v1",
///     Some(Auth::Basic { username: "AC0123456789abcdef0123456789abcdef".into(), password: "auth-token".into() }),
/// )?;
/// let params = json!({
///     "to": [{"token": "965B251C6CB1926DE3CB366FDB3F9AE4A2D3E6B0BBD8EB0B9DCEA8D3E4377C2B", "provider": "APN"}],
///     "content": {"title": "Your order shipped", "body": "Arriving Thursday"},
/// });
/// let request = build_request(Operation::SendPush, &params, &config)?;
/// assert_eq!((request.method, request.url.as_str()), ("POST", "https://comms.twilio.com/v1/PushNotifications"));
/// assert_eq!(request.header("content-type"), Some("application/json"));
/// // The token is sent canonical, whatever spelling it came in.
/// assert!(request.body.unwrap().contains("965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b"));
///
/// // A mistake is refused before anything is sent, naming where it is.
/// let typo = json!({"to": [{"token": "965b251c", "provider": "APN"}], "content": {"title": "Hi"}});
/// let error = build_request(Operation::SendPush, &typo, &config).unwrap_err();
/// assert_eq!(error.code(), "VALIDATION_ERROR");
/// let ApiError::Validation { field, token_code, .. } = error else { unreachable!() };
/// assert_eq!((field.as_str(), token_code), ("to[0].token", Some("TOO_SHORT")));
/// # Ok::<(), ApiError>(())
/// ```
pub fn build_request(
    op: Operation,
    params: &Value,
    config: &ApiConfig,
) -> Result<HttpRequest, ApiError> {
    use Operation::*;
    match op {
        SendPush => push_notifications::send(&push_notifications::send_params(params)?, config),
        ListPushNotifications => {
            push_notifications::list(&push_notifications::list_params(params)?, config)
        }
        ListOperations => operations::list(&operations::list_params(params)?, config),
        ListOperationErrors => {
            operations::list_errors(&operations::list_errors_params(params)?, config)
        }
        ListDeviceRegistrations => {
            device_registrations::list(&device_registrations::list_params(params)?, config)
        }
        RegisterDevice => {
            device_registrations::register(&device_registrations::register_params(params)?, config)
        }
        ListCredentials => credentials::list(&credentials::list_params(params)?, config),
        CreateCredential => credentials::create(&credentials::create_params(params)?, config),
        UpdateCredential => credentials::update(&credentials::update_params(params)?, config),
        ListApps => apps::list(&apps::list_params(params)?, config),
        FetchApp => apps::fetch(&params::by_id(op, params)?.1, config),
        UpdateApp => apps::update(&apps::update_params(params)?, config),
        ListUsers => users::list(&users::list_params(params)?, config),
        // The eight operations on one resource by ID share one path: a table row each instead
        // of eight inlined copies of the same reading, checking and assembling.
        FetchPushNotification
        | FetchOperation
        | GetDeviceRegistration
        | DeleteDeviceRegistration
        | FetchCredential
        | DeleteCredential
        | FetchUser
        | DeleteUser => {
            let (_, id) = params::by_id(op, params)?;
            by_id(op, &id, config)
        }
    }
}

/// `op` on the resource whose ID is `id`: one resource addressed by a server-issued ID, which is
/// checked and percent-encoded as a path segment (field: the ID param of `op`'s row of
/// [`OPERATIONS`](super::OPERATIONS), which also gives the method and the path). Not inlined:
/// every fetch and delete by ID shares this one copy.
#[inline(never)]
pub(crate) fn by_id(op: Operation, id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let key = op.spec().id_param.unwrap_or("");
    let id = path::segment(&validate::Path::Root.key(key), id)?;
    assemble(op, Some(&id), config, &path::Query::new(), None)
}

/// [`build_request`] by operation name; an unknown name is `UNKNOWN_OPERATION`.
pub fn build_request_named(
    name: &str,
    params: &Value,
    config: &ApiConfig,
) -> Result<HttpRequest, ApiError> {
    let op = Operation::from_name(name).ok_or_else(|| ApiError::unknown_operation(name))?;
    build_request(op, params, config)
}

/// Assembles the request of `op`: the method and the path of its row of
/// [`OPERATIONS`](super::OPERATIONS), with `segment` (checked and encoded by the caller) standing
/// for the path's `{param}`; URL from the base, that path and the query; the standard headers;
/// the body (compact JSON text, written by the caller).
pub(crate) fn assemble(
    op: Operation,
    segment: Option<&str>,
    config: &ApiConfig,
    query: &path::Query,
    body: Option<String>,
) -> Result<HttpRequest, ApiError> {
    config.check()?;
    let spec = op.spec();
    debug_assert_eq!(segment.is_some(), spec.id_param.is_some(), "{op:?}");
    let (before, after) = spec.path_parts();
    let segment = segment.unwrap_or("");
    let base = config.base();
    let path_len = before.len() + segment.len() + after.len();
    let mut url = String::with_capacity(base.len() + path_len + query.len() + 1);
    url.push_str(base);
    url.push_str(before);
    url.push_str(segment);
    url.push_str(after);
    query.append_to(&mut url);
    let mut headers = Vec::with_capacity(3);
    headers.push(("Accept".to_string(), "application/json".to_string()));
    if body.is_some() {
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    if let Some(auth) = &config.auth {
        headers.push(("Authorization".to_string(), authorization(auth)));
    }
    Ok(HttpRequest {
        method: spec.method,
        url,
        headers,
        body,
    })
}

/// Compact JSON text of a body. Serializing these types into a `String` cannot fail (string
/// keys, no floats that are not finite).
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The `Authorization` header value.
pub fn authorization(auth: &Auth) -> String {
    match auth {
        Auth::Basic { username, password } => {
            let mut pair = Vec::with_capacity(username.len() + password.len() + 1);
            pair.extend_from_slice(username.as_bytes());
            pair.push(b':');
            pair.extend_from_slice(password.as_bytes());
            let mut out = String::from("Basic ");
            path::base64_encode_into(&pair, &mut out);
            out
        }
        Auth::Bearer(token) => {
            let mut out = String::from("Bearer ");
            out.push_str(token);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::api::Operation::{self, *};

    /// The by-ID operations read their ID through `item`: the params table must name the same key.
    #[test]
    fn by_id_operations_read_exactly_their_id() {
        let by_id: [Operation; 8] = [
            FetchPushNotification,
            FetchOperation,
            GetDeviceRegistration,
            DeleteDeviceRegistration,
            FetchCredential,
            DeleteCredential,
            FetchUser,
            DeleteUser,
        ];
        for op in by_id {
            assert_eq!(op.params(), [op.spec().id_param.unwrap()], "{op:?}");
        }
        assert_eq!(FetchApp.params(), ["appName"]);
        // The wire structs serde reads (params.rs) take exactly the params of the table: an
        // unknown field's error lists the allowed ones.
        for op in Operation::ALL {
            let params = serde_json::json!({ "notAParam": 1 });
            let e = super::build_request(op, &params, &super::ApiConfig::default()).unwrap_err();
            let allowed = e.message().split("allowed: ").nth(1).unwrap_or("");
            let allowed: Vec<&str> = allowed
                .split(" (")
                .next()
                .unwrap_or("")
                .split(", ")
                .collect();
            assert_eq!(e.field(), Some("notAParam"), "{op:?}: {e}");
            assert_eq!(allowed, op.params(), "{op:?}: {e}");
        }
        assert!(Operation::ALL.iter().all(|op| !op.params().is_empty()));
        for op in Operation::ALL {
            for p in op.params() {
                assert!(crate::api::FIELD_NAMES.contains(p), "{op:?}: {p}");
            }
        }
    }
}
