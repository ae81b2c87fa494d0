//! Candidates for similar entries from the index: a more-like-this query made of the entry's most
//! distinctive words, run through the ordinary search ranking (all words, best first, with the
//! filters; no facets or snippets), so that only a hundred entries are rescored however large the corpus.
//!
//! "Distinctive" is judged against the bundled seeds: a word that occurs in few sentences of the five
//! seed documents (or in none) is more specific than «образования» or «обеспечить», which occur
//! everywhere. The seeds are a fair sample of the domain's vocabulary, and this needs no access to
//! the index's statistics.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::nearest::CandidateSource;
use super::text::{is_stop_word, stem, term_hash, words};
use crate::error::Result;
use crate::index::EntryIndex;
use crate::model::Entry;
use crate::pipeline::SEEDS;
use crate::search::{self, SearchRequest};

/// Words of the entry put in the query. The search requires about half of them to match.
const QUERY_WORDS: usize = 10;
/// Shorter words are mostly grammatical and barely discriminate.
const MIN_WORD_CHARS: usize = 3;

/// Stem hash → number of seed sentences containing it.
static SEED_DF: LazyLock<HashMap<u64, u32>> = LazyLock::new(|| {
    let mut df: HashMap<u64, u32> = HashMap::new();
    for (_, text) in SEEDS {
        for sentence in text.split(['.', ';', ':']) {
            let stems: HashSet<u64> = words(sentence)
                .iter()
                .map(|w| term_hash(&stem(&w.folded)))
                .collect();
            for s in stems {
                *df.entry(s).or_default() += 1;
            }
        }
    }
    df
});

/// The query text: the most distinctive distinct content words of the entry (rarest in the seeds
/// first, then longest), in text order.
pub fn more_like_this_query(text: &str) -> String {
    // (seed frequency, length, position, word)
    let mut ws: Vec<(u32, usize, usize, String)> = Vec::new();
    for (pos, w) in words(text).into_iter().enumerate() {
        let n = w.folded.chars().count();
        if n < MIN_WORD_CHARS || is_stop_word(&w.folded) || ws.iter().any(|x| x.3 == w.folded) {
            continue;
        }
        let df = SEED_DF
            .get(&term_hash(&stem(&w.folded)))
            .copied()
            .unwrap_or(0);
        ws.push((df, n, pos, w.folded));
    }
    ws.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ws.truncate(QUERY_WORDS);
    ws.sort_by_key(|x| x.2);
    ws.into_iter().map(|x| x.3).collect::<Vec<_>>().join(" ")
}

impl CandidateSource for EntryIndex {
    fn candidates(
        &self,
        entry: &Entry,
        filters: &SearchRequest,
        limit: usize,
    ) -> Result<Vec<Entry>> {
        let q = more_like_this_query(&entry.text);
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let req = SearchRequest {
            q,
            limit: limit.clamp(1, search::MAX_LIMIT),
            offset: 0,
            sort: search::SortOrder::Relevance,
            skip_facets: true,
            ..filters.clone()
        };
        Ok(self
            .top_entries(&req)?
            .into_iter()
            .filter(|e| e.doc_id != entry.doc_id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_prefers_rare_words_and_keeps_text_order() {
        let q = more_like_this_query(
            "обеспечить реализацию образовательных программ и программ воспитания в \
             общеобразовательных организациях области с участием кванториума, юнармии, \
             казачества, кадетов, волонтёров и наставников образования",
        );
        let words: Vec<&str> = q.split(' ').collect();
        assert_eq!(words.len(), QUERY_WORDS);
        assert!(
            words.contains(&"юнармии") && words.contains(&"кадетов"),
            "{q}"
        );
        assert!(
            !words.contains(&"образования") && !words.contains(&"организациях"),
            "{q}"
        );
        let pos = |w: &str| q.find(w).unwrap_or(usize::MAX);
        assert!(pos("юнармии") < pos("кадетов"));
        assert_eq!(more_like_this_query("и в на"), "");
    }
}
