//! Assertions on a captured response. Each panics at the caller's line with what was
//! expected, what came, and the redacted request and response.

use http::StatusCode;

use super::CapturedResponse;

/// A status to expect: a `u16` (or integer literal) or an `http::StatusCode`. It only names
/// what [`CapturedResponse::assert_status`] accepts; there is nothing to implement.
pub trait ExpectedStatus {
    /// The status code as a number.
    fn code(&self) -> u16;
}

impl ExpectedStatus for u16 {
    fn code(&self) -> u16 {
        *self
    }
}

/// So that a bare literal (`assert_status(200)`), which defaults to `i32`, works.
impl ExpectedStatus for i32 {
    fn code(&self) -> u16 {
        u16::try_from(*self).unwrap_or(0)
    }
}

impl ExpectedStatus for StatusCode {
    fn code(&self) -> u16 {
        self.as_u16()
    }
}

impl CapturedResponse {
    /// `text` redacted, then quoted: quoting first would escape control characters and hide a
    /// value from the redactor.
    fn quoted(&self, text: &str) -> String {
        format!("{:?}", self.redactor().redact(text))
    }

    /// Panics at the line of the test that called the assertion (every caller up to the
    /// test is `#[track_caller]`).
    #[track_caller]
    fn fail(&self, what: &str, expected: &str, actual: &str) -> ! {
        let redactor = self.redactor();
        panic!(
            "assertion failed: {what}\n  expected: {}\n  actual:   {}\n{}",
            redactor.redact(expected),
            redactor.redact(actual),
            self.describe()
        )
    }

    /// Asserts the status code.
    ///
    /// ```
    /// # use devflare_test::prelude::*;
    /// # let env = secrets_env! { API_TOKEN => "test-token" };
    /// # let client = TestClient::new(&env, async |_, _| {
    /// #     http::Response::builder().status(401).body(String::new()).unwrap()
    /// # });
    /// let response = client.send_blocking(TestRequest::get("/internal/stats"));
    /// response.assert_status(401).assert_status(http::StatusCode::UNAUTHORIZED);
    /// ```
    #[track_caller]
    pub fn assert_status(&self, expected: impl ExpectedStatus) -> &Self {
        if self.status().as_u16() != expected.code() {
            let expected = match StatusCode::from_u16(expected.code()) {
                Ok(status) => super::response::status_line(status),
                Err(_) => expected.code().to_string(),
            };
            self.fail(
                "status",
                &expected,
                &super::response::status_line(self.status()),
            );
        }
        self
    }

    /// Asserts a 2xx status.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        if !self.status().is_success() {
            self.fail(
                "status",
                "2xx",
                &super::response::status_line(self.status()),
            );
        }
        self
    }

    /// Asserts a 4xx status.
    #[track_caller]
    pub fn assert_client_error(&self) -> &Self {
        if !self.status().is_client_error() {
            self.fail(
                "status",
                "4xx",
                &super::response::status_line(self.status()),
            );
        }
        self
    }

    /// Asserts a 5xx status.
    #[track_caller]
    pub fn assert_server_error(&self) -> &Self {
        if !self.status().is_server_error() {
            self.fail(
                "status",
                "5xx",
                &super::response::status_line(self.status()),
            );
        }
        self
    }

    /// Asserts that header `name` (case-insensitive) has exactly `expected` as its first value.
    #[track_caller]
    pub fn assert_header(&self, name: &str, expected: &str) -> &Self {
        match self.headers().get(name) {
            Some(value) if value.as_bytes() == expected.as_bytes() => self,
            Some(value) => self.fail(
                &format!("header `{name}`"),
                &self.quoted(expected),
                &self.quoted(&String::from_utf8_lossy(value.as_bytes())),
            ),
            None => {
                let names: Vec<&str> = self.headers().keys().map(|n| n.as_str()).collect();
                // A response's header name may hold a secret (`x-<secret>: 1`).
                let closest = crate::suggest::closest(name, names.iter().copied())
                    .map(|n| self.env().redactor().redact_header_name(&n).into_owned());
                let hint = devflare_config::did_you_mean(closest.as_deref());
                self.fail(
                    &format!("header `{name}`"),
                    &self.quoted(expected),
                    &format!("no such header{hint}"),
                )
            }
        }
    }

    /// Asserts that the response has no header `name`.
    #[track_caller]
    pub fn assert_no_header(&self, name: &str) -> &Self {
        if self.headers().contains_key(name) {
            self.fail(&format!("no header `{name}`"), "absent", "present");
        }
        self
    }

    /// Asserts the whole body, as text.
    #[track_caller]
    pub fn assert_body(&self, expected: &str) -> &Self {
        if self.body().as_ref() != expected.as_bytes() {
            self.fail("body", &self.quoted(expected), &self.quoted(&self.text()));
        }
        self
    }

    /// Asserts that the body contains `needle`.
    #[track_caller]
    pub fn assert_body_contains(&self, needle: &str) -> &Self {
        if !self.text().contains(needle) {
            self.fail(
                "body contains",
                &self.quoted(needle),
                "not found in the body",
            );
        }
        self
    }

    /// Asserts that the body is JSON equal to `expected` (key order and whitespace ignored).
    ///
    /// A body that is not JSON fails with its parse position only, never parser text that
    /// could quote the body.
    #[track_caller]
    pub fn assert_json(&self, expected: &serde_json::Value) -> &Self {
        match serde_json::from_slice::<serde_json::Value>(self.body()) {
            Ok(actual) if &actual == expected => self,
            Ok(actual) => self.fail("JSON body", &expected.to_string(), &actual.to_string()),
            Err(error) => self.fail(
                "JSON body",
                &expected.to_string(),
                &format!(
                    "not JSON (parse error at line {} column {})",
                    error.line(),
                    error.column()
                ),
            ),
        }
    }

    /// Asserts that no fixture secret appears in the status, a header or the body, in any
    /// encoding. The message names the binding, the encoding and where — never the value.
    #[track_caller]
    pub fn assert_no_leaks(&self) -> &Self {
        let leaks = self.leaks();
        if !leaks.is_empty() {
            let found: Vec<String> = leaks.iter().map(ToString::to_string).collect();
            self.fail("no secret in the response", "none", &found.join("; "));
        }
        self
    }
}

/// Asserts a [`CapturedResponse`]'s JSON body, written as `serde_json::json!` literal:
/// `assert_json!(response, { "ok": true })`.
#[macro_export]
macro_rules! assert_json {
    ($response:expr, $($json:tt)+) => {
        $response.assert_json(&$crate::__private::serde_json::json!($($json)+))
    };
}
