//! Comparison on the real seeds: alignment of the Rtishchevo 2021 resolution (000) with the Saratov
//! regional resolution 2021 (001) against a hand-made fixture, and the JSON contract of alignments.

use edusearch::compare::{self, AlignOptions, Alignment, text};
use edusearch::model::{Document, Entry};
use edusearch::pipeline;

#[path = "fixtures/align_000_001.rs"]
mod fixture;

const MUNICIPAL: &str = "000_09d3111d1cb66d39";
const REGIONAL: &str = "001_cea0fd4304aef64b";

/// Words lowercased, ё→е, joined by one space: punctuation and line breaks do not matter.
fn norm(s: &str) -> String {
    text::words(s)
        .into_iter()
        .map(|w| w.folded)
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains(haystack: &str, needle: &str) -> bool {
    format!(" {} ", norm(haystack)).contains(&format!(" {} ", norm(needle)))
}

fn seed(doc_id: &str) -> Document {
    let src = pipeline::embedded_seeds()
        .into_iter()
        .find(|s| s.doc_id == doc_id)
        .unwrap_or_else(|| panic!("embedded seed {doc_id} is missing"));
    let doc = pipeline::parse_source(&src);
    assert!(
        !doc.entries.is_empty(),
        "the parser found no entries in {doc_id}"
    );
    doc
}

/// Precision, recall and the share of correct "added locally" answers of an alignment over the
/// fixture. Prints every mistake. Returns (precision, recall, null accuracy, resolved items).
pub fn evaluate(alignment: &Alignment, from: &[Entry], to: &[Entry]) -> (f64, f64, f64, usize) {
    let (mut predicted, mut correct, mut truth_pairs, mut truth_nulls, mut right_nulls) =
        (0, 0, 0, 0, 0);
    let mut resolved = 0;
    for (m_text, r_text) in fixture::TRUTH {
        let hits: Vec<&Entry> = from.iter().filter(|e| contains(&e.text, m_text)).collect();
        let [m_entry] = hits.as_slice() else {
            println!(
                "fixture item not resolved to one entry ({} found): {m_text}",
                hits.len()
            );
            continue;
        };
        if let Some(r) = r_text {
            let n = to.iter().filter(|e| contains(&e.text, r)).count();
            assert_eq!(
                n, 1,
                "regional text of the fixture must name one entry: {r}"
            );
        }
        resolved += 1;
        let pair = alignment
            .pairs
            .iter()
            .find(|p| p.from.id == m_entry.id)
            .unwrap_or_else(|| panic!("{} is not in the alignment", m_entry.id));
        let got: Vec<&str> = pair
            .to
            .iter()
            .chain(&pair.also)
            .map(|t| t.text.as_str())
            .collect();
        match r_text {
            Some(r) => {
                truth_pairs += 1;
                if !got.is_empty() {
                    predicted += 1;
                }
                if got.iter().any(|t| contains(t, r)) {
                    correct += 1;
                } else {
                    println!(
                        "MISS  {m_text}\n   want {r}\n   got  {got:?} (score {})",
                        pair.score
                    );
                }
            }
            None => {
                truth_nulls += 1;
                if got.is_empty() {
                    right_nulls += 1;
                } else {
                    predicted += 1;
                    println!("FALSE {m_text}\n   got  {got:?} (score {})", pair.score);
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    (
        ratio(correct, predicted),
        ratio(correct, truth_pairs),
        ratio(right_nulls, truth_nulls),
        resolved,
    )
}

#[test]
fn alignment_000_to_001_matches_the_hand_made_fixture() {
    let m = seed(MUNICIPAL);
    let r = seed(REGIONAL);
    let a = compare::align(
        MUNICIPAL,
        REGIONAL,
        &m.entries,
        &r.entries,
        &AlignOptions::default(),
    );
    assert_eq!(a.pairs.len(), m.entries.len());
    let (precision, recall, nulls, resolved) = evaluate(&a, &m.entries, &r.entries);
    println!(
        "alignment 000 → 001 on {resolved} fixture items: precision {precision:.3}, recall {recall:.3}, \
         added-locally accuracy {nulls:.3}"
    );
    assert!(
        resolved >= 40,
        "only {resolved} fixture items found in the parsed entries"
    );
    assert!(precision >= 0.9, "precision {precision:.3}");
    assert!(recall >= 0.9, "recall {recall:.3}");
    assert!(nulls >= 0.8, "added-locally accuracy {nulls:.3}");
}

#[test]
fn alignment_json_lists_every_entry_once() {
    let m = seed(MUNICIPAL);
    let r = seed(REGIONAL);
    let a = compare::align(
        MUNICIPAL,
        REGIONAL,
        &m.entries,
        &r.entries,
        &AlignOptions::default(),
    );
    let json = serde_json::to_value(&a).expect("serialisable");
    assert_eq!(json["from_doc"], MUNICIPAL);
    assert_eq!(json["to_doc"], REGIONAL);
    let pairs = json["pairs"].as_array().expect("pairs");
    let ids: Vec<&str> = pairs
        .iter()
        .filter_map(|p| p["from"]["id"].as_str())
        .collect();
    let want: Vec<&str> = m.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, want, "every municipal entry once, in document order");
    // Every regional entry is either someone's counterpart or listed as not adopted, never both.
    let mut seen: Vec<&str> = pairs
        .iter()
        .flat_map(|p| {
            p["to"]["id"].as_str().into_iter().chain(
                p["also"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x["id"].as_str()),
            )
        })
        .collect();
    let unmatched: Vec<&str> = json["unmatched_to"]
        .as_array()
        .expect("unmatched_to")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    for u in &unmatched {
        assert!(!seen.contains(u), "{u} both paired and unmatched");
    }
    seen.extend(unmatched);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), r.entries.len());
    for p in pairs {
        let score = p["score"].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&score));
        assert!(p["from"]["text"].is_string());
        assert_eq!(p["to"].is_null(), p["relation"].is_null());
    }
}

/// An index of the seeds built by the CLI in a temporary directory.
fn seed_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(dir.path(), &["index"]);
    assert!(
        out.status.success(),
        "index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn cli(index: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--index")
        .arg(index)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run edusearch")
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn cli_align_similar_compare_on_the_seed_index() {
    let dir = seed_index();
    let a = json_of(&cli(dir.path(), &["align", MUNICIPAL, REGIONAL, "--json"]));
    let pairs = a["pairs"].as_array().expect("pairs");
    assert!(pairs.len() >= 40, "{} pairs", pairs.len());
    let identical = pairs
        .iter()
        .find(|p| p["relation"] == "identical")
        .expect("000 copies some items of 001 verbatim");
    let (from, to) = (
        identical["from"]["id"].as_str().unwrap_or_default(),
        identical["to"]["id"].as_str().unwrap_or_default(),
    );

    // The regional original is among the entries most similar to the municipal copy, with S = 1.
    let s = json_of(&cli(
        dir.path(),
        &["similar", from, "--json", "--limit", "5"],
    ));
    let similar = s["similar"].as_array().expect("similar");
    assert!(
        similar.iter().any(|e| e["id"] == to && e["score"] == 1.0),
        "{s}"
    );
    let scores: Vec<f64> = similar.iter().filter_map(|e| e["score"].as_f64()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    assert!(
        similar.iter().all(|e| e["doc_id"] != MUNICIPAL),
        "own document excluded"
    );
    let only_2020 = json_of(&cli(
        dir.path(),
        &["similar", from, "--json", "--year", "2020"],
    ));
    let years: Vec<&serde_json::Value> = only_2020["similar"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["year"])
        .collect();
    assert!(years.iter().all(|y| **y == 2020), "{years:?}");

    let c = json_of(&cli(dir.path(), &["compare", from, to, "--json"]));
    assert_eq!(c["relation"], "identical");
    assert_eq!(c["score"], 1.0);

    // Human output: plain diff marks when piped.
    let edited = pairs
        .iter()
        .find(|p| p["relation"] == "edited")
        .expect("000 edits some items of 001");
    let out = cli(
        dir.path(),
        &[
            "compare",
            edited["to"]["id"].as_str().unwrap_or_default(),
            edited["from"]["id"].as_str().unwrap_or_default(),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[-") || text.contains("{+"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when piped");

    // A reader that stops early (`| head`) ends the program quietly with code 0.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .arg("--index")
        .arg(dir.path())
        .args(["align", MUNICIPAL, REGIONAL, "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut head = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().expect("stdout"), &mut head).expect("read");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let human = cli(dir.path(), &["align", MUNICIPAL, REGIONAL]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("added locally") && text.contains("Not adopted"),
        "{text}"
    );
}

#[test]
fn cli_unknown_ids_and_bad_parameters_fail_with_exit_1() {
    let dir = seed_index();
    for (args, msg) in [
        (
            vec!["compare", "nope/e1", "nope/e2"],
            "unknown entry id: nope/e1",
        ),
        (vec!["similar", "nope/e1"], "unknown entry id: nope/e1"),
        (vec!["align", "nope", REGIONAL], "unknown document id: nope"),
        (
            vec!["align", MUNICIPAL, REGIONAL, "--min-score", "1.5"],
            "min_score",
        ),
        (
            vec!["similar", "x", "--level", "district"],
            "level: unknown value 'district'; accepted: federal, regional, municipal",
        ),
    ] {
        let out = cli(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[tokio::test]
async fn api_compare_endpoints() {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use edusearch::api::{self, AppState};
    use edusearch::index::EntryIndex;
    use tower::ServiceExt;

    let dir = seed_index();
    let index = EntryIndex::open(dir.path()).expect("open index");
    let state = AppState {
        index: Arc::new(index),
    };
    let get = |uri: String| {
        let app = api::router(state.clone());
        async move {
            let resp = app
                .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24)
                .await
                .expect("body");
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default(),
            )
        }
    };

    let (st, a) = get(format!(
        "/api/align?from={MUNICIPAL}&to={REGIONAL}&min_score=0.3"
    ))
    .await;
    assert_eq!(st, StatusCode::OK);
    let pairs = a["pairs"].as_array().expect("pairs");
    assert!(pairs.len() >= 40);
    assert!(a["unmatched_to"].is_array());
    let p = pairs
        .iter()
        .find(|p| p["relation"] == "edited")
        .expect("edited pair");
    let (from, to) = (
        p["from"]["id"].as_str().unwrap_or_default().to_owned(),
        p["to"]["id"].as_str().unwrap_or_default().to_owned(),
    );

    let (st, c) = get(format!("/api/compare?a={from}&b={to}")).await;
    assert_eq!(st, StatusCode::OK);
    let ops: Vec<&str> = c["diff"]["tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["op"].as_str())
        .collect();
    assert!(ops.contains(&"equal") && (ops.contains(&"insert") || ops.contains(&"delete")));

    for (uri, status, code) in [
        (
            format!("/api/compare?a={from}"),
            StatusCode::BAD_REQUEST,
            "missing_parameter",
        ),
        (
            format!("/api/compare?a={from}&b=nope"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/align?from=nope&to=x".to_owned(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            format!("/api/align?from={MUNICIPAL}&to={REGIONAL}&min_score=abc"),
            StatusCode::BAD_REQUEST,
            "bad_parameter",
        ),
    ] {
        let (st, body) = get(uri.clone()).await;
        assert_eq!(st, status, "{uri}");
        assert_eq!(body["error"]["code"], code, "{uri}");
    }

    let (st, doc) = get("/openapi.json".to_owned()).await;
    assert_eq!(st, StatusCode::OK);
    for path in ["/api/entries/{id}/similar", "/api/align", "/api/compare"] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} not in /openapi.json"
        );
    }

    let (st, body) = get(format!(
        "/api/entries/{from}/similar?limit=3&level=regional"
    ))
    .await;
    assert_eq!(st, StatusCode::OK);
    let similar = body["similar"].as_array().expect("similar");
    assert!(!similar.is_empty() && similar.len() <= 3, "{body}");
    assert!(similar.iter().all(|e| e["level"] == "regional"), "{body}");
    for (uri, status, code) in [
        (
            format!("/api/entries/{from}/similar?limit=0"),
            StatusCode::BAD_REQUEST,
            "bad_parameter",
        ),
        (
            format!("/api/entries/{from}/similar?level=x"),
            StatusCode::BAD_REQUEST,
            "bad_parameter",
        ),
        (
            format!("/api/entries/{from}/similar?colour=red"),
            StatusCode::BAD_REQUEST,
            "unknown_parameter",
        ),
        (
            "/api/entries/nope/similar".to_owned(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let (st, body) = get(uri.clone()).await;
        assert_eq!(st, status, "{uri}");
        assert_eq!(body["error"]["code"], code, "{uri}");
    }
}

mod properties {
    use edusearch::compare::{DiffOp, similarity, text, word_diff};
    use proptest::prelude::*;

    fn folded_words(s: &str) -> Vec<String> {
        text::words(s).into_iter().map(|w| w.folded).collect()
    }

    fn words_of(tokens: &[edusearch::compare::DiffToken], keep: DiffOp) -> Vec<String> {
        tokens
            .iter()
            .filter(|t| t.op == DiffOp::Equal || t.op == keep)
            .flat_map(|t| folded_words(&t.text))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn measure_is_bounded_and_symmetric(a in "\\PC{0,80}", b in "\\PC{0,80}") {
            let ab = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert_eq!(ab, similarity(&b, &a));
        }

        #[test]
        fn diff_rebuilds_both_texts(
            a in "[а-яёА-ЯЁa-z0-9 ,.;«»\\-\n]{0,120}",
            b in "[а-яёА-ЯЁa-z0-9 ,.;«»\\-\n]{0,120}",
        ) {
            let d = word_diff(&a, &b);
            prop_assert_eq!(words_of(&d.tokens, DiffOp::Delete), folded_words(&a));
            prop_assert_eq!(words_of(&d.tokens, DiffOp::Insert), folded_words(&b));
            prop_assert!((0.0..=1.0).contains(&d.changed));
        }
    }
}
