//! The page of a search ranked without scoring every match.
//!
//! The counts come from the unscored matches ([`super::evaluate`]), which also give the hits of
//! each segment (the matches passing every filter). The page is ranked apart, over those hits:
//!
//! - by score: a first ranking by BM25 of the typed words' own terms
//!   ([`crate::index::build::BuiltQuery::rank_terms`]) keeps the best [`Ranker::rerank`] hits:
//!   first among the hits with every word (the coordination of the full score ranks them
//!   first), then, while fewer, among the others, found by tantivy's block-max WAND (blocks
//!   whose best possible score cannot enter them are skipped unread); only those get the full
//!   score (coordination, proximity, exact forms,
//!   alternatives), which orders the page exactly as the exhaustive path orders them. When the
//!   hits are not more than the candidates, the query has no first ranking, or fewer hits than
//!   the candidates have a term of it, every hit gets the full score: the exhaustive page.
//! - by date or deadline: the score only orders entries of the same date, so only the hits up to
//!   the k-th date (ties included) are scored: the exact page.
//!
//! Filters are thus pushed into the ranking: a narrow filter leaves few hits, and few hits are
//! scored.

use std::collections::BinaryHeap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use fixedbitset::FixedBitSet;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::columns::SegmentColumns;
use super::{Candidate, HeapItem, Ranking, candidate, item_of, ranking_key, score_key};

/// Default number of candidates of the first ranking that get the full score.
pub const DEFAULT_RERANK: usize = 400;

/// The hits of one segment, with its columns.
#[derive(Debug)]
pub struct SegmentHits {
    /// The segment.
    pub segment: SegmentOrdinal,
    /// Entries passing the query and every filter.
    pub hits: FixedBitSet,
    /// The segment's columns.
    pub cols: Arc<SegmentColumns>,
}

/// How to rank the hits of one searcher.
pub struct Ranker<'a> {
    /// The searcher the hits come from.
    pub searcher: &'a Searcher,
    /// The full query (`None` when the query does not score: every score is 0).
    pub full: Option<&'a dyn Query>,
    /// The tiers of the first ranking (empty when the query has none): candidates come from
    /// the first tier, then from the next ones while fewer than asked.
    pub first: &'a [Tier],
    /// How many candidates of the first ranking get the full score.
    pub rerank: usize,
    /// Where the segments are ranked.
    pub executor: &'a tantivy::Executor,
}

/// One tier of the first ranking, built twice with the same scores: to walk every entry
/// (tantivy's unions, pruned by block-max WAND) and to seek a few (unions that move their terms
/// only to the entries asked).
pub struct Tier {
    /// For many hits.
    pub walk: Box<dyn Query>,
    /// For few hits.
    pub seek: Box<dyn Query>,
    /// When a segment's hits are few.
    pub few: FewHits,
    /// The fields of its terms (whose lengths the block maxima depend on).
    pub fields: Vec<Field>,
}

/// When the hits of a segment are few enough to be sought one by one in a tier rather than the
/// tier walked. (Measured on 12k segment rankings of 5,000 long-tail queries on the 2k corpus,
/// both ways: seeking a union costs about twice what walking it does at as many hits as
/// postings, and wins below half as many; for an intersection, the entries rule was the best
/// of those tried.)
pub enum FewHits {
    /// Fewer than half the postings of these terms: walking a union reads its postings
    /// (pruned), seeking costs per hit.
    Postings(Vec<Term>),
    /// At most 1/8 of the segment's entries.
    Entries,
}

impl FewHits {
    /// Whether `hits` of the segment `reader` are few.
    fn holds(&self, reader: &SegmentReader, hits: u64) -> tantivy::Result<bool> {
        Ok(match self {
            FewHits::Postings(terms) => {
                let mut postings = 0;
                for term in terms {
                    postings += u64::from(reader.inverted_index(term.field())?.doc_freq(term)?);
                }
                2 * hits < postings
            }
            FewHits::Entries => 8 * hits < u64::from(reader.max_doc()),
        })
    }
}

/// The best `k` hits in `ranking` order, best first. `ranking` is not [`Ranking::DocOrder`]
/// (which needs no score and is cut from the matches directly).
pub fn page(
    ranker: &Ranker<'_>,
    segments: &[SegmentHits],
    ranking: Ranking,
    k: usize,
) -> tantivy::Result<Vec<Candidate>> {
    let total: usize = segments.iter().map(|s| s.hits.count_ones(..)).sum();
    if k == 0 || total == 0 {
        return Ok(Vec::new());
    }
    let n = ranker.rerank.max(k);
    let started = std::time::Instant::now();
    let chosen: Vec<Vec<DocId>> = match (ranking, ranker.full) {
        (Ranking::Score, Some(_)) if !ranker.first.is_empty() && total > n => {
            let chosen = first_ranking(ranker, segments, n)?;
            // Fewer candidates than asked: hits without any of the first ranking's terms (found
            // through alternatives only) may belong to the page; every hit is scored.
            if chosen.iter().map(Vec::len).sum::<usize>() < n {
                segments.iter().map(|s| ones(&s.hits)).collect()
            } else {
                chosen
            }
        }
        (Ranking::Date | Ranking::Deadline, _) if total > k => up_to_kth(segments, ranking, k),
        _ => segments.iter().map(|s| ones(&s.hits)).collect(),
    };
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;
    let candidates: usize = chosen.iter().map(Vec::len).sum();
    let full = match ranker.full {
        Some(q) => Some(q.weight(EnableScoring::enabled_from_searcher(ranker.searcher))?),
        None => None,
    };
    let weighted_ms = started.elapsed().as_secs_f64() * 1000.0;
    let parts = ranker.executor.map(
        |(seg, docs)| score_segment(ranker.searcher, full.as_deref(), seg, &docs, ranking, k),
        segments.iter().zip(chosen),
    )?;
    tracing::debug!(
        hits = total,
        candidates,
        first_ms,
        weighted_ms,
        scored_ms = started.elapsed().as_secs_f64() * 1000.0,
        "rank phases"
    );
    let mut top: Vec<Candidate> = parts.into_iter().flatten().collect();
    super::sort_candidates(&mut top);
    top.truncate(k);
    Ok(top)
}

/// The documents of a bitset, ascending.
fn ones(bits: &FixedBitSet) -> Vec<DocId> {
    bits.ones().map(|d| d as DocId).collect()
}

/// The best `n` hits of all segments by the first ranking, per segment in ascending order:
/// the best of the first tier, then of the next tiers while fewer than `n`.
fn first_ranking(
    ranker: &Ranker<'_>,
    segments: &[SegmentHits],
    n: usize,
) -> tantivy::Result<Vec<Vec<DocId>>> {
    let searcher = ranker.searcher;
    let mut chosen: Vec<Vec<DocId>> = vec![Vec::new(); segments.len()];
    let mut taken: Vec<FixedBitSet> = segments
        .iter()
        .map(|s| FixedBitSet::with_capacity(s.hits.len()))
        .collect();
    let mut count = 0;
    let hits: Vec<u64> = segments
        .iter()
        .map(|s| s.hits.count_ones(..) as u64)
        .collect();
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    // Only the weights some segment uses are built (each reads its terms' statistics).
    let weight_if = |needed: bool, q: &dyn Query| needed.then(|| q.weight(scoring)).transpose();
    // Each segment's slack once, for the fields of every tier (the same terms' fields).
    let mut fields: Vec<Field> = ranker.first.iter().flat_map(|t| t.fields.clone()).collect();
    fields.sort_unstable();
    fields.dedup();
    let slack = BoundSlack::new(searcher, &fields)?;
    let slacks = segments
        .iter()
        .map(|s| slack.of(searcher.segment_reader(s.segment)))
        .collect::<tantivy::Result<Vec<Score>>>()?;
    for tier in ranker.first {
        if count >= n {
            break;
        }
        // Segments whose hits are sought one by one; the other segments walk the tier.
        let few = segments
            .iter()
            .zip(&hits)
            .map(|(s, &h)| tier.few.holds(searcher.segment_reader(s.segment), h))
            .collect::<tantivy::Result<Vec<bool>>>()?;
        let walk = weight_if(few.iter().any(|&f| !f), tier.walk.as_ref())?;
        let seek = weight_if(few.iter().any(|&f| f), tier.seek.as_ref())?;
        let floor = Floor::default();
        // The candidates still wanted: a segment needs no more than these of the tier (the
        // best of all segments are among each segment's best as many), and the fewer it keeps
        // the higher its pruning threshold.
        let room = n - count;
        let per_segment = ranker.executor.map(
            |(i, (seg, taken))| {
                let reader = searcher.segment_reader(seg.segment);
                let weight = if few[i] { &seek } else { &walk };
                let walk = Walk {
                    slack: slacks[i],
                    floor: &floor,
                };
                let best = match weight {
                    Some(w) => best_first(w.as_ref(), reader, seg, taken, (room, few[i]), walk)?,
                    None => Vec::new(),
                };
                let cols = &seg.cols;
                // Ties in document order, as the full ranking breaks them.
                Ok(best.into_iter().map(move |(key, doc)| {
                    let d = doc as usize;
                    let name = cols.doc.names.get(cols.doc.ords[d] as usize);
                    (key, name, cols.position[d], i, doc)
                }))
            },
            segments.iter().zip(&taken).enumerate(),
        )?;
        let mut all: Vec<_> = per_segment.into_iter().flatten().collect();
        // The best `room`, in no order (each segment's are sorted below).
        if all.len() > room && room > 0 {
            all.select_nth_unstable(room - 1);
        }
        all.truncate(room);
        count += all.len();
        for (_, _, _, i, doc) in all {
            chosen[i].push(doc);
            taken[i].insert(doc as usize);
        }
    }
    for docs in &mut chosen {
        docs.sort_unstable();
    }
    Ok(chosen)
}

/// How much above tantivy's block maxima the scores of a block may be, per segment.
///
/// tantivy stores with each block of postings the (length, frequency) pair of its best entry,
/// chosen while the segment was written with *that segment's* average length; a query scores
/// that pair with the searcher's average length. Another pair of the block may score higher
/// with that average. With `t` the segment's average over the searcher's, BM25's length term
/// `k1·(1 − b + b·len/avg)` of any entry changes by a factor within `[min(1, t), max(1, t)]`,
/// so each pair's term-frequency factor by one within `[min(1, 1/t), max(1, 1/t)]`, and the
/// true best of a block is at most `max(t, 1/t)` times its stored pair's score. Dividing the
/// pruning threshold by that factor keeps every entry that can reach it.
struct BoundSlack {
    /// Per field: the searcher's average length (`None` when the field has no tokens).
    averages: Vec<(Field, Option<f64>)>,
}

impl BoundSlack {
    fn new(searcher: &Searcher, fields: &[Field]) -> tantivy::Result<Self> {
        let docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let mut averages = Vec::with_capacity(fields.len());
        for &field in fields {
            let mut tokens = 0;
            for reader in searcher.segment_readers() {
                tokens += reader.inverted_index(field)?.total_num_tokens();
            }
            averages.push((field, average(tokens, docs)));
        }
        Ok(BoundSlack { averages })
    }

    /// The factor (≥ 1) for the segment `reader`, a little more for the rounding of sums.
    fn of(&self, reader: &SegmentReader) -> tantivy::Result<Score> {
        let mut slack: f64 = 1.0;
        for &(field, all) in &self.averages {
            let own = average(
                reader.inverted_index(field)?.total_num_tokens(),
                u64::from(reader.max_doc()),
            );
            if let (Some(all), Some(own)) = (all, own) {
                let t = own / all;
                slack = slack.max(t).max(1.0 / t);
            }
        }
        Ok((slack * (1.0 + 1e-4)) as Score)
    }
}

/// The average length of a field of `tokens` over `docs` entries (`None` without either).
fn average(tokens: u64, docs: u64) -> Option<f64> {
    (tokens > 0 && docs > 0).then(|| tokens as f64 / docs as f64)
}

/// The best score below which no segment of a tier needs an entry: the highest of the
/// segments' `n`-th best scores (scores are not negative: their bits order as they do).
#[derive(Default)]
struct Floor(AtomicU32);

impl Floor {
    fn raise(&self, score: Score) {
        if score > 0.0 {
            self.0.fetch_max(score.to_bits(), Ordering::Relaxed);
        }
    }

    /// The score below which an entry cannot enter the tier's best (ties may, by document
    /// order).
    fn threshold(&self) -> Score {
        match f32::from_bits(self.0.load(Ordering::Relaxed)) {
            f if f > 0.0 => f.next_down(),
            _ => Score::MIN,
        }
    }
}

/// How one segment's walk is pruned.
struct Walk<'a> {
    /// See [`BoundSlack`].
    slack: Score,
    /// Shared by the segments of the tier.
    floor: &'a Floor,
}

/// The best `n` hits of one segment by the first ranking not `taken` by an earlier tier:
/// `(score key, doc)`, unordered. With `seek` each such hit is sought and scored (few hits);
/// otherwise every entry of the tier is walked, pruned by block-max WAND below the higher of
/// the segment's own `n`-th best and the tier's floor.
fn best_first(
    weight: &dyn Weight,
    reader: &SegmentReader,
    seg: &SegmentHits,
    taken: &FixedBitSet,
    (n, seek): (usize, bool),
    walk: Walk<'_>,
) -> tantivy::Result<Vec<(u64, DocId)>> {
    let mut best = Best::new(&seg.cols, n);
    if seek {
        let mut scorer = weight.scorer(reader, 1.0)?;
        for doc in seg.hits.ones().filter(|&d| !taken.contains(d)) {
            let doc = doc as DocId;
            if scorer.doc() <= doc && scorer.seek(doc) == doc {
                best.offer(doc, scorer.score());
            }
        }
        if let Some(worst) = best.worst() {
            walk.floor.raise(worst);
        }
    } else {
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if seg.hits.contains(doc as usize) && !taken.contains(doc as usize) {
                best.offer(doc, score);
                if let Some(worst) = best.worst() {
                    walk.floor.raise(worst);
                }
            }
            match best.threshold().max(walk.floor.threshold()) {
                t if t > 0.0 => t / walk.slack,
                t => t,
            }
        })?;
    }
    Ok(best.into_keys())
}

/// The best `n` entries offered, by score, then in document order.
///
/// Entries of equal score are common (BM25 of the same frequency in entries of the same
/// length) and the entries of a segment are not in document-name order, so ties are not ordered
/// while they arrive: the heap keeps `n` entries by score alone, the entries tied with its worst
/// score wait in `ties`, and only the tie at the boundary is broken, once, at the end.
struct Best<'a> {
    cols: &'a SegmentColumns,
    n: usize,
    /// Max-heap on the score key: the top is the worst score kept.
    heap: BinaryHeap<(u64, DocId, u32)>,
    /// Entries offered with exactly the worst score kept, not in the heap.
    ties: Vec<DocId>,
}

impl<'a> Best<'a> {
    fn new(cols: &'a SegmentColumns, n: usize) -> Self {
        Best {
            cols,
            n,
            heap: BinaryHeap::with_capacity(n + 1),
            ties: Vec::new(),
        }
    }

    fn offer(&mut self, doc: DocId, score: Score) {
        let key = score_key(score);
        if self.heap.len() < self.n {
            self.heap.push((key, doc, score.to_bits()));
            return;
        }
        let Some(mut worst) = self.heap.peek_mut() else {
            return;
        };
        if key > worst.0 {
            return;
        }
        if key == worst.0 {
            self.ties.push(doc);
            return;
        }
        let (old, out, _) = std::mem::replace(&mut *worst, (key, doc, score.to_bits()));
        drop(worst);
        // The entry pushed out still ties with the boundary, or the boundary moved up past
        // every waiting tie.
        if self.heap.peek().is_some_and(|w| w.0 == old) {
            self.ties.push(out);
        } else {
            self.ties.clear();
        }
    }

    /// The worst score kept once `n` are.
    fn worst(&self) -> Option<Score> {
        match self.heap.peek() {
            Some(&(_, _, bits)) if self.heap.len() == self.n => Some(f32::from_bits(bits)),
            _ => None,
        }
    }

    /// The score below which an entry cannot enter.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            // Ties with the worst kept may still enter (earlier in document order).
            Some(&(_, _, bits)) if self.heap.len() == self.n => f32::from_bits(bits).next_down(),
            _ => Score::MIN,
        }
    }

    /// `(score key, doc)` of the `n` best entries, unordered: the tie at the boundary broken
    /// in document order.
    fn into_keys(self) -> Vec<(u64, DocId)> {
        let Some(&(boundary, _, _)) = self.heap.peek() else {
            return Vec::new();
        };
        let (mut kept, tied): (Vec<_>, Vec<_>) = self
            .heap
            .into_iter()
            .map(|(key, doc, _)| (key, doc))
            .partition(|&(key, _)| key < boundary);
        let room = self.n.saturating_sub(kept.len());
        let order = |&d: &DocId| {
            (
                self.cols.doc.ords[d as usize],
                self.cols.position[d as usize],
            )
        };
        let mut tied: Vec<DocId> = tied.into_iter().map(|(_, d)| d).chain(self.ties).collect();
        if tied.len() > room {
            if room > 0 {
                tied.select_nth_unstable_by_key(room - 1, order);
            }
            tied.truncate(room);
        }
        kept.extend(tied.into_iter().map(|d| (boundary, d)));
        kept
    }
}

/// The hits whose primary key (date or deadline) is at most the `k`-th smallest of all hits.
fn up_to_kth(segments: &[SegmentHits], ranking: Ranking, k: usize) -> Vec<Vec<DocId>> {
    let primary = |cols: &SegmentColumns, d: usize| ranking_key(ranking, cols, d, 0.0).0;
    let mut heap: BinaryHeap<u64> = BinaryHeap::with_capacity(k + 1);
    for seg in segments {
        for d in seg.hits.ones() {
            let key = primary(&seg.cols, d);
            if heap.len() < k {
                heap.push(key);
            } else if heap.peek().is_some_and(|&worst| key < worst) {
                heap.pop();
                heap.push(key);
            }
        }
    }
    let limit = heap.peek().copied().unwrap_or(u64::MAX);
    segments
        .iter()
        .map(|seg| {
            seg.hits
                .ones()
                .filter(|&d| primary(&seg.cols, d) <= limit)
                .map(|d| d as DocId)
                .collect()
        })
        .collect()
}

/// The full score of `docs` (ascending) in one segment, and the best `k` of them in `ranking`
/// order.
fn score_segment(
    searcher: &Searcher,
    full: Option<&dyn Weight>,
    seg: &SegmentHits,
    docs: &[DocId],
    ranking: Ranking,
    k: usize,
) -> tantivy::Result<Vec<Candidate>> {
    let cols = &seg.cols;
    let mut heap: BinaryHeap<HeapItem> = BinaryHeap::with_capacity(k + 1);
    let mut keep = |item: HeapItem| {
        if heap.len() < k {
            heap.push(item);
        } else if heap.peek().is_some_and(|worst| item < *worst) {
            heap.pop();
            heap.push(item);
        }
    };
    match full {
        None => docs
            .iter()
            .for_each(|&d| keep(item_of(d, 0.0, ranking, cols))),
        Some(weight) => {
            let mut scorer = weight.scorer(searcher.segment_reader(seg.segment), 1.0)?;
            for &d in docs {
                if scorer.doc() > d || scorer.seek(d) != d {
                    continue;
                }
                keep(item_of(d, scorer.score(), ranking, cols));
            }
        }
    }
    Ok(heap
        .into_sorted_vec()
        .into_iter()
        .map(|item| candidate(seg.segment, cols, item))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::nodes::Union;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::{BooleanQuery, BoostQuery, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    const WORDS: [&str; 4] = ["школа", "педагог", "наставник", "учитель"];

    /// The documents of a test index.
    #[derive(Debug, Clone, Copy)]
    enum Data {
        /// Frequencies and lengths vary (so scores vary and tie), and so does each segment's
        /// average length.
        Varied,
        /// Every document the same: every score ties, across segments too (document order
        /// alone decides).
        Alike,
        /// The first segment of one-word documents, with a few long ones repeating the word;
        /// the others long: the pair of a block's best entry, chosen with the first segment's
        /// short average length, is not its best with the index's (block maxima below true
        /// scores).
        Skewed,
    }

    /// Three segments of 700 documents of a few words.
    fn index(data: Data) -> (Index, Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer(15_000_000).expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for seg in 0..3usize {
            for i in 0..700usize {
                let body = match data {
                    Data::Varied => {
                        let n = 1 + (i * 7 + seg) % 9;
                        let padding = [i % 4, 3 * (i % 11), (i * i) % 23][seg];
                        let words = (0..n).map(|k| WORDS[(i * 5 + k * k + seg) % 4]);
                        let body: Vec<&str> = words.chain((0..padding).map(|_| "и")).collect();
                        body.join(" ")
                    }
                    Data::Alike => "наставник школа".to_string(),
                    Data::Skewed if seg > 0 => {
                        format!("{} {}", WORDS[3 * ((i + seg) % 2)], "и ".repeat(40))
                    }
                    Data::Skewed if i % 50 == 7 => {
                        format!("{}{}", "школа ".repeat(5), "и ".repeat(5))
                    }
                    Data::Skewed => WORDS[0].to_string(),
                };
                let mut doc = TantivyDocument::default();
                doc.add_text(text, body);
                writer.add_document(doc).expect("add");
            }
            writer.commit().expect("commit");
        }
        (index, text)
    }

    /// Columns naming each entry's document (five entries per document, positions 0..5), the
    /// later entries of a segment in the earlier documents (so that a tie met later wins).
    fn columns(reader: &SegmentReader, segment: usize) -> Arc<SegmentColumns> {
        let max = reader.max_doc() as usize;
        let mut cols = SegmentColumns::default();
        cols.doc.names = (0..max.div_ceil(5))
            .map(|k| format!("doc{k:03}-{segment}"))
            .collect();
        cols.doc.ords = (0..max).map(|d| ((max - 1 - d) / 5) as u32).collect();
        cols.position = (0..max).map(|d| (d % 5) as u32).collect();
        Arc::new(cols)
    }

    fn tier(text: Field, few: FewHits) -> Tier {
        let clauses = || -> Vec<Box<dyn Query>> {
            WORDS[..3]
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let term = Term::from_field_text(text, w);
                    let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                    Box::new(BoostQuery::new(Box::new(q), 1.0 + i as f32)) as Box<dyn Query>
                })
                .collect()
        };
        Tier {
            walk: Box::new(BooleanQuery::union(clauses())),
            seek: Box::new(Union::sum(clauses())),
            few,
            fields: vec![text],
        }
    }

    /// The best `n` hits of all segments scored one by one: per segment, ascending.
    fn brute_force(
        searcher: &Searcher,
        tier: &Tier,
        segments: &[SegmentHits],
        n: usize,
    ) -> Vec<Vec<DocId>> {
        let weight = tier
            .seek
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .expect("weight");
        let mut all = Vec::new();
        for (i, seg) in segments.iter().enumerate() {
            let mut scorer = weight
                .scorer(searcher.segment_reader(seg.segment), 1.0)
                .expect("scorer");
            for d in seg.hits.ones() {
                let doc = d as DocId;
                if scorer.doc() <= doc && scorer.seek(doc) == doc {
                    let name = seg.cols.doc.names[seg.cols.doc.ords[d] as usize].clone();
                    all.push((
                        score_key(scorer.score()),
                        name,
                        seg.cols.position[d],
                        i,
                        doc,
                    ));
                }
            }
        }
        all.sort();
        all.truncate(n);
        let mut chosen = vec![Vec::new(); segments.len()];
        for (_, _, _, i, doc) in all {
            chosen[i].push(doc);
        }
        for docs in &mut chosen {
            docs.sort_unstable();
        }
        chosen
    }

    #[test]
    fn first_ranking_keeps_exactly_the_best_by_bm25_then_document_order() {
        for data in [Data::Varied, Data::Alike, Data::Skewed] {
            first_ranking_matches_brute_force(data);
        }
    }

    fn first_ranking_matches_brute_force(data: Data) {
        let (index, text) = index(data);
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let single = tantivy::Executor::single_thread();
        let parallel = tantivy::Executor::multi_thread(2, "rank-test").expect("threads");
        // Every entry a hit (walked), or every fourth in one segment (sought there).
        for sparse in [false, true] {
            let segments: Vec<SegmentHits> = searcher
                .segment_readers()
                .iter()
                .enumerate()
                .map(|(i, reader)| {
                    let max = reader.max_doc() as usize;
                    let mut hits = FixedBitSet::with_capacity(max);
                    for d in (0..max).filter(|d| !sparse || i != 1 || d % 4 == 0) {
                        hits.insert(d);
                    }
                    SegmentHits {
                        segment: i as SegmentOrdinal,
                        hits,
                        cols: columns(reader, i),
                    }
                })
                .collect();
            let terms: Vec<Term> = WORDS[..3]
                .iter()
                .map(|w| Term::from_field_text(text, w))
                .collect();
            // Walked where dense (the entries rule), walked everywhere (no postings), sought
            // everywhere (the terms' postings counted many times over).
            let always_seek = FewHits::Postings((0..100).flat_map(|_| terms.clone()).collect());
            for few in [FewHits::Entries, FewHits::Postings(Vec::new()), always_seek] {
                let tiers = [tier(text, few)];
                for executor in [&single, &parallel] {
                    for n in [1, 7, 20, 40, 60, 90, 150, 400, 1000] {
                        let ranker = Ranker {
                            searcher: &searcher,
                            full: None,
                            first: &tiers,
                            rerank: n,
                            executor,
                        };
                        let got = first_ranking(&ranker, &segments, n).expect("ranking");
                        let want = brute_force(&searcher, &tiers[0], &segments, n);
                        assert_eq!(got, want, "n = {n}, sparse = {sparse}, {data:?}");
                    }
                }
            }
        }
    }
}
