//! Where entries and invalidation epochs live: in this process (moka) or on Redis.
//!
//! Both stores offer the same five operations, and every read of an entry returns the current
//! epochs of its models and tags in the same round trip (Redis: one `MGET`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long Redis keeps an epoch after its last bump (so that the epochs of databases and
/// models long gone do not pile up).
pub(crate) const EPOCH_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// An entry as a store holds it: its bytes and, in this process's memory only, the typed
/// result they decode to (a hit then clones it instead of decoding).
pub(crate) struct Stored {
    pub(crate) bytes: Arc<[u8]>,
    pub(crate) typed: Option<Typed>,
}

/// A decoded result kept beside its bytes.
pub(crate) type Typed = Arc<dyn std::any::Any + Send + Sync>;

/// A store's failure: the cache steps aside and the query goes to the database.
pub(crate) type StoreResult<T> = std::result::Result<T, String>;

pub(crate) enum Store {
    Memory(MemoryStore),
    #[cfg(feature = "redis")]
    Redis(Box<RedisStore>),
}

impl Store {
    /// The entry under `key` (if any) and the current value of each epoch key (0 when unset).
    pub(crate) async fn lookup(
        &self,
        key: &str,
        epochs: &[String],
    ) -> StoreResult<(Option<Stored>, Vec<u64>)> {
        match self {
            Store::Memory(m) => Ok(m.lookup(key, epochs)),
            #[cfg(feature = "redis")]
            Store::Redis(r) => r.lookup(key, epochs).await,
        }
    }

    /// Stores an entry, kept at most `keep` (its ttl plus swr); the memory store also keeps
    /// `typed`.
    pub(crate) async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        typed: Option<Typed>,
        keep: Duration,
    ) -> StoreResult<()> {
        match self {
            Store::Memory(m) => {
                m.put(key, bytes, typed, keep);
                Ok(())
            }
            #[cfg(feature = "redis")]
            Store::Redis(r) => r.put(key, bytes, keep).await,
        }
    }

    pub(crate) async fn delete(&self, key: &str) -> StoreResult<()> {
        match self {
            Store::Memory(m) => {
                m.entries.invalidate(key);
                Ok(())
            }
            #[cfg(feature = "redis")]
            Store::Redis(r) => r.delete(key).await,
        }
    }

    /// Advances each epoch: every entry made under the old value stops matching.
    pub(crate) async fn bump(&self, epochs: &[String]) -> StoreResult<()> {
        match self {
            Store::Memory(m) => {
                m.bump(epochs);
                Ok(())
            }
            #[cfg(feature = "redis")]
            Store::Redis(r) => r.bump(epochs).await,
        }
    }

    /// Takes the lock that makes one process of many run a missed query (Redis only: in one
    /// process, the in-process single flight suffices). `Ok(true)` when taken.
    pub(crate) async fn try_lock(&self, key: &str, hold: Duration) -> StoreResult<bool> {
        match self {
            Store::Memory(_) => Ok(true),
            #[cfg(feature = "redis")]
            Store::Redis(r) => r.try_lock(key, hold).await,
        }
    }

    pub(crate) async fn unlock(&self, key: &str) -> StoreResult<()> {
        match self {
            Store::Memory(_) => Ok(()),
            #[cfg(feature = "redis")]
            Store::Redis(r) => r.delete(key).await,
        }
    }

    /// True when other processes may share this store.
    pub(crate) fn shared(&self) -> bool {
        !matches!(self, Store::Memory(_))
    }

    pub(crate) fn evictions(&self) -> u64 {
        match self {
            Store::Memory(m) => m.evictions.load(Ordering::Relaxed),
            #[cfg(feature = "redis")]
            Store::Redis(_) => 0,
        }
    }
}

#[derive(Clone)]
struct MemEntry {
    bytes: Arc<[u8]>,
    typed: Option<Typed>,
    keep: Duration,
}

struct KeepFor;

impl moka::Expiry<String, MemEntry> for KeepFor {
    fn expire_after_create(
        &self,
        _key: &String,
        value: &MemEntry,
        _created_at: std::time::Instant,
    ) -> Option<Duration> {
        Some(value.keep)
    }
}

pub(crate) struct MemoryStore {
    entries: moka::sync::Cache<String, MemEntry>,
    epochs: Mutex<HashMap<String, u64>>,
    evictions: Arc<AtomicU64>,
}

impl MemoryStore {
    /// At most `max_entries` entries and `max_bytes` bytes. moka bounds one weight, so each
    /// entry weighs at least `max_bytes / max_entries`: the byte bound then also bounds the
    /// count.
    pub(crate) fn new(max_entries: u64, max_bytes: u64) -> MemoryStore {
        let max_entries = max_entries.max(1);
        let max_bytes = max_bytes.max(1);
        let floor = (max_bytes / max_entries).max(1);
        let evictions = Arc::new(AtomicU64::new(0));
        let counted = evictions.clone();
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(move |k: &String, v: &MemEntry| {
                let size = (k.len() + v.bytes.len()) as u64;
                u32::try_from(size.max(floor)).unwrap_or(u32::MAX)
            })
            .expire_after(KeepFor)
            .eviction_listener(move |_k, _v, cause| {
                if cause == moka::notification::RemovalCause::Size {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
            })
            .build();
        MemoryStore {
            entries,
            epochs: Mutex::new(HashMap::new()),
            evictions,
        }
    }

    fn lookup(&self, key: &str, epochs: &[String]) -> (Option<Stored>, Vec<u64>) {
        let entry = self.entries.get(key).map(|e| Stored {
            bytes: e.bytes,
            typed: e.typed,
        });
        let map = self.epochs.lock().unwrap_or_else(|p| p.into_inner());
        let current = epochs
            .iter()
            .map(|k| map.get(k).copied().unwrap_or(0))
            .collect();
        (entry, current)
    }

    fn put(&self, key: &str, bytes: Vec<u8>, typed: Option<Typed>, keep: Duration) {
        self.entries.insert(
            key.to_string(),
            MemEntry {
                bytes: bytes.into(),
                typed,
                keep,
            },
        );
    }

    fn bump(&self, epochs: &[String]) {
        let mut map = self.epochs.lock().unwrap_or_else(|p| p.into_inner());
        for k in epochs {
            *map.entry(k.clone()).or_insert(0) += 1;
        }
    }

    /// Entries currently held (moka applies pending evictions first).
    pub(crate) fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }
}

#[cfg(feature = "redis")]
pub(crate) use redis_store::{RedisConn, RedisStore};

#[cfg(feature = "redis")]
mod redis_store {
    use super::StoreResult;
    use std::sync::Arc;
    use std::time::Duration;

    /// A connection to Redis or to a Redis Cluster. Both reconnect by themselves: the manager
    /// on the next command after a failure, the cluster connection by refreshing its slots.
    #[derive(Clone)]
    pub(crate) enum RedisConn {
        Single(redis::aio::ConnectionManager),
        Cluster(redis::cluster_async::ClusterConnection),
    }

    impl redis::aio::ConnectionLike for RedisConn {
        fn req_packed_command<'a>(
            &'a mut self,
            cmd: &'a redis::Cmd,
        ) -> redis::RedisFuture<'a, redis::Value> {
            match self {
                RedisConn::Single(c) => c.req_packed_command(cmd),
                RedisConn::Cluster(c) => c.req_packed_command(cmd),
            }
        }

        fn req_packed_commands<'a>(
            &'a mut self,
            cmd: &'a redis::Pipeline,
            offset: usize,
            count: usize,
        ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
            match self {
                RedisConn::Single(c) => c.req_packed_commands(cmd, offset, count),
                RedisConn::Cluster(c) => c.req_packed_commands(cmd, offset, count),
            }
        }

        fn get_db(&self) -> i64 {
            match self {
                RedisConn::Single(c) => c.get_db(),
                RedisConn::Cluster(c) => c.get_db(),
            }
        }
    }

    enum Target {
        Single(Box<redis::Client>),
        Cluster(Box<redis::cluster::ClusterClient>),
        Given(RedisConn),
    }

    pub(crate) struct RedisStore {
        target: Target,
        conn: tokio::sync::Mutex<Option<RedisConn>>,
        timeout: Duration,
        /// When connecting last failed: a Redis that is down is tried again after a second,
        /// not on every query.
        failed_at: std::sync::Mutex<Option<std::time::Instant>>,
    }

    impl RedisStore {
        /// `urls`: one `redis://`/`rediss://` URL, or the seed nodes of a cluster. Nothing is
        /// connected yet: a Redis that is down must not stop the client from starting.
        pub(crate) fn new(urls: &[String], timeout: Duration) -> crate::Result<RedisStore> {
            let bad = |e: redis::RedisError| {
                crate::Error::Configuration(format!("invalid cache URL: {e}"))
            };
            let target = match urls {
                [one] => Target::Single(Box::new(redis::Client::open(one.as_str()).map_err(bad)?)),
                many => Target::Cluster(Box::new(
                    redis::cluster::ClusterClientBuilder::new(many.to_vec())
                        .connection_timeout(timeout)
                        .response_timeout(timeout)
                        .build()
                        .map_err(bad)?,
                )),
            };
            Ok(RedisStore::with_target(target, timeout))
        }

        /// On a connection the app made (and may share with its own uses of Redis).
        pub(crate) fn given(conn: RedisConn, timeout: Duration) -> RedisStore {
            RedisStore::with_target(Target::Given(conn.clone()), timeout)
        }

        fn with_target(target: Target, timeout: Duration) -> RedisStore {
            let conn = match &target {
                Target::Given(c) => Some(c.clone()),
                _ => None,
            };
            RedisStore {
                target,
                conn: tokio::sync::Mutex::new(conn),
                timeout,
                failed_at: std::sync::Mutex::new(None),
            }
        }

        /// The connection, made on first use.
        pub(crate) async fn connection(&self) -> StoreResult<RedisConn> {
            let mut slot = self.conn.lock().await;
            if let Some(c) = slot.as_ref() {
                return Ok(c.clone());
            }
            {
                let failed = self.failed_at.lock().unwrap_or_else(|p| p.into_inner());
                if failed.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
                    return Err("Redis is unreachable (retrying every second)".into());
                }
            }
            let made = tokio::time::timeout(self.timeout.max(Duration::from_millis(500)), async {
                match &self.target {
                    Target::Single(client) => {
                        let config = redis::aio::ConnectionManagerConfig::new()
                            .set_connection_timeout(Some(self.timeout))
                            .set_response_timeout(Some(self.timeout))
                            .set_number_of_retries(1);
                        redis::aio::ConnectionManager::new_with_config((**client).clone(), config)
                            .await
                            .map(RedisConn::Single)
                    }
                    Target::Cluster(client) => {
                        client.get_async_connection().await.map(RedisConn::Cluster)
                    }
                    Target::Given(c) => Ok(c.clone()),
                }
            })
            .await;
            match made {
                Ok(Ok(c)) => {
                    *slot = Some(c.clone());
                    Ok(c)
                }
                Ok(Err(e)) => {
                    *self.failed_at.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(std::time::Instant::now());
                    Err(e.to_string())
                }
                Err(_) => {
                    *self.failed_at.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(std::time::Instant::now());
                    Err("connecting to Redis timed out".into())
                }
            }
        }

        async fn run<T: redis::FromRedisValue>(&self, cmd: redis::Cmd) -> StoreResult<T> {
            let mut conn = self.connection().await?;
            self.within(cmd.query_async::<T>(&mut conn)).await
        }

        /// A Redis answer within the store's timeout, or why not.
        async fn within<T>(
            &self,
            answer: impl std::future::Future<Output = redis::RedisResult<T>>,
        ) -> StoreResult<T> {
            match tokio::time::timeout(self.timeout, answer).await {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(_) => Err(format!(
                    "Redis did not answer within {} ms",
                    self.timeout.as_millis()
                )),
            }
        }

        pub(super) async fn lookup(
            &self,
            key: &str,
            epochs: &[String],
        ) -> StoreResult<(Option<super::Stored>, Vec<u64>)> {
            let mut cmd = redis::cmd("MGET");
            cmd.arg(key).arg(epochs);
            let mut values: Vec<Option<Vec<u8>>> = self.run(cmd).await?;
            if values.len() != epochs.len() + 1 {
                return Err("Redis answered MGET with the wrong number of values".into());
            }
            let current = values
                .drain(1..)
                .map(|v| {
                    v.and_then(|b| std::str::from_utf8(&b).ok()?.parse::<u64>().ok())
                        .unwrap_or(0)
                })
                .collect();
            let entry = values.pop().flatten().map(|b| super::Stored {
                bytes: Arc::from(b),
                typed: None,
            });
            Ok((entry, current))
        }

        pub(super) async fn put(
            &self,
            key: &str,
            bytes: Vec<u8>,
            keep: Duration,
        ) -> StoreResult<()> {
            // An epoch that expires reads as 0 again; entries never outlive half an epoch's
            // lifetime, so none made before its last bump can match it then.
            let keep = keep.min(super::EPOCH_LIFETIME / 2);
            let mut cmd = redis::cmd("SET");
            cmd.arg(key)
                .arg(bytes)
                .arg("PX")
                .arg(keep.as_millis().max(1) as u64);
            self.run::<()>(cmd).await
        }

        pub(super) async fn delete(&self, key: &str) -> StoreResult<()> {
            let mut cmd = redis::cmd("DEL");
            cmd.arg(key);
            self.run::<()>(cmd).await
        }

        pub(super) async fn bump(&self, epochs: &[String]) -> StoreResult<()> {
            let conn = self.connection().await?;
            if let RedisConn::Cluster(_) = conn {
                // A cluster refuses a pipeline whose keys live in different slots: one command
                // per key, sent together.
                let each = epochs.iter().map(|k| async move {
                    let mut incr = redis::cmd("INCR");
                    incr.arg(k);
                    self.run::<()>(incr).await?;
                    let mut expire = redis::cmd("PEXPIRE");
                    expire.arg(k).arg(super::EPOCH_LIFETIME.as_millis() as u64);
                    self.run::<()>(expire).await
                });
                return futures_util::future::join_all(each)
                    .await
                    .into_iter()
                    .collect();
            }
            let mut pipe = redis::pipe();
            for k in epochs {
                pipe.cmd("INCR").arg(k).ignore();
                pipe.cmd("PEXPIRE")
                    .arg(k)
                    .arg(super::EPOCH_LIFETIME.as_millis() as u64)
                    .ignore();
            }
            let mut conn = conn;
            self.within(pipe.query_async::<()>(&mut conn)).await
        }

        pub(super) async fn try_lock(&self, key: &str, hold: Duration) -> StoreResult<bool> {
            let mut cmd = redis::cmd("SET");
            cmd.arg(key)
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(hold.as_millis().max(1) as u64);
            let set: Option<String> = self.run(cmd).await?;
            Ok(set.is_some())
        }
    }
}
