//! Comparison endpoints: similar entries, document alignment, entry diff.

use axum::Router;

use super::AppState;

/// Routes of the comparison endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
}
