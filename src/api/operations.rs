//! `/PushNotifications/Operations`: list, fetch, and the (undocumented) errors of one operation.

use serde_json::Value;

use super::model::{ListOperationErrorsParams, ListOperationsParams, OperationStatus, Page};
use super::params;
use super::path::{self, Query};
use super::push_notifications::push_dates_and_page;
use super::validate::{self as v, Path};
use super::{assemble, ApiConfig, ApiError, HttpRequest, Operation};

/// Reads `listOperations` params: `{ status?, startDate?, endDate?, pageToken?, pageSize? }`.
pub fn list_params(params: &Value) -> Result<ListOperationsParams, ApiError> {
    let w: params::ListOperationsWire = params::from_value(params)?;
    Ok(ListOperationsParams {
        status: w.status,
        dates: params::dates(w.start_date, w.end_date),
        page: params::page(w.page_token, w.page_size),
    })
}

/// `GET /PushNotifications/Operations?status&startDate&endDate&pageToken&pageSize`.
pub fn list(p: &ListOperationsParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    v::check_dates(&root, &p.dates)?;
    v::check_page(&root, &p.page)?;
    let mut q = Query::new();
    q.push_opt("status", p.status.map(OperationStatus::as_str));
    push_dates_and_page(&mut q, &p.dates, &p.page, &[]);
    assemble(Operation::ListOperations, None, config, &q, None)
}

/// `GET /PushNotifications/Operations/{operationId}`.
pub fn fetch(operation_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(Operation::FetchOperation, operation_id, config)
}

/// Reads `listOperationErrors` params: `{ operationId, pageToken?, pageSize? }`.
pub fn list_errors_params(params: &Value) -> Result<ListOperationErrorsParams, ApiError> {
    let w: params::ListOperationErrorsWire = params::from_value(params)?;
    Ok(ListOperationErrorsParams {
        operation_id: params::required(w.operation_id, "operationId", "is required")?,
        page: params::page(w.page_token, w.page_size),
    })
}

/// `GET /PushNotifications/Operations/{operationId}/Errors?pageToken&pageSize`.
///
/// Twilio's docs reference this path (the `failed` stat "see /Errors") but never document it;
/// only paging is sent.
pub fn list_errors(
    p: &ListOperationErrorsParams,
    config: &ApiConfig,
) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    let id = path::segment(&root.key("operationId"), &p.operation_id)?;
    v::check_page(&root, &p.page)?;
    let mut q = Query::new();
    push_page(&mut q, &p.page);
    assemble(Operation::ListOperationErrors, Some(&id), config, &q, None)
}

/// Appends `pageToken` and `pageSize`. Not inlined: every list shares it.
#[inline(never)]
pub(crate) fn push_page(q: &mut Query, page: &Page) {
    q.push_opt("pageToken", page.page_token.as_deref());
    if let Some(size) = page.page_size {
        q.push("pageSize", &size.to_string());
    }
}
