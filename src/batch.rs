//! Many tokens in one pass: counts, every error by index, duplicates by canonical form.
//!
//! Built for size: a million tokens are checked without an allocation per valid token. The
//! identity of each accepted token (its decoded bytes for APNs, its exact text for FCM) is
//! appended to one arena and hashed; only collisions compare bytes.

use std::borrow::Cow;

use crate::token::{
    self, apns, Provider, TokenError, APNS_MAX_BYTES, APNS_MIN_BYTES, FCM_MAX_CHARS, FCM_MIN_CHARS,
};

/// What [`BatchInspector::finish`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Tokens looked at (blank lines are not tokens).
    pub total: usize,
    /// Tokens accepted, duplicates included.
    pub valid: usize,
    /// Tokens refused.
    pub invalid: usize,
    /// Accepted tokens whose canonical form was already seen earlier in the batch.
    pub duplicates: usize,
    /// Every refused token: its index and why.
    pub errors: Vec<BatchError>,
    /// Every duplicate: its index and the index of the first occurrence.
    pub duplicate_of: Vec<Duplicate>,
    /// Canonical tokens by index (`None` for refused ones and blank lines), when asked for.
    pub tokens: Option<Vec<Option<String>>>,
}

/// A refused token in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchError {
    /// Line number (text input) or position in the list.
    pub index: usize,
    /// Why it was refused; `position` is within the token's own line.
    pub error: TokenError,
}

/// A token that repeats an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    /// Where the repeat is.
    pub index: usize,
    /// Where the token first appeared.
    pub first_index: usize,
}

/// Options for a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOptions {
    /// Provider every token is claimed to be for; `None` classifies each one.
    pub provider: Option<Provider>,
    /// Also return every canonical token (slower: one allocation per token).
    pub include_tokens: bool,
}

/// Checks tokens one at a time and remembers what it needs to find duplicates.
pub struct BatchInspector {
    options: BatchOptions,
    report: BatchReport,
    /// Identity bytes of every distinct accepted token, back to back.
    arena: Vec<u8>,
    /// Distinct tokens, in order of first appearance.
    seen: Vec<Seen>,
    /// Open addressing over `seen`: 0 is a free slot, otherwise an index in `seen` plus one.
    table: Vec<u32>,
    scratch: [u8; APNS_MAX_BYTES],
}

struct Seen {
    start: u32,
    len: u32,
    provider: Provider,
    index: u32,
    hash: u64,
}

impl BatchInspector {
    /// An empty batch.
    pub fn new(options: BatchOptions) -> Self {
        BatchInspector {
            options,
            report: BatchReport {
                tokens: options.include_tokens.then(Vec::new),
                ..BatchReport::default()
            },
            arena: Vec::new(),
            seen: Vec::new(),
            table: Vec::new(),
            scratch: [0; APNS_MAX_BYTES],
        }
    }

    /// Prepares for about `tokens` tokens of `bytes` total input.
    pub fn reserve(&mut self, tokens: usize, bytes: usize) {
        self.seen.reserve(tokens);
        grow_table(&mut self.table, &self.seen, 2 * tokens);
        self.arena.reserve(bytes / 2);
    }

    /// Checks the token at `index`.
    pub fn push(&mut self, index: usize, input: &str) {
        let result = token::parse(input, self.options.provider);
        self.record(index, result);
    }

    /// Checks raw token bytes at `index`.
    pub fn push_bytes(&mut self, index: usize, bytes: &[u8]) {
        let result = token::parse_bytes(bytes, self.options.provider);
        self.record(index, result);
    }

    /// Counts a token that could not even be read as a token (a wrong type in a JS list).
    pub fn push_error(&mut self, index: usize, error: TokenError) {
        self.record(index, Err(error));
    }

    fn record(&mut self, index: usize, result: Result<token::Parsed<'_>, TokenError>) {
        self.report.total += 1;
        if let Some(t) = &mut self.report.tokens {
            // Keep `tokens[index]` aligned with `index` across skipped blank lines.
            if t.len() < index {
                t.resize(index, None);
            }
        }
        match result {
            Err(error) => {
                self.report.invalid += 1;
                self.report.errors.push(BatchError { index, error });
                if let Some(t) = &mut self.report.tokens {
                    t.push(None);
                }
            }
            Ok(parsed) => {
                self.report.valid += 1;
                let identity = parsed.identity(&mut self.scratch);
                if let Some(first_index) = remember(
                    &mut self.arena,
                    &mut self.seen,
                    &mut self.table,
                    parsed.provider(),
                    identity,
                    index,
                ) {
                    self.report.duplicates += 1;
                    self.report
                        .duplicate_of
                        .push(Duplicate { index, first_index });
                }
                if let Some(t) = &mut self.report.tokens {
                    t.push(Some(parsed.canonical()));
                }
            }
        }
    }

    /// The report.
    pub fn finish(self) -> BatchReport {
        self.report
    }
}

/// Records `identity` if new and returns `None`; otherwise returns the first index it was seen at.
fn remember(
    arena: &mut Vec<u8>,
    seen: &mut Vec<Seen>,
    table: &mut Vec<u32>,
    provider: Provider,
    identity: &[u8],
    index: usize,
) -> Option<usize> {
    let hash = hash_bytes(identity, provider);
    if 2 * (seen.len() + 1) > table.len() {
        grow_table(table, seen, 2 * table.len());
    }
    let mask = table.len() - 1;
    let mut slot = hash as usize & mask;
    loop {
        let entry = *table.get(slot)?;
        let Some(s) = (entry as usize).checked_sub(1).and_then(|e| seen.get(e)) else {
            break;
        };
        let known = arena.get(s.start as usize..(s.start + s.len) as usize);
        if s.hash == hash && s.provider == provider && known == Some(identity) {
            return Some(s.index as usize);
        }
        slot = (slot + 1) & mask;
    }
    if let Some(free) = table.get_mut(slot) {
        *free = seen.len() as u32 + 1;
    }
    seen.push(Seen {
        start: arena.len() as u32,
        len: identity.len() as u32,
        provider,
        index: index as u32,
        hash,
    });
    arena.extend_from_slice(identity);
    None
}

/// Rebuilds the table of [`remember`] with room for at least `slots` (a power of two).
fn grow_table(table: &mut Vec<u32>, seen: &[Seen], slots: usize) {
    let size = slots.next_power_of_two().max(16);
    if size <= table.len() {
        return;
    }
    *table = vec![0; size];
    let mask = size - 1;
    for (e, s) in seen.iter().enumerate() {
        let mut slot = s.hash as usize & mask;
        while table.get(slot).is_some_and(|&x| x != 0) {
            slot = (slot + 1) & mask;
        }
        if let Some(free) = table.get_mut(slot) {
            *free = e as u32 + 1;
        }
    }
}

/// Checks one token per line. Lines end with `\n` or `\r\n`; blank lines are skipped and not
/// counted; `index` is the 0-based line number.
pub fn inspect_lines(text: &str, options: BatchOptions) -> BatchReport {
    inspect_lines_bytes(text.as_bytes(), options)
}

/// [`inspect_lines`] for UTF-8 text given as bytes (what `TextEncoder.encodeInto` writes into
/// wasm memory, so the JS entry never builds a Rust `String` of the whole text). A line that is
/// not valid UTF-8 is read with U+FFFD in place of the bad bytes (and so refused).
///
/// One pass over the bytes, 8 at a time: the common forms (plain hex, `<…>` groups, FCM tokens)
/// are recognised and decoded without allocating, and everything else goes through the same
/// rules as [`token::parse`]. Duplicates are found by hashing each token's identity (the decoded
/// bytes for APNs, the exact text for FCM) into an open-addressing table that remembers only
/// where each distinct token's line starts: a hash match is confirmed by reading that line again,
/// so no token is ever copied.
pub fn inspect_lines_bytes(text: &[u8], options: BatchOptions) -> BatchReport {
    if options.include_tokens || u32::try_from(text.len()).is_err() {
        return inspect_lines_general(text, options);
    }
    LineScanner::new(text, options.provider).run()
}

/// The line-by-line path through [`BatchInspector`] (used for `include_tokens`).
fn inspect_lines_general(text: &[u8], options: BatchOptions) -> BatchReport {
    let mut batch = BatchInspector::new(options);
    batch.reserve(text.len() / 66 + 1, text.len());
    for (index, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = String::from_utf8_lossy(line);
        if line.trim().is_empty() {
            continue;
        }
        batch.push(index, &line);
    }
    batch.finish()
}

/// Checks a list of tokens; `index` is the position in the list. Blank entries are counted as
/// `EMPTY` errors, since a list has no blank lines to skip.
pub fn inspect_list<'a, I>(tokens: I, options: BatchOptions) -> BatchReport
where
    I: IntoIterator<Item = &'a str>,
{
    let mut batch = BatchInspector::new(options);
    for (index, t) in tokens.into_iter().enumerate() {
        batch.push(index, t);
    }
    batch.finish()
}

/// The hash that identifies an accepted token in [`inspect_lines_bytes`]: 8-byte words of its
/// identity text, which is the lower-case hex of the bytes for APNs (whatever the spelling: the
/// scanner folds the case of each 8-digit word it has just checked, and never decodes) and the
/// exact characters for FCM. The last word is zero-padded; the length goes in at the end.
#[derive(Clone, Copy)]
struct WordHash(u64);

impl WordHash {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    fn new(provider: Provider) -> Self {
        WordHash(match provider {
            Provider::Apn => 0x243F_6A88_85A3_08D3,
            Provider::Fcm => 0x1319_8A2E_0370_7344,
        })
    }

    #[inline(always)]
    fn word(&mut self, w: u64) {
        let h = (self.0 ^ w).wrapping_mul(Self::K);
        self.0 = h ^ (h >> 29);
    }

    fn finish(self, len: usize) -> u64 {
        let mut h = (self.0 ^ len as u64).wrapping_mul(Self::K);
        h ^= h >> 32;
        h = h.wrapping_mul(Self::K);
        h ^ (h >> 29)
    }

    /// The hash of an identity text given whole.
    fn of_text(provider: Provider, text: &[u8]) -> u64 {
        let mut h = WordHash::new(provider);
        let mut p = 0;
        while let Some(w) = apns::load8(text, p) {
            h.word(w);
            p += 8;
        }
        if let Some(rest) = text.get(p..).filter(|r| !r.is_empty()) {
            let mut w = [0u8; 8];
            for (d, s) in w.iter_mut().zip(rest) {
                *d = *s;
            }
            h.word(u64::from_le_bytes(w));
        }
        h.finish(text.len())
    }

    /// The hash of a token from what the general rules made of it (APNs bytes are spelled out
    /// as lower-case hex, as the scanner sees them).
    fn of_parsed(parsed: &token::Parsed<'_>, scratch: &mut [u8; APNS_MAX_BYTES]) -> u64 {
        let identity = parsed.identity(scratch);
        if parsed.provider() == Provider::Fcm {
            return WordHash::of_text(Provider::Fcm, identity);
        }
        let mut h = WordHash::new(Provider::Apn);
        hex_words_of_bytes(identity, &mut h);
        h.finish(2 * identity.len())
    }
}

/// Where the scanners put the 8-digit words of an APNs token: its hash, or a buffer.
trait Words {
    fn word(&mut self, w: u64);
}

impl Words for WordHash {
    #[inline(always)]
    fn word(&mut self, w: u64) {
        WordHash::word(self, w);
    }
}

/// The words of an APNs token's identity text (at most 25: 200 hex digits).
struct WordBuf {
    words: [u64; 2 * APNS_MAX_BYTES / 8],
    n: usize,
}

impl WordBuf {
    fn new() -> Self {
        WordBuf {
            words: [0; 2 * APNS_MAX_BYTES / 8],
            n: 0,
        }
    }

    fn as_slice(&self) -> &[u64] {
        self.words.get(..self.n).unwrap_or_default()
    }
}

impl Words for WordBuf {
    fn word(&mut self, w: u64) {
        if let Some(slot) = self.words.get_mut(self.n) {
            *slot = w;
            self.n += 1;
        }
    }
}

/// The lower-case hex of `bytes`, as words of 8 digits (the last one zero-padded).
fn hex_words_of_bytes(bytes: &[u8], sink: &mut impl Words) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for c in bytes.chunks(4) {
        let mut w = [0u8; 8];
        for (i, b) in c.iter().enumerate() {
            w[2 * i] = DIGITS[usize::from(b >> 4)];
            w[2 * i + 1] = DIGITS[usize::from(b & 15)];
        }
        sink.word(u64::from_le_bytes(w));
    }
}

/// What the fast path recognised on a line.
enum Fast {
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
fn fast_line(t: &[u8], start: usize, provider: Option<Provider>) -> Option<(Fast, u64, usize)> {
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
fn apns_line(t: &[u8], start: usize, sink: &mut impl Words) -> Option<(usize, usize)> {
    match t.get(start) {
        Some(b'<') => bracketed_line(t, start, sink),
        _ => hex_line(t, start, sink),
    }
}

/// 64 to 200 hex digits (an even number), then the end of the line.
#[inline(always)]
fn hex_line(t: &[u8], start: usize, sink: &mut impl Words) -> Option<(usize, usize)> {
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
fn bracketed_line(t: &[u8], start: usize, sink: &mut impl Words) -> Option<(usize, usize)> {
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
fn fcm_mask8(x: u64) -> u64 {
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
fn fcm_line(t: &[u8], start: usize) -> Option<(Fast, u64, usize)> {
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

const APA91B: &[u8] = b"APA91b";

/// Where the next line starts if a line ends at `p` (`\n`, `\r\n`, or the end of the text, with
/// one `\r` allowed before the end of the text).
#[inline(always)]
fn line_end(t: &[u8], p: usize) -> Option<usize> {
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
fn find_newline(t: &[u8], mut p: usize) -> usize {
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
fn line_text(t: &[u8], start: usize, end: usize) -> Cow<'_, str> {
    let line = t.get(start..end).unwrap_or_default();
    String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line))
}

/// An accepted token in [`Parts`]: the low half of its hash, its line and where the line starts.
#[derive(Clone, Copy)]
struct Accepted {
    hash: u32,
    index: u32,
    start: u32,
}

/// The accepted tokens, split by the top bits of their hash as they are found.
///
/// Finding duplicates with one table of a million entries would cost a cache and TLB miss per
/// token; split into parts of about 2,000, each part's table stays in the CPU cache, and the
/// parts are filled sequentially during the scan. All parts live in one allocation (a segment
/// each, sized for the most tokens the text can hold, plus a margin): wasm grows its memory in
/// 64 KiB steps, and in V8 every growth of a large memory can cost a full garbage collection,
/// so hundreds of small vectors would make a first call several times slower.
struct Parts {
    bits: u32,
    /// Capacity of each part's segment in `store`.
    each: usize,
    /// `[hash, index, start]` of each token (plain arrays, so the store is zeroed memory).
    store: Vec<[u32; 3]>,
    /// Tokens in each part's segment.
    filled: Vec<u32>,
    /// Tokens that did not fit in their segment (rare): part and token, in line order.
    overflow: Vec<(u32, Accepted)>,
}

impl Parts {
    fn new(expected: usize) -> Self {
        let bits = (expected / 2048)
            .next_power_of_two()
            .trailing_zeros()
            .min(12);
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
    fn push(&mut self, hash: u64, index: usize, start: usize) {
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
    fn segment(&self, p: usize) -> &[[u32; 3]] {
        let n = self.filled.get(p).map_or(0, |&n| n as usize);
        self.store
            .get(p * self.each..p * self.each + n)
            .unwrap_or_default()
    }

    /// The tokens of part `p` that did not fit in its segment, in line order (once `overflow`
    /// is sorted by part).
    fn spilled(&self, p: usize) -> &[(u32, Accepted)] {
        let from = self.overflow.partition_point(|(q, _)| (*q as usize) < p);
        let to = self.overflow.partition_point(|(q, _)| (*q as usize) <= p);
        self.overflow.get(from..to).unwrap_or_default()
    }
}

/// The fast path of [`inspect_lines_bytes`].
struct LineScanner<'t> {
    text: &'t [u8],
    provider: Option<Provider>,
    report: BatchReport,
    accepted: Parts,
    id: [u8; APNS_MAX_BYTES],
}

impl<'t> LineScanner<'t> {
    fn new(text: &'t [u8], provider: Option<Provider>) -> Self {
        LineScanner {
            text,
            provider,
            report: BatchReport::default(),
            // Real tokens are 64 characters or more.
            accepted: Parts::new(text.len() / 64 + 1),
            id: [0; APNS_MAX_BYTES],
        }
    }

    fn run(mut self) -> BatchReport {
        let t = self.text;
        let mut start = 0;
        let mut index = 0;
        while let Some(&first) = t.get(start) {
            if first == b'\n' {
                start += 1;
            } else if let Some((_, hash, next)) = fast_line(t, start, self.provider) {
                self.report.valid += 1;
                self.accepted.push(hash, index, start);
                start = next;
            } else {
                let end = find_newline(t, start);
                self.general(index, start, end);
                start = end + 1;
            }
            index += 1;
        }
        self.report.total = self.report.valid + self.report.invalid;
        self.report.duplicate_of = find_duplicates(t, self.provider, self.accepted);
        self.report.duplicates = self.report.duplicate_of.len();
        self.report
    }

    /// A line the fast path does not take: the general rules decide.
    fn general(&mut self, index: usize, start: usize, end: usize) {
        let line = line_text(self.text, start, end);
        if line.trim().is_empty() {
            return;
        }
        match token::parse(&line, self.provider) {
            Err(error) => {
                self.report.invalid += 1;
                self.report.errors.push(BatchError { index, error });
            }
            Ok(parsed) => {
                self.report.valid += 1;
                let hash = WordHash::of_parsed(&parsed, &mut self.id);
                self.accepted.push(hash, index, start);
            }
        }
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
fn find_duplicates(t: &[u8], provider: Option<Provider>, mut accepted: Parts) -> Vec<Duplicate> {
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
fn sort_by_key<T: Copy>(v: &mut Vec<T>, key: impl Fn(&T) -> u32) {
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
struct Match {
    part: u32,
    index: u32,
    start: u32,
    first_index: u32,
    first_start: u32,
}

/// The state of [`find_duplicates`].
struct Dedupe<'t> {
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
    fn part(&mut self, accepted: &Parts, p: usize, confirm: bool) {
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
enum Identity<'a> {
    /// APNs: the words of the lower-case hex, and the number of digits.
    Apns(usize),
    /// FCM: the exact token.
    Fcm(&'a [u8]),
}

/// The identity of the (accepted) token on the line that starts at `start`; APNs words go to
/// `buf`.
fn line_identity<'a>(
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
fn line_fcm_text(t: &[u8], start: usize) -> Option<&[u8]> {
    let line = t.get(start..find_newline(t, start))?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    core::str::from_utf8(line).ok().map(|s| s.trim().as_bytes())
}

/// Whether the tokens on the lines starting at `a` and `b` are the same.
fn same_token(
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

/// 64-bit multiply-xorshift hash over 8-byte words (fast for 32-byte keys, good enough spread
/// for a table whose collisions are checked anyway; the last step mixes the high bits into the
/// low ones, since tables index with both).
fn hash_bytes(bytes: &[u8], provider: Provider) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (bytes.len() as u64) ^ ((provider as u64) << 63);
    let mut i = 0;
    while let Some(w) = apns::load8(bytes, i) {
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 29;
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        h = (h ^ u64::from(b)).wrapping_mul(K);
        i += 1;
    }
    h ^= h >> 32;
    h = h.wrapping_mul(K);
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

    #[test]
    fn counts_errors_and_duplicates_by_line() {
        let text = format!(
            "{HEX}\r\n\n{}\nnot a token at all!\n  \n<{} >\n",
            HEX.to_uppercase(),
            HEX
        );
        let r = inspect_lines(&text, BatchOptions::default());
        assert_eq!((r.total, r.valid, r.invalid, r.duplicates), (4, 3, 1, 2));
        assert_eq!(r.errors[0].index, 3);
        assert_eq!(r.errors[0].error.code(), "UNKNOWN_FORMAT");
        assert_eq!(
            r.duplicate_of,
            vec![
                Duplicate {
                    index: 2,
                    first_index: 0
                },
                Duplicate {
                    index: 5,
                    first_index: 0
                }
            ]
        );
        assert!(r.tokens.is_none());
    }

    #[test]
    fn fcm_duplicates_are_exact() {
        let fcm = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
        let lower = fcm.replacen("dqWD", "dqwd", 1);
        let r = inspect_list(
            [fcm, fcm, lower.as_str()],
            BatchOptions {
                provider: None,
                include_tokens: true,
            },
        );
        assert_eq!((r.valid, r.duplicates), (3, 1));
        assert_eq!(
            r.duplicate_of,
            vec![Duplicate {
                index: 1,
                first_index: 0
            }]
        );
        assert_eq!(r.tokens.unwrap()[2].as_deref(), Some(lower.as_str()));
    }

    #[test]
    fn list_entries_that_are_blank_are_errors() {
        let r = inspect_list(["", HEX], BatchOptions::default());
        assert_eq!((r.total, r.invalid), (2, 1));
        assert_eq!(r.errors[0].error.code(), "EMPTY");
    }

    #[test]
    fn one_bad_token_never_fails_the_batch() {
        let mut text = String::new();
        for i in 0..1000 {
            if i % 10 == 0 {
                text.push_str(
                    "{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }\n",
                );
            } else {
                text.push_str(&format!("{:064x}\n", i));
            }
        }
        let r = inspect_lines(
            &text,
            BatchOptions {
                provider: Some(Provider::Apn),
                include_tokens: false,
            },
        );
        assert_eq!(
            (r.total, r.valid, r.invalid, r.duplicates),
            (1000, 900, 100, 0)
        );
        assert!(r
            .errors
            .iter()
            .all(|e| e.error.code() == "TRUNCATED_DESCRIPTION"));
    }

    #[test]
    fn provider_is_part_of_identity() {
        // The same text cannot be both, but identical identity bytes from different providers
        // must never be reported as duplicates of each other.
        let mut arena = Vec::new();
        let mut seen = Vec::new();
        let mut map = Vec::new();
        assert_eq!(
            remember(&mut arena, &mut seen, &mut map, Provider::Apn, b"abc", 0),
            None
        );
        assert_eq!(
            remember(&mut arena, &mut seen, &mut map, Provider::Fcm, b"abc", 1),
            None
        );
        assert_eq!(
            remember(&mut arena, &mut seen, &mut map, Provider::Fcm, b"abc", 2),
            Some(1)
        );
    }

    #[test]
    fn equal_hashes_of_different_tokens_are_not_duplicates() {
        let other = HEX.replace('9', "8");
        let text = format!(
            "{HEX}\n{other}\n{}\n{}",
            other.to_uppercase(),
            HEX.to_uppercase()
        );
        // Every hash equal: only the bytes can tell the tokens apart.
        let mut accepted = Parts::new(1);
        for (i, start) in [0, 65, 130, 195].into_iter().enumerate() {
            accepted.push(42, i, start);
        }
        let dups = find_duplicates(text.as_bytes(), None, accepted);
        assert_eq!(
            dups,
            vec![
                Duplicate {
                    index: 2,
                    first_index: 1
                },
                Duplicate {
                    index: 3,
                    first_index: 0
                }
            ]
        );
    }

    #[test]
    fn tokens_that_overflow_their_part_are_still_compared_in_line_order() {
        // 40 lines: 10 distinct tokens, each repeated (in upper case) 3 times.
        let tokens: Vec<String> = (0..10).map(|i| format!("{i:064x}")).collect();
        let mut text = String::new();
        let mut starts = Vec::new();
        for round in 0..4 {
            for t in &tokens {
                starts.push(text.len());
                text.push_str(&if round == 0 {
                    t.clone()
                } else {
                    t.to_uppercase()
                });
                text.push('\n');
            }
        }
        let run = |mut parts: Parts| {
            for (i, &start) in starts.iter().enumerate() {
                // Hash by token, with the top bit choosing one of two parts.
                let h = ((i % 10) as u64) | (((i % 2) as u64) << 63);
                parts.push(h, i, start);
            }
            find_duplicates(text.as_bytes(), None, parts)
        };
        let roomy = run(Parts::new(1 << 13));
        let mut tight = Parts::new(1 << 13);
        tight.each = 3;
        tight.store.truncate(3 << tight.bits);
        let cramped = run(tight);
        assert_eq!(roomy.len(), 30);
        assert!(roomy.iter().all(|d| d.first_index == d.index % 10));
        assert_eq!(cramped, roomy);
    }

    #[test]
    fn identity_hashes_do_not_depend_on_the_spelling() {
        let upper = HEX.to_uppercase();
        let spellings = [
            HEX.to_string(),
            upper.clone(),
            format!("<{}>", groups(&upper, 8)),
            format!("0x{HEX}"),
            "llslHGyxkm3jyzZv2z+a5KLT5rC72OsLnc6o0+Q3fCs=".into(),
            format!("{{length = 32, bytes = 0x{} }}", groups(HEX, 8)),
        ];
        let mut id = [0; APNS_MAX_BYTES];
        let hashes: Vec<u64> = spellings
            .iter()
            .map(|s| match fast_line(s.as_bytes(), 0, None) {
                Some((_, h, _)) => h,
                None => WordHash::of_parsed(&token::parse(s, None).unwrap(), &mut id),
            })
            .collect();
        assert!(hashes.iter().all(|&h| h == hashes[0]), "{hashes:x?}");
        let fcm = WordHash::of_parsed(&token::parse(FCM, None).unwrap(), &mut id);
        assert_eq!(fast_line(FCM.as_bytes(), 0, None).map(|f| f.1), Some(fcm));
    }

    /// The fast scanner and the line-by-line general path must give the same report.
    fn agree(text: &str) {
        for provider in [None, Some(Provider::Apn), Some(Provider::Fcm)] {
            let options = BatchOptions {
                provider,
                include_tokens: false,
            };
            let fast = inspect_lines(text, options);
            let general = inspect_lines_general(text.as_bytes(), options);
            assert_eq!(fast, general, "{text:?} with {provider:?}");
        }
    }

    fn groups(hex: &str, size: usize) -> String {
        hex.as_bytes()
            .chunks(size)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    }

    const FCM: &str = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";

    #[test]
    fn fast_path_agrees_with_the_rules_at_every_edge() {
        let upper = HEX.to_uppercase();
        let mut lines: Vec<String> = vec![
            HEX.into(),
            upper.clone(),
            format!("<{}>", groups(HEX, 8)),
            format!("<{}>", groups(&upper, 8)),
            format!("<{}>", groups(HEX, 4)),
            format!("<{}>", groups(HEX, 16)),
            format!("<{}>", groups(HEX, 9)),
            format!("<{}>", groups(&"03".repeat(32), 9)),
            format!("<{} >", groups(HEX, 8)),
            format!("< {}>", groups(HEX, 8)),
            format!("<{}> ", groups(HEX, 8)),
            format!("<{}", groups(HEX, 8)),
            format!("<{}>x", groups(HEX, 8)),
            format!("<{}>", groups(&HEX[..56], 8)),
            format!("<{}>", groups(&"ab".repeat(100), 8)),
            format!("<{}>", groups(&"ab".repeat(104), 8)),
            format!("0x{HEX}"),
            format!(" {HEX}"),
            format!("{HEX} "),
            format!("{HEX}\r"),
            format!("{HEX}\r\r"),
            format!("{HEX}\rx"),
            groups(HEX, 8),
            format!("{{length = 32, bytes = 0x{} }}", groups(HEX, 8)),
            "llslHGyxkm3jyzZv2z+a5KLT5rC72OsLnc6o0+Q3fCs=".into(),
            "llslHGyxkm3jyzZv2z-a5KLT5rC72OsLnc6o0-Q3fCs".into(),
            FCM.into(),
            format!("{FCM}\r"),
            format!(" {FCM}"),
            format!("{FCM}+"),
            FCM.replacen(':', "::", 1),
            FCM.replacen(":APA91b", ":APA91c", 1),
            FCM.replacen(':', "", 1),
            format!("x:{}", &FCM[22..]),
            FCM[22..].into(),
            FCM[..63].into(),
            FCM[..64].into(),
            format!("{}:APA91b{}", "a".repeat(20), "b".repeat(38)),
            format!("{}:APA91b{}", "a".repeat(20), "b".repeat(4100)),
            format!("{}\u{e9}", &FCM[..100]),
            format!("\u{a0}{FCM}"),
            format!("{FCM}\u{85}\u{b}"),
            format!("\u{3000}{}", &FCM[22..]),
            format!("\t{HEX}\u{a0}"),
            format!("{}\u{430}{}", &HEX[..20], &HEX[21..]),
            "32 bytes".into(),
            String::new(),
            "   ".into(),
            "\t".into(),
            "zz".into(),
        ];
        for n in 60..=204 {
            lines.push("a".repeat(n));
            lines.push("F".repeat(n));
        }
        lines.push(
            lines
                .iter()
                .map(|l| l.to_uppercase())
                .collect::<Vec<_>>()
                .join("\n"),
        );
        // Every line alone, at the end of a text, before `\n` and `\r\n`, and all together
        // (which makes duplicates in every form).
        for l in &lines {
            agree(l);
            agree(&format!("{l}\n"));
            agree(&format!("{l}\r\n{l}"));
            agree(&format!("\n\n{l}\n{HEX}\n{l}"));
        }
        agree(&lines.join("\n"));
        agree(&lines.join("\r\n"));
        agree(&lines.iter().rev().cloned().collect::<Vec<_>>().join("\n"));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn hex(bytes: &[u8], upper: bool) -> String {
        let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        if upper {
            h.to_uppercase()
        } else {
            h
        }
    }

    /// Lines that are tokens in various spellings (from a small pool of token bytes, so that
    /// duplicates happen), damaged tokens, and noise.
    fn line() -> impl Strategy<Value = String> {
        let pool = prop::collection::vec(any::<u8>(), 30..=102);
        prop_oneof![
            (pool.clone(), 0..2u8, any::<bool>())
                .prop_map(|(b, i, up)| hex(&b[..b.len().min(32 + i as usize * 48)], up)),
            (0..4u8, any::<bool>()).prop_map(|(k, up)| hex(&[k; 32], up)),
            (0..4u8, any::<bool>(), 1..12usize).prop_map(|(k, up, g)| {
                let h = hex(&[k; 32], up);
                let groups: Vec<_> = h
                    .as_bytes()
                    .chunks(g)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                format!("<{}>", groups.join(" "))
            }),
            (0..3u8, 0..200usize).prop_map(|(k, n)| {
                let id = ["abc", "dqWD7WEC83K41WHyufTS7", ""][k as usize];
                format!("{id}:APA91b{}", "x_Y-9".repeat(n / 5 + 1))
            }),
            "[0-9a-fA-F<> :\r_x.{}=,-]{0,220}",
            ".{0,80}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn fast_path_agrees_with_the_rules(lines in prop::collection::vec(line(), 0..12), crlf in any::<bool>(), p in 0..3u8) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let provider = [None, Some(Provider::Apn), Some(Provider::Fcm)][p as usize];
            let options = BatchOptions { provider, include_tokens: false };
            prop_assert_eq!(inspect_lines(&text, options), inspect_lines_general(text.as_bytes(), options));
        }

        #[test]
        fn the_radix_sort_is_a_stable_sort(keys in prop::collection::vec(any::<u32>(), 0..300), small in any::<bool>()) {
            let items: Vec<(u32, usize)> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| (if small { k % 4 } else { k }, i))
                .collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            let mut std = items;
            std.sort_by_key(|&(k, _)| k);
            prop_assert_eq!(ours, std);
        }

        #[test]
        fn plain_hex_agrees_with_the_rules(s in "[0-9a-fA-F]{0,210}", p in 0..3u8) {
            let provider = [None, Some(Provider::Apn), Some(Provider::Fcm)][p as usize];
            prop_assert_eq!(token::parse(&s, provider), token::parse_general(&s, provider));
        }
    }
}
