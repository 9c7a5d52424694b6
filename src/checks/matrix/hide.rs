//! Keeping values out of the report: the route URI, handler errors that may quote the
//! credential as sent (raw, Debug-quoted, JSON-escaped, percent-encoded, base64), and every
//! credential the plan computed from the secret (valid signatures), wherever it shows up.

use std::sync::{Arc, Mutex, PoisonError};

use super::error::MIN_TOKEN_CHARS;
use crate::http::TestRequest;
use crate::redact::Redactor;
use crate::redact::{Known, ValueKind};

/// What a whole plan hides, shared by its scenarios.
pub(crate) struct Hidden {
    /// Every credential computed from the secret (valid signatures at every timestamp and
    /// over every body sent), labelled with the binding as derived values: `None` when there
    /// are none (token credentials, whose values the env's redactor knows).
    pub(crate) computed: Option<Redactor>,
    /// Words that are part of a credential but no secret (`Bearer`, `sha256=`): a handler
    /// error may quote them and they stay readable.
    public: Vec<String>,
    /// Whether decimal numbers are timestamps (signed routes), not near misses of a token.
    numbers_public: bool,
}

/// What a [`Hidden`] is built from: the binding, the computed credentials (sorted longest
/// first, without duplicates), the public words, and whether numbers are public.
type HiddenInputs = (String, Vec<String>, Vec<String>, bool);

/// The last [`Hidden`] a client's matrix built, with what it was built from: building the
/// matcher for the computed signatures is most of a signed matrix's planning, and a route
/// checked again with the same secret, clock and body computes the same signatures. A
/// different input builds a new one (and replaces it), so reuse never changes what is hidden.
#[derive(Default)]
pub(crate) struct HiddenCache(Mutex<Option<(HiddenInputs, Arc<Hidden>)>>);

impl HiddenCache {
    /// The [`Hidden`] for these inputs (see [`Hidden::new`]): the cached one when they are
    /// the same as last time.
    pub(crate) fn get(
        &self,
        binding: &str,
        mut computed: Vec<String>,
        public: Vec<String>,
        numbers_public: bool,
    ) -> Arc<Hidden> {
        sort_computed(&mut computed);
        let mut cache = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(((b, c, p, n), hidden)) = &*cache
            && b == binding
            && *c == computed
            && *p == public
            && *n == numbers_public
        {
            return Arc::clone(hidden);
        }
        let hidden = Arc::new(Hidden::new(
            binding,
            computed.clone(),
            public.clone(),
            numbers_public,
        ));
        *cache = Some((
            (binding.to_owned(), computed, public, numbers_public),
            Arc::clone(&hidden),
        ));
        hidden
    }
}

/// Longest first (a value that contains another is named whole), without duplicates.
fn sort_computed(computed: &mut Vec<String>) {
    computed.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    computed.dedup();
}

impl Hidden {
    pub(crate) fn new(
        binding: &str,
        mut computed: Vec<String>,
        public: Vec<String>,
        numbers_public: bool,
    ) -> Self {
        sort_computed(&mut computed);
        let known: Vec<Known> = computed
            .into_iter()
            .map(|value| Known {
                label: binding.to_owned(),
                value: Arc::from(value),
                kind: ValueKind::Derived,
            })
            .collect();
        let computed = (!known.is_empty())
            .then(|| Redactor::new(&known).unwrap_or_else(|error| Redactor::failed(&error)));
        Self {
            computed,
            public,
            numbers_public,
        }
    }

    /// Whether `part` of a credential as sent is public: a scheme or prefix word of the
    /// route, or on a signed route a timestamp (`1749297600`, `t=1749297600`).
    pub(crate) fn is_public(&self, part: &str) -> bool {
        let digits = part.strip_prefix("t=").unwrap_or(part);
        (self.numbers_public && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            || self
                .public
                .iter()
                .any(|word| word.eq_ignore_ascii_case(part))
    }
}

/// The redactor of what handler errors are cleaned of, for a whole plan: every credential as
/// sent by any of its scenarios (near misses are not values the env knows; the words anyone
/// may know — `Bearer`, `sha256=`, a timestamp — left out) and the secret, each also in its
/// Debug-escaped form, labelled [`ValueKind::Sent`] so that it shows as `[credential as sent]`
/// (or `[credential as sent:base64]`, …). Values shorter than [`MIN_TOKEN_CHARS`] are left out:
/// they would match ordinary words.
pub(crate) fn as_sent_redactor(
    sent: impl IntoIterator<Item = String>,
    hidden: &Hidden,
) -> Redactor {
    let mut values: Vec<String> = Vec::new();
    for value in sent {
        if hidden.is_public(&value) || value.trim().chars().count() < MIN_TOKEN_CHARS {
            continue;
        }
        if value.contains(|c: char| !c.is_ascii_graphic() || matches!(c, '"' | '\\' | '\'')) {
            let debug = value.escape_debug().to_string();
            if debug != value {
                values.push(debug);
            }
        }
        values.push(value);
    }
    sort_computed(&mut values);
    let known: Vec<Known> = values
        .into_iter()
        .map(|value| Known {
            label: String::new(),
            value: Arc::from(value),
            kind: ValueKind::Sent,
        })
        .collect();
    // A matcher that cannot be built fails closed: it blanks the whole text.
    Redactor::new(&known).unwrap_or_else(|error| Redactor::failed(&error))
}

/// A handler's (or transport's) error text with nothing of value left: every credential the
/// plan computed (`hidden`: a valid signature quoted in another row's error) named first,
/// whole, even where a scenario sent a part of it; then every credential as sent (`as_sent`,
/// see [`as_sent_redactor`]); then every fixture value (`redactor`, the env's).
pub(crate) fn hide_in_error(
    message: &str,
    hidden: &Hidden,
    as_sent: &Redactor,
    redactor: &Redactor,
) -> String {
    let message = match &hidden.computed {
        Some(computed) => computed.redact(message),
        None => message.into(),
    };
    let message = as_sent.redact(&message);
    redactor.redact(&message).into_owned()
}

/// Every part of `request` that may hold a credential — header values (cookies included),
/// query values — whole and split at separators, percent-decoded too.
pub(crate) fn credential_parts(request: &TestRequest) -> Vec<String> {
    let mut parts = Vec::new();
    for (name, value) in request.all_headers() {
        if name == http::header::CONTENT_TYPE {
            continue;
        }
        let text = String::from_utf8_lossy(value.as_bytes());
        // `Bearer <token>`, `a=1; token=<value>`, `t=<ts>,v1=<signature>`.
        for piece in text.split([' ', ',', ';']) {
            parts.push(piece.to_owned());
            if let Some((_, value)) = piece.split_once('=') {
                parts.push(value.to_owned());
            }
        }
        parts.push(text.into_owned());
    }
    let uri = request.full_uri();
    if let Some((_, query)) = uri.split_once('?') {
        for pair in query.split('&') {
            let value = pair.split_once('=').map_or(pair, |(_, value)| value);
            parts.push(value.to_owned());
            parts.push(crate::codec::percent_decode(value));
        }
    }
    parts
}

/// `method uri` with every path segment and query value that holds a fixture value (in any
/// encoding the redactor knows) or one of `derived` shown as a marker instead.
pub(crate) fn route_line(
    method: &str,
    uri: &str,
    redactor: &Redactor,
    derived: &[String],
) -> String {
    let hide = |raw: &str| -> String {
        let decoded = crate::codec::percent_decode(raw);
        if redactor.contains_secret(raw) || redactor.contains_secret(&decoded) {
            // The segment is the value, whole: name its binding. Anything else (the value
            // inside base64 at an offset, …) would show part of an encoding: hide it all.
            let hits = redactor.find(decoded.as_bytes());
            if let [hit] = hits.as_slice()
                && hit.range == (0..decoded.len())
            {
                redactor.redact(&decoded).into_owned()
            } else {
                "[secret]".to_owned()
            }
        } else if derived
            .iter()
            .filter(|d| d.chars().count() >= MIN_TOKEN_CHARS)
            .any(|d| raw.contains(d.as_str()) || decoded.contains(d.as_str()))
        {
            "[credential]".to_owned()
        } else {
            raw.to_owned()
        }
    };
    // A value holding a separator (`/`, `&`, `=`: base64 often does) spans segments, so no
    // segment would hold it whole: such matches are replaced in the whole URI first.
    let spanning = redactor.find(uri.as_bytes()).iter().any(|hit| {
        uri.as_bytes()[hit.range.clone()]
            .iter()
            .any(|b| b"/?&=".contains(b))
    });
    let redacted;
    let uri = if spanning {
        redacted = redactor.redact(uri);
        redacted.as_ref()
    } else {
        uri
    };
    let (path, query) = match uri.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (uri, None),
    };
    let mut line = format!("{method} ");
    let segments: Vec<String> = path.split('/').map(hide).collect();
    line.push_str(&segments.join("/"));
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => format!("{}={}", hide(name), hide(value)),
                None => hide(pair),
            })
            .collect();
        line.push('?');
        line.push_str(&pairs.join("&"));
    }
    // A credential as sent that spans segments (see above for fixture values): fail closed.
    let decoded = crate::codec::percent_decode(&line);
    for d in derived
        .iter()
        .filter(|d| d.chars().count() >= MIN_TOKEN_CHARS)
    {
        if line.contains(d.as_str()) {
            line = line.replace(d.as_str(), "[credential]");
        } else if decoded.contains(d.as_str()) {
            return format!("{method} [route hidden: it holds a credential]");
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn computed(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    fn env_redactor(value: &str) -> Redactor {
        Redactor::new(&[Known {
            label: "API_TOKEN".to_owned(),
            value: Arc::from(value),
            kind: ValueKind::Secret,
        }])
        .unwrap()
    }

    #[test]
    fn a_segment_is_named_only_when_one_match_covers_it_whole() {
        let redactor = env_redactor("route-line-token-1234");
        let line = |uri: &str| route_line("GET", uri, &redactor, &[]);
        assert_eq!(
            line("/cb/route-line-token-1234"),
            "GET /cb/[secret:API_TOKEN]"
        );
        // The value and more (a `]` that made the old marker count look like one marker, a
        // prefix, the value twice): the whole segment hidden, as the doc says.
        assert_eq!(line("/cb/route-line-token-1234]"), "GET /cb/[secret]");
        assert_eq!(line("/cb/route-line-token-1234%5D"), "GET /cb/[secret]");
        assert_eq!(line("/cb/x-route-line-token-1234"), "GET /cb/[secret]");
        assert_eq!(
            line("/cb/route-line-token-1234route-line-token-1234"),
            "GET /cb/[secret]"
        );
        assert_eq!(
            line("/cb/plain?token=route-line-token-1234&page=2"),
            "GET /cb/plain?token=[secret:API_TOKEN]&page=2"
        );
    }

    #[test]
    fn the_same_inputs_reuse_the_hidden_built_last() {
        let cache = HiddenCache::default();
        let public = vec!["sha256=".to_owned()];
        let first = cache.get(
            "HOOK",
            computed(&["aaaa1111bbbb2222", "cccc3333dddd4444"]),
            public.clone(),
            true,
        );
        // The same values in another order, with a duplicate: the same inputs once sorted.
        let again = cache.get(
            "HOOK",
            computed(&["cccc3333dddd4444", "aaaa1111bbbb2222", "cccc3333dddd4444"]),
            public,
            true,
        );
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[test]
    fn other_inputs_build_a_hidden_of_their_own() {
        let cache = HiddenCache::default();
        let public = || vec!["sha256=".to_owned()];
        let old = cache.get("HOOK", computed(&["aaaa1111bbbb2222"]), public(), true);
        let new = cache.get("HOOK", computed(&["eeee5555ffff6666"]), public(), true);
        assert!(!Arc::ptr_eq(&old, &new));
        let shown = new
            .computed
            .as_ref()
            .unwrap()
            .redact("x eeee5555ffff6666 aaaa1111bbbb2222");
        assert_eq!(shown, "x [secret:HOOK:derived] aaaa1111bbbb2222");
        let relabelled = cache.get("OTHER", computed(&["eeee5555ffff6666"]), public(), true);
        assert!(!Arc::ptr_eq(&new, &relabelled));
        let not_numbers = cache.get("OTHER", computed(&["eeee5555ffff6666"]), public(), false);
        assert!(!Arc::ptr_eq(&relabelled, &not_numbers));
        assert!(!not_numbers.is_public("1749297600"));
        let other_words = cache.get("OTHER", computed(&["eeee5555ffff6666"]), vec![], false);
        assert!(!Arc::ptr_eq(&not_numbers, &other_words));
        assert!(!other_words.is_public("sha256="));
    }
}
