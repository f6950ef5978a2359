//! Creating a schema-example's tables in a test database and seeding rows with plain SQL.

use crate::db::{Backend, TestDb};
use quarry::Value;

/// A schema-example's text with its provider switched to `backend`.
pub fn example_for(name: &str, backend: Backend) -> String {
    let path = crate::workspace_root()
        .join("schema-examples")
        .join(format!("{name}.prisma"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut out = String::with_capacity(text.len());
    let mut in_datasource = false;
    for line in text.lines() {
        if line.starts_with("datasource") {
            in_datasource = true;
        }
        if in_datasource && line.trim_start().starts_with("provider") {
            out.push_str(&format!("  provider = \"{}\"\n", backend.provider()));
            in_datasource = false;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn dialect(backend: Backend) -> quarry_migrate::Dialect {
    match backend {
        Backend::Sqlite => quarry_migrate::Dialect::Sqlite,
        Backend::Postgres => quarry_migrate::Dialect::Postgres,
        Backend::Mysql => quarry_migrate::Dialect::Mysql,
    }
}

/// The DDL statements that create `schema_text`'s tables from nothing.
pub fn create_statements(schema_text: &str, backend: Backend) -> Vec<String> {
    let sources = quarry_schema::SourceMap::single("schema.prisma", schema_text);
    let validated = quarry_schema::validate(&sources);
    let Some(schema) = validated.schema else {
        panic!(
            "invalid schema:\n{}",
            validated
                .diagnostics
                .render(&sources, quarry_schema::Color::Never)
        );
    };
    let d = dialect(backend);
    let target = quarry_migrate::calculate_for(&schema, d);
    let migration = quarry_migrate::diff(&quarry_migrate::DatabaseSchema::empty(d), &target);
    quarry_migrate::render::render_steps(&migration)
        .into_iter()
        .flat_map(|s| s.statements)
        .collect()
}

/// A fresh database on `backend` holding the tables of schema-example `name`, and a runtime
/// client connected to it. `None` when the backend is not available outside CI.
pub async fn database_with(name: &str, backend: Backend) -> Option<(TestDb, quarry::Client)> {
    let db = TestDb::new(backend).await?;
    let client = quarry::Client::connect(&db.url)
        .await
        .unwrap_or_else(|e| panic!("connecting to {backend:?}: {e}"));
    for stmt in create_statements(&example_for(name, backend), backend) {
        client
            .execute_raw(&stmt, vec![])
            .await
            .unwrap_or_else(|e| panic!("{stmt}\n{e}"));
    }
    Some((db, client))
}

/// Runs seed SQL written with `?` placeholders and `"quoted"` identifiers on any backend:
/// placeholders become `$n` on PostgreSQL, quotes become backticks on MySQL, and `{enum:T}`
/// becomes a placeholder cast to enum type `T` where the database needs it.
pub async fn seed(client: &quarry::Client, backend: Backend, sql: &str, binds: Vec<Value>) {
    let mut out = String::new();
    let mut n = 0;
    let mut rest = sql;
    while let Some(i) = rest.find(['?', '{']) {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with('?') {
            n += 1;
            out.push_str(&placeholder(backend, n));
            rest = &rest[i + 1..];
        } else if let Some(end) = rest[i..].find('}') {
            let ty = rest[i..i + end].trim_start_matches("{enum:");
            n += 1;
            if backend == Backend::Postgres {
                out.push_str(&format!("CAST(${n} AS \"{ty}\")"));
            } else {
                out.push_str(&placeholder(backend, n));
            }
            rest = &rest[i + end + 1..];
        } else {
            out.push_str(&rest[i..]);
            rest = "";
        }
    }
    out.push_str(rest);
    if backend == Backend::Mysql {
        out = out.replace('"', "`");
    }
    client
        .execute_raw(&out, binds)
        .await
        .unwrap_or_else(|e| panic!("{out}\n{e}"));
}

fn placeholder(backend: Backend, n: usize) -> String {
    if backend == Backend::Postgres {
        format!("${n}")
    } else {
        "?".to_string()
    }
}

/// A plain sqlx pool on a test database: what a hand-written sqlx baseline in a benchmark
/// uses (sqlx's own pool, as a sqlx user has it, not Quarry's).
pub enum SqlxPool {
    /// SQLite.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

/// Opens [`SqlxPool`] on `db` (SQLite or PostgreSQL).
pub async fn sqlx_pool(db: &crate::db::TestDb) -> SqlxPool {
    match db.backend {
        Backend::Sqlite => {
            let path = db.url.trim_start_matches("file:");
            let opts = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .foreign_keys(true);
            SqlxPool::Sqlite(
                sqlx::SqlitePool::connect_with(opts)
                    .await
                    .expect("sqlx opens the SQLite file"),
            )
        }
        Backend::Postgres => SqlxPool::Postgres(
            sqlx::PgPool::connect(&db.url)
                .await
                .expect("sqlx connects to PostgreSQL"),
        ),
        Backend::Mysql => unreachable!("the baselines run on SQLite and PostgreSQL"),
    }
}
