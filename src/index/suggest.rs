//! Suggestions for the search box while the user types (`GET /api/suggest?q=`): completions of
//! the last word from the term dictionary, and addressees and session topics whose names contain
//! a word starting with what was typed.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::fold;

/// What a suggestion is.
#[derive(utoipa::ToSchema, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// The query with its last word completed: `value` is the new query text.
    Word,
    /// An addressee: `value` is its canonical name (an `addressee` filter value).
    Addressee,
    /// A session topic: `value` is the `topic` filter value.
    Topic,
}

/// One line of the drop-down.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// What it is.
    pub kind: SuggestionKind,
    /// Text shown.
    pub text: String,
    /// The query (for `word`) or the filter value (for `addressee` and `topic`).
    pub value: String,
    /// Entries with the completed word, the addressee or the topic.
    pub count: u64,
}

/// Answer of `/api/suggest`.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestResponse {
    /// Word completions first, then addressees, then topics.
    pub suggestions: Vec<Suggestion>,
    /// Time spent in the engine, milliseconds.
    pub took_ms: f64,
}

/// Most word completions offered.
pub const MAX_WORDS: usize = 6;
/// Most addressees or topics offered (each).
pub const MAX_NAMES: usize = 4;
/// Shortest typed text that gets suggestions.
pub const MIN_CHARS: usize = 2;
/// Most dictionary terms considered for the word completions (before grouping inflections).
pub(super) const WORD_CANDIDATES: usize = 64;

/// Names of the addressees and topics of one searcher generation, with their entry counts.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// `(generation, lists)` of the last computation.
    pub generation: u64,
    /// `(canonical name, folded name, count)`.
    pub addressees: Vec<(String, String, u64)>,
    /// `(topic, folded topic, count)`.
    pub topics: Vec<(String, String, u64)>,
}

/// Splits typed text into the part before the last word and the last word (without quotes or a
/// leading minus); `None` when the text ends with a space or is too short.
pub(super) fn split_last(q: &str) -> Option<(&str, &str)> {
    if q.ends_with(char::is_whitespace) {
        return None;
    }
    // After the last whitespace character (which may take several bytes: U+00A0, U+3000 …).
    let start = q
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let last = q[start..].trim_start_matches(['-', '"', '«']);
    (last.chars().count() >= MIN_CHARS).then_some((&q[..start], last))
}

/// Whether a word of `folded_name` starts with `folded_typed` (all typed words, in order, for a
/// multi-word text).
fn name_matches(folded_name: &str, folded_typed: &str) -> bool {
    let typed: Vec<&str> = folded_typed.split_whitespace().collect();
    let words: Vec<&str> = folded_name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    !typed.is_empty()
        && words
            .windows(typed.len())
            .any(|w| w.iter().zip(&typed).all(|(n, t)| n.starts_with(t)))
}

/// Addressees and topics whose names match the typed text, most used first.
pub(super) fn names(lists: &Arc<Names>, q: &str) -> Vec<Suggestion> {
    let typed = fold(q.trim());
    if typed.chars().count() < MIN_CHARS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (kind, list) in [
        (SuggestionKind::Addressee, &lists.addressees),
        (SuggestionKind::Topic, &lists.topics),
    ] {
        out.extend(
            list.iter()
                .filter(|(_, folded, _)| name_matches(folded, &typed))
                .take(MAX_NAMES)
                .map(|(name, _, count)| Suggestion {
                    kind,
                    text: name.clone(),
                    value: name.clone(),
                    count: *count,
                }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_word_is_split_off() {
        assert_eq!(split_last("горячее пит"), Some(("горячее ", "пит")));
        assert_eq!(split_last("настав"), Some(("", "настав")));
        assert_eq!(split_last("-\"пит"), Some(("", "пит")));
        assert_eq!(split_last("горячее "), None);
        assert_eq!(split_last("п"), None);
        assert_eq!(split_last(""), None);
        assert_eq!(
            split_last("горячее\u{a0}пит"),
            Some(("горячее\u{a0}", "пит"))
        );
        assert_eq!(
            split_last("горячее\u{3000}пит"),
            Some(("горячее\u{3000}", "пит"))
        );
    }

    #[test]
    fn names_match_at_word_starts() {
        assert!(name_matches(
            "руководители образовательных организаций",
            "руков"
        ));
        assert!(name_matches(
            "руководители образовательных организаций",
            "образ орг"
        ));
        assert!(!name_matches(
            "руководители образовательных организаций",
            "водит"
        ));
        assert!(!name_matches("руководители", ""));
    }
}
