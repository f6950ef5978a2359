//! Connecting: URLs as Prisma reads them, pool settings, `.env`.

use crate::error::{Error, Result};
use crate::exec::Pool;
use crate::query::RelationLoadStrategy;
use crate::sql::{Dialect, StatementCache};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A connection to a database: a pool, a statement cache and settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: Pool,
    cache: StatementCache,
    strategy: RelationLoadStrategy,
    statements: AtomicU64,
}

/// Options for [`Client::connect_with`].
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Folder that relative SQLite paths (`file:./dev.db`) are resolved against; the current
    /// directory when `None`. Generated clients set it to the schema's folder, as Prisma does.
    pub base_dir: Option<PathBuf>,
    /// The default relation load strategy.
    pub relation_load_strategy: RelationLoadStrategy,
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
    let path = if path.is_absolute() {
        path
    } else {
        match base_dir {
            Some(b) => b.join(path),
            None => path,
        }
    };
    (path, query)
}

fn pool_options<DB: sqlx::Database>(p: &PoolParams) -> sqlx::pool::PoolOptions<DB> {
    // Prisma's default pool size: cores * 2 + 1.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    sqlx::pool::PoolOptions::new()
        .max_connections(p.connection_limit.unwrap_or(cores * 2 + 1))
        .acquire_timeout(p.pool_timeout.unwrap_or(Duration::from_secs(10)))
}

impl Client {
    /// Connects to `url`: `file:`/`sqlite:` (SQLite; the file is created when missing),
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
        let connect_timeout = params.connect_timeout.unwrap_or(Duration::from_secs(5));
        let connecting = async {
            if url.starts_with("file:") || url.starts_with("sqlite:") {
                let (path, query) = sqlite_path(&url, options.base_dir.as_deref());
                let mut opts = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                if let Some(q) = query {
                    for pair in q.split('&') {
                        if let Some(("mode", "ro")) = pair.split_once('=') {
                            opts = opts.read_only(true);
                        }
                    }
                }
                let pool = pool_options(&params)
                    .connect_with(opts)
                    .await
                    .map_err(|e| connect_error(e, &path.display().to_string()))?;
                Ok(Pool::Sqlite(pool))
            } else if url.starts_with("postgresql://") || url.starts_with("postgres://") {
                // UTC sessions: TIMESTAMP <-> TIMESTAMPTZ conversions never shift values.
                let mut opts = sqlx::postgres::PgConnectOptions::from_str(&url)
                    .map_err(|e| Error::Configuration(e.to_string()))?
                    .options([("TimeZone", "UTC")]);
                if let Some(schema) = &params.schema {
                    opts = opts.options([("search_path", schema.as_str())]);
                }
                let pool = pool_options(&params)
                    .connect_with(opts)
                    .await
                    .map_err(|e| connect_error(e, &redact(&url)))?;
                Ok(Pool::Postgres(pool))
            } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
                let url = url.replacen("mariadb://", "mysql://", 1);
                let opts = sqlx::mysql::MySqlConnectOptions::from_str(&url)
                    .map_err(|e| Error::Configuration(e.to_string()))?;
                let pool = pool_options(&params)
                    .connect_with(opts)
                    .await
                    .map_err(|e| connect_error(e, &redact(&url)))?;
                Ok(Pool::Mysql(pool))
            } else {
                Err(Error::Configuration(format!(
                    "unsupported database URL `{}`: expected file:, sqlite:, postgresql://, postgres:// or mysql://",
                    redact(&url)
                )))
            }
        };
        let pool = tokio::time::timeout(connect_timeout, connecting)
            .await
            .map_err(|_| {
                Error::Timeout(format!(
                    "could not connect to {} within {}s (connect_timeout)",
                    redact(&url),
                    connect_timeout.as_secs()
                ))
            })??;
        Ok(Client {
            inner: Arc::new(Inner {
                pool,
                cache: StatementCache::new(),
                strategy: options.relation_load_strategy,
                statements: AtomicU64::new(0),
            }),
        })
    }

    /// The dialect of the connected database.
    pub fn dialect(&self) -> Dialect {
        self.inner.pool.dialect()
    }

    /// The underlying pool, for raw access.
    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    pub(crate) fn cache(&self) -> &StatementCache {
        &self.inner.cache
    }

    /// The default relation load strategy.
    pub fn relation_load_strategy(&self) -> RelationLoadStrategy {
        self.inner.strategy
    }

    /// Number of statements this client has sent (for tests and diagnostics).
    pub fn statements_executed(&self) -> u64 {
        self.inner.statements.load(Ordering::Relaxed)
    }

    pub(crate) fn count_statement(&self) {
        self.inner.statements.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs a statement with bind parameters (`?` on SQLite and MySQL, `$1` on PostgreSQL) and
    /// returns the number of affected rows. Values are always bound, never spliced into SQL.
    pub async fn execute_raw(&self, sql: &str, binds: Vec<crate::Value>) -> Result<u64> {
        let stmt = crate::sql::Statement {
            sql: sql.into(),
            binds,
        };
        self.count_statement();
        self.inner.pool.execute(&stmt, None).await
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match &self.inner.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::Mysql(p) => p.close().await,
        }
    }
}

fn connect_error(e: sqlx::Error, target: &str) -> Error {
    match Error::from_sqlx(e, None) {
        Error::Connection(m) => Error::Connection(format!("{target}: {m}")),
        Error::Timeout(m) => Error::Timeout(format!("{target}: {m}")),
        Error::Database(d) => Error::Connection(format!("{target}: {}", d.message)),
        other => other,
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
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

/// Reads `KEY=value` from `.env` text (quotes removed, `export` allowed, comments skipped).
pub fn env_file_value(text: &str, key: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() != key {
            continue;
        }
        let v = v.trim();
        let unquoted = v
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
            .unwrap_or(v);
        return Some(unquoted.to_string());
    }
    None
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
        let (p, _) = sqlite_path("file:./dev.db", Some(Path::new("/app/prisma")));
        assert_eq!(p, PathBuf::from("/app/prisma/./dev.db"));
        let (p, q) = sqlite_path("file:/tmp/x.db?mode=ro", Some(Path::new("/app")));
        assert_eq!(p, PathBuf::from("/tmp/x.db"));
        assert_eq!(q.as_deref(), Some("mode=ro"));
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
    }
}
