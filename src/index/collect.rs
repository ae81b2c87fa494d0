//! One-pass collector: filters, disjunctive facet counts and the top-k page, all from fast fields.
//!
//! The text query runs once without filters. For each matching entry the collector checks every
//! active facet filter on the columnar data: an entry that passes all of them is a hit (counted in
//! every facet and ranked); an entry that fails exactly one filter is counted only in that filter's
//! facet. That is exactly the disjunctive count (each facet counted with all filters but its own),
//! without running one query per facet and without loading stored documents.

use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::names;
use crate::analysis::fold;
use crate::model::Role;

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
    /// Facet counts per dimension (value → count). Addressee has `/role/name` and `/role` values.
    pub facets: Vec<HashMap<String, u64>>,
    /// The best `k` candidates in order.
    pub top: Vec<Candidate>,
}

/// The collector.
pub struct SearchCollector {
    cache: Arc<ColumnCache>,
    filters: Arc<Filters>,
    ranking: Ranking,
    k: usize,
    scoring: bool,
    count_facets: bool,
}

impl SearchCollector {
    /// A collector keeping the best `k` hits under `ranking`; `scoring` when the query has text;
    /// `count_facets` false when the caller already knows the facet counts.
    pub fn new(
        cache: Arc<ColumnCache>,
        filters: Filters,
        ranking: Ranking,
        k: usize,
        scoring: bool,
        count_facets: bool,
    ) -> Self {
        SearchCollector {
            cache,
            filters: Arc::new(filters),
            ranking,
            k,
            scoring,
            count_facets,
        }
    }
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
    strs: [StrValues; 5],
    /// Addressee ordinals of document `d`: `addr_ords[addr_offsets[d]..addr_offsets[d + 1]]`.
    addr_offsets: Vec<u32>,
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
            addr_offsets: Vec::with_capacity(max as usize + 1),
            ..Default::default()
        };
        for (slot, name) in cols.strs.iter_mut().zip(STR_DIMS) {
            *slot = dense_str(reader, name)?;
        }
        cols.addr_offsets.push(0);
        if let Some(col) = ff.str(names::ADDRESSEE)? {
            let mut scratch: Vec<u32> = Vec::new();
            for d in 0..max {
                scratch.clear();
                scratch.extend(col.term_ords(d).map(|o| o as u32));
                scratch.sort_unstable();
                scratch.dedup();
                cols.addr_ords.extend_from_slice(&scratch);
                cols.addr_offsets.push(cols.addr_ords.len() as u32);
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
            cols.addr_offsets.resize(max as usize + 1, 0);
        }
        Ok(cols)
    }

    fn addressees(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.addr_offsets.get(d), self.addr_offsets.get(d + 1)) {
            (Some(&a), Some(&b)) => self.addr_ords.get(a as usize..b as usize).unwrap_or(&[]),
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

/// A candidate in a segment: (key, doc-id ordinal, position, doc, score bits); max = worst.
type HeapItem = ((u64, u64), u32, u32, DocId, u32);

/// Per-segment collector.
pub struct SegmentSearchCollector {
    segment: SegmentOrdinal,
    cols: Arc<SegmentColumns>,
    filters: Arc<Filters>,
    ranking: Ranking,
    k: usize,
    count_facets: bool,
    addr_pass: Option<Vec<bool>>,
    str_pass: [Option<Vec<bool>>; 5],
    addr_counts: Vec<u64>,
    role_counts: [u64; Role::ALL.len()],
    year_counts: Vec<u64>,
    other_year_counts: HashMap<i32, u64>,
    str_counts: [Vec<u64>; 5],
    heap: BinaryHeap<HeapItem>,
    total: u64,
}

impl Collector for SearchCollector {
    type Fruit = Collected;
    type Child = SegmentSearchCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentSearchCollector> {
        let cols = self.cache.get(reader)?;
        let addr_pass = self.filters.addressee.as_ref().map(|filters| {
            (0..cols.addr_role.len())
                .map(|ord| {
                    filters.iter().any(|f| match f {
                        AddresseeFilter::Role(r) => cols.addr_role_id[ord] == *r,
                        AddresseeFilter::Canonical(c) => cols.addr_folded[ord] == *c,
                    })
                })
                .collect()
        });
        let mut str_pass: [Option<Vec<bool>>; 5] = Default::default();
        for ((pass, filter), values) in str_pass
            .iter_mut()
            .zip(&self.filters.strings)
            .zip(&cols.strs)
        {
            *pass = filter.as_ref().map(|wanted| {
                values
                    .names
                    .iter()
                    .map(|n| wanted.iter().any(|w| w == n))
                    .collect()
            });
        }
        let str_counts = std::array::from_fn(|i| vec![0; cols.strs[i].names.len()]);
        Ok(SegmentSearchCollector {
            segment,
            filters: Arc::clone(&self.filters),
            ranking: self.ranking,
            k: self.k,
            count_facets: self.count_facets,
            addr_pass,
            str_pass,
            addr_counts: vec![0; cols.addr_role.len()],
            role_counts: [0; Role::ALL.len()],
            year_counts: vec![0; YEAR_SLOTS],
            other_year_counts: HashMap::new(),
            str_counts,
            heap: BinaryHeap::new(),
            total: 0,
            cols,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut out = Collected {
            total: 0,
            facets: vec![HashMap::new(); DIMS],
            top: Vec::new(),
        };
        for fruit in fruits {
            out.total += fruit.total;
            for (acc, part) in out.facets.iter_mut().zip(fruit.facets) {
                if acc.is_empty() {
                    *acc = part;
                    continue;
                }
                for (value, n) in part {
                    *acc.entry(value).or_insert(0) += n;
                }
            }
            out.top.extend(fruit.top);
        }
        out.top.sort_by(|a, b| {
            a.key
                .cmp(&b.key)
                .then_with(|| a.doc_id.cmp(&b.doc_id))
                .then_with(|| a.position.cmp(&b.position))
        });
        out.top.truncate(self.k);
        Ok(out)
    }
}

/// What one segment produced.
pub struct SegmentFruit {
    total: u64,
    facets: Vec<HashMap<String, u64>>,
    top: Vec<Candidate>,
}

fn value_of(v: i32) -> Option<i64> {
    (v != NONE).then_some(i64::from(v))
}

impl SegmentSearchCollector {
    fn addressee_passes(&self, doc: DocId) -> bool {
        match &self.addr_pass {
            None => true,
            Some(pass) => self
                .cols
                .addressees(doc)
                .iter()
                .any(|&o| pass.get(o as usize).copied().unwrap_or(false)),
        }
    }

    fn str_passes(&self, i: usize, doc: DocId) -> bool {
        match &self.str_pass[i] {
            None => true,
            Some(pass) => {
                let ord = self.cols.strs[i].ords[doc as usize];
                pass.get(ord as usize).copied().unwrap_or(false)
            }
        }
    }

    /// Which active facet filters the entry fails: `Ok(None)` none, `Ok(Some(d))` only `d`,
    /// `Err(())` two or more.
    fn failed_dimension(&self, doc: DocId) -> Result<Option<usize>, ()> {
        let mut failed = None;
        let mut note = |d: usize| -> Result<(), ()> {
            if failed.is_some() {
                return Err(());
            }
            failed = Some(d);
            Ok(())
        };
        if !self.addressee_passes(doc) {
            note(D_ADDRESSEE)?;
        }
        if self.filters.year_active()
            && !self
                .filters
                .year_passes(value_of(self.cols.year[doc as usize]))
        {
            note(D_YEAR)?;
        }
        for i in 0..STR_DIMS.len() {
            if !self.str_passes(i, doc) {
                note(D_TOPIC + i)?;
            }
        }
        Ok(failed)
    }

    fn count_dimension(&mut self, d: usize, doc: DocId) {
        let cols = &self.cols;
        match d {
            D_ADDRESSEE => {
                let mut roles: u32 = 0;
                for &ord in cols.addressees(doc) {
                    if let Some(c) = self.addr_counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                    if let Some(&r) = cols.addr_role.get(ord as usize)
                        && (r as usize) < Role::ALL.len()
                    {
                        roles |= 1 << r;
                    }
                }
                while roles != 0 {
                    let i = roles.trailing_zeros() as usize;
                    self.role_counts[i] += 1;
                    roles &= roles - 1;
                }
            }
            D_YEAR => {
                let y = cols.year[doc as usize];
                if y != NONE {
                    match usize::try_from(y - YEAR_BASE) {
                        Ok(slot) if slot < YEAR_SLOTS => self.year_counts[slot] += 1,
                        _ => *self.other_year_counts.entry(y).or_insert(0) += 1,
                    }
                }
            }
            other => {
                let i = other - D_TOPIC;
                let ord = cols.strs[i].ords[doc as usize];
                if let Some(c) = self.str_counts[i].get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn rank(&mut self, doc: DocId, score: Score) {
        let d = doc as usize;
        let primary = match self.ranking {
            Ranking::Score => (score_key(score), 0),
            Ranking::DocOrder => (0, 0),
            Ranking::Date => {
                let date = self.cols.date[d];
                let key = if date == NONE {
                    u64::MAX
                } else {
                    (i64::from(i32::MAX) - i64::from(date)) as u64
                };
                (key, score_key(score))
            }
            Ranking::Deadline => {
                let deadline = self.cols.deadline[d];
                let key = if deadline == NONE {
                    u64::MAX
                } else {
                    (i64::from(deadline) - i64::from(NONE)) as u64
                };
                (key, score_key(score))
            }
        };
        let item = (
            primary,
            self.cols.doc.ords[d],
            self.cols.position[d],
            doc,
            score.to_bits(),
        );
        if self.heap.len() < self.k {
            self.heap.push(item);
        } else if let Some(worst) = self.heap.peek()
            && item < *worst
        {
            self.heap.pop();
            self.heap.push(item);
        }
    }

    fn harvest_facets(&self) -> Vec<HashMap<String, u64>> {
        let cols = &self.cols;
        let mut facets = vec![HashMap::new(); DIMS];
        let addr = &mut facets[D_ADDRESSEE];
        for (i, &n) in self.role_counts.iter().enumerate() {
            if n > 0 {
                addr.insert(format!("/{}", Role::ALL[i].as_str()), n);
            }
        }
        for (ord, &n) in self.addr_counts.iter().enumerate() {
            // Role-only facet values (no canonical name) are covered by the role totals.
            if n > 0 && !cols.addr_folded[ord].is_empty() {
                *addr.entry(cols.addr_display[ord].clone()).or_insert(0) += n;
            }
        }
        let years = &mut facets[D_YEAR];
        for (slot, &n) in self.year_counts.iter().enumerate() {
            if n > 0 {
                years.insert((YEAR_BASE + slot as i32).to_string(), n);
            }
        }
        for (y, n) in &self.other_year_counts {
            years.insert(y.to_string(), *n);
        }
        for (i, counts) in self.str_counts.iter().enumerate() {
            let map = &mut facets[D_TOPIC + i];
            for (ord, &n) in counts.iter().enumerate() {
                if n > 0 {
                    map.insert(cols.strs[i].names[ord].clone(), n);
                }
            }
        }
        facets
    }
}

impl SegmentCollector for SegmentSearchCollector {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if !self
            .filters
            .deadline_passes(value_of(self.cols.deadline[doc as usize]))
        {
            return;
        }
        match self.failed_dimension(doc) {
            Ok(None) => {
                self.total += 1;
                if self.count_facets {
                    for d in 0..DIMS {
                        self.count_dimension(d, doc);
                    }
                }
                if self.k > 0 {
                    self.rank(doc, score);
                }
            }
            Ok(Some(d)) => {
                if self.count_facets {
                    self.count_dimension(d, doc);
                }
            }
            Err(()) => {}
        }
    }

    fn harvest(self) -> SegmentFruit {
        let facets = if self.count_facets {
            self.harvest_facets()
        } else {
            vec![HashMap::new(); DIMS]
        };
        let cols = &self.cols;
        let top = self
            .heap
            .into_sorted_vec()
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
                address: DocAddress::new(self.segment, doc),
                score: f32::from_bits(score_bits),
            })
            .collect();
        SegmentFruit {
            total: self.total,
            facets,
            top,
        }
    }
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
