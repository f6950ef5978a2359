//! Each database error arrives typed, naming the model and the fields, and leaves the data as it
//! was: unique (P2002), foreign key (P2003), not found (P2025), NULL in a required column, a
//! value too long or out of range, and serialization failures or deadlocks marked retryable.

use quarry::{DatabaseErrorKind, Error, IsolationLevel, TransactionOptions, Value};
use quarry_tests::db::Backend;
use quarry_tests::generated::blog::{post, tag, user};
use quarry_tests::{blog, on_every_backend};
use std::sync::Arc;

fn kind(e: &Error) -> Option<DatabaseErrorKind> {
    e.database_error().map(|d| d.kind)
}

/// `?` placeholders and `"` quotes, adapted to the backend.
fn sql(backend: Backend, text: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for ch in text.chars() {
        match (ch, backend) {
            ('?', Backend::Postgres) => {
                n += 1;
                out.push_str(&format!("${n}"));
            }
            ('"', Backend::Mysql) => out.push('`'),
            _ => out.push(ch),
        }
    }
    out
}

on_every_backend!(unique_violations_name_model_and_fields, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let u = c
        .user()
        .create(user::create("a@example.com"))
        .exec()
        .await
        .unwrap();
    let err = c
        .user()
        .create(user::create("a@example.com"))
        .exec()
        .await
        .unwrap_err();
    assert_eq!(
        kind(&err),
        Some(DatabaseErrorKind::UniqueViolation),
        "{b:?}: {err}"
    );
    let d = err.database_error().unwrap();
    assert_eq!(
        (d.model, d.fields.as_slice()),
        (Some("User"), &["email".to_string()][..]),
        "{b:?}: {d:?}"
    );
    assert_eq!(err.prisma_code(), Some("P2002"));
    // The field's schema name, not its column (`author_id` is `authorId`).
    c.post()
        .create(post::create("s", "T", u.id))
        .exec()
        .await
        .unwrap();
    let err = c
        .post()
        .update_many(quarry::Data::new().set(post::slug(), "s2"))
        .exec()
        .await;
    assert_eq!(err.unwrap(), 1);
    let err = c
        .post()
        .create(post::create("s2", "T", u.id))
        .exec()
        .await
        .unwrap_err();
    assert_eq!(err.database_error().unwrap().fields, ["slug"], "{b:?}");
    let err = c
        .tag()
        .create_many([tag::create("x"), tag::create("x")])
        .exec()
        .await
        .unwrap_err();
    assert!(err.is_unique_violation(), "{b:?}");
    assert_eq!(
        c.tag().count().exec().await.unwrap(),
        0,
        "{b:?}: nothing of the failed batch"
    );
});

on_every_backend!(foreign_keys_and_not_found, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let err = c
        .post()
        .create(post::create("s", "T", 42))
        .exec()
        .await
        .unwrap_err();
    assert_eq!(
        kind(&err),
        Some(DatabaseErrorKind::ForeignKeyViolation),
        "{b:?}: {err}"
    );
    assert_eq!(err.prisma_code(), Some("P2003"));
    let err = c.user().delete(user::by_id(42)).exec().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::RecordNotFound {
                model: "User",
                operation: "delete"
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.prisma_code(), Some("P2025"));
});

on_every_backend!(null_in_a_required_column, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    // The typed API cannot set NULL on a required field; raw SQL can try.
    let err = c
        .raw()
        .execute_raw(
            &sql(b, r#"INSERT INTO "tags" ("name") VALUES (?)"#),
            vec![Value::Null],
        )
        .await
        .unwrap_err();
    assert_eq!(
        kind(&err),
        Some(DatabaseErrorKind::NotNullViolation),
        "{b:?}: {err}"
    );
});

/// SQLite stores any length and any integer in any column, so these apply to the servers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_long_and_out_of_range_values() {
    for b in [Backend::Postgres, Backend::Mysql] {
        let Some(f) = blog(b).await else { continue };
        let raw = f.client.raw();
        raw.execute_raw(
            &sql(b, r#"CREATE TABLE "limits" ("s" VARCHAR(4), "n" SMALLINT)"#),
            vec![],
        )
        .await
        .unwrap();
        let insert = sql(b, r#"INSERT INTO "limits" ("s", "n") VALUES (?, ?)"#);
        let err = raw
            .execute_raw(&insert, vec!["too long".into(), Value::Int(1)])
            .await
            .unwrap_err();
        assert_eq!(
            kind(&err),
            Some(DatabaseErrorKind::ValueTooLong),
            "{b:?}: {err}"
        );
        assert_eq!(err.prisma_code(), Some("P2000"));
        let err = raw
            .execute_raw(&insert, vec!["ok".into(), Value::Int(100_000)])
            .await
            .unwrap_err();
        assert_eq!(
            kind(&err),
            Some(DatabaseErrorKind::OutOfRange),
            "{b:?}: {err}"
        );
        assert_eq!(err.prisma_code(), Some("P2020"));
    }
}

/// Two transactions that conflict: PostgreSQL aborts one (serialization failure), MariaDB
/// picks a deadlock victim. Both are marked retryable, and retrying succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_are_retryable() {
    for b in [Backend::Postgres, Backend::Mysql] {
        let Some(f) = blog(b).await else { continue };
        let c = f.client.clone();
        c.tag()
            .create_many([tag::create("a"), tag::create("b")])
            .exec()
            .await
            .unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let run = |first: &'static str, second: &'static str| {
            let (c, barrier) = (c.clone(), barrier.clone());
            let update = sql(b, r#"UPDATE "tags" SET "name" = "name" WHERE "name" = ?"#);
            let count = sql(b, r#"SELECT COUNT(*) AS n FROM "tags" WHERE "name" = ?"#);
            async move {
                c.transaction_with(
                    TransactionOptions {
                        isolation_level: Some(IsolationLevel::Serializable),
                        timeout: Some(std::time::Duration::from_secs(20)),
                        ..Default::default()
                    },
                    |tx| async move {
                        // Each reads what the other will write, then both write.
                        tx.raw().query_raw(&count, vec![second.into()]).await?;
                        barrier.wait().await;
                        tx.raw().execute_raw(&update, vec![first.into()]).await?;
                        tx.raw().execute_raw(&update, vec![second.into()]).await?;
                        Ok::<_, Error>(())
                    },
                )
                .await
            }
        };
        let (x, y) = tokio::join!(tokio::spawn(run("a", "b")), tokio::spawn(run("b", "a")));
        let results = [x.unwrap(), y.unwrap()];
        let failures: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(
            !failures.is_empty(),
            "{b:?}: one of two conflicting transactions must fail"
        );
        for e in &failures {
            assert!(e.is_retryable(), "{b:?}: {e}");
            assert_eq!(e.prisma_code(), Some("P2034"));
        }
        // The retry of the failed one succeeds now that the other is done.
        c.transaction(|tx| async move {
            tx.raw()
                .execute_raw(&sql(b, r#"UPDATE "tags" SET "name" = "name""#), vec![])
                .await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
    }
}

on_every_backend!(
    foreign_key_violations_name_the_constraint_and_fields,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        let err = c
            .post()
            .create(post::create("s", "T", 42))
            .exec()
            .await
            .unwrap_err();
        let d = err.database_error().unwrap();
        if b != Backend::Sqlite {
            // SQLite does not name the foreign key that failed.
            assert_eq!(
                d.constraint.as_deref(),
                Some("posts_author_id_fkey"),
                "{b:?}: {d:?}"
            );
            assert_eq!(d.fields, ["authorId"], "{b:?}: {d:?}");
        }
    }
);

/// A server that refuses the connection is a `Connection` error (P1001) at once, not a
/// `Timeout` after `connect_timeout`: sqlx's pool would retry the refusal until then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_is_a_connection_error() {
    for url in [
        "postgresql://postgres@127.0.0.1:1/test?connect_timeout=60",
        "mysql://root@127.0.0.1:1/test?connect_timeout=60",
    ] {
        let started = std::time::Instant::now();
        let err = quarry::Client::connect(url).await.unwrap_err();
        assert!(matches!(err, Error::Connection(_)), "{url}: {err:?}");
        assert_eq!(err.prisma_code(), Some("P1001"));
        assert!(err.is_retryable());
        // Not a timing test: a refusal that waited for the timeout would take 60 s.
        assert!(started.elapsed() < std::time::Duration::from_secs(50));
    }
}

/// A session the server ends (PostgreSQL `pg_terminate_backend`, MariaDB `KILL`) arrives as
/// the same `Connection` error on both, retryable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_session_is_a_retryable_connection_error() {
    for b in [Backend::Postgres, Backend::Mysql] {
        let Some(f) = blog(b).await else { continue };
        let c = &f.client;
        let (whoami, kill) = match b {
            Backend::Postgres => (
                "SELECT pg_backend_pid() AS id",
                "SELECT pg_terminate_backend($1)",
            ),
            _ => ("SELECT CONNECTION_ID() AS id", "KILL ?"),
        };
        let outside = c.raw().clone();
        let err = c
            .transaction(|tx| async move {
                let rows = tx.raw().query_raw(whoami, vec![]).await?;
                let id = rows[0]["id"].as_i64().expect("an id");
                let id = match b {
                    Backend::Postgres => Value::Int(id as i32),
                    _ => Value::BigInt(id),
                };
                outside.execute_raw(kill, vec![id]).await?;
                tx.user().count().exec().await?;
                Ok::<_, Error>(())
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Connection(_)), "{b:?}: {err:?}");
        assert!(err.is_retryable(), "{b:?}");
        assert_eq!(err.prisma_code(), Some("P1001"), "{b:?}");
        // The pool replaces the dead connection.
        assert_eq!(c.user().count().exec().await.unwrap(), 0, "{b:?}");
    }
}

on_every_backend!(
    missing_table_and_failed_raw_query_have_prisma_codes,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        c.raw()
            .execute_raw(&sql(b, r#"DROP TABLE "comments""#), vec![])
            .await
            .unwrap();
        let err = c.comment().count().exec().await.unwrap_err();
        assert_eq!(
            kind(&err),
            Some(DatabaseErrorKind::TableNotFound),
            "{b:?}: {err}"
        );
        assert_eq!(err.prisma_code(), Some("P2021"), "{b:?}: {err}");
        let err = c
            .raw()
            .query_raw("SELECT * FROM no_such_thing", vec![])
            .await
            .unwrap_err();
        assert_eq!(err.prisma_code(), Some("P2021"), "{b:?}: {err}");
        let err = c
            .raw()
            .query_raw("SELECT no_such_column FROM users", vec![])
            .await
            .unwrap_err();
        assert_eq!(err.prisma_code(), Some("P2010"), "{b:?}: {err}");
        let err = c
            .raw()
            .execute_raw("THIS IS NOT SQL", vec![])
            .await
            .unwrap_err();
        assert_eq!(err.prisma_code(), Some("P2010"), "{b:?}: {err}");
    }
);

/// A generated client refuses a URL for another database than its schema's provider, with a
/// message that names both; options can say which database a client is used on.
#[tokio::test]
async fn a_generated_client_checks_the_url_against_its_provider() {
    use quarry_tests::generated::blog as db;
    for url in ["mysql://root@127.0.0.1:1/x", "postgresql://u@127.0.0.1:1/x"] {
        let e = db::Client::connect(url).await.unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("provider is `sqlite`") && msg.contains("`file:`"),
            "{msg}"
        );
    }
    // Told otherwise, it goes on (and here finds nothing listening).
    let e = db::Client::connect_with(
        "postgresql://u@127.0.0.1:1/x",
        quarry::ConnectOptions {
            provider: Some("postgresql"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(!e.to_string().contains("provider is"), "{e}");
}
