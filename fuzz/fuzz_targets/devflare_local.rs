//! Devflare's local values file (`.devflare/secrets.local.json`): any bytes, never a panic,
//! every location in the text, no value in an error; what parses renders and parses back to
//! the same entries.
#![no_main]

use devflare_test::config::devflare_local::LocalFile;
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = checks::Lines::new(&text);
    let file = match LocalFile::parse(&text, "secrets.local.json") {
        Ok(file) => file,
        Err(error) => {
            if let Some(location) = error.location() {
                lines.check(location);
            }
            let shown = error.to_string();
            assert!(!shown.is_empty());
            // Values are JSON strings: an error may name a store or a secret, never a value.
            if let Ok(parsed) = serde_json::from_str::<serde_json::Value>(&text) {
                for value in values(&parsed) {
                    if value.chars().count() >= 8 {
                        assert!(!shown.contains(value.as_str()), "an error quoted a value");
                    }
                }
            }
            return;
        }
    };
    for entry in file.entries() {
        if let Some(location) = entry.secret.location() {
            lines.check(location);
        }
    }
    // Writing what was read keeps every entry.
    let rendered = file.render();
    let again = LocalFile::parse(&rendered, "secrets.local.json").expect("rendered text parses");
    assert_eq!(file.len(), again.len());
    for entry in file.entries() {
        let back = again
            .get(entry.store_id, entry.name)
            .expect("a rendered entry reads back");
        assert_eq!(back.value(), entry.secret.value());
    }
});

/// Every `"value"` string in a Devflare-shaped document.
fn values(document: &serde_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(stores) = document.get("stores").and_then(|s| s.as_object()) {
        for secrets in stores.values().filter_map(|s| s.as_object()) {
            for entry in secrets.values() {
                if let Some(value) = entry.get("value").and_then(|v| v.as_str()) {
                    found.push(value.to_owned());
                }
            }
        }
    }
    found
}
