//! SQLite's executor (`runtime/src/sqlite.rs`): statements run on the caller's thread only
//! while they are short. Each test runs on a single-threaded runtime with a ticker task beside
//! the statement: if the statement blocked the runtime's one thread, the ticker could not tick
//! while it ran.

use quarry::{Client, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A recursive CTE over `n` rows: enough work to take far longer than the inline budget.
fn counting(n: i64) -> String {
    format!(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) \
         SELECT count(*) AS n, sum(x) AS s FROM c"
    )
}

async fn client(dir: &tempfile::TempDir) -> Client {
    let url = format!("file:{}?mode=rwc", dir.path().join("exec.db").display());
    let client = Client::connect(&url).await.expect("SQLite opens");
    client
        .execute_raw(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)",
            vec![],
        )
        .await
        .expect("table");
    client
}

/// Runs `work` beside a task that ticks every millisecond; returns its result and the ticks
/// counted while it ran.
async fn with_ticker<T>(work: impl std::future::Future<Output = T>) -> (T, usize) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let counter = ticks.clone();
    let ticker = tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_millis(1));
        loop {
            interval.tick().await;
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    // Let the ticker start.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let before = ticks.load(Ordering::Relaxed);
    let out = work.await;
    let during = ticks.load(Ordering::Relaxed) - before;
    ticker.abort();
    (out, during)
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_read_does_not_stall_other_tasks_and_answers_right() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir).await;
    let n = 3_000_000i64;
    for round in 0..2 {
        // Round 0 overruns the budget on this thread and starts over on a blocking thread;
        // round 1 starts there (the statement is remembered as slow).
        let (rows, ticks) = with_ticker(client.query_raw(&counting(n), vec![])).await;
        let rows = rows.expect("the query runs");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["n"], serde_json::json!(n), "round {round}");
        assert_eq!(
            rows[0]["s"],
            serde_json::json!(n * (n + 1) / 2),
            "round {round}"
        );
        assert!(
            ticks >= 10,
            "round {round}: the runtime stalled ({ticks} ticks)"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_write_outside_a_transaction_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir).await;
    let n = 300_000i64;
    let insert = format!(
        "INSERT INTO t (v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c"
    );
    // Raw SQL: not bounded by its input, so it starts on a blocking thread; every row once.
    let (changed, ticks) = with_ticker(client.execute_raw(&insert, vec![])).await;
    assert_eq!(changed.expect("the insert runs"), n as u64);
    assert!(ticks >= 5, "the runtime stalled ({ticks} ticks)");
    let rows = client
        .query_raw(
            "SELECT count(*) AS n, count(DISTINCT v) AS d FROM t",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows[0]["n"], serde_json::json!(n));
    assert_eq!(rows[0]["d"], serde_json::json!(n));
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_write_inside_a_transaction_keeps_the_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir).await;
    let n = 300_000i64;
    let (result, ticks) = with_ticker(client.transaction(|tx| async move {
        tx.execute_raw("INSERT INTO t (v) VALUES (?)", vec![Value::BigInt(-1)])
            .await?;
        let insert = format!(
            "INSERT INTO t (v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c"
        );
        // Not bounded by its input: it starts on a blocking thread and is never interrupted,
        // which would roll back the whole transaction, the first insert with it.
        let changed = tx.execute_raw(&insert, vec![]).await?;
        let rows = tx.query_raw("SELECT count(*) AS n FROM t", vec![]).await?;
        Ok::<_, quarry::Error>((changed, rows))
    }))
    .await;
    let (changed, rows) = result.expect("the transaction commits");
    assert_eq!(changed, n as u64);
    assert_eq!(rows[0]["n"], serde_json::json!(n + 1));
    assert!(ticks >= 5, "the runtime stalled ({ticks} ticks)");
}

#[tokio::test(flavor = "current_thread")]
async fn a_locked_database_is_waited_for_off_the_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let writer = client(&dir).await;
    let url = format!("file:{}?mode=rwc", dir.path().join("exec.db").display());
    let other = Client::connect(&url).await.unwrap();
    // One transaction holds the write lock for a while...
    let holder = writer.transaction(|tx| async move {
        tx.execute_raw("INSERT INTO t (v) VALUES (1)", vec![])
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok::<_, quarry::Error>(())
    });
    // ...while another connection's insert finds the database locked: it waits (busy
    // timeout) on a blocking thread, and the runtime goes on.
    let waiter = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (r, ticks) =
            with_ticker(other.execute_raw("INSERT INTO t (v) VALUES (2)", vec![])).await;
        (r, ticks)
    };
    let (held_result, (inserted, ticks)) = tokio::join!(holder, waiter);
    held_result.expect("the holder commits");
    assert_eq!(inserted.expect("the waiting insert succeeds"), 1);
    assert!(ticks >= 20, "the runtime stalled ({ticks} ticks)");
    let rows = other
        .query_raw("SELECT v FROM t ORDER BY v", vec![])
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

/// Inserts of many sizes outside a transaction, each counted. SQLite calls the progress
/// handler once more after a statement has committed; an executor that interrupted writes
/// there would be told "interrupted" of a write that was applied, and run it twice (the first
/// sequence of sizes did that to the executor that interrupted autocommit writes after 1 ms).
/// Writes are never interrupted by the inline budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_applied_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir).await;
    client
        .execute_raw(
            "CREATE TABLE w (id INTEGER PRIMARY KEY AUTOINCREMENT, s TEXT NOT NULL)",
            vec![],
        )
        .await
        .unwrap();
    let small = (0..300u64).map(|c| 50 + (c * 37 % 900) as usize);
    // Up to SQLite's limit of binds: these exceed the inline budget, each at another point.
    let large = (0..60u64).map(|c| 5_000 + (c * 7919 % 27_000) as usize);
    let mut sent = 0u64;
    for (chunk, n) in small.chain(large).enumerate() {
        let sql = format!("INSERT INTO w (s) VALUES {}", vec!["(?)"; n].join(", "));
        let binds: Vec<Value> = (0..n).map(|i| Value::String(format!("row {i}"))).collect();
        let reported = client.execute_raw(&sql, binds).await.expect("insert");
        assert_eq!(reported, n as u64, "chunk {chunk}");
        sent += n as u64;
        let rows = client
            .query_raw("SELECT count(*) AS n FROM w", vec![])
            .await
            .unwrap();
        assert_eq!(
            rows[0]["n"],
            serde_json::json!(sent),
            "after chunk {chunk} of {n} rows"
        );
    }
}
