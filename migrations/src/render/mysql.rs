//! MySQL and MariaDB DDL.
//!
//! Indexes are declared inside `CREATE TABLE`; enums are column types; every table is InnoDB
//! with `utf8mb4` and `utf8mb4_unicode_ci`, as Prisma creates them.

use super::{datetime_literal, renderable_default, SqlRenderer, INDENT};
use crate::database::{
    Column, ColumnArity, DatabaseSchema, DefaultValue, Enum, ForeignKey, Index, IndexKind, Table,
    TypeFamily, Value,
};
use crate::dialect::Dialect;
use crate::steps::{AlterEnum, AlterTable, Migration, RedefineTable, TableChange};

pub(crate) struct MysqlRenderer;

impl MysqlRenderer {
    fn column(&self, column: &Column, schema: &DatabaseSchema) -> String {
        let mut s = format!(
            "{} {}",
            self.quote(&column.name),
            self.column_type(column, schema)
        );
        s.push_str(if column.arity == ColumnArity::Required {
            " NOT NULL"
        } else {
            " NULL"
        });
        if column.auto_increment {
            s.push_str(" AUTO_INCREMENT");
        }
        if let Some(d) = self.default_expression(column, schema) {
            s.push_str(" DEFAULT ");
            s.push_str(&d);
        }
        s
    }

    fn modify(&self, column: &Column, schema: &DatabaseSchema) -> String {
        let mut s = format!(
            "MODIFY {} {}",
            self.quote(&column.name),
            self.column_type(column, schema)
        );
        s.push_str(if column.arity == ColumnArity::Required {
            " NOT NULL"
        } else {
            " NULL"
        });
        if let Some(d) = self.default_expression(column, schema) {
            s.push_str(" DEFAULT ");
            s.push_str(&d);
        }
        if column.auto_increment {
            s.push_str(" AUTO_INCREMENT");
        }
        s
    }

    fn index_clause(&self, index: &Index) -> String {
        let kind = match index.kind {
            IndexKind::Unique => "UNIQUE ",
            IndexKind::Fulltext => "FULLTEXT ",
            IndexKind::Normal => "",
        };
        format!(
            "{kind}INDEX {}({})",
            self.quote(&index.name),
            self.index_columns(&index.columns, ", ")
        )
    }

    fn value(&self, v: &Value) -> Option<String> {
        let d = Dialect::Mysql;
        Some(match v {
            Value::String(s) | Value::Enum(s) => d.string_literal(s),
            Value::DateTime(s) => d.string_literal(&datetime_literal_mysql(s)),
            Value::Int(i) => i.to_string(),
            Value::Number(n) => n.clone(),
            Value::Boolean(b) => b.to_string(),
            Value::Json(_) | Value::Bytes(_) | Value::List(_) => return None,
        })
    }
}

/// MySQL wants `YYYY-MM-DD HH:MM:SS[.fff]` in UTC for DATETIME defaults.
fn datetime_literal_mysql(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(dt) => dt
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string(),
        Err(_) => datetime_literal(s),
    }
}

impl SqlRenderer for MysqlRenderer {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn column_type(&self, column: &Column, schema: &DatabaseSchema) -> String {
        let t = &column.column_type;
        match &t.family {
            TypeFamily::Enum(_) => {
                let values: Vec<String> = schema
                    .enum_values(column)
                    .unwrap_or_default()
                    .iter()
                    .map(|v| Dialect::Mysql.string_literal(v))
                    .collect();
                format!("ENUM({})", values.join(", "))
            }
            TypeFamily::Unsupported => t.name.clone(),
            _ if t.args.is_empty() => t.name.clone(),
            _ => {
                let args: Vec<String> = t.args.iter().map(u32::to_string).collect();
                format!("{}({})", t.name, args.join(", "))
            }
        }
    }

    fn default_expression(&self, column: &Column, _schema: &DatabaseSchema) -> Option<String> {
        let family = &column.column_type.family;
        match renderable_default(column)? {
            DefaultValue::DbGenerated(e) => Some(e.clone()),
            // MySQL has no literal defaults for JSON and BLOB columns.
            DefaultValue::Value(_) if matches!(family, TypeFamily::Json | TypeFamily::Binary) => {
                None
            }
            DefaultValue::Value(v) => self.value(v),
            DefaultValue::Now => {
                let precision = match column.column_type.name.as_str() {
                    "DATETIME" | "TIMESTAMP" => column.column_type.args.first().copied(),
                    _ => None,
                }
                .unwrap_or(3);
                Some(format!("CURRENT_TIMESTAMP({precision})"))
            }
        }
    }

    fn create_table(&self, table: &Table, name: &str, schema: &DatabaseSchema) -> String {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("{INDENT}{}", self.column(c, schema)))
            .collect();
        let mut constraints: Vec<String> = table
            .indexes
            .iter()
            .map(|i| format!("{INDENT}{}", self.index_clause(i)))
            .collect();
        if let Some(pk) = &table.primary_key {
            constraints.push(format!(
                "{INDENT}PRIMARY KEY ({})",
                self.index_columns(&pk.columns, ", ")
            ));
        }
        let mut body = columns.join(",\n");
        if !constraints.is_empty() {
            body.push_str(",\n\n");
            body.push_str(&constraints.join(",\n"));
        }
        format!(
            "CREATE TABLE {} (\n{body}\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            self.quote(name)
        )
    }

    fn drop_table(&self, table: &Table) -> Vec<String> {
        vec![format!("DROP TABLE {}", self.quote(&table.name))]
    }

    fn alter_table(&self, alter: &AlterTable, migration: &Migration) -> Vec<String> {
        let schema = &migration.next;
        let mut clauses = Vec::new();
        for change in &alter.changes {
            match change {
                TableChange::DropPrimaryKey { .. } => clauses.push("DROP PRIMARY KEY".to_string()),
                TableChange::RenamePrimaryKey { .. } => {}
                TableChange::DropColumn(c) => {
                    clauses.push(format!("DROP COLUMN {}", self.quote(&c.name)));
                }
                TableChange::AddColumn(c) => {
                    clauses.push(format!("ADD COLUMN {}", self.column(c, schema)));
                }
                TableChange::AlterColumn { next, changes, .. } => {
                    let only_default = changes.default
                        && !changes.arity
                        && !changes.type_changed
                        && !changes.autoincrement;
                    if only_default && self.default_expression(next, schema).is_none() {
                        clauses.push(format!(
                            "ALTER COLUMN {} DROP DEFAULT",
                            self.quote(&next.name)
                        ));
                    } else {
                        clauses.push(self.modify(next, schema));
                    }
                }
                TableChange::DropAndRecreateColumn { previous, next } => {
                    clauses.push(format!("DROP COLUMN {}", self.quote(&previous.name)));
                    clauses.push(format!("ADD COLUMN {}", self.column(next, schema)));
                }
                TableChange::AddPrimaryKey(pk) => clauses.push(format!(
                    "ADD PRIMARY KEY ({})",
                    self.index_columns(&pk.columns, ", ")
                )),
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "ALTER TABLE {} {}",
            self.quote(&alter.table),
            clauses.join(",\n    ")
        )]
    }

    fn redefine_tables(&self, _tables: &[RedefineTable], _migration: &Migration) -> Vec<String> {
        Vec::new()
    }

    fn create_index(&self, table: &str, index: &Index) -> String {
        let kind = match index.kind {
            IndexKind::Unique => "UNIQUE ",
            IndexKind::Fulltext => "FULLTEXT ",
            IndexKind::Normal => "",
        };
        format!(
            "CREATE {kind}INDEX {} ON {}({})",
            self.quote(&index.name),
            self.quote(table),
            self.index_columns(&index.columns, ", ")
        )
    }

    fn drop_index(&self, table: &str, index: &Index) -> String {
        format!(
            "DROP INDEX {} ON {}",
            self.quote(&index.name),
            self.quote(table)
        )
    }

    fn rename_index(&self, table: &str, from: &Index, to: &Index) -> Vec<String> {
        vec![format!(
            "ALTER TABLE {} RENAME INDEX {} TO {}",
            self.quote(table),
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
        format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}",
            self.quote(table),
            self.quote(fk.name.as_deref().unwrap_or_default())
        )
    }

    fn rename_foreign_key(&self, _table: &str, _from: &str, _to: &str) -> String {
        String::new()
    }

    fn create_enum(&self, _e: &Enum) -> Vec<String> {
        Vec::new()
    }

    fn alter_enum(&self, _alter: &AlterEnum, _migration: &Migration) -> Vec<String> {
        Vec::new()
    }

    fn drop_enum(&self, _e: &Enum) -> Vec<String> {
        Vec::new()
    }
}
