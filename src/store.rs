//! The document store: the original files of the documents added through the documents API or
//! CLI, kept beside the index so that `edusearch reindex` can parse them again after a parser
//! upgrade.
//!
//! Layout, in `<index>/store/`:
//!
//! ```text
//! manifest.json        {"format": 1, "generation": G, "documents": [...], "pending": null | {...}}
//! objects/<sha256>     the original bytes, named by their SHA-256 (identical uploads share one)
//! ```
//!
//! Each document record keeps the document id, the original file name, the content hash, the
//! size and the upload time. The store never derives ids itself: the caller decides them.
//!
//! **Consistency with the index.** A change is written in three steps: [`DocumentStore::begin`]
//! writes the next list of documents as `pending` (with the next generation number); the index
//! commit carries [`payload`] of that generation (tantivy records it atomically with the entries);
//! [`DocumentStore::finish`] makes the pending list the current one. After a crash anywhere in
//! between, [`DocumentStore::recover`] compares the pending generation with the payload of the
//! index's last commit: equal means the index has the change (roll forward), anything else means
//! it does not (roll back). Objects are written (and synced) before `begin`; objects no record
//! refers to are deleted on recovery. The manifest is replaced atomically (temporary file, sync,
//! rename, directory sync), so a reader sees the old or the new manifest, never half of one.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Folder of the store inside the index directory.
pub const STORE_DIR: &str = "store";
/// The manifest file in the store folder.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Format number of the manifest this build writes.
const MANIFEST_FORMAT: u32 = 1;
/// Prefix of the index commit payload naming a store generation.
const PAYLOAD_PREFIX: &str = "edusearch-store:";

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Filesystem error.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest cannot be read (damaged, or written by a newer program).
    #[error("{path}: {message}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A stored original is missing or does not match its hash.
    #[error("stored original of {doc_id} ({path}) is missing or damaged")]
    Damaged {
        /// The document.
        doc_id: String,
        /// The object file.
        path: PathBuf,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// One stored document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredDocument {
    /// Document id of its entries.
    pub doc_id: String,
    /// Original file name, as uploaded.
    pub name: String,
    /// SHA-256 of the original bytes, lower-case hex.
    pub sha256: String,
    /// Size of the original in bytes.
    pub size: u64,
    /// When it was uploaded (UTC).
    pub uploaded: DateTime<Utc>,
}

/// A change written but not yet known to be in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    generation: u64,
    documents: Vec<StoredDocument>,
}

/// The manifest file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    generation: u64,
    documents: Vec<StoredDocument>,
    pending: Option<Pending>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format: MANIFEST_FORMAT,
            generation: 0,
            documents: Vec::new(),
            pending: None,
        }
    }
}

/// What [`DocumentStore::recover`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Nothing was pending.
    Clean,
    /// A pending change was in the index: the store took it.
    RolledForward,
    /// A pending change was not in the index: the store dropped it.
    RolledBack,
}

/// The index commit payload that marks store generation `generation`.
pub fn payload(generation: u64) -> String {
    format!("{PAYLOAD_PREFIX}{generation}")
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// An open document store (see the module documentation).
#[derive(Debug)]
pub struct DocumentStore {
    dir: PathBuf,
    manifest: Manifest,
}

impl DocumentStore {
    /// The store folder of the index at `index_dir`.
    pub fn dir_for(index_dir: &Path) -> PathBuf {
        index_dir.join(STORE_DIR)
    }

    /// Opens the store in `dir` (an absent store is empty; nothing is written until a change).
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(MANIFEST_FILE);
        let manifest = match std::fs::read(&path) {
            Ok(bytes) => Self::parse_manifest(&path, &bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
            Err(e) => return Err(io(&path)(e)),
        };
        Ok(DocumentStore {
            dir: dir.to_owned(),
            manifest,
        })
    }

    fn parse_manifest(path: &Path, bytes: &[u8]) -> Result<Manifest, StoreError> {
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|e| StoreError::Manifest {
                path: path.to_owned(),
                message: format!("not a store manifest: {e}"),
            })?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(StoreError::Manifest {
                path: path.to_owned(),
                message: format!(
                    "manifest format {} (this program reads {MANIFEST_FORMAT})",
                    manifest.format
                ),
            });
        }
        Ok(manifest)
    }

    /// Folder of the store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The committed documents, in the order they were added.
    pub fn documents(&self) -> &[StoredDocument] {
        &self.manifest.documents
    }

    /// The committed documents as they are once a pending change is settled against an index
    /// whose last commit payload is `committed` (what [`DocumentStore::recover`] would make of
    /// them), without writing anything.
    pub fn effective_documents(&self, committed: Option<&str>) -> &[StoredDocument] {
        match &self.manifest.pending {
            Some(p) if committed == Some(payload(p.generation).as_str()) => &p.documents,
            _ => &self.manifest.documents,
        }
    }

    /// The committed record of `doc_id`.
    pub fn get(&self, doc_id: &str) -> Option<&StoredDocument> {
        self.manifest.documents.iter().find(|d| d.doc_id == doc_id)
    }

    /// Whether a change is pending (begun, not finished).
    pub fn has_pending(&self) -> bool {
        self.manifest.pending.is_some()
    }

    fn objects(&self) -> PathBuf {
        self.dir.join("objects")
    }

    fn object_path(&self, sha256: &str) -> PathBuf {
        self.objects().join(sha256)
    }

    /// Writes `bytes` as an object (synced to disk) and returns its SHA-256. Writing bytes
    /// that are already stored does nothing.
    pub fn put_object(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = sha256_hex(bytes);
        let objects = self.objects();
        std::fs::create_dir_all(&objects).map_err(io(&objects))?;
        let path = self.object_path(&sha);
        if path.is_file() && std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            return Ok(sha);
        }
        write_atomically(&path, bytes)?;
        Ok(sha)
    }

    /// The original bytes of a stored document, checked against its hash.
    pub fn read(&self, doc: &StoredDocument) -> Result<Vec<u8>, StoreError> {
        let path = self.object_path(&doc.sha256);
        let damaged = || StoreError::Damaged {
            doc_id: doc.doc_id.clone(),
            path: path.clone(),
        };
        let bytes = std::fs::read(&path).map_err(|_| damaged())?;
        if sha256_hex(&bytes) != doc.sha256 {
            return Err(damaged());
        }
        Ok(bytes)
    }

    /// Starts a change: records `documents` as the next list, pending until
    /// [`DocumentStore::finish`]. Returns the generation whose [`payload`] the index commit must
    /// carry. A change still pending is replaced (it never reached the index's commit).
    pub fn begin(&mut self, documents: Vec<StoredDocument>) -> Result<u64, StoreError> {
        let generation = self.manifest.generation + 1;
        let mut next = self.manifest.clone();
        next.pending = Some(Pending {
            generation,
            documents,
        });
        self.write_manifest(&next)?;
        self.manifest = next;
        Ok(generation)
    }

    /// Completes the pending change (the index has committed it) and deletes the objects no
    /// document refers to any more.
    pub fn finish(&mut self) -> Result<(), StoreError> {
        let Some(pending) = self.manifest.pending.clone() else {
            return Ok(());
        };
        let next = Manifest {
            format: MANIFEST_FORMAT,
            generation: pending.generation,
            documents: pending.documents,
            pending: None,
        };
        self.write_manifest(&next)?;
        self.manifest = next;
        self.collect_garbage()
    }

    /// Drops the pending change (the index did not commit it) and its new objects.
    pub fn abort(&mut self) -> Result<(), StoreError> {
        if self.manifest.pending.is_none() {
            return Ok(());
        }
        let mut next = self.manifest.clone();
        next.pending = None;
        self.write_manifest(&next)?;
        self.manifest = next;
        self.collect_garbage()
    }

    /// Settles a pending change left by a crash against `committed`, the payload of the index's
    /// last commit (see the module documentation), and deletes stray objects.
    pub fn recover(&mut self, committed: Option<&str>) -> Result<Recovery, StoreError> {
        let Some(pending) = &self.manifest.pending else {
            self.collect_garbage()?;
            return Ok(Recovery::Clean);
        };
        if committed == Some(payload(pending.generation).as_str()) {
            tracing::warn!(
                generation = pending.generation,
                "document store: the last change reached the index before a crash; completing it"
            );
            self.finish()?;
            Ok(Recovery::RolledForward)
        } else {
            tracing::warn!(
                generation = pending.generation,
                "document store: the last change did not reach the index before a crash; dropping it"
            );
            self.abort()?;
            Ok(Recovery::RolledBack)
        }
    }

    /// Deletes objects (and temporary files) that no committed or pending record refers to.
    fn collect_garbage(&self) -> Result<(), StoreError> {
        let objects = self.objects();
        let entries = match std::fs::read_dir(&objects) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(&objects)(e)),
        };
        let pending = self.manifest.pending.iter().flat_map(|p| &p.documents);
        let live: HashSet<&str> = self
            .manifest
            .documents
            .iter()
            .chain(pending)
            .map(|d| d.sha256.as_str())
            .collect();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !live.contains(name.as_str()) {
                let path = entry.path();
                if let Err(e) = std::fs::remove_file(&path) {
                    tracing::warn!(path = %path.display(), error = %e, "cannot delete a stray store object");
                }
            }
        }
        Ok(())
    }

    fn write_manifest(&self, manifest: &Manifest) -> Result<(), StoreError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.dir.join(MANIFEST_FILE);
        let json = serde_json::to_vec_pretty(manifest).map_err(|e| StoreError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_atomically(&path, &json)
    }
}

/// Writes `bytes` to `path` through a synced temporary file and a rename, then syncs the
/// folder: after a crash the file is either the old one or the new one, complete.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let parent = path.parent().unwrap_or_else(|| Path::new("."));
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, path).map_err(io(path))?;
    sync_dir(parent)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(store: &DocumentStore, id: &str, bytes: &[u8]) -> StoredDocument {
        let sha256 = store.put_object(bytes).unwrap();
        StoredDocument {
            doc_id: id.into(),
            name: format!("{id}.txt"),
            sha256,
            size: bytes.len() as u64,
            uploaded: Utc::now(),
        }
    }

    fn objects(dir: &Path) -> usize {
        std::fs::read_dir(dir.join("objects")).map_or(0, |rd| rd.count())
    }

    #[test]
    fn changes_settle_by_the_index_payload() {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = DocumentStore::open(tmp.path()).unwrap();
        assert!(store.documents().is_empty());
        let a = doc(&store, "a", b"first");
        let g1 = store.begin(vec![a.clone()]).unwrap();
        store.finish().unwrap();
        assert_eq!(store.documents(), std::slice::from_ref(&a));

        // A change that reached the index is completed on reopening.
        let b = doc(&store, "b", b"second");
        let g2 = store.begin(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(g2, g1 + 1);
        let mut reopened = DocumentStore::open(tmp.path()).unwrap();
        assert!(reopened.has_pending());
        assert_eq!(
            reopened.effective_documents(Some(&payload(g2))),
            [a.clone(), b.clone()]
        );
        assert_eq!(
            reopened.recover(Some(&payload(g2))).unwrap(),
            Recovery::RolledForward
        );
        assert_eq!(reopened.documents(), [a.clone(), b.clone()]);

        // One that did not is dropped with its object.
        let c = doc(&reopened, "c", b"third");
        reopened.begin(vec![c.clone()]).unwrap();
        assert_eq!(objects(tmp.path()), 3);
        let mut again = DocumentStore::open(tmp.path()).unwrap();
        assert_eq!(
            again.recover(Some(&payload(g2))).unwrap(),
            Recovery::RolledBack
        );
        assert_eq!(again.documents(), [a.clone(), b.clone()]);
        assert_eq!(objects(tmp.path()), 2);
        assert_eq!(again.read(&b).unwrap(), b"second");
    }

    #[test]
    fn damaged_originals_and_manifests_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = DocumentStore::open(tmp.path()).unwrap();
        let a = doc(&store, "a", b"original");
        store.begin(vec![a.clone()]).unwrap();
        store.finish().unwrap();
        std::fs::write(tmp.path().join("objects").join(&a.sha256), b"changed").unwrap();
        assert!(matches!(store.read(&a), Err(StoreError::Damaged { .. })));
        std::fs::write(tmp.path().join(MANIFEST_FILE), b"{not json").unwrap();
        assert!(matches!(
            DocumentStore::open(tmp.path()),
            Err(StoreError::Manifest { .. })
        ));
    }
}
