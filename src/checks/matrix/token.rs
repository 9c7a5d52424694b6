//! Token credentials — a header (with or without scheme), Basic, a query parameter, a
//! cookie — and their scenarios: absent, empty, malformed, wrong, near misses, right.

use super::plan::{Planned, Planner};
use super::route::Kind;
use super::scenario::{Outcome, Scenario};
use crate::codec::base64;
use crate::http::TestRequest;

/// The empty-credential scenarios while the secret is missing, the store fails, the binding
/// is unbound.
pub(crate) const EMPTY_WHILE_UNREADABLE: [Scenario; 3] = [
    Scenario::EmptyCredentialWhileMissing,
    Scenario::EmptyCredentialWhileFailing,
    Scenario::EmptyCredentialWhileUnbound,
];

/// Plans the token scenarios; returns the request carrying the right token.
pub(crate) fn plan(planner: &Planner<'_>, out: &mut Vec<Planned>) -> TestRequest {
    let route = planner.route;
    let secret = planner.secret;
    let marker = planner.marker.as_str();
    let kind = &route.kind;
    let base = || route.base_request();
    let present = |token: &str| present(kind, base(), token);
    let describe = |shown: &str| describe(kind, shown);
    let near_miss = |scenario, token: String, shown: String| {
        if token == secret {
            Planned::skip(scenario, "it would equal the right token")
        } else {
            Planned::send(
                scenario,
                describe(&shown),
                Outcome::Rejected,
                present(&token),
            )
            .presenting(token)
        }
    };

    out.push(Planned::send(
        Scenario::NoCredentials,
        "(none)".to_owned(),
        Outcome::Rejected,
        base(),
    ));
    let empty = match kind {
        Kind::Header { name, .. } => Planned::send(
            Scenario::EmptyCredential,
            format!("{}: \"\"", name.to_ascii_lowercase()),
            Outcome::Rejected,
            base().header(name, ""),
        ),
        _ => Planned::send(
            Scenario::EmptyCredential,
            describe("\"\""),
            Outcome::Rejected,
            present(""),
        ),
    };
    out.push(empty);
    plan_scheme(planner, out);
    if let Kind::Basic { user } = kind {
        out.push(
            Planned::send(
                Scenario::WrongUser,
                format!("authorization: Basic base64({user}x:{marker})"),
                Outcome::Rejected,
                base().basic(format!("{user}x"), secret),
            )
            .presenting(secret.to_owned()),
        );
    }

    out.push(near_miss(
        Scenario::WrongToken,
        planner.wrong_token(),
        "[a wrong token of the same length]".to_owned(),
    ));
    let mut chars = secret.chars();
    chars.next_back();
    out.push(near_miss(
        Scenario::Prefix,
        chars.as_str().to_owned(),
        format!("{marker}[..-1]"),
    ));
    let mut chars = secret.chars();
    chars.next();
    out.push(near_miss(
        Scenario::Suffix,
        chars.as_str().to_owned(),
        format!("{marker}[1..]"),
    ));
    out.push(near_miss(
        Scenario::Extended,
        format!("{secret}x"),
        format!("{marker}+\"x\""),
    ));
    let middle = secret.chars().count() / 2;
    let changed = secret
        .chars()
        .enumerate()
        .map(|(i, c)| if i == middle { other_char(c) } else { c })
        .collect();
    out.push(near_miss(
        Scenario::OneCharChanged,
        changed,
        format!("{marker}[middle changed]"),
    ));
    let swapped: String = secret.chars().map(swap_case).collect();
    out.push(if swapped == secret {
        Planned::skip(
            Scenario::OtherCase,
            "the token has no ASCII letters, so its other case is itself",
        )
    } else {
        near_miss(
            Scenario::OtherCase,
            swapped,
            format!("{marker}[case swapped]"),
        )
    });
    for (scenario, token, shown) in [
        (
            Scenario::LeadingWhitespace,
            format!(" {secret}"),
            format!("␠{marker}"),
        ),
        (
            Scenario::TrailingWhitespace,
            format!("{secret} "),
            format!("{marker}␠"),
        ),
    ] {
        out.push(if matches!(kind, Kind::Cookie { .. }) {
            Planned::skip(scenario, "cookie values cannot hold spaces")
        } else {
            near_miss(scenario, token, shown)
        });
    }

    let right = present(secret);
    planner.push_right_and_unreadable(out, &right, describe(marker));
    if route.adversarial {
        // What gets in when a handler treats an unreadable secret as "": the scheme with an
        // empty token, or the empty value.
        let request = match kind {
            Kind::Header {
                name,
                scheme: Some(scheme),
            } => base().header(name, format!("{scheme} ")),
            _ => present(""),
        };
        planner.push_empty_while_unreadable(
            out,
            EMPTY_WHILE_UNREADABLE,
            &describe("\"\""),
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
        Kind::Header {
            name,
            scheme: Some(scheme),
        } => (
            name.as_str(),
            scheme.as_str(),
            planner.secret.to_owned(),
            marker.to_owned(),
        ),
        Kind::Basic { user } => (
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
        Planned::send(
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
fn present(kind: &Kind, request: TestRequest, token: &str) -> TestRequest {
    match kind {
        Kind::Header {
            name,
            scheme: Some(scheme),
        } => request.header(name, format!("{scheme} {token}")),
        Kind::Header { name, scheme: None } => request.header(name, token),
        Kind::Basic { user } => request.basic(user, token),
        Kind::Query { param } => request.query(param, token),
        Kind::Cookie { name } => request.cookie(name, token),
        _ => request,
    }
}

/// How `kind` carries a token shown as `shown` (a marker, never a value).
fn describe(kind: &Kind, shown: &str) -> String {
    match kind {
        Kind::Header {
            name,
            scheme: Some(scheme),
        } => format!("{}: {scheme} {shown}", name.to_ascii_lowercase()),
        Kind::Header { name, scheme: None } => format!("{}: {shown}", name.to_ascii_lowercase()),
        Kind::Basic { user } => format!("authorization: Basic base64({user}:{shown})"),
        Kind::Query { param } => format!("?{param}={shown}"),
        Kind::Cookie { name } => format!("cookie: {name}={shown}"),
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
