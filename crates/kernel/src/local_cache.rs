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
//!   off until a new subscription is up; entries also expire after the caller's TTL;
//! - [`LocalCache::get_or_load`] lets concurrent misses of one key share one load, but only
//!   while live and only among callers that arrived in the same epoch: a caller that arrives
//!   after a change never joins a read begun before it.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::sync::OnceCell;

/// A load in progress: the key and the epoch its first caller saw.
type Slot<K> = (K, u64);

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
    /// Loads in progress, by key and the epoch their first caller saw.
    loading: Mutex<HashMap<Slot<K>, Arc<OnceCell<V>>>>,
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
            loading: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value of `key`, or `load`'s, stored as [`Self::fill`] would. While the cache
    /// is live, callers missing the same key in the same epoch share one `load` (the first
    /// one's; if it fails or is cancelled, the next caller loads): a burst of requests for an
    /// entry that just expired reads the source once. Not live, every caller loads.
    pub async fn get_or_load<E>(
        &self,
        key: K,
        ttl: Duration,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E> {
        if let Some(hit) = self.get(&key, ttl) {
            return Ok(hit);
        }
        let seen = self.epoch();
        if !self.is_live() {
            return load.await;
        }
        let slot = (key, seen);
        let cell = {
            let mut loading = self.loading.lock().unwrap_or_else(|p| p.into_inner());
            loading.entry(slot.clone()).or_default().clone()
        };
        // the slot leaves the table when this caller is done, even if it is cancelled
        let _done = Loading {
            cache: self,
            slot: &slot,
            cell: &cell,
        };
        cell.get_or_try_init(|| async {
            let value = load.await?;
            self.fill(slot.0.clone(), value.clone(), seen);
            Ok(value)
        })
        .await
        .cloned()
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

/// Removes a load's slot when its caller is done with it (unless a newer load took it).
struct Loading<'a, K: Eq + Hash, V> {
    cache: &'a LocalCache<K, V>,
    slot: &'a Slot<K>,
    cell: &'a Arc<OnceCell<V>>,
}

impl<K: Eq + Hash, V> Drop for Loading<'_, K, V> {
    fn drop(&mut self) {
        let mut loading = self.cache.loading.lock().unwrap_or_else(|p| p.into_inner());
        if loading
            .get(self.slot)
            .is_some_and(|c| Arc::ptr_eq(c, self.cell))
        {
            loading.remove(self.slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    fn live() -> Arc<LocalCache<u32, u64>> {
        let cache = Arc::new(LocalCache::new(16));
        cache.set_live(true);
        cache
    }

    /// A load that counts its calls and finishes when `release` is notified.
    async fn counted(
        loads: &AtomicUsize,
        release: &tokio::sync::Notify,
        value: u64,
    ) -> Result<u64, ()> {
        loads.fetch_add(1, Ordering::SeqCst);
        release.notified().await;
        Ok(value)
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_key_share_one_load() {
        let cache = live();
        let loads = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(tokio::sync::Notify::new());
        let callers: Vec<_> = (0..32)
            .map(|_| {
                let (cache, loads, release) = (cache.clone(), loads.clone(), release.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_load(7, TTL, counted(&loads, &release, 70))
                        .await
                })
            })
            .collect();
        while loads.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // every caller has had the chance to arrive before the load finishes
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        release.notify_waiters();
        for caller in callers {
            assert_eq!(caller.await.unwrap(), Ok(70));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert_eq!(cache.get(&7, TTL), Some(70));
        assert!(cache.loading.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_caller_after_a_change_does_not_join_a_load_begun_before_it() {
        let cache = live();
        let loads = Arc::new(AtomicUsize::new(0));
        let release = Arc::new(tokio::sync::Notify::new());
        let first = {
            let (cache, loads, release) = (cache.clone(), loads.clone(), release.clone());
            tokio::spawn(async move {
                cache
                    .get_or_load(7, TTL, counted(&loads, &release, 1))
                    .await
            })
        };
        while loads.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // the user changes while the first read is in flight
        cache.forget(&7);
        let second = cache.get_or_load(7, TTL, async { Ok::<_, ()>(2) }).await;
        assert_eq!(second, Ok(2), "the second caller read for itself");
        release.notify_waiters();
        assert_eq!(first.await.unwrap(), Ok(1));
        // the first read began before the change: it answered its caller but was not kept
        assert_eq!(cache.get(&7, TTL), Some(2));
    }

    #[tokio::test]
    async fn not_live_every_caller_loads_and_nothing_is_kept() {
        let cache: LocalCache<u32, u64> = LocalCache::new(16);
        let loads = AtomicUsize::new(0);
        for _ in 0..3 {
            let got = cache
                .get_or_load(7, TTL, async {
                    loads.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, ()>(7)
                })
                .await;
            assert_eq!(got, Ok(7));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 3);
        assert!(cache.loading.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_failed_or_cancelled_load_leaves_the_next_caller_to_load() {
        let cache = live();
        let failed = cache
            .get_or_load(7, TTL, async { Err::<u64, _>("down") })
            .await;
        assert_eq!(failed, Err("down"));
        let never = cache.get_or_load(7, TTL, std::future::pending::<Result<u64, &str>>());
        assert!(
            tokio::time::timeout(Duration::from_millis(20), never)
                .await
                .is_err()
        );
        assert!(
            cache.loading.lock().unwrap().is_empty(),
            "no slot is left behind"
        );
        let got = cache.get_or_load(7, TTL, async { Ok::<_, &str>(9) }).await;
        assert_eq!(got, Ok(9));
    }
}
