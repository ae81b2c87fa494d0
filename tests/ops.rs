//! Operations and the HTTP edge: JSON errors for what hyper answers itself, the `Host` rule, fully
//! Russian `message_ru`, OpenAPI for users, `/metrics`, export (CSV/NDJSON).
//!
//! One server per test binary over an index of the embedded seeds, on an ephemeral port; the edge
//! tests talk raw HTTP/1.1 over TCP, as a hostile client would.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use axum::http::StatusCode;
use edusearch::api::{ApiError, AppState, ServeConfig};
use edusearch::error::Error;
use edusearch::index::EntryIndex;
use serde_json::Value;

struct Server {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(start)
}

fn start() -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = EntryIndex::open_or_build_seeds(dir.path()).expect("index from seeds");
    let state = AppState {
        index: std::sync::Arc::new(index),
    };
    Server {
        addr: common::serve_in_background(state, ServeConfig::default()),
        _dir: dir,
    }
}

/// One answer read off a raw connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {:?}",
                self.head,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a JSON error with `code` and a fully Russian `message_ru`.
    fn assert_error(&self, status: u16, code: &str, request: &str) {
        assert_eq!(self.status, status, "{request:.100}: {}", self.head);
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{request:.100}: {}",
            self.head
        );
        let j = self.json();
        assert_eq!(j["error"]["code"], code, "{request:.100}: {j}");
        assert!(j["error"]["message"].is_string());
        assert_russian(j["error"]["message_ru"].as_str().unwrap_or(""), request);
    }
}

/// Sends `bytes` on a new connection and reads every answer until the server closes it.
fn exchange(bytes: &[u8]) -> Vec<Answer> {
    let mut stream = TcpStream::connect(server().addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The server may close before reading everything (it answered already): ignore write errors.
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    split_answers(&raw)
}

fn split_answers(mut raw: &[u8]) -> Vec<Answer> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&raw[..end]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_owned())
            })
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let body_end = (end + 4 + length).min(raw.len());
        out.push(Answer {
            status,
            head,
            body: raw[end + 4..body_end].to_vec(),
        });
        raw = &raw[body_end..];
    }
    out
}

fn get(target: &str) -> Answer {
    let request = format!("GET {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    exchange(request.as_bytes())
        .pop()
        .unwrap_or_else(|| panic!("no answer to {target:.100}"))
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Asserts that `message` is Russian: no Latin word outside «quotes», except words of the request
/// the user sent (parameter names, values).
fn assert_russian(message: &str, request: &str) {
    assert!(
        message.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я')),
        "{request:.100}: not Russian: {message}"
    );
    let mut outside = String::new();
    let mut depth = 0usize;
    for c in message.chars() {
        match c {
            '«' => depth += 1,
            '»' => depth = depth.saturating_sub(1),
            c if depth == 0 => outside.push(c),
            _ => outside.push(' '),
        }
    }
    let sent = percent_decode(request);
    for word in outside.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.chars().any(|c| c.is_ascii_alphabetic()) {
            assert!(
                sent.contains(word),
                "{request:.100}: Latin word {word:?} in message_ru: {message}"
            );
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------- the HTTP edge

#[test]
fn requests_hyper_cannot_read_get_json_errors() {
    let long_uri = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: t\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /healthz HTTP/1.1\r\nHost: t\r\n{many_headers}\r\n");
    let huge = format!(
        "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "y".repeat(500_000)
    );
    for (request, status, code) in [
        (
            "GET /healthz HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n".to_owned(),
            400,
            "malformed_request",
        ),
        (
            "GET /he llo HTTP/1.1\r\nHost: t\r\n\r\n".to_owned(),
            400,
            "malformed_request",
        ),
        (
            "\u{1}\u{2}garbage\r\n\r\n".to_owned(),
            400,
            "malformed_request",
        ),
        (long_uri, 414, "uri_too_long"),
        (many, 431, "headers_too_large"),
        (huge, 431, "headers_too_large"),
    ] {
        let answers = exchange(request.as_bytes());
        assert_eq!(answers.len(), 1, "{request:.60}: {answers:?}");
        answers[0].assert_error(status, code, "");
        assert_eq!(answers[0].header("connection").as_deref(), Some("close"));
    }
}

#[test]
fn a_bad_request_after_a_good_one_on_the_same_connection_gets_json_too() {
    let answers = exchange(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nBAD REQUEST LINE\r\n\r\n");
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_eq!(answers[0].status, 200);
    assert_eq!(answers[0].json()["status"], "ok");
    answers[1].assert_error(400, "malformed_request", "");
}

#[test]
fn http11_needs_exactly_one_valid_host() {
    for request in [
        "GET /healthz HTTP/1.1\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n",
        "GET /api/search?q=x HTTP/1.1\r\nConnection: close\r\n\r\n",
    ] {
        let answers = exchange(request.as_bytes());
        assert_eq!(answers.len(), 1, "{request}: {answers:?}");
        answers[0].assert_error(400, "bad_host", "");
    }
    // HTTP/1.0 has no Host requirement; HTTP/1.1 with one Host is served.
    for request in [
        "GET /healthz HTTP/1.0\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n",
    ] {
        let answers = exchange(request.as_bytes());
        assert_eq!(answers[0].status, 200, "{request}: {answers:?}");
    }
}

#[test]
fn every_message_ru_is_russian() {
    let unknown_doc = get("/api/documents/nope").json();
    assert_eq!(unknown_doc["error"]["code"], "not_found");
    let entry = get("/api/search?q=&limit=1").json()["hits"][0]["id"]
        .as_str()
        .map(str::to_owned)
        .expect("an entry");
    let doc = entry.split('/').next().unwrap_or_default().to_owned();
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/documents/nope".into(), 404, "not_found"),
        ("/api/entries/nope/s1/b1/e1".into(), 404, "not_found"),
        ("/api/entries/nope/similar".into(), 404, "not_found"),
        ("/no/such/page".into(), 404, "not_found"),
        (
            format!("/api/align?from={doc}&to=unknown"),
            404,
            "not_found",
        ),
        ("/api/align?from=x".into(), 400, "missing_parameter"),
        (
            format!("/api/align?from={doc}&to={doc}&min_score=2"),
            400,
            "bad_parameter",
        ),
        (
            format!("/api/align?from={doc}&to={doc}&min_score=abc"),
            400,
            "bad_parameter",
        ),
        (format!("/api/compare?a={entry}&b=zzz"), 404, "not_found"),
        ("/api/compare?a=1".into(), 400, "missing_parameter"),
        ("/api/compare?a=1&a=2&b=3".into(), 400, "repeated_parameter"),
        (
            format!("/api/entries/{entry}/similar?level=galactic"),
            400,
            "bad_parameter",
        ),
        (
            format!("/api/entries/{entry}/similar?kind=poem"),
            400,
            "bad_parameter",
        ),
        (
            format!("/api/entries/{entry}/similar?limit=0"),
            400,
            "bad_parameter",
        ),
        (
            format!("/api/entries/{entry}/similar?year=soon"),
            400,
            "bad_parameter",
        ),
        ("/api/search?sort=random".into(), 400, "bad_parameter"),
        ("/api/search?level=planetary".into(), 400, "bad_parameter"),
        ("/api/search?facets=maybe".into(), 400, "bad_parameter"),
        ("/api/search?limit=101".into(), 400, "bad_parameter"),
        ("/api/search?year=abc".into(), 400, "bad_parameter"),
        (
            "/api/search?year_from=2022&year_to=2020".into(),
            400,
            "bad_parameter",
        ),
        (
            "/api/search?deadline_before=tomorrow".into(),
            400,
            "bad_parameter",
        ),
        ("/api/search?colour=red".into(), 400, "unknown_parameter"),
        ("/api/facets?x=1".into(), 400, "unknown_parameter"),
        ("/api/search?q=a&q=b".into(), 400, "repeated_parameter"),
        ("/api/search?q=%FF".into(), 400, "bad_encoding"),
        ("/api/search?q=a%00b".into(), 400, "bad_encoding"),
        (
            format!("/api/search?q={}", "я".repeat(1001)),
            400,
            "parameter_too_long",
        ),
    ];
    for (target, status, code) in &cases {
        get(target).assert_error(*status, code, target);
    }
    let post = exchange(
        b"POST /api/search HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nq=x",
    );
    post[0].assert_error(405, "method_not_allowed", "");
    let big = exchange(
        b"GET /api/search HTTP/1.1\r\nHost: t\r\nContent-Length: 999999\r\nConnection: close\r\n\r\n",
    );
    big[0].assert_error(413, "payload_too_large", "");
}

#[test]
fn error_constructors_say_it_in_russian() {
    let mut errors: Vec<ApiError> = (400..600)
        .filter_map(|s| StatusCode::from_u16(s).ok())
        .flat_map(|s| {
            [
                ApiError::for_status(s, "Failed to deserialize query string: missing field"),
                ApiError::unreadable(s),
            ]
        })
        .collect();
    errors.extend([
        ApiError::not_found("document", "x"),
        ApiError::not_found("entry", "x"),
        ApiError::not_found("thing", "x"),
        ApiError::no_route("/x"),
        ApiError::internal(),
        ApiError::timeout(),
        ApiError::bad_host(),
        ApiError::from(Error::InvalidInput("bad CORS origin".into())),
        ApiError::from(Error::NotFound("unknown document id: x".into())),
        ApiError::from(Error::Index("segment lost".into())),
    ]);
    for e in errors {
        assert_russian(&e.message_ru, "");
    }
}

#[test]
fn openapi_is_written_for_users() {
    let doc = get("/openapi.json").json();
    let required = |path: &str, name: &str| -> Option<bool> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()?
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["required"].as_bool())
    };
    for (path, name) in [
        ("/api/align", "from"),
        ("/api/align", "to"),
        ("/api/compare", "a"),
        ("/api/compare", "b"),
    ] {
        assert_eq!(required(path, name), Some(true), "{path} {name}");
    }
    assert_eq!(required("/api/align", "min_score"), Some(false));
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let summary = item["get"]["summary"].as_str().unwrap_or("");
        assert!(!summary.is_empty(), "{path}: no summary");
        // A summary tells a user what they get, not how the server routes or delegates.
        for word in [
            "serves", "route", "delegat", "handler", "wildcard", "module", "/api/",
        ] {
            assert!(
                !summary.to_lowercase().contains(word),
                "{path}: summary {summary:?} mentions {word:?}"
            );
        }
    }
}

// ---------------------------------------------------------------- /metrics

fn scrape() -> prometheus_parse::Scrape {
    let answer = get("/metrics");
    assert_eq!(answer.status, 200, "{}", answer.head);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|c| c.contains("text")),
        "{}",
        answer.head
    );
    let text = answer.text();
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("parse")
}

fn value(scrape: &prometheus_parse::Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .and_then(|s| match &s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => Some(*v),
            prometheus_parse::Value::Histogram(buckets) => buckets.last().map(|b| b.count),
            prometheus_parse::Value::Summary(_) => None,
        })
}

#[test]
fn metrics_count_requests_caches_and_the_index() {
    let health = get("/healthz").json();
    let before = scrape();
    let ok = [("route", "/healthz"), ("status", "200")];
    let n0 = value(&before, "edusearch_http_requests_total", &ok).expect("healthz counted");
    get("/healthz");
    get("/healthz");
    get("/api/documents/unknown-document");
    exchange(b"GET /healthz HTTP/1.1\r\nHost: t\r\nno colon\r\n\r\n");
    let q = format!("/api/search?q={}", enc("школа"));
    get(&q);
    get(&q);
    let after = scrape();
    let n1 = value(&after, "edusearch_http_requests_total", &ok).expect("healthz counted");
    assert_eq!(n1 - n0, 2.0);
    let not_found = [("route", "/api/documents/:doc_id"), ("status", "404")];
    assert!(value(&after, "edusearch_http_requests_total", &not_found).unwrap_or(0.0) >= 1.0);
    // Histograms: one observation per request of the route.
    let seconds = "edusearch_http_request_duration_seconds";
    let h0 = value(&before, seconds, &[("route", "/healthz")]).expect("histogram");
    let h1 = value(&after, seconds, &[("route", "/healthz")]).expect("histogram");
    assert_eq!(h1 - h0, 2.0);
    // Requests hyper could not read are counted too (other tests send some at the same time).
    let unreadable = |s: &prometheus_parse::Scrape| {
        value(
            s,
            "edusearch_http_unreadable_requests_total",
            &[("status", "400")],
        )
        .expect("unreadable requests")
    };
    assert!(unreadable(&after) >= unreadable(&before) + 1.0);
    // The second identical search is answered from the answer cache.
    let hits = |s: &prometheus_parse::Scrape| {
        value(
            s,
            "edusearch_cache_lookups_total",
            &[("cache", "answer"), ("result", "hit")],
        )
        .unwrap_or(0.0)
    };
    assert!(hits(&after) > hits(&before));
    assert!(
        value(
            &after,
            "edusearch_cache_lookups_total",
            &[("cache", "match"), ("result", "miss")]
        )
        .is_some()
    );
    assert_eq!(
        value(&after, "edusearch_index_documents", &[]),
        health["documents"].as_f64()
    );
    assert_eq!(
        value(&after, "edusearch_index_entries", &[]),
        health["entries"].as_f64()
    );
    assert!(value(&after, "edusearch_index_generation", &[]).is_some());
    let committed =
        value(&after, "edusearch_index_last_commit_timestamp_seconds", &[]).expect("commit time");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    assert!(committed > 1.6e9 && committed <= now + 1.0, "{committed}");
    let labels: HashMap<String, usize> = after
        .samples
        .iter()
        .filter(|s| s.metric == "edusearch_http_requests_total")
        .filter_map(|s| s.labels.get("route").map(str::to_owned))
        .fold(HashMap::new(), |mut m, r| {
            *m.entry(r).or_default() += 1;
            m
        });
    assert!(
        labels.keys().all(|r| !r.contains("unknown-document")),
        "ids never become labels: {labels:?}"
    );
}

// ---------------------------------------------------------------- logging

/// A Russian text without sections, lead-ins or addressee blocks: `parse` warns about it.
const UNSTRUCTURED: &str = "Настоящая записка описывает общие подходы к организации работы школ \
района в новом учебном году.\n\nШколы продолжают обновлять содержание образования, развивать \
кадровый потенциал и укреплять связи с родителями обучающихся.\n\nОсобое внимание уделяется \
поддержке молодых педагогов и наставничеству в педагогических коллективах.\n";

fn parse_stderr(extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("zapiska.txt");
    std::fs::write(&file, UNSTRUCTURED).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(extra)
        .arg("parse")
        .arg(&file)
        .env_remove("EDUSEARCH_LOG")
        .env_remove("EDUSEARCH_LOG_FORMAT")
        .env_remove("NO_COLOR")
        .output()
        .expect("run edusearch");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn warnings_are_logged_once_and_without_colour_codes_off_a_terminal() {
    let stderr = parse_stderr(&[]);
    assert_eq!(stderr.matches("no sections").count(), 1, "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in a pipe: {stderr:?}"
    );
}

#[test]
fn log_format_json_writes_one_object_per_line() {
    let stderr = parse_stderr(&["--log-format", "json"]);
    let lines: Vec<Value> = stderr
        .lines()
        .filter(|l| l.contains("no sections"))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert_eq!(lines[0]["level"], "WARN");
    assert!(
        lines[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("zapiska"))
    );
    assert!(!stderr.contains('\u{1b}'));
}

// ---------------------------------------------------------------- export

struct Download {
    content_type: String,
    exposed: String,
    disposition: String,
    total: u64,
    body: Vec<u8>,
}

fn download(path_and_query: &str) -> Download {
    let url = format!("http://{}{path_and_query}", server().addr);
    let mut resp = ureq::get(&url).call().expect("export answer");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let content_type = header("content-type");
    let exposed = header("access-control-expose-headers").to_ascii_lowercase();
    let disposition = header("content-disposition");
    let total = header("x-total-count").parse().expect("x-total-count");
    let body = resp.body_mut().read_to_vec().expect("body");
    Download {
        content_type,
        exposed,
        disposition,
        total,
        body,
    }
}

/// Every hit of a JSON search, page by page: `(id, doc_title, text)`.
fn all_hits(query: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    loop {
        let page = get(&format!(
            "/api/search?{query}&limit=100&offset={}",
            out.len()
        ))
        .json();
        let hits = page["hits"].as_array().cloned().unwrap_or_default();
        if hits.is_empty() {
            break;
        }
        for h in hits {
            let s = |k: &str| h[k].as_str().unwrap_or_default().to_owned();
            out.push((s("id"), s("doc_title"), s("text")));
        }
    }
    out
}

/// Rows of a CSV export read back with the `csv` crate: `(id, doc_title, text)`.
fn csv_rows(body: &[u8]) -> Vec<(String, String, String)> {
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "no UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&body[3..]);
    let headers = reader.headers().expect("header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (id, title, text) = (col("id"), col("doc_title"), col("text"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("CSV record");
            assert_eq!(r.len(), headers.len());
            let cell = |i: usize| r.get(i).unwrap_or_default().to_owned();
            (cell(id), cell(title), cell(text))
        })
        .collect()
}

#[test]
fn csv_export_round_trips_to_the_entries_of_the_search() {
    for query in [
        format!("q={}", enc("школа")),
        "q=&level=regional&sort=date".to_owned(),
        format!("q={}&type=recommendation", enc("обеспечить")),
    ] {
        let expected = all_hits(&query);
        assert!(!expected.is_empty(), "{query}");
        let csv = download(&format!("/api/search?{query}&format=csv"));
        assert_eq!(csv.content_type, "text/csv; charset=utf-8");
        assert!(
            csv.disposition.starts_with("attachment;") && csv.disposition.contains(".csv"),
            "{}",
            csv.disposition
        );
        assert_eq!(csv.total, expected.len() as u64);
        assert!(
            csv.exposed.contains("x-total-count"),
            "browsers on other origins may read the total: {}",
            csv.exposed
        );
        let rows = csv_rows(&csv.body);
        assert_eq!(rows, expected, "{query}");
    }
}

#[test]
fn ndjson_export_holds_whole_entries() {
    let query = format!("q={}", enc("наставничество"));
    let expected = all_hits(&query);
    let nd = download(&format!("/api/search?{query}&format=ndjson"));
    assert_eq!(nd.content_type, "application/x-ndjson");
    let text = String::from_utf8(nd.body).expect("UTF-8");
    let entries: Vec<edusearch::Entry> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("an entry per line"))
        .collect();
    let got: Vec<_> = entries
        .into_iter()
        .map(|e| (e.id, e.doc_title, e.text))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn compressed_exports_end_properly() {
    // Compression polls the body once more after its end; the export must end cleanly, whole.
    let mut stream = TcpStream::connect(server().addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "GET /api/search?q={}&format=csv HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\
         Connection: close\r\n\r\n",
        enc("школа")
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    assert!(read.is_ok(), "connection reset: {read:?}");
    let head = String::from_utf8_lossy(&raw[..raw.len().min(2000)]).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head:.300}");
    assert!(head.contains("content-encoding: gzip"), "{head:.300}");
    assert!(
        raw.ends_with(b"0\r\n\r\n"),
        "the chunked body is not terminated"
    );
    // The server is still there.
    assert_eq!(get("/healthz").status, 200);
}

#[test]
fn export_errors_are_those_of_the_search() {
    for (target, code) in [
        ("/api/search?format=xlsx", "bad_parameter"),
        ("/api/search?format=csv&format=csv", "repeated_parameter"),
        ("/api/search?format=csv&level=galactic", "bad_parameter"),
        ("/api/search?format=csv&colour=red", "unknown_parameter"),
    ] {
        get(target).assert_error(400, code, target);
    }
    // `format=json` is the ordinary search.
    assert!(get("/api/search?q=&format=json").json()["hits"].is_array());
}

#[test]
fn cli_export_writes_the_same_rows() {
    let query = "школа";
    let expected = all_hits(&format!("q={}", enc(query)));
    let out_dir = tempfile::tempdir().expect("tempdir");
    let file = out_dir.path().join("export.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .arg("--index")
        .arg(server()._dir.path())
        .args(["export", query, "--format", "csv", "--output"])
        .arg(&file)
        .status()
        .expect("run edusearch export");
    assert!(status.success());
    let rows = csv_rows(&std::fs::read(&file).expect("export file"));
    assert_eq!(rows, expected);
    let limited = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .arg("--index")
        .arg(server()._dir.path())
        .args(["export", query, "--format", "ndjson", "--max-rows", "3"])
        .output()
        .expect("run edusearch export");
    assert!(limited.status.success());
    assert_eq!(String::from_utf8_lossy(&limited.stdout).lines().count(), 3);
    assert!(String::from_utf8_lossy(&limited.stderr).contains("wrote 3 of"));
}

#[test]
fn serve_with_json_logs_writes_json_lines_only() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .arg("--index")
        .arg(dir.path().join("index"))
        .args([
            "--log-format",
            "json",
            "--log",
            "info",
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.expect("stderr line");
        let serving = line.contains("serving http://");
        lines.push(line);
        if serving {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        lines.iter().any(|l| l.contains("serving http://")),
        "{lines:?}"
    );
    for line in &lines {
        let object: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            object["level"].is_string() && object["timestamp"].is_string(),
            "{line}"
        );
    }
}
