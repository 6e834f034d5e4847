//! A process-local cache whose entries other replicas can invalidate (ADR 0083), for data
//! read on hot paths (the user directory, the public mentor list). It is only used while the
//! process is subscribed to its invalidation channel (`live`, see [`crate::invalidation`]):
//!
//! - [`LocalCache::forget`] / [`LocalCache::forget_where`] (the replica that made a change,
//!   synchronously, and every other replica when the invalidation message arrives) bump an
//!   epoch and remove the entries;
//! - [`LocalCache::fill`] stores a value only when the epoch has not moved since the read that
//!   produced it began, so a read racing a change cannot put the old state back;
//! - losing the subscription ([`LocalCache::set_live`] `false`) empties the cache and turns it
//!   off until a new subscription is up; entries also expire after the caller's TTL.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

struct Entry<V> {
    at: Instant,
    value: V,
}

/// The cache; see the module documentation.
pub struct LocalCache<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
    epoch: AtomicU64,
    live: AtomicBool,
    capacity: usize,
}

impl<K, V> std::fmt::Debug for LocalCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCache")
            .field("live", &self.live.load(Ordering::Relaxed))
            .field("epoch", &self.epoch.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Default for LocalCache<K, V> {
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl<K: Eq + Hash + Clone, V: Clone> LocalCache<K, V> {
    /// An empty, not yet live cache holding at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            live: AtomicBool::new(false),
            capacity,
        }
    }

    /// The cached value of `key` when the cache is live and the entry is younger than
    /// `ttl`; `None` on a miss.
    pub fn get(&self, key: &K, ttl: Duration) -> Option<V> {
        if !self.is_live() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(key)?;
        (entry.at.elapsed() < ttl).then(|| entry.value.clone())
    }

    /// The epoch to pass to [`Self::fill`]: read it before reading the directory.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Stores `value`, read after [`Self::epoch`] returned `seen`, unless the cache is off,
    /// full, or anything was forgotten since.
    pub fn fill(&self, key: K, value: V, seen: u64) {
        if !self.is_live() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.epoch.load(Ordering::Acquire) != seen {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            return;
        }
        entries.insert(
            key,
            Entry {
                at: Instant::now(),
                value,
            },
        );
    }

    /// Drops `key`'s entry; fills begun before this call are discarded.
    pub fn forget(&self, key: &K) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.remove(key);
    }

    /// Drops every entry whose key matches; fills begun before this call are discarded.
    pub fn forget_where(&self, matches: impl Fn(&K) -> bool) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|k, _| !matches(k));
    }

    /// Drops every entry; fills begun before this call are discarded.
    pub fn clear(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.clear();
    }

    /// Turns the cache on (the invalidation subscription is up) or off (it is lost); either
    /// way the cache starts empty.
    pub fn set_live(&self, live: bool) {
        self.clear();
        self.live.store(live, Ordering::Release);
        self.clear();
    }

    /// Whether the cache is in use.
    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Drops entries older than `ttl` (the directory's sweeper calls it).
    pub fn sweep(&self, ttl: Duration) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, e| e.at.elapsed() < ttl);
    }

    /// How many entries are cached.
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
