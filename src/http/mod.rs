//! Requests in, captured responses out: the HTTP side of testing a handler.

mod assert;
mod clock;
mod request;
mod response;
mod run;

pub use assert::ExpectedStatus;
pub use clock::TestClock;
pub use request::{RequestError, TestRequest};
pub(crate) use request::{cookie_name_ok, cookie_safe, shown_uri};
pub use response::CapturedResponse;
pub(crate) use response::status_line;
#[cfg(feature = "tower")]
pub use run::ServiceHandler;
pub use run::{FnHandler, Handler, SendError, Sending, TestClient};
