//! The catalogue: every document the index holds with its metadata and entry count, the list
//! behind `/api/documents` (found by words, filtered and paged) and `edusearch documents`.
//!
//! The entry counts come from the document-id column (no stored entry read); a document's
//! metadata (title, kind, level, place, date, file) from one of its stored entries. That read is
//! the cost — ≈ 50 µs a document, seconds at 50,000 documents — so the metadata is kept by the
//! (segment, entry) it was read from: a segment never changes, so after a commit only the
//! documents of new segments are read (an upload reads its own document, not the index's). The
//! list itself is built once per searcher generation; the metadata of segments gone (merged,
//! emptied) is dropped with it, so memory follows the documents held.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, SegmentReader};

use serde::{Deserialize, Serialize};

use super::{DocumentSummary, EntryIndex, schema};
use crate::analysis::fold;
use crate::error::{Error, Result};
use crate::model::{DocKind, Level};
use crate::search::{FacetCount, SearchRequest};
use crate::vocabulary::Facet;

/// Which documents of the catalogue, which page of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentQuery {
    /// Words (separated by spaces) every listed document has, each as a part of its title,
    /// place, id, file name, kind (its Russian label), year or date (`DD.MM.YYYY`); case and ё
    /// ignored: «ртищ» finds «Ртищевского», «приказ 2020» the orders of 2020. Empty lists every
    /// document.
    pub q: String,
    /// Years of the document (any of them); empty: any year.
    pub year: Vec<i32>,
    /// Inclusive lower bound of the year.
    pub year_from: Option<i32>,
    /// Inclusive upper bound of the year.
    pub year_to: Option<i32>,
    /// Levels (any of them).
    pub level: Vec<Level>,
    /// Kinds (any of them).
    pub kind: Vec<DocKind>,
    /// Regions (any of them; case ignored).
    pub region: Vec<String>,
    /// Documents skipped.
    pub offset: usize,
    /// Documents listed at most.
    pub limit: usize,
}

impl Default for DocumentQuery {
    /// Every document, first [`DocumentQuery::DEFAULT_LIMIT`] of them.
    fn default() -> Self {
        DocumentQuery {
            q: String::new(),
            year: Vec::new(),
            year_from: None,
            year_to: None,
            level: Vec::new(),
            kind: Vec::new(),
            region: Vec::new(),
            offset: 0,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

impl From<&SearchRequest> for DocumentQuery {
    /// The document filters and paging of a checked request (see
    /// [`crate::vocabulary::Endpoint::Documents`]); the entry filters do not apply.
    fn from(req: &SearchRequest) -> Self {
        DocumentQuery {
            q: req.q.clone(),
            year: req.year.clone(),
            year_from: req.year_from,
            year_to: req.year_to,
            level: req.level.clone(),
            kind: req.kind.clone(),
            region: req.region.clone(),
            offset: req.offset,
            limit: req.limit,
        }
    }
}

impl DocumentQuery {
    /// Documents listed when no limit is given.
    pub const DEFAULT_LIMIT: usize = crate::search::params::DEFAULT_DOCUMENTS_LIMIT;

    /// Every document at once (for the command line and internal callers).
    pub fn all() -> Self {
        DocumentQuery {
            limit: usize::MAX,
            ..DocumentQuery::default()
        }
    }

    /// The query's words, folded: separated by spaces (an id such as `upload_0` is one word),
    /// punctuation around them dropped (`«ртищ»`).
    fn words(&self) -> Vec<String> {
        fold(&self.q)
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The filters a listed document fails (the words aside): bit `i` for `FACETS[i]`.
    fn fails(&self, d: &Listed, regions: &[String]) -> u8 {
        let s = &d.summary;
        let year = |wanted: &dyn Fn(i32) -> bool| s.year.is_some_and(wanted);
        let year_ok = (self.year.is_empty() || year(&|y| self.year.contains(&y)))
            && self.year_from.is_none_or(|from| year(&|y| y >= from))
            && self.year_to.is_none_or(|to| year(&|y| y <= to));
        let level_ok = self.level.is_empty() || self.level.contains(&s.level);
        let kind_ok = self.kind.is_empty() || self.kind.contains(&s.kind);
        let region_ok = regions.is_empty()
            || d.region
                .as_deref()
                .is_some_and(|r| regions.iter().any(|w| w == r));
        [year_ok, level_ok, kind_ok, region_ok]
            .iter()
            .enumerate()
            .filter(|(_, ok)| !**ok)
            .fold(0, |bits, (dim, _)| bits | 1 << dim)
    }
}

/// The facets of documents, in the order of [`DocumentFacets`]' fields and of
/// [`DocumentQuery::fails`]' bits.
const FACETS: [Facet; 4] = [Facet::Year, Facet::Level, Facet::Kind, Facet::Region];

/// A listed document's value in a facet of [`FACETS`], if it has one.
fn value_of(facet: Facet, s: &DocumentSummary) -> Option<String> {
    match facet {
        Facet::Year => s.year.map(|y| y.to_string()),
        Facet::Level => Some(s.level.as_str().to_owned()),
        Facet::Kind => Some(s.kind.as_str().to_owned()),
        Facet::Region => s.region.clone(),
        Facet::Addressee | Facet::Topic | Facet::EntryType => None,
    }
}

/// Documents per value of the document facets. Each facet is counted with the words and every
/// filter but its own, as a search counts entries: the other values of a filtered facet stay
/// visible with what choosing them would list.
#[derive(utoipa::ToSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFacets {
    /// Years.
    pub year: Vec<FacetCount>,
    /// Levels.
    pub level: Vec<FacetCount>,
    /// Kinds.
    pub kind: Vec<FacetCount>,
    /// Regions.
    pub region: Vec<FacetCount>,
}

impl DocumentFacets {
    /// Counts `d` in the facets it belongs to given the filters it `fails`: all of them when it
    /// fails none, only the failed one's when it fails exactly one.
    fn count(counts: &mut [HashMap<String, u64>; 4], d: &DocumentSummary, fails: u8) {
        for (bit, &facet) in FACETS.iter().enumerate() {
            let others = fails & !(1 << bit);
            if others == 0
                && let Some(value) = value_of(facet, d)
            {
                *counts[bit].entry(value).or_default() += 1;
            }
        }
    }

    /// The counts as the search orders them: most documents first (then by value), years
    /// newest first.
    fn from_counts(counts: [HashMap<String, u64>; 4]) -> Self {
        let [mut year, level, kind, region] = counts.map(|c| {
            let mut v: Vec<FacetCount> = c
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            v
        });
        year.sort_by_key(|c| std::cmp::Reverse(c.value.parse::<i32>().unwrap_or(i32::MIN)));
        DocumentFacets {
            year,
            level,
            kind,
            region,
        }
    }
}

/// A page of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentPage {
    /// Documents that pass the query (all pages).
    pub total: u64,
    /// Documents the index holds.
    pub held: u64,
    /// The page, ordered by document id.
    pub documents: Vec<DocumentSummary>,
    /// Documents per year, level, kind and region.
    pub facets: DocumentFacets,
}

/// A document of the list with the folded text its words are looked for in.
#[derive(Debug)]
pub(super) struct Listed {
    /// Its summary, entry count aside (it changes with the index, the rest does not).
    summary: DocumentSummary,
    folded: String,
    /// Its region, folded (for the region filter).
    region: Option<String>,
}

impl Listed {
    /// A document as read (its entry count aside).
    fn new(summary: DocumentSummary) -> Self {
        // What a user may type to find a document: its title, place, id, file, and its kind
        // and year as written in citations («приказ 2020»).
        let year = summary.year.map(|y| y.to_string());
        let date = summary.date.map(|d| d.format("%d.%m.%Y").to_string());
        let fields = [
            Some(summary.doc_id.as_str()),
            Some(summary.title.as_str()),
            summary.municipality.as_deref(),
            summary.region.as_deref(),
            summary.file.as_deref(),
            Some(summary.kind.label_ru()),
            year.as_deref(),
            date.as_deref(),
        ];
        let text: Vec<&str> = fields.into_iter().flatten().collect();
        Listed {
            folded: fold(&text.join("\n")),
            region: summary.region.as_deref().map(fold),
            summary,
        }
    }
}

/// The documents held, by id, each with its entry count.
pub(super) type List = Vec<(Arc<Listed>, u64)>;

/// The catalogue of the last searcher generation listed, and what was read to build it.
#[derive(Debug, Default)]
pub(super) struct Catalogue {
    generation: Option<u64>,
    listed: Arc<List>,
    /// A document as read (entry count aside) by the entry it was read from.
    heads: HashMap<(SegmentId, DocId), Arc<Listed>>,
}

/// The documents of each segment as last counted (apart from the catalogue: counting is quick,
/// and `/healthz` or an upload need not wait for a catalogue being read).
#[derive(Debug, Default)]
pub(super) struct SegmentCounts(std::sync::Mutex<HashMap<SegmentId, Arc<SegmentDocuments>>>);

/// The documents of one segment: each id with its live entries and one of them.
#[derive(Debug)]
struct SegmentDocuments {
    /// Deleted entries of the segment when counted: the counts hold while this is the same.
    deleted: DocId,
    docs: Vec<(String, u64, DocId)>,
}

/// A document held: its id, its entries, one of them.
pub(super) struct Held {
    /// Document id.
    pub doc_id: String,
    /// Its live entries.
    pub entries: u64,
    /// One of them (the first of the first segment holding it).
    pub address: DocAddress,
}

impl EntryIndex {
    /// A page of the documents held that pass `query`, ordered by document id.
    pub fn list_documents(&self, query: &DocumentQuery) -> Result<DocumentPage> {
        let listed = self.catalogue()?;
        let words = query.words();
        let regions: Vec<String> = query.region.iter().map(|r| fold(r.trim())).collect();
        let mut counts: [HashMap<String, u64>; 4] = Default::default();
        let mut total = 0u64;
        let mut documents = Vec::new();
        for (d, entries) in listed.iter() {
            if !words.iter().all(|w| d.folded.contains(w.as_str())) {
                continue;
            }
            let fails = query.fails(d, &regions);
            DocumentFacets::count(&mut counts, &d.summary, fails);
            if fails != 0 {
                continue;
            }
            let at = total as usize;
            total += 1;
            if at >= query.offset && documents.len() < query.limit {
                documents.push(DocumentSummary {
                    entries: *entries,
                    ..d.summary.clone()
                });
            }
        }
        Ok(DocumentPage {
            total,
            held: listed.len() as u64,
            documents,
            facets: DocumentFacets::from_counts(counts),
        })
    }

    /// All documents with entry counts, ordered by document id.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        Ok(self.list_documents(&DocumentQuery::all())?.documents)
    }

    /// The ids of the documents held, ordered (no stored entry read: for callers that need no
    /// metadata, such as the ids a new document may not take).
    pub fn document_ids(&self) -> Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let mut ids: Vec<String> = self
            .held(&searcher)?
            .into_iter()
            .map(|h| h.doc_id)
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The list of the current searcher generation, built when the generation is new.
    pub(super) fn catalogue(&self) -> Result<Arc<List>> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        // Held while building: a second caller waits for the list rather than reading it again.
        let mut held = self
            .catalogue
            .lock()
            .map_err(|_| Error::Index("document catalogue poisoned".into()))?;
        if held.generation == Some(generation) {
            return Ok(Arc::clone(&held.listed));
        }
        let documents = self.held(&searcher)?;
        let mut heads = HashMap::with_capacity(documents.len());
        let mut listed = Vec::with_capacity(documents.len());
        for doc in documents {
            let key = head_key(&searcher, doc.address);
            let head = match held.heads.remove(&key) {
                Some(head) => head,
                None => Arc::new(Listed::new(self.summary(&searcher, 0, doc.address)?)),
            };
            listed.push((Arc::clone(&head), doc.entries));
            heads.insert(key, head);
        }
        listed.sort_by(|(a, _), (b, _)| a.summary.doc_id.cmp(&b.summary.doc_id));
        let listed = Arc::new(listed);
        held.generation = Some(generation);
        held.listed = Arc::clone(&listed);
        held.heads = heads;
        Ok(listed)
    }

    /// Every document held with its entry count and one entry, in no order. Each segment's
    /// documents are counted once (again only when entries of it are deleted); the counts of
    /// segments gone are dropped.
    pub(super) fn held(&self, searcher: &tantivy::Searcher) -> Result<Vec<Held>> {
        let started = std::time::Instant::now();
        let mut known = self
            .segment_counts
            .0
            .lock()
            .map_err(|_| Error::Index("document counts poisoned".into()))?;
        let mut segments = HashMap::with_capacity(searcher.segment_readers().len());
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut out: Vec<Held> = Vec::new();
        let mut counted = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let docs = match known.remove(&id) {
                Some(docs) if docs.deleted == reader.num_deleted_docs() => docs,
                _ => Arc::new(segment_documents(reader)?),
            };
            segments.insert(id, Arc::clone(&docs));
            counted.push(docs);
        }
        for (ord, docs) in counted.iter().enumerate() {
            for (doc_id, entries, doc) in &docs.docs {
                match by_id.get(doc_id.as_str()) {
                    Some(&at) => out[at].entries += entries,
                    None => {
                        by_id.insert(doc_id, out.len());
                        out.push(Held {
                            doc_id: doc_id.clone(),
                            entries: *entries,
                            address: DocAddress::new(ord as u32, *doc),
                        });
                    }
                }
            }
        }
        *known = segments;
        tracing::debug!(
            documents = out.len(),
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "documents counted"
        );
        Ok(out)
    }
}

/// Counts the live entries of each document of a segment (the document-id column; no stored
/// entry read) and notes the first of each.
fn segment_documents(reader: &SegmentReader) -> Result<SegmentDocuments> {
    let deleted = reader.num_deleted_docs();
    let Some(column) = reader.fast_fields().str(schema::names::DOC_ID)? else {
        return Ok(SegmentDocuments {
            deleted,
            docs: Vec::new(),
        });
    };
    let mut counts: Vec<(u64, DocId)> = vec![(0, 0); column.num_terms()];
    for doc in reader.doc_ids_alive() {
        for ord in column.term_ords(doc) {
            if let Some(slot) = counts.get_mut(ord as usize) {
                if slot.0 == 0 {
                    slot.1 = doc;
                }
                slot.0 += 1;
            }
        }
    }
    // The ids in one pass over the column's dictionary: looking each up by its number costs a
    // block search per document (0.5 s at 50,000 documents).
    let mut docs = Vec::new();
    let mut terms = column
        .dictionary()
        .stream()
        .map_err(tantivy::TantivyError::from)?;
    while terms.advance() {
        let found = counts.get(terms.term_ord() as usize);
        if let (Some(&(entries, doc)), Ok(id)) = (found, std::str::from_utf8(terms.key()))
            && entries > 0
        {
            docs.push((id.to_owned(), entries, doc));
        }
    }
    Ok(SegmentDocuments { deleted, docs })
}

/// The key a document's metadata is kept by: the segment and entry it was read from.
fn head_key(searcher: &tantivy::Searcher, address: DocAddress) -> (SegmentId, DocId) {
    let segment = searcher.segment_reader(address.segment_ord).segment_id();
    (segment, address.doc_id)
}
