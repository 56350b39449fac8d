//! [`ApiError`]: why a request could not be built or the call failed, with a stable code.

use core::fmt;

use serde_json::Value;

use super::{validate, Operation};

/// Why a request could not be built, or why the API call failed. Every variant has a stable
/// [`code`](ApiError::code).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ApiError {
    /// A param broke a rule. `field` is a path such as `to[3].token`; `message` starts with it.
    /// `token_code` is the token core's code when a device token was refused.
    Validation {
        /// Where the broken rule is, e.g. `to[3].token`.
        field: String,
        /// What is wrong, starting with `field`.
        message: String,
        /// The token core's code (e.g. `INVALID_LENGTH`) when a device token was refused.
        token_code: Option<&'static str>,
    },
    /// The API answered with a non-2xx status.
    Api {
        /// The HTTP status.
        status: u16,
        /// Twilio's numeric error code (`code` in the body), e.g. 20429.
        twilio_code: Option<i64>,
        /// Twilio's `message`, or the status line when the body has none.
        message: String,
        /// Twilio's `more_info` link to the error's documentation.
        more_info: Option<String>,
        /// Seconds from the `Retry-After` header (integer seconds or an HTTP date).
        retry_after: Option<u64>,
        /// 429 and 503: the same request may succeed later.
        retryable: bool,
        /// The error body when it was JSON (e.g. a list of field errors).
        body: Option<Box<Value>>,
    },
    /// A 2xx response whose body is not what the operation returns.
    InvalidResponse {
        /// The (2xx) HTTP status.
        status: u16,
        /// What was wrong with the body.
        message: String,
    },
    /// The request did not get a response (connection refused, DNS, CORS, dropped).
    Network {
        /// The transport's own message.
        message: String,
    },
    /// No response within the configured time.
    Timeout {
        /// The limit that was reached, in milliseconds.
        timeout_ms: u32,
        /// A message naming the limit.
        message: String,
    },
    /// A configuration or argument of the wrong type or value.
    InvalidArgument {
        /// The argument or configuration key at fault.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// An operation name that does not exist.
    UnknownOperation {
        /// The name as given.
        name: String,
        /// A message listing the known names.
        message: String,
    },
}

impl ApiError {
    /// Every code [`ApiError::code`] returns.
    pub const CODES: [&'static str; 7] = [
        "VALIDATION_ERROR",
        "API_ERROR",
        "INVALID_RESPONSE",
        "NETWORK_ERROR",
        "TIMEOUT",
        "INVALID_ARGUMENT",
        "UNKNOWN_OPERATION",
    ];

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation { .. } => "VALIDATION_ERROR",
            ApiError::Api { .. } => "API_ERROR",
            ApiError::InvalidResponse { .. } => "INVALID_RESPONSE",
            ApiError::Network { .. } => "NETWORK_ERROR",
            ApiError::Timeout { .. } => "TIMEOUT",
            ApiError::InvalidArgument { .. } => "INVALID_ARGUMENT",
            ApiError::UnknownOperation { .. } => "UNKNOWN_OPERATION",
        }
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        match self {
            ApiError::Validation { message, .. }
            | ApiError::Api { message, .. }
            | ApiError::InvalidResponse { message, .. }
            | ApiError::Network { message }
            | ApiError::Timeout { message, .. }
            | ApiError::InvalidArgument { message, .. }
            | ApiError::UnknownOperation { message, .. } => message,
        }
    }

    /// The field path of a validation or argument error.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Validation { field, .. } | ApiError::InvalidArgument { field, .. } => {
                Some(field)
            }
            _ => None,
        }
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Api { status, .. } | ApiError::InvalidResponse { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// `Retry-After`, in seconds, when the API sent one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn invalid_argument(field: &str, message: &str) -> ApiError {
        ApiError::InvalidArgument {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// The error for an operation name that does not exist.
    pub fn unknown_operation(name: &str) -> ApiError {
        let mut message = String::from("Unknown operation \"");
        message.push_str(&validate::clip(name, 60));
        message.push_str("\". Known operations: ");
        for (i, op) in Operation::ALL.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push_str(op.name());
        }
        message.push('.');
        ApiError::UnknownOperation {
            name: validate::clip(name, 60),
            message,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ApiError {}
