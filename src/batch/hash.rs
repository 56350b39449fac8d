//! The identity hash of an accepted token, and the words it is made of.

use crate::token::{self, apns, Provider, APNS_MAX_BYTES};

/// The hash that identifies an accepted token in [`inspect_lines_bytes`]: 8-byte words of its
/// identity text, which is the lower-case hex of the bytes for APNs (whatever the spelling: the
/// scanner folds the case of each 8-digit word it has just checked, and never decodes) and the
/// exact characters for FCM. The last word is zero-padded; the length goes in at the end.
#[derive(Clone, Copy)]
pub(super) struct WordHash(u64);

impl WordHash {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    pub(super) fn new(provider: Provider) -> Self {
        WordHash(match provider {
            Provider::Apn => 0x243F_6A88_85A3_08D3,
            Provider::Fcm => 0x1319_8A2E_0370_7344,
        })
    }

    #[inline(always)]
    pub(super) fn word(&mut self, w: u64) {
        let h = (self.0 ^ w).wrapping_mul(Self::K);
        self.0 = h ^ (h >> 29);
    }

    pub(super) fn finish(self, len: usize) -> u64 {
        let mut h = (self.0 ^ len as u64).wrapping_mul(Self::K);
        h ^= h >> 32;
        h = h.wrapping_mul(Self::K);
        h ^ (h >> 29)
    }

    /// The hash of an identity text given whole.
    pub(super) fn of_text(provider: Provider, text: &[u8]) -> u64 {
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
    pub(super) fn of_parsed(parsed: &token::Parsed<'_>, scratch: &mut [u8; APNS_MAX_BYTES]) -> u64 {
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
pub(super) trait Words {
    fn word(&mut self, w: u64);
}

impl Words for WordHash {
    #[inline(always)]
    fn word(&mut self, w: u64) {
        WordHash::word(self, w);
    }
}

/// The words of an APNs token's identity text (at most 25: 200 hex digits).
pub(super) struct WordBuf {
    words: [u64; 2 * APNS_MAX_BYTES / 8],
    pub(super) n: usize,
}

impl WordBuf {
    pub(super) fn new() -> Self {
        WordBuf {
            words: [0; 2 * APNS_MAX_BYTES / 8],
            n: 0,
        }
    }

    pub(super) fn as_slice(&self) -> &[u64] {
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
pub(super) fn hex_words_of_bytes(bytes: &[u8], sink: &mut impl Words) {
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
