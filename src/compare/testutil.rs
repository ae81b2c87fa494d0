//! Test helpers.

use crate::model::{DocKind, Entry, EntryType, Level};

/// A recommendation of document `doc` at position `pos` with `text`; id `doc/e{pos}`.
pub(crate) fn entry(doc: &str, pos: u32, text: &str) -> Entry {
    Entry {
        id: format!("{doc}/e{pos}"),
        doc_id: doc.into(),
        doc_title: String::new(),
        kind: DocKind::Resolution,
        level: Level::Municipal,
        region: None,
        municipality: None,
        date: None,
        year: Some(2021),
        section: None,
        topic: None,
        entry_type: EntryType::Recommendation,
        number: None,
        addressees: Vec::new(),
        deadline: None,
        deadline_text: None,
        responsible: Vec::new(),
        context: None,
        text: text.into(),
        position: pos,
        block: None,
        block_title: None,
    }
}
