//! A guarded wrapper around rsmorphy (Russian morphology, pymorphy2 dictionaries).
//!
//! rsmorphy panics on some very short words, so only Cyrillic words of at least three
//! letters are ever passed to it, every call is additionally wrapped in `catch_unwind`,
//! and a dictionary that fails to load disables morphology (words are then kept as written)
//! instead of failing.
//!
//! The dictionary is compiled into the binary ([`DICT_FILES`]): rsmorphy only loads from a
//! folder, and the folder of the `rsmorphy-dict-ru` crate is a path in the cargo registry of
//! the build machine. At first use the files are written to a fresh private temporary
//! folder, loaded (rsmorphy reads them whole into memory) and the folder is removed.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, LazyLock, Mutex};

use rsmorphy::prelude::*;

/// Includes one dictionary file from the folder `build.rs` found at build time.
macro_rules! dict_file {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("EDUSEARCH_MORPH_DICT_DIR"), "/", $name)).as_slice(),
        )
    };
}

/// The files of the `rsmorphy-dict-ru` dictionary that rsmorphy reads (name, gzip-compressed
/// content).
pub(crate) const DICT_FILES: [(&str, &[u8]); 11] = [
    dict_file!("grammemes.json.gz"),
    dict_file!("gramtab-opencorpora-int.json.gz"),
    dict_file!("meta.json.gz"),
    dict_file!("p_t_given_w.intdawg.gz"),
    dict_file!("paradigms.array.gz"),
    dict_file!("prediction-prefixes.dawg.gz"),
    dict_file!("prediction-suffixes-0.dawg.gz"),
    dict_file!("prediction-suffixes-1.dawg.gz"),
    dict_file!("prediction-suffixes-2.dawg.gz"),
    dict_file!("suffixes.json.gz"),
    dict_file!("words.dawg.gz"),
];

static MORPH: LazyLock<Option<MorphAnalyzer>> = LazyLock::new(|| match load_embedded() {
    Ok(m) => Some(m),
    Err(e) => {
        tracing::warn!(error = %e, "rsmorphy dictionary failed to load; addressees keep their written case");
        None
    }
});

/// Writes the embedded dictionary to a private temporary folder and loads it from there.
/// The folder is removed when this returns (the analyser holds everything in memory).
fn load_embedded() -> Result<MorphAnalyzer, String> {
    let dir = tempfile::Builder::new()
        .prefix("edusearch-morph-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    for (name, bytes) in DICT_FILES {
        std::fs::write(dir.path().join(name), bytes)
            .map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let path = dir.path().to_owned();
    catch_unwind(move || MorphAnalyzer::from_file(path))
        .map_err(|_| "rsmorphy panicked while loading".to_owned())
}

/// Loads the dictionary now (it otherwise loads on first use, which takes a moment).
pub fn warm_up() {
    LazyLock::force(&MORPH);
}

/// One morphological reading of a word.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    lex: Lex,
    grammemes: Vec<String>,
    /// Dictionary form.
    pub lemma: String,
    /// Whether the word form is in the dictionary (not guessed from its ending).
    pub known: bool,
}

impl Reading {
    /// Whether the reading has a grammeme («NOUN», «datv», «plur», «femn» …).
    pub fn has(&self, grammeme: &str) -> bool {
        self.grammemes.iter().any(|g| g == grammeme)
    }

    /// The first of `options` that the reading has.
    pub fn first_of(&self, options: &[&'static str]) -> Option<&'static str> {
        options.iter().copied().find(|g| self.has(g))
    }

    /// The word form of the same lexeme and part of speech with all `required` grammemes;
    /// among several, the one sharing most other grammemes with this reading.
    ///
    /// (rsmorphy's own `Lex::inflect` keeps the original case, so the lexeme is searched here.)
    pub fn inflect(&self, required: &[&str]) -> Option<String> {
        let morph = MORPH.as_ref()?;
        // A reading is one parse of one word form: the form, lemma and tag name it.
        let word = catch_unwind(AssertUnwindSafe(|| self.lex.get_word().into_owned())).ok()?;
        let key = format!(
            "{word}|{}|{}|{}",
            self.lemma,
            self.grammemes.join(","),
            required.join(",")
        );
        if let Some(found) = INFLECTIONS.with_borrow(|m| m.get(&key).cloned()) {
            return found;
        }
        let found = self.inflect_in(morph, required);
        INFLECTIONS.with_borrow_mut(|m| m.insert(&key, found).clone())
    }

    /// [`Self::inflect`], computed: the lexeme is walked form by form.
    fn inflect_in(&self, morph: &MorphAnalyzer, required: &[&str]) -> Option<String> {
        let pos = self.grammemes.first()?.clone();
        let out = catch_unwind(AssertUnwindSafe(|| {
            let mut best: Option<(usize, String)> = None;
            for form in self.lex.iter_lexeme(morph) {
                let tag = grammemes_of(&form.get_tag(morph).string);
                if tag.first() != Some(&pos) || !required.iter().all(|r| tag.iter().any(|g| g == r))
                {
                    continue;
                }
                let shared = tag
                    .iter()
                    .filter(|g| !CASES.contains(&g.as_str()) && self.has(g))
                    .count();
                if best.as_ref().is_none_or(|(s, _)| shared > *s) {
                    best = Some((shared, form.get_word().into_owned()));
                }
            }
            best.map(|(_, w)| w)
        }));
        out.ok().flatten()
    }
}

/// Most inflections [`Reading::inflect`] remembers per thread; emptied when full.
const INFLECTIONS_LIMIT: usize = 8192;

thread_local! {
    /// Recent inflections (reading and grammemes asked → form): walking a lexeme costs more
    /// than the rest of reading an addressee, and addressees repeat the same words.
    static INFLECTIONS: std::cell::RefCell<crate::cache::Memo<Option<String>>> =
        std::cell::RefCell::new(crate::cache::Memo::new(INFLECTIONS_LIMIT));
}

const CASES: [&str; 10] = [
    "nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2",
];

fn grammemes_of(tag: &str) -> Vec<String> {
    tag.split([',', ' '])
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether rsmorphy may be asked about `word`: Cyrillic letters only, at least three.
pub(crate) fn eligible(word: &str) -> bool {
    word.chars().count() >= 3
        && word
            .chars()
            .all(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
}

/// Readings of recently analysed words (lower-case). Addressee lead-ins repeat the same few
/// hundred words, and each word is looked at several times per lead-in.
static CACHE: LazyLock<Mutex<HashMap<String, Arc<[Reading]>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
/// The cache is emptied when it grows beyond this many words.
const CACHE_LIMIT: usize = 20_000;

/// All readings of a word, most probable first; empty for ineligible words.
pub(crate) fn readings(word: &str) -> Arc<[Reading]> {
    if !eligible(word) {
        return Arc::from([]);
    }
    let lower = crate::ru::lower(word);
    if let Ok(cache) = CACHE.lock()
        && let Some(r) = cache.get(&lower)
    {
        // Shared, not copied: a word's readings are looked up many times per entry.
        return Arc::clone(r);
    }
    let found: Arc<[Reading]> = analyse(&lower).into();
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(lower, found.clone());
    }
    found
}

/// Whether `word` is a dictionary word form (some reading not guessed from its ending),
/// as written or with «ё» written «е» (the dictionary has «калачевский», not «калачёвский»);
/// `false` for ineligible words and without the dictionary.
pub(crate) fn is_dictionary_word(word: &str) -> bool {
    let known = |w: &str| readings(w).iter().any(|r| r.known);
    known(word) || (word.contains(['ё', 'Ё']) && known(&word.replace('ё', "е").replace('Ё', "Е")))
}

/// Most word forms returned by [`lexeme_forms`].
const MAX_FORMS: usize = 64;

/// Every word form of the dictionary lexemes of `word` (lower case, at most [`MAX_FORMS`]): its
/// inflections, whose stems a suffix-stripping stemmer does not always join («дефицит» and
/// «дефицита» stem differently). Empty for ineligible words, guesses and without the dictionary.
pub(crate) fn lexeme_forms(word: &str) -> Vec<String> {
    // Checked before the dictionary is touched: a query of only other words never loads it.
    if !eligible(word) {
        return Vec::new();
    }
    let Some(morph) = MORPH.as_ref() else {
        return Vec::new();
    };
    let mut forms: Vec<String> = Vec::new();
    for r in readings(word).iter().filter(|r| r.known) {
        let found = catch_unwind(AssertUnwindSafe(|| {
            r.lex
                .iter_lexeme(morph)
                .map(|f| f.get_word().to_lowercase())
                .take(MAX_FORMS)
                .collect::<Vec<_>>()
        }));
        for f in found.unwrap_or_default() {
            if forms.len() < MAX_FORMS && !forms.contains(&f) {
                forms.push(f);
            }
        }
    }
    forms
}

/// Asks rsmorphy (guarded) about an eligible lower-case word.
fn analyse(lower: &str) -> Vec<Reading> {
    let Some(morph) = MORPH.as_ref() else {
        return Vec::new();
    };
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        morph
            .parse(lower)
            .into_iter()
            .map(|p| Reading {
                known: p.lex.is_known(),
                grammemes: grammemes_of(&p.lex.get_tag(morph).string),
                lemma: p.lex.get_normal_form(morph).into_owned(),
                lex: p.lex,
            })
            .collect::<Vec<_>>()
    }));
    parsed.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_foreign_words_are_not_passed() {
        for w in ["и", "по", "ОУ", "abc", "12", "ре-", "до2", ""] {
            assert!(readings(w).is_empty(), "{w}");
        }
    }

    #[test]
    fn dictionary_words_are_told_from_guesses() {
        // «Калачёвского»: the dictionary writes «е» for «ё».
        for w in [
            "ртищевского",
            "Руководители",
            "образования",
            "объединённый",
            "Калачёвского",
        ] {
            assert!(is_dictionary_word(w), "{w}");
        }
        // Typos are analysed by their endings, not found in the dictionary.
        for w in ["Ртищевкого", "обрзования", "управлние", "ОУ", "школа1"]
        {
            assert!(!is_dictionary_word(w), "{w}");
        }
    }

    #[test]
    fn lexeme_forms_are_the_inflections() {
        let forms = lexeme_forms("дефицит");
        for f in ["дефицит", "дефицита", "дефицитов"] {
            assert!(forms.contains(&f.to_string()), "{forms:?}");
        }
        assert!(lexeme_forms("обрзования").is_empty());
        assert!(lexeme_forms("до").is_empty());
    }

    #[test]
    fn dative_plural_to_nominative() {
        let r = readings("руководителям");
        let datv = r
            .iter()
            .find(|r| r.has("NOUN") && r.has("datv"))
            .expect("dative reading");
        assert_eq!(
            datv.inflect(&["nomn", "plur"]).as_deref(),
            Some("руководители")
        );
        assert_eq!(datv.lemma, "руководитель");
    }
}
