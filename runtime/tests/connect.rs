//! Connecting: URLs as Prisma reads them, and clear errors when something is wrong.

use quarry::{Client, ConnectOptions, Error};

#[tokio::test]
async fn unreachable_servers_are_connection_errors_with_the_password_hidden() {
    for url in [
        "postgresql://postgres:secret@127.0.0.1:1/test?connect_timeout=2",
        "mysql://root:secret@127.0.0.1:1/test?connect_timeout=2",
    ] {
        let err = Client::connect(url).await.unwrap_err();
        assert!(
            matches!(err, Error::Connection(_) | Error::Timeout(_)),
            "{url}: {err:?}"
        );
        let text = err.to_string();
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("127.0.0.1:1"), "{text}");
        assert_eq!(err.prisma_code().map(|c| &c[..2]), Some("P1"));
    }
}

#[tokio::test]
async fn unsupported_urls_and_bad_parameters_are_configuration_errors() {
    for url in [
        "redis://127.0.0.1:6379",
        "file:./x.db?connection_limit=none",
        "postgresql://127.0.0.1/test?pool_timeout=soon",
    ] {
        let err = Client::connect(url).await.unwrap_err();
        assert!(matches!(err, Error::Configuration(_)), "{url}: {err:?}");
    }
}

#[tokio::test]
async fn relative_sqlite_paths_resolve_against_the_base_folder() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::connect_with(
        "file:./nested.db?connection_limit=1&mode=rwc",
        ConnectOptions {
            base_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    client
        .execute_raw("CREATE TABLE t (x INTEGER)", vec![])
        .await
        .unwrap();
    assert!(dir.path().join("nested.db").exists());
    // With one connection, concurrent statements queue instead of failing.
    let (a, b) = tokio::join!(
        client.execute_raw("INSERT INTO t VALUES (?)", vec![1.into()]),
        client.execute_raw("INSERT INTO t VALUES (?)", vec![2.into()]),
    );
    assert_eq!((a.unwrap(), b.unwrap()), (1, 1));
}

#[tokio::test]
async fn sql_errors_are_typed_database_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file:{}?mode=rwc", dir.path().join("e.db").display());
    let client = Client::connect(&url).await.unwrap();
    client
        .execute_raw(
            "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)",
            vec![],
        )
        .await
        .unwrap();
    client
        .execute_raw("INSERT INTO u (email) VALUES (?)", vec!["a@x".into()])
        .await
        .unwrap();
    let dup = client
        .execute_raw("INSERT INTO u (email) VALUES (?)", vec!["a@x".into()])
        .await
        .unwrap_err();
    assert!(dup.is_unique_violation(), "{dup:?}");
    assert_eq!(dup.database_error().unwrap().fields, ["email"]);
    assert_eq!(dup.prisma_code(), Some("P2002"));
    let null = client
        .execute_raw(
            "INSERT INTO u (email) VALUES (?)",
            vec![quarry::Value::Null],
        )
        .await
        .unwrap_err();
    assert!(null.is_null_violation(), "{null:?}");
    let syntax = client.execute_raw("SELEKT 1", vec![]).await.unwrap_err();
    assert!(matches!(syntax, Error::Database(_)), "{syntax:?}");
}

#[tokio::test]
async fn a_missing_sqlite_file_is_an_error_that_names_it_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let err = Client::connect_with(
        "file:./app.db",
        ConnectOptions {
            base_dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Configuration(_)), "{err:?}");
    assert!(
        msg.contains(&dir.path().join("./app.db").display().to_string())
            && msg.contains("quarry migrate dev")
            && msg.contains("?mode=rwc"),
        "{msg}"
    );
    assert!(!dir.path().join("app.db").exists());
}
