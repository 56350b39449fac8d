//! `/PushNotifications/DeviceRegistrations`: list, register, get, delete.

use serde::Serialize;
use serde_json::Value;

use super::model::{ListDeviceRegistrationsParams, RegisterDeviceParams, PROVIDER_NAMES};
use super::operations::push_page;
use super::params;
use super::path::Query;
use super::push_notifications::token_error;
use super::validate::{self as v, quoted, Path};
use super::{assemble, ApiConfig, ApiError, HttpRequest, Operation};
use crate::token;

/// Reads `listDeviceRegistrations` params: `{ userId, appName?, pageToken?, pageSize? }`.
pub fn list_params(params: &Value) -> Result<ListDeviceRegistrationsParams, ApiError> {
    let w: params::ListDeviceRegistrationsWire = params::from_value(params)?;
    Ok(ListDeviceRegistrationsParams {
        user_id: params::required(w.user_id, "userId", "is required")?,
        app_name: w.app_name,
        page: params::page(w.page_token, w.page_size),
    })
}

/// `GET /PushNotifications/DeviceRegistrations?userId&appName&pageToken&pageSize`.
pub fn list(
    p: &ListDeviceRegistrationsParams,
    config: &ApiConfig,
) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    v::identifier(&root.key("userId"), &p.user_id)?;
    if let Some(app) = &p.app_name {
        v::app_name(&root.key("appName"), app)?;
    }
    v::check_page(&root, &p.page)?;
    let mut q = Query::new();
    q.push("userId", &p.user_id);
    q.push_opt("appName", p.app_name.as_deref());
    push_page(&mut q, &p.page);
    assemble(Operation::ListDeviceRegistrations, None, config, &q, None)
}

/// Reads `registerDevice` params: `{ appName, token, provider, userId? }`.
pub fn register_params(params: &Value) -> Result<RegisterDeviceParams, ApiError> {
    let w: params::RegisterDeviceWire = params::from_value(params)?;
    Ok(RegisterDeviceParams {
        app_name: params::required(w.app_name, "appName", "is required")?,
        token: params::required(w.token, "token", "is required")?,
        provider: params::required(
            w.provider,
            "provider",
            &["is required; one of ", &quoted(PROVIDER_NAMES)].concat(),
        )?,
        user_id: w.user_id,
    })
}

/// `POST /PushNotifications/DeviceRegistrations`. The token goes through the token core with its
/// declared provider: APNs tokens are sent as lowercase hex.
///
/// The typed way in, for Rust callers that already hold the values: no JSON, the same checks.
///
/// ```
/// use twilio_push_wasm::api::model::RegisterDeviceParams;
/// use twilio_push_wasm::api::{device_registrations, ApiConfig};
/// use twilio_push_wasm::token::Provider;
///
/// // Behind the proxy: a path base URL, and no credentials (the proxy adds its own).
/// let config = ApiConfig::new("/api/v1", None)?;
/// let params = RegisterDeviceParams {
///     app_name: "limonade_app".into(),
///     token: "0x965B251C6CB1926DE3CB366FDB3F9AE4A2D3E6B0BBD8EB0B9DCEA8D3E4377C2B".into(),
///     provider: Provider::Apn,
///     user_id: Some("user_42".into()),
/// };
/// let request = device_registrations::register(&params, &config)?;
/// assert_eq!(request.url, "/api/v1/PushNotifications/DeviceRegistrations");
/// assert_eq!(request.header("authorization"), None);
/// let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
/// assert_eq!(body["token"], "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b");
/// assert_eq!(body["userId"], "user_42");
///
/// // An FCM token declared as APNs is refused, not registered under the wrong provider.
/// let wrong = RegisterDeviceParams {
///     token: "dqWD7WEC83K41WHyufTS7:APA91bFcrVaOLqKeJfSiEutJXX2Tr9wN_tYOwYd8rFA6mYUMBFqdz9n6k3v5EpFA_ukXD89hGqG3OarzbVfdjGnLOIAQfwbQcqJkjQWMrhwElrtU1y3JLDPfnjc0eTJLxzhyYvDFopEh".into(),
///     ..params
/// };
/// assert_eq!(device_registrations::register(&wrong, &config).unwrap_err().code(), "VALIDATION_ERROR");
/// # Ok::<(), twilio_push_wasm::api::ApiError>(())
/// ```
pub fn register(p: &RegisterDeviceParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    v::app_name(&root.key("appName"), &p.app_name)?;
    let token = token::normalize(&p.token, Some(p.provider))
        .map_err(|e| token_error(&root.key("token"), &e))?;
    if let Some(user) = &p.user_id {
        v::identifier(&root.key("userId"), user)?;
    }
    let body = super::to_json(&RegisterBody {
        app_name: &p.app_name,
        token: &token,
        provider: p.provider,
        user_id: p.user_id.as_deref(),
    });
    assemble(
        Operation::RegisterDevice,
        None,
        config,
        &Query::new(),
        Some(body),
    )
}

/// `{ appName, token, provider, userId? }`, the token canonical.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegisterBody<'a> {
    app_name: &'a str,
    token: &'a str,
    provider: crate::token::Provider,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

/// `GET /PushNotifications/DeviceRegistrations/{deviceRegistrationId}`.
pub fn get(device_registration_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(
        Operation::GetDeviceRegistration,
        device_registration_id,
        config,
    )
}

/// `DELETE /PushNotifications/DeviceRegistrations/{deviceRegistrationId}`.
pub fn delete(device_registration_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(
        Operation::DeleteDeviceRegistration,
        device_registration_id,
        config,
    )
}
