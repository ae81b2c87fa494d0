//! Word tokens for comparison: original spelling for display, folded and stemmed keys for matching.
//!
//! A word is a maximal run of letters and digits; everything else (spaces, line breaks,
//! punctuation, hyphens, quotes) separates words. So re-wrapped lines, a hyphen broken by a line
//! end («социально- психологического»), changed quotes or commas give the same words.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));

/// Function words that carry no meaning for comparison. Negations («не», «нет», «без») are kept.
const STOP_WORDS: &[&str] = &[
    "а",
    "в",
    "во",
    "и",
    "или",
    "к",
    "ко",
    "на",
    "о",
    "об",
    "обо",
    "от",
    "до",
    "по",
    "с",
    "со",
    "у",
    "из",
    "за",
    "для",
    "при",
    "что",
    "как",
    "так",
    "же",
    "ли",
    "бы",
    "то",
    "его",
    "ее",
    "их",
    "этот",
    "эти",
    "этих",
    "этой",
    "это",
    "том",
    "числе",
    "т",
    "п",
    "д",
    "др",
    "пр",
    "г",
    "гг",
    "год",
    "года",
    "годах",
    "годы",
    "году",
    "the",
    "of",
    "and",
    "in",
    "to",
];

/// One word of a text with its neighbourhood, as needed for display and matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as written.
    pub text: &'a str,
    /// The separator that follows it in the text (punctuation and spaces), as written.
    pub trailing: &'a str,
    /// Lowercase, ё→е folded form: the key of the word-level diff.
    pub folded: String,
}

/// Splits `text` into words; separators before the first word are dropped.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                if let Some(prev) = out.last_mut() {
                    prev.trailing = &text[last_end..i];
                }
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push(word(&text[s..i]));
            last_end = i;
        }
    }
    if let Some(s) = start {
        out.push(word(&text[s..]));
        last_end = text.len();
    }
    if let Some(prev) = out.last_mut() {
        prev.trailing = &text[last_end..];
    }
    out
}

fn word(text: &str) -> Word<'_> {
    Word {
        text,
        trailing: "",
        folded: fold(text),
    }
}

/// Lowercases and folds ё to е (matching only; displayed text keeps ё).
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// Whether a folded word is a stop word.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.contains(&folded)
}

/// Stem of a folded word: Snowball Russian for Cyrillic words, the word itself otherwise.
pub fn stem(folded: &str) -> Cow<'_, str> {
    if folded.chars().any(|c| matches!(c, 'а'..='я')) {
        RUSSIAN.stem(folded)
    } else {
        Cow::Borrowed(folded)
    }
}

/// The content terms of a text in order: folded, stemmed words without stop words.
pub fn content_terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !is_stop_word(&w.folded))
        .map(|w| stem(&w.folded).into_owned())
        .collect()
}

/// Entries of the per-thread stem cache before it is emptied (bounds memory on odd input).
const STEM_CACHE_MAX: usize = 200_000;

thread_local! {
    /// Folded word → hash of its stem. Stemming dominates the cost of profiling a text, and the
    /// vocabulary of a corpus is small, so most words are stemmed once per thread.
    static STEM_CACHE: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
}

/// Calls `f` with the 64-bit hash of each content term of `text`, in order. Equivalent to hashing
/// [`content_terms`] with [`term_hash`], but without allocating per word.
pub fn for_each_term_hash(text: &str, mut f: impl FnMut(u64)) {
    let mut buf = String::new();
    STEM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        for w in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            buf.clear();
            buf.extend(
                w.chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| if c == 'ё' { 'е' } else { c }),
            );
            if is_stop_word(&buf) {
                continue;
            }
            let h = match cache.get(buf.as_str()) {
                Some(h) => *h,
                None => {
                    let h = term_hash(&stem(&buf));
                    if cache.len() >= STEM_CACHE_MAX {
                        cache.clear();
                    }
                    cache.insert(buf.clone(), h);
                    h
                }
            };
            f(h);
        }
    });
}

/// The 64-bit hash of a term (FNV-1a).
pub fn term_hash(term: &str) -> u64 {
    term.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_original_and_separators() {
        let w = words("  Ёлка, «зелёная»\nи- высокая.");
        let texts: Vec<&str> = w.iter().map(|w| w.text).collect();
        assert_eq!(texts, ["Ёлка", "зелёная", "и", "высокая"]);
        assert_eq!(w[0].trailing, ", «");
        assert_eq!(w[1].trailing, "»\n");
        assert_eq!(w[3].trailing, ".");
        assert_eq!(w[0].folded, "елка");
    }

    #[test]
    fn content_terms_stem_and_drop_stop_words() {
        let t = content_terms("молодых педагогов и молодой педагог в 2021 году");
        assert_eq!(t, ["молод", "педагог", "молод", "педагог", "2021"]);
    }

    #[test]
    fn term_hashes_equal_hashed_content_terms() {
        let text = "Ёлки, «молодых» педагогов и 2021/2022 учебный год; dobro.ru";
        let want: Vec<u64> = content_terms(text).iter().map(|t| term_hash(t)).collect();
        for _ in 0..2 {
            let mut got = Vec::new();
            for_each_term_hash(text, |h| got.push(h));
            assert_eq!(got, want);
        }
    }

    #[test]
    fn empty_text_has_no_words() {
        assert!(words("").is_empty());
        assert!(words(" ,;— ").is_empty());
    }
}
