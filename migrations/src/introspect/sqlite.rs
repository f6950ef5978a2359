//! SQLite: `sqlite_master` and the `table_info`, `index_list`, `index_xinfo` and
//! `foreign_key_list` pragmas.

use super::{constant_default, is_number, leading_string_literal, HISTORY_TABLES};
use crate::connection::{Cell, Connection};
use crate::database::{
    Column, ColumnArity, ColumnType, DatabaseSchema, DefaultValue, ForeignKey, ForeignKeyAction,
    Index, IndexColumn, IndexKind, PrimaryKey, SortOrder, Table, TypeFamily,
};
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};

pub(super) async fn introspect(conn: &mut Connection) -> Result<DatabaseSchema> {
    let rows = conn
        .query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            &[],
        )
        .await
        .map_err(MigrateError::db("Could not list the tables"))?;
    let mut schema = DatabaseSchema::empty(Dialect::Sqlite);
    for row in rows {
        let name = row[0].string();
        if HISTORY_TABLES.contains(&name.as_str()) {
            continue;
        }
        let sql = row[1].string();
        schema.tables.push(table(conn, &name, &sql).await?);
    }
    Ok(schema)
}

pub(super) async fn pragma(
    conn: &mut Connection,
    pragma: &str,
    arg: &str,
) -> Result<Vec<Vec<Cell>>> {
    let sql = format!("PRAGMA {pragma}({})", Dialect::Sqlite.quote(arg));
    conn.query(&sql, &[])
        .await
        .map_err(MigrateError::db(format!(
            "Could not read {pragma} of `{arg}`"
        )))
}

async fn table(conn: &mut Connection, name: &str, sql: &str) -> Result<Table> {
    let mut table = Table::new(name);
    let autoincrement = sql.to_ascii_uppercase().contains("AUTOINCREMENT");
    let mut pk: Vec<(i64, String)> = Vec::new();
    // table_info: cid, name, type, notnull, dflt_value, pk
    for row in pragma(conn, "table_info", name).await? {
        let col_name = row[1].string();
        let column_type = column_type(&row[2].string());
        let default = match &row[4] {
            Cell::Null => None,
            c => parse_default(&c.string(), &column_type.family),
        };
        if let Some(pos) = row[5].int().filter(|p| *p > 0) {
            pk.push((pos, col_name.clone()));
        }
        table.columns.push(Column {
            name: col_name,
            column_type,
            arity: if row[3].int() == Some(1) {
                ColumnArity::Required
            } else {
                ColumnArity::Nullable
            },
            default,
            auto_increment: false,
        });
    }
    pk.sort();
    if !pk.is_empty() {
        if pk.len() == 1 && autoincrement {
            if let Some(c) = table.columns.iter_mut().find(|c| c.name == pk[0].1) {
                c.auto_increment = c.column_type.family == TypeFamily::Int;
            }
        }
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: pk.into_iter().map(|(_, n)| IndexColumn::named(n)).collect(),
        });
    }
    // index_list: seq, name, unique, origin, partial
    for row in pragma(conn, "index_list", name).await? {
        let origin = row[3].string();
        if origin == "pk" || row[4].int() == Some(1) {
            continue;
        }
        let index_name = row[1].string();
        let (cols, expression) = index_columns(conn, &index_name).await?;
        if expression || cols.is_empty() {
            continue;
        }
        table.indexes.push(Index {
            name: index_name,
            kind: if row[2].int() == Some(1) {
                IndexKind::Unique
            } else {
                IndexKind::Normal
            },
            columns: cols,
            algorithm: None,
        });
    }
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    table.foreign_keys = foreign_keys(conn, name, sql).await?;
    Ok(table)
}

/// The key columns of an index, and whether it also indexes an expression.
pub(super) async fn index_columns(
    conn: &mut Connection,
    index: &str,
) -> Result<(Vec<IndexColumn>, bool)> {
    let mut cols = Vec::new();
    let mut expression = false;
    // index_xinfo: seqno, cid, name, desc, coll, key
    for c in pragma(conn, "index_xinfo", index).await? {
        if c[5].int() != Some(1) {
            continue;
        }
        match &c[2] {
            Cell::Text(col) => cols.push(IndexColumn {
                name: col.clone(),
                sort: (c[3].int() == Some(1)).then_some(SortOrder::Desc),
                length: None,
                operator_class: None,
            }),
            _ => expression = true,
        }
    }
    Ok((cols, expression))
}

async fn foreign_keys(conn: &mut Connection, table: &str, sql: &str) -> Result<Vec<ForeignKey>> {
    // foreign_key_list: id, seq, table, from, to, on_update, on_delete, match
    let rows = pragma(conn, "foreign_key_list", table).await?;
    let mut by_id: Vec<(i64, ForeignKey)> = Vec::new();
    for row in rows {
        let id = row[0].int().unwrap_or(0);
        let referenced_table = row[2].string();
        let from = row[3].string();
        let to = row[4].text().map(str::to_string);
        let entry = match by_id.iter_mut().find(|(i, _)| *i == id) {
            Some((_, fk)) => fk,
            None => {
                by_id.push((
                    id,
                    ForeignKey {
                        name: None,
                        columns: Vec::new(),
                        referenced_table: referenced_table.clone(),
                        referenced_columns: Vec::new(),
                        on_delete: ForeignKeyAction::parse(&row[6].string())
                            .unwrap_or(ForeignKeyAction::NoAction),
                        on_update: ForeignKeyAction::parse(&row[5].string())
                            .unwrap_or(ForeignKeyAction::NoAction),
                    },
                ));
                match by_id.last_mut() {
                    Some((_, fk)) => fk,
                    None => continue,
                }
            }
        };
        entry.columns.push(from);
        entry.referenced_columns.push(to.unwrap_or_default());
    }
    // SQLite lists foreign keys last-declared first.
    by_id.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    let names = constraint_names(sql);
    let mut out = Vec::new();
    for (_, mut fk) in by_id {
        if fk.referenced_columns.iter().any(String::is_empty) {
            // `REFERENCES t` without columns: the referenced table's primary key.
            let pk = referenced_primary_key(conn, &fk.referenced_table).await?;
            if pk.len() == fk.columns.len() {
                fk.referenced_columns = pk;
            }
        }
        fk.name = names
            .iter()
            .find(|(cols, _)| *cols == fk.columns)
            .map(|(_, n)| n.clone());
        out.push(fk);
    }
    Ok(out)
}

async fn referenced_primary_key(conn: &mut Connection, table: &str) -> Result<Vec<String>> {
    let mut pk: Vec<(i64, String)> = pragma(conn, "table_info", table)
        .await?
        .into_iter()
        .filter_map(|r| r[5].int().filter(|p| *p > 0).map(|p| (p, r[1].string())))
        .collect();
    pk.sort();
    Ok(pk.into_iter().map(|(_, n)| n).collect())
}

/// `CONSTRAINT "name" FOREIGN KEY ("a", "b")` clauses of a CREATE TABLE: (columns, name).
fn constraint_names(sql: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let upper = sql.to_ascii_uppercase();
    let mut from = 0;
    while let Some(pos) = upper[from..].find("CONSTRAINT") {
        let start = from + pos + "CONSTRAINT".len();
        from = start;
        let rest = sql[start..].trim_start();
        let Some((name, after)) = read_identifier(rest) else {
            continue;
        };
        let after = after.trim_start();
        if !after.to_ascii_uppercase().starts_with("FOREIGN KEY") {
            continue;
        }
        let after = after["FOREIGN KEY".len()..].trim_start();
        let Some(list) = after.strip_prefix('(') else {
            continue;
        };
        let Some(end) = list.find(')') else {
            continue;
        };
        let cols = list[..end]
            .split(',')
            .filter_map(|c| read_identifier(c.trim()).map(|(n, _)| n))
            .collect();
        out.push((cols, name));
    }
    out
}

fn read_identifier(s: &str) -> Option<(String, &str)> {
    let first = s.chars().next()?;
    let close = match first {
        '"' => '"',
        '`' => '`',
        '[' => ']',
        _ => {
            let end = s
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(s.len());
            return (end > 0).then(|| (s[..end].to_string(), &s[end..]));
        }
    };
    let body = &s[1..];
    let end = body.find(close)?;
    Some((body[..end].to_string(), &body[end + 1..]))
}

fn column_type(declared: &str) -> ColumnType {
    let upper = declared.trim().to_ascii_uppercase();
    let (name, args) = match upper.split_once('(') {
        Some((n, a)) => (
            n.trim().to_string(),
            a.trim_end_matches(')')
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect(),
        ),
        None => (upper.clone(), Vec::new()),
    };
    let family = match name.as_str() {
        "INTEGER" | "INT" | "SMALLINT" | "TINYINT" | "MEDIUMINT" => TypeFamily::Int,
        "BIGINT" | "INT8" => TypeFamily::BigInt,
        "REAL" | "FLOAT" | "DOUBLE" | "DOUBLE PRECISION" => TypeFamily::Float,
        "DECIMAL" | "NUMERIC" => TypeFamily::Decimal,
        "BOOLEAN" | "BOOL" => TypeFamily::Boolean,
        "TEXT" | "VARCHAR" | "CHAR" | "CLOB" | "NVARCHAR" | "CHARACTER" => TypeFamily::String,
        "DATETIME" | "DATE" | "TIMESTAMP" | "TIME" => TypeFamily::DateTime,
        "JSON" | "JSONB" => TypeFamily::Json,
        "BLOB" => TypeFamily::Binary,
        _ => TypeFamily::Unsupported,
    };
    if family == TypeFamily::Unsupported {
        return ColumnType::simple(family, declared.trim());
    }
    ColumnType::with_args(family, &name, args)
}

fn parse_default(raw: &str, family: &TypeFamily) -> Option<DefaultValue> {
    let t = raw.trim();
    if t.eq_ignore_ascii_case("null") {
        return None;
    }
    if let Some((s, rest)) = leading_string_literal(t) {
        if rest.trim().is_empty() {
            return Some(constant_default(&s, family));
        }
    }
    if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") || is_number(t) {
        return Some(constant_default(t, family));
    }
    if t.eq_ignore_ascii_case("CURRENT_TIMESTAMP") {
        return Some(DefaultValue::Now);
    }
    Some(DefaultValue::DbGenerated(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_foreign_key_names_from_create_table() {
        let sql = r#"CREATE TABLE "b" ("id" INTEGER, "aId" INTEGER, CONSTRAINT "b_aId_fkey" FOREIGN KEY ("aId") REFERENCES "a" ("id"))"#;
        assert_eq!(
            constraint_names(sql),
            vec![(vec!["aId".to_string()], "b_aId_fkey".to_string())]
        );
    }

    #[test]
    fn reads_declared_types() {
        assert_eq!(column_type("DECIMAL").family, TypeFamily::Decimal);
        assert_eq!(column_type("varchar(10)").args, vec![10]);
        assert_eq!(column_type("point").family, TypeFamily::Unsupported);
    }
}
