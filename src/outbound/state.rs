//! What an env's fake upstream holds (kept in `Store::outbound`), below the files that read
//! and change it: its routes and rules, its log and the caller credentials of requests in
//! flight (a fetch scans with the env's own cached redactor).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::egress::{EgressRule, EgressViolation};
use super::error::FetchError;
use super::record::OutboundRequest;
use super::route::Route;
use crate::redact::Redactor;

/// What an env's fake upstream holds: its routes and rules, what it recorded, the caller
/// credentials of the requests in flight.
#[derive(Default)]
pub(crate) struct OutboundState {
    pub(super) config: Mutex<Arc<Config>>,
    pub(super) log: Mutex<Log>,
    pub(super) callers: Mutex<Callers>,
}

/// Routes and rules, swapped whole on a change so a fetch reads them without copying.
#[derive(Default, Clone)]
pub(super) struct Config {
    pub(super) routes: Vec<Route>,
    pub(super) rules: Vec<EgressRule>,
}

/// Everything recorded since the env was built (or the upstream reset).
#[derive(Default)]
pub(super) struct Log {
    pub(super) requests: Vec<OutboundRequest>,
    pub(super) violations: Vec<EgressViolation>,
    pub(super) errors: Vec<FetchError>,
}

/// The credentials of the inbound requests being handled right now, by scope id, and the
/// redactor built for the last set seen.
#[derive(Default)]
pub(super) struct Callers {
    pub(super) next_id: u64,
    pub(super) active: Vec<(u64, Labelled)>,
    pub(super) built: Option<(Labelled, Arc<Redactor>)>,
}

/// Values with the label their markers carry.
type Labelled = Vec<(String, Arc<str>)>;

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
