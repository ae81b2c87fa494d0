//! One canonical form per body: a full name and its abbreviation are merged.
//!
//! The documents name the same organisation in two ways — «Государственное автономное
//! учреждение дополнительного профессионального образования «Саратовский областной институт
//! развития образования»» and «ГАУ ДПО «СОИРО»», or «Муниципальное казенное учреждение
//! «Муниципальный центр оценки качества образования»», «МКУ «Муниципальный центр …»» and
//! «МКУ «МЦОКО»». The canonical form kept is the **short official form the documents use**
//! (legal-form abbreviation + abbreviated name: «ГАУ ДПО «СОИРО»», «ГАУ СО «РЦОКО»», «МКУ
//! «МЦОКО»»): it is what readers know and what the documents themselves switch to.
//!
//! Where the short form comes from, in order:
//! 1. the document's own definitions: «<полное название «…»> (далее – ГАУ СО «РЦОКО»)» or
//!    «<полное название «…»> (ГАУ ДПО «СОИРО»)» — a parenthesis right after a quoted name
//!    that holds only an abbreviated name (no lower-case words outside quotes);
//! 2. the small table [`WELL_KNOWN`] of regional bodies, for documents that use a full name
//!    without defining it (000 writes the Rtishchevo centre's full name and «МКУ «МЦОКО»»
//!    without a «далее»).
//!
//! A short form that is only the bare abbreviation («(далее – СОИРО)», a lead-in «СОИРО:»)
//! becomes the table's fuller form of the same body, so every document yields the same string.
//!
//! Only canonical forms that are *just* a body's name are rewritten: words before the quoted
//! name must all belong to a legal form («Государственное автономное учреждение Саратовской
//! области», «МКУ»). «Руководитель МБОУ «Сатинская СОШ»» or descriptive short forms
//! («(далее – министерство образования)») are left as they are. Bodies are matched by the
//! quoted name (lower-cased, «ё» folded, punctuation ignored) or by the abbreviated name.

use std::collections::HashMap;

use crate::ru::fold;

/// Well-known bodies whose short form is used when a document gives no definition:
/// (short official form, full name inside the quotes). The short forms are those the seed
/// documents define themselves (003: «(далее – ГАУ ДПО «СОИРО»)», «(далее – ГАУ СО «РЦОКО»)»;
/// 000 and 002: «МКУ «МЦОКО»»).
pub const WELL_KNOWN: [(&str, &str); 3] = [
    (
        "ГАУ ДПО «СОИРО»",
        "Саратовский областной институт развития образования",
    ),
    (
        "ГАУ СО «РЦОКО»",
        "Региональный центр оценки качества образования",
    ),
    (
        "МКУ «МЦОКО»",
        "Муниципальный центр оценки качества образования",
    ),
];

/// How a body is recognised: its abbreviated name («СОИРО») or its full quoted name (folded).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Abbr(String),
    Name(String),
}

/// Short forms defined in one document.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    defined: HashMap<Key, String>,
}

impl Aliases {
    /// Collects the definitions of short forms found in the paragraphs of a document.
    pub fn from_paragraphs<S: AsRef<str>>(paragraphs: &[S]) -> Aliases {
        let mut defined = HashMap::new();
        for p in paragraphs {
            for (full, short) in definitions(p.as_ref()) {
                let Some(abbr) = abbr_key(&short) else {
                    continue;
                };
                defined
                    .entry(Key::Name(fold_name(&full)))
                    .or_insert(short.clone());
                defined.entry(abbr).or_insert(short);
            }
        }
        Aliases { defined }
    }

    /// The short form this document itself defines for the body named `canonical`
    /// (`None` when it defines none; the table is not consulted).
    pub fn defined(&self, canonical: &str) -> Option<&str> {
        self.defined.get(&body_key(canonical)?).map(String::as_str)
    }

    /// The canonical form of a body named `canonical` (unchanged when it is not a bare
    /// name of a body, or when no short form is known).
    pub fn resolve(&self, canonical: &str) -> String {
        let Some(key) = body_key(canonical) else {
            return canonical.to_owned();
        };
        let short = self
            .defined
            .get(&key)
            .cloned()
            .or_else(|| well_known(&key).map(str::to_owned));
        let Some(short) = short else {
            return canonical.to_owned();
        };
        // A bare abbreviation («СОИРО») gets the fuller official form of the table.
        match abbr_key(&short).as_ref().and_then(well_known) {
            Some(official) if !short.contains('«') => official.to_owned(),
            _ => short,
        }
    }
}

fn well_known(key: &Key) -> Option<&'static str> {
    WELL_KNOWN.iter().find_map(|(short, full)| {
        let hit = match key {
            Key::Name(n) => *n == fold_name(full),
            Key::Abbr(a) => abbr_key(short).is_some_and(|k| k == Key::Abbr(a.clone())),
        };
        hit.then_some(*short)
    })
}

/// A quoted name folded for matching: lower case, «ё» → «е», words separated by one space.
fn fold_name(name: &str) -> String {
    fold(name)
        .split(|c: char| !crate::ru::is_alphanumeric(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of the last top-level «…» group of `s` and the text before it.
fn last_quoted(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_end();
    let inner_end = s.strip_suffix('»')?.len();
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            '»' => depth += 1,
            '«' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some((&s[..i], &s[i + '«'.len_utf8()..inner_end]));
                }
            }
            _ => {}
        }
    }
    None
}

/// An abbreviation: at least two letters, all capitals («МКУ», «СОИРО», «ДПО»).
fn is_abbreviation(word: &str) -> bool {
    word.chars().filter(|&c| crate::ru::is_letter(c)).count() >= 2
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// The abbreviated-name key of a short form made only of abbreviations: «ГАУ ДПО «СОИРО»»,
/// «МКУ МЦОКО», «СОИРО» → `Abbr("СОИРО")`. `None` when it has lower-case words.
fn abbr_key(short: &str) -> Option<Key> {
    let name = match last_quoted(short) {
        Some((before, inner)) => {
            if !before.split_whitespace().all(is_abbreviation) {
                return None;
            }
            inner
        }
        None => {
            let words: Vec<&str> = short.split_whitespace().collect();
            if !words.iter().all(|w| is_abbreviation(w)) {
                return None;
            }
            *words.last()?
        }
    };
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    is_abbreviation(&name).then_some(Key::Abbr(name))
}

/// Stems of words that may make up a legal form before a quoted name.
const LEGAL_FORM_STEMS: [&str; 14] = [
    "государствен",
    "муниципальн",
    "федеральн",
    "областн",
    "автономн",
    "бюджетн",
    "казенн",
    "учрежден",
    "дополнительн",
    "профессиональн",
    "образовани",
    "област",
    "края",
    "республик",
];

/// Whether every word of `prefix` belongs to a legal form: abbreviations, the words of
/// [`LEGAL_FORM_STEMS`], region adjectives («Саратовской»), «и».
fn is_legal_form(prefix: &str) -> bool {
    prefix
        .split(|c: char| !(crate::ru::is_alphanumeric(c) || c == '-'))
        .filter(|w| !w.is_empty())
        .enumerate()
        .all(|(i, w)| {
            let f = fold(w);
            is_abbreviation(w)
                || LEGAL_FORM_STEMS.iter().any(|s| f.starts_with(s))
                || (i > 0 && w.starts_with(char::is_uppercase))
        })
}

/// The key of a canonical form that is just a body's name, `None` for anything else.
fn body_key(canonical: &str) -> Option<Key> {
    if let Some(k) = abbr_key(canonical) {
        return Some(k);
    }
    let (before, inner) = last_quoted(canonical)?;
    if !inner.chars().any(char::is_lowercase) || !is_legal_form(before) {
        return None;
    }
    Some(Key::Name(fold_name(inner)))
}

/// Definitions «… «full name» (далее – SHORT)» and «… «full name» (SHORT)» in a paragraph:
/// (full quoted name, short form with «» quotes and single spaces).
fn definitions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('(') {
        let at = offset + open;
        let before = &text[..at];
        let after = &text[at + 1..];
        let Some(close) = after.find(')') else {
            break;
        };
        if let Some(short) = short_form(&after[..close])
            && let Some((_, full)) = last_quoted(before)
            && full.chars().any(char::is_lowercase)
        {
            out.push((full.to_owned(), short));
        }
        offset = at + 1;
        rest = &text[offset..];
    }
    out
}

/// The short form inside a definition parenthesis: «далее – ГАУ СО «РЦОКО»», «далее- СОИРО»
/// or just «ГАУ ДПО «СОИРО»». `None` unless it is made of abbreviations only.
fn short_form(paren: &str) -> Option<String> {
    let p = paren.trim();
    let p = match fold(p).strip_prefix("далее") {
        Some(_) => p["далее".len()..].trim_start_matches([' ', '-', '–', '—']),
        None => p,
    };
    let p = normalise_quotes(p);
    abbr_key(&p)?;
    Some(p)
}

/// ASCII quotes around a name become «»; spaces are collapsed.
fn normalise_quotes(s: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for c in s.chars() {
        if c == '"' {
            out.push(if open { '»' } else { '«' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOIRO_FULL: &str = "Государственное автономное учреждение дополнительного \
        профессионального образования «Саратовский областной институт развития образования»";

    #[test]
    fn definitions_in_the_text_are_found() {
        let a = Aliases::from_paragraphs(&[
            "определяет операторов: государственное автономное учреждение Саратовской области \
             «Региональный центр оценки качества образования» (далее – ГАУ СО «РЦОКО») и …",
            "2. Муниципальному бюджетному учреждению «Центр развития образования» (далее- ЦРО):",
            "(далее – министерство образования) и (ОВЗ)",
        ]);
        assert_eq!(
            a.resolve("Государственное автономное учреждение Саратовской области «Региональный центр оценки качества образования»"),
            "ГАУ СО «РЦОКО»"
        );
        assert_eq!(
            a.resolve("Муниципальное бюджетное учреждение «Центр развития образования»"),
            "ЦРО"
        );
        assert_eq!(a.resolve("ЦРО"), "ЦРО");
    }

    #[test]
    fn the_table_serves_documents_without_definitions() {
        let a = Aliases::default();
        assert_eq!(a.resolve(SOIRO_FULL), "ГАУ ДПО «СОИРО»");
        assert_eq!(a.resolve("СОИРО"), "ГАУ ДПО «СОИРО»");
        for m in [
            "МКУ «Муниципальный центр оценки качества образования»",
            "Муниципальное казенное учреждение «Муниципальный центр оценки качества образования»",
            "Муниципальное казённое учреждение \"Муниципальный центр оценки качества образования\"",
            "МКУ «МЦОКО»",
        ] {
            assert_eq!(a.resolve(&normalise_quotes(m)), "МКУ «МЦОКО»", "{m}");
        }
    }

    #[test]
    fn a_bare_abbreviation_defined_in_the_text_gets_the_official_form() {
        let a = Aliases::from_paragraphs(&[format!("{SOIRO_FULL} (далее – СОИРО)")]);
        assert_eq!(a.resolve(SOIRO_FULL), "ГАУ ДПО «СОИРО»");
    }

    #[test]
    fn names_with_more_than_a_legal_form_are_kept() {
        let a = Aliases::from_paragraphs(&[
            "МБОУ «Сатинская средняя общеобразовательная школа» (МБОУ «Сатинская СОШ»)",
        ]);
        for c in [
            "Руководитель МБОУ «Сатинская СОШ»",
            "Министерство образования Саратовской области",
            "Руководители ОУ",
            "Совет директоров «Саратовский областной институт развития образования»",
        ] {
            assert_eq!(a.resolve(c), c);
        }
    }
}
