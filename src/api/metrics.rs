//! `GET /metrics`: the server's counters in the Prometheus text format (OpenMetrics flavour, as
//! written by `prometheus-client`).
//!
//! - `edusearch_http_requests_total{route,status}` and `edusearch_http_request_duration_seconds`
//!   (histogram per route): counted by [`track`], a middleware that sees the matched route
//!   pattern (`/api/documents/:doc_id`, not the id), so the label values stay few;
//!   requests no route serves are `route="unmatched"`;
//! - `edusearch_http_unreadable_requests_total{status}`: requests hyper answered itself (see
//!   [`super::wire`]); the application never sees them;
//! - `edusearch_cache_lookups_total{cache,result}`: the answer cache of the API and the
//!   match cache of the index, `hit` or `miss`;
//! - `edusearch_index_documents`, `edusearch_index_entries`, `edusearch_index_generation` (grows
//!   each time the server picks up a new commit), `edusearch_index_last_commit_timestamp_seconds`.
//!
//! The index figures and cache counts are read when `/metrics` is asked for.

use std::sync::{Arc, Mutex};
use std::time::{Instant, UNIX_EPOCH};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::cache::Caching;
use super::on_index;
use super::{ApiError, AppState};
use crate::cache::CacheStats;

/// The content type of the answer.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Route label of requests no route serves.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
    result: &'static str,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The server's metrics and their registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    cache: Family<CacheLabels, Counter>,
    documents: Gauge,
    entries: Gauge,
    generation: Gauge,
    committed: Gauge<f64, std::sync::atomic::AtomicU64>,
    unreadable: Family<StatusLabels, Counter>,
    /// Requests hyper could not read, already added to `unreadable`.
    unreadable_seen: Mutex<[u64; 3]>,
    /// Cache counts already added to `cache`; held while they are brought up to date.
    cache_seen: Mutex<[CacheStats; 2]>,
}

/// Latency buckets: 0.5 ms to about 8 s, each 2.5 times the last.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.5, 12))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics, registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("edusearch");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let cache = Family::<CacheLabels, Counter>::default();
        let documents = Gauge::default();
        let entries = Gauge::default();
        let generation = Gauge::default();
        let committed = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        let unreadable = Family::<StatusLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from receiving a request to its answer, by route pattern",
            latency.clone(),
        );
        registry.register(
            "http_unreadable_requests",
            "Requests the HTTP layer could not read (400 malformed, 414 address too long, \
             431 head too large), answered before routing, by status",
            unreadable.clone(),
        );
        registry.register(
            "cache_lookups",
            "Lookups in the answer cache (API) and the match cache (index), by result",
            cache.clone(),
        );
        registry.register(
            "index_documents",
            "Documents in the index",
            documents.clone(),
        );
        registry.register("index_entries", "Entries in the index", entries.clone());
        registry.register(
            "index_generation",
            "Searcher generation: grows each time the server picks up a new index commit",
            generation.clone(),
        );
        registry.register(
            "index_last_commit_timestamp_seconds",
            "Unix time of the last commit (re-index) of the index",
            committed.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            cache,
            documents,
            entries,
            generation,
            committed,
            unreadable,
            unreadable_seen: Mutex::new([0; 3]),
            cache_seen: Mutex::new([CacheStats::default(); 2]),
        }
    }

    fn observe(&self, route: String, status: u16, seconds: f64) {
        self.latency
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
    }

    /// Adds what the caches counted since the last scrape.
    fn sync_caches(&self, now: [CacheStats; 2]) {
        let Ok(mut seen) = self.cache_seen.lock() else {
            return;
        };
        for (i, cache) in ["answer", "match"].into_iter().enumerate() {
            for (result, new, old) in [
                ("hit", now[i].hits, seen[i].hits),
                ("miss", now[i].misses, seen[i].misses),
            ] {
                self.cache
                    .get_or_create(&CacheLabels { cache, result })
                    .inc_by(new.saturating_sub(old));
            }
        }
        *seen = now;
    }

    /// Adds the requests hyper could not read since the last scrape.
    fn sync_unreadable(&self) {
        let Ok(mut seen) = self.unreadable_seen.lock() else {
            return;
        };
        for (i, (status, count)) in super::wire::unreadable_counts().into_iter().enumerate() {
            self.unreadable
                .get_or_create(&StatusLabels { status })
                .inc_by(count.saturating_sub(seen[i]));
            seen[i] = count;
        }
    }

    /// The metrics in the text format.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// State of the `/metrics` route and of [`track`].
#[derive(Clone)]
pub struct MetricsState {
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// The answer cache (for its counts).
    pub caching: Arc<Caching>,
}

/// Counts each request by route pattern and status, and times it.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |p| route_label(p.as_str()));
    let started = Instant::now();
    let resp = next.run(req).await;
    metrics.observe(
        route,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

/// A route pattern as a label value, parameters written `:name` (`/api/documents/:doc_id`):
/// braces in label values trip up simple text-format parsers.
fn route_label(pattern: &str) -> String {
    pattern
        .replace("{*", ":")
        .replace('{', ":")
        .replace('}', "")
}

/// Serves `GET /metrics`.
pub async fn handler(state: MetricsState, app: AppState) -> Result<Response, ApiError> {
    let (counts, generation, committed, matches) = on_index(&app, |index| {
        Ok((
            index.counts()?,
            index.generation(),
            index.committed_at(),
            index.match_cache_stats(),
        ))
    })
    .await?;
    let m = &state.metrics;
    m.documents.set(gauge_value(counts.0));
    m.entries.set(gauge_value(counts.1));
    m.generation.set(gauge_value(generation));
    if let Some(t) = committed.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        m.committed.set(t.as_secs_f64());
    }
    m.sync_caches([state.caching.answer_stats(), matches]);
    m.sync_unreadable();
    let text = m.encode().map_err(|_| ApiError::internal())?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        text,
    )
        .into_response())
}

fn gauge_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
