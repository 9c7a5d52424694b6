//! Planning: which request each scenario sends, under which store condition, and what it
//! must get — for every credential kind (each kind's own scenarios come from its planner:
//! `token_plan.rs`, `custom_plan.rs`, `signature_plan.rs`), then the adversarial probes every
//! kind shares, then what the whole plan hides. No sending here: every runner runs the same
//! plan. A route keeps its last plan, so a route checked again with the same secret plans
//! nothing.

use std::sync::Arc;

use super::error::MIN_TOKEN_CHARS;
use super::hide::{Hidden, HiddenCache, credential_parts};
use super::planned::{Condition, Plan, Planned, Planning};
use super::planner::Planner;
use super::route::{CredentialKind, ProtectedRoute};
use super::scenario::{Channel, Outcome, Scenario};
use crate::http::{TestRequest, cookie_safe};

/// The plan of `route` for `secret` (the binding's current value): the one the route keeps
/// when it was made for the same inputs, else a new one (see `PlanCache`; what it hides taken
/// from `cache` when that was built for the same credentials). A custom credential is planned
/// anew at every check.
pub(crate) fn plan(route: &ProtectedRoute, secret: &Arc<str>, cache: &HiddenCache) -> Planning {
    if let CredentialKind::Custom(_) = route.kind {
        // The test's functions may not be pure (a nonce, the wall clock): call them anew at
        // every check, as before plans were kept.
        return Planning::Once(plan_anew(route, secret, cache));
    }
    route.plans.get_or_plan(
        |inputs| route.plans_like(inputs, secret),
        || route.plan_inputs(secret),
        || plan_anew(route, secret, cache),
    )
}

/// Every scenario for `route`, with `secret` the binding's current value, in report order.
fn plan_anew(route: &ProtectedRoute, shared: &Arc<str>, cache: &HiddenCache) -> Plan {
    let secret: &str = shared;
    let planner = Planner::new(route, secret);
    let mut out = Vec::with_capacity(40);
    let (right, without_credential) = match &route.kind {
        #[cfg(feature = "webhooks")]
        CredentialKind::Signed(signature) => {
            let right = super::signature_plan::plan(signature, &planner, &mut out);
            let bare = signature.present(route.base_request(), None, route.clock.unix_secs());
            (right, bare)
        }
        CredentialKind::Custom(custom) => (
            super::custom_plan::plan(custom, &planner, &mut out),
            route.base_request(),
        ),
        _ => (
            super::token_plan::plan(&planner, &mut out),
            route.base_request(),
        ),
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
                Planned::new(
                    Scenario::OtherChannel(channel),
                    other_channel_shape(channel, &planner.marker),
                    Outcome::Rejected,
                    request,
                )
                .presenting(secret.to_owned()),
            );
        }
        out.push(
            Planned::new(
                Scenario::BindingUnbound,
                "the right credential (env without the binding)".to_owned(),
                Outcome::FailsClosed,
                right,
            )
            .when(Condition::BindingUnbound),
        );
    }
    let hidden = share_hidden(route, secret, &mut out, cache);
    Plan::new(out, hidden, Arc::clone(shared))
}

/// What every scenario of a plan hides: the credentials computed from the secret (to a
/// redactor, labelled with the binding, so every encoding it knows is covered) and the words
/// anyone may know.
fn share_hidden(
    route: &ProtectedRoute,
    secret: &str,
    out: &mut [Planned],
    cache: &HiddenCache,
) -> Arc<Hidden> {
    let mut public: Vec<String> = vec!["Bearer".to_owned(), "Basic".to_owned()];
    let mut computed: Vec<String> = Vec::new();
    match &route.kind {
        CredentialKind::Header {
            scheme: Some(scheme),
            ..
        } => public.push(scheme.clone()),
        #[cfg(feature = "webhooks")]
        CredentialKind::Signed(signature) => public.extend(signature.public_words()),
        CredentialKind::Custom(_) => {
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
    let numbers_public = matches!(route.kind, CredentialKind::Signed(_));
    #[cfg(not(feature = "webhooks"))]
    let numbers_public = false;
    cache.get(&route.binding, computed, public, numbers_public)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> Arc<str> {
        Arc::from(value)
    }

    fn shared(planning: Planning) -> Arc<Plan> {
        match planning {
            Planning::Shared(plan) => plan,
            Planning::Once(_) => panic!("planned for one check only"),
        }
    }

    fn once(planning: Planning) -> Plan {
        match planning {
            Planning::Once(plan) => plan,
            Planning::Shared(_) => panic!("a kept plan"),
        }
    }

    fn header_of(plan: &Plan, scenario: Scenario, name: &str) -> Option<String> {
        let planned = plan.scenarios.iter().find(|p| p.scenario == scenario)?;
        let request = planned.build_request().ok()?;
        let value = request.headers().get(name)?;
        Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
    }

    #[test]
    fn a_route_checked_again_with_the_same_secret_reuses_its_plan() {
        let cache = HiddenCache::default();
        let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
        // The first check plans for itself alone; the second keeps its plan for the third.
        let first = once(plan(&route, &secret("plan-cache-token-1"), &cache));
        assert!(first.requests.is_empty(), "built as sent, not kept");
        let second = shared(plan(&route, &secret("plan-cache-token-1"), &cache));
        assert_eq!(second.requests.len(), second.scenarios.len());
        let third = shared(plan(&route, &secret("plan-cache-token-1"), &cache));
        assert!(Arc::ptr_eq(&second, &third));
        // Another secret plans anew: every request carries the new one.
        let rotated = once(plan(&route, &secret("plan-cache-token-2"), &cache));
        assert_eq!(
            header_of(&rotated, Scenario::RightCredential, "authorization").as_deref(),
            Some("Bearer plan-cache-token-2")
        );
    }

    #[test]
    fn a_route_changed_after_planning_never_runs_the_old_plan() {
        let cache = HiddenCache::default();
        let token = secret("plan-cache-token-1");
        let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
        let _ = once(plan(&route, &token, &cache));
        let _ = shared(plan(&route, &token, &cache));
        // A clone starts empty; a route moved into a builder keeps its cache, whose inputs
        // then differ.
        let cloned = route.clone();
        let moved = route.header("x-api-token");
        let changed = once(plan(&moved, &token, &cache));
        assert_eq!(
            header_of(&changed, Scenario::RightCredential, "x-api-token").as_deref(),
            Some("Bearer plan-cache-token-1")
        );
        let _ = once(plan(&cloned, &token, &cache));
        for (changed_route, what) in [
            (cloned.clone().now(crate::http::TestClock::at(1)), "clock"),
            (cloned.clone().without_adversarial(), "adversarial"),
            (cloned.clone().body("x"), "body"),
            (cloned.clone().scheme_case_insensitive(), "scheme case"),
        ] {
            // The key a plan is cached under tells every planning input apart.
            let inputs = changed_route.plan_inputs(&token);
            assert!(changed_route.plans_like(&inputs, &token), "{what}");
            assert!(!cloned.plans_like(&inputs, &token), "{what}");
            assert!(
                !changed_route.plans_like(&inputs, "another-secret"),
                "{what}"
            );
        }
    }

    #[test]
    fn a_custom_credential_is_planned_anew_at_every_check() {
        use super::super::custom::CustomCredential;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let credential = CustomCredential::new("x-token: <secret>", move |s, r| {
            counted.fetch_add(1, Ordering::Relaxed);
            r.header("x-token", s)
        });
        let route = ProtectedRoute::get("/s", "API_TOKEN").custom(credential);
        let cache = HiddenCache::default();
        let mut per_check = Vec::new();
        for _ in 0..3 {
            let before = calls.load(Ordering::Relaxed);
            let _ = once(plan(&route, &secret("plan-cache-token-1"), &cache));
            per_check.push(calls.load(Ordering::Relaxed) - before);
        }
        assert!(
            per_check.iter().all(|&n| n > 0 && n == per_check[0]),
            "{per_check:?}"
        );
    }

    #[test]
    fn a_custom_credential_is_the_same_only_with_the_same_functions() {
        use super::super::custom::CustomCredential;
        let make = || CustomCredential::new("x-token: <secret>", |s, r| r.header("x-token", s));
        let a = make();
        assert!(a == a.clone());
        assert!(
            a != make(),
            "another closure, though alike, is another credential"
        );
    }
}
