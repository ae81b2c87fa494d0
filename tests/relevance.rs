//! Relevance mechanisms on the real seeds (thesaurus, word families, typos, prefixes), each
//! checked against the engine with the mechanism's own input, plus the evaluation helper of the
//! own query set `tests/eval/queries.json` (ignored: `tests/eval/run.sh` runs and scores it).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use edusearch::index::EntryIndex;
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
