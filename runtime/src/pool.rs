//! Quarry's connection pool.
//!
//! Owns: handing out and taking back database connections. sqlx's pool pings a connection
//! before handing it out and again when it comes back: a network round trip each on
//! PostgreSQL and MySQL, a hand-off to the worker thread on SQLite, so a one-statement query
//! cost three. This pool sends nothing of its own. A connection whose statement was
//! abandoned mid-way (its future dropped) is closed instead of reused; a connection that died
//! while idle is found out when it is used, and reads retry on a new one (`Client::read`).
//! Connections return synchronously and are reused last-in first-out, so sequential use keeps
//! to one connection.

use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

/// A database connection the pool can open and close.
pub trait Connect: Sized + Send + 'static {
    /// What opening a connection needs.
    type Options: Send + Sync + 'static;
    /// Opens a connection.
    fn connect(options: &Self::Options) -> impl std::future::Future<Output = Result<Self>> + Send;
    /// Closes the connection politely (dropping it closes it too).
    fn close(self) -> impl std::future::Future<Output = ()> + Send;
}

macro_rules! sqlx_connect {
    ($($c:ty),*) => {$(
        impl Connect for $c {
            type Options = <$c as sqlx::Connection>::Options;
            async fn connect(options: &Self::Options) -> Result<Self> {
                <$c as sqlx::Connection>::connect_with(options)
                    .await
                    .map_err(|e| Error::from_sqlx(e, None))
            }
            async fn close(self) {
                let _ = <$c as sqlx::Connection>::close(self).await;
            }
        }
    )*};
}

sqlx_connect!(sqlx::PgConnection, sqlx::MySqlConnection);

/// How the pool is sized and when it lets connections go.
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    /// The most connections open at once.
    pub(crate) max_connections: usize,
    /// How long `acquire` waits for a free connection.
    pub(crate) acquire_timeout: Duration,
    /// An idle connection older than this is closed rather than reused.
    pub(crate) idle_timeout: Duration,
    /// A connection older than this is closed rather than reused.
    pub(crate) max_lifetime: Duration,
}

/// A pool of connections of one database type.
pub struct ConnPool<C: Connect> {
    options: C::Options,
    config: PoolConfig,
    idle: Mutex<Vec<Idle<C>>>,
    permits: Arc<Semaphore>,
    closed: AtomicBool,
}

impl<C: Connect> std::fmt::Debug for ConnPool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnPool")
            .field("config", &self.config)
            .field("idle", &self.idle.lock().map_or(0, |i| i.len()))
            .finish()
    }
}

struct Idle<C> {
    conn: C,
    created: Instant,
    since: Instant,
}

impl<C: Connect> ConnPool<C> {
    /// A pool that opens connections with `options`; `first` is a connection already open.
    pub(crate) fn new(options: C::Options, config: PoolConfig, first: Option<C>) -> Arc<Self> {
        let now = Instant::now();
        Arc::new(ConnPool {
            options,
            permits: Arc::new(Semaphore::new(config.max_connections.max(1))),
            config,
            idle: Mutex::new(
                first
                    .map(|conn| Idle {
                        conn,
                        created: now,
                        since: now,
                    })
                    .into_iter()
                    .collect(),
            ),
            closed: AtomicBool::new(false),
        })
    }

    /// A connection: an idle one when there is one, else a new one. Waits up to the acquire
    /// timeout (`pool_timeout`) when all are in use.
    pub async fn acquire(self: &Arc<Self>) -> Result<Pooled<C>> {
        self.get(true).await
    }

    /// A newly opened connection; the idle ones are closed first.
    pub(crate) async fn acquire_new(self: &Arc<Self>) -> Result<Pooled<C>> {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
        self.get(false).await
    }

    async fn get(self: &Arc<Self>, reuse: bool) -> Result<Pooled<C>> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(TryAcquireError::NoPermits) => tokio::time::timeout(
                self.config.acquire_timeout,
                self.permits.clone().acquire_owned(),
            )
            .await
            .map_err(|_| {
                Error::Timeout(format!(
                    "no connection became free within {} ms (pool_timeout; connection_limit is {})",
                    self.config.acquire_timeout.as_millis(),
                    self.config.max_connections
                ))
            })?
            .map_err(|_| closed())?,
            Err(TryAcquireError::Closed) => return Err(closed()),
        };
        if self.closed.load(Ordering::Acquire) {
            return Err(closed());
        }
        if let Some(idle) = reuse.then(|| self.take_idle()).flatten() {
            return Ok(Pooled {
                conn: Some(idle.conn),
                created: idle.created,
                reused: true,
                in_flight: false,
                pool: self.clone(),
                _permit: permit,
            });
        }
        let conn = C::connect(&self.options).await?;
        Ok(Pooled {
            conn: Some(conn),
            created: Instant::now(),
            reused: false,
            in_flight: false,
            pool: self.clone(),
            _permit: permit,
        })
    }

    /// The most recently returned idle connection that is not too old.
    fn take_idle(&self) -> Option<Idle<C>> {
        let mut idle = self.idle.lock().ok()?;
        while let Some(i) = idle.pop() {
            if i.since.elapsed() < self.config.idle_timeout
                && i.created.elapsed() < self.config.max_lifetime
            {
                return Some(i);
            }
            // Too old: dropping it closes its socket (or its SQLite worker).
        }
        None
    }

    /// Closes every idle connection and refuses new acquisitions; connections in use close
    /// when they come back.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.permits.close();
        let idle: Vec<Idle<C>> = match self.idle.lock() {
            Ok(mut i) => i.drain(..).collect(),
            Err(_) => Vec::new(),
        };
        for i in idle {
            let _ = i.conn.close().await;
        }
    }
}

fn closed() -> Error {
    Error::Connection("the connection pool is closed".into())
}

/// A connection out of the pool; it goes back when dropped.
pub struct Pooled<C: Connect> {
    conn: Option<C>,
    created: Instant,
    reused: bool,
    in_flight: bool,
    pool: Arc<ConnPool<C>>,
    _permit: OwnedSemaphorePermit,
}

impl<C: Connect> std::fmt::Debug for Pooled<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pooled")
            .field("reused", &self.reused)
            .field("in_flight", &self.in_flight)
            .finish()
    }
}

impl<C: Connect> Pooled<C> {
    /// The connection came from the idle list (it may have died while it waited there).
    pub(crate) fn reused(&self) -> bool {
        self.reused
    }

    /// Marks a statement as started (`true`) or run to its end, whatever its outcome
    /// (`false`). A connection dropped while a statement is in flight is not reused: its
    /// protocol state is unknown.
    pub(crate) fn set_in_flight(&mut self, in_flight: bool) {
        self.in_flight = in_flight;
    }

    /// Closes the connection instead of returning it to the pool.
    pub(crate) fn discard(mut self) {
        self.conn = None;
    }
}

impl<C: Connect> std::ops::Deref for Pooled<C> {
    type Target = C;
    fn deref(&self) -> &C {
        // Only `discard` and `Drop`, which both consume the value, take the connection.
        self.conn
            .as_ref()
            .expect("a pooled connection is present until dropped")
    }
}

impl<C: Connect> std::ops::DerefMut for Pooled<C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn
            .as_mut()
            .expect("a pooled connection is present until dropped")
    }
}

impl<C: Connect> Drop for Pooled<C> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if self.in_flight || self.pool.closed.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut idle) = self.pool.idle.lock() {
            idle.push(Idle {
                conn,
                created: self.created,
                since: Instant::now(),
            });
        }
    }
}
