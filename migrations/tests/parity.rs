//! Prisma parity: a database Prisma Migrate created is the database Quarry creates.
//!
//! For every schema example on SQLite and PostgreSQL, Prisma's DDL (recorded from the Prisma 7
//! oracle in `tests/fixtures/prisma/`) and Quarry's DDL are applied to two fresh databases; both
//! read back to the same schema, and Quarry sees no difference between the Prisma-made database
//! and the schema, so a team can switch without a new migration. A Prisma migration history is
//! adopted as it is.

mod common;

use quarry_migrate::commands::{self, Silent};
use quarry_migrate::migrations_dir::MigrationsDir;
use quarry_migrate::{
    calculate_for, checksum, diff, introspect, render_script, Connection, DatabaseSchema, Dialect,
    Project,
};
use quarry_tests::db::{Backend, TestDb};
use std::path::Path;

async fn apply(url: &str, script: &str) -> DatabaseSchema {
    let mut conn = Connection::connect(url, Path::new(".")).await.unwrap();
    conn.apply_script(script).await.unwrap();
    let schema = introspect(&mut conn).await.unwrap();
    conn.close().await;
    schema
}

async fn parity(backend: Backend) {
    let dialect = Dialect::parse(backend.provider()).unwrap();
    let mut compared = 0;
    for (name, schema) in common::runnable_examples(dialect) {
        let Some(prisma_sql) = common::prisma_fixture(&name, dialect) else {
            continue;
        };
        let (Some(prisma_db), Some(quarry_db)) =
            (TestDb::new(backend).await, TestDb::new(backend).await)
        else {
            return;
        };
        let target = calculate_for(&schema, dialect);
        let quarry_sql = render_script(&diff(&DatabaseSchema::empty(dialect), &target));
        let by_prisma = apply(&prisma_db.url, &prisma_sql).await;
        let by_quarry = apply(&quarry_db.url, &quarry_sql).await;
        assert_eq!(
            by_prisma.normalized(),
            by_quarry.normalized(),
            "{name} on {dialect}: Prisma's and Quarry's databases differ"
        );
        let left = diff(&by_prisma, &target);
        assert!(
            left.is_empty(),
            "{name} on {dialect}: Quarry wants to change a database Prisma migrated:\n{}",
            render_script(&left)
        );
        compared += 1;
    }
    assert!(
        compared >= 3,
        "only {compared} examples compared on {dialect}"
    );
}

#[tokio::test]
async fn prisma_parity_sqlite() {
    parity(Backend::Sqlite).await;
}

#[tokio::test]
async fn prisma_parity_postgres() {
    parity(Backend::Postgres).await;
}

/// Prisma's history table, as Prisma creates it.
fn prisma_history_ddl(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => {
            r#"CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)"#
        }
        Dialect::Mysql => {
            "CREATE TABLE `_prisma_migrations` (
    `id` VARCHAR(36) PRIMARY KEY NOT NULL,
    `checksum` VARCHAR(64) NOT NULL,
    `finished_at` DATETIME(3),
    `migration_name` VARCHAR(255) NOT NULL,
    `logs` TEXT,
    `rolled_back_at` DATETIME(3),
    `started_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `applied_steps_count` INTEGER UNSIGNED NOT NULL DEFAULT 0
)"
        }
        Dialect::Sqlite => {
            r#"CREATE TABLE "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
)"#
        }
    }
}

/// A database Prisma migrated keeps its history: `status` reads `_prisma_migrations`, and
/// `deploy` adopts it instead of re-applying the migrations.
async fn adopts_prisma_history(backend: Backend) {
    let dialect = Dialect::parse(backend.provider()).unwrap();
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let (_, schema) = common::runnable_examples(dialect)
        .into_iter()
        .find(|(n, _)| n == "blog")
        .unwrap();
    let script = render_script(&diff(
        &DatabaseSchema::empty(dialect),
        &calculate_for(&schema, dialect),
    ));
    let tmp = tempfile::tempdir().unwrap();
    let dir = MigrationsDir::new(tmp.path().join("migrations"));
    dir.write_lock(dialect).unwrap();
    std::fs::create_dir_all(dir.path.join("20240101000000_init")).unwrap();
    std::fs::write(dir.path.join("20240101000000_init/migration.sql"), &script).unwrap();

    // What `prisma migrate deploy` leaves behind.
    let mut conn = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    conn.apply_script(&script).await.unwrap();
    conn.execute_script(prisma_history_ddl(dialect))
        .await
        .unwrap();
    let q = |s: &str| dialect.quote(s);
    conn.execute_script(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES ('p1', '{}', CURRENT_TIMESTAMP, '20240101000000_init', 1)",
        q("_prisma_migrations"),
        q("id"),
        q("checksum"),
        q("finished_at"),
        q("migration_name"),
        q("applied_steps_count"),
        checksum(&script)
    ))
    .await
    .unwrap();
    conn.close().await;

    let project = Project {
        schema,
        dialect,
        migrations: dir,
        url: Some(db.url.clone()),
        shadow_url: None,
        base_dir: tmp.path().to_path_buf(),
    };
    assert!(commands::status(&project).await.unwrap().is_up_to_date());
    let report = commands::deploy(&project, &mut Silent).await.unwrap();
    assert_eq!(report.adopted_from_prisma, 1);
    assert!(report.applied.is_empty());
    assert!(commands::status(&project).await.unwrap().is_up_to_date());
}

#[tokio::test]
async fn adopts_prisma_history_sqlite() {
    adopts_prisma_history(Backend::Sqlite).await;
}

#[tokio::test]
async fn adopts_prisma_history_postgres() {
    adopts_prisma_history(Backend::Postgres).await;
}

#[tokio::test]
async fn adopts_prisma_history_mysql() {
    adopts_prisma_history(Backend::Mysql).await;
}
