//! The protected-route matrix: every way to present a credential to a route guarded by a
//! Secrets Store binding, with the verdict production needs for each.
//!
//! Wrong credentials must be rejected (4xx), the right one accepted (2xx), and a secret that
//! is missing, cannot be read or is not even bound must fail closed (5xx, never 2xx). Every
//! response is also leak-scanned. The report never holds a value: credentials are described
//! as `Bearer [secret:API_TOKEN][..-1]` and so on, route URIs are redacted, and handler errors
//! have every credential as sent blanked out.
//!
//! The work is split by job, so that another runner (a deployed Worker over HTTP) can reuse
//! the plan, the judge and the report unchanged:
//! - configuration: [`ProtectedRoute`], `Signature` (feature `webhooks`), [`CustomCredential`];
//! - planning (which request each [`Scenario`] sends, what it must get): `plan`, with one
//!   planner per credential kind (`token`, `signed`, `custom`);
//! - running in process against a [`TestClient`](crate::TestClient): `run`; against a running
//!   Worker over HTTP (feature `remote`, `ProtectedRoute::check_remote`): `remote`;
//! - judging a status and leaks against the expectation: `judge`;
//! - reporting: [`MatrixReport`], [`ScenarioResult`], [`Problem`], [`MatrixFailure`].

mod custom;
mod error;
mod hide;
#[cfg(feature = "webhooks")]
pub(crate) mod hmac;
mod judge;
mod plan;
#[cfg(feature = "remote")]
mod remote;
mod report;
mod route;
mod run;
mod scenario;
#[cfg(feature = "webhooks")]
mod signature;
#[cfg(feature = "webhooks")]
mod signed;
mod status;
mod token;

pub use custom::CustomCredential;
pub use error::{MIN_TOKEN_CHARS, MatrixError};
#[cfg(feature = "remote")]
pub use remote::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_REMOTE_TIMEOUT};
pub use report::{MatrixFailure, MatrixReport, Problem, ScenarioResult, StatusWhy, Verdict};
pub use route::ProtectedRoute;
pub use scenario::{Channel, Outcome, Scenario};
#[cfg(feature = "webhooks")]
pub use signature::{Signature, SignatureEncoding, SignedPart};
pub use status::StatusExpectation;
