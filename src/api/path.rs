//! Encodings: path segments and query strings (RFC 3986 percent-encoding), and base64.
//!
//! Everything outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) is percent-encoded as
//! UTF-8 bytes with upper-case hex, so a space is `%20` (never `+`), `:` is `%3A` and `;` is
//! `%3B`. A value that was percent-encoded by the caller is encoded again (`%` becomes `%25`):
//! what the server decodes is exactly what the caller gave.
//!
//! Path parameters are also checked (see [`segment`]): an ID must not be able to change which
//! resource a request addresses, whatever a proxy or server does with it.

use super::validate::{self, Path};
use super::ApiError;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest path parameter accepted, in characters.
pub const MAX_SEGMENT_CHARS: usize = 256;

/// Appends `value` percent-encoded (unreserved characters kept).
pub fn encode_into(value: &str, out: &mut String) {
    out.extend(utf8_percent_encode(value, NOT_UNRESERVED));
}

/// `value` percent-encoded (unreserved characters kept).
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// Decodes `%XX` sequences (a `%` not followed by two hex digits is kept as it is). `+` is kept:
/// RFC 3986 decoding, not form decoding, so base64 page tokens survive. Invalid UTF-8 becomes
/// U+FFFD.
pub fn percent_decode(value: &str) -> String {
    percent_decode_str(value).decode_utf8_lossy().into_owned()
}

/// Checks a path parameter and returns it percent-encoded.
///
/// Refused: empty; longer than [`MAX_SEGMENT_CHARS`] characters; containing `/`, `\`, `?`, `#`,
/// whitespace, control or non-ASCII characters; `.` or containing `..`; or any of these after
/// percent-decoding (up to three rounds, so `%2F` and `%252F` are caught too). These could make
/// a server, a proxy or a URL parser address a different resource.
///
/// Server-issued IDs are deliberately not matched against Twilio's documented ID patterns:
/// Twilio's own examples break them (25-character suffixes, old `comms_user_` prefixes), and a
/// client that refuses an ID the server issued is worse than one that asks and gets a 404.
pub fn segment(path: &Path<'_>, value: &str) -> Result<String, ApiError> {
    if value.is_empty() {
        return Err(validate::invalid(path, "must not be empty"));
    }
    if value.chars().count() > MAX_SEGMENT_CHARS {
        return Err(validate::invalid(
            path,
            "is too long (at most 256 characters)",
        ));
    }
    check_segment_text(path, value, false)?;
    let mut current = value.to_string();
    for _ in 0..3 {
        if !current.contains('%') {
            break;
        }
        let decoded = percent_decode(&current);
        if decoded == current {
            break;
        }
        check_segment_text(path, &decoded, true)?;
        current = decoded;
    }
    Ok(encode(value))
}

fn check_segment_text(path: &Path<'_>, text: &str, decoded: bool) -> Result<(), ApiError> {
    let prefix = if decoded {
        "after percent-decoding, "
    } else {
        ""
    };
    if text == "." || text.contains("..") {
        return Err(validate::invalid(
            path,
            &[
                prefix,
                "must not be '.' or contain '..' (it would address a different path)",
            ]
            .concat(),
        ));
    }
    for (position, c) in text.chars().enumerate() {
        let what = match c {
            '/' => "'/'",
            '\\' => "'\\'",
            '?' => "'?'",
            '#' => "'#'",
            c if c.is_whitespace() => "whitespace",
            c if c.is_control() => "a control character",
            c if !c.is_ascii() => "a non-ASCII character (IDs and names are ASCII)",
            _ => continue,
        };
        let mut message = String::from(prefix);
        message.push_str("contains ");
        message.push_str(what);
        message.push_str(" at position ");
        message.push_str(&position.to_string());
        message.push_str("; an ID or name must be a single path segment");
        return Err(validate::invalid(path, &message));
    }
    Ok(())
}

/// A query string under construction: `?k=v&k2=v2`, values percent-encoded.
#[derive(Debug, Default, Clone)]
pub struct Query {
    text: String,
}

impl Query {
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds `key=value`; `key` is one of the API's own ASCII names.
    pub fn push(&mut self, key: &str, value: &str) {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        encode_into(key, &mut self.text);
        self.text.push('=');
        encode_into(value, &mut self.text);
    }

    /// Adds `key=value` when there is a value.
    pub fn push_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn append_to(&self, url: &mut String) {
        url.push_str(&self.text);
    }
}

/// The value of `name` in the query of `url` (RFC 3986 decoded), if present.
pub fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

/// Standard base64 read leniently: padding optional, trailing bits ignored (what people paste).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Standard base64 with canonical padding, trailing bits ignored.
const PADDED: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// Appends standard base64 (with padding) of `bytes`.
pub fn base64_encode_into(bytes: &[u8], out: &mut String) {
    STANDARD.encode_string(bytes, out);
}

/// Standard base64 (with padding) of `bytes`.
pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard base64 (padding optional); `None` if it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    LENIENT.decode(text).ok()
}

/// Whether `text` is standard base64 with correct padding (no whitespace), decoding to at least
/// one byte. Used to catch PEM text pasted where its base64 belongs.
pub fn is_base64(text: &str) -> bool {
    !text.is_empty() && PADDED.decode(text).is_ok_and(|bytes| !bytes.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{base64_encode, encode, percent_decode};

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("a b:c;d/é~"), "a%20b%3Ac%3Bd%2F%C3%A9~");
        assert_eq!(percent_decode("a%20b%3a+%zz%C3%A9"), "a b:+%zzé");
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
        }
        assert_eq!(base64_encode(&[0xfb, 0xff]), "+/8=");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn encoding_round_trips(s in proptest::prelude::any::<String>()) {
            let e = encode(&s);
            proptest::prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            proptest::prop_assert_eq!(percent_decode(&e), s);
        }
    }
}
