//! Searching: a request becomes a plan (the text query built once and its matches collected
//! unscored, the filters resolved), the plan gives the counts (total and disjunctive facets, see
//! [`super::collect::evaluate`]) and the page (ranked over the hits, see
//! [`super::collect::rank`]), and the page's entries are loaded with their snippets.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::EntryIndex;
use super::build::{Built, QueryNotes};
use super::collect::pushdown::{self, PushedDocs};
use super::collect::{self, AddresseeFilter, Filters, MatchCollector, MatchSet, Plan, Ranking};
use super::highlight::HighlightTerms;
use super::nodes::Union;
use super::schema::day_number;
use crate::analysis::fold;
use crate::error::{Error, Result};
use crate::model::{Entry, Role};
use crate::search::query::UserQuery;
use crate::search::{Facets, Hit, MAX_LIMIT, MAX_OFFSET, SearchRequest, SearchResponse, SortOrder};

/// Default of [`EntryIndex::set_parallel_from`].
pub(super) const PARALLEL_MATCHES: usize = 10_000;

impl EntryIndex {
    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let run = self.execute(req, !req.skip_facets, true)?;
        let mut hits = Vec::new();
        let mut highlighter = self.highlighter.clone();
        for cand in run.collected.top.iter().skip(req.offset) {
            let entry = self.load(&run.searcher, cand.address)?;
            let snippet = highlighter.snippet(&entry.text, &run.prepared.terms);
            hits.push(Hit {
                score: if run.prepared.scoring {
                    cand.score
                } else {
                    0.0
                },
                snippet,
                entry,
            });
        }
        Ok(SearchResponse {
            total: run.collected.total,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets: run.collected.facets,
            expanded: run.prepared.notes.expanded.clone(),
            suggestion: run.prepared.notes.suggestion.clone(),
        })
    }

    /// The entries of one page of a search, best first, without facet counts or snippets
    /// (for callers that only rank, such as similar-entry candidates).
    pub fn top_entries(&self, req: &SearchRequest) -> Result<Vec<Entry>> {
        let run = self.execute(req, false, false)?;
        run.collected
            .top
            .iter()
            .skip(req.offset)
            .map(|cand| self.load(&run.searcher, cand.address))
            .collect()
    }

    /// Validates the page, builds the query and collects the top `offset + limit` candidates;
    /// with `count_facets` also the disjunctive facet counts. With `cache_matches` the query's
    /// matches are kept for the next request with the same text (facet clicks, pages, sorts).
    fn execute(
        &self,
        req: &SearchRequest,
        count_facets: bool,
        cache_matches: bool,
    ) -> Result<Execution<'_>> {
        let limit = req.limit;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(
                format!("limit must be between 1 and {MAX_LIMIT}, got {limit}"),
                format!("«limit» должен быть от 1 до {MAX_LIMIT}, получено {limit}"),
            ));
        }
        if req.offset > MAX_OFFSET {
            return Err(Error::invalid(
                format!("offset must be at most {MAX_OFFSET}, got {}", req.offset),
                format!(
                    "«offset» должен быть не больше {MAX_OFFSET}, получено {}",
                    req.offset
                ),
            ));
        }
        self.execute_top(req, req.offset + limit, count_facets, cache_matches)
    }

    /// [`EntryIndex::execute`] for the best `k` candidates, the page already checked.
    fn execute_top(
        &self,
        req: &SearchRequest,
        k: usize,
        count_facets: bool,
        cache_matches: bool,
    ) -> Result<Execution<'_>> {
        let started = Instant::now();
        let running = Running::start(&self.searching);
        let filters = self.resolve_filters(req)?;
        let user_query = crate::search::query::parse(&req.q);
        let searcher = self.reader.searcher();
        let key = format!(
            "{}\u{1}{}\u{1}{user_query:?}",
            searcher.generation().generation_id(),
            self.exhaustive
        );
        // The reference path matches everything, as it always did.
        let pushed = match self.exhaustive {
            true => None,
            false => pushdown::pushed_docs(&self.columns, &searcher, &filters, count_facets)?,
        };
        let prepared = match (pushed, self.match_cache.get(&key)) {
            // Matches among the pushed entries serve this request only.
            (Some(pushed), _) => {
                Arc::new(self.prepare(&user_query, &searcher, Some(pushed), running.alone)?)
            }
            (None, Some(p)) => p,
            (None, None) => {
                let mut p = self.prepare(&user_query, &searcher, None, running.alone)?;
                // Browsing keeps all entries: the corpus's own counts live with them.
                let keep = cache_matches
                    && self.match_cache.enabled()
                    && (p.cost >= self.match_min_cost || !p.scoring)
                    && crate::cache::Weigh::weigh(&p) <= self.match_cache.max_item();
                if keep {
                    p.matches.keep();
                }
                let p = Arc::new(p);
                if keep {
                    self.match_cache.put(key, Arc::clone(&p));
                }
                p
            }
        };
        let matched = started.elapsed();
        let ranking = match (req.sort, prepared.scoring) {
            (SortOrder::Relevance, true) => Ranking::Score,
            (SortOrder::Relevance, false) => Ranking::DocOrder,
            (SortOrder::Date, _) => Ranking::Date,
            (SortOrder::Deadline, _) => Ranking::Deadline,
        };
        let plan = Plan {
            filters: &filters,
            ranking,
            k,
            count_facets,
            rank_later: ranking != Ranking::DocOrder && !prepared.matches.scored(),
            direct: self.exhaustive,
        };
        // Few matches are evaluated and ranked one segment after the other: splitting them
        // across threads costs more than it saves (and more requests run side by side).
        let parallel = running.alone && prepared.matches.count() >= self.parallel_from;
        let executor = executor(&searcher, parallel);
        let side_by_side = parallel && plan.rank_later && plan.count_facets;
        let (collected, count_ms, rank_ms) =
            self.count_and_rank(&prepared, &searcher, plan, executor, side_by_side)?;
        tracing::debug!(
            parallel,
            matches = prepared.matches.count(),
            total = collected.total,
            match_ms = ms(matched),
            count_ms,
            rank_ms,
            "search phases"
        );
        Ok(Execution {
            searcher,
            collected,
            prepared,
            _running: running,
        })
    }

    /// The counts and the page of `prepared`'s matches under `plan`, with the milliseconds
    /// each took; `side_by_side`, the counting and the ranking on `executor` at the same time
    /// (both need only the matches and the filters: the segments of each fill the cores the
    /// other leaves idle), else one after the other.
    fn count_and_rank(
        &self,
        prepared: &Prepared,
        searcher: &tantivy::Searcher,
        plan: Plan<'_>,
        executor: &tantivy::Executor,
        side_by_side: bool,
    ) -> Result<(collect::Collected, f64, f64)> {
        let ranker = collect::rank::Ranker {
            searcher,
            full: prepared.query.as_deref().filter(|_| prepared.scoring),
            first: &prepared.first,
            rerank: self.rerank,
            executor,
        };
        let reader_of = |ord| searcher.segment_reader(ord);
        let count = |plan: Plan<'_>| {
            timed(|| collect::evaluate(&prepared.matches, &self.columns, reader_of, executor, plan))
        };
        let rank = |hits: &[collect::rank::SegmentHits]| {
            timed(|| collect::rank::page(&ranker, hits, plan.ranking, plan.k))
        };
        if !side_by_side {
            let (mut collected, count_ms) = count(plan)?;
            let mut rank_ms = 0.0;
            if plan.rank_later {
                let hits = std::mem::take(&mut collected.hits);
                (collected.top, rank_ms) = rank(&hits)?;
            }
            return Ok((collected, count_ms, rank_ms));
        }
        let counting = Plan {
            rank_later: false,
            k: 0,
            ..plan
        };
        let parts = executor.map(
            |counts| match counts {
                true => count(counting).map(Part::Counted),
                false => {
                    let hits =
                        collect::hits(&prepared.matches, &self.columns, reader_of, plan.filters)?;
                    rank(&hits).map(Part::Ranked)
                }
            },
            [true, false].into_iter(),
        )?;
        let mut collected = collect::Collected::default();
        let (mut count_ms, mut rank_ms) = (0.0, 0.0);
        for part in parts {
            match part {
                // First in `parts`: the ranked page replaces its (empty) `top`.
                Part::Counted((c, t)) => (collected, count_ms) = (c, t),
                Part::Ranked((top, t)) => (collected.top, rank_ms) = (top, t),
            }
        }
        Ok((collected, count_ms, rank_ms))
    }

    /// Builds a text query and collects its matches, only among `pushed` entries when given;
    /// segments in parallel when `parallel`.
    fn prepare(
        &self,
        user_query: &UserQuery,
        searcher: &tantivy::Searcher,
        pushed: Option<PushedDocs>,
        parallel: bool,
    ) -> Result<Prepared> {
        // A new searcher generation shows up here first (its keys miss): forget the columns of
        // segments merged away.
        let live: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.columns.retain(&live);
        // Each search works on its own copy of the analyzers (cheap clones) so that concurrent
        // searches do not wait for each other.
        let mut builder = self
            .builder
            .read()
            .map_err(|_| Error::Index("query builder poisoned".into()))?
            .clone();
        let (query, terms, notes, first) = match builder.build(user_query, searcher) {
            Built::Browse => (
                None,
                HighlightTerms::default(),
                QueryNotes::default(),
                Vec::new(),
            ),
            Built::Query(b) => {
                let first = b.rank_terms.map(first_ranking).unwrap_or_default();
                (Some(b.query), b.highlight, b.notes, first)
            }
        };
        let scoring = query.is_some();
        let started = Instant::now();
        // Counting needs no score: only the reference path scores while matching.
        let collector = MatchCollector {
            scoring: scoring && self.exhaustive,
        };
        let matches = match (&query, pushed) {
            (Some(q), Some(p)) if p.seeking_pays(q.as_ref(), searcher) => {
                let both = BooleanQuery::intersection(vec![q.box_clone(), Box::new(p)]);
                searcher.search(&both, &collector)?
            }
            (Some(q), Some(p)) => {
                collect::match_set(q.as_ref(), searcher, executor(searcher, parallel), Some(&p))?
            }
            (None, Some(p)) => searcher.search(&p, &collector)?,
            // The reference path matches through tantivy's scorers.
            (Some(q), None) if self.exhaustive => searcher.search(q.as_ref(), &collector)?,
            (Some(q), None) => {
                collect::match_set(q.as_ref(), searcher, executor(searcher, parallel), None)?
            }
            // The reference path collects them like any query.
            (None, None) if self.exhaustive => searcher.search(&AllQuery, &collector)?,
            (None, None) => MatchSet::everything(searcher, &self.columns)?,
        };
        Ok(Prepared {
            matches,
            terms,
            notes,
            scoring,
            cost: started.elapsed(),
            query,
            first,
        })
    }

    /// Resolves and validates the filters of a request.
    fn resolve_filters(&self, req: &SearchRequest) -> Result<Filters> {
        let mut f = Filters::default();
        if !req.addressee.is_empty() {
            let mut values = Vec::new();
            for a in &req.addressee {
                let a = a.trim();
                if a.is_empty() {
                    continue;
                }
                match a.parse::<Role>() {
                    Ok(role) => values.push(AddresseeFilter::Role(role.as_str().to_string())),
                    Err(_) => values.push(AddresseeFilter::Canonical(fold(a))),
                }
            }
            if !values.is_empty() {
                f.addressee = Some(values);
            }
        }
        if !req.year.is_empty() {
            f.years = Some(req.year.iter().map(|&y| i64::from(y)).collect());
        }
        f.year_from = req.year_from.map(i64::from);
        f.year_to = req.year_to.map(i64::from);
        if let (Some(a), Some(b)) = (req.year_from, req.year_to)
            && a > b
        {
            return Err(Error::invalid(
                format!("year range {a}..{b} is empty (the first year is after the last)"),
                format!("Диапазон лет {a}–{b} пуст: первый год позже последнего"),
            ));
        }
        let strs = |v: &[String]| {
            let v: Vec<String> = v
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            (!v.is_empty()).then_some(v)
        };
        let enums = |v: Vec<String>| (!v.is_empty()).then_some(v);
        f.strings = [
            strs(&req.topic),
            enums(req.level.iter().map(|v| v.as_str().to_owned()).collect()),
            enums(req.kind.iter().map(|v| v.as_str().to_owned()).collect()),
            strs(&req.region),
            enums(
                req.entry_type
                    .iter()
                    .map(|v| v.as_str().to_owned())
                    .collect(),
            ),
        ];
        f.deadline_before = req.deadline_before.map(day_number);
        f.deadline_after = req.deadline_after.map(day_number);
        Ok(f)
    }

    /// Facet counts over the whole corpus (those of browsing everything, kept with its matches).
    pub fn facets(&self) -> Result<Facets> {
        let browse = SearchRequest {
            limit: 1,
            ..SearchRequest::default()
        };
        Ok(self.execute(&browse, true, true)?.collected.facets)
    }

    /// The entries matching `req` (text and filters, ranked by its sort; page and facets are
    /// ignored), at most `max` of them, for export: the ranking is done at once, the entries are
    /// loaded batch by batch with [`Matching::next_batch`].
    pub fn matching(&self, req: &SearchRequest, max: usize) -> Result<Matching> {
        let run = self.execute_top(req, max, false, true)?;
        Ok(Matching {
            total: run.collected.total,
            addresses: run.collected.top.iter().map(|c| c.address).collect(),
            next: 0,
            searcher: run.searcher,
        })
    }
}

/// The ranked matches of an export (see [`EntryIndex::matching`]); it keeps the searcher of
/// its ranking, so a commit in between does not change what it loads.
pub struct Matching {
    total: u64,
    addresses: Vec<DocAddress>,
    next: usize,
    searcher: tantivy::Searcher,
}

impl Matching {
    /// How many entries match in all (may exceed [`Matching::len`]).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many entries this export holds.
    pub fn len(&self) -> usize {
        self.addresses.len()
    }

    /// Whether the export holds no entry.
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// The next at most `n` entries, in rank order; empty at the end.
    pub fn next_batch(&mut self, index: &EntryIndex, n: usize) -> Result<Vec<Entry>> {
        let end = (self.next + n).min(self.addresses.len());
        let batch = self.addresses[self.next..end]
            .iter()
            .map(|&address| index.load(&self.searcher, address))
            .collect::<Result<Vec<_>>>()?;
        self.next = end;
        Ok(batch)
    }
}

/// The executor of the index's threads when `parallel`, else the calling thread's.
fn executor(searcher: &tantivy::Searcher, parallel: bool) -> &tantivy::Executor {
    static SINGLE: LazyLock<tantivy::Executor> = LazyLock::new(tantivy::Executor::single_thread);
    match parallel {
        true => searcher.index().search_executor(),
        false => &SINGLE,
    }
}

/// A search counted as running while alive (see `EntryIndex::searching`).
struct Running<'a> {
    count: &'a AtomicUsize,
    /// Whether no other search was running when this one started.
    alone: bool,
}

impl<'a> Running<'a> {
    fn start(count: &'a AtomicUsize) -> Self {
        let before = count.fetch_add(1, Ordering::SeqCst);
        Running {
            count,
            alone: before == 0,
        }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Milliseconds of a duration, for the logs.
fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The counts or the page of a search (see [`EntryIndex::count_and_rank`]), with the
/// milliseconds it took.
enum Part {
    Counted((collect::Collected, f64)),
    Ranked((Vec<collect::Candidate>, f64)),
}

/// The result of `f` with the milliseconds it took.
fn timed<T>(f: impl FnOnce() -> tantivy::Result<T>) -> tantivy::Result<(T, f64)> {
    let started = Instant::now();
    f().map(|value| (value, ms(started.elapsed())))
}

/// What [`EntryIndex::execute`] found: the searcher it used (to load stored entries from the
/// same generation), the collected candidates, and what to highlight.
struct Execution<'a> {
    searcher: tantivy::Searcher,
    collected: collect::Collected,
    prepared: Arc<Prepared>,
    /// The search counts as running until its page is loaded: a search starting meanwhile
    /// does not take the cores as if it were alone.
    _running: Running<'a>,
}

/// A text query made ready: its matches (the costly part, cached per text and index
/// generation), what to highlight, and whether it ranks by score.
pub(super) struct Prepared {
    matches: MatchSet,
    terms: HighlightTerms,
    notes: QueryNotes,
    scoring: bool,
    /// Time the collection of the matches took.
    cost: std::time::Duration,
    /// The text query (`None` when browsing), to score the candidates of a page.
    query: Option<Box<dyn Query>>,
    /// The tiers of the first ranking of a page (see [`collect::rank`]).
    first: Vec<collect::rank::Tier>,
}

/// The tiers of the first ranking of a query with these term groups (one per word or phrase):
/// with several groups, first the entries with every group (a conjunction, as the coordination
/// of the full score ranks them first), then any (a union, pruned by block-max WAND); each tier
/// scores BM25 of its weighted terms. Each tier twice, with the same scores: built of tantivy's
/// unions (to walk all entries, pruned) and of [`Union`]s (to seek a few entries).
fn first_ranking(groups: Vec<Vec<(Term, f32)>>) -> Vec<collect::rank::Tier> {
    let all: Vec<(Term, f32)> = groups.iter().flatten().cloned().collect();
    let terms: Vec<Term> = all.iter().map(|(t, _)| t.clone()).collect();
    let mut fields: Vec<_> = terms.iter().map(Term::field).collect();
    fields.sort_unstable();
    fields.dedup();
    let any = collect::rank::Tier {
        walk: weighted_union(all.clone(), false),
        seek: weighted_union(all, true),
        few: collect::rank::FewHits::Postings(terms),
        fields: fields.clone(),
    };
    if groups.len() < 2 {
        return vec![any];
    }
    let every = |seeking: bool| -> Box<dyn Query> {
        let groups = groups.iter().map(|g| weighted_union(g.clone(), seeking));
        Box::new(BooleanQuery::intersection(groups.collect()))
    };
    let every = collect::rank::Tier {
        walk: every(false),
        seek: every(true),
        few: collect::rank::FewHits::Entries,
        fields,
    };
    vec![every, any]
}

/// BM25 of weighted terms (the same term once, weights summed): tantivy's union (block-max
/// WAND prunes it when alone), or with `seeking` a [`Union`] (the same scores, cheap seeks).
fn weighted_union(terms: Vec<(Term, f32)>, seeking: bool) -> Box<dyn Query> {
    let mut merged: Vec<(Term, f32)> = Vec::new();
    for (term, weight) in terms {
        match merged.iter_mut().find(|(t, _)| *t == term) {
            Some((_, w)) => *w += weight,
            None => merged.push((term, weight)),
        }
    }
    let clauses = merged
        .into_iter()
        .map(|(term, weight)| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            Box::new(BoostQuery::new(q, weight)) as Box<dyn Query>
        })
        .collect();
    match seeking {
        true => Box::new(Union::sum(clauses)),
        false => Box::new(BooleanQuery::union(clauses)),
    }
}

impl crate::cache::Weigh for Prepared {
    fn weigh(&self) -> usize {
        self.matches.weigh() + 256
    }
}
