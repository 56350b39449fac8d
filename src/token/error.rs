//! Token errors: a stable machine code, a message a person can act on, and a position.
//!
//! The error is cheap to build on the hot path (an enum with a few integers); the human
//! message is only formatted when somebody asks for it through [`core::fmt::Display`].

use core::fmt::{self, Write};

use super::Provider;

/// Things that are not push tokens but are often pasted where one belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lookalike {
    /// A 40-hex-digit device UDID.
    Udid,
    /// An `identifierForVendor` / UUID in 8-4-4-4-12 form.
    Uuid,
    /// An Expo push token, `ExponentPushToken[…]`.
    ExpoPushToken,
    /// A Web Push subscription (`{"endpoint": …, "keys": …}`) or its endpoint URL.
    WebPushSubscription,
    /// A 22-character Firebase Installation ID, which is not a registration token.
    FirebaseInstallationId,
}

impl Lookalike {
    /// A short stable name, used in JS as `error.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Lookalike::Udid => "udid",
            Lookalike::Uuid => "uuid",
            Lookalike::ExpoPushToken => "expoPushToken",
            Lookalike::WebPushSubscription => "webPushSubscription",
            Lookalike::FirebaseInstallationId => "firebaseInstallationId",
        }
    }
}

/// Why a string could not be classified, so the message can say something useful.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownHint {
    /// Nothing recognisable.
    Nothing,
    /// Starts with `<` but the closing `>` is missing: the value was cut off.
    UnclosedBracket,
    /// Starts like an iOS 13 `{length = …, bytes = 0x…}` description but does not parse.
    MalformedDescription,
    /// Neither the provider nor the shape says which kind of token this is.
    Ambiguous,
}

/// What was wrong with a token. Matching on this is stable; new variants may be added.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// A character that cannot appear in this kind of token.
    InvalidCharacter {
        /// The first character that cannot appear.
        character: char,
        /// The provider the token was read as.
        provider: Provider,
    },
    /// An odd number of hex digits: one digit is missing or extra.
    OddLength {
        /// How many hex digits there are.
        digits: usize,
    },
    /// Fewer bytes (APNs) or characters (FCM) than any real token has.
    TooShort {
        /// The provider the token was read as.
        provider: Provider,
        /// Its length: bytes for APNs, characters for FCM.
        length: usize,
    },
    /// More bytes (APNs) or characters (FCM) than any real token has.
    TooLong {
        /// The provider the token was read as.
        provider: Provider,
        /// Its length: bytes for APNs, characters for FCM.
        length: usize,
    },
    /// The iOS 13 `{length = 32, bytes = 0x… ... …}` description: the middle bytes are gone.
    TruncatedDescription,
    /// Swift's `Data.description`, `32 bytes`: the token itself was never included.
    DescriptionWithoutBytes {
        /// The byte count the description gives.
        declared: usize,
    },
    /// An NSData description whose declared length disagrees with the bytes it shows.
    LengthMismatch {
        /// The length the description declares.
        declared: usize,
        /// The bytes it shows.
        actual: usize,
    },
    /// Clearly the other provider's token.
    ProviderMismatch {
        /// The provider the caller said.
        expected: Provider,
        /// The provider the token looks like.
        likely: Provider,
    },
    /// Something that is often mistaken for a push token.
    NotAPushToken(Lookalike),
    /// None of the known forms.
    UnknownFormat(UnknownHint),
}

/// A token that could not be accepted: see [`TokenError::code`], the `Display` message, and
/// [`TokenError::position`]. Two equal errors have the same message, so a batch can build each
/// distinct message once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    kind: TokenErrorKind,
    position: Option<usize>,
}

impl TokenError {
    pub(crate) fn new(kind: TokenErrorKind) -> Self {
        TokenError {
            kind,
            position: None,
        }
    }

    /// An error located at byte offset `byte_offset` of `input`; the stored position is the
    /// character (Unicode scalar) index, which is what a person or an editor counts.
    pub(crate) fn at(kind: TokenErrorKind, input: &str, byte_offset: usize) -> Self {
        let prefix = input.get(..byte_offset).unwrap_or(input);
        TokenError {
            kind,
            position: Some(prefix.chars().count()),
        }
    }

    /// What went wrong, as data.
    pub fn kind(&self) -> &TokenErrorKind {
        &self.kind
    }

    /// 0-based index, in characters (Unicode scalar values), of the offending character or of the
    /// place where the problem starts, when there is one. For ASCII input (every real token) this
    /// is also the JavaScript string index.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// The stable machine-readable code, e.g. `INVALID_CHARACTER`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            TokenErrorKind::Empty => "EMPTY",
            TokenErrorKind::InvalidCharacter { .. } => "INVALID_CHARACTER",
            TokenErrorKind::OddLength { .. } => "ODD_LENGTH",
            TokenErrorKind::TooShort { .. } => "TOO_SHORT",
            TokenErrorKind::TooLong { .. } => "TOO_LONG",
            TokenErrorKind::TruncatedDescription => "TRUNCATED_DESCRIPTION",
            TokenErrorKind::DescriptionWithoutBytes { .. } => "DESCRIPTION_WITHOUT_BYTES",
            TokenErrorKind::LengthMismatch { .. } => "LENGTH_MISMATCH",
            TokenErrorKind::ProviderMismatch { .. } => "PROVIDER_MISMATCH",
            TokenErrorKind::NotAPushToken(_) => "NOT_A_PUSH_TOKEN",
            TokenErrorKind::UnknownFormat(_) => "UNKNOWN_FORMAT",
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TokenErrorKind::*;
        match &self.kind {
            Empty => f.write_str("The token is empty. Send the device token string the app received from APNs or FCM."),
            InvalidCharacter { character, provider } => {
                write!(f, "Character {}", Quoted(*character))?;
                if let Some(p) = self.position {
                    write!(f, " at position {p}")?;
                }
                match provider {
                    Provider::Apn => f.write_str(" is not a hex digit. APNs tokens are hex digits (0-9, a-f), optionally in <…> groups")?,
                    Provider::Fcm => f.write_str(" cannot appear in an FCM registration token, which uses only letters, digits, '-', '_' and ':'")?,
                }
                if !character.is_ascii() {
                    f.write_str("; it is not ASCII, so it is probably a look-alike introduced by copy and paste or a word processor")?;
                }
                f.write_str(".")
            }
            OddLength { digits } => write!(f, "The token has {digits} hex digits, an odd number: a digit is missing or extra. Every byte is two hex digits; copy the whole token again."),
            TooShort { provider: Provider::Apn, length } => write!(f, "The token is {length} bytes long; APNs tokens are at least 32 bytes (64 hex digits). It was probably cut off: copy the whole token again."),
            TooShort { provider: Provider::Fcm, length } => write!(f, "The token is {length} characters long; FCM registration tokens are about 140 to 180 characters. It was probably cut off: copy the whole token again."),
            TooLong { provider: Provider::Apn, length } => write!(f, "The token is {length} bytes long; APNs tokens are at most 100 bytes (200 hex digits). Check that only one token was pasted."),
            TooLong { provider: Provider::Fcm, length } => write!(f, "The token is {length} characters long; FCM tokens are at most 4096 characters. Check that only one token was pasted."),
            TruncatedDescription => f.write_str("This is the iOS 13 description of the token's Data ({length = 32, bytes = 0x… ... …}): iOS shows only the first and last bytes and replaces the middle with '...', so the token is lost and cannot be recovered. Fix the app to send the hex of the bytes: deviceToken.map { String(format: \"%02x\", $0) }.joined()."),
            DescriptionWithoutBytes { declared } => write!(f, "'{declared} bytes' is Swift's description of the token's Data and does not contain the token itself. Fix the app to send the hex of the bytes: deviceToken.map {{ String(format: \"%02x\", $0) }}.joined()."),
            LengthMismatch { declared, actual } => write!(f, "The description says length = {declared} but shows {actual} bytes: part of the token is missing or extra. Send the hex of the token's bytes instead of its description."),
            ProviderMismatch { expected, likely } => write!(f, "This looks like {} token, not {} token: register it with provider \"{}\".", likely.article_name(), expected.article_name(), likely.as_str()),
            NotAPushToken(l) => f.write_str(match l {
                Lookalike::Udid => "40 hex digits is a device UDID, not a push token. Use the token from didRegisterForRemoteNotificationsWithDeviceToken.",
                Lookalike::Uuid => "This is a UUID (for example identifierForVendor), not a push token. Use the token from didRegisterForRemoteNotificationsWithDeviceToken or FCM getToken().",
                Lookalike::ExpoPushToken => "This is an Expo push token (ExponentPushToken[…]), which only Expo's push service understands. Use getDevicePushTokenAsync() to get the native APNs or FCM token.",
                Lookalike::WebPushSubscription => "This is a Web Push subscription (endpoint and keys), not an FCM token. For web browsers, get an FCM registration token with the Firebase JS SDK's getToken().",
                Lookalike::FirebaseInstallationId => "This is a 22-character Firebase Installation ID, not an FCM registration token. Use the token from FirebaseMessaging getToken().",
            }),
            UnknownFormat(hint) => f.write_str(match hint {
                UnknownHint::Nothing => "This is not a form of push token we recognise: APNs tokens are hex (64 digits for 32 bytes), FCM tokens look like 'abc…:APA91b…'.",
                UnknownHint::UnclosedBracket => "The token starts with '<' but has no closing '>': it was probably cut off. Copy the whole token again.",
                UnknownHint::MalformedDescription => "This starts like an iOS 13 '{length = …, bytes = 0x…}' description but cannot be read. Send the hex of the token's bytes instead.",
                UnknownHint::Ambiguous => "This could be more than one kind of token; say which provider it is for (\"APN\" or \"FCM\").",
            }),
        }
    }
}

impl std::error::Error for TokenError {}

/// Shows a character so that invisible and look-alike ones can be told apart.
struct Quoted(char);

impl fmt::Display for Quoted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        // `write_char` rather than `{c}`: the same text without core's padding-aware `Display`
        // for `char`.
        if c.is_ascii_graphic() {
            f.write_char('\'')?;
            f.write_char(c)?;
            f.write_char('\'')
        } else if c.is_control() || c.is_whitespace() || c.is_ascii() {
            write!(f, "U+{:04X}", c as u32)
        } else {
            f.write_char('\'')?;
            f.write_char(c)?;
            write!(f, "' (U+{:04X})", c as u32)
        }
    }
}
