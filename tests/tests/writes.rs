//! create, create_many, update, update_many, upsert, delete, delete_many: defaults, field
//! updates, typed errors and referential actions, on SQLite, PostgreSQL and MariaDB.

use quarry::{Data, Error};
use quarry_tests::db::Backend;
use quarry_tests::generated::blog::{comment, post, profile, tag, user, Role};
use quarry_tests::{blog, on_every_backend};

on_every_backend!(create_applies_defaults_and_returns_the_record, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let alice = c
        .user()
        .create(user::create("alice@example.com").set(user::name(), "Alice"))
        .exec()
        .await
        .unwrap();
    assert!(alice.id > 0, "{b:?}: autoincrement id read back");
    assert_eq!(alice.email, "alice@example.com");
    assert_eq!(alice.name.as_deref(), Some("Alice"));
    assert_eq!(alice.role, Role::Reader, "{b:?}: database default");
    assert!(!alice.verified);
    assert!(
        alice.created_at >= before && alice.updated_at >= before,
        "{b:?}: now() and @updatedAt"
    );
    assert_eq!(
        alice.created_at.timestamp_subsec_nanos() % 1_000_000,
        0,
        "milliseconds, as Prisma"
    );

    let bob = c
        .user()
        .create(user::create("bob@example.com").set(user::role(), Role::Admin))
        .include(user::posts())
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert_eq!(bob.role, Role::Admin);
    assert!(bob.posts.is_empty() && bob.profile.is_none());
    assert_ne!(bob.id, alice.id);

    let post = c
        .post()
        .create(post::create("hello", "Hello", alice.id).set(post::published(), true))
        .include(post::author())
        .exec()
        .await
        .unwrap();
    assert_eq!(post.author.email, "alice@example.com");
    assert_eq!(post.view_count, 0);

    // cuid() default on a String id, computed by the client.
    let comment = c
        .comment()
        .create(comment::create("First!", post.id).set(comment::author_id(), bob.id))
        .exec()
        .await
        .unwrap();
    assert!(
        comment.id.starts_with('c') && comment.id.len() == 25,
        "{}",
        comment.id
    );

    // select returns a tuple.
    let (id, email) = c
        .user()
        .create(user::create("carol@example.com"))
        .select((user::id(), user::email()))
        .exec()
        .await
        .unwrap();
    assert!(id > bob.id);
    assert_eq!(email, "carol@example.com");
});

on_every_backend!(create_many_chunks_and_skips_duplicates, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let n = c
        .tag()
        .create_many((0..2500).map(|i| tag::create(format!("tag-{i}"))))
        .exec()
        .await
        .unwrap();
    assert_eq!(n, 2500);
    assert_eq!(c.tag().count().exec().await.unwrap(), 2500);
    let dup = c
        .tag()
        .create_many([tag::create("tag-1"), tag::create("new")])
        .exec()
        .await
        .unwrap_err();
    assert!(dup.is_unique_violation(), "{b:?}: {dup}");
    assert_eq!(
        c.tag().count().exec().await.unwrap(),
        2500,
        "{b:?}: the failed batch inserted nothing"
    );
    let n = c
        .tag()
        .create_many([tag::create("tag-1"), tag::create("new")])
        .skip_duplicates()
        .exec()
        .await
        .unwrap();
    assert_eq!(n, 1, "{b:?}");
    // INSERT ... RETURNING: SQLite, PostgreSQL and MariaDB (MySQL proper has none).
    let created = c
        .tag()
        .create_many([tag::create("x"), tag::create("y")])
        .exec_and_return()
        .await
        .unwrap_or_else(|e| panic!("{b:?}: {e}"));
    assert_eq!(
        created.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["x", "y"]
    );
});

on_every_backend!(updates_set_unset_and_compute, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let u = c
        .user()
        .create(user::create("u@example.com").set(user::name(), "U"))
        .exec()
        .await
        .unwrap();
    let p = c
        .post()
        .create(
            post::create("p", "P", u.id)
                .set(post::view_count(), 10)
                .set(post::rating(), 2.0),
        )
        .exec()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let p2 = c
        .post()
        .update(
            post::by_id(p.id),
            Data::new()
                .increment(post::view_count(), 5)
                .multiply(post::rating(), 2.0)
                .set(post::title(), "Renamed")
                .set_null(post::content()),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(
        (p2.view_count, p2.rating, p2.title.as_str()),
        (15, Some(4.0), "Renamed"),
        "{b:?}"
    );
    assert!(p2.updated_at > p.updated_at, "{b:?}: @updatedAt moves");
    let p3 = c
        .post()
        .update(
            post::by_slug("p"),
            Data::new()
                .decrement(post::view_count(), 3)
                .divide(post::rating(), 4.0),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!((p3.view_count, p3.rating), (12, Some(1.0)));
    let u2 = c
        .user()
        .update(
            user::by_email("u@example.com"),
            Data::new()
                .set_null(user::name())
                .set(user::email(), "v@example.com"),
        )
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        (u2.name.as_deref(), u2.email.as_str(), u2.posts.len()),
        (None, "v@example.com", 1)
    );

    let missing = c
        .post()
        .update(post::by_id(999), Data::new().set(post::title(), "x"))
        .exec()
        .await
        .unwrap_err();
    assert!(missing.is_not_found(), "{b:?}: {missing}");
    assert_eq!(missing.prisma_code(), Some("P2025"));
    let bad = c
        .post()
        .create(post::create("q", "Q", u.id).increment(post::view_count(), 1))
        .exec()
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::InvalidQuery(_)));
});

on_every_backend!(
    update_many_and_delete_many_use_the_read_filters,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        let a = c
            .user()
            .create(user::create("a@example.com").set(user::role(), Role::Admin))
            .exec()
            .await
            .unwrap();
        let r = c
            .user()
            .create(user::create("r@example.com"))
            .exec()
            .await
            .unwrap();
        for (slug, author) in [("a1", a.id), ("a2", a.id), ("r1", r.id)] {
            c.post()
                .create(post::create(slug, slug, author))
                .exec()
                .await
                .unwrap();
        }
        let n = c
            .post()
            .update_many(
                Data::new()
                    .set(post::published(), true)
                    .increment(post::view_count(), 1),
            )
            .filter(post::author().is(user::role().equals(Role::Admin)))
            .exec()
            .await
            .unwrap();
        assert_eq!(n, 2, "{b:?}");
        let published = c
            .post()
            .count()
            .filter(post::published().equals(true))
            .exec()
            .await
            .unwrap();
        assert_eq!(published, 2);
        let n = c
            .post()
            .delete_many()
            .filter(post::view_count().gt(0))
            .exec()
            .await
            .unwrap();
        assert_eq!(n, 2, "{b:?}");
        assert_eq!(c.post().count().exec().await.unwrap(), 1);
        // Self-referencing filters work on MySQL too (no "can't specify target table" error).
        let n = c
            .user()
            .update_many(Data::new().set(user::verified(), true))
            .filter(user::posts().some(post::slug().equals("r1")))
            .exec()
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(c.post().delete_many().exec().await.unwrap(), 1);
    }
);

on_every_backend!(upsert_creates_then_updates, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    for round in 0..2 {
        let u = c
            .user()
            .upsert(
                user::by_email("x@example.com"),
                user::create("x@example.com").set(user::name(), "created"),
                Data::new().set(user::name(), "updated"),
            )
            .exec()
            .await
            .unwrap();
        let expected = if round == 0 { "created" } else { "updated" };
        assert_eq!(u.name.as_deref(), Some(expected), "{b:?}");
    }
    assert_eq!(c.user().count().exec().await.unwrap(), 1);
});

on_every_backend!(
    delete_returns_the_record_and_referential_actions_hold,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        let u = c
            .user()
            .create(user::create("d@example.com"))
            .exec()
            .await
            .unwrap();
        c.profile()
            .create(profile::create(u.id).set(profile::bio(), "bio"))
            .exec()
            .await
            .unwrap();
        let p = c
            .post()
            .create(post::create("d", "D", u.id))
            .exec()
            .await
            .unwrap();
        let other = c
            .user()
            .create(user::create("o@example.com"))
            .exec()
            .await
            .unwrap();
        let cm = c
            .comment()
            .create(comment::create("hi", p.id).set(comment::author_id(), other.id))
            .exec()
            .await
            .unwrap();

        // Posts restrict deleting their author (onDelete: Restrict): nothing changes.
        let err = c.user().delete(user::by_id(u.id)).exec().await.unwrap_err();
        assert!(err.is_foreign_key_violation(), "{b:?}: {err}");
        assert_eq!(err.prisma_code(), Some("P2003"));
        assert_eq!(
            c.user().count().exec().await.unwrap(),
            2,
            "{b:?}: the failed delete lost nothing"
        );
        assert_eq!(c.profile().count().exec().await.unwrap(), 1);

        // Deleting the commenter sets the comment's author to NULL (onDelete: SetNull).
        let gone = c.user().delete(user::by_id(other.id)).exec().await.unwrap();
        assert_eq!(gone.email, "o@example.com");
        let cm = c
            .comment()
            .find_unique(comment::by_id(cm.id))
            .exec()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cm.author_id, None, "{b:?}");

        // Deleting the post cascades to its comments; then the user, cascading to the profile.
        let deleted = c
            .post()
            .delete(post::by_id(p.id))
            .include(post::comments())
            .exec()
            .await
            .unwrap();
        assert_eq!(deleted.comments.len(), 1, "{b:?}: returned as it was");
        assert_eq!(c.comment().count().exec().await.unwrap(), 0);
        c.user().delete(user::by_id(u.id)).exec().await.unwrap();
        assert_eq!(
            c.profile().count().exec().await.unwrap(),
            0,
            "{b:?}: cascade"
        );
        assert!(c
            .user()
            .delete(user::by_id(u.id))
            .exec()
            .await
            .unwrap_err()
            .is_not_found());
    }
);

on_every_backend!(constraint_errors_are_typed, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    c.user()
        .create(user::create("dup@example.com"))
        .exec()
        .await
        .unwrap();
    let err = c
        .user()
        .create(user::create("dup@example.com"))
        .exec()
        .await
        .unwrap_err();
    assert!(err.is_unique_violation(), "{b:?}: {err}");
    assert_eq!(err.prisma_code(), Some("P2002"));
    let d = err.database_error().unwrap();
    assert_eq!(d.model, Some("User"));
    assert!(
        d.fields == ["email"] || d.constraint.as_deref() == Some("users_email_key"),
        "{b:?}: the violated fields or constraint are named: {d:?}"
    );
    let fk = c
        .post()
        .create(post::create("s", "T", 999_999))
        .exec()
        .await
        .unwrap_err();
    assert!(fk.is_foreign_key_violation(), "{b:?}: {fk}");
    assert_eq!(c.post().count().exec().await.unwrap(), 0);
});

on_every_backend!(fifty_concurrent_increments_end_at_fifty, blog, |f| {
    let (c, b) = (f.client.clone(), f.backend);
    let u = c
        .user()
        .create(user::create("n@example.com"))
        .exec()
        .await
        .unwrap();
    let p = c
        .post()
        .create(post::create("n", "N", u.id))
        .exec()
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.post()
                .update(
                    post::by_id(p.id),
                    Data::new().increment(post::view_count(), 1),
                )
                .exec()
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap_or_else(|e| panic!("{b:?}: {e}"));
    }
    let p = c
        .post()
        .find_unique(post::by_id(p.id))
        .exec()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.view_count, 50, "{b:?}");
});

on_every_backend!(
    writes_inside_a_failed_transaction_leave_nothing,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        let result = c
            .transaction(|tx| async move {
                let u = tx
                    .user()
                    .create(user::create("t@example.com"))
                    .exec()
                    .await?;
                tx.post()
                    .create(post::create("t", "T", u.id))
                    .exec()
                    .await?;
                // Fails halfway: the slug is taken.
                tx.post()
                    .create(post::create("t", "T2", u.id))
                    .exec()
                    .await?;
                Ok::<_, Error>(())
            })
            .await;
        assert!(result.unwrap_err().is_unique_violation(), "{b:?}");
        assert_eq!(c.user().count().exec().await.unwrap(), 0, "{b:?}");
        assert_eq!(c.post().count().exec().await.unwrap(), 0, "{b:?}");
    }
);

on_every_backend!(on_update_cascade_follows_a_changed_key, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let u = c
        .user()
        .create(user::create("k@example.com"))
        .exec()
        .await
        .unwrap();
    c.post()
        .create(post::create("k", "K", u.id))
        .exec()
        .await
        .unwrap();
    // Post.author is `onUpdate: Cascade`: changing the user's id moves the post along.
    c.user()
        .update(user::by_id(u.id), Data::new().set(user::id(), 1000))
        .exec()
        .await
        .unwrap_or_else(|e| panic!("{b:?}: {e}"));
    let p = c
        .post()
        .find_unique(post::by_slug("k"))
        .exec()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.author_id, 1000, "{b:?}");
});

on_every_backend!(update_many_and_return_returns_what_it_changed, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let a = c
        .user()
        .create(user::create("a@example.com"))
        .exec()
        .await
        .unwrap();
    for slug in ["x", "y", "z"] {
        c.post()
            .create(post::create(slug, slug, a.id))
            .exec()
            .await
            .unwrap();
    }
    let q = || {
        c.post()
            .update_many(
                Data::new()
                    .set(post::published(), true)
                    .increment(post::view_count(), 5),
            )
            .filter(post::slug().not("z"))
    };
    if b == Backend::Mysql {
        let e = q().exec_and_return().await.unwrap_err();
        assert!(e.to_string().contains("RETURNING"), "{e}");
        assert_eq!(
            c.post()
                .count()
                .filter(post::published().equals(true))
                .exec()
                .await
                .unwrap(),
            0,
            "refused before anything ran"
        );
        return;
    }
    let mut changed = q().exec_and_return().await.unwrap();
    changed.sort_by(|l, r| l.slug.cmp(&r.slug));
    let got: Vec<(&str, bool, i32)> = changed
        .iter()
        .map(|p| (p.slug.as_str(), p.published, p.view_count))
        .collect();
    assert_eq!(got, [("x", true, 5), ("y", true, 5)], "{b:?}");
    // As stored: the records read back equal the ones returned (updatedAt included).
    let x = c
        .post()
        .find_unique(post::by_slug("x"))
        .exec()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(x, changed[0]);
    // Nothing to set: the matching records, unchanged; nothing matching: none.
    let same = c
        .post()
        .update_many(Data::new())
        .filter(post::slug().equals("z"))
        .exec_and_return()
        .await
        .unwrap();
    assert_eq!(same.len(), 1);
    assert!(!same[0].published);
    let none = q()
        .filter(post::slug().equals("nope"))
        .exec_and_return()
        .await
        .unwrap();
    assert!(none.is_empty());
});
