//! The matches of a built text query as one bitset per segment, evaluated from the query's
//! structure instead of through tantivy's scorers (which merge every clause's postings doc by
//! doc in 4,096-document windows, and check the positions of every phrase).
//!
//! - a term (or an expression found at indexing time: its key's term) sets the bits of its
//!   postings, block by block;
//! - a union ([`Union`], a `BooleanQuery` of `Should` clauses, a [`CoordQuery`] needing one
//!   clause; through [`Boosted`]) is flattened to its terms and other parts: the terms' postings
//!   are written into one bitset, and a part that requires one of those terms (a phrase of the
//!   word's own stem, «общее образование» beside «образование») is skipped: it cannot add a
//!   match. The other parts (phrases of alternatives, prefixes) are evaluated as below;
//! - «at least m of n» (a [`CoordQuery`] of longer queries) counts the clauses' bitsets with
//!   bit-sliced counters; `Must` clauses intersect, `MustNot` clauses are subtracted;
//! - any other query (phrases, prefixes) is run by tantivy without scores into the bitset.
//!
//! The result equals tantivy's unscored matching of the same query (the reference path,
//! `tests/two_pass`, compares them): only deleted entries are removed at the end.

use fixedbitset::FixedBitSet;
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::matches::{MatchSet, SegmentMatches};
use super::pushdown::PushedDocs;
use crate::index::coord::CoordQuery;
use crate::index::nodes::{Boosted, Expression, Union};

/// The matches of `query` in every segment of `searcher` (only among the `within` entries when
/// given), segments on `executor`.
pub fn match_set(
    query: &dyn Query,
    searcher: &Searcher,
    executor: &tantivy::Executor,
    within: Option<&PushedDocs>,
) -> tantivy::Result<MatchSet> {
    let segments = executor.map(
        |(ord, reader)| {
            let mut bits = Evaluator { searcher, reader }.live(query)?;
            if let Some(pushed) = within {
                bits.intersect_with(&pushed.bits(reader));
            }
            Ok(SegmentMatches::of_bits(
                ord as SegmentOrdinal,
                reader.max_doc(),
                bits,
            ))
        },
        searcher.segment_readers().iter().enumerate(),
    )?;
    Ok(MatchSet::of_segments(segments))
}

/// Evaluates queries on one segment.
struct Evaluator<'a> {
    searcher: &'a Searcher,
    reader: &'a SegmentReader,
}

impl Evaluator<'_> {
    fn empty(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(self.reader.max_doc() as usize)
    }

    /// The live entries matching `query`.
    fn live(&self, query: &dyn Query) -> tantivy::Result<FixedBitSet> {
        let mut bits = self.eval(query)?;
        if let Some(alive) = self.reader.alive_bitset() {
            let dead: Vec<usize> = bits
                .ones()
                .filter(|&d| !alive.is_alive(d as DocId))
                .collect();
            for d in dead {
                bits.set(d, false);
            }
        }
        Ok(bits)
    }

    /// The entries (deleted ones included) matching `query`.
    fn eval(&self, query: &dyn Query) -> tantivy::Result<FixedBitSet> {
        if let Some(b) = query.downcast_ref::<Boosted>() {
            return self.eval(b.inner());
        }
        if let Some(key) = term_of(query) {
            let mut bits = self.empty();
            self.add_postings(key, &mut bits)?;
            return Ok(bits);
        }
        if let Some(u) = query.downcast_ref::<Union>() {
            return self.at_least(u.clauses(), 1);
        }
        if let Some(c) = query.downcast_ref::<CoordQuery>() {
            return self.at_least(c.clauses(), c.min());
        }
        if let Some(b) = query.downcast_ref::<BooleanQuery>() {
            return self.boolean(b);
        }
        if query.is::<AllQuery>() {
            let mut bits = self.empty();
            bits.insert_range(..);
            return Ok(bits);
        }
        self.by_tantivy(query)
    }

    /// A boolean query: every `Must`, at least the minimum of the `Should` clauses (one when
    /// there is no `Must`), no `MustNot`.
    fn boolean(&self, query: &BooleanQuery) -> tantivy::Result<FixedBitSet> {
        let of = |occur: Occur| -> Vec<&dyn Query> {
            query
                .clauses()
                .iter()
                .filter(|(o, _)| *o == occur)
                .map(|(_, q)| q.as_ref())
                .collect()
        };
        let (must, should, not) = (of(Occur::Must), of(Occur::Should), of(Occur::MustNot));
        let min = query.get_minimum_number_should_match();
        let mut bits: Option<FixedBitSet> = None;
        for q in must {
            let b = self.eval(q)?;
            match &mut bits {
                Some(acc) => acc.intersect_with(&b),
                None => bits = Some(b),
            }
        }
        let needed = if bits.is_none() { min.max(1) } else { min };
        if needed > 0 {
            let any = self.at_least_of(&should, needed)?;
            match &mut bits {
                Some(acc) => acc.intersect_with(&any),
                None => bits = Some(any),
            }
        }
        // Only `MustNot` clauses: nothing matches, as in tantivy.
        let mut bits = bits.unwrap_or_else(|| self.empty());
        for q in not {
            bits.difference_with(&self.eval(q)?);
        }
        Ok(bits)
    }

    fn at_least(&self, clauses: &[Box<dyn Query>], m: usize) -> tantivy::Result<FixedBitSet> {
        let refs: Vec<&dyn Query> = clauses.iter().map(|c| c.as_ref()).collect();
        self.at_least_of(&refs, m)
    }

    /// The entries matching at least `m` (≥ 1) of `clauses`.
    fn at_least_of(&self, clauses: &[&dyn Query], m: usize) -> tantivy::Result<FixedBitSet> {
        if m <= 1 {
            return self.union(clauses);
        }
        if m > clauses.len() {
            return Ok(self.empty());
        }
        // counts[k - 1]: the entries matching at least k of the clauses seen so far.
        let mut counts: Vec<FixedBitSet> = vec![self.empty(); m];
        for q in clauses {
            let b = self.eval(*q)?;
            for k in (1..m).rev() {
                let mut more = counts[k - 1].clone();
                more.intersect_with(&b);
                counts[k].union_with(&more);
            }
            counts[0].union_with(&b);
        }
        Ok(counts.pop().unwrap_or_else(|| self.empty()))
    }

    /// The entries matching any of `clauses`: their terms' postings written at once, other
    /// parts evaluated unless they require one of those terms.
    fn union(&self, clauses: &[&dyn Query]) -> tantivy::Result<FixedBitSet> {
        let mut terms: Vec<&Term> = Vec::new();
        let mut others: Vec<&dyn Query> = Vec::new();
        for q in clauses {
            flatten(*q, &mut terms, &mut others);
        }
        terms.sort_unstable();
        terms.dedup();
        let mut bits = self.empty();
        for t in &terms {
            self.add_postings(t, &mut bits)?;
        }
        for q in others {
            let implied = required_terms(q)
                .iter()
                .any(|t| terms.binary_search(&t).is_ok());
            if !implied {
                bits.union_with(&self.eval(q)?);
            }
        }
        Ok(bits)
    }

    /// Sets the bits of `term`'s postings (deleted entries included).
    fn add_postings(&self, term: &Term, bits: &mut FixedBitSet) -> tantivy::Result<()> {
        let index = self.reader.inverted_index(term.field())?;
        let Some(mut postings) = index.read_block_postings(term, IndexRecordOption::Basic)? else {
            return Ok(());
        };
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                return Ok(());
            }
            for &d in docs {
                bits.insert(d as usize);
            }
            postings.advance();
        }
    }

    /// Any other query, run by tantivy without scores.
    fn by_tantivy(&self, query: &dyn Query) -> tantivy::Result<FixedBitSet> {
        let weight = query.weight(EnableScoring::disabled_from_searcher(self.searcher))?;
        let mut bits = self.empty();
        weight.for_each_no_score(self.reader, &mut |docs| {
            for &d in docs {
                bits.insert(d as usize);
            }
        })?;
        Ok(bits)
    }
}

/// The one term whose postings are the matches of `query`: a term query's, an expression's key.
fn term_of(query: &dyn Query) -> Option<&Term> {
    if let Some(t) = query.downcast_ref::<TermQuery>() {
        return Some(t.term());
    }
    query.downcast_ref::<Expression>().map(Expression::key)
}

/// Splits a union's clause into terms and other parts, through nested unions and boosts.
fn flatten<'q>(query: &'q dyn Query, terms: &mut Vec<&'q Term>, others: &mut Vec<&'q dyn Query>) {
    if let Some(b) = query.downcast_ref::<Boosted>() {
        return flatten(b.inner(), terms, others);
    }
    if let Some(t) = term_of(query) {
        return terms.push(t);
    }
    if let Some(u) = query.downcast_ref::<Union>() {
        return u
            .clauses()
            .iter()
            .for_each(|c| flatten(c.as_ref(), terms, others));
    }
    if let Some(c) = query.downcast_ref::<CoordQuery>()
        && c.min() <= 1
    {
        return c
            .clauses()
            .iter()
            .for_each(|q| flatten(q.as_ref(), terms, others));
    }
    if let Some(b) = query.downcast_ref::<BooleanQuery>()
        && b.get_minimum_number_should_match() <= 1
        && b.clauses().iter().all(|(o, _)| *o == Occur::Should)
        && !b.clauses().is_empty()
    {
        return b
            .clauses()
            .iter()
            .for_each(|(_, q)| flatten(q.as_ref(), terms, others));
    }
    others.push(query);
}

/// Terms every entry matching `query` has (a phrase's words, a term, the required terms of
/// a conjunction); empty when none is known.
fn required_terms(query: &dyn Query) -> Vec<Term> {
    if let Some(b) = query.downcast_ref::<Boosted>() {
        return required_terms(b.inner());
    }
    if let Some(t) = query.downcast_ref::<TermQuery>() {
        return vec![t.term().clone()];
    }
    if let Some(p) = query.downcast_ref::<PhraseQuery>() {
        return p.phrase_terms();
    }
    if let Some(e) = query.downcast_ref::<Expression>() {
        return e.words().to_vec();
    }
    if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        return b
            .clauses()
            .iter()
            .filter(|(o, _)| *o == Occur::Must)
            .flat_map(|(_, q)| required_terms(q.as_ref()))
            .collect();
    }
    Vec::new()
}
