//! The cache of successful API answers, keyed by index generation and request.
//!
//! A broad query with facet counts costs milliseconds of CPU; answering repeats from memory
//! lets a small server take repeated requests at memory speed. The key contains the index
//! generation, so a re-indexed corpus is never answered from stale entries (they age out).

use axum::body::Bytes;

use crate::cache::SizedCache;

/// Bodies of answers by request key; one answer may use at most 1/16 of the capacity.
pub type ResponseCache = SizedCache<Bytes>;

/// Share of the capacity one answer may use (1/16).
pub const ANSWER_SHARE: usize = 16;
