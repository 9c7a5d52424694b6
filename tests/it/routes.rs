//! Handlers for the tests: one correct guarded route and the broken ones the matrix and the
//! leak scan must catch.

use bytes::Bytes;
#[cfg(feature = "webhooks")]
use devflare_test::client::TestClock;
use devflare_test::matrix::MatrixReport;
use devflare_test::prelude::*;
use http::{Request, Response};

use crate::canaries;

/// Which way a handler is wrong (or not).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flaw {
    None,
    AcceptsAnyToken,
    OkWhenSecretMissing,
    AcceptsPrefix,
    EchoesTokenInHeader,
    Base64TokenInBody,
}

pub fn respond(status: u16, body: &str) -> Response<String> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("date", "Sat, 07 Jun 2025 12:00:00 GMT")
        .body(body.to_owned())
        .unwrap()
}

/// `GET /internal/stats` guarded by `binding` in `header` (with `scheme`, if any);
/// `GET /public` reads nothing.
pub async fn guarded(
    request: &Request<Bytes>,
    env: &impl SecretsStoreEnv,
    binding: &str,
    header: &str,
    scheme: Option<&str>,
    flaw: Flaw,
) -> Response<String> {
    if request.uri().path() == "/public" {
        return respond(200, r#"{"ok":true}"#);
    }
    let Some(presented) = request.headers().get(header) else {
        return respond(401, r#"{"error":"missing_credentials"}"#);
    };
    let expected = match env.secret_store(binding) {
        Ok(secret) => secret.get().await,
        Err(_) => return respond(500, r#"{"error":"internal"}"#),
    };
    let expected = match expected {
        Ok(Some(value)) => value,
        _ if flaw == Flaw::OkWhenSecretMissing => return respond(200, r#"{"ok":true}"#),
        _ => return respond(500, r#"{"error":"internal"}"#),
    };
    let presented = presented.to_str().unwrap_or("");
    let token = match scheme {
        Some(scheme) => presented
            .strip_prefix(scheme)
            .and_then(|rest| rest.strip_prefix(' ')),
        None => Some(presented),
    };
    let accepted = match (flaw, token) {
        (Flaw::AcceptsAnyToken, _) => true,
        (Flaw::AcceptsPrefix, Some(token)) => expected.starts_with(token),
        (_, Some(token)) => token == expected,
        (_, None) => false,
    };
    if !accepted {
        return respond(401, r#"{"error":"invalid_token"}"#);
    }
    let mut response = respond(200, r#"{"ok":true}"#);
    match flaw {
        Flaw::EchoesTokenInHeader => {
            response
                .headers_mut()
                .insert("x-debug-token", expected.parse().unwrap());
        }
        Flaw::Base64TokenInBody => {
            *response.body_mut() = format!(r#"{{"ok":true,"session":"{}"}}"#, base64(&expected));
        }
        _ => {}
    }
    response
}

/// Standard padded base64, as a careless handler would emit it.
pub fn base64(value: &str) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, value)
}

/// A client for the bearer-guarded route with `flaw`, over `env`.
pub fn bearer_client(
    env: &SecretsEnv,
    flaw: Flaw,
) -> TestClient<impl devflare_test::client::Handler + '_> {
    TestClient::new(env, async move |request, env| {
        guarded(
            &request,
            env,
            "API_TOKEN",
            "authorization",
            Some("Bearer"),
            flaw,
        )
        .await
    })
}

/// Where a token-guarded route takes its token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    Bearer,
    Basic(&'static str),
    Query(&'static str),
    Cookie(&'static str),
}

/// Which way a token or webhook handler is wrong (or not).
#[cfg_attr(not(feature = "webhooks"), allow(dead_code))] // the webhook bugs
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bug {
    None,
    /// Also takes the token from `?token=`.
    SecondChannel,
    /// 200 when the binding is not bound.
    FailsOpenUnbound,
    /// A missing secret read as `""`.
    MissingAsEmpty,
    /// Basic: any user.
    AnyUser,
    /// Trims the presented token.
    Trims,
    /// Accepts a prefix of the secret (token) or of the signature.
    PrefixCompare,
    /// Signature hex compared in any case.
    AnyCase,
    /// Signs the body re-serialized from its parsed JSON.
    Reserialized,
    /// Never checks the timestamp.
    NoTimestampCheck,
    /// A store that fails read as `""`.
    FailingAsEmpty,
    /// An unbound binding read as `""`.
    UnboundAsEmpty,
    /// Bearer: also takes the token as the Basic user (`base64(<token>:)`).
    TokenAsBasicUser,
    /// Bearer: also takes the token from this header (`X-Api-Key: <token>`).
    OtherHeader(&'static str),
    /// GitHub: falls back to the legacy `X-Hub-Signature: sha1=<HMAC-SHA1>`.
    Sha1Fallback,
}

/// The secret, read the way `bug` says: `Err` is the response to give instead.
async fn read_secret(
    env: &SecretsEnv,
    binding: &str,
    bug: Bug,
) -> Result<String, Response<String>> {
    let binding = match env.secret_store(binding) {
        Ok(binding) => binding,
        Err(_) if bug == Bug::FailsOpenUnbound => return Err(respond(200, r#"{"ok":true}"#)),
        Err(_) if bug == Bug::UnboundAsEmpty => return Ok(String::new()),
        Err(_) => return Err(respond(500, r#"{"error":"internal"}"#)),
    };
    match binding.get().await {
        Ok(Some(value)) => Ok(value),
        _ if bug == Bug::MissingAsEmpty => Ok(String::new()),
        Err(_) if bug == Bug::FailingAsEmpty => Ok(String::new()),
        _ => Err(respond(500, r#"{"error":"internal"}"#)),
    }
}

fn cookie<'a>(request: &'a Request<Bytes>, name: &str) -> Option<&'a str> {
    let header = request.headers().get("cookie")?.to_str().ok()?;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

fn query(request: &Request<Bytes>, name: &str) -> Option<String> {
    request
        .uri()
        .query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| percent_decode(v))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unbase64(text: &str) -> Option<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8(out).ok()
}

/// A route guarded by the token of `binding` at `place`, wrong the way `bug` says.
pub async fn token_route(
    request: &Request<Bytes>,
    env: &SecretsEnv,
    binding: &str,
    place: Place,
    bug: Bug,
) -> Response<String> {
    let authorization = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let mut presented: Option<(Option<String>, String)> = match place {
        Place::Bearer => authorization
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| (None, t.to_owned())),
        Place::Basic(_) => authorization
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(unbase64)
            .and_then(|pair| {
                pair.split_once(':')
                    .map(|(u, p)| (Some(u.to_owned()), p.to_owned()))
            }),
        Place::Query(name) => query(request, name).map(|t| (None, t)),
        Place::Cookie(name) => cookie(request, name).map(|t| (None, t.to_owned())),
    };
    if bug == Bug::SecondChannel && presented.is_none() {
        presented = query(request, "token").map(|t| (None, t));
    }
    if bug == Bug::TokenAsBasicUser && presented.is_none() {
        presented = authorization
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(unbase64)
            .and_then(|pair| pair.split_once(':').map(|(u, _)| (None, u.to_owned())));
    }
    if let Bug::OtherHeader(name) = bug
        && presented.is_none()
    {
        presented = request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|t| (None, t.to_owned()));
    }
    let Some((user, token)) = presented else {
        return respond(401, r#"{"error":"missing_credentials"}"#);
    };
    let secret = match read_secret(env, binding, bug).await {
        Ok(secret) => secret,
        Err(response) => return response,
    };
    let token = if bug == Bug::Trims {
        token.trim().to_owned()
    } else {
        token
    };
    let user_ok = match (place, user) {
        (Place::Basic(expected), Some(user)) => bug == Bug::AnyUser || user == expected,
        _ => true,
    };
    let token_ok = if bug == Bug::PrefixCompare {
        secret.starts_with(&token)
    } else {
        token == secret
    };
    if user_ok && token_ok {
        respond(200, r#"{"ok":true}"#)
    } else {
        respond(401, r#"{"error":"invalid_token"}"#)
    }
}

#[cfg(feature = "webhooks")]
/// Webhook styles the test handlers verify.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hook {
    /// `X-Signature: <hex>` over the body: the general form, no prefix.
    Plain,
    GitHub,
    Stripe,
    Slack,
}

#[cfg(feature = "webhooks")]
/// The body every webhook route of these tests is signed over.
pub const BODY: &str = r#"{"action":"opened","number":42}"#;

#[cfg(feature = "webhooks")]
/// `POST /hooks/in`, signed as `hook` signs it with the secret of `WEBHOOK_SECRET`.
pub fn hook_route(hook: Hook) -> ProtectedRoute {
    let signature = match hook {
        Hook::Plain => Signature::hmac_sha256("X-Signature"),
        Hook::GitHub => Signature::github(),
        Hook::Stripe => Signature::stripe(),
        Hook::Slack => Signature::slack(),
    };
    ProtectedRoute::post("/hooks/in", "WEBHOOK_SECRET")
        .json(BODY)
        .signed(signature)
}

#[cfg(feature = "webhooks")]
/// Strict lower-case hex, as the schemes send it.
fn lower_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2)
        || text
            .bytes()
            .any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(feature = "webhooks")]
/// A webhook verified as `hook` signs it, with the secret of `binding`, wrong the way `bug`
/// says. The correct one compares in constant time (`Mac::verify_slice`).
pub async fn webhook(
    request: &Request<Bytes>,
    env: &SecretsEnv,
    binding: &str,
    hook: Hook,
    bug: Bug,
) -> Response<String> {
    use hmac::{Hmac, Mac};
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let parsed: Option<(String, Option<u64>)> = match hook {
        Hook::Plain => header("x-signature").map(|s| (s.to_owned(), None)),
        Hook::GitHub => header("x-hub-signature-256")
            .and_then(|v| v.strip_prefix("sha256="))
            .map(|s| (s.to_owned(), None)),
        Hook::Stripe => header("stripe-signature").and_then(|v| {
            let mut ts = None;
            let mut sig = None;
            for part in v.split(',') {
                match part.split_once('=') {
                    Some(("t", t)) => ts = t.parse().ok(),
                    Some(("v1", s)) => sig = Some(s.to_owned()),
                    _ => {}
                }
            }
            Some((sig?, Some(ts?)))
        }),
        Hook::Slack => {
            let ts = header("x-slack-request-timestamp").and_then(|t| t.parse().ok());
            header("x-slack-signature")
                .and_then(|v| v.strip_prefix("v0="))
                .and_then(|s| Some((s.to_owned(), Some(ts?))))
        }
    };
    if parsed.is_none()
        && hook == Hook::GitHub
        && bug == Bug::Sha1Fallback
        && let Some(legacy) = header("x-hub-signature").and_then(|v| v.strip_prefix("sha1="))
    {
        let secret = match read_secret(env, binding, bug).await {
            Ok(secret) => secret,
            Err(response) => return response,
        };
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(request.body());
        return if lower_hex(legacy).is_some_and(|sig| mac.verify_slice(&sig).is_ok()) {
            respond(200, r#"{"ok":true}"#)
        } else {
            respond(401, r#"{"error":"bad_signature"}"#)
        };
    }
    let Some((signature, timestamp)) = parsed else {
        return respond(401, r#"{"error":"missing_signature"}"#);
    };
    if let Some(ts) = timestamp {
        let now = TestClock::of(request).unix_secs();
        if bug != Bug::NoTimestampCheck && now.abs_diff(ts) > 300 {
            return respond(401, r#"{"error":"stale"}"#);
        }
    }
    let secret = match read_secret(env, binding, bug).await {
        Ok(secret) => secret,
        Err(response) => return response,
    };
    let body = if bug == Bug::Reserialized {
        match serde_json::from_slice::<serde_json::Value>(request.body()) {
            Ok(value) => Bytes::from(value.to_string()),
            Err(_) => return respond(400, r#"{"error":"bad_json"}"#),
        }
    } else {
        request.body().clone()
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    match (hook, timestamp) {
        (Hook::Stripe, Some(ts)) => mac.update(format!("{ts}.").as_bytes()),
        (Hook::Slack, Some(ts)) => mac.update(format!("v0:{ts}:").as_bytes()),
        _ => {}
    }
    mac.update(&body);
    let ok = match bug {
        Bug::PrefixCompare => {
            let expected: String = mac
                .finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            expected.starts_with(&signature)
        }
        Bug::AnyCase => lower_hex(&signature.to_ascii_lowercase())
            .is_some_and(|sig| mac.verify_slice(&sig).is_ok()),
        _ => lower_hex(&signature).is_some_and(|sig| mac.verify_slice(&sig).is_ok()),
    };
    if ok {
        respond(200, r#"{"ok":true}"#)
    } else {
        respond(401, r#"{"error":"bad_signature"}"#)
    }
}

/// An env holding a canary value for `binding`.
pub fn env(binding: &str) -> SecretsEnv {
    SecretsEnv::builder()
        .secret(binding, canaries::value(binding))
        .build()
        .unwrap()
}

/// Every form a reader sees a report in: Display, Debug, snapshot text and the failure.
pub fn every_text(report: &MatrixReport) -> String {
    let failure = report
        .verdict()
        .err()
        .map(|f| format!("{f}\n{f:?}"))
        .unwrap_or_default();
    format!(
        "{report}\n{report:?}\n{}\n{failure}",
        devflare_test::__private::snapshot::matrix_text(report)
    )
}

/// The Bearer matrix over `token_route` with `bug`, checked never to show the canary.
pub fn token_report(bug: Bug, route: ProtectedRoute) -> MatrixReport {
    let env = env("API_TOKEN");
    let client = TestClient::new(&env, async |request, env| {
        token_route(&request, env, "API_TOKEN", Place::Bearer, bug).await
    });
    let report = block_on(route.check(&client)).unwrap();
    assert!(!env.redactor().contains_secret(&every_text(&report)));
    report
}
