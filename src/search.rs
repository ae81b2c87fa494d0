//! The search contract shared by the CLI, the HTTP API and the web page:
//! request filters, hits and facet counts. The index layer ([`crate::index`]) executes it.

pub mod params;
pub mod query;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{DocKind, Entry, EntryType, Level};
use crate::vocabulary::Facet;

/// Largest `limit` accepted.
pub const MAX_LIMIT: usize = 100;
/// Largest `offset` accepted.
pub const MAX_OFFSET: usize = 10_000;
/// Default `limit`.
pub const DEFAULT_LIMIT: usize = 20;

crate::terms! {
    /// Result order.
    #[derive(Default)]
    pub enum SortOrder {
        /// Best match first (document order when the query is empty).
        #[default]
        Relevance = "relevance", "По релевантности";
        /// Newest document first.
        Date = "date", "Сначала новые";
        /// Earliest deadline first (entries without a deadline last).
        Deadline = "deadline", "По сроку исполнения";
    }
}

/// A search: free-text query plus filters. Empty `q` browses in document order.
///
/// Built from user input by [`params::request`] (checked); the default is every entry, first
/// [`DEFAULT_LIMIT`] of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            addressee: Vec::new(),
            year: Vec::new(),
            year_from: None,
            year_to: None,
            topic: Vec::new(),
            level: Vec::new(),
            kind: Vec::new(),
            region: Vec::new(),
            entry_type: Vec::new(),
            deadline_before: None,
            deadline_after: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            sort: SortOrder::Relevance,
            skip_facets: false,
        }
    }
}

impl SearchRequest {
    /// Whether an entry passes the request's filters, with the index's rules: addressee as a role
    /// (any case) or a canonical name (folded), free-text values trimmed, enums exact.
    pub fn accepts(&self, e: &Entry) -> bool {
        fn any<T>(wanted: &[T], ok: impl Fn(&T) -> bool) -> bool {
            wanted.is_empty() || wanted.iter().any(ok)
        }
        let fold = |s: &str| crate::analysis::fold(s.trim());
        let addressee = |a: &String| match a.parse::<crate::model::Role>() {
            Ok(role) => e.addressees.iter().any(|x| x.role == role),
            Err(_) => e.addressees.iter().any(|x| fold(&x.canonical) == fold(a)),
        };
        fn text(field: &Option<String>) -> impl Fn(&String) -> bool + '_ {
            move |v: &String| field.as_deref().is_some_and(|f| f.trim() == v.trim())
        }
        any(&self.addressee, addressee)
            && any(&self.year, |y| e.year == Some(*y))
            && self
                .year_from
                .is_none_or(|y| e.year.is_some_and(|ey| ey >= y))
            && self
                .year_to
                .is_none_or(|y| e.year.is_some_and(|ey| ey <= y))
            && any(&self.topic, text(&e.topic))
            && any(&self.level, |l| e.level == *l)
            && any(&self.kind, |k| e.kind == *k)
            && any(&self.region, text(&e.region))
            && any(&self.entry_type, |t| e.entry_type == *t)
            && self
                .deadline_before
                .is_none_or(|d| e.deadline.is_some_and(|ed| ed < d))
            && self
                .deadline_after
                .is_none_or(|d| e.deadline.is_some_and(|ed| ed >= d))
    }
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

impl Facets {
    /// The counts of one facet.
    pub fn get(&self, facet: Facet) -> &[FacetCount] {
        match facet {
            Facet::Addressee => &self.addressee,
            Facet::Year => &self.year,
            Facet::Topic => &self.topic,
            Facet::Level => &self.level,
            Facet::Kind => &self.kind,
            Facet::Region => &self.region,
            Facet::EntryType => &self.entry_type,
        }
    }
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
