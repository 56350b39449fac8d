//! `normalizeToken`, `inspectToken`, `inspectTokens`.

use js_sys::{Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{invalid_argument, token_error};
use crate::batch::{self, BatchInspector, BatchOptions, BatchReport};
use crate::token::{self, Provider, TokenError, TokenErrorKind, TokenReport, UnknownHint};

/// What a JS caller may pass as a token.
enum TokenInput {
    Text(String),
    Bytes(Vec<u8>),
}

fn token_input(value: &JsValue) -> Result<TokenInput, JsValue> {
    if let Some(s) = value.as_string() {
        Ok(TokenInput::Text(s))
    } else if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        Ok(TokenInput::Bytes(bytes.to_vec()))
    } else {
        Err(invalid_argument(
            "input",
            "The token must be a string or a Uint8Array of the token bytes.",
        ))
    }
}

/// `"APN"`, `"FCM"`, or nothing (`undefined`/`null`).
pub(crate) fn provider_arg(value: &JsValue, field: &str) -> Result<Option<Provider>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .and_then(|s| Provider::parse(&s))
        .map(Some)
        .ok_or_else(|| invalid_argument(field, "The provider must be \"APN\" or \"FCM\"."))
}

/// Returns the canonical token or throws a `TokenError` with `code`, `message` and `position`.
#[wasm_bindgen(js_name = normalizeToken, skip_typescript)]
pub fn normalize_token(input: JsValue, provider: JsValue) -> Result<String, JsValue> {
    let provider = provider_arg(&provider, "provider")?;
    let result = match token_input(&input)? {
        TokenInput::Text(s) => token::normalize(&s, provider),
        TokenInput::Bytes(b) => token::normalize_bytes(&b, provider),
    };
    result.map_err(|e| token_error(&e))
}

#[derive(Serialize)]
struct IssueJs {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<usize>,
}

impl From<&TokenError> for IssueJs {
    fn from(e: &TokenError) -> Self {
        IssueJs {
            code: e.code(),
            message: e.to_string(),
            position: e.position(),
        }
    }
}

#[derive(Serialize)]
struct WarningJs {
    code: &'static str,
    message: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InspectionJs {
    ok: bool,
    provider: Option<&'static str>,
    token: Option<String>,
    format: Option<&'static str>,
    byte_length: Option<usize>,
    error: Option<IssueJs>,
    warnings: Vec<WarningJs>,
}

impl From<TokenReport> for InspectionJs {
    fn from(r: TokenReport) -> Self {
        InspectionJs {
            ok: r.ok(),
            provider: r.provider.map(Provider::as_str),
            format: r.format.map(|f| f.as_str()),
            byte_length: r.byte_length,
            error: r.error.as_ref().map(IssueJs::from),
            warnings: r
                .warnings
                .iter()
                .map(|w| WarningJs {
                    code: w.code(),
                    message: w.message(),
                })
                .collect(),
            token: r.token,
        }
    }
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// Everything known about one token; never throws for a bad token.
#[wasm_bindgen(js_name = inspectToken, skip_typescript)]
pub fn inspect_token(input: JsValue, provider: JsValue) -> Result<JsValue, JsValue> {
    let provider = provider_arg(&provider, "provider")?;
    let report = match token_input(&input)? {
        TokenInput::Text(s) => token::inspect(&s, provider),
        TokenInput::Bytes(b) => token::inspect_bytes(&b, provider),
    };
    to_js(&InspectionJs::from(report))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchErrorJs {
    index: usize,
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DuplicateJs {
    index: usize,
    first_index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchJs {
    total: usize,
    valid: usize,
    invalid: usize,
    duplicates: usize,
    errors: Vec<BatchErrorJs>,
    duplicate_of: Vec<DuplicateJs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tokens: Option<Vec<Option<String>>>,
}

impl From<BatchReport> for BatchJs {
    fn from(r: BatchReport) -> Self {
        BatchJs {
            total: r.total,
            valid: r.valid,
            invalid: r.invalid,
            duplicates: r.duplicates,
            errors: r
                .errors
                .iter()
                .map(|e| BatchErrorJs {
                    index: e.index,
                    code: e.error.code(),
                    message: e.error.to_string(),
                    position: e.error.position(),
                })
                .collect(),
            duplicate_of: r
                .duplicate_of
                .iter()
                .map(|d| DuplicateJs {
                    index: d.index,
                    first_index: d.first_index,
                })
                .collect(),
            tokens: r.tokens,
        }
    }
}

fn batch_options(options: &JsValue) -> Result<BatchOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(BatchOptions::default());
    }
    if !options.is_object() {
        return Err(invalid_argument(
            "options",
            "options must be an object: { provider?: \"APN\" | \"FCM\", includeTokens?: boolean }.",
        ));
    }
    let get = |k: &str| {
        js_sys::Reflect::get(options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    };
    let provider = provider_arg(&get("provider"), "options.provider")?;
    let include = get("includeTokens");
    let include_tokens = if include.is_undefined() || include.is_null() {
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

/// Checks many tokens in one call: a string with one token per line, or an array.
#[wasm_bindgen(js_name = inspectTokens, skip_typescript)]
pub fn inspect_tokens(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options = batch_options(&options)?;
    let report = if let Some(text) = input.as_string() {
        batch::inspect_lines(&text, options)
    } else if let Some(list) = input.dyn_ref::<Array>() {
        let mut batch = BatchInspector::new(options);
        for (index, item) in list.iter().enumerate() {
            if let Some(s) = item.as_string() {
                batch.push(index, &s);
            } else if let Some(bytes) = item.dyn_ref::<Uint8Array>() {
                batch.push_bytes(index, &bytes.to_vec());
            } else if item.is_undefined() || item.is_null() {
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
    to_js(&BatchJs::from(report))
}
