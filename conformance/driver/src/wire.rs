//! Raw HTTP/1.1 to workerd: each request is written on a TCP socket byte for byte as the
//! scenario built it, with no HTTP client or server in between that could trim, merge or drop
//! a header (Node's `http` and `fetch` trim header values, so `Bearer <token> ` and `Bearer `
//! could never be delivered through them). The response head is parsed with `httparse`; the
//! body is read to the end of the connection (`Connection: close`), de-chunked if chunked.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::response::Observed;

/// Per request: the Worker answers in milliseconds; this only bounds a hung workerd.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Far above any answer of the example Worker; a bigger one is a mistake, not a response.
const MAX_RESPONSE_BYTES: u64 = 1 << 20;

/// The exact bytes of `GET path` to `host` (`127.0.0.1:PORT`), with `Authorization: value`
/// when given — the value as is, spaces included, empty included.
pub fn request_bytes(
    host: &str,
    path: &str,
    authorization: Option<&str>,
) -> Result<Vec<u8>, String> {
    let unsafe_byte = |text: &str| text.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0);
    if unsafe_byte(path) || !path.starts_with('/') {
        return Err(format!("the path {path:?} cannot go in a request line"));
    }
    let mut bytes = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
    if let Some(value) = authorization {
        // Never the value in the message: it may hold the token.
        if unsafe_byte(value) {
            return Err("the Authorization value holds CR, LF or NUL".into());
        }
        bytes.extend_from_slice(b"Authorization: ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"Connection: close\r\n\r\n");
    Ok(bytes)
}

/// The exact bytes of `POST path` to `host` with `headers` (names and values as given) and
/// `body`, its `Content-Length` set.
pub fn post_bytes(
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Vec<u8>, String> {
    bytes_of("POST", host, path, headers, Some(body))
}

/// The exact bytes of `method path` to `host` with `headers` (names and values as given, in
/// order) and, when given, `body` with its `Content-Length` (none without a body).
pub fn bytes_of(
    method: &str,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    let unsafe_byte = |text: &str| text.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0);
    if unsafe_byte(path) || !path.starts_with('/') {
        return Err(format!("the path {path:?} cannot go in a request line"));
    }
    if !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!("the method {method:?} cannot go in a request line"));
    }
    let mut bytes = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
    for (name, value) in headers {
        // Never the value in the message: it may hold the token.
        if unsafe_byte(name) || unsafe_byte(value) {
            return Err(format!("the header {name} holds CR, LF or NUL"));
        }
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    if let Some(body) = body {
        bytes.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    bytes.extend_from_slice(b"Connection: close\r\n\r\n");
    bytes.extend_from_slice(body.unwrap_or_default());
    Ok(bytes)
}

/// Sends `GET path` to `host` and returns the status and body.
pub fn get(host: &str, path: &str, authorization: Option<&str>) -> Result<Observed, String> {
    let request = request_bytes(host, path, authorization)?;
    exchange(host, "GET", path, &request)
}

/// Sends `request` (complete bytes of `method path`) to `host` and returns the status and
/// body.
pub fn exchange(host: &str, method: &str, path: &str, request: &[u8]) -> Result<Observed, String> {
    let address = host
        .to_socket_addrs()
        .map_err(|e| format!("resolving {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host} resolves to no address"))?;
    if !address.ip().is_loopback() {
        return Err(format!(
            "{host} is not a loopback address; the conformance run only talks to this machine"
        ));
    }
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)
        .map_err(|e| format!("connecting to {host}: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|e| format!("{host}: {e}"))?;
    stream
        .write_all(request)
        .map_err(|e| format!("{method} {path} to {host}: writing: {e}"))?;
    // Read until the response is complete by its own framing (Content-Length, or the last
    // chunk), or the connection ends: workerd does not always close the connection after a
    // streamed (chunked) answer despite `Connection: close` — the axum Worker's, observed
    // blocked in `recv` with the whole response already read — so reading to the end alone
    // would wait for the read timeout on every such request.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    while !is_complete(&answer) {
        let read = stream
            .read(&mut buffer)
            .map_err(|e| format!("{method} {path} to {host}: reading: {e}"))?;
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        if answer.len() as u64 > MAX_RESPONSE_BYTES {
            break;
        }
    }
    if answer.len() as u64 > MAX_RESPONSE_BYTES {
        return Err(format!(
            "{method} {path} to {host}: the answer is over {MAX_RESPONSE_BYTES} bytes"
        ));
    }
    parse_response(&answer).map_err(|e| format!("{method} {path} to {host}: {e}"))
}

/// How a response's body ends (RFC 9112 6.3).
enum Framing {
    Chunked,
    Length(usize),
    /// Neither: the body is what comes before the connection closes.
    UntilClose,
}

/// The status, the body's framing and the bytes after the head of a response whose head is
/// complete in `bytes`.
fn head(bytes: &[u8]) -> Result<(u16, Framing, &[u8]), String> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let head_len = match response.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Err("the response ended inside its head".into()),
        Err(e) => return Err(format!("malformed response head: {e}")),
    };
    let status = response.code.ok_or("the response has no status")?;
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let framing = if header("transfer-encoding").is_some_and(|te| te.ends_with("chunked")) {
        Framing::Chunked
    } else if let Some(length) = header("content-length") {
        Framing::Length(
            length
                .parse()
                .map_err(|_| format!("Content-Length {length:?} is not a number"))?,
        )
    } else {
        Framing::UntilClose
    };
    Ok((status, framing, &bytes[head_len..]))
}

/// Whether `bytes` hold one whole response by its framing: the head, then `Content-Length`
/// bytes or chunks up to the last one. A response framed by the connection's end (neither)
/// is never complete here: it is read to the end.
fn is_complete(bytes: &[u8]) -> bool {
    match head(bytes) {
        Ok((_, Framing::Chunked, rest)) => dechunk(rest).is_ok(),
        Ok((_, Framing::Length(length), rest)) => rest.len() >= length,
        Ok((_, Framing::UntilClose, _)) | Err(_) => false,
    }
}

/// Status and body of one complete HTTP/1.1 response (the connection closed after it).
pub fn parse_response(bytes: &[u8]) -> Result<Observed, String> {
    let (status, framing, rest) = head(bytes)?;
    let body = match framing {
        Framing::Chunked => dechunk(rest)?,
        Framing::Length(length) => rest
            .get(..length)
            .ok_or_else(|| format!("the body is shorter than its Content-Length {length}"))?
            .to_vec(),
        Framing::UntilClose => rest.to_vec(),
    };
    let body = String::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    Ok(Observed { status, body })
}

/// The payload of a chunked body (RFC 9112 7.1); trailers are ignored.
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = find_crlf(rest).ok_or("a chunk size line has no CRLF")?;
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| "bad chunk size line")?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or("the body ends inside a chunk")?;
        body.extend_from_slice(chunk);
        rest = rest
            .get(size..)
            .and_then(|r| r.strip_prefix(b"\r\n"))
            .ok_or("a chunk does not end with CRLF")?;
    }
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\r\n")
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    /// What a loopback listener received for one request, and the response it gave.
    fn exchange(authorization: Option<&str>, answer: &'static [u8]) -> (Vec<u8>, Observed) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut received = Vec::new();
            let mut buffer = [0u8; 1024];
            while !received.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buffer).unwrap();
                assert_ne!(n, 0, "the request ended before its blank line");
                received.extend_from_slice(&buffer[..n]);
            }
            stream.write_all(answer).unwrap();
            received
        });
        let observed = get(&host, "/internal/stats", authorization).unwrap();
        (server.join().unwrap(), observed)
    }

    #[test]
    fn a_trailing_space_and_an_empty_token_go_out_as_written() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        for value in ["Bearer t0ken ", "Bearer ", "", "Bearer  t0ken"] {
            let (received, _) = exchange(Some(value), ok);
            let line = format!("\r\nAuthorization: {value}\r\n");
            assert!(
                received.windows(line.len()).any(|w| w == line.as_bytes()),
                "{value:?} was not sent as written: {:?}",
                String::from_utf8_lossy(&received)
            );
        }
        let (received, _) = exchange(None, ok);
        assert!(!String::from_utf8_lossy(&received).contains("Authorization"));
    }

    #[test]
    fn chunked_and_sized_bodies_are_read_whole() {
        let chunked = b"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n\
            5\r\n{\"ok\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n";
        let (_, observed) = exchange(None, chunked);
        assert_eq!(
            (observed.status, observed.body.as_str()),
            (401, "{\"ok\":1}")
        );
        let sized = b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 3\r\n\r\nabcdef";
        let (_, observed) = exchange(None, sized);
        assert_eq!((observed.status, observed.body.as_str()), (500, "abc"));
    }

    #[test]
    fn a_complete_answer_on_a_connection_left_open_is_read_without_waiting_for_its_end() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let server = thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer).unwrap();
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                )
                .unwrap();
            // As workerd after a streamed answer: the connection stays open until the client
            // closes it (a client reading to the end would wait for its read timeout).
            while stream.read(&mut buffer).is_ok_and(|n| n > 0) {}
        });
        let observed = get(&host, "/", None).unwrap();
        assert_eq!((observed.status, observed.body.as_str()), (200, "ok"));
        server.join().unwrap();
    }

    #[test]
    fn a_value_that_would_split_the_request_is_refused() {
        let error = request_bytes("127.0.0.1:1", "/", Some("Bearer a\r\nX-Other: b")).unwrap_err();
        assert!(error.contains("CR, LF or NUL") && !error.contains("X-Other"));
        assert!(request_bytes("127.0.0.1:1", "/a b\r\n", None).is_err());
    }
}
