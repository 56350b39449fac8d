//! Inputs the fuzz targets (`fuzz/`, run with `make fuzz`) found or that are worth keeping,
//! replayed natively through the same checks the targets run (`fuzz/src/checks.rs`, included
//! below): every invariant a target asserts is asserted here for these inputs.
#![cfg(all(not(target_arch = "wasm32"), feature = "proxy"))]

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

use serde_json::json;
use serde_json::Value;

use checks::{check_batch, check_build, check_proxy, check_response, check_token, proxies};
use twilio_push_wasm::api::Operation;

const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const FCM: &str = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";

/// The committed seeds of `target`, as the fuzzer reads them.
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

// ---------------------------------------------------------------------------------------------
// Found by the parse_response target (fixed in src/proxy/mod.rs)

/// An upstream 3xx (the proxy's upstream fetch does not follow redirects) was answered with the
/// same 3xx status and an error body: not an error status a client reads as one, and a 304
/// answer cannot carry a body at all. Now 502 INVALID_UPSTREAM_RESPONSE.
#[test]
fn an_upstream_redirect_is_an_unexpected_answer_not_a_redirect() {
    check_response(b"11 302\nLocation: https://evil.example/\n\n");
    let proxy = &proxies()[0].0;
    for status in [300, 301, 302, 304, 307, 308, 399] {
        let answer = proxy.complete(Operation::FetchApp, &[], status, &[], "");
        assert_eq!(answer.status, 502, "{status}");
        let body: Value = serde_json::from_str::<Value>(&answer.body).unwrap();
        assert_eq!(body["code"], "INVALID_UPSTREAM_RESPONSE", "{status}");
    }
}

/// A send accepted with the operation in headers and an empty body was answered 202 with an
/// empty "JSON" body and without the ID (only `Location` is passed on): the client reading the
/// proxy's answer got INVALID_RESPONSE for an accepted push. Now the IDs go into the body.
#[test]
fn ids_sent_in_headers_only_reach_the_client() {
    check_response(
        b"sendPush 202\nLocation: https://comms.twilio.com/v1/PushNotifications/Operations/comms_operation_x%2Fy\n\n",
    );
    check_response(b"sendPush 202\nX-Twilio-Operation-Id: op_2\n\n");
    check_response(b"sendPush 202\noperation-id: op_1\noperation-location: /v1/x/op_1\n\n{}");
    check_response(
        b"registerDevice 201\nresource-id: comms_device_registration_01\n\n{\"resourceId\":\"\"}",
    );
    let proxy = &proxies()[0].0;
    let answer = proxy.complete(
        Operation::SendPush,
        &[],
        202,
        &[("X-Twilio-Operation-Id".into(), "op_2".into())],
        "",
    );
    assert_eq!(answer.status, 202);
    let body: Value = serde_json::from_str::<Value>(&answer.body).unwrap();
    assert_eq!(body["operationId"], "op_2");
    // A body that already has everything is passed on byte for byte.
    let sent = r#"{ "operationId": "op_3", "operationLocation": "/v1/x/op_3", "extra": 1 }"#;
    let answer = proxy.complete(Operation::SendPush, &[], 202, &[], sent);
    assert_eq!(answer.body, sent);
    // A 204 has no body to carry them.
    let answer = proxy.complete(
        Operation::DeleteUser,
        &[],
        204,
        &[("resource-id".into(), "u".into())],
        "",
    );
    assert_eq!((answer.status, answer.body.as_str()), (204, ""));
}

/// An upstream 204 with a stray body (here a newline) was passed on as a 204 with that body; a
/// 204 answer has none (`ProxyResponse::body` is "empty for a 204").
#[test]
fn a_204_answer_has_no_body() {
    check_response(b"deleteUser 204\ndeleteUser 204\n\n\n");
    check_response(b"updateApp 204\n\n{\"resourceId\":\"x\"}");
    let proxy = &proxies()[0].0;
    let answer = proxy.complete(Operation::DeleteUser, &[], 204, &[], " \n");
    assert_eq!((answer.status, answer.body.as_str()), (204, ""));
}

// ---------------------------------------------------------------------------------------------
// Interesting inputs kept as seeds

#[test]
fn token_seeds() {
    for input in [
        HEX.to_string(),
        HEX.to_uppercase(),
        format!(
            "<{}>",
            HEX.as_bytes()
                .chunks(8)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        format!(" 0x{HEX}\t"),
        format!("{{length = 32, bytes = 0x{HEX}}}"),
        "{length = 32, bytes = 0x965b251c 6cb1926d ... 376eab7c 4c5e0c1b }".to_string(),
        FCM.to_string(),
        FCM[22..].to_string(),
        "utJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFAukXD89hGq".to_string(),
        "32 bytes".to_string(),
        "E621E1F8-C36C-495A-93FC-0C247A3E6E5F".to_string(),
        format!("{}\u{200b}", &HEX[..63]),
        "\u{feff}\u{a0}".to_string(),
        String::new(),
    ] {
        check_token(input.as_bytes());
    }
    check_token(&[0xff; 32]);
    check_token(&[0xc3; 101]);
    for (_, data) in seeds("token") {
        check_token(&data);
    }
}

#[test]
fn batch_seeds() {
    let upper = HEX.to_uppercase();
    check_batch(
        format!("{HEX}\n{upper}\r\n\n  \n<{HEX}>\n{FCM}\n {FCM} \nDEVICE_TOKEN\n").as_bytes(),
    );
    check_batch(format!("\n\n{HEX}\n\n\n").as_bytes());
    check_batch(b"\xff\xfe\n\xe2\x80\n\r\n\r");
    for (_, data) in seeds("batch") {
        check_batch(&data);
    }
}

#[test]
fn build_request_seeds() {
    for params in [
        json!({"to": [{"token": FCM, "provider": "FCM"}, {"token": format!("<{}>", HEX.to_uppercase()), "provider": "APN"}, {"userId": "comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8"}],
               "content": {"title": "Hi", "body": "there"}, "priority": "LOW", "tags": {"a": "b"}, "schedule": {"sendAt": "2030-01-15T09:30:00Z"}}),
        json!({"appName": "ios_app", "token": format!("0x{HEX}"), "provider": "APN"}),
        json!({"credentialId": "comms_credential_01h9krwprkeee8fzqspvwy6nq8", "isDefault": false, "tags": {"k": ""}}),
        json!({"pageToken": "a&b=c/+", "pageSize": 1000, "tags": "region:eu;tier:gold"}),
        json!({"appName": "..", "userId": "%2e%2E", "operationId": "a/b"}),
        json!({"to": [{"token": HEX, "provider": "FCM"}], "content": {}}),
        json!([]),
        Value::Null,
    ] {
        check_build(&params);
    }
    for (name, data) in seeds("build_request") {
        // Non-JSON seeds are turned into params with `arbitrary`, which only the fuzz crate has.
        if let Some(params) = std::str::from_utf8(&data)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
        {
            check_build(&params);
        } else {
            assert!(!name.ends_with(".json"), "{name} is not JSON");
        }
    }
}

#[test]
fn parse_response_seeds() {
    check_response(b"listOperationErrors 200\n\n{\"items\":[1],\"pagination\":{\"next\":\"https://x/?pageToken=\"}}");
    check_response(b"fetchOperation 429\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\n\n");
    check_response(b"sendPush 65535\n\n{\"code\":\"x\"}");
    for (_, data) in seeds("parse_response") {
        check_response(&data);
    }
}

#[test]
fn proxy_seeds() {
    let auth = format!("Authorization: Bearer {}", checks::ADMIN);
    check_proxy(format!("DELETE /api/v1/PushNotifications/Users/.%2E\n{auth}\n\n").as_bytes());
    check_proxy(format!("GET /api/v1/PushNotifications?pageToken=%ZZ\n{auth}\n\n").as_bytes());
    let mut not_utf8 = format!(
        "POST /api/v1/PushNotifications/DeviceRegistrations\n{auth}\nContent-Type: application/json\n\n"
    )
    .into_bytes();
    not_utf8.push(0xff);
    check_proxy(&not_utf8);
    check_proxy(b"OPTIONS /api/health\nOrigin: https://admin.example\nAccess-Control-Request-Method: GET\n\n");
    for (_, data) in seeds("proxy") {
        check_proxy(&data);
    }
}
