//! Stage 3: detect document metadata (title, kind, level, region, municipality, date, number).
//!
//! Everything is read from the text (never from the file name, except `doc_id`):
//! - kind: «ПРИКАЗ»/«ПРИКАЗЫВАЮ» → order; «Решение …»/«решила:» → decision;
//!   «Резолюция»/«Одобрена участниками» → resolution;
//! - title: the quoted forum/conference title of the header («PRO.Образование 64.Векторы
//!   развития»), or the subject line of an order («Об организации работы …»);
//! - level: municipal when the header speaks of a district (муниципальный форум, конференция
//!   района), federal for all-Russian acts, regional otherwise;
//! - region / municipality: the most frequent «…ской области» / «…ского (муниципального)
//!   района» in the text, in the nominative;
//! - date: the order's «от ДД.ММ.ГГГГ № N», the last date of «Одобрена …» (the plenary
//!   session), or the first date of the header («26-27 августа 2021 года» → the 27th).

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::model::{DocKind, DocumentMeta, Level};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

/// Paragraphs at the start of a document that count as its header.
const HEADER_PARAS: usize = 8;
/// Paragraphs scanned for the region and the municipality.
const REGION_SCAN_PARAS: usize = 120;

static ORDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"П\s?Р\s?И\s?К\s?А\s?З|^ПРИКАЗ\b|ПРИКАЗЫВАЮ|(?i)^приказ\s+(?:министерства|департамента|управления|комитета)",
    )
});
static DECISION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:\*\*)?(?:Решение|РЕШЕНИЕ)\b|(?i)\bрешила:\s*$|(?i)\bрешил:\s*$"));
static RESOLUTION: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)резолюци|^Одобрена участниками"));
static ORDER_NO: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:^|\s)от\s+(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:г\.?|года)?\s*№\s*([\w/.-]+)")
});
static DOTTED_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})"));
static WORD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\d{1,2})(?:\s*[-–,]\s*(\d{1,2}))?\s+(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)\s+(\d{4})",
    )
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|\D)(20\d{2}|19\d{2})(?:\D|$)"));
static REGION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\p{L}[\p{L}-]*)ск(?:ая|ой|ую|ою|АЯ|ОЙ|УЮ) (област|ОБЛАСТ)"));
static REGION_KRAI: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\p{Lu}[\p{L}-]*)ск(?:ий|ого|ому|ом) (кра[йяюе])"));
static DISTRICT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(\p{Lu}[\p{Ll}ё-]*)ск(?:ий|ого|ому|ом|им) (муниципальн\p{L}+ )?(район|округ)\p{Ll}*")
});
static FEDERAL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)всероссийск|министерство просвещения российской федерации|федеральн\w+ форум")
});
static REGIONAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:областн|регионал|краев)\p{L}* (?:образовательн|форум|конференц)"));
static MUNICIPAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)муниципальн\w* образовательн|муниципальн\w* форум|работников \p{L}+ского района|района|городского округа|муниципального образования",
    )
});

/// Detects the metadata of a document from its clean paragraphs.
pub fn detect(doc_id: &str, source: &str, paragraphs: &[String]) -> DocumentMeta {
    let header: Vec<&str> = paragraphs
        .iter()
        .take(HEADER_PARAS)
        .map(String::as_str)
        .collect();
    let kind = detect_kind(paragraphs, &header);
    let order_no = paragraphs
        .iter()
        .take(20)
        .find_map(|p| ORDER_NO.captures(p));
    let (date, number) = match (kind, order_no) {
        (DocKind::Order, Some(c)) => (ymd(&c[3], &c[2], &c[1]), Some(c[4].to_string())),
        _ => (detect_date(&header), None),
    };
    let year = date.map(|d| chrono::Datelike::year(&d)).or_else(|| {
        header
            .iter()
            .find_map(|p| YEAR.captures(p))
            .and_then(|c| c[1].parse().ok())
    });
    let level = detect_level(kind, &header);
    let region = most_frequent_region(paragraphs);
    let municipality = if level == Level::Municipal {
        most_frequent_district(paragraphs)
    } else {
        None
    };
    DocumentMeta {
        doc_id: doc_id.to_string(),
        title: detect_title(kind, &header).unwrap_or_else(|| doc_id.to_string()),
        kind,
        level,
        region,
        municipality,
        date,
        year,
        number,
        source: source.to_string(),
    }
}

fn detect_kind(paragraphs: &[String], header: &[&str]) -> DocKind {
    if paragraphs.iter().take(30).any(|p| ORDER.is_match(p)) {
        DocKind::Order
    } else if header.iter().take(3).any(|p| DECISION.is_match(p))
        || paragraphs
            .iter()
            .take(40)
            .any(|p| p.trim_end().ends_with("решила:"))
    {
        DocKind::Decision
    } else if paragraphs.iter().take(40).any(|p| RESOLUTION.is_match(p)) {
        DocKind::Resolution
    } else {
        DocKind::Other
    }
}

fn detect_level(kind: DocKind, header: &[&str]) -> Level {
    let head = header.iter().take(4).copied().collect::<Vec<_>>().join(" ");
    if FEDERAL.is_match(&head) {
        Level::Federal
    } else if kind != DocKind::Order
        && MUNICIPAL
            .find(&head)
            .is_some_and(|m| REGIONAL.find(&head).is_none_or(|r| m.start() < r.start()))
    {
        Level::Municipal
    } else {
        Level::Regional
    }
}

/// The first «…» of `text` with nested quotes kept («Образование «Сампур»» → inner text).
pub(crate) fn first_quoted(text: &str) -> Option<&str> {
    let start = text.find('«')?;
    let mut depth = 0usize;
    for (i, c) in text[start..].char_indices() {
        match c {
            '«' => depth += 1,
            '»' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start + '«'.len_utf8()..start + i]);
                }
            }
            _ => {}
        }
    }
    None
}

fn detect_title(kind: DocKind, header: &[&str]) -> Option<String> {
    if kind == DocKind::Order {
        let subject = header
            .iter()
            .find(|p| (p.starts_with("Об ") || p.starts_with("О ")) && p.len() > 20)?;
        let end = ["В целях", "В соответствии", "На основании"]
            .iter()
            .filter_map(|m| subject.find(&format!(" {m}")))
            .min()
            .unwrap_or(subject.len());
        return Some(subject[..end].trim().to_string());
    }
    // The quoted title that follows «форума», «конференции», «по вопросу» or stands alone.
    for p in header.iter().take(5) {
        let Some(q) = first_quoted(p) else { continue };
        let before = &p[..p.find('«').unwrap_or(0)].to_lowercase();
        if before.is_empty()
            || before.contains("форум")
            || before.contains("конференц")
            || before.contains("по вопросу")
            || before.contains("резолюц")
        {
            return Some(q.trim().trim_end_matches('.').to_string());
        }
    }
    header.first().map(|p| p.chars().take(200).collect())
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn month(name: &str) -> u32 {
    const MONTHS: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map_or(1, |i| i as u32 + 1)
}

/// All dates of a paragraph, in order («26-27 августа 2021» counts as the 27th).
fn dates_in(p: &str) -> Vec<(usize, NaiveDate)> {
    let mut out: Vec<(usize, NaiveDate)> = WORD_DATE
        .captures_iter(p)
        .filter_map(|c| {
            let day = c.get(2).or(c.get(1))?.as_str().parse().ok()?;
            let d = NaiveDate::from_ymd_opt(c[4].parse().ok()?, month(&c[3]), day)?;
            Some((c.get(0)?.start(), d))
        })
        .collect();
    out.extend(
        DOTTED_DATE
            .captures_iter(p)
            .filter_map(|c| Some((c.get(0)?.start(), ymd(&c[3], &c[2], &c[1])?))),
    );
    out.sort_by_key(|(pos, _)| *pos);
    out
}

fn detect_date(header: &[&str]) -> Option<NaiveDate> {
    if let Some(p) = header.iter().find(|p| p.starts_with("Одобрен"))
        && let Some((_, d)) = dates_in(p).last()
    {
        return Some(*d);
    }
    header
        .iter()
        .find_map(|p| dates_in(p).first().map(|(_, d)| *d))
}

fn title_case(stem: &str) -> String {
    let lower = stem.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn most_frequent<'a>(items: impl Iterator<Item = String> + 'a) -> Option<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, item) in items.enumerate() {
        let e = counts.entry(item).or_insert((0, i));
        e.0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(k, _)| k)
}

fn most_frequent_region(paragraphs: &[String]) -> Option<String> {
    // The first pages name the place often enough; scanning everything costs time.
    let paragraphs = &paragraphs[..paragraphs.len().min(REGION_SCAN_PARAS)];
    let oblast = paragraphs.iter().flat_map(|p| {
        REGION.captures_iter(p).filter_map(|c| {
            let stem = title_case(c.get(1)?.as_str());
            let kind = c.get(2)?.as_str().to_lowercase();
            (stem.chars().count() >= 3).then(|| {
                if kind.starts_with("обл") {
                    format!("{stem}ская область")
                } else {
                    format!("{stem}ский край")
                }
            })
        })
    });
    let krai = paragraphs.iter().flat_map(|p| {
        REGION_KRAI
            .captures_iter(p)
            .filter_map(|c| Some(format!("{}ский край", title_case(c.get(1)?.as_str()))))
    });
    most_frequent(oblast.chain(krai).collect::<Vec<_>>().into_iter())
}

fn most_frequent_district(paragraphs: &[String]) -> Option<String> {
    // The first pages name the place often enough; scanning everything costs time.
    let paragraphs = &paragraphs[..paragraphs.len().min(REGION_SCAN_PARAS)];
    let found = paragraphs.iter().flat_map(|p| {
        DISTRICT.captures_iter(p).filter_map(|c| {
            let stem = c.get(1)?.as_str();
            let municipal = c.get(2).is_some();
            let unit = c.get(3)?.as_str();
            Some(match (municipal, unit) {
                (true, "район") => format!("{stem}ский муниципальный район"),
                (false, "район") => format!("{stem}ский район"),
                (true, _) => format!("{stem}ский муниципальный округ"),
                (false, _) => format!("{stem}ский городской округ"),
            })
        })
    });
    // «Ртищевский район» and «Ртищевский муниципальный район» are the same place: count the
    // stem, report the most explicit form seen.
    let all: Vec<String> = found.collect();
    let best_stem = most_frequent(all.iter().map(|s| stem_of(s).to_string()))?;
    all.iter()
        .filter(|s| stem_of(s) == best_stem)
        .max_by_key(|s| s.contains("муниципальный"))
        .cloned()
}

fn stem_of(name: &str) -> &str {
    name.split(' ').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(t: &str) -> Vec<String> {
        crate::clean::paragraphs(t)
    }

    #[test]
    fn order_header() {
        let p = paras(
            "МИНИСТЕРСТВО ОБРАЗОВАНИЯ\n\nСАРАТОВСКОЙ ОБЛАСТИ\n\nП Р И К А З\n\nот 29.12.2020 № 1852\n\nг. Саратов\n\nОб организации работы с общеобразовательными организациями\n\nорганизациями Саратовской области\n\nПРИКАЗЫВАЮ:\n\n1. Утвердить:\n",
        );
        let m = detect("x", "x.txt", &p);
        assert_eq!(m.kind, DocKind::Order);
        assert_eq!(m.level, Level::Regional);
        assert_eq!(m.number.as_deref(), Some("1852"));
        assert_eq!(m.date, NaiveDate::from_ymd_opt(2020, 12, 29));
        assert_eq!(m.region.as_deref(), Some("Саратовская область"));
        assert!(m.title.starts_with("Об организации работы"), "{}", m.title);
    }

    #[test]
    fn first_quoted_handles_nesting() {
        assert_eq!(
            first_quoted("форума «Образование «Сампур» района» и"),
            Some("Образование «Сампур» района")
        );
        assert_eq!(first_quoted("нет кавычек"), None);
        assert_eq!(first_quoted("«не закрыта"), None);
    }
}
