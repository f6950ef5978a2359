//! The destructive-change lint: what a migration would destroy, and what looks like a rename.
//!
//! Owns: naming the data at risk (dropped tables and columns that hold rows, required columns
//! added to tables that have rows, casts, enum values removed), counted on the live database when
//! one is given, and suggesting renames when a table or column disappears and one of the same
//! shape appears.

use crate::connection::Connection;
use crate::database::{Column, ColumnArity, IndexKind, Table};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::shadow::{count_rows, count_values};
use crate::steps::{Migration, Step, TableChange};

/// What the lint found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lint {
    /// Data that would be lost: needs confirmation (or `--accept-data-loss`).
    pub data_loss: Vec<String>,
    /// Steps that cannot succeed on the current data (e.g. a required column without default
    /// added to a table with rows).
    pub unexecutable: Vec<String>,
    /// Other risks worth reading (casts, new unique constraints, removed enum values).
    pub warnings: Vec<String>,
    /// A table or column disappears while one of the same shape appears: maybe a rename.
    pub rename_hints: Vec<String>,
}

impl Lint {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.data_loss.is_empty()
            && self.unexecutable.is_empty()
            && self.warnings.is_empty()
            && self.rename_hints.is_empty()
    }

    /// The warnings as the comment Prisma puts at the top of `migration.sql`.
    pub fn as_sql_comment(&self) -> String {
        let items: Vec<&String> = self
            .data_loss
            .iter()
            .chain(&self.unexecutable)
            .chain(&self.warnings)
            .collect();
        if items.is_empty() {
            return String::new();
        }
        let mut out = String::from("/*\n  Warnings:\n\n");
        for i in items {
            out.push_str(&format!("  - {i}\n"));
        }
        out.push_str("\n*/\n");
        out
    }
}

/// How much of a table or column holds data: known (counted) or unknown (no database).
#[derive(Debug, Clone, Copy)]
enum Amount {
    Known(i64),
    Unknown,
}

/// Lints `migration`. With `conn` (the database the migration will run on), risks are counted
/// and empty tables are not reported.
pub async fn lint(migration: &Migration, mut conn: Option<&mut Connection>) -> Result<Lint> {
    let mut lint = Lint::default();
    let dialect = migration.next.dialect;
    for step in &migration.steps {
        match step {
            Step::DropTable(t) => match rows(&mut conn, &t.name).await? {
                Amount::Known(0) => {}
                Amount::Known(n) => lint.data_loss.push(format!(
                    "You are about to drop the `{}` table, which is not empty ({n} row{}).",
                    t.name,
                    plural(n)
                )),
                Amount::Unknown => lint.data_loss.push(format!(
                    "You are about to drop the `{}` table. All the data in it will be lost.",
                    t.name
                )),
            },
            Step::AlterTable(a) => {
                for change in &a.changes {
                    match change {
                        TableChange::DropColumn(c) => {
                            dropped_column(&mut lint, &mut conn, &a.table, c).await?;
                        }
                        TableChange::AddColumn(c) => {
                            added_column(&mut lint, &mut conn, &a.table, c).await?;
                        }
                        TableChange::AlterColumn {
                            previous,
                            next,
                            changes,
                        } => {
                            if changes.arity
                                && previous.arity == ColumnArity::Nullable
                                && next.arity == ColumnArity::Required
                            {
                                made_required(&mut lint, &mut conn, &a.table, next).await?;
                            }
                            if changes.type_changed {
                                cast(&mut lint, &mut conn, &a.table, previous, next, dialect)
                                    .await?;
                            }
                        }
                        TableChange::DropAndRecreateColumn { previous, .. } => {
                            match values(&mut conn, &a.table, &previous.name).await? {
                                Amount::Known(0) => {}
                                _ => lint.data_loss.push(format!(
                                    "The `{}` column on the `{}` table would be dropped and \
                                     recreated. This will lead to data loss.",
                                    previous.name, a.table
                                )),
                            }
                        }
                        _ => {}
                    }
                }
                column_rename_hints(&mut lint, dialect, &a.table, &a.changes);
            }
            Step::RedefineTables(tables) => {
                for r in tables {
                    for c in &r.dropped_columns {
                        dropped_column(&mut lint, &mut conn, &r.previous.name, c).await?;
                    }
                    for c in &r.added_columns {
                        added_column(&mut lint, &mut conn, &r.previous.name, c).await?;
                    }
                    for (p, n, ch) in &r.copied_columns {
                        if ch.arity
                            && p.arity == ColumnArity::Nullable
                            && n.arity == ColumnArity::Required
                            && n.default.is_none()
                        {
                            made_required(&mut lint, &mut conn, &r.previous.name, n).await?;
                        }
                        if ch.type_changed {
                            cast(&mut lint, &mut conn, &r.previous.name, p, n, dialect).await?;
                        }
                    }
                    redefinition_rename_hints(&mut lint, r);
                }
            }
            Step::AlterEnum(e) if !e.removed.is_empty() => lint.warnings.push(format!(
                "The values [{}] on the enum `{}` will be removed. If these variants are still \
                 used in the database, this will fail.",
                e.removed.join(","),
                e.previous.name
            )),
            Step::CreateIndex { table, index } if index.kind == IndexKind::Unique => {
                let existing = migration.previous.table(table).is_some();
                if existing {
                    lint.warnings.push(format!(
                        "A unique constraint covering the columns `[{}]` on the table `{}` will \
                         be added. If there are existing duplicate values, this will fail.",
                        index.column_names().join(","),
                        table
                    ));
                }
            }
            _ => {}
        }
    }
    table_rename_hints(&mut lint, migration);
    Ok(lint)
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

async fn rows(conn: &mut Option<&mut Connection>, table: &str) -> Result<Amount> {
    match conn {
        Some(c) => Ok(Amount::Known(count_rows(c, table).await?)),
        None => Ok(Amount::Unknown),
    }
}

async fn values(conn: &mut Option<&mut Connection>, table: &str, column: &str) -> Result<Amount> {
    match conn {
        Some(c) => Ok(Amount::Known(count_values(c, table, column, false).await?)),
        None => Ok(Amount::Unknown),
    }
}

async fn dropped_column(
    lint: &mut Lint,
    conn: &mut Option<&mut Connection>,
    table: &str,
    c: &Column,
) -> Result<()> {
    match values(conn, table, &c.name).await? {
        Amount::Known(0) => {}
        Amount::Known(n) => lint.data_loss.push(format!(
            "You are about to drop the column `{}` on the `{table}` table, which still contains \
             {n} non-null value{}.",
            c.name,
            plural(n)
        )),
        Amount::Unknown => lint.data_loss.push(format!(
            "You are about to drop the column `{}` on the `{table}` table. All the data in the \
             column will be lost.",
            c.name
        )),
    }
    Ok(())
}

async fn added_column(
    lint: &mut Lint,
    conn: &mut Option<&mut Connection>,
    table: &str,
    c: &Column,
) -> Result<()> {
    if c.arity != ColumnArity::Required || c.default.is_some() || c.auto_increment {
        return Ok(());
    }
    match rows(conn, table).await? {
        // Empty here, so the step runs here; but the same migration fails on any database
        // where the table has rows, such as production. Say so, in the terminal and in the
        // migration, instead of passing in silence.
        Amount::Known(0) => lint.warnings.push(format!(
            "Added the required column `{}` to the `{table}` table without a default value. The \
             table is empty here, so this step runs here, but it fails on any database where \
             the table has rows (production): give the column a default, make it optional, or \
             edit the migration (`--create-only`) to add it as optional, fill it, then make it \
             required.",
            c.name
        )),
        Amount::Known(n) => lint.unexecutable.push(format!(
            "Added the required column `{}` to the `{table}` table without a default value. \
             There {} {n} row{} in this table, it is not possible to execute this step.",
            c.name,
            if n == 1 { "is" } else { "are" },
            plural(n)
        )),
        Amount::Unknown => lint.unexecutable.push(format!(
            "Added the required column `{}` to the `{table}` table without a default value. \
             This is not possible if the table is not empty.",
            c.name
        )),
    }
    Ok(())
}

async fn made_required(
    lint: &mut Lint,
    conn: &mut Option<&mut Connection>,
    table: &str,
    c: &Column,
) -> Result<()> {
    let nulls = match conn {
        Some(conn) => Amount::Known(count_values(conn, table, &c.name, true).await?),
        None => Amount::Unknown,
    };
    match nulls {
        Amount::Known(0) => {}
        Amount::Known(n) => lint.unexecutable.push(format!(
            "Made the column `{}` on table `{table}` required, but there {} {n} existing NULL \
             value{}.",
            c.name,
            if n == 1 { "is" } else { "are" },
            plural(n)
        )),
        Amount::Unknown => lint.warnings.push(format!(
            "Made the column `{}` on table `{table}` required. If it holds NULL values, this \
             will fail.",
            c.name
        )),
    }
    Ok(())
}

async fn cast(
    lint: &mut Lint,
    conn: &mut Option<&mut Connection>,
    table: &str,
    prev: &Column,
    next: &Column,
    dialect: Dialect,
) -> Result<()> {
    let describe = |c: &Column| {
        let t = &c.column_type;
        match (&t.family, dialect) {
            (crate::database::TypeFamily::Enum(n), _) => n.clone(),
            _ if t.args.is_empty() => t.name.clone(),
            _ => format!(
                "{}({})",
                t.name,
                t.args
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    };
    match values(conn, table, &prev.name).await? {
        Amount::Known(0) => {}
        Amount::Known(n) => lint.warnings.push(format!(
            "You are about to alter the column `{}` on the `{table}` table, which contains {n} \
             non-null value{}. The data in that column will be cast from `{}` to `{}`.",
            prev.name,
            plural(n),
            describe(prev),
            describe(next)
        )),
        Amount::Unknown => lint.warnings.push(format!(
            "The column `{}` on the `{table}` table changes type from `{}` to `{}`. Existing \
             values are cast; the cast may fail or lose precision.",
            prev.name,
            describe(prev),
            describe(next)
        )),
    }
    Ok(())
}

fn same_shape(a: &Column, b: &Column) -> bool {
    a.column_type == b.column_type && a.arity == b.arity
}

fn column_rename_hints(lint: &mut Lint, dialect: Dialect, table: &str, changes: &[TableChange]) {
    let dropped: Vec<&Column> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::DropColumn(c) => Some(c),
            _ => None,
        })
        .collect();
    let added: Vec<&Column> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddColumn(c) => Some(c),
            _ => None,
        })
        .collect();
    for d in &dropped {
        let candidates: Vec<&&Column> = added.iter().filter(|a| same_shape(d, a)).collect();
        if candidates.len() != 1 {
            continue;
        }
        let a = candidates[0];
        lint.rename_hints.push(format!(
            "The column `{}` of `{table}` is dropped and `{}` of the same type is added: if this \
             is a rename, edit migration.sql to replace the drop and the add with `ALTER TABLE \
             {} RENAME COLUMN {} TO {};` so the data is kept.",
            d.name,
            a.name,
            dialect.quote(table),
            dialect.quote(&d.name),
            dialect.quote(&a.name)
        ));
    }
}

/// In a SQLite redefinition a rename is a change to the row copy: `INSERT INTO "new_T"`.
fn redefinition_rename_hints(lint: &mut Lint, r: &crate::steps::RedefineTable) {
    let d = Dialect::Sqlite;
    for dropped in &r.dropped_columns {
        let candidates: Vec<&Column> = r
            .added_columns
            .iter()
            .filter(|a| same_shape(dropped, a))
            .collect();
        let [added] = candidates.as_slice() else {
            continue;
        };
        let mut targets: Vec<String> = r
            .copied_columns
            .iter()
            .map(|(_, n, _)| d.quote(&n.name))
            .collect();
        let mut sources: Vec<String> = r
            .copied_columns
            .iter()
            .map(|(p, _, _)| d.quote(&p.name))
            .collect();
        targets.push(d.quote(&added.name));
        sources.push(d.quote(&dropped.name));
        lint.rename_hints.push(format!(
            "The column `{}` of `{}` is dropped and `{}` of the same type is added: if this is a \
             rename, edit the row copy in migration.sql to `INSERT INTO {} ({}) SELECT {} FROM {};` \
             so the data is kept.",
            dropped.name,
            r.previous.name,
            added.name,
            d.quote(&format!("new_{}", r.next.name)),
            targets.join(", "),
            sources.join(", "),
            d.quote(&r.previous.name)
        ));
    }
}

fn table_rename_hints(lint: &mut Lint, migration: &Migration) {
    let dialect = migration.next.dialect;
    let dropped: Vec<&Table> = migration
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::DropTable(t) => Some(t),
            _ => None,
        })
        .collect();
    let created: Vec<&Table> = migration
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::CreateTable(t) => Some(t),
            _ => None,
        })
        .collect();
    let shape = |t: &Table| {
        let mut cols: Vec<(String, String, bool)> = t
            .columns
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    format!("{:?}", c.column_type),
                    c.arity == ColumnArity::Required,
                )
            })
            .collect();
        cols.sort();
        cols
    };
    for d in &dropped {
        let candidates: Vec<&&Table> = created.iter().filter(|c| shape(c) == shape(d)).collect();
        if candidates.len() != 1 {
            continue;
        }
        let c = candidates[0];
        lint.rename_hints.push(format!(
            "The table `{}` is dropped and `{}` with the same columns is created: if this is a \
             rename, edit migration.sql to replace both with `ALTER TABLE {} RENAME TO {};` (and \
             rename its indexes and constraints) so the data is kept.",
            d.name,
            c.name,
            dialect.quote(&d.name),
            dialect.quote(&c.name)
        ));
    }
}
