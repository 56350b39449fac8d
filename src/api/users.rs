//! `/PushNotifications/Users`: list, fetch, delete.

use serde_json::Value;

use super::model::ListUsersParams;
use super::operations::push_page;
use super::params;
use super::path::Query;
use super::validate::{self as v, Path};
use super::{assemble, ApiConfig, ApiError, HttpRequest, Operation};

/// Reads `listUsers` params: `{ pageToken?, pageSize? }`.
pub fn list_params(params: &Value) -> Result<ListUsersParams, ApiError> {
    let w: params::ListUsersWire = params::from_value(params)?;
    Ok(ListUsersParams {
        page: params::page(w.page_token, w.page_size),
    })
}

/// `GET /PushNotifications/Users?pageToken&pageSize`.
pub fn list(p: &ListUsersParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    v::check_page(&Path::Root, &p.page)?;
    let mut q = Query::new();
    push_page(&mut q, &p.page);
    assemble(Operation::ListUsers, None, config, &q, None)
}

/// `GET /PushNotifications/Users/{userId}`.
pub fn fetch(user_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(Operation::FetchUser, user_id, config)
}

/// `DELETE /PushNotifications/Users/{userId}`. Twilio documents neither the response nor what
/// happens to the User's registrations; the response is read like the other deletes.
pub fn delete(user_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(Operation::DeleteUser, user_id, config)
}
