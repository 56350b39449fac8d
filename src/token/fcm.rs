//! FCM registration tokens, legacy GCM tokens, and the look-alikes people paste by mistake.

use super::{
    apns, Canonical, Located, Lookalike, Parsed, Provider, TokenError, TokenErrorKind, TokenFormat,
    Warning, Warnings, FCM_MAX_CHARS, FCM_MIN_CHARS,
};

/// The start of every GCM/FCM registration token's main part.
const APA91B: &str = "APA91b";

fn is_fcm_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':'
}

/// Things that are certainly not push tokens, whatever provider was asked for.
pub(crate) fn detect_lookalike(loc: &Located<'_>) -> Option<TokenError> {
    let s = loc.s;
    // Swift's `Data.description`: "32 bytes".
    if let Some(n) = s.strip_suffix("bytes").map(str::trim_end) {
        if !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()) {
            let declared = n.parse().unwrap_or(0);
            return Some(TokenError::new(TokenErrorKind::DescriptionWithoutBytes {
                declared,
            }));
        }
    }
    let kind = if s.starts_with("ExponentPushToken[") || s.starts_with("ExpoPushToken[") {
        Lookalike::ExpoPushToken
    } else if s.starts_with("https://") || s.starts_with("http://") {
        Lookalike::WebPushSubscription
    } else if is_uuid(s) {
        Lookalike::Uuid
    } else if is_installation_id(s) {
        Lookalike::FirebaseInstallationId
    } else {
        return None;
    };
    Some(TokenError::new(TokenErrorKind::NotAPushToken(kind)))
}

/// 8-4-4-4-12 hex digits.
fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => apns::is_hex(c),
        })
}

/// `^[cdef][A-Za-z0-9_-]{21}$`, and not plain hex (which is a too-short APNs token instead).
fn is_installation_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 22
        && matches!(b[0], b'c' | b'd' | b'e' | b'f')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        && !b.iter().all(|&c| apns::is_hex(c))
}

/// Recognises a string shaped like an FCM or GCM token (`…:APA91b…` or `APA91b…`), whatever
/// provider was asked for: the caller turns a shape mismatch into `PROVIDER_MISMATCH`.
pub(crate) fn parse_fcm_shaped<'a>(
    loc: &Located<'a>,
    provider: Option<Provider>,
) -> Result<Option<Parsed<'a>>, TokenError> {
    let s = loc.s;
    let format = if s.starts_with(APA91B) {
        TokenFormat::Gcm
    } else if s
        .bytes()
        .position(|b| b == b':')
        .and_then(|colon| s.get(colon + 1..))
        .is_some_and(|rest| rest.starts_with(APA91B))
    {
        TokenFormat::Fcm
    } else {
        return Ok(None);
    };
    if provider == Some(Provider::Apn) {
        // Report the mismatch even if the FCM token itself is damaged: it is the clearer news.
        return Err(TokenError::new(TokenErrorKind::ProviderMismatch {
            expected: Provider::Apn,
            likely: Provider::Fcm,
        }));
    }
    let mut warnings = Warnings::empty();
    if format == TokenFormat::Gcm {
        warnings.add(Warning::LegacyGcm);
    }
    check_fcm(loc, format, warnings).map(Some)
}

/// A token the caller says is FCM but which has no FCM shape: accepted with a warning if it
/// could be one, refused if it is clearly an APNs token.
pub(crate) fn parse_declared_fcm<'a>(loc: &Located<'a>) -> Result<Parsed<'a>, TokenError> {
    if let Ok(apns) = apns::parse_text(loc, Some(Provider::Apn)) {
        let short_base64 = matches!(apns.format, TokenFormat::Base64 | TokenFormat::Base64Url)
            && loc.s.len() < FCM_MIN_CHARS;
        if apns.format == TokenFormat::Hex || short_base64 {
            return Err(TokenError::new(TokenErrorKind::ProviderMismatch {
                expected: Provider::Fcm,
                likely: Provider::Apn,
            }));
        }
    }
    let mut warnings = Warnings::empty();
    warnings.add(Warning::UnrecognizedFcmShape);
    check_fcm(loc, TokenFormat::Fcm, warnings)
}

/// Character set and length of an FCM token; the token itself is kept exactly.
fn check_fcm<'a>(
    loc: &Located<'a>,
    format: TokenFormat,
    warnings: Warnings,
) -> Result<Parsed<'a>, TokenError> {
    let s = loc.s;
    if let Some(i) = s.bytes().position(|b| !is_fcm_char(b)) {
        return Err(loc.invalid_at(i, Provider::Fcm));
    }
    if s.len() < FCM_MIN_CHARS {
        return Err(TokenError::new(TokenErrorKind::TooShort {
            provider: Provider::Fcm,
            length: s.len(),
        }));
    }
    if s.len() > FCM_MAX_CHARS {
        return Err(TokenError::new(TokenErrorKind::TooLong {
            provider: Provider::Fcm,
            length: s.len(),
        }));
    }
    Ok(Parsed {
        provider: Provider::Fcm,
        format,
        byte_len: None,
        warnings,
        canonical: Canonical::Verbatim(s),
    })
}
