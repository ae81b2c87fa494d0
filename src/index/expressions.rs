//! Multi-word expressions of the thesaurus found at indexing time.
//!
//! A typed word is also searched as its thesaurus alternatives: «школа» as «общеобразовательная
//! организация», a phrase of two of the corpus's most common words. Matching such a phrase
//! reads the positions of every entry holding both words, and did cost more than everything
//! else of the query. So the writer finds the alternatives' phrases in each Russian entry while
//! indexing it (the `expr` field, through the [`EXPR`] analyzer: one token per occurrence, named
//! by [`key`]) and a search reads one posting list instead ([`super::nodes::Expression`]),
//! scored as the phrase was: BM25 of the phrase's words, the occurrences as its frequency.
//!
//! An occurrence: the expression's stems, each at its offset after the previous one give or take
//! the slop left (the deviations add up to at most the slop) — what tantivy's phrase query of
//! those stems with that slop finds (it counts occurrences a little differently: one per
//! matched last stem, here one per first stem).
//!
//! The registry of expressions is derived from the built-in thesaurus and named by a hash of
//! its keys. The index records the hash (marker file [`MARKER`]) once every entry it holds was
//! indexed with that registry; a search uses the expression terms only when the recorded hash
//! is its own, and phrases otherwise (an index written by another version, a local thesaurus's
//! other expressions).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use sha2::{Digest, Sha256};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::build::QueryBuilder;
use super::recording;
use super::thesaurus::Thesaurus;
use crate::analysis::{self, ru_analyzer};
use crate::error::{Error, Result};

/// Name of the analyzer of the `expr` field.
pub const EXPR: &str = "edu_expr";
/// Marker file in the index directory: the hash of the registry every entry was indexed with.
pub const MARKER: &str = "edusearch-expressions";

/// The key of a phrase of stems `(position, stem)` with `slop`: the stems at their offsets
/// from the first, a gap written `_`, then `~slop`.
pub fn key(toks: &[(usize, String)], slop: u32) -> Option<String> {
    let first = toks.first()?.0;
    let mut out = String::new();
    let mut next = first;
    for (pos, stem) in toks {
        while next < *pos {
            out.push_str("_ ");
            next += 1;
        }
        out.push_str(stem);
        out.push(' ');
        next = pos + 1;
    }
    out.pop();
    out.push_str(&format!("~{slop}"));
    Some(out)
}

/// One expression: the steps after its first stem.
#[derive(Debug, Clone)]
struct Pattern {
    key: String,
    /// `(offset from the previous stem, stem)`.
    steps: Vec<(usize, String)>,
    slop: usize,
}

/// The expressions found at indexing time.
#[derive(Debug, Clone, Default)]
pub struct Expressions {
    by_first: HashMap<String, Vec<Pattern>>,
    id: String,
}

impl Expressions {
    /// The registry of the phrases `(stems, slop)` of two stems or more.
    pub fn new(phrases: impl IntoIterator<Item = (Vec<(usize, String)>, u32)>) -> Self {
        let mut by_first: HashMap<String, Vec<Pattern>> = HashMap::new();
        let mut keys = HashSet::new();
        for (toks, slop) in phrases {
            let Some(key) = key(&toks, slop).filter(|_| toks.len() >= 2) else {
                continue;
            };
            if !keys.insert(key.clone()) {
                continue;
            }
            let steps = toks
                .windows(2)
                .map(|w| (w[1].0.saturating_sub(w[0].0), w[1].1.clone()))
                .collect();
            by_first
                .entry(toks[0].1.clone())
                .or_default()
                .push(Pattern {
                    key,
                    steps,
                    slop: slop as usize,
                });
        }
        let mut keys: Vec<String> = keys.into_iter().collect();
        keys.sort();
        let mut hash = Sha256::new();
        for k in &keys {
            hash.update(k.as_bytes());
            hash.update(b"\n");
        }
        let id = hash
            .finalize()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        Expressions { by_first, id }
    }

    /// Whether the registry holds no expression.
    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// The key of the phrase `toks` with `slop` when the registry holds it.
    pub fn contains(&self, toks: &[(usize, String)], slop: u32) -> Option<String> {
        let key = key(toks, slop)?;
        self.by_first
            .get(&toks.first()?.1)?
            .iter()
            .any(|p| p.key == key)
            .then_some(key)
    }

    /// The keys of the expressions occurring in `tokens` (`(position, stem)`, positions
    /// increasing), once per occurrence.
    pub fn find(&self, tokens: &[(usize, &str)]) -> Vec<String> {
        let mut out = Vec::new();
        for (position, stem) in tokens {
            for p in self.by_first.get(*stem).into_iter().flatten() {
                if follows(tokens, *position, &p.steps, p.slop) {
                    out.push(p.key.clone());
                }
            }
        }
        out
    }

    /// Whether the index in `dir` was written with this registry.
    pub fn recorded_in(&self, dir: &Path) -> bool {
        std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|s| s.trim() == self.id)
    }

    /// Records that every entry of the index in `dir` was written with this registry.
    pub fn record(&self, dir: &Path) -> Result<()> {
        crate::index::write_atomically(&dir.join(MARKER), self.id.as_bytes())
    }

    /// Removes the record: entries written without the registry are about to join the index.
    pub fn unrecord(dir: &Path) -> Result<()> {
        let path = dir.join(MARKER);
        match std::fs::remove_file(&path) {
            Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::Io { path, source })
            }
            _ => Ok(()),
        }
    }
}

/// The built-in registry when the index in `dir` records it. Without a record no registry is
/// derived (opening a new or an older index does not pay for it).
pub fn recorded(dir: &Path) -> Option<Arc<Expressions>> {
    if !dir.join(MARKER).is_file() {
        return None;
    }
    Some(builtin()).filter(|e| e.recorded_in(dir))
}

/// The registry of the built-in thesaurus's alternatives, derived once per process.
pub fn builtin() -> Arc<Expressions> {
    static BUILTIN: LazyLock<Arc<Expressions>> = LazyLock::new(|| {
        let (_, fields) = super::schema::build();
        let mut builder = QueryBuilder::new(fields, &[], &Thesaurus::builtin());
        Arc::new(Expressions::new(builder.alternative_phrases()))
    });
    Arc::clone(&BUILTIN)
}

/// Whether the steps follow a stem at `position`: each next stem within the slop left of its
/// offset after the previous one, before or after it, the deviations adding up to at most
/// `slop` (tantivy's phrase with slop: two stems `a b` with slop 1 match `a b` and `a x b`, with
/// slop 4 also `b a`).
fn follows(
    tokens: &[(usize, &str)],
    position: usize,
    steps: &[(usize, String)],
    slop: usize,
) -> bool {
    let Some(((offset, stem), rest)) = steps.split_first() else {
        return true;
    };
    let target = position + offset;
    let from = tokens.partition_point(|(p, _)| *p + slop < target);
    tokens[from..]
        .iter()
        .take_while(|(p, _)| *p <= target + slop)
        .any(|(p, s)| s == stem && follows(tokens, *p, rest, slop - p.abs_diff(target)))
}

/// The expressions in stems `(position, stem)` of an analysed text.
fn keys_in<'t>(
    expressions: &Expressions,
    stems: impl Iterator<Item = (usize, &'t str)>,
) -> Vec<String> {
    let stems: Vec<(usize, &str)> = stems.collect();
    expressions.find(&stems)
}

/// The analyzer of the `expr` field: one token per occurrence of a registered expression in the
/// Russian analysis of the text (recorded by [`super::recording::RecordingRu`], or made here).
#[derive(Clone)]
pub struct ExprTokenizer {
    ru: TextAnalyzer,
    expressions: Arc<Expressions>,
}

impl ExprTokenizer {
    /// The analyzer finding `expressions`.
    pub fn new(expressions: Arc<Expressions>) -> Self {
        ExprTokenizer {
            ru: ru_analyzer(),
            expressions,
        }
    }

    fn keys(&mut self, text: &str) -> Vec<String> {
        recording::with_stems(text, |stems| keys_in(&self.expressions, stems.words()))
            .unwrap_or_else(|| {
                let tokens = analysis::tokens(&mut self.ru, text);
                keys_in(
                    &self.expressions,
                    tokens.iter().map(|t| (t.position, t.text.as_str())),
                )
            })
    }
}

/// Token stream of [`ExprTokenizer`]: tokens made in advance.
pub struct ExprTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ExprTokenizer {
    type TokenStream<'a> = ExprTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ExprTokenStream {
        if self.expressions.is_empty() {
            return ExprTokenStream {
                tokens: Vec::new(),
                next: 0,
            };
        }
        let tokens = self
            .keys(text)
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                position,
                text,
                ..Token::default()
            })
            .collect();
        ExprTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for ExprTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(words: &[(usize, &str)]) -> Vec<(usize, String)> {
        words.iter().map(|&(p, w)| (p, w.to_string())).collect()
    }

    #[test]
    fn keys_keep_offsets_and_slop() {
        assert_eq!(
            key(&toks(&[(3, "a"), (4, "b")]), 1).as_deref(),
            Some("a b~1")
        );
        assert_eq!(
            key(&toks(&[(0, "a"), (2, "b")]), 0).as_deref(),
            Some("a _ b~0")
        );
        assert_eq!(key(&[], 1), None);
    }

    #[test]
    fn occurrences_within_the_slop_in_order() {
        let registry = Expressions::new([
            (toks(&[(0, "общеобразовательн"), (1, "организац")]), 1),
            (toks(&[(0, "дет"), (2, "овз")]), 1),
            (toks(&[(0, "a"), (1, "b"), (2, "c")]), 1),
        ]);
        let found = |words: &[(usize, &str)]| registry.find(words);
        let school = "общеобразовательн организац~1".to_string();
        assert_eq!(
            found(&[(0, "общеобразовательн"), (1, "организац")]),
            vec![school.clone()]
        );
        // One word between: within the slop; two: not; the other order: not.
        assert_eq!(
            found(&[
                (0, "общеобразовательн"),
                (1, "муниципальн"),
                (2, "организац")
            ]),
            vec![school.clone()]
        );
        assert!(
            found(&[
                (0, "общеобразовательн"),
                (1, "x"),
                (2, "y"),
                (3, "организац")
            ])
            .is_empty()
        );
        assert!(found(&[(0, "организац"), (1, "общеобразовательн")]).is_empty());
        // Twice: two tokens.
        assert_eq!(
            found(&[
                (0, "общеобразовательн"),
                (1, "организац"),
                (5, "общеобразовательн"),
                (6, "организац")
            ]),
            vec![school.clone(), school]
        );
        // A stop word's gap is part of the expression's offsets, the slop on either side of it.
        let children = vec!["дет _ овз~1".to_string()];
        assert_eq!(found(&[(4, "дет"), (6, "овз")]), children);
        assert_eq!(found(&[(4, "дет"), (7, "овз")]), children);
        assert_eq!(found(&[(4, "дет"), (5, "овз")]), children);
        assert!(found(&[(4, "дет"), (8, "овз")]).is_empty());
        // Three stems: the gaps share one slop.
        assert_eq!(found(&[(0, "a"), (2, "b"), (3, "c")]).len(), 1);
        assert!(found(&[(0, "a"), (2, "b"), (4, "c")]).is_empty());
        // A repeated stem does not hide a later start.
        assert_eq!(found(&[(0, "a"), (1, "a"), (2, "b"), (3, "c")]).len(), 2);
        // A wide slop also takes the second stem a little before the first.
        let near = Expressions::new([(toks(&[(0, "дефицит"), (1, "кадр")]), 4)]);
        assert_eq!(near.find(&[(3, "кадр"), (5, "дефицит")]).len(), 1);
        assert_eq!(near.find(&[(5, "дефицит"), (10, "кадр")]).len(), 1);
        assert!(near.find(&[(5, "дефицит"), (11, "кадр")]).is_empty());
        assert!(near.find(&[(1, "кадр"), (5, "дефицит")]).is_empty());
    }

    #[test]
    fn the_registry_is_named_by_its_keys() {
        let a = Expressions::new([(toks(&[(0, "a"), (1, "b")]), 1)]);
        let b = Expressions::new([(toks(&[(0, "a"), (1, "b")]), 1)]);
        let c = Expressions::new([(toks(&[(0, "a"), (1, "c")]), 1)]);
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
        assert!(a.contains(&toks(&[(5, "a"), (6, "b")]), 1).is_some());
        assert!(a.contains(&toks(&[(5, "a"), (6, "b")]), 0).is_none());
    }
}
