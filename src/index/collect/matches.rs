//! The matches of a text query: every matching entry with its score, collected once and kept
//! (in the index's match cache) together with what later requests derive from them.

use std::sync::OnceLock;

use fixedbitset::FixedBitSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns::SegmentColumns;
use super::{HeapItem, Ranking, item_of};
use crate::search::Facets;

/// Matching entries of one segment: a bitset and, when the query scores, their scores in
/// ascending document order.
#[derive(Debug, Default)]
pub struct SegmentMatches {
    pub(super) segment: SegmentOrdinal,
    /// Documents in the segment (the size of the bitset).
    pub(super) max_doc: DocId,
    /// The matching documents.
    pub(super) bits: FixedBitSet,
    /// How many there are.
    pub(super) count: usize,
    /// The matching documents ascending, listed on first use.
    docs: OnceLock<Vec<DocId>>,
    /// Empty when the query does not score.
    pub(super) scores: Vec<Score>,
    /// Indices into `docs` in [`Ranking::Score`] order, computed on first use.
    pub(super) by_score: OnceLock<Vec<u32>>,
    /// Indices into `docs` in [`Ranking::DocOrder`] order, computed on first use.
    pub(super) by_doc: OnceLock<Vec<u32>>,
}

impl SegmentMatches {
    /// The matches `bits` of segment `segment` (of `max_doc` documents), unscored.
    pub(crate) fn of_bits(segment: SegmentOrdinal, max_doc: DocId, bits: FixedBitSet) -> Self {
        SegmentMatches {
            segment,
            max_doc,
            count: bits.count_ones(..),
            bits,
            ..SegmentMatches::default()
        }
    }

    /// The matching documents, ascending.
    pub(super) fn docs(&self) -> &[DocId] {
        self.docs
            .get_or_init(|| self.bits.ones().map(|d| d as DocId).collect())
    }

    pub(super) fn score(&self, i: usize) -> Score {
        self.scores.get(i).copied().unwrap_or(0.0)
    }

    /// The sort key of match `i` under `ranking` (the order of [`HeapItem`]).
    pub(super) fn item(&self, i: usize, ranking: Ranking, cols: &SegmentColumns) -> HeapItem {
        item_of(self.docs()[i], self.score(i), ranking, cols)
    }

    /// All matches in `ranking` order when that order is kept (score and document order, the
    /// orders of nearly every page) and the set is `kept` (see [`MatchSet::keep`]), `None`
    /// otherwise.
    pub(super) fn ordered(
        &self,
        ranking: Ranking,
        cols: &SegmentColumns,
        kept: bool,
    ) -> Option<&[u32]> {
        if !kept {
            return None;
        }
        let memo = match ranking {
            Ranking::Score if !self.scores.is_empty() => &self.by_score,
            Ranking::DocOrder => &self.by_doc,
            _ => return None,
        };
        Some(memo.get_or_init(|| {
            // Sorted by a packed 8-byte prefix of the full key (ties: the full key), to keep
            // the temporary small: match sets run to hundreds of thousands of entries.
            let prefix = |i: usize| -> u64 {
                let item = self.item(i, ranking, cols);
                let (hi, lo) = match ranking {
                    Ranking::DocOrder => (item.1, item.2),
                    _ => (u32::try_from(item.0.0).unwrap_or(u32::MAX), item.1),
                };
                u64::from(hi) << 32 | u64::from(lo)
            };
            let mut keyed: Vec<(u64, u32)> =
                (0..self.count).map(|i| (prefix(i), i as u32)).collect();
            keyed.sort_unstable_by(|a, b| {
                a.0.cmp(&b.0).then_with(|| {
                    self.item(a.1 as usize, ranking, cols).cmp(&self.item(
                        b.1 as usize,
                        ranking,
                        cols,
                    ))
                })
            });
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
    /// Facet counts without filters, computed on first use.
    pub(super) unfiltered: OnceLock<Facets>,
    /// Whether the set is every live entry (browsing: its counts are the corpus's).
    pub(super) everything: bool,
    /// Whether the set serves several requests (then sorting it once pays off).
    pub(super) kept: bool,
    /// Whether the matches carry their scores.
    pub(super) scored: bool,
}

impl MatchSet {
    /// Marks the set as serving several requests: pages are then cut from orders sorted once
    /// and kept, instead of a bounded heap per request.
    pub fn keep(&mut self) {
        self.kept = true;
    }

    /// Every live entry of `searcher` (browsing without filters pushed into it): read from the
    /// live entries kept with the columns, with no query run.
    pub fn everything(
        searcher: &tantivy::Searcher,
        columns: &super::ColumnCache,
    ) -> tantivy::Result<MatchSet> {
        let mut segments = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let alive = columns.get(reader)?.alive(reader);
            segments.push(SegmentMatches::of_bits(
                ord as SegmentOrdinal,
                reader.max_doc(),
                alive.bits.clone(),
            ));
        }
        Ok(MatchSet {
            segments,
            unfiltered: OnceLock::new(),
            everything: true,
            kept: false,
            scored: false,
        })
    }

    /// The unscored matches of each segment, in segment order.
    pub(super) fn of_segments(segments: Vec<SegmentMatches>) -> MatchSet {
        MatchSet {
            segments,
            unfiltered: OnceLock::new(),
            everything: false,
            kept: false,
            scored: false,
        }
    }

    /// How many entries match.
    pub fn count(&self) -> usize {
        self.segments.iter().map(|s| s.count).sum()
    }

    /// Whether the matches carry their scores (collected by a scoring [`MatchCollector`]).
    pub fn scored(&self) -> bool {
        self.scored
    }
}

/// Bytes reserved in a match set's weight for its unfiltered facet counts (a few hundred
/// values with their names), computed on first use.
const FACETS_BYTES: usize = 32 << 10;

impl crate::cache::Weigh for MatchSet {
    /// The bytes the set holds once used: matches, scores, one kept order, the bitset and the
    /// unfiltered counts (the last three are added on first use, so they are reserved here).
    fn weigh(&self) -> usize {
        let segments: usize = self
            .segments
            .iter()
            .map(|s| {
                std::mem::size_of::<SegmentMatches>()
                    + s.count * (std::mem::size_of::<DocId>() + 4)
                    + s.scores.capacity() * std::mem::size_of::<Score>()
                    + s.max_doc as usize / 8
                    + 8
            })
            .sum();
        segments + FACETS_BYTES
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
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            segment,
            max_doc: reader.max_doc(),
            bits: FixedBitSet::with_capacity(reader.max_doc() as usize),
            ..SegmentMatches::default()
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, mut fruits: Vec<SegmentMatches>) -> tantivy::Result<MatchSet> {
        fruits.sort_by_key(|f| f.segment);
        for f in &mut fruits {
            f.count = f.bits.count_ones(..);
            if self.scoring {
                f.scores.shrink_to_fit();
            } else {
                f.scores = Vec::new();
            }
        }
        Ok(MatchSet {
            segments: fruits,
            unfiltered: OnceLock::new(),
            everything: false,
            kept: false,
            scored: self.scoring,
        })
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = SegmentMatches;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.bits.insert(doc as usize);
        self.scores.push(score);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &d in docs {
            self.bits.insert(d as usize);
        }
    }

    fn harvest(self) -> SegmentMatches {
        self
    }
}
