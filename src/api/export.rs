//! `GET /api/search?…&format=csv|ndjson`: every matching entry (up to
//! [`MAX_API_ROWS`](crate::export::MAX_API_ROWS)), streamed as a download.
//!
//! The request is the search's own (parsed by [`params::search_request`], so filters mean the same
//! and bad values are the same 400 errors); `format` selects the export, `json` or no `format` is
//! the ordinary search. The page parameters (`limit`, `offset`) and `facets` do not apply: the
//! export holds all matches in the search's order. The entries are ranked once, then loaded and
//! written [`BATCH`](crate::export::BATCH) at a time in the blocking pool, so memory stays bounded
//! whatever the export's size. `X-Total-Count` says how many entries match; `X-Export-Truncated:
//! true` that there were more than the export holds.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::handlers::{self, on_index};
use super::params::{self, Pairs};
use super::{ApiError, AppState};
use crate::export::{BATCH, Format, MAX_API_ROWS};
use crate::index::Matching;

/// Header with the number of matching entries.
pub const TOTAL: HeaderName = HeaderName::from_static("x-total-count");
/// Header present when the export holds fewer entries than match.
pub const TRUNCATED: HeaderName = HeaderName::from_static("x-export-truncated");

/// Serves `/api/search`: the search, or with `format=csv|ndjson` the export.
pub async fn search_or_export(state: State<AppState>, uri: Uri) -> Response {
    match export_format(&uri) {
        Ok(None) => handlers::search(state, without_format(&uri))
            .await
            .into_response(),
        Ok(Some((format, pairs))) => export(state.0, format, pairs)
            .await
            .unwrap_or_else(IntoResponse::into_response),
        Err(e) => e.into_response(),
    }
}

/// The export format asked for and the other parameters; `None` for the ordinary search.
fn export_format(uri: &Uri) -> Result<Option<(Format, Pairs)>, ApiError> {
    let pairs = Pairs::parse(uri.query())?;
    let (formats, rest): (Vec<_>, Vec<_>) = pairs.0.into_iter().partition(|(n, _)| n == "format");
    let format = match formats.as_slice() {
        [] => return Ok(None),
        [(_, v)] if v.is_empty() || v == "json" => return Ok(None),
        [(_, v)] => Format::parse(v)?,
        _ => {
            return Err(ApiError::bad_request(
                "repeated_parameter",
                "parameter 'format' may be given only once",
                "Параметр «format» можно указать только один раз",
            ));
        }
    };
    Ok(Some((format, Pairs(rest))))
}

/// `uri` without its `format` parameters (`format=json` is the ordinary search, which knows no
/// `format`).
fn without_format(uri: &Uri) -> Uri {
    let Some(query) = uri.query() else {
        return uri.clone();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|part| {
            let name = part.split_once('=').map_or(*part, |(n, _)| n);
            params::decode(name).map_or(true, |n| n != "format")
        })
        .collect();
    let target = if kept.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), kept.join("&"))
    };
    target.parse().unwrap_or_else(|_| uri.clone())
}

async fn export(state: AppState, format: Format, pairs: Pairs) -> Result<Response, ApiError> {
    let mut req = params::search_request(&pairs)?;
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
