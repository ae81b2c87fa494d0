//! The similarity measure of two texts.
//!
//! Both texts are reduced to their content terms (see [`super::text::content_terms`]: words as
//! letter/digit runs, lowercased, ё→е, Snowball-Russian stems, stop words dropped). Then
//!
//! ```text
//! S(a, b) = ( J(terms a, terms b) + J(bigrams a, bigrams b) ) / 2
//! ```
//!
//! where `J(X, Y) = |X ∩ Y| / |X ∪ Y|` is the Jaccard index of two sets and the bigrams are pairs of
//! consecutive content terms. When neither text has a bigram (one content word each) `S` is the term
//! Jaccard alone. `S` is symmetric, in `0..=1`, `1` exactly when both texts have the same sets of
//! terms and term pairs (identical wording up to case, ё/е, word forms, punctuation and line breaks),
//! and `0` when they share no term. It depends only on the two texts (no corpus statistics), so a
//! score means the same thing in every query. The term part measures shared vocabulary, the bigram
//! part rewards shared word order (copied phrasing); roughly, `S ≥ 0.8` is a light edit, `0.5–0.8`
//! a noticeable rewrite, `0.25–0.5` a related item on the same matter.
//!
//! [`Profile::coverage`] is the asymmetric companion: the share of the terms of one text that occur in
//! the other (used to recognise an item that is a part of a longer one, or the union of two).

use super::text::for_each_term_hash;

/// Pre-computed term sets of one text (sorted, de-duplicated 64-bit hashes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    terms: Vec<u64>,
    bigrams: Vec<u64>,
}

impl Profile {
    /// Profile of a text.
    pub fn new(text: &str) -> Self {
        let mut terms: Vec<u64> = Vec::new();
        for_each_term_hash(text, |h| terms.push(h));
        let mut bigrams: Vec<u64> = terms.windows(2).map(|w| pair_hash(w[0], w[1])).collect();
        terms.sort_unstable();
        terms.dedup();
        bigrams.sort_unstable();
        bigrams.dedup();
        Profile { terms, bigrams }
    }

    /// Number of distinct content terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the text has no content term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The similarity `S` (see the module documentation).
    pub fn similarity(&self, other: &Profile) -> f32 {
        let terms = jaccard(&self.terms, &other.terms);
        if self.bigrams.is_empty() && other.bigrams.is_empty() {
            terms
        } else {
            (terms + jaccard(&self.bigrams, &other.bigrams)) / 2.0
        }
    }

    /// Share of the distinct terms of `self` that occur in `other` (0 when `self` is empty).
    pub fn coverage(&self, other: &Profile) -> f32 {
        ratio(intersection(&self.terms, &other.terms), self.terms.len())
    }

    /// Share of the distinct term pairs (bigrams) of `self` that occur in `other`: how much of its
    /// phrasing, not just its vocabulary, is found there (0 when `self` has no pair).
    pub fn phrase_coverage(&self, other: &Profile) -> f32 {
        ratio(
            intersection(&self.bigrams, &other.bigrams),
            self.bigrams.len(),
        )
    }

    /// Share of the distinct terms of `self` that occur in `a` or in `b`.
    pub fn coverage_by_union(&self, a: &Profile, b: &Profile) -> f32 {
        let covered = self
            .terms
            .iter()
            .filter(|t| a.terms.binary_search(t).is_ok() || b.terms.binary_search(t).is_ok())
            .count();
        ratio(covered, self.terms.len())
    }
}

/// The similarity `S` of two texts (see the module documentation).
pub fn similarity(a: &str, b: &str) -> f32 {
    Profile::new(a).similarity(&Profile::new(b))
}

fn ratio(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

fn jaccard(a: &[u64], b: &[u64]) -> f32 {
    let common = intersection(a, b);
    ratio(common, a.len() + b.len() - common)
}

/// Size of the intersection of two sorted, de-duplicated slices.
fn intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn pair_hash(a: u64, b: u64) -> u64 {
    // A rotation keeps (a, b) and (b, a) apart; the multiplier spreads the bits.
    (a.rotate_left(29) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_is_one_and_disjoint_is_zero() {
        let a = "обеспечить реализацию программы развития воспитания";
        assert_eq!(similarity(a, a), 1.0);
        assert_eq!(similarity(a, "провести конкурс наставников"), 0.0);
        assert_eq!(similarity("", ""), 0.0);
        assert_eq!(similarity(a, ""), 0.0);
    }

    #[test]
    fn measure_is_symmetric_and_bounded() {
        let pairs = [
            (
                "создать условия для диагностики одарённости",
                "создать условия одаренности детей",
            ),
            (
                "провести мониторинг служб медиации",
                "мониторинг ШСМ в районе провести",
            ),
            ("а", "обеспечить"),
        ];
        for (a, b) in pairs {
            let (ab, ba) = (similarity(a, b), similarity(b, a));
            assert_eq!(ab, ba, "{a} / {b}");
            assert!((0.0..=1.0).contains(&ab));
        }
    }

    #[test]
    fn ignores_case_yo_punctuation_wrapping_and_word_forms() {
        let a = "Обеспечить  реализацию «Культурного дневника» школьника;";
        let b = "обеспечить\nреализацию культурного дневника, школьника";
        assert_eq!(similarity(a, b), 1.0);
        assert_eq!(similarity("зелёная ёлка", "Зеленая елка."), 1.0);
        // Word forms share stems: «молодых педагогов» ~ «молодой педагог».
        assert_eq!(similarity("молодых педагогов", "молодой педагог"), 1.0);
    }

    #[test]
    fn word_order_matters_through_bigrams() {
        let a = "организовать работу научного общества обучающихся";
        let b = "обучающихся общества научного работу организовать";
        let s = similarity(a, b);
        assert!(s > 0.4 && s < 0.6, "{s}");
    }

    #[test]
    fn coverage_is_asymmetric() {
        let short = Profile::new("обеспечить просмотр открытых уроков");
        let long = Profile::new("обеспечить просмотр открытых уроков портала и кинофильмов");
        assert_eq!(short.coverage(&long), 1.0);
        assert_eq!(short.phrase_coverage(&long), 1.0);
        let shuffled = Profile::new("уроков открытых просмотр обеспечить");
        assert_eq!(short.coverage(&shuffled), 1.0);
        assert_eq!(short.phrase_coverage(&shuffled), 0.0);
        assert!(long.coverage(&short) < 0.7);
        let left = Profile::new("обеспечить просмотр");
        let right = Profile::new("открытых уроков");
        assert_eq!(short.coverage_by_union(&left, &right), 1.0);
    }
}
