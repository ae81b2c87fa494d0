//! The tantivy index of entries: schema, building, opening, searching, facets.
//!
//! [`EntryIndex`] is opened (and rebuilt from the embedded seeds when they are of another parse)
//! here; it is written through `writer` ([`EntryWriter`]), searched through `searcher` (request →
//! plan → counts + page, over `collect`) and read through `lookups` (entries, documents,
//! suggestions).
//!
//! Interface used by the CLI, the API and the comparison module. The index directory
//! holds tantivy's files plus a schema-version marker, a provenance marker (the parser version
//! that produced the entries and whether they are only the embedded seeds, see [`Provenance`])
//! and the abbreviations learned from the documents.
//!
//! Building is atomic: [`EntryIndex::writer`] collects documents and [`EntryWriter::commit`]
//! commits once, so a crash or Ctrl-C mid-way leaves the previous commit in place.

mod abbrev;
mod build;
mod catalogue;
mod collect;
mod coord;
mod expressions;
mod highlight;
mod ids;
mod lookups;
mod nodes;
mod provenance;
mod recording;
mod schema;
mod searcher;
mod stored;
pub mod suggest;
pub mod thesaurus;
mod vocab;
mod writer;
mod writer_budget;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::analysis;
use crate::cache::SizedCache;
use crate::error::{Error, Result};
use crate::ingest::{self, SourceFile};
use crate::model::{DocKind, Entry, Level};

pub use abbrev::Abbreviations;
use build::QueryBuilder;
pub use catalogue::{DocumentFacets, DocumentPage, DocumentQuery};
use collect::ColumnCache;
pub use collect::FACET_VALUES;
pub use collect::rank::DEFAULT_RERANK;
use expressions::{EXPR, ExprTokenizer, Expressions};
use highlight::Highlighter;
pub use provenance::{IndexSource, PROVENANCE_FILE, Provenance};
use schema::Fields;
pub use schema::{SCHEMA_VERSION, VERSION_FILE};
pub use searcher::Matching;
use searcher::Prepared;
pub use thesaurus::Thesaurus;
pub use writer::{EntryWriter, FileOutcome};

/// Default bytes of the match cache (see [`EntryIndex::set_match_cache`]).
pub const DEFAULT_MATCH_CACHE: usize = 32 << 20;
/// Default least cost of a query whose matches are kept (see [`EntryIndex::set_match_cache`]).
pub const DEFAULT_MATCH_MIN_COST: std::time::Duration = std::time::Duration::from_micros(250);
/// Share of the match cache one query's matches may use (1/4): the broadest queries are the
/// costliest to recompute.
const MATCH_SHARE: usize = 4;

/// Writes a file of the index folder through a temporary file and a rename, so that a reader
/// never sees half of it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|source| Error::Io {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

/// Most threads matching the segments of one search.
const SEARCH_THREADS: usize = 4;

/// Threads searching the segments of one search: the cores, at most [`SEARCH_THREADS`];
/// `EDUSEARCH_SEARCH_THREADS` overrides the number (1: one segment after the other), for
/// measuring. A bulk batch leaves as many segments (see `writer::compact`).
fn search_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::env::var("EDUSEARCH_SEARCH_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(cores.min(SEARCH_THREADS))
        .max(1)
}

/// Default heap budget of the index writer, in bytes (see [`EntryIndex::set_writer_memory`]).
pub const DEFAULT_WRITER_MEMORY: usize = writer_budget::DEFAULT_BYTES;

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
    /// The source file's name as given (path relative to the folder indexed), when recorded.
    pub file: Option<String>,
}

impl DocumentSummary {
    /// The summary of the document of `entry` (its document's fields), with `entries` entries
    /// and the recorded `file`.
    pub fn of(entry: &Entry, entries: u64, file: Option<String>) -> Self {
        DocumentSummary {
            doc_id: entry.doc_id.clone(),
            title: entry.doc_title.clone(),
            kind: entry.kind,
            level: entry.level,
            region: entry.region.clone(),
            municipality: entry.municipality.clone(),
            date: entry.date,
            year: entry.year,
            entries,
            file,
        }
    }
}

/// Summary of an indexing run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexReport {
    /// Documents indexed.
    pub documents: u64,
    /// Entries indexed.
    pub entries: u64,
    /// Bytes of entry text indexed (text, context and lead-ins of the entries).
    pub bytes: u64,
}

/// Where a document's text came from, recorded with its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocOrigin {
    /// Display name of the file ([`crate::ingest::SourceFile::name`]).
    pub file: String,
    /// Canonical path ([`crate::ingest::SourceFile::origin`]).
    pub origin: String,
    /// [`crate::ingest::short_hash`] of the decoded text.
    pub content: String,
}

impl DocOrigin {
    /// The origin of a decoded source file.
    pub fn of(src: &SourceFile) -> Self {
        DocOrigin {
            file: src.name.clone(),
            origin: src.origin.clone(),
            content: ingest::short_hash(src.text.as_bytes()),
        }
    }
}

/// What [`EntryIndex::open_for_serving`] / [`EntryIndex::ensure_current_parse`] did about the
/// parser version of the index.
#[derive(Debug)]
pub enum Opened {
    /// The entries are of this binary's parser: opened as it was.
    Current,
    /// There was no index: built from the embedded seeds.
    BuiltFromSeeds,
    /// Built from the embedded seeds by another (or an unknown) parser version: rebuilt from
    /// them (the old commit served until the new one was committed).
    RebuiltFromSeeds {
        /// The provenance found.
        found: Provenance,
    },
    /// Built from other documents by another (or an unknown) parser version: kept as it is,
    /// with the old parse, until the user re-indexes (`edusearch index --rebuild <files>`).
    Stale {
        /// The provenance found.
        found: Provenance,
    },
    /// Built from the embedded seeds by another parser version, but the rebuild failed: kept
    /// as it is.
    RebuildFailed {
        /// The provenance found.
        found: Provenance,
        /// Why the rebuild failed.
        error: Error,
    },
}

/// An open index of entries. Cheap to share behind an `Arc`; searching takes `&self`.
pub struct EntryIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    abbreviations: RwLock<Abbreviations>,
    /// The domain thesaurus the query builder expands words with.
    thesaurus: RwLock<Arc<Thesaurus>>,
    /// Addressee and topic names for suggestions, of the last searcher generation asked.
    names: std::sync::Mutex<Arc<suggest::Names>>,
    builder: RwLock<QueryBuilder>,
    /// The expressions every entry was indexed with (see [`expressions`]), searched by their
    /// keys; `None`: phrases are searched by positions.
    expressions: RwLock<Option<Arc<Expressions>>>,
    highlighter: Highlighter,
    /// Set by `create(.., rebuild = true)`: the next commit starts from empty.
    pending_clear: AtomicBool,
    /// Dense fast-field columns per segment.
    columns: Arc<ColumnCache>,
    /// Matches of recent text queries, per searcher generation.
    match_cache: SizedCache<Arc<Prepared>>,
    /// Least collection time of matches worth keeping.
    match_min_cost: std::time::Duration,
    /// Heap budget of the next writers, in bytes.
    writer_memory: usize,
    /// Candidates of the first ranking that get the full score (see [`collect::rank`]).
    rerank: usize,
    /// Every match scored while matching, the page cut from all of them (the reference path).
    exhaustive: bool,
    /// Matches from which a search alone runs on the index's threads (see
    /// [`EntryIndex::set_parallel_from`]).
    parallel_from: usize,
    /// Searches running now: a search alone splits its work across the cores; with others
    /// running the cores are busy anyway, and splitting only adds hand-offs.
    searching: AtomicUsize,
    /// The numbers of documents and entries of the last searcher generation counted (see
    /// [`EntryIndex::counts`]): health checks ask often, the index changes rarely.
    counted: std::sync::Mutex<Option<(u64, (u64, u64))>>,
    /// The list of documents with their metadata (see [`catalogue`]).
    catalogue: std::sync::Mutex<catalogue::Catalogue>,
    /// The documents of each segment with their entry counts (see [`catalogue`]).
    segment_counts: catalogue::SegmentCounts,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

impl EntryIndex {
    /// Opens an existing index. Fails with [`Error::NoIndex`] or [`Error::SchemaVersion`].
    pub fn open(dir: &Path) -> Result<Self> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::NoIndex(dir.to_owned()));
        }
        let found = match std::fs::read_to_string(dir.join(VERSION_FILE)) {
            Ok(v) => v.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "none".to_string(),
            Err(e) => return Err(io_err(&dir.join(VERSION_FILE))(e)),
        };
        if found != SCHEMA_VERSION {
            return Err(Error::SchemaVersion {
                path: dir.to_owned(),
                found,
                expected: SCHEMA_VERSION.to_string(),
            });
        }
        let index = Index::open_in_dir(dir)?;
        Self::from_index(dir, index)
    }

    fn from_index(dir: &Path, mut index: Index) -> Result<Self> {
        analysis::register(index.tokenizers());
        index
            .tokenizers()
            .register(EXPR, ExprTokenizer::new(Arc::default()));
        // The segments of one search are matched in parallel: a broad query's cost is mostly
        // its matching, split evenly across segments of similar size.
        let threads = search_threads();
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let fields = schema::fields_of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        let abbreviations = Abbreviations::load(dir)?;
        let thesaurus = Arc::new(Thesaurus::builtin());
        let expressions = fields.expr.and_then(|_| expressions::recorded(dir));
        let mut builder = QueryBuilder::new(fields, &abbreviations.pairs(), &thesaurus);
        builder.set_expressions(expressions.clone());
        Ok(EntryIndex {
            dir: dir.to_owned(),
            index,
            reader,
            fields,
            abbreviations: RwLock::new(abbreviations),
            thesaurus: RwLock::new(thesaurus),
            names: std::sync::Mutex::new(Arc::new(suggest::Names {
                generation: u64::MAX,
                ..suggest::Names::default()
            })),
            builder: RwLock::new(builder),
            expressions: RwLock::new(expressions),
            highlighter: Highlighter {
                exact: analysis::exact_analyzer(),
            },
            pending_clear: AtomicBool::new(false),
            columns: Arc::new(ColumnCache::default()),
            match_cache: SizedCache::new(DEFAULT_MATCH_CACHE, MATCH_SHARE),
            match_min_cost: DEFAULT_MATCH_MIN_COST,
            writer_memory: DEFAULT_WRITER_MEMORY,
            rerank: collect::rank::DEFAULT_RERANK,
            exhaustive: false,
            parallel_from: searcher::PARALLEL_MATCHES,
            searching: AtomicUsize::new(0),
            counted: std::sync::Mutex::new(None),
            catalogue: std::sync::Mutex::default(),
            segment_counts: catalogue::SegmentCounts::default(),
        })
    }

    /// Opens the index at `dir`, creating an empty one if there is none (or if `rebuild`).
    ///
    /// With `rebuild`, an existing compatible index is emptied at the next commit (so it stays
    /// usable until then); an index of another schema version is replaced.
    pub fn create(dir: &Path, rebuild: bool) -> Result<Self> {
        if dir.join("meta.json").is_file() {
            match Self::open(dir) {
                Ok(mut idx) => {
                    idx.pending_clear = AtomicBool::new(rebuild);
                    return Ok(idx);
                }
                Err(_) if rebuild => Self::remove_index_files(dir)?,
                Err(e) => return Err(e),
            }
        }
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let (schema, _) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        let marker = dir.join(VERSION_FILE);
        std::fs::write(&marker, SCHEMA_VERSION).map_err(io_err(&marker))?;
        // Empty, so nothing in it is of an old parse; the first commit sets the source.
        Provenance::current(IndexSource::Files).write(dir)?;
        Self::from_index(dir, index)
    }

    /// Deletes an old index's files (only files tantivy or edusearch write).
    fn remove_index_files(dir: &Path) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(io_err(dir))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name == "meta.json"
                || name == ".managed.json"
                || name == ".tantivy-meta.lock"
                || name == ".tantivy-writer.lock"
                || name.starts_with("edusearch-")
                || [
                    ".idx",
                    ".pos",
                    ".term",
                    ".store",
                    ".fast",
                    ".fieldnorm",
                    ".del",
                ]
                .iter()
                .any(|ext| name.ends_with(ext));
            if ours && path.is_file() {
                std::fs::remove_file(&path).map_err(io_err(&path))?;
            }
        }
        Ok(())
    }

    /// Opens the index, or builds it from the embedded seeds if it does not exist; see
    /// [`EntryIndex::open_for_serving`].
    pub fn open_or_build_seeds(dir: &Path) -> Result<Self> {
        Self::open_for_serving(dir).map(|(idx, _)| idx)
    }

    /// Opens the index as `serve` does: builds it from the embedded seeds if it does not exist,
    /// then applies [`EntryIndex::ensure_current_parse`]. Says which of these happened.
    pub fn open_for_serving(dir: &Path) -> Result<(Self, Opened)> {
        match Self::open(dir) {
            Err(Error::NoIndex(_)) => {
                tracing::info!(dir = %dir.display(), "no index; building it from the embedded seeds");
                let mut idx = Self::create(dir, false)?;
                idx.add_embedded_seeds()?;
                Ok((idx, Opened::BuiltFromSeeds))
            }
            Err(e) => Err(e),
            Ok(mut idx) => {
                let opened = idx.ensure_current_parse()?;
                Ok((idx, opened))
            }
        }
    }

    /// Brings an index parsed by another (or an unknown) parser version up to date when that
    /// loses nothing: an index of only the embedded seeds is rebuilt from them (atomically: the
    /// old commit stays usable until the new one is committed); an index of other documents is
    /// kept as it is, with a warning, since only the user has its files. Never refuses an index.
    ///
    /// An index without a provenance marker (older binaries) counts as "embedded seeds" when its
    /// documents are exactly the embedded seeds, else as "files".
    pub fn ensure_current_parse(&mut self) -> Result<Opened> {
        let found = self.provenance()?;
        if !found.is_stale() {
            return Ok(Opened::Current);
        }
        let current = crate::pipeline::PARSER_VERSION;
        if !self.holds_only_embedded_seeds(&found)? {
            tracing::warn!(
                dir = %self.dir.display(),
                index_parser = %found.parser_label(),
                parser = current,
                "the index was built by another parser version and keeps its old parse until \
                 re-indexed with `edusearch index --rebuild <files>`"
            );
            return Ok(Opened::Stale { found });
        }
        tracing::info!(
            dir = %self.dir.display(),
            index_parser = %found.parser_label(),
            parser = current,
            "the index of the embedded seeds was built by another parser version; rebuilding it"
        );
        match self.rebuild_from_embedded_seeds() {
            Ok(_) => Ok(Opened::RebuiltFromSeeds { found }),
            Err(error) => {
                tracing::warn!(dir = %self.dir.display(), %error, "rebuilding the index of the embedded seeds failed; serving it as it is");
                Ok(Opened::RebuildFailed { found, error })
            }
        }
    }

    /// Whether the index holds only the embedded seeds (by its marker, or for an index without
    /// one by its document ids).
    fn holds_only_embedded_seeds(&self, found: &Provenance) -> Result<bool> {
        match found.source {
            IndexSource::EmbeddedSeeds => Ok(true),
            IndexSource::Files => Ok(false),
            IndexSource::Unknown => {
                let seeds: std::collections::BTreeSet<String> = crate::pipeline::embedded_seeds()
                    .into_iter()
                    .map(|s| s.doc_id)
                    .collect();
                let held: std::collections::BTreeSet<String> =
                    self.document_ids()?.into_iter().collect();
                Ok(held == seeds)
            }
        }
    }

    /// Parses the embedded seeds and adds them in one commit, marked as "embedded seeds".
    fn add_embedded_seeds(&mut self) -> Result<IndexReport> {
        let seeds = crate::pipeline::embedded_seeds();
        let mut w = self.writer_from(IndexSource::EmbeddedSeeds)?;
        w.add_sources(&seeds, |_| {})?;
        w.commit()
    }

    /// Replaces the whole index by the embedded seeds, in one commit.
    fn rebuild_from_embedded_seeds(&mut self) -> Result<IndexReport> {
        self.pending_clear.store(true, Ordering::SeqCst);
        let report = self.add_embedded_seeds();
        // A failed batch changed nothing on disk; neither may it clear the next one.
        self.pending_clear.store(false, Ordering::SeqCst);
        report
    }

    /// The parser version and source of the index's entries, as its marker says now (read from
    /// disk, so it follows commits of other processes).
    pub fn provenance(&self) -> Result<Provenance> {
        Provenance::read(&self.dir)
    }

    /// Sets the bytes of memory kept for the matches of recent text queries (0 disables it)
    /// and the least time their collection must have cost to be kept: cheap queries are
    /// recomputed rather than let never-repeated queries push the costly ones out.
    pub fn set_match_cache(&mut self, bytes: usize, min_cost: std::time::Duration) {
        self.match_cache = SizedCache::new(bytes, MATCH_SHARE);
        self.match_min_cost = min_cost;
    }

    /// Sets how many candidates of the first ranking of a page get the full score (see
    /// [`collect::rank`]; at least the page's `offset + limit`): more is closer to scoring every
    /// match, fewer is faster on broad queries.
    pub fn set_rerank(&mut self, candidates: usize) {
        self.rerank = candidates;
        self.match_cache.clear();
    }

    /// With `true`, every match is scored while matching and pages are cut from all of them:
    /// the reference path the two-pass search (unscored counts, ranked candidates) is compared
    /// with in tests.
    pub fn set_exhaustive(&mut self, exhaustive: bool) {
        self.exhaustive = exhaustive;
        self.match_cache.clear();
    }

    /// Sets from how many matches a search that runs alone computes its matches, counts and
    /// page on the index's threads, segments and its counting and ranking side by side (fewer
    /// are computed on the request's own thread, where splitting costs more than it saves).
    /// Tests set 0 to take that path on small corpora.
    pub fn set_parallel_from(&mut self, matches: usize) {
        self.parallel_from = matches;
    }

    /// The payload of the last commit (see [`EntryWriter::set_payload`]), read from disk.
    pub fn commit_payload(&self) -> Result<Option<String>> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Sets the heap budget of the next writers, in bytes: the documents a writer buffers before
    /// it flushes a segment (split across its threads; a small budget means fewer threads).
    pub fn set_writer_memory(&mut self, bytes: usize) {
        self.writer_memory = bytes;
    }

    /// Directory of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Generation of the searcher answering now: grows by one each time the server picks up a
    /// new commit of the index.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// When the index was last committed (modification time of tantivy's `meta.json`).
    pub fn committed_at(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.dir.join("meta.json"))
            .and_then(|m| m.modified())
            .ok()
    }

    /// Hits and misses of the cache of text-query matches.
    pub fn match_cache_stats(&self) -> crate::cache::CacheStats {
        self.match_cache.stats()
    }

    /// Replaces the domain thesaurus (the built-in one with local files merged, see
    /// [`Thesaurus::with_files`]); the next searches expand words with it.
    pub fn set_thesaurus(&self, thesaurus: Thesaurus) -> Result<()> {
        let thesaurus = Arc::new(thesaurus);
        let builder = self.query_builder(&self.abbreviations(), &thesaurus);
        *self
            .thesaurus
            .write()
            .map_err(|_| Error::Index("thesaurus poisoned".into()))? = thesaurus;
        *self
            .builder
            .write()
            .map_err(|_| Error::Index("query builder poisoned".into()))? = builder;
        self.match_cache.clear();
        Ok(())
    }

    /// A query builder of the abbreviations and the thesaurus, searching the expressions the
    /// entries were indexed with by their keys.
    fn query_builder(
        &self,
        abbreviations: &[(String, String)],
        thesaurus: &Thesaurus,
    ) -> QueryBuilder {
        let mut builder = QueryBuilder::new(self.fields, abbreviations, thesaurus);
        builder.set_expressions(self.expressions());
        builder
    }

    /// The expressions every entry was indexed with, if any.
    fn expressions(&self) -> Option<Arc<Expressions>> {
        self.expressions.read().ok().and_then(|e| e.clone())
    }

    fn thesaurus_snapshot(&self) -> Arc<Thesaurus> {
        self.thesaurus
            .read()
            .map(|t| Arc::clone(&t))
            .unwrap_or_default()
    }

    /// Loads the morphology dictionary that queries use (word inflections) in a background
    /// thread, so that the first query does not wait for it.
    pub fn warm_up_morphology() {
        std::thread::spawn(crate::enrich::morph::warm_up);
    }

    /// Reads in a background thread what the first searches of a fresh process would otherwise
    /// wait for: every segment's columns, the corpus's facet counts and the list of documents.
    /// A search asking for columns being read waits for them rather than reading them again.
    pub fn warm_up(index: Arc<EntryIndex>) {
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let searcher = index.reader.searcher();
            // One thread: the other cores stay free for the requests arriving meanwhile.
            let read = searcher
                .segment_readers()
                .iter()
                .try_for_each(|reader| index.columns.get(reader).map(drop));
            let counted = read
                .map_err(Error::from)
                .and_then(|_| index.facets())
                .and_then(|_| index.catalogue().map(drop));
            match counted {
                Ok(_) => tracing::debug!(ms = started.elapsed().as_millis(), "index warmed up"),
                Err(e) => tracing::debug!(error = %e, "index not warmed up"),
            }
        });
    }

    /// The abbreviations learned from the indexed documents: `(abbreviation, full form)`.
    pub fn abbreviations(&self) -> Vec<(String, String)> {
        self.abbreviations
            .read()
            .map(|a| a.pairs())
            .unwrap_or_default()
    }
}
