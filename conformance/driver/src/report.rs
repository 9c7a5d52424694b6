//! The comparison table and its closing line. Every body goes through the redactor, and the
//! finished text is checked for the token before it is printed.

use std::fmt::Write as _;

use devflare_test::Redactor;

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
    pub workerd: Option<Result<Observed, String>>,
}

impl Row {
    pub fn verdict(&self) -> Verdict {
        if let Some(unreproducible) = self.scenario.not_reproducible {
            return Verdict::NotReproducible(unreproducible.reason);
        }
        match (&self.native, &self.workerd) {
            (Ok(native), Some(Ok(workerd))) if native == workerd => Verdict::Agree,
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

/// Renders the Markdown table, the reasons, and the closing line.
pub fn render(rows: &[Row], redactor: &Redactor) -> (String, Counts) {
    let mut counts = Counts::default();
    let mut reasons: Vec<&'static str> = Vec::new();
    let mut out = String::new();
    out.push_str(
        "| scenario | Authorization | store | native (fakes) | workerd (HTTP) | verdict |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for row in rows {
        let verdict = match row.verdict() {
            Verdict::Agree => {
                counts.agree += 1;
                "agree".to_owned()
            }
            Verdict::Differ => {
                counts.differ += 1;
                "**DIFFER**".to_owned()
            }
            Verdict::NotReproducible(reason) => {
                counts.not_reproducible += 1;
                let number = match reasons.iter().position(|r| *r == reason) {
                    Some(index) => index + 1,
                    None => {
                        reasons.push(reason);
                        reasons.len()
                    }
                };
                format!("not reproducible ({number})")
            }
        };
        let workerd = match &row.workerd {
            Some(answer) => cell(answer, redactor),
            None => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} `{}` | `{}` | {} | {} | {} | {verdict} |",
            row.scenario.name,
            row.scenario.path,
            row.scenario.authorization.describe(),
            row.scenario.store.name(),
            cell(&row.native, redactor),
            workerd,
        );
    }
    for (index, reason) in reasons.iter().enumerate() {
        let _ = writeln!(out, "\n({}) {reason}.", index + 1);
    }
    let _ = writeln!(
        out,
        "\nworkerd conformance: {} agree, {} differ, {} not reproducible",
        counts.agree, counts.differ, counts.not_reproducible
    );
    (out, counts)
}

/// `status body`, the body redacted, shortened and kept on one line.
fn cell(answer: &Result<Observed, String>, redactor: &Redactor) -> String {
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
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}
