//! `GET /api/suggest?q=` — suggestions for the search box while the user types: the query with
//! its last word completed, addressees and topics (see [`crate::index::suggest`]).

use super::json::Json;
use axum::extract::State;
use axum::http::Uri;
use axum::routing::get;

use super::on_index;
use super::params::Pairs;
use super::{ApiError, AppState};
use crate::index::suggest::SuggestResponse;

/// Route of the suggestion endpoint.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/suggest", get(suggest))
}

/// OpenAPI description of the suggestion endpoint.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(suggest),
    components(schemas(
        SuggestResponse,
        crate::index::suggest::Suggestion,
        crate::index::suggest::SuggestionKind
    )),
    tags((name = "search", description = "Full-text search"))
)]
pub struct SuggestApi;

/// Suggestions for the text typed so far: completions of its last word (words of the
/// documents), then addressees and session topics whose names have a word starting as typed.
#[utoipa::path(
    get,
    path = "/api/suggest",
    tag = "search",
    params(("q" = Option<String>, Query, description = "Text typed so far")),
    responses(
        (status = 200, description = "Suggestions, words first", body = SuggestResponse),
        (status = 400, description = "Unknown or repeated parameter", body = super::error::ErrorBody),
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<SuggestResponse>, ApiError> {
    let pairs = Pairs::parse(uri.query())?;
    pairs.only(&["q"])?;
    let mut values = pairs.0.into_iter().filter(|(n, _)| n == "q");
    let q = values.next().map(|(_, v)| v).unwrap_or_default();
    if values.next().is_some() {
        return Err(ApiError::bad_request(
            "repeated_parameter",
            "parameter 'q' may be given only once".to_string(),
            "Параметр «q» можно указать только один раз".to_string(),
        ));
    }
    let resp = on_index(&state, move |index| index.suggest(&q)).await?;
    Ok(Json(resp))
}
