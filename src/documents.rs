//! Adding, replacing and removing single documents of a live index, with their originals kept in
//! the [`DocumentStore`]; rebuilding the index from the store (`edusearch reindex`).
//!
//! Every change is one index commit and one store change, tied together by the commit payload
//! (see [`crate::store`]): after a crash the store is settled against the index the next time a
//! change begins, so both agree — the document is fully in or fully out.
//!
//! Changes are serialised: in one process by [`Documents`]' lock, across processes by the index
//! writer's directory lock (a second writer fails at once instead of waiting). Searches go on
//! during a change and see it when its commit reloads the reader.
//!
//! Files enter through [`crate::ingest::from_bytes`] (name and bytes → decoded text, or a
//! one-line reason), the same entry point format readers plug into.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::error::{Error, RejectReason};
use crate::index::{EntryIndex, EntryWriter, IndexSource};
use crate::model::{Document, EntryType};
use crate::store::{self, DocumentStore, StoreError, StoredDocument};

/// Longest accepted original file name, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Why a document change was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The file is not a document we read (reason in one line).
    #[error("{name}: {reason}")]
    Rejected {
        /// The file name.
        name: String,
        /// Why.
        reason: RejectReason,
    },
    /// The file name is empty, too long or has control characters.
    #[error("bad file name {0:?}: give a plain file name such as prikaz.txt")]
    BadName(String),
    /// No document with this id.
    #[error("no document {0}")]
    NotFound(String),
    /// The same file (name and content) is already stored under this id.
    #[error("the same file is already stored as document {0}")]
    Duplicate(String),
    /// Another process holds the index writer (a running `serve`, or another command).
    #[error(
        "the index is being written by another process (a running `edusearch serve`?); change documents through its API or stop it"
    )]
    Busy,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] Error),
}

/// What a change did to one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeReport {
    /// Document id (the handle for `PUT`/`DELETE /api/documents/{doc_id}`).
    pub doc_id: String,
    /// Original file name.
    pub name: String,
    /// SHA-256 of the original.
    pub sha256: String,
    /// Size of the original in bytes.
    pub size: u64,
    /// Entries the document now has in the index.
    pub entries: u64,
    /// Entries by type (`recommendation`, `finding`, `provision`).
    pub entry_types: BTreeMap<String, u64>,
    /// Entries of the previous version that were removed (0 for a new document).
    pub removed_entries: u64,
    /// Parse warnings (structures the parser did not recognise).
    pub warnings: Vec<String>,
    /// Name of the detected text encoding.
    pub encoding: String,
}

/// What a removal did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemoveReport {
    /// Document id.
    pub doc_id: String,
    /// Entries removed from the index.
    pub removed_entries: u64,
    /// Whether an original was deleted from the store (documents indexed from files or the
    /// embedded seeds have none).
    pub had_original: bool,
}

/// What [`Documents::reindex`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReindexReport {
    /// Stored documents parsed again.
    pub stored: u64,
    /// Embedded seed documents parsed again.
    pub seeds: u64,
    /// Entries in the rebuilt index.
    pub entries: u64,
    /// Stored documents without entries now (reason per document): an original the parser
    /// rejects stays stored; a damaged one is dropped from the store.
    pub failed: Vec<String>,
}

/// The documents of one index: serialises changes and keeps the store in step with the index.
#[derive(Debug)]
pub struct Documents {
    /// Held for the whole of a change.
    lock: Mutex<()>,
}

impl Default for Documents {
    fn default() -> Self {
        Self::new()
    }
}

impl Documents {
    /// A handle with its own lock; one per process and index.
    pub fn new() -> Self {
        Documents {
            lock: Mutex::new(()),
        }
    }

    /// The stored documents of `index`, as they are once a change interrupted by a crash is
    /// settled (reads only).
    pub fn list(index: &EntryIndex) -> Result<Vec<StoredDocument>, ChangeError> {
        let store = DocumentStore::open(&DocumentStore::dir_for(index.dir()))?;
        let committed = index.commit_payload()?;
        Ok(store.effective_documents(committed.as_deref()).to_vec())
    }

    /// Settles the store against the index now (what every change does first).
    pub fn recover(&self, index: &EntryIndex) -> Result<store::Recovery, ChangeError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let _writer = writer(index)?;
        let mut store = open_store(index)?;
        Ok(store.recover(index.commit_payload()?.as_deref())?)
    }

    /// Adds a new document from its original file. Its id comes from the file name; when that id
    /// is taken, the first 8 hex digits of the content hash are appended.
    pub fn add(
        &self,
        index: &EntryIndex,
        name: &str,
        bytes: &[u8],
    ) -> Result<ChangeReport, ChangeError> {
        let name = clean_name(name)?;
        let src = read_source(&name, bytes)?;
        self.change(index, |taken| {
            let sha = store::sha256_hex(bytes);
            let mut doc_id = src.doc_id.clone();
            if taken.contains(&doc_id) {
                doc_id = format!("{doc_id}_{}", &sha[..8]);
                if taken.contains(&doc_id) {
                    return Err(ChangeError::Duplicate(doc_id));
                }
            }
            Ok(Put {
                doc_id,
                name,
                src,
                bytes,
            })
        })
    }

    /// Replaces document `doc_id` (stored, indexed from files, or a seed) by a new original; its
    /// id stays.
    pub fn replace(
        &self,
        index: &EntryIndex,
        doc_id: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<ChangeReport, ChangeError> {
        let name = clean_name(name)?;
        let src = read_source(&name, bytes)?;
        self.change(index, |taken| {
            if !taken.contains(doc_id) {
                return Err(ChangeError::NotFound(doc_id.to_owned()));
            }
            Ok(Put {
                doc_id: doc_id.to_owned(),
                name,
                src,
                bytes,
            })
        })
    }

    /// Removes document `doc_id` from the index and its original from the store.
    pub fn remove(&self, index: &EntryIndex, doc_id: &str) -> Result<RemoveReport, ChangeError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut w = writer(index)?;
        let mut store = open_store(index)?;
        store.recover(index.commit_payload()?.as_deref())?;
        let had_original = store.get(doc_id).is_some();
        let removed_entries = index.document_entries(doc_id)?.len() as u64;
        if !had_original && removed_entries == 0 {
            return Err(ChangeError::NotFound(doc_id.to_owned()));
        }
        let next: Vec<StoredDocument> = store
            .documents()
            .iter()
            .filter(|d| d.doc_id != doc_id)
            .cloned()
            .collect();
        w.remove(doc_id);
        commit(index, &mut store, w, next)?;
        tracing::info!(doc_id, removed_entries, "document removed");
        Ok(RemoveReport {
            doc_id: doc_id.to_owned(),
            removed_entries,
            had_original,
        })
    }

    /// Rebuilds the whole index from the stored originals and the embedded seeds it holds, with
    /// this binary's parser, in one commit. Documents of the index that are neither (indexed from
    /// files with `edusearch index`) cannot be parsed again: without `drop_unstored` the rebuild
    /// is refused and they are named; with it they are left out.
    pub fn reindex(
        &self,
        index: &EntryIndex,
        drop_unstored: bool,
    ) -> Result<ReindexReport, ChangeError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut store = open_store(index)?;
        {
            let _w = writer(index)?;
            store.recover(index.commit_payload()?.as_deref())?;
        }
        let stored: HashSet<String> = store.documents().iter().map(|d| d.doc_id.clone()).collect();
        let seeds = crate::pipeline::embedded_seeds();
        let held = index.document_ids()?;
        let seed_ids: HashSet<&str> = seeds.iter().map(|s| s.doc_id.as_str()).collect();
        let unstored: Vec<&String> = held
            .iter()
            .filter(|id| !stored.contains(*id) && !seed_ids.contains(id.as_str()))
            .collect();
        if !unstored.is_empty() && !drop_unstored {
            return Err(ChangeError::Index(Error::InvalidInput(format!(
                "{} indexed documents have no stored original and cannot be parsed again: {}; \
                 re-index their files with `edusearch index`, or drop them with `reindex --drop-unstored`",
                unstored.len(),
                unstored
                    .iter()
                    .take(10)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))));
        }
        let mut report = ReindexReport::default();
        let mut docs = Vec::new();
        let mut kept = Vec::new();
        for rec in store.documents() {
            // A damaged original is dropped from the store; one the parser now rejects stays
            // stored (without entries), so a later parser may read it.
            let bytes = match store.read(rec) {
                Ok(bytes) => bytes,
                Err(e) => {
                    report.failed.push(e.to_string());
                    continue;
                }
            };
            kept.push(rec.clone());
            match read_source(&rec.name, &bytes) {
                Ok(mut src) => {
                    src.doc_id = rec.doc_id.clone();
                    docs.push(crate::pipeline::parse_source(&src));
                    report.stored += 1;
                }
                Err(e) => report.failed.push(format!("{}: {e}", rec.doc_id)),
            }
        }
        for seed in seeds
            .iter()
            .filter(|s| held.contains(&s.doc_id) && !stored.contains(&s.doc_id))
        {
            docs.push(crate::pipeline::parse_source(seed));
            report.seeds += 1;
        }
        let source = if report.stored == 0 && report.seeds > 0 {
            IndexSource::EmbeddedSeeds
        } else {
            IndexSource::Files
        };
        let mut w = index.writer_cleared(source).map_err(busy)?;
        for d in &docs {
            w.add(d)?;
            report.entries += d.entries.len() as u64;
        }
        commit(index, &mut store, w, kept)?;
        Ok(report)
    }

    /// Runs one add/replace: settles the store, lets `plan` decide against the ids taken (stored
    /// and indexed), parses, writes the original, commits.
    fn change<'b>(
        &self,
        index: &EntryIndex,
        plan: impl FnOnce(&HashSet<String>) -> Result<Put<'b>, ChangeError>,
    ) -> Result<ChangeReport, ChangeError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut w = writer(index)?;
        let mut store = open_store(index)?;
        store.recover(index.commit_payload()?.as_deref())?;
        let mut taken: HashSet<String> = index.document_ids()?.into_iter().collect();
        taken.extend(store.documents().iter().map(|d| d.doc_id.clone()));
        let Put {
            doc_id,
            name,
            mut src,
            bytes,
        } = plan(&taken)?;
        src.doc_id = doc_id.clone();
        let doc = crate::pipeline::parse_source(&src);
        let removed_entries = index.document_entries(&doc_id)?.len() as u64;
        let record = StoredDocument {
            doc_id: doc_id.clone(),
            name: name.clone(),
            sha256: store.put_object(bytes)?,
            size: bytes.len() as u64,
            uploaded: Utc::now(),
        };
        let mut next: Vec<StoredDocument> = store
            .documents()
            .iter()
            .filter(|d| d.doc_id != doc_id)
            .cloned()
            .collect();
        next.push(record.clone());
        w.add(&doc)?;
        commit(index, &mut store, w, next)?;
        tracing::info!(
            doc_id,
            name,
            entries = doc.entries.len(),
            "document stored and indexed"
        );
        Ok(report_for(&record, &doc, removed_entries, src.encoding))
    }
}

/// What an add or replace is to write.
struct Put<'b> {
    doc_id: String,
    name: String,
    src: crate::ingest::SourceFile,
    bytes: &'b [u8],
}

fn open_store(index: &EntryIndex) -> Result<DocumentStore, ChangeError> {
    Ok(DocumentStore::open(&DocumentStore::dir_for(index.dir()))?)
}

/// The index writer (and with it the index's directory lock), or [`ChangeError::Busy`].
fn writer(index: &EntryIndex) -> Result<EntryWriter<'_>, ChangeError> {
    index.shared_writer(IndexSource::Files).map_err(busy)
}

fn busy(e: Error) -> ChangeError {
    match &e {
        Error::Index(m) if m.contains("LockBusy") => ChangeError::Busy,
        _ => ChangeError::Index(e),
    }
}

/// Begins the store change, commits the index with its payload, finishes the store change. When
/// the commit fails, the index's last payload decides (the entries may be committed even though a
/// later step of the commit failed).
fn commit(
    index: &EntryIndex,
    store: &mut DocumentStore,
    mut w: EntryWriter<'_>,
    next: Vec<StoredDocument>,
) -> Result<(), ChangeError> {
    let generation = store.begin(next)?;
    w.set_payload(store::payload(generation));
    if let Err(e) = w.commit() {
        store.recover(index.commit_payload()?.as_deref())?;
        return Err(e.into());
    }
    store.finish()?;
    Ok(())
}

/// The file name without any folder part, checked.
fn clean_name(raw: &str) -> Result<String, ChangeError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let bad = base.is_empty()
        || base == "."
        || base == ".."
        || base.len() > MAX_NAME_BYTES
        || base.chars().any(char::is_control);
    if bad {
        return Err(ChangeError::BadName(raw.chars().take(80).collect()));
    }
    Ok(base.to_owned())
}

fn read_source(name: &str, bytes: &[u8]) -> Result<crate::ingest::SourceFile, ChangeError> {
    crate::ingest::from_bytes(name, bytes).map_err(|reason| ChangeError::Rejected {
        name: name.to_owned(),
        reason,
    })
}

fn report_for(
    record: &StoredDocument,
    doc: &Document,
    removed_entries: u64,
    encoding: &str,
) -> ChangeReport {
    let mut entry_types = BTreeMap::new();
    for e in &doc.entries {
        let t = match e.entry_type {
            EntryType::Recommendation => "recommendation",
            EntryType::Finding => "finding",
            EntryType::Provision => "provision",
        };
        *entry_types.entry(t.to_owned()).or_insert(0) += 1;
    }
    ChangeReport {
        doc_id: record.doc_id.clone(),
        name: record.name.clone(),
        sha256: record.sha256.clone(),
        size: record.size,
        entries: doc.entries.len() as u64,
        entry_types,
        removed_entries,
        warnings: doc.warnings.clone(),
        encoding: encoding.to_owned(),
    }
}

/// Adds the stored documents (parsed again from their originals) to a batch that rebuilds the
/// index (`edusearch index --rebuild`), so that a rebuild never leaves stored documents out of the
/// index. The caller holds the writer of the index at `index_dir`, whose last commit payload is
/// `committed`; a change interrupted by a crash is settled first. Returns the documents added
/// and one line per stored document that could not be parsed.
pub fn add_stored(
    index_dir: &Path,
    committed: Option<&str>,
    writer: &mut EntryWriter<'_>,
) -> Result<(Vec<Document>, Vec<String>), ChangeError> {
    if !has_store(index_dir) {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut store = DocumentStore::open(&DocumentStore::dir_for(index_dir))?;
    store.recover(committed)?;
    let (mut docs, mut failed) = (Vec::new(), Vec::new());
    for rec in store.documents() {
        let parsed = store
            .read(rec)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                read_source(&rec.name, &bytes).map_err(|e| format!("{}: {e}", rec.doc_id))
            });
        match parsed {
            Ok(mut src) => {
                src.doc_id = rec.doc_id.clone();
                let doc = crate::pipeline::parse_source(&src);
                writer.add(&doc)?;
                docs.push(doc);
            }
            Err(reason) => failed.push(reason),
        }
    }
    Ok((docs, failed))
}

/// Whether `dir` has a document store.
pub fn has_store(index_dir: &Path) -> bool {
    DocumentStore::dir_for(index_dir)
        .join(store::MANIFEST_FILE)
        .is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_and_must_be_plain() {
        assert_eq!(clean_name("C:\\docs\\приказ.txt").unwrap(), "приказ.txt");
        assert_eq!(clean_name("../../etc/x.md").unwrap(), "x.md");
        for bad in ["", "dir/", "..", "a\u{0}b.txt"] {
            assert!(clean_name(bad).is_err(), "{bad:?}");
        }
        assert!(clean_name(&"a".repeat(300)).is_err());
    }
}
