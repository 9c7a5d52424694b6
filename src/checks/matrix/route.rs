//! A protected route's configuration: the request, the binding, how the credential is
//! presented, and the statuses each scenario must get.

use std::fmt;
use std::sync::Arc;
#[cfg(feature = "remote")]
use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};

use super::custom::CustomCredential;
use super::planned::PlanCache;
use super::scenario::{Channel, Outcome, Scenario};
#[cfg(feature = "webhooks")]
use super::signature::Signature;
use super::status::StatusExpectation;
use crate::http::{TestClock, TestRequest};

/// How the route expects its credential: which planner plans its scenarios.
#[derive(Clone, PartialEq)]
pub(crate) enum CredentialKind {
    /// A header holding the token, after a scheme or bare (`X-Api-Key`).
    Header {
        name: String,
        scheme: Option<String>,
    },
    /// `Authorization: Basic base64(user:secret)`.
    Basic { user: String },
    /// `?param=secret`.
    Query { param: String },
    /// `cookie: name=secret`.
    Cookie { name: String },
    /// An HMAC signature of the request, keyed with the secret.
    #[cfg(feature = "webhooks")]
    Signed(Signature),
    /// A function of the test's.
    Custom(CustomCredential),
}

impl CredentialKind {
    /// Whether the right secret offered on `channel` is this very credential.
    pub(crate) fn declares(&self, channel: Channel) -> bool {
        match (self, channel) {
            (Self::Header { name, scheme }, Channel::Bearer) => {
                name.eq_ignore_ascii_case("authorization")
                    && scheme
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("Bearer"))
            }
            // The route's own header: the bare token there is "token without scheme".
            (Self::Header { name, .. }, channel) if channel.api_key_header().is_some() => channel
                .api_key_header()
                .is_some_and(|header| name.eq_ignore_ascii_case(header)),
            (Self::Basic { .. }, Channel::Basic) => true,
            (Self::Query { param }, Channel::QueryToken) => param == "token",
            (Self::Query { param }, Channel::QueryAccessToken) => param == "access_token",
            (Self::Query { param }, Channel::QueryApiKey) => param == "api_key",
            (Self::Cookie { name }, Channel::Cookie) => name == "token",
            (Self::Custom(custom), channel) => custom.channels.contains(&channel),
            _ => false,
        }
    }
}

/// A route guarded by a credential derived from a Secrets Store binding, and the expectations
/// the matrix checks it against.
///
/// The credential is by default `Authorization: Bearer <token>`; others are
/// [`basic`](Self::basic), [`query`](Self::query), [`cookie`](Self::cookie), a bare header
/// ([`api_key_header`](Self::api_key_header)), a signed body (`signed` with a `Signature`,
/// feature `webhooks`) and anything else through [`custom`](Self::custom). Wrong credentials must
/// get any 4xx, the right one any 2xx, a missing or failing secret any 5xx; see
/// [`Scenario`](super::Scenario) for every scenario and its expected verdict.
///
/// While it runs, the matrix deletes the secret and injects a store fault on the client's env,
/// restoring both afterwards (even if the handler panics): give each matrix its own env, not
/// one shared with tests running in parallel.
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "test-token-0123" };
/// let client = TestClient::new(&env, async |request, env| {
///     stats_like_handler(&request, env).await
/// });
/// let report = block_on(ProtectedRoute::get("/internal/stats", "API_TOKEN").check(&client))
///     .unwrap();
/// report.assert_passed();
/// assert!(!report.to_string().contains("test-token-0123"));
///
/// // A handler written against the seam: fails closed, compares exactly.
/// async fn stats_like_handler(
///     request: &http::Request<bytes::Bytes>,
///     env: &impl SecretsStoreEnv,
/// ) -> http::Response<String> {
///     let status = |code| http::Response::builder().status(code).body(String::new()).unwrap();
///     let Some(presented) = request.headers().get("authorization") else {
///         return status(401);
///     };
///     let Ok(binding) = env.secret_store("API_TOKEN") else { return status(500) };
///     let Ok(Some(token)) = binding.get().await else { return status(500) };
///     if presented.as_bytes() == format!("Bearer {token}").as_bytes() {
///         status(200)
///     } else {
///         status(401)
///     }
/// }
/// ```
#[derive(Clone)]
#[must_use = "a matrix does nothing until `check`"]
pub struct ProtectedRoute {
    pub(crate) method: String,
    pub(crate) uri: String,
    pub(crate) body: Bytes,
    pub(crate) json: bool,
    pub(crate) binding: String,
    pub(crate) kind: CredentialKind,
    pub(crate) scheme_any_case: bool,
    pub(crate) adversarial: bool,
    pub(crate) clock: TestClock,
    pub(crate) rejected: StatusExpectation,
    pub(crate) accepted: StatusExpectation,
    pub(crate) fails_closed: StatusExpectation,
    /// Scenarios whose failure is accepted, each with the reason given (in order; one per
    /// scenario, the last given wins).
    pub(crate) waivers: Vec<(Scenario, String)>,
    /// Other secrets the handler reads on this route (besides the binding), as declared with
    /// [`also_reads`](Self::also_reads), in order.
    pub(crate) also_reads: Vec<String>,
    /// Timeouts and the cleartext opt-in of `check_remote`.
    #[cfg(feature = "remote")]
    pub(crate) remote: RemoteSettings,
    /// The last plan made for this route (and the inputs it was made from): a route checked
    /// again with the same secret sends the requests already built. Empty in a clone.
    pub(crate) plans: PlanCache<PlanInputs>,
}

/// What a route's plan is made from: every field planning reads, and the secret. (The
/// expected statuses and the waivers are applied when a plan runs, so they are not here.)
pub(crate) struct PlanInputs {
    method: String,
    uri: String,
    body: Bytes,
    json: bool,
    binding: String,
    kind: CredentialKind,
    scheme_any_case: bool,
    adversarial: bool,
    clock: TestClock,
    secret: Arc<str>,
}

/// What a route sets for `check_remote` alone (feature `remote`).
#[cfg(feature = "remote")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteSettings {
    pub(crate) connect: Duration,
    pub(crate) overall: Duration,
    pub(crate) cleartext_to_non_loopback: bool,
}

/// How long `check_remote` waits for a connection to the Worker, by default.
#[cfg(feature = "remote")]
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one scenario's request may take in all (connecting, sending, the whole response),
/// by default.
#[cfg(feature = "remote")]
pub const DEFAULT_REMOTE_TIMEOUT: Duration = Duration::from_secs(30);

#[cfg(feature = "remote")]
impl Default for RemoteSettings {
    fn default() -> Self {
        Self {
            connect: DEFAULT_CONNECT_TIMEOUT,
            overall: DEFAULT_REMOTE_TIMEOUT,
            cleartext_to_non_loopback: false,
        }
    }
}

impl ProtectedRoute {
    /// The route `method uri`, guarded by the value of `binding`.
    pub fn new(
        method: impl Into<String>,
        uri: impl Into<String>,
        binding: impl Into<String>,
    ) -> Self {
        Self {
            method: method.into(),
            uri: uri.into(),
            body: Bytes::new(),
            json: false,
            binding: binding.into(),
            kind: CredentialKind::Header {
                name: "authorization".to_owned(),
                scheme: Some("Bearer".to_owned()),
            },
            scheme_any_case: false,
            adversarial: true,
            clock: TestClock::DEFAULT,
            rejected: StatusExpectation::ClientError,
            accepted: StatusExpectation::Success,
            fails_closed: StatusExpectation::ServerError,
            waivers: Vec::new(),
            also_reads: Vec::new(),
            #[cfg(feature = "remote")]
            remote: RemoteSettings::default(),
            plans: PlanCache::default(),
        }
    }

    /// `GET uri`, guarded by `binding`.
    pub fn get(uri: impl Into<String>, binding: impl Into<String>) -> Self {
        Self::new(Method::GET.as_str(), uri, binding)
    }

    /// `POST uri`, guarded by `binding` (give it a [`body`](Self::body) or [`json`](Self::json)).
    pub fn post(uri: impl Into<String>, binding: impl Into<String>) -> Self {
        Self::new(Method::POST.as_str(), uri, binding)
    }

    /// The body every scenario sends (and, for a signed route, signs), byte for byte.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self.json = false;
        self
    }

    /// A JSON body, sent byte for byte with `content-type: application/json`.
    pub fn json(mut self, json: impl Into<String>) -> Self {
        self.body = Bytes::from(json.into());
        self.json = true;
        self
    }

    /// The instant every request is sent at (default [`TestClock::DEFAULT`]); timestamped
    /// signatures are made relative to it. Handlers read it with [`TestClock::of`].
    pub fn now(mut self, clock: TestClock) -> Self {
        self.clock = clock;
        self
    }

    /// The header that carries the token (default `authorization`), keeping the scheme.
    pub fn header(mut self, name: impl Into<String>) -> Self {
        let scheme = match self.kind {
            CredentialKind::Header { scheme, .. } => scheme,
            _ => Some("Bearer".to_owned()),
        };
        self.kind = CredentialKind::Header {
            name: name.into(),
            scheme,
        };
        self
    }

    /// The scheme before the token in its header (default `Bearer`).
    pub fn scheme(mut self, scheme: impl Into<String>) -> Self {
        let name = self.header_name_or_default();
        self.kind = CredentialKind::Header {
            name,
            scheme: Some(scheme.into()),
        };
        self
    }

    /// The header holds the bare token, as with `X-Api-Key: <token>`. Scheme scenarios become
    /// not applicable.
    pub fn no_scheme(mut self) -> Self {
        let name = self.header_name_or_default();
        self.kind = CredentialKind::Header { name, scheme: None };
        self
    }

    /// Shorthand for `.header(name).no_scheme()`: `X-Api-Key: <token>`.
    pub fn api_key_header(self, name: impl Into<String>) -> Self {
        self.header(name).no_scheme()
    }

    /// `Authorization: Basic base64(user:<secret>)`, the secret as the password.
    pub fn basic(mut self, user: impl Into<String>) -> Self {
        self.kind = CredentialKind::Basic { user: user.into() };
        self
    }

    /// The token in the query: `?param=<secret>` (percent-encoded).
    pub fn query(mut self, param: impl Into<String>) -> Self {
        self.kind = CredentialKind::Query {
            param: param.into(),
        };
        self
    }

    /// The token in a cookie: `cookie: name=<secret>`.
    pub fn cookie(mut self, name: impl Into<String>) -> Self {
        self.kind = CredentialKind::Cookie { name: name.into() };
        self
    }

    /// A signature of the request keyed with the secret (GitHub, Stripe, Slack or your own
    /// [`Signature`]). Feature `webhooks`.
    #[cfg(feature = "webhooks")]
    pub fn signed(mut self, signature: Signature) -> Self {
        self.kind = CredentialKind::Signed(signature);
        self
    }

    /// A credential the test derives from the secret itself (see [`CustomCredential`]).
    pub fn custom(mut self, credential: CustomCredential) -> Self {
        self.kind = CredentialKind::Custom(credential);
        self
    }

    /// The scheme is case-insensitive (as RFC 9110 allows): `bearer <token>` must be accepted.
    /// By default the scheme must match exactly and other cases are rejected.
    pub fn scheme_case_insensitive(mut self) -> Self {
        self.scheme_any_case = true;
        self
    }

    /// Leaves out the adversarial scenarios (other channels, binding unbound, empty
    /// credential or empty-key signature while the secret is missing). They are on by
    /// default.
    pub fn without_adversarial(mut self) -> Self {
        self.adversarial = false;
        self
    }

    /// The exact status every wrong credential must get (default: any 4xx).
    pub fn rejected_with(mut self, status: StatusCode) -> Self {
        self.rejected = StatusExpectation::Exactly(status);
        self
    }

    /// The exact status the right credential must get (default: any 2xx).
    pub fn accepted_with(mut self, status: StatusCode) -> Self {
        self.accepted = StatusExpectation::Exactly(status);
        self
    }

    /// The exact status when the secret is missing, the store fails or the binding is unbound
    /// (default: any 5xx). A 2xx always fails, whatever is configured.
    pub fn fails_closed_with(mut self, status: StatusCode) -> Self {
        self.fails_closed = StatusExpectation::Exactly(status);
        self
    }

    /// Accepts that `scenario` fails on this route, for `reason` (required, non-empty: an
    /// empty one is [`MatrixError::EmptyWaiverReason`](super::MatrixError::EmptyWaiverReason)
    /// from `check`).
    ///
    /// The scenario still runs and is judged as usual; if it would fail, the report shows it
    /// as `waived: <reason>` with what was wrong, counts it apart from passes and failures,
    /// and the matrix passes. A waiver that waives nothing — the scenario passed, was not
    /// applicable or does not run for this route — is a `warning:` line, so waivers do not
    /// outlive their reason silently. Waivers apply to [`check`](Self::check) and
    /// `check_remote` alike. Given twice for one scenario, the last reason counts.
    ///
    /// ```
    /// use devflare_test::prelude::*;
    /// use devflare_test::matrix::Scenario;
    /// use devflare_test::matrix::Channel;
    ///
    /// let route = ProtectedRoute::get("/internal/stats", "API_TOKEN").allow(
    ///     Scenario::OtherChannel(Channel::QueryToken),
    ///     "the legacy dashboard sends ?token= until it is retired (TICKET-123)",
    /// );
    /// # let _ = route;
    /// ```
    pub fn allow(mut self, scenario: Scenario, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        self.waivers.retain(|(waived, _)| *waived != scenario);
        self.waivers.push((scenario, reason));
        self
    }

    /// Declares that the handler also reads secret `name` on this route — a Secrets Store
    /// binding or a classic secret besides the credential's binding, such as the key of an
    /// API it calls. The matrix then runs the right credential with that secret missing,
    /// failing and (a Secrets Store binding) unbound: each must fail closed, and no outbound
    /// request may go where that secret may go (it would carry an empty or stale key).
    ///
    /// A secret the right credential's run reads is found in the read log without this; declare
    /// the ones a run with the right credential does not read (another branch, a lazy read).
    /// Given twice, a name counts once. A name the env does not bind as a secret is
    /// [`MatrixError::OtherSecretUnbound`](super::MatrixError::OtherSecretUnbound) from `check`.
    /// `check_remote` reports these scenarios *not applicable* (they change the store).
    pub fn also_reads(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if !self.also_reads.contains(&name) {
            self.also_reads.push(name);
        }
        self
    }

    /// Whether a plan made from `inputs` is this route's plan for `secret`.
    pub(crate) fn plans_like(&self, inputs: &PlanInputs, secret: &str) -> bool {
        *inputs.secret == *secret
            && inputs.method == self.method
            && inputs.uri == self.uri
            && inputs.body == self.body
            && inputs.json == self.json
            && inputs.binding == self.binding
            && inputs.kind == self.kind
            && inputs.scheme_any_case == self.scheme_any_case
            && inputs.adversarial == self.adversarial
            && inputs.clock == self.clock
    }

    /// What this route's plan for `secret` is made from.
    pub(crate) fn plan_inputs(&self, secret: &Arc<str>) -> PlanInputs {
        PlanInputs {
            method: self.method.clone(),
            uri: self.uri.clone(),
            body: self.body.clone(),
            json: self.json,
            binding: self.binding.clone(),
            kind: self.kind.clone(),
            scheme_any_case: self.scheme_any_case,
            adversarial: self.adversarial,
            clock: self.clock,
            secret: Arc::clone(secret),
        }
    }

    /// The binding that holds the secret.
    pub fn binding(&self) -> &str {
        &self.binding
    }

    fn header_name_or_default(&self) -> String {
        match &self.kind {
            CredentialKind::Header { name, .. } => name.clone(),
            _ => "authorization".to_owned(),
        }
    }

    /// The status `outcome` must get.
    pub(crate) fn expected(&self, outcome: Outcome) -> StatusExpectation {
        match outcome {
            Outcome::Rejected => self.rejected,
            Outcome::Accepted => self.accepted,
            Outcome::FailsClosed => self.fails_closed,
            Outcome::NeverLetIn => StatusExpectation::NotSuccess,
        }
    }

    /// The request every scenario starts from: method, URI, body and clock.
    pub(crate) fn base_request(&self) -> TestRequest {
        let request = TestRequest::new(&self.method, self.uri.clone()).at(self.clock);
        if self.json {
            request.json(String::from_utf8_lossy(&self.body).into_owned())
        } else {
            request.body(self.body.clone())
        }
    }

    /// What the report warns of for this route, whichever runner: a timestamp sent but not
    /// signed (its scenarios cannot mean anything, and a replay with a fresh timestamp passes).
    pub(crate) fn warnings(&self) -> Vec<String> {
        match &self.kind {
            #[cfg(feature = "webhooks")]
            CredentialKind::Signed(signature)
                if signature.is_timestamped() && !signature.signs_timestamp() =>
            {
                vec![
                    "the timestamp is sent but not covered by the signature, so the timestamp \
                     scenarios are not applicable and a captured request replays with any \
                     fresh timestamp: sign it (`.signs([SignedPart::Timestamp, …])`)"
                        .to_owned(),
                ]
            }
            _ => Vec::new(),
        }
    }

    /// How the credential is presented, without its value.
    pub(crate) fn shape(&self) -> String {
        match &self.kind {
            CredentialKind::Header {
                name,
                scheme: Some(scheme),
            } => format!("{}: {scheme} <token>", name.to_ascii_lowercase()),
            CredentialKind::Header { name, scheme: None } => {
                format!("{}: <token>", name.to_ascii_lowercase())
            }
            CredentialKind::Basic { user } => {
                format!("authorization: Basic base64({user}:<secret>)")
            }
            CredentialKind::Query { param } => format!("?{param}=<token>"),
            CredentialKind::Cookie { name } => format!("cookie: {name}=<token>"),
            #[cfg(feature = "webhooks")]
            CredentialKind::Signed(signature) => signature.shape(),
            CredentialKind::Custom(custom) => custom.description.clone(),
        }
    }
}

/// The URI as a request's `Debug` shows it (`crate::http::shown_uri`: later segments and the
/// query may hold a value, and a route knows no env to redact with); the binding and the
/// credential's shape.
impl fmt::Debug for ProtectedRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtectedRoute")
            .field("method", &self.method)
            .field("uri", &crate::http::shown_uri(&self.uri))
            .field("body_len", &self.body.len())
            .field("binding", &self.binding)
            .field("credential", &self.shape())
            .field("adversarial", &self.adversarial)
            .field(
                "waived",
                &self.waivers.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
