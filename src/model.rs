//! Domain types shared by every stage of the pipeline.
//!
//! A [`Document`] is one source file after parsing: its [`DocumentMeta`] and the
//! ordered list of [`Entry`] values (recommendation-level items) found in it.
//! The serialised form of [`Entry`] is the public contract of
//! `edusearch parse --json` and of the hits of the search API: field names and
//! their order must not change without a schema-version bump in the index.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of act a document is.
#[derive(
    utoipa::ToSchema,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Resolution of a forum or strategic session (резолюция).
    Resolution,
    /// Ministry or department order (приказ).
    Order,
    /// Instruction of a head or an administration (распоряжение).
    Instruction,
    /// Decree of an administration, a government or a head (постановление).
    Decree,
    /// Decision of a conference, council, duma or collegium (решение).
    Decision,
    /// Minutes of a meeting with its decisions (протокол).
    Protocol,
    /// Anything else (annexes, plans, regulations, letters).
    Other,
}

impl DocKind {
    /// Every kind, in the documented order.
    pub const ALL: [DocKind; 7] = [
        DocKind::Resolution,
        DocKind::Order,
        DocKind::Instruction,
        DocKind::Decree,
        DocKind::Decision,
        DocKind::Protocol,
        DocKind::Other,
    ];

    /// The `snake_case` identifier used in JSON and facets.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Resolution => "resolution",
            DocKind::Order => "order",
            DocKind::Instruction => "instruction",
            DocKind::Decree => "decree",
            DocKind::Decision => "decision",
            DocKind::Protocol => "protocol",
            DocKind::Other => "other",
        }
    }

    /// Russian label for user interfaces.
    pub fn label_ru(self) -> &'static str {
        match self {
            DocKind::Resolution => "Резолюция",
            DocKind::Order => "Приказ",
            DocKind::Instruction => "Распоряжение",
            DocKind::Decree => "Постановление",
            DocKind::Decision => "Решение",
            DocKind::Protocol => "Протокол",
            DocKind::Other => "Другое",
        }
    }
}

/// Administrative level of the body that adopted a document.
#[derive(
    utoipa::ToSchema,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Russian Federation as a whole.
    Federal,
    /// A subject of the federation (область, край, республика).
    Regional,
    /// A district or city (муниципальный район, городской округ).
    Municipal,
}

/// What an entry says: an instruction, an observation, or a normative statement.
#[derive(
    utoipa::ToSchema,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum EntryType {
    /// An actionable item addressed to someone («обеспечить …»).
    Recommendation,
    /// A narrative observation (what participants noted, problems found).
    Finding,
    /// A normative statement of a concept or model (goals, principles, functions).
    Provision,
}

/// The small taxonomy of addressees users filter by.
///
/// The string form (`snake_case`) is the first level of the hierarchical
/// `addressee` facet: `/role/canonical name`.
#[derive(
    utoipa::ToSchema,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Regional ministry / department of education.
    RegionalAuthority,
    /// Regional institute or centre (СОИРО, regional centres, universities).
    RegionalInstitute,
    /// Heads of municipal districts and city districts.
    MunicipalHead,
    /// Municipal education authority (отдел/управление образования, органы местного самоуправления в сфере образования).
    MunicipalAuthority,
    /// Municipal methodological service (ММС, ИРЦОСО, методические службы).
    MunicipalMethodService,
    /// Heads of general-education schools and schools themselves.
    SchoolHeads,
    /// Heads of preschool organisations.
    PreschoolHeads,
    /// Organisations of supplementary education.
    SupplementaryEducation,
    /// Vocational (СПО) organisations.
    VocationalOrganisations,
    /// Anyone else (teachers, parents, other bodies).
    Other,
}

impl Role {
    /// Every role, in the documented order.
    pub const ALL: [Role; 10] = [
        Role::RegionalAuthority,
        Role::RegionalInstitute,
        Role::MunicipalHead,
        Role::MunicipalAuthority,
        Role::MunicipalMethodService,
        Role::SchoolHeads,
        Role::PreschoolHeads,
        Role::SupplementaryEducation,
        Role::VocationalOrganisations,
        Role::Other,
    ];

    /// The `snake_case` identifier used in JSON and facets.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::RegionalAuthority => "regional_authority",
            Role::RegionalInstitute => "regional_institute",
            Role::MunicipalHead => "municipal_head",
            Role::MunicipalAuthority => "municipal_authority",
            Role::MunicipalMethodService => "municipal_method_service",
            Role::SchoolHeads => "school_heads",
            Role::PreschoolHeads => "preschool_heads",
            Role::SupplementaryEducation => "supplementary_education",
            Role::VocationalOrganisations => "vocational_organisations",
            Role::Other => "other",
        }
    }

    /// Russian label for user interfaces.
    pub fn label_ru(self) -> &'static str {
        match self {
            Role::RegionalAuthority => "Региональный орган управления образованием",
            Role::RegionalInstitute => "Региональный институт / центр",
            Role::MunicipalHead => "Главы муниципальных образований",
            Role::MunicipalAuthority => "Муниципальный орган управления образованием",
            Role::MunicipalMethodService => "Муниципальная методическая служба",
            Role::SchoolHeads => "Руководители школ",
            Role::PreschoolHeads => "Руководители дошкольных организаций",
            Role::SupplementaryEducation => "Организации дополнительного образования",
            Role::VocationalOrganisations => "Профессиональные образовательные организации",
            Role::Other => "Другие",
        }
    }

    /// Parses the `snake_case` identifier.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
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
