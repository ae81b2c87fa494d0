//! Nearest entries: for one entry, the entries of other documents with the closest wording
//! (served as "similar entries"; named apart from the `similar` diff crate).
//!
//! A [`CandidateSource`] (the index, or a plain slice of entries) proposes candidates cheaply; each is
//! rescored with the similarity `S` ([`super::similarity`]) so the score means the same thing in every
//! query, and the best are returned.

use serde::Serialize;

use super::similarity::Profile;
use crate::error::{Error, Result};
use crate::model::Entry;
use crate::search::SearchRequest;

/// Default number of similar entries.
pub const DEFAULT_LIMIT: usize = crate::search::params::DEFAULT_SIMILAR_LIMIT;
/// Largest number of similar entries returned.
pub const MAX_LIMIT: usize = 100;
/// Candidates fetched per requested result (they are rescored, so more than asked for).
const CANDIDATES_PER_RESULT: usize = 3;
/// Least number of candidates fetched.
const MIN_CANDIDATES: usize = 30;

/// Something that proposes candidate entries similar to a given one.
pub trait CandidateSource {
    /// Up to `limit` entries likely to be similar to `entry`, passing the filters of `filters`
    /// (its text, page and order are ignored), outside its document.
    /// Order and scores do not matter: the caller rescores them.
    fn candidates(
        &self,
        entry: &Entry,
        filters: &SearchRequest,
        limit: usize,
    ) -> Result<Vec<Entry>>;
}

/// Brute force over a slice: every entry of another document that passes the filters.
impl CandidateSource for [Entry] {
    fn candidates(
        &self,
        entry: &Entry,
        filters: &SearchRequest,
        _limit: usize,
    ) -> Result<Vec<Entry>> {
        Ok(self
            .iter()
            .filter(|e| e.doc_id != entry.doc_id && filters.accepts(e))
            .cloned()
            .collect())
    }
}

/// A similar entry and its similarity to the query entry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SimilarEntry {
    /// Similarity `S` in `0..=1`.
    pub score: f32,
    /// The entry (all fields of `parse --json`).
    #[serde(flatten)]
    pub entry: Entry,
}

/// The entries of other documents most similar to `entry`, best first (score > 0 only); `limit`
/// in `1..=`[`MAX_LIMIT`] (as for a search).
pub fn nearest_entries<S: CandidateSource + ?Sized>(
    source: &S,
    entry: &Entry,
    filters: &SearchRequest,
    limit: usize,
) -> Result<Vec<SimilarEntry>> {
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::InvalidInput(format!(
            "limit must be between 1 and {MAX_LIMIT}, got {limit}"
        )));
    }
    let wanted = (limit * CANDIDATES_PER_RESULT).max(MIN_CANDIDATES);
    let query = Profile::new(&entry.text);
    let mut out: Vec<SimilarEntry> = source
        .candidates(entry, filters, wanted)?
        .into_iter()
        .filter(|c| c.doc_id != entry.doc_id && filters.accepts(c))
        .map(|c| SimilarEntry {
            score: query.similarity(&Profile::new(&c.text)),
            entry: c,
        })
        .filter(|s| s.score > 0.0)
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.entry.id.cmp(&b.entry.id))
    });
    out.dedup_by(|a, b| a.entry.id == b.entry.id);
    out.truncate(limit);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::testutil::entry;
    use crate::model::Level;

    #[test]
    fn rescored_best_first_outside_own_document_with_filters() {
        let query = entry("m", 0, "организовать работу научного общества обучающихся");
        let mut pool = vec![
            entry("m", 1, "организовать работу научного общества обучающихся"),
            entry(
                "r",
                0,
                "организовать работу научного общества обучающихся в каждой школе",
            ),
            entry("r", 1, "организовать работу научного общества обучающихся"),
            entry("o", 0, "провести конкурс наставников"),
            entry("o", 1, "работу общества обучающихся организовать"),
        ];
        pool[2].level = Level::Regional;
        let got = nearest_entries(pool.as_slice(), &query, &SearchRequest::default(), 10)
            .unwrap_or_default();
        let ids: Vec<&str> = got.iter().map(|s| s.entry.id.as_str()).collect();
        assert_eq!(ids, ["r/e1", "r/e0", "o/e1"]);
        assert_eq!(got[0].score, 1.0);
        assert!(got.windows(2).all(|w| w[0].score >= w[1].score));

        let regional = SearchRequest {
            level: vec![Level::Regional],
            ..SearchRequest::default()
        };
        let got = nearest_entries(pool.as_slice(), &query, &regional, 10).unwrap_or_default();
        let ids: Vec<&str> = got.iter().map(|s| s.entry.id.as_str()).collect();
        assert_eq!(ids, ["r/e1"]);

        let by_region = SearchRequest {
            region: vec![" Саратовская область".into()],
            ..SearchRequest::default()
        };
        pool[1].region = Some("Саратовская область".into());
        let got = nearest_entries(pool.as_slice(), &query, &by_region, 10).unwrap_or_default();
        let ids: Vec<&str> = got.iter().map(|s| s.entry.id.as_str()).collect();
        assert_eq!(ids, ["r/e0"]);

        let one = nearest_entries(pool.as_slice(), &query, &SearchRequest::default(), 1)
            .unwrap_or_default();
        assert_eq!(one.len(), 1);
    }
}
