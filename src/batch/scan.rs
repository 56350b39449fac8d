//! Recognising the common forms of a line a word at a time (plain hex, `<…>` groups, FCM), and
//! finding where lines end.

use std::borrow::Cow;

use crate::token::{apns, Provider, APNS_MAX_BYTES, APNS_MIN_BYTES, FCM_MAX_CHARS, FCM_MIN_CHARS};

use super::block::{low_bytes, Block};
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
///
/// Sixteen bytes at a time: a block of hex digits goes to `sink` as two case-folded words; the
/// block where the digits stop gives their count from its mask, and its digits go as the last
/// words (the very last one zero-padded).
#[inline(always)]
pub(super) fn hex_line(t: &[u8], start: usize, sink: &mut impl Words) -> Option<(usize, usize)> {
    let mut p = start;
    loop {
        let block = Block::at(t, p);
        let hex = block.hex();
        let (lo, hi) = block.words();
        if hex == ALL {
            sink.word(lo | FOLD);
            sink.word(hi | FOLD);
            p += 16;
            if p - start > 2 * APNS_MAX_BYTES {
                return None;
            }
            continue;
        }
        let n = hex.trailing_ones() as usize;
        let digits = p + n - start;
        if digits % 2 != 0 || !apns_digits(digits) {
            return None;
        }
        let next = line_end(t, p + n)?;
        last_words(sink, lo | FOLD, hi | FOLD, n);
        return Some((digits, next));
    }
}

/// Whether an APNs token may have this many hex digits (parity aside). Comparisons rather than
/// `RangeInclusive::contains`, which the size-optimized build calls out of line, through memory,
/// once per line.
#[inline(always)]
fn apns_digits(digits: usize) -> bool {
    digits.wrapping_sub(2 * APNS_MIN_BYTES) <= 2 * (APNS_MAX_BYTES - APNS_MIN_BYTES)
}

/// Every byte of a 16-byte block's mask.
const ALL: u32 = 0xFFFF;

/// Bit 5 in every byte: `x | FOLD` is the lower case of hex digits (and leaves digits alone).
const FOLD: u64 = apns::ONES * 0x20;

/// The first `n` (< 16) bytes of a block whose halves are `lo` and `hi`, as words of 8 bytes,
/// the last one zero-padded.
#[inline(always)]
fn last_words(sink: &mut impl Words, lo: u64, hi: u64, n: usize) {
    if n >= 8 {
        sink.word(lo);
        if n > 8 {
            sink.word(low_bytes(hi, n - 8));
        }
    } else if n > 0 {
        sink.word(low_bytes(lo, n));
    }
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
    if !apns_digits(digits) {
        return None;
    }
    let next = line_end(t, p + 1)?;
    Some((digits, next))
}

/// An FCM (`<id>:APA91b…`) or legacy GCM (`APA91b…`) token of 64 to 4096 FCM characters, then
/// the end of the line; hashed as it is read.
pub(super) fn fcm_line(t: &[u8], start: usize) -> Option<(Fast, u64, usize)> {
    let mut hash = WordHash::new(Provider::Fcm);
    let mut p = start;
    // Where the first `:` is (past the token if it has none).
    let mut colon = usize::MAX;
    let end = loop {
        let block = Block::at(t, p);
        if colon == usize::MAX {
            let colons = block.byte(b':');
            if colons != 0 {
                colon = p + colons.trailing_zeros() as usize;
            }
        }
        let ok = block.fcm();
        let (lo, hi) = block.words();
        if ok != ALL {
            let n = ok.trailing_ones() as usize;
            last_words(&mut hash, lo, hi, n);
            break p + n;
        }
        hash.word(lo);
        hash.word(hi);
        p += 16;
        if p - start > FCM_MAX_CHARS {
            return None;
        }
    };
    let token = t.get(start..end)?;
    if token.len().wrapping_sub(FCM_MIN_CHARS) > FCM_MAX_CHARS - FCM_MIN_CHARS {
        return None;
    }
    let shaped = token.starts_with(APA91B)
        || (colon < end && t.get(colon + 1..end).is_some_and(|r| r.starts_with(APA91B)));
    if !shaped {
        return None;
    }
    let next = line_end(t, end)?;
    Some((Fast::Fcm(end), hash.finish(token.len()), next))
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
    loop {
        let newlines = Block::at(t, p).byte(b'\n');
        if newlines != 0 {
            return (p + newlines.trailing_zeros() as usize).min(t.len());
        }
        p += 16;
        if p >= t.len() {
            return t.len();
        }
    }
}

/// The line `t[start..end]` without its `\r`, as text.
pub(super) fn line_text(t: &[u8], start: usize, end: usize) -> Cow<'_, str> {
    let line = t.get(start..end).unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    // Checking alone is faster than `from_utf8_lossy`'s chunked reading, and a line is almost
    // always valid.
    match core::str::from_utf8(line) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(line),
    }
}
