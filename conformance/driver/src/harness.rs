//! The workerd side: starts `conformance/harness.mjs` (Miniflare running the built Worker) as a
//! child process and seeds and deletes secrets through its control endpoints; the scenarios'
//! requests go as raw bytes straight to workerd's socket for the Worker ([`crate::wire`]),
//! never through Node.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ureq::Agent;

use crate::response::Observed;
use crate::scenarios::{BINDING, Scenario, StoreState};
use crate::wire;

/// How long the harness may take to load the Worker (workerd's first start compiles the wasm).
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// Per control request: Miniflare answers in milliseconds; this only bounds a hung harness.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the harness gets to dispose Miniflare after its stdin closes.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// A running harness. Dropping it stops the child: stdin closes (the harness disposes
/// Miniflare and exits), and after a grace period it is killed.
pub struct Harness {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    client: Client,
}

/// What the harness is told to run.
pub struct Launch<'a> {
    pub node: &'a str,
    pub script: &'a Path,
    pub build_dir: &'a Path,
    pub bindings_json: String,
    pub compatibility_date: String,
    /// More arguments for the harness (`--wrangler`, `--dev-vars`, `--outbound`).
    pub extra_args: Vec<String>,
}

impl Harness {
    /// Starts the harness and waits for its `{"url": ...}` line.
    pub fn start(launch: &Launch<'_>) -> Result<Self, String> {
        let mut child = Command::new(launch.node)
            .arg(launch.script)
            .arg("--build")
            .arg(launch.build_dir)
            .arg("--bindings")
            .arg(&launch.bindings_json)
            .arg("--compatibility-date")
            .arg(&launch.compatibility_date)
            .args(&launch.extra_args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "starting `{} {}`: {e}",
                    launch.node,
                    launch.script.display()
                )
            })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = sender.send(read);
        });
        let mut harness = Harness {
            child: Some(child),
            stdin,
            client: Client::new(String::new(), None),
        };
        let line = match receiver.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) if !line.is_empty() => line,
            Ok(_) => {
                return Err("the harness exited before it was ready (see its stderr above)".into());
            }
            Err(_) => return Err(format!("the harness was not ready after {START_TIMEOUT:?}")),
        };
        let urls = serde_json::from_str::<serde_json::Value>(&line).ok();
        let field = |name: &str| {
            urls.as_ref()
                .and_then(|v| v.get(name))
                .and_then(|u| u.as_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    format!(
                        "the harness's first line has no \"{name}\" URL: {}",
                        line.trim()
                    )
                })
        };
        harness.client = Client::new(field("worker")?, Some(field("url")?));
        Ok(harness)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let Some(mut child) = self.child.take() else {
            return;
        };
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Talks to the Worker (raw bytes to `worker_url`) and, when there is one, to the harness
/// that controls its store (`control_url`).
pub struct Client {
    worker_url: String,
    control_url: Option<String>,
    agent: Agent,
}

impl Client {
    pub fn new(worker_url: String, control_url: Option<String>) -> Self {
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build()
            .into();
        Self {
            worker_url,
            control_url,
            agent,
        }
    }

    /// Where the Worker answers: workerd's own socket, `http://127.0.0.1:PORT`.
    pub fn worker_url(&self) -> &str {
        &self.worker_url
    }

    /// `HOST:PORT` of [`worker_url`](Self::worker_url), for the raw-bytes requests.
    fn worker_host(&self) -> Result<&str, String> {
        self.worker_url
            .strip_prefix("http://")
            .map(|host| host.trim_end_matches('/'))
            .ok_or_else(|| format!("the Worker URL {} is not http://HOST:PORT", self.worker_url))
    }

    /// Puts the store in the scenario's state through Miniflare's Secrets Store admin API.
    pub fn set_store(&self, state: StoreState, token: &str) -> Result<(), String> {
        match state {
            StoreState::Seeded => self.put_secret(BINDING, token),
            StoreState::Deleted => self.delete_secret(BINDING),
            StoreState::Failing => Err("workerd cannot make the store fail".into()),
        }
    }

    /// Seeds `binding`'s Secrets Store secret with `value` through the harness.
    pub fn put_secret(&self, binding: &str, value: &str) -> Result<(), String> {
        self.control_secret(binding, |agent, url| agent.put(url).send(value))
    }

    /// Deletes `binding`'s Secrets Store secret through the harness.
    pub fn delete_secret(&self, binding: &str) -> Result<(), String> {
        self.control_secret(binding, |agent, url| agent.delete(url).call())
    }

    /// Sends one request to the harness's control endpoint for `binding`'s secret and checks
    /// that it succeeded. ureq's errors name the URL and the failure, never the request body
    /// (a secret's value).
    fn control_secret(
        &self,
        binding: &str,
        send: impl FnOnce(&Agent, &str) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(), String> {
        let control = self
            .control_url
            .as_deref()
            .ok_or("no harness controls this Worker's store")?;
        let url = format!("{control}/__harness/secrets/{binding}");
        let status = send(&self.agent, &url)
            .map_err(|e| format!("harness control {url}: {e}"))?
            .status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("harness control {url} answered {status}"))
        }
    }

    /// The outbound requests the Worker made since the last call (the harness forgets them):
    /// `[{method, url, headers: [[name, value]]}]` as its `outboundService` received them.
    pub fn take_outbound(&self) -> Result<serde_json::Value, String> {
        let control = self
            .control_url
            .as_deref()
            .ok_or("no harness records this Worker's outbound requests")?;
        let url = format!("{control}/__harness/outbound");
        let mut answer = self
            .agent
            .delete(&url)
            .call()
            .map_err(|e| format!("harness control {url}: {e}"))?;
        let text = answer
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("harness control {url}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("harness control {url}: {e}"))
    }

    /// Sends `GET path` with the `Authorization` value as given (spaces and all, or none) to
    /// the Worker, as raw bytes on a fresh connection.
    pub fn get(&self, path: &str, authorization: Option<&str>) -> Result<Observed, String> {
        wire::get(self.worker_host()?, path, authorization)
    }

    /// Sends `POST path` with `headers` and `body` to the Worker, as raw bytes.
    pub fn post(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Observed, String> {
        let host = self.worker_host()?;
        let request = wire::post_bytes(host, path, headers, body)?;
        wire::exchange(host, "POST", path, &request)
    }

    /// Sends `method path` with `headers` (as given, in order) and, when given, `body` to the
    /// Worker, as raw bytes.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Observed, String> {
        let host = self.worker_host()?;
        let request = wire::bytes_of(method, host, path, headers, body)?;
        wire::exchange(host, method, path, &request)
    }

    /// Sends the scenario's request to the Worker.
    pub fn send(&self, scenario: &Scenario, token: &str) -> Result<Observed, String> {
        self.get(
            scenario.path,
            scenario.authorization.header(token).as_deref(),
        )
    }
}
