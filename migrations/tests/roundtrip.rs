//! Round trip: for every schema example on every database it validates for, apply the DDL
//! Quarry writes, read the database back, and diff it against the schema. The diff is empty.

mod common;

use quarry_migrate::{calculate_for, diff, introspect, render_script, Connection, DatabaseSchema};
use quarry_tests::db::{Backend, TestDb};
use std::path::Path;

fn dialect(backend: Backend) -> quarry_migrate::Dialect {
    quarry_migrate::Dialect::parse(backend.provider()).expect("provider")
}

async fn round_trip(backend: Backend) {
    let dialect = dialect(backend);
    let examples = common::runnable_examples(dialect);
    let count = examples.len();
    assert!(count >= 3, "only {count} examples run on {dialect}");
    for (name, schema) in examples {
        eprintln!("round trip: {name} on {dialect}");
        let Some(db) = TestDb::new(backend).await else {
            return;
        };
        let target = calculate_for(&schema, dialect);
        let script = render_script(&diff(&DatabaseSchema::empty(dialect), &target));
        let mut conn = Connection::connect(&db.url, Path::new(".")).await.unwrap();
        conn.apply_script(&script)
            .await
            .unwrap_or_else(|e| panic!("{name} on {dialect}: {e}\n{script}"));
        let live = introspect(&mut conn).await.unwrap();
        let drift = diff(&live, &target);
        assert!(
            drift.is_empty(),
            "{name} on {dialect}: the database differs from the schema after migrating:\n{}\n--- live: {live:#?}",
            render_script(&drift)
        );
        // And the other way round: nothing to undo either.
        assert!(
            diff(&target, &live).is_empty(),
            "{name} on {dialect}: reverse diff"
        );
        conn.close().await;
    }
}

#[tokio::test]
async fn round_trip_sqlite() {
    round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn round_trip_postgres() {
    round_trip(Backend::Postgres).await;
}

#[tokio::test]
async fn round_trip_mysql() {
    round_trip(Backend::Mysql).await;
}
