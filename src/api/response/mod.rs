//! Reading responses: status, headers and body text → a typed result or an [`ApiError`].
//!
//! Decisions on what Twilio leaves open:
//! - **Status codes.** Any 2xx is success (sends answer 202; the status of writes is not
//!   documented). Everything else is an `API_ERROR`.
//! - **Sends** read `operationId`/`operationLocation` from the body first, then the headers
//!   `operation-id`, `X-Twilio-Operation-Id`, `operation-location` and `Location` (older docs and
//!   the old spec used headers); an ID missing everywhere is taken from the location's last path
//!   segment. A 2xx without any operation ID is `INVALID_RESPONSE` whose message says the push
//!   was probably accepted, so nobody re-sends blindly.
//! - **Writes** read `resourceId`/`resourceLocation` the same way (`resource-id`,
//!   `resource-location`, `X-Twilio-Resource-Location`, `Location`). Creations (`registerDevice`,
//!   `createCredential`) must yield an ID; updates and deletes, whose responses are not all
//!   documented, may answer with no body (e.g. 204) and then give `resourceId: null`.
//! - **Fetches** return the resource object with every field, known or not.
//! - **Lists** accept the operation's expected collection keys (both `pushNotifications` and
//!   `notifications` for push notifications) and otherwise the single array-valued property of
//!   the page. `pagination.next`/`self` are opaque tokens or URLs; for a URL the `pageToken`
//!   query value is the token. A missing `pagination`, `next: null` or `next: ""` ends the list.
//! - **Errors**: the body's `code`, `message` and `more_info` or `moreInfo` when it is JSON; the
//!   status alone otherwise. `Retry-After` is integer seconds or an HTTP date. 429 and 503 are
//!   retryable; 500 is not (Twilio: do not retry).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::path;
use super::validate::{self, push_u64, Map};
use super::{ApiError, Operation, OperationKind};

mod error;

pub(crate) use error::api_error;
pub use error::{parse_http_date, parse_retry_after};

/// An accepted send: track it with `fetchOperation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationRef {
    /// The operation's ID, for `fetchOperation`.
    pub operation_id: String,
    /// The operation's URL (the `Location` header or the body's), when given.
    pub operation_location: Option<String>,
}

/// The resource a write created, changed or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// Always present for `registerDevice` and `createCredential`.
    pub resource_id: Option<String>,
    /// The resource's URL, when given.
    pub resource_location: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    /// The key the items were found under, e.g. `deviceRegistrations`.
    pub collection: String,
    /// The items, as JSON objects.
    pub items: Vec<Value>,
    /// `pagination.next` as sent (token or URL); `None` on the last page.
    pub next: Option<String>,
    /// `pagination.self` as sent.
    pub self_: Option<String>,
    /// The token to pass as `pageToken` for the next page: `next` itself, or its `pageToken`
    /// query value when `next` is a URL. `None` when there is no next page, or when `next` is a
    /// URL without a `pageToken`.
    pub next_page_token: Option<String>,
}

/// A successful response, typed by operation kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiResult {
    /// `sendPush`: an operation was started (202).
    Accepted(OperationRef),
    /// A write: what was created, changed or deleted.
    Resource(ResourceRef),
    /// A fetch: the resource as JSON.
    Object(Map),
    /// A list: one page.
    Page(ListPage),
}

impl ApiResult {
    /// The JSON the JS facade returns (camelCase):
    /// `{ operationId, operationLocation }`, `{ resourceId, resourceLocation }`, the resource,
    /// or `{ items, collection, pagination: { next, self }, nextPageToken, <collection>: items }`.
    pub fn to_json(&self) -> Value {
        // Written as text and read back: the text writer and the `Value` reader are in every
        // build already, where `serde_json::to_value` would add the `Value` serializer.
        let mut text = String::new();
        self.write_json(&mut text, true);
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Writes [`ApiResult::to_json`] as compact JSON text without building it. With
    /// `collection_key` false a page leaves out the collection's own key, for callers that
    /// alias it to `items` themselves (the JS facade, so the items are sent once).
    pub fn write_json(&self, out: &mut String, collection_key: bool) {
        out.push_str(&super::to_json(&ResultJson {
            result: self,
            collection_key,
        }));
    }
}

impl Serialize for ApiResult {
    /// As [`ApiResult::to_json`].
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ResultJson {
            result: self,
            collection_key: true,
        }
        .serialize(serializer)
    }
}

/// A result as JSON, with or without a page's collection key.
struct ResultJson<'a> {
    result: &'a ApiResult,
    collection_key: bool,
}

/// `{ next, self }` of a page.
#[derive(Serialize)]
struct Pagination<'a> {
    next: &'a Option<String>,
    #[serde(rename = "self")]
    self_: &'a Option<String>,
}

impl Serialize for ResultJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.result {
            ApiResult::Accepted(r) => r.serialize(serializer),
            ApiResult::Resource(r) => r.serialize(serializer),
            ApiResult::Object(m) => m.serialize(serializer),
            ApiResult::Page(p) => {
                let own_key = self.collection_key
                    && !matches!(
                        p.collection.as_str(),
                        "items" | "collection" | "pagination" | "nextPageToken"
                    );
                let mut o = serializer.serialize_map(Some(4 + usize::from(own_key)))?;
                o.serialize_entry("items", &p.items)?;
                o.serialize_entry("collection", &p.collection)?;
                o.serialize_entry(
                    "pagination",
                    &Pagination {
                        next: &p.next,
                        self_: &p.self_,
                    },
                )?;
                o.serialize_entry("nextPageToken", &p.next_page_token)?;
                if own_key {
                    o.serialize_entry(&p.collection, &p.items)?;
                }
                o.end()
            }
        }
    }
}

/// The value of header `name` (case-insensitive; the first one wins).
pub(crate) fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Seconds since the Unix epoch, now. On wasm32 without the `js` feature there is no clock to
/// ask (`std::time` panics there), so this is 0: such callers pass the time to
/// [`parse_response_at`] themselves.
pub(crate) fn now_unix() -> u64 {
    #[cfg(all(target_arch = "wasm32", feature = "js"))]
    {
        let ms = js_sys::Date::now();
        if ms.is_finite() && ms > 0.0 {
            (ms / 1000.0) as u64
        } else {
            0
        }
    }
    #[cfg(all(target_arch = "wasm32", not(feature = "js")))]
    {
        0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// [`parse_response_at`] with the current time (for `Retry-After` dates).
///
/// Whatever sent the request hands back status, headers and body text; what comes out is
/// typed by the operation's kind, or an [`ApiError`] that says whether trying again may help.
///
/// ```
/// use twilio_push_wasm::api::{parse_response, ApiError, ApiResult, Operation};
///
/// // A send is accepted with 202 and an operation to follow.
/// let body = r#"{"operationId": "comms_operation_01h9krwprkeee8fzqspvwy6nq8",
///     "operationLocation": "https://comms.twilio.com/v1/PushNotifications/Operations/comms_operation_01h9krwprkeee8fzqspvwy6nq8"}"#;
/// let Ok(ApiResult::Accepted(op)) = parse_response(Operation::SendPush, 202, &[], body) else {
///     panic!("not accepted")
/// };
/// assert_eq!(op.operation_id, "comms_operation_01h9krwprkeee8fzqspvwy6nq8");
///
/// // A list: the items and the token for the next page.
/// let body = r#"{"deviceRegistrations": [{"id": "comms_device_registration_01h9krwprkeee8fzqspvwy6nq8"}],
///     "pagination": {"next": "https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations?pageToken=abc", "self": null}}"#;
/// let Ok(ApiResult::Page(page)) = parse_response(Operation::ListDeviceRegistrations, 200, &[], body) else {
///     panic!("not a page")
/// };
/// assert_eq!((page.items.len(), page.next_page_token.as_deref()), (1, Some("abc")));
///
/// // Throttled: an error that says when to come back.
/// let headers = [("Retry-After".to_string(), "7".to_string())];
/// let body = r#"{"code": 20429, "message": "Too Many Requests", "status": 429}"#;
/// let error = parse_response(Operation::SendPush, 429, &headers, body).unwrap_err();
/// let ApiError::Api { twilio_code, retry_after, retryable, .. } = error else { unreachable!() };
/// assert_eq!((twilio_code, retry_after, retryable), (Some(20429), Some(7), true));
/// ```
pub fn parse_response(
    op: Operation,
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> Result<ApiResult, ApiError> {
    parse_response_at(op, status, headers, body, now_unix())
}

/// Reads a response. `now` (Unix seconds) turns a `Retry-After` HTTP date into seconds.
pub fn parse_response_at(
    op: Operation,
    status: u16,
    headers: &[(String, String)],
    body: &str,
    now: u64,
) -> Result<ApiResult, ApiError> {
    if !(200..300).contains(&status) {
        return Err(api_error(status, headers, body, now));
    }
    let json = if body.trim().is_empty() {
        None
    } else {
        match serde_json::from_str(body) {
            Ok(Value::Object(map)) => Some(map),
            Ok(other) => {
                return Err(invalid(
                    op,
                    status,
                    &[
                        "the body is ",
                        validate::type_name(&other),
                        ", not a JSON object",
                    ]
                    .concat(),
                ))
            }
            Err(_) => return Err(invalid(op, status, "the body is not JSON")),
        }
    };
    match op.kind() {
        OperationKind::Send => {
            accepted(op, status, headers, json.as_ref()).map(ApiResult::Accepted)
        }
        OperationKind::Write => {
            resource(op, status, headers, json.as_ref()).map(ApiResult::Resource)
        }
        OperationKind::Fetch => match json {
            Some(map) => Ok(ApiResult::Object(map)),
            None => Err(invalid(
                op,
                status,
                "the body is empty; expected the resource",
            )),
        },
        OperationKind::List => match json {
            Some(map) => page(op, status, map).map(ApiResult::Page),
            None => Err(invalid(
                op,
                status,
                "the body is empty; expected a page of results",
            )),
        },
    }
}

fn invalid(op: Operation, status: u16, why: &str) -> ApiError {
    let mut message = String::from("Unexpected response to ");
    message.push_str(op.name());
    message.push_str(" (HTTP ");
    push_u64(&mut message, u64::from(status));
    message.push_str("): ");
    message.push_str(why);
    if op == Operation::SendPush {
        message.push_str(". The API accepted the request, so the push was probably sent: check listOperations before sending again");
    }
    message.push('.');
    ApiError::InvalidResponse { status, message }
}

/// A string field of the body: `Ok(None)` when absent or null, an error when of another type.
fn body_text(
    op: Operation,
    status: u16,
    json: Option<&Map>,
    key: &str,
) -> Result<Option<String>, ApiError> {
    match json.and_then(|m| m.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(Value::String(_)) => Ok(None),
        Some(_) => Err(invalid(op, status, &[key, " is not a string"].concat())),
    }
}

fn first_header(headers: &[(String, String)], names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| header(headers, n))
        .map(str::to_string)
}

/// The last path segment of a URL or path, percent-decoded.
pub(crate) fn last_segment(location: &str) -> Option<String> {
    let path = location.split(['?', '#']).next().unwrap_or("");
    let segment = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let decoded = path::percent_decode(segment);
    (!decoded.is_empty() && !decoded.contains(':')).then_some(decoded)
}

fn accepted(
    op: Operation,
    status: u16,
    headers: &[(String, String)],
    json: Option<&Map>,
) -> Result<OperationRef, ApiError> {
    let location = match body_text(op, status, json, "operationLocation")? {
        Some(l) => Some(l),
        None => first_header(headers, &["operation-location", "Location"]),
    };
    let id = match body_text(op, status, json, "operationId")? {
        Some(id) => Some(id),
        None => first_header(headers, &["operation-id", "X-Twilio-Operation-Id"])
            .or_else(|| location.as_deref().and_then(last_segment)),
    };
    match id {
        Some(operation_id) => Ok(OperationRef {
            operation_id,
            operation_location: location,
        }),
        None => Err(invalid(
            op,
            status,
            "it has no operationId in the body or the headers",
        )),
    }
}

fn resource(
    op: Operation,
    status: u16,
    headers: &[(String, String)],
    json: Option<&Map>,
) -> Result<ResourceRef, ApiError> {
    let location = match body_text(op, status, json, "resourceLocation")? {
        Some(l) => Some(l),
        None => first_header(
            headers,
            &[
                "resource-location",
                "X-Twilio-Resource-Location",
                "Location",
            ],
        ),
    };
    let id = match body_text(op, status, json, "resourceId")? {
        Some(id) => Some(id),
        None => first_header(headers, &["resource-id", "X-Twilio-Resource-Id"])
            .or_else(|| location.as_deref().and_then(last_segment)),
    };
    if id.is_none() && op.method() == "POST" {
        return Err(invalid(
            op,
            status,
            "it has no resourceId in the body or the headers",
        ));
    }
    Ok(ResourceRef {
        resource_id: id,
        resource_location: location,
    })
}

fn page(op: Operation, status: u16, mut map: Map) -> Result<ListPage, ApiError> {
    let key = op
        .collection_keys()
        .iter()
        .find(|k| map.get(**k).is_some_and(Value::is_array))
        .map(|k| k.to_string())
        .or_else(|| {
            // The single array-valued property other than `pagination`, if there is exactly one.
            let mut only = None;
            for (k, v) in map.iter() {
                if v.is_array() && k.as_str() != "pagination" {
                    if only.is_some() {
                        return None;
                    }
                    only = Some(k);
                }
            }
            only.cloned()
        });
    let Some(collection) = key else {
        let mut why = String::from("no collection array (expected ");
        why.push_str(&op.collection_keys().join(" or "));
        why.push(')');
        return Err(invalid(op, status, &why));
    };
    let items = match map.shift_remove(&collection) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let (next, self_) = match map.get("pagination") {
        None | Some(Value::Null) => (None, None),
        Some(Value::Object(p)) => (
            link(op, status, p.get("next"), "pagination.next")?,
            link(op, status, p.get("self"), "pagination.self")?,
        ),
        Some(_) => return Err(invalid(op, status, "pagination is not an object")),
    };
    let next_page_token = next.as_deref().and_then(page_token_of);
    Ok(ListPage {
        collection,
        items,
        next,
        self_,
        next_page_token,
    })
}

fn link(
    op: Operation,
    status: u16,
    value: Option<&Value>,
    name: &str,
) -> Result<Option<String>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(op, status, &[name, " is not a string"].concat())),
    }
}

/// The page token in `next`: its `pageToken` query value when it is a URL (absolute or a path),
/// otherwise `next` itself.
pub(crate) fn page_token_of(next: &str) -> Option<String> {
    let lower = next.get(..8).unwrap_or(next).to_ascii_lowercase();
    let is_url =
        lower.starts_with("https://") || lower.starts_with("http://") || next.starts_with('/');
    if is_url {
        path::query_value(next, "pageToken").filter(|t| !t.is_empty())
    } else {
        Some(next.to_string())
    }
}
