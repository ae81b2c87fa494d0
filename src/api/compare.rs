//! Comparison endpoints: similar entries, document alignment, entry diff.
//!
//! - `GET /api/entries/{id}/similar?` + the filters of `/api/search` and `limit` — [`similar_handler`],
//!   called by the entries router of [`super`] for paths ending in `/similar`;
//! - `GET /api/align?from=DOC&to=DOC&min_score=` — [`align_handler`];
//! - `GET /api/compare?a=ID&b=ID` — [`compare_handler`].
//!
//! Query strings are parsed by the extractors of [`super::params`] like every endpoint of the API:
//! unknown or repeated parameters and bad values are precise 400 JSON errors; unknown ids are 404.

use super::json::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use super::params::{Pairs, ParamError, Query, SimilarQuery};
use super::{ApiError, AppState, on_index};
use crate::compare::align::{AlignOptions, Alignment};
use crate::compare::service::{self, EntryComparison, SimilarResponse};
use crate::search::params::fraction;

/// Routes of the comparison endpoints (`/api/align`, `/api/compare`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/align", get(align_handler))
        .route("/api/compare", get(compare_handler))
}

/// OpenAPI description of the comparison endpoints, to merge into the API's document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(similar_handler, align_handler, compare_handler),
    components(schemas(
        SimilarResponse,
        Alignment,
        EntryComparison,
        crate::compare::AlignedPair,
        crate::compare::EntryRef,
        crate::compare::Relation,
        crate::compare::WordDiff,
        crate::compare::DiffToken,
        crate::compare::DiffOp,
        crate::compare::SimilarEntry,
    )),
    tags((name = "compare", description = "Similar wording, document alignment, word diff"))
)]
pub struct CompareApi;

/// Query of `/api/align`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlignParams {
    /// Document whose entries are aligned (typically municipal).
    #[param(required = true)]
    pub from: Option<String>,
    /// Document they are aligned to (typically regional).
    #[param(required = true)]
    pub to: Option<String>,
    /// Minimum similarity of a pair, 0..=1 (default 0.3).
    pub min_score: Option<String>,
}

/// Query of `/api/compare`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// First entry id.
    #[param(required = true)]
    pub a: Option<String>,
    /// Second entry id.
    #[param(required = true)]
    pub b: Option<String>,
}

/// Entries of other documents most similar to the entry `id`, with the similarity `S` in 0..1.
#[utoipa::path(
    get,
    path = "/api/entries/{id}/similar",
    tag = "compare",
    params(("id" = String, Path, description = "Entry id"), SimilarQuery),
    responses(
        (status = 200, description = "Similar entries, best first", body = SimilarResponse),
        (status = 400, description = "Bad parameter", body = super::error::ErrorBody),
        (status = 404, description = "Unknown entry id", body = super::error::ErrorBody),
    )
)]
pub async fn similar_handler(
    state: AppState,
    id: String,
    SimilarQuery(req): SimilarQuery,
) -> Result<Json<SimilarResponse>, ApiError> {
    let resp = on_index(&state, move |index| {
        service::similar_by_id(index, &id, &req)
    })
    .await?;
    Ok(Json(resp))
}

/// Alignment of the entries of document `from` with those of document `to`.
#[utoipa::path(
    get,
    path = "/api/align",
    tag = "compare",
    params(AlignParams),
    responses(
        (status = 200, description = "Every entry of `from` once in `pairs`; `unmatched_to` = not adopted", body = Alignment),
        (status = 400, description = "Missing or bad parameter", body = super::error::ErrorBody),
        (status = 404, description = "Unknown document id", body = super::error::ErrorBody),
    )
)]
pub async fn align_handler(
    State(state): State<AppState>,
    Query(pairs): Query,
) -> Result<Json<Alignment>, ApiError> {
    let (from, to, opts) = align_query(&pairs)?;
    let alignment = on_index(&state, move |index| {
        service::align_by_id(index, &from, &to, &opts)
    })
    .await?;
    Ok(Json(alignment))
}

/// Word-level diff and similarity of the entries `a` and `b`.
#[utoipa::path(
    get,
    path = "/api/compare",
    tag = "compare",
    params(CompareParams),
    responses(
        (status = 200, description = "Score, relation and word diff", body = EntryComparison),
        (status = 400, description = "Missing parameter", body = super::error::ErrorBody),
        (status = 404, description = "Unknown entry id", body = super::error::ErrorBody),
    )
)]
pub async fn compare_handler(
    State(state): State<AppState>,
    Query(pairs): Query,
) -> Result<Json<EntryComparison>, ApiError> {
    pairs.only(&["a", "b"])?;
    let a = pairs.required("a")?.trim().to_owned();
    let b = pairs.required("b")?.trim().to_owned();
    let cmp = on_index(&state, move |index| service::compare_by_id(index, &a, &b)).await?;
    Ok(Json(cmp))
}

fn align_query(pairs: &Pairs) -> Result<(String, String, AlignOptions), ParamError> {
    pairs.only(&["from", "to", "min_score"])?;
    let from = pairs.required("from")?.trim().to_owned();
    let to = pairs.required("to")?.trim().to_owned();
    let mut opts = AlignOptions::default();
    if let Some(m) = pairs.one("min_score")? {
        opts.min_score = fraction("min_score", m)?;
    }
    Ok((from, to, opts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_lists_the_three_paths() {
        use utoipa::OpenApi;
        let doc = CompareApi::openapi();
        for path in ["/api/entries/{id}/similar", "/api/align", "/api/compare"] {
            assert!(doc.paths.paths.contains_key(path), "{path}");
        }
    }

    #[test]
    fn align_query_requires_both_documents() {
        let q = |raw: &str| align_query(&Pairs::parse(Some(raw)).unwrap_or_default());
        assert_eq!(
            q("from=a&to=b&min_score=0.4").ok().map(|x| x.2.min_score),
            Some(0.4)
        );
        let err = q("from=a").err();
        assert_eq!(err.as_ref().map(|e| e.code), Some("missing_parameter"));
        for m in ["2", "-0.1", "abc", "NaN"] {
            let e = q(&format!("from=a&to=b&min_score={m}")).err();
            assert_eq!(e.as_ref().map(|e| e.code), Some("bad_parameter"), "{m}");
            let ru = e.map(|e| e.message_ru).unwrap_or_default();
            assert!(ru.contains("не число от 0 до 1"), "{ru}");
        }
    }
}
