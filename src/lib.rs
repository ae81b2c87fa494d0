//! edusearch: full-text search over Russian education-policy documents at the level of
//! individual recommendations.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//!
//! ```text
//! ingest (read, decode) → clean (normalise, join lines) → meta (document metadata)
//!   → segment (sections, addressee blocks, entries) → enrich (addressees, deadlines)
//!   → analysis + index (tantivy) → search → cli / api / web; compare (similar, align, diff)
//! ```

pub mod analysis;
pub mod api;
pub mod cache;
pub mod clean;
pub mod cli;
pub mod compare;
pub mod documents;
pub mod enrich;
pub mod error;
pub mod export;
pub mod formats;
pub mod index;
pub mod ingest;
pub mod meta;
pub mod model;
pub mod pipeline;
pub mod ru;
pub mod ru_date;
pub mod search;
pub mod segment;
pub mod store;
pub mod vocabulary;

pub use error::{Error, Result};
pub use model::{
    Addressee, Deadline, DocKind, Document, DocumentMeta, Entry, EntryType, Level, Role,
};
