//! The comparison operations on an open index, shared by the CLI and the API: look the entries or
//! documents up (unknown ids are [`Error::Missing`], bad parameters [`Error::Invalid`]) and
//! run the pure functions of this module on them.

use serde::Serialize;

use super::align::{
    AlignOptions, Alignment, DEFAULT_MIN_SCORE, EDITED_FROM, EntryRef, Relation, align,
};
use super::diff::{WordDiff, word_diff};
use super::nearest::{SimilarEntry, nearest_entries};
use super::similarity::similarity;
use crate::error::{Error, Result};
use crate::index::EntryIndex;
use crate::model::Entry;
use crate::search::SearchRequest;

/// Similar entries of one entry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SimilarResponse {
    /// The entry asked about.
    pub entry: EntryRef,
    /// Entries of other documents, best first.
    pub similar: Vec<SimilarEntry>,
}

/// Two entries compared.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntryComparison {
    /// First entry.
    pub a: EntryRef,
    /// Second entry.
    pub b: EntryRef,
    /// Similarity `S` in `0..=1`.
    pub score: f32,
    /// Relation (as in alignments); `null` when the texts are not related (`S` below 0.3).
    pub relation: Option<Relation>,
    /// Word-level diff from `a` to `b`.
    pub diff: WordDiff,
}

/// Looks an entry up; unknown ids are [`Error::Missing`].
pub fn entry_by_id(index: &EntryIndex, id: &str) -> Result<Entry> {
    index.entry(id)?.ok_or_else(|| {
        Error::missing(
            format!("unknown entry id: {id}"),
            format!("Нет записи с идентификатором «{id}»"),
        )
    })
}

/// Entries of a document in order; unknown documents are [`Error::Missing`].
pub fn document_by_id(index: &EntryIndex, doc_id: &str) -> Result<Vec<Entry>> {
    let entries = index.document_entries(doc_id)?;
    if entries.is_empty() && index.document(doc_id)?.is_none() {
        return Err(Error::missing(
            format!("unknown document id: {doc_id}"),
            format!("Нет документа с идентификатором «{doc_id}»"),
        ));
    }
    Ok(entries)
}

/// Most candidates named in the message of an ambiguous id prefix.
const MAX_CANDIDATES_SHOWN: usize = 10;

/// The document id that `prefix` stands for: the id itself when a document has it, else the
/// only document id starting with it. No match is [`Error::NotFound`]; several are
/// [`Error::InvalidInput`] naming them (the command line accepts short unique prefixes:
/// `align 000 001`).
pub fn resolve_doc_id(index: &EntryIndex, prefix: &str) -> Result<String> {
    let ids = index.document_ids()?;
    if ids.iter().any(|id| id == prefix) {
        return Ok(prefix.to_string());
    }
    let matching: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !prefix.is_empty() && id.starts_with(prefix))
        .collect();
    match matching.as_slice() {
        [] => Err(Error::NotFound(format!("unknown document id: {prefix}"))),
        [one] => Ok((*one).to_string()),
        many => {
            let shown = many[..many.len().min(MAX_CANDIDATES_SHOWN)].join(", ");
            let more = many.len().saturating_sub(MAX_CANDIDATES_SHOWN);
            Err(Error::InvalidInput(format!(
                "document id prefix '{prefix}' is ambiguous: it matches {}: {shown}{}",
                many.len(),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )))
        }
    }
}

/// The entry id that `id` stands for: the id itself when an entry has it, else the id with its
/// document part (before the first `/`) resolved by [`resolve_doc_id`].
pub fn resolve_entry_id(index: &EntryIndex, id: &str) -> Result<String> {
    if index.entry(id)?.is_some() {
        return Ok(id.to_string());
    }
    let Some((doc, rest)) = id.split_once('/') else {
        return Ok(id.to_string());
    };
    match resolve_doc_id(index, doc) {
        Ok(doc) => Ok(format!("{doc}/{rest}")),
        // No such document: say which entry id was not found.
        Err(Error::NotFound(_)) => Ok(id.to_string()),
        Err(e) => Err(e),
    }
}

/// Similar entries of the entry `id`: the filters and `limit` of `req` (checked with
/// [`crate::search::params::request`] for [`crate::vocabulary::Endpoint::Similar`]).
pub fn similar_by_id(index: &EntryIndex, id: &str, req: &SearchRequest) -> Result<SimilarResponse> {
    let entry = entry_by_id(index, id)?;
    let similar = nearest_entries(index, &entry, req, req.limit)?;
    Ok(SimilarResponse {
        entry: EntryRef::from(&entry),
        similar,
    })
}

/// Alignment of the document `from` with the document `to`.
pub fn align_by_id(
    index: &EntryIndex,
    from: &str,
    to: &str,
    opts: &AlignOptions,
) -> Result<Alignment> {
    check_min_score(opts.min_score)?;
    let a = document_by_id(index, from)?;
    let b = document_by_id(index, to)?;
    Ok(align(from, to, &a, &b, opts))
}

/// Comparison of the entries `a` and `b`.
pub fn compare_by_id(index: &EntryIndex, a: &str, b: &str) -> Result<EntryComparison> {
    let ea = entry_by_id(index, a)?;
    let eb = entry_by_id(index, b)?;
    Ok(compare_entries(&ea, &eb))
}

/// Comparison of two entries: score, relation and word diff.
pub fn compare_entries(a: &Entry, b: &Entry) -> EntryComparison {
    let score = similarity(&a.text, &b.text);
    let diff = word_diff(&a.text, &b.text);
    let relation = if diff.is_identical() && !diff.tokens.is_empty() {
        Some(Relation::Identical)
    } else if score >= EDITED_FROM {
        Some(Relation::Edited)
    } else if score >= DEFAULT_MIN_SCORE {
        Some(Relation::Related)
    } else {
        None
    };
    EntryComparison {
        a: a.into(),
        b: b.into(),
        score,
        relation,
        diff,
    }
}

/// Rejects a minimum score outside `0..=1`.
pub fn check_min_score(min_score: f32) -> Result<()> {
    if (0.0..=1.0).contains(&min_score) {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("min_score must be between 0 and 1, got {min_score}"),
            format!("«min_score» должен быть от 0 до 1, получено {min_score}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_score_is_a_fraction() {
        assert!(check_min_score(0.3).is_ok());
        assert!(check_min_score(1.5).is_err());
        assert!(check_min_score(f32::NAN).is_err());
    }
}
