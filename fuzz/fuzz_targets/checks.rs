//! What every parser target asserts beyond "no panic": each location a result or an error
//! carries lies inside the text.

use devflare_test::config::{ConfigError, Location};

/// Characters per line of `text`, so each location is checked in constant time.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Self {
        Self(text.split('\n').map(|line| line.chars().count()).collect())
    }

    /// A location is a real position: a line of the text, a column at most one past its end.
    pub fn check(&self, location: &Location) {
        let line = location.line();
        assert!(
            line >= 1 && line <= self.0.len(),
            "line {line} of {}",
            self.0.len()
        );
        let width = self.0[line - 1];
        let column = location.column();
        assert!(
            column >= 1 && column <= width + 1,
            "column {column} of {width}"
        );
    }

    pub fn check_error(&self, error: &ConfigError) {
        if let Some(location) = error.location() {
            self.check(location);
        }
        let shown = error.to_string();
        assert!(!shown.is_empty());
    }
}
