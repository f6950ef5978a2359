//! SELECT statements: rows, related rows, counts and aggregates.

use super::dialect::{like_pattern, INLINE_LIST_MAX, LIKE_ESCAPE};
use super::{Dialect, Sink};
use crate::meta::{FieldMeta, Link, ModelMeta, ScalarKind};
use crate::query::{
    Aggregate, AggregateArgs, Direction, Filter, FindArgs, Having, Nulls, OrderBy, Quantifier,
    RelationCount, ScalarOp,
};
use crate::value::Value;

/// A piece of SQL written on demand (e.g. the parent-key condition of related rows).
type SqlFragment<'a> = dyn Fn(&mut dyn Sink) + 'a;

/// Column alias of the row number used for per-parent paging of related rows.
const ROW_NUMBER: &str = "__quarry_rn";
/// Column alias of the parent key appended to rows loaded through a join table.
const PARENT_KEY: &str = "__quarry_parent";

pub(super) fn table(s: &mut dyn Sink, m: &'static ModelMeta) {
    if let Some(schema) = m.schema {
        s.ident(schema);
        s.sql(".");
    }
    s.ident(m.table);
}

fn column(s: &mut dyn Sink, alias: usize, m: &'static ModelMeta, field: usize) {
    s.alias(alias);
    s.sql(".");
    s.ident(m.fields[field].column);
}

fn comma_separated<T>(s: &mut dyn Sink, items: &[T], mut each: impl FnMut(&mut dyn Sink, &T)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.sql(", ");
        }
        each(s, item);
    }
}

/// The columns a query reads, in order: the selected fields, then one count per `_count`.
pub(super) fn select_list(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, args: &FindArgs) {
    let all: Vec<usize>;
    let cols = match &args.columns {
        Some(c) => c.as_slice(),
        None => {
            all = (0..m.fields.len()).collect();
            &all
        }
    };
    comma_separated(s, cols, |s, &f| column(s, alias, m, f));
    for c in &args.counts {
        s.sql(", ");
        relation_count(s, m, alias, c);
    }
}

/// `(SELECT COUNT(*) FROM related WHERE link [AND filter])`
fn relation_count(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, c: &RelationCount) {
    s.sql("(SELECT COUNT(*) FROM ");
    related_from_where(s, m, alias, c.relation, c.filter.as_ref());
    s.sql(")");
}

/// `related AS t{n} WHERE <linked to parent alias> [AND filter]`, for correlated subqueries.
pub(super) fn related_from_where(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    relation: usize,
    filter: Option<&Filter>,
) {
    let rel = m.relation(relation);
    let inner = alias + 1;
    match &rel.link {
        Link::Direct { local, remote } => {
            table(s, rel.related);
            s.sql(" AS ");
            s.alias(inner);
            s.sql(" WHERE ");
            for (i, (l, r)) in local.iter().zip(remote.iter()).enumerate() {
                if i > 0 {
                    s.sql(" AND ");
                }
                column(s, inner, rel.related, *r);
                s.sql(" = ");
                column(s, alias, m, *l);
            }
        }
        Link::JoinTable {
            table: join,
            local_column,
            remote_column,
            local_key,
            remote_key,
        } => {
            s.ident(join);
            s.sql(" AS ");
            s.ident("__quarry_join");
            s.sql(" INNER JOIN ");
            table(s, rel.related);
            s.sql(" AS ");
            s.alias(inner);
            s.sql(" ON ");
            column(s, inner, rel.related, *remote_key);
            s.sql(" = ");
            s.ident("__quarry_join");
            s.sql(".");
            s.ident(remote_column);
            s.sql(" WHERE ");
            s.ident("__quarry_join");
            s.sql(".");
            s.ident(local_column);
            s.sql(" = ");
            column(s, alias, m, *local_key);
        }
    }
    if let Some(f) = filter {
        s.sql(" AND (");
        filter_sql(s, rel.related, inner, f);
        s.sql(")");
    }
}

/// Writes a filter on rows of `m` aliased `alias`.
pub(crate) fn filter_sql(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, f: &Filter) {
    match f {
        Filter::And(items) if items.is_empty() => s.sql("1=1"),
        Filter::Or(items) if items.is_empty() => s.sql("1=0"),
        Filter::And(items) | Filter::Or(items) => {
            let joiner = if matches!(f, Filter::And(_)) {
                " AND "
            } else {
                " OR "
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.sql(joiner);
                }
                s.sql("(");
                filter_sql(s, m, alias, item);
                s.sql(")");
            }
        }
        Filter::Not(inner) => {
            s.sql("NOT (");
            filter_sql(s, m, alias, inner);
            s.sql(")");
        }
        Filter::Scalar {
            field,
            op,
            insensitive,
        } => scalar_filter(s, m, alias, *field, op, *insensitive),
        Filter::Relation {
            relation,
            quantifier,
            filter,
        } => {
            let (negate, inner_negate) = match quantifier {
                Quantifier::Some | Quantifier::Is => (false, false),
                Quantifier::None | Quantifier::IsNot => (true, false),
                Quantifier::Every => (true, true),
            };
            if negate {
                s.sql("NOT ");
            }
            s.sql("EXISTS (SELECT 1 FROM ");
            let rel = m.relation(*relation);
            if inner_negate {
                // every: no related record fails the condition.
                let negated = Filter::Not(filter.clone());
                related_from_where(s, m, alias, *relation, Some(&negated));
            } else {
                related_from_where(s, m, alias, *relation, Some(filter));
            }
            let _ = rel;
            s.sql(")");
        }
    }
}

fn scalar_filter(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    field: usize,
    op: &ScalarOp,
    insensitive: bool,
) {
    let meta = &m.fields[field];
    let dialect = s.dialect();
    // Case-insensitive comparisons: ILIKE on PostgreSQL; LOWER() for equality elsewhere
    // (MySQL's default collations already compare case-insensitively).
    let lower = insensitive && meta.kind == ScalarKind::String && dialect != Dialect::Mysql;
    let col = |s: &mut dyn Sink| {
        if lower {
            s.sql("LOWER(");
            column(s, alias, m, field);
            s.sql(")");
        } else {
            column(s, alias, m, field);
        }
    };
    let val = |s: &mut dyn Sink, v: &Value| {
        if lower {
            s.sql("LOWER(");
            s.bind(v, Some(meta));
            s.sql(")");
        } else {
            s.bind(v, Some(meta));
        }
    };
    let compare = |s: &mut dyn Sink, operator: &'static str, v: &Value| {
        col(s);
        s.sql(operator);
        val(s, v);
    };
    match op {
        ScalarOp::Equals(Value::Null | Value::NullOf(_)) | ScalarOp::IsNull => {
            column(s, alias, m, field);
            s.sql(" IS NULL");
        }
        ScalarOp::NotEquals(Value::Null | Value::NullOf(_)) | ScalarOp::IsNotNull => {
            column(s, alias, m, field);
            s.sql(" IS NOT NULL");
        }
        ScalarOp::Equals(v) => compare(s, " = ", v),
        ScalarOp::NotEquals(v) => compare(s, " <> ", v),
        ScalarOp::Lt(v) => compare(s, " < ", v),
        ScalarOp::Lte(v) => compare(s, " <= ", v),
        ScalarOp::Gt(v) => compare(s, " > ", v),
        ScalarOp::Gte(v) => compare(s, " >= ", v),
        ScalarOp::In(vs) | ScalarOp::NotIn(vs) => {
            let not = matches!(op, ScalarOp::NotIn(_));
            if vs.is_empty() {
                s.sql(if not { "1=1" } else { "1=0" });
                return;
            }
            if vs.len() > INLINE_LIST_MAX {
                col(s);
                list_parameter(s, meta, vs, not, lower);
                return;
            }
            col(s);
            s.sql(if not { " NOT IN (" } else { " IN (" });
            for (i, v) in vs.iter().enumerate() {
                if i > 0 {
                    s.sql(", ");
                }
                val(s, v);
            }
            s.sql(")");
        }
        ScalarOp::Contains(n) | ScalarOp::StartsWith(n) | ScalarOp::EndsWith(n)
            if dialect == Dialect::Sqlite =>
        {
            sqlite_text_match(s, alias, m, field, op, n)
        }
        ScalarOp::Contains(n) | ScalarOp::StartsWith(n) | ScalarOp::EndsWith(n) => {
            let (pre, post) = match op {
                ScalarOp::Contains(_) => (true, true),
                ScalarOp::StartsWith(_) => (false, true),
                _ => (true, false),
            };
            let pattern = Value::String(like_pattern(n, pre, post));
            let ilike = insensitive && dialect == Dialect::Postgres;
            column(s, alias, m, field);
            s.sql(if ilike { " ILIKE " } else { " LIKE " });
            s.bind(&pattern, None);
            s.sql(LIKE_ESCAPE);
        }
        // Containment binds an array of the column's type (enum arrays need their cast, which
        // a lone element bound as text would not get).
        ScalarOp::Has(v) => {
            column(s, alias, m, field);
            s.sql(" @> ");
            s.bind_array(std::slice::from_ref(v), &m.fields[field]);
        }
        ScalarOp::HasEvery(vs) => {
            column(s, alias, m, field);
            s.sql(" @> ");
            s.bind_array(vs, &m.fields[field]);
        }
        ScalarOp::HasSome(vs) => {
            column(s, alias, m, field);
            s.sql(" && ");
            s.bind_array(vs, &m.fields[field]);
        }
        ScalarOp::IsEmpty(empty) => {
            s.sql("cardinality(");
            column(s, alias, m, field);
            s.sql(if *empty { ") = 0" } else { ") > 0" });
        }
    }
}

/// `contains`, `starts_with` and `ends_with` on SQLite. Its LIKE stops reading at a NUL
/// character, in the pattern and in the value, so a needle with NUL matched rows it should not
/// and a value with NUL was missed. `instr` and blob comparisons read every byte. `LOWER` on
/// both sides keeps LIKE's (and Prisma's) case-insensitive matching of ASCII letters: SQLite's
/// `LOWER` folds exactly those, and keeps the byte length.
fn sqlite_text_match(
    s: &mut dyn Sink,
    alias: usize,
    m: &'static ModelMeta,
    field: usize,
    op: &ScalarOp,
    needle: &str,
) {
    let needle = Value::String(needle.to_string());
    match op {
        ScalarOp::EndsWith(_) => {
            // The last bytes of the value, as many as the needle has; when the value is
            // shorter, `substr` returns fewer bytes than the needle and the test fails. On an
            // empty value `substr` gives NULL, so `coalesce` puts the (empty) value back.
            s.sql("coalesce(substr(CAST(LOWER(");
            column(s, alias, m, field);
            s.sql(") AS BLOB), 1 + length(CAST(");
            column(s, alias, m, field);
            s.sql(" AS BLOB)) - length(CAST(");
            s.bind(&needle, None);
            s.sql(" AS BLOB))), CAST(LOWER(");
            column(s, alias, m, field);
            s.sql(") AS BLOB)) = CAST(LOWER(");
            s.bind(&needle, None);
            s.sql(") AS BLOB)");
        }
        _ => {
            s.sql("instr(LOWER(");
            column(s, alias, m, field);
            s.sql("), LOWER(");
            s.bind(&needle, None);
            s.sql(if matches!(op, ScalarOp::StartsWith(_)) {
                ")) = 1"
            } else {
                ")) > 0"
            });
        }
    }
}

/// ` IN (...)` / ` NOT IN (...)` over a list bound as one parameter (after the column): a
/// PostgreSQL array, or a JSON array that SQLite's `json_each` and MySQL's `JSON_TABLE` turn
/// into rows. The values compare as inline binds would: each side keeps its type and the
/// column's affinity or collation decides (MySQL: `CAST(... AS CHAR)` takes the connection's
/// character set and yields to the column's collation).
fn list_parameter(
    s: &mut dyn Sink,
    field: &'static FieldMeta,
    values: &[Value],
    not: bool,
    lower: bool,
) {
    // The value each row of the list yields, and what reads the bound list into rows.
    let (value, from, rows) = match (s.dialect(), field.kind) {
        (Dialect::Postgres, _) => ("v", " FROM unnest(", ") AS v)"),
        (Dialect::Sqlite, ScalarKind::Bytes) => ("unhex(value)", " FROM json_each(", "))"),
        (Dialect::Sqlite, _) => ("value", " FROM json_each(", "))"),
        (Dialect::Mysql, kind) => {
            let (value, rows) = match kind {
                ScalarKind::Int | ScalarKind::BigInt | ScalarKind::Boolean => {
                    ("v", ", '$[*]' COLUMNS (v BIGINT PATH '$')) AS t)")
                }
                ScalarKind::Float => ("v", ", '$[*]' COLUMNS (v DOUBLE PATH '$')) AS t)"),
                ScalarKind::Decimal => ("v", ", '$[*]' COLUMNS (v DECIMAL(65,30) PATH '$')) AS t)"),
                ScalarKind::DateTime => ("v", ", '$[*]' COLUMNS (v DATETIME(6) PATH '$')) AS t)"),
                ScalarKind::Bytes => ("UNHEX(v)", ", '$[*]' COLUMNS (v LONGTEXT PATH '$')) AS t)"),
                ScalarKind::String | ScalarKind::Enum | ScalarKind::Json => (
                    "CAST(v AS CHAR)",
                    ", '$[*]' COLUMNS (v LONGTEXT PATH '$')) AS t)",
                ),
            };
            (value, " FROM JSON_TABLE(", rows)
        }
    };
    s.sql(if not {
        " NOT IN (SELECT "
    } else {
        " IN (SELECT "
    });
    if lower {
        s.sql("LOWER(");
    }
    s.sql(value);
    if lower {
        s.sql(")");
    }
    s.sql(from);
    s.bind_array(values, field);
    s.sql(rows);
}

fn order_sql(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, o: &OrderBy, reverse: bool) {
    let flip = |d: Direction| match (d, reverse) {
        (Direction::Asc, false) | (Direction::Desc, true) => " ASC",
        _ => " DESC",
    };
    let (direction, nulls) = order_leaf(o);
    let nulls = nulls.map(|n| match (n, reverse) {
        (Nulls::First, false) | (Nulls::Last, true) => Nulls::First,
        _ => Nulls::Last,
    });
    if let (Some(n), false) = (nulls, s.dialect().supports_nulls_ordering()) {
        order_expr(s, m, alias, o);
        s.sql(if n == Nulls::First {
            " IS NULL DESC, "
        } else {
            " IS NULL ASC, "
        });
    }
    order_expr(s, m, alias, o);
    s.sql(flip(direction));
    if s.dialect().supports_nulls_ordering() {
        match nulls {
            Some(Nulls::First) => s.sql(" NULLS FIRST"),
            Some(Nulls::Last) => s.sql(" NULLS LAST"),
            None => {}
        }
    }
}

/// The direction and NULL placement of an ordering key (of the innermost key, through
/// relations).
fn order_leaf(o: &OrderBy) -> (Direction, Option<Nulls>) {
    match o {
        OrderBy::Field {
            direction, nulls, ..
        } => (*direction, *nulls),
        OrderBy::RelationCount { direction, .. } | OrderBy::Aggregate { direction, .. } => {
            (*direction, None)
        }
        OrderBy::Relation { order, .. } => order_leaf(order),
    }
}

/// What an ordering key sorts by, without its direction. A to-one relation's key is a
/// correlated subquery on the related record (one row at most, or none: NULL).
fn order_expr(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, o: &OrderBy) {
    match o {
        OrderBy::Field { field, .. } => column(s, alias, m, *field),
        OrderBy::RelationCount { relation, .. } => relation_count(
            s,
            m,
            alias,
            &RelationCount {
                relation: *relation,
                filter: None,
            },
        ),
        OrderBy::Aggregate { aggregate, .. } => aggregate_sql(s, m, alias, aggregate),
        OrderBy::Relation { relation, order } => {
            s.sql("(SELECT ");
            order_expr(s, m.relation(*relation).related, alias + 1, order);
            s.sql(" FROM ");
            related_from_where(s, m, alias, *relation, None);
            s.sql(")");
        }
    }
}

/// Ordering keys plus the primary key, so that paging with a cursor is deterministic.
pub(crate) fn effective_order(m: &'static ModelMeta, args: &FindArgs) -> Vec<OrderBy> {
    let mut order = args.order_by.clone();
    let needs_stable = args.cursor.is_some() || args.take.is_some_and(|t| t < 0);
    if needs_stable {
        for &pk in m.primary_key {
            let present = order
                .iter()
                .any(|o| matches!(o, OrderBy::Field { field, .. } if *field == pk));
            if !present {
                order.push(OrderBy::Field {
                    field: pk,
                    direction: Direction::Asc,
                    nulls: None,
                });
            }
        }
    }
    order
}

fn where_clause(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    args: &FindArgs,
    extra: Option<&SqlFragment<'_>>,
) {
    let order = effective_order(m, args);
    let has_cursor = args.cursor.is_some();
    if args.filter.is_none() && !has_cursor && extra.is_none() {
        return;
    }
    s.sql(" WHERE ");
    let mut first = true;
    let mut and = |s: &mut dyn Sink| {
        if !first {
            s.sql(" AND ");
        }
        first = false;
    };
    if let Some(extra) = extra {
        and(s);
        extra(s);
    }
    if let Some(f) = &args.filter {
        and(s);
        s.sql("(");
        filter_sql(s, m, alias, f);
        s.sql(")");
    }
    if let Some(cursor) = &args.cursor {
        and(s);
        cursor_sql(
            s,
            m,
            alias,
            cursor,
            &order,
            args.take.is_some_and(|t| t < 0),
        );
    }
}

/// Rows at or after the cursor record in the query's order (before it when paging backwards).
pub(super) fn cursor_sql(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    cursor: &[(usize, Value)],
    order: &[OrderBy],
    backwards: bool,
) {
    let keys: Vec<(usize, Direction)> = order
        .iter()
        .filter_map(|o| match o {
            OrderBy::Field {
                field, direction, ..
            } => Some((*field, *direction)),
            _ => None,
        })
        .collect();
    // The cursor record's value of a column: (SELECT col FROM t WHERE cursor).
    let cursor_value = |s: &mut dyn Sink, field: usize| {
        s.sql("(SELECT ");
        column(s, 99, m, field);
        s.sql(" FROM ");
        table(s, m);
        s.sql(" AS ");
        s.alias(99);
        s.sql(" WHERE ");
        for (i, (f, v)) in cursor.iter().enumerate() {
            if i > 0 {
                s.sql(" AND ");
            }
            column(s, 99, m, *f);
            s.sql(" = ");
            s.bind(v, Some(&m.fields[*f]));
        }
        s.sql(")");
    };
    s.sql("(");
    for i in 0..=keys.len() {
        if i > 0 {
            s.sql(" OR ");
        }
        s.sql("(");
        for (j, (f, _)) in keys.iter().take(i).enumerate() {
            if j > 0 {
                s.sql(" AND ");
            }
            column(s, alias, m, *f);
            s.sql(" = ");
            cursor_value(s, *f);
        }
        if let Some((f, d)) = keys.get(i) {
            if i > 0 {
                s.sql(" AND ");
            }
            let forward = (*d == Direction::Asc) != backwards;
            column(s, alias, m, *f);
            s.sql(if forward { " > " } else { " < " });
            cursor_value(s, *f);
        } else if keys.is_empty() {
            s.sql("1=1");
        }
        s.sql(")");
    }
    s.sql(")");
}

/// Ordering keys separated by commas (no `ORDER BY`), reversed when paging backwards.
pub(super) fn order_list(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    order: &[OrderBy],
    reverse: bool,
) {
    comma_separated(s, order, |s, o| order_sql(s, m, alias, o, reverse));
}

fn order_clause(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    order: &[OrderBy],
    reverse: bool,
) {
    if order.is_empty() {
        return;
    }
    s.sql(" ORDER BY ");
    comma_separated(s, order, |s, o| order_sql(s, m, alias, o, reverse));
}

pub(super) fn limit_offset(s: &mut dyn Sink, take: Option<i64>, skip: Option<u64>) {
    if let Some(t) = take {
        s.sql(" LIMIT ");
        s.bind(&Value::BigInt(t.unsigned_abs() as i64), None);
    } else if skip.is_some() {
        s.sql(s.dialect().offset_without_limit());
    }
    if let Some(k) = skip {
        s.sql(" OFFSET ");
        s.bind(&Value::BigInt(k as i64), None);
    }
}

/// `SELECT ... FROM model WHERE ... ORDER BY ... LIMIT ... OFFSET ...`.
///
/// With `distinct`, paging happens after de-duplication, in memory, as in Prisma.
pub(crate) fn select_statement(s: &mut dyn Sink, m: &'static ModelMeta, args: &FindArgs) {
    let alias = 0;
    s.sql("SELECT ");
    select_list(s, m, alias, args);
    s.sql(" FROM ");
    table(s, m);
    s.sql(" AS ");
    s.alias(alias);
    where_order_limit(s, m, alias, args);
}

/// `WHERE ... ORDER BY ... LIMIT ... OFFSET ...` of a top-level read.
pub(super) fn where_order_limit(
    s: &mut dyn Sink,
    m: &'static ModelMeta,
    alias: usize,
    args: &FindArgs,
) {
    let backwards = args.take.is_some_and(|t| t < 0);
    where_clause(s, m, alias, args, None);
    order_clause(s, m, alias, &effective_order(m, args), backwards);
    if args.distinct.is_empty() {
        limit_offset(s, args.take, args.skip);
    }
}

/// Loading related rows for a set of parents.
pub(crate) struct ChildQuery<'a> {
    /// The parent model.
    pub(crate) parent: &'static ModelMeta,
    /// The relation index on the parent.
    pub(crate) relation: usize,
    /// Parent key tuples to load for.
    pub(crate) keys: &'a [Vec<Value>],
    /// The include's arguments.
    pub(crate) args: &'a FindArgs,
}

/// Related rows of many parents in one statement. Per-parent `skip`/`take` use
/// `ROW_NUMBER() OVER (PARTITION BY parent key)`. Rows loaded through a join table carry the
/// parent key as a trailing column.
pub(crate) fn child_statement(s: &mut dyn Sink, q: &ChildQuery<'_>) {
    let rel = q.parent.relation(q.relation);
    let m = rel.related;
    let alias = 0;
    let paged = (q.args.skip.is_some() || q.args.take.is_some())
        && rel.many
        && q.args.related_paged_in_sql();
    let backwards = q.args.take.is_some_and(|t| t < 0);
    let order = effective_order(m, q.args);
    // The parent-key expression (what rows are grouped by).
    let partition = |s: &mut dyn Sink| match &rel.link {
        Link::Direct { remote, .. } => {
            comma_separated(s, remote, |s, &r| column(s, alias, m, r));
        }
        Link::JoinTable { local_column, .. } => {
            s.ident("__quarry_join");
            s.sql(".");
            s.ident(local_column);
        }
    };
    if paged {
        s.sql("SELECT * FROM (");
    }
    s.sql("SELECT ");
    select_list(s, m, alias, q.args);
    if let Link::JoinTable { local_column, .. } = &rel.link {
        s.sql(", ");
        s.ident("__quarry_join");
        s.sql(".");
        s.ident(local_column);
        s.sql(" AS ");
        s.ident(PARENT_KEY);
    }
    if paged {
        s.sql(", ROW_NUMBER() OVER (PARTITION BY ");
        partition(s);
        if !order.is_empty() {
            s.sql(" ORDER BY ");
            comma_separated(s, &order, |s, o| order_sql(s, m, alias, o, backwards));
        }
        s.sql(") AS ");
        s.ident(ROW_NUMBER);
    }
    s.sql(" FROM ");
    match &rel.link {
        Link::Direct { .. } => {
            table(s, m);
            s.sql(" AS ");
            s.alias(alias);
        }
        Link::JoinTable {
            table: join,
            remote_column,
            remote_key,
            ..
        } => {
            s.ident(join);
            s.sql(" AS ");
            s.ident("__quarry_join");
            s.sql(" INNER JOIN ");
            table(s, m);
            s.sql(" AS ");
            s.alias(alias);
            s.sql(" ON ");
            column(s, alias, m, *remote_key);
            s.sql(" = ");
            s.ident("__quarry_join");
            s.sql(".");
            s.ident(remote_column);
        }
    }
    let keys = q.keys;
    let key_filter = |s: &mut dyn Sink| {
        let width = keys.first().map_or(1, Vec::len);
        if width > 1 {
            s.sql("(");
        }
        partition(s);
        if width > 1 {
            s.sql(")");
        }
        s.sql(" IN (");
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                s.sql(", ");
            }
            if width > 1 {
                s.sql("(");
            }
            for (j, v) in key.iter().enumerate() {
                if j > 0 {
                    s.sql(", ");
                }
                s.bind(v, None);
            }
            if width > 1 {
                s.sql(")");
            }
        }
        s.sql(")");
    };
    where_clause(s, m, alias, q.args, Some(&key_filter));
    if paged {
        s.sql(") AS ");
        s.alias(alias);
        s.sql(" WHERE ");
        s.ident(ROW_NUMBER);
        s.sql(" > ");
        s.bind(&Value::BigInt(q.args.skip.unwrap_or(0) as i64), None);
        if let Some(t) = q.args.take {
            s.sql(" AND ");
            s.ident(ROW_NUMBER);
            s.sql(" <= ");
            s.bind(
                &Value::BigInt(q.args.skip.unwrap_or(0) as i64 + t.unsigned_abs() as i64),
                None,
            );
        }
        s.sql(" ORDER BY ");
        s.ident(ROW_NUMBER);
    } else {
        order_clause(s, m, alias, &order, backwards);
    }
}

/// `SELECT COUNT(*) FROM (SELECT 1 FROM model WHERE ... LIMIT ...) AS t0`
pub(crate) fn count_statement(s: &mut dyn Sink, m: &'static ModelMeta, args: &FindArgs) {
    let paged = args.skip.is_some() || args.take.is_some() || args.cursor.is_some();
    if paged {
        s.sql("SELECT COUNT(*) FROM (SELECT 1 AS ");
        s.ident("__quarry_one");
        s.sql(" FROM ");
    } else {
        s.sql("SELECT COUNT(*) FROM ");
    }
    table(s, m);
    s.sql(" AS ");
    s.alias(0);
    where_clause(s, m, 0, args, None);
    if paged {
        order_clause(
            s,
            m,
            0,
            &effective_order(m, args),
            args.take.is_some_and(|t| t < 0),
        );
        limit_offset(s, args.take, args.skip);
        s.sql(") AS ");
        s.alias(1);
    }
}

fn aggregate_sql(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, a: &Aggregate) {
    let (func, field) = match a {
        Aggregate::Count(None) => {
            s.sql("COUNT(*)");
            return;
        }
        Aggregate::Count(Some(f)) => ("COUNT(", *f),
        Aggregate::Sum(f) => ("SUM(", *f),
        Aggregate::Avg(f) => ("AVG(", *f),
        Aggregate::Min(f) => ("MIN(", *f),
        Aggregate::Max(f) => ("MAX(", *f),
    };
    s.sql(func);
    // MySQL averages integers as DECIMAL rounded to 4 places; average doubles instead.
    let integer = matches!(m.fields[field].kind, ScalarKind::Int | ScalarKind::BigInt);
    if matches!(a, Aggregate::Avg(_)) && integer && s.dialect() == Dialect::Mysql {
        s.sql("CAST(");
        column(s, alias, m, field);
        s.sql(" AS DOUBLE)");
    } else {
        column(s, alias, m, field);
    }
    s.sql(")");
}

fn having_sql(s: &mut dyn Sink, m: &'static ModelMeta, alias: usize, h: &Having) {
    match h {
        Having::And(items) | Having::Or(items) => {
            if items.is_empty() {
                s.sql(if matches!(h, Having::And(_)) {
                    "1=1"
                } else {
                    "1=0"
                });
                return;
            }
            let joiner = if matches!(h, Having::And(_)) {
                " AND "
            } else {
                " OR "
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.sql(joiner);
                }
                s.sql("(");
                having_sql(s, m, alias, item);
                s.sql(")");
            }
        }
        Having::Not(inner) => {
            s.sql("NOT (");
            having_sql(s, m, alias, inner);
            s.sql(")");
        }
        Having::Field(f) => filter_sql(s, m, alias, f),
        Having::Aggregate { aggregate, op } => {
            let field = match aggregate {
                Aggregate::Count(_) => None,
                Aggregate::Sum(f) | Aggregate::Avg(f) | Aggregate::Min(f) | Aggregate::Max(f) => {
                    Some(&m.fields[*f])
                }
            };
            let compare = |s: &mut dyn Sink, operator: &'static str, v: &Value| {
                aggregate_sql(s, m, alias, aggregate);
                s.sql(operator);
                s.bind(v, field);
            };
            match op {
                ScalarOp::Equals(Value::Null | Value::NullOf(_)) | ScalarOp::IsNull => {
                    aggregate_sql(s, m, alias, aggregate);
                    s.sql(" IS NULL");
                }
                ScalarOp::NotEquals(Value::Null | Value::NullOf(_)) | ScalarOp::IsNotNull => {
                    aggregate_sql(s, m, alias, aggregate);
                    s.sql(" IS NOT NULL");
                }
                ScalarOp::Equals(v) => compare(s, " = ", v),
                ScalarOp::NotEquals(v) => compare(s, " <> ", v),
                ScalarOp::Lt(v) => compare(s, " < ", v),
                ScalarOp::Lte(v) => compare(s, " <= ", v),
                ScalarOp::Gt(v) => compare(s, " > ", v),
                ScalarOp::Gte(v) => compare(s, " >= ", v),
                ScalarOp::In(vs) | ScalarOp::NotIn(vs) => {
                    let not = matches!(op, ScalarOp::NotIn(_));
                    if vs.is_empty() {
                        s.sql(if not { "1=1" } else { "1=0" });
                        return;
                    }
                    aggregate_sql(s, m, alias, aggregate);
                    s.sql(if not { " NOT IN (" } else { " IN (" });
                    for (i, v) in vs.iter().enumerate() {
                        if i > 0 {
                            s.sql(", ");
                        }
                        s.bind(v, field);
                    }
                    s.sql(")");
                }
                // String matching on aggregates is not meaningful; never matches.
                _ => s.sql("1=0"),
            }
        }
    }
}

/// `aggregate` (no `by`) and `group_by`.
pub(crate) fn aggregate_statement(s: &mut dyn Sink, m: &'static ModelMeta, args: &AggregateArgs) {
    let grouped = !args.by.is_empty();
    let alias = 0;
    s.sql("SELECT ");
    let mut first = true;
    for &b in &args.by {
        if !first {
            s.sql(", ");
        }
        first = false;
        column(s, alias, m, b);
    }
    for a in &args.aggregates {
        if !first {
            s.sql(", ");
        }
        first = false;
        aggregate_sql(s, m, alias, a);
    }
    if first {
        s.sql("COUNT(*)");
    }
    s.sql(" FROM ");
    // A plain aggregate with paging aggregates over the paged rows.
    let paged_rows = !grouped && (args.skip.is_some() || args.take.is_some());
    if paged_rows {
        s.sql("(SELECT * FROM ");
        table(s, m);
        s.sql(" AS ");
        s.alias(1);
        if let Some(f) = &args.filter {
            s.sql(" WHERE ");
            filter_sql(s, m, 1, f);
        }
        order_clause(s, m, 1, &args.order_by, false);
        limit_offset(s, args.take, args.skip);
        s.sql(") AS ");
        s.alias(alias);
    } else {
        table(s, m);
        s.sql(" AS ");
        s.alias(alias);
        if let Some(f) = &args.filter {
            s.sql(" WHERE ");
            filter_sql(s, m, alias, f);
        }
    }
    if grouped {
        s.sql(" GROUP BY ");
        comma_separated(s, &args.by, |s, &b| column(s, alias, m, b));
        if let Some(h) = &args.having {
            s.sql(" HAVING ");
            having_sql(s, m, alias, h);
        }
        order_clause(s, m, alias, &args.order_by, false);
        limit_offset(s, args.take, args.skip);
    }
}

/// The value kind each output column of an aggregate statement decodes to.
pub(crate) fn aggregate_kind(m: &'static ModelMeta, a: &Aggregate) -> ScalarKind {
    match a {
        Aggregate::Count(_) => ScalarKind::BigInt,
        Aggregate::Sum(f) => match m.fields[*f].kind {
            ScalarKind::Int | ScalarKind::BigInt => ScalarKind::BigInt,
            k => k,
        },
        Aggregate::Avg(f) => match m.fields[*f].kind {
            ScalarKind::Decimal => ScalarKind::Decimal,
            _ => ScalarKind::Float,
        },
        Aggregate::Min(f) | Aggregate::Max(f) => m.fields[*f].kind,
    }
}
