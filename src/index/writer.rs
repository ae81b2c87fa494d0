//! Writing the index: batches of documents ([`EntryWriter`]) that become visible together at one
//! atomic commit, the tantivy document of each entry, and what the index already holds (for the
//! ids of a new batch).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Facet;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::expressions::{self, ExprTokenizer, Expressions};
use super::recording::{RecordingRu, ReplayExact};
use super::schema::day_number;
use super::stored::{Extra, StoredEntry};
use super::{
    Abbreviations, DocOrigin, EntryIndex, IndexReport, IndexSource, Provenance, ids,
    search_threads, writer_budget,
};
use crate::analysis::{self, Lang};
use crate::error::{Error, RejectReason, Result};
use crate::ingest::{self, FoundFile, ReadLimits, SourceFile};
use crate::model::{Document, Entry};

impl EntryIndex {
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
        // The expressions are found in a batch's entries when every other entry has them too:
        // the index is (re)built, or was written with the same registry.
        let annotate = self.fields.expr.is_some() && (fresh || self.expressions().is_some());
        let registry = match annotate {
            true => expressions::builtin(),
            false => Arc::default(),
        };
        let tokenizers = self.index.tokenizers();
        // The entry text is analysed once for its Russian, exact and expression fields.
        tokenizers.register(analysis::RU_STEM, RecordingRu::default());
        tokenizers.register(analysis::EXACT, ReplayExact);
        tokenizers.register(expressions::EXPR, ExprTokenizer::new(registry));
        let writer: IndexWriter<TantivyDocument> =
            self.index.writer_with_num_threads(threads, memory)?;
        let mut abbreviations = self
            .abbreviations
            .read()
            .map_err(|_| Error::Index("abbreviation table poisoned".into()))?
            .clone();
        // What the index holds is read when a batch of files plans its ids (a stored entry per
        // document: seconds at 50,000 documents, and an upload has its id already).
        let held = if pending_clear {
            writer.delete_all_documents()?;
            abbreviations.clear();
            Some(HashMap::new())
        } else {
            None
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
            annotate,
        })
    }

    fn make_document(&self, entry: &Entry, origin: Option<&DocOrigin>) -> Result<TantivyDocument> {
        let f = &self.fields;
        let lang = analysis::detect_language(&entry.text);
        let extra = Extra {
            position: entry.position,
            block: entry.block,
            block_title: entry.block_title.clone(),
            lang: lang.code().to_string(),
            file: origin.map(|o| o.file.clone()),
            origin: origin.map(|o| o.origin.clone()),
            content: origin.map(|o| o.content.clone()),
        };
        let json = StoredEntry::to_json(entry, &extra).map_err(|e| Error::Index(e.to_string()))?;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, &entry.id);
        d.add_text(f.doc_id, &entry.doc_id);
        d.add_text(f.stored, &json);
        match lang {
            Lang::Russian => {
                d.add_text(f.stem_ru, &entry.text);
                if let Some(expr) = f.expr {
                    d.add_text(expr, &entry.text);
                }
            }
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

    /// What the index records of each document it holds (for the ids of a new batch).
    fn held_documents(&self) -> Result<HashMap<String, ids::HeldDoc>> {
        let searcher = self.reader.searcher();
        let held = self.held(&searcher)?;
        let mut out = HashMap::with_capacity(held.len());
        for doc in held {
            let stored = self.load_stored(&searcher, doc.address)?;
            out.insert(
                doc.doc_id,
                ids::HeldDoc {
                    origin: stored.extra.origin,
                    content: stored.extra.content,
                },
            );
        }
        Ok(out)
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
    /// What the index held before the batch (empty when the commit clears it; `None` until a
    /// batch of files plans its ids).
    held: Option<HashMap<String, ids::HeldDoc>>,
    /// Ids of every document of the batch.
    batch: HashSet<String>,
    /// Payload recorded with the commit (see [`EntryIndex::commit_payload`]).
    payload: Option<String>,
    /// The batch's entries are indexed with the expressions of the built-in registry.
    annotate: bool,
}

/// A batch that adds at least 1/`BULK_SHARE` of the index's entries (or rebuilds it) ends with
/// [`compact`]; smaller batches (one uploaded document) leave the segments to tantivy's merge
/// policy, which never rewrites a large segment for a small one.
const BULK_SHARE: u64 = 4;

/// Merges the index's small segments so that about `parts` remain. Each segment costs a search
/// a fixed share (its terms looked up, its own best candidates ranked, its counts merged), and a
/// search splits its work across the cores by segment: one segment per search thread spends the
/// least and still uses every core. Only segments below half the ideal size (the entries over
/// `parts`) are merged, into groups of about the ideal size, one after the other: large segments
/// are never rewritten, and a merge reads no more than the small segments. Each merge is an
/// atomic commit of tantivy's: a crash leaves the batch's commit as it was.
fn compact(index: &tantivy::Index, parts: usize) -> Result<()> {
    let sizes: Vec<(u32, SegmentId)> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| (m.num_docs(), m.id()))
        .collect();
    let groups = small_groups(sizes, parts);
    if groups.is_empty() {
        return Ok(());
    }
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(1, writer_budget::MIN_PER_THREAD)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    for group in &groups {
        writer.merge(group).wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(())
}

/// The groups of segments `(live entries, id)` to merge: the segments below half of the ideal
/// size (all entries over `parts`) in as many groups as their entries make ideal segments, of
/// similar sizes (the largest first, each into the group with the fewest entries so far); only
/// groups of two segments or more.
fn small_groups(sizes: Vec<(u32, SegmentId)>, parts: usize) -> Vec<Vec<SegmentId>> {
    let total: u64 = sizes.iter().map(|s| u64::from(s.0)).sum();
    let ideal = (total / parts.max(1) as u64).max(1);
    let mut small: Vec<(u32, SegmentId)> = sizes
        .into_iter()
        .filter(|s| 2 * u64::from(s.0) < ideal)
        .collect();
    small.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let entries: u64 = small.iter().map(|s| u64::from(s.0)).sum();
    let count = ((entries + ideal / 2) / ideal).max(1) as usize;
    let mut groups: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); count];
    for (n, id) in small {
        if let Some(g) = groups.iter_mut().min_by_key(|g| g.0) {
            g.0 += u64::from(n);
            g.1.push(id);
        }
    }
    groups
        .into_iter()
        .map(|(_, ids)| ids)
        .filter(|ids| ids.len() > 1)
        .collect()
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
        self.abbreviations.forget(doc_id);
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
    fn plan_ids<'f>(
        &mut self,
        files: impl Iterator<Item = (&'f str, &'f str)>,
    ) -> Result<Vec<ids::PlannedId>> {
        let files: Vec<(&str, &str)> = files.collect();
        let held = match self.held.take() {
            Some(held) => held,
            None => self.index.held_documents()?,
        };
        let plan = ids::plan(&files, &held);
        self.held = Some(held);
        Ok(plan)
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
        )?;
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
        let plan = self.plan_ids(files.iter().map(|f| (f.doc_id.as_str(), f.origin.as_str())))?;
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
        if !self.annotate {
            // Entries without the expressions join the index: no registry speaks for it.
            Expressions::unrecord(&self.index.dir)?;
        }
        let mut prepared = self.writer.prepare_commit()?;
        if let Some(payload) = &self.payload {
            prepared.set_payload(payload);
        }
        prepared.commit()?;
        self.writer.wait_merging_threads()?;
        let idx = self.index;
        let total: u64 = idx
            .index
            .searchable_segment_metas()?
            .iter()
            .map(|m| u64::from(m.num_docs()))
            .sum();
        // The batch is committed: merging is only faster searching, and its failure (a full
        // disk) leaves the segments as they were.
        if (self.fresh || self.report.entries * BULK_SHARE >= total)
            && let Err(e) = compact(&idx.index, search_threads())
        {
            tracing::warn!("merging the small segments failed: {e}");
        }
        idx.pending_clear.store(false, Ordering::SeqCst);
        self.abbreviations.save(&idx.dir)?;
        if self.annotate {
            let registry = expressions::builtin();
            if !registry.recorded_in(&idx.dir) {
                registry.record(&idx.dir)?;
            }
            if let Ok(mut e) = idx.expressions.write() {
                *e = Some(registry);
            }
        }
        let builder = idx.query_builder(&self.abbreviations.pairs(), &idx.thesaurus_snapshot());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(sizes: &[u32]) -> Vec<(u32, SegmentId)> {
        sizes
            .iter()
            .map(|&n| (n, SegmentId::generate_random()))
            .collect()
    }

    fn group_sizes(sizes: &[(u32, SegmentId)], groups: &[Vec<SegmentId>]) -> Vec<u32> {
        let size = |id: &SegmentId| sizes.iter().find(|s| s.1 == *id).map_or(0, |s| s.0);
        let mut out: Vec<u32> = groups.iter().map(|g| g.iter().map(size).sum()).collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn equal_small_segments_become_one_per_thread() {
        let sizes = segments(&[43_286, 42_944, 42_901, 42_867, 42_855, 38_794]);
        let groups = small_groups(sizes.clone(), 2);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 6);
        assert_eq!(group_sizes(&sizes, &groups), vec![124_947, 128_700]);
    }

    #[test]
    fn large_segments_are_never_rewritten() {
        let sizes = segments(&[
            343_977, 343_369, 342_574, 43_048, 42_941, 42_707, 42_662, 27_895, 27_077,
        ]);
        let groups = small_groups(sizes.clone(), 2);
        assert_eq!(groups.len(), 1);
        assert_eq!(group_sizes(&sizes, &groups), vec![226_330]);
        let large: Vec<SegmentId> = sizes[..3].iter().map(|s| s.1).collect();
        assert!(groups.iter().flatten().all(|id| !large.contains(id)));
    }

    #[test]
    fn nothing_to_merge() {
        assert!(small_groups(segments(&[500_000, 490_000]), 2).is_empty());
        assert!(small_groups(segments(&[1_000]), 2).is_empty());
        assert!(small_groups(Vec::new(), 2).is_empty());
        // One small segment beside large ones stays as it is.
        assert!(small_groups(segments(&[500_000, 490_000, 20_000]), 2).is_empty());
    }
}
