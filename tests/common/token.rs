use twilio_push_wasm::token::{
    self, inspect, normalize, normalize_bytes, Provider, TokenErrorKind, TokenFormat, Warning,
};

use crate::both;

const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";
const FCM: &str = "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh";
const GCM: &str = "APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ-hQMRKRrZuJAEcl7B338qju59zJMjw2DELjzEvxwYv7hH5Ynpc1ODQ0aT4U4OFEeco8ohsN5PjL1iC2dNtk2BAokeMCg2ZXKqpc8FXKmhX94kIxQ";

fn code(input: &str, provider: Option<Provider>) -> &'static str {
    match token::parse(input, provider) {
        Ok(p) => panic!("{input:?} was accepted as {:?}", p.format()),
        Err(e) => e.code(),
    }
}

fn spaced(hex: &str, group: usize) -> String {
    hex.as_bytes()
        .chunks(group)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

both! { fn lowercase_hex_is_canonical() {
    let p = token::parse(HEX, None).unwrap();
    assert_eq!((p.provider(), p.format(), p.byte_len()), (Provider::Apn, TokenFormat::Hex, Some(32)));
    assert!(p.warnings().is_empty());
    assert_eq!(p.canonical(), HEX);
} }

both! { fn every_hex_spelling_gives_the_same_token() {
    let upper = HEX.to_uppercase();
    let forms = [
        format!("  {upper}\n"),
        format!("0x{HEX}"),
        spaced(HEX, 8),
        format!("<{}>", spaced(HEX, 8)),
        format!("{{length = 32, bytes = 0x{} }}", spaced(HEX, 8)),
        format!("{{length=32,bytes=0x{HEX}}}"),
    ];
    for f in &forms {
        assert_eq!(normalize(f, Some(Provider::Apn)).as_deref(), Ok(HEX), "{f}");
        assert_eq!(normalize(f, None).as_deref(), Ok(HEX), "{f}");
    }
} }

both! { fn warnings_explain_what_was_changed() {
    let r = inspect(&format!("0x{}", spaced(&HEX.to_uppercase(), 8)), None);
    let w: Vec<_> = r.warnings.iter().collect();
    assert_eq!(w, vec![Warning::UppercaseHex, Warning::HexPrefix, Warning::Separators]);
    let long = "ab".repeat(80);
    let r = inspect(&long, None);
    assert_eq!(r.byte_length, Some(80));
    assert!(r.warnings.contains(Warning::NonStandardLength));
} }

both! { fn formats_are_named() {
    let b64 = "llslHGyxkm3jyzZv2z+a5KLT5rC72OsLnc6o0+Q3fCs=";
    assert_eq!(inspect(b64, None).format, Some(TokenFormat::Base64));
    assert_eq!(normalize(b64, None).as_deref(), Ok(HEX));
    let b64url = "llslHGyxkm3jyzZv2z-a5KLT5rC72OsLnc6o0-Q3fCs";
    assert_eq!(inspect(b64url, None).format, Some(TokenFormat::Base64Url));
    assert_eq!(normalize(b64url, None).as_deref(), Ok(HEX));
    assert_eq!(inspect(&format!("<{HEX}>"), None).format, Some(TokenFormat::Bracketed));
    assert_eq!(inspect(FCM, None).format, Some(TokenFormat::Fcm));
    assert_eq!(inspect(GCM, None).format, Some(TokenFormat::Gcm));
    assert!(inspect(GCM, None).warnings.contains(Warning::LegacyGcm));
} }

both! { fn raw_bytes_are_apns() {
    let bytes: Vec<u8> = (0..32).collect();
    let r = token::inspect_bytes(&bytes, None);
    assert_eq!(r.format, Some(TokenFormat::Bytes));
    assert_eq!(r.token.as_deref(), Some("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    assert_eq!(normalize_bytes(&bytes[..31], None).unwrap_err().code(), "TOO_SHORT");
    assert_eq!(normalize_bytes(&[], None).unwrap_err().code(), "EMPTY");
    assert_eq!(normalize_bytes(&bytes, Some(Provider::Fcm)).unwrap_err().code(), "PROVIDER_MISMATCH");
} }

both! { fn fcm_tokens_are_kept_exactly() {
    assert_eq!(normalize(&format!("\t{FCM} \r\n"), Some(Provider::Fcm)).as_deref(), Ok(FCM));
    assert_eq!(normalize(FCM, None).as_deref(), Ok(FCM));
    let r = inspect(FCM, None);
    assert_eq!(r.byte_length, None);
    assert_eq!(r.provider, Some(Provider::Fcm));
} }

both! { fn the_truncated_ios13_description_is_lost() {
    let inputs = [
        "{length = 32, bytes = 0x965b251c 6cb1926d e3cb366f dbf9ae4a ... 5f857679 376eab7c }",
        "{length=32,bytes=0x01a0498729b3c6a1...c96ab5e0}",
        "{length = 32, bytes = 0x965b251c 6cb1926d e3cb366f dbf9ae4a \u{2026} 5f857679 376eab7c }",
    ];
    for i in inputs {
        let e = token::parse(i, None).unwrap_err();
        assert_eq!(e.code(), "TRUNCATED_DESCRIPTION");
        assert_eq!(e.position(), Some(i.chars().position(|c| c == '.' || c == '\u{2026}').unwrap()));
        assert!(e.to_string().contains("cannot be recovered"));
        assert_eq!(code(i, Some(Provider::Apn)), "TRUNCATED_DESCRIPTION");
    }
} }

both! { fn descriptions_without_bytes_and_with_wrong_lengths() {
    assert_eq!(code("32 bytes", None), "DESCRIPTION_WITHOUT_BYTES");
    assert_eq!(code("32bytes", Some(Provider::Apn)), "DESCRIPTION_WITHOUT_BYTES");
    let short = format!("{{length = 33, bytes = 0x{} }}", spaced(HEX, 8));
    let e = token::parse(&short, None).unwrap_err();
    assert_eq!(e.kind(), &TokenErrorKind::LengthMismatch { declared: 33, actual: 32 });
    assert_eq!(code("{length = 32, bytes = }", None), "UNKNOWN_FORMAT");
} }

both! { fn hex_with_a_typo_points_at_it() {
    let mut typo = HEX.to_string();
    typo.replace_range(10..11, "g");
    let e = token::parse(&typo, None).unwrap_err();
    assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(10)));
    assert!(e.to_string().contains("'g'"), "{e}");
    // A Cyrillic look-alike: the position counts characters, not UTF-8 bytes.
    let look = format!("{}\u{0430}{}", &HEX[..20], &HEX[21..]);
    let e = token::parse(&look, Some(Provider::Apn)).unwrap_err();
    assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(20)));
    assert!(e.to_string().contains("U+0430"));
    // Leading whitespace is counted in the position.
    let e = token::parse(&format!("  {typo}"), None).unwrap_err();
    assert_eq!(e.position(), Some(12));
    // Never a silent strip: a hex token with a dash inside is refused, not shortened.
    let dashed = format!("{}-{}", &HEX[..32], &HEX[32..]);
    assert_eq!(code(&dashed, None), "INVALID_CHARACTER");
} }

both! { fn lengths() {
    assert_eq!(code("", None), "EMPTY");
    assert_eq!(code(" \t\n", Some(Provider::Fcm)), "EMPTY");
    assert_eq!(code(&HEX[..63], None), "ODD_LENGTH");
    assert_eq!(code(&HEX[..62], None), "TOO_SHORT");
    assert_eq!(code(&"ab".repeat(101), None), "TOO_LONG");
    assert!(normalize(&"ab".repeat(100), None).is_ok());
    assert_eq!(code(&FCM[..40], Some(Provider::Fcm)), "TOO_SHORT");
} }

both! { fn the_other_providers_tokens_are_named() {
    let e = token::parse(FCM, Some(Provider::Apn)).unwrap_err();
    assert_eq!(e.kind(), &TokenErrorKind::ProviderMismatch { expected: Provider::Apn, likely: Provider::Fcm });
    assert!(e.to_string().contains("FCM"));
    assert_eq!(code(HEX, Some(Provider::Fcm)), "PROVIDER_MISMATCH");
    assert_eq!(code(&format!("<{HEX}>"), Some(Provider::Fcm)), "PROVIDER_MISMATCH");
    assert_eq!(code(GCM, Some(Provider::Apn)), "PROVIDER_MISMATCH");
    assert_eq!(inspect(FCM, Some(Provider::Apn)).provider, Some(Provider::Fcm));
} }

both! { fn lookalikes_are_explained() {
    for (input, name) in [
        ("ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]", "Expo"),
        ("6F9619FF-8B86-D011-B42D-00C04FC964FF", "UUID"),
        ("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "UDID"),
        ("https://fcm.googleapis.com/fcm/send/abc:APA91b", "Web Push"),
        ("{\"endpoint\":\"https://example.com\",\"keys\":{}}", "Web Push"),
        ("cAbCdEfGhIjKlMnOpQrStU", "Installation ID"),
    ] {
        let e = token::parse(input, None).unwrap_err();
        assert_eq!(e.code(), "NOT_A_PUSH_TOKEN", "{input}");
        assert!(e.to_string().contains(name), "{input}: {e}");
    }
} }

both! { fn unknown_rather_than_guess() {
    assert_eq!(code("hello world, this is not a token", None), "UNKNOWN_FORMAT");
    assert_eq!(code("<965b251c 6cb1926d", None), "UNKNOWN_FORMAT");
    // The same text for APN is a hex token with a bad character.
    assert_eq!(code("hello world, this is not a token", Some(Provider::Apn)), "INVALID_CHARACTER");
    let fcmish = format!("abc:{}", "x".repeat(150));
    assert_eq!(code(&fcmish, None), "UNKNOWN_FORMAT");
    assert!(normalize(&fcmish, Some(Provider::Fcm)).is_ok());
    assert!(inspect(&fcmish, Some(Provider::Fcm)).warnings.contains(Warning::UnrecognizedFcmShape));
} }

both! { fn fcm_characters_are_checked() {
    let bad = format!("{} ", &FCM[..100]) + &FCM[100..];
    let e = token::parse(&bad, Some(Provider::Fcm)).unwrap_err();
    assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(100)));
} }

both! { fn twilios_placeholder_apn_token() {
    // The reference's APN example is a placeholder, not hex. It is read as base64url of
    // 39 bytes (the only form it fits: 52 characters, 34 different ones) and flagged as an
    // unusual length, with or without a provider.
    for provider in [None, Some(Provider::Apn)] {
        let r = inspect("utJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFAukXD89hGq", provider);
        assert_eq!(r.format, Some(TokenFormat::Base64Url));
        assert_eq!(r.byte_length, Some(39));
        assert!(r.warnings.contains(Warning::NonStandardLength));
    }
} }

both! { fn filler_and_damaged_hex_are_not_base64() {
    // Strings other projects' tests use as invalid tokens. Each is valid base64 of an unusual
    // length, and none is a token.
    let alphabet = "abcdefghijklmnopqrstuvwxyz".repeat(3)[..64].to_string();
    let base64_alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
    let g = "g".repeat(64);
    let x = "x".repeat(64);
    // 64 characters is the length of a hex token: the first non-hex character is the error.
    for (input, position) in [(&g, 0), (&x, 0), (&alphabet, 6), (&base64_alphabet.to_string(), 6)] {
        for provider in [None, Some(Provider::Apn)] {
            let e = token::parse(input, provider).unwrap_err();
            assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(position)), "{input}");
        }
    }
    let e = token::parse(&format!("0x{g}"), None).unwrap_err();
    assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(2)));
    // Other lengths: too few different characters to be base64 of real bytes.
    let long_x = "x".repeat(108);
    assert_eq!(code(&long_x, None), "UNKNOWN_FORMAT");
    let e = token::parse(&long_x, Some(Provider::Apn)).unwrap_err();
    assert_eq!((e.code(), e.position()), ("INVALID_CHARACTER", Some(0)));
    assert_eq!(code(&"x".repeat(43), None), "UNKNOWN_FORMAT");
    // 15 different characters is filler, 16 can be base64 (here of 32 bytes).
    let fifteen = "ghijklmnopqrstu".repeat(3)[..42].to_string() + "g";
    assert_eq!(code(&fifteen, None), "UNKNOWN_FORMAT");
    let sixteen = "ghijklmnopqrstu".repeat(3)[..42].to_string() + "A";
    assert_eq!(inspect(&sixteen, None).format, Some(TokenFormat::Base64));
    // With provider FCM these stay what they were: FCM-alphabet strings of FCM length, accepted
    // with a warning because Firebase publishes no pattern.
    let r = inspect(&x, Some(Provider::Fcm));
    assert!(r.warnings.contains(Warning::UnrecognizedFcmShape));
} }

both! { fn base64_of_real_lengths_is_still_accepted() {
    // 80 bytes (simulators on Apple silicon): 108 characters padded, 107 without.
    let bytes: Vec<u8> = (0..80u32).map(|i| (i * 97 + 13) as u8).collect();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let padded = "DW7PMJHyU7QVdtc4mfpbvB1+30ChAmPEJYbnSKkKa8wtju9QsRJz1DWW91i5GnvcPZ7/YMEig+RFpgdoySqL7E2uD3DRMpP0VbYXeNk6m/w=";
    assert_eq!(padded.len(), 108);
    let r = inspect(padded, None);
    assert_eq!((r.format, r.byte_length), (Some(TokenFormat::Base64), Some(80)));
    assert_eq!(r.token.as_deref(), Some(hex.as_str()));
    let unpadded = padded.trim_end_matches('=');
    assert_eq!(normalize(unpadded, Some(Provider::Apn)).as_deref(), Ok(hex.as_str()));
} }

both! { fn every_error_has_a_message_and_a_code() {
    for input in ["", "zz", "{", "<", "{length", "0x", "0xzz", "\u{0}", "APA91b", ":APA91b", "32 bytes", "=====", "+/+/"] {
        for provider in [None, Some(Provider::Apn), Some(Provider::Fcm)] {
            let r = inspect(input, provider);
            if let Some(e) = r.error {
                assert!(!e.to_string().is_empty());
                assert!(e.code().chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            }
        }
    }
} }
