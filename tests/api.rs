//! Integration tests of the HTTP API: the real server on an ephemeral port, over HTTP.
//!
//! One server per test binary (a `OnceLock`ed runtime thread) over an index built from the
//! embedded seeds plus one synthetic document whose text holds HTML and emoji. A second server on
//! the same index restricts CORS to one origin. The connection-limit tests start servers of their
//! own and talk raw HTTP/1.1. One test runs the `edusearch serve` binary.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get as route_get;
use edusearch::api::{self, AppState, ServeConfig};
use edusearch::index::{EntryIndex, Opened, PROVENANCE_FILE};
use edusearch::model::{Addressee, DocKind, Document, DocumentMeta, Entry, EntryType, Level, Role};
use edusearch::pipeline::PARSER_VERSION;
use edusearch::search::{SearchRequest, SearchResponse};
use serde_json::Value;
use ureq::http::HeaderMap;

const ALLOWED_ORIGIN: &str = "https://allowed.example";
const HOSTILE_DOC: &str = "zz_hostile_0000000000000000";

struct Server {
    base: String,
    restricted: String,
    index: Arc<EntryIndex>,
    _dir: tempfile::TempDir,
}

/// The shared server (started on first use).
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(start)
}

fn start() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut index = EntryIndex::open_or_build_seeds(dir.path()).expect("index from seeds");
    index
        .add_documents(&[hostile_document()])
        .expect("add hostile document");
    let index = Arc::new(index);
    let state = AppState {
        index: index.clone(),
    };
    let open = common::serve_in_background(state.clone(), ServeConfig::default());
    let config = ServeConfig {
        cors_origins: vec![ALLOWED_ORIGIN.into()],
        ..ServeConfig::default()
    };
    let strict = common::serve_in_background(state, config);
    Server {
        base: format!("http://{open}"),
        restricted: format!("http://{strict}"),
        index,
        _dir: dir,
    }
}

/// A document whose entry text holds markup, an ampersand, quotes and emoji.
fn hostile_document() -> Document {
    let meta = DocumentMeta {
        doc_id: HOSTILE_DOC.into(),
        title: "Резолюция <b>тестового</b> форума & «кавычки»".into(),
        kind: DocKind::Resolution,
        level: Level::Federal,
        region: None,
        municipality: None,
        date: None,
        year: Some(2019),
        number: None,
        source: "tests/hostile.txt".into(),
    };
    let texts = [
        "обеспечить защиту сайтов от <script>alert('xss')</script> и прочих зловредов;",
        "провести фестиваль робототехники «Ёлка & 🤖» для школьников;",
        "утвердить план мероприятий \"по защите\" <img src=x onerror=alert(1)>;",
    ];
    let entries = texts
        .iter()
        .enumerate()
        .map(|(i, text)| Entry {
            id: format!("{HOSTILE_DOC}/s1/b1/e{}", i + 1),
            doc_id: meta.doc_id.clone(),
            doc_title: meta.title.clone(),
            kind: meta.kind,
            level: meta.level,
            region: None,
            municipality: None,
            date: None,
            year: meta.year,
            section: Some("Раздел <i>1</i>".into()),
            topic: Some("Безопасность".into()),
            entry_type: EntryType::Recommendation,
            number: Some(format!("{}", i + 1)),
            addressees: vec![Addressee {
                raw: "Школам".into(),
                canonical: "Школы".into(),
                role: Role::SchoolHeads,
            }],
            deadline: None,
            deadline_text: None,
            responsible: Vec::new(),
            context: None,
            text: (*text).into(),
            position: i as u32,
            block: Some(1),
            block_title: Some("Школам:".into()),
        })
        .collect();
    Document {
        meta,
        entries,
        warnings: Vec::new(),
    }
}

struct Reply {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {:.300}", self.status, self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn is_json(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    }

    /// Asserts a JSON error with this status and code.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.is_json(), "content-type of {}", self.body);
        let j = self.json();
        assert_eq!(j["error"]["code"], code, "{}", self.body);
        assert!(
            j["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(
            j["error"]["message_ru"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn finish(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut resp = resp.expect("HTTP exchange");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

fn get_from(base: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = agent().get(format!("{base}{path}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    finish(req.call())
}

fn get(path: &str) -> Reply {
    get_from(&server().base, path, &[])
}

fn get_ok(path: &str) -> Value {
    let r = get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert!(r.is_json(), "{path}");
    r.json()
}

/// Percent-encodes everything but unreserved characters.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn search(query: &str) -> SearchResponse {
    let r = get(&format!("/api/search?{query}"));
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    serde_json::from_str(&r.body).expect("SearchResponse JSON")
}

fn ids(resp: &SearchResponse) -> Vec<String> {
    resp.hits.iter().map(|h| h.entry.id.clone()).collect()
}

fn counts(values: &[edusearch::search::FacetCount]) -> HashMap<String, u64> {
    values.iter().map(|f| (f.value.clone(), f.count)).collect()
}

// ---------------------------------------------------------------- endpoints

#[test]
fn healthz_reports_counts_and_request_id() {
    let r = get("/healthz");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    let (docs, entries) = server().index.counts().expect("counts");
    assert_eq!(j["status"], "ok");
    assert_eq!(j["index_loaded"], true);
    assert_eq!(j["documents"], docs);
    assert_eq!(j["entries"], entries);
    assert_eq!(docs, 6, "five seeds and the synthetic document");
    assert!(
        entries > 100,
        "the seeds hold hundreds of entries: {entries}"
    );
    assert!(r.header("x-request-id").is_some_and(|v| !v.is_empty()));
    assert_eq!(r.header("cache-control"), Some("no-store"));

    let r = get_from(
        &server().base,
        "/healthz",
        &[("x-request-id", "trace-me-42")],
    );
    assert_eq!(r.header("x-request-id"), Some("trace-me-42"));
}

#[test]
fn healthz_reports_parser_versions() {
    let j = get_ok("/healthz");
    assert_eq!(j["parser_version"], PARSER_VERSION);
    assert_eq!(j["index_parser_version"], PARSER_VERSION);
    assert_eq!(j["stale"], false);
    // The seeds plus a document of the test's own: not rebuildable from the seeds.
    assert_eq!(j["index_source"], "files");

    // An index of the user's files parsed by an older binary is served, and reported stale.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut index = EntryIndex::create(dir.path(), true).expect("create");
    index
        .add_documents(&[hostile_document()])
        .expect("add document");
    let counts = index.counts().expect("counts");
    drop(index);
    std::fs::write(
        dir.path().join(PROVENANCE_FILE),
        "parser: 0\nsource: files\n",
    )
    .expect("write marker");
    let (index, opened) = EntryIndex::open_for_serving(dir.path()).expect("open");
    assert!(matches!(opened, Opened::Stale { .. }), "{opened:?}");
    let state = AppState {
        index: Arc::new(index),
    };
    let app = api::app(state, &ServeConfig::default()).expect("app");
    let (addr, _) = common::spawn_serve(app, ServeConfig::default(), 1, std::future::pending());
    let r = get_from(&format!("http://{addr}"), "/healthz", &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["stale"], true);
    assert_eq!(j["index_parser_version"], 0);
    assert_eq!(j["parser_version"], PARSER_VERSION);
    assert_eq!(j["index_source"], "files");
    assert_eq!(
        (j["documents"].clone(), j["entries"].clone()),
        (counts.0.into(), counts.1.into())
    );

    // Without a marker (older binaries): unknown version, still stale, still served.
    std::fs::remove_file(dir.path().join(PROVENANCE_FILE)).expect("remove marker");
    let j = get_from(&format!("http://{addr}"), "/healthz", &[]).json();
    assert_eq!(j["index_parser_version"], Value::Null);
    assert_eq!(j["index_source"], "unknown");
    assert_eq!(j["stale"], true);
}

#[test]
fn search_matches_the_library_answer() {
    for query in ["школа", "обеспечить методическ", "\"наставничество\"", ""]
    {
        let http = search(&format!("q={}&limit=7", enc(query)));
        let req = SearchRequest {
            q: query.into(),
            limit: 7,
            ..SearchRequest::default()
        };
        let lib = server().index.search(&req).expect("library search");
        assert_eq!(http.total, lib.total, "{query}");
        assert_eq!(ids(&http), ids(&lib), "{query}");
        assert_eq!(http.facets, lib.facets, "{query}");
        let snippets: Vec<_> = http.hits.iter().map(|h| &h.snippet).collect();
        let lib_snippets: Vec<_> = lib.hits.iter().map(|h| &h.snippet).collect();
        assert_eq!(snippets, lib_snippets);
    }
    let r = search("q=школа");
    assert!(r.total > 0);
    assert!(r.hits.len() <= 20, "default limit is 20");
    assert!(r.took_ms >= 0.0);
}

#[test]
fn search_response_has_the_cli_json_shape() {
    let j = get_ok("/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&limit=3");
    let keys: Vec<_> = j.as_object().expect("object").keys().cloned().collect();
    for k in ["total", "took_ms", "hits", "facets"] {
        assert!(keys.contains(&k.to_owned()), "{k} in {keys:?}");
    }
    let hit = &j["hits"][0];
    for k in [
        "score",
        "snippet",
        "id",
        "doc_id",
        "text",
        "addressees",
        "year",
        "entry_type",
    ] {
        assert!(hit.get(k).is_some(), "hit lacks {k}: {hit}");
    }
    for k in [
        "addressee",
        "year",
        "topic",
        "level",
        "kind",
        "region",
        "entry_type",
    ] {
        assert!(j["facets"][k].is_array(), "facet {k}");
    }
}

#[test]
fn facets_false_leaves_the_counts_out_and_nothing_else() {
    let path = "/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&year=2021&limit=5";
    let full = get_ok(path);
    let lean = get_ok(&format!("{path}&facets=false"));
    assert_eq!(lean["total"], full["total"]);
    assert_eq!(lean["hits"], full["hits"]);
    assert!(
        full["facets"]["year"]
            .as_array()
            .is_some_and(|v| !v.is_empty()),
        "{full}"
    );
    for (name, values) in lean["facets"].as_object().expect("facets object") {
        assert_eq!(values.as_array().map(Vec::len), Some(0), "facet {name}");
    }
    assert_eq!(
        get_ok(&format!("{path}&facets=1"))["facets"],
        full["facets"]
    );
    let bad = get(&format!("{path}&facets=maybe"));
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("facets"), "{}", bad.body);
}

#[test]
fn paging_is_consistent() {
    let all = search("q=%D0%BE%D0%B1%D0%B5%D1%81%D0%BF%D0%B5%D1%87%D0%B8%D1%82%D1%8C&limit=6");
    assert!(
        all.total >= 6,
        "need 6 hits for «обеспечить»: {}",
        all.total
    );
    let first = search("q=%D0%BE%D0%B1%D0%B5%D1%81%D0%BF%D0%B5%D1%87%D0%B8%D1%82%D1%8C&limit=3");
    let second =
        search("q=%D0%BE%D0%B1%D0%B5%D1%81%D0%BF%D0%B5%D1%87%D0%B8%D1%82%D1%8C&limit=3&offset=3");
    let joined: Vec<_> = ids(&first).into_iter().chain(ids(&second)).collect();
    assert_eq!(joined, ids(&all));
    let far = search("q=%D0%BE%D0%B1%D0%B5%D1%81%D0%BF%D0%B5%D1%87%D0%B8%D1%82%D1%8C&offset=10000");
    assert!(far.hits.is_empty());
    assert_eq!(far.total, all.total);
}

#[test]
fn browsing_with_filters_keeps_document_order() {
    let r = search("year=2020&limit=100");
    assert!(!r.hits.is_empty());
    assert!(r.hits.iter().all(|h| h.entry.year == Some(2020)));
    let mut order: HashMap<String, Vec<String>> = HashMap::new();
    for h in &r.hits {
        order
            .entry(h.entry.doc_id.clone())
            .or_default()
            .push(h.entry.id.clone());
    }
    for (doc, got) in order {
        let expected: Vec<String> = server()
            .index
            .document_entries(&doc)
            .expect("entries")
            .into_iter()
            .map(|e| e.id)
            .filter(|id| got.contains(id))
            .collect();
        assert_eq!(got, expected, "hits of {doc} are not in document order");
    }
}

#[test]
fn facet_counts_are_disjunctive() {
    let base = search("limit=1");
    let years = counts(&base.facets.year);
    assert!(years.len() >= 2, "seeds span several years: {years:?}");
    let (year, year_count) = years
        .iter()
        .max_by_key(|(_, c)| **c)
        .map(|(y, c)| (y.clone(), *c))
        .expect("a year");

    let filtered = search(&format!("limit=1&year={year}"));
    assert_eq!(filtered.total, year_count);
    // The year facet ignores the year filter: other years keep their unfiltered counts.
    assert_eq!(counts(&filtered.facets.year), years);
    // Other facets shrink to the selected year.
    let kinds_all: u64 = base.facets.kind.iter().map(|f| f.count).sum();
    let kinds_year: u64 = filtered.facets.kind.iter().map(|f| f.count).sum();
    assert_eq!(kinds_year, year_count);
    assert!(kinds_year < kinds_all);

    // Selecting a kind too: the kind facet now ignores only the kind filter.
    let kind = filtered.facets.kind[0].value.clone();
    let both = search(&format!("limit=1&year={year}&kind={kind}"));
    assert_eq!(counts(&both.facets.kind), counts(&filtered.facets.kind));
    assert!(both.total <= year_count);
    let year_counts_with_kind = counts(&both.facets.year);
    assert!(year_counts_with_kind.values().sum::<u64>() <= base.total);
}

#[test]
fn filters_restrict_hits() {
    let r = search("addressee=school_heads&limit=100");
    assert!(r.total > 0);
    for h in &r.hits {
        assert!(
            h.entry
                .addressees
                .iter()
                .any(|a| a.role == Role::SchoolHeads),
            "{} has no school_heads addressee",
            h.entry.id
        );
    }
    let r = search("level=municipal&type=recommendation&limit=100");
    assert!(r.total > 0);
    assert!(
        r.hits.iter().all(|h| h.entry.level == Level::Municipal
            && h.entry.entry_type == EntryType::Recommendation)
    );

    let y2020 = search("year=2020&limit=1").total;
    let y2021 = search("year=2021&limit=1").total;
    let both = search("year=2020&year=2021&limit=1").total;
    assert_eq!(both, y2020 + y2021, "repeated year = any of them");
    assert_eq!(search("year_from=2020&year_to=2021&limit=1").total, both);

    let r = search("deadline_before=2022-01-01&limit=100");
    assert!(r.total > 0, "seed 004 has per-item deadlines");
    for h in &r.hits {
        let d = h.entry.deadline.expect("a deadline");
        assert!(d < chrono::NaiveDate::from_ymd_opt(2022, 1, 1).expect("date"));
    }
    let base = search("limit=1");
    let topic = &base.facets.topic.first().expect("a topic").value;
    let r = search(&format!("topic={}&limit=100", enc(topic)));
    assert!(r.total > 0);
    assert!(
        r.hits
            .iter()
            .all(|h| h.entry.topic.as_deref() == Some(topic.as_str()))
    );
    let region = &base.facets.region.first().expect("a region").value;
    let r = search(&format!("region={}&limit=100", enc(region)));
    assert!(r.total > 0);
    assert!(
        r.hits
            .iter()
            .all(|h| h.entry.region.as_deref() == Some(region.as_str()))
    );
}

#[test]
fn sort_orders() {
    let r = search("sort=date&limit=100");
    let dates: Vec<_> = r.hits.iter().map(|h| h.entry.date).collect();
    let known: Vec<_> = dates.iter().flatten().collect();
    assert!(
        known.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );

    let r = search("sort=deadline&limit=100");
    let deadlines: Vec<_> = r.hits.iter().map(|h| h.entry.deadline).collect();
    let first_none = deadlines
        .iter()
        .position(Option::is_none)
        .unwrap_or(deadlines.len());
    assert!(
        deadlines[first_none..].iter().all(Option::is_none),
        "no deadline last"
    );
    let known: Vec<_> = deadlines[..first_none].iter().flatten().collect();
    assert!(!known.is_empty());
    assert!(known.windows(2).all(|w| w[0] <= w[1]), "earliest first");
}

#[test]
fn snippets_and_bodies_are_html_safe() {
    for q in [
        "<script>alert(1)</script>",
        "script",
        "защиту сайтов",
        "робототехники",
        "img",
    ] {
        let r = get(&format!("/api/search?q={}&limit=100", enc(q)));
        assert!(r.status == 200 || r.status == 400, "{q}: {}", r.body);
        let j = r.json();
        for hit in j["hits"].as_array().into_iter().flatten() {
            let snippet = hit["snippet"].as_str().expect("snippet");
            let bare = snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !bare.contains('<') && !bare.contains('>'),
                "unsafe snippet {snippet}"
            );
        }
    }
    let r = search(&format!("q={}", enc("защиту сайтов")));
    let hit = r
        .hits
        .iter()
        .find(|h| h.entry.doc_id == HOSTILE_DOC)
        .expect("the synthetic entry is found");
    assert!(hit.snippet.contains("&lt;script&gt;"), "{}", hit.snippet);
    assert!(
        hit.entry.text.contains("<script>"),
        "the raw text is kept as data"
    );
    // The page is JSON, so no browser renders it; it is also marked nosniff.
    let raw = get(&format!("/api/search?q={}", enc("<script>")));
    assert_eq!(raw.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn entry_with_neighbours_and_document() {
    let docs = server().index.documents().expect("documents");
    let seed = docs
        .iter()
        .find(|d| d.entries >= 3)
        .expect("a document with 3 entries");
    let entries = server()
        .index
        .document_entries(&seed.doc_id)
        .expect("entries");
    let (first, second, third) = (&entries[0], &entries[1], &entries[2]);

    let j = get_ok(&format!("/api/entries/{}", second.id));
    assert_eq!(j["entry"]["id"], second.id.as_str());
    assert_eq!(j["entry"]["text"], second.text.as_str());
    assert_eq!(j["previous"]["id"], first.id.as_str());
    assert_eq!(j["next"]["id"], third.id.as_str());
    assert_eq!(j["position"], 1);
    assert_eq!(j["document"]["doc_id"], seed.doc_id.as_str());
    assert_eq!(j["document"]["title"], seed.title.as_str());
    assert_eq!(j["document"]["entries"], seed.entries);

    let j = get_ok(&format!("/api/entries/{}", first.id));
    assert!(j["previous"].is_null());
    let last = entries.last().expect("last");
    let j = get_ok(&format!("/api/entries/{}", last.id));
    assert!(j["next"].is_null());

    // Slashes may also come percent-encoded.
    let j = get_ok(&format!("/api/entries/{}", enc(&second.id)));
    assert_eq!(j["entry"]["id"], second.id.as_str());

    get(&format!("/api/entries/{}x", second.id)).assert_error(404, "not_found");
    get("/api/entries/nope").assert_error(404, "not_found");
}

#[test]
fn similar_suffix_is_routed_to_the_comparison_module() {
    let docs = server().index.documents().expect("documents");
    let seed = docs
        .iter()
        .find(|d| d.doc_id.starts_with("000"))
        .expect("seed 000");
    let entries = server()
        .index
        .document_entries(&seed.doc_id)
        .expect("entries");
    let r = get(&format!("/api/entries/{}/similar?limit=3", entries[0].id));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.is_json());
    // The entry endpoint itself is not shadowed by the suffix handling.
    let j = get_ok(&format!("/api/entries/{}", entries[0].id));
    assert_eq!(j["entry"]["id"], entries[0].id.as_str());
    get(&format!("/api/entries/{}/similar?limit=abc", entries[0].id))
        .assert_error(400, "bad_parameter");
    get(&format!(
        "/api/entries/{}/similar?colour=red",
        entries[0].id
    ))
    .assert_error(400, "unknown_parameter");
    get(&format!("/api/entries/{}/similar?limit=%FF", entries[0].id))
        .assert_error(400, "bad_encoding");
    get("/api/entries/nope/similar").assert_error(404, "not_found");
}

#[test]
fn documents_list_and_detail() {
    let j = get_ok("/api/documents");
    let list = j["documents"].as_array().expect("documents");
    assert_eq!(j["total"], list.len());
    assert_eq!(list.len(), 6);
    let total_entries: u64 = list.iter().map(|d| d["entries"].as_u64().expect("n")).sum();
    assert_eq!(total_entries, server().index.counts().expect("counts").1);

    for d in list {
        let id = d["doc_id"].as_str().expect("doc_id");
        assert!(d["title"].as_str().is_some_and(|t| !t.is_empty()), "{d}");
        let detail = get_ok(&format!("/api/documents/{id}"));
        assert_eq!(detail["document"], *d);
        let entries: Vec<&str> = detail["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["id"].as_str().expect("id"))
            .collect();
        assert_eq!(entries.len() as u64, d["entries"].as_u64().expect("n"));
        let outline: Vec<&str> = detail["outline"]
            .as_array()
            .expect("outline")
            .iter()
            .flat_map(|s| s["blocks"].as_array().expect("blocks"))
            .flat_map(|b| b["entries"].as_array().expect("ids"))
            .map(|e| e.as_str().expect("id"))
            .collect();
        assert_eq!(
            outline, entries,
            "outline of {id} lists every entry in order"
        );
    }
    let hostile = get_ok(&format!("/api/documents/{HOSTILE_DOC}"));
    let block = &hostile["outline"][0]["blocks"][0];
    assert_eq!(hostile["outline"][0]["section"], "Раздел <i>1</i>");
    assert_eq!(block["title"], "Школам:");
    assert_eq!(block["addressees"], serde_json::json!(["Школы"]));

    get("/api/documents/unknown_doc").assert_error(404, "not_found");
    get("/api/documents/..%2F..%2Fetc%2Fpasswd").assert_error(404, "not_found");
}

/// The ids of a list of documents.
fn listed_ids(list: &Value) -> Vec<String> {
    list["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["doc_id"].as_str().expect("doc_id").to_owned())
        .collect()
}

#[test]
fn documents_are_found_by_words_filtered_and_paged() {
    let all = get_ok("/api/documents?limit=100");
    let docs = all["documents"].as_array().expect("documents").clone();
    let held = docs.len();
    assert_eq!(all["held"], held);
    assert_eq!(all["total"], held);

    // Pages: in id order, disjoint, together the whole list; each says where it starts.
    let mut paged = Vec::new();
    for offset in (0..held).step_by(2) {
        let page = get_ok(&format!("/api/documents?limit=2&offset={offset}"));
        assert_eq!(page["total"], held);
        assert_eq!(page["offset"], offset);
        paged.extend(listed_ids(&page));
    }
    assert_eq!(paged, listed_ids(&all));
    let mut sorted = paged.clone();
    sorted.sort();
    assert_eq!(paged, sorted);
    assert_eq!(
        listed_ids(&get_ok(&format!("/api/documents?offset={held}"))),
        Vec::<String>::new()
    );

    // Words: a part of a word of the title, any case, ё for е; every word must be there.
    for d in &docs {
        let id = d["doc_id"].as_str().expect("id");
        let title = d["title"].as_str().expect("title");
        let Some(word) = title
            .split(|c: char| !c.is_alphabetic())
            .find(|w| w.chars().count() >= 6 && w.contains(['е', 'Е']))
        else {
            continue;
        };
        let part: String = word.chars().skip(1).take(5).collect();
        let yo = part
            .replacen('е', "ё", 1)
            .replacen('Е', "Ё", 1)
            .to_uppercase();
        for q in [part.to_lowercase(), yo] {
            let found = get_ok(&format!("/api/documents?limit=100&q={}", enc(&q)));
            let ids = listed_ids(&found);
            assert!(ids.iter().any(|i| i == id), "{q} finds {id}: {found}");
            assert_eq!(found["total"], ids.len());
            for listed in found["documents"].as_array().expect("documents") {
                let kind = listed["kind"]
                    .as_str()
                    .and_then(|k| k.parse::<DocKind>().ok())
                    .map(|k| k.label_ru().to_owned());
                let text = [
                    &listed["title"],
                    &listed["municipality"],
                    &listed["region"],
                    &listed["doc_id"],
                    &listed["file"],
                ]
                .iter()
                .filter_map(|v| v.as_str())
                .chain(kind.as_deref())
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
                .replace('ё', "е");
                assert!(
                    text.contains(&q.to_lowercase().replace('ё', "е")),
                    "{q} in {listed}"
                );
            }
        }
        let none = get_ok(&format!("/api/documents?q={}+щщщщщ", enc(&part)));
        assert_eq!(none["total"], 0, "every word must be there");

        // As documents are cited: their kind and year («приказ 2020») find them.
        let kind = d["kind"].as_str().expect("kind");
        let label = kind.parse::<DocKind>().expect("a kind").label_ru();
        if let Some(year) = d["year"].as_i64() {
            let cited = get_ok(&format!(
                "/api/documents?limit=100&q={}+{year}",
                enc(&label.to_lowercase())
            ));
            let ids = listed_ids(&cited);
            for other in &docs {
                if other["kind"] == kind && other["year"] == year {
                    let other_id = other["doc_id"].as_str().expect("id");
                    assert!(ids.iter().any(|i| i == other_id), "{label} {year}: {cited}");
                }
            }
        }
    }

    // Filters: the documents of the full list that have the value, no other.
    for (param, field, value) in [
        ("level", "level", docs[0]["level"].clone()),
        ("kind", "kind", docs[0]["kind"].clone()),
        ("year", "year", docs[0]["year"].clone()),
        ("region", "region", docs[0]["region"].clone()),
    ] {
        let Some(v) = value
            .as_str()
            .map(str::to_owned)
            .or(value.as_i64().map(|y| y.to_string()))
        else {
            continue;
        };
        let want: Vec<String> = docs
            .iter()
            .filter(|d| d[field] == value)
            .map(|d| d["doc_id"].as_str().expect("id").to_owned())
            .collect();
        let got = get_ok(&format!(
            "/api/documents?limit=100&{param}={}",
            enc(&v.to_uppercase())
        ));
        assert_eq!(listed_ids(&got), want, "{param}={v}");
        assert!(!want.is_empty());
        // Facets: the filtered one counted without its own filter, the others with it.
        for facet in ["year", "level", "kind", "region"] {
            let counted: Vec<&Value> = docs
                .iter()
                .filter(|d| facet == field || d[field] == value)
                .collect();
            let mut expected: HashMap<String, u64> = HashMap::new();
            for d in counted {
                let key = match &d[facet] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                *expected.entry(key).or_default() += 1;
            }
            let served: HashMap<String, u64> = got["facets"][facet]
                .as_array()
                .expect("facet")
                .iter()
                .map(|c| {
                    let value = c["value"].as_str().expect("value").to_owned();
                    (value, c["count"].as_u64().expect("count"))
                })
                .collect();
            assert_eq!(served, expected, "{param}={v}: facet {facet}");
        }
    }
    let years: Vec<i64> = docs.iter().filter_map(|d| d["year"].as_i64()).collect();
    let (lo, hi) = (
        years.iter().min().expect("a year"),
        years.iter().max().expect("a year"),
    );
    let from = get_ok(&format!("/api/documents?limit=100&year_from={hi}"));
    assert_eq!(from["total"], years.iter().filter(|y| *y == hi).count());
    let to = get_ok(&format!("/api/documents?limit=100&year_to={lo}"));
    assert_eq!(to["total"], years.iter().filter(|y| *y == lo).count());

    // Bad parameters are 400s naming them; entry filters do not apply to documents.
    get("/api/documents?limit=0").assert_error(400, "bad_parameter");
    get("/api/documents?limit=100000").assert_error(400, "bad_parameter");
    get("/api/documents?offset=-1").assert_error(400, "bad_parameter");
    get("/api/documents?year=20x1").assert_error(400, "bad_parameter");
    get("/api/documents?level=county").assert_error(400, "bad_parameter");
    get("/api/documents?addressee=x").assert_error(400, "unknown_parameter");
    get("/api/documents?sort=date").assert_error(400, "unknown_parameter");
    get("/api/documents?q=a&q=b").assert_error(400, "repeated_parameter");
}

#[test]
fn facets_of_the_whole_corpus() {
    let mut j = get_ok("/api/facets");
    let lib = serde_json::to_value(server().index.facets().expect("facets")).expect("json");
    let vocabulary = j
        .as_object_mut()
        .and_then(|o| o.remove("vocabulary"))
        .expect("vocabulary");
    assert_eq!(j, lib);
    assert_eq!(
        vocabulary,
        serde_json::to_value(edusearch::vocabulary::facets()).expect("json")
    );
    let years: u64 = j["year"]
        .as_array()
        .expect("years")
        .iter()
        .map(|f| f["count"].as_u64().expect("count"))
        .sum();
    assert!(years > 0);
    let roles: Vec<&str> = j["addressee"]
        .as_array()
        .expect("addressee")
        .iter()
        .filter_map(|f| f["value"].as_str())
        .collect();
    assert!(
        roles.iter().any(|v| v.starts_with("/school_heads")),
        "{roles:?}"
    );
}

#[test]
fn openapi_and_swagger_ui() {
    let j = get_ok("/openapi.json");
    assert!(j["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
    for p in [
        "/api/search",
        "/api/entries/{id}",
        "/api/documents/{doc_id}",
        "/healthz",
    ] {
        assert!(j["paths"][p].is_object(), "{p}");
    }
    let r = get("/docs/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("swagger"), "{:.200}", r.body);
}

/// Every file of `web/` is served (`index.html` at `/`, `admin.html` at `/admin`) with its content type, an ETag and
/// caching; the widget gets the vocabulary and `snippet.js` written in, every other file is served as is.
#[test]
fn web_files_are_served_with_content_types() {
    let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    let mut files: Vec<String> = std::fs::read_dir(&web)
        .expect("web/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    files.sort();
    assert!(
        files.iter().any(|f| f == "main.js") && files.len() > 5,
        "{files:?}"
    );
    let snippet_module = std::fs::read_to_string(web.join("snippet.js")).expect("snippet.js");
    let snippet_inline: String = snippet_module
        .lines()
        .map(|l| l.strip_prefix("export ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    for file in &files {
        // The two pages are served at clean addresses; every other file under its own name.
        let path = match file.as_str() {
            "index.html" => "/".to_owned(),
            "admin.html" => "/admin".to_owned(),
            _ => format!("/{file}"),
        };
        let ctype = match file.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => "text/html",
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            other => panic!("web/{file}: no content type known for {other:?}"),
        };
        let r = get(&path);
        assert_eq!(r.status, 200, "web/{file} is not served at {path}");
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with(ctype)),
            "{path}"
        );
        let expected = std::fs::read_to_string(web.join(file))
            .expect("web file")
            .replacen(
                api::assets::VOCABULARY_MARKER,
                &api::assets::vocabulary_json(),
                1,
            )
            .replacen(api::assets::SNIPPET_MARKER, &snippet_inline, 1);
        assert_eq!(r.body, expected, "{path}");
        assert!(r.header("etag").is_some(), "{path}");
        assert!(
            r.header("cache-control")
                .is_some_and(|c| c.contains("max-age")),
            "{path}"
        );
    }
    // The widget is one classic script: the shared snippet helper is written in, not imported.
    let widget = get("/widget.js").body;
    assert!(widget.contains("function snippetParts(html)"));
    assert!(!widget.contains(api::assets::SNIPPET_MARKER));
    assert!(
        !widget
            .lines()
            .any(|l| l.starts_with("export ") || l.starts_with("import "))
    );
    // The page keeps its state in the URL; the query does not matter to the server.
    assert_eq!(
        get("/?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&year=2021").status,
        200
    );
}

// ---------------------------------------------------------------- HTTP behaviour

#[test]
fn etag_and_not_modified() {
    let path = "/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&limit=5";
    let r = get(path);
    let tag = r.header("etag").expect("etag").to_owned();
    assert!(
        r.header("cache-control")
            .is_some_and(|c| c.contains("max-age"))
    );
    let again = get_from(&server().base, path, &[("if-none-match", &tag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(tag.as_str()));
    let other = get("/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&limit=6");
    assert_ne!(other.header("etag"), Some(tag.as_str()));
    let stale = get_from(&server().base, path, &[("if-none-match", "W/\"0\"")]);
    assert_eq!(stale.status, 200);
    for p in ["/api/facets", "/api/documents", "/openapi.json"] {
        let r = get(p);
        let tag = r.header("etag").expect("etag").to_owned();
        assert_eq!(
            get_from(&server().base, p, &[("if-none-match", &tag)]).status,
            304,
            "{p}"
        );
    }
    // Errors are not cached.
    let e = get("/api/search?limit=0");
    assert!(e.header("etag").is_none());
    assert_eq!(e.header("cache-control"), Some("no-store"));
}

#[test]
fn repeated_answers_come_from_the_cache() {
    let path =
        "/api/search?q=%D0%BF%D0%B5%D0%B4%D0%B0%D0%B3%D0%BE%D0%B3%D0%BE%D0%B2&limit=4&year=2021";
    let first = get(path);
    assert_eq!(first.status, 200);
    assert!(first.header("x-cache").is_none());
    let second = get(path);
    assert_eq!(second.header("x-cache"), Some("hit"));
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("etag"), first.header("etag"));
    assert!(second.is_json());
    // Errors are never cached.
    let bad = "/api/search?q=x&limit=500";
    get(bad).assert_error(400, "bad_parameter");
    assert!(get(bad).header("x-cache").is_none());
}

#[test]
fn head_requests() {
    let r = finish(
        agent()
            .head(format!("{}/api/search?q=x", server().base))
            .call(),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
}

#[test]
fn cors_any_origin_by_default() {
    let url = format!("{}/api/search?q=x", server().base);
    let pre = finish(
        agent()
            .options(&url)
            .header("Origin", "https://ministry.example")
            .header("Access-Control-Request-Method", "GET")
            .call(),
    );
    assert!(pre.status == 200 || pre.status == 204, "{}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    let methods = pre.header("access-control-allow-methods").unwrap_or("");
    assert!(methods.contains("GET"), "{methods}");
    let r = get_from(
        &server().base,
        "/api/search?q=x",
        &[("Origin", "https://ministry.example")],
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn cors_origin_can_be_restricted() {
    let base = &server().restricted;
    let ok = get_from(base, "/api/facets", &[("Origin", ALLOWED_ORIGIN)]);
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some(ALLOWED_ORIGIN)
    );
    let other = get_from(base, "/api/facets", &[("Origin", "https://evil.example")]);
    assert!(other.header("access-control-allow-origin").is_none());
    let pre = finish(
        agent()
            .options(format!("{base}/api/search"))
            .header("Origin", "https://evil.example")
            .header("Access-Control-Request-Method", "GET")
            .call(),
    );
    assert!(pre.header("access-control-allow-origin").is_none());
}

#[test]
fn error_classes() {
    for (query, code) in [
        ("sort=random", "bad_parameter"),
        ("limit=-1", "bad_parameter"),
        ("limit=101", "bad_parameter"),
        ("offset=10001", "bad_parameter"),
        ("year=abc", "bad_parameter"),
        ("deadline_before=2021-13-01", "bad_parameter"),
        ("deadline_after=01.02.2021", "bad_parameter"),
        ("level=planetary", "bad_parameter"),
        ("q=a&q=b", "repeated_parameter"),
        ("colour=red", "unknown_parameter"),
        ("q=%FF", "bad_encoding"),
        ("q=a%00b", "bad_encoding"),
    ] {
        get(&format!("/api/search?{query}")).assert_error(400, code);
    }
    get("/no/such/route").assert_error(404, "not_found");
    get("/api/nothing").assert_error(404, "not_found");
    get("/api/facets?x=1").assert_error(400, "unknown_parameter");

    let post = finish(
        agent()
            .post(format!("{}/api/search", server().base))
            .send("q=x"),
    );
    post.assert_error(405, "method_not_allowed");
    assert!(post.header("allow").is_some_and(|a| a.contains("GET")));
    let delete = finish(
        agent()
            .delete(format!("{}/api/documents", server().base))
            .call(),
    );
    delete.assert_error(405, "method_not_allowed");

    let big = vec![b'x'; 100 * 1024];
    let r = finish(
        agent()
            .get(format!("{}/api/search?q=x", server().base))
            .force_send_body()
            .send(&big[..]),
    );
    r.assert_error(413, "payload_too_large");
}

#[test]
fn hostile_inputs_get_json_answers() {
    let ten_kb = "школа ".repeat(1800);
    let paths: Vec<String> = vec![
        "/api/search?limit=99999999999999999999999".into(),
        "/api/search?limit=-5".into(),
        "/api/search?limit=1.5".into(),
        "/api/search?offset=-1".into(),
        "/api/search?offset=abc".into(),
        "/api/search?year=-2021".into(),
        "/api/search?year=2021.0".into(),
        "/api/search?year_from=abc".into(),
        "/api/search?year_from=3000&year_to=1000".into(),
        format!("/api/search?q={}", enc("\"unbalanced quote")),
        format!("/api/search?q={}", enc("\"\"\"")),
        format!("/api/search?q={}", enc("-")),
        format!("/api/search?q={}", enc("-школа")),
        format!("/api/search?q={}", enc("((( [[ {{ ~ ^ * ? : \\")),
        format!("/api/search?q={}", enc("AND OR NOT")),
        format!("/api/search?q={}", enc(&ten_kb)),
        format!("/api/search?q={}", enc(&"ё".repeat(900))),
        "/api/search?q=%00".into(),
        "/api/search?q=%FF%FE".into(),
        "/api/search?q=%E2%82".into(),
        "/api/search?q=%".into(),
        "/api/search?q=%ZZ".into(),
        format!("/api/search?q={}", enc("🤖🎓📚")),
        format!("/api/search?q={}", enc("'; DROP TABLE entries; --")),
        format!("/api/search?q={}", enc("1 OR 1=1")),
        format!("/api/search?q={}", enc("<img src=x onerror=alert(1)>")),
        format!("/api/search?q={}", enc("\u{202e}\u{200b}\u{feff}")),
        "/api/search?q=a&q=b&q=c".into(),
        format!("/api/search?{}", "year=2021&".repeat(60)),
        format!("/api/search?{}", "a=1&".repeat(300)),
        "/api/search?q=x&utm_source=mail".into(),
        "/api/search?&&&=&=x&".into(),
        format!("/api/search?addressee={}", enc(&"я".repeat(400))),
        "/api/search?deadline_before=9999-99-99".into(),
        "/api/search?deadline_after=2021-02-29".into(),
        "/api/search?sort=".into(),
        "/api/search?sort=relevance%00".into(),
        "/api/search?type=recommendation&type=finding&type=provision".into(),
        "/api/entries/..%2F..%2F..%2Fetc%2Fpasswd".into(),
        "/api/entries/%2e%2e/%2e%2e/etc/passwd".into(),
        "/api/entries/%FF".into(),
        "/api/entries/a%00b".into(),
        format!("/api/entries/{}", "x/".repeat(500)),
        "/api/documents/%FF%FE".into(),
        format!("/api/documents/{}", enc("<script>")),
        "/api/../../etc/passwd".into(),
        "/api/search/".into(),
        "/api/facets?limit=5".into(),
        format!("/{}", "a".repeat(4000)),
    ];
    assert!(paths.len() >= 30);
    for path in &paths {
        let r = get(path);
        assert!(
            (200..500).contains(&r.status) && r.status != 304,
            "{path:.120}: status {}",
            r.status
        );
        assert!(r.is_json(), "{path:.120}: not JSON: {:.200}", r.body);
        let j = r.json();
        if r.status >= 400 {
            assert!(j["error"]["code"].is_string(), "{path:.120}: {}", r.body);
            assert!(j["error"]["message_ru"].is_string(), "{path:.120}");
        } else {
            assert!(j["total"].is_u64() || j["entry"].is_object(), "{path:.120}");
        }
        for hit in j["hits"].as_array().into_iter().flatten() {
            let snippet = hit["snippet"].as_str().unwrap_or("");
            let bare = snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(!bare.contains('<'), "{path:.120}: unsafe snippet {snippet}");
        }
    }
}

#[test]
fn concurrent_requests_all_succeed() {
    let handles: Vec<_> = (0..32)
        .map(|i| {
            std::thread::spawn(move || {
                let q = ["школа", "обеспечить", "наставник", "методическ"][i % 4];
                get(&format!("/api/search?q={}&year={}", enc(q), 2020 + i % 2)).status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), 200);
    }
}

// ---------------------------------------------------------------- connection limits

/// The production app over the shared index, served with `config`, until the test binary ends.
fn spawn_app(config: ServeConfig) -> SocketAddr {
    let state = AppState {
        index: server().index.clone(),
    };
    let app = api::app(state, &config).expect("app");
    common::spawn_serve(app, config, 1, std::future::pending()).0
}

/// What waiting for the server gave.
#[derive(Debug, PartialEq)]
enum Wait {
    /// The server closed the connection (EOF or reset).
    Closed,
    /// Nothing came before the deadline.
    TimedOut,
}

/// One response read off a raw connection.
struct RawResponse {
    status: u16,
    head: String,
    body: String,
}

/// A raw HTTP/1.1 connection, for what a client library hides: stalls, keep-alive, pipelining.
struct Raw {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    fn connect(addr: SocketAddr) -> Raw {
        Raw {
            stream: TcpStream::connect(addr).expect("connect"),
            buf: Vec::new(),
        }
    }

    /// Writes `bytes`; `false` if the server has closed the connection.
    fn send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).is_ok()
    }

    /// Reads more bytes into the buffer, waiting at most until `deadline`.
    fn fill(&mut self, deadline: Instant) -> Result<(), Wait> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Wait::TimedOut);
        }
        self.stream
            .set_read_timeout(Some(left))
            .expect("read timeout");
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => Err(Wait::Closed),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Err(Wait::TimedOut)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(()),
            Err(_) => Err(Wait::Closed),
        }
    }

    /// Reads the next response (with a `content-length`), waiting at most `within`.
    fn response(&mut self, within: Duration) -> Result<RawResponse, Wait> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().to_owned())
                    })
                    .and_then(|v| v.parse().ok())
                    .expect("content-length");
                if self.buf.len() >= end + 4 + length {
                    let rest = self.buf.split_off(end + 4 + length);
                    let body = String::from_utf8_lossy(&self.buf[end + 4..]).into_owned();
                    self.buf = rest;
                    let status = head
                        .split_whitespace()
                        .nth(1)
                        .and_then(|s| s.parse().ok())
                        .expect("status");
                    return Ok(RawResponse { status, head, body });
                }
            }
            self.fill(deadline)?;
        }
    }

    /// Waits until the server closes the connection, or `within` passes; the bytes received are
    /// kept in the buffer.
    fn wait_closed(&mut self, within: Duration) -> Wait {
        let deadline = Instant::now() + within;
        loop {
            if let Err(wait) = self.fill(deadline) {
                return wait;
            }
        }
    }
}

const HEALTH_REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";

#[test]
fn slow_header_client_is_disconnected_while_others_are_served() {
    let addr = spawn_app(ServeConfig {
        header_timeout: Some(Duration::from_secs(1)),
        ..ServeConfig::default()
    });
    let mut slow = Raw::connect(addr);
    let started = Instant::now();
    assert!(slow.send(b"GET /healthz HTTP/1.1\r\nHost: test\r\n"));
    // Keep dribbling header bytes: activity must not extend the deadline.
    let mut served_meanwhile = false;
    let closed = loop {
        if !slow.send(b"X") {
            break true;
        }
        if !served_meanwhile {
            let health = get_from(&format!("http://{addr}"), "/healthz", &[]);
            assert_eq!(health.status, 200, "{}", health.body);
            served_meanwhile = true;
        }
        match slow.fill(Instant::now() + Duration::from_millis(200)) {
            Err(Wait::Closed) => break true,
            Err(Wait::TimedOut) if started.elapsed() > Duration::from_secs(8) => break false,
            _ => {}
        }
    };
    let elapsed = started.elapsed();
    assert!(
        closed,
        "the stalled connection is still open after {elapsed:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(900),
        "closed before the timeout: {elapsed:?}"
    );
    assert!(served_meanwhile);
    assert!(
        slow.buf.is_empty(),
        "no answer to a half request: {:?}",
        String::from_utf8_lossy(&slow.buf)
    );
    // The server still takes new connections.
    let mut next = Raw::connect(addr);
    assert!(next.send(HEALTH_REQUEST));
    assert_eq!(
        next.response(Duration::from_secs(10)).map(|r| r.status),
        Ok(200)
    );
}

#[test]
fn keep_alive_and_pipelining_work_and_idle_connections_close() {
    let addr = spawn_app(ServeConfig {
        header_timeout: Some(Duration::from_secs(1)),
        ..ServeConfig::default()
    });
    let mut conn = Raw::connect(addr);
    // Two requests in one write, answered in order on the same connection.
    let pipelined = [
        HEALTH_REQUEST,
        b"GET /api/search?q=x&limit=0 HTTP/1.1\r\nHost: test\r\n\r\n",
    ]
    .concat();
    assert!(conn.send(&pipelined));
    let first = conn
        .response(Duration::from_secs(10))
        .expect("first answer");
    assert_eq!(first.status, 200, "{}", first.head);
    assert!(first.body.contains("\"documents\""), "{}", first.body);
    let second = conn
        .response(Duration::from_secs(10))
        .expect("second answer");
    assert_eq!(second.status, 400, "{}", second.body);
    assert!(second.body.contains("\"error\""), "{}", second.body);
    // Kept alive: a third request on the same connection.
    assert!(conn.send(HEALTH_REQUEST));
    assert_eq!(
        conn.response(Duration::from_secs(10)).map(|r| r.status),
        Ok(200)
    );
    // Idle from here on: closed after the header timeout.
    let idle = Instant::now();
    assert_eq!(conn.wait_closed(Duration::from_secs(8)), Wait::Closed);
    assert!(
        idle.elapsed() >= Duration::from_millis(900),
        "closed too early: {:?}",
        idle.elapsed()
    );
    assert!(conn.buf.is_empty());
}

#[test]
fn connections_beyond_the_cap_wait_until_one_closes() {
    let addr = spawn_app(ServeConfig {
        max_connections: 2,
        header_timeout: Some(Duration::from_secs(60)),
        ..ServeConfig::default()
    });
    // Two keep-alive connections, each answered once (so accepted) and left idle.
    let mut open: Vec<Raw> = (0..2)
        .map(|_| {
            let mut c = Raw::connect(addr);
            assert!(c.send(HEALTH_REQUEST));
            assert_eq!(
                c.response(Duration::from_secs(10)).map(|r| r.status),
                Ok(200)
            );
            c
        })
        .collect();
    // The third is left in the listen backlog: connected, but not answered.
    let mut third = Raw::connect(addr);
    assert!(third.send(HEALTH_REQUEST));
    assert_eq!(
        third.response(Duration::from_millis(500)).err(),
        Some(Wait::TimedOut),
        "served beyond the cap"
    );
    // One of the two closes: the waiting client is accepted and its request answered.
    drop(open.remove(0));
    let answer = third.response(Duration::from_secs(10)).expect("answered");
    assert_eq!(answer.status, 200, "{}", answer.head);
    // The other original connection was never disturbed.
    let kept = &mut open[0];
    assert!(kept.send(HEALTH_REQUEST));
    assert_eq!(
        kept.response(Duration::from_secs(10)).map(|r| r.status),
        Ok(200)
    );
}

#[test]
fn shutdown_closes_idle_connections_and_lets_open_requests_finish() {
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let app = Router::new()
        .route("/fast", route_get(|| async { "fast" }))
        .route(
            "/slow",
            route_get(move || {
                let started = started_tx.clone();
                async move {
                    let _ = started.send(());
                    tokio::time::sleep(Duration::from_millis(800)).await;
                    "slow"
                }
            }),
        );
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stop_rx.await;
    };
    let (addr, thread) = common::spawn_serve(app, ServeConfig::default(), 1, shutdown);

    let mut idle = Raw::connect(addr);
    assert!(idle.send(b"GET /fast HTTP/1.1\r\nHost: test\r\n\r\n"));
    assert_eq!(
        idle.response(Duration::from_secs(10)).map(|r| r.body),
        Ok("fast".into())
    );
    let mut busy = Raw::connect(addr);
    assert!(busy.send(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"));
    started_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the slow request reached its handler");

    stop_tx.send(()).expect("signal shutdown");
    assert_eq!(idle.wait_closed(Duration::from_secs(5)), Wait::Closed);
    assert!(idle.buf.is_empty());
    let answer = busy.response(Duration::from_secs(10)).expect("slow answer");
    assert_eq!((answer.status, answer.body.as_str()), (200, "slow"));
    assert!(
        answer
            .head
            .to_ascii_lowercase()
            .contains("connection: close"),
        "{}",
        answer.head
    );
    let until = Instant::now() + Duration::from_secs(10);
    while !thread.is_finished() {
        assert!(
            Instant::now() < until,
            "serve did not return after shutdown"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        TcpStream::connect(addr).is_err(),
        "new connections are refused after shutdown"
    );
}

// ---------------------------------------------------------------- the binary

#[test]
fn serve_binary_builds_seeds_serves_reloads_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index_dir = dir.path().join("index");
    let mut child = Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--header-timeout-secs",
            "1",
        ])
        .args(["--max-connections", "64", "--index"])
        .arg(&index_dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn edusearch serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    let url = loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no serving line; stderr: {seen:?}"));
        if let Some(rest) = line.split("serving ").nth(1) {
            let url = rest.split_whitespace().next().expect("url");
            break url.trim_end_matches('/').to_owned();
        }
        seen.push(line);
    };
    assert!(
        seen.iter().any(|l| l.contains("bundled seed")),
        "announces the seed build: {seen:?}"
    );
    let health = get_from(&url, "/healthz", &[]);
    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(health.json()["documents"], 5);
    assert_eq!(get_from(&url, "/api/search?q=x&limit=0", &[]).status, 400);

    // `--header-timeout-secs` reaches the server: a half request is cut off.
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .parse()
        .expect("socket address");
    let mut stalled = Raw::connect(addr);
    let sent = Instant::now();
    assert!(stalled.send(b"GET /healthz HTTP/1.1\r\n"));
    assert_eq!(stalled.wait_closed(Duration::from_secs(8)), Wait::Closed);
    assert!(
        sent.elapsed() >= Duration::from_millis(900),
        "{:?}",
        sent.elapsed()
    );

    // Re-indexing while serving: the reader reloads, and neither ETags nor cached answers go stale.
    let search = "/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&limit=1";
    let before = get_from(&url, search, &[]);
    assert_eq!(get_from(&url, search, &[]).header("x-cache"), Some("hit"));
    let extra = dir.path().join("extra_copy_of_002.txt");
    let seed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/002_7462719c375c5678.txt");
    std::fs::copy(seed, &extra).expect("copy a seed");
    let indexed = Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .arg("--index")
        .arg(&index_dir)
        .arg("index")
        .arg(&extra)
        .output()
        .expect("run edusearch index");
    assert!(
        indexed.status.success(),
        "{}",
        String::from_utf8_lossy(&indexed.stderr)
    );
    let until = Instant::now() + Duration::from_secs(30);
    while get_from(&url, "/healthz", &[]).json()["documents"] != 6 {
        assert!(
            Instant::now() < until,
            "the server did not see the new document"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let after = get_from(&url, search, &[]);
    assert_ne!(after.header("etag"), before.header("etag"));
    assert!(
        after.header("x-cache").is_none(),
        "not answered from the old generation"
    );
    let (b, a): (SearchResponse, SearchResponse) = (
        serde_json::from_str(&before.body).expect("json"),
        serde_json::from_str(&after.body).expect("json"),
    );
    assert!(
        a.total > b.total,
        "the copy adds matches: {} -> {}",
        b.total,
        a.total
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let until = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < until, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful exit: {status:?}");
    let built = index_dir.read_dir().map(|d| d.count()).unwrap_or(0);
    assert!(
        built > 0,
        "the index was written to {}",
        index_dir.display()
    );
}

/// Runs `edusearch ARGS` and asserts it succeeded.
fn run_binary(cwd: &std::path::Path, args: &[&std::ffi::OsStr]) {
    let out = Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run edusearch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `edusearch serve` on `index_dir`: the child, its URL and what it wrote to stderr before the
/// serving line.
fn serve_binary(index_dir: &std::path::Path) -> (std::process::Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(index_dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn edusearch serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.split("serving ").nth(1) {
            let url = rest.split_whitespace().next().expect("url");
            // Keep reading, so that the server never writes into a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return (child, url.trim_end_matches('/').to_owned(), seen);
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no serving line; stderr: {seen:?}");
}

fn stop(mut child: std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn serve_binary_rebuilds_an_old_seeds_index_and_warns_about_old_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = |index: &std::path::Path| {
        std::fs::read_to_string(index.join(PROVENANCE_FILE)).expect("read marker")
    };
    let old = |index: &std::path::Path, source: &str| {
        std::fs::write(
            index.join(PROVENANCE_FILE),
            format!("parser: 0\nsource: {source}\n"),
        )
        .expect("write marker");
    };

    // `edusearch index` without paths and without a seeds/ folder indexes the embedded seeds.
    let seeds_index = dir.path().join("seeds_index");
    run_binary(
        dir.path(),
        &[
            "--index".as_ref(),
            seeds_index.as_os_str(),
            "index".as_ref(),
        ],
    );
    assert_eq!(
        marker(&seeds_index),
        format!("parser: {PARSER_VERSION}\nsource: embedded-seeds\n")
    );
    old(&seeds_index, "embedded-seeds");
    let (child, url, said) = serve_binary(&seeds_index);
    let notices: Vec<_> = said
        .iter()
        .filter(|l| l.starts_with("edusearch: "))
        .collect();
    assert_eq!(notices.len(), 1, "{said:?}");
    assert!(
        notices[0].contains("parser version 0") && notices[0].contains("rebuilt"),
        "{said:?}"
    );
    let health = get_from(&url, "/healthz", &[]).json();
    stop(child);
    assert_eq!(health["stale"], false);
    assert_eq!(health["index_source"], "embedded-seeds");
    assert_eq!(health["documents"], 5);
    assert_eq!(
        marker(&seeds_index),
        format!("parser: {PARSER_VERSION}\nsource: embedded-seeds\n")
    );

    // The user's files: served with the old parse, one warning naming both versions.
    let files_index = dir.path().join("files_index");
    let copy = dir.path().join("district_resolution_2020.txt");
    let seed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/002_7462719c375c5678.txt");
    std::fs::copy(seed, &copy).expect("copy a seed");
    run_binary(
        dir.path(),
        &[
            "--index".as_ref(),
            files_index.as_os_str(),
            "index".as_ref(),
            copy.as_os_str(),
        ],
    );
    assert_eq!(
        marker(&files_index),
        format!("parser: {PARSER_VERSION}\nsource: files\n")
    );
    old(&files_index, "files");
    let (child, url, said) = serve_binary(&files_index);
    let warnings: Vec<_> = said
        .iter()
        .filter(|l| l.starts_with("edusearch: warning"))
        .collect();
    assert_eq!(warnings.len(), 1, "{said:?}");
    let w = warnings[0];
    assert!(
        w.contains("parser version 0")
            && w.contains(&format!("version {PARSER_VERSION}"))
            && w.contains("index --rebuild"),
        "{w}"
    );
    let health = get_from(&url, "/healthz", &[]).json();
    stop(child);
    assert_eq!(health["stale"], true);
    assert_eq!(health["index_parser_version"], 0);
    assert_eq!(health["documents"], 1);
    assert_eq!(marker(&files_index), "parser: 0\nsource: files\n");
}
