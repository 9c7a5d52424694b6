//! What the planner of each credential kind is handed ([`Planner`]): the route, the secret and
//! its marker, with the scenarios every kind plans alike (the right credential while the
//! secret is readable, missing and failing; the empty credential while it is unreadable).

use super::planned::{Condition, Planned};
use super::route::ProtectedRoute;
use super::scenario::{Outcome, Scenario};
use crate::http::TestRequest;

/// What a credential kind's planner is handed: the route, the secret, and its marker.
pub(crate) struct Planner<'a> {
    pub(crate) route: &'a ProtectedRoute,
    pub(crate) secret: &'a str,
    /// `[secret:BINDING]`.
    pub(crate) marker: String,
}

impl<'a> Planner<'a> {
    pub(crate) fn new(route: &'a ProtectedRoute, secret: &'a str) -> Self {
        Self {
            route,
            secret,
            marker: format!("[secret:{}]", route.binding),
        }
    }

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
        out.push(Planned::new(
            Scenario::RightCredential,
            described.clone(),
            Outcome::Accepted,
            right.clone(),
        ));
        for (scenario, condition, why) in [
            (
                Scenario::SecretMissing,
                Condition::SecretMissing,
                "secret deleted",
            ),
            (
                Scenario::StoreFailing,
                Condition::StoreFailing,
                "store failing",
            ),
        ] {
            out.push(
                Planned::new(
                    scenario,
                    format!("{described} ({why})"),
                    Outcome::FailsClosed,
                    right.clone(),
                )
                .when(condition),
            );
        }
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
                Planned::new(
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
