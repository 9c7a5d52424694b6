//! The scenarios of a custom credential: none, one made from a wrong secret, each near miss,
//! the right one (readable, missing, failing) and, adversarially, the one made from `""`
//! while the secret cannot be read.

use super::custom::CustomCredential;
use super::planned::{EMPTY_WHILE_UNREADABLE, Planned};
use super::planner::Planner;
use super::scenario::{Outcome, Scenario};
use crate::http::TestRequest;

/// Plans this credential's scenarios; returns the request carrying the right credential.
pub(crate) fn plan(
    custom: &CustomCredential,
    planner: &Planner<'_>,
    out: &mut Vec<Planned>,
) -> TestRequest {
    let secret = planner.secret;
    let marker = &planner.marker;
    let with = |value: &str| (custom.apply)(value, planner.route.base_request());
    out.push(Planned::new(
        Scenario::NoCredentials,
        "(none)".to_owned(),
        Outcome::Rejected,
        planner.route.base_request(),
    ));
    let wrong = planner.wrong_token();
    out.push(
        Planned::new(
            Scenario::WrongToken,
            "from [a wrong secret of the same length]".to_owned(),
            Outcome::Rejected,
            with(&wrong),
        )
        .presenting(wrong),
    );
    for (index, (label, derive)) in custom.near_misses.iter().enumerate() {
        let scenario = Scenario::CustomNearMiss(u8::try_from(index).unwrap_or(u8::MAX));
        let near = derive(secret);
        let planned = if near == secret {
            Planned::skip(scenario, "it would equal the right secret")
        } else {
            Planned::new(
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
        planner.push_empty_while_unreadable(out, EMPTY_WHILE_UNREADABLE, "from \"\"", &with(""));
    }
    right
}
