//! What an item of an act says, from its wording: the operative part of an order, decree,
//! instruction, decision or protocol mixes instructions («1. Утвердить …», «Контроль …
//! возложить на …»), normative statements («Настоящее постановление вступает в силу …») and
//! notes («Информацию … принять к сведению»), whatever zone or lead-in they follow.

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::starts_with_infinitive;
use crate::enrich;
use crate::model::{Addressee, EntryType};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

/// «Настоящее постановление вступает в силу …», «… подлежит официальному опубликованию».
static STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:настоящ\p{L}+\s+|данн\p{L}+\s+)?(?:постановлени|распоряжени|решени|приказ|протокол)\p{L}*\s+(?:\p{L}+\s+){0,3}?(?:вступа\p{L}+|подлежит|распространя\p{L}+|действует)",
    )
});
/// «Информацию … принять к сведению».
/// Words glued by the site («принять ксведению») still count.
static NOTED: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)принять\s*к\s*сведению"));
/// Instructions that do not start with an infinitive: requests of a letter, «… оставляю за
/// собой», «Контроль … возложить на …», «Рекомендовать / Поручить / Предложить …».
static ACTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:просим|предлагаем|рекомендуем|поручаю|обязываю|рекомендовать|поручить|предложить|просить)\b|оставляю\s+за\s+собой|возложить\s+на\b|(?:признать|считать)\s+утративш",
    )
});
/// A definition: «Традиционные ценности – это …», «К традиционным ценностям относятся …».
static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:[^.,:;]{3,80}?\s[-–—]\s+это\s|К\s+\p{L}+(?:\s+\p{L}+)?\s+относ(?:ятся|ится)\s)")
});

/// A narrative paragraph that defines a notion is a provision.
pub(super) fn narrative_type(text: &str, default: EntryType) -> EntryType {
    if default == EntryType::Finding && DEFINITION.is_match(text) {
        EntryType::Provision
    } else {
        default
    }
}

/// «Контроль за исполнением … возложить на X», «Ответственность за … возложить на X».
/// No word boundary before the verb: sites glue it to the word before («решениявозложить»).
static CONTROL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)возложить\s+на\s+(.+?)\s*[.;]?\s*$"));
/// A person named inline: «Л.П. Иванову», «Н.Г.Сован», «Брюшковой Л.Н.».
static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\b(\p{Lu})\.\s?(\p{Lu})\.\s?(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)|\b(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)\s+(\p{Lu})\.\s?(\p{Lu})\.?)",
    )
});

static PARENS: LazyLock<Regex> = LazyLock::new(|| re(r"\([^()]*\)"));

/// The type of an item of an act's operative part: `default` unless its wording says
/// otherwise.
pub(super) fn act_item_type(text: &str, default: EntryType) -> EntryType {
    if STATEMENT.is_match(text) {
        EntryType::Provision
    } else if NOTED.is_match(text) {
        EntryType::Finding
    } else if starts_with_infinitive(text) || ACTION.is_match(text) {
        EntryType::Recommendation
    } else {
        default
    }
}

/// The grammatical case a person's surname is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameCase {
    Dative,
    Accusative,
    /// In parentheses: as written, except the unambiguous dative of feminine surnames
    /// («(Погрецкой Г.П.)» in a dative lead-in).
    Written,
}

/// A surname in the nominative («Иванову» after «на» → «Иванова»; «Брюшковой» → «Брюшкова»;
/// «Соколову В.Е.» in a dative lead-in → «Соколов»; «Погрецкой» → «Погрецкая»); `in_parens` keeps to the rules that cannot misread a surname
/// already in the nominative («(Пакулина О.Б.)» stays, «(Савину Ю.А.)» → «Савина»).
fn nominative_surname_in(word: &str, case: NameCase, in_parens: bool) -> String {
    let swap = |from: &str, to: &str| word.strip_suffix(from).map(|stem| format!("{stem}{to}"));
    let rules: &[(&str, &str)] = match case {
        NameCase::Accusative => &[
            ("ову", "ова"),
            ("еву", "ева"),
            ("ёву", "ёва"),
            ("ину", "ина"),
            ("ыну", "ына"),
            ("ую", "ая"),
            ("ова", "ов"),
            ("ева", "ев"),
            ("ина", "ин"),
        ],
        NameCase::Written => &[
            ("овой", "ова"),
            ("евой", "ева"),
            ("иной", "ина"),
            ("ской", "ская"),
            ("цкой", "цкая"),
        ],
        NameCase::Dative => &[
            ("овой", "ова"),
            ("евой", "ева"),
            ("иной", "ина"),
            ("ской", "ская"),
            ("цкой", "цкая"),
            ("ову", "ов"),
            ("еву", "ев"),
            ("ину", "ин"),
            ("скому", "ский"),
        ],
    };
    let ambiguous = |from: &str| in_parens && matches!(from, "ова" | "ева" | "ина");
    rules
        .iter()
        .filter(|(from, _)| !ambiguous(from))
        .find_map(|(from, to)| swap(from, to))
        .unwrap_or_else(|| word.to_string())
}

/// Removes the persons named inline from `text` (those in parentheses stay: the addressee
/// parser drops parentheses); returns the rest and the persons, written «Фамилия И.О.» in
/// the nominative.
pub(super) fn take_persons(text: &str, case: NameCase) -> (String, Vec<String>) {
    if !has_initial(text) {
        // [`PERSON`] needs an initial: without one nothing is taken (spaces still collapsed).
        return (
            text.split_whitespace().collect::<Vec<_>>().join(" "),
            Vec::new(),
        );
    }
    let mut persons = Vec::new();
    let mut rest = String::new();
    let mut last = 0;
    for c in PERSON.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (surname, i1, i2) = match (c.get(3), c.get(4)) {
            (Some(s), _) => (s.as_str(), &c[1], &c[2]),
            (None, Some(s)) => (s.as_str(), &c[5], &c[6]),
            _ => continue,
        };
        let before = &text[..m.start()];
        // «университет имени Н.Г. Чернышевского» names a body, not a person responsible.
        let named_after = before.trim_end().to_lowercase();
        if named_after.ends_with("имени") || named_after.ends_with("им.") {
            continue;
        }
        let in_parens = before.matches('(').count() > before.matches(')').count();
        persons.push(format!(
            "{} {i1}.{i2}.",
            nominative_surname_in(surname, case, in_parens)
        ));
        if !in_parens {
            rest.push_str(&text[last..m.start()]);
            last = m.end();
        }
    }
    rest.push_str(&text[last..]);
    // A parenthesis naming a person («(начальник Н.Г.Сован)») is not part of the addressee.
    let rest = PARENS.replace_all(&rest, |c: &regex::Captures<'_>| {
        if PERSON.is_match(&c[0]) {
            String::new()
        } else {
            c[0].to_string()
        }
    });
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    (rest, persons)
}

/// Whether `text` has a capital letter followed by a full stop, as every match of
/// [`PERSON`] does (a cheap test that keeps the regex off most texts).
fn has_initial(text: &str) -> bool {
    let mut previous_capital = false;
    text.chars().any(|c| {
        let initial = c == '.' && previous_capital;
        previous_capital = c.is_uppercase();
        initial
    })
}

/// Adds responsible persons not yet listed. A surname without initials (from a parenthesis,
/// in any case) and the same person with initials («Савину» / «Савина Ю.А.») are one; two
/// bare surnames are one only when spelt alike («Ветров» and «Ветрова» are two people).
pub(super) fn merge_responsible(list: &mut Vec<String>, more: impl IntoIterator<Item = String>) {
    let stem = |s: &str| {
        let surname = s.split_whitespace().next().unwrap_or(s);
        crate::ru::fold(surname)
            .trim_end_matches(['а', 'у', 'ы', 'е', 'о', 'й', 'я', 'ю', 'и', 'м'])
            .to_string()
    };
    let initials = |s: &str| s.contains('.');
    for r in more {
        let same = |x: &String| {
            if initials(x) != initials(&r) {
                stem(x) == stem(&r)
            } else {
                crate::ru::fold(x) == crate::ru::fold(&r)
            }
        };
        match list.iter().position(same) {
            // Keep the fuller form.
            Some(pos) if r.len() > list[pos].len() => list[pos] = r,
            Some(_) => {}
            None => list.push(r),
        }
    }
}

/// «Контроль … возложить на заместителя главы … Л.П. Иванову»: the addressees (in the
/// nominative) and the responsible persons.
pub(super) fn control(text: &str) -> Option<(Vec<Addressee>, Vec<String>)> {
    let c = CONTROL.captures(text)?;
    // Only its sentence: a signature may follow in a flattened text.
    let who = super::text::sentences(c.get(1)?.as_str())
        .first()
        .copied()
        .unwrap_or_default();
    let (rest, persons) = take_persons(who, NameCase::Accusative);
    let addressees = enrich::addressees_accusative(&rest);
    if addressees.is_empty() && persons.is_empty() {
        return None;
    }
    let mut responsible = persons;
    merge_responsible(&mut responsible, enrich::responsible(&rest));
    Some((addressees, responsible))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_of_act_items() {
        let t = |s: &str| act_item_type(s, EntryType::Finding);
        assert_eq!(
            t("Утвердить прилагаемый Порядок."),
            EntryType::Recommendation
        );
        assert_eq!(
            t("Настоящее постановление вступает в силу со дня его подписания."),
            EntryType::Provision
        );
        assert_eq!(
            t("Информацию Управления образования принять к сведению."),
            EntryType::Finding
        );
        assert_eq!(
            t("Контроль за исполнением распоряжения оставляю за собой."),
            EntryType::Recommendation
        );
    }

    #[test]
    fn control_names_the_post_and_the_person() {
        let (a, r) = control(
            "Контроль за выполнением настоящего распоряжения возложить на начальника отдела образования Л.П. Иванову.",
        )
        .unwrap_or_default();
        assert_eq!(r, ["Иванова Л.П."]);
        assert_eq!(
            a.first().map(|a| a.canonical.as_str()),
            Some("Начальник отдела образования")
        );
    }
}
