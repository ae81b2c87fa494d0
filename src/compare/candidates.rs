//! Candidates for similar entries from the index: a more-like-this query made of the entry's most
//! distinctive words, run through the ordinary search (which ranks by all words, best first, and
//! applies the filters), so that only a few hundred entries are rescored however large the corpus.

use super::similar::{CandidateSource, SimilarFilters};
use super::text::{is_stop_word, words};
use crate::error::Result;
use crate::index::EntryIndex;
use crate::model::Entry;
use crate::search::{self, SearchRequest};

/// Words of the entry put in the query.
const QUERY_WORDS: usize = 16;
/// Shorter words are mostly grammatical and barely discriminate.
const MIN_WORD_CHARS: usize = 4;

/// The query text: the longest distinct content words of the entry (longer Russian words are
/// rarer and more specific), in text order.
pub fn more_like_this_query(text: &str) -> String {
    let mut ws: Vec<(usize, usize, String)> = Vec::new();
    for (pos, w) in words(text).into_iter().enumerate() {
        let n = w.folded.chars().count();
        if n < MIN_WORD_CHARS || is_stop_word(&w.folded) || ws.iter().any(|x| x.2 == w.folded) {
            continue;
        }
        ws.push((n, pos, w.folded));
    }
    ws.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ws.truncate(QUERY_WORDS);
    ws.sort_by_key(|x| x.1);
    ws.into_iter().map(|x| x.2).collect::<Vec<_>>().join(" ")
}

impl CandidateSource for EntryIndex {
    fn candidates(
        &self,
        entry: &Entry,
        filters: &SimilarFilters,
        limit: usize,
    ) -> Result<Vec<Entry>> {
        let q = more_like_this_query(&entry.text);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let req = SearchRequest {
            q,
            year: filters.year.into_iter().collect(),
            level: filters.level.into_iter().collect(),
            kind: filters.kind.into_iter().collect(),
            region: filters.region.iter().cloned().collect(),
            limit: limit.clamp(1, search::MAX_LIMIT),
            ..SearchRequest::default()
        };
        let resp = self.search(&req)?;
        Ok(resp
            .hits
            .into_iter()
            .map(|h| h.entry)
            .filter(|e| e.doc_id != entry.doc_id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_long_content_words_in_order() {
        let q = more_like_this_query(
            "Обеспечить в 2021 году реализацию «Культурного дневника» и ещё раз реализацию",
        );
        assert_eq!(q, "обеспечить 2021 реализацию культурного дневника");
        assert_eq!(more_like_this_query("и в на"), "");
    }
}
