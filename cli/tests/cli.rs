//! The `quarry` binary as users run it: exit codes, what it prints, what it writes.

use std::path::Path;
use std::process::{Command, Output};

fn quarry(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("quarry runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

const VALID: &str = r#"datasource db {
  provider = "sqlite"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
"#;

const BROKEN: &str = r#"datasource db {
  provider = "sqlite"
}

model User {
  id    Int    @id
  email Strin  @unique
  posts Post[]
}
"#;

#[test]
fn validate_exit_codes() {
    let dir = tempdir();
    std::fs::write(dir.path().join("schema.prisma"), VALID).unwrap();
    let ok = quarry(dir.path(), &["validate"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("is valid"));

    std::fs::write(dir.path().join("broken.prisma"), BROKEN).unwrap();
    let bad = quarry(dir.path(), &["validate", "--schema", "broken.prisma"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    insta::assert_snapshot!(err);

    let missing = quarry(dir.path(), &["validate", "--schema", "nope.prisma"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("nope.prisma does not exist"));
}

#[test]
fn schema_lookup_names_the_paths_it_tried() {
    let dir = tempdir();
    let out = quarry(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("schema.prisma"), "{err}");
    assert!(err.contains("prisma/schema.prisma"), "{err}");
    assert!(err.contains("prisma/schema"), "{err}");

    // ./prisma/schema.prisma is found.
    std::fs::create_dir(dir.path().join("prisma")).unwrap();
    std::fs::write(dir.path().join("prisma/schema.prisma"), VALID).unwrap();
    assert_eq!(quarry(dir.path(), &["validate"]).status.code(), Some(0));
}

#[test]
fn multi_file_schemas_name_the_file_of_each_diagnostic() {
    let dir = tempdir();
    let folder = dir.path().join("prisma/schema");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("main.prisma"),
        "datasource db {\n  provider = \"sqlite\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("user.prisma"),
        "model User {\n  id    Int    @id\n  posts Post[]\n}\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("post.prisma"),
        "model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n  bogus    Nope\n}\n",
    )
    .unwrap();
    let out = quarry(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("post.prisma:5:12"), "{err}");
    // The relation across files resolves: no complaint about User or Post.
    assert!(!err.contains("missing an opposite"), "{err}");
}

#[test]
fn json_diagnostics() {
    let dir = tempdir();
    std::fs::write(dir.path().join("schema.prisma"), BROKEN).unwrap();
    let out = quarry(dir.path(), &["validate", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let first = &v[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 9);
    assert_eq!(first["end_column"], 14);
    assert!(first["file"].as_str().unwrap().ends_with("schema.prisma"));
}

#[test]
fn prisma_6_and_7_datasources_are_both_accepted() {
    let dir = tempdir();
    let v6 = VALID.replace(
        "provider = \"sqlite\"",
        "provider = \"sqlite\"\n  url      = env(\"DATABASE_URL\")",
    );
    std::fs::write(dir.path().join("v6.prisma"), v6).unwrap();
    std::fs::write(dir.path().join("v7.prisma"), VALID).unwrap();
    assert_eq!(
        quarry(dir.path(), &["validate", "--schema", "v6.prisma"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        quarry(dir.path(), &["validate", "--schema", "v7.prisma"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn format_check_and_write() {
    let dir = tempdir();
    let messy = "datasource db {\n    provider = \"sqlite\"\n}\n\nmodel User {\n  id Int @default(autoincrement()) @id\n  email String @unique\n}\n";
    let path = dir.path().join("schema.prisma");
    std::fs::write(&path, messy).unwrap();
    let check = quarry(dir.path(), &["format", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("schema.prisma"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        messy,
        "--check changes nothing"
    );

    let write = quarry(dir.path(), &["format"]);
    assert_eq!(write.status.code(), Some(0), "{}", text(&write.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), VALID);
    assert_eq!(
        quarry(dir.path(), &["format", "--check"]).status.code(),
        Some(0)
    );
}

#[test]
fn format_refuses_to_write_an_invalid_result() {
    let dir = tempdir();
    let path = dir.path().join("schema.prisma");
    std::fs::write(&path, BROKEN).unwrap();
    let out = quarry(dir.path(), &["format"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), BROKEN);
}

#[test]
fn help_and_completions() {
    let dir = tempdir();
    for cmd in [
        &["--help"][..],
        &["validate", "--help"],
        &["format", "--help"],
    ] {
        let out = quarry(dir.path(), cmd);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("Usage"));
    }
    let out = quarry(dir.path(), &["completions", "zsh"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("quarry"));
}

#[test]
fn init_writes_a_valid_schema_and_env_and_never_overwrites() {
    let dir = tempdir();
    let out = quarry(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(dir.path().join(".env"))
        .unwrap()
        .contains("DATABASE_URL=\"file:./dev.db\""));
    assert_eq!(quarry(dir.path(), &["validate"]).status.code(), Some(0));
    assert_eq!(
        quarry(dir.path(), &["format", "--check"]).status.code(),
        Some(0)
    );
    assert_eq!(quarry(dir.path(), &["init"]).status.code(), Some(1));
    let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == ".env") && ignore.lines().any(|l| l == "dev.db"));
    // Over an existing .env that sets DATABASE_URL (with an inline comment): left alone, and
    // said so, not claimed as written.
    let other = tempdir();
    std::fs::write(
        other.path().join(".env"),
        "DATABASE_URL=file:./mine.db # mine\n",
    )
    .unwrap();
    std::fs::write(other.path().join(".gitignore"), ".env\n").unwrap();
    let o = quarry(other.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0));
    let said = text(&o.stdout);
    assert!(said.contains("already sets DATABASE_URL"), "{said}");
    assert!(!said.contains("and DATABASE_URL in"), "{said}");
    assert_eq!(
        std::fs::read_to_string(other.path().join(".env")).unwrap(),
        "DATABASE_URL=file:./mine.db # mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(other.path().join(".gitignore")).unwrap(),
        ".env\ndev.db\ndev.db-journal\n"
    );
    // The CLI reads that .env as dotenv does: the comment is not part of the path.
    let o = quarry(other.path(), &["migrate", "status"]);
    assert!(
        text(&o.stderr).contains("mine.db` does not exist"),
        "{}",
        text(&o.stderr)
    );
    assert!(!text(&o.stderr).contains("# mine"), "{}", text(&o.stderr));
    let pg = quarry(
        dir.path(),
        &[
            "init",
            "--provider",
            "postgresql",
            "--schema",
            "pg/schema.prisma",
        ],
    );
    assert_eq!(pg.status.code(), Some(0), "{}", text(&pg.stderr));
    assert_eq!(
        quarry(dir.path(), &["validate", "--schema", "pg/schema.prisma"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn deep_nesting_is_reported_not_a_crash() {
    let deep_array = format!("{}{}", "[".repeat(9000), "]".repeat(9000));
    let deep_call = format!("{}1{}", "f(".repeat(9000), ")".repeat(9000));
    for value in [deep_array, deep_call] {
        let dir = tempdir();
        let schema = format!(
            "datasource db {{\n  provider = \"sqlite\"\n}}\n\nmodel A {{\n  id Int @id\n  b  Int @default({value})\n}}\n"
        );
        std::fs::write(dir.path().join("schema.prisma"), &schema).unwrap();
        for command in ["validate", "format"] {
            let out = quarry(dir.path(), &[command]);
            let err = text(&out.stderr);
            // A crash ends with a signal and no exit code.
            assert_eq!(out.status.code(), Some(1), "{command}: {err}");
            assert!(
                err.contains("Brackets are nested more than 64 levels deep here."),
                "{command}: {err}"
            );
        }
        let unchanged = std::fs::read_to_string(dir.path().join("schema.prisma")).unwrap();
        assert!(unchanged == schema, "format left the file as it was");
    }
}

/// `--json` on `migrate status`, `dev --create-only`, `deploy` and `diff`: one document each,
/// in the shape docs/migrations.md gives, with the documented exit codes.
#[test]
fn migrate_json_documents() {
    let dir = tempdir();
    std::fs::write(dir.path().join("schema.prisma"), VALID).unwrap();
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=\"file:./dev.db\"\n").unwrap();
    let json = |args: &[&str]| -> (serde_json::Value, Option<i32>) {
        let o = quarry(dir.path(), args);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", text(&o.stdout)));
        assert_eq!(doc["version"], 1, "{args:?}");
        (doc, o.status.code())
    };

    let (doc, code) = json(&["migrate", "status", "--json"]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["code"], "P1003");
    assert!(
        !dir.path().join("dev.db").exists(),
        "status created nothing"
    );

    let (doc, code) = json(&[
        "migrate",
        "dev",
        "--create-only",
        "--json",
        "--name",
        "init",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["command"], "migrate dev");
    let name = doc["created"]["name"].as_str().unwrap().to_string();
    assert!(name.ends_with("_init"));
    assert!(doc["messages"].to_string().contains("created at"), "{doc}");

    let (doc, code) = json(&["migrate", "status", "--json"]);
    assert_eq!(code, Some(1), "a pending migration");
    assert_eq!(doc["up_to_date"], false);
    assert_eq!(doc["pending"], serde_json::json!([name]));

    let (doc, code) = json(&["migrate", "deploy", "--json"]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["applied"], serde_json::json!([name]));
    assert_eq!(doc["found"], 1);

    let (doc, code) = json(&["migrate", "status", "--json"]);
    assert_eq!(
        (code, &doc["up_to_date"]),
        (Some(0), &serde_json::json!(true))
    );

    let args = [
        "migrate",
        "diff",
        "--from-empty",
        "--to-schema",
        "schema.prisma",
        "--json",
    ];
    let (doc, code) = json(&[&args[..], &["--exit-code"]].concat());
    assert_eq!(code, Some(2));
    assert_eq!(doc["empty"], false);
    assert!(doc["script"].as_str().unwrap().contains("CREATE TABLE"));
    assert!(doc["summary"].as_str().unwrap().contains("User"));

    // `dev --json` asks nothing, so it only writes (`--create-only`).
    let o = quarry(dir.path(), &["migrate", "dev", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--create-only"));
}

/// `migrate lint`: risky production steps, with file and line, exit 1; ignore comments and
/// `--since` narrow it.
#[test]
fn migrate_lint_flags_risky_steps() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("schema.prisma"),
        "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel User {\n  id Int @id\n}\n",
    )
    .unwrap();
    let m = dir.path().join("migrations");
    std::fs::create_dir_all(m.join("20260101000000_init")).unwrap();
    std::fs::create_dir_all(m.join("20260102000000_slim")).unwrap();
    std::fs::write(m.join("migration_lock.toml"), "provider = \"postgresql\"\n").unwrap();
    std::fs::write(
        m.join("20260101000000_init/migration.sql"),
        "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL, \"name\" TEXT);\nCREATE INDEX \"User_name_idx\" ON \"User\"(\"name\");\n",
    )
    .unwrap();
    std::fs::write(
        m.join("20260102000000_slim/migration.sql"),
        "-- quarry-lint: ignore index-without-concurrently\nCREATE INDEX \"a\" ON \"User\"(\"id\");\nALTER TABLE \"User\" DROP COLUMN \"name\";\n",
    )
    .unwrap();
    let o = quarry(dir.path(), &["migrate", "lint"]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("20260102000000_slim/migration.sql:3: drop-column:"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("index-without-concurrently"),
        "ignored, and exempt on a new table: {stdout}"
    );
    assert!(stdout.contains("1 risky step in 1 migration"), "{stdout}");
    let o = quarry(dir.path(), &["migrate", "lint", "20260101000000_init"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let o = quarry(
        dir.path(),
        &["migrate", "lint", "--since", "20260102000000_slim"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("No risky steps in 0 migrations"));
    let o = quarry(dir.path(), &["migrate", "lint", "--since", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("no migration `nope`"));
}

/// `db seed` runs `[package.metadata.quarry] seed` with DATABASE_URL set; `migrate dev` runs it
/// when it creates the database and `migrate reset` after resetting, unless `--skip-seed`.
#[test]
fn the_seed_command_runs_where_prisma_runs_it() {
    let dir = tempdir();
    let p = dir.path();
    std::fs::write(p.join("schema.prisma"), VALID).unwrap();
    std::fs::write(p.join(".env"), "DATABASE_URL=\"file:./dev.db\"\n").unwrap();
    let lines = || {
        std::fs::read_to_string(p.join("seeded.txt"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    // Not configured: a clear error saying where to configure it.
    let o = quarry(p, &["db", "seed"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("[package.metadata.quarry]"),
        "{}",
        text(&o.stderr)
    );
    std::fs::write(
        p.join("Cargo.toml"),
        "[package]\nname = \"app\"\n\n[package.metadata.quarry]\nseed = \"echo \\\"$DATABASE_URL\\\" >> seeded.txt\"\n",
    )
    .unwrap();
    let o = quarry(p, &["db", "seed"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(p.join("seeded.txt")).unwrap(),
        "file:./dev.db\n"
    );
    std::fs::remove_file(p.join("seeded.txt")).unwrap();
    let dev = |extra: &[&str]| {
        let args = [
            &["migrate", "dev", "--skip-generate", "--name", "init"][..],
            extra,
        ]
        .concat();
        let o = quarry(p, &args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    };
    dev(&[]);
    assert_eq!(lines(), 1, "dev created the database, so it seeded");
    dev(&[]);
    assert_eq!(lines(), 1, "the database existed: no seed");
    assert_eq!(
        quarry(p, &["migrate", "reset", "--force"]).status.code(),
        Some(0)
    );
    assert_eq!(lines(), 2, "reset seeds");
    assert_eq!(
        quarry(p, &["migrate", "reset", "--force", "--skip-seed"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(lines(), 2);
    std::fs::remove_file(p.join("dev.db")).unwrap();
    dev(&["--skip-seed"]);
    assert_eq!(lines(), 2);
    // A failing seed fails the command.
    std::fs::write(
        p.join("Cargo.toml"),
        "[package.metadata.quarry]\nseed = \"exit 3\"\n",
    )
    .unwrap();
    let o = quarry(p, &["db", "seed"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("failed"), "{}", text(&o.stderr));
}

/// A schema that cannot be found is exit code 2 in every command (usage and I/O errors), and
/// `db execute`'s usage line shows `--file` and `--stdin` as alternatives.
#[test]
fn a_missing_schema_is_exit_2_everywhere() {
    let dir = tempdir();
    for args in [
        &["validate"][..],
        &["generate"],
        &["migrate", "dev"],
        &["migrate", "status"],
        &["migrate", "status", "--json"],
        &["migrate", "deploy"],
        &["migrate", "lint"],
        &["db", "push"],
        &["db", "seed"],
    ] {
        let o = quarry(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        let said = text(&o.stderr) + &text(&o.stdout);
        assert!(said.contains("Could not find a schema"), "{args:?}: {said}");
        assert!(!said.contains("The schema is invalid"), "{args:?}: {said}");
    }
    let o = quarry(dir.path(), &["db", "execute"]);
    assert!(
        text(&o.stderr).contains("<--file <FILE>|--stdin>"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn db_pull_merges_into_the_schema_file_and_never_clobbers_it_on_failure() {
    let dir = tempdir();
    let schema = r#"generator client {
  provider = "quarry"
  output   = "../src/db.rs"
}

datasource db {
  provider = "sqlite"
  url      = "file:./dev.db"
}

/// People who write.
model Author {
  id    Int    @id @default(autoincrement())
  email String @unique @map("e-mail")

  @@map("authors")
}
"#;
    let path = dir.path().join("schema.prisma");
    std::fs::write(&path, schema).unwrap();
    // An empty database: P4001, and the schema file is left as it was.
    std::fs::write(
        dir.path().join("empty.sql"),
        "CREATE TABLE t (id INTEGER); DROP TABLE t;",
    )
    .unwrap();
    let made = quarry(dir.path(), &["db", "execute", "--file", "empty.sql"]);
    assert_eq!(made.status.code(), Some(0), "{}", text(&made.stderr));
    let empty = quarry(dir.path(), &["db", "pull"]);
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        text(&empty.stderr).contains("P4001"),
        "{}",
        text(&empty.stderr)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), schema);

    std::fs::write(
        dir.path().join("ddl.sql"),
        r#"CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, "e-mail" TEXT NOT NULL UNIQUE);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL);"#,
    )
    .unwrap();
    let ddl = quarry(dir.path(), &["db", "execute", "--file", "ddl.sql"]);
    assert_eq!(ddl.status.code(), Some(0), "{}", text(&ddl.stderr));

    let printed = quarry(dir.path(), &["db", "pull", "--print"]);
    assert_eq!(printed.status.code(), Some(0), "{}", text(&printed.stderr));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        schema,
        "--print writes nothing"
    );

    let pulled = quarry(dir.path(), &["db", "pull"]);
    assert_eq!(pulled.status.code(), Some(0), "{}", text(&pulled.stderr));
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text(&printed.stdout), format!("{written}\n\n"));
    assert!(
        text(&pulled.stdout).contains("Introspected 2 models and wrote them into"),
        "{}",
        text(&pulled.stdout)
    );
    // The generator and datasource blocks, the model's name, docs and field names are kept.
    assert!(written.starts_with("generator client {\n  provider = \"quarry\"\n  output   = \"../src/db.rs\"\n}\n\ndatasource db {\n  provider = \"sqlite\"\n  url      = \"file:./dev.db\"\n}\n"), "{written}");
    assert!(
        written.contains("/// People who write.\nmodel Author {"),
        "{written}"
    );
    assert!(
        written.contains(
            "email String  @unique(map: \"sqlite_autoindex_authors_1\") @map(\"e-mail\")"
        ),
        "{written}"
    );
    assert!(written.contains("model books {"), "{written}");
    assert!(written.contains("Author    Author @relation(fields: [author_id], references: [id], onDelete: NoAction, onUpdate: NoAction)"), "{written}");
    let valid = quarry(dir.path(), &["validate"]);
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stderr));

    // --force starts from the database alone.
    let forced = quarry(dir.path(), &["db", "pull", "--force", "--print"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    assert!(
        text(&forced.stdout).contains("model authors {"),
        "{}",
        text(&forced.stdout)
    );
    assert!(!text(&forced.stdout).contains("People who write"));

    // Another provider's URL is refused before connecting.
    let wrong = quarry(
        dir.path(),
        &[
            "db",
            "pull",
            "--print",
            "--url",
            "postgresql://x@127.0.0.1:1/db",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong.stderr).contains("provider is `sqlite`"),
        "{}",
        text(&wrong.stderr)
    );
}

/// The generated client opens the SQLite file the CLI migrated: relative paths resolve against
/// the schema's folder, which the client finds from its crate's Cargo.toml.
#[test]
fn generated_client_knows_the_schema_folder() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::create_dir_all(dir.path().join("prisma")).unwrap();
    std::fs::write(
        dir.path().join("prisma/schema.prisma"),
        format!("generator client {{\n  provider = \"quarry\"\n  output   = \"../src/db.rs\"\n}}\n\n{VALID}"),
    )
    .unwrap();
    let out = quarry(dir.path(), &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let code = std::fs::read_to_string(dir.path().join("src/db.rs")).unwrap();
    assert!(
        code.contains(".join(\"prisma\")") && code.contains("env!(\"CARGO_MANIFEST_DIR\")"),
        "{code}"
    );
    // The file passes `cargo fmt --check` in the user's project (rustfmt ships with the
    // toolchain that runs these tests).
    let fmt = Command::new("rustfmt")
        .args(["--edition", "2021", "--check", "src/db.rs"])
        .current_dir(dir.path())
        .output()
        .expect("rustfmt runs");
    assert!(fmt.status.success(), "{}", text(&fmt.stdout));
}

#[test]
fn version_names_every_component_and_a_mismatched_runtime() {
    let dir = tempdir();
    let plain = quarry(dir.path(), &["version"]);
    assert_eq!(plain.status.code(), Some(0));
    let out = text(&plain.stdout);
    for name in [
        "quarry-cli",
        "quarry-schema",
        "quarry-codegen",
        "quarry-migrate",
        "quarry-orm (project)",
    ] {
        assert!(out.contains(name), "{out}");
    }
    std::fs::write(
        dir.path().join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"quarry-orm\"\nversion = \"0.0.1\"\n",
    )
    .unwrap();
    let old = quarry(dir.path(), &["version", "--format", "json"]);
    assert_eq!(old.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&old.stdout).unwrap();
    assert_eq!(doc["project_runtime"], "0.0.1");
    assert!(
        text(&old.stderr).contains("locks quarry-orm 0.0.1"),
        "{}",
        text(&old.stderr)
    );
}

#[test]
fn db_push_regenerates_the_client_unless_told_not_to() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("schema.prisma"),
        format!(
            "generator client {{\n  provider = \"quarry\"\n  output   = \"db.rs\"\n}}\n\n{VALID}"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=\"file:./dev.db\"\n").unwrap();
    let skipped = quarry(dir.path(), &["db", "push", "--skip-generate"]);
    assert_eq!(skipped.status.code(), Some(0), "{}", text(&skipped.stderr));
    assert!(!dir.path().join("db.rs").exists());
    let pushed = quarry(dir.path(), &["db", "push"]);
    assert_eq!(pushed.status.code(), Some(0), "{}", text(&pushed.stderr));
    assert!(
        text(&pushed.stdout).contains("Generated the Quarry client"),
        "{}",
        text(&pushed.stdout)
    );
    assert!(dir.path().join("db.rs").is_file());
}

#[test]
fn generate_watch_regenerates_when_the_schema_changes() {
    let dir = tempdir();
    let schema = format!(
        "generator client {{\n  provider = \"quarry\"\n  output   = \"db.rs\"\n}}\n\n{VALID}"
    );
    std::fs::write(dir.path().join("schema.prisma"), &schema).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["generate", "--watch"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |what: &str| {
        for _ in 0..100 {
            if std::fs::read_to_string(dir.path().join("db.rs")).is_ok_and(|c| c.contains(what)) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    };
    let first = wait_for("pub email");
    std::fs::write(
        dir.path().join("schema.prisma"),
        schema.replace(
            "email String @unique",
            "email String @unique\n  nickname String?",
        ),
    )
    .unwrap();
    let second = wait_for("pub nickname");
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "the client was not generated at start");
    assert!(
        second,
        "the client was not generated again after the change"
    );
}
