//! Duplicates among the accepted tokens of a text: split by hash into cache-sized parts, found
//! with a small table per part, and confirmed by reading both lines again.

use crate::token::{self, Provider, APNS_MAX_BYTES};

use super::hash::{hex_words_of_bytes, WordBuf};
use super::scan::{apns_line, fcm_line, find_newline, line_text, Fast};
use super::Duplicate;

/// An accepted token in [`Parts`]: the low half of its hash, its line and where the line starts.
#[derive(Clone, Copy)]
pub(super) struct Accepted {
    pub(super) hash: u32,
    pub(super) index: u32,
    pub(super) start: u32,
}

/// The accepted tokens, split by the top bits of their hash as they are found.
///
/// Finding duplicates with one table of a million entries would cost a cache and TLB miss per
/// token; split into parts of about 2,000 (at most 64 parts: [`MAX_PART_BITS`]), each part's
/// table stays in the CPU cache, and the parts are filled sequentially during the scan. All
/// parts live in one allocation (a segment each, sized for the most tokens the text can hold,
/// plus a margin): wasm grows its memory in 64 KiB steps, and in V8 every growth of a large
/// memory can cost a full garbage collection, so many small vectors would make a first call
/// several times slower.
pub(super) struct Parts {
    pub(super) bits: u32,
    /// Capacity of each part's segment in `store`.
    pub(super) each: usize,
    /// `[hash, index, start]` of each token (plain arrays, so the store is zeroed memory).
    pub(super) store: Vec<[u32; 3]>,
    /// Tokens in each part's segment.
    pub(super) filled: Vec<u32>,
    /// Tokens that did not fit in their segment (rare): part and token, in line order.
    pub(super) overflow: Vec<(u32, Accepted)>,
}

/// At most 2⁶ parts. The scan appends each token to its part, so it writes to as many places
/// at once as there are parts: 64 stay in the first-level cache, where 512 (a part per 2,000
/// of a million tokens) made appends miss it, about a tenth of the whole batch. A part's table
/// is then larger (256 KiB for a million tokens), which the second-level cache holds.
const MAX_PART_BITS: u32 = 6;

impl Parts {
    pub(super) fn new(expected: usize) -> Self {
        let bits = (expected / 2048)
            .next_power_of_two()
            .trailing_zeros()
            .min(MAX_PART_BITS);
        let each = expected / (1 << bits) + expected / (4 << bits) + 16;
        Parts {
            bits,
            each,
            store: vec![[0; 3]; each << bits],
            filled: vec![0; 1 << bits],
            overflow: Vec::new(),
        }
    }

    #[inline(always)]
    pub(super) fn push(&mut self, hash: u64, index: usize, start: usize) {
        let part = if self.bits == 0 {
            0
        } else {
            (hash >> (64 - self.bits)) as usize
        };
        let a = Accepted {
            hash: hash as u32,
            index: index as u32,
            start: start as u32,
        };
        if let Some(n) = self.filled.get_mut(part) {
            if let Some(slot) = self.store.get_mut(part * self.each + *n as usize) {
                if (*n as usize) < self.each {
                    *slot = [a.hash, a.index, a.start];
                    *n += 1;
                    return;
                }
            }
        }
        self.overflow.push((part as u32, a));
    }

    /// The tokens of part `p` in its segment, in line order.
    pub(super) fn segment(&self, p: usize) -> &[[u32; 3]] {
        let n = self.filled.get(p).map_or(0, |&n| n as usize);
        self.store
            .get(p * self.each..p * self.each + n)
            .unwrap_or_default()
    }

    /// The tokens of part `p` that did not fit in its segment, in line order (once `overflow`
    /// is sorted by part).
    pub(super) fn spilled(&self, p: usize) -> &[(u32, Accepted)] {
        let from = self.overflow.partition_point(|(q, _)| (*q as usize) < p);
        let to = self.overflow.partition_point(|(q, _)| (*q as usize) <= p);
        self.overflow.get(from..to).unwrap_or_default()
    }
}

/// Finds the tokens whose identity appeared on an earlier line, part by part (each part is in
/// line order).
///
/// A hash match is confirmed by reading both lines again, so equal hashes of different tokens
/// never count as duplicates. Those reads are the only random accesses to the text, so they are
/// done after all parts, in line order: the later line of each pair is then read sequentially.
/// A part where a match turns out false (a 32-bit tag collision: almost never) is done again
/// with every match confirmed on the spot.
pub(super) fn find_duplicates(
    t: &[u8],
    provider: Option<Provider>,
    mut accepted: Parts,
) -> Vec<Duplicate> {
    // Spilled tokens by part (a stable sort: line order is kept within each part).
    sort_by_key(&mut accepted.overflow, |(p, _)| *p);
    let parts = 1usize << accepted.bits;
    let largest = (0..parts)
        .map(|p| accepted.filled.get(p).map_or(0, |&n| n as usize) + accepted.spilled(p).len())
        .max()
        .unwrap_or(0);
    let mut dedupe = Dedupe {
        t,
        provider,
        table: vec![0u32; (2 * largest).next_power_of_two().max(2)],
        joined: Vec::new(),
        words: (WordBuf::new(), WordBuf::new()),
        matches: Vec::new(),
    };
    for p in 0..parts {
        dedupe.part(&accepted, p, false);
    }
    let mut matches = core::mem::take(&mut dedupe.matches);
    sort_by_key(&mut matches, |m| m.index);
    let mut wrong_parts: Vec<u32> = Vec::new();
    for m in &matches {
        if !same_token(t, provider, m.first_start, m.start, &mut dedupe.words) {
            wrong_parts.push(m.part);
        }
    }
    if !wrong_parts.is_empty() {
        sort_by_key(&mut wrong_parts, |&p| p);
        wrong_parts.dedup();
        matches.retain(|m| wrong_parts.binary_search(&m.part).is_err());
        for &p in &wrong_parts {
            dedupe.part(&accepted, p as usize, true);
        }
        matches.append(&mut dedupe.matches);
        sort_by_key(&mut matches, |m| m.index);
    }
    matches
        .into_iter()
        .map(|m| Duplicate {
            index: m.index as usize,
            first_index: m.first_index as usize,
        })
        .collect()
}

/// A stable sort by a `u32` key: four counting passes of 8 bits. (Small code: the standard
/// library's sorts would add several kilobytes per element type to the wasm.)
pub(super) fn sort_by_key<T: Copy>(v: &mut Vec<T>, key: impl Fn(&T) -> u32) {
    let Some(first) = v.first().copied() else {
        return;
    };
    let mut from = core::mem::take(v);
    let mut to = vec![first; from.len()];
    for shift in [0, 8, 16, 24] {
        let mut starts = [0usize; 257];
        for x in &from {
            starts[((key(x) >> shift) & 0xFF) as usize + 1] += 1;
        }
        if starts.contains(&from.len()) {
            continue; // every key has the same byte here
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        for x in &from {
            let digit = ((key(x) >> shift) & 0xFF) as usize;
            if let Some(slot) = to.get_mut(starts[digit]) {
                *slot = *x;
            }
            starts[digit] += 1;
        }
        core::mem::swap(&mut from, &mut to);
    }
    *v = from;
}

/// A token whose hash matches an earlier one's in the same part.
#[derive(Clone, Copy)]
pub(super) struct Match {
    part: u32,
    index: u32,
    start: u32,
    first_index: u32,
    first_start: u32,
}

/// The state of [`find_duplicates`].
pub(super) struct Dedupe<'t> {
    t: &'t [u8],
    provider: Option<Provider>,
    table: Vec<u32>,
    joined: Vec<[u32; 3]>,
    words: (WordBuf, WordBuf),
    matches: Vec<Match>,
}

impl Dedupe<'_> {
    /// Adds part `p`'s hash matches to `matches`, confirmed on the spot when `confirm`. (A
    /// function of its own, so that V8 optimizes it after the first parts even during the first
    /// call.)
    #[inline(never)]
    pub(super) fn part(&mut self, accepted: &Parts, p: usize, confirm: bool) {
        let segment = accepted.segment(p);
        let spilled = accepted.spilled(p);
        let members = if spilled.is_empty() {
            segment
        } else {
            self.joined.clear();
            self.joined.extend_from_slice(segment);
            self.joined
                .extend(spilled.iter().map(|(_, a)| [a.hash, a.index, a.start]));
            &self.joined
        };
        let size = (2 * members.len()).next_power_of_two().max(2);
        let Some(table) = self.table.get_mut(..size) else {
            return;
        };
        table.fill(0);
        let mask = size - 1;
        for (i, &[hash, index, start]) in members.iter().enumerate() {
            // 0 marks a free slot; otherwise the entry is a position in the part, plus one.
            let mut slot = hash as usize & mask;
            loop {
                let Some(entry) = table.get_mut(slot) else {
                    return;
                };
                if *entry == 0 {
                    *entry = i as u32 + 1;
                    break;
                }
                if let Some(&[e_hash, e_index, e_start]) = members.get(*entry as usize - 1) {
                    if e_hash == hash
                        && (!confirm
                            || same_token(self.t, self.provider, e_start, start, &mut self.words))
                    {
                        self.matches.push(Match {
                            part: p as u32,
                            index,
                            start,
                            first_index: e_index,
                            first_start: e_start,
                        });
                        break;
                    }
                }
                slot = (slot + 1) & mask;
            }
        }
    }
}

/// What identifies an accepted token, as [`WordHash`] hashed it.
#[derive(PartialEq)]
pub(super) enum Identity<'a> {
    /// APNs: the words of the lower-case hex, and the number of digits.
    Apns(usize),
    /// FCM: the exact token.
    Fcm(&'a [u8]),
}

/// The identity of the (accepted) token on the line that starts at `start`; APNs words go to
/// `buf`.
pub(super) fn line_identity<'a>(
    t: &'a [u8],
    start: u32,
    provider: Option<Provider>,
    buf: &mut WordBuf,
) -> Option<Identity<'a>> {
    let start = start as usize;
    buf.n = 0;
    if provider != Some(Provider::Fcm) {
        if let Some((digits, _)) = apns_line(t, start, buf) {
            return Some(Identity::Apns(digits));
        }
    }
    if provider != Some(Provider::Apn) {
        if let Some((Fast::Fcm(end), _, _)) = fcm_line(t, start) {
            return Some(Identity::Fcm(t.get(start..end)?));
        }
    }
    let line = line_text(t, start, find_newline(t, start));
    let parsed = token::parse(&line, provider).ok()?;
    match parsed.provider() {
        // Up to 4096 bytes: borrowed from the text rather than copied.
        Provider::Fcm => line_fcm_text(t, start).map(Identity::Fcm),
        Provider::Apn => {
            let mut bytes = [0; APNS_MAX_BYTES];
            let identity = parsed.identity(&mut bytes);
            // (A fast path that gave up half-way may have left words behind.)
            buf.n = 0;
            hex_words_of_bytes(identity, buf);
            Some(Identity::Apns(2 * identity.len()))
        }
    }
}

/// The FCM token on the line at `start`, as the general rules see it: the line (without its
/// `\r`) trimmed of whitespace. (An accepted FCM token is ASCII, so its line is valid UTF-8.)
pub(super) fn line_fcm_text(t: &[u8], start: usize) -> Option<&[u8]> {
    let line = t.get(start..find_newline(t, start))?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    core::str::from_utf8(line).ok().map(|s| s.trim().as_bytes())
}

/// Whether the tokens on the lines starting at `a` and `b` are the same.
pub(super) fn same_token(
    t: &[u8],
    provider: Option<Provider>,
    a: u32,
    b: u32,
    (one, two): &mut (WordBuf, WordBuf),
) -> bool {
    match (
        line_identity(t, a, provider, one),
        line_identity(t, b, provider, two),
    ) {
        (Some(x), Some(y)) => x == y && one.as_slice() == two.as_slice(),
        _ => false,
    }
}
