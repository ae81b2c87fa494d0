//! Filters and disjunctive facet counts on the real seeds, under many filter combinations, and
//! the equivalence of answers served from the match cache with answers computed afresh.
//!
//! Facet counts and totals are computed by different code (counts over intersections of the
//! other filters; totals from the hits), so checking one against the other is a real check.

use chrono::NaiveDate;
use edusearch::index::EntryIndex;
use edusearch::search::params::{Pairs, request};
use edusearch::search::{FacetCount, SearchRequest, SearchResponse, SortOrder};
use edusearch::vocabulary::{Endpoint, Facet};

fn seeds_index(dir: &std::path::Path, match_cache: usize) -> EntryIndex {
    let mut idx = EntryIndex::open_or_build_seeds(dir).expect("index of the seeds");
    // Every query's matches are kept (the seeds are too small for any to be costly).
    idx.set_match_cache(match_cache, std::time::Duration::ZERO);
    idx
}

/// A small deterministic generator (no dependency, same sequence on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The filter value a facet value stands for (`/role/name` → name, `/role` → role).
fn addressee_filter(value: &str) -> String {
    let key = value.trim_start_matches('/');
    match key.split_once('/') {
        Some((_, name)) => name.to_string(),
        None => key.to_string(),
    }
}

/// The request filtering by the single facet value `value` (through the facet's parameter).
fn only(facet: Facet, value: &str) -> SearchRequest {
    let value = match facet {
        Facet::Addressee => addressee_filter(value),
        _ => value.to_owned(),
    };
    let pairs = Pairs(vec![(facet.param().name().to_owned(), value)]);
    request(&pairs, Endpoint::Search).expect("a facet value is a valid filter")
}

/// `req` with the filter of `facet` replaced by the single value `value`.
fn with_only(req: &SearchRequest, facet: Facet, value: &str) -> SearchRequest {
    let mut r = req.clone();
    let one = only(facet, value);
    match facet {
        Facet::Addressee => r.addressee = one.addressee,
        Facet::Year => {
            r.year = one.year;
            r.year_from = None;
            r.year_to = None;
        }
        Facet::Topic => r.topic = one.topic,
        Facet::Level => r.level = one.level,
        Facet::Kind => r.kind = one.kind,
        Facet::Region => r.region = one.region,
        Facet::EntryType => r.entry_type = one.entry_type,
    }
    r
}

fn facets_of(resp: &SearchResponse) -> Vec<(Facet, &[FacetCount])> {
    Facet::ALL
        .iter()
        .map(|&f| (f, resp.facets.get(f)))
        .collect()
}

/// A request with a random mix of filters taken from the corpus facets.
fn random_request(rng: &mut Lcg, corpus: &SearchResponse) -> SearchRequest {
    let queries = [
        "",
        "обеспечить",
        "педагогов",
        "наставничество",
        "\"функциональной грамотности\"",
        "обеспечить -школ",
    ];
    let values = |v: &[FacetCount]| v.iter().map(|f| f.value.clone()).collect::<Vec<_>>();
    let mut r = SearchRequest {
        q: rng.pick(&queries).to_string(),
        limit: 10,
        ..SearchRequest::default()
    };
    for (dim, facet) in facets_of(corpus) {
        if facet.is_empty() || !rng.chance(35) {
            continue;
        }
        let vals = values(facet);
        let n = if rng.chance(25) { 2 } else { 1 };
        for _ in 0..n {
            let v = rng.pick(&vals).clone();
            let one = only(dim, &v);
            r.addressee.extend(one.addressee);
            r.year.extend(one.year);
            r.topic.extend(one.topic);
            r.level.extend(one.level);
            r.kind.extend(one.kind);
            r.region.extend(one.region);
            r.entry_type.extend(one.entry_type);
        }
    }
    if rng.chance(20) {
        r.deadline_before = NaiveDate::from_ymd_opt(2022, 1, 1);
    }
    if rng.chance(15) {
        r.year_from = Some(2020);
    }
    r.sort = *rng.pick(&[
        SortOrder::Relevance,
        SortOrder::Relevance,
        SortOrder::Date,
        SortOrder::Deadline,
    ]);
    r
}

fn dim_filtered(req: &SearchRequest, facet: Facet) -> bool {
    match facet {
        Facet::Addressee => !req.addressee.is_empty(),
        Facet::Year => !req.year.is_empty() || req.year_from.is_some() || req.year_to.is_some(),
        Facet::Topic => !req.topic.is_empty(),
        Facet::Level => !req.level.is_empty(),
        Facet::Kind => !req.kind.is_empty(),
        Facet::Region => !req.region.is_empty(),
        Facet::EntryType => !req.entry_type.is_empty(),
    }
}

#[test]
fn disjunctive_counts_equal_totals_of_the_narrowed_search() {
    let dir = tempfile::tempdir().unwrap();
    let idx = seeds_index(dir.path(), 32 << 20);
    let corpus = idx.search(&SearchRequest::default()).unwrap();
    assert!(corpus.total > 600, "seeds have ~700 entries");
    let mut rng = Lcg(20_261_123);
    let mut checked = 0;
    for _ in 0..40 {
        let r = random_request(&mut rng, &corpus);
        let resp = idx.search(&r).unwrap();
        for (dim, counts) in facets_of(&resp) {
            // Each facet is counted with every filter but its own: the count of a value is the
            // total of the search with that dimension's filter replaced by this one value.
            for fc in counts.iter().take(4) {
                // A year value replaces the whole year filter (set and bounds).
                let narrowed = with_only(&r, dim, &fc.value);
                let total = idx.search(&narrowed).unwrap().total;
                assert_eq!(total, fc.count, "{dim}={} under {r:?}", fc.value);
                checked += 1;
            }
            if !dim_filtered(&r, dim) && dim != Facet::Addressee && dim != Facet::Year {
                // Single-valued dimensions without a filter partition the hits.
                let sum: u64 = counts.iter().map(|f| f.count).sum();
                assert!(
                    sum <= resp.total,
                    "{dim} counts exceed the total under {r:?}"
                );
            }
        }
    }
    assert!(checked > 200, "only {checked} facet values checked");
}

#[test]
fn answers_from_the_match_cache_equal_fresh_answers() {
    let dir = tempfile::tempdir().unwrap();
    let cached = seeds_index(dir.path(), 32 << 20);
    let fresh = seeds_index(dir.path(), 0);
    let corpus = fresh.search(&SearchRequest::default()).unwrap();
    let mut rng = Lcg(7);
    for round in 0..60 {
        let mut r = random_request(&mut rng, &corpus);
        r.offset = *rng.pick(&[0, 0, 5, 30]);
        // Every request twice on the cached index: the second is served from kept matches,
        // orders and counts.
        let first = cached.search(&r).unwrap();
        let again = cached.search(&r).unwrap();
        let expected = fresh.search(&r).unwrap();
        for got in [&first, &again] {
            assert_eq!(got.total, expected.total, "round {round}: {r:?}");
            assert_eq!(got.facets, expected.facets, "round {round}: {r:?}");
            let ids = |s: &SearchResponse| {
                s.hits
                    .iter()
                    .map(|h| h.entry.id.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(got), ids(&expected), "round {round}: {r:?}");
        }
    }
}

#[test]
fn cached_matches_follow_reindexing() {
    let dir = tempfile::tempdir().unwrap();
    let mut idx = seeds_index(dir.path(), 32 << 20);
    let r = SearchRequest {
        q: "наставничество".to_string(),
        year: vec![2021],
        limit: 100,
        ..SearchRequest::default()
    };
    let before = idx.search(&r).unwrap();
    assert!(before.total > 0 && before.total <= 100, "{}", before.total);
    // Index a copy of the document with the best hit under a new id: its matching entries
    // are found twice, although the query's matches were cached before.
    let source = before.hits[0].entry.doc_id.clone();
    let in_source = before
        .hits
        .iter()
        .filter(|h| h.entry.doc_id == source)
        .count() as u64;
    let mut copy = edusearch::pipeline::embedded_seeds()
        .iter()
        .map(edusearch::pipeline::parse_source)
        .find(|d| d.meta.doc_id == source)
        .expect("the document of the hit");
    let copied_id = format!("{source}-copy");
    copy.meta.doc_id = copied_id.clone();
    for e in &mut copy.entries {
        e.doc_id = copied_id.clone();
        e.id = format!("{copied_id}/{}", e.id);
    }
    idx.add_documents(&[copy]).unwrap();
    let after = idx.search(&r).unwrap();
    assert_eq!(after.total, before.total + in_source);
    let copied = after
        .hits
        .iter()
        .filter(|h| h.entry.doc_id == copied_id)
        .count() as u64;
    assert_eq!(copied, in_source);
}
