//! The join strategy: a whole `find_many` with its includes in one statement.
//!
//! Each include is a correlated subquery that aggregates the related rows into a JSON array
//! (`json_agg` on PostgreSQL, `json_group_array` on SQLite, `JSON_ARRAYAGG` on MySQL/MariaDB).
//! Every element is itself a JSON array: `[ordinal, column..., count..., nested include...]`.
//! The ordinal keeps the database's order through the aggregation; columns whose JSON form
//! would lose information travel as text (decimals, JSON) or hex (bytes).

use super::read::{
    effective_order, order_list, related_from_where as filter_and_link, select_list,
    table as table_ref, where_order_limit,
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
        include_json(s, m, 0, inc);
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

/// `[ordinal, columns..., counts..., includes...]` for one related row aliased `alias`.
fn element(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, args: &FindArgs, ordinal: bool) {
    let d = s.dialect();
    s.sql(match d {
        Dialect::Postgres => "json_build_array(",
        Dialect::Sqlite => "json_array(",
        Dialect::Mysql => "JSON_ARRAY(",
    });
    if ordinal {
        s.sql("ROW_NUMBER() OVER (");
        let order = effective_order(m, args);
        if !order.is_empty() {
            s.sql("ORDER BY ");
            order_list(s, m, alias, &order);
        }
        s.sql(")");
    } else {
        s.sql("0");
    }
    let all: Vec<usize>;
    let cols = match &args.columns {
        Some(c) => c.as_slice(),
        None => {
            all = (0..m.fields.len()).collect();
            &all
        }
    };
    for &c in cols {
        s.sql(", ");
        json_column(s, alias, m, c);
    }
    for c in &args.counts {
        s.sql(", (SELECT COUNT(*) FROM ");
        filter_and_link(s, m, alias, c.relation, c.filter.as_ref());
        s.sql(")");
    }
    for inc in &args.includes {
        s.sql(", ");
        include_json(s, m, alias, inc);
    }
    s.sql(")");
}

/// The JSON of one include, correlated with the parent row aliased `alias`.
fn include_json(s: &mut dyn Sink, parent: &'static ModelMeta, alias: usize, inc: &Include) {
    let rel = parent.relation(inc.relation);
    let child = rel.related;
    let inner = alias + 1;
    let d = s.dialect();
    let sub = "__quarry_sub";
    if !rel.many {
        // To-one: the row's element, or NULL.
        if d == Dialect::Sqlite {
            s.sql("json(");
        }
        s.sql("(SELECT ");
        element(s, child, inner, &inc.args, false);
        s.sql(" FROM ");
        filter_and_link(s, parent, alias, inc.relation, inc.args.filter.as_ref());
        s.sql(" LIMIT 1)");
        if d == Dialect::Sqlite {
            s.sql(")");
        }
        return;
    }
    match d {
        Dialect::Postgres | Dialect::Sqlite => {
            let (open, agg, empty) = if d == Dialect::Postgres {
                ("COALESCE((SELECT json_agg(", "", "), '[]'::json)")
            } else {
                (
                    "json(COALESCE((SELECT json_group_array(json(",
                    ")",
                    "), '[]'))",
                )
            };
            s.sql(open);
            s.ident(sub);
            s.sql(".");
            s.ident("j");
            s.sql(agg);
            s.sql(") FROM (SELECT ");
            element(s, child, inner, &inc.args, true);
            s.sql(" AS ");
            s.ident("j");
            s.sql(" FROM ");
            filter_and_link(s, parent, alias, inc.relation, inc.args.filter.as_ref());
            let order = effective_order(child, &inc.args);
            if !order.is_empty() {
                s.sql(" ORDER BY ");
                order_list(s, child, inner, &order);
            }
            limit_offset(s, &inc.args);
            s.sql(") AS ");
            s.ident(sub);
            s.sql(empty);
        }
        Dialect::Mysql => {
            // MariaDB cannot correlate a derived table with the outer query, so order and page
            // inside the aggregate itself.
            s.sql("COALESCE((SELECT JSON_ARRAYAGG(");
            element(s, child, inner, &inc.args, false);
            let order = effective_order(child, &inc.args);
            if !order.is_empty() {
                s.sql(" ORDER BY ");
                order_list(s, child, inner, &order);
            }
            if inc.args.take.is_some() || inc.args.skip.is_some() {
                s.sql(" LIMIT ");
                if let Some(k) = inc.args.skip {
                    s.bind(&Value::BigInt(k as i64), None);
                    s.sql(", ");
                }
                let take = inc.args.take.map_or(i64::MAX, |t| t.unsigned_abs() as i64);
                s.bind(&Value::BigInt(take), None);
            }
            s.sql(") FROM ");
            filter_and_link(s, parent, alias, inc.relation, inc.args.filter.as_ref());
            s.sql("), JSON_ARRAY())");
        }
    }
}

fn limit_offset(s: &mut dyn Sink, args: &FindArgs) {
    if let Some(t) = args.take {
        s.sql(" LIMIT ");
        s.bind(&Value::BigInt(t.unsigned_abs() as i64), None);
    } else if args.skip.is_some() {
        s.sql(s.dialect().offset_without_limit());
    }
    if let Some(k) = args.skip {
        s.sql(" OFFSET ");
        s.bind(&Value::BigInt(k as i64), None);
    }
}
