//! The seam for a Worker's outbound requests (feature `fetch`): [`OutboundFetch`] sends one
//! `http::Request<Bytes>` and returns the whole response; [`OutboundEnv`] hands a handler the
//! fetcher to use. In production (`GlobalFetch`, feature `worker`, wasm32) that is the
//! runtime's global `fetch` through workers-rs; in native tests `devflare-test` answers from a
//! fake upstream that records every request and checks where each secret goes.

use core::future::Future;

use bytes::Bytes;

/// Sends a Worker's outbound HTTP request, like workers-rs'
/// `worker::Fetch::Request(request).send()`.
///
/// The request's URI must be absolute (`https://host/path`). Redirects are followed as the
/// runtime's `fetch` follows them by default (`redirect: "follow"`, at most 20), so the
/// response is the last hop's. The body is read whole: this seam is for API calls, not for
/// streaming.
///
/// ```
/// use bytes::Bytes;
/// use devflare_bindings::OutboundFetch;
///
/// /// Calls the partner API with the key in the header the partner documents.
/// async fn partner_report<F: OutboundFetch>(fetcher: &F, key: &str) -> Result<Bytes, String> {
///     let request = http::Request::get("https://api.partner.example/v1/report")
///         .header("x-api-key", key)
///         .body(Bytes::new())
///         .map_err(|error| error.to_string())?;
///     let response = fetcher.fetch(request).await.map_err(|error| error.to_string())?;
///     Ok(response.into_body())
/// }
/// ```
pub trait OutboundFetch: Send + Sync {
    /// What a failed request fails with: `worker::Error` in production (a network error, a
    /// redirect loop, a URL the runtime refuses).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Sends `request` and reads the whole response. An HTTP error status is a response, not
    /// an `Err`, as with the runtime's `fetch`.
    fn fetch(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, Self::Error>> + Send;
}

/// An environment that hands a handler its outbound fetcher: `worker::Env` in production
/// (the Worker's global `fetch`), `devflare-test`'s fake env in tests (its fake upstream).
///
/// workers-rs has no fetcher on `Env` (`worker::Fetch` is a free-standing call), so the seam
/// adds one: a handler that takes `&impl OutboundEnv` (often alongside
/// [`SecretsStoreEnv`](crate::SecretsStoreEnv)) reaches the network only through
/// [`fetcher`](Self::fetcher), and a test sees every request it makes.
pub trait OutboundEnv: Send + Sync {
    /// The fetcher handed out: `GlobalFetch` in production (feature `worker`, wasm32).
    type Fetcher: OutboundFetch;

    /// The fetcher for this Worker's outbound requests.
    fn fetcher(&self) -> Self::Fetcher;
}

impl<T: OutboundFetch + ?Sized> OutboundFetch for &T {
    type Error = T::Error;

    fn fetch(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, Self::Error>> + Send {
        (**self).fetch(request)
    }
}

impl<T: OutboundEnv + ?Sized> OutboundEnv for &T {
    type Fetcher = T::Fetcher;

    fn fetcher(&self) -> Self::Fetcher {
        (**self).fetcher()
    }
}

#[cfg(all(feature = "worker", target_arch = "wasm32"))]
pub use workers_rs::GlobalFetch;

#[cfg(all(feature = "worker", target_arch = "wasm32"))]
mod workers_rs {
    use super::{OutboundEnv, OutboundFetch};
    use bytes::Bytes;
    use core::future::Future;
    use worker::send::SendFuture;

    /// The Worker's global `fetch`, through workers-rs (`worker::Fetch::Request`), as an
    /// [`OutboundFetch`]. What `worker::Env::fetcher()` hands out.
    ///
    /// Built without workers-rs' `http` feature (which changes what `#[event(fetch)]`
    /// passes): headers are copied one by one, the body as a `Uint8Array`, redirects left to
    /// the runtime's default (`follow`).
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GlobalFetch;

    impl OutboundFetch for GlobalFetch {
        type Error = worker::Error;

        fn fetch(
            &self,
            request: http::Request<Bytes>,
        ) -> impl Future<Output = Result<http::Response<Bytes>, Self::Error>> + Send {
            // workers-rs' JavaScript futures are not `Send`; a Worker is single-threaded, so
            // workers-rs' own wrapper is sound here (as its `SecretStore::get` uses it).
            SendFuture::new(send(request))
        }
    }

    async fn send(request: http::Request<Bytes>) -> worker::Result<http::Response<Bytes>> {
        let (parts, body) = request.into_parts();
        let headers = worker::Headers::new();
        for (name, value) in &parts.headers {
            let value = value.to_str().map_err(|_| {
                worker::Error::RustError(format!(
                    "header `{name}` is not visible ASCII; the runtime's fetch takes strings"
                ))
            })?;
            headers.append(name.as_str(), value)?;
        }
        let mut init = worker::RequestInit::new();
        init.with_method(worker::Method::from(parts.method.as_str().to_owned()))
            .with_headers(headers);
        if !body.is_empty() {
            let array = worker::js_sys::Uint8Array::from(&body[..]);
            init.with_body(Some(array.into()));
        }
        let outbound = worker::Request::new_with_init(&parts.uri.to_string(), &init)?;
        let mut response = worker::Fetch::Request(outbound).send().await?;
        let mut builder = http::Response::builder().status(response.status_code());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let bytes = response.bytes().await?;
        builder
            .body(Bytes::from(bytes))
            .map_err(|error| worker::Error::RustError(error.to_string()))
    }

    impl OutboundEnv for worker::Env {
        type Fetcher = GlobalFetch;

        fn fetcher(&self) -> GlobalFetch {
            GlobalFetch
        }
    }
}
