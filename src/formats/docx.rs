//! DOCX (Office Open XML) → text.
//!
//! Reads `word/document.xml` in order: paragraphs one per line, automatic numbering rendered
//! from `word/numbering.xml` (and numbering attached to paragraph styles in
//! `word/styles.xml`) as Word shows it — «1.», «1.1.», «а)» —, table rows as `cell | cell`,
//! footnotes (`word/footnotes.xml`) at the end as `[n] text`. Headers, footers and comments
//! live in other parts and are never read; deleted and moved-away revisions, field codes and
//! the fallback copies of drawings are skipped.

use std::collections::{HashMap, HashSet};

use super::package::Package;
use super::table::Tables;
use super::xml::{Node, walk_part};
use super::{Format, FormatError, TextSink};

const FORMAT: Format = Format::Docx;

/// Extracts the text of a DOCX file.
pub fn extract(bytes: &[u8]) -> Result<String, FormatError> {
    let mut pkg = Package::open(bytes, FORMAT)?;
    let document = pkg.read_text("word/document.xml")?.ok_or_else(|| {
        FormatError::damaged(FORMAT, "no word/document.xml (not a Word document)")
    })?;
    let mut numbering = match pkg.read_text("word/numbering.xml")? {
        Some(xml) => Numbering::parse(&xml)?,
        None => Numbering::default(),
    };
    let styles = match pkg.read_text("word/styles.xml")? {
        Some(xml) => StyleNumbering::parse(&xml)?,
        None => StyleNumbering::default(),
    };
    let footnotes = match pkg.read_text("word/footnotes.xml")? {
        Some(xml) => parse_footnotes(&xml, &mut numbering, &styles)?,
        None => HashMap::new(),
    };
    let mut body = Walker::new(&mut numbering, &styles);
    walk_part(&document, "word/document.xml", FORMAT, |n| body.node(n))?;
    let mut sink = TextSink::default();
    for line in &body.lines {
        sink.push(line);
        sink.end_paragraph();
    }
    for (n, id) in body.footnote_refs.iter().enumerate() {
        if let Some(paras) = footnotes.get(id) {
            sink.push(&format!("[{}] {}", n + 1, paras.join(" ")));
            sink.end_paragraph();
        }
    }
    sink.finish(FORMAT)
}

/// One level of a list definition.
#[derive(Debug, Clone)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
    /// `w:lvlRestart`: 0 means never restart after a higher level.
    restart: Option<u32>,
    legal: bool,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            fmt: "decimal".into(),
            text: String::new(),
            restart: None,
            legal: false,
        }
    }
}

/// A `w:num`: which abstract list it uses, with start overrides per level.
#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: HashMap<usize, u32>,
}

const LEVELS: usize = 9;

/// `numbering.xml` plus the running counters of each list.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    nums: HashMap<String, Num>,
    /// Counters per abstract list (Word continues a list across `w:num`s that share it).
    counters: HashMap<String, [Option<u32>; LEVELS]>,
    /// `w:num`s already used (their start overrides apply at first use).
    used: HashSet<String>,
}

impl Numbering {
    fn parse(xml: &str) -> Result<Self, FormatError> {
        let mut n = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut override_level: Option<usize> = None;
        walk_part(xml, "word/numbering.xml", FORMAT, |node| match node {
            Node::Open(e) => match e.name() {
                "abstractNum" => abstract_id = e.attr("abstractNumId"),
                "num" => num_id = e.attr("numId"),
                "lvl" if abstract_id.is_some() => {
                    let ilvl = e.attr("ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    level = Some((ilvl, Level::default()));
                }
                "start" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), e.attr("val")) {
                        l.start = v.parse().unwrap_or(1);
                    }
                }
                "numFmt" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), e.attr("val")) {
                        l.fmt = v;
                    }
                }
                "lvlText" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), e.attr("val")) {
                        l.text = v;
                    }
                }
                "lvlRestart" => {
                    if let Some((_, l)) = level.as_mut() {
                        l.restart = e.attr("val").and_then(|v| v.parse().ok());
                    }
                }
                "isLgl" => {
                    if let Some((_, l)) = level.as_mut() {
                        l.legal = e.attr("val").is_none_or(|v| v != "0" && v != "false");
                    }
                }
                "abstractNumId" => {
                    if let (Some(id), Some(v)) = (&num_id, e.attr("val")) {
                        n.nums.entry(id.clone()).or_default().abstract_id = v;
                    }
                }
                "lvlOverride" => {
                    override_level = e.attr("ilvl").and_then(|v| v.parse().ok());
                }
                "startOverride" => {
                    if let (Some(id), Some(l), Some(v)) = (&num_id, override_level, e.attr("val")) {
                        let start = v.parse().unwrap_or(1);
                        n.nums
                            .entry(id.clone())
                            .or_default()
                            .start_overrides
                            .insert(l, start);
                    }
                }
                _ => {}
            },
            Node::Close(name) => match name {
                "lvl" => {
                    if let (Some(id), Some((ilvl, l))) = (&abstract_id, level.take())
                        && ilvl < LEVELS
                    {
                        let levels = n.abstracts.entry(id.clone()).or_default();
                        if levels.len() <= ilvl {
                            levels.resize(ilvl + 1, Level::default());
                        }
                        levels[ilvl] = l;
                    }
                }
                "abstractNum" => abstract_id = None,
                "num" => num_id = None,
                "lvlOverride" => override_level = None,
                _ => {}
            },
            Node::Text(_) => {}
        })?;
        Ok(n)
    }

    /// Advances the counter of (`num_id`, `ilvl`) and renders the number as Word shows it
    /// («1.2.», «а)», «•»); `None` when the paragraph is not numbered.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let num = self.nums.get(num_id)?.clone();
        let levels = self.abstracts.get(&num.abstract_id)?.clone();
        let ilvl = ilvl.min(LEVELS - 1);
        let level = levels.get(ilvl)?.clone();
        let start = |l: usize| {
            num.start_overrides
                .get(&l)
                .copied()
                .or_else(|| levels.get(l).map(|x| x.start))
                .unwrap_or(1)
        };
        let counters = self.counters.entry(num.abstract_id.clone()).or_default();
        if self.used.insert(num_id.to_owned()) {
            for l in num.start_overrides.keys() {
                if let Some(c) = counters.get_mut(*l) {
                    *c = None;
                }
            }
        }
        counters[ilvl] = Some(counters[ilvl].map_or(start(ilvl), |c| c.saturating_add(1)));
        for (l, c) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            let never = levels.get(l).and_then(|x| x.restart) == Some(0);
            if !never {
                *c = None;
            }
        }
        match level.fmt.as_str() {
            "bullet" => return Some("•".into()),
            "none" if !level.text.contains('%') => return Some(level.text.trim().to_owned()),
            _ => {}
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let l = d as usize - 1;
                    let value = counters[l].unwrap_or_else(|| start(l));
                    let fmt = if level.legal {
                        "decimal"
                    } else {
                        levels.get(l).map_or("decimal", |x| x.fmt.as_str())
                    };
                    out.push_str(&format_number(value, fmt));
                }
                _ => out.push(c),
            }
        }
        Some(out.trim().to_owned())
    }
}

/// Russian letters of Word's «а, б, в…» lists (without ё, й, ъ, ы, ь).
const RUSSIAN_LETTERS: [char; 28] = [
    'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'к', 'л', 'м', 'н', 'о', 'п', 'р', 'с', 'т', 'у',
    'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'э', 'ю', 'я',
];

/// A counter value in a Word number format.
pub(crate) fn format_number(value: u32, fmt: &str) -> String {
    match fmt {
        "lowerLetter" => letters(value, &('a'..='z').collect::<Vec<_>>()),
        "upperLetter" => letters(value, &('a'..='z').collect::<Vec<_>>()).to_uppercase(),
        "russianLower" => letters(value, &RUSSIAN_LETTERS),
        "russianUpper" => letters(value, &RUSSIAN_LETTERS).to_uppercase(),
        "lowerRoman" => roman(value).to_lowercase(),
        "upperRoman" => roman(value),
        "decimalZero" if value < 10 => format!("0{value}"),
        "none" => String::new(),
        _ => value.to_string(),
    }
}

/// Letter numbering: a…я, then аа…яя (Word repeats the letter).
fn letters(value: u32, alphabet: &[char]) -> String {
    let n = alphabet.len() as u32;
    if value == 0 || n == 0 {
        return value.to_string();
    }
    let idx = ((value - 1) % n) as usize;
    let times = ((value - 1) / n + 1).min(10) as usize;
    std::iter::repeat_n(alphabet[idx], times).collect()
}

/// Roman numerals (upper case); plain digits from 4000 on.
fn roman(mut value: u32) -> String {
    if value == 0 || value >= 4000 {
        return value.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while value >= v {
            out.push_str(s);
            value -= v;
        }
    }
    out
}

/// Numbering attached to paragraph styles (`w:style/w:pPr/w:numPr`), with `w:basedOn`.
#[derive(Debug, Default)]
struct StyleNumbering {
    styles: HashMap<String, StyleNum>,
}

#[derive(Debug, Default, Clone)]
struct StyleNum {
    num_id: Option<String>,
    ilvl: Option<usize>,
    based_on: Option<String>,
}

impl StyleNumbering {
    fn parse(xml: &str) -> Result<Self, FormatError> {
        let mut s = StyleNumbering::default();
        let mut current: Option<(String, StyleNum)> = None;
        walk_part(xml, "word/styles.xml", FORMAT, |node| match node {
            Node::Open(e) => match (e.name(), current.as_mut()) {
                ("style", _) => {
                    current = e.attr("styleId").map(|id| (id, StyleNum::default()));
                }
                ("basedOn", Some((_, st))) => st.based_on = e.attr("val"),
                ("numId", Some((_, st))) => st.num_id = e.attr("val"),
                ("ilvl", Some((_, st))) => st.ilvl = e.attr("val").and_then(|v| v.parse().ok()),
                _ => {}
            },
            Node::Close("style") => {
                if let Some((id, st)) = current.take() {
                    s.styles.insert(id, st);
                }
            }
            _ => {}
        })?;
        Ok(s)
    }

    /// (numId, ilvl) a style gives its paragraphs, following `basedOn` (bounded).
    fn of(&self, style: &str) -> (Option<String>, Option<usize>) {
        let (mut num_id, mut ilvl) = (None, None);
        let mut id = Some(style.to_owned());
        for _ in 0..16 {
            let Some(st) = id.as_ref().and_then(|i| self.styles.get(i)) else {
                break;
            };
            num_id = num_id.or_else(|| st.num_id.clone());
            ilvl = ilvl.or(st.ilvl);
            id = st.based_on.clone();
        }
        (num_id, ilvl)
    }
}

/// Footnote paragraphs by footnote id (separators skipped).
fn parse_footnotes(
    xml: &str,
    numbering: &mut Numbering,
    styles: &StyleNumbering,
) -> Result<HashMap<String, Vec<String>>, FormatError> {
    let mut notes = HashMap::new();
    let mut walker = Walker::new(numbering, styles);
    let mut current: Option<String> = None;
    walk_part(xml, "word/footnotes.xml", FORMAT, |node| {
        match &node {
            Node::Open(e) if e.name() == "footnote" => {
                let separator = e.attr("type").is_some_and(|t| t != "normal");
                current = if separator { None } else { e.attr("id") };
                walker.lines.clear();
            }
            Node::Close("footnote") => {
                if let Some(id) = current.take() {
                    notes.insert(id, std::mem::take(&mut walker.lines));
                }
                walker.lines.clear();
                return;
            }
            _ => {}
        }
        walker.node(node);
    })?;
    Ok(notes)
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct Para {
    text: String,
    num_id: Option<String>,
    ilvl: Option<usize>,
    style: Option<String>,
}

/// Elements whose content is never text of the document.
const SKIPPED: [&str; 7] = [
    "del",
    "moveFrom",
    "delText",
    "instrText",
    "Fallback",
    "commentReference",
    "annotationRef",
];

/// Turns body events into lines.
struct Walker<'a> {
    numbering: &'a mut Numbering,
    styles: &'a StyleNumbering,
    lines: Vec<String>,
    paras: Vec<Para>,
    tables: Tables,
    skip: usize,
    in_text: bool,
    in_ppr: bool,
    footnote_refs: Vec<String>,
}

impl<'a> Walker<'a> {
    fn new(numbering: &'a mut Numbering, styles: &'a StyleNumbering) -> Self {
        Walker {
            numbering,
            styles,
            lines: Vec::new(),
            paras: Vec::new(),
            tables: Tables::default(),
            skip: 0,
            in_text: false,
            in_ppr: false,
            footnote_refs: Vec::new(),
        }
    }

    fn node(&mut self, node: Node<'_>) {
        match node {
            Node::Open(e) => {
                let name = e.name();
                if self.skip > 0 || SKIPPED.contains(&name) {
                    self.skip += 1;
                    return;
                }
                match name {
                    "p" => self.paras.push(Para::default()),
                    "pPr" => self.in_ppr = true,
                    "rPr" | "sectPr" => self.skip += 1,
                    "pStyle" if self.in_ppr => {
                        if let Some(p) = self.paras.last_mut() {
                            p.style = e.attr("val");
                        }
                    }
                    "numId" if self.in_ppr => {
                        if let Some(p) = self.paras.last_mut() {
                            p.num_id = e.attr("val");
                        }
                    }
                    "ilvl" if self.in_ppr => {
                        if let Some(p) = self.paras.last_mut() {
                            p.ilvl = e.attr("val").and_then(|v| v.parse().ok());
                        }
                    }
                    "t" => self.in_text = true,
                    "tab" if !self.in_ppr => self.text(" "),
                    "br" | "cr" if e.attr("type").is_none_or(|t| t == "textWrapping") => {
                        self.text("\n");
                    }
                    "noBreakHyphen" => self.text("-"),
                    "footnoteReference" => {
                        if let Some(id) = e.attr("id") {
                            self.footnote_refs.push(id);
                        }
                    }
                    "tbl" => self.tables.open_table(),
                    "tr" => self.tables.open_row(),
                    "tc" => self.tables.open_cell(),
                    _ => {}
                }
            }
            Node::Close(name) => {
                if self.skip > 0 {
                    self.skip -= 1;
                    return;
                }
                match name {
                    "t" => self.in_text = false,
                    "pPr" => self.in_ppr = false,
                    "p" => self.end_paragraph(),
                    "tr" => self.end_row(),
                    "tbl" => self.tables.close_table(),
                    _ => {}
                }
            }
            Node::Text(t) => {
                if self.skip == 0 && self.in_text {
                    self.text(t);
                }
            }
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(t);
        }
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else {
            return;
        };
        let (style_num, style_lvl) = p
            .style
            .as_deref()
            .map(|s| self.styles.of(s))
            .unwrap_or_default();
        let num_id = p.num_id.or(style_num);
        let ilvl = p.ilvl.or(style_lvl).unwrap_or(0);
        let number = match num_id.as_deref() {
            Some("0") | None => None,
            Some(id) => self.numbering.next(id, ilvl),
        };
        let text = p.text.trim();
        if text.is_empty() {
            return;
        }
        let line = match number {
            Some(n) if !n.is_empty() => format!("{n} {text}"),
            _ => text.to_owned(),
        };
        self.emit(line);
    }

    /// A finished paragraph goes to the enclosing table cell, or to the lines.
    fn emit(&mut self, line: String) {
        if let Some(line) = self.tables.put(line) {
            self.lines.push(line);
        }
    }

    fn end_row(&mut self) {
        if let Some(line) = self.tables.end_row() {
            self.emit(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
        <w:abstractNum w:abstractNumId="5">
          <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl>
          <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="1"><w:abstractNumId w:val="5"/></w:num>
        <w:num w:numId="2"><w:abstractNumId w:val="5"/>
          <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
      </w:numbering>"#;

    #[test]
    fn numbering_levels_legal_bullets_and_restarts() {
        let mut n = Numbering::parse(NUMBERING).expect("numbering");
        let mut next = |id: &str, lvl: usize| n.next(id, lvl).unwrap_or_default();
        assert_eq!(next("1", 0), "III.");
        assert_eq!(next("1", 1), "3.1");
        assert_eq!(next("1", 1), "3.2");
        assert_eq!(next("1", 2), "•");
        assert_eq!(next("1", 0), "IV.");
        // A deeper level restarts after a higher one.
        assert_eq!(next("1", 1), "4.1");
        // A second w:num of the same list with a start override restarts it.
        assert_eq!(next("2", 0), "I.");
        assert_eq!(next("2", 0), "II.");
        assert_eq!(n.next("9", 0), None);
    }

    #[test]
    fn number_formats() {
        assert_eq!(format_number(3, "russianLower"), "в");
        assert_eq!(format_number(10, "russianLower"), "к");
        assert_eq!(format_number(29, "russianLower"), "аа");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(2, "lowerLetter"), "b");
        assert_eq!(format_number(7, "decimalZero"), "07");
    }
}
