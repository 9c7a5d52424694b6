//! Running the plan against a running Worker over HTTP (feature `remote`): the scenarios that
//! need no change to the store, adversarial other-channel probes included, with the same
//! plan, judge, report and redaction as in process.

use std::sync::Arc;

use bytes::Bytes;

use super::error::{MatrixError, preflight};
use super::hide::route_line;
use super::judge::{Observation, judge};
use super::plan::{Planned, plan};
use super::report::{MatrixReport, ScenarioResult, Verdict};
use super::route::{Kind, ProtectedRoute};
use super::scenario::Scenario;
use crate::{Redactor, SecretsEnv};

impl ProtectedRoute {
    /// Sends the scenarios that need no change to the store to a running Worker at
    /// `base_url` (`http://127.0.0.1:8787`, no TLS), with `secret` the value the Worker's
    /// binding holds (feature `remote`). The scenarios that delete the secret, fail the
    /// store or unbind the binding are reported *not applicable*: a deployed store cannot be
    /// changed from here. The Worker keeps its own clock: for timestamped signatures, set
    /// [`now`](Self::now) to the current time.
    ///
    /// # Errors
    ///
    /// As [`check`](Self::check): the route, the names or the secret cannot make a matrix.
    /// A Worker that cannot be reached fails each scenario instead, with a value-free
    /// message.
    pub fn check_remote(&self, base_url: &str, secret: &str) -> Result<MatrixReport, MatrixError> {
        // An env holding just this binding: the same preflight and redactor as in process.
        let env = SecretsEnv::builder()
            .secret(self.binding.clone(), secret)
            .build()
            .map_err(|_| MatrixError::InvalidCredentialName {
                what: "binding",
                name: self.binding.clone(),
            })?;
        let secret = preflight(self, &env)?;
        let plans = plan(self, &secret);
        let redactor = env.redactor();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent();
        let base = base_url.trim_end_matches('/');
        let results = plans
            .iter()
            .map(|planned| self.send_remote(&agent, base, planned, &secret, &redactor))
            .collect();
        Ok(MatrixReport {
            route: route_line(&self.method, &self.uri, &redactor, &[]),
            binding: self.binding.clone(),
            shape: self.shape(),
            results,
            warnings: self.warnings(),
        })
    }

    /// HTTP drops spaces at the edges of a header value, so a near miss made of them reaches
    /// the Worker as the right token: not a test of the Worker.
    fn stripped_on_the_wire(&self, planned: &Planned) -> Option<&'static str> {
        let Kind::Header { scheme, .. } = &self.kind else {
            return None;
        };
        let at_an_edge = match planned.scenario {
            Scenario::TrailingWhitespace => true,
            Scenario::LeadingWhitespace => scheme.is_none(),
            _ => false,
        };
        at_an_edge.then_some("HTTP drops spaces at the edges of a header value")
    }

    fn send_remote(
        &self,
        agent: &ureq::Agent,
        base: &str,
        planned: &Planned,
        secret: &Arc<str>,
        redactor: &Redactor,
    ) -> ScenarioResult {
        let expected = self.expected(planned.outcome);
        let mut result = planned.unjudged(expected);
        if planned.condition.changes_the_store() {
            result.verdict = Verdict::NotApplicable(
                "it changes the store, which a running Worker's is not: run it in process"
                    .to_owned(),
            );
            return result;
        }
        if let Some(why) = self.stripped_on_the_wire(planned) {
            result.verdict = Verdict::NotApplicable(why.to_owned());
            return result;
        }
        let built = match planned.build_request() {
            Ok(built) => built,
            Err(why) => {
                result.verdict = Verdict::NotApplicable(why);
                return result;
            }
        };
        let (mut parts, body) = built.into_parts();
        let absolute = format!("{base}{}", parts.uri);
        let observation = match absolute.parse() {
            Ok(uri) => {
                parts.uri = uri;
                let request = http::Request::from_parts(parts, body.to_vec());
                match agent.run(request) {
                    Ok(response) => 'answered: {
                        let (parts, mut body) = response.into_parts();
                        // An unread body (too large, cut off) cannot be scanned for leaks:
                        // the scenario fails rather than passing unscanned.
                        let body = match body.read_to_vec() {
                            Ok(body) => Bytes::from(body),
                            Err(error) => {
                                break 'answered Observation::Failed {
                                    message: format!(
                                        "the response body could not be read for the leak \
                                         scan: {error}"
                                    ),
                                };
                            }
                        };
                        let status = parts.status;
                        result.status = Some(status);
                        result.leaks = crate::checks::leak::scan(
                            redactor,
                            status.as_u16(),
                            &parts.headers,
                            &body,
                        );
                        Observation::Answered {
                            status,
                            leaks: result.leaks.clone(),
                        }
                    }
                    Err(error) => Observation::Failed {
                        message: format!("the Worker could not be reached: {error}"),
                    },
                }
            }
            Err(_) => Observation::Failed {
                message: "the base URL and the route do not form a URL".to_owned(),
            },
        };
        let observation = match observation {
            Observation::Failed { message } => Observation::Failed {
                message: planned.hide_in_error(&message, secret, redactor),
            },
            answered => answered,
        };
        result.verdict = judge(planned.outcome, planned.condition, expected, &observation);
        result
    }
}
