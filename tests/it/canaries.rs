//! The canary values every test here shares, from `tests/canaries.txt`.

/// `(name, value)` pairs from `tests/canaries.txt`.
pub fn all() -> Vec<(&'static str, &'static str)> {
    include_str!("../canaries.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once('='))
        .collect()
}

/// The canary value named `name`.
pub fn value(name: &str) -> &'static str {
    all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no canary named {name} in tests/canaries.txt"))
}
