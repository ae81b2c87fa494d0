//! What the index stores per entry besides its fields.
//!
//! The stored form is one JSON object: the entry's `parse --json` fields followed by the fields
//! `parse --json` leaves out, named with a leading `_`.

use serde::{Deserialize, Serialize};

use crate::model::Entry;

/// What the index stores per entry: the entry (its `parse --json` fields) plus the fields
/// `parse --json` leaves out.
#[derive(Debug, Clone, Serialize)]
pub(super) struct StoredEntry {
    #[serde(flatten)]
    pub(super) entry: Entry,
    #[serde(flatten)]
    pub(super) extra: Extra,
}

/// The stored fields that are not the entry's `parse --json` fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Extra {
    #[serde(rename = "_position")]
    pub(super) position: u32,
    #[serde(rename = "_block", default)]
    pub(super) block: Option<u32>,
    #[serde(rename = "_block_title", default)]
    pub(super) block_title: Option<String>,
    #[serde(rename = "_lang", default)]
    pub(super) lang: String,
    /// Display name of the source file.
    #[serde(rename = "_file", default, skip_serializing_if = "Option::is_none")]
    pub(super) file: Option<String>,
    /// Canonical path of the source file (see [`ids`]).
    #[serde(rename = "_origin", default, skip_serializing_if = "Option::is_none")]
    pub(super) origin: Option<String>,
    /// Fingerprint of the source file's decoded text.
    #[serde(rename = "_content", default, skip_serializing_if = "Option::is_none")]
    pub(super) content: Option<String>,
}

/// Where the fields of [`Extra`] begin in the stored JSON (the first of them, as written).
const EXTRA_START: &str = ",\"_position\":";

/// The stored form being written: [`StoredEntry`] with the entry borrowed, not copied.
#[derive(Serialize)]
struct Writing<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    #[serde(flatten)]
    extra: &'a Extra,
}

impl StoredEntry {
    /// The stored JSON of `entry` with `extra`.
    pub(super) fn to_json(entry: &Entry, extra: &Extra) -> serde_json::Result<String> {
        serde_json::to_string(&Writing { entry, extra })
    }

    /// Reads the stored JSON: the entry's fields and the others in two passes, each skipping
    /// the other's fields (≈ 10 % faster on the seeds' entries than one pass through
    /// `flatten`, which buffers every field first). [`StoredEntry::to_json`] writes the other
    /// fields last, from `_position` on: the second pass reads only them (the key's quotes
    /// cannot occur unescaped inside a string value), or the whole object when the key is
    /// missing.
    pub(super) fn from_json(json: &str) -> serde_json::Result<StoredEntry> {
        let entry = serde_json::from_str(json)?;
        let extra = match json.rfind(EXTRA_START) {
            Some(at) => {
                let tail = &json[at + 1..];
                let mut object = String::with_capacity(tail.len() + 1);
                object.push('{');
                object.push_str(tail);
                serde_json::from_str(&object)?
            }
            None => serde_json::from_str(json)?,
        };
        Ok(StoredEntry { entry, extra })
    }

    pub(super) fn into_entry(self) -> Entry {
        let mut e = self.entry;
        e.position = self.extra.position;
        e.block = self.extra.block;
        e.block_title = self.extra.block_title;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_writing_matches_the_stored_form_and_round_trips() {
        let seeds = crate::pipeline::embedded_seeds();
        let doc = crate::pipeline::parse_source(seeds.first().expect("seed documents"));
        assert!(!doc.entries.is_empty());
        for entry in &doc.entries {
            let extra = Extra {
                position: entry.position,
                block: entry.block,
                block_title: entry.block_title.clone(),
                lang: "ru".into(),
                file: Some("000.txt".into()),
                origin: None,
                content: Some("abc".into()),
            };
            let json = StoredEntry::to_json(entry, &extra).expect("serialise");
            let owned = serde_json::to_string(&StoredEntry {
                entry: entry.clone(),
                extra: extra.clone(),
            })
            .expect("serialise owned");
            assert_eq!(json, owned);
            assert!(json.contains("\"_position\":") && json.contains("\"_file\":\"000.txt\""));
            let back = StoredEntry::from_json(&json).expect("read");
            assert_eq!(back.extra, extra);
            assert_eq!(&back.into_entry(), entry);
        }
    }

    /// The other fields are found after the entry's even when a text of the entry holds their
    /// first key.
    #[test]
    fn extra_fields_are_read_whatever_the_texts_hold() {
        let seeds = crate::pipeline::embedded_seeds();
        let doc = crate::pipeline::parse_source(seeds.first().expect("seed documents"));
        let mut entry = doc.entries.first().expect("an entry").clone();
        entry.text = format!("{} ,\"_position\":7, \"_lang\":\"en\"}}", entry.text);
        let extra = Extra {
            position: 3,
            block: Some(2),
            block_title: Some("«_position»".into()),
            lang: "ru".into(),
            file: None,
            origin: Some("a/b.txt".into()),
            content: None,
        };
        let json = StoredEntry::to_json(&entry, &extra).expect("serialise");
        let back = StoredEntry::from_json(&json).expect("read");
        assert_eq!(back.extra, extra);
        assert_eq!(back.entry.text, entry.text);
        // Without the key the whole object is read: a missing position is an error, as it was.
        let json = json.replace("\"_position\":3,", "");
        assert!(StoredEntry::from_json(&json).is_err());
    }
}
