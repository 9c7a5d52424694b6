//! A tiny blocking executor, so plain `#[test]` functions can drive handlers that need no
//! runtime (no timers, no I/O). Handlers that do need one run under `#[tokio::test]`.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on the current thread, parking it while the future waits.
///
/// ```
/// use devflare_test::prelude::*;
///
/// let env = secrets_env! { API_TOKEN => "t" };
/// let token = block_on(env.secret_store("API_TOKEN").unwrap().get()).unwrap();
/// assert_eq!(token.as_deref(), Some("t"));
/// ```
///
/// Futures that need a tokio reactor (timers, sockets) panic here; use `#[tokio::test]`.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut context = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        thread::park();
    }
}
