//! Token credentials — a header (with or without scheme), Basic, a query parameter, a
//! cookie — and their scenarios: absent, empty, malformed, wrong, near misses, right.

use super::planned::{EMPTY_WHILE_UNREADABLE, Planned};
use super::planner::Planner;
use super::route::CredentialKind;
use super::scenario::{Outcome, Scenario};
use crate::codec::base64;
use crate::http::TestRequest;

/// Plans the token scenarios, group by group; returns the request carrying the right token.
pub(crate) fn plan(planner: &Planner<'_>, out: &mut Vec<Planned>) -> TestRequest {
    plan_absent_and_empty(planner, out);
    plan_scheme(planner, out);
    plan_wrong_user(planner, out);
    plan_near_misses(planner, out);
    plan_right(planner, out)
}

/// No credential at all, and the credential present but empty.
fn plan_absent_and_empty(planner: &Planner<'_>, out: &mut Vec<Planned>) {
    let route = planner.route;
    let kind = &route.kind;
    out.push(Planned::new(
        Scenario::NoCredentials,
        "(none)".to_owned(),
        Outcome::Rejected,
        route.base_request(),
    ));
    out.push(match kind {
        CredentialKind::Header { name, .. } => Planned::new(
            Scenario::EmptyCredential,
            format!("{}: \"\"", name.to_ascii_lowercase()),
            Outcome::Rejected,
            route.base_request().header(name, ""),
        ),
        _ => Planned::new(
            Scenario::EmptyCredential,
            describe(kind, "\"\""),
            Outcome::Rejected,
            present(kind, route.base_request(), ""),
        ),
    });
}

/// Basic with the right password and another user.
fn plan_wrong_user(planner: &Planner<'_>, out: &mut Vec<Planned>) {
    let route = planner.route;
    if let CredentialKind::Basic { user } = &route.kind {
        out.push(
            Planned::new(
                Scenario::WrongUser,
                format!("authorization: Basic base64({user}x:{})", planner.marker),
                Outcome::Rejected,
                route
                    .base_request()
                    .basic(format!("{user}x"), planner.secret),
            )
            .presenting(planner.secret.to_owned()),
        );
    }
}

/// The near misses, each sent as the route carries its token: a wrong token of the same
/// length, one character short at either end, one too many, one changed, the other case,
/// a space before or after.
fn plan_near_misses(planner: &Planner<'_>, out: &mut Vec<Planned>) {
    let route = planner.route;
    let (secret, marker, kind) = (planner.secret, planner.marker.as_str(), &route.kind);
    let mut shorter = secret.chars();
    shorter.next_back();
    let mut later = secret.chars();
    later.next();
    let middle = secret.chars().count() / 2;
    let changed: String = secret
        .chars()
        .enumerate()
        .map(|(i, c)| if i == middle { other_char(c) } else { c })
        .collect();
    let swapped: String = secret.chars().map(swap_case).collect();
    let same_case = (swapped == secret)
        .then_some("the token has no ASCII letters, so its other case is itself");
    let is_cookie = matches!(kind, CredentialKind::Cookie { .. });
    // (scenario, token sent, how the row shows it, why it cannot be sent here)
    let table: [(Scenario, String, String, Option<&str>); 8] = [
        (
            Scenario::WrongToken,
            planner.wrong_token(),
            "[a wrong token of the same length]".to_owned(),
            None,
        ),
        (
            Scenario::Prefix,
            shorter.as_str().to_owned(),
            format!("{marker}[..-1]"),
            None,
        ),
        (
            Scenario::Suffix,
            later.as_str().to_owned(),
            format!("{marker}[1..]"),
            None,
        ),
        (
            Scenario::Extended,
            format!("{secret}x"),
            format!("{marker}+\"x\""),
            None,
        ),
        (
            Scenario::OneCharChanged,
            changed,
            format!("{marker}[middle changed]"),
            None,
        ),
        (
            Scenario::OtherCase,
            swapped,
            format!("{marker}[case swapped]"),
            same_case,
        ),
        (
            Scenario::LeadingWhitespace,
            format!(" {secret}"),
            format!("␠{marker}"),
            is_cookie.then_some("cookie values cannot hold spaces"),
        ),
        (
            Scenario::TrailingWhitespace,
            format!("{secret} "),
            format!("{marker}␠"),
            is_cookie.then_some("cookie values cannot hold spaces"),
        ),
    ];
    for (scenario, token, shown, why_not) in table {
        out.push(if let Some(why) = why_not {
            Planned::skip(scenario, why)
        } else if token == secret {
            Planned::skip(scenario, "it would equal the right token")
        } else {
            Planned::new(
                scenario,
                describe(kind, &shown),
                Outcome::Rejected,
                present(kind, route.base_request(), &token),
            )
            .presenting(token)
        });
    }
}

/// The right token (readable, missing, failing) and, adversarially, the empty one while the
/// secret cannot be read.
fn plan_right(planner: &Planner<'_>, out: &mut Vec<Planned>) -> TestRequest {
    let route = planner.route;
    let kind = &route.kind;
    let right = present(kind, route.base_request(), planner.secret);
    planner.push_right_and_unreadable(out, &right, describe(kind, &planner.marker));
    if route.adversarial {
        // What gets in when a handler treats an unreadable secret as "": the scheme with an
        // empty token, or the empty value.
        let request = match kind {
            CredentialKind::Header {
                name,
                scheme: Some(scheme),
            } => route.base_request().header(name, format!("{scheme} ")),
            _ => present(kind, route.base_request(), ""),
        };
        planner.push_empty_while_unreadable(
            out,
            EMPTY_WHILE_UNREADABLE,
            &describe(kind, "\"\""),
            &request,
        );
    }
    right
}

/// The scheme scenarios of a header with a scheme, or of Basic.
fn plan_scheme(planner: &Planner<'_>, out: &mut Vec<Planned>) {
    let route = planner.route;
    let marker = planner.marker.as_str();
    let (header, scheme, payload, shown) = match &route.kind {
        CredentialKind::Header {
            name,
            scheme: Some(scheme),
        } => (
            name.as_str(),
            scheme.as_str(),
            planner.secret.to_owned(),
            marker.to_owned(),
        ),
        CredentialKind::Basic { user } => (
            "authorization",
            "Basic",
            base64(format!("{user}:{}", planner.secret).as_bytes()),
            format!("base64({user}:{marker})"),
        ),
        _ => {
            let why = "the credential has no scheme";
            for scenario in [
                Scenario::SchemeOnly,
                Scenario::TokenWithoutScheme,
                Scenario::WrongScheme,
                Scenario::SchemeLowerCase,
                Scenario::SchemeUpperCase,
            ] {
                out.push(Planned::skip(scenario, why));
            }
            return;
        }
    };
    let name = header.to_ascii_lowercase();
    let send = |scenario, value: String, described: String, outcome| {
        Planned::new(
            scenario,
            format!("{name}: {described}"),
            outcome,
            route.base_request().header(header, value),
        )
        .presenting(planner.secret.to_owned())
    };
    out.push(send(
        Scenario::SchemeOnly,
        scheme.to_owned(),
        scheme.to_owned(),
        Outcome::Rejected,
    ));
    out.push(send(
        Scenario::TokenWithoutScheme,
        payload.clone(),
        shown.clone(),
        Outcome::Rejected,
    ));
    let other = if scheme.eq_ignore_ascii_case("Basic") {
        "Bearer"
    } else {
        "Basic"
    };
    out.push(send(
        Scenario::WrongScheme,
        format!("{other} {payload}"),
        format!("{other} {shown}"),
        Outcome::Rejected,
    ));
    for scenario in [Scenario::SchemeLowerCase, Scenario::SchemeUpperCase] {
        let cased = if scenario == Scenario::SchemeLowerCase {
            scheme.to_ascii_lowercase()
        } else {
            scheme.to_ascii_uppercase()
        };
        out.push(if cased == scheme {
            Planned::skip(scenario, "the scheme is already in that case")
        } else {
            let outcome = if route.scheme_any_case {
                Outcome::Accepted
            } else {
                Outcome::Rejected
            };
            send(
                scenario,
                format!("{cased} {payload}"),
                format!("{cased} {shown}"),
                outcome,
            )
        });
    }
}

/// `request` carrying `token` the way `kind` says.
fn present(kind: &CredentialKind, request: TestRequest, token: &str) -> TestRequest {
    match kind {
        CredentialKind::Header {
            name,
            scheme: Some(scheme),
        } => request.header(name, format!("{scheme} {token}")),
        CredentialKind::Header { name, scheme: None } => request.header(name, token),
        CredentialKind::Basic { user } => request.basic(user, token),
        CredentialKind::Query { param } => request.query(param, token),
        CredentialKind::Cookie { name } => request.cookie(name, token),
        _ => request,
    }
}

/// How `kind` carries a token shown as `shown` (a marker, never a value).
fn describe(kind: &CredentialKind, shown: &str) -> String {
    match kind {
        CredentialKind::Header {
            name,
            scheme: Some(scheme),
        } => format!("{}: {scheme} {shown}", name.to_ascii_lowercase()),
        CredentialKind::Header { name, scheme: None } => {
            format!("{}: {shown}", name.to_ascii_lowercase())
        }
        CredentialKind::Basic { user } => format!("authorization: Basic base64({user}:{shown})"),
        CredentialKind::Query { param } => format!("?{param}={shown}"),
        CredentialKind::Cookie { name } => format!("cookie: {name}={shown}"),
        _ => shown.to_owned(),
    }
}

/// A character that differs from `c` but stays in its class where possible.
fn other_char(c: char) -> char {
    match c {
        '0'..='8' | 'a'..='y' | 'A'..='Y' => char::from(c as u8 + 1),
        '9' => '0',
        'z' => 'a',
        'Z' => 'A',
        _ => 'x',
    }
}

fn swap_case(c: char) -> char {
    if c.is_ascii_lowercase() {
        c.to_ascii_uppercase()
    } else {
        c.to_ascii_lowercase()
    }
}
