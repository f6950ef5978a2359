//! INSERT, UPDATE and DELETE.
//!
//! Writes that target many rows select them with the read filter in a derived table
//! (`WHERE pk IN (SELECT pk FROM (SELECT ... WHERE filter) AS q)`): the filter keeps its
//! aliases and relation conditions, and MySQL accepts it although it forbids selecting from
//! the table being updated directly.

use super::read::{filter_sql, table};
use super::{Dialect, Sink};
use crate::meta::{ModelMeta, ScalarKind};
use crate::query::Filter;
use crate::value::Value;

/// How one column is written.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldWrite {
    /// `col = value`
    Set(Value),
    /// `col = col + n`
    Increment(Value),
    /// `col = col - n`
    Decrement(Value),
    /// `col = col * n`
    Multiply(Value),
    /// `col = col / n`
    Divide(Value),
    /// `col = col || values` (scalar lists: appends).
    Push(Value),
}

fn column_list(s: &mut dyn Sink, m: &'static ModelMeta, cols: &[usize]) {
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            s.sql(", ");
        }
        s.ident(m.fields[*c].column);
    }
}

/// `INSERT INTO t (cols) VALUES (..), (..) [ON CONFLICT DO NOTHING] [RETURNING cols]`.
pub(crate) fn insert_statement(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    cols: &[usize],
    rows: &[Vec<Value>],
    skip_duplicates: bool,
    returning: &[usize],
) {
    let d = s.dialect();
    s.sql(match (skip_duplicates, d) {
        (true, Dialect::Sqlite) => "INSERT OR IGNORE INTO ",
        (true, Dialect::Mysql) => "INSERT IGNORE INTO ",
        _ => "INSERT INTO ",
    });
    table(s, m);
    if cols.is_empty() {
        s.sql(if d == Dialect::Mysql {
            " () VALUES ()"
        } else {
            " DEFAULT VALUES"
        });
    } else {
        s.sql(" (");
        column_list(s, m, cols);
        s.sql(") VALUES ");
        for (r, row) in rows.iter().enumerate() {
            if r > 0 {
                s.sql(", ");
            }
            s.sql("(");
            for (i, (c, v)) in cols.iter().zip(row).enumerate() {
                if i > 0 {
                    s.sql(", ");
                }
                s.bind(v, Some(&m.fields[*c]));
            }
            s.sql(")");
        }
    }
    if skip_duplicates && d == Dialect::Postgres {
        s.sql(" ON CONFLICT DO NOTHING");
    }
    if !returning.is_empty() {
        s.sql(" RETURNING ");
        column_list(s, m, returning);
    }
}

/// `SET col = ?, n = n + ?`
fn set_list(s: &mut dyn Sink, m: &'static ModelMeta, data: &[(usize, FieldWrite)]) {
    for (i, (c, w)) in data.iter().enumerate() {
        if i > 0 {
            s.sql(", ");
        }
        let f = &m.fields[*c];
        s.ident(f.column);
        s.sql(" = ");
        let (op, v) = match w {
            FieldWrite::Set(v) => {
                s.bind(v, Some(f));
                continue;
            }
            FieldWrite::Increment(v) => (" + ", v),
            FieldWrite::Decrement(v) => (" - ", v),
            FieldWrite::Multiply(v) => (" * ", v),
            // MySQL's `/` divides as decimals (and the column rounds); `DIV` truncates like
            // integer division elsewhere.
            FieldWrite::Divide(v)
                if s.dialect() == Dialect::Mysql
                    && matches!(f.kind, ScalarKind::Int | ScalarKind::BigInt) =>
            {
                (" DIV ", v)
            }
            FieldWrite::Divide(v) => (" / ", v),
            FieldWrite::Push(v) => {
                // A NULL list (what a create without the list stores) takes the values.
                s.sql("COALESCE(");
                s.ident(f.column);
                s.sql(", '{}') || ");
                s.bind(v, Some(f));
                continue;
            }
        };
        s.ident(f.column);
        s.sql(op);
        s.bind(v, None);
    }
}

/// `WHERE pk IN (SELECT pk FROM (SELECT t0.pk FROM t AS t0 WHERE filter) AS q)`, or nothing
/// without a filter.
fn rows_matching(s: &mut dyn Sink, m: &'static ModelMeta, filter: Option<&Filter>) {
    let Some(filter) = filter else {
        return;
    };
    let pk = m.primary_key;
    s.sql(" WHERE ");
    if pk.len() > 1 {
        s.sql("(");
    }
    column_list(s, m, pk);
    if pk.len() > 1 {
        s.sql(")");
    }
    s.sql(" IN (SELECT ");
    column_list(s, m, pk);
    s.sql(" FROM (SELECT ");
    for (i, c) in pk.iter().enumerate() {
        if i > 0 {
            s.sql(", ");
        }
        s.alias(0);
        s.sql(".");
        s.ident(m.fields[*c].column);
    }
    s.sql(" FROM ");
    table(s, m);
    s.sql(" AS ");
    s.alias(0);
    s.sql(" WHERE ");
    filter_sql(s, m, 0, filter);
    s.sql(") AS ");
    s.ident("__quarry_rows");
    s.sql(")");
}

/// `WHERE pk1 = ? AND pk2 = ?`: by-key writes touch exactly one row, with no subquery (a
/// subquery would take shared locks on InnoDB and let concurrent updates deadlock).
fn key_condition(s: &mut dyn Sink, m: &'static ModelMeta, key: &[(usize, Value)]) {
    s.sql(" WHERE ");
    for (i, (c, v)) in key.iter().enumerate() {
        if i > 0 {
            s.sql(" AND ");
        }
        s.ident(m.fields[*c].column);
        s.sql(" = ");
        s.bind(v, Some(&m.fields[*c]));
    }
}

/// `UPDATE t SET ... WHERE pk = ?`.
pub(crate) fn update_by_key_statement(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    data: &[(usize, FieldWrite)],
    key: &[(usize, Value)],
) {
    s.sql("UPDATE ");
    table(s, m);
    s.sql(" SET ");
    set_list(s, m, data);
    key_condition(s, m, key);
}

/// `DELETE FROM t WHERE pk = ?`.
pub(crate) fn delete_by_key_statement(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    key: &[(usize, Value)],
) {
    s.sql("DELETE FROM ");
    table(s, m);
    key_condition(s, m, key);
}

/// `UPDATE t SET ... WHERE <rows matching filter>`.
pub(crate) fn update_statement(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    data: &[(usize, FieldWrite)],
    filter: Option<&Filter>,
    returning: &[usize],
) {
    s.sql("UPDATE ");
    table(s, m);
    s.sql(" SET ");
    set_list(s, m, data);
    rows_matching(s, m, filter);
    if !returning.is_empty() {
        s.sql(" RETURNING ");
        column_list(s, m, returning);
    }
}

/// `DELETE FROM t WHERE <rows matching filter>`.
pub(crate) fn delete_statement(s: &mut dyn Sink, m: &'static ModelMeta, filter: Option<&Filter>) {
    s.sql("DELETE FROM ");
    table(s, m);
    rows_matching(s, m, filter);
}

/// `SELECT LAST_INSERT_ID()` (MySQL, after an insert on the same connection).
pub(crate) fn last_insert_id_statement(s: &mut dyn Sink) {
    s.sql("SELECT LAST_INSERT_ID()");
}
