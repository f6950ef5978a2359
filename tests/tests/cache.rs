//! The query result cache on SQLite and PostgreSQL, in memory and on a real Redis: freshness
//! (with a clock the test moves), tags, invalidation by every kind of write, transactions,
//! single flight, two clients sharing Redis, Redis going away and coming back, corrupted
//! entries, and bad tags.

use quarry::cache::{CacheOptions, CacheStatus, CacheStrategy, ManualClock};
use quarry::deps::redis;
use quarry::{Data, Value};
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::generated::blog::{self as db, post, profile, user};
use quarry_tests::in_ci;
use quarry_tests::redis::{redis_up, redis_url, Cut};
use quarry_tests::setup::database_with;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Store {
    Memory,
    Redis,
}

const STORES: [Store; 2] = [Store::Memory, Store::Redis];
const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

fn options(store: Store, clock: &Arc<ManualClock>) -> CacheOptions {
    let mut o = match store {
        Store::Memory => CacheOptions::memory(1000, 16 * 1024 * 1024),
        Store::Redis => CacheOptions::redis(redis_url()),
    };
    o.clock = clock.clone();
    // Redis on loopback answers in well under this; a loaded CI machine may not in 100 ms.
    o.timeout = Duration::from_secs(2);
    o
}

/// The blog tables, a client with a cache on `store` and a clock the test moves, and a
/// second client without a cache (writes the cache does not see).
struct Fixture {
    _db: TestDb,
    url: String,
    c: db::Client,
    plain: db::Client,
    clock: Arc<ManualClock>,
}

async fn fixture(backend: Backend, store: Store) -> Option<Fixture> {
    if store == Store::Redis && !redis_up().await {
        return None;
    }
    let (test_db, plain) = database_with("blog", backend).await?;
    let clock = ManualClock::new();
    let c = connect(&test_db.url, options(store, &clock)).await;
    Some(Fixture {
        url: test_db.url.clone(),
        _db: test_db,
        c,
        plain: db::Client::from_client(plain),
        clock,
    })
}

async fn connect(url: &str, cache: CacheOptions) -> db::Client {
    db::Client::connect_with(
        url,
        quarry::ConnectOptions {
            provider: Some(quarry_tests::db::provider_of(url)),
            cache: Some(cache),
            ..Default::default()
        },
    )
    .await
    .expect("connect")
}

fn ttl(secs: u64) -> CacheStrategy {
    CacheStrategy::ttl(Duration::from_secs(secs))
}

/// Runs `body` for every database and store available.
macro_rules! each {
    (|$f:ident, $backend:ident, $store:ident| $body:block) => {
        for $backend in BACKENDS {
            for $store in STORES {
                let Some($f) = fixture($backend, $store).await else {
                    continue;
                };
                $body
            }
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_entries_skip_the_database_until_their_ttl_ends() {
    each!(|f, backend, store| {
        let ada =
            f.c.user()
                .create(user::create("ada@example.com"))
                .exec()
                .await
                .unwrap();
        let find = || f.c.user().find_unique(user::by_id(ada.id)).cache(ttl(60));
        let before = f.c.raw().statements_executed();
        let (u, info) = find().exec_with_info().await.unwrap();
        assert_eq!(u.unwrap().email, "ada@example.com");
        assert_eq!(info.status, CacheStatus::Miss, "{backend:?}/{store:?}");
        assert_eq!(f.c.raw().statements_executed(), before + 1);
        f.clock.advance(Duration::from_secs(59));
        let (u, info) = find().exec_with_info().await.unwrap();
        assert_eq!(u.unwrap().id, ada.id);
        assert_eq!(info.status, CacheStatus::Hit, "{backend:?}/{store:?}");
        assert_eq!(info.age, Duration::from_secs(59));
        assert!(!info.key.is_empty());
        assert_eq!(
            f.c.raw().statements_executed(),
            before + 1,
            "a hit runs nothing"
        );
        f.clock.advance(Duration::from_secs(2));
        let (_, info) = find().exec_with_info().await.unwrap();
        assert_eq!(info.status, CacheStatus::Miss, "past its ttl");
        assert_eq!(f.c.raw().statements_executed(), before + 2);
        // Other arguments are other entries; an uncached read is untouched by the cache.
        let (none, info) =
            f.c.user()
                .find_unique(user::by_id(ada.id + 1))
                .cache(ttl(60))
                .exec_with_info()
                .await
                .unwrap();
        assert!(none.is_none());
        assert_eq!(info.status, CacheStatus::Miss);
        let (_, info) = f.c.user().find_many().exec_with_info().await.unwrap();
        assert_eq!(info.status, CacheStatus::None);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_read_operation_caches_its_own_result() {
    each!(|f, backend, store| {
        let ada =
            f.c.user()
                .create(user::create("ada@example.com"))
                .exec()
                .await
                .unwrap();
        for i in 0..3 {
            f.c.post()
                .create(post::create(format!("s{i}"), "T", ada.id).set(post::view_count(), i))
                .exec()
                .await
                .unwrap();
        }
        for round in 0..2 {
            let want = if round == 0 {
                CacheStatus::Miss
            } else {
                CacheStatus::Hit
            };
            let ctx = format!("{backend:?}/{store:?} round {round}");
            let (users, i) =
                f.c.user()
                    .find_many()
                    .include(user::posts())
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            assert_eq!(
                (users.len(), users[0].posts.len(), i.status),
                (1, 3, want),
                "{ctx}"
            );
            let (n, i) =
                f.c.post()
                    .count()
                    .filter(post::view_count().gt(0))
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            assert_eq!((n, i.status), (2, want), "{ctx}");
            let (sel, i) =
                f.c.post()
                    .find_many()
                    .order_by(post::slug().asc())
                    .select((post::slug(), post::view_count()))
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            assert_eq!(sel[2], ("s2".to_string(), 2), "{ctx}");
            assert_eq!(i.status, want, "{ctx}");
            let ((sum, max), i) =
                f.c.post()
                    .aggregate((post::view_count().sum(), post::view_count().max()))
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            assert_eq!((sum, max, i.status), (Some(3), Some(2), want), "{ctx}");
            let (groups, i) =
                f.c.post()
                    .group_by((post::author_id(),), (post::count(),))
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            assert_eq!(groups, vec![((ada.id,), (3,))], "{ctx}");
            assert_eq!(i.status, want, "{ctx}");
            let (first, i) =
                f.c.post()
                    .find_first()
                    .order_by(post::view_count().desc())
                    .include(post::author())
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            let first = first.unwrap();
            assert_eq!(
                (first.slug.as_str(), first.author.id, i.status),
                ("s2", ada.id, want),
                "{ctx}"
            );
            let (u, i) =
                f.c.user()
                    .find_unique_or_throw(user::by_id(ada.id))
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap();
            assert_eq!((u.id, i.status), (ada.id, want), "{ctx}");
        }
        assert!(f
            .c
            .user()
            .find_unique_or_throw(user::by_id(-1))
            .cache(ttl(60))
            .exec()
            .await
            .is_err());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_entries_are_served_while_one_refresh_runs() {
    each!(|f, backend, store| {
        let ada =
            f.c.user()
                .create(user::create("ada@example.com"))
                .exec()
                .await
                .unwrap();
        let strategy = || ttl(10).swr(Duration::from_secs(60));
        let find = || {
            f.c.user()
                .find_unique(user::by_id(ada.id))
                .cache(strategy())
        };
        assert_eq!(
            find().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        // Changed behind the cache's back: only time makes the cache see it.
        f.plain
            .user()
            .update(user::by_id(ada.id), Data::new().set(user::name(), "Ada"))
            .exec()
            .await
            .unwrap();
        f.clock.advance(Duration::from_secs(11));
        let before = f.c.raw().statements_executed();
        let (u, info) = find().exec_with_info().await.unwrap();
        assert_eq!(
            u.unwrap().name,
            None,
            "the stale value is served ({backend:?}/{store:?})"
        );
        assert_eq!(info.status, CacheStatus::Stale);
        assert_eq!(info.age, Duration::from_secs(11));
        // More readers while it refreshes: stale or refreshed, never another query.
        let (a, b, c) = tokio::join!(
            find().exec_with_info(),
            find().exec_with_info(),
            find().exec_with_info()
        );
        for (u, info) in [a.unwrap(), b.unwrap(), c.unwrap()] {
            match info.status {
                CacheStatus::Stale => assert_eq!(u.unwrap().name, None),
                CacheStatus::Hit => assert_eq!(u.unwrap().name.as_deref(), Some("Ada")),
                other => panic!("{other:?}"),
            }
        }
        wait_for_refresh(&f.c).await;
        assert_eq!(
            f.c.raw().statements_executed(),
            before + 1,
            "one background refresh"
        );
        assert_eq!(f.c.cache().stats().refreshes, 1);
        let (u, info) = find().exec_with_info().await.unwrap();
        assert_eq!(u.unwrap().name.as_deref(), Some("Ada"));
        assert_eq!(info.status, CacheStatus::Hit);
        // Past ttl + swr: a miss.
        f.clock.advance(Duration::from_secs(71));
        assert_eq!(
            find().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        // swr alone: every hit is stale.
        let only = || {
            f.c.user()
                .count()
                .cache(CacheStrategy::swr_only(Duration::from_secs(60)))
        };
        assert_eq!(
            only().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        assert_eq!(
            only().exec_with_info().await.unwrap().1.status,
            CacheStatus::Stale
        );
        wait_for_refresh(&f.c).await;
    });
}

async fn wait_for_refresh(c: &db::Client) {
    for _ in 0..500 {
        if c.cache().refreshes_running() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the background refresh did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_invalidate_all_drop_entries() {
    each!(|f, backend, store| {
        let tagged = || {
            f.c.user()
                .count()
                .cache(ttl(60).tags(["users", "dash_board"]))
        };
        let other = || f.c.post().count().cache(ttl(60).tag("posts"));
        assert_eq!(
            tagged().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        assert_eq!(
            other().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        f.c.cache().invalidate(["dash_board"]).await.unwrap();
        assert_eq!(
            tagged().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss,
            "{backend:?}/{store:?}"
        );
        assert_eq!(
            other().exec_with_info().await.unwrap().1.status,
            CacheStatus::Hit
        );
        f.c.cache().invalidate_all().await;
        assert_eq!(
            tagged().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        assert_eq!(
            other().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        assert!(f.c.cache().stats().invalidations >= 2);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tags_are_errors_before_any_io() {
    each!(|f, _backend, _store| {
        let before = f.c.raw().statements_executed();
        let bad = [
            ttl(60).tag("has-dash"),
            ttl(60).tag(""),
            ttl(60).tag("x".repeat(65)),
            ttl(60).tags(["a", "b", "c", "d", "e", "f"]),
            CacheStrategy::default(),
        ];
        for s in bad {
            let e =
                f.c.user()
                    .find_many()
                    .cache(s.clone())
                    .exec()
                    .await
                    .unwrap_err();
            assert!(matches!(e, quarry::Error::InvalidQuery(_)), "{s:?}: {e}");
            // Checked even where no cache is configured.
            assert!(f.plain.user().count().cache(s).exec().await.is_err());
        }
        assert_eq!(f.c.raw().statements_executed(), before);
        assert!(f.c.cache().invalidate(["no spaces"]).await.is_err());
        assert!(f
            .c
            .user()
            .count()
            .cache(ttl(1).tag("x".repeat(64)))
            .exec()
            .await
            .is_ok());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_write_invalidates_what_it_changed() {
    each!(|f, backend, store| {
        let c = &f.c;
        let ada = c
            .user()
            .create(user::create("ada@example.com"))
            .exec()
            .await
            .unwrap();
        let users = || c.user().find_many().include(user::posts()).cache(ttl(600));
        let posts = || c.post().count().cache(ttl(600));
        let profiles = || c.profile().count().cache(ttl(600));
        let tags_of_posts = || c.post().find_many().include(post::tags()).cache(ttl(600));
        // Fill, then check that `write` made each read miss and see the change.
        macro_rules! after {
            ($what:expr, $write:expr) => {{
                users().exec().await.unwrap();
                posts().exec().await.unwrap();
                profiles().exec().await.unwrap();
                tags_of_posts().exec().await.unwrap();
                assert_eq!(
                    posts().exec_with_info().await.unwrap().1.status,
                    CacheStatus::Hit
                );
                $write;
                let ctx = format!("{} ({backend:?}/{store:?})", $what);
                (ctx,)
            }};
        }
        let (ctx,) = after!(
            "create",
            c.post()
                .create(post::create("a", "A", ada.id))
                .exec()
                .await
                .unwrap()
        );
        let (n, i) = posts().exec_with_info().await.unwrap();
        assert_eq!((n, i.status), (1, CacheStatus::Miss), "{ctx}");
        let (u, i) = users().exec_with_info().await.unwrap();
        assert_eq!(
            (u[0].posts.len(), i.status),
            (1, CacheStatus::Miss),
            "{ctx}: an include of the written model"
        );

        let (ctx,) = after!(
            "update",
            c.post()
                .update(post::by_slug("a"), Data::new().set(post::title(), "A2"))
                .exec()
                .await
                .unwrap()
        );
        let (u, _) = users().exec_with_info().await.unwrap();
        assert_eq!(u[0].posts[0].title, "A2", "{ctx}");

        let (ctx,) = after!(
            "upsert",
            c.post()
                .upsert(
                    post::by_slug("b"),
                    post::create("b", "B", ada.id),
                    Data::new()
                )
                .exec()
                .await
                .unwrap()
        );
        assert_eq!(posts().exec().await.unwrap(), 2, "{ctx}");

        let (ctx,) = after!(
            "create_many",
            c.post()
                .create_many([
                    post::create("c", "C", ada.id),
                    post::create("d", "D", ada.id)
                ])
                .exec()
                .await
                .unwrap()
        );
        assert_eq!(posts().exec().await.unwrap(), 4, "{ctx}");

        let (ctx,) = after!(
            "update_many",
            c.post()
                .update_many(Data::new().set(post::published(), true))
                .exec()
                .await
                .unwrap()
        );
        let (u, _) = users().exec_with_info().await.unwrap();
        assert!(u[0].posts.iter().all(|p| p.published), "{ctx}");

        let (ctx,) = after!(
            "update_many_and_return",
            c.post()
                .update_many(Data::new().set(post::title(), "R2"))
                .exec_and_return()
                .await
                .unwrap()
        );
        let (u, _) = users().exec_with_info().await.unwrap();
        assert!(u[0].posts.iter().all(|p| p.title == "R2"), "{ctx}");

        let (ctx,) = after!(
            "delete",
            c.post().delete(post::by_slug("d")).exec().await.unwrap()
        );
        assert_eq!(posts().exec().await.unwrap(), 3, "{ctx}");

        let (ctx,) = after!(
            "delete_many",
            c.post()
                .delete_many()
                .filter(post::slug().equals("c"))
                .exec()
                .await
                .unwrap()
        );
        assert_eq!(posts().exec().await.unwrap(), 2, "{ctx}");

        // A nested write on User creates Posts: Post entries go too.
        let (ctx,) = after!(
            "nested create",
            c.user()
                .update(
                    user::by_id(ada.id),
                    Data::new().create(user::posts(), post::create_without_author("e", "E"))
                )
                .exec()
                .await
                .unwrap()
        );
        assert_eq!(posts().exec().await.unwrap(), 3, "{ctx}");

        // An implicit many-to-many link (the join table) through a nested create.
        let (ctx,) = after!(
            "nested m2m",
            c.post()
                .update(
                    post::by_slug("e"),
                    Data::new().create(post::tags(), db::tag::create("rust"))
                )
                .exec()
                .await
                .unwrap()
        );
        let tagged = tags_of_posts().exec().await.unwrap();
        assert_eq!(
            tagged.iter().map(|p| p.tags.len()).sum::<usize>(),
            1,
            "{ctx}"
        );

        // Deleting a user cascades to its profile: Profile entries go although Profile was
        // not written by name.
        let bob = c
            .user()
            .create(
                user::create("bob@example.com")
                    .create(user::profile(), profile::create_without_user()),
            )
            .exec()
            .await
            .unwrap();
        let (ctx,) = after!(
            "cascading delete",
            c.user().delete(user::by_id(bob.id)).exec().await.unwrap()
        );
        assert_eq!(profiles().exec().await.unwrap(), 0, "{ctx}");

        // Raw SQL: everything, or the models named.
        let (ctx,) = after!(
            "execute_raw",
            c.raw()
                .execute_raw(
                    &sql(backend, "UPDATE \"posts\" SET \"title\" = 'R'"),
                    vec![]
                )
                .await
                .unwrap()
        );
        assert_eq!(
            users().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss,
            "{ctx}"
        );
        assert_eq!(
            profiles().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss,
            "{ctx}"
        );
        let (ctx,) = after!(
            "execute_raw_touching",
            c.raw()
                .execute_raw_touching(
                    &sql(backend, "DELETE FROM \"posts\" WHERE \"slug\" = 'a'"),
                    vec![],
                    &[&post::META]
                )
                .await
                .unwrap()
        );
        assert_eq!(posts().exec().await.unwrap(), 2, "{ctx}");
        assert_eq!(
            profiles().exec_with_info().await.unwrap().1.status,
            CacheStatus::Hit,
            "{ctx}: untouched models keep their entries"
        );

        // A strategy that ignores writes keeps serving what it cached.
        let lazy = || c.post().count().cache(ttl(600).ignore_writes());
        assert_eq!(lazy().exec().await.unwrap(), 2);
        c.post().delete(post::by_slug("b")).exec().await.unwrap();
        let (n, i) = lazy().exec_with_info().await.unwrap();
        assert_eq!(
            (n, i.status),
            (2, CacheStatus::Hit),
            "{backend:?}/{store:?}"
        );
    });
}

/// `"`-quoted SQL for `backend`.
fn sql(backend: Backend, s: &str) -> String {
    match backend {
        Backend::Mysql => s.replace('"', "`"),
        _ => s.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_invalidate_after_commit_and_never_on_rollback() {
    each!(|f, backend, store| {
        let c = &f.c;
        let ada = c
            .user()
            .create(user::create("ada@example.com"))
            .exec()
            .await
            .unwrap();
        let count = || c.post().count().cache(ttl(600));
        assert_eq!(count().exec().await.unwrap(), 0);
        // Rolled back: the entry stays (and is still right).
        let r: Result<(), quarry::Error> = c
            .transaction(|tx| async move {
                tx.post()
                    .create(post::create("x", "X", ada.id))
                    .exec()
                    .await?;
                Err(quarry::Error::InvalidQuery("roll back".into()))
            })
            .await;
        assert!(r.is_err());
        let (n, i) = count().exec_with_info().await.unwrap();
        assert_eq!(
            (n, i.status),
            (0, CacheStatus::Hit),
            "{backend:?}/{store:?}"
        );
        // Committed: invalidated only once the commit is done.
        let outside = c.clone();
        c.transaction(|tx| async move {
            tx.post()
                .create(post::create("y", "Y", ada.id))
                .exec()
                .await?;
            // Inside, reads bypass the cache (they see the transaction's own rows)...
            let (n, i) = tx.post().count().cache(ttl(600)).exec_with_info().await?;
            assert_eq!((n, i.status), (1, CacheStatus::None));
            // ...and outside, the entry is still the committed state's.
            let (n, i) = outside
                .post()
                .count()
                .cache(ttl(600))
                .exec_with_info()
                .await?;
            assert_eq!((n, i.status), (0, CacheStatus::Hit));
            Ok::<_, quarry::Error>(())
        })
        .await
        .unwrap();
        let (n, i) = count().exec_with_info().await.unwrap();
        assert_eq!(
            (n, i.status),
            (1, CacheStatus::Miss),
            "{backend:?}/{store:?}"
        );
        // A batch is a transaction too.
        c.batch((c.post().create(post::create("z", "Z", ada.id)),))
            .await
            .unwrap();
        assert_eq!(count().exec().await.unwrap(), 2);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_identical_misses_run_one_statement() {
    each!(|f, backend, store| {
        f.c.user()
            .create(user::create("ada@example.com"))
            .exec()
            .await
            .unwrap();
        let before = f.c.raw().statements_executed();
        let reads = (0..100).map(|_| {
            let c = f.c.clone();
            tokio::spawn(async move {
                c.user()
                    .find_many()
                    .cache(ttl(60))
                    .exec_with_info()
                    .await
                    .unwrap()
            })
        });
        let results = futures_join(reads).await;
        assert!(results.iter().all(|(u, _)| u.len() == 1));
        let misses = results
            .iter()
            .filter(|(_, i)| i.status == CacheStatus::Miss)
            .count();
        assert_eq!(misses, 1, "{backend:?}/{store:?}");
        assert_eq!(
            f.c.raw().statements_executed(),
            before + 1,
            "{backend:?}/{store:?}"
        );
    });
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_clients_sharing_redis_see_each_others_writes_and_share_misses() {
    for backend in BACKENDS {
        let Some(f) = fixture(backend, Store::Redis).await else {
            continue;
        };
        // A second client, as a second process would have: its own pool, memory and flights.
        let other = connect(&f.url, options(Store::Redis, &f.clock)).await;
        let ada =
            f.c.user()
                .create(user::create("ada@example.com"))
                .exec()
                .await
                .unwrap();
        // 50 identical misses on each client at once: one statement in all.
        let (b1, b2) = (
            f.c.raw().statements_executed(),
            other.raw().statements_executed(),
        );
        let reads = (0..100).map(|i| {
            let c = if i % 2 == 0 {
                f.c.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move { c.post().count().cache(ttl(60)).exec().await.unwrap() })
        });
        assert!(futures_join(reads).await.iter().all(|n| *n == 0));
        let ran = f.c.raw().statements_executed() - b1 + other.raw().statements_executed() - b2;
        assert_eq!(ran, 1, "{backend:?}: one statement for both clients");
        // A write through one is seen by the other's next cached read.
        other
            .post()
            .create(post::create("p", "P", ada.id))
            .exec()
            .await
            .unwrap();
        let (n, i) =
            f.c.post()
                .count()
                .cache(ttl(60))
                .exec_with_info()
                .await
                .unwrap();
        assert_eq!((n, i.status), (1, CacheStatus::Miss), "{backend:?}");
        let (n, i) = other
            .post()
            .count()
            .cache(ttl(60))
            .exec_with_info()
            .await
            .unwrap();
        assert_eq!((n, i.status), (1, CacheStatus::Hit), "{backend:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_entries_are_misses_and_are_replaced() {
    for backend in BACKENDS {
        let Some(f) = fixture(backend, Store::Redis).await else {
            continue;
        };
        let count = || f.c.user().count().cache(ttl(60));
        let (_, info) = count().exec_with_info().await.unwrap();
        let mut conn =
            f.c.cache()
                .redis_connection()
                .await
                .expect("a Redis connection");
        for garbage in [&b"not an entry"[..], b"QRC1\xff\xff\xff\xff", b""] {
            redis::cmd("SET")
                .arg(&info.key)
                .arg(garbage)
                .query_async::<()>(&mut conn)
                .await
                .unwrap();
            let (n, i) = count().exec_with_info().await.unwrap();
            assert_eq!(
                (n, i.status),
                (0, CacheStatus::Miss),
                "{backend:?}: {garbage:?}"
            );
            assert_eq!(
                count().exec_with_info().await.unwrap().1.status,
                CacheStatus::Hit
            );
        }
        assert_eq!(f.c.cache().stats().corrupt, 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_goes_away_never_fails_a_query_and_the_cache_resumes() {
    for backend in BACKENDS {
        if !redis_up().await {
            return;
        }
        let Some((test_db, _)) = database_with("blog", backend).await else {
            continue;
        };
        let cut = Cut::new().await;
        let clock = ManualClock::new();
        let mut o = CacheOptions::redis(format!("redis://{}", cut.addr));
        o.clock = clock.clone();
        o.timeout = Duration::from_millis(300);
        let c = connect(&test_db.url, o).await;
        let count = || c.user().count().cache(ttl(600));
        assert_eq!(
            count().exec_with_info().await.unwrap().1.status,
            CacheStatus::Miss
        );
        assert_eq!(
            count().exec_with_info().await.unwrap().1.status,
            CacheStatus::Hit
        );
        cut.set(false);
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..3 {
            let (n, i) = count()
                .exec_with_info()
                .await
                .expect("answered by the database");
            assert_eq!((n, i.status), (0, CacheStatus::None), "{backend:?}");
        }
        // A write while Redis is away: its invalidation waits, and no entry is served until it
        // lands.
        c.user()
            .create(user::create("ada@example.com"))
            .exec()
            .await
            .unwrap();
        assert!(c.cache().stats().errors > 0);
        cut.set(true);
        let mut resumed = false;
        for _ in 0..100 {
            let (n, i) = count().exec_with_info().await.unwrap();
            assert_eq!(n, 1, "{backend:?}: never the entry from before the write");
            if i.status == CacheStatus::Hit {
                resumed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            resumed,
            "{backend:?}: the cache resumed once Redis answered again"
        );
        // A Redis that was never there: the client still connects and answers.
        let mut o = CacheOptions::redis("redis://127.0.0.1:1");
        o.timeout = Duration::from_millis(200);
        let lone = connect(&test_db.url, o).await;
        let (n, i) = lone
            .user()
            .count()
            .cache(ttl(60))
            .exec_with_info()
            .await
            .unwrap();
        assert_eq!((n, i.status), (1, CacheStatus::None));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_store_stays_within_its_bounds() {
    let Some((test_db, _)) = database_with("blog", Backend::Sqlite).await else {
        return;
    };
    let c = connect(&test_db.url, CacheOptions::memory(10, 1 << 20)).await;
    for i in 0..50 {
        c.user()
            .find_many()
            .filter(user::id().equals(i))
            .cache(ttl(600))
            .exec()
            .await
            .unwrap();
    }
    let held = c.cache().memory_entries().unwrap();
    assert!(held <= 10, "held {held}");
    assert!(c.cache().stats().evictions >= 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_urls_are_read_and_bad_ones_are_errors() {
    assert!(CacheOptions::from_url("memory://?max_entries=5&max_bytes=1000").is_ok());
    assert!(CacheOptions::from_url("memory").is_ok());
    assert!(CacheOptions::from_url("redis://127.0.0.1:6379/0").is_ok());
    assert!(CacheOptions::from_url("rediss://example.com:6380").is_ok());
    assert!(CacheOptions::from_url("redis://a:7000,redis://b:7001").is_ok());
    for bad in [
        "memcached://x",
        "memory://?max_entries=0",
        "memory://?bogus=1",
        "redis://a,http://b",
    ] {
        let e = CacheOptions::from_url(bad).unwrap_err();
        assert!(e.to_string().contains("cache URL"), "{bad}: {e}");
    }
    // The generated client's models carry its fingerprint.
    assert_eq!(user::META.fingerprint.len(), 16);
    assert_eq!(user::META.fingerprint, post::META.fingerprint);
    let _ = Value::Null;
}

/// The cluster's or the TLS server's URL (scripts/test-all starts both); `None` outside CI
/// when it is not set.
fn extra_redis(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                !in_ci(),
                "{var} must be set in CI (scripts/test-all sets it)"
            );
            eprintln!(
                "skipping: {var} is not set (scripts/test-all starts that Redis and sets it)"
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_redis_cluster_caches_invalidates_and_shares_misses() {
    let Some(url) = extra_redis("QUARRY_TEST_REDIS_CLUSTER_URL") else {
        return;
    };
    for backend in BACKENDS {
        let Some((test_db, _)) = database_with("blog", backend).await else {
            continue;
        };
        let clock = ManualClock::new();
        let options = || {
            let mut o = CacheOptions::from_url(&url).unwrap();
            o.clock = clock.clone();
            o.timeout = Duration::from_secs(2);
            o
        };
        let (a, b) = (
            connect(&test_db.url, options()).await,
            connect(&test_db.url, options()).await,
        );
        let ada = a
            .user()
            .create(user::create("ada@example.com"))
            .exec()
            .await
            .unwrap();
        macro_rules! count {
            ($c:expr) => {
                $c.post()
                    .count()
                    .cache(ttl(60).tag("cluster"))
                    .exec_with_info()
            };
        }
        let (n, i) = count!(a).await.unwrap();
        assert_eq!((n, i.status), (0, CacheStatus::Miss), "{backend:?}");
        assert_eq!(
            count!(b).await.unwrap().1.status,
            CacheStatus::Hit,
            "{backend:?}: shared"
        );
        b.post()
            .create(post::create("p", "P", ada.id))
            .exec()
            .await
            .unwrap();
        let (n, i) = count!(a).await.unwrap();
        assert_eq!(
            (n, i.status),
            (1, CacheStatus::Miss),
            "{backend:?}: invalidated by b's write"
        );
        a.cache().invalidate(["cluster"]).await.unwrap();
        assert_eq!(count!(b).await.unwrap().1.status, CacheStatus::Miss);
        // Identical misses on both clients at once: one statement.
        let before = a.raw().statements_executed() + b.raw().statements_executed();
        let reads = (0..40).map(|i| {
            let c = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                c.user()
                    .find_many()
                    .cache(ttl(60))
                    .exec()
                    .await
                    .unwrap()
                    .len()
            })
        });
        assert!(futures_join(reads).await.iter().all(|n| *n == 1));
        let after = a.raw().statements_executed() + b.raw().statements_executed();
        assert_eq!(after - before, 1, "{backend:?}");
        assert_eq!(a.cache().stats().errors + b.cache().stats().errors, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rediss_urls_reach_redis_over_tls() {
    let Some(url) = extra_redis("QUARRY_TEST_REDIS_TLS_URL") else {
        return;
    };
    let Some((test_db, _)) = database_with("blog", Backend::Sqlite).await else {
        return;
    };
    let mut o = CacheOptions::from_url(&url).unwrap();
    o.timeout = Duration::from_secs(2);
    let c = connect(&test_db.url, o).await;
    let count = || c.user().count().cache(ttl(60)).exec_with_info();
    assert_eq!(count().await.unwrap().1.status, CacheStatus::Miss);
    assert_eq!(
        count().await.unwrap().1.status,
        CacheStatus::Hit,
        "{:?}",
        c.cache().stats()
    );
    assert_eq!(c.cache().stats().errors, 0);
}

/// A Redis of our own, started for one test: full (maxmemory reached, `noeviction`).
struct OwnRedis {
    child: std::process::Child,
    url: String,
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn full_redis() -> Option<OwnRedis> {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = match std::process::Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args([
            "--appendonly",
            "no",
            "--maxmemory",
            "2mb",
            "--maxmemory-policy",
            "noeviction",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            assert!(!in_ci(), "redis-server must be installed in CI: {e}");
            quarry_tests::note_skipped(
                "Redis server restart",
                &format!("cannot start redis-server: {e}"),
            );
            return None;
        }
    };
    let own = OwnRedis {
        child,
        url: format!("redis://127.0.0.1:{port}"),
    };
    let client = redis::Client::open(own.url.as_str()).unwrap();
    let mut conn = None;
    for _ in 0..200 {
        if let Ok(c) = client.get_multiplexed_async_connection().await {
            conn = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut conn = conn.expect("the test's own Redis started");
    // Fill it until it refuses writes, with ever smaller values, so that nothing fits after.
    let mut i = 0u64;
    for size in [64 * 1024, 1024, 16] {
        let blob = vec![b'x'; size];
        loop {
            i += 1;
            let r: redis::RedisResult<()> = redis::cmd("SET")
                .arg(format!("filler:{i}"))
                .arg(&blob)
                .query_async(&mut conn)
                .await;
            if r.is_err() {
                break;
            }
            assert!(i < 1_000_000, "maxmemory never reached");
        }
    }
    Some(own)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_redis_never_fails_a_query() {
    let Some(own) = full_redis().await else {
        return;
    };
    for backend in BACKENDS {
        let Some((test_db, _)) = database_with("blog", backend).await else {
            continue;
        };
        let mut o = CacheOptions::redis(own.url.clone());
        o.timeout = Duration::from_secs(2);
        let c = connect(&test_db.url, o).await;
        c.user()
            .create(user::create("ada@example.com"))
            .exec()
            .await
            .expect("a write whose invalidation Redis refuses still succeeds");
        for _ in 0..3 {
            let (users, _) = c
                .user()
                .find_many()
                .cache(ttl(60))
                .exec_with_info()
                .await
                .expect("answered by the database");
            assert_eq!(users.len(), 1, "{backend:?}");
        }
        assert!(
            c.cache().stats().errors > 0,
            "{backend:?}: the refusals are counted: {:?}",
            c.cache().stats()
        );
    }
}
