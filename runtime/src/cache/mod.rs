//! The query result cache: Prisma Accelerate's `cacheStrategy` (ttl, swr, tags), self-hosted,
//! in this process or on Redis, and invalidated by the client's own writes.
//!
//! Owns: cache keys, freshness, single flight, invalidation and the cache's failure handling.
//! Must not know: how a query runs (the builders hand it a closure that runs it) or what a
//! typed record is (it keeps results untyped: `codec::Payload`).
//!
//! **Invalidation by epochs.** Every model, every tag and the whole cache have an epoch: a
//! counter in the store. An entry records the epochs of its models and tags as they were
//! *before* its query ran, and is valid only while they are unchanged. A write bumps the epochs
//! of the models it touched after it committed; `invalidate(tags)` bumps the tags'. So a write
//! that lands while a query runs leaves that query's entry stale from the start, and a reader
//! sees a write as soon as it returned. Reading an entry and its epochs is one round trip
//! (`MGET`).

mod codec;
mod key;
mod store;

pub(crate) use codec::Payload;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::meta::{Link, ModelMeta};
use crate::query::{AggregateArgs, Filter, FindArgs, Having, OrderBy};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

/// How a read uses the cache (Accelerate's `cacheStrategy`).
///
/// ```text
/// client.user().find_many()
///     .cache(CacheStrategy::ttl(Duration::from_secs(60)).swr(Duration::from_secs(60)).tag("users"))
///     .exec().await?;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheStrategy {
    ttl: Duration,
    swr: Duration,
    tags: Vec<String>,
    ignore_writes: bool,
}

impl CacheStrategy {
    /// Fresh for `ttl`: served from the cache without touching the database.
    pub fn ttl(ttl: Duration) -> CacheStrategy {
        CacheStrategy {
            ttl,
            ..CacheStrategy::default()
        }
    }

    /// Only stale-while-revalidate: every hit is stale and refreshed in the background.
    pub fn swr_only(swr: Duration) -> CacheStrategy {
        CacheStrategy::default().swr(swr)
    }

    /// After `ttl`, served stale for `swr` more while one background query refreshes it.
    pub fn swr(mut self, swr: Duration) -> CacheStrategy {
        self.swr = swr;
        self
    }

    /// Adds a tag, for [`CacheHandle::invalidate`]: letters, digits and `_`, at most 64
    /// characters, at most 5 tags (Accelerate's rules; checked before any I/O).
    pub fn tag(mut self, tag: impl Into<String>) -> CacheStrategy {
        self.tags.push(tag.into());
        self
    }

    /// Adds several tags.
    pub fn tags<T: Into<String>>(mut self, tags: impl IntoIterator<Item = T>) -> CacheStrategy {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Writes through the client do not invalidate this entry: only its ttl, its tags and
    /// `invalidate_all` do (Accelerate's behaviour). For data that may lag behind writes.
    pub fn ignore_writes(mut self) -> CacheStrategy {
        self.ignore_writes = true;
        self
    }

    pub(crate) fn check(&self) -> Result<()> {
        check_tags(&self.tags)?;
        if self.ttl.is_zero() && self.swr.is_zero() {
            return Err(Error::InvalidQuery(
                "a cache strategy needs a ttl or an swr greater than zero".into(),
            ));
        }
        Ok(())
    }
}

/// Accelerate's tag rules: at most 5 tags of at most 64 letters, digits and `_`.
fn check_tags(tags: &[String]) -> Result<()> {
    if tags.len() > 5 {
        return Err(Error::InvalidQuery(format!(
            "a cache strategy takes at most 5 tags, not {}",
            tags.len()
        )));
    }
    for t in tags {
        if t.is_empty() || t.len() > 64 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(Error::InvalidQuery(format!(
                "invalid cache tag {t:?}: a tag is 1 to 64 letters, digits or `_`"
            )));
        }
    }
    Ok(())
}

/// Where a result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// From the cache, within its ttl: no database round trip.
    Hit,
    /// From the cache, past its ttl but within swr; a background query refreshes it.
    Stale,
    /// From the database; the result is now cached.
    Miss,
    /// The cache was not used: none is configured, the read ran in a transaction, or the
    /// cache's store is unreachable.
    None,
}

/// A result's cache status, as Accelerate's `withAccelerateInfo` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheInfo {
    /// Hit, stale, miss or not cached.
    pub status: CacheStatus,
    /// How old the result is (zero for a miss).
    pub age: Duration,
    /// The entry's key in the store (empty when not cached).
    pub key: String,
}

impl CacheInfo {
    pub(crate) fn none() -> CacheInfo {
        CacheInfo {
            status: CacheStatus::None,
            age: Duration::ZERO,
            key: String::new(),
        }
    }
}

/// Where cached results are kept.
#[derive(Clone)]
pub enum CacheBackend {
    /// In this process, bounded by entries and by bytes (whichever is reached first).
    Memory {
        /// Most entries kept.
        max_entries: u64,
        /// Most bytes kept (keys and encoded results).
        max_bytes: u64,
    },
    /// On Redis: `redis://` or `rediss://` (TLS).
    #[cfg(feature = "redis")]
    Redis {
        /// The server's URL.
        url: String,
    },
    /// On a Redis Cluster, given some of its nodes.
    #[cfg(feature = "redis")]
    RedisCluster {
        /// Seed nodes' URLs.
        urls: Vec<String>,
    },
    /// On a Redis connection the app already has, and may share with other users of the same
    /// Redis (rate limiters, sessions): clone a `ConnectionManager` and give one clone here.
    #[cfg(feature = "redis")]
    RedisConnection(redis::aio::ConnectionManager),
}

impl std::fmt::Debug for CacheBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheBackend::Memory {
                max_entries,
                max_bytes,
            } => write!(
                f,
                "Memory {{ max_entries: {max_entries}, max_bytes: {max_bytes} }}"
            ),
            #[cfg(feature = "redis")]
            CacheBackend::Redis { url } => write!(f, "Redis({})", crate::client::redact(url)),
            #[cfg(feature = "redis")]
            CacheBackend::RedisCluster { urls } => write!(f, "RedisCluster({} nodes)", urls.len()),
            #[cfg(feature = "redis")]
            CacheBackend::RedisConnection(_) => write!(f, "RedisConnection"),
        }
    }
}

/// A clock for the cache's freshness (tests advance a [`ManualClock`]).
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }
}

/// A clock that moves only when told to (for tests of ttl and swr without sleeping).
#[derive(Debug)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// Starts at the system clock's time.
    pub fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicU64::new(SystemClock.now_ms())))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The cache's settings, in [`crate::ConnectOptions::cache`]; or from `QUARRY_CACHE_URL`.
#[derive(Clone)]
pub struct CacheOptions {
    /// Where entries live.
    pub backend: CacheBackend,
    /// How long to wait for Redis before going to the database instead (100 ms by default).
    pub timeout: Duration,
    /// Separates the entries and epochs of different databases in a shared store. By default
    /// it is derived from the database URL (without password); clients that reach one database
    /// through different URLs (a pooler, another host name) must set the same namespace, or
    /// their writes will not invalidate each other's entries.
    pub namespace: Option<String>,
    /// The clock freshness is measured with.
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for CacheOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheOptions")
            .field("backend", &self.backend)
            .field("timeout", &self.timeout)
            .field("namespace", &self.namespace)
            .finish()
    }
}

impl CacheOptions {
    /// An in-memory cache of at most `max_entries` entries and `max_bytes` bytes.
    pub fn memory(max_entries: u64, max_bytes: u64) -> CacheOptions {
        CacheOptions::with_backend(CacheBackend::Memory {
            max_entries,
            max_bytes,
        })
    }

    /// A cache on Redis.
    #[cfg(feature = "redis")]
    pub fn redis(url: impl Into<String>) -> CacheOptions {
        CacheOptions::with_backend(CacheBackend::Redis { url: url.into() })
    }

    /// A cache on this backend, with default settings.
    pub fn with_backend(backend: CacheBackend) -> CacheOptions {
        CacheOptions {
            backend,
            timeout: Duration::from_millis(100),
            namespace: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads a cache URL: `memory://?max_entries=10000&max_bytes=67108864` (both optional),
    /// `redis://host:6379/0`, `rediss://...` (TLS), or several comma-separated Redis nodes
    /// (`redis://a:6379,redis://b:6379`) for a Redis Cluster.
    pub fn from_url(url: &str) -> Result<CacheOptions> {
        let url = url.trim();
        let bad = |why: String| Error::Configuration(format!("invalid cache URL: {why}"));
        if let Some(rest) = url
            .strip_prefix("memory://")
            .or((url == "memory").then_some(""))
        {
            let (mut entries, mut bytes) = (10_000u64, 64 * 1024 * 1024u64);
            let query = rest.split_once('?').map_or(rest, |(_, q)| q);
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let n =
                    v.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        bad(format!("`{k}` must be a positive number, not `{v}`"))
                    })?;
                match k {
                    "max_entries" => entries = n,
                    "max_bytes" => bytes = n,
                    _ => return Err(bad(format!("unknown memory cache parameter `{k}`"))),
                }
            }
            return Ok(CacheOptions::memory(entries, bytes));
        }
        #[cfg(feature = "redis")]
        if url.starts_with("redis://") || url.starts_with("rediss://") {
            let urls: Vec<String> = url.split(',').map(|u| u.trim().to_string()).collect();
            if urls
                .iter()
                .any(|u| !u.starts_with("redis://") && !u.starts_with("rediss://"))
            {
                return Err(bad(
                    "every node of a cluster URL starts with redis:// or rediss://".into(),
                ));
            }
            return Ok(CacheOptions::with_backend(if urls.len() == 1 {
                CacheBackend::Redis {
                    url: url.to_string(),
                }
            } else {
                CacheBackend::RedisCluster { urls }
            }));
        }
        Err(bad(format!(
            "`{}`: expected memory://, redis:// or rediss://",
            crate::client::redact(url)
        )))
    }
}

/// Counters of the cache's work since the client was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Fresh hits.
    pub hits: u64,
    /// Stale hits (served while refreshing).
    pub stale_hits: u64,
    /// Misses (the query ran).
    pub misses: u64,
    /// Background refreshes that completed.
    pub refreshes: u64,
    /// Invalidations (by writes, tags, or `invalidate_all`).
    pub invalidations: u64,
    /// Store failures (Redis down, slow or full); each such query went to the database.
    pub errors: u64,
    /// Entries evicted to stay within the memory bounds.
    pub evictions: u64,
    /// Entries that could not be decoded (deleted, and counted as misses).
    pub corrupt: u64,
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    stale_hits: AtomicU64,
    misses: AtomicU64,
    refreshes: AtomicU64,
    invalidations: AtomicU64,
    errors: AtomicU64,
    corrupt: AtomicU64,
}

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
/// A boxed future that borrows for `'a`.
type BorrowingFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs the cached query on a client (again, for a background refresh).
pub(crate) type Runner = Arc<dyn Fn(Client) -> BoxFuture<Result<Payload>> + Send + Sync>;

/// Turns a result into what the reader gets (typed records). The memory store keeps the
/// converted result too, so that its hits clone it rather than decode it again.
pub(crate) type Convert<T> = Arc<dyn Fn(Payload) -> Result<T> + Send + Sync>;

/// A cacheable read: what identifies its result and what it reads.
pub(crate) struct Query {
    /// The model, its operation and its arguments, exactly ([`key::KeyWriter`]).
    text: Vec<u8>,
    /// Every model whose rows the result depends on.
    models: Vec<&'static str>,
}

impl Query {
    pub(crate) fn find(op: &'static str, m: &'static ModelMeta, args: &FindArgs) -> Query {
        let mut models = Vec::new();
        models_of_find(m, args, &mut models);
        let mut w = key::KeyWriter::new(op, m);
        w.find(args);
        Query { text: w.0, models }
    }

    pub(crate) fn aggregate(
        op: &'static str,
        m: &'static ModelMeta,
        args: &AggregateArgs,
    ) -> Query {
        let mut models = vec![m.name];
        if let Some(f) = &args.filter {
            models_of_filter(m, f, &mut models);
        }
        if let Some(h) = &args.having {
            models_of_having(m, h, &mut models);
        }
        for o in &args.order_by {
            models_of_order(m, o, &mut models);
        }
        let mut w = key::KeyWriter::new(op, m);
        w.aggregate(args);
        Query { text: w.0, models }
    }
}

fn add(models: &mut Vec<&'static str>, name: &'static str) {
    if !models.contains(&name) {
        models.push(name);
    }
}

fn models_of_find(m: &'static ModelMeta, args: &FindArgs, out: &mut Vec<&'static str>) {
    add(out, m.name);
    if let Some(f) = &args.filter {
        models_of_filter(m, f, out);
    }
    for o in &args.order_by {
        models_of_order(m, o, out);
    }
    for inc in &args.includes {
        models_of_find(m.relation(inc.relation).related, &inc.args, out);
    }
    for c in &args.counts {
        let related = m.relation(c.relation).related;
        add(out, related.name);
        if let Some(f) = &c.filter {
            models_of_filter(related, f, out);
        }
    }
}

fn models_of_filter(m: &'static ModelMeta, f: &Filter, out: &mut Vec<&'static str>) {
    match f {
        Filter::And(fs) | Filter::Or(fs) => fs.iter().for_each(|f| models_of_filter(m, f, out)),
        Filter::Not(f) => models_of_filter(m, f, out),
        Filter::Scalar { .. } => {}
        Filter::Relation {
            relation, filter, ..
        } => {
            let related = m.relation(*relation).related;
            add(out, related.name);
            models_of_filter(related, filter, out);
        }
    }
}

fn models_of_having(m: &'static ModelMeta, h: &Having, out: &mut Vec<&'static str>) {
    match h {
        Having::And(hs) | Having::Or(hs) => hs.iter().for_each(|h| models_of_having(m, h, out)),
        Having::Not(h) => models_of_having(m, h, out),
        Having::Aggregate { .. } => {}
        Having::Field(f) => models_of_filter(m, f, out),
    }
}

fn models_of_order(m: &'static ModelMeta, o: &OrderBy, out: &mut Vec<&'static str>) {
    match o {
        OrderBy::RelationCount { relation, .. } => add(out, m.relation(*relation).related.name),
        OrderBy::Relation { relation, order } => {
            let related = m.relation(*relation).related;
            add(out, related.name);
            models_of_order(related, order, out);
        }
        OrderBy::Field { .. } | OrderBy::Aggregate { .. } => {}
    }
}

/// The models whose rows a write to `m` can change besides `m`'s own: those holding a foreign
/// key to it (a delete or key update cascades or sets null there), and so on down the chain.
pub(crate) fn dependents(m: &'static ModelMeta, out: &mut Vec<&'static ModelMeta>) {
    if out.iter().any(|x| std::ptr::eq(*x, m)) {
        return;
    }
    out.push(m);
    for r in m.relations {
        if matches!(r.link, Link::Direct { .. }) && !r.holds_foreign_key {
            dependents(r.related, out);
        }
    }
}

/// The cache of one client (and its clones).
pub(crate) struct ResultCache {
    store: Store,
    /// `quarry:<hash of the database URL>` or the configured namespace.
    namespace: String,
    clock: Arc<dyn Clock>,
    /// Misses in progress in this process, per key: the others wait for the first.
    inflight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Keys being refreshed in the background.
    refreshing: Mutex<HashSet<String>>,
    /// Epochs whose bump failed (the store was down). Until they are bumped, reads bypass the
    /// cache: an entry the write should have invalidated must not be served.
    pending: Mutex<Vec<String>>,
    /// The store is failing: warned once, until it answers again.
    down: AtomicBool,
    counters: Counters,
}

impl std::fmt::Debug for ResultCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultCache")
            .field("namespace", &self.namespace)
            .finish()
    }
}

/// How long a process that runs a missed query holds the cross-process lock; others wait as
/// long for its result before running the query themselves.
const LOCK_HOLD: Duration = Duration::from_secs(10);

impl ResultCache {
    pub(crate) fn new(options: CacheOptions, database: &str) -> Result<ResultCache> {
        let store = match options.backend {
            CacheBackend::Memory {
                max_entries,
                max_bytes,
            } => Store::Memory(store::MemoryStore::new(max_entries, max_bytes)),
            #[cfg(feature = "redis")]
            CacheBackend::Redis { url } => {
                Store::Redis(Box::new(store::RedisStore::new(&[url], options.timeout)?))
            }
            #[cfg(feature = "redis")]
            CacheBackend::RedisCluster { urls } => {
                Store::Redis(Box::new(store::RedisStore::new(&urls, options.timeout)?))
            }
            #[cfg(feature = "redis")]
            CacheBackend::RedisConnection(c) => Store::Redis(Box::new(store::RedisStore::given(
                store::RedisConn::Single(c),
                options.timeout,
            ))),
        };
        let namespace = match options.namespace {
            Some(n) => n,
            None => {
                let mut n = String::from("quarry:");
                push_hex(&mut n, xxhash_rust::xxh3::xxh3_128(database.as_bytes()));
                n
            }
        };
        Ok(ResultCache {
            store,
            namespace,
            clock: options.clock,
            inflight: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashSet::new()),
            pending: Mutex::new(Vec::new()),
            down: AtomicBool::new(false),
            counters: Counters::default(),
        })
    }

    /// `<namespace><kind><name>`, without `format!`'s machinery (this runs on every hit).
    fn epoch(&self, kind: &str, name: &str) -> String {
        let mut k = String::with_capacity(self.namespace.len() + kind.len() + name.len());
        k.push_str(&self.namespace);
        k.push_str(kind);
        k.push_str(name);
        k
    }

    fn model_epoch(&self, model: &str) -> String {
        self.epoch(":e:m:", model)
    }

    fn tag_epoch(&self, tag: &str) -> String {
        self.epoch(":e:t:", tag)
    }

    fn all_epoch(&self) -> String {
        self.epoch(":e:all", "")
    }

    /// Reads `query` through the cache: from it when fresh or stale, else by running `run`
    /// once (however many readers ask at the same moment).
    ///
    /// Boxed: a builder's `exec` holds either this or the uncached read, and without the box
    /// every uncached read would carry (and move) this larger state too.
    pub(crate) fn read<'a, T: Clone + Send + Sync + 'static>(
        self: &'a Arc<Self>,
        client: &'a Client,
        strategy: &'a CacheStrategy,
        query: Query,
        run: Runner,
        convert: Convert<T>,
    ) -> BorrowingFuture<'a, Result<(T, CacheInfo)>> {
        Box::pin(self.read_unboxed(client, strategy, query, run, convert))
    }

    async fn read_unboxed<T: Clone + Send + Sync + 'static>(
        self: &Arc<Self>,
        client: &Client,
        strategy: &CacheStrategy,
        query: Query,
        run: Runner,
        convert: Convert<T>,
    ) -> Result<(T, CacheInfo)> {
        strategy.check()?;
        let text = query.text;
        let mut key = String::with_capacity(self.namespace.len() + 35);
        key.push_str(&self.namespace);
        key.push_str(":q:");
        push_hex(&mut key, xxhash_rust::xxh3::xxh3_128(&text));
        let mut epoch_keys = Vec::with_capacity(1 + query.models.len() + strategy.tags.len());
        epoch_keys.push(self.all_epoch());
        if !strategy.ignore_writes {
            epoch_keys.extend(query.models.iter().map(|m| self.model_epoch(m)));
        }
        epoch_keys.extend(strategy.tags.iter().map(|t| self.tag_epoch(t)));
        if !self.flush_pending().await {
            return Ok((convert(run(client.clone()).await?)?, CacheInfo::none()));
        }
        let look = Look {
            key: &key,
            epoch_keys: &epoch_keys,
            text: &text,
            strategy,
        };
        let epochs = match self.look(&look, &convert).await {
            Err(e) => {
                self.failed(&e);
                return Ok((convert(run(client.clone()).await?)?, CacheInfo::none()));
            }
            Ok(Found::Fresh(value, age)) => {
                bump(&self.counters.hits);
                tracing::debug!(target: "quarry::cache", key = %key, age_ms = age.as_millis() as u64, "hit");
                return Ok((value, self.info(CacheStatus::Hit, age, &key)));
            }
            Ok(Found::Stale(value, age)) => {
                bump(&self.counters.stale_hits);
                tracing::debug!(target: "quarry::cache", key = %key, age_ms = age.as_millis() as u64, "stale");
                self.refresh(client, &look, run, convert);
                return Ok((value, self.info(CacheStatus::Stale, age, &key)));
            }
            Ok(Found::Nothing(epochs)) => epochs,
        };
        // A miss. In this process, one reader runs the query and the others wait for it.
        let flight = self.flight(&key);
        let _running = flight.lock.lock().await;
        let epochs = match self.look(&look, &convert).await {
            Ok(Found::Fresh(value, age)) | Ok(Found::Stale(value, age)) => {
                // Filled while this reader waited.
                bump(&self.counters.hits);
                return Ok((value, self.info(CacheStatus::Hit, age, &key)));
            }
            Ok(Found::Nothing(e)) => e,
            Err(_) => epochs,
        };
        let (value, status) = self.fill(client, &look, epochs, &run, &convert).await?;
        Ok((value, self.info(status, Duration::ZERO, &key)))
    }

    /// Runs the query and stores its result; across processes sharing Redis, only the one
    /// holding the lock runs it and the others wait for its entry.
    async fn fill<T: Clone + Send + Sync + 'static>(
        &self,
        client: &Client,
        look: &Look<'_>,
        mut epochs: Vec<u64>,
        run: &Runner,
        convert: &Convert<T>,
    ) -> Result<(T, CacheStatus)> {
        let lock = format!("{}:lock", look.key);
        let mut locked = false;
        if self.store.shared() {
            let started = std::time::Instant::now();
            let mut pause = Duration::from_millis(2);
            loop {
                match self.store.try_lock(&lock, LOCK_HOLD).await {
                    Ok(true) => {
                        locked = true;
                        // Another process may have stored the result between this one's
                        // look and its lock: look once more, so the query runs only once.
                        match self.look(look, convert).await {
                            Ok(Found::Fresh(v, _)) | Ok(Found::Stale(v, _)) => {
                                let _ = self.store.unlock(&lock).await;
                                bump(&self.counters.hits);
                                return Ok((v, CacheStatus::Hit));
                            }
                            Ok(Found::Nothing(e)) => epochs = e,
                            Err(_) => {}
                        }
                        break;
                    }
                    Ok(false) if started.elapsed() < LOCK_HOLD => {}
                    // The store failed, or the lock holder never delivered: run it here.
                    _ => break,
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(50));
                match self.look(look, convert).await {
                    Ok(Found::Fresh(v, _)) | Ok(Found::Stale(v, _)) => {
                        bump(&self.counters.hits);
                        return Ok((v, CacheStatus::Hit));
                    }
                    Ok(Found::Nothing(e)) => epochs = e,
                    Err(_) => break,
                }
            }
        }
        bump(&self.counters.misses);
        tracing::debug!(target: "quarry::cache", key = %look.key, "miss");
        let outcome = match run(client.clone()).await {
            Ok(payload) => self.store_entry(look, epochs, payload, convert).await,
            Err(e) => Err(e),
        };
        if locked {
            let _ = self.store.unlock(&lock).await;
        }
        outcome.map(|v| (v, CacheStatus::Miss))
    }

    /// Converts `payload` and stores it (bytes, and in memory the converted value too). A
    /// result that does not convert is not stored: the reader gets the error.
    async fn store_entry<T: Clone + Send + Sync + 'static>(
        &self,
        look: &Look<'_>,
        epochs: Vec<u64>,
        payload: Payload,
        convert: &Convert<T>,
    ) -> Result<T> {
        let entry = codec::Entry {
            created_ms: self.clock.now_ms(),
            ttl_ms: look.strategy.ttl.as_millis() as u64,
            swr_ms: look.strategy.swr.as_millis() as u64,
            epochs,
            query: look.text.to_vec(),
        };
        let bytes = codec::encode(&entry, &payload);
        let value = convert(payload)?;
        let typed: Option<store::Typed> = match self.store.shared() {
            false => Some(Arc::new(value.clone())),
            true => None,
        };
        let keep = look.strategy.ttl + look.strategy.swr;
        match self.store.put(look.key, bytes, typed, keep).await {
            Ok(()) => self.healthy(),
            Err(e) => self.failed(&e),
        }
        Ok(value)
    }

    /// Refreshes `look`'s entry in the background (once per key at a time).
    fn refresh<T: Clone + Send + Sync + 'static>(
        self: &Arc<Self>,
        client: &Client,
        look: &Look<'_>,
        run: Runner,
        convert: Convert<T>,
    ) {
        {
            let mut busy = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            if !busy.insert(look.key.to_string()) {
                return;
            }
        }
        let this = self.clone();
        let client = client.clone();
        let key = look.key.to_string();
        let epoch_keys = look.epoch_keys.to_vec();
        let text = look.text.to_vec();
        let strategy = look.strategy.clone();
        tokio::spawn(async move {
            let look = Look {
                key: &key,
                epoch_keys: &epoch_keys,
                text: &text,
                strategy: &strategy,
            };
            let lock = format!("{key}:lock");
            // Another process refreshing it already is as good.
            if let Ok(true) = this.store.try_lock(&lock, LOCK_HOLD).await {
                // A reader that saw the stale entry just before another refresh stored its
                // result asks again: the entry is fresh by now, and nothing runs.
                let fresh = matches!(this.look(&look, &convert).await, Ok(Found::Fresh(..)));
                let epochs = match fresh {
                    true => None,
                    false => this
                        .store
                        .lookup(&key, &epoch_keys)
                        .await
                        .ok()
                        .map(|(_, e)| e),
                };
                if let Some(epochs) = epochs {
                    let refreshed = match run(client).await {
                        Ok(payload) => this.store_entry(&look, epochs, payload, &convert).await,
                        Err(e) => Err(e),
                    };
                    match refreshed {
                        Ok(_) => {
                            bump(&this.counters.refreshes);
                            tracing::debug!(target: "quarry::cache", key = %key, "refreshed");
                        }
                        Err(e) => {
                            tracing::warn!(target: "quarry::cache", key = %key, error = %e, "background refresh failed")
                        }
                    }
                }
                let _ = this.store.unlock(&lock).await;
            }
            this.refreshing
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
        });
    }

    /// The entry under `look.key`, if it answers `look` and is still fresh or stale.
    async fn look<T: Clone + Send + Sync + 'static>(
        &self,
        look: &Look<'_>,
        convert: &Convert<T>,
    ) -> std::result::Result<Found<T>, String> {
        let (stored, epochs) = match self.store.lookup(look.key, look.epoch_keys).await {
            Ok(found) => {
                self.healthy();
                found
            }
            Err(e) => return Err(e),
        };
        let Some(stored) = stored else {
            return Ok(Found::Nothing(epochs));
        };
        let bytes = &stored.bytes;
        // Age first, from the header alone: an expired entry is not decoded.
        let now = self.clock.now_ms();
        let age = match codec::created_ms(bytes) {
            Ok(created) => Duration::from_millis(now.saturating_sub(created)),
            Err(_) => Duration::MAX,
        };
        let (ttl, swr) = (look.strategy.ttl, look.strategy.swr);
        if age != Duration::MAX && age >= ttl.saturating_add(swr) {
            return Ok(Found::Nothing(epochs));
        }
        let found = |value: T| {
            Ok(if age < ttl {
                Found::Fresh(value, age)
            } else {
                Found::Stale(value, age)
            })
        };
        // In memory, the value the bytes decode to is kept beside them.
        if let Some(value) = stored.typed.as_ref().and_then(|t| t.downcast_ref::<T>()) {
            return match codec::answers(bytes, look.text, &epochs) {
                Ok(true) => found(value.clone()),
                _ => Ok(Found::Nothing(epochs)),
            };
        }
        let decoded = match codec::decode_if(bytes, look.text, &epochs) {
            Ok(Some(p)) => convert(p).map_err(|e| e.to_string()),
            // Another query's entry under the same hash, or one a write invalidated.
            Ok(None) => return Ok(Found::Nothing(epochs)),
            Err(why) => Err(why),
        };
        match decoded {
            Ok(value) => found(value),
            Err(why) => {
                bump(&self.counters.corrupt);
                tracing::warn!(target: "quarry::cache", key = %look.key, why = %why, "deleting a cache entry that does not decode");
                let _ = self.store.delete(look.key).await;
                Ok(Found::Nothing(epochs))
            }
        }
    }

    fn flight(&self, key: &str) -> Flight<'_> {
        let mut map = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        Flight {
            cache: self,
            key: key.to_string(),
            lock: map.entry(key.to_string()).or_default().clone(),
        }
    }

    fn info(&self, status: CacheStatus, age: Duration, key: &str) -> CacheInfo {
        CacheInfo {
            status,
            age,
            key: key.to_string(),
        }
    }

    /// Invalidates the entries that read any of `models` (after their write committed).
    pub(crate) async fn models_written(&self, models: &[&'static ModelMeta]) {
        let keys: Vec<String> = models.iter().map(|m| self.model_epoch(m.name)).collect();
        tracing::debug!(target: "quarry::cache", models = ?models.iter().map(|m| m.name).collect::<Vec<_>>(), "invalidated by a write");
        self.bump_epochs(keys).await;
    }

    async fn bump_epochs(&self, keys: Vec<String>) {
        bump(&self.counters.invalidations);
        if let Err(e) = self.store.bump(&keys).await {
            self.failed(&e);
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            for k in keys {
                if !pending.contains(&k) {
                    pending.push(k);
                }
            }
        }
    }

    /// Bumps the epochs a failed write left pending; false while that still fails.
    async fn flush_pending(&self) -> bool {
        let keys = {
            let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            if pending.is_empty() {
                return true;
            }
            pending.clone()
        };
        match self.store.bump(&keys).await {
            Ok(()) => {
                let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
                pending.retain(|k| !keys.contains(k));
                self.healthy();
                true
            }
            Err(e) => {
                self.failed(&e);
                false
            }
        }
    }

    fn failed(&self, error: &str) {
        bump(&self.counters.errors);
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(target: "quarry::cache", error = %error, "the query cache is unavailable; queries go to the database until it answers again");
        }
    }

    fn healthy(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!(target: "quarry::cache", "the query cache answers again");
        }
    }
}

/// A reader's place in the single flight of one key; the last one out removes the key
/// (also when a reader's future is dropped mid-way).
struct Flight<'a> {
    cache: &'a ResultCache,
    key: String,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut map = self
            .cache
            .inflight
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // The map's reference and this one: nobody else holds or waits for the key.
        if Arc::strong_count(&self.lock) <= 2 {
            map.remove(&self.key);
        }
    }
}

struct Look<'a> {
    key: &'a str,
    epoch_keys: &'a [String],
    text: &'a [u8],
    strategy: &'a CacheStrategy,
}

enum Found<T> {
    Fresh(T, Duration),
    Stale(T, Duration),
    /// No usable entry; the current epochs, to store a new one under.
    Nothing(Vec<u64>),
}

/// Appends `v` as 32 lowercase hex digits.
fn push_hex(out: &mut String, v: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for i in (0..32).rev() {
        out.push(DIGITS[((v >> (i * 4)) & 0xf) as usize] as char);
    }
}

/// `client.cache()`: invalidation and statistics.
#[derive(Debug, Clone, Copy)]
pub struct CacheHandle<'c> {
    pub(crate) cache: Option<&'c Arc<ResultCache>>,
}

impl CacheHandle<'_> {
    /// Whether a cache is configured.
    pub fn is_enabled(&self) -> bool {
        self.cache.is_some()
    }

    /// Invalidates every entry carrying one of these tags (checked as in [`CacheStrategy::tag`]).
    pub async fn invalidate<T: AsRef<str>>(&self, tags: impl IntoIterator<Item = T>) -> Result<()> {
        let tags: Vec<String> = tags.into_iter().map(|t| t.as_ref().to_string()).collect();
        check_tags_any(&tags)?;
        if let Some(c) = self.cache {
            tracing::debug!(target: "quarry::cache", tags = ?tags, "invalidated by tags");
            c.bump_epochs(tags.iter().map(|t| c.tag_epoch(t)).collect())
                .await;
        }
        Ok(())
    }

    /// Invalidates every entry of this database's namespace.
    pub async fn invalidate_all(&self) {
        if let Some(c) = self.cache {
            tracing::debug!(target: "quarry::cache", "invalidated all");
            c.bump_epochs(vec![c.all_epoch()]).await;
        }
    }

    /// Invalidates every entry that read one of these models (by schema name), as a write
    /// through the client does by itself. For writes made elsewhere.
    pub async fn invalidate_models(&self, models: &[&str]) {
        if let Some(c) = self.cache {
            c.bump_epochs(models.iter().map(|m| c.model_epoch(m)).collect())
                .await;
        }
    }

    /// The counters.
    pub fn stats(&self) -> CacheStats {
        let Some(c) = self.cache else {
            return CacheStats::default();
        };
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let k = &c.counters;
        CacheStats {
            hits: n(&k.hits),
            stale_hits: n(&k.stale_hits),
            misses: n(&k.misses),
            refreshes: n(&k.refreshes),
            invalidations: n(&k.invalidations),
            errors: n(&k.errors),
            evictions: c.store.evictions(),
            corrupt: n(&k.corrupt),
        }
    }

    /// Entries held in memory (the memory backend; `None` for Redis).
    pub fn memory_entries(&self) -> Option<u64> {
        match &self.cache?.store {
            Store::Memory(m) => Some(m.len()),
            #[cfg(feature = "redis")]
            Store::Redis(_) => None,
        }
    }

    /// Background refreshes still running.
    pub fn refreshes_running(&self) -> usize {
        self.cache.map_or(0, |c| {
            c.refreshing.lock().unwrap_or_else(|p| p.into_inner()).len()
        })
    }

    /// The Redis connection the cache uses, to share with the app's other uses of the same
    /// Redis (rate limiting, sessions). `None` for the memory backend or a cluster.
    #[cfg(feature = "redis")]
    pub async fn redis_connection(&self) -> Option<redis::aio::ConnectionManager> {
        match &self.cache?.store {
            Store::Redis(r) => match r.connection().await.ok()? {
                store::RedisConn::Single(c) => Some(c),
                store::RedisConn::Cluster(_) => None,
            },
            Store::Memory(_) => None,
        }
    }
}

fn check_tags_any(tags: &[String]) -> Result<()> {
    // Invalidation takes any number of tags; each must be one a strategy could carry.
    for chunk in tags.chunks(5) {
        check_tags(chunk)?;
    }
    Ok(())
}
