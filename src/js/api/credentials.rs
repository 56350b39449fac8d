//! The credential helpers: a credential's `content` from the PEM or service-account files.

use wasm_bindgen::prelude::*;

use super::convert::api_error_to_js;
use crate::api::model::CredentialContent;
use crate::api::{credential_content, ApiError};

fn content_to_js(content: &CredentialContent) -> Result<JsValue, JsValue> {
    crate::js::to_js(content)
}

fn string_arg(value: &JsValue, field: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        api_error_to_js(
            &ApiError::InvalidArgument {
                field: field.to_string(),
                message: [field, " must be a string (the file's text)."].concat(),
            },
            None,
        )
    })
}

/// `{ certificate, privateKey }` for an APN credential, each base64 of the PEM text.
#[wasm_bindgen(js_name = apnCredentialContent, skip_typescript)]
pub fn apn_credential_content(
    certificate_pem: JsValue,
    private_key_pem: JsValue,
) -> Result<JsValue, JsValue> {
    let cert = string_arg(&certificate_pem, "certificatePem")?;
    let key = string_arg(&private_key_pem, "privateKeyPem")?;
    let content =
        credential_content::apn_content(&cert, &key).map_err(|e| api_error_to_js(&e, None))?;
    content_to_js(&content)
}

/// `{ privateKey }` for an FCM credential: base64 of the whole service-account JSON.
#[wasm_bindgen(js_name = fcmCredentialContent, skip_typescript)]
pub fn fcm_credential_content(service_account_json: JsValue) -> Result<JsValue, JsValue> {
    let json = string_arg(&service_account_json, "serviceAccountJson")?;
    let content = credential_content::fcm_content(&json).map_err(|e| api_error_to_js(&e, None))?;
    content_to_js(&content)
}
