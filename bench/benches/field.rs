//! The field benchmark (issue 10): Quarry, hand-written sqlx, Diesel 2 and SeaORM 1 in one
//! binary and one run, on Diesel's benchmark tables (`bench/schema.prisma`), on SQLite and on
//! PostgreSQL (when `QUARRY_TEST_POSTGRES_URL` is set; under `CI=true` it must be).
//!
//! Workloads (`quarry_bench::Workload`): `trivial_1`/`trivial_10000` (load every user of a
//! table of 1 or 10,000), `left_join_1`/`left_join_10000` (black-haired users and their posts),
//! `associations` (100 users, 10 posts each, 10 comments each: Diesel's "loading associations
//! sequentially"), `insert_1`/`insert_100`. Before any timing, every client's result of every
//! read workload is checked against the data set (`Clients::assert_equal`).
//!
//! Modes besides criterion's (`cargo bench -p quarry-bench --bench field`):
//! - `QUARRY_BENCH_LOOP=<db>/<workload>/<client>:<n>` (e.g. `postgres/trivial_10000/diesel:25`)
//!   runs one workload on one client `n` times and nothing else, for callgrind
//!   (`scripts/bench-instructions`, `scripts/bench-field-instructions`).
//! - `QUARRY_BENCH_ROUND_TRIPS=1` runs each workload through a proxy that counts the requests
//!   each client sends to PostgreSQL, and prints them as a table.
//!
//! Results and method: BENCHMARKS.md, "Field benchmark".

#[path = "../clients/mod.rs"]
mod clients;

use clients::Clients;
use criterion::{criterion_group, criterion_main, Criterion};
use quarry_bench::{create_database, new_users, Client, Dataset, NewUser, Workload};
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::proxy::{CountingProxy, Protocol};
use std::time::Duration;

const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::Mysql => "mysql",
    }
}

/// The rows an insert workload inserts (none for the reads).
fn rows_for(workload: Workload) -> Vec<NewUser> {
    match workload {
        Workload::Insert(n) => new_users(n),
        _ => Vec::new(),
    }
}

/// A fresh database with `dataset` on `backend`; `None` (with a note) when PostgreSQL is not
/// configured outside CI. In CI, `TestDb` fails instead.
fn database(rt: &tokio::runtime::Runtime, dataset: Dataset, backend: Backend) -> Option<TestDb> {
    let db = rt.block_on(create_database(dataset, backend));
    if db.is_none() {
        eprintln!(
            "field benchmark: {} skipped (set QUARRY_TEST_POSTGRES_URL to run it)",
            backend_name(backend)
        );
    }
    db
}

/// `QUARRY_BENCH_LOOP=<db>/<workload>/<client>:<n>`: one workload on one client, `n` times.
/// Under callgrind, the difference between two counts divided by the difference in `n` is the
/// client's instructions per call, a measure that a busy machine does not disturb.
fn fixed_loop(rt: &tokio::runtime::Runtime) -> bool {
    let Ok(spec) = std::env::var("QUARRY_BENCH_LOOP") else {
        return false;
    };
    let usage = "QUARRY_BENCH_LOOP=<sqlite|postgres>/<workload>/<client>:<n>";
    let (target, n) = spec.split_once(':').expect(usage);
    let n: usize = n.parse().expect(usage);
    let mut parts = target.split('/');
    let (Some(db), Some(workload), Some(client), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("{usage}");
    };
    let backend = *BACKENDS
        .iter()
        .find(|b| backend_name(**b) == db)
        .unwrap_or_else(|| panic!("unknown database {db}: sqlite or postgres"));
    let workload = Workload::parse(workload).unwrap_or_else(|| {
        let names: Vec<String> = Workload::ALL.iter().map(|w| w.name()).collect();
        panic!("unknown workload {workload}: one of {names:?}")
    });
    let client = Client::parse(client).unwrap_or_else(|| {
        panic!("unknown client {client}: quarry, sqlx, diesel or seaorm");
    });
    let db = database(rt, workload.dataset(), backend).expect("the database is configured");
    let mut clients = rt.block_on(Clients::connect(&db.url));
    let rows = rows_for(workload);
    for _ in 0..n {
        let got = rt.block_on(clients.run(client, workload, &rows));
        assert_eq!(got, workload.expected_len());
    }
    true
}

/// `QUARRY_BENCH_ROUND_TRIPS=1`: the requests each client sends to PostgreSQL per operation,
/// counted by a proxy (`quarry_tests::proxy`: `Sync` and `Query` messages), for the first call
/// (statements not yet prepared) and for calls 7 to 11 (a range where they differ).
fn round_trips(rt: &tokio::runtime::Runtime) -> bool {
    if std::env::var("QUARRY_BENCH_ROUND_TRIPS").is_err() {
        return false;
    }
    const LATER_CALLS: usize = 10;
    let mut table = Vec::new();
    for dataset in Dataset::all() {
        let db = database(rt, dataset, Backend::Postgres)
            .expect("round trips are counted on PostgreSQL: set QUARRY_TEST_POSTGRES_URL");
        let (proxy, url) = rt.block_on(CountingProxy::in_front_of(&db.url, Protocol::Postgres));
        let mut clients = rt.block_on(Clients::connect(&url));
        for workload in dataset.workloads() {
            let rows = rows_for(workload);
            let mut cells = Vec::new();
            for client in Client::ALL {
                // sqlx's pool pings a connection when it comes back, in a task of its own
                // after the call has returned: let such requests arrive before counting.
                let settle = || std::thread::sleep(Duration::from_millis(100));
                let mut once = || {
                    settle();
                    let before = proxy.requests();
                    let got = rt.block_on(clients.run(client, workload, &rows));
                    assert_eq!(got, workload.expected_len());
                    settle();
                    proxy.requests() - before
                };
                // Pools open connections as they need them, and each new connection prepares
                // its statements again: the later calls are counted once the pools have settled.
                let first = once();
                let later: Vec<usize> = (0..LATER_CALLS).map(|_| once()).collect();
                let settled = &later[LATER_CALLS - 5..];
                let (min, max) = (settled.iter().min().unwrap(), settled.iter().max().unwrap());
                if min == max {
                    cells.push(format!("{min} ({first})"));
                } else {
                    cells.push(format!("{min}-{max} ({first})"));
                }
            }
            table.push((workload.name(), cells));
        }
    }
    let names: Vec<&str> = Client::ALL.iter().map(|c| c.name()).collect();
    println!("PostgreSQL requests per operation: calls 7-11 (first call)\n");
    println!("| workload | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(names.len()));
    for (workload, cells) in table {
        println!("| {workload} | {} |", cells.join(" | "));
    }
    true
}

fn field(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if fixed_loop(&rt) || round_trips(&rt) {
        return;
    }
    for backend in BACKENDS {
        let db_name = backend_name(backend);
        for dataset in Dataset::all() {
            let Some(db) = database(&rt, dataset, backend) else {
                break;
            };
            let mut clients = rt.block_on(Clients::connect(&db.url));
            for workload in dataset.workloads() {
                // A client that returns other data must not get a time.
                rt.block_on(clients.assert_equal(workload));
            }
            for workload in dataset.workloads() {
                let rows = rows_for(workload);
                let expected = workload.expected_len();
                let mut g = c.benchmark_group(format!("{db_name}/{}", workload.name()));
                for client in Client::ALL {
                    if matches!(workload, Workload::Insert(_)) {
                        rt.block_on(clients.sqlx.clear_users());
                    }
                    if client == Client::Diesel {
                        g.bench_function(client.name(), |b| {
                            b.iter(|| {
                                let got = clients.run_diesel(workload, &rows);
                                assert_eq!(got, expected);
                            })
                        });
                        continue;
                    }
                    let clients = &clients;
                    let rows = &rows;
                    g.bench_function(client.name(), |b| {
                        b.to_async(&rt).iter(|| async move {
                            let got = clients.run_async(client, workload, rows).await;
                            assert_eq!(got, expected);
                        })
                    });
                }
                g.finish();
            }
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    targets = field
}
criterion_main!(benches);
