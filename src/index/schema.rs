//! The tantivy schema of the entry index.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::expressions::EXPR;
use crate::analysis::{EN_STEM, EXACT, RU_STEM};
use crate::error::{Error, Result};

/// Version of the schema and of the analysis; bump on any change that makes old indexes wrong.
pub const SCHEMA_VERSION: &str = "edusearch-index-1";
/// Marker file in the index directory holding [`SCHEMA_VERSION`].
pub const VERSION_FILE: &str = "edusearch-schema-version";

/// Field names (also the names of the fast-field columns).
pub mod names {
    pub const ID: &str = "id";
    pub const DOC_ID: &str = "doc_id";
    pub const STORED: &str = "stored";
    pub const STEM_RU: &str = "stem_ru";
    pub const STEM_EN: &str = "stem_en";
    pub const EXACT: &str = "exact";
    pub const AUX_RU: &str = "aux_ru";
    pub const ADDRESSEE: &str = "addressee";
    pub const YEAR: &str = "year";
    pub const DATE: &str = "date";
    pub const DEADLINE: &str = "deadline";
    pub const POSITION: &str = "position";
    pub const TOPIC: &str = "topic";
    pub const KIND: &str = "kind";
    pub const LEVEL: &str = "level";
    pub const REGION: &str = "region";
    pub const ENTRY_TYPE: &str = "entry_type";
    pub const LANG: &str = "lang";
    pub const EXPR: &str = "expr";
}

/// Handles of every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Entry id (raw, for lookups and deletes).
    pub id: Field,
    /// Document id (raw, fast: document order, deletes).
    pub doc_id: Field,
    /// JSON of the entry, with position/block/block_title.
    pub stored: Field,
    /// Entry text through the Russian analyzer (Russian entries).
    pub stem_ru: Field,
    /// Entry text through the English analyzer (English entries).
    pub stem_en: Field,
    /// Entry text through the exact analyzer (all entries).
    pub exact: Field,
    /// Context, topic and block lead-in through the Russian analyzer (low weight).
    pub aux_ru: Field,
    /// Hierarchical facet `/role/canonical`.
    pub addressee: Field,
    /// Year (i64, fast).
    pub year: Field,
    /// Adoption date as days since 0001-01-01 (i64, fast).
    pub date: Field,
    /// Deadline as days since 0001-01-01 (i64, fast).
    pub deadline: Field,
    /// Position in the document (u64, fast).
    pub position: Field,
    /// Session topic (raw, fast).
    pub topic: Field,
    /// Document kind (raw, fast).
    pub kind: Field,
    /// Document level (raw, fast).
    pub level: Field,
    /// Region (raw, fast).
    pub region: Field,
    /// Entry type (raw, fast).
    pub entry_type: Field,
    /// Detected language code (raw, fast, stored).
    pub lang: Field,
    /// The thesaurus's expressions found in the entry text (see [`super::expressions`]);
    /// `None` in indexes written before it existed.
    pub expr: Option<Field>,
}

fn text_field(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// The `expr` field: occurrence counts of expression keys, no positions, no lengths.
fn expr_field() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXPR)
            .set_index_option(IndexRecordOption::WithFreqs)
            .set_fieldnorms(false),
    )
}

/// Builds the schema.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field(names::ID, STRING),
        doc_id: b.add_text_field(names::DOC_ID, STRING | FAST),
        stored: b.add_text_field(names::STORED, STORED),
        stem_ru: b.add_text_field(names::STEM_RU, text_field(RU_STEM)),
        stem_en: b.add_text_field(names::STEM_EN, text_field(EN_STEM)),
        exact: b.add_text_field(names::EXACT, text_field(EXACT)),
        aux_ru: b.add_text_field(names::AUX_RU, text_field(RU_STEM)),
        addressee: b.add_facet_field(names::ADDRESSEE, FacetOptions::default()),
        year: b.add_i64_field(names::YEAR, INDEXED | FAST),
        date: b.add_i64_field(names::DATE, INDEXED | FAST),
        deadline: b.add_i64_field(names::DEADLINE, INDEXED | FAST),
        position: b.add_u64_field(names::POSITION, FAST),
        topic: b.add_text_field(names::TOPIC, STRING | FAST),
        kind: b.add_text_field(names::KIND, STRING | FAST),
        level: b.add_text_field(names::LEVEL, STRING | FAST),
        region: b.add_text_field(names::REGION, STRING | FAST),
        entry_type: b.add_text_field(names::ENTRY_TYPE, STRING | FAST),
        lang: b.add_text_field(names::LANG, STRING | FAST | STORED),
        expr: Some(b.add_text_field(names::EXPR, expr_field())),
    };
    (b.build(), fields)
}

/// Looks the fields up in an opened index's schema.
pub fn fields_of(schema: &Schema) -> Result<Fields> {
    let f = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| Error::Index(format!("index schema lacks field `{name}`")))
    };
    Ok(Fields {
        id: f(names::ID)?,
        doc_id: f(names::DOC_ID)?,
        stored: f(names::STORED)?,
        stem_ru: f(names::STEM_RU)?,
        stem_en: f(names::STEM_EN)?,
        exact: f(names::EXACT)?,
        aux_ru: f(names::AUX_RU)?,
        addressee: f(names::ADDRESSEE)?,
        year: f(names::YEAR)?,
        date: f(names::DATE)?,
        deadline: f(names::DEADLINE)?,
        position: f(names::POSITION)?,
        topic: f(names::TOPIC)?,
        kind: f(names::KIND)?,
        level: f(names::LEVEL)?,
        region: f(names::REGION)?,
        entry_type: f(names::ENTRY_TYPE)?,
        lang: f(names::LANG)?,
        expr: schema.get_field(names::EXPR).ok(),
    })
}

/// Days since 0001-01-01 of a date (the fast-field encoding of dates).
pub fn day_number(date: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(date.num_days_from_ce())
}
