//! Shared validation: the rules every resource shares, run on typed values (serde reads the
//! params' shape and the configuration object, see [`super::params`]).
//!
//! Errors are `VALIDATION_ERROR`s with a field path (`to[3].token`, `tags.region`, `pageSize`)
//! that is rendered only when an error is reported, so valid input never pays for it. Messages
//! say what is wrong and what is allowed, and never repeat secret values.

use super::model::{DateRange, Page, Tags};
use super::ApiError;
use serde_json::Value;

/// A JSON object, in the order its keys were given.
pub type Map = serde_json::Map<String, Value>;

/// Appends the decimal digits of `n`.
pub(crate) fn push_u64(out: &mut String, n: u64) {
    out.push_str(&n.to_string());
}

/// Where a value sits in the params. Built on the stack while walking; rendered on error.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of field `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of item `index` below this one.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// `to[3].token`, `tags.region`, `tags["odd key"]`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.render_into(out);
                super::params::push_key(out, key);
            }
            Path::Index(parent, index) => {
                parent.render_into(out);
                out.push('[');
                push_u64(out, *index as u64);
                out.push(']');
            }
        }
    }
}

/// A `VALIDATION_ERROR` at `path`; the message is `"<path>: <detail>"`.
pub fn invalid(path: &Path<'_>, detail: &str) -> ApiError {
    let field = path.render();
    let field = if field.is_empty() {
        "params".to_string()
    } else {
        field
    };
    let mut message = String::with_capacity(field.len() + detail.len() + 2);
    message.push_str(&field);
    message.push_str(": ");
    message.push_str(detail);
    ApiError::Validation {
        field,
        message,
        token_code: None,
    }
}

/// At most `max` characters of `s`, with `…` when cut; control characters shown as `?`.
pub fn clip(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// The JSON type name, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `"A", "B"`.
pub(crate) fn quoted(allowed: &[&str]) -> String {
    let mut out = String::new();
    for (i, a) in allowed.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(a);
        out.push('"');
    }
    out
}

/// `must be one of "A", "B" (exact spelling)`.
pub fn enum_message(allowed: &[&str]) -> String {
    let mut detail = String::from("must be one of ");
    detail.push_str(&quoted(allowed));
    detail.push_str(" (exact spelling)");
    detail
}

// ------------------------------------------------------------------------------------------
// Rules

/// Most recipients in one send.
pub const MAX_RECIPIENTS: usize = 10_000;
/// Most tags.
pub const MAX_TAGS: usize = 10;
/// Longest tag key, in characters.
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// Longest tag value, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 256;
/// Largest page.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Longest app name.
pub const MAX_APP_NAME_CHARS: usize = 64;
/// Longest ID or free-text identifier sent in a body or query.
pub const MAX_ID_CHARS: usize = 256;

/// `^[a-z0-9_]+$`, 1–64 characters.
pub fn app_name(path: &Path<'_>, name: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.len() > MAX_APP_NAME_CHARS {
        return Err(invalid(
            path,
            "must be 1 to 64 characters of a-z, 0-9 and '_'",
        ));
    }
    if let Some((i, c)) = name
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        let mut detail = String::from("may only contain a-z, 0-9 and '_' (");
        detail.push_str(if c.is_ascii_uppercase() {
            "upper case is not allowed"
        } else {
            "found a character that is not allowed"
        });
        detail.push_str(" at position ");
        push_u64(&mut detail, i as u64);
        detail.push(')');
        return Err(invalid(path, &detail));
    }
    Ok(())
}

/// An identifier sent in a body or query (credential ID, user ID, operation ID): non-empty, at
/// most 256 characters, visible ASCII only (every ID Twilio issues is; non-ASCII look-alikes
/// and characters whose low bytes are CR/LF are refused). Not matched against Twilio's ID
/// patterns (see [`super::path::segment`]).
pub fn identifier(path: &Path<'_>, id: &str) -> Result<(), ApiError> {
    if id.is_empty() {
        return Err(invalid(path, "must not be empty"));
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(invalid(path, "is too long (at most 256 characters)"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            path,
            "must not contain whitespace or control characters",
        ));
    }
    if !id.is_ascii() {
        return Err(invalid(
            path,
            "must contain only ASCII characters (IDs issued by Twilio are ASCII)",
        ));
    }
    Ok(())
}

/// A page token: opaque, but non-empty and free of control characters.
pub fn page_token(path: &Path<'_>, token: &str) -> Result<(), ApiError> {
    if token.is_empty() {
        return Err(invalid(
            path,
            "must not be empty (omit it to get the first page)",
        ));
    }
    if token.chars().any(char::is_control) {
        return Err(invalid(path, "must not contain control characters"));
    }
    if token.len() > 4096 {
        return Err(invalid(path, "is too long (at most 4096 bytes)"));
    }
    Ok(())
}

/// At most 10 tags; keys 1–128 characters, values at most 256 characters (Unicode scalar values
/// are counted, not bytes).
pub fn tag_limits(path: &Path<'_>, tags: &Tags) -> Result<(), ApiError> {
    if tags.len() > MAX_TAGS {
        let mut detail = String::from("has ");
        push_u64(&mut detail, tags.len() as u64);
        detail.push_str(" tags; at most 10 are allowed");
        return Err(invalid(path, &detail));
    }
    for (k, v) in tags {
        let field = path.key(k);
        let key_chars = k.chars().count();
        if key_chars == 0 || key_chars > MAX_TAG_KEY_CHARS {
            return Err(invalid(
                &field,
                "the tag key must be 1 to 128 characters long",
            ));
        }
        if v.chars().count() > MAX_TAG_VALUE_CHARS {
            return Err(invalid(
                &field,
                "the tag value is too long (at most 256 characters)",
            ));
        }
    }
    Ok(())
}

/// Checks paging params.
pub fn check_page(path: &Path<'_>, page: &Page) -> Result<(), ApiError> {
    if let Some(t) = &page.page_token {
        page_token(&path.key("pageToken"), t)?;
    }
    if let Some(s) = page.page_size {
        if !(1..=MAX_PAGE_SIZE).contains(&s) {
            return Err(invalid(
                &path.key("pageSize"),
                "must be an integer from 1 to 1000",
            ));
        }
    }
    Ok(())
}

/// Checks `startDate`/`endDate`: ISO 8601 date-times with a UTC offset, start not after end.
pub fn check_dates(path: &Path<'_>, dates: &DateRange) -> Result<(), ApiError> {
    let read = |key: &'static str, value: &Option<String>| -> Result<Option<i64>, ApiError> {
        match value {
            None => Ok(None),
            Some(s) => match parse_datetime(s) {
                Some(DateTime {
                    offset_given: true,
                    seconds,
                }) => Ok(Some(seconds)),
                _ => Err(invalid(&path.key(key), DATE_TIME_HELP)),
            },
        }
    };
    let start = read("startDate", &dates.start_date)?;
    let end = read("endDate", &dates.end_date)?;
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(invalid(
                &path.key("endDate"),
                "must not be before startDate",
            ));
        }
    }
    Ok(())
}

pub(crate) const DATE_TIME_HELP: &str =
    "must be an ISO 8601 date-time with a time zone, such as 2024-01-15T09:30:00Z or 2024-01-15T10:30:00+01:00";

/// A parsed ISO 8601 / RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z (local time taken as UTC when no offset was given).
    pub seconds: i64,
    /// Whether a `Z` or `±HH:MM` offset was given.
    pub offset_given: bool,
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = s.get(at..at + n)?;
    part.iter().try_fold(0i64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM]` (`T`/`Z` in either case), checking
/// every field's range. Returns `None` for anything else.
pub fn parse_datetime(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
    {
        return None;
    }
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = digits(b, i + 1, 2)?;
        if second > 60 {
            return None;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start || i - start > 9 {
                return None;
            }
        }
    }
    let mut offset = 0;
    let offset_given = match b.get(i) {
        None => false,
        Some(b'Z' | b'z') => {
            i += 1;
            true
        }
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2)?;
            if b.get(i + 3) != Some(&b':') {
                return None;
            }
            let om = digits(b, i + 4, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            offset = (oh * 60 + om) * 60 * if sign == b'+' { 1 } else { -1 };
            i += 6;
            true
        }
        Some(_) => return None,
    };
    if i != b.len() {
        return None;
    }
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(DateTime {
        seconds,
        offset_given,
    })
}

#[cfg(test)]
mod tests {
    /// Dates are read as seconds since the epoch, offsets applied.
    #[test]
    fn datetimes_are_read_as_epoch_seconds() {
        let seconds = |s| super::parse_datetime(s).unwrap().seconds;
        assert_eq!(seconds("1970-01-01T00:00:00Z"), 0);
        assert_eq!(seconds("2023-11-14T22:13:20Z"), 1_700_000_000);
        assert_eq!(seconds("2023-11-14T23:13:20+01:00"), 1_700_000_000);
    }
}
