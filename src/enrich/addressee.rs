//! Addressee lead-ins → addressees with nominative canonical forms.
//!
//! Decisions (predictable rather than clever):
//! - The number, «Рекомендовать/Предложить/Поручить/Просить», the colon and everything from
//!   the first verb in the infinitive («обеспечить», «взять на личный контроль») or the first
//!   adverbial phrase («в целях», «в соответствии с», «в течение», «в 2021/2022 учебном
//!   году», «при …», «для …») are not part of the addressees.
//! - Co-operating partners after «во взаимодействии с» / «совместно с» are **not** addressees:
//!   the block is addressed to the bodies before those words (the issue's example: «1.
//!   Министерству … во взаимодействии с …:» is addressed to the ministry).
//! - Addressees are separated by commas, semicolons and «и» when the next part starts with
//!   a word in the case of the list (dative, or nominative in the Model of 003) or an
//!   abbreviation; other parts (participial phrases «, осуществляющих …», genitive tails
//!   «… и организаций отдыха детей») stay with the addressee before them.
//! - `raw` is the phrase as written (whitespace collapsed, responsible persons kept).
//! - `canonical`: the leading adjectives and head noun are put in the nominative with the
//!   head's number and gender (rsmorphy); a participle agreeing with the head right after
//!   a comma («органам …, осуществляющим …») too; the genitive tail, quoted names and
//!   abbreviations stay as written. Removed: parentheses with responsible persons,
//!   «(по согласованию)», «(далее – …)» and abbreviation aliases («(ГАУ ДПО «СОИРО»)»).
//!   For plural heads (groups of bodies: главы, руководители, службы, организации) a
//!   trailing territory («области», «Саратовской области», «Ртищевского муниципального
//!   района», «района», «региона») is dropped, so «Главам муниципальных районов (городских
//!   округов) области» and «… Саратовской области» merge; singular bodies keep it
//!   («Министерство образования Саратовской области»). ASCII quotes become «»; a bare
//!   abbreviated name after a legal form is quoted («МКУ МЦОКО» → «МКУ «МЦОКО»»); «е» is
//!   not turned into «ё» by the morphology; the first letter is capitalised; spaces are
//!   collapsed. A full name and its abbreviation («Государственное автономное учреждение …
//!   «Саратовский областной институт развития образования»» / «ГАУ ДПО «СОИРО»») are
//!   merged afterwards, per document, by the module `alias`, and one-typo spellings of one
//!   name by the module `spelling` (segmentation calls both).
//! - The nominative lists of the Model of 003 («Органы местного самоуправления, … с
//!   функциями:») and «В функции ГАУ ДПО «СОИРО» как регионального оператора входит:»
//!   (genitive) are understood too; a nominative lead-in whose head is not an organisation or
//!   a person («Конференция решила:», «Проведение оценочного этапа:») has no addressee.

use std::sync::LazyLock;

use regex::Regex;

use super::morph::{self, Reading};
use super::role::role_of;
use crate::model::Addressee;
use crate::ru::{fold, is_abbreviation};

/// Case of the list of addressees in a lead-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Dative,
    Nominative,
    Genitive,
    Accusative,
}

impl Case {
    fn grammeme(self) -> &'static str {
        match self {
            Case::Dative => "datv",
            Case::Nominative => "nomn",
            Case::Genitive => "gent",
            Case::Accusative => "accs",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    /// «…» or "…" (kept as written).
    Quote,
    /// (…) (kept as written; removed from `canonical` when it names persons or aliases).
    Paren,
    /// `,` `;` `.`
    Sep(char),
    Space,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    kind: Kind,
}

static BOOKMARK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\[bookmark:[^\]]*\]").ok());
static NUMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-–—·•*\u{F02D}\u{F0B7}]\s*)?(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.)\s+").ok()
});
static LEADING_VERB: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:рекомендовать|предложить|поручить|просить)\s+").ok());
static FUNCTIONS_OF: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)^в\s+функци[июя]\s+(?P<who>.+?)\s+входи?я?т$").ok());
static TERRITORY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:\s+[А-ЯЁ][а-яё-]+(?:ой|ого))?(?:\s+муниципального)?\s+(?:района|области|региона|края|округа|республики)$",
    )
    .ok()
});
static ASCII_QUOTES: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#""([^"]{1,200})""#).ok());

/// Two-word phrases (lower-case, ё folded) that end the addressee part of a lead-in.
const CUT_PAIRS: [(&str, &str); 14] = [
    ("во", "взаимодействии"),
    ("в", "взаимодействии"),
    ("совместно", "с"),
    ("в", "соответствии"),
    ("в", "целях"),
    ("в", "рамках"),
    ("в", "течение"),
    ("в", "срок"),
    ("по", "итогам"),
    ("с", "целью"),
    ("с", "функциями"),
    ("с", "учетом"),
    ("в", "части"),
    ("на", "основе"),
];

/// Single words that end the addressee part.
const CUT_WORDS: [&str; 14] = [
    "при",
    // Adverbs of time: «Управлению образования … заблаговременно провести …».
    "заблаговременно",
    "своевременно",
    "ежегодно",
    "ежеквартально",
    "ежемесячно",
    "постоянно",
    "для",
    "как",
    "необходимо",
    "следует",
    "рекомендуется",
    "рекомендуем",
    "предлагается",
];

/// Head nouns (lemmas) that make a nominative lead-in an addressee.
const ORG_LEMMAS: [&str; 26] = [
    "министерство",
    "департамент",
    "комитет",
    "управление",
    "отдел",
    "орган",
    "организация",
    "учреждение",
    "служба",
    "центр",
    "институт",
    "университет",
    "колледж",
    "школа",
    "глава",
    "руководитель",
    "администрация",
    "совет",
    "педагог",
    "учитель",
    "родитель",
    "координатор",
    "оператор",
    "объединение",
    "ассоциация",
    "методист",
];

/// Punctuation never kept at the end of `raw` or `canonical`.
const TRAILING: [char; 8] = [',', ';', '.', ':', '-', '–', '—', ' '];

/// Splits a lead-in into addressees.
pub fn addressees(lead_in: &str) -> Vec<Addressee> {
    let Some((text, case)) = prepare(lead_in) else {
        return Vec::new();
    };
    split(&text, case)
}

/// Addressees of a list known to be in the nominative («Организации дополнительного
/// образования детей» of «5. Организации … с функциями:»), where the case of an ambiguous
/// first word («Организации»: dative singular or nominative plural) cannot be guessed.
pub fn addressees_nominative(list: &str) -> Vec<Addressee> {
    let Some((text, _)) = prepare(list) else {
        return Vec::new();
    };
    split(&text, Case::Nominative)
}

/// Addressees of a list in the accusative («возложить на заместителя главы администрации
/// …, начальника отдела образования»).
pub fn addressees_accusative(list: &str) -> Vec<Addressee> {
    let Some((text, _)) = prepare(list) else {
        return Vec::new();
    };
    split(&text, Case::Accusative)
}

fn split(text: &str, case: Case) -> Vec<Addressee> {
    let toks = tokenize(text);
    let toks = cut(&toks);
    let mut out: Vec<Addressee> = Vec::new();
    for (seg, case) in segments(toks, case) {
        let raw = join(seg)
            .trim()
            .trim_end_matches([',', ';', '.'])
            .trim()
            .to_owned();
        if raw.is_empty() {
            continue;
        }
        let Some(canonical) = canonical(seg, case) else {
            continue;
        };
        if out.iter().any(|a| a.canonical == canonical) {
            continue;
        }
        out.push(Addressee {
            role: role_of(&canonical),
            raw,
            canonical,
        });
    }
    out
}

/// Cleans the lead-in: artefacts, number, leading verb, colon. Decides the case of the list.
fn prepare(lead_in: &str) -> Option<(String, Case)> {
    let mut s = lead_in.to_owned();
    if let Some(re) = BOOKMARK.as_ref() {
        s = re.replace_all(&s, "").into_owned();
    }
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(re) = NUMBER.as_ref() {
        s = re.replace(&s, "").into_owned();
    }
    s = s
        .trim()
        .trim_end_matches([':', ';', '.', ',', ' '])
        .to_owned();
    if let Some(re) = LEADING_VERB.as_ref() {
        s = re.replace(&s, "").into_owned();
    }
    if let Some(who) = FUNCTIONS_OF
        .as_ref()
        .and_then(|re| re.captures(&s))
        .and_then(|c| c.name("who"))
    {
        return Some((who.as_str().to_owned(), Case::Genitive));
    }
    if s.is_empty() {
        return None;
    }
    let case = if fold(&s).contains("с функциями") || starts_nominative_only(&s) {
        Case::Nominative
    } else {
        Case::Dative
    };
    Some((s, case))
}

/// Whether the first word can be a nominative noun/adjective but not a dative one
/// («Органы …», «Общеобразовательные организации …», «Министерство …»).
fn starts_nominative_only(s: &str) -> bool {
    let Some(first) = s.split_whitespace().next() else {
        return false;
    };
    let r = morph::readings(first.trim_matches(|c: char| !crate::ru::is_letter(c)));
    let noun_or_adj = |r: &&Reading| (r.has("NOUN") || r.has("ADJF")) && !r.has("PRTF");
    r.iter().filter(noun_or_adj).any(|r| r.has("nomn"))
        && !r.iter().filter(noun_or_adj).any(|r| r.has("datv"))
}

/// Splits text into words, quoted names, parentheses, separators and spaces.
fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        let (end, kind) = if c.is_whitespace() {
            (scan_while(s, start, char::is_whitespace), Kind::Space)
        } else if c == '«' {
            (scan_group(s, start, '«', '»'), Kind::Quote)
        } else if c == '(' {
            (scan_group(s, start, '(', ')'), Kind::Paren)
        } else if c == '"' {
            match s[start + 1..].find('"') {
                Some(i) => (start + 1 + i + 1, Kind::Quote),
                None => (start + 1, Kind::Other),
            }
        } else if crate::ru::is_alphanumeric(c) {
            (scan_word(s, start), Kind::Word)
        } else if matches!(c, ',' | ';' | '.') {
            (start + c.len_utf8(), Kind::Sep(c))
        } else {
            (start + c.len_utf8(), Kind::Other)
        };
        toks.push(Tok {
            text: &s[start..end],
            kind,
        });
        while it.peek().is_some_and(|&(i, _)| i < end) {
            it.next();
        }
    }
    toks
}

fn scan_while(s: &str, start: usize, f: impl Fn(char) -> bool) -> usize {
    s[start..]
        .char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| start + i)
}

/// A word: letters and digits, with inner hyphens («детско-юношеский»).
fn scan_word(s: &str, start: usize) -> usize {
    let mut end = start;
    let mut chars = s[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if crate::ru::is_alphanumeric(c) {
            end = start + i + c.len_utf8();
        } else if c == '-'
            && chars
                .peek()
                .is_some_and(|&(_, n)| crate::ru::is_alphanumeric(n))
        {
            continue;
        } else {
            break;
        }
    }
    end
}

/// A nested group from `open` to its matching `close` (or to the end).
fn scan_group(s: &str, start: usize, open: char, close: char) -> usize {
    let mut depth = 0usize;
    for (i, c) in s[start..].char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return start + i + c.len_utf8();
            }
        }
    }
    s.len()
}

fn join(toks: &[Tok<'_>]) -> String {
    toks.iter().map(|t| t.text).collect()
}

/// Words (index, lower-case folded) of a token slice.
fn words<'a>(toks: &'a [Tok<'a>]) -> impl Iterator<Item = (usize, String)> + 'a {
    toks.iter()
        .enumerate()
        .filter(|(_, t)| t.kind == Kind::Word)
        .map(|(i, t)| (i, fold(t.text)))
}

/// Whether a word is only a verb in the infinitive.
fn is_infinitive(word: &str) -> bool {
    let r = morph::readings(word);
    r.iter().any(|r| r.has("INFN")) && !r.iter().any(|r| r.has("NOUN") || r.has("ADJF"))
}

/// The tokens before the first verb or adverbial phrase.
fn cut<'a>(toks: &'a [Tok<'a>]) -> &'a [Tok<'a>] {
    let ws: Vec<(usize, String)> = words(toks).collect();
    let mut end = toks.len();
    for (k, (i, w)) in ws.iter().enumerate() {
        let next = ws.get(k + 1).map(|(_, n)| n.as_str()).unwrap_or("");
        let cut_here = CUT_WORDS.contains(&w.as_str())
            || CUT_PAIRS.iter().any(|(a, b)| w == a && next == *b)
            || (matches!(w.as_str(), "в" | "до" | "на" | "к")
                && next.starts_with(|c: char| c.is_ascii_digit()))
            || is_infinitive(w);
        if cut_here {
            end = *i;
            break;
        }
    }
    // «… района - Принять меры …»: a spaced dash ends the addressees too.
    let dash = toks[..end].windows(3).position(|w| {
        w[0].kind == Kind::Space
            && w[1].kind == Kind::Other
            && matches!(w[1].text, "-" | "–" | "—")
            && w[2].kind == Kind::Space
    });
    &toks[..dash.unwrap_or(end)]
}

/// Whether the tokens start with an addressee in the given case: an abbreviation, or
/// adjectives/participles and a head noun in that case («государственному автономному
/// учреждению …», but not «организационной работы …»).
fn starts_addressee(toks: &[Tok<'_>], case: Case) -> bool {
    let Some(first) = toks.iter().position(|t| t.kind != Kind::Space) else {
        return false;
    };
    (toks[first].kind == Kind::Word && is_abbreviation(toks[first].text))
        || find_head(toks, first, case).is_some()
}

/// Splits the tokens into addressee segments.
fn segments<'a>(toks: &'a [Tok<'a>], case: Case) -> Vec<(&'a [Tok<'a>], Case)> {
    // A lead-in that does not start like an addressee has none.
    if !starts_addressee(toks, case) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let is_split = match t.kind {
            Kind::Sep(',') | Kind::Sep(';') => true,
            // «района. МКУ МЦОКО» (a typo for a comma) — only before a capital.
            Kind::Sep('.') => toks[i + 1..]
                .iter()
                .find(|t| t.kind != Kind::Space)
                .is_some_and(|t| t.text.starts_with(char::is_uppercase)),
            Kind::Word => t.text == "и",
            _ => false,
        };
        if is_split {
            let rest = &toks[i + 1..];
            let next = rest.iter().find(|t| t.kind != Kind::Space);
            let new_one = next.is_some_and(|n| {
                (n.kind == Kind::Word && starts_addressee(rest, case))
                    || (n.kind == Kind::Quote && t.kind != Kind::Word)
            });
            if new_one {
                out.push((&toks[start..i], case));
                start = i + 1;
            }
        }
        i += 1;
    }
    out.push((&toks[start..], case));
    out
}

/// The reading of `word` in `case` with one of the parts of speech.
fn reading_in(word: &str, case: Case, pos: &[&str]) -> Option<Reading> {
    // «Пресс-службе»: a compound declines in its last part.
    let word = word.rsplit('-').next().unwrap_or(word);
    morph::readings(word)
        .iter()
        .find(|r| r.has(case.grammeme()) && pos.iter().any(|p| r.has(p)))
        .cloned()
}

/// [`recase`] for a compound whose last part was inflected: «Пресс-службе» → «Пресс-служба».
fn recase_compound(word: &str, like: &str) -> String {
    match like.rfind('-') {
        Some(k) if k > 0 => format!("{}{}", &like[..=k], recase(word, &like[k + 1..])),
        _ => recase(word, like),
    }
}

/// Copies the capitalisation of `like` onto `word`, and its «е» for «ё» (rsmorphy writes
/// «казённое» for «казенному»; the canonical form follows the document's spelling).
fn recase(word: &str, like: &str) -> String {
    let folded;
    let word = if like.contains(['ё', 'Ё']) {
        word
    } else {
        folded = word.replace('ё', "е").replace('Ё', "Е");
        folded.as_str()
    };
    let letters: Vec<char> = like.chars().filter(|&c| crate::ru::is_letter(c)).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return word.to_uppercase();
    }
    if like.starts_with(char::is_uppercase) {
        return capitalise(word);
    }
    word.to_owned()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The nominative, normalised form of one addressee segment; `None` when the segment does not
/// have a head noun in the case of the list (then it is no addressee).
fn canonical(seg: &[Tok<'_>], case: Case) -> Option<String> {
    let mut out: Vec<String> = seg.iter().map(|t| t.text.to_owned()).collect();
    let first = seg.iter().position(|t| t.kind != Kind::Space)?;
    let mut plural_head = false;
    if seg[first].kind == Kind::Word && is_abbreviation(seg[first].text) {
        // «МКУ ИРЦОСО», «МБОУ «Сатинская СОШ»»: indeclinable, kept as written, except that a
        // bare abbreviated name after the legal form is quoted so that «МКУ МЦОКО» and
        // «МКУ «МЦОКО»» merge.
        if let Some(name) = bare_abbreviated_name(seg, first) {
            out[name] = format!("«{}»", seg[name].text);
        }
    } else {
        let (head_at, head) = find_head(seg, first, case)?;
        let number = if head.has("plur") { "plur" } else { "sing" };
        plural_head = number == "plur";
        let gender = if plural_head {
            None
        } else {
            head.first_of(&["masc", "femn", "neut"])
        };
        if case != Case::Nominative {
            let mut need = vec!["nomn", number];
            need.extend(gender);
            for i in first..=head_at {
                if seg[i].kind != Kind::Word {
                    continue;
                }
                let pos: &[&str] = if i == head_at {
                    &["NOUN"]
                } else {
                    &["ADJF", "PRTF"]
                };
                let Some(r) = reading_in(seg[i].text, case, pos) else {
                    continue;
                };
                let required: &[&str] = if i == head_at { &need[..2] } else { &need };
                if let Some(w) = r.inflect(required) {
                    out[i] = recase_compound(&w, seg[i].text);
                }
            }
            agree_participles(seg, head_at, case, &need, &mut out);
        }
    }
    for (i, t) in seg.iter().enumerate() {
        if t.kind == Kind::Paren && drop_paren(t.text) {
            out[i] = String::new();
        }
    }
    let mut s = out.concat();
    if let Some(re) = ASCII_QUOTES.as_ref() {
        s = re.replace_all(&s, "«$1»").into_owned();
    }
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s = s.replace(" ,", ",");
    s = s.trim().trim_end_matches(TRAILING).trim().to_owned();
    if plural_head && let Some(re) = TERRITORY.as_ref() {
        let cut = re.replace(&s, "").into_owned();
        if !cut.trim().is_empty() {
            s = cut;
        }
    }
    let s = capitalise(s.trim());
    (!s.is_empty()).then_some(s)
}

/// Legal forms of organisations written as abbreviations before the name.
const LEGAL_FORMS: [&str; 22] = [
    "МКУ",
    "МБУ",
    "МАУ",
    "МОУ",
    "МБОУ",
    "МАОУ",
    "МКОУ",
    "МБДОУ",
    "МАДОУ",
    "МКДОУ",
    "ГАУ",
    "ГБУ",
    "ГКУ",
    "ГБОУ",
    "ГАОУ",
    "ГАПОУ",
    "ГБПОУ",
    "ФГБОУ",
    "ДПО",
    "ДО",
    "СО",
    "ВО",
];

/// Index of the name in «<legal forms> <ABBREVIATION>» when the name is the last word and
/// is not quoted («МКУ МЦОКО», «МКУ ИРЦОСО»).
fn bare_abbreviated_name(seg: &[Tok<'_>], first: usize) -> Option<usize> {
    let words: Vec<usize> = (first..seg.len())
        .filter(|&i| !matches!(seg[i].kind, Kind::Space | Kind::Paren))
        .collect();
    let (&last, forms) = words.split_last()?;
    let all_words = words.iter().all(|&i| seg[i].kind == Kind::Word);
    (all_words
        && !forms.is_empty()
        && forms.iter().all(|&i| LEGAL_FORMS.contains(&seg[i].text))
        && is_abbreviation(seg[last].text)
        && !LEGAL_FORMS.contains(&seg[last].text))
    .then_some(last)
}

/// The head noun: the first noun in `case` after a run of adjectives / participles in that
/// case. In the nominative, the head must name an organisation or a person.
fn find_head(seg: &[Tok<'_>], first: usize, case: Case) -> Option<(usize, Reading)> {
    for (i, t) in seg.iter().enumerate().skip(first) {
        match t.kind {
            Kind::Space => continue,
            Kind::Word => {}
            _ => return None,
        }
        let all = morph::readings(t.text);
        // An active participle does not start or qualify an addressee name before its head
        // («осуществляющие управление …» is a tail, not an addressee); passive ones are
        // used as adjectives («объединённому совету», «уполномоченным органам»).
        if all.first().is_some_and(|f| f.has("PRTF") && f.has("actv")) {
            return None;
        }
        if let Some(r) = reading_in(t.text, case, &["NOUN"]) {
            let is_adj = reading_in(t.text, case, &["ADJF", "PRTF"]).is_some()
                && all.first().is_some_and(|f| f.has("ADJF") || f.has("PRTF"));
            if !is_adj {
                if case == Case::Nominative && !ORG_LEMMAS.contains(&r.lemma.as_str()) {
                    return None;
                }
                return Some((i, r));
            }
        }
        reading_in(t.text, case, &["ADJF", "PRTF"])?;
    }
    None
}

/// «органам местного самоуправления, осуществляющим управление …»: a participle in the
/// case of the list right after a comma agrees with the head; put it in the nominative too.
fn agree_participles(
    seg: &[Tok<'_>],
    head_at: usize,
    case: Case,
    need: &[&str],
    out: &mut [String],
) {
    let mut i = head_at + 1;
    while i < seg.len() {
        if seg[i].kind == Kind::Sep(',')
            && let Some(j) = (i + 1..seg.len()).find(|&j| seg[j].kind != Kind::Space)
            && seg[j].kind == Kind::Word
            && let Some(r) = reading_in(seg[j].text, case, &["PRTF"])
            && r.has(need[1])
            && let Some(w) = r.inflect(need)
        {
            out[j] = recase(&w, seg[j].text);
        }
        i += 1;
    }
}

/// Whether a parenthesis is left out of `canonical`: responsible persons, «по согласованию»,
/// «далее – …», or an abbreviation alias without lower-case words.
fn drop_paren(p: &str) -> bool {
    let inner = p.trim_start_matches('(').trim_end_matches(')');
    let lower = fold(inner);
    if !super::responsible::responsible(p).is_empty()
        || lower.contains("согласован")
        || lower.trim_start().starts_with("далее")
    {
        return true;
    }
    // Lower-case letters outside quotes mean a real qualifier («(городских округов)»).
    let mut depth = 0i32;
    let mut has_lower = false;
    for c in inner.chars() {
        match c {
            '«' => depth += 1,
            '»' => depth -= 1,
            c if depth <= 0 && c.is_lowercase() => has_lower = true,
            _ => {}
        }
    }
    !has_lower
}
