//! Handlers of the read endpoints: search, facets, documents, entries, health, fallback.

use super::json::Json;
use axum::extract::State;
use axum::http::Uri;
use serde::{Deserialize, Serialize};

use super::params::{self, DocumentsQuery, NoQuery, Query, SearchQuery, SimilarQuery};
use super::{ApiError, AppState, on_index};
use crate::index::{DocumentFacets, DocumentSummary, IndexSource};
use crate::model::Entry;
use crate::search::{Facets, SearchResponse};
use crate::vocabulary::FacetInfo;

/// Full-text search with filters and disjunctive facet counts.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of hits with facet counts", body = SearchResponse),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Bad parameter", body = super::error::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    SearchQuery(req): SearchQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let resp = on_index(&state, move |index| index.search(&req)).await?;
    Ok(Json(resp))
}

/// Facet counts of the whole corpus and the vocabulary of the filters.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FacetsAnswer {
    /// Counts per facet (the fields of [`Facets`]).
    #[serde(flatten)]
    pub counts: Facets,
    /// Every facet: its parameter, key, Russian label and closed values with labels.
    pub vocabulary: Vec<FacetInfo>,
}

/// Facet values with counts over the whole corpus, and the vocabulary of the filters (for filter
/// menus and their labels).
#[utoipa::path(
    get,
    path = "/api/facets",
    tag = "search",
    responses((status = 200, description = "Facet counts of the whole corpus and the filter vocabulary", body = FacetsAnswer))
)]
pub async fn facets(
    State(state): State<AppState>,
    _: NoQuery,
) -> Result<Json<FacetsAnswer>, ApiError> {
    let counts = on_index(&state, |index| index.facets()).await?;
    Ok(Json(FacetsAnswer {
        counts,
        vocabulary: crate::vocabulary::facets(),
    }))
}

/// A page of the list of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentList {
    /// Documents that pass the words and filters (every page).
    pub total: u64,
    /// Documents the index holds.
    pub held: u64,
    /// Documents skipped before this page.
    pub offset: usize,
    /// The page: metadata and entry counts, ordered by document id.
    pub documents: Vec<DocumentSummary>,
    /// Documents per year, level, kind and region: each facet counted with the words and
    /// every filter but its own.
    pub facets: DocumentFacets,
}

/// The documents held, found by words (title, place, id, file, kind, year), filtered and paged,
/// with the documents per facet value.
#[utoipa::path(
    get,
    path = "/api/documents",
    tag = "documents",
    params(DocumentsQuery),
    responses(
        (status = 200, description = "A page of the documents held", body = DocumentList),
        (status = 400, description = "Bad parameter", body = super::error::ErrorBody),
    )
)]
pub async fn documents(
    State(state): State<AppState>,
    DocumentsQuery(query): DocumentsQuery,
) -> Result<Json<DocumentList>, ApiError> {
    let offset = query.offset;
    let page = on_index(&state, move |index| index.list_documents(&query)).await?;
    Ok(Json(DocumentList {
        total: page.total,
        held: page.held,
        offset,
        documents: page.documents,
        facets: page.facets,
    }))
}

/// One document: metadata, outline and entries in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    /// Metadata and entry count.
    pub document: DocumentSummary,
    /// Sections → addressee blocks → entry ids, in document order.
    pub outline: Vec<OutlineSection>,
    /// The entries in document order.
    pub entries: Vec<Entry>,
}

/// A section of a document's outline: consecutive entries under the same heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutlineSection {
    /// Heading as written (`null` for entries outside any section).
    pub section: Option<String>,
    /// Session topic of the section.
    pub topic: Option<String>,
    /// Addressee blocks of the section.
    pub blocks: Vec<OutlineBlock>,
}

/// An addressee block: consecutive entries under one lead-in («Руководителям школ:»).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutlineBlock {
    /// Index of the block in the document (`null` for entries outside any block).
    pub block: Option<u32>,
    /// Lead-in of the block as written.
    pub title: Option<String>,
    /// Canonical names of the addressees of the block's entries, first occurrence first.
    pub addressees: Vec<String>,
    /// Entry ids in order.
    pub entries: Vec<String>,
}

/// Groups entries (in document order) into sections and addressee blocks.
pub fn outline(entries: &[Entry]) -> Vec<OutlineSection> {
    let mut sections: Vec<OutlineSection> = Vec::new();
    for e in entries {
        let same_section = sections
            .last()
            .is_some_and(|s| s.section == e.section && s.topic == e.topic);
        if !same_section {
            sections.push(OutlineSection {
                section: e.section.clone(),
                topic: e.topic.clone(),
                blocks: Vec::new(),
            });
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        let same_block = section
            .blocks
            .last()
            .is_some_and(|b| b.block == e.block && b.title == e.block_title);
        if !same_block {
            section.blocks.push(OutlineBlock {
                block: e.block,
                title: e.block_title.clone(),
                addressees: Vec::new(),
                entries: Vec::new(),
            });
        }
        if let Some(block) = section.blocks.last_mut() {
            for a in &e.addressees {
                if !block.addressees.contains(&a.canonical) {
                    block.addressees.push(a.canonical.clone());
                }
            }
            block.entries.push(e.id.clone());
        }
    }
    sections
}

/// Serves `/api/documents/{doc_id}`.
#[utoipa::path(
    get,
    path = "/api/documents/{doc_id}",
    tag = "documents",
    summary = "One document: metadata, outline and entries in order",
    params(("doc_id" = String, Path, description = "Document id, e.g. `001_cea0fd4304aef64b`")),
    responses(
        (status = 200, description = "The document", body = DocumentDetail),
        (status = 404, description = "Unknown document", body = super::error::ErrorBody),
    )
)]
pub async fn document(
    State(state): State<AppState>,
    _: NoQuery,
    uri: Uri,
) -> Result<Json<DocumentDetail>, ApiError> {
    let doc_id = tail(&uri, "/api/documents/")?;
    let id = doc_id.clone();
    let found = on_index(&state, move |index| {
        let entries = index.document_entries(&id)?;
        let summary = index.document(&id)?;
        Ok(summary.map(|s| (s, entries)))
    })
    .await?;
    let Some((document, entries)) = found else {
        return Err(ApiError::not_found("document", &doc_id));
    };
    Ok(Json(DocumentDetail {
        document,
        outline: outline(&entries),
        entries,
    }))
}

/// One entry with its neighbours and its document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntryDetail {
    /// The entry.
    pub entry: Entry,
    /// 0-based position of the entry in its document.
    pub position: u64,
    /// The entry before it in the document.
    pub previous: Option<Entry>,
    /// The entry after it in the document.
    pub next: Option<Entry>,
    /// Metadata of the document.
    pub document: DocumentSummary,
}

/// Serves `/api/entries/{id}` and, by delegation to the comparison module,
/// `/api/entries/{id}/similar`. Entry ids contain `/`, hence one wildcard route for both; this is
/// the one place that hands `/similar` over (`id` percent-decoded, parameters checked).
#[utoipa::path(
    get,
    path = "/api/entries/{id}",
    tag = "entries",
    summary = "One entry with the entries before and after it and its document",
    description = "Entry ids contain slashes; they need no escaping.",
    params(("id" = String, Path, description = "Entry id, e.g. `001_cea0fd4304aef64b/s2/b1/e3` (slashes need no escaping)")),
    responses(
        (status = 200, description = "The entry, its neighbours and document", body = EntryDetail),
        (status = 404, description = "Unknown entry", body = super::error::ErrorBody),
    )
)]
pub async fn entry_or_similar(
    State(state): State<AppState>,
    Query(pairs): Query,
    uri: Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let rest = match tail(&uri, "/api/entries/") {
        Ok(rest) => rest,
        Err(e) => return e.into_response(),
    };
    match rest.strip_suffix("/similar") {
        Some(id) if !id.is_empty() => match SimilarQuery::from_pairs(&pairs) {
            Ok(query) => super::compare::similar_handler(state, id.to_owned(), query)
                .await
                .into_response(),
            Err(e) => e.into_response(),
        },
        _ => match pairs.only(&[]) {
            Ok(()) => entry(state, rest).await.into_response(),
            Err(e) => ApiError::from(e).into_response(),
        },
    }
}

async fn entry(state: AppState, id: String) -> Result<Json<EntryDetail>, ApiError> {
    let wanted = id.clone();
    let found = on_index(&state, move |index| {
        let Some(entry) = index.entry(&wanted)? else {
            return Ok(None);
        };
        let siblings = index.document_entries(&entry.doc_id)?;
        let file = index.document_file(&entry.doc_id)?;
        Ok(Some((entry, siblings, file)))
    })
    .await?;
    let Some((entry, siblings, file)) = found else {
        return Err(ApiError::not_found("entry", &id));
    };
    let at = siblings.iter().position(|e| e.id == entry.id);
    let neighbour = |i: Option<usize>| i.and_then(|i| siblings.get(i)).cloned();
    let previous = neighbour(at.and_then(|i| i.checked_sub(1)));
    let next = neighbour(at.map(|i| i + 1));
    let document = DocumentSummary::of(&entry, siblings.len() as u64, file);
    Ok(Json(EntryDetail {
        position: at.map_or(u64::from(entry.position), |i| i as u64),
        entry,
        previous,
        next,
        document,
    }))
}

/// The percent-decoded rest of the path after `prefix`.
fn tail(uri: &Uri, prefix: &str) -> Result<String, ApiError> {
    let rest = uri.path().strip_prefix(prefix).unwrap_or_default();
    Ok(params::decode_path(rest)?)
}

/// Health of the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when the index answers.
    pub status: String,
    /// Whether the index is open.
    pub index_loaded: bool,
    /// Number of documents.
    pub documents: u64,
    /// Number of entries.
    pub entries: u64,
    /// Version of the server.
    pub version: String,
    /// Parser version that produced the index's entries (`null`: unknown, an index written
    /// before parser versions were recorded).
    pub index_parser_version: Option<u32>,
    /// Parser version of this server: documents indexed now are parsed by it.
    pub parser_version: u32,
    /// Whether the index's entries come from another parser version than this server's (re-index
    /// the files with `edusearch index --rebuild` to update them).
    pub stale: bool,
    /// What the index's documents came from.
    pub index_source: IndexSource,
}

/// Liveness and index counts.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The server and index are up", body = Health))
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let ((documents, entries), provenance) =
        on_index(&state, |index| Ok((index.counts()?, index.provenance()?))).await?;
    Ok(Json(Health {
        status: "ok".into(),
        index_loaded: true,
        documents,
        entries,
        version: env!("CARGO_PKG_VERSION").into(),
        index_parser_version: provenance.parser,
        parser_version: crate::pipeline::PARSER_VERSION,
        stale: provenance.is_stale(),
        index_source: provenance.source,
    }))
}

/// 404 JSON for paths no route serves.
pub async fn fallback(uri: Uri) -> ApiError {
    ApiError::no_route(uri.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Addressee, DocKind, EntryType, Level, Role};

    fn entry(id: &str, section: Option<&str>, block: Option<u32>, addressee: &str) -> Entry {
        Entry {
            id: id.into(),
            doc_id: "d".into(),
            doc_title: "T".into(),
            kind: DocKind::Resolution,
            level: Level::Regional,
            region: None,
            municipality: None,
            date: None,
            year: None,
            section: section.map(Into::into),
            topic: None,
            entry_type: EntryType::Recommendation,
            number: None,
            addressees: vec![Addressee {
                raw: addressee.into(),
                canonical: addressee.into(),
                role: Role::Other,
            }],
            deadline: None,
            deadline_text: None,
            responsible: Vec::new(),
            context: None,
            text: "обеспечить".into(),
            position: 0,
            block,
            block_title: block.map(|b| format!("Блок {b}:")),
        }
    }

    #[test]
    fn outline_groups_consecutive_sections_and_blocks() {
        let entries = [
            entry("d/e0", None, None, "A"),
            entry("d/s1/b1/e1", Some("I"), Some(1), "A"),
            entry("d/s1/b1/e2", Some("I"), Some(1), "B"),
            entry("d/s1/b1/e3", Some("I"), Some(1), "A"),
            entry("d/s1/b2/e1", Some("I"), Some(2), "C"),
            entry("d/s2/b3/e1", Some("II"), Some(3), "C"),
        ];
        let o = outline(&entries);
        assert_eq!(o.len(), 3);
        assert_eq!(o[0].section, None);
        assert_eq!(o[1].section.as_deref(), Some("I"));
        assert_eq!(o[1].blocks.len(), 2);
        assert_eq!(
            o[1].blocks[0].entries,
            ["d/s1/b1/e1", "d/s1/b1/e2", "d/s1/b1/e3"]
        );
        assert_eq!(o[1].blocks[0].addressees, ["A", "B"]);
        assert_eq!(o[1].blocks[0].title.as_deref(), Some("Блок 1:"));
        assert_eq!(o[2].blocks[0].entries, ["d/s2/b3/e1"]);
        let ids: usize = o
            .iter()
            .flat_map(|s| &s.blocks)
            .map(|b| b.entries.len())
            .sum();
        assert_eq!(ids, entries.len());
    }
}
