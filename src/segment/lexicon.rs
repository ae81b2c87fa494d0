//! The Russian word knowledge of segmentation: the patterns that classify a paragraph
//! (sessions, chapters, appendices, triggers, signatures), the words that start an addressee
//! lead-in, and the infinitive test.

use std::sync::LazyLock;

use regex::Regex;

use crate::enrich::morph;
use crate::ru::{ORG_ABBREVIATIONS, is_infinitive};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

/// The heading of a regulation: «Положение о …», «1. ОБЩИЕ ПОЛОЖЕНИЯ», «Основные функции …».
pub(super) static REGULATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:\d{1,2}\.\s*)?(?:общие положения|основные (?:функции|задачи|права)|положение о\b|порядок\s|регламент\s)",
    )
});
/// The title of a regulation on a line of its own: «ПОЛОЖЕНИЕ», «Порядок», «Положение о …».
pub(super) static REGULATION_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:ПОЛОЖЕНИЕ|ПОРЯДОК|РЕГЛАМЕНТ|Положение|Порядок|Регламент)(?:\s+(?:о|об|О|ОБ)\s[^.:;]{3,200})?$",
    )
});
/// The subject line under a regulation title: «О МИНИСТЕРСТВЕ ОБРАЗОВАНИЯ …», «о коллегии …».
pub(super) static REGULATION_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:о|об|О|ОБ)\s[^.:;]{3,300}$"));
/// A lead-in that defines the list below it: «Определить следующие места регистрации:»,
/// «Установить следующие сроки:».
pub(super) static DEFINES: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:Определить|Установить)\s+(?:\p{L}+\s+)?следующ\p{L}+\s"));
/// The subject line of an act: «Об утверждении Порядка …», «О готовности …» (no terminator).
pub(super) static ACT_SUBJECT: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:О|Об|ОБ)\s[^.;:]+$"));
/// «1) обеспечить …»: a sub-item numbered with a parenthesis.
pub(super) static PAREN_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d{1,2})\)\s*(\S.*)$"));
/// «СЛУШАЛИ:», «1. ВЫСТУПИЛИ:» in a protocol: what follows is the report, not decisions.
pub(super) static HEARD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?:\d{1,2}\.\s*)?(?:слушали|выступили|выступил\p{L}*|докладывал\p{L}*)\s*:")
});
pub(super) static SESSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[IVXLC]{1,6}\.\s*)?(?:Стратегическая сессия|Резолюция по результатам работы стратегической сессии|По результатам работы стратегической сессии|Резолюция стратегической сессии|По вопросу|Секция|Тематическая площадка|Переговорная площадка)\s*«",
    )
});
pub(super) static ROMAN: LazyLock<Regex> = LazyLock::new(|| re(r"^([IVXLC]{1,6})\.\s*(\S.*)$"));
pub(super) static APPENDIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:Приложение|ПРИЛОЖЕНИЕ)\s*(?:№\s*\d+|N\s*\d+|\d+)?\b"));
pub(super) static APPENDIX_REQUISITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:УТВЕРЖДЕН\p{Lu}*|утвержден\p{L}*|приказом|к приказу|от\s+\d|\p{Lu}\p{Ll}+ской области$|г\.\s)",
    )
});
pub(super) static DOC_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:Концепция|Модель|Программа|Положение|Порядок|Стратегия|План мероприятий|Дорожная карта|Регламент)\b",
    )
});
pub(super) static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:рекоменду\p{L}*|предлага\p{L}*|решил[аи]?|приказываю|постановля\p{L}*|постановил\p{L}*)\s*:\s*$|предлагают реализовать следующие меры",
    )
});
pub(super) static PROJECT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^В рамках (?:реализации )?(?:\p{L}+ )?(?:проекта|программы)\s*«"));
pub(super) static FUNCTIONS_IN: LazyLock<Regex> =
    LazyLock::new(|| re(r"^В функции (.+?)(?: как [^«]+?)? входит:$"));
pub(super) static WITH_FUNCTIONS: LazyLock<Regex> = LazyLock::new(|| re(r"^(.+?),? с функциями:$"));
pub(super) static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:(?:Министр|Начальник|Глава|Председатель|Заместитель|Директор|Руководитель)\b[^.;:]{0,150}?)?(?:\p{Lu}\.\s?\p{Lu}\.\s?\p{Lu}\p{Ll}+\s*)+$",
    )
});
/// The signature opening a paragraph: a post in the nominative, then «И.О. Фамилия» («Глава
/// администрации Калманского района С.А. Тахтаров …»); the annex may follow in the same
/// paragraph when the site flattened it.
pub(super) static SIGNED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^((?:И\.\s?о\.\s*)?(?:Министр|Начальник|Глава|Мэр|Председатель|Заместитель|Директор|Руководитель|Губернатор)\b[^.;:()]{0,150}?)\s+(\p{Lu}\.\s?\p{Lu}\.\s?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)\b",
    )
});
/// «Контроль … оставляю за собой»: the signer keeps control.
pub(super) static SELF_CONTROL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)оставля\p{L}*\s+за\s+собой"));
pub(super) static FIRST_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:(?i:рекомендовать|предложить|поручить)\s+)?(?:всем\s+)?([\p{L}][\p{L}-]*)")
});
/// Verbs that name the addressees after them: «Рекомендовать / Предложить / Поручить X …».
pub(super) const ADDRESSING_VERBS: [&str; 6] = [
    "Рекомендовать ",
    "рекомендовать ",
    "Предложить ",
    "предложить ",
    "Поручить ",
    "поручить ",
];
/// A word: a letter, then letters and hyphens (what [`words`] finds; the regex tells the
/// letters outside the Russian and Latin alphabets).
static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"[\p{L}][\p{L}-]*"));

/// Whether `c` is a letter (`\p{L}`), without the regex for ASCII and the Russian alphabet.
fn is_word_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        '\0'..='\u{7f}' => false,
        _ => WORD.is_match(c.encode_utf8(&mut [0; 4])),
    }
}

/// Byte offsets and text of the words of `text` ([`WORD`]), found in one pass over its
/// characters (the regex costs a noticeable share of parsing here).
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = chars.next()?;
            if is_word_letter(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if c == '-' || is_word_letter(c) {
                chars.next();
            } else {
                end = i;
                break;
            }
        }
        Some((start, &text[start..end]))
    })
}

/// Dative words that start an unnumbered addressee lead-in.
const ORG_DATIVES: &[&str] = &[
    "министерству",
    "управлению",
    "отделу",
    "главам",
    "главе",
    "руководителям",
    "руководителю",
    "учреждению",
    "учреждениям",
    "муниципальному",
    "муниципальным",
    "государственному",
    "государственным",
    "органам",
    "образовательным",
    "общеобразовательным",
    "педагогам",
    "учителям",
    "администрации",
    "администрациям",
    "комитету",
    "департаменту",
    "центру",
    "центрам",
    "институту",
    "директорам",
    "заведующим",
    "организациям",
    "методическим",
    "муниципальной",
    "региональному",
    "областному",
    "профессиональным",
    "родителям",
];
/// Dative endings accepted for the first word of a numbered lead-in.
const DATIVE_ENDINGS: &[&str] = &[
    "ам", "ям", "ому", "ему", "ству", "ению", "анию", "делу", "телю", "ору", "тору", "ым", "им",
    "ции",
];

/// Byte offsets and text of the words of `text` outside «quotes» and (parentheses).
pub(super) fn plain_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut depth = 0i32;
    let mut last = 0usize;
    // An unclosed quotation (a typo) would hide the rest of the paragraph: ignore quotes then.
    let quotes_balanced = text.matches('«').count() == text.matches('»').count();
    words(text).filter(move |&(start, _)| {
        for c in text[last..start].chars() {
            match c {
                '«' if quotes_balanced => depth += 1,
                '»' if quotes_balanced => depth = (depth - 1).max(0),
                '(' => depth += 1,
                ')' => depth = (depth - 1).max(0),
                _ => {}
            }
        }
        last = start;
        depth == 0
    })
}

/// Byte offset of the first infinitive among the first `limit` plain words. An infinitive
/// glued to the word before it by the site («города Пензыпродолжать работу») starts inside
/// that word.
pub(super) fn find_infinitive(text: &str, limit: usize) -> Option<usize> {
    plain_words(text)
        .take(limit)
        .find(|(_, w)| is_infinitive(w))
        .map(|(pos, w)| pos + glued_infinitive(w).unwrap_or(0))
}

/// Where a dictionary infinitive starts inside a word that is no dictionary word itself but
/// a dictionary word glued to the infinitive («Пензыпродолжать» → 10, the byte offset of
/// «продолжать»).
fn glued_infinitive(word: &str) -> Option<usize> {
    if word.chars().count() < 9 || morph::is_dictionary_word(word) {
        return None;
    }
    word.char_indices()
        .skip(3)
        .map(|(k, _)| k)
        .filter(|&k| word[k..].chars().count() >= 5)
        .find(|&k| {
            let (head, tail) = word.split_at(k);
            is_infinitive(tail)
                && morph::is_dictionary_word(tail)
                && morph::is_dictionary_word(head)
        })
}

pub(super) fn starts_with_infinitive(text: &str) -> bool {
    plain_words(text)
        .next()
        .is_some_and(|(pos, w)| pos < 3 && is_infinitive(w))
}

/// The first word of a lead-in (after «Рекомендовать»), if it names an addressee.
/// `loose` accepts any dative-looking word (numbered lead-ins), otherwise only known ones.
pub(super) fn is_addressee_start(text: &str, loose: bool) -> bool {
    let Some(c) = FIRST_WORD.captures(text) else {
        return false;
    };
    let Some(word) = c.get(1).map(|m| m.as_str()) else {
        return false;
    };
    if ORG_ABBREVIATIONS.contains(&word) {
        return true;
    }
    let verb = ADDRESSING_VERBS.iter().any(|v| text.starts_with(v));
    if !word.chars().next().is_some_and(char::is_uppercase) && !verb {
        return false;
    }
    let lower = word.to_lowercase();
    ORG_DATIVES.contains(&lower.as_str())
        || loose && lower.chars().count() > 4 && DATIVE_ENDINGS.iter().any(|e| lower.ends_with(e))
        || loose && is_dative_noun(&lower)
}

/// A noun or adjective that can only be dative here, not nominative («Начальнику»,
/// «Оргкомитету», «Пресс-службе», «Федеральной»).
fn is_dative_noun(word: &str) -> bool {
    let last = word.rsplit('-').next().unwrap_or(word);
    let readings = morph::readings(last);
    let nominal = |r: &&morph::Reading| r.has("NOUN") || r.has("ADJF");
    readings.iter().filter(nominal).any(|r| r.has("datv"))
        && !readings
            .iter()
            .filter(nominal)
            .any(|r| r.has("nomn") || r.has("accs"))
        && readings
            .first()
            .is_some_and(|r| r.has("NOUN") || r.has("ADJF"))
}

/// Strips «Рекомендовать», a trailing colon/comma and «следует/необходимо» from a lead-in.
pub(super) fn clean_lead(lead: &str) -> String {
    let mut t = lead.trim();
    for p in ADDRESSING_VERBS {
        if let Some(r) = t.strip_prefix(p) {
            t = r;
        }
    }
    let mut t = t
        .trim_end_matches([':', ',', ' ', ';', '-', '–', '.'])
        .to_string();
    for tail in [
        " следует",
        " необходимо",
        " рекомендуется",
        " рекомендовано",
    ] {
        if let Some(r) = t.strip_suffix(tail) {
            t = r.trim_end_matches([',', ' ']).to_string();
        }
    }
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_the_matches_of_the_word_regex() {
        // Every character up to the CJK blocks, each between hyphens and spaces, then words.
        let mut text: String = (0..0x3000u32)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, '-', c, ' '])
            .collect();
        text.push_str(" -Пензы- «школа-интернат» café x1y Ёлка -- ");
        let expected: Vec<(usize, &str)> = WORD
            .find_iter(&text)
            .map(|m| (m.start(), m.as_str()))
            .collect();
        assert_eq!(words(&text).collect::<Vec<_>>(), expected);
    }
}
