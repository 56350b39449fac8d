//! Property tests (native only): every accepted spelling of the same bytes normalizes to the
//! same token, and nothing at all makes the token core panic.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use twilio_push_wasm::batch::{inspect_lines, BatchOptions};
use twilio_push_wasm::token::{self, inspect, normalize, normalize_bytes, Provider, TokenFormat};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn groups(hex: &str) -> String {
    hex.as_bytes()
        .chunks(8)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

fn base64(bytes: &[u8], url: bool, pad: bool) -> String {
    let alphabet: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

fn distinct(s: &str) -> usize {
    s.bytes().collect::<std::collections::BTreeSet<_>>().len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn real_base64_of_usual_lengths_is_accepted(bytes in prop::collection::vec(any::<u8>(), 32..=100), url in any::<bool>(), pad in any::<bool>()) {
        // The rules refuse base64 only at the hex token's length; for random bytes the other
        // conditions fail with a probability far below what 2000 cases can show.
        // Nor where it starts with what reads as a `0x` prefix (about 1 in 2,000 inputs).
        let b = base64(&bytes, url, pad);
        prop_assume!(b.len() != 64 && !b.starts_with("0x") && !b.starts_with("0X"));
        let r = inspect(&b, None);
        prop_assert_eq!(r.token, Some(hex(&bytes)), "{}", b);
        prop_assert_eq!(r.byte_length, Some(bytes.len()));
    }

    #[test]
    fn sixty_four_non_hex_characters_are_damaged_hex(s in "[A-Za-z0-9+/_=-]{64}", prefix in any::<bool>(), p in 0..2u8) {
        // Whatever else it could be, a 64-character string (with or without `0x`) that is not
        // all hex is a hex token with a wrong character: the first one is reported.
        let provider = [None, Some(Provider::Apn)][p as usize];
        let input = if prefix { format!("0x{s}") } else { s.clone() };
        prop_assume!(!input.starts_with("APA91b"));
        let body_start = if input.starts_with("0x") || input.starts_with("0X") { 2 } else { 0 };
        let first_bad = input[body_start..].bytes().position(|b| !b.is_ascii_hexdigit());
        prop_assume!(first_bad.is_some());
        let first_bad = first_bad.unwrap() + body_start;
        let e = token::parse(&input, provider).unwrap_err();
        prop_assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(first_bad)), "{}", input);
    }

    #[test]
    fn filler_is_never_base64(
        chars in prop::collection::vec(prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".to_vec()), 1..=15),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 40..=140),
        pad in 0..3usize,
    ) {
        // Fewer than 16 different characters: never read as base64, whatever its length.
        let mut s: String = picks.iter().map(|i| *i.get(&chars) as char).collect();
        s.push_str(&"=".repeat(pad));
        for provider in [None, Some(Provider::Apn)] {
            let r = inspect(&s, provider);
            prop_assert!(!matches!(r.format, Some(TokenFormat::Base64 | TokenFormat::Base64Url)), "{}", s);
        }
    }

    #[test]
    fn every_spelling_normalizes_to_the_same_token(bytes in prop::collection::vec(any::<u8>(), 32..=100)) {
        let canonical = hex(&bytes);
        let upper = canonical.to_uppercase();
        let n = bytes.len();
        let mut spellings = vec![
            canonical.clone(),
            upper.clone(),
            format!("0x{canonical}"),
            format!("0X{upper}"),
            groups(&canonical),
            format!("<{}>", groups(&canonical)),
            format!("<{}>", groups(&upper)),
            format!("{{length = {n}, bytes = 0x{} }}", groups(&canonical)),
            format!("{{length={n},bytes=0x{canonical}}}"),
            format!("  {canonical}\r\n"),
        ];
        // Base64 is recognised only where it cannot be damaged hex or filler: not 64 characters
        // long (the hex token's length; base64 of 46–48 bytes), not starting with a `0x` prefix
        // (`0X` + 64 characters is a hex token with a wrong character), at least a quarter of its
        // characters outside the hex digits and at least 16 different characters (true of
        // almost every random input).
        for (url, pad) in [(false, true), (false, false), (true, false), (true, true)] {
            let b = base64(&bytes, url, pad);
            let unpadded = b.trim_end_matches('=');
            let non_hex = unpadded.bytes().filter(|c| !c.is_ascii_hexdigit()).count();
            let hex_prefix = b.starts_with("0x") || b.starts_with("0X");
            if b.len() != 64 && !hex_prefix && non_hex * 4 >= unpadded.len() && distinct(unpadded) >= 16 {
                spellings.push(b);
            }
        }
        for s in &spellings {
            prop_assert_eq!(normalize(s, Some(Provider::Apn)), Ok(canonical.clone()), "{}", s);
            prop_assert_eq!(normalize(s, None), Ok(canonical.clone()), "{}", s);
        }
        prop_assert_eq!(normalize_bytes(&bytes, None), Ok(canonical.clone()));
        let r = inspect(&canonical, None);
        prop_assert_eq!(r.byte_length, Some(n));
    }

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,300}", p in 0..3u8) {
        let provider = [None, Some(Provider::Apn), Some(Provider::Fcm)][p as usize];
        let r = inspect(&s, provider);
        prop_assert_eq!(r.ok(), r.token.is_some());
        if let Some(e) = &r.error {
            prop_assert!(!e.code().is_empty());
            prop_assert!(!e.to_string().is_empty());
            if let Some(pos) = e.position() {
                prop_assert!(pos <= s.chars().count());
            }
        }
        if let Ok(t) = token::normalize(&s, provider) {
            // Canonical tokens are stable: normalizing again changes nothing.
            prop_assert_eq!(token::normalize(&t, provider), Ok(t.clone()));
        }
    }

    #[test]
    fn tokenish_strings_never_panic(s in "[0-9a-fA-F <>{}=,.:x_+/A-Za-z-]{0,260}") {
        for provider in [None, Some(Provider::Apn), Some(Provider::Fcm)] {
            let _ = inspect(&s, provider);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for provider in [None, Some(Provider::Apn), Some(Provider::Fcm)] {
            let _ = token::inspect_bytes(&bytes, provider);
        }
        let text = String::from_utf8_lossy(&bytes);
        let r = inspect_lines(&text, BatchOptions { provider: None, include_tokens: true });
        prop_assert_eq!(r.total, r.valid + r.invalid);
        prop_assert_eq!(r.errors.len(), r.invalid);
        prop_assert_eq!(r.duplicate_of.len(), r.duplicates);
    }
}

/// Lines for the batch scanner: hex around every valid length in either case, `<…>` groups,
/// FCM-shaped tokens, and noise from the characters where the scanner decides something.
fn scanner_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-F]{56,210}",
        "<([0-9a-fA-F]{8} ){6,26}[0-9a-fA-F]{8}>",
        "[A-Za-z0-9_-]{0,30}:?APA91b[A-Za-z0-9_:-]{40,200}",
        "[0-9a-fA-F<> :\r_x.{}=,-]{0,120}",
        ".{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_batch_scanner_agrees_with_the_general_rules(
        lines in prop::collection::vec(scanner_line(), 0..10),
        crlf in any::<bool>(),
        repeat in any::<bool>(),
        p in 0..3u8,
    ) {
        let mut lines = lines;
        if repeat && !lines.is_empty() {
            // Duplicates in another case.
            let again = lines[0].to_uppercase();
            lines.push(again);
        }
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let provider = [None, Some(Provider::Apn), Some(Provider::Fcm)][p as usize];
        // Without the tokens the 16-bytes-at-a-time scanner runs; with them, the general rules.
        let fast = inspect_lines(&text, BatchOptions { provider, include_tokens: false });
        let mut general = inspect_lines(&text, BatchOptions { provider, include_tokens: true });
        general.tokens = None;
        prop_assert_eq!(fast, general);
    }
}
