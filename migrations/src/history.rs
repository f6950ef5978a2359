//! The migration history table `_quarry_migrations`.
//!
//! Owns: its DDL per dialect (the shape of Prisma's `_prisma_migrations`: id, checksum,
//! finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count), reading
//! it, and recording started, finished, failed and rolled-back migrations. Timestamps are set by
//! the database (`CURRENT_TIMESTAMP`) and read back as text.

use crate::connection::{Cell, Connection, Param};
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};

/// The history table's name.
pub const TABLE: &str = "_quarry_migrations";

/// One row of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// Row id.
    pub id: String,
    /// sha256 of the script that was applied.
    pub checksum: String,
    /// The migration's folder name.
    pub migration_name: String,
    /// When applying started.
    pub started_at: String,
    /// When applying finished; `None` while running or after a failure.
    pub finished_at: Option<String>,
    /// The error, for a failed migration.
    pub logs: Option<String>,
    /// When it was marked rolled back (`migrate resolve --rolled-back`, `migrate down`).
    pub rolled_back_at: Option<String>,
    /// 1 once the script ran completely.
    pub applied_steps_count: i64,
}

impl AppliedMigration {
    /// Applied and not rolled back.
    pub fn is_applied(&self) -> bool {
        self.finished_at.is_some() && self.rolled_back_at.is_none()
    }

    /// Failed (or interrupted) and not resolved.
    pub fn is_failed(&self) -> bool {
        self.finished_at.is_none() && self.rolled_back_at.is_none()
    }
}

fn create_table_sql(dialect: Dialect) -> String {
    let q = |s: &str| dialect.quote(s);
    let (ts, now, text, tail) = match dialect {
        Dialect::Postgres => ("TIMESTAMPTZ", "now()", "TEXT", ""),
        Dialect::Mysql => (
            "DATETIME(3)",
            "CURRENT_TIMESTAMP(3)",
            "TEXT",
            " DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        ),
        Dialect::Sqlite => ("DATETIME", "current_timestamp", "TEXT", ""),
    };
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n    \
         {id} VARCHAR(36) PRIMARY KEY NOT NULL,\n    \
         {checksum} VARCHAR(64) NOT NULL,\n    \
         {finished_at} {ts} NULL,\n    \
         {name} VARCHAR(255) NOT NULL,\n    \
         {logs} {text} NULL,\n    \
         {rolled_back_at} {ts} NULL,\n    \
         {started_at} {ts} NOT NULL DEFAULT {now},\n    \
         {steps} INTEGER NOT NULL DEFAULT 0\n)\
         {tail}",
        table = q(TABLE),
        id = q("id"),
        checksum = q("checksum"),
        finished_at = q("finished_at"),
        name = q("migration_name"),
        logs = q("logs"),
        rolled_back_at = q("rolled_back_at"),
        started_at = q("started_at"),
        steps = q("applied_steps_count"),
    )
}

/// Creates the history table if it does not exist.
pub async fn ensure_table(conn: &mut Connection) -> Result<()> {
    let sql = create_table_sql(conn.dialect());
    conn.execute_script(&sql).await.map_err(MigrateError::db(
        "Could not create the migration history table",
    ))
}

/// True when the history table exists.
pub async fn table_exists(conn: &mut Connection) -> Result<bool> {
    table_named_exists(conn, TABLE).await
}

pub(crate) async fn table_named_exists(conn: &mut Connection, name: &str) -> Result<bool> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
        Dialect::Postgres => {
            "SELECT count(*)::int8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relname = ? AND c.relkind = 'r'"
        }
        Dialect::Mysql => {
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
             AND TABLE_NAME = ?"
        }
    };
    let rows = conn
        .query(sql, &[Param::Text(name.to_string())])
        .await
        .map_err(MigrateError::db(
            "Could not look for the migration history table",
        ))?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(Cell::int)
        .unwrap_or(0)
        > 0)
}

fn as_text(dialect: Dialect, column: &str) -> String {
    let c = dialect.quote(column);
    match dialect {
        Dialect::Postgres => format!("{c}::text"),
        Dialect::Mysql => format!("CAST({c} AS CHAR)"),
        Dialect::Sqlite => c,
    }
}

/// Every row, in the order migrations were started. Empty when the table does not exist.
pub async fn read(conn: &mut Connection) -> Result<Vec<AppliedMigration>> {
    read_table(conn, TABLE).await
}

pub(crate) async fn read_table(
    conn: &mut Connection,
    table: &str,
) -> Result<Vec<AppliedMigration>> {
    if !table_named_exists(conn, table).await? {
        return Ok(Vec::new());
    }
    let d = conn.dialect();
    let sql = format!(
        "SELECT {}, {}, {}, {}, {}, {}, {}, {} FROM {} ORDER BY {}, {}",
        d.quote("id"),
        d.quote("checksum"),
        d.quote("migration_name"),
        as_text(d, "started_at"),
        as_text(d, "finished_at"),
        d.quote("logs"),
        as_text(d, "rolled_back_at"),
        d.quote("applied_steps_count"),
        d.quote(table),
        d.quote("started_at"),
        d.quote("migration_name"),
    );
    let rows = conn
        .query(&sql, &[])
        .await
        .map_err(MigrateError::db("Could not read the migration history"))?;
    let opt = |c: &Cell| (!c.is_null()).then(|| c.string());
    Ok(rows
        .iter()
        .map(|r| AppliedMigration {
            id: r[0].string(),
            checksum: r[1].string(),
            migration_name: r[2].string(),
            started_at: r[3].string(),
            finished_at: opt(&r[4]),
            logs: opt(&r[5]),
            rolled_back_at: opt(&r[6]),
            applied_steps_count: r[7].int().unwrap_or(0),
        })
        .collect())
}

/// Records that a migration starts; returns the row id.
pub async fn record_started(conn: &mut Connection, name: &str, checksum: &str) -> Result<String> {
    let id = crate::util::new_id(name);
    let d = conn.dialect();
    let sql = format!(
        "INSERT INTO {} ({}, {}, {}, {}) VALUES (?, ?, ?, 0)",
        d.quote(TABLE),
        d.quote("id"),
        d.quote("checksum"),
        d.quote("migration_name"),
        d.quote("applied_steps_count"),
    );
    conn.execute(
        &sql,
        &[
            Param::Text(id.clone()),
            Param::Text(checksum.to_string()),
            Param::Text(name.to_string()),
        ],
    )
    .await
    .map_err(MigrateError::db("Could not record the migration"))?;
    Ok(id)
}

/// Records that the migration with row `id` finished.
pub async fn record_finished(conn: &mut Connection, id: &str) -> Result<()> {
    let d = conn.dialect();
    let sql = format!(
        "UPDATE {} SET {} = CURRENT_TIMESTAMP, {} = 1 WHERE {} = ?",
        d.quote(TABLE),
        d.quote("finished_at"),
        d.quote("applied_steps_count"),
        d.quote("id"),
    );
    conn.execute(&sql, &[Param::Text(id.to_string())])
        .await
        .map_err(MigrateError::db("Could not record the migration"))?;
    Ok(())
}

/// Records a failure: a row that is neither finished nor rolled back, with the error.
pub async fn record_failed(
    conn: &mut Connection,
    name: &str,
    checksum: &str,
    logs: &str,
) -> Result<()> {
    let id = crate::util::new_id(name);
    let d = conn.dialect();
    let sql = format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES (?, ?, ?, ?, 0)",
        d.quote(TABLE),
        d.quote("id"),
        d.quote("checksum"),
        d.quote("migration_name"),
        d.quote("logs"),
        d.quote("applied_steps_count"),
    );
    conn.execute(
        &sql,
        &[
            Param::Text(id),
            Param::Text(checksum.to_string()),
            Param::Text(name.to_string()),
            Param::Text(logs.to_string()),
        ],
    )
    .await
    .map_err(MigrateError::db("Could not record the failed migration"))?;
    Ok(())
}

/// Writes the error into an existing row (MySQL, where the row precedes the script).
pub async fn record_error(conn: &mut Connection, id: &str, logs: &str) -> Result<()> {
    let d = conn.dialect();
    let sql = format!(
        "UPDATE {} SET {} = ? WHERE {} = ?",
        d.quote(TABLE),
        d.quote("logs"),
        d.quote("id"),
    );
    conn.execute(
        &sql,
        &[Param::Text(logs.to_string()), Param::Text(id.to_string())],
    )
    .await
    .map_err(MigrateError::db("Could not record the failed migration"))?;
    Ok(())
}

/// Inserts a row for `name` marked applied (`migrate resolve --applied`, baselining).
pub async fn record_applied(conn: &mut Connection, name: &str, checksum: &str) -> Result<()> {
    let id = record_started(conn, name, checksum).await?;
    record_finished(conn, &id).await
}

/// Marks every unresolved or applied row of `name` rolled back.
pub async fn mark_rolled_back(conn: &mut Connection, name: &str, note: &str) -> Result<u64> {
    let d = conn.dialect();
    let concat = match d {
        Dialect::Mysql => format!("CONCAT(COALESCE({}, ''), ?)", d.quote("logs")),
        _ => format!("COALESCE({}, '') || ?", d.quote("logs")),
    };
    let sql = format!(
        "UPDATE {} SET {} = CURRENT_TIMESTAMP, {} = {concat} WHERE {} = ? AND {} IS NULL",
        d.quote(TABLE),
        d.quote("rolled_back_at"),
        d.quote("logs"),
        d.quote("migration_name"),
        d.quote("rolled_back_at"),
    );
    conn.execute(
        &sql,
        &[Param::Text(note.to_string()), Param::Text(name.to_string())],
    )
    .await
    .map_err(MigrateError::db("Could not update the migration history"))
}

/// Copies the rows of Prisma's `_prisma_migrations` into a new `_quarry_migrations`, so a
/// database Prisma migrated keeps its history (checksums are the same sha256 of migration.sql).
/// Does nothing when Quarry's table exists or Prisma's does not. Returns the rows copied.
pub async fn adopt_prisma_history(conn: &mut Connection) -> Result<usize> {
    if table_exists(conn).await? || !table_named_exists(conn, "_prisma_migrations").await? {
        return Ok(0);
    }
    let rows = read_table(conn, "_prisma_migrations").await?;
    ensure_table(conn).await?;
    let mut copied = 0;
    for row in rows.iter().filter(|r| r.is_applied()) {
        record_applied(conn, &row.migration_name, &row.checksum).await?;
        copied += 1;
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_table_has_prismas_shape() {
        let sql = create_table_sql(Dialect::Postgres);
        for col in [
            "id",
            "checksum",
            "finished_at",
            "migration_name",
            "logs",
            "rolled_back_at",
            "started_at",
            "applied_steps_count",
        ] {
            assert!(sql.contains(&format!("\"{col}\"")), "{col}");
        }
    }
}
