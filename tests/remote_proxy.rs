//! `check_remote` never sends through a proxy named by the environment. A binary of its own:
//! it sets `HTTP_PROXY` and friends, which are process-wide, so no other test may run beside
//! it (this file holds one test).
#![cfg(feature = "remote")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use devflare_test::matrix::ProtectedRoute;

const SECRET: &str = "proxy-canary-token-5Qm8Zr";

#[test]
fn a_proxy_in_the_environment_gets_nothing_and_the_worker_gets_every_request() {
    // The "proxy": a loopback listener that must never see a connection.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // SAFETY: this binary's only test sets these before it starts any thread of its
        // own, and nothing else in the process reads or writes the environment meanwhile.
        unsafe { std::env::set_var(name, &proxy_url) };
    }
    // SAFETY: as above.
    unsafe { std::env::remove_var("NO_PROXY") };
    unsafe { std::env::remove_var("no_proxy") };

    // The Worker: answers 200 to exactly `Bearer <SECRET>`, 401 otherwise; counts requests.
    let worker = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", worker.local_addr().unwrap());
    let received = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&received);
    thread::spawn(move || {
        for stream in worker.incoming() {
            let Ok(mut stream) = stream else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut right = false;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                right |= line.split_once(':').is_some_and(|(name, value)| {
                    name.eq_ignore_ascii_case("authorization")
                        && value == format!(" Bearer {SECRET}\r\n")
                });
                line.clear();
            }
            let status = if right { "200 OK" } else { "401 Unauthorized" };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });

    let report = ProtectedRoute::get("/internal/stats", "API_TOKEN")
        // Were the proxy used, each request would wait on it: fail fast instead of hanging.
        .remote_timeout(Duration::from_secs(2))
        .check_remote(&base, SECRET)
        .unwrap();
    report.assert_passed();
    assert!(received.load(Ordering::SeqCst) > 0);
    proxy.set_nonblocking(true).unwrap();
    assert_eq!(
        proxy.accept().map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::WouldBlock,
        "the proxy from the environment got a connection"
    );
}
