//! HTML → text: the page's main content as paragraphs.
//!
//! The encoding comes from a byte-order mark, else `<meta charset>` / `http-equiv`
//! (windows-1251 pages are common), else UTF-8 if valid, else chardetng. The page is parsed
//! by html5ever (through `scraper`), as browsers parse it. The content root is `<main>` (or
//! `role="main"`, or a single `<article>`), else `<body>`; inside it menus, scripts, styles,
//! forms, page headers/footers and side bars (by element, ARIA role, or a class/id word such
//! as «menu», «nav», «footer», «sidebar», «breadcrumbs») are dropped. Block elements end
//! paragraphs, `<ol>` items are numbered as the browser shows them («1.», «a.»), `<ul>` items
//! get «•», and table rows become `cell | cell`.

use ego_tree::iter::Edge;
use encoding_rs::Encoding;
use scraper::{Html, Node};

use super::docx::format_number;
use super::{Format, FormatError, MAX_DEPTH, TextSink};

const FORMAT: Format = Format::Html;

/// Extracts the main text of an HTML page.
pub fn extract(bytes: &[u8]) -> Result<String, FormatError> {
    let source = decode(bytes);
    // html5ever's tree building costs time proportional to the depth of open elements for
    // each new element: absurd nesting is refused before parsing.
    if source_depth(&source) > MAX_SOURCE_DEPTH {
        return Err(FormatError::damaged(
            FORMAT,
            format!("elements nested deeper than {MAX_SOURCE_DEPTH}"),
        ));
    }
    let doc = Html::parse_document(&source);
    let root = content_root(&doc);
    let mut w = Walker::default();
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => w.open(node.value()),
            Edge::Close(node) => w.close(node.value()),
        }
        if w.depth > MAX_DEPTH {
            return Err(FormatError::damaged(
                FORMAT,
                format!("elements nested deeper than {MAX_DEPTH}"),
            ));
        }
    }
    w.end_line();
    let mut sink = TextSink::default();
    for l in &w.lines {
        sink.push(l);
        sink.end_paragraph();
    }
    sink.finish(FORMAT)
}

/// Deepest nesting of elements in the source accepted before parsing.
const MAX_SOURCE_DEPTH: usize = 4 * MAX_DEPTH;

/// Elements without an end tag, or whose end tag is commonly left out: they do not count
/// for [`source_depth`].
const NOT_NESTING: [&str; 28] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody",
    "thead", "tfoot", "colgroup", "rt",
];

/// The deepest nesting of start tags in the source (an upper estimate: end tags close one
/// level each, void elements and elements with optional end tags are not counted).
fn source_depth(source: &str) -> usize {
    let bytes = source.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        match bytes.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!') if bytes[i..].starts_with(b"!--") => {
                i = find(&bytes[i..], b"-->").map_or(bytes.len(), |e| i + e + 3);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(bytes.len(), |e| i + e);
                let tag = &bytes[i..end];
                let name_len = tag
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(tag.len());
                let name = String::from_utf8_lossy(&tag[..name_len]).to_ascii_lowercase();
                if !tag.ends_with(b"/") && !NOT_NESTING.contains(&name.as_str()) {
                    depth += 1;
                    max = max.max(depth);
                }
                i = end;
            }
            _ => {}
        }
        if i >= bytes.len() {
            break;
        }
    }
    max
}

/// Decodes the page's bytes by BOM, declared charset, UTF-8 validity, or detection.
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Some(enc) = declared_charset(bytes) {
        // A page declaring a single-byte encoding is decoded with it; «utf-16» declared in
        // an ASCII-compatible file is a mistake browsers ignore, as here.
        let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            enc
        };
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    det.guess(Some(b"ru"), chardetng::Utf8Detection::Allow)
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

/// The charset a page declares in its first 4 KB (`<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"charset") {
        let mut j = from + i + b"charset".len();
        while j < lower.len() && matches!(lower[j], b' ' | b'=' | b'"' | b'\'') {
            j += 1;
        }
        let end = lower[j..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
            .map_or(lower.len(), |p| j + p);
        if let Some(enc) = Encoding::for_label(&lower[j..end]) {
            return Some(enc);
        }
        from = end.max(from + i + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `<main>`, `[role=main]`, a single `<article>`, `<body>`, or the whole document.
fn content_root(doc: &Html) -> ego_tree::NodeRef<'_, Node> {
    let elements = || {
        doc.tree
            .root()
            .descendants()
            .filter_map(|n| n.value().as_element().map(|e| (n, e)))
    };
    if let Some((n, _)) =
        elements().find(|(_, e)| e.name() == "main" || e.attr("role") == Some("main"))
    {
        return n;
    }
    let mut articles = elements().filter(|(_, e)| e.name() == "article");
    if let (Some((n, _)), None) = (articles.next(), articles.next()) {
        return n;
    }
    elements()
        .find(|(_, e)| e.name() == "body")
        .map_or(doc.tree.root(), |(n, _)| n)
}

/// Elements that are never content.
const DROPPED_TAGS: [&str; 17] = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "head", "title", "menu", "object",
];
const DROPPED_ROLES: [&str; 6] = [
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
];
/// Words of class names and ids that mark page furniture.
const DROPPED_WORDS: [&str; 16] = [
    "menu",
    "nav",
    "navbar",
    "navigation",
    "sidebar",
    "footer",
    "header",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "share",
    "social",
    "banner",
    "pagination",
    "topbar",
    "subscribe",
];
const BLOCK_TAGS: [&str; 24] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "address",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "center",
    "hr",
    "body",
    "li",
    "caption",
];

fn is_dropped(e: &scraper::node::Element) -> bool {
    if DROPPED_TAGS.contains(&e.name()) {
        return true;
    }
    if e.attr("role").is_some_and(|r| DROPPED_ROLES.contains(&r))
        || e.attr("hidden").is_some()
        || e.attr("aria-hidden") == Some("true")
        || e.attr("style").is_some_and(hides)
    {
        return true;
    }
    let words = e
        .attr("class")
        .into_iter()
        .chain(e.attr("id"))
        .flat_map(|v| v.split(|c: char| c.is_whitespace() || c == '-' || c == '_'));
    words
        .map(str::to_ascii_lowercase)
        .any(|w| DROPPED_WORDS.contains(&w.as_str()))
}

/// An inline style that hides its element (`display: none`, `visibility: hidden`): text a
/// reader of the page never sees (print versions, collapsed duplicates) stays out.
fn hides(style: &str) -> bool {
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let value: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let value = value.trim_end_matches("!important");
        match prop.trim().to_ascii_lowercase().as_str() {
            "display" => value == "none",
            "visibility" => value == "hidden" || value == "collapse",
            _ => false,
        }
    })
}

/// An open `<ol>`/`<ul>`.
#[derive(Debug)]
struct List {
    ordered: bool,
    next: i64,
    kind: String,
}

impl List {
    fn is_decimal(&self) -> bool {
        self.ordered && number_format(&self.kind) == "decimal"
    }
}

/// The numbering format of an `<ol type=…>`.
fn number_format(kind: &str) -> &'static str {
    match kind {
        "a" => "lowerLetter",
        "A" => "upperLetter",
        "i" => "lowerRoman",
        "I" => "upperRoman",
        _ => "decimal",
    }
}

#[derive(Debug, Default)]
struct Walker {
    lines: Vec<String>,
    line: String,
    pending_prefix: Option<String>,
    lists: Vec<List>,
    tables: Vec<Vec<Vec<String>>>,
    skip: usize,
    pre: usize,
    depth: usize,
}

impl Walker {
    fn open(&mut self, node: &Node) {
        let Node::Element(e) = node else {
            if let (Node::Text(t), 0) = (node, self.skip) {
                self.text(t);
            }
            return;
        };
        self.depth += 1;
        if self.skip > 0 || is_dropped(e) {
            self.skip += 1;
            return;
        }
        let name = e.name();
        if BLOCK_TAGS.contains(&name) && name != "li" {
            self.end_line();
        }
        match name {
            "br" => self.newline(),
            "pre" => self.pre += 1,
            "ol" | "ul" => {
                self.end_line();
                self.lists.push(List {
                    ordered: name == "ol",
                    next: e
                        .attr("start")
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(1),
                    kind: e.attr("type").unwrap_or("1").to_owned(),
                });
            }
            "li" => {
                self.end_line();
                if let Some(l) = self.lists.last_mut() {
                    if let Some(v) = e.attr("value").and_then(|v| v.trim().parse().ok()) {
                        l.next = v;
                    }
                    let prefix = if l.ordered {
                        let n = u32::try_from(l.next).unwrap_or(0);
                        l.next = l.next.saturating_add(1);
                        let fmt = number_format(&l.kind);
                        format!("{}. ", format_number(n, fmt))
                    } else {
                        "• ".into()
                    };
                    self.pending_prefix = Some(self.outline_number().unwrap_or(prefix));
                }
            }
            "table" => {
                self.end_line();
                self.tables.push(Vec::new());
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.push(Vec::new());
                }
            }
            "td" | "th" => {
                if let Some(r) = self.tables.last_mut().and_then(|t| t.last_mut()) {
                    r.push(String::new());
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, node: &Node) {
        let Node::Element(e) = node else {
            return;
        };
        self.depth = self.depth.saturating_sub(1);
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        let name = e.name();
        match name {
            "pre" => self.pre = self.pre.saturating_sub(1),
            "ol" | "ul" => {
                self.end_line();
                self.lists.pop();
            }
            "tr" => self.end_row(),
            "table" => {
                self.tables.pop();
            }
            _ => {}
        }
        if BLOCK_TAGS.contains(&name) {
            self.end_line();
        }
    }

    /// «2.1. » for an item of a decimal list inside an item of a decimal list (and so on down):
    /// the nesting a reader sees as indentation, written as the multi-level numbers documents
    /// use, so that the item tree survives. `None` outside nested decimal lists.
    fn outline_number(&self) -> Option<String> {
        if self.lists.len() < 2 || !self.lists.iter().all(List::is_decimal) {
            return None;
        }
        // Each list's `next` is one past the item now open in it.
        let parts: Vec<String> = self
            .lists
            .iter()
            .map(|l| l.next.saturating_sub(1).to_string())
            .collect();
        Some(format!("{}. ", parts.join(".")))
    }

    /// The buffer text goes to: the current table cell, or the current line.
    fn target(&mut self) -> &mut String {
        match self
            .tables
            .last_mut()
            .and_then(|t| t.last_mut())
            .and_then(|r| r.last_mut())
        {
            Some(cell) => cell,
            None => &mut self.line,
        }
    }

    fn text(&mut self, t: &str) {
        if t.trim().is_empty() && self.pre == 0 {
            let target = self.target();
            if !target.is_empty() && !target.ends_with([' ', '\n']) {
                target.push(' ');
            }
            return;
        }
        if let Some(p) = self.pending_prefix.take() {
            let target = self.target();
            target.push_str(&p);
        }
        let pre = self.pre > 0;
        let target = self.target();
        if pre {
            target.push_str(t);
        } else {
            super::collapse_spaces(t, target);
        }
    }

    fn newline(&mut self) {
        let target = self.target();
        target.push('\n');
    }

    /// Ends the current paragraph (inside a table cell: a space).
    fn end_line(&mut self) {
        if !self.tables.is_empty() {
            let target = self.target();
            if !target.is_empty() && !target.ends_with(' ') {
                target.push(' ');
            }
            return;
        }
        let line = std::mem::take(&mut self.line);
        let line = line
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !line.is_empty() {
            self.lines.push(line);
        }
    }

    fn end_row(&mut self) {
        let Some(row) = self.tables.last_mut().and_then(|t| t.pop()) else {
            return;
        };
        let cells: Vec<String> = row
            .iter()
            .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if cells.iter().all(String::is_empty) {
            return;
        }
        let line = cells.join(" | ");
        let table = self.tables.pop();
        if self.tables.is_empty() {
            self.end_line();
            self.lines.push(line);
        } else {
            let target = self.target();
            target.push_str(&line);
            target.push(' ');
        }
        if let Some(t) = table {
            self.tables.push(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_from_meta_in_both_forms() {
        let short = b"<html><head><meta charset=\"windows-1251\"></head>";
        assert_eq!(declared_charset(short), Some(encoding_rs::WINDOWS_1251));
        let http = b"<meta http-equiv='Content-Type' content='text/html; charset=KOI8-R'>";
        assert_eq!(declared_charset(http), Some(encoding_rs::KOI8_R));
        assert_eq!(declared_charset(b"<html><body>charset of nothing"), None);
    }

    #[test]
    fn main_element_wins_and_lists_are_numbered() {
        let page = "<html><body><nav>Меню сайта</nav><div>Баннер</div><main>\
            <h1>Решение</h1><ol start=\"2\"><li>первое</li><li>второе</li></ol>\
            <ul><li>пункт</li></ul></main><footer>Подвал</footer></body></html>";
        let text = extract(page.as_bytes()).expect("HTML");
        assert_eq!(text, "Решение\n\n2. первое\n\n3. второе\n\n• пункт\n");
    }

    #[test]
    fn nested_decimal_lists_get_multi_level_numbers() {
        let page = "<main><ol><li>Рекомендовать:<ol><li>первое;</li><li>второе.</li></ol></li>\
            <li>Третье.<ul><li>мелкое</li></ul><ol type=\"a\"><li>буквой</li></ol></li></ol></main>";
        let text = extract(page.as_bytes()).expect("HTML");
        assert_eq!(
            text,
            "1. Рекомендовать:\n\n1.1. первое;\n\n1.2. второе.\n\n2. Третье.\n\n• мелкое\n\na. буквой\n"
        );
    }

    #[test]
    fn text_hidden_by_inline_style_is_dropped() {
        let page = "<main><p>Видно.</p><p style=\"display: none\">Скрыто.</p>\
            <div style=\"color:red; VISIBILITY:hidden !important\">Тоже скрыто.</div>\
            <p style=\"display:block\">Тоже видно.</p></main>";
        let text = extract(page.as_bytes()).expect("HTML");
        assert_eq!(text, "Видно.\n\nТоже видно.\n");
        assert!(!hides("display: inline-block"));
        assert!(hides("display:none!important"));
    }

    #[test]
    fn source_depth_ignores_void_and_optional_end_tags() {
        let flat = "<p>a<p>b<br><img src=x><li>c".repeat(1000);
        assert!(source_depth(&flat) <= 1);
        assert_eq!(source_depth(&"<div>".repeat(300)), 300);
    }
}
