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
