//! The library's integration tests, as modules of one test binary (one link, not many).

mod local;
