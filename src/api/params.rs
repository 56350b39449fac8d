//! Params as they come over the wire, read by serde.
//!
//! Each operation's params are a `Deserialize` struct in the API's camelCase with
//! `deny_unknown_fields`, every field optional (`null` means "not given"), enums as their wire
//! strings ([`super::model`]). serde checks the shape — types, unknown fields, an object
//! wherever a struct is expected (never an array of its fields: [`object`], [`AsMap`]) — and
//! `serde_path_to_error` says where it broke (`to[3].token`, `tags.region`); [`from_value`]
//! turns that into a `VALIDATION_ERROR` whose message says what is allowed. The resource
//! modules then turn a wire struct into the typed params of [`super::model`], checking what
//! serde cannot express (required fields, which of two shapes a recipient has), and their
//! builders check every rule.

use core::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::model::{
    tags_from_pairs, Content, CredentialType, DateRange, NotificationStatus, OperationStatus, Page,
    Priority, Tags,
};
use super::validate::{clip, invalid, push_u64, MAX_PAGE_SIZE};
use super::{ApiError, Operation};
use crate::token::Provider;

/// Reads `params` into `T`; `null` params are `{}`. Errors are `VALIDATION_ERROR`s at the path
/// where serde found the problem. The struct is read as a map ([`AsMap`]): params are a JSON
/// object, never an array of the fields in order (`params: must be an object, not an array`).
pub fn from_value<T: DeserializeOwned>(params: &Value) -> Result<T, ApiError> {
    let empty_object;
    let params = if params.is_null() {
        empty_object = Value::Object(serde_json::Map::new());
        &empty_object
    } else {
        params
    };
    serde_path_to_error::deserialize(AsMap(params)).map_err(|e| path_error(e.path(), e.inner()))
}

/// The `VALIDATION_ERROR` of a serde error at `path`. Not generic, so that one copy serves
/// every wire struct.
#[inline(never)]
fn path_error(path: &serde_path_to_error::Path, inner: &serde_json::Error) -> ApiError {
    let mut field = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                field.push('[');
                push_u64(&mut field, *index as u64);
                field.push(']');
            }
            serde_path_to_error::Segment::Map { key } => push_key(&mut field, key),
            serde_path_to_error::Segment::Enum { variant } => push_key(&mut field, variant),
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    error_at(field, &inner.to_string())
}

/// Appends `key` to a rendered path: `.key` when plain, `["odd key"]` otherwise.
pub(crate) fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&serde_json::to_string(&clip(key, 40)).unwrap_or_default());
        path.push(']');
    }
}

/// The `VALIDATION_ERROR` for serde's message `text` at `field`, in this crate's words: an
/// unknown field is named in the path and the allowed ones listed; a wrong type says what is
/// expected and what was given (its type only: values may be secrets).
fn error_at(mut field: String, text: &str) -> ApiError {
    let detail = if let Some(rest) = text.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        // serde_path_to_error's path already ends with the unknown key; a deserializer that
        // does not track it gets it here.
        let mut with_name = String::new();
        push_key(&mut with_name, name);
        if !field.ends_with(with_name.trim_start_matches('.')) {
            push_key(&mut field, name);
        }
        let allowed = expected
            .trim_start_matches(", expected ")
            .trim_start_matches("one of ")
            .replace("` or `", ", ")
            .replace('`', "");
        if allowed.is_empty() || allowed.starts_with(", there are no fields") {
            "is not a known field (no fields are allowed here)".to_string()
        } else {
            ["is not a known field; allowed: ", &allowed].concat()
        }
    } else if let Some(rest) = text.strip_prefix("invalid type: ") {
        let (got, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        [
            "must be ",
            &expected_name(expected),
            ", not ",
            got_name(got),
        ]
        .concat()
    } else {
        text.to_string()
    };
    let field = if field.is_empty() {
        "params".to_string()
    } else {
        field
    };
    let mut error = invalid(&super::validate::Path::Root, "");
    if let ApiError::Validation {
        field: f, message, ..
    } = &mut error
    {
        *message = [field.as_str(), ": ", &detail].concat();
        *f = field;
    }
    error
}

/// serde's name of what was expected, in the words of this crate's messages.
fn expected_name(expected: &str) -> String {
    if expected.starts_with("struct ") || expected == "a map" {
        "an object".to_string()
    } else if expected == "a sequence" {
        "an array".to_string()
    } else if expected == "a boolean" {
        "a boolean (true or false)".to_string()
    } else {
        expected.to_string()
    }
}

/// The JSON type of serde's `Unexpected` text, without the value.
pub(crate) fn got_name(got: &str) -> &'static str {
    match got.split([' ', '`', '"']).next().unwrap_or("") {
        "string" | "char" => "a string",
        "integer" | "floating" => "a number",
        "boolean" => "a boolean",
        "map" => "an object",
        "sequence" => "an array",
        "null" | "unit" => "null",
        _ => "another type",
    }
}

/// For `#[serde(default, deserialize_with = "object")]` on a struct-typed field: the struct
/// read from a JSON object only. serde's derived structs also read a JSON array as the fields in
/// order (`"from": ["a", "b"]`), which the API does not allow; `null` is "not given".
pub(crate) fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|o| o.0))
}

/// [`object`] for an array of structs (`to`): each item is read from a JSON object only.
pub(crate) fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Vec<T>>, D::Error> {
    let items = Option::<Vec<Object<T>>>::deserialize(deserializer)?;
    Ok(items.map(|items| items.into_iter().map(|o| o.0).collect()))
}

/// A struct read with `deserialize_map`: an array is "invalid type: sequence, expected struct
/// …", which [`error_at`] words as "must be an object, not an array".
#[repr(transparent)]
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(AsMap(deserializer)).map(Object)
    }
}

/// A deserializer that asks for a map whatever it is asked for (a derived struct asks for a
/// struct, which self-describing formats also read from a sequence).
struct AsMap<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for AsMap<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// Tags: an object of string values (at most 10 are allowed; see the builders), sorted by key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagsWire(pub Tags);

impl<'de> Deserialize<'de> for TagsWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TagsVisitor).map(TagsWire)
    }
}

struct TagsVisitor;

impl<'de> Visitor<'de> for TagsVisitor {
    type Value = Tags;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of string values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(16));
        while let Some((k, v)) = map.next_entry::<String, String>()? {
            pairs.push((k, v));
        }
        Ok(tags_from_pairs(pairs))
    }
}

/// The `tags` filter of `listPushNotifications`: an object or a `"key:value;"` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagFilterWire {
    Pairs(Tags),
    Raw(String),
}

impl<'de> Deserialize<'de> for TagFilterWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FilterVisitor;
        impl<'de> Visitor<'de> for FilterVisitor {
            type Value = TagFilterWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object { key: value } or a \"key:value;\" string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TagFilterWire, E> {
                Ok(TagFilterWire::Raw(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TagFilterWire, A::Error> {
                TagsVisitor.visit_map(map).map(TagFilterWire::Pairs)
            }
        }
        deserializer.deserialize_any(FilterVisitor)
    }
}

/// `pageSize`: a whole number from 1 to 1000 (`50`, `50.0` and `5e1` are all 50).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(pub u32);

impl<'de> Deserialize<'de> for PageSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeVisitor;
        impl SizeVisitor {
            fn check<E: de::Error>(n: f64) -> Result<PageSize, E> {
                if n.fract() == 0.0 && (1.0..=f64::from(MAX_PAGE_SIZE)).contains(&n) {
                    Ok(PageSize(n as u32))
                } else {
                    Err(E::custom("must be an integer from 1 to 1000"))
                }
            }
        }
        impl<'de> Visitor<'de> for SizeVisitor {
            type Value = PageSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer from 1 to 1000")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<PageSize, E> {
                Self::check(n.min(u64::from(u32::MAX)) as f64)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<PageSize, E> {
                Self::check(n.clamp(-1, i64::from(u32::MAX)) as f64)
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<PageSize, E> {
                Self::check(n)
            }
        }
        deserializer.deserialize_any(SizeVisitor)
    }
}

/// One recipient as given: `{ token, provider }` or `{ userId }` (which one is decided in code,
/// so that a missing field is named).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecipientWire {
    pub token: Option<String>,
    pub provider: Option<Provider>,
    pub user_id: Option<String>,
}

/// `from` as given: `{ apn?, fcm? }` or `{ appName }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SenderWire {
    pub apn: Option<String>,
    pub fcm: Option<String>,
    pub app_name: Option<String>,
}

/// `schedule` as given: `{ sendAt }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScheduleWire {
    pub send_at: Option<Vec<String>>,
}

/// `sendPush` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SendPushWire {
    #[serde(default, deserialize_with = "objects")]
    pub to: Option<Vec<RecipientWire>>,
    #[serde(default, deserialize_with = "object")]
    pub content: Option<Content>,
    #[serde(default, deserialize_with = "object")]
    pub from: Option<SenderWire>,
    pub priority: Option<Priority>,
    pub sound: Option<String>,
    pub tags: Option<TagsWire>,
    #[serde(default, deserialize_with = "object")]
    pub schedule: Option<ScheduleWire>,
}

/// `listPushNotifications` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListPushNotificationsWire {
    pub operation_id: Option<String>,
    pub status: Option<NotificationStatus>,
    pub tags: Option<TagFilterWire>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub user: Option<String>,
    pub provider: Option<Provider>,
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// `listOperations` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListOperationsWire {
    pub status: Option<OperationStatus>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// `listApps` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListAppsWire {
    pub is_default: Option<bool>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// `listOperationErrors` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListOperationErrorsWire {
    pub operation_id: Option<String>,
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// `listDeviceRegistrations` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListDeviceRegistrationsWire {
    pub user_id: Option<String>,
    pub app_name: Option<String>,
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// `registerDevice` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegisterDeviceWire {
    pub app_name: Option<String>,
    pub token: Option<String>,
    pub provider: Option<Provider>,
    pub user_id: Option<String>,
}

/// `listCredentials` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListCredentialsWire {
    pub app_name: Option<String>,
    pub credential_type: Option<CredentialType>,
    pub is_default: Option<bool>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// A credential's `content` as given; which fields it must have depends on the type.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CredentialContentWire {
    pub certificate: Option<String>,
    pub private_key: Option<String>,
}

impl fmt::Debug for CredentialContentWire {
    /// Never prints the secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialContentWire { <redacted> }")
    }
}

/// `createCredential` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateCredentialWire {
    pub credential_type: Option<CredentialType>,
    #[serde(default, deserialize_with = "object")]
    pub content: Option<CredentialContentWire>,
    pub app_name: Option<String>,
    pub is_default: Option<bool>,
}

/// `updateCredential` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateCredentialWire {
    pub credential_id: Option<String>,
    pub is_default: Option<bool>,
    pub tags: Option<TagsWire>,
}

/// `updateApp` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateAppWire {
    pub app_name: Option<String>,
    pub is_default: Option<bool>,
}

/// `listUsers` params.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListUsersWire {
    pub page_token: Option<String>,
    pub page_size: Option<PageSize>,
}

/// `pageToken` and `pageSize` as the typed model holds them.
pub(crate) fn page(page_token: Option<String>, page_size: Option<PageSize>) -> Page {
    Page {
        page_token,
        page_size: page_size.map(|s| s.0),
    }
}

/// `startDate` and `endDate` as the typed model holds them.
pub(crate) fn dates(start_date: Option<String>, end_date: Option<String>) -> DateRange {
    DateRange {
        start_date,
        end_date,
    }
}

/// A required field: `Ok` with its value, or "`key`: is required…".
pub(crate) fn required<T>(value: Option<T>, key: &str, detail: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| invalid(&super::validate::Path::Root.key(key), detail))
}

/// The wire struct of an operation on one resource by ID: exactly one field, the ID.
macro_rules! by_id_wire {
    ($name:ident, $field:ident, $key:literal) => {
        #[doc = concat!("`{ ", $key, " }`: the params of an operation on one resource by ID.")]
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        pub struct $name {
            #[doc = concat!("The `", $key, "`.")]
            pub $field: Option<String>,
        }
    };
}

by_id_wire!(AppNameWire, app_name, "appName");
by_id_wire!(
    PushNotificationIdWire,
    push_notification_id,
    "pushNotificationId"
);
by_id_wire!(OperationIdWire, operation_id, "operationId");
by_id_wire!(
    DeviceRegistrationIdWire,
    device_registration_id,
    "deviceRegistrationId"
);
by_id_wire!(CredentialIdWire, credential_id, "credentialId");
by_id_wire!(UserIdWire, user_id, "userId");

/// The ID that the params of a by-ID operation (`fetchApp` and the fetches and deletes by ID)
/// hold, read by serde into that operation's wire struct: unknown fields are refused naming the
/// one allowed key, and a missing or `null` ID is "`key`: is required". Returns the key with the
/// ID; the ID itself is checked by the builder (as a path segment or an app name).
pub fn by_id(op: Operation, params: &Value) -> Result<(&'static str, String), ApiError> {
    // The ID's name is the table's (`id_param`); the match only picks the wire struct that
    // serde reads it with, so a wrong or extra field is named as for every other operation.
    let spec = op.spec();
    let key = match spec.id_param {
        Some(key) if spec.params == [key] => key,
        _ => return Err(ApiError::unknown_operation(op.name())),
    };
    let id = match key {
        "appName" => from_value::<AppNameWire>(params)?.app_name,
        "pushNotificationId" => from_value::<PushNotificationIdWire>(params)?.push_notification_id,
        "operationId" => from_value::<OperationIdWire>(params)?.operation_id,
        "deviceRegistrationId" => {
            from_value::<DeviceRegistrationIdWire>(params)?.device_registration_id
        }
        "credentialId" => from_value::<CredentialIdWire>(params)?.credential_id,
        "userId" => from_value::<UserIdWire>(params)?.user_id,
        _ => return Err(ApiError::unknown_operation(op.name())),
    };
    Ok((key, required(id, key, "is required")?))
}

/// The configuration object as given: `{ baseUrl?, auth?, maxRetries?, timeoutMs?,
/// retryBaseMs?, retryMaxMs? }` (the last four are the client's; see
/// [`super::ApiConfig::from_value`] for who may give them). The numbers are read as `f64` so
/// that `50`, `50.0` and `5e1` are all 50; their ranges are checked in code.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigWire {
    /// `baseUrl`.
    pub base_url: Option<String>,
    /// `auth`.
    #[serde(default, deserialize_with = "object")]
    pub auth: Option<AuthWire>,
    /// `maxRetries` (client only).
    pub max_retries: Option<f64>,
    /// `timeoutMs` (client only).
    pub timeout_ms: Option<f64>,
    /// `retryBaseMs` (client only).
    pub retry_base_ms: Option<f64>,
    /// `retryMaxMs` (client only).
    pub retry_max_ms: Option<f64>,
}

/// `auth` as given: `{ username, password }` or `{ bearer }` (which one is decided in code).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthWire {
    /// Account SID or API Key SID.
    pub username: Option<String>,
    /// Auth Token or API Key Secret.
    pub password: Option<String>,
    /// A bearer token.
    pub bearer: Option<String>,
}

impl fmt::Debug for AuthWire {
    /// Never prints the secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthWire { <redacted> }")
    }
}

/// Reads the configuration object; `null` is `{}`. Errors are `INVALID_ARGUMENT`s naming the
/// key (`config`, `config.baseUrl`, `config.auth`, `config.maxRetries`, ...); `known` lists the
/// top-level keys the caller accepts, for the message about an unknown one.
pub fn config_from_value(value: &Value, known: &[&str]) -> Result<ConfigWire, ApiError> {
    match value {
        Value::Null => return Ok(ConfigWire::default()),
        Value::Object(_) => {}
        // Refused here, so that the message shows the whole shape of the configuration.
        _ => {
            return Err(ApiError::invalid_argument(
                "config",
                "config must be an object: { baseUrl?: string, auth?: { username, password } | { bearer } }.",
            ))
        }
    }
    serde_path_to_error::deserialize(AsMap(value)).map_err(|e| {
        let key = match e.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => key.clone(),
            _ => String::new(),
        };
        let text = e.into_inner().to_string();
        match key.as_str() {
            "" if text.starts_with("unknown field `") => {
                let name = text["unknown field `".len()..]
                    .split('`')
                    .next()
                    .unwrap_or("");
                unknown_config_key(name, known)
            }
            "baseUrl" => {
                ApiError::invalid_argument("config.baseUrl", "config.baseUrl must be a string.")
            }
            "auth" => auth_shape_error(),
            "maxRetries" | "timeoutMs" | "retryBaseMs" | "retryMaxMs" => {
                let got = text
                    .strip_prefix("invalid type: ")
                    .map_or("another type", got_name);
                client_int_error(&key, Some(got))
            }
            // A key serde_path_to_error names, refused as unknown.
            _ => unknown_config_key(&key, known),
        }
    })
}

/// `config has an unknown field "x"; known fields: baseUrl, auth, ...`.
pub(crate) fn unknown_config_key(name: &str, known: &[&str]) -> ApiError {
    ApiError::invalid_argument(
        "config",
        &[
            "config has an unknown field \"",
            &clip(name, 40),
            "\"; known fields: ",
            &known.join(", "),
            ".",
        ]
        .concat(),
    )
}

/// The shape error of `config.auth`.
pub(crate) fn auth_shape_error() -> ApiError {
    ApiError::invalid_argument(
        "config.auth",
        "config.auth must be { username: string, password: string } or { bearer: string }.",
    )
}

/// The range of each of the client's numeric settings.
pub(crate) fn client_int_range(key: &str) -> (u32, u32) {
    match key {
        "maxRetries" => (0, 10),
        "timeoutMs" => (1, 600_000),
        "retryBaseMs" => (0, 60_000),
        _ => (0, 600_000),
    }
}

/// `config.maxRetries: must be an integer from 0 to 10[, not a string]`.
pub(crate) fn client_int_error(key: &str, got: Option<&str>) -> ApiError {
    let (min, max) = client_int_range(key);
    let field = ["config.", key].concat();
    let mut message = field.clone();
    message.push_str(": must be an integer from ");
    push_u64(&mut message, u64::from(min));
    message.push_str(" to ");
    push_u64(&mut message, u64::from(max));
    if let Some(got) = got {
        message.push_str(", not ");
        message.push_str(got);
    }
    ApiError::InvalidArgument { field, message }
}

/// A client setting given as a number: a whole number in its range, or the error naming it.
pub(crate) fn client_int(key: &str, value: Option<f64>) -> Result<Option<u32>, ApiError> {
    let Some(n) = value else {
        return Ok(None);
    };
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(client_int_error(key, Some("a number")));
    }
    let (min, max) = client_int_range(key);
    if n < f64::from(min) || n > f64::from(max) {
        return Err(client_int_error(key, None));
    }
    Ok(Some(n as u32))
}

#[cfg(test)]
mod tests {
    use super::super::retry::ClientConfig;
    use super::super::{ApiConfig, Operation};
    use serde_json::json;

    #[test]
    fn by_id_errors_name_the_field_and_say_what_is_allowed() {
        let e = super::by_id(Operation::FetchUser, &json!({ "id": "x" })).unwrap_err();
        assert_eq!(e.message(), "id: is not a known field; allowed: userId");
        let e = super::by_id(Operation::FetchUser, &json!({ "userId": null })).unwrap_err();
        assert_eq!(e.message(), "userId: is required");
        let e = super::by_id(Operation::FetchApp, &json!({ "appName": 5 })).unwrap_err();
        assert_eq!(e.message(), "appName: must be a string, not a number");
        let e = super::by_id(Operation::FetchApp, &json!([])).unwrap_err();
        assert_eq!(e.message(), "params: must be an object, not an array");
    }

    #[test]
    fn config_errors_name_the_key_and_say_what_is_allowed() {
        let e = ApiConfig::from_value(&json!({ "maxRetries": 1 }), &[]).unwrap_err();
        assert_eq!(
            e.message(),
            "config has an unknown field \"maxRetries\"; known fields: baseUrl, auth."
        );
        let e = ApiConfig::from_value(&json!({ "auth": { "bearer": "t", "username": "u" } }), &[])
            .unwrap_err();
        assert_eq!(e.field(), Some("config.auth"));
        let e = ClientConfig::from_value(&json!({ "timeoutMs": "5" })).unwrap_err();
        assert_eq!(
            e.message(),
            "config.timeoutMs: must be an integer from 1 to 600000, not a string"
        );
        let e = ClientConfig::from_value(&json!({ "maxRetries": 1.5 })).unwrap_err();
        assert_eq!(
            e.message(),
            "config.maxRetries: must be an integer from 0 to 10, not a number"
        );
        let e = ClientConfig::from_value(&json!("x")).unwrap_err();
        assert_eq!(e.field(), Some("config"));
        assert_eq!(
            ClientConfig::from_value(&json!({ "maxRetries": 5e0 }))
                .unwrap()
                .retry
                .max_retries,
            5
        );
    }
}
