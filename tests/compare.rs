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
#[ignore = "needs the parser (ingest/clean/segment) from main"]
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
#[ignore = "needs the parser (ingest/clean/segment) from main"]
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
