//! Connecting: URLs as Prisma reads them, pool settings, `.env`.

use crate::error::{Error, Result};
use crate::exec::{ColumnSpec, Conn, Pool, Target};
use crate::pool::{ConnPool, PoolConfig};
use crate::query::RelationLoadStrategy;
use crate::sql::{Dialect, StatementCache};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Runs `$call` on this client's statement target: its transaction's (or pinned read's)
/// connection, or else the pool.
macro_rules! with_target {
    ($client:expr, |$target:ident| $call:expr) => {
        match &$client.tx {
            None => {
                let $target = Target::Pool(&$client.inner.pool);
                $call.await
            }
            Some(tx) => {
                let mut state = tx.lock().await;
                let conn = state.conn.as_mut().ok_or_else(transaction_ended)?;
                let $target = Target::Conn(conn);
                $call.await
            }
        }
    };
}

/// A connection to a database: a pool, a statement cache and settings. Cheap to clone.
///
/// Inside [`Client::transaction`], the client handed to the closure runs every statement on
/// the transaction's connection; the same queries work inside and outside transactions.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
    tx: Option<Arc<tokio::sync::Mutex<TxState>>>,
}

/// The connection of an open transaction, and how deep its savepoints go; or the connection
/// one read operation runs all its statements on (`transaction: false`).
#[derive(Debug)]
struct TxState {
    conn: Option<Conn>,
    transaction: bool,
    savepoints: usize,
    /// Stops the statement running on `conn` from outside (interactive transactions only: the
    /// implicit ones of single operations have no timeout).
    canceller: Option<crate::exec::Canceller>,
    /// Models written in the transaction: their cache entries are invalidated once it commits.
    written: Vec<&'static crate::meta::ModelMeta>,
    /// Raw SQL that changed unknown models ran: the whole cache is invalidated at commit.
    written_all: bool,
}

impl Drop for TxState {
    fn drop(&mut self) {
        // Dropped before commit or rollback (a panic, a cancelled future): close the connection
        // so that the server rolls the transaction back; never return it to the pool mid-way.
        // A read's connection goes back (unless a statement was cut off: see `Pooled`).
        if let Some(conn) = self.conn.take() {
            if self.transaction {
                conn.close_on_drop();
            }
        }
    }
}

/// Transaction isolation levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`
    ReadUncommitted,
    /// `READ COMMITTED`
    ReadCommitted,
    /// `REPEATABLE READ`
    RepeatableRead,
    /// `SERIALIZABLE`
    Serializable,
}

impl IsolationLevel {
    fn sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }
}

/// Options of an interactive transaction (Prisma's `maxWait`, `timeout`, `isolationLevel`).
#[derive(Debug, Clone, Default)]
pub struct TransactionOptions {
    /// How long to wait for a connection; 2 s by default.
    pub max_wait: Option<Duration>,
    /// How long the transaction may run before it is rolled back; 5 s by default.
    pub timeout: Option<Duration>,
    /// The isolation level; the database's default when `None`.
    pub isolation_level: Option<IsolationLevel>,
}

#[derive(Debug)]
struct Inner {
    pool: Pool,
    /// `INSERT ... RETURNING` works: SQLite, PostgreSQL and MariaDB 10.5+, not MySQL.
    insert_returning: bool,
    cache: StatementCache,
    /// The strategy `ConnectOptions` chose, if any.
    strategy: Option<RelationLoadStrategy>,
    statements: AtomicU64,
    /// The query result cache, when configured.
    results: Option<Arc<crate::cache::ResultCache>>,
}

/// Options for [`Client::connect_with`].
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Folder that relative SQLite paths (`file:./dev.db`) are resolved against; the current
    /// directory when `None`. Generated clients set it to the schema's folder, as Prisma does.
    pub base_dir: Option<PathBuf>,
    /// The relation load strategy of queries that do not choose one; when `None`, the faster
    /// one for the database ([`RelationLoadStrategy::default_for`]).
    pub relation_load_strategy: Option<RelationLoadStrategy>,
    /// The schema's provider (`sqlite`, `postgresql`, `mysql`): a URL for another database is
    /// a configuration error. Generated clients set it.
    pub provider: Option<&'static str>,
    /// The query result cache; when `None`, the one `QUARRY_CACHE_URL` names, if set
    /// ([`crate::cache::CacheOptions::from_url`]). Reads use it only when they ask to
    /// (`.cache(strategy)`).
    pub cache: Option<crate::cache::CacheOptions>,
}

/// Prisma's URL parameters, removed from the URL before it reaches the driver.
#[derive(Debug, Default, PartialEq)]
struct PoolParams {
    connection_limit: Option<u32>,
    pool_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    schema: Option<String>,
}

const PRISMA_PARAMS: &[&str] = &[
    "connection_limit",
    "pool_timeout",
    "connect_timeout",
    "schema",
    "socket_timeout",
    "pgbouncer",
    "statement_cache_size",
    "sslaccept",
];

/// Splits Prisma's own parameters off a URL; returns the URL for the driver.
fn split_params(url: &str) -> Result<(String, PoolParams)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), PoolParams::default()));
    };
    let mut params = PoolParams::default();
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let seconds = |v: &str| -> Result<Duration> {
            v.parse::<u64>().map(Duration::from_secs).map_err(|_| {
                Error::Configuration(format!("`{k}` must be a number of seconds, not `{v}`"))
            })
        };
        match k {
            "connection_limit" => {
                let n = v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    Error::Configuration(format!(
                        "`connection_limit` must be a positive number, not `{v}`"
                    ))
                })?;
                params.connection_limit = Some(n);
            }
            "pool_timeout" => params.pool_timeout = Some(seconds(v)?),
            "connect_timeout" => params.connect_timeout = Some(seconds(v)?),
            "schema" => params.schema = Some(v.to_string()),
            k if PRISMA_PARAMS.contains(&k) => {}
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, params))
}

/// `file:./dev.db` (Prisma) or `sqlite:...` (sqlx) to an absolute path and its query string.
fn sqlite_path(url: &str, base_dir: Option<&Path>) -> (PathBuf, Option<String>) {
    let rest = url
        .strip_prefix("file://")
        .or_else(|| url.strip_prefix("file:"))
        .or_else(|| url.strip_prefix("sqlite://"))
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (rest, None),
    };
    let path = PathBuf::from(path);
    // The schema's folder, where the CLI put the database, when it is on this machine (a
    // deployed binary may run where the source tree is not: the current directory then).
    let path = match base_dir {
        Some(b) if !path.is_absolute() && b.is_dir() => b.join(path),
        _ => path,
    };
    (path, query)
}

fn pool_config(p: &PoolParams) -> PoolConfig {
    // Prisma's default pool size: cores * 2 + 1.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    PoolConfig {
        max_connections: p.connection_limit.map_or(cores * 2 + 1, |n| n as usize),
        acquire_timeout: p.pool_timeout.unwrap_or(Duration::from_secs(10)),
        idle_timeout: Duration::from_secs(10 * 60),
        max_lifetime: Duration::from_secs(30 * 60),
    }
}

impl Client {
    /// Connects to `url`: `file:`/`sqlite:` (SQLite; a missing file is an error unless the URL
    /// says `?mode=rwc`),
    /// `postgresql://`/`postgres://`, or `mysql://`. Relative SQLite paths are resolved against
    /// the current directory.
    pub async fn connect(url: &str) -> Result<Client> {
        Self::connect_with(url, ConnectOptions::default()).await
    }

    /// Connects to `DATABASE_URL`, read from the environment or from a `.env` file in the
    /// current directory or one of its parents.
    pub async fn from_env() -> Result<Client> {
        Self::from_env_with(ConnectOptions::default()).await
    }

    /// [`Client::from_env`] with options.
    pub async fn from_env_with(options: ConnectOptions) -> Result<Client> {
        let url = database_url()?;
        Self::connect_with(&url, options).await
    }

    /// Connects with options.
    pub async fn connect_with(url: &str, options: ConnectOptions) -> Result<Client> {
        let (url, params) = split_params(url.trim())?;
        if let Some(provider) = options.provider {
            check_provider(&url, provider)?;
        }
        let connect_timeout = params.connect_timeout.unwrap_or(Duration::from_secs(5));
        let config = pool_config(&params);
        let connecting = async {
            if url.starts_with("file:") || url.starts_with("sqlite:") {
                let (path, query) = sqlite_path(&url, options.base_dir.as_deref());
                let mode = |m: &str| {
                    query.as_deref().is_some_and(|q| {
                        q.split('&')
                            .any(|pair| pair.split_once('=') == Some(("mode", m)))
                    })
                };
                let read_only = mode("ro");
                // A missing file is a wrong path far more often than a wish for an empty
                // database: opening it would create one and fail later with "no such table".
                if !mode("rwc") && !path.exists() {
                    return Err(Error::Configuration(format!(
                        "the SQLite database {} does not exist. Create it with `quarry migrate dev` \
                         (or `quarry migrate deploy`, `quarry db push`), check the path in the URL \
                         (a relative path is resolved against the schema's folder, else the current \
                         directory), or add `?mode=rwc` to the URL to start from an empty database",
                        path.display()
                    )));
                }
                let opts = crate::sqlite::SqliteOptions {
                    path,
                    read_only,
                    busy_timeout: Duration::from_secs(5),
                };
                let first =
                    <crate::sqlite::SqliteConn as crate::pool::Connect>::connect(&opts).await?;
                Ok((Pool::Sqlite(ConnPool::new(opts, config, Some(first))), true))
            } else if url.starts_with("postgresql://") || url.starts_with("postgres://") {
                // UTC sessions: TIMESTAMP <-> TIMESTAMPTZ conversions never shift values.
                let mut opts = sqlx::postgres::PgConnectOptions::from_str(&url)
                    .map_err(|e| Error::Configuration(e.to_string()))?
                    .options([("TimeZone", "UTC")]);
                if let Some(schema) = &params.schema {
                    opts = opts.options([("search_path", schema.as_str())]);
                }
                let first = first_connection(&opts, &redact(&url)).await?;
                Ok((
                    Pool::Postgres(ConnPool::new(opts, config, Some(first))),
                    true,
                ))
            } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
                let url = url.replacen("mariadb://", "mysql://", 1);
                let opts = sqlx::mysql::MySqlConnectOptions::from_str(&url)
                    .map_err(|e| Error::Configuration(e.to_string()))?;
                let mut first: sqlx::MySqlConnection =
                    first_connection(&opts, &redact(&url)).await?;
                let version: Option<String> = sqlx::query_scalar("SELECT VERSION()")
                    .fetch_one(&mut first)
                    .await
                    .ok();
                let returning = version.as_deref().is_some_and(mariadb_with_returning);
                Ok((
                    Pool::Mysql(ConnPool::new(opts, config, Some(first))),
                    returning,
                ))
            } else {
                Err(Error::Configuration(format!(
                    "unsupported database URL `{}`: expected file:, sqlite:, postgresql://, postgres:// or mysql://",
                    redact(&url)
                )))
            }
        };
        let (pool, insert_returning) = tokio::time::timeout(connect_timeout, connecting)
            .await
            .map_err(|_| {
            Error::Timeout(format!(
                "could not connect to {} within {}s (connect_timeout)",
                redact(&url),
                connect_timeout.as_secs()
            ))
        })??;
        let strategy = options.relation_load_strategy;
        let cache_options = match options.cache {
            Some(c) => Some(c),
            None => match std::env::var("QUARRY_CACHE_URL") {
                Ok(u) if !u.trim().is_empty() => Some(crate::cache::CacheOptions::from_url(&u)?),
                _ => None,
            },
        };
        let results = match cache_options {
            Some(c) => Some(Arc::new(crate::cache::ResultCache::new(
                c,
                &database_identity(&url, options.base_dir.as_deref()),
            )?)),
            None => None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                pool,
                insert_returning,
                cache: StatementCache::new(),
                strategy,
                statements: AtomicU64::new(0),
                results,
            }),
            tx: None,
        })
    }

    /// The query result cache: invalidation by tag, statistics.
    pub fn cache(&self) -> crate::cache::CacheHandle<'_> {
        crate::cache::CacheHandle {
            cache: self.inner.results.as_ref(),
        }
    }

    /// The cache reads use: none inside a transaction, whose reads may see its own uncommitted
    /// writes (and must not publish them).
    pub(crate) fn result_cache(&self) -> Option<&Arc<crate::cache::ResultCache>> {
        match self.tx {
            None => self.inner.results.as_ref(),
            Some(_) => None,
        }
    }

    /// Whether a query result cache is configured (writes then say what they changed).
    pub(crate) fn caches_results(&self) -> bool {
        self.inner.results.is_some()
    }

    /// Records that a write changed rows of `models` (and of those holding foreign keys to
    /// them): their cache entries are invalidated now, or inside a transaction once it commits.
    pub(crate) async fn wrote(&self, models: &[&'static crate::meta::ModelMeta]) {
        let Some(cache) = &self.inner.results else {
            return;
        };
        let mut all = Vec::new();
        for m in models {
            crate::cache::dependents(m, &mut all);
        }
        if let Some(tx) = &self.tx {
            let mut state = tx.lock().await;
            if state.transaction {
                for m in all {
                    if !state.written.iter().any(|w| std::ptr::eq(*w, m)) {
                        state.written.push(m);
                    }
                }
                return;
            }
        }
        cache.models_written(&all).await;
    }

    /// The dialect of the connected database.
    pub fn dialect(&self) -> Dialect {
        self.inner.pool.dialect()
    }

    /// The underlying pool, for raw access.
    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    pub(crate) fn statement_cache(&self) -> &StatementCache {
        &self.inner.cache
    }

    /// The relation load strategy of queries that do not choose one (per query, `Join` gives
    /// way to `Query` where an include is not indexed: see [`Client::strategy_for`]).
    pub fn relation_load_strategy(&self) -> RelationLoadStrategy {
        self.inner
            .strategy
            .unwrap_or(RelationLoadStrategy::default_for(self.dialect()))
    }

    /// The strategy of a read of `m` with `args` that chose none: the one `ConnectOptions`
    /// chose, else the database's faster one - but never `Join` when an include (at any depth)
    /// has no index to find its rows by: `Join` looks them up once per parent row, which
    /// without an index scans the related table for every parent.
    pub fn strategy_for(
        &self,
        m: &'static crate::meta::ModelMeta,
        args: &crate::query::FindArgs,
    ) -> RelationLoadStrategy {
        if let Some(s) = self.inner.strategy {
            return s;
        }
        match RelationLoadStrategy::default_for(self.dialect()) {
            RelationLoadStrategy::Join if !includes_indexed(m, args) => RelationLoadStrategy::Query,
            s => s,
        }
    }

    /// Whether `INSERT ... RETURNING` is available (everything but MySQL proper).
    pub fn supports_insert_returning(&self) -> bool {
        self.inner.insert_returning
    }

    /// Number of statements this client has sent (for tests and diagnostics).
    pub fn statements_executed(&self) -> u64 {
        self.inner.statements.load(Ordering::Relaxed)
    }

    fn count_statement(&self) {
        self.inner.statements.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs a query (on the transaction's connection inside a transaction) and decodes it.
    pub(crate) async fn fetch(
        &self,
        stmt: &crate::sql::Statement,
        columns: &[ColumnSpec],
        model: &'static str,
    ) -> Result<Vec<Vec<crate::Value>>> {
        self.count_statement();
        with_target!(self, |target| target.fetch(stmt, columns, model))
    }

    /// Runs a query on PostgreSQL and returns its rows undecoded (`None` elsewhere).
    pub(crate) async fn fetch_pg_rows(
        &self,
        stmt: &crate::sql::Statement,
        model: &'static str,
    ) -> Result<Option<Vec<sqlx::postgres::PgRow>>> {
        if self.dialect() != Dialect::Postgres {
            return Ok(None);
        }
        self.count_statement();
        with_target!(self, |target| target.fetch_pg_rows(stmt, model))
    }

    /// Runs a query on SQLite and builds each row straight into an `R` (`None` elsewhere, or
    /// when `R` cannot be built that way).
    pub(crate) async fn fetch_sqlite_typed<R: crate::FromRecord>(
        &self,
        stmt: &crate::sql::Statement,
        model: &'static str,
    ) -> Result<Option<Vec<R>>> {
        if self.dialect() != Dialect::Sqlite {
            return Ok(None);
        }
        self.count_statement();
        with_target!(self, |target| target.fetch_sqlite_typed(stmt, model))
    }

    /// Runs a statement; returns the number of affected rows.
    pub(crate) async fn execute(
        &self,
        stmt: &crate::sql::Statement,
        model: Option<&'static str>,
    ) -> Result<u64> {
        self.count_statement();
        with_target!(self, |target| target.execute(stmt, model))
    }

    async fn execute_sql(&self, sql: &str) -> Result<u64> {
        let stmt = crate::sql::Statement::raw(sql, Vec::new());
        self.execute(&stmt, None).await
    }

    /// True inside a transaction.
    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    /// Runs a read operation with all its statements on one connection (a query and its
    /// includes: one connection taken from the pool, not one per statement). Outside a
    /// transaction, a connection that died while idle (a server restart, an idle timeout on
    /// the server) fails the first statement; reads are safe to repeat, so the read runs again
    /// on a new connection.
    pub(crate) async fn read<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: Fn(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        // SQLite has no server to lose a connection to, and no round trips to save: its
        // statements take a connection each, which costs less than pinning one.
        if self.tx.is_some() || self.dialect() == Dialect::Sqlite {
            return f(self.clone()).await;
        }
        let conn = self.inner.pool.acquire().await?;
        self.again_if_dead(conn, |conn| f(self.pinned(conn))).await
    }

    /// Runs `run` on `conn`; when `conn` came from the idle list and fails with a connection
    /// error, it had died while idle, and `run` goes again on a newly opened connection. Only
    /// for work that is safe to repeat (reads, starting a transaction).
    async fn again_if_dead<T, Fut>(&self, conn: Conn, run: impl Fn(Conn) -> Fut) -> Result<T>
    where
        Fut: std::future::Future<Output = Result<T>>,
    {
        let reused = conn.reused();
        match run(conn).await {
            Err(Error::Connection(_)) if reused => run(self.inner.pool.acquire_new().await?).await,
            other => other,
        }
    }

    /// A client that runs every statement on `conn`, which goes back to the pool when the last
    /// clone is dropped.
    fn pinned(&self, conn: Conn) -> Client {
        Client {
            inner: self.inner.clone(),
            tx: Some(Arc::new(tokio::sync::Mutex::new(TxState {
                conn: Some(conn),
                transaction: false,
                savepoints: 0,
                canceller: None,
                written: Vec::new(),
                written_all: false,
            }))),
        }
    }

    /// Runs `f` in a transaction: committed when it returns `Ok`, rolled back when it returns
    /// `Err`, panics, times out or is dropped. Called inside a transaction, it runs `f` in a
    /// savepoint, so that only `f`'s work is undone on failure.
    pub async fn transaction<T, E, F, Fut>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        self.transaction_with(TransactionOptions::default(), f)
            .await
    }

    /// [`Client::transaction`] with options.
    pub async fn transaction_with<T, E, F, Fut>(
        &self,
        options: TransactionOptions,
        f: F,
    ) -> std::result::Result<T, E>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        let timeout = options.timeout.unwrap_or(Duration::from_secs(5));
        self.run_transaction(&options, Some(timeout), f).await
    }

    /// The transaction of one operation (a write and its reads, a nested write, a batch): all
    /// or nothing, and as long as it takes, as a single statement would be. Prisma gives these
    /// no timeout either; only interactive transactions have one.
    pub(crate) async fn atomic<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.run_transaction(&TransactionOptions::default(), None, f)
            .await
    }

    async fn run_transaction<T, E, F, Fut>(
        &self,
        options: &TransactionOptions,
        timeout: Option<Duration>,
        f: F,
    ) -> std::result::Result<T, E>
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        use futures_util::FutureExt;
        let (tx_client, savepoint) = match &self.tx {
            Some(tx) => {
                let depth = {
                    let mut state = tx.lock().await;
                    state.savepoints += 1;
                    state.savepoints
                };
                let name = format!("quarry_sp_{depth}");
                self.execute_sql(&format!("SAVEPOINT {name}")).await?;
                (self.clone(), Some(name))
            }
            None => (self.begin(options, timeout.is_some()).await?, None),
        };
        let work = std::panic::AssertUnwindSafe(f(tx_client.clone())).catch_unwind();
        let outcome = match timeout {
            Some(t) => tokio::time::timeout(t, work).await,
            None => Ok(work.await),
        };
        let finish = |commit: bool| {
            let tx_client = tx_client.clone();
            let savepoint = savepoint.clone();
            async move {
                let sql = match (&savepoint, commit) {
                    (Some(sp), true) => format!("RELEASE SAVEPOINT {sp}"),
                    (Some(sp), false) => format!("ROLLBACK TO SAVEPOINT {sp}"),
                    (None, true) => "COMMIT".to_string(),
                    (None, false) => "ROLLBACK".to_string(),
                };
                let result = tx_client.execute_sql(&sql).await;
                let (mut written, mut written_all) = (Vec::new(), false);
                if let Some(tx) = &tx_client.tx {
                    let mut state = tx.lock().await;
                    if savepoint.is_some() {
                        state.savepoints = state.savepoints.saturating_sub(1);
                    } else if result.is_ok() {
                        // Back to the pool, clean; later use of this client is an error.
                        drop(state.conn.take());
                        if commit {
                            written = std::mem::take(&mut state.written);
                            written_all = state.written_all;
                        }
                    } else if let Some(conn) = state.conn.take() {
                        conn.close_on_drop();
                    }
                }
                // Committed: now, and not before, the cache forgets what the writes changed.
                if written_all {
                    tx_client.cache().invalidate_all().await;
                } else if let (Some(cache), false) = (&tx_client.inner.results, written.is_empty())
                {
                    cache.models_written(&written).await;
                }
                result
            }
        };
        match outcome {
            Ok(Ok(Ok(value))) => {
                finish(true).await?;
                Ok(value)
            }
            Ok(Ok(Err(e))) => {
                let _ = finish(false).await;
                Err(e)
            }
            Ok(Err(panic)) => {
                let _ = finish(false).await;
                std::panic::resume_unwind(panic)
            }
            Err(_) => {
                // The statement that was running goes on in the server (or SQLite's worker)
                // after its future is dropped; stop it, or the rollback would wait for it.
                if let Some(tx) = &tx_client.tx {
                    let canceller = tx.lock().await.canceller.clone();
                    if let Some(c) = canceller {
                        c.cancel(&self.inner.pool).await;
                    }
                }
                let _ = finish(false).await;
                Err(Error::Timeout(format!(
                    "the transaction did not finish within {} ms and was rolled back",
                    timeout.unwrap_or_default().as_millis()
                ))
                .into())
            }
        }
    }

    /// Takes a connection and starts a transaction on it. A connection that died while idle
    /// fails before anything ran, so the start is repeated on a new one.
    /// `cancellable`: the transaction can time out, so learn how to stop its statements.
    async fn begin(&self, options: &TransactionOptions, cancellable: bool) -> Result<Client> {
        let max_wait = options.max_wait.unwrap_or(Duration::from_secs(2));
        let conn = tokio::time::timeout(max_wait, self.inner.pool.acquire())
            .await
            .map_err(|_| {
                Error::Timeout(format!(
                    "no connection became free for the transaction within {} ms (max_wait)",
                    max_wait.as_millis()
                ))
            })??;
        self.again_if_dead(conn, |conn| self.start(conn, options, cancellable))
            .await
    }

    async fn start(
        &self,
        mut conn: Conn,
        options: &TransactionOptions,
        cancellable: bool,
    ) -> Result<Client> {
        let canceller = match cancellable {
            true => Some(conn.canceller().await?),
            false => None,
        };
        let client = Client {
            inner: self.inner.clone(),
            tx: Some(Arc::new(tokio::sync::Mutex::new(TxState {
                conn: Some(conn),
                transaction: true,
                savepoints: 0,
                canceller,
                written: Vec::new(),
                written_all: false,
            }))),
        };
        let level = options.isolation_level;
        match self.dialect() {
            Dialect::Postgres => {
                let sql = match level {
                    Some(l) => format!("BEGIN ISOLATION LEVEL {}", l.sql()),
                    None => "BEGIN".to_string(),
                };
                client.execute_sql(&sql).await?;
            }
            Dialect::Mysql => {
                if let Some(l) = level {
                    client
                        .execute_sql(&format!("SET TRANSACTION ISOLATION LEVEL {}", l.sql()))
                        .await?;
                }
                client.execute_sql("START TRANSACTION").await?;
            }
            // SQLite transactions are serializable; IMMEDIATE takes the write lock up front, so
            // concurrent writers queue (busy_timeout) instead of failing when they upgrade.
            Dialect::Sqlite => {
                client.execute_sql("BEGIN IMMEDIATE").await?;
            }
        }
        Ok(client)
    }

    /// Runs a statement with bind parameters (`?` on SQLite and MySQL, `$1` on PostgreSQL) and
    /// returns the number of affected rows. Values are always bound, never spliced into SQL.
    ///
    /// The client cannot tell what raw SQL changed, so with a query result cache this
    /// invalidates every entry; [`Client::execute_raw_touching`] invalidates only the models
    /// it names.
    pub async fn execute_raw(&self, sql: &str, binds: Vec<crate::Value>) -> Result<u64> {
        let stmt = crate::sql::Statement::raw(sql, binds);
        let result = self.execute(&stmt, None).await.map_err(Error::in_raw_query);
        if self.inner.results.is_some() {
            self.raw_wrote(None).await;
        }
        result
    }

    /// [`Client::execute_raw`] for SQL that changes rows of these models only (schema names):
    /// the cache invalidates their entries and keeps the rest. Unknown names are an error,
    /// checked before the SQL runs.
    pub async fn execute_raw_touching(
        &self,
        sql: &str,
        binds: Vec<crate::Value>,
        models: &[&'static crate::meta::ModelMeta],
    ) -> Result<u64> {
        let stmt = crate::sql::Statement::raw(sql, binds);
        let result = self.execute(&stmt, None).await.map_err(Error::in_raw_query);
        self.raw_wrote(Some(models)).await;
        result
    }

    /// After raw SQL: invalidates `models`, or everything when they are unknown (inside a
    /// transaction, once it commits).
    async fn raw_wrote(&self, models: Option<&[&'static crate::meta::ModelMeta]>) {
        if let Some(models) = models {
            return self.wrote(models).await;
        }
        if let Some(tx) = &self.tx {
            let mut state = tx.lock().await;
            if state.transaction {
                state.written_all = true;
                return;
            }
        }
        self.cache().invalidate_all().await;
    }

    /// Runs a query with bind parameters and returns each row as a JSON object keyed by column
    /// name. Values are converted by their database type (numbers, strings, booleans, JSON;
    /// DateTimes as RFC 3339 strings, decimals as strings, bytes as arrays of numbers).
    pub async fn query_raw(
        &self,
        sql: &str,
        binds: Vec<crate::Value>,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        let stmt = crate::sql::Statement::raw(sql, binds);
        self.count_statement();
        let rows = with_target!(self, |target| target.fetch_raw(&stmt));
        rows.map_err(Error::in_raw_query)
    }

    /// [`Client::query_raw`] deserialized into `T` (any `serde::Deserialize` type whose fields
    /// are named like the columns).
    pub async fn query_raw_as<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        binds: Vec<crate::Value>,
    ) -> Result<Vec<T>> {
        self.query_raw(sql, binds)
            .await?
            .into_iter()
            .map(|row| {
                serde_json::from_value(serde_json::Value::Object(row)).map_err(|e| Error::Decode {
                    model: "(raw query)",
                    field: "(row)",
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.inner.pool.close().await
    }
}

/// Every include of `args`, at every depth, finds its rows through an index.
fn includes_indexed(m: &'static crate::meta::ModelMeta, args: &crate::query::FindArgs) -> bool {
    args.includes.iter().all(|inc| {
        let r = m.relation(inc.relation);
        r.remote_indexed && includes_indexed(r.related, &inc.args)
    })
}

/// `10.11.6-MariaDB-0+deb12u1` -> true; MariaDB has `INSERT ... RETURNING` since 10.5.
fn mariadb_with_returning(version: &str) -> bool {
    if !version.contains("MariaDB") {
        return false;
    }
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (10, 5)
}

fn transaction_ended() -> Error {
    Error::InvalidQuery("the transaction has already been committed or rolled back".into())
}

/// The pool's first connection, opened at connect time so that a bad URL or a server that is
/// down is reported at once (a refused connection as a `Connection` error, not retried until a
/// timeout as sqlx's pool did).
async fn first_connection<C: sqlx::Connection>(
    opts: &<C as sqlx::Connection>::Options,
    target: &str,
) -> Result<C> {
    C::connect_with(opts)
        .await
        .map_err(|e| connect_error(e, target))
}

fn connect_error(e: sqlx::Error, target: &str) -> Error {
    match Error::from_sqlx(e, None) {
        Error::Connection(m) => Error::Connection(format!("{target}: {m}")),
        Error::Timeout(m) => Error::Timeout(format!("{target}: {m}")),
        Error::Database(d) => Error::Connection(format!("{target}: {}", d.message)),
        other => other,
    }
}

/// A URL for the schema's provider, or a configuration error that says which is which (a
/// client generated for MySQL must not open a SQLite file).
fn check_provider(url: &str, provider: &str) -> Result<()> {
    let scheme_ok = match provider {
        "sqlite" => url.starts_with("file:") || url.starts_with("sqlite:"),
        "postgresql" | "postgres" => {
            url.starts_with("postgresql://") || url.starts_with("postgres://")
        }
        "mysql" => url.starts_with("mysql://") || url.starts_with("mariadb://"),
        _ => true,
    };
    if scheme_ok {
        return Ok(());
    }
    let expected = match provider {
        "sqlite" => "`file:`",
        "mysql" => "`mysql://`",
        _ => "`postgresql://`",
    };
    Err(Error::Configuration(format!(
        "the schema's provider is `{provider}`, so the database URL must start with {expected}, \
         not `{}`",
        redact(url)
    )))
}

/// Which database a URL reaches, for the cache's namespace: without password and driver
/// parameters, with the scheme's spellings made one.
fn database_identity(url: &str, base_dir: Option<&Path>) -> String {
    if url.starts_with("file:") || url.starts_with("sqlite:") {
        let (path, _) = sqlite_path(url, base_dir);
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        return format!("sqlite:{}", path.display());
    }
    let url = url
        .replacen("postgres://", "postgresql://", 1)
        .replacen("mariadb://", "mysql://", 1);
    let base = url.split('?').next().unwrap_or(&url);
    redact(base)
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let host_start = rest.find('@');
    match host_start {
        Some(at) => {
            let creds = &rest[..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme_end], &rest[at..])
        }
        None => url.to_string(),
    }
}

/// `DATABASE_URL` from the environment, else from the nearest `.env` file.
pub fn database_url() -> Result<String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Ok(url);
    }
    let mut dir = std::env::current_dir().ok();
    while let Some(d) = dir {
        let env = d.join(".env");
        if let Ok(text) = std::fs::read_to_string(&env) {
            if let Some(url) = env_file_value(&text, "DATABASE_URL") {
                return Ok(url);
            }
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Err(Error::Configuration(
        "DATABASE_URL is not set (neither in the environment nor in a .env file)".into(),
    ))
}

/// The value of `key` in `.env` text, read as dotenv reads it: quotes, escapes, `export`,
/// and comments (a `#` after whitespace ends an unquoted value).
pub fn env_file_value(text: &str, key: &str) -> Option<String> {
    dotenvy::from_read_iter(text.as_bytes())
        .filter_map(|item| item.ok())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisma_parameters_are_removed_and_read() {
        let (url, p) = split_params(
            "postgresql://u@h/db?connection_limit=5&pool_timeout=3&schema=app&sslmode=disable",
        )
        .unwrap();
        assert_eq!(url, "postgresql://u@h/db?sslmode=disable");
        assert_eq!(p.connection_limit, Some(5));
        assert_eq!(p.pool_timeout, Some(Duration::from_secs(3)));
        assert_eq!(p.schema.as_deref(), Some("app"));
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(split_params("mysql://h/db?connection_limit=zero").is_err());
        assert!(split_params("mysql://h/db?pool_timeout=-1").is_err());
    }

    #[test]
    fn sqlite_paths_resolve_against_the_base() {
        let base = std::env::temp_dir();
        let (p, _) = sqlite_path("file:./dev.db", Some(&base));
        assert_eq!(p, base.join("./dev.db"));
        // A schema folder that is not on this machine (a deployed binary): the current
        // directory.
        let (p, _) = sqlite_path("file:./dev.db", Some(Path::new("/no/such/schema/folder")));
        assert_eq!(p, PathBuf::from("./dev.db"));
        let (p, q) = sqlite_path("file:/tmp/x.db?mode=ro", Some(&base));
        assert_eq!(p, PathBuf::from("/tmp/x.db"));
        assert_eq!(q.as_deref(), Some("mode=ro"));
    }

    #[test]
    fn mariadb_versions() {
        assert!(mariadb_with_returning("10.11.6-MariaDB-0+deb12u1"));
        assert!(mariadb_with_returning("11.4.2-MariaDB"));
        assert!(!mariadb_with_returning("10.4.34-MariaDB"));
        assert!(!mariadb_with_returning("8.0.36"));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgresql://u:secret@h:5432/db"),
            "postgresql://u:***@h:5432/db"
        );
        assert_eq!(redact("mysql://root@h/db"), "mysql://root:***@h/db");
    }

    #[test]
    fn env_files_are_read() {
        let text = "# comment\nexport DATABASE_URL=\"file:./dev.db\"\nOTHER=1\n";
        assert_eq!(
            env_file_value(text, "DATABASE_URL").as_deref(),
            Some("file:./dev.db")
        );
        assert_eq!(env_file_value(text, "MISSING"), None);
        // An inline comment is not part of the value (it once named the SQLite file).
        let text = "DATABASE_URL=file:./dev2.db # local sqlite\nQUOTED=\"a # b\"\n";
        assert_eq!(
            env_file_value(text, "DATABASE_URL").as_deref(),
            Some("file:./dev2.db")
        );
        assert_eq!(env_file_value(text, "QUOTED").as_deref(), Some("a # b"));
    }
}
