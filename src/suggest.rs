//! "Did you mean …?": the closest valid name for a misspelt one.

// One implementation for the file readers and the fake env, so both suggest alike.
pub(crate) use devflare_config::closest;

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
