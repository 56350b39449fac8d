//! The fast path of [`super::inspect_lines_bytes`]: one pass over the text.

use crate::token::{self, Provider, APNS_MAX_BYTES};

use super::dedupe::{find_duplicates, Parts};
use super::hash::WordHash;
use super::scan::{fast_line, find_newline, line_text};
use super::{BatchError, BatchReport};

/// The fast path of [`inspect_lines_bytes`].
pub(super) struct LineScanner<'t> {
    text: &'t [u8],
    provider: Option<Provider>,
    report: BatchReport,
    accepted: Parts,
    id: [u8; APNS_MAX_BYTES],
}

impl<'t> LineScanner<'t> {
    pub(super) fn new(text: &'t [u8], provider: Option<Provider>) -> Self {
        LineScanner {
            text,
            provider,
            report: BatchReport::default(),
            // Real tokens are 64 characters or more.
            accepted: Parts::new(text.len() / 64 + 1),
            id: [0; APNS_MAX_BYTES],
        }
    }

    pub(super) fn run(mut self) -> BatchReport {
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
    pub(super) fn general(&mut self, index: usize, start: usize, end: usize) {
        let line = line_text(self.text, start, end);
        if token::trim(&line).1.is_empty() {
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
