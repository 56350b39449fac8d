use super::*;

const ADMIN: &str = "admin-token-0123456789abcdef";
const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const ORIGIN: &str = "https://proxy.example";

fn config(extra: &[(&str, &str)]) -> ProxyConfig {
    let mut env: Vec<(&str, &str)> = vec![
        ("ADMIN_TOKEN", ADMIN),
        ("TWILIO_ACCOUNT_SID", "ACtest"),
        ("TWILIO_AUTH_TOKEN", "twilio-secret"),
        (
            "ALLOWED_ORIGINS",
            "https://admin.example, https://other.example/",
        ),
    ];
    for (k, v) in extra {
        env.retain(|(key, _)| key != k);
        env.push((k, v));
    }
    ProxyConfig::from_env(&|k| {
        env.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
    })
    .unwrap()
}

fn proxy() -> Proxy {
    Proxy::new(config(&[]))
}

struct Req {
    method: &'static str,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
}

fn req(method: &'static str, path: &str) -> Req {
    Req {
        method,
        path: path.to_string(),
        query: String::new(),
        headers: vec![("Authorization".into(), ["Bearer ", ADMIN].concat())],
    }
}

impl Req {
    fn header(mut self, k: &str, v: &str) -> Req {
        self.headers.retain(|(key, _)| !key.eq_ignore_ascii_case(k));
        self.headers.push((k.into(), v.into()));
        self
    }
    fn without(mut self, k: &str) -> Req {
        self.headers.retain(|(key, _)| !key.eq_ignore_ascii_case(k));
        self
    }
    fn query(mut self, q: &str) -> Req {
        self.query = q.into();
        self
    }
    fn json(self) -> Req {
        self.header("Content-Type", "application/json")
    }
    fn incoming(&self) -> Incoming<'_> {
        Incoming {
            method: self.method,
            path: &self.path,
            query: &self.query,
            own_origin: ORIGIN,
            headers: &self.headers,
        }
    }
    /// Runs both steps like the glue does.
    fn run(&self, p: &Proxy, body: &str) -> Prepared {
        match p.head(&self.incoming()) {
            Head::Respond(r) => Prepared::Respond(r),
            Head::ReadBody { limit } => {
                assert!(
                    body.len() <= limit || limit == 0 || body.len() > p.config().max_body_bytes
                );
                p.prepare(&self.incoming(), body.as_bytes())
            }
        }
    }
}

fn refused(p: Prepared) -> (u16, Value, Vec<(String, String)>) {
    match p {
        Prepared::Respond(r) => {
            let body = if r.body.is_empty() {
                Value::Null
            } else {
                serde_json::from_str::<Value>(&r.body).unwrap()
            };
            (r.status, body, r.headers)
        }
        Prepared::Forward(f) => panic!("forwarded {:?}", f.request),
    }
}

fn forwarded(p: Prepared) -> Forward {
    match p {
        Prepared::Forward(f) => f,
        Prepared::Respond(r) => panic!("answered {} {}", r.status, r.body),
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn health_needs_no_token_and_reveals_no_secret() {
    let (status, body, _) = refused(
        req("GET", "/api/health")
            .without("Authorization")
            .run(&proxy(), ""),
    );
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["upstream"], "twilio");
    let text = body.to_string();
    assert!(!text.contains("twilio-secret") && !text.contains(ADMIN));
    assert!(body.get("wasmMemoryBytes").is_none(), "{text}");
}

#[test]
fn health_shows_the_memory_size_only_with_the_admin_token() {
    let p = proxy();
    let (status, body, _) = refused(req("GET", "/api/health").run(&p, ""));
    assert_eq!(status, 200);
    assert!(body["wasmMemoryBytes"].is_number(), "{body}");
    let (_, body, _) = refused(
        req("GET", "/api/health")
            .header("Authorization", "Bearer not-the-admin-token-at-all")
            .run(&p, ""),
    );
    assert!(body.get("wasmMemoryBytes").is_none(), "{body}");
}

#[test]
fn unknown_routes_and_methods() {
    let p = proxy();
    let (status, body, _) = refused(req("GET", "/api/v2/PushNotifications").run(&p, ""));
    assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")));
    let (status, body, headers) = refused(req("PUT", "/api/v1/PushNotifications").run(&p, ""));
    assert_eq!(
        (status, body["code"].as_str()),
        (405, Some("METHOD_NOT_ALLOWED"))
    );
    assert_eq!(header(&headers, "Allow"), Some("GET, POST"));
    let (status, _, _) = refused(req("GET", "/etc/passwd").run(&p, ""));
    assert_eq!(status, 404);
}

#[test]
fn auth_fails_closed_and_compares_the_whole_token() {
    let unconfigured = Proxy::new(config(&[("ADMIN_TOKEN", "")]));
    let (status, body, _) =
        refused(req("GET", "/api/v1/PushNotifications/Apps").run(&unconfigured, ""));
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("ADMIN_TOKEN_NOT_CONFIGURED"))
    );

    let p = proxy();
    let wrong_same_length: String = ADMIN.chars().rev().collect();
    for auth in [
        None,
        Some(["Bearer ", &wrong_same_length].concat()),
        Some(["Basic ", ADMIN].concat()),
        Some(["Bearer ", &ADMIN[..ADMIN.len() - 1]].concat()),
        Some(["Bearer ", ADMIN, "x"].concat()),
        Some(["Bearer  ", ADMIN].concat()),
        Some(ADMIN.to_string()),
    ] {
        let mut r = req("GET", "/api/v1/PushNotifications/Apps").without("Authorization");
        if let Some(a) = &auth {
            r = r.header("Authorization", a);
        }
        let (status, body, headers) = refused(r.run(&p, ""));
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("UNAUTHORIZED")),
            "{auth:?}"
        );
        assert_eq!(header(&headers, "WWW-Authenticate"), Some("Bearer"));
        assert!(!body.to_string().contains(ADMIN));
    }
    let ok = req("GET", "/api/v1/PushNotifications/Apps")
        .header("Authorization", &["bearer ", ADMIN].concat());
    forwarded(ok.run(&p, ""));
}

#[test]
fn missing_twilio_credentials_fail_closed() {
    let p = Proxy::new(config(&[
        ("TWILIO_ACCOUNT_SID", ""),
        ("TWILIO_AUTH_TOKEN", ""),
    ]));
    let (status, body, _) = refused(req("GET", "/api/v1/PushNotifications/Apps").run(&p, ""));
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("UPSTREAM_NOT_CONFIGURED"))
    );
    assert_eq!(body["retryable"], false, "a configuration error: {body}");
    let p = Proxy::new(config(&[("ADMIN_TOKEN", "")]));
    let (status, body, _) = refused(req("GET", "/api/v1/PushNotifications/Apps").run(&p, ""));
    assert_eq!(
        (status, body["code"].as_str(), body["retryable"].as_bool()),
        (503, Some("ADMIN_TOKEN_NOT_CONFIGURED"), Some(false))
    );
}

#[test]
fn configuration_errors_name_the_variable_not_the_value() {
    let env = [("ADMIN_TOKEN", "short"), ("TWILIO_ACCOUNT_SID", "AC")];
    let e = ProxyConfig::from_env(&|k| {
        env.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
    })
    .unwrap_err();
    assert!(["ADMIN_TOKEN", "TWILIO_AUTH_TOKEN"].contains(&e.variable));
    assert!(!e.to_string().contains("short"));
    let env = [("MAX_BODY_BYTES", "lots")];
    let e = ProxyConfig::from_env(&|k| {
        env.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.to_string())
    })
    .unwrap_err();
    assert_eq!(e.variable, "MAX_BODY_BYTES");
    let debug = format!("{:?}", config(&[]));
    assert!(
        !debug.contains(ADMIN) && !debug.contains("twilio-secret"),
        "{debug}"
    );
}

#[test]
fn cors_allows_listed_origins_only() {
    let p = proxy();
    let same = req("GET", "/api/v1/PushNotifications/Apps").header("Origin", ORIGIN);
    assert!(forwarded(same.run(&p, "")).cors.is_empty());
    let listed =
        req("GET", "/api/v1/PushNotifications/Apps").header("Origin", "https://other.example");
    let f = forwarded(listed.run(&p, ""));
    assert_eq!(
        header(&f.cors, "Access-Control-Allow-Origin"),
        Some("https://other.example")
    );
    for origin in [
        "https://evil.example",
        "null",
        "https://admin.example.evil",
        "http://admin.example",
    ] {
        let r = req("GET", "/api/v1/PushNotifications/Apps").header("Origin", origin);
        let (status, body, _) = refused(r.run(&p, ""));
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("ORIGIN_NOT_ALLOWED")),
            "{origin}"
        );
    }
    let preflight = req("OPTIONS", "/api/v1/PushNotifications/DeviceRegistrations")
        .without("Authorization")
        .header("Origin", "https://admin.example")
        .header("Access-Control-Request-Method", "POST");
    let (status, _, headers) = refused(preflight.run(&p, ""));
    assert_eq!(status, 204);
    assert_eq!(
        header(&headers, "Access-Control-Allow-Origin"),
        Some("https://admin.example")
    );
    assert_eq!(
        header(&headers, "Access-Control-Allow-Methods"),
        Some("POST, OPTIONS")
    );
    assert!(header(&headers, "Access-Control-Allow-Headers")
        .unwrap()
        .contains("Authorization"));
    let refused_preflight = req("OPTIONS", "/api/v1/PushNotifications/DeviceRegistrations")
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST");
    assert_eq!(refused(refused_preflight.run(&p, "")).0, 403);
}

#[test]
fn bodies_must_be_small_json_objects() {
    let p = proxy();
    let path = "/api/v1/PushNotifications/DeviceRegistrations";
    let (status, body, _) = refused(
        req("POST", path)
            .header("Content-Type", "text/plain")
            .run(&p, "{}"),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (415, Some("UNSUPPORTED_MEDIA_TYPE"))
    );
    let big = req("POST", path).json().header("Content-Length", "3000000");
    assert_eq!(refused(big.run(&p, "")).0, 413);
    let huge_body = "x".repeat(p.config().max_body_bytes + 1);
    assert_eq!(
        refused(p.prepare(&req("POST", path).json().incoming(), huge_body.as_bytes())).0,
        413
    );
    for (text, code) in [
        ("", "INVALID_JSON"),
        ("{", "INVALID_JSON"),
        ("[1]", "INVALID_JSON"),
        ("\"x\"", "INVALID_JSON"),
    ] {
        let (status, body, _) = refused(req("POST", path).json().run(&p, text));
        assert_eq!((status, body["code"].as_str()), (400, Some(code)), "{text}");
    }
    let bad_utf8 = p.prepare(&req("POST", path).json().incoming(), b"{\"a\":\"\xff\"}");
    assert_eq!(refused(bad_utf8).1["code"], "INVALID_BODY");
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert_eq!(refused(req("POST", path).json().run(&p, &deep)).0, 400);
}

#[test]
fn params_are_validated_by_the_builders_before_anything_is_forwarded() {
    let p = proxy();
    let path = "/api/v1/PushNotifications/DeviceRegistrations";
    let body = r#"{"appName":"demo_app","provider":"APN","token":"{length = 32, bytes = 0x965b251c ... 376eab7c }"}"#;
    let (status, body, _) = refused(req("POST", path).json().run(&p, body));
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("VALIDATION_ERROR"))
    );
    assert_eq!(body["field"], "token");
    assert_eq!(body["tokenCode"], "TRUNCATED_DESCRIPTION");
    let unknown = r#"{"appName":"demo_app","provider":"APN","token":"x","evil":"1"}"#;
    assert_eq!(refused(req("POST", path).json().run(&p, unknown)).0, 400);
}

#[test]
fn path_and_query_tricks_are_refused() {
    let p = proxy();
    for path in [
        "/api/v1/PushNotifications/DeviceRegistrations/a%2Fb",
        "/api/v1/PushNotifications/DeviceRegistrations/%2e%2e",
        "/api/v1/PushNotifications/DeviceRegistrations/..",
        "/api/v1/PushNotifications/DeviceRegistrations/a%0d%0aX-Injected:%201",
        "/api/v1/PushNotifications/DeviceRegistrations/a%3Fb",
        "/api/v1/PushNotifications/DeviceRegistrations/%ff",
        "/api/v1/PushNotifications/DeviceRegistrations/%zz",
    ] {
        let (status, _, _) = refused(req("GET", path).run(&p, ""));
        assert_eq!(status, 400, "{path}");
    }
    let list = "/api/v1/PushNotifications/DeviceRegistrations";
    for q in [
        "userId=u&evil=1",
        "userId=u&userId=v",
        "userId=u&pageSize=ten",
        "userId=u&pageSize=0",
        "pageSize=5",
    ] {
        let (status, _, _) = refused(req("GET", list).query(q).run(&p, ""));
        assert_eq!(status, 400, "{q}");
    }
    let (_, body, _) = refused(
        req("GET", "/api/v1/PushNotifications/Apps/demo_app")
            .query("x=1")
            .run(&p, ""),
    );
    assert_eq!(body["code"], "UNKNOWN_QUERY_PARAMETER");
}

#[test]
fn the_upstream_request_is_rebuilt_not_relayed() {
    let p = proxy();
    let body = format!(
        r#"{{"to":[{{"token":"<{}>","provider":"APN"}},{{"userId":"comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8"}}],"content":{{"title":"Hi"}}}}"#,
        HEX.to_uppercase()
    );
    let r = req("POST", "/api/v1/PushNotifications")
        .json()
        .header("X-Forwarded-For", "1.2.3.4")
        .header("Cookie", "a=b");
    let f = forwarded(r.run(&p, &body));
    assert_eq!(f.operation, Operation::SendPush);
    assert!(!f.retryable, "a send is never retried");
    assert_eq!(f.request.method, "POST");
    assert_eq!(
        f.request.url,
        "https://comms.twilio.com/v1/PushNotifications"
    );
    let auth = f.request.header("Authorization").unwrap();
    assert!(
        auth.starts_with("Basic "),
        "the proxy's own credentials, not the admin token"
    );
    assert!(!f
        .request
        .headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("Cookie")
            || v.contains(ADMIN)
            || k.eq_ignore_ascii_case("X-Forwarded-For")));
    let sent: Value = serde_json::from_str::<Value>(f.request.body.as_deref().unwrap()).unwrap();
    assert_eq!(sent["to"][0]["token"], HEX, "sent canonical");

    let r = req("GET", "/api/v1/PushNotifications/DeviceRegistrations")
        .query("userId=comms_user%3A1&pageSize=10&appName=demo_app");
    let f = forwarded(r.run(&p, ""));
    assert!(f.retryable);
    assert!(
        f.request
            .url
            .starts_with("https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations?"),
        "{}",
        f.request.url
    );
    assert!(
        f.request.url.contains("userId=comms_user%3A1"),
        "{}",
        f.request.url
    );
    assert!(f.request.url.contains("pageSize=10"));

    let r = req(
        "PATCH",
        "/api/v1/PushNotifications/Credentials/comms_credential_1",
    )
    .json();
    let f = forwarded(r.run(&p, r#"{"isDefault":true}"#));
    assert_eq!(
        f.request.url,
        "https://comms.twilio.com/v1/PushNotifications/Credentials/comms_credential_1"
    );
    let dup = req(
        "PATCH",
        "/api/v1/PushNotifications/Credentials/comms_credential_1",
    )
    .json();
    assert_eq!(
        refused(dup.run(&p, r#"{"credentialId":"other","isDefault":true}"#)).0,
        400
    );
}

#[test]
fn upstream_answers_become_definite_json() {
    let p = proxy();
    let ok = p.complete(
        Operation::SendPush,
        &[],
        202,
        &[("Location".into(), "https://comms.twilio.com/v1/PushNotifications/Operations/op1".into())],
        r#"{"operationId":"op1","operationLocation":"https://comms.twilio.com/v1/PushNotifications/Operations/op1"}"#,
    );
    assert_eq!(ok.status, 202);
    assert!(ok.body.contains("op1"));
    assert!(header(&ok.headers, "Location").is_some());

    let limited = p.complete(
        Operation::RegisterDevice,
        &[],
        429,
        &[("Retry-After".into(), "3".into())],
        r#"{"code":20429,"message":"Too many requests","more_info":"https://www.twilio.com/docs/api/errors/20429"}"#,
    );
    let body: Value = serde_json::from_str::<Value>(&limited.body).unwrap();
    assert_eq!(
        (
            limited.status,
            body["code"].as_str(),
            body["retryable"].as_bool()
        ),
        (429, Some("API_ERROR"), Some(true))
    );
    assert_eq!(body["twilioCode"], 20429);
    assert_eq!(
        body["moreInfo"],
        "https://www.twilio.com/docs/api/errors/20429"
    );
    assert_eq!(header(&limited.headers, "Retry-After"), Some("3"));

    let refused_creds = p.complete(
        Operation::ListApps,
        &[],
        401,
        &[],
        r#"{"code":20003,"message":"Authenticate"}"#,
    );
    assert_eq!(refused_creds.status, 502);
    assert!(refused_creds.body.contains("UPSTREAM_AUTH_FAILED"));

    let html = p.complete(Operation::ListApps, &[], 500, &[], "<html>oops</html>");
    let body: Value = serde_json::from_str::<Value>(&html.body).unwrap();
    assert_eq!(
        (html.status, body["retryable"].as_bool()),
        (500, Some(false))
    );

    let garbage = p.complete(Operation::ListApps, &[], 200, &[], "not json");
    assert_eq!(garbage.status, 502);

    let timeout = p.upstream_failure(Operation::SendPush, &[], UpstreamFailure::Timeout);
    assert_eq!(timeout.status, 504);
    assert!(timeout.body.contains("may or may not have been accepted"));
}

#[test]
fn percent_decoding() {
    assert_eq!(percent_decode("a%20b%2F").as_deref(), Some("a b/"));
    assert_eq!(percent_decode("%e2%82%ac").as_deref(), Some("€"));
    assert_eq!(percent_decode("%"), None);
    assert_eq!(percent_decode("%g0"), None);
    assert_eq!(percent_decode("%ff"), None);
    assert_eq!(percent_decode_query("a+b").as_deref(), Some("a b"));
    assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
}

#[test]
fn the_client_retry_policy_decides_repeats() {
    let p = proxy();
    let busy = |op, retries| {
        p.complete_with_retry(
            op,
            &[],
            503,
            &[("Retry-After".into(), "1".into())],
            r#"{"code":20503,"message":"busy"}"#,
            retries,
            0.5,
        )
        .1
    };
    assert!(
        busy(Operation::RegisterDevice, 0).unwrap() >= 1000,
        "Retry-After is a floor"
    );
    assert_eq!(
        busy(Operation::SendPush, 0),
        None,
        "a send is never repeated"
    );
    assert_eq!(
        busy(Operation::RegisterDevice, p.config().max_retries),
        None,
        "bounded"
    );
    let server_error = p
        .complete_with_retry(Operation::ListApps, &[], 500, &[], "{}", 0, 0.5)
        .1;
    assert_eq!(server_error, None, "500 is not retried");
    let (_, retry) = p.upstream_failure_with_retry(
        Operation::ListApps,
        &[],
        UpstreamFailure::Unreachable,
        0,
        0.5,
    );
    assert!(retry.is_some());
    let (_, retry) =
        p.upstream_failure_with_retry(Operation::SendPush, &[], UpstreamFailure::Timeout, 0, 0.5);
    assert_eq!(retry, None);
}

#[test]
fn a_final_error_after_an_unanswered_attempt_says_it_may_have_been_applied() {
    let r = error_response(500, "API_ERROR", "boom", &[]);
    let marked: Value =
        serde_json::from_str::<Value>(&with_unknown_outcome(r.clone(), true).body).unwrap();
    assert_eq!(marked["outcomeUnknown"], true);
    assert!(marked["message"]
        .as_str()
        .unwrap()
        .contains("may have been applied"));
    assert_eq!(with_unknown_outcome(r.clone(), false), r);
    let ok = ProxyResponse {
        status: 202,
        headers: vec![],
        body: "{}".into(),
    };
    assert_eq!(with_unknown_outcome(ok.clone(), true), ok);
}

#[test]
fn a_fetch_passes_through_exactly_when_the_full_reading_accepts_it() {
    let deep = format!("{}1{}", "{\"a\":[".repeat(70), "]}".repeat(70));
    let bodies = [
        "{}",
        " {\"id\":\"r1\",\"devices\":[{\"token\":\"ab\",\"n\":-1.5e3},null,true]}\n",
        "{\"a\":18446744073709551616,\"b\":-0.0,\"c\":\"\\u00e9\\n\"}",
        "{\"a\":1e400}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":1} x",
        "{\"a\":",
        "{\"a\":1,\"a\":2}",
        "[]",
        "\"text\"",
        "\u{a0}{}",
        "{'a':1}",
        deep.as_str(),
    ];
    let p = proxy();
    for body in bodies {
        let full = api::parse_response(Operation::GetDeviceRegistration, 200, &[], body);
        assert_eq!(
            is_json_object(body),
            matches!(full, Ok(api::ApiResult::Object(_))),
            "{body:?}"
        );
        let r = p.complete(Operation::GetDeviceRegistration, &[], 200, &[], body);
        match full {
            Ok(_) => assert_eq!((r.status, r.body.as_str()), (200, body)),
            Err(_) => assert_eq!(r.status, 502, "{body:?}"),
        }
    }
}

#[test]
fn start_decides_as_head_then_prepare_do() {
    let p = proxy();
    let get = "/api/v1/PushNotifications/DeviceRegistrations/r1";
    let cases = [
        req("GET", get),
        req("DELETE", get),
        req("GET", get).without("Authorization"),
        req("GET", get).header("Origin", "https://admin.example"),
        req("GET", get).header("Origin", "https://evil.example"),
        req("GET", "/api/v1/PushNotifications/Apps/").json(),
        req("PUT", get),
        req("GET", "/api/v1/PushNotifications/DeviceRegistrations").query("pageSize=x"),
        req("OPTIONS", get)
            .header("Origin", "https://admin.example")
            .header("Access-Control-Request-Method", "GET"),
    ];
    for case in &cases {
        assert_eq!(
            p.start(&case.incoming()),
            Ok(case.run(&p, "")),
            "{} {}",
            case.method,
            case.path
        );
    }
    // A route that takes a body: read it first, up to the limit.
    let post = req("POST", "/api/v1/PushNotifications/DeviceRegistrations").json();
    assert_eq!(p.start(&post.incoming()), Err(p.config().max_body_bytes));
}
