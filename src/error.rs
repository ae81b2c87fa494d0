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
    /// Extension of no format that is read.
    #[error("unsupported file type (read: .txt, .md, .docx, .odt, .html/.htm, .rtf, .pdf)")]
    Unsupported,
    /// A document (DOCX, PDF, HTML …) could not be turned into text.
    #[error("{0}")]
    Format(crate::formats::FormatError),
    /// Could not be read from disk.
    #[error("cannot read: {0}")]
    Io(String),
    /// Not a regular file (a FIFO, a device, a socket, or a link to one): never opened.
    #[error("not a regular file ({0}); only regular files are read")]
    NotRegularFile(String),
    /// Larger than the per-file limit (`--max-file-mb`); not read.
    #[error(
        "file too large: {} MB, the limit is {} MB (--max-file-mb)",
        megabytes(*size),
        megabytes(*limit)
    )]
    TooLarge {
        /// Size in bytes (as far as it was seen).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// Its document id is held by another file of the index (see `EntryWriter::add_files`).
    #[error("document id {0} is already taken by another file")]
    IdTaken(String),
}

/// Bytes as megabytes (10^6) with one decimal, for messages.
fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
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
    /// A user-supplied parameter is invalid, said in English only (settings of the operator, such
    /// as a CORS origin). What an API client can send is [`Error::Invalid`], which says it in
    /// Russian too; the API answers this one with a general Russian message.
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
    /// Something was not found, said in English only; prefer [`Error::Missing`].
    #[error("{0}")]
    NotFound(String),
    /// A user-supplied value is invalid (bad filter, bad number, unknown value), in both languages.
    /// Build it with [`Error::invalid`].
    #[error("{en}")]
    Invalid {
        /// English message.
        en: String,
        /// Russian message; identifiers (parameter names, values sent) in «».
        ru: String,
    },
    /// Something asked for by id does not exist (unknown entry or document), in both languages.
    /// Build it with [`Error::missing`].
    #[error("{en}")]
    Missing {
        /// English message.
        en: String,
        /// Russian message; identifiers in «».
        ru: String,
    },
}

impl Error {
    /// A bad user-supplied value, with its English and Russian message.
    pub fn invalid(en: impl Into<String>, ru: impl Into<String>) -> Self {
        Error::Invalid {
            en: en.into(),
            ru: ru.into(),
        }
    }

    /// An unknown id, with its English and Russian message.
    pub fn missing(en: impl Into<String>, ru: impl Into<String>) -> Self {
        Error::Missing {
            en: en.into(),
            ru: ru.into(),
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Index(e.to_string())
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
