//! JS bindings for the request builders, the response parser and the credential helpers.
//!
//! Params cross the boundary as JSON text (`JSON.stringify`, then `serde_json`): `Date`
//! values become ISO strings, `undefined` fields disappear, and cyclic objects or BigInts are
//! refused with an `INVALID_ARGUMENT` error instead of recursing. All checks happen in Rust
//! (`crate::api`).
//!
//! Results go back the same way: serde_json writes compact JSON text and one `JSON.parse`
//! builds the plain objects: one boundary crossing per result instead of one per property.
//! serde-wasm-bindgen for results was measured slower (by 10–45 % on pages of 1 to 1,000
//! items) and larger (+1.8 KiB gzip), and it refuses integers above 2^53 that `JSON.parse`
//! rounds (README, Performance). Small fixed-shape values (the proxy's decisions) cross with
//! serde-wasm-bindgen (see `js::to_js`).

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{coded_error, set};
use crate::api::model::CredentialContent;
use crate::api::response::ApiResult;
use crate::api::retry::is_transient;
use crate::api::{self, credential_content, ApiConfig, ApiError, HttpRequest, Operation};
use serde_json::Value;

/// A JS value as JSON. `undefined`/`null` become `Value::Null`.
///
/// The params crossing is one `JSON.stringify` and serde_json, not serde-wasm-bindgen: measured
/// side by side (README, Performance), serde-wasm-bindgen was 2.2 KiB gzip larger and slower
/// (1.1–1.8× on `buildSendPushRequest` with 1 and 1,000 recipients, no faster on a by-ID build),
/// would read a `Date` as `{}` instead of its ISO string, and would recurse on a cyclic object.
pub(crate) fn json_arg(value: &JsValue, name: &str) -> Result<Value, ApiError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let fail = || {
        ApiError::InvalidArgument {
            field: name.to_string(),
            message: [
                name,
                " must be plain data (objects, arrays, strings, numbers, booleans): it could not be converted to JSON (a cycle, a BigInt or a function?).",
            ]
            .concat(),
        }
    };
    let text = JSON::stringify(value).map_err(|_| fail())?;
    let Some(text) = text.as_string() else {
        return Ok(Value::Null);
    };
    serde_json::from_str(&text).map_err(|_| fail())
}

/// Plain JS data from JSON text that this crate wrote (so it always parses).
pub(crate) fn json_to_js(text: &str) -> Result<JsValue, JsValue> {
    JSON::parse(text)
}

/// A [`Value`] as plain JS data.
pub(crate) fn value_to_js(value: &Value) -> Result<JsValue, JsValue> {
    json_to_js(&serde_json::to_string(value).unwrap_or_default())
}

/// Reads the optional `config` argument.
pub(crate) fn config_arg(value: &JsValue) -> Result<ApiConfig, ApiError> {
    ApiConfig::from_value(&json_arg(value, "config")?, crate::api::retry::CLIENT_KEYS)
}

/// An [`ApiError`] as a JS `Error` with `code` and the fields of its kind.
pub(crate) fn api_error_to_js(e: &ApiError, attempts: Option<u32>) -> JsValue {
    let name = match e {
        ApiError::Validation { .. } => "ValidationError",
        ApiError::InvalidArgument { .. } | ApiError::UnknownOperation { .. } => "TypeError",
        _ => "ApiError",
    };
    let error = coded_error(name, e.code(), e.message());
    match e {
        ApiError::Validation {
            field, token_code, ..
        } => {
            set(&error, "field", field.as_str());
            if let Some(code) = token_code {
                set(&error, "tokenCode", *code);
            }
        }
        ApiError::InvalidArgument { field, .. } => set(&error, "field", field.as_str()),
        ApiError::UnknownOperation { name, .. } => set(&error, "operation", name.as_str()),
        ApiError::Api {
            status,
            twilio_code,
            more_info,
            retry_after,
            body,
            ..
        } => {
            set(&error, "status", f64::from(*status));
            set(
                &error,
                "twilioCode",
                twilio_code.map_or(JsValue::NULL, |c| JsValue::from_f64(c as f64)),
            );
            set(
                &error,
                "moreInfo",
                more_info
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            set(
                &error,
                "retryAfter",
                retry_after.map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64)),
            );
            if let Some(body) = body {
                if let Ok(b) = value_to_js(body) {
                    set(&error, "body", b);
                }
            }
        }
        ApiError::InvalidResponse { status, .. } => set(&error, "status", f64::from(*status)),
        ApiError::Timeout { timeout_ms, .. } => set(&error, "timeoutMs", f64::from(*timeout_ms)),
        _ => {}
    }
    if name == "ApiError" {
        set(&error, "retryable", is_transient(e));
    }
    if let Some(n) = attempts {
        set(&error, "attempts", f64::from(n));
    }
    error.into()
}

/// `{ method, url, headers: { name: value }, body: string | null }`.
pub(crate) fn request_to_js(r: &HttpRequest) -> JsValue {
    let out = Object::new();
    let headers = Object::new();
    for (k, v) in &r.headers {
        set(&headers, k, v.as_str());
    }
    set(&out, "method", r.method);
    set(&out, "url", r.url.as_str());
    set(&out, "headers", headers);
    set(
        &out,
        "body",
        r.body.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    out.into()
}

/// A result as a plain object; for pages, `items` and the collection key are the same array.
pub(crate) fn result_to_js(result: &ApiResult) -> Result<JsValue, JsValue> {
    let mut text = String::new();
    result.write_json(&mut text, false);
    let out = json_to_js(&text)?;
    if let ApiResult::Page(page) = result {
        let items = Reflect::get(&out, &JsValue::from_str("items"))?;
        if !matches!(
            page.collection.as_str(),
            "items" | "collection" | "pagination" | "nextPageToken"
        ) {
            set(&out, &page.collection, items);
        }
    }
    Ok(out)
}

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

fn header_pairs(headers: &JsValue) -> Result<Vec<(String, String)>, ApiError> {
    let bad = || ApiError::InvalidArgument {
        field: "headers".into(),
        message:
            "headers must be a Headers object, a { name: value } object or [name, value] pairs."
                .into(),
    };
    if headers.is_undefined() || headers.is_null() {
        return Ok(Vec::new());
    }
    if headers.is_string() || !headers.is_object() {
        return Err(bad());
    }
    let mut out = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(headers) {
        for entry in iter {
            let entry = entry.map_err(|_| bad())?;
            let pair = entry.dyn_into::<Array>().map_err(|_| bad())?;
            match (pair.get(0).as_string(), pair.get(1).as_string()) {
                (Some(k), Some(v)) => out.push((k, v)),
                _ => return Err(bad()),
            }
        }
        return Ok(out);
    }
    let object: &Object = headers.unchecked_ref();
    for entry in Object::entries(object).iter() {
        let pair: Array = entry.unchecked_into();
        let Some(k) = pair.get(0).as_string() else {
            return Err(bad());
        };
        let value = pair.get(1);
        if let Some(v) = value.as_string() {
            out.push((k, v));
        } else if value.as_f64().is_some() {
            // JS's own number-to-string, as `Headers` would make of it (no float formatting
            // code in the wasm binary).
            let text = value
                .unchecked_ref::<js_sys::Number>()
                .to_string_with_radix(10)
                .map_err(|_| bad())?;
            out.push((k, String::from(text)));
        } else if !(value.is_undefined() || value.is_null()) {
            return Err(bad());
        }
    }
    Ok(out)
}

/// Reads a response: the typed result, or throws `ApiError` (`API_ERROR`, `INVALID_RESPONSE`).
#[wasm_bindgen(js_name = parseResponse, skip_typescript)]
pub fn parse_response(
    operation: JsValue,
    status: JsValue,
    headers: JsValue,
    body_text: JsValue,
) -> Result<JsValue, JsValue> {
    let run = || -> Result<ApiResult, ApiError> {
        let op = operation_arg(&operation)?;
        let status = status
            .as_f64()
            .filter(|s| s.fract() == 0.0 && (0.0..=999.0).contains(s))
            .ok_or_else(|| ApiError::InvalidArgument {
                field: "status".into(),
                message: "status must be an HTTP status code (an integer from 0 to 999).".into(),
            })? as u16;
        let headers = header_pairs(&headers)?;
        let body = if body_text.is_undefined() || body_text.is_null() {
            String::new()
        } else {
            body_text
                .as_string()
                .ok_or_else(|| ApiError::InvalidArgument {
                    field: "bodyText".into(),
                    message:
                        "bodyText must be the response body as a string (await response.text())."
                            .into(),
                })?
        };
        api::parse_response(op, status, &headers, &body)
    };
    match run() {
        Ok(result) => result_to_js(&result),
        Err(e) => Err(api_error_to_js(&e, None)),
    }
}

fn content_to_js(content: &CredentialContent) -> Result<JsValue, JsValue> {
    super::to_js(content)
}

fn string_arg(value: &JsValue, field: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        api_error_to_js(
            &ApiError::InvalidArgument {
                field: field.to_string(),
                message: [field, " must be a string (the file's text)."].concat(),
            },
            None,
        )
    })
}

/// `{ certificate, privateKey }` for an APN credential, each base64 of the PEM text.
#[wasm_bindgen(js_name = apnCredentialContent, skip_typescript)]
pub fn apn_credential_content(
    certificate_pem: JsValue,
    private_key_pem: JsValue,
) -> Result<JsValue, JsValue> {
    let cert = string_arg(&certificate_pem, "certificatePem")?;
    let key = string_arg(&private_key_pem, "privateKeyPem")?;
    let content =
        credential_content::apn_content(&cert, &key).map_err(|e| api_error_to_js(&e, None))?;
    content_to_js(&content)
}

/// `{ privateKey }` for an FCM credential: base64 of the whole service-account JSON.
#[wasm_bindgen(js_name = fcmCredentialContent, skip_typescript)]
pub fn fcm_credential_content(service_account_json: JsValue) -> Result<JsValue, JsValue> {
    let json = string_arg(&service_account_json, "serviceAccountJson")?;
    let content = credential_content::fcm_content(&json).map_err(|e| api_error_to_js(&e, None))?;
    content_to_js(&content)
}

#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &'static str = r#"
/** Every operation of the Twilio Push Notifications API, by its JS name. */
export type OperationName =
  | "sendPush" | "listPushNotifications" | "fetchPushNotification"
  | "listOperations" | "fetchOperation" | "listOperationErrors"
  | "listDeviceRegistrations" | "registerDevice" | "getDeviceRegistration" | "deleteDeviceRegistration"
  | "listCredentials" | "createCredential" | "fetchCredential" | "updateCredential" | "deleteCredential"
  | "listApps" | "fetchApp" | "updateApp"
  | "listUsers" | "fetchUser" | "deleteUser";

/** JSON data as the API sends it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** HTTP Basic auth: Account SID + Auth Token, or API Key SID + API Key Secret. */
export interface BasicAuth {
  username: string;
  password: string;
}

/** `Authorization: Bearer <token>` (e.g. for the edge proxy). */
export interface BearerAuth {
  bearer: string;
}

/** Where requests go and how they authenticate. */
export interface ApiConfig {
  /**
   * Default "https://comms.twilio.com/v1". An absolute http(s) URL, or a path such as
   * "/api/v1" for same-origin use through the proxy (URLs are then path-absolute).
   */
  baseUrl?: string;
  auth?: BasicAuth | BearerAuth;
}

/** A request ready for `fetch(url, { method, headers, body })`. */
export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  /** `Accept` always; `Content-Type` when there is a body; `Authorization` when auth is set. */
  headers: Record<string, string>;
  /** Compact JSON, or null for GET and DELETE. */
  body: string | null;
}

export type Priority = "HIGH" | "LOW";
export type NotificationStatus = "SCHEDULED" | "QUEUED" | "SENT" | "FAILED" | "CANCELED";
export type OperationStatus = "SCHEDULED" | "PROCESSING" | "COMPLETED" | "CANCELED";
export type CredentialType = "APN" | "APN_SANDBOX" | "FCM";
/** At most 10 tags; keys 1–128 characters, values at most 256. */
export type Tags = Record<string, string>;
/** An ISO 8601 date-time with a time zone (e.g. "2024-01-15T09:30:00Z"), or a Date. */
export type DateTimeInput = string | Date;

/** A device. APNs tokens in any accepted form are sent as lowercase hex. */
export interface DeviceRecipient {
  token: string;
  provider: Provider;
}

/** Every device registered to this User under the sending App. */
export interface UserRecipient {
  userId: string;
}

export type Recipient = DeviceRecipient | UserRecipient;

/** At least one of `title` and `body` must be non-blank. */
export interface PushContent {
  title?: string | null;
  body?: string | null;
}

/** Credential IDs per provider. */
export interface CredentialSender {
  apn?: string | null;
  fcm?: string | null;
}

/** An App by name: its default credentials. */
export interface AppSender {
  appName: string;
}

/**
 * When to send: date-times that are intersected (the Comms scheduling shape; without a time
 * zone a value is localized per recipient). Passed through as given.
 */
export interface PushSchedule {
  sendAt: string[];
}

export interface SendPushParams {
  /** 1 to 10,000 recipients (use `PushClient.sendPushInBatches` for more). */
  to: Recipient[];
  content: PushContent;
  /** Omitted: the account's default App. */
  from?: CredentialSender | AppSender | null;
  /** Default "HIGH". */
  priority?: Priority | null;
  sound?: string | null;
  tags?: Tags | null;
  schedule?: PushSchedule | null;
}

export interface PageParams {
  /** `nextPageToken` of the previous page. */
  pageToken?: string | null;
  /** 1–1000 (the API's default is 50). */
  pageSize?: number | null;
}

export interface DateRangeParams {
  startDate?: DateTimeInput | null;
  endDate?: DateTimeInput | null;
}

export interface ListPushNotificationsParams extends PageParams, DateRangeParams {
  operationId?: string | null;
  status?: NotificationStatus | null;
  /** `{ key: value }` (sent as "key:value;" pairs) or the "key_1:value;key_2:value;" string. */
  tags?: Tags | string | null;
  /** A User ID. */
  user?: string | null;
  provider?: Provider | null;
}

export interface FetchPushNotificationParams {
  pushNotificationId: string;
}

export interface ListOperationsParams extends PageParams, DateRangeParams {
  status?: OperationStatus | null;
}

export interface FetchOperationParams {
  operationId: string;
}

export interface ListOperationErrorsParams extends PageParams {
  operationId: string;
}

export interface ListDeviceRegistrationsParams extends PageParams {
  userId: string;
  appName?: string | null;
}

export interface RegisterDeviceParams {
  /** `^[a-z0-9_]+$`, 1–64 characters; the App must exist. */
  appName: string;
  token: string;
  provider: Provider;
  /** Omitted: a new User is created. */
  userId?: string | null;
}

export interface DeviceRegistrationIdParams {
  deviceRegistrationId: string;
}

export interface ListCredentialsParams extends PageParams, DateRangeParams {
  appName?: string | null;
  credentialType?: CredentialType | null;
  isDefault?: boolean | null;
}

/** Base64 of the PEM certificate and of the PEM private key (see `apnCredentialContent`). */
export interface ApnCredentialContent {
  certificate: string;
  privateKey: string;
}

/** Base64 of the whole service-account JSON file (see `fcmCredentialContent`). */
export interface FcmCredentialContent {
  privateKey: string;
}

export type CreateCredentialParams =
  | { credentialType: "APN" | "APN_SANDBOX"; content: ApnCredentialContent; appName: string; isDefault?: boolean | null }
  | { credentialType: "FCM"; content: FcmCredentialContent; appName: string; isDefault?: boolean | null };

export interface CredentialIdParams {
  credentialId: string;
}

/** At least one of `isDefault` and `tags`. */
export interface UpdateCredentialParams {
  credentialId: string;
  isDefault?: boolean | null;
  tags?: Tags | null;
}

export interface ListAppsParams extends PageParams, DateRangeParams {
  isDefault?: boolean | null;
}

export interface AppNameParams {
  appName: string;
}

export interface UpdateAppParams {
  appName: string;
  isDefault: boolean;
}

export interface ListUsersParams extends PageParams {}

export interface UserIdParams {
  userId: string;
}

/** A send was accepted: follow it with `fetchOperation`. */
export interface OperationAccepted {
  operationId: string;
  operationLocation: string | null;
}

/** What a create returned. */
export interface CreatedResource {
  resourceId: string;
  resourceLocation: string | null;
}

/** What an update or delete returned (`null` when the API sent no body). */
export interface ChangedResource {
  resourceId: string | null;
  resourceLocation: string | null;
}

export interface Pagination {
  /** A page token or a URL; null on the last page. */
  next: string | null;
  self: string | null;
}

/** One page. `items` is also available under the collection's own key (same array). */
export interface ListPage<T> {
  items: T[];
  /** The key the items came under, e.g. "deviceRegistrations". */
  collection: string;
  pagination: Pagination;
  /** Pass as `pageToken` for the next page; null when there is none. */
  nextPageToken: string | null;
}

export interface PushNotificationRecord {
  id: string;
  to: DeviceRecipient | DeviceRecipient[];
  from?: CredentialSender | AppSender;
  status: NotificationStatus;
  content?: PushContent;
  priority?: Priority;
  sound?: string | null;
  tags?: Tags;
  createdAt: string;
  updatedAt: string;
  /** Fields not listed here are kept as sent. */
  [field: string]: unknown;
}

export interface OperationRecord {
  id: string;
  status: OperationStatus;
  /** total, recipients, unaddressable, scheduled, queued, sent, failed, canceled, … */
  stats: Record<string, number>;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface DeviceRegistrationRecord {
  id: string;
  appName: string;
  userId: string;
  devices: { token: string; provider?: Provider; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface CredentialRecord {
  id: string;
  credentialType: CredentialType;
  isDefault: boolean;
  appName: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface AppRecord {
  name: string;
  isDefault: boolean;
  defaultCredentials: unknown[];
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface UserRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  [field: string]: unknown;
}

export type PushNotificationPage = ListPage<PushNotificationRecord> & {
  pushNotifications?: PushNotificationRecord[];
  notifications?: PushNotificationRecord[];
};
export type OperationPage = ListPage<OperationRecord> & { operations?: OperationRecord[] };
export type OperationErrorPage = ListPage<PushNotificationRecord> & { errors?: PushNotificationRecord[] };
export type DeviceRegistrationPage = ListPage<DeviceRegistrationRecord> & { deviceRegistrations?: DeviceRegistrationRecord[] };
export type CredentialPage = ListPage<CredentialRecord> & { credentials?: CredentialRecord[] };
export type AppPage = ListPage<AppRecord> & { apps?: AppRecord[] };
export type UserPage = ListPage<UserRecord> & { users?: UserRecord[] };

/** The params of each operation. */
export interface OperationParams {
  sendPush: SendPushParams;
  listPushNotifications: ListPushNotificationsParams;
  fetchPushNotification: FetchPushNotificationParams;
  listOperations: ListOperationsParams;
  fetchOperation: FetchOperationParams;
  listOperationErrors: ListOperationErrorsParams;
  listDeviceRegistrations: ListDeviceRegistrationsParams;
  registerDevice: RegisterDeviceParams;
  getDeviceRegistration: DeviceRegistrationIdParams;
  deleteDeviceRegistration: DeviceRegistrationIdParams;
  listCredentials: ListCredentialsParams;
  createCredential: CreateCredentialParams;
  fetchCredential: CredentialIdParams;
  updateCredential: UpdateCredentialParams;
  deleteCredential: CredentialIdParams;
  listApps: ListAppsParams;
  fetchApp: AppNameParams;
  updateApp: UpdateAppParams;
  listUsers: ListUsersParams;
  fetchUser: UserIdParams;
  deleteUser: UserIdParams;
}

/** What `parseResponse` (and the client) returns for each operation. */
export interface OperationResults {
  sendPush: OperationAccepted;
  listPushNotifications: PushNotificationPage;
  fetchPushNotification: PushNotificationRecord;
  listOperations: OperationPage;
  fetchOperation: OperationRecord;
  listOperationErrors: OperationErrorPage;
  listDeviceRegistrations: DeviceRegistrationPage;
  registerDevice: CreatedResource;
  getDeviceRegistration: DeviceRegistrationRecord;
  deleteDeviceRegistration: ChangedResource;
  listCredentials: CredentialPage;
  createCredential: CreatedResource;
  fetchCredential: CredentialRecord;
  updateCredential: ChangedResource;
  deleteCredential: ChangedResource;
  listApps: AppPage;
  fetchApp: AppRecord;
  updateApp: ChangedResource;
  listUsers: UserPage;
  fetchUser: UserRecord;
  deleteUser: ChangedResource;
}

/** Stable codes of the errors thrown by the builders, `parseResponse` and `PushClient`. */
export type ApiErrorCode =
  | "VALIDATION_ERROR" | "API_ERROR" | "INVALID_RESPONSE" | "NETWORK_ERROR" | "TIMEOUT"
  | "INVALID_ARGUMENT" | "UNKNOWN_OPERATION";

/** A param broke a rule; nothing was sent. */
export interface ValidationError extends Error {
  name: "ValidationError";
  code: "VALIDATION_ERROR";
  /** Path of the offending field, e.g. "to[3].token", "tags.region", "pageSize". */
  field: string;
  /** For a refused device token: the token error's code. */
  tokenCode?: TokenErrorCode;
}

/** The API answered with an error status. */
export interface ApiError extends Error {
  name: "ApiError";
  code: "API_ERROR";
  status: number;
  /** Twilio's numeric error code, e.g. 20429. */
  twilioCode: number | null;
  moreInfo: string | null;
  /** Seconds from the Retry-After header. */
  retryAfter: number | null;
  /** True for 429 and 503. */
  retryable: boolean;
  /** The error body, when it was JSON. */
  body?: { [key: string]: JsonValue };
  /** Requests made, when thrown by `PushClient`. */
  attempts?: number;
}

/** A 2xx response whose body was not what the operation returns. */
export interface InvalidResponseError extends Error {
  name: "ApiError";
  code: "INVALID_RESPONSE";
  status: number;
  retryable: false;
  attempts?: number;
}

/** No response (connection refused, DNS, CORS, dropped). */
export interface NetworkError extends Error {
  name: "ApiError";
  code: "NETWORK_ERROR";
  retryable: true;
  attempts?: number;
}

/** No response within `timeoutMs`. */
export interface TimeoutError extends Error {
  name: "ApiError";
  code: "TIMEOUT";
  timeoutMs: number;
  retryable: true;
  attempts?: number;
}

export interface UnknownOperationError extends TypeError {
  code: "UNKNOWN_OPERATION";
  operation: string;
}

/** Anything the builders, `parseResponse` or `PushClient` throw. */
export type PushApiError =
  | ValidationError | ApiError | InvalidResponseError | NetworkError | TimeoutError
  | InvalidArgumentError | UnknownOperationError;

/** Response headers: a `Headers` object, a plain object or [name, value] pairs. */
export type HeadersLike = Record<string, string> | Iterable<readonly [string, string]>;

/** @throws {ValidationError | InvalidArgumentError} */
export function buildSendPushRequest(params: SendPushParams, config?: ApiConfig | null): HttpRequest;
export function buildListPushNotificationsRequest(params?: ListPushNotificationsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchPushNotificationRequest(params: FetchPushNotificationParams, config?: ApiConfig | null): HttpRequest;
export function buildListOperationsRequest(params?: ListOperationsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchOperationRequest(params: FetchOperationParams, config?: ApiConfig | null): HttpRequest;
export function buildListOperationErrorsRequest(params: ListOperationErrorsParams, config?: ApiConfig | null): HttpRequest;
export function buildListDeviceRegistrationsRequest(params: ListDeviceRegistrationsParams, config?: ApiConfig | null): HttpRequest;
export function buildRegisterDeviceRequest(params: RegisterDeviceParams, config?: ApiConfig | null): HttpRequest;
export function buildGetDeviceRegistrationRequest(params: DeviceRegistrationIdParams, config?: ApiConfig | null): HttpRequest;
export function buildDeleteDeviceRegistrationRequest(params: DeviceRegistrationIdParams, config?: ApiConfig | null): HttpRequest;
export function buildListCredentialsRequest(params?: ListCredentialsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildCreateCredentialRequest(params: CreateCredentialParams, config?: ApiConfig | null): HttpRequest;
export function buildFetchCredentialRequest(params: CredentialIdParams, config?: ApiConfig | null): HttpRequest;
export function buildUpdateCredentialRequest(params: UpdateCredentialParams, config?: ApiConfig | null): HttpRequest;
export function buildDeleteCredentialRequest(params: CredentialIdParams, config?: ApiConfig | null): HttpRequest;
export function buildListAppsRequest(params?: ListAppsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchAppRequest(params: AppNameParams, config?: ApiConfig | null): HttpRequest;
export function buildUpdateAppRequest(params: UpdateAppParams, config?: ApiConfig | null): HttpRequest;
export function buildListUsersRequest(params?: ListUsersParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchUserRequest(params: UserIdParams, config?: ApiConfig | null): HttpRequest;
export function buildDeleteUserRequest(params: UserIdParams, config?: ApiConfig | null): HttpRequest;

/** Builds the request of any operation. @throws {UnknownOperationError | ValidationError | InvalidArgumentError} */
export function buildRequest<O extends OperationName>(operation: O, params: OperationParams[O], config?: ApiConfig | null): HttpRequest;

/**
 * Reads a response (`bodyText` is `await response.text()`).
 * @throws {ApiError} for a non-2xx status; {InvalidResponseError} for a 2xx with an unexpected body.
 */
export function parseResponse<O extends OperationName>(
  operation: O,
  status: number,
  headers: HeadersLike | null | undefined,
  bodyText: string | null | undefined,
): OperationResults[O];

/**
 * `content` for an APN/APN_SANDBOX credential from the PEM texts. Checks that each is the right
 * kind of PEM block; errors never contain the secrets.
 * @throws {ValidationError} with `field` "certificatePem" or "privateKeyPem".
 */
export function apnCredentialContent(certificatePem: string, privateKeyPem: string): ApnCredentialContent;

/**
 * `content` for an FCM credential from the service-account JSON text (the whole file).
 * @throws {ValidationError} with `field` "serviceAccountJson" or "serviceAccountJson.<key>".
 */
export function fcmCredentialContent(serviceAccountJson: string): FcmCredentialContent;
"#;
