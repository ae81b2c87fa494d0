//! Alignment of two documents: which entries of the first (typically municipal) took over, edited or
//! left out the entries of the second (typically regional).
//!
//! 1. Every pair is scored with the similarity `S` ([`super::similarity`]) and with the *coverage* of
//!    the first entry by the second (share of its terms found there).
//! 2. One-to-one first: pairs with `S ≥ min_score` are taken greedily, best first, each entry used
//!    once. Greedy by score is what the wording says: the closest copy wins its counterpart.
//! 3. Splits and rewrites: an entry still unpaired is paired with its best counterpart, even one
//!    already taken, when its wording is clearly in it: `S ≥ 0.5`, or coverage ≥ `min_coverage`
//!    together with either half of its word pairs found there or `S ≥ 0.8·min_score` (so that long
//!    paragraphs full of common words do not swallow short generic sentences). This catches a
//!    district that cut one regional item into two, and a short rewrite of a long item.
//! 4. Merges: a paired entry whose wording is covered clearly better by its counterpart together with
//!    a second, unpaired entry of the other document gets that entry in `also`.
//! 5. Entries of the first document left unpaired have `to = null` ("added locally"); entries of the
//!    second that are neither `to` nor `also` of any pair are `unmatched_to` ("not adopted").

use serde::Serialize;

use super::diff::word_diff;
use super::similarity::Profile;
use crate::model::Entry;

/// Default minimum similarity for a pair.
pub const DEFAULT_MIN_SCORE: f32 = 0.3;
/// Default minimum coverage for a split (an entry that is a part of a longer one).
pub const DEFAULT_MIN_COVERAGE: f32 = 0.75;
/// Similarity from which a non-identical pair is `edited` rather than `related`.
pub const EDITED_FROM: f32 = 0.5;

/// Parameters of an alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignOptions {
    /// Minimum similarity `S` of a pair.
    pub min_score: f32,
    /// Minimum coverage of an entry by a longer counterpart already paired (split items).
    pub min_coverage: f32,
    /// Minimum gain of coverage for a second counterpart in `also` (merged items).
    pub merge_gain: f32,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions {
            min_score: DEFAULT_MIN_SCORE,
            min_coverage: DEFAULT_MIN_COVERAGE,
            merge_gain: 0.2,
        }
    }
}

/// How a pair relates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Same words (up to case, ё/е, punctuation, line breaks).
    Identical,
    /// The same item reworded; `changed` says how much.
    Edited,
    /// On the same matter, but substantially different.
    Related,
}

/// An entry as shown in comparisons: enough to identify and display it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntryRef {
    /// Entry id.
    pub id: String,
    /// Number as printed.
    pub number: Option<String>,
    /// Session topic.
    pub topic: Option<String>,
    /// Position in its document.
    pub position: u32,
    /// Text.
    pub text: String,
}

impl From<&Entry> for EntryRef {
    fn from(e: &Entry) -> Self {
        EntryRef {
            id: e.id.clone(),
            number: e.number.clone(),
            topic: e.topic.clone(),
            position: e.position,
            text: e.text.clone(),
        }
    }
}

/// One entry of the first document and its counterpart.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AlignedPair {
    /// The entry of the first document.
    pub from: EntryRef,
    /// Its counterpart in the second document, `null` when added locally.
    pub to: Option<EntryRef>,
    /// Similarity `S` of the pair (0 when unpaired).
    pub score: f32,
    /// Relation, `null` when unpaired.
    pub relation: Option<Relation>,
    /// Share of words changed between `from` and `to` (word diff), `null` when unpaired.
    pub changed: Option<f32>,
    /// Share of the terms of `from` found in `to` (and `also`).
    pub coverage: f32,
    /// Further counterparts merged into `from` (a municipal item joining two regional ones).
    pub also: Vec<EntryRef>,
}

/// The alignment of two documents.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Alignment {
    /// First document (typically municipal).
    pub from_doc: String,
    /// Second document (typically regional).
    pub to_doc: String,
    /// One pair per entry of the first document, in its order.
    pub pairs: Vec<AlignedPair>,
    /// Entries of the second document not taken over ("not adopted").
    pub unmatched_to: Vec<EntryRef>,
}

/// Counts of an alignment, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AlignSummary {
    /// Pairs with identical wording.
    pub identical: usize,
    /// Edited pairs.
    pub edited: usize,
    /// Related pairs.
    pub related: usize,
    /// Entries of the first document without counterpart.
    pub added: usize,
    /// Entries of the second document not taken over.
    pub not_adopted: usize,
}

impl Alignment {
    /// Counts by relation.
    pub fn summary(&self) -> AlignSummary {
        let mut s = AlignSummary {
            not_adopted: self.unmatched_to.len(),
            ..AlignSummary::default()
        };
        for p in &self.pairs {
            match p.relation {
                Some(Relation::Identical) => s.identical += 1,
                Some(Relation::Edited) => s.edited += 1,
                Some(Relation::Related) => s.related += 1,
                None => s.added += 1,
            }
        }
        s
    }
}

/// Aligns the entries of `from` (one document, in order) with those of `to`.
pub fn align(
    from_doc: &str,
    to_doc: &str,
    from: &[Entry],
    to: &[Entry],
    opts: &AlignOptions,
) -> Alignment {
    let pf: Vec<Profile> = from.iter().map(|e| Profile::new(&e.text)).collect();
    let pt: Vec<Profile> = to.iter().map(|e| Profile::new(&e.text)).collect();
    let scores: Vec<Vec<f32>> = pf
        .iter()
        .map(|a| pt.iter().map(|b| a.similarity(b)).collect())
        .collect();

    let mut to_of: Vec<Option<usize>> = one_to_one(&scores, to.len(), opts.min_score);
    let mut used: Vec<bool> = vec![false; to.len()];
    for j in to_of.iter().flatten() {
        used[*j] = true;
    }
    add_splits(&mut to_of, &scores, &pf, &pt, opts);
    let also = find_merges(&to_of, &mut used, &scores, &pf, &pt, opts);
    for j in to_of.iter().flatten() {
        used[*j] = true;
    }

    let pairs = from
        .iter()
        .enumerate()
        .map(|(i, e)| match to_of[i] {
            Some(j) => make_pair(
                e,
                &to[j],
                scores[i][j],
                &pf[i],
                &pt[j],
                also[i].map(|k| (&to[k], &pt[k])),
            ),
            None => unpaired(e),
        })
        .collect();
    let unmatched_to = to
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(e, _)| EntryRef::from(e))
        .collect();
    Alignment {
        from_doc: from_doc.to_owned(),
        to_doc: to_doc.to_owned(),
        pairs,
        unmatched_to,
    }
}

/// Greedy one-to-one assignment of pairs with score ≥ `min_score`, best first.
fn one_to_one(scores: &[Vec<f32>], m: usize, min_score: f32) -> Vec<Option<usize>> {
    let mut cand: Vec<(f32, usize, usize)> = Vec::new();
    for (i, row) in scores.iter().enumerate() {
        for (j, &s) in row.iter().enumerate() {
            if s >= min_score && s > 0.0 {
                cand.push((s, i, j));
            }
        }
    }
    // Ties: earlier entries first, so that equal copies pair in document order.
    cand.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut to_of = vec![None; scores.len()];
    let mut taken = vec![false; m];
    for (_, i, j) in cand {
        if to_of[i].is_none() && !taken[j] {
            to_of[i] = Some(j);
            taken[j] = true;
        }
    }
    to_of
}

/// Pairs still-unpaired entries with an already taken counterpart that clearly contains them.
fn add_splits(
    to_of: &mut [Option<usize>],
    scores: &[Vec<f32>],
    pf: &[Profile],
    pt: &[Profile],
    opts: &AlignOptions,
) {
    for i in 0..to_of.len() {
        if to_of[i].is_some() || pf[i].len() < 3 {
            continue;
        }
        let best = best_by(pt.len(), |j| scores[i][j] + pf[i].coverage(&pt[j]));
        if let Some(j) = best {
            let s = scores[i][j];
            let contained = pf[i].coverage(&pt[j]) >= opts.min_coverage
                && (pf[i].phrase_coverage(&pt[j]) >= 0.5 || s >= 0.8 * opts.min_score);
            if s >= EDITED_FROM || contained {
                to_of[i] = Some(j);
            }
        }
    }
}

/// For each paired entry, a second unpaired counterpart that completes its wording, if any.
fn find_merges(
    to_of: &[Option<usize>],
    used: &mut [bool],
    scores: &[Vec<f32>],
    pf: &[Profile],
    pt: &[Profile],
    opts: &AlignOptions,
) -> Vec<Option<usize>> {
    let mut also = vec![None; to_of.len()];
    for (i, j) in to_of.iter().enumerate() {
        let Some(j) = *j else { continue };
        let base = pf[i].coverage(&pt[j]);
        let best = (0..pt.len())
            .filter(|&k| k != j && !used[k] && scores[i][k] >= opts.min_score / 2.0)
            .map(|k| (k, pf[i].coverage_by_union(&pt[j], &pt[k])))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((k, cov)) = best
            && cov - base >= opts.merge_gain
            && pt[k].coverage(&pf[i]) >= 0.5
        {
            also[i] = Some(k);
            used[k] = true;
        }
    }
    also
}

fn best_by(n: usize, key: impl Fn(usize) -> f32) -> Option<usize> {
    (0..n)
        .map(|j| (j, key(j)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(j, _)| j)
}

fn unpaired(e: &Entry) -> AlignedPair {
    AlignedPair {
        from: e.into(),
        to: None,
        score: 0.0,
        relation: None,
        changed: None,
        coverage: 0.0,
        also: Vec::new(),
    }
}

fn make_pair(
    e: &Entry,
    t: &Entry,
    score: f32,
    pe: &Profile,
    pt: &Profile,
    also: Option<(&Entry, &Profile)>,
) -> AlignedPair {
    let diff = word_diff(&e.text, &t.text);
    let relation = if diff.is_identical() {
        Relation::Identical
    } else if score >= EDITED_FROM {
        Relation::Edited
    } else {
        Relation::Related
    };
    let coverage = match also {
        Some((_, pk)) => pe.coverage_by_union(pt, pk),
        None => pe.coverage(pt),
    };
    AlignedPair {
        from: e.into(),
        to: Some(t.into()),
        score,
        relation: Some(relation),
        changed: Some(diff.changed),
        coverage,
        also: also.map(|(k, _)| EntryRef::from(k)).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::testutil::entry;

    fn doc(name: &str, texts: &[&str]) -> Vec<Entry> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| entry(name, i as u32, t))
            .collect()
    }

    fn to_text(p: &AlignedPair) -> Option<&str> {
        p.to.as_ref().map(|t| t.text.as_str())
    }

    #[test]
    fn copies_edits_additions_and_omissions() {
        let regional = doc(
            "r",
            &[
                "организовать работу научного общества обучающихся в каждой муниципальной общеобразовательной организации",
                "провести мониторинг по вопросам развития школьных служб медиации в Саратовской области и обновить банк координаторов",
                "создать виртуальную платформу для персонифицирования достижений обучающихся в олимпиадах",
            ],
        );
        let municipal = doc(
            "m",
            &[
                "провести мониторинг по вопросам развития школьных служб медиации (ШСМ) в районе и обновить банк координаторов ШСМ",
                "организовать работу научного общества обучающихся в каждой муниципальной\nобщеобразовательной организации;",
                "рекомендовать школам создать на базе 10 классов классы психолого-педагогической направленности",
            ],
        );
        let a = align("m", "r", &municipal, &regional, &AlignOptions::default());
        assert_eq!(a.pairs.len(), 3);
        assert_eq!(a.pairs[0].to.as_ref().map(|t| t.position), Some(1));
        assert_eq!(a.pairs[0].relation, Some(Relation::Edited));
        assert!(a.pairs[0].changed.is_some_and(|c| c > 0.0 && c < 0.5));
        assert_eq!(a.pairs[1].relation, Some(Relation::Identical));
        assert_eq!(a.pairs[1].score, 1.0);
        assert_eq!(a.pairs[2].to, None);
        assert_eq!(a.pairs[2].relation, None);
        assert_eq!(a.unmatched_to.len(), 1);
        assert_eq!(a.unmatched_to[0].position, 2);
        let s = a.summary();
        assert_eq!(
            (s.identical, s.edited, s.related, s.added, s.not_adopted),
            (1, 1, 0, 1, 1)
        );
    }

    #[test]
    fn split_item_pairs_both_parts_with_one_counterpart() {
        let regional = doc(
            "r",
            &[
                "ввести в практику использование цифровых коммуникационных технологий для доступа обучающихся к культурным ценностям, обеспечить просмотр открытых уроков портала «Проектория», виртуальных экскурсий, театральных спектаклей",
                "организовать педагогическое сопровождение детей в семьях в социально опасном положении",
            ],
        );
        let municipal = doc(
            "m",
            &[
                "ввести в практику использование цифровых коммуникационных технологий для доступа обучающихся к культурным ценностям",
                "обеспечить просмотр открытых уроков портала «Проектория», виртуальных экскурсий, театральных спектаклей",
            ],
        );
        let a = align("m", "r", &municipal, &regional, &AlignOptions::default());
        assert_eq!(a.pairs[0].to.as_ref().map(|t| t.position), Some(0));
        assert_eq!(a.pairs[1].to.as_ref().map(|t| t.position), Some(0));
        assert_eq!(a.unmatched_to.len(), 1);
    }

    #[test]
    fn merged_item_reports_second_counterpart() {
        let regional = doc(
            "r",
            &[
                "обеспечить реализацию программы развития воспитания и плана мероприятий по профилактике суицида среди несовершеннолетних",
                "рассматривать вопросы информационной безопасности образовательной среды и противодействия киберугрозам",
                "провести конкурс лучших наставников",
            ],
        );
        let municipal = doc(
            "m",
            &[
                "обеспечить реализацию программы развития воспитания и плана мероприятий по профилактике суицида среди несовершеннолетних; рассматривать вопросы информационной безопасности образовательной среды и противодействия киберугрозам",
            ],
        );
        let a = align("m", "r", &municipal, &regional, &AlignOptions::default());
        let p = &a.pairs[0];
        assert_eq!(p.to.as_ref().map(|t| t.position), Some(0));
        assert_eq!(p.also.len(), 1);
        assert_eq!(p.also[0].position, 1);
        assert!(p.coverage > 0.95);
        assert_eq!(a.unmatched_to.len(), 1);
        assert_eq!(a.unmatched_to[0].position, 2);
    }

    #[test]
    fn empty_documents() {
        let r = doc("r", &["пункт один"]);
        let a = align("m", "r", &[], &r, &AlignOptions::default());
        assert!(a.pairs.is_empty());
        assert_eq!(a.unmatched_to.len(), 1);
        let a = align("m", "r", &r, &[], &AlignOptions::default());
        assert_eq!(a.pairs.len(), 1);
        assert_eq!(to_text(&a.pairs[0]), None);
    }
}
