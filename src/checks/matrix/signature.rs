//! Signed-body credentials, as configured: an HMAC-SHA256 of the request keyed with the
//! secret, as GitHub, Stripe and Slack send it, or in a form the test describes — and how to
//! sign and present one. Planned by `signature_plan.rs`.

use std::fmt::Write as _;

use crate::codec::hmac::{hmac_sha1, hmac_sha256};
use crate::codec::{Case, base64, hex};

/// A request a signature can be put on (`TestRequest`, in `signature_plan.rs`): signing
/// only needs to add headers, so this configuration file knows no request type.
pub(crate) trait TakesHeaders: Sized {
    /// The request with `name: value` added.
    fn with_header(self, name: &str, value: String) -> Self;
}

/// How the signature's bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureEncoding {
    /// Lower-case hex, as GitHub, Stripe and Slack send it; upper case must be rejected.
    LowerHex,
    /// Standard, padded base64 (Shopify, Twilio).
    Base64,
}

/// One piece of the text that is signed, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedPart {
    /// Literal text (`"v0:"`, `"."`).
    Text(String),
    /// The request's timestamp, in decimal Unix seconds.
    Timestamp,
    /// The raw body bytes.
    Body,
}

/// Where the timestamp travels.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TimestampAt {
    /// In a header of its own (Slack's `X-Slack-Request-Timestamp`).
    Header(String),
    /// In the signature header, as `t=<ts>,<prefix><signature>` (Stripe).
    SignatureHeader,
}

/// An HMAC-SHA256 signature of the request, keyed with the secret: the credential of signed
/// webhooks. Start from [`github`](Self::github), [`stripe`](Self::stripe),
/// [`slack`](Self::slack), or [`hmac_sha256`](Self::hmac_sha256) for your own header.
///
/// ```
/// use devflare_test::matrix::{Signature, SignedPart};
///
/// // Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC of the body>`.
/// let shopify = Signature::hmac_sha256("X-Shopify-Hmac-Sha256").base64();
/// // A timestamped scheme of your own: `X-Sig: t1=<hex>` over `"<ts>|<body>"`.
/// let own = Signature::hmac_sha256("X-Sig")
///     .prefix("t1=")
///     .timestamp_header("X-Sig-Timestamp")
///     .signs([SignedPart::Timestamp, SignedPart::Text("|".into()), SignedPart::Body])
///     .tolerance_secs(120);
/// # let _ = (shopify, own);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    header: String,
    prefix: String,
    wrong_prefix: Option<String>,
    encoding: SignatureEncoding,
    signed: Vec<SignedPart>,
    timestamp: Option<TimestampAt>,
    tolerance_secs: u64,
}

impl Signature {
    /// A signature in `header`: lower-case hex HMAC-SHA256 of the raw body, no prefix, no
    /// timestamp. Adjust with the other methods.
    pub fn hmac_sha256(header: impl Into<String>) -> Self {
        Self {
            header: header.into(),
            prefix: String::new(),
            wrong_prefix: None,
            encoding: SignatureEncoding::LowerHex,
            signed: vec![SignedPart::Body],
            timestamp: None,
            tolerance_secs: 300,
        }
    }

    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body.
    pub fn github() -> Self {
        Self::hmac_sha256("X-Hub-Signature-256")
            .prefix("sha256=")
            .wrong_prefix("sha1=")
    }

    /// Stripe: `Stripe-Signature: t=<ts>,v1=<hex>` over `"<ts>.<body>"`, with a 300-second
    /// tolerance.
    pub fn stripe() -> Self {
        Self {
            timestamp: Some(TimestampAt::SignatureHeader),
            ..Self::hmac_sha256("Stripe-Signature")
                .prefix("v1=")
                .wrong_prefix("v0=")
                .signs([
                    SignedPart::Timestamp,
                    SignedPart::Text(".".to_owned()),
                    SignedPart::Body,
                ])
        }
    }

    /// Slack: `X-Slack-Signature: v0=<hex>` over `"v0:<ts>:<body>"`, the timestamp in
    /// `X-Slack-Request-Timestamp`, with a 300-second tolerance.
    pub fn slack() -> Self {
        Self::hmac_sha256("X-Slack-Signature")
            .prefix("v0=")
            .wrong_prefix("v1=")
            .timestamp_header("X-Slack-Request-Timestamp")
            .signs([
                SignedPart::Text("v0:".to_owned()),
                SignedPart::Timestamp,
                SignedPart::Text(":".to_owned()),
                SignedPart::Body,
            ])
    }

    /// Text before the signature in its header (`sha256=`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Another prefix or algorithm the handler must refuse (`sha1=` for `sha256=`). By
    /// default one is derived from the prefix.
    pub fn wrong_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.wrong_prefix = Some(prefix.into());
        self
    }

    /// Base64 instead of lower-case hex.
    pub fn base64(mut self) -> Self {
        self.encoding = SignatureEncoding::Base64;
        self
    }

    /// Lower-case hex (the default).
    pub fn hex(mut self) -> Self {
        self.encoding = SignatureEncoding::LowerHex;
        self
    }

    /// What is signed, piece by piece (default: the body alone).
    pub fn signs(mut self, parts: impl IntoIterator<Item = SignedPart>) -> Self {
        self.signed = parts.into_iter().collect();
        self
    }

    /// The header that carries the timestamp.
    pub fn timestamp_header(mut self, name: impl Into<String>) -> Self {
        self.timestamp = Some(TimestampAt::Header(name.into()));
        self
    }

    /// How far from "now" a timestamp may be, in seconds (default 300).
    pub fn tolerance_secs(mut self, secs: u64) -> Self {
        self.tolerance_secs = secs;
        self
    }

    /// The header that carries the signature.
    pub(crate) fn header(&self) -> &str {
        &self.header
    }

    /// The header that carries the timestamp, when it has its own.
    pub(crate) fn timestamp_header_name(&self) -> Option<&str> {
        match &self.timestamp {
            Some(TimestampAt::Header(name)) => Some(name),
            _ => None,
        }
    }

    pub(crate) fn tolerance(&self) -> u64 {
        self.tolerance_secs
    }

    pub(crate) fn is_timestamped(&self) -> bool {
        self.timestamp.is_some()
    }

    pub(crate) fn signs_timestamp(&self) -> bool {
        self.signed.contains(&SignedPart::Timestamp)
    }

    pub(crate) fn encoding(&self) -> SignatureEncoding {
        self.encoding
    }

    pub(crate) fn prefix_text(&self) -> &str {
        &self.prefix
    }

    /// Whether the timestamp travels in the signature header (`t=<ts>,v1=…`).
    pub(crate) fn timestamp_in_signature_header(&self) -> bool {
        self.timestamp == Some(TimestampAt::SignatureHeader)
    }

    /// GitHub's legacy header, probed on a GitHub-style route (`X-Hub-Signature-256`).
    pub(crate) fn legacy_sha1_header(&self) -> Option<&'static str> {
        self.header
            .eq_ignore_ascii_case("x-hub-signature-256")
            .then_some("x-hub-signature")
    }

    /// GitHub's legacy signature of `body`: lower-case hex HMAC-SHA1, without prefix.
    pub(crate) fn sign_legacy_sha1(key: &[u8], body: &[u8]) -> String {
        hex(&hmac_sha1(key, body), Case::Lower)
    }

    /// The words of this scheme anyone may know: its prefixes.
    pub(crate) fn public_words(&self) -> Vec<String> {
        let mut words = vec![self.prefix.clone(), "sha1=".to_owned()];
        words.extend(self.other_prefix());
        words.retain(|word| !word.is_empty());
        words
    }

    /// The prefix a handler must refuse: the one given, or one derived from the prefix
    /// (`None` when there is no prefix to get wrong).
    pub(crate) fn other_prefix(&self) -> Option<String> {
        if let Some(wrong) = &self.wrong_prefix {
            return Some(wrong.clone());
        }
        if self.prefix.is_empty() {
            return None;
        }
        if self.prefix.contains("sha256") {
            return Some(self.prefix.replace("sha256", "sha1"));
        }
        let upper = self.prefix.to_ascii_uppercase();
        (upper != self.prefix).then_some(upper)
    }

    /// The signature of `body` at `timestamp` with `key`, encoded, without prefix.
    pub(crate) fn sign(&self, key: &[u8], timestamp: u64, body: &[u8]) -> String {
        let mut message = Vec::with_capacity(body.len() + 32);
        for part in &self.signed {
            match part {
                SignedPart::Text(text) => message.extend_from_slice(text.as_bytes()),
                SignedPart::Timestamp => {
                    message.extend_from_slice(timestamp.to_string().as_bytes())
                }
                SignedPart::Body => message.extend_from_slice(body),
            }
        }
        let mac = hmac_sha256(key, &message);
        match self.encoding {
            SignatureEncoding::LowerHex => hex(&mac, Case::Lower),
            SignatureEncoding::Base64 => base64(&mac),
        }
    }

    /// `request` carrying `signature` (prefix included, as sent) at `timestamp`. The
    /// timestamp goes where the scheme puts it, even when the signature is absent.
    pub(crate) fn present<R: TakesHeaders>(
        &self,
        request: R,
        signature: Option<&str>,
        timestamp: u64,
    ) -> R {
        let request = match (&self.timestamp, signature) {
            (Some(TimestampAt::SignatureHeader), Some(signature)) => {
                request.with_header(&self.header, format!("t={timestamp},{signature}"))
            }
            (_, Some(signature)) => request.with_header(&self.header, signature.to_owned()),
            (_, None) => request,
        };
        match &self.timestamp {
            Some(TimestampAt::Header(name)) => request.with_header(name, timestamp.to_string()),
            _ => request,
        }
    }

    /// How the signature is sent, without a value:
    /// `x-hub-signature-256: sha256=<hex HMAC-SHA256 of the body>`.
    pub(crate) fn shape(&self) -> String {
        let mut signed = String::new();
        for part in &self.signed {
            match part {
                SignedPart::Text(text) => signed.push_str(text),
                SignedPart::Timestamp => signed.push_str("<ts>"),
                SignedPart::Body => signed.push_str("<body>"),
            }
        }
        let over = if self.signed == [SignedPart::Body] {
            "the body".to_owned()
        } else {
            format!("{signed:?}")
        };
        let encoding = match self.encoding {
            SignatureEncoding::LowerHex => "hex",
            SignatureEncoding::Base64 => "base64",
        };
        let header = self.header.to_ascii_lowercase();
        let mut shape = match self.timestamp {
            Some(TimestampAt::SignatureHeader) => format!("{header}: t=<ts>,"),
            _ => format!("{header}: "),
        };
        let _ = write!(shape, "{}<{encoding} HMAC-SHA256 of {over}>", self.prefix);
        if let Some(TimestampAt::Header(name)) = &self.timestamp {
            let _ = write!(shape, ", {}: <ts>", name.to_ascii_lowercase());
        }
        shape
    }
}
