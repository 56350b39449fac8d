//! `normalizeToken`, `inspectToken`, `inspectTokens`.
//!
//! Built for the boundary: results are plain JS objects made from their fields by small JS
//! functions in one crossing (`inspection`, `batchReport`; no serde machinery), every string
//! crosses into wasm memory through `TextEncoder.encodeInto` (a batch's text once, with no
//! intermediate `String`), a batch's messages are built once per distinct error, and a single
//! token is read into a reused buffer and, when it is already canonical, returned as the very
//! string that was passed in.

use core::fmt::Write as _;
use std::cell::RefCell;

use js_sys::{Array, JsString, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::text::{encode_into, utf8_of};
use super::{bytes_of, invalid_argument, string_of, token_error};
use crate::batch::{self, BatchInspector, BatchOptions, BatchReport};
use crate::token::{
    self, Provider, Spelling, TokenError, TokenErrorKind, TokenReport, UnknownHint,
};

/// What a JS caller may pass as a token.
enum TokenInput {
    Text(String),
    Bytes(Vec<u8>),
}

fn token_input(value: &JsValue) -> Result<TokenInput, JsValue> {
    if let Some(s) = string_of(value) {
        Ok(TokenInput::Text(s))
    } else if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        Ok(TokenInput::Bytes(bytes_of(bytes)))
    } else {
        Err(invalid_argument(
            "input",
            "The token must be a string or a Uint8Array of the token bytes.",
        ))
    }
}

/// `"APN"`, `"FCM"`, or nothing (`undefined`/`null`).
pub(crate) fn provider_arg(value: &JsValue, field: &str) -> Result<Option<Provider>, JsValue> {
    if value.is_null_or_undefined() {
        return Ok(None);
    }
    string_of(value)
        .and_then(|s| Provider::parse(&s))
        .map(Some)
        .ok_or_else(|| invalid_argument(field, "The provider must be \"APN\" or \"FCM\"."))
}

/// Returns the canonical token or throws a `TokenError` with `code`, `message` and `position`.
///
/// The Rust-side twin of the exported `normalizeToken` ([`normalize_token_js`]), for Rust code
/// and tests that want a `String`.
pub fn normalize_token(input: JsValue, provider: JsValue) -> Result<String, JsValue> {
    let provider = provider_arg(&provider, "provider")?;
    let result = match token_input(&input)? {
        TokenInput::Text(s) => token::normalize(&s, provider),
        TokenInput::Bytes(b) => token::normalize_bytes(&b, provider),
    };
    result.map_err(|e| token_error(&e))
}

/// `normalizeToken` as exported: the same result as [`normalize_token`], returned as the JS
/// string itself. A token already in canonical form (the usual case) comes back as the very
/// string that was passed in, and an upper-case hex token is lower-cased by JS, so the common
/// calls never copy a result out of wasm memory.
#[wasm_bindgen(js_name = normalizeToken, skip_typescript)]
pub fn normalize_token_js(input: JsValue, provider: JsValue) -> Result<JsValue, JsValue> {
    let provider = provider_arg(&provider, "provider")?;
    if let Some(s) = input.dyn_ref::<JsString>() {
        if let Some(result) = with_short_text(s, |text| normalized(&input, text, provider)) {
            return result.map(|canonical| canonical.unwrap_or(input));
        }
    }
    match token_input(&input)? {
        TokenInput::Text(s) => {
            normalized(&input, &s, provider).map(|canonical| canonical.unwrap_or(input))
        }
        TokenInput::Bytes(b) => match token::normalize_bytes(&b, provider) {
            Ok(canonical) => Ok(JsValue::from_str(&canonical)),
            Err(e) => Err(token_error(&e)),
        },
    }
}

/// The canonical token for `text`, read from the JS string `input`: `None` when it is `input`
/// itself, the lower case of `input` (made by JS), or a new string. One copy of the answer for
/// both ways `normalizeToken` reads a string (the reused buffer, or a copy when it is long).
fn normalized(
    input: &JsValue,
    text: &str,
    provider: Option<Provider>,
) -> Result<Option<JsValue>, JsValue> {
    match token::parse(text, provider) {
        Ok(parsed) => Ok(match parsed.spelling(text) {
            Spelling::Canonical => None,
            Spelling::UpperCase => Some(input.unchecked_ref::<JsString>().to_lower_case().into()),
            Spelling::Other => Some(JsValue::from_str(&parsed.canonical())),
        }),
        Err(e) => Err(token_error(&e)),
    }
}

thread_local! {
    /// JS copies of the crate's constant strings (codes, names, warning messages), made once:
    /// turning Rust text into a JS string is the expensive part of a small result.
    static STRINGS: RefCell<Vec<(usize, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// The JS string for a constant.
fn constant(s: &'static str) -> JsValue {
    STRINGS.with(|cell| {
        let mut strings = cell.borrow_mut();
        let key = s.as_ptr() as usize;
        if let Some((_, v)) = strings.iter().find(|(k, _)| *k == key) {
            return v.clone();
        }
        let v = JsValue::from_str(s);
        strings.push((key, v.clone()));
        v
    })
}

fn opt_constant(s: Option<&'static str>) -> JsValue {
    s.map_or(JsValue::NULL, constant)
}

/// A count, or -1 for none (`null` or an absent property on the JS side).
fn count_or_minus_one(n: Option<usize>) -> f64 {
    n.map_or(-1.0, |n| n as f64)
}

fn inspection_js(r: &TokenReport) -> JsValue {
    // The warnings' codes and messages, alternating.
    let warnings = Array::new();
    for w in r.warnings.iter() {
        warnings.push(&constant(w.code()));
        warnings.push(&constant(w.message()));
    }
    let (code, message, position) = match &r.error {
        Some(e) => (
            constant(e.code()),
            JsValue::from(e.to_string()),
            e.position(),
        ),
        None => (JsValue::NULL, JsValue::NULL, None),
    };
    inspection(
        r.ok(),
        &opt_constant(r.provider.map(Provider::as_str)),
        &r.token.as_deref().map_or(JsValue::NULL, JsValue::from_str),
        &opt_constant(r.format.map(|f| f.as_str())),
        count_or_minus_one(r.byte_length),
        &code,
        &message,
        count_or_minus_one(position),
        &warnings,
    )
}

/// Everything known about one token; never throws for a bad token.
#[wasm_bindgen(js_name = inspectToken, skip_typescript)]
pub fn inspect_token(input: JsValue, provider: JsValue) -> Result<JsValue, JsValue> {
    let provider = provider_arg(&provider, "provider")?;
    let report = match token_input(&input)? {
        TokenInput::Text(s) => token::inspect(&s, provider),
        TokenInput::Bytes(b) => token::inspect_bytes(&b, provider),
    };
    Ok(inspection_js(&report))
}

/// How many distinct errors of one code [`batch_js`] remembers with their messages.
const SEEN_PER_CODE: usize = 8;

/// An error code met in a batch: the index of its JS string, and its last few distinct errors
/// with the index of their message (a batch repeats a handful of mistakes, so most errors find
/// their message here and are not formatted again).
struct SeenCode<'r> {
    code: &'static str,
    id: u32,
    last: [Option<(&'r TokenError, u32)>; SEEN_PER_CODE],
}

/// Appends the message of `error` to `text` and its end, in UTF-16 units, to `ends`; returns
/// the message's index.
fn push_message(text: &mut String, ends: &mut Vec<u32>, error: &TokenError) -> u32 {
    let from = text.len();
    // Writing into a `String` cannot fail.
    let _ = write!(text, "{error}");
    let added = text.get(from..).unwrap_or_default();
    // UTF-16 units: one per character (a byte that does not continue one), and a second one
    // for a character outside the BMP (four bytes in UTF-8, the first 0xF0 or above).
    let units: usize = added
        .bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum();
    let end = ends.last().copied().unwrap_or(0) + units as u32;
    ends.push(end);
    ends.len() as u32 - 1
}

#[wasm_bindgen(
    inline_js = "export function inspection(ok, provider, token, format, byteLength, code, message, position, warns) {
  let error = null;
  if (code !== null) {
    error = { code, message };
    if (position >= 0) error.position = position;
  }
  const warnings = new Array(warns.length >> 1);
  for (let i = 0; i < warnings.length; i++) {
    warnings[i] = { code: warns[2 * i], message: warns[2 * i + 1] };
  }
  return { ok, provider, token, format, byteLength: byteLength < 0 ? null : byteLength, error, warnings };
}
export function batchReport(counts, errs, codes, text, ends, dups, tokens) {
  const messages = new Array(ends.length);
  for (let i = 0, from = 0; i < ends.length; from = ends[i++]) messages[i] = text.slice(from, ends[i]);
  const errors = new Array(errs.length >> 2);
  for (let i = 0, k = 0; k < errs.length; i++, k += 4) {
    const e = { index: errs[k], code: codes[errs[k + 1]], message: messages[errs[k + 2]] };
    if (errs[k + 3] !== 0) e.position = errs[k + 3] - 1;
    errors[i] = e;
  }
  const duplicateOf = new Array(dups.length >> 1);
  for (let i = 0, k = 0; k < dups.length; i++, k += 2) {
    duplicateOf[i] = { index: dups[k], firstIndex: dups[k + 1] };
  }
  const report = { total: counts[0], valid: counts[1], invalid: counts[2], duplicates: counts[3], errors, duplicateOf };
  if (tokens !== undefined) report.tokens = tokens;
  return report;
}"
)]
extern "C" {
    /// The batch report object, built in JS from flat arrays: `counts` is `[total, valid,
    /// invalid, duplicates]`, `errs` is `[index, code, message, position + 1 or 0]` per error
    /// (code as an index into `codes`, message as an index into `ends`), `dups` is `[index,
    /// firstIndex]` per duplicate, `tokens` the canonical tokens or `undefined`. The distinct
    /// messages are `text` cut at `ends` (UTF-16 offsets): one string crosses, however many
    /// messages there are. The arrays are read in place from wasm memory.
    #[wasm_bindgen(js_name = batchReport)]
    fn batch_report(
        counts: &[f64],
        errs: &[u32],
        codes: &Array,
        text: &str,
        ends: &[u32],
        dups: &[u32],
        tokens: &JsValue,
    ) -> JsValue;

    /// The inspection of one token, `{ ok, provider, token, format, byteLength, error,
    /// warnings }`, built in JS in one crossing: `byteLength` and the error's `position` are -1
    /// for none, `code` is `null` when there is no error, and `warns` holds the warnings' codes
    /// and messages, alternating.
    #[allow(clippy::too_many_arguments)]
    fn inspection(
        ok: bool,
        provider: &JsValue,
        token: &JsValue,
        format: &JsValue,
        byte_length: f64,
        code: &JsValue,
        message: &JsValue,
        position: f64,
        warns: &Array,
    ) -> JsValue;
}

/// The batch report as `{ total, valid, invalid, duplicates, errors, duplicateOf, tokens? }`.
///
/// One crossing builds every object (in JS, from flat arrays of numbers), instead of one
/// crossing per object and per field. Each distinct code is one JS string, and so is each
/// recent distinct error's message, shared by every entry that has it (a batch with 50,000
/// truncated descriptions formats the long message once); the messages cross as one text.
fn batch_js(r: &BatchReport) -> JsValue {
    let code_strings = Array::new();
    let mut codes: Vec<SeenCode<'_>> = Vec::new();
    // Every distinct message back to back, and where each ends in UTF-16 units (JS offsets).
    let mut text = String::new();
    let mut ends: Vec<u32> = Vec::new();
    let mut errs: Vec<u32> = Vec::with_capacity(4 * r.errors.len());
    for e in &r.errors {
        let code = e.error.code();
        let seen = match codes.iter().position(|c| core::ptr::eq(c.code, code)) {
            Some(i) => i,
            None => {
                let id = code_strings.push(&constant(code)) - 1;
                codes.push(SeenCode {
                    code,
                    id,
                    last: [None; SEEN_PER_CODE],
                });
                codes.len() - 1
            }
        };
        let Some(seen) = codes.get_mut(seen) else {
            continue;
        };
        let known = seen
            .last
            .iter()
            .flatten()
            .find(|(known, _)| *known == &e.error);
        let message_id = match known {
            Some(&(_, id)) => id,
            None => {
                let id = push_message(&mut text, &mut ends, &e.error);
                // The oldest goes: a batch that rotates through a few variants of one mistake
                // (a UUID, an Expo token, a UDID) finds each of them here.
                seen.last.rotate_right(1);
                seen.last[0] = Some((&e.error, id));
                id
            }
        };
        let position = e.error.position().map_or(0, |p| p as u32 + 1);
        errs.extend_from_slice(&[e.index as u32, seen.id, message_id, position]);
    }
    let mut dups: Vec<u32> = Vec::with_capacity(2 * r.duplicate_of.len());
    for d in &r.duplicate_of {
        dups.extend_from_slice(&[d.index as u32, d.first_index as u32]);
    }
    let counts = [
        r.total as f64,
        r.valid as f64,
        r.invalid as f64,
        r.duplicates as f64,
    ];
    let tokens = match &r.tokens {
        Some(tokens) => {
            let list = Array::new_with_length(tokens.len() as u32);
            for (i, t) in tokens.iter().enumerate() {
                list.set(
                    i as u32,
                    t.as_deref().map_or(JsValue::NULL, JsValue::from_str),
                );
            }
            list.into()
        }
        None => JsValue::UNDEFINED,
    };
    batch_report(&counts, &errs, &code_strings, &text, &ends, &dups, &tokens)
}

#[wasm_bindgen(inline_js = "export function option(options, key) {
  try {
    return options[key];
  } catch {
    return undefined;
  }
}")]
extern "C" {
    /// `options[key]`, or `undefined` if reading it throws (a getter or a proxy).
    fn option(options: &JsValue, key: &str) -> JsValue;
}

fn batch_options(options: &JsValue) -> Result<BatchOptions, JsValue> {
    if options.is_null_or_undefined() {
        return Ok(BatchOptions::default());
    }
    if !options.is_object() {
        return Err(invalid_argument(
            "options",
            "options must be an object: { provider?: \"APN\" | \"FCM\", includeTokens?: boolean }.",
        ));
    }
    let get = |k: &str| option(options, k);
    let provider = provider_arg(&get("provider"), "options.provider")?;
    let include = get("includeTokens");
    let include_tokens = if include.is_null_or_undefined() {
        false
    } else {
        include.as_bool().ok_or_else(|| {
            invalid_argument(
                "options.includeTokens",
                "options.includeTokens must be a boolean.",
            )
        })?
    };
    Ok(BatchOptions {
        provider,
        include_tokens,
    })
}

/// Room for a short token's UTF-8 (at most 3 bytes per UTF-16 unit).
const SCRATCH: usize = 768;

/// A fixed buffer for single tokens, and a JS view of it with the memory size (in pages) when
/// the view was made.
struct Short {
    buf: [u8; SCRATCH],
    view: Option<(Uint8Array, usize)>,
}

thread_local! {
    static SHORT: RefCell<Short> = const {
        RefCell::new(Short {
            buf: [0; SCRATCH],
            view: None,
        })
    };
}

/// The size of the wasm memory in pages. Memory only grows, and growing detaches every view of
/// the old buffer, so a view is current exactly when this has not changed since it was made.
fn memory_pages() -> usize {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size::<0>();
    #[cfg(not(target_arch = "wasm32"))]
    return 0;
}

/// A JS view of the scratch buffer (valid until memory grows).
fn view_of(buf: &[u8; SCRATCH]) -> Uint8Array {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        buf.as_ptr() as u32,
        SCRATCH as u32,
    )
}

/// Runs `f` on a short string's text, encoded into a reused buffer: no allocation and no
/// character-by-character copy for the usual single-token call. `None` when the string does not
/// fit (the caller then takes the general path, so a long one is read twice).
fn with_short_text<R>(s: &JsString, f: impl FnOnce(&str) -> R) -> Option<R> {
    SHORT.with(|cell| {
        let mut short = cell.borrow_mut();
        let Short { buf, view } = &mut *short;
        let pages = memory_pages();
        if !matches!(view, Some((_, made)) if *made == pages) {
            *view = Some((view_of(buf), pages));
        }
        let (v, _) = view.as_ref()?;
        let written = encode_into(s, v).written() as usize;
        // `encodeInto` stops early only when the next character (at most 4 bytes) does not
        // fit, so with 4 bytes to spare the whole string was read (and its length need not be
        // asked for: one call across the boundary less).
        if written + 4 > SCRATCH {
            return None;
        }
        let text = core::str::from_utf8(buf.get(..written)?).ok()?;
        Some(f(text))
    })
}

/// A view of the buffer that single tokens are encoded into, for the package's JS
/// `normalizeToken` (`src/js/package/token.js`): it encodes a short string there itself and
/// asks [`normalize_scratch`] about it, one crossing with a number each way, where the exported
/// [`normalize_token_js`] pays for a `Result` (a return area, the externref table) and an import
/// call back into JS. Memory growth detaches the view; the JS side then asks for a new one.
#[wasm_bindgen(js_name = __tokenScratch, skip_typescript)]
pub fn token_scratch() -> Uint8Array {
    SHORT.with(|cell| view_of(&cell.borrow().buf))
}

/// How the `n` bytes the JS side encoded into [`token_scratch`] relate to their canonical token
/// with no provider given: 0 when the string is the canonical token, 1 when the canonical token is
/// its lower case, 2 for anything else (another spelling or an error: the JS side then calls
/// the exported `normalizeToken`, which answers with the token or the error).
#[wasm_bindgen(js_name = __normalizeScratch, skip_typescript)]
pub fn normalize_scratch(n: usize) -> u32 {
    SHORT.with(|cell| {
        let short = cell.borrow();
        let Some(text) = short
            .buf
            .get(..n)
            .and_then(|b| core::str::from_utf8(b).ok())
        else {
            return 2;
        };
        match token::parse(text, None).map(|parsed| parsed.spelling(text)) {
            Ok(Spelling::Canonical) => 0,
            Ok(Spelling::UpperCase) => 1,
            _ => 2,
        }
    })
}

/// Checks many tokens in one call: a string with one token per line, or an array.
#[wasm_bindgen(js_name = inspectTokens, skip_typescript)]
pub fn inspect_tokens(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options = batch_options(&options)?;
    let report = if let Some(text) = input.dyn_ref::<JsString>() {
        batch::inspect_lines_bytes(&utf8_of(text), options)
    } else if let Some(list) = input.dyn_ref::<Array>() {
        let mut batch = BatchInspector::new(options);
        for (index, item) in list.iter().enumerate() {
            if let Some(s) = string_of(&item) {
                batch.push(index, &s);
            } else if let Some(bytes) = item.dyn_ref::<Uint8Array>() {
                batch.push_bytes(index, &bytes_of(bytes));
            } else if item.is_null_or_undefined() {
                batch.push_error(index, TokenError::new(TokenErrorKind::Empty));
            } else {
                batch.push_error(
                    index,
                    TokenError::new(TokenErrorKind::UnknownFormat(UnknownHint::Nothing)),
                );
            }
        }
        batch.finish()
    } else {
        return Err(invalid_argument(
            "input",
            "inspectTokens takes a string (one token per line) or an array of tokens.",
        ));
    };
    Ok(batch_js(&report))
}
