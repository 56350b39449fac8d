//! `/PushNotifications/Credentials`: list, create, fetch, update, delete.

use serde::Serialize;
use serde_json::Value;

use super::apps::bool_str;
use super::credential_content::check_service_account;
use super::model::{
    serialize_opt_tags, CreateCredentialParams, CredentialContent, CredentialType,
    ListCredentialsParams, Tags, UpdateCredentialParams,
};
use super::params;
use super::path::{self, Query};
use super::push_notifications::push_dates_and_page;
use super::validate::{self as v, invalid, Path};
use super::{assemble, ApiConfig, ApiError, HttpRequest, Operation};

/// Largest base64 value accepted in `content` (credential files are a few KiB).
pub const MAX_CONTENT_CHARS: usize = 64 * 1024;

/// Reads `listCredentials` params.
pub fn list_params(params: &Value) -> Result<ListCredentialsParams, ApiError> {
    let w: params::ListCredentialsWire = params::from_value(params)?;
    Ok(ListCredentialsParams {
        app_name: w.app_name,
        credential_type: w.credential_type,
        is_default: w.is_default,
        dates: params::dates(w.start_date, w.end_date),
        page: params::page(w.page_token, w.page_size),
    })
}

/// `GET /PushNotifications/Credentials?startDate&endDate&appName&credentialType&isDefault&pageToken&pageSize`.
pub fn list(p: &ListCredentialsParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    if let Some(app) = &p.app_name {
        v::app_name(&root.key("appName"), app)?;
    }
    v::check_dates(&root, &p.dates)?;
    v::check_page(&root, &p.page)?;
    let mut q = Query::new();
    push_dates_and_page(
        &mut q,
        &p.dates,
        &p.page,
        &[
            ("appName", p.app_name.as_deref()),
            (
                "credentialType",
                p.credential_type.map(CredentialType::as_str),
            ),
            ("isDefault", p.is_default.map(bool_str)),
        ],
    );
    assemble(Operation::ListCredentials, None, config, &q, None)
}

/// Reads `createCredential` params: `{ credentialType, content, appName, isDefault? }`. The
/// fields of `content` depend on the type: `{ certificate, privateKey }` for `APN` and
/// `APN_SANDBOX`, `{ privateKey }` for `FCM`.
pub fn create_params(params: &Value) -> Result<CreateCredentialParams, ApiError> {
    let w: params::CreateCredentialWire = params::from_value(params)?;
    let root = Path::Root;
    let credential_type = params::required(
        w.credential_type,
        "credentialType",
        &["is required; one of ", &v::quoted(CredentialType::NAMES)].concat(),
    )?;
    let content_path = root.key("content");
    let Some(c) = w.content else {
        return Err(invalid(
            &content_path,
            match credential_type {
                CredentialType::Fcm => "is required: { privateKey } (see fcmCredentialContent())",
                _ => "is required: { certificate, privateKey } (see apnCredentialContent())",
            },
        ));
    };
    let required = |value: Option<String>, key: &str| {
        value.ok_or_else(|| invalid(&content_path.key(key), "is required"))
    };
    let content = match credential_type {
        CredentialType::Apn | CredentialType::ApnSandbox => CredentialContent::Apn {
            certificate: required(c.certificate, "certificate")?,
            private_key: required(c.private_key, "privateKey")?,
        },
        CredentialType::Fcm => {
            if c.certificate.is_some() {
                return Err(invalid(
                    &content_path.key("certificate"),
                    "is not a known field; allowed: privateKey (an FCM credential has no certificate)",
                ));
            }
            CredentialContent::Fcm {
                private_key: required(c.private_key, "privateKey")?,
            }
        }
    };
    Ok(CreateCredentialParams {
        credential_type,
        content,
        app_name: params::required(w.app_name, "appName", "is required")?,
        is_default: w.is_default,
    })
}

/// Checks one base64 value of `content` without ever quoting it.
fn content_value(path: &Path<'_>, value: &str, what: &str, helper: &str) -> Result<(), ApiError> {
    let trimmed = value.trim_start();
    let hint = if trimmed.starts_with("-----BEGIN") {
        " (this is PEM text: encode it with base64 first, or use "
    } else if trimmed.starts_with('{') {
        " (this is JSON text: encode the whole file with base64 first, or use "
    } else {
        " (use "
    };
    if value.is_empty() || value.len() > MAX_CONTENT_CHARS || !path::is_base64(value) {
        let mut detail = String::from("must be the base64 of ");
        detail.push_str(what);
        detail.push_str(", at most 64 KiB");
        detail.push_str(hint);
        detail.push_str(helper);
        detail.push_str("())");
        return Err(invalid(path, &detail));
    }
    Ok(())
}

/// Whether decoded PEM text starts with the right kind of BEGIN line. Only the kind is checked
/// (not the body), so Twilio's own abbreviated examples still pass.
fn pem_kind_problem(text: &str, expected: &str, is_kind: fn(&str) -> bool) -> Option<String> {
    let label = text
        .trim_start()
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.split_once("-----"))
        .map(|(label, _)| label);
    match label {
        Some(label) if is_kind(label) => None,
        Some(_) => Some(
            [
                "is a PEM block of another kind; expected ",
                expected,
                " (were certificate and key swapped?)",
            ]
            .concat(),
        ),
        None => Some(["is not ", expected].concat()),
    }
}

/// What a base64 `content` value decodes to must be the right kind of file: Twilio would
/// otherwise accept it and every push would fail later. `check` returns what is wrong; it is a
/// function pointer so that the three checks share one copy of the decoding.
fn decoded_check(
    path: &Path<'_>,
    value: &str,
    check: fn(&str) -> Option<String>,
) -> Result<(), ApiError> {
    let text = path::base64_decode(value).and_then(|b| String::from_utf8(b).ok());
    let problem = match text {
        None => Some("is not text".to_string()),
        Some(text) => check(&text),
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(invalid(
            path,
            &["decodes to a file that ", &problem].concat(),
        )),
    }
}

/// `POST /PushNotifications/Credentials`. The content must match the type, and each value must
/// be base64 (PEM or JSON text pasted as is is refused with a hint).
pub fn create(p: &CreateCredentialParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    let content_path = root.key("content");
    match (&p.content, p.credential_type) {
        (
            CredentialContent::Apn {
                certificate,
                private_key,
            },
            CredentialType::Apn | CredentialType::ApnSandbox,
        ) => {
            content_value(
                &content_path.key("certificate"),
                certificate,
                "the PEM certificate",
                "apnCredentialContent",
            )?;
            content_value(
                &content_path.key("privateKey"),
                private_key,
                "the PEM private key",
                "apnCredentialContent",
            )?;
            decoded_check(&content_path.key("certificate"), certificate, |t| {
                pem_kind_problem(
                    t,
                    "a PEM certificate ('-----BEGIN CERTIFICATE-----')",
                    |label| label == "CERTIFICATE",
                )
            })?;
            decoded_check(&content_path.key("privateKey"), private_key, |t| {
                pem_kind_problem(
                    t,
                    "a PEM private key ('-----BEGIN … PRIVATE KEY-----')",
                    |label| label.ends_with("PRIVATE KEY"),
                )
            })?;
        }
        (CredentialContent::Fcm { private_key }, CredentialType::Fcm) => {
            content_value(
                &content_path.key("privateKey"),
                private_key,
                "the whole service-account JSON file",
                "fcmCredentialContent",
            )?;
            decoded_check(&content_path.key("privateKey"), private_key, |text| {
                check_service_account(text, "the service-account file")
                    .err()
                    .map(|e| ["is not a usable service-account file (", e.message(), ")"].concat())
            })?;
        }
        (_, t) => {
            let detail = match t {
                CredentialType::Fcm => "an FCM credential's content is { privateKey }",
                _ => "an APN credential's content is { certificate, privateKey }",
            };
            return Err(invalid(&content_path, detail));
        }
    }
    v::app_name(&root.key("appName"), &p.app_name)?;
    let body = super::to_json(&CreateBody {
        credential_type: p.credential_type,
        content: &p.content,
        app_name: &p.app_name,
        is_default: p.is_default,
    });
    assemble(
        Operation::CreateCredential,
        None,
        config,
        &Query::new(),
        Some(body),
    )
}

/// `{ credentialType, content, appName, isDefault? }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody<'a> {
    credential_type: CredentialType,
    content: &'a CredentialContent,
    app_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_default: Option<bool>,
}

/// `{ isDefault?, tags? }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    is_default: Option<bool>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_tags"
    )]
    tags: &'a Option<Tags>,
}

/// `GET /PushNotifications/Credentials/{credentialId}`. Secrets are never returned.
pub fn fetch(credential_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(Operation::FetchCredential, credential_id, config)
}

/// Reads `updateCredential` params: `{ credentialId, isDefault?, tags? }`.
pub fn update_params(params: &Value) -> Result<UpdateCredentialParams, ApiError> {
    let w: params::UpdateCredentialWire = params::from_value(params)?;
    Ok(UpdateCredentialParams {
        credential_id: params::required(w.credential_id, "credentialId", "is required")?,
        is_default: w.is_default,
        tags: w.tags.map(|t| t.0),
    })
}

/// `PATCH /PushNotifications/Credentials/{credentialId}` with `{ isDefault?, tags? }`.
///
/// Whether `content` can be rotated this way is not documented, so it is not offered: create a
/// new credential and delete the old one.
pub fn update(p: &UpdateCredentialParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    let id = path::segment(&root.key("credentialId"), &p.credential_id)?;
    if p.is_default.is_none() && p.tags.is_none() {
        return Err(invalid(
            &root,
            "an update needs at least one change: isDefault and/or tags",
        ));
    }
    if let Some(tags) = &p.tags {
        v::tag_limits(&root.key("tags"), tags)?;
    }
    let body = super::to_json(&UpdateBody {
        is_default: p.is_default,
        tags: &p.tags,
    });
    assemble(
        Operation::UpdateCredential,
        Some(&id),
        config,
        &Query::new(),
        Some(body),
    )
}

/// `DELETE /PushNotifications/Credentials/{credentialId}`. When the App's last credential is
/// deleted, Twilio deletes the App and all its device registrations too.
pub fn delete(credential_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(Operation::DeleteCredential, credential_id, config)
}
