//! Stage 3: detect document metadata (title, kind, level, region, municipality, date, number).

use crate::model::{DocKind, DocumentMeta, Level};

/// Detects the metadata of a document from its clean paragraphs.
pub fn detect(doc_id: &str, source: &str, paragraphs: &[String]) -> DocumentMeta {
    let _ = paragraphs;
    DocumentMeta {
        doc_id: doc_id.to_string(),
        title: doc_id.to_string(),
        kind: DocKind::Other,
        level: Level::Regional,
        region: None,
        municipality: None,
        date: None,
        year: None,
        number: None,
        source: source.to_string(),
    }
}
