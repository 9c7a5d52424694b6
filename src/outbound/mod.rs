//! Outbound requests: the fake upstream a handler's [`OutboundFetch`] reaches in tests — routes
//! answered by method and URL pattern, every request recorded, redirects followed as workerd's
//! `fetch` follows them — and the egress rules every request is scanned against.
//!
//! The state lives in the env's store (`Store::outbound`), so every clone of an env, and the
//! env the matrix derives from it, share one upstream.
//!
//! [`OutboundFetch`]: devflare_bindings::OutboundFetch

mod egress;
mod fetcher;
mod part;
mod record;
mod route;
mod scenario_log;
mod upstream;
mod url;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use egress::{EgressReason, EgressViolation};
pub(crate) use fetcher::CallerScope;
pub use fetcher::{FakeFetcher, FetchError};
pub use part::RequestPart;
pub use record::OutboundRequest;
pub use route::FakeResponse;
pub(crate) use scenario_log::{Recorded, log_mark, recorded_since, sent_where_allowed};
pub use upstream::{FakeUpstream, UpstreamError, UpstreamFailure};

use crate::Redactor;
use egress::EgressRule;
use route::Route;

/// What an env's fake upstream holds: its routes and rules, what it recorded, the caller
/// credentials of the requests in flight, and the redactor last built for its scans.
#[derive(Default)]
pub(crate) struct OutboundState {
    config: Mutex<Arc<Config>>,
    log: Mutex<Log>,
    callers: Mutex<Callers>,
    redactor: Mutex<Option<(RedactionInputs, Arc<Redactor>)>>,
}

/// Routes and rules, swapped whole on a change so a fetch reads them without copying.
#[derive(Default, Clone)]
struct Config {
    routes: Vec<Route>,
    rules: Vec<EgressRule>,
}

/// Everything recorded since the env was built (or the upstream reset).
#[derive(Default)]
struct Log {
    requests: Vec<OutboundRequest>,
    violations: Vec<EgressViolation>,
    errors: Vec<FetchError>,
}

/// The credentials of the inbound requests being handled right now, by scope id, and the
/// redactor built for the last set seen.
#[derive(Default)]
struct Callers {
    next_id: u64,
    active: Vec<(u64, Labelled)>,
    built: Option<(Labelled, Arc<Redactor>)>,
}

/// Values with the label their markers carry.
type Labelled = Vec<(String, Arc<str>)>;

/// What a redactor is built from: the env's values, derived values, the partial setting.
type RedactionInputs = (Labelled, Labelled, Option<usize>);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
