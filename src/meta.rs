//! Stage 3: detect document metadata (title, kind, level, region, municipality, date, number).
//!
//! Everything is read from the text (never from the file name, except `doc_id`). The *header*
//! is the run of paragraphs before the act's body (its preamble «В целях …», «В соответствии
//! …» or its first item); a long first paragraph (a page flattened by its site) contributes
//! its start.
//! - kind: the act's heading («ПРИКАЗ», «П Р И К А З», «Распоряжение от …», «ПОСТАНОВЛЕНИЕ»,
//!   «РЕШЕНИЕ», «Протокол № 3», «РЕЗОЛЮЦИЯ») → order / instruction / decree / decision /
//!   protocol / resolution; else the operative verb («ПРИКАЗЫВАЮ:», «постановляет:»,
//!   «Дума решила:», «РЕШИЛИ:»); else «Резолюция»/«Одобрена участниками»; else the act as
//!   legal sites print it after the text; an annex printed alone («Приложение N 2 к приказу
//!   …») is `other`;
//! - date and number: the first «<date> № N» of the header in any common form («от
//!   13.05.2009 г № 268-ПР», «от 19 марта 2003 г. N 305-р», «04.04.2012   N 220», «"24"
//!   февраля 2009 г.» + «N 57») that does not belong to a repealed, amended, registered or
//!   cited act; else «от <date>» (acts) or the forum dates (resolutions: the last date of
//!   «Одобрена …», else the first date of the header); the year of an act is its date's;
//! - title: the subject line of an act («Об организации работы …»), or the quoted
//!   forum/conference title of the header;
//! - level: federal for a federal body in the header; otherwise the issuing body named first
//!   in the header, else in the signature: a city or district administration, head, mayor,
//!   duma, council or education department → municipal, a regional ministry, department,
//!   government or administration → regional; else the forum wording (муниципальный форум,
//!   конференция района → municipal), regional by default;
//! - region / municipality: see [`place`].

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::model::{DocKind, DocumentMeta, Level};
use crate::ru::WordRegex;
use crate::ru_date;

mod gazetteer;
mod place;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

fn word_re(pattern: &str) -> WordRegex {
    WordRegex::new(pattern).expect("constant regex is valid")
}

/// Paragraphs at the start of a document that count as its header.
const HEADER_PARAS: usize = 8;

/// An act's own heading: the kind word at the start of a paragraph (letters may be spaced,
/// «П Р И К А З»), alone or followed by its date, number or issuing body.
static ACT_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^[*\s]*({})(?:\s*$|\s+(?:от\s|№|N\s?\d|\d|[«\x22]|(?:Администраци|Главы|Глав[аы]|Мэр|Правительств|Министерств|Департамент|Комитет|Управлени|Губернатор|городск|Собрани|Совет|Коллеги|коллеги|Дум|конференц|форум|заседани|совещани|рабоч|педагогическ|общественн)))",
        KIND_WORDS
    ))
});
/// The kind word written in capitals anywhere in a header paragraph («… ПРИКАЗ ДЕПАРТАМЕНТ …»).
static ACT_WORD_CAPS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^\p{L}])(П\s?Р\s?И\s?К\s?А\s?З|Р\s?А\s?С\s?П\s?О\s?Р\s?Я\s?Ж\s?Е\s?Н\s?И\s?Е|П\s?О\s?С\s?Т\s?А\s?Н\s?О\s?В\s?Л\s?Е\s?Н\s?И\s?Е|Р\s?Е\s?Ш\s?Е\s?Н\s?И\s?Е|П\s?Р\s?О\s?Т\s?О\s?К\s?О\s?Л|Р\s?Е\s?З\s?О\s?Л\s?Ю\s?Ц\s?И\s?Я)(?:[^\p{L}]|$)",
    )
});
/// The kind word followed by its date anywhere in a header paragraph («… Распоряжение от 11
/// апреля 2005 года …», «Постановление Мэра города … от …»).
static ACT_FROM: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:^|[^\p{{L}}])({})(?:\s+[\p{{L}}.-]+){{0,6}}?\s+от\s+[«\x22]?\d",
        KIND_WORDS
    ))
});
/// «Протокол № 3» anywhere in a header paragraph.
static PROTOCOL_NO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bпротокол\s*(?:№|N)\s*(\d[\w/-]*)"));
/// Kind words, letters possibly spaced.
const KIND_WORDS: &str = r"П\s?Р\s?И\s?К\s?А\s?З|Р\s?А\s?С\s?П\s?О\s?Р\s?Я\s?Ж\s?Е\s?Н\s?И\s?Е|П\s?О\s?С\s?Т\s?А\s?Н\s?О\s?В\s?Л\s?Е\s?Н\s?И\s?Е|Р\s?Е\s?Ш\s?Е\s?Н\s?И\s?Е|П\s?Р\s?О\s?Т\s?О\s?К\s?О\s?Л|Р\s?Е\s?З\s?О\s?Л\s?Ю\s?Ц\s?И\s?Я";
/// The operative verb of an act («ПРИКАЗЫВАЮ:», «постановляет:», «Дума решила:», «РЕШИЛИ:»).
static OPERATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[^\p{L}])(п\s?р\s?и\s?к\s?а\s?з\s?ы\s?в\s?а\s?ю|п\s?о\s?с\s?т\s?а\s?н\s?о\s?в\s?л\s?я\s?(?:ю|е\s?т)|р\s?а\s?с\s?п\s?о\s?р\s?я\s?ж\s?а\s?ю\s?с\s?ь|р\s?е\s?ш\s?и\s?л\s?[аои]?|р\s?е\s?ш\s?и\s?л\s?и|п\s?о\s?с\s?т\s?а\s?н\s?о\s?в\s?и\s?л\s?и)\s*:",
    )
});
static RESOLUTION: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)резолюци|^Одобрена участниками"));
/// A paragraph that begins the body of an act: the header ends before it.
static BODY_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:\d{1,2}\s?\.\s?\p{L}|\d{1,2}\)|В соответствии|В целях|В связи|На основании|Руководствуясь|Заслушав|С целью|Учитывая|Во исполнение|В рамках|Рассмотрев|Направляем|Просим|Уважаем)",
    )
});
/// Paragraphs whose dates are not the act's own (repeals, amendments, registration).
static FOREIGN_DATES: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)утратил|редакци|изменени|зарегистрир|в ред\.|на основании|в соответствии")
});
/// The act's date and number: «от 13.05.2009 г № 268-ПР», «от 19 марта 2003 г. N 305-р»,
/// «04.04.2012   N 220», «"24" февраля 2009 г. N 57», «14 ноября 2014 № 601».
static DATE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?i)(?:^|[^\d.])(?:["«]?(\d{{1,2}})["»]?\s+({})\s+(\d{{4}})|(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}))\s*(?:г\.?|года)?\s*(?:№|N)\s*(\d[\w/.-]*(?:-\p{{L}}+)?(?:\s\(\p{{Lu}}\))?)"#,
        ru_date::months_alternation()
    ))
});
/// «от <date>» without a number.
static FROM_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?i)(?:^|\s)от\s+(?:["«]?(\d{{1,2}})["»]?\s+({})\s+(\d{{4}})|(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}))"#,
        ru_date::months_alternation()
    ))
});
static DOTTED_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})"));
static WORD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(\d{{1,2}})(?:\s*[-–,]\s*(\d{{1,2}}))?\s+({})\s+(\d{{4}})",
        ru_date::months_alternation()
    ))
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|\D)(20\d{2}|19\d{2})(?:\D|$)"));
static FEDERAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)министерств\p{L}* (?:общего и профессионального )?(?:образования|просвещения)(?: и науки)? российской федерации|правительств\p{L}* российской федерации|минобрнауки россии|минпросвещения россии|министр\p{L}* просвещения российской|всероссийск\p{L}* (?:форум|конференц|совещани)|федеральн\p{L}+ форум",
    )
});
/// Municipal issuing bodies and their signatures.
static MUNICIPAL_BODY: LazyLock<WordRegex> = LazyLock::new(|| {
    word_re(
        r"(?i)(?:глав\p{L}*|мэр\p{L}*|мэри\p{L}*|администраци\p{L}*|дум\p{L}*|собрани\p{L}* представителей|совет\p{L}* депутатов|управлени\p{L}* образования|отдел\p{L}* образования|комитет\p{L}* образования|руководител\p{L}* администрации)(?:\s+\p{L}+){0,3}?\s+(?:(?:городск\p{L}*|муниципальн\p{L}*|сельск\p{L}*)\b|г\.|город|района?\b|округ|МОГО|\p{Lu}\p{Ll}+ск\p{L}* (?:район|округ|муниципальн|городск))|^мэр\b|^(?:и\.\s?о\.\s?)?глав\p{L}* (?:администрации )?(?:город|муниципальн|\p{Lu}\p{L}+ского)|\p{Lu}\p{L}+ская городская дума|городская дума|\b(?:МБОУ|МОУ|МАОУ|МКОУ)\b|\bшкол(?:а|ы|е|у|ой)\b",
    )
});
/// Regional issuing bodies and their signatures.
static REGIONAL_BODY: LazyLock<WordRegex> = LazyLock::new(|| {
    word_re(
        r"(?i)(?:министерств\p{L}*|министр\b|департамент\p{L}*|комитет\p{L}*|управлени\p{L}*|правительств\p{L}*|администраци\p{L}*|губернатор\p{L}*|коллеги\p{L}* администрации)[^.;:]{0,60}?(?:област|кра[йяюе]\b|республик|автономн|города москвы|москвы|санкт-петербурга)|^губернатор|^министр\b|председател\p{L}* правительства",
    )
});
static REGIONAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:областн|регионал|краев)\p{L}* (?:образовательн|форум|конференц)"));
static MUNICIPAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)муниципальн\w* образовательн|муниципальн\w* форум|работников \p{L}+ского района|района|городского округа|муниципального образования",
    )
});
/// «Приложение N 2 к приказу … от 13 ноября 2015 г. N 5976»: an annex, with its act's requisites.
static ANNEX: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^приложение\b"));

/// «Распоряжение 500 16 октября 2007 года» printed after the text by legal sites.
static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:^|[^\p{{L}}])({})(?:\s+(\d[\w/-]*))?\s+(\d{{1,2}})\s+({})\s+(\d{{4}})",
        KIND_WORDS,
        ru_date::months_alternation()
    ))
});
/// Words that end the part of a header paragraph naming the issuing body (a cited act follows).
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)утвержден|на основании|в соответствии|в целях|во исполнение|согласно")
});
/// Paragraphs at the end of a document scanned for the signature (the issuing post).
const SIGNATURE_PARAS: usize = 8;

/// Detects the metadata of a document from its clean paragraphs.
pub fn detect(doc_id: &str, source: &str, paragraphs: &[String]) -> DocumentMeta {
    let header: Vec<&str> = paragraphs
        .iter()
        .take(HEADER_PARAS)
        .map(String::as_str)
        .collect();
    let head = act_header(paragraphs);
    let kind = detect_kind(paragraphs, &head);
    let requisites = act_requisites(&head).or_else(|| trailing_requisites(paragraphs));
    let (date, number) = match requisites {
        Some((d, n)) => (d, n),
        None if is_act(kind) => (
            act_date(&head),
            head.iter()
                .find_map(|p| PROTOCOL_NO.captures(p))
                .map(|c| c[1].to_string()),
        ),
        None => (detect_date(&head), None),
    };
    let year = date.map(|d| chrono::Datelike::year(&d)).or_else(|| {
        // An act's year is its date's: a year in its title is what the act is about.
        (!is_act(kind)).then_some(())?;
        head.iter()
            .filter(|p| !FOREIGN_DATES.is_match(p) && dates_in(p).len() <= 2)
            .find_map(|p| YEAR.captures(p))
            .and_then(|c| c[1].parse().ok())
    });
    // The signature: short unnumbered lines at the end («Мэр города Волгодонска»).
    let tail: Vec<&str> = paragraphs
        .iter()
        .rev()
        .take(SIGNATURE_PARAS)
        .map(String::as_str)
        .filter(|p| p.chars().count() < 150 && !p.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let level = detect_level(&header, &head, &tail);
    let region = if level == Level::Federal {
        None
    } else {
        place::region(paragraphs)
    };
    let municipality = if level == Level::Municipal {
        place::municipality(&head, &tail, paragraphs)
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

/// Acts with requisites (date and number) of their own.
pub(crate) fn is_act(kind: DocKind) -> bool {
    matches!(
        kind,
        DocKind::Order
            | DocKind::Instruction
            | DocKind::Decree
            | DocKind::Decision
            | DocKind::Protocol
    )
}

/// The leading paragraphs before the body of the act (its preamble or first item), at most
/// [`HEADER_PARAS`] + 4; a one-paragraph page (the site flattened it) is its own header.
fn act_header(paragraphs: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    for p in paragraphs.iter().take(HEADER_PARAS + 4) {
        if BODY_START.is_match(p) {
            break;
        }
        // A long paragraph is the body (or a header the site flattened into it): its start.
        if p.len() > 800 {
            out.push(&p[..p.floor_char_boundary(600)]);
            break;
        }
        out.push(p.as_str());
    }
    if out.is_empty()
        && let Some(first) = paragraphs.first()
        && !BODY_START.is_match(first)
    {
        out.push(first.as_str());
    }
    out
}

fn kind_of_word(word: &str) -> DocKind {
    let w: String = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    match w.as_str() {
        "приказ" => DocKind::Order,
        "распоряжение" => DocKind::Instruction,
        "постановление" => DocKind::Decree,
        "решение" => DocKind::Decision,
        "протокол" => DocKind::Protocol,
        "резолюция" => DocKind::Resolution,
        _ => DocKind::Other,
    }
}

fn kind_of_verb(verb: &str) -> DocKind {
    let w: String = verb
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if w.starts_with("приказ") {
        DocKind::Order
    } else if w == "решили" || w == "постановили" {
        DocKind::Protocol
    } else if w.starts_with("постановл") {
        DocKind::Decree
    } else if w.starts_with("распоряж") {
        DocKind::Instruction
    } else {
        DocKind::Decision
    }
}

fn detect_kind(paragraphs: &[String], head: &[&str]) -> DocKind {
    // An annex printed on its own («Приложение N 2 к приказу …») is not the act.
    if paragraphs.first().is_some_and(|p| ANNEX.is_match(p)) {
        return DocKind::Other;
    }
    for p in head {
        if let Some(c) = ACT_HEADING.captures(p) {
            return kind_of_word(&c[1]);
        }
        if PROTOCOL_NO.is_match(p) {
            return DocKind::Protocol;
        }
        if let Some(c) = ACT_WORD_CAPS.captures(p) {
            return kind_of_word(&c[1]);
        }
        if let Some(c) = ACT_FROM.captures(p) {
            return kind_of_word(&c[1]);
        }
    }
    if let Some(c) = paragraphs
        .iter()
        .take(40)
        .find_map(|p| OPERATIVE.captures(p))
    {
        return kind_of_verb(&c[1]);
    }
    if paragraphs.iter().take(40).any(|p| RESOLUTION.is_match(p)) {
        return DocKind::Resolution;
    }
    // A citation of the act itself after the text (legal sites print it there).
    paragraphs
        .iter()
        .rev()
        .take(SIGNATURE_PARAS)
        .find_map(|p| {
            let end = &p[p.floor_char_boundary(p.len().saturating_sub(300))..];
            ACT_HEADING
                .captures(p)
                .or_else(|| TRAILING.captures(end))
                .map(|c| kind_of_word(&c[1]))
        })
        .filter(|k| *k != DocKind::Resolution)
        .unwrap_or(DocKind::Other)
}

fn requisites_of(c: &regex::Captures<'_>) -> (Option<NaiveDate>, Option<String>) {
    let date = match (c.get(1), c.get(2), c.get(3)) {
        (Some(d), Some(m), Some(y)) => ru_date::month_number(m.as_str()).and_then(|m| {
            NaiveDate::from_ymd_opt(y.as_str().parse().ok()?, m, d.as_str().parse().ok()?)
        }),
        _ => match (c.get(4), c.get(5), c.get(6)) {
            (Some(d), Some(m), Some(y)) => ymd(y.as_str(), m.as_str(), d.as_str()),
            _ => None,
        },
    };
    let number = c
        .get(7)
        .map(|n| n.as_str().trim_end_matches(['.', ',']).to_string());
    (date, number)
}

/// The first match of `re` in the header (paragraphs joined by line breaks, so that a date
/// and a number on two lines are found together) that is the act's own: not preceded within
/// its paragraph by a repeal, an amendment or a citation, nor, for a paragraph that is only
/// «от …», by one in the previous paragraph.
fn own_match<'h>(joined: &'h str, re: &Regex) -> Option<regex::Captures<'h>> {
    re.captures_iter(joined).find(|c| {
        // The date itself (the match may begin with the separator before it).
        let start = c.get(1).or(c.get(4)).or(c.get(0)).map_or(0, |m| m.start());
        let para_start = joined[..start].rfind('\n').map_or(0, |k| k + 1);
        let from = joined
            .floor_char_boundary(start.saturating_sub(100))
            .max(para_start);
        let mut foreign = FOREIGN_DATES.is_match(&joined[from..start]);
        if !foreign && joined[para_start..].trim_start().starts_with("от ") && para_start > 0 {
            let prev_start = joined[..para_start - 1].rfind('\n').map_or(0, |k| k + 1);
            foreign = FOREIGN_DATES.is_match(&joined[prev_start..para_start]);
        }
        !foreign
    })
}

/// The act's own date and number from its header.
fn act_requisites(head: &[&str]) -> Option<(Option<NaiveDate>, Option<String>)> {
    own_match(&head.join("\n"), &DATE_NUMBER)
        .map(|c| requisites_of(&c))
        .filter(|(d, _)| d.is_some())
}

/// «Распоряжение» / «500» / «16 октября 2007 года» or «Постановление Мэра … от … N 1620»
/// printed after the text by legal sites.
fn trailing_requisites(paragraphs: &[String]) -> Option<(Option<NaiveDate>, Option<String>)> {
    let n = paragraphs.len();
    let tail = &paragraphs[n.saturating_sub(SIGNATURE_PARAS)..];
    for p in tail {
        if ACT_HEADING.is_match(p)
            && let Some(c) = DATE_NUMBER.captures(p)
        {
            return Some(requisites_of(&c)).filter(|(d, _)| d.is_some());
        }
        let end = &p[p.floor_char_boundary(p.len().saturating_sub(300))..];
        if let Some(c) = TRAILING.captures(end) {
            let date = ru_date::month_number(&c[4])
                .and_then(|m| NaiveDate::from_ymd_opt(c[5].parse().ok()?, m, c[3].parse().ok()?));
            return Some((date, c.get(2).map(|n| n.as_str().to_string())))
                .filter(|(d, _)| d.is_some());
        }
    }
    None
}

/// An act's date without a number: «от 12 мая 2014 года».
fn act_date(head: &[&str]) -> Option<NaiveDate> {
    own_match(&head.join("\n"), &FROM_DATE).and_then(|c| requisites_of(&c).0)
}

fn detect_level(header: &[&str], head: &[&str], tail: &[&str]) -> Level {
    let top = head
        .iter()
        .take(6)
        .map(|p| CITATION.find(p).map_or(*p, |m| &p[..m.start()]))
        .collect::<Vec<_>>()
        .join(" ");
    if FEDERAL.is_match(&top) {
        return Level::Federal;
    }
    // The issuing body: the first body named in the header, else the signature.
    for zone in [head, tail] {
        for p in zone {
            // The nearer unit is the body: «АДМИНИСТРАЦИЯ КАЛМАНСКОГО РАЙОНА АЛТАЙСКОГО КРАЯ».
            let m = MUNICIPAL_BODY.find(p).map(|m| (m.start(), m.end()));
            let r = REGIONAL_BODY.find(p).map(|m| (m.start(), m.end()));
            match (m, r) {
                (Some(m), Some(r)) if m < r => return Level::Municipal,
                (Some(_), None) => return Level::Municipal,
                (_, Some(_)) => return Level::Regional,
                (None, None) => {}
            }
        }
    }
    let head = header.iter().take(4).copied().collect::<Vec<_>>().join(" ");
    if MUNICIPAL
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
    if is_act(kind)
        && let Some(subject) = header
            .iter()
            .find(|p| ["Об ", "О ", "ОБ ", "О "].iter().any(|w| p.starts_with(w)) && p.len() > 20)
    {
        let end = [
            "В целях",
            "В соответствии",
            "На основании",
            "Руководствуясь",
            "С целью",
        ]
        .iter()
        .filter_map(|m| subject.find(&format!(" {m}")))
        .min()
        .unwrap_or(subject.len());
        let title: String = subject[..end].trim().chars().take(300).collect();
        return Some(title);
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

/// All dates of a paragraph, in order («26-27 августа 2021» counts as the 27th).
fn dates_in(p: &str) -> Vec<(usize, NaiveDate)> {
    let mut out: Vec<(usize, NaiveDate)> = WORD_DATE
        .captures_iter(p)
        .filter_map(|c| {
            let day = c.get(2).or(c.get(1))?.as_str().parse().ok()?;
            let d =
                NaiveDate::from_ymd_opt(c[4].parse().ok()?, ru_date::month_number(&c[3])?, day)?;
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
        .filter(|p| !FOREIGN_DATES.is_match(p))
        .find_map(|p| {
            let dates = dates_in(p);
            // A list of many dates is a history of amendments, not the adoption date.
            (dates.len() <= 2)
                .then(|| dates.first().map(|(_, d)| *d))
                .flatten()
        })
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
