//! The HTTP API (axum): search, entries, documents, facets, comparison; the web page and widget.
//!
//! One shared [`AppState`], extractors per endpoint, and one error type ([`ApiError`]) mapped to
//! JSON responses `{"error": {"code", "message", "message_ru"}}`.

use std::sync::Arc;

use axum::Router;

use crate::index::EntryIndex;

pub mod compare;
pub mod error;

pub use error::ApiError;

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The open index.
    pub index: Arc<EntryIndex>,
}

/// Builds the application router.
pub fn router(state: AppState) -> Router {
    Router::new().merge(compare::routes()).with_state(state)
}
