//! Handlers of the read endpoints: search, facets, documents, entries, health, fallback.

use std::sync::OnceLock;

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::params::{self, Pairs};
use super::{ApiError, AppState};
use crate::index::{DocumentSummary, EntryIndex, IndexSource};
use crate::model::Entry;
use crate::search::{Facets, SearchResponse};

/// Runs `f` on the index in the blocking pool, so that a slow search neither stalls the async
/// workers nor escapes the request timeout. A panic inside becomes a 500 JSON answer.
///
/// At most [`index_permits`] such tasks run at once: searches are CPU-bound, and queueing the rest
/// keeps tail latency lower than letting dozens of threads share a few cores.
pub(crate) async fn on_index<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&EntryIndex) -> crate::Result<T> + Send + 'static,
{
    let _permit = index_permits()
        .acquire()
        .await
        .map_err(|_| ApiError::internal())?;
    let index = state.index.clone();
    match tokio::task::spawn_blocking(move || f(&index)).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "index task failed");
            Err(ApiError::internal())
        }
    }
}

/// The limit on concurrent index tasks: twice the number of cores.
fn index_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(2 * cores)
    })
}

/// Rejects any query parameter on endpoints that take none.
fn no_params(uri: &Uri) -> Result<(), ApiError> {
    Pairs::parse(uri.query())?.only(&[])
}

/// Full-text search with filters and disjunctive facet counts.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of hits with facet counts", body = SearchResponse),
        (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
        (status = 400, description = "Bad parameter", body = super::error::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<SearchResponse>, ApiError> {
    let req = params::search_request(&Pairs::parse(uri.query())?)?;
    let resp = on_index(&state, move |index| index.search(&req)).await?;
    Ok(Json(resp))
}

/// Facet values with counts over the whole corpus (for filter menus).
#[utoipa::path(
    get,
    path = "/api/facets",
    tag = "search",
    responses((status = 200, description = "Facet counts of the whole corpus", body = Facets))
)]
pub async fn facets(State(state): State<AppState>, uri: Uri) -> Result<Json<Facets>, ApiError> {
    no_params(&uri)?;
    Ok(Json(on_index(&state, |index| index.facets()).await?))
}

/// The list of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentList {
    /// Number of documents.
    pub total: u64,
    /// Documents with metadata and entry counts.
    pub documents: Vec<DocumentSummary>,
}

/// All documents with metadata and entry counts.
#[utoipa::path(
    get,
    path = "/api/documents",
    tag = "documents",
    responses((status = 200, description = "All indexed documents", body = DocumentList))
)]
pub async fn documents(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<DocumentList>, ApiError> {
    no_params(&uri)?;
    let documents = on_index(&state, |index| index.documents()).await?;
    Ok(Json(DocumentList {
        total: documents.len() as u64,
        documents,
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
    uri: Uri,
) -> Result<Json<DocumentDetail>, ApiError> {
    no_params(&uri)?;
    let doc_id = tail(&uri, "/api/documents/")?;
    let id = doc_id.clone();
    let found = on_index(&state, move |index| {
        let entries = index.document_entries(&id)?;
        let summary = index.documents()?.into_iter().find(|d| d.doc_id == id);
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
/// `/api/entries/{id}/similar`. Entry ids contain `/`, hence one wildcard route for both.
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
pub async fn entry_or_similar(State(state): State<AppState>, uri: Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    let rest = match tail(&uri, "/api/entries/") {
        Ok(rest) => rest,
        Err(e) => return e.into_response(),
    };
    match rest.strip_suffix("/similar") {
        Some(id) if !id.is_empty() => similar(state, id.to_owned(), uri).await,
        _ => entry(state, rest, &uri).await.into_response(),
    }
}

/// `GET /api/entries/{id}/similar` belongs to the comparison module; this is the one place that
/// hands it over (`id` percent-decoded).
async fn similar(state: AppState, id: String, uri: Uri) -> axum::response::Response {
    super::compare::similar_handler(state, id, uri).await
}

async fn entry(state: AppState, id: String, uri: &Uri) -> Result<Json<EntryDetail>, ApiError> {
    no_params(uri)?;
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
    let document = DocumentSummary {
        doc_id: entry.doc_id.clone(),
        title: entry.doc_title.clone(),
        kind: entry.kind,
        level: entry.level,
        region: entry.region.clone(),
        municipality: entry.municipality.clone(),
        date: entry.date,
        year: entry.year,
        entries: siblings.len() as u64,
        file,
    };
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
    params::decode_path(rest)
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

/// Parameters of `/api/search` (documentation only: the handler parses the raw query string so
/// that repeated parameters and bad encoding are reported precisely).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// Free text: words, `"exact phrases"`, `-excluded` words (≤ 1000 characters). Empty with
    /// filters browses entries in document order.
    q: Option<String>,
    /// Addressee role (`school_heads`) or canonical name; repeatable (any of them).
    addressee: Option<Vec<String>>,
    /// Year; repeatable (any of them).
    year: Option<Vec<i32>>,
    /// Inclusive lower bound of the year.
    year_from: Option<i32>,
    /// Inclusive upper bound of the year.
    year_to: Option<i32>,
    /// Session topic; repeatable.
    topic: Option<Vec<String>>,
    /// `federal`, `regional` or `municipal`; repeatable.
    level: Option<Vec<String>>,
    /// `resolution`, `order`, `decision` or `other`; repeatable.
    kind: Option<Vec<String>>,
    /// Region; repeatable.
    region: Option<Vec<String>>,
    /// Entry type: `recommendation`, `finding` or `provision`; repeatable.
    #[param(rename = "type")]
    r#type: Option<Vec<String>>,
    /// Only entries with a deadline strictly before this date (YYYY-MM-DD).
    deadline_before: Option<chrono::NaiveDate>,
    /// Only entries with a deadline on or after this date (YYYY-MM-DD).
    deadline_after: Option<chrono::NaiveDate>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// Hits to skip, 0..=10000.
    offset: Option<usize>,
    /// `relevance` (default), `date` or `deadline`.
    sort: Option<String>,
    /// `false` leaves the facet counts out (empty lists): smaller, cheaper answers for
    /// callers that show hits only. Default `true`.
    facets: Option<bool>,
    /// `json` (default): a page of hits. `csv` (UTF-8 with BOM, separator `;`) or `ndjson`: a
    /// download of every matching entry in the search's order, at most 10000 (`limit`,
    /// `offset` and `facets` do not apply; `X-Total-Count` gives the number of matches).
    format: Option<String>,
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
