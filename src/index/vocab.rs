//! Lookups in the term dictionary of the index: corrections of a misspelt word (Levenshtein
//! automata over tantivy's FST) and completions of a half-typed word (a bounded range scan).
//! Document frequencies are summed over the segments.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

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

#[cfg(test)]
mod tests {
    use super::max_distance;

    #[test]
    fn distance_grows_with_length() {
        assert_eq!(max_distance(3), 0);
        assert_eq!(max_distance(5), 1);
        assert_eq!(max_distance(12), 2);
    }
}
