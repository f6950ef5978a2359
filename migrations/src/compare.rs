//! When two pieces of a database schema mean the same thing.
//!
//! Owns: equivalence of column types, defaults, indexes and primary keys across the spellings a
//! database reports back (`int(11)` vs `INTEGER`, `'x'::text` vs `'x'`, `CURRENT_TIMESTAMP` vs
//! `now()`), so that a schema read from a database compares equal to the schema that created it.

use crate::database::{
    Column, ColumnType, DatabaseSchema, DefaultValue, Index, IndexColumn, PrimaryKey, SortOrder,
    TypeFamily, Value,
};
use crate::dialect::Dialect;

/// True when the two columns have the same type.
pub(crate) fn types_equal(
    prev: &Column,
    next: &Column,
    prev_schema: &DatabaseSchema,
    next_schema: &DatabaseSchema,
) -> bool {
    let dialect = next_schema.dialect;
    let (a, b) = (&prev.column_type, &next.column_type);
    match (&a.family, &b.family) {
        (TypeFamily::Enum(x), TypeFamily::Enum(y)) => match dialect {
            Dialect::Mysql => prev_schema.enum_values(prev) == next_schema.enum_values(next),
            _ => x == y,
        },
        (TypeFamily::Enum(_), _) | (_, TypeFamily::Enum(_)) => false,
        (TypeFamily::Unsupported, _) | (_, TypeFamily::Unsupported) => {
            normalize_type_text(&a.name) == normalize_type_text(&b.name)
        }
        _ => {
            a.name.eq_ignore_ascii_case(&b.name)
                && normalized_args(a, dialect) == normalized_args(b, dialect)
        }
    }
}

fn normalize_type_text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Arguments with the database's implicit defaults made explicit.
fn normalized_args(t: &ColumnType, dialect: Dialect) -> Vec<u32> {
    let name = t.name.to_ascii_uppercase();
    match (dialect, name.as_str()) {
        // MySQL reports `datetime` for `DATETIME(0)`.
        (Dialect::Mysql, "DATETIME" | "TIMESTAMP" | "TIME") if t.args.is_empty() => vec![0],
        // MySQL's DECIMAL without arguments is DECIMAL(10,0).
        (Dialect::Mysql, "DECIMAL") if t.args.is_empty() => vec![10, 0],
        (Dialect::Mysql, "DECIMAL") if t.args.len() == 1 => vec![t.args[0], 0],
        (Dialect::Mysql, "BIT") if t.args.is_empty() => vec![1],
        // PostgreSQL's CHAR and BIT without a length have length 1.
        (Dialect::Postgres, "CHAR" | "BIT") if t.args.is_empty() => vec![1],
        _ => t.args.clone(),
    }
}

/// True when two defaults produce the same value.
pub(crate) fn defaults_equal(prev: &Column, next: &Column, dialect: Dialect) -> bool {
    // MySQL cannot hold defaults on JSON and BLOB columns; Prisma renders none.
    if dialect == Dialect::Mysql
        && (matches!(
            prev.column_type.family,
            TypeFamily::Json | TypeFamily::Binary
        ) || matches!(
            next.column_type.family,
            TypeFamily::Json | TypeFamily::Binary
        ))
        && !matches!(next.default, Some(DefaultValue::DbGenerated(_)))
    {
        return true;
    }
    match (&prev.default, &next.default) {
        (None, None) => true,
        // `dbgenerated()` without an expression: the database owns the default.
        (_, Some(DefaultValue::DbGenerated(e))) if e.trim().is_empty() => true,
        (Some(DefaultValue::DbGenerated(e)), _) if e.trim().is_empty() => true,
        (None, Some(_)) | (Some(_), None) => false,
        (Some(a), Some(b)) => default_values_equal(a, b),
    }
}

fn default_values_equal(a: &DefaultValue, b: &DefaultValue) -> bool {
    match (a, b) {
        (DefaultValue::Now, DefaultValue::Now) => true,
        (DefaultValue::Now, DefaultValue::DbGenerated(e))
        | (DefaultValue::DbGenerated(e), DefaultValue::Now) => is_now_expression(e),
        (DefaultValue::DbGenerated(x), DefaultValue::DbGenerated(y)) => {
            normalize_expression(x) == normalize_expression(y)
        }
        (DefaultValue::DbGenerated(e), DefaultValue::Value(v))
        | (DefaultValue::Value(v), DefaultValue::DbGenerated(e)) => {
            let e = normalize_expression(e);
            literal_spellings(v)
                .iter()
                .any(|s| normalize_expression(s) == e)
        }
        (DefaultValue::Value(x), DefaultValue::Value(y)) => values_equal(x, y),
        (DefaultValue::Now, DefaultValue::Value(_))
        | (DefaultValue::Value(_), DefaultValue::Now) => false,
    }
}

/// Lower case, no whitespace, no redundant outer parentheses.
pub(crate) fn normalize_expression(e: &str) -> String {
    let mut s: String = e
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    while s.starts_with('(') && s.ends_with(')') && parens_wrap_whole(&s) {
        s = s[1..s.len() - 1].to_string();
    }
    s
}

fn parens_wrap_whole(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_str = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => {
                depth -= 1;
                if depth == 0 && i != s.len() - 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

pub(crate) fn is_now_expression(e: &str) -> bool {
    let e = normalize_expression(e);
    e == "current_timestamp"
        || e == "now()"
        || e == "current_timestamp()"
        || (e.starts_with("current_timestamp(") && e.ends_with(')'))
        || e == "localtimestamp"
}

fn literal_spellings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) | Value::Enum(s) | Value::Json(s) | Value::DateTime(s) => {
            vec![format!("'{}'", s.replace('\'', "''")).to_lowercase()]
        }
        Value::Int(i) => vec![i.to_string()],
        Value::Number(n) => vec![n.to_lowercase()],
        Value::Boolean(b) => vec![b.to_string(), u8::from(*b).to_string()],
        Value::Bytes(_) | Value::List(_) => Vec::new(),
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    use Value as V;
    match (a, b) {
        // Prisma does not diff date-time defaults either: their spellings vary too much.
        (V::DateTime(_), _) | (_, V::DateTime(_)) => true,
        (V::String(x) | V::Enum(x), V::String(y) | V::Enum(y)) => x == y,
        (V::Json(x), V::Json(y)) | (V::Json(x), V::String(y)) | (V::String(x), V::Json(y)) => {
            json_equal(x, y)
        }
        (V::Boolean(x), V::Boolean(y)) => x == y,
        (V::Boolean(x), V::Int(i)) | (V::Int(i), V::Boolean(x)) => i64::from(*x) == *i,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Int(_) | V::Number(_), V::Int(_) | V::Number(_)) => {
            match (number_of(a), number_of(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        }
        (V::Bytes(x), V::Bytes(y)) => x == y,
        (V::List(x), V::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        _ => false,
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Number(n) => n.trim().parse().ok(),
        _ => None,
    }
}

fn json_equal(x: &str, y: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(x),
        serde_json::from_str::<serde_json::Value>(y),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => x == y,
    }
}

/// Operator classes that are the default for the access method and type they are used with,
/// which databases therefore do not report back.
const DEFAULT_OPERATOR_CLASSES: &[&str] = &[
    "jsonb_ops",
    "array_ops",
    "inet_ops",
    "text_ops",
    "int4_ops",
    "int8_ops",
];

fn operator_classes_equal(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (Some(x), None) | (None, Some(x)) => DEFAULT_OPERATOR_CLASSES
            .iter()
            .any(|d| d.eq_ignore_ascii_case(x)),
    }
}

fn index_columns_equal(a: &[IndexColumn], b: &[IndexColumn]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.name == y.name
                && x.sort.unwrap_or(SortOrder::Asc) == y.sort.unwrap_or(SortOrder::Asc)
                && x.length == y.length
                && operator_classes_equal(&x.operator_class, &y.operator_class)
        })
}

/// True when two indexes have the same definition (their names aside).
pub(crate) fn index_definitions_equal(a: &Index, b: &Index) -> bool {
    a.kind == b.kind
        && a.effective_algorithm() == b.effective_algorithm()
        && index_columns_equal(&a.columns, &b.columns)
}

/// True when two primary keys cover the same columns the same way (their names aside).
pub(crate) fn primary_key_columns_equal(a: &PrimaryKey, b: &PrimaryKey) -> bool {
    index_columns_equal(&a.columns, &b.columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_expressions() {
        assert_eq!(
            normalize_expression("(uuid_to_bin(uuid(), 1))"),
            "uuid_to_bin(uuid(),1)"
        );
        assert_eq!(normalize_expression("(a) + (b)"), "(a)+(b)");
        assert!(is_now_expression("current_timestamp(3)"));
        assert!(is_now_expression("CURRENT_TIMESTAMP"));
    }

    #[test]
    fn compares_values_by_meaning() {
        assert!(values_equal(&Value::Number("0.00".into()), &Value::Int(0)));
        assert!(values_equal(&Value::Boolean(true), &Value::Int(1)));
        assert!(values_equal(
            &Value::Json("{ }".into()),
            &Value::String("{}".into())
        ));
        assert!(!values_equal(
            &Value::String("a".into()),
            &Value::String("b".into())
        ));
    }
}
