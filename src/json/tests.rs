use super::*;

fn err(text: &str) -> Error {
    parse(text).unwrap_err()
}

#[test]
fn parses_every_kind_of_value() {
    let v = parse(
        r#" {"a":{"b":[1,2.5,"x",null,true,false]},"c":-3,"d":"\u00e9\ud83d\ude00\n\"\\\/"} "#,
    )
    .unwrap();
    assert_eq!(v["a"]["b"][0].as_u64(), Some(1));
    assert_eq!(
        v["a"]["b"][1],
        Value::Number(Number::from_valid_text("2.5"))
    );
    assert_eq!(v["a"]["b"][2], "x");
    assert!(v["a"]["b"][3].is_null());
    assert_eq!(v["c"].as_i64(), Some(-3));
    assert_eq!(v["d"], "é😀\n\"\\/");
    assert_eq!(
        v,
        json!({"c": -3, "a": {"b": [1, 2.5, "x", null, true, false]}, "d": "é😀\n\"\\/"})
    );
}

#[test]
fn refuses_what_rfc_8259_refuses() {
    for bad in [
        "",
        " ",
        "nul",
        "tru",
        "[1,]",
        "{\"a\":1,}",
        "01",
        "-",
        "1.",
        "1e",
        "1e+",
        ".5",
        "+1",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "'a'",
        "\"a",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"a\tb\"",
        "[1]x",
        "NaN",
        "Infinity",
        "1e400",
        "-1e309",
        "[",
        "{",
        "{\"a\":",
        "/* */1",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} must be refused");
    }
    for good in [
        "0",
        "-0",
        "1e308",
        "1.7976931348623157e308",
        "1e-400",
        "0e99999",
        "[]",
        "{}",
        "\"\\u0000\"",
    ] {
        assert!(parse(good).is_ok(), "{good:?} must parse");
    }
    assert!(parse("1.7976931348623159e308").is_err());
}

#[test]
fn errors_say_where() {
    let e = err("{\n  \"a\": nope}");
    assert_eq!(e.position(), 10);
    assert_eq!(
        e.describe("{\n  \"a\": nope}"),
        "expected ident at line 2 column 9"
    );
    assert_eq!(
        err("").describe(""),
        "EOF while parsing a value at line 1 column 0"
    );
    assert_eq!(
        err("{").describe("{"),
        "EOF while parsing an object at line 1 column 1"
    );
    assert_eq!(err("[1]x").to_string(), "trailing characters at byte 3");
}

#[test]
fn nesting_is_limited_like_serde_json() {
    let ok = "[".repeat(MAX_DEPTH - 1) + &"]".repeat(MAX_DEPTH - 1);
    assert!(parse(&ok).is_ok());
    let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse(&deep).is_err());
    let very = "[".repeat(100_000);
    assert!(parse(&very).is_err());
}

#[test]
fn duplicate_keys_are_refused_at_any_depth_when_strict() {
    let e = parse_strict(r#"{"a":1,"a":2}"#).unwrap_err();
    assert!(e
        .describe(r#"{"a":1,"a":2}"#)
        .contains("\"a\" appears twice"));
    assert!(e.is_duplicate_key());
    assert!(parse_strict(r#"{"to":[{"p":"APN","p":"FCM"}]}"#).is_err());
    assert_eq!(
        parse(r#"{"a":1,"b":0,"a":2}"#).unwrap(),
        json!({"a": 2, "b": 0})
    );
    // Large objects are checked by sorting.
    let mut text = String::from("{");
    for i in 0..100 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    text.push_str("\"k42\":\"again\",\"k7\":\"again\"}");
    let e = parse_strict(&text).unwrap_err();
    assert!(e.describe(&text).contains("\"k42\""));
    assert_eq!(&text[e.position()..e.position() + 5], "\"k42\"");
    let lenient = parse(&text).unwrap();
    let map = lenient.as_object().unwrap();
    assert_eq!(map.len(), 100);
    assert_eq!(map.keys().nth(42).unwrap(), "k42");
    assert_eq!(lenient["k42"], "again");
    assert_eq!(lenient["k7"], "again");
}

#[test]
fn large_objects_parse_quickly() {
    let mut text = String::from("{");
    for i in 0..200_000 {
        text.push_str(&format!("\"key{i}\":0,"));
    }
    text.pop();
    text.push('}');
    assert_eq!(
        parse_strict(&text).unwrap().as_object().unwrap().len(),
        200_000
    );
}

#[test]
fn writes_like_json_stringify() {
    let v = json!({"b": "q\"\\\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é\u{2028}", "a": [1, null, true], "n": -12});
    assert_eq!(
        to_string(&v),
        r#"{"b":"q\"\\\n\r\t\b\f\u0001\u001f"#.to_string()
            + "\u{7f}é\u{2028}\",\"a\":[1,null,true],\"n\":-12}"
    );
    let text = r#"{"z":1.50,"a":1E+2,"m":[]}"#;
    assert_eq!(
        to_string(&parse(text).unwrap()),
        text,
        "numbers keep their text, objects their order"
    );
}

#[test]
fn integers_are_read_exactly() {
    let n = |t: &str| match parse(t).unwrap() {
        Value::Number(n) => n,
        _ => unreachable!(),
    };
    assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
    assert_eq!(n("18446744073709551616").as_u64(), None);
    assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
    assert_eq!(n("-9223372036854775809").as_i64(), None);
    assert_eq!(n("1.0").as_u64(), None);
    assert_eq!(n("1e2").as_i64(), None);
    for (t, whole) in [
        ("50", Some(50)),
        ("50.0", Some(50)),
        ("5e1", Some(50)),
        ("500e-1", Some(50)),
        ("0.5e2", Some(50)),
        ("-0", Some(0)),
        ("0.000", Some(0)),
        ("2.5", None),
        ("1e-7", None),
        ("1e29", Some(10i128.pow(29))),
        ("1e30", None),
        (
            "-999999999999999999999999999999",
            Some(-(10i128.pow(30) - 1)),
        ),
        ("1e300", None),
    ] {
        assert_eq!(n(t).as_whole(), whole, "{t}");
    }
}

#[test]
fn push_u64_writes_digits() {
    for n in [0, 7, 10, 429, u64::MAX] {
        let mut s = String::new();
        push_u64(&mut s, n);
        assert_eq!(s, n.to_string());
    }
}

#[test]
fn macro_builds_values() {
    let id = "u1";
    let v = json!({"to": [{"userId": id}, {"token": "t", "provider": "FCM"}], "n": 1, "x": null, "e": {}, "l": []});
    assert_eq!(
        to_string(&v),
        r#"{"to":[{"userId":"u1"},{"token":"t","provider":"FCM"}],"n":1,"x":null,"e":{},"l":[]}"#
    );
}

#[test]
fn sorted_order_is_a_stable_sort() {
    let keys = ["b", "a", "c", "a", "b", "", "é", "a"];
    let order = sorted_order(&keys);
    assert_eq!(order, [5, 1, 3, 7, 0, 4, 2, 6]);
    assert!(sorted_order(&[]).is_empty());
    let many: Vec<String> = (0..1000).map(|i| ((i * 7919) % 1000).to_string()).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let order = sorted_order(&refs);
    assert!(order.windows(2).all(|w| refs[w[0]] <= refs[w[1]]));
}
