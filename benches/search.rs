//! Indexing throughput and query latency on a generated corpus.
//!
//! ```text
//! cargo bench --bench search                      # generates 2000 docs with gen_corpus.py
//! EDUSEARCH_BENCH_CORPUS=/tmp/corpus cargo bench --bench search
//! ```
//!
//! Prints indexing MB/s (raw text, end to end: read + decode + parse + index + commit) and
//! entries/s, then median and p99 latency of a mixed list of queries with facets and filters,
//! then runs criterion on a few representative queries.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;
use edusearch::index::{DEFAULT_MATCH_CACHE, DEFAULT_MATCH_MIN_COST, EntryIndex, FileOutcome};
use edusearch::search::{SearchRequest, SortOrder};
use edusearch::{EntryType, Level, ingest};

/// Documents generated when no corpus is given.
const DOCS: usize = 2000;

fn find_generator() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var_os("EDUSEARCH_GEN_CORPUS").map(PathBuf::from),
        Some(manifest.join("../shared/tools/gen_corpus.py")),
        Some(manifest.join("../../shared/tools/gen_corpus.py")),
        Some(PathBuf::from("/work/shared/tools/gen_corpus.py")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file())
}

/// The corpus folder: `EDUSEARCH_BENCH_CORPUS`, or a freshly generated one in `tmp`.
fn corpus(tmp: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("EDUSEARCH_BENCH_CORPUS") {
        return PathBuf::from(dir);
    }
    let generator = find_generator().expect("gen_corpus.py not found; set EDUSEARCH_GEN_CORPUS");
    let out = tmp.join("corpus");
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--docs", &DOCS.to_string(), "--out"])
        .arg(&out)
        .status()
        .expect("run python3");
    assert!(status.success(), "gen_corpus.py failed");
    out
}

/// Indexes the corpus end to end and prints the throughput.
fn index_corpus(corpus: &Path, index_dir: &Path) -> EntryIndex {
    let started = Instant::now();
    let (paths, errors) = ingest::collect_paths(&[corpus.to_path_buf()]);
    let mut index = EntryIndex::create(index_dir, true).expect("create index");
    let mut writer = index.writer().expect("writer");
    let (mut bytes, mut entries, mut docs) = (0u64, 0u64, 0u64);
    for path in &paths {
        bytes += std::fs::metadata(path).map_or(0, |m| m.len());
    }
    writer
        .add_files(&paths, |outcome| {
            if let FileOutcome::Indexed { doc, .. } = outcome {
                entries += doc.entries.len() as u64;
                docs += 1;
            }
        })
        .expect("add files");
    writer.commit().expect("commit");
    let secs = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    println!(
        "indexing: {docs} documents ({} rejected), {entries} entries, {mb:.1} MB in {secs:.2} s \
         → {:.2} MB/s, {:.0} entries/s (read + parse on all cores, index, commit)",
        errors.len(),
        mb / secs,
        entries as f64 / secs,
    );
    index
}

fn request(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.to_string(),
        limit: 10,
        ..SearchRequest::default()
    }
}

/// A mixed workload: short and long queries, phrases, exclusions, filters, sorts, browsing.
fn workload() -> Vec<SearchRequest> {
    let words = [
        "горячее питание",
        "молодой педагог",
        "одарённые дети",
        "классный руководитель",
        "дорожная карта НОР",
        "ШСМ",
        "травля в школе",
        "зарплата учителей",
        "угроза теракта",
        "Проектория",
        "\"Культурный дневник школьника\"",
        "охват детей дополнительным образованием",
        "сетевое взаимодействие с успешными школами",
        "прогноз потребности в педагогических кадрах",
        "обеспечить",
        "образование",
        "профориентация -вуз",
        "\"точка роста\"",
        "2021/2022",
        "функциональная грамотность обучающихся",
        "наставничество",
        "ВПР ЕГЭ ОГЭ",
        "психолого-педагогические классы",
        "цифровая образовательная среда",
        "",
    ];
    let mut out: Vec<SearchRequest> = words.iter().map(|q| request(q)).collect();
    out.push(SearchRequest {
        addressee: vec!["school_heads".into()],
        ..request("обеспечить участие")
    });
    out.push(SearchRequest {
        year_from: Some(2018),
        year_to: Some(2021),
        level: vec![Level::Municipal],
        ..request("методическая служба")
    });
    out.push(SearchRequest {
        entry_type: vec![EntryType::Recommendation],
        sort: SortOrder::Deadline,
        ..request("")
    });
    out.push(SearchRequest {
        sort: SortOrder::Date,
        addressee: vec!["municipal_authority".into(), "school_heads".into()],
        ..request("мониторинг")
    });
    out.push(SearchRequest {
        offset: 100,
        ..request("педагог")
    });
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs the workload several times and prints median and p99 latency: first with every query
/// computed afresh (match cache off), then as repeated requests are served (match cache on:
/// facet clicks, pages and sorts of a query skip its scoring).
fn latency(index: &mut EntryIndex) {
    index.set_match_cache(0, Duration::ZERO);
    latency_of(index, "fresh (match cache off)");
    index.set_match_cache(DEFAULT_MATCH_CACHE, DEFAULT_MATCH_MIN_COST);
    latency_of(index, "repeated (match cache on)");
}

/// Median and p99 latency of the workload on `index` as it is configured.
fn latency_of(index: &EntryIndex, label: &str) {
    let work = workload();
    for r in &work {
        index.search(r).expect("warm-up");
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        for r in &work {
            let t = Instant::now();
            let resp = index.search(r).expect("search");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(resp);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "query latency {label} over {} searches ({} distinct, with facets): median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        work.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0)
    );
    let (docs, entries) = index.counts().expect("counts");
    println!("index: {docs} documents, {entries} entries");
}

fn main() {
    // `cargo test --benches` runs bench binaries without `--bench`: do nothing heavy then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("search bench: run with `cargo bench --bench search`");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = corpus(tmp.path());
    let mut index = index_corpus(&corpus, &tmp.path().join("index"));
    latency(&mut index);

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(50)
        .measurement_time(Duration::from_secs(3));
    for (name, r) in [
        ("words", request("охват детей дополнительным образованием")),
        ("phrase", request("\"Культурный дневник школьника\"")),
        ("frequent", request("обеспечить")),
        ("browse", request("")),
        (
            "filtered",
            SearchRequest {
                addressee: vec!["school_heads".into()],
                year: vec![2021],
                ..request("педагог")
            },
        ),
    ] {
        c.bench_function(&format!("search/{name}"), |b| {
            b.iter(|| index.search(&r).expect("search"))
        });
    }
    // Search as you type and typo tolerance: the drop-down's suggestions (target < 5 ms) and the
    // queries the page sends while a word is half typed or misspelt (match cache off: each
    // computed afresh, as for a new user).
    index.set_match_cache(0, Duration::ZERO);
    for (name, q) in [("word", "целевая модель настав"), ("name", "руковод")]
    {
        c.bench_function(&format!("suggest/{name}"), |b| {
            b.iter(|| index.suggest(q).expect("suggest"))
        });
    }
    for (name, q) in [
        ("prefix", "охват детей дополнительным образ"),
        ("typo", "наставнечество молодых педагогов "),
        ("thesaurus", "ЦОС "),
    ] {
        let r = request(q);
        c.bench_function(&format!("search/{name}"), |b| {
            b.iter(|| index.search(&r).expect("search"))
        });
    }
    c.final_summary();
}
