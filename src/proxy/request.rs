//! Reading what the client sent: the JSON body (strictly: a key repeated in one object is
//! refused) and the query, typed by the operation's query params, with percent-decoding that
//! refuses malformed escapes.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::answer::{error_response, validation};
use super::{query_params, ProxyResponse, QueryType};
use crate::api::validate::Map;
use crate::api::{self, Operation};

pub(super) fn parse_body(body: &[u8]) -> Result<Map, ProxyResponse> {
    let text = core::str::from_utf8(body).map_err(|e| {
        error_response(
            400,
            "INVALID_BODY",
            &[
                "The body is not valid UTF-8 (byte ",
                &e.valid_up_to().to_string(),
                ").",
            ]
            .concat(),
            &[],
        )
    })?;
    if text.trim().is_empty() {
        return Err(error_response(
            400,
            "INVALID_JSON",
            "The body is empty; send a JSON object.",
            &[],
        ));
    }
    match serde_json::from_str::<Strict>(text) {
        Ok(Strict(Value::Object(map))) => Ok(map),
        Ok(_) => Err(error_response(
            400,
            "INVALID_JSON",
            "The body must be a JSON object.",
            &[],
        )),
        Err(e) => Err(error_response(
            400,
            "INVALID_JSON",
            &["The body is not valid JSON: ", &e.to_string(), "."].concat(),
            &[],
        )),
    }
}

/// A JSON value read with serde_json, refusing a key repeated in one object at any depth
/// (serde_json's own `Value` keeps the last one silently). A body with a repeated key is
/// ambiguous — another reader may take the first one — so the proxy answers 400 instead of
/// choosing.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number is not finite"))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                let mut message = String::from("the key ");
                message.push_str(
                    &serde_json::to_string(&api::validate::clip(&key, 40)).unwrap_or_default(),
                );
                message.push_str(" is repeated");
                return Err(de::Error::custom(message));
            }
            let Strict(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Reads the query into typed params; unknown, repeated and malformed parameters are refused.
pub(super) fn parse_query(
    op: Operation,
    query: &str,
    params: &mut Map,
) -> Result<(), ProxyResponse> {
    let allowed = query_params(op);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode_query(raw_key).ok_or_else(|| {
            error_response(
                400,
                "INVALID_QUERY",
                "A query parameter name is not valid percent-encoded UTF-8.",
                &[],
            )
        })?;
        let Some((name, kind)) = allowed.iter().find(|(n, _)| *n == key) else {
            let known = allowed
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(error_response(
                400,
                "UNKNOWN_QUERY_PARAMETER",
                &[
                    "Unknown query parameter \"",
                    &api::validate::clip(&key, 40),
                    "\" for ",
                    op.name(),
                    ". ",
                    if known.is_empty() {
                        "It takes no query parameters."
                    } else {
                        "Allowed: "
                    },
                    &known,
                    if known.is_empty() { "" } else { "." },
                ]
                .concat(),
                &[("field", Value::from(api::validate::clip(&key, 40)))],
            ));
        };
        if params.contains_key(*name) {
            return Err(validation(name, "is given more than once."));
        }
        let value = percent_decode_query(raw_value)
            .ok_or_else(|| validation(name, "is not valid percent-encoded UTF-8."))?;
        let typed = match kind {
            QueryType::Text => Value::String(value),
            QueryType::Integer => match value.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => return Err(validation(name, "must be an integer.")),
            },
            QueryType::Boolean => match value.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(validation(name, "must be true or false.")),
            },
            QueryType::Tags => {
                let mut tags = Map::new();
                for item in value.split(';').filter(|s| !s.is_empty()) {
                    let Some((k, v)) = item.split_once(':') else {
                        return Err(validation(
                            name,
                            "must be key:value pairs separated by ';'.",
                        ));
                    };
                    tags.insert(k.to_string(), Value::String(v.to_string()));
                }
                Value::Object(tags)
            }
        };
        params.insert((*name).to_string(), typed);
    }
    Ok(())
}

/// Decodes `%XX` escapes (RFC 3986); `None` for a malformed escape or invalid UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    decode(s)
}

/// As [`percent_decode`], with `+` as a space, as `URLSearchParams` reads a query.
pub(super) fn percent_decode_query(s: &str) -> Option<String> {
    if s.contains('+') {
        decode(&s.replace('+', " "))
    } else {
        decode(s)
    }
}

/// The `percent-encoding` crate keeps a malformed escape as it is; the proxy refuses it, so
/// every `%` must start an escape of two hex digits.
pub(super) fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}
