//! Outbound requests: the fake upstream a handler's [`OutboundFetch`] reaches in tests — routes
//! answered by method and URL pattern, every request recorded, redirects followed as workerd's
//! `fetch` follows them — and the egress rules every request is scanned against.
//!
//! The state lives in the env's store (`Store::outbound`), so every clone of an env, and the
//! env the matrix derives from it, share one upstream.
//!
//! [`OutboundFetch`]: devflare_bindings::OutboundFetch

mod egress;
mod error;
mod fetcher;
mod part;
mod record;
mod route;
mod scenario_log;
mod state;
mod upstream;
mod url;

pub use egress::{EgressReason, EgressViolation};
pub use error::{FetchError, UpstreamError, UpstreamFailure};
pub(crate) use fetcher::CallerScope;
pub use fetcher::FakeFetcher;
pub use part::RequestPart;
pub use record::OutboundRequest;
pub use route::FakeResponse;
pub(crate) use scenario_log::{Recorded, log_mark, recorded_since, sent_where_allowed};
pub(crate) use state::OutboundState;
pub use upstream::FakeUpstream;
