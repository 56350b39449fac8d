//! `PushClient`: one async method per operation, `listAll*` async iterators and
//! `sendPushInBatches`. The logic is in `crate::client`; this file converts.
//!
//! Params are read (as JSON) when a method is called, so later changes to the caller's object do
//! not affect a request in flight. Every method returns a Promise; validation errors reject it
//! before any request is made.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::api::{api_error_to_js, json_arg, operation_arg, result_to_js, value_to_js};
use super::set;
use crate::api::response::ApiResult;
use crate::api::retry::ClientConfig;
use crate::api::validate::Map;
use crate::api::{ApiError, Operation};
use crate::client::{BatchOutcome, Client, Failure};
use serde_json::Value;

/// What every async method runs: a boxed future, so `future_to_promise` and its task machinery
/// are compiled once for all of them instead of once per future type.
type Task = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

#[inline(never)]
fn spawn(task: Task) -> Promise {
    future_to_promise(task)
}

fn failure_to_js(f: &Failure) -> JsValue {
    api_error_to_js(&f.error, (f.attempts > 0).then_some(f.attempts))
}

/// A client for the Twilio Push API, the edge proxy or the emulator (only `baseUrl` and `auth`
/// differ).
#[wasm_bindgen(skip_typescript)]
pub struct PushClient {
    client: Rc<Client>,
}

macro_rules! operations {
    ($($js:ident $rust:ident $op:ident;)*) => {
        #[wasm_bindgen]
        impl PushClient {
            $(
                #[doc = concat!("`", stringify!($js), "`: validates, sends and reads the response.")]
                #[wasm_bindgen(js_name = $js, skip_typescript)]
                pub fn $rust(&self, params: JsValue) -> Promise {
                    self.run(Operation::$op, &params)
                }
            )*
        }
    };
}

operations! {
    sendPush send_push SendPush;
    listPushNotifications list_push_notifications ListPushNotifications;
    fetchPushNotification fetch_push_notification FetchPushNotification;
    listOperations list_operations ListOperations;
    fetchOperation fetch_operation FetchOperation;
    listOperationErrors list_operation_errors ListOperationErrors;
    listDeviceRegistrations list_device_registrations ListDeviceRegistrations;
    registerDevice register_device RegisterDevice;
    getDeviceRegistration get_device_registration GetDeviceRegistration;
    deleteDeviceRegistration delete_device_registration DeleteDeviceRegistration;
    listCredentials list_credentials ListCredentials;
    createCredential create_credential CreateCredential;
    fetchCredential fetch_credential FetchCredential;
    updateCredential update_credential UpdateCredential;
    deleteCredential delete_credential DeleteCredential;
    listApps list_apps ListApps;
    fetchApp fetch_app FetchApp;
    updateApp update_app UpdateApp;
    listUsers list_users ListUsers;
    fetchUser fetch_user FetchUser;
    deleteUser delete_user DeleteUser;
}

macro_rules! list_all {
    ($($js:ident $rust:ident $op:ident;)*) => {
        #[wasm_bindgen]
        impl PushClient {
            $(
                #[doc = concat!("`", stringify!($js), "`: an async iterator over every item of every page.")]
                #[wasm_bindgen(js_name = $js, skip_typescript)]
                pub fn $rust(&self, params: JsValue) -> Result<JsValue, JsValue> {
                    self.iterate(Operation::$op, &params)
                }
            )*
        }
    };
}

list_all! {
    listAllPushNotifications list_all_push_notifications ListPushNotifications;
    listAllOperations list_all_operations ListOperations;
    listAllOperationErrors list_all_operation_errors ListOperationErrors;
    listAllDeviceRegistrations list_all_device_registrations ListDeviceRegistrations;
    listAllCredentials list_all_credentials ListCredentials;
    listAllApps list_all_apps ListApps;
    listAllUsers list_all_users ListUsers;
}

#[wasm_bindgen]
impl PushClient {
    /// `new PushClient(config)`; throws `INVALID_ARGUMENT` for a bad config.
    #[wasm_bindgen(constructor, skip_typescript)]
    pub fn new(config: JsValue) -> Result<PushClient, JsValue> {
        let run = || -> Result<ClientConfig, ApiError> {
            ClientConfig::from_value(&json_arg(&config, "config")?)
        };
        let config = run().map_err(|e| api_error_to_js(&e, None))?;
        Ok(PushClient {
            client: Rc::new(Client::new(config)),
        })
    }

    /// Any operation by name.
    #[wasm_bindgen(skip_typescript)]
    pub fn call(&self, operation: JsValue, params: JsValue) -> Promise {
        match operation_arg(&operation) {
            Ok(op) => self.run(op, &params),
            Err(e) => Promise::reject(&api_error_to_js(&e, None)),
        }
    }

    /// Sends to any number of recipients in batches of at most 10,000 (see
    /// `Client::send_push_in_batches`): all validated first, sent in order, never retried; a
    /// failed batch does not stop the others and is listed in `failed`.
    #[wasm_bindgen(js_name = sendPushInBatches, skip_typescript)]
    pub fn send_push_in_batches(&self, params: JsValue) -> Promise {
        let client = self.client.clone();
        let params = json_arg(&params, "params");
        spawn(Box::pin(async move {
            let params = params.map_err(|e| api_error_to_js(&e, None))?;
            let outcome = client
                .send_push_in_batches(&params)
                .await
                .map_err(|e| api_error_to_js(&e, None))?;
            batch_outcome_to_js(&outcome)
        }))
    }
}

impl PushClient {
    fn run(&self, op: Operation, params: &JsValue) -> Promise {
        let client = self.client.clone();
        let params = json_arg(params, "params");
        spawn(Box::pin(async move {
            let params = params.map_err(|e| api_error_to_js(&e, None))?;
            match client.call(op, &params).await {
                Ok(result) => result_to_js(&result),
                Err(f) => Err(failure_to_js(&f)),
            }
        }))
    }

    fn iterate(&self, op: Operation, params: &JsValue) -> Result<JsValue, JsValue> {
        let fail = |e: ApiError| api_error_to_js(&e, None);
        let params = json_arg(params, "params").map_err(fail)?;
        // Validate once up front so a bad call throws at once rather than on the first `next()`.
        crate::api::build_request(op, &params, &self.client.config().api).map_err(fail)?;
        let params = match params {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let next_token = params
            .get("pageToken")
            .and_then(Value::as_str)
            .map(str::to_string);
        let iterator = PageIterator {
            state: Rc::new(RefCell::new(IterState {
                client: self.client.clone(),
                op,
                params,
                buffer: VecDeque::new(),
                next_token,
                started: false,
                done: false,
                pending_error: None,
            })),
            last: None,
        };
        let value = JsValue::from(iterator);
        make_async_iterable(&value);
        Ok(value)
    }
}

fn batch_outcome_to_js(outcome: &BatchOutcome) -> Result<JsValue, JsValue> {
    let operations = js_sys::Array::new();
    for b in &outcome.operations {
        let o = Object::new();
        set(&o, "operationId", b.operation.operation_id.as_str());
        set(
            &o,
            "operationLocation",
            b.operation
                .operation_location
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str),
        );
        set(&o, "recipients", b.recipients as f64);
        set(&o, "firstIndex", b.first_index as f64);
        operations.push(&o);
    }
    let failed = js_sys::Array::new();
    for b in &outcome.failed {
        let o = Object::new();
        set(&o, "firstIndex", b.first_index as f64);
        set(&o, "recipients", b.recipients as f64);
        set(&o, "error", failure_to_js(&b.failure));
        failed.push(&o);
    }
    let out = Object::new();
    set(&out, "operations", operations);
    set(&out, "failed", failed);
    Ok(out.into())
}

/// Gives the iterator class `[Symbol.asyncIterator]() { return this; }`, once, on its prototype.
/// `Object.prototype.valueOf` is exactly such a function, so no JS needs to be evaluated (which
/// Workers and strict CSPs forbid).
fn make_async_iterable(instance: &JsValue) {
    let proto = Object::get_prototype_of(instance);
    let key: JsValue = js_sys::Symbol::async_iterator().into();
    if Reflect::has(&proto, &key).unwrap_or(true) {
        return;
    }
    let object_proto = Object::get_prototype_of(&Object::new().into());
    if let Ok(value_of) = Reflect::get(&object_proto, &JsValue::from_str("valueOf")) {
        let _ = Reflect::set(&proto, &key, &value_of);
    }
}

struct IterState {
    client: Rc<Client>,
    op: Operation,
    params: Map,
    buffer: VecDeque<Value>,
    next_token: Option<String>,
    started: bool,
    done: bool,
    /// Raised once the buffered items have been yielded.
    pending_error: Option<ApiError>,
}

/// The async iterator returned by `listAll*`: yields items one by one, fetching pages as needed
/// (with the client's retries). It stops after the last page or at the first error (which it
/// throws once, after yielding the items already received).
#[wasm_bindgen(skip_typescript)]
pub struct PageIterator {
    state: Rc<RefCell<IterState>>,
    /// The previous `next()`, so calls made without awaiting run in order.
    last: Option<Promise>,
}

fn iter_result(value: JsValue, done: bool) -> JsValue {
    let out = Object::new();
    set(&out, "value", value);
    set(&out, "done", done);
    out.into()
}

#[wasm_bindgen]
impl PageIterator {
    /// The next item: `{ value, done: false }`, or `{ value: undefined, done: true }`.
    #[wasm_bindgen(js_name = next, skip_typescript)]
    pub fn advance(&mut self) -> Promise {
        let previous = self.last.take();
        let state = self.state.clone();
        let promise = spawn(Box::pin(async move {
            if let Some(p) = previous {
                let _ = JsFuture::from(p).await;
            }
            next_item(&state).await
        }));
        self.last = Some(promise.clone());
        promise
    }

    /// Stops the iteration (called by `break` in `for await`).
    #[wasm_bindgen(js_name = "return", skip_typescript)]
    pub fn finish(&mut self) -> Promise {
        {
            let mut s = self.state.borrow_mut();
            s.done = true;
            s.buffer.clear();
            s.pending_error = None;
        }
        Promise::resolve(&iter_result(JsValue::UNDEFINED, true))
    }
}

async fn next_item(state: &Rc<RefCell<IterState>>) -> Result<JsValue, JsValue> {
    loop {
        let (client, op, params) = {
            let mut s = state.borrow_mut();
            if let Some(item) = s.buffer.pop_front() {
                return Ok(iter_result(value_to_js(&item)?, false));
            }
            if let Some(e) = s.pending_error.take() {
                s.done = true;
                return Err(api_error_to_js(&e, None));
            }
            if s.done {
                return Ok(iter_result(JsValue::UNDEFINED, true));
            }
            let mut params = s.params.clone();
            match &s.next_token {
                Some(t) => {
                    params.insert("pageToken".into(), Value::String(t.clone()));
                }
                None if s.started => {
                    s.done = true;
                    return Ok(iter_result(JsValue::UNDEFINED, true));
                }
                None => {}
            }
            s.started = true;
            (s.client.clone(), s.op, Value::Object(params))
        };
        let result = client.call(op, &params).await;
        let mut s = state.borrow_mut();
        if s.done {
            // `return()` was called meanwhile.
            return Ok(iter_result(JsValue::UNDEFINED, true));
        }
        let page = match result {
            Ok(ApiResult::Page(page)) => page,
            Ok(_) => {
                s.done = true;
                return Err(api_error_to_js(
                    &ApiError::InvalidResponse {
                        status: 200,
                        message: "The list response is not a page.".into(),
                    },
                    None,
                ));
            }
            Err(f) => {
                s.done = true;
                return Err(failure_to_js(&f));
            }
        };
        s.buffer.extend(page.items);
        match (page.next, page.next_page_token) {
            (None, _) => s.next_token = None,
            (Some(_), None) => {
                s.next_token = None;
                s.pending_error = Some(ApiError::InvalidResponse {
                    status: 200,
                    message: "pagination.next is a URL without a pageToken query value, so the next page cannot be requested; the items received so far were returned.".into(),
                });
            }
            (Some(_), Some(token)) if s.next_token.as_deref() == Some(token.as_str()) => {
                s.next_token = None;
                s.pending_error = Some(ApiError::InvalidResponse {
                    status: 200,
                    message: "The API returned the same page token again; stopping instead of looping forever.".into(),
                });
            }
            (Some(_), Some(token)) => s.next_token = Some(token),
        }
        // An empty page with a next token: loop to the next page.
    }
}

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TYPES: &'static str = r#"
/** `ApiConfig` plus the client's transport settings. */
export interface PushClientConfig extends ApiConfig {
  /** Retries after the first attempt, for retryable operations only (0–10, default 3). */
  maxRetries?: number;
  /** Per-attempt timeout in ms, headers and body included (1–600000, default 30000). */
  timeoutMs?: number;
  /** Backoff base in ms (0–60000, default 250). */
  retryBaseMs?: number;
  /** Longest wait between attempts in ms (0–600000, default 10000). A Retry-After longer than this is not waited for. */
  retryMaxMs?: number;
}

/** One accepted batch of `sendPushInBatches`. */
export interface SentBatch extends OperationAccepted {
  /** Recipients in this batch. */
  recipients: number;
  /** Index in `params.to` of this batch's first recipient. */
  firstIndex: number;
}

/** One batch that failed: resend `to.slice(firstIndex, firstIndex + recipients)` if appropriate. */
export interface FailedBatch {
  firstIndex: number;
  recipients: number;
  error: ApiError | InvalidResponseError | NetworkError | TimeoutError;
}

/** Every batch is in exactly one of the two lists. */
export interface BatchSendResult {
  operations: SentBatch[];
  failed: FailedBatch[];
}

/** Params of `sendPushInBatches`: like `SendPushParams`, with any number of recipients. */
export type SendPushInBatchesParams = SendPushParams;

/** The async iterator returned by the `listAll*` methods. */
export interface PageIterator<T> extends AsyncIterableIterator<T> {
  next(): Promise<IteratorResult<T, undefined>>;
  return(): Promise<IteratorResult<T, undefined>>;
  [Symbol.asyncIterator](): PageIterator<T>;
  free(): void;
}

/**
 * A client for the Twilio Push API (or the edge proxy, or the emulator).
 *
 * Each method validates (rejecting with a `ValidationError` before any request), sends with the
 * global `fetch`, and resolves to the typed result or rejects with a coded error.
 * Retries: reads, deletes and `registerDevice` are retried on 429, 503, network errors and
 * timeouts (exponential backoff with full jitter, at least `Retry-After`); `sendPush`,
 * `createCredential`, `updateCredential` and `updateApp` never are. A send has no idempotency
 * key: a retried send could deliver the push twice.
 */
export class PushClient {
  /** @throws {InvalidArgumentError} for an invalid config. */
  constructor(config?: PushClientConfig | null);
  free(): void;
  call<O extends OperationName>(operation: O, params: OperationParams[O]): Promise<OperationResults[O]>;
  sendPush(params: SendPushParams): Promise<OperationAccepted>;
  listPushNotifications(params?: ListPushNotificationsParams | null): Promise<PushNotificationPage>;
  fetchPushNotification(params: FetchPushNotificationParams): Promise<PushNotificationRecord>;
  listOperations(params?: ListOperationsParams | null): Promise<OperationPage>;
  fetchOperation(params: FetchOperationParams): Promise<OperationRecord>;
  listOperationErrors(params: ListOperationErrorsParams): Promise<OperationErrorPage>;
  listDeviceRegistrations(params: ListDeviceRegistrationsParams): Promise<DeviceRegistrationPage>;
  registerDevice(params: RegisterDeviceParams): Promise<CreatedResource>;
  getDeviceRegistration(params: DeviceRegistrationIdParams): Promise<DeviceRegistrationRecord>;
  deleteDeviceRegistration(params: DeviceRegistrationIdParams): Promise<ChangedResource>;
  listCredentials(params?: ListCredentialsParams | null): Promise<CredentialPage>;
  createCredential(params: CreateCredentialParams): Promise<CreatedResource>;
  fetchCredential(params: CredentialIdParams): Promise<CredentialRecord>;
  updateCredential(params: UpdateCredentialParams): Promise<ChangedResource>;
  deleteCredential(params: CredentialIdParams): Promise<ChangedResource>;
  listApps(params?: ListAppsParams | null): Promise<AppPage>;
  fetchApp(params: AppNameParams): Promise<AppRecord>;
  updateApp(params: UpdateAppParams): Promise<ChangedResource>;
  listUsers(params?: ListUsersParams | null): Promise<UserPage>;
  fetchUser(params: UserIdParams): Promise<UserRecord>;
  deleteUser(params: UserIdParams): Promise<ChangedResource>;
  /** @throws {ValidationError} at once for invalid params. */
  listAllPushNotifications(params?: ListPushNotificationsParams | null): PageIterator<PushNotificationRecord>;
  listAllOperations(params?: ListOperationsParams | null): PageIterator<OperationRecord>;
  listAllOperationErrors(params: ListOperationErrorsParams): PageIterator<PushNotificationRecord>;
  listAllDeviceRegistrations(params: ListDeviceRegistrationsParams): PageIterator<DeviceRegistrationRecord>;
  listAllCredentials(params?: ListCredentialsParams | null): PageIterator<CredentialRecord>;
  listAllApps(params?: ListAppsParams | null): PageIterator<AppRecord>;
  listAllUsers(params?: ListUsersParams | null): PageIterator<UserRecord>;
  /**
   * Sends to any number of recipients in batches of at most 10,000. All recipients are validated
   * before the first batch is sent; batches go one after the other and are never retried; a
   * failed batch does not stop the later ones and is listed in `failed`.
   */
  sendPushInBatches(params: SendPushInBatchesParams): Promise<BatchSendResult>;
}
"#;
