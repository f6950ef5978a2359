//! Reading a live database back into a [`DatabaseSchema`].
//!
//! Owns: the catalog queries of each dialect and the translation of what databases report
//! (`character varying(191)`, `'x'::text`, `current_timestamp(3)`) into the same model the
//! calculator produces, so that a database created from a schema compares equal to it.
//! Quarry's and Prisma's history tables are not part of the schema.

mod extras;
mod mysql;
mod postgres;
mod sqlite;

pub use extras::{introspect_extras, Extras, PartialIndex};

use crate::connection::Connection;
use crate::database::{DatabaseSchema, DefaultValue, TypeFamily, Value};
use crate::error::Result;

/// Tables that belong to migration tools, never to the application.
pub(crate) const HISTORY_TABLES: &[&str] = &["_quarry_migrations", "_prisma_migrations"];

/// Reads the schema of the database `conn` is connected to (its current schema on PostgreSQL).
pub async fn introspect(conn: &mut Connection) -> Result<DatabaseSchema> {
    match conn.dialect() {
        crate::Dialect::Sqlite => sqlite::introspect(conn).await,
        crate::Dialect::Postgres => postgres::introspect(conn).await,
        crate::Dialect::Mysql => mysql::introspect(conn).await,
    }
}

/// Reads a single-quoted SQL string literal at the start of `s`: (its value, the rest).
pub(crate) fn leading_string_literal(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('\'')?;
    let mut out = String::new();
    let mut iter = body.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c != '\'' {
            out.push(c);
            continue;
        }
        if let Some((_, '\'')) = iter.peek() {
            iter.next();
            out.push('\'');
        } else {
            return Some((out, &body[i + 1..]));
        }
    }
    None
}

/// True for `-12`, `0.5`, `1e3`.
pub(crate) fn is_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.parse::<f64>().is_ok()
        && !s.eq_ignore_ascii_case("nan")
        && !s.to_ascii_lowercase().contains("inf")
}

/// Interprets a constant (already unquoted) as a default for a column of `family`.
pub(crate) fn constant_default(raw: &str, family: &TypeFamily) -> DefaultValue {
    let v = match family {
        TypeFamily::String | TypeFamily::Unsupported => Value::String(raw.to_string()),
        TypeFamily::Enum(_) => Value::Enum(raw.to_string()),
        TypeFamily::Json => Value::Json(raw.to_string()),
        TypeFamily::DateTime => Value::DateTime(raw.to_string()),
        TypeFamily::Binary => {
            let hex = raw.strip_prefix("\\x").unwrap_or(raw);
            Value::Bytes(crate::util::hex_decode(hex).unwrap_or_else(|| raw.as_bytes().to_vec()))
        }
        TypeFamily::Boolean => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "t" => Value::Boolean(true),
            "false" | "0" | "f" => Value::Boolean(false),
            _ => return DefaultValue::DbGenerated(raw.to_string()),
        },
        TypeFamily::Int | TypeFamily::BigInt => match raw.trim().parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) if is_number(raw) => Value::Number(raw.trim().to_string()),
            Err(_) => return DefaultValue::DbGenerated(raw.to_string()),
        },
        TypeFamily::Float | TypeFamily::Decimal => {
            if is_number(raw) {
                Value::Number(raw.trim().to_string())
            } else {
                return DefaultValue::DbGenerated(raw.to_string());
            }
        }
    };
    DefaultValue::Value(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_literals() {
        assert_eq!(
            leading_string_literal("'it''s'::text"),
            Some(("it's".to_string(), "::text"))
        );
        assert_eq!(leading_string_literal("'a'"), Some(("a".to_string(), "")));
        assert_eq!(leading_string_literal("a"), None);
        assert!(is_number("-1.5"));
        assert!(!is_number("now()"));
    }
}
