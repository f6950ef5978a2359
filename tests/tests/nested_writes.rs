//! Nested writes (Prisma's nested `create`, `connect`, `connectOrCreate`, `disconnect`, `set`,
//! `update`, `upsert`, `delete`, `updateMany`, `deleteMany`) on to-one relations from both
//! sides, to-many relations and implicit many-to-many, and their atomicity, on SQLite,
//! PostgreSQL and MariaDB.

use quarry::{Data, Error};
use quarry_tests::generated::blog::{self as db, comment, post, profile, tag, user};
use quarry_tests::{blog, on_every_backend};

fn slugs(posts: &[db::Post]) -> Vec<&str> {
    let mut s: Vec<&str> = posts.iter().map(|p| p.slug.as_str()).collect();
    s.sort();
    s
}

fn names(tags: &[db::Tag]) -> Vec<&str> {
    let mut s: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    s.sort();
    s
}

async fn tags_of(c: &db::Client, slug: &str) -> Vec<String> {
    let p = c
        .post()
        .find_unique_or_throw(post::by_slug(slug))
        .include(post::tags())
        .exec()
        .await
        .unwrap();
    let mut v: Vec<String> = p.tags.into_iter().map(|t| t.name).collect();
    v.sort();
    v
}

on_every_backend!(create_with_nested_to_many_and_back_side_to_one, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let ada = c
        .user()
        .create(
            user::create("ada@example.com")
                .create(
                    user::posts(),
                    post::create_without_author("one", "One").set(post::published(), true),
                )
                .create_each(
                    user::posts(),
                    [
                        post::create_without_author("two", "Two"),
                        post::create_without_author("three", "Three"),
                    ],
                )
                .create(
                    user::profile(),
                    profile::create_without_user().set(profile::bio(), "hi"),
                ),
        )
        .include(user::posts())
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert_eq!(slugs(&ada.posts), ["one", "three", "two"], "{b:?}");
    assert!(ada.posts.iter().all(|p| p.author_id == ada.id));
    let profile = ada.profile.expect("nested profile");
    assert_eq!(profile.user_id, ada.id);
    assert_eq!(profile.bio.as_deref(), Some("hi"));

    // connect an existing comment (optional foreign key) and connect_or_create on to-many.
    let orphan = c
        .comment()
        .create(comment::create("orphan", ada.posts[0].id))
        .exec()
        .await
        .unwrap();
    assert_eq!(orphan.author_id, None);
    let bob = c
        .user()
        .create(
            user::create("bob@example.com")
                .connect(user::comments(), comment::by_id(orphan.id.clone()))
                .connect_or_create(
                    user::posts(),
                    post::by_slug("bobs"),
                    post::create_without_author("bobs", "Bob's"),
                ),
        )
        .include(user::comments())
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    assert_eq!(bob.comments.len(), 1, "{b:?}");
    assert_eq!(bob.comments[0].id, orphan.id);
    assert_eq!(slugs(&bob.posts), ["bobs"]);

    // connect_or_create finding an existing record moves it.
    let carol = c
        .user()
        .create(user::create("carol@example.com").connect_or_create(
            user::posts(),
            post::by_slug("bobs"),
            post::create_without_author("never", "Never"),
        ))
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    assert_eq!(slugs(&carol.posts), ["bobs"], "{b:?}");
    assert_eq!(c.post().count().exec().await.unwrap(), 4);

    // Nested creates nest further: user -> post -> comments and tags.
    let dan = c
        .user()
        .create(
            user::create("dan@example.com").create(
                user::posts(),
                post::create_without_author("deep", "Deep")
                    .create(post::comments(), comment::create_without_post("c1"))
                    .create(post::tags(), tag::create("deep-tag")),
            ),
        )
        .exec()
        .await
        .unwrap();
    let deep = c
        .post()
        .find_unique_or_throw(post::by_slug("deep"))
        .include(post::comments())
        .include(post::tags())
        .exec()
        .await
        .unwrap();
    assert_eq!(deep.author_id, dan.id);
    assert_eq!(deep.comments.len(), 1);
    assert_eq!(names(&deep.tags), ["deep-tag"]);
});

on_every_backend!(create_fills_the_foreign_key_it_holds, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let ada = c
        .user()
        .create(user::create("ada@example.com"))
        .exec()
        .await
        .unwrap();
    // connect on the side holding the foreign key.
    let p = c
        .post()
        .create(
            post::create_without_author("hello", "Hello")
                .connect(post::author(), user::by_email("ada@example.com")),
        )
        .include(post::author())
        .exec()
        .await
        .unwrap();
    assert_eq!(p.author_id, ada.id, "{b:?}");
    assert_eq!(p.author.email, "ada@example.com");

    // create the record the foreign key points at.
    let p2 = c
        .post()
        .create(
            post::create_without_author("second", "Second")
                .create(post::author(), user::create("new@example.com")),
        )
        .include(post::author())
        .exec()
        .await
        .unwrap();
    assert_eq!(p2.author.email, "new@example.com");
    assert_eq!(p2.author_id, p2.author.id);

    // connect_or_create: existing, then missing.
    let p3 = c
        .post()
        .create(
            post::create_without_author("third", "Third").connect_or_create(
                post::author(),
                user::by_email("ada@example.com"),
                user::create("unused@example.com"),
            ),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(p3.author_id, ada.id);
    let p4 = c
        .post()
        .create(
            post::create_without_author("fourth", "Fourth").connect_or_create(
                post::author(),
                user::by_email("fresh@example.com"),
                user::create("fresh@example.com"),
            ),
        )
        .include(post::author())
        .exec()
        .await
        .unwrap();
    assert_eq!(p4.author.email, "fresh@example.com");
    assert_eq!(c.user().count().exec().await.unwrap(), 3, "{b:?}");

    // A 1:1 from the foreign-key side; optional to-one (comment.author) too.
    let prof = c
        .profile()
        .create(profile::create_without_user().connect(profile::user(), user::by_id(ada.id)))
        .exec()
        .await
        .unwrap();
    assert_eq!(prof.user_id, ada.id);
    let cm = c
        .comment()
        .create(
            comment::create_without_post("nice")
                .connect(comment::post(), post::by_slug("hello"))
                .connect(comment::author(), user::by_email("new@example.com")),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(cm.post_id, p.id);
    assert_eq!(cm.author_id, Some(p2.author.id));
    // Self-relation: a reply created under its parent.
    let parent = c
        .comment()
        .update(
            comment::by_id(cm.id.clone()),
            Data::new().create(
                comment::replies(),
                comment::create_without_parent("reply", p.id),
            ),
        )
        .include(comment::replies())
        .exec()
        .await
        .unwrap();
    assert_eq!(parent.replies.len(), 1, "{b:?}");
    assert_eq!(parent.replies[0].parent_id.as_deref(), Some(cm.id.as_str()));
});

on_every_backend!(implicit_many_to_many_from_both_sides, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let ada = c
        .user()
        .create(user::create("ada@example.com"))
        .exec()
        .await
        .unwrap();
    c.tag().create(tag::create("rust")).exec().await.unwrap();
    let p = c
        .post()
        .create(
            post::create("p1", "P1", ada.id)
                .connect(post::tags(), tag::by_name("rust"))
                .create(post::tags(), tag::create("sql"))
                .connect_or_create(post::tags(), tag::by_name("orm"), tag::create("orm")),
        )
        .include(post::tags())
        .exec()
        .await
        .unwrap();
    assert_eq!(names(&p.tags), ["orm", "rust", "sql"], "{b:?}");

    // The back side: a tag created with posts.
    let t = c
        .tag()
        .create(
            tag::create("db")
                .connect(tag::posts(), post::by_slug("p1"))
                .create(tag::posts(), post::create("p2", "P2", ada.id)),
        )
        .include(tag::posts())
        .exec()
        .await
        .unwrap();
    assert_eq!(slugs(&t.posts), ["p1", "p2"], "{b:?}");
    assert_eq!(tags_of(c, "p1").await, ["db", "orm", "rust", "sql"]);

    // Update: connect (twice is a no-op), disconnect, set.
    c.post()
        .update(
            post::by_slug("p2"),
            Data::new()
                .connect(post::tags(), tag::by_name("rust"))
                .connect(post::tags(), tag::by_name("rust"))
                .disconnect(post::tags(), tag::by_name("db"))
                .disconnect(post::tags(), tag::by_name("sql")),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(tags_of(c, "p2").await, ["rust"], "{b:?}");
    c.post()
        .update(
            post::by_slug("p1"),
            Data::new().set_related(post::tags(), [tag::by_name("sql"), tag::by_name("db")]),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(tags_of(c, "p1").await, ["db", "sql"], "{b:?}");
    // set from the back side; set to nothing.
    c.tag()
        .update(
            tag::by_name("rust"),
            Data::new().set_related(tag::posts(), [post::by_slug("p1")]),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(tags_of(c, "p1").await, ["db", "rust", "sql"]);
    assert!(tags_of(c, "p2").await.is_empty(), "{b:?}");
    c.tag()
        .update(
            tag::by_name("rust"),
            Data::new()
                .set_related(tag::posts(), Vec::<quarry::UniqueWhere<db::Post>>::new())
                .disconnect(tag::posts(), post::by_slug("p2")),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(tags_of(c, "p1").await, ["db", "sql"]);

    // update / delete / update_many / delete_many through the join table: only linked tags.
    c.post()
        .update(
            post::by_slug("p1"),
            Data::new()
                .update_related(
                    post::tags(),
                    tag::by_name("sql"),
                    Data::new().set(tag::name(), "postgres"),
                )
                .update_many_related(
                    post::tags(),
                    tag::name().starts_with("d"),
                    Data::new().set(tag::name(), "database"),
                ),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(tags_of(c, "p1").await, ["database", "postgres"], "{b:?}");
    let err = c
        .post()
        .update(
            post::by_slug("p1"),
            Data::new().update_related(
                post::tags(),
                tag::by_name("orm"),
                Data::new().set(tag::name(), "x"),
            ),
        )
        .exec()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RecordNotFound { model: "Tag", .. }),
        "{b:?}: an unlinked tag is not found: {err}"
    );
    c.post()
        .update(
            post::by_slug("p1"),
            Data::new()
                .delete_related(post::tags(), tag::by_name("postgres"))
                .delete_many_related(post::tags(), tag::name().equals("database")),
        )
        .exec()
        .await
        .unwrap();
    assert!(tags_of(c, "p1").await.is_empty());
    let mut left: Vec<String> = c
        .tag()
        .find_many()
        .exec()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["orm", "rust"],
        "{b:?}: only linked tags were deleted"
    );
});

on_every_backend!(update_to_many_operations, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let ada = c
        .user()
        .create(user::create("ada@example.com").create_each(
            user::posts(),
            ["a", "b", "c"].map(|s| post::create_without_author(s, s.to_uppercase())),
        ))
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    let bob = c
        .user()
        .create(user::create("bob@example.com"))
        .exec()
        .await
        .unwrap();
    let pa = ada.posts.iter().find(|p| p.slug == "a").unwrap().id;
    let comments: Vec<String> = {
        let mut v = Vec::new();
        for body in ["x", "y", "z"] {
            v.push(
                c.comment()
                    .create(comment::create(body, pa))
                    .exec()
                    .await
                    .unwrap()
                    .id,
            );
        }
        v
    };

    // create, update (by key), upsert (both ways), update_many, delete, delete_many.
    let ada2 = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new()
                .set(user::name(), "Ada")
                .create(user::posts(), post::create_without_author("d", "D"))
                .update_related(
                    user::posts(),
                    post::by_slug("a"),
                    Data::new().set(post::title(), "A!"),
                )
                .upsert_related(
                    user::posts(),
                    post::by_slug("b"),
                    post::create_without_author("b", "never"),
                    Data::new().increment(post::view_count(), 5),
                )
                .upsert_related(
                    user::posts(),
                    post::by_slug("e"),
                    post::create_without_author("e", "E"),
                    Data::new().set(post::title(), "never"),
                )
                .update_many_related(
                    user::posts(),
                    post::slug().in_(["c", "d"]),
                    Data::new().set(post::published(), true),
                )
                .delete_related(user::posts(), post::by_slug("c"))
                .delete_many_related(user::posts(), post::slug().equals("d")),
        )
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    assert_eq!(ada2.name.as_deref(), Some("Ada"));
    assert_eq!(slugs(&ada2.posts), ["a", "b", "e"], "{b:?}");
    let by = |s: &str| ada2.posts.iter().find(|p| p.slug == s).unwrap().clone();
    assert_eq!(by("a").title, "A!");
    assert_eq!(by("b").view_count, 5);
    assert_eq!(by("e").title, "E");

    // update_many / delete_many see only linked records: bob's post is untouched.
    c.post()
        .create(post::create("bobs", "Bob's", bob.id))
        .exec()
        .await
        .unwrap();
    c.user()
        .update(
            user::by_id(ada.id),
            Data::new().update_many_related(
                user::posts(),
                post::title().contains("'"),
                Data::new().set(post::title(), "hijacked"),
            ),
        )
        .exec()
        .await
        .unwrap();
    let bobs = c
        .post()
        .find_unique_or_throw(post::by_slug("bobs"))
        .exec()
        .await
        .unwrap();
    assert_eq!(bobs.title, "Bob's", "{b:?}");
    // Updating a record that exists but is not linked is RecordNotFound.
    let err = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new().delete_related(user::posts(), post::by_slug("bobs")),
        )
        .exec()
        .await
        .unwrap_err();
    assert_eq!(err.prisma_code(), Some("P2025"), "{b:?}: {err}");

    // connect moves a post; connect/disconnect/set on an optional foreign key (comments).
    c.user()
        .update(
            user::by_id(bob.id),
            Data::new()
                .connect(user::posts(), post::by_slug("a"))
                .connect(user::comments(), comment::by_id(comments[0].clone()))
                .connect(user::comments(), comment::by_id(comments[1].clone())),
        )
        .exec()
        .await
        .unwrap();
    let bob2 = c
        .user()
        .find_unique_or_throw(user::by_id(bob.id))
        .include(user::posts())
        .include(user::comments())
        .exec()
        .await
        .unwrap();
    assert_eq!(slugs(&bob2.posts), ["a", "bobs"], "{b:?}");
    assert_eq!(bob2.comments.len(), 2);
    let bob3 = c
        .user()
        .update(
            user::by_id(bob.id),
            Data::new().disconnect(user::comments(), comment::by_id(comments[0].clone())),
        )
        .include(user::comments())
        .exec()
        .await
        .unwrap();
    assert_eq!(bob3.comments.len(), 1);
    assert_eq!(bob3.comments[0].id, comments[1]);
    let bob4 = c
        .user()
        .update(
            user::by_id(bob.id),
            Data::new().set_related(
                user::comments(),
                [
                    comment::by_id(comments[0].clone()),
                    comment::by_id(comments[2].clone()),
                ],
            ),
        )
        .include(user::comments())
        .exec()
        .await
        .unwrap();
    let mut ids: Vec<&str> = bob4.comments.iter().map(|c| c.id.as_str()).collect();
    ids.sort();
    let mut want = vec![comments[0].as_str(), comments[2].as_str()];
    want.sort();
    assert_eq!(ids, want, "{b:?}");
    assert_eq!(
        c.comment().count().exec().await.unwrap(),
        3,
        "set keeps records"
    );
});

on_every_backend!(update_to_one_operations, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let ada = c
        .user()
        .create(user::create("ada@example.com"))
        .exec()
        .await
        .unwrap();
    let p = c
        .post()
        .create(post::create("p", "P", ada.id))
        .exec()
        .await
        .unwrap();
    let cm = c
        .comment()
        .create(comment::create("hi", p.id).set(comment::author_id(), ada.id))
        .exec()
        .await
        .unwrap();

    // Optional to-one holding the foreign key: disconnect, connect, update, create.
    let cm2 = c
        .comment()
        .update(
            comment::by_id(cm.id.clone()),
            Data::new().disconnect_one(comment::author()),
        )
        .exec()
        .await
        .unwrap();
    assert_eq!(cm2.author_id, None, "{b:?}");
    let cm3 = c
        .comment()
        .update(
            comment::by_id(cm.id.clone()),
            Data::new().create(comment::author(), user::create("new@example.com")),
        )
        .include(comment::author())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        cm3.author.as_ref().map(|u| u.email.as_str()),
        Some("new@example.com")
    );
    c.comment()
        .update(
            comment::by_id(cm.id.clone()),
            Data::new()
                .connect(comment::author(), user::by_email("ada@example.com"))
                .update_one(comment::author(), Data::new().set(user::name(), "Ada")),
        )
        .exec()
        .await
        .unwrap();
    let ada2 = c
        .user()
        .find_unique_or_throw(user::by_id(ada.id))
        .include(user::comments())
        .exec()
        .await
        .unwrap();
    assert_eq!(ada2.name.as_deref(), Some("Ada"), "{b:?}");
    assert_eq!(ada2.comments.len(), 1);

    // upsert_one on the side holding the foreign key: creates and links when unlinked, then
    // updates the linked record.
    let other = c
        .comment()
        .create(comment::create("other", p.id))
        .exec()
        .await
        .unwrap();
    for expected in ["created", "updated"] {
        let o = c
            .comment()
            .update(
                comment::by_id(other.id.clone()),
                Data::new().upsert_one(
                    comment::author(),
                    user::create("upserted@example.com").set(user::name(), "created"),
                    Data::new().set(user::name(), "updated"),
                ),
            )
            .include(comment::author())
            .exec()
            .await
            .unwrap();
        let author = o.author.expect("linked");
        assert_eq!(author.email, "upserted@example.com", "{b:?}");
        assert_eq!(author.name.as_deref(), Some(expected), "{b:?}");
    }

    // Required to-one holding the foreign key: update the author through the post.
    c.post()
        .update(
            post::by_id(p.id),
            Data::new().update_one(post::author(), Data::new().set(user::verified(), true)),
        )
        .exec()
        .await
        .unwrap();
    let ada3 = c
        .user()
        .find_unique_or_throw(user::by_id(ada.id))
        .exec()
        .await
        .unwrap();
    assert!(ada3.verified, "{b:?}");

    // Back side of a 1:1 (user.profile): upsert creates, then updates; update; delete.
    let u = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new().upsert_one(
                user::profile(),
                profile::create_without_user().set(profile::bio(), "first"),
                Data::new().set(profile::bio(), "never"),
            ),
        )
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        u.profile.as_ref().and_then(|p| p.bio.as_deref()),
        Some("first"),
        "{b:?}"
    );
    let u = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new().upsert_one(
                user::profile(),
                profile::create_without_user().set(profile::bio(), "never"),
                Data::new().set(profile::bio(), "second"),
            ),
        )
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        u.profile.as_ref().and_then(|p| p.bio.as_deref()),
        Some("second")
    );
    assert_eq!(c.profile().count().exec().await.unwrap(), 1);
    let u = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new().update_one(
                user::profile(),
                Data::new().set(profile::website(), "https://ada.dev"),
            ),
        )
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        u.profile.as_ref().and_then(|p| p.website.as_deref()),
        Some("https://ada.dev")
    );
    let u = c
        .user()
        .update(user::by_id(ada.id), Data::new().delete_one(user::profile()))
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert!(u.profile.is_none(), "{b:?}");
    assert_eq!(c.profile().count().exec().await.unwrap(), 0);

    // connect on the back side of a 1:1 moves the profile to this user.
    let bob = c
        .user()
        .create(user::create("bob@example.com").create(
            user::profile(),
            profile::create_without_user().set(profile::bio(), "bob's"),
        ))
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    let bobs_profile = bob.profile.expect("created").id;
    let u = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new().connect(user::profile(), profile::by_id(bobs_profile)),
        )
        .include(user::profile())
        .exec()
        .await
        .unwrap();
    assert_eq!(u.profile.map(|p| p.id), Some(bobs_profile), "{b:?}");
    c.user()
        .update(user::by_id(ada.id), Data::new().delete_one(user::profile()))
        .exec()
        .await
        .unwrap();
    // Nothing to delete: RecordNotFound naming the related model.
    let err = c
        .user()
        .update(user::by_id(ada.id), Data::new().delete_one(user::profile()))
        .exec()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::RecordNotFound {
                model: "Profile",
                ..
            }
        ),
        "{b:?}: {err}"
    );
});

on_every_backend!(a_failure_halfway_leaves_nothing_behind, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    c.tag().create(tag::create("rust")).exec().await.unwrap();

    // A unique violation in the third nested create.
    let err = c
        .user()
        .create(
            user::create("ada@example.com").create_each(
                user::posts(),
                [
                    post::create_without_author("one", "One")
                        .connect(post::tags(), tag::by_name("rust")),
                    post::create_without_author("two", "Two"),
                    post::create_without_author("one", "Again"),
                ],
            ),
        )
        .exec()
        .await
        .unwrap_err();
    assert!(err.is_unique_violation(), "{b:?}: {err}");
    assert_eq!(c.user().count().exec().await.unwrap(), 0, "{b:?}");
    assert_eq!(c.post().count().exec().await.unwrap(), 0, "{b:?}");
    assert!(tags_of_tag(c, "rust").await.is_empty(), "{b:?}");

    // A connect to a missing record, after a nested create.
    let err = c
        .user()
        .create(
            user::create("ada@example.com")
                .create(user::posts(), post::create_without_author("one", "One"))
                .create(
                    user::profile(),
                    profile::create_without_user().set(profile::bio(), "x"),
                )
                .connect(user::comments(), comment::by_id("missing")),
        )
        .exec()
        .await
        .unwrap_err();
    assert_eq!(err.prisma_code(), Some("P2025"), "{b:?}");
    assert!(
        matches!(
            err,
            Error::RecordNotFound {
                model: "Comment",
                operation: "connect"
            }
        ),
        "{b:?}: {err}"
    );
    assert_eq!(c.user().count().exec().await.unwrap(), 0, "{b:?}");
    assert_eq!(c.post().count().exec().await.unwrap(), 0);
    assert_eq!(c.profile().count().exec().await.unwrap(), 0);

    // In an update: the parent's own change and earlier nested writes are undone.
    let ada = c
        .user()
        .create(
            user::create("ada@example.com")
                .create(user::posts(), post::create_without_author("kept", "Kept")),
        )
        .exec()
        .await
        .unwrap();
    let err = c
        .user()
        .update(
            user::by_id(ada.id),
            Data::new()
                .set(user::name(), "changed")
                .create(user::posts(), post::create_without_author("new", "New"))
                .delete_related(user::posts(), post::by_slug("kept"))
                .connect(user::posts(), post::by_slug("missing")),
        )
        .exec()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RecordNotFound { model: "Post", .. }),
        "{b:?}: {err}"
    );
    let ada2 = c
        .user()
        .find_unique_or_throw(user::by_id(ada.id))
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    assert_eq!(ada2.name, None, "{b:?}");
    assert_eq!(slugs(&ada2.posts), ["kept"], "{b:?}");

    // Connecting a missing tag in a create through the join table.
    let err = c
        .post()
        .create(
            post::create("p", "P", ada.id)
                .create(post::tags(), tag::create("new"))
                .connect(post::tags(), tag::by_name("missing")),
        )
        .exec()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RecordNotFound { model: "Tag", .. }),
        "{b:?}: {err}"
    );
    assert_eq!(c.tag().count().exec().await.unwrap(), 1, "{b:?}");
    assert_eq!(c.post().count().exec().await.unwrap(), 1);

    // Update-only operations are rejected in a create; nested writes in create_many too.
    let err = c
        .user()
        .create(user::create("x@example.com").disconnect(user::comments(), comment::by_id("c")))
        .exec()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
    let err = c
        .user()
        .create_many([user::create("y@example.com")
            .create(user::posts(), post::create_without_author("y", "Y"))])
        .exec()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
    assert_eq!(c.user().count().exec().await.unwrap(), 1);
});

async fn tags_of_tag(c: &db::Client, name: &str) -> Vec<String> {
    let t = c
        .tag()
        .find_unique_or_throw(tag::by_name(name))
        .include(tag::posts())
        .exec()
        .await
        .unwrap();
    t.posts.into_iter().map(|p| p.slug).collect()
}

on_every_backend!(nested_writes_inside_an_interactive_transaction, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let result: Result<(), Error> = c
        .transaction(|tx| async move {
            tx.user()
                .create(
                    user::create("ada@example.com")
                        .create(user::posts(), post::create_without_author("one", "One")),
                )
                .exec()
                .await?;
            // Fails: the savepoint of this write is rolled back, then the transaction.
            tx.user()
                .create(
                    user::create("bob@example.com")
                        .create(user::posts(), post::create_without_author("one", "Dup")),
                )
                .exec()
                .await?;
            Ok(())
        })
        .await;
    assert!(result.unwrap_err().is_unique_violation(), "{b:?}");
    assert_eq!(c.user().count().exec().await.unwrap(), 0, "{b:?}");
    assert_eq!(c.post().count().exec().await.unwrap(), 0);
});

on_every_backend!(upsert_with_nested_writes, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    c.tag().create(tag::create("rust")).exec().await.unwrap();
    let upsert = || {
        c.post()
            .upsert(
                post::by_slug("p"),
                post::create_without_author("p", "Created")
                    .create(post::author(), user::create("ada@example.com"))
                    .connect(post::tags(), tag::by_name("rust")),
                Data::new()
                    .set(post::title(), "Updated")
                    .create(post::tags(), tag::create("sql"))
                    .create(post::comments(), comment::create_without_post("hi")),
            )
            .include(post::tags())
            .include(post::comments())
            .include(post::author())
    };
    let created = upsert().exec().await.unwrap();
    assert_eq!(created.title, "Created", "{b:?}");
    assert_eq!(created.author.email, "ada@example.com");
    assert_eq!(names(&created.tags), ["rust"]);
    assert!(created.comments.is_empty());
    let updated = upsert().exec().await.unwrap();
    assert_eq!(updated.title, "Updated", "{b:?}");
    assert_eq!(names(&updated.tags), ["rust", "sql"]);
    assert_eq!(updated.comments.len(), 1);
    assert_eq!(c.user().count().exec().await.unwrap(), 1);
});

on_every_backend!(
    a_linked_required_back_side_is_not_replaced_silently,
    blog,
    |f| {
        let (c, b) = (&f.client, f.backend);
        // Profile.userId is required and unique: a user's profile cannot be replaced by another
        // without leaving the first one without a user (Prisma's P2014).
        let a = c
            .user()
            .create(
                user::create("a@example.com")
                    .create(user::profile(), profile::create_without_user()),
            )
            .include(user::profile())
            .exec()
            .await
            .unwrap();
        let first = a.profile.as_ref().unwrap().id;
        let err = c
            .user()
            .update(
                user::by_id(a.id),
                Data::new().create(user::profile(), profile::create_without_user()),
            )
            .exec()
            .await
            .unwrap_err();
        assert_eq!(err.prisma_code(), Some("P2014"), "{b:?}: {err}");
        let bob = c
            .user()
            .create(
                user::create("b@example.com")
                    .create(user::profile(), profile::create_without_user()),
            )
            .include(user::profile())
            .exec()
            .await
            .unwrap();
        let err = c
            .user()
            .update(
                user::by_id(a.id),
                Data::new().connect(user::profile(), profile::by_id(bob.profile.unwrap().id)),
            )
            .exec()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                quarry::Error::RequiredRelationViolation {
                    model: "User",
                    relation: "profile",
                    related: "Profile"
                }
            ),
            "{b:?}: {err:?}"
        );
        // Nothing changed; connecting the profile that is already linked is fine.
        assert_eq!(c.profile().count().exec().await.unwrap(), 2);
        c.user()
            .update(
                user::by_id(a.id),
                Data::new().connect(user::profile(), profile::by_id(first)),
            )
            .exec()
            .await
            .unwrap();
    }
);

/// The back side of a to-one relation with an optional foreign key: connecting another record
/// unlinks the one linked before (its foreign key becomes NULL), as in Prisma.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_optional_back_side_is_unlinked() {
    use quarry_tests::generated::social::{self as social, user as su};
    for b in quarry_tests::db::Backend::ALL {
        let Some((_db, raw)) = quarry_tests::setup::database_with("social", b).await else {
            continue;
        };
        let c = social::Client::from_client(raw);
        let a = c.user().create(su::create("a", "A")).exec().await.unwrap();
        let bee = c
            .user()
            .create(su::create("b", "B").connect(su::partner(), su::by_id(a.id)))
            .exec()
            .await
            .unwrap();
        assert_eq!(bee.partner_id, Some(a.id));
        let cee = c.user().create(su::create("c", "C")).exec().await.unwrap();
        c.user()
            .update(
                su::by_id(a.id),
                Data::new().connect(su::partner_of(), su::by_id(cee.id)),
            )
            .exec()
            .await
            .unwrap_or_else(|e| panic!("{b:?}: {e}"));
        let bee = c
            .user()
            .find_unique(su::by_id(bee.id))
            .exec()
            .await
            .unwrap()
            .unwrap();
        let cee = c
            .user()
            .find_unique(su::by_id(cee.id))
            .exec()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (bee.partner_id, cee.partner_id),
            (None, Some(a.id)),
            "{b:?}"
        );
    }
}

on_every_backend!(nested_create_each_is_one_insert, blog, |f| {
    let (c, b) = (&f.client, f.backend);
    let raw = c.raw();
    let posts =
        |n: usize| (0..n).map(|i| post::create_without_author(format!("s{i}"), format!("T{i}")));
    // The statements of a user with 1 post and with 50: the 49 more posts cost nothing more.
    let before = raw.statements_executed();
    c.user()
        .create(user::create("one@example.com").create_each(user::posts(), posts(1)))
        .exec()
        .await
        .unwrap();
    let one = raw.statements_executed() - before;
    let before = raw.statements_executed();
    let many = c
        .user()
        .create(user::create("many@example.com").create_each(
            user::posts(),
            (0..50).map(|i| post::create_without_author(format!("m{i}"), format!("M{i}"))),
        ))
        .include(user::posts())
        .exec()
        .await
        .unwrap();
    let fifty = raw.statements_executed() - before - 1; // minus the include's read
    assert!(
        fifty <= one,
        "{b:?}: 50 nested posts took {fifty} statements, 1 took {one}"
    );
    assert_eq!(many.posts.len(), 50, "{b:?}");
    assert!(many.posts.iter().all(|p| p.author_id == many.id), "{b:?}");
});
