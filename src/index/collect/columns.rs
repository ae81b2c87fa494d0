//! Dense copies of the fast fields a search reads, per segment, built once and shared: reading
//! plain vectors is several times faster than the columnar codecs in the hot loops. Also the
//! cache of filter bitsets per segment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fixedbitset::FixedBitSet;
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, SegmentReader};

use super::eval::Alive;
use super::merge::Dictionaries;
use super::{D_ADDRESSEE, D_TOPIC, D_YEAR, DIMS, NO_ORD, NONE, STR_DIMS, YEAR_BASE, YEAR_SLOTS};
use crate::analysis::fold;
use crate::index::schema::names;
use crate::model::Role;
use crate::search::Facets;

/// A single-valued string column: the ordinal of each document and the string of each ordinal.
#[derive(Debug, Default)]
pub(super) struct StrValues {
    pub(super) ords: Vec<u32>,
    pub(super) names: Vec<String>,
}

/// A segment's row table for counting a set by rows: a count per row (zero between passes)
/// and room for the rows met, in the order met (any content: written before read).
#[derive(Debug)]
pub(super) struct RowCounter {
    pub(super) per_row: Vec<u32>,
    pub(super) met: Vec<u32>,
}

/// Dense copy of the columns the collector reads for one segment, built once and cached:
/// reading plain vectors is several times faster than the columnar codecs in the hot loop.
#[derive(Debug, Default)]
pub struct SegmentColumns {
    pub(super) year: Vec<i32>,
    pub(super) date: Vec<i32>,
    pub(super) deadline: Vec<i32>,
    pub(super) position: Vec<u32>,
    pub(super) doc: StrValues,
    /// Dictionaries of the string dimensions (their ordinals are in `rows`).
    pub(super) strs: [StrValues; 5],
    /// The distinct facet rows of the segment's entries (see [`SegmentColumns::row`]).
    pub(super) rows: Vec<Row>,
    /// Per entry, the number of its row in `rows` (4 bytes read per entry counted instead of
    /// a whole row: counting a large set is bound by memory reads).
    pub(super) row_of: Vec<u32>,
    /// Per row, an entry holding it (its year is the row's when the slot is [`YEAR_OTHER`]).
    pub(super) row_entry: Vec<DocId>,
    /// The distinct sets of addressee ordinals of the segment's entries (an entry holds the
    /// number of its set, [`Row::addr_set`]): the ordinals of set `s` are
    /// `set_ords[set_starts[s]..set_starts[s + 1]]`, ascending.
    pub(super) set_ords: Vec<u32>,
    /// See [`SegmentColumns::set_ords`]; one more than the sets.
    pub(super) set_starts: Vec<u32>,
    /// Role index (into [`Role::ALL`]) per addressee ordinal, `u8::MAX` if unknown.
    pub(super) addr_role: Vec<u8>,
    /// `/role/name` per addressee ordinal.
    pub(super) addr_display: Vec<String>,
    /// Role id per addressee ordinal.
    pub(super) addr_role_id: Vec<String>,
    /// Folded canonical name per addressee ordinal.
    pub(super) addr_folded: Vec<String>,
    /// Per facet dimension, the first entry of each run of consecutive entries with the same
    /// value (the entries of one document share its year, level, kind and region, those of one
    /// block its addressees): a set is counted per run, by the population count of the run's
    /// bits, instead of per entry.
    pub(super) runs: [Vec<u32>; DIMS],
    /// Per facet dimension, the value of each run of [`SegmentColumns::runs`] (see
    /// [`SegmentColumns::value`]): a run is counted without reading its first entry's row
    /// (two dependent cache misses per run).
    pub(super) run_values: [Vec<u32>; DIMS],
    /// Bitsets of the entries passing recent filters, by filter key.
    filter_bits: Mutex<HashMap<String, Arc<FixedBitSet>>>,
    /// The live entries and their counts, for the last state of the deletes asked.
    alive: Mutex<Option<Arc<Alive>>>,
    /// Row tables lent to counting passes (see [`SegmentColumns::row_counter`]): counting
    /// many sets allocates no row table (large, so fresh pages of the system's) per pass.
    row_counters: Mutex<Vec<RowCounter>>,
}

/// Most filter bitsets kept per segment (each `max_doc / 8` bytes); when full, all are dropped.
const FILTER_BITS_KEPT: usize = 256;

/// "No value" in the one-byte ordinals of [`Row`].
pub(super) const SMALL_NONE: u8 = u8::MAX;
/// Year slot of an entry without a year.
pub(super) const YEAR_NONE: u16 = u16::MAX;
/// Year slot of a year outside the dense slots (looked up in the year column).
pub(super) const YEAR_OTHER: u16 = u16::MAX - 1;

/// The facet values of one entry packed together, so that counting every facet of an entry
/// touches one cache line instead of one per column. Level, kind and entry type are enums with
/// a handful of values; their ordinals fit a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Row {
    pub(super) topic: u32,
    pub(super) region: u32,
    /// The entry's set of addressees (see [`SegmentColumns::set_ords`]).
    pub(super) addr_set: u32,
    pub(super) year: u16,
    pub(super) level: u8,
    pub(super) kind: u8,
    pub(super) entry_type: u8,
}

impl Row {
    /// Ordinal of the string dimension `i` (in [`STR_DIMS`] order), [`NO_ORD`] for none.
    pub(super) fn str_ord(&self, i: usize) -> u32 {
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
        let mut addr_sets = Vec::with_capacity(max as usize);
        cols.set_starts.push(0);
        if let Some(col) = ff.str(names::ADDRESSEE)? {
            let mut scratch: Vec<u32> = Vec::new();
            let mut known: HashMap<Vec<u32>, u32> = HashMap::new();
            for d in 0..max {
                scratch.clear();
                scratch.extend(col.term_ords(d).map(|o| o as u32));
                scratch.sort_unstable();
                scratch.dedup();
                // Entries of one block share their addressees: the previous entry's set first.
                let previous = addr_sets.last().copied();
                if let Some(set) = previous.filter(|&p| cols.set(p) == scratch.as_slice()) {
                    addr_sets.push(set);
                    continue;
                }
                let set = match known.get(scratch.as_slice()) {
                    Some(&set) => set,
                    None => {
                        let set = known.len() as u32;
                        known.insert(scratch.clone(), set);
                        cols.set_ords.extend_from_slice(&scratch);
                        cols.set_starts.push(cols.set_ords.len() as u32);
                        set
                    }
                };
                addr_sets.push(set);
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
            // One empty set, held by every entry.
            cols.set_starts.push(0);
            addr_sets.resize(max as usize, 0);
        }
        cols.pack_rows(&addr_sets);
        (cols.runs, cols.run_values) = cols.run_starts();
        tracing::debug!(
            entries = max,
            rows = cols.rows.len(),
            addressee_sets = cols.sets(),
            runs = ?cols.runs.each_ref().map(Vec::len),
            "segment columns"
        );
        Ok(cols)
    }

    /// Packs the facet columns into rows, numbers the distinct ones and frees the per-column
    /// ordinals.
    fn pack_rows(&mut self, addr_sets: &[u32]) {
        let small = |ords: &[u32], d: usize| match ords.get(d) {
            Some(&o) if o < u32::from(SMALL_NONE) => o as u8,
            _ => SMALL_NONE,
        };
        let ord = |ords: &[u32], d: usize| ords.get(d).copied().unwrap_or(NO_ORD);
        let mut known: HashMap<(Row, i32), u32> = HashMap::new();
        let mut row_of = Vec::with_capacity(addr_sets.len());
        for (d, &addr_set) in addr_sets.iter().enumerate() {
            let row = Row {
                topic: ord(&self.strs[0].ords, d),
                level: small(&self.strs[1].ords, d),
                kind: small(&self.strs[2].ords, d),
                region: ord(&self.strs[3].ords, d),
                entry_type: small(&self.strs[4].ords, d),
                year: self.year.get(d).map_or(YEAR_NONE, |&y| year_slot(y)),
                addr_set,
            };
            // A year outside the slots is told apart by its value.
            let other = if row.year == YEAR_OTHER {
                self.year.get(d).copied().unwrap_or(NONE)
            } else {
                0
            };
            let number = *known.entry((row, other)).or_insert_with(|| {
                self.rows.push(row);
                self.row_entry.push(d as DocId);
                (self.rows.len() - 1) as u32
            });
            row_of.push(number);
        }
        self.row_of = row_of;
        self.rows.shrink_to_fit();
        self.row_entry.shrink_to_fit();
        for s in &mut self.strs {
            s.ords = Vec::new();
        }
    }

    /// The facet row of entry `d`.
    pub(super) fn row(&self, d: usize) -> Option<&Row> {
        self.row_of.get(d).and_then(|&r| self.rows.get(r as usize))
    }

    /// The first entry and the value of each run of equal values of every dimension (see
    /// [`SegmentColumns::runs`]).
    fn run_starts(&self) -> ([Vec<u32>; DIMS], [Vec<u32>; DIMS]) {
        let mut starts: [Vec<u32>; DIMS] = Default::default();
        let mut values: [Vec<u32>; DIMS] = Default::default();
        for d in 0..self.max_doc() {
            for (dim, (runs, vals)) in starts.iter_mut().zip(&mut values).enumerate() {
                if d == 0 || !self.same_value(dim, d - 1, d) {
                    runs.push(d as u32);
                    vals.push(self.value(dim, d));
                }
            }
        }
        for runs in starts.iter_mut().chain(&mut values) {
            runs.shrink_to_fit();
        }
        (starts, values)
    }

    /// The value of entry `d` in dimension `dim` as counted: its addressee set, its year slot
    /// (see [`Row::year`]) or its ordinal ([`NO_ORD`] for none).
    fn value(&self, dim: usize, d: usize) -> u32 {
        match (self.row(d), dim) {
            (None, D_YEAR) => u32::from(YEAR_NONE),
            (None, _) => NO_ORD,
            (Some(row), D_ADDRESSEE) => row.addr_set,
            (Some(row), D_YEAR) => u32::from(row.year),
            (Some(row), _) => row.str_ord(dim - D_TOPIC),
        }
    }

    /// Whether entries `a` and `b` have the same value in dimension `dim`.
    fn same_value(&self, dim: usize, a: usize, b: usize) -> bool {
        let (Some(ra), Some(rb)) = (self.row(a), self.row(b)) else {
            return false;
        };
        match dim {
            D_ADDRESSEE => ra.addr_set == rb.addr_set,
            D_YEAR => {
                ra.year == rb.year
                    && (ra.year != YEAR_OTHER || self.year.get(a) == self.year.get(b))
            }
            _ => ra.str_ord(dim - D_TOPIC) == rb.str_ord(dim - D_TOPIC),
        }
    }

    /// Number of documents of the segment (deleted ones included).
    pub(super) fn max_doc(&self) -> usize {
        self.year.len()
    }

    /// The entries passing a filter as a bitset: kept under `key`, computed by `passes` once.
    /// A filter on the facet dimension `dim` depends only on the entry's value in it, so
    /// `passes` is asked once per run of equal values ([`SegmentColumns::runs`]).
    pub(super) fn filter_bits(
        &self,
        key: &str,
        dim: Option<usize>,
        passes: impl Fn(DocId) -> bool,
    ) -> Arc<FixedBitSet> {
        if let Some(bits) = self
            .filter_bits
            .lock()
            .ok()
            .and_then(|m| m.get(key).cloned())
        {
            return bits;
        }
        let bits = match dim.and_then(|dim| self.runs.get(dim)) {
            Some(starts) => self.passing_runs(starts, &passes),
            None => self.passing_entries(&passes),
        };
        debug_assert!(
            bits == self.passing_entries(&passes),
            "filter {key} by runs"
        );
        let bits = Arc::new(bits);
        if let Ok(mut m) = self.filter_bits.lock() {
            if m.len() >= FILTER_BITS_KEPT {
                m.clear();
            }
            m.insert(key.to_owned(), Arc::clone(&bits));
        }
        bits
    }

    /// The entries passing `passes`, asked entry by entry.
    fn passing_entries(&self, passes: &impl Fn(DocId) -> bool) -> FixedBitSet {
        let mut bits = FixedBitSet::with_capacity(self.max_doc());
        for d in 0..self.max_doc() {
            if passes(d as DocId) {
                bits.insert(d);
            }
        }
        bits
    }

    /// The entries passing `passes`, asked for the first entry of each run of `starts`.
    fn passing_runs(&self, starts: &[u32], passes: &impl Fn(DocId) -> bool) -> FixedBitSet {
        let max = self.max_doc();
        let mut bits = FixedBitSet::with_capacity(max);
        let ends = starts.iter().skip(1).map(|&e| e as usize).chain([max]);
        for (start, end) in starts.iter().map(|&s| s as usize).zip(ends) {
            if start < end && end <= max && passes(start as DocId) {
                bits.insert_range(start..end);
            }
        }
        bits
    }

    /// The live entries of this segment as `reader` (of any generation) sees them, and their
    /// counts: computed once per state of the segment's deletes.
    pub(super) fn alive(&self, reader: &SegmentReader) -> Arc<Alive> {
        let deleted = reader.num_deleted_docs();
        let held = self.alive.lock().ok().and_then(|a| a.clone());
        if let Some(alive) = held.filter(|a| a.deleted == deleted) {
            return alive;
        }
        let alive = Arc::new(Alive::of(self, reader));
        if let Ok(mut slot) = self.alive.lock() {
            *slot = Some(Arc::clone(&alive));
        }
        alive
    }

    /// The addressee ordinals of entry `doc`.
    pub(super) fn addressees(&self, doc: DocId) -> &[u32] {
        self.row(doc as usize)
            .map_or(&[], |row| self.set(row.addr_set))
    }

    /// The addressee ordinals of set `set` (see [`SegmentColumns::set_ords`]).
    pub(super) fn set(&self, set: u32) -> &[u32] {
        let s = set as usize;
        match (self.set_starts.get(s), self.set_starts.get(s + 1)) {
            (Some(&a), Some(&b)) => self.set_ords.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of distinct addressee sets.
    pub(super) fn sets(&self) -> usize {
        self.set_starts.len().saturating_sub(1)
    }

    /// A row table, lent until [`SegmentColumns::return_row_counter`] (a fresh one when all
    /// are lent).
    pub(super) fn row_counter(&self) -> RowCounter {
        let lent = self
            .row_counters
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop());
        lent.unwrap_or_else(|| RowCounter {
            per_row: vec![0; self.rows.len()],
            met: vec![0; self.rows.len() + 1],
        })
    }

    /// Takes back a table of [`SegmentColumns::row_counter`], its counts zeroed again.
    pub(super) fn return_row_counter(&self, counter: RowCounter) {
        debug_assert!(counter.per_row.iter().all(|&n| n == 0));
        if let Ok(mut pool) = self.row_counters.lock() {
            pool.push(counter);
        }
    }
}

/// The segments and their numbers of deleted entries an index state is made of.
type CorpusKey = Vec<(SegmentId, u32)>;

/// Dense columns per segment, shared by all searches; the corpus's facet counts of the last
/// index state asked.
#[derive(Default)]
pub struct ColumnCache {
    map: Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
    /// A lock per segment whose columns are being read: searches asking for them meanwhile
    /// wait for that reading instead of reading them too.
    reading: Mutex<HashMap<SegmentId, Arc<Mutex<()>>>>,
    corpus: Mutex<Option<(CorpusKey, Arc<Facets>)>>,
    dictionaries: Mutex<Option<Arc<Dictionaries>>>,
}

impl ColumnCache {
    /// The columns of a segment, read on first use.
    pub fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = reader.segment_id();
        let held = || self.map.lock().ok().and_then(|m| m.get(&id).cloned());
        if let Some(c) = held() {
            return Ok(c);
        }
        let slot = self
            .reading
            .lock()
            .map(|mut r| Arc::clone(r.entry(id).or_default()))
            .unwrap_or_default();
        let reading = slot.lock();
        // Read by the search this one waited for.
        if let Some(c) = held() {
            return Ok(c);
        }
        let built = SegmentColumns::build(reader).map(Arc::new);
        if let (Ok(built), Ok(mut m)) = (&built, self.map.lock()) {
            m.insert(id, Arc::clone(built));
        }
        drop(reading);
        if let Ok(mut r) = self.reading.lock() {
            r.remove(&id);
        }
        built
    }

    /// The corpus's facet counts for the index state `key`, when kept.
    pub(super) fn corpus(&self, key: &CorpusKey) -> Option<Arc<Facets>> {
        let held = self.corpus.lock().ok()?;
        held.as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, f)| Arc::clone(f))
    }

    /// Keeps the corpus's facet counts of the index state `key` (replacing older ones).
    pub(super) fn set_corpus(&self, key: CorpusKey, facets: Arc<Facets>) {
        if let Ok(mut held) = self.corpus.lock() {
            *held = Some((key, facets));
        }
    }

    /// Global dictionaries covering the `needed` segments: those kept when they do, else built
    /// anew over the needed segments and every segment with columns held.
    pub(super) fn dictionaries(
        &self,
        needed: &[(SegmentId, &SegmentColumns)],
    ) -> Arc<Dictionaries> {
        let held = self.dictionaries.lock().ok().and_then(|d| d.clone());
        if let Some(d) = held.filter(|d| needed.iter().all(|(id, _)| d.covers(id))) {
            return d;
        }
        let others: Vec<(SegmentId, Arc<SegmentColumns>)> = self
            .map
            .lock()
            .map(|m| m.iter().map(|(id, c)| (*id, Arc::clone(c))).collect())
            .unwrap_or_default();
        let mut all: Vec<(SegmentId, &SegmentColumns)> = needed.to_vec();
        all.extend(
            others
                .iter()
                .filter(|(id, _)| !needed.iter().any(|(n, _)| n == id))
                .map(|(id, c)| (*id, c.as_ref())),
        );
        let built = Arc::new(Dictionaries::build(&all));
        if let Ok(mut slot) = self.dictionaries.lock() {
            *slot = Some(Arc::clone(&built));
        }
        built
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_split() {
        assert_eq!(split_facet(b"school_heads\0X"), ("school_heads", Some("X")));
        assert_eq!(split_facet(b"other"), ("other", None));
    }

    #[test]
    fn year_slots() {
        assert_eq!(year_slot(NONE), YEAR_NONE);
        assert_eq!(year_slot(YEAR_BASE + 221), 221);
        assert_eq!(year_slot(1066), YEAR_OTHER);
    }
}
