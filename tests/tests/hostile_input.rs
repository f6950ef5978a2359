//! Filters match exactly what they say whatever the input, and binds keep working whatever
//! came before them: NUL characters and LIKE's special characters in needles and values,
//! servers that read backslashes in string literals differently, NULL then a value bound at
//! the same place of a prepared statement, and `in` lists larger than any bind limit.

use quarry::meta::ScalarKind;
use quarry::{Data, Value};
use quarry_tests::db::Backend;
use quarry_tests::generated::blog::{user, Client, User};
use quarry_tests::setup::database_with;
use quarry_tests::{blog, on_every_backend};

/// Names with NUL, quotes and every character LIKE or an escape clause could treat specially.
/// PostgreSQL cannot store NUL in text, so those names are left out there.
fn names(backend: Backend) -> Vec<&'static str> {
    [
        "a\0b",
        "x\0y",
        "xa",
        "plain",
        "it's",
        "'\0quote",
        "50%",
        "a_b",
        "wow!",
        "back\\slash",
        "x!%_\\",
        "tail\0",
        "",
    ]
    .into_iter()
    .filter(|n| backend != Backend::Postgres || !n.contains('\0'))
    .collect()
}

const NEEDLES: &[&str] = &[
    "\0", "x\0", "b\0", "'", "a", "%", "_", "!", "\\", "!%", "\\s", "\0quote", "ta", "l\0", "",
];

async fn seed_users(c: &Client, backend: Backend) {
    for (i, name) in names(backend).into_iter().enumerate() {
        c.user()
            .create(user::create(format!("u{i}@example.com")).set(user::name(), name))
            .exec()
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: creating {name:?}: {e}"));
    }
}

/// What a filter must match: the names for which `test` holds, sorted.
fn expected(backend: Backend, test: impl Fn(&str) -> bool) -> Vec<String> {
    let mut v: Vec<String> = names(backend)
        .into_iter()
        .filter(|n| test(n))
        .map(String::from)
        .collect();
    v.sort();
    v
}

async fn matching(c: &Client, filter: quarry::Filter<User>) -> quarry::Result<Vec<String>> {
    let mut v: Vec<String> = c
        .user()
        .find_many()
        .filter(filter)
        .exec()
        .await?
        .into_iter()
        .filter_map(|u| u.name)
        .collect();
    v.sort();
    Ok(v)
}

/// What a text filter means, in Rust.
type NameTest = Box<dyn Fn(&str) -> bool>;

/// Every needle through contains / starts_with / ends_with, reads and writes alike.
/// (`in_transaction`: PostgreSQL's error for a NUL would end the transaction, so it is
/// checked outside one only.)
async fn text_filters_match_exactly(c: &Client, backend: Backend, in_transaction: bool) {
    for needle in NEEDLES {
        if backend == Backend::Postgres && needle.contains('\0') {
            // PostgreSQL text cannot hold NUL: a clear error, never rows.
            if !in_transaction {
                let err = matching(c, user::name().contains(*needle))
                    .await
                    .unwrap_err();
                assert!(err.to_string().contains("0x00"), "{err}");
            }
            continue;
        }
        let cases: [(&str, quarry::Filter<User>, NameTest); 3] = [
            (
                "contains",
                user::name().contains(*needle),
                Box::new(move |n: &str| n.contains(needle)),
            ),
            (
                "starts_with",
                user::name().starts_with(*needle),
                Box::new(move |n: &str| n.starts_with(needle)),
            ),
            (
                "ends_with",
                user::name().ends_with(*needle),
                Box::new(move |n: &str| n.ends_with(needle)),
            ),
        ];
        for (what, filter, test) in cases {
            let want = expected(backend, &test);
            let got = matching(c, filter.clone())
                .await
                .unwrap_or_else(|e| panic!("{backend:?} {what}({needle:?}): {e}"));
            assert_eq!(got, want, "{backend:?}: {what}({needle:?})");
            // A write with the same filter touches exactly those rows.
            let n = c
                .user()
                .update_many(Data::new().set(user::verified(), true))
                .filter(filter.clone())
                .exec()
                .await
                .unwrap();
            assert_eq!(
                n as usize,
                want.len(),
                "{backend:?}: update_many {what}({needle:?})"
            );
            let n = c
                .user()
                .count()
                .filter(quarry::not(filter.clone()))
                .exec()
                .await
                .unwrap();
            assert_eq!(
                n as usize,
                names(backend).len() - want.len(),
                "{backend:?}: NOT {what}({needle:?})"
            );
        }
    }
    // delete_many removes exactly the matching rows.
    let n = c
        .user()
        .delete_many()
        .filter(user::name().contains("a"))
        .exec()
        .await
        .unwrap();
    assert_eq!(n as usize, expected(backend, |s| s.contains('a')).len());
    assert_eq!(
        matching(c, user::name().contains("")).await.unwrap(),
        expected(backend, |s| !s.contains('a'))
    );
}

on_every_backend!(
    text_filters_match_exactly_what_they_say,
    blog,
    |f, backend| {
        seed_users(&f.client, backend).await;
        text_filters_match_exactly(&f.client, backend, false).await;
    }
);

// Servers that read a backslash in a string literal as an escape (or as a plain character)
// give LIKE patterns the same meaning: MySQL's NO_BACKSLASH_ESCAPES, PostgreSQL's
// standard_conforming_strings=off. The setting is made on a transaction's connection.
on_every_backend!(
    text_filters_under_other_string_literal_modes,
    blog,
    |f, backend| {
        let setting = match backend {
            Backend::Sqlite => continue,
            Backend::Mysql => "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')",
            Backend::Postgres => "SET standard_conforming_strings = off",
        };
        seed_users(&f.client, backend).await;
        f.client
            .transaction(|tx| async move {
                tx.raw().execute_raw(setting, vec![]).await?;
                text_filters_match_exactly(&tx, backend, true).await;
                Ok::<_, quarry::Error>(())
            })
            .await
            .unwrap();
    }
);

// A NULL and then a value bound at the same place of one statement: PostgreSQL must not keep
// the type it inferred for the NULL.
on_every_backend!(null_then_value_in_the_same_statement, blog, |f, backend| {
    let c = &f.client;
    let a = c
        .user()
        .create(user::create("a@example.com").set_null(user::name()))
        .exec()
        .await
        .unwrap();
    let b = c
        .user()
        .create(user::create("b@example.com").set(user::name(), "B"))
        .exec()
        .await
        .unwrap();
    assert_eq!(
        (a.name, b.name.as_deref()),
        (None, Some("B")),
        "{backend:?}"
    );
    c.user()
        .update(user::by_id(a.id), Data::new().set_null(user::name()))
        .exec()
        .await
        .unwrap();
    c.user()
        .update(user::by_id(a.id), Data::new().set(user::name(), "A"))
        .exec()
        .await
        .unwrap();
    let (insert, select) = match backend {
        Backend::Postgres => (
            "INSERT INTO \"users\" (\"email\", \"name\", \"updated_at\") VALUES ($1, $2, now())",
            "SELECT count(*) AS n FROM \"users\" WHERE \"id\" = $1",
        ),
        Backend::Mysql => (
            "INSERT INTO `users` (`email`, `name`, `updated_at`) VALUES (?, ?, now())",
            "SELECT count(*) AS n FROM `users` WHERE `id` = ?",
        ),
        Backend::Sqlite => (
            "INSERT INTO \"users\" (\"email\", \"name\", \"updated_at\") VALUES (?, ?, 0)",
            "SELECT count(*) AS n FROM \"users\" WHERE \"id\" = ?",
        ),
    };
    // Raw SQL on one connection: a plain NULL first, where the server infers `integer`, then
    // a BigInt, then a NULL that names its type.
    let id = a.id;
    c.transaction(|tx| async move {
        let raw = tx.raw();
        raw.execute_raw(insert, vec!["c@example.com".into(), Value::Null])
            .await?;
        raw.execute_raw(insert, vec!["d@example.com".into(), "D".into()])
            .await?;
        for v in [
            Value::Null,
            Value::BigInt(i64::from(id)),
            Value::NullOf(ScalarKind::BigInt),
            Value::BigInt(i64::from(id)),
        ] {
            raw.query_raw(select, vec![v.clone()])
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: {v:?}: {e}"));
        }
        Ok::<_, quarry::Error>(())
    })
    .await
    .unwrap();
    let raw = c.raw();
    raw.execute_raw(
        insert,
        vec!["e@example.com".into(), Value::NullOf(ScalarKind::String)],
    )
    .await
    .unwrap();
    assert_eq!(c.user().count().exec().await.unwrap(), 5);
});

/// NULL and then values of columns whose types PostgreSQL would infer from the NULL's context
/// (`money`, `time`, `xml`, `oid`, `varbit`), through create and update, outside and inside a
/// transaction, and in filters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_null_then_value_of_native_types() {
    use quarry_tests::generated::native_postgres::{self as np, invoice};
    let Some((_db, raw)) = database_with("native_postgres", Backend::Postgres).await else {
        return;
    };
    const ACCOUNT: &str = "0190b5a4-0c3e-7d2a-9c1f-3b6f2a1e4d5c";
    raw.execute_raw(
        "INSERT INTO accounts (id, email, username, tags, updated_at) VALUES ($1::uuid, 'a@x', 'a', '{}', now())",
        vec![ACCOUNT.into()],
    )
    .await
    .unwrap();
    let c = np::Client::from_client(raw);
    let time = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("RFC 3339")
            .with_timezone(&chrono::Utc)
    };
    let nulls = |d: quarry::Data<np::Invoice>| {
        d.set_null(invoice::gross_legacy())
            .set_null(invoice::cutoff_local())
            .set_null(invoice::ubl_document())
            .set_null(invoice::pdf_object_id())
            .set_null(invoice::reminder_mask())
    };
    let values = |d: quarry::Data<np::Invoice>| {
        d.set(
            invoice::gross_legacy(),
            quarry::Decimal::new((1250_i64).into(), 2),
        )
        .set(invoice::cutoff_local(), time("1970-01-01T14:30:00Z"))
        .set(invoice::ubl_document(), "<Invoice/>")
        .set(invoice::pdf_object_id(), 42)
        .set(invoice::reminder_mask(), "101")
    };
    for (i, null_first) in [true, false].into_iter().enumerate() {
        let data = |n: usize| {
            invoice::create(format!("{i}-{n}"), ACCOUNT, time("2024-01-01T00:00:00Z"), 1)
        };
        let (first, second) = if null_first {
            (nulls(data(0)), values(data(1)))
        } else {
            (values(data(0)), nulls(data(1)))
        };
        let a = c.invoice().create(first).exec().await.unwrap();
        let b = c.invoice().create(second).exec().await.unwrap();
        for id in [a.id, b.id] {
            c.invoice()
                .update(invoice::by_id(id), nulls(quarry::Data::new()))
                .exec()
                .await
                .unwrap();
            c.invoice()
                .update(invoice::by_id(id), values(quarry::Data::new()))
                .exec()
                .await
                .unwrap();
        }
        let id = a.id;
        c.transaction(|tx| async move {
            tx.invoice()
                .update(invoice::by_id(id), nulls(quarry::Data::new()))
                .exec()
                .await?;
            tx.invoice()
                .update(invoice::by_id(id), values(quarry::Data::new()))
                .exec()
                .await?;
            Ok::<_, quarry::Error>(())
        })
        .await
        .unwrap();
    }
    // The issue's own columns: `smallint`, `date` and `inet` on an account, NULL first.
    use quarry_tests::generated::native_postgres::account;
    for _ in 0..2 {
        c.account()
            .update(
                account::by_id(ACCOUNT),
                quarry::Data::new()
                    .set_null(account::age())
                    .set_null(account::birth_date())
                    .set_null(account::last_login_ip()),
            )
            .exec()
            .await
            .unwrap();
        let a = c
            .account()
            .update(
                account::by_id(ACCOUNT),
                quarry::Data::new()
                    .set(account::age(), 7)
                    .set(account::birth_date(), time("2000-01-02T00:00:00Z"))
                    .set(account::last_login_ip(), "10.0.0.1"),
            )
            .exec()
            .await
            .unwrap();
        assert_eq!(a.age, Some(7));
    }
    let with_oid = |v: Option<i64>| {
        c.invoice()
            .count()
            .filter(match v {
                Some(v) => invoice::pdf_object_id().equals(v),
                None => invoice::pdf_object_id().is_null(),
            })
            .exec()
    };
    assert_eq!(with_oid(None).await.unwrap(), 0);
    assert_eq!(with_oid(Some(42)).await.unwrap(), 4);
}

// `in` and `not_in` lists longer than any database's bind limit (100,000 values) match what
// they say, in reads and writes, for integers, strings, DateTimes and enums.
on_every_backend!(in_lists_of_any_length, blog, |f, backend| {
    use quarry_tests::generated::blog::Role;
    let c = &f.client;
    for i in 1..=40 {
        let role = if i % 4 == 0 {
            Role::Admin
        } else {
            Role::Reader
        };
        c.user()
            .create(
                user::create(format!("u{i}@example.com"))
                    .set(user::name(), format!("Name{i}"))
                    .set(user::role(), role),
            )
            .exec()
            .await
            .unwrap();
    }
    let users = c.user().find_many().exec().await.unwrap();
    let count = |filter: quarry::Filter<User>| c.user().count().filter(filter).exec();
    // Odd ids among 100,000 candidates that mostly match nothing.
    let odd: Vec<i32> = (-50_000..50_000).filter(|i| i % 2 != 0).collect();
    let odd_users = users.iter().filter(|u| u.id % 2 != 0).count() as i64;
    assert_eq!(
        count(user::id().in_(odd.clone())).await.unwrap(),
        odd_users,
        "{backend:?}"
    );
    assert_eq!(
        count(user::id().not_in(odd.clone())).await.unwrap(),
        40 - odd_users,
        "{backend:?}"
    );
    // Strings, with the case-insensitive mode.
    let mut emails: Vec<String> = (0..100_000)
        .map(|i| format!("nobody{i}@example.com"))
        .collect();
    emails.push("u7@example.com".into());
    emails.push("U8@EXAMPLE.COM".into());
    let exact = if backend == Backend::Mysql { 2 } else { 1 };
    assert_eq!(
        count(user::email().in_(emails.clone())).await.unwrap(),
        exact,
        "{backend:?}"
    );
    assert_eq!(
        count(user::email().in_(emails.clone()).insensitive())
            .await
            .unwrap(),
        2,
        "{backend:?}"
    );
    // DateTimes as read back, among others that match nothing.
    let mut times: Vec<_> = users.iter().map(|u| u.created_at).collect();
    let base = times[0];
    times.extend((1..2000).map(|s| base + chrono::Duration::days(s)));
    assert_eq!(
        count(user::created_at().in_(times)).await.unwrap(),
        40,
        "{backend:?}"
    );
    // Enums.
    let admins: Vec<Role> = std::iter::repeat_n(Role::Admin, 1500).collect();
    assert_eq!(
        count(user::role().in_(admins.clone())).await.unwrap(),
        10,
        "{backend:?}"
    );
    // Writes take the same filter.
    let n = c
        .user()
        .update_many(Data::new().set(user::verified(), true))
        .filter(user::id().in_(odd.clone()))
        .exec()
        .await
        .unwrap();
    assert_eq!(n as i64, odd_users, "{backend:?}");
    let n = c
        .user()
        .delete_many()
        .filter(user::role().not_in(admins))
        .exec()
        .await
        .unwrap();
    assert_eq!(n, 30, "{backend:?}");
    assert_eq!(c.user().count().exec().await.unwrap(), 10, "{backend:?}");
});
