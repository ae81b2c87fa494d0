//! The first step of segmentation: the clean paragraphs are brought to one layout before they
//! are classified, whatever the site or the editor did to them.
//!
//! - an editorial note on its own («(в ред. Постановления … от …)») is dropped;
//! - a number alone on its line («1.») joins the paragraph after it, and a number left at the
//!   end of a paragraph («… утратившими силу. 3.») moves to the next one;
//! - a paragraph the site flattened («… приказываю: 1. Ввести … 2. Московскому институту …
//!   3. …») is split before each number of a run 1, 2, 3 … (or 1.1, 1.2 …) that follows a
//!   sentence end or a colon; a whole page flattened into one line is also split after a
//!   colon before a capitalised word and before each dash of a run of inline bullets
//!   («: - обновление содержания; - формирование …»);
//! - plan tables written as cells («N | Мероприятие | Сроки | Ответственные |») become one
//!   paragraph per row, «N. мероприятие», with the row's deadline and responsible cells kept
//!   beside it ([`TableRow`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::clean::Para;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

/// Paragraphs shorter than this are never split at inline numbers.
const MIN_FLATTENED_CHARS: usize = 200;

static EDITORIAL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\((?:в\s+ред\.|в\s+редакции|утратил|абзац\s+утратил|пункт\s+утратил)[^()]*\)\.?$")
});
static NUMBER_ONLY: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{1,2}(?:\.\d{1,2})*\.?$"));
static TRAILING_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"[.;:]\s+(\d{1,2})\.$"));
/// A number that may start an inline item: after a sentence end, a colon or a semicolon.
static INLINE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:[.:;]\s*|\s)(\d{1,2}(?:\.\d{1,2})?)\.\s?[\p{Lu}«\x22]|(?:[.:;]\s*|\s)(\d{1,2}(?:\.\d{1,2})?)\.\s?\p{Ll}",
    )
});
/// «…: - обновление содержания; - формирование …»: an inline dash bullet (the match starts
/// at the colon or semicolon and ends before the item's first letter).
static INLINE_DASH: LazyLock<Regex> = LazyLock::new(|| re(r"[:;]\s+[-–—]\s*(?:\p{Ll})"));
/// A full stop before a capitalised word.
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| re(r"\.\s+\p{Lu}\p{Ll}"));
/// «… выступила Апель Н.Ю.: По Федеральным …»: a colon before a capitalised word.
static COLON_CAPITAL: LazyLock<Regex> = LazyLock::new(|| re(r":\s+\p{Lu}\p{Ll}"));
/// «… изменения: 1) в преамбуле …; 2) …»: sub-items numbered with a parenthesis.
static INLINE_PAREN: LazyLock<Regex> = LazyLock::new(|| re(r"[:;]\s*(\d{1,2})\)\s"));
static ROW_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{1,3}(?:\.\d{1,2})*\.?$"));
static DEADLINE_HEAD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:срок|сроки|дата|период|время)"));
static RESPONSIBLE_HEAD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^(?:ответствен|исполнител)"));

/// The deadline and responsible cells of a plan-table row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct TableRow {
    pub deadline: Option<String>,
    pub responsible: Option<String>,
}

/// Paragraphs in one layout, and the table rows by paragraph index.
pub(super) fn normalise(paras: &[Para]) -> (Vec<Para>, HashMap<usize, TableRow>) {
    let mut out: Vec<Para> = Vec::with_capacity(paras.len());
    let mut rows = HashMap::new();
    let mut carry: Option<String> = None;
    let mut k = 0;
    while k < paras.len() {
        let p = &paras[k];
        let text = p.text.trim();
        if EDITORIAL.is_match(text) {
            k += 1;
            continue;
        }
        if text.contains('|') {
            let end = paras[k..]
                .iter()
                .position(|q| !q.text.contains('|'))
                .map_or(paras.len(), |n| k + n);
            table(&paras[k..end], &mut out, &mut rows);
            k = end;
            continue;
        }
        let mut text = match carry.take() {
            Some(n) if !crate::clean::NUMBERED.is_match(text) => format!("{n}. {text}"),
            _ => text.to_string(),
        };
        if NUMBER_ONLY.is_match(&text) && k + 1 < paras.len() {
            carry = Some(text.trim_end_matches('.').to_string());
            k += 1;
            continue;
        }
        if let Some(c) = TRAILING_NUMBER.captures(&text)
            && let Some(m) = c.get(1)
        {
            carry = Some(m.as_str().to_string());
            text.truncate(m.start());
            text = text.trim_end().to_string();
        }
        let pieces = split_inline(&text);
        for piece in pieces.iter().flat_map(|p| split_paren_run(p)) {
            for (piece, dashed) in split_flattened(&piece) {
                out.push(Para {
                    text: piece,
                    bullet: p.bullet || dashed,
                });
            }
        }
        k += 1;
    }
    (out, rows)
}

/// Splits a flattened paragraph before the numbers of a run 1, 2, 3 … (and their sub-items
/// 1.1, 1.2 …); a paragraph without such a run comes back whole.
fn split_inline(text: &str) -> Vec<String> {
    if text.chars().count() < MIN_FLATTENED_CHARS {
        return vec![text.to_string()];
    }
    let candidates: Vec<(usize, String)> = INLINE_NUMBER
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(1).or(c.get(2))?;
            Some((m.start(), m.as_str().to_string()))
        })
        .collect();
    let mut cuts = Vec::new();
    let mut expect_top = 1u32;
    let mut expect_sub: Option<(u32, u32)> = None;
    for (pos, n) in &candidates {
        let parts: Vec<u32> = n.split('.').filter_map(|x| x.parse().ok()).collect();
        let ok = match parts.as_slice() {
            [top] if *top == expect_top => {
                expect_top += 1;
                expect_sub = Some((*top, 1));
                true
            }
            [top, sub] if expect_sub == Some((*top, *sub)) => {
                expect_sub = Some((*top, sub + 1));
                true
            }
            _ => false,
        };
        if ok {
            cuts.push(*pos);
        }
    }
    if expect_top <= 2 {
        return vec![text.to_string()];
    }
    pieces_at(text, &cuts)
}

/// The trimmed, non-empty pieces of `text` cut at the byte positions `cuts` (ascending).
fn pieces_at(text: &str, cuts: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    let mut last = 0;
    for &pos in cuts.iter().chain(std::iter::once(&text.len())) {
        let piece = text[last..pos].trim();
        if !piece.is_empty() {
            out.push(piece.to_string());
        }
        last = pos;
    }
    out
}

/// Paragraphs at least this long may be a whole page the site flattened into one line.
const MIN_PAGE_CHARS: usize = 800;

/// A page flattened into one line («… выступила Апель Н.Ю.: По Федеральным … в образовании:
/// ⟨dash⟩ обновление содержания; ⟨dash⟩ формирование …»): split after a colon followed by a
/// capitalised word (a new paragraph: after a colon a sentence goes on in lower case) and
/// before the dashes of a run of at least two inline bullets after a colon or a semicolon.
/// Returns the pieces with whether each was a dash bullet.
fn split_flattened(text: &str) -> Vec<(String, bool)> {
    if text.chars().count() < MIN_PAGE_CHARS {
        return vec![(text.to_string(), false)];
    }
    let bullets: Vec<(usize, usize)> = INLINE_DASH
        .find_iter(text)
        .map(|m| {
            let letter = m.as_str().chars().last().map_or(0, char::len_utf8);
            (m.start() + 1, m.end() - letter)
        })
        .collect();
    let mut cuts: Vec<(usize, usize, bool)> = COLON_CAPITAL
        .find_iter(text)
        .map(|m| (m.start() + 1, m.start() + 1, false))
        .collect();
    if bullets.len() >= 2 {
        cuts.extend(bullets.iter().map(|&(at, body)| (at, body, true)));
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut last = 0;
    let mut dashed = false;
    for (at, body, bullet) in cuts {
        let piece = text[last..at].trim();
        if !piece.is_empty() {
            out.push((piece.to_string(), dashed));
        }
        last = body;
        dashed = bullet;
    }
    let rest = text[last..].trim();
    match SENTENCE_END.find(rest).filter(|_| dashed) {
        // The last bullet ends at its full stop: the page goes on after it.
        Some(m) => {
            out.push((rest[..m.start() + 1].to_string(), true));
            out.push((rest[m.start() + 1..].trim().to_string(), false));
        }
        None if !rest.is_empty() => out.push((rest.to_string(), dashed)),
        None => {}
    }
    out
}

/// Splits a paragraph before the numbers of a run «1) … 2) …» that follow a colon or a
/// semicolon.
fn split_paren_run(text: &str) -> Vec<String> {
    if text.chars().count() < MIN_FLATTENED_CHARS {
        return vec![text.to_string()];
    }
    let mut cuts = Vec::new();
    let mut expect = 1u32;
    for c in INLINE_PAREN.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        if m.as_str().parse::<u32>().ok() == Some(expect) {
            cuts.push(m.start());
            expect += 1;
        }
    }
    if expect <= 2 {
        return vec![text.to_string()];
    }
    pieces_at(text, &cuts)
}

/// A run of paragraphs holding table cells: header cells name the columns; a row starts at
/// a cell holding only a number; a row whose other cells are empty is a section heading.
fn table(paras: &[Para], out: &mut Vec<Para>, rows: &mut HashMap<usize, TableRow>) {
    let cells: Vec<String> = paras
        .iter()
        .flat_map(|p| p.text.split('|').map(|c| c.trim().to_string()))
        .collect();
    let deadline_col = cells.iter().position(|c| DEADLINE_HEAD.is_match(c));
    let responsible_col = cells.iter().position(|c| RESPONSIBLE_HEAD.is_match(c));
    let first_row = cells.iter().position(|c| ROW_NUMBER.is_match(c));
    let (Some(first_row), Some(head_end)) = (first_row, deadline_col.max(responsible_col)) else {
        // Not a plan table: keep the text, without the cell separators.
        for p in paras {
            out.push(Para {
                text: p
                    .text
                    .replace(" |", "")
                    .replace('|', " ")
                    .trim()
                    .to_string(),
                bullet: p.bullet,
            });
        }
        return;
    };
    let number_col = cells[..=head_end]
        .iter()
        .rposition(|c| matches!(c.as_str(), "N" | "№" | "N п/п" | "№ п/п"))
        .unwrap_or(0);
    let column = |col: Option<usize>| col.map(|c| c.saturating_sub(number_col));
    let (deadline_at, responsible_at) = (column(deadline_col), column(responsible_col));
    // Text before the first row that is not the header: title lines, a section heading.
    for c in cells[..first_row].iter().skip(head_end + 1) {
        if !c.is_empty() {
            out.push(Para {
                text: c.clone(),
                bullet: false,
            });
        }
    }
    let mut k = first_row;
    while k < cells.len() {
        let number = cells[k].trim_end_matches('.').to_string();
        let end = cells[k + 1..]
            .iter()
            .position(|c| ROW_NUMBER.is_match(c))
            .map_or(cells.len(), |n| k + 1 + n);
        let row: Vec<&str> = cells[k..end].iter().map(String::as_str).collect();
        let cell = |at: Option<usize>| {
            at.and_then(|a| row.get(a))
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .map(str::to_string)
        };
        let activity = row.get(1).map_or("", |c| c.trim());
        if !activity.is_empty() {
            rows.insert(
                out.len(),
                TableRow {
                    deadline: cell(deadline_at),
                    responsible: cell(responsible_at),
                },
            );
            out.push(Para {
                text: format!("{number}. {activity}"),
                bullet: false,
            });
        }
        // Cells past the row's columns: a section heading row («II. …») before the next.
        let width = responsible_at.max(deadline_at).unwrap_or(1) + 1;
        for extra in row.iter().skip(width) {
            if !extra.is_empty() {
                out.push(Para {
                    text: (*extra).to_string(),
                    bullet: false,
                });
            }
        }
        k = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Para {
        Para {
            text: t.to_string(),
            bullet: false,
        }
    }

    #[test]
    fn flattened_items_are_split() {
        let t = "В целях упорядочения системы проведения региональных олимпиад и реализации данного Положения приказываю: 1. Ввести в действие с 01.01.2004 Положение. 2. Московскому институту открытого образования обеспечить методическое сопровождение. 3. Контроль оставляю за собой.";
        let s = split_inline(t);
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(s[1].starts_with("1. Ввести"));
        assert!(s[3].starts_with("3. Контроль"));
    }

    #[test]
    fn a_flattened_page_is_split_at_colons_and_inline_bullets() {
        let filler =
            "Текст страницы без разбивки на абзацы, который сайт склеил в одну строку. ".repeat(8);
        let text = format!(
            "{filler}По первому вопросу выступила Апель Н.Ю.: По стандартам выделяется приоритетное начало. Можно выделить механизмы обновления: - обновление содержания; - современные технологии обучения; - новая система оценивания. Планируя работу, поставили задачи."
        );
        let (out, _) = normalise(&[para(&text)]);
        let texts: Vec<(&str, bool)> = out.iter().map(|p| (p.text.as_str(), p.bullet)).collect();
        assert_eq!(
            &texts[1..],
            [
                (
                    "По стандартам выделяется приоритетное начало. Можно выделить механизмы обновления:",
                    false
                ),
                ("обновление содержания;", true),
                ("современные технологии обучения;", true),
                ("новая система оценивания.", true),
                ("Планируя работу, поставили задачи.", false),
            ]
        );
        assert!(texts[0].0.ends_with("выступила Апель Н.Ю.:"));
    }

    #[test]
    fn dates_and_single_numbers_do_not_split() {
        let t = "Провести с 01.09.2019 по 31.12.2019 мероприятия по плану, утверждённому приказом от 12.03.2019 № 5. Это важно для всех, кто участвует в работе комиссии по делам несовершеннолетних и их прав.";
        assert_eq!(split_inline(t).len(), 1);
    }

    #[test]
    fn plan_rows_keep_their_columns() {
        let (out, rows) = normalise(&[
            para("N | Мероприятие | Сроки | Ответственные |"),
            para("1. | Провести анализ | июль 2015 | Н.Е. Иванов |"),
            para("2. | Подготовить отчёт | август | |"),
        ]);
        assert_eq!(out[0].text, "1. Провести анализ");
        assert_eq!(out[1].text, "2. Подготовить отчёт");
        assert_eq!(rows[&0].deadline.as_deref(), Some("июль 2015"));
        assert_eq!(rows[&0].responsible.as_deref(), Some("Н.Е. Иванов"));
        assert_eq!(rows[&1].deadline.as_deref(), Some("август"));
        assert_eq!(rows[&1].responsible, None);
    }

    #[test]
    fn a_lone_number_joins_the_next_paragraph() {
        let (out, _) = normalise(&[para("1."), para("Утвердить программу.")]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "1. Утвердить программу.");
    }
}
