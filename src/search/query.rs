//! The user query language: words, `"exact phrases"` (also «…»), and `-excluded` words or phrases.
//!
//! Parsing never fails: unbalanced quotes close at the end of the query, a lone `-` is ignored,
//! and characters without meaning (`:`, `*`, `(`, emoji …) are left to the analyzer, which drops
//! them. Very long queries are cut to [`MAX_QUERY_CHARS`] characters and [`MAX_CLAUSES`] clauses.

/// Longest query text considered.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most words + phrases + exclusions considered.
pub const MAX_CLAUSES: usize = 32;

/// A parsed user query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Plain words (optional individually, all count for ranking), in query order, deduplicated.
    pub words: Vec<String>,
    /// Quoted phrases (required).
    pub phrases: Vec<String>,
    /// Excluded words or phrases.
    pub excluded: Vec<String>,
    /// The last plain word may be unfinished (search as you type): it ends the input, with no
    /// space, quote or other clause after it. The engine then also completes it as a prefix.
    pub last_word_open: bool,
}

impl UserQuery {
    /// True when nothing was typed that could be searched or excluded.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.excluded.is_empty()
    }
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '«' => Some('»'),
        '“' => Some('”'),
        '„' => Some('“'),
        _ => None,
    }
}

/// Parses a user query. Never fails.
pub fn parse(input: &str) -> UserQuery {
    let mut chars: Vec<char> = input.chars().take(MAX_QUERY_CHARS + 1).collect();
    let truncated = chars.len() > MAX_QUERY_CHARS;
    if chars.len() > MAX_QUERY_CHARS {
        // Cut at the last space so that no half word is searched.
        let cut = chars[..MAX_QUERY_CHARS]
            .iter()
            .rposition(|c| c.is_whitespace())
            .unwrap_or(MAX_QUERY_CHARS);
        chars.truncate(cut);
    }
    let mut q = UserQuery::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let negated = c == '-' || c == '−';
        let start = if negated { i + 1 } else { i };
        if start >= chars.len() || chars[start].is_whitespace() {
            i = start;
            continue;
        }
        let (item, next, quoted) = match closing_quote(chars[start]) {
            Some(close) => {
                let body_start = start + 1;
                let end = chars[body_start..]
                    .iter()
                    .position(|&ch| ch == close || (close == '“' && ch == '”'))
                    .map_or(chars.len(), |p| body_start + p);
                let body: String = chars[body_start..end].iter().collect();
                (body, end + 1, true)
            }
            None => {
                let end = chars[start..]
                    .iter()
                    .position(|ch| ch.is_whitespace())
                    .map_or(chars.len(), |p| start + p);
                let word: String = chars[start..end].iter().collect();
                (word, end, false)
            }
        };
        i = next;
        let item = item.trim().to_string();
        if item.is_empty() {
            continue;
        }
        let plain = !negated && !quoted;
        q.last_word_open = plain && next >= chars.len();
        let target = if negated {
            &mut q.excluded
        } else if quoted {
            &mut q.phrases
        } else {
            &mut q.words
        };
        if plain && q.last_word_open {
            // The open word is always the last one, even when it was typed before.
            target.retain(|w| *w != item);
            target.push(item);
        } else if !target.contains(&item) {
            target.push(item);
        }
        if q.words.len() + q.phrases.len() + q.excluded.len() >= MAX_CLAUSES {
            break;
        }
    }
    // A query cut short ends with a complete word.
    q.last_word_open &= !truncated;
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_exclusions() {
        let q = parse(r#"горячее питание "Культурный дневник" -дошкольника -"точка роста""#);
        assert_eq!(q.words, ["горячее", "питание"]);
        assert_eq!(q.phrases, ["Культурный дневник"]);
        assert_eq!(q.excluded, ["дошкольника", "точка роста"]);
    }

    #[test]
    fn guillemets_are_quotes() {
        let q = parse("портал «Проектория» уроки");
        assert_eq!(q.words, ["портал", "уроки"]);
        assert_eq!(q.phrases, ["Проектория"]);
    }

    #[test]
    fn hostile_input_does_not_break_parsing() {
        let q = parse("\"незакрытая кавычка");
        assert_eq!(q.phrases, ["незакрытая кавычка"]);
        assert!(parse("").is_empty());
        assert!(parse("   -  \"\" ").is_empty());
        let q = parse("title:(a* OR b) 😀");
        assert_eq!(q.words, ["title:(a*", "OR", "b)", "😀"]);
        let long = "слово ".repeat(2000);
        let q = parse(&long);
        assert_eq!(q.words, ["слово"]);
        let many: String = (0..500).map(|i| format!("w{i} ")).collect();
        assert_eq!(parse(&many).words.len(), MAX_CLAUSES);
    }

    #[test]
    fn last_word_is_open_only_when_the_input_ends_with_it() {
        assert!(parse("горячее пит").last_word_open);
        assert!(!parse("горячее пит ").last_word_open);
        assert!(!parse("горячее \"пит\"").last_word_open);
        assert!(!parse("горячее -пит").last_word_open);
        let q = parse("пит горячее пит");
        assert!(q.last_word_open);
        assert_eq!(q.words, ["горячее", "пит"]);
    }

    #[test]
    fn hyphen_inside_a_word_is_not_exclusion() {
        let q = parse("психолого-педагогический класс");
        assert_eq!(q.words, ["психолого-педагогический", "класс"]);
        assert!(q.excluded.is_empty());
    }
}
