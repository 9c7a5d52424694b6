//! The comparison table and its closing line. Every body goes through the redactor, and the
//! finished text is checked for the token before it is printed.

use std::fmt::Write as _;

use devflare_test::redact::Redactor;

use crate::response::Observed;
use crate::scenarios::Scenario;

/// Longest body shown in a cell; the full bodies are compared, not shown.
const BODY_CHARS: usize = 60;

/// How one scenario came out.
pub enum Verdict {
    Agree,
    Differ,
    NotReproducible(&'static str),
}

/// One row: the scenario, both sides' answers (or why there is none) and the verdict.
pub struct Row {
    pub scenario: Scenario,
    pub native: Result<Observed, String>,
    /// `None` only when the scenario cannot be staged in workerd.
    pub workerd: Option<Result<Observed, String>>,
    /// Whether the `Authorization` header reached the Worker in workerd byte for byte as
    /// written (its echo route); `None` when nothing was sent.
    pub delivered: Option<Result<bool, String>>,
}

impl Row {
    /// Agree only when both status and body are equal and the request reached the Worker as
    /// written; a row workerd answered is always compared.
    pub fn verdict(&self) -> Verdict {
        if let Some(unreproducible) = self.scenario.not_reproducible {
            return Verdict::NotReproducible(unreproducible.reason);
        }
        match (&self.native, &self.workerd, &self.delivered) {
            (Ok(native), Some(Ok(workerd)), Some(Ok(true))) if native == workerd => Verdict::Agree,
            _ => Verdict::Differ,
        }
    }
}

/// The counts of the closing line.
#[derive(Default)]
pub struct Counts {
    pub agree: usize,
    pub differ: usize,
    pub not_reproducible: usize,
}

impl Counts {
    /// Counts a row that both sides answered, and gives its verdict cell.
    pub fn record(&mut self, agree: bool) -> &'static str {
        if agree {
            self.agree += 1;
            "agree"
        } else {
            self.differ += 1;
            "**DIFFER**"
        }
    }

    /// Adds a group's counts to the run's total.
    pub fn add(&mut self, group: &Counts) {
        self.agree += group.agree;
        self.differ += group.differ;
        self.not_reproducible += group.not_reproducible;
    }

    /// The closing line of a group's table (or of the whole run): `{what}: N agree, …`.
    pub fn closing_line(&self, what: &str) -> String {
        format!(
            "{what}: {} agree, {} differ, {} not reproducible",
            self.agree, self.differ, self.not_reproducible
        )
    }
}

/// Writes the numbered reasons a table's "not reproducible (…)" cells point at, each
/// numbered `{prefix}{n}` as [`footnote`] gave it.
pub(crate) fn write_footnotes(out: &mut String, prefix: &str, reasons: &[&'static str]) {
    for (index, reason) in reasons.iter().enumerate() {
        let _ = writeln!(out, "\n({prefix}{}) {reason}.", index + 1);
    }
}

/// Renders the Markdown table, the reasons, and the closing line.
pub fn render(rows: &[Row], redactor: &Redactor) -> (String, Counts) {
    let mut counts = Counts::default();
    let mut reasons: Vec<&'static str> = Vec::new();
    let mut out = String::new();
    out.push_str(
        "| scenario | Authorization | store | native (fakes) | workerd (raw HTTP/1.1) | reached the Worker as sent | verdict |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for row in rows {
        let verdict = match row.verdict() {
            Verdict::Agree => counts.record(true).to_owned(),
            Verdict::Differ => counts.record(false).to_owned(),
            Verdict::NotReproducible(reason) => {
                counts.not_reproducible += 1;
                let number = footnote(&mut reasons, reason);
                format!("not reproducible ({number})")
            }
        };
        let workerd = match &row.workerd {
            Some(answer) => cell(answer, redactor),
            None => "-".to_owned(),
        };
        let empty_sent = row.scenario.authorization.is_empty_value();
        let delivered = match &row.delivered {
            Some(Ok(true)) if empty_sent => "no header: workerd drops an empty one".to_owned(),
            Some(Ok(true)) => "yes".to_owned(),
            Some(Ok(false)) => "**NO**".to_owned(),
            Some(Err(message)) => format!("error: {}", one_line(&redactor.redact(message))),
            None => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} `{}` | `{}` | {} | {} | {} | {delivered} | {verdict} |",
            row.scenario.name,
            row.scenario.path,
            row.scenario.authorization.describe(),
            row.scenario.store.name(),
            cell(&row.native, redactor),
            workerd,
        );
    }
    write_footnotes(&mut out, "", &reasons);
    let _ = writeln!(out, "\n{}", counts.closing_line("stats-worker"));
    (out, counts)
}

/// `status body`, the body redacted, shortened and kept on one line.
pub(crate) fn cell(answer: &Result<Observed, String>, redactor: &Redactor) -> String {
    let text = match answer {
        Ok(observed) => {
            let body = redactor.redact(&observed.body);
            let mut shown: String = body.chars().take(BODY_CHARS).collect();
            if body.chars().count() > BODY_CHARS {
                shown.push('…');
            }
            // A body with backticks (the unbound-binding text) needs a double-backtick span.
            if shown.contains('`') {
                format!("{} `` {shown} ``", observed.status)
            } else {
                format!("{} `{shown}`", observed.status)
            }
        }
        Err(message) => format!("error: {}", redactor.redact(message)),
    };
    one_line(&text)
}

/// Kept on one table line.
/// The number of `reason` among the footnotes of a table (1-based), added if it is new.
pub(crate) fn footnote(reasons: &mut Vec<&'static str>, reason: &'static str) -> usize {
    match reasons.iter().position(|r| *r == reason) {
        Some(index) => index + 1,
        None => {
            reasons.push(reason);
            reasons.len()
        }
    }
}

pub(crate) fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use devflare_test::{SecretsEnv, matrix::Scenario as MatrixScenario};

    use super::*;
    use crate::scenarios;

    fn observed(status: u16, body: &str) -> Result<Observed, String> {
        Ok(Observed {
            status,
            body: body.to_owned(),
        })
    }

    fn row(name: MatrixScenario, workerd: Result<Observed, String>, delivered: bool) -> Row {
        let scenario = scenarios::all()
            .into_iter()
            .find(|s| s.name == name.name())
            .unwrap();
        Row {
            scenario,
            native: observed(401, r#"{"ok":false,"error":"invalid_token"}"#),
            workerd: Some(workerd),
            delivered: Some(Ok(delivered)),
        }
    }

    #[test]
    fn only_a_failing_store_is_not_reproducible() {
        for scenario in scenarios::all() {
            assert_eq!(
                scenario.not_reproducible.is_some(),
                scenario.store == scenarios::StoreState::Failing,
                "{}",
                scenario.name
            );
        }
    }

    #[test]
    fn whitespace_and_empty_rows_are_compared_status_and_body() {
        let redactor = SecretsEnv::builder().build().unwrap().redactor();
        for name in [
            MatrixScenario::EmptyCredential,
            MatrixScenario::TrailingWhitespace,
            MatrixScenario::EmptyCredentialWhileMissing,
        ] {
            let other_body = row(
                name,
                observed(401, r#"{"ok":false,"error":"missing_authorization"}"#),
                true,
            );
            let let_in = row(name, observed(200, r#"{"ok":true}"#), true);
            let same = row(
                name,
                observed(401, r#"{"ok":false,"error":"invalid_token"}"#),
                true,
            );
            let (_, counts) = render(&[other_body, let_in, same], &redactor);
            assert_eq!(
                (counts.agree, counts.differ, counts.not_reproducible),
                (1, 2, 0),
                "{}",
                name.name()
            );
        }
    }

    #[test]
    fn a_header_that_did_not_arrive_as_sent_is_a_difference() {
        let redactor = SecretsEnv::builder().build().unwrap().redactor();
        let same_answer = observed(401, r#"{"ok":false,"error":"invalid_token"}"#);
        let (table, counts) = render(
            &[row(MatrixScenario::TrailingWhitespace, same_answer, false)],
            &redactor,
        );
        assert_eq!((counts.agree, counts.differ), (0, 1));
        assert!(table.contains("| **NO** |"), "{table}");
    }
}
