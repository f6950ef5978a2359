//! What `db pull` reads beyond the [`DatabaseSchema`](crate::DatabaseSchema) that migrations
//! diff: objects a Prisma schema can only mention, never manage (partial and expression
//! indexes, check constraints). They stay out of the diff model on purpose: a migration computed
//! from a schema never creates them, so comparing them would report drift on every database
//! that has one.

use crate::connection::{Cell, Connection, Param};
use crate::database::{IndexColumn, IndexKind, SortOrder};
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};

/// Partial and expression indexes, and tables with check constraints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// Indexes with a `WHERE` clause over plain columns.
    pub partial_indexes: Vec<PartialIndex>,
    /// Indexes over expressions: (table, index name).
    pub expression_indexes: Vec<(String, String)>,
    /// Tables that have at least one check constraint.
    pub check_constraint_tables: Vec<String>,
    /// SQLite: (table, index) in the order `index_list` gives them, which is Prisma's order.
    pub index_order: Vec<(String, String)>,
}

/// An index with a predicate (`CREATE INDEX ... WHERE ...`).
#[derive(Debug, Clone, PartialEq)]
pub struct PartialIndex {
    /// The table.
    pub table: String,
    /// The index name.
    pub name: String,
    /// Unique or plain.
    pub kind: IndexKind,
    /// Indexed columns.
    pub columns: Vec<IndexColumn>,
    /// The predicate, as the database prints it.
    pub predicate: String,
}

/// Reads the [`Extras`] of the database `conn` is connected to.
pub async fn introspect_extras(conn: &mut Connection) -> Result<Extras> {
    match conn.dialect() {
        Dialect::Sqlite => sqlite(conn).await,
        Dialect::Postgres => postgres(conn).await,
        Dialect::Mysql => mysql(conn).await,
    }
}

async fn rows(conn: &mut Connection, sql: &str, what: &str) -> Result<Vec<Vec<Cell>>> {
    conn.query(sql, &[])
        .await
        .map_err(MigrateError::db(format!("Could not read the {what}")))
}

const PG_PARTIAL: &str = "SELECT t.relname::text, i.relname::text, ix.indisunique::int4, \
    pg_get_expr(ix.indpred, ix.indrelid)::text, a.attname::text, \
    ((ix.indoption[(k.ord - 1)::int] & 1) = 1)::int4 \
    FROM pg_index ix \
    JOIN pg_class t ON t.oid = ix.indrelid \
    JOIN pg_class i ON i.oid = ix.indexrelid \
    JOIN pg_namespace n ON n.oid = t.relnamespace \
    CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 \
    WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') \
    AND ix.indpred IS NOT NULL AND ix.indexprs IS NULL AND k.ord <= ix.indnkeyatts \
    ORDER BY t.relname, i.relname, k.ord";

const PG_EXPRESSION: &str = "SELECT t.relname::text, i.relname::text FROM pg_index ix \
    JOIN pg_class t ON t.oid = ix.indrelid \
    JOIN pg_class i ON i.oid = ix.indexrelid \
    JOIN pg_namespace n ON n.oid = t.relnamespace \
    WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND ix.indexprs IS NOT NULL \
    ORDER BY t.relname, i.relname";

const PG_CHECKS: &str = "SELECT DISTINCT cl.relname::text FROM pg_constraint con \
    JOIN pg_class cl ON cl.oid = con.conrelid \
    JOIN pg_namespace n ON n.oid = cl.relnamespace \
    WHERE con.contype = 'c' AND n.nspname = current_schema() ORDER BY 1";

async fn postgres(conn: &mut Connection) -> Result<Extras> {
    let mut extras = Extras::default();
    for row in rows(conn, PG_PARTIAL, "partial indexes").await? {
        let (table, name) = (row[0].string(), row[1].string());
        let column = IndexColumn {
            name: row[4].string(),
            sort: (row[5].int() == Some(1)).then_some(SortOrder::Desc),
            length: None,
            operator_class: None,
        };
        match extras.partial_indexes.last_mut() {
            Some(p) if p.table == table && p.name == name => p.columns.push(column),
            _ => extras.partial_indexes.push(PartialIndex {
                table,
                name,
                kind: if row[2].int() == Some(1) {
                    IndexKind::Unique
                } else {
                    IndexKind::Normal
                },
                columns: vec![column],
                predicate: row[3].string(),
            }),
        }
    }
    for row in rows(conn, PG_EXPRESSION, "expression indexes").await? {
        extras
            .expression_indexes
            .push((row[0].string(), row[1].string()));
    }
    for row in rows(conn, PG_CHECKS, "check constraints").await? {
        extras.check_constraint_tables.push(row[0].string());
    }
    Ok(extras)
}

const MYSQL_CHECKS: &str = "SELECT DISTINCT CAST(tc.TABLE_NAME AS CHAR), \
    CAST(cc.CHECK_CLAUSE AS CHAR) \
    FROM information_schema.TABLE_CONSTRAINTS tc \
    JOIN information_schema.CHECK_CONSTRAINTS cc \
    ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
    WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'";

const MYSQL_EXPRESSION: &str = "SELECT DISTINCT CAST(TABLE_NAME AS CHAR), \
    CAST(INDEX_NAME AS CHAR) FROM information_schema.STATISTICS \
    WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IS NULL";

async fn mysql(conn: &mut Connection) -> Result<Extras> {
    let mut extras = Extras::default();
    for row in rows(conn, MYSQL_CHECKS, "check constraints").await? {
        // MariaDB stores JSON as LONGTEXT with a `json_valid` check: that is the type, not a
        // check constraint the user wrote.
        let table = row[0].string();
        if row[1]
            .string()
            .to_ascii_lowercase()
            .starts_with("json_valid(")
            || extras.check_constraint_tables.contains(&table)
        {
            continue;
        }
        extras.check_constraint_tables.push(table);
    }
    extras.check_constraint_tables.sort();
    for row in rows(conn, MYSQL_EXPRESSION, "expression indexes").await? {
        extras
            .expression_indexes
            .push((row[0].string(), row[1].string()));
    }
    Ok(extras)
}

async fn sqlite(conn: &mut Connection) -> Result<Extras> {
    let mut extras = Extras::default();
    let tables = rows(
        conn,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        "tables",
    )
    .await?;
    for table in tables {
        let (table_name, sql) = (table[0].string(), table[1].string());
        if has_check_constraint(&sql) {
            extras.check_constraint_tables.push(table_name.clone());
        }
        // index_list: seq, name, unique, origin, partial
        for index in super::sqlite::pragma(conn, "index_list", &table_name).await? {
            let name = index[1].string();
            extras.index_order.push((table_name.clone(), name.clone()));
            let (columns, expression) = super::sqlite::index_columns(conn, &name).await?;
            if expression {
                extras.expression_indexes.push((table_name.clone(), name));
                continue;
            }
            if index[4].int() != Some(1) {
                continue;
            }
            let def = conn
                .query(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                    &[Param::Text(name.clone())],
                )
                .await
                .map_err(MigrateError::db("Could not read an index definition"))?;
            let predicate = def
                .first()
                .and_then(|r| r.first())
                .map(|c| where_clause(&c.string()))
                .unwrap_or_default();
            extras.partial_indexes.push(PartialIndex {
                table: table_name.clone(),
                name,
                kind: if index[2].int() == Some(1) {
                    IndexKind::Unique
                } else {
                    IndexKind::Normal
                },
                columns,
                predicate,
            });
        }
    }
    extras.partial_indexes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(extras)
}

/// Calls `visit(position, byte)` for each byte of `sql` outside quotes and comments.
fn scan_code(sql: &str, mut visit: impl FnMut(usize, u8)) {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c => visit(i, c),
        }
        i += 1;
    }
}

/// Positions of `word` (any case) in `sql` outside quotes, as a whole word.
fn keyword_positions(sql: &str, word: &str) -> Vec<usize> {
    let upper = sql.to_ascii_uppercase();
    let w = word.as_bytes();
    let mut out = Vec::new();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    scan_code(sql, |i, _| {
        let ub = upper.as_bytes();
        if ub[i..].starts_with(w)
            && (i == 0 || !is_word(ub[i - 1]))
            && ub.get(i + w.len()).is_none_or(|c| !is_word(*c))
        {
            out.push(i);
        }
    });
    out
}

/// True when a `CREATE TABLE` statement declares a `CHECK` constraint.
fn has_check_constraint(sql: &str) -> bool {
    !keyword_positions(sql, "CHECK").is_empty()
}

/// The predicate of a `CREATE INDEX ... WHERE ...` statement.
fn where_clause(sql: &str) -> String {
    match keyword_positions(sql, "WHERE").last() {
        Some(&pos) => sql[pos + "WHERE".len()..].trim().to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_check_constraints_outside_quotes() {
        assert!(has_check_constraint("CREATE TABLE t (a INT CHECK (a > 0))"));
        assert!(!has_check_constraint(
            "CREATE TABLE t (\"check\" INT, b TEXT DEFAULT 'CHECK')"
        ));
        assert!(!has_check_constraint("CREATE TABLE t (checks INT)"));
    }

    #[test]
    fn reads_index_predicates() {
        assert_eq!(
            where_clause("CREATE INDEX i ON t(a) WHERE a IS NOT NULL"),
            "a IS NOT NULL"
        );
        assert_eq!(where_clause("CREATE INDEX \"where\" ON t(a)"), "");
    }
}
