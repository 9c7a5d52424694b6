//! Fixture files: any bytes, never a panic, every location in the text, and no value in the
//! `Debug` of what was parsed.
#![no_main]

use devflare_test::SecretsEnv;
use devflare_test::config::FixtureFile;
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = checks::Lines::new(&text);
    let fixture = match FixtureFile::parse(&text, "fixture.toml") {
        Ok(fixture) => fixture,
        Err(error) => return lines.check_error(&error),
    };
    fixture
        .bindings()
        .iter()
        .for_each(|b| lines.check(b.location()));
    for value in fixture.values() {
        lines.check(value.location());
        // Exactly this shape: whatever the value is, it cannot be in there.
        let expected = format!(
            "FixtureValue({}/{} = [REDACTED] at {})",
            value.store_id(),
            value.secret_name(),
            value.location()
        );
        assert_eq!(format!("{value:?}"), expected);
    }
    let built = SecretsEnv::builder().fixture(&fixture).strict().build();
    if let Err(error) = built {
        assert!(!error.to_string().is_empty());
    }
});
