//! `/PushNotifications`: send, list, fetch.

use serde::Serialize;
use serde_json::Value;

use super::model::{
    serialize_opt_tags, tags_from_pairs, Content, ListPushNotificationsParams, NotificationStatus,
    Priority, Recipient, Schedule, SendPushParams, Sender, TagFilter, Tags, PROVIDER_NAMES,
};
use super::operations::push_page;
use super::params;
use super::path::Query;
use super::validate::{self as v, invalid, Path};
use super::{assemble, ApiConfig, ApiError, HttpRequest, Operation};
use crate::token::{self, Provider};

// ------------------------------------------------------------------------------------------
// Reading params

/// Reads `sendPush` params: `{ to, content, from?, priority?, sound?, tags?, schedule? }`.
///
/// Only the shape is checked here (types, required and unknown fields); [`send`] checks the
/// rules. The number of recipients is not limited here so that [`send_batches`] can split a
/// longer list.
pub fn send_params(params: &Value) -> Result<SendPushParams, ApiError> {
    let w: params::SendPushWire = params::from_value(params)?;
    let root = Path::Root;
    let to_path = root.key("to");
    let Some(items) = w.to else {
        return Err(invalid(
            &to_path,
            "is required: an array of { token, provider } or { userId }",
        ));
    };
    // A plain loop: collecting into a `Result` costs a generic adapter per use.
    let mut to = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        to.push(recipient(item, &to_path.index(i))?);
    }
    let Some(content) = w.content else {
        return Err(invalid(
            &root.key("content"),
            "is required: { title?, body? }",
        ));
    };
    let from = match w.from {
        None => None,
        Some(f) => Some(sender(f, &root.key("from"))?),
    };
    let schedule = match w.schedule {
        None => None,
        Some(s) => Some(Schedule {
            send_at: s.send_at.ok_or_else(|| {
                invalid(
                    &root.key("schedule").key("sendAt"),
                    "is required: an array of ISO 8601 date-times",
                )
            })?,
        }),
    };
    Ok(SendPushParams {
        to,
        content,
        from,
        priority: w.priority,
        sound: w.sound,
        tags: w.tags.map(|t| t.0),
        schedule,
    })
}

fn recipient(w: params::RecipientWire, path: &Path<'_>) -> Result<Recipient, ApiError> {
    if let Some(user_id) = w.user_id {
        if w.token.is_some() || w.provider.is_some() {
            return Err(invalid(
                path,
                "a recipient is either { token, provider } or { userId }, not both",
            ));
        }
        return Ok(Recipient::User { user_id });
    }
    match (w.token, w.provider) {
        (Some(token), Some(provider)) => Ok(Recipient::Device { token, provider }),
        (None, None) => Err(invalid(
            path,
            "a recipient needs { token, provider } or { userId }",
        )),
        (None, Some(_)) => Err(invalid(&path.key("token"), "is required")),
        (Some(_), None) => Err(invalid(
            &path.key("provider"),
            &["is required; one of ", &v::quoted(PROVIDER_NAMES)].concat(),
        )),
    }
}

fn sender(w: params::SenderWire, path: &Path<'_>) -> Result<Sender, ApiError> {
    match (w.app_name, w.apn, w.fcm) {
        (Some(app_name), None, None) => Ok(Sender::App { app_name }),
        (Some(_), _, _) => Err(invalid(
            path,
            "is either { apn?, fcm? } (credential IDs) or { appName }, not both",
        )),
        (None, None, None) => Err(invalid(
            path,
            "needs an APN and/or FCM credential ID ({ apn, fcm }) or an app ({ appName }); omit `from` to use the default App",
        )),
        (None, apn, fcm) => Ok(Sender::Credentials { apn, fcm }),
    }
}

/// Reads `listPushNotifications` params.
pub fn list_params(params: &Value) -> Result<ListPushNotificationsParams, ApiError> {
    let w: params::ListPushNotificationsWire = params::from_value(params)?;
    Ok(ListPushNotificationsParams {
        operation_id: w.operation_id,
        status: w.status,
        tags: w.tags.map(|t| match t {
            params::TagFilterWire::Pairs(tags) => TagFilter::Pairs(tags),
            params::TagFilterWire::Raw(text) => TagFilter::Raw(text),
        }),
        dates: params::dates(w.start_date, w.end_date),
        user: w.user,
        provider: w.provider,
        page: params::page(w.page_token, w.page_size),
    })
}

// ------------------------------------------------------------------------------------------
// Building

/// A checked recipient as sent: `{ token, provider }` (the token canonical) or `{ userId }`.
#[derive(Serialize)]
#[serde(untagged)]
enum RecipientOut<'a> {
    Device {
        token: String,
        provider: Provider,
    },
    #[serde(rename_all = "camelCase")]
    User {
        user_id: &'a str,
    },
}

/// The body of a send: `{ to, content, from?, priority?, sound?, tags?, schedule? }`.
#[derive(Serialize)]
struct SendBody<'a> {
    to: &'a [RecipientOut<'a>],
    content: &'a Content,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: &'a Option<Sender>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sound: &'a Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_tags"
    )]
    tags: &'a Option<Tags>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: &'a Option<Schedule>,
}

fn send_body(p: &SendPushParams, to: &[RecipientOut<'_>]) -> String {
    super::to_json(&SendBody {
        to,
        content: &p.content,
        from: &p.from,
        priority: p.priority,
        sound: &p.sound,
        tags: &p.tags,
        schedule: &p.schedule,
    })
}

/// Checks everything but the recipients.
fn check_common(p: &SendPushParams) -> Result<(), ApiError> {
    let root = Path::Root;
    let content = root.key("content");
    let non_blank = |s: &Option<String>| s.as_deref().is_some_and(|t| !t.trim().is_empty());
    if !non_blank(&p.content.title) && !non_blank(&p.content.body) {
        return Err(invalid(&content, "needs a non-empty title or body"));
    }
    if let Some(from) = &p.from {
        let from_path = root.key("from");
        match from {
            Sender::App { app_name } => v::app_name(&from_path.key("appName"), app_name)?,
            Sender::Credentials { apn, fcm } => {
                if apn.is_none() && fcm.is_none() {
                    return Err(invalid(
                        &from_path,
                        "needs an APN and/or FCM credential ID, or an appName",
                    ));
                }
                if let Some(id) = apn {
                    v::identifier(&from_path.key("apn"), id)?;
                }
                if let Some(id) = fcm {
                    v::identifier(&from_path.key("fcm"), id)?;
                }
            }
        }
    }
    if let Some(sound) = &p.sound {
        let path = root.key("sound");
        if sound.trim().is_empty() {
            return Err(invalid(&path, "must not be empty (omit it for no sound)"));
        }
        if sound.chars().count() > 256 || sound.chars().any(char::is_control) {
            return Err(invalid(
                &path,
                "must be a sound name of at most 256 characters, without control characters",
            ));
        }
    }
    if let Some(tags) = &p.tags {
        v::tag_limits(&root.key("tags"), tags)?;
    }
    if let Some(schedule) = &p.schedule {
        let at = root.key("schedule");
        let at = at.key("sendAt");
        if schedule.send_at.is_empty() {
            return Err(invalid(&at, "must hold at least one date-time"));
        }
        for (i, s) in schedule.send_at.iter().enumerate() {
            if v::parse_datetime(s).is_none() {
                return Err(invalid(
                    &at.index(i),
                    "must be an ISO 8601 date-time such as 2025-03-19T09:30:00Z (without a time zone it is localized per recipient)",
                ));
            }
        }
    }
    Ok(())
}

/// Checks and canonicalizes recipients; `offset` is the index of `to[0]` in the caller's list.
fn recipients_out(to: &[Recipient], offset: usize) -> Result<Vec<RecipientOut<'_>>, ApiError> {
    let root = Path::Root;
    let list = root.key("to");
    let mut out = Vec::with_capacity(to.len());
    for (i, r) in to.iter().enumerate() {
        let item = list.index(offset + i);
        match r {
            Recipient::Device { token, provider } => match token::normalize(token, Some(*provider))
            {
                Ok(canonical) => out.push(RecipientOut::Device {
                    token: canonical,
                    provider: *provider,
                }),
                Err(e) => return Err(token_error(&item.key("token"), &e)),
            },
            Recipient::User { user_id } => {
                v::identifier(&item.key("userId"), user_id)?;
                out.push(RecipientOut::User { user_id });
            }
        }
    }
    Ok(out)
}

/// A refused device token: `"<field>: <TOKEN_CODE>: <token message>"`, with `token_code` set.
pub(crate) fn token_error(path: &Path<'_>, e: &token::TokenError) -> ApiError {
    let detail = [e.code(), ": ", &e.to_string()].concat();
    match invalid(path, &detail) {
        ApiError::Validation { field, message, .. } => ApiError::Validation {
            field,
            message,
            token_code: Some(e.code()),
        },
        other => other,
    }
}

fn count_error(n: usize) -> ApiError {
    let mut detail = String::from("has ");
    v::push_u64(&mut detail, n as u64);
    detail.push_str(" recipients; a send takes 1 to 10,000 (use sendPushInBatches for more)");
    invalid(&Path::Root.key("to"), &detail)
}

fn send_request(
    p: &SendPushParams,
    to: &[RecipientOut<'_>],
    config: &ApiConfig,
) -> Result<HttpRequest, ApiError> {
    assemble(
        Operation::SendPush,
        None,
        config,
        &Query::new(),
        Some(send_body(p, to)),
    )
}

/// `POST /PushNotifications`.
pub fn send(p: &SendPushParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    if p.to.is_empty() || p.to.len() > v::MAX_RECIPIENTS {
        return Err(count_error(p.to.len()));
    }
    check_common(p)?;
    let to = recipients_out(&p.to, 0)?;
    send_request(p, &to, config)
}

/// One request of a send split into batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendBatch {
    /// Index in the caller's `to` of this batch's first recipient.
    pub first_index: usize,
    /// Number of recipients in this batch.
    pub recipients: usize,
    /// The `sendPush` request for this batch.
    pub request: HttpRequest,
}

/// Splits a send of any number of recipients into requests of at most `batch_size` (clamped to
/// 1..=10,000). Every recipient is checked before any request is returned, so nothing is sent
/// unless everything is valid; errors name the index in the caller's list.
pub fn send_batches(
    p: &SendPushParams,
    config: &ApiConfig,
    batch_size: usize,
) -> Result<Vec<SendBatch>, ApiError> {
    if p.to.is_empty() {
        return Err(invalid(
            &Path::Root.key("to"),
            "must hold at least one recipient",
        ));
    }
    check_common(p)?;
    let size = batch_size.clamp(1, v::MAX_RECIPIENTS);
    let to = recipients_out(&p.to, 0)?;
    let mut out = Vec::with_capacity(to.len().div_ceil(size));
    for (n, chunk) in to.chunks(size).enumerate() {
        out.push(SendBatch {
            first_index: n * size,
            recipients: chunk.len(),
            request: send_request(p, chunk, config)?,
        });
    }
    Ok(out)
}

/// Encodes a tag filter as `k1:v1;k2:v2;` after checking it.
fn tag_filter(path: &Path<'_>, filter: &TagFilter) -> Result<String, ApiError> {
    match filter {
        TagFilter::Pairs(tags) => {
            v::tag_limits(path, tags)?;
            let mut out = String::new();
            for (k, value) in tags {
                if k.contains(':') || k.contains(';') {
                    return Err(invalid(
                        &path.key(k),
                        "a tag key used as a filter cannot contain ':' or ';' (they separate the key:value; pairs)",
                    ));
                }
                if value.contains(';') {
                    return Err(invalid(
                        &path.key(k),
                        "a tag value used as a filter cannot contain ';' (it separates the key:value; pairs)",
                    ));
                }
                out.push_str(k);
                out.push(':');
                out.push_str(value);
                out.push(';');
            }
            if out.is_empty() {
                return Err(invalid(
                    path,
                    "must hold at least one tag (omit it to not filter)",
                ));
            }
            Ok(out)
        }
        TagFilter::Raw(text) => {
            let mut pairs = Vec::new();
            for part in text.split(';').filter(|p| !p.is_empty()) {
                match part.split_once(':') {
                    Some((k, value)) if !k.is_empty() => {
                        pairs.push((k.to_string(), value.to_string()));
                    }
                    _ => {
                        return Err(invalid(
                            path,
                            "must be key:value pairs each followed by ';', e.g. key_1:value;key_2:value;",
                        ))
                    }
                }
            }
            if pairs.is_empty() {
                return Err(invalid(
                    path,
                    "must hold at least one key:value; pair (omit it to not filter)",
                ));
            }
            let pairs = tags_from_pairs(pairs);
            v::tag_limits(path, &pairs)?;
            Ok(text.clone())
        }
    }
}

/// `GET /PushNotifications?operationId&status&tags&startDate&endDate&user&provider&pageToken&pageSize`.
pub fn list(p: &ListPushNotificationsParams, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    let root = Path::Root;
    if let Some(id) = &p.operation_id {
        v::identifier(&root.key("operationId"), id)?;
    }
    if let Some(user) = &p.user {
        v::identifier(&root.key("user"), user)?;
    }
    let tags = match &p.tags {
        Some(t) => Some(tag_filter(&root.key("tags"), t)?),
        None => None,
    };
    v::check_dates(&root, &p.dates)?;
    v::check_page(&root, &p.page)?;
    let mut q = Query::new();
    q.push_opt("operationId", p.operation_id.as_deref());
    q.push_opt("status", p.status.map(NotificationStatus::as_str));
    q.push_opt("tags", tags.as_deref());
    push_dates_and_page(
        &mut q,
        &p.dates,
        &p.page,
        &[
            ("user", p.user.as_deref()),
            ("provider", p.provider.map(Provider::as_str)),
        ],
    );
    assemble(Operation::ListPushNotifications, None, config, &q, None)
}

/// Appends `startDate`, `endDate`, then the `middle` pairs that have a value, then `pageToken`,
/// `pageSize`. The pairs are data rather than a closure so that the four lists share one copy.
#[inline(never)]
pub(crate) fn push_dates_and_page(
    q: &mut Query,
    dates: &super::model::DateRange,
    page: &super::model::Page,
    middle: &[(&str, Option<&str>)],
) {
    q.push_opt("startDate", dates.start_date.as_deref());
    q.push_opt("endDate", dates.end_date.as_deref());
    for &(key, value) in middle {
        q.push_opt(key, value);
    }
    push_page(q, page);
}

/// `GET /PushNotifications/{pushNotificationId}`.
pub fn fetch(push_notification_id: &str, config: &ApiConfig) -> Result<HttpRequest, ApiError> {
    super::by_id(
        Operation::FetchPushNotification,
        push_notification_id,
        config,
    )
}
