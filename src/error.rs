//! The library's error type.

use std::path::PathBuf;

/// Why a source file was not accepted. Each variant renders as a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    /// Zero bytes, or only whitespace after decoding.
    #[error("empty file")]
    Empty,
    /// Looks like binary data (NUL bytes, control characters, undecodable).
    #[error("binary file: {0}")]
    Binary(String),
    /// Decoded, but not Russian or English text.
    #[error("not Russian or English text (detected: {0})")]
    Language(String),
    /// Extension other than .txt / .md.
    #[error("unsupported file type (only .txt and .md are read)")]
    Unsupported,
    /// Could not be read from disk.
    #[error("cannot read: {0}")]
    Io(String),
}

/// Errors of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file was rejected.
    #[error("{path}: {reason}")]
    Rejected {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: RejectReason,
    },
    /// Filesystem error.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Index error (tantivy).
    #[error("index error: {0}")]
    Index(String),
    /// The index on disk was built by another schema version.
    #[error(
        "index at {path} has schema version {found}, this program needs {expected}; rebuild it with `edusearch index --rebuild`"
    )]
    SchemaVersion {
        /// The index directory.
        path: PathBuf,
        /// Version found on disk.
        found: String,
        /// Version this build writes.
        expected: String,
    },
    /// No index at the given location.
    #[error("no index at {0}; build one with `edusearch index`")]
    NoIndex(PathBuf),
    /// A user-supplied parameter is invalid (bad filter, bad date, unknown sort ...).
    #[error("{0}")]
    InvalidInput(String),
    /// A thesaurus file is malformed (`origin` names the file; the message says where and why).
    #[error("thesaurus {origin}: {message}")]
    Thesaurus {
        /// The file (or `data/thesaurus.toml` for the built-in one).
        origin: String,
        /// What is wrong, with the line when the TOML parser knows it.
        message: String,
    },
    /// Something was not found (unknown entry or document id).
    #[error("{0}")]
    NotFound(String),
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Index(e.to_string())
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
