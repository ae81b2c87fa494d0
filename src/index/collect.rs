//! Matching and evaluation: the text query's matches are collected once into a [`MatchSet`]
//! (cacheable per text query), then filters, disjunctive facet counts and the top-k page are
//! computed from dense copies of the fast fields ([`SegmentColumns`]).
//!
//! An entry that passes every filter is a hit (counted in every facet and ranked); an entry that
//! fails exactly one filter is counted only in that filter's facet. That is exactly the
//! disjunctive count (each facet counted with all filters but its own), without running one
//! query per facet and without loading stored documents.

use std::borrow::Cow;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::names;
use crate::analysis::fold;
use crate::model::Role;
use crate::search::{FacetCount, Facets};

/// Number of facet dimensions.
pub const DIMS: usize = 7;
/// Index of the addressee dimension.
pub const D_ADDRESSEE: usize = 0;
/// Index of the year dimension.
pub const D_YEAR: usize = 1;
/// Names of the string dimensions 2..7, in order.
const STR_DIMS: [&str; 5] = [
    names::TOPIC,
    names::LEVEL,
    names::KIND,
    names::REGION,
    names::ENTRY_TYPE,
];
/// Index of the topic dimension.
pub const D_TOPIC: usize = 2;
/// Index of the level dimension.
pub const D_LEVEL: usize = 3;
/// Index of the kind dimension.
pub const D_KIND: usize = 4;
/// Index of the region dimension.
pub const D_REGION: usize = 5;
/// Index of the entry-type dimension.
pub const D_ENTRY_TYPE: usize = 6;

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

    /// True when no filter at all is set.
    pub fn is_empty(&self) -> bool {
        self.addressee.is_none()
            && !self.year_active()
            && self.strings.iter().all(Option::is_none)
            && self.deadline_before.is_none()
            && self.deadline_after.is_none()
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
    /// Facet counts, sorted (see [`to_facets`]).
    pub facets: Facets,
    /// The best `k` candidates in order.
    pub top: Vec<Candidate>,
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

/// A single-valued string column: the ordinal of each document and the string of each ordinal.
#[derive(Debug, Default)]
struct StrValues {
    ords: Vec<u32>,
    names: Vec<String>,
}

/// Dense copy of the columns the collector reads for one segment, built once and cached:
/// reading plain vectors is several times faster than the columnar codecs in the hot loop.
#[derive(Debug, Default)]
pub struct SegmentColumns {
    year: Vec<i32>,
    date: Vec<i32>,
    deadline: Vec<i32>,
    position: Vec<u32>,
    doc: StrValues,
    /// Dictionaries of the string dimensions (their ordinals are in `rows`).
    strs: [StrValues; 5],
    /// Facet values per document, plus one last row that ends the addressee ranges.
    rows: Vec<Row>,
    /// Addressee ordinals of document `d`: `addr_ords[rows[d].addr_start..rows[d + 1].addr_start]`.
    addr_ords: Vec<u32>,
    /// Role index (into [`Role::ALL`]) per addressee ordinal, `u8::MAX` if unknown.
    addr_role: Vec<u8>,
    /// `/role/name` per addressee ordinal.
    addr_display: Vec<String>,
    /// Role id per addressee ordinal.
    addr_role_id: Vec<String>,
    /// Folded canonical name per addressee ordinal.
    addr_folded: Vec<String>,
}

/// "No value" in the one-byte ordinals of [`Row`].
const SMALL_NONE: u8 = u8::MAX;
/// Year slot of an entry without a year.
const YEAR_NONE: u16 = u16::MAX;
/// Year slot of a year outside the dense slots (looked up in the year column).
const YEAR_OTHER: u16 = u16::MAX - 1;

/// The facet values of one entry packed together, so that counting every facet of an entry
/// touches one cache line instead of one per column. Level, kind and entry type are enums with
/// a handful of values; their ordinals fit a byte.
#[derive(Debug, Clone, Copy)]
struct Row {
    topic: u32,
    region: u32,
    addr_start: u32,
    year: u16,
    level: u8,
    kind: u8,
    entry_type: u8,
}

impl Row {
    /// Ordinal of the string dimension `i` (in [`STR_DIMS`] order), [`NO_ORD`] for none.
    fn str_ord(&self, i: usize) -> u32 {
        let small = |v: u8| {
            if v == SMALL_NONE {
                NO_ORD
            } else {
                u32::from(v)
            }
        };
        match i {
            0 => self.topic,
            1 => small(self.level),
            2 => small(self.kind),
            3 => self.region,
            _ => small(self.entry_type),
        }
    }
}

/// The year slot of a year value (see [`YEAR_NONE`], [`YEAR_OTHER`]).
fn year_slot(year: i32) -> u16 {
    if year == NONE {
        return YEAR_NONE;
    }
    match usize::try_from(year - YEAR_BASE) {
        Ok(slot) if slot < YEAR_SLOTS => slot as u16,
        _ => YEAR_OTHER,
    }
}

fn dictionary_names(col: &StrColumn) -> tantivy::Result<Vec<String>> {
    let mut names = vec![String::new(); col.num_terms()];
    let mut stream = col.dictionary().stream()?;
    while stream.advance() {
        if let Some(slot) = names.get_mut(stream.term_ord() as usize) {
            *slot = String::from_utf8_lossy(stream.key()).into_owned();
        }
    }
    Ok(names)
}

fn dense_str(reader: &SegmentReader, name: &str) -> tantivy::Result<StrValues> {
    let max = reader.max_doc();
    let Some(col) = reader.fast_fields().str(name)? else {
        return Ok(StrValues {
            ords: vec![NO_ORD; max as usize],
            names: Vec::new(),
        });
    };
    let ords = (0..max)
        .map(|d| col.term_ords(d).next().map_or(NO_ORD, |o| o as u32))
        .collect();
    Ok(StrValues {
        ords,
        names: dictionary_names(&col)?,
    })
}

fn dense_i64(col: &Column<i64>, max: DocId) -> Vec<i32> {
    (0..max)
        .map(|d| {
            col.first(d).map_or(NONE, |v| {
                v.clamp(i64::from(NONE) + 1, i64::from(i32::MAX)) as i32
            })
        })
        .collect()
}

impl SegmentColumns {
    /// Reads the columns of a segment.
    pub fn build(reader: &SegmentReader) -> tantivy::Result<Self> {
        let max = reader.max_doc();
        let ff = reader.fast_fields();
        let position_col = ff.u64(names::POSITION)?;
        let mut cols = SegmentColumns {
            year: dense_i64(&ff.i64(names::YEAR)?, max),
            date: dense_i64(&ff.i64(names::DATE)?, max),
            deadline: dense_i64(&ff.i64(names::DEADLINE)?, max),
            position: (0..max)
                .map(|d| {
                    position_col
                        .first(d)
                        .map_or(u32::MAX, |p| p.min(u64::from(u32::MAX)) as u32)
                })
                .collect(),
            doc: dense_str(reader, names::DOC_ID)?,
            strs: Default::default(),
            ..Default::default()
        };
        for (slot, name) in cols.strs.iter_mut().zip(STR_DIMS) {
            *slot = dense_str(reader, name)?;
        }
        let mut addr_offsets = Vec::with_capacity(max as usize + 1);
        addr_offsets.push(0);
        if let Some(col) = ff.str(names::ADDRESSEE)? {
            let mut scratch: Vec<u32> = Vec::new();
            for d in 0..max {
                scratch.clear();
                scratch.extend(col.term_ords(d).map(|o| o as u32));
                scratch.sort_unstable();
                scratch.dedup();
                cols.addr_ords.extend_from_slice(&scratch);
                addr_offsets.push(cols.addr_ords.len() as u32);
            }
            for encoded in dictionary_names(&col)? {
                let (role, name) = split_facet(encoded.as_bytes());
                let idx = Role::ALL.iter().position(|r| r.as_str() == role);
                cols.addr_role.push(idx.map_or(u8::MAX, |i| i as u8));
                cols.addr_display.push(match name {
                    Some(n) => format!("/{role}/{n}"),
                    None => format!("/{role}"),
                });
                cols.addr_folded.push(name.map(fold).unwrap_or_default());
                cols.addr_role_id.push(role.to_string());
            }
        } else {
            addr_offsets.resize(max as usize + 1, 0);
        }
        cols.rows = cols.pack_rows(&addr_offsets);
        Ok(cols)
    }

    /// Packs the facet columns into rows and frees the per-column ordinals.
    fn pack_rows(&mut self, addr_offsets: &[u32]) -> Vec<Row> {
        let small = |ords: &[u32], d: usize| match ords.get(d) {
            Some(&o) if o < u32::from(SMALL_NONE) => o as u8,
            _ => SMALL_NONE,
        };
        let ord = |ords: &[u32], d: usize| ords.get(d).copied().unwrap_or(NO_ORD);
        let rows = addr_offsets
            .iter()
            .enumerate()
            .map(|(d, &addr_start)| Row {
                topic: ord(&self.strs[0].ords, d),
                level: small(&self.strs[1].ords, d),
                kind: small(&self.strs[2].ords, d),
                region: ord(&self.strs[3].ords, d),
                entry_type: small(&self.strs[4].ords, d),
                year: self.year.get(d).map_or(YEAR_NONE, |&y| year_slot(y)),
                addr_start,
            })
            .collect();
        for s in &mut self.strs {
            s.ords = Vec::new();
        }
        rows
    }

    fn addressees(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.rows.get(d), self.rows.get(d + 1)) {
            (Some(a), Some(b)) => self
                .addr_ords
                .get(a.addr_start as usize..b.addr_start as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Dense columns per segment, shared by all searches.
#[derive(Default)]
pub struct ColumnCache {
    map: Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
}

impl ColumnCache {
    /// The columns of a segment, read on first use.
    pub fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = reader.segment_id();
        if let Some(c) = self.map.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(c);
        }
        let built = Arc::new(SegmentColumns::build(reader)?);
        if let Ok(mut m) = self.map.lock() {
            m.insert(id, Arc::clone(&built));
        }
        Ok(built)
    }

    /// Forgets segments that are not in `live` any more.
    pub fn retain(&self, live: &[SegmentId]) {
        if let Ok(mut m) = self.map.lock() {
            m.retain(|id, _| live.contains(id));
        }
    }
}

/// Splits an encoded facet (`role\0name`, tantivy's separator is NUL) into its role and name.
fn split_facet(encoded: &[u8]) -> (&str, Option<&str>) {
    let text = std::str::from_utf8(encoded).unwrap_or("");
    match text.split_once('\u{0}') {
        Some((role, name)) => (role, Some(name)),
        None => (text, None),
    }
}

/// Matching entries of one segment: ascending doc ids and, when the query scores, their scores.
#[derive(Debug, Default)]
pub struct SegmentMatches {
    segment: SegmentOrdinal,
    docs: Vec<DocId>,
    /// Empty when the query does not score.
    scores: Vec<Score>,
    /// Indices into `docs` in [`Ranking::Score`] order, computed on first use.
    by_score: OnceLock<Vec<u32>>,
    /// Indices into `docs` in [`Ranking::DocOrder`] order, computed on first use.
    by_doc: OnceLock<Vec<u32>>,
}

impl SegmentMatches {
    fn score(&self, i: usize) -> Score {
        self.scores.get(i).copied().unwrap_or(0.0)
    }

    /// The sort key of match `i` under `ranking` (the order of [`HeapItem`]).
    fn item(&self, i: usize, ranking: Ranking, cols: &SegmentColumns) -> HeapItem {
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
    fn ordered(&self, ranking: Ranking, cols: &SegmentColumns) -> Option<&[u32]> {
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
    segments: Vec<SegmentMatches>,
    /// Total and facet counts without filters, computed on first use.
    unfiltered: OnceLock<(u64, Facets)>,
}

impl crate::cache::Weigh for MatchSet {
    fn weigh(&self) -> usize {
        self.segments
            .iter()
            .map(|s| {
                // One order (4 bytes per match) is usually added on first use.
                std::mem::size_of::<SegmentMatches>()
                    + s.docs.capacity() * (std::mem::size_of::<DocId>() + 4)
                    + s.scores.capacity() * std::mem::size_of::<Score>()
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
}

/// Applies filters to the matches, counts the total and the disjunctive facets and keeps the
/// best `k` hits. `reader_of` gives the segment reader of an ordinal of the searcher that
/// produced `matches`.
pub fn evaluate<'r>(
    matches: &MatchSet,
    columns: &ColumnCache,
    reader_of: impl Fn(SegmentOrdinal) -> &'r SegmentReader,
    plan: Plan<'_>,
) -> tantivy::Result<Collected> {
    let mut segments = Vec::with_capacity(matches.segments.len());
    for seg in &matches.segments {
        segments.push((seg, columns.get(reader_of(seg.segment))?));
    }
    let memo = plan.count_facets && plan.filters.is_empty();
    let count_here = Plan {
        count_facets: plan.count_facets && !(memo && matches.unfiltered.get().is_some()),
        ..plan
    };
    let mut out = Collected::default();
    let mut facets = Vec::new();
    for (seg, cols) in &segments {
        let fruit = SegmentEval::new(cols, count_here).run(seg);
        out.total += fruit.total;
        facets.push(fruit.facets);
        out.top.extend(fruit.top);
    }
    out.facets = if memo {
        matches
            .unfiltered
            .get_or_init(|| (out.total, to_facets(merge_counts(facets))))
            .1
            .clone()
    } else {
        to_facets(merge_counts(facets))
    };
    out.top.sort_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then_with(|| a.doc_id.cmp(&b.doc_id))
            .then_with(|| a.position.cmp(&b.position))
    });
    out.top.truncate(plan.k);
    Ok(out)
}

/// Sums per-segment facet counts (values are strings: ordinals differ between segments).
fn merge_counts(parts: Vec<Vec<HashMap<String, u64>>>) -> Vec<HashMap<String, u64>> {
    let mut acc: Vec<HashMap<String, u64>> = vec![HashMap::new(); DIMS];
    for part in parts {
        for (a, p) in acc.iter_mut().zip(part) {
            if a.is_empty() {
                *a = p;
                continue;
            }
            for (value, n) in p {
                *a.entry(value).or_insert(0) += n;
            }
        }
    }
    acc
}

/// Most values returned per facet (the addressee facet adds its role totals to these).
pub const FACET_VALUES: usize = 100;

/// Sorted facet counts: by count (descending) then value; years by value, newest first.
/// At most [`FACET_VALUES`] values per facet.
fn to_facets(mut maps: Vec<HashMap<String, u64>>) -> Facets {
    let mut take = |d: usize, by_value_desc: bool| -> Vec<FacetCount> {
        let map = std::mem::take(&mut maps[d]);
        let mut v: Vec<FacetCount> = map
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        if by_value_desc {
            v.sort_by(|a, b| b.value.cmp(&a.value));
        } else {
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        v
    };
    let limit = |mut v: Vec<FacetCount>| {
        v.truncate(FACET_VALUES);
        v
    };
    // Role totals (`/role`) first, then the most frequent names (`/role/name`).
    let (mut addressee, names): (Vec<FacetCount>, Vec<FacetCount>) = take(D_ADDRESSEE, false)
        .into_iter()
        .partition(|f| f.value.matches('/').count() == 1);
    addressee.extend(limit(names));
    Facets {
        addressee,
        year: limit(take(D_YEAR, true)),
        topic: limit(take(D_TOPIC, false)),
        level: limit(take(D_LEVEL, false)),
        kind: limit(take(D_KIND, false)),
        region: limit(take(D_REGION, false)),
        entry_type: limit(take(D_ENTRY_TYPE, false)),
    }
}

/// A candidate in a segment: (key, doc-id ordinal, position, doc, score bits); max = worst.
type HeapItem = ((u64, u64), u32, u32, DocId, u32);

/// Bit of a match's failure mask set when the deadline filter fails: such an entry is counted
/// nowhere (the deadline is a filter, not a facet).
const DEADLINE_FAILED: u8 = 1 << 7;

/// What one segment produced.
struct SegmentFruit {
    total: u64,
    facets: Vec<HashMap<String, u64>>,
    top: Vec<Candidate>,
}

/// Evaluation of a plan on one segment's matches.
///
/// Works column by column rather than entry by entry: one pass per active filter sets a bit per
/// failed dimension in a mask, then one pass per facet dimension counts the entries whose mask is
/// empty or only has that dimension's bit — the disjunctive count (each facet counted with every
/// filter but its own) without one query per facet. Tight loops over plain vectors are several
/// times faster than checking every dimension of every entry in turn.
struct SegmentEval<'a> {
    cols: &'a SegmentColumns,
    plan: Plan<'a>,
    addr_pass: Option<Vec<bool>>,
    str_pass: [Option<Vec<bool>>; 5],
}

impl<'a> SegmentEval<'a> {
    fn new(cols: &'a SegmentColumns, plan: Plan<'a>) -> Self {
        let filters = plan.filters;
        let addr_pass = filters.addressee.as_ref().map(|wanted| {
            (0..cols.addr_role.len())
                .map(|ord| {
                    wanted.iter().any(|f| match f {
                        AddresseeFilter::Role(r) => cols.addr_role_id[ord] == *r,
                        AddresseeFilter::Canonical(c) => cols.addr_folded[ord] == *c,
                    })
                })
                .collect()
        });
        let mut str_pass: [Option<Vec<bool>>; 5] = Default::default();
        for ((pass, filter), values) in str_pass.iter_mut().zip(&filters.strings).zip(&cols.strs) {
            *pass = filter.as_ref().map(|wanted| {
                values
                    .names
                    .iter()
                    .map(|n| wanted.iter().any(|w| w == n))
                    .collect()
            });
        }
        SegmentEval {
            cols,
            plan,
            addr_pass,
            str_pass,
        }
    }

    fn run(&self, seg: &SegmentMatches) -> SegmentFruit {
        let mask = self.failure_mask(&seg.docs);
        let groups = Groups::new(&seg.docs, mask.as_deref(), self.plan.count_facets);
        let facets = if self.plan.count_facets {
            self.count_facets(&groups)
        } else {
            Vec::new()
        };
        let top = if self.plan.k > 0 {
            self.top(seg, mask.as_deref())
        } else {
            Vec::new()
        };
        SegmentFruit {
            total: groups.hits.len() as u64,
            facets,
            top,
        }
    }

    /// Per match, a bit per failed facet filter ([`DEADLINE_FAILED`] for the deadline);
    /// `None` when no filter is set.
    fn failure_mask(&self, docs: &[DocId]) -> Option<Vec<u8>> {
        let filters = self.plan.filters;
        if filters.is_empty() {
            return None;
        }
        let cols = self.cols;
        let mut mask = vec![0u8; docs.len()];
        if let Some(pass) = &self.addr_pass {
            mark(&mut mask, docs, 1 << D_ADDRESSEE, |d| {
                !cols
                    .addressees(d)
                    .iter()
                    .any(|&o| pass.get(o as usize).copied().unwrap_or(false))
            });
        }
        if filters.year_active() {
            mark(&mut mask, docs, 1 << D_YEAR, |d| {
                !filters.year_passes(value_of(cols.year[d as usize]))
            });
        }
        for (i, pass) in self.str_pass.iter().enumerate() {
            if let Some(pass) = pass {
                mark(&mut mask, docs, 1 << (D_TOPIC + i), |d| {
                    !cols
                        .rows
                        .get(d as usize)
                        .and_then(|r| pass.get(r.str_ord(i) as usize))
                        .copied()
                        .unwrap_or(false)
                });
            }
        }
        if filters.deadline_before.is_some() || filters.deadline_after.is_some() {
            mark(&mut mask, docs, DEADLINE_FAILED, |d| {
                !filters.deadline_passes(value_of(cols.deadline[d as usize]))
            });
        }
        Some(mask)
    }

    /// Disjunctive counts of every dimension: dimension `dim` counts the hits and the matches
    /// that fail only its own filter.
    fn count_facets(&self, groups: &Groups<'_>) -> Vec<HashMap<String, u64>> {
        let cols = self.cols;
        let mut counters = Counters::new(cols);
        for &d in groups.hits.iter() {
            counters.add_all(cols, d);
        }
        for (dim, docs) in groups.single.iter().enumerate() {
            for &d in docs {
                counters.add_dim(cols, dim, d);
            }
        }
        counters.into_named(cols)
    }

    /// The best `k` passing matches of the segment, best first: the first `k` of a kept order,
    /// or a bounded heap over all passing matches.
    fn top(&self, seg: &SegmentMatches, mask: Option<&[u8]>) -> Vec<Candidate> {
        let cols = self.cols;
        let (k, ranking) = (self.plan.k, self.plan.ranking);
        let passes = |i: usize| mask.is_none_or(|m| m[i] == 0);
        let items: Vec<HeapItem> = match seg.ordered(ranking, cols) {
            Some(order) => order
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| passes(i))
                .take(k)
                .map(|i| seg.item(i, ranking, cols))
                .collect(),
            None => {
                let mut heap: BinaryHeap<HeapItem> = BinaryHeap::with_capacity(k + 1);
                for i in (0..seg.docs.len()).filter(|&i| passes(i)) {
                    let item = seg.item(i, ranking, cols);
                    if heap.len() < k {
                        heap.push(item);
                    } else if let Some(worst) = heap.peek()
                        && item < *worst
                    {
                        heap.pop();
                        heap.push(item);
                    }
                }
                heap.into_sorted_vec()
            }
        };
        items
            .into_iter()
            .map(|(key, ord, pos, doc, score_bits)| Candidate {
                key,
                doc_id: cols
                    .doc
                    .names
                    .get(ord as usize)
                    .cloned()
                    .unwrap_or_default(),
                position: u64::from(pos),
                address: DocAddress::new(seg.segment, doc),
                score: f32::from_bits(score_bits),
            })
            .collect()
    }
}

/// Sets `bit` in the mask of every match whose entry `fails`.
fn mark(mask: &mut [u8], docs: &[DocId], bit: u8, fails: impl Fn(DocId) -> bool) {
    for (m, &d) in mask.iter_mut().zip(docs) {
        if fails(d) {
            *m |= bit;
        }
    }
}

/// Facet counters of one segment, by ordinal.
struct Counters {
    names: Vec<u64>,
    roles: [u64; Role::ALL.len()],
    years: Vec<u64>,
    other_years: HashMap<i32, u64>,
    strs: [Vec<u64>; 5],
}

impl Counters {
    fn new(cols: &SegmentColumns) -> Self {
        Counters {
            names: vec![0; cols.addr_role.len()],
            roles: [0; Role::ALL.len()],
            years: vec![0; YEAR_SLOTS],
            other_years: HashMap::new(),
            strs: std::array::from_fn(|i| vec![0; cols.strs[i].names.len()]),
        }
    }

    /// Counts entry `d` in every dimension.
    fn add_all(&mut self, cols: &SegmentColumns, d: DocId) {
        let Some(row) = cols.rows.get(d as usize) else {
            return;
        };
        self.add_year(cols, row, d);
        for i in 0..STR_DIMS.len() {
            if let Some(c) = self.strs[i].get_mut(row.str_ord(i) as usize) {
                *c += 1;
            }
        }
        self.add_addressees(cols, d);
    }

    /// Counts entry `d` in dimension `dim` only.
    fn add_dim(&mut self, cols: &SegmentColumns, dim: usize, d: DocId) {
        let Some(row) = cols.rows.get(d as usize) else {
            return;
        };
        match dim {
            D_ADDRESSEE => self.add_addressees(cols, d),
            D_YEAR => self.add_year(cols, row, d),
            _ => {
                let i = dim - D_TOPIC;
                if let Some(c) = self.strs[i].get_mut(row.str_ord(i) as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn add_year(&mut self, cols: &SegmentColumns, row: &Row, d: DocId) {
        match row.year {
            YEAR_NONE => {}
            YEAR_OTHER => {
                if let Some(&y) = cols.year.get(d as usize) {
                    *self.other_years.entry(y).or_insert(0) += 1;
                }
            }
            slot => {
                if let Some(c) = self.years.get_mut(slot as usize) {
                    *c += 1;
                }
            }
        }
    }

    /// Counts `/role` once per entry with an addressee of the role, and each `/role/name`.
    fn add_addressees(&mut self, cols: &SegmentColumns, d: DocId) {
        let mut seen: u32 = 0;
        for &ord in cols.addressees(d) {
            if let Some(c) = self.names.get_mut(ord as usize) {
                *c += 1;
            }
            if let Some(&r) = cols.addr_role.get(ord as usize)
                && (r as usize) < Role::ALL.len()
            {
                seen |= 1 << r;
            }
        }
        while seen != 0 {
            self.roles[seen.trailing_zeros() as usize] += 1;
            seen &= seen - 1;
        }
    }

    /// The counts by value name, per dimension.
    fn into_named(self, cols: &SegmentColumns) -> Vec<HashMap<String, u64>> {
        let mut facets = vec![HashMap::new(); DIMS];
        let addr = &mut facets[D_ADDRESSEE];
        for (i, &n) in self.roles.iter().enumerate() {
            if n > 0 {
                addr.insert(format!("/{}", Role::ALL[i].as_str()), n);
            }
        }
        for (ord, &n) in self.names.iter().enumerate() {
            // Role-only facet values (no canonical name) are covered by the role totals.
            if n > 0 && !cols.addr_folded[ord].is_empty() {
                *addr.entry(cols.addr_display[ord].clone()).or_insert(0) += n;
            }
        }
        let years = self
            .years
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(slot, &n)| ((YEAR_BASE + slot as i32).to_string(), n));
        facets[D_YEAR] = years
            .chain(
                self.other_years
                    .into_iter()
                    .map(|(y, n)| (y.to_string(), n)),
            )
            .collect();
        for (i, counts) in self.strs.iter().enumerate() {
            facets[D_TOPIC + i] = counts
                .iter()
                .zip(&cols.strs[i].names)
                .filter(|&(&n, _)| n > 0)
                .map(|(&n, name)| (name.clone(), n))
                .collect();
        }
        facets
    }
}

/// The matches of a segment grouped by their failure masks: the hits (no filter failed) and,
/// per dimension, the matches that fail only that dimension's filter.
struct Groups<'a> {
    hits: Cow<'a, [DocId]>,
    single: [Vec<DocId>; DIMS],
}

impl<'a> Groups<'a> {
    /// Groups `docs` by `mask`; the single-failure groups only when `with_single`.
    fn new(docs: &'a [DocId], mask: Option<&[u8]>, with_single: bool) -> Self {
        let mut groups = Groups {
            hits: Cow::Borrowed(docs),
            single: Default::default(),
        };
        let Some(mask) = mask else {
            return groups;
        };
        let mut hits = Vec::new();
        for (&d, &m) in docs.iter().zip(mask) {
            if m == 0 {
                hits.push(d);
            } else if with_single && m.is_power_of_two() && (m.trailing_zeros() as usize) < DIMS {
                groups.single[m.trailing_zeros() as usize].push(d);
            }
        }
        groups.hits = Cow::Owned(hits);
        groups
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

    #[test]
    fn facet_split() {
        assert_eq!(split_facet(b"school_heads\0X"), ("school_heads", Some("X")));
        assert_eq!(split_facet(b"other"), ("other", None));
    }
}
