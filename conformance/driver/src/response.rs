//! What one side answered.

/// A response's status and body, as compared between the two sides.
// No `Debug`: a body may hold a leaked secret, and is shown only through a redactor.
#[derive(Clone, PartialEq, Eq)]
pub struct Observed {
    pub status: u16,
    pub body: String,
}
