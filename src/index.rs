//! The tantivy index of entries: schema, building, opening, searching, facets.
//!
//! Interface used by the CLI, the API and the comparison module. The index directory
//! holds tantivy's files plus a schema-version marker.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{DocKind, Document, Entry, Level};
use crate::search::{Facets, SearchRequest, SearchResponse};

/// Summary of one indexed document (for `/api/documents`).
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// Document id.
    pub doc_id: String,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: DocKind,
    /// Level.
    pub level: Level,
    /// Region.
    pub region: Option<String>,
    /// Municipality.
    pub municipality: Option<String>,
    /// Adoption date.
    pub date: Option<chrono::NaiveDate>,
    /// Year.
    pub year: Option<i32>,
    /// Number of entries.
    pub entries: u64,
}

/// Summary of an indexing run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexReport {
    /// Documents indexed.
    pub documents: u64,
    /// Entries indexed.
    pub entries: u64,
    /// Bytes of source text indexed.
    pub bytes: u64,
}

/// An open index of entries. Cheap to share behind an `Arc`; searching takes `&self`.
pub struct EntryIndex {
    dir: PathBuf,
}

impl EntryIndex {
    /// Opens an existing index. Fails with [`Error::NoIndex`] or [`Error::SchemaVersion`].
    pub fn open(dir: &Path) -> Result<Self> {
        Err(Error::NoIndex(dir.to_owned()))
    }

    /// Opens the index at `dir`, creating an empty one if there is none (or if `rebuild`).
    pub fn create(dir: &Path, rebuild: bool) -> Result<Self> {
        let _ = rebuild;
        Err(Error::NoIndex(dir.to_owned()))
    }

    /// Opens the index, or builds it from the embedded seeds if it does not exist.
    pub fn open_or_build_seeds(dir: &Path) -> Result<Self> {
        Self::open(dir)
    }

    /// Directory of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds documents, replacing earlier versions of the same `doc_id`, and commits.
    pub fn add_documents(&mut self, docs: &[Document]) -> Result<IndexReport> {
        let _ = docs;
        Ok(IndexReport::default())
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let _ = req;
        Err(Error::Index("not implemented".into()))
    }

    /// One entry by id.
    pub fn entry(&self, id: &str) -> Result<Option<Entry>> {
        let _ = id;
        Ok(None)
    }

    /// All entries of a document in document order (empty if the document is unknown).
    pub fn document_entries(&self, doc_id: &str) -> Result<Vec<Entry>> {
        let _ = doc_id;
        Ok(Vec::new())
    }

    /// All documents with entry counts.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        Ok(Vec::new())
    }

    /// Facet counts over the whole corpus.
    pub fn facets(&self) -> Result<Facets> {
        Ok(Facets::default())
    }

    /// Numbers of documents and entries.
    pub fn counts(&self) -> Result<(u64, u64)> {
        Ok((0, 0))
    }
}
