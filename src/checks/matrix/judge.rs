//! Judging: what a scenario got against what it must get. Pure, so any runner reuses it.

use http::StatusCode;

use super::plan::Condition;
use super::report::{Problem, StatusWhy, Verdict};
use super::scenario::Outcome;
use super::status::StatusExpectation;
use crate::checks::leak::Leak;

/// What a runner observed for one scenario.
pub(crate) enum Observation {
    /// The handler answered.
    Answered {
        status: StatusCode,
        leaks: Vec<Leak>,
    },
    /// The handler (or its body) failed; the message is already value-free.
    Failed { message: String },
}

/// The verdict for `observation` of a scenario that must get `outcome`.
pub(crate) fn judge(
    outcome: Outcome,
    condition: Condition,
    expected: StatusExpectation,
    observation: &Observation,
) -> Verdict {
    let mut problems = Vec::new();
    match observation {
        Observation::Answered { status, leaks } => {
            let status = *status;
            let lets_in = status.is_success()
                && matches!(outcome, Outcome::FailsClosed | Outcome::NeverLetIn);
            if !expected.matches(status) || lets_in {
                problems.push(Problem::Status {
                    expected,
                    got: status,
                    why: why(outcome, condition, status),
                });
            }
            problems.extend(leaks.iter().cloned().map(Problem::Leak));
        }
        Observation::Failed { message } => problems.push(Problem::HandlerFailed {
            message: message.clone(),
        }),
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems)
    }
}

fn why(outcome: Outcome, condition: Condition, status: StatusCode) -> StatusWhy {
    match outcome {
        Outcome::Rejected if status.is_success() => StatusWhy::WrongCredentialAccepted,
        Outcome::Rejected => StatusWhy::WrongCredentialUnexpectedStatus,
        Outcome::Accepted => StatusWhy::RightCredentialRefused,
        Outcome::FailsClosed if status.is_success() && condition == Condition::BindingUnbound => {
            StatusWhy::FailsOpenUnbound
        }
        Outcome::FailsClosed if status.is_success() => StatusWhy::FailsOpen,
        Outcome::FailsClosed => StatusWhy::NotAServerError,
        Outcome::NeverLetIn => match condition {
            Condition::StoreFailing => StatusWhy::FailingStoreTreatedAsEmpty,
            Condition::BindingUnbound => StatusWhy::UnboundTreatedAsEmpty,
            _ => StatusWhy::MissingSecretTreatedAsEmpty,
        },
    }
}
