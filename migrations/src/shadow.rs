//! Shadow databases and emptying databases.
//!
//! A shadow database is a scratch database the migrations folder is replayed on, to learn the
//! schema the migrations produce: a temporary file for SQLite; for PostgreSQL and MySQL the
//! datasource's `shadowDatabaseUrl` (emptied first), or else a temporary database created next
//! to the main one and dropped afterwards.

use crate::connection::{self, Cell, Connection};
use crate::database::DatabaseSchema;
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};
use crate::introspect::introspect;
use crate::migrations_dir::LocalMigration;
use std::path::Path;

/// A scratch database, removed by [`ShadowDatabase::cleanup`].
#[derive(Debug)]
pub struct ShadowDatabase {
    /// Its URL.
    pub url: String,
    dropped_by: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    /// The file lives in this folder, removed on drop.
    TempDir(#[allow(dead_code)] tempfile::TempDir),
    /// A database created for the occasion.
    DropDatabase { server_url: String, name: String },
    /// The user's `shadowDatabaseUrl`: left in place.
    Keep,
}

impl ShadowDatabase {
    /// Creates an empty shadow database for `dialect`. `shadow_url` is the datasource's
    /// `shadowDatabaseUrl`; `main_url` locates the server otherwise.
    pub async fn create(
        dialect: Dialect,
        main_url: Option<&str>,
        shadow_url: Option<&str>,
    ) -> Result<ShadowDatabase> {
        if dialect == Dialect::Sqlite {
            let dir = tempfile::tempdir().map_err(MigrateError::io(std::env::temp_dir()))?;
            let url = format!("file:{}", dir.path().join("shadow.db").display());
            return Ok(ShadowDatabase {
                url,
                dropped_by: Cleanup::TempDir(dir),
            });
        }
        if let Some(url) = shadow_url {
            if main_url.is_some_and(|m| same_database(m, url)) {
                return Err(MigrateError::MissingDatabase(
                    "The shadow database URL is the same as the main database URL. The shadow \
                     database is emptied before every use: give it a database of its own."
                        .to_string(),
                ));
            }
            let mut conn = Connection::connect(url, Path::new(".")).await?;
            reset_database(&mut conn).await?;
            conn.close().await;
            return Ok(ShadowDatabase {
                url: url.to_string(),
                dropped_by: Cleanup::Keep,
            });
        }
        let Some(main) = main_url else {
            return Err(MigrateError::MissingDatabase(format!(
                "Replaying migrations on {dialect} needs a database server: set DATABASE_URL (or \
                 the datasource's url), or pass --shadow-database-url."
            )));
        };
        let name = format!("quarry_shadow_{}", crate::util::random_suffix());
        connection::create_database(main, &name)
            .await
            .map_err(|e| match e {
                MigrateError::Database { source, .. } if is_denied(&source) => {
                    MigrateError::MissingDatabase(format!(
                        "Could not create a shadow database on the server of DATABASE_URL: {source}\n\
                         The user needs the right to create databases (PostgreSQL: CREATEDB; \
                         MySQL: CREATE). Or give the shadow database a database of its own, \
                         emptied before every use: `--shadow-database-url URL`, the \
                         `SHADOW_DATABASE_URL` variable, or `shadowDatabaseUrl` in the \
                         datasource block."
                    ))
                }
                other => other,
            })?;
        Ok(ShadowDatabase {
            url: connection::with_database(main, &name),
            dropped_by: Cleanup::DropDatabase {
                server_url: main.to_string(),
                name,
            },
        })
    }

    /// Applies `migrations` in order and reads back the schema they produce.
    pub async fn replay(&self, migrations: &[LocalMigration]) -> Result<DatabaseSchema> {
        let mut conn = Connection::connect(&self.url, Path::new(".")).await?;
        for m in migrations {
            if let Err(e) = conn.apply_script(&m.script).await {
                conn.close().await;
                return Err(MigrateError::MigrationFailed {
                    name: m.name.clone(),
                    message: format!(
                        "It could not be replayed on the shadow database, so the migrations \
                         folder does not describe a working schema:\n{e}"
                    ),
                });
            }
        }
        let schema = introspect(&mut conn).await;
        conn.close().await;
        schema
    }

    /// Removes the shadow database (best effort).
    pub async fn cleanup(self) {
        match self.dropped_by {
            Cleanup::DropDatabase { server_url, name } => {
                let _ = connection::drop_database(&server_url, &name).await;
            }
            Cleanup::TempDir(_) | Cleanup::Keep => {}
        }
    }
}

fn same_database(a: &str, b: &str) -> bool {
    let strip = |u: &str| {
        u.split('?')
            .next()
            .unwrap_or(u)
            .trim_end_matches('/')
            .to_string()
    };
    strip(a) == strip(b)
}

/// Replays `migrations` on a fresh shadow database and returns the schema they produce.
pub async fn replay_migrations(
    dialect: Dialect,
    migrations: &[LocalMigration],
    main_url: Option<&str>,
    shadow_url: Option<&str>,
) -> Result<DatabaseSchema> {
    if migrations.is_empty() {
        return Ok(DatabaseSchema::empty(dialect));
    }
    let shadow = ShadowDatabase::create(dialect, main_url, shadow_url).await?;
    let result = shadow.replay(migrations).await;
    shadow.cleanup().await;
    result
}

/// Drops every table, view, enum and sequence of the database (its current schema on
/// PostgreSQL), history tables included.
pub async fn reset_database(conn: &mut Connection) -> Result<()> {
    let d = conn.dialect();
    let err = |what: &str| MigrateError::db(format!("Could not empty the database ({what})"));
    match d {
        Dialect::Sqlite => {
            let rows = conn
                .query(
                    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') \
                     AND name NOT LIKE 'sqlite_%'",
                    &[],
                )
                .await
                .map_err(err("listing"))?;
            let mut script = String::from("PRAGMA foreign_keys=OFF;\n");
            for r in &rows {
                let kind = if r[0].string() == "view" {
                    "VIEW"
                } else {
                    "TABLE"
                };
                script.push_str(&format!(
                    "DROP {kind} IF EXISTS {};\n",
                    d.quote(&r[1].string())
                ));
            }
            script.push_str("PRAGMA foreign_keys=ON;\n");
            conn.execute_script(&script)
                .await
                .map_err(err("dropping"))?;
            conn.execute_script("VACUUM").await.map_err(err("vacuum"))?;
        }
        Dialect::Postgres => {
            let rows = conn
                .query(
                    "SELECT c.relkind::text, c.relname::text FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') \
                     AND NOT c.relispartition",
                    &[],
                )
                .await
                .map_err(err("listing"))?;
            let mut script = String::new();
            for r in &rows {
                let kind = match r[0].text() {
                    Some("v") => "VIEW",
                    Some("m") => "MATERIALIZED VIEW",
                    Some("S") => "SEQUENCE",
                    _ => "TABLE",
                };
                script.push_str(&format!(
                    "DROP {kind} IF EXISTS {} CASCADE;\n",
                    d.quote(&r[1].string())
                ));
            }
            let types = conn
                .query(
                    "SELECT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                     WHERE n.nspname = current_schema() AND t.typtype = 'e'",
                    &[],
                )
                .await
                .map_err(err("listing types"))?;
            for t in &types {
                script.push_str(&format!(
                    "DROP TYPE IF EXISTS {} CASCADE;\n",
                    d.quote(&t[0].string())
                ));
            }
            if !script.is_empty() {
                conn.execute_script(&script)
                    .await
                    .map_err(err("dropping"))?;
            }
        }
        Dialect::Mysql => {
            let rows = conn
                .query(
                    "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_TYPE AS CHAR) FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE()",
                    &[],
                )
                .await
                .map_err(err("listing"))?;
            let mut script = String::from("SET FOREIGN_KEY_CHECKS=0;\n");
            for r in &rows {
                let kind = if r[1].text() == Some("VIEW") {
                    "VIEW"
                } else {
                    "TABLE"
                };
                script.push_str(&format!(
                    "DROP {kind} IF EXISTS {};\n",
                    d.quote(&r[0].string())
                ));
            }
            script.push_str("SET FOREIGN_KEY_CHECKS=1;\n");
            conn.execute_script(&script)
                .await
                .map_err(err("dropping"))?;
        }
    }
    Ok(())
}

/// How many rows `table` has.
pub(crate) async fn count_rows(conn: &mut Connection, table: &str) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM {}", conn.dialect().quote(table));
    let rows = conn
        .query(&sql, &[])
        .await
        .map_err(MigrateError::db(format!(
            "Could not count the rows of `{table}`"
        )))?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(Cell::int)
        .unwrap_or(0))
}

/// How many rows of `table` have a value (`null: false`) or `NULL` (`null: true`) in `column`.
pub(crate) async fn count_values(
    conn: &mut Connection,
    table: &str,
    column: &str,
    null: bool,
) -> Result<i64> {
    let d = conn.dialect();
    let sql = format!(
        "SELECT count(*) FROM {} WHERE {} IS {}NULL",
        d.quote(table),
        d.quote(column),
        if null { "" } else { "NOT " }
    );
    let rows = conn
        .query(&sql, &[])
        .await
        .map_err(MigrateError::db(format!(
            "Could not count the values of `{table}`.`{column}`"
        )))?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(Cell::int)
        .unwrap_or(0))
}

/// Whether creating a database failed for lack of the right to (PostgreSQL 42501, MySQL
/// 1044/1045/1227).
fn is_denied(e: &sqlx::Error) -> bool {
    let Some(d) = e.as_database_error() else {
        return false;
    };
    if let Some(my) = d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(my.number(), 1044 | 1045 | 1227);
    }
    d.code().as_deref() == Some("42501")
}
