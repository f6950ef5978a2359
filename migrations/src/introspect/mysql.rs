//! MySQL and MariaDB: `information_schema` queries over the connection's database.
//!
//! The two servers report defaults differently: MariaDB quotes string literals and writes
//! expressions as they are (`'en'`, `current_timestamp(3)`); MySQL 8 leaves literals unquoted
//! and marks expressions `DEFAULT_GENERATED`. MariaDB stores `JSON` as `LONGTEXT` with a
//! `json_valid` check, which is read back as JSON.

use super::{constant_default, is_number, leading_string_literal, HISTORY_TABLES};
use crate::compare::is_now_expression;
use crate::connection::{Cell, Connection};
use crate::database::{
    Column, ColumnArity, ColumnType, DatabaseSchema, DefaultValue, Enum, ForeignKey,
    ForeignKeyAction, Index, IndexColumn, IndexKind, PrimaryKey, SortOrder, Table, TypeFamily,
};
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};

const TABLES: &str = "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

const COLUMNS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
    CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), \
    CAST(EXTRA AS CHAR) \
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
    ORDER BY TABLE_NAME, ORDINAL_POSITION";

const INDEXES: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
    CAST(NON_UNIQUE AS SIGNED), CAST(COLUMN_NAME AS CHAR), CAST(SUB_PART AS SIGNED), \
    CAST(COLLATION AS CHAR), CAST(INDEX_TYPE AS CHAR) \
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
    ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str =
    "SELECT CAST(kcu.TABLE_NAME AS CHAR), CAST(kcu.CONSTRAINT_NAME AS CHAR), \
    CAST(kcu.COLUMN_NAME AS CHAR), CAST(kcu.REFERENCED_TABLE_NAME AS CHAR), \
    CAST(kcu.REFERENCED_COLUMN_NAME AS CHAR), CAST(rc.DELETE_RULE AS CHAR), \
    CAST(rc.UPDATE_RULE AS CHAR) \
    FROM information_schema.KEY_COLUMN_USAGE kcu \
    JOIN information_schema.REFERENTIAL_CONSTRAINTS rc \
    ON rc.CONSTRAINT_SCHEMA = kcu.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = kcu.CONSTRAINT_NAME \
    AND rc.TABLE_NAME = kcu.TABLE_NAME \
    WHERE kcu.TABLE_SCHEMA = DATABASE() AND kcu.REFERENCED_TABLE_NAME IS NOT NULL \
    ORDER BY kcu.TABLE_NAME, kcu.CONSTRAINT_NAME, kcu.ORDINAL_POSITION";

const JSON_CHECKS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR) \
    FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

async fn rows(conn: &mut Connection, sql: &str, what: &str) -> Result<Vec<Vec<Cell>>> {
    conn.query(sql, &[])
        .await
        .map_err(MigrateError::db(format!("Could not read the {what}")))
}

pub(super) async fn introspect(conn: &mut Connection) -> Result<DatabaseSchema> {
    let version = rows(conn, "SELECT CAST(VERSION() AS CHAR)", "server version").await?;
    let mariadb = version
        .first()
        .and_then(|r| r.first())
        .is_some_and(|v| v.string().to_ascii_lowercase().contains("mariadb"));
    let mut schema = DatabaseSchema::empty(Dialect::Mysql);
    for row in rows(conn, TABLES, "tables").await? {
        let name = row[0].string();
        if !HISTORY_TABLES.contains(&name.as_str()) {
            schema.tables.push(Table::new(name));
        }
    }
    let json_columns: Vec<(String, String)> = if mariadb {
        rows(conn, JSON_CHECKS, "check constraints")
            .await?
            .into_iter()
            .filter_map(|r| {
                let clause = r[1].string();
                let col = clause
                    .strip_prefix("json_valid(`")?
                    .strip_suffix("`)")?
                    .to_string();
                Some((r[0].string(), col))
            })
            .collect()
    } else {
        Vec::new()
    };
    for row in rows(conn, COLUMNS, "columns").await? {
        let table_name = row[0].string();
        let Some(table) = schema.tables.iter_mut().find(|t| t.name == table_name) else {
            continue;
        };
        let name = row[1].string();
        let is_json = json_columns
            .iter()
            .any(|(t, c)| *t == table_name && *c == name);
        let (column_type, enum_values) = column_type(&row[2].string(), is_json);
        if let Some(values) = enum_values {
            schema.enums.push(Enum {
                name: format!("{table_name}_{name}"),
                values,
            });
        }
        let column_type = match column_type.family {
            TypeFamily::Enum(_) => {
                ColumnType::simple(TypeFamily::Enum(format!("{table_name}_{name}")), "ENUM")
            }
            _ => column_type,
        };
        let extra = row[5].string().to_ascii_lowercase();
        let default = match &row[4] {
            Cell::Null => None,
            c => parse_default(
                &c.string(),
                &column_type.family,
                mariadb,
                extra.contains("default_generated"),
            ),
        };
        table.columns.push(Column {
            name,
            column_type,
            arity: if row[3].string() == "YES" {
                ColumnArity::Nullable
            } else {
                ColumnArity::Required
            },
            default,
            auto_increment: extra.contains("auto_increment"),
        });
    }
    read_foreign_keys(conn, &mut schema).await?;
    read_indexes(conn, &mut schema).await?;
    Ok(schema)
}

/// `int(10) unsigned`, `varchar(191)`, `enum('A','B')` -> canonical type (and enum values).
fn column_type(raw: &str, is_json: bool) -> (ColumnType, Option<Vec<String>>) {
    let lower = raw.trim().to_ascii_lowercase();
    if is_json {
        return (ColumnType::simple(TypeFamily::Json, "JSON"), None);
    }
    if lower.starts_with("enum(") {
        let trimmed = raw.trim();
        let inner = trimmed
            .get(5..trimmed.len().saturating_sub(1))
            .unwrap_or("");
        let mut values = Vec::new();
        let mut rest = inner.trim();
        while let Some((v, after)) = leading_string_literal(rest) {
            values.push(v);
            rest = after.trim_start().trim_start_matches(',').trim_start();
        }
        return (
            ColumnType::simple(TypeFamily::Enum(String::new()), "ENUM"),
            Some(values),
        );
    }
    let unsigned = lower.contains("unsigned");
    let base = lower
        .replace("unsigned", "")
        .replace("zerofill", "")
        .trim()
        .to_string();
    let (head, args): (&str, Vec<u32>) = match base.find('(') {
        Some(open) => (
            base[..open].trim(),
            base[open + 1..base.rfind(')').unwrap_or(base.len())]
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect(),
        ),
        None => (base.as_str(), Vec::new()),
    };
    let int = |name: &str, family: TypeFamily| {
        let name = if unsigned {
            format!("{name} UNSIGNED")
        } else {
            name.to_string()
        };
        ColumnType::simple(family, &name)
    };
    let t = match head {
        "tinyint" if args == [1] && !unsigned => ColumnType::simple(TypeFamily::Boolean, "BOOLEAN"),
        "int" | "integer" => int("INTEGER", TypeFamily::Int),
        "smallint" => int("SMALLINT", TypeFamily::Int),
        "tinyint" => int("TINYINT", TypeFamily::Int),
        "mediumint" => int("MEDIUMINT", TypeFamily::Int),
        "bigint" => int("BIGINT", TypeFamily::BigInt),
        "year" => ColumnType::simple(TypeFamily::Int, "YEAR"),
        "decimal" | "numeric" => ColumnType::with_args(TypeFamily::Decimal, "DECIMAL", args),
        "float" => ColumnType::simple(TypeFamily::Float, "FLOAT"),
        "double" => ColumnType::simple(TypeFamily::Float, "DOUBLE"),
        "bit" => ColumnType::with_args(
            if args == [1] {
                TypeFamily::Boolean
            } else {
                TypeFamily::Binary
            },
            "BIT",
            args,
        ),
        "char" => ColumnType::with_args(TypeFamily::String, "CHAR", args),
        "varchar" => ColumnType::with_args(TypeFamily::String, "VARCHAR", args),
        "tinytext" => ColumnType::simple(TypeFamily::String, "TINYTEXT"),
        "text" => ColumnType::simple(TypeFamily::String, "TEXT"),
        "mediumtext" => ColumnType::simple(TypeFamily::String, "MEDIUMTEXT"),
        "longtext" => ColumnType::simple(TypeFamily::String, "LONGTEXT"),
        "binary" => ColumnType::with_args(TypeFamily::Binary, "BINARY", args),
        "varbinary" => ColumnType::with_args(TypeFamily::Binary, "VARBINARY", args),
        "tinyblob" => ColumnType::simple(TypeFamily::Binary, "TINYBLOB"),
        "blob" => ColumnType::simple(TypeFamily::Binary, "BLOB"),
        "mediumblob" => ColumnType::simple(TypeFamily::Binary, "MEDIUMBLOB"),
        "longblob" => ColumnType::simple(TypeFamily::Binary, "LONGBLOB"),
        "date" => ColumnType::simple(TypeFamily::DateTime, "DATE"),
        "time" => ColumnType::with_args(TypeFamily::DateTime, "TIME", args),
        "datetime" => ColumnType::with_args(TypeFamily::DateTime, "DATETIME", args),
        "timestamp" => ColumnType::with_args(TypeFamily::DateTime, "TIMESTAMP", args),
        "json" => ColumnType::simple(TypeFamily::Json, "JSON"),
        _ => ColumnType::simple(TypeFamily::Unsupported, raw.trim()),
    };
    (t, None)
}

fn parse_default(
    raw: &str,
    family: &TypeFamily,
    mariadb: bool,
    generated: bool,
) -> Option<DefaultValue> {
    let t = raw.trim();
    if is_now_expression(t) {
        return Some(DefaultValue::Now);
    }
    if mariadb {
        if t.eq_ignore_ascii_case("null") {
            return None;
        }
        if let Some((s, rest)) = leading_string_literal(t) {
            if rest.trim().is_empty() {
                return Some(constant_default(&s, family));
            }
        }
        if is_number(t) || t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") {
            return Some(constant_default(t, family));
        }
        return Some(DefaultValue::DbGenerated(t.to_string()));
    }
    if generated {
        return Some(DefaultValue::DbGenerated(t.to_string()));
    }
    // MySQL 8: literals come back unquoted.
    match family {
        TypeFamily::Binary => Some(DefaultValue::DbGenerated(t.to_string())),
        _ => Some(constant_default(t, family)),
    }
}

async fn read_foreign_keys(conn: &mut Connection, schema: &mut DatabaseSchema) -> Result<()> {
    for row in rows(conn, FOREIGN_KEYS, "foreign keys").await? {
        let Some(table) = schema.tables.iter_mut().find(|t| t.name == row[0].string()) else {
            continue;
        };
        let name = row[1].string();
        let idx = match table
            .foreign_keys
            .iter()
            .position(|f| f.name.as_deref() == Some(name.as_str()))
        {
            Some(i) => i,
            None => {
                table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns: Vec::new(),
                    referenced_table: row[3].string(),
                    referenced_columns: Vec::new(),
                    on_delete: ForeignKeyAction::parse(&row[5].string())
                        .unwrap_or(ForeignKeyAction::NoAction),
                    on_update: ForeignKeyAction::parse(&row[6].string())
                        .unwrap_or(ForeignKeyAction::NoAction),
                });
                table.foreign_keys.len() - 1
            }
        };
        table.foreign_keys[idx].columns.push(row[2].string());
        table.foreign_keys[idx]
            .referenced_columns
            .push(row[4].string());
    }
    Ok(())
}

async fn read_indexes(conn: &mut Connection, schema: &mut DatabaseSchema) -> Result<()> {
    for row in rows(conn, INDEXES, "indexes").await? {
        let Some(table) = schema.tables.iter_mut().find(|t| t.name == row[0].string()) else {
            continue;
        };
        let name = row[1].string();
        let column = IndexColumn {
            name: row[3].string(),
            sort: (row[5].text() == Some("D")).then_some(SortOrder::Desc),
            length: row[4].int().map(|l| l as u32),
            operator_class: None,
        };
        if name == "PRIMARY" {
            table
                .primary_key
                .get_or_insert(PrimaryKey {
                    name: None,
                    columns: Vec::new(),
                })
                .columns
                .push(column);
            continue;
        }
        let kind = if row[6].text() == Some("FULLTEXT") {
            IndexKind::Fulltext
        } else if row[2].int() == Some(0) {
            IndexKind::Unique
        } else {
            IndexKind::Normal
        };
        match table.indexes.iter_mut().find(|i| i.name == name) {
            Some(i) => i.columns.push(column),
            None => table.indexes.push(Index {
                name,
                kind,
                columns: vec![column],
                algorithm: None,
            }),
        }
    }
    // InnoDB creates an index for every foreign key that has none, named after the constraint.
    // Prisma never declares those; they come and go with their foreign keys.
    for table in &mut schema.tables {
        let fks = table.foreign_keys.clone();
        table.indexes.retain(|i| {
            !(i.kind == IndexKind::Normal
                && fks.iter().any(|fk| {
                    fk.name.as_deref() == Some(i.name.as_str())
                        && fk.columns.iter().collect::<Vec<_>>()
                            == i.columns.iter().map(|c| &c.name).collect::<Vec<_>>()
                }))
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_column_types() {
        assert_eq!(
            column_type("int(10) unsigned", false).0.name,
            "INTEGER UNSIGNED"
        );
        assert_eq!(column_type("tinyint(1)", false).0.name, "BOOLEAN");
        assert_eq!(column_type("tinyint(4)", false).0.name, "TINYINT");
        assert_eq!(column_type("decimal(8,2)", false).0.args, vec![8, 2]);
        assert_eq!(
            column_type("enum('A','it''s')", false).1,
            Some(vec!["A".to_string(), "it's".to_string()])
        );
        assert_eq!(column_type("longtext", true).0.name, "JSON");
    }

    #[test]
    fn reads_mariadb_defaults() {
        assert_eq!(
            parse_default("current_timestamp(3)", &TypeFamily::DateTime, true, false),
            Some(DefaultValue::Now)
        );
        assert_eq!(
            parse_default("NULL", &TypeFamily::String, true, false),
            None
        );
        assert_eq!(
            parse_default("uuid_to_bin(uuid(),1)", &TypeFamily::Binary, true, false),
            Some(DefaultValue::DbGenerated("uuid_to_bin(uuid(),1)".into()))
        );
    }
}
