//! Checks run over a handler's responses.

pub mod matrix;
