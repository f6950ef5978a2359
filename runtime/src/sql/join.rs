//! The join strategy: a whole `find_many` with its includes in one statement.
//!
//! Each include is a correlated subquery that aggregates the related rows into a JSON array
//! (`json_agg` on PostgreSQL, `jsonb_group_array` on SQLite, `JSON_ARRAYAGG` on MySQL/MariaDB).
//! SQLite builds binary JSONB all the way and renders text once, at the top: text JSON would
//! be parsed again at every level.
//! Every element is itself a JSON array: `[column..., count..., nested include...]`. The rows
//! are ordered and paged in a subquery that the aggregate reads in order (as Prisma's own
//! relation joins do); MariaDB cannot correlate a derived table, so there the aggregate orders
//! and pages itself. Columns whose JSON form would lose information travel as text (decimals,
//! JSON) or hex (bytes).

use super::read::{
    cursor_sql, effective_order, limit_offset, order_list, related_from_where as filter_and_link,
    select_list, table as table_ref, where_order_limit,
};
use super::{Dialect, Sink};
use crate::meta::{ModelMeta, ScalarKind};
use crate::query::{FindArgs, Include};
use crate::value::Value;

/// `SELECT columns, counts, include... FROM model WHERE ... ORDER BY ... LIMIT ...`
pub(crate) fn join_select_statement(s: &mut dyn Sink, m: &'static ModelMeta, args: &FindArgs) {
    s.sql("SELECT ");
    select_list(s, m, 0, args);
    for inc in &args.includes {
        s.sql(", ");
        // The loader reads the JSON as text: PostgreSQL would send `json`, SQLite JSONB.
        let (open, close) = match s.dialect() {
            Dialect::Postgres => ("CAST(", " AS TEXT)"),
            Dialect::Sqlite => ("json(", ")"),
            Dialect::Mysql => ("", ""),
        };
        s.sql(open);
        include_json(s, m, 0, inc);
        s.sql(close);
    }
    s.sql(" FROM ");
    table_ref(s, m);
    s.sql(" AS ");
    s.alias(0);
    where_order_limit(s, m, 0, args);
}

/// One column as a JSON-safe expression.
fn json_column(s: &mut dyn Sink, alias: usize, m: &'static ModelMeta, field: usize) {
    let f = &m.fields[field];
    let d = s.dialect();
    let col = |s: &mut dyn Sink| {
        s.alias(alias);
        s.sql(".");
        s.ident(f.column);
    };
    let text_cast = |s: &mut dyn Sink| {
        s.sql("CAST(");
        col(s);
        s.sql(if d == Dialect::Mysql {
            " AS CHAR)"
        } else {
            " AS TEXT)"
        });
    };
    if f.list {
        col(s);
        return;
    }
    match f.kind {
        // SQLite's JSON prints REALs with 15 digits; its printf with the `!` flag is exact to
        // about 19 (long double), enough to round-trip every double. Values stored as text or
        // integers (decimals often are) travel as their text.
        ScalarKind::Float | ScalarKind::Decimal if d == Dialect::Sqlite => {
            s.sql("CASE typeof(");
            col(s);
            s.sql(") WHEN 'real' THEN printf('%!.20e', ");
            col(s);
            s.sql(") ELSE CAST(");
            col(s);
            s.sql(" AS TEXT) END");
        }
        // Money as text is locale-formatted (`$1,234.50`); go through NUMERIC.
        ScalarKind::Decimal if f.native_type == Some("Money") => {
            s.sql("CAST(CAST(");
            col(s);
            s.sql(" AS NUMERIC) AS TEXT)");
        }
        ScalarKind::Decimal | ScalarKind::Json => text_cast(s),
        ScalarKind::Bytes => {
            // HEX(NULL) is '' on SQLite and MySQL: keep NULL a NULL.
            s.sql("CASE WHEN ");
            col(s);
            s.sql(" IS NULL THEN NULL ELSE ");
            s.sql(if d == Dialect::Postgres {
                "encode("
            } else {
                "HEX("
            });
            col(s);
            s.sql(if d == Dialect::Postgres {
                ", 'hex') END"
            } else {
                ") END"
            });
        }
        _ => col(s),
    }
}

/// `[columns..., counts..., includes...]` for one related row aliased `alias`.
fn element(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, args: &FindArgs) {
    s.sql(match s.dialect() {
        Dialect::Postgres => "json_build_array(",
        Dialect::Sqlite => "jsonb_array(",
        Dialect::Mysql => "JSON_ARRAY(",
    });
    let all: Vec<usize>;
    let cols = match &args.columns {
        Some(c) => c.as_slice(),
        None => {
            all = (0..m.fields.len()).collect();
            &all
        }
    };
    let mut first = true;
    let mut sep = |s: &mut dyn Sink| {
        if !std::mem::take(&mut first) {
            s.sql(", ");
        }
    };
    for &c in cols {
        sep(s);
        json_column(s, alias, m, c);
    }
    for c in &args.counts {
        sep(s);
        s.sql("(SELECT COUNT(*) FROM ");
        filter_and_link(s, m, alias, c.relation, c.filter.as_ref());
        s.sql(")");
    }
    for inc in &args.includes {
        sep(s);
        include_json(s, m, alias, inc);
    }
    s.sql(")");
}

/// The JSON of one include, correlated with the parent row aliased `alias`.
///
/// A backwards page (negative take) is read in reverse order, and pages with `distinct` or a
/// cursor are paged by the loader (`FindArgs::related_paged_in_sql`).
fn include_json(s: &mut dyn Sink, parent: &'static ModelMeta, alias: usize, inc: &Include) {
    let rel = parent.relation(inc.relation);
    let child = rel.related;
    let args = &inc.args;
    let inner = alias + 1;
    let d = s.dialect();
    let sub = "__quarry_sub";
    // `FROM related WHERE link AND filter AND cursor`.
    let order = effective_order(child, args);
    let backwards = args.take.is_some_and(|t| t < 0);
    let rows = |s: &mut dyn Sink| {
        filter_and_link(s, parent, alias, inc.relation, args.filter.as_ref());
        if let Some(cursor) = &args.cursor {
            s.sql(" AND ");
            cursor_sql(s, child, inner, cursor, &order, backwards);
        }
    };
    let order_by = |s: &mut dyn Sink| {
        if !order.is_empty() {
            s.sql(" ORDER BY ");
            order_list(s, child, inner, &order, backwards);
        }
    };
    let paged = args.related_paged_in_sql() && (args.take.is_some() || args.skip.is_some());
    if !rel.many {
        // To-one: the row's element, or NULL.
        s.sql("(SELECT ");
        element(s, child, inner, args);
        s.sql(" FROM ");
        rows(s);
        s.sql(" LIMIT 1)");
        return;
    }
    match d {
        Dialect::Postgres | Dialect::Sqlite => {
            // SQLite's aggregate of no rows is already `[]`.
            let (open, empty) = if d == Dialect::Postgres {
                ("COALESCE((SELECT json_agg(", "), '[]'::json)")
            } else {
                ("(SELECT jsonb_group_array(", ")")
            };
            s.sql(open);
            s.ident(sub);
            s.sql(".");
            s.ident("j");
            s.sql(") FROM (SELECT ");
            element(s, child, inner, args);
            s.sql(" AS ");
            s.ident("j");
            s.sql(" FROM ");
            rows(s);
            order_by(s);
            if paged {
                limit_offset(s, args.take, args.skip);
            }
            s.sql(") AS ");
            s.ident(sub);
            s.sql(empty);
        }
        Dialect::Mysql => {
            // MariaDB cannot correlate a derived table with the outer query, so order and page
            // inside the aggregate itself.
            s.sql("COALESCE((SELECT JSON_ARRAYAGG(");
            element(s, child, inner, args);
            order_by(s);
            if paged {
                s.sql(" LIMIT ");
                if let Some(k) = args.skip {
                    s.bind(&Value::BigInt(k as i64), None);
                    s.sql(", ");
                }
                let take = args.take.map_or(i64::MAX, |t| t.unsigned_abs() as i64);
                s.bind(&Value::BigInt(take), None);
            }
            s.sql(") FROM ");
            rows(s);
            s.sql("), JSON_ARRAY())");
        }
    }
}
