//! The valid signatures of a request's body under every fixture secret, in the forms the known
//! webhook schemes send them (feature `webhooks`), so that a response snapshot or a request
//! dump hides them as `[signature:BINDING]`: a hand-signed request's signature header, or a
//! handler that echoes the signature it expected, would otherwise show a replayable
//! credential in clear.
//!
//! Forms, for each value the env's store has ever held as the key:
//! - the HMAC-SHA256 of the body in lower-case hex (GitHub's `sha256=<hex>`, the default of
//!   `Signature::hmac_sha256`) and in standard base64 (Shopify, Twilio);
//! - Stripe's hex HMAC of `"<t>.<body>"`, for each `t=` in the request's own
//!   `Stripe-Signature` header;
//! - Slack's hex HMAC of `"v0:<ts>:<body>"`, with `<ts>` the request's own
//!   `X-Slack-Request-Timestamp`.

use std::sync::Arc;

use http::HeaderMap;

use super::{Known, ValueKind};
use crate::codec::hmac::hmac_sha256;
use crate::codec::{Case, base64, hex};

/// The valid signatures of `body` (sent with `headers`) under each of `keys` (`(binding,
/// value)`), labelled with the binding.
pub(crate) fn signatures(
    keys: &[(String, Arc<str>)],
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<Known> {
    let texts = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect()
    };
    // The exact text each timestamped scheme signs, from the request's own headers.
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for header in texts("stripe-signature") {
        for item in header.split(',') {
            if let Some(ts) = item.trim().strip_prefix("t=") {
                messages.push([ts.as_bytes(), b".", body].concat());
            }
        }
    }
    for ts in texts("x-slack-request-timestamp") {
        messages.push([b"v0:", ts.trim().as_bytes(), b":", body].concat());
    }
    let mut known = Vec::new();
    let mut add = |label: &str, value: String| {
        known.push(Known {
            label: label.to_owned(),
            value: Arc::from(value),
            kind: ValueKind::Signature,
        });
    };
    for (label, key) in keys.iter().filter(|(_, key)| !key.is_empty()) {
        let mac = hmac_sha256(key.as_bytes(), body);
        add(label, hex(&mac, Case::Lower));
        add(label, base64(&mac));
        for message in &messages {
            add(
                label,
                hex(&hmac_sha256(key.as_bytes(), message), Case::Lower),
            );
        }
    }
    known
}

/// What `TestRequest::signed` computed for a request, hidden as
/// `[signature:TestRequest::signed]` whatever key signed it.
pub(crate) fn computed(computed: &[Arc<str>]) -> impl Iterator<Item = Known> + '_ {
    computed.iter().map(|value| Known {
        label: "TestRequest::signed".to_owned(),
        value: value.clone(),
        kind: ValueKind::Signature,
    })
}
