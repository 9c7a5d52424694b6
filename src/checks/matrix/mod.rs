//! The protected-route matrix: every way to present a credential to a route guarded by a
//! Secrets Store binding, with the verdict production needs for each.
//!
//! Wrong credentials must be rejected (4xx), the right one accepted (2xx), and a secret that
//! is missing, cannot be read or is not even bound must fail closed (5xx, never 2xx). Every
//! response is also leak-scanned. The report never holds a value: credentials are described
//! as `Bearer [secret:API_TOKEN][..-1]` and so on, route URIs are redacted, and handler errors
//! have every credential as sent blanked out.
//!
//! The work is split by stage, each file importing only stages below it (no cycle:
//! `tests/module_cycles.rs`):
//! - vocabulary: [`Scenario`], [`Channel`], [`Outcome`] (`scenario`), [`StatusExpectation`]
//!   (`status`), [`MatrixError`] (`error`);
//! - configuration: [`ProtectedRoute`] and its `CredentialKind` (`route`), `Signature`
//!   (`signature`, feature `webhooks`), [`CustomCredential`] (`custom`);
//! - validation before anything runs: `preflight` (the cookie rule, the URI shown in `Debug`
//!   and the HMAC are the client's and the codec's: `crate::http`, `crate::codec::hmac`);
//! - planning (which request each scenario sends, what it must get): the shared types
//!   (`planned`: `Planned`, `Plan`, `Condition`; `planner`: `Planner`), one planner per
//!   credential kind beside its configuration (`token_plan`, `custom_plan`, `signature_plan`),
//!   and the dispatcher with the probes every kind shares (`plan`); a route keeps its last
//!   plan, so checking it again with the same secret plans nothing;
//! - keeping values out of the report: `hide`;
//! - running: one runner (`run`) over a transport — in process against a
//!   [`TestClient`](crate::TestClient) (`in_process`, [`ProtectedRoute::check`]: the fake
//!   upstream's record of each scenario's outbound requests checked too) or a running Worker
//!   over HTTP (`remote`, feature `remote`, `ProtectedRoute::check_remote`: a Worker's outbound
//!   requests are not seen there); the scenarios of the other secrets a route reads
//!   (`other_secrets`), planned once the right credential's run shows what it read;
//! - judging a status and leaks against the expectation: `judge`;
//! - reporting: [`MatrixReport`], [`ScenarioResult`], [`Problem`], [`MatrixFailure`].

mod custom;
mod custom_plan;
mod error;
mod hide;
mod in_process;
mod judge;
mod other_secrets;
mod plan;
mod planned;
mod planner;
mod preflight;
#[cfg(feature = "remote")]
mod remote;
mod report;
mod route;
mod run;
mod scenario;
#[cfg(feature = "webhooks")]
mod signature;
#[cfg(feature = "webhooks")]
mod signature_plan;
mod status;
mod token_plan;

/// Without feature `webhooks`, a stand-in whose every use says to enable it.
#[cfg(not(feature = "webhooks"))]
#[doc(hidden)]
pub use crate::feature_hints::Signature;
pub use custom::CustomCredential;
pub use error::MatrixError;
pub use report::{MatrixFailure, MatrixReport, Problem, ScenarioResult, StatusWhy, Verdict};
pub use route::ProtectedRoute;
#[cfg(feature = "remote")]
pub use route::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_REMOTE_TIMEOUT};
pub use scenario::{Channel, Outcome, Scenario};
#[cfg(feature = "webhooks")]
pub use signature::{Signature, SignatureEncoding, SignedPart};
pub use status::StatusExpectation;
