//! Russian word helpers shared by the stages: folding for comparisons, abbreviations, the
//! organisation abbreviations that start an addressee, infinitives, «(далее – …)» definitions.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// A «(далее – …)» definition in parentheses, with the space before it.
pub static DALEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\(далее\s*[-–—]?[^)]*\)").expect("constant regex is valid"));

/// A regex with Unicode word boundaries (`\b`), searched only where the same pattern without
/// them matches.
///
/// On Cyrillic text the regex crate's fast engine (a lazy DFA) gives up at a Unicode `\b` and
/// the search falls back to a slower one over the whole text. Without the boundaries the
/// pattern matches every text the original matches (an assertion only removes matches), so a
/// text the boundary-free pattern does not match — most texts — is answered by the fast engine
/// alone, and every answer is the original pattern's.
#[derive(Debug)]
pub struct WordRegex {
    regex: Regex,
    gate: Regex,
}

impl WordRegex {
    /// Compiles `pattern` and its boundary-free gate.
    pub fn new(pattern: &str) -> Result<Self, regex::Error> {
        Ok(WordRegex {
            regex: Regex::new(pattern)?,
            gate: Regex::new(&without_word_boundaries(pattern))?,
        })
    }

    /// [`Regex::find`].
    pub fn find<'h>(&self, haystack: &'h str) -> Option<regex::Match<'h>> {
        if self.gate.is_match(haystack) {
            self.regex.find(haystack)
        } else {
            None
        }
    }

    /// [`Regex::captures_iter`] (nothing when the gate does not match).
    pub fn captures_iter<'r, 'h>(
        &'r self,
        haystack: &'h str,
    ) -> impl Iterator<Item = regex::Captures<'h>> + use<'r, 'h> {
        self.gate
            .is_match(haystack)
            .then(|| self.regex.captures_iter(haystack))
            .into_iter()
            .flatten()
    }
}

/// Several [`WordRegex`]es searched together: their gates (the patterns without `\b`) run as
/// one set, in one pass over a text, and a pattern is searched only where its gate matched.
#[derive(Debug)]
pub struct WordRegexSet {
    regexes: Vec<Regex>,
    gates: RegexSet,
}

impl WordRegexSet {
    /// Compiles the patterns and their gates.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, regex::Error> {
        Ok(WordRegexSet {
            regexes: patterns
                .iter()
                .map(|p| Regex::new(p.as_ref()))
                .collect::<Result<_, _>>()?,
            gates: RegexSet::new(patterns.iter().map(|p| without_word_boundaries(p.as_ref())))?,
        })
    }

    /// The patterns (index and regex, in the order given) whose gate matches `haystack`: only
    /// they can match it.
    pub fn gated(&self, haystack: &str) -> impl Iterator<Item = (usize, &Regex)> {
        self.gates
            .matches(haystack)
            .into_iter()
            .filter_map(|i| Some((i, self.regexes.get(i)?)))
    }
}

/// `pattern` with every `\b` removed (escaped backslashes kept as they are).
fn without_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => {}
            Some(next) => {
                out.push(c);
                out.push(next);
            }
            None => out.push(c),
        }
    }
    out
}

/// Lower case with ё as е: the form names are compared in (never displayed).
pub fn fold(s: &str) -> String {
    lower(s).replace('ё', "е")
}

/// `char::is_alphabetic`, answered without the Unicode tables for ASCII and the Russian
/// alphabet (the tables' binary search is a measurable share of parsing).
pub fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        '\0'..='\u{7f}' => false,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric` with the fast paths of [`is_letter`].
pub fn is_alphanumeric(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        '\0'..='\u{7f}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// `str::to_lowercase`, with the Russian alphabet lower-cased without the Unicode tables.
/// Identical results: other characters go through `char::to_lowercase`, and a text with «Σ»
/// (whose lower case depends on its position in a word) through `str::to_lowercase`.
pub fn lower(s: &str) -> String {
    if s.contains('Σ') {
        return s.to_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '\0'..='\u{7f}' | 'а'..='я' | 'ё' => out.push(c),
            // А..Я → а..я: the same offset for the whole block.
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'Ё' => out.push('ё'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// An abbreviation: 2–6 letters, all capitals («МКУ», «ОУ», «МБОУ», «ИРЦОСО»).
pub fn is_abbreviation(word: &str) -> bool {
    let n = word.chars().count();
    (2..=6).contains(&n)
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && word.chars().any(is_letter)
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
    let w = lower(word);
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
    fn word_boundaries_are_removed_from_the_gate_only() {
        assert_eq!(
            without_word_boundaries(r"\b(?:до|к)\s+\d{4}\b|\\b\w"),
            r"(?:до|к)\s+\d{4}|\\b\w"
        );
        let re = WordRegex::new(r"(?i)\bдо\s+(\d{4})\b").expect("valid");
        let text = "Обеспечить до 2025 года, ДО 2026; иначе подо 2027 и до 20281";
        let found: Vec<&str> = re
            .captures_iter(text)
            .filter_map(|c| c.get(1).map(|m| m.as_str()))
            .collect();
        assert_eq!(found, ["2025", "2026"]);
        assert_eq!(re.find(text).map(|m| m.start()), text.find("до"));
        assert!(re.find("подо 2027").is_none());
        assert!(re.captures_iter("нет срока").next().is_none());
    }

    #[test]
    fn fast_letter_tests_agree_with_the_standard_library() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn fast_lower_case_agrees_with_the_standard_library() {
        // Every character but «Σ» (which takes the standard path) through the fast one.
        let every: String = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| c != 'Σ')
            .collect();
        assert_eq!(lower(&every), every.to_lowercase());
        for s in [
            "МБОУ «Школа № 1» Ёлкино",
            "ΟΔΟΣ ΣΑΣ",
            "İstanbul ǅ",
            "Управление ОБРАЗОВАНИЯ",
            "",
        ] {
            assert_eq!(lower(s), s.to_lowercase(), "{s}");
        }
    }

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
