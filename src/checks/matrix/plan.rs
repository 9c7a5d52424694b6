//! Planning: which request each scenario sends, under which store condition, and what it
//! must get. No sending here, so a runner over real HTTP can reuse the plan unchanged.

use std::sync::Arc;

use super::error::MIN_TOKEN_CHARS;
use super::hide::{Hidden, HiddenCache, credential_parts, scrub, scrubber};
use super::report::{ScenarioResult, Verdict};
use super::route::{Kind, ProtectedRoute};
use super::scenario::{Channel, Outcome, Scenario};
use super::status::StatusExpectation;
use crate::http::TestRequest;
use crate::{ReadLog, Redactor};

/// The store's state while a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    /// As the test left it.
    Normal,
    /// The secret deleted.
    SecretMissing,
    /// Every read failing.
    StoreFailing,
    /// The handler runs with an env that lacks the binding.
    BindingUnbound,
}

impl Condition {
    /// Whether a runner must change the store (or the env) to set this up: a runner against
    /// a deployed Worker can only run the scenarios that need no change.
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    pub(crate) fn changes_the_store(self) -> bool {
        self != Self::Normal
    }
}

/// One scenario, planned.
pub(crate) struct Planned {
    pub(crate) scenario: Scenario,
    /// The name in the report, when not [`Scenario::name`] (custom near misses).
    pub(crate) label: Option<String>,
    /// The credential sent, described without a value.
    pub(crate) credential: String,
    pub(crate) outcome: Outcome,
    pub(crate) condition: Condition,
    /// The request; `Err(why)` when the scenario does not apply.
    pub(crate) request: Result<TestRequest, String>,
    /// The token or secret as presented, when it differs from the request's parts (a near
    /// miss inside Basic's base64): blanked out of handler errors.
    pub(crate) presented: Option<String>,
    /// Credentials the planner computed from the secret for this scenario (each valid
    /// signature of what it sends): hidden from every row and scanned for in every response.
    pub(crate) derived: Vec<String>,
    /// What the whole plan hides, shared by its scenarios (set once planning is done).
    pub(crate) hidden: Option<Arc<Hidden>>,
}

impl Planned {
    /// The request to send, or why this scenario cannot be sent here (its verdict is then
    /// *not applicable*). Shared by the in-process and the remote runner.
    pub(crate) fn build_request(&self) -> Result<http::Request<bytes::Bytes>, String> {
        let request = self.request.as_ref().map_err(Clone::clone)?;
        request
            .try_build_ref()
            .map_err(|error| format!("it cannot be sent: {error}"))
    }

    /// A handler's (or transport's) error text with nothing of value left: every credential
    /// the plan computed for any scenario (a valid signature quoted in another row's error)
    /// blanked first, then what this scenario sent (near misses are not values the env knows)
    /// — but not the words anyone may know (`Bearer`, `sha256=`, a timestamp) —, then the
    /// secret and every fixture value.
    pub(crate) fn hide_in_error(&self, message: &str, secret: &str, redactor: &Redactor) -> String {
        let hidden = self.hidden.as_deref();
        let mut sent = self
            .request
            .as_ref()
            .map(credential_parts)
            .unwrap_or_default();
        sent.extend(self.presented.clone());
        sent.retain(|part| !hidden.is_some_and(|h| h.is_public(part)));
        sent.push(secret.to_owned());
        // Computed credentials first: a valid signature is named as one, whole, even where
        // the scenario sent a part of it.
        let message = match hidden.and_then(|h| h.computed.as_ref()) {
            Some(computed) => computed.redact(message),
            None => message.into(),
        };
        let message = scrub(&scrubber(sent), &message);
        redactor.redact(&message).into_owned()
    }

    /// Leaks of every credential the plan computed (a valid signature: a handler that answers
    /// with one is a signing oracle) in a response, beside the fixture values `leaks` holds.
    pub(crate) fn scan_computed(
        &self,
        status: u16,
        headers: &http::HeaderMap,
        body: &[u8],
        leaks: &mut Vec<crate::redact::leak::Leak>,
    ) {
        if let Some(computed) = self.hidden.as_deref().and_then(|h| h.computed.as_ref()) {
            leaks.extend(crate::redact::leak::scan(computed, status, headers, body));
        }
    }

    /// Its result before anything is observed: what was planned, passing until judged.
    pub(crate) fn unjudged(&self, expected: StatusExpectation) -> ScenarioResult {
        ScenarioResult {
            scenario: self.scenario,
            name: self.name(),
            credential: self.credential.clone(),
            outcome: self.outcome,
            expected,
            status: None,
            verdict: Verdict::Pass,
            reads: ReadLog::new(Vec::new(), Vec::new()),
            leaks: Vec::new(),
        }
    }

    pub(crate) fn send(
        scenario: Scenario,
        credential: String,
        outcome: Outcome,
        request: TestRequest,
    ) -> Self {
        Self {
            scenario,
            label: None,
            credential,
            outcome,
            condition: Condition::Normal,
            request: Ok(request),
            presented: None,
            derived: Vec::new(),
            hidden: None,
        }
    }

    pub(crate) fn skip(scenario: Scenario, why: &str) -> Self {
        Self {
            scenario,
            label: None,
            credential: "(not sent)".to_owned(),
            outcome: Outcome::Rejected,
            condition: Condition::Normal,
            request: Err(why.to_owned()),
            presented: None,
            derived: Vec::new(),
            hidden: None,
        }
    }

    pub(crate) fn presenting(mut self, presented: String) -> Self {
        self.presented = Some(presented);
        self
    }

    /// `values`, computed from the secret, are credentials too (valid signatures).
    #[cfg_attr(not(feature = "webhooks"), allow(dead_code))]
    pub(crate) fn deriving(mut self, values: impl IntoIterator<Item = String>) -> Self {
        self.derived.extend(values);
        self
    }

    pub(crate) fn labelled(mut self, label: String) -> Self {
        self.label = Some(label);
        self
    }

    pub(crate) fn when(mut self, condition: Condition) -> Self {
        self.condition = condition;
        self
    }

    pub(crate) fn when_secret_missing(self) -> Self {
        self.when(Condition::SecretMissing)
    }

    /// The name the report gives this scenario.
    pub(crate) fn name(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| self.scenario.name().to_owned())
    }
}

/// What planning needs: the route, the secret, and its marker.
pub(crate) struct Planner<'a> {
    pub(crate) route: &'a ProtectedRoute,
    pub(crate) secret: &'a str,
    /// `[secret:BINDING]`.
    pub(crate) marker: String,
}

impl Planner<'_> {
    /// A token of the secret's length that is not the secret.
    pub(crate) fn wrong_token(&self) -> String {
        let filler = if self.secret.chars().all(|c| c == 'x') {
            "y"
        } else {
            "x"
        };
        filler.repeat(self.secret.chars().count())
    }

    /// The right credential, then the same while the secret is missing and while the store
    /// fails.
    pub(crate) fn push_right_and_unreadable(
        &self,
        out: &mut Vec<Planned>,
        right: &TestRequest,
        described: String,
    ) {
        out.push(Planned::send(
            Scenario::RightCredential,
            described.clone(),
            Outcome::Accepted,
            right.clone(),
        ));
        out.push(
            Planned::send(
                Scenario::SecretMissing,
                format!("{described} (secret deleted)"),
                Outcome::FailsClosed,
                right.clone(),
            )
            .when_secret_missing(),
        );
        out.push(
            Planned::send(
                Scenario::StoreFailing,
                format!("{described} (store failing)"),
                Outcome::FailsClosed,
                right.clone(),
            )
            .when(Condition::StoreFailing),
        );
    }

    /// The adversarial empty credential (or empty-key signature) `request`, described as
    /// `described`, while the secret is missing, while the store fails and with the binding
    /// unbound: what gets in when a handler reads an unreadable secret as `""`.
    pub(crate) fn push_empty_while_unreadable(
        &self,
        out: &mut Vec<Planned>,
        scenarios: [Scenario; 3],
        described: &str,
        request: &TestRequest,
    ) {
        let [missing, failing, unbound] = scenarios;
        for (scenario, condition, why) in [
            (missing, Condition::SecretMissing, "secret deleted"),
            (failing, Condition::StoreFailing, "store failing"),
            (
                unbound,
                Condition::BindingUnbound,
                "env without the binding",
            ),
        ] {
            out.push(
                Planned::send(
                    scenario,
                    format!("{described} ({why})"),
                    Outcome::NeverLetIn,
                    request.clone(),
                )
                .when(condition),
            );
        }
    }
}

/// Every scenario for `route`, with `secret` the binding's current value, in report order;
/// what they hide is taken from `cache` when it was built for the same inputs.
pub(crate) fn plan(route: &ProtectedRoute, secret: &str, cache: &HiddenCache) -> Vec<Planned> {
    let planner = Planner {
        route,
        secret,
        marker: format!("[secret:{}]", route.binding),
    };
    let mut out = Vec::with_capacity(40);
    let (right, without_credential) = match &route.kind {
        #[cfg(feature = "webhooks")]
        Kind::Signed(signature) => {
            let right = super::signed::plan(signature, &planner, &mut out);
            let bare = signature.present(route.base_request(), None, route.clock.unix_secs());
            (right, bare)
        }
        Kind::Custom(custom) => (custom.plan(&planner, &mut out), route.base_request()),
        _ => (super::token::plan(&planner, &mut out), route.base_request()),
    };
    if route.adversarial {
        for channel in Channel::ALL {
            if route.kind.declares(channel) {
                continue;
            }
            if channel == Channel::Cookie && !cookie_safe(secret) {
                out.push(Planned::skip(
                    Scenario::OtherChannel(channel),
                    "the secret cannot be carried in a cookie",
                ));
                continue;
            }
            let request = offer_on(channel, without_credential.clone(), secret);
            out.push(
                Planned::send(
                    Scenario::OtherChannel(channel),
                    other_channel_shape(channel, &planner.marker),
                    Outcome::Rejected,
                    request,
                )
                .presenting(secret.to_owned()),
            );
        }
        out.push(
            Planned::send(
                Scenario::BindingUnbound,
                "the right credential (env without the binding)".to_owned(),
                Outcome::FailsClosed,
                right,
            )
            .when(Condition::BindingUnbound),
        );
    }
    share_hidden(route, secret, &mut out, cache);
    out
}

/// What every scenario of a plan hides: the credentials computed from the secret (to a
/// redactor, labelled with the binding, so every encoding it knows is covered) and the words
/// anyone may know.
fn share_hidden(route: &ProtectedRoute, secret: &str, out: &mut [Planned], cache: &HiddenCache) {
    let mut public: Vec<String> = vec!["Bearer".to_owned(), "Basic".to_owned()];
    let mut computed: Vec<String> = Vec::new();
    match &route.kind {
        Kind::Header {
            scheme: Some(scheme),
            ..
        } => public.push(scheme.clone()),
        #[cfg(feature = "webhooks")]
        Kind::Signed(signature) => public.extend(signature.public_words()),
        Kind::Custom(_) => {
            // The right credential's parts that are not in a request without it, nor in one
            // made from a wrong secret: what the test's function computed from the secret.
            let parts = |scenario| {
                out.iter()
                    .filter(move |p| p.scenario == scenario)
                    .filter_map(|p| p.request.as_ref().ok())
                    .flat_map(credential_parts)
            };
            let common: Vec<String> = parts(Scenario::NoCredentials)
                .chain(parts(Scenario::WrongToken))
                .collect();
            computed.extend(
                parts(Scenario::RightCredential)
                    .filter(|part| !common.contains(part) && !part.contains(secret)),
            );
        }
        _ => {}
    }
    for planned in out.iter_mut() {
        computed.append(&mut planned.derived);
    }
    computed.retain(|value| value.chars().count() >= MIN_TOKEN_CHARS);
    #[cfg(feature = "webhooks")]
    let numbers_public = matches!(route.kind, Kind::Signed(_));
    #[cfg(not(feature = "webhooks"))]
    let numbers_public = false;
    let hidden = cache.get(&route.binding, computed, public, numbers_public);
    for planned in out.iter_mut() {
        planned.hidden = Some(Arc::clone(&hidden));
    }
}

/// `request` with the raw secret on `channel`.
fn offer_on(channel: Channel, request: TestRequest, secret: &str) -> TestRequest {
    match channel {
        Channel::QueryToken => request.query("token", secret),
        Channel::QueryAccessToken => request.query("access_token", secret),
        Channel::QueryApiKey => request.query("api_key", secret),
        Channel::Cookie => request.cookie("token", secret),
        Channel::Basic => request.basic("api", secret),
        Channel::BasicUser => request.basic(secret, ""),
        Channel::Bearer => request.bearer(secret),
        Channel::XApiKey | Channel::ApiKey | Channel::XAuthToken => {
            let header = channel.api_key_header().unwrap_or("x-api-key");
            request.header(header, secret)
        }
    }
}

fn other_channel_shape(channel: Channel, marker: &str) -> String {
    match channel {
        Channel::QueryToken => format!("?token={marker}"),
        Channel::QueryAccessToken => format!("?access_token={marker}"),
        Channel::QueryApiKey => format!("?api_key={marker}"),
        Channel::Cookie => format!("cookie: token={marker}"),
        Channel::Basic => format!("authorization: Basic base64(api:{marker})"),
        Channel::BasicUser => format!("authorization: Basic base64({marker}:)"),
        Channel::Bearer => format!("authorization: Bearer {marker}"),
        Channel::XApiKey | Channel::ApiKey | Channel::XAuthToken => {
            let header = channel.api_key_header().unwrap_or("x-api-key");
            format!("{header}: {marker}")
        }
    }
}

/// Whether a cookie value can carry `value` as it is.
pub(crate) fn cookie_safe(value: &str) -> bool {
    !value.contains(|c: char| c.is_ascii_control() || matches!(c, ' ' | ';' | ',' | '"' | '\\'))
}
