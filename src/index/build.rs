//! Turns a parsed user query into a tantivy query (never through tantivy's QueryParser).
//!
//! - every word is one clause: its stem in the language fields (and the stems of its other
//!   inflections, from the dictionary), its exact form (a bonus for the same word form), its
//!   context match (low weight) and, each counted by its best, its alternatives: the abbreviations
//!   the documents define (full weight; at a lower weight the head of a full form without its
//!   leading modifier), the thesaurus (below the typed word), its word family (below the typed
//!   word), and for a word the documents do not know its corrections, or, for the unfinished last
//!   word, its completions;
//! - words are optional individually (at least half of them must match, rounding down, and at
//!   least one); a coordination factor (see [`super::coord`]) and a proximity phrase rank complete
//!   and close matches first;
//! - quoted phrases are required phrase matches on the stems, with a bonus for the exact forms;
//! - excluded words and phrases remove entries.

use std::collections::HashMap;
use std::sync::Arc;
use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use tantivy::{Searcher, Term};

use super::coord::CoordQuery;
use super::expressions::Expressions;
use super::highlight::HighlightTerms;
use super::nodes::{Boosted, Expression, Prefix, Union};
use super::schema::Fields;
use super::thesaurus::Thesaurus;
use super::vocab;
use crate::analysis::{en_analyzer, exact_analyzer, ru_analyzer, tokens};
use crate::cache::Memo;
use crate::enrich::morph;
use crate::search::query::UserQuery;

/// Weight of a stem match.
const W_STEM: f32 = 1.0;
/// Extra weight of an exact word-form match.
const W_EXACT: f32 = 0.5;
/// Weight of a match in the context / topic / block lead-in.
const W_AUX: f32 = 0.2;
/// Weight of a longer word that starts with the stem.
const W_PREFIX: f32 = 0.5;
/// Shortest stem extended to longer words.
const MIN_PREFIX_CHARS: usize = 7;
/// Least rarity (see `rarity`) of a word extended to longer words: frequent words find
/// enough by themselves, and their derived words would be costly to collect.
const MIN_PREFIX_RARITY: f32 = 0.35;
/// Share of the other matches of a word added to its best match.
const TIE_BREAKER: f32 = 0.2;
/// Weight of a synonym or abbreviation match (times the share of its source).
const W_ALT: f32 = 1.0;
/// Share of an abbreviation defined in the indexed documents themselves.
const W_DOCUMENT: f32 = 1.0;
/// Share of a thesaurus abbreviation or synonym: below the user's own words.
const W_THESAURUS: f32 = 0.8;
/// Share of a narrower term (a kind of what was typed: «ЕГЭ» for «выпускные экзамены»), times
/// [`W_THESAURUS`].
const W_NARROWER: f32 = 0.8;
/// Share of [`W_ALT`] for the head of an abbreviation's full form: «ШСМ» (школьных служб
/// медиации) also finds «служб медиации» without the leading modifier, below the full form.
const W_HEAD: f32 = 0.5;
/// Share of an alternative's weight when it is matched with other modifiers between its head
/// and its tail (see `coordinated`).
const W_COORDINATED: f32 = 0.8;
/// Most words between the head and the coordinated modifier («организации [среднего
/// профессионального и] высшего образования»).
const COORDINATION_SLOP: u32 = 4;
/// Weight of the rarest part of a hyphenated word matched alone (see `rarest_part`).
const W_PART: f32 = 0.6;
/// Fewest letters of such a part.
const MIN_PART_CHARS: usize = 4;
/// Extra weight when the words are close together in query order.
const W_NEAR: f32 = 1.0;
/// Extra weight of an exact-form phrase over a stem phrase.
const W_PHRASE_EXACT: f32 = 1.0;

/// What the score of a multi-word alternative is divided by to stand in for one typed word. A
/// phrase scores the sum of its words; their mean would make the phrase worth less than its
/// rarest word (the common words of an official wording — «цифровая», «организация» — pull it
/// down), and an alternative of a rare word would then lose to a frequent word typed beside it.
/// The square root of the number of words keeps a phrase of rare words near the word it stands
/// for while a phrase of common words stays below it.
fn phrase_divisor(a: &Analyzed) -> f32 {
    (a.ru.len().max(a.en.len()).max(1) as f32).sqrt()
}

/// BM25's inverse document frequency of a term found in `df` entries (the formula tantivy
/// scores with; `df` may count deleted entries that `num_docs` does not).
fn bm25_idf(df: u64, searcher: &Searcher) -> f32 {
    let n = searcher.num_docs() as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5).max(0.0) / (df + 0.5)).ln()
}

/// Most inflected variants of one multi-word alternative.
const MAX_VARIANTS: usize = 4;

/// Inflection stems of typed words and of the words of the thesaurus, looked up once per word
/// (bounded: emptied when full).
fn cached_inflections(b: &mut QueryBuilder, word: &str, a: &Analyzed) -> Vec<String> {
    static CACHE: std::sync::LazyLock<std::sync::Mutex<Memo<Vec<String>>>> =
        std::sync::LazyLock::new(|| std::sync::Mutex::new(Memo::new(20_000)));
    if let Ok(cache) = CACHE.lock()
        && let Some(found) = cache.get(word)
    {
        return found.clone();
    }
    let found = b.inflections(word, a);
    if let Ok(mut cache) = CACHE.lock() {
        cache.insert(word, found.clone());
    }
    found
}

/// Weight of a word of the same family (same root, another suffix), at most.
const W_FAMILY: f32 = 0.4;
/// Shortest root of a word family.
const FAMILY_ROOT_CHARS: usize = 6;
/// Most letters cut from a stem to find its root.
const FAMILY_SUFFIX_CHARS: usize = 3;
/// Most family members searched per word.
const MAX_FAMILY: usize = 24;
/// Weight of a completion of the open last word (search as you type).
const W_COMPLETION: f32 = 0.6;
/// Shortest prefix completed.
const MIN_COMPLETION_CHARS: usize = 3;
/// Most completions searched for the open last word.
const MAX_COMPLETIONS: usize = 24;
/// Weight of a correction of a misspelt word.
const W_CORRECTION: f32 = 0.6;
/// Most corrections searched per word.
const MAX_CORRECTIONS: usize = 3;
/// A non-dictionary word found in at most this many entries may be a typo.
const RARE_DF: u64 = 2;
/// A correction of a word the documents use must be found in this many times more entries than
/// the word itself (plus one).
const CORRECTION_FACTOR: u64 = 3;

/// What one typed word searches.
struct WordPlan {
    /// The word as typed.
    raw: String,
    analyzed: Analyzed,
    alternatives: Vec<Alt>,
    /// Stems of its other inflections.
    inflections: Vec<String>,
    /// Stems of its word family (other words of the same root), with their weights.
    family: Vec<(String, f32)>,
    /// Exact forms completing it (the open last word only).
    completions: Vec<String>,
    /// Stems of close terms, when the word is unknown.
    corrections: Vec<String>,
    /// The best correction (exact form), for the suggestion.
    correction: Option<String>,
    /// Rarity weight.
    weight: f32,
    /// BM25 inverse document frequency of the word's own stem, when the documents use it: no
    /// alternative of the word scores above the word itself.
    own_idf: Option<f32>,
}

/// The query with corrected words, when any word was corrected.
fn suggestion(q: &UserQuery, plans: &[WordPlan]) -> Option<String> {
    plans.iter().find(|p| p.correction.is_some())?;
    let mut parts: Vec<String> = q
        .words
        .iter()
        .map(|w| {
            plans
                .iter()
                .find(|p| p.raw == *w)
                .and_then(|p| p.correction.clone())
                .unwrap_or_else(|| w.clone())
        })
        .collect();
    parts.extend(q.phrases.iter().map(|p| format!("\"{p}\"")));
    parts.extend(q.excluded.iter().map(|e| format!("-{e}")));
    Some(parts.join(" "))
}

/// Most expansions reported per query.
const MAX_EXPANDED: usize = 12;

/// Tokens of a text per analyzer: `(position, term)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analyzed {
    /// Russian stems.
    pub ru: Vec<(usize, String)>,
    /// English stems.
    pub en: Vec<(usize, String)>,
    /// Exact folded forms.
    pub exact: Vec<(usize, String)>,
}

/// The analyzers, plus the table of alternative wordings.
#[derive(Clone)]
pub struct QueryBuilder {
    fields: Fields,
    ru: TextAnalyzer,
    en: TextAnalyzer,
    exact: TextAnalyzer,
    alternatives: Arc<AltTable>,
    /// Phrases every entry of the index was searched for at indexing time.
    expressions: Option<Arc<Expressions>>,
}

/// Another way to say an expression, with its share of [`W_ALT`].
#[derive(Debug, Clone, PartialEq)]
struct Alt {
    text: String,
    weight: f32,
}

/// Alternatives of expressions, keyed by the Russian stems of the expression.
#[derive(Debug, Default)]
struct AltTable {
    /// `(stems of an expression, its alternatives)`.
    entries: Vec<(Vec<String>, Vec<Alt>)>,
    /// Entries per first stem.
    by_first: HashMap<String, Vec<usize>>,
    /// Entry per key (while building).
    positions: HashMap<Vec<String>, usize>,
    /// Stems of each alternative's text (while building).
    alt_stems: HashMap<String, Vec<String>>,
    /// Short abbreviations that are also common words or prepositions («ДО», «ПК», «МО»):
    /// expanded only when typed as written in the thesaurus (upper case), keyed by that spelling.
    case_sensitive: HashMap<String, Vec<Alt>>,
}

/// An abbreviation of at most this many letters is ambiguous with ordinary words: expanded only
/// when typed in its own case, and never searched for as the short form of a typed expansion.
const AMBIGUOUS_ABBREVIATION_CHARS: usize = 2;

fn is_ambiguous_abbreviation(spelling: &str) -> bool {
    spelling.chars().filter(|c| c.is_alphanumeric()).count() <= AMBIGUOUS_ABBREVIATION_CHARS
}

/// Russian adjective and participle endings (folded), to recognise a leading modifier.
const ADJECTIVE_ENDINGS: &[&str] = &[
    "ых", "их", "ой", "ый", "ий", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему",
    "ым", "им", "ую", "юю", "ыми", "ими",
];

/// Whether a word of a full form is a modifier (an adjective or participle).
fn is_modifier(word: &str) -> bool {
    let w = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    w.chars().count() >= 5
        && w.chars().all(char::is_alphabetic)
        && ADJECTIVE_ENDINGS.iter().any(|e| w.ends_with(e))
}

/// The head of a full form: without its first word when that is a modifier (an adjective or
/// participle) and at least two words remain — «школьных служб медиации» → «служб медиации».
fn head_of(full: &str) -> Option<String> {
    let words: Vec<&str> = full.split_whitespace().collect();
    (words.len() >= 3 && is_modifier(words[0])).then(|| words[1..].join(" "))
}

/// The kinds a full form names: its words after each run of leading modifiers, while at least
/// two words remain — «Саратовский областной институт развития образования» is an «областной
/// институт развития образования» and an «институт развития образования».
fn kind_tails(full: &str) -> Vec<String> {
    let words: Vec<&str> = full.split_whitespace().collect();
    (1..words.len().saturating_sub(1))
        .take_while(|&k| is_modifier(words[k - 1]))
        .map(|k| words[k..].join(" "))
        .collect()
}

/// What the builder produced.
pub enum Built {
    /// Nothing searchable was typed: browse.
    Browse,
    /// A text query.
    Query(Box<BuiltQuery>),
}

/// A text query, the terms to highlight and what the engine did with the words.
pub struct BuiltQuery {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Terms to highlight in snippets.
    pub highlight: HighlightTerms,
    /// Expansions and corrections.
    pub notes: QueryNotes,
    /// Terms of a cheap first ranking of the matches (see [`super::collect::rank`]), one group
    /// per typed word or phrase: its own stems, other inflections and exact forms, weighted as
    /// in the query. `None` when a word is found only through other terms (unknown to the
    /// documents, corrected, completed or an ambiguous abbreviation): its matches are then all
    /// scored.
    pub rank_terms: Option<Vec<Vec<(Term, f32)>>>,
}

/// What the engine searched besides the typed words, for the user to see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryNotes {
    /// Expressions searched as alternatives of the typed words (thesaurus, the documents'
    /// abbreviations), in query order.
    pub expanded: Vec<String>,
    /// The query with misspelt words corrected, when the corrections find much more.
    pub suggestion: Option<String>,
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boost(q: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    if (weight - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(Boosted::new(q, weight))
    }
}

/// A term query for one token, a phrase query (with `slop`) for several, `None` for none.
fn field_query(field: Field, toks: &[(usize, String)], slop: u32) -> Option<Box<dyn Query>> {
    match toks {
        [] => None,
        [(_, t)] => Some(term_query(field, t)),
        [(first, _), ..] => {
            let terms = toks
                .iter()
                .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)))
        }
    }
}

fn union(clauses: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 => clauses.into_iter().next(),
        _ => Some(Box::new(Union::sum(clauses))),
    }
}

/// Adds an alternative unless its text is already there (the first weight stays).
fn push_alt(alts: &mut Vec<Alt>, text: &str, weight: f32) {
    if !alts.iter().any(|a| a.text == text) {
        alts.push(Alt {
            text: text.to_string(),
            weight,
        });
    }
}

fn texts(toks: &[(usize, String)]) -> Vec<String> {
    toks.iter().map(|(_, t)| t.clone()).collect()
}

impl QueryBuilder {
    /// A builder for the given fields, the abbreviations defined in the indexed documents
    /// `(abbreviation, full form)` and the domain thesaurus.
    pub fn new(fields: Fields, abbreviations: &[(String, String)], thesaurus: &Thesaurus) -> Self {
        let mut b = QueryBuilder {
            fields,
            ru: ru_analyzer(),
            en: en_analyzer(),
            exact: exact_analyzer(),
            alternatives: Arc::new(AltTable::default()),
            expressions: None,
        };
        let mut table = AltTable::default();
        // The documents' own definitions first: an alternative already known keeps its weight.
        for (abbreviation, full) in abbreviations {
            b.add_alternatives(&mut table, abbreviation, &[full], W_DOCUMENT);
            b.add_alternatives(&mut table, full, &[abbreviation], W_DOCUMENT);
        }
        for (abbreviation, full) in abbreviations {
            if let Some(head) = head_of(full) {
                b.add_alternatives(&mut table, abbreviation, &[&head], W_HEAD);
            }
        }
        for (spelling, expansions) in thesaurus.abbreviations() {
            let exps: Vec<&String> = expansions.iter().collect();
            if is_ambiguous_abbreviation(spelling) {
                let alts = table
                    .case_sensitive
                    .entry(spelling.replace('ё', "е"))
                    .or_default();
                for e in exps {
                    push_alt(alts, e, W_THESAURUS);
                }
                continue;
            }
            b.add_alternatives(&mut table, spelling, &exps, W_THESAURUS);
            for e in exps {
                b.add_alternatives(&mut table, e, &[spelling], W_THESAURUS);
                if let Some(head) = head_of(e) {
                    b.add_alternatives(&mut table, spelling, &[&head], W_HEAD * W_THESAURUS);
                }
            }
        }
        for group in thesaurus.synonyms() {
            for (i, member) in group.iter().enumerate() {
                let others: Vec<&String> = group
                    .iter()
                    .enumerate()
                    .filter(|&(j, m)| j != i && !is_ambiguous_abbreviation(m))
                    .map(|(_, m)| m)
                    .collect();
                b.add_alternatives(&mut table, member, &others, W_THESAURUS);
            }
        }
        // Stems of the synonym groups' members, analysed once.
        let group_stems: Vec<Vec<Vec<String>>> = if thesaurus.narrower().is_empty() {
            Vec::new()
        } else {
            thesaurus
                .synonyms()
                .iter()
                .map(|g| g.iter().map(|m| texts(&b.analyze(m).ru)).collect())
                .collect()
        };
        // Stems of the unambiguous abbreviations' expansions, likewise.
        let abbreviation_stems: Vec<(&String, Vec<Vec<String>>)> =
            if thesaurus.narrower().is_empty() {
                Vec::new()
            } else {
                thesaurus
                    .abbreviations()
                    .iter()
                    .filter(|(spelling, _)| !is_ambiguous_abbreviation(spelling))
                    .map(|(spelling, exps)| {
                        (
                            spelling,
                            exps.iter().map(|e| texts(&b.analyze(e).ru)).collect(),
                        )
                    })
                    .collect()
            };
        for (broad, kinds) in thesaurus.narrower() {
            let kinds: Vec<&String> = kinds
                .iter()
                .filter(|k| !is_ambiguous_abbreviation(k))
                .collect();
            // The broader term, every wording of a synonym group that has it and every
            // abbreviation of it («ПАВ» for «психоактивные вещества»).
            let stems = texts(&b.analyze(broad).ru);
            let mut keys = vec![broad.clone()];
            keys.extend(
                abbreviation_stems
                    .iter()
                    .filter(|(_, expansions)| expansions.contains(&stems))
                    .map(|(spelling, _)| (*spelling).clone()),
            );
            for (group, members) in thesaurus.synonyms().iter().zip(&group_stems) {
                if members.contains(&stems) {
                    keys.extend(
                        group
                            .iter()
                            .filter(|m| !is_ambiguous_abbreviation(m))
                            .cloned(),
                    );
                }
            }
            for key in keys {
                b.add_alternatives(&mut table, &key, &kinds, W_NARROWER * W_THESAURUS);
            }
        }
        b.add_local_kinds(&mut table, abbreviations);
        for (i, (key, _)) in table.entries.iter().enumerate() {
            if let Some(first) = key.first() {
                table.by_first.entry(first.clone()).or_default().push(i);
            }
        }
        table.positions = HashMap::new();
        table.alt_stems = HashMap::new();
        b.alternatives = Arc::new(table);
        b
    }

    /// Searches the phrases of `expressions` through their keys (every entry of the index was
    /// indexed with them), or, with `None`, by positions.
    pub fn set_expressions(&mut self, expressions: Option<Arc<Expressions>>) {
        self.expressions = expressions;
    }

    /// The Russian stem phrases of the alternatives (each searched with slop 1): what the
    /// writer finds at indexing time (see [`super::expressions`]).
    pub fn alternative_phrases(&mut self) -> Vec<(Vec<(usize, String)>, u32)> {
        let table = Arc::clone(&self.alternatives);
        let alts = table
            .entries
            .iter()
            .flat_map(|(_, alts)| alts)
            .chain(table.case_sensitive.values().flatten());
        let mut out = Vec::new();
        for alt in alts {
            let ru = self.analyze(&alt.text).ru;
            if ru.len() >= 2 {
                out.push((ru, 1));
            }
        }
        out
    }

    /// A query of Russian stems: a term, an expression found at indexing time, or a phrase.
    fn ru_query(&self, toks: &[(usize, String)], slop: u32) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        if let (Some(expressions), Some(expr), [_, _, ..]) = (&self.expressions, f.expr, toks)
            && let Some(key) = expressions.contains(toks, slop)
        {
            let words = toks
                .iter()
                .map(|(_, t)| Term::from_field_text(f.stem_ru, t))
                .collect();
            let key = Term::from_field_text(expr, &key);
            return Some(Box::new(Expression::new(key, words)));
        }
        field_query(f.stem_ru, toks, slop)
    }

    /// Adds `alts` (with `weight`) to the alternatives of `expression`; a text already there
    /// keeps its weight.
    /// A local name a document defines, whose full form is a kind of an expression the table
    /// knows («Саратовский областной институт развития образования (СОИРО)» is an «институт
    /// развития образования»), is searched for that expression and for every expression that
    /// has it as an alternative («ИРО»), as a narrower term.
    fn add_local_kinds(&mut self, table: &mut AltTable, abbreviations: &[(String, String)]) {
        let mut by_tail: HashMap<Vec<String>, Vec<&String>> = HashMap::new();
        for (abbreviation, full) in abbreviations {
            for tail in kind_tails(full) {
                let stems = texts(&self.analyze(&tail).ru);
                if stems.len() >= 2 {
                    by_tail.entry(stems).or_default().push(abbreviation);
                }
            }
        }
        if by_tail.is_empty() {
            return;
        }
        let weight = W_NARROWER * W_THESAURUS;
        for (key, alts) in &mut table.entries {
            let mut locals: Vec<&String> = by_tail.get(key).cloned().unwrap_or_default();
            // Not through the head of an abbreviation's expansion: «государственный экзамен»
            // (of ЕГЭ) is broader than ЕГЭ, and its kind ОГЭ is no kind of ЕГЭ.
            for alt in alts.iter().filter(|a| a.weight >= weight) {
                if let Some(found) = table.alt_stems.get(&alt.text).and_then(|s| by_tail.get(s)) {
                    locals.extend(found);
                }
            }
            for local in locals {
                push_alt(alts, local, weight);
            }
        }
    }

    fn add_alternatives(
        &mut self,
        table: &mut AltTable,
        expression: &str,
        alts: &[&String],
        weight: f32,
    ) {
        let key = texts(&self.analyze(expression).ru);
        if key.is_empty() {
            return;
        }
        let i = match table.positions.get(&key) {
            Some(&i) => i,
            None => {
                table.entries.push((key.clone(), Vec::new()));
                table.positions.insert(key.clone(), table.entries.len() - 1);
                table.entries.len() - 1
            }
        };
        for alt in alts {
            let stems = texts(&self.analyze(alt).ru);
            // An alternative with the expression's own stems adds nothing.
            if stems != key {
                push_alt(&mut table.entries[i].1, alt, weight);
                table.alt_stems.insert(alt.to_string(), stems);
            }
        }
    }

    /// Runs the three analyzers over a text.
    pub fn analyze(&mut self, text: &str) -> Analyzed {
        let conv = |ts: Vec<tantivy::tokenizer::Token>| {
            ts.into_iter().map(|t| (t.position, t.text)).collect()
        };
        Analyzed {
            ru: conv(tokens(&mut self.ru, text)),
            en: conv(tokens(&mut self.en, text)),
            exact: conv(tokens(&mut self.exact, text)),
        }
    }

    /// Clause matching an expression in the entry text by stems (any language).
    fn stem_clause(&self, a: &Analyzed, slop: u32) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut clauses = Vec::new();
        clauses.extend(self.ru_query(&a.ru, slop));
        clauses.extend(field_query(f.stem_en, &a.en, slop));
        if clauses.is_empty() {
            clauses.extend(field_query(f.exact, &a.exact, slop));
        }
        union(clauses)
    }

    fn add_highlights(a: &Analyzed, hl: &mut HighlightTerms) {
        hl.ru.extend(texts(&a.ru));
        // English stems only of Latin words: the English analyzer passes Cyrillic words through
        // unchanged, and running it over every snippet for them would find nothing new.
        hl.en.extend(
            texts(&a.en)
                .into_iter()
                .filter(|t| t.chars().any(|c| c.is_ascii_alphabetic())),
        );
        hl.exact.extend(texts(&a.exact));
    }

    /// Alternatives of each word: single-word matches and matches of word sequences; short
    /// ambiguous abbreviations only when typed as written (`raw`: the words as typed).
    fn word_alternatives(&self, words: &[Analyzed], raw: &[&str]) -> Vec<Vec<Alt>> {
        let table = &self.alternatives;
        let mut out: Vec<Vec<Alt>> = vec![Vec::new(); words.len()];
        for start in 0..words.len() {
            if let Some(alts) = raw
                .get(start)
                .and_then(|w| table.case_sensitive.get(&w.replace('ё', "е")))
            {
                for alt in alts {
                    push_alt(&mut out[start], &alt.text, alt.weight);
                }
            }
            let Some((_, first)) = words[start].ru.first() else {
                continue;
            };
            for &i in table.by_first.get(first).into_iter().flatten() {
                let (key, alts) = &table.entries[i];
                let mut stems = Vec::new();
                let mut end = start;
                while end < words.len() && stems.len() < key.len() {
                    stems.extend(texts(&words[end].ru));
                    end += 1;
                }
                if stems == *key {
                    for slot in &mut out[start..end] {
                        for alt in alts {
                            push_alt(slot, &alt.text, alt.weight);
                        }
                    }
                }
            }
        }
        out
    }

    /// One word: stems (also of its other inflections), exact form bonus, context,
    /// alternatives, completions and corrections.
    fn word_clause(
        &mut self,
        w: &WordPlan,
        with_prefix: bool,
        hl: &mut HighlightTerms,
        searcher: &Searcher,
    ) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let a = &w.analyzed;
        // Other ways to match the word count by their best, not their sum, so that a frequent
        // word cannot outweigh a rare one by matching in several ways.
        let mut clauses = Vec::new();
        clauses.extend(self.own_clause(w, hl));
        if let Some(part) = self.rarest_part(a, searcher) {
            let mut ways = vec![term_query(f.stem_ru, &part)];
            if with_prefix {
                ways.extend(self.family_terms(&part, 1.0, hl, searcher));
            }
            clauses.extend(union(ways).map(|q| boost(q, W_PART)));
            hl.ru.insert(part);
        }
        // Derived words sharing the stem as a prefix («прогноз» → «прогнозирование»).
        if let [(_, stem)] = a.ru.as_slice()
            && with_prefix
            && stem.chars().count() >= MIN_PREFIX_CHARS
            && stem.chars().all(char::is_alphabetic)
        {
            clauses.push(boost(Box::new(Prefix::new(f.stem_ru, stem)), W_PREFIX));
        }
        if W_AUX > 0.0 {
            clauses.extend(field_query(f.aux_ru, &a.ru, 0).map(|q| boost(q, W_AUX)));
        }
        clauses.extend(self.alternative_clauses(w, with_prefix, hl, searcher));
        let family: Vec<Box<dyn Query>> = w
            .family
            .iter()
            .map(|(t, weight)| boost(term_query(f.stem_ru, t), *weight))
            .collect();
        clauses.extend(union(family));
        hl.ru.extend(w.family.iter().map(|(t, _)| t.clone()));
        let completions = w.completions.iter().map(|t| term_query(f.exact, t));
        clauses.extend(union(completions.collect()).map(|q| boost(q, W_COMPLETION)));
        hl.exact.extend(w.completions.iter().cloned());
        let corrections = w.corrections.iter().map(|t| term_query(f.stem_ru, t));
        clauses.extend(union(corrections.collect()).map(|q| boost(q, W_CORRECTION)));
        hl.ru.extend(w.corrections.iter().cloned());
        Self::add_highlights(a, hl);
        match clauses.len() {
            0 => None,
            1 => clauses.pop(),
            _ => Some(Box::new(Union::best(clauses, TIE_BREAKER))),
        }
    }

    /// The word itself: its stem (and the stems of its other inflections) plus the exact-form
    /// bonus.
    fn own_clause(&self, w: &WordPlan, hl: &mut HighlightTerms) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let mut stems = Vec::new();
        stems.extend(self.stem_clause(&w.analyzed, 0));
        stems.extend(w.inflections.iter().map(|t| term_query(f.stem_ru, t)));
        hl.ru.extend(w.inflections.iter().cloned());
        let mut own = Vec::new();
        own.extend(union(stems).map(|q| boost(q, W_STEM)));
        own.extend(field_query(f.exact, &w.analyzed.exact, 0).map(|q| boost(q, W_EXACT)));
        union(own)
    }

    /// The word's alternatives (thesaurus, the documents' abbreviations), each as a phrase
    /// with its other inflections, scaled by [`Self::alt_scale`]; the families of the one-word
    /// ones, for a word rare enough for a family of its own, as one more clause.
    fn alternative_clauses(
        &mut self,
        w: &WordPlan,
        with_prefix: bool,
        hl: &mut HighlightTerms,
        searcher: &Searcher,
    ) -> Vec<Box<dyn Query>> {
        let mut clauses = Vec::new();
        let mut families = Vec::new();
        for alt in &w.alternatives {
            let alt_a = self.analyze(&alt.text);
            let mut ways = Vec::new();
            ways.extend(self.stem_clause(&alt_a, 1));
            // The same expression with other inflections where the stemmer splits a word.
            for variant in self.inflected_variants(&alt.text, &alt_a) {
                ways.extend(self.ru_query(&variant, 1));
                hl.ru.extend(texts(&variant));
            }
            let weight = W_ALT * alt.weight * self.alt_scale(&alt_a, w.own_idf, searcher);
            if let Some(q) = union(ways) {
                clauses.push(boost(q, weight));
                hl.ru.extend(texts(&alt_a.ru));
            }
            // A clause of its own, counted by the word's best: an entry with the whole phrase
            // also has the tail after the head, and must not score both.
            if let Some(q) = self.coordinated(&alt.text) {
                clauses.push(boost(q, weight * W_COORDINATED));
            }
            // «доброволец» brings «добровольчество», «добровольческий».
            if let [(_, stem)] = alt_a.ru.as_slice()
                && with_prefix
            {
                families.extend(self.family_terms(stem, weight, hl, searcher));
            }
        }
        clauses.extend(union(families));
        clauses
    }

    /// An expression «[modifiers] head modifier noun…» («образовательная организация высшего
    /// образования», «дефицит педагогических кадров») also written with other modifiers
    /// between the head and the tail, coordinated or inserted: «организации среднего
    /// профессионального и высшего образования», «дефицит специально подготовленных
    /// педагогических кадров». Matches the tail as a phrase in an entry that has the head at most
    /// [`COORDINATION_SLOP`] words before the tail's first word.
    fn coordinated(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let head = words.iter().position(|w| !is_modifier(w))?;
        let tail = words.get(head + 1..)?;
        if tail.len() < 2 || !is_modifier(tail[0]) {
            return None;
        }
        let field = self.fields.stem_ru;
        let tail_stems = self.analyze(&tail.join(" ")).ru;
        let head_stems = self.analyze(words[head]).ru;
        let ([(_, head_stem)], Some((_, first))) = (head_stems.as_slice(), tail_stems.first())
        else {
            return None;
        };
        if tail_stems.len() != tail.len() {
            return None;
        }
        let near = vec![(0, head_stem.clone()), (1, first.clone())];
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, field_query(field, &tail_stems, 0)?),
            (Occur::Must, field_query(field, &near, COORDINATION_SLOP)?),
        ])))
    }

    /// The terms of a stem's family (see [`Self::family`]) at their shares of `weight`.
    fn family_terms(
        &self,
        stem: &str,
        weight: f32,
        hl: &mut HighlightTerms,
        searcher: &Searcher,
    ) -> Vec<Box<dyn Query>> {
        let mut out = Vec::new();
        for (t, share) in self.family(stem, &[], &[], searcher) {
            out.push(boost(term_query(self.fields.stem_ru, &t), weight * share));
            hl.ru.insert(t);
        }
        out
    }

    /// The rarest part of a hyphenated word («детей-инвалидов» → инвалид, «педагог-психолог» →
    /// психолог), matched alone (with its family) below the whole word: the documents also write
    /// «инвалидов», «детей с инвалидностью». Only a part of letters, long enough to mean
    /// something by itself.
    fn rarest_part(&self, a: &Analyzed, searcher: &Searcher) -> Option<String> {
        if a.ru.len() < 2 {
            return None;
        }
        a.ru.iter()
            .map(|(_, t)| t)
            .filter(|t| t.chars().count() >= MIN_PART_CHARS && t.chars().all(char::is_alphabetic))
            .map(|t| (vocab::doc_freq(searcher, self.fields.stem_ru, t), t))
            .filter(|(df, _)| *df > 0)
            .min()
            .map(|(_, t)| t.clone())
    }

    /// The factor of an alternative's score: its BM25 weight (the sum of its words' idf)
    /// stands for one typed word by its share over √(its words) ([`phrase_divisor`]), and never
    /// above the typed word's own idf — an entry matched by an expansion of the word must not
    /// outrank an entry of the same length matched by the word typed.
    fn alt_scale(&self, alt: &Analyzed, own_idf: Option<f32>, searcher: &Searcher) -> f32 {
        let divisor = phrase_divisor(alt);
        let Some(own_idf) = own_idf else {
            return 1.0 / divisor;
        };
        let f = &self.fields;
        let (field, toks) = if alt.ru.is_empty() {
            (f.stem_en, &alt.en)
        } else {
            (f.stem_ru, &alt.ru)
        };
        let idf: f32 = toks
            .iter()
            .map(|(_, t)| bm25_idf(vocab::doc_freq(searcher, field, t), searcher))
            .sum();
        if idf <= 0.0 {
            return 1.0 / divisor;
        }
        (idf / divisor).min(own_idf) / idf
    }

    /// A required phrase: stems in order, exact forms as a bonus. A single quoted word must
    /// match in its exact form.
    fn phrase_clause(&self, a: &Analyzed) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        if a.exact.len() == 1 {
            return field_query(f.exact, &a.exact, 0);
        }
        let required = self.stem_clause(a, 0)?;
        let mut clauses = vec![(Occur::Must, required)];
        if let Some(q) = field_query(f.exact, &a.exact, 0) {
            clauses.push((Occur::Should, boost(q, W_PHRASE_EXACT)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Builds the query.
    pub fn build(&mut self, q: &UserQuery, searcher: &Searcher) -> Built {
        let mut hl = HighlightTerms::default();
        let raw: Vec<&str> = q.words.iter().map(String::as_str).collect();
        let analyzed: Vec<Analyzed> = raw.iter().map(|w| self.analyze(w)).collect();
        let all_alternatives = self.word_alternatives(&analyzed, &raw);
        // A short ambiguous abbreviation typed as written stands for its expansions only: its
        // folded letters would match prepositions and other words.
        let ambiguous: Vec<bool> = raw
            .iter()
            .map(|w| {
                let key = w.replace('ё', "е");
                self.alternatives.case_sensitive.contains_key(&key)
            })
            .collect();
        // Stop words are dropped, unless the query has nothing else.
        let any_stem = analyzed.iter().any(|a| !a.ru.is_empty());
        let mut plans = Vec::new();
        for (i, (a, alts)) in analyzed.into_iter().zip(all_alternatives).enumerate() {
            let analyzed = if ambiguous[i] {
                Analyzed::default()
            } else if (any_stem && !a.ru.is_empty()) || (!any_stem && !a.exact.is_empty()) {
                a
            } else {
                continue;
            };
            let open = q.last_word_open && i + 1 == raw.len();
            plans.push(self.plan_word(raw[i], analyzed, alts, open, searcher));
        }
        let mut expanded: Vec<String> = Vec::new();
        for alt in plans.iter().flat_map(|p| &p.alternatives) {
            if expanded.len() < MAX_EXPANDED && !expanded.contains(&alt.text) {
                expanded.push(alt.text.clone());
            }
        }
        let suggestion = suggestion(q, &plans);
        let word_clauses: Vec<Box<dyn Query>> = plans
            .iter()
            .filter_map(|w| {
                self.word_clause(w, w.weight >= MIN_PREFIX_RARITY, &mut hl, searcher)
                    .map(|q| boost(q, w.weight))
            })
            .collect();
        let mut rank_terms = self.rank_terms(&plans, searcher);
        // A misspelt word stands in the proximity clause by its correction.
        let words: Vec<Analyzed> = plans
            .into_iter()
            .map(
                |p| match (p.corrections.first(), p.analyzed.ru.as_slice()) {
                    (Some(corrected), [(position, _)]) => Analyzed {
                        ru: vec![(*position, corrected.clone())],
                        ..p.analyzed
                    },
                    _ => p.analyzed,
                },
            )
            .collect();

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let phrases: Vec<Box<dyn Query>> = q
            .phrases
            .iter()
            .filter_map(|p| {
                let a = self.analyze(p);
                Self::add_highlights(&a, &mut hl);
                if let Some(terms) = &mut rank_terms {
                    terms.push(self.own_terms(&a, &[], 1.0));
                }
                self.phrase_clause(&a)
            })
            .collect();
        let has_phrases = !phrases.is_empty();
        clauses.extend(phrases.into_iter().map(|p| (Occur::Must, p)));

        let n = word_clauses.len();
        if n > 0 {
            if n >= 2
                && let Some(near) = self.proximity(&words)
            {
                clauses.push((Occur::Should, boost(near, W_NEAR)));
            }
            let min = if n >= 3 { n / 2 } else { 1 };
            let occur = if has_phrases {
                Occur::Should
            } else {
                Occur::Must
            };
            clauses.push((occur, Box::new(CoordQuery::new(word_clauses, min))));
        }
        let positive = !clauses.is_empty();
        for ex in &q.excluded {
            let a = self.analyze(ex);
            let f = self.fields;
            let mut any = Vec::new();
            any.extend(self.stem_clause(&a, 0));
            any.extend(field_query(f.exact, &a.exact, 0));
            if let Some(u) = union(any) {
                clauses.push((Occur::MustNot, u));
            }
        }
        if !positive {
            if clauses.is_empty() {
                return Built::Browse;
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let notes = QueryNotes {
            expanded,
            suggestion,
        };
        Built::Query(Box::new(BuiltQuery {
            query: Box::new(BooleanQuery::new(clauses)),
            highlight: hl,
            notes,
            rank_terms: rank_terms.filter(|t| !t.is_empty() && t.iter().all(|w| !w.is_empty())),
        }))
    }

    /// The terms of the first ranking (see [`BuiltQuery::rank_terms`]) of the typed words.
    fn rank_terms(&self, plans: &[WordPlan], searcher: &Searcher) -> Option<Vec<Vec<(Term, f32)>>> {
        let mut out = Vec::new();
        for p in plans {
            let by_other_terms = p.correction.is_some()
                || !p.completions.is_empty()
                || !self.known(&p.analyzed, searcher);
            if by_other_terms {
                return None;
            }
            out.push(self.own_terms(&p.analyzed, &p.inflections, p.weight));
        }
        Some(out)
    }

    /// An expression's stems (and the stems of other inflections) and exact forms, as weighted
    /// term pairs.
    fn own_terms(&self, a: &Analyzed, inflections: &[String], weight: f32) -> Vec<(Term, f32)> {
        let f = &self.fields;
        let stems = a.ru.iter().map(|(_, t)| (f.stem_ru, t, W_STEM));
        let en = a.en.iter().map(|(_, t)| (f.stem_en, t, W_STEM));
        let other = inflections.iter().map(|t| (f.stem_ru, t, W_STEM));
        let exact = a.exact.iter().map(|(_, t)| (f.exact, t, W_EXACT));
        stems
            .chain(en)
            .chain(other)
            .chain(exact)
            .map(|(field, t, w)| (Term::from_field_text(field, t), w * weight))
            .collect()
    }

    /// What one typed word searches: its analysis, alternatives, other inflections, and —
    /// when the documents do not know it — completions (if it is the open last word) or
    /// corrections; and its weight.
    fn plan_word(
        &mut self,
        raw: &str,
        analyzed: Analyzed,
        alternatives: Vec<Alt>,
        open: bool,
        searcher: &Searcher,
    ) -> WordPlan {
        let f = self.fields;
        let own_df = analyzed
            .ru
            .iter()
            .map(|(_, t)| vocab::doc_freq(searcher, f.stem_ru, t))
            .min();
        let known = self.known(&analyzed, searcher);
        // A word the documents never use has no own match to outrank: its best alternatives
        // carry it in full, the others keep their share of them (the head of an abbreviation's
        // expansion stays below the whole expansion).
        let top = alternatives
            .iter()
            .map(|a| a.weight)
            .fold(0.0_f32, f32::max);
        let alternatives: Vec<Alt> = if known || top <= 0.0 {
            alternatives
        } else {
            alternatives
                .into_iter()
                .map(|alt| Alt {
                    weight: (alt.weight * W_DOCUMENT / top).max(alt.weight),
                    ..alt
                })
                .collect()
        };
        let mut plan = WordPlan {
            raw: raw.to_string(),
            inflections: cached_inflections(self, raw, &analyzed),
            family: Vec::new(),
            completions: Vec::new(),
            corrections: Vec::new(),
            correction: None,
            weight: 1.0,
            own_idf: own_df.filter(|&df| df > 0).map(|df| bm25_idf(df, searcher)),
            analyzed,
            alternatives,
        };
        let exact = match plan.analyzed.exact.as_slice() {
            [(_, t)] => t.clone(),
            _ => String::new(),
        };
        // A typed word the documents use as it is was most likely typed whole.
        if open
            && exact.chars().count() >= MIN_COMPLETION_CHARS
            && vocab::doc_freq(searcher, f.exact, &exact) == 0
        {
            plan.completions = vocab::completions(searcher, f.exact, &exact, MAX_COMPLETIONS)
                .into_iter()
                .map(|k| k.term)
                .collect();
        }
        let fallback_df = if !plan.completions.is_empty() {
            plan.completions
                .first()
                .map(|t| vocab::doc_freq(searcher, f.exact, t))
        } else {
            self.correct(&mut plan, &exact, own_df.unwrap_or(0), searcher)
        };
        plan.weight = self.rarity(&plan.analyzed, &plan.alternatives, fallback_df, searcher);
        // Frequent words find enough by themselves, and their families would be costly to collect.
        if plan.weight >= MIN_PREFIX_RARITY {
            // A misspelt word's family is that of its correction.
            let stem = match (own_df, plan.corrections.first()) {
                (Some(0) | None, Some(corrected)) => Some(corrected.clone()),
                _ => match plan.analyzed.ru.as_slice() {
                    [(_, stem)] => Some(stem.clone()),
                    _ => None,
                },
            };
            if let Some(stem) = stem {
                plan.family = self.family(&stem, &plan.inflections, &plan.corrections, searcher);
            }
        }
        plan
    }

    /// The word's family: stems of the index that share its root (its stem without up to
    /// [`FAMILY_SUFFIX_CHARS`] last letters, at least [`FAMILY_ROOT_CHARS`] letters) —
    /// «наставник» ↔ «наставничество» ↔ «наставнический». Each is weighted below the word
    /// itself, the more so the rarer it is than the word (a rare relative must not outrank the
    /// word typed).
    fn family(
        &self,
        stem: &str,
        inflections: &[String],
        corrections: &[String],
        searcher: &Searcher,
    ) -> Vec<(String, f32)> {
        let chars: Vec<char> = stem.chars().collect();
        if chars.len() < FAMILY_ROOT_CHARS || !chars.iter().all(|c| c.is_alphabetic()) {
            return Vec::new();
        }
        let root: String = chars[..chars
            .len()
            .saturating_sub(FAMILY_SUFFIX_CHARS)
            .max(FAMILY_ROOT_CHARS)]
            .iter()
            .collect();
        let field = self.fields.stem_ru;
        let idf = |df: u64| bm25_idf(df, searcher);
        let own_df = vocab::doc_freq(searcher, field, stem);
        let own_idf = if own_df > 0 { idf(own_df) } else { f32::MAX };
        vocab::completions(searcher, field, &root, MAX_FAMILY)
            .into_iter()
            .chain(std::iter::once(vocab::Known {
                df: vocab::doc_freq(searcher, field, &root),
                term: root.clone(),
            }))
            .filter(|k| {
                k.df > 0
                    && k.term != stem
                    && !inflections.contains(&k.term)
                    && !corrections.contains(&k.term)
            })
            .map(|k| {
                let share = (own_idf / idf(k.df)).min(1.0);
                (k.term, W_FAMILY * share)
            })
            .collect()
    }

    /// Stems of the other inflections of a word (from the dictionary) that differ from its own.
    fn inflections(&mut self, raw: &str, a: &Analyzed) -> Vec<String> {
        let [(_, own)] = a.ru.as_slice() else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for form in morph::lexeme_forms(raw) {
            for (_, stem) in self.analyze(&form).ru {
                if stem != *own && !out.contains(&stem) {
                    out.push(stem);
                }
            }
        }
        out
    }

    /// Other stem sequences of a multi-word expression, with one word at a time replaced by a
    /// stem of another of its inflections (at most [`MAX_VARIANTS`]).
    fn inflected_variants(&mut self, text: &str, a: &Analyzed) -> Vec<Vec<(usize, String)>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if a.ru.len() < 2 || words.len() != a.ru.len() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let own = self.analyze(word);
            for stem in cached_inflections(self, word, &own) {
                let mut variant = a.ru.clone();
                variant[i].1 = stem;
                out.push(variant);
                if out.len() == MAX_VARIANTS {
                    return out;
                }
            }
        }
        out
    }

    /// Corrections of a word the documents do not know (or know only once or twice, when it is
    /// not a dictionary word): the most frequent close terms, if they are much more frequent.
    /// Returns the document frequency of the best correction.
    fn correct(
        &mut self,
        plan: &mut WordPlan,
        exact: &str,
        own_df: u64,
        searcher: &Searcher,
    ) -> Option<u64> {
        let rare = own_df == 0 || (own_df <= RARE_DF && !morph::is_dictionary_word(&plan.raw));
        if !rare
            || exact.is_empty()
            || !plan.alternatives.is_empty()
            || !plan.completions.is_empty()
        {
            return None;
        }
        let least = if own_df == 0 {
            1
        } else {
            CORRECTION_FACTOR * (own_df + 1)
        };
        let mut candidates: Vec<vocab::Known> =
            vocab::corrections(searcher, self.fields.exact, exact)
                .into_iter()
                .filter(|(k, _)| k.df >= least && !k.term.chars().any(|c| c.is_ascii_digit()))
                .take(MAX_CORRECTIONS)
                .map(|(k, _)| k)
                .collect();
        if candidates.is_empty() {
            // Another ending may be further away than the misspelling itself
            // («антитерористическая» → «антитеррористической»): the stems are compared, and
            // the most used word of the closest stem stands for it.
            candidates = self.stem_corrections(plan, least, searcher);
        }
        let best = candidates.first()?.clone();
        for k in &candidates {
            let analyzed = self.analyze(&k.term);
            // The correction's other inflections too (the stemmer splits «дефицит» and
            // «дефицита»).
            let inflections = cached_inflections(self, &k.term, &analyzed);
            for stem in texts(&analyzed.ru).into_iter().chain(inflections) {
                if !plan.corrections.contains(&stem) {
                    plan.corrections.push(stem);
                }
            }
        }
        // Shown to the user: the documents' spelling of the folded term.
        plan.correction = Some(
            vocab::surface(searcher, self.fields.exact, self.fields.stored, &best.term)
                .unwrap_or(best.term),
        );
        Some(best.df)
    }

    /// Corrections of a word by its stem: the most used word (exact form) of each stem of the
    /// index within the edit distance of the word's stem, for words whose forms are all too far.
    fn stem_corrections(
        &self,
        plan: &WordPlan,
        least: u64,
        searcher: &Searcher,
    ) -> Vec<vocab::Known> {
        let [(_, stem)] = plan.analyzed.ru.as_slice() else {
            return Vec::new();
        };
        let f = self.fields;
        vocab::corrections(searcher, f.stem_ru, stem)
            .into_iter()
            .filter(|(k, _)| k.df >= least && k.term.chars().all(char::is_alphabetic))
            .take(MAX_CORRECTIONS)
            .filter_map(|(k, _)| {
                let itself = vocab::Known {
                    df: vocab::doc_freq(searcher, f.exact, &k.term),
                    term: k.term.clone(),
                };
                vocab::completions(searcher, f.exact, &k.term, 1)
                    .into_iter()
                    .chain(std::iter::once(itself))
                    .filter(|w| w.df > 0)
                    .max_by_key(|w| w.df)
            })
            .collect()
    }

    /// Weight of a word by its rarity: `ln(1 + N / (df + 1)) / ln(1 + N)`, with `df` the number of
    /// entries of its rarest way to match (its stems, an abbreviation the documents define, or —
    /// for a word the documents do not use — a thesaurus alternative). Multiplied with BM25's own
    /// idf this weighs words by idf², so that a rare word outranks a word found everywhere
    /// («травля в школе» is about bullying, not about schools).
    fn rarity(
        &mut self,
        a: &Analyzed,
        alternatives: &[Alt],
        fallback_df: Option<u64>,
        searcher: &Searcher,
    ) -> f32 {
        let field = self.fields.stem_ru;
        let df_of = |toks: &[(usize, String)]| -> Option<u64> {
            toks.iter()
                .map(|(_, t)| {
                    searcher
                        .doc_freq(&Term::from_field_text(field, t))
                        .unwrap_or(0)
                })
                .min()
                .filter(|&df| df > 0)
        };
        let own = df_of(&a.ru);
        let mut best = own;
        for alt in alternatives {
            // The thesaurus speaks for a word only when the corpus does not know the word: a
            // word found in the documents is as specific as the documents say.
            if own.is_some() && alt.weight < W_DOCUMENT {
                continue;
            }
            let alt_a = self.analyze(&alt.text);
            if let Some(df) = df_of(&alt_a.ru) {
                best = Some(best.map_or(df, |b| b.min(df)));
            }
        }
        let n = searcher.num_docs().max(1) as f32;
        let df = best.or(fallback_df).unwrap_or(0) as f32;
        ((1.0 + n / (df + 1.0)).ln() / (1.0 + n).ln()).clamp(0.05, 1.0)
    }

    /// Whether the documents use the word (any of its Russian or English stems).
    fn known(&self, a: &Analyzed, searcher: &Searcher) -> bool {
        let f = &self.fields;
        let found = |field: Field, toks: &[(usize, String)]| {
            toks.iter().any(|(_, t)| {
                searcher
                    .doc_freq(&Term::from_field_text(field, t))
                    .is_ok_and(|df| df > 0)
            })
        };
        found(f.stem_ru, &a.ru) || found(f.stem_en, &a.en)
    }

    /// The words' stems in query order within a few positions of each other.
    fn proximity(&self, words: &[Analyzed]) -> Option<Box<dyn Query>> {
        if words.len() > 6 || words.iter().any(|a| a.ru.len() != 1) {
            return None;
        }
        let toks: Vec<(usize, String)> = words
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.ru[0].1.clone()))
            .collect();
        field_query(self.fields.stem_ru, &toks, 2 * words.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::head_of;

    #[test]
    fn head_drops_a_leading_modifier_only() {
        assert_eq!(
            head_of("школьных служб медиации").as_deref(),
            Some("служб медиации")
        );
        assert_eq!(
            head_of("Региональный центр оценки качества образования").as_deref(),
            Some("центр оценки качества образования")
        );
        // Too little would remain, or the first word is not a modifier.
        assert_eq!(head_of("информационно-коммуникационных технологий"), None);
        assert_eq!(head_of("центр оценки качества образования"), None);
        assert_eq!(head_of("ВСОКО"), None);
    }
}
