//! One integration-test binary (once_cell's style): each concept is a module.

mod config;
