//! The admin bearer token, compared in constant time.

/// Compares two byte strings in time that depends only on their lengths, never on where they
/// first differ: every byte of the longer one is visited and differences are OR-ed together.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().max(b.len());
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    diff == 0
}

/// Why a request is not authenticated (the message never repeats what was sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// No `Authorization` header.
    Missing,
    /// An `Authorization` header that is not `Bearer <token>`.
    NotBearer,
    /// A bearer token that is not the admin token.
    Wrong,
}

impl AuthFailure {
    /// The message of the 401 answer.
    pub fn message(self) -> &'static str {
        match self {
            AuthFailure::Missing => "This endpoint needs 'Authorization: Bearer <admin token>'.",
            AuthFailure::NotBearer => "The Authorization header must be 'Bearer <admin token>' (one space, no other scheme).",
            AuthFailure::Wrong => "The admin token is not correct.",
        }
    }
}

/// Checks an `Authorization` header value against the admin token. The scheme is matched
/// case-insensitively (RFC 9110); exactly one space separates it from the token, and the token
/// is compared whole.
pub(crate) fn check_bearer(header: Option<&str>, admin_token: &str) -> Result<(), AuthFailure> {
    let value = header.ok_or(AuthFailure::Missing)?;
    let (scheme, token) = value.split_at_checked(7).ok_or(AuthFailure::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("Bearer ") {
        return Err(AuthFailure::NotBearer);
    }
    if constant_time_eq(token.as_bytes(), admin_token.as_bytes()) {
        Ok(())
    } else {
        Err(AuthFailure::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_whole_strings() {
        assert!(constant_time_eq(b"secret-token", b"secret-token"));
        assert!(!constant_time_eq(b"secret-token", b"secret-tokeN"));
        assert!(!constant_time_eq(b"secret-token", b"secret-toke"));
        assert!(!constant_time_eq(b"secret-token", b"secret-token2"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
        // A prefix of the right token with trailing zero bytes is still different.
        assert!(!constant_time_eq(b"abc\0", b"abc"));
    }

    #[test]
    fn bearer_header_variants() {
        let t = "0123456789abcdef";
        assert_eq!(check_bearer(Some("Bearer 0123456789abcdef"), t), Ok(()));
        assert_eq!(check_bearer(Some("bearer 0123456789abcdef"), t), Ok(()));
        assert_eq!(check_bearer(None, t), Err(AuthFailure::Missing));
        assert_eq!(
            check_bearer(Some("Basic 0123456789abcdef"), t),
            Err(AuthFailure::NotBearer)
        );
        assert_eq!(check_bearer(Some("Bearer"), t), Err(AuthFailure::NotBearer));
        assert_eq!(
            check_bearer(Some("Bearer  0123456789abcdef"), t),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(
            check_bearer(Some("Bearer 0123456789abcdeF"), t),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(
            check_bearer(Some("Bearer 0123456789abcdef "), t),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(
            check_bearer(Some("Bearer 0123456789"), t),
            Err(AuthFailure::Wrong)
        );
        assert_eq!(check_bearer(Some("Bearer é"), t), Err(AuthFailure::Wrong));
    }
}
