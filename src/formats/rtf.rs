//! RTF → text.
//!
//! A small tokenizer over the bytes (groups, control words, `\'xx` bytes, `\uN` characters)
//! with the state text extraction needs: the code page (`\ansicpg`, or the `\fcharset` of the
//! current font — Russian RTF writes Cyrillic as `\'xx` bytes of windows-1251), `\uc` skip
//! counts, hidden and deleted text, and destinations that are not text (font and colour
//! tables, style sheet, document info, pictures, headers and footers, field instructions,
//! comments). Word writes automatic list numbers as `{\listtext 1.\tab}`: they are kept, so
//! numbers come out as Word shows them. `\cell`/`\row` make `cell | cell` rows; footnotes
//! go to the end as `[n] text`.

use std::collections::HashMap;

use encoding_rs::{Encoding, WINDOWS_1252};

use super::{Format, FormatError, MAX_DEPTH, TextSink};

const FORMAT: Format = Format::Rtf;

/// Destinations whose content is not document text.
const SKIPPED_DESTINATIONS: [&str; 38] = [
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "header",
    "headerl",
    "headerr",
    "headerf",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "fldinst",
    "xmlnstbl",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "pgdsctbl",
    "annotation",
    "atnid",
    "atnauthor",
    "atndate",
    "bkmkstart",
    "bkmkend",
    "filetbl",
    "revtbl",
    "userprops",
    "operator",
    "nonshppict",
    "shpinst",
    "template",
];

/// State of one `{…}` group.
#[derive(Debug, Clone)]
struct Group {
    skip: bool,
    footnote: bool,
    hidden: bool,
    uc: usize,
    encoding: &'static Encoding,
    in_table: bool,
    font_table: bool,
}

/// Extracts the text of an RTF file.
pub fn extract(bytes: &[u8]) -> Result<String, FormatError> {
    if !bytes.starts_with(b"{\\rtf") {
        return Err(FormatError::damaged(FORMAT, "does not start with {\\rtf"));
    }
    let mut p = Parser::new(bytes);
    p.run()?;
    p.flush_bytes();
    p.end_paragraph();
    let mut sink = TextSink::default();
    for l in p.lines.iter().chain(p.notes.iter()) {
        sink.push(l);
        sink.end_paragraph();
    }
    sink.finish(FORMAT)
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    stack: Vec<Group>,
    group: Group,
    default_encoding: &'static Encoding,
    fonts: HashMap<i64, &'static Encoding>,
    font_in_table: Option<i64>,
    /// Bytes of `\'xx` escapes and 8-bit text waiting to be decoded together.
    pending: Vec<u8>,
    /// Characters still to skip after a `\uN`.
    skip_chars: usize,
    line: String,
    cells: Vec<String>,
    note: String,
    lines: Vec<String>,
    notes: Vec<String>,
    /// Whether the next control word is the first of its group (destinations).
    group_start: bool,
    star: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8]) -> Self {
        let group = Group {
            skip: false,
            footnote: false,
            hidden: false,
            uc: 1,
            encoding: WINDOWS_1252,
            in_table: false,
            font_table: false,
        };
        Parser {
            src,
            pos: 0,
            stack: Vec::new(),
            group,
            default_encoding: WINDOWS_1252,
            fonts: HashMap::new(),
            font_in_table: None,
            pending: Vec::new(),
            skip_chars: 0,
            line: String::new(),
            cells: Vec::new(),
            note: String::new(),
            lines: Vec::new(),
            notes: Vec::new(),
            group_start: false,
            star: false,
        }
    }

    fn run(&mut self) -> Result<(), FormatError> {
        while self.pos < self.src.len() {
            let b = self.src[self.pos];
            self.pos += 1;
            match b {
                b'{' => {
                    self.flush_bytes();
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(FormatError::damaged(
                            FORMAT,
                            format!("groups nested deeper than {MAX_DEPTH}"),
                        ));
                    }
                    self.stack.push(self.group.clone());
                    self.group_start = true;
                    self.star = false;
                }
                b'}' => {
                    self.flush_bytes();
                    let was_note = self.group.footnote;
                    if let Some(g) = self.stack.pop() {
                        self.group = g;
                    }
                    if was_note && !self.group.footnote {
                        self.end_note();
                    }
                    self.group_start = false;
                }
                b'\\' => self.control()?,
                b'\r' | b'\n' => {}
                _ => {
                    self.group_start = false;
                    self.byte(b);
                }
            }
        }
        Ok(())
    }

    /// A control word or symbol after `\`.
    fn control(&mut self) -> Result<(), FormatError> {
        let Some(&c) = self.src.get(self.pos) else {
            return Ok(());
        };
        if !c.is_ascii_alphabetic() {
            self.pos += 1;
            let first = std::mem::replace(&mut self.group_start, false);
            match c {
                b'\'' => {
                    let hex = self.src.get(self.pos..self.pos + 2).unwrap_or_default();
                    self.pos += hex.len();
                    if let Some(v) = std::str::from_utf8(hex)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                    {
                        self.byte(v);
                    }
                }
                b'*' => {
                    self.star = true;
                    self.group_start = first;
                }
                b'~' => self.text("\u{a0}"),
                b'_' => self.text("-"),
                b'-' => {}
                b'\r' | b'\n' => self.paragraph(),
                b'{' | b'}' | b'\\' => self.byte(c),
                _ => {}
            }
            return Ok(());
        }
        let start = self.pos;
        while self.pos < self.src.len()
            && self.src[self.pos].is_ascii_alphabetic()
            && self.pos - start < 32
        {
            self.pos += 1;
        }
        let word = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("");
        let num_start = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.pos < self.src.len()
            && self.src[self.pos].is_ascii_digit()
            && self.pos - num_start < 10
        {
            self.pos += 1;
        }
        let param: Option<i64> = std::str::from_utf8(&self.src[num_start..self.pos])
            .ok()
            .and_then(|s| s.parse().ok());
        if self.src.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        let first = std::mem::replace(&mut self.group_start, false);
        let star = std::mem::replace(&mut self.star, false);
        self.word(word, param, first, star);
        Ok(())
    }

    fn word(&mut self, word: &str, param: Option<i64>, first: bool, star: bool) {
        let kept = matches!(word, "fonttbl" | "footnote");
        if first && (star || SKIPPED_DESTINATIONS.contains(&word)) && !kept {
            self.flush_bytes();
            self.group.skip = true;
        }
        match word {
            "fonttbl" => self.group.font_table = true,
            "footnote" => {
                self.flush_bytes();
                self.group.footnote = true;
            }
            "bin" => {
                let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                self.pos = self.pos.saturating_add(n).min(self.src.len());
            }
            "ansicpg" => {
                if let Some(enc) = param.and_then(codepage) {
                    self.default_encoding = enc;
                    self.group.encoding = enc;
                }
            }
            "f" => {
                if self.group.font_table {
                    self.font_in_table = param;
                } else if let Some(f) = param {
                    self.flush_bytes();
                    self.group.encoding =
                        self.fonts.get(&f).copied().unwrap_or(self.default_encoding);
                }
            }
            "fcharset" => {
                if let (Some(f), Some(enc)) = (self.font_in_table, param.and_then(charset)) {
                    self.fonts.insert(f, enc);
                }
            }
            "uc" => self.group.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(8),
            "u" => {
                if let Some(v) = param {
                    let v = if v < 0 { v + 65536 } else { v };
                    let c = u32::try_from(v)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{FFFD}');
                    self.text(c.encode_utf8(&mut [0; 4]));
                    self.skip_chars = self.group.uc;
                }
            }
            "v" => self.group.hidden = param != Some(0),
            "deleted" => self.group.hidden = param != Some(0),
            "pard" => self.group.in_table = false,
            "intbl" => self.group.in_table = true,
            "par" | "sect" => self.paragraph(),
            "line" => self.text("\n"),
            "tab" => self.text(" "),
            "cell" | "nestcell" => self.end_cell(),
            "row" | "nestrow" => self.end_row(),
            "emdash" => self.text("—"),
            "endash" => self.text("–"),
            "bullet" => self.text("•"),
            "lquote" => self.text("‘"),
            "rquote" => self.text("’"),
            "ldblquote" => self.text("“"),
            "rdblquote" => self.text("”"),
            _ => {}
        }
    }

    fn suppressed(&self) -> bool {
        self.group.skip || self.group.hidden || self.group.font_table
    }

    /// A raw or escaped byte of text in the current code page.
    fn byte(&mut self, b: u8) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if self.suppressed() {
            return;
        }
        self.pending.push(b);
    }

    fn flush_bytes(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let (s, _) = self.group.encoding.decode_without_bom_handling(&bytes);
        let s = s.into_owned();
        self.push_str(&s);
    }

    fn text(&mut self, s: &str) {
        self.skip_chars = 0;
        if self.suppressed() {
            return;
        }
        self.flush_bytes();
        self.push_str(s);
    }

    fn push_str(&mut self, s: &str) {
        if self.group.footnote {
            self.note.push_str(s);
        } else {
            self.line.push_str(s);
        }
    }

    fn paragraph(&mut self) {
        self.flush_bytes();
        if self.suppressed() {
            return;
        }
        if self.group.footnote {
            self.note.push(' ');
        } else if self.group.in_table {
            self.line.push(' ');
        } else {
            self.end_paragraph();
        }
    }

    fn end_paragraph(&mut self) {
        let line = std::mem::take(&mut self.line);
        let line = line.trim();
        if !line.is_empty() {
            self.lines.push(line.to_owned());
        }
    }

    fn end_cell(&mut self) {
        self.flush_bytes();
        let cell = std::mem::take(&mut self.line);
        self.cells
            .push(cell.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    fn end_row(&mut self) {
        self.flush_bytes();
        let cells = std::mem::take(&mut self.cells);
        if cells.iter().any(|c| !c.is_empty()) {
            self.lines.push(cells.join(" | "));
        }
    }

    fn end_note(&mut self) {
        let note = std::mem::take(&mut self.note);
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        if !note.is_empty() {
            let n = self.notes.len() + 1;
            self.notes.push(format!("[{n}] {note}"));
        }
    }
}

/// Encoding of a Windows code page number (`\ansicpg`).
fn codepage(n: i64) -> Option<&'static Encoding> {
    let label = match n {
        866 => "ibm866".to_owned(),
        20866 => "koi8-r".to_owned(),
        10007 => "x-mac-cyrillic".to_owned(),
        65001 => "utf-8".to_owned(),
        n => format!("windows-{n}"),
    };
    Encoding::for_label(label.as_bytes())
}

/// Encoding of a font's `\fcharset`.
fn charset(n: i64) -> Option<&'static Encoding> {
    let cp = match n {
        0 => 1252,
        204 => 1251,
        238 => 1250,
        161 => 1253,
        162 => 1254,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        163 => 1258,
        222 => 874,
        128 => 932,
        134 => 936,
        129 => 949,
        136 => 950,
        _ => return None,
    };
    codepage(cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1251_bytes_unicode_escapes_and_list_numbers() {
        let rtf = br"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0\fcharset204 Times;}}{\info{\title x}}\f0 {\listtext 1.\tab}\'cf\'f0\'e8\'e2\'e5\'f2\par \u1052\'3f\u1080\u1088\par}";
        let text = extract(rtf).expect("RTF");
        assert_eq!(text, "1. Привет\n\nМир\n");
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let mut rtf = b"{\\rtf1 ".to_vec();
        rtf.extend(std::iter::repeat_n(b'{', 10_000));
        let err = extract(&rtf).expect_err("too deep");
        assert!(err.to_string().contains("nested deeper"), "{err}");
    }
}
