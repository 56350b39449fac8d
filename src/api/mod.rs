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

use core::fmt;

pub use config::{ApiConfig, Auth, DEFAULT_BASE_URL};
pub use error::ApiError;
pub use operation::{OperationSpec, OPERATIONS};
pub(crate) use request::{assemble, by_id, to_json};
pub use request::{authorization, build_request, build_request_named, HttpRequest};
pub use response::{parse_response, parse_response_at, ApiResult};

/// One operation of the Push Notifications API.
///
/// `ListOperationErrors` (`GET /PushNotifications/Operations/{operationId}/Errors`) is referenced
/// by Twilio's docs but never documented; it is built like the other lists (paging only) and its
/// collection key is read leniently (see [`response`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `POST /PushNotifications`: send one notification to up to 10,000 recipients.
    SendPush,
    /// `GET /PushNotifications`: notifications sent, filtered and paged.
    ListPushNotifications,
    /// `GET /PushNotifications/{pushNotificationId}`: one notification.
    FetchPushNotification,
    /// `GET /PushNotifications/Operations`: the bulk operations, paged.
    ListOperations,
    /// `GET /PushNotifications/Operations/{operationId}`: one bulk operation and its progress.
    FetchOperation,
    /// `GET /PushNotifications/Operations/{operationId}/Errors`: a bulk operation's failures.
    ListOperationErrors,
    /// `GET /PushNotifications/DeviceRegistrations`: registered devices, paged.
    ListDeviceRegistrations,
    /// `POST /PushNotifications/DeviceRegistrations`: register one device token.
    RegisterDevice,
    /// `GET /PushNotifications/DeviceRegistrations/{deviceRegistrationId}`: one registration.
    GetDeviceRegistration,
    /// `DELETE /PushNotifications/DeviceRegistrations/{deviceRegistrationId}`.
    DeleteDeviceRegistration,
    /// `GET /PushNotifications/Credentials`: the APNs/FCM credentials, paged.
    ListCredentials,
    /// `POST /PushNotifications/Credentials`: upload an APNs or FCM credential.
    CreateCredential,
    /// `GET /PushNotifications/Credentials/{credentialId}`: one credential (never its secret).
    FetchCredential,
    /// `PATCH /PushNotifications/Credentials/{credentialId}`: a credential's `isDefault` and tags.
    UpdateCredential,
    /// `DELETE /PushNotifications/Credentials/{credentialId}`.
    DeleteCredential,
    /// `GET /PushNotifications/Apps`: the apps, paged.
    ListApps,
    /// `GET /PushNotifications/Apps/{appName}`: one app.
    FetchApp,
    /// `PATCH /PushNotifications/Apps/{appName}`: make an app the default.
    UpdateApp,
    /// `GET /PushNotifications/Users`: the users, paged.
    ListUsers,
    /// `GET /PushNotifications/Users/{userId}`: one user.
    FetchUser,
    /// `DELETE /PushNotifications/Users/{userId}`.
    DeleteUser,
}

/// What kind of answer an operation gets, which decides how its response is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// `202 { operationId, operationLocation }`.
    Send,
    /// `{ resourceId, resourceLocation }`.
    Write,
    /// One resource object.
    Fetch,
    /// A page: a collection array and `pagination`.
    List,
}

/// Every param and nested field name the builders read (the top-level ones of
/// [`Operation::params`], and those inside recipients, content, `from`, `schedule` and
/// credential content): for tools and tests that generate params.
pub const FIELD_NAMES: &[&str] = &[
    "to",
    "content",
    "from",
    "priority",
    "sound",
    "tags",
    "schedule",
    "sendAt",
    "token",
    "provider",
    "userId",
    "title",
    "body",
    "apn",
    "fcm",
    "appName",
    "operationId",
    "status",
    "startDate",
    "endDate",
    "user",
    "pageToken",
    "pageSize",
    "pushNotificationId",
    "deviceRegistrationId",
    "credentialId",
    "credentialType",
    "isDefault",
    "certificate",
    "privateKey",
];

impl Operation {
    /// Every operation, in the order of the reference.
    pub const ALL: [Operation; 21] = [
        Operation::SendPush,
        Operation::ListPushNotifications,
        Operation::FetchPushNotification,
        Operation::ListOperations,
        Operation::FetchOperation,
        Operation::ListOperationErrors,
        Operation::ListDeviceRegistrations,
        Operation::RegisterDevice,
        Operation::GetDeviceRegistration,
        Operation::DeleteDeviceRegistration,
        Operation::ListCredentials,
        Operation::CreateCredential,
        Operation::FetchCredential,
        Operation::UpdateCredential,
        Operation::DeleteCredential,
        Operation::ListApps,
        Operation::FetchApp,
        Operation::UpdateApp,
        Operation::ListUsers,
        Operation::FetchUser,
        Operation::DeleteUser,
    ];

    /// Its row of [`OPERATIONS`].
    pub fn spec(self) -> &'static OperationSpec {
        &OPERATIONS[self as usize]
    }

    /// The camelCase name used in JS, e.g. `"sendPush"`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The operation called `name` (exact, case-sensitive).
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        self.spec().method
    }

    /// How the response is read.
    pub fn kind(self) -> OperationKind {
        self.spec().kind
    }

    /// Whether repeating the request after a failure is harmless, so a client may retry it.
    ///
    /// Reads and deletes are idempotent. Registering a device is too: a registration is keyed by
    /// user, app, token and provider, so registering the same device twice leaves one device.
    /// `sendPush` is never retryable: the API has no idempotency key, so a request that timed out
    /// may have been accepted, and a duplicate push is worse than a reported failure. Creating a
    /// credential could create two, and updates of credentials and apps are left to the caller.
    pub fn is_retryable(self) -> bool {
        use Operation::*;
        match self {
            SendPush | CreateCredential | UpdateCredential | UpdateApp => false,
            RegisterDevice => true,
            _ => matches!(self.method(), "GET" | "DELETE"),
        }
    }

    /// The params an operation reads (top-level keys); any other key is a `VALIDATION_ERROR`.
    /// One table for the builders, the fuzzer and the property tests.
    pub fn params(self) -> &'static [&'static str] {
        self.spec().params
    }

    /// For an operation on one resource by ID: the params key of the ID and the path before it.
    fn item(self) -> (&'static str, &'static str) {
        let spec = self.spec();
        (spec.id_param.unwrap_or(""), spec.path_prefix())
    }

    /// The collection keys a list response may use, most likely first (see [`OPERATIONS`]).
    pub fn collection_keys(self) -> &'static [&'static str] {
        self.spec().collection_keys
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
