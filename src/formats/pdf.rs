//! PDF (with a text layer) → text.
//!
//! lopdf parses the file and pdf-extract interprets the page content streams (fonts,
//! encodings, ToUnicode maps); edusearch receives every glyph with its position
//! ([`pdf_extract::OutputDev`]) and does the layout itself:
//!
//! 1. glyphs → line pieces (same baseline, no wide horizontal gap);
//! 2. reading order: a vertical gutter crossed by few pieces splits the page into columns;
//!    pieces that cross it (titles, full-width paragraphs) separate bands, and each band is
//!    read column by column, top to bottom;
//! 3. page furniture dropped: page numbers («5», «- 5 -», «стр. 5 из 12») and lines repeated
//!    at the top or bottom of most pages (running headers and footers, digits ignored);
//! 4. one paragraph per line, as the other readers write them: a vertical gap wider than
//!    the usual line spacing separates paragraphs (a blank line), the wrapped lines of a
//!    paragraph are joined with a space — except after a hyphen (hyphenated word or
//!    compound: the cleaning stage decides with its vocabulary) and before a line that
//!    visibly starts something new (list number, bullet, capital after a sentence end);
//!    pieces on one baseline are joined — after a list number with a space, across a table
//!    border or a wide gap with ` | `.
//!
//! A PDF without text (a scan) is rejected with [`FormatError::NoTextLayer`]. Before lopdf
//! sees the file, every compressed stream is inflated once with a byte limit, so a
//! decompression bomb is rejected instead of exhausting memory; pdf-extract panics on some
//! malformed files, so it runs under `catch_unwind`.

use std::collections::HashMap;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

use super::{Format, FormatError, MAX_OUTPUT_BYTES};

const FORMAT: Format = Format::Pdf;
/// Most pages read.
const MAX_PAGES: usize = 5000;
/// Most bytes all streams of a file may inflate to: this many times the file size, and at
/// least [`MIN_INFLATED_BUDGET`], at most [`MAX_INFLATED_BYTES`].
const MAX_INFLATE_RATIO: u64 = 200;
const MIN_INFLATED_BUDGET: u64 = 32 * 1024 * 1024;
const MAX_INFLATED_BYTES: u64 = 512 * 1024 * 1024;
/// Fewer letters or digits than this in the whole file: no text layer.
const MIN_TEXT_CHARS: usize = 20;

/// Extracts the text of a PDF file.
pub fn extract(bytes: &[u8]) -> Result<String, FormatError> {
    if !bytes.starts_with(b"%PDF-") {
        let head = bytes.get(..1024).unwrap_or(bytes);
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(FormatError::damaged(FORMAT, "no %PDF- header"));
        }
    }
    check_streams(bytes)?;
    let loaded = catch_unwind(|| lopdf::Document::load_mem(bytes));
    let mut doc = match loaded {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return Err(FormatError::damaged(FORMAT, format!("cannot parse: {e}"))),
        Err(_) => {
            return Err(FormatError::damaged(
                FORMAT,
                "cannot parse (parser failure)",
            ));
        }
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(FormatError::Encrypted(FORMAT.name()));
    }
    let pages = doc.get_pages().len();
    if pages > MAX_PAGES {
        return Err(FormatError::too_large(
            FORMAT,
            format!("{pages} pages, at most {MAX_PAGES} are read"),
        ));
    }
    let mut collector = Collector::default();
    let run = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(&doc, &mut collector)
    }));
    match run {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(FormatError::damaged(
                FORMAT,
                format!("cannot read pages: {e:?}"),
            ));
        }
        Err(_) => {
            return Err(FormatError::damaged(
                FORMAT,
                "cannot read pages (text extractor failure)",
            ));
        }
    }
    collector.end_page_inner();
    let text_chars: usize = collector
        .pages
        .iter()
        .flat_map(|p| &p.glyphs)
        .filter(|g| g.text.chars().any(char::is_alphanumeric))
        .count();
    if text_chars < MIN_TEXT_CHARS {
        return Err(FormatError::NoTextLayer);
    }
    let text = layout(&collector.pages);
    if text.len() > MAX_OUTPUT_BYTES {
        return Err(FormatError::too_large(FORMAT, "too much text"));
    }
    Ok(text)
}

/// Inflates every `stream … endstream` once with a running byte budget: a file whose
/// streams inflate beyond the budget is a decompression bomb.
fn check_streams(bytes: &[u8]) -> Result<(), FormatError> {
    let limit = (bytes.len() as u64)
        .saturating_mul(MAX_INFLATE_RATIO)
        .clamp(MIN_INFLATED_BUDGET, MAX_INFLATED_BYTES);
    let mut total = 0u64;
    let mut from = 0usize;
    while let Some(i) = find(&bytes[from..], b"stream") {
        let mut start = from + i + b"stream".len();
        from = start;
        // «endstream» also contains «stream».
        if bytes[..start - b"stream".len()].ends_with(b"end") {
            continue;
        }
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let end = find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e);
        let data = &bytes[start..end];
        if data.len() >= 2
            && data[0] & 0x0F == 8
            && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
        {
            let budget = limit - total;
            let mut decoder = flate2::read::ZlibDecoder::new(data).take(budget + 1);
            let n = std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
            total += n;
            if total > limit {
                return Err(FormatError::too_large(
                    FORMAT,
                    format!(
                        "compressed streams inflate to more than {} MB (decompression bomb?)",
                        limit / (1024 * 1024)
                    ),
                ));
            }
        }
        from = end;
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One glyph: position of its origin (PDF units, y up), advance, size, text.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
}

/// A vertical line drawn on the page (a table border): x and the covered y range.
#[derive(Debug, Clone, Copy)]
struct Ruling {
    x: f64,
    y0: f64,
    y1: f64,
}

/// Most rulings kept per page.
const MAX_RULINGS: usize = 10_000;

#[derive(Debug, Default)]
struct Page {
    height: f64,
    bottom: f64,
    glyphs: Vec<Glyph>,
    rulings: Vec<Ruling>,
}

impl Page {
    /// Adds the vertical segments of a drawn path (stroked lines, thin filled rectangles).
    fn add_rulings(&mut self, ctm: &Transform, path: &Path) {
        let map = |x: f64, y: f64| {
            (
                x * ctm.m11 + y * ctm.m21 + ctm.m31,
                x * ctm.m12 + y * ctm.m22 + ctm.m32,
            )
        };
        let mut push = |(ax, ay): (f64, f64), (bx, by): (f64, f64), width: f64| {
            if (ax - bx).abs() <= width && (ay - by).abs() > 4.0 && self.rulings.len() < MAX_RULINGS
            {
                self.rulings.push(Ruling {
                    x: (ax + bx) / 2.0,
                    y0: ay.min(by),
                    y1: ay.max(by),
                });
            }
        };
        let mut at: Option<(f64, f64)> = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => at = Some(map(x, y)),
                PathOp::LineTo(x, y) => {
                    let to = map(x, y);
                    if let Some(from) = at {
                        push(from, to, 1.0);
                    }
                    at = Some(to);
                }
                PathOp::Rect(x, y, w, h) => {
                    let (a, b) = (map(x, y), map(x + w, y + h));
                    if (a.0 - b.0).abs() <= 3.0 {
                        push(a, (a.0, b.1), 3.0);
                    }
                }
                PathOp::CurveTo(..) | PathOp::Close => {}
            }
        }
    }

    /// Whether a ruling separates x positions `a` < `b` at height `y`.
    fn ruled_between(&self, a: f64, b: f64, y: f64) -> bool {
        self.rulings
            .iter()
            .any(|r| r.x > a && r.x < b && r.y0 <= y && r.y1 >= y)
    }
}

#[derive(Debug, Default)]
struct Collector {
    pages: Vec<Page>,
    current: Option<Page>,
    bytes: usize,
}

impl Collector {
    fn end_page_inner(&mut self) {
        if let Some(p) = self.current.take() {
            self.pages.push(p);
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.end_page_inner();
        self.current = Some(Page {
            height: (media_box.ury - media_box.lly).abs(),
            bottom: media_box.lly.min(media_box.ury),
            glyphs: Vec::new(),
            rulings: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.end_page_inner();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        if self.bytes > MAX_OUTPUT_BYTES {
            return Ok(());
        }
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = (font_size * scale).abs().max(0.1);
        if let Some(p) = self.current.as_mut() {
            self.bytes += text.len();
            p.glyphs.push(Glyph {
                x: trm.m31,
                y: trm.m32,
                end: trm.m31 + width * size,
                size,
                text: text.to_owned(),
            });
        }
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        if let Some(p) = self.current.as_mut() {
            p.add_rulings(ctm, path);
        }
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        if let Some(p) = self.current.as_mut() {
            p.add_rulings(ctm, path);
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A run of glyphs on one baseline without a wide gap.
#[derive(Debug, Clone)]
struct Piece {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
    /// Between two vertical rulings: a table cell, read row by row, never as a column.
    cell: bool,
}

/// All pages → text (furniture removed, reading order, paragraphs).
fn layout(pages: &[Page]) -> String {
    let ordered: Vec<Vec<Piece>> = pages
        .iter()
        .map(|p| {
            let pieces = pieces(p);
            let (x0, x1) = pieces.iter().fold((f64::MAX, f64::MIN), |(a, b), pc| {
                (a.min(pc.x0), b.max(pc.x1))
            });
            order(pieces, x0, x1, 0)
        })
        .collect();
    let furniture = furniture(pages, &ordered);
    let lines: Vec<Vec<Piece>> = ordered
        .iter()
        .enumerate()
        .map(|(pi, page)| {
            let kept = page
                .iter()
                .enumerate()
                .filter(|(li, _)| !furniture.contains(&(pi, *li)))
                .map(|(_, p)| p.clone());
            join_same_line(kept)
        })
        .collect();
    let spacing = line_spacing(&lines);
    let mut out = String::new();
    for page in &lines {
        let mut prev: Option<&Piece> = None;
        for piece in page {
            if let Some(p) = prev {
                let gap = p.y - piece.y;
                // A gap clearly wider than the usual line spacing ends a paragraph (a jump up
                // to the next column may continue it).
                if gap > spacing * 1.3 {
                    out.push_str("\n\n");
                } else {
                    out.push_str(line_join(&p.text, &piece.text));
                }
            } else if !out.is_empty() {
                out.push_str(line_join(out.trim_end(), &piece.text));
            }
            out.push_str(&piece.text);
            prev = Some(piece);
        }
    }
    out.push('\n');
    out
}

/// How a wrapped line continues on the next one: joined with a space, or kept on its own
/// line where the cleaning stage must decide (a hyphen at the end: a hyphenated word or a
/// compound) or where the next line visibly starts something new (a list number or bullet,
/// or a capital or digit after a sentence end).
fn line_join(prev: &str, next: &str) -> &'static str {
    let prev = prev.trim_end();
    if prev.ends_with(['-', '‐', '\u{ad}']) {
        return "\n";
    }
    let first_word = next.split_whitespace().next().unwrap_or("");
    if is_list_number(first_word) {
        return "\n";
    }
    let starts_upper = next
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '«');
    if prev.ends_with(['.', ';', ':', '!', '?']) && starts_upper {
        return "\n";
    }
    " "
}

/// Consecutive pieces on one baseline become one line: after a list number («1.2.», «а)»)
/// with a space, otherwise (table cells, tab stops) with « | ».
fn join_same_line(pieces: impl Iterator<Item = Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        if let Some(last) = out.last_mut()
            && (last.y - p.y).abs() <= last.size.min(p.size) * 0.4
            && p.x0 >= last.x1
        {
            let sep = if is_list_number(&last.text) {
                " "
            } else {
                " | "
            };
            last.text.push_str(sep);
            last.text.push_str(&p.text);
            last.x1 = p.x1;
            continue;
        }
        out.push(p);
    }
    out
}

/// «1.», «1.2.», «12)», «а)», «IV.», «•»: a list number set apart by a tab.
fn is_list_number(text: &str) -> bool {
    let t = text.trim();
    if matches!(t, "•" | "-" | "–" | "—" | "·") {
        return true;
    }
    let Some(body) = t.strip_suffix(['.', ')']) else {
        return false;
    };
    let letter = body.chars().count() == 1 && body.chars().all(char::is_alphabetic);
    let roman = !body.is_empty() && body.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    let digits = body.chars().count() <= 12
        && body
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    letter || roman || digits
}

/// The usual distance between consecutive lines (median of the downward gaps).
fn line_spacing(pages: &[Vec<Piece>]) -> f64 {
    let mut gaps: Vec<f64> = pages
        .iter()
        .flat_map(|page| page.windows(2).map(|w| w[0].y - w[1].y))
        .filter(|g| *g > 0.0)
        .collect();
    if gaps.is_empty() {
        return f64::MAX;
    }
    gaps.sort_by(f64::total_cmp);
    gaps[gaps.len() / 2]
}

/// Glyphs → line pieces: grouped by baseline, split where the horizontal gap is wide or a
/// vertical ruling (a table border) runs between two glyphs.
fn pieces(page: &Page) -> Vec<Piece> {
    let mut gs: Vec<&Glyph> = page
        .glyphs
        .iter()
        .filter(|g| g.x.is_finite() && g.y.is_finite())
        .collect();
    gs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in gs {
        match lines.last_mut() {
            Some(l) if (l[0].y - g.y).abs() <= l[0].size.min(g.size) * 0.4 => l.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut cur: Option<Piece> = None;
        for g in line {
            if let Some(p) = cur.as_mut() {
                let gap = g.x - p.x1;
                if gap > g.size * 1.5
                    || page.ruled_between(
                        p.x1 - g.size * 0.2,
                        g.x + g.size * 0.2,
                        g.y + g.size * 0.3,
                    )
                {
                    out.extend(cur.take());
                } else {
                    if gap > g.size * 0.15 && !p.text.ends_with(' ') && !g.text.starts_with(' ') {
                        p.text.push(' ');
                    }
                    p.text.push_str(&g.text);
                    p.x1 = p.x1.max(g.end);
                    continue;
                }
            }
            cur = Some(Piece {
                x0: g.x,
                x1: g.end.max(g.x),
                y: g.y,
                size: g.size,
                text: g.text.clone(),
                cell: false,
            });
        }
        out.extend(cur);
    }
    for p in &mut out {
        p.text = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.retain(|p| !p.text.is_empty());
    for p in &mut out {
        let y = p.y + p.size * 0.3;
        let ruled = |x: f64, left: bool| {
            page.rulings.iter().any(|r| {
                r.y0 <= y && r.y1 >= y && if left { r.x <= x + 0.5 } else { r.x >= x - 0.5 }
            })
        };
        p.cell = ruled(p.x0, true) && ruled(p.x1, false);
    }
    out
}

/// Reading order of pieces between `x0` and `x1`: columns split at a gutter (recursively,
/// up to three levels), bands separated by pieces that cross the gutter.
fn order(mut pieces: Vec<Piece>, x0: f64, x1: f64, depth: usize) -> Vec<Piece> {
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let Some(gutter) = (depth < 3).then(|| find_gutter(&pieces, x0, x1)).flatten() else {
        return pieces;
    };
    let mut out = Vec::new();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for p in pieces {
        if p.cell || (p.x0 < gutter && p.x1 > gutter) {
            out.extend(order(std::mem::take(&mut left), x0, gutter, depth + 1));
            out.extend(order(std::mem::take(&mut right), gutter, x1, depth + 1));
            out.push(p);
        } else if p.x1 <= gutter {
            left.push(p);
        } else {
            right.push(p);
        }
    }
    out.extend(order(left, x0, gutter, depth + 1));
    out.extend(order(right, gutter, x1, depth + 1));
    out
}

/// An x in the middle 25–75 % of the range that few pieces cross while several lie on each
/// side of it, and that really separates columns of running text: on each side most lines
/// reach close to the column's right edge (lines are filled), which the cells of a table
/// with a wide gap between its columns mostly do not.
fn find_gutter(pieces: &[Piece], x0: f64, x1: f64) -> Option<f64> {
    let pieces: Vec<&Piece> = pieces.iter().filter(|p| !p.cell).collect();
    let width = x1 - x0;
    if pieces.len() < 6 || width <= 0.0 {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    let steps = 50;
    for i in (steps / 4)..=(3 * steps / 4) {
        let x = x0 + width * i as f64 / steps as f64;
        let crossing = pieces.iter().filter(|p| p.x0 < x && p.x1 > x).count();
        let left = pieces.iter().filter(|p| p.x1 <= x).count();
        let right = pieces.iter().filter(|p| p.x0 >= x).count();
        if left < 3 || right < 3 || crossing * 5 > pieces.len() {
            continue;
        }
        if best.is_none_or(|(c, _)| crossing < c) {
            best = Some((crossing, x));
        }
    }
    let (_, gutter) = best?;
    let filled = |side: Vec<&Piece>, edge: f64, side_width: f64| {
        let full = side
            .iter()
            .filter(|p| p.x1 >= edge - side_width * 0.25)
            .count();
        full * 5 >= side.len() * 2
    };
    let left: Vec<&Piece> = pieces.iter().copied().filter(|p| p.x1 <= gutter).collect();
    let right: Vec<&Piece> = pieces.iter().copied().filter(|p| p.x0 >= gutter).collect();
    let left_edge = left.iter().map(|p| p.x1).fold(f64::MIN, f64::max);
    let right_start = right.iter().map(|p| p.x0).fold(f64::MAX, f64::min);
    (filled(left, left_edge, left_edge - x0) && filled(right, x1, x1 - right_start))
        .then_some(gutter)
}

/// (page, piece) indices of page numbers and running headers/footers: among the two
/// pieces nearest the top and the bottom of each page, those that are a page number, or
/// whose text (digits ignored) recurs there on at least half of the pages (two or more).
fn furniture(pages: &[Page], ordered: &[Vec<Piece>]) -> std::collections::HashSet<(usize, usize)> {
    let mut candidates: Vec<(usize, usize, String)> = Vec::new();
    for (pi, pieces) in ordered.iter().enumerate() {
        let Some(page) = pages.get(pi) else { continue };
        let mut by_y: Vec<usize> = (0..pieces.len()).collect();
        by_y.sort_by(|&a, &b| pieces[b].y.total_cmp(&pieces[a].y));
        let zone = page.height * 0.12;
        let top = by_y.iter().take(2);
        let bottom = by_y.iter().rev().take(2);
        for &li in top.chain(bottom) {
            let p = &pieces[li];
            let rel = p.y - page.bottom;
            if rel > page.height - zone || rel < zone {
                candidates.push((pi, li, furniture_key(&p.text)));
            }
        }
    }
    let mut counts: HashMap<&str, std::collections::HashSet<usize>> = HashMap::new();
    for (pi, _, key) in &candidates {
        counts.entry(key.as_str()).or_default().insert(*pi);
    }
    let pages_n = ordered.len();
    candidates
        .iter()
        .filter(|(pi, li, key)| {
            let recurring = pages_n >= 2
                && counts
                    .get(key.as_str())
                    .is_some_and(|s| s.len() >= 2 && s.len() * 2 >= pages_n);
            recurring || is_page_number(&ordered[*pi][*li].text)
        })
        .map(|(pi, li, _)| (*pi, *li))
        .collect()
}

/// Text with digits replaced and case folded, so «стр. 3» and «стр. 4» compare equal.
fn furniture_key(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// «5», «- 5 -», «— 5 —», «стр. 5», «Страница 5 из 12», «5/12», «Page 5 of 12».
fn is_page_number(text: &str) -> bool {
    let lower = text.to_lowercase();
    let mut rest = lower.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—'));
    for prefix in ["страница", "стр.", "стр", "page", "с."] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [n] => is_number(n),
        [n, sep, m] => is_number(n) && matches!(*sep, "из" | "of") && is_number(m),
        [n, m] => is_number(n) && is_number(m),
        _ => false,
    }
}

fn is_number(w: &str) -> bool {
    (1..=4).contains(&w.len()) && w.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for t in [
            "5",
            "- 5 -",
            "— 12 —",
            "стр. 3",
            "Страница 2 из 10",
            "3/12",
            "Page 4 of 9",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["1. Рекомендовать", "12 мая", "Приложение 1", "12345"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn list_numbers() {
        for t in ["1.", "1.2.", "12)", "а)", "IV.", "•"] {
            assert!(is_list_number(t), "{t}");
        }
        for t in ["Мероприятие", "октябрь 2023", "2023", "т.д."] {
            assert!(!is_list_number(t), "{t}");
        }
    }
}
