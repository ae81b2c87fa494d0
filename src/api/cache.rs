//! A bounded in-memory cache of successful API answers, keyed by index generation and request.
//!
//! Search traffic is skewed (the same queries and facet clicks recur), and a broad query with
//! facet counts costs milliseconds of CPU, so answering repeats from memory is what lets a small
//! server take thousands of requests per second. The key contains the index generation, so a
//! re-indexed corpus is never answered from stale entries (they age out).
//!
//! Eviction is a two-generation approximation of LRU: new and recently used answers live in
//! `hot`; when `hot` reaches half the capacity it becomes `cold` (the previous `cold` is dropped),
//! and an answer found in `cold` moves back to `hot`. All operations are O(1).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// The cache. `capacity` bounds the bytes of stored bodies (keys are small beside them).
#[derive(Debug)]
pub struct ResponseCache {
    capacity: usize,
    inner: Mutex<Generations>,
}

#[derive(Debug, Default)]
struct Generations {
    hot: HashMap<String, Bytes>,
    cold: HashMap<String, Bytes>,
    hot_bytes: usize,
}

impl ResponseCache {
    /// A cache holding at most about `capacity` bytes of bodies; 0 disables it.
    pub fn new(capacity: usize) -> Self {
        ResponseCache {
            capacity,
            inner: Mutex::new(Generations::default()),
        }
    }

    /// Whether the cache stores anything at all.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Largest single body worth keeping.
    pub fn max_item(&self) -> usize {
        self.capacity / 16
    }

    /// The stored body for `key`, if any.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let mut g = self.inner.lock().ok()?;
        if let Some(body) = g.hot.get(key) {
            return Some(body.clone());
        }
        let body = g.cold.remove(key)?;
        let half = self.capacity / 2;
        g.insert(key.to_owned(), body.clone(), half);
        Some(body)
    }

    /// Stores `body` for `key` (ignored when disabled or the body is too large).
    pub fn put(&self, key: String, body: Bytes) {
        if !self.enabled() || body.len() > self.max_item() {
            return;
        }
        if let Ok(mut g) = self.inner.lock() {
            g.insert(key, body, self.capacity / 2);
        }
    }

    /// Bytes of bodies held now.
    pub fn size(&self) -> usize {
        self.inner.lock().map_or(0, |g| {
            g.hot_bytes + g.cold.values().map(Bytes::len).sum::<usize>()
        })
    }
}

impl Generations {
    fn insert(&mut self, key: String, body: Bytes, half: usize) {
        self.hot_bytes += body.len();
        if let Some(old) = self.hot.insert(key, body) {
            self.hot_bytes -= old.len();
        }
        if self.hot_bytes > half {
            self.cold = std::mem::take(&mut self.hot);
            self.hot_bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn stores_and_returns() {
        let c = ResponseCache::new(16_000);
        assert!(c.get("a").is_none());
        c.put("a".into(), body(100));
        assert_eq!(c.get("a").map(|b| b.len()), Some(100));
    }

    #[test]
    fn stays_within_capacity_and_keeps_recently_used() {
        let c = ResponseCache::new(16_000);
        c.put("keep".into(), body(900));
        for i in 0..200 {
            c.put(format!("k{i}"), body(900));
            assert!(
                c.get("keep").is_some(),
                "recently used survives (round {i})"
            );
            assert!(c.size() <= 16_000 + 900, "size {}", c.size());
        }
        assert!(c.get("k0").is_none(), "old entries are evicted");
    }

    #[test]
    fn disabled_and_oversized() {
        let off = ResponseCache::new(0);
        off.put("a".into(), body(1));
        assert!(off.get("a").is_none());
        let c = ResponseCache::new(16_000);
        c.put("big".into(), body(c.max_item() + 1));
        assert!(c.get("big").is_none());
    }
}
