//! Comparison endpoints: similar entries, document alignment, entry diff.
//!
//! - `GET /api/entries/{id}/similar?level=&year=&region=&kind=&limit=` — [`similar_handler`], called by
//!   the entries router of [`super`] for paths ending in `/similar`;
//! - `GET /api/align?from=DOC&to=DOC&min_score=` — [`align_handler`];
//! - `GET /api/compare?a=ID&b=ID` — [`compare_handler`].
//!
//! Query strings are parsed with [`Pairs`] like every endpoint of the API: unknown or repeated
//! parameters and bad values are precise 400 JSON errors; unknown ids are 404.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::handlers::on_index;
use super::params::Pairs;
use super::{ApiError, AppState};
use crate::compare::align::{AlignOptions, Alignment};
use crate::compare::service::{self, EntryComparison, SimilarResponse};
use crate::compare::similar::{self, SimilarFilters};
use crate::error::Error;

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

/// Query of `/api/entries/{id}/similar`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// Only entries of documents of this level: `federal`, `regional`, `municipal`.
    pub level: Option<String>,
    /// Only entries of documents of this year.
    pub year: Option<String>,
    /// Only entries of documents of this region.
    pub region: Option<String>,
    /// Only entries of documents of this kind: `resolution`, `order`, `decision`, `other`.
    pub kind: Option<String>,
    /// Number of similar entries, 1..=100 (default 10).
    pub limit: Option<String>,
}

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
    params(("id" = String, Path, description = "Entry id"), SimilarParams),
    responses(
        (status = 200, description = "Similar entries, best first", body = SimilarResponse),
        (status = 400, description = "Bad parameter", body = super::error::ErrorBody),
        (status = 404, description = "Unknown entry id", body = super::error::ErrorBody),
    )
)]
pub async fn similar_handler(state: AppState, id: String, uri: Uri) -> Response {
    let run = async move {
        let pairs = Pairs::parse(uri.query())?;
        pairs.only(&["level", "year", "region", "kind", "limit"])?;
        let params = SimilarParams {
            level: single(&pairs, "level")?,
            year: single(&pairs, "year")?,
            region: single(&pairs, "region")?,
            kind: single(&pairs, "kind")?,
            limit: single(&pairs, "limit")?,
        };
        let (filters, limit) = similar_query(&params)?;
        on_index(&state, move |index| {
            service::similar_by_id(index, &id, &filters, limit)
        })
        .await
    };
    match run.await {
        Ok(resp) => Json(resp).into_response(),
        Err(e) => e.into_response(),
    }
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
    uri: Uri,
) -> Result<Json<Alignment>, ApiError> {
    let pairs = Pairs::parse(uri.query())?;
    pairs.only(&["from", "to", "min_score"])?;
    let (from, to, opts) = align_query(AlignParams {
        from: single(&pairs, "from")?,
        to: single(&pairs, "to")?,
        min_score: single(&pairs, "min_score")?,
    })?;
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
    uri: Uri,
) -> Result<Json<EntryComparison>, ApiError> {
    let pairs = Pairs::parse(uri.query())?;
    pairs.only(&["a", "b"])?;
    let a = required(single(&pairs, "a")?, "a")?;
    let b = required(single(&pairs, "b")?, "b")?;
    let cmp = on_index(&state, move |index| service::compare_by_id(index, &a, &b)).await?;
    Ok(Json(cmp))
}

/// The value of a parameter given at most once; empty counts as absent.
fn single(pairs: &Pairs, name: &str) -> Result<Option<String>, ApiError> {
    let mut values = pairs.0.iter().filter(|(n, _)| n == name);
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::bad_request(
            "repeated_parameter",
            format!("parameter '{name}' may be given only once"),
            format!("Параметр «{name}» можно указать только один раз"),
        ));
    }
    Ok(first
        .map(|(_, v)| v.clone())
        .filter(|v| !v.trim().is_empty()))
}

fn similar_query(p: &SimilarParams) -> Result<(SimilarFilters, usize), ApiError> {
    let filters = SimilarFilters {
        level: non_empty(&p.level).map(service::parse_level).transpose()?,
        year: non_empty(&p.year)
            .map(|y| parse_number::<i32>(y, "year"))
            .transpose()?,
        region: non_empty(&p.region).map(str::to_owned),
        kind: non_empty(&p.kind).map(service::parse_kind).transpose()?,
    };
    let limit = match non_empty(&p.limit) {
        Some(l) => parse_number::<usize>(l, "limit")?,
        None => similar::DEFAULT_LIMIT,
    };
    if !(1..=similar::MAX_LIMIT).contains(&limit) {
        return Err(bad(
            format!("limit must be between 1 and {}", similar::MAX_LIMIT),
            format!("«limit» должен быть от 1 до {}", similar::MAX_LIMIT),
        ));
    }
    Ok((filters, limit))
}

fn align_query(p: AlignParams) -> Result<(String, String, AlignOptions), ApiError> {
    let from = required(p.from, "from")?;
    let to = required(p.to, "to")?;
    let mut opts = AlignOptions::default();
    if let Some(m) = non_empty(&p.min_score) {
        opts.min_score = parse_number::<f32>(m, "min_score")?;
        service::check_min_score(opts.min_score)?;
    }
    Ok((from, to, opts))
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn required(v: Option<String>, name: &str) -> Result<String, ApiError> {
    match non_empty(&v) {
        Some(s) => Ok(s.to_owned()),
        None => Err(ApiError::bad_request(
            "missing_parameter",
            format!("parameter '{name}' is required"),
            format!("Не задан обязательный параметр «{name}»"),
        )),
    }
}

fn parse_number<T: std::str::FromStr>(s: &str, name: &str) -> Result<T, ApiError> {
    s.parse().map_err(|_| {
        bad(
            format!("parameter '{name}' must be a number, got '{s}'"),
            format!("Параметр «{name}» должен быть числом, получено «{s}»"),
        )
    })
}

fn bad(en: String, ru: String) -> ApiError {
    ApiError::from(Error::invalid(en, ru))
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    fn status<T>(r: Result<T, ApiError>) -> Option<StatusCode> {
        r.err().map(|e| e.status)
    }

    #[test]
    fn similar_query_parses_and_rejects() {
        let p = SimilarParams {
            level: Some("municipal".into()),
            year: Some("2021".into()),
            limit: Some("5".into()),
            ..SimilarParams::default()
        };
        let (f, limit) = similar_query(&p).unwrap_or_default();
        assert_eq!(f.year, Some(2021));
        assert_eq!(limit, 5);
        let defaults = similar_query(&SimilarParams::default()).map(|x| x.1);
        assert_eq!(defaults.ok(), Some(similar::DEFAULT_LIMIT));
        for bad in [
            SimilarParams {
                level: Some("district".into()),
                ..Default::default()
            },
            SimilarParams {
                year: Some("20x1".into()),
                ..Default::default()
            },
            SimilarParams {
                limit: Some("0".into()),
                ..Default::default()
            },
            SimilarParams {
                limit: Some("1000".into()),
                ..Default::default()
            },
            SimilarParams {
                kind: Some("law".into()),
                ..Default::default()
            },
        ] {
            assert_eq!(
                status(similar_query(&bad)),
                Some(StatusCode::BAD_REQUEST),
                "{bad:?}"
            );
        }
    }

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
        let ok = AlignParams {
            from: Some("a".into()),
            to: Some("b".into()),
            min_score: Some("0.4".into()),
        };
        assert_eq!(align_query(ok).ok().map(|x| x.2.min_score), Some(0.4));
        let missing = AlignParams {
            from: Some("a".into()),
            ..Default::default()
        };
        let err = align_query(missing).err();
        assert_eq!(err.as_ref().map(|e| e.code), Some("missing_parameter"));
        for m in ["2", "-0.1", "abc", "NaN"] {
            let p = AlignParams {
                from: Some("a".into()),
                to: Some("b".into()),
                min_score: Some(m.into()),
            };
            assert_eq!(status(align_query(p)), Some(StatusCode::BAD_REQUEST), "{m}");
        }
    }
}
