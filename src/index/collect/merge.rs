//! Facet counts of several segments merged by global ordinals: each segment counts by its own
//! dictionary ordinals ([`Counters`]); the values of all segments are sorted once per index
//! state into global dictionaries ([`Dictionaries`]), each segment ordinal mapped to its global
//! one, so merging adds arrays and names only the values shown (at most
//! [`FACET_VALUES`] per facet), with no string hashed or copied per request.

use std::collections::HashMap;

use tantivy::index::SegmentId;

use super::columns::SegmentColumns;
use super::eval::Counters;
use super::{FACET_VALUES, YEAR_BASE};
use crate::model::Role;
use crate::search::{FacetCount, Facets};

/// Dictionaries: the addressee names (`/role/name`), then the five string dimensions.
const DICTS: usize = 6;
/// Global ordinal of a segment value that is not counted by name (a role-only addressee).
const NOT_NAMED: u32 = u32::MAX;

/// The sorted distinct values of every dictionary over a set of segments, and each segment's
/// ordinals mapped to them.
#[derive(Debug, Default)]
pub struct Dictionaries {
    values: [Vec<String>; DICTS],
    maps: HashMap<SegmentId, [Vec<u32>; DICTS]>,
}

/// The values of dictionary `k` of a segment by its ordinals (`None`: not counted by name).
fn local(cols: &SegmentColumns, k: usize) -> Vec<Option<&str>> {
    if k == 0 {
        cols.addr_display
            .iter()
            .zip(&cols.addr_folded)
            .map(|(display, folded)| (!folded.is_empty()).then_some(display.as_str()))
            .collect()
    } else {
        cols.strs[k - 1]
            .names
            .iter()
            .map(|n| Some(n.as_str()))
            .collect()
    }
}

impl Dictionaries {
    /// The dictionaries of `segments`.
    pub(super) fn build(segments: &[(SegmentId, &SegmentColumns)]) -> Self {
        let values: [Vec<String>; DICTS] = std::array::from_fn(|k| {
            let mut all: Vec<&str> = segments
                .iter()
                .flat_map(|(_, cols)| local(cols, k))
                .flatten()
                .collect();
            all.sort_unstable();
            all.dedup();
            all.into_iter().map(str::to_owned).collect()
        });
        let maps = segments
            .iter()
            .map(|(id, cols)| {
                let map = std::array::from_fn(|k| {
                    local(cols, k)
                        .into_iter()
                        .map(|v| {
                            v.and_then(|v| values[k].binary_search_by(|x| x.as_str().cmp(v)).ok())
                                .map_or(NOT_NAMED, |g| g as u32)
                        })
                        .collect()
                });
                (*id, map)
            })
            .collect();
        Dictionaries { values, maps }
    }

    /// Whether the dictionaries cover the segment `id`.
    pub(super) fn covers(&self, id: &SegmentId) -> bool {
        self.maps.contains_key(id)
    }
}

/// Counts of several segments by global ordinal.
pub(super) struct Totals<'d> {
    dicts: &'d Dictionaries,
    counts: [Vec<u64>; DICTS],
    roles: [u64; Role::ALL.len()],
    years: Vec<u64>,
    other_years: HashMap<i32, u64>,
}

impl<'d> Totals<'d> {
    /// Zero counts over `dicts`.
    pub(super) fn new(dicts: &'d Dictionaries) -> Self {
        Totals {
            dicts,
            counts: std::array::from_fn(|k| vec![0; dicts.values[k].len()]),
            roles: [0; Role::ALL.len()],
            years: Vec::new(),
            other_years: HashMap::new(),
        }
    }

    /// Adds the counts of segment `id` (which the dictionaries cover).
    pub(super) fn add(&mut self, id: &SegmentId, c: &Counters) {
        let Some(map) = self.dicts.maps.get(id) else {
            return;
        };
        for (k, local) in std::iter::once(&c.names).chain(&c.strs).enumerate() {
            for (ord, &n) in local.iter().enumerate().filter(|&(_, &n)| n > 0) {
                if let Some(&g) = map[k].get(ord).filter(|&&g| g != NOT_NAMED) {
                    self.counts[k][g as usize] += n;
                }
            }
        }
        for (acc, &n) in self.roles.iter_mut().zip(&c.roles) {
            *acc += n;
        }
        if self.years.len() < c.years.len() {
            self.years.resize(c.years.len(), 0);
        }
        for (acc, &n) in self.years.iter_mut().zip(&c.years) {
            *acc += n;
        }
        for (&y, &n) in &c.other_years {
            *self.other_years.entry(y).or_insert(0) += n;
        }
    }

    /// The facets: values by count (descending) then value, at most [`FACET_VALUES`] per facet;
    /// years by value, newest first; the addressee facet's role totals (`/role`) before its
    /// names.
    pub(super) fn facets(&self) -> Facets {
        let ranked = |k: usize| -> Vec<FacetCount> {
            let mut v: Vec<(u64, usize)> = self.counts[k]
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(|(g, &n)| (n, g))
                .collect();
            // Global ordinals are in value order: ties by ordinal are ties by value. The shown
            // values are picked first, only they are sorted (a facet may have thousands).
            let order = |a: &(u64, usize), b: &(u64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            if v.len() > FACET_VALUES {
                v.select_nth_unstable_by(FACET_VALUES - 1, order);
                v.truncate(FACET_VALUES);
            }
            v.sort_unstable_by(order);
            v.into_iter()
                .map(|(count, g)| FacetCount {
                    value: self.dicts.values[k][g].clone(),
                    count,
                })
                .collect()
        };
        let mut addressee: Vec<FacetCount> = Role::ALL
            .iter()
            .zip(self.roles)
            .filter(|&(_, n)| n > 0)
            .map(|(role, count)| FacetCount {
                value: format!("/{}", role.as_str()),
                count,
            })
            .collect();
        addressee.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        addressee.extend(ranked(0));
        let mut year: Vec<FacetCount> = self
            .years
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(slot, &count)| FacetCount {
                value: (YEAR_BASE + slot as i32).to_string(),
                count,
            })
            .chain(self.other_years.iter().map(|(y, &count)| FacetCount {
                value: y.to_string(),
                count,
            }))
            .collect();
        year.sort_by(|a, b| b.value.cmp(&a.value));
        year.truncate(FACET_VALUES);
        Facets {
            addressee,
            year,
            topic: ranked(1),
            level: ranked(2),
            kind: ranked(3),
            region: ranked(4),
            entry_type: ranked(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::collect::columns::StrValues;

    fn segment(topics: &[&str], addressees: &[(&str, &str)]) -> SegmentColumns {
        let mut cols = SegmentColumns::default();
        cols.strs[0] = StrValues {
            ords: Vec::new(),
            names: topics.iter().map(|t| t.to_string()).collect(),
        };
        for (role, name) in addressees {
            cols.addr_display.push(format!("/{role}/{name}"));
            cols.addr_folded.push(name.to_lowercase());
            cols.addr_role_id.push(role.to_string());
            cols.addr_role.push(0);
        }
        cols
    }

    #[test]
    fn counts_of_segments_merge_by_value_and_sort_by_count_then_value() {
        let a = segment(&["а", "в"], &[("school_heads", "Б")]);
        let b = segment(&["б", "в"], &[("other", "А"), ("school_heads", "Б")]);
        let (ia, ib) = (SegmentId::generate_random(), SegmentId::generate_random());
        let dicts = Dictionaries::build(&[(ia, &a), (ib, &b)]);
        let mut ca = Counters::new(&a);
        ca.strs[0] = vec![2, 1];
        ca.names = vec![1];
        let mut cb = Counters::new(&b);
        cb.strs[0] = vec![2, 2];
        cb.names = vec![3, 2];
        let mut totals = Totals::new(&dicts);
        totals.add(&ia, &ca);
        totals.add(&ib, &cb);
        let facets = totals.facets();
        let pairs = |v: &[FacetCount]| -> Vec<(String, u64)> {
            v.iter().map(|f| (f.value.clone(), f.count)).collect()
        };
        // «в» of both segments added; «а» and «б» tie and keep value order.
        assert_eq!(
            pairs(&facets.topic),
            [("в".into(), 3), ("а".into(), 2), ("б".into(), 2)]
        );
        assert_eq!(
            pairs(&facets.addressee),
            [("/other/А".into(), 3), ("/school_heads/Б".into(), 3)]
        );
    }

    /// Of many values, the shown ones are the first [`FACET_VALUES`] of all of them sorted by
    /// count, then value — many ties at the boundary included.
    #[test]
    fn the_values_shown_of_many_are_the_best_by_count_then_value() {
        let names: Vec<String> = (0..1000).map(|i| format!("тема {i:04}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let cols = segment(&refs, &[]);
        let id = SegmentId::generate_random();
        let dicts = Dictionaries::build(&[(id, &cols)]);
        let mut counts = Counters::new(&cols);
        // Counts 0..=6 spread over the values: a seventh of them tie at each count.
        counts.strs[0] = (0..1000u64).map(|i| (i * 7919) % 7).collect();
        let mut totals = Totals::new(&dicts);
        totals.add(&id, &counts);
        let shown: Vec<(String, u64)> = totals
            .facets()
            .topic
            .iter()
            .map(|f| (f.value.clone(), f.count))
            .collect();
        let mut all: Vec<(String, u64)> = names
            .iter()
            .cloned()
            .zip(counts.strs[0].iter().copied())
            .filter(|&(_, n)| n > 0)
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(FACET_VALUES);
        assert_eq!(shown, all);
    }
}
