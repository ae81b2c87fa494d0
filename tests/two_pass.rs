//! The two-pass search (unscored counts, ranked candidates) against the exhaustive path (every
//! match scored, the page cut from all of them): on random queries, filter mixes, sorts and
//! pages over the seeds plus a corpus generated from them, totals and facet counts are
//! identical; pages are identical wherever the two-pass page is exact by construction (date and
//! deadline orders, hits not more than the candidates) and agree closely where a first ranking
//! chose the candidates. Narrow filters are pushed into the matching (several filters with facet
//! counts, any filter without), which must not change a count either.

use chrono::{Datelike, NaiveDate};
use edusearch::index::EntryIndex;
use edusearch::model::{DocKind, Document, EntryType, Level};
use edusearch::search::{SearchRequest, SearchResponse, SortOrder};

/// Deterministic pseudo-random numbers (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

const REGIONS: [&str; 6] = [
    "Саратовская область",
    "Тверская область",
    "Пермский край",
    "Республика Татарстан",
    "Москва",
    "Новосибирская область",
];

/// The seed documents, parsed.
fn seeds() -> Vec<Document> {
    edusearch::pipeline::embedded_seeds()
        .iter()
        .map(edusearch::pipeline::parse_source)
        .collect()
}

/// A variant of a seed document: another id, year, date, region, kind and level, entries with
/// some words dropped, some addressees and deadlines changed.
fn variant(doc: &Document, v: usize, rng: &mut Rng) -> Document {
    let mut d = doc.clone();
    let id = format!("{}-v{v}", doc.meta.doc_id);
    let shift = (v % 9) as i32 - 4;
    d.meta.doc_id = id.clone();
    d.meta.year = doc.meta.year.map(|y| y + shift);
    d.meta.date = doc
        .meta
        .date
        .and_then(|date| date.with_year(date.year() + shift));
    d.meta.region = rng.pick(&REGIONS).map(|r| (*r).to_string());
    d.meta.kind = *rng.pick(DocKind::ALL).unwrap_or(&d.meta.kind);
    d.meta.level = *rng.pick(Level::ALL).unwrap_or(&d.meta.level);
    for e in &mut d.entries {
        e.id = e.id.replacen(&doc.meta.doc_id, &id, 1);
        e.doc_id = id.clone();
        (e.year, e.date, e.region) = (d.meta.year, d.meta.date, d.meta.region.clone());
        (e.kind, e.level) = (d.meta.kind, d.meta.level);
        let words: Vec<&str> = e.text.split_whitespace().collect();
        let kept: Vec<&str> = words.into_iter().filter(|_| !rng.chance(15)).collect();
        if !kept.is_empty() {
            e.text = kept.join(" ");
        }
        if rng.chance(20) && !e.addressees.is_empty() {
            e.addressees.remove(rng.below(e.addressees.len()));
        }
        if rng.chance(30) {
            e.deadline = NaiveDate::from_ymd_opt(2020 + rng.below(6) as i32, 1, 1)
                .and_then(|day| day.checked_add_days(chrono::Days::new(rng.below(365) as u64)));
        }
        if rng.chance(10) {
            e.entry_type = *rng.pick(EntryType::ALL).unwrap_or(&e.entry_type);
        }
    }
    d
}

/// An index of the seeds and `variants` variants of each, in a temporary folder.
fn corpus(variants: usize) -> (tempfile::TempDir, Vec<Document>) {
    let dir = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let mut rng = Rng(0x5eed_0015);
    let mut docs = seeds.clone();
    for v in 0..variants {
        docs.extend(seeds.iter().map(|s| variant(s, v, &mut rng)));
    }
    let mut idx = EntryIndex::create(dir.path(), true).unwrap();
    idx.add_documents(&docs).unwrap();
    (dir, docs)
}

/// A random query: words of an entry, sometimes a phrase or an excluded word.
fn random_query(docs: &[Document], rng: &mut Rng) -> String {
    let doc = &docs[rng.below(docs.len())];
    let Some(entry) = rng.pick(&doc.entries) else {
        return String::new();
    };
    let words: Vec<String> = entry
        .text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| w.chars().count() >= 4)
        .collect();
    if words.is_empty() {
        return String::new();
    }
    let n = 1 + rng.below(4);
    let start = rng.below(words.len());
    let mut q: Vec<String> = words.iter().skip(start).take(n).cloned().collect();
    if rng.chance(10) && words.len() >= 2 {
        let i = rng.below(words.len() - 1);
        q.push(format!("\"{} {}\"", words[i], words[i + 1]));
    }
    if rng.chance(10)
        && let Some(w) = rng.pick(&words)
    {
        q.push(format!("-{w}"));
    }
    q.join(" ")
}

/// Random filters from the corpus's own facet values, a sort and a page.
fn random_request(q: String, facets: &edusearch::search::Facets, rng: &mut Rng) -> SearchRequest {
    let mut req = SearchRequest {
        q,
        limit: 10,
        ..SearchRequest::default()
    };
    let value = |v: &[edusearch::search::FacetCount], rng: &mut Rng| {
        rng.pick(v).map(|f| f.value.clone()).unwrap_or_default()
    };
    if rng.chance(25) {
        let a = value(&facets.addressee, rng);
        // `/role` filters by the role, `/role/name` by the name.
        let name = a.rsplit('/').next().unwrap_or_default().to_string();
        req.addressee.push(name);
    }
    if rng.chance(25) {
        req.year
            .push(value(&facets.year, rng).parse().unwrap_or(2020));
    }
    if rng.chance(15) {
        req.year_from = Some(2016 + rng.below(6) as i32);
    }
    if rng.chance(20) {
        req.topic.push(value(&facets.topic, rng));
    }
    if rng.chance(20) {
        req.region.push(value(&facets.region, rng));
    }
    if rng.chance(20) {
        req.kind.extend(rng.pick(DocKind::ALL).copied());
    }
    if rng.chance(15) {
        req.level.extend(rng.pick(Level::ALL).copied());
    }
    if rng.chance(20) {
        req.entry_type.extend(rng.pick(EntryType::ALL).copied());
    }
    if rng.chance(10) {
        req.deadline_before = NaiveDate::from_ymd_opt(2021 + rng.below(5) as i32, 6, 1);
    }
    req.sort = match rng.below(10) {
        0 => SortOrder::Date,
        1 => SortOrder::Deadline,
        _ => SortOrder::Relevance,
    };
    if rng.chance(20) {
        req.offset = 10 * rng.below(3);
    }
    req
}

fn ids(r: &SearchResponse) -> Vec<&str> {
    r.hits.iter().map(|h| h.entry.id.as_str()).collect()
}

/// Same counts always; the same page (ids and scores) when `exact`.
fn compare(req: &SearchRequest, got: &SearchResponse, want: &SearchResponse, exact: bool) {
    assert_eq!(got.total, want.total, "total of {req:?}");
    assert_eq!(got.facets, want.facets, "facets of {req:?}");
    if exact {
        assert_eq!(ids(got), ids(want), "page of {req:?}");
        let scores = |r: &SearchResponse| r.hits.iter().map(|h| h.score).collect::<Vec<_>>();
        assert_eq!(scores(got), scores(want), "scores of {req:?}");
    } else {
        assert_eq!(got.hits.len(), want.hits.len(), "page length of {req:?}");
    }
}

/// Shares of the exhaustive first page found on the two-pass first page.
fn overlap(got: &SearchResponse, want: &SearchResponse) -> f64 {
    let want = ids(want);
    if want.is_empty() {
        return 1.0;
    }
    let found = ids(got).iter().filter(|id| want.contains(id)).count();
    found as f64 / want.len() as f64
}

#[test]
fn two_pass_counts_and_pages_match_the_exhaustive_path() {
    let (dir, docs) = corpus(30);
    // Few candidates, so that the first ranking is used on this small corpus too.
    let rerank = 40;
    let mut fast = EntryIndex::open(dir.path()).unwrap();
    fast.set_rerank(rerank);
    // The same search on the index's threads (segments, and counting beside ranking), as a
    // search alone with many matches runs: the same answers.
    let mut split = EntryIndex::open(dir.path()).unwrap();
    split.set_rerank(rerank);
    split.set_parallel_from(0);
    let mut slow = EntryIndex::open(dir.path()).unwrap();
    slow.set_exhaustive(true);
    let facets = slow.facets().unwrap();
    let mut rng = Rng(0x15_0015);
    let (mut approximate, mut overlaps) = (0, Vec::new());
    for _ in 0..300 {
        let q = random_query(&docs, &mut rng);
        let mut req = random_request(q, &facets, &mut rng);
        req.skip_facets = rng.chance(30);
        let (got, want) = (fast.search(&req).unwrap(), slow.search(&req).unwrap());
        let exact = req.sort != SortOrder::Relevance || got.total as usize <= rerank;
        compare(&req, &got, &want, exact);
        compare(&req, &split.search(&req).unwrap(), &got, true);
        if !exact {
            approximate += 1;
            if req.offset == 0 {
                overlaps.push(overlap(&got, &want));
            }
        }
    }
    assert!(
        approximate >= 30,
        "only {approximate} requests used the first ranking"
    );
    let mean = overlaps.iter().sum::<f64>() / overlaps.len().max(1) as f64;
    let whole = overlaps.iter().filter(|&&o| o == 1.0).count();
    eprintln!(
        "{approximate} of 300 requests ranked from candidates; first pages: mean overlap {mean:.3}, \
         {whole} of {} identical sets",
        overlaps.len()
    );
    assert!(
        mean >= 0.9,
        "first pages share {mean:.3} of their entries with the exhaustive ones"
    );
}

#[test]
fn with_enough_candidates_pages_are_the_exhaustive_ones() {
    let (dir, docs) = corpus(4);
    let mut fast = EntryIndex::open(dir.path()).unwrap();
    fast.set_rerank(100_000);
    let mut slow = EntryIndex::open(dir.path()).unwrap();
    slow.set_exhaustive(true);
    let facets = slow.facets().unwrap();
    let mut rng = Rng(0xfeed_0015);
    for _ in 0..150 {
        let q = random_query(&docs, &mut rng);
        let mut req = random_request(q, &facets, &mut rng);
        req.skip_facets = rng.chance(20);
        compare(
            &req,
            &fast.search(&req).unwrap(),
            &slow.search(&req).unwrap(),
            true,
        );
    }
}

/// Counts through complements (a set holding most live entries is counted as the live entries
/// minus the rest), the corpus's counts kept per index state and browsing from the live entries
/// (no query run) stay exact after deletes: the same counts (and browsing pages) as the
/// reference path, which matches with a query and counts every entry one by one, for broad and
/// empty queries alike, before and after documents are removed.
#[test]
fn counts_stay_exact_when_documents_are_removed() {
    let (dir, docs) = corpus(6);
    let mut fast = EntryIndex::open(dir.path()).unwrap();
    let mut rng = Rng(0xde1e_7e15);
    let requests = |facets: &edusearch::search::Facets, rng: &mut Rng| -> Vec<SearchRequest> {
        let mut out = Vec::new();
        for i in 0..60 {
            // Empty queries (browsing: the corpus's counts) and the broadest words.
            let q = match i % 3 {
                0 => String::new(),
                1 => "обеспечить образование".to_string(),
                _ => random_query(&docs, rng),
            };
            out.push(random_request(q, facets, rng));
        }
        out
    };
    let check = |fast: &EntryIndex, rng: &mut Rng| {
        let mut slow = EntryIndex::open(dir.path()).unwrap();
        slow.set_exhaustive(true);
        let facets = slow.facets().unwrap();
        assert_eq!(fast.facets().unwrap(), facets, "the corpus's counts");
        for req in requests(&facets, rng) {
            let (got, want) = (fast.search(&req).unwrap(), slow.search(&req).unwrap());
            assert_eq!(got.total, want.total, "total of {req:?}");
            assert_eq!(got.facets, want.facets, "facets of {req:?}");
            // Browsing needs no score: its pages (document order, or by date) are exact.
            if req.q.is_empty() {
                assert_eq!(ids(&got), ids(&want), "page of {req:?}");
            }
        }
        facets
    };
    let before = check(&fast, &mut rng);
    let mut writer = fast.writer().unwrap();
    for doc in docs.iter().step_by(5) {
        writer.remove(&doc.meta.doc_id);
    }
    writer.commit().unwrap();
    let after = check(&fast, &mut rng);
    assert_ne!(
        before, after,
        "removing documents changes the corpus's counts"
    );
}

/// Queries whose words have thesaurus alternatives of two words or more.
const THESAURUS_QUERIES: &[&str] = &[
    "школа",
    "школ",
    "ВСОКО",
    "детей с ОВЗ",
    "родителей",
    "рабочие программы воспитания",
    "наставничество молодых педагогов",
    "дополнительное образование",
    "педагогов школ",
];

#[test]
fn expressions_found_while_indexing_match_as_their_phrases_do() {
    let (dir, docs) = corpus(10);
    let marker = dir.path().join("edusearch-expressions");
    assert!(marker.is_file(), "a built index records its expressions");
    // The alternative «общеобразовательная организация» of «школа» was found in the entries.
    let raw = tantivy::Index::open_in_dir(dir.path()).unwrap();
    let expr = raw.schema().get_field("expr").unwrap();
    let searcher = raw.reader().unwrap().searcher();
    let key = tantivy::Term::from_field_text(expr, "общеобразовательн организац~1");
    let school_entries = searcher.doc_freq(&key).unwrap();
    assert!(school_entries > 0, "no entry has the expression");
    let requests: Vec<SearchRequest> = THESAURUS_QUERIES
        .iter()
        .map(|q| SearchRequest {
            q: q.to_string(),
            limit: 20,
            ..SearchRequest::default()
        })
        .collect();
    let with = EntryIndex::open(dir.path()).unwrap();
    let found: Vec<SearchResponse> = requests.iter().map(|r| with.search(r).unwrap()).collect();
    assert!(found.iter().all(|r| r.total > 0));
    // Without the record the same entries are searched for the phrases by their positions:
    // the same totals, counts, pages and scores.
    std::fs::remove_file(&marker).unwrap();
    let without = EntryIndex::open(dir.path()).unwrap();
    for (req, got) in requests.iter().zip(&found) {
        compare(req, got, &without.search(req).unwrap(), true);
    }
    // A document added while no record speaks for the index leaves it unrecorded (its entries
    // were indexed without the expressions) and is found through the phrase.
    let mut idx = without;
    let mut doc = docs[0].clone();
    doc.meta.doc_id = "added".into();
    for (n, e) in doc.entries.iter_mut().enumerate() {
        e.doc_id = "added".into();
        e.id = format!("added/e{n}");
        e.text = "Обеспечить методическую поддержку общеобразовательных организаций района".into();
    }
    let added = doc.entries.len();
    let added_doc = doc.clone();
    idx.add_documents(&[doc]).unwrap();
    assert!(
        !marker.exists(),
        "an index with entries lacking expressions stays unrecorded"
    );
    let school = SearchRequest {
        q: "школа".into(),
        limit: 20,
        ..SearchRequest::default()
    };
    let after = idx.search(&school).unwrap();
    assert_eq!(after.total, found[0].total + added as u64);
    // Rebuilt, the index is recorded again.
    let mut rebuilt = EntryIndex::create(dir.path(), true).unwrap();
    rebuilt.add_documents(&docs).unwrap();
    assert!(marker.is_file(), "a rebuilt index records its expressions");
    compare(&school, &rebuilt.search(&school).unwrap(), &found[0], true);
    // A document added to a recorded index has its expressions found too.
    rebuilt.add_documents(&[added_doc]).unwrap();
    assert!(
        marker.is_file(),
        "adding to a recorded index keeps the record"
    );
    let after = rebuilt.search(&school).unwrap();
    assert_eq!(after.total, found[0].total + added as u64);
    let raw = tantivy::Index::open_in_dir(dir.path()).unwrap();
    let with_added = raw.reader().unwrap().searcher().doc_freq(&key).unwrap();
    assert_eq!(with_added, school_entries + added as u64);
}
