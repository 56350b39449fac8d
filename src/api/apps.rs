//! `/PushNotifications/Apps`: list, fetch, update. An App is addressed by its name.

use serde_json::Value;

use super::model::{ListAppsParams, UpdateAppParams};
use super::params;
use super::path::Query;
use super::push_notifications::push_dates_and_page;
use super::validate::{self as v, Path};
use super::{assemble, ApiConfig, ApiError, HttpRequest, Operation};

/// Reads `listApps` params: `{ isDefault?, startDate?, endDate?, pageToken?, pageSize? }`.
pub fn list_params(params: &Value) -> Result<ListAppsParams, ApiError> {
    let w: params::ListAppsWire = params::from_value(params)?;
    Ok(ListAppsParams {
        is_default: w.is_default,
        dates: params::dates(w.start_date, w.end_date),
        page: params::page(w.page_token, w.page_size),
    })
}

/// `GET /PushNotifications/Apps?startDate&endDate&isDefault&pageToken&pageSize`.
pub fn list(p: &ListAppsParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    v::check_dates(&root, &p.dates)?;
    v::check_page(&root, &p.page)?;
    let mut q = Query::new();
    push_dates_and_page(
        &mut q,
        &p.dates,
        &p.page,
        &[("isDefault", p.is_default.map(bool_str))],
    );
    assemble(Operation::ListApps, None, config, &q, None)
}

pub(crate) fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// The path segment of one App: its name, which must match `^[a-z0-9_]+$` (1–64), so it needs
/// no encoding.
fn item_segment(app_name: &str) -> Result<&str, ApiError> {
    v::app_name(&Path::Root.key("appName"), app_name)?;
    Ok(app_name)
}

/// `GET /PushNotifications/Apps/{appName}`.
pub fn fetch(app_name: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let name = item_segment(app_name)?;
    assemble(Operation::FetchApp, Some(name), config, &Query::new(), None)
}

/// Reads `updateApp` params: `{ appName, isDefault }`.
pub fn update_params(params: &Value) -> Result<UpdateAppParams, ApiError> {
    let w: params::UpdateAppWire = params::from_value(params)?;
    Ok(UpdateAppParams {
        app_name: params::required(w.app_name, "appName", "is required")?,
        is_default: params::required(w.is_default, "isDefault", "is required (true or false)")?,
    })
}

/// `PATCH /PushNotifications/Apps/{appName}` with `{ isDefault }`: the documented way to change
/// the account's default App. The response is not documented; it is read as a write.
pub fn update(p: &UpdateAppParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let body = if p.is_default {
        r#"{"isDefault":true}"#
    } else {
        r#"{"isDefault":false}"#
    };
    assemble(
        Operation::UpdateApp,
        Some(item_segment(&p.app_name)?),
        config,
        &Query::new(),
        Some(body.to_string()),
    )
}
