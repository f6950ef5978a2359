//! Reading PostgreSQL and SQLite rows straight into generated structs.
//!
//! Owns: the fast path of plain reads (no include, `_count`, select or distinct) on PostgreSQL
//! and SQLite, where the dynamic [`Value`] layer costs an allocation and copies per row. Each
//! field type reads its column directly when the column has the type the field expects, and
//! falls back to the general decoder (and its conversions) otherwise, so both paths give the
//! same values.

use crate::exec::{decode_postgres_cell, pg_datetime};
use crate::meta::FieldMeta;
use crate::value::{FromValue, Value};
use sqlx::postgres::{PgRow, PgValueRef};
use sqlx::{Decode, Row, TypeInfo, ValueRef};

/// A field type readable from a PostgreSQL column.
pub trait ReadPg: Sized {
    /// Reads column `i` of `row` for `field`.
    fn read_pg(row: &PgRow, i: usize, field: &'static FieldMeta) -> Result<Self, String> {
        Self::read_pg_value(raw(row, i)?, row, i, field)
    }

    /// Reads `v`, the value of column `i` of `row`, already fetched: fetching costs about as
    /// much as decoding a number (`Row::try_get_raw` clones the column's type).
    fn read_pg_value(
        v: PgValueRef<'_>,
        row: &PgRow,
        i: usize,
        field: &'static FieldMeta,
    ) -> Result<Self, String>;
}

/// The general path: decode into a [`Value`], then convert.
pub fn read_pg_via_value<T: FromValue>(
    row: &PgRow,
    i: usize,
    field: &'static FieldMeta,
) -> Result<T, String> {
    T::from_value(decode_postgres_cell(row, i, field)?)
}

fn raw<'r>(row: &'r PgRow, i: usize) -> Result<sqlx::postgres::PgValueRef<'r>, String> {
    row.try_get_raw(i).map_err(|e| e.to_string())
}

macro_rules! direct {
    ($t:ty, [$($name:literal),+]) => {
        impl ReadPg for $t {
            fn read_pg_value(
                v: PgValueRef<'_>,
                row: &PgRow,
                i: usize,
                field: &'static FieldMeta,
            ) -> Result<Self, String> {
                if !v.is_null() && matches!(v.type_info().name(), $($name)|+) {
                    return <$t as Decode<sqlx::Postgres>>::decode(v).map_err(|e| e.to_string());
                }
                read_pg_via_value(row, i, field)
            }
        }
    };
}

direct!(i32, ["INT4"]);
direct!(i64, ["INT8"]);
direct!(f64, ["FLOAT8"]);
direct!(bool, ["BOOL"]);
direct!(String, ["TEXT", "VARCHAR", "BPCHAR", "NAME"]);
// The general decoder reads unknown arrays as text, which JSON and bytes elements are not.
direct!(Vec<serde_json::Value>, ["JSONB[]", "JSON[]"]);
direct!(Vec<Vec<u8>>, ["BYTEA[]"]);

impl ReadPg for chrono::DateTime<chrono::Utc> {
    fn read_pg_value(
        v: PgValueRef<'_>,
        row: &PgRow,
        i: usize,
        field: &'static FieldMeta,
    ) -> Result<Self, String> {
        if !v.is_null() && v.format() == sqlx::postgres::PgValueFormat::Binary {
            let ty = v.type_info();
            let name = ty.name();
            if name == "TIMESTAMP" || name == "TIMESTAMPTZ" {
                return pg_datetime(name, v.as_bytes().map_err(|e| e.to_string())?);
            }
        }
        read_pg_via_value(row, i, field)
    }
}

/// Types read through the general path; `read_pg` skips fetching a value it would not use.
macro_rules! via_value {
    ($($t:ty),*) => {
        $(impl ReadPg for $t {
            fn read_pg(row: &PgRow, i: usize, field: &'static FieldMeta) -> Result<Self, String> {
                read_pg_via_value(row, i, field)
            }
            fn read_pg_value(
                _: PgValueRef<'_>,
                row: &PgRow,
                i: usize,
                field: &'static FieldMeta,
            ) -> Result<Self, String> {
                read_pg_via_value(row, i, field)
            }
        })*
    };
}

// Scalar lists always take the general path too.
via_value!(
    crate::Decimal,
    serde_json::Value,
    Vec<u8>,
    Vec<i32>,
    Vec<i64>,
    Vec<f64>,
    Vec<bool>,
    Vec<String>,
    Vec<crate::Decimal>,
    Vec<chrono::DateTime<chrono::Utc>>
);

impl<T: ReadPg> ReadPg for Option<T> {
    fn read_pg_value(
        v: PgValueRef<'_>,
        row: &PgRow,
        i: usize,
        field: &'static FieldMeta,
    ) -> Result<Self, String> {
        if v.is_null() {
            return Ok(None);
        }
        T::read_pg_value(v, row, i, field).map(Some)
    }
}

/// Reads an enum column (labels travel as text), for generated enums.
pub fn read_pg_enum<E: FromValue>(
    row: &PgRow,
    i: usize,
    _field: &'static FieldMeta,
) -> Result<E, String> {
    let v = raw(row, i)?;
    if v.is_null() {
        return E::from_value(Value::Null);
    }
    let label = <String as Decode<sqlx::Postgres>>::decode(v).map_err(|e| e.to_string())?;
    E::from_value(Value::Enum(label))
}

/// Reads an enum array column, for generated enum lists: the general decoder does not know
/// the array type PostgreSQL names after the enum (`_Role`).
pub fn read_pg_enum_list<E: FromValue>(
    row: &PgRow,
    i: usize,
    field: &'static FieldMeta,
) -> Result<Vec<E>, String> {
    let v = raw(row, i)?;
    if v.is_null() {
        return read_pg_via_value(row, i, field);
    }
    let labels = <Vec<String> as Decode<sqlx::Postgres>>::decode(v).map_err(|e| e.to_string())?;
    labels
        .into_iter()
        .map(|label| E::from_value(Value::Enum(label)))
        .collect()
}

/// A field type readable from a SQLite column.
pub trait ReadSqlite: Sized {
    /// Reads column `i` of `row` for `field`.
    fn read_sqlite(
        row: &rusqlite::Row<'_>,
        i: usize,
        field: &'static FieldMeta,
    ) -> Result<Self, String> {
        Self::read_sqlite_value(crate::sqlite::cell(row, i)?, field)
    }

    /// Reads `v`, a value of `field`'s column.
    fn read_sqlite_value(v: SqliteValue<'_>, field: &'static FieldMeta) -> Result<Self, String>;
}

use rusqlite::types::ValueRef as SqliteValue;

/// The general path on SQLite: decode into a [`Value`] (by the value's storage class), convert
/// to the field's kind, then into `T`.
pub fn read_sqlite_via_value<T: FromValue>(
    v: SqliteValue<'_>,
    field: &'static FieldMeta,
) -> Result<T, String> {
    T::from_value(crate::sqlite::decode_cell(
        v,
        crate::exec::ColumnSpec::Field(field),
    )?)
}

/// Reads column `i` of a SQLite row the general way (enums, enum lists).
pub fn read_sqlite_value<T: FromValue>(
    row: &rusqlite::Row<'_>,
    i: usize,
    field: &'static FieldMeta,
) -> Result<T, String> {
    read_sqlite_via_value(crate::sqlite::cell(row, i)?, field)
}

/// The storage classes read without the general path; each gives what the general path
/// would (`exec::coerce`), and everything else takes that path.
macro_rules! sqlite_direct {
    ($t:ty, |$v:ident| $read:expr) => {
        impl ReadSqlite for $t {
            fn read_sqlite_value(
                $v: SqliteValue<'_>,
                field: &'static FieldMeta,
            ) -> Result<Self, String> {
                match $read {
                    Some(r) => r,
                    None => read_sqlite_via_value($v, field),
                }
            }
        }
    };
}

sqlite_direct!(i64, |v| match v {
    SqliteValue::Integer(n) => Some(Ok(n)),
    _ => None,
});
sqlite_direct!(i32, |v| match v {
    SqliteValue::Integer(n) => i32::try_from(n).ok().map(Ok),
    _ => None,
});
sqlite_direct!(f64, |v| match v {
    SqliteValue::Real(f) => Some(Ok(f)),
    _ => None,
});
sqlite_direct!(bool, |v| match v {
    SqliteValue::Integer(n) => Some(Ok(n != 0)),
    _ => None,
});
sqlite_direct!(String, |v| match v {
    SqliteValue::Text(t) => Some(crate::sqlite::text(t).map(str::to_string)),
    _ => None,
});
sqlite_direct!(chrono::DateTime<chrono::Utc>, |v| match v {
    SqliteValue::Text(t) => Some(crate::sqlite::text(t).and_then(crate::exec::parse_datetime)),
    _ => None,
});

macro_rules! sqlite_via_value {
    ($($t:ty),*) => {
        $(impl ReadSqlite for $t {
            fn read_sqlite_value(
                v: SqliteValue<'_>,
                field: &'static FieldMeta,
            ) -> Result<Self, String> {
                read_sqlite_via_value(v, field)
            }
        })*
    };
}

sqlite_via_value!(
    crate::Decimal,
    serde_json::Value,
    Vec<u8>,
    Vec<i32>,
    Vec<i64>,
    Vec<f64>,
    Vec<bool>,
    Vec<String>,
    Vec<crate::Decimal>,
    Vec<chrono::DateTime<chrono::Utc>>,
    Vec<serde_json::Value>,
    Vec<Vec<u8>>
);

impl<T: ReadSqlite> ReadSqlite for Option<T> {
    fn read_sqlite_value(v: SqliteValue<'_>, field: &'static FieldMeta) -> Result<Self, String> {
        match v {
            SqliteValue::Null => Ok(None),
            v => T::read_sqlite_value(v, field).map(Some),
        }
    }
}
