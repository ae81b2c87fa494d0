//! A union of clauses with a minimum number of matching clauses and a coordination factor:
//! score = (sum of the matching clauses' scores) × (matching / all)². Entries that match more of
//! the query's words rank first, yet an entry missing one word is still found. One pass over the
//! clauses' postings; no second "all words" query is needed.
//!
//! Without scoring (counting the matches) it is tantivy's own union with a minimum number of
//! matching clauses: the same documents, collected in blocks with no score computed.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Query, Scorer, Weight};

use super::nodes::{explain_score, scorers, visit_terms, weights};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// See the module documentation.
#[derive(Debug)]
pub struct CoordQuery {
    clauses: Vec<Box<dyn Query>>,
    min: usize,
}

impl CoordQuery {
    /// At least `min` (≥ 1) of `clauses` must match.
    pub fn new(clauses: Vec<Box<dyn Query>>, min: usize) -> Self {
        CoordQuery {
            clauses,
            min: min.max(1),
        }
    }

    /// The clauses.
    pub fn clauses(&self) -> &[Box<dyn Query>] {
        &self.clauses
    }

    /// How many clauses must match at least.
    pub fn min(&self) -> usize {
        self.min
    }
}

impl Clone for CoordQuery {
    fn clone(&self) -> Self {
        CoordQuery {
            clauses: self.clauses.iter().map(|c| c.box_clone()).collect(),
            min: self.min,
        }
    }
}

impl Query for CoordQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !scoring.is_scoring_enabled() {
            let clauses = self.clauses.iter().map(|c| c.box_clone()).collect();
            return BooleanQuery::union_with_minimum_required_clauses(clauses, self.min)
                .weight(scoring);
        }
        Ok(Box::new(CoordWeight {
            weights: weights(&self.clauses, scoring)?,
            min: self.min,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visit_terms(&self.clauses, visitor);
    }
}

struct CoordWeight {
    weights: Vec<Box<dyn Weight>>,
    min: usize,
}

impl Weight for CoordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = scorers(&self.weights, reader, boost)?;
        let n = scorers.len();
        // The clauses without an entry in this segment count in `n` but are never asked.
        scorers.retain(|s| s.doc() != TERMINATED);
        let mut s = CoordScorer {
            n,
            scorers,
            min: self.min,
            doc: 0,
            score: None,
        };
        s.settle();
        Ok(Box::new(s))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_score(self, reader, doc, "coordinated union")
    }
}

struct CoordScorer {
    scorers: Vec<Box<dyn Scorer>>,
    n: usize,
    min: usize,
    doc: DocId,
    /// The score of `doc`, computed when first asked (a match may be filtered out unscored).
    score: Option<Score>,
}

/// The coordination factor: (matched / n)².
fn coord(matched: usize, n: usize) -> Score {
    let r = matched as Score / n.max(1) as Score;
    r * r
}

impl CoordScorer {
    /// Moves to the first document at or after the clauses' current positions that enough
    /// clauses match.
    fn settle(&mut self) -> DocId {
        self.score = None;
        loop {
            let doc = self
                .scorers
                .iter()
                .map(|s| s.doc())
                .min()
                .unwrap_or(TERMINATED);
            if doc == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let matched = self.scorers.iter().filter(|s| s.doc() == doc).count();
            if matched >= self.min {
                self.doc = doc;
                return doc;
            }
            for s in &mut self.scorers {
                if s.doc() == doc {
                    s.advance();
                }
            }
        }
    }
}

impl DocSet for CoordScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        for s in &mut self.scorers {
            if s.doc() == current {
                s.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for s in &mut self.scorers {
            if s.doc() < target {
                s.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for CoordScorer {
    fn score(&mut self) -> Score {
        if let Some(score) = self.score {
            return score;
        }
        let doc = self.doc;
        let (mut matched, mut sum) = (0usize, 0.0);
        for s in &mut self.scorers {
            if s.doc() == doc {
                matched += 1;
                sum += s.score();
            }
        }
        let score = sum * coord(matched, self.n);
        self.score = Some(score);
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordination_prefers_more_matches() {
        assert!(coord(2, 2) > coord(1, 2));
        assert!((coord(3, 3) - 1.0).abs() < f32::EPSILON);
        assert!(coord(0, 0).abs() < f32::EPSILON);
    }
}
