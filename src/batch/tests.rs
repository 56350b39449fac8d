//! Unit tests of the batch: the scanner against the general rules, duplicates, the parts.

use super::dedupe::{find_duplicates, Parts};
use super::hash::WordHash;
use super::inspector::remember;
use super::scan::fast_line;
use super::*;
use crate::token::{self, APNS_MAX_BYTES};

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
            text.push_str("{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }\n");
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

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::super::dedupe::sort_by_key;
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

#[test]
fn block_masks_say_the_same_as_the_byte_rules() {
    use super::block::Block;
    // Every byte value at every position of a block, among neighbours of every class, and
    // blocks cut short by the end of the text.
    let fcm = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':');
    let mut text: Vec<u8> = (0..=255u8).collect();
    text.extend(
        b"0123456789abcdefABCDEF:\n-_gG/@`{"
            .iter()
            .cycle()
            .take(300),
    );
    text.extend((0..=255u8).rev());
    for p in 0..text.len() + 20 {
        let block = Block::at(&text, p);
        let (lo, hi) = block.words();
        for i in 0..16 {
            let b = text.get(p + i).copied().unwrap_or(0);
            let bit = |mask: u32| mask >> i & 1 == 1;
            assert_eq!(bit(block.hex()), b.is_ascii_hexdigit(), "hex {b:#x}");
            assert_eq!(bit(block.fcm()), fcm(b), "fcm {b:#x}");
            assert_eq!(bit(block.byte(b'\n')), b == b'\n', "newline {b:#x}");
            assert_eq!(bit(block.byte(b':')), b == b':', "colon {b:#x}");
            let word = if i < 8 { lo } else { hi };
            assert_eq!((word >> (8 * (i % 8))) as u8, b);
        }
    }
}
