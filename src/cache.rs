//! A bounded in-memory map sized in bytes, shared by the index (match sets of text queries) and
//! the API (whole answers).
//!
//! Search traffic is skewed: the same queries, facet clicks and pages recur. Eviction is a
//! two-generation approximation of LRU: new and recently used values live in `hot`; when `hot`
//! holds half the capacity it becomes `cold` (the previous `cold` is dropped), and a value found
//! in `cold` moves back to `hot`. All operations are O(1) and hold the lock only briefly.
//! Callers put the version of the data (an index generation) in the key, so stale values are
//! never returned; they age out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

/// How many bytes a cached value stands for.
pub trait Weigh {
    /// Approximate heap bytes of the value.
    fn weigh(&self) -> usize;
}

impl Weigh for Bytes {
    fn weigh(&self) -> usize {
        self.len()
    }
}

impl<T: Weigh> Weigh for Arc<T> {
    fn weigh(&self) -> usize {
        T::weigh(self)
    }
}

/// The cache. `capacity` bounds the bytes of the stored values (keys are small beside them).
#[derive(Debug)]
pub struct SizedCache<V> {
    capacity: usize,
    max_item: usize,
    inner: Mutex<Generations<V>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Lookups of a cache since it was made (for `/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found a value.
    pub hits: u64,
    /// Lookups that found none (a disabled cache counts none).
    pub misses: u64,
}

#[derive(Debug)]
struct Generations<V> {
    hot: HashMap<String, V>,
    cold: HashMap<String, V>,
    hot_bytes: usize,
}

impl<V> Default for Generations<V> {
    fn default() -> Self {
        Generations {
            hot: HashMap::new(),
            cold: HashMap::new(),
            hot_bytes: 0,
        }
    }
}

impl<V: Weigh + Clone> SizedCache<V> {
    /// A cache holding at most about `capacity` bytes, each value at most `capacity / share`
    /// bytes; a capacity of 0 disables it.
    pub fn new(capacity: usize, share: usize) -> Self {
        SizedCache {
            capacity,
            max_item: capacity / share.max(1),
            inner: Mutex::new(Generations::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Whether the cache stores anything at all.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Largest single value worth keeping, in bytes.
    pub fn max_item(&self) -> usize {
        self.max_item
    }

    /// The stored value for `key`, if any.
    pub fn get(&self, key: &str) -> Option<V> {
        if !self.enabled() {
            return None;
        }
        let found = self.lookup(key);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn lookup(&self, key: &str) -> Option<V> {
        let mut g = self.inner.lock().ok()?;
        if let Some(v) = g.hot.get(key) {
            return Some(v.clone());
        }
        let v = g.cold.remove(key)?;
        g.insert(key.to_owned(), v.clone(), self.capacity / 2);
        Some(v)
    }

    /// Hits and misses of [`SizedCache::get`] so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// Stores `value` for `key` (ignored when disabled or the value is too large).
    pub fn put(&self, key: String, value: V) {
        if !self.enabled() || value.weigh() > self.max_item {
            return;
        }
        if let Ok(mut g) = self.inner.lock() {
            g.insert(key, value, self.capacity / 2);
        }
    }

    /// Forgets every value (when what they were computed from changed).
    pub fn clear(&self) {
        if let Ok(mut g) = self.inner.lock() {
            *g = Generations::default();
        }
    }

    /// Bytes of values held now.
    pub fn size(&self) -> usize {
        self.inner.lock().map_or(0, |g| {
            g.hot_bytes + g.cold.values().map(Weigh::weigh).sum::<usize>()
        })
    }
}

impl<V: Weigh> Generations<V> {
    fn insert(&mut self, key: String, value: V, half: usize) {
        self.hot_bytes += value.weigh();
        if let Some(old) = self.hot.insert(key, value) {
            self.hot_bytes -= old.weigh();
        }
        if self.hot_bytes > half {
            self.cold = std::mem::take(&mut self.hot);
            self.hot_bytes = 0;
        }
    }
}

/// Values of a costly function of a word (a stem, a role, an inflection), remembered by
/// the word while they fit: when `limit` are held, all are forgotten. Words repeat across a
/// corpus and across queries; the bound keeps memory flat on any input.
#[derive(Debug)]
pub struct Memo<V> {
    // foldhash: the words are short and looked up for every token indexed; SipHash was a
    // measurable share of indexing.
    map: HashMap<String, V, foldhash::fast::RandomState>,
    limit: usize,
}

impl<V> Memo<V> {
    /// An empty memo holding at most `limit` values.
    pub fn new(limit: usize) -> Self {
        Memo {
            map: HashMap::default(),
            limit,
        }
    }

    /// The value remembered for `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    /// Remembers `value` for `key` (forgetting everything first when full), and returns it.
    pub fn insert(&mut self, key: &str, value: V) -> &V {
        if self.map.len() >= self.limit {
            self.map.clear();
        }
        self.map.entry(key.to_owned()).or_insert(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn a_memo_forgets_everything_when_full() {
        let mut m = Memo::new(2);
        assert_eq!(*m.insert("a", 1), 1);
        m.insert("b", 2);
        assert_eq!(m.get("a"), Some(&1));
        m.insert("c", 3);
        assert_eq!((m.get("a"), m.get("c")), (None, Some(&3)));
    }

    #[test]
    fn stores_and_returns() {
        let c = SizedCache::new(16_000, 16);
        assert!(c.get("a").is_none());
        c.put("a".into(), body(100));
        assert_eq!(c.get("a").map(|b| b.len()), Some(100));
    }

    #[test]
    fn stays_within_capacity_and_keeps_recently_used() {
        let c = SizedCache::new(16_000, 16);
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
    fn counts_hits_and_misses() {
        let c = SizedCache::new(16_000, 16);
        assert!(c.get("a").is_none());
        c.put("a".into(), body(10));
        assert!(c.get("a").is_some());
        assert!(c.get("a").is_some());
        assert_eq!(c.stats(), CacheStats { hits: 2, misses: 1 });
        let off = SizedCache::<Bytes>::new(0, 16);
        assert!(off.get("a").is_none());
        assert_eq!(off.stats(), CacheStats::default());
    }

    #[test]
    fn disabled_and_oversized() {
        let off = SizedCache::new(0, 16);
        off.put("a".into(), body(1));
        assert!(off.get("a").is_none());
        let c = SizedCache::new(16_000, 4);
        assert_eq!(c.max_item(), 4_000);
        c.put("big".into(), body(c.max_item() + 1));
        assert!(c.get("big").is_none());
        c.put("fits".into(), body(c.max_item()));
        assert!(c.get("fits").is_some());
    }
}
