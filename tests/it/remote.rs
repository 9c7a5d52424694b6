//! The matrix over HTTP against a Worker-like server on a loopback socket: the same plan,
//! judge and report as in process, for the scenarios that need no change to the store.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use devflare_test::matrix::Scenario;
use devflare_test::matrix::{Channel, Verdict};
use devflare_test::prelude::*;
use devflare_test::{matrix::MatrixError, matrix::MatrixReport};

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
        // Only the line ending: a Worker sees a value's trailing spaces as sent.
        let header = header.trim_end_matches(['\r', '\n']);
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
    // A trailing space goes on the wire as built: sent and judged, not "not applicable".
    assert_eq!(
        report.result(Scenario::TrailingWhitespace).unwrap().status,
        Some(http::StatusCode::UNAUTHORIZED)
    );
    assert!(!format!("{report}\n{report:?}").contains(secret));
}

/// The other secrets a route declares get their rows, not applicable over HTTP (they change
/// the store; the Worker's env and outbound requests are not seen from here).
#[test]
fn declared_other_secrets_are_not_applicable_against_a_running_worker() {
    let secret = canaries::value("API_TOKEN");
    let base = serve(secret, false, 64);
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN").also_reads("PARTNER_API_KEY");
    let report = route.check_remote(&base, secret).unwrap();
    report.assert_passed();
    for scenario in [
        Scenario::OtherSecretMissing(0),
        Scenario::OtherSecretFailing(0),
        Scenario::OtherSecretUnbound(0),
    ] {
        let row = report.result(scenario).unwrap();
        assert!(row.name.starts_with("PARTNER_API_KEY "), "{report}");
        assert!(
            matches!(&row.verdict, Verdict::NotApplicable(why) if why.contains("changes the store")),
            "{report}"
        );
    }
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

/// The requests a [`Recorder`] received, each as raw bytes (head and body).
type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

/// A loopback server that records every request byte for byte and answers each with what
/// `respond` writes (given the raw request); stops after `connections`.
fn recorder(
    ip: &str,
    connections: usize,
    respond: impl Fn(&[u8], &mut TcpStream) + Send + 'static,
) -> (String, Seen) {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { continue };
            let raw = read_request(&stream);
            log.lock().unwrap().push(raw.clone());
            respond(&raw, &mut stream);
        }
    });
    (base, seen)
}

/// One request's raw bytes: the head up to the blank line, then `content-length` bytes.
fn read_request(stream: &TcpStream) -> Vec<u8> {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut raw = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
            return raw;
        }
        raw.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some(value) = text.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if line == b"\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    raw.extend_from_slice(&body);
    raw
}

/// The value of `name` in a raw request head, exactly as it was on the wire (after `name:`).
fn raw_header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    head.split("\r\n").find_map(|line| {
        let (n, value) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| value.to_owned())
    })
}

/// Answers 200 to exactly `Bearer <secret>` (as received, spaces included), 401 otherwise.
fn strict_bearer(secret: &'static str) -> impl Fn(&[u8], &mut TcpStream) + Send + 'static {
    move |raw, stream| {
        let right =
            raw_header(raw, "authorization").as_deref() == Some(&format!(" Bearer {secret}"));
        let status = if right { "200 OK" } else { "401 Unauthorized" };
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
        );
    }
}

#[test]
fn edge_spaces_go_on_the_wire_as_built_and_are_judged() {
    let secret = canaries::value("API_TOKEN");
    let (base, seen) = recorder("127.0.0.1", 64, strict_bearer(secret));
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .check_remote(&base, secret)
        .unwrap();
    report.assert_passed();
    // The trailing space reached the Worker: sent, and judged like any other scenario.
    let sent: Vec<Option<String>> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|raw| raw_header(raw, "authorization"))
        .collect();
    assert!(sent.contains(&Some(format!(" Bearer {secret} "))));
    assert!(sent.contains(&Some(format!(" Bearer  {secret}"))));
    for scenario in [Scenario::TrailingWhitespace, Scenario::LeadingWhitespace] {
        let result = report.result(scenario).unwrap();
        assert_eq!(result.verdict, Verdict::Pass, "{scenario:?}");
        assert_eq!(result.status, Some(http::StatusCode::UNAUTHORIZED));
    }
}

#[test]
fn a_bare_header_s_leading_space_is_not_applicable_and_its_trailing_space_is_sent() {
    let secret = canaries::value("API_TOKEN");
    let (base, seen) = recorder("127.0.0.1", 64, |_, stream| {
        let _ = write!(
            stream,
            "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        );
    });
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .api_key_header("X-Api-Key")
        .check_remote(&base, secret)
        .unwrap();
    assert!(matches!(
        &report.result(Scenario::LeadingWhitespace).unwrap().verdict,
        Verdict::NotApplicable(why) if why.contains("RFC 9112")
    ));
    assert_eq!(
        report.result(Scenario::TrailingWhitespace).unwrap().status,
        Some(http::StatusCode::UNAUTHORIZED)
    );
    let sent: Vec<Option<String>> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|raw| raw_header(raw, "x-api-key"))
        .collect();
    assert!(sent.contains(&Some(format!(" {secret} "))));
}

/// How long the timeout tests wait: short, since the verdict is what they assert (every
/// scenario waits it out in turn: ~25 of them). A slow machine only makes a scenario time out
/// sooner, never pass.
const SHORT: Duration = Duration::from_millis(50);

/// A Worker that reads each request and then keeps the connection open, sending `then`
/// (possibly nothing) and never the rest. Returns the base URL.
fn stalling(then: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            read_request(&stream);
            let _ = stream.write_all(then.as_bytes());
            let _ = stream.flush();
            // Kept open, unanswered, until the test process ends.
            open.push(stream);
        }
    });
    base
}

fn assert_every_sent_scenario_timed_out(report: &MatrixReport, secret: &str) {
    let failure = report.verdict().unwrap_err();
    let text = failure.to_string();
    assert!(
        failure.scenarios().contains(&Scenario::RightCredential),
        "{text}"
    );
    assert!(text.contains("scenario `right credential`"), "{text}");
    assert!(text.contains("timed out"), "{text}");
    assert!(text.contains("remote_timeout"), "{text}");
    for result in report.results() {
        if !matches!(result.verdict, Verdict::NotApplicable(_)) {
            assert!(result.failed(), "{}", result.name);
        }
    }
    assert!(!format!("{failure}\n{report:?}").contains(secret));
}

#[test]
fn a_worker_that_never_answers_fails_each_scenario_named_instead_of_hanging() {
    let secret = canaries::value("API_TOKEN");
    let base = stalling("");
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .remote_timeout(SHORT)
        .check_remote(&base, secret)
        .unwrap();
    assert_every_sent_scenario_timed_out(&report, secret);
}

#[test]
fn a_worker_that_stalls_mid_body_fails_each_scenario_named_instead_of_hanging() {
    let secret = canaries::value("API_TOKEN");
    let base = stalling("HTTP/1.1 401 Unauthorized\r\ncontent-length: 100\r\n\r\n{\"half\":");
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .remote_connect_timeout(SHORT)
        .remote_timeout(SHORT)
        .check_remote(&base, secret)
        .unwrap();
    assert_every_sent_scenario_timed_out(&report, secret);
}

#[test]
fn the_default_timeouts_are_seconds_not_minutes() {
    use devflare_test::matrix::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_REMOTE_TIMEOUT};
    assert!(DEFAULT_CONNECT_TIMEOUT <= Duration::from_secs(10));
    assert!(DEFAULT_REMOTE_TIMEOUT <= Duration::from_secs(60));
    assert!(DEFAULT_CONNECT_TIMEOUT <= DEFAULT_REMOTE_TIMEOUT);
}

/// This machine's own non-loopback IPv4 address (from `hostname -I`), the only other address
/// a test may use; `None` when it has none.
fn own_interface_address() -> Option<String> {
    let output = std::process::Command::new("hostname")
        .arg("-I")
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter_map(|word| word.parse::<std::net::Ipv4Addr>().ok())
        .find(|ip| !ip.is_loopback() && !ip.is_unspecified())
        .map(|ip| ip.to_string())
}

#[test]
fn cleartext_to_a_non_loopback_address_is_refused_before_anything_is_sent() {
    let Some(ip) = own_interface_address() else {
        eprintln!(
            "SKIPPED: cleartext_to_a_non_loopback_address_is_refused_before_anything_is_sent: \
             this machine has no non-loopback IPv4 address (`hostname -I` printed none)"
        );
        return;
    };
    let listener = TcpListener::bind((ip.as_str(), 0)).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let secret = canaries::value("API_TOKEN");
    let error = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        // Were anything sent, each request would wait on the silent listener: fail fast.
        .remote_timeout(SHORT)
        .check_remote(&base, secret)
        .unwrap_err();
    assert_eq!(
        error,
        MatrixError::CleartextToNonLoopback { host: ip.clone() }
    );
    let message = error.to_string();
    assert!(
        message.contains("allow_cleartext_to_non_loopback"),
        "{message}"
    );
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(!message.contains(secret));
    // The listener never saw a connection.
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        listener.accept().unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock
    );
}

#[test]
fn cleartext_to_a_non_loopback_address_is_sent_once_opted_in() {
    let Some(ip) = own_interface_address() else {
        eprintln!(
            "SKIPPED: cleartext_to_a_non_loopback_address_is_sent_once_opted_in: this machine \
             has no non-loopback IPv4 address (`hostname -I` printed none)"
        );
        return;
    };
    let secret = canaries::value("API_TOKEN");
    let (base, seen) = recorder(&ip, 64, strict_bearer(secret));
    ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .allow_cleartext_to_non_loopback()
        .check_remote(&base, secret)
        .unwrap()
        .assert_passed();
    assert!(!seen.lock().unwrap().is_empty());
}

#[test]
fn base_urls_that_are_not_plain_http_are_refused() {
    let secret = canaries::value("API_TOKEN");
    let route = ProtectedRoute::get("/internal/stats", "API_TOKEN");
    for base in [
        "https://127.0.0.1:1",
        "ftp://127.0.0.1",
        "127.0.0.1:8787",
        "http://user:pw@127.0.0.1:1",
        "not a url",
    ] {
        let error = route.check_remote(base, secret).unwrap_err();
        assert!(
            matches!(error, MatrixError::InvalidBaseUrl { .. }),
            "{base}: {error}"
        );
        assert!(!error.to_string().contains("pw"), "{error}");
    }
}

/// gzip of `data` (RFC 1952): one deflate block of literals in the fixed Huffman code
/// (RFC 1951, 3.2.6), so no byte of `data` appears as itself.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let (mut acc, mut held) = (0u32, 0u32);
    let mut put = |out: &mut Vec<u8>, value: u32, count: u32| {
        acc |= value << held;
        held += count;
        while held >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            held -= 8;
        }
    };
    // Huffman codes go most significant bit first into a least-significant-first stream.
    let code = |value: u32, len: u32| value.reverse_bits() >> (32 - len);
    put(&mut out, 1, 1); // the last block
    put(&mut out, 1, 2); // fixed Huffman codes
    for &byte in data {
        let byte = u32::from(byte);
        if byte < 144 {
            put(&mut out, code(0x30 + byte, 8), 8);
        } else {
            put(&mut out, code(0x190 + byte - 144, 9), 9);
        }
    }
    put(&mut out, 0, 7 + 7); // end of block, then padding to a whole byte
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[test]
fn an_encoded_body_fails_its_scenario_instead_of_being_scanned_as_noise() {
    let secret = canaries::value("API_TOKEN");
    let echo = gzip(format!("{{\"token\":\"{secret}\"}}").as_bytes());
    assert!(!echo.windows(secret.len()).any(|w| w == secret.as_bytes()));
    let (base, seen) = recorder("127.0.0.1", 64, move |raw, stream| {
        // The status the strict Worker would give, with a gzip body echoing the token.
        let right =
            raw_header(raw, "authorization").as_deref() == Some(&format!(" Bearer {secret}"));
        let status = if right { "200 OK" } else { "401 Unauthorized" };
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n",
            echo.len()
        );
        let _ = stream.write_all(&echo);
    });
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .check_remote(&base, secret)
        .unwrap();
    let failure = report.verdict().unwrap_err();
    let text = failure.to_string();
    assert!(
        failure.scenarios().contains(&Scenario::RightCredential),
        "{text}"
    );
    assert!(text.contains("content-encoding: gzip"), "{text}");
    assert!(!format!("{text}\n{report:?}").contains(secret));
    // It asked for the body as is.
    for raw in seen.lock().unwrap().iter() {
        assert_eq!(
            raw_header(raw, "accept-encoding").as_deref(),
            Some(" identity")
        );
    }
}

/// Waivers are the runner's business no more than judging is: `check_remote` applies them as
/// `check` does, and says so in the same report.
#[test]
fn a_waiver_applies_to_the_remote_matrix_too() {
    let secret = canaries::value("API_TOKEN");
    let base = serve(secret, true, 64);
    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        .allow(
            Scenario::OtherChannel(Channel::QueryToken),
            "the legacy dashboard sends ?token=",
        )
        .allow(Scenario::WrongToken, "stale on purpose")
        .check_remote(&base, secret)
        .unwrap();
    report.assert_passed();
    let row = report
        .result(Scenario::OtherChannel(Channel::QueryToken))
        .unwrap();
    assert!(row.waived(), "{report}");
    let text = report.to_string();
    assert!(
        text.contains("waived: the legacy dashboard sends ?token="),
        "{text}"
    );
    assert!(
        report
            .warnings()
            .iter()
            .any(|w| w.contains("wrong token") && w.contains("passed")),
        "{text}"
    );
    assert!(!text.contains(secret));
}

/// The body of a raw request (after the blank line).
fn raw_body(raw: &[u8]) -> &[u8] {
    raw.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(&[][..], |at| &raw[at + 4..])
}

#[cfg(feature = "webhooks")]
#[test]
fn a_signing_oracle_is_caught_over_http_as_in_process() {
    // The one runner scans every response for the valid signatures the plan computed,
    // whichever transport sent it: a Worker that answers 401 with the signature it expected
    // is a signing oracle.
    use hmac::{Hmac, Mac};
    let secret = canaries::value("WEBHOOK_SECRET");
    let (base, _) = recorder("127.0.0.1", 64, move |raw, stream| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(raw_body(raw));
        let expected: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let sent = raw_header(raw, "x-hub-signature-256").unwrap_or_default();
        let (status, body) = if sent.trim() == format!("sha256={expected}") {
            ("204 No Content", String::new())
        } else {
            (
                "401 Unauthorized",
                format!("{{\"expected\":\"sha256={expected}\"}}"),
            )
        };
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    let route = ProtectedRoute::post("/hooks/in", "WEBHOOK_SECRET")
        .json(r#"{"action":"opened"}"#)
        .signed(Signature::github());
    let report = route.check_remote(&base, secret).unwrap();
    let failure = report.verdict().expect_err("a signing oracle must fail");
    let result = report.result(Scenario::SignedWithAnotherSecret).unwrap();
    assert!(
        result
            .problems()
            .iter()
            .any(|p| matches!(p, devflare_test::matrix::Problem::Leak(leak) if leak.binding == "WEBHOOK_SECRET")),
        "{failure}"
    );
    assert!(!report.to_string().contains(secret));
}

#[test]
fn a_derived_credential_in_the_route_is_hidden_over_http_as_in_process() {
    // The right credential of a custom kind (the secret reversed, which the env's redactor
    // cannot know) in the route's path: both runners hide it in the route line.
    let secret = canaries::value("API_TOKEN");
    let reversed: String = secret.chars().rev().collect();
    let (base, _) = recorder("127.0.0.1", 64, |_, stream| {
        let _ = write!(
            stream,
            "HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
        );
    });
    let credential = devflare_test::matrix::CustomCredential::new(
        "x-token: <secret reversed>",
        |secret, request| request.header("x-token", secret.chars().rev().collect::<String>()),
    );
    let route =
        ProtectedRoute::get(format!("/callback/{reversed}"), "API_TOKEN").custom(credential);
    let remote = route.check_remote(&base, secret).unwrap();
    assert_eq!(remote.route(), "GET /callback/[credential]", "{remote}");
    assert!(!remote.to_string().contains(&reversed));
    let env = crate::routes::env("API_TOKEN");
    let client = TestClient::new(&env, async |_request, _env| {
        http::Response::builder()
            .status(401)
            .body(String::new())
            .unwrap()
    });
    let local = block_on(route.check(&client)).unwrap();
    assert_eq!(local.route(), remote.route());
}
