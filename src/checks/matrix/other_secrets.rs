//! The other secrets a route reads besides its credential's binding — declared with
//! [`ProtectedRoute::also_reads`], or read during the right credential's run — and their
//! scenarios: the right credential with each of them missing, failing and (a Secrets Store
//! binding) unbound. Planned after the main plan ran, since the read log that finds them is
//! only known then; run by the same runner (`run.rs`).

use std::sync::Arc;

use super::error::MatrixError;
use super::planned::{Condition, Planned};
use super::report::ScenarioResult;
use super::route::ProtectedRoute;
use super::scenario::{Outcome, Scenario};
use crate::env::BindingKind;
use crate::env::SecretsEnv;
use crate::suggest::closest;

/// Checks that every secret `route` declares it reads is a Secrets Store binding or a classic
/// secret of `env`.
///
/// # Errors
///
/// [`MatrixError::OtherSecretUnbound`], with the closest secret name (or saying it is a var).
pub(crate) fn check_declared(route: &ProtectedRoute, env: &SecretsEnv) -> Result<(), MatrixError> {
    for name in &route.also_reads {
        match env.binding_kind(name) {
            Some(BindingKind::SecretsStore | BindingKind::ClassicSecret) => {}
            kind => {
                let secrets = env.binding_names().chain(env.classic_secret_names());
                return Err(MatrixError::OtherSecretUnbound {
                    secret: name.clone(),
                    closest: closest(name, secrets),
                    is_var: kind == Some(BindingKind::Var),
                });
            }
        }
    }
    Ok(())
}

/// The other secrets of `route`: those it declares, then those the right credential's run
/// read (`right`'s read log: Secrets Store bindings and classic secrets, sorted), each once,
/// never the binding itself. At most 256 (a scenario holds the index in a `u8`).
pub(crate) fn others(route: &ProtectedRoute, right: Option<&ScenarioResult>) -> Vec<Arc<str>> {
    let mut names: Vec<Arc<str>> = Vec::new();
    let mut add = |name: &str| {
        if name != route.binding && !names.iter().any(|known| **known == *name) {
            names.push(Arc::from(name));
        }
    };
    for name in &route.also_reads {
        add(name);
    }
    if let Some(right) = right {
        for reads in right.reads.bindings() {
            if reads.reads() > 0
                && matches!(
                    reads.kind,
                    BindingKind::SecretsStore | BindingKind::ClassicSecret
                )
            {
                add(&reads.binding);
            }
        }
    }
    names.truncate(usize::from(u8::MAX) + 1);
    names
}

/// The scenarios of `others`, each the right credential (`right`, as planned) under one
/// condition; an unbound classic secret is *not applicable* (deleted, it is unbound).
pub(crate) fn plan(env: &SecretsEnv, right: &Planned, others: &[Arc<str>]) -> Vec<Planned> {
    let mut out = Vec::with_capacity(others.len() * 3);
    for (index, name) in others.iter().enumerate() {
        let index = u8::try_from(index).unwrap_or(u8::MAX);
        // Unknown (a running Worker's env is not seen): planned as a binding, and the remote
        // transport reports it not applicable as every scenario that changes the store.
        let classic = env.binding_kind(name) == Some(BindingKind::ClassicSecret);
        for (scenario, condition, label, why) in [
            (
                Scenario::OtherSecretMissing(index),
                Condition::OtherSecretMissing,
                "missing",
                "deleted",
            ),
            (
                Scenario::OtherSecretFailing(index),
                Condition::OtherSecretFailing,
                "failing",
                "every read failing",
            ),
            (
                Scenario::OtherSecretUnbound(index),
                Condition::OtherSecretUnbound,
                "unbound",
                "env without it",
            ),
        ] {
            let label = format!("{name} {label}");
            let planned = match &right.request {
                _ if classic && condition == Condition::OtherSecretUnbound => Planned::skip(
                    scenario,
                    &format!(
                        "a classic secret that is deleted is unbound (\"Binding `{name}` is \
                         undefined.\"): `{name} missing` is this case"
                    ),
                ),
                Ok(request) => Planned::new(
                    scenario,
                    format!("{} ({name} {why})", right.credential),
                    Outcome::FailsClosed,
                    request.clone(),
                )
                .when(condition),
                Err(why) => Planned::skip(scenario, why),
            };
            let mut planned = planned.labelled(label);
            planned.other = Some(Arc::clone(name));
            out.push(planned);
        }
    }
    out
}
