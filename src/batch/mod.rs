//! Many tokens in one pass: counts, every error by index, duplicates by canonical form.
//!
//! Built for size and speed: a million tokens are checked without an allocation per valid token.
//!
//! - [`inspect_lines_bytes`] (text, one token per line) runs `scanner`: the common forms are
//!   recognised by `scan` a word at a time and hashed by `hash` as they are read, the rest goes
//!   through the general rules, and `dedupe` finds the duplicates afterwards, confirming every
//!   hash match by reading both lines again.
//! - [`BatchInspector`] (`inspector`) takes tokens one at a time (lists, and text when the
//!   canonical tokens are asked for) and remembers each distinct identity in an arena.

mod block;
mod dedupe;
mod hash;
mod inspector;
mod scan;
mod scanner;
#[cfg(test)]
mod tests;

use crate::token::{Provider, TokenError};

pub use inspector::BatchInspector;

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

/// Checks one token per line. Lines end with `\n` or `\r\n`; blank lines are skipped and not
/// counted; `index` is the 0-based line number.
///
/// For a file exported from a database or a CRM before a bulk import: what would be refused,
/// and which lines are the same device spelled twice (found by canonical form, so an upper-case
/// copy of a token is a duplicate too).
///
/// ```
/// use twilio_push_wasm::batch::{inspect_lines, BatchOptions, Duplicate};
///
/// let export = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b\r\n\
///               \r\n\
///               965B251C6CB1926DE3CB366FDB3F9AE4A2D3E6B0BBD8EB0B9DCEA8D3E4377C2B\r\n\
///               not-a-token\r\n";
/// let report = inspect_lines(export, BatchOptions::default());
/// // The blank line 1 is not a token.
/// assert_eq!((report.total, report.valid, report.invalid, report.duplicates), (3, 2, 1, 1));
/// assert_eq!(report.duplicate_of, [Duplicate { index: 2, first_index: 0 }]);
/// assert_eq!(report.errors[0].index, 3);
/// assert_eq!(report.errors[0].error.code(), "UNKNOWN_FORMAT");
/// ```
pub fn inspect_lines(text: &str, options: BatchOptions) -> BatchReport {
    inspect_lines_bytes(text.as_bytes(), options)
}

/// [`inspect_lines`] for UTF-8 text given as bytes (what `TextEncoder.encodeInto` writes into
/// wasm memory, so the JS entry never builds a Rust `String` of the whole text). A line that is
/// not valid UTF-8 is read with U+FFFD in place of the bad bytes (and so refused).
///
/// One pass over the bytes, 8 at a time: the common forms (plain hex, `<…>` groups, FCM tokens)
/// are recognised and decoded without allocating, and everything else goes through the same
/// rules as [`crate::token::parse`]. Duplicates are found by hashing each token's identity (the decoded
/// bytes for APNs, the exact text for FCM) into an open-addressing table that remembers only
/// where each distinct token's line starts: a hash match is confirmed by reading that line again,
/// so no token is ever copied.
pub fn inspect_lines_bytes(text: &[u8], options: BatchOptions) -> BatchReport {
    if options.include_tokens || u32::try_from(text.len()).is_err() {
        return inspect_lines_general(text, options);
    }
    scanner::LineScanner::new(text, options.provider).run()
}

/// The line-by-line path through [`BatchInspector`] (used for `include_tokens`).
pub(super) fn inspect_lines_general(text: &[u8], options: BatchOptions) -> BatchReport {
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
