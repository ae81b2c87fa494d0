//! Evaluation of a [`Plan`] on one segment's matches.
//!
//! Filters are bitsets of the entries passing them, computed once per segment and filter and
//! kept ([`SegmentColumns::filter_bits`]); the matches are a bitset too. The hits are the
//! intersection of all of them; the disjunctive count of a filtered dimension runs over the
//! matches passing every *other* filter (each facet counted with every filter but its own,
//! without one query per facet). Counting then touches only the entries that are counted.

use std::borrow::Cow;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use fixedbitset::FixedBitSet;
use tantivy::DocId;

use super::columns::{Row, RowCounter, SMALL_NONE, SegmentColumns, YEAR_NONE, YEAR_OTHER};
use super::matches::SegmentMatches;
use super::{
    ALL_DIMS, AddresseeFilter, Candidate, D_ADDRESSEE, D_TOPIC, D_YEAR, Filters, HeapItem, Plan,
    Ranking, YEAR_SLOTS, candidate, value_of,
};
use crate::model::Role;
use tantivy::SegmentReader;

/// What one segment produced.
pub(super) struct SegmentFruit {
    pub(super) total: u64,
    /// Counts by segment ordinal (`None` when facets are not counted).
    pub(super) facets: Option<Counters>,
    pub(super) top: Vec<Candidate>,
    /// The matches passing every filter (empty unless [`Plan::rank_later`]).
    pub(super) hits: FixedBitSet,
}

/// One active filter on a segment: the facet dimension it filters (`None` for the deadline,
/// which is not a facet) and the entries passing it.
struct ActiveFilter {
    dim: Option<usize>,
    bits: Arc<FixedBitSet>,
}

/// The live entries of a segment and their counts in every dimension, for one state of its
/// deletes: a set of more than half of them is counted through its complement (the live
/// entries outside it, subtracted from these counts), so a broad query costs what a narrow one
/// does.
#[derive(Debug)]
pub(super) struct Alive {
    /// Deleted entries of the segment when computed (deletes only grow within a segment, so
    /// the number identifies the state).
    pub(super) deleted: u32,
    /// The live entries.
    pub(super) bits: FixedBitSet,
    /// How many there are.
    pub(super) count: usize,
    /// Their counts in every dimension.
    pub(super) counts: Counters,
}

impl Alive {
    /// The live entries of the segment of `reader`, whose columns are `cols`, and their counts.
    pub(super) fn of(cols: &SegmentColumns, reader: &SegmentReader) -> Alive {
        let max = cols.max_doc();
        let mut bits = FixedBitSet::with_capacity(max);
        match reader.alive_bitset() {
            Some(alive) => (0..max)
                .filter(|&d| alive.is_alive(d as DocId))
                .for_each(|d| bits.insert(d)),
            None => bits.insert_range(..),
        }
        let mut counts = Counters::new(cols);
        counts.add_set(cols, None, &bits, ALL_DIMS, true);
        Alive {
            deleted: reader.num_deleted_docs(),
            count: bits.count_ones(..),
            bits,
            counts,
        }
    }
}

/// Evaluates `plan` on a segment's matches (`alive`: the segment's live entries, a superset of
/// them); the dimensions in `skip` are not counted (their counts come from elsewhere); `kept`
/// when the matches serve several requests.
pub(super) fn run(
    seg: &SegmentMatches,
    cols: &SegmentColumns,
    alive: &Alive,
    plan: Plan<'_>,
    skip: u8,
    kept: bool,
) -> SegmentFruit {
    let filters = active_filters(cols, plan.filters);
    let matched = &seg.bits;
    let hits = intersect(matched, filters.iter().map(|f| f.bits.as_ref()));
    let facets = if plan.count_facets {
        let base = (!plan.direct).then_some(alive);
        Some(count_facets(cols, base, matched, &hits, &filters, skip))
    } else {
        None
    };
    let top = if plan.k > 0 && !plan.rank_later {
        top(seg, cols, plan, &hits, kept)
    } else {
        Vec::new()
    };
    SegmentFruit {
        total: hits.count_ones(..) as u64,
        facets,
        top,
        hits: if plan.rank_later {
            hits.into_owned()
        } else {
            FixedBitSet::new()
        },
    }
}

/// The matches of a segment passing every filter of `filters`.
pub(super) fn hits(seg: &SegmentMatches, cols: &SegmentColumns, filters: &Filters) -> FixedBitSet {
    let active = active_filters(cols, filters);
    intersect(&seg.bits, active.iter().map(|f| f.bits.as_ref())).into_owned()
}

/// `base` intersected with every bitset of `others` (borrowed when there are none).
fn intersect<'a>(
    base: &'a FixedBitSet,
    others: impl Iterator<Item = &'a FixedBitSet>,
) -> Cow<'a, FixedBitSet> {
    let mut out = Cow::Borrowed(base);
    for bits in others {
        out.to_mut().intersect_with(bits);
    }
    out
}

/// The entries of a segment the counts of `filters` can need (see [`super::pushdown`]):
/// passing the deadline filter and failing at most one facet filter with facet counts, passing
/// every filter without; `None` when that is every entry.
pub(super) fn countable(
    cols: &SegmentColumns,
    filters: &Filters,
    count_facets: bool,
) -> Option<FixedBitSet> {
    let active = active_filters(cols, filters);
    let (facet, other): (Vec<&ActiveFilter>, Vec<&ActiveFilter>) =
        active.iter().partition(|f| f.dim.is_some());
    let mut out: Option<FixedBitSet> = None;
    let mut and = |bits: &FixedBitSet| match &mut out {
        Some(o) => o.intersect_with(bits),
        None => out = Some(bits.clone()),
    };
    for f in &other {
        and(&f.bits);
    }
    if !count_facets {
        facet.iter().for_each(|f| and(&f.bits));
    } else if facet.len() >= 2 {
        // Failing at most one: the union over each facet filter of all the others passed.
        let mut any = FixedBitSet::with_capacity(cols.max_doc());
        for skip in 0..facet.len() {
            let others = facet
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, f)| f.bits.as_ref());
            let mut iter = others;
            if let Some(first) = iter.next() {
                any.union_with(&intersect(first, iter));
            }
        }
        and(&any);
    }
    out
}

/// The bitsets of the filters set in `filters`.
fn active_filters(cols: &SegmentColumns, filters: &Filters) -> Vec<ActiveFilter> {
    let mut out = Vec::new();
    let mut add = |dim: Option<usize>, key: String, passes: &dyn Fn(DocId) -> bool| {
        out.push(ActiveFilter {
            dim,
            bits: cols.filter_bits(&key, dim, passes),
        });
    };
    if let Some(wanted) = &filters.addressee {
        let pass: Vec<bool> = (0..cols.addr_role.len())
            .map(|ord| {
                wanted.iter().any(|f| match f {
                    AddresseeFilter::Role(r) => cols.addr_role_id[ord] == *r,
                    AddresseeFilter::Canonical(c) => cols.addr_folded[ord] == *c,
                })
            })
            .collect();
        add(Some(D_ADDRESSEE), format!("a{wanted:?}"), &|d| {
            cols.addressees(d)
                .iter()
                .any(|&o| pass.get(o as usize).copied().unwrap_or(false))
        });
    }
    if filters.year_active() {
        let key = format!(
            "y{:?}{:?}{:?}",
            filters.years, filters.year_from, filters.year_to
        );
        add(Some(D_YEAR), key, &|d| {
            filters.year_passes(value_of(cols.year[d as usize]))
        });
    }
    for (i, wanted) in filters.strings.iter().enumerate() {
        let Some(wanted) = wanted else {
            continue;
        };
        let names = &cols.strs[i].names;
        let pass: Vec<bool> = names.iter().map(|n| wanted.contains(n)).collect();
        add(Some(D_TOPIC + i), format!("s{i}{wanted:?}"), &|d| {
            cols.row(d as usize)
                .and_then(|r| pass.get(r.str_ord(i) as usize))
                .copied()
                .unwrap_or(false)
        });
    }
    if filters.deadline_before.is_some() || filters.deadline_after.is_some() {
        let key = format!("d{:?}{:?}", filters.deadline_before, filters.deadline_after);
        add(None, key, &|d| {
            filters.deadline_passes(value_of(cols.deadline[d as usize]))
        });
    }
    out
}

/// Disjunctive counts: dimensions without a filter count the hits; a filtered dimension counts
/// the matches passing every other filter. Dimensions in `skip` are left at zero. With `alive`
/// (the segment's live entries), sets are counted run by run or through their complement; the
/// reference path (no `alive`) counts entry by entry.
fn count_facets(
    cols: &SegmentColumns,
    alive: Option<&Alive>,
    matched: &FixedBitSet,
    hits: &FixedBitSet,
    filters: &[ActiveFilter],
    skip: u8,
) -> Counters {
    let mut counters = Counters::new(cols);
    let filtered = filters
        .iter()
        .filter_map(|f| f.dim)
        .fold(0u8, |m, d| m | 1 << d);
    let over_hits = ALL_DIMS & !filtered & !skip;
    if over_hits != 0 {
        counters.add_set(cols, alive, hits, over_hits, alive.is_some());
    }
    for f in filters {
        let Some(dim) = f.dim.filter(|&d| skip & (1 << d) == 0) else {
            continue;
        };
        let others = filters
            .iter()
            .filter(|o| o.dim != Some(dim))
            .map(|o| o.bits.as_ref());
        counters.add_set(
            cols,
            alive,
            &intersect(matched, others),
            1 << dim,
            alive.is_some(),
        );
    }
    counters
}

/// The best `k` hits of the segment, best first: the first `k` of a kept order, or a bounded
/// heap over all hits.
fn top(
    seg: &SegmentMatches,
    cols: &SegmentColumns,
    plan: Plan<'_>,
    hits: &FixedBitSet,
    kept: bool,
) -> Vec<Candidate> {
    let (k, ranking) = (plan.k, plan.ranking);
    let docs = seg.docs();
    let passes = |i: usize| hits.contains(docs[i] as usize);
    let items: Vec<HeapItem> = match seg.ordered(ranking, cols, kept) {
        Some(order) => order
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| passes(i))
            .take(k)
            .map(|i| seg.item(i, ranking, cols))
            .collect(),
        None => {
            let mut heap: BinaryHeap<HeapItem> = BinaryHeap::with_capacity(k + 1);
            for i in (0..docs.len()).filter(|&i| passes(i)) {
                // In document order an entry of a later document than the worst kept cannot
                // enter a full heap: skipped before its key is made (browsing walks them all).
                if ranking == Ranking::DocOrder
                    && heap.len() >= k
                    && heap.peek().is_some_and(|worst| {
                        cols.doc.ords.get(docs[i] as usize).copied() > Some(worst.1)
                    })
                {
                    continue;
                }
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
        .map(|item| candidate(seg.segment, cols, item))
        .collect()
}

/// Which dimensions of a mask are counted, tested once per set rather than per entry.
struct Dims {
    addressee: bool,
    year: bool,
    /// Topic, level, kind, region, entry type.
    strs: [bool; 5],
}

impl Dims {
    fn of(mask: u8) -> Dims {
        let has = |dim: usize| mask & (1 << dim) != 0;
        Dims {
            addressee: has(D_ADDRESSEE),
            year: has(D_YEAR),
            strs: std::array::from_fn(|i| has(D_TOPIC + i)),
        }
    }
}

/// Whether `visits` entries are counted by rows ([`Counters::add_rows`]): when they are not
/// much fewer than the rows, whose counters are allocated and read once.
fn by_rows(cols: &SegmentColumns, visits: usize) -> bool {
    4 * visits >= cols.rows.len()
}

/// Entries counted together by [`Counters::add_batch`].
const BATCH: usize = 32;

/// Calls `f` with each entry of `set`, ascending.
fn for_each_one(set: &FixedBitSet, mut f: impl FnMut(DocId)) {
    let width = usize::BITS as usize;
    for (i, &block) in set.as_slice().iter().enumerate() {
        let mut rest = block;
        while rest != 0 {
            f((i * width + rest.trailing_zeros() as usize) as DocId);
            rest &= rest - 1;
        }
    }
}

/// Counts `n` entries of ordinal `ord` in `counts` (nothing when it is out of range).
fn bump_n(counts: &mut [u64], ord: u32, n: u64) {
    if let Some(c) = counts.get_mut(ord as usize) {
        *c += n;
    }
}

/// Counts `n` entries of a one-byte ordinal (nothing for [`SMALL_NONE`]).
fn bump_small(counts: &mut [u64], ord: u8, n: u64) {
    if ord != SMALL_NONE {
        bump_n(counts, u32::from(ord), n);
    }
}

/// Facet counters of one segment, by ordinal.
#[derive(Debug)]
pub(super) struct Counters {
    /// By addressee ordinal.
    pub(super) names: Vec<u64>,
    /// Entries with an addressee of the role, by index into [`Role::ALL`].
    pub(super) roles: [u64; Role::ALL.len()],
    /// By year slot (see [`super::YEAR_BASE`]).
    pub(super) years: Vec<u64>,
    /// Years outside the slots.
    pub(super) other_years: HashMap<i32, u64>,
    /// By ordinal of each string dimension.
    pub(super) strs: [Vec<u64>; 5],
    /// Entries by addressee set (see [`SegmentColumns::set_ords`]), not yet added to `names`
    /// and `roles` (see [`Counters::settle`]).
    sets: Vec<u64>,
}

impl Counters {
    pub(super) fn new(cols: &SegmentColumns) -> Self {
        Counters {
            names: vec![0; cols.addr_role.len()],
            roles: [0; Role::ALL.len()],
            years: vec![0; YEAR_SLOTS],
            other_years: HashMap::new(),
            strs: std::array::from_fn(|i| vec![0; cols.strs[i].names.len()]),
            sets: vec![0; cols.sets()],
        }
    }

    /// Adds the entries counted by addressee set to their addressees and roles: each
    /// `/role/name` of the set, and `/role` once per entry with an addressee of the role.
    fn settle(&mut self, cols: &SegmentColumns) {
        for (set, count) in self.sets.iter_mut().enumerate() {
            let n = std::mem::take(count);
            if n == 0 {
                continue;
            }
            let mut seen: u32 = 0;
            for &ord in cols.set(set as u32) {
                if let Some(c) = self.names.get_mut(ord as usize) {
                    *c += n;
                }
                if let Some(&r) = cols.addr_role.get(ord as usize)
                    && (r as usize) < Role::ALL.len()
                {
                    seen |= 1 << r;
                }
            }
            while seen != 0 {
                self.roles[seen.trailing_zeros() as usize] += n;
                seen &= seen - 1;
            }
        }
    }

    /// Counts the entries of `set` in the dimensions `dims`. With `runs`, a dimension with
    /// fewer runs of equal values than entries to visit is counted run by run (population
    /// counts of the runs' bits), and many entries by rows ([`Counters::add_rows`]); the others
    /// one entry at a time. When `alive` is given and `set` (a subset of it) holds more than
    /// half of it, the entries visited are the live ones outside `set`, subtracted from the
    /// counts of `alive`.
    fn add_set(
        &mut self,
        cols: &SegmentColumns,
        alive: Option<&Alive>,
        set: &FixedBitSet,
        dims: u8,
        runs: bool,
    ) {
        let n = set.count_ones(..);
        let complement = alive.filter(|a| 2 * n > a.count);
        let visits = complement.map_or(n, |a| a.count - n);
        let (mut by_runs, mut by_entry) = (0u8, 0u8);
        let mut rest = dims;
        while rest != 0 {
            let dim = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            // A run costs a few times what one dimension of an entry does (the entries'
            // dimensions are counted in one pass); a block of 64 entries about as much.
            if runs && 4 * cols.runs[dim].len() + set.as_slice().len() < visits {
                by_runs |= 1 << dim;
            } else {
                by_entry |= 1 << dim;
            }
        }
        // Counted by rows, every dimension costs the same pass over the entries.
        let rows = runs && by_rows(cols, visits);
        if by_entry != 0 && rows {
            (by_runs, by_entry) = (0, dims);
        }
        while by_runs != 0 {
            self.add_runs(cols, set, by_runs.trailing_zeros() as usize);
            by_runs &= by_runs - 1;
        }
        if by_entry != 0 {
            self.add_by_entry(cols, complement, set, by_entry, rows);
        }
        self.settle(cols);
    }

    /// Counts the entries of `set` in the dimensions `dims` one by one, or as the counts of
    /// `complement` minus those of its entries outside `set`.
    fn add_by_entry(
        &mut self,
        cols: &SegmentColumns,
        complement: Option<&Alive>,
        set: &FixedBitSet,
        dims: u8,
        rows: bool,
    ) {
        match complement {
            Some(alive) => {
                let mut rest = alive.bits.clone();
                rest.difference_with(set);
                let mut outside = Counters::new(cols);
                outside.add_entries(cols, &rest, dims, rows);
                outside.settle(cols);
                self.add_difference(dims, &alive.counts, &outside);
            }
            None => self.add_entries(cols, set, dims, rows),
        }
    }

    /// Counts each entry of `set` in the dimensions `dims` (the hot loop of counting: the
    /// bitset's blocks walked directly): with `rows` by rows, else one row read per entry, the
    /// dimensions' tests the same for every entry.
    fn add_entries(&mut self, cols: &SegmentColumns, set: &FixedBitSet, dims: u8, rows: bool) {
        if rows {
            return self.add_rows(cols, set, dims);
        }
        let some = Dims::of(dims);
        let mut batch = [0 as DocId; BATCH];
        let mut len = 0;
        for_each_one(set, |d| {
            if let Some(slot) = batch.get_mut(len) {
                *slot = d;
                len += 1;
            }
            if len == BATCH {
                self.add_batch(cols, &batch, dims, &some);
                len = 0;
            }
        });
        self.add_batch(cols, &batch[..len], dims, &some);
    }

    /// Counts the entries `docs` (at most [`BATCH`]) in the dimensions `dims`: their row
    /// numbers read first, then their rows, then the counts — each pass's loads independent of
    /// each other, so that their cache misses (the cost of counting a few entries scattered
    /// over a large segment) overlap instead of following each other.
    fn add_batch(&mut self, cols: &SegmentColumns, docs: &[DocId], dims: u8, some: &Dims) {
        let mut numbers = [u32::MAX; BATCH];
        for (n, &d) in numbers.iter_mut().zip(docs) {
            *n = cols.row_of.get(d as usize).copied().unwrap_or(u32::MAX);
        }
        let mut rows = [None; BATCH];
        for (row, &n) in rows.iter_mut().zip(&numbers[..docs.len()]) {
            *row = cols.rows.get(n as usize).copied();
        }
        for (row, &d) in rows.iter().zip(docs) {
            let Some(row) = row else { continue };
            match dims {
                ALL_DIMS => self.add_row(cols, row, d, 1),
                _ => self.add_row_in(cols, row, d, 1, some),
            }
        }
    }

    /// Counts the entries of `set` in the dimensions `dims` by rows: the entries of each
    /// distinct row counted first (the rows met listed as they are first met), then each row
    /// met counted once with that number.
    fn add_rows(&mut self, cols: &SegmentColumns, set: &FixedBitSet, dims: u8) {
        let mut table = cols.row_counter();
        let RowCounter { per_row, met } = &mut table;
        // Every entry's row is written at the end of `met`, which grows only when the row is
        // new: no branch to mispredict per entry.
        let mut len = 0;
        for_each_one(set, |d| {
            let Some(&r) = cols.row_of.get(d as usize) else {
                return;
            };
            if let (Some(n), Some(slot)) = (per_row.get_mut(r as usize), met.get_mut(len)) {
                *slot = r;
                len += usize::from(*n == 0);
                *n += 1;
            }
        });
        let some = Dims::of(dims);
        for &r in met.iter().take(len) {
            let r = r as usize;
            // Taken first: the counter goes back to the segment zeroed, whatever follows.
            let Some(n) = per_row.get_mut(r).map(std::mem::take) else {
                continue;
            };
            let n = u64::from(n);
            let (Some(row), Some(&d)) = (cols.rows.get(r), cols.row_entry.get(r)) else {
                continue;
            };
            match dims {
                ALL_DIMS => self.add_row(cols, row, d, n),
                _ => self.add_row_in(cols, row, d, n, &some),
            }
        }
        cols.return_row_counter(table);
    }

    /// Counts `n` entries holding `row` (entry `d` one of them) in the dimensions of `dims`.
    fn add_row_in(&mut self, cols: &SegmentColumns, row: &Row, d: DocId, n: u64, dims: &Dims) {
        if dims.addressee {
            bump_n(&mut self.sets, row.addr_set, n);
        }
        if dims.year {
            self.add_year(cols, row.year, d, n);
        }
        for (i, counts) in self.strs.iter_mut().enumerate() {
            if dims.strs[i] {
                bump_n(counts, row.str_ord(i), n);
            }
        }
    }

    /// Counts the entries of `set` in dimension `dim` run by run (see
    /// [`SegmentColumns::runs`]): each run's entries share one value, counted once with the
    /// number of the run's entries in `set`.
    fn add_runs(&mut self, cols: &SegmentColumns, set: &FixedBitSet, dim: usize) {
        let starts = &cols.runs[dim];
        let len = set.len();
        let ends = starts.iter().skip(1).map(|&e| e as usize);
        let counted = starts
            .iter()
            .map(|&s| s as usize)
            .zip(ends.chain([cols.max_doc()]))
            .zip(&cols.run_values[dim])
            .map(|((start, end), &value)| {
                let n = set.count_ones(start.min(len)..end.min(len)) as u64;
                (start, value, n)
            })
            .filter(|&(_, _, n)| n > 0);
        match dim {
            D_ADDRESSEE => {
                for (_, set, n) in counted {
                    bump_n(&mut self.sets, set, n);
                }
            }
            D_YEAR => {
                for (d, slot, n) in counted {
                    let slot = u16::try_from(slot).unwrap_or(YEAR_NONE);
                    self.add_year(cols, slot, d as DocId, n);
                }
            }
            _ => {
                let counts = &mut self.strs[dim - D_TOPIC];
                for (_, ord, n) in counted {
                    bump_n(counts, ord, n);
                }
            }
        }
    }

    /// Adds `base - minus` (`minus` counting a subset of what `base` counts) in the dimensions
    /// `dims`.
    fn add_difference(&mut self, dims: u8, base: &Counters, minus: &Counters) {
        fn add(acc: &mut [u64], base: &[u64], minus: &[u64]) {
            for ((a, &b), &m) in acc.iter_mut().zip(base).zip(minus) {
                *a += b.saturating_sub(m);
            }
        }
        let mut rest = dims;
        while rest != 0 {
            let dim = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            match dim {
                D_ADDRESSEE => {
                    add(&mut self.names, &base.names, &minus.names);
                    add(&mut self.roles, &base.roles, &minus.roles);
                }
                D_YEAR => {
                    add(&mut self.years, &base.years, &minus.years);
                    for (&y, &n) in &base.other_years {
                        let m = minus.other_years.get(&y).copied().unwrap_or(0);
                        if n > m {
                            *self.other_years.entry(y).or_insert(0) += n - m;
                        }
                    }
                }
                _ => {
                    let i = dim - D_TOPIC;
                    add(&mut self.strs[i], &base.strs[i], &minus.strs[i]);
                }
            }
        }
    }

    /// Counts `n` entries holding `row` (entry `d` one of them) in every dimension.
    fn add_row(&mut self, cols: &SegmentColumns, row: &Row, d: DocId, n: u64) {
        self.add_year(cols, row.year, d, n);
        // The row's fields directly (the hot loop of counting): "none" ordinals are past the
        // end of the counters (`NO_ORD`) or the one-byte `SMALL_NONE`.
        let [topic, level, kind, region, entry_type] = &mut self.strs;
        bump_n(topic, row.topic, n);
        bump_small(level, row.level, n);
        bump_small(kind, row.kind, n);
        bump_n(region, row.region, n);
        bump_small(entry_type, row.entry_type, n);
        bump_n(&mut self.sets, row.addr_set, n);
    }

    /// Counts `n` entries with the year of entry `d`, whose year slot is `slot`.
    fn add_year(&mut self, cols: &SegmentColumns, slot: u16, d: DocId, n: u64) {
        match slot {
            YEAR_NONE => {}
            YEAR_OTHER => {
                if let Some(&y) = cols.year.get(d as usize) {
                    *self.other_years.entry(y).or_insert(0) += n;
                }
            }
            slot => {
                if let Some(c) = self.years.get_mut(slot as usize) {
                    *c += n;
                }
            }
        }
    }
}
