//! Misuse of `secrets_env!` is a compile error with a message that says what to write.
//! The expected compiler output lives in `tests/ui/*.stderr`
//! (regenerate with `TRYBUILD=overwrite cargo test --test ui`, then review the diff).

#[test]
fn secrets_env_misuse_fails_to_compile_with_a_clear_message() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
