//! Matching and evaluation: the text query's matches are collected once into a [`MatchSet`]
//! (cacheable per text query), then filters, disjunctive facet counts and the top-k page are
//! computed from dense copies of the fast fields ([`SegmentColumns`]).
//!
//! An entry that passes every filter is a hit (counted in every facet and ranked); an entry that
//! fails exactly one filter is counted only in that filter's facet. That is exactly the
//! disjunctive count (each facet counted with all filters but its own), without running one
//! query per facet and without loading stored documents.

mod columns;
mod eval;
mod matcher;
mod matches;
mod merge;
pub mod pushdown;
pub mod rank;

use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::names;
use crate::search::{FacetCount, Facets};
use crate::vocabulary::Facet;

pub use columns::{ColumnCache, SegmentColumns};
pub use matcher::match_set;
use matches::SegmentMatches;
pub use matches::{MatchCollector, MatchSet};
use rank::SegmentHits;

/// Number of facet dimensions: one per [`Facet`], in its order.
pub const DIMS: usize = Facet::ALL.len();
/// All dimensions as a bit set (bit `i` = dimension `i`).
const ALL_DIMS: u8 = (1 << DIMS) - 1;
/// Index of the addressee dimension.
pub const D_ADDRESSEE: usize = Facet::Addressee.dim();
/// Index of the year dimension.
pub const D_YEAR: usize = Facet::Year.dim();
/// Names of the string dimensions 2..7, in order.
const STR_DIMS: [&str; 5] = [
    names::TOPIC,
    names::LEVEL,
    names::KIND,
    names::REGION,
    names::ENTRY_TYPE,
];
// The string dimensions follow addressee and year, one per remaining facet.
const _: () = assert!(STR_DIMS.len() + 2 == DIMS && D_TOPIC == 2);
/// Index of the topic dimension.
pub const D_TOPIC: usize = Facet::Topic.dim();
/// Index of the level dimension.
pub const D_LEVEL: usize = Facet::Level.dim();
/// Index of the kind dimension.
pub const D_KIND: usize = Facet::Kind.dim();
/// Index of the region dimension.
pub const D_REGION: usize = Facet::Region.dim();

/// A resolved addressee filter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddresseeFilter {
    /// Any addressee with this role.
    Role(String),
    /// An addressee with this canonical name (folded).
    Canonical(String),
}

/// Filters of a search, resolved to the stored string forms.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Addressee: any of.
    pub addressee: Option<Vec<AddresseeFilter>>,
    /// Year: any of the set, within the bounds.
    pub years: Option<Vec<i64>>,
    /// Inclusive lower bound of the year.
    pub year_from: Option<i64>,
    /// Inclusive upper bound of the year.
    pub year_to: Option<i64>,
    /// Values of the string dimensions (topic, level, kind, region, entry_type): any of.
    pub strings: [Option<Vec<String>>; 5],
    /// Deadline strictly before (day number).
    pub deadline_before: Option<i64>,
    /// Deadline on or after (day number).
    pub deadline_after: Option<i64>,
}

impl Filters {
    fn year_active(&self) -> bool {
        self.years.is_some() || self.year_from.is_some() || self.year_to.is_some()
    }

    /// The facet dimensions with a filter, as a bit set (bit `i` = dimension `i`).
    pub(super) fn facet_dims(&self) -> u8 {
        let mut dims = 0u8;
        if self.addressee.is_some() {
            dims |= 1 << D_ADDRESSEE;
        }
        if self.year_active() {
            dims |= 1 << D_YEAR;
        }
        for (i, s) in self.strings.iter().enumerate() {
            if s.is_some() {
                dims |= 1 << (D_TOPIC + i);
            }
        }
        dims
    }

    /// Whether the deadline is filtered.
    pub(super) fn deadline_active(&self) -> bool {
        self.deadline_before.is_some() || self.deadline_after.is_some()
    }

    fn year_passes(&self, year: Option<i64>) -> bool {
        let Some(y) = year else {
            return false;
        };
        self.years.as_ref().is_none_or(|set| set.contains(&y))
            && self.year_from.is_none_or(|f| y >= f)
            && self.year_to.is_none_or(|t| y <= t)
    }

    fn deadline_passes(&self, deadline: Option<i64>) -> bool {
        if self.deadline_before.is_none() && self.deadline_after.is_none() {
            return true;
        }
        let Some(d) = deadline else {
            return false;
        };
        self.deadline_before.is_none_or(|b| d < b) && self.deadline_after.is_none_or(|a| d >= a)
    }
}

/// Ranking of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    /// By score, then document order.
    Score,
    /// Document order (doc_id, position).
    DocOrder,
    /// Newest document first, then score, then document order.
    Date,
    /// Earliest deadline first (none last), then score, then document order.
    Deadline,
}

/// One ranked candidate.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Ranking key: smaller is better.
    pub key: (u64, u64),
    /// Document id (document-order tie break).
    pub doc_id: String,
    /// Position in the document.
    pub position: u64,
    /// Where the entry lives.
    pub address: DocAddress,
    /// Relevance score.
    pub score: Score,
}

/// Result of a collection.
#[derive(Debug, Default)]
pub struct Collected {
    /// Entries passing every filter.
    pub total: u64,
    /// Facet counts, sorted (see [`merge::Totals::facets`]).
    pub facets: Facets,
    /// The best `k` candidates in order (empty when [`Plan::rank_later`]).
    pub top: Vec<Candidate>,
    /// The hits of each segment with matches, when [`Plan::rank_later`]: for [`rank::page`].
    pub hits: Vec<SegmentHits>,
}

/// Ascending-order key of a score such that a higher score gives a smaller key.
fn score_key(score: Score) -> u64 {
    let bits = score.to_bits();
    let asc = if bits & 0x8000_0000 != 0 {
        !bits
    } else {
        bits | 0x8000_0000
    };
    u64::from(u32::MAX - asc)
}

/// "No value" in the dense `i32` columns.
const NONE: i32 = i32::MIN;
/// "No value" in the dense ordinal columns.
const NO_ORD: u32 = u32::MAX;
/// First year with a dense counter slot.
const YEAR_BASE: i32 = 1800;
/// Number of dense year counter slots.
const YEAR_SLOTS: usize = 512;

/// What to compute from a [`MatchSet`].
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    /// The filters.
    pub filters: &'a Filters,
    /// The order of the page.
    pub ranking: Ranking,
    /// How many of the best hits to keep.
    pub k: usize,
    /// Whether to count facets (the total is always counted).
    pub count_facets: bool,
    /// Whether the page is ranked apart ([`rank::page`] over [`Collected::hits`]) rather than
    /// cut from the matches (which then must hold the scores the ranking needs).
    pub rank_later: bool,
    /// Whether every counted entry is counted one by one (the reference path), rather than a
    /// set holding most live entries through its complement.
    pub direct: bool,
}

/// Applies filters to the matches, counts the total and the disjunctive facets and keeps the
/// best `k` hits. `reader_of` gives the segment reader of an ordinal of the searcher that
/// produced `matches`; segments are evaluated on `executor`.
pub fn evaluate<'r>(
    matches: &MatchSet,
    columns: &ColumnCache,
    reader_of: impl Fn(SegmentOrdinal) -> &'r SegmentReader,
    executor: &tantivy::Executor,
    plan: Plan<'_>,
) -> tantivy::Result<Collected> {
    let mut segments = Vec::with_capacity(matches.segments.len());
    // A segment without matches counts nothing: its columns are not even loaded (the first
    // search of a fresh process pays for the columns of the segments it matches only).
    for seg in matches.segments.iter().filter(|s| s.count > 0) {
        let reader = reader_of(seg.segment);
        let cols = columns.get(reader)?;
        let alive = cols.alive(reader);
        segments.push((seg, cols, alive, reader.segment_id()));
    }
    // Facets whose disjunctive count is the unfiltered count of the matches (kept with them):
    // all of them without filters; the filtered one when it is the only filter.
    let filtered = plan.filters.facet_dims();
    let from_memo = match (plan.count_facets, plan.filters.deadline_active()) {
        (true, false) if filtered == 0 => ALL_DIMS,
        // (Worth it only when the matches serve later requests or when the counts are the
        // corpus's: otherwise counting one dimension here is cheaper than all.)
        (true, false) if filtered.count_ones() == 1 && (matches.kept || matches.everything) => {
            filtered
        }
        _ => 0,
    };
    let skip = if plan.count_facets {
        from_memo
    } else {
        ALL_DIMS
    };
    // The counts of browsing everything are those of the corpus, kept per index state.
    let corpus = (from_memo != 0 && matches.everything && !plan.direct)
        .then(|| corpus_facets(columns, &segments));
    let memo_plan = Plan {
        k: 0,
        count_facets: true,
        rank_later: false,
        ranking: Ranking::DocOrder,
        filters: &Filters::default(),
        ..plan
    };
    let need_memo = from_memo != 0 && corpus.is_none() && matches.unfiltered.get().is_none();
    // Segments are evaluated in parallel, like they were matched; the unfiltered counts, when
    // needed, in the same pass.
    let fruits = executor.map(
        |(seg, cols, alive, id)| {
            let fruit = eval::run(seg, cols, alive, plan, skip, matches.kept);
            let memo =
                need_memo.then(|| eval::run(seg, cols, alive, memo_plan, 0, matches.kept).facets);
            Ok((fruit, memo.flatten(), seg.segment, cols, id))
        },
        segments
            .iter()
            .map(|(seg, cols, alive, id)| (*seg, cols, alive.as_ref(), id)),
    )?;
    let dicts = plan.count_facets.then(|| dictionaries(columns, &segments));
    let mut totals = dicts.as_deref().map(merge::Totals::new);
    let mut memo_totals = dicts
        .as_deref()
        .filter(|_| need_memo)
        .map(merge::Totals::new);
    let mut out = Collected::default();
    for (fruit, memo, segment, cols, id) in fruits {
        out.total += fruit.total;
        if let (Some(t), Some(c)) = (&mut totals, &fruit.facets) {
            t.add(id, c);
        }
        if let (Some(t), Some(c)) = (&mut memo_totals, &memo) {
            t.add(id, c);
        }
        out.top.extend(fruit.top);
        if plan.rank_later {
            out.hits.push(SegmentHits {
                segment,
                hits: fruit.hits,
                cols: std::sync::Arc::clone(cols),
            });
        }
    }
    if let Some(totals) = totals {
        out.facets = totals.facets();
        let all = match &corpus {
            Some(c) => Some(c.as_ref()),
            None if from_memo != 0 => Some(matches.unfiltered.get_or_init(|| {
                memo_totals
                    .as_ref()
                    .map(merge::Totals::facets)
                    .unwrap_or_default()
            })),
            None => None,
        };
        if let Some(all) = all {
            for dim in (0..DIMS).filter(|d| from_memo & (1 << d) != 0) {
                *facet_mut(&mut out.facets, dim) = facet_of(all, dim).clone();
            }
        }
    }
    sort_candidates(&mut out.top);
    out.top.truncate(plan.k);
    Ok(out)
}

/// The hits of every segment with matches (its matches passing every filter of `filters`),
/// for ranking a page apart from the counts ([`rank::page`]): what [`evaluate`] gives in
/// [`Collected::hits`] under [`Plan::rank_later`].
pub fn hits<'r>(
    matches: &MatchSet,
    columns: &ColumnCache,
    reader_of: impl Fn(SegmentOrdinal) -> &'r SegmentReader,
    filters: &Filters,
) -> tantivy::Result<Vec<SegmentHits>> {
    let mut out = Vec::with_capacity(matches.segments.len());
    for seg in matches.segments.iter().filter(|s| s.count > 0) {
        let cols = columns.get(reader_of(seg.segment))?;
        out.push(SegmentHits {
            segment: seg.segment,
            hits: eval::hits(seg, &cols, filters),
            cols,
        });
    }
    Ok(out)
}

/// The segments of one evaluation: their matches, columns, live entries and ids.
type Evaluated<'m> = (
    &'m SegmentMatches,
    std::sync::Arc<SegmentColumns>,
    std::sync::Arc<eval::Alive>,
    SegmentId,
);

/// The global dictionaries covering `segments` (kept in `columns` per index state).
fn dictionaries(
    columns: &ColumnCache,
    segments: &[Evaluated<'_>],
) -> std::sync::Arc<merge::Dictionaries> {
    let needed: Vec<(SegmentId, &SegmentColumns)> = segments
        .iter()
        .map(|(_, cols, _, id)| (*id, cols.as_ref()))
        .collect();
    columns.dictionaries(&needed)
}

/// The facet counts of every live entry of `segments` (the counts of browsing everything):
/// merged once per set of segments and state of their deletes, then kept in `columns`.
fn corpus_facets(columns: &ColumnCache, segments: &[Evaluated<'_>]) -> std::sync::Arc<Facets> {
    let key: Vec<(SegmentId, u32)> = segments
        .iter()
        .map(|(_, _, alive, id)| (*id, alive.deleted))
        .collect();
    if let Some(facets) = columns.corpus(&key) {
        return facets;
    }
    let dicts = dictionaries(columns, segments);
    let mut totals = merge::Totals::new(&dicts);
    for (_, _, alive, id) in segments {
        totals.add(id, &alive.counts);
    }
    let facets = std::sync::Arc::new(totals.facets());
    columns.set_corpus(key, std::sync::Arc::clone(&facets));
    facets
}

/// Sorts candidates of several segments: by key, then document order.
fn sort_candidates(top: &mut [Candidate]) {
    top.sort_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then_with(|| a.doc_id.cmp(&b.doc_id))
            .then_with(|| a.position.cmp(&b.position))
    });
}

/// The counts of dimension `dim`.
fn facet_of(f: &Facets, dim: usize) -> &Vec<FacetCount> {
    match dim {
        D_ADDRESSEE => &f.addressee,
        D_YEAR => &f.year,
        D_TOPIC => &f.topic,
        D_LEVEL => &f.level,
        D_KIND => &f.kind,
        D_REGION => &f.region,
        _ => &f.entry_type,
    }
}

/// The counts of dimension `dim`, mutable.
fn facet_mut(f: &mut Facets, dim: usize) -> &mut Vec<FacetCount> {
    match dim {
        D_ADDRESSEE => &mut f.addressee,
        D_YEAR => &mut f.year,
        D_TOPIC => &mut f.topic,
        D_LEVEL => &mut f.level,
        D_KIND => &mut f.kind,
        D_REGION => &mut f.region,
        _ => &mut f.entry_type,
    }
}

/// Most values returned per facet (the addressee facet adds its role totals to these).
pub const FACET_VALUES: usize = 100;

/// A candidate in a segment: (key, doc-id ordinal, position, doc, score bits); max = worst.
type HeapItem = ((u64, u64), u32, u32, DocId, u32);

/// The sort key of entry `doc` with `score` under `ranking` (the order of [`HeapItem`]).
fn item_of(doc: DocId, score: Score, ranking: Ranking, cols: &SegmentColumns) -> HeapItem {
    let d = doc as usize;
    (
        ranking_key(ranking, cols, d, score),
        cols.doc.ords[d],
        cols.position[d],
        doc,
        score.to_bits(),
    )
}

/// The candidate of a segment's [`HeapItem`].
fn candidate(segment: SegmentOrdinal, cols: &SegmentColumns, item: HeapItem) -> Candidate {
    let (key, ord, pos, doc, score_bits) = item;
    Candidate {
        key,
        doc_id: cols
            .doc
            .names
            .get(ord as usize)
            .cloned()
            .unwrap_or_default(),
        position: u64::from(pos),
        address: DocAddress::new(segment, doc),
        score: f32::from_bits(score_bits),
    }
}

/// Primary ranking key of entry `d` (smaller is better).
fn ranking_key(ranking: Ranking, cols: &SegmentColumns, d: usize, score: Score) -> (u64, u64) {
    match ranking {
        Ranking::Score => (score_key(score), 0),
        Ranking::DocOrder => (0, 0),
        Ranking::Date => {
            let date = cols.date[d];
            let key = if date == NONE {
                u64::MAX
            } else {
                (i64::from(i32::MAX) - i64::from(date)) as u64
            };
            (key, score_key(score))
        }
        Ranking::Deadline => {
            let deadline = cols.deadline[d];
            let key = if deadline == NONE {
                u64::MAX
            } else {
                (i64::from(deadline) - i64::from(NONE)) as u64
            };
            (key, score_key(score))
        }
    }
}

fn value_of(v: i32) -> Option<i64> {
    (v != NONE).then_some(i64::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_dimensions_are_the_remaining_facets_in_order() {
        let keys: Vec<&str> = Facet::ALL[D_TOPIC..].iter().map(|f| f.key()).collect();
        assert_eq!(keys, STR_DIMS);
    }

    #[test]
    fn score_keys_order_higher_scores_first() {
        let scores = [0.0f32, 0.5, 1.0, 3.25, 100.0];
        for w in scores.windows(2) {
            assert!(score_key(w[1]) < score_key(w[0]));
        }
    }

    #[test]
    fn year_filter_bounds_and_sets() {
        let f = Filters {
            years: Some(vec![2020, 2021]),
            year_to: Some(2020),
            ..Filters::default()
        };
        assert!(f.year_passes(Some(2020)));
        assert!(!f.year_passes(Some(2021)));
        assert!(!f.year_passes(None));
    }
}
