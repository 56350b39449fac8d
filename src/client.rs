//! The HTTP client (wasm32 only): builds a request with [`crate::api`], sends it with gloo-net
//! over the global `fetch` (browsers, Node 20 and workerd alike), reads the response, and
//! retries what is safe to retry.
//!
//! - **Timeouts.** Each attempt has its own timer covering the whole exchange (headers and body);
//!   when it fires the request is aborted with an `AbortController` and the attempt fails with
//!   `TIMEOUT`. Timers are cleared as soon as an attempt ends, so a finished call never keeps a
//!   Node process alive.
//! - **Retries** follow [`crate::api::retry`]: only operations for which
//!   [`Operation::is_retryable`] holds, only on 429/503, network errors and timeouts, with
//!   full-jitter exponential backoff and `Retry-After` as a floor. `sendPush` is never retried:
//!   the API has no idempotency key, so a send that timed out may have been delivered, and a
//!   duplicate push is worse than a reported failure.
//! - **Sleeping** uses `setTimeout` from `globalThis`, which all three runtimes have.
//!
//! The request is created as a `web_sys::Request` from the URL built by `crate::api` (gloo-net's
//! builder would re-serialize the URL and append a stray `&` to an existing query).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::push_notifications::{self, SendBatch};
use crate::api::response::{self, ApiResult, OperationRef};
use crate::api::retry::{self, ClientConfig, RetryDecision};
use crate::api::{build_request, ApiError, HttpRequest, Operation};

/// A failed call: the last error and how many requests were made (0 when nothing was sent).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Why the last attempt failed (or why nothing was sent).
    pub error: ApiError,
    /// Requests made, retries included.
    pub attempts: u32,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure { error, attempts: 0 }
    }
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers the runtime exposes (CORS may hide some in browsers).
    pub headers: Vec<(String, String)>,
    /// The body text.
    pub body: String,
}

/// One accepted batch of [`Client::send_push_in_batches`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentBatch {
    /// Index in the caller's `to` of the batch's first recipient.
    pub first_index: usize,
    /// Number of recipients in the batch.
    pub recipients: usize,
    /// The operation Twilio started for it.
    pub operation: OperationRef,
}

/// One batch that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedBatch {
    /// Index in the caller's `to` of the batch's first recipient.
    pub first_index: usize,
    /// Number of recipients in the batch.
    pub recipients: usize,
    /// Why it failed (after a timeout the batch may still have been delivered).
    pub failure: Failure,
}

/// The outcome of a batched send: every batch is in exactly one of the two lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchOutcome {
    /// The accepted batches, in order.
    pub operations: Vec<SentBatch>,
    /// The failed batches, in order.
    pub failed: Vec<FailedBatch>,
}

/// Sends API requests. Cheap to share behind an `Rc`.
#[derive(Debug, Clone)]
pub struct Client {
    config: ClientConfig,
}

impl Client {
    /// A client sending where `config` says, with its timeout and retry policy.
    pub fn new(config: ClientConfig) -> Client {
        Client { config }
    }

    /// The configuration it sends by.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Validates and builds (no I/O on error), sends with retries, and reads the response.
    pub async fn call(&self, op: Operation, params: &Value) -> Result<ApiResult, Failure> {
        let request = build_request(op, params, &self.config.api)?;
        self.execute(op, &request).await
    }

    /// Sends a built request with the retry policy and reads the response.
    pub async fn execute(
        &self,
        op: Operation,
        request: &HttpRequest,
    ) -> Result<ApiResult, Failure> {
        let mut retries = 0u32;
        loop {
            let outcome = match send_once(request, self.config.timeout_ms).await {
                Ok(raw) => response::parse_response(op, raw.status, &raw.headers, &raw.body),
                Err(e) => Err(e),
            };
            let error = match outcome {
                Ok(result) => return Ok(result),
                Err(e) => e,
            };
            match retry::decide(
                op,
                &error,
                retries,
                &self.config.retry,
                js_sys::Math::random(),
            ) {
                RetryDecision::Retry { delay_ms } => {
                    sleep(delay_ms).await;
                    retries += 1;
                }
                RetryDecision::Stop(_) => {
                    return Err(Failure {
                        error,
                        attempts: retries + 1,
                    })
                }
            }
        }
    }

    /// Sends to any number of recipients in batches of at most 10,000.
    ///
    /// Every batch is built, and so every recipient validated, before the first is sent: one bad
    /// token means nothing is sent. Batches are then sent one after the other, never retried
    /// (like `sendPush`). A failed batch does not stop the later ones — one 503 should not cost
    /// every other recipient their push — and is reported in `failed` with the index range it
    /// covers, so the caller can resend exactly those recipients. Nothing is silently lost: each
    /// batch ends up in `operations` or in `failed`.
    pub async fn send_push_in_batches(&self, params: &Value) -> Result<BatchOutcome, ApiError> {
        let parsed = push_notifications::send_params(params)?;
        let batches = push_notifications::send_batches(
            &parsed,
            &self.config.api,
            crate::api::validate::MAX_RECIPIENTS,
        )?;
        drop(parsed);
        let mut outcome = BatchOutcome::default();
        for SendBatch {
            first_index,
            recipients,
            request,
        } in batches
        {
            match self.execute(Operation::SendPush, &request).await {
                Ok(ApiResult::Accepted(operation)) => outcome.operations.push(SentBatch {
                    first_index,
                    recipients,
                    operation,
                }),
                Ok(_) => outcome.failed.push(FailedBatch {
                    first_index,
                    recipients,
                    failure: Failure {
                        error: ApiError::InvalidResponse {
                            status: 0,
                            message: "Unexpected result for sendPush.".into(),
                        },
                        attempts: 1,
                    },
                }),
                Err(failure) => outcome.failed.push(FailedBatch {
                    first_index,
                    recipients,
                    failure,
                }),
            }
        }
        Ok(outcome)
    }
}

/// `globalThis[name]` as a function.
fn global_function(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

/// Resolves after `ms` milliseconds (at once when `setTimeout` is missing).
pub async fn sleep(ms: u64) {
    let Some(set_timeout) = global_function("setTimeout") else {
        return;
    };
    let delay = JsValue::from_f64(ms.min(u64::from(u32::MAX)) as f64);
    let promise = Promise::new(&mut |resolve, _reject| {
        let _ = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &delay);
    });
    let _ = JsFuture::from(promise).await;
}

/// A `setTimeout` that is cleared when dropped.
struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    fn start(ms: u32, callback: Closure<dyn FnMut()>) -> Option<Timer> {
        let set_timeout = global_function("setTimeout")?;
        let id = set_timeout
            .call2(
                &JsValue::UNDEFINED,
                callback.as_ref().unchecked_ref(),
                &JsValue::from_f64(f64::from(ms)),
            )
            .ok()?;
        Some(Timer {
            id,
            _callback: callback,
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(clear) = global_function("clearTimeout") {
            let _ = clear.call1(&JsValue::UNDEFINED, &self.id);
        }
    }
}

fn js_message(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    Reflect::get(e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Creates the `Request`. A path-only URL (a `/api/v1` base) only resolves in a browser page.
fn make_request(
    r: &HttpRequest,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(r.method);
    let headers = Object::new();
    for (k, v) in &r.headers {
        let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    init.set_headers(&headers);
    if let Some(body) = &r.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(Some(signal));
    web_sys::Request::new_with_str_and_init(&r.url, &init).map_err(|e| {
        let mut message = String::from("Could not create the request to ");
        message.push_str(&crate::api::validate::clip(&r.url, 200));
        message.push_str(": ");
        message.push_str(&js_message(&e));
        message.push_str(". A path-only baseUrl such as /api/v1 works only in a browser page; elsewhere use an absolute URL.");
        ApiError::InvalidArgument {
            field: "config.baseUrl".into(),
            message,
        }
    })
}

/// One attempt: the response, or `NETWORK_ERROR`/`TIMEOUT`.
pub async fn send_once(r: &HttpRequest, timeout_ms: u32) -> Result<RawResponse, ApiError> {
    let network = |why: &str| {
        let mut message = String::from("Network error: ");
        message.push_str(r.method);
        message.push(' ');
        message.push_str(&crate::api::validate::clip(&r.url, 200));
        message.push_str(" got no response (");
        message.push_str(why);
        message.push_str("). Check the base URL, the network and, in a browser, CORS.");
        ApiError::Network { message }
    };
    let controller = web_sys::AbortController::new().map_err(|e| network(&js_message(&e)))?;
    let request = make_request(r, &controller.signal())?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let flag = timed_out.clone();
        let controller = controller.clone();
        Timer::start(
            timeout_ms,
            Closure::new(move || {
                flag.set(true);
                controller.abort();
            }),
        )
    };
    let result = exchange(request).await;
    drop(timer);
    match result {
        Ok(raw) => Ok(raw),
        Err(_) if timed_out.get() => {
            let mut message = String::from("Timeout: ");
            message.push_str(r.method);
            message.push(' ');
            message.push_str(&crate::api::validate::clip(&r.url, 200));
            message.push_str(" got no complete response within ");
            message.push_str(&timeout_ms.to_string());
            message.push_str(" ms (timeoutMs).");
            Err(ApiError::Timeout {
                timeout_ms,
                message,
            })
        }
        Err(why) => Err(network(&why)),
    }
}

async fn exchange(request: web_sys::Request) -> Result<RawResponse, String> {
    let response = gloo_net::http::Request::from(request)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let headers = response.headers().entries().collect();
    let body = response.text().await.map_err(|e| e.to_string())?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}
