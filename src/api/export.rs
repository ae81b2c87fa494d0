//! `GET /api/search?…&format=csv|ndjson`: every matching entry (up to
//! [`MAX_API_ROWS`](crate::export::MAX_API_ROWS)), streamed as a download.
//!
//! The request is the search's own (checked by [`request`], so filters mean the same
//! and bad values are the same 400 errors); `format` selects the export, `json` or no `format` is
//! the ordinary search. The page parameters (`limit`, `offset`) and `facets` do not apply: the
//! export holds all matches in the search's order. The entries are ranked once, then loaded and
//! written [`BATCH`](crate::export::BATCH) at a time in the blocking pool, so memory stays bounded
//! whatever the export's size. `X-Total-Count` says how many entries match; `X-Export-Truncated:
//! true` that there were more than the export holds.

use super::json::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::on_index;
use super::params::Pairs;
use super::{ApiError, AppState};
use crate::export::{BATCH, Format, MAX_API_ROWS};
use crate::index::Matching;
use crate::search::params::request;
use crate::vocabulary::Endpoint;

/// Header with the number of matching entries.
pub const TOTAL: HeaderName = HeaderName::from_static("x-total-count");
/// Header present when the export holds fewer entries than match.
pub const TRUNCATED: HeaderName = HeaderName::from_static("x-export-truncated");

/// Serves `/api/search`: the search, or with `format=csv|ndjson` the export.
pub async fn search_or_export(State(state): State<AppState>, uri: Uri) -> Response {
    let answer = match export_format(&uri) {
        Ok((None, pairs)) => search(state, pairs).await,
        Ok((Some(format), pairs)) => export(state, format, pairs).await,
        Err(e) => Err(e),
    };
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// The ordinary search: a page of hits with facet counts.
async fn search(state: AppState, pairs: Pairs) -> Result<Response, ApiError> {
    let req = request(&pairs, Endpoint::Search)?;
    let resp = on_index(&state, move |index| index.search(&req)).await?;
    Ok(Json(resp).into_response())
}

/// The export format asked for (`None` for the ordinary search) and the other parameters.
fn export_format(uri: &Uri) -> Result<(Option<Format>, Pairs), ApiError> {
    let pairs = Pairs::parse(uri.query())?;
    let (formats, rest): (Vec<_>, Vec<_>) = pairs.0.into_iter().partition(|(n, _)| n == "format");
    let rest = Pairs(rest);
    let format = match formats.as_slice() {
        [] => return Ok((None, rest)),
        [(_, v)] if v.is_empty() || v == "json" => return Ok((None, rest)),
        [(_, v)] => Format::parse(v)?,
        _ => {
            return Err(ApiError::bad_request(
                "repeated_parameter",
                "parameter 'format' may be given only once",
                "Параметр «format» можно указать только один раз",
            ));
        }
    };
    Ok((Some(format), rest))
}

async fn export(state: AppState, format: Format, pairs: Pairs) -> Result<Response, ApiError> {
    let mut req = request(&pairs, Endpoint::Search)?;
    req.offset = 0;
    req.skip_facets = true;
    let matching = on_index(&state, move |index| index.matching(&req, MAX_API_ROWS)).await?;
    let total = matching.total();
    let truncated = total > matching.len() as u64;
    let header = format.header().map_err(ApiError::from)?;
    // Fused: layers such as compression may poll the body again after its end.
    let body = Body::from_stream(
        futures_util::stream::unfold(Some((state, matching, Some(header))), move |next| {
            next_chunk(next, format)
        })
        .fuse(),
    );
    let disposition = format!(
        "attachment; filename=\"edusearch-export.{}\"",
        format.extension()
    );
    let mut resp = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|_| ApiError::internal())?,
            ),
        ],
        body,
    )
        .into_response();
    resp.headers_mut().insert(TOTAL, HeaderValue::from(total));
    if truncated {
        resp.headers_mut()
            .insert(TRUNCATED, HeaderValue::from_static("true"));
    }
    Ok(resp)
}

type ExportState = Option<(AppState, Matching, Option<Vec<u8>>)>;

/// The next piece of the body: the header, then batches of rows until the matches are written.
async fn next_chunk(
    next: ExportState,
    format: Format,
) -> Option<(Result<Bytes, std::io::Error>, ExportState)> {
    let (state, mut matching, header) = next?;
    if let Some(header) = header {
        return Some((Ok(Bytes::from(header)), Some((state, matching, None))));
    }
    let loaded = on_index(&state, move |index| {
        let entries = matching.next_batch(index, BATCH)?;
        let rows = format.rows(&entries)?;
        Ok((matching, entries.is_empty(), rows))
    })
    .await;
    match loaded {
        Ok((_, true, _)) => None,
        Ok((matching, false, rows)) => Some((Ok(Bytes::from(rows)), Some((state, matching, None)))),
        Err(e) => {
            // The answer has started: all that is left is to cut it short.
            tracing::error!(error = %e, "export failed");
            Some((Err(std::io::Error::other(e.to_string())), None))
        }
    }
}
