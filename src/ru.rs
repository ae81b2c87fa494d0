//! Russian word helpers shared by the stages: folding for comparisons, abbreviations, the
//! organisation abbreviations that start an addressee, infinitives, «(далее – …)» definitions.

use std::sync::LazyLock;

use regex::Regex;

/// A «(далее – …)» definition in parentheses, with the space before it.
pub static DALEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\(далее\s*[-–—]?[^)]*\)").expect("constant regex is valid"));

/// Lower case with ё as е: the form names are compared in (never displayed).
pub fn fold(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

/// An abbreviation: 2–6 letters, all capitals («МКУ», «ОУ», «МБОУ», «ИРЦОСО»).
pub fn is_abbreviation(word: &str) -> bool {
    let n = word.chars().count();
    (2..=6).contains(&n)
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && word.chars().any(char::is_alphabetic)
}

/// Abbreviations that start an addressee («МКУ ИРЦОСО», «ГАУ ДПО «СОИРО»»).
pub const ORG_ABBREVIATIONS: &[&str] = &[
    "МКУ",
    "МБОУ",
    "МАОУ",
    "МОУ",
    "МБДОУ",
    "МАДОУ",
    "МДОУ",
    "МБУ",
    "МАУ",
    "МУ",
    "ГАУ",
    "ГБУ",
    "ГАПОУ",
    "ГБПОУ",
    "ГБОУ",
    "ГАОУ",
    "ФГБОУ",
    "ОГБУ",
    "ОГАУ",
    "ТОГАУ",
    "ТОГБУ",
    "ОУ",
    "ДОУ",
    "ММС",
    "МЦОКО",
    "СОИРО",
    "ИРЦОСО",
    "ИРО",
    "РЦОКО",
    "ЦОКО",
    "МКОУ",
    "МБУДО",
    "МАУДО",
    "МКУДО",
    "ГАУДПО",
];
/// Nouns that look like infinitives.
const NOT_INFINITIVES: &[&str] = &[
    "путь",
    "суть",
    "ртуть",
    "сеть",
    "треть",
    "пять",
    "опять",
    "десять",
    "девять",
    "хоть",
    "мать",
    "знать",
    "печать",
    "кровать",
    "благодать",
    "зять",
    "нить",
    "плеть",
    "медь",
];
/// Infinitives in -ти / -чь.
const OTHER_INFINITIVES: &[&str] = &[
    "провести",
    "вести",
    "ввести",
    "внести",
    "перевести",
    "привести",
    "произвести",
    "нести",
    "найти",
    "расти",
    "идти",
    "прийти",
    "обрести",
    "учесть",
    "помочь",
    "привлечь",
    "вовлечь",
    "увлечь",
    "пресечь",
    "достичь",
    "беречь",
    "сберечь",
    "превзойти",
    "изыскать",
];

/// Whether a word looks like an infinitive (by its ending; a short list of exceptions both
/// ways). Cheap: no dictionary lookup.
pub fn is_infinitive(word: &str) -> bool {
    let w = word.to_lowercase();
    if NOT_INFINITIVES.contains(&w.as_str()) {
        return false;
    }
    if OTHER_INFINITIVES.contains(&w.as_str()) {
        return true;
    }
    let stem = w.strip_suffix("ся").unwrap_or(&w);
    let Some(before) = stem.strip_suffix("ть") else {
        return false;
    };
    before.chars().count() >= 2
        && before
            .chars()
            .last()
            .is_some_and(|c| "аеиоуыяюэё".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinitives() {
        for w in [
            "обеспечить",
            "руководствоваться",
            "провести",
            "взять",
            "Принять",
        ] {
            assert!(is_infinitive(w), "{w}");
        }
        for w in [
            "области",
            "деятельность",
            "сеть",
            "путь",
            "образования",
            "часть",
        ] {
            assert!(!is_infinitive(w), "{w}");
        }
    }

    #[test]
    fn folding_and_abbreviations() {
        assert_eq!(fold("Учёба"), "учеба");
        assert!(is_abbreviation("МБОУ"));
        assert!(!is_abbreviation("Министерство"));
    }
}
