//! Domain types shared by every stage of the pipeline.
//!
//! A [`Document`] is one source file after parsing: its [`DocumentMeta`] and the
//! ordered list of [`Entry`] values (recommendation-level items) found in it.
//! The serialised form of [`Entry`] is the public contract of
//! `edusearch parse --json` and of the hits of the search API: field names and
//! their order must not change without a schema-version bump in the index.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::terms! {
    /// What kind of act a document is.
    ///
    /// A new kind is one line below (identifier, Russian label); parsing, JSON, OpenAPI, CLI help
    /// and `/api/facets` follow.
    pub enum DocKind {
        /// Resolution of a forum or strategic session (резолюция).
        Resolution = "resolution", "Резолюция";
        /// Ministry or department order (приказ).
        Order = "order", "Приказ";
        /// Instruction of a head or an administration (распоряжение).
        Instruction = "instruction", "Распоряжение";
        /// Decree of an administration, a government or a head (постановление).
        Decree = "decree", "Постановление";
        /// Decision of a conference, council, duma or collegium (решение).
        Decision = "decision", "Решение";
        /// Minutes of a meeting with its decisions (протокол).
        Protocol = "protocol", "Протокол";
        /// Anything else (annexes, plans, regulations, letters).
        Other = "other", "Другое";
    }
}

crate::terms! {
    /// Administrative level of the body that adopted a document.
    pub enum Level {
        /// Russian Federation as a whole.
        Federal = "federal", "Федеральный";
        /// A subject of the federation (область, край, республика).
        Regional = "regional", "Региональный";
        /// A district or city (муниципальный район, городской округ).
        Municipal = "municipal", "Муниципальный";
    }
}

crate::terms! {
    /// What an entry says: an instruction, an observation, or a normative statement.
    pub enum EntryType {
        /// An actionable item addressed to someone («обеспечить …»).
        Recommendation = "recommendation", "Рекомендация";
        /// A narrative observation (what participants noted, problems found).
        Finding = "finding", "Констатация";
        /// A normative statement of a concept or model (goals, principles, functions).
        Provision = "provision", "Положение";
    }
}

crate::terms! {
    /// The small taxonomy of addressees users filter by.
    ///
    /// The identifier is the first level of the hierarchical `addressee` facet:
    /// `/role/canonical name`.
    pub enum Role {
        /// Regional ministry / department of education.
        RegionalAuthority = "regional_authority", "Региональный орган управления образованием";
        /// Regional institute or centre (СОИРО, regional centres, universities).
        RegionalInstitute = "regional_institute", "Региональный институт / центр";
        /// Heads of municipal districts and city districts.
        MunicipalHead = "municipal_head", "Главы муниципальных образований";
        /// Municipal education authority (отдел/управление образования, органы местного самоуправления в сфере образования).
        MunicipalAuthority = "municipal_authority", "Муниципальный орган управления образованием";
        /// Municipal methodological service (ММС, ИРЦОСО, методические службы).
        MunicipalMethodService = "municipal_method_service", "Муниципальная методическая служба";
        /// Heads of general-education schools and schools themselves.
        SchoolHeads = "school_heads", "Руководители школ";
        /// Heads of preschool organisations.
        PreschoolHeads = "preschool_heads", "Руководители дошкольных организаций";
        /// Organisations of supplementary education.
        SupplementaryEducation = "supplementary_education", "Организации дополнительного образования";
        /// Vocational (СПО) organisations.
        VocationalOrganisations = "vocational_organisations", "Профессиональные образовательные организации";
        /// Anyone else (teachers, parents, other bodies).
        Other = "other", "Другие";
    }
}

/// One addressee of an entry.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    /// The phrase as written in the document (usually dative: «Министерству образования Саратовской области»).
    pub raw: String,
    /// Nominative, normalised form («Министерство образования Саратовской области»).
    pub canonical: String,
    /// Role in the taxonomy.
    pub role: Role,
}

/// A deadline found in the text of an entry or on the line that follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The date (the last day of the period for «до ноября 2021 года»-like phrases is *not* assumed:
    /// «до ноября 2021» is the 1st of November).
    pub date: NaiveDate,
    /// The words as written («до 30 ноября 2021 года»).
    pub text: String,
}

/// Metadata of one source document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// Stable id derived from the file name (see [`crate::ingest::doc_id_for`]).
    pub doc_id: String,
    /// Title of the forum / order / decision.
    pub title: String,
    /// Kind of act.
    pub kind: DocKind,
    /// Level of the adopting body.
    pub level: Level,
    /// Region («Саратовская область»).
    pub region: Option<String>,
    /// Municipality, when municipal («Ртищевский муниципальный район»).
    pub municipality: Option<String>,
    /// Adoption date.
    pub date: Option<NaiveDate>,
    /// Year of adoption (from `date`, or from the text when only the year is known).
    pub year: Option<i32>,
    /// Number of an order («1852»).
    pub number: Option<String>,
    /// Path of the source file as given on the command line (informative only).
    pub source: String,
}

/// One recommendation-level entry: the unit of search.
///
/// Serialises to exactly the fields of `edusearch parse --json`, in this order.
#[derive(utoipa::ToSchema, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id: `doc_id` + structural path, e.g. `001_cea0fd4304aef64b/s2/b1/e3`.
    pub id: String,
    /// Id of the document.
    pub doc_id: String,
    /// Title of the document.
    pub doc_title: String,
    /// Kind of the document.
    pub kind: DocKind,
    /// Level of the document.
    pub level: Level,
    /// Region of the document.
    pub region: Option<String>,
    /// Municipality of the document.
    pub municipality: Option<String>,
    /// Adoption date of the document.
    pub date: Option<NaiveDate>,
    /// Adoption year of the document.
    pub year: Option<i32>,
    /// Heading of the section the entry belongs to, as written.
    pub section: Option<String>,
    /// Session topic (title inside the quotes) or section heading; `None` if none.
    pub topic: Option<String>,
    /// Recommendation, finding or provision.
    pub entry_type: EntryType,
    /// Position in the document's numbering (see `segment`):
    /// - a printed number is kept as printed, without its final dot: «2», «2.6», «3.1.2»;
    /// - an unnumbered item (bullet, `;`-clause, line) under a numbered block, lead-in or
    ///   sub-item gets that parent's number, «-» and its 1-based position among the
    ///   unnumbered items of the parent: the second bullet of block 3 is «3-2», the first
    ///   item under «2.6.» is «2.6-1»;
    /// - `None` outside any numbered parent (preambles, narrative paragraphs, most of an
    ///   order's Concept).
    pub number: Option<String>,
    /// Addressees (empty for findings and for provisions without an addressee).
    pub addressees: Vec<Addressee>,
    /// Deadline date.
    pub deadline: Option<NaiveDate>,
    /// Deadline as written.
    pub deadline_text: Option<String>,
    /// Responsible persons (surnames in parentheses).
    pub responsible: Vec<String>,
    /// Lead-in that ends with a colon and governs this item («обобщить … до 15 апреля 2022 года:»).
    pub context: Option<String>,
    /// Clean, complete text of the item.
    pub text: String,
    /// 0-based position of the entry in its document (document order). Not part of `parse --json`.
    #[serde(skip)]
    pub position: u32,
    /// Index of the addressee block within the document, if any. Not part of `parse --json`.
    #[serde(skip)]
    pub block: Option<u32>,
    /// Lead-in of the addressee block, as written. Not part of `parse --json`.
    #[serde(skip)]
    pub block_title: Option<String>,
}

/// A parsed document: metadata, entries in document order, and parser warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Metadata.
    pub meta: DocumentMeta,
    /// Entries in document order (`position` = index in this vector).
    pub entries: Vec<Entry>,
    /// Warnings for structures the parser did not recognise (it degraded to paragraphs).
    pub warnings: Vec<String>,
}
