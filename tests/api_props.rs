//! Property tests of the request builders and the response parser: no input makes them panic,
//! and every failure is one of the documented codes.
#![cfg(all(not(target_arch = "wasm32"), feature = "api"))]

use proptest::prelude::*;
use serde_json::{Number, Value};

type Map = serde_json::Map<String, Value>;

use twilio_push_wasm::api::response::{parse_http_date, parse_response_at, parse_retry_after};
use twilio_push_wasm::api::{build_request, ApiConfig, ApiError, Auth, Operation, FIELD_NAMES};

const STRINGS: &[&str] = &[
    "APN", "FCM", "HIGH", "LOW", "SENT", "PROCESSING", "APN_SANDBOX", "limonade_app",
    "2024-01-15T09:30:00Z", "2024-02-30T00:00:00Z", "..", "%2F", "a/b",
    "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b",
    "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh",
    "{length = 32, bytes = 0x965b251c 6cb1926d ... 376eab7c 4c5e0c1b }", "LS0tLS1CRUdJTg==",
    "\u{0}", "é\u{301}\u{202e}", "\u{10ffff}", "",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(STRINGS).prop_map(str::to_string),
        2 => any::<String>(),
        1 => "[a-z_]{0,70}",
        1 => "\\PC{0,300}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(FIELD_NAMES).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0i64..1200).prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 80, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map>())),
        ]
    })
}

fn operation() -> impl Strategy<Value = Operation> {
    proptest::sample::select(Operation::ALL.to_vec())
}

fn config() -> ApiConfig {
    ApiConfig::new(
        "https://comms.twilio.com/v1",
        Some(Auth::Basic {
            username: "AC".into(),
            password: "s".into(),
        }),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_params_give_a_request_or_a_coded_error(op in operation(), params in json()) {
        match build_request(op, &params, &config()) {
            Ok(r) => {
                prop_assert_eq!(r.method, op.method());
                prop_assert!(r.url.starts_with("https://comms.twilio.com/v1/PushNotifications"));
                prop_assert!(r.url.bytes().all(|b| b.is_ascii_graphic()), "{}", r.url);
                if let Some(body) = &r.body {
                    prop_assert!(serde_json::from_str::<Value>(body).is_ok());
                }
            }
            Err(e) => {
                prop_assert!(ApiError::CODES.contains(&e.code()));
                prop_assert!(!e.message().is_empty());
                if let Some(field) = e.field() {
                    prop_assert!(e.message().starts_with(field));
                }
            }
        }
    }

    #[test]
    fn objects_with_known_fields_never_panic(op in operation(), fields in prop::collection::vec((key(), json()), 0..6)) {
        let params = Value::Object(fields.into_iter().collect());
        if let Err(e) = build_request(op, &params, &config()) {
            prop_assert!(ApiError::CODES.contains(&e.code()));
        }
    }

    #[test]
    fn any_response_is_read_or_a_coded_error(
        op in operation(),
        status in prop_oneof![any::<u16>(), 199u16..=205, Just(429u16), Just(503u16)],
        headers in prop::collection::vec((prop_oneof![Just("Retry-After".to_string()), Just("Location".to_string()), Just("operation-id".to_string()), any::<String>()], text()), 0..4),
        body in prop_oneof![json().prop_map(|v| v.to_string()), any::<String>()],
        now in any::<u64>(),
    ) {
        match parse_response_at(op, status, &headers, &body, now) {
            Ok(result) => {
                prop_assert!((200..300).contains(&status));
                let _ = result.to_json();
            }
            Err(e) => {
                prop_assert!(matches!(e.code(), "API_ERROR" | "INVALID_RESPONSE"));
                if !(200..300).contains(&status) {
                    prop_assert_eq!(e.code(), "API_ERROR");
                    prop_assert!(e.message().contains(&status.to_string()));
                }
            }
        }
    }

    #[test]
    fn date_parsers_never_panic(s in "\\PC{0,40}", n in any::<u64>()) {
        // Dates in params go through the builders' ISO 8601 parser.
        let _ = build_request(Operation::ListOperations, &serde_json::json!({"startDate": s}), &config());
        let _ = parse_http_date(&s);
        let _ = parse_retry_after(&s, n);
    }
}
