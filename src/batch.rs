//! Many tokens in one pass: counts, every error by index, duplicates by canonical form.
//!
//! Built for size: a million tokens are checked without an allocation per valid token. The
//! identity of each accepted token (its decoded bytes for APNs, its exact text for FCM) is
//! appended to one arena and hashed; only collisions compare bytes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::token::{self, Provider, TokenError, APNS_MAX_BYTES};

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
    /// Hash of identity → index in `seen` of the most recent token with that hash.
    by_hash: HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>,
    scratch: [u8; APNS_MAX_BYTES],
}

struct Seen {
    start: u32,
    len: u32,
    provider: Provider,
    index: u32,
    /// Previous entry with the same hash (a chain; `u32::MAX` ends it).
    next: u32,
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
            by_hash: HashMap::default(),
            scratch: [0; APNS_MAX_BYTES],
        }
    }

    /// Prepares for about `tokens` tokens of `bytes` total input.
    pub fn reserve(&mut self, tokens: usize, bytes: usize) {
        self.seen.reserve(tokens);
        self.by_hash.reserve(tokens);
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
                    &mut self.by_hash,
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
    by_hash: &mut HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>,
    provider: Provider,
    identity: &[u8],
    index: usize,
) -> Option<usize> {
    let hash = hash_bytes(identity, provider);
    let head = by_hash.get(&hash).copied();
    let mut cursor = head.unwrap_or(u32::MAX);
    while cursor != u32::MAX {
        let s = &seen[cursor as usize];
        let known = &arena[s.start as usize..(s.start + s.len) as usize];
        if s.provider == provider && known == identity {
            return Some(s.index as usize);
        }
        cursor = s.next;
    }
    let entry = seen.len() as u32;
    seen.push(Seen {
        start: arena.len() as u32,
        len: identity.len() as u32,
        provider,
        index: index as u32,
        next: head.unwrap_or(u32::MAX),
    });
    arena.extend_from_slice(identity);
    by_hash.insert(hash, entry);
    None
}

/// Checks one token per line. Lines end with `\n` or `\r\n`; blank lines are skipped and not
/// counted; `index` is the 0-based line number.
pub fn inspect_lines(text: &str, options: BatchOptions) -> BatchReport {
    let mut batch = BatchInspector::new(options);
    batch.reserve(text.len() / 66 + 1, text.len());
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        batch.push(index, line);
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

/// 64-bit multiply-xorshift hash over 8-byte words (fast for 32-byte keys, good enough spread
/// for a table whose collisions are checked anyway).
fn hash_bytes(bytes: &[u8], provider: Provider) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (bytes.len() as u64) ^ ((provider as u64) << 63);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K);
        h ^= h >> 29;
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K);
    }
    h ^= h >> 32;
    h.wrapping_mul(K)
}

/// Passes an already mixed `u64` through unchanged.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
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
        let mut map = HashMap::default();
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
}
