//! Interactive transactions, savepoints, timeouts and raw queries on every database.

use quarry::{Error, IsolationLevel, TransactionOptions, Value};
use quarry_tests::db::Backend;
use quarry_tests::generated::blog as db;
use quarry_tests::setup::seed;
use quarry_tests::{blog, on_every_backend};
use std::time::Duration;

/// Inserts a tag with plain SQL through `client` (which may be a transaction's).
async fn add_tag(
    client: &db::Client,
    backend: Backend,
    id: i32,
    name: &str,
) -> quarry::Result<u64> {
    let sql = match backend {
        Backend::Postgres => r#"INSERT INTO "tags" ("id", "name") VALUES ($1, $2)"#,
        Backend::Mysql => "INSERT INTO `tags` (`id`, `name`) VALUES (?, ?)",
        Backend::Sqlite => r#"INSERT INTO "tags" ("id", "name") VALUES (?, ?)"#,
    };
    client
        .raw()
        .execute_raw(sql, vec![Value::Int(id), name.into()])
        .await
}

async fn tag_names(client: &db::Client) -> Vec<String> {
    let mut names: Vec<String> = client
        .tag()
        .find_many()
        .exec()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    names.sort();
    names
}

on_every_backend!(commit_on_ok_rollback_on_err, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let n = c
        .transaction(|tx| async move {
            add_tag(&tx, b, 1, "kept").await?;
            // Inside the transaction its own writes are visible.
            assert_eq!(tx.tag().count().exec().await?, 1);
            Ok::<_, Error>(7)
        })
        .await
        .unwrap();
    assert_eq!(n, 7);
    assert_eq!(tag_names(c).await, ["kept"], "{b:?}");

    let err = c
        .transaction(|tx| async move {
            add_tag(&tx, b, 2, "discarded").await?;
            Err::<(), _>(Error::InvalidQuery("changed my mind".into()))
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)));
    assert_eq!(tag_names(c).await, ["kept"], "{b:?}: rolled back");

    // A failing statement rolls the whole transaction back, including earlier statements.
    let err = c
        .transaction(|tx| async move {
            add_tag(&tx, b, 3, "first").await?;
            add_tag(&tx, b, 1, "duplicate id").await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap_err();
    assert!(err.is_unique_violation(), "{b:?}: {err}");
    assert_eq!(
        tag_names(c).await,
        ["kept"],
        "{b:?}: nothing of the failed transaction is left"
    );
});

/// Errors of the caller's own type work too, as long as they can hold a Quarry error.
#[derive(Debug)]
enum AppError {
    Db(Error),
    Rule(&'static str),
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Db(e)
    }
}

on_every_backend!(rollback_on_panic_and_on_custom_errors, blog, |f| {
    let (c, b) = (f.client.clone(), f.backend);
    let task = tokio::spawn({
        let c = c.clone();
        async move {
            let _ = c
                .transaction(|tx| async move {
                    add_tag(&tx, b, 10, "before the panic").await?;
                    panic!("boom");
                    #[allow(unreachable_code)]
                    Ok::<_, Error>(())
                })
                .await;
        }
    });
    assert!(task.await.unwrap_err().is_panic());
    assert!(
        tag_names(&c).await.is_empty(),
        "{b:?}: the panic rolled back"
    );

    let err = c
        .transaction(|tx| async move {
            add_tag(&tx, b, 11, "x").await?;
            Err::<(), _>(AppError::Rule("no"))
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Rule("no")));
    assert!(tag_names(&c).await.is_empty());
    // Database errors inside arrive as the caller's type.
    let err = c
        .transaction(|tx| async move {
            tx.raw().execute_raw("SELEKT 1", vec![]).await?;
            Ok::<_, AppError>(())
        })
        .await
        .unwrap_err();
    assert!(matches!(&err, AppError::Db(Error::Database(_))), "{err:?}");
    // The pool still works after all that.
    assert_eq!(c.tag().count().exec().await.unwrap(), 0);
});

on_every_backend!(nested_transactions_are_savepoints, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    c.transaction(|tx| async move {
        add_tag(&tx, b, 1, "outer").await?;
        let inner = tx
            .transaction(|tx2| async move {
                add_tag(&tx2, b, 2, "inner, undone").await?;
                Err::<(), _>(Error::InvalidQuery("inner fails".into()))
            })
            .await;
        assert!(inner.is_err());
        tx.transaction(|tx2| async move {
            add_tag(&tx2, b, 3, "inner, kept").await?;
            Ok::<_, Error>(())
        })
        .await?;
        Ok::<_, Error>(())
    })
    .await
    .unwrap();
    assert_eq!(tag_names(c).await, ["inner, kept", "outer"], "{b:?}");
});

on_every_backend!(timeouts_and_isolation_levels, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let options = TransactionOptions {
        timeout: Some(Duration::from_millis(200)),
        ..Default::default()
    };
    let err = c
        .transaction_with(options, |tx| async move {
            add_tag(&tx, b, 1, "slow").await?;
            tokio::time::sleep(Duration::from_secs(2)).await;
            Ok::<_, Error>(())
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{b:?}: {err}");
    assert!(
        tag_names(c).await.is_empty(),
        "{b:?}: the timed-out transaction was rolled back"
    );

    for level in [
        IsolationLevel::ReadCommitted,
        IsolationLevel::RepeatableRead,
        IsolationLevel::Serializable,
    ] {
        if b == Backend::Sqlite && level != IsolationLevel::Serializable {
            // SQLite transactions are always serializable; other levels are accepted as that.
        }
        let options = TransactionOptions {
            isolation_level: Some(level),
            ..Default::default()
        };
        c.transaction_with(options, |tx| async move {
            tx.tag().count().exec().await.map(|_| ())
        })
        .await
        .unwrap_or_else(|e| panic!("{b:?} {level:?}: {e}"));
    }
});

on_every_backend!(a_finished_transaction_cannot_be_used, blog, |f| {
    let c = &f.client;
    let leaked = c
        .transaction(|tx| async move { Ok::<_, Error>(tx.clone()) })
        .await
        .unwrap();
    let err = leaked.tag().count().exec().await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
});

on_every_backend!(concurrent_transactions_each_apply_once, blog, |f| {
    let (c, b) = (f.client.clone(), f.backend);
    let q = if b == Backend::Mysql { "`" } else { "\"" };
    let now = Value::DateTime(chrono::Utc::now());
    seed(
        c.raw(),
        b,
        r#"INSERT INTO "users" ("id", "email", "role", "verified", "created_at", "updated_at") VALUES (?, ?, {enum:Role}, ?, ?, ?)"#,
        vec![Value::Int(1), "a@x".into(), Value::Enum("READER".into()), Value::Bool(true), now.clone(), now.clone()],
    )
    .await;
    seed(
        c.raw(),
        b,
        r#"INSERT INTO "posts" ("id", "slug", "title", "view_count", "created_at", "updated_at", "author_id") VALUES (?, ?, ?, ?, ?, ?, ?)"#,
        vec![Value::Int(1), "s".into(), "t".into(), Value::Int(0), now.clone(), now, Value::Int(1)],
    )
    .await;
    let increment = format!(
        "UPDATE {q}posts{q} SET {q}view_count{q} = {q}view_count{q} + 1 WHERE {q}id{q} = {}",
        if b == Backend::Postgres { "$1" } else { "?" }
    );
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let c = c.clone();
        let sql = increment.clone();
        tasks.push(tokio::spawn(async move {
            c.transaction_with(
                TransactionOptions {
                    timeout: Some(Duration::from_secs(30)),
                    max_wait: Some(Duration::from_secs(30)),
                    ..Default::default()
                },
                |tx| async move { tx.raw().execute_raw(&sql, vec![Value::Int(1)]).await },
            )
            .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap_or_else(|e| panic!("{b:?}: {e}")), 1);
    }
    let post = c
        .post()
        .find_unique(db::post::by_id(1))
        .exec()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(post.view_count, 50, "{b:?}");
});

on_every_backend!(
    raw_queries_with_binds_inside_and_outside_transactions,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        add_tag(c, b, 1, "rust").await.unwrap();
        add_tag(c, b, 2, "sql").await.unwrap();
        let sql = match b {
            Backend::Postgres => {
                r#"SELECT "id", "name" FROM "tags" WHERE "name" <> $1 ORDER BY "id""#
            }
            Backend::Mysql => "SELECT `id`, `name` FROM `tags` WHERE `name` <> ? ORDER BY `id`",
            Backend::Sqlite => r#"SELECT "id", "name" FROM "tags" WHERE "name" <> ? ORDER BY "id""#,
        };
        let rows = c.raw().query_raw(sql, vec!["rust".into()]).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["name"], "sql");
        assert_eq!(rows[0]["id"].as_i64(), Some(2), "{b:?}");

        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct TagRow {
            id: i64,
            name: String,
        }
        let typed: Vec<TagRow> = c
            .transaction(
                |tx| async move { tx.raw().query_raw_as(sql, vec!["nothing".into()]).await },
            )
            .await
            .unwrap();
        assert_eq!(
            typed,
            [
                TagRow {
                    id: 1,
                    name: "rust".into()
                },
                TagRow {
                    id: 2,
                    name: "sql".into()
                }
            ]
        );
        // An injection attempt is only a value.
        let none = c
            .raw()
            .query_raw(sql, vec!["x' OR '1'='1".into()])
            .await
            .unwrap();
        assert_eq!(none.len(), 2);
    }
);

on_every_backend!(batches_run_in_one_transaction, blog, |f| {
    use quarry::Data;
    use quarry_tests::generated::blog::{tag, user};
    let (c, b) = (&f.client, f.backend);
    let (u, tags, n) = c
        .batch((
            c.user().create(user::create("batch@example.com")),
            c.tag().create_many([tag::create("a"), tag::create("b")]),
            c.tag().count(),
        ))
        .await
        .unwrap();
    assert_eq!(
        (u.email.as_str(), tags, n),
        ("batch@example.com", 2, 2),
        "{b:?}"
    );
    let renamed = c
        .batch(vec![
            c.tag()
                .update(tag::by_name("a"), Data::new().set(tag::name(), "A")),
            c.tag()
                .update(tag::by_name("b"), Data::new().set(tag::name(), "B")),
        ])
        .await
        .unwrap();
    assert_eq!(
        renamed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["A", "B"]
    );
    // The second query fails: the first is rolled back with it.
    let err = c
        .batch((
            c.tag().create(tag::create("C")),
            c.tag().create(tag::create("A")),
        ))
        .await
        .unwrap_err();
    assert!(err.is_unique_violation(), "{b:?}: {err}");
    assert_eq!(
        tag_names(c).await,
        ["A", "B"],
        "{b:?}: nothing of the failed batch is left"
    );
});

on_every_backend!(a_dropped_transaction_rolls_back, blog, |f| {
    let (c, b) = (f.client.clone(), f.backend);
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn({
        let c = c.clone();
        async move {
            c.transaction(|tx| async move {
                add_tag(&tx, b, 1, "never committed").await?;
                let _ = started_tx.send(());
                // Never finishes on its own: the task is aborted here.
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                Ok::<_, Error>(())
            })
            .await
        }
    });
    started_rx.await.unwrap();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    // The connection was closed, not returned mid-transaction: the insert is gone and the pool
    // still works.
    assert!(tag_names(&c).await.is_empty(), "{b:?}");
    add_tag(&c, b, 2, "after").await.unwrap();
    assert_eq!(tag_names(&c).await, ["after"]);
});

/// SQLite has one writer at a time: a second writer waits for the lock (busy timeout) and then
/// fails with a busy error, which is marked retryable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_lock_contention_is_retryable() {
    let Some(f) = blog(Backend::Sqlite).await else {
        return;
    };
    let c = f.client.clone();
    let (locked_tx, locked_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let holder = tokio::spawn({
        let c = c.clone();
        async move {
            c.transaction_with(
                TransactionOptions {
                    timeout: Some(Duration::from_secs(30)),
                    ..Default::default()
                },
                |tx| async move {
                    add_tag(&tx, Backend::Sqlite, 1, "holder").await?;
                    let _ = locked_tx.send(());
                    let _ = release_rx.await;
                    Ok::<_, Error>(())
                },
            )
            .await
        }
    });
    locked_rx.await.unwrap();
    let err = c
        .transaction_with(
            TransactionOptions {
                timeout: Some(Duration::from_secs(30)),
                ..Default::default()
            },
            |tx| async move { add_tag(&tx, Backend::Sqlite, 2, "second").await },
        )
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    let _ = release_tx.send(());
    holder.await.unwrap().unwrap();
    // Retried after the first writer is done, it succeeds.
    add_tag(&c, Backend::Sqlite, 2, "second").await.unwrap();
}

/// The implicit transaction of one write has no timeout: an update and a delete whose
/// triggers take 6 s (longer than an interactive transaction's 5 s default) return their
/// records, as in Prisma, instead of failing with P1008 and rolling back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_writes_outlive_the_interactive_timeout() {
    for b in [Backend::Postgres, Backend::Mysql] {
        let Some(f) = blog(b).await else { continue };
        let c = &f.client;
        add_tag(c, b, 1, "one").await.unwrap();
        add_tag(c, b, 2, "two").await.unwrap();
        let triggers: &[&str] = match b {
            Backend::Postgres => &[
                "CREATE FUNCTION slow() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(6); RETURN COALESCE(NEW, OLD); END $$ LANGUAGE plpgsql",
                r#"CREATE TRIGGER slow_update BEFORE UPDATE ON "tags" FOR EACH ROW EXECUTE FUNCTION slow()"#,
                r#"CREATE TRIGGER slow_delete BEFORE DELETE ON "tags" FOR EACH ROW EXECUTE FUNCTION slow()"#,
            ],
            _ => &[
                "CREATE TRIGGER slow_update BEFORE UPDATE ON `tags` FOR EACH ROW SET @slept = SLEEP(6)",
                "CREATE TRIGGER slow_delete BEFORE DELETE ON `tags` FOR EACH ROW SET @slept = SLEEP(6)",
            ],
        };
        for sql in triggers {
            c.raw().execute_raw(sql, vec![]).await.unwrap();
        }
        let (updated, deleted) = tokio::join!(
            c.tag()
                .update(
                    db::tag::by_id(1),
                    quarry::Data::new().set(db::tag::name(), "uno")
                )
                .exec(),
            c.tag().delete(db::tag::by_id(2)).exec(),
        );
        assert_eq!(updated.unwrap().name, "uno", "{b:?}");
        assert_eq!(deleted.unwrap().name, "two", "{b:?}");
        assert_eq!(tag_names(c).await, ["uno"], "{b:?}");
    }
}

// An interactive transaction that times out stops the statement it was running (PostgreSQL
// cancel, MySQL KILL QUERY, SQLite interrupt) and rolls back at once, instead of waiting for
// the statement to end.
on_every_backend!(timed_out_transaction_cancels_its_statement, blog, |f, b| {
    let c = &f.client;
    let endless = match b {
        Backend::Postgres => "SELECT pg_sleep(120)",
        Backend::Mysql => "SELECT SLEEP(120)",
        Backend::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) \
             SELECT count(*) FROM (SELECT x FROM c LIMIT 100000000000)"
        }
    };
    let started = std::time::Instant::now();
    let err = c
        .transaction_with(
            TransactionOptions {
                timeout: Some(Duration::from_millis(300)),
                ..Default::default()
            },
            |tx| async move {
                add_tag(&tx, b, 1, "rolled back").await?;
                tx.raw().query_raw(endless, vec![]).await?;
                Ok::<_, Error>(())
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{b:?}: {err:?}");
    // Not a timing test: without the cancel the rollback would wait 120 s or more.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{b:?}: {:?}",
        started.elapsed()
    );
    assert!(tag_names(c).await.is_empty(), "{b:?}");
    add_tag(c, b, 2, "after").await.unwrap();
    assert_eq!(tag_names(c).await, ["after"], "{b:?}");
});
