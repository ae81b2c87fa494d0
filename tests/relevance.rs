//! Relevance mechanisms on the real seeds (thesaurus, word families, typos, prefixes), each
//! checked against the engine with the mechanism's own input, plus the evaluation helper of the
//! own query set `tests/eval/queries.json` (ignored: `tests/eval/run.sh` runs and scores it).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use edusearch::index::suggest::SuggestionKind;
use edusearch::index::{EntryIndex, Thesaurus};
use edusearch::search::{SearchRequest, SearchResponse};
use edusearch::{Document, pipeline};

/// An index over a set of documents, kept for the life of the test binary.
struct Corpus {
    _dir: tempfile::TempDir,
    index: EntryIndex,
}

fn build(docs: &[Document]) -> Corpus {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut index = EntryIndex::create(dir.path(), true).expect("create");
    index.add_documents(docs).expect("index");
    Corpus { _dir: dir, index }
}

fn seeds() -> &'static Corpus {
    static SEEDS: OnceLock<Corpus> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let docs: Vec<Document> = pipeline::embedded_seeds()
            .iter()
            .map(pipeline::parse_source)
            .collect();
        build(&docs)
    })
}

/// The plain-text documents of the real development corpus (its `.md` notes are not documents).
fn real() -> &'static Corpus {
    static REAL: OnceLock<Corpus> = OnceLock::new();
    REAL.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("tests/fixtures/real")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        let (docs, errors) =
            pipeline::parse_paths(&paths, &edusearch::ingest::ReadLimits::default());
        assert!(errors.is_empty(), "{errors:?}");
        build(&docs)
    })
}

fn search(c: &Corpus, q: &str, limit: usize) -> SearchResponse {
    c.index
        .search(&SearchRequest {
            q: q.to_string(),
            limit,
            ..SearchRequest::default()
        })
        .expect("search")
}

fn texts(c: &Corpus, q: &str, limit: usize) -> Vec<String> {
    search(c, q, limit)
        .hits
        .into_iter()
        .map(|h| h.entry.text)
        .collect()
}

/// Runs the own evaluation set and writes the results for `score.py`:
/// `EDUSEARCH_EVAL_OUT=/tmp/own.jsonl cargo test --test relevance -- --ignored own_queries`
/// (queries from `EDUSEARCH_EVAL_QUERIES`, default `tests/eval/queries.json`). Queries of corpus
/// `seeds` run on an index of the seeds, queries of corpus `real` on one of the real documents.
#[test]
#[ignore = "evaluation helper; tests/eval/run.sh scores it"]
fn own_queries() {
    let path = std::env::var("EDUSEARCH_EVAL_QUERIES")
        .unwrap_or_else(|_| format!("{}/tests/eval/queries.json", env!("CARGO_MANIFEST_DIR")));
    let text = std::fs::read_to_string(&path).expect("queries.json");
    let queries: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON");
    let mut out = String::new();
    for q in &queries {
        let (id, query) = (q["id"].as_str().unwrap(), q["query"].as_str().unwrap());
        let corpus = match q["corpus"].as_str() {
            Some("real") => real(),
            _ => seeds(),
        };
        let line = serde_json::json!({"id": id, "hits": texts(corpus, query, 20)});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    let dest = std::env::var("EDUSEARCH_EVAL_OUT").unwrap_or_else(|_| "/tmp/own.jsonl".into());
    std::fs::write(dest, out).expect("write results");
}

fn seed_docs() -> Vec<Document> {
    pipeline::embedded_seeds()
        .iter()
        .map(pipeline::parse_source)
        .collect()
}

fn lower(texts: &[String]) -> Vec<String> {
    texts.iter().map(|t| t.to_lowercase()).collect()
}

// ---------------------------------------------------------------------------------------------
// Thesaurus.

#[test]
fn thesaurus_expands_abbreviations_the_documents_never_define_and_says_so() {
    let r = search(seeds(), "ВсОШ", 20);
    assert!(
        r.expanded
            .contains(&"всероссийская олимпиада школьников".to_string()),
        "{:?}",
        r.expanded
    );
    let t = lower(&r.hits.into_iter().map(|h| h.entry.text).collect::<Vec<_>>());
    assert!(
        !t.is_empty() && t.iter().all(|t| t.contains("олимпиад")),
        "{t:?}"
    );
}

#[test]
fn short_abbreviations_expand_only_in_their_own_case() {
    let r = search(seeds(), "программы ДО", 10);
    assert!(
        r.expanded.contains(&"дошкольное образование".to_string())
            && r.expanded
                .contains(&"дополнительное образование".to_string()),
        "{:?}",
        r.expanded
    );
    let r = search(seeds(), "педагоги до 35 лет", 10);
    assert!(
        r.expanded.iter().all(|e| !e.contains("образование")),
        "{:?}",
        r.expanded
    );
    assert!(
        r.hits[0].entry.text.contains("до 35 лет"),
        "{}",
        r.hits[0].entry.text
    );
}

#[test]
fn narrower_terms_are_searched_for_the_broader_one_only() {
    // «выпускные экзамены» (a wording of ГИА) also searches its kinds ЕГЭ, ОГЭ, ГВЭ …
    let r = search(seeds(), "выпускные экзамены", 20);
    assert!(
        r.expanded.contains(&"ЕГЭ".to_string()) && r.expanded.contains(&"ОГЭ".to_string()),
        "{:?}",
        r.expanded
    );
    let t = lower(&r.hits.into_iter().map(|h| h.entry.text).collect::<Vec<_>>());
    assert!(
        t.iter().any(|t| (t.contains("егэ") || t.contains("огэ"))
            && !t.contains("экзамен")
            && !t.contains("аттестац")
            && !t.contains("гиа")),
        "{t:?}"
    );
    // An abbreviation of the broader term searches the kinds too: «ПАВ» (психоактивные
    // вещества) finds «потребления психотропных средств».
    let r = search(seeds(), "ПАВ", 20);
    let t = lower(&r.hits.into_iter().map(|h| h.entry.text).collect::<Vec<_>>());
    assert!(
        t.iter()
            .any(|t| t.contains("психотропных средств") && !t.contains("психоактивн")),
        "{t:?}"
    );
    // … but a kind does not search its siblings or the broader term.
    let r = search(seeds(), "ЕГЭ", 20);
    assert!(
        r.expanded
            .iter()
            .all(|e| e != "ОГЭ" && !e.contains("аттестац")),
        "{:?}",
        r.expanded
    );
}

#[test]
fn a_rare_word_s_official_wording_outranks_a_common_word_typed_beside_it() {
    // «цифровизация» is written once in the seeds; the documents say «цифровая трансформация».
    // That phrase stands for the rare word: its entries come before those that only have the
    // common «педагоги».
    let t = lower(&texts(seeds(), "цифровизация педагогов", 10));
    assert!(t[..6].iter().all(|t| t.contains("цифров")), "{t:?}");
}

#[test]
fn the_typed_word_outranks_its_thesaurus_synonym() {
    // «учитель» also searches «педагог» (at a lower weight): the best hits have the typed word,
    // and most of the first ten.
    let t = lower(&texts(seeds(), "учитель", 20));
    assert!(
        t.iter().any(|t| !t.contains("учител")),
        "the synonym finds more: {t:?}"
    );
    assert!(t[..3].iter().all(|t| t.contains("учител")), "{t:?}");
    let own = t[..10].iter().filter(|t| t.contains("учител")).count();
    assert!(own > 5, "{t:?}");
}

/// A decision of `n` items, the i-th saying `word_of(i)`, all of one length.
fn items_corpus(n: usize, word_of: impl Fn(usize) -> &'static str) -> Corpus {
    let mut text = String::from(
        "РЕШЕНИЕ\nколлегии министерства образования\nот 10.03.2024 № 5\n\n\
         Рекомендовать руководителям образовательных организаций:\n\n",
    );
    for i in 0..n {
        let word = word_of(i);
        text.push_str(&format!(
            "{}. Обеспечить участие {word} в семинаре по теме номер {}.\n\n",
            i + 1,
            i + 1
        ));
    }
    let src = edusearch::ingest::from_bytes("reshenie.txt", text.as_bytes()).expect("text");
    build(&[pipeline::parse_source(&src)])
}

#[test]
fn a_common_typed_word_is_not_outranked_by_a_rarer_expansion() {
    // Ten items say «учителей», one says «педагогов» (the thesaurus' other name of «учитель»),
    // the rest neither, all of one length. The synonym is much rarer, so its BM25 weight is
    // higher: without a cap at the typed word's own weight its entry would come first.
    let c = items_corpus(21, |i| match i {
        0..10 => "учителей",
        10 => "педагогов",
        _ => "родителей",
    });
    let t = lower(&texts(&c, "учитель", 20));
    assert_eq!(t.len(), 11, "{t:?}");
    assert!(t[..10].iter().all(|t| t.contains("учител")), "{t:?}");
    assert!(t[10].contains("педагог"), "{t:?}");
}

#[test]
fn a_one_word_alternative_brings_its_word_family() {
    // «волонтёры» → «доброволец» (thesaurus) → «добровольчество» (its family): an entry that
    // says only «развитие добровольчества» is found.
    let t = lower(&texts(seeds(), "волонтёры", 20));
    assert!(
        t.iter()
            .any(|t| t.contains("добровольчеств") && !t.contains("волонт")),
        "{t:?}"
    );
    // «удалённое обучение» → «дистант» → «дистанционный»: «в том числе дистанционными».
    let t = lower(&texts(seeds(), "удалённое обучение", 5));
    assert!(t.iter().any(|t| t.contains("дистанционными")), "{t:?}");
}

#[test]
fn an_unused_abbreviation_keeps_the_head_of_its_expansion_below_the_whole() {
    // The seeds never write «ШМО»: its expansion «школьное методическое объединение» carries it
    // in full, and the head «методическое объединение» (any methodical association) stays below
    // it — entries of school associations first, district ones after.
    let t = lower(&texts(seeds(), "ШМО", 10));
    let school = |t: &String| t.contains("школьн") && t.contains("методическ");
    assert!(t.iter().any(|t| !school(t)), "the head finds more: {t:?}");
    let first_other = t.iter().position(|t| !school(t)).unwrap_or(t.len());
    assert!(
        t[first_other..].iter().all(|t| !school(t)),
        "school associations first: {t:?}"
    );
}

#[test]
fn a_local_name_defined_in_a_document_is_searched_for_its_kind() {
    // Order 003 defines «… Саратовский областной институт развития образования» (далее – ГАУ
    // ДПО «СОИРО»); «СОИРО» is then a kind of «институт развития образования», which the
    // thesaurus gives for «ИРО»: typing «ИРО» finds the entries that only say «СОИРО».
    let r = search(seeds(), "ИРО", 20);
    assert!(r.expanded.iter().any(|e| e == "СОИРО"), "{:?}", r.expanded);
    let t = lower(&r.hits.into_iter().map(|h| h.entry.text).collect::<Vec<_>>());
    assert!(
        t.iter()
            .any(|t| t.contains("соиро") && !t.contains("институт развития")),
        "{t:?}"
    );
}

#[test]
fn a_hyphenated_word_also_finds_its_rarest_part_below_the_whole() {
    // «детей-инвалидов»: the seeds write it twice, and «детей с инвалидностью» six times.
    let t = lower(&texts(seeds(), "детей-инвалидов", 20));
    assert!(t[0].contains("детей-инвалидов"), "{t:?}");
    assert!(
        t.iter()
            .any(|t| t.contains("инвалидностью") && !t.contains("детей-инвалидов")),
        "{t:?}"
    );
    let whole = t.iter().filter(|t| t.contains("детей-инвалидов")).count();
    assert!(
        t[..whole].iter().all(|t| t.contains("детей-инвалидов")),
        "the whole word first: {t:?}"
    );
}

#[test]
fn an_alternative_is_found_with_modifiers_between_its_head_and_its_tail() {
    // «вуз» → «образовательная организация высшего образования»; order 004 writes
    // «в организациях среднего профессионального и высшего образования».
    let t = lower(&texts(seeds(), "вузы", 20));
    assert!(
        t.iter()
            .any(|t| t.contains("среднего профессионального и высшего образования")),
        "{t:?}"
    );
}

#[test]
fn thesaurus_switched_off_and_local_files() {
    let c = build(&seed_docs());
    let olympiad = |c: &Corpus| {
        texts(c, "ВсОШ", 20)
            .iter()
            .filter(|t| t.to_lowercase().contains("олимпиад"))
            .count()
    };
    let with = olympiad(&c);
    c.index.set_thesaurus(Thesaurus::default()).unwrap();
    // Without the thesaurus only the entries that write «ВсОШ» are found.
    assert!(olympiad(&c) < with, "{with}");
    assert!(search(&c, "ВсОШ", 20).expanded.is_empty());

    // A local file: a regional name for the regional mentoring centre.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("local.toml");
    std::fs::write(
        &file,
        "version = 1\n[[block]]\nname = \"местные\"\nsource = \"приказ\"\n\
         abbreviations = [[\"РЦН\", \"региональный центр наставничества\"]]\n",
    )
    .unwrap();
    assert_eq!(search(&c, "РЦН", 20).total, 0);
    c.index
        .set_thesaurus(Thesaurus::with_files(&[&file]).unwrap())
        .unwrap();
    let r = search(&c, "РЦН", 20);
    // The expansion, and below it its head without the leading modifier.
    assert_eq!(
        r.expanded,
        ["региональный центр наставничества", "центр наставничества"]
    );
    let first = r.hits[0].entry.text.to_lowercase();
    assert!(
        first.contains("центр") && first.contains("наставничеств"),
        "{first}"
    );
    assert_eq!(olympiad(&c), with, "the built-in thesaurus is still there");

    std::fs::write(&file, "version = 1\n[[block]]\nname = \"x\"\n").unwrap();
    let e = Thesaurus::with_files(&[&file]).unwrap_err().to_string();
    assert!(e.contains("local.toml") && e.contains("source"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Inflections, typos, search as you type.

#[test]
fn inflections_the_stemmer_splits_are_joined() {
    // The stemmer cuts «дефицит» to «дефиц» but «дефицита» to «дефицит»: the dictionary's
    // inflections join them, so both spellings find the same entries.
    let with_word = |q: &str| {
        texts(seeds(), q, 100)
            .iter()
            .filter(|t| t.to_lowercase().contains("дефицит"))
            .count()
    };
    let (a, b) = (with_word("дефицит "), with_word("дефицита "));
    assert_eq!(a, b);
    let t = lower(&texts(seeds(), "дефицит ", 20));
    assert!(t.iter().any(|t| t.contains("дефицита")), "{t:?}");
}

#[test]
fn a_misspelt_word_finds_the_word_and_suggests_it() {
    let r = search(seeds(), "валонтерства ", 20);
    assert!(r.total > 0);
    // The corrected word first, then (as for the word typed right) its family.
    let t = lower(
        &r.hits
            .iter()
            .map(|h| h.entry.text.clone())
            .collect::<Vec<_>>(),
    );
    assert!(t[0].contains("волонтерств"), "{t:?}");
    assert!(t.iter().all(|t| t.contains("волонт")), "{t:?}");
    assert_eq!(
        t.iter().filter(|t| t.contains("волонтерств")).count(),
        lower(&texts(seeds(), "волонтерства ", 20))
            .iter()
            .filter(|t| t.contains("волонтерств"))
            .count()
    );
    assert_eq!(r.suggestion.as_deref(), Some("волонтерства"));
    // Two letters wrong in a long word; the other words stay as typed.
    let r = search(seeds(), "развитие самаапределения ", 20);
    assert_eq!(r.suggestion.as_deref(), Some("развитие самоопределения"));
    assert!(
        r.hits[0]
            .entry
            .text
            .to_lowercase()
            .contains("самоопределени"),
        "{}",
        r.hits[0].entry.text
    );
}

#[test]
fn a_misspelt_word_keeps_its_place_in_the_phrase() {
    // «оброзование» is corrected to «образование»: the entry that has «инклюзивное
    // образование» as a phrase comes first, as it does for the query typed right.
    let phrase = |t: &String| {
        t.split("инклюзивн").skip(1).any(|rest| {
            rest.split_whitespace()
                .nth(1)
                .is_some_and(|w| w.starts_with("образовани"))
        })
    };
    let right = lower(&texts(seeds(), "инклюзивное образование", 5));
    let typo = lower(&texts(seeds(), "инклюзивное оброзование", 5));
    assert!(phrase(&right[0]), "{right:?}");
    assert!(phrase(&typo[0]), "{typo:?}");
}

#[test]
fn a_corrected_word_finds_its_other_forms_and_family() {
    // The forms of the documents are all two edits or more away («антитеррористической»,
    // «антитеррористическую»): the stems are one edit apart.
    let r = search(seeds(), "антитерористическая ", 20);
    let t = lower(
        &r.hits
            .iter()
            .map(|h| h.entry.text.clone())
            .collect::<Vec<_>>(),
    );
    assert!(
        !t.is_empty() && t.iter().all(|t| t.contains("антитеррористическ")),
        "{t:?}"
    );
    assert!(
        r.suggestion
            .as_deref()
            .is_some_and(|s| s.starts_with("антитеррористическ")),
        "{:?}",
        r.suggestion
    );
    // The correction «дефицит» also searches «дефицита», which the stemmer cuts differently.
    let t = lower(&texts(seeds(), "дефецит ", 20));
    assert!(t.iter().any(|t| t.contains("дефицита")), "{t:?}");
    // The family of the correction: «тьютор» → «тьюторское сопровождение».
    let t = lower(&texts(seeds(), "тютор ", 20));
    assert!(t.iter().any(|t| t.contains("тьюторск")), "{t:?}");
}

#[test]
fn correct_words_are_not_corrected() {
    for q in [
        "волонтерства",
        "развитие самоопределения",
        "до 35 лет",
        "НОР",
    ] {
        let r = search(seeds(), &format!("{q} "), 10);
        assert_eq!(r.suggestion, None, "{q}");
    }
    // A short unknown word is not guessed at.
    assert_eq!(search(seeds(), "ыкз ", 10).total, 0);
}

#[test]
fn the_last_word_is_completed_while_typed() {
    // «патри» is no word of the seeds; typed last, it completes to «патриотического» …
    let t = lower(&texts(seeds(), "патри", 20));
    assert!(
        !t.is_empty() && t.iter().all(|t| t.contains("патри")),
        "{t:?}"
    );
    // … but not once a space ends it (then it is a complete, unknown word).
    let t = lower(&texts(seeds(), "патри ", 20));
    assert!(t.iter().all(|t| !t.contains("патриот")), "{t:?}");
    // Only the last word is completed.
    let t = lower(&texts(seeds(), "целевая модель наст", 10));
    assert!(
        t[..3]
            .iter()
            .all(|t| t.contains("целев") && t.contains("наставничеств")),
        "{t:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Suggestions for the search box.

#[test]
fn suggestions_complete_the_last_word_once_per_word() {
    let r = seeds().index.suggest("целевая модель настав").unwrap();
    let words: Vec<&str> = r
        .suggestions
        .iter()
        .filter(|s| s.kind == SuggestionKind::Word)
        .map(|s| s.value.as_str())
        .collect();
    assert!(words.len() >= 2, "{words:?}");
    assert!(
        words.iter().all(|w| w.starts_with("целевая модель настав")),
        "{words:?}"
    );
    // «наставничества» and «наставничество» are one word: one of them is offered.
    let forms = words
        .iter()
        .filter(|w| w.ends_with("наставничества") || w.ends_with("наставничество"))
        .count();
    assert_eq!(forms, 1, "{words:?}");
    // No word to complete after a space; nothing for too little typed.
    let after_space = seeds().index.suggest("настав ").unwrap().suggestions;
    assert!(after_space.iter().all(|s| s.kind != SuggestionKind::Word));
    assert!(seeds().index.suggest("н").unwrap().suggestions.is_empty());
    assert!(seeds().index.suggest("").unwrap().suggestions.is_empty());
}

#[test]
fn suggestions_name_addressees_and_topics() {
    let r = seeds().index.suggest("руковод").unwrap();
    let addressees: Vec<&str> = r
        .suggestions
        .iter()
        .filter(|s| s.kind == SuggestionKind::Addressee)
        .map(|s| s.value.as_str())
        .collect();
    assert!(!addressees.is_empty(), "{:?}", r.suggestions);
    assert!(
        addressees.iter().all(|a| a
            .to_lowercase()
            .split_whitespace()
            .any(|w| w.starts_with("руковод"))),
        "{addressees:?}"
    );
    // The value filters: every hit of the filter is addressed to it.
    let req = SearchRequest {
        addressee: vec![addressees[0].to_string()],
        limit: 5,
        ..SearchRequest::default()
    };
    let hits = seeds().index.search(&req).unwrap();
    assert!(hits.total > 0);
}

/// `edusearch serve` with a local thesaurus file: its URL; the child is killed by the caller.
fn serve(args: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(args)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn edusearch serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.split("serving ").nth(1) {
            let url = rest.split_whitespace().next().expect("url");
            std::thread::spawn(move || lines.for_each(drop));
            return (child, url.trim_end_matches('/').to_owned());
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no serving line; stderr: {seen:?}");
}

fn get_json(url: &str) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent.get(url).call().expect("HTTP exchange");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&body).expect("JSON body"))
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn serve_with_a_local_thesaurus_explains_expansions_and_suggests() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("local.toml");
    std::fs::write(
        &file,
        "version = 1\n[[block]]\nname = \"местные\"\nsource = \"приказ\"\n\
         abbreviations = [[\"РЦН\", \"региональный центр наставничества\"]]\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    let (mut child, base) = serve(&[
        "serve".as_ref(),
        "--addr".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--thesaurus".as_ref(),
        file.as_os_str(),
        "--index".as_ref(),
        index.as_os_str(),
    ]);
    let (status, body) = get_json(&format!("{base}/api/search?q={}", enc("РЦН")));
    assert_eq!(status, 200);
    assert_eq!(body["expanded"][0], "региональный центр наставничества");
    assert!(body["total"].as_u64().unwrap() > 0);
    let (_, body) = get_json(&format!("{base}/api/search?q={}", enc("наставнечество ")));
    assert_eq!(body["suggestion"], "наставничество");
    let (status, body) = get_json(&format!("{base}/api/suggest?q={}", enc("горячее пит")));
    assert_eq!(status, 200);
    let first = &body["suggestions"][0];
    assert_eq!(first["kind"], "word");
    assert!(
        first["value"].as_str().unwrap().starts_with("горячее пит"),
        "{body}"
    );
    let (status, body) = get_json(&format!("{base}/api/suggest?q=a&x=1"));
    assert_eq!(status, 400);
    assert!(body["error"]["message_ru"].as_str().is_some(), "{body}");
    let _ = child.kill();
    let _ = child.wait();

    // A malformed file stops `serve` with a message naming it.
    std::fs::write(&file, "version = 1\n[[block]\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(["serve", "--addr", "127.0.0.1:0", "--thesaurus"])
        .arg(&file)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("local.toml"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Word families.

/// Positions (in the first 100 hits of `q`) of entries with the typed word (`own`) and of entries
/// with only other members of its family (`family`).
fn family_positions(q: &str, own: &str, family: &str) -> (Vec<usize>, Vec<usize>) {
    let own = regex::Regex::new(&format!("(?i){own}")).unwrap();
    let family = regex::Regex::new(&format!("(?i){family}")).unwrap();
    let (mut o, mut f) = (Vec::new(), Vec::new());
    for (i, t) in texts(seeds(), q, 100).iter().enumerate() {
        if own.is_match(t) {
            o.push(i);
        } else if family.is_match(t) {
            f.push(i);
        }
    }
    (o, f)
}

#[test]
fn word_families_are_found_below_the_word_typed() {
    for (q, own, family) in [
        (
            "наставник ",
            r"\bнаставник(а|у|ом|е|и|ов|ам|ами|ах)?\b",
            r"наставнич",
        ),
        (
            "психолог ",
            r"\bпсихолог(а|у|ом|е|и|ов|ам|ами|ах)?\b",
            r"психологическ",
        ),
        ("волонтерство ", r"волонт[её]рств", r"волонт[её]р"),
    ] {
        let (o, f) = family_positions(q, own, family);
        assert!(
            !o.is_empty() && !f.is_empty(),
            "{q}: own {o:?}, family {f:?}"
        );
        assert!(
            o.iter().max() < f.iter().min(),
            "{q}: own {o:?}, family {f:?}"
        );
    }
}

#[test]
fn hostile_text_never_breaks_suggestions_or_corrections() {
    let long = "наставнечество ".repeat(200);
    for q in [
        "😀",
        "\"",
        "-",
        "--ё",
        "ё",
        "a:b*",
        "горячее\u{a0}пит",
        "горячее\u{3000}пит",
        "(((",
        "ъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъъ",
        "zzzzzzzzzz qqqqqqqqq",
        &long,
    ] {
        let s = seeds().index.suggest(q);
        assert!(s.is_ok(), "{q:?}");
        let r = seeds().index.search(&SearchRequest {
            q: q.to_string(),
            ..SearchRequest::default()
        });
        assert!(r.is_ok(), "{q:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Display: folding (ё→е, case) is for matching; shown text keeps the documents' spelling.

/// An index of one small decision that writes «учёт» (with ё, also at sentence starts) and
/// «ФГОС» in capitals.
fn yo_corpus() -> Corpus {
    let text = "РЕШЕНИЕ\nколлегии министерства образования\nот 10.03.2024 № 5\n\n\
        Рекомендовать руководителям образовательных организаций:\n\n\
        1. Обеспечить учёт детей, подлежащих обучению, по требованиям ФГОС.\n\n\
        2. Вести учёт посещаемости обучающихся и учёт горячего питания.\n\n\
        3. Учёт обучающихся сверить с требованиями ФГОС до 1 сентября 2024 года.\n";
    let src = edusearch::ingest::from_bytes("reshenie.txt", text.as_bytes()).expect("text");
    build(&[pipeline::parse_source(&src)])
}

#[test]
fn suggestions_and_corrections_show_the_documents_spelling() {
    let c = yo_corpus();
    let words = |q: &str| -> Vec<String> {
        c.index
            .suggest(q)
            .unwrap()
            .suggestions
            .into_iter()
            .filter(|s| s.kind == SuggestionKind::Word)
            .map(|s| s.value)
            .collect()
    };
    // Typed without ё, completed as the documents write it.
    let w = words("вести уче");
    assert!(w.iter().any(|w| w == "вести учёт"), "{w:?}");
    assert!(w.iter().all(|w| !w.contains("учет")), "{w:?}");
    // An abbreviation keeps its capitals.
    assert!(words("по фго").contains(&"по ФГОС".to_string()));
    // A word that starts sentences is not offered capitalised.
    assert!(words("обесп").contains(&"обеспечить".to_string()));
    // The correction of a misspelt word is spelt as in the documents.
    let r = search(&c, "учот детей ", 10);
    assert_eq!(r.suggestion.as_deref(), Some("учёт детей"));
}
