//! The query result cache against the same query uncached and against a bare Redis `GET` of
//! the same bytes: `find_unique` of one user, and `find_many` of 100 users with their posts
//! (one each), on SQLite and PostgreSQL (when `QUARRY_TEST_POSTGRES_URL` is set). Redis runs
//! when one answers at `QUARRY_TEST_REDIS_URL` (default 127.0.0.1:6379). Results: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use quarry::cache::{CacheOptions, CacheStatus, CacheStrategy};
use quarry::deps::redis;
use quarry::deps::serde::{de::DeserializeOwned, Serialize};
use quarry::deps::serde_json;
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::generated::blog::{self as db, post, user};
use quarry_tests::setup::database_with;
use std::time::Duration;

struct Setup {
    _db: TestDb,
    plain: db::Client,
    memory: db::Client,
    redis: Option<db::Client>,
    first_id: i32,
}

fn redis_url() -> String {
    std::env::var("QUARRY_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

async fn cached(url: &str, options: CacheOptions) -> db::Client {
    db::Client::connect_with(
        url,
        quarry::ConnectOptions {
            provider: Some(quarry_tests::db::provider_of(url)),
            cache: Some(options),
            ..Default::default()
        },
    )
    .await
    .expect("connect")
}

async fn setup(backend: Backend) -> Option<Setup> {
    let (test_db, raw) = database_with("blog", backend).await?;
    let plain = db::Client::from_client(raw);
    plain
        .user()
        .create_many((0..100).map(|i| user::create(format!("u{i}@example.com"))))
        .exec()
        .await
        .unwrap();
    let users = plain.user().find_many().exec().await.unwrap();
    plain
        .post()
        .create_many(
            users
                .iter()
                .map(|u| post::create(format!("p{}", u.id), "Title", u.id)),
        )
        .exec()
        .await
        .unwrap();
    let memory = cached(&test_db.url, CacheOptions::memory(10_000, 64 << 20)).await;
    let redis = match redis::Client::open(redis_url())
        .ok()?
        .get_multiplexed_async_connection()
        .await
    {
        Ok(_) => Some(cached(&test_db.url, CacheOptions::redis(redis_url())).await),
        Err(e) => {
            eprintln!("Redis is not reachable ({e}): its rows are skipped");
            None
        }
    };
    Some(Setup {
        _db: test_db,
        plain,
        memory,
        redis,
        first_id: users[0].id,
    })
}

fn strategy() -> CacheStrategy {
    CacheStrategy::ttl(Duration::from_secs(3600))
}

/// `QUARRY_BENCH_LOOP=<db>/<workload>/<variant>:<n>` runs one cell n times and nothing else,
/// for instruction counts (`scripts/bench-instructions <db> <workload>/<variant> cache`).
fn fixed_loop(rt: &tokio::runtime::Runtime) -> bool {
    let Ok(spec) = std::env::var("QUARRY_BENCH_LOOP") else {
        return false;
    };
    let (cell, n) = spec.split_once(':').expect("<db>/<workload>/<variant>:<n>");
    let n: usize = n.parse().expect("a count");
    let mut parts = cell.splitn(3, '/');
    let (db, workload, variant) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let backend = match db {
        "sqlite" => Backend::Sqlite,
        "postgres" => Backend::Postgres,
        other => panic!("unknown database {other}"),
    };
    rt.block_on(async {
        let s = setup(backend).await.expect("database available");
        let client = match variant {
            "uncached" => &s.plain,
            "memory_hit" => &s.memory,
            "redis_hit" | "bare_redis_get" => s.redis.as_ref().expect("Redis"),
            other => panic!("unknown variant {other}"),
        };
        let cached = variant != "uncached";
        let id = s.first_id;
        if variant == "bare_redis_get" {
            let key = match workload {
                "find_unique" => {
                    let q = client.user().find_unique(user::by_id(id)).cache(strategy());
                    q.exec_with_info().await.unwrap().1.key
                }
                _ => {
                    let q = client.user().find_many().take(100).include(user::posts());
                    q.cache(strategy()).exec_with_info().await.unwrap().1.key
                }
            };
            let mut conn = client.cache().redis_connection().await.unwrap();
            for _ in 0..n {
                let bytes: Vec<u8> = redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                assert!(!bytes.is_empty());
            }
            return;
        }
        for _ in 0..n {
            match workload {
                "find_unique" => {
                    let q = client.user().find_unique(user::by_id(id));
                    let q = if cached { q.cache(strategy()) } else { q };
                    assert!(q.exec().await.unwrap().is_some());
                }
                "find_many_100_include" => {
                    let q = client.user().find_many().take(100).include(user::posts());
                    let q = if cached { q.cache(strategy()) } else { q };
                    assert_eq!(q.exec().await.unwrap().len(), 100);
                }
                other => panic!("unknown workload {other}"),
            }
        }
    });
    true
}

fn cache(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if fixed_loop(&rt) {
        return;
    }
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(s) = rt.block_on(setup(backend)) else {
            continue;
        };
        let name = format!("{backend:?}").to_lowercase();
        let id = s.first_id;
        macro_rules! one {
            ($c:expr) => {
                $c.user().find_unique(user::by_id(id))
            };
        }
        macro_rules! many {
            ($c:expr) => {
                $c.user().find_many().take(100).include(user::posts())
            };
        }

        let mut g = c.benchmark_group(format!("{name}/cache_find_unique"));
        g.bench_function("uncached", |b| {
            b.to_async(&rt)
                .iter(|| async { one!(&s.plain).exec().await.unwrap().unwrap() })
        });
        let clients = [
            ("memory_hit", Some(&s.memory)),
            ("redis_hit", s.redis.as_ref()),
        ];
        for (label, client) in clients {
            let Some(client) = client else { continue };
            let key = rt.block_on(async {
                let (_, info) = one!(client)
                    .cache(strategy())
                    .exec_with_info()
                    .await
                    .unwrap();
                let (_, info2) = one!(client)
                    .cache(strategy())
                    .exec_with_info()
                    .await
                    .unwrap();
                assert_eq!(info2.status, CacheStatus::Hit);
                info.key
            });
            g.bench_function(label, |b| {
                b.to_async(&rt).iter(|| async {
                    let (u, info) = one!(client)
                        .cache(strategy())
                        .exec_with_info()
                        .await
                        .unwrap();
                    debug_assert_eq!(info.status, CacheStatus::Hit);
                    u.unwrap()
                })
            });
            if label == "redis_hit" {
                bare_get(&rt, &mut g, client, key.clone());
                let value = rt.block_on(one!(client).exec()).unwrap().unwrap();
                hand_written(&rt, &mut g, client, key, &value);
            }
        }
        g.finish();

        let mut g = c.benchmark_group(format!("{name}/cache_find_many_100_include"));
        g.bench_function("uncached", |b| {
            b.to_async(&rt)
                .iter(|| async { many!(&s.plain).exec().await.unwrap() })
        });
        for (label, client) in clients {
            let Some(client) = client else { continue };
            let key = rt.block_on(async {
                let (_, info) = many!(client)
                    .cache(strategy())
                    .exec_with_info()
                    .await
                    .unwrap();
                info.key
            });
            g.bench_function(label, |b| {
                b.to_async(&rt).iter(|| async {
                    let (users, info) = many!(client)
                        .cache(strategy())
                        .exec_with_info()
                        .await
                        .unwrap();
                    debug_assert_eq!(info.status, CacheStatus::Hit);
                    assert_eq!(users.len(), 100);
                    users
                })
            });
            if label == "redis_hit" {
                bare_get(&rt, &mut g, client, key.clone());
                let value = rt.block_on(many!(client).exec()).unwrap();
                hand_written(&rt, &mut g, client, key, &value);
            }
        }
        g.finish();
    }
}

/// What an app caching by hand would do: `GET` a JSON encoding of the same typed result and
/// deserialize it (serde_json, the usual choice).
fn hand_written<T: Serialize + DeserializeOwned>(
    rt: &tokio::runtime::Runtime,
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    client: &db::Client,
    key: String,
    value: &T,
) {
    let mut conn = rt
        .block_on(client.cache().redis_connection())
        .expect("connection");
    let key = format!("{key}:json");
    let json = serde_json::to_vec(value).unwrap();
    rt.block_on(
        redis::cmd("SET")
            .arg(&key)
            .arg(json)
            .query_async::<()>(&mut conn),
    )
    .unwrap();
    g.bench_function("get_plus_serde_json", |b| {
        b.to_async(rt).iter(|| {
            let mut conn = conn.clone();
            let key = key.clone();
            async move {
                let bytes: Vec<u8> = redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                serde_json::from_slice::<T>(&bytes).unwrap()
            }
        })
    });
}

/// A bare `GET` of the entry's bytes on the cache's own Redis connection: the floor a Redis
/// hit is measured against.
fn bare_get(
    rt: &tokio::runtime::Runtime,
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    client: &db::Client,
    key: String,
) {
    let conn = rt
        .block_on(client.cache().redis_connection())
        .expect("connection");
    g.bench_function("bare_redis_get", |b| {
        b.to_async(rt).iter(|| {
            let mut conn = conn.clone();
            let key = key.clone();
            async move {
                let bytes: Vec<u8> = redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                assert!(!bytes.is_empty());
                bytes
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = cache
}
criterion_main!(benches);
