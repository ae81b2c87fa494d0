//! The matches of a text query: every matching entry with its score, collected once and kept
//! (in the index's match cache) together with what later requests derive from them.

use std::sync::OnceLock;

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns::SegmentColumns;
use super::{HeapItem, Ranking, ranking_key};
use crate::search::Facets;

/// Matching entries of one segment: ascending doc ids and, when the query scores, their scores.
#[derive(Debug, Default)]
pub struct SegmentMatches {
    pub(super) segment: SegmentOrdinal,
    pub(super) docs: Vec<DocId>,
    /// Empty when the query does not score.
    pub(super) scores: Vec<Score>,
    /// Whether the set serves several requests (copied from [`MatchSet::keep`]).
    pub(super) kept: bool,
    /// Indices into `docs` in [`Ranking::Score`] order, computed on first use.
    pub(super) by_score: OnceLock<Vec<u32>>,
    /// Indices into `docs` in [`Ranking::DocOrder`] order, computed on first use.
    pub(super) by_doc: OnceLock<Vec<u32>>,
    /// The matching documents as a bitset, computed on first use.
    pub(super) bits: OnceLock<FixedBitSet>,
}

impl SegmentMatches {
    /// The matching documents as a bitset over the segment's `max_doc` documents.
    pub(super) fn bits(&self, max_doc: usize) -> &FixedBitSet {
        self.bits.get_or_init(|| {
            let mut bits = FixedBitSet::with_capacity(max_doc);
            for &d in &self.docs {
                bits.grow(d as usize + 1);
                bits.insert(d as usize);
            }
            bits
        })
    }

    pub(super) fn score(&self, i: usize) -> Score {
        self.scores.get(i).copied().unwrap_or(0.0)
    }

    /// The sort key of match `i` under `ranking` (the order of [`HeapItem`]).
    pub(super) fn item(&self, i: usize, ranking: Ranking, cols: &SegmentColumns) -> HeapItem {
        let doc = self.docs[i];
        let d = doc as usize;
        let score = self.score(i);
        (
            ranking_key(ranking, cols, d, score),
            cols.doc.ords[d],
            cols.position[d],
            doc,
            score.to_bits(),
        )
    }

    /// All matches in `ranking` order when that order is kept (score and document order, the
    /// orders of nearly every page), `None` otherwise.
    pub(super) fn ordered(&self, ranking: Ranking, cols: &SegmentColumns) -> Option<&[u32]> {
        if !self.kept {
            return None;
        }
        let memo = match ranking {
            Ranking::Score if !self.scores.is_empty() => &self.by_score,
            Ranking::DocOrder => &self.by_doc,
            _ => return None,
        };
        Some(memo.get_or_init(|| {
            let mut keyed: Vec<(HeapItem, u32)> = (0..self.docs.len())
                .map(|i| (self.item(i, ranking, cols), i as u32))
                .collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, i)| i).collect()
        }))
    }
}

/// The entries a query matches in the segments of one searcher, with their scores.
///
/// Computing it is the expensive part of a search (postings, positions, scoring); filters,
/// facet counts, sorting and paging are then cheap passes over it, so it is what the index
/// caches per text query. Orders and the unfiltered counts are computed on first use and kept.
#[derive(Debug, Default)]
pub struct MatchSet {
    pub(super) segments: Vec<SegmentMatches>,
    /// Total and facet counts without filters, computed on first use.
    pub(super) unfiltered: OnceLock<(u64, Facets)>,
    /// Whether the set serves several requests (then sorting it once pays off).
    pub(super) kept: bool,
}

impl MatchSet {
    /// Marks the set as serving several requests: pages are then cut from orders sorted once
    /// and kept, instead of a bounded heap per request.
    pub fn keep(&mut self) {
        self.kept = true;
        for seg in &mut self.segments {
            seg.kept = true;
        }
    }
}

impl crate::cache::Weigh for MatchSet {
    fn weigh(&self) -> usize {
        self.segments
            .iter()
            .map(|s| {
                // One order (4 bytes per match) and the bitset are usually added on first use.
                let bitset = s.docs.last().map_or(0, |&d| d as usize / 8 + 8);
                std::mem::size_of::<SegmentMatches>()
                    + s.docs.capacity() * (std::mem::size_of::<DocId>() + 4)
                    + s.scores.capacity() * std::mem::size_of::<Score>()
                    + bitset
            })
            .sum()
    }
}

/// Collects a [`MatchSet`]: every matching entry, and its score when `scoring`.
pub struct MatchCollector {
    /// Whether scores are computed and kept.
    pub scoring: bool,
}

impl Collector for MatchCollector {
    type Fruit = MatchSet;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            segment,
            ..SegmentMatches::default()
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, mut fruits: Vec<SegmentMatches>) -> tantivy::Result<MatchSet> {
        fruits.sort_by_key(|f| f.segment);
        for f in &mut fruits {
            f.docs.shrink_to_fit();
            if self.scoring {
                f.scores.shrink_to_fit();
            } else {
                f.scores = Vec::new();
            }
        }
        Ok(MatchSet {
            segments: fruits,
            unfiltered: OnceLock::new(),
            kept: false,
        })
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = SegmentMatches;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.docs.push(doc);
        self.scores.push(score);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(self) -> SegmentMatches {
        self
    }
}
