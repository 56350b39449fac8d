//! The one table of operations: what each one is called, where it goes, what it reads and how
//! its answer is read. The builders, the response parser and the proxy's router all read
//! [`OPERATIONS`], so adding or correcting an operation is one row.

use super::{Operation, OperationKind};

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
    /// The params it reads (top-level keys); any other key is a `VALIDATION_ERROR`.
    pub params: &'static [&'static str],
    /// For lists, the keys the items may come under, most likely first.
    pub collection_keys: &'static [&'static str],
}

impl OperationSpec {
    /// The path before the `{param}` segment (the whole path when there is none).
    pub(crate) fn path_prefix(&self) -> &'static str {
        match self.path.find('{') {
            Some(i) => &self.path[..i],
            None => self.path,
        }
    }
}

const PAGE: [&str; 2] = ["pageToken", "pageSize"];

/// One row, positionally (the table reads as a table).
#[allow(clippy::too_many_arguments)]
const fn row(
    operation: Operation,
    name: &'static str,
    method: &'static str,
    path: &'static str,
    id_param: Option<&'static str>,
    kind: OperationKind,
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
#[rustfmt::skip]
pub const OPERATIONS: [OperationSpec; 21] = [
    row(O::SendPush, "sendPush", "POST", "/PushNotifications", None, Send,
        &["to", "content", "from", "priority", "sound", "tags", "schedule"], &[]),
    row(O::ListPushNotifications, "listPushNotifications", "GET", "/PushNotifications", None, List,
        &["operationId", "status", "tags", "startDate", "endDate", "user", "provider", PAGE[0], PAGE[1]],
        &["pushNotifications", "notifications"]),
    row(O::FetchPushNotification, "fetchPushNotification", "GET",
        "/PushNotifications/{pushNotificationId}", Some("pushNotificationId"), Fetch,
        &["pushNotificationId"], &[]),
    row(O::ListOperations, "listOperations", "GET", "/PushNotifications/Operations", None, List,
        &["status", "startDate", "endDate", PAGE[0], PAGE[1]], &["operations"]),
    row(O::FetchOperation, "fetchOperation", "GET", "/PushNotifications/Operations/{operationId}",
        Some("operationId"), Fetch, &["operationId"], &[]),
    row(O::ListOperationErrors, "listOperationErrors", "GET",
        "/PushNotifications/Operations/{operationId}/Errors", Some("operationId"), List,
        &["operationId", PAGE[0], PAGE[1]], &["errors", "pushNotifications", "notifications"]),
    row(O::ListDeviceRegistrations, "listDeviceRegistrations", "GET",
        "/PushNotifications/DeviceRegistrations", None, List,
        &["userId", "appName", PAGE[0], PAGE[1]], &["deviceRegistrations"]),
    row(O::RegisterDevice, "registerDevice", "POST", "/PushNotifications/DeviceRegistrations", None,
        Write, &["appName", "token", "provider", "userId"], &[]),
    row(O::GetDeviceRegistration, "getDeviceRegistration", "GET",
        "/PushNotifications/DeviceRegistrations/{deviceRegistrationId}", Some("deviceRegistrationId"),
        Fetch, &["deviceRegistrationId"], &[]),
    row(O::DeleteDeviceRegistration, "deleteDeviceRegistration", "DELETE",
        "/PushNotifications/DeviceRegistrations/{deviceRegistrationId}", Some("deviceRegistrationId"),
        Write, &["deviceRegistrationId"], &[]),
    row(O::ListCredentials, "listCredentials", "GET", "/PushNotifications/Credentials", None, List,
        &["appName", "credentialType", "isDefault", "startDate", "endDate", PAGE[0], PAGE[1]],
        &["credentials"]),
    row(O::CreateCredential, "createCredential", "POST", "/PushNotifications/Credentials", None,
        Write, &["credentialType", "content", "appName", "isDefault"], &[]),
    row(O::FetchCredential, "fetchCredential", "GET", "/PushNotifications/Credentials/{credentialId}",
        Some("credentialId"), Fetch, &["credentialId"], &[]),
    row(O::UpdateCredential, "updateCredential", "PATCH",
        "/PushNotifications/Credentials/{credentialId}", Some("credentialId"), Write,
        &["credentialId", "isDefault", "tags"], &[]),
    row(O::DeleteCredential, "deleteCredential", "DELETE",
        "/PushNotifications/Credentials/{credentialId}", Some("credentialId"), Write,
        &["credentialId"], &[]),
    row(O::ListApps, "listApps", "GET", "/PushNotifications/Apps", None, List,
        &["isDefault", "startDate", "endDate", PAGE[0], PAGE[1]], &["apps"]),
    row(O::FetchApp, "fetchApp", "GET", "/PushNotifications/Apps/{appName}", Some("appName"), Fetch,
        &["appName"], &[]),
    row(O::UpdateApp, "updateApp", "PATCH", "/PushNotifications/Apps/{appName}", Some("appName"),
        Write, &["appName", "isDefault"], &[]),
    row(O::ListUsers, "listUsers", "GET", "/PushNotifications/Users", None, List,
        &[PAGE[0], PAGE[1]], &["users"]),
    row(O::FetchUser, "fetchUser", "GET", "/PushNotifications/Users/{userId}", Some("userId"), Fetch,
        &["userId"], &[]),
    row(O::DeleteUser, "deleteUser", "DELETE", "/PushNotifications/Users/{userId}", Some("userId"),
        Write, &["userId"], &[]),
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
        }
    }
}
