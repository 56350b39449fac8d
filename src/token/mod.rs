//! Push device tokens: recognise the forms apps really send, normalize them, explain the rest.
//!
//! The rules (see the README's token table):
//! - never strip characters blindly: every accepted form is recognised as a whole;
//! - APNs tokens become lowercase hex of 32 to 100 bytes (a warning when not 32);
//! - FCM tokens are kept byte for byte, only trimmed of surrounding whitespace;
//! - the truncated iOS 13 description, Swift's `N bytes`, the other provider's tokens and the
//!   usual look-alikes are errors with their own codes;
//! - ambiguity is resolved toward safety: a string that is hex but for a few characters is hex
//!   with a typo, never something else, and so is any 64-character string (the hex token's
//!   length); base64 is read only where it has the variety of real bytes (see
//!   `apns::parse_base64`), so filler such as `xxxx…` is refused rather than decoded.
//!
//! [`parse`] is the allocation-free core used by the batch scanner; [`inspect`] and
//! [`normalize`] are the convenient entry points.

pub(crate) mod apns;
mod error;
mod fcm;

pub use error::{Lookalike, TokenError, TokenErrorKind, UnknownHint};

use core::fmt;

/// Shortest APNs token we accept, in bytes.
pub const APNS_MIN_BYTES: usize = 32;
/// Longest APNs token we accept, in bytes (Apple: tokens may grow to 100 bytes).
pub const APNS_MAX_BYTES: usize = 100;
/// The length every current device produces.
pub const APNS_USUAL_BYTES: usize = 32;
/// Shortest FCM token we accept, in characters (real ones are about 140–180).
pub const FCM_MIN_CHARS: usize = 64;
/// Firebase's documented upper bound for a registration token.
pub const FCM_MAX_CHARS: usize = 4096;

/// The push service a token belongs to, spelled as the Twilio API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Apple Push Notification service (iOS, iPadOS, macOS apps).
    Apn,
    /// Firebase Cloud Messaging (Android and web browsers).
    Fcm,
}

impl Provider {
    /// `"APN"` or `"FCM"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Apn => "APN",
            Provider::Fcm => "FCM",
        }
    }

    /// Parses `"APN"`/`"FCM"`. Lower case is accepted too, since people type it.
    pub fn parse(s: &str) -> Option<Provider> {
        if s.eq_ignore_ascii_case("APN") || s.eq_ignore_ascii_case("APNS") {
            Some(Provider::Apn)
        } else if s.eq_ignore_ascii_case("FCM") {
            Some(Provider::Fcm)
        } else {
            None
        }
    }

    fn article_name(self) -> &'static str {
        match self {
            Provider::Apn => "an APNs",
            Provider::Fcm => "an FCM",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The form a token was recognised in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// Hex digits, either case, optionally `0x`-prefixed or in space-separated groups.
    Hex,
    /// `NSData.description` before iOS 13: `<965b251c 6cb1926d …>`.
    Bracketed,
    /// A complete (untruncated) iOS 13 description: `{length = 32, bytes = 0x… }`.
    Description,
    /// Standard base64 of the token bytes.
    Base64,
    /// URL-safe base64 of the token bytes.
    Base64Url,
    /// Raw token bytes.
    Bytes,
    /// An FCM registration token (`<installation id>:APA91b…`).
    Fcm,
    /// A legacy GCM registration token (`APA91b…`, no colon).
    Gcm,
}

impl TokenFormat {
    /// The stable name used in JS (`format` in `inspectToken`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenFormat::Hex => "hex",
            TokenFormat::Bracketed => "bracketed",
            TokenFormat::Description => "description",
            TokenFormat::Base64 => "base64",
            TokenFormat::Base64Url => "base64url",
            TokenFormat::Bytes => "bytes",
            TokenFormat::Fcm => "fcm",
            TokenFormat::Gcm => "gcm",
        }
    }
}

/// Something worth knowing about an accepted token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// APNs token of a length other than 32 bytes (allowed: Apple says tokens vary).
    NonStandardLength,
    /// APNs hex given in upper or mixed case; the canonical form is lowercase.
    UppercaseHex,
    /// A `0x` prefix was removed.
    HexPrefix,
    /// Spaces between hex groups were removed.
    Separators,
    /// A legacy GCM token: still accepted, but FCM may no longer deliver to it.
    LegacyGcm,
    /// Accepted as FCM because the caller said so, but it has neither shape FCM tokens have.
    UnrecognizedFcmShape,
}

impl Warning {
    const ALL: [Warning; 6] = [
        Warning::NonStandardLength,
        Warning::UppercaseHex,
        Warning::HexPrefix,
        Warning::Separators,
        Warning::LegacyGcm,
        Warning::UnrecognizedFcmShape,
    ];

    /// Stable code, e.g. `NON_STANDARD_LENGTH`.
    pub fn code(self) -> &'static str {
        match self {
            Warning::NonStandardLength => "NON_STANDARD_LENGTH",
            Warning::UppercaseHex => "UPPERCASE_HEX",
            Warning::HexPrefix => "HEX_PREFIX",
            Warning::Separators => "SEPARATORS",
            Warning::LegacyGcm => "LEGACY_GCM",
            Warning::UnrecognizedFcmShape => "UNRECOGNIZED_FCM_SHAPE",
        }
    }

    /// A sentence for people.
    pub fn message(self) -> &'static str {
        match self {
            Warning::NonStandardLength => "This APNs token is not 32 bytes long. Apple allows up to 100 bytes (simulators on Apple silicon give 80), so it is accepted, but check that it comes from a real device.",
            Warning::UppercaseHex => "The token was in upper case; the canonical form is lower case. Store the canonical form, or the same device may be stored twice and get every push twice.",
            Warning::HexPrefix => "The '0x' prefix was removed.",
            Warning::Separators => "The spaces between groups of hex digits were removed.",
            Warning::LegacyGcm => "This is a legacy GCM token (no installation ID before a ':'). FCM may no longer deliver to it; get a fresh token with getToken().",
            Warning::UnrecognizedFcmShape => "Accepted as FCM as requested, but it does not look like an FCM registration token ('<installation id>:APA91b…'). Check where it came from.",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A small set of [`Warning`]s (a bit set: no allocation on the hot path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Warnings(u8);

impl Warnings {
    /// No warnings.
    pub const fn empty() -> Self {
        Warnings(0)
    }

    pub(crate) fn add(&mut self, w: Warning) {
        self.0 |= w.bit();
    }

    /// Whether `w` is in the set.
    pub fn contains(self, w: Warning) -> bool {
        self.0 & w.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The warnings in a stable order.
    pub fn iter(self) -> impl Iterator<Item = Warning> {
        Warning::ALL.into_iter().filter(move |w| self.contains(*w))
    }
}

/// How to produce the canonical token without having produced it yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Canonical<'a> {
    /// A slice of the input holding hex digits, possibly separated by spaces.
    Hex(&'a str),
    /// Decoded bytes (base64 and raw bytes).
    Bytes(Vec<u8>),
    /// Kept exactly (FCM).
    Verbatim(&'a str),
}

/// A recognised token, borrowed from its input. Producing the canonical string is a separate,
/// allocating step ([`Parsed::canonical`]), so checking many tokens allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'a> {
    provider: Provider,
    format: TokenFormat,
    byte_len: Option<usize>,
    warnings: Warnings,
    canonical: Canonical<'a>,
}

impl<'a> Parsed<'a> {
    /// Which provider the token belongs to.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The form it was recognised in.
    pub fn format(&self) -> TokenFormat {
        self.format
    }

    /// Number of token bytes (APNs only).
    pub fn byte_len(&self) -> Option<usize> {
        self.byte_len
    }

    /// Warnings about the accepted token.
    pub fn warnings(&self) -> Warnings {
        self.warnings
    }

    /// The canonical token: lowercase hex for APNs, the trimmed input for FCM.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.write_canonical(&mut out);
        out
    }

    /// Appends the canonical token to `out` (reusing its allocation).
    pub fn write_canonical(&self, out: &mut String) {
        match &self.canonical {
            Canonical::Hex(s) => {
                out.reserve(s.len());
                out.extend(
                    s.bytes()
                        .filter(|b| b.is_ascii_hexdigit())
                        .map(|b| b.to_ascii_lowercase() as char),
                );
            }
            Canonical::Bytes(b) => out.push_str(&hex::encode(b)),
            Canonical::Verbatim(s) => out.push_str(s),
        }
    }

    /// How the canonical token relates to `input`, the text this was parsed from (so a caller
    /// holding `input` in another form, a JS string, can avoid building a copy).
    pub fn spelling(&self, input: &str) -> Spelling {
        match &self.canonical {
            // The body is a slice of the input, so an equal length means all of it.
            Canonical::Hex(body)
                if body.len() == input.len() && !self.warnings.contains(Warning::Separators) =>
            {
                if self.warnings.contains(Warning::UppercaseHex) {
                    Spelling::UpperCase
                } else {
                    Spelling::Canonical
                }
            }
            Canonical::Verbatim(s) if s.len() == input.len() => Spelling::Canonical,
            _ => Spelling::Other,
        }
    }

    /// The bytes that identify the token for duplicate detection: the decoded bytes for APNs
    /// (so case and form do not matter), the exact string bytes for FCM. `scratch` must hold at
    /// least [`APNS_MAX_BYTES`] bytes.
    pub(crate) fn identity<'s>(&'s self, scratch: &'s mut [u8; APNS_MAX_BYTES]) -> &'s [u8] {
        match &self.canonical {
            Canonical::Hex(s) => {
                let n = apns::decode_hex_digits(s, scratch);
                scratch.get(..n).unwrap_or_default()
            }
            Canonical::Bytes(b) => b,
            Canonical::Verbatim(s) => s.as_bytes(),
        }
    }
}

/// How a canonical token relates to the text it was parsed from: see [`Parsed::spelling`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// The text is the canonical token, exactly.
    Canonical,
    /// The text is nothing but hex digits, some upper case: the canonical token is its ASCII
    /// lower case.
    UpperCase,
    /// Anything else (spaces, a prefix, brackets, base64, surrounding whitespace…).
    Other,
}

/// Everything known about one token: what [`inspect`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenReport {
    /// Provider it belongs to, when known.
    pub provider: Option<Provider>,
    /// The canonical token, when accepted.
    pub token: Option<String>,
    /// The recognised form, when accepted.
    pub format: Option<TokenFormat>,
    /// Number of bytes (APNs only).
    pub byte_length: Option<usize>,
    /// Why it was refused.
    pub error: Option<TokenError>,
    /// Remarks about an accepted token.
    pub warnings: Warnings,
}

impl TokenReport {
    /// Whether the token was accepted.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Recognises `input` without allocating. `provider` is what the caller claims the token is
/// for; `None` classifies it from its shape (and says "unknown" rather than guess).
pub fn parse(input: &str, provider: Option<Provider>) -> Result<Parsed<'_>, TokenError> {
    // The common case first: nothing but hex digits (one pass, no trimming).
    if provider != Some(Provider::Fcm) {
        if let Some(parsed) = apns::parse_plain_hex(input) {
            return Ok(parsed);
        }
    }
    parse_general(input, provider)
}

/// [`parse`] without its shortcut for plain hex (the tests check that both agree).
pub(crate) fn parse_general(
    input: &str,
    provider: Option<Provider>,
) -> Result<Parsed<'_>, TokenError> {
    let (start, trimmed) = trim(input);
    if trimmed.is_empty() {
        return Err(TokenError::new(TokenErrorKind::Empty));
    }
    let located = Located {
        input,
        offset: start,
        s: trimmed,
    };
    match trimmed.as_bytes()[0] {
        b'{' => return expect(apns::parse_curly(&located)?, provider),
        b'<' => return expect(apns::parse_bracketed(&located)?, provider),
        _ => {}
    }
    if let Some(err) = fcm::detect_lookalike(&located) {
        return Err(err);
    }
    if let Some(parsed) = fcm::parse_fcm_shaped(&located, provider)? {
        return expect(parsed, provider);
    }
    if provider == Some(Provider::Fcm) {
        return fcm::parse_declared_fcm(&located);
    }
    apns::parse_text(&located, provider)
}

/// `input` without the whitespace around it, and where that starts. A string that begins and
/// ends with a visible ASCII character (nearly every token) needs no search for whitespace.
pub(crate) fn trim(input: &str) -> (usize, &str) {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let b = input.as_bytes();
    if visible(b.first()) && visible(b.last()) {
        return (0, input);
    }
    let rest = input.trim_start();
    (input.len() - rest.len(), rest.trim_end())
}

/// Recognises raw token bytes (what iOS hands the app). Only APNs tokens are raw bytes.
pub fn parse_bytes(
    bytes: &[u8],
    provider: Option<Provider>,
) -> Result<Parsed<'static>, TokenError> {
    if bytes.is_empty() {
        return Err(TokenError::new(TokenErrorKind::Empty));
    }
    let parsed = apns::from_bytes(bytes.to_vec(), TokenFormat::Bytes, Warnings::empty())?;
    expect(parsed, provider)
}

/// Checks a recognised token against the provider the caller asked for.
fn expect(parsed: Parsed<'_>, provider: Option<Provider>) -> Result<Parsed<'_>, TokenError> {
    match provider {
        Some(expected) if expected != parsed.provider => {
            Err(TokenError::new(TokenErrorKind::ProviderMismatch {
                expected,
                likely: parsed.provider,
            }))
        }
        _ => Ok(parsed),
    }
}

/// A trimmed token and where it sits in the caller's input (for error positions).
pub(crate) struct Located<'a> {
    pub input: &'a str,
    pub offset: usize,
    pub s: &'a str,
}

impl Located<'_> {
    /// An error at byte `i` of the trimmed token.
    pub fn error_at(&self, kind: TokenErrorKind, i: usize) -> TokenError {
        TokenError::at(kind, self.input, self.offset + i)
    }

    /// An `INVALID_CHARACTER` error at byte `i` of the trimmed token.
    pub fn invalid_at(&self, i: usize, provider: Provider) -> TokenError {
        let character = self
            .s
            .get(i..)
            .and_then(|r| r.chars().next())
            .unwrap_or('\u{FFFD}');
        self.error_at(
            TokenErrorKind::InvalidCharacter {
                character,
                provider,
            },
            i,
        )
    }
}

/// Returns the canonical token or why it cannot be accepted.
///
/// One stored spelling per device is what makes tokens comparable: an APNs token copied from
/// Xcode's `<… …>` description, typed in upper case or logged as `0x…` is the same device as
/// its lowercase hex, and a token cut short by a log line is refused rather than stored.
///
/// ```
/// use twilio_push_wasm::token::{normalize, Provider};
///
/// // The NSData description an iOS app logs, as pasted from the console:
/// let pasted = "<965b251c 6cb1926d e3cb366f db3f9ae4 a2d3e6b0 bbd8eb0b 9dcea8d3 e4377c2b>";
/// let canonical = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
/// assert_eq!(normalize(pasted, None).as_deref(), Ok(canonical));
/// assert_eq!(normalize(&canonical.to_uppercase(), Some(Provider::Apn)).as_deref(), Ok(canonical));
///
/// // One hex digit lost in copying: refused, with a stable code and where it went wrong.
/// let error = normalize(&canonical[..63], Some(Provider::Apn)).unwrap_err();
/// assert_eq!(error.code(), "ODD_LENGTH");
///
/// // An FCM registration token is kept exactly as given (it is case-sensitive).
/// let fcm = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
/// assert_eq!(normalize(fcm, None).as_deref(), Ok(fcm));
/// ```
pub fn normalize(input: &str, provider: Option<Provider>) -> Result<String, TokenError> {
    parse(input, provider).map(|p| p.canonical())
}

/// [`normalize`] for raw bytes.
pub fn normalize_bytes(bytes: &[u8], provider: Option<Provider>) -> Result<String, TokenError> {
    parse_bytes(bytes, provider).map(|p| p.canonical())
}

/// Inspects a token: never fails, reports everything known about it.
///
/// For showing a user what is wrong with what they pasted, or logging what a device sent:
/// the report says which provider, which form, and what was tidied up on the way.
///
/// ```
/// use twilio_push_wasm::token::{inspect, Provider, TokenFormat, Warning};
///
/// let report = inspect("0x965B251C6CB1926DE3CB366FDB3F9AE4A2D3E6B0BBD8EB0B9DCEA8D3E4377C2B", None);
/// assert!(report.ok());
/// assert_eq!(report.provider, Some(Provider::Apn));
/// assert_eq!(report.format, Some(TokenFormat::Hex));
/// assert_eq!(report.byte_length, Some(32));
/// assert!(report.warnings.contains(Warning::HexPrefix));
/// assert!(report.warnings.contains(Warning::UppercaseHex));
/// assert_eq!(
///     report.token.as_deref(),
///     Some("965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b")
/// );
///
/// // iOS 13+ logs `{length = 32, bytes = 0x965b251c ... 4c5e0c1b }`: the middle is gone,
/// // so there is no token to recover, and the report says so instead of guessing.
/// let report = inspect("{length = 32, bytes = 0x965b251c 6cb1926d ... 376eab7c 4c5e0c1b }", None);
/// assert!(!report.ok());
/// assert_eq!(report.error.unwrap().code(), "TRUNCATED_DESCRIPTION");
/// ```
pub fn inspect(input: &str, provider: Option<Provider>) -> TokenReport {
    report(parse(input, provider), provider)
}

/// [`inspect`] for raw bytes.
pub fn inspect_bytes(bytes: &[u8], provider: Option<Provider>) -> TokenReport {
    report(parse_bytes(bytes, provider), provider)
}

fn report(result: Result<Parsed<'_>, TokenError>, provider: Option<Provider>) -> TokenReport {
    match result {
        Ok(p) => TokenReport {
            provider: Some(p.provider),
            token: Some(p.canonical()),
            format: Some(p.format),
            byte_length: p.byte_len,
            error: None,
            warnings: p.warnings,
        },
        Err(e) => TokenReport {
            // A mismatch knows which provider the token really belongs to; otherwise keep what
            // the caller said.
            provider: match e.kind() {
                TokenErrorKind::ProviderMismatch { likely, .. } => Some(*likely),
                _ => provider,
            },
            token: None,
            format: None,
            byte_length: None,
            error: Some(e),
            warnings: Warnings::empty(),
        },
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn spelling_tells_the_truth(s in "[ 0-9a-fA-FxX<>:_A-Za-z-]{0,210}", p in 0..3u8) {
            let provider = [None, Some(Provider::Apn), Some(Provider::Fcm)][p as usize];
            if let Ok(parsed) = parse(&s, provider) {
                match parsed.spelling(&s) {
                    Spelling::Canonical => prop_assert_eq!(parsed.canonical(), s),
                    Spelling::UpperCase => prop_assert_eq!(parsed.canonical(), s.to_ascii_lowercase()),
                    Spelling::Other => {}
                }
            }
        }
    }

    #[test]
    fn spelling_of_the_usual_forms() {
        let hex = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
        let upper = hex.to_uppercase();
        let spaced = format!(" {hex}");
        let prefixed = format!("0x{hex}");
        for (input, want) in [
            (hex, Spelling::Canonical),
            (upper.as_str(), Spelling::UpperCase),
            (spaced.as_str(), Spelling::Other),
            (prefixed.as_str(), Spelling::Other),
        ] {
            assert_eq!(parse(input, None).unwrap().spelling(input), want, "{input}");
        }
    }
}
