//! Rendering migration steps as SQL, one renderer per dialect.
//!
//! Owns: the SQL text of every step, formatted as Prisma Migrate formats it (so a migration
//! Quarry writes reads like one Prisma wrote). Each dialect implements `SqlRenderer`; adding a
//! dialect means implementing that one trait.
//! Must not know: how steps are computed or executed.

mod mysql;
mod postgres;
mod sqlite;

use crate::database::{
    Column, DatabaseSchema, DefaultValue, Enum, ForeignKey, Index, IndexColumn, SortOrder, Table,
};
use crate::dialect::Dialect;
use crate::steps::{AlterEnum, AlterTable, Migration, RedefineTable, Step};

/// Four spaces, the indentation of Prisma's DDL.
pub(crate) const INDENT: &str = "    ";

/// Renders one dialect's DDL. Every method returns complete statements without the trailing
/// semicolon.
pub(crate) trait SqlRenderer {
    /// The dialect.
    fn dialect(&self) -> Dialect;

    /// A quoted identifier.
    fn quote(&self, ident: &str) -> String {
        self.dialect().quote(ident)
    }

    /// A column's type as written in DDL.
    fn column_type(&self, column: &Column, schema: &DatabaseSchema) -> String;

    /// A default as an SQL expression; `None` when the dialect cannot hold it.
    fn default_expression(&self, column: &Column, schema: &DatabaseSchema) -> Option<String>;

    /// `CREATE TABLE`, named `name` (the table's own name, or a temporary one).
    fn create_table(&self, table: &Table, name: &str, schema: &DatabaseSchema) -> String;

    /// `DROP TABLE`.
    fn drop_table(&self, table: &Table) -> Vec<String>;

    /// `ALTER TABLE`.
    fn alter_table(&self, alter: &AlterTable, migration: &Migration) -> Vec<String>;

    /// SQLite's table redefinition.
    fn redefine_tables(&self, tables: &[RedefineTable], migration: &Migration) -> Vec<String>;

    /// `CREATE INDEX`.
    fn create_index(&self, table: &str, index: &Index) -> String;

    /// `DROP INDEX`.
    fn drop_index(&self, table: &str, index: &Index) -> String;

    /// Renames an index.
    fn rename_index(&self, table: &str, from: &Index, to: &Index) -> Vec<String>;

    /// Adds a foreign key.
    fn add_foreign_key(&self, table: &str, fk: &ForeignKey) -> String;

    /// Drops a foreign key.
    fn drop_foreign_key(&self, table: &str, fk: &ForeignKey) -> String;

    /// Renames a foreign key.
    fn rename_foreign_key(&self, table: &str, from: &str, to: &str) -> String;

    /// `CREATE TYPE ... AS ENUM`.
    fn create_enum(&self, e: &Enum) -> Vec<String>;

    /// Changes an enum's values.
    fn alter_enum(&self, alter: &AlterEnum, migration: &Migration) -> Vec<String>;

    /// `DROP TYPE`.
    fn drop_enum(&self, e: &Enum) -> Vec<String>;

    /// The statements of one step.
    fn step(&self, step: &Step, migration: &Migration) -> Vec<String> {
        match step {
            Step::CreateEnum(e) => self.create_enum(e),
            Step::AlterEnum(a) => self.alter_enum(a, migration),
            Step::DropEnum(e) => self.drop_enum(e),
            Step::CreateTable(t) => vec![self.create_table(t, &t.name, &migration.next)],
            Step::DropTable(t) => self.drop_table(t),
            Step::AlterTable(a) => self.alter_table(a, migration),
            Step::RedefineTables(r) => self.redefine_tables(r, migration),
            Step::CreateIndex { table, index } => vec![self.create_index(table, index)],
            Step::DropIndex { table, index } => vec![self.drop_index(table, index)],
            Step::RenameIndex { table, from, to } => self.rename_index(table, from, to),
            Step::RedefineIndex { table, from, to } => {
                vec![self.drop_index(table, from), self.create_index(table, to)]
            }
            Step::AddForeignKey { table, foreign_key } => {
                vec![self.add_foreign_key(table, foreign_key)]
            }
            Step::DropForeignKey { table, foreign_key } => {
                vec![self.drop_foreign_key(table, foreign_key)]
            }
            Step::RenameForeignKey { table, from, to } => {
                vec![self.rename_foreign_key(table, from, to)]
            }
        }
    }

    /// `"a", "b" DESC` for an index's columns (`with_length`: MySQL prefix lengths).
    fn index_columns(&self, columns: &[IndexColumn], separator: &str) -> String {
        columns
            .iter()
            .map(|c| {
                let mut s = self.quote(&c.name);
                if let Some(len) = c.length {
                    s.push_str(&format!("({len})"));
                }
                if let Some(op) = &c.operator_class {
                    s.push(' ');
                    s.push_str(op);
                }
                match c.sort {
                    Some(SortOrder::Desc) => s.push_str(" DESC"),
                    Some(SortOrder::Asc) => s.push_str(" ASC"),
                    None => {}
                }
                s
            })
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// `CONSTRAINT "name" FOREIGN KEY ("a") REFERENCES "t"("id") ON DELETE .. ON UPDATE ..`.
    fn foreign_key_clause(&self, fk: &ForeignKey, space_before_columns: bool) -> String {
        let cols = |c: &[String]| {
            c.iter()
                .map(|n| self.quote(n))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut s = String::new();
        if let Some(name) = &fk.name {
            s.push_str(&format!("CONSTRAINT {} ", self.quote(name)));
        }
        s.push_str(&format!(
            "FOREIGN KEY ({}) REFERENCES {}{}({}) ON DELETE {} ON UPDATE {}",
            cols(&fk.columns),
            self.quote(&fk.referenced_table),
            if space_before_columns { " " } else { "" },
            cols(&fk.referenced_columns),
            fk.on_delete.sql(),
            fk.on_update.sql()
        ));
        s
    }
}

fn renderer(dialect: Dialect) -> Box<dyn SqlRenderer> {
    match dialect {
        Dialect::Sqlite => Box::new(sqlite::SqliteRenderer),
        Dialect::Postgres => Box::new(postgres::PostgresRenderer),
        Dialect::Mysql => Box::new(mysql::MysqlRenderer),
    }
}

/// One rendered step: its name and its statements (without semicolons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedStep {
    /// `CreateTable`, `AlterTable`, ...
    pub description: &'static str,
    /// The statements.
    pub statements: Vec<String>,
}

/// The statements of every step of `migration`, in the dialect of its target schema.
pub fn render_steps(migration: &Migration) -> Vec<RenderedStep> {
    let r = renderer(migration.next.dialect);
    migration
        .steps
        .iter()
        .map(|s| RenderedStep {
            description: s.description(),
            statements: r
                .step(s, migration)
                .into_iter()
                .filter(|stmt| !stmt.is_empty())
                .collect(),
        })
        .filter(|s| !s.statements.is_empty())
        .collect()
}

/// The migration as an SQL script, formatted like Prisma's `migration.sql`: each step under a
/// `-- StepName` comment, statements ending with `;`, steps separated by a blank line.
pub fn render_script(migration: &Migration) -> String {
    let steps = render_steps(migration);
    if steps.is_empty() {
        return "-- This is an empty migration.\n".to_string();
    }
    steps
        .iter()
        .map(|s| {
            let mut out = format!("-- {}\n", s.description);
            for stmt in &s.statements {
                out.push_str(stmt);
                out.push_str(";\n");
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Formats a DateTime default the way Prisma writes it (`2030-01-01 00:00:00 +00:00`).
pub(crate) fn datetime_literal(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(dt) => dt.to_string(),
        Err(_) => s.to_string(),
    }
}

/// A default that is written into DDL: `dbgenerated()` without an expression is not.
pub(crate) fn renderable_default(column: &Column) -> Option<&DefaultValue> {
    match &column.default {
        Some(DefaultValue::DbGenerated(e)) if e.trim().is_empty() => None,
        other => other.as_ref(),
    }
}
