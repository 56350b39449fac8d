//! APNs token forms: hex, `<…>` groups, the iOS 13 description, base64 and raw bytes.

use super::{
    Canonical, Located, Parsed, Provider, TokenError, TokenErrorKind, TokenFormat, UnknownHint,
    Warning, Warnings, APNS_MAX_BYTES, APNS_MIN_BYTES, APNS_USUAL_BYTES,
};

/// Hex digit values; `0xFF` marks a byte that is not a hex digit.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

#[inline]
pub(crate) fn is_hex(b: u8) -> bool {
    HEX_VALUE[b as usize] != 0xFF
}

// Eight bytes at a time ("SWAR": SIMD within a register). The hot loops read 8 input bytes as
// one `u64` and classify or decode all of them with a handful of integer operations, which is
// several times faster in wasm than a table lookup and a branch per byte.

/// `0x01` in every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte: the flag bit of the masks below.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

/// `0x80` in each byte of `y` that lies in `lo..=hi`. Every byte of `y` must be below `0x80` (so
/// the additions never carry into the next byte).
#[inline(always)]
pub(crate) const fn in_range8(y: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = y.wrapping_add(ONES * (0x80 - lo as u64));
    let above_hi = y.wrapping_add(ONES * (0x7F - hi as u64));
    at_least_lo & !above_hi & HIGH
}

/// The hex digits among 8 bytes (`0x80` per byte) and, among them, the letters (`a-f`/`A-F`).
#[inline(always)]
pub(crate) const fn hex_mask8(x: u64) -> (u64, u64) {
    let ascii = !x & HIGH;
    let y = x & !HIGH;
    let digits = in_range8(y, b'0', b'9');
    let letters = in_range8(y | (ONES * 0x20), b'a', b'f') & ascii;
    ((digits & ascii) | letters, letters)
}

/// The upper-case letters among `letters` (a mask from [`hex_mask8`] of the same `x`).
#[inline(always)]
pub(crate) const fn upper_mask8(x: u64, letters: u64) -> u64 {
    // Bit 5 (0x20) tells the cases apart; shifting by 2 moves it to the flag bit.
    letters & !(x << 2)
}

/// Reads 8 bytes at `p` as a little-endian `u64`, if there are 8 bytes left.
#[inline(always)]
pub(crate) fn load8(t: &[u8], p: usize) -> Option<u64> {
    match t.get(p..) {
        Some(rest) => rest.first_chunk::<8>().map(|c| u64::from_le_bytes(*c)),
        None => None,
    }
}

/// A string that is nothing but 64 to 200 hex digits (an even number): by far the most common
/// token, recognised in one pass. Everything else goes through the general rules, which give
/// the same answer for this form (see the `plain_hex_agrees_with_the_rules` test).
#[inline]
pub(crate) fn parse_plain_hex(s: &str) -> Option<Parsed<'_>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 || !(2 * APNS_MIN_BYTES..=2 * APNS_MAX_BYTES).contains(&b.len()) {
        return None;
    }
    let mut upper = 0;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        let (hex, letters) = hex_mask8(x);
        if hex != HIGH {
            return None;
        }
        upper |= upper_mask8(x, letters);
    }
    for &c in chunks.remainder() {
        if !is_hex(c) {
            return None;
        }
        upper |= u64::from(c.is_ascii_uppercase());
    }
    let bytes = b.len() / 2;
    let mut warnings = Warnings::empty();
    if upper != 0 {
        warnings.add(Warning::UppercaseHex);
    }
    if bytes != APNS_USUAL_BYTES {
        warnings.add(Warning::NonStandardLength);
    }
    Some(Parsed {
        provider: Provider::Apn,
        format: TokenFormat::Hex,
        byte_len: Some(bytes),
        warnings,
        canonical: Canonical::Hex(s),
    })
}

/// Decodes the hex digits of an already validated slice (spaces between groups are skipped)
/// into `out`, returning the number of bytes written.
pub(crate) fn decode_hex_digits(s: &str, out: &mut [u8; APNS_MAX_BYTES]) -> usize {
    let mut n = 0;
    let mut high: Option<u8> = None;
    for &b in s.as_bytes() {
        let v = HEX_VALUE[b as usize];
        if v == 0xFF {
            continue;
        }
        match high.take() {
            None => high = Some(v),
            Some(h) => {
                if n < out.len() {
                    out[n] = (h << 4) | v;
                    n += 1;
                }
            }
        }
    }
    n
}

/// What one pass over a run of hex digits and group separators found.
struct HexScan {
    digits: usize,
    uppercase: bool,
    spaces: bool,
    /// Byte offset (in the scanned slice) of the first character that is neither.
    first_bad: Option<usize>,
    /// Characters that are neither.
    bad: usize,
}

fn scan_hex(s: &str, allow_spaces: bool) -> HexScan {
    let mut scan = HexScan {
        digits: 0,
        uppercase: false,
        spaces: false,
        first_bad: None,
        bad: 0,
    };
    let bytes = s.as_bytes();
    // Eight digits at a time while the text is nothing but digits (a typo is rare, and so is
    // the word that holds it): only the word where that stops is looked at byte by byte.
    let mut from = 0;
    while let Some(x) = load8(bytes, from) {
        let (hex, letters) = hex_mask8(x);
        if hex != HIGH {
            break;
        }
        scan.digits += 8;
        scan.uppercase |= upper_mask8(x, letters) != 0;
        from += 8;
    }
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        if is_hex(b) {
            scan.digits += 1;
            scan.uppercase |= b.is_ascii_uppercase();
        } else if allow_spaces && b == b' ' {
            scan.spaces = true;
        } else if b & 0xC0 != 0x80 {
            // Count characters, not UTF-8 continuation bytes.
            scan.bad += 1;
            if scan.first_bad.is_none() {
                scan.first_bad = Some(i);
            }
        }
    }
    scan
}

/// Checks the byte count of a hex body and builds the result.
fn finish_hex<'a>(
    loc: &Located<'a>,
    body: &'a str,
    body_start: usize,
    scan: &HexScan,
    format: TokenFormat,
    mut warnings: Warnings,
) -> Result<Parsed<'a>, TokenError> {
    if let Some(i) = scan.first_bad {
        return Err(loc.invalid_at(body_start + i, Provider::Apn));
    }
    // One digit short of (or past) a real length is a copy mistake worth naming; a handful of
    // digits is simply too short.
    if scan.digits % 2 == 1 && scan.digits >= 2 * APNS_MIN_BYTES - 1 {
        return Err(TokenError::new(TokenErrorKind::OddLength {
            digits: scan.digits,
        }));
    }
    let bytes = scan.digits / 2;
    check_byte_len(bytes)?;
    if scan.uppercase {
        warnings.add(Warning::UppercaseHex);
    }
    if bytes != APNS_USUAL_BYTES {
        warnings.add(Warning::NonStandardLength);
    }
    Ok(Parsed {
        provider: Provider::Apn,
        format,
        byte_len: Some(bytes),
        warnings,
        canonical: Canonical::Hex(body),
    })
}

fn check_byte_len(bytes: usize) -> Result<(), TokenError> {
    if bytes < APNS_MIN_BYTES {
        Err(TokenError::new(TokenErrorKind::TooShort {
            provider: Provider::Apn,
            length: bytes,
        }))
    } else if bytes > APNS_MAX_BYTES {
        Err(TokenError::new(TokenErrorKind::TooLong {
            provider: Provider::Apn,
            length: bytes,
        }))
    } else {
        Ok(())
    }
}

/// Raw bytes (or decoded base64) of an APNs token.
pub(crate) fn from_bytes(
    bytes: Vec<u8>,
    format: TokenFormat,
    mut warnings: Warnings,
) -> Result<Parsed<'static>, TokenError> {
    check_byte_len(bytes.len())?;
    if bytes.len() != APNS_USUAL_BYTES {
        warnings.add(Warning::NonStandardLength);
    }
    Ok(Parsed {
        provider: Provider::Apn,
        format,
        byte_len: Some(bytes.len()),
        warnings,
        canonical: Canonical::Bytes(bytes),
    })
}

/// A token that is not bracketed, not a description and not FCM-shaped: hex (the common
/// case), base64, hex with a typo, or something unknown. `provider` is `None` or APN.
pub(crate) fn parse_text<'a>(
    loc: &Located<'a>,
    provider: Option<Provider>,
) -> Result<Parsed<'a>, TokenError> {
    let s = loc.s;
    let mut warnings = Warnings::empty();
    let (body, body_start) = match s.get(..2) {
        Some("0x") | Some("0X") => {
            warnings.add(Warning::HexPrefix);
            (s.get(2..).unwrap_or_default(), 2)
        }
        _ => (s, 0),
    };
    let scan = scan_hex(body, true);
    if scan.first_bad.is_none() {
        if scan.spaces {
            warnings.add(Warning::Separators);
        }
        if scan.digits == 40 && !scan.spaces && body_start == 0 {
            return Err(TokenError::new(TokenErrorKind::NotAPushToken(
                super::Lookalike::Udid,
            )));
        }
        return finish_hex(loc, body, body_start, &scan, TokenFormat::Hex, warnings);
    }
    let chars = body.chars().count();
    let hex_length = has_hex_token_length(chars, body_start, scan.spaces);
    if !scan.spaces && !hex_length {
        // Base64 may begin with "0x" by chance; the 'x' counts as one more non-hex character.
        let non_hex = scan.bad + usize::from(body_start == 2);
        if let Some(parsed) = parse_base64(s, non_hex)? {
            return Ok(parsed);
        }
    }
    // Hex with a few wrong characters is a typo in a hex token, and so is anything of the usual
    // hex token's length: point at the first wrong character rather than reinterpret the string
    // as something else.
    let mostly_hex = hex_length || scan.bad <= 3 || scan.bad * 8 <= chars;
    if provider == Some(Provider::Apn) || mostly_hex {
        return finish_hex(loc, body, body_start, &scan, TokenFormat::Hex, warnings);
    }
    let fcm_charset = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':');
    let hint = if fcm_charset && s.contains(':') {
        UnknownHint::Ambiguous
    } else {
        UnknownHint::Nothing
    };
    Err(loc.error_at(TokenErrorKind::UnknownFormat(hint), 0))
}

/// The length in characters of the usual token (32 bytes) in hex.
const HEX_TOKEN_CHARS: usize = 2 * APNS_USUAL_BYTES;

/// The fewest different characters base64 must use to be read as base64. Base64 of random
/// bytes (every real token) uses about 31 of the 64 at the shortest length, 32 bytes (43
/// characters), and fewer than 16 with a probability of about 6·10⁻¹⁴ (more characters make it
/// rarer still); `xxxx…`, `gggg…` and other filler use a handful.
const BASE64_MIN_DISTINCT: u32 = 16;

/// Whether a string without spaces is exactly 64 characters long, with or without a `0x`
/// prefix (`chars` counts the characters after the prefix; `body_start` is the prefix's
/// length): the length of every current device's hex token. Such a string is read as hex
/// whatever it holds, because as base64 it would be 48 bytes, a length no APNs token has, while
/// a damaged copy of a hex token is common.
fn has_hex_token_length(chars: usize, body_start: usize, spaces: bool) -> bool {
    !spaces && (chars == HEX_TOKEN_CHARS || chars + body_start == HEX_TOKEN_CHARS)
}

/// Base64 or base64url of 32–100 bytes, recognised only where it cannot be mistaken for damaged
/// hex or for filler: one alphabet throughout, padding only at the end and consistent with the
/// length, no leftover bits, at least a quarter of the characters outside the hex digits (hex
/// with a typo has only a few), and at least [`BASE64_MIN_DISTINCT`] different characters (so
/// `"x".repeat(108)` is not 81 bytes of base64). The caller never offers a string of the hex
/// token's length ([`has_hex_token_length`]). Returns `Ok(None)` when the string is not base64.
fn parse_base64(s: &str, non_hex: usize) -> Result<Option<Parsed<'static>>, TokenError> {
    let unpadded = s.trim_end_matches('=');
    let padding = s.len() - unpadded.len();
    let (mut std_chars, mut url_chars) = (false, false);
    // One bit per ASCII character seen.
    let mut seen: u128 = 0;
    for b in unpadded.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {}
            b'+' | b'/' => std_chars = true,
            b'-' | b'_' => url_chars = true,
            _ => return Ok(None),
        }
        seen |= 1 << b;
    }
    let len = unpadded.len();
    if (std_chars && url_chars) || len % 4 == 1 || padding > 2 {
        return Ok(None);
    }
    if padding > 0 && (len + padding) % 4 != 0 {
        return Ok(None);
    }
    if non_hex * 4 < len || seen.count_ones() < BASE64_MIN_DISTINCT {
        return Ok(None);
    }
    let bytes = len * 3 / 4;
    if !(APNS_MIN_BYTES..=APNS_MAX_BYTES).contains(&bytes) {
        return Ok(None);
    }
    let Some(decoded) = decode_base64(unpadded.as_bytes()) else {
        return Ok(None);
    };
    let format = if url_chars {
        TokenFormat::Base64Url
    } else {
        TokenFormat::Base64
    };
    from_bytes(decoded, format, Warnings::empty()).map(Some)
}

fn base64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

/// Decodes unpadded base64 (either alphabet); `None` when leftover bits are not zero, which
/// means the text is not a canonical encoding of any bytes.
fn decode_base64(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in s {
        acc = (acc << 6) | base64_value(b)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0).then_some(out)
}

/// `<965b251c 6cb1926d …>`: NSData's description before the iOS 13 SDK.
pub(crate) fn parse_bracketed<'a>(loc: &Located<'a>) -> Result<Parsed<'a>, TokenError> {
    let s = loc.s;
    let Some(inner) = s.strip_prefix('<').and_then(|r| r.strip_suffix('>')) else {
        return Err(loc.error_at(
            TokenErrorKind::UnknownFormat(UnknownHint::UnclosedBracket),
            0,
        ));
    };
    let leading = inner.len() - inner.trim_start_matches(' ').len();
    let body = inner.trim_matches(' ');
    let body_start = 1 + leading;
    let scan = scan_hex(body, true);
    finish_hex(
        loc,
        body,
        body_start,
        &scan,
        TokenFormat::Bracketed,
        Warnings::empty(),
    )
}

/// `{length = 32, bytes = 0x… }` (iOS 13 SDK's NSData description), or something else in braces
/// that people paste by mistake (a Web Push subscription).
pub(crate) fn parse_curly<'a>(loc: &Located<'a>) -> Result<Parsed<'a>, TokenError> {
    let s = loc.s;
    if find(s, "\"endpoint\"").is_some() {
        return Err(TokenError::new(TokenErrorKind::NotAPushToken(
            super::Lookalike::WebPushSubscription,
        )));
    }
    // A truncated description is recognisable even when the rest is damaged: it is the one
    // mistake that must never pass as a token.
    if let Some(i) = find(s, "...").or_else(|| find(s, "\u{2026}")) {
        if find(s, "bytes").is_some() {
            return Err(loc.error_at(TokenErrorKind::TruncatedDescription, i));
        }
    }
    let malformed = || {
        loc.error_at(
            TokenErrorKind::UnknownFormat(UnknownHint::MalformedDescription),
            0,
        )
    };
    let mut c = Cursor { s, i: 1 };
    if !(c.word("length") && c.sym(b'=')) {
        return Err(malformed());
    }
    let Some(declared) = c.number() else {
        return Err(malformed());
    };
    if !(c.sym(b',') && c.word("bytes") && c.sym(b'=')) {
        return Err(malformed());
    }
    c.skip_spaces();
    let rest = s.get(c.i..).unwrap_or_default();
    if !(rest.starts_with("0x") || rest.starts_with("0X")) {
        return Err(malformed());
    }
    let body_start = c.i + 2;
    let Some(body_end) = s
        .len()
        .checked_sub(1)
        .filter(|&e| s.as_bytes()[e] == b'}' && e >= body_start)
    else {
        return Err(malformed());
    };
    let body = s
        .get(body_start..body_end)
        .unwrap_or_default()
        .trim_end_matches(' ');
    let scan = scan_hex(body, true);
    if scan.first_bad.is_none() && scan.digits % 2 == 0 && scan.digits / 2 != declared {
        return Err(TokenError::new(TokenErrorKind::LengthMismatch {
            declared,
            actual: scan.digits / 2,
        }));
    }
    finish_hex(
        loc,
        body,
        body_start,
        &scan,
        TokenFormat::Description,
        Warnings::empty(),
    )
}

/// Byte position of the first `needle` in `s` (a plain search: these strings are short, and
/// the standard library's substring search would add kilobytes to the wasm).
fn find(s: &str, needle: &str) -> Option<usize> {
    let (s, n) = (s.as_bytes(), needle.as_bytes());
    let first = *n.first()?;
    s.iter()
        .enumerate()
        .position(|(i, &b)| b == first && s.get(i..).is_some_and(|r| r.starts_with(n)))
}

/// A tiny reader for the description syntax; spaces are optional everywhere.
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl Cursor<'_> {
    fn skip_spaces(&mut self) {
        while self.s.as_bytes().get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    fn word(&mut self, w: &str) -> bool {
        self.skip_spaces();
        if self.s.get(self.i..).unwrap_or_default().starts_with(w) {
            self.i += w.len();
            true
        } else {
            false
        }
    }

    fn sym(&mut self, b: u8) -> bool {
        self.skip_spaces();
        if self.s.as_bytes().get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Option<usize> {
        self.skip_spaces();
        let digits = self
            .s
            .as_bytes()
            .get(self.i..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 6 {
            return None;
        }
        let n = self.s.get(self.i..self.i + digits)?.parse().ok()?;
        self.i += digits;
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hex_token_length_with_or_without_prefix() {
        assert!(has_hex_token_length(64, 0, false));
        assert!(has_hex_token_length(64, 2, false));
        assert!(has_hex_token_length(62, 2, false));
        assert!(!has_hex_token_length(64, 0, true));
        assert!(!has_hex_token_length(63, 0, false));
        assert!(!has_hex_token_length(43, 0, false));
    }

    #[test]
    fn base64_needs_sixteen_different_characters() {
        // 43 characters (32 bytes), a quarter and more outside the hex digits, no leftover bits.
        let fifteen = format!("{}g", &"ghijklmnopqrstu".repeat(3)[..42]);
        let sixteen = format!("{}A", &"ghijklmnopqrstu".repeat(3)[..42]);
        assert_eq!(parse_base64(&fifteen, 43), Ok(None));
        let parsed = parse_base64(&sixteen, 42).unwrap().unwrap();
        assert_eq!(
            (parsed.format, parsed.byte_len),
            (TokenFormat::Base64, Some(32))
        );
    }
}
