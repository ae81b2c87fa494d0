//! Bounded reading of zip packages (DOCX, ODT): zip bombs, damaged archives and encrypted
//! entries become [`FormatError`]s before anything large is allocated.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::{Format, FormatError};

/// Most entries a package may list.
const MAX_ENTRIES: usize = 10_000;
/// Largest unpacked part read.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes unpacked from one package in total.
const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Highest compression ratio accepted for parts above [`RATIO_FLOOR_BYTES`] (XML compresses
/// about 5–20×; bombs compress 1000× and more).
const MAX_RATIO: u64 = 200;
/// Parts smaller than this are not checked for their ratio.
const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

/// An opened zip package.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    format: Format,
    unpacked: u64,
}

impl<'a> Package<'a> {
    /// Opens a package; rejects non-zip data, damaged archives and too many entries.
    pub(crate) fn open(bytes: &'a [u8], format: Format) -> Result<Self, FormatError> {
        if !bytes.starts_with(b"PK\x03\x04") {
            return Err(FormatError::damaged(
                format,
                "not a ZIP package (a DOCX/ODT file is a ZIP archive)",
            ));
        }
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            FormatError::damaged(format, format!("broken ZIP archive (truncated?): {e}"))
        })?;
        if archive.len() > MAX_ENTRIES {
            return Err(FormatError::too_large(
                format,
                format!("{} entries in the ZIP archive", archive.len()),
            ));
        }
        Ok(Package {
            archive,
            format,
            unpacked: 0,
        })
    }

    /// Reads a part as UTF-8 text; `Ok(None)` when the package has no such part.
    pub(crate) fn read_text(&mut self, name: &str) -> Result<Option<String>, FormatError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes).map_err(|_| {
            FormatError::damaged(self.format, format!("part {name} is not UTF-8 XML"))
        })?;
        Ok(Some(text))
    }

    /// Reads a part's bytes with the size, total and ratio limits.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let format = self.format;
        let budget = MAX_PART_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.unpacked));
        let mut entry = match self.archive.by_name(name) {
            Ok(e) => e,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(
                ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED)
                | ZipError::InvalidPassword,
            ) => {
                return Err(FormatError::Encrypted(format.name()));
            }
            Err(e) => {
                return Err(FormatError::damaged(
                    format,
                    format!("cannot unpack {name}: {e}"),
                ));
            }
        };
        if entry.encrypted() {
            return Err(FormatError::Encrypted(format.name()));
        }
        let compressed = entry.compressed_size();
        let declared = entry.size();
        if declared > budget {
            return Err(FormatError::too_large(
                format,
                format!(
                    "part {name} declares {} MB unpacked",
                    declared / (1024 * 1024)
                ),
            ));
        }
        // Never trust the declared size: read at most the budget plus one byte.
        let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FormatError::damaged(format, format!("cannot unpack {name}: {e}")))?;
        let got = bytes.len() as u64;
        if got > budget {
            return Err(FormatError::too_large(
                format,
                format!(
                    "part {name} unpacks to more than {} MB (zip bomb?)",
                    budget / (1024 * 1024)
                ),
            ));
        }
        if got > RATIO_FLOOR_BYTES && got / compressed.max(1) > MAX_RATIO {
            return Err(FormatError::too_large(
                format,
                format!(
                    "part {name} is compressed {}:1 (zip bomb?)",
                    got / compressed.max(1)
                ),
            ));
        }
        self.unpacked += got;
        Ok(Some(bytes))
    }
}
