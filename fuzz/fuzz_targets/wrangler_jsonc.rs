//! `wrangler.jsonc` / `wrangler.json`: any bytes, never a panic, every location in the text.
#![no_main]

use devflare_test::config::Format;
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;
#[path = "wrangler_checks.rs"]
mod wrangler_checks;

fuzz_target!(|data: &[u8]| wrangler_checks::wrangler(data, Format::Jsonc, "wrangler.jsonc"));
