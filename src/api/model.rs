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
        pub enum $name { $(#[doc = concat!("`", $text, "`")] $variant),+ }

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
    /// `pageToken`: the `nextPageToken` of the previous page; absent for the first page.
    pub page_token: Option<String>,
    /// `pageSize`: items per page, 1 to 1000.
    pub page_size: Option<u32>,
}

/// `startDate` and `endDate`: ISO 8601 date-times with a time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateRange {
    /// `startDate`: only items created at or after this date-time.
    pub start_date: Option<String>,
    /// `endDate`: only items created at or before this date-time (not before `startDate`).
    pub end_date: Option<String>,
}

/// One recipient of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A device token. APNs tokens in any accepted form are sent canonical (lowercase hex).
    Device {
        /// The token in any spelling the token core accepts.
        token: String,
        /// Which service the token belongs to.
        provider: Provider,
    },
    /// Every device registered to this User under the sending App.
    User {
        /// The User's ID.
        user_id: String,
    },
}

/// What the notification says. At least one of `title` and `body` must be non-blank.
///
/// Only `{ title, body }` is accepted: the image and template variants named by one crawl of
/// Twilio's docs have no published field names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    /// The notification's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The notification's text.
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
        /// The APNs credential's ID (`APN` or `APN_SANDBOX`).
        #[serde(skip_serializing_if = "Option::is_none")]
        apn: Option<String>,
        /// The FCM credential's ID.
        #[serde(skip_serializing_if = "Option::is_none")]
        fcm: Option<String>,
    },
    /// An App by name: its default credentials.
    #[serde(rename_all = "camelCase")]
    App {
        /// The App's name.
        app_name: String,
    },
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
    /// `sendAt`: one or more ISO 8601 date-times.
    pub send_at: Vec<String>,
}

/// Params of `sendPush`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPushParams {
    /// 1 to 10,000 recipients (APNs and FCM may be mixed).
    pub to: Vec<Recipient>,
    /// What the notification says.
    pub content: Content,
    /// Who sends; `None`: the account's default App.
    pub from: Option<Sender>,
    /// `HIGH` or `LOW`; `None`: the providers' default.
    pub priority: Option<Priority>,
    /// A sound name, e.g. `"ring"`; `null` and absent both mean "not given".
    pub sound: Option<String>,
    /// Key/value tags (the usual limits on count and length apply).
    pub tags: Option<Tags>,
    /// When to send; `None`: now.
    pub schedule: Option<Schedule>,
}

/// Params of `registerDevice`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDeviceParams {
    /// The App's name.
    pub app_name: String,
    /// The device token in any accepted spelling; sent canonical.
    pub token: String,
    /// `APN` or `FCM`.
    pub provider: Provider,
    /// Omitted: Twilio creates a new User.
    pub user_id: Option<String>,
}

/// Params of `listDeviceRegistrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDeviceRegistrationsParams {
    /// The User's ID.
    pub user_id: String,
    /// The App's name.
    pub app_name: Option<String>,
    /// Paging.
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
    /// The bulk operation's ID.
    pub operation_id: Option<String>,
    /// Only items in this status.
    pub status: Option<NotificationStatus>,
    /// Only notifications with these tags.
    pub tags: Option<TagFilter>,
    /// Only items created in this range.
    pub dates: DateRange,
    /// A User ID.
    pub user: Option<String>,
    /// `APN` or `FCM`.
    pub provider: Option<Provider>,
    /// Paging.
    pub page: Page,
}

/// Params of `listOperations`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOperationsParams {
    /// Only items in this status.
    pub status: Option<OperationStatus>,
    /// Only items created in this range.
    pub dates: DateRange,
    /// Paging.
    pub page: Page,
}

/// Params of `listOperationErrors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOperationErrorsParams {
    /// The bulk operation's ID.
    pub operation_id: String,
    /// Paging.
    pub page: Page,
}

/// Params of `listCredentials`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCredentialsParams {
    /// The App's name.
    pub app_name: Option<String>,
    /// `APN`, `APN_SANDBOX` or `FCM`.
    pub credential_type: Option<CredentialType>,
    /// Whether this is (or becomes) the default.
    pub is_default: Option<bool>,
    /// Only items created in this range.
    pub dates: DateRange,
    /// Paging.
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
        /// Base64 of the PEM certificate.
        certificate: String,
        /// Base64 of the PEM private key.
        private_key: String,
    },
    /// `FCM`: base64 of the whole service-account JSON file.
    Fcm {
        /// Base64 of the service-account JSON file.
        private_key: String,
    },
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
    /// `APN`, `APN_SANDBOX` or `FCM`.
    pub credential_type: CredentialType,
    /// The secret, matching the type.
    pub content: CredentialContent,
    /// Unknown names create the App.
    pub app_name: String,
    /// Whether this is (or becomes) the default.
    pub is_default: Option<bool>,
}

/// Params of `updateCredential`: at least one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateCredentialParams {
    /// The credential's ID.
    pub credential_id: String,
    /// Whether this is (or becomes) the default.
    pub is_default: Option<bool>,
    /// Seen only in one preview example; passed through with the usual tag limits.
    pub tags: Option<Tags>,
}

/// Params of `listApps`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListAppsParams {
    /// Whether this is (or becomes) the default.
    pub is_default: Option<bool>,
    /// Only items created in this range.
    pub dates: DateRange,
    /// Paging.
    pub page: Page,
}

/// Params of `updateApp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateAppParams {
    /// The App's name.
    pub app_name: String,
    /// Whether this is (or becomes) the default.
    pub is_default: bool,
}

/// Params of `listUsers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListUsersParams {
    /// Paging.
    pub page: Page,
}
