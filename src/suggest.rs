//! "Did you mean …?": the closest valid name for a misspelt one — `devflare_config`'s
//! `closest` (and its `did_you_mean` clause), the one implementation every crate of the
//! workspace uses, so the file readers, the fake env, the CLI and the macros suggest alike.
//! Its tests are in `devflare-config`.

pub(crate) use devflare_config::closest;
