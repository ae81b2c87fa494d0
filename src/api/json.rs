//! JSON answers: [`Json`] writes a value with `sonic-rs` (SIMD string escaping: a search page
//! is tens of kilobytes of Cyrillic text, whose byte-by-byte escaping was a measurable share of
//! a request) into a buffer sized for it once.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ApiError;

/// A JSON answer (`200` unless wrapped with a status), written as `serde_json` writes it. (Error
/// answers keep axum's own `Json`: the fallback of this one must not fail the same way.)
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

/// Bytes reserved before writing an answer: enough for most search pages, so that the buffer
/// is not grown and copied several times while it is written.
const INITIAL_CAPACITY: usize = 64 * 1024;

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(INITIAL_CAPACITY);
        match sonic_rs::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "answer not serialisable");
                ApiError::internal().into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The bytes are those `serde_json` writes: clients and the answer cache's ETags see no
    /// change of format (floats, escapes, flattened and skipped fields, facets).
    #[test]
    fn writes_what_serde_json_writes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = crate::index::EntryIndex::open_or_build_seeds(dir.path()).expect("seeds");
        for q in [
            "наставничество молодых педагогов",
            "",
            "\"цифровой образовательной среды\"",
        ] {
            let req = crate::search::SearchRequest {
                q: q.into(),
                limit: 50,
                ..Default::default()
            };
            let mut answer = index.search(&req).expect("search");
            assert!(
                !answer.hits.is_empty() && !answer.facets.addressee.is_empty(),
                "{q}"
            );
            // Quotes, backslashes, control characters and marks in a text.
            answer.hits[0].snippet = format!("«{}» \"<mark>\" \\ \u{1} \t", answer.hits[0].snippet);
            let mut body = Vec::new();
            sonic_rs::to_writer(&mut body, &answer).expect("sonic-rs");
            let expected = serde_json::to_vec(&answer).expect("serde_json");
            assert_eq!(
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&expected)
            );
        }
    }
}
