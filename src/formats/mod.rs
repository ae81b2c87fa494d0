//! Stage 0 of ingest: office and web formats → the plain text the pipeline reads.
//!
//! One small reader per format, each producing text as a person would copy it out of the
//! document: paragraphs one per line, automatic list numbers written out («1.», «1.1.»,
//! «а)»), table rows as `cell | cell`, no page furniture (headers, footers, page numbers,
//! menus). The result then goes through the same decoding checks as a `.txt` file
//! ([`crate::ingest::decode`]), so cleaning, segmentation and enrichment see one kind of input.
//!
//! | format | reader |
//! |---|---|
//! | `.txt`, `.md` | [`crate::ingest::decode`] (encodings) |
//! | `.docx` | [`docx`]: zip + quick-xml, numbering from `numbering.xml` |
//! | `.odt` | [`odt`]: zip + quick-xml, numbering from list styles |
//! | `.html`, `.htm` | [`html`]: html5ever (scraper), main content only |
//! | `.rtf` | [`rtf`]: own tokenizer, code pages via encoding_rs |
//! | `.pdf` | [`pdf`]: lopdf + pdf-extract glyph positions, own layout |
//! | `.doc` | rejected: [`FormatError::LegacyDoc`] |
//!
//! Every reader is bounded: input size ([`MAX_INPUT_BYTES`]), unpacked size and ratio of zip
//! parts ([`package`]), XML/RTF/HTML nesting depth, output size; hostile input gives a
//! one-line [`FormatError`], never a panic.

pub mod docx;
pub mod html;
pub mod odt;
mod package;
pub mod pdf;
pub mod rtf;
mod table;
mod xml;

use std::path::Path;

use crate::error::RejectReason;

/// Largest document file read, in bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Largest text a reader produces, in bytes (a document of a few thousand pages).
pub const MAX_OUTPUT_BYTES: usize = 32 * 1024 * 1024;
/// Deepest element nesting accepted in XML, HTML and RTF.
pub const MAX_DEPTH: usize = 256;

/// A file format edusearch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.md`: plain text in any supported encoding.
    Text,
    /// Office Open XML word-processing document.
    Docx,
    /// OpenDocument text.
    Odt,
    /// HTML page.
    Html,
    /// Rich Text Format.
    Rtf,
    /// PDF with a text layer.
    Pdf,
    /// Legacy binary Word document: recognised only to be rejected with the fix.
    LegacyDoc,
}

impl Format {
    /// The format of a file by its extension (any case); `None` for other files.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "md" => Format::Text,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "html" | "htm" | "xhtml" => Format::Html,
            "rtf" => Format::Rtf,
            "pdf" => Format::Pdf,
            "doc" => Format::LegacyDoc,
            _ => return None,
        })
    }

    /// Short name used in messages and as the `encoding` of a [`crate::ingest::SourceFile`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Html => "HTML",
            Format::Rtf => "RTF",
            Format::Pdf => "PDF",
            Format::LegacyDoc => "DOC",
        }
    }
}

/// Why a document file could not be turned into text. Each renders as one line (English);
/// [`FormatError::message_ru`] gives the Russian line for the web API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A legacy binary `.doc` (or such a file renamed).
    #[error(
        "legacy binary Word .doc format is not read: open it in Word or LibreOffice, save it as DOCX and add it again"
    )]
    LegacyDoc,
    /// A PDF whose pages carry no text (a scan).
    #[error("PDF has no text layer (a scan): run text recognition (OCR) on it and add it again")]
    NoTextLayer,
    /// Password-protected.
    #[error("{0} is encrypted (password-protected): save an unprotected copy and add it again")]
    Encrypted(&'static str),
    /// A size limit was hit (file, unpacked part, compression ratio, output).
    #[error("{format} too large: {detail}")]
    TooLarge {
        /// Format name.
        format: &'static str,
        /// Which limit.
        detail: String,
    },
    /// The file is not what its extension says, or is damaged.
    #[error("damaged or not a {format} file: {detail}")]
    Damaged {
        /// Format name.
        format: &'static str,
        /// What is wrong.
        detail: String,
    },
}

impl FormatError {
    /// The reason in Russian, one line.
    pub fn message_ru(&self) -> String {
        match self {
            FormatError::LegacyDoc => "старый двоичный формат Word (.doc) не читается: откройте файл в Word или LibreOffice, сохраните как DOCX и загрузите снова".into(),
            FormatError::NoTextLayer => {
                "нет текстового слоя (скан); распознайте текст (OCR) и загрузите снова".into()
            }
            FormatError::Encrypted(f) => format!(
                "файл {f} зашифрован (защищён паролем): сохраните копию без пароля и загрузите снова"
            ),
            FormatError::TooLarge { format, .. } => {
                format!("файл {format} слишком велик или распаковывается в слишком большой объём")
            }
            FormatError::Damaged { format, .. } => {
                format!("файл повреждён или не является файлом {format}")
            }
        }
    }

    fn damaged(format: Format, detail: impl Into<String>) -> Self {
        FormatError::Damaged {
            format: format.name(),
            detail: detail.into(),
        }
    }

    fn too_large(format: Format, detail: impl Into<String>) -> Self {
        FormatError::TooLarge {
            format: format.name(),
            detail: detail.into(),
        }
    }
}

/// Reads a file's bytes as text: plain text is decoded, documents are extracted and then
/// checked like plain text (empty, binary, language). Returns the text and the encoding or
/// format name.
pub fn to_text(bytes: &[u8], path: &Path) -> Result<(String, &'static str), RejectReason> {
    let Some(format) = Format::of(path) else {
        return Err(RejectReason::Unsupported);
    };
    if format == Format::Text {
        return crate::ingest::decode(bytes);
    }
    let text = extract(bytes, format).map_err(RejectReason::Format)?;
    let (text, _) = crate::ingest::decode(text.as_bytes())?;
    Ok((text, format.name()))
}

/// Extracts the text of a document in `format` (not for [`Format::Text`], which needs no
/// extraction and is returned decoded as UTF-8 if it is UTF-8).
pub fn extract(bytes: &[u8], format: Format) -> Result<String, FormatError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(FormatError::too_large(
            format,
            format!(
                "{} MB, at most {} MB are read",
                bytes.len() / (1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    if is_ole_container(bytes) {
        return Err(ole_reason(bytes, format));
    }
    let text = match format {
        Format::Text => String::from_utf8(bytes.to_vec())
            .map_err(|_| FormatError::damaged(format, "not UTF-8"))?,
        Format::Docx => docx::extract(bytes)?,
        Format::Odt => odt::extract(bytes)?,
        Format::Html => html::extract(bytes)?,
        Format::Rtf => rtf::extract(bytes)?,
        Format::Pdf => pdf::extract(bytes)?,
        Format::LegacyDoc => return Err(FormatError::LegacyDoc),
    };
    Ok(text)
}

/// Magic number of OLE compound files: legacy `.doc`, and encrypted DOCX/ODF-in-Office files.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn is_ole_container(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

/// An OLE container is either a password-protected Office Open XML file (its directory names
/// a stream «EncryptedPackage», in UTF-16LE) or a legacy binary document.
fn ole_reason(bytes: &[u8], format: Format) -> FormatError {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
        let name = match format {
            Format::LegacyDoc => Format::Docx.name(),
            f => f.name(),
        };
        return FormatError::Encrypted(name);
    }
    FormatError::LegacyDoc
}

/// Collects output text with a size bound and paragraph structure: text is appended to the
/// current paragraph; `end_paragraph` closes it (empty paragraphs are dropped). Paragraphs
/// are separated by a blank line, as in plain-text documents; a paragraph's own line
/// breaks stay single.
#[derive(Debug, Default)]
pub(crate) struct TextSink {
    out: String,
    line: String,
    overflow: bool,
}

impl TextSink {
    /// Appends text to the current paragraph.
    pub(crate) fn push(&mut self, s: &str) {
        if self.out.len() + self.line.len() + s.len() > MAX_OUTPUT_BYTES {
            self.overflow = true;
            return;
        }
        self.line.push_str(s);
    }

    /// Ends the current paragraph (a line of its own).
    pub(crate) fn end_paragraph(&mut self) {
        let line = std::mem::take(&mut self.line);
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            if !self.out.is_empty() {
                self.out.push('\n');
            }
            self.out.push_str(trimmed);
            self.out.push('\n');
        }
    }

    /// The text, or the size error.
    pub(crate) fn finish(mut self, format: Format) -> Result<String, FormatError> {
        self.end_paragraph();
        if self.overflow {
            return Err(FormatError::too_large(
                format,
                format!("more than {} MB of text", MAX_OUTPUT_BYTES / (1024 * 1024)),
            ));
        }
        Ok(self.out)
    }
}

/// Whitespace inside a paragraph collapsed to single spaces (XML/HTML text nodes keep the
/// source's indentation and line breaks).
pub(crate) fn collapse_spaces(s: &str, out: &mut String) {
    let mut prev_space = out.ends_with(' ') || out.is_empty();
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !prev_space {
                out.push(' ');
                prev_space = true;
            }
        } else {
            out.push(c);
            prev_space = false;
        }
    }
}
