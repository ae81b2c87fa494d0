//! Lookups that are not searches: entries by id or document, the documents held with their
//! entry counts, stored entries, and search-box suggestions.

use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::stored::StoredEntry;
use super::{DocumentSummary, EntryIndex, suggest, vocab};
use crate::analysis::{self, fold};
use crate::error::{Error, Result};
use crate::model::Entry;
use crate::search::SearchRequest;

impl EntryIndex {
    pub(super) fn load(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<Entry> {
        Ok(self.load_stored(searcher, address)?.into_entry())
    }

    pub(super) fn load_stored(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<StoredEntry> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Index("entry without stored data".into()))?;
        StoredEntry::from_json(json).map_err(|e| Error::Index(format!("stored entry: {e}")))
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
        Ok(self.document(doc_id)?.and_then(|d| d.file))
    }

    /// One document with its entry count (`None` if the index has no entry of it): the cost
    /// of its own entries, not of the index's documents.
    pub fn document(&self, doc_id: &str) -> Result<Option<DocumentSummary>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.doc_id, doc_id),
            IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let Some(&first) = addresses.iter().min() else {
            return Ok(None);
        };
        let count = addresses.len() as u64;
        Ok(Some(self.summary(&searcher, count, first)?))
    }

    /// The summary of a document of `count` entries, its fields read from the entry at
    /// `address`.
    pub(super) fn summary(
        &self,
        searcher: &tantivy::Searcher,
        count: u64,
        address: DocAddress,
    ) -> Result<DocumentSummary> {
        let stored = self.load_stored(searcher, address)?;
        let file = stored.extra.file.clone();
        Ok(DocumentSummary::of(&stored.into_entry(), count, file))
    }

    /// Numbers of documents and entries (counted once per searcher generation).
    pub fn counts(&self) -> Result<(u64, u64)> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let held = self.counted.lock().ok().and_then(|c| *c);
        if let Some((g, counts)) = held
            && g == generation
        {
            return Ok(counts);
        }
        let counts = (self.held(&searcher)?.len() as u64, searcher.num_docs());
        if let Ok(mut held) = self.counted.lock() {
            *held = Some((generation, counts));
        }
        Ok(counts)
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
            // The word as the documents spell it (ё, capitals), not the folded term.
            let word = vocab::surface(searcher, self.fields.exact, self.fields.stored, &k.term)
                .unwrap_or(k.term);
            let value = format!("{head}{word}");
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
}
