//! Custom credentials, as configured: a function of the test's turns the secret into a
//! credential on a request, with optional near misses. Planned by `custom_plan.rs`.

use std::fmt;
use std::sync::Arc;

use super::scenario::Channel;
use crate::http::TestRequest;

type Apply = Arc<dyn Fn(&str, TestRequest) -> TestRequest + Send + Sync>;
type Derive = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// A credential the matrix cannot know: the test gives a function that puts a credential
/// derived from the secret on a request, and optionally near misses (other secrets derived
/// from the right one) that must be rejected.
///
/// Scenarios: no credential, a wrong secret of the same length, each near miss, the right
/// credential, secret missing, store failing, and the adversarial ones (other channels —
/// declare any your credential uses with [`uses_channel`](Self::uses_channel) — binding
/// unbound, and the credential made from `""` while the secret is missing, while the store
/// fails and with the binding unbound).
///
/// ```
/// use devflare_test::matrix::CustomCredential;
///
/// // `X-Token: <secret reversed>`, a near miss being the secret itself.
/// let reversed = CustomCredential::new("x-token: <secret reversed>", |secret, request| {
///     request.header("x-token", secret.chars().rev().collect::<String>())
/// })
/// .near_miss("not reversed", |secret| secret.chars().rev().collect());
/// # let _ = reversed;
/// ```
#[derive(Clone)]
pub struct CustomCredential {
    pub(crate) description: String,
    pub(crate) apply: Apply,
    pub(crate) near_misses: Vec<(String, Derive)>,
    pub(crate) channels: Vec<Channel>,
}

impl CustomCredential {
    /// `apply(secret, request)` returns `request` carrying the credential made from `secret`;
    /// `description` says how, without a value (it heads the report).
    pub fn new(
        description: impl Into<String>,
        apply: impl Fn(&str, TestRequest) -> TestRequest + Send + Sync + 'static,
    ) -> Self {
        Self {
            description: description.into(),
            apply: Arc::new(apply),
            near_misses: Vec::new(),
            channels: Vec::new(),
        }
    }

    /// A near miss: `derive(secret)` is a secret the handler must reject, sent through the
    /// same function; `label` names it in the report (never give it a value).
    pub fn near_miss(
        mut self,
        label: impl Into<String>,
        derive: impl Fn(&str) -> String + Send + Sync + 'static,
    ) -> Self {
        self.near_misses.push((label.into(), Arc::new(derive)));
        self
    }

    /// This credential travels on `channel`, so the matrix does not probe it as another
    /// way in.
    pub fn uses_channel(mut self, channel: Channel) -> Self {
        self.channels.push(channel);
        self
    }
}

/// The same credential: the same functions (by identity — a closure has no other equality),
/// description, near-miss labels and channels. What decides whether a route's cached plan
/// still holds.
impl PartialEq for CustomCredential {
    fn eq(&self, other: &Self) -> bool {
        self.description == other.description
            && Arc::ptr_eq(&self.apply, &other.apply)
            && self.channels == other.channels
            && self.near_misses.len() == other.near_misses.len()
            && self
                .near_misses
                .iter()
                .zip(&other.near_misses)
                .all(|((a, f), (b, g))| a == b && Arc::ptr_eq(f, g))
    }
}

impl fmt::Debug for CustomCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let labels: Vec<&str> = self.near_misses.iter().map(|(l, _)| l.as_str()).collect();
        f.debug_struct("CustomCredential")
            .field("description", &self.description)
            .field("near_misses", &labels)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}
