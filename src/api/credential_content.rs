//! Building a credential's `content` from the files people actually have.
//!
//! Twilio wants base64 of the files, not the files: for APNs the PEM certificate and the PEM
//! private key (certificate-based auth; no source shows p8 token auth), for FCM the whole
//! service-account JSON file. These helpers check that each input is the right kind of file
//! first, because a swapped or truncated file otherwise surfaces only as a failed push later.
//!
//! Errors are `VALIDATION_ERROR`s naming the argument. They never contain any part of the
//! inputs: these are secrets.

use serde_json::Value;

use super::model::CredentialContent;
use super::path::base64_encode;
use super::ApiError;

fn error(field: &str, detail: &str) -> ApiError {
    ApiError::Validation {
        field: field.to_string(),
        message: [field, ": ", detail].concat(),
        token_code: None,
    }
}

/// The label of a PEM block (`CERTIFICATE`, `RSA PRIVATE KEY`, …) if `text` is one complete
/// block: a BEGIN line first, the matching END line last, base64 in between.
fn pem_label(text: &str) -> Result<&str, &'static str> {
    let text = text.trim();
    let rest = text
        .strip_prefix("-----BEGIN ")
        .ok_or("does not start with a '-----BEGIN …-----' line")?;
    let (label, rest) = rest
        .split_once("-----")
        .ok_or("has an incomplete BEGIN line")?;
    let end_at = rest
        .rfind("-----END ")
        .ok_or("has no '-----END …-----' line (was it cut off?)")?;
    let (body, end) = rest.split_at(end_at);
    let end_label = end
        .strip_prefix("-----END ")
        .and_then(|e| e.strip_suffix("-----"))
        .ok_or("has an incomplete END line")?;
    if end_label != label {
        return Err("has END and BEGIN lines that do not match");
    }
    let mut body_chars = 0usize;
    for c in body.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' | '=' => body_chars += 1,
            // Encrypted legacy keys carry `Proc-Type:`/`DEK-Info:` headers.
            ':' | ',' | '-' | ' ' | '\t' | '\r' | '\n' => {}
            _ => return Err("contains characters that cannot appear in a PEM block"),
        }
    }
    if body_chars < 16 {
        return Err("has no encoded data between its BEGIN and END lines");
    }
    Ok(label)
}

const KEY_LABELS: &[&str] = &[
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
];

/// What is wrong with a PEM certificate, if anything (never quoting it).
fn certificate_problem(text: &str) -> Option<String> {
    match pem_label(text) {
        Ok("CERTIFICATE") => None,
        Ok(label) if KEY_LABELS.contains(&label) => {
            Some("is a private key, not a certificate; were the two swapped?".into())
        }
        Ok(_) => {
            Some("is a PEM block of another kind; expected '-----BEGIN CERTIFICATE-----'".into())
        }
        Err(why) => Some(["is not a PEM certificate: it ", why].concat()),
    }
}

/// What is wrong with a PEM private key, if anything (never quoting it).
fn private_key_problem(text: &str) -> Option<String> {
    match pem_label(text) {
        Ok(label) if KEY_LABELS.contains(&label) => None,
        Ok("CERTIFICATE") => {
            Some("is a certificate, not a private key; were the two swapped?".into())
        }
        Ok(_) => Some(
            "is a PEM block of another kind; expected '-----BEGIN PRIVATE KEY-----' (or RSA/EC/ENCRYPTED PRIVATE KEY)"
                .into(),
        ),
        Err(why) => Some(["is not a PEM private key: it ", why].concat()),
    }
}

/// `content` for an `APN` or `APN_SANDBOX` credential: `{ certificate, privateKey }`, each the
/// base64 of the (trimmed) PEM text. The certificate must be a `CERTIFICATE` block; the key a
/// `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY` or `ENCRYPTED PRIVATE KEY` block.
///
/// ```
/// use twilio_push_wasm::api::credential_content::apn_content;
/// use twilio_push_wasm::api::model::CredentialContent;
///
/// let cert = "-----BEGIN CERTIFICATE-----\nMIIFnTCCBIWgAwIBAgIIAjy9H849+E8w\n-----END CERTIFICATE-----\n";
/// let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNy\n-----END RSA PRIVATE KEY-----\n";
///
/// let CredentialContent::Apn { certificate, .. } = apn_content(cert, key)? else { unreachable!() };
/// assert!(certificate.starts_with("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t")); // "-----BEGIN CERTIFICATE-----"
///
/// // The two files swapped, the most common slip: refused, naming the argument, and the
/// // message never quotes the secret.
/// let error = apn_content(key, cert).unwrap_err();
/// assert_eq!(error.code(), "VALIDATION_ERROR");
/// assert!(error.message().starts_with("certificatePem"));
/// assert!(!error.message().contains("MIIE"));
/// # Ok::<(), twilio_push_wasm::api::ApiError>(())
/// ```
pub fn apn_content(
    certificate_pem: &str,
    private_key_pem: &str,
) -> Result<CredentialContent, ApiError> {
    if let Some(problem) = certificate_problem(certificate_pem) {
        return Err(error("certificatePem", &problem));
    }
    if let Some(problem) = private_key_problem(private_key_pem) {
        return Err(error("privateKeyPem", &problem));
    }
    Ok(CredentialContent::Apn {
        certificate: base64_encode(certificate_pem.trim().as_bytes()),
        private_key: base64_encode(private_key_pem.trim().as_bytes()),
    })
}

/// `content` for an `FCM` credential: `{ privateKey }`, the base64 of the whole service-account
/// JSON file (not just its `private_key` field). The file must be a JSON object with
/// `"type": "service_account"` and non-empty string fields `project_id`, `private_key` and
/// `client_email`.
///
/// ```
/// use twilio_push_wasm::api::credential_content::fcm_content;
/// use twilio_push_wasm::api::model::CredentialContent;
///
/// let file = r#"{"type": "service_account", "project_id": "limonade-app",
///   "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
///   "client_email": "push@limonade-app.iam.gserviceaccount.com"}"#;
/// let CredentialContent::Fcm { private_key } = fcm_content(file)? else { unreachable!() };
/// assert!(private_key.starts_with("eyJ0eXBlIjog")); // base64 of the whole file: `{"type": `
///
/// // Only the key pasted, instead of the file: refused before Twilio is ever asked.
/// let error = fcm_content("-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----").unwrap_err();
/// assert_eq!(error.code(), "VALIDATION_ERROR");
/// assert!(error.message().starts_with("serviceAccountJson"));
/// # Ok::<(), twilio_push_wasm::api::ApiError>(())
/// ```
pub fn fcm_content(service_account_json: &str) -> Result<CredentialContent, ApiError> {
    check_service_account(service_account_json, "serviceAccountJson")?;
    Ok(CredentialContent::Fcm {
        private_key: base64_encode(service_account_json.as_bytes()),
    })
}

/// Checks a service-account JSON file; errors name `FIELD` (or one of its keys) and never quote
/// the file.
pub(crate) fn check_service_account(
    service_account_json: &str,
    field: &str,
) -> Result<(), ApiError> {
    let field_key = |key: &str| [field, ".", key].concat();
    #[allow(non_snake_case)]
    let FIELD = field;
    let value: Value = serde_json::from_str(service_account_json).map_err(|e| {
        let mut detail = String::from("is not valid JSON (line ");
        detail.push_str(&e.line().to_string());
        detail.push_str(", column ");
        detail.push_str(&e.column().to_string());
        detail.push_str(
            "); pass the contents of the service-account .json file from the Firebase console",
        );
        error(FIELD, &detail)
    })?;
    let map = match &value {
        Value::Object(m) => m,
        _ => {
            return Err(error(
                FIELD,
                "must be a JSON object (the service-account file)",
            ))
        }
    };
    match map.get("type") {
        Some(Value::String(t)) if t == "service_account" => {}
        _ => {
            return Err(error(
                &field_key("type"),
                "must be \"service_account\"; this is not a Firebase service-account file (google-services.json and OAuth client files will not work)",
            ))
        }
    }
    for key in ["project_id", "private_key", "client_email"] {
        match map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => {
                return Err(error(
                    &field_key(key),
                    "must be a non-empty string; the service-account file is incomplete",
                ))
            }
        }
    }
    if let Some(Value::String(key)) = map.get("private_key") {
        if !key.contains("PRIVATE KEY-----") {
            return Err(error(
                &field_key("private_key"),
                "does not hold a PEM private key",
            ));
        }
    }
    Ok(())
}
