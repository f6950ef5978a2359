//! Helpers shared by the migration tests.
#![allow(dead_code)]

use quarry_migrate::Dialect;
use quarry_schema::ir::Schema;
use quarry_schema::SourceMap;
use std::path::PathBuf;

/// The repository's `schema-examples/`.
pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema-examples")
}

/// Every schema example: (name, text), sorted by name.
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(examples_dir())
        .expect("schema-examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "prisma"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The schema with its datasource provider replaced.
pub fn with_provider(text: &str, dialect: Dialect) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if l.starts_with("  provider = ")
                && ["\"sqlite\"", "\"postgresql\"", "\"mysql\""]
                    .iter()
                    .any(|p| t.ends_with(p))
            {
                format!("  provider = \"{}\"", dialect.provider())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Validates a schema; `None` when it has errors.
pub fn parse(text: &str) -> Option<Schema> {
    let v = quarry_schema::validate(&SourceMap::single("schema.prisma", text));
    if v.diagnostics.has_errors() {
        return None;
    }
    v.schema
}

/// Validates a schema, panicking with the diagnostics when it is invalid.
pub fn parse_ok(text: &str) -> Schema {
    let sources = SourceMap::single("schema.prisma", text);
    let v = quarry_schema::validate(&sources);
    assert!(
        !v.diagnostics.has_errors(),
        "{}",
        v.diagnostics.render(&sources, quarry_schema::Color::Never)
    );
    v.schema.expect("schema")
}

/// Every example that validates for `dialect` (with its provider swapped when needed).
pub fn examples_for(dialect: Dialect) -> Vec<(String, Schema)> {
    examples()
        .into_iter()
        .filter_map(|(name, text)| parse(&with_provider(&text, dialect)).map(|s| (name, s)))
        .collect()
}

/// The Prisma reference DDL for an example, when recorded.
pub fn prisma_fixture(name: &str, dialect: Dialect) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/prisma")
        .join(format!("{name}.{}.sql", dialect.provider()));
    std::fs::read_to_string(p).ok()
}

/// The examples a live database of `dialect` can run: each example on its own provider, and
/// examples written for another provider when they hold no database-specific SQL
/// (`dbgenerated`). MariaDB lacks MySQL 8's `uuid_to_bin`, so `native_mysql` uses an
/// equivalent that both servers accept.
pub fn runnable_examples(dialect: Dialect) -> Vec<(String, Schema)> {
    examples()
        .into_iter()
        .filter_map(|(name, text)| {
            let own = text.contains(&format!("provider = \"{}\"", dialect.provider()));
            if !own && text.contains("dbgenerated(") {
                return None;
            }
            let text = text.replace(
                "(uuid_to_bin(uuid(), 1))",
                "(unhex(replace(uuid(), '-', '')))",
            );
            parse(&with_provider(&text, dialect)).map(|s| (name, s))
        })
        .collect()
}
