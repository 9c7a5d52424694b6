//! Custom credentials: a function of the test's turns the secret into a credential on a
//! request, with optional near misses.

use std::fmt;
use std::sync::Arc;

use super::plan::{Planned, Planner};
use super::scenario::{Channel, Outcome, Scenario};
use crate::http::TestRequest;

type Apply = Arc<dyn Fn(&str, TestRequest) -> TestRequest + Send + Sync>;
type Derive = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// A credential the matrix cannot know: the test gives a function that puts a credential
/// derived from the secret on a request, and optionally near misses (other secrets derived
/// from the right one) that must be rejected.
///
/// Scenarios: no credential, a wrong secret of the same length, each near miss, the right
/// credential, secret missing, store failing, and the adversarial ones (other channels —
/// declare any your credential uses with [`uses_channel`](Self::uses_channel) — binding
/// unbound, and the credential made from `""` while the secret is missing, while the store
/// fails and with the binding unbound).
///
/// ```
/// use devflare_test::matrix::CustomCredential;
///
/// // `X-Token: <secret reversed>`, a near miss being the secret itself.
/// let reversed = CustomCredential::new("x-token: <secret reversed>", |secret, request| {
///     request.header("x-token", secret.chars().rev().collect::<String>())
/// })
/// .near_miss("not reversed", |secret| secret.chars().rev().collect());
/// # let _ = reversed;
/// ```
#[derive(Clone)]
pub struct CustomCredential {
    pub(crate) description: String,
    apply: Apply,
    near_misses: Vec<(String, Derive)>,
    pub(crate) channels: Vec<Channel>,
}

impl CustomCredential {
    /// `apply(secret, request)` returns `request` carrying the credential made from `secret`;
    /// `description` says how, without a value (it heads the report).
    pub fn new(
        description: impl Into<String>,
        apply: impl Fn(&str, TestRequest) -> TestRequest + Send + Sync + 'static,
    ) -> Self {
        Self {
            description: description.into(),
            apply: Arc::new(apply),
            near_misses: Vec::new(),
            channels: Vec::new(),
        }
    }

    /// A near miss: `derive(secret)` is a secret the handler must reject, sent through the
    /// same function; `label` names it in the report (never give it a value).
    pub fn near_miss(
        mut self,
        label: impl Into<String>,
        derive: impl Fn(&str) -> String + Send + Sync + 'static,
    ) -> Self {
        self.near_misses.push((label.into(), Arc::new(derive)));
        self
    }

    /// This credential travels on `channel`, so the matrix does not probe it as another
    /// way in.
    pub fn uses_channel(mut self, channel: Channel) -> Self {
        self.channels.push(channel);
        self
    }

    /// Plans this credential's scenarios; returns the request carrying the right credential.
    pub(crate) fn plan(&self, planner: &Planner<'_>, out: &mut Vec<Planned>) -> TestRequest {
        let secret = planner.secret;
        let marker = &planner.marker;
        let with = |value: &str| (self.apply)(value, planner.route.base_request());
        out.push(Planned::send(
            Scenario::NoCredentials,
            "(none)".to_owned(),
            Outcome::Rejected,
            planner.route.base_request(),
        ));
        let wrong = planner.wrong_token();
        out.push(
            Planned::send(
                Scenario::WrongToken,
                "from [a wrong secret of the same length]".to_owned(),
                Outcome::Rejected,
                with(&wrong),
            )
            .presenting(wrong),
        );
        for (index, (label, derive)) in self.near_misses.iter().enumerate() {
            let scenario = Scenario::CustomNearMiss(u8::try_from(index).unwrap_or(u8::MAX));
            let near = derive(secret);
            let planned = if near == secret {
                Planned::skip(scenario, "it would equal the right secret")
            } else {
                Planned::send(
                    scenario,
                    format!("from {marker}[{label}]"),
                    Outcome::Rejected,
                    with(&near),
                )
                .presenting(near)
            };
            out.push(planned.labelled(format!("near miss: {label}")));
        }
        let right = with(secret);
        planner.push_right_and_unreadable(out, &right, format!("from {marker}"));
        if planner.route.adversarial {
            planner.push_empty_while_unreadable(
                out,
                super::token::EMPTY_WHILE_UNREADABLE,
                "from \"\"",
                &with(""),
            );
        }
        right
    }
}

impl fmt::Debug for CustomCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let labels: Vec<&str> = self.near_misses.iter().map(|(l, _)| l.as_str()).collect();
        f.debug_struct("CustomCredential")
            .field("description", &self.description)
            .field("near_misses", &labels)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}
