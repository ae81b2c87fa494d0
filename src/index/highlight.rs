//! Snippets: the stored entry text, HTML-escaped, with `<mark>…</mark>` around the words that
//! matched. Matching runs the index analyzers over the original text, so offsets point into the
//! text as written (ё, «», dashes intact).

use std::collections::HashSet;

use tantivy::tokenizer::TextAnalyzer;

use rust_stemmers::{Algorithm, Stemmer};

use crate::analysis::{EN_STOP_WORDS, RU_STOP_WORDS, stem_word, tokens};

/// Texts shorter than this (in characters) are shown whole.
pub const WHOLE_TEXT_CHARS: usize = 320;
/// Length of the window shown from longer texts.
const WINDOW_CHARS: usize = 260;
/// Characters of context kept before the first match of the window.
const LEAD_CHARS: usize = 60;

/// Terms to highlight, per analyzer.
#[derive(Debug, Clone, Default)]
pub struct HighlightTerms {
    /// Russian stems.
    pub ru: HashSet<String>,
    /// English stems.
    pub en: HashSet<String>,
    /// Exact folded forms.
    pub exact: HashSet<String>,
}

impl HighlightTerms {
    /// True if nothing is to be highlighted.
    pub fn is_empty(&self) -> bool {
        self.ru.is_empty() && self.en.is_empty() && self.exact.is_empty()
    }
}

impl HighlightTerms {
    /// Whether a folded token of the text matches: its exact form, or its Russian or English
    /// stem as the stemming analyzers compute it. A Russian stem is always a prefix of its word
    /// (Snowball only removes endings), so most words are ruled out without stemming them.
    fn matches(&self, word: &str, stemmers: &Stemmers) -> bool {
        if self.exact.contains(word) {
            return true;
        }
        let stem_matches = |set: &HashSet<String>, stemmer: &Stemmer, stop: &[&str]| {
            !stop.contains(&word)
                && set.contains(stem_word(stemmer, word).as_deref().unwrap_or(word))
        };
        if self.ru.iter().any(|s| word.starts_with(s.as_str()))
            && stem_matches(&self.ru, &stemmers.ru, RU_STOP_WORDS)
        {
            return true;
        }
        !self.en.is_empty()
            && word.bytes().any(|b| b.is_ascii_alphabetic())
            && stem_matches(&self.en, &stemmers.en, EN_STOP_WORDS)
    }
}

/// The stemmers of the stemming analyzers.
struct Stemmers {
    ru: Stemmer,
    en: Stemmer,
}

/// Finds matches in a text: the exact analyzer's tokens, stemmed only where they could match.
#[derive(Clone)]
pub struct Highlighter {
    /// Exact analyzer (the stemming analyzers' tokens before stop words and stemming).
    pub exact: TextAnalyzer,
}

impl Highlighter {
    /// Byte spans of `text` that match, sorted and merged.
    pub fn spans(&mut self, text: &str, terms: &HighlightTerms) -> Vec<(usize, usize)> {
        let stemmers = Stemmers {
            ru: Stemmer::create(Algorithm::Russian),
            en: Stemmer::create(Algorithm::English),
        };
        let mut spans: Vec<(usize, usize)> = tokens(&mut self.exact, text)
            .into_iter()
            .filter(|t| terms.matches(&t.text, &stemmers))
            .map(|t| (t.offset_from, t.offset_to))
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            match merged.last_mut() {
                // Adjacent matched words separated by spaces become one mark.
                Some(last)
                    if from <= last.1 || text[last.1..from].chars().all(char::is_whitespace) =>
                {
                    last.1 = last.1.max(to)
                }
                _ => merged.push((from, to)),
            }
        }
        merged
    }

    /// The snippet of `text` for `terms`.
    pub fn snippet(&mut self, text: &str, terms: &HighlightTerms) -> String {
        let spans = if terms.is_empty() {
            Vec::new()
        } else {
            self.spans(text, terms)
        };
        let (from, to) = window(text, &spans);
        let mut out = String::with_capacity(to - from + 32);
        if from > 0 {
            out.push('…');
        }
        let mut cursor = from;
        for &(s, e) in spans.iter().filter(|(s, e)| *s >= from && *e <= to) {
            escape_into(&text[cursor..s], &mut out);
            out.push_str("<mark>");
            escape_into(&text[s..e], &mut out);
            out.push_str("</mark>");
            cursor = e;
        }
        escape_into(&text[cursor..to], &mut out);
        if to < text.len() {
            out.push('…');
        }
        out
    }
}

/// The byte window of `text` to show: whole short texts, else the densest stretch of matches.
fn window(text: &str, spans: &[(usize, usize)]) -> (usize, usize) {
    let total = text.chars().count();
    if total <= WHOLE_TEXT_CHARS {
        return (0, text.len());
    }
    // Char index → byte offset table, to work in characters.
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let char_of = |byte: usize| bytes.partition_point(|&b| b < byte);
    let starts: Vec<usize> = spans.iter().map(|&(s, _)| char_of(s)).collect();
    let best = (0..starts.len())
        .max_by_key(|&i| {
            let n = starts[i..]
                .iter()
                .take_while(|&&c| c < starts[i] + WINDOW_CHARS - LEAD_CHARS)
                .count();
            (n, std::cmp::Reverse(i))
        })
        .map_or(0, |i| starts[i]);
    let mut start = best.saturating_sub(LEAD_CHARS);
    let mut end = (start + WINDOW_CHARS).min(total);
    if end == total {
        start = total.saturating_sub(WINDOW_CHARS);
    }
    // Snap to word boundaries.
    let chars: Vec<char> = text.chars().collect();
    if start > 0
        && let Some(p) = (start..best.max(start)).find(|&i| chars[i].is_whitespace())
    {
        start = p + 1;
    }
    if end < total
        && let Some(p) = (start + 1..end).rev().find(|&i| chars[i].is_whitespace())
    {
        end = p;
    }
    // Never cut through a highlighted span.
    let (mut from, mut to) = (bytes[start], bytes[end]);
    for &(s, e) in spans {
        if s < from && e > from {
            from = s;
        }
        if s < to && e > to {
            to = e;
        }
    }
    (from, to)
}

/// Appends `text` HTML-escaped.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::exact_analyzer;

    fn highlighter() -> Highlighter {
        Highlighter {
            exact: exact_analyzer(),
        }
    }

    fn terms(ru: &[&str]) -> HighlightTerms {
        HighlightTerms {
            ru: ru.iter().map(|s| s.to_string()).collect(),
            ..HighlightTerms::default()
        }
    }

    #[test]
    fn marks_word_forms_keeping_yo_and_escaping() {
        let mut h = highlighter();
        let text = "обеспечить горячим питанием учащихся 1–4 классов <всех> школ, включая «ёлочные» базары";
        let s = h.snippet(text, &terms(&["горяч", "питан", "елочн"]));
        assert_eq!(
            s,
            "обеспечить <mark>горячим питанием</mark> учащихся 1–4 классов &lt;всех&gt; школ, включая «<mark>ёлочные</mark>» базары"
        );
    }

    #[test]
    fn long_text_is_cut_around_matches() {
        let mut h = highlighter();
        let text = format!(
            "{} обеспечить горячее питание {}",
            "слово ".repeat(200),
            "хвост ".repeat(200)
        );
        let s = h.snippet(&text, &terms(&["горяч"]));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>горячее</mark>"));
        assert!(s.chars().count() < 300);
    }
}
