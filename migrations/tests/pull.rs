//! `db pull` against Prisma 7: the schema Quarry writes for a database is byte for byte the one
//! Prisma's `db pull --print` wrote for the same database (recorded in `fixtures/pull/`, see its
//! README), and on every database the pulled schema describes the database exactly (migrating
//! from it to the database is empty).

mod common;

use quarry_migrate::commands::db_pull;
use quarry_migrate::{calculate_for, diff, introspect, render_script, Connection, DatabaseSchema};
use quarry_schema::SourceMap;
use quarry_tests::db::{Backend, TestDb};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pull")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn dialect(backend: Backend) -> quarry_migrate::Dialect {
    quarry_migrate::Dialect::parse(backend.provider()).expect("provider")
}

fn header(backend: Backend) -> String {
    format!(
        "datasource db {{\n  provider = \"{}\"\n}}",
        backend.provider()
    )
}

async fn run_sql(db: &TestDb, sql: &str) {
    let mut conn = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    conn.execute_script(sql)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    conn.close().await;
}

/// Builds the database of a schema example the way `migrate diff --from-empty` + `db execute`
/// would, as the fixtures were recorded.
async fn migrate_example(db: &TestDb, name: &str) {
    let d = dialect(db.backend);
    let text = common::examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .expect("example");
    let schema = common::parse_ok(&text);
    let script = render_script(&diff(&DatabaseSchema::empty(d), &calculate_for(&schema, d)));
    run_sql(db, &script).await;
}

async fn pull(db: &TestDb, existing: Option<&str>) -> quarry_migrate::pull::Pulled {
    match existing {
        None => db_pull(&db.url, Path::new("."), None, &header(db.backend))
            .await
            .unwrap(),
        Some(text) => {
            let sources = SourceMap::single("schema.prisma", text);
            let schema = common::parse_ok(text);
            let head = quarry_migrate::pull::header_blocks(&schema, &sources);
            db_pull(&db.url, Path::new("."), Some(&schema), &head)
                .await
                .unwrap()
        }
    }
}

/// The pulled schema validates, and the database it describes is the one it was read from.
async fn assert_describes_database(db: &TestDb, pulled: &str) {
    let d = dialect(db.backend);
    let schema = common::parse_ok(pulled);
    let mut conn = Connection::connect(&db.url, Path::new(".")).await.unwrap();
    let live = introspect(&mut conn).await.unwrap();
    conn.close().await;
    let drift = diff(&live, &calculate_for(&schema, d));
    assert!(
        drift.is_empty(),
        "the pulled schema differs from the database:\n{}\n{pulled}",
        render_script(&drift)
    );
}

/// Where Quarry writes something else than Prisma on purpose: (Prisma's text, Quarry's).
/// Prisma reads an expression default of a SQLite text column as a string literal, so a
/// migration from its schema would store the expression's text in new rows; Quarry keeps the
/// expression.
const DELIBERATE: &[(&str, &str)] = &[
    (
        "@default(\"lower(hex(randomblob(8)))\")",
        "@default(dbgenerated(\"(lower(hex(randomblob(8))))\"))",
    ),
    (
        "@default(\"lower('A')\")",
        "@default(dbgenerated(\"(lower('A'))\"))",
    ),
];

fn assert_same(name: &str, prisma: &str, actual: &str) {
    let expected = DELIBERATE
        .iter()
        .fold(prisma.to_string(), |t, (p, q)| t.replace(p, q));
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(10)
            .map(|(i, (e, a))| format!("line {}:\n  prisma: {e}\n  quarry: {a}", i + 1))
            .collect();
        panic!(
            "{name}: db pull differs from Prisma's\n{}\n--- quarry wrote:\n{actual}",
            diff.join("\n")
        );
    }
}

async fn examples_match_prisma(backend: Backend, names: &[&str]) {
    for name in names {
        let Some(db) = TestDb::new(backend).await else {
            return;
        };
        migrate_example(&db, name).await;
        let pulled = pull(&db, None).await;
        assert_same(
            name,
            &fixture(&format!("example_{name}.prisma")),
            &pulled.schema,
        );
        assert_describes_database(&db, &pulled.schema).await;
    }
}

#[tokio::test]
async fn sqlite_examples_match_prisma() {
    examples_match_prisma(Backend::Sqlite, &["blog", "native_sqlite", "social"]).await;
}

#[tokio::test]
async fn postgres_examples_match_prisma() {
    examples_match_prisma(
        Backend::Postgres,
        &["audit_log", "ecommerce", "native_postgres", "saas"],
    )
    .await;
}

#[tokio::test]
async fn hand_written_sqlite_matches_prisma() {
    for name in ["legacy_sqlite", "types_sqlite"] {
        let Some(db) = TestDb::new(Backend::Sqlite).await else {
            return;
        };
        run_sql(&db, &fixture(&format!("{name}.sql"))).await;
        let pulled = pull(&db, None).await;
        assert_same(name, &fixture(&format!("{name}.prisma")), &pulled.schema);
    }
}

#[tokio::test]
async fn hand_written_postgres_matches_prisma() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    run_sql(&db, &fixture("legacy_postgres.sql")).await;
    let pulled = pull(&db, None).await;
    assert_same(
        "legacy_postgres",
        &fixture("legacy_postgres.prisma"),
        &pulled.schema,
    );
    assert!(pulled.warnings.contains("constraint: \"posts_lower\""));
    assert!(pulled.warnings.contains("original data type: \"point\""));
}

#[tokio::test]
async fn re_introspection_keeps_what_the_user_wrote() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    run_sql(&db, &fixture("legacy_sqlite.sql")).await;
    let existing = fixture("reintrospect_sqlite.existing.prisma");
    let pulled = pull(&db, Some(&existing)).await;
    assert_same(
        "reintrospect_sqlite",
        &fixture("reintrospect_sqlite.prisma"),
        &pulled.schema,
    );
    assert!(pulled
        .warnings
        .contains("These models were enriched with `@@map` information"));
}

/// Prisma documents a comment on tables with check constraints; its engine here cannot read
/// them, so this follows the documentation.
#[tokio::test]
async fn check_constraints_are_named_in_a_comment() {
    for backend in Backend::ALL {
        let Some(db) = TestDb::new(backend).await else {
            continue;
        };
        run_sql(
            &db,
            "CREATE TABLE checked (id INTEGER NOT NULL PRIMARY KEY, age INTEGER CHECK (age > 0));",
        )
        .await;
        let pulled = pull(&db, None).await;
        assert!(
            pulled.schema.contains(
                "/// This table contains check constraints and requires additional setup for migrations. Visit https://pris.ly/d/check-constraints for more info.\nmodel checked {"
            ),
            "{backend:?}:\n{}",
            pulled.schema
        );
        assert!(pulled.warnings.contains("check constraints"));
    }
}

/// A legacy MySQL database (no oracle for MySQL here): relations, enums, prefix lengths,
/// full-text indexes, unsigned types, and a table without a key.
#[tokio::test]
async fn mysql_legacy_database_round_trips() {
    let Some(db) = TestDb::new(Backend::Mysql).await else {
        return;
    };
    run_sql(
        &db,
        "CREATE TABLE Users (Id INT AUTO_INCREMENT PRIMARY KEY, `E-mail` VARCHAR(191) NOT NULL UNIQUE, \
         name VARCHAR(100), mood ENUM('happy','sad','so-so') DEFAULT 'happy', \
         created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), active TINYINT(1) NOT NULL DEFAULT 1, \
         price DECIMAL(10,2) DEFAULT 0.00, bio TEXT, big BIGINT UNSIGNED);
         CREATE TABLE posts (id INT AUTO_INCREMENT PRIMARY KEY, author_id INT NOT NULL, editor_id INT, \
         title VARCHAR(191) NOT NULL, body LONGTEXT, \
         CONSTRAINT posts_author FOREIGN KEY (author_id) REFERENCES Users(Id) ON DELETE CASCADE, \
         FOREIGN KEY (editor_id) REFERENCES Users(Id), INDEX title_idx (title(20) DESC), FULLTEXT KEY ft (body));
         CREATE TABLE logs (msg TEXT);",
    )
    .await;
    let pulled = pull(&db, None).await;
    for expected in [
        "E_mail                       String      @unique(map: \"E-mail\") @map(\"E-mail\")",
        "mood                         Users_mood? @default(happy)",
        "big                          BigInt?     @db.UnsignedBigInt",
        "Users_posts_author_idToUsers Users   @relation(\"posts_author_idToUsers\", fields: [author_id], references: [Id], onDelete: Cascade, onUpdate: Restrict, map: \"posts_author\")",
        "@@index([title(length: 20, sort: Desc)], map: \"title_idx\")",
        "@@fulltext([body], map: \"ft\")",
        "so_so @map(\"so-so\")",
        "  @@ignore\n}",
    ] {
        assert!(
            pulled.schema.contains(expected),
            "missing `{expected}` in:\n{}",
            pulled.schema
        );
    }
    assert_describes_database(&db, &pulled.schema).await;
}

#[tokio::test]
async fn every_example_round_trips_through_pull() {
    for backend in Backend::ALL {
        let d = dialect(backend);
        for (name, schema) in common::runnable_examples(d) {
            let Some(db) = TestDb::new(backend).await else {
                break;
            };
            let script =
                render_script(&diff(&DatabaseSchema::empty(d), &calculate_for(&schema, d)));
            run_sql(&db, &script).await;
            eprintln!("pull round trip: {name} on {d}");
            let pulled = pull(&db, None).await;
            assert_describes_database(&db, &pulled.schema).await;
        }
    }
}

#[tokio::test]
async fn an_empty_database_is_p4001_and_a_missing_one_is_not_created() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    run_sql(
        &db,
        "CREATE TABLE t (id INTEGER PRIMARY KEY); DROP TABLE t;",
    )
    .await;
    let err = db_pull(&db.url, Path::new("."), None, &header(Backend::Sqlite))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("P4001"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.db");
    let url = format!("file:{}", missing.display());
    let err = db_pull(&url, Path::new("."), None, &header(Backend::Sqlite))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("P1003"), "{err}");
    assert!(!missing.exists());
}

/// Pulling a database over the schema that made it keeps the user's names, including those of
/// implicit many-to-many fields and of several relations between the same models.
#[tokio::test]
async fn re_introspection_keeps_relation_and_many_to_many_names() {
    let Some(db) = TestDb::new(Backend::Sqlite).await else {
        return;
    };
    migrate_example(&db, "social").await;
    let existing = common::examples()
        .into_iter()
        .find(|(n, _)| n == "social")
        .map(|(_, t)| t)
        .expect("example");
    let pulled = pull(&db, Some(&existing)).await;
    for line in [
        "groups        Group[]   @relation(\"GroupMembers\")",
        "members    User[]   @relation(\"GroupMembers\")",
        "invitedBy     User?     @relation(\"Invitations\", fields: [invitedById], references: [id])",
    ] {
        assert!(pulled.schema.contains(line), "missing `{line}` in:\n{}", pulled.schema);
    }
    assert_describes_database(&db, &pulled.schema).await;
}
