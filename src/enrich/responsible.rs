//! Responsible persons: surnames in parentheses («(Абрамова)», «(Ветров, Ветрова, Гонтарева)»,
//! «(Иванова Т.А., Петрова)»).
//!
//! A parenthesis counts only when every comma-separated part is one capitalised Cyrillic
//! word (optionally hyphenated) with optional initials before or after it. Abbreviations
//! («(ГАУ ДПО «СОИРО»)»), lower-case phrases («(городских округов)», «(далее – …)»), years
//! and lists of tests («(ЕГЭ, ОГЭ)») do not qualify. Only the surname is returned.

use std::sync::LazyLock;

use regex::Regex;

static PAREN: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\(([^()]{1,160})\)").ok());

static PERSON: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:[А-ЯЁ]\.\s?){1,2}\s*)?(?P<s>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?:\s+(?:[А-ЯЁ]\.\s?){1,2})?$",
    )
    .ok()
});

/// Capitalised words that are not surnames but may stand alone in parentheses.
const NOT_SURNAMES: [&str; 10] = [
    "Приложение",
    "Далее",
    "Включительно",
    "Кадеты",
    "Россия",
    "Проект",
    "Программа",
    "Организация",
    "Например",
    "Согласованию",
];

/// Responsible persons named in parentheses, in order of appearance, without repeats.
pub fn responsible(text: &str) -> Vec<String> {
    let (Some(paren), Some(person)) = (PAREN.as_ref(), PERSON.as_ref()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for caps in paren.captures_iter(text) {
        let Some(inner) = caps.get(1) else { continue };
        let parts: Vec<&str> = inner.as_str().split([',', ';']).map(str::trim).collect();
        let names: Option<Vec<String>> = parts
            .iter()
            .map(|p| {
                let c = person.captures(p)?;
                let s = c.name("s")?.as_str();
                let letters = s.chars().filter(|c| c.is_alphabetic()).count();
                (letters >= 3 && !NOT_SURNAMES.contains(&s)).then(|| s.to_owned())
            })
            .collect();
        for name in names.unwrap_or_default() {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}
