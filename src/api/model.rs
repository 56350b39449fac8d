//! Typed params of every operation, and the request bodies as they go on the wire (camelCase).
//!
//! The structs hold what the caller gave; the builders in the resource modules check them
//! (and, for device tokens, canonicalize them) before anything is serialized. Bodies are
//! written by serde (`Serialize`, camelCase, absent options left out).

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::token::Provider;

/// String enums spelled exactly as the API spells them.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, as spelled on the wire.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the exact wire spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                wire_enum(deserializer, $name::parse, $name::NAMES)
            }
        }
    };
}

/// Reads a string enum by its exact wire spelling; anything else is an error that lists the
/// allowed values (see [`super::validate::enum_message`]).
fn wire_enum<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    parse: fn(&str) -> Option<T>,
    names: &'static [&'static str],
) -> Result<T, D::Error> {
    let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(super::validate::enum_message(names)))
}

impl Serialize for Provider {
    /// `"APN"` or `"FCM"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    /// Exactly `"APN"` or `"FCM"` (see [`parse_provider`]).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        wire_enum(deserializer, parse_provider, PROVIDER_NAMES)
    }
}

str_enum! {
    /// Delivery priority. `HIGH` is the API's default; `LOW` is battery-friendly and may be
    /// delayed.
    Priority { High = "HIGH", Low = "LOW" }
}

str_enum! {
    /// Status of one push notification (reference §5).
    NotificationStatus {
        Scheduled = "SCHEDULED",
        Queued = "QUEUED",
        Sent = "SENT",
        Failed = "FAILED",
        Canceled = "CANCELED",
    }
}

str_enum! {
    /// Status of a send operation (reference §5).
    OperationStatus {
        Scheduled = "SCHEDULED",
        Processing = "PROCESSING",
        Completed = "COMPLETED",
        Canceled = "CANCELED",
    }
}

str_enum! {
    /// Kind of credential. `APN_SANDBOX` is APNs' development environment.
    CredentialType { Apn = "APN", ApnSandbox = "APN_SANDBOX", Fcm = "FCM" }
}

/// The providers as the API spells them (exactly: `"APN"` or `"FCM"`).
pub const PROVIDER_NAMES: &[&str] = &["APN", "FCM"];

/// `"APN"` or `"FCM"`, exact spelling (the token core's lenient parser is not used here: the
/// value goes on the wire).
pub fn parse_provider(s: &str) -> Option<Provider> {
    match s {
        "APN" => Some(Provider::Apn),
        "FCM" => Some(Provider::Fcm),
        _ => None,
    }
}

/// Tags: string keys and values (at most 10; keys 1–128, values ≤ 256 characters), sorted by
/// key, each key once (see [`tags_from_pairs`]). A sorted `Vec` rather than a map: there are at
/// most ten, and they are only checked and written in order.
pub type Tags = Vec<(String, String)>;

/// Tags from pairs in any order: sorted by key, a repeated key keeping its last value.
pub fn tags_from_pairs(pairs: Vec<(String, String)>) -> Tags {
    // Stable: pairs with the same key stay in input order, so the last one is the last given.
    let mut pairs = pairs;
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Tags = Vec::with_capacity(pairs.len());
    for pair in pairs {
        match out.last_mut() {
            Some(last) if last.0 == pair.0 => *last = pair,
            _ => out.push(pair),
        }
    }
    out
}

/// Serializes tags as an object (in key order); for `#[serde(serialize_with)]`.
pub(crate) fn serialize_tags<S: Serializer>(tags: &Tags, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(tags.len()))?;
    for (k, v) in tags {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// As [`serialize_tags`], for an optional field (skipped when `None`).
pub(crate) fn serialize_opt_tags<S: Serializer>(
    tags: &Option<Tags>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match tags {
        Some(tags) => serialize_tags(tags, serializer),
        None => serializer.serialize_none(),
    }
}

/// `pageToken` and `pageSize` (1–1000; the API's default is 50).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub page_token: Option<String>,
    pub page_size: Option<u32>,
}

/// `startDate` and `endDate`: ISO 8601 date-times with a time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateRange {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// One recipient of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A device token. APNs tokens in any accepted form are sent canonical (lowercase hex).
    Device { token: String, provider: Provider },
    /// Every device registered to this User under the sending App.
    User { user_id: String },
}

/// What the notification says. At least one of `title` and `body` must be non-blank.
///
/// Only `{ title, body }` is accepted: the image and template variants named by one crawl of
/// Twilio's docs have no published field names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// Who sends. Omitted: the account's default App.
///
/// On the wire `{ apn?, fcm? }` or `{ appName }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Sender {
    /// One credential per provider (the credential's type must match the provider).
    Credentials {
        #[serde(skip_serializing_if = "Option::is_none")]
        apn: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fcm: Option<String>,
    },
    /// An App by name: its default credentials.
    #[serde(rename_all = "camelCase")]
    App { app_name: String },
}

/// When to send.
///
/// Twilio does not show the shape of `schedule` for push. The Comms Messages API uses
/// `{ "sendAt": ["2025-03-19T09:30:00Z"] }` (date-times that are intersected; values without a
/// time zone are localized per recipient) and push has a `SCHEDULED` status, so that shape is
/// accepted and passed through unchanged: a non-empty array of ISO 8601 date-times, with or
/// without a time zone. Any other field is refused rather than guessed at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub send_at: Vec<String>,
}

/// Params of `sendPush`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPushParams {
    /// 1 to 10,000 recipients (APNs and FCM may be mixed).
    pub to: Vec<Recipient>,
    pub content: Content,
    pub from: Option<Sender>,
    pub priority: Option<Priority>,
    /// A sound name, e.g. `"ring"`; `null` and absent both mean "not given".
    pub sound: Option<String>,
    pub tags: Option<Tags>,
    pub schedule: Option<Schedule>,
}

/// Params of `registerDevice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDeviceParams {
    pub app_name: String,
    pub token: String,
    pub provider: Provider,
    /// Omitted: Twilio creates a new User.
    pub user_id: Option<String>,
}

/// Params of `listDeviceRegistrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDeviceRegistrationsParams {
    pub user_id: String,
    pub app_name: Option<String>,
    pub page: Page,
}

/// The `tags` filter of `listPushNotifications`: `key:value;` pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagFilter {
    /// Encoded as `k1:v1;k2:v2;`. Keys may not contain `:` or `;`, values may not contain `;`.
    Pairs(Tags),
    /// Already in the API's `key_1:value;key_2:value;` form; sent as given.
    Raw(String),
}

/// Params of `listPushNotifications`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPushNotificationsParams {
    pub operation_id: Option<String>,
    pub status: Option<NotificationStatus>,
    pub tags: Option<TagFilter>,
    pub dates: DateRange,
    /// A User ID.
    pub user: Option<String>,
    pub provider: Option<Provider>,
    pub page: Page,
}

/// Params of `listOperations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOperationsParams {
    pub status: Option<OperationStatus>,
    pub dates: DateRange,
    pub page: Page,
}

/// Params of `listOperationErrors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOperationErrorsParams {
    pub operation_id: String,
    pub page: Page,
}

/// Params of `listCredentials`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCredentialsParams {
    pub app_name: Option<String>,
    pub credential_type: Option<CredentialType>,
    pub is_default: Option<bool>,
    pub dates: DateRange,
    pub page: Page,
}

/// The secret part of a credential, each value base64 of the provider's file (see
/// [`super::credential_content`]). On the wire `{ certificate, privateKey }` or
/// `{ privateKey }`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
pub enum CredentialContent {
    /// `APN`/`APN_SANDBOX`: base64 of the PEM certificate and of the PEM private key.
    Apn {
        certificate: String,
        private_key: String,
    },
    /// `FCM`: base64 of the whole service-account JSON file.
    Fcm { private_key: String },
}

impl core::fmt::Debug for CredentialContent {
    /// Never prints the secrets.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CredentialContent::Apn { .. } => f.write_str("Apn { <redacted> }"),
            CredentialContent::Fcm { .. } => f.write_str("Fcm { <redacted> }"),
        }
    }
}

/// Params of `createCredential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCredentialParams {
    pub credential_type: CredentialType,
    pub content: CredentialContent,
    /// Unknown names create the App.
    pub app_name: String,
    pub is_default: Option<bool>,
}

/// Params of `updateCredential`: at least one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateCredentialParams {
    pub credential_id: String,
    pub is_default: Option<bool>,
    /// Seen only in one preview example; passed through with the usual tag limits.
    pub tags: Option<Tags>,
}

/// Params of `listApps`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListAppsParams {
    pub is_default: Option<bool>,
    pub dates: DateRange,
    pub page: Page,
}

/// Params of `updateApp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateAppParams {
    pub app_name: String,
    pub is_default: bool,
}

/// Params of `listUsers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListUsersParams {
    pub page: Page,
}
