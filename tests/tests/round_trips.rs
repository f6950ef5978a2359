//! One round trip per statement: the requests a client sends to the server, counted by a proxy
//! in front of it. No ping before or after a statement, and all statements of a read (a query
//! and its includes) on one connection.

use quarry::RelationLoadStrategy;
use quarry_tests::db::Backend;
use quarry_tests::generated::blog::{self as db, post, user};
use quarry_tests::proxy::{CountingProxy, Protocol};
use quarry_tests::setup::database_with;

/// The blog tables on `backend`, and a client that reaches them through a counting proxy.
async fn proxied(
    backend: Backend,
) -> Option<(quarry_tests::db::TestDb, CountingProxy, db::Client)> {
    let (test_db, _direct) = database_with("blog", backend).await?;
    let protocol = match backend {
        Backend::Postgres => Protocol::Postgres,
        _ => Protocol::Mysql,
    };
    let (proxy, url) = CountingProxy::in_front_of(&test_db.url, protocol).await;
    let url = match backend {
        // Plain text on the wire, so that the proxy can read it.
        Backend::Postgres if !url.contains('?') => format!("{url}?sslmode=disable"),
        Backend::Postgres => format!("{url}&sslmode=disable"),
        _ => url,
    };
    let client = db::Client::connect_with(
        &url,
        quarry::ConnectOptions {
            provider: Some(quarry_tests::db::provider_of(&url)),
            relation_load_strategy: Some(RelationLoadStrategy::Query),
            ..Default::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{backend:?} through the proxy: {e}"));
    Some((test_db, proxy, client))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_round_trip_per_statement() {
    for backend in [Backend::Postgres, Backend::Mysql] {
        let Some((_db, proxy, c)) = proxied(backend).await else {
            continue;
        };
        let alice = c
            .user()
            .create(user::create("alice@example.com"))
            .exec()
            .await
            .unwrap();
        for i in 0..3 {
            c.post()
                .create(post::create(format!("p{i}"), "T", alice.id))
                .exec()
                .await
                .unwrap();
        }
        let find = || c.user().find_unique(user::by_id(alice.id)).exec();
        let include = || c.user().find_many().include(user::posts()).exec();
        // First runs prepare the statements on the connection; count the runs after them.
        find().await.unwrap();
        include().await.unwrap();
        c.user().count().exec().await.unwrap();

        let before = proxy.requests();
        let found = find().await.unwrap();
        assert!(found.is_some());
        assert_eq!(proxy.requests() - before, 1, "{backend:?}: find_unique");

        let before = proxy.requests();
        let users = include().await.unwrap();
        assert_eq!(users[0].posts.len(), 3);
        assert_eq!(
            proxy.requests() - before,
            2,
            "{backend:?}: find_many with one include is two statements"
        );

        let before = proxy.requests();
        c.user().count().exec().await.unwrap();
        assert_eq!(proxy.requests() - before, 1, "{backend:?}: count");
    }
}

/// A connection the server closed while it sat idle is found out when it is used; the read
/// runs again on a new connection and the caller sees no error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_survives_a_connection_closed_while_idle() {
    for backend in [Backend::Postgres, Backend::Mysql] {
        let Some((_db, raw)) = database_with("blog", backend).await else {
            continue;
        };
        let c = db::Client::from_client(raw.clone());
        let (whoami, kill) = match backend {
            Backend::Postgres => (
                "SELECT pg_backend_pid() AS id",
                "SELECT pg_terminate_backend($1)",
            ),
            _ => ("SELECT CONNECTION_ID() AS id", "KILL ?"),
        };
        // The pool's one idle connection: learn its id, then end it from another session.
        let id = raw.query_raw(whoami, vec![]).await.unwrap()[0]["id"]
            .as_i64()
            .expect("an id");
        let killer = quarry::Client::connect(&_db.url).await.unwrap();
        let id = match backend {
            Backend::Postgres => quarry::Value::Int(id as i32),
            _ => quarry::Value::BigInt(id),
        };
        killer.execute_raw(kill, vec![id]).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(c.user().count().exec().await.unwrap(), 0, "{backend:?}");
        assert!(c.user().find_many().exec().await.unwrap().is_empty());
    }
}
