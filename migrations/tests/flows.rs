//! The migrate workflows against real databases: dev, deploy, status, resolve, failure and
//! recovery, edited migrations, down, concurrent deploys, drift, data-loss refusals, db push.

mod common;

use quarry_migrate::commands::{self, DevOptions, Interaction, PushOptions, Silent};
use quarry_migrate::migrations_dir::MigrationsDir;
use quarry_migrate::{history, Connection, Dialect, MigrateError, Project};
use quarry_tests::db::{Backend, TestDb};
use sqlx::Connection as _;
use std::path::Path;

const V1: &str = r#"
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
}
"#;

const V2: &str = r#"
model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
"#;

fn dialect(backend: Backend) -> Dialect {
    Dialect::parse(backend.provider()).unwrap()
}

fn project(db: &TestDb, dir: &Path, body: &str) -> Project {
    let d = dialect(db.backend);
    let text = format!(
        "datasource db {{\n  provider = \"{}\"\n}}\n{body}",
        d.provider()
    );
    Project {
        schema: common::parse_ok(&text),
        dialect: d,
        migrations: MigrationsDir::new(dir.join("migrations")),
        url: Some(db.url.clone()),
        shadow_url: None,
        base_dir: dir.to_path_buf(),
    }
}

/// Answers every question with `answer` and keeps what was said.
#[derive(Default)]
struct Scripted {
    answer: bool,
    said: Vec<String>,
}

impl Interaction for Scripted {
    fn info(&mut self, m: &str) {
        self.said.push(m.to_string());
    }
    fn warn(&mut self, m: &str) {
        self.said.push(m.to_string());
    }
    fn confirm(&mut self, q: &str) -> bool {
        self.said.push(q.to_string());
        self.answer
    }
}

async fn exec(db: &TestDb, sql: &str) {
    let mut c = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    c.execute_script(sql).await.unwrap();
    c.close().await;
}

fn q(db: &TestDb, ident: &str) -> String {
    dialect(db.backend).quote(ident)
}

async fn dev_deploy_status_and_data_loss(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let v1 = project(&db, tmp.path(), V1);
    let report = commands::dev(
        &v1,
        &DevOptions {
            name: Some("init".into()),
            ..DevOptions::default()
        },
        &mut Silent,
    )
    .await
    .unwrap();
    let created = report.created.expect("a migration is created");
    assert!(created.name.ends_with("_init"));
    assert!(report.created_applied);
    assert!(created.dir.join("down.sql").exists());
    let lock = std::fs::read_to_string(tmp.path().join("migrations/migration_lock.toml")).unwrap();
    assert!(lock.contains(&format!("provider = \"{}\"", dialect(backend).provider())));
    assert!(commands::status(&v1).await.unwrap().is_up_to_date());

    // Nothing changed: nothing to do.
    let again = commands::dev(&v1, &DevOptions::default(), &mut Silent)
        .await
        .unwrap();
    assert!(again.created.is_none());

    // Dropping a column that holds data needs consent.
    exec(
        &db,
        &format!(
            "INSERT INTO {} ({}, {}) VALUES ('a@x.io', 'Ann')",
            q(&db, "User"),
            q(&db, "email"),
            q(&db, "name")
        ),
    )
    .await;
    let v2 = project(&db, tmp.path(), V2);
    let refused = commands::dev(&v2, &DevOptions::default(), &mut Silent).await;
    match refused {
        Err(MigrateError::DataLossNotAccepted(msg)) => {
            assert!(msg.contains("`name`"), "{msg}");
            assert!(msg.contains("--accept-data-loss"), "{msg}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        MigrationsDir::new(tmp.path().join("migrations"))
            .list()
            .unwrap()
            .len(),
        1
    );
    let mut yes = Scripted {
        answer: true,
        ..Scripted::default()
    };
    let accepted = commands::dev(
        &v2,
        &DevOptions {
            name: Some("posts".into()),
            ..DevOptions::default()
        },
        &mut yes,
    )
    .await
    .unwrap();
    assert!(accepted.created_applied);
    assert!(
        yes.said.iter().any(|s| s.contains("non-null value")),
        "{:?}",
        yes.said
    );
    let status = commands::status(&v2).await.unwrap();
    assert!(status.is_up_to_date(), "{status:?}");
    assert_eq!(status.applied.len(), 2);

    // A second database catches up with deploy; the checksum of an edited migration shows.
    let Some(db2) = TestDb::new(backend).await else {
        return;
    };
    let on_db2 = project(&db2, tmp.path(), V2);
    let deployed = commands::deploy(&on_db2, &mut Silent).await.unwrap();
    assert_eq!(deployed.applied.len(), 2);
    assert!(commands::deploy(&on_db2, &mut Silent)
        .await
        .unwrap()
        .applied
        .is_empty());
    let first = tmp
        .path()
        .join("migrations")
        .join(&created.name)
        .join("migration.sql");
    let original = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, format!("{original}\n-- edited\n")).unwrap();
    let status = commands::status(&on_db2).await.unwrap();
    assert_eq!(status.edited, vec![created.name.clone()]);
    assert!(!status.is_up_to_date());
    std::fs::write(&first, original).unwrap();

    // Down reverts the last migration with its down.sql; deploy applies it again.
    let reverted = commands::down(&on_db2, None, &mut Silent).await.unwrap();
    assert_eq!(reverted.len(), 1);
    let status = commands::status(&on_db2).await.unwrap();
    assert_eq!(status.pending, reverted);
    let mut c = Connection::connect(&db2.url, Path::new(".")).await.unwrap();
    let live = quarry_migrate::introspect(&mut c).await.unwrap();
    c.close().await;
    assert!(
        live.table("Post").is_none(),
        "down.sql drops the Post table"
    );
    assert_eq!(
        commands::deploy(&on_db2, &mut Silent)
            .await
            .unwrap()
            .applied,
        reverted
    );
}

async fn failure_and_recovery(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let p = project(&db, tmp.path(), V1);
    let dir = &p.migrations;
    dir.write_lock(p.dialect).unwrap();
    let good = format!("CREATE TABLE {} ({} INTEGER);\n", q(&db, "a"), q(&db, "x"));
    let bad = format!(
        "CREATE TABLE {} ({} INTEGER);\nSELECT * FROM {};\n",
        q(&db, "b"),
        q(&db, "x"),
        q(&db, "missing")
    );
    std::fs::create_dir_all(dir.path.join("20240101000000_a")).unwrap();
    std::fs::write(dir.path.join("20240101000000_a/migration.sql"), &good).unwrap();
    std::fs::create_dir_all(dir.path.join("20240102000000_b")).unwrap();
    std::fs::write(dir.path.join("20240102000000_b/migration.sql"), &bad).unwrap();

    match commands::deploy(&p, &mut Silent).await {
        Err(MigrateError::MigrationFailed { name, message }) => {
            assert_eq!(name, "20240102000000_b");
            assert!(message.contains("missing"), "{message}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    let status = commands::status(&p).await.unwrap();
    assert_eq!(status.applied, vec!["20240101000000_a".to_string()]);
    assert_eq!(status.failed.len(), 1);
    assert!(!status.is_up_to_date());
    // A failed migration blocks further deploys until resolved.
    match commands::deploy(&p, &mut Silent).await {
        Err(MigrateError::FailedMigrationPending { name, .. }) => {
            assert_eq!(name, "20240102000000_b")
        }
        other => panic!("expected a block, got {other:?}"),
    }
    // Where the database has transactional DDL, the failed migration left nothing behind.
    if backend != Backend::Mysql {
        let mut c = Connection::connect(&db.url, Path::new(".")).await.unwrap();
        assert!(quarry_migrate::introspect(&mut c)
            .await
            .unwrap()
            .table("b")
            .is_none());
        c.close().await;
    } else {
        exec(&db, "DROP TABLE `b`").await;
    }
    assert!(matches!(
        commands::resolve_rolled_back(&p, "20240101000000_a").await,
        Err(MigrateError::Resolve(_))
    ));
    commands::resolve_rolled_back(&p, "20240102000000_b")
        .await
        .unwrap();
    std::fs::write(
        dir.path.join("20240102000000_b/migration.sql"),
        format!("CREATE TABLE {} ({} INTEGER);\n", q(&db, "b"), q(&db, "x")),
    )
    .unwrap();
    let deployed = commands::deploy(&p, &mut Silent).await.unwrap();
    assert_eq!(deployed.applied, vec!["20240102000000_b".to_string()]);
    assert!(commands::status(&p).await.unwrap().is_up_to_date());

    // Baselining: a migration applied by hand is recorded with resolve --applied.
    std::fs::create_dir_all(dir.path.join("20240103000000_c")).unwrap();
    std::fs::write(
        dir.path.join("20240103000000_c/migration.sql"),
        format!("CREATE TABLE {} ({} INTEGER);\n", q(&db, "c"), q(&db, "x")),
    )
    .unwrap();
    exec(
        &db,
        &format!("CREATE TABLE {} ({} INTEGER)", q(&db, "c"), q(&db, "x")),
    )
    .await;
    commands::resolve_applied(&p, "20240103000000_c")
        .await
        .unwrap();
    assert!(commands::status(&p).await.unwrap().is_up_to_date());
    assert!(matches!(
        commands::resolve_applied(&p, "20240103000000_c").await,
        Err(MigrateError::Resolve(_))
    ));

    // Reset drops everything and replays the folder.
    exec(
        &db,
        &format!("CREATE TABLE {} ({} INTEGER)", q(&db, "stray"), q(&db, "x")),
    )
    .await;
    let replayed = commands::reset(&p, &mut Silent).await.unwrap();
    assert_eq!(replayed.applied.len(), 3);
    let mut c = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    assert!(quarry_migrate::introspect(&mut c)
        .await
        .unwrap()
        .table("stray")
        .is_none());
    c.close().await;
}

async fn concurrent_deploys(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let p = project(&db, tmp.path(), V1);
    p.migrations.write_lock(p.dialect).unwrap();
    let count = 20;
    for i in 0..count {
        let name = format!("202401010000{i:02}_m{i}");
        std::fs::create_dir_all(p.migrations.path.join(&name)).unwrap();
        std::fs::write(
            p.migrations.path.join(&name).join("migration.sql"),
            format!(
                "CREATE TABLE {} ({} INTEGER);\n",
                q(&db, &format!("t{i}")),
                q(&db, "x")
            ),
        )
        .unwrap();
    }
    // Four deploys on four threads, each with its own runtime and connection, started together.
    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let p = p.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(commands::deploy(&p, &mut Silent))
            })
        })
        .collect();
    let mut applied = 0;
    for run in runs {
        applied += run.join().unwrap().unwrap().applied.len();
    }
    assert_eq!(applied, count, "each migration is applied exactly once");
    let mut conn = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    let rows = history::read(&mut conn).await.unwrap();
    conn.close().await;
    assert_eq!(rows.len(), count, "{rows:#?}");
    assert!(rows
        .iter()
        .all(|r| r.is_applied() && r.applied_steps_count == 1));
}

async fn drift_is_detected(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let p = project(&db, tmp.path(), V1);
    commands::dev(&p, &DevOptions::default(), &mut Silent)
        .await
        .unwrap();
    exec(
        &db,
        &format!(
            "ALTER TABLE {} ADD COLUMN {} INTEGER",
            q(&db, "User"),
            q(&db, "sneaky")
        ),
    )
    .await;
    match commands::dev(&p, &DevOptions::default(), &mut Silent).await {
        Err(MigrateError::Drift(msg)) => {
            assert!(msg.contains("Drift detected"), "{msg}");
            assert!(msg.contains("sneaky"), "{msg}");
        }
        other => panic!("expected drift, got {other:?}"),
    }
    // Accepting the reset brings the database back to the history.
    let mut yes = Scripted {
        answer: true,
        ..Scripted::default()
    };
    let report = commands::dev(&p, &DevOptions::default(), &mut yes)
        .await
        .unwrap();
    assert!(report.reset);
    assert!(commands::status(&p).await.unwrap().is_up_to_date());
}

async fn rename_hints_and_push(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let p = project(&db, tmp.path(), V1);
    commands::dev(&p, &DevOptions::default(), &mut Silent)
        .await
        .unwrap();
    let renamed = project(
        &db,
        tmp.path(),
        &V1.replace("name  String?", "nick  String?"),
    );
    let report = commands::dev(
        &renamed,
        &DevOptions {
            create_only: true,
            ..DevOptions::default()
        },
        &mut Silent,
    )
    .await
    .unwrap();
    assert!(!report.created_applied);
    let hint = report.lint.rename_hints.join("\n");
    assert!(hint.contains("`name`") && hint.contains("`nick`"), "{hint}");
    assert!(
        hint.contains("RENAME COLUMN") || hint.contains("INSERT INTO"),
        "{hint}"
    );
    // The created migration, edited into a rename as the hint suggests, is applied by the
    // next `dev`, which then says so, and does not also say it found nothing to do.
    let created = report.created.expect("a migration was created");
    std::fs::write(
        created.dir.join("migration.sql"),
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {};\n",
            q(&db, "User"),
            q(&db, "name"),
            q(&db, "nick")
        ),
    )
    .unwrap();
    let mut ui = Scripted::default();
    let applied = commands::dev(&renamed, &DevOptions::default(), &mut ui)
        .await
        .unwrap();
    assert_eq!(applied.applied, vec![created.name.clone()]);
    assert!(applied.created.is_none());
    let said = ui.said.join("\n");
    assert!(
        said.contains(&format!("Applied migration `{}`", created.name)),
        "{said}"
    );
    assert!(said.contains("now in sync"), "{said}");
    assert!(!said.contains("Already in sync"), "{said}");
    let mut ui = Scripted::default();
    commands::dev(&renamed, &DevOptions::default(), &mut ui)
        .await
        .unwrap();
    assert!(ui.said.join("\n").contains("Already in sync"));

    // db push on another database, twice: the second push has nothing to do.
    let Some(db2) = TestDb::new(backend).await else {
        return;
    };
    let pushed = project(&db2, tmp.path(), V2);
    let first = commands::db_push(&pushed, &PushOptions::default(), &mut Silent)
        .await
        .unwrap();
    assert!(first.steps_applied > 0);
    let second = commands::db_push(&pushed, &PushOptions::default(), &mut Silent)
        .await
        .unwrap();
    assert_eq!(second.steps_applied, 0);
    // Pushing a schema that drops a table with rows needs --accept-data-loss.
    exec(
        &db2,
        &format!(
            "INSERT INTO {} ({}) VALUES ('b@x.io')",
            q(&db2, "User"),
            q(&db2, "email")
        ),
    )
    .await;
    exec(
        &db2,
        &format!(
            "INSERT INTO {} ({}, {}) VALUES ('hello', 1)",
            q(&db2, "Post"),
            q(&db2, "title"),
            q(&db2, "authorId")
        ),
    )
    .await;
    let back = project(&db2, tmp.path(), V1);
    assert!(matches!(
        commands::db_push(&back, &PushOptions::default(), &mut Silent).await,
        Err(MigrateError::DataLossNotAccepted(_))
    ));
    let forced = commands::db_push(
        &back,
        &PushOptions {
            accept_data_loss: true,
            ..PushOptions::default()
        },
        &mut Silent,
    )
    .await
    .unwrap();
    assert!(forced.steps_applied > 0);
}

macro_rules! on_every_database {
    ($($name:ident),*) => {
        mod sqlite {
            use super::*;
            $(#[tokio::test] async fn $name() { super::$name(Backend::Sqlite).await })*
        }
        mod postgres {
            use super::*;
            $(#[tokio::test] async fn $name() { super::$name(Backend::Postgres).await })*
        }
        mod mysql {
            use super::*;
            $(#[tokio::test] async fn $name() { super::$name(Backend::Mysql).await })*
        }
    };
}

/// `migrate status` only looks: a missing database is Prisma's P1003, and nothing is created
/// (no SQLite file or folder, no server database). `migrate deploy` creates it and says so.
async fn status_never_creates_the_database_and_deploy_says_when_it_does(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let sqlite_file = tmp.path().join("sub/dir/absent.db");
    let absent_name = format!(
        "{}_absent",
        quarry_migrate::connection::database_name(&db.url).unwrap_or_default()
    );
    let url = match backend {
        Backend::Sqlite => format!("file:{}", sqlite_file.display()),
        _ => quarry_migrate::connection::with_database(&db.url, &absent_name),
    };
    let mut p = project(&db, tmp.path(), V1);
    p.url = Some(url.clone());
    for _ in 0..2 {
        match commands::status(&p).await {
            Err(e @ MigrateError::DatabaseNotFound(_)) => {
                let msg = e.to_string();
                assert!(msg.starts_with("P1003: Database `"), "{msg}");
                assert!(msg.contains("does not exist"), "{msg}");
            }
            other => panic!("{backend:?}: expected P1003, got {other:?}"),
        }
    }
    match backend {
        Backend::Sqlite => assert!(!tmp.path().join("sub").exists(), "nothing created"),
        _ => assert!(matches!(
            Connection::connect_existing(&url, tmp.path()).await,
            Err(MigrateError::DatabaseNotFound(_))
        )),
    }
    let mut ui = Scripted::default();
    let report = commands::deploy(&p, &mut ui).await.unwrap();
    assert!(report.applied.is_empty());
    assert!(
        ui.said
            .iter()
            .any(|m| m.contains("database `") && m.contains("created at `")),
        "{backend:?}: {:?}",
        ui.said
    );
    assert!(commands::status(&p).await.unwrap().is_up_to_date());
    // A second deploy finds it there and says nothing of creating it.
    let mut again = Scripted::default();
    commands::deploy(&p, &mut again).await.unwrap();
    assert!(!again.said.iter().any(|m| m.contains("created at")));
    if backend != Backend::Sqlite {
        quarry_migrate::connection::drop_database(&db.url, &absent_name)
            .await
            .unwrap();
    }
}

/// A required column without a default added to a table that is empty in development runs
/// there, but would fail on a production table with rows: `dev` says so in the terminal and in
/// the migration. With rows, it refuses.
async fn required_column_on_an_empty_table_is_flagged(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    commands::dev(
        &project(&db, tmp.path(), V1),
        &DevOptions::default(),
        &mut Silent,
    )
    .await
    .unwrap();
    let v = project(
        &db,
        tmp.path(),
        &V1.replace("name  String?", "name  String?\n  age   Int"),
    );
    let mut ui = Scripted::default();
    let report = commands::dev(&v, &DevOptions::default(), &mut ui)
        .await
        .unwrap();
    assert!(report.created_applied);
    let said = ui.said.join("\n");
    assert!(
        said.contains("`age`") && said.contains("fails on any database where the table has rows"),
        "{backend:?}: {said}"
    );
    let created = report.created.unwrap();
    let sql = std::fs::read_to_string(created.dir.join("migration.sql")).unwrap();
    assert!(sql.starts_with("/*\n  Warnings:"), "{sql}");
    assert!(
        sql.contains("fails on any database where the table has rows"),
        "{sql}"
    );
    // With a row, the same kind of step is refused.
    exec(
        &db,
        &format!(
            "INSERT INTO {} ({}, {}) VALUES ('a@x.io', 1)",
            q(&db, "User"),
            q(&db, "email"),
            q(&db, "age")
        ),
    )
    .await;
    let more = project(
        &db,
        tmp.path(),
        &V1.replace("name  String?", "name  String?\n  age   Int\n  rank  Int"),
    );
    match commands::dev(&more, &DevOptions::default(), &mut Silent).await {
        Err(MigrateError::DataLossNotAccepted(msg)) => {
            assert!(msg.contains("`rank`") && msg.contains("1 row"), "{msg}")
        }
        other => panic!("{backend:?}: expected a refusal, got {other:?}"),
    }
}

on_every_database!(
    required_column_on_an_empty_table_is_flagged,
    status_never_creates_the_database_and_deploy_says_when_it_does,
    dev_deploy_status_and_data_loss,
    failure_and_recovery,
    concurrent_deploys,
    drift_is_detected,
    rename_hints_and_push
);

/// A SQLite deploy that queues behind another for longer than the busy timeout keeps waiting,
/// as PostgreSQL and MySQL deploys wait on their locks, then finds the work done: every
/// migration is applied exactly once.
/// What `migrate lint` advises for an index works: a PostgreSQL migration with `CREATE INDEX
/// CONCURRENTLY` is applied outside a transaction (PostgreSQL refuses it inside one) and
/// recorded like any other.
#[tokio::test]
async fn a_concurrently_built_index_deploys_on_postgres() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let p = project(&db, tmp.path(), V1);
    commands::dev(&p, &DevOptions::default(), &mut Silent)
        .await
        .unwrap();
    let dir = tmp.path().join("migrations/29990101000000_index");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("migration.sql"),
        "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"User_name_idx\" ON \"User\"(\"name\");\n",
    )
    .unwrap();
    let report = commands::deploy(&p, &mut Silent).await.unwrap();
    assert_eq!(report.applied, vec!["29990101000000_index".to_string()]);
    assert!(commands::status(&p).await.unwrap().is_up_to_date());
    let found = commands::lint_migrations(&p, &[], None).unwrap();
    assert!(found.iter().all(|(_, f)| f.is_empty()), "{found:?}");
}

/// A PostgreSQL user without CREATEDB cannot get a temporary shadow database: `migrate dev`
/// says so and names the three ways to give one, and works with `--shadow-database-url`.
#[tokio::test]
async fn a_postgres_user_without_createdb_is_told_how_to_give_a_shadow_database() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let name = quarry_migrate::connection::database_name(&db.url).unwrap();
    let role = format!("{name}_u");
    let shadow = format!("{name}_s");
    exec(&db, &format!("CREATE ROLE \"{role}\" LOGIN NOCREATEDB")).await;
    exec(
        &db,
        &format!("ALTER DATABASE \"{name}\" OWNER TO \"{role}\""),
    )
    .await;
    let user_url = db.url.replacen("://postgres@", &format!("://{role}@"), 1);
    assert_ne!(user_url, db.url, "the test URL names the postgres user");
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project(&db, tmp.path(), V1);
    p.url = Some(user_url.clone());
    match commands::dev(&p, &DevOptions::default(), &mut Silent).await {
        Err(e @ MigrateError::MissingDatabase(_)) => {
            let msg = e.to_string();
            for needle in [
                "CREATEDB",
                "--shadow-database-url",
                "SHADOW_DATABASE_URL",
                "shadowDatabaseUrl",
            ] {
                assert!(msg.contains(needle), "{needle}: {msg}");
            }
        }
        other => panic!("expected the shadow database hint, got {other:?}"),
    }
    quarry_migrate::connection::create_database(&db.url, &shadow)
        .await
        .unwrap();
    exec(
        &db,
        &format!("ALTER DATABASE \"{shadow}\" OWNER TO \"{role}\""),
    )
    .await;
    p.shadow_url = Some(quarry_migrate::connection::with_database(
        &user_url, &shadow,
    ));
    let report = commands::dev(&p, &DevOptions::default(), &mut Silent)
        .await
        .unwrap();
    assert!(report.created_applied);
    exec(&db, &format!("REASSIGN OWNED BY \"{role}\" TO postgres")).await;
    quarry_migrate::connection::drop_database(&db.url, &shadow)
        .await
        .unwrap();
    exec(
        &db,
        &format!("DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\""),
    )
    .await;
}

#[tokio::test]
async fn sqlite_deploy_waits_behind_a_long_deploy() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project(&db, tmp.path(), V1);
    // A 20 ms busy timeout: the first deploy's slow migration holds the lock far longer.
    let url = format!("{}?socket_timeout=0.02", db.url);
    p.url = Some(url.clone());
    p.migrations.write_lock(p.dialect).unwrap();
    let rows = 1_000_000;
    let write = |name: &str, sql: &str| {
        std::fs::create_dir_all(p.migrations.path.join(name)).unwrap();
        std::fs::write(p.migrations.path.join(name).join("migration.sql"), sql).unwrap();
    };
    // A first migration, deployed alone, creates the history table: then the first write lock
    // the concurrent deploys take is the slow migration's.
    write(
        "20240101000000_init",
        "CREATE TABLE \"before\" (\"x\" INTEGER);\n",
    );
    commands::deploy(&p, &mut Silent).await.unwrap();
    for (name, sql) in [
        (
            "20240101000001_slow",
            format!(
                "CREATE TABLE \"numbers\" (\"n\" INTEGER);\n\
                 INSERT INTO \"numbers\" WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {rows}) SELECT n FROM c;\n"
            ),
        ),
        (
            "20240101000002_next",
            "CREATE TABLE \"after\" (\"x\" INTEGER);\n".to_string(),
        ),
    ] {
        write(name, &sql);
    }

    let deploy = |p: Project| {
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let mut ui = Scripted::default();
            let result = rt.block_on(commands::deploy(&p, &mut ui));
            (result, ui.said)
        })
    };
    let first = deploy(p.clone());
    // Start the second deploy once the first holds the lock inside its slow migration: held
    // at three probes 50 ms apart, which the first deploy's own lock probe, a moment long, is
    // not.
    let mut probe = Connection::connect(&url, Path::new(".")).await.unwrap();
    let started = std::time::Instant::now();
    let pause = |ms| tokio::time::sleep(std::time::Duration::from_millis(ms));
    let mut held = 0;
    while held < 3 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the first deploy never held the lock"
        );
        if probe.sqlite_is_locked().await.unwrap() {
            held += 1;
            pause(50).await;
        } else {
            held = 0;
            pause(2).await;
        }
    }
    probe.close().await;
    let second = deploy(p.clone());

    // The first deploy may have waited too, for a probe above.
    let (first, _) = first.join().unwrap();
    let (second, second_said) = second.join().unwrap();
    let first = first.unwrap();
    let second = second.unwrap_or_else(|e| panic!("the waiting deploy failed: {e}"));
    assert!(
        second_said
            .iter()
            .any(|m| m.starts_with("Waiting for another")),
        "{second_said:?}"
    );
    assert_eq!(first.applied.len() + second.applied.len(), 2);
    let mut conn = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    let history = history::read(&mut conn).await.unwrap();
    assert_eq!(history.len(), 3, "{history:#?}");
    assert!(history.iter().all(|r| r.is_applied()));
    conn.close().await;
    let path = db.url.trim_start_matches("file:");
    let mut raw = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(path),
    )
    .await
    .unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM \"numbers\"")
        .fetch_one(&mut raw)
        .await
        .unwrap();
    assert_eq!(count, rows);
}
