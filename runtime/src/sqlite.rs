//! SQLite, called directly.
//!
//! Owns: SQLite connections and running statements on them, through `rusqlite` (on the same
//! `libsqlite3-sys` that sqlx links for migrations, so one SQLite is in the program). sqlx ran
//! every SQLite statement on a worker thread per connection, so each statement paid two
//! thread hand-offs; Diesel calls SQLite on the caller's thread, which is why it was several
//! times faster on small queries. This executor does the same for statements that are short,
//! and keeps long ones off the async runtime's threads:
//!
//! - A statement first runs on the caller's thread, with a budget of work
//!   ([`INLINE_BUDGET_OPS`] SQLite virtual-machine instructions, about a millisecond) that
//!   SQLite's progress handler draws on every [`PROGRESS_OPS`] instructions, and each row read
//!   draws on too ([`ROW_OPS`]). Most statements finish well within it. The budget counts work,
//!   not time, so a statement takes the same path on a fast machine, a busy one or under
//!   valgrind.
//! - A statement that overruns the budget is interrupted (or, between rows, stopped), and runs
//!   again from the start on a blocking thread (`spawn_blocking`), where it may take as long
//!   as it takes. That is only done to read-only statements, which an interrupt leaves no
//!   trace of. The statement's SQL is then remembered as slow on this connection and starts
//!   on a blocking thread next time, until it runs within the budget there again, so a long
//!   query pays the wasted budget once, not per call.
//! - Writes are never interrupted. Inside an explicit transaction an interrupted write would
//!   roll back the whole transaction; outside one, SQLite calls the progress handler once more
//!   after the statement has committed, so an "interrupted" write may have been applied, and
//!   running it again would apply it twice. A write whose work is bounded by its input (an
//!   insert of given rows, a change of one record by its key: `Statement::bounded`) runs on
//!   the caller's thread; any other write starts on a blocking thread.
//! - A statement that finds the database locked does not wait on the caller's thread: the
//!   connection's busy timeout is zero there, and the statement (which has changed nothing,
//!   since it could not take its lock) runs again on a blocking thread with the configured
//!   busy timeout.
//!
//! The connection sits behind a mutex that only one statement holds at a time: a statement
//! whose future was dropped while it ran on a blocking thread keeps it until it ends (a timed
//! out transaction interrupts it first), and whatever comes next waits for it on a blocking
//! thread, never on the caller's.

use crate::error::{Error, Result};
use crate::exec::ColumnSpec;
use crate::meta::ScalarKind;
use crate::sql::Statement;
use crate::value::Value;
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

/// How much work a statement may do on the caller's thread before it moves to a blocking
/// thread, in SQLite virtual-machine instructions: about a millisecond.
pub const INLINE_BUDGET_OPS: i64 = 250_000;

/// Virtual-machine instructions between two calls of the progress handler (a few
/// microseconds of work).
pub const PROGRESS_OPS: i32 = 1000;

/// What decoding one row counts for, in virtual-machine instructions (about a microsecond).
pub const ROW_OPS: i64 = 250;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

/// Statements remembered as slow per connection, at most (then the memory starts over).
const SLOW_MAX: usize = 256;

/// How to open SQLite connections.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// The database file.
    pub(crate) path: PathBuf,
    /// Open read-only (`?mode=ro`).
    pub(crate) read_only: bool,
    /// How long a statement waits for a lock another connection holds.
    pub(crate) busy_timeout: Duration,
}

/// The work budget of the running statement, shared with the progress handler.
#[derive(Debug)]
struct Budget {
    /// Virtual-machine instructions left.
    left: AtomicI64,
    /// Interrupt the statement when `left` runs out (on the caller's thread); otherwise only
    /// count (on a blocking thread, to learn whether the statement has become short).
    enforce: AtomicBool,
    /// The budget interrupted the statement (as opposed to a canceller).
    overran: AtomicBool,
}

impl Budget {
    fn arm(&self, enforce: bool) {
        self.left.store(INLINE_BUDGET_OPS, Ordering::Relaxed);
        self.overran.store(false, Ordering::Relaxed);
        self.enforce.store(enforce, Ordering::Relaxed);
    }

    fn disarm(&self) {
        self.enforce.store(false, Ordering::Relaxed);
    }

    /// Draws `ops` from the budget; true when the statement must stop.
    fn spend(&self, ops: i64) -> bool {
        let left = self.left.fetch_sub(ops, Ordering::Relaxed) - ops;
        if left <= 0 && self.enforce.load(Ordering::Relaxed) {
            self.overran.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// The statement used at most half of the budget.
    fn short(&self) -> bool {
        self.left.load(Ordering::Relaxed) > INLINE_BUDGET_OPS / 2
    }
}

/// A SQLite connection.
pub struct SqliteConn {
    conn: Arc<Mutex<rusqlite::Connection>>,
    budget: Arc<Budget>,
    interrupt: Arc<rusqlite::InterruptHandle>,
    busy_timeout: Duration,
    /// SQL that overran the budget when it last ran on the caller's thread.
    slow: HashSet<Arc<str>>,
}

impl std::fmt::Debug for SqliteConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteConn")
            .field("slow", &self.slow.len())
            .finish()
    }
}

impl crate::pool::Connect for SqliteConn {
    type Options = SqliteOptions;

    async fn connect(options: &SqliteOptions) -> Result<SqliteConn> {
        let options = options.clone();
        // Opening reads the file: not on the caller's thread.
        tokio::task::spawn_blocking(move || open(&options))
            .await
            .unwrap_or_else(|e| Err(Error::Connection(e.to_string())))
    }

    async fn close(self) {}
}

fn open(options: &SqliteOptions) -> Result<SqliteConn> {
    use rusqlite::OpenFlags as F;
    let access = if options.read_only {
        F::SQLITE_OPEN_READ_ONLY
    } else {
        F::SQLITE_OPEN_READ_WRITE | F::SQLITE_OPEN_CREATE
    };
    let failed = |e: rusqlite::Error| Error::Connection(format!("{}: {e}", options.path.display()));
    let conn =
        rusqlite::Connection::open_with_flags(&options.path, access | F::SQLITE_OPEN_NO_MUTEX)
            .map_err(failed)?;
    conn.busy_timeout(Duration::ZERO).map_err(failed)?;
    // SQLite leaves foreign keys unenforced unless asked, on every connection.
    conn.execute_batch("PRAGMA foreign_keys = ON")
        .map_err(failed)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let budget = Arc::new(Budget {
        left: AtomicI64::new(INLINE_BUDGET_OPS),
        enforce: AtomicBool::new(false),
        overran: AtomicBool::new(false),
    });
    let handler = budget.clone();
    conn.progress_handler(
        PROGRESS_OPS,
        Some(move || handler.spend(i64::from(PROGRESS_OPS))),
    );
    Ok(SqliteConn {
        interrupt: Arc::new(conn.get_interrupt_handle()),
        conn: Arc::new(Mutex::new(conn)),
        budget,
        busy_timeout: options.busy_timeout,
        slow: HashSet::new(),
    })
}

/// What a statement does with its rows. `'static`, so that it can go to a blocking thread.
pub(crate) trait RowSink: Send + 'static {
    type Out: Send + 'static;
    /// Sees the prepared statement before its first row (raw queries read column names).
    fn start(&mut self, _stmt: &rusqlite::Statement<'_>) {}
    fn row(&mut self, row: &rusqlite::Row<'_>) -> Result<()>;
    /// Forgets the rows seen: the statement is starting over.
    fn reset(&mut self);
    /// The result, given the number of rows the statement changed.
    fn finish(self, changes: u64) -> Self::Out;
}

/// Why a statement failed.
enum Failure {
    Sqlite(rusqlite::Error),
    Quarry(Error),
    /// A read-only statement used up its budget on the caller's thread.
    Overran,
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Quarry(e)
    }
}

impl Failure {
    fn into_error(self, model: Option<&'static str>) -> Error {
        match self {
            Failure::Sqlite(e) => Error::from_sqlite(e, model),
            Failure::Quarry(e) => e,
            // The caller runs the statement again elsewhere; never an answer.
            Failure::Overran => Error::Timeout("the statement used up its inline budget".into()),
        }
    }

    fn code(&self) -> Option<rusqlite::ErrorCode> {
        match self {
            Failure::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => Some(e.code),
            _ => None,
        }
    }
}

/// Where a statement that could not finish on the caller's thread goes on.
enum Inline {
    Done(u64),
    Elsewhere { overran: bool },
}

impl SqliteConn {
    /// Stops the statement running now, from any thread.
    pub(crate) fn interrupter(&self) -> Arc<rusqlite::InterruptHandle> {
        self.interrupt.clone()
    }

    /// Runs `stmt`, feeding its rows to `sink`.
    pub(crate) async fn run<S: RowSink>(
        &mut self,
        stmt: &Statement,
        mut sink: S,
        model: Option<&'static str>,
    ) -> Result<S::Out> {
        if self.slow.is_empty() || !self.slow.contains(&stmt.sql) {
            match self.try_inline(stmt, &mut sink) {
                Ok(Some(Inline::Done(changes))) => return Ok(sink.finish(changes)),
                Ok(Some(Inline::Elsewhere { overran })) => {
                    sink.reset();
                    if overran {
                        if self.slow.len() >= SLOW_MAX {
                            self.slow.clear();
                        }
                        self.slow.insert(stmt.sql.clone());
                    }
                }
                Ok(None) => {}
                Err(f) => return Err(f.into_error(model)),
            }
        }
        // Boxed: the hand-off's state would otherwise travel inside every statement's
        // future, though most statements finish inline.
        Box::pin(self.run_blocking(stmt, sink, model)).await
    }

    /// Runs the statement on this thread when it can; `None` when the connection is still
    /// held by a statement on a blocking thread.
    fn try_inline<S: RowSink>(
        &self,
        stmt: &Statement,
        sink: &mut S,
    ) -> std::result::Result<Option<Inline>, Failure> {
        let conn = match self.conn.try_lock() {
            Ok(c) => c,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return Ok(None),
        };
        let mut prepared = conn.prepare_cached(&stmt.sql)?;
        let interruptible = prepared.readonly();
        if !interruptible && !stmt.bounded {
            return Ok(Some(Inline::Elsewhere { overran: false }));
        }
        bind_all(&mut prepared, &stmt.binds)?;
        self.budget.arm(interruptible);
        let result = step_all(&conn, &mut prepared, sink, &self.budget);
        self.budget.disarm();
        match result {
            Ok(changes) => Ok(Some(Inline::Done(changes))),
            Err(f) if f.code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                Ok(Some(Inline::Elsewhere { overran: false }))
            }
            Err(Failure::Overran) => Ok(Some(Inline::Elsewhere { overran: true })),
            Err(f)
                if f.code() == Some(rusqlite::ErrorCode::OperationInterrupted)
                    && self.budget.overran.load(Ordering::Relaxed) =>
            {
                Ok(Some(Inline::Elsewhere { overran: true }))
            }
            Err(f) => Err(f),
        }
    }

    async fn run_blocking<S: RowSink>(
        &mut self,
        stmt: &Statement,
        mut sink: S,
        model: Option<&'static str>,
    ) -> Result<S::Out> {
        let conn = self.conn.clone();
        let sql = stmt.sql.clone();
        let binds = stmt.binds.clone();
        let busy_timeout = self.busy_timeout;
        let budget = self.budget.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let conn = lock(&conn);
            let mut run = |conn: &rusqlite::Connection| -> std::result::Result<u64, Failure> {
                conn.busy_timeout(busy_timeout)?;
                let mut prepared = conn.prepare_cached(&sql)?;
                bind_all(&mut prepared, &binds)?;
                // Counted, not enforced: was the statement short this time?
                budget.arm(false);
                step_all(conn, &mut prepared, &mut sink, &budget)
            };
            let result = run(&conn);
            let short = budget.short();
            // Back to not waiting, for the statements that run on the caller's thread.
            let _ = conn.busy_timeout(Duration::ZERO);
            result.map(|changes| (sink.finish(changes), short))
        })
        .await;
        let (out, short) = match joined {
            Ok(r) => r.map_err(|f| f.into_error(model))?,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => return Err(Error::Connection(e.to_string())),
        };
        if short {
            self.slow.remove(&stmt.sql);
        }
        Ok(out)
    }
}

fn lock(conn: &Mutex<rusqlite::Connection>) -> MutexGuard<'_, rusqlite::Connection> {
    // A panic while decoding a row leaves the connection itself intact.
    conn.lock().unwrap_or_else(|p| p.into_inner())
}

fn bind_all(
    prepared: &mut rusqlite::CachedStatement<'_>,
    binds: &[Value],
) -> std::result::Result<(), Failure> {
    let expected = prepared.parameter_count();
    if expected != binds.len() {
        return Err(Failure::Quarry(Error::InvalidQuery(format!(
            "the statement has {expected} parameters but {} values were given",
            binds.len()
        ))));
    }
    for (i, v) in binds.iter().enumerate() {
        prepared.raw_bind_parameter(i + 1, Bind(v))?;
    }
    Ok(())
}

/// Steps `prepared` to its end, feeding rows to `sink`. Rows draw on `budget`; a read-only
/// statement whose budget runs out stops between two rows (`Failure::Overran`), which leaves
/// nothing behind. A write is never stopped between its rows (`RETURNING`): its changes are
/// made by then.
fn step_all<S: RowSink>(
    conn: &rusqlite::Connection,
    prepared: &mut rusqlite::CachedStatement<'_>,
    sink: &mut S,
    budget: &Budget,
) -> std::result::Result<u64, Failure> {
    sink.start(prepared);
    let readonly = prepared.readonly();
    let mut rows = prepared.raw_query();
    while let Some(row) = rows.next()? {
        if budget.spend(ROW_OPS) && readonly {
            return Err(Failure::Overran);
        }
        sink.row(row)?;
    }
    drop(rows);
    Ok(if readonly { 0 } else { conn.changes() })
}

/// A value bound as SQLite stores it. DateTimes go as Prisma 7 writes them (its SQLite
/// adapter's default `timestampFormat: "iso8601"`): UTC text with milliseconds and an explicit
/// offset, `2024-01-02T03:04:05.678+00:00`, so that they compare and sort with rows Prisma
/// wrote; lists (long `IN` lists) as the JSON array `json_each` reads.
struct Bind<'a>(&'a Value);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as Owned;
        Ok(match self.0 {
            Value::Null | Value::NullOf(_) => ToSqlOutput::Owned(Owned::Null),
            Value::Bool(b) => ToSqlOutput::Owned(Owned::Integer(i64::from(*b))),
            Value::Int(i) => ToSqlOutput::Owned(Owned::Integer(i64::from(*i))),
            Value::BigInt(i) => ToSqlOutput::Owned(Owned::Integer(*i)),
            Value::Float(f) => ToSqlOutput::Owned(Owned::Real(*f)),
            Value::Decimal(d) => ToSqlOutput::Owned(Owned::Text(d.to_plain_string())),
            Value::String(s) | Value::Enum(s) => {
                ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
            }
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Json(j) => ToSqlOutput::Owned(Owned::Text(j.to_string())),
            Value::DateTime(d) => ToSqlOutput::Owned(Owned::Text(datetime_text(d))),
            Value::List(items) => {
                ToSqlOutput::Owned(Owned::Text(crate::exec::json_list(items, |v| match v {
                    Value::DateTime(d) => Some(datetime_text(d).into()),
                    _ => None,
                })))
            }
        })
    }
}

/// `2024-01-02T03:04:05.678+00:00`: JavaScript's `toISOString()` with the `Z` spelled as
/// Prisma's SQLite adapter spells it.
fn datetime_text(d: &chrono::DateTime<chrono::Utc>) -> String {
    d.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()
}

/// A cell as a [`Value`] by its storage class (SQLite values carry one, whatever the column's
/// declared type), then converted to what `spec` expects.
pub(crate) fn decode_cell(v: ValueRef<'_>, spec: ColumnSpec) -> std::result::Result<Value, String> {
    let v = match v {
        ValueRef::Null => return Ok(Value::Null),
        ValueRef::Integer(i) => Value::BigInt(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::String(text(t)?.to_string()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    };
    // The common cells are already of the field's kind, or an integer of an `Int` field: what
    // `coerce` would return, without its checks.
    let scalar = !matches!(
        spec,
        ColumnSpec::Raw | ColumnSpec::Field(crate::meta::FieldMeta { list: true, .. })
    );
    match (spec.kind(), v) {
        (ScalarKind::Int, Value::BigInt(i)) if scalar && i32::try_from(i).is_ok() => {
            Ok(Value::Int(i as i32))
        }
        (ScalarKind::BigInt, v @ Value::BigInt(_))
        | (ScalarKind::Float, v @ Value::Float(_))
        | (ScalarKind::String, v @ Value::String(_))
            if scalar =>
        {
            Ok(v)
        }
        (_, v) => crate::exec::coerce(v, spec),
    }
}

/// A text cell as `&str`.
pub(crate) fn text(t: &[u8]) -> std::result::Result<&str, String> {
    std::str::from_utf8(t).map_err(|e| format!("text is not UTF-8: {e}"))
}

/// Cell `i` of `row`.
pub(crate) fn cell<'r>(
    row: &'r rusqlite::Row<'_>,
    i: usize,
) -> std::result::Result<ValueRef<'r>, String> {
    row.get_ref(i).map_err(|e| e.to_string())
}

/// Rows decoded into [`Value`]s, one per column of `columns`.
pub(crate) struct Decoded {
    columns: Vec<ColumnSpec>,
    model: &'static str,
    rows: Vec<Vec<Value>>,
}

impl Decoded {
    pub(crate) fn new(columns: &[ColumnSpec], model: &'static str) -> Self {
        Decoded {
            columns: columns.to_vec(),
            model,
            rows: Vec::new(),
        }
    }
}

impl RowSink for Decoded {
    type Out = Vec<Vec<Value>>;

    fn row(&mut self, row: &rusqlite::Row<'_>) -> Result<()> {
        let mut out = Vec::with_capacity(self.columns.len());
        for (i, spec) in self.columns.iter().enumerate() {
            let v = cell(row, i)
                .and_then(|v| decode_cell(v, *spec))
                .map_err(|message| crate::exec::decode_error(self.model, *spec, message))?;
            out.push(v);
        }
        self.rows.push(out);
        Ok(())
    }

    fn reset(&mut self) {
        self.rows.clear();
    }

    fn finish(self, _: u64) -> Vec<Vec<Value>> {
        self.rows
    }
}

/// The number of rows a statement changed.
pub(crate) struct Changes;

impl RowSink for Changes {
    type Out = u64;

    fn row(&mut self, _: &rusqlite::Row<'_>) -> Result<()> {
        Ok(())
    }

    fn reset(&mut self) {}

    fn finish(self, changes: u64) -> u64 {
        changes
    }
}

/// Rows of a raw query as JSON objects keyed by column name.
#[derive(Default)]
pub(crate) struct RawRows {
    names: Vec<String>,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl RowSink for RawRows {
    type Out = Vec<serde_json::Map<String, serde_json::Value>>;

    fn start(&mut self, stmt: &rusqlite::Statement<'_>) {
        self.names = stmt
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
    }

    fn row(&mut self, row: &rusqlite::Row<'_>) -> Result<()> {
        let mut out = serde_json::Map::new();
        for (i, name) in self.names.iter().enumerate() {
            let v = cell(row, i)
                .and_then(|v| decode_cell(v, ColumnSpec::Raw))
                .map_err(|message| {
                    crate::exec::decode_error("(raw query)", ColumnSpec::Raw, message)
                })?;
            out.insert(name.clone(), crate::exec::value_to_json(&v));
        }
        self.rows.push(out);
        Ok(())
    }

    fn reset(&mut self) {
        self.rows.clear();
    }

    fn finish(self, _: u64) -> Self::Out {
        self.rows
    }
}

/// Records built straight from rows by generated code ([`crate::FromRecord::from_sqlite_row`]);
/// `None` when the record type cannot be built that way (the caller reads the general way).
pub(crate) struct Typed<R> {
    rows: Option<Vec<R>>,
}

impl<R> Typed<R> {
    pub(crate) fn new() -> Self {
        Typed {
            rows: Some(Vec::new()),
        }
    }
}

impl<R: crate::FromRecord + Send + 'static> RowSink for Typed<R> {
    type Out = Option<Vec<R>>;

    fn row(&mut self, row: &rusqlite::Row<'_>) -> Result<()> {
        if let Some(rows) = &mut self.rows {
            match R::from_sqlite_row(row) {
                Some(r) => rows.push(r?),
                None => self.rows = None,
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.rows = Some(Vec::new());
    }

    fn finish(self, _: u64) -> Option<Vec<R>> {
        self.rows
    }
}
