//! [`BatchInspector`]: tokens one at a time, each distinct identity kept in an arena.

use crate::token::{self, apns, Provider, TokenError, APNS_MAX_BYTES};

use super::{BatchError, BatchOptions, BatchReport, Duplicate};

/// Checks tokens one at a time and remembers what it needs to find duplicates.
///
/// For tokens that do not come as one text: rows of a CSV, a stream, or a list where each token
/// keeps its own index. Only one copy of each distinct token is kept, so memory grows with the
/// distinct tokens, not with the input.
///
/// ```
/// use twilio_push_wasm::batch::{BatchInspector, BatchOptions};
/// use twilio_push_wasm::token::Provider;
///
/// let fcm = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
/// let rows = [(10, fcm), (11, "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b"), (12, fcm)];
///
/// // Every row is claimed to be an FCM token: the APNs one in row 11 is refused as such.
/// let options = BatchOptions { provider: Some(Provider::Fcm), include_tokens: true };
/// let mut batch = BatchInspector::new(options);
/// for (row, token) in rows {
///     batch.push(row, token);
/// }
/// let report = batch.finish();
/// assert_eq!((report.valid, report.invalid, report.duplicates), (2, 1, 1));
/// assert_eq!(report.errors[0].index, 11);
/// assert_eq!(report.errors[0].error.code(), "PROVIDER_MISMATCH");
/// assert_eq!(report.duplicate_of[0].first_index, 10);
/// ```
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

pub(super) struct Seen {
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
pub(super) fn remember(
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
pub(super) fn grow_table(table: &mut Vec<u32>, seen: &[Seen], slots: usize) {
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

/// 64-bit multiply-xorshift hash over 8-byte words (fast for 32-byte keys, good enough spread
/// for a table whose collisions are checked anyway; the last step mixes the high bits into the
/// low ones, since tables index with both).
pub(super) fn hash_bytes(bytes: &[u8], provider: Provider) -> u64 {
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
