//! The error of a non-2xx response: Twilio's `code`, `message` and `more_info`, the status line,
//! and `Retry-After` (integer seconds or an HTTP date).

use serde_json::Value;

use super::header;
use crate::api::validate::{self, clip, push_u64};
use crate::api::ApiError;

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The error for a non-2xx response.
pub(crate) fn api_error(
    status: u16,
    headers: &[(String, String)],
    body: &str,
    now: u64,
) -> ApiError {
    let json = match serde_json::from_str(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let get = |k: &str| json.as_ref().and_then(|m| m.get(k));
    let numeric = |c: &Value| match c {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    // Twilio puts its numeric code in `code`; this crate's proxy puts its own string code there
    // and Twilio's in `twilioCode`.
    let twilio_code = get("code")
        .and_then(numeric)
        .or_else(|| get("twilioCode").and_then(numeric));
    let text = |k: &str| match get(k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    let more_info = text("more_info").or_else(|| text("moreInfo"));
    let twilio_message = text("message").or_else(|| {
        get("errors")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    let mut message = String::from("HTTP ");
    push_u64(&mut message, u64::from(status));
    let phrase = reason(status);
    if !phrase.is_empty() {
        message.push(' ');
        message.push_str(phrase);
    }
    match twilio_message {
        Some(m) => {
            message.push_str(": ");
            message.push_str(&clip(&m, 1000));
        }
        None if body.trim().is_empty() => message.push_str(" (empty body)"),
        None if json.is_some() => message.push_str(" (no message in the error body)"),
        None => {
            let snippet: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
            message.push_str(" (body is not JSON: ");
            message.push_str(&clip(&snippet, 200));
            message.push(')');
        }
    }
    ApiError::Api {
        status,
        twilio_code,
        message,
        more_info,
        retry_after: header(headers, "Retry-After").and_then(|v| parse_retry_after(v, now)),
        retryable: matches!(status, 429 | 503),
        body: json.map(|m| Box::new(Value::Object(m))),
    }
}

/// `Retry-After` in seconds: delay-seconds, or an HTTP date relative to `now` (Unix seconds;
/// a date in the past is 0). Huge numbers saturate.
pub fn parse_retry_after(value: &str, now: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse::<u64>().unwrap_or(u64::MAX));
    }
    let at = parse_http_date(value)?;
    Some(
        at.saturating_sub(i64::try_from(now).unwrap_or(i64::MAX))
            .max(0) as u64,
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(name: &str) -> Option<i64> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as i64 + 1)
}

/// `HH:MM:SS`, each exactly two digits. A plain loop: no iterator adapters or integer parser.
fn hms(s: &str) -> Option<(i64, i64, i64)> {
    let mut parts = [0i64; 3];
    let mut count = 0;
    for p in s.split(':') {
        let &[a, b] = p.as_bytes() else {
            return None;
        };
        if count == 3 || !a.is_ascii_digit() || !b.is_ascii_digit() {
            return None;
        }
        parts[count] = i64::from(a - b'0') * 10 + i64::from(b - b'0');
        count += 1;
    }
    let [h, m, sec] = parts;
    (count == 3 && h < 24 && m < 60 && sec <= 60).then_some((h, m, sec))
}

/// An HTTP date (RFC 9110: IMF-fixdate, RFC 850 and asctime forms) as Unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let (day, mon, year, time) = match parts.as_slice() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        [_, d, m, y, t, "GMT"] => (d.parse().ok()?, month(m)?, y.parse::<i64>().ok()?, *t),
        // Sunday, 06-Nov-94 08:49:37 GMT
        [_, dmy, t, "GMT"] => {
            let mut it = dmy.split('-');
            let (d, m, y) = (it.next()?, it.next()?, it.next()?);
            let y: i64 = y.parse().ok()?;
            let y = if y < 70 {
                2000 + y
            } else if y < 100 {
                1900 + y
            } else {
                y
            };
            (d.parse().ok()?, month(m)?, y, *t)
        }
        // Sun Nov  6 08:49:37 1994
        [_, m, d, t, y] => (d.parse().ok()?, month(m)?, y.parse().ok()?, *t),
        _ => return None,
    };
    let (h, m, sec) = hms(time)?;
    if !(1..=9999).contains(&year) || day < 1 || day > validate::days_in_month(year, mon) {
        return None;
    }
    Some(validate::days_from_civil(year, mon, day) * 86_400 + h * 3600 + m * 60 + sec)
}
