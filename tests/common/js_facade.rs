//! The JS facade as JS sees it: thrown errors carry `code` and `position`, results are plain
//! objects with the documented fields.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use twilio_push_wasm::js::token::{inspect_token, inspect_tokens, normalize_token};

const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

#[wasm_bindgen_test]
fn normalize_returns_canonical_or_throws_a_coded_error() {
    let ok = normalize_token(JsValue::from_str(&HEX.to_uppercase()), JsValue::UNDEFINED).unwrap();
    assert_eq!(ok, HEX);
    let bytes = Uint8Array::from(&[7u8; 32][..]);
    assert_eq!(
        normalize_token(bytes.into(), JsValue::from_str("APN")).unwrap(),
        "07".repeat(32)
    );
    let err = normalize_token(
        JsValue::from_str(&format!("{}g", &HEX[..63])),
        JsValue::from_str("APN"),
    )
    .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "code"), "INVALID_CHARACTER");
    assert_eq!(get(&err, "position"), 63);
    assert_eq!(get(&err, "name"), "TokenError");
    let err = normalize_token(JsValue::from_str(HEX), JsValue::from_str("GCM")).unwrap_err();
    assert_eq!(get(&err, "code"), "INVALID_ARGUMENT");
    assert_eq!(get(&err, "field"), "provider");
    let err = normalize_token(JsValue::from_f64(1.0), JsValue::NULL).unwrap_err();
    assert_eq!(get(&err, "code"), "INVALID_ARGUMENT");
}

#[wasm_bindgen_test]
fn inspect_returns_the_documented_shape() {
    let r = inspect_token(JsValue::from_str(&format!("<{HEX}>")), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&r, "ok"), true);
    assert_eq!(get(&r, "provider"), "APN");
    assert_eq!(get(&r, "format"), "bracketed");
    assert_eq!(get(&r, "byteLength"), 32);
    assert!(get(&r, "error").is_null());
    assert_eq!(Array::from(&get(&r, "warnings")).length(), 0);
    let r = inspect_token(JsValue::from_str("32 bytes"), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&r, "ok"), false);
    assert!(get(&r, "token").is_null());
    assert!(get(&r, "byteLength").is_null());
    assert_eq!(get(&get(&r, "error"), "code"), "DESCRIPTION_WITHOUT_BYTES");
}

#[wasm_bindgen_test]
fn inspect_tokens_takes_text_or_arrays() {
    let text = format!("{HEX}\n\n{}\nnope\n", HEX.to_uppercase());
    let r = inspect_tokens(JsValue::from_str(&text), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&r, "total"), 3);
    assert_eq!(get(&r, "duplicates"), 1);
    let dup = Array::from(&get(&r, "duplicateOf")).get(0);
    assert_eq!(
        (get(&dup, "index"), get(&dup, "firstIndex")),
        (JsValue::from(2), JsValue::from(0))
    );
    let err = Array::from(&get(&r, "errors")).get(0);
    assert_eq!(get(&err, "index"), 3);
    assert!(get(&r, "tokens").is_undefined());

    let list = Array::of3(
        &JsValue::from_str(HEX),
        &JsValue::NULL,
        &Uint8Array::from(&[1u8; 32][..]),
    );
    let opts = js_sys::Object::new();
    Reflect::set(&opts, &"includeTokens".into(), &JsValue::TRUE).unwrap();
    let r = inspect_tokens(list.into(), opts.into()).unwrap();
    assert_eq!(
        (get(&r, "valid"), get(&r, "invalid")),
        (JsValue::from(2), JsValue::from(1))
    );
    let tokens = Array::from(&get(&r, "tokens"));
    assert!(tokens.get(1).is_null());
    assert_eq!(tokens.get(2), "01".repeat(32));
}
