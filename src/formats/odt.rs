//! ODT (OpenDocument text) → text.
//!
//! Reads `content.xml`: paragraphs and headings one per line, lists numbered from their list
//! styles (automatic styles in `content.xml`, named ones in `styles.xml`: `style:num-format`,
//! prefix, suffix, `text:display-levels`, start values, continued numbering), tables as
//! `cell | cell`, notes at the end as `[n] text`. Comments (`office:annotation`) and
//! tracked deletions (`text:tracked-changes`) are dropped; page headers and footers live in
//! `styles.xml` master pages and are never read.

use std::collections::HashMap;

use super::docx::format_number;
use super::package::Package;
use super::table::Tables;
use super::xml::{Node, walk_part};
use super::{Format, FormatError, TextSink};

const FORMAT: Format = Format::Odt;

/// Extracts the text of an ODT file.
pub fn extract(bytes: &[u8]) -> Result<String, FormatError> {
    let mut pkg = Package::open(bytes, FORMAT)?;
    // A password-protected ODF package keeps its parts encrypted and says so in the manifest.
    if pkg
        .read_text("META-INF/manifest.xml")?
        .is_some_and(|m| m.contains("encryption-data"))
    {
        return Err(FormatError::Encrypted(FORMAT.name()));
    }
    let content = pkg
        .read_text("content.xml")?
        .ok_or_else(|| FormatError::damaged(FORMAT, "no content.xml (not an OpenDocument)"))?;
    let mut styles = ListStyles::default();
    if let Some(xml) = pkg.read_text("styles.xml")? {
        styles.parse(&xml, "styles.xml")?;
    }
    styles.parse(&content, "content.xml")?;
    let mut w = Walker::new(&styles);
    walk_part(&content, "content.xml", FORMAT, |n| w.node(n))?;
    let mut sink = TextSink::default();
    for line in w.lines.iter().chain(w.notes.iter()) {
        sink.push(line);
        sink.end_paragraph();
    }
    sink.finish(FORMAT)
}

/// One level of a list style.
#[derive(Debug, Clone, Default)]
struct Level {
    bullet: bool,
    format: String,
    prefix: String,
    suffix: String,
    display_levels: usize,
    start: u32,
}

/// List styles by name, levels indexed from 0.
#[derive(Debug, Default)]
struct ListStyles {
    styles: HashMap<String, Vec<Level>>,
    /// Paragraph styles that carry a list style (`style:list-style-name`).
    para_lists: HashMap<String, String>,
}

impl ListStyles {
    fn parse(&mut self, xml: &str, part: &str) -> Result<(), FormatError> {
        let mut current: Option<String> = None;
        walk_part(xml, part, FORMAT, |node| {
            let Node::Open(e) = node else {
                if let Node::Close("list-style") = node {
                    current = None;
                }
                return;
            };
            match e.name() {
                "list-style" => current = e.attr("name"),
                "style" => {
                    if let (Some(name), Some(list)) = (e.attr("name"), e.attr("list-style-name")) {
                        self.para_lists.insert(name, list);
                    }
                }
                n @ ("list-level-style-number" | "list-level-style-bullet") => {
                    let Some(style) = &current else { return };
                    let level: usize = e.attr("level").and_then(|v| v.parse().ok()).unwrap_or(1);
                    if !(1..=10).contains(&level) {
                        return;
                    }
                    let l = Level {
                        bullet: n.ends_with("bullet"),
                        format: e.attr("num-format").unwrap_or_default(),
                        prefix: e.attr("num-prefix").unwrap_or_default(),
                        suffix: e.attr("num-suffix").unwrap_or_default(),
                        display_levels: e
                            .attr("display-levels")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                        start: e
                            .attr("start-value")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                    };
                    let levels = self.styles.entry(style.clone()).or_default();
                    if levels.len() < level {
                        levels.resize(level, Level::default());
                    }
                    levels[level - 1] = l;
                }
                _ => {}
            }
        })
    }
}

/// An ODF number format («1», «a», «A», «i», «I», «а», «А») in a Word-like name.
fn odf_format(f: &str) -> &'static str {
    match f {
        "a" => "lowerLetter",
        "A" => "upperLetter",
        "i" => "lowerRoman",
        "I" => "upperRoman",
        "" => "none",
        f if f.starts_with('а') => "russianLower",
        f if f.starts_with('А') => "russianUpper",
        _ => "decimal",
    }
}

/// A paragraph being read: its text and paragraph style.
type OpenPara = (String, Option<String>);

/// An open `text:list`.
#[derive(Debug)]
struct List {
    style: Option<String>,
}

/// Turns content events into lines.
struct Walker<'a> {
    styles: &'a ListStyles,
    lines: Vec<String>,
    notes: Vec<String>,
    lists: Vec<List>,
    /// Counters per list style and level (kept for `text:continue-numbering`).
    counters: HashMap<String, Vec<Option<u32>>>,
    /// Start value of the next item (`text:list-item/@text:start-value`).
    item_start: Option<u32>,
    /// Whether the current list item has had its numbered paragraph already.
    item_numbered: bool,
    para: Option<OpenPara>,
    para_depth: usize,
    tables: Tables,
    skip: usize,
    note: Option<Vec<String>>,
    /// The paragraph around an open note (a note's paragraphs sit inside it).
    outer: Option<(Option<OpenPara>, usize)>,
}

const SKIPPED: [&str; 6] = [
    "annotation",
    "tracked-changes",
    "note-citation",
    "bookmark-ref",
    "sequence-decls",
    "forms",
];

impl<'a> Walker<'a> {
    fn new(styles: &'a ListStyles) -> Self {
        Walker {
            styles,
            lines: Vec::new(),
            notes: Vec::new(),
            lists: Vec::new(),
            counters: HashMap::new(),
            item_start: None,
            item_numbered: true,
            para: None,
            para_depth: 0,
            tables: Tables::default(),
            skip: 0,
            note: None,
            outer: None,
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
                    "list" => self.open_list(
                        e.attr("style-name"),
                        e.attr("continue-numbering").as_deref() == Some("true")
                            || e.attr("continue-list").is_some(),
                    ),
                    "list-item" => {
                        self.item_start = e.attr("start-value").and_then(|v| v.parse().ok());
                        self.item_numbered = false;
                    }
                    "list-header" => self.item_numbered = true,
                    "p" | "h" => {
                        self.para_depth += 1;
                        if self.para.is_none() {
                            self.para = Some((String::new(), e.attr("style-name")));
                        }
                    }
                    "s" => {
                        let n: usize = e.attr("c").and_then(|v| v.parse().ok()).unwrap_or(1);
                        self.text(&" ".repeat(n.min(64)));
                    }
                    "tab" => self.text(" "),
                    "line-break" => self.text("\n"),
                    "note" if self.note.is_none() => {
                        self.note = Some(Vec::new());
                        self.outer = Some((self.para.take(), self.para_depth));
                        self.para_depth = 0;
                    }
                    "table" => self.tables.open_table(),
                    "table-row" => self.tables.open_row(),
                    "table-cell" | "covered-table-cell" => self.tables.open_cell(),
                    _ => {}
                }
            }
            Node::Close(name) => {
                if self.skip > 0 {
                    self.skip -= 1;
                    return;
                }
                match name {
                    "list" => {
                        self.lists.pop();
                    }
                    "p" | "h" => {
                        self.para_depth = self.para_depth.saturating_sub(1);
                        if self.para_depth == 0 {
                            self.end_paragraph();
                        }
                    }
                    "note" => {
                        if let Some((para, depth)) = self.outer.take() {
                            self.para = para;
                            self.para_depth = depth;
                        }
                        if let Some(paras) = self.note.take() {
                            let n = self.notes.len() + 1;
                            self.notes.push(format!("[{n}] {}", paras.join(" ")));
                        }
                    }
                    "table-row" => self.end_row(),
                    "table" => self.tables.close_table(),
                    _ => {}
                }
            }
            Node::Text(t) => {
                if self.skip == 0 {
                    self.text(t);
                }
            }
        }
    }

    fn open_list(&mut self, style: Option<String>, continued: bool) {
        // Nested lists inherit the outer list's style.
        let style = style.or_else(|| self.lists.last().and_then(|l| l.style.clone()));
        if self.lists.is_empty()
            && !continued
            && let Some(s) = &style
        {
            self.counters.remove(s);
        }
        self.lists.push(List { style });
    }

    fn text(&mut self, t: &str) {
        if let Some((text, _)) = self.para.as_mut() {
            text.push_str(t);
        }
    }

    /// The number of the current list item, advancing the counters.
    fn number(&mut self, para_style: Option<&str>) -> Option<String> {
        if self.item_numbered || self.lists.is_empty() {
            return None;
        }
        self.item_numbered = true;
        let depth = self.lists.len();
        let style = self
            .lists
            .last()
            .and_then(|l| l.style.clone())
            .or_else(|| para_style.and_then(|p| self.styles.para_lists.get(p).cloned()))?;
        let levels = self.styles.styles.get(&style)?;
        let level = levels.get(depth - 1)?.clone();
        if level.bullet {
            return Some("•".into());
        }
        let counters = self.counters.entry(style).or_default();
        if counters.len() < depth {
            counters.resize(depth, None);
        }
        let start = |l: usize| levels.get(l).map_or(1, |x| x.start);
        let value = match self.item_start.take() {
            Some(v) => v,
            None => counters[depth - 1].map_or(start(depth - 1), |c| c.saturating_add(1)),
        };
        counters[depth - 1] = Some(value);
        counters.truncate(depth);
        let shown = level.display_levels.clamp(1, depth);
        let parts: Vec<String> = (depth - shown..depth)
            .map(|l| {
                let v = counters[l].unwrap_or_else(|| start(l));
                let f = levels.get(l).map_or("1", |x| x.format.as_str());
                format_number(v, odf_format(f))
            })
            .collect();
        let number = format!("{}{}{}", level.prefix, parts.join("."), level.suffix);
        Some(number.trim().to_owned())
    }

    fn end_paragraph(&mut self) {
        let Some((text, style)) = self.para.take() else {
            return;
        };
        let number = self.number(style.as_deref());
        let mut clean = String::new();
        for (i, l) in text.split('\n').enumerate() {
            if i > 0 {
                clean.push('\n');
            }
            super::collapse_spaces(l, &mut clean);
        }
        let text = clean.trim();
        if text.is_empty() {
            return;
        }
        let line = match number {
            Some(n) if !n.is_empty() => format!("{n} {text}"),
            _ => text.to_owned(),
        };
        self.emit(line);
    }

    fn emit(&mut self, line: String) {
        if let Some(note) = self.note.as_mut() {
            note.push(line);
        } else if let Some(line) = self.tables.put(line) {
            self.lines.push(line);
        }
    }

    fn end_row(&mut self) {
        if let Some(line) = self.tables.end_row() {
            self.emit(line);
        }
    }
}
