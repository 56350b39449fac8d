//! Shared code of the fuzz targets: the invariants ([`checks`], also compiled into
//! `tests/fuzz_regressions.rs`) and the JSON params derived from fuzz input.

pub mod checks;

use arbitrary::{Result, Unstructured};
use twilio_push_wasm::api::{Operation, FIELD_NAMES};
use serde_json::{Number, Value};

type Map = serde_json::Map<String, Value>;

/// Every enum spelling the params use, and a near miss.
const ENUMS: &[&str] = &[
    "APN",
    "FCM",
    "APN_SANDBOX",
    "HIGH",
    "LOW",
    "SCHEDULED",
    "QUEUED",
    "SENT",
    "FAILED",
    "CANCELED",
    "PROCESSING",
    "COMPLETED",
    "apn",
];

/// IDs and names that pass the rules.
const IDS: &[&str] = &[
    "limonade_app",
    "ios_app_2",
    "comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8",
    "comms_credential_01h9krwprkeee8fzqspvwy6nq8",
    "comms_operation_01h9ksxq9v7b2m4r5t6y7z8a9",
    "comms_device_registration_01h9krwprkeee8fzqspvwy6nq8",
];

/// IDs and names that should not (or only just) pass.
const ODD_IDS: &[&str] = &[
    "abc/+==",
    "..",
    ".",
    "%2e%2E",
    "%2F",
    "a/b",
    "a?b",
    "a#b",
    "a b",
    "a&b=c",
    "\u{0}",
    "\u{202e}",
    "é\u{301}",
    "",
];

const DATES: &[&str] = &[
    "2024-01-15T09:30:00Z",
    "2030-01-15T09:30:00.123+02:00",
    "2024-02-29T23:59:60+14:00",
    "2024-02-30T00:00:00Z",
    "2024-01-15",
    "1970-01-01T00:00:00-00:00",
    "9999-12-31T23:59:59Z",
];

/// APNs tokens in every accepted spelling, then broken ones.
const APN_TOKENS: &[&str] = &[
    "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b",
    "965B251C6CB1926DE3CB366FDB3F9AE4A2D3E6B0BBD8EB0B9DCEA8D3E4377C2B",
    "<965b251c 6cb1926d e3cb366f db3f9ae4 a2d3e6b0 bbd8eb0b 9dcea8d3 e4377c2b>",
    "0x965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b",
    "{length = 32, bytes = 0x965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b}",
    "lltRHGyxkm3jyzZv2z+a5KLT5rC72OsLnc6o0+Q3fCs=",
    "utJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFAukXD89hGq",
    "{length = 32, bytes = 0x965b251c 6cb1926d ... 376eab7c 4c5e0c1b }",
    "DEVICE_TOKEN",
];

/// FCM and GCM tokens.
const FCM_TOKENS: &[&str] = &[
    "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh",
    "APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQ",
];

/// Credential files, base64: an APNs certificate and key, an FCM service account, near misses.
const BASE64: &[&str] = &[
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tTUlJRm5UQ0NCSVdnQXdJQkFnSUlBank5SDg0OStFOHdEUVlKS29aSWh2Y05BUUVGQlFBd2daWXhDekFKQmdOVi4uLi4uQT09LS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQ==",
    "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLU1JSUVwUUlCQUFLQ0FRRUF1eWYvbE5ySDljazhEbU55bzNmR2d2Q0kxbDlzK2NtQlkzV0l6K2NVRHFteGlpZVIKLi0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0t",
    "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50IiwicHJvamVjdF9pZCI6ImRlbW8iLCJwcml2YXRlX2tleSI6Ii0tLS0tQkVHSU4gUFJJVkFURSBLRVktLS0tLVxuTUlJRXZRSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0Ncbi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS1cbiIsImNsaWVudF9lbWFpbCI6InB1c2hAZGVtby5pYW0uZ3NlcnZpY2VhY2NvdW50LmNvbSJ9",
    "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=",
    "BASE64_ENCODED_SERVICE_ACCOUNT_JSON",
];

/// The params for the `build_request` target: the input itself when it is JSON, otherwise params
/// built from the bytes: mostly the fields of one operation with values that pass or nearly pass
/// its rules, so that the fuzzer gets past "unknown field" and "wrong type" to the rules behind.
pub fn params_from_bytes(data: &[u8]) -> Value {
    if let Some(v) = std::str::from_utf8(data)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
    {
        return v;
    }
    let mut u = Unstructured::new(data);
    params(&mut u).unwrap_or(Value::Null)
}

fn params(u: &mut Unstructured<'_>) -> Result<Value> {
    if u.ratio(1, 16)? {
        return value(u, 0);
    }
    let op = *u.choose(&Operation::ALL)?;
    let mut map = Map::new();
    for &k in op.params() {
        if u.is_empty() {
            break;
        }
        if u.ratio(7, 8)? {
            let v = field(u, op, k)?;
            map.insert(k.to_string(), v);
        }
    }
    if u.ratio(1, 16)? {
        map.insert(key(u)?, value(u, 1)?);
    }
    Ok(Value::Object(map))
}

/// Usually one of `good` (sometimes changed a little), otherwise any string.
fn pick(u: &mut Unstructured<'_>, good: &[&str]) -> Result<Value> {
    Ok(Value::String(if u.ratio(7, 8)? {
        near(u, good)?
    } else {
        string(u)?
    }))
}

/// A `{ token, provider }` pair, usually of one provider.
fn device(u: &mut Unstructured<'_>, map: &mut Map) -> Result<()> {
    let (tokens, provider) = if u.arbitrary()? {
        (APN_TOKENS, "APN")
    } else {
        (FCM_TOKENS, "FCM")
    };
    map.insert("token".into(), pick(u, tokens)?);
    let provider = if u.ratio(7, 8)? {
        Value::from(provider)
    } else {
        pick(u, ENUMS)?
    };
    map.insert("provider".into(), provider);
    Ok(())
}

/// A value for field `key` of `op`'s params: usually of the right shape.
fn field(u: &mut Unstructured<'_>, op: Operation, key: &str) -> Result<Value> {
    if u.ratio(1, 16)? {
        return value(u, 1);
    }
    Ok(match key {
        "to" => {
            let n = u.int_in_range(0..=3usize)?;
            let mut to = Vec::with_capacity(n);
            for _ in 0..n {
                let mut r = Map::new();
                if u.ratio(1, 4)? {
                    r.insert("userId".into(), pick(u, IDS)?);
                } else {
                    device(u, &mut r)?;
                }
                to.push(Value::Object(r));
            }
            Value::Array(to)
        }
        "content" if op == Operation::CreateCredential => {
            let mut c = Map::new();
            if u.arbitrary()? {
                c.insert("certificate".into(), pick(u, BASE64)?);
            }
            c.insert("privateKey".into(), pick(u, BASE64)?);
            Value::Object(c)
        }
        "content" => {
            let mut c = Map::new();
            for k in ["title", "body"] {
                if u.arbitrary()? {
                    c.insert(k.to_string(), Value::String(string(u)?));
                }
            }
            Value::Object(c)
        }
        "from" => {
            let keys: &[&str] = match u.int_in_range(0..=4u8)? {
                0 => &["appName"],
                1 => &["apn"],
                2 => &["fcm"],
                3 => &["apn", "fcm"],
                _ => &["apn", "fcm", "appName"],
            };
            let mut f = Map::new();
            for &k in keys {
                f.insert(k.to_string(), pick(u, IDS)?);
            }
            Value::Object(f)
        }
        "schedule" => {
            let n = u.int_in_range(0..=2usize)?;
            let mut at = Vec::with_capacity(n);
            for _ in 0..n {
                at.push(pick(u, DATES)?);
            }
            let mut s = Map::new();
            s.insert("sendAt".into(), Value::Array(at));
            Value::Object(s)
        }
        "tags" if op == Operation::ListPushNotifications && u.ratio(1, 3)? => {
            Value::String(string(u)?)
        }
        "tags" => {
            let n = u.int_in_range(0..=11usize)?;
            let mut t = Map::new();
            for _ in 0..n {
                let k = if u.arbitrary()? {
                    near(u, IDS)?
                } else {
                    string(u)?
                };
                t.insert(k, Value::String(string(u)?));
            }
            Value::Object(t)
        }
        "token" => {
            let mut pair = Map::new();
            device(u, &mut pair)?;
            pair.remove("token").unwrap_or(Value::Null)
        }
        "startDate" | "endDate" => pick(u, DATES)?,
        "pageSize" => number(u)?,
        "isDefault" => Value::Bool(u.arbitrary()?),
        "provider" => pick(u, &["APN", "FCM"])?,
        "priority" => pick(u, &["HIGH", "LOW"])?,
        "credentialType" => pick(u, &["APN", "APN_SANDBOX", "FCM"])?,
        "status" => pick(
            u,
            &[
                "SCHEDULED",
                "QUEUED",
                "SENT",
                "FAILED",
                "CANCELED",
                "PROCESSING",
                "COMPLETED",
            ],
        )?,
        "sound" | "pageToken" => Value::String(string(u)?),
        _ if u.ratio(1, 6)? => Value::String(near(u, ODD_IDS)?),
        _ => pick(u, IDS)?,
    })
}

/// One of `from`, sometimes changed a little (a character added, the end cut off).
fn near(u: &mut Unstructured<'_>, from: &[&str]) -> Result<String> {
    let mut s = u.choose(from)?.to_string();
    if u.ratio(1, 8)? {
        let at = u.int_in_range(0..=s.len())?;
        if s.is_char_boundary(at) {
            if u.arbitrary()? {
                s.insert(at, u.arbitrary()?);
            } else {
                s.truncate(at);
            }
        }
    }
    Ok(s)
}

fn key(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(7, 8)? {
        u.choose(FIELD_NAMES)?.to_string()
    } else {
        raw(u)?
    })
}

fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=8u8)? {
        0 => near(u, ENUMS)?,
        1 | 2 => near(u, IDS)?,
        3 => near(u, DATES)?,
        4 => near(u, APN_TOKENS)?,
        5 => near(u, ODD_IDS)?,
        6 => u.choose(IDS)?.repeat(u.int_in_range(2..=70)?),
        _ => raw(u)?,
    })
}

/// Up to 48 bytes of the input as text (an arbitrary `String` could take all of the rest).
fn raw(u: &mut Unstructured<'_>) -> Result<String> {
    let n = u.int_in_range(0..=48usize)?.min(u.len());
    Ok(String::from_utf8_lossy(u.bytes(n)?).into_owned())
}

fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=4u8)? {
        0 => Value::from(u.int_in_range(-2..=1001i64)?),
        1 => Value::from(u.arbitrary::<i64>()?),
        2 => Value::from(u.arbitrary::<u64>()?),
        _ => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
    })
}

fn object(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let n = u.int_in_range(0..=7usize)?;
    let mut map = Map::new();
    for _ in 0..n {
        let k = key(u)?;
        let v = value(u, depth + 1)?;
        map.insert(k, v);
    }
    Ok(Value::Object(map))
}

fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    if u.is_empty() {
        return Ok(Value::Null);
    }
    let deep = depth >= 5;
    Ok(match u.int_in_range(0..=9u8)? {
        0 | 1 if !deep => object(u, depth)?,
        2 if !deep => {
            let n = u.int_in_range(0..=5usize)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        3 => number(u)?,
        4 => Value::Bool(u.arbitrary()?),
        5 => Value::Null,
        _ => Value::String(string(u)?),
    })
}
