//! The operations ([`Operation`]) and their one table: what each one is called, where it goes,
//! what it reads and how its answer is read. The builders, the response parser and the proxy's
//! router all read [`OPERATIONS`], so adding or correcting an operation is one row.

use core::fmt;

/// One operation of the Push Notifications API.
///
/// `ListOperationErrors` (`GET /PushNotifications/Operations/{operationId}/Errors`) is referenced
/// by Twilio's docs but never documented; it is built like the other lists (paging only) and its
/// collection key is read leniently (see [`response`](super::response)).
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
    /// The `retryable` column of [`OPERATIONS`].
    pub fn is_retryable(self) -> bool {
        self.spec().retryable
    }

    /// The params an operation reads (top-level keys); any other key is a `VALIDATION_ERROR`.
    /// One table for the builders, the fuzzer and the property tests.
    pub fn params(self) -> &'static [&'static str] {
        self.spec().params
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

/// One row of [`OPERATIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// The operation this row describes.
    pub operation: Operation,
    /// The camelCase name used in JS, e.g. `"sendPush"`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path below the base URL, with at most one `{param}` segment, e.g.
    /// `/PushNotifications/Credentials/{credentialId}`.
    pub path: &'static str,
    /// The params key the `{param}` segment of `path` is read from, if it has one.
    pub id_param: Option<&'static str>,
    /// How the response is read.
    pub kind: OperationKind,
    /// Whether a client may send the request again after a failure (see
    /// [`Operation::is_retryable`]): reads, deletes and `registerDevice`.
    pub retryable: bool,
    /// The params it reads (top-level keys); any other key is a `VALIDATION_ERROR`.
    pub params: &'static [&'static str],
    /// For lists, the keys the items may come under, most likely first.
    pub collection_keys: &'static [&'static str],
}

impl OperationSpec {
    /// The path around its `{param}` segment: what comes before it and what comes after (the
    /// whole path and `""` when there is none).
    pub(crate) fn path_parts(&self) -> (&'static str, &'static str) {
        match (self.path.find('{'), self.path.find('}')) {
            (Some(open), Some(close)) => (&self.path[..open], &self.path[close + 1..]),
            _ => (self.path, ""),
        }
    }

    /// The params it reads from the URL's query: a list's params but the one in its path. The
    /// other operations take none (their params are in the path or the body). The proxy reads a
    /// proxied URL's query with it.
    #[cfg(any(test, feature = "proxy"))]
    pub(crate) fn query_params(&self) -> impl Iterator<Item = &'static str> {
        let (list, in_path) = (self.kind == OperationKind::List, self.id_param);
        self.params
            .iter()
            .copied()
            .filter(move |p| list && Some(*p) != in_path)
    }
}

const PAGE: [&str; 2] = ["pageToken", "pageSize"];

/// The `retryable` column, spelled out: repeating the request is harmless.
const RETRY: bool = true;
/// The `retryable` column, spelled out: the request is sent once.
const ONCE: bool = false;

/// One row, positionally (the table reads as a table).
#[allow(clippy::too_many_arguments)]
const fn row(
    operation: Operation,
    name: &'static str,
    method: &'static str,
    path: &'static str,
    id_param: Option<&'static str>,
    kind: OperationKind,
    retryable: bool,
    params: &'static [&'static str],
    collection_keys: &'static [&'static str],
) -> OperationSpec {
    OperationSpec {
        operation,
        name,
        method,
        path,
        id_param,
        kind,
        retryable,
        params,
        collection_keys,
    }
}

use Operation as O;
use OperationKind::{Fetch, List, Send, Write};

/// Every operation, in the order of [`Operation::ALL`] (and of the enum, so that
/// `OPERATIONS[op as usize]` is `op`'s row).
///
/// Collection keys: push-notification lists are `notifications` in the guide (S8) while
/// `pushNotifications` follows the pattern of `operations`/`deviceRegistrations`, so both are
/// accepted. The keys of credentials, apps, users and operation errors were never shown; the
/// obvious names are expected and, failing those, the single array-valued property of the page
/// is used (see [`super::response`]).
///
/// Retry (`RETRY`/`ONCE`): reads and deletes are retried, and so is `registerDevice` (a
/// registration is keyed by what it registers); sends, creates of credentials and updates are
/// sent once (see [`Operation::is_retryable`]).
#[rustfmt::skip]
pub const OPERATIONS: [OperationSpec; 21] = [
    row(O::SendPush, "sendPush", "POST", "/PushNotifications", None, Send, ONCE,
        &["to", "content", "from", "priority", "sound", "tags", "schedule"], &[]),
    row(O::ListPushNotifications, "listPushNotifications", "GET", "/PushNotifications", None, List,
        RETRY,
        &["operationId", "status", "tags", "startDate", "endDate", "user", "provider", PAGE[0], PAGE[1]],
        &["pushNotifications", "notifications"]),
    row(O::FetchPushNotification, "fetchPushNotification", "GET",
        "/PushNotifications/{pushNotificationId}", Some("pushNotificationId"), Fetch, RETRY,
        &["pushNotificationId"], &[]),
    row(O::ListOperations, "listOperations", "GET", "/PushNotifications/Operations", None, List,
        RETRY, &["status", "startDate", "endDate", PAGE[0], PAGE[1]], &["operations"]),
    row(O::FetchOperation, "fetchOperation", "GET", "/PushNotifications/Operations/{operationId}",
        Some("operationId"), Fetch, RETRY, &["operationId"], &[]),
    row(O::ListOperationErrors, "listOperationErrors", "GET",
        "/PushNotifications/Operations/{operationId}/Errors", Some("operationId"), List, RETRY,
        &["operationId", PAGE[0], PAGE[1]], &["errors", "pushNotifications", "notifications"]),
    row(O::ListDeviceRegistrations, "listDeviceRegistrations", "GET",
        "/PushNotifications/DeviceRegistrations", None, List, RETRY,
        &["userId", "appName", PAGE[0], PAGE[1]], &["deviceRegistrations"]),
    row(O::RegisterDevice, "registerDevice", "POST", "/PushNotifications/DeviceRegistrations", None,
        Write, RETRY, &["appName", "token", "provider", "userId"], &[]),
    row(O::GetDeviceRegistration, "getDeviceRegistration", "GET",
        "/PushNotifications/DeviceRegistrations/{deviceRegistrationId}", Some("deviceRegistrationId"),
        Fetch, RETRY, &["deviceRegistrationId"], &[]),
    row(O::DeleteDeviceRegistration, "deleteDeviceRegistration", "DELETE",
        "/PushNotifications/DeviceRegistrations/{deviceRegistrationId}", Some("deviceRegistrationId"),
        Write, RETRY, &["deviceRegistrationId"], &[]),
    row(O::ListCredentials, "listCredentials", "GET", "/PushNotifications/Credentials", None, List,
        RETRY,
        &["appName", "credentialType", "isDefault", "startDate", "endDate", PAGE[0], PAGE[1]],
        &["credentials"]),
    row(O::CreateCredential, "createCredential", "POST", "/PushNotifications/Credentials", None,
        Write, ONCE, &["credentialType", "content", "appName", "isDefault"], &[]),
    row(O::FetchCredential, "fetchCredential", "GET", "/PushNotifications/Credentials/{credentialId}",
        Some("credentialId"), Fetch, RETRY, &["credentialId"], &[]),
    row(O::UpdateCredential, "updateCredential", "PATCH",
        "/PushNotifications/Credentials/{credentialId}", Some("credentialId"), Write, ONCE,
        &["credentialId", "isDefault", "tags"], &[]),
    row(O::DeleteCredential, "deleteCredential", "DELETE",
        "/PushNotifications/Credentials/{credentialId}", Some("credentialId"), Write, RETRY,
        &["credentialId"], &[]),
    row(O::ListApps, "listApps", "GET", "/PushNotifications/Apps", None, List, RETRY,
        &["isDefault", "startDate", "endDate", PAGE[0], PAGE[1]], &["apps"]),
    row(O::FetchApp, "fetchApp", "GET", "/PushNotifications/Apps/{appName}", Some("appName"), Fetch,
        RETRY, &["appName"], &[]),
    row(O::UpdateApp, "updateApp", "PATCH", "/PushNotifications/Apps/{appName}", Some("appName"),
        Write, ONCE, &["appName", "isDefault"], &[]),
    row(O::ListUsers, "listUsers", "GET", "/PushNotifications/Users", None, List, RETRY,
        &[PAGE[0], PAGE[1]], &["users"]),
    row(O::FetchUser, "fetchUser", "GET", "/PushNotifications/Users/{userId}", Some("userId"),
        Fetch, RETRY, &["userId"], &[]),
    row(O::DeleteUser, "deleteUser", "DELETE", "/PushNotifications/Users/{userId}", Some("userId"),
        Write, RETRY, &["userId"], &[]),
];

#[cfg(test)]
mod tests {
    use super::{Operation, OPERATIONS};

    /// `spec()` indexes the table by the enum's discriminant: the rows must be in enum order.
    #[test]
    fn rows_are_in_enum_order_and_consistent() {
        for (i, op) in Operation::ALL.into_iter().enumerate() {
            let spec = &OPERATIONS[i];
            assert_eq!((spec.operation, op as usize), (op, i));
            // A path with a `{param}` names it, and the operation reads it.
            match spec.id_param {
                Some(id) => {
                    assert!(spec.path.contains(&format!("{{{id}}}")), "{op:?}");
                    assert!(spec.params.contains(&id), "{op:?}");
                }
                None => assert!(!spec.path.contains('{'), "{op:?}"),
            }
            assert_eq!(
                spec.collection_keys.is_empty(),
                spec.kind != super::OperationKind::List,
                "{op:?}"
            );
            // Reads and deletes are always retryable; of the others only `registerDevice` is.
            let retryable =
                matches!(spec.method, "GET" | "DELETE") || op == Operation::RegisterDevice;
            assert_eq!(spec.retryable, retryable, "{op:?}");
        }
    }

    /// Params every builder accepts: the ID in the path (`id_1`), the required ones, and one
    /// value for each query parameter of a list.
    fn sample_params(op: Operation) -> serde_json::Value {
        use serde_json::json;
        use Operation::*;
        let spec = op.spec();
        let mut params = match op {
            SendPush => json!({ "to": [{ "userId": "u1" }], "content": { "title": "t" } }),
            RegisterDevice => json!({
                "appName": "app", "provider": "FCM",
                "token": "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh",
            }),
            CreateCredential => {
                let content = crate::api::credential_content::apn_content(
                    "-----BEGIN CERTIFICATE-----\nMIIFnTCCBIWgAwIBAgIIAjy9H849+E8w\n-----END CERTIFICATE-----\n",
                    "-----BEGIN PRIVATE KEY-----\nMIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNy\n-----END PRIVATE KEY-----\n",
                )
                .unwrap();
                json!({ "credentialType": "APN", "content": content, "appName": "app" })
            }
            UpdateCredential | UpdateApp => json!({ "isDefault": true }),
            _ => json!({}),
        };
        let map = params.as_object_mut().unwrap();
        if let Some(id) = spec.id_param {
            map.insert(id.into(), json!("id_1"));
        }
        for name in spec.query_params() {
            let value = match name {
                "pageSize" => json!(10),
                "isDefault" => json!(true),
                "tags" => json!({ "k": "v" }),
                "startDate" | "endDate" => json!("2024-01-15T09:30:00Z"),
                "status" if op == ListOperations => json!("COMPLETED"),
                "status" => json!("SENT"),
                "provider" => json!("APN"),
                "credentialType" => json!("FCM"),
                "appName" => json!("app"),
                _ => json!("x1"),
            };
            map.insert(name.into(), value);
        }
        params
    }

    /// The table is the one source: every row's method and path template is what the builder
    /// sends (the ID in place of `{param}`, the query made of exactly the list's query params),
    /// the proxy's router reads that path back as the same operation, and every collection key
    /// of a list is where the parser finds the items.
    #[test]
    fn every_row_is_what_builders_router_and_parser_read() {
        let config = crate::api::ApiConfig::default();
        for spec in &OPERATIONS {
            let op = spec.operation;
            let request = crate::api::build_request(op, &sample_params(op), &config)
                .unwrap_or_else(|e| panic!("{op:?}: {e}"));
            assert_eq!(request.method, spec.method, "{op:?}");
            let path = match spec.id_param {
                Some(id) => spec.path.replace(&format!("{{{id}}}"), "id_1"),
                None => spec.path.to_string(),
            };
            let url = request
                .url
                .strip_prefix(crate::api::DEFAULT_BASE_URL)
                .unwrap();
            let (url_path, query) = url.split_once('?').unwrap_or((url, ""));
            assert_eq!(url_path, path, "{op:?}");
            let mut sent: Vec<&str> = query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| pair.split('=').next().unwrap())
                .collect();
            let mut expected: Vec<&str> = spec.query_params().collect();
            expected.sort_unstable();
            sent.sort_unstable();
            assert_eq!(sent, expected, "{op:?}: {url}");

            #[cfg(feature = "proxy")]
            match crate::proxy::route(spec.method, &path) {
                crate::proxy::Route::Matched(m) => {
                    assert_eq!(m.operation, op, "{path}");
                    let param = spec.id_param.map(|id| (id, "id_1".to_string()));
                    assert_eq!(m.path_param, param, "{path}");
                }
                other => panic!("{op:?}: {path} routes to {other:?}"),
            }

            for key in spec.collection_keys {
                // A second array beside the collection: only the table's key can pick the items.
                let body = format!(
                    r#"{{"other":[],"{key}":[{{"id":"a"}}],"pagination":{{"next":null,"self":null}}}}"#
                );
                match crate::api::parse_response(op, 200, &[], &body) {
                    Ok(crate::api::ApiResult::Page(page)) => {
                        assert_eq!((page.collection.as_str(), page.items.len()), (*key, 1))
                    }
                    other => panic!("{op:?} {key}: {other:?}"),
                }
            }
        }
    }
}
