//! Query nodes that keep their parts visible. tantivy's `BoostQuery`, unions and
//! `DisjunctionMaxQuery` hide the queries they wrap; these score as they do, and let
//! [`super::collect::matcher`] walk a built query to collect its matches as bitsets.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    AutomatonWeight, Bm25Weight, BoostWeight, EmptyScorer, EnableScoring, Explanation, Query,
    Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};
use tantivy_fst::Automaton;

/// A query whose score is multiplied by `boost` (tantivy's `BoostQuery`, parts visible).
#[derive(Debug)]
pub struct Boosted {
    query: Box<dyn Query>,
    boost: Score,
}

impl Boosted {
    /// `query` with its score multiplied by `boost`.
    pub fn new(query: Box<dyn Query>, boost: Score) -> Self {
        Boosted { query, boost }
    }

    /// The boosted query.
    pub fn inner(&self) -> &dyn Query {
        self.query.as_ref()
    }
}

impl Clone for Boosted {
    fn clone(&self) -> Self {
        Boosted::new(self.query.box_clone(), self.boost)
    }
}

impl Query for Boosted {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weight = self.query.weight(scoring)?;
        Ok(match scoring.is_scoring_enabled() {
            true => Box::new(BoostWeight::new(weight, self.boost)),
            false => weight,
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// The terms of a field that begin with a prefix and are longer than it, scored 1 (the
/// regular expression `prefix.+` without building its automaton per query: the term
/// dictionary is walked by a byte-by-byte comparison with the prefix).
#[derive(Debug, Clone)]
pub struct Prefix {
    field: Field,
    prefix: Vec<u8>,
}

impl Prefix {
    /// The terms of `field` that strictly extend `prefix`.
    pub fn new(field: Field, prefix: &str) -> Self {
        Prefix {
            field,
            prefix: prefix.as_bytes().to_vec(),
        }
    }
}

impl Query for Prefix {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let automaton = Extends(self.prefix.clone());
        Ok(Box::new(AutomatonWeight::new(self.field, automaton)))
    }
}

/// The automaton of [`Prefix`]: the state is the number of the prefix's bytes read so far
/// (`len + 1` once past it, `None` after a mismatch).
#[derive(Debug)]
struct Extends(Vec<u8>);

impl Automaton for Extends {
    type State = Option<usize>;

    fn start(&self) -> Option<usize> {
        Some(0)
    }

    fn is_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0.len() + 1)
    }

    fn can_match(&self, state: &Option<usize>) -> bool {
        state.is_some()
    }

    fn will_always_match(&self, state: &Option<usize>) -> bool {
        self.is_match(state)
    }

    fn accept(&self, state: &Option<usize>, byte: u8) -> Option<usize> {
        let read = (*state)?;
        match self.0.get(read) {
            Some(&expected) => (expected == byte).then_some(read + 1),
            None => Some(self.0.len() + 1),
        }
    }
}

/// A phrase of the thesaurus found at indexing time (see [`super::expressions`]): matched by
/// the postings of its key in the `expr` field, scored as tantivy scores the phrase — BM25 over
/// its words' statistics with the `stem_ru` field's lengths, the occurrences as its frequency.
#[derive(Debug, Clone)]
pub struct Expression {
    /// The key's term in the `expr` field.
    key: Term,
    /// The phrase's stems in `stem_ru`.
    words: Vec<Term>,
}

impl Expression {
    /// The expression of `key` (a term of the `expr` field) standing for the phrase `words`.
    pub fn new(key: Term, words: Vec<Term>) -> Self {
        Expression { key, words }
    }

    /// The key's term.
    pub fn key(&self) -> &Term {
        &self.key
    }

    /// The phrase's stems.
    pub fn words(&self) -> &[Term] {
        &self.words
    }
}

impl Query for Expression {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        let norms = self.words.first().map(Term::field);
        Ok(Box::new(ExpressionWeight {
            key: self.key.clone(),
            norms,
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.key, false);
    }
}

struct ExpressionWeight {
    key: Term,
    /// The field whose lengths the score uses.
    norms: Option<Field>,
    bm25: Option<Bm25Weight>,
}

impl Weight for ExpressionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let postings = reader
            .inverted_index(self.key.field())?
            .read_postings(&self.key, IndexRecordOption::WithFreqs)?;
        let Some(postings) = postings else {
            return Ok(Box::new(EmptyScorer));
        };
        let norms = match self.norms {
            Some(field) => Some(reader.get_fieldnorms_reader(field)?),
            None => None,
        };
        Ok(Box::new(ExpressionScorer {
            postings,
            norms,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "entry {doc} does not have the expression"
            )));
        }
        Ok(Explanation::new("expression", scorer.score()))
    }
}

struct ExpressionScorer {
    postings: SegmentPostings,
    norms: Option<FieldNormReader>,
    bm25: Option<Bm25Weight>,
}

impl DocSet for ExpressionScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for ExpressionScorer {
    fn score(&mut self) -> Score {
        match (&self.bm25, &self.norms) {
            (Some(bm25), Some(norms)) => {
                bm25.score(norms.fieldnorm_id(self.doc()), self.postings.term_freq())
            }
            _ => 0.0,
        }
    }
}

/// Any of several queries (a union), scored by their sum or by the best plus `tie` times the
/// others (tantivy's `BooleanQuery::union` and `DisjunctionMaxQuery`, parts visible). Its scorer
/// moves each clause only to the entries asked: scoring a few hundred candidates of a page
/// seeks every clause to each of them, where tantivy's union fills 4,096-entry windows of every
/// clause's scores on each seek. The scores are those of tantivy's union scorers, to the bit
/// (summed in clause order; tantivy's block-max WAND sums in another order, an ulp apart).
#[derive(Debug)]
pub struct Union {
    clauses: Vec<Box<dyn Query>>,
    combine: Combine,
}

/// How a union combines its matching clauses' scores.
#[derive(Debug, Clone, Copy)]
enum Combine {
    /// Their sum.
    Sum,
    /// The best plus the tie factor times the others.
    Best(Score),
}

impl Union {
    /// Any of `clauses`, scored by the sum of those matching.
    pub fn sum(clauses: Vec<Box<dyn Query>>) -> Self {
        Union {
            clauses,
            combine: Combine::Sum,
        }
    }

    /// Any of `clauses`, scored by the best plus `tie` times the others.
    pub fn best(clauses: Vec<Box<dyn Query>>, tie: Score) -> Self {
        Union {
            clauses,
            combine: Combine::Best(tie),
        }
    }

    /// The alternatives.
    pub fn clauses(&self) -> &[Box<dyn Query>] {
        &self.clauses
    }
}

impl Clone for Union {
    fn clone(&self) -> Self {
        Union {
            clauses: self.clauses.iter().map(|c| c.box_clone()).collect(),
            combine: self.combine,
        }
    }
}

impl Query for Union {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(UnionWeight {
            weights: weights(&self.clauses, scoring)?,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visit_terms(&self.clauses, visitor);
    }
}

/// The weights of `clauses`.
pub(super) fn weights(
    clauses: &[Box<dyn Query>],
    scoring: EnableScoring<'_>,
) -> tantivy::Result<Vec<Box<dyn Weight>>> {
    clauses.iter().map(|c| c.weight(scoring)).collect()
}

/// The scorers of `weights` on the segment of `reader`.
pub(super) fn scorers(
    weights: &[Box<dyn Weight>],
    reader: &SegmentReader,
    boost: Score,
) -> tantivy::Result<Vec<Box<dyn Scorer>>> {
    weights.iter().map(|w| w.scorer(reader, boost)).collect()
}

/// Shows the terms of `clauses` to `visitor`.
pub(super) fn visit_terms<'a>(
    clauses: &'a [Box<dyn Query>],
    visitor: &mut dyn FnMut(&'a Term, bool),
) {
    for c in clauses {
        c.query_terms(visitor);
    }
}

/// The explanation of `doc`'s score under `weight`: its score only, labelled `label`.
pub(super) fn explain_score(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    label: &'static str,
) -> tantivy::Result<Explanation> {
    let mut s = weight.scorer(reader, 1.0)?;
    if s.seek(doc) != doc {
        return Err(TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(Explanation::new(label, s.score()))
}

struct UnionWeight {
    weights: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorer = UnionScorer {
            clauses: scorers(&self.weights, reader, boost)?,
            combine: self.combine,
            doc: TERMINATED,
        };
        scorer.drop_finished();
        scorer.doc = scorer.first();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_score(self, reader, doc, "union")
    }
}

struct UnionScorer {
    clauses: Vec<Box<dyn Scorer>>,
    combine: Combine,
    doc: DocId,
}

impl UnionScorer {
    /// Drops the clauses that have no entry left (the terms a segment lacks start so): every
    /// step of the union asks each clause, and a query of many alternatives has many such.
    fn drop_finished(&mut self) {
        self.clauses.retain(|c| c.doc() != TERMINATED);
    }

    /// The first entry of any clause.
    fn first(&self) -> DocId {
        self.clauses
            .iter()
            .map(|c| c.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        if current == TERMINATED {
            return current;
        }
        let mut finished = false;
        for c in &mut self.clauses {
            if c.doc() == current {
                finished |= c.advance() == TERMINATED;
            }
        }
        if finished {
            self.drop_finished();
        }
        self.doc = self.first();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut finished = false;
        for c in &mut self.clauses {
            if c.doc() < target {
                finished |= c.seek(target) == TERMINATED;
            }
        }
        if finished {
            self.drop_finished();
        }
        self.doc = self.first();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.clauses
            .iter()
            .map(|c| c.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
        for c in &mut self.clauses {
            if c.doc() == doc {
                let s = c.score();
                max = Score::max(s, max);
                sum += s;
            }
        }
        match self.combine {
            Combine::Sum => sum,
            Combine::Best(tie) => max + (sum - max) * tie,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// `query`'s scorer on the index's only segment.
    fn scorer(index: &Index, query: &dyn Query) -> Box<dyn Scorer> {
        let searcher = index.reader().expect("reader").searcher();
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .expect("weight");
        weight
            .scorer(searcher.segment_reader(0), 1.0)
            .expect("scorer")
    }

    /// Every matching document's score under `query`, walking its scorer (as the full score
    /// of a page's candidates does).
    fn scores(index: &Index, query: &dyn Query) -> Vec<(DocId, u32)> {
        let mut s = scorer(index, query);
        let mut all = Vec::new();
        while s.doc() != TERMINATED {
            all.push((s.doc(), s.score().to_bits()));
            s.advance();
        }
        all
    }

    /// The documents of `query` found by seeking its scorer to every third document.
    fn sought(index: &Index, query: &dyn Query) -> Vec<(DocId, u32)> {
        let mut s = scorer(index, query);
        let mut all = Vec::new();
        for d in (0..60).step_by(3) {
            if s.doc() <= d && s.seek(d) == d {
                all.push((d, s.score().to_bits()));
            }
        }
        all
    }

    #[test]
    fn unions_score_exactly_as_tantivys() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        let words = ["школа", "педагог", "наставник", "учитель", "методист"];
        for i in 0..60usize {
            let mut doc = TantivyDocument::default();
            let body: Vec<&str> = (0..1 + i % 7).map(|k| words[(i * 3 + k * k) % 5]).collect();
            doc.add_text(text, body.join(" "));
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let clauses = || -> Vec<Box<dyn Query>> {
            words[..4]
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let term = TermQuery::new(
                        Term::from_field_text(text, w),
                        IndexRecordOption::WithFreqs,
                    );
                    Box::new(BoostQuery::new(Box::new(term), 0.5 + i as f32)) as Box<dyn Query>
                })
                .collect()
        };
        let ours = scores(&index, &Union::sum(clauses()));
        let theirs = scores(&index, &BooleanQuery::union(clauses()));
        assert!(ours.len() > 30, "most documents match");
        assert_eq!(ours, theirs);
        let every_third: Vec<_> = theirs.iter().filter(|(d, _)| d % 3 == 0).copied().collect();
        assert_eq!(sought(&index, &Union::sum(clauses())), every_third);
        assert_eq!(
            scores(&index, &Union::best(clauses(), 0.3)),
            scores(
                &index,
                &DisjunctionMaxQuery::with_tie_breaker(clauses(), 0.3)
            )
        );
    }
}
