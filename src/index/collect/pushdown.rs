//! Filters pushed into the matching: when the filters leave few entries that any count can
//! need, the text query is matched only there — by seeking the query to these entries (tantivy's
//! intersection lets them lead) when they are few against the query's postings, otherwise by
//! matching it everywhere into bitsets and keeping these entries — so a narrow filter makes a
//! broad query cheap.
//!
//! Which entries the counts can need: with facet counts, those passing the deadline filter and
//! failing at most one facet filter (a filtered facet counts the matches passing every *other*
//! filter); without them, those passing every filter. With facet counts and a single facet
//! filter that is every entry, and nothing is pushed.

use std::collections::HashMap;
use std::sync::Arc;

use fixedbitset::FixedBitSet;

use tantivy::index::SegmentId;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError};

use super::{ColumnCache, Filters, eval};

/// Pushed only when the entries left are at most this share (1/4) of all: a broad filter saves
/// little matching and its entries would cost a list as long as the index.
const PUSH_SHARE: usize = 4;

/// The entries the counts of a request can need, per segment, as a query.
#[derive(Debug, Clone)]
pub struct PushedDocs {
    docs: Arc<HashMap<SegmentId, Arc<Vec<DocId>>>>,
}

/// The entries of `searcher` the counts of `filters` can need (see the module documentation),
/// or `None` when nothing is worth pushing.
pub fn pushed_docs(
    columns: &ColumnCache,
    searcher: &Searcher,
    filters: &Filters,
    count_facets: bool,
) -> tantivy::Result<Option<PushedDocs>> {
    // Nothing to push without filters, nor with one facet filter when its facet is counted
    // (every entry can count there): known before any column is read.
    let facet_filters = filters.facet_dims().count_ones();
    if !filters.deadline_active() && (facet_filters == 0 || (count_facets && facet_filters == 1)) {
        return Ok(None);
    }
    let all: usize = searcher
        .segment_readers()
        .iter()
        .map(|r| r.max_doc() as usize)
        .sum();
    let mut docs = HashMap::new();
    let mut kept = 0usize;
    for reader in searcher.segment_readers() {
        let cols = columns.get(reader)?;
        let Some(bits) = eval::countable(&cols, filters, count_facets) else {
            return Ok(None);
        };
        kept += bits.count_ones(..);
        if kept * PUSH_SHARE > all {
            return Ok(None);
        }
        let list: Vec<DocId> = bits.ones().map(|d| d as DocId).collect();
        docs.insert(reader.segment_id(), Arc::new(list));
    }
    Ok(Some(PushedDocs {
        docs: Arc::new(docs),
    }))
}

/// Postings of the query's terms taken to cost what seeking the query to one pushed entry does.
/// Measured at 6.3 M entries: «образование» sought to the 40,739 entries of two filters took
/// 36–46 ms, matched everywhere into bitsets 5 ms; the ratio itself is a chosen round figure.
const POSTINGS_PER_SEEK: u64 = 512;

impl PushedDocs {
    /// How many entries are pushed.
    fn count(&self) -> usize {
        self.docs.values().map(|d| d.len()).sum()
    }

    /// Whether seeking `query` to the pushed entries costs less than matching it everywhere
    /// (writing its terms' postings into bitsets) and keeping the pushed entries.
    pub fn seeking_pays(&self, query: &dyn Query, searcher: &Searcher) -> bool {
        let mut postings = 0u64;
        query.query_terms(&mut |term, _| {
            postings += searcher.doc_freq(term).unwrap_or(0);
        });
        self.count() as u64 * POSTINGS_PER_SEEK <= postings
    }

    /// The pushed entries of a segment as a bitset.
    pub fn bits(&self, reader: &SegmentReader) -> FixedBitSet {
        let mut bits = FixedBitSet::with_capacity(reader.max_doc() as usize);
        if let Some(docs) = self.docs.get(&reader.segment_id()) {
            for &d in docs.iter() {
                bits.insert(d as usize);
            }
        }
        bits
    }
}

impl Query for PushedDocs {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for PushedDocs {
    fn scorer(&self, reader: &SegmentReader, _boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.docs.get(&reader.segment_id()) {
            Some(docs) if !docs.is_empty() => Box::new(DocsScorer {
                docs: Arc::clone(docs),
                at: 0,
            }),
            _ => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut s = self.scorer(reader, 1.0)?;
        if s.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not among the pushed entries"
            )));
        }
        Ok(Explanation::new("pushed filters", 0.0))
    }
}

/// The pushed entries of one segment, ascending.
struct DocsScorer {
    docs: Arc<Vec<DocId>>,
    at: usize,
}

impl DocSet for DocsScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        self.at += self.docs[self.at..].partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        u32::try_from(self.docs.len() - self.at).unwrap_or(u32::MAX)
    }
}

impl Scorer for DocsScorer {
    fn score(&mut self) -> Score {
        0.0
    }
}
