//! Deadlines: «до 30 ноября 2021 года», «в срок до 31.12.2021 г.», «до ноября 2021 года»,
//! «до конца 2021 года», «в течение 2021/2022 учебного года», «до 2024 года (включительно)».
//!
//! Dates of the phrases:
//! - a full date is that day;
//! - «до ноября 2021 года» is the 1st of the month (see [`Deadline`]): the period named
//!   is excluded;
//! - «до конца 2021 года», «в течение 2021 года» are the 31st of December;
//! - «в течение / до конца 2021/2022 учебного года» is the 31st of May of the second year
//!   (the end of classes of a Russian school year);
//! - a bare year «до 2024 года» is the 1st of January of that year, «до 2024 года
//!   (включительно)» the 31st of December. A bare year is only taken when no other
//!   phrase is present and it is not part of a title or a programme period
//!   («Стратегии … на период до 2025 года», «…до 2030 года»»).
//!
//! Phrases without a year («в течение года», «ежегодно», «постоянно») give no deadline.
//! When several phrases are present, the first (in text order) wins.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::model::Deadline;
use crate::ru::WordRegexSet;
use crate::ru_date;

/// Which rule a regex implements.
#[derive(Clone, Copy)]
enum Kind {
    DayMonthYear,
    Numeric,
    MonthYear,
    EndOfYear,
    SchoolYear,
    BareYear,
}

/// The rules' patterns, searched as one set, and their kinds (`None`: a pattern does not compile).
static RULES: LazyLock<Option<(WordRegexSet, Vec<Kind>)>> = LazyLock::new(|| {
    let months = ru_date::months_alternation();
    let pre = r"\b(?:(?:в\s+срок\s+)?(?:до|не\s+позднее)|к)";
    let suffix = r"(?:\s*(?:года|году|г\.|г\b))?";
    let src = [
        (
            format!(r"(?i){pre}\s+(?P<d>\d{{1,2}})\s+(?P<m>{months})\s+(?P<y>\d{{4}}){suffix}"),
            Kind::DayMonthYear,
        ),
        (
            format!(
                r"(?i){pre}\s*(?P<d>\d{{1,2}})\s*\.\s*(?P<m>\d{{1,2}})\s*(?:\.\s*|\s+)(?P<y>\d{{4}}|\d{{2}}){suffix}"
            ),
            Kind::Numeric,
        ),
        (
            format!(r"(?i)\b(?:в\s+срок\s+)?до\s+(?P<m>{months})\s+(?P<y>\d{{4}}){suffix}"),
            Kind::MonthYear,
        ),
        (
            r"(?i)\b(?:до\s+конца|в\s+течение)\s+(?P<y>\d{4})\s*(?:года|г\.|г\b)".to_owned(),
            Kind::EndOfYear,
        ),
        (
            r"(?i)\b(?:до\s+конца|в\s+течение)\s+(?P<y1>\d{4})\s*[/\-–—]\s*(?P<y>\d{4})\s+(?:учебного\s+)?(?:года|г\.)"
                .to_owned(),
            Kind::SchoolYear,
        ),
        (
            r"(?i)\b(?:в\s+срок\s+)?до\s+(?P<y>\d{4})\s*(?:года|г\.)(?P<incl>\s*\(включительно\))?"
                .to_owned(),
            Kind::BareYear,
        ),
    ];
    let (patterns, kinds): (Vec<String>, Vec<Kind>) = src.into_iter().unzip();
    match WordRegexSet::new(&patterns) {
        Ok(set) => Some((set, kinds)),
        Err(e) => {
            tracing::error!("bad deadline regex: {e}");
            None
        }
    }
});

/// Words that, just before a bare «до 2025 года», mean a programme period, not a deadline.
const PERIOD_WORDS: [&str; 8] = [
    "период",
    "стратеги",
    "концепци",
    "программ",
    "прогноз",
    "указ",
    "проект",
    "план",
];

/// Finds the deadline in a piece of text.
pub fn deadline(text: &str) -> Option<Deadline> {
    // Every phrase has a year of at least two ASCII digits (other digits do not parse):
    // without one, the regexes (slow on Cyrillic because of Unicode `\b`) cannot match.
    if !has_ascii_digit_run(text, 2) {
        return None;
    }
    // Every phrase but a numeric date has a year of four ASCII digits; a numeric date has a
    // full stop between its day and month.
    let has_year = has_ascii_digit_run(text, 4);
    let has_stop = text.contains('.');
    if !has_year && !has_stop {
        return None;
    }
    let mut best: Option<(usize, Deadline)> = None;
    let mut bare: Option<(usize, Deadline)> = None;
    // Built on the first bare year only: most texts have none.
    let mut quotes: Option<Quotes> = None;
    let (rules, kinds) = RULES.as_ref()?;
    for (i, re) in rules.gated(text) {
        let Some(kind) = kinds.get(i) else { continue };
        let possible = match kind {
            Kind::Numeric => has_stop,
            _ => has_year,
        };
        if !possible {
            continue;
        }
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(0) else { continue };
            // A year glued to more digits («31.12.20215») is not a date.
            if text[m.end()..].starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let Some(date) = date_of(*kind, &caps) else {
                continue;
            };
            let found = Deadline {
                date,
                text: m.as_str().trim().to_owned(),
            };
            let slot = if matches!(kind, Kind::BareYear) {
                let quotes = quotes.get_or_insert_with(|| Quotes::new(text));
                if is_period(text, m.start(), quotes) {
                    continue;
                }
                &mut bare
            } else {
                &mut best
            };
            if slot.as_ref().is_none_or(|(at, _)| m.start() < *at) {
                *slot = Some((m.start(), found));
            }
        }
    }
    best.or(bare).map(|(_, d)| d)
}

/// Terms without a date: in advance, during the holidays, at the end of a school year.
static UNDATED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:заблаговременно|в\s+период\s+(?:[\p{L}-]+\s+){0,2}каникул|по\s+(?:завершени|окончани)[юия]\s+(?:[\p{L}-]+\s+){0,2}(?:\d{4}\s*[/-]\s*\d{4}\s+)?учебного\s+года)\b",
    )
    .ok()
});

/// Words one of which every undated term has, in any case: searched first (without `\b`, in
/// one fast pass), they keep the regex off most texts.
static UNDATED_GATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)заблаговременно|каникул|учебного").ok());

/// The first undated term of `text`, as written (spaces collapsed).
pub fn undated_term(text: &str) -> Option<String> {
    if !UNDATED_GATE.as_ref()?.is_match(text) {
        return None;
    }
    let m = UNDATED.as_ref()?.find(text)?;
    Some(m.as_str().split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether `n` ASCII digits follow each other somewhere in `text`.
fn has_ascii_digit_run(text: &str, n: usize) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= n
    })
}

fn num(caps: &regex::Captures<'_>, name: &str) -> Option<u32> {
    caps.name(name)?.as_str().parse().ok()
}

fn year(caps: &regex::Captures<'_>) -> Option<i32> {
    let y = caps.name("y")?.as_str();
    let v: i32 = y.parse().ok()?;
    let v = if y.len() == 2 { 2000 + v } else { v };
    (1990..=2100).contains(&v).then_some(v)
}

fn month(caps: &regex::Captures<'_>) -> Option<u32> {
    ru_date::month_number(caps.name("m")?.as_str())
}

fn date_of(kind: Kind, caps: &regex::Captures<'_>) -> Option<NaiveDate> {
    let y = year(caps)?;
    match kind {
        Kind::DayMonthYear => NaiveDate::from_ymd_opt(y, month(caps)?, num(caps, "d")?),
        Kind::Numeric => NaiveDate::from_ymd_opt(y, num(caps, "m")?, num(caps, "d")?),
        Kind::MonthYear => NaiveDate::from_ymd_opt(y, month(caps)?, 1),
        Kind::EndOfYear => NaiveDate::from_ymd_opt(y, 12, 31),
        Kind::SchoolYear => {
            let first: i32 = caps.name("y1")?.as_str().parse().ok()?;
            (first + 1 == y).then(|| NaiveDate::from_ymd_opt(y, 5, 31))?
        }
        Kind::BareYear if caps.name("incl").is_some() => NaiveDate::from_ymd_opt(y, 12, 31),
        Kind::BareYear => NaiveDate::from_ymd_opt(y, 1, 1),
    }
}

/// Characters of the clause before a bare year looked at for programme words.
const CLAUSE_CHARS: usize = 100;

/// Byte offsets of the guillemets of a text, to tell in O(log n) whether a position is inside
/// a quotation (a title): one pass over the text, however many years it has.
struct Quotes {
    open: Vec<usize>,
    close: Vec<usize>,
}

impl Quotes {
    fn new(text: &str) -> Self {
        let (mut open, mut close) = (Vec::new(), Vec::new());
        for (i, c) in text.char_indices() {
            match c {
                '«' => open.push(i),
                '»' => close.push(i),
                _ => {}
            }
        }
        Quotes { open, close }
    }

    /// More « than » before byte `at`.
    fn inside(&self, at: usize) -> bool {
        self.open.partition_point(|&i| i < at) > self.close.partition_point(|&i| i < at)
    }
}

/// Whether a bare-year phrase at `at` is a title or a programme period. Looks at most
/// [`CLAUSE_CHARS`] characters back, so the cost does not grow with the paragraph.
fn is_period(text: &str, at: usize, quotes: &Quotes) -> bool {
    if quotes.inside(at) {
        return true;
    }
    // The clause before the phrase, at most CLAUSE_CHARS characters.
    let before = &text[..at];
    let window_start = before
        .char_indices()
        .rev()
        .take(CLAUSE_CHARS)
        .last()
        .map_or(at, |(i, _)| i);
    let window = &before[window_start..];
    let clause_start = window.rfind([';', ':', '\n']).map_or(0, |i| i + 1);
    let clause = crate::ru::lower(&window[clause_start..]);
    PERIOD_WORDS.iter().any(|w| clause.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `is_period` implements: quotes counted from the start of the text, the
    /// clause cut at the last separator, then to its last 100 characters.
    fn is_period_by_definition(text: &str, at: usize) -> bool {
        let before = &text[..at];
        if before.matches('«').count() > before.matches('»').count() {
            return true;
        }
        let clause_start = before.rfind([';', ':', '\n']).map_or(0, |i| i + 1);
        let clause: Vec<char> = before[clause_start..].chars().collect();
        let tail: String = clause[clause.len().saturating_sub(CLAUSE_CHARS)..]
            .iter()
            .collect::<String>()
            .to_lowercase();
        PERIOD_WORDS.iter().any(|w| tail.contains(w))
    }

    #[test]
    fn bounded_look_back_agrees_with_the_definition() {
        let pieces = [
            "обеспечить участие до 2024 года",
            "; ",
            "«Программы развития до 2030 года»",
            " в рамках Стратегии развития образования на период ",
            "до 2025 года",
            ": ",
            "провести мониторинг качества образования во всех муниципальных районах области ",
            "» ",
            "«",
            "\n",
        ];
        let mut text = String::new();
        let mut state = 7u32;
        for _ in 0..400 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            text.push_str(pieces[(state >> 16) as usize % pieces.len()]);
        }
        let quotes = Quotes::new(&text);
        let mut checked = 0;
        for (at, _) in text.match_indices("до 20") {
            assert_eq!(
                is_period(&text, at, &quotes),
                is_period_by_definition(&text, at),
                "at byte {at}"
            );
            checked += 1;
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn undated_terms_are_whole_phrases() {
        assert_eq!(
            undated_term("Организовать лагеря в период весенних школьных каникул.").as_deref(),
            Some("в период весенних школьных каникул")
        );
        assert_eq!(
            undated_term("подготовку по завершению учебного процесса 2011/2012 учебного года")
                .as_deref(),
            Some("по завершению учебного процесса 2011/2012 учебного года")
        );
        assert_eq!(
            undated_term("Заблаговременно провести сверку."),
            Some("Заблаговременно".to_string())
        );
        // Words that only begin like a term are not one.
        assert_eq!(undated_term("в целях заблаговременной подготовки"), None);
        assert_eq!(
            undated_term("мероприятия в период каникулярного отдыха"),
            None
        );
    }

    #[test]
    fn bare_years_in_titles_and_periods_are_not_deadlines() {
        let in_title = "реализовать проект «Школа до 2030 года» в районе";
        assert_eq!(deadline(in_title), None);
        let period = "в рамках Стратегии развития на период до 2025 года";
        assert_eq!(deadline(period), None);
        let due = "представить отчёт до 2024 года";
        assert_eq!(
            deadline(due).map(|d| d.date),
            NaiveDate::from_ymd_opt(2024, 1, 1)
        );
    }
}
