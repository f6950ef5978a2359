//! Quarry against hand-written sqlx doing the same work, on SQLite and PostgreSQL.
//!
//! - `find_many/N`: read N users (N = 1, 100, 10,000) into structs.
//! - `include`: 100 users, each with 10 posts, each with 10 comments (Diesel's benchmark
//!   shape), loaded as nested structs; Quarry with both relation-load strategies, sqlx with
//!   each strategy written by hand: three batched statements (`sqlx`), or one statement that
//!   aggregates posts and comments into JSON, parsed with serde (`sqlx_join`).
//!
//! PostgreSQL runs when `QUARRY_TEST_POSTGRES_URL` is set; MySQL/MariaDB, when
//! `QUARRY_TEST_MYSQL_URL` is, runs Quarry's two include strategies only (they choose its
//! default strategy there). Results: BENCHMARKS.md.

use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use quarry::{RelationLoadStrategy, Value};
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::generated::blog::{self as db, comment, post, user};
use quarry_tests::setup::{database_with, sqlx_pool, SqlxPool};
use sqlx::Row;
use std::time::Duration;

/// What a hand-written sqlx program would define.
#[allow(dead_code)]
#[derive(Debug, PartialEq)]
struct UserRow {
    id: i32,
    email: String,
    name: Option<String>,
    role: String,
    verified: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[allow(dead_code)]
#[derive(Debug, PartialEq)]
struct PostRow {
    id: i32,
    slug: String,
    title: String,
    content: Option<String>,
    published: bool,
    view_count: i32,
    rating: Option<f64>,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    author_id: i32,
    comments: Vec<CommentRow>,
}

#[allow(dead_code)]
#[derive(Debug, PartialEq)]
struct CommentRow {
    id: String,
    body: String,
    created_at: DateTime<Utc>,
    post_id: i32,
    author_id: Option<i32>,
    parent_id: Option<String>,
}

#[allow(dead_code)]
#[derive(Debug, PartialEq)]
struct UserWithPosts {
    user: UserRow,
    posts: Vec<PostRow>,
}

fn placeholders(backend: Backend, n: usize, start: usize) -> String {
    (0..n)
        .map(|i| match backend {
            Backend::Postgres => format!("${}", start + i),
            _ => "?".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `rows` into `table` in chunks of multi-row INSERTs (fast on every database).
async fn insert_rows(
    client: &quarry::Client,
    backend: Backend,
    table: &str,
    columns: &[&str],
    casts: &[Option<&str>],
    rows: Vec<Vec<Value>>,
) {
    let q = if backend == Backend::Mysql { "`" } else { "\"" };
    let cols = columns
        .iter()
        .map(|c| format!("{q}{c}{q}"))
        .collect::<Vec<_>>()
        .join(", ");
    for chunk in rows.chunks(100) {
        let mut n = 0;
        let tuples = chunk
            .iter()
            .map(|row| {
                let items = row
                    .iter()
                    .zip(casts)
                    .map(|(_, cast)| {
                        n += 1;
                        let p = if backend == Backend::Postgres {
                            format!("${n}")
                        } else {
                            "?".into()
                        };
                        match (cast, backend) {
                            (Some(ty), Backend::Postgres) => format!("CAST({p} AS \"{ty}\")"),
                            _ => p,
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({items})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {q}{table}{q} ({cols}) VALUES {tuples}");
        client
            .execute_raw(&sql, chunk.concat())
            .await
            .expect("seed");
    }
}

async fn seed(
    client: &quarry::Client,
    backend: Backend,
    users: usize,
    posts_per: usize,
    comments_per: usize,
) {
    let now = Value::DateTime(
        Utc.timestamp_millis_opt(1_700_000_000_000)
            .single()
            .unwrap(),
    );
    let user_rows = (1..=users as i32)
        .map(|id| {
            vec![
                Value::Int(id),
                Value::String(format!("user{id}@example.com")),
                Value::String(format!("User {id}")),
                Value::Enum("READER".into()),
                Value::Bool(true),
                now.clone(),
                now.clone(),
            ]
        })
        .collect();
    insert_rows(
        client,
        backend,
        "users",
        &[
            "id",
            "email",
            "name",
            "role",
            "verified",
            "created_at",
            "updated_at",
        ],
        &[None, None, None, Some("Role"), None, None, None],
        user_rows,
    )
    .await;
    let mut posts = Vec::new();
    let mut comments = Vec::new();
    for u in 1..=users as i32 {
        for _ in 0..posts_per {
            let post_id = posts.len() as i32 + 1;
            posts.push(vec![
                Value::Int(post_id),
                Value::String(format!("post-{post_id}")),
                Value::String(format!("Post {post_id}")),
                Value::Int(post_id),
                now.clone(),
                now.clone(),
                Value::Int(u),
            ]);
            for _ in 0..comments_per {
                let id = comments.len() as i32 + 1;
                comments.push(vec![
                    Value::String(format!("c{id:06}")),
                    Value::String(format!("Comment {id}")),
                    Value::Int(post_id),
                    Value::Int(u),
                    now.clone(),
                ]);
            }
        }
    }
    insert_rows(
        client,
        backend,
        "posts",
        &[
            "id",
            "slug",
            "title",
            "view_count",
            "created_at",
            "updated_at",
            "author_id",
        ],
        &[None; 7],
        posts,
    )
    .await;
    insert_rows(
        client,
        backend,
        "comments",
        &["id", "body", "post_id", "author_id", "created_at"],
        &[None; 5],
        comments,
    )
    .await;
    // Planner statistics now, rather than whenever autovacuum gets to the fresh tables: plans
    // (and timings) would otherwise change in the middle of a measurement.
    if backend == Backend::Postgres {
        client.execute_raw("ANALYZE", Vec::new()).await.unwrap();
    }
}

struct Setup {
    _db: TestDb,
    client: db::Client,
    /// The hand-written baselines' own sqlx pool.
    baseline: SqlxPool,
    backend: Backend,
}

fn user_row_sqlite(r: &sqlx::sqlite::SqliteRow) -> UserRow {
    UserRow {
        id: r.get(0),
        email: r.get(1),
        name: r.get(2),
        role: r.get(3),
        verified: r.get(4),
        created_at: r.get(5),
        updated_at: r.get(6),
    }
}

fn user_row_pg(r: &sqlx::postgres::PgRow) -> UserRow {
    UserRow {
        id: r.get(0),
        email: r.get(1),
        name: r.get(2),
        role: r.get(3),
        verified: r.get(4),
        created_at: Utc.from_utc_datetime(&r.get::<chrono::NaiveDateTime, _>(5)),
        updated_at: Utc.from_utc_datetime(&r.get::<chrono::NaiveDateTime, _>(6)),
    }
}

const USERS_SQL: &str = r#"SELECT "id", "email", "name", "role", "verified", "created_at", "updated_at" FROM "users" ORDER BY "id" LIMIT "#;
const USERS_SQL_PG: &str = r#"SELECT "id", "email", "name", "role"::text, "verified", "created_at", "updated_at" FROM "users" ORDER BY "id" LIMIT $1"#;

async fn sqlx_users(s: &Setup, n: i64) -> Vec<UserRow> {
    match &s.baseline {
        SqlxPool::Sqlite(p) => sqlx::query(&format!("{USERS_SQL}?"))
            .bind(n)
            .fetch_all(p)
            .await
            .unwrap()
            .iter()
            .map(user_row_sqlite)
            .collect(),
        SqlxPool::Postgres(p) => sqlx::query(USERS_SQL_PG)
            .bind(n)
            .fetch_all(p)
            .await
            .unwrap()
            .iter()
            .map(user_row_pg)
            .collect(),
    }
}

/// Three statements, batched with IN lists, assembled by hand: the best a sqlx user writes.
async fn sqlx_include(s: &Setup) -> Vec<UserWithPosts> {
    let users = sqlx_users(s, 100).await;
    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
    let pg = s.backend == Backend::Postgres;
    let list = |n: usize| placeholders(s.backend, n, 1);
    let posts_sql = format!(
        r#"SELECT "id", "slug", "title", "content", "published", "view_count", "rating", "published_at", "created_at", "updated_at", "author_id" FROM "posts" WHERE "author_id" IN ({}) ORDER BY "id""#,
        list(ids.len())
    );
    let mut posts: Vec<PostRow> = match &s.baseline {
        SqlxPool::Sqlite(p) => {
            let mut q = sqlx::query(&posts_sql);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| PostRow {
                    id: r.get(0),
                    slug: r.get(1),
                    title: r.get(2),
                    content: r.get(3),
                    published: r.get(4),
                    view_count: r.get(5),
                    rating: r.get(6),
                    published_at: r.get(7),
                    created_at: r.get(8),
                    updated_at: r.get(9),
                    author_id: r.get(10),
                    comments: Vec::new(),
                })
                .collect()
        }
        SqlxPool::Postgres(p) => {
            let mut q = sqlx::query(&posts_sql);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| PostRow {
                    id: r.get(0),
                    slug: r.get(1),
                    title: r.get(2),
                    content: r.get(3),
                    published: r.get(4),
                    view_count: r.get(5),
                    rating: r.get(6),
                    published_at: r
                        .get::<Option<chrono::NaiveDateTime>, _>(7)
                        .map(|d| Utc.from_utc_datetime(&d)),
                    created_at: Utc.from_utc_datetime(&r.get::<chrono::NaiveDateTime, _>(8)),
                    updated_at: Utc.from_utc_datetime(&r.get::<chrono::NaiveDateTime, _>(9)),
                    author_id: r.get(10),
                    comments: Vec::new(),
                })
                .collect()
        }
    };
    let post_ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
    let comments_sql = format!(
        r#"SELECT "id", "body", "created_at", "post_id", "author_id", "parent_id" FROM "comments" WHERE "post_id" IN ({}) ORDER BY "id""#,
        list(post_ids.len())
    );
    let comments: Vec<CommentRow> = match &s.baseline {
        SqlxPool::Sqlite(p) => {
            let mut q = sqlx::query(&comments_sql);
            for id in &post_ids {
                q = q.bind(*id);
            }
            q.fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| CommentRow {
                    id: r.get(0),
                    body: r.get(1),
                    created_at: r.get(2),
                    post_id: r.get(3),
                    author_id: r.get(4),
                    parent_id: r.get(5),
                })
                .collect()
        }
        SqlxPool::Postgres(p) => {
            let mut q = sqlx::query(&comments_sql);
            for id in &post_ids {
                q = q.bind(*id);
            }
            q.fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| CommentRow {
                    id: r.get(0),
                    body: r.get(1),
                    created_at: Utc.from_utc_datetime(&r.get::<chrono::NaiveDateTime, _>(2)),
                    post_id: r.get(3),
                    author_id: r.get(4),
                    parent_id: r.get(5),
                })
                .collect()
        }
    };
    let _ = pg;
    let mut by_post: std::collections::HashMap<i32, Vec<CommentRow>> =
        std::collections::HashMap::new();
    for c in comments {
        by_post.entry(c.post_id).or_default().push(c);
    }
    for p in &mut posts {
        p.comments = by_post.remove(&p.id).unwrap_or_default();
    }
    let mut by_user: std::collections::HashMap<i32, Vec<PostRow>> =
        std::collections::HashMap::new();
    for p in posts {
        by_user.entry(p.author_id).or_default().push(p);
    }
    users
        .into_iter()
        .map(|u| {
            let posts = by_user.remove(&u.id).unwrap_or_default();
            UserWithPosts { user: u, posts }
        })
        .collect()
}

/// A post as the hand-written join statement returns it: a JSON array of its columns, then its
/// comments.
#[derive(serde::Deserialize)]
struct PostJson(
    i32,
    String,
    String,
    Option<String>,
    bool,
    i32,
    Option<f64>,
    #[serde(deserialize_with = "opt_datetime")] Option<DateTime<Utc>>,
    #[serde(deserialize_with = "datetime")] DateTime<Utc>,
    #[serde(deserialize_with = "datetime")] DateTime<Utc>,
    i32,
    Vec<CommentJson>,
);

#[derive(serde::Deserialize)]
struct CommentJson(
    String,
    String,
    #[serde(deserialize_with = "datetime")] DateTime<Utc>,
    i32,
    Option<i32>,
    Option<String>,
);

/// PostgreSQL's JSON has `timestamp` columns without an offset (they hold UTC); SQLite's text
/// columns carry one.
fn parse_datetime(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            s.parse::<chrono::NaiveDateTime>()
                .map(|d| Utc.from_utc_datetime(&d))
        })
        .map_err(|e| format!("{s}: {e}"))
}

fn datetime<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    parse_datetime(&s).map_err(serde::de::Error::custom)
}

fn opt_datetime<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let s = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(d)?;
    s.map(|s| parse_datetime(&s).map_err(serde::de::Error::custom))
        .transpose()
}

/// The rows are ordered in a subquery that `json_agg` reads in order: measured faster than
/// `json_agg(... ORDER BY ...)` here (35 vs 46 ms for this load), which sorts inside the aggregate.
const JOIN_SQL_PG: &str = r#"SELECT u."id", u."email", u."name", u."role"::text, u."verified", u."created_at", u."updated_at",
  COALESCE((SELECT json_agg(pj.j) FROM (SELECT json_build_array(p."id", p."slug", p."title", p."content", p."published", p."view_count", p."rating", p."published_at", p."created_at", p."updated_at", p."author_id",
    COALESCE((SELECT json_agg(cj.j) FROM (SELECT json_build_array(c."id", c."body", c."created_at", c."post_id", c."author_id", c."parent_id") AS j
      FROM "comments" c WHERE c."post_id" = p."id" ORDER BY c."id") cj), '[]'::json)) AS j
    FROM "posts" p WHERE p."author_id" = u."id" ORDER BY p."id") pj), '[]'::json)::text
FROM "users" u ORDER BY u."id" LIMIT $1"#;

/// SQLite's `jsonb_group_array` reads the rows in the order of its subquery; JSONB (binary)
/// inside, rendered as text once: text JSON would be parsed again at every level.
const JOIN_SQL_SQLITE: &str = r#"SELECT u."id", u."email", u."name", u."role", u."verified", u."created_at", u."updated_at",
  json((SELECT jsonb_group_array(j) FROM (SELECT jsonb_array(p."id", p."slug", p."title", p."content", json(CASE WHEN p."published" THEN 'true' ELSE 'false' END), p."view_count", p."rating", p."published_at", p."created_at", p."updated_at", p."author_id",
    (SELECT jsonb_group_array(k) FROM (SELECT jsonb_array(c."id", c."body", c."created_at", c."post_id", c."author_id", c."parent_id") AS k
      FROM "comments" c WHERE c."post_id" = p."id" ORDER BY c."id"))) AS j
    FROM "posts" p WHERE p."author_id" = u."id" ORDER BY p."id")))
FROM "users" u ORDER BY u."id" LIMIT ?"#;

fn posts_from_json(json: &str) -> Vec<PostRow> {
    let posts: Vec<PostJson> = quarry::deps::serde_json::from_str(json).unwrap();
    posts
        .into_iter()
        .map(|p| PostRow {
            id: p.0,
            slug: p.1,
            title: p.2,
            content: p.3,
            published: p.4,
            view_count: p.5,
            rating: p.6,
            published_at: p.7,
            created_at: p.8,
            updated_at: p.9,
            author_id: p.10,
            comments: p
                .11
                .into_iter()
                .map(|c| CommentRow {
                    id: c.0,
                    body: c.1,
                    created_at: c.2,
                    post_id: c.3,
                    author_id: c.4,
                    parent_id: c.5,
                })
                .collect(),
        })
        .collect()
}

/// One statement: each user row carries its posts and their comments as JSON.
async fn sqlx_join(s: &Setup) -> Vec<UserWithPosts> {
    match &s.baseline {
        SqlxPool::Sqlite(p) => sqlx::query(JOIN_SQL_SQLITE)
            .bind(100_i64)
            .fetch_all(p)
            .await
            .unwrap()
            .iter()
            .map(|r| UserWithPosts {
                user: user_row_sqlite(r),
                posts: posts_from_json(r.get(7)),
            })
            .collect(),
        SqlxPool::Postgres(p) => sqlx::query(JOIN_SQL_PG)
            .bind(100_i64)
            .fetch_all(p)
            .await
            .unwrap()
            .iter()
            .map(|r| UserWithPosts {
                user: user_row_pg(r),
                posts: posts_from_json(r.get(7)),
            })
            .collect(),
    }
}

/// `n` users, as Quarry's generated client reads them.
async fn quarry_users(s: &Setup, n: i64) -> Vec<db::User> {
    s.client
        .user()
        .find_many()
        .order_by(user::id().asc())
        .take(n)
        .exec()
        .await
        .unwrap()
}

/// The include as Quarry's generated client writes it.
async fn quarry_include(
    s: &Setup,
    strategy: RelationLoadStrategy,
) -> Vec<db::User<quarry::NotLoaded, Vec<db::Post<quarry::NotLoaded, Vec<db::Comment>>>>> {
    s.client
        .user()
        .find_many()
        .order_by(user::id().asc())
        .take(100)
        .include(
            user::posts().with(
                post::find()
                    .order_by(post::id().asc())
                    .include(post::comments().with(comment::find().order_by(comment::id().asc()))),
            ),
        )
        .relation_load_strategy(strategy)
        .exec()
        .await
        .unwrap()
}

/// `QUARRY_BENCH_LOOP=<backend>/<function>:<n>` (e.g. `postgres/quarry_query:200`) runs one
/// include function (`quarry_query`, `quarry_join`, `sqlx`, `sqlx_join`) or a 100-row read
/// (`quarry_find_many`, `sqlx_find_many`) `n` times instead of the criterion benchmarks. Under
/// `perf stat -e instructions:u`, the difference between two counts divided by the difference
/// in `n` is the client's instructions per call: a measure that a busy machine does not disturb.
fn fixed_loop(rt: &tokio::runtime::Runtime) -> bool {
    let Ok(spec) = std::env::var("QUARRY_BENCH_LOOP") else {
        return false;
    };
    let (target, n) = spec.split_once(':').expect("<backend>/<function>:<n>");
    let n: usize = n.parse().expect("a number of iterations");
    let (backend, function) = target.split_once('/').expect("<backend>/<function>");
    let backend = *Backend::ALL
        .iter()
        .find(|b| format!("{b:?}").eq_ignore_ascii_case(backend))
        .expect("sqlite, postgres or mysql");
    let s = if function.ends_with("find_many") {
        setup(rt, backend, 10_000, 0, 0)
    } else {
        setup(rt, backend, 100, 10, 10)
    };
    let s = s.expect("the database is configured");
    rt.block_on(async {
        for _ in 0..n {
            match function {
                "quarry_find_many" => drop(quarry_users(&s, 100).await),
                "sqlx_find_many" => drop(sqlx_users(&s, 100).await),
                "quarry_query" => drop(quarry_include(&s, RelationLoadStrategy::Query).await),
                "quarry_join" => drop(quarry_include(&s, RelationLoadStrategy::Join).await),
                "sqlx" => drop(sqlx_include(&s).await),
                "sqlx_join" => drop(sqlx_join(&s).await),
                other => panic!("unknown function {other}"),
            }
        }
    });
    true
}

fn setup(
    rt: &tokio::runtime::Runtime,
    backend: Backend,
    users: usize,
    posts: usize,
    comments: usize,
) -> Option<Setup> {
    rt.block_on(async {
        let (db, raw) = database_with("blog", backend).await?;
        seed(&raw, backend, users, posts, comments).await;
        let baseline = sqlx_pool(&db).await;
        Some(Setup {
            _db: db,
            client: db::Client::from_client(raw),
            baseline,
            backend,
        })
    })
}

fn reads(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if fixed_loop(&rt) {
        return;
    }
    for backend in Backend::ALL {
        let name = format!("{backend:?}").to_lowercase();
        // MySQL/MariaDB: only Quarry's two strategies, to choose its default (no baselines).
        let baselines = backend != Backend::Mysql;
        let find_many = if baselines {
            setup(&rt, backend, 10_000, 0, 0)
        } else {
            None
        };
        if let Some(s) = find_many {
            let mut g = c.benchmark_group(format!("{name}/find_many"));
            for n in [1i64, 100, 10_000] {
                g.bench_with_input(BenchmarkId::new("quarry", n), &n, |b, &n| {
                    b.to_async(&rt).iter(|| async {
                        let users = quarry_users(&s, n).await;
                        assert_eq!(users.len() as i64, n);
                        users
                    })
                });
                g.bench_with_input(BenchmarkId::new("sqlx", n), &n, |b, &n| {
                    b.to_async(&rt).iter(|| async {
                        let users = sqlx_users(&s, n).await;
                        assert_eq!(users.len() as i64, n);
                        users
                    })
                });
            }
            g.finish();
        }
        if let Some(s) = setup(&rt, backend, 100, 10, 10) {
            // Both hand-written strategies must load the same thing.
            if baselines {
                rt.block_on(async { assert_eq!(sqlx_join(&s).await, sqlx_include(&s).await) });
            }
            let mut g = c.benchmark_group(format!("{name}/include_100x10x10"));
            for strategy in [RelationLoadStrategy::Query, RelationLoadStrategy::Join] {
                g.bench_function(format!("quarry_{strategy:?}").to_lowercase(), |b| {
                    b.to_async(&rt).iter(|| async {
                        let users = quarry_include(&s, strategy).await;
                        assert_eq!(users[0].posts[0].comments.len(), 10);
                        users
                    })
                });
            }
            if !baselines {
                g.finish();
                continue;
            }
            g.bench_function("sqlx", |b| {
                b.to_async(&rt).iter(|| async {
                    let users = sqlx_include(&s).await;
                    assert_eq!(users[0].posts[0].comments.len(), 10);
                    users
                })
            });
            g.bench_function("sqlx_join", |b| {
                b.to_async(&rt).iter(|| async {
                    let users = sqlx_join(&s).await;
                    assert_eq!(users.len(), 100);
                    assert_eq!(users[0].posts[0].comments.len(), 10);
                    users
                })
            });
            g.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = reads
}
criterion_main!(benches);
