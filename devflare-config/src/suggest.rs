//! "Did you mean …?": the closest valid name for a misspelt one.

/// The one "did you mean" clause every crate of the workspace appends to an error:
/// `; did you mean `NAME`?`, or nothing when there is no suggestion.
///
/// ```
/// use devflare_config::did_you_mean;
///
/// assert_eq!(did_you_mean(Some("API_TOKEN")), "; did you mean `API_TOKEN`?");
/// assert_eq!(did_you_mean(None), "");
/// ```
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

/// The candidate closest to `wanted` by edit distance, if any is close enough to be a
/// plausible typo (at most a third of the longer name, and at least one edit allowed).
/// Case differences are free, so `api_token` finds `API_TOKEN`. Ties go to the first.
///
/// ```
/// use devflare_config::closest;
///
/// assert_eq!(closest("secret_nme", ["binding", "secret_name"]).as_deref(), Some("secret_name"));
/// assert_eq!(closest("DATABASE_URL", ["API_TOKEN"]), None);
/// ```
pub fn closest<'a, I>(wanted: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == wanted {
            continue;
        }
        let distance = distance_ignoring_case(wanted, candidate);
        let longest = wanted.chars().count().max(candidate.chars().count());
        let limit = (longest / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name.to_owned())
}

/// Levenshtein distance, ignoring case.
fn distance_ignoring_case(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = usize::from(!ca.to_lowercase().eq(cb.to_lowercase()));
            current[j + 1] = (previous[j] + substitution)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_a_one_letter_typo() {
        let names = ["API_TOKEN", "GREETING"];
        assert_eq!(closest("API_TOKNE", names).as_deref(), Some("API_TOKEN"));
        assert_eq!(closest("GRETING", names).as_deref(), Some("GREETING"));
    }

    #[test]
    fn finds_a_case_difference() {
        assert_eq!(
            closest("api_token", ["API_TOKEN", "OTHER"]).as_deref(),
            Some("API_TOKEN")
        );
    }

    #[test]
    fn offers_nothing_for_an_unrelated_name() {
        assert_eq!(closest("DATABASE_URL", ["API_TOKEN", "GREETING"]), None);
        assert_eq!(closest("X", std::iter::empty()), None);
    }

    #[test]
    fn never_suggests_the_name_itself() {
        assert_eq!(closest("A", ["A"]), None);
    }
}
