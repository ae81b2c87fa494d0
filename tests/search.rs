//! Search behaviour: morphology, folding, phrases, odd tokens, facets, filters, hostile queries,
//! re-indexing. Runs on documents built here from sentences of the seeds.

use chrono::NaiveDate;
use edusearch::index::EntryIndex;
use edusearch::search::{SearchRequest, SortOrder};
use edusearch::{Addressee, DocKind, Document, DocumentMeta, Entry, EntryType, Level, Role};

struct Item<'a> {
    text: &'a str,
    topic: Option<&'a str>,
    kind: EntryType,
    addressees: &'a [(&'a str, Role)],
    deadline: Option<NaiveDate>,
}

fn item<'a>(text: &'a str, topic: Option<&'a str>, addressees: &'a [(&'a str, Role)]) -> Item<'a> {
    Item {
        text,
        topic,
        kind: if addressees.is_empty() {
            EntryType::Finding
        } else {
            EntryType::Recommendation
        },
        addressees,
        deadline: None,
    }
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn document(
    doc_id: &str,
    kind: DocKind,
    level: Level,
    day: Option<NaiveDate>,
    items: &[Item],
) -> Document {
    use chrono::Datelike;
    let meta = DocumentMeta {
        doc_id: doc_id.to_string(),
        title: format!("Документ {doc_id}"),
        kind,
        level,
        region: Some("Саратовская область".to_string()),
        municipality: None,
        date: day,
        year: day.map(|d| d.year()),
        number: None,
        source: format!("{doc_id}.txt"),
    };
    let entries = items
        .iter()
        .enumerate()
        .map(|(i, it)| Entry {
            id: format!("{doc_id}/e{i}"),
            doc_id: doc_id.to_string(),
            doc_title: meta.title.clone(),
            kind,
            level,
            region: meta.region.clone(),
            municipality: None,
            date: meta.date,
            year: meta.year,
            section: it.topic.map(str::to_string),
            topic: it.topic.map(str::to_string),
            entry_type: it.kind,
            number: Some((i + 1).to_string()),
            addressees: it
                .addressees
                .iter()
                .map(|(name, role)| Addressee {
                    raw: format!("{name} (raw)"),
                    canonical: name.to_string(),
                    role: *role,
                })
                .collect(),
            deadline: it.deadline,
            deadline_text: it.deadline.map(|d| format!("до {d}")),
            responsible: Vec::new(),
            context: None,
            text: it.text.to_string(),
            position: i as u32,
            block: Some((i / 3) as u32),
            block_title: Some(format!("Блок {}", i / 3)),
        })
        .collect();
    Document {
        meta,
        entries,
        warnings: Vec::new(),
    }
}

const MIN: (&str, Role) = (
    "Министерство образования Саратовской области",
    Role::RegionalAuthority,
);
const SCHOOLS: (&str, Role) = (
    "Руководители общеобразовательных организаций",
    Role::SchoolHeads,
);
const MMS: (&str, Role) = (
    "Муниципальная методическая служба",
    Role::MunicipalMethodService,
);

fn corpus() -> Vec<Document> {
    let t1 = Some("Качество образования");
    let t2 = Some("Воспитание и социализация");
    let a = document(
        "doc_a",
        DocKind::Resolution,
        Level::Regional,
        date(2021, 8, 27),
        &[
            item(
                "обеспечить реализацию Регионального стандарта оказания услуги по обеспечению горячим питанием обучающихся 1–4 классов государственных и муниципальных образовательных организаций",
                t1,
                &[MIN],
            ),
            item(
                "создать условия для сотрудничества школ с НОР, не вошедших в федеральный проект «500+», и успешных школ",
                t1,
                &[MIN, SCHOOLS],
            ),
            item(
                "организовать наставничество для молодых педагогов в первые три года работы",
                t1,
                &[SCHOOLS],
            ),
            item(
                "обобщить в 2021/2022 учебном году и разместить соответствующие материалы на сайтах органов местного самоуправления",
                t1,
                &[MMS],
            ),
            item(
                "реализация культурно-образовательного проекта «Культурный дневник школьника Саратовской области»",
                t2,
                &[SCHOOLS],
            ),
            item(
                "обеспечить реализацию проекта «Культурный дневник дошкольника Саратовской области»",
                t2,
                &[],
            ),
            item(
                "участники отметили, что культурный опыт школьника фиксируется в дневнике наблюдений",
                t2,
                &[],
            ),
        ],
    );
    let b = document(
        "doc_b",
        DocKind::Decision,
        Level::Municipal,
        date(2020, 8, 28),
        &[
            item(
                "провести новогодние ёлки для обучающихся начальных классов",
                t2,
                &[SCHOOLS],
            ),
            item("организовать елочный базар поделок", t2, &[MMS]),
            item(
                "разместить информацию о волонтёрских вакансиях в единой информационной системе dobro.ru",
                t2,
                &[MMS, SCHOOLS],
            ),
            item(
                "молодой педагог получает поддержку наставника",
                Some("Кадры"),
                &[],
            ),
            Item {
                deadline: date(2020, 10, 1),
                ..item(
                    "разработать дорожную карту по организации работы с общеобразовательными организациями с низкими образовательными результатами",
                    t1,
                    &[MMS],
                )
            },
            Item {
                deadline: date(2021, 3, 1),
                ..item(
                    "предотвращения буллинга и кибербуллинга среди сверстников",
                    t2,
                    &[SCHOOLS],
                )
            },
        ],
    );
    vec![a, b]
}

fn build(dir: &std::path::Path) -> EntryIndex {
    let mut idx = EntryIndex::create(dir, true).expect("create index");
    idx.add_documents(&corpus()).expect("index");
    idx
}

fn req(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.to_string(),
        limit: 20,
        ..SearchRequest::default()
    }
}

fn texts(idx: &EntryIndex, r: &SearchRequest) -> Vec<String> {
    idx.search(r)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.entry.text)
        .collect()
}

#[test]
fn morphology_finds_other_word_forms() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let hits = texts(&idx, &req("горячее питание"));
    assert!(hits[0].contains("горячим питанием"), "{hits:?}");
    let hits = texts(&idx, &req("молодой педагог"));
    assert!(
        hits.iter().any(|t| t.contains("молодых педагогов")),
        "{hits:?}"
    );
    // The exact word forms rank above the stem-only match.
    assert!(hits[0].contains("молодой педагог"), "{hits:?}");
}

#[test]
fn yo_and_e_fold_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    for q in ["ёлки", "елки", "Ёлочный", "елочный"] {
        let hits = texts(&idx, &req(q));
        assert!(!hits.is_empty(), "{q}");
    }
    let hits = texts(&idx, &req("волонтерских"));
    assert!(hits[0].contains("волонтёрских"), "{hits:?}");
    let resp = idx.search(&req("елки")).unwrap();
    assert!(
        resp.hits[0].snippet.contains("<mark>ёлки</mark>"),
        "{}",
        resp.hits[0].snippet
    );
}

#[test]
fn quoted_phrase_beats_scattered_words_and_excludes_near_misses() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let hits = texts(&idx, &req("\"Культурный дневник школьника\""));
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].contains("Культурный дневник школьника"));
    // Unquoted: the exact phrase first, the scattered words still found.
    let hits = texts(&idx, &req("культурный дневник школьника"));
    assert!(hits[0].contains("Культурный дневник школьника"), "{hits:?}");
    assert!(
        hits.iter().any(|t| t.contains("культурный опыт школьника")),
        "{hits:?}"
    );
}

#[test]
fn odd_tokens_are_findable() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    for (q, expected) in [
        ("1–4 классов", "1–4 классов"),
        ("1-4 классов", "1–4 классов"),
        ("500+", "«500+»"),
        ("2021/2022", "2021/2022"),
        ("dobro.ru", "dobro.ru"),
    ] {
        let hits = texts(&idx, &req(q));
        assert!(
            hits.first().is_some_and(|t| t.contains(expected)),
            "{q}: {hits:?}"
        );
    }
}

#[test]
fn one_missing_word_does_not_empty_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let hits = texts(&idx, &req("буллинг вымышленноеслово"));
    assert_eq!(hits.len(), 1);
    let hits = texts(&idx, &req("дорожная карта низкие результаты"));
    assert!(hits[0].contains("дорожную карту"), "{hits:?}");
}

#[test]
fn exclusion_removes_entries() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let all = texts(&idx, &req("культурный дневник"));
    let without = texts(&idx, &req("культурный дневник -дошкольника"));
    assert_eq!(without.len() + 1, all.len());
    assert!(without.iter().all(|t| !t.contains("дошкольника")));
    let only_excl = idx.search(&req("-дневник")).unwrap();
    assert_eq!(only_excl.total, 13 - 3);
}

#[test]
fn hostile_queries_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let long = "педагог ".repeat(700);
    for q in [
        "\"незакрытая кавычка",
        "title:(педагог*",
        "*",
        ":",
        "((((",
        "😀🎓",
        "-",
        "\"\"",
        "AND OR NOT",
        long.as_str(),
        "\u{0}\u{1}",
        "педагог~2^3",
    ] {
        let r = idx.search(&req(q));
        assert!(r.is_ok(), "{q:?}: {r:?}");
    }
}

#[test]
fn facet_counts_equal_filtered_totals() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    for q in ["", "обеспечить", "школ"] {
        let resp = idx.search(&req(q)).unwrap();
        assert!(resp.total > 0);
        for fc in &resp.facets.addressee {
            let key = fc.value.trim_start_matches('/');
            let filter = match key.split_once('/') {
                Some((_, name)) => name.to_string(),
                None => key.to_string(),
            };
            let r = SearchRequest {
                addressee: vec![filter],
                ..req(q)
            };
            assert_eq!(idx.search(&r).unwrap().total, fc.count, "{q} {}", fc.value);
        }
        for fc in &resp.facets.year {
            let r = SearchRequest {
                year: vec![fc.value.parse().unwrap()],
                ..req(q)
            };
            assert_eq!(idx.search(&r).unwrap().total, fc.count, "{q} {}", fc.value);
        }
        for fc in &resp.facets.topic {
            let r = SearchRequest {
                topic: vec![fc.value.clone()],
                ..req(q)
            };
            assert_eq!(idx.search(&r).unwrap().total, fc.count, "{q} {}", fc.value);
        }
        let sum: u64 = resp.facets.entry_type.iter().map(|f| f.count).sum();
        assert_eq!(sum, resp.total);
        let sum: u64 = resp.facets.kind.iter().map(|f| f.count).sum();
        assert_eq!(sum, resp.total);
    }
}

#[test]
fn filters_and_across_or_within_and_facets_are_disjunctive() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let schools = SearchRequest {
        addressee: vec!["school_heads".into()],
        ..req("")
    };
    let n_schools = idx.search(&schools).unwrap().total;
    assert_eq!(n_schools, 6);
    let either = SearchRequest {
        addressee: vec![
            "school_heads".into(),
            "Муниципальная методическая служба".into(),
        ],
        ..req("")
    };
    let n_either = idx.search(&either).unwrap().total;
    assert_eq!(n_either, 9); // 6 + 4 − 1 with both
    let and_year = SearchRequest {
        year: vec![2020],
        ..either.clone()
    };
    let resp = idx.search(&and_year).unwrap();
    assert_eq!(resp.total, 5);
    assert!(resp.hits.iter().all(|h| h.entry.year == Some(2020)));
    // Disjunctive: the year facet ignores the year filter, the addressee facet ignores the
    // addressee filter.
    let y2021 = resp.facets.year.iter().find(|f| f.value == "2021").unwrap();
    assert_eq!(y2021.count, 4);
    let role_total = |v: &str| {
        resp.facets
            .addressee
            .iter()
            .find(|f| f.value == v)
            .map(|f| f.count)
    };
    assert_eq!(role_total("/regional_authority"), None);
    assert_eq!(role_total("/school_heads"), Some(3));
    let by_type = SearchRequest {
        entry_type: vec![EntryType::Finding],
        kind: vec![DocKind::Decision, DocKind::Resolution],
        ..req("")
    };
    assert_eq!(idx.search(&by_type).unwrap().total, 3);
    let deadline = SearchRequest {
        deadline_before: NaiveDate::from_ymd_opt(2021, 1, 1),
        ..req("")
    };
    let resp = idx.search(&deadline).unwrap();
    assert_eq!(resp.total, 1);
    assert!(resp.hits[0].entry.text.contains("дорожную карту"));
}

#[test]
fn browse_sort_and_paging() {
    let dir = tempfile::tempdir().unwrap();
    let idx = build(dir.path());
    let resp = idx.search(&req("")).unwrap();
    assert_eq!(resp.total, 13);
    let ids: Vec<_> = resp.hits.iter().map(|h| h.entry.id.clone()).collect();
    assert_eq!(ids[0], "doc_a/e0");
    assert_eq!(ids[7], "doc_b/e0");
    assert!(resp.hits.iter().all(|h| h.score == 0.0));
    let page = idx
        .search(&SearchRequest {
            offset: 5,
            limit: 3,
            ..req("")
        })
        .unwrap();
    let page_ids: Vec<_> = page.hits.iter().map(|h| h.entry.id.clone()).collect();
    assert_eq!(page_ids, ids[5..8]);
    let by_date = idx
        .search(&SearchRequest {
            sort: SortOrder::Date,
            ..req("")
        })
        .unwrap();
    assert_eq!(by_date.hits[0].entry.year, Some(2021));
    let by_deadline = idx
        .search(&SearchRequest {
            sort: SortOrder::Deadline,
            ..req("")
        })
        .unwrap();
    assert_eq!(by_deadline.hits[0].entry.deadline, date(2020, 10, 1));
    assert_eq!(by_deadline.hits[1].entry.deadline, date(2021, 3, 1));
    assert!(
        idx.search(&SearchRequest {
            limit: 1000,
            ..req("")
        })
        .is_err()
    );
}

#[test]
fn stored_entries_round_trip_and_reindexing_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let mut idx = build(dir.path());
    let docs = corpus();
    let e = idx.entry("doc_b/e1").unwrap().unwrap();
    assert_eq!(e, docs[1].entries[1]);
    assert_eq!(idx.document_entries("doc_a").unwrap(), docs[0].entries);
    assert_eq!(idx.counts().unwrap(), (2, 13));
    let summaries = idx.documents().unwrap();
    assert_eq!(summaries.len(), 2);
    assert_eq!(summaries[1].entries, 6);

    for s in &summaries {
        assert_eq!(idx.document(&s.doc_id).unwrap().as_ref(), Some(s));
    }
    assert_eq!(idx.document("doc_").unwrap(), None);

    // Re-index doc_b with one entry: its old entries go.
    let mut b = docs[1].clone();
    b.entries.truncate(1);
    idx.add_documents(&[b]).unwrap();
    assert_eq!(idx.counts().unwrap(), (2, 8));
    assert!(idx.entry("doc_b/e1").unwrap().is_none());
    assert_eq!(idx.document("doc_b").unwrap().map(|d| d.entries), Some(1));
    drop(idx);

    // Reopen; rebuild starts from empty only at the commit.
    let mut idx = EntryIndex::open(dir.path()).unwrap();
    assert_eq!(idx.counts().unwrap(), (2, 8));
    drop(idx);
    idx = EntryIndex::create(dir.path(), true).unwrap();
    assert_eq!(idx.counts().unwrap(), (2, 8));
    idx.add_documents(&docs[..1]).unwrap();
    assert_eq!(idx.counts().unwrap(), (1, 7));
}

#[test]
fn schema_version_mismatch_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    std::fs::write(dir.path().join(edusearch::index::VERSION_FILE), "old").unwrap();
    match EntryIndex::open(dir.path()) {
        Err(edusearch::Error::SchemaVersion { found, .. }) => assert_eq!(found, "old"),
        Err(e) => panic!("wrong error {e}"),
        Ok(_) => panic!("old index opened"),
    }
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        EntryIndex::open(empty.path()),
        Err(edusearch::Error::NoIndex(_))
    ));
    // --rebuild replaces the old index.
    let mut idx = EntryIndex::create(dir.path(), true).unwrap();
    idx.add_documents(&corpus()).unwrap();
    assert_eq!(idx.counts().unwrap(), (2, 13));
}

// ---------------------------------------------------------------------------------------------
// The real seeds.

mod seeds {
    use std::collections::HashSet;
    use std::sync::OnceLock;

    use edusearch::index::EntryIndex;
    use edusearch::search::SearchRequest;
    use edusearch::{Document, Entry, Role, pipeline};

    struct Seeds {
        _dir: tempfile::TempDir,
        index: EntryIndex,
        entries: Vec<Entry>,
    }

    /// The seeds parsed and indexed once for all tests of this module.
    fn seeds() -> &'static Seeds {
        static SEEDS: OnceLock<Seeds> = OnceLock::new();
        SEEDS.get_or_init(|| {
            let docs: Vec<Document> = pipeline::embedded_seeds()
                .iter()
                .map(pipeline::parse_source)
                .collect();
            let dir = tempfile::tempdir().expect("temp dir");
            let mut index = EntryIndex::create(dir.path(), true).expect("create");
            index.add_documents(&docs).expect("index seeds");
            let entries = docs.into_iter().flat_map(|d| d.entries).collect();
            Seeds {
                _dir: dir,
                index,
                entries,
            }
        })
    }

    fn req(q: &str) -> SearchRequest {
        SearchRequest {
            q: q.to_string(),
            limit: 20,
            ..SearchRequest::default()
        }
    }

    fn hits(q: &str) -> Vec<String> {
        seeds()
            .index
            .search(&req(q))
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.entry.text)
            .collect()
    }

    #[test]
    fn seeds_are_indexed_completely() {
        let s = seeds();
        assert!(s.entries.len() > 300, "{}", s.entries.len());
        assert_eq!(s.index.counts().unwrap(), (5, s.entries.len() as u64));
        let e = &s.entries[s.entries.len() / 2];
        assert_eq!(s.index.entry(&e.id).unwrap().as_ref(), Some(e));
    }

    #[test]
    fn morphology_on_seeds() {
        let h = hits("горячее питание");
        assert!(h[0].contains("горячим питанием"), "{h:?}");
        let h = hits("молодой педагог");
        assert!(
            h.iter().take(5).any(|t| t.contains("молодых педагогов")),
            "{h:?}"
        );
    }

    #[test]
    fn yo_folds_both_ways_on_seeds() {
        // The seeds write «отчётов» with ё and «заключённого»; typed without ё they are found.
        let h = hits("отчетов РЦОКО");
        assert!(h.iter().take(3).any(|t| t.contains("отчётов")), "{h:?}");
        let h = hits("заключенного соглашения");
        assert!(
            h.iter().take(3).any(|t| t.contains("заключённого")),
            "{h:?}"
        );
        // Typed with ё, the е-spelling of the text is found.
        let with_e: Vec<&Entry> = seeds()
            .entries
            .iter()
            .filter(|e| e.text.contains("учебном году"))
            .collect();
        assert!(!with_e.is_empty());
        let resp = seeds().index.search(&req("учёбном году")).unwrap();
        assert!(resp.total >= with_e.len() as u64);
        assert!(resp.hits[0].entry.text.contains("учебном году"));
        // The snippet shows the text as written (ё) with the match marked.
        let resp = seeds().index.search(&req("проведенной оценки")).unwrap();
        let hit = resp
            .hits
            .iter()
            .find(|h| h.entry.text.contains("проведённой"))
            .expect("the entry with «проведённой»");
        assert!(
            hit.snippet.contains("<mark>проведённой</mark>"),
            "{}",
            hit.snippet
        );
    }

    #[test]
    fn quoted_phrase_on_seeds() {
        let q = "\"Культурный дневник школьника\"";
        let h = hits(q);
        assert!(!h.is_empty());
        assert!(
            h.iter().all(|t| t.contains("Культурный дневник школьника")),
            "{h:?}"
        );
        let loose = hits("культурный дневник школьника");
        assert!(loose.len() > h.len(), "unquoted finds more: {loose:?}");
        for (i, t) in h.iter().enumerate() {
            assert_eq!(&loose[i], t, "exact phrase matches rank first");
        }
    }

    /// Expected number of entries for a predicate, computed from the parsed documents.
    fn expected(pred: impl Fn(&Entry) -> bool) -> u64 {
        seeds().entries.iter().filter(|e| pred(e)).count() as u64
    }

    fn has_role(e: &Entry, roles: &[Role]) -> bool {
        e.addressees.iter().any(|a| roles.contains(&a.role))
    }

    #[test]
    fn filters_combine_on_seeds() {
        let idx = &seeds().index;
        let roles = [Role::SchoolHeads, Role::MunicipalAuthority];
        let r = SearchRequest {
            addressee: roles.iter().map(|r| r.as_str().to_string()).collect(),
            ..req("")
        };
        assert_eq!(
            idx.search(&r).unwrap().total,
            expected(|e| has_role(e, &roles))
        );
        let r = SearchRequest {
            year: vec![2021],
            entry_type: vec![edusearch::EntryType::Recommendation],
            ..r
        };
        assert_eq!(
            idx.search(&r).unwrap().total,
            expected(|e| has_role(e, &roles)
                && e.year == Some(2021)
                && e.entry_type == edusearch::EntryType::Recommendation)
        );
        let years: HashSet<i32> = seeds().entries.iter().filter_map(|e| e.year).collect();
        let r = SearchRequest {
            year_from: years.iter().min().copied(),
            year_to: years.iter().min().copied(),
            level: vec![edusearch::Level::Municipal, edusearch::Level::Regional],
            ..req("")
        };
        let min = years.iter().min().copied();
        assert_eq!(idx.search(&r).unwrap().total, expected(|e| e.year == min));
    }

    #[test]
    fn facet_counts_match_filters_on_seeds() {
        let idx = &seeds().index;
        for q in ["", "обеспечить участие", "педагогов"] {
            let resp = idx.search(&req(q)).unwrap();
            let f = &resp.facets;
            let mut checked = 0;
            for fc in f.addressee.iter().take(8) {
                let v = fc.value.trim_start_matches('/');
                let value = v.split_once('/').map_or(v, |(_, name)| name).to_string();
                let r = SearchRequest {
                    addressee: vec![value],
                    ..req(q)
                };
                assert_eq!(
                    idx.search(&r).unwrap().total,
                    fc.count,
                    "{q:?} {}",
                    fc.value
                );
                checked += 1;
            }
            for fc in &f.topic {
                let r = SearchRequest {
                    topic: vec![fc.value.clone()],
                    ..req(q)
                };
                assert_eq!(
                    idx.search(&r).unwrap().total,
                    fc.count,
                    "{q:?} {}",
                    fc.value
                );
            }
            for fc in &f.region {
                let r = SearchRequest {
                    region: vec![fc.value.clone()],
                    ..req(q)
                };
                assert_eq!(
                    idx.search(&r).unwrap().total,
                    fc.count,
                    "{q:?} {}",
                    fc.value
                );
            }
            for fc in &f.year {
                let r = SearchRequest {
                    year: vec![fc.value.parse().unwrap()],
                    ..req(q)
                };
                assert_eq!(
                    idx.search(&r).unwrap().total,
                    fc.count,
                    "{q:?} {}",
                    fc.value
                );
            }
            assert!(checked > 0);
            let sum: u64 = f.level.iter().map(|c| c.count).sum();
            assert_eq!(sum, resp.total);
        }
        // Corpus-wide counts equal the parsed data.
        let all = idx.facets().unwrap();
        for fc in all
            .addressee
            .iter()
            .filter(|f| f.value.matches('/').count() == 1)
        {
            let role = fc.value[1..].parse::<Role>().unwrap();
            assert_eq!(fc.count, expected(|e| has_role(e, &[role])), "{}", fc.value);
        }
    }

    #[test]
    fn hostile_queries_on_seeds() {
        let idx = &seeds().index;
        let long: String = seeds()
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let long: String = long.chars().take(5000).collect();
        for q in [
            "\"открытая кавычка",
            "a:b",
            "*",
            "(",
            ")",
            "😀",
            "-",
            "--",
            "\"\"",
            "ё",
            &long,
        ] {
            let r = idx.search(&req(q));
            assert!(r.is_ok(), "{q:?}");
        }
        let r = idx.search(&req(&long)).unwrap();
        assert!(r.total > 0);
    }

    /// Runs the dev queries of the eval set and writes the results for `score.py`:
    /// `EDUSEARCH_EVAL_OUT=/tmp/results.jsonl cargo test --test search -- --ignored dev_queries`
    /// (queries from `EDUSEARCH_EVAL_QUERIES`, default `/work/shared/eval/dev_queries.json`).
    #[test]
    #[ignore = "evaluation helper; needs the eval set"]
    fn dev_queries() {
        let path = std::env::var("EDUSEARCH_EVAL_QUERIES")
            .unwrap_or_else(|_| "/work/shared/eval/dev_queries.json".to_string());
        let text = std::fs::read_to_string(&path).expect("dev_queries.json");
        let queries: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON");
        let mut out = String::new();
        for q in &queries {
            let (id, query) = (q["id"].as_str().unwrap(), q["query"].as_str().unwrap());
            let h = hits(query);
            assert!(!h.is_empty(), "{id} {query}: no hits");
            let line = serde_json::json!({"id": id, "hits": h});
            out.push_str(&line.to_string());
            out.push('\n');
        }
        if let Ok(dest) = std::env::var("EDUSEARCH_EVAL_OUT") {
            std::fs::write(dest, out).expect("write results");
        }
    }
}

#[test]
fn abbreviation_finds_the_head_of_its_full_form() {
    // 000 and 001 define «школьных служб медиации (ШСМ)» and elsewhere speak of «служб медиации»
    // without the modifier: those entries are found too, below the ones with the full form.
    let dir = tempfile::tempdir().unwrap();
    let idx = EntryIndex::open_or_build_seeds(dir.path()).unwrap();
    let hits = idx
        .search(&SearchRequest {
            q: "ШСМ".into(),
            limit: 20,
            ..SearchRequest::default()
        })
        .unwrap()
        .hits;
    let texts: Vec<String> = hits.iter().map(|h| h.entry.text.to_lowercase()).collect();
    let head_only = texts
        .iter()
        .position(|t| t.contains("служб медиации") && !t.contains("школьн") && !t.contains("шсм"));
    let full = texts
        .iter()
        .position(|t| t.contains("шсм") || t.contains("школьных служб медиации"));
    assert!(
        head_only.is_some(),
        "no entry with only «служб медиации»: {texts:?}"
    );
    assert!(full < head_only, "the full form ranks first: {texts:?}");
}

// ---------------------------------------------------------------------------------------------
// Parser versions: what an index records about the parse of its entries, and what opening it
// for `serve` does about an old parse.

mod parser_version {
    use std::path::{Path, PathBuf};

    use edusearch::index::{EntryIndex, IndexSource, Opened, PROVENANCE_FILE, Provenance};
    use edusearch::pipeline;
    use edusearch::search::SearchRequest;
    use edusearch::{Document, Error};

    /// What an older binary would have written.
    fn set_marker(dir: &Path, text: &str) {
        std::fs::write(dir.join(PROVENANCE_FILE), text).expect("write marker");
    }

    fn provenance(idx: &EntryIndex) -> Provenance {
        idx.provenance().expect("read provenance")
    }

    fn parsed_seeds() -> Vec<Document> {
        pipeline::embedded_seeds()
            .iter()
            .map(pipeline::parse_source)
            .collect()
    }

    fn total(idx: &EntryIndex, q: &str) -> u64 {
        let req = SearchRequest {
            q: q.into(),
            ..SearchRequest::default()
        };
        idx.search(&req).expect("search").total
    }

    /// An index of one copy of a seed, indexed as the user's file (the path the CLI takes).
    fn files_index(dir: &Path, files: &Path) -> (u64, u64) {
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/002_7462719c375c5678.txt");
        let copy: PathBuf = files.join("district_resolution_2020.txt");
        std::fs::copy(seed, &copy).expect("copy a seed");
        let mut idx = EntryIndex::create(dir, true).expect("create");
        let mut rejected = Vec::new();
        let mut w = idx.writer().expect("writer");
        w.add_files(&[copy], |outcome| {
            if let edusearch::index::FileOutcome::Rejected(e) = outcome {
                rejected.push(e.to_string());
            }
        })
        .expect("add files");
        w.commit().expect("commit");
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(provenance(&idx), Provenance::current(IndexSource::Files));
        let counts = idx.counts().expect("counts");
        assert!(counts.0 == 1 && counts.1 > 10, "{counts:?}");
        counts
    }

    #[test]
    fn seeds_index_of_an_old_parser_is_rebuilt_when_opened_for_serving() {
        let dir = tempfile::tempdir().unwrap();
        let seeds = parsed_seeds();
        let full: u64 = seeds.iter().map(|d| d.entries.len() as u64).sum();
        // An older parse of the seeds: one document cut into fewer entries.
        let mut old = seeds.clone();
        let cut = old.iter_mut().max_by_key(|d| d.entries.len()).unwrap();
        let lost = cut.entries[cut.entries.len() - 1].id.clone();
        cut.entries.truncate(2);
        {
            let mut idx = EntryIndex::create(dir.path(), true).unwrap();
            let mut w = idx.writer_from(IndexSource::EmbeddedSeeds).unwrap();
            for d in &old {
                w.add(d).unwrap();
            }
            w.commit().unwrap();
            assert_eq!(
                provenance(&idx),
                Provenance::current(IndexSource::EmbeddedSeeds)
            );
        }
        set_marker(dir.path(), "parser: 0\nsource: embedded-seeds\n");
        let stale = EntryIndex::open(dir.path()).unwrap();
        assert!(provenance(&stale).is_stale());
        let (_, before) = stale.counts().unwrap();
        assert!(before < full, "{before} < {full}");
        assert!(stale.entry(&lost).unwrap().is_none());
        drop(stale);

        let (idx, opened) = EntryIndex::open_for_serving(dir.path()).unwrap();
        match opened {
            Opened::RebuiltFromSeeds { found } => assert_eq!(found.parser, Some(0)),
            other => panic!("not rebuilt: {other:?}"),
        }
        assert_eq!(
            provenance(&idx),
            Provenance::current(IndexSource::EmbeddedSeeds)
        );
        assert!(!provenance(&idx).is_stale());
        assert_eq!(idx.counts().unwrap(), (5, full));
        assert!(
            idx.entry(&lost).unwrap().is_some(),
            "the current parse is served"
        );
        assert!(total(&idx, "наставничество") > 0);

        let (_, again) = EntryIndex::open_for_serving(dir.path()).unwrap();
        assert!(matches!(again, Opened::Current), "{again:?}");
    }

    #[test]
    fn files_index_of_an_old_parser_is_kept_and_reported_stale() {
        let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let counts = files_index(dir.path(), files.path());
        set_marker(dir.path(), "parser: 0\nsource: files\n");

        let (idx, opened) = EntryIndex::open_for_serving(dir.path()).unwrap();
        match opened {
            Opened::Stale { found } => {
                assert_eq!(found.parser, Some(0));
                assert_eq!(found.source, IndexSource::Files);
            }
            other => panic!("not kept as stale: {other:?}"),
        }
        assert_eq!(idx.counts().unwrap(), counts, "nothing lost");
        let p = provenance(&idx);
        assert_eq!(p.parser, Some(0), "the marker still says the old parse");
        assert!(p.is_stale());
        assert!(total(&idx, "обеспечить") > 0);
    }

    #[test]
    fn index_without_a_parser_marker_opens_as_unknown() {
        // Of the user's files: kept, stale, unknown version.
        let (dir, files) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let counts = files_index(dir.path(), files.path());
        std::fs::remove_file(dir.path().join(PROVENANCE_FILE)).unwrap();
        let idx = EntryIndex::open(dir.path()).expect("opens without a marker");
        assert_eq!(provenance(&idx), Provenance::unknown());
        assert!(provenance(&idx).is_stale());
        drop(idx);
        let (idx, opened) = EntryIndex::open_for_serving(dir.path()).unwrap();
        match opened {
            Opened::Stale { found } => assert_eq!(found, Provenance::unknown()),
            other => panic!("not kept as stale: {other:?}"),
        }
        assert_eq!(idx.counts().unwrap(), counts);
        assert!(
            !dir.path().join(PROVENANCE_FILE).exists(),
            "opening writes nothing"
        );

        // Exactly the embedded seeds (the default index of older binaries): rebuilt.
        let seeds_dir = tempfile::tempdir().unwrap();
        let expected = {
            let idx = EntryIndex::open_or_build_seeds(seeds_dir.path()).unwrap();
            assert_eq!(
                provenance(&idx),
                Provenance::current(IndexSource::EmbeddedSeeds)
            );
            idx.counts().unwrap()
        };
        std::fs::remove_file(seeds_dir.path().join(PROVENANCE_FILE)).unwrap();
        let (idx, opened) = EntryIndex::open_for_serving(seeds_dir.path()).unwrap();
        match opened {
            Opened::RebuiltFromSeeds { found } => assert_eq!(found, Provenance::unknown()),
            other => panic!("not rebuilt: {other:?}"),
        }
        assert_eq!(
            provenance(&idx),
            Provenance::current(IndexSource::EmbeddedSeeds)
        );
        assert_eq!(idx.counts().unwrap(), expected);
    }

    #[test]
    fn added_documents_keep_the_old_parser_version_until_every_document_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let docs = super::corpus();
        drop(super::build(dir.path()));
        set_marker(dir.path(), "parser: 0\nsource: files\n");
        let mut idx = EntryIndex::open(dir.path()).unwrap();
        // One of two documents re-parsed: the other still has the old parse.
        idx.add_documents(&docs[..1]).unwrap();
        assert_eq!(provenance(&idx).parser, Some(0));
        // Both: the index is as good as rebuilt.
        idx.add_documents(&docs).unwrap();
        assert_eq!(provenance(&idx), Provenance::current(IndexSource::Files));

        // Seeds, then other documents: the index is no longer "only the seeds" ...
        let mut idx = EntryIndex::create(dir.path(), true).unwrap();
        let mut w = idx.writer_from(IndexSource::EmbeddedSeeds).unwrap();
        w.add(&docs[0]).unwrap();
        w.commit().unwrap();
        assert_eq!(
            provenance(&idx),
            Provenance::current(IndexSource::EmbeddedSeeds)
        );
        idx.add_documents(&docs[1..]).unwrap();
        assert_eq!(provenance(&idx), Provenance::current(IndexSource::Files));
        // ... so opening it for serving with an old marker keeps the user's document.
        set_marker(dir.path(), "parser: 0\nsource: files\n");
        drop(idx);
        let (idx, opened) = EntryIndex::open_for_serving(dir.path()).unwrap();
        assert!(matches!(opened, Opened::Stale { .. }), "{opened:?}");
        assert_eq!(idx.counts().unwrap(), (2, 13));
    }

    #[test]
    fn a_failed_rebuild_keeps_serving_the_old_index() {
        let dir = tempfile::tempdir().unwrap();
        let expected = EntryIndex::open_or_build_seeds(dir.path())
            .unwrap()
            .counts()
            .unwrap();
        set_marker(dir.path(), "parser: 0\nsource: embedded-seeds\n");
        // Another writer holds the index's lock: the rebuild cannot start.
        let mut holder = EntryIndex::open(dir.path()).unwrap();
        let lock = holder.writer().unwrap();
        let (idx, opened) = EntryIndex::open_for_serving(dir.path()).unwrap();
        match opened {
            Opened::RebuildFailed { found, error } => {
                assert_eq!(found.parser, Some(0));
                assert!(matches!(error, Error::Index(_)), "{error}");
            }
            other => panic!("the rebuild should have failed: {other:?}"),
        }
        assert_eq!(idx.counts().unwrap(), expected);
        assert_eq!(provenance(&idx).parser, Some(0));
        drop(lock);
    }
}
