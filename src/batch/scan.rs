//! Recognising the common forms of a line a word at a time (plain hex, `<…>` groups, FCM), and
//! finding where lines end.

use std::borrow::Cow;

use crate::token::{apns, Provider, APNS_MAX_BYTES, APNS_MIN_BYTES, FCM_MAX_CHARS, FCM_MIN_CHARS};

use super::hash::{WordHash, Words};

/// What the fast path recognised on a line.
pub(super) enum Fast {
    /// An APNs token.
    Apns,
    /// An FCM token: the text from the line's start up to this position.
    Fcm(usize),
}

/// Recognises the common forms at `start` (plain hex, `<…>` groups of 8 digits, FCM-shaped
/// tokens with nothing around them) and returns the form, the identity hash and where the next
/// line starts. `None` means "not one of those, or not valid": the general rules then decide,
/// so this only has to be right about what it accepts (the `fast_path_agrees_with_the_rules`
/// tests check it against [`token::parse`]).
#[inline]
pub(super) fn fast_line(
    t: &[u8],
    start: usize,
    provider: Option<Provider>,
) -> Option<(Fast, u64, usize)> {
    if provider != Some(Provider::Fcm) {
        let mut h = WordHash::new(Provider::Apn);
        if let Some((digits, next)) = apns_line(t, start, &mut h) {
            return Some((Fast::Apns, h.finish(digits), next));
        }
    }
    match provider {
        Some(Provider::Apn) => None,
        _ => fcm_line(t, start),
    }
}

/// A plain hex or `<…>` line: its words go to `sink`; returns the number of digits and where
/// the next line starts.
#[inline(always)]
pub(super) fn apns_line(t: &[u8], start: usize, sink: &mut impl Words) -> Option<(usize, usize)> {
    match t.get(start) {
        Some(b'<') => bracketed_line(t, start, sink),
        _ => hex_line(t, start, sink),
    }
}

/// 64 to 200 hex digits (an even number), then the end of the line.
#[inline(always)]
pub(super) fn hex_line(t: &[u8], start: usize, sink: &mut impl Words) -> Option<(usize, usize)> {
    const FOLD: u64 = apns::ONES * 0x20;
    let mut p = start;
    // Whole words of 8 digits: checked, case-folded and passed on as they are.
    while let Some(x) = apns::load8(t, p) {
        if apns::hex_mask8(x).0 != apns::HIGH {
            break;
        }
        sink.word(x | FOLD);
        p += 8;
    }
    // Fewer than 8 digits left: one byte at a time, into a last partial word.
    let mut last = 0u64;
    let mut k = 0;
    while let Some(&b) = t.get(p) {
        if !apns::is_hex(b) {
            break;
        }
        last |= u64::from(b | 0x20) << (8 * (k & 7));
        k += 1;
        p += 1;
    }
    let digits = p - start;
    if k >= 8 || digits % 2 != 0 || !(2 * APNS_MIN_BYTES..=2 * APNS_MAX_BYTES).contains(&digits) {
        return None;
    }
    let next = line_end(t, p)?;
    if k > 0 {
        sink.word(last);
    }
    Some((digits, next))
}

/// `<` groups of exactly 8 hex digits separated by one space `>`, then the end of the line.
#[inline(always)]
pub(super) fn bracketed_line(
    t: &[u8],
    start: usize,
    sink: &mut impl Words,
) -> Option<(usize, usize)> {
    const FOLD: u64 = apns::ONES * 0x20;
    let mut p = start + 1;
    let mut digits = 0;
    loop {
        let x = apns::load8(t, p)?;
        if apns::hex_mask8(x).0 != apns::HIGH {
            return None;
        }
        sink.word(x | FOLD);
        digits += 8;
        p += 8;
        match t.get(p) {
            Some(b' ') => p += 1,
            Some(b'>') => break,
            _ => return None,
        }
    }
    if !(2 * APNS_MIN_BYTES..=2 * APNS_MAX_BYTES).contains(&digits) {
        return None;
    }
    let next = line_end(t, p + 1)?;
    Some((digits, next))
}

/// `0x80` in each byte of `x` that can appear in an FCM token: `[A-Za-z0-9_:-]`.
#[inline(always)]
pub(super) fn fcm_mask8(x: u64) -> u64 {
    use apns::{in_range8, HIGH, ONES};
    let ascii = !x & HIGH;
    let y = x & !HIGH;
    let ok = in_range8(y, b'0', b':')
        | in_range8(y | (ONES * 0x20), b'a', b'z')
        | in_range8(y, b'-', b'-')
        | in_range8(y, b'_', b'_');
    ok & ascii
}

/// An FCM (`<id>:APA91b…`) or legacy GCM (`APA91b…`) token of 64 to 4096 FCM characters, then
/// the end of the line.
pub(super) fn fcm_line(t: &[u8], start: usize) -> Option<(Fast, u64, usize)> {
    use apns::{in_range8, HIGH};
    let mut p = start;
    let mut colon = usize::MAX;
    let end = loop {
        let Some(x) = apns::load8(t, p) else {
            while let Some(&b) = t.get(p) {
                if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':')) {
                    break;
                }
                if b == b':' && colon == usize::MAX {
                    colon = p;
                }
                p += 1;
            }
            break p;
        };
        if colon == usize::MAX {
            let colons = in_range8(x & !HIGH, b':', b':') & !x & HIGH;
            if colons != 0 {
                colon = p + (colons.trailing_zeros() / 8) as usize;
            }
        }
        let ok = fcm_mask8(x);
        if ok != HIGH {
            break p + ((!ok & HIGH).trailing_zeros() / 8) as usize;
        }
        p += 8;
        if p - start > FCM_MAX_CHARS {
            return None;
        }
    };
    let token = t.get(start..end)?;
    if !(FCM_MIN_CHARS..=FCM_MAX_CHARS).contains(&token.len()) {
        return None;
    }
    let shaped = token.starts_with(APA91B)
        || (colon < end && t.get(colon + 1..end).is_some_and(|r| r.starts_with(APA91B)));
    if !shaped {
        return None;
    }
    let next = line_end(t, end)?;
    Some((
        Fast::Fcm(end),
        WordHash::of_text(Provider::Fcm, token),
        next,
    ))
}

pub(super) const APA91B: &[u8] = b"APA91b";

/// Where the next line starts if a line ends at `p` (`\n`, `\r\n`, or the end of the text, with
/// one `\r` allowed before the end of the text).
#[inline(always)]
pub(super) fn line_end(t: &[u8], p: usize) -> Option<usize> {
    match t.get(p) {
        None => Some(p),
        Some(b'\n') => Some(p + 1),
        Some(b'\r') => match t.get(p + 1) {
            None => Some(p + 1),
            Some(b'\n') => Some(p + 2),
            Some(_) => None,
        },
        Some(_) => None,
    }
}

/// Position of the first `\n` at or after `p`, or the length of the text.
pub(super) fn find_newline(t: &[u8], mut p: usize) -> usize {
    use apns::{HIGH, ONES};
    while let Some(x) = apns::load8(t, p) {
        let y = x ^ (ONES * u64::from(b'\n'));
        // The lowest flagged byte of this "has a zero byte" expression is exact.
        let zero = y.wrapping_sub(ONES) & !y & HIGH;
        if zero != 0 {
            return p + (zero.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    while let Some(&b) = t.get(p) {
        if b == b'\n' {
            return p;
        }
        p += 1;
    }
    t.len().max(p)
}

/// The line `t[start..end]` without its `\r`, as text.
pub(super) fn line_text(t: &[u8], start: usize, end: usize) -> Cow<'_, str> {
    let line = t.get(start..end).unwrap_or_default();
    String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line))
}
