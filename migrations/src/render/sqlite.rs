//! SQLite DDL.
//!
//! SQLite's `ALTER TABLE` only adds and renames, so every other change to an existing table is a
//! redefinition: create `new_T`, copy the rows, drop `T`, rename `new_T` to `T`, recreate the
//! indexes, with foreign keys deferred and off around it.

use super::{datetime_literal, renderable_default, SqlRenderer, INDENT};
use crate::database::{Column, ColumnArity, DatabaseSchema, DefaultValue, Table, Value};
use crate::dialect::Dialect;
use crate::steps::{AlterEnum, AlterTable, Migration, RedefineTable, TableChange};
use crate::util::hex;

pub(crate) struct SqliteRenderer;

impl SqliteRenderer {
    fn column(&self, column: &Column, table: &Table, schema: &DatabaseSchema) -> String {
        let mut s = format!(
            "{} {}",
            self.quote(&column.name),
            self.column_type(column, schema)
        );
        if column.arity != ColumnArity::Nullable {
            s.push_str(" NOT NULL");
        }
        if table.is_single_primary_key(&column.name) {
            s.push_str(" PRIMARY KEY");
            if column.auto_increment {
                s.push_str(" AUTOINCREMENT");
            }
        }
        if let Some(d) = self.default_expression(column, schema) {
            s.push_str(" DEFAULT ");
            s.push_str(&d);
        }
        s
    }

    fn value(&self, v: &Value) -> String {
        let d = Dialect::Sqlite;
        match v {
            Value::String(s) | Value::Enum(s) | Value::Json(s) => d.string_literal(s),
            Value::DateTime(s) => d.string_literal(&datetime_literal(s)),
            Value::Bytes(b) => d.string_literal(&hex(b)),
            Value::Int(i) => i.to_string(),
            Value::Number(n) => n.clone(),
            Value::Boolean(b) => b.to_string(),
            Value::List(items) => format!(
                "'[{}]'",
                items
                    .iter()
                    .map(|i| self.value(i))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    fn copy_rows(&self, r: &RedefineTable, temporary: &str, schema: &DatabaseSchema) -> String {
        let targets: Vec<String> = r
            .copied_columns
            .iter()
            .map(|(_, n, _)| self.quote(&n.name))
            .collect();
        let sources: Vec<String> = r
            .copied_columns
            .iter()
            .map(|(p, n, changes)| {
                let became_required = changes.arity && n.arity == ColumnArity::Required;
                match (became_required, self.default_expression(n, schema)) {
                    (true, Some(default)) => format!(
                        "coalesce({col}, {default}) AS {col}",
                        col = self.quote(&p.name)
                    ),
                    _ => self.quote(&p.name),
                }
            })
            .collect();
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            self.quote(temporary),
            targets.join(", "),
            sources.join(", "),
            self.quote(&r.previous.name)
        )
    }
}

impl SqlRenderer for SqliteRenderer {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn column_type(&self, column: &Column, _schema: &DatabaseSchema) -> String {
        column.column_type.name.clone()
    }

    fn default_expression(&self, column: &Column, _schema: &DatabaseSchema) -> Option<String> {
        Some(match renderable_default(column)? {
            DefaultValue::Now => "CURRENT_TIMESTAMP".to_string(),
            DefaultValue::DbGenerated(e) => e.clone(),
            DefaultValue::Value(v) => self.value(v),
        })
    }

    fn create_table(&self, table: &Table, name: &str, schema: &DatabaseSchema) -> String {
        let parts: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("{INDENT}{}", self.column(c, table, schema)))
            .collect();
        let mut body = parts.join(",\n");
        if let Some(pk) = &table.primary_key {
            if pk.columns.len() != 1 {
                body.push_str(&format!(
                    ",\n\n{INDENT}PRIMARY KEY ({})",
                    self.index_columns(&pk.columns, ", ")
                ));
            }
        }
        for fk in &table.foreign_keys {
            body.push_str(&format!(",\n{INDENT}{}", self.foreign_key_clause(fk, true)));
        }
        format!("CREATE TABLE {} (\n{body}\n)", self.quote(name))
    }

    fn drop_table(&self, table: &Table) -> Vec<String> {
        vec![
            "PRAGMA foreign_keys=off".to_string(),
            format!("DROP TABLE {}", self.quote(&table.name)),
            "PRAGMA foreign_keys=on".to_string(),
        ]
    }

    fn alter_table(&self, alter: &AlterTable, migration: &Migration) -> Vec<String> {
        let Some(table) = migration.next.table(&alter.table) else {
            return Vec::new();
        };
        alter
            .changes
            .iter()
            .filter_map(|change| match change {
                TableChange::AddColumn(c) => Some(format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    self.quote(&alter.table),
                    self.column(c, table, &migration.next)
                )),
                // The differ redefines the table for every other change.
                _ => None,
            })
            .collect()
    }

    fn redefine_tables(&self, tables: &[RedefineTable], migration: &Migration) -> Vec<String> {
        let mut out = vec![
            "PRAGMA defer_foreign_keys=ON".to_string(),
            "PRAGMA foreign_keys=OFF".to_string(),
        ];
        for r in tables {
            let temporary = format!("new_{}", r.next.name);
            out.push(self.create_table(&r.next, &temporary, &migration.next));
            if !r.copied_columns.is_empty() {
                out.push(self.copy_rows(r, &temporary, &migration.next));
            }
            out.push(format!("DROP TABLE {}", self.quote(&r.previous.name)));
            out.push(format!(
                "ALTER TABLE {} RENAME TO {}",
                self.quote(&temporary),
                self.quote(&r.next.name)
            ));
            for index in &r.next.indexes {
                out.push(self.create_index(&r.next.name, index));
            }
        }
        out.push("PRAGMA foreign_keys=ON".to_string());
        out.push("PRAGMA defer_foreign_keys=OFF".to_string());
        out
    }

    fn create_index(&self, table: &str, index: &crate::database::Index) -> String {
        let unique = if index.kind == crate::database::IndexKind::Unique {
            "UNIQUE "
        } else {
            ""
        };
        format!(
            "CREATE {unique}INDEX {} ON {}({})",
            self.quote(&index.name),
            self.quote(table),
            self.index_columns(&index.columns, ", ")
        )
    }

    fn drop_index(&self, _table: &str, index: &crate::database::Index) -> String {
        format!("DROP INDEX {}", self.quote(&index.name))
    }

    fn rename_index(
        &self,
        table: &str,
        from: &crate::database::Index,
        to: &crate::database::Index,
    ) -> Vec<String> {
        vec![self.drop_index(table, from), self.create_index(table, to)]
    }

    fn add_foreign_key(&self, _table: &str, _fk: &crate::database::ForeignKey) -> String {
        // Foreign keys are part of CREATE TABLE on SQLite; the differ never asks for this.
        String::new()
    }

    fn drop_foreign_key(&self, _table: &str, _fk: &crate::database::ForeignKey) -> String {
        String::new()
    }

    fn rename_foreign_key(&self, _table: &str, _from: &str, _to: &str) -> String {
        String::new()
    }

    fn create_enum(&self, _e: &crate::database::Enum) -> Vec<String> {
        Vec::new()
    }

    fn alter_enum(&self, _alter: &AlterEnum, _migration: &Migration) -> Vec<String> {
        Vec::new()
    }

    fn drop_enum(&self, _e: &crate::database::Enum) -> Vec<String> {
        Vec::new()
    }
}
