//! Every way the matrix calls a protected route, with the verdict each must get and why.

use std::fmt;

/// A channel the matrix offers the right secret on when the route does not declare it: a
/// handler that also accepts the token there has a second way in nobody reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// `?token=<secret>`.
    QueryToken,
    /// `?access_token=<secret>`.
    QueryAccessToken,
    /// `?api_key=<secret>`.
    QueryApiKey,
    /// `cookie: token=<secret>`.
    Cookie,
    /// `Authorization: Basic base64(api:<secret>)`: the token as the password.
    Basic,
    /// `Authorization: Basic base64(<secret>:)`: the token as the user, as API keys often
    /// travel (`curl -u <key>:`).
    BasicUser,
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// `X-Api-Key: <secret>`.
    XApiKey,
    /// `Api-Key: <secret>`.
    ApiKey,
    /// `X-Auth-Token: <secret>`.
    XAuthToken,
}

impl Channel {
    /// Every channel, in report order.
    pub const ALL: [Channel; 10] = [
        Self::QueryToken,
        Self::QueryAccessToken,
        Self::QueryApiKey,
        Self::Cookie,
        Self::Basic,
        Self::BasicUser,
        Self::Bearer,
        Self::XApiKey,
        Self::ApiKey,
        Self::XAuthToken,
    ];

    /// The header that carries the bare token on this channel, if it is one of those.
    pub(crate) fn api_key_header(self) -> Option<&'static str> {
        match self {
            Self::XApiKey => Some("x-api-key"),
            Self::ApiKey => Some("api-key"),
            Self::XAuthToken => Some("x-auth-token"),
            _ => None,
        }
    }

    /// The channel as the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Self::QueryToken => "query token",
            Self::QueryAccessToken => "query access_token",
            Self::QueryApiKey => "query api_key",
            Self::Cookie => "cookie token",
            Self::Basic => "Basic",
            Self::BasicUser => "Basic user",
            Self::Bearer => "Bearer header",
            Self::XApiKey => "X-Api-Key header",
            Self::ApiKey => "Api-Key header",
            Self::XAuthToken => "X-Auth-Token header",
        }
    }
}

/// One way of calling a protected route. Which scenarios run depends on the credential kind;
/// each says what it must get:
///
/// - **rejected** (any 4xx by default): a wrong, malformed, tampered or expired credential;
/// - **accepted** (any 2xx by default): the right one;
/// - **fails closed** (any 5xx by default, never 2xx): the secret cannot be read;
/// - **never let in** (anything but 2xx): an empty credential, or a signature made with an
///   empty key, while the secret is missing, while the store fails and with the binding
///   unbound — what gets in when a handler treats an unreadable secret as `""`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// No credential at all. Rejected.
    NoCredentials,
    /// The credential present but empty (header value `""`, `?token=`, `token=`, an empty
    /// signature header). Rejected.
    EmptyCredential,
    /// The scheme alone (`Bearer`), no token. Rejected.
    SchemeOnly,
    /// The right token without its scheme. Rejected.
    TokenWithoutScheme,
    /// The right token after another scheme (`Basic` for `Bearer`, and the reverse). Rejected.
    WrongScheme,
    /// The scheme in lower case. Rejected, or accepted when the route says the scheme is
    /// case-insensitive.
    SchemeLowerCase,
    /// The scheme in upper case. As [`SchemeLowerCase`](Self::SchemeLowerCase).
    SchemeUpperCase,
    /// Basic: the right password with another user. Rejected.
    WrongUser,
    /// A different token of the same length. Rejected.
    WrongToken,
    /// The token without its last character. Rejected (catches prefix compares).
    Prefix,
    /// The token without its first character. Rejected (catches suffix compares).
    Suffix,
    /// The token with one character appended. Rejected (catches `starts_with` compares).
    Extended,
    /// The token with its middle character changed. Rejected.
    OneCharChanged,
    /// The token with the case of every ASCII letter swapped. Rejected.
    OtherCase,
    /// The token with a space before it. Rejected (catches trimming).
    LeadingWhitespace,
    /// The token with a space after it. Rejected.
    TrailingWhitespace,
    /// The signature header holds the prefix alone (`sha256=`). Rejected (catches compares
    /// by prefix, which accept the empty signature).
    SignaturePrefixOnly,
    /// The right signature without its prefix. Rejected.
    SignatureWithoutPrefix,
    /// The right signature after another prefix or algorithm (`sha1=`, `v0=`). Rejected.
    SignatureWrongPrefix,
    /// A signature made with another secret of the same length. Rejected.
    SignedWithAnotherSecret,
    /// The right signature for the body, sent with a changed body. Rejected.
    BodyChangedAfterSigning,
    /// The right signature less its last character. Rejected (catches prefix compares).
    SignatureOneCharShort,
    /// The right signature plus one character. Rejected (catches `starts_with` compares).
    SignatureOneCharLong,
    /// The right signature in upper-case hex when the scheme says lower case. Rejected.
    SignatureUpperCaseHex,
    /// The right signature over a JSON body whose bytes are not in the form a serializer
    /// writes (spaces, a trailing newline). Accepted: only a handler that signs the raw bytes
    /// gets this right; one that re-serializes the parsed body computes another signature.
    RawBodyNotReserialized,
    /// A correct signature at a timestamp older than the tolerance. Rejected (catches
    /// handlers that never check the timestamp: a replayed request).
    TimestampExpired,
    /// A correct signature at a timestamp further ahead than the tolerance. Rejected.
    TimestampInTheFuture,
    /// A signature made at "now", sent with the timestamp changed by one second. Rejected
    /// (the timestamp must be part of what is signed).
    TimestampChangedAfterSigning,
    /// A correct signature at a timestamp inside the tolerance, but not "now". Accepted.
    TimestampWithinTolerance,
    /// GitHub's legacy header alone: `X-Hub-Signature: sha1=<HMAC-SHA1 of the body>`, right
    /// for the secret. Rejected (catches handlers that fall back to SHA-1). Only on a
    /// GitHub-style route (`X-Hub-Signature-256`).
    SignatureLegacySha1,
    /// A near miss the test gave a custom credential (by index, in the order given).
    /// Rejected.
    CustomNearMiss(u8),
    /// The right credential. Accepted.
    RightCredential,
    /// The right credential, while the secret is deleted from the store. Fails closed.
    SecretMissing,
    /// The right credential, while every read of the store fails. Fails closed.
    StoreFailing,
    /// Adversarial: the right secret on a channel the route does not declare, the declared
    /// credential absent. Rejected.
    OtherChannel(Channel),
    /// Adversarial: the right credential, with the handler run against an env without the
    /// binding (a deployment that forgot it). Fails closed.
    BindingUnbound,
    /// Adversarial: an empty credential while the secret is missing. Never let in.
    EmptyCredentialWhileMissing,
    /// Adversarial: a signature made with an empty key while the secret is missing. Never
    /// let in.
    EmptyKeyWhileMissing,
    /// Adversarial: an empty credential while every read of the store fails. Never let in.
    EmptyCredentialWhileFailing,
    /// Adversarial: an empty credential with the handler run against an env without the
    /// binding. Never let in.
    EmptyCredentialWhileUnbound,
    /// Adversarial: a signature made with an empty key while every read of the store fails.
    /// Never let in.
    EmptyKeyWhileFailing,
    /// Adversarial: a signature made with an empty key with the handler run against an env
    /// without the binding. Never let in.
    EmptyKeyWhileUnbound,
    /// The right credential while another secret the route reads (declared with
    /// [`also_reads`](super::ProtectedRoute::also_reads), or read on the right credential's
    /// run) is deleted — for a classic secret: gone from `env`, as after `wrangler secret
    /// delete`. By index among the route's other secrets; the report names it
    /// (`PARTNER_API_KEY missing`). Fails closed, and no outbound request goes where that
    /// secret may go (it would carry an empty or stale key).
    OtherSecretMissing(u8),
    /// The right credential while every read of another secret the route reads fails. As
    /// [`OtherSecretMissing`](Self::OtherSecretMissing).
    OtherSecretFailing(u8),
    /// The right credential with the handler run against an env without another Secrets
    /// Store binding the route reads. As [`OtherSecretMissing`](Self::OtherSecretMissing); not
    /// applicable to a classic secret (deleted, it is unbound: that is its missing case).
    OtherSecretUnbound(u8),
}

impl Scenario {
    /// The stable name used in reports and failure messages (a custom near miss is named by
    /// its label in the report).
    pub fn name(self) -> &'static str {
        match self {
            Self::NoCredentials => "no credentials",
            Self::EmptyCredential => "empty credential",
            Self::SchemeOnly => "malformed: scheme only",
            Self::TokenWithoutScheme => "malformed: token without scheme",
            Self::WrongScheme => "wrong scheme",
            Self::SchemeLowerCase => "scheme case: lower",
            Self::SchemeUpperCase => "scheme case: upper",
            Self::WrongUser => "wrong user",
            Self::WrongToken => "wrong token",
            Self::Prefix => "near miss: prefix",
            Self::Suffix => "near miss: suffix",
            Self::Extended => "near miss: one extra character",
            Self::OneCharChanged => "near miss: one character changed",
            Self::OtherCase => "near miss: other case",
            Self::LeadingWhitespace => "near miss: leading whitespace",
            Self::TrailingWhitespace => "near miss: trailing whitespace",
            Self::SignaturePrefixOnly => "malformed: prefix only",
            Self::SignatureWithoutPrefix => "malformed: signature without prefix",
            Self::SignatureWrongPrefix => "wrong prefix or algorithm",
            Self::SignedWithAnotherSecret => "signed with another secret",
            Self::BodyChangedAfterSigning => "body changed after signing",
            Self::SignatureOneCharShort => "signature one character short",
            Self::SignatureOneCharLong => "signature one character long",
            Self::SignatureUpperCaseHex => "signature in upper-case hex",
            Self::RawBodyNotReserialized => "raw body: non-canonical JSON",
            Self::TimestampExpired => "timestamp: older than the tolerance",
            Self::TimestampInTheFuture => "timestamp: ahead of the tolerance",
            Self::TimestampChangedAfterSigning => "timestamp changed after signing",
            Self::TimestampWithinTolerance => "timestamp: within the tolerance",
            Self::SignatureLegacySha1 => "legacy SHA-1 signature",
            Self::CustomNearMiss(_) => "near miss",
            Self::RightCredential => "right credential",
            Self::SecretMissing => "secret missing",
            Self::StoreFailing => "store failing",
            Self::OtherChannel(channel) => match channel {
                Channel::QueryToken => "other channel: query token",
                Channel::QueryAccessToken => "other channel: query access_token",
                Channel::QueryApiKey => "other channel: query api_key",
                Channel::Cookie => "other channel: cookie",
                Channel::Basic => "other channel: Basic",
                Channel::BasicUser => "other channel: Basic user",
                Channel::Bearer => "other channel: Bearer header",
                Channel::XApiKey => "other channel: X-Api-Key",
                Channel::ApiKey => "other channel: Api-Key",
                Channel::XAuthToken => "other channel: X-Auth-Token",
            },
            Self::BindingUnbound => "binding unbound",
            Self::EmptyCredentialWhileMissing => "empty credential while secret missing",
            Self::EmptyKeyWhileMissing => "empty-key signature while secret missing",
            Self::EmptyCredentialWhileFailing => "empty credential while store failing",
            Self::EmptyCredentialWhileUnbound => "empty credential while binding unbound",
            Self::EmptyKeyWhileFailing => "empty-key signature while store failing",
            Self::EmptyKeyWhileUnbound => "empty-key signature while binding unbound",
            Self::OtherSecretMissing(_) => "other secret missing",
            Self::OtherSecretFailing(_) => "other secret failing",
            Self::OtherSecretUnbound(_) => "other secret unbound",
        }
    }

    /// The scenario as Rust names it, for hints that show the call to write:
    /// `Scenario::OtherChannel(Channel::QueryToken)`.
    pub(crate) fn rust_path(self) -> String {
        match self {
            Self::OtherChannel(channel) => format!("Scenario::OtherChannel(Channel::{channel:?})"),
            other => format!("Scenario::{other:?}"),
        }
    }

    /// Whether this scenario is one of the adversarial ones (on by default, off with
    /// [`ProtectedRoute::without_adversarial`](super::ProtectedRoute::without_adversarial)).
    pub fn is_adversarial(self) -> bool {
        matches!(
            self,
            Self::OtherChannel(_)
                | Self::BindingUnbound
                | Self::EmptyCredentialWhileMissing
                | Self::EmptyKeyWhileMissing
                | Self::EmptyCredentialWhileFailing
                | Self::EmptyCredentialWhileUnbound
                | Self::EmptyKeyWhileFailing
                | Self::EmptyKeyWhileUnbound
        )
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a scenario must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A wrong credential: refused.
    Rejected,
    /// The right credential: let in.
    Accepted,
    /// The secret cannot be read: a server error, never success.
    FailsClosed,
    /// Anything but success.
    NeverLetIn,
}
