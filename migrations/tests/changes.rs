//! The change catalogue: for each kind of schema edit (`tests/fixtures/changes/<case>/`), the SQL
//! Quarry writes in every dialect, as insta snapshots. On SQLite and PostgreSQL it is compared
//! with what Prisma Migrate writes for the same edit (`prisma.<provider>.sql`, recorded from the
//! Prisma 7 oracle by `regen.sh`).

mod common;

use quarry_migrate::{calculate, diff, render_script, Dialect};
use std::path::PathBuf;

/// Cases where Quarry deliberately writes something else than Prisma, and why.
const KNOWN_DIFFERENCES: &[(&str, Dialect, &str)] = &[(
    "remove_enum_value",
    Dialect::Postgres,
    "Prisma wraps the enum swap in BEGIN/COMMIT; Quarry runs each whole migration in one \
     transaction, which a COMMIT in the middle would end early",
)];

fn cases() -> Vec<(String, PathBuf)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/changes");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().to_string(), e.path()))
        .collect();
    out.sort();
    out
}

fn with_datasource(body: &str, dialect: Dialect) -> String {
    format!(
        "datasource db {{\n  provider = \"{}\"\n}}\n\n{body}",
        dialect.provider()
    )
}

/// The SQL Quarry writes for one case.
fn quarry_sql(dir: &std::path::Path, dialect: Dialect) -> String {
    let read = |side: &str| std::fs::read_to_string(dir.join(format!("{side}.prisma"))).unwrap();
    let before = calculate(&common::parse_ok(&with_datasource(
        &read("before"),
        dialect,
    )));
    let after = calculate(&common::parse_ok(&with_datasource(&read("after"), dialect)));
    render_script(&diff(&before, &after))
}

#[test]
fn change_catalogue() {
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (name, dir) in cases() {
        for dialect in Dialect::ALL {
            let sql = quarry_sql(&dir, dialect);
            let fixture = dir.join(format!("prisma.{}.sql", dialect.provider()));
            if let Ok(prisma) = std::fs::read_to_string(&fixture) {
                compared += 1;
                let known = KNOWN_DIFFERENCES
                    .iter()
                    .any(|(n, d, _)| *n == name && *d == dialect);
                if format!("{sql}\n") != prisma && !known {
                    mismatches.push(format!(
                        "=== {name} on {dialect}\n--- Prisma:\n{prisma}--- Quarry:\n{sql}"
                    ));
                }
            }
            insta::assert_snapshot!(format!("{name}.{}", dialect.provider()), sql);
        }
    }
    assert!(compared > 40, "only {compared} cases compared with Prisma");
    assert!(
        mismatches.is_empty(),
        "{} differences from Prisma:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Every change of the catalogue runs on a real database: migrate to `before`, apply the change,
/// and the database matches `after`; apply the reverse change (what `down.sql` holds), and it
/// matches `before` again.
async fn catalogue_applies(backend: quarry_tests::db::Backend) {
    use quarry_migrate::{introspect, Connection, DatabaseSchema};
    let dialect = Dialect::parse(backend.provider()).unwrap();
    for (name, dir) in cases() {
        let Some(db) = quarry_tests::db::TestDb::new(backend).await else {
            return;
        };
        let read =
            |side: &str| std::fs::read_to_string(dir.join(format!("{side}.prisma"))).unwrap();
        let before = calculate(&common::parse_ok(&with_datasource(
            &read("before"),
            dialect,
        )));
        let after = calculate(&common::parse_ok(&with_datasource(&read("after"), dialect)));
        let mut conn = Connection::connect(&db.url, std::path::Path::new("."))
            .await
            .unwrap();
        let setup = render_script(&diff(&DatabaseSchema::empty(dialect), &before));
        conn.apply_script(&setup).await.unwrap();
        for (label, from, to) in [("up", &before, &after), ("down", &after, &before)] {
            let script = render_script(&diff(from, to));
            conn.apply_script(&script)
                .await
                .unwrap_or_else(|e| panic!("{name} {label} on {dialect}: {e}\n{script}"));
            let live = introspect(&mut conn).await.unwrap();
            let left = diff(&live, to);
            assert!(
                left.is_empty(),
                "{name} {label} on {dialect}: the database does not match the schema:\n{}",
                render_script(&left)
            );
        }
        conn.close().await;
    }
}

#[tokio::test]
async fn catalogue_applies_on_sqlite() {
    catalogue_applies(quarry_tests::db::Backend::Sqlite).await;
}

#[tokio::test]
async fn catalogue_applies_on_postgres() {
    catalogue_applies(quarry_tests::db::Backend::Postgres).await;
}

#[tokio::test]
async fn catalogue_applies_on_mysql() {
    catalogue_applies(quarry_tests::db::Backend::Mysql).await;
}

/// The readable summary `migrate diff` prints without `--script`, for every case on PostgreSQL.
#[test]
fn change_summaries() {
    let mut out = String::new();
    for (name, dir) in cases() {
        let read =
            |side: &str| std::fs::read_to_string(dir.join(format!("{side}.prisma"))).unwrap();
        let before = calculate(&common::parse_ok(&with_datasource(
            &read("before"),
            Dialect::Postgres,
        )));
        let after = calculate(&common::parse_ok(&with_datasource(
            &read("after"),
            Dialect::Postgres,
        )));
        out.push_str(&format!(
            "## {name}\n{}\n",
            quarry_migrate::summarize(&diff(&before, &after))
        ));
    }
    insta::assert_snapshot!("summaries.postgresql", out);
}
