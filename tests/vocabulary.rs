//! The filter vocabulary is defined once and every interface follows it:
//! - every facet appears in `/api/facets` (counts and `vocabulary`), in OpenAPI, in the CLI help and
//!   in the page's labels (`/vocabulary.js`, generated; the widget's written in; none copied in `web/`);
//! - the same parameter values get the same verdict (and message) from `/api/search`,
//!   `/api/entries/{id}/similar`, `edusearch search` and `edusearch similar`.
//!
//! Runs on an index of the bundled seeds built by the CLI.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use edusearch::api::{self, AppState};
use edusearch::index::EntryIndex;
use edusearch::model::{DocKind, EntryType, Level, Role};
use edusearch::search::SearchRequest;
use edusearch::vocabulary::{Facet, Param, Term};
use serde_json::Value;
use tower::ServiceExt;

fn cli(index: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .arg("--index")
        .arg(index)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run edusearch")
}

fn seed_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(dir.path(), &["index"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let resp = api::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 26)
        .await
        .expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

/// Identifiers and labels of a closed set, as `/api/facets` lists them.
fn values_of<T: Term>() -> Vec<Value> {
    T::ALL
        .iter()
        .map(|t| serde_json::json!({"value": t.as_str(), "label_ru": t.label_ru()}))
        .collect()
}

fn ids_of<T: Term>() -> Vec<&'static str> {
    T::ALL.iter().map(|t| t.as_str()).collect()
}

fn closed_values(f: Facet) -> Option<Vec<Value>> {
    match f {
        Facet::Addressee => Some(values_of::<Role>()),
        Facet::Level => Some(values_of::<Level>()),
        Facet::Kind => Some(values_of::<DocKind>()),
        Facet::EntryType => Some(values_of::<EntryType>()),
        Facet::Year | Facet::Topic | Facet::Region => None,
    }
}

#[tokio::test]
async fn every_facet_is_served_documented_and_flagged() {
    let dir = seed_index();
    let state = AppState {
        index: Arc::new(EntryIndex::open(dir.path()).expect("open")),
    };
    let (status, facets) = get(&state, "/api/facets").await;
    assert_eq!(status, StatusCode::OK);
    let (status, openapi) = get(&state, "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let search_help =
        String::from_utf8_lossy(&cli(dir.path(), &["search", "--help"]).stdout).into_owned();
    let similar_help =
        String::from_utf8_lossy(&cli(dir.path(), &["similar", "--help"]).stdout).into_owned();

    let vocabulary = facets["vocabulary"].as_array().expect("vocabulary");
    assert_eq!(vocabulary.len(), Facet::ALL.len());
    for &f in Facet::ALL {
        let param = f.param().name();
        // Counts under the facet's key; the vocabulary entry with its parameter and labels.
        assert!(
            facets[f.key()].is_array(),
            "{f:?}: no counts in /api/facets"
        );
        let v = vocabulary
            .iter()
            .find(|v| v["facet"] == f.as_str())
            .unwrap_or_else(|| panic!("{f:?} not in the vocabulary"));
        assert_eq!(v["param"], param);
        assert_eq!(v["key"], f.key());
        assert_eq!(v["label_ru"], f.label_ru());
        assert_eq!(v["repeatable"], true);
        if let Some(values) = closed_values(f) {
            assert_eq!(v["values"], Value::Array(values), "{f:?}");
        }

        // OpenAPI: a parameter of both endpoints, with the closed values as its enum.
        for path in ["/api/search", "/api/entries/{id}/similar"] {
            let params = openapi["paths"][path]["get"]["parameters"]
                .as_array()
                .expect("parameters");
            let p = params
                .iter()
                .find(|p| p["name"] == param)
                .unwrap_or_else(|| panic!("{param} not documented on {path}"));
            if f != Facet::Addressee
                && let Some(values) = closed_values(f)
            {
                let ids: Vec<&Value> = values.iter().map(|v| &v["value"]).collect();
                let documented: Vec<&Value> = p["schema"]["items"]["enum"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                assert_eq!(documented, ids, "{path} {param}");
            }
        }

        // CLI help of both commands: the flag and the label.
        for help in [&search_help, &similar_help] {
            assert!(
                help.contains(&format!("--{} ", f.param().flag())),
                "--{} missing:\n{help}",
                f.param().flag()
            );
            assert!(help.contains(f.label_ru()), "{f:?} label missing");
        }
    }
    // The schemas of the closed sets list the identifiers.
    for (schema, ids) in [
        ("Level", ids_of::<Level>()),
        ("DocKind", ids_of::<DocKind>()),
        ("EntryType", ids_of::<EntryType>()),
        ("Role", ids_of::<Role>()),
    ] {
        assert_eq!(
            openapi["components"]["schemas"][schema]["enum"],
            Value::from(ids),
            "{schema}"
        );
    }
    // The older parameter name stays accepted and documented.
    assert!(search_help.contains("--type"));

    // The page's labels: the module the server generates from the vocabulary, the same as
    // /api/facets'; the widget gets it written in; neither file in web/ copies a label.
    let module = get_text(&state, "/vocabulary.js").await;
    let json = module
        .split_once("export const VOCABULARY = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("export const VOCABULARY = …;");
    let served: Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(&served, &facets["vocabulary"]);
    let widget = get_text(&state, "/widget.js").await;
    assert!(widget.contains(json) && !widget.contains("/* vocabulary */"));
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    let labels_module = std::fs::read_to_string(web.join("labels.js")).expect("labels.js");
    assert!(labels_module.contains("from './vocabulary.js'"));
    let scripts: Vec<(String, String)> = std::fs::read_dir(&web)
        .expect("web/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".js"))
        .map(|name| {
            let text = std::fs::read_to_string(web.join(&name)).expect("web file");
            (name, text)
        })
        .collect();
    for v in vocabulary {
        let mut labels = vec![v["label_ru"].as_str().unwrap_or_default()];
        labels.extend(
            v["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x["label_ru"].as_str()),
        );
        for label in labels {
            assert!(served.to_string().contains(label));
            for (file, text) in &scripts {
                assert!(
                    !text.contains(&format!("'{label}'")),
                    "web/{file} copies the label «{label}»"
                );
            }
        }
    }
}

async fn get_text(state: &AppState, uri: &str) -> String {
    let resp = api::router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(resp.status(), StatusCode::OK, "{uri}");
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 22)
        .await
        .expect("body");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What an interface answered: accepted, or rejected with a code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Ok,
    Rejected(String),
}

/// Sends `query` to both endpoints and both commands; returns their verdicts (a rejection is a
/// 400 or exit 1, with its English message; the Russian one must be Russian).
async fn verdicts(
    state: &AppState,
    index: &Path,
    entry: &str,
    query: &str,
) -> [(String, Verdict); 4] {
    let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let qs: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{n}={}", enc(v)))
        .collect();
    let qs = qs.join("&");
    let flags: Vec<String> = pairs
        .iter()
        .map(|(n, v)| {
            let flag = Param::named(n).map_or(n.to_string(), |p| {
                if *n == p.name() {
                    p.flag().to_owned()
                } else {
                    n.to_string()
                }
            });
            format!("--{flag}={v}")
        })
        .collect();

    let mut out = Vec::new();
    for (what, uri) in [
        ("/api/search", format!("/api/search?{qs}")),
        ("/similar", format!("/api/entries/{entry}/similar?{qs}")),
    ] {
        let (status, body) = get(state, &uri).await;
        let verdict = match status {
            StatusCode::OK => Verdict::Ok,
            StatusCode::BAD_REQUEST => {
                let ru = body["error"]["message_ru"].as_str().unwrap_or_default();
                for english in [" is ", "must", "unknown", "accepted", "parameter "] {
                    assert!(!ru.contains(english), "{uri}: message_ru «{ru}»");
                }
                Verdict::Rejected(
                    body["error"]["message"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            }
            other => panic!("{uri}: {other} {body}"),
        };
        out.push((what.to_owned(), verdict));
    }
    for command in [vec!["search"], vec!["similar", entry]] {
        let mut args: Vec<&str> = command.clone();
        args.extend(flags.iter().map(String::as_str));
        args.push("--json");
        let o = cli(index, &args);
        let verdict = match o.status.code() {
            Some(0) => Verdict::Ok,
            Some(1) => {
                let err = String::from_utf8_lossy(&o.stderr);
                let message = err
                    .trim()
                    .strip_prefix("edusearch: error: ")
                    .unwrap_or(&err)
                    .to_owned();
                Verdict::Rejected(message)
            }
            // A flag the command does not have: clap's usage error.
            Some(2) => Verdict::Rejected("usage".to_owned()),
            other => panic!(
                "{args:?}: exit {other:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
        };
        out.push((format!("cli {}", command[0]), verdict));
    }
    [
        out[0].clone(),
        out[1].clone(),
        out[2].clone(),
        out[3].clone(),
    ]
}

#[tokio::test]
async fn the_same_values_get_the_same_verdicts_everywhere() {
    let dir = seed_index();
    let index = EntryIndex::open(dir.path()).expect("open");
    let first = index
        .top_entries(&SearchRequest {
            q: "обеспечить".into(),
            limit: 1,
            ..SearchRequest::default()
        })
        .expect("search");
    let entry = first.first().map(|e| e.id.clone()).expect("an entry");
    let state = AppState {
        index: Arc::new(index),
    };
    // (query, accepted?) — every parameter taken by both endpoints.
    let table: &[(&str, bool)] = &[
        ("level=municipal", true),
        ("level=Municipal", true),
        ("level=regional&level=federal", true),
        ("level=district", false),
        ("kind=order", true),
        ("kind= ORDER ", true),
        ("kind=law", false),
        ("entry_type=finding", true),
        ("type=Recommendation", true),
        ("entry_type=advice", false),
        ("year=2021", true),
        ("year=", true),
        ("year=1899", false),
        ("year=2101", false),
        ("year=20x1", false),
        ("year_from=2019&year_to=2021", true),
        ("year_from=2022&year_to=2020", false),
        ("year_from=1000", false),
        ("limit=1", true),
        ("limit=100", true),
        ("limit=0", false),
        ("limit=101", false),
        ("limit=99999999999999999999999", false),
        ("limit=-1", false),
        ("limit=1&limit=2", false),
        ("region=Саратовская область", true),
        ("topic=Цифровая образовательная среда", true),
        ("addressee=school_heads", true),
        ("addressee=Нет такого адресата", true),
        ("deadline_before=2022-01-01", true),
        ("deadline_after=2021-02-30", false),
    ];
    let mut failures = Vec::new();
    for &(query, accepted) in table {
        let got = verdicts(&state, dir.path(), &entry, query).await;
        let first = &got[0].1;
        let agree = got.iter().all(|(_, v)| v == first);
        let expected = if accepted {
            *first == Verdict::Ok
        } else {
            matches!(first, Verdict::Rejected(_))
        };
        if !agree || !expected {
            failures.push(format!("{query}: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Parameters of the search alone: the API and `edusearch search` agree too.
    for (query, accepted) in [
        ("offset=10001", false),
        ("sort=Date", true),
        ("sort=random", false),
    ] {
        let got = verdicts(&state, dir.path(), &entry, query).await;
        assert_eq!(got[0].1 == Verdict::Ok, accepted, "{query}: {got:?}");
        assert_eq!(got[0].1, got[2].1, "{query}: {got:?}");
        assert!(
            matches!(&got[1].1, Verdict::Rejected(m) if m.contains("unknown parameter")),
            "{query}: {got:?}"
        );
    }
}
