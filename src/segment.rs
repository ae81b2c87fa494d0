//! Stage 4: segment a document into sections, addressee blocks and entries.

use crate::model::{DocumentMeta, Entry};

/// Segments clean paragraphs into entries (document order) and warnings.
pub fn segment(meta: &DocumentMeta, paragraphs: &[String]) -> (Vec<Entry>, Vec<String>) {
    let _ = (meta, paragraphs);
    (Vec::new(), Vec::new())
}
