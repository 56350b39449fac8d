use twilio_push_wasm::batch::{inspect_lines, inspect_list, BatchOptions, Duplicate};
use twilio_push_wasm::token::Provider;

use crate::both;

const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

both! { fn a_mixed_batch_reports_everything_by_line() {
    let text = format!(
        "{HEX}\r\n\n{upper}\n{{length = 32, bytes = 0x965b251c ... 376eab7c }}\n   \n<{spaced}>\nzz\n",
        upper = HEX.to_uppercase(),
        spaced = HEX.as_bytes().chunks(8).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" "),
    );
    let r = inspect_lines(&text, BatchOptions { provider: Some(Provider::Apn), include_tokens: true });
    assert_eq!((r.total, r.valid, r.invalid, r.duplicates), (5, 3, 2, 2));
    let errors: Vec<_> = r.errors.iter().map(|e| (e.index, e.error.code())).collect();
    assert_eq!(errors, vec![(3, "TRUNCATED_DESCRIPTION"), (6, "INVALID_CHARACTER")]);
    assert_eq!(r.duplicate_of, vec![Duplicate { index: 2, first_index: 0 }, Duplicate { index: 5, first_index: 0 }]);
    let tokens = r.tokens.unwrap();
    assert_eq!(tokens.len(), 7);
    assert_eq!(tokens[1], None);
    assert_eq!(tokens[0].as_deref(), Some(HEX));
    assert_eq!(tokens[3], None);
} }

both! { fn a_list_is_indexed_by_position() {
    let r = inspect_list(["", HEX, "x"], BatchOptions::default());
    assert_eq!((r.total, r.valid, r.invalid), (3, 1, 2));
    assert_eq!(r.errors.iter().map(|e| e.index).collect::<Vec<_>>(), vec![0, 2]);
} }

/// xorshift32: the same pseudo-random lines on every platform (proptest is native only).
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }
    fn pick(&mut self, from: &[u8]) -> u8 {
        from[self.below(from.len())]
    }
}

/// A line of one of the forms the batch scanner reads 16 bytes at a time, often damaged: hex of
/// every length around the valid ones, `<…>` groups, FCM tokens, and noise.
fn scanner_line(rng: &mut Rng, pool: &[String]) -> String {
    const HEXES: &[u8] = b"0123456789abcdefABCDEF";
    const FCM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const NOISE: &[u8] = b"0aF:<> \r\t_-x.{}=,+/G\x7f";
    let mut s = match rng.below(7) {
        // A token from a small pool, in some case: duplicates.
        0 | 1 => {
            let t = pool[rng.below(pool.len())].clone();
            if rng.below(2) == 0 {
                t.to_uppercase()
            } else {
                t
            }
        }
        2 => (0..56 + rng.below(160))
            .map(|_| rng.pick(HEXES) as char)
            .collect(),
        3 => {
            let digits: String = (0..8 * (6 + rng.below(22)))
                .map(|_| rng.pick(HEXES) as char)
                .collect();
            let groups: Vec<&str> = digits
                .as_bytes()
                .chunks(8)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!("<{}>", groups.join(" "))
        }
        4 => {
            let id: String = (0..rng.below(30)).map(|_| rng.pick(FCM) as char).collect();
            let rest: String = (0..40 + rng.below(200))
                .map(|_| rng.pick(FCM) as char)
                .collect();
            let colon = if rng.below(4) == 0 { "" } else { ":" };
            format!("{id}{colon}APA91b{rest}")
        }
        5 => (0..rng.below(90))
            .map(|_| rng.pick(NOISE) as char)
            .collect(),
        _ => ["\u{e9}", "\u{a0}", "\u{3000}", "\u{85}", " ", "\r"][rng.below(6)].to_string(),
    };
    // Damage: one character changed, inserted or removed, sometimes.
    if !s.is_empty() && s.is_ascii() && rng.below(4) == 0 {
        let at = rng.below(s.len());
        match rng.below(3) {
            0 => s.replace_range(at..=at, &(rng.pick(NOISE) as char).to_string()),
            1 => s.insert(at, rng.pick(NOISE) as char),
            _ => {
                s.remove(at);
            }
        }
    }
    s
}

both! { fn the_scanner_agrees_with_the_general_rules_on_many_texts() {
    // `inspect_lines` without the tokens runs the 16-bytes-at-a-time scanner (SIMD in the wasm
    // package); with them, every line goes through the general rules one at a time.
    let mut rng = Rng(0x2545_F491);
    let pool: Vec<String> = (0..6)
        .map(|i| (0..[64, 64, 160, 200, 66, 130][i]).map(|_| b"0123456789abcdef"[rng.below(16)] as char).collect())
        .collect();
    for round in 0..1500 {
        let lines: Vec<String> = (0..rng.below(12)).map(|_| scanner_line(&mut rng, &pool)).collect();
        let text = lines.join(if round % 3 == 0 { "\r\n" } else { "\n" });
        for provider in [None, Some(Provider::Apn), Some(Provider::Fcm)] {
            let fast = inspect_lines(&text, BatchOptions { provider, include_tokens: false });
            let mut general = inspect_lines(&text, BatchOptions { provider, include_tokens: true });
            general.tokens = None;
            assert_eq!(fast, general, "{text:?} with {provider:?}");
        }
    }
} }

both! { fn a_token_may_end_anywhere_in_a_block() {
    // Every length of line, at every offset from the start of the text (so tokens end at every
    // position of a 16-byte block, and some at the very end of the text).
    for pad in 0..16 {
        for digits in 60..=204 {
            let hex: String = (0..digits).map(|i| b"0123456789abcdefABCDEF"[i % 22] as char).collect();
            let text = format!("{}\n{hex}\n{hex}", "z".repeat(pad));
            let fast = inspect_lines(&text, BatchOptions::default());
            let mut general = inspect_lines(&text, BatchOptions { provider: None, include_tokens: true });
            general.tokens = None;
            assert_eq!(fast, general, "{text:?}");
            let ok = digits % 2 == 0 && (64..=200).contains(&digits);
            assert_eq!((fast.valid, fast.duplicates), if ok { (2, 1) } else { (0, 0) }, "{digits}");
        }
    }
} }
