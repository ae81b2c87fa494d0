//! The HTTP API (axum): search, entries, documents, facets, comparison; the web page and widget.
//!
//! One shared [`AppState`], extractors per endpoint, and one error type ([`ApiError`]) mapped to
//! JSON responses `{"error": {"code", "message", "message_ru"}}`. [`app`] wraps the routes in
//! the production middleware; [`serve`] (in [`server`]: header timeout, connection cap) runs it
//! until a shutdown signal.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::error::{Error, Result};
use crate::index::EntryIndex;

pub mod assets;
pub mod cache;
pub mod compare;
pub mod documents;
pub mod error;
pub mod export;
pub mod handlers;
pub mod json;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod params;
pub mod server;
pub mod suggest;
pub mod wire;

pub use error::ApiError;
pub use server::{SHUTDOWN_GRACE, serve};

/// The request-id header, set when the client did not send one and echoed in the response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The open index.
    pub index: Arc<EntryIndex>,
}

/// Runs `f` on the index in the blocking pool, so that a slow search neither stalls the async
/// workers nor escapes the request timeout. A panic inside becomes a 500 JSON answer.
///
/// At most [`index_permits`] such tasks run at once: searches are CPU-bound, and queueing the rest
/// keeps tail latency lower than letting dozens of threads share a few cores.
pub(crate) async fn on_index<T, F>(state: &AppState, f: F) -> std::result::Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&EntryIndex) -> crate::Result<T> + Send + 'static,
{
    let _permit = index_permits()
        .acquire()
        .await
        .map_err(|_| ApiError::internal())?;
    let index = state.index.clone();
    match tokio::task::spawn_blocking(move || f(&index)).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "index task failed");
            Err(ApiError::internal())
        }
    }
}

/// The limit on concurrent index tasks: twice the number of cores.
fn index_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(2 * cores)
    })
}

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Origins allowed by CORS; empty = any origin.
    pub cors_origins: Vec<String>,
    /// Time after which a request is answered `503 timeout`.
    pub request_timeout: Duration,
    /// Largest request body accepted (`413` above).
    pub body_limit: usize,
    /// `Cache-Control: max-age` of API answers, seconds.
    pub api_max_age: u32,
    /// `Cache-Control: max-age` of the web files and the OpenAPI document, seconds.
    pub static_max_age: u32,
    /// Bytes of API answers kept in memory for repeated requests (0 = no cache).
    pub cache_bytes: usize,
    /// Time a connection gets to deliver a complete request head, counted from when the server
    /// starts waiting for one (connection opened, or previous answer sent): it closes slow-header
    /// (slowloris) and idle keep-alive connections alike. `None` or zero: no limit.
    pub header_timeout: Option<Duration>,
    /// Most connections open at once (at most [`server::MAX_CONNECTIONS`]); at the cap new ones
    /// wait in the kernel's listen backlog until an open one ends.
    pub max_connections: usize,
    /// The document write endpoints: admin token (none = off) and upload limit.
    pub documents: documents::DocumentsConfig,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(10),
            body_limit: 64 * 1024,
            api_max_age: 60,
            static_max_age: 300,
            cache_bytes: 16 << 20,
            header_timeout: Some(Duration::from_secs(10)),
            max_connections: 1024,
            documents: documents::DocumentsConfig::default(),
        }
    }
}

/// Builds the application router (routes only, no middleware).
pub fn router(state: AppState) -> Router {
    routes().with_state(state)
}

fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(export::search_or_export))
        .route("/api/facets", get(handlers::facets))
        .route("/api/documents", get(handlers::documents))
        .route("/api/documents/{*doc_id}", get(handlers::document))
        .route("/api/entries/{*id}", get(handlers::entry_or_similar))
        .route("/healthz", get(handlers::healthz))
        .merge(compare::routes())
        .merge(documents::routes())
        .merge(suggest::routes())
        .merge(assets::routes())
        .merge(openapi::routes())
        .fallback(handlers::fallback)
}

/// The router with `/metrics` and the production middleware: request id, tracing with latency,
/// metrics, panic guard, CORS, compression, JSON errors, `Host` check, body limit (declared length
/// here, streamed bodies in axum's extractors), timeout, ETag/Cache-Control.
///
/// Fails with [`Error::InvalidInput`] if a CORS origin is not a valid header value.
pub fn app(state: AppState, config: &ServeConfig) -> Result<Router> {
    let caching = Arc::new(cache::Caching::new(
        state.index.dir(),
        config.api_max_age,
        config.static_max_age,
        config.cache_bytes,
    ));
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request<_>| {
            let id = req
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
        })
        .on_response(
            DefaultOnResponse::new()
                .level(tracing::Level::INFO)
                .latency_unit(tower_http::LatencyUnit::Micros),
        );
    let metrics = Arc::new(metrics::Metrics::new());
    let metrics_state = metrics::MetricsState {
        metrics: metrics.clone(),
        caching: caching.clone(),
    };
    let metrics_route =
        get(move |State(app): State<AppState>| metrics::handler(metrics_state.clone(), app));
    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(trace)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(cors(&config.cors_origins)?)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(middleware::json_errors))
        .layer(axum::middleware::from_fn(middleware::require_host))
        .layer(axum::middleware::from_fn_with_state(
            (config.body_limit, config.documents.upload_limit),
            documents::body_limits,
        ))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(axum::middleware::from_fn_with_state(
            config.request_timeout,
            documents::timeouts,
        ))
        .layer(axum::middleware::from_fn_with_state(
            caching,
            middleware::etag,
        ));
    let documents = documents::DocumentsState::new(config.documents.clone());
    Ok(routes()
        .route("/metrics", metrics_route)
        .layer(middleware)
        .layer(axum::Extension(Arc::new(documents)))
        .with_state(state))
}

/// CORS: GET/HEAD/OPTIONS from any origin, or only from `origins` when given.
fn cors(origins: &[String]) -> Result<CorsLayer> {
    let allow = if origins.is_empty() {
        AllowOrigin::any()
    } else {
        let values = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim_end_matches('/'))
                    .map_err(|_| Error::InvalidInput(format!("bad CORS origin: {o:?}")))
            })
            .collect::<Result<Vec<_>>>()?;
        AllowOrigin::list(values)
    };
    Ok(CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::IF_NONE_MATCH, REQUEST_ID])
        .expose_headers([
            header::ETAG,
            REQUEST_ID,
            header::CONTENT_DISPOSITION,
            export::TOTAL,
            export::TRUNCATED,
        ])
        .max_age(Duration::from_secs(86_400)))
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_do_not_conflict() {
        // axum panics on overlapping routes when they are added or merged.
        let _routes: Router<AppState> = routes();
    }

    #[test]
    fn openapi_lists_every_endpoint() {
        let doc = serde_json::to_value(openapi::document()).unwrap_or_default();
        for path in [
            "/api/search",
            "/api/facets",
            "/api/documents",
            "/api/documents/{doc_id}",
            "/api/entries/{id}",
            "/healthz",
            "/api/entries/{id}/similar",
            "/api/align",
            "/api/compare",
        ] {
            assert!(doc["paths"][path]["get"].is_object(), "{path} missing");
        }
        for schema in ["SearchResponse", "Hit", "Entry", "Facets", "ErrorBody"] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "{schema} missing"
            );
        }
    }

    #[test]
    fn cors_rejects_bad_origins() {
        assert!(cors(&["https://example.org".into()]).is_ok());
        assert!(cors(&["bad\norigin".into()]).is_err());
    }
}
