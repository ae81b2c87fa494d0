//! Cross-cutting behaviour: JSON for every error, request timeout, ETag/Cache-Control with
//! `304 Not Modified`, the panic guard.

use std::any::Any;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::cache::ResponseCache;

/// Largest error body of another layer read to pass its text on in the JSON error.
const MAX_DETAIL_BYTES: usize = 2048;

/// Turns every error response that is not JSON yet (axum's 405, rejections, tower layers' 413…)
/// into the JSON error shape, keeping its status and headers (e.g. `Allow`).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(resp.headers()) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let detail = axum::body::to_bytes(body, MAX_DETAIL_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let json = ApiError::for_status(status, &detail).into_response();
    let (json_parts, json_body) = json.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &json_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, json_body)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Answers `400 bad_host` to an HTTP/1.1 request without exactly one `Host` header holding a valid
/// host (RFC 9112, section 3.2); HTTP/1.0 requests need none.
pub async fn require_host(req: Request, next: Next) -> Response {
    if req.version() == axum::http::Version::HTTP_11 {
        let mut hosts = req.headers().get_all(header::HOST).iter();
        let valid = match (hosts.next(), hosts.next()) {
            (Some(host), None) => host
                .to_str()
                .ok()
                .is_some_and(|h| h.parse::<axum::http::uri::Authority>().is_ok()),
            _ => false,
        };
        if !valid {
            return ApiError::bad_host().into_response();
        }
    }
    next.run(req).await
}

/// Answers `413` JSON at once when the declared `Content-Length` exceeds `limit` (bodies without
/// a length are limited where they are read, by axum's `DefaultBodyLimit`).
pub async fn body_limit(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request body larger than {limit} bytes"),
            format!("Тело запроса больше {limit} байт"),
        )
        .into_response();
    }
    next.run(req).await
}

/// Answers `503 {"error": {"code": "timeout"}}` when the inner service takes longer than the
/// configured duration. Index work runs in the blocking pool, so the timer always fires.
pub async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!(?limit, "request timed out");
            ApiError::timeout().into_response()
        }
    }
}

/// The last resort: a panic anywhere below becomes `500` JSON (and a log line), never a dropped
/// connection.
pub fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    tracing::error!(panic = %what, "handler panicked");
    ApiError::internal().into_response()
}

/// Caching policy of the read endpoints.
#[derive(Debug)]
pub struct Caching {
    /// `max-age` of API answers, seconds.
    pub api_max_age: u32,
    /// `max-age` of the web page files and the OpenAPI document, seconds.
    pub static_max_age: u32,
    generation: Generation,
    answers: ResponseCache,
}

impl Caching {
    /// Caching for the index in `index_dir`, keeping up to `cache_bytes` of API answers in memory.
    pub fn new(
        index_dir: &Path,
        api_max_age: u32,
        static_max_age: u32,
        cache_bytes: usize,
    ) -> Self {
        Caching {
            api_max_age,
            static_max_age,
            generation: Generation::new(index_dir),
            answers: ResponseCache::new(cache_bytes, super::cache::ANSWER_SHARE),
        }
    }

    /// Hits and misses of the answer cache.
    pub fn answer_stats(&self) -> crate::cache::CacheStats {
        self.answers.stats()
    }
}

/// Identifies the version of the index on disk: tantivy rewrites `meta.json` on every commit
/// (the reader reloads then), so its modification time and length change with the data.
#[derive(Debug, Clone)]
struct Generation {
    meta: Option<PathBuf>,
    started: u64,
}

impl Generation {
    fn new(dir: &Path) -> Self {
        let direct = dir.join("meta.json");
        let meta = if direct.is_file() {
            Some(direct)
        } else {
            std::fs::read_dir(dir).ok().and_then(|rd| {
                rd.flatten()
                    .map(|e| e.path().join("meta.json"))
                    .find(|p| p.is_file())
            })
        };
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Generation { meta, started }
    }

    fn current(&self) -> u64 {
        let mut h = DefaultHasher::new();
        match self.meta.as_deref().and_then(|p| std::fs::metadata(p).ok()) {
            Some(m) => {
                m.len().hash(&mut h);
                m.modified().ok().hash(&mut h);
            }
            None => self.started.hash(&mut h),
        }
        h.finish()
    }
}

/// What kind of resource a path is, for caching.
enum Resource {
    /// Answers computed from the index.
    Api,
    /// Files compiled into the binary (web page, OpenAPI document).
    Static,
    /// Not cached (health, Swagger UI, everything else).
    Uncached,
}

fn classify(path: &str) -> Resource {
    if path.starts_with("/api/") {
        Resource::Api
    } else if path == "/openapi.json" || super::assets::find(path).is_some() {
        Resource::Static
    } else {
        Resource::Uncached
    }
}

/// Adds `ETag` and `Cache-Control` to successful GET/HEAD answers of the read endpoints, answers
/// `304 Not Modified` without doing the work when `If-None-Match` matches, and answers repeated
/// API GETs from the [`ResponseCache`] (marked `x-cache: hit`).
///
/// The tag is derived from the index generation (or the build, for static files) and the
/// request's path and query: the answer is a function of exactly these.
pub async fn etag(State(caching): State<Arc<Caching>>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let (api, max_age, seed) = match classify(req.uri().path()) {
        Resource::Api => (true, caching.api_max_age, caching.generation.current()),
        Resource::Static => (false, caching.static_max_age, build_seed()),
        Resource::Uncached => {
            let mut resp = next.run(req).await;
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return resp;
        }
    };
    let tag = tag_for(seed, req.uri());
    let cache_control = HeaderValue::from_str(&format!("public, max-age={max_age}"))
        .unwrap_or_else(|_| HeaderValue::from_static("no-cache"));
    let tag_value =
        HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let fresh = |mut resp: Response| {
        let headers = resp.headers_mut();
        headers.insert(header::ETAG, tag_value.clone());
        headers.insert(header::CACHE_CONTROL, cache_control.clone());
        resp
    };

    if matches_tag(req.headers(), &tag) {
        return fresh(StatusCode::NOT_MODIFIED.into_response());
    }
    let memo = (api && caching.answers.enabled() && req.method() == Method::GET)
        .then(|| format!("{seed:016x} {}", req.uri()));
    if let Some(body) = memo.as_deref().and_then(|key| caching.answers.get(key)) {
        let mut resp = fresh(json_body(body));
        resp.headers_mut()
            .insert(X_CACHE, HeaderValue::from_static("hit"));
        return resp;
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        let mut resp = resp;
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return resp;
    }
    match memo {
        Some(key) if is_json(resp.headers()) => fresh(remember(&caching.answers, key, resp).await),
        _ => fresh(resp),
    }
}

/// Header telling whether an answer came from the response cache.
const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

fn json_body(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Buffers a successful JSON answer of known, small enough size, stores it, and answers it.
async fn remember(cache: &ResponseCache, key: String, resp: Response) -> Response {
    let size = HttpBody::size_hint(resp.body()).exact();
    if size.is_none_or(|n| n as usize > cache.max_item()) {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, cache.max_item()).await {
        Ok(bytes) => {
            cache.put(key, bytes.clone());
            Response::from_parts(parts, axum::body::Body::from(bytes))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot buffer an answer");
            ApiError::internal().into_response()
        }
    }
}

fn build_seed() -> u64 {
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    super::assets::fingerprint().hash(&mut h);
    h.finish()
}

fn tag_for(seed: u64, uri: &axum::http::Uri) -> String {
    let mut h = DefaultHasher::new();
    seed.hash(&mut h);
    uri.path().hash(&mut h);
    uri.query().unwrap_or("").hash(&mut h);
    // Weak: the bytes may differ (`took_ms`, compression), the meaning does not.
    format!("W/\"{:016x}\"", h.finish())
}

/// `If-None-Match` matches if it is `*` or lists the tag (weak comparison).
fn matches_tag(headers: &HeaderMap, tag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = strip(tag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == ours)
}

/// An empty body, for tests of the layers.
#[cfg(test)]
fn empty() -> axum::body::Body {
    axum::body::Body::empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn call(app: Router, uri: &str) -> (StatusCode, HeaderMap, serde_json::Value) {
        let req = Request::builder().uri(uri).body(empty()).unwrap();
        let resp = app.oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, headers, json)
    }

    #[tokio::test]
    async fn slow_handler_times_out_with_json() {
        let app = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_millis(50),
                timeout,
            ));
        let (status, _, json) = call(app, "/slow").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(json["error"]["code"], "timeout");
    }

    #[tokio::test]
    async fn panic_becomes_500_json() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let app = Router::new().route("/boom", get(boom)).layer(
            tower_http::catch_panic::CatchPanicLayer::custom(panic_response),
        );
        let (status, _, json) = call(app, "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(json["error"]["code"], "internal");
    }

    #[tokio::test]
    async fn plain_text_errors_become_json_and_keep_headers() {
        let app = Router::new()
            .route("/only-post", axum::routing::post(|| async { "ok" }))
            .route(
                "/teapot",
                get(|| async { (StatusCode::PAYLOAD_TOO_LARGE, "too big") }),
            )
            .layer(axum::middleware::from_fn(json_errors));
        let (status, headers, json) = call(app.clone(), "/only-post").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(json["error"]["code"], "method_not_allowed");
        assert!(headers.contains_key(header::ALLOW));
        let (status, headers, json) = call(app, "/teapot").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(json["error"]["code"], "payload_too_large");
        assert!(
            json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("too big")
        );
        assert!(is_json(&headers));
    }

    #[test]
    fn if_none_match_forms() {
        let tag = "W/\"00ff\"";
        let mut h = HeaderMap::new();
        assert!(!matches_tag(&h, tag));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"00ff\""),
        );
        assert!(matches_tag(&h, tag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches_tag(&h, tag));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("W/\"00fe\""),
        );
        assert!(!matches_tag(&h, tag));
    }
}
