//! PostgreSQL: `pg_catalog` queries over the connection's current schema.

use super::{constant_default, is_number, leading_string_literal, HISTORY_TABLES};
use crate::connection::{Cell, Connection};
use crate::database::{
    Column, ColumnArity, ColumnType, DatabaseSchema, DefaultValue, Enum, ForeignKey,
    ForeignKeyAction, Index, IndexAlgorithm, IndexColumn, IndexKind, PrimaryKey, SortOrder, Table,
    TypeFamily, Value,
};
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};

const TABLES: &str = "SELECT c.relname::text FROM pg_class c \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
    ORDER BY c.relname";

const COLUMNS: &str = "SELECT c.relname::text, a.attname::text, \
    format_type(a.atttypid, a.atttypmod)::text, \
    t.typcategory::text, COALESCE(et.typtype::text, t.typtype::text), \
    COALESCE(et.typname::text, t.typname::text), \
    a.attnotnull::int4, pg_get_expr(d.adbin, d.adrelid)::text, a.attidentity::text \
    FROM pg_attribute a \
    JOIN pg_class c ON c.oid = a.attrelid \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    JOIN pg_type t ON t.oid = a.atttypid \
    LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
    AND NOT a.attisdropped \
    ORDER BY c.relname, a.attnum";

const INDEXES: &str = "SELECT t.relname::text, i.relname::text, ix.indisunique::int4, \
    ix.indisprimary::int4, am.amname::text, k.ord::int4, a.attname::text, \
    ((ix.indoption[(k.ord - 1)::int] & 1) = 1)::int4, opc.opcname::text, opc.opcdefault::int4, \
    (ix.indpred IS NOT NULL)::int4, con.conname::text \
    FROM pg_index ix \
    JOIN pg_class t ON t.oid = ix.indrelid \
    JOIN pg_class i ON i.oid = ix.indexrelid \
    JOIN pg_namespace n ON n.oid = t.relnamespace \
    JOIN pg_am am ON am.oid = i.relam \
    CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 \
    LEFT JOIN pg_opclass opc ON opc.oid = ix.indclass[(k.ord - 1)::int] \
    LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.contype = 'p' \
    WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') \
    AND k.ord <= ix.indnkeyatts \
    ORDER BY t.relname, i.relname, k.ord";

const FOREIGN_KEYS: &str = "SELECT cl.relname::text, con.conname::text, ref.relname::text, \
    con.confdeltype::text, con.confupdtype::text, k.ord::int4, a.attname::text, ra.attname::text \
    FROM pg_constraint con \
    JOIN pg_class cl ON cl.oid = con.conrelid \
    JOIN pg_class ref ON ref.oid = con.confrelid \
    JOIN pg_namespace n ON n.oid = cl.relnamespace \
    CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, refcol, ord) \
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col \
    JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refcol \
    WHERE con.contype = 'f' AND n.nspname = current_schema() \
    ORDER BY cl.relname, con.conname, k.ord";

const ENUMS: &str = "SELECT t.typname::text, e.enumlabel::text FROM pg_type t \
    JOIN pg_enum e ON e.enumtypid = t.oid \
    JOIN pg_namespace n ON n.oid = t.typnamespace \
    WHERE n.nspname = current_schema() \
    ORDER BY t.typname, e.enumsortorder";

async fn rows(conn: &mut Connection, sql: &str, what: &str) -> Result<Vec<Vec<Cell>>> {
    conn.query(sql, &[])
        .await
        .map_err(MigrateError::db(format!("Could not read the {what}")))
}

pub(super) async fn introspect(conn: &mut Connection) -> Result<DatabaseSchema> {
    let mut schema = DatabaseSchema::empty(Dialect::Postgres);
    for row in rows(conn, ENUMS, "enums").await? {
        let (name, value) = (row[0].string(), row[1].string());
        match schema.enums.iter_mut().find(|e| e.name == name) {
            Some(e) => e.values.push(value),
            None => schema.enums.push(Enum {
                name,
                values: vec![value],
            }),
        }
    }
    for row in rows(conn, TABLES, "tables").await? {
        let name = row[0].string();
        if !HISTORY_TABLES.contains(&name.as_str()) {
            schema.tables.push(Table::new(name));
        }
    }
    for row in rows(conn, COLUMNS, "columns").await? {
        let Some(table) = schema.tables.iter_mut().find(|t| t.name == row[0].string()) else {
            continue;
        };
        table.columns.push(column(&row));
    }
    read_indexes(conn, &mut schema).await?;
    read_foreign_keys(conn, &mut schema).await?;
    Ok(schema)
}

fn column(row: &[Cell]) -> Column {
    let name = row[1].string();
    let formatted = row[2].string();
    let is_array = row[3].text() == Some("A");
    let is_enum = row[4].text() == Some("e");
    let base_name = row[5].string();
    let not_null = row[6].int() == Some(1);
    let identity = row[8].text().is_some_and(|s| !s.is_empty());
    let column_type = if is_enum {
        ColumnType::simple(TypeFamily::Enum(base_name), "")
    } else {
        column_type(formatted.trim_end_matches("[]"))
    };
    let mut auto_increment = identity;
    let default = match row[7].text() {
        Some(expr) if expr.starts_with("nextval(") => {
            auto_increment = true;
            None
        }
        Some(expr) => parse_default(expr, &column_type.family),
        None => None,
    };
    Column {
        name,
        column_type,
        arity: if is_array {
            ColumnArity::List
        } else if not_null {
            ColumnArity::Required
        } else {
            ColumnArity::Nullable
        },
        default,
        auto_increment,
    }
}

/// Translates `format_type()` output (`character varying(191)`, `timestamp(3) without time
/// zone`) into Quarry's canonical type names.
fn column_type(formatted: &str) -> ColumnType {
    let lower = formatted.trim().to_ascii_lowercase();
    let (head, args, tail) = match (lower.find('('), lower.find(')')) {
        (Some(open), Some(close)) if close > open => (
            lower[..open].trim().to_string(),
            lower[open + 1..close]
                .split(',')
                .filter_map(|a| a.trim().parse::<u32>().ok())
                .collect::<Vec<u32>>(),
            lower[close + 1..].trim().to_string(),
        ),
        _ => (lower.clone(), Vec::new(), String::new()),
    };
    let key = if tail.is_empty() {
        head.clone()
    } else {
        format!("{head} {tail}")
    };
    let (family, name) = match key.as_str() {
        "integer" => (TypeFamily::Int, "INTEGER"),
        "smallint" => (TypeFamily::Int, "SMALLINT"),
        "oid" => (TypeFamily::Int, "OID"),
        "bigint" => (TypeFamily::BigInt, "BIGINT"),
        "text" => (TypeFamily::String, "TEXT"),
        "character varying" => (TypeFamily::String, "VARCHAR"),
        "character" => (TypeFamily::String, "CHAR"),
        "bit" => (TypeFamily::String, "BIT"),
        "bit varying" => (TypeFamily::String, "VARBIT"),
        "uuid" => (TypeFamily::String, "UUID"),
        "xml" => (TypeFamily::String, "XML"),
        "inet" => (TypeFamily::String, "INET"),
        "citext" => (TypeFamily::String, "CITEXT"),
        "boolean" => (TypeFamily::Boolean, "BOOLEAN"),
        "real" => (TypeFamily::Float, "REAL"),
        "double precision" => (TypeFamily::Float, "DOUBLE PRECISION"),
        "numeric" => (TypeFamily::Decimal, "DECIMAL"),
        "money" => (TypeFamily::Decimal, "MONEY"),
        "timestamp without time zone" | "timestamp" => (TypeFamily::DateTime, "TIMESTAMP"),
        "timestamp with time zone" => (TypeFamily::DateTime, "TIMESTAMPTZ"),
        "date" => (TypeFamily::DateTime, "DATE"),
        "time without time zone" | "time" => (TypeFamily::DateTime, "TIME"),
        "time with time zone" => (TypeFamily::DateTime, "TIMETZ"),
        "json" => (TypeFamily::Json, "JSON"),
        "jsonb" => (TypeFamily::Json, "JSONB"),
        "bytea" => (TypeFamily::Binary, "BYTEA"),
        _ => return ColumnType::simple(TypeFamily::Unsupported, formatted.trim()),
    };
    ColumnType::with_args(family, name, args)
}

/// Strips the casts PostgreSQL appends to constants: `'x'::character varying` -> `'x'`.
fn strip_casts(expr: &str) -> &str {
    let mut e = expr.trim();
    while let Some(pos) = last_top_level_cast(e) {
        e = e[..pos].trim_end();
    }
    e
}

/// Position of the last `::` outside quotes, parentheses and brackets.
fn last_top_level_cast(e: &str) -> Option<usize> {
    let bytes = e.as_bytes();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut in_ident = false;
    let mut last = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' if !in_ident => in_str = !in_str,
            b'"' if !in_str => in_ident = !in_ident,
            b'(' | b'[' if !in_str && !in_ident => depth += 1,
            b')' | b']' if !in_str && !in_ident => depth -= 1,
            b':' if !in_str && !in_ident && depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                last = Some(i);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    last
}

fn parse_default(expr: &str, family: &TypeFamily) -> Option<DefaultValue> {
    let e = expr.trim();
    if e.eq_ignore_ascii_case("null") || e.to_ascii_lowercase().starts_with("null::") {
        return None;
    }
    if e.eq_ignore_ascii_case("CURRENT_TIMESTAMP") || e.eq_ignore_ascii_case("now()") {
        return Some(DefaultValue::Now);
    }
    if let Some(list) = parse_array(e, family) {
        return Some(DefaultValue::Value(Value::List(list)));
    }
    let stripped = strip_casts(e);
    if let Some((s, rest)) = leading_string_literal(stripped) {
        if rest.trim().is_empty() {
            return Some(constant_default(&s, family));
        }
    }
    // Negative numbers come back parenthesized: `(-1)`.
    let unparenthesized = stripped
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(stripped);
    if is_number(unparenthesized)
        || unparenthesized.eq_ignore_ascii_case("true")
        || unparenthesized.eq_ignore_ascii_case("false")
    {
        return Some(constant_default(unparenthesized, family));
    }
    Some(DefaultValue::DbGenerated(e.to_string()))
}

/// `ARRAY['a'::text, 'b'::text]` or `'{}'::text[]`.
fn parse_array(expr: &str, family: &TypeFamily) -> Option<Vec<Value>> {
    let e = strip_casts(expr);
    if let Some(inner) = e
        .strip_prefix("ARRAY[")
        .and_then(|rest| rest.strip_suffix(']'))
    {
        let mut out = Vec::new();
        for item in split_top_level(inner) {
            match parse_default(&item, family)? {
                DefaultValue::Value(v) => out.push(v),
                _ => return None,
            }
        }
        return Some(out);
    }
    if expr.trim_end().ends_with("[]") {
        if let Some((lit, _)) = leading_string_literal(e) {
            let body = lit.strip_prefix('{')?.strip_suffix('}')?;
            if body.is_empty() {
                return Some(Vec::new());
            }
            return Some(
                body.split(',')
                    .map(|v| match constant_default(v.trim_matches('"'), family) {
                        DefaultValue::Value(v) => v,
                        _ => Value::String(v.to_string()),
                    })
                    .collect(),
            );
        }
    }
    None
}

fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '\'' => {
                in_str = !in_str;
                cur.push(c);
            }
            '(' | '[' if !in_str => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' if !in_str => {
                depth -= 1;
                cur.push(c);
            }
            ',' if !in_str && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

async fn read_indexes(conn: &mut Connection, schema: &mut DatabaseSchema) -> Result<()> {
    struct Raw {
        table: String,
        name: String,
        unique: bool,
        primary: bool,
        algorithm: Option<IndexAlgorithm>,
        columns: Vec<IndexColumn>,
        skip: bool,
        constraint: Option<String>,
    }
    let mut raws: Vec<Raw> = Vec::new();
    for row in rows(conn, INDEXES, "indexes").await? {
        let (table, name) = (row[0].string(), row[1].string());
        if !matches!(raws.last(), Some(r) if r.table == table && r.name == name) {
            raws.push(Raw {
                table,
                name,
                unique: row[2].int() == Some(1),
                primary: row[3].int() == Some(1),
                algorithm: IndexAlgorithm::parse(&row[4].string()),
                columns: Vec::new(),
                skip: row[10].int() == Some(1),
                constraint: row[11].text().map(str::to_string),
            });
        }
        let Some(raw) = raws.last_mut() else {
            continue;
        };
        match &row[6] {
            Cell::Text(col) => raw.columns.push(IndexColumn {
                name: col.clone(),
                sort: (row[7].int() == Some(1)).then_some(SortOrder::Desc),
                length: None,
                operator_class: (row[9].int() == Some(0))
                    .then(|| row[8].text().map(str::to_string))
                    .flatten(),
            }),
            // An expression: Prisma schemas cannot describe it.
            _ => raw.skip = true,
        }
    }
    for raw in raws {
        if raw.skip {
            continue;
        }
        let Some(table) = schema.tables.iter_mut().find(|t| t.name == raw.table) else {
            continue;
        };
        if raw.primary {
            table.primary_key = Some(PrimaryKey {
                name: Some(raw.constraint.unwrap_or(raw.name)),
                columns: raw.columns,
            });
            continue;
        }
        table.indexes.push(Index {
            name: raw.name,
            kind: if raw.unique {
                IndexKind::Unique
            } else {
                IndexKind::Normal
            },
            columns: raw.columns,
            algorithm: raw.algorithm.filter(|a| *a != IndexAlgorithm::BTree),
        });
    }
    Ok(())
}

fn action(code: &str) -> ForeignKeyAction {
    match code {
        "c" => ForeignKeyAction::Cascade,
        "r" => ForeignKeyAction::Restrict,
        "n" => ForeignKeyAction::SetNull,
        "d" => ForeignKeyAction::SetDefault,
        _ => ForeignKeyAction::NoAction,
    }
}

async fn read_foreign_keys(conn: &mut Connection, schema: &mut DatabaseSchema) -> Result<()> {
    for row in rows(conn, FOREIGN_KEYS, "foreign keys").await? {
        let Some(table) = schema.tables.iter_mut().find(|t| t.name == row[0].string()) else {
            continue;
        };
        let name = row[1].string();
        let fk = match table
            .foreign_keys
            .iter_mut()
            .position(|f| f.name.as_deref() == Some(name.as_str()))
        {
            Some(i) => &mut table.foreign_keys[i],
            None => {
                table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns: Vec::new(),
                    referenced_table: row[2].string(),
                    referenced_columns: Vec::new(),
                    on_delete: action(&row[3].string()),
                    on_update: action(&row[4].string()),
                });
                let last = table.foreign_keys.len() - 1;
                &mut table.foreign_keys[last]
            }
        };
        fk.columns.push(row[6].string());
        fk.referenced_columns.push(row[7].string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_formatted_types() {
        let t = column_type("timestamp(3) without time zone");
        assert_eq!((t.name.as_str(), t.args.clone()), ("TIMESTAMP", vec![3]));
        let t = column_type("numeric(65,30)");
        assert_eq!((t.name.as_str(), t.args.clone()), ("DECIMAL", vec![65, 30]));
        assert_eq!(column_type("character varying").name, "VARCHAR");
        assert_eq!(column_type("point").family, TypeFamily::Unsupported);
    }

    #[test]
    fn reads_defaults() {
        assert_eq!(
            parse_default("'Home'::text", &TypeFamily::String),
            Some(DefaultValue::Value(Value::String("Home".into())))
        );
        assert_eq!(
            parse_default("ARRAY['read'::text]", &TypeFamily::String),
            Some(DefaultValue::Value(Value::List(vec![Value::String(
                "read".into()
            )])))
        );
        assert_eq!(
            parse_default("ARRAY[]::text[]", &TypeFamily::String),
            Some(DefaultValue::Value(Value::List(vec![])))
        );
        assert_eq!(
            parse_default("(-1)", &TypeFamily::Int),
            Some(DefaultValue::Value(Value::Int(-1)))
        );
        assert_eq!(
            parse_default("(now() + '30 days'::interval)", &TypeFamily::DateTime),
            Some(DefaultValue::DbGenerated(
                "(now() + '30 days'::interval)".into()
            ))
        );
    }
}
