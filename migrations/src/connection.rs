//! A connection to one database of any dialect, for migrations.
//!
//! Owns: turning a Prisma-style URL (`file:./dev.db`, `postgresql://...?schema=x`,
//! `mysql://...`) into a sqlx connection, running scripts and small queries whose results are
//! read as text or integers, creating and dropping whole databases (shadow databases, tests).
//! All SQL is built at runtime; values are always bound, identifiers always quoted.

use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};
use sqlx::{Connection as _, Row as _};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// A value read from a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// Text (and anything decoded as text).
    Text(String),
}

impl Cell {
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn string(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Null => String::new(),
        }
    }

    pub(crate) fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            Cell::Text(s) => s.trim().parse().ok(),
            Cell::Null => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
}

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    /// Text.
    Text(String),
}

/// An open connection.
pub struct Connection {
    inner: Inner,
    url: String,
    /// SQLite: how long a statement waits for another connection's lock before failing with
    /// "database is locked".
    busy_timeout: Duration,
}

/// The SQLite busy timeout when the URL sets no `socket_timeout`.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The busy timeout a SQLite URL asks for with `socket_timeout` (seconds, as in Prisma's
/// SQLite URLs; fractions allowed), else [`SQLITE_BUSY_TIMEOUT`].
fn sqlite_busy_timeout(url: &str) -> Result<Duration> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let Some(value) = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("socket_timeout="))
    else {
        return Ok(SQLITE_BUSY_TIMEOUT);
    };
    value
        .parse::<f64>()
        .ok()
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| MigrateError::InvalidUrl {
            url: redact(url),
            reason: format!("`socket_timeout` must be a number of seconds, not `{value}`"),
        })
}

enum Inner {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("dialect", &self.dialect())
            .field("url", &redact(&self.url))
            .finish()
    }
}

/// The URL with its password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_string();
    };
    let creds = &rest[..at];
    match creds.find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &creds[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// The file a SQLite URL points at (`file:./dev.db`, `sqlite:dev.db`, `sqlite://dev.db`),
/// relative paths resolved against `base`.
pub fn sqlite_path(url: &str, base: &Path) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("file:")
        .or_else(|| url.strip_prefix("sqlite://"))
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let rest = rest.split('?').next().unwrap_or(rest);
    let path = PathBuf::from(rest);
    let path = if path.is_absolute() {
        path
    } else {
        base.join(path)
    };
    // `base/./dev.db` names the same file as `base/dev.db`, which reads better in messages.
    Some(
        path.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect(),
    )
}

/// The file name of a SQLite database, as Prisma's messages name it.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
}

/// Splits `scheme://authority/database?query` into (before the database, database, query).
fn split_database(url: &str) -> Option<(&str, &str, Option<&str>)> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://")? + 3;
    let path_start = base[scheme_end..].find('/').map(|i| scheme_end + i)?;
    Some((&base[..path_start], &base[path_start + 1..], query))
}

/// The database name of a server URL.
pub fn database_name(url: &str) -> Option<String> {
    split_database(url)
        .map(|(_, db, _)| db.to_string())
        .filter(|d| !d.is_empty())
}

/// The same server URL pointing at another database.
pub fn with_database(url: &str, database: &str) -> String {
    match split_database(url) {
        Some((base, _, query)) => match query {
            Some(q) => format!("{base}/{database}?{q}"),
            None => format!("{base}/{database}"),
        },
        None => {
            let (base, query) = match url.split_once('?') {
                Some((b, q)) => (b, Some(q)),
                None => (url, None),
            };
            match query {
                Some(q) => format!("{base}/{database}?{q}"),
                None => format!("{base}/{database}"),
            }
        }
    }
}

/// Removes the query parameters Prisma understands but the drivers do not; returns the
/// PostgreSQL `schema` parameter separately.
fn strip_prisma_params(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut schema = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            match key {
                "schema" => {
                    schema = kv.split_once('=').map(|(_, v)| v.to_string());
                    false
                }
                "connection_limit"
                | "pool_timeout"
                | "connect_timeout"
                | "socket_timeout"
                | "pgbouncer"
                | "statement_cache_size"
                | "sslaccept" => false,
                _ => true,
            }
        })
        .collect();
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, schema)
}

impl Connection {
    /// Connects to `url`. Relative SQLite paths are resolved against `base` (the schema's
    /// folder, as Prisma does); a missing SQLite file is created.
    pub async fn connect(url: &str, base: &Path) -> Result<Connection> {
        let dialect = Dialect::from_url(url).ok_or_else(|| MigrateError::InvalidUrl {
            url: redact(url),
            reason: "it must start with `file:`, `postgresql://` or `mysql://`".to_string(),
        })?;
        let connect_err = |source| MigrateError::Connect {
            url: redact(url),
            source,
        };
        let busy_timeout = match dialect {
            Dialect::Sqlite => sqlite_busy_timeout(url)?,
            Dialect::Postgres | Dialect::Mysql => SQLITE_BUSY_TIMEOUT,
        };
        let inner = match dialect {
            Dialect::Sqlite => {
                let path = sqlite_path(url, base).ok_or_else(|| MigrateError::InvalidUrl {
                    url: url.to_string(),
                    reason: "expected `file:PATH`".to_string(),
                })?;
                if let Some(parent) = path.parent() {
                    if !parent.as_os_str().is_empty() && !parent.exists() {
                        std::fs::create_dir_all(parent).map_err(MigrateError::io(parent))?;
                    }
                }
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .busy_timeout(busy_timeout)
                    .foreign_keys(true);
                Inner::Sqlite(
                    sqlx::SqliteConnection::connect_with(&options)
                        .await
                        .map_err(connect_err)?,
                )
            }
            Dialect::Postgres => {
                let (clean, schema) = strip_prisma_params(url);
                let mut options =
                    sqlx::postgres::PgConnectOptions::from_str(&clean).map_err(|e| {
                        MigrateError::InvalidUrl {
                            url: redact(url),
                            reason: e.to_string(),
                        }
                    })?;
                options = options.options([("client_min_messages", "warning")]);
                if let Some(schema) = &schema {
                    options = options.options([("search_path", schema.as_str())]);
                }
                let mut conn = sqlx::PgConnection::connect_with(&options)
                    .await
                    .map_err(connect_err)?;
                if let Some(schema) = &schema {
                    let sql = format!(
                        "CREATE SCHEMA IF NOT EXISTS {}",
                        Dialect::Postgres.quote(schema)
                    );
                    sqlx::raw_sql(&sql)
                        .execute(&mut conn)
                        .await
                        .map_err(MigrateError::db("Could not create the schema"))?;
                }
                Inner::Postgres(conn)
            }
            Dialect::Mysql => {
                let (clean, _) = strip_prisma_params(url);
                let options = sqlx::mysql::MySqlConnectOptions::from_str(&clean).map_err(|e| {
                    MigrateError::InvalidUrl {
                        url: redact(url),
                        reason: e.to_string(),
                    }
                })?;
                Inner::Mysql(
                    sqlx::MySqlConnection::connect_with(&options)
                        .await
                        .map_err(connect_err)?,
                )
            }
        };
        Ok(Connection {
            inner,
            url: url.to_string(),
            busy_timeout,
        })
    }

    /// Connects to a database that must already exist: nothing is created (no SQLite file or
    /// folder, no server database). A missing one is [`MigrateError::DatabaseNotFound`], with
    /// Prisma's P1003 wording.
    pub async fn connect_existing(url: &str, base: &Path) -> Result<Connection> {
        if Dialect::from_url(url) == Some(Dialect::Sqlite) {
            if let Some(path) = sqlite_path(url, base) {
                if !path.is_file() {
                    return Err(MigrateError::DatabaseNotFound(format!(
                        "Database `{}` does not exist at `{}`.",
                        file_name(&path),
                        path.display()
                    )));
                }
            }
        }
        match Connection::connect(url, base).await {
            Err(MigrateError::Connect { source, .. }) if is_missing_database(&source) => {
                Err(MigrateError::DatabaseNotFound(missing_on_server(url)))
            }
            other => other,
        }
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        match self.inner {
            Inner::Sqlite(_) => Dialect::Sqlite,
            Inner::Postgres(_) => Dialect::Postgres,
            Inner::Mysql(_) => Dialect::Mysql,
        }
    }

    /// The URL this connection was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs a script of one or more statements (no bind parameters).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        match &mut self.inner {
            Inner::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Inner::Postgres(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Inner::Mysql(c) => {
                // MySQL runs a script statement by statement so that an error names the
                // statement; DDL commits implicitly anyway.
                for stmt in split_statements(sql) {
                    sqlx::raw_sql(&stmt).execute(&mut *c).await?;
                }
                Ok(())
            }
        }
    }

    /// Runs one statement with `?` placeholders; returns the affected row count.
    pub(crate) async fn execute(
        &mut self,
        sql: &str,
        params: &[Param],
    ) -> Result<u64, sqlx::Error> {
        match &mut self.inner {
            Inner::Sqlite(c) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = match p {
                        Param::Text(s) => q.bind(s.clone()),
                    };
                }
                q.execute(c).await.map(|r| r.rows_affected())
            }
            Inner::Postgres(c) => {
                let sql = numbered_placeholders(sql);
                let mut q = sqlx::query(&sql);
                for p in params {
                    q = match p {
                        Param::Text(s) => q.bind(s.clone()),
                    };
                }
                q.execute(c).await.map(|r| r.rows_affected())
            }
            Inner::Mysql(c) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = match p {
                        Param::Text(s) => q.bind(s.clone()),
                    };
                }
                q.execute(c).await.map(|r| r.rows_affected())
            }
        }
    }

    /// Runs a query with `?` placeholders; every cell is read as an integer, text or `NULL`.
    pub(crate) async fn query(
        &mut self,
        sql: &str,
        params: &[Param],
    ) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
        match &mut self.inner {
            Inner::Sqlite(c) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = match p {
                        Param::Text(s) => q.bind(s.clone()),
                    };
                }
                let rows = q.fetch_all(c).await?;
                Ok(rows.iter().map(sqlite_cells).collect())
            }
            Inner::Postgres(c) => {
                let sql = numbered_placeholders(sql);
                let mut q = sqlx::query(&sql);
                for p in params {
                    q = match p {
                        Param::Text(s) => q.bind(s.clone()),
                    };
                }
                let rows = q.fetch_all(c).await?;
                Ok(rows.iter().map(pg_cells).collect())
            }
            Inner::Mysql(c) => {
                let mut q = sqlx::query(sql);
                for p in params {
                    q = match p {
                        Param::Text(s) => q.bind(s.clone()),
                    };
                }
                let rows = q.fetch_all(c).await?;
                Ok(rows.iter().map(mysql_cells).collect())
            }
        }
    }

    /// SQLite: whether another connection holds the database's write lock now (a deploy
    /// applying a migration holds it exclusively). Leaves the busy timeout at zero.
    pub async fn sqlite_is_locked(&mut self) -> Result<bool> {
        self.set_sqlite_busy_timeout(Some(Duration::ZERO)).await?;
        match self.execute_script("BEGIN IMMEDIATE").await {
            Ok(()) => {
                self.execute_script("ROLLBACK")
                    .await
                    .map_err(MigrateError::db("Could not end a transaction"))?;
                Ok(false)
            }
            Err(e) if is_sqlite_busy(&e) => Ok(true),
            Err(e) => Err(MigrateError::db("Could not check the database lock")(e)),
        }
    }

    /// SQLite: from now on every statement waits up to `wait` for other connections' locks;
    /// `None` restores the URL's busy timeout.
    pub async fn set_sqlite_busy_timeout(&mut self, wait: Option<Duration>) -> Result<()> {
        let wait = wait.unwrap_or(self.busy_timeout);
        // SQLite takes milliseconds as a 32-bit integer.
        let millis = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
        self.execute_script(&format!("PRAGMA busy_timeout = {millis}"))
            .await
            .map_err(MigrateError::db("Could not set the busy timeout"))
    }

    /// Starts applying a migration: a transaction where the dialect has transactional DDL. On
    /// SQLite, foreign keys are switched off first (they cannot be switched inside a
    /// transaction) and the transaction is exclusive, which serializes concurrent deploys.
    pub async fn begin_migration(&mut self) -> Result<()> {
        let sql = match self.dialect() {
            Dialect::Sqlite => "PRAGMA foreign_keys=OFF; BEGIN EXCLUSIVE",
            Dialect::Postgres => "BEGIN",
            Dialect::Mysql => return Ok(()),
        };
        self.execute_script(sql)
            .await
            .map_err(MigrateError::db("Could not start a transaction"))
    }

    /// Finishes a migration started with [`Connection::begin_migration`]. On SQLite the foreign
    /// keys are checked first: any violation rolls everything back.
    pub async fn commit_migration(&mut self) -> Result<()> {
        match self.dialect() {
            Dialect::Sqlite => {
                let violations = self
                    .query("PRAGMA foreign_key_check", &[])
                    .await
                    .map_err(MigrateError::db("Could not check foreign keys"))?;
                if let Some(v) = violations.first() {
                    self.rollback_migration().await;
                    return Err(MigrateError::Unsupported(format!(
                        "The migration leaves rows in `{}` that reference missing rows in `{}` \
                         ({} violation{} in all); it was rolled back.",
                        v.first().map(Cell::string).unwrap_or_default(),
                        v.get(2).map(Cell::string).unwrap_or_default(),
                        violations.len(),
                        if violations.len() == 1 { "" } else { "s" }
                    )));
                }
                self.execute_script("COMMIT; PRAGMA foreign_keys=ON")
                    .await
                    .map_err(MigrateError::db("Could not commit"))
            }
            Dialect::Postgres => self
                .execute_script("COMMIT")
                .await
                .map_err(MigrateError::db("Could not commit")),
            Dialect::Mysql => Ok(()),
        }
    }

    /// Abandons a migration started with [`Connection::begin_migration`] (best effort).
    pub async fn rollback_migration(&mut self) {
        let sql = match self.dialect() {
            Dialect::Sqlite => "ROLLBACK; PRAGMA foreign_keys=ON",
            Dialect::Postgres => "ROLLBACK",
            Dialect::Mysql => return,
        };
        let _ = self.execute_script(sql).await;
    }

    /// Applies a script in one transaction (where the dialect allows), foreign keys checked at
    /// the end on SQLite.
    pub async fn apply_script(&mut self, script: &str) -> Result<()> {
        self.begin_migration().await?;
        if let Err(e) = self.execute_script(script).await {
            self.rollback_migration().await;
            return Err(MigrateError::Database {
                context: "The script failed".to_string(),
                source: e,
            });
        }
        self.commit_migration().await
    }

    /// Closes the connection.
    pub async fn close(self) {
        let _ = match self.inner {
            Inner::Sqlite(c) => c.close().await,
            Inner::Postgres(c) => c.close().await,
            Inner::Mysql(c) => c.close().await,
        };
    }
}

fn sqlite_cells(row: &sqlx::sqlite::SqliteRow) -> Vec<Cell> {
    (0..row.len())
        .map(|i| {
            if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                return v.map_or(Cell::Null, Cell::Int);
            }
            if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                return v.map_or(Cell::Null, Cell::Text);
            }
            if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                return v.map_or(Cell::Null, |f| Cell::Text(f.to_string()));
            }
            match row.try_get::<Option<Vec<u8>>, _>(i) {
                Ok(Some(b)) => Cell::Text(String::from_utf8_lossy(&b).into_owned()),
                _ => Cell::Null,
            }
        })
        .collect()
}

fn pg_cells(row: &sqlx::postgres::PgRow) -> Vec<Cell> {
    (0..row.len())
        .map(|i| {
            if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                return v.map_or(Cell::Null, Cell::Text);
            }
            if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                return v.map_or(Cell::Null, Cell::Int);
            }
            if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
                return v.map_or(Cell::Null, |x| Cell::Int(i64::from(x)));
            }
            if let Ok(v) = row.try_get::<Option<i16>, _>(i) {
                return v.map_or(Cell::Null, |x| Cell::Int(i64::from(x)));
            }
            if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
                return v.map_or(Cell::Null, |b| Cell::Int(i64::from(b)));
            }
            Cell::Null
        })
        .collect()
}

fn mysql_cells(row: &sqlx::mysql::MySqlRow) -> Vec<Cell> {
    (0..row.len())
        .map(|i| {
            if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                return v.map_or(Cell::Null, Cell::Int);
            }
            if let Ok(v) = row.try_get::<Option<u64>, _>(i) {
                return v.map_or(Cell::Null, |x| Cell::Int(x as i64));
            }
            if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                return v.map_or(Cell::Null, Cell::Text);
            }
            match row.try_get::<Option<Vec<u8>>, _>(i) {
                Ok(Some(b)) => Cell::Text(String::from_utf8_lossy(&b).into_owned()),
                _ => Cell::Null,
            }
        })
        .collect()
}

/// `?` placeholders as PostgreSQL's `$1, $2, ...` (Quarry's own SQL only: no `?` in literals).
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a script into statements at `;` outside quotes and comments.
pub(crate) fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == '\\' && q != '"' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' | '`' => {
                    quote = Some(c);
                    cur.push(c);
                }
                '-' if chars.peek() == Some(&'-') => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                    cur.push('\n');
                }
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    let mut prev = ' ';
                    for n in chars.by_ref() {
                        if prev == '*' && n == '/' {
                            break;
                        }
                        prev = n;
                    }
                }
                ';' => {
                    if !cur.trim().is_empty() {
                        out.push(cur.trim().to_string());
                    }
                    cur.clear();
                }
                _ => cur.push(c),
            },
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Whether connecting failed because the server has no database of that name (PostgreSQL
/// 3D000, MySQL 1049).
fn is_missing_database(e: &sqlx::Error) -> bool {
    let Some(d) = e.as_database_error() else {
        return false;
    };
    if let Some(my) = d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return my.number() == 1049;
    }
    d.code().as_deref() == Some("3D000")
}

/// `host:port` of a server URL (the driver's default port when none is given).
pub fn server_address(url: &str) -> String {
    let default_port = match Dialect::from_url(url) {
        Some(Dialect::Mysql) => 3306,
        _ => 5432,
    };
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        host_port.to_string()
    } else {
        format!("{host_port}:{default_port}")
    }
}

/// Prisma's P1003 message for a server database.
fn missing_on_server(url: &str) -> String {
    format!(
        "Database `{}` does not exist on the database server at `{}`.",
        database_name(url).unwrap_or_default(),
        server_address(url)
    )
}

/// Creates a database named `name` on the server `url` points at (PostgreSQL, MySQL).
pub async fn create_database(url: &str, name: &str) -> Result<()> {
    let dialect = Dialect::from_url(url).unwrap_or(Dialect::Postgres);
    let mut conn = connect_admin(url).await?;
    let sql = format!("CREATE DATABASE {}", dialect.quote(name));
    conn.execute_script(&sql)
        .await
        .map_err(MigrateError::db(format!(
            "Could not create the database `{name}`"
        )))?;
    conn.close().await;
    Ok(())
}

/// Drops the database named `name` on the server `url` points at, if it exists.
pub async fn drop_database(url: &str, name: &str) -> Result<()> {
    let dialect = Dialect::from_url(url).unwrap_or(Dialect::Postgres);
    let mut conn = connect_admin(url).await?;
    let sql = match dialect {
        Dialect::Postgres => format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            dialect.quote(name)
        ),
        _ => format!("DROP DATABASE IF EXISTS {}", dialect.quote(name)),
    };
    conn.execute_script(&sql)
        .await
        .map_err(MigrateError::db(format!(
            "Could not drop the database `{name}`"
        )))?;
    conn.close().await;
    Ok(())
}

/// A connection to the server's maintenance database (`postgres`), or to the server without a
/// database (MySQL), for creating and dropping databases.
async fn connect_admin(url: &str) -> Result<Connection> {
    let dialect = Dialect::from_url(url).unwrap_or(Dialect::Postgres);
    let admin = match dialect {
        Dialect::Postgres => with_database(url, "postgres"),
        _ => match split_database(url) {
            Some((base, _, Some(q))) => format!("{base}/?{q}"),
            Some((base, _, None)) => base.to_string(),
            None => url.to_string(),
        },
    };
    match Connection::connect(&admin, Path::new(".")).await {
        Ok(c) => Ok(c),
        // Some servers do not let the user into `postgres`: use the URL's own database.
        Err(_) => Connection::connect(url, Path::new(".")).await,
    }
}

/// Whether a SQLite error says another connection holds a lock (`SQLITE_BUSY`, extended codes
/// included).
fn is_sqlite_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_busy_timeout_comes_from_socket_timeout() {
        assert_eq!(
            sqlite_busy_timeout("file:./dev.db").ok(),
            Some(SQLITE_BUSY_TIMEOUT)
        );
        assert_eq!(
            sqlite_busy_timeout("file:./dev.db?connection_limit=1&socket_timeout=0.25").ok(),
            Some(Duration::from_millis(250))
        );
        for bad in ["-1", "NaN", "inf", "1e300", "ten", ""] {
            let url = format!("file:./dev.db?socket_timeout={bad}");
            let err = sqlite_busy_timeout(&url).map(|_| ()).unwrap_err();
            assert!(err.to_string().contains("socket_timeout"), "{bad}: {err}");
        }
    }

    #[test]
    fn reads_and_rewrites_urls() {
        assert_eq!(
            redact("postgresql://u:secret@h:5432/db"),
            "postgresql://u:***@h:5432/db"
        );
        assert_eq!(redact("file:./dev.db"), "file:./dev.db");
        assert_eq!(
            sqlite_path("file:./dev.db", Path::new("/app/prisma")),
            Some(PathBuf::from("/app/prisma/./dev.db"))
        );
        assert_eq!(
            sqlite_path("file:/tmp/x.db", Path::new("/app")),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(
            with_database("mysql://root@h:3306/test?ssl-mode=disabled", "shadow"),
            "mysql://root@h:3306/shadow?ssl-mode=disabled"
        );
        assert_eq!(
            database_name("postgresql://u@h/db?schema=x").as_deref(),
            Some("db")
        );
        assert_eq!(
            strip_prisma_params("postgresql://u@h/db?schema=app&connection_limit=5"),
            ("postgresql://u@h/db".to_string(), Some("app".to_string()))
        );
    }

    #[test]
    fn splits_scripts_into_statements() {
        let s = split_statements(
            "-- CreateTable\nCREATE TABLE `a` (`x` VARCHAR(191) DEFAULT 'a;b');\n\n/* c; */ DROP TABLE `b`;\n",
        );
        assert_eq!(
            s,
            vec![
                "CREATE TABLE `a` (`x` VARCHAR(191) DEFAULT 'a;b')".to_string(),
                "DROP TABLE `b`".to_string()
            ]
        );
        assert_eq!(
            numbered_placeholders("a = ? AND b = ?"),
            "a = $1 AND b = $2"
        );
    }
}
