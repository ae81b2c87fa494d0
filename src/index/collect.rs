//! One-pass collector: filters, disjunctive facet counts and the top-k page, all from fast fields.
//!
//! The text query runs once without filters. For each matching entry the collector checks every
//! active facet filter on the columnar data: an entry that passes all of them is a hit (counted in
//! every facet and ranked); an entry that fails exactly one filter is counted only in that filter's
//! facet. That is exactly the disjunctive count (each facet counted with all filters but its own),
//! without running one query per facet and without loading stored documents.

use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
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
    filters: Arc<Filters>,
    ranking: Ranking,
    k: usize,
    scoring: bool,
}

impl SearchCollector {
    /// A collector keeping the best `k` hits under `ranking`; `scoring` when the query has text.
    pub fn new(filters: Filters, ranking: Ranking, k: usize, scoring: bool) -> Self {
        SearchCollector {
            filters: Arc::new(filters),
            ranking,
            k,
            scoring,
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

/// Per-segment state of one string dimension.
struct StrDim {
    column: Option<StrColumn>,
    /// For an active filter: which ordinals pass.
    pass: Option<Vec<bool>>,
    counts: Vec<u64>,
}

impl StrDim {
    fn open(
        reader: &SegmentReader,
        name: &str,
        filter: Option<&Vec<String>>,
    ) -> tantivy::Result<Self> {
        let column = reader.fast_fields().str(name)?;
        let num_terms = column.as_ref().map_or(0, |c| c.num_terms());
        let pass = match (filter, &column) {
            (None, _) => None,
            (Some(_), None) => Some(Vec::new()),
            (Some(values), Some(col)) => {
                let mut pass = vec![false; num_terms];
                for value in values {
                    if let Some(ord) = col.dictionary().term_ord(value.as_bytes())?
                        && let Some(slot) = pass.get_mut(ord as usize)
                    {
                        *slot = true;
                    }
                }
                Some(pass)
            }
        };
        Ok(StrDim {
            column,
            pass,
            counts: vec![0; num_terms],
        })
    }

    fn passes(&self, doc: DocId) -> bool {
        let (Some(pass), Some(col)) = (&self.pass, &self.column) else {
            return self.pass.is_none();
        };
        col.term_ords(doc)
            .any(|ord| pass.get(ord as usize).copied().unwrap_or(false))
    }

    fn count(&mut self, doc: DocId) {
        if let Some(col) = &self.column {
            for ord in col.term_ords(doc) {
                if let Some(c) = self.counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn harvest(&self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(col) = &self.column else {
            return out;
        };
        let mut buf = String::new();
        for (ord, &n) in self.counts.iter().enumerate() {
            if n > 0 && col.ord_to_str(ord as u64, &mut buf).unwrap_or(false) {
                out.insert(buf.clone(), n);
            }
        }
        out
    }
}

/// Per-segment state of the addressee facet.
struct AddresseeDim {
    column: Option<StrColumn>,
    /// Role index (into [`Role::ALL`]) of each ordinal, `u8::MAX` if unknown.
    role_of: Vec<u8>,
    pass: Option<Vec<bool>>,
    counts: Vec<u64>,
    role_counts: [u64; Role::ALL.len()],
    scratch: Vec<u64>,
}

impl AddresseeDim {
    fn open(
        reader: &SegmentReader,
        filter: Option<&Vec<AddresseeFilter>>,
    ) -> tantivy::Result<Self> {
        let column = reader.fast_fields().str(names::ADDRESSEE)?;
        let num_terms = column.as_ref().map_or(0, |c| c.num_terms());
        let mut role_of = vec![u8::MAX; num_terms];
        let mut pass = filter.map(|_| vec![false; num_terms]);
        if let Some(col) = &column {
            let mut stream = col.dictionary().stream()?;
            while stream.advance() {
                let ord = stream.term_ord() as usize;
                let (role, name) = split_facet(stream.key());
                let role_idx = Role::ALL.iter().position(|r| r.as_str() == role);
                if let (Some(slot), Some(idx)) = (role_of.get_mut(ord), role_idx) {
                    *slot = idx as u8;
                }
                if let (Some(pass), Some(filters)) = (pass.as_mut(), filter) {
                    let folded = name.map(fold);
                    let ok = filters.iter().any(|f| match f {
                        AddresseeFilter::Role(r) => r == role,
                        AddresseeFilter::Canonical(c) => folded.as_deref() == Some(c.as_str()),
                    });
                    if let Some(slot) = pass.get_mut(ord) {
                        *slot = ok;
                    }
                }
            }
        }
        Ok(AddresseeDim {
            column,
            role_of,
            pass,
            counts: vec![0; num_terms],
            role_counts: [0; Role::ALL.len()],
            scratch: Vec::new(),
        })
    }

    fn passes(&self, doc: DocId) -> bool {
        let (Some(pass), Some(col)) = (&self.pass, &self.column) else {
            return self.pass.is_none();
        };
        col.term_ords(doc)
            .any(|ord| pass.get(ord as usize).copied().unwrap_or(false))
    }

    fn count(&mut self, doc: DocId) {
        let Some(col) = &self.column else {
            return;
        };
        self.scratch.clear();
        self.scratch.extend(col.term_ords(doc));
        self.scratch.sort_unstable();
        self.scratch.dedup();
        let mut roles: u32 = 0;
        for &ord in &self.scratch {
            if let Some(c) = self.counts.get_mut(ord as usize) {
                *c += 1;
            }
            if let Some(&r) = self.role_of.get(ord as usize)
                && (r as usize) < Role::ALL.len()
            {
                roles |= 1 << r;
            }
        }
        for (i, c) in self.role_counts.iter_mut().enumerate() {
            if roles & (1 << i) != 0 {
                *c += 1;
            }
        }
    }

    fn harvest(&self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        for (i, &n) in self.role_counts.iter().enumerate() {
            if n > 0 {
                out.insert(format!("/{}", Role::ALL[i].as_str()), n);
            }
        }
        let Some(col) = &self.column else {
            return out;
        };
        let mut buf = Vec::new();
        for (ord, &n) in self.counts.iter().enumerate() {
            if n == 0
                || !col
                    .dictionary()
                    .ord_to_term(ord as u64, &mut buf)
                    .unwrap_or(false)
            {
                continue;
            }
            let (role, name) = split_facet(&buf);
            if let Some(name) = name {
                *out.entry(format!("/{role}/{name}")).or_insert(0) += n;
            }
        }
        out
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
type HeapItem = ((u64, u64), u64, u64, DocId, u32);

/// Per-segment collector.
pub struct SegmentSearchCollector {
    segment: SegmentOrdinal,
    filters: Arc<Filters>,
    ranking: Ranking,
    k: usize,
    addressee: AddresseeDim,
    year: Column<i64>,
    year_counts: HashMap<i64, u64>,
    strs: Vec<StrDim>,
    date: Column<i64>,
    deadline: Column<i64>,
    position: Column<u64>,
    doc_ord: Option<StrColumn>,
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
        let ff = reader.fast_fields();
        let strs = STR_DIMS
            .iter()
            .zip(self.filters.strings.iter())
            .map(|(name, filter)| StrDim::open(reader, name, filter.as_ref()))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(SegmentSearchCollector {
            segment,
            filters: Arc::clone(&self.filters),
            ranking: self.ranking,
            k: self.k,
            addressee: AddresseeDim::open(reader, self.filters.addressee.as_ref())?,
            year: ff.i64(names::YEAR)?,
            year_counts: HashMap::new(),
            strs,
            date: ff.i64(names::DATE)?,
            deadline: ff.i64(names::DEADLINE)?,
            position: ff.u64(names::POSITION)?,
            doc_ord: ff.str(names::DOC_ID)?,
            heap: BinaryHeap::new(),
            total: 0,
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

impl SegmentSearchCollector {
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
        if !self.addressee.passes(doc) {
            note(D_ADDRESSEE)?;
        }
        if self.filters.year_active() && !self.filters.year_passes(self.year.first(doc)) {
            note(D_YEAR)?;
        }
        for (i, dim) in self.strs.iter().enumerate() {
            if !dim.passes(doc) {
                note(D_TOPIC + i)?;
            }
        }
        Ok(failed)
    }

    fn count_dimension(&mut self, d: usize, doc: DocId) {
        match d {
            D_ADDRESSEE => self.addressee.count(doc),
            D_YEAR => {
                if let Some(y) = self.year.first(doc) {
                    *self.year_counts.entry(y).or_insert(0) += 1;
                }
            }
            other => {
                if let Some(dim) = self.strs.get_mut(other - D_TOPIC) {
                    dim.count(doc);
                }
            }
        }
    }

    fn rank(&mut self, doc: DocId, score: Score) {
        let primary = match self.ranking {
            Ranking::Score => (score_key(score), 0),
            Ranking::DocOrder => (0, 0),
            Ranking::Date => (
                self.date
                    .first(doc)
                    .map_or(u64::MAX, |d| (i64::from(i32::MAX) - d).max(0) as u64),
                score_key(score),
            ),
            Ranking::Deadline => (
                self.deadline
                    .first(doc)
                    .map_or(u64::MAX, |d| d.max(0) as u64),
                score_key(score),
            ),
        };
        let ord = self
            .doc_ord
            .as_ref()
            .and_then(|c| c.term_ords(doc).next())
            .unwrap_or(u64::MAX);
        let pos = self.position.first(doc).unwrap_or(u64::MAX);
        let item = (primary, ord, pos, doc, score.to_bits());
        if self.heap.len() < self.k {
            self.heap.push(item);
        } else if let Some(worst) = self.heap.peek()
            && item < *worst
        {
            self.heap.pop();
            self.heap.push(item);
        }
    }
}

impl SegmentCollector for SegmentSearchCollector {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if !self.filters.deadline_passes(self.deadline.first(doc)) {
            return;
        }
        match self.failed_dimension(doc) {
            Ok(None) => {
                self.total += 1;
                for d in 0..DIMS {
                    self.count_dimension(d, doc);
                }
                if self.k > 0 {
                    self.rank(doc, score);
                }
            }
            Ok(Some(d)) => self.count_dimension(d, doc),
            Err(()) => {}
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut facets = vec![HashMap::new(); DIMS];
        facets[D_ADDRESSEE] = self.addressee.harvest();
        facets[D_YEAR] = self
            .year_counts
            .iter()
            .map(|(y, n)| (y.to_string(), *n))
            .collect();
        for (i, dim) in self.strs.iter().enumerate() {
            facets[D_TOPIC + i] = dim.harvest();
        }
        let mut buf = String::new();
        let top = self
            .heap
            .into_sorted_vec()
            .into_iter()
            .map(|(key, ord, pos, doc, score_bits)| {
                buf.clear();
                if let Some(col) = &self.doc_ord {
                    let _ = col.ord_to_str(ord, &mut buf);
                }
                Candidate {
                    key,
                    doc_id: buf.clone(),
                    position: pos,
                    address: DocAddress::new(self.segment, doc),
                    score: f32::from_bits(score_bits),
                }
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
