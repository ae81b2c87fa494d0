//! The search contract shared by the CLI, the HTTP API and the web page:
//! request filters, hits and facet counts. The index layer ([`crate::index`]) executes it.

pub mod query;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{DocKind, Entry, EntryType, Level};

/// Largest `limit` accepted.
pub const MAX_LIMIT: usize = 100;
/// Largest `offset` accepted.
pub const MAX_OFFSET: usize = 10_000;
/// Default `limit`.
pub const DEFAULT_LIMIT: usize = 20;

/// Result order.
#[derive(utoipa::ToSchema, Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first (document order when the query is empty).
    #[default]
    Relevance,
    /// Newest document first.
    Date,
    /// Earliest deadline first (entries without a deadline last).
    Deadline,
}

/// A search: free-text query plus filters. Empty `q` browses in document order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Free text: words, `"phrases"`, `-excluded` words.
    pub q: String,
    /// Role id (`school_heads`) or canonical name; several = any of them.
    pub addressee: Vec<String>,
    /// Years; several = any of them.
    pub year: Vec<i32>,
    /// Inclusive lower bound of the year.
    pub year_from: Option<i32>,
    /// Inclusive upper bound of the year.
    pub year_to: Option<i32>,
    /// Session topics; several = any.
    pub topic: Vec<String>,
    /// Levels; several = any.
    pub level: Vec<Level>,
    /// Document kinds; several = any.
    pub kind: Vec<DocKind>,
    /// Regions; several = any.
    pub region: Vec<String>,
    /// Entry types; several = any.
    pub entry_type: Vec<EntryType>,
    /// Deadline strictly before this date.
    pub deadline_before: Option<NaiveDate>,
    /// Deadline on or after this date.
    pub deadline_after: Option<NaiveDate>,
    /// Page size (1..=[`MAX_LIMIT`]).
    pub limit: usize,
    /// Offset (0..=[`MAX_OFFSET`]).
    pub offset: usize,
    /// Order.
    pub sort: SortOrder,
    /// Leave the facet counts out (empty lists): for callers that show hits only, such as the
    /// widget; the answer is smaller and cheaper.
    #[serde(default)]
    pub skip_facets: bool,
}

/// One hit: the entry with its score and highlighted snippet.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Relevance score (0 when browsing).
    pub score: f32,
    /// HTML-escaped entry text with matches wrapped in `<mark>…</mark>`.
    pub snippet: String,
    /// The entry (all fields of `parse --json`, including `id`).
    #[serde(flatten)]
    pub entry: Entry,
}

/// A facet value and the number of matching entries with it.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value (for `addressee`: `/role/canonical name`).
    pub value: String,
    /// Matching entries.
    pub count: u64,
}

/// Facet counts per facet.
#[derive(utoipa::ToSchema, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// `/role/canonical` values, and `/role` totals.
    pub addressee: Vec<FacetCount>,
    /// Years.
    pub year: Vec<FacetCount>,
    /// Session topics.
    pub topic: Vec<FacetCount>,
    /// Levels.
    pub level: Vec<FacetCount>,
    /// Document kinds.
    pub kind: Vec<FacetCount>,
    /// Regions.
    pub region: Vec<FacetCount>,
    /// Entry types.
    pub entry_type: Vec<FacetCount>,
}

/// A page of results.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Number of matching entries.
    pub total: u64,
    /// Time spent in the engine, milliseconds.
    pub took_ms: f64,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Facet counts (disjunctive: each facet ignores its own filter).
    pub facets: Facets,
    /// Expressions searched besides the typed words (thesaurus synonyms and abbreviations, the
    /// documents' own abbreviations), shown as «также искали: …».
    #[serde(default)]
    pub expanded: Vec<String>,
    /// The query with misspelt words corrected, when it finds much more («Возможно, вы
    /// искали: …»).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}
