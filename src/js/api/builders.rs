//! The request builders: one JS export per operation, and `buildRequest` by name.

use wasm_bindgen::prelude::*;

use super::convert::{api_error_to_js, config_arg, json_arg, request_to_js};
use crate::api::{self, ApiError, HttpRequest, Operation};

fn build(op: Operation, params: &JsValue, config: &JsValue) -> Result<JsValue, JsValue> {
    let run = || -> Result<HttpRequest, ApiError> {
        let config = config_arg(config)?;
        let params = json_arg(params, "params")?;
        api::build_request(op, &params, &config)
    };
    run()
        .map(|r| request_to_js(&r))
        .map_err(|e| api_error_to_js(&e, None))
}

macro_rules! builders {
    ($($js:ident $rust:ident $op:ident;)*) => {$(
        #[doc = concat!("Builds the request of `", stringify!($op), "`; throws a coded `Error` when params are invalid.")]
        #[wasm_bindgen(js_name = $js, skip_typescript)]
        pub fn $rust(params: JsValue, config: JsValue) -> Result<JsValue, JsValue> {
            build(Operation::$op, &params, &config)
        }
    )*};
}

builders! {
    buildSendPushRequest build_send_push_request SendPush;
    buildListPushNotificationsRequest build_list_push_notifications_request ListPushNotifications;
    buildFetchPushNotificationRequest build_fetch_push_notification_request FetchPushNotification;
    buildListOperationsRequest build_list_operations_request ListOperations;
    buildFetchOperationRequest build_fetch_operation_request FetchOperation;
    buildListOperationErrorsRequest build_list_operation_errors_request ListOperationErrors;
    buildListDeviceRegistrationsRequest build_list_device_registrations_request ListDeviceRegistrations;
    buildRegisterDeviceRequest build_register_device_request RegisterDevice;
    buildGetDeviceRegistrationRequest build_get_device_registration_request GetDeviceRegistration;
    buildDeleteDeviceRegistrationRequest build_delete_device_registration_request DeleteDeviceRegistration;
    buildListCredentialsRequest build_list_credentials_request ListCredentials;
    buildCreateCredentialRequest build_create_credential_request CreateCredential;
    buildFetchCredentialRequest build_fetch_credential_request FetchCredential;
    buildUpdateCredentialRequest build_update_credential_request UpdateCredential;
    buildDeleteCredentialRequest build_delete_credential_request DeleteCredential;
    buildListAppsRequest build_list_apps_request ListApps;
    buildFetchAppRequest build_fetch_app_request FetchApp;
    buildUpdateAppRequest build_update_app_request UpdateApp;
    buildListUsersRequest build_list_users_request ListUsers;
    buildFetchUserRequest build_fetch_user_request FetchUser;
    buildDeleteUserRequest build_delete_user_request DeleteUser;
}

/// The operation named by a JS string.
pub(crate) fn operation_arg(value: &JsValue) -> Result<Operation, ApiError> {
    match value.as_string() {
        Some(name) => Operation::from_name(&name).ok_or_else(|| ApiError::unknown_operation(&name)),
        None => Err(ApiError::InvalidArgument {
            field: "operation".into(),
            message: "operation must be an operation name such as \"sendPush\".".into(),
        }),
    }
}

/// Builds the request of any operation by name.
#[wasm_bindgen(js_name = buildRequest, skip_typescript)]
pub fn build_request(
    operation: JsValue,
    params: JsValue,
    config: JsValue,
) -> Result<JsValue, JsValue> {
    let op = operation_arg(&operation).map_err(|e| api_error_to_js(&e, None))?;
    build(op, &params, &config)
}
