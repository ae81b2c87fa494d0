//! Russian text analysis for the index: tokenisation, ё/е folding, stemming, stop words,
//! language detection.
//!
//! Three analyzers are registered with tantivy:
//! - [`RU_STEM`]: tokens → lower case, ё→е → Russian stop words (negations kept) → Snowball Russian;
//! - [`EN_STEM`]: the same with English stop words and the English Snowball stemmer;
//! - [`EXACT`]: tokens → lower case, ё→е, nothing removed and nothing stemmed.
//!
//! The tokenizer keeps every run of letters and digits (Cyrillic, Latin, digits) as a token and
//! splits at everything else, so «1–4», «2021/2022» and «dobro.ru» become consecutive tokens that a
//! phrase query finds again. A `+` or `%` right after a number is a token of its own («500+»).

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::cache::Memo;

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{
    StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Name of the Russian stemming analyzer.
pub const RU_STEM: &str = "edu_ru";
/// Name of the English stemming analyzer.
pub const EN_STEM: &str = "edu_en";
/// Name of the exact (folded, unstemmed) analyzer.
pub const EXACT: &str = "edu_exact";

/// Longest token kept (longer runs are garbage such as base64 or URLs without separators).
const MAX_TOKEN_CHARS: usize = 60;

/// Russian stop words. Negations («не», «ни», «нет», «без») are meaningful in instructions and are
/// deliberately absent.
pub const RU_STOP_WORDS: &[&str] = &[
    "а",
    "в",
    "во",
    "на",
    "с",
    "со",
    "к",
    "ко",
    "о",
    "об",
    "обо",
    "от",
    "ото",
    "по",
    "за",
    "из",
    "изо",
    "у",
    "для",
    "до",
    "и",
    "или",
    "либо",
    "но",
    "что",
    "чтобы",
    "как",
    "это",
    "то",
    "же",
    "бы",
    "ли",
    "при",
    "над",
    "под",
    "про",
    "через",
    "также",
    "так",
    "его",
    "ее",
    "их",
    "он",
    "она",
    "оно",
    "они",
    "мы",
    "вы",
    "я",
    "ты",
    "который",
    "которая",
    "которое",
    "которые",
    "которых",
    "которым",
    "которыми",
    "этот",
    "эта",
    "эти",
    "этих",
    "том",
    "тем",
    "та",
    "те",
    "тот",
    "все",
    "всех",
    "всем",
    "был",
    "была",
    "были",
    "было",
    "быть",
    "является",
    "являются",
    "им",
    "ими",
    "нам",
    "вам",
    "себя",
    "свой",
    "своих",
    "перед",
    "между",
    "после",
];

/// English stop words (the usual short list; «not», «no», «without» kept).
pub const EN_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "from", "is",
    "are", "was", "were", "be", "been", "as", "that", "this", "these", "those", "it", "its",
];

/// Folds one lower-case character for matching: ё→е (й is kept).
fn fold_char(c: char) -> char {
    match c {
        'ё' => 'е',
        other => other,
    }
}

/// Lower-cases and folds one character into `out`; fast for ASCII and Russian letters.
fn push_lower_folded(c: char, out: &mut String) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' | 'а'..='я' => out.push(c),
        'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        'Ё' | 'ё' => out.push('е'),
        _ => {
            for l in c.to_lowercase() {
                out.push(fold_char(l));
            }
        }
    }
}

/// `char::is_alphabetic` with fast paths for ASCII and the Cyrillic block.
fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        '\0'..='\u{7f}' => false,
        _ => c.is_alphabetic(),
    }
}

/// Lower-cases and folds a string for matching (ё→е, combining accents dropped).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !is_combining_mark(c) {
            push_lower_folded(c, &mut out);
        }
    }
    out
}

/// Combining marks that may sit inside a word (stress accents of dictionaries, diaeresis).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Characters that make up a token.
fn is_word_char(c: char) -> bool {
    is_letter(c) || c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) || is_combining_mark(c)
}

/// The edusearch tokenizer: runs of letters and digits, lower-cased and ё-folded.
#[derive(Clone, Default)]
pub struct EduTokenizer {
    token: Token,
}

/// Token stream of [`EduTokenizer`].
pub struct EduTokenStream<'a> {
    text: &'a str,
    cursor: usize,
    position: usize,
    token: &'a mut Token,
}

impl Tokenizer for EduTokenizer {
    type TokenStream<'a> = EduTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> EduTokenStream<'a> {
        self.token.reset();
        EduTokenStream {
            text,
            cursor: 0,
            position: 0,
            token: &mut self.token,
        }
    }
}

impl EduTokenStream<'_> {
    fn previous_is_digit(&self, byte: usize) -> bool {
        self.text[..byte]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
    }

    fn emit(&mut self, from: usize, to: usize) {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
    }
}

impl TokenStream for EduTokenStream<'_> {
    /// The next run of word characters, lower-cased and folded as it is read (one pass); a
    /// run longer than [`MAX_TOKEN_CHARS`] is skipped.
    fn advance(&mut self) -> bool {
        let text = self.text;
        loop {
            let rest = &text[self.cursor..];
            let mut chars = rest.char_indices();
            // Skip separators, but a `+`/`%` right after a digit is a token.
            let (start, first) = loop {
                let Some((i, c)) = chars.next() else {
                    self.cursor = text.len();
                    return false;
                };
                if is_word_char(c) && !is_combining_mark(c) {
                    break (i, c);
                }
                if (c == '+' || c == '%') && self.previous_is_digit(self.cursor + i) {
                    let from = self.cursor + i;
                    self.cursor = from + c.len_utf8();
                    self.token.text.clear();
                    push_lower_folded(c, &mut self.token.text);
                    self.emit(from, self.cursor);
                    return true;
                }
            };
            self.token.text.clear();
            push_lower_folded(first, &mut self.token.text);
            let mut count = 1;
            let mut end = rest.len();
            for (i, c) in chars {
                if !is_word_char(c) {
                    end = i;
                    break;
                }
                count += 1;
                if count <= MAX_TOKEN_CHARS && !is_combining_mark(c) {
                    push_lower_folded(c, &mut self.token.text);
                }
            }
            let from = self.cursor + start;
            self.cursor += end;
            if count > MAX_TOKEN_CHARS || self.token.text.is_empty() {
                continue;
            }
            self.emit(from, self.cursor);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Token filter stemming alphabetic tokens with a Snowball algorithm (`rust-stemmers`).
#[derive(Clone, Copy)]
pub struct SnowballStem {
    algorithm: Algorithm,
}

impl SnowballStem {
    /// A filter for the given algorithm.
    pub fn new(algorithm: Algorithm) -> Self {
        SnowballStem { algorithm }
    }
}

impl TokenFilter for SnowballStem {
    type Tokenizer<T: Tokenizer> = SnowballStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SnowballStemFilter<T> {
        SnowballStemFilter {
            algorithm: self.algorithm,
            inner: tokenizer,
            cache: StemCache::default(),
        }
    }
}

/// Tokenizer wrapper produced by [`SnowballStem`].
#[derive(Clone)]
pub struct SnowballStemFilter<T> {
    algorithm: Algorithm,
    inner: T,
    cache: StemCache,
}

/// Most words whose stems a [`StemCache`] holds; it is emptied when full.
const STEM_CACHE_WORDS: usize = 32_768;

/// Stems of the words an analyzer has seen (`None`: stemming leaves the word as it is). The
/// words of a corpus repeat (a few thousand make up most of its tokens), and Snowball is the
/// costliest step of analysing them. A clone starts empty: the analyzers registered with the
/// index are cloned for every use, and an empty memo is cheaper to copy than a full one.
struct StemCache(Memo<Option<String>>);

impl Default for StemCache {
    fn default() -> Self {
        StemCache(Memo::new(STEM_CACHE_WORDS))
    }
}

impl Clone for StemCache {
    fn clone(&self) -> Self {
        StemCache::default()
    }
}

impl StemCache {
    /// Replaces `word` by its stem when stemming changes it.
    fn stem(&mut self, stemmer: &Stemmer, word: &mut String) {
        let stem = match self.0.get(word.as_str()) {
            Some(stem) => stem,
            None => {
                let stem = stem_word(stemmer, word).map(std::borrow::Cow::into_owned);
                self.0.insert(word, stem)
            }
        };
        if let Some(stem) = stem {
            word.clear();
            word.push_str(stem);
        }
    }
}

impl<T: Tokenizer> Tokenizer for SnowballStemFilter<T> {
    type TokenStream<'a> = SnowballStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SnowballStemStream {
            stemmer: Stemmer::create(self.algorithm),
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
        }
    }
}

/// Token stream of [`SnowballStemFilter`].
pub struct SnowballStemStream<'a, S> {
    stemmer: Stemmer,
    tail: S,
    cache: &'a mut StemCache,
}

impl<S: TokenStream> TokenStream for SnowballStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.cache
            .stem(&self.stemmer, &mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The stem of a folded token when stemming changes it: only words of letters are stemmed.
/// The one rule of the stemming analyzers, also used to highlight without running them.
pub fn stem_word<'a>(stemmer: &Stemmer, word: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    if !word.chars().all(is_letter) {
        return None;
    }
    let stemmed = stemmer.stem(word);
    (stemmed.len() != word.len() && !stemmed.is_empty()).then_some(stemmed)
}

/// Tokens of one analysed text kept in one buffer, without an allocation per token: what one
/// field's analysis records for another field of the same entry to replay.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    text: String,
    marks: Vec<Mark>,
}

/// One token of a [`Tape`]: its position, offsets and where its text ends in the buffer.
#[derive(Clone, Copy, Debug)]
struct Mark {
    position: usize,
    from: usize,
    to: usize,
    end: usize,
}

impl Tape {
    /// Appends a token (its text, position and offsets).
    pub fn push(&mut self, token: &Token) {
        self.text.push_str(&token.text);
        self.marks.push(Mark {
            position: token.position,
            from: token.offset_from,
            to: token.offset_to,
            end: self.text.len(),
        });
    }

    /// The `i`-th token: its mark and text (which starts where the previous token's ends).
    fn get(&self, i: usize) -> Option<(&Mark, &str)> {
        let mark = self.marks.get(i)?;
        let start = i.checked_sub(1).map_or(0, |p| self.marks[p].end);
        Some((mark, &self.text[start..mark.end]))
    }

    /// The tokens' `(position, text)`.
    pub fn words(&self) -> impl Iterator<Item = (usize, &str)> {
        (0..self.marks.len())
            .filter_map(|i| self.get(i))
            .map(|(m, text)| (m.position, text))
    }

    /// The tokens as a token stream.
    pub fn into_stream(self) -> TapeStream {
        TapeStream {
            tape: self,
            next: 0,
            token: Token::default(),
        }
    }
}

/// Token stream over a [`Tape`].
pub struct TapeStream {
    tape: Tape,
    next: usize,
    token: Token,
}

impl TokenStream for TapeStream {
    fn advance(&mut self) -> bool {
        let Some((mark, text)) = self.tape.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(text);
        self.token.position = mark.position;
        self.token.offset_from = mark.from;
        self.token.offset_to = mark.to;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// [`RU_STOP_WORDS`] as a set.
static RU_STOP_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| RU_STOP_WORDS.iter().copied().collect());

/// The exact and the Russian analyses of a text in one pass over it: the tokens
/// [`exact_analyzer`] gives and those [`ru_analyzer`] gives (the same tokens without the stop
/// words, stemmed). The index writer analyses an entry's text once for both fields.
#[derive(Clone, Default)]
pub struct RuAndExact {
    tokenizer: EduTokenizer,
    cache: StemCache,
}

impl RuAndExact {
    /// The exact tokens of `text` and its Russian stems.
    pub fn analyse(&mut self, text: &str) -> (Tape, Tape) {
        let stemmer = Stemmer::create(Algorithm::Russian);
        let mut words = Tape::default();
        let mut stems = Tape::default();
        let mut stream = self.tokenizer.token_stream(text);
        while stream.advance() {
            let token = stream.token_mut();
            words.push(token);
            if !RU_STOP_SET.contains(token.text.as_str()) {
                self.cache.stem(&stemmer, &mut token.text);
                stems.push(token);
            }
        }
        (words, stems)
    }
}

/// A text's exact tokens as a [`Tape`] (what [`exact_analyzer`] gives).
pub fn exact_tape(text: &str) -> Tape {
    let mut tokenizer = EduTokenizer::default();
    let mut tape = Tape::default();
    let mut stream = tokenizer.token_stream(text);
    while stream.advance() {
        tape.push(stream.token());
    }
    tape
}

/// The Russian analyzer ([`RU_STEM`]).
pub fn ru_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(EduTokenizer::default())
        .filter(StopWordFilter::remove(
            RU_STOP_WORDS.iter().map(|s| s.to_string()),
        ))
        .filter(SnowballStem::new(Algorithm::Russian))
        .build()
}

/// The English analyzer ([`EN_STEM`]).
pub fn en_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(EduTokenizer::default())
        .filter(StopWordFilter::remove(
            EN_STOP_WORDS.iter().map(|s| s.to_string()),
        ))
        .filter(SnowballStem::new(Algorithm::English))
        .build()
}

/// The exact analyzer ([`EXACT`]): folded tokens, no stop words, no stemming.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(EduTokenizer::default()).build()
}

/// Registers the three analyzers under their names.
pub fn register(manager: &TokenizerManager) {
    manager.register(RU_STEM, ru_analyzer());
    manager.register(EN_STEM, en_analyzer());
    manager.register(EXACT, exact_analyzer());
}

/// Runs an analyzer over a text and returns its tokens.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// Language of an entry, which decides its analysis pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lang {
    /// Russian: Russian stemming.
    Russian,
    /// English: English stemming.
    English,
    /// Anything else (ISO 639-3 code, or `und`): no stemming.
    Other(String),
}

impl Lang {
    /// ISO 639-3 code stored in the index (`rus`, `eng`, …).
    pub fn code(&self) -> &str {
        match self {
            Lang::Russian => "rus",
            Lang::English => "eng",
            Lang::Other(code) => code,
        }
    }
}

/// Detects the language of an entry with `whatlang`.
///
/// Short Cyrillic texts are often guessed as another Cyrillic language with low confidence, so
/// Cyrillic text is Russian unless another language is detected reliably; Latin text likewise
/// defaults to English.
pub fn detect_language(text: &str) -> Lang {
    if looks_russian(text) {
        return Lang::Russian;
    }
    let Some(info) = whatlang::detect(text) else {
        return script_default(text);
    };
    match info.lang() {
        whatlang::Lang::Rus => Lang::Russian,
        whatlang::Lang::Eng => Lang::English,
        other if info.is_reliable() => Lang::Other(other.code().to_string()),
        _ => script_default(text),
    }
}

/// Fast path for the common case, without trigram statistics: mostly Cyrillic text that has
/// none of the letters Russian lacks (і ї є ґ ў ђ ј љ њ ћ џ ѓ ќ ѕ …) and is not Bulgarian-like
/// (Bulgarian writes ъ as a vowel and has no ы, э, ё; Russian rarely has ъ).
fn looks_russian(text: &str) -> bool {
    let (mut cyr, mut lat) = (0usize, 0usize);
    let (mut russian_only, mut hard_sign) = (false, false);
    for c in text.chars() {
        match c {
            'ы' | 'э' | 'ё' | 'Ы' | 'Э' | 'Ё' => {
                russian_only = true;
                cyr += 1;
            }
            'ъ' | 'Ъ' => {
                hard_sign = true;
                cyr += 1;
            }
            'а'..='я' | 'А'..='Я' => cyr += 1,
            'a'..='z' | 'A'..='Z' => lat += 1,
            '\u{0400}'..='\u{040F}' | '\u{0450}'..='\u{045F}' | '\u{0480}'..='\u{052F}' => {
                return false;
            }
            _ => {}
        }
    }
    cyr >= 3 && lat * 2 < cyr && (russian_only || !hard_sign)
}

/// Russian for mostly-Cyrillic text, English for mostly-Latin text, `und` otherwise.
fn script_default(text: &str) -> Lang {
    let (mut cyr, mut lat) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyr += 1;
        } else if c.is_ascii_alphabetic() {
            lat += 1;
        }
    }
    if cyr == 0 && lat == 0 {
        Lang::Other("und".to_string())
    } else if cyr >= lat {
        Lang::Russian
    } else {
        Lang::English
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analyzer: &mut TextAnalyzer, s: &str) -> Vec<String> {
        tokens(analyzer, s).into_iter().map(|t| t.text).collect()
    }

    /// The tokenizer's rule written plainly: spans of word characters (not starting with a
    /// combining mark), a `+`/`%` after a digit, then each span folded; over-long spans dropped.
    fn reference_tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut out = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            let (i, c) = chars[k];
            let after_digit = k > 0 && chars[k - 1].1.is_ascii_digit();
            if (c == '+' || c == '%') && after_digit {
                out.push((c.to_string(), i, i + 1, out.len()));
                k += 1;
                continue;
            }
            if !is_word_char(c) || is_combining_mark(c) {
                k += 1;
                continue;
            }
            let mut j = k;
            while j < chars.len() && is_word_char(chars[j].1) {
                j += 1;
            }
            let to = chars.get(j).map_or(text.len(), |&(b, _)| b);
            let mut folded = String::new();
            for &(_, c) in &chars[k..j] {
                if !is_combining_mark(c) {
                    push_lower_folded(c, &mut folded);
                }
            }
            if j - k <= MAX_TOKEN_CHARS && !folded.is_empty() {
                out.push((folded, i, to, out.len()));
            }
            k = j;
        }
        out
    }

    #[test]
    fn the_tokenizer_follows_its_rule() {
        let long = "а".repeat(MAX_TOKEN_CHARS);
        let mut samples = vec![
            format!("{long} {long}я {long}\u{301} x"),
            "ЁЛКА ёлка Е\u{308}лка \u{301}ударение 500+ 100% + % 5 % 2021/2022 dobro.ru ΣΊΣΥΦΟΣ İstanbul 日本語 ١٢٣".into(),
        ];
        for source in crate::pipeline::embedded_seeds() {
            samples.push(source.text.clone());
        }
        let mut tokenizer = EduTokenizer::default();
        for text in &samples {
            let mut stream = tokenizer.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            assert_eq!(got, reference_tokens(text));
        }
    }

    #[test]
    fn russian_forms_share_a_stem() {
        let mut a = ru_analyzer();
        assert_eq!(
            texts(&mut a, "горячее питание"),
            texts(&mut a, "горячим питанием")
        );
        assert_eq!(
            texts(&mut a, "молодой педагог"),
            texts(&mut a, "молодых педагогов")
        );
        assert_eq!(texts(&mut a, "Ёлка"), texts(&mut a, "елка"));
    }

    #[test]
    fn odd_tokens_survive() {
        let mut a = exact_analyzer();
        assert_eq!(texts(&mut a, "1–4 классов"), ["1", "4", "классов"]);
        assert_eq!(texts(&mut a, "500+ баллов"), ["500", "+", "баллов"]);
        assert_eq!(
            texts(&mut a, "в 2021/2022 году"),
            ["в", "2021", "2022", "году"]
        );
        assert_eq!(texts(&mut a, "сайт dobro.ru."), ["сайт", "dobro", "ru"]);
        assert_eq!(texts(&mut a, "«ПроеКТОриЯ»"), ["проектория"]);
        assert_eq!(texts(&mut a, "a+b 😀 ::"), ["a", "b"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let mut a = ru_analyzer();
        let text = "Обеспечить горячим питанием учащихся 1–4 классов";
        for t in tokens(&mut a, text) {
            assert!(text.get(t.offset_from..t.offset_to).is_some());
        }
        let toks = tokens(&mut a, "ёлочные игрушки");
        assert_eq!(
            &"ёлочные игрушки"[toks[0].offset_from..toks[0].offset_to],
            "ёлочные"
        );
    }

    #[test]
    fn negations_are_not_stop_words() {
        let mut a = ru_analyzer();
        let t = texts(&mut a, "не допускать без согласия и в срок");
        assert!(t.contains(&"не".to_string()));
        assert!(t.contains(&"без".to_string()));
        assert!(!t.contains(&"и".to_string()));
        assert!(!t.contains(&"в".to_string()));
    }

    #[test]
    fn stop_words_keep_positions() {
        let mut a = ru_analyzer();
        let toks = tokens(&mut a, "травля в школе");
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[1].position, 2);
    }

    #[test]
    fn language_detection() {
        assert_eq!(
            detect_language("обеспечить участие педагогов в конкурсе профессионального мастерства"),
            Lang::Russian
        );
        assert_eq!(
            detect_language("ensure that every teacher takes part in the competition"),
            Lang::English
        );
        assert_eq!(detect_language("2021"), Lang::Other("und".into()));
    }
}
