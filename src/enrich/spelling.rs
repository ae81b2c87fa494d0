//! One spelling per canonical name within a document: a typo does not make a second body.
//!
//! 000 writes «управлению … администрации Ртищевкого муниципального района» in one block and
//! «Ртищевского» everywhere else; the two canonical forms would be two facet values for one
//! body. Two canonical names of the same document are taken for **spellings of one name**
//! when (all of it):
//! - split into words (runs of letters and digits) and the text between them, they differ in
//!   exactly one word; everything else, punctuation and spaces included, is identical;
//! - both spellings of that word are made of letters only (no digits: «школа № 1» and «школа
//!   № 2» stay apart), are at least [`MIN_WORD_LETTERS`] letters long (short words such as
//!   «отдел»/«отдела» are different words too often) and are not abbreviations (all
//!   capitals: one letter changes the body, «МБДОУ»/«МАДОУ»);
//! - lower-cased with «ё» folded to «е», they are equal (a case or «ё»/«е» variant), or they
//!   are one edit apart (Damerau–Levenshtein distance 1: one letter inserted, deleted,
//!   replaced, or two neighbours swapped) **and exactly one of them is a dictionary word**
//!   (rsmorphy, not a guess from the ending). Both in the dictionary: two real words
//!   («Руководитель»/«Руководители», «Балаковского»/«Балашовского» — two districts of
//!   the same region, «Мокшанского»/«Моршанского»). Neither: two names the dictionary does
//!   not know (a school «Сатинская»/«Сотинская»), no evidence which one is misspelt. Without
//!   the dictionary only case and «ё» variants merge.
//!
//! Which spelling is kept: the one more addressees of the document use; on a tie, the one
//! with more dictionary words (for two names one word apart: the one whose differing word
//! is a dictionary word); then the first in code-point order. Names are taken in that order;
//! each name not yet merged absorbs the later names one typo away from it, so a name only
//! ever merges into a name one edit away (no chains). Only `canonical` changes; `raw` keeps
//! the words as written. Documents are independent: nothing is merged across documents.

use std::collections::HashMap;

use super::morph;
use crate::ru::fold;

/// Shortest word, in letters, whose one-edit variants are taken for typos.
pub const MIN_WORD_LETTERS: usize = 7;

/// The spelling that replaces each rare spelling among `names` (the canonical forms of a
/// document's addressees, one item per addressee so that frequencies count). Names that
/// keep their spelling are not in the map.
pub fn variants<'a>(names: impl IntoIterator<Item = &'a str>) -> HashMap<String, String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    let distinct: Vec<&str> = counts.keys().copied().collect();
    // Every pair is compared: each name is split into tokens once.
    let split: Vec<Vec<&str>> = distinct.iter().map(|n| tokens(n)).collect();
    let mut involved: Vec<&str> = Vec::new();
    for (i, ta) in split.iter().enumerate() {
        let partners = split[i + 1..]
            .iter()
            .zip(&distinct[i + 1..])
            .filter(|(tb, _)| tokens_one_typo_apart(ta, tb))
            .map(|(_, b)| *b);
        let before = involved.len();
        involved.extend(partners);
        if involved.len() > before {
            involved.push(distinct[i]);
        }
    }
    involved.sort_unstable();
    involved.dedup();
    // Most used first, then more dictionary words, then code-point order.
    let mut ranked: Vec<(&str, usize, usize)> = involved
        .into_iter()
        .map(|n| (n, counts.get(n).copied().unwrap_or(0), dictionary_words(n)))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let mut map = HashMap::new();
    for (i, (keep, ..)) in ranked.iter().enumerate() {
        if map.contains_key(*keep) {
            continue;
        }
        for (rare, ..) in &ranked[i + 1..] {
            if !map.contains_key(*rare) && one_typo_apart(keep, rare) {
                tracing::debug!(rare, keep, "spelling variant of a canonical name unified");
                map.insert((*rare).to_owned(), (*keep).to_owned());
            }
        }
    }
    map
}

/// Whether two canonical names are spellings of one name (see the module doc).
pub fn one_typo_apart(a: &str, b: &str) -> bool {
    tokens_one_typo_apart(&tokens(a), &tokens(b))
}

/// [`one_typo_apart`] of two names already split by [`tokens`].
fn tokens_one_typo_apart(ta: &[&str], tb: &[&str]) -> bool {
    if ta.len() != tb.len() {
        return false;
    }
    let mut differing = ta.iter().zip(tb).filter(|(x, y)| x != y);
    match (differing.next(), differing.next()) {
        (Some((x, y)), None) => typo_of(x, y),
        _ => false,
    }
}

/// Runs of letters/digits and runs of everything else, in order.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut word = None;
    for (i, c) in s.char_indices() {
        let w = crate::ru::is_alphanumeric(c);
        if word.is_some_and(|prev| prev != w) {
            out.push(&s[start..i]);
            start = i;
        }
        word = Some(w);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Whether two different words are one typo apart (see the module doc).
fn typo_of(x: &str, y: &str) -> bool {
    if !long_plain_word(x) || !long_plain_word(y) {
        return false;
    }
    let (fx, fy) = (fold(x), fold(y));
    if fx == fy {
        return true;
    }
    if fx.chars().count().abs_diff(fy.chars().count()) > 1
        || strsim::damerau_levenshtein(&fx, &fy) != 1
    {
        return false;
    }
    morph::is_dictionary_word(x) != morph::is_dictionary_word(y)
}

/// Letters only, at least [`MIN_WORD_LETTERS`] of them, not all capitals.
fn long_plain_word(w: &str) -> bool {
    w.chars().all(crate::ru::is_letter)
        && w.chars().count() >= MIN_WORD_LETTERS
        && !w.chars().all(char::is_uppercase)
}

/// Number of words of a name that are dictionary words.
fn dictionary_words(name: &str) -> usize {
    tokens(name)
        .into_iter()
        .filter(|t| morph::is_dictionary_word(t))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RTISH: &str =
        "Управление общего образования администрации Ртищевского муниципального района";
    const RTISH_TYPO: &str =
        "Управление общего образования администрации Ртищевкого муниципального района";

    fn unified(names: &[(&str, usize)]) -> HashMap<String, String> {
        variants(names.iter().flat_map(|(n, k)| std::iter::repeat_n(*n, *k)))
    }

    #[test]
    fn a_one_letter_typo_in_a_long_word_merges_into_the_frequent_spelling() {
        let m = unified(&[(RTISH, 36), (RTISH_TYPO, 7)]);
        assert_eq!(m.len(), 1);
        assert_eq!(m.get(RTISH_TYPO).map(String::as_str), Some(RTISH));
        // Frequency decides, whichever spelling is right.
        let m = unified(&[(RTISH, 2), (RTISH_TYPO, 5)]);
        assert_eq!(m.get(RTISH).map(String::as_str), Some(RTISH_TYPO));
    }

    #[test]
    fn every_kind_of_single_edit_is_a_typo() {
        for (a, b) in [
            (
                "Отдел образования администрации",
                "Отдел обрзования администрации",
            ),
            (
                "Отдел образования администрации",
                "Отдел образованния администрации",
            ),
            (
                "Отдел образования администрации",
                "Отдел образавания администрации",
            ),
            (
                "Отдел образования администрации",
                "Отдел обарзования администрации",
            ),
            ("Совет директоров учреждений", "Совет директоров учрежедний"),
            // Case and «ё» variants, dictionary words or not.
            (
                "Объединённый совет директоров",
                "Объединенный совет директоров",
            ),
            ("МБОУ «Сатинская СОШ»", "МБОУ «сатинская СОШ»"),
        ] {
            assert!(one_typo_apart(a, b), "{a} / {b}");
            assert!(one_typo_apart(b, a), "{b} / {a}");
        }
    }

    #[test]
    fn a_tie_goes_to_the_dictionary_spelling_then_to_code_point_order() {
        let m = unified(&[(RTISH_TYPO, 3), (RTISH, 3)]);
        assert_eq!(m.get(RTISH_TYPO).map(String::as_str), Some(RTISH));
        // Both dictionary words: «е» (U+0435) comes before «ё» (U+0451).
        let (yo, ye) = (
            "Объединённый совет директоров",
            "Объединенный совет директоров",
        );
        let m = unified(&[(yo, 2), (ye, 2)]);
        assert_eq!(m.get(yo).map(String::as_str), Some(ye));
        let m = unified(&[(yo, 3), (ye, 2)]);
        assert_eq!(m.get(ye).map(String::as_str), Some(yo));
    }

    #[test]
    fn different_bodies_stay_apart() {
        for (a, b) in [
            // Different districts: more than one edit, or two dictionary words one edit apart.
            (
                "Управление образования Ртищевского района",
                "Управление образования Саратовского района",
            ),
            (
                "Управление образования Балаковского района",
                "Управление образования Балашовского района",
            ),
            (
                "Управление образования Мокшанского района",
                "Управление образования Моршанского района",
            ),
            (
                "Управление образования Калачеевского района",
                "Управление образования Калачёвского района",
            ),
            // Neither spelling in the dictionary: no evidence of a typo.
            ("МБОУ «Сатинская СОШ»", "МБОУ «Сотинская СОШ»"),
            // Different numbers.
            ("МБОУ «Школа № 1»", "МБОУ «Школа № 2»"),
            ("МБОУ «СОШ № 12»", "МБОУ «СОШ № 13»"),
            ("МБОУ «Лицей 1234567»", "МБОУ «Лицей 1234568»"),
            // One edit in a short word.
            ("Отдел образования", "Отдела образования"),
            ("Центр «Точка роста»", "Центр «Точки роста»"),
            // One edit in two words.
            (
                "Отдел образования администрации",
                "Отдел обрзования админстрации",
            ),
            // Two real words one letter apart.
            (
                "Руководитель МБОУ «Сатинская СОШ»",
                "Руководители МБОУ «Сатинская СОШ»",
            ),
            // Abbreviations.
            ("МКУ «ИРЦОСОО»", "МКУ «ИРЦОСОА»"),
            // A word more, or punctuation.
            ("Отдел образования", "Отдел образования района"),
            (
                "Руководители организаций, школ",
                "Руководители организаций школ",
            ),
            // Identical names are no pair.
            (RTISH, RTISH),
        ] {
            assert!(!one_typo_apart(a, b), "{a} / {b}");
        }
        let m = unified(&[
            ("Управление образования Ртищевского района", 5),
            ("Управление образования Саратовского района", 1),
            ("МБОУ «Школа № 1»", 4),
            ("МБОУ «Школа № 2»", 1),
        ]);
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn a_name_merges_only_into_a_name_one_edit_away() {
        // «Ртищевкого» is one edit from «Ртищевского»; «Ртищевког» one edit from «Ртищевкого»
        // but two from «Ртищевского»: it merges into nothing once «Ртищевкого» is merged.
        let two = RTISH.replace("Ртищевского", "Ртищевког");
        let m = unified(&[(RTISH, 10), (RTISH_TYPO, 3), (two.as_str(), 1)]);
        assert_eq!(m.get(RTISH_TYPO).map(String::as_str), Some(RTISH));
        assert_eq!(m.get(two.as_str()), None);
        // Two typos of one name both merge into it.
        let third = RTISH.replace("муниципального", "муниципальнго");
        let m = unified(&[(RTISH, 10), (RTISH_TYPO, 3), (third.as_str(), 1)]);
        assert_eq!(m.len(), 2);
        assert!(m.values().all(|v| v == RTISH));
    }
}
