//! Inserting 1, 10 and 100 rows (the insert workload of Diesel's benchmark suite): Quarry
//! against hand-written sqlx, on SQLite and PostgreSQL.
//!
//! - 1 row: Quarry `create` (returns the record) against sqlx `INSERT ... RETURNING` mapped to
//!   a struct.
//! - 10 and 100 rows: Quarry `create_many` against one multi-row sqlx `INSERT`.
//!
//! PostgreSQL runs when `QUARRY_TEST_POSTGRES_URL` is set. Results: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::generated::blog::{self as db, user};
use quarry_tests::setup::{database_with, sqlx_pool, SqlxPool};
use sqlx::Row;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static NEXT: AtomicU64 = AtomicU64::new(0);

fn email() -> String {
    format!("u{}@example.com", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[allow(dead_code)]
struct UserRow {
    id: i32,
    email: String,
    name: Option<String>,
}

fn placeholders(backend: Backend, rows: usize, cols: usize, extra: &str) -> String {
    let mut n = 0;
    (0..rows)
        .map(|_| {
            let items: Vec<String> = (0..cols)
                .map(|_| {
                    n += 1;
                    if backend == Backend::Postgres {
                        format!("${n}")
                    } else {
                        "?".into()
                    }
                })
                .collect();
            format!("({}{extra})", items.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a sqlx user writes: the same columns Quarry sets (email, name, role, timestamps).
async fn sqlx_insert(
    baseline: &SqlxPool,
    backend: Backend,
    n: usize,
    returning: bool,
) -> Vec<UserRow> {
    let now = chrono::Utc::now();
    let role = if backend == Backend::Postgres {
        ", 'READER'::\"Role\""
    } else {
        ", 'READER'"
    };
    let sql = format!(
        r#"INSERT INTO "users" ("email", "name", "created_at", "updated_at", "role") VALUES {}{}"#,
        placeholders(backend, n, 4, role),
        if returning {
            r#" RETURNING "id", "email", "name""#
        } else {
            ""
        }
    );
    match baseline {
        SqlxPool::Sqlite(p) => {
            let mut q = sqlx::query(&sql);
            for _ in 0..n {
                let ts = now.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string();
                q = q.bind(email()).bind("name").bind(ts.clone()).bind(ts);
            }
            if !returning {
                assert_eq!(q.execute(p).await.unwrap().rows_affected(), n as u64);
                return Vec::new();
            }
            q.fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| UserRow {
                    id: r.get(0),
                    email: r.get(1),
                    name: r.get(2),
                })
                .collect()
        }
        SqlxPool::Postgres(p) => {
            let mut q = sqlx::query(&sql);
            for _ in 0..n {
                q = q
                    .bind(email())
                    .bind("name")
                    .bind(now.naive_utc())
                    .bind(now.naive_utc());
            }
            if !returning {
                assert_eq!(q.execute(p).await.unwrap().rows_affected(), n as u64);
                return Vec::new();
            }
            q.fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| UserRow {
                    id: r.get(0),
                    email: r.get(1),
                    name: r.get(2),
                })
                .collect()
        }
    }
}

fn inserts(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some((_db, raw)): Option<(TestDb, quarry::Client)> =
            rt.block_on(database_with("blog", backend))
        else {
            continue;
        };
        let baseline = rt.block_on(sqlx_pool(&_db));
        let client = db::Client::from_client(raw.clone());
        let mut g = c.benchmark_group(format!("{}/insert", format!("{backend:?}").to_lowercase()));
        g.bench_function(BenchmarkId::new("quarry", 1), |b| {
            b.to_async(&rt).iter(|| async {
                client
                    .user()
                    .create(user::create(email()).set(user::name(), "name"))
                    .exec()
                    .await
                    .unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("sqlx", 1), |b| {
            b.to_async(&rt)
                .iter(|| async { sqlx_insert(&baseline, backend, 1, true).await })
        });
        for n in [10usize, 100] {
            g.bench_with_input(BenchmarkId::new("quarry", n), &n, |b, &n| {
                b.to_async(&rt).iter(|| async {
                    let rows = (0..n).map(|_| user::create(email()).set(user::name(), "name"));
                    let inserted = client.user().create_many(rows).exec().await.unwrap();
                    assert_eq!(inserted, n as u64);
                })
            });
            g.bench_with_input(BenchmarkId::new("sqlx", n), &n, |b, &n| {
                b.to_async(&rt).iter(|| async {
                    sqlx_insert(&baseline, backend, n, false).await;
                })
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = inserts
}
criterion_main!(benches);
