//! The matrix over HTTP against a Worker-like server on a loopback socket: the same plan,
//! judge and report as in process, for the scenarios that need no change to the store.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use devflare_test::matrix::{Channel, Verdict};
use devflare_test::prelude::*;

use crate::canaries;

/// Serves `connections` requests: `GET /internal/stats` guarded by `Bearer <secret>` (and,
/// when `lenient`, by `?token=<secret>` too), then stops. Returns the base URL.
fn serve(secret: &'static str, lenient: bool, connections: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(stream) = stream else { continue };
            answer(stream, secret, lenient);
        }
    });
    base
}

fn answer(stream: TcpStream, secret: &str, lenient: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let target = line.split(' ').nth(1).unwrap_or("/").to_owned();
    let (mut authorization, mut length) = (None, 0usize);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap();
        match name.to_ascii_lowercase().as_str() {
            "authorization" => authorization = Some(value.trim_start().to_owned()),
            "content-length" => length = value.trim().parse().unwrap(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let bearer = authorization.as_deref() == Some(&format!("Bearer {secret}"));
    let query = lenient
        && target
            .split(['?', '&'])
            .any(|pair| pair == format!("token={secret}"));
    let status = if authorization.is_none() && !query {
        "401 Unauthorized"
    } else if bearer || query {
        "200 OK"
    } else {
        "401 Unauthorized"
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
    );
}

#[test]
fn the_matrix_runs_against_a_worker_over_http() {
    let secret = canaries::value("API_TOKEN");
    let base = serve(secret, false, 64);
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    let report = route.check_remote(&base, secret).unwrap();
    report.assert_passed();
    // The right token went over the wire and got in; store changes were not attempted.
    assert_eq!(
        report.result(Scenario::RightCredential).unwrap().status,
        Some(http::StatusCode::OK)
    );
    for scenario in [
        Scenario::SecretMissing,
        Scenario::StoreFailing,
        Scenario::BindingUnbound,
        Scenario::EmptyCredentialWhileMissing,
    ] {
        assert!(matches!(
            &report.result(scenario).unwrap().verdict,
            Verdict::NotApplicable(why) if why.contains("changes the store")
        ));
    }
    assert!(matches!(
        &report.result(Scenario::TrailingWhitespace).unwrap().verdict,
        Verdict::NotApplicable(why) if why.contains("HTTP drops spaces")
    ));
    assert!(!format!("{report}\n{report:?}").contains(secret));
}

#[test]
fn a_second_channel_on_a_running_worker_is_caught_value_free() {
    let secret = canaries::value("API_TOKEN");
    let base = serve(secret, true, 64);
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .check_remote(&base, secret)
        .unwrap();
    let failure = report.verdict().unwrap_err();
    assert_eq!(
        failure.scenarios(),
        [Scenario::OtherChannel(Channel::QueryToken)]
    );
    let text = format!("{failure}\n{failure:?}");
    assert!(text.contains("`API_TOKEN`"), "{text}");
    assert!(!text.contains(secret), "{text}");
}

#[test]
fn an_unreachable_worker_fails_each_scenario_without_a_value() {
    // Bind, then drop: nothing listens on that port any more.
    let base = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let secret = canaries::value("API_TOKEN");
    let report = ProtectedRoute::get("/cb", "API_TOKEN")
        .check_remote(&base, secret)
        .unwrap();
    let failure = report.verdict().unwrap_err();
    assert!(
        failure.to_string().contains("could not be reached"),
        "{failure}"
    );
    assert!(!format!("{failure}\n{report:?}").contains(secret));
}

/// A body that cannot be read whole (here: cut off before its `content-length`) cannot be
/// scanned for leaks, so the scenario fails instead of passing unscanned.
#[test]
fn a_body_that_cannot_be_read_fails_instead_of_passing_unscanned() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{{}}"
            );
        }
    });
    let secret = canaries::value("API_TOKEN");
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .check_remote(&base, secret)
        .unwrap();
    let failure = report.verdict().unwrap_err();
    assert!(
        failure
            .to_string()
            .contains("could not be read for the leak scan"),
        "{failure}"
    );
    assert!(!format!("{failure}\n{report:?}").contains(secret));
}
