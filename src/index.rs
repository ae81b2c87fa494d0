//! The tantivy index of entries: schema, building, opening, searching, facets.
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
mod collect;
mod coord;
mod highlight;
mod ids;
mod provenance;
mod schema;
pub mod suggest;
pub mod thesaurus;
mod vocab;
mod writer_budget;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, DocSetCollector, SegmentCollector};
use tantivy::query::{AllQuery, Query, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal,
    SegmentReader, TantivyDocument, Term,
};

use crate::analysis::{self, Lang, fold};
use crate::cache::SizedCache;
use crate::error::{Error, RejectReason, Result};
use crate::ingest::{self, FoundFile, ReadLimits, SourceFile};
use crate::model::{DocKind, Document, Entry, Level, Role};
use crate::search::query::UserQuery;
use crate::search::{Facets, Hit, MAX_LIMIT, MAX_OFFSET, SearchRequest, SearchResponse, SortOrder};

pub use abbrev::Abbreviations;
use build::{Built, QueryBuilder, QueryNotes};
pub use collect::FACET_VALUES;
use collect::{AddresseeFilter, ColumnCache, Filters, MatchCollector, MatchSet, Plan, Ranking};
use highlight::{HighlightTerms, Highlighter};
pub use provenance::{IndexSource, PROVENANCE_FILE, Provenance};
use schema::{Fields, day_number};
pub use schema::{SCHEMA_VERSION, VERSION_FILE};
pub use thesaurus::Thesaurus;

/// Default bytes of the match cache (see [`EntryIndex::set_match_cache`]).
pub const DEFAULT_MATCH_CACHE: usize = 32 << 20;
/// Default least cost of a query whose matches are kept (see [`EntryIndex::set_match_cache`]).
pub const DEFAULT_MATCH_MIN_COST: std::time::Duration = std::time::Duration::from_micros(250);
/// Share of the match cache one query's matches may use (1/4): the broadest queries are the
/// costliest to recompute.
const MATCH_SHARE: usize = 4;

/// Most threads matching the segments of one search.
const SEARCH_THREADS: usize = 4;

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

/// What the index stores per entry: the entry (its `parse --json` fields) plus the fields
/// `parse --json` leaves out.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredEntry {
    #[serde(flatten)]
    entry: Entry,
    #[serde(rename = "_position")]
    position: u32,
    #[serde(rename = "_block", default)]
    block: Option<u32>,
    #[serde(rename = "_block_title", default)]
    block_title: Option<String>,
    #[serde(rename = "_lang", default)]
    lang: String,
    /// Display name of the source file.
    #[serde(rename = "_file", default, skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    /// Canonical path of the source file (see [`ids`]).
    #[serde(rename = "_origin", default, skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    /// Fingerprint of the source file's decoded text.
    #[serde(rename = "_content", default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
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

impl StoredEntry {
    fn into_entry(self) -> Entry {
        let mut e = self.entry;
        e.position = self.position;
        e.block = self.block;
        e.block_title = self.block_title;
        e
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

/// The ranked matches of an export (see [`EntryIndex::matching`]); it keeps the searcher of
/// its ranking, so a commit in between does not change what it loads.
pub struct Matching {
    total: u64,
    addresses: Vec<DocAddress>,
    next: usize,
    searcher: tantivy::Searcher,
}

impl Matching {
    /// How many entries match in all (may exceed [`Matching::len`]).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many entries this export holds.
    pub fn len(&self) -> usize {
        self.addresses.len()
    }

    /// Whether the export holds no entry.
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// The next at most `n` entries, in rank order; empty at the end.
    pub fn next_batch(&mut self, index: &EntryIndex, n: usize) -> Result<Vec<Entry>> {
        let end = (self.next + n).min(self.addresses.len());
        let batch = self.addresses[self.next..end]
            .iter()
            .map(|&address| index.load(&self.searcher, address))
            .collect::<Result<Vec<_>>>()?;
        self.next = end;
        Ok(batch)
    }
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
        // The segments of one search are matched in parallel: a broad query's cost is mostly
        // its matching, split evenly across segments of similar size.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores > 1 {
            index.set_multithread_executor(cores.min(SEARCH_THREADS))?;
        }
        let fields = schema::fields_of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        let abbreviations = Abbreviations::load(dir)?;
        let thesaurus = Arc::new(Thesaurus::builtin());
        let builder = QueryBuilder::new(fields, &abbreviations.pairs(), &thesaurus);
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
                    self.documents()?.into_iter().map(|d| d.doc_id).collect();
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

    /// Adds documents, replacing earlier versions of the same `doc_id`, and commits.
    pub fn add_documents(&mut self, docs: &[Document]) -> Result<IndexReport> {
        let mut w = self.writer()?;
        for d in docs {
            w.add(d)?;
        }
        w.commit()
    }

    /// Starts a batch of documents other than the embedded seeds: see
    /// [`EntryIndex::writer_from`].
    pub fn writer(&mut self) -> Result<EntryWriter<'_>> {
        self.writer_from(IndexSource::Files)
    }

    /// Starts a batch of documents from `source`: documents added to the returned writer become
    /// visible together at [`EntryWriter::commit`]; dropping the writer without committing
    /// changes nothing. The commit records this binary's parser version and the source in the
    /// provenance marker when the batch makes up the whole index; added to older entries, the
    /// index keeps their parser version (see [`Provenance`]).
    pub fn writer_from(&mut self, source: IndexSource) -> Result<EntryWriter<'_>> {
        self.shared_writer(source)
    }

    /// [`EntryIndex::writer_from`] on a shared index, so that a served index can be written
    /// while it answers searches. tantivy's directory lock lets one writer exist at a time (a
    /// second fails with [`Error::Index`]); callers serialise their changes.
    pub fn shared_writer(&self, source: IndexSource) -> Result<EntryWriter<'_>> {
        self.start_writer(source, self.pending_clear.load(Ordering::SeqCst))
    }

    /// Starts a batch that replaces the whole index: its commit first deletes every entry (see
    /// [`EntryIndex::writer_from`]).
    pub fn writer_cleared(&self, source: IndexSource) -> Result<EntryWriter<'_>> {
        self.start_writer(source, true)
    }

    fn start_writer(&self, source: IndexSource, pending_clear: bool) -> Result<EntryWriter<'_>> {
        let before = Provenance::read(&self.dir)?;
        let fresh = pending_clear || self.reader.searcher().num_docs() == 0;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (threads, memory) = writer_budget::plan(self.writer_memory, cores);
        let writer: IndexWriter<TantivyDocument> =
            self.index.writer_with_num_threads(threads, memory)?;
        let mut abbreviations = self
            .abbreviations
            .read()
            .map_err(|_| Error::Index("abbreviation table poisoned".into()))?
            .clone();
        let held = if pending_clear {
            writer.delete_all_documents()?;
            abbreviations.clear();
            HashMap::new()
        } else {
            self.held_documents()?
        };
        Ok(EntryWriter {
            index: self,
            writer,
            abbreviations,
            report: IndexReport::default(),
            source,
            before,
            fresh,
            doc_ids: HashSet::new(),
            held,
            batch: HashSet::new(),
            payload: None,
        })
    }

    fn make_document(&self, entry: &Entry, origin: Option<&DocOrigin>) -> Result<TantivyDocument> {
        let f = &self.fields;
        let lang = analysis::detect_language(&entry.text);
        let stored = StoredEntry {
            entry: entry.clone(),
            position: entry.position,
            block: entry.block,
            block_title: entry.block_title.clone(),
            lang: lang.code().to_string(),
            file: origin.map(|o| o.file.clone()),
            origin: origin.map(|o| o.origin.clone()),
            content: origin.map(|o| o.content.clone()),
        };
        let json = serde_json::to_string(&stored).map_err(|e| Error::Index(e.to_string()))?;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &entry.id);
        d.add_text(f.doc_id, &entry.doc_id);
        d.add_text(f.stored, &json);
        match lang {
            Lang::Russian => d.add_text(f.stem_ru, &entry.text),
            Lang::English => d.add_text(f.stem_en, &entry.text),
            Lang::Other(_) => {}
        }
        d.add_text(f.exact, &entry.text);
        for aux in [&entry.context, &entry.topic, &entry.block_title]
            .into_iter()
            .flatten()
        {
            d.add_text(f.aux_ru, aux);
        }
        for a in &entry.addressees {
            let name = if a.canonical.trim().is_empty() {
                a.raw.trim()
            } else {
                a.canonical.trim()
            };
            d.add_facet(f.addressee, Facet::from_path([a.role.as_str(), name]));
        }
        if let Some(y) = entry.year {
            d.add_i64(f.year, i64::from(y));
        }
        if let Some(date) = entry.date {
            d.add_i64(f.date, day_number(date));
        }
        if let Some(deadline) = entry.deadline {
            d.add_i64(f.deadline, day_number(deadline));
        }
        d.add_u64(f.position, u64::from(entry.position));
        if let Some(t) = &entry.topic {
            d.add_text(f.topic, t);
        }
        d.add_text(f.kind, entry.kind.as_str());
        d.add_text(f.level, entry.level.as_str());
        if let Some(r) = &entry.region {
            d.add_text(f.region, r);
        }
        d.add_text(f.entry_type, entry.entry_type.as_str());
        d.add_text(f.lang, lang.code());
        Ok(d)
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let run = self.execute(req, !req.skip_facets, true)?;
        let mut hits = Vec::new();
        let mut highlighter = self.highlighter.clone();
        for cand in run.collected.top.iter().skip(req.offset) {
            let entry = self.load(&run.searcher, cand.address)?;
            let snippet = highlighter.snippet(&entry.text, &run.prepared.terms);
            hits.push(Hit {
                score: if run.prepared.scoring {
                    cand.score
                } else {
                    0.0
                },
                snippet,
                entry,
            });
        }
        Ok(SearchResponse {
            total: run.collected.total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets: run.collected.facets,
            expanded: run.prepared.notes.expanded.clone(),
            suggestion: run.prepared.notes.suggestion.clone(),
        })
    }

    /// The entries of one page of a search, best first, without facet counts or snippets
    /// (for callers that only rank, such as similar-entry candidates).
    pub fn top_entries(&self, req: &SearchRequest) -> Result<Vec<Entry>> {
        let run = self.execute(req, false, false)?;
        run.collected
            .top
            .iter()
            .skip(req.offset)
            .map(|cand| self.load(&run.searcher, cand.address))
            .collect()
    }

    /// Validates the page, builds the query and collects the top `offset + limit` candidates;
    /// with `count_facets` also the disjunctive facet counts. With `cache_matches` the query's
    /// matches are kept for the next request with the same text (facet clicks, pages, sorts).
    fn execute(
        &self,
        req: &SearchRequest,
        count_facets: bool,
        cache_matches: bool,
    ) -> Result<Execution> {
        let limit = req.limit;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                format!("limit must be between 1 and {MAX_LIMIT}, got {limit}"),
                format!("«limit» должен быть от 1 до {MAX_LIMIT}, получено {limit}"),
            ));
        }
        if req.offset > MAX_OFFSET {
            return Err(Error::invalid(
                format!("offset must be at most {MAX_OFFSET}, got {}", req.offset),
                format!(
                    "«offset» должен быть не больше {MAX_OFFSET}, получено {}",
                    req.offset
                ),
            ));
        }
        self.execute_top(req, req.offset + limit, count_facets, cache_matches)
    }

    /// [`EntryIndex::execute`] for the best `k` candidates, the page already checked.
    fn execute_top(
        &self,
        req: &SearchRequest,
        k: usize,
        count_facets: bool,
        cache_matches: bool,
    ) -> Result<Execution> {
        let filters = self.resolve_filters(req)?;
        let user_query = crate::search::query::parse(&req.q);
        let searcher = self.reader.searcher();
        let key = format!(
            "{}\u{1}{}\u{1}{user_query:?}",
            searcher.generation().generation_id(),
            self.exhaustive
        );
        let prepared = match self.match_cache.get(&key) {
            Some(p) => p,
            None => {
                let mut p = self.prepare(&user_query, &searcher)?;
                // Browsing keeps all entries: the corpus's own counts live with them.
                let keep = cache_matches
                    && self.match_cache.enabled()
                    && (p.cost >= self.match_min_cost || !p.scoring)
                    && crate::cache::Weigh::weigh(&p) <= self.match_cache.max_item();
                if keep {
                    p.matches.keep();
                }
                let p = Arc::new(p);
                if keep {
                    self.match_cache.put(key, Arc::clone(&p));
                }
                p
            }
        };
        let scoring = prepared.scoring;
        let ranking = match (req.sort, scoring) {
            (SortOrder::Relevance, true) => Ranking::Score,
            (SortOrder::Relevance, false) => Ranking::DocOrder,
            (SortOrder::Date, _) => Ranking::Date,
            (SortOrder::Deadline, _) => Ranking::Deadline,
        };
        let plan = Plan {
            filters: &filters,
            ranking,
            k,
            count_facets,
            rank_later: ranking != Ranking::DocOrder && !prepared.matches.scored(),
        };
        let mut collected = collect::evaluate(
            &prepared.matches,
            &self.columns,
            |ord| searcher.segment_reader(ord),
            plan,
        )?;
        if plan.rank_later {
            let ranker = collect::rank::Ranker {
                searcher: &searcher,
                full: prepared.query.as_deref().filter(|_| scoring),
                first: prepared.first.as_deref(),
                rerank: self.rerank,
            };
            collected.top = collect::rank::page(&ranker, &collected.hits, ranking, k)?;
        }
        Ok(Execution {
            searcher,
            collected,
            prepared,
        })
    }

    /// Builds a text query and collects its matches.
    fn prepare(&self, user_query: &UserQuery, searcher: &tantivy::Searcher) -> Result<Prepared> {
        // A new searcher generation shows up here first (its keys miss): forget the columns of
        // segments merged away.
        let live: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.columns.retain(&live);
        // Each search works on its own copy of the analyzers (cheap clones) so that concurrent
        // searches do not wait for each other.
        let mut builder = self
            .builder
            .read()
            .map_err(|_| Error::Index("query builder poisoned".into()))?
            .clone();
        let (query, terms, notes, first) = match builder.build(user_query, searcher) {
            Built::Browse => (None, HighlightTerms::default(), QueryNotes::default(), None),
            Built::Query(b) => {
                let first = b.rank_terms.map(first_ranking_query);
                (Some(b.query), b.highlight, b.notes, first)
            }
        };
        let scoring = query.is_some();
        let started = Instant::now();
        // Counting needs no score: only the reference path scores while matching.
        let collector = MatchCollector {
            scoring: scoring && self.exhaustive,
        };
        let matches = match &query {
            Some(q) => searcher.search(q.as_ref(), &collector)?,
            None => searcher.search(&AllQuery, &collector)?,
        };
        Ok(Prepared {
            matches,
            terms,
            notes,
            scoring,
            cost: started.elapsed(),
            query,
            first,
        })
    }

    /// Resolves and validates the filters of a request.
    fn resolve_filters(&self, req: &SearchRequest) -> Result<Filters> {
        let mut f = Filters::default();
        if !req.addressee.is_empty() {
            let mut values = Vec::new();
            for a in &req.addressee {
                let a = a.trim();
                if a.is_empty() {
                    continue;
                }
                match a.parse::<Role>() {
                    Ok(role) => values.push(AddresseeFilter::Role(role.as_str().to_string())),
                    Err(_) => values.push(AddresseeFilter::Canonical(fold(a))),
                }
            }
            if !values.is_empty() {
                f.addressee = Some(values);
            }
        }
        if !req.year.is_empty() {
            f.years = Some(req.year.iter().map(|&y| i64::from(y)).collect());
        }
        f.year_from = req.year_from.map(i64::from);
        f.year_to = req.year_to.map(i64::from);
        if let (Some(a), Some(b)) = (req.year_from, req.year_to)
            && a > b
        {
            return Err(Error::invalid(
                format!("year range {a}..{b} is empty (the first year is after the last)"),
                format!("Диапазон лет {a}–{b} пуст: первый год позже последнего"),
            ));
        }
        let strs = |v: &[String]| {
            let v: Vec<String> = v
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            (!v.is_empty()).then_some(v)
        };
        let enums = |v: Vec<String>| (!v.is_empty()).then_some(v);
        f.strings = [
            strs(&req.topic),
            enums(req.level.iter().map(|v| v.as_str().to_owned()).collect()),
            enums(req.kind.iter().map(|v| v.as_str().to_owned()).collect()),
            strs(&req.region),
            enums(
                req.entry_type
                    .iter()
                    .map(|v| v.as_str().to_owned())
                    .collect(),
            ),
        ];
        f.deadline_before = req.deadline_before.map(day_number);
        f.deadline_after = req.deadline_after.map(day_number);
        Ok(f)
    }

    fn load(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<Entry> {
        Ok(self.load_stored(searcher, address)?.into_entry())
    }

    fn load_stored(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<StoredEntry> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Index("entry without stored data".into()))?;
        serde_json::from_str(json).map_err(|e| Error::Index(format!("stored entry: {e}")))
    }

    /// What the index records of each document it holds (for the ids of a new batch).
    fn held_documents(&self) -> Result<HashMap<String, ids::HeldDoc>> {
        let searcher = self.reader.searcher();
        let per_doc = searcher.search(&AllQuery, &DocCounter)?;
        let mut out = HashMap::with_capacity(per_doc.len());
        for (doc_id, (_, address)) in per_doc {
            let stored = self.load_stored(&searcher, address)?;
            out.insert(
                doc_id,
                ids::HeldDoc {
                    origin: stored.origin,
                    content: stored.content,
                },
            );
        }
        Ok(out)
    }

    /// Entries matching a term, in document order.
    fn entries_by_term(&self, term: Term) -> Result<Vec<Entry>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let mut entries = addresses
            .into_iter()
            .map(|a| self.load(&searcher, a))
            .collect::<Result<Vec<_>>>()?;
        entries.sort_by(|a, b| {
            a.doc_id
                .cmp(&b.doc_id)
                .then(a.position.cmp(&b.position))
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(entries)
    }

    /// One entry by id.
    pub fn entry(&self, id: &str) -> Result<Option<Entry>> {
        Ok(self
            .entries_by_term(Term::from_field_text(self.fields.id, id))?
            .into_iter()
            .next())
    }

    /// All entries of a document in document order (empty if the document is unknown).
    pub fn document_entries(&self, doc_id: &str) -> Result<Vec<Entry>> {
        self.entries_by_term(Term::from_field_text(self.fields.doc_id, doc_id))
    }

    /// The recorded file name of a document ([`DocumentSummary::file`]).
    pub fn document_file(&self, doc_id: &str) -> Result<Option<String>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.doc_id, doc_id),
            IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&query, &DocSetCollector)?;
        match addresses.into_iter().next() {
            Some(address) => Ok(self.load_stored(&searcher, address)?.file),
            None => Ok(None),
        }
    }

    /// All documents with entry counts, ordered by document id.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        let searcher = self.reader.searcher();
        let per_doc = searcher.search(&AllQuery, &DocCounter)?;
        let mut out = Vec::with_capacity(per_doc.len());
        for (doc_id, (count, address)) in per_doc {
            let stored = self.load_stored(&searcher, address)?;
            let file = stored.file.clone();
            let e = stored.into_entry();
            out.push(DocumentSummary {
                doc_id,
                title: e.doc_title,
                kind: e.kind,
                level: e.level,
                region: e.region,
                municipality: e.municipality,
                date: e.date,
                year: e.year,
                entries: count,
                file,
            });
        }
        out.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        Ok(out)
    }

    /// Facet counts over the whole corpus (those of browsing everything, kept with its matches).
    pub fn facets(&self) -> Result<Facets> {
        let browse = SearchRequest {
            limit: 1,
            ..SearchRequest::default()
        };
        Ok(self.execute(&browse, true, true)?.collected.facets)
    }

    /// Numbers of documents and entries.
    pub fn counts(&self) -> Result<(u64, u64)> {
        let searcher = self.reader.searcher();
        let per_doc = searcher.search(&AllQuery, &DocCounter)?;
        Ok((per_doc.len() as u64, searcher.num_docs()))
    }

    /// The entries matching `req` (text and filters, ranked by its sort; page and facets are
    /// ignored), at most `max` of them, for export: the ranking is done at once, the entries are
    /// loaded batch by batch with [`Matching::next_batch`].
    pub fn matching(&self, req: &SearchRequest, max: usize) -> Result<Matching> {
        let run = self.execute_top(req, max, false, true)?;
        Ok(Matching {
            total: run.collected.total,
            addresses: run.collected.top.iter().map(|c| c.address).collect(),
            next: 0,
            searcher: run.searcher,
        })
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
        let builder = QueryBuilder::new(self.fields, &self.abbreviations(), &thesaurus);
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

    fn thesaurus_snapshot(&self) -> Arc<Thesaurus> {
        self.thesaurus
            .read()
            .map(|t| Arc::clone(&t))
            .unwrap_or_default()
    }

    /// Suggestions for text being typed: completions of its last word (one per word, the most
    /// frequent form), then addressees and topics with a name word starting as typed.
    pub fn suggest(&self, q: &str) -> Result<suggest::SuggestResponse> {
        let started = Instant::now();
        let q: String = q
            .chars()
            .take(crate::search::query::MAX_QUERY_CHARS)
            .collect();
        let searcher = self.reader.searcher();
        let mut suggestions = self.word_suggestions(&searcher, &q);
        let names = self.names(&searcher)?;
        suggestions.extend(suggest::names(&names, &q));
        Ok(suggest::SuggestResponse {
            suggestions,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    fn word_suggestions(&self, searcher: &tantivy::Searcher, q: &str) -> Vec<suggest::Suggestion> {
        let Some((head, last)) = suggest::split_last(q) else {
            return Vec::new();
        };
        let typed = analysis::tokens(&mut analysis::exact_analyzer(), last);
        let [typed] = typed.as_slice() else {
            return Vec::new();
        };
        let mut ru = analysis::ru_analyzer();
        let mut stems: Vec<String> = Vec::new();
        let mut out = Vec::new();
        let candidates = vocab::completions(
            searcher,
            self.fields.exact,
            &typed.text,
            suggest::WORD_CANDIDATES,
        );
        for k in candidates {
            // One form per word: the most frequent inflection stands for the others.
            let stem = analysis::tokens(&mut ru, &k.term)
                .first()
                .map_or_else(|| k.term.clone(), |t| t.text.clone());
            if stems.contains(&stem) {
                continue;
            }
            stems.push(stem);
            let value = format!("{head}{}", k.term);
            out.push(suggest::Suggestion {
                kind: suggest::SuggestionKind::Word,
                text: value.clone(),
                value,
                count: k.df,
            });
            if out.len() == suggest::MAX_WORDS {
                break;
            }
        }
        out
    }

    /// Addressee and topic names with their counts, computed once per searcher generation.
    fn names(&self, searcher: &tantivy::Searcher) -> Result<Arc<suggest::Names>> {
        let generation = searcher.generation().generation_id();
        let poisoned = || Error::Index("suggestion names poisoned".into());
        {
            let cached = self.names.lock().map_err(|_| poisoned())?;
            if cached.generation == generation {
                return Ok(Arc::clone(&cached));
            }
        }
        let facets = self
            .search(&SearchRequest {
                limit: 1,
                ..SearchRequest::default()
            })?
            .facets;
        let named = |value: &str, count: u64| (value.to_string(), fold(value), count);
        let names = Arc::new(suggest::Names {
            generation,
            addressees: facets
                .addressee
                .iter()
                .filter_map(|fc| {
                    let mut parts = fc.value.trim_start_matches('/').splitn(2, '/');
                    let (_, name) = (parts.next()?, parts.next()?);
                    Some(named(name, fc.count))
                })
                .collect(),
            topics: facets
                .topic
                .iter()
                .map(|fc| named(&fc.value, fc.count))
                .collect(),
        });
        *self.names.lock().map_err(|_| poisoned())? = Arc::clone(&names);
        Ok(names)
    }

    /// Loads the morphology dictionary that queries use (word inflections) in a background
    /// thread, so that the first query does not wait for it.
    pub fn warm_up_morphology() {
        std::thread::spawn(crate::enrich::morph::warm_up);
    }

    /// The abbreviations learned from the indexed documents: `(abbreviation, full form)`.
    pub fn abbreviations(&self) -> Vec<(String, String)> {
        self.abbreviations
            .read()
            .map(|a| a.pairs())
            .unwrap_or_default()
    }
}

/// What happened to one file of [`EntryWriter::add_files`].
pub enum FileOutcome<'a> {
    /// Parsed and added.
    Indexed {
        /// The file.
        path: &'a Path,
        /// Its document.
        doc: &'a Document,
        /// Bytes of decoded text.
        bytes: usize,
    },
    /// Not accepted (the error says which file and why).
    Rejected(Error),
}

/// A batch of documents being indexed; see [`EntryIndex::writer`].
pub struct EntryWriter<'a> {
    index: &'a EntryIndex,
    writer: IndexWriter<TantivyDocument>,
    abbreviations: Abbreviations,
    report: IndexReport,
    /// What the batch's documents come from.
    source: IndexSource,
    /// Provenance of the index before the batch.
    before: Provenance,
    /// The index was empty or is cleared by the commit.
    fresh: bool,
    /// Ids of the batch's documents that have entries.
    doc_ids: HashSet<String>,
    /// What the index held before the batch (empty when the commit clears it).
    held: HashMap<String, ids::HeldDoc>,
    /// Ids of every document of the batch.
    batch: HashSet<String>,
    /// Payload recorded with the commit (see [`EntryIndex::commit_payload`]).
    payload: Option<String>,
}

/// One file's result from a reading thread: its document, bytes of text and origin.
type ParsedFile = Result<(Document, usize, DocOrigin)>;

impl EntryWriter<'_> {
    /// Adds one document under its own id, replacing the entries of an earlier version of the
    /// same `doc_id` (the caller answers for the ids; files go through [`Self::add_files`]).
    pub fn add(&mut self, doc: &Document) -> Result<()> {
        self.add_with(doc, None)
    }

    fn add_with(&mut self, doc: &Document, origin: Option<&DocOrigin>) -> Result<()> {
        let f = self.index.fields;
        self.writer
            .delete_term(Term::from_field_text(f.doc_id, &doc.meta.doc_id));
        for entry in &doc.entries {
            let d = self.index.make_document(entry, origin)?;
            self.writer.add_document(d)?;
            self.report.entries += 1;
            self.report.bytes += (entry.text.len()
                + entry.context.as_ref().map_or(0, String::len)
                + entry.block_title.as_ref().map_or(0, String::len))
                as u64;
        }
        self.abbreviations.learn(doc);
        self.report.documents += 1;
        self.batch.insert(doc.meta.doc_id.clone());
        if !doc.entries.is_empty() {
            self.doc_ids.insert(doc.meta.doc_id.clone());
        }
        Ok(())
    }

    /// Removes every entry of the document `doc_id` (nothing if it has none).
    pub fn remove(&mut self, doc_id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.index.fields.doc_id, doc_id));
    }

    /// Records `payload` with the commit, atomically with the entries: after a crash,
    /// [`EntryIndex::commit_payload`] tells whether this commit happened.
    pub fn set_payload(&mut self, payload: impl Into<String>) {
        self.payload = Some(payload.into());
    }

    /// Adds a parsed document unless its id was already given to another document of the batch
    /// (never expected: the ids are planned unique).
    fn add_parsed(&mut self, doc: &Document, origin: &DocOrigin, path: &Path) -> Result<()> {
        if self.batch.contains(&doc.meta.doc_id) {
            return Err(Error::Rejected {
                path: path.to_owned(),
                reason: RejectReason::IdTaken(doc.meta.doc_id.clone()),
            });
        }
        self.add_with(doc, Some(origin))
    }

    /// The ids of a batch of `(batch id, canonical path)` against the index (see [`ids`]).
    fn plan_ids<'f>(&self, files: impl Iterator<Item = (&'f str, &'f str)>) -> Vec<ids::PlannedId> {
        let files: Vec<(&str, &str)> = files.collect();
        ids::plan(&files, &self.held)
    }

    /// Adds decoded source files (the embedded seeds) one by one, with the ids of
    /// [`Self::add_files`]; `on_file` sees each outcome.
    pub fn add_sources(
        &mut self,
        sources: &[SourceFile],
        mut on_file: impl FnMut(FileOutcome<'_>),
    ) -> Result<()> {
        let plan = self.plan_ids(
            sources
                .iter()
                .map(|s| (s.doc_id.as_str(), s.origin.as_str())),
        );
        for (src, planned) in sources.iter().zip(&plan) {
            let origin = DocOrigin::of(src);
            let mut src = src.clone();
            src.doc_id = planned.resolve(&origin.content).to_string();
            let doc = crate::pipeline::parse_source(&src);
            match self.add_parsed(&doc, &origin, &src.path) {
                Ok(()) => on_file(FileOutcome::Indexed {
                    path: &src.path,
                    doc: &doc,
                    bytes: src.text.len(),
                }),
                Err(err @ Error::Rejected { .. }) => on_file(FileOutcome::Rejected(err)),
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// [`Self::add_found`] of the files under `paths` (files and folders, see
    /// [`ingest::collect_files`]) with the default [`ReadLimits`]; what is not read is reported
    /// to `on_file` as rejected.
    pub fn add_files(
        &mut self,
        paths: &[PathBuf],
        mut on_file: impl FnMut(FileOutcome<'_>),
    ) -> Result<()> {
        let (found, errors) = ingest::collect_files(paths);
        for err in errors {
            on_file(FileOutcome::Rejected(err));
        }
        self.add_found(&found, &ReadLimits::default(), on_file)
    }

    /// Reads and parses `files` on several threads and adds the documents as they come;
    /// `on_file` sees each file's outcome (in completion order). A rejected file is reported
    /// there and does not stop the batch.
    ///
    /// Ids: a file keeps the id its document already has in the index; a file whose id is held
    /// by another file's document gets an id of its own, unless the texts are the same (see
    /// [`ids`]): no document of the index or of the batch is ever replaced by another file's.
    pub fn add_found(
        &mut self,
        files: &[FoundFile],
        limits: &ReadLimits,
        mut on_file: impl FnMut(FileOutcome<'_>),
    ) -> Result<()> {
        let plan = self.plan_ids(files.iter().map(|f| (f.doc_id.as_str(), f.origin.as_str())));
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let next = AtomicUsize::new(0);
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, ParsedFile)>(threads * 2);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, plan) = (&next, &plan);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let (Some(found), Some(planned)) = (files.get(i), plan.get(i)) else {
                            break;
                        };
                        let item = ingest::read_found(found, limits).map(|mut src| {
                            let origin = DocOrigin::of(&src);
                            src.doc_id = planned.resolve(&origin.content).to_string();
                            let doc = crate::pipeline::parse_source(&src);
                            (doc, src.text.len(), origin)
                        });
                        if tx.send((i, item)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            for (i, item) in rx {
                let path = &files[i].path;
                match item.and_then(|(doc, bytes, origin)| {
                    self.add_parsed(&doc, &origin, path).map(|()| (doc, bytes))
                }) {
                    Ok((doc, bytes)) => on_file(FileOutcome::Indexed {
                        path,
                        doc: &doc,
                        bytes,
                    }),
                    Err(err @ Error::Rejected { .. }) => on_file(FileOutcome::Rejected(err)),
                    Err(err) => return Err(err),
                }
            }
            Ok(())
        })
    }

    /// Commits the batch (atomically), waits for merges, makes it visible to searches and
    /// updates the provenance marker.
    pub fn commit(mut self) -> Result<IndexReport> {
        // Until the commit the index holds the old entries: if the batch brings other documents
        // than the seeds, say so first, so that a crash in between never leaves a marker that
        // would let `serve` replace user documents by the seeds.
        let meanwhile = self.before.after_batch(self.source, false);
        if meanwhile != self.before {
            meanwhile.write(&self.index.dir)?;
        }
        let mut prepared = self.writer.prepare_commit()?;
        if let Some(payload) = &self.payload {
            prepared.set_payload(payload);
        }
        prepared.commit()?;
        self.writer.wait_merging_threads()?;
        let idx = self.index;
        idx.pending_clear.store(false, Ordering::SeqCst);
        self.abbreviations.save(&idx.dir)?;
        let builder = QueryBuilder::new(
            idx.fields,
            &self.abbreviations.pairs(),
            &idx.thesaurus_snapshot(),
        );
        if let Ok(mut b) = idx.builder.write() {
            *b = builder;
        }
        if let Ok(mut a) = idx.abbreviations.write() {
            *a = self.abbreviations;
        }
        idx.reader.reload()?;
        let added = self.before.after_batch(self.source, self.fresh);
        // A batch that replaced every document of the index is as good as a rebuild (counted
        // only when that makes a difference).
        let replaced = self.before.after_batch(self.source, true);
        let after = if added != replaced && idx.counts()?.0 == self.doc_ids.len() as u64 {
            replaced
        } else {
            added
        };
        if after != meanwhile {
            after.write(&idx.dir)?;
        }
        Ok(self.report)
    }
}

/// What [`EntryIndex::execute`] found: the searcher it used (to load stored entries from the
/// same generation), the collected candidates, and what to highlight.
struct Execution {
    searcher: tantivy::Searcher,
    collected: collect::Collected,
    prepared: Arc<Prepared>,
}

/// A text query made ready: its matches (the costly part, cached per text and index
/// generation), what to highlight, and whether it ranks by score.
struct Prepared {
    matches: MatchSet,
    terms: HighlightTerms,
    notes: QueryNotes,
    scoring: bool,
    /// Time the collection of the matches took.
    cost: std::time::Duration,
    /// The text query (`None` when browsing), to score the candidates of a page.
    query: Option<Box<dyn Query>>,
    /// The query of the first ranking of a page (see [`collect::rank`]).
    first: Option<Box<dyn Query>>,
}

/// The first ranking's query: BM25 of weighted terms (the same term once, weights summed).
fn first_ranking_query(terms: Vec<(Term, f32)>) -> Box<dyn Query> {
    let mut merged: Vec<(Term, f32)> = Vec::new();
    for (term, weight) in terms {
        match merged.iter_mut().find(|(t, _)| *t == term) {
            Some((_, w)) => *w += weight,
            None => merged.push((term, weight)),
        }
    }
    let clauses = merged
        .into_iter()
        .map(|(term, weight)| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            Box::new(tantivy::query::BoostQuery::new(q, weight)) as Box<dyn Query>
        })
        .collect();
    Box::new(tantivy::query::BooleanQuery::union(clauses))
}

impl crate::cache::Weigh for Prepared {
    fn weigh(&self) -> usize {
        self.matches.weigh() + 256
    }
}

/// Counts entries per document id and remembers one entry of each.
struct DocCounter;

/// Per-segment part of [`DocCounter`].
struct DocCounterSegment {
    segment: SegmentOrdinal,
    column: Option<tantivy::columnar::StrColumn>,
    counts: Vec<(u64, Option<DocId>)>,
}

impl Collector for DocCounter {
    type Fruit = Vec<(String, (u64, DocAddress))>;
    type Child = DocCounterSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DocCounterSegment> {
        let column = reader.fast_fields().str(schema::names::DOC_ID)?;
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(DocCounterSegment {
            segment,
            column,
            counts: vec![(0, None); n],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(String, (u64, DocAddress))>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut acc: HashMap<String, (u64, DocAddress)> = HashMap::new();
        for (doc_id, (n, address)) in fruits.into_iter().flatten() {
            acc.entry(doc_id).or_insert((0, address)).0 += n;
        }
        Ok(acc.into_iter().collect())
    }
}

impl SegmentCollector for DocCounterSegment {
    type Fruit = Vec<(String, (u64, DocAddress))>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(col) = &self.column {
            for ord in col.term_ords(doc) {
                if let Some(slot) = self.counts.get_mut(ord as usize) {
                    slot.0 += 1;
                    slot.1.get_or_insert(doc);
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = Vec::new();
        let Some(col) = &self.column else {
            return out;
        };
        let mut buf = String::new();
        for (ord, (n, doc)) in self.counts.iter().enumerate() {
            if let (true, Some(doc)) = (*n > 0, doc)
                && col.ord_to_str(ord as u64, &mut buf).unwrap_or(false)
            {
                out.push((buf.clone(), (*n, DocAddress::new(self.segment, *doc))));
            }
        }
        out
    }
}
