//! Store ids and secret names: what the command line accepts, how names read from a file are
//! printed, and "did you mean" for near names only.

/// Why `text` cannot be a store id or secret name given on the command line, if it cannot.
///
/// `list` prints `store_id/name` lines, so a `/`, a newline or any other control character or
/// whitespace would let one entry print as several (or forge another). The message points at
/// the character by position and never repeats the argument.
pub(crate) fn problem(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("must not be empty".into());
    }
    let (index, c) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| c == '/' || c.is_whitespace() || c.is_control())?;
    let what = match c {
        '/' => "`/` (it separates store and name in `list`)".to_owned(),
        c if c.is_control() => format!("a control character (U+{:04X})", u32::from(c)),
        c => format!("whitespace (U+{:04X})", u32::from(c)),
    };
    Some(format!(
        "must not contain {what}: character {} is one",
        index + 1
    ))
}

/// A store id or name read from the file, printable on one line: anything [`problem`] would
/// refuse is escaped (a file written by another tool may hold it), so a line of `list` output
/// is always exactly one entry.
pub(crate) fn shown(text: &str) -> String {
    if problem(text).is_none() {
        text.to_owned()
    } else {
        text.chars()
            .flat_map(|c| match c {
                '/' => "\\/".chars().collect::<Vec<_>>(),
                c if c.is_whitespace() || c.is_control() => c.escape_unicode().collect(),
                c => vec![c],
            })
            .collect()
    }
}

/// `"; did you mean `X`?"` for the closest of `candidates`, when one is near `wanted`.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let closest = devflare_config::closest(wanted, candidates).map(|name| shown(&name));
    devflare_config::did_you_mean(closest.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_separators_whitespace_and_control_characters() {
        assert_eq!(problem("store-123"), None);
        assert_eq!(problem("API_TOKEN"), None);
        assert_eq!(problem("héllo"), None);
        for bad in [
            "",
            "a/b",
            "a b",
            "a\nb",
            "a\tb",
            "a\u{7f}",
            "\u{a0}x",
            "a\u{2028}",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(
            problem("ab\ncd").unwrap(),
            "must not contain a control character (U+000A): character 3 is one"
        );
    }

    #[test]
    fn shows_odd_names_on_one_line() {
        assert_eq!(shown("store-1"), "store-1");
        assert_eq!(shown("a\nb/c"), "a\\u{a}b\\/c");
        assert!(!shown("x\r\ny z").contains(['\n', '\r', ' ']));
    }

    #[test]
    fn suggests_only_near_names() {
        assert_eq!(did_you_mean("temp", ["admin-token"]), "");
        assert_eq!(
            did_you_mean("api-tokn", ["api-token"]),
            "; did you mean `api-token`?"
        );
    }
}
