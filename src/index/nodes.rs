//! Query nodes that keep their parts visible. tantivy's `BoostQuery` and
//! `DisjunctionMaxQuery` hide the queries they wrap; these score exactly as they do, and let
//! [`super::collect::matcher`] walk a built query to collect its matches as bitsets.

use tantivy::query::{BoostWeight, DisjunctionMaxQuery, EnableScoring, Query, Weight};
use tantivy::{Score, Term};

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

/// Any of several queries, scored by the best plus `tie` times the others (tantivy's
/// `DisjunctionMaxQuery`, parts visible).
#[derive(Debug)]
pub struct Best {
    clauses: Vec<Box<dyn Query>>,
    tie: Score,
}

impl Best {
    /// Any of `clauses`, scored by the best plus `tie` times the others.
    pub fn new(clauses: Vec<Box<dyn Query>>, tie: Score) -> Self {
        Best { clauses, tie }
    }

    /// The alternatives.
    pub fn clauses(&self) -> &[Box<dyn Query>] {
        &self.clauses
    }
}

impl Clone for Best {
    fn clone(&self) -> Self {
        Best::new(
            self.clauses.iter().map(|c| c.box_clone()).collect(),
            self.tie,
        )
    }
}

impl Query for Best {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let clauses = self.clauses.iter().map(|c| c.box_clone()).collect();
        DisjunctionMaxQuery::with_tie_breaker(clauses, self.tie).weight(scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for c in &self.clauses {
            c.query_terms(visitor);
        }
    }
}
