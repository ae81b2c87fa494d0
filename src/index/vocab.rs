//! Lookups in the term dictionary of the index: corrections of a misspelt word (Levenshtein
//! automata over tantivy's FST) and completions of a half-typed word (a bounded range scan).
//! Document frequencies are summed over the segments. Terms are folded (lower case, ё→е) for
//! matching; [`surface`] finds the spelling the documents use, for text shown to users.

use std::collections::HashMap;

use serde::Deserialize;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::document::Value;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, TantivyDocument, Term};

use crate::analysis::{exact_analyzer, tokens};

/// Most dictionary terms looked at for one completion (bounds the cost of a short prefix).
const MAX_SCAN: usize = 20_000;
/// Most terms looked at for one correction.
const MAX_FUZZY_SCAN: usize = 5_000;

/// A term of the dictionary with the number of entries that contain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The indexed term.
    pub term: String,
    /// Entries containing it (deleted ones included until merged away).
    pub df: u64,
}

/// Largest edit distance tolerated for a word of `chars` letters: none below 4, one below 8,
/// two from 8 on.
pub fn max_distance(chars: usize) -> u8 {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Terms of `field` within the edit distance of `word` (transpositions count one), by distance
/// and then by document frequency (most frequent first), without `word` itself.
pub fn corrections(searcher: &Searcher, field: Field, word: &str) -> Vec<(Known, u8)> {
    let distance = max_distance(word.chars().count());
    if distance == 0 {
        return Vec::new();
    }
    let query = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
    let mut dfs: HashMap<String, u64> = HashMap::new();
    for reader in searcher.segment_readers() {
        let Ok(automaton) = query.automaton() else {
            return Vec::new();
        };
        let Ok(inverted) = reader.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        let mut seen = 0;
        while seen < MAX_FUZZY_SCAN
            && let Some((key, info)) = stream.next()
        {
            seen += 1;
            if let Ok(term) = std::str::from_utf8(key)
                && term != word
            {
                *dfs.entry(term.to_string()).or_default() += u64::from(info.doc_freq);
            }
        }
    }
    let mut out: Vec<(Known, u8)> = dfs
        .into_iter()
        .map(|(term, df)| {
            let d = strsim::damerau_levenshtein(word, &term).min(usize::from(u8::MAX)) as u8;
            (Known { term, df }, d)
        })
        .collect();
    out.sort_by(|(a, da), (b, db)| da.cmp(db).then(b.df.cmp(&a.df)).then(a.term.cmp(&b.term)));
    out
}

/// Up to `limit` terms of `field` that start with `prefix` (other than `prefix` itself), most
/// frequent first; at most [`MAX_SCAN`] terms per segment are looked at.
pub fn completions(searcher: &Searcher, field: Field, prefix: &str, limit: usize) -> Vec<Known> {
    let mut dfs: HashMap<String, u64> = HashMap::new();
    for reader in searcher.segment_readers() {
        let Ok(inverted) = reader.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else {
            continue;
        };
        let mut seen = 0;
        while seen < MAX_SCAN
            && let Some((key, info)) = stream.next()
        {
            seen += 1;
            if !key.starts_with(prefix.as_bytes()) {
                break;
            }
            if let Ok(term) = std::str::from_utf8(key)
                && term != prefix
            {
                *dfs.entry(term.to_string()).or_default() += u64::from(info.doc_freq);
            }
        }
    }
    let mut out: Vec<Known> = dfs
        .into_iter()
        .map(|(term, df)| Known { term, df })
        .collect();
    out.sort_by(|a, b| b.df.cmp(&a.df).then(a.term.cmp(&b.term)));
    out.truncate(limit);
    out
}

/// Number of entries containing `term` in `field` (0 on errors).
pub fn doc_freq(searcher: &Searcher, field: Field, term: &str) -> u64 {
    searcher
        .doc_freq(&Term::from_field_text(field, term))
        .unwrap_or(0)
}

/// Most entries read to find the spelling of one term.
const SURFACE_SAMPLE: usize = 8;

/// The text of a stored entry (the other stored fields are not read).
#[derive(Deserialize)]
struct StoredText {
    text: String,
}

/// The spelling the documents use most for a folded term of the `exact` field (its letters as
/// written: ё, the capitals of abbreviations and names), from the first entries that contain it
/// (at most [`SURFACE_SAMPLE`]; `stored` holds each entry's JSON). `None` when no entry shows
/// it; the caller then shows the term. Folding is for matching only: text shown to users keeps
/// the documents' spelling.
pub fn surface(searcher: &Searcher, exact: Field, stored: Field, term: &str) -> Option<String> {
    let key = Term::from_field_text(exact, term);
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut sampled = 0;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let Ok(inverted) = reader.inverted_index(exact) else {
            continue;
        };
        let Ok(Some(mut postings)) = inverted.read_postings(&key, IndexRecordOption::Basic) else {
            continue;
        };
        let alive = reader.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED && sampled < SURFACE_SAMPLE {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                sampled += 1;
                let address = DocAddress::new(ord as u32, doc);
                if let Ok(d) = searcher.doc::<TantivyDocument>(address)
                    && let Some(json) = d.get_first(stored).and_then(|v| v.as_str())
                    && let Ok(entry) = serde_json::from_str::<StoredText>(json)
                {
                    count_spellings(&entry.text, term, &mut counts);
                }
            }
            doc = postings.advance();
        }
        if sampled >= SURFACE_SAMPLE {
            break;
        }
    }
    most_used(counts)
}

/// Counts the spellings of the tokens of `text` that fold to `term`. A word capitalised only
/// because it starts the text or a sentence counts in lower case.
fn count_spellings(text: &str, term: &str, counts: &mut Vec<(String, usize)>) {
    for token in tokens(&mut exact_analyzer(), text) {
        if token.text != term {
            continue;
        }
        let Some(raw) = text.get(token.offset_from..token.offset_to) else {
            continue;
        };
        let mut spelling: String = raw
            .chars()
            .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
            .collect();
        if starts_sentence(&text[..token.offset_from]) {
            spelling = uncapitalised(&spelling);
        }
        match counts.iter_mut().find(|(s, _)| *s == spelling) {
            Some((_, n)) => *n += 1,
            None => counts.push((spelling, 1)),
        }
    }
}

/// Whether a word after `before` starts a sentence, the text, a quoted name or a parenthesis
/// (where capitals are those of titles: «Дефицит кадров: пути преодоления»).
fn starts_sentence(before: &str) -> bool {
    before.trim_end().chars().next_back().is_none_or(|c| {
        matches!(
            c,
            '.' | '!'
                | '?'
                | '…'
                | ';'
                | ':'
                | '\n'
                | '•'
                | '–'
                | '—'
                | '-'
                | ')'
                | '('
                | '«'
                | '"'
                | '“'
                | '„'
        )
    })
}

/// A capitalised word («Обеспечить») in lower case; words with other capitals («ФГОС»,
/// «IT») as they are.
fn uncapitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if first.is_uppercase() && !chars.any(char::is_uppercase) => {
            word.to_lowercase()
        }
        _ => word.to_string(),
    }
}

/// The most frequent spelling; among equally frequent ones the one with ё, then the first seen.
fn most_used(counts: Vec<(String, usize)>) -> Option<String> {
    let yo = |s: &str| s.chars().filter(|c| matches!(c, 'ё' | 'Ё')).count();
    let mut best: Option<(String, usize)> = None;
    for (s, n) in counts {
        let better = best
            .as_ref()
            .is_none_or(|(b, m)| n > *m || (n == *m && yo(&s) > yo(b)));
        if better {
            best = Some((s, n));
        }
    }
    best.map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_keep_yo_and_capitals_but_not_sentence_capitals() {
        let mut counts = Vec::new();
        count_spellings(
            "Учёт детей. Учёт ведёт ФГОС; учет и учёт по ФГОС, Фгос.",
            "учет",
            &mut counts,
        );
        assert_eq!(counts, [("учёт".to_string(), 3), ("учет".to_string(), 1)]);
        assert_eq!(most_used(counts).as_deref(), Some("учёт"));
        let mut counts = Vec::new();
        count_spellings("Учёт ведёт ФГОС; учет по ФГОС, Фгос.", "фгос", &mut counts);
        assert_eq!(most_used(counts).as_deref(), Some("ФГОС"));
        // Titles in quotes are capitalised as titles.
        let mut counts = Vec::new();
        count_spellings(
            "сессия «Дефицит кадров» и (Дефицит)",
            "дефицит",
            &mut counts,
        );
        assert_eq!(counts, [("дефицит".to_string(), 2)]);
        // A tie goes to the spelling with ё.
        let tie = vec![("отчетов".to_string(), 1), ("отчётов".to_string(), 1)];
        assert_eq!(most_used(tie).as_deref(), Some("отчётов"));
        assert_eq!(most_used(Vec::new()), None);
    }

    #[test]
    fn distance_grows_with_length() {
        assert_eq!(max_distance(3), 0);
        assert_eq!(max_distance(5), 1);
        assert_eq!(max_distance(12), 2);
    }
}
