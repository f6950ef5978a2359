//! PostgreSQL DDL.

use super::{datetime_literal, renderable_default, SqlRenderer, INDENT};
use crate::database::{
    Column, ColumnArity, DatabaseSchema, DefaultValue, Enum, ForeignKey, Index, IndexAlgorithm,
    IndexKind, Table, TypeFamily, Value,
};
use crate::dialect::Dialect;
use crate::steps::{AlterEnum, AlterTable, ColumnChanges, Migration, RedefineTable, TableChange};
use crate::util::hex;

pub(crate) struct PostgresRenderer;

/// An `ALTER TABLE`'s clauses, with the statements that must run before and after it.
#[derive(Default)]
struct AlterStatements {
    before: Vec<String>,
    clauses: Vec<String>,
    after: Vec<String>,
}

impl PostgresRenderer {
    /// `"name" TYPE NOT NULL DEFAULT x`, indented like Prisma's.
    fn column(&self, column: &Column, schema: &DatabaseSchema) -> String {
        let mut s = format!(
            "{INDENT}{} {}",
            self.quote(&column.name),
            self.column_type(column, schema)
        );
        if column.arity == ColumnArity::Required {
            s.push_str(" NOT NULL");
        }
        if let Some(d) = self.default_expression(column, schema) {
            s.push_str(" DEFAULT ");
            s.push_str(&d);
        }
        s
    }

    fn base_type(&self, column: &Column) -> String {
        let t = &column.column_type;
        if let TypeFamily::Enum(name) = &t.family {
            return self.quote(name);
        }
        if t.family == TypeFamily::Unsupported {
            return t.name.clone();
        }
        let name = match (t.name.as_str(), column.auto_increment) {
            ("INTEGER", true) => "SERIAL",
            ("SMALLINT", true) => "SMALLSERIAL",
            ("BIGINT", true) => "BIGSERIAL",
            (n, _) => n,
        };
        if t.args.is_empty() {
            name.to_string()
        } else {
            let args: Vec<String> = t.args.iter().map(u32::to_string).collect();
            format!("{name}({})", args.join(","))
        }
    }

    fn value(&self, v: &Value, full_type: &str) -> String {
        let d = Dialect::Postgres;
        match v {
            Value::String(s) | Value::Enum(s) | Value::Json(s) => d.string_literal(s),
            Value::DateTime(s) => d.string_literal(&datetime_literal(s)),
            Value::Bytes(b) => format!("'\\x{}'", hex(b)),
            Value::Int(i) => i.to_string(),
            Value::Number(n) => n.clone(),
            Value::Boolean(b) => b.to_string(),
            Value::List(items) => format!(
                "ARRAY[{}]::{full_type}",
                items
                    .iter()
                    .map(|i| self.value(i, full_type))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn alter_column(
        &self,
        table: &str,
        (prev, next, changes): (&Column, &Column, ColumnChanges),
        schema: &DatabaseSchema,
        out: &mut AlterStatements,
    ) {
        let AlterStatements {
            before,
            clauses,
            after,
        } = out;
        let prefix = format!("ALTER COLUMN {}", self.quote(&prev.name));
        let mut set_type = changes.type_changed;
        if changes.arity {
            match (prev.arity, next.arity) {
                (ColumnArity::Required, ColumnArity::Nullable) => {
                    clauses.push(format!("{prefix} DROP NOT NULL"));
                }
                (ColumnArity::Nullable, ColumnArity::Required) => {
                    clauses.push(format!("{prefix} SET NOT NULL"));
                }
                (ColumnArity::List, ColumnArity::Nullable) => {
                    set_type = true;
                    clauses.push(format!("{prefix} DROP NOT NULL"));
                }
                (ColumnArity::List, ColumnArity::Required) => {
                    set_type = true;
                    clauses.push(format!("{prefix} SET NOT NULL"));
                }
                _ => set_type = true,
            }
        }
        if changes.default {
            match self.default_expression(next, schema) {
                Some(d) => clauses.push(format!("{prefix} SET DEFAULT {d}")),
                None => clauses.push(format!("{prefix} DROP DEFAULT")),
            }
        }
        if changes.autoincrement {
            if prev.auto_increment {
                clauses.push(format!("{prefix} DROP DEFAULT"));
            } else {
                let sequence = format!("{}_{}_seq", table, next.name).to_lowercase();
                before.push(format!("CREATE SEQUENCE {}", self.quote(&sequence)));
                clauses.push(format!(
                    "{prefix} SET DEFAULT nextval({})",
                    Dialect::Postgres.string_literal(&self.quote(&sequence))
                ));
                after.push(format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    self.quote(&sequence),
                    self.quote(table),
                    self.quote(&next.name)
                ));
            }
        }
        if set_type {
            let mut plain = next.clone();
            plain.auto_increment = false;
            clauses.push(format!(
                "{prefix} SET DATA TYPE {}",
                self.column_type(&plain, schema)
            ));
        }
    }
}

impl SqlRenderer for PostgresRenderer {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn column_type(&self, column: &Column, _schema: &DatabaseSchema) -> String {
        let base = self.base_type(column);
        if column.arity == ColumnArity::List {
            format!("{base}[]")
        } else {
            base
        }
    }

    fn default_expression(&self, column: &Column, schema: &DatabaseSchema) -> Option<String> {
        Some(match renderable_default(column)? {
            DefaultValue::Now => "CURRENT_TIMESTAMP".to_string(),
            DefaultValue::DbGenerated(e) => e.clone(),
            DefaultValue::Value(v) => {
                let mut plain = column.clone();
                plain.auto_increment = false;
                self.value(v, &self.column_type(&plain, schema))
            }
        })
    }

    fn create_table(&self, table: &Table, name: &str, schema: &DatabaseSchema) -> String {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| self.column(c, schema))
            .collect();
        let pk = match &table.primary_key {
            Some(pk) => {
                let named = pk
                    .name
                    .as_ref()
                    .map(|n| format!("CONSTRAINT {} ", self.quote(n)))
                    .unwrap_or_default();
                let cols: Vec<String> = pk.columns.iter().map(|c| self.quote(&c.name)).collect();
                format!(",\n\n{INDENT}{named}PRIMARY KEY ({})", cols.join(","))
            }
            None => String::new(),
        };
        format!(
            "CREATE TABLE {} (\n{}{pk}\n)",
            self.quote(name),
            columns.join(",\n")
        )
    }

    fn drop_table(&self, table: &Table) -> Vec<String> {
        vec![format!("DROP TABLE {}", self.quote(&table.name))]
    }

    fn alter_table(&self, alter: &AlterTable, migration: &Migration) -> Vec<String> {
        let table = &alter.table;
        let schema = &migration.next;
        let mut out = AlterStatements::default();
        for change in &alter.changes {
            match change {
                TableChange::DropPrimaryKey { name } => {
                    let name = name.clone().unwrap_or_else(|| format!("{table}_pkey"));
                    out.clauses
                        .push(format!("DROP CONSTRAINT {}", self.quote(&name)));
                }
                TableChange::RenamePrimaryKey { from, to } => out.clauses.push(format!(
                    "RENAME CONSTRAINT {} TO {}",
                    self.quote(from),
                    self.quote(to)
                )),
                TableChange::DropColumn(c) => {
                    out.clauses
                        .push(format!("DROP COLUMN {}", self.quote(&c.name)));
                }
                TableChange::AddColumn(c) => {
                    out.clauses
                        .push(format!("ADD COLUMN {}", self.column(c, schema)));
                }
                TableChange::AlterColumn {
                    previous,
                    next,
                    changes,
                } => self.alter_column(table, (previous, next, *changes), schema, &mut out),
                TableChange::DropAndRecreateColumn { previous, next } => {
                    out.clauses
                        .push(format!("DROP COLUMN {}", self.quote(&previous.name)));
                    out.clauses
                        .push(format!("ADD COLUMN {}", self.column(next, schema)));
                }
                TableChange::AddPrimaryKey(pk) => {
                    let named = pk
                        .name
                        .as_ref()
                        .map(|n| format!("CONSTRAINT {} ", self.quote(n)))
                        .unwrap_or_default();
                    let cols: Vec<String> =
                        pk.columns.iter().map(|c| self.quote(&c.name)).collect();
                    out.clauses
                        .push(format!("ADD {named}PRIMARY KEY ({})", cols.join(", ")));
                }
            }
        }
        let mut statements = out.before;
        if !out.clauses.is_empty() {
            statements.push(format!(
                "ALTER TABLE {} {}",
                self.quote(table),
                out.clauses.join(",\n")
            ));
        }
        statements.extend(out.after);
        statements
    }

    fn redefine_tables(&self, _tables: &[RedefineTable], _migration: &Migration) -> Vec<String> {
        // PostgreSQL alters tables in place; the differ never redefines them.
        Vec::new()
    }

    fn create_index(&self, table: &str, index: &Index) -> String {
        let unique = if index.kind == IndexKind::Unique {
            "UNIQUE "
        } else {
            ""
        };
        let using = match index.effective_algorithm() {
            IndexAlgorithm::BTree => String::new(),
            other => format!(" USING {} ", other.sql_name()),
        };
        format!(
            "CREATE {unique}INDEX {} ON {}{using}({})",
            self.quote(&index.name),
            self.quote(table),
            self.index_columns(&index.columns, ", ")
        )
    }

    fn drop_index(&self, _table: &str, index: &Index) -> String {
        format!("DROP INDEX {}", self.quote(&index.name))
    }

    fn rename_index(&self, _table: &str, from: &Index, to: &Index) -> Vec<String> {
        vec![format!(
            "ALTER INDEX {} RENAME TO {}",
            self.quote(&from.name),
            self.quote(&to.name)
        )]
    }

    fn add_foreign_key(&self, table: &str, fk: &ForeignKey) -> String {
        format!(
            "ALTER TABLE {} ADD {}",
            self.quote(table),
            self.foreign_key_clause(fk, false)
        )
    }

    fn drop_foreign_key(&self, table: &str, fk: &ForeignKey) -> String {
        let name = fk.name.clone().unwrap_or_default();
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.quote(table),
            self.quote(&name)
        )
    }

    fn rename_foreign_key(&self, table: &str, from: &str, to: &str) -> String {
        format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            self.quote(table),
            self.quote(from),
            self.quote(to)
        )
    }

    fn create_enum(&self, e: &Enum) -> Vec<String> {
        let values: Vec<String> = e
            .values
            .iter()
            .map(|v| Dialect::Postgres.string_literal(v))
            .collect();
        vec![format!(
            "CREATE TYPE {} AS ENUM ({})",
            self.quote(&e.name),
            values.join(", ")
        )]
    }

    fn alter_enum(&self, alter: &AlterEnum, migration: &Migration) -> Vec<String> {
        let name = self.quote(&alter.previous.name);
        if alter.removed.is_empty() {
            let mut stmts: Vec<String> = alter
                .added
                .iter()
                .map(|v| {
                    format!(
                        "ALTER TYPE {name} ADD VALUE {}",
                        Dialect::Postgres.string_literal(v)
                    )
                })
                .collect();
            if stmts.len() > 1 {
                stmts[0] = format!(
                    "-- This migration adds more than one value to an enum.\n\
                     -- With PostgreSQL versions 11 and earlier, this is not possible\n\
                     -- in a single migration. This can be worked around by creating\n\
                     -- multiple migrations, each migration adding only one value to\n\
                     -- the enum.\n\n\n{}",
                    stmts[0]
                );
            }
            return stmts;
        }
        // Values cannot be removed from a PostgreSQL enum: build a new type, move every column
        // over to it, and swap the names.
        let new_name = format!("{}_new", alter.next.name);
        let old_name = format!("{}_old", alter.previous.name);
        let values: Vec<String> = alter
            .next
            .values
            .iter()
            .map(|v| Dialect::Postgres.string_literal(v))
            .collect();
        let mut stmts = vec![format!(
            "CREATE TYPE {} AS ENUM ({})",
            self.quote(&new_name),
            values.join(", ")
        )];
        let users: Vec<(&Table, &Column)> = migration
            .previous
            .tables
            .iter()
            .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
            .filter(|(_, c)| c.column_type.family == TypeFamily::Enum(alter.previous.name.clone()))
            .collect();
        for (t, c) in &users {
            if c.default.is_some() {
                stmts.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                    self.quote(&t.name),
                    self.quote(&c.name)
                ));
            }
        }
        for (t, c) in &users {
            let array = if c.arity == ColumnArity::List {
                "[]"
            } else {
                ""
            };
            stmts.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {col} TYPE {new}{array} USING ({col}::text::{new}{array})",
                table = self.quote(&t.name),
                col = self.quote(&c.name),
                new = self.quote(&new_name),
            ));
        }
        stmts.push(format!(
            "ALTER TYPE {name} RENAME TO {}",
            self.quote(&old_name)
        ));
        stmts.push(format!(
            "ALTER TYPE {} RENAME TO {}",
            self.quote(&new_name),
            self.quote(&alter.next.name)
        ));
        stmts.push(format!("DROP TYPE {}", self.quote(&old_name)));
        for (t, c) in &users {
            if c.default.is_none() {
                continue;
            }
            let Some(next_col) = migration
                .next
                .table(&t.name)
                .and_then(|nt| nt.column(&c.name))
            else {
                continue;
            };
            if let Some(d) = self.default_expression(next_col, &migration.next) {
                stmts.push(format!(
                    "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {d}",
                    self.quote(&t.name),
                    self.quote(&c.name)
                ));
            }
        }
        stmts
    }

    fn drop_enum(&self, e: &Enum) -> Vec<String> {
        vec![format!("DROP TYPE {}", self.quote(&e.name))]
    }
}
