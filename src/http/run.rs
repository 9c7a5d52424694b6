//! Running a handler: an async closure, or a `tower::Service` such as an axum `Router`.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::BodyExt;

use std::any::Any;
use std::sync::OnceLock;

use super::CapturedResponse;
use super::response::RequestSummary;

use crate::redact::Redactor;

use crate::env::SecretsEnv;

use crate::http::TestClock;

use crate::runtime::block_on;
use devflare_bindings::RequestTime;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Something that answers an `http::Request<Bytes>` with the env it is given: what a
/// [`TestClient`] runs. Name it only to write a helper that returns a client
/// (`fn client(env: &SecretsEnv) -> TestClient<impl Handler>`); [`TestClient::new`] and
/// `TestClient::service` (feature `tower`) build one for you. The response body is collected to bytes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handler devflare-test can run",
    label = "not a `Handler`",
    note = "for an async function or closure, use `TestClient::new(&env, async |request, env| handle(&request, env).await)`",
    note = "for an axum `Router` or another `tower::Service`, use `TestClient::service(&env, |env| router(env))` (feature `tower`)"
)]
pub trait Handler {
    /// Answers one request, reading its secrets from `env` — and from nothing else, so that
    /// what a test (or the matrix) does to `env` is what the handler sees.
    fn handle(
        &self,
        request: Request<Bytes>,
        env: &SecretsEnv,
    ) -> impl Future<Output = Result<Response<Bytes>, BoxError>>;
}

/// The [`Handler`] [`TestClient::new`] builds from an async closure
/// `async |request: Request<Bytes>, env: &SecretsEnv| -> Response<B>`, where `B` is any
/// `http_body::Body` (`String`, `http_body_util::Full<Bytes>`, axum's `Body`, …). Never named
/// in tests; it appears in the client's type.
pub struct FnHandler<F>(F);

impl<F, B> Handler for FnHandler<F>
where
    F: AsyncFn(Request<Bytes>, &SecretsEnv) -> Response<B>,
    B: Body,
    B::Error: Into<BoxError>,
{
    async fn handle(
        &self,
        request: Request<Bytes>,
        env: &SecretsEnv,
    ) -> Result<Response<Bytes>, BoxError> {
        collect((self.0)(request, env).await).await
    }
}

/// The [`Handler`] `TestClient::service` builds (feature `tower`) from a factory that
/// makes a `tower::Service` (an axum `Router`, a `tower::ServiceBuilder` stack, …) over an
/// env. The service for the client's env is made once; each request goes to a fresh clone of
/// it, as in `ServiceExt::oneshot`. A request run against another env (the matrix's
/// "binding unbound" scenario) gets a service made for that env. The request body is an
/// `http_body_util::Full<Bytes>`.
#[cfg(feature = "tower")]
pub struct ServiceHandler<M, S> {
    make: M,
    made_for: SecretsEnv,
    service: S,
}

#[cfg(feature = "tower")]
impl<M, S, B> Handler for ServiceHandler<M, S>
where
    M: Fn(SecretsEnv) -> S,
    S: tower_service::Service<Request<http_body_util::Full<Bytes>>, Response = Response<B>> + Clone,
    S::Error: Into<BoxError>,
    B: Body,
    B::Error: Into<BoxError>,
{
    async fn handle(
        &self,
        request: Request<Bytes>,
        env: &SecretsEnv,
    ) -> Result<Response<Bytes>, BoxError> {
        let mut service = if env.same_env(&self.made_for) {
            self.service.clone()
        } else {
            (self.make)(env.clone())
        };
        std::future::poll_fn(|cx| service.poll_ready(cx))
            .await
            .map_err(Into::into)?;
        let response = service
            .call(request.map(http_body_util::Full::new))
            .await
            .map_err(Into::into)?;
        collect(response).await
    }
}

/// The request with the seam's [`RequestTime`] in its extensions — the [`TestClock`] it
/// carries, or the default — unless the test put one there itself: what a handler (an axum
/// `Extension<RequestTime>`) reads as "now", as it reads the platform's clock in production.
fn with_request_time(mut request: Request<Bytes>) -> Request<Bytes> {
    if request.extensions().get::<RequestTime>().is_none() {
        let now = RequestTime::at(TestClock::of(&request).unix_secs());
        request.extensions_mut().insert(now);
    }
    request
}

/// Drops every `Authorization` header whose value is empty, as workerd does before a Worker
/// sees the request: measured against workerd with raw request bytes, `Authorization:` with
/// an empty value never reaches the Worker, while `X-Empty:` with an empty value does and
/// `Authorization: Bearer ` arrives intact. Exactly that header, exactly when empty.
fn drop_empty_authorization(request: &mut Request<Bytes>) {
    let headers = request.headers_mut();
    let empty = headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .any(|value| value.is_empty());
    if empty {
        let kept: Vec<_> = headers
            .get_all(http::header::AUTHORIZATION)
            .iter()
            .filter(|value| !value.is_empty())
            .cloned()
            .collect();
        headers.remove(http::header::AUTHORIZATION);
        for value in kept {
            headers.append(http::header::AUTHORIZATION, value);
        }
    }
}

async fn collect<B>(response: Response<B>) -> Result<Response<Bytes>, BoxError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
    Ok(Response::from_parts(parts, bytes))
}

/// A handler under test, with the [`SecretsEnv`] whose secrets it reads: sends requests,
/// captures responses, and knows which values to redact from them.
///
/// ```
/// use devflare_test::prelude::*;
/// use http::{Request, Response};
///
/// let env = secrets_env! { API_TOKEN => "test-token" };
/// let client = TestClient::new(&env, async |request, env| {
///     let token = env.secret_store("API_TOKEN").unwrap().get().await.unwrap().unwrap();
///     let ok = request.headers()["authorization"] == format!("Bearer {token}").as_str();
///     Response::builder()
///         .status(if ok { 200 } else { 401 })
///         .body(String::new())
///         .unwrap()
/// });
/// client
///     .send_blocking(TestRequest::get("/").bearer("test-token"))
///     .assert_status(200);
/// client
///     .send_blocking(TestRequest::get("/").bearer("nope"))
///     .assert_status(401);
/// ```
pub struct TestClient<H> {
    env: SecretsEnv,
    handler: H,
    /// A cache the matrix keeps per client (what its last run hid), typed by the matrix:
    /// the client holds it without depending on the checks built on it.
    matrix_cache: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl<F> TestClient<FnHandler<F>> {
    /// A client for an async closure that gets each request and the env to read:
    /// `TestClient::new(&env, async |request, env| handle(&request, env).await)`.
    ///
    /// The closure reads secrets from the env it is given, not from one it captures: the
    /// matrix deletes secrets and injects faults on the client's env, and runs its "binding
    /// unbound" scenario with another env, so a handler that reads a captured env would be
    /// checked against the wrong store (the matrix reports such a handler).
    pub fn new<B>(env: &SecretsEnv, handler: F) -> Self
    where
        F: AsyncFn(Request<Bytes>, &SecretsEnv) -> Response<B>,
        B: Body,
        B::Error: Into<BoxError>,
    {
        Self {
            env: env.clone(),
            handler: FnHandler(handler),
            matrix_cache: OnceLock::new(),
        }
    }
}

#[cfg(feature = "tower")]
impl<M, S> TestClient<ServiceHandler<M, S>> {
    /// A client for a `tower::Service` such as an axum `Router` (feature `tower`), made by
    /// `make` over the env to read: `TestClient::service(&env, |env| router(env))`.
    pub fn service<B>(env: &SecretsEnv, make: M) -> Self
    where
        M: Fn(SecretsEnv) -> S,
        S: tower_service::Service<Request<http_body_util::Full<Bytes>>, Response = Response<B>>
            + Clone,
        S::Error: Into<BoxError>,
        B: Body,
        B::Error: Into<BoxError>,
    {
        let service = make(env.clone());
        Self {
            env: env.clone(),
            handler: ServiceHandler {
                make,
                made_for: env.clone(),
                service,
            },
            matrix_cache: OnceLock::new(),
        }
    }
}

impl<H: Handler> TestClient<H> {
    /// A client for any [`Handler`].
    pub fn with_handler(env: &SecretsEnv, handler: H) -> Self {
        Self {
            env: env.clone(),
            handler,
            matrix_cache: OnceLock::new(),
        }
    }

    /// The env whose secrets the handler reads (and this client redacts).
    pub fn env(&self) -> &SecretsEnv {
        &self.env
    }

    /// The env's redactor (cached on the env, rebuilt only when its values change).
    pub(crate) fn redactor(&self) -> Redactor {
        self.env.redactor()
    }

    /// The matrix's per-client cache (its `HiddenCache`), made on first use.
    pub(crate) fn matrix_hidden<T: Any + Default + Send + Sync>(&self) -> &T {
        let slot = self.matrix_cache.get_or_init(|| Box::new(T::default()));
        match slot.downcast_ref::<T>() {
            Some(cache) => cache,
            // Only the matrix calls this, always with the same type.
            None => unreachable!("the client's matrix cache is of one type"),
        }
    }

    /// Sends a request and captures the response.
    ///
    /// # Errors
    ///
    /// When the service or the response body fails; the message is redacted.
    ///
    /// # Panics
    ///
    /// When `request` is a [`TestRequest`](crate::TestRequest) that cannot be built (its
    /// conversion panics); check one first with
    /// [`TestRequest::try_build`](crate::TestRequest::try_build).
    #[track_caller]
    pub fn try_send(
        &self,
        request: impl Into<Request<Bytes>>,
    ) -> impl Future<Output = Result<CapturedResponse, SendError>> + '_ {
        let request = request.into();
        async move {
            let summary = RequestSummary::of(&request);
            match self.respond_unredacted(request, &self.env).await {
                Ok(response) => Ok(CapturedResponse::new(summary, response, self.env.clone())),
                // The whole line is redacted: the URI may carry a credential.
                Err(message) => Err(SendError {
                    message: self.redactor().redact(&message).into_owned(),
                }),
            }
        }
    }

    /// The one send path: runs the handler on `request` with `env` (the client's own, or the
    /// matrix's "binding unbound" env) and collects its response. The request is what the
    /// Worker would see (`drop_empty_authorization`, the request time in its extensions);
    /// the handler's outbound calls are attributed to it. The error message names the
    /// request and is not yet redacted: [`try_send`](Self::try_send) redacts it, and the
    /// matrix first blanks the credentials it sent (a fixture value redacted inside a Basic
    /// credential would leave the rest of that credential unrecognisable).
    pub(crate) async fn respond_unredacted(
        &self,
        mut request: Request<Bytes>,
        env: &SecretsEnv,
    ) -> Result<Response<Bytes>, String> {
        drop_empty_authorization(&mut request);
        // Both clones are cheap (the URI shares its bytes).
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let _caller = crate::outbound::CallerScope::enter(env, request.headers());
        self.handler
            .handle(with_request_time(request), env)
            .await
            .map_err(|error| format!("{method} {uri}: the handler failed: {error}"))
    }

    /// Sends a request and captures the response.
    ///
    /// # Panics
    ///
    /// When the service or the response body fails (with a redacted message). An `async`
    /// block cannot panic at its caller's line, so the message names the line that called
    /// `send`: `… (sent at tests/stats.rs:12:10)`.
    #[track_caller]
    pub fn send(
        &self,
        request: impl Into<Request<Bytes>>,
    ) -> Sending<impl Future<Output = Result<CapturedResponse, SendError>> + '_> {
        Sending {
            inner: Box::pin(self.try_send(request)),
            caller: Location::caller(),
        }
    }

    /// [`send`](Self::send) on the current thread, for plain `#[test]` functions and handlers
    /// that need no runtime (see [`block_on`]).
    #[track_caller]
    pub fn send_blocking(&self, request: impl Into<Request<Bytes>>) -> CapturedResponse {
        match block_on(self.try_send(request)) {
            Ok(response) => response,
            Err(error) => panic!("{error}"),
        }
    }
}

impl<H> fmt::Debug for TestClient<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestClient")
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

/// The future [`TestClient::send`] returns: the captured response, or a panic naming the
/// line that called `send` (which a panic inside a future cannot otherwise report).
#[must_use = "a request is sent when the future is awaited"]
pub struct Sending<F> {
    inner: Pin<Box<F>>,
    caller: &'static Location<'static>,
}

impl<F> Future for Sending<F>
where
    F: Future<Output = Result<CapturedResponse, SendError>>,
{
    type Output = CapturedResponse;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<CapturedResponse> {
        match self.inner.as_mut().poll(cx) {
            Poll::Ready(Ok(response)) => Poll::Ready(response),
            Poll::Ready(Err(error)) => panic!("{error} (sent at {})", self.caller),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for Sending<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sending")
            .field("caller", &self.caller)
            .finish_non_exhaustive()
    }
}

/// A handler or its response body failed. The message is redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    message: String,
}
