//! Where a document comes from: its region (subject of the federation) and, for municipal
//! acts, its municipality.
//!
//! - region: the most frequent subject named in the first paragraphs: «…ской области»,
//!   «…ского края», «Республики Коми», «Чеченской Республики», «…ского автономного округа»,
//!   Москва and Санкт-Петербург, or a regional capital named as a city («города Пензы» →
//!   Пензенская область; the table of capitals is below); when none is named, the subject
//!   of the towns and districts the text names, from the [`gazetteer`](super::gazetteer)
//!   («города Усолье-Сибирское» → Иркутская область, «Шатурского муниципального района» →
//!   Московская область; a name shared by several subjects counts for none);
//! - municipality: the unit of the issuing body in the header (then the signature, then the
//!   most frequent in the text): «город X» (nominative), «X муниципальный район»,
//!   «муниципальный район "X"», «городской округ "X"».

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::gazetteer::{self, Found};
use crate::enrich::morph;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

/// Paragraphs scanned for the region and the municipality.
const REGION_SCAN_PARAS: usize = 120;

static OBLAST: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(\p{L}[\p{L}-]*)ск(?:ая|ой|ую|ою) (?:област|обл\.)"));
static KRAI: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(\p{L}[\p{L}-]*)ск(?:ий|ого|ому|ом) кра[йяюе]"));
static REPUBLIC_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:[Рр]еспублик[аиеуой]{1,2}|РЕСПУБЛИК[АИЕУОЙ]{1,2})\s+(\p{Lu}[\p{L}-]{2,}(?:\s+Эл)?)")
});
static REPUBLIC_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(\p{L}[\p{L}-]*)(?:ская|ской|скую|ской) республик"));
static AUTONOMOUS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(\p{L}[\p{L}-]*)([сц])к(?:ий|ого|ому|ом) автономн\p{L}* округ"));
static FEDERAL_CITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(москв[аыеу]|санкт-петербург\p{L}*)(?:[^\p{L}-]|$)"));
/// A city named as such: «города Пензы», «г. Ростова-на-Дону», «МЭРИЯ ГОРОДА АРХАНГЕЛЬСКА».
static CITY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:^|[^\p{L}])(?:[Гг]ород[ауе]?\s+|ГОРОД[АУЕ]?\s+|г\.\s*)(\p{Lu}\p{L}+(?:-\p{L}+)*)")
});
static DISTRICT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[^\p{L}])(\p{L}[\p{L}-]*)ск(?:ий|ого|ому|ом|им) (муниципальн\p{L}+ )?(район|округ)\p{L}*",
    )
});
static QUOTED_DISTRICT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)муниципальн\p{L}* район\p{L}*\s*["«]([^"»]{3,40})["»]"#));
static QUOTED_OKRUG: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)(?:МОГО|городск\p{L}* округ\p{L}*)\s*["«]([^"»]{3,40})["»]"#));

/// A town named as such, with the word after its name kept for two-word names
/// («ГОРОДА СОВЕТСКАЯ ГАВАНЬ», «города Усолье-Сибирское», «г.Шатура»).
static TOWN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^\p{L}])(?:[Гг]ород(?:а|у|е|ом)?\s+|ГОРОД(?:А|У|Е|ОМ)?\s+|г\.\s*)(\p{Lu}[\p{L}-]+)(?:\s+(\p{Lu}[\p{L}-]+))?",
    )
});
/// A district named by its adjective in any case: «Шатурского муниципального района»,
/// «Заполярного района», «ТЯЖИНСКИЙ РАЙОН», «Балахнинского муниципального округа».
static ADJECTIVE_DISTRICT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:^|[^\p{L}])(\p{Lu}[\p{L}-]*?)(?i:ый|ий|ой|ого|его|ому|ему|ым|им|ом|ем)\s+(?i:муниципальн\p{L}+\s+)?(?i:район|округ|улус)",
    )
});

/// Regional capitals (nominative) and their subjects.
const CAPITALS: &[(&str, &str)] = &[
    ("Архангельск", "Архангельская область"),
    ("Астрахань", "Астраханская область"),
    ("Барнаул", "Алтайский край"),
    ("Белгород", "Белгородская область"),
    ("Благовещенск", "Амурская область"),
    ("Брянск", "Брянская область"),
    ("Владивосток", "Приморский край"),
    ("Владимир", "Владимирская область"),
    ("Волгоград", "Волгоградская область"),
    ("Вологда", "Вологодская область"),
    ("Воронеж", "Воронежская область"),
    ("Екатеринбург", "Свердловская область"),
    ("Иваново", "Ивановская область"),
    ("Ижевск", "Удмуртская Республика"),
    ("Иркутск", "Иркутская область"),
    ("Казань", "Республика Татарстан"),
    ("Калининград", "Калининградская область"),
    ("Калуга", "Калужская область"),
    ("Кемерово", "Кемеровская область"),
    ("Киров", "Кировская область"),
    ("Кострома", "Костромская область"),
    ("Краснодар", "Краснодарский край"),
    ("Красноярск", "Красноярский край"),
    ("Курган", "Курганская область"),
    ("Курск", "Курская область"),
    ("Липецк", "Липецкая область"),
    ("Магадан", "Магаданская область"),
    ("Мурманск", "Мурманская область"),
    ("Нижний Новгород", "Нижегородская область"),
    ("Новосибирск", "Новосибирская область"),
    ("Омск", "Омская область"),
    ("Оренбург", "Оренбургская область"),
    ("Пенза", "Пензенская область"),
    ("Пермь", "Пермский край"),
    ("Петрозаводск", "Республика Карелия"),
    ("Псков", "Псковская область"),
    ("Ростов-на-Дону", "Ростовская область"),
    ("Рязань", "Рязанская область"),
    ("Самара", "Самарская область"),
    ("Саранск", "Республика Мордовия"),
    ("Саратов", "Саратовская область"),
    ("Смоленск", "Смоленская область"),
    ("Ставрополь", "Ставропольский край"),
    ("Сыктывкар", "Республика Коми"),
    ("Тамбов", "Тамбовская область"),
    ("Тверь", "Тверская область"),
    ("Томск", "Томская область"),
    ("Тула", "Тульская область"),
    ("Тюмень", "Тюменская область"),
    ("Ульяновск", "Ульяновская область"),
    ("Уфа", "Республика Башкортостан"),
    ("Хабаровск", "Хабаровский край"),
    ("Чебоксары", "Чувашская Республика"),
    ("Челябинск", "Челябинская область"),
    ("Чита", "Забайкальский край"),
    ("Южно-Сахалинск", "Сахалинская область"),
    ("Якутск", "Республика Саха (Якутия)"),
    ("Ярославль", "Ярославская область"),
];

/// «РОСТОВА-НА-ДОНУ» → «Ростова-на-Дону»: each hyphenated part capitalised, «на» kept low.
fn title_case(word: &str) -> String {
    word.split('-')
        .map(|part| {
            let lower = part.to_lowercase();
            if lower == "на" {
                return lower;
            }
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn most_frequent(items: impl Iterator<Item = String>) -> Option<String> {
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

/// The nominative of a city name written in any case («Пензы» → «Пенза», «Ростова-на-Дону»
/// → «Ростов-на-Дону», «Волгодонска» → «Волгодонск»).
pub(super) fn city_nominative(written: &str) -> String {
    let name = title_case(written);
    let (first, rest) = match name.find("-на-") {
        Some(k) => (&name[..k], &name[k..]),
        None => (name.as_str(), ""),
    };
    if let Some((cap, _)) = CAPITALS.iter().find(|(c, _)| {
        let c_first = c.split("-на-").next().unwrap_or(c);
        crate::ru::fold(c_first) == crate::ru::fold(first)
            || strip_case(first).is_some_and(|s| crate::ru::fold(&s) == crate::ru::fold(c_first))
    }) {
        let c_first = cap.split("-на-").next().unwrap_or(cap);
        return format!("{c_first}{rest}");
    }
    let lemma = (!first.contains('-'))
        .then(|| {
            morph::readings(first)
                .iter()
                .find(|r| r.known && r.has("Geox") && !r.has("nomn"))
                .map(|r| title_case(&r.lemma))
        })
        .flatten();
    let nominative = lemma
        .or_else(|| strip_case(first))
        .unwrap_or_else(|| first.to_string());
    format!("{nominative}{rest}")
}

/// Genitive endings of city names: «-ы» → «-а», «-и» → «-ь», a final «-а» after a consonant
/// dropped. `None` when the word has none of them.
fn strip_case(word: &str) -> Option<String> {
    let mut chars: Vec<char> = word.chars().collect();
    let last = *chars.last()?;
    let before = chars.len().checked_sub(2).map(|k| chars[k])?;
    match last {
        'ы' => {
            chars.pop();
            chars.push('а');
        }
        'и' if !"аеиоуыэюя".contains(before) => {
            chars.pop();
            chars.push('ь');
        }
        'а' | 'е' | 'у' if !"аеиоуыэюяь".contains(before) => {
            chars.pop();
        }
        _ => return None,
    }
    Some(chars.into_iter().collect())
}

fn capital_region(city: &str) -> Option<&'static str> {
    let folded = crate::ru::fold(city);
    CAPITALS
        .iter()
        .find(|(c, _)| crate::ru::fold(c) == folded)
        .map(|(_, r)| *r)
}

/// Every subject of the federation named in a paragraph, in the nominative.
fn regions_in(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    // The patterns start with an unanchored letter run and cannot use a literal prefilter;
    // a substring check skips the paragraphs where they cannot match.
    let has = |a: &str, b: &str| p.contains(a) || p.contains(b);
    if !has("обл", "ОБЛ")
        && !has("кра", "КРА")
        && !has("еспублик", "ЕСПУБЛИК")
        && !has("автономн", "АВТОНОМН")
        && !has("оскв", "ОСКВ")
        && !has("етербург", "ЕТЕРБУРГ")
        && !has("ород", "ОРОД")
        && !p.contains("г.")
    {
        return out;
    }
    // Each case-insensitive pattern needs its words in the lower-cased text (letters whose
    // case folding is another letter's — the old Cyrillic variants — keep every pattern on).
    let lower = crate::ru::lower(p);
    let exotic = p.contains(|c: char| ('\u{1C80}'..='\u{1C88}').contains(&c));
    let may = |word: &str| exotic || lower.contains(word);
    let oblasts = may(" обл").then(|| OBLAST.captures_iter(p));
    for c in oblasts.into_iter().flatten() {
        let stem = title_case(&c[1]);
        if stem.chars().count() >= 3 {
            out.push(format!("{stem}ская область"));
        }
    }
    let krais = may(" кра").then(|| KRAI.captures_iter(p));
    for c in krais.into_iter().flatten() {
        out.push(format!("{}ский край", title_case(&c[1])));
    }
    for c in REPUBLIC_AFTER.captures_iter(p) {
        let name = title_case(&c[1]);
        if !matches!(name.as_str(), "Российской" | "Россия") {
            out.push(format!("Республика {name}"));
        }
    }
    let republics = may(" республик").then(|| REPUBLIC_BEFORE.captures_iter(p));
    for c in republics.into_iter().flatten() {
        let stem = title_case(&c[1]);
        if stem != "Российской" && !stem.starts_with("Росси") {
            out.push(format!("{stem}ская Республика"));
        }
    }
    let okrugs = may(" автономн").then(|| AUTONOMOUS.captures_iter(p));
    for c in okrugs.into_iter().flatten() {
        out.push(format!(
            "{}{}кий автономный округ",
            title_case(&c[1]),
            c[2].to_lowercase()
        ));
    }
    let cities = (may("москв") || may("санкт-петербург")).then(|| FEDERAL_CITY.captures_iter(p));
    for c in cities.into_iter().flatten() {
        let w = c[1].to_lowercase();
        out.push(if w.starts_with("москв") {
            "Москва".to_string()
        } else {
            "Санкт-Петербург".to_string()
        });
    }
    for c in CITY.captures_iter(p) {
        if let Some(r) = capital_region(&city_nominative(&c[1])) {
            out.push(r.to_string());
        }
    }
    out
}

/// The most frequent subject of the federation named in the first paragraphs; when none is
/// named, the most frequent subject of the towns and districts they name.
pub(super) fn region(paragraphs: &[String]) -> Option<String> {
    // The first pages name the place often enough; scanning everything costs time.
    let paragraphs = &paragraphs[..paragraphs.len().min(REGION_SCAN_PARAS)];
    most_frequent(paragraphs.iter().flat_map(|p| regions_in(p))).or_else(|| {
        most_frequent(
            paragraphs
                .iter()
                .flat_map(|p| places_in(p))
                .map(str::to_string),
        )
    })
}

/// The subjects of the towns and districts named in a paragraph that the gazetteer places in
/// one subject.
fn places_in(p: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let has = |a: &str, b: &str| p.contains(a) || p.contains(b);
    let towns = has("ород", "ОРОД") || p.contains("г.");
    if !towns && !has("айон", "АЙОН") && !has("круг", "КРУГ") && !has("улус", "УЛУС")
    {
        return out;
    }
    if towns {
        for c in TOWN.captures_iter(p) {
            let (Some(whole), Some(first)) = (c.get(0), c.get(1)) else {
                continue;
            };
            // «2011 г. Приказом» is a year, not a town.
            if p[..whole.start()]
                .trim_end()
                .ends_with(|ch: char| ch.is_ascii_digit())
            {
                continue;
            }
            let two = c.get(2).map(|second| {
                format!(
                    "{} {}",
                    title_case(first.as_str()),
                    title_case(second.as_str())
                )
            });
            let candidates = two
                .into_iter()
                .chain([city_nominative(first.as_str()), title_case(first.as_str())]);
            out.extend(first_known(candidates.map(|n| gazetteer::settlement(&n))));
        }
    }
    for c in ADJECTIVE_DISTRICT.captures_iter(p) {
        let Some(stem) = c.get(1).map(|m| m.as_str()) else {
            continue;
        };
        if stem.chars().count() < 3 {
            continue;
        }
        let found = ["ый", "ий", "ой"].map(|end| gazetteer::district(&format!("{stem}{end}")));
        out.extend(first_known(found.into_iter()));
    }
    for c in QUOTED_DISTRICT.captures_iter(p) {
        out.extend(quoted_unit(&c[1]));
    }
    for c in QUOTED_OKRUG.captures_iter(p) {
        out.extend(quoted_unit(&c[1]));
    }
    out
}

/// The first answer that knows the name: an ambiguous name is not read again in another form.
fn first_known(mut found: impl Iterator<Item = Found>) -> Option<&'static str> {
    found
        .find(|f| *f != Found::Unknown)
        .and_then(Found::subject)
}

/// A unit named in quotes: «Корткеросский», «Заполярный район» (a district) or «Ухта» (its
/// centre).
fn quoted_unit(inner: &str) -> Option<&'static str> {
    let folded = crate::ru::fold(inner.trim());
    let name = ["муниципальный район", "район"]
        .iter()
        .find_map(|unit| folded.strip_suffix(unit))
        .unwrap_or(&folded)
        .trim();
    if ["ый", "ий", "ой"].iter().any(|end| name.ends_with(end)) {
        gazetteer::district(name).subject()
    } else {
        gazetteer::settlement(name).subject()
    }
}

/// Municipal units named in a paragraph, with their byte offsets.
fn municipalities_in(p: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let has = |a: &str, b: &str| p.contains(a) || p.contains(b);
    if !has("район", "РАЙОН")
        && !has("округ", "ОКРУГ")
        && !has("ород", "ОРОД")
        && !p.contains("г.")
        && !p.contains("МОГО")
    {
        return out;
    }
    for c in QUOTED_DISTRICT.captures_iter(p) {
        let Some(m) = c.get(0) else { continue };
        let inner = c[1].trim();
        out.push((
            m.start(),
            if crate::ru::fold(inner).ends_with(" район") {
                inner.to_string()
            } else {
                format!("муниципальный район \"{inner}\"")
            },
        ));
    }
    for c in QUOTED_OKRUG.captures_iter(p) {
        let Some(m) = c.get(0) else { continue };
        out.push((m.start(), format!("городской округ \"{}\"", c[1].trim())));
    }
    for c in CITY.captures_iter(p) {
        let Some(m) = c.get(1) else { continue };
        let city = city_nominative(m.as_str());
        // «г. Москвы» is a region, not a municipality.
        if city.chars().count() >= 3 && !matches!(city.as_str(), "Москва" | "Санкт-Петербург")
        {
            out.push((m.start(), format!("город {city}")));
        }
    }
    for c in DISTRICT.captures_iter(p) {
        let (Some(m), Some(unit)) = (c.get(1), c.get(3)) else {
            continue;
        };
        let stem = title_case(m.as_str());
        if stem.chars().count() < 3 {
            continue;
        }
        let municipal = c.get(2).is_some();
        let unit = unit.as_str().to_lowercase();
        out.push((
            m.start(),
            match (municipal, unit.as_str()) {
                (true, "район") => format!("{stem}ский муниципальный район"),
                (false, "район") => format!("{stem}ский район"),
                (true, _) => format!("{stem}ский муниципальный округ"),
                (false, _) => format!("{stem}ский городской округ"),
            },
        ));
    }
    out.sort_by_key(|(pos, _)| *pos);
    out
}

/// The municipality of a municipal act: the first unit of the header, else of the
/// signature, else the most frequent in the text.
pub(super) fn municipality(head: &[&str], tail: &[&str], paragraphs: &[String]) -> Option<String> {
    let paragraphs = &paragraphs[..paragraphs.len().min(REGION_SCAN_PARAS)];
    if let Some((_, m)) = head
        .iter()
        .find_map(|p| municipalities_in(p).into_iter().next())
    {
        return Some(m);
    }
    if let Some((_, m)) = tail
        .iter()
        .find_map(|p| municipalities_in(p).into_iter().next())
    {
        return Some(completed(m, paragraphs));
    }
    let all: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| municipalities_in(p).into_iter().map(|(_, m)| m))
        .collect();
    // «Ртищевский район» and «Ртищевский муниципальный район» are the same place: count the
    // stem, report the most explicit form seen.
    let best_stem = most_frequent(all.iter().map(|s| stem_of(s).to_string()))?;
    all.iter()
        .filter(|s| stem_of(s) == best_stem)
        .max_by_key(|s| s.contains("муниципальный"))
        .cloned()
}

/// A name at the end of a stored page may be cut («г. Волгодонс»): the longer name it
/// begins in the text («города Волгодонска» → «город Волгодонск») is taken instead.
fn completed(name: String, paragraphs: &[String]) -> String {
    let folded = crate::ru::fold(&name);
    paragraphs
        .iter()
        .flat_map(|p| municipalities_in(p).into_iter().map(|(_, m)| m))
        .find(|m| m.len() > name.len() && crate::ru::fold(m).starts_with(&folded))
        .unwrap_or(name)
}

fn stem_of(name: &str) -> &str {
    name.split(' ')
        .find(|w| !matches!(*w, "город" | "муниципальный" | "городской"))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_names_in_the_nominative() {
        assert_eq!(city_nominative("РОСТОВА-НА-ДОНУ"), "Ростов-на-Дону");
        assert_eq!(city_nominative("Пензы"), "Пенза");
        assert_eq!(city_nominative("Волгодонска"), "Волгодонск");
        assert_eq!(city_nominative("Тюмени"), "Тюмень");
    }

    #[test]
    fn the_subject_of_a_named_town_or_district() {
        let r = |t: &[&str]| region(&t.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            r(&["ГЛАВА ГОРОДА СОВЕТСКАЯ ГАВАНЬ С СОВЕТСКО - ГАВАНСКИМ РАЙОНОМ"]).as_deref(),
            Some("Хабаровский край")
        );
        assert_eq!(
            r(&["учреждений города Усолье-Сибирское"]).as_deref(),
            Some("Иркутская область")
        );
        assert_eq!(
            r(&["учреждений Шатурского муниципального района"]).as_deref(),
            Some("Московская область")
        );
        assert_eq!(
            r(&["муниципального района «Корткеросский»"]).as_deref(),
            Some("Республика Коми")
        );
        assert_eq!(
            r(&["Устава муниципального образования \"Муниципальный район \"Заполярный район\""])
                .as_deref(),
            Some("Ненецкий автономный округ")
        );
        // A town of the same name in several subjects decides nothing.
        assert_eq!(r(&["администрация Советского района"]), None);
        // «2011 г.» is a year.
        assert_eq!(r(&["от 12.05.2011 г. Шатура"]), None);
    }

    #[test]
    fn a_named_subject_wins_over_the_towns() {
        // Шатура lies in Московская область; the document names its subject itself.
        let paragraphs = [
            "Министерство образования Рязанской области".to_string(),
            "школы города Шатуры и Шатурского района".to_string(),
        ];
        assert_eq!(region(&paragraphs).as_deref(), Some("Рязанская область"));
    }

    #[test]
    fn subjects_of_every_form() {
        let r = |t: &str| regions_in(t);
        assert_eq!(r("Правительство Республики Коми"), ["Республика Коми"]);
        assert_eq!(r("Главы Чеченской Республики"), ["Чеченская Республика"]);
        assert_eq!(r("АЛТАЙСКОГО КРАЯ"), ["Алтайский край"]);
        assert_eq!(
            r("Ненецкого автономного округа"),
            ["Ненецкий автономный округ"]
        );
        assert_eq!(r("мэрия города Архангельска"), ["Архангельская область"]);
    }
}
