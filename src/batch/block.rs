//! 16 bytes at a time: the byte classes the line scanner asks about, as bit masks.
//!
//! In the package (wasm32 built with `simd128`, see `.cargo/config.toml`) a [`Block`] is one
//! `v128` register and each question is a few SIMD instructions and one `i8x16.bitmask`. Every
//! other build (native `cargo test`, fuzzing) uses the portable twin: two `u64` words classified
//! with SWAR masks. Both give exactly the same masks (bit `i` is byte `i`), so the scanner above
//! them is the same code, and the tests that run it natively test the logic the wasm runs; the
//! shared batch tests also run as wasm (`wasm-pack test --node`) against the general rules.
//!
//! Bytes past the end of the text read as `0x00`, which is in none of the classes: a scan that
//! reaches the end stops there as it would at any other character, with no separate tail loop.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(super) use simd::Block;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(super) use swar::Block;

/// The 16 bytes at `p` (zeros past the end of `t`).
#[inline(always)]
fn padded(t: &[u8], p: usize) -> [u8; 16] {
    let mut b = [0u8; 16];
    let rest = t.get(p..).unwrap_or_default();
    let n = rest.len().min(16);
    if let (Some(d), Some(s)) = (b.get_mut(..n), rest.get(..n)) {
        d.copy_from_slice(s);
    }
    b
}

/// `w` with its bytes from `n` on (0 ≤ `n` ≤ 8) cleared.
#[inline(always)]
pub(super) fn low_bytes(w: u64, n: usize) -> u64 {
    if n >= 8 {
        w
    } else {
        w & ((1u64 << (8 * n)) - 1)
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// 16 bytes of text in one `v128`.
    #[derive(Clone, Copy)]
    pub(in crate::batch) struct Block(v128);

    impl Block {
        /// The 16 bytes at `p`.
        #[inline(always)]
        pub(in crate::batch) fn at(t: &[u8], p: usize) -> Block {
            match t.get(p..).and_then(|r| r.first_chunk::<16>()) {
                // SAFETY: the chunk is 16 readable bytes; `v128_load` has no alignment
                // requirement in wasm.
                Some(c) => Block(unsafe { v128_load(c.as_ptr().cast::<v128>()) }),
                None => {
                    let b = super::padded(t, p);
                    // SAFETY: as above, on a local array of 16 bytes.
                    Block(unsafe { v128_load(b.as_ptr().cast::<v128>()) })
                }
            }
        }

        /// Bit `i` set when byte `i` is a hex digit (`0-9a-fA-F`).
        #[inline(always)]
        pub(in crate::batch) fn hex(self) -> u32 {
            let x = self.0;
            let digit = u8x16_lt(u8x16_sub(x, u8x16_splat(b'0')), u8x16_splat(10));
            let lower = v128_or(x, u8x16_splat(0x20));
            let letter = u8x16_lt(u8x16_sub(lower, u8x16_splat(b'a')), u8x16_splat(6));
            u32::from(u8x16_bitmask(v128_or(digit, letter)))
        }

        /// Bit `i` set when byte `i` can be part of an FCM token: `[A-Za-z0-9_:-]`.
        #[inline(always)]
        pub(in crate::batch) fn fcm(self) -> u32 {
            let x = self.0;
            // `0-9` and `:` are 0x30..=0x3A.
            let digit = u8x16_lt(u8x16_sub(x, u8x16_splat(b'0')), u8x16_splat(11));
            let lower = v128_or(x, u8x16_splat(0x20));
            let letter = u8x16_lt(u8x16_sub(lower, u8x16_splat(b'a')), u8x16_splat(26));
            let dash = u8x16_eq(x, u8x16_splat(b'-'));
            let underscore = u8x16_eq(x, u8x16_splat(b'_'));
            let ok = v128_or(v128_or(digit, letter), v128_or(dash, underscore));
            u32::from(u8x16_bitmask(ok))
        }

        /// Bit `i` set when byte `i` is `b`.
        #[inline(always)]
        pub(in crate::batch) fn byte(self, b: u8) -> u32 {
            u32::from(u8x16_bitmask(u8x16_eq(self.0, u8x16_splat(b))))
        }

        /// The two little-endian 8-byte halves.
        #[inline(always)]
        pub(in crate::batch) fn words(self) -> (u64, u64) {
            (
                u64x2_extract_lane::<0>(self.0),
                u64x2_extract_lane::<1>(self.0),
            )
        }
    }
}

#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
pub(super) mod swar {
    use crate::token::apns::{hex_mask8, in_range8, HIGH, ONES};

    /// 16 bytes of text as two little-endian `u64` words.
    #[derive(Clone, Copy)]
    pub(in crate::batch) struct Block(u64, u64);

    /// The flag bits (`0x80` per byte) of `m` gathered into the low 8 bits, byte `i` to bit `i`.
    #[inline(always)]
    fn bits(m: u64) -> u32 {
        // Each flag, moved to bit 0 of its byte, is multiplied into a distinct bit of the top
        // byte (no two partial products overlap, so nothing carries).
        ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    }

    #[inline(always)]
    fn both(b: Block, f: impl Fn(u64) -> u64) -> u32 {
        bits(f(b.0)) | (bits(f(b.1)) << 8)
    }

    /// `0x80` in each byte of `x` that can appear in an FCM token: `[A-Za-z0-9_:-]`.
    #[inline(always)]
    pub(in crate::batch) fn fcm_mask8(x: u64) -> u64 {
        let ascii = !x & HIGH;
        let y = x & !HIGH;
        let ok = in_range8(y, b'0', b':')
            | in_range8(y | (ONES * 0x20), b'a', b'z')
            | in_range8(y, b'-', b'-')
            | in_range8(y, b'_', b'_');
        ok & ascii
    }

    /// `0x80` in each byte of `x` that is `b` (exact in every byte, unlike the usual
    /// "has a zero byte" test, whose flags above the first are not).
    #[inline(always)]
    fn eq_mask8(x: u64, b: u8) -> u64 {
        let y = x ^ (ONES * u64::from(b));
        !(((y & !HIGH).wrapping_add(!HIGH)) | y) & HIGH
    }

    impl Block {
        /// The 16 bytes at `p`.
        #[inline(always)]
        pub(in crate::batch) fn at(t: &[u8], p: usize) -> Block {
            let b = match t.get(p..).and_then(|r| r.first_chunk::<16>()) {
                Some(c) => *c,
                None => super::padded(t, p),
            };
            let (lo, hi) = b.split_at(8);
            let word = |s: &[u8]| s.first_chunk::<8>().map_or(0, |c| u64::from_le_bytes(*c));
            Block(word(lo), word(hi))
        }

        /// Bit `i` set when byte `i` is a hex digit (`0-9a-fA-F`).
        #[inline(always)]
        pub(in crate::batch) fn hex(self) -> u32 {
            both(self, |x| hex_mask8(x).0)
        }

        /// Bit `i` set when byte `i` can be part of an FCM token: `[A-Za-z0-9_:-]`.
        #[inline(always)]
        pub(in crate::batch) fn fcm(self) -> u32 {
            both(self, fcm_mask8)
        }

        /// Bit `i` set when byte `i` is `b`.
        #[inline(always)]
        pub(in crate::batch) fn byte(self, b: u8) -> u32 {
            both(self, |x| eq_mask8(x, b))
        }

        /// The two little-endian 8-byte halves.
        #[inline(always)]
        pub(in crate::batch) fn words(self) -> (u64, u64) {
            (self.0, self.1)
        }
    }
}
