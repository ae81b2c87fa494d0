//! Integration tests of the document write endpoints (`POST`/`PUT`/`DELETE /api/documents`), the
//! document store beside the index, and the `documents` / `remove` / `reindex` commands.
//!
//! Each test starts its own server over its own index (built from the embedded seeds) and
//! uploads real documents from `tests/fixtures/real/`. The crash test runs the `edusearch serve`
//! binary and kills it (SIGKILL) while uploads are under way.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use edusearch::api::documents::{AdminToken, DocumentsConfig};
use edusearch::api::{AppState, ServeConfig};
use edusearch::index::EntryIndex;
use serde_json::Value;

const TOKEN: &str = "test-admin-token-0123456789";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(name)
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("read fixture")
}

/// What the pipeline makes of a fixture when it is read under `doc_id`: the expected entries.
fn parsed(name: &str, doc_id: &str) -> edusearch::Document {
    let mut src = edusearch::ingest::read_file(&fixture(name)).expect("fixture reads");
    src.doc_id = doc_id.to_owned();
    edusearch::pipeline::parse_source(&src)
}

/// A server on its own index; dropped with the test.
struct Server {
    base: String,
    index_dir: PathBuf,
    _dir: tempfile::TempDir,
}

fn start(token: Option<&str>, upload_limit: usize) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let index_dir = dir.path().join("index");
    let index = EntryIndex::open_or_build_seeds(&index_dir).expect("index from seeds");
    let config = ServeConfig {
        documents: DocumentsConfig {
            admin_token: token.map(|t| AdminToken::new(t).expect("token")),
            upload_limit,
        },
        ..ServeConfig::default()
    };
    let state = AppState {
        index: Arc::new(index),
    };
    let addr = common::serve_in_background(state, config);
    Server {
        base: format!("http://{addr}"),
        index_dir,
        _dir: dir,
    }
}

struct Reply {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {:.300}", self.status, self.body))
    }

    /// Asserts a JSON error with this status and code, and a Russian message in Cyrillic.
    fn assert_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        let j = self.json();
        assert_eq!(j["error"]["code"], code, "{}", self.body);
        let ru = j["error"]["message_ru"].as_str().unwrap_or_default();
        assert!(
            ru.chars().any(|c| matches!(c, 'а'..='я')),
            "message_ru is Russian: {ru:?}"
        );
        assert!(
            j["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        j
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

fn finish(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut resp = resp.expect("HTTP exchange");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

fn get(base: &str, path: &str) -> Reply {
    finish(agent().get(format!("{base}{path}")).call())
}

/// A multipart/form-data body with one file part.
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----edusearch-test-boundary-7f3a";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn auth(token: &str) -> String {
    format!("Bearer {token}")
}

/// `POST /api/documents` as multipart.
fn upload(base: &str, token: Option<&str>, name: &str, bytes: &[u8]) -> Reply {
    let (content_type, body) = multipart(name, bytes);
    let mut req = agent()
        .post(format!("{base}/api/documents"))
        .header("content-type", &content_type);
    if let Some(t) = token {
        req = req.header("authorization", &auth(t));
    }
    finish(req.send(&body[..]))
}

/// `PUT /api/documents/{id}` with a raw body and `?filename=`.
fn replace_raw(base: &str, id: &str, name: &str, bytes: &[u8]) -> Reply {
    finish(
        agent()
            .put(format!("{base}/api/documents/{id}?filename={name}"))
            .header("authorization", &auth(TOKEN))
            .header("content-type", "text/plain; charset=utf-8")
            .send(bytes),
    )
}

fn delete(base: &str, id: &str, token: Option<&str>) -> Reply {
    let mut req = agent().delete(format!("{base}/api/documents/{id}"));
    if let Some(t) = token {
        req = req.header("authorization", &auth(t));
    }
    finish(req.call())
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

/// Document ids of the hits of a search (all pages up to 100 hits).
fn hit_docs(base: &str, q: &str) -> Vec<String> {
    let r = get(base, &format!("/api/search?q={}&limit=100", enc(q)));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["doc_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The first gold quote of a fixture (real wording of one of its entries).
fn gold_quote(file: &str) -> String {
    let gold: Value = serde_json::from_slice(&fixture_bytes("gold.json")).expect("gold.json");
    gold["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .find(|d| d["file"] == file)
        .and_then(|d| d["entries"][0]["quote"].as_str())
        .expect("a quote")
        .to_owned()
}

/// The store's manifest (an absent store: no documents, nothing pending).
fn manifest(index_dir: &Path) -> Value {
    match std::fs::read(index_dir.join("store/manifest.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes).expect("manifest JSON"),
        Err(_) => serde_json::json!({"documents": [], "pending": null}),
    }
}

fn stored_ids(index_dir: &Path) -> Vec<String> {
    manifest(index_dir)["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["doc_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const FIRST: &str = "01_stavropolskiy_prikaz_2009.txt";
const SECOND: &str = "05_rostovskaya_postanovlenie_2012.txt";

/// The list of documents has `doc` (as parsed) under `id`, found by a word of its title and by
/// its id, with its title and entry count as they are now (not as an earlier version had them).
fn assert_listed(base: &str, id: &str, doc: &edusearch::Document) {
    let word = doc
        .meta
        .title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.chars().count() > 4)
        .expect("a word in the title");
    for q in [word.to_uppercase(), id.to_owned()] {
        let list = get(base, &format!("/api/documents?limit=100&q={}", enc(&q))).json();
        let found: Vec<&Value> = list["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .filter(|d| d["doc_id"] == id)
            .collect();
        assert_eq!(found.len(), 1, "{q}: {list}");
        assert_eq!(found[0]["title"], doc.meta.title.as_str());
        assert_eq!(found[0]["entries"], doc.entries.len());
        assert!(
            list["total"].as_u64() < list["held"].as_u64(),
            "{q} narrows: {list}"
        );
    }
}

#[test]
fn upload_replace_delete_round_trip() {
    let s = start(Some(TOKEN), 1 << 20);
    let quote = gold_quote(FIRST);
    assert!(
        !hit_docs(&s.base, &quote).contains(&"prikaz_stavropol".to_owned()),
        "not there before"
    );

    // Upload: answered with the id, entry counts and warnings; searchable at once.
    let r = upload(
        &s.base,
        Some(TOKEN),
        "prikaz_stavropol.txt",
        &fixture_bytes(FIRST),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let j = r.json();
    let id = j["doc_id"].as_str().expect("doc_id").to_owned();
    assert_eq!(id, "prikaz_stavropol");
    let expected = parsed(FIRST, &id);
    assert!(!expected.entries.is_empty());
    assert_eq!(j["entries"], expected.entries.len());
    assert_eq!(j["removed_entries"], 0);
    assert_eq!(j["name"], "prikaz_stavropol.txt");
    assert_eq!(
        j["warnings"].as_array().map(Vec::len),
        Some(expected.warnings.len())
    );
    let by_type: u64 = j["entry_types"]
        .as_object()
        .expect("entry_types")
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(by_type, expected.entries.len() as u64);
    assert_eq!(
        r.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/api/documents/prikaz_stavropol")
    );
    assert!(hit_docs(&s.base, &quote).contains(&id), "searchable");
    assert_listed(&s.base, &id, &expected);
    let detail = get(&s.base, &format!("/api/documents/{id}"));
    assert_eq!(detail.status, 200, "{}", detail.body);
    let texts: Vec<String> = detail.json()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    let want: Vec<String> = expected.entries.iter().map(|e| e.text.clone()).collect();
    assert_eq!(texts, want, "the same entries as parsing the file");
    assert_eq!(stored_ids(&s.index_dir), vec![id.clone()]);

    // The same name again gets an id with the content hash; the same file twice is a conflict.
    let again = upload(
        &s.base,
        Some(TOKEN),
        "prikaz_stavropol.txt",
        &fixture_bytes(SECOND),
    );
    assert_eq!(again.status, 201, "{}", again.body);
    let other = again.json()["doc_id"].as_str().expect("id").to_owned();
    assert!(
        other.starts_with("prikaz_stavropol_") && other != id,
        "{other}"
    );
    let dup = upload(
        &s.base,
        Some(TOKEN),
        "prikaz_stavropol.txt",
        &fixture_bytes(SECOND),
    );
    dup.assert_error(409, "duplicate");
    assert_eq!(delete(&s.base, &other, Some(TOKEN)).status, 200);

    // Replace (raw body): the old entries are gone, the new ones are there, the id stays.
    let r = replace_raw(&s.base, &id, "postanovlenie.txt", &fixture_bytes(SECOND));
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["doc_id"], id.as_str());
    assert_eq!(j["removed_entries"], expected.entries.len());
    let replaced = parsed(SECOND, &id);
    assert_eq!(j["entries"], replaced.entries.len());
    assert!(!hit_docs(&s.base, &quote).contains(&id), "old text gone");
    assert!(
        hit_docs(&s.base, &gold_quote(SECOND)).contains(&id),
        "new text searchable"
    );
    assert_listed(&s.base, &id, &replaced);
    let stored = manifest(&s.index_dir);
    assert_eq!(stored["documents"][0]["name"], "postanovlenie.txt");
    assert_eq!(
        stored["documents"][0]["sha256"],
        edusearch::store::sha256_hex(&fixture_bytes(SECOND)).as_str()
    );
    let objects = std::fs::read_dir(s.index_dir.join("store/objects"))
        .expect("objects")
        .count();
    assert_eq!(objects, 1, "the replaced original is deleted");

    // Delete: gone from search, the document list and the store.
    let r = delete(&s.base, &id, Some(TOKEN));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["removed_entries"], replaced.entries.len());
    assert_eq!(r.json()["had_original"], true);
    assert!(!hit_docs(&s.base, &gold_quote(SECOND)).contains(&id));
    get(&s.base, &format!("/api/documents/{id}")).assert_error(404, "not_found");
    let list = get(&s.base, &format!("/api/documents?q={}", enc(&id))).json();
    assert_eq!(list["total"], 0, "{list}");
    assert!(stored_ids(&s.index_dir).is_empty());
    delete(&s.base, &id, Some(TOKEN)).assert_error(404, "not_found");
    replace_raw(&s.base, &id, "x.txt", &fixture_bytes(FIRST)).assert_error(404, "not_found");
}

#[test]
fn tokens_guard_the_write_endpoints_only() {
    let off = start(None, 1 << 20);
    let j = upload(&off.base, Some(TOKEN), "a.txt", &fixture_bytes(FIRST))
        .assert_error(403, "uploads_disabled");
    assert!(
        j["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--admin-token-file")),
        "says how to turn them on"
    );
    delete(&off.base, "000_09d3111d1cb66d39", Some(TOKEN)).assert_error(403, "uploads_disabled");

    let on = start(Some(TOKEN), 1 << 20);
    let r = upload(&on.base, None, "a.txt", &fixture_bytes(FIRST));
    r.assert_error(401, "unauthorized");
    assert!(
        r.headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("bearer")),
        "{:?}",
        r.headers
    );
    upload(
        &on.base,
        Some("wrong-token-0123456789"),
        "a.txt",
        &fixture_bytes(FIRST),
    )
    .assert_error(403, "forbidden");
    upload(
        &on.base,
        Some(&TOKEN[..TOKEN.len() - 1]),
        "a.txt",
        &fixture_bytes(FIRST),
    )
    .assert_error(403, "forbidden");
    delete(&on.base, "000_09d3111d1cb66d39", None).assert_error(401, "unauthorized");
    let basic = finish(
        agent()
            .delete(format!("{}/api/documents/000_09d3111d1cb66d39", on.base))
            .header("authorization", &format!("Basic {TOKEN}"))
            .call(),
    );
    basic.assert_error(401, "unauthorized");
    // Nothing changed; reads need no token.
    assert_eq!(get(&on.base, "/api/documents").json()["total"], 5);
    assert_eq!(get(&on.base, "/api/search?q=школа").status, 200);
    assert!(!on.index_dir.join("store/manifest.json").exists());
}

#[test]
fn oversize_wrong_type_and_bad_requests_are_json_errors() {
    let s = start(Some(TOKEN), 16 * 1024);
    // A real document repeated past the upload limit (but under the general one by far).
    let big: Vec<u8> = fixture_bytes(FIRST).repeat(12);
    assert!(big.len() > 16 * 1024);
    upload(&s.base, Some(TOKEN), "big.txt", &big).assert_error(413, "payload_too_large");
    replace_raw(&s.base, "000_09d3111d1cb66d39", "big.txt", &big)
        .assert_error(413, "payload_too_large");
    // The upload limit is the uploads' own: the general 64 KB body limit is not applied to them.
    let s2 = start(Some(TOKEN), 1 << 20);
    let mut large = Vec::new();
    for name in [FIRST, SECOND] {
        large.extend_from_slice(&fixture_bytes(name));
        large.extend_from_slice(b"\n\n");
    }
    let seed =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/001_cea0fd4304aef64b.txt"))
            .expect("seed");
    assert!(seed.len() > 64 * 1024);
    let r = upload(&s2.base, Some(TOKEN), "big_seed_copy.txt", &seed);
    assert_eq!(r.status, 201, "{}", r.body);

    // Binary content → 415; an extension that is not read → 415; empty → 422.
    let mut binary = b"\x89PNG\r\n\x1a\n".to_vec();
    binary.extend((0u8..=255).cycle().take(4000));
    upload(&s.base, Some(TOKEN), "picture.txt", &binary).assert_error(415, "unsupported_document");
    upload(&s.base, Some(TOKEN), "setup.exe", &fixture_bytes(FIRST))
        .assert_error(415, "unsupported_document");
    upload(&s.base, Some(TOKEN), "empty.txt", b"  \n").assert_error(422, "unreadable_document");

    // A broken multipart body is a 400 with a Russian message.
    let r = finish(
        agent()
            .post(format!("{}/api/documents", s.base))
            .header("authorization", &auth(TOKEN))
            .header("content-type", "multipart/form-data; boundary=xyz")
            .send(&b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\ncut off"[..]),
    );
    r.assert_error(400, "bad_multipart");
    // A raw body needs a file name; unknown parameters are refused.
    let r = finish(
        agent()
            .post(format!("{}/api/documents", s.base))
            .header("authorization", &auth(TOKEN))
            .send(&fixture_bytes(FIRST)[..]),
    );
    r.assert_error(400, "missing_filename");
    let r = finish(
        agent()
            .post(format!("{}/api/documents?filename=a.txt&x=1", s.base))
            .header("authorization", &auth(TOKEN))
            .send(&fixture_bytes(FIRST)[..]),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    // Folders in the name are dropped.
    let r = finish(
        agent()
            .post(format!(
                "{}/api/documents?filename={}",
                s.base,
                enc("../../etc/prikaz.txt")
            ))
            .header("authorization", &auth(TOKEN))
            .send(&fixture_bytes(FIRST)[..]),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["name"], "prikaz.txt");
    // Nothing of the refused uploads reached the store.
    assert_eq!(stored_ids(&s.index_dir), ["prikaz"]);
}

#[test]
fn reads_answer_during_concurrent_writes_and_no_upload_is_lost() {
    let s = Arc::new(start(Some(TOKEN), 1 << 20));
    let files = [
        "02_khabarovskiy_rasporyazhenie_2003.txt",
        "03_chuvashiya_rasporyazhenie_2007.txt",
        "04_rostovskaya_rasporyazhenie_2010.txt",
        "06_sakhalinskaya_postanovlenie_2005.txt",
        "07_sakhalinskaya_postanovlenie_2003.txt",
        "08_nenetskiy_postanovlenie_2010.txt",
        "09_komi_postanovlenie_2011.txt",
        "10_irkutskaya_postanovlenie_2011.txt",
    ];
    let writing = Arc::new(AtomicBool::new(true));
    let readers: Vec<_> = (0..32)
        .map(|i| {
            let s = s.clone();
            let writing = writing.clone();
            std::thread::spawn(move || {
                let queries = ["школа", "обеспечить", "образование", "контроль"];
                let mut statuses = Vec::new();
                let mut n = 0usize;
                while writing.load(Ordering::SeqCst) || n < 2 {
                    let q = queries[(i + n) % queries.len()];
                    let r = get(&s.base, &format!("/api/search?q={}&limit=5", enc(q)));
                    statuses.push((r.status, r.body.chars().take(200).collect::<String>()));
                    n += 1;
                }
                statuses
            })
        })
        .collect();
    // Four uploaders at once: the writes are serialised, none fails or is lost.
    let writers: Vec<_> = files
        .chunks(2)
        .map(|chunk| {
            let s = s.clone();
            let chunk: Vec<&'static str> = chunk.to_vec();
            std::thread::spawn(move || {
                chunk
                    .iter()
                    .map(|f| {
                        let r = upload(&s.base, Some(TOKEN), f, &fixture_bytes(f));
                        (r.status, r.body)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for w in writers {
        for (status, body) in w.join().expect("writer") {
            assert_eq!(status, 201, "{body}");
        }
    }
    writing.store(false, Ordering::SeqCst);
    let mut reads = 0;
    for r in readers {
        for (status, body) in r.join().expect("reader") {
            assert_eq!(status, 200, "{body}");
            reads += 1;
        }
    }
    assert!(reads >= 64);
    let listed = get(&s.base, "/api/documents").json();
    let ids: Vec<&str> = listed["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter_map(|d| d["doc_id"].as_str())
        .collect();
    let mut stored = stored_ids(&s.index_dir);
    stored.sort();
    for f in files {
        let id = edusearch::ingest::doc_id_for(Path::new(f));
        assert!(stored.contains(&id), "{id} stored");
        let entries = listed["documents"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["doc_id"] == id.as_str()))
            .and_then(|d| d["entries"].as_u64());
        // A document without entries (03: no recommendation structure) is stored, not listed.
        let expected = parsed(f, &id).entries.len() as u64;
        assert_eq!(entries, (expected > 0).then_some(expected), "{id}: {ids:?}");
    }
    assert_eq!(stored.len(), files.len());
}

// ------------------------------------------------------------ the binary

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_edusearch"))
}

/// `edusearch serve` with uploads on; the child, its URL and its stderr before serving.
fn serve_binary(index_dir: &Path) -> (Child, String, Vec<String>) {
    let mut child = bin()
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(index_dir)
        .env("EDUSEARCH_ADMIN_TOKEN", TOKEN)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn edusearch serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.split("serving ").nth(1) {
            let url = rest.split_whitespace().next().expect("url");
            std::thread::spawn(move || lines.for_each(drop));
            return (child, url.trim_end_matches('/').to_owned(), seen);
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no serving line; stderr: {seen:?}");
}

fn run(index_dir: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("--index")
        .arg(index_dir)
        .args(args)
        .output()
        .expect("run edusearch")
}

/// Index and store agree: every stored document is in the index with exactly the entries of its
/// file, and every indexed document other than the seeds is stored.
fn assert_consistent(base: &str, index_dir: &Path, expected_entries: usize) -> usize {
    let m = manifest(index_dir);
    assert!(m["pending"].is_null(), "settled on restart: {m}");
    let stored = stored_ids(index_dir);
    let listed = get(base, "/api/documents").json();
    let indexed: Vec<(String, u64)> = listed["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| {
            (
                d["doc_id"].as_str().unwrap_or_default().to_owned(),
                d["entries"].as_u64().unwrap_or_default(),
            )
        })
        .filter(|(id, _)| id.starts_with("upload_"))
        .collect();
    let mut indexed_ids: Vec<String> = indexed.iter().map(|(id, _)| id.clone()).collect();
    indexed_ids.sort();
    let mut stored_sorted = stored.clone();
    stored_sorted.sort();
    assert_eq!(indexed_ids, stored_sorted, "index and store agree");
    for (id, n) in &indexed {
        assert_eq!(*n as usize, expected_entries, "{id} fully in");
    }
    let objects = std::fs::read_dir(index_dir.join("store/objects")).map_or(0, |rd| rd.count());
    assert!(
        objects <= stored.len().max(1),
        "no stray objects: {objects}"
    );
    assert_eq!(get(base, "/api/search?q=школа").status, 200);
    stored.len()
}

#[test]
fn kill_during_uploads_leaves_store_and_index_in_agreement() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index_dir = dir.path().join("index");
    let bytes = fixture_bytes(FIRST);
    let expected = parsed(FIRST, "upload_x").entries.len();
    let mut uploaded_before = 0;
    let mut n = 0usize;
    for round in 0..3u64 {
        let (mut child, url, said) = serve_binary(&index_dir);
        // Which step the previous kill interrupted, when it was inside a change (for the log).
        for line in said.iter().filter(|l| l.contains("document change")) {
            eprintln!("round {round}: {line}");
        }
        let after = assert_consistent(&url, &index_dir, expected);
        assert!(after >= uploaded_before, "no acknowledged upload lost");
        // Upload in a loop from another thread; kill the server while it writes (a varying
        // moment after an upload was acknowledged, so that the kill lands at different steps).
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(AtomicUsize::new(0));
        let uploader = {
            let (url, bytes, stop) = (url.clone(), bytes.clone(), stop.clone());
            let acked = acked.clone();
            let start = n;
            std::thread::spawn(move || {
                let (mut ok, mut refused) = (0usize, 0usize);
                let mut i = start;
                while !stop.load(Ordering::SeqCst) && refused < 20 {
                    let (content_type, body) = multipart(&format!("upload_{i}.txt"), &bytes);
                    let sent = agent()
                        .post(format!("{url}/api/documents"))
                        .header("content-type", &content_type)
                        .header("authorization", &auth(TOKEN))
                        .send(&body[..]);
                    match sent {
                        Ok(r) if r.status().as_u16() == 201 => {
                            ok += 1;
                            acked.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(_) => refused += 1,
                        Err(_) => break,
                    }
                    i += 1;
                }
                (ok, i)
            })
        };
        let waited = std::time::Instant::now();
        while acked.load(Ordering::SeqCst) < 1 + round as usize {
            assert!(
                waited.elapsed() < Duration::from_secs(120),
                "no upload succeeded"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(15 + 45 * round));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        stop.store(true, Ordering::SeqCst);
        let (ok, next) = uploader.join().expect("uploader");
        uploaded_before = after + ok;
        n = next + 1;
    }
    let (mut child, url, said) = serve_binary(&index_dir);
    for line in said.iter().filter(|l| l.contains("document change")) {
        eprintln!("last round: {line}");
    }
    let stored = assert_consistent(&url, &index_dir, expected);
    assert!(stored >= uploaded_before, "{stored} < {uploaded_before}");
    assert!(stored > 0, "some uploads completed");
    let _ = child.kill();
    let _ = child.wait();

    // The CLI sees the same store, removes a document, and rebuilds the index from the store.
    let out = run(&index_dir, &["documents", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Value = serde_json::from_slice(&out.stdout).expect("documents JSON");
    let listed = listed.as_array().expect("array");
    assert_eq!(listed.len(), 5 + stored, "seeds and uploads");
    let uploads: Vec<&Value> = listed.iter().filter(|d| !d["stored"].is_null()).collect();
    assert_eq!(uploads.len(), stored);
    for d in &uploads {
        assert_eq!(
            d["stored"]["name"],
            format!("{}.txt", d["doc_id"].as_str().unwrap_or(""))
        );
        assert_eq!(d["entries"], expected);
    }
    let first = uploads[0]["doc_id"].as_str().expect("id").to_owned();
    // Words and filters as in `GET /api/documents`: an id's part finds its document, a page says
    // on stderr which part of how many it is; a bad value is refused with exit code 1.
    let ids_of = |out: &std::process::Output| -> Vec<String> {
        let v: Value = serde_json::from_slice(&out.stdout).expect("documents JSON");
        let list = v.as_array().expect("array");
        list.iter()
            .map(|d| d["doc_id"].as_str().expect("id").to_owned())
            .collect()
    };
    let out = run(&index_dir, &["documents", "--json", &first.to_uppercase()]);
    assert!(out.status.success());
    assert_eq!(ids_of(&out), vec![first.clone()]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(&format!("1 of {} documents pass", listed.len())),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Vec<String> = listed
        .iter()
        .map(|d| d["doc_id"].as_str().expect("id").to_owned())
        .collect();
    let out = run(
        &index_dir,
        &["documents", "--json", "--limit", "2", "--offset", "1"],
    );
    assert_eq!(ids_of(&out), all[1..3].to_vec());
    let out = run(&index_dir, &["documents", "--level", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("level"));
    let out = run(&index_dir, &["remove", &first, "no_such_document"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stored_ids(&index_dir).contains(&first));
    // As if the index had been parsed by an older binary: `reindex` brings it up to date.
    std::fs::write(
        index_dir.join(edusearch::index::PROVENANCE_FILE),
        "parser: 0\nsource: files\n",
    )
    .expect("write marker");
    let out = run(&index_dir, &["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = EntryIndex::open(&index_dir).expect("open");
    assert!(!index.provenance().expect("provenance").is_stale());
    let docs = index.documents().expect("documents");
    assert_eq!(docs.len(), 5 + stored - 1, "seeds and stored documents");
    assert!(docs.iter().all(|d| d.doc_id != first));
    drop(index);

    // `index --rebuild FILES` keeps the stored documents (parsed again), drops the rest.
    let file = fixture(SECOND);
    let out = bin()
        .arg("--index")
        .arg(&index_dir)
        .args(["index", "--rebuild"])
        .arg(&file)
        .output()
        .expect("run edusearch index");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = EntryIndex::open(&index_dir).expect("open");
    let mut ids: Vec<String> = index
        .documents()
        .expect("documents")
        .into_iter()
        .map(|d| d.doc_id)
        .collect();
    ids.sort();
    let mut want = stored_ids(&index_dir);
    want.push(edusearch::ingest::doc_id_for(&file));
    want.sort();
    assert_eq!(ids, want);
}

/// The narrow window a kill rarely hits: the index committed a change, the store's manifest still
/// has it pending. Reproduced step by step with the library: the next start completes it.
#[test]
fn a_change_committed_to_the_index_but_pending_in_the_store_is_completed() {
    use edusearch::documents::Documents;
    use edusearch::store::{self, DocumentStore, Recovery, StoredDocument};

    let dir = tempfile::tempdir().expect("tempdir");
    let index = EntryIndex::open_or_build_seeds(dir.path()).expect("index from seeds");
    let bytes = fixture_bytes(FIRST);
    let doc = parsed(FIRST, "crashed_upload");

    // What `Documents::add` does, stopped after the index commit ("killed" before `finish`).
    let mut st = DocumentStore::open(&DocumentStore::dir_for(dir.path())).expect("store");
    let record = StoredDocument {
        doc_id: "crashed_upload".into(),
        name: "crashed_upload.txt".into(),
        sha256: st.put_object(&bytes).expect("object"),
        size: bytes.len() as u64,
        uploaded: chrono::Utc::now(),
    };
    let generation = st.begin(vec![record.clone()]).expect("begin");
    let mut w = index
        .shared_writer(edusearch::index::IndexSource::Files)
        .expect("writer");
    w.add(&doc).expect("add");
    w.set_payload(store::payload(generation));
    w.commit().expect("commit");
    drop(st);

    // Listing already shows the settled state; recovery writes it.
    let listed = Documents::list(&index).expect("list");
    assert_eq!(listed, vec![record.clone()]);
    let raw = manifest(dir.path());
    assert!(!raw["pending"].is_null(), "still pending on disk");
    let documents = Documents::new();
    assert_eq!(
        documents.recover(&index).expect("recover"),
        Recovery::RolledForward
    );
    assert!(manifest(dir.path())["pending"].is_null());
    assert_eq!(stored_ids(dir.path()), vec!["crashed_upload".to_owned()]);
    assert_eq!(
        index
            .document_entries("crashed_upload")
            .expect("entries")
            .len(),
        doc.entries.len()
    );

    // The opposite: a change begun but never committed is dropped, with its original.
    let mut st = DocumentStore::open(&DocumentStore::dir_for(dir.path())).expect("store");
    let other = fixture_bytes(SECOND);
    let orphan = st.put_object(&other).expect("object");
    let mut next = st.documents().to_vec();
    next.push(StoredDocument {
        doc_id: "never_indexed".into(),
        name: "never_indexed.txt".into(),
        sha256: orphan.clone(),
        size: other.len() as u64,
        uploaded: chrono::Utc::now(),
    });
    st.begin(next).expect("begin");
    drop(st);
    assert_eq!(
        documents.recover(&index).expect("recover"),
        Recovery::RolledBack
    );
    assert_eq!(stored_ids(dir.path()), vec!["crashed_upload".to_owned()]);
    assert!(!dir.path().join("store/objects").join(orphan).exists());
    assert!(
        index
            .document_entries("never_indexed")
            .expect("entries")
            .is_empty()
    );
}

/// Abbreviations a document defines («(далее – …)») expand queries only while it is in the
/// index: removing it forgets them (they used to linger until a reindex).
#[test]
fn removing_a_document_forgets_the_abbreviations_it_defined() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = EntryIndex::open_or_build_seeds(&dir.path().join("index")).expect("seed index");
    let docs = edusearch::documents::Documents::new();
    // An abbreviation no seed defines, built from the initials of its full form (compared folded).
    let text = "Приказ министерства образования от 10.02.2024 № 15\n\n\
        1. Утвердить порядок работы Школьной Лаборатории Юных Исследователей (далее – ШЛЮИ).\n\
        2. Руководителям образовательных организаций обеспечить участие обучающихся в работе ШЛЮИ.\n";
    let defines = |index: &EntryIndex| {
        index
            .abbreviations()
            .iter()
            .any(|(abbr, _)| abbr.to_lowercase() == "шлюи")
    };
    assert!(!defines(&index), "no seed defines it");
    let added = docs
        .add(&index, "prikaz_shlyui.txt", text.as_bytes())
        .expect("added");
    assert!(
        defines(&index),
        "learned from {}: {:?}",
        added.doc_id,
        index.abbreviations()
    );
    docs.remove(&index, &added.doc_id).expect("removed");
    assert!(!defines(&index), "forgotten with the document");
    let reopened = EntryIndex::open(&dir.path().join("index")).expect("reopen");
    assert!(!defines(&reopened), "and on disk");
}
