//! Every read operation, filter and include of the generated client, on the blog example,
//! against SQLite, PostgreSQL and MariaDB. Data is seeded with plain SQL.

use chrono::{TimeZone, Utc};
use quarry::{and, not, or, Value};
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::generated::blog::{self as db, comment, post, profile, tag, user, Role};
use quarry_tests::on_every_backend;
use quarry_tests::setup::{database_with, seed};

struct Fixture {
    _db: TestDb,
    client: db::Client,
}

fn at(ms: i64) -> Value {
    Value::DateTime(Utc.timestamp_millis_opt(ms).single().expect("valid time"))
}

/// Alice (ADMIN) wrote p1 (published, 10 views) and p2 (draft, 5 views); Bob (AUTHOR, no name)
/// wrote p3 (published, 100 views); Carol (READER) wrote nothing. p1 has comments by Bob and
/// Carol, p3 one by Alice. Tags: p1 rust+db, p3 rust. Alice has a profile.
async fn fixture(backend: Backend) -> Option<Fixture> {
    let (db, raw) = database_with("blog", backend).await?;
    let t0 = 1_700_000_000_123i64;
    for (id, email, name, role, verified) in [
        (1, "alice@example.com", Some("Alice"), "ADMIN", true),
        (2, "bob@example.org", None, "AUTHOR", false),
        (3, "carol@example.com", Some("carol"), "READER", true),
    ] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "users" ("id", "email", "name", "role", "verified", "created_at", "updated_at") VALUES (?, ?, ?, {enum:Role}, ?, ?, ?)"#,
            vec![
                Value::Int(id),
                email.into(),
                name.into(),
                Value::Enum(role.into()),
                Value::Bool(verified),
                at(t0 + i64::from(id)),
                at(t0),
            ],
        )
        .await;
    }
    seed(
        &raw,
        backend,
        r#"INSERT INTO "profiles" ("id", "bio", "user_id") VALUES (?, ?, ?)"#,
        vec![Value::Int(1), "Writes about Rust".into(), Value::Int(1)],
    )
    .await;
    for (id, slug, title, published, views, rating, author) in [
        (1, "hello", "Hello, world", true, 10, Some(4.5), 1),
        (2, "draft", "A draft", false, 5, None, 1),
        (
            3,
            "fast",
            "Fast queries 100% of the time",
            true,
            100,
            Some(3.0),
            2,
        ),
    ] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "posts" ("id", "slug", "title", "published", "view_count", "rating", "created_at", "updated_at", "author_id") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"#,
            vec![
                Value::Int(id),
                slug.into(),
                title.into(),
                Value::Bool(published),
                Value::Int(views),
                rating.into(),
                at(t0 + i64::from(id) * 1000),
                at(t0),
                Value::Int(author),
            ],
        )
        .await;
    }
    for (id, body, post_id, author) in [(1, "Nice", 1, 2), (2, "Agreed", 1, 3), (3, "Thanks", 3, 1)]
    {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "comments" ("id", "body", "post_id", "author_id", "created_at") VALUES (?, ?, ?, ?, ?)"#,
            vec![Value::String(format!("c{id}")), body.into(), Value::Int(post_id), Value::Int(author), at(t0 + i64::from(id))],
        )
        .await;
    }
    for (id, name) in [(1, "rust"), (2, "db")] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "tags" ("id", "name") VALUES (?, ?)"#,
            vec![Value::Int(id), name.into()],
        )
        .await;
    }
    for (post_id, tag_id) in [(1, 1), (1, 2), (3, 1)] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "_PostToTag" ("A", "B") VALUES (?, ?)"#,
            vec![Value::Int(post_id), Value::Int(tag_id)],
        )
        .await;
    }
    Some(Fixture {
        _db: db,
        client: db::Client::from_client(raw),
    })
}

fn emails(users: &[db::User]) -> Vec<&str> {
    users.iter().map(|u| u.email.as_str()).collect()
}

on_every_backend!(find_many_filters_orders_and_pages, fixture, |f, backend| {
    let users = f
        .client
        .user()
        .find_many()
        .filter(user::email().ends_with("@example.com"))
        .order_by(user::email().desc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        emails(&users),
        ["carol@example.com", "alice@example.com"],
        "{backend:?}"
    );

    let page = f
        .client
        .user()
        .find_many()
        .order_by(user::id().asc())
        .skip(1)
        .take(1)
        .exec()
        .await
        .unwrap();
    assert_eq!(emails(&page), ["bob@example.org"]);

    let alice = &f
        .client
        .user()
        .find_many()
        .filter(user::id().equals(1))
        .exec()
        .await
        .unwrap()[0];
    assert_eq!(alice.role, Role::Admin);
    assert_eq!(alice.name.as_deref(), Some("Alice"));
    assert!(alice.verified);
    assert_eq!(
        alice.created_at.timestamp_millis(),
        1_700_000_000_124,
        "{backend:?}: millisecond precision"
    );
});

on_every_backend!(scalar_filters, fixture, |f, backend| {
    let c = &f.client;
    let ids = |users: Vec<db::User>| users.into_iter().map(|u| u.id).collect::<Vec<_>>();
    let q = || c.user().find_many().order_by(user::id().asc());

    assert_eq!(
        ids(q().filter(user::id().in_([1, 3, 9])).exec().await.unwrap()),
        [1, 3]
    );
    assert_eq!(
        ids(q().filter(user::id().not_in([1])).exec().await.unwrap()),
        [2, 3]
    );
    assert_eq!(
        ids(q()
            .filter(user::id().in_(Vec::<i32>::new()))
            .exec()
            .await
            .unwrap()),
        Vec::<i32>::new()
    );
    assert_eq!(
        ids(q()
            .filter(user::id().gt(1).and(user::id().lte(3)))
            .exec()
            .await
            .unwrap()),
        [2, 3]
    );
    assert_eq!(
        ids(q().filter(user::name().is_null()).exec().await.unwrap()),
        [2]
    );
    assert_eq!(
        ids(q().filter(user::name().is_not_null()).exec().await.unwrap()),
        [1, 3]
    );
    assert_eq!(
        ids(q().filter(user::name().not("Alice")).exec().await.unwrap()),
        [3],
        "not excludes NULL"
    );
    assert_eq!(
        ids(q()
            .filter(user::role().equals(Role::Author))
            .exec()
            .await
            .unwrap()),
        [2]
    );
    assert_eq!(
        ids(q()
            .filter(user::role().in_([Role::Admin, Role::Reader]))
            .exec()
            .await
            .unwrap()),
        [1, 3]
    );
    assert_eq!(
        ids(q()
            .filter(user::verified().equals(false))
            .exec()
            .await
            .unwrap()),
        [2]
    );
    assert_eq!(
        ids(q()
            .filter(or([user::id().equals(1), user::id().equals(2)]))
            .exec()
            .await
            .unwrap()),
        [1, 2]
    );
    assert_eq!(
        ids(q().filter(not(user::id().equals(1))).exec().await.unwrap()),
        [2, 3]
    );
    assert_eq!(ids(q().filter(and([])).exec().await.unwrap()), [1, 2, 3]);
    assert_eq!(
        ids(q().filter(or([])).exec().await.unwrap()),
        Vec::<i32>::new()
    );
    assert_eq!(
        ids(q()
            .filter(user::email().starts_with("bob"))
            .exec()
            .await
            .unwrap()),
        [2]
    );
    assert_eq!(
        ids(q()
            .filter(user::email().contains("example.c"))
            .exec()
            .await
            .unwrap()),
        [1, 3]
    );
    // Case-insensitive mode matches regardless of case on every database.
    assert_eq!(
        ids(q()
            .filter(user::name().equals("CAROL").insensitive())
            .exec()
            .await
            .unwrap()),
        [3],
        "{backend:?}"
    );
    assert_eq!(
        ids(q()
            .filter(user::name().contains("ALI").insensitive())
            .exec()
            .await
            .unwrap()),
        [1],
        "{backend:?}"
    );
    // LIKE wildcards in the needle are literal.
    let posts = c
        .post()
        .find_many()
        .filter(post::title().contains("100%"))
        .exec()
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        c.post()
            .find_many()
            .filter(post::title().contains("%"))
            .exec()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        c.post()
            .find_many()
            .filter(post::title().contains("_"))
            .exec()
            .await
            .unwrap()
            .len(),
        0
    );
    // Optional float, comparisons.
    let rated = c
        .post()
        .find_many()
        .filter(post::rating().gte(4.0))
        .exec()
        .await
        .unwrap();
    assert_eq!(rated.iter().map(|p| p.id).collect::<Vec<_>>(), [1]);
});

on_every_backend!(relation_filters, fixture, |f, backend| {
    let c = &f.client;
    let ids = |users: Vec<db::User>| users.into_iter().map(|u| u.id).collect::<Vec<_>>();
    let q = || c.user().find_many().order_by(user::id().asc());
    // some / every / none on a list relation.
    assert_eq!(
        ids(q()
            .filter(user::posts().some(post::published().equals(false)))
            .exec()
            .await
            .unwrap()),
        [1]
    );
    assert_eq!(
        ids(q()
            .filter(user::posts().every(post::published().equals(true)))
            .exec()
            .await
            .unwrap()),
        [2, 3],
        "every holds with no posts"
    );
    assert_eq!(
        ids(q()
            .filter(user::posts().none(post::published().equals(true)))
            .exec()
            .await
            .unwrap()),
        [3]
    );
    // Nested two levels: users with a post that has a comment by Carol.
    let nested = q()
        .filter(
            user::posts().some(
                post::comments().some(comment::author().is(user::email().starts_with("carol"))),
            ),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(nested), [1], "{backend:?}");
    // is / is_not / is_none on to-one relations.
    let by_admins = c
        .post()
        .find_many()
        .filter(post::author().is(user::role().equals(Role::Admin)))
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(by_admins.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2]);
    let not_admins = c
        .post()
        .find_many()
        .filter(post::author().is_not(user::role().equals(Role::Admin)))
        .exec()
        .await
        .unwrap();
    assert_eq!(not_admins.iter().map(|p| p.id).collect::<Vec<_>>(), [3]);
    assert_eq!(
        ids(q().filter(user::profile().is_none()).exec().await.unwrap()),
        [2, 3]
    );
    // Many-to-many.
    let rust_posts = c
        .post()
        .find_many()
        .filter(post::tags().some(tag::name().equals("rust")))
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(rust_posts.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 3]);
});

on_every_backend!(
    includes_are_typed_nested_and_batched,
    fixture,
    |f, backend| {
        let c = &f.client;
        let before = c.raw().statements_executed();
        let users = c
            .user()
            .find_many()
            .order_by(user::id().asc())
            .include(
                user::posts().with(
                    post::find()
                        .filter(post::published().equals(true))
                        .order_by(post::id().desc())
                        .include(
                            post::comments().with(comment::find().order_by(comment::id().asc())),
                        )
                        .include(post::tags()),
                ),
            )
            .include(user::profile())
            .relation_load_strategy(quarry::RelationLoadStrategy::Query)
            .exec()
            .await
            .unwrap();
        // users, posts, comments, tags, profiles: one statement per include, whatever the rows.
        assert_eq!(c.raw().statements_executed() - before, 5, "{backend:?}");
        assert_eq!(users.len(), 3);
        let alice = &users[0];
        assert_eq!(alice.posts.len(), 1, "the draft is filtered out");
        assert_eq!(
            alice.posts[0]
                .comments
                .iter()
                .map(|c| c.body.as_str())
                .collect::<Vec<_>>(),
            ["Nice", "Agreed"]
        );
        let mut tags: Vec<&str> = alice.posts[0]
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        tags.sort();
        assert_eq!(tags, ["db", "rust"]);
        assert_eq!(
            alice.profile.as_ref().and_then(|p| p.bio.as_deref()),
            Some("Writes about Rust")
        );
        assert!(users[1].profile.is_none());
        assert_eq!(users[2].posts.len(), 0);

        // A required to-one relation, and per-parent take.
        let posts =
            c.post()
                .find_many()
                .order_by(post::id().asc())
                .include(post::author().with(
                    user::find().include(
                        user::posts().with(post::find().order_by(post::id().asc()).take(1)),
                    ),
                ))
                .exec()
                .await
                .unwrap();
        assert_eq!(posts[0].author.email, "alice@example.com");
        assert_eq!(posts[2].author.email, "bob@example.org");
        assert_eq!(
            posts[0]
                .author
                .posts
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>(),
            [1],
            "take applies per parent"
        );
        assert_eq!(
            posts[2]
                .author
                .posts
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>(),
            [3]
        );

        // Per-parent skip+take on a list with more rows.
        let users = c
            .user()
            .find_many()
            .filter(user::id().equals(1))
            .include(user::posts().with(post::find().order_by(post::id().asc()).skip(1).take(5)))
            .exec()
            .await
            .unwrap();
        assert_eq!(users[0].posts.iter().map(|p| p.id).collect::<Vec<_>>(), [2]);
    }
);

on_every_backend!(unique_first_and_errors, fixture, |f, backend| {
    let c = &f.client;
    let bob = c
        .user()
        .find_unique(user::by_email("bob@example.org"))
        .exec()
        .await
        .unwrap();
    assert_eq!(bob.map(|u| u.id), Some(2));
    assert!(c
        .user()
        .find_unique(user::by_id(42))
        .exec()
        .await
        .unwrap()
        .is_none());
    let err = c
        .user()
        .find_unique_or_throw(user::by_id(42))
        .exec()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{backend:?}: {err}");
    assert_eq!(err.prisma_code(), Some("P2025"));
    let first = c
        .post()
        .find_first()
        .filter(post::published().equals(true))
        .order_by(post::view_count().desc())
        .exec()
        .await
        .unwrap();
    assert_eq!(first.map(|p| p.slug), Some("fast".to_string()));
    assert!(c
        .post()
        .find_first_or_throw()
        .filter(post::id().equals(99))
        .exec()
        .await
        .unwrap_err()
        .is_not_found());
    let with_profile = c
        .user()
        .find_unique(user::by_id(1))
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert!(with_profile.and_then(|u| u.profile).is_some());
    let p = c
        .profile()
        .find_unique(profile::by_user_id(1))
        .exec()
        .await
        .unwrap();
    assert_eq!(p.map(|p| p.id), Some(1));
});

on_every_backend!(cursor_distinct_and_backwards, fixture, |f, backend| {
    let c = &f.client;
    let ids = |posts: Vec<db::Post>| posts.into_iter().map(|p| p.id).collect::<Vec<_>>();
    let from_2 = c
        .post()
        .find_many()
        .order_by(post::id().asc())
        .cursor(post::by_id(2))
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(from_2), [2, 3], "{backend:?}");
    let after_2 = c
        .post()
        .find_many()
        .order_by(post::id().asc())
        .cursor(post::by_id(2))
        .skip(1)
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(after_2), [3]);
    let last_two = c
        .post()
        .find_many()
        .order_by(post::id().asc())
        .take(-2)
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(last_two), [2, 3], "negative take keeps the order");
    let before_3 = c
        .post()
        .find_many()
        .order_by(post::id().asc())
        .cursor(post::by_id(3))
        .take(-2)
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(before_3), [2, 3]);
    let by_views = c
        .post()
        .find_many()
        .order_by(post::view_count().desc())
        .cursor(post::by_id(1))
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(by_views), [1, 2]);
    let one_per_author = c
        .post()
        .find_many()
        .order_by(post::id().asc())
        .distinct([post::author_id()])
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(one_per_author), [1, 3]);
    let distinct_paged = c
        .post()
        .find_many()
        .order_by(post::id().asc())
        .distinct([post::author_id()])
        .skip(1)
        .take(1)
        .exec()
        .await
        .unwrap();
    assert_eq!(ids(distinct_paged), [3]);
});

on_every_backend!(ordering_nulls_and_relation_counts, fixture, |f, backend| {
    let c = &f.client;
    let names = |users: Vec<db::User>| users.into_iter().map(|u| u.id).collect::<Vec<_>>();
    let nulls_first = c
        .user()
        .find_many()
        .order_by(user::name().asc().nulls_first())
        .exec()
        .await
        .unwrap();
    assert_eq!(names(nulls_first)[0], 2, "{backend:?}");
    let nulls_last = c
        .user()
        .find_many()
        .order_by(user::name().asc().nulls_last())
        .exec()
        .await
        .unwrap();
    assert_eq!(names(nulls_last)[2], 2, "{backend:?}");
    let by_posts = c
        .user()
        .find_many()
        .order_by(user::posts().count_desc())
        .order_by(user::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(names(by_posts), [1, 2, 3]);
});

on_every_backend!(select_count_aggregate_group_by, fixture, |f, backend| {
    let c = &f.client;
    let pairs = c
        .user()
        .find_many()
        .order_by(user::id().asc())
        .select((user::id(), user::email(), user::name()))
        .exec()
        .await
        .unwrap();
    assert_eq!(pairs[1], (2, "bob@example.org".to_string(), None));

    assert_eq!(c.post().count().exec().await.unwrap(), 3);
    assert_eq!(
        c.post()
            .count()
            .filter(post::published().equals(true))
            .exec()
            .await
            .unwrap(),
        2
    );
    assert_eq!(c.post().count().take(2).exec().await.unwrap(), 2);

    let (n, sum, avg, min, max) = c
        .post()
        .aggregate((
            post::count(),
            post::view_count().sum(),
            post::view_count().avg(),
            post::view_count().min(),
            post::rating().max(),
        ))
        .exec()
        .await
        .unwrap();
    assert_eq!((n, sum, min), (3, Some(115), Some(5)), "{backend:?}");
    assert!((avg.unwrap() - 115.0 / 3.0).abs() < 1e-9);
    assert_eq!(max, Some(4.5));
    let (empty_sum,) = c
        .post()
        .aggregate((post::view_count().sum(),))
        .filter(post::id().equals(99))
        .exec()
        .await
        .unwrap();
    assert_eq!(empty_sum, None);
    // Several filters combine with AND, as on find queries.
    let (sum,) = c
        .post()
        .aggregate((post::view_count().sum(),))
        .filter(post::published().equals(true))
        .filter(post::view_count().lt(50))
        .exec()
        .await
        .unwrap();
    assert_eq!(sum, Some(10), "{backend:?}");
    assert_eq!(
        c.post()
            .count()
            .filter(post::published().equals(true))
            .filter(post::view_count().lt(50))
            .exec()
            .await
            .unwrap(),
        1
    );
    let groups = c
        .post()
        .group_by((post::author_id(),), (post::count(),))
        .filter(post::view_count().lt(50))
        .filter(post::view_count().gt(1))
        .exec()
        .await
        .unwrap();
    assert_eq!(
        groups,
        vec![((1,), (2,))],
        "{backend:?}: Bob's post has 100 views"
    );
    let groups = c
        .post()
        .group_by((post::author_id(),), (post::count(),))
        .having(post::count().lt(2))
        .having(post::count().gt(0))
        .exec()
        .await
        .unwrap();
    assert_eq!(
        groups,
        vec![((2,), (1,))],
        "{backend:?}: Alice has two posts"
    );

    let groups = c
        .post()
        .group_by(
            (post::author_id(),),
            (post::count(), post::view_count().sum()),
        )
        .having(post::count().gt(1))
        .exec()
        .await
        .unwrap();
    assert_eq!(groups, vec![((1,), (2, Some(15)))]);
    let ordered = c
        .post()
        .group_by((post::author_id(),), (post::view_count().sum(),))
        .order_by(post::view_count().sum().desc())
        .exec()
        .await
        .unwrap();
    assert_eq!(ordered, vec![((2,), (Some(100),)), ((1,), (Some(15),))]);
});

on_every_backend!(shapes_are_cached, fixture, |f, backend| {
    let c = &f.client;
    for id in 1..=3 {
        let found = c
            .user()
            .find_many()
            .filter(user::id().equals(id))
            .exec()
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{backend:?}");
    }
    // The same shape with different values reuses one statement text.
    let stmt_a = quarry::sql::select_sql(
        c.raw().dialect(),
        <db::User as quarry::Model>::META,
        user::find().filter(user::id().equals(1)).args(),
    );
    let stmt_b = quarry::sql::select_sql(
        c.raw().dialect(),
        <db::User as quarry::Model>::META,
        user::find().filter(user::id().equals(2)).args(),
    );
    assert_eq!(stmt_a.sql, stmt_b.sql);
    assert_ne!(stmt_a.binds, stmt_b.binds);
});

on_every_backend!(
    join_strategy_returns_what_query_strategy_returns,
    fixture,
    |f, backend| {
        use quarry::RelationLoadStrategy::{Join, Query};
        let c = &f.client;
        for strategy in [Query, Join] {
            let before = c.raw().statements_executed();
            let users = c
                .user()
                .find_many()
                .order_by(user::id().asc())
                .include(
                    user::posts().with(
                        post::find()
                            .order_by(post::view_count().desc())
                            .take(5)
                            .include(
                                post::comments()
                                    .with(comment::find().filter(comment::body().not("Agreed"))),
                            )
                            .include(post::tags().with(tag::find().order_by(tag::name().asc())))
                            .include(post::author()),
                    ),
                )
                .include(user::profile())
                .relation_load_strategy(strategy)
                .exec()
                .await
                .unwrap_or_else(|e| panic!("{backend:?} {strategy:?}: {e}"));
            let statements = c.raw().statements_executed() - before;
            if strategy == Join {
                assert_eq!(
                    statements, 1,
                    "{backend:?}: the join strategy runs one statement"
                );
            }
            assert_eq!(users.len(), 3);
            let alice = &users[0];
            assert_eq!(
                alice.posts.iter().map(|p| p.id).collect::<Vec<_>>(),
                [1, 2],
                "{backend:?} {strategy:?}"
            );
            assert_eq!(
                alice.posts[0]
                    .comments
                    .iter()
                    .map(|c| c.body.as_str())
                    .collect::<Vec<_>>(),
                ["Nice"]
            );
            assert_eq!(
                alice.posts[0]
                    .tags
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>(),
                ["db", "rust"]
            );
            assert_eq!(alice.posts[0].author.email, "alice@example.com");
            assert_eq!(
                alice.posts[0].created_at.timestamp_millis(),
                1_700_000_001_123,
                "{backend:?} {strategy:?}"
            );
            assert_eq!(alice.profile.as_ref().map(|p| p.user_id), Some(1));
            assert!(users[1].profile.is_none());
            assert!(users[2].posts.is_empty());
        }
        // Both strategies produce equal values, field for field.
        let query = c
            .post()
            .find_many()
            .order_by(post::id().asc())
            .include(post::author())
            .include(post::tags());
        let a = query.relation_load_strategy(Query).exec().await.unwrap();
        let b = c
            .post()
            .find_many()
            .order_by(post::id().asc())
            .include(post::author())
            .include(post::tags())
            .relation_load_strategy(Join)
            .exec()
            .await
            .unwrap();
        let sort_tags = |mut posts: Vec<db::Post<db::User, quarry::NotLoaded, Vec<db::Tag>>>| {
            for p in &mut posts {
                p.tags.sort_by_key(|t| t.id);
            }
            posts
        };
        assert_eq!(sort_tags(a), sort_tags(b), "{backend:?}");
    }
);

on_every_backend!(relation_counts, fixture, |f, backend| {
    use quarry::RelationLoadStrategy::{Join, Query};
    let c = &f.client;
    let users = c
        .user()
        .find_many()
        .order_by(user::id().asc())
        .count_relations((
            user::posts(),
            user::comments(),
            user::posts().with(post::find().filter(post::published().equals(true))),
        ))
        .exec()
        .await
        .unwrap();
    let counts: Vec<(i32, (i64, i64, i64))> = users.iter().map(|(u, n)| (u.id, *n)).collect();
    assert_eq!(
        counts,
        [(1, (2, 1, 1)), (2, (1, 1, 1)), (3, (0, 1, 0))],
        "{backend:?}"
    );
    // Nested: each included post with its comment count, with both strategies.
    for strategy in [Query, Join] {
        let users = c
            .user()
            .find_many()
            .filter(user::id().equals(1))
            .include(
                user::posts().with(
                    post::find()
                        .order_by(post::id().asc())
                        .count_relations((post::comments(),)),
                ),
            )
            .relation_load_strategy(strategy)
            .exec()
            .await
            .unwrap();
        let per_post: Vec<(i32, i64)> = users[0].posts.iter().map(|(p, (n,))| (p.id, *n)).collect();
        assert_eq!(per_post, [(1, 2), (2, 0)], "{backend:?} {strategy:?}");
    }
});

on_every_backend!(
    default_strategy_is_the_faster_one_per_database,
    fixture,
    |f, backend| {
        use quarry::RelationLoadStrategy::{Join, Query};
        // BENCHMARKS.md: joins on SQLite, batched statements on PostgreSQL and MariaDB.
        let expected = if backend == Backend::Sqlite {
            Join
        } else {
            Query
        };
        let c = &f.client;
        assert_eq!(c.raw().relation_load_strategy(), expected, "{backend:?}");
        let before = c.raw().statements_executed();
        let users = c
            .user()
            .find_many()
            .include(user::posts().with(post::find().include(post::comments())))
            .exec()
            .await
            .unwrap();
        assert_eq!(users.len(), 3);
        let statements = c.raw().statements_executed() - before;
        assert_eq!(
            statements,
            if expected == Join { 1 } else { 3 },
            "{backend:?}"
        );
        // `Comment.authorId` has no index: a join would scan the comments once per user, so
        // the default is the batched `Query` strategy there, on every database.
        assert_eq!(
            c.raw().strategy_for(
                <quarry_tests::generated::blog::User as quarry::Model>::META,
                c.user().find_many().include(user::comments()).args()
            ),
            Query,
            "{backend:?}"
        );
        let before = c.raw().statements_executed();
        c.user()
            .find_many()
            .include(user::comments())
            .exec()
            .await
            .unwrap();
        assert_eq!(c.raw().statements_executed() - before, 2, "{backend:?}");
    }
);

on_every_backend!(
    find_unique_and_find_first_select_and_count,
    fixture,
    |f, backend| {
        let c = &f.client;
        let picked = c
            .user()
            .find_unique(user::by_id(2))
            .select((user::email(), user::name()))
            .exec()
            .await
            .unwrap();
        assert_eq!(
            picked,
            Some(("bob@example.org".to_string(), None)),
            "{backend:?}"
        );
        let none = c
            .user()
            .find_unique(user::by_id(99))
            .select((user::email(),))
            .exec()
            .await
            .unwrap();
        assert_eq!(none, None);
        let (alice, (posts, comments)) = c
            .user()
            .find_first()
            .order_by(user::id().asc())
            .count_relations((user::posts(), user::comments()))
            .exec()
            .await
            .unwrap()
            .expect("alice");
        assert_eq!((alice.id, posts, comments), (1, 2, 1), "{backend:?}");
        let (bob, (published,)) = c
            .user()
            .find_unique(user::by_email("bob@example.org"))
            .count_relations((
                user::posts().with(post::find().filter(post::published().equals(true))),
            ))
            .exec()
            .await
            .unwrap()
            .expect("bob");
        assert_eq!((bob.id, published), (2, 1), "{backend:?}");
    }
);

on_every_backend!(order_by_a_to_one_relations_field, fixture, |f, backend| {
    use quarry::RelationLoadStrategy;
    let c = &f.client;
    let slugs = |posts: Vec<db::Post>| posts.into_iter().map(|p| p.slug).collect::<Vec<_>>();
    let by_author_email = c
        .post()
        .find_many()
        .order_by(post::author().order_by(user::email().desc()))
        .order_by(post::slug().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        slugs(by_author_email),
        ["fast", "draft", "hello"],
        "{backend:?}"
    );
    // Bob has no name: NULL, placed as asked.
    for (nulls_first, expected) in [
        (true, ["fast", "draft", "hello"]),
        (false, ["draft", "hello", "fast"]),
    ] {
        let name = user::name().asc();
        let name = if nulls_first {
            name.nulls_first()
        } else {
            name.nulls_last()
        };
        let posts = c
            .post()
            .find_many()
            .order_by(post::author().order_by(name))
            .order_by(post::slug().asc())
            .exec()
            .await
            .unwrap();
        assert_eq!(
            slugs(posts),
            expected,
            "{backend:?} nulls_first={nulls_first}"
        );
    }
    // Two relations deep: comment -> post -> author.
    for (dir, expected) in [(true, ["c1", "c2", "c3"]), (false, ["c3", "c1", "c2"])] {
        let key = if dir {
            user::email().asc()
        } else {
            user::email().desc()
        };
        let ids: Vec<String> = c
            .comment()
            .find_many()
            .order_by(comment::post().order_by(post::author().order_by(key)))
            .order_by(comment::id().asc())
            .exec()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, expected, "{backend:?}");
    }
    // Inside an include, with both strategies.
    for strategy in [RelationLoadStrategy::Query, RelationLoadStrategy::Join] {
        let p =
            c.post()
                .find_unique(post::by_slug("hello"))
                .include(post::comments().with(
                    comment::find().order_by(comment::author().order_by(user::email().desc())),
                ))
                .exec()
                .await
                .unwrap()
                .unwrap();
        let _ = strategy;
        let ids: Vec<&str> = p.comments.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c2", "c1"], "{backend:?}");
        let posts =
            c.post()
                .find_many()
                .filter(post::slug().equals("hello"))
                .include(post::comments().with(
                    comment::find().order_by(comment::author().order_by(user::email().desc())),
                ))
                .relation_load_strategy(strategy)
                .exec()
                .await
                .unwrap();
        let ids: Vec<&str> = posts[0].comments.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c2", "c1"], "{backend:?} {strategy:?}");
    }
});

on_every_backend!(
    builders_run_on_await_and_select_goes_anywhere,
    fixture,
    |f| {
        let c = &f.client;
        // `.await` on a builder runs it, as `.exec()` does; the future can be spawned.
        let users: Vec<db::User> = c
            .user()
            .find_many()
            .order_by(user::id().asc())
            .await
            .unwrap();
        assert_eq!(emails(&users).len(), 3);
        let n: i64 = c.user().count().await.unwrap();
        assert_eq!(n, 3);
        let spawned = {
            let c = c.clone();
            tokio::spawn(async move { c.user().find_first().order_by(user::id().asc()).await })
        };
        assert_eq!(spawned.await.unwrap().unwrap().map(|u| u.id), Some(1));
        // `select` before or after the rest of the builder.
        let before = c
            .user()
            .find_many()
            .select((user::email(),))
            .filter(user::email().ends_with("@example.com"))
            .order_by(user::email().desc())
            .take(1)
            .await
            .unwrap();
        let after = c
            .user()
            .find_many()
            .filter(user::email().ends_with("@example.com"))
            .order_by(user::email().desc())
            .take(1)
            .select((user::email(),))
            .exec()
            .await
            .unwrap();
        assert_eq!(before, after);
        assert_eq!(before, [("carol@example.com".to_string(),)]);
    }
);
