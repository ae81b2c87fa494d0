//! The cache of successful API answers, keyed by index generation and request.
//!
//! A broad query with facet counts costs milliseconds of CPU; answering repeats from memory
//! lets a small server take repeated requests at memory speed. The key contains the index
//! generation, so a re-indexed corpus is never answered from stale entries (they age out).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Bytes, HttpBody};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;
use crate::cache::SizedCache;

/// Bodies of answers by request key; one answer may use at most 1/16 of the capacity.
pub type ResponseCache = SizedCache<Bytes>;

/// Share of the capacity one answer may use (1/16).
pub const ANSWER_SHARE: usize = 16;

/// Caching policy of the read endpoints.
#[derive(Debug)]
pub struct Caching {
    /// `max-age` of API answers, seconds.
    pub api_max_age: u32,
    /// `max-age` of the web page files and the OpenAPI document, seconds.
    pub static_max_age: u32,
    pub(super) generation: Generation,
    pub(super) answers: ResponseCache,
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
            answers: ResponseCache::new(cache_bytes, ANSWER_SHARE),
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
pub(super) struct Generation {
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

    pub(super) fn current(&self) -> u64 {
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

/// A JSON answer with `body`.
pub(super) fn json_body(body: Bytes) -> Response {
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
pub(super) async fn remember(cache: &ResponseCache, key: String, resp: Response) -> Response {
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
