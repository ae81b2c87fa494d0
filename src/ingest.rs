//! Stage 1: find source files, read them and decode them to clean UTF-8 text.
//!
//! Accepts `.txt` and `.md`; detects UTF-8 (with/without BOM), UTF-16 LE/BE (BOM),
//! Windows-1251 and KOI8-R; normalises to NFC with `\n` line ends. Binary, empty and
//! non-Russian/English files are rejected with a one-line [`RejectReason`].

use std::path::{Path, PathBuf};

use crate::error::{Error, RejectReason};

/// A decoded source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as found.
    pub path: PathBuf,
    /// Stable document id derived from the file name.
    pub doc_id: String,
    /// Decoded text: NFC, `\n` line ends, no BOM.
    pub text: String,
    /// Name of the detected encoding («UTF-8», «windows-1251», …).
    pub encoding: &'static str,
}

/// Stable document id of a path: the file stem, lower-cased, with anything but
/// ASCII letters, digits, `_` and `-` replaced by `_`.
pub fn doc_id_for(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() { "doc".to_string() } else { id }
}

/// Decodes raw bytes to normalised text, or says why they are not a text document.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), RejectReason> {
    let _ = bytes;
    Err(RejectReason::Binary("decoder not implemented yet".into()))
}

/// Reads and decodes one file.
pub fn read_file(path: &Path) -> Result<SourceFile, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Rejected {
        path: path.to_owned(),
        reason: RejectReason::Io(e.to_string()),
    })?;
    let (text, encoding) = decode(&bytes).map_err(|reason| Error::Rejected {
        path: path.to_owned(),
        reason,
    })?;
    Ok(SourceFile {
        path: path.to_owned(),
        doc_id: doc_id_for(path),
        text,
        encoding,
    })
}

/// Expands files and folders (recursively) into the `.txt`/`.md` files they contain, sorted.
/// Paths that do not exist are returned as errors; the rest still go through.
pub fn collect_paths(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let _ = inputs;
    (Vec::new(), Vec::new())
}

/// Reads every file under `inputs`; rejected files are returned beside the accepted ones.
pub fn read_all(inputs: &[PathBuf]) -> (Vec<SourceFile>, Vec<Error>) {
    let (paths, mut errors) = collect_paths(inputs);
    let mut files = Vec::new();
    for p in paths {
        match read_file(&p) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}
