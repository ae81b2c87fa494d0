//! What the index stores per entry besides its fields.

use serde::{Deserialize, Serialize};

use crate::model::Entry;

/// What the index stores per entry: the entry (its `parse --json` fields) plus the fields
/// `parse --json` leaves out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StoredEntry {
    #[serde(flatten)]
    pub(super) entry: Entry,
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

impl StoredEntry {
    pub(super) fn into_entry(self) -> Entry {
        let mut e = self.entry;
        e.position = self.position;
        e.block = self.block;
        e.block_title = self.block_title;
        e
    }
}
