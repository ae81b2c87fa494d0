//! Benchmarks of the comparison module.
//!
//! - `align/200x200`: alignment of two 200-entry documents built from the seeds (regional items of
//!   001, and a "municipal" document of edited copies of them plus items of 000). Target < 200 ms.
//! - `similar/rescore_500`: rescoring 500 candidates with the similarity measure (the part of
//!   similar-entries that does not depend on the index).
//! - `similar/index`: similar entries for one entry on a real index, when `EDUSEARCH_BENCH_INDEX`
//!   names one (e.g. built with `edusearch --index /tmp/idx index /tmp/corpus` from
//!   `gen_corpus.py --docs 2000 --out /tmp/corpus`). Target < 20 ms.
//!
//! `cargo bench --bench compare`

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use edusearch::compare::{self, AlignOptions, nearest_entries};
use edusearch::index::EntryIndex;
use edusearch::model::{DocKind, Entry, EntryType, Level};
use edusearch::pipeline::SEEDS;
use edusearch::search::SearchRequest;

fn entry(doc: &str, pos: usize, text: String) -> Entry {
    Entry {
        id: format!("{doc}/e{pos}"),
        doc_id: doc.to_owned(),
        doc_title: doc.to_owned(),
        kind: DocKind::Resolution,
        level: Level::Regional,
        region: None,
        municipality: None,
        date: None,
        year: Some(2021),
        section: None,
        topic: None,
        entry_type: EntryType::Recommendation,
        number: None,
        addressees: Vec::new(),
        deadline: None,
        deadline_text: None,
        responsible: Vec::new(),
        context: None,
        text,
        position: pos as u32,
        block: None,
        block_title: None,
    }
}

/// Items of a seed: its text cut at `;`, `:` and sentence ends, whitespace collapsed, ≥ 5 words.
fn seed_items(index: usize) -> Vec<String> {
    let text = SEEDS.get(index).map(|s| s.1).unwrap_or_default();
    text.split([';', ':', '.'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.split(' ').count() >= 5)
        .collect()
}

/// Deterministic edit: drop every 7th word, replace е by ё in every 5th, re-wrap.
fn edit(text: &str, k: usize) -> String {
    text.split(' ')
        .enumerate()
        .filter(|(i, _)| !(i + k).is_multiple_of(7))
        .map(|(i, w)| {
            if i.is_multiple_of(5) {
                w.replace('е', "ё")
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(if k.is_multiple_of(2) { " " } else { "\n" })
}

fn documents() -> (Vec<Entry>, Vec<Entry>) {
    let regional: Vec<Entry> = seed_items(1)
        .into_iter()
        .take(200)
        .enumerate()
        .map(|(i, t)| entry("regional", i, t))
        .collect();
    let own = seed_items(0);
    let municipal: Vec<Entry> = (0..200)
        .map(|i| {
            let text = match (i % 10, regional.get(i), own.get(i)) {
                (0..=6, Some(r), _) => edit(&r.text, i),
                (_, _, Some(o)) => o.clone(),
                _ => format!("пункт {i}"),
            };
            entry("municipal", i, text)
        })
        .collect();
    (municipal, regional)
}

fn bench_align(c: &mut Criterion) {
    let (m, r) = documents();
    assert_eq!(
        (m.len(), r.len()),
        (200, 200),
        "seed items for the benchmark"
    );
    let opts = AlignOptions::default();
    c.bench_function("align/200x200", |b| {
        b.iter(|| compare::align("municipal", "regional", black_box(&m), black_box(&r), &opts))
    });
}

fn bench_rescore(c: &mut Criterion) {
    let (m, r) = documents();
    let pool: Vec<Entry> = (0..3)
        .flat_map(|k| r.iter().map(move |e| (k, e)))
        .enumerate()
        .map(|(i, (k, e))| entry(&format!("d{k}"), i, e.text.clone()))
        .take(500)
        .collect();
    let query = &m[3];
    c.bench_function("similar/rescore_500", |b| {
        b.iter(|| {
            nearest_entries(
                pool.as_slice(),
                black_box(query),
                &SearchRequest::default(),
                10,
            )
        })
    });
}

fn bench_similar_index(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("EDUSEARCH_BENCH_INDEX").map(PathBuf::from) else {
        eprintln!("similar/index: skipped (set EDUSEARCH_BENCH_INDEX to an index directory)");
        return;
    };
    let index = match EntryIndex::open(&dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("similar/index: skipped ({e})");
            return;
        }
    };
    let mut sample: Vec<Entry> = Vec::new();
    for d in index
        .documents()
        .unwrap_or_default()
        .iter()
        .step_by(97)
        .take(20)
    {
        sample.extend(
            index
                .document_entries(&d.doc_id)
                .unwrap_or_default()
                .into_iter()
                .take(2),
        );
    }
    if sample.is_empty() {
        eprintln!("similar/index: skipped (empty index)");
        return;
    }
    let (n, _) = index.counts().unwrap_or((0, 0));
    eprintln!(
        "similar/index: {n} documents, {} sample entries",
        sample.len()
    );
    report_latency(&index, &sample);
    let mut i = 0;
    c.bench_function("similar/index", |b| {
        b.iter(|| {
            i = (i + 1) % sample.len();
            nearest_entries(&index, black_box(&sample[i]), &SearchRequest::default(), 10)
        })
    });
}

/// CPU time of this process in milliseconds (Linux `/proc/self/stat`), if available. On a shared
/// machine wall time mostly measures the neighbours; CPU time per call does not.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 * 10.0)
}

/// Prints latency percentiles and CPU time per call of similar-entries over the sample.
fn report_latency(index: &EntryIndex, sample: &[Entry]) {
    const CALLS: usize = 400;
    let cpu0 = cpu_ms();
    let mut lat: Vec<f64> = (0..CALLS)
        .map(|i| {
            let t = std::time::Instant::now();
            let r = nearest_entries(
                index,
                &sample[i % sample.len()],
                &SearchRequest::default(),
                10,
            );
            black_box(r.ok());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let cpu = cpu0.zip(cpu_ms()).map(|(a, b)| (b - a) / CALLS as f64);
    lat.sort_by(f64::total_cmp);
    let pct = |p: usize| lat[(lat.len() * p / 100).min(lat.len() - 1)];
    eprintln!(
        "similar/index: {CALLS} calls: wall p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms; CPU {} ms/call",
        pct(50),
        pct(90),
        pct(99),
        cpu.map_or("?".into(), |c| format!("{c:.2}"))
    );
}

criterion_group!(benches, bench_align, bench_rescore, bench_similar_index);
criterion_main!(benches);
