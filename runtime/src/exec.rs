//! Running compiled statements: PostgreSQL and MySQL on sqlx, SQLite on its own executor
//! ([`crate::sqlite`]).
//!
//! Owns: the only code that touches drivers: binding [`Value`]s and decoding rows into
//! [`Value`]s by each column's actual database type, then into the kind the model expects.
//! The query compiler never sees a driver.

use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ScalarKind};
use crate::pool::{ConnPool, Pooled};
use crate::sql::{Dialect, Statement};
use crate::value::Value;
use crate::Decimal;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use sqlx::{Row, TypeInfo, ValueRef};
use std::sync::Arc;

/// A connection pool for one of the supported databases ([`ConnPool`]).
#[derive(Debug, Clone)]
pub enum Pool {
    /// SQLite.
    Sqlite(Arc<ConnPool<crate::sqlite::SqliteConn>>),
    /// PostgreSQL.
    Postgres(Arc<ConnPool<sqlx::PgConnection>>),
    /// MySQL / MariaDB.
    Mysql(Arc<ConnPool<sqlx::MySqlConnection>>),
}

impl Pool {
    /// The dialect of the pool's database.
    pub fn dialect(&self) -> Dialect {
        match self {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
            Pool::Mysql(_) => Dialect::Mysql,
        }
    }
}

/// What each output column decodes to: a model field, or a bare kind (aggregates, keys).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ColumnSpec {
    Field(&'static FieldMeta),
    Kind(ScalarKind),
    /// Raw queries: whatever the database type is, unconverted.
    Raw,
}

impl ColumnSpec {
    pub(crate) fn kind(self) -> ScalarKind {
        match self {
            ColumnSpec::Field(f) => f.kind,
            ColumnSpec::Kind(k) => k,
            ColumnSpec::Raw => ScalarKind::String,
        }
    }
}

/// The start time of a statement, read only when its `quarry::query` event will be recorded:
/// with no subscriber listening, logging a query costs nothing, not even a clock read.
fn query_clock() -> Option<std::time::Instant> {
    tracing::enabled!(target: "quarry::query", tracing::Level::DEBUG).then(std::time::Instant::now)
}

/// Runs `work` inside a `quarry.query` span when a subscriber wants it. Nothing is built
/// otherwise: making a span costs even when nobody listens (with tracing's `log` feature, which
/// sqlx turns on, every span also asks the `log` crate).
async fn in_query_span<T>(
    model: Option<&'static str>,
    sql: &str,
    work: impl std::future::Future<Output = T>,
) -> T {
    use tracing::Instrument;
    if tracing::enabled!(tracing::Level::DEBUG) {
        work.instrument(tracing::debug_span!("quarry.query", model, sql = %sql))
            .await
    } else {
        work.await
    }
}

fn timed<T>(
    stmt: &Statement,
    rows: impl Fn(&T) -> usize,
    started: Option<std::time::Instant>,
    result: &Result<T>,
) {
    let Some(started) = started else {
        return;
    };
    let elapsed = started.elapsed();
    let sql = stmt.sql.as_ref();
    // Bound values can be personal data: they are logged only when the subscriber asks for
    // TRACE on `quarry::query` (Prisma's query event always carries them).
    let params = tracing::enabled!(target: "quarry::query", tracing::Level::TRACE)
        .then(|| format!("{:?}", stmt.binds));
    let params = params.as_deref();
    match result {
        Ok(r) => tracing::debug!(
            target: "quarry::query",
            sql,
            params,
            rows = rows(r),
            duration_us = elapsed.as_micros() as u64,
            "query"
        ),
        Err(e) => tracing::debug!(
            target: "quarry::query",
            sql,
            params,
            error = %e,
            duration_us = elapsed.as_micros() as u64,
            "query failed"
        ),
    }
}

/// A pooled connection of one of the supported databases.
#[derive(Debug)]
pub(crate) enum Conn {
    Sqlite(Pooled<crate::sqlite::SqliteConn>),
    Postgres(Pooled<sqlx::PgConnection>),
    Mysql(Pooled<sqlx::MySqlConnection>),
}

impl Conn {
    /// Closes the connection instead of returning it to the pool: the server then rolls back
    /// whatever transaction was open on it.
    pub(crate) fn close_on_drop(self) {
        match self {
            Conn::Sqlite(c) => c.discard(),
            Conn::Postgres(c) => c.discard(),
            Conn::Mysql(c) => c.discard(),
        }
    }

    /// The connection came from the idle list rather than being opened for this use.
    pub(crate) fn reused(&self) -> bool {
        match self {
            Conn::Sqlite(c) => c.reused(),
            Conn::Postgres(c) => c.reused(),
            Conn::Mysql(c) => c.reused(),
        }
    }

    fn set_in_flight(&mut self, in_flight: bool) {
        match self {
            Conn::Sqlite(c) => c.set_in_flight(in_flight),
            Conn::Postgres(c) => c.set_in_flight(in_flight),
            Conn::Mysql(c) => c.set_in_flight(in_flight),
        }
    }
}

/// Stops the statement running on one connection, from outside it: what a transaction that
/// timed out needs before it can roll back.
#[derive(Debug, Clone)]
pub(crate) enum Canceller {
    /// The backend's process id, for `pg_cancel_backend` (a cancel request) from another
    /// connection.
    Postgres(i32),
    /// The connection id, for `KILL QUERY` from another connection.
    Mysql(u64),
    /// The connection's handle, for `sqlite3_interrupt`.
    Sqlite(SqliteInterrupt),
}

/// Interrupts a SQLite connection's statement from any thread.
#[derive(Clone)]
pub(crate) struct SqliteInterrupt(Arc<rusqlite::InterruptHandle>);

impl std::fmt::Debug for SqliteInterrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteInterrupt")
    }
}

impl Conn {
    /// How to stop this connection's statements later.
    pub(crate) async fn canceller(&mut self) -> Result<Canceller> {
        let err = |e| Error::from_sqlx(e, None);
        Ok(match self {
            Conn::Postgres(c) => Canceller::Postgres(
                sqlx::query_scalar("SELECT pg_backend_pid()")
                    .fetch_one(&mut **c)
                    .await
                    .map_err(err)?,
            ),
            Conn::Mysql(c) => Canceller::Mysql(
                sqlx::query_scalar("SELECT CONNECTION_ID()")
                    .fetch_one(&mut **c)
                    .await
                    .map_err(err)?,
            ),
            Conn::Sqlite(c) => Canceller::Sqlite(SqliteInterrupt(c.interrupter())),
        })
    }
}

/// Runs `query` on another connection of `pool`.
async fn run_elsewhere<'q, C, DB>(
    pool: &Arc<ConnPool<C>>,
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
) -> Result<()>
where
    C: sqlx::Connection<Database = DB> + crate::pool::Connect,
    DB: sqlx::Database,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = DB>,
    <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
{
    let mut conn = pool.acquire().await?;
    query
        .execute(&mut *conn)
        .await
        .map(drop)
        .map_err(|e| Error::from_sqlx(e, None))
}

impl Canceller {
    /// Cancels whatever statement the connection runs now; best effort (the statement may
    /// have finished meanwhile), so failures are only logged.
    pub(crate) async fn cancel(&self, pool: &Pool) {
        let result = match (self, pool) {
            (Canceller::Postgres(pid), Pool::Postgres(p)) => {
                run_elsewhere(p, sqlx::query("SELECT pg_cancel_backend($1)").bind(pid)).await
            }
            (Canceller::Mysql(id), Pool::Mysql(p)) => {
                run_elsewhere(p, sqlx::query("KILL QUERY ?").bind(id)).await
            }
            (Canceller::Sqlite(handle), _) => {
                handle.0.interrupt();
                return;
            }
            _ => return,
        };
        if let Err(e) = result {
            tracing::warn!(target: "quarry::query", error = %e, "could not cancel the statement of a timed-out transaction");
        }
    }
}

impl Pool {
    /// Takes a connection out of the pool (for a transaction).
    pub(crate) async fn acquire(&self) -> Result<Conn> {
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
            Pool::Mysql(p) => Conn::Mysql(p.acquire().await?),
        })
    }

    /// A newly opened connection, after closing the idle ones: one of them was found dead,
    /// and the others most likely died with it (a server restart).
    pub(crate) async fn acquire_new(&self) -> Result<Conn> {
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire_new().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire_new().await?),
            Pool::Mysql(p) => Conn::Mysql(p.acquire_new().await?),
        })
    }

    /// Closes the idle connections and refuses new acquisitions.
    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::Mysql(p) => p.close().await,
        }
    }
}

/// Where a statement runs: on the pool, or on the connection of a transaction.
pub(crate) enum Target<'a> {
    Pool(&'a Pool),
    Conn(&'a mut Conn),
}

/// Runs `$run` on the target's connection (taken from the pool for this statement when the
/// target is the pool), marking the statement in flight until it has run to its end.
macro_rules! on_target {
    ($target:expr, $run:ident, $($arg:expr),*) => {{
        let mut held;
        let conn: &mut Conn = match $target {
            Target::Pool(pool) => {
                held = pool.acquire().await?;
                &mut held
            }
            Target::Conn(c) => c,
        };
        conn.set_in_flight(true);
        let result = match &mut *conn {
            Conn::Sqlite(c) => $run!(&mut **c, bind_sqlite, sqlite $(, $arg)*),
            Conn::Postgres(c) => $run!(&mut **c, bind_postgres, postgres $(, $arg)*),
            Conn::Mysql(c) => $run!(&mut **c, bind_mysql, mysql $(, $arg)*),
        };
        conn.set_in_flight(false);
        result
    }};
}

macro_rules! fetch_rows {
    ($exec:expr, bind_sqlite, sqlite, $stmt:expr, $columns:expr, $model:expr) => {
        $exec
            .run(
                &$stmt,
                crate::sqlite::Decoded::new($columns, $model),
                Some($model),
            )
            .await
    };
    ($exec:expr, $bind:ident, $db:ident, $stmt:expr, $columns:expr, $model:expr) => {{
        let rows = bind_all(new_query(&$stmt), &$stmt.binds, $bind)
            .fetch_all($exec)
            .await
            .map_err(|e| Error::from_sqlx(e, Some($model)))?;
        decode_rows!($db, rows, $columns, $model)
    }};
}

macro_rules! decode_rows {
    (postgres, $rows:expr, $columns:expr, $model:expr) => {
        decode_postgres_rows(&$rows, $columns, $model)
    };
    (mysql, $rows:expr, $columns:expr, $model:expr) => {
        $rows
            .iter()
            .map(|r| decode_row(r, $columns, decode_mysql, $model))
            .collect()
    };
}

macro_rules! execute_statement {
    ($exec:expr, bind_sqlite, sqlite, $stmt:expr, $model:expr) => {
        $exec.run(&$stmt, crate::sqlite::Changes, $model).await
    };
    ($exec:expr, $bind:ident, $db:ident, $stmt:expr, $model:expr) => {
        bind_all(new_query(&$stmt), &$stmt.binds, $bind)
            .execute($exec)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| Error::from_sqlx(e, $model))
    };
}

macro_rules! fetch_raw_rows {
    ($exec:expr, bind_sqlite, sqlite, $stmt:expr) => {
        $exec
            .run(&$stmt, crate::sqlite::RawRows::default(), None)
            .await
    };
    ($exec:expr, $bind:ident, $db:ident, $stmt:expr) => {{
        use sqlx::Column as _;
        let rows = bind_all(new_query(&$stmt), &$stmt.binds, $bind)
            .fetch_all($exec)
            .await
            .map_err(|e| Error::from_sqlx(e, None))?;
        let names: Vec<String> = rows
            .first()
            .map(|r| r.columns().iter().map(|c| c.name().to_string()).collect())
            .unwrap_or_default();
        let specs = vec![ColumnSpec::Raw; names.len()];
        let decoded: Result<Vec<Vec<Value>>> = decode_rows!($db, rows, &specs, "(raw query)");
        let decoded = decoded?;
        Ok(decoded
            .into_iter()
            .map(|values| {
                names
                    .iter()
                    .cloned()
                    .zip(values.iter().map(value_to_json))
                    .collect::<serde_json::Map<String, serde_json::Value>>()
            })
            .collect())
    }};
}

/// PostgreSQL rows left undecoded; `None` on the other databases.
macro_rules! fetch_pg_rows {
    ($exec:expr, bind_postgres, postgres, $stmt:expr, $model:expr) => {
        bind_all(new_query(&$stmt), &$stmt.binds, bind_postgres)
            .fetch_all($exec)
            .await
            .map(Some)
            .map_err(|e| Error::from_sqlx(e, Some($model)))
    };
    ($exec:expr, $bind:ident, $db:ident, $stmt:expr, $model:expr) => {{
        let _ = $exec;
        Ok(None)
    }};
}

/// SQLite rows built straight into records; `None` on the other databases.
macro_rules! fetch_sqlite_typed {
    ($exec:expr, bind_sqlite, sqlite, $stmt:expr, $model:expr, $sink:expr) => {
        $exec.run(&$stmt, $sink, Some($model)).await
    };
    ($exec:expr, $bind:ident, $db:ident, $stmt:expr, $model:expr, $sink:expr) => {{
        let _ = $exec;
        Ok(None)
    }};
}

impl Target<'_> {
    /// Runs a query on SQLite and builds each row straight into an `R`; `None` on other
    /// databases, or when `R` cannot be built that way.
    pub(crate) async fn fetch_sqlite_typed<R: crate::FromRecord + Send + 'static>(
        self,
        stmt: &Statement,
        model: &'static str,
    ) -> Result<Option<Vec<R>>> {
        let started = query_clock();
        let result: Result<Option<Vec<R>>> = in_query_span(Some(model), &stmt.sql, async {
            on_target!(
                self,
                fetch_sqlite_typed,
                stmt,
                model,
                crate::sqlite::Typed::<R>::new()
            )
        })
        .await;
        timed(
            stmt,
            |r: &Option<Vec<R>>| r.as_ref().map_or(0, Vec::len),
            started,
            &result,
        );
        result
    }

    /// Runs a query on PostgreSQL and returns its rows undecoded; `None` on other databases
    /// (which the caller rules out before taking a connection).
    pub(crate) async fn fetch_pg_rows(
        self,
        stmt: &Statement,
        model: &'static str,
    ) -> Result<Option<Vec<sqlx::postgres::PgRow>>> {
        let started = query_clock();
        let result: Result<Option<Vec<sqlx::postgres::PgRow>>> =
            in_query_span(Some(model), &stmt.sql, async {
                on_target!(self, fetch_pg_rows, stmt, model)
            })
            .await;
        timed(
            stmt,
            |r: &Option<Vec<sqlx::postgres::PgRow>>| r.as_ref().map_or(0, Vec::len),
            started,
            &result,
        );
        result
    }

    /// Runs a raw query; rows as JSON objects keyed by column name.
    pub(crate) async fn fetch_raw(
        self,
        stmt: &Statement,
    ) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        in_query_span(None, &stmt.sql, async {
            on_target!(self, fetch_raw_rows, stmt)
        })
        .await
    }

    /// Runs a query and decodes every row.
    pub(crate) async fn fetch(
        self,
        stmt: &Statement,
        columns: &[ColumnSpec],
        model: &'static str,
    ) -> Result<Vec<Vec<Value>>> {
        let started = query_clock();
        let result: Result<Vec<Vec<Value>>> = in_query_span(Some(model), &stmt.sql, async {
            on_target!(self, fetch_rows, stmt, columns, model)
        })
        .await;
        timed(stmt, |r: &Vec<Vec<Value>>| r.len(), started, &result);
        result
    }

    /// Runs a statement and returns the number of affected rows.
    pub(crate) async fn execute(
        self,
        stmt: &Statement,
        model: Option<&'static str>,
    ) -> Result<u64> {
        let started = query_clock();
        let result: Result<u64> = in_query_span(model, &stmt.sql, async {
            on_target!(self, execute_statement, stmt, model)
        })
        .await;
        timed(stmt, |n: &u64| *n as usize, started, &result);
        result
    }
}

/// A query of `stmt` on database `DB`. A statement with an untyped NULL (raw SQL) is not kept
/// prepared: PostgreSQL would infer that parameter's type from the NULL's context and expect it
/// of every later value, whatever type those are bound with.
fn new_query<'q, DB: sqlx::Database + sqlx::database::HasStatementCache>(
    stmt: &'q Statement,
) -> DbQuery<'q, DB> {
    let untyped_null = stmt.binds.iter().any(|v| matches!(v, Value::Null));
    sqlx::query(&stmt.sql).persistent(!untyped_null)
}

/// A query on database `DB` with its arguments.
type DbQuery<'q, DB> = sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>;

fn bind_all<'q, DB: sqlx::Database>(
    mut q: DbQuery<'q, DB>,
    binds: &'q [Value],
    bind: fn(DbQuery<'q, DB>, &'q Value) -> DbQuery<'q, DB>,
) -> DbQuery<'q, DB> {
    for v in binds {
        q = bind(q, v);
    }
    q
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;
type MySqlQuery<'q> = sqlx::query::Query<'q, sqlx::MySql, sqlx::mysql::MySqlArguments>;

/// A list as the JSON array that `json_each` (SQLite) or `JSON_TABLE` (MySQL) reads back
/// into the values the database compares: each element as its own bind would be, bytes as hex
/// (the SQL unhexes them), DateTimes as `datetime` formats them.
pub(crate) fn json_list(
    items: &[Value],
    datetime: impl Fn(&Value) -> Option<serde_json::Value>,
) -> String {
    let element = |v: &Value| match v {
        Value::Bytes(b) => b
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
            .into(),
        Value::Bool(b) => i64::from(*b).into(),
        other => datetime(other).unwrap_or_else(|| value_to_json(other)),
    };
    serde_json::Value::from(items.iter().map(element).collect::<Vec<_>>()).to_string()
}

/// A NULL whose type the server infers from context (parameter type OID 0), so that one NULL
/// fits a column of any type. It has no payload, so the wire format does not matter.
struct UntypedNull;

impl sqlx::Type<sqlx::Postgres> for UntypedNull {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        sqlx::postgres::PgTypeInfo::with_oid(sqlx::postgres::types::Oid(0))
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for UntypedNull {
    fn encode_by_ref(
        &self,
        _buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        Ok(sqlx::encode::IsNull::Yes)
    }
}

fn bind_postgres<'q>(q: PgQuery<'q>, v: &'q Value) -> PgQuery<'q> {
    match v {
        Value::Null => q.bind(UntypedNull),
        // The type each kind's values are bound with below.
        Value::NullOf(kind) => match kind {
            ScalarKind::Boolean => q.bind(None::<bool>),
            ScalarKind::Int => q.bind(None::<i32>),
            ScalarKind::BigInt => q.bind(None::<i64>),
            ScalarKind::Float => q.bind(None::<f64>),
            ScalarKind::Decimal => q.bind(None::<Decimal>),
            ScalarKind::String | ScalarKind::Enum => q.bind(None::<&str>),
            ScalarKind::Bytes => q.bind(None::<&[u8]>),
            ScalarKind::Json => q.bind(None::<sqlx::types::Json<&serde_json::Value>>),
            ScalarKind::DateTime => q.bind(None::<NaiveDateTime>),
        },
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::BigInt(i) => q.bind(*i),
        Value::Float(f) => q.bind(*f),
        Value::Decimal(d) => q.bind(d),
        Value::String(s) | Value::Enum(s) => q.bind(s.as_str()),
        Value::Bytes(b) => q.bind(b.as_slice()),
        Value::Json(j) => q.bind(sqlx::types::Json(j.as_ref())),
        // TIMESTAMP(3) is Prisma's default: bind a naive UTC time so that no session time
        // zone shifts it. TIMESTAMPTZ columns accept it as UTC as well.
        Value::DateTime(d) => q.bind(d.naive_utc()),
        Value::List(items) => bind_pg_list(q, items),
    }
}

fn bind_pg_list<'q>(q: PgQuery<'q>, items: &'q [Value]) -> PgQuery<'q> {
    // An array binds as one typed parameter: the elements of the first element's kind.
    macro_rules! elements {
        ($variant:ident, $convert:expr) => {
            items
                .iter()
                .filter_map(|v| match v {
                    Value::$variant(x) => Some($convert(x)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
    }
    match items.first() {
        Some(Value::Int(_)) => q.bind(elements!(Int, |x: &i32| *x)),
        Some(Value::BigInt(_)) => q.bind(elements!(BigInt, |x: &i64| *x)),
        Some(Value::Float(_)) => q.bind(elements!(Float, |x: &f64| *x)),
        Some(Value::Bool(_)) => q.bind(elements!(Bool, |x: &bool| *x)),
        Some(Value::Decimal(_)) => q.bind(elements!(Decimal, |x: &Decimal| x.clone())),
        Some(Value::DateTime(_)) => q.bind(elements!(DateTime, |x: &DateTime<Utc>| x.naive_utc())),
        Some(Value::Bytes(_)) => q.bind(elements!(Bytes, |x: &Vec<u8>| x.clone())),
        Some(Value::Json(_)) => q.bind(elements!(Json, |x: &serde_json::Value| {
            sqlx::types::Json(x.clone())
        })),
        _ => q.bind(
            items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) | Value::Enum(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
    }
}

fn bind_mysql<'q>(q: MySqlQuery<'q>, v: &'q Value) -> MySqlQuery<'q> {
    match v {
        Value::Null | Value::NullOf(_) => q.bind(None::<String>),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::BigInt(i) => q.bind(*i),
        Value::Float(f) => q.bind(*f),
        // As text: MySQL converts it to the column's DECIMAL exactly.
        Value::Decimal(d) => q.bind(d.to_plain_string()),
        Value::String(s) | Value::Enum(s) => q.bind(s.as_str()),
        Value::Bytes(b) => q.bind(b.as_slice()),
        Value::Json(j) => q.bind(j.to_string()),
        Value::DateTime(d) => q.bind(d.naive_utc()),
        Value::List(items) => q.bind(json_list(items, |v| match v {
            Value::DateTime(d) => Some(d.format("%Y-%m-%d %H:%M:%S%.6f").to_string().into()),
            _ => None,
        })),
    }
}

pub(crate) fn value_to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null | Value::NullOf(_) => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::BigInt(i) => (*i).into(),
        Value::Float(f) => (*f).into(),
        Value::Decimal(d) => d.to_plain_string().into(),
        Value::String(s) | Value::Enum(s) => s.clone().into(),
        Value::Bytes(b) => b.iter().map(|x| serde_json::Value::from(*x)).collect(),
        Value::Json(j) => j.as_ref().clone(),
        Value::DateTime(d) => d.to_rfc3339().into(),
        Value::List(items) => items.iter().map(value_to_json).collect(),
    }
}

fn decode_row<R: Row>(
    row: &R,
    columns: &[ColumnSpec],
    decode: fn(&R, usize, ColumnSpec) -> std::result::Result<Value, String>,
    model: &'static str,
) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(columns.len());
    for (i, spec) in columns.iter().enumerate() {
        let v = decode(row, i, *spec).map_err(|message| decode_error(model, *spec, message))?;
        out.push(v);
    }
    Ok(out)
}

/// A value of column `spec` of `model` that could not be read.
pub(crate) fn decode_error(model: &'static str, spec: ColumnSpec, message: String) -> Error {
    Error::Decode {
        model,
        field: match spec {
            ColumnSpec::Field(f) => f.name,
            ColumnSpec::Kind(_) | ColumnSpec::Raw => "(computed)",
        },
        message,
    }
}

/// How a PostgreSQL column is read. The type is the same in every row, so it is looked up
/// once per statement; common types decode straight from the raw value.
#[derive(Debug, Clone, Copy)]
enum PgColumn {
    Bool,
    Int2,
    Int4,
    Int8,
    Float8,
    Text,
    /// `TIMESTAMP`, `TIMESTAMPTZ`, `DATE`, `TIME`: decoded from the wire format by hand.
    Temporal(&'static str),
    /// Everything else goes through [`decode_postgres`].
    Other,
}

impl PgColumn {
    fn of(type_name: &str) -> PgColumn {
        match type_name {
            "BOOL" => PgColumn::Bool,
            "INT2" => PgColumn::Int2,
            "INT4" => PgColumn::Int4,
            "INT8" => PgColumn::Int8,
            "FLOAT8" => PgColumn::Float8,
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => PgColumn::Text,
            "TIMESTAMP" => PgColumn::Temporal("TIMESTAMP"),
            "TIMESTAMPTZ" => PgColumn::Temporal("TIMESTAMPTZ"),
            _ => PgColumn::Other,
        }
    }

    /// Enum labels travel as text in both wire formats.
    fn for_spec(type_name: &str, spec: Option<&ColumnSpec>) -> PgColumn {
        match (PgColumn::of(type_name), spec) {
            // An enum's label is text; an enum list is an array (the general decoder's).
            (PgColumn::Other, Some(s))
                if s.kind() == ScalarKind::Enum && !matches!(s, ColumnSpec::Field(f) if f.list) =>
            {
                PgColumn::Text
            }
            (kind, _) => kind,
        }
    }
}

pub(crate) fn decode_postgres_rows(
    rows: &[sqlx::postgres::PgRow],
    columns: &[ColumnSpec],
    model: &'static str,
) -> Result<Vec<Vec<Value>>> {
    use sqlx::Column as _;
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let kinds: Vec<PgColumn> = first
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| PgColumn::for_spec(c.type_info().name(), columns.get(i)))
        .collect();
    // Whether a fast column's value is already what the field wants (decided once per column).
    let exact: Vec<bool> = kinds
        .iter()
        .zip(columns)
        .map(|(k, spec)| {
            let scalar = matches!(spec, ColumnSpec::Field(f) if !f.list)
                || matches!(spec, ColumnSpec::Kind(_));
            scalar
                && matches!(
                    (k, spec.kind()),
                    (PgColumn::Bool, ScalarKind::Boolean)
                        | (PgColumn::Int2 | PgColumn::Int4, ScalarKind::Int)
                        | (PgColumn::Int8, ScalarKind::BigInt)
                        | (PgColumn::Float8, ScalarKind::Float)
                        | (PgColumn::Text, ScalarKind::String)
                        | (PgColumn::Temporal(_), ScalarKind::DateTime)
                )
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut out = Vec::with_capacity(columns.len());
            for (i, spec) in columns.iter().enumerate() {
                let v = match kinds.get(i).copied().unwrap_or(PgColumn::Other) {
                    PgColumn::Other => decode_postgres(row, i, *spec),
                    kind if exact[i] => decode_postgres_fast(row, i, kind),
                    kind => decode_postgres_fast(row, i, kind).and_then(|v| coerce(v, *spec)),
                }
                .map_err(|message| Error::Decode {
                    model,
                    field: match spec {
                        ColumnSpec::Field(f) => f.name,
                        ColumnSpec::Kind(_) | ColumnSpec::Raw => "(computed)",
                    },
                    message,
                })?;
                out.push(v);
            }
            Ok(out)
        })
        .collect()
}

fn decode_postgres_fast(
    row: &sqlx::postgres::PgRow,
    i: usize,
    kind: PgColumn,
) -> std::result::Result<Value, String> {
    use sqlx::Decode;
    let raw = row.try_get_raw(i).map_err(err)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let e = |e: sqlx::error::BoxDynError| e.to_string();
    Ok(match kind {
        PgColumn::Bool => Value::Bool(<bool as Decode<sqlx::Postgres>>::decode(raw).map_err(e)?),
        PgColumn::Int2 => Value::Int(i32::from(
            <i16 as Decode<sqlx::Postgres>>::decode(raw).map_err(e)?,
        )),
        PgColumn::Int4 => Value::Int(<i32 as Decode<sqlx::Postgres>>::decode(raw).map_err(e)?),
        PgColumn::Int8 => Value::BigInt(<i64 as Decode<sqlx::Postgres>>::decode(raw).map_err(e)?),
        PgColumn::Float8 => Value::Float(<f64 as Decode<sqlx::Postgres>>::decode(raw).map_err(e)?),
        PgColumn::Text => {
            Value::String(<String as Decode<sqlx::Postgres>>::decode(raw).map_err(e)?)
        }
        PgColumn::Temporal(ty) if raw.format() == sqlx::postgres::PgValueFormat::Binary => {
            Value::DateTime(pg_datetime(ty, raw.as_bytes().map_err(e)?)?)
        }
        PgColumn::Temporal(_) | PgColumn::Other => {
            return decode_postgres(row, i, ColumnSpec::Kind(ScalarKind::DateTime))
        }
    })
}

fn err(e: sqlx::Error) -> String {
    e.to_string()
}

/// A `COUNT(*)` column of a PostgreSQL row.
pub(crate) fn decode_postgres_count(
    row: &sqlx::postgres::PgRow,
    i: usize,
) -> std::result::Result<i64, String> {
    match decode_postgres(row, i, ColumnSpec::Kind(ScalarKind::BigInt))? {
        Value::BigInt(n) => Ok(n),
        Value::Int(n) => Ok(i64::from(n)),
        _ => Ok(0),
    }
}

/// One PostgreSQL cell decoded for `field` (the general path of [`crate::direct`]).
pub(crate) fn decode_postgres_cell(
    row: &sqlx::postgres::PgRow,
    i: usize,
    field: &'static FieldMeta,
) -> std::result::Result<Value, String> {
    let spec = ColumnSpec::Field(field);
    let kind = {
        let raw = row.try_get_raw(i).map_err(err)?;
        let type_info = raw.type_info();
        PgColumn::for_spec(type_info.name(), Some(&spec))
    };
    match kind {
        PgColumn::Other => decode_postgres(row, i, spec),
        fast => decode_postgres_fast(row, i, fast).and_then(|v| coerce(v, spec)),
    }
}

/// A PostgreSQL array of a scalar sqlx decodes itself, as a `Value::List`.
fn pg_list<T>(
    row: &sqlx::postgres::PgRow,
    i: usize,
    wrap: fn(T) -> Value,
) -> std::result::Result<Value, String>
where
    Vec<T>: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    Ok(Value::List(
        row.try_get::<Vec<T>, _>(i)
            .map_err(err)?
            .into_iter()
            .map(wrap)
            .collect(),
    ))
}

fn decode_postgres(
    row: &sqlx::postgres::PgRow,
    i: usize,
    spec: ColumnSpec,
) -> std::result::Result<Value, String> {
    let raw = row.try_get_raw(i).map_err(err)?;
    if raw.is_null() {
        // Through `coerce`: a NULL scalar list reads as `[]`.
        return coerce(Value::Null, spec);
    }
    let type_info = raw.type_info();
    let ty: &str = type_info.name();
    let v = match ty {
        "BOOL" => Value::Bool(row.try_get(i).map_err(err)?),
        "INT2" => Value::Int(i32::from(row.try_get::<i16, _>(i).map_err(err)?)),
        "INT4" => Value::Int(row.try_get(i).map_err(err)?),
        "INT8" => Value::BigInt(row.try_get(i).map_err(err)?),
        "OID" => Value::BigInt(i64::from(
            row.try_get::<sqlx::postgres::types::Oid, _>(i)
                .map_err(err)?
                .0,
        )),
        "FLOAT4" => Value::Float(widen_f32(row.try_get::<f32, _>(i).map_err(err)?)),
        "FLOAT8" => Value::Float(row.try_get(i).map_err(err)?),
        "NUMERIC" => {
            let bytes = raw.as_bytes().map_err(|e| e.to_string())?;
            let text = if raw.format() == sqlx::postgres::PgValueFormat::Text {
                String::from_utf8_lossy(bytes).into_owned()
            } else {
                pg_numeric_text(bytes)?
            };
            Value::Decimal(parse_decimal(&text)?)
        }
        "MONEY" => Value::Decimal(Decimal::new(
            row.try_get::<sqlx::postgres::types::PgMoney, _>(i)
                .map_err(err)?
                .0
                .into(),
            2,
        )),
        "BYTEA" => Value::Bytes(row.try_get(i).map_err(err)?),
        "JSON" | "JSONB" => Value::Json(Box::new(row.try_get(i).map_err(err)?)),
        // Timestamps, dates and times are decoded here rather than by sqlx, whose chrono
        // conversions panic on `infinity` and wrap `24:00:00` to midnight.
        "TIMESTAMPTZ" | "TIMESTAMP" | "DATE" | "TIME" => {
            let bytes = raw.as_bytes().map_err(|e| e.to_string())?;
            if raw.format() == sqlx::postgres::PgValueFormat::Text {
                Value::String(String::from_utf8_lossy(bytes).into_owned())
            } else {
                Value::DateTime(pg_datetime(ty, bytes)?)
            }
        }
        "INT4[]" => pg_list::<i32>(row, i, Value::Int)?,
        "INT8[]" => pg_list::<i64>(row, i, Value::BigInt)?,
        "FLOAT8[]" => pg_list::<f64>(row, i, Value::Float)?,
        "BOOL[]" => pg_list::<bool>(row, i, Value::Bool)?,
        "BYTEA[]" => pg_list::<Vec<u8>>(row, i, Value::Bytes)?,
        "JSONB[]" | "JSON[]" => pg_list::<serde_json::Value>(row, i, |j| Value::Json(Box::new(j)))?,
        "NUMERIC[]" | "TIMESTAMPTZ[]" | "TIMESTAMP[]" | "DATE[]" | "TIME[]" => {
            let bytes = raw.as_bytes().map_err(|e| e.to_string())?;
            if raw.format() == sqlx::postgres::PgValueFormat::Text {
                return Err(format!("unexpected text value for {ty}"));
            }
            let element = ty.trim_end_matches("[]");
            Value::List(
                pg_array_elements(bytes)?
                    .into_iter()
                    .map(|e| match e {
                        None => Ok(Value::Null),
                        Some(b) if element == "NUMERIC" => {
                            parse_decimal(&pg_numeric_text(b)?).map(Value::Decimal)
                        }
                        Some(b) => pg_datetime(element, b).map(Value::DateTime),
                    })
                    .collect::<std::result::Result<_, String>>()?,
            )
        }
        // Arrays of other element types, enum arrays among them (PostgreSQL names those after
        // the enum: `_Mood`), read as their elements' text, which `coerce` turns into the
        // field's kind.
        t if t.ends_with("[]") || matches!(spec, ColumnSpec::Field(f) if f.list) => Value::List(
            row.try_get_unchecked::<Vec<String>, _>(i)
                .map_err(err)?
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        "UUID" => Value::String(
            row.try_get::<sqlx::types::Uuid, _>(i)
                .map(|u| u.to_string())
                .map_err(err)?,
        ),
        // Types whose binary wire format is not their text: decoded to the text PostgreSQL
        // (and Prisma) show.
        "INET" | "CIDR" | "BIT" | "VARBIT" | "TIMETZ" => {
            let bytes = raw.as_bytes().map_err(|e| e.to_string())?;
            if raw.format() == sqlx::postgres::PgValueFormat::Text {
                Value::String(String::from_utf8_lossy(bytes).into_owned())
            } else {
                match ty {
                    "INET" | "CIDR" => Value::String(pg_inet_text(bytes)?),
                    "TIMETZ" => Value::DateTime(pg_timetz(bytes)?),
                    _ => Value::String(pg_bits_text(bytes)?),
                }
            }
        }
        // Text types, enums (labels travel as text), XML and others whose binary form is text.
        _ => Value::String(row.try_get_unchecked::<String, _>(i).map_err(err)?),
    };
    coerce(v, spec)
}

/// A decimal as the database prints it, exactly, without trailing zeros: `DECIMAL(65,30)`
/// (Prisma's default) pads every value to 30 places, and Prisma returns decimals normalized.
/// Scientific notation (`1.0e-20`, as SQLite prints REALs) is accepted too.
fn parse_decimal(text: &str) -> std::result::Result<Decimal, String> {
    use std::str::FromStr;
    let t = text.trim();
    let parsed = match t.parse::<f64>() {
        // Scientific notation comes from a double (SQLite REALs through JSON): read it as the
        // double it is, as a direct read of the REAL does, so both paths agree.
        Ok(f) if t.contains(['e', 'E']) => Decimal::from_str(&f.to_string()),
        _ => Decimal::from_str(t),
    };
    parsed
        .map(|d| d.normalized())
        .map_err(|e| format!("{text} is not a decimal: {e}"))
}

/// `numeric` in binary (digit count, weight, sign, display scale, base-10000 digits) as text.
fn pg_numeric_text(b: &[u8]) -> std::result::Result<String, String> {
    let word = |k: usize| {
        b.get(2 * k..2 * k + 2)
            .map(|x| u16::from_be_bytes([x[0], x[1]]))
            .ok_or_else(|| "malformed numeric value".to_string())
    };
    let ndigits = usize::from(word(0)?);
    let weight = i64::from(word(1)? as i16);
    let sign = word(2)?;
    match sign {
        0x0000 | 0x4000 => {}
        0xC000 => return Err("NaN does not fit in Decimal".into()),
        _ => return Err("infinity does not fit in Decimal".into()),
    }
    let digits = (0..ndigits)
        .map(|k| word(4 + k))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if digits.is_empty() {
        return Ok("0".into());
    }
    // Group k has exponent (weight - k) in base 10000.
    let last = weight - (ndigits as i64 - 1);
    let mut int_part = String::new();
    let mut frac_part = String::new();
    for e in (last.min(0)..=weight.max(0)).rev() {
        let d = usize::try_from(weight - e)
            .ok()
            .and_then(|k| digits.get(k))
            .copied()
            .unwrap_or(0);
        if e >= 0 {
            int_part.push_str(&format!("{d:04}"));
        } else {
            frac_part.push_str(&format!("{d:04}"));
        }
    }
    let int_part = int_part.trim_start_matches('0');
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    out.push_str(if int_part.is_empty() { "0" } else { int_part });
    if !frac_part.is_empty() {
        out.push('.');
        out.push_str(&frac_part);
    }
    Ok(out)
}

/// A `REAL` as the decimal PostgreSQL and MySQL print for it (and Prisma returns): `0.19`, not
/// the nearest double to the nearest float, `0.1899999976158142`.
fn widen_f32(f: f32) -> f64 {
    if f.is_finite() {
        f.to_string().parse().unwrap_or(f64::from(f))
    } else {
        f64::from(f)
    }
}

/// `inet` / `cidr` in binary: family, netmask bits, is-cidr flag, address length, address.
/// Printed as PostgreSQL prints it: the mask only when it is not the full address (always for
/// `cidr`).
fn pg_inet_text(b: &[u8]) -> std::result::Result<String, String> {
    let bad = || format!("malformed inet value ({} bytes)", b.len());
    let (&family, &bits, &is_cidr, &len) = match b {
        [f, m, c, n, ..] => (f, m, c, n),
        _ => return Err(bad()),
    };
    let addr = b.get(4..4 + usize::from(len)).ok_or_else(bad)?;
    let (text, full) = match (family, addr.len()) {
        (2, 4) => (
            std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]).to_string(),
            32,
        ),
        (3, 16) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(addr);
            (std::net::Ipv6Addr::from(a).to_string(), 128)
        }
        _ => return Err(bad()),
    };
    Ok(if is_cidr != 0 || bits != full {
        format!("{text}/{bits}")
    } else {
        text
    })
}

/// `timestamptz` / `timestamp` (microseconds since 2000-01-01), `date` (days since then) and
/// `time` (microseconds since midnight) in binary, as UTC (`date` at midnight, `time` on
/// 1970-01-01). `infinity` and values beyond chrono's range are errors.
pub(crate) fn pg_datetime(ty: &str, b: &[u8]) -> std::result::Result<DateTime<Utc>, String> {
    const PG_EPOCH_US: i64 = 946_684_800_000_000;
    let int = |n: usize| -> std::result::Result<i64, String> {
        match (n, b) {
            (8, [a, b2, c, d, e, f, g, h]) => {
                Ok(i64::from_be_bytes([*a, *b2, *c, *d, *e, *f, *g, *h]))
            }
            (4, [a, b2, c, d]) => Ok(i64::from(i32::from_be_bytes([*a, *b2, *c, *d]))),
            _ => Err(format!("malformed {} value", ty.to_lowercase())),
        }
    };
    let infinite = || format!("{} infinity does not fit in DateTime", ty.to_lowercase());
    let out_of_range = || format!("{} value out of range", ty.to_lowercase());
    let micros = match ty {
        "DATE" => {
            let days = int(4)?;
            if days == i64::from(i32::MAX) || days == i64::from(i32::MIN) {
                return Err(infinite());
            }
            days.checked_mul(86_400_000_000)
                .and_then(|us| us.checked_add(PG_EPOCH_US))
                .ok_or_else(out_of_range)?
        }
        "TIME" => {
            let us = int(8)?;
            if !(0..86_400_000_000).contains(&us) {
                return Err(format!("{us} microseconds is not a time of day"));
            }
            us
        }
        _ => {
            let us = int(8)?;
            if us == i64::MAX || us == i64::MIN {
                return Err(infinite());
            }
            us.checked_add(PG_EPOCH_US).ok_or_else(out_of_range)?
        }
    };
    DateTime::from_timestamp_micros(micros).ok_or_else(out_of_range)
}

/// The elements of a one-dimensional array in binary (`None` for NULL elements).
fn pg_array_elements(b: &[u8]) -> std::result::Result<Vec<Option<&[u8]>>, String> {
    let bad = || "malformed array value".to_string();
    let int = |at: usize| -> std::result::Result<i32, String> {
        b.get(at..at + 4)
            .map(|x| i32::from_be_bytes([x[0], x[1], x[2], x[3]]))
            .ok_or_else(bad)
    };
    let ndim = int(0)?;
    if ndim == 0 {
        return Ok(Vec::new());
    }
    if ndim != 1 {
        return Err(format!("{ndim}-dimensional arrays are not supported"));
    }
    let len = usize::try_from(int(12)?).map_err(|_| bad())?;
    let mut at = 20;
    let mut out = Vec::with_capacity(len.min(b.len()));
    for _ in 0..len {
        let n = int(at)?;
        at += 4;
        if n < 0 {
            out.push(None);
        } else {
            let n = usize::try_from(n).map_err(|_| bad())?;
            out.push(Some(b.get(at..at + n).ok_or_else(bad)?));
            at += n;
        }
    }
    Ok(out)
}

/// `bit(n)` / `varbit` in binary: the bit count, then the bits, most significant first.
fn pg_bits_text(b: &[u8]) -> std::result::Result<String, String> {
    let n = b
        .get(..4)
        .map(|x| i32::from_be_bytes([x[0], x[1], x[2], x[3]]))
        .ok_or("malformed bit string")?;
    let n = usize::try_from(n).map_err(|_| "malformed bit string")?;
    let data = &b[4..];
    if data.len() * 8 < n {
        return Err("malformed bit string".into());
    }
    Ok((0..n)
        .map(|k| {
            if data[k / 8] & (0x80 >> (k % 8)) != 0 {
                '1'
            } else {
                '0'
            }
        })
        .collect())
}

/// `timetz` in binary: microseconds since midnight and the zone's offset in seconds west of
/// UTC. Read as that instant on 1970-01-01 in UTC, as `time` is.
fn pg_timetz(b: &[u8]) -> std::result::Result<DateTime<Utc>, String> {
    if b.len() != 12 {
        return Err("malformed timetz value".into());
    }
    let mut micros = [0u8; 8];
    micros.copy_from_slice(&b[..8]);
    let micros = i64::from_be_bytes(micros);
    let west = i64::from(i32::from_be_bytes([b[8], b[9], b[10], b[11]]));
    DateTime::from_timestamp_micros(micros + west * 1_000_000)
        .ok_or_else(|| "timetz out of range".to_string())
}

fn decode_mysql(
    row: &sqlx::mysql::MySqlRow,
    i: usize,
    spec: ColumnSpec,
) -> std::result::Result<Value, String> {
    let raw = row.try_get_raw(i).map_err(err)?;
    if raw.is_null() {
        // Through `coerce`: a NULL scalar list reads as `[]`.
        return coerce(Value::Null, spec);
    }
    let type_info = raw.type_info();
    let ty: &str = type_info.name();
    let v = match ty {
        "BOOLEAN" | "TINYINT" | "SMALLINT" | "INT" | "MEDIUMINT" | "BIGINT" | "YEAR" => {
            Value::BigInt(row.try_get_unchecked::<i64, _>(i).map_err(err)?)
        }
        "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "INT UNSIGNED" | "MEDIUMINT UNSIGNED"
        | "BIGINT UNSIGNED" => {
            let u = row.try_get_unchecked::<u64, _>(i).map_err(err)?;
            Value::BigInt(i64::try_from(u).map_err(|_| format!("{u} does not fit in BigInt"))?)
        }
        "FLOAT" => Value::Float(widen_f32(row.try_get::<f32, _>(i).map_err(err)?)),
        "DOUBLE" => Value::Float(row.try_get(i).map_err(err)?),
        "DECIMAL" => Value::Decimal(parse_decimal(
            &row.try_get_unchecked::<String, _>(i).map_err(err)?,
        )?),
        "DATETIME" => Value::DateTime(
            Utc.from_utc_datetime(&row.try_get::<NaiveDateTime, _>(i).map_err(err)?),
        ),
        "TIMESTAMP" => Value::DateTime(row.try_get::<DateTime<Utc>, _>(i).map_err(err)?),
        "DATE" => Value::DateTime(
            Utc.from_utc_datetime(
                &row.try_get::<NaiveDate, _>(i)
                    .map_err(err)?
                    .and_time(NaiveTime::MIN),
            ),
        ),
        // TIME is an interval (-838:59:59 to 838:59:59); a DateTime holds a time of day.
        "TIME" => {
            let t = row
                .try_get::<sqlx::mysql::types::MySqlTime, _>(i)
                .map_err(err)?;
            let sign = if t.sign() == sqlx::mysql::types::MySqlTimeSign::Negative {
                "-"
            } else {
                ""
            };
            let time = if t.is_valid_time_of_day() {
                NaiveTime::from_hms_micro_opt(
                    t.hours(),
                    u32::from(t.minutes()),
                    u32::from(t.seconds()),
                    t.microseconds(),
                )
            } else {
                None
            };
            let time = time.ok_or_else(|| {
                format!(
                    "{sign}{:02}:{:02}:{:02} is not a time of day",
                    t.hours(),
                    t.minutes(),
                    t.seconds()
                )
            })?;
            Value::DateTime(
                Utc.from_utc_datetime(
                    &NaiveDate::from_ymd_opt(1970, 1, 1)
                        .unwrap_or_default()
                        .and_time(time),
                ),
            )
        }
        "BINARY" | "VARBINARY" | "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BIT" => {
            Value::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i).map_err(err)?)
        }
        _ => Value::String(row.try_get_unchecked::<String, _>(i).map_err(err)?),
    };
    coerce(v, spec)
}

/// [`coerce`] for a model field.
pub(crate) fn coerce_field(
    v: Value,
    field: &'static FieldMeta,
) -> std::result::Result<Value, String> {
    coerce(v, ColumnSpec::Field(field))
}

/// Converts a decoded value to the kind the field expects (SQLite integers to booleans,
/// text to JSON, epoch milliseconds to DateTime, ...).
pub(crate) fn coerce(v: Value, spec: ColumnSpec) -> std::result::Result<Value, String> {
    if matches!(spec, ColumnSpec::Raw) {
        return Ok(v);
    }
    if let ColumnSpec::Field(f) = spec {
        if f.list {
            return match v {
                Value::List(items) => items
                    .into_iter()
                    .map(|x| coerce(x, ColumnSpec::Kind(f.kind)))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map(Value::List),
                Value::String(s) => {
                    // SQLite and MySQL keep lists as JSON text.
                    let items: Vec<serde_json::Value> =
                        serde_json::from_str(&s).map_err(|e| e.to_string())?;
                    items
                        .into_iter()
                        .map(|j| coerce(json_to_value(j), ColumnSpec::Kind(f.kind)))
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map(Value::List)
                }
                // Prisma's scalar lists are never null: its migrations create the column
                // nullable (`TEXT[]`), a create that leaves the list out stores NULL, and
                // Prisma Client reads that as `[]`. So does Quarry.
                Value::Null | Value::NullOf(_) => Ok(Value::List(Vec::new())),
                other => Err(format!("expected a list, found {}", other.kind_name())),
            };
        }
    }
    let kind = spec.kind();
    Ok(match (kind, v) {
        (_, Value::Null) => Value::Null,
        (ScalarKind::Boolean, Value::BigInt(i)) => Value::Bool(i != 0),
        (ScalarKind::Boolean, Value::Int(i)) => Value::Bool(i != 0),
        (ScalarKind::Int, Value::BigInt(i)) => {
            Value::Int(i32::try_from(i).map_err(|_| format!("{i} does not fit in Int"))?)
        }
        (ScalarKind::BigInt, Value::Int(i)) => Value::BigInt(i64::from(i)),
        // Numbers that travelled as text (e.g. `oid` inside JSON).
        (ScalarKind::Int, Value::String(s)) => Value::Int(
            s.trim()
                .parse()
                .map_err(|_| format!("`{s}` does not fit in Int"))?,
        ),
        (ScalarKind::BigInt, Value::String(s)) => Value::BigInt(
            s.trim()
                .parse()
                .map_err(|_| format!("`{s}` does not fit in BigInt"))?,
        ),
        (ScalarKind::BigInt, Value::Decimal(d)) => Value::BigInt(
            bigdecimal::ToPrimitive::to_i64(&d.with_scale_round(0, bigdecimal::RoundingMode::Down))
                .ok_or_else(|| format!("{d} does not fit in BigInt"))?,
        ),
        (ScalarKind::Float, Value::BigInt(i)) => Value::Float(i as f64),
        (ScalarKind::Float, Value::Int(i)) => Value::Float(f64::from(i)),
        (ScalarKind::Float, Value::Decimal(d)) => Value::Float(
            d.to_string()
                .parse()
                .map_err(|e: std::num::ParseFloatError| e.to_string())?,
        ),
        (ScalarKind::Float, Value::String(s)) => Value::Float(
            s.parse()
                .map_err(|e: std::num::ParseFloatError| e.to_string())?,
        ),
        (ScalarKind::Decimal, Value::BigInt(i)) => Value::Decimal(Decimal::from(i)),
        (ScalarKind::Decimal, Value::Float(f)) => Value::Decimal(
            std::str::FromStr::from_str(&f.to_string())
                .map_err(|e: bigdecimal::ParseBigDecimalError| e.to_string())?,
        ),
        (ScalarKind::Decimal, Value::String(s)) => Value::Decimal(parse_decimal(&s)?),
        (ScalarKind::Json, Value::String(s)) => Value::Json(Box::new(
            serde_json::from_str(&s).map_err(|e| e.to_string())?,
        )),
        // SQLite's JSONB columns have NUMERIC affinity: a document that is a bare number is
        // stored as a number.
        (ScalarKind::Json, Value::BigInt(i)) => Value::Json(Box::new(i.into())),
        (ScalarKind::Json, Value::Float(f)) => Value::Json(Box::new(
            serde_json::Number::from_f64(f)
                .map(serde_json::Value::Number)
                .ok_or_else(|| format!("{f} is not a JSON number"))?,
        )),
        (ScalarKind::Json, Value::Bytes(b)) => Value::Json(Box::new(
            serde_json::from_slice(&b).map_err(|e| e.to_string())?,
        )),
        (ScalarKind::DateTime, Value::BigInt(ms)) => Value::DateTime(
            DateTime::from_timestamp_millis(ms)
                .ok_or_else(|| format!("{ms} is not a valid timestamp"))?,
        ),
        (ScalarKind::DateTime, Value::Float(f)) => Value::DateTime(
            DateTime::from_timestamp_millis(f as i64)
                .ok_or_else(|| format!("{f} is not a valid timestamp"))?,
        ),
        (ScalarKind::DateTime, Value::String(s)) => Value::DateTime(parse_datetime(&s)?),
        (ScalarKind::Enum, Value::String(s)) => Value::Enum(s),
        (ScalarKind::String, Value::Bytes(b)) => {
            Value::String(String::from_utf8(b).map_err(|e| e.to_string())?)
        }
        (ScalarKind::Bytes, Value::String(s)) => Value::Bytes(s.into_bytes()),
        (ScalarKind::String, Value::BigInt(i)) => Value::String(i.to_string()),
        (_, v) => v,
    })
}

fn json_to_value(j: serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::BigInt(i),
            None => Value::Float(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => {
            Value::List(items.into_iter().map(json_to_value).collect())
        }
        other => Value::Json(Box::new(other)),
    }
}

/// A column value that travelled inside a JSON aggregate (join strategy): bytes come as hex,
/// decimals and JSON as text, the rest as JSON scalars.
pub(crate) fn decode_json_column(
    j: serde_json::Value,
    field: &'static FieldMeta,
) -> std::result::Result<Value, String> {
    if field.kind == ScalarKind::Bytes && !field.list {
        if let serde_json::Value::String(hex) = &j {
            return decode_hex(hex).map(Value::Bytes);
        }
    }
    coerce(json_to_value(j), ColumnSpec::Field(field))
}

pub(crate) fn decode_hex(hex: &str) -> std::result::Result<Vec<u8>, String> {
    let hex = hex.strip_prefix("\\x").unwrap_or(hex);
    if !hex.len().is_multiple_of(2) {
        return Err(format!("`{hex}` is not hexadecimal"));
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:MM]]`, the form databases print (Prisma's SQLite
/// text, PostgreSQL's JSON), read without chrono's format-string machinery, which dominated
/// the join strategy's profile. Anything else is left to [`parse_datetime`]'s general path.
fn iso_datetime(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let digits = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let punctuated = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !punctuated {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(digits(0, 4)? as i32, digits(5, 7)?, digits(8, 10)?)?;
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    let mut i = 19;
    let mut nanos = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let n = i - start;
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(start, i)? * 10u32.pow(9 - n as u32);
    }
    let offset_seconds = match b.get(i) {
        None => 0,
        Some(b'Z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let hours = digits(i + 1, i + 3)?;
            let minutes = match &b[i + 3..] {
                [] => 0,
                [b':', ..] if b.len() == i + 6 => digits(i + 4, i + 6)?,
                _ if b.len() == i + 5 => digits(i + 3, i + 5)?,
                _ => return None,
            };
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        Some(_) => return None,
    };
    let local = date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let utc = match offset_seconds {
        0 => local,
        _ => local.checked_sub_signed(chrono::Duration::seconds(offset_seconds))?,
    };
    Some(Utc.from_utc_datetime(&utc))
}

/// Text DateTimes as SQLite's CURRENT_TIMESTAMP and other tools write them.
pub(crate) fn parse_datetime(s: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Some(d) = iso_datetime(s) {
        return Ok(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f %:z",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(Utc.from_utc_datetime(&d));
        }
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Ok(d.with_timezone(&Utc));
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z") {
        return Ok(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)));
    }
    // A time of day (`time`, MySQL `TIME`), on 1970-01-01 as when read directly; with an
    // offset (`timetz`), converted to UTC.
    if let Ok(t) = NaiveTime::parse_from_str(s, "%H:%M:%S%.f") {
        return Ok(Utc.from_utc_datetime(&NaiveDate::default().and_time(t)));
    }
    if let Ok(d) = DateTime::parse_from_str(&format!("1970-01-01 {s}"), "%Y-%m-%d %H:%M:%S%.f%#z") {
        return Ok(d.with_timezone(&Utc));
    }
    Err(format!("`{s}` is not a date-time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path agrees with chrono on every form it accepts, and declines the rest.
    #[test]
    fn iso_datetime_matches_chrono() {
        let chrono_parse = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|d| d.with_timezone(&Utc))
                .or_else(|_| {
                    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z")
                        .map(|d| d.with_timezone(&Utc))
                })
                .or_else(|_| {
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
                        .map(|d| Utc.from_utc_datetime(&d))
                })
                .ok()
        };
        for s in [
            "2024-02-29T23:59:59.999+00:00",
            "2024-02-29T23:59:59.999Z",
            "2024-02-29 23:59:59",
            "2024-02-29T23:59:59.5",
            "2024-02-29T23:59:59.123456789",
            "1969-12-31T23:59:59.999-05:30",
            "0001-01-01T00:00:00.000+00:00",
            "9999-12-31T23:59:59.999+00:00",
        ] {
            assert_eq!(iso_datetime(s), chrono_parse(s), "{s}");
            assert!(iso_datetime(s).is_some(), "{s}");
        }
        // Offsets without a colon or minutes, which chrono's RFC 3339 parser refuses.
        let expected = chrono_parse("1999-12-31T22:30:00Z");
        assert_eq!(iso_datetime("2000-01-01T00:00:00+0130"), expected);
        assert_eq!(iso_datetime("2000-01-01T00:00:00+01:30"), expected);
        assert_eq!(iso_datetime("1999-12-31T23:30:00+01"), expected);
        for s in [
            "2024-02-30T00:00:00",
            "2024-13-01T00:00:00",
            "2024-01-01T24:00:00",
            "2024-01-01T00:00:00.",
            "2024-01-01T00:00:00.1234567890",
            "2024-01-01T00:00:00+",
            "2024-01-01T00:00:00+01:",
            "2024-01-01T00:00:00Zx",
            "2024-01-01T00:00:00 +00:00",
            "2024-01-01",
            "+2024-01-01T00:00:00",
            "2024-01-01T0a:00:00",
            "",
        ] {
            assert_eq!(iso_datetime(s), None, "{s}");
        }
    }
}
