//! The request builders, the response parser, the credential helpers and the retry policy:
//! every operation's request shape, every example of the reference (§10) and every validation
//! rule, natively and as wasm.

use serde_json as json;
use serde_json::json;
use serde_json::Value;

use twilio_push_wasm::api::credential_content::{apn_content, fcm_content};
use twilio_push_wasm::api::model::CredentialContent;
use twilio_push_wasm::api::push_notifications::{send_batches, send_params};
use twilio_push_wasm::api::response::{
    parse_http_date, parse_response_at, parse_retry_after, ApiResult, ListPage,
};
use twilio_push_wasm::api::retry::{
    backoff_ms, decide, ClientConfig, RetryDecision, RetryPolicy, StopReason,
};
use twilio_push_wasm::api::{
    build_request, build_request_named, ApiConfig, ApiError, Auth, HttpRequest, Operation,
};

use crate::both;

const FCM: &str = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
const APN_PLACEHOLDER: &str = "utJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFAukXD89hGq";
/// The placeholder read as base64url: 39 bytes, 78 lowercase hex digits.
const APN_PLACEHOLDER_HEX: &str =
    "bad2575f64ebf7037fb583b061df2b140ea661430116a773f67ea4defe44a4502e9170fcf611aa";
const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const V1: &str = "https://comms.twilio.com/v1";
const USER: &str = "comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8";
/// Standard padded base64, as the credential helpers must produce it.
fn base64_encode_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const NOW: u64 = 1_700_000_000; // 2023-11-14T22:13:20Z

fn config() -> ApiConfig {
    ApiConfig::new(
        V1,
        Some(Auth::Basic {
            username: "ACtest".into(),
            password: "secret".into(),
        }),
    )
    .unwrap()
}

fn build(op: Operation, params: Value) -> HttpRequest {
    match build_request(op, &params, &config()) {
        Ok(r) => r,
        Err(e) => panic!("{op} refused {params}: {e}"),
    }
}

fn refused(op: Operation, params: Value) -> ApiError {
    match build_request(op, &params, &config()) {
        Ok(r) => panic!("{op} accepted {params}: {}", r.url),
        Err(e) => e,
    }
}

/// The field of a VALIDATION_ERROR.
fn field(op: Operation, params: Value) -> String {
    let e = refused(op, params);
    assert_eq!(e.code(), "VALIDATION_ERROR", "{e}");
    let f = e.field().unwrap().to_string();
    assert!(e.message().starts_with(&f), "{e}");
    f
}

fn body(r: &HttpRequest) -> Value {
    serde_json::from_str::<Value>(r.body.as_deref().expect("a body")).unwrap()
}

fn get(op: Operation, params: Value) -> String {
    let r = build(op, params);
    assert_eq!(r.method, "GET");
    assert!(r.body.is_none());
    assert_eq!(r.header("Content-Type"), None);
    r.url
}

fn send(to: Value) -> Value {
    json!({ "to": to, "content": { "title": "t" } })
}

fn fcm(i: usize) -> Value {
    json!({ "token": format!("{FCM}{i}"), "provider": "FCM" })
}

// ---------------------------------------------------------------------------------------------
// Operations

both! { fn operations_have_names_methods_and_a_retry_rule() {
    assert_eq!(Operation::ALL.len(), 21);
    for op in Operation::ALL {
        assert_eq!(Operation::from_name(op.name()), Some(op));
    }
    assert_eq!(Operation::from_name("SendPush"), None);
    use Operation::*;
    let expect = [
        (SendPush, "sendPush", "POST", false),
        (ListPushNotifications, "listPushNotifications", "GET", true),
        (FetchPushNotification, "fetchPushNotification", "GET", true),
        (ListOperations, "listOperations", "GET", true),
        (FetchOperation, "fetchOperation", "GET", true),
        (ListOperationErrors, "listOperationErrors", "GET", true),
        (ListDeviceRegistrations, "listDeviceRegistrations", "GET", true),
        (RegisterDevice, "registerDevice", "POST", true),
        (GetDeviceRegistration, "getDeviceRegistration", "GET", true),
        (DeleteDeviceRegistration, "deleteDeviceRegistration", "DELETE", true),
        (ListCredentials, "listCredentials", "GET", true),
        (CreateCredential, "createCredential", "POST", false),
        (FetchCredential, "fetchCredential", "GET", true),
        (UpdateCredential, "updateCredential", "PATCH", false),
        (DeleteCredential, "deleteCredential", "DELETE", true),
        (ListApps, "listApps", "GET", true),
        (FetchApp, "fetchApp", "GET", true),
        (UpdateApp, "updateApp", "PATCH", false),
        (ListUsers, "listUsers", "GET", true),
        (FetchUser, "fetchUser", "GET", true),
        (DeleteUser, "deleteUser", "DELETE", true),
    ];
    for (op, name, method, retryable) in expect {
        assert_eq!((op.name(), op.method(), op.is_retryable()), (name, method, retryable), "{op:?}");
    }
    let e = build_request_named("sendPushes", &json!({}), &config()).unwrap_err();
    assert_eq!(e.code(), "UNKNOWN_OPERATION");
    assert!(e.message().contains("sendPush"));
} }

// ---------------------------------------------------------------------------------------------
// Requests: the examples of reference §10

both! { fn send_example_10_1_sends_the_apn_placeholder_as_78_hex_digits() {
    let r = build(Operation::SendPush, json!({
        "to": [
            { "token": FCM, "provider": "FCM" },
            { "token": APN_PLACEHOLDER, "provider": "APN" }
        ],
        "content": { "title": "Boarding time @ TLL", "body": "Dear customer, you have 1 hour until boarding time at the Tallinn airport" },
        "from": { "fcm": "comms_credential_01h9krwprkeee8fzqspvwy6nq8", "apn": "comms_credential_8qn6ywvpsqzf8eeekrpwrk9h10" },
        "priority": "HIGH",
        "sound": "ring"
    }));
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "https://comms.twilio.com/v1/PushNotifications");
    assert_eq!(r.headers, vec![
        ("Accept".to_string(), "application/json".to_string()),
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Authorization".to_string(), "Basic QUN0ZXN0OnNlY3JldA==".to_string()),
    ]);
    assert_eq!(APN_PLACEHOLDER_HEX.len(), 78);
    assert_eq!(body(&r), json!({
        "to": [
            { "token": FCM, "provider": "FCM" },
            { "token": APN_PLACEHOLDER_HEX, "provider": "APN" }
        ],
        "content": { "title": "Boarding time @ TLL", "body": "Dear customer, you have 1 hour until boarding time at the Tallinn airport" },
        "from": { "apn": "comms_credential_8qn6ywvpsqzf8eeekrpwrk9h10", "fcm": "comms_credential_01h9krwprkeee8fzqspvwy6nq8" },
        "priority": "HIGH",
        "sound": "ring"
    }));
    // Compact JSON, fields in the API's order.
    let text = r.body.unwrap();
    assert!(text.starts_with("{\"to\":[{\"token\":\"dqWD7"), "{text}");
    assert!(!text.contains(": ") && !text.contains('\n'));
} }

both! { fn send_example_10_2_placeholder_token_is_refused_and_a_real_one_accepted() {
    let example = json!({
        "from": {"appName": "your_app_name"},
        "to": [{"token": "DEVICE_TOKEN", "provider": "FCM"}],
        "content": {"title": "Hello!", "body": "Push notifications are working"}
    });
    let e = refused(Operation::SendPush, example.clone());
    match &e {
        ApiError::Validation { field, message, token_code } => {
            assert_eq!(field, "to[0].token");
            assert_eq!(*token_code, Some("TOO_SHORT"));
            assert!(message.starts_with("to[0].token: TOO_SHORT: "), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let mut real = example;
    real["to"][0]["token"] = json!(FCM);
    let r = build(Operation::SendPush, real);
    assert_eq!(body(&r)["from"], json!({"appName": "your_app_name"}));
    assert_eq!(body(&r)["to"][0]["token"], json!(FCM));
} }

both! { fn register_device_examples_10_7() {
    // F4 (v1).
    let r = build(Operation::RegisterDevice, json!({
        "appName": "limonade_app", "token": FCM, "provider": "FCM", "userId": USER
    }));
    assert_eq!((r.method, r.url.as_str()), ("POST", "https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(body(&r), json!({"appName": "limonade_app", "token": FCM, "provider": "FCM", "userId": USER}));
    // S7: the old user prefix is not checked against an ID pattern; userId may be omitted.
    let s7 = "odJFCrnl2edlBDdz1C5Ja:APA91bu2RJtBRnlWmTSHf6pWkLUyifDLkDmWJ6UuVTAIjvFu7WICPhDeOZIiBOB-Y6sHrFH2ZUCr-lgotu2iXW7GboIRoL3u6aHwnMztVuaP_coUNEhEkk_iqq8vH2BzNZV45pFCiRcD";
    let r = build(Operation::RegisterDevice, json!({"userId": "comms_user_01h9krwprkeee8fzqspvwy6nq8", "token": s7, "appName": "test_app", "provider": "FCM"}));
    assert_eq!(body(&r)["userId"], json!("comms_user_01h9krwprkeee8fzqspvwy6nq8"));
    let r = build(Operation::RegisterDevice, json!({"token": s7, "appName": "test_app", "provider": "FCM"}));
    assert_eq!(body(&r), json!({"appName": "test_app", "token": s7, "provider": "FCM"}));
    // P2's "token" is a placeholder the token core refuses.
    let e = refused(Operation::RegisterDevice, json!({"userId": USER, "appName": "limonade_app", "token": "token", "provider": "FCM"}));
    assert_eq!(e.field(), Some("token"));
    // APNs tokens are sent canonical.
    let r = build(Operation::RegisterDevice, json!({"appName": "ios_app", "token": format!("<{}>", HEX.to_uppercase()), "provider": "APN"}));
    assert_eq!(body(&r)["token"], json!(HEX));
} }

both! { fn device_registration_examples_10_8() {
    assert_eq!(get(Operation::ListDeviceRegistrations, json!({"userId": USER})),
        format!("{V1}/PushNotifications/DeviceRegistrations?userId={USER}"));
    // Go SDK vector (K:53931246419).
    assert_eq!(get(Operation::ListDeviceRegistrations, json!({"userId": USER, "appName": "limonade_app", "pageToken": "pageToken", "pageSize": 50})),
        format!("{V1}/PushNotifications/DeviceRegistrations?userId={USER}&appName=limonade_app&pageToken=pageToken&pageSize=50"));
    assert_eq!(get(Operation::GetDeviceRegistration, json!({"deviceRegistrationId": "deviceRegistrationId"})),
        format!("{V1}/PushNotifications/DeviceRegistrations/deviceRegistrationId"));
    let r = build(Operation::DeleteDeviceRegistration, json!({"deviceRegistrationId": "comms_device_registration_01h9krwprkeee8fzqspvwy6nq8"}));
    assert_eq!((r.method, r.url.as_str()), ("DELETE", "https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations/comms_device_registration_01h9krwprkeee8fzqspvwy6nq8"));
    assert!(r.body.is_none() && r.header("Content-Type").is_none());
} }

both! { fn push_notification_and_operation_reads() {
    assert_eq!(get(Operation::FetchPushNotification, json!({"pushNotificationId": "comms_pushnotification_01h9krwprkeee8fzqspvwy6nq8"})),
        format!("{V1}/PushNotifications/comms_pushnotification_01h9krwprkeee8fzqspvwy6nq8"));
    assert_eq!(get(Operation::FetchOperation, json!({"operationId": "comms_operation_01h9ksxq9v7b2m4r5t6y7z8a9"})),
        format!("{V1}/PushNotifications/Operations/comms_operation_01h9ksxq9v7b2m4r5t6y7z8a9"));
    assert_eq!(get(Operation::ListOperationErrors, json!({"operationId": "comms_operation_x", "pageSize": 10})),
        format!("{V1}/PushNotifications/Operations/comms_operation_x/Errors?pageSize=10"));
    // S8 guide: ?operationId=
    assert_eq!(get(Operation::ListPushNotifications, json!({"operationId": "comms_operation_01h2xcejqtf2nbrexx3vqjhp41"})),
        format!("{V1}/PushNotifications?operationId=comms_operation_01h2xcejqtf2nbrexx3vqjhp41"));
} }

both! { fn sdk_list_vectors_10_10() {
    // K:53883587317
    assert_eq!(get(Operation::ListPushNotifications, json!({
        "operationId": "comms_operation_01h9krwprkeee8fzqspvwy6nq8", "status": "SCHEDULED",
        "tags": "key_1:value;key_2:value;", "startDate": "2024-01-15T09:30:00Z", "endDate": "2024-01-15T09:30:00Z",
        "user": USER, "provider": "APN", "pageToken": "pageToken", "pageSize": 50
    })), format!("{V1}/PushNotifications?operationId=comms_operation_01h9krwprkeee8fzqspvwy6nq8&status=SCHEDULED\
&tags=key_1%3Avalue%3Bkey_2%3Avalue%3B&startDate=2024-01-15T09%3A30%3A00Z&endDate=2024-01-15T09%3A30%3A00Z\
&user={USER}&provider=APN&pageToken=pageToken&pageSize=50"));
    // K:53803260815
    assert_eq!(get(Operation::ListOperations, json!({"pageToken": "pageToken", "pageSize": 50, "startDate": "2024-01-15T09:30:00Z", "endDate": "2024-01-15T09:30:00Z", "status": "SCHEDULED"})),
        format!("{V1}/PushNotifications/Operations?status=SCHEDULED&startDate=2024-01-15T09%3A30%3A00Z&endDate=2024-01-15T09%3A30%3A00Z&pageToken=pageToken&pageSize=50"));
    // K:53846167526
    assert_eq!(get(Operation::ListCredentials, json!({"startDate": "2024-01-15T09:30:00Z", "endDate": "2024-01-15T09:30:00Z", "appName": "app_name", "credentialType": "APN", "isDefault": true, "pageToken": "pageToken", "pageSize": 50})),
        format!("{V1}/PushNotifications/Credentials?startDate=2024-01-15T09%3A30%3A00Z&endDate=2024-01-15T09%3A30%3A00Z&appName=app_name&credentialType=APN&isDefault=true&pageToken=pageToken&pageSize=50"));
    // K:53877379123
    assert_eq!(get(Operation::ListApps, json!({"startDate": "2024-01-15T09:30:00Z", "endDate": "2024-01-15T09:30:00Z", "isDefault": true, "pageToken": "pageToken", "pageSize": 50})),
        format!("{V1}/PushNotifications/Apps?startDate=2024-01-15T09%3A30%3A00Z&endDate=2024-01-15T09%3A30%3A00Z&isDefault=true&pageToken=pageToken&pageSize=50"));
    // K:53802887159
    assert_eq!(get(Operation::ListUsers, json!({"pageToken": "pageToken", "pageSize": 50})),
        format!("{V1}/PushNotifications/Users?pageToken=pageToken&pageSize=50"));
    // K:53745860904, K:53811465911
    assert_eq!(get(Operation::FetchUser, json!({"userId": USER})), format!("{V1}/PushNotifications/Users/{USER}"));
    let r = build(Operation::DeleteUser, json!({"userId": USER}));
    assert_eq!((r.method, r.url), ("DELETE", format!("{V1}/PushNotifications/Users/{USER}")));
    // K:55343134399 (appName "appName" has upper case, which the app-name rule refuses).
    assert_eq!(field(Operation::UpdateApp, json!({"appName": "appName", "isDefault": true})), "appName");
    let r = build(Operation::UpdateApp, json!({"appName": "limonade_app", "isDefault": true}));
    assert_eq!((r.method, r.url.as_str()), ("PATCH", "https://comms.twilio.com/v1/PushNotifications/Apps/limonade_app"));
    assert_eq!(r.body.as_deref(), Some(r#"{"isDefault":true}"#));
    assert_eq!(get(Operation::FetchApp, json!({"appName": "limonade_app"})), format!("{V1}/PushNotifications/Apps/limonade_app"));
    // No params at all for the all-optional lists.
    assert_eq!(get(Operation::ListUsers, Value::Null), format!("{V1}/PushNotifications/Users"));
    assert_eq!(get(Operation::ListApps, json!({})), format!("{V1}/PushNotifications/Apps"));
} }

const APN_CERT_B64: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tTUlJRm5UQ0NCSVdnQXdJQkFnSUlBank5SDg0OStFOHdEUVlKS29aSWh2Y05BUUVGQlFBd2daWXhDekFKQmdOVi4uLi4uQT09LS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQ==";
const APN_KEY_B64: &str = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLU1JSUVwUUlCQUFLQ0FRRUF1eWYvbE5ySDljazhEbU55bzNmR2d2Q0kxbDlzK2NtQlkzV0l6K2NVRHFteGlpZVIKLi0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0t";
/// Base64 of a complete (fake) Firebase service-account file.
const FCM_SA_B64: &str = "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50IiwicHJvamVjdF9pZCI6ImRlbW8iLCJwcml2YXRlX2tleSI6Ii0tLS0tQkVHSU4gUFJJVkFURSBLRVktLS0tLVxuTUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0Ncbi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS1cbiIsImNsaWVudF9lbWFpbCI6InB1c2hAZGVtby5pYW0uZ3NlcnZpY2VhY2NvdW50LmNvbSJ9";

both! { fn credential_examples_10_9() {
    let create = json!({"credentialType": "APN", "content": {"certificate": APN_CERT_B64, "privateKey": APN_KEY_B64}, "appName": "limonade_app"});
    let r = build(Operation::CreateCredential, create.clone());
    assert_eq!((r.method, r.url.as_str()), ("POST", "https://comms.twilio.com/v1/PushNotifications/Credentials"));
    assert_eq!(body(&r), create);
    // R1's FCM example holds a placeholder that is not base64.
    let e = refused(Operation::CreateCredential, json!({"credentialType": "FCM", "content": {"privateKey": "BASE64_ENCODED_SERVICE_ACCOUNT_JSON"}, "appName": "your_app_name"}));
    assert_eq!(e.field(), Some("content.privateKey"));
    let r = build(Operation::CreateCredential, json!({"credentialType": "FCM", "content": {"privateKey": FCM_SA_B64}, "appName": "your_app_name", "isDefault": true}));
    assert_eq!(body(&r), json!({"credentialType": "FCM", "content": {"privateKey": FCM_SA_B64}, "appName": "your_app_name", "isDefault": true}));
    // Base64 of an incomplete service-account file is refused before it reaches Twilio.
    assert_eq!(field(Operation::CreateCredential, json!({"credentialType": "FCM", "content": {"privateKey": "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0="}, "appName": "your_app_name"})), "content.privateKey");
    // P8
    assert_eq!(get(Operation::FetchCredential, json!({"credentialId": "credentialId"})), format!("{V1}/PushNotifications/Credentials/credentialId"));
    // P9
    let r = build(Operation::UpdateCredential, json!({"credentialId": "comms_credential_01h9krwprkeee8fzqspvwy6nq8", "isDefault": true, "tags": {"environment": "production", "region": "us-east-1"}}));
    assert_eq!((r.method, r.url.as_str()), ("PATCH", "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_01h9krwprkeee8fzqspvwy6nq8"));
    assert_eq!(body(&r), json!({"isDefault": true, "tags": {"environment": "production", "region": "us-east-1"}}));
    // K:54236066031
    let r = build(Operation::UpdateCredential, json!({"credentialId": "comms_credential_01h9krwprkeee8fzqspvwy6nq8", "isDefault": true}));
    assert_eq!(r.body.as_deref(), Some(r#"{"isDefault":true}"#));
    // F5
    let r = build(Operation::DeleteCredential, json!({"credentialId": "comms_credential_01h9krwprkeee8fzqspvwy6nq8"}));
    assert_eq!((r.method, r.url.as_str()), ("DELETE", "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_01h9krwprkeee8fzqspvwy6nq8"));
} }

// ---------------------------------------------------------------------------------------------
// Config, headers, encoding

both! { fn config_base_url_and_auth() {
    let p = json!({"userId": USER});
    let with = |base: &str, auth: Option<Auth>| build_request(Operation::FetchUser, &p, &ApiConfig { base_url: base.into(), auth });
    assert_eq!(with("/api/v1", None).unwrap().url, format!("/api/v1/PushNotifications/Users/{USER}"));
    assert_eq!(with("https://proxy.example/api/v1/", None).unwrap().url, format!("https://proxy.example/api/v1/PushNotifications/Users/{USER}"));
    assert_eq!(with("http://127.0.0.1:8787/v1", None).unwrap().url, format!("http://127.0.0.1:8787/v1/PushNotifications/Users/{USER}"));
    let r = with("/api/v1", None).unwrap();
    assert_eq!(r.headers, vec![("Accept".to_string(), "application/json".to_string())]);
    let r = with(V1, Some(Auth::Bearer("tok.en-1".into()))).unwrap();
    assert_eq!(r.header("authorization"), Some("Bearer tok.en-1"));
    for bad in ["ftp://x/v1", "//evil.example/v1", "comms.twilio.com/v1", "https://x/v1?a=b", "https://x/v1#f", "https:///v1", "https://u:p@x/v1", "https://x/ v1", ""] {
        let e = with(bad, None).unwrap_err();
        assert_eq!((e.code(), e.field()), ("INVALID_ARGUMENT", Some("config.baseUrl")), "{bad}");
    }
    for auth in [
        Auth::Basic { username: "".into(), password: "x".into() },
        Auth::Basic { username: "a:b".into(), password: "x".into() },
        Auth::Basic { username: "AC".into(), password: "line\nbreak".into() },
        Auth::Bearer("two words".into()),
        Auth::Bearer("".into()),
    ] {
        let e = with(V1, Some(auth)).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
        assert!(!e.message().contains("line\nbreak") && !e.message().contains("two words"));
    }
    // From JSON, as JS passes it.
    let c = ApiConfig::from_value(&json!({"baseUrl": "/api/v1", "auth": {"bearer": "t"}}), &[]).unwrap();
    assert_eq!(c.auth, Some(Auth::Bearer("t".into())));
    assert_eq!(ApiConfig::from_value(&Value::Null, &[]).unwrap(), ApiConfig::default());
    for bad in [json!({"baseURL": "x"}), json!({"auth": {"username": "a"}}), json!({"auth": {"username": "a", "password": "b", "bearer": "c"}}), json!({"auth": "Basic x"}), json!([]), json!({"baseUrl": 1})] {
        assert_eq!(ApiConfig::from_value(&bad, &[]).unwrap_err().code(), "INVALID_ARGUMENT", "{bad}");
    }
    assert!(format!("{:?}", Auth::Basic { username: "AC".into(), password: "hunter2".into() }).contains("redacted"));
} }

both! { fn path_parameters_are_encoded_and_refused_when_unsafe() {
    let url = |id: &str| build_request(Operation::GetDeviceRegistration, &json!({"deviceRegistrationId": id}), &config());
    assert_eq!(url("a-b_c.d~e").unwrap().url, format!("{V1}/PushNotifications/DeviceRegistrations/a-b_c.d~e"));
    assert_eq!(url("e:x").unwrap().url, format!("{V1}/PushNotifications/DeviceRegistrations/e%3Ax"));
    // IDs are ASCII: a look-alike or a character whose UTF-8 hides CR/LF bytes is refused.
    assert!(url("é").is_err() && url("\u{560a}\u{560d}").is_err());
    assert_eq!(url("a%41").unwrap().url, format!("{V1}/PushNotifications/DeviceRegistrations/a%2541"));
    assert!(url(&"x".repeat(256)).is_ok());
    for bad in ["", "a/b", "a?b", "a#b", "..", "a..b", ".", "a b", "a\tb", "a\u{0}b", "a\\b", "a%2Fb", "a%2fb", "%2E%2E", "a%3Fb", "a%23", "a%20b", "a%252Fb", "a%25252Fb", "%2e", "\u{2028}"] {
        let e = url(bad).unwrap_err();
        assert_eq!((e.code(), e.field()), ("VALIDATION_ERROR", Some("deviceRegistrationId")), "{bad:?}");
    }
    assert_eq!(url(&"x".repeat(257)).unwrap_err().field(), Some("deviceRegistrationId"));
    // Every path parameter goes through the same check.
    assert_eq!(field(Operation::FetchPushNotification, json!({"pushNotificationId": "../Operations"})), "pushNotificationId");
    assert_eq!(field(Operation::FetchOperation, json!({"operationId": "a/b"})), "operationId");
    assert_eq!(field(Operation::ListOperationErrors, json!({"operationId": "a?b"})), "operationId");
    assert_eq!(field(Operation::FetchCredential, json!({"credentialId": "a#"})), "credentialId");
    assert_eq!(field(Operation::DeleteUser, json!({"userId": "%2F"})), "userId");
    assert_eq!(field(Operation::FetchApp, json!({"appName": "a/b"})), "appName");
    // IDs are not matched against Twilio's patterns (the docs' own examples break them).
    for id in ["comms_credential_02k8mnsqv7xj4b9r5t6wz1y3a", "comms_notification_01h2xcejqtf2nbrexx3vqjhp41", "whatever"] {
        assert!(build_request(Operation::FetchCredential, &json!({"credentialId": id}), &config()).is_ok());
    }
} }

both! { fn query_values_are_percent_encoded() {
    let url = get(Operation::ListPushNotifications, json!({"tags": {"region": "eu west", "tier": "gold+"}, "pageToken": "abc/+=="}));
    assert_eq!(url, format!("{V1}/PushNotifications?tags=region%3Aeu%20west%3Btier%3Agold%2B%3B&pageToken=abc%2F%2B%3D%3D"));
    let url = get(Operation::ListDeviceRegistrations, json!({"userId": "u_ser&x=1:"}));
    assert!(url.ends_with("?userId=u_ser%26x%3D1%3A"), "{url}");
    let url = get(Operation::ListPushNotifications, json!({"tags": {"city": "Zürich"}}));
    assert!(url.ends_with("?tags=city%3AZ%C3%BCrich%3B"), "{url}");
} }

// ---------------------------------------------------------------------------------------------
// Validation rules: one refused and one accepted case each

both! { fn recipients_between_1_and_10000() {
    assert_eq!(field(Operation::SendPush, send(json!([]))), "to");
    let many: Vec<Value> = (0..10_000).map(fcm).collect();
    let r = build(Operation::SendPush, send(json!(many)));
    assert_eq!(body(&r)["to"].as_array().unwrap().len(), 10_000);
    let mut too_many = many;
    too_many.push(fcm(10_000));
    let e = refused(Operation::SendPush, send(json!(too_many)));
    assert_eq!(e.field(), Some("to"));
    assert!(e.message().contains("10001") && e.message().contains("10,000"), "{e}");
    assert_eq!(field(Operation::SendPush, json!({"content": {"title": "t"}})), "to");
    assert_eq!(field(Operation::SendPush, send(json!({"token": FCM}))), "to");
} }

both! { fn recipients_are_tokens_or_users() {
    let r = build(Operation::SendPush, send(json!([{"userId": USER}, {"token": HEX.to_uppercase(), "provider": "APN"}])));
    assert_eq!(body(&r)["to"], json!([{"userId": USER}, {"token": HEX, "provider": "APN"}]));
    assert_eq!(field(Operation::SendPush, send(json!([{"userId": USER, "token": FCM}]))), "to[0]");
    assert_eq!(field(Operation::SendPush, send(json!([fcm(0), {}]))), "to[1]");
    assert_eq!(field(Operation::SendPush, send(json!([fcm(0), {"token": FCM}]))), "to[1].provider");
    assert_eq!(field(Operation::SendPush, send(json!([{"provider": "FCM"}]))), "to[0].token");
    assert_eq!(field(Operation::SendPush, send(json!([{"userId": ""}]))), "to[0].userId");
    assert_eq!(field(Operation::SendPush, send(json!([{"userId": "a b"}]))), "to[0].userId");
    assert_eq!(field(Operation::SendPush, send(json!([fcm(0), "token"]))), "to[1]");
    assert_eq!(field(Operation::SendPush, send(json!([{"token": FCM, "provider": "FCM", "variables": {}}]))), "to[0].variables");
} }

both! { fn invalid_tokens_name_the_index_and_the_token_code() {
    let mut to: Vec<Value> = (0..3).map(fcm).collect();
    to.push(json!({"token": "{length = 32, bytes = 0x965b251c 6cb1926d ... 376eab7c 4c5e0c1b }", "provider": "APN"}));
    let e = refused(Operation::SendPush, send(json!(to)));
    match &e {
        ApiError::Validation { field, message, token_code } => {
            assert_eq!(field, "to[3].token");
            assert_eq!(*token_code, Some("TRUNCATED_DESCRIPTION"));
            assert!(message.starts_with("to[3].token: TRUNCATED_DESCRIPTION: "), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The declared provider is checked: an APNs token declared FCM.
    let e = refused(Operation::SendPush, send(json!([{"token": HEX, "provider": "FCM"}])));
    assert_eq!(e.field(), Some("to[0].token"));
} }

both! { fn providers_priorities_statuses_and_types_are_exact() {
    assert_eq!(field(Operation::SendPush, send(json!([{"token": FCM, "provider": "fcm"}]))), "to[0].provider");
    assert_eq!(field(Operation::SendPush, send(json!([{"token": FCM, "provider": "GCM"}]))), "to[0].provider");
    for p in ["HIGH", "LOW"] {
        let mut s = send(json!([fcm(0)]));
        s["priority"] = json!(p);
        assert_eq!(body(&build(Operation::SendPush, s))["priority"], json!(p));
    }
    let mut s = send(json!([fcm(0)]));
    s["priority"] = json!("high");
    let e = refused(Operation::SendPush, s);
    assert_eq!(e.field(), Some("priority"));
    assert!(e.message().contains("\"HIGH\", \"LOW\""), "{e}");
    for s in ["SCHEDULED", "QUEUED", "SENT", "FAILED", "CANCELED"] {
        build(Operation::ListPushNotifications, json!({"status": s}));
    }
    assert_eq!(field(Operation::ListPushNotifications, json!({"status": "PROCESSING"})), "status");
    for s in ["SCHEDULED", "PROCESSING", "COMPLETED", "CANCELED"] {
        build(Operation::ListOperations, json!({"status": s}));
    }
    assert_eq!(field(Operation::ListOperations, json!({"status": "SENT"})), "status");
    assert_eq!(field(Operation::ListPushNotifications, json!({"provider": "APNS"})), "provider");
    for t in ["APN", "APN_SANDBOX", "FCM"] {
        build(Operation::ListCredentials, json!({"credentialType": t}));
    }
    assert_eq!(field(Operation::ListCredentials, json!({"credentialType": "apn"})), "credentialType");
    assert_eq!(field(Operation::CreateCredential, json!({"credentialType": "VOIP", "content": {}, "appName": "a"})), "credentialType");
    assert_eq!(field(Operation::RegisterDevice, json!({"appName": "a", "token": FCM, "provider": 1})), "provider");
} }

both! { fn tags_limits_count_characters() {
    let with_tags = |tags: Value| { let mut s = send(json!([fcm(0)])); s["tags"] = tags; s };
    let ten: json::Map<String, Value> = (0..10).map(|i| (format!("k{i}"), json!("v"))).collect();
    build(Operation::SendPush, with_tags(Value::Object(ten.clone())));
    let mut eleven = ten;
    eleven.insert("k10".into(), json!("v"));
    assert_eq!(field(Operation::SendPush, with_tags(Value::Object(eleven))), "tags");
    build(Operation::SendPush, with_tags(json!({ "k".repeat(128): "é".repeat(256) })));
    let long_key = "k".repeat(129);
    let e = refused(Operation::SendPush, with_tags(json!({ long_key.clone(): "v" })));
    assert!(e.field().unwrap().starts_with("tags[\"kkkk"), "{e}");
    assert_eq!(field(Operation::SendPush, with_tags(json!({ "region": "é".repeat(257) }))), "tags.region");
    assert_eq!(field(Operation::SendPush, with_tags(json!({ "": "v" }))), "tags[\"\"]");
    assert_eq!(field(Operation::SendPush, with_tags(json!({ "n": 1 }))), "tags.n");
    assert_eq!(field(Operation::SendPush, with_tags(json!(["a"]))), "tags");
    // As a list filter: ':' and ';' would break the key:value; encoding.
    assert_eq!(field(Operation::ListPushNotifications, json!({"tags": {"a:b": "c"}})), "tags[\"a:b\"]");
    assert_eq!(field(Operation::ListPushNotifications, json!({"tags": {"a": "b;c"}})), "tags.a");
    build(Operation::ListPushNotifications, json!({"tags": {"a": "b:c"}}));
    assert_eq!(field(Operation::ListPushNotifications, json!({"tags": "novalue"})), "tags");
    assert_eq!(field(Operation::ListPushNotifications, json!({"tags": {}})), "tags");
    assert!(field(Operation::UpdateCredential, json!({"credentialId": "c", "tags": { "x".repeat(129): "v" }})).starts_with("tags[\"xxx"));
} }

both! { fn app_names() {
    let reg = |name: &str| json!({"appName": name, "token": FCM, "provider": "FCM"});
    build(Operation::RegisterDevice, reg("limonade_app"));
    build(Operation::RegisterDevice, reg(&"a".repeat(64)));
    for bad in ["Limonade", "limonade-app", "", "lim onade", "é", &"a".repeat(65)] {
        assert_eq!(field(Operation::RegisterDevice, reg(bad)), "appName", "{bad}");
    }
    assert_eq!(field(Operation::RegisterDevice, json!({"token": FCM, "provider": "FCM"})), "appName");
    assert_eq!(field(Operation::ListDeviceRegistrations, json!({"userId": USER, "appName": "A"})), "appName");
    assert_eq!(field(Operation::ListCredentials, json!({"appName": "A"})), "appName");
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)], "content": {"body": "b"}, "from": {"appName": "Bad"}})), "from.appName");
} }

both! { fn page_sizes_and_tokens() {
    for ok in [json!(1), json!(1000), json!(50.0)] {
        let url = get(Operation::ListUsers, json!({"pageSize": ok}));
        assert!(url.contains("pageSize="), "{url}");
    }
    assert!(get(Operation::ListUsers, json!({"pageSize": 50.0})).ends_with("pageSize=50"));
    for bad in [json!(0), json!(1001), json!(2.5), json!("50"), json!(-1), json!(1e300), json!(true)] {
        let e = refused(Operation::ListUsers, json!({"pageSize": bad}));
        assert_eq!(e.field(), Some("pageSize"), "{bad}");
        assert!(e.message().contains("1 to 1000"), "{e}");
    }
    assert_eq!(field(Operation::ListUsers, json!({"pageToken": ""})), "pageToken");
    assert_eq!(field(Operation::ListUsers, json!({"pageToken": 5})), "pageToken");
    // null means "not given".
    assert_eq!(get(Operation::ListUsers, json!({"pageToken": null, "pageSize": null})), format!("{V1}/PushNotifications/Users"));
} }

both! { fn dates_are_iso_8601_date_times() {
    for ok in ["2024-01-15T09:30:00Z", "2024-01-15T09:30:00.123Z", "2024-01-15T10:30:00+01:00", "2024-02-29T00:00:00z", "2024-01-15T09:30Z"] {
        build(Operation::ListOperations, json!({"startDate": ok}));
    }
    for bad in ["2024-01-15", "2024-01-15T09:30:00", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-15 09:30:00Z", "yesterday", "2024-01-15T24:00:00Z", "2024-01-15T09:30:00+0100"] {
        assert_eq!(field(Operation::ListApps, json!({"endDate": bad})), "endDate", "{bad}");
    }
    assert_eq!(field(Operation::ListCredentials, json!({"startDate": "2024-01-16T00:00:00Z", "endDate": "2024-01-15T00:00:00Z"})), "endDate");
    build(Operation::ListCredentials, json!({"startDate": "2024-01-15T01:00:00+02:00", "endDate": "2024-01-15T00:00:00Z"}));
} }

both! { fn content_and_sender_rules() {
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)], "content": {}})), "content");
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)], "content": {"title": "  ", "body": ""}})), "content");
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)]})), "content");
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)], "content": {"title": "t", "image": "x"}})), "content.image");
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)], "content": {"title": 1}})), "content.title");
    build(Operation::SendPush, json!({"to": [fcm(0)], "content": {"body": "b"}}));
    let with_from = |from: Value| json!({"to": [fcm(0)], "content": {"body": "b"}, "from": from});
    assert_eq!(field(Operation::SendPush, with_from(json!({}))), "from");
    assert_eq!(field(Operation::SendPush, with_from(json!({"apn": ""}))), "from.apn");
    assert_eq!(field(Operation::SendPush, with_from(json!({"fcm": "id with space"}))), "from.fcm");
    assert_eq!(field(Operation::SendPush, with_from(json!({"apn": "c", "appName": "a"}))), "from");
    assert_eq!(field(Operation::SendPush, with_from(json!({"sender": "x"}))), "from.sender");
    assert_eq!(body(&build(Operation::SendPush, with_from(json!({"fcm": "comms_credential_x", "apn": null}))))["from"], json!({"fcm": "comms_credential_x"}));
    let mut s = send(json!([fcm(0)]));
    s["sound"] = json!("");
    assert_eq!(field(Operation::SendPush, s.clone()), "sound");
    s["sound"] = Value::Null;
    assert!(body(&build(Operation::SendPush, s)).get("sound").is_none());
} }

both! { fn schedule_passes_send_at_through() {
    let with = |schedule: Value| { let mut s = send(json!([fcm(0)])); s["schedule"] = schedule; s };
    let r = build(Operation::SendPush, with(json!({"sendAt": ["2025-03-19T09:30:00Z", "2025-03-19T09:30:00"]})));
    assert_eq!(body(&r)["schedule"], json!({"sendAt": ["2025-03-19T09:30:00Z", "2025-03-19T09:30:00"]}));
    assert_eq!(field(Operation::SendPush, with(json!({"sendAt": []}))), "schedule.sendAt");
    assert_eq!(field(Operation::SendPush, with(json!({"sendAt": ["tomorrow"]}))), "schedule.sendAt[0]");
    assert_eq!(field(Operation::SendPush, with(json!({"sendAt": "2025-03-19T09:30:00Z"}))), "schedule.sendAt");
    assert_eq!(field(Operation::SendPush, with(json!({"start": "x"}))), "schedule.start");
} }

both! { fn required_and_unknown_fields_are_named() {
    assert_eq!(field(Operation::SendPush, json!({"to": [fcm(0)], "content": {"title": "t"}, "ttl": 60})), "ttl");
    assert_eq!(field(Operation::ListDeviceRegistrations, json!({})), "userId");
    assert_eq!(field(Operation::ListDeviceRegistrations, json!({"userId": ""})), "userId");
    assert_eq!(field(Operation::ListDeviceRegistrations, json!({"userId": USER, "user": USER})), "user");
    assert_eq!(field(Operation::GetDeviceRegistration, json!({})), "deviceRegistrationId");
    assert_eq!(field(Operation::GetDeviceRegistration, json!({"deviceRegistrationId": 5})), "deviceRegistrationId");
    assert_eq!(field(Operation::FetchApp, json!({"appName": "a", "x": 1})), "x");
    assert_eq!(field(Operation::UpdateApp, json!({"appName": "a"})), "isDefault");
    assert_eq!(field(Operation::UpdateApp, json!({"appName": "a", "isDefault": "true"})), "isDefault");
    assert_eq!(field(Operation::UpdateCredential, json!({"credentialId": "c"})), "params");
    assert_eq!(field(Operation::UpdateCredential, json!({"credentialId": "c", "content": {}})), "content");
    assert_eq!(field(Operation::ListUsers, json!({"limit": 5})), "limit");
    assert_eq!(field(Operation::SendPush, json!("to")), "params");
    assert_eq!(field(Operation::SendPush, Value::Null), "to");
    let e = refused(Operation::ListApps, json!({"isdefault": true}));
    assert!(e.message().contains("allowed: isDefault, startDate, endDate, pageToken, pageSize"), "{e}");
} }

both! { fn struct_fields_are_objects_never_arrays() {
    // serde's derived structs would also read an array as the fields in order.
    let send = |key: &str, v: Value| { let mut s = send(json!([fcm(0)])); s[key] = v; s };
    let cases = [
        (Operation::SendPush, send("to", json!([fcm(0), fcm(1), fcm(2), [FCM, "FCM"]])), "to[3]"),
        (Operation::SendPush, send("from", json!(["comms_credential_a", "comms_credential_b"])), "from"),
        (Operation::SendPush, send("content", json!(["t", "b"])), "content"),
        (Operation::SendPush, send("schedule", json!([["2025-03-19T09:30:00Z"]])), "schedule"),
        (Operation::CreateCredential, json!({"credentialType": "FCM", "content": [null, "e30="], "appName": "app"}), "content"),
    ];
    for (op, params, path) in cases {
        let e = refused(op, params);
        assert_eq!((e.code(), e.field()), ("VALIDATION_ERROR", Some(path)), "{e}");
        assert_eq!(e.message(), format!("{path}: must be an object, not an array"));
    }
    // Other types are named as before, and `null` is still "not given".
    let e = refused(Operation::SendPush, send("from", json!("comms_credential_a")));
    assert_eq!(e.message(), "from: must be an object, not a string");
    let e = refused(Operation::SendPush, send("to", json!([1])));
    assert_eq!(e.message(), "to[0]: must be an object, not a number");
    build(Operation::SendPush, send("from", Value::Null));
    build(Operation::SendPush, send("schedule", Value::Null));
    // The configuration's `auth` too (an INVALID_ARGUMENT naming `config.auth`).
    for auth in [json!(["ACtest", "secret"]), json!(["token"])] {
        let e = ApiConfig::from_value(&json!({ "auth": auth }), &[]).unwrap_err();
        assert_eq!((e.code(), e.field()), ("INVALID_ARGUMENT", Some("config.auth")), "{e}");
    }
} }

both! { fn credential_content_must_match_the_type_and_be_base64() {
    let create = |t: &str, content: Value| json!({"credentialType": t, "content": content, "appName": "app"});
    build(Operation::CreateCredential, create("APN_SANDBOX", json!({"certificate": APN_CERT_B64, "privateKey": APN_KEY_B64})));
    assert_eq!(field(Operation::CreateCredential, create("APN", json!({"privateKey": APN_KEY_B64}))), "content.certificate");
    assert_eq!(field(Operation::CreateCredential, create("FCM", json!({"certificate": APN_CERT_B64, "privateKey": APN_KEY_B64}))), "content.certificate");
    assert_eq!(field(Operation::CreateCredential, json!({"credentialType": "FCM", "appName": "app"})), "content");
    build(Operation::CreateCredential, create("FCM", json!({"privateKey": FCM_SA_B64})));
    // Base64 of the wrong file (an APNs key given as FCM content) is refused after decoding.
    let e = refused(Operation::CreateCredential, create("FCM", json!({"privateKey": APN_KEY_B64})));
    assert_eq!(e.field(), Some("content.privateKey"));
    assert!(!e.message().contains("MIIE"), "{e}");
    assert_eq!(field(Operation::CreateCredential, create("APN", json!({"certificate": APN_KEY_B64, "privateKey": APN_CERT_B64}))), "content.certificate");
    let pem = "-----BEGIN CERTIFICATE-----\nTOPSECRETCERTDATA\n-----END CERTIFICATE-----";
    let e = refused(Operation::CreateCredential, create("APN", json!({"certificate": pem, "privateKey": APN_KEY_B64})));
    assert_eq!(e.field(), Some("content.certificate"));
    assert!(e.message().contains("PEM text") && !e.message().contains("TOPSECRET"), "{e}");
    let e = refused(Operation::CreateCredential, create("FCM", json!({"privateKey": "{\"type\": \"service_account\", \"private_key\": \"TOPSECRET\"}"})));
    assert!(e.message().contains("JSON text") && !e.message().contains("TOPSECRET"), "{e}");
    assert_eq!(field(Operation::CreateCredential, create("FCM", json!({"privateKey": "abc"}))), "content.privateKey");
    assert_eq!(field(Operation::CreateCredential, json!({"credentialType": "FCM", "content": {"privateKey": FCM_SA_B64}})), "appName");
} }

// ---------------------------------------------------------------------------------------------
// Batches

both! { fn send_batches_split_and_validate_everything_first() {
    let to: Vec<Value> = (0..25_001).map(fcm).collect();
    let p = send_params(&send(json!(to))).unwrap();
    let batches = send_batches(&p, &config(), 10_000).unwrap();
    let shape: Vec<_> = batches.iter().map(|b| (b.first_index, b.recipients)).collect();
    assert_eq!(shape, vec![(0, 10_000), (10_000, 10_000), (20_000, 5001)]);
    let last = body(&batches[2].request);
    assert_eq!(last["to"][0]["token"], json!(format!("{FCM}20000")));
    assert_eq!(last["content"], json!({"title": "t"}));
    let mut bad: Vec<Value> = (0..25_001).map(fcm).collect();
    bad[20_005] = json!({"token": "32 bytes", "provider": "APN"});
    let p = send_params(&send(json!(bad))).unwrap();
    let e = send_batches(&p, &config(), 10_000).unwrap_err();
    assert_eq!(e.field(), Some("to[20005].token"));
    let p = send_params(&send(json!([fcm(0), fcm(1), fcm(2)]))).unwrap();
    assert_eq!(send_batches(&p, &config(), 0).unwrap().len(), 3);
    let p = send_params(&send(json!([]))).unwrap();
    assert_eq!(send_batches(&p, &config(), 10).unwrap_err().field(), Some("to"));
} }

// ---------------------------------------------------------------------------------------------
// Credential helpers

const CERT_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEFBQAwgZYxCzAJBgNV\nTOPSECRETCERT0123456789abcdef==\n-----END CERTIFICATE-----\n";
const KEY_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fGgvCI1l9s+cmBY3WIz+cUDqmxiieR\nTOPSECRETKEY0123456789abcdef\n-----END RSA PRIVATE KEY-----\n";

fn secret_free(e: &ApiError) {
    let m = e.message();
    assert!(
        !m.contains("TOPSECRET")
            && !m.contains("MIIE")
            && !m.contains("MIIF")
            && !m.contains("sa@"),
        "secret in {m}"
    );
}

both! { fn apn_content_checks_and_encodes_the_pems() {
    match apn_content(CERT_PEM, KEY_PEM).unwrap() {
        CredentialContent::Apn { certificate, private_key } => {
            assert_eq!(certificate, base64_encode_std(CERT_PEM.trim().as_bytes()));
            assert_eq!(private_key, base64_encode_std(KEY_PEM.trim().as_bytes()));
        }
        other => panic!("{other:?}"),
    }
    for label in ["PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"] {
        let key = KEY_PEM.replace("RSA PRIVATE KEY", label);
        assert!(apn_content(CERT_PEM, &key).is_ok(), "{label}");
    }
    let cases = [
        (KEY_PEM, KEY_PEM, "certificatePem", "swapped"),
        (CERT_PEM, CERT_PEM, "privateKeyPem", "swapped"),
        ("TOPSECRET", KEY_PEM, "certificatePem", "BEGIN"),
        (&CERT_PEM[..70], KEY_PEM, "certificatePem", "END"),
        (CERT_PEM, &KEY_PEM.replace("END RSA", "END EC"), "privateKeyPem", "do not match"),
        (CERT_PEM, &KEY_PEM.replace("RSA PRIVATE KEY", "PUBLIC KEY"), "privateKeyPem", "another kind"),
        (CERT_PEM, "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----", "privateKeyPem", "no encoded data"),
        (&CERT_PEM.replace("TOPSECRET", "TOP*SECRET"), KEY_PEM, "certificatePem", "characters"),
    ];
    for (cert, key, field, words) in cases {
        let e = apn_content(cert, key).unwrap_err();
        assert_eq!((e.code(), e.field()), ("VALIDATION_ERROR", Some(field)), "{e}");
        assert!(e.message().contains(words), "{e}");
        secret_free(&e);
    }
} }

both! { fn fcm_content_checks_the_service_account_file() {
    let file = r#"{"type":"service_account","project_id":"p-1","private_key_id":"k","private_key":"-----BEGIN PRIVATE KEY-----\nTOPSECRET\n-----END PRIVATE KEY-----\n","client_email":"sa@p-1.iam.gserviceaccount.com"}"#;
    match fcm_content(file).unwrap() {
        CredentialContent::Fcm { private_key } => assert_eq!(private_key, base64_encode_std(file.as_bytes())),
        other => panic!("{other:?}"),
    }
    let v: Value = serde_json::from_str::<Value>(file).unwrap();
    let variant = |k: &str, val: Value| { let mut x = v.clone(); x[k] = val; x.to_string() };
    let cases = [
        (variant("type", json!("authorized_user")), "serviceAccountJson.type"),
        (variant("client_email", json!("")), "serviceAccountJson.client_email"),
        (variant("project_id", json!(5)), "serviceAccountJson.project_id"),
        (variant("private_key", json!("TOPSECRET")), "serviceAccountJson.private_key"),
        (file.replace("\"client_email\"", "\"email\""), "serviceAccountJson.client_email"),
        (file[..60].to_string(), "serviceAccountJson"),
        ("[1]".to_string(), "serviceAccountJson"),
        ("TOPSECRET".to_string(), "serviceAccountJson"),
        (String::new(), "serviceAccountJson"),
    ];
    for (input, field) in cases {
        let e = fcm_content(&input).unwrap_err();
        assert_eq!((e.code(), e.field()), ("VALIDATION_ERROR", Some(field)), "{e}");
        secret_free(&e);
    }
} }

// ---------------------------------------------------------------------------------------------
// Responses

fn parse(
    op: Operation,
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<ApiResult, ApiError> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    parse_response_at(op, status, &headers, body, NOW)
}

fn page(op: Operation, body: &str) -> ListPage {
    match parse(op, 200, &[], body) {
        Ok(ApiResult::Page(p)) => p,
        other => panic!("{other:?}"),
    }
}

fn api_error(status: u16, headers: &[(&str, &str)], body: &str) -> ApiError {
    let e = parse(Operation::ListApps, status, headers, body).unwrap_err();
    assert_eq!(e.code(), "API_ERROR");
    e
}

both! { fn send_responses_read_the_body_then_the_headers() {
    let loc = "https://comms.twilio.com/v1/PushNotifications/Operations/comms_operation_01h9krwprkeee8fzqspvwy6nq8";
    let body = format!(r#"{{"operationId": "comms_operation_01h9krwprkeee8fzqspvwy6nq8", "operationLocation": "{loc}"}}"#);
    let r = parse(Operation::SendPush, 202, &[("Location", loc)], &body).unwrap();
    assert_eq!(r.to_json(), json!({"operationId": "comms_operation_01h9krwprkeee8fzqspvwy6nq8", "operationLocation": loc}));
    let r = parse(Operation::SendPush, 202, &[("location", loc)], "").unwrap();
    assert_eq!(r.to_json()["operationId"], json!("comms_operation_01h9krwprkeee8fzqspvwy6nq8"));
    let r = parse(Operation::SendPush, 202, &[("operation-id", "op_1"), ("operation-location", "/v1/x/op_1")], "{}").unwrap();
    assert_eq!(r.to_json(), json!({"operationId": "op_1", "operationLocation": "/v1/x/op_1"}));
    let r = parse(Operation::SendPush, 202, &[("X-Twilio-Operation-Id", "op_2")], "").unwrap();
    assert_eq!(r.to_json(), json!({"operationId": "op_2", "operationLocation": null}));
    let e = parse(Operation::SendPush, 202, &[], "{}").unwrap_err();
    assert_eq!((e.code(), e.status()), ("INVALID_RESPONSE", Some(202)));
    assert!(e.message().contains("probably sent"), "{e}");
    let e = parse(Operation::SendPush, 202, &[], r#"{"operationId": 5}"#).unwrap_err();
    assert_eq!(e.code(), "INVALID_RESPONSE");
} }

both! { fn write_responses() {
    let reg = r#"{"resourceId": "comms_device_registration_01h9krwprkeee8fzqspvwy6nq8", "resourceLocation": "https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations/comms_device_registration_01h9krwprkeee8fzqspvwy6nq8"}"#;
    for op in [Operation::RegisterDevice, Operation::DeleteDeviceRegistration] {
        let r = parse(op, 202, &[], reg).unwrap();
        assert_eq!(r.to_json(), serde_json::from_str::<Value>(reg).unwrap());
    }
    // P9 (a different ID than the path's: taken as given).
    let r = parse(Operation::UpdateCredential, 200, &[], r#"{"resourceId": "comms_credential_02k8mnsqv7xj4b9r5t6wz1y3a", "resourceLocation": "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_02k8mnsqv7xj4b9r5t6wz1y3a"}"#).unwrap();
    assert_eq!(r.to_json()["resourceId"], json!("comms_credential_02k8mnsqv7xj4b9r5t6wz1y3a"));
    // F5
    let r = parse(Operation::DeleteCredential, 202, &[], r#"{"resourceId": "comms_credential_01h9krwprkeee8fzqspvwy6nq8", "resourceLocation": "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_01h9krwprkeee8fzqspvwy6nq8"}"#).unwrap();
    assert_eq!(r.to_json()["resourceId"], json!("comms_credential_01h9krwprkeee8fzqspvwy6nq8"));
    // Header fallbacks.
    let r = parse(Operation::CreateCredential, 201, &[("Location", "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_abc")], "").unwrap();
    assert_eq!(r.to_json(), json!({"resourceId": "comms_credential_abc", "resourceLocation": "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_abc"}));
    let r = parse(Operation::RegisterDevice, 202, &[("X-Twilio-Resource-Location", "/v1/PushNotifications/DeviceRegistrations/r%2D1/")], "").unwrap();
    assert_eq!(r.to_json()["resourceId"], json!("r-1"));
    // Undocumented responses of updates and deletes: no body is fine; creates need an ID.
    for op in [Operation::DeleteUser, Operation::UpdateApp, Operation::DeleteDeviceRegistration] {
        assert_eq!(parse(op, 204, &[], "").unwrap().to_json(), json!({"resourceId": null, "resourceLocation": null}));
    }
    let e = parse(Operation::RegisterDevice, 202, &[], "").unwrap_err();
    assert_eq!(e.code(), "INVALID_RESPONSE");
    let e = parse(Operation::DeleteUser, 200, &[], "<html>").unwrap_err();
    assert_eq!(e.code(), "INVALID_RESPONSE");
} }

both! { fn fetch_responses_keep_every_field() {
    let f2 = r#"{
      "content": { "title": "Limon Eats", "body": "Your order is on the way!" },
      "createdAt": "2025-05-30T17:24:46Z",
      "from": { "fcm": "comms_credential_b554a2dc48d74ff03500c2a582349cad" },
      "id": "comms_pushnotification_3de3vbxqx0aghtdy1jgf9qdteh",
      "status": "SENT",
      "to": { "provider": "FCM", "token": "dQvBnKpXmRtYwLzHjFsEuA:APA91bHNaWc" },
      "updatedAt": "2025-05-30T17:24:49Z",
      "priority": "HIGH",
      "sound": null,
      "somethingNew": {"nested": [1, 2]}
    }"#;
    let r = parse(Operation::FetchPushNotification, 200, &[], f2).unwrap();
    assert_eq!(r.to_json(), serde_json::from_str::<Value>(f2).unwrap());
    let g3 = r#"{"id": "comms_operation_01h9krwprkeee8fzqspvwy6nq8", "status": "SCHEDULED",
      "stats": { "total": 150, "recipients": 145, "unaddressable": 3, "scheduled": 20, "queued": 50, "sent": 70, "failed": 5, "canceled": 2 },
      "createdAt": "2024-04-20T14:45:00Z", "updatedAt": "2024-04-20T15:10:00Z"}"#;
    let r = parse(Operation::FetchOperation, 200, &[], g3).unwrap();
    assert_eq!(r.to_json()["stats"]["unaddressable"], json!(3));
    let s8 = r#"{ "id": "comms_operation_01h2xcejqtf2nbrexx3vqjhp41", "status": "COMPLETED",
      "stats": { "total": 1, "recipients": 1, "attempts": 1, "queued": 0, "sent": 0, "delivered": 1, "undelivered": 0, "failed": 0 },
      "createdAt": "2024-04-05T06:20:00Z", "updatedAt": "2024-04-05T06:20:00Z" }"#;
    assert_eq!(parse(Operation::FetchOperation, 200, &[], s8).unwrap().to_json()["stats"]["delivered"], json!(1));
    let p8 = r#"{ "id": "comms_credential_01h9krwprkeee8fzqspvwy6nq8", "credentialType": "APN", "isDefault": false, "appName": "limonade_app", "createdAt": "2023-08-31T14:15:22Z", "updatedAt": "2023-08-31T14:15:22Z" }"#;
    assert_eq!(parse(Operation::FetchCredential, 200, &[], p8).unwrap().to_json()["isDefault"], json!(false));
    for bad in ["", "[]", "\"x\"", "{", "null"] {
        let e = parse(Operation::FetchUser, 200, &[], bad).unwrap_err();
        assert_eq!(e.code(), "INVALID_RESPONSE", "{bad:?}");
        assert!(e.message().contains("200"));
    }
} }

both! { fn list_responses_with_tokens_and_urls() {
    let g2 = r#"{
      "operations": [
        { "id": "comms_operation_01h9krwprkeee8fzqspvwy6nq8", "status": "SCHEDULED", "stats": {"total": 150}, "createdAt": "2024-04-20T14:22:00Z", "updatedAt": "2024-04-20T15:45:00Z" },
        { "id": "comms_operation_01h9ksxq9v7b2m4r5t6y7z8a9", "status": "COMPLETED", "stats": {"total": 300}, "createdAt": "2024-04-18T10:00:00Z", "updatedAt": "2024-04-18T12:30:00Z" }
      ],
      "pagination": {
        "next": "eyJwYWdlVG9rZW4iOiAiY29tbXNfb3BlcmF0aW9uXzAxaG9qbnZ3b3J4b3B5b3V6bG1uIn0",
        "self": "eyJwYWdlVG9rZW4iOiAiY29tbXNfb3BlcmF0aW9uXzAxaDkrcnducGtrZWVlOGZ6cXNwd"
      }
    }"#;
    let p = page(Operation::ListOperations, g2);
    assert_eq!((p.collection.as_str(), p.items.len()), ("operations", 2));
    assert_eq!(p.next_page_token.as_deref(), Some("eyJwYWdlVG9rZW4iOiAiY29tbXNfb3BlcmF0aW9uXzAxaG9qbnZ3b3J4b3B5b3V6bG1uIn0"));
    let j = ApiResult::Page(p).to_json();
    assert_eq!(j["items"], j["operations"]);
    assert_eq!(j["collection"], json!("operations"));
    assert_eq!(j["pagination"]["self"], json!("eyJwYWdlVG9rZW4iOiAiY29tbXNfb3BlcmF0aW9uXzAxaDkrcnducGtrZWVlOGZ6cXNwd"));
    // S8: `notifications` and a URL in `self`.
    let s8 = r#"{ "notifications": [ { "id": "comms_notification_01h2xcejqtf2nbrexx3vqjhp41", "to": [ { "token": "FCM_DEVICE_TOKEN", "provider": "FCM" } ], "status": "SENT",
        "related": [ { "name": "operation", "id": "comms_operation_01h2xcejqtf2nbrexx3vqjhp41", "uri": "/PushNotifications/Operations/01h2xcejqtf2nbrexx3vqjhp41" } ],
        "tags": {}, "createdAt": "2023-08-24T14:15:22Z", "updatedAt": "2023-08-24T14:15:22Z", "deletedAt": null } ],
      "pagination": { "next": null, "self": "https://comms.twilio.com/v1/PushNotifications?operationId=x" } }"#;
    let p = page(Operation::ListPushNotifications, s8);
    assert_eq!((p.collection.as_str(), p.items.len(), p.next.as_deref(), p.next_page_token.as_deref()), ("notifications", 1, None, None));
    let p = page(Operation::ListPushNotifications, r#"{"pushNotifications": [], "pagination": {"next": "https://comms.twilio.com/v1/PushNotifications?pageSize=50&pageToken=ab%2Bc%3D", "self": "x"}}"#);
    assert_eq!((p.collection.as_str(), p.next_page_token.as_deref()), ("pushNotifications", Some("ab+c=")));
    let p = page(Operation::ListUsers, r#"{"users": [{"id": "u"}], "pagination": {"next": "/v1/PushNotifications/Users?pageSize=1", "self": null}}"#);
    assert_eq!((p.next.is_some(), p.next_page_token), (true, None));
    // Lists whose key was never documented: the single array is used.
    let p = page(Operation::ListCredentials, r#"{"pushCredentials": [{"id": "c"}], "meta": {"count": 1}}"#);
    assert_eq!((p.collection.as_str(), p.next.as_deref()), ("pushCredentials", None));
    let p = page(Operation::ListDeviceRegistrations, r#"{"deviceRegistrations": [{"id": "comms_device_registration_qspvwy6nq801h9krwprkeee8fz", "appName": "limonade_app", "userId": "u", "devices": [{"token": "t", "provider": "FCM"}]}], "pagination": {"next": "", "self": "s"}}"#);
    assert_eq!((p.items.len(), p.next.as_deref()), (1, None));
    for bad in [r#"{"a": [], "b": []}"#, r#"{"pagination": {}}"#, r#"{"apps": [], "pagination": {"next": 5}}"#, r#"{"apps": [], "pagination": []}"#, "", "[]", "<html>"] {
        let e = parse(Operation::ListApps, 200, &[], bad).unwrap_err();
        assert_eq!(e.code(), "INVALID_RESPONSE", "{bad}");
    }
} }

both! { fn error_responses() {
    let e = api_error(429, &[("Retry-After", "5")], r#"{"code": 20429, "message": "Too many requests. Please retry according to the Retry-After response header.", "more_info": "https://www.twilio.com/docs/api/errors/20429"}"#);
    match &e {
        ApiError::Api { status, twilio_code, message, more_info, retry_after, retryable, body } => {
            assert_eq!((*status, *twilio_code, *retry_after, *retryable), (429, Some(20429), Some(5), true));
            assert_eq!(more_info.as_deref(), Some("https://www.twilio.com/docs/api/errors/20429"));
            assert!(message.contains("429") && message.contains("Too many requests"), "{message}");
            assert_eq!(body.as_deref().unwrap()["code"], json!(20429));
        }
        other => panic!("{other:?}"),
    }
    let e = api_error(400, &[], r#"{"code": 20001, "message": "Invalid request: to[0].token is bad", "moreInfo": "https://www.twilio.com/docs/api/errors/20001", "status": 400, "errors": [{"field": "to[0].token", "message": "bad"}]}"#);
    match &e {
        ApiError::Api { more_info, retryable, .. } => {
            assert_eq!(more_info.as_deref(), Some("https://www.twilio.com/docs/api/errors/20001"));
            assert!(!retryable);
        }
        other => panic!("{other:?}"),
    }
    let expected = [(400, false), (401, false), (403, false), (404, false), (500, false), (502, false), (429, true), (503, true)];
    for (status, retryable) in expected {
        match api_error(status, &[], "") {
            ApiError::Api { retryable: r, message, .. } => {
                assert_eq!(r, retryable, "{status}");
                assert!(message.contains(&status.to_string()) && message.contains("empty body"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    let e = api_error(500, &[], "<html>\n<body>Internal   oops</body></html>");
    assert!(e.message().contains("500 Internal Server Error") && e.message().contains("not JSON: <html> <body>Internal oops"), "{e}");
    let e = api_error(418, &[], r#"{"code": "20418"}"#);
    assert!(matches!(e, ApiError::Api { twilio_code: Some(20418), .. }));
    assert!(e.message().contains("418"));
    // Retry-After as an HTTP date, relative to `now`.
    let e = api_error(503, &[("retry-after", "Tue, 14 Nov 2023 22:13:50 GMT")], "");
    assert_eq!(e.retry_after(), Some(30));
    let e = api_error(503, &[("Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT")], "");
    assert_eq!(e.retry_after(), Some(0));
    assert_eq!(api_error(503, &[("Retry-After", "soon")], "").retry_after(), None);
} }

both! { fn retry_after_forms() {
    assert_eq!(parse_retry_after("120", NOW), Some(120));
    assert_eq!(parse_retry_after(" 0 ", NOW), Some(0));
    assert_eq!(parse_retry_after("99999999999999999999999", NOW), Some(u64::MAX));
    assert_eq!(parse_retry_after("-5", NOW), None);
    assert_eq!(parse_retry_after("1.5", NOW), None);
    assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
    assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
    assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
    for bad in ["Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST", ""] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
} }

// ---------------------------------------------------------------------------------------------
// Retry policy

fn api(status: u16, retry_after: Option<u64>) -> ApiError {
    ApiError::Api {
        status,
        twilio_code: None,
        message: String::new(),
        more_info: None,
        retry_after,
        retryable: matches!(status, 429 | 503),
        body: None,
    }
}

both! { fn backoff_is_exponential_with_full_jitter() {
    let p = RetryPolicy::default();
    assert_eq!((p.max_retries, p.base_ms, p.max_ms), (3, 250, 10_000));
    assert_eq!(backoff_ms(&p, 0, 0.0), 0);
    assert_eq!(backoff_ms(&p, 0, 0.5), 125);
    assert_eq!(backoff_ms(&p, 2, 0.5), 500);
    assert_eq!(backoff_ms(&p, 10, 0.5), 5000);
    assert_eq!(backoff_ms(&p, 1000, 0.999_999), 9999);
    assert_eq!(backoff_ms(&p, 3, f64::NAN), 0);
    assert_eq!(backoff_ms(&p, 3, 7.0), 0);
} }

both! { fn retry_decisions() {
    let p = RetryPolicy::default();
    let net = ApiError::Network { message: String::new() };
    let timeout = ApiError::Timeout { timeout_ms: 1, message: String::new() };
    assert_eq!(decide(Operation::SendPush, &api(503, None), 0, &p, 0.5), RetryDecision::Stop(StopReason::OperationNotRetryable));
    assert_eq!(decide(Operation::SendPush, &net, 0, &p, 0.5), RetryDecision::Stop(StopReason::OperationNotRetryable));
    assert_eq!(decide(Operation::CreateCredential, &api(429, None), 0, &p, 0.5), RetryDecision::Stop(StopReason::OperationNotRetryable));
    assert_eq!(decide(Operation::ListApps, &api(503, None), 0, &p, 0.5), RetryDecision::Retry { delay_ms: 125 });
    assert_eq!(decide(Operation::RegisterDevice, &api(429, None), 1, &p, 0.5), RetryDecision::Retry { delay_ms: 250 });
    assert_eq!(decide(Operation::DeleteUser, &net, 0, &p, 0.0), RetryDecision::Retry { delay_ms: 0 });
    assert_eq!(decide(Operation::FetchUser, &timeout, 2, &p, 0.0), RetryDecision::Retry { delay_ms: 0 });
    for status in [400, 401, 403, 404, 500] {
        assert_eq!(decide(Operation::ListApps, &api(status, None), 0, &p, 0.5), RetryDecision::Stop(StopReason::ErrorNotRetryable));
    }
    assert_eq!(decide(Operation::ListApps, &api(503, None), 3, &p, 0.5), RetryDecision::Stop(StopReason::Exhausted));
    assert_eq!(decide(Operation::ListApps, &api(429, Some(2)), 0, &p, 0.5), RetryDecision::Retry { delay_ms: 2000 });
    assert_eq!(decide(Operation::ListApps, &api(429, Some(11)), 0, &p, 0.5), RetryDecision::Stop(StopReason::RetryAfterTooLong));
    let invalid = ApiError::InvalidResponse { status: 200, message: String::new() };
    assert_eq!(decide(Operation::ListApps, &invalid, 0, &p, 0.5), RetryDecision::Stop(StopReason::ErrorNotRetryable));
} }

both! { fn client_config_reads_transport_settings() {
    let c = ClientConfig::from_value(&json!({"baseUrl": "/api/v1", "auth": {"bearer": "t"}, "maxRetries": 0, "timeoutMs": 50, "retryBaseMs": 1, "retryMaxMs": 2})).unwrap();
    assert_eq!((c.retry.max_retries, c.timeout_ms, c.retry.base_ms, c.retry.max_ms), (0, 50, 1, 2));
    assert_eq!(c.api.base_url, "/api/v1");
    assert_eq!(ClientConfig::from_value(&Value::Null).unwrap(), ClientConfig::default());
    assert_eq!(ClientConfig::default().timeout_ms, 30_000);
    for (bad, f) in [(json!({"maxRetries": 11}), "config.maxRetries"), (json!({"timeoutMs": 0}), "config.timeoutMs"), (json!({"retryBaseMs": -1}), "config.retryBaseMs"), (json!({"retryMaxMs": "1"}), "config.retryMaxMs"), (json!({"retries": 1}), "config")] {
        let e = ClientConfig::from_value(&bad).unwrap_err();
        assert_eq!((e.code(), e.field()), ("INVALID_ARGUMENT", Some(f)), "{bad}");
        assert!(e.message().starts_with(f), "{e}");
    }
} }

// ---------------------------------------------------------------------------------------------
// The JS facade (wasm only)

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Array, Date, Object, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::wasm_bindgen_test;

    use twilio_push_wasm::js::api::{
        apn_credential_content, build_list_device_registrations_request, build_request,
        build_send_push_request, fcm_credential_content, parse_response,
    };

    use super::{CERT_PEM, FCM, HEX, KEY_PEM, USER};

    fn get(v: &JsValue, k: &str) -> JsValue {
        Reflect::get(v, &JsValue::from_str(k)).unwrap()
    }

    fn js(text: &str) -> JsValue {
        JSON::parse(text).unwrap()
    }

    #[wasm_bindgen_test]
    fn builders_return_plain_request_objects() {
        let params = js(&format!(
            r#"{{"to": [{{"token": "{}", "provider": "APN"}}, {{"token": "{FCM}", "provider": "FCM"}}], "content": {{"title": "Hi"}}}}"#,
            HEX.to_uppercase()
        ));
        let config =
            js(r#"{"baseUrl": "/api/v1", "auth": {"username": "ACtest", "password": "secret"}}"#);
        let r = build_send_push_request(params, config).unwrap();
        assert_eq!(get(&r, "method"), "POST");
        assert_eq!(get(&r, "url"), "/api/v1/PushNotifications");
        let headers = get(&r, "headers");
        assert_eq!(get(&headers, "Authorization"), "Basic QUN0ZXN0OnNlY3JldA==");
        assert_eq!(get(&headers, "Content-Type"), "application/json");
        let body = JSON::parse(&get(&r, "body").as_string().unwrap()).unwrap();
        let first = Array::from(&get(&body, "to")).get(0);
        assert_eq!(get(&first, "token"), HEX);
        // Dates become ISO strings; no config means Twilio's URL and no auth.
        let p = Object::new();
        Reflect::set(&p, &"userId".into(), &USER.into()).unwrap();
        Reflect::set(&p, &"pageSize".into(), &JsValue::from(10)).unwrap();
        let r = build_list_device_registrations_request(p.into(), JsValue::UNDEFINED).unwrap();
        assert_eq!(get(&r, "url"), format!("https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations?userId={USER}&pageSize=10"));
        assert!(get(&r, "body").is_null());
        assert!(get(&get(&r, "headers"), "Authorization").is_undefined());
        let p = js(r#"{}"#);
        Reflect::set(&p, &"startDate".into(), &Date::new(&JsValue::from(0.0))).unwrap();
        let r = build_request("listOperations".into(), p, JsValue::NULL).unwrap();
        assert!(get(&r, "url")
            .as_string()
            .unwrap()
            .ends_with("startDate=1970-01-01T00%3A00%3A00.000Z"));
    }

    #[wasm_bindgen_test]
    fn errors_carry_code_field_and_token_code() {
        let params =
            js(r#"{"to": [{"token": "32 bytes", "provider": "APN"}], "content": {"title": "t"}}"#);
        let e = build_send_push_request(params, JsValue::UNDEFINED).unwrap_err();
        assert!(e.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&e, "name"), "ValidationError");
        assert_eq!(get(&e, "code"), "VALIDATION_ERROR");
        assert_eq!(get(&e, "field"), "to[0].token");
        assert_eq!(get(&e, "tokenCode"), "DESCRIPTION_WITHOUT_BYTES");
        let e = build_request("nope".into(), JsValue::NULL, JsValue::NULL).unwrap_err();
        assert_eq!(
            (get(&e, "code"), get(&e, "operation")),
            ("UNKNOWN_OPERATION".into(), "nope".into())
        );
        let cyclic = Object::new();
        Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
        let e = build_request("listUsers".into(), cyclic.into(), JsValue::NULL).unwrap_err();
        assert_eq!(get(&e, "code"), "INVALID_ARGUMENT");
        let e = build_request(
            "listUsers".into(),
            JsValue::NULL,
            js(r#"{"baseUrl": "ftp://x"}"#),
        )
        .unwrap_err();
        assert_eq!(
            (get(&e, "code"), get(&e, "field")),
            ("INVALID_ARGUMENT".into(), "config.baseUrl".into())
        );
    }

    #[wasm_bindgen_test]
    fn parse_response_reads_headers_objects_and_pairs() {
        let r = parse_response(
            "sendPush".into(),
            202.into(),
            js(r#"{"Location": "https://x/v1/PushNotifications/Operations/op_1"}"#),
            "".into(),
        )
        .unwrap();
        assert_eq!(get(&r, "operationId"), "op_1");
        let pairs = js(r#"[["retry-after", "7"]]"#);
        let e = parse_response(
            "listUsers".into(),
            429.into(),
            pairs,
            r#"{"code": 20429, "message": "slow down", "moreInfo": "https://m"}"#.into(),
        )
        .unwrap_err();
        assert!(e.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&e, "name"), "ApiError");
        assert_eq!(get(&e, "code"), "API_ERROR");
        assert_eq!(get(&e, "status"), 429);
        assert_eq!(get(&e, "twilioCode"), 20429);
        assert_eq!(get(&e, "retryAfter"), 7);
        assert_eq!(get(&e, "retryable"), true);
        assert_eq!(get(&e, "moreInfo"), "https://m");
        assert!(get(&e, "message")
            .as_string()
            .unwrap()
            .contains("slow down"));
        let e = parse_response(
            "listUsers".into(),
            500.into(),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        )
        .unwrap_err();
        assert_eq!(
            (
                get(&e, "retryable"),
                get(&e, "twilioCode"),
                get(&e, "retryAfter")
            ),
            (false.into(), JsValue::NULL, JsValue::NULL)
        );
        let page = parse_response(
            "listUsers".into(),
            200.into(),
            JsValue::NULL,
            r#"{"users": [{"id": "u1"}], "pagination": {"next": "t2", "self": "t1"}}"#.into(),
        )
        .unwrap();
        assert!(Object::is(&get(&page, "items"), &get(&page, "users")));
        assert_eq!(get(&page, "nextPageToken"), "t2");
        assert_eq!(get(&page, "collection"), "users");
        let e = parse_response("listUsers".into(), 200.into(), JsValue::NULL, "oops".into())
            .unwrap_err();
        assert_eq!(
            (get(&e, "code"), get(&e, "status")),
            ("INVALID_RESPONSE".into(), 200.into())
        );
        let e =
            parse_response("listUsers".into(), 2000.into(), JsValue::NULL, "".into()).unwrap_err();
        assert_eq!(get(&e, "code"), "INVALID_ARGUMENT");
        let e =
            parse_response("listUsers".into(), 200.into(), "a: b".into(), "".into()).unwrap_err();
        assert_eq!(get(&e, "field"), "headers");
    }

    #[wasm_bindgen_test]
    fn credential_helpers() {
        let c = apn_credential_content(CERT_PEM.into(), KEY_PEM.into()).unwrap();
        assert!(get(&c, "certificate")
            .as_string()
            .unwrap()
            .starts_with("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"));
        assert!(get(&c, "privateKey").is_string());
        let e = apn_credential_content(KEY_PEM.into(), CERT_PEM.into()).unwrap_err();
        assert_eq!(
            (get(&e, "code"), get(&e, "field")),
            ("VALIDATION_ERROR".into(), "certificatePem".into())
        );
        assert!(!get(&e, "message")
            .as_string()
            .unwrap()
            .contains("TOPSECRET"));
        let e = fcm_credential_content(r#"{"type": "service_account"}"#.into()).unwrap_err();
        assert_eq!(get(&e, "field"), "serviceAccountJson.project_id");
        let e = fcm_credential_content(JsValue::from(5)).unwrap_err();
        assert_eq!(get(&e, "code"), "INVALID_ARGUMENT");
        let _ = e.dyn_into::<js_sys::Error>().unwrap();
    }
}
