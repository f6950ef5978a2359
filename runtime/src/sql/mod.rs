//! From query IR to SQL text and bind values, for each dialect.
//!
//! Owns: all SQL the client runs. One walker (`compile` and friends) emits fragments into a
//! `Sink`. Two sinks exist: `ShapeSink` records the fragments and collects the binds, and
//! `TextSink` renders the text. The text depends only on the query's shape, so a statement
//! is rendered once per shape and then found by its shape ([`StatementCache`]). Identifiers come
//! from static metadata and are always quoted; values are always bound.

mod cache;
mod dialect;
mod join;
mod read;
mod write;

pub use cache::StatementCache;
pub use dialect::Dialect;
pub(crate) use join::join_select_statement;
pub(crate) use read::{
    aggregate_kind, aggregate_statement, child_statement, count_statement, select_statement,
    ChildQuery,
};
pub use write::FieldWrite;
pub(crate) use write::{
    delete_by_key_statement, delete_statement, insert_statement, last_insert_id_statement,
    update_by_key_statement, update_statement,
};

use crate::meta::FieldMeta;
use crate::value::Value;

/// Receives SQL fragments.
pub(crate) trait Sink {
    /// A fixed piece of SQL.
    fn sql(&mut self, s: &'static str);
    /// An identifier, quoted by the dialect.
    fn ident(&mut self, s: &'static str);
    /// A bound value; `field` tells the column it is compared with (for casts).
    fn bind(&mut self, v: &Value, field: Option<&'static FieldMeta>);
    /// A list bound as one parameter whose elements compare with `field`'s column.
    fn bind_array(&mut self, values: &[Value], field: &'static FieldMeta);
    /// A table alias `t<n>`.
    fn alias(&mut self, n: usize);
    /// The dialect SQL is written for.
    fn dialect(&self) -> Dialect;
}

/// The value bound for `v`: a NULL compared with or stored in a column takes the type that
/// column's values are bound with, so that every bind of a statement keeps one type.
fn bind_value(v: &Value, field: Option<&'static FieldMeta>) -> Value {
    match (v, field) {
        (Value::Null, Some(f)) if !f.list => Value::NullOf(f.kind),
        _ => v.clone(),
    }
}

/// Renders SQL text and collects binds.
pub(crate) struct TextSink {
    pub(crate) text: String,
    pub(crate) binds: Vec<Value>,
    dialect: Dialect,
}

impl TextSink {
    pub(crate) fn new(dialect: Dialect) -> Self {
        TextSink {
            text: String::with_capacity(256),
            binds: Vec::new(),
            dialect,
        }
    }
}

impl Sink for TextSink {
    fn sql(&mut self, s: &'static str) {
        self.text.push_str(s);
    }

    fn ident(&mut self, s: &'static str) {
        self.dialect.quote_into(s, &mut self.text);
    }

    fn bind(&mut self, v: &Value, field: Option<&'static FieldMeta>) {
        self.binds.push(bind_value(v, field));
        self.dialect
            .placeholder_into(self.binds.len(), field, &mut self.text);
    }

    fn bind_array(&mut self, values: &[Value], field: &'static FieldMeta) {
        self.binds.push(Value::List(values.to_vec()));
        self.dialect
            .placeholder_of(self.binds.len(), Some(field), true, &mut self.text);
    }

    fn alias(&mut self, n: usize) {
        use std::fmt::Write;
        let q = self.dialect.quote_char();
        let _ = write!(self.text, "{q}t{n}{q}");
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// Records the shape of a statement (everything but bound values) as a list of words, and
/// collects binds. The words are the statement cache's key, compared exactly: two shapes that
/// render different text never share an entry.
pub(crate) struct ShapeSink {
    words: Vec<u64>,
    pub(crate) binds: Vec<Value>,
    dialect: Dialect,
}

impl ShapeSink {
    pub(crate) fn new(dialect: Dialect, seed: &'static str) -> Self {
        let mut words = Vec::with_capacity(128);
        words.push(dialect as u64);
        let (ptr, len) = static_id(seed);
        words.extend([ptr, len]);
        ShapeSink {
            words,
            binds: Vec::new(),
            dialect,
        }
    }

    pub(crate) fn finish(self) -> (Vec<u64>, Vec<Value>) {
        (self.words, self.binds)
    }
}

/// A static string by identity: the same address and length are the same text. Two copies of
/// one text at different addresses make different keys, which only costs a second cache entry.
fn static_id(s: &'static str) -> (u64, u64) {
    (s.as_ptr() as u64, s.len() as u64)
}

/// A static field's metadata by identity (its placeholder's casts depend on it).
fn field_id(f: Option<&'static FieldMeta>) -> u64 {
    f.map_or(0, |f| f as *const FieldMeta as u64)
}

// Each fragment is a tag word and a fixed number of words after it, so word lists are equal
// exactly when the fragment sequences are.
impl Sink for ShapeSink {
    fn sql(&mut self, s: &'static str) {
        let (ptr, len) = static_id(s);
        self.words.extend([0, ptr, len]);
    }

    fn ident(&mut self, s: &'static str) {
        let (ptr, len) = static_id(s);
        self.words.extend([1, ptr, len]);
    }

    fn bind(&mut self, v: &Value, field: Option<&'static FieldMeta>) {
        // The placeholder's text can depend on the column (casts), never on the value.
        self.words.extend([2, field_id(field)]);
        self.binds.push(bind_value(v, field));
    }

    fn bind_array(&mut self, values: &[Value], field: &'static FieldMeta) {
        self.words.extend([4, field_id(Some(field))]);
        self.binds.push(Value::List(values.to_vec()));
    }

    fn alias(&mut self, n: usize) {
        self.words.extend([3, n as u64]);
    }

    fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// A statement ready to run: text and values.
#[derive(Debug, Clone)]
pub struct Statement {
    /// SQL text with placeholders.
    pub sql: std::sync::Arc<str>,
    /// Values for the placeholders, in order.
    pub binds: Vec<Value>,
    /// A write whose work is bounded by what it was given (an insert of its rows, a change
    /// of one record by its key), as opposed to one that touches whatever its filter matches:
    /// SQLite runs bounded writes on the caller's thread (`crate::sqlite`).
    pub(crate) bounded: bool,
}

impl Statement {
    /// A statement of raw SQL text (nothing known about its cost).
    pub(crate) fn raw(sql: &str, binds: Vec<Value>) -> Statement {
        Statement {
            sql: sql.into(),
            binds,
            bounded: false,
        }
    }
}

/// The statement kinds whose work is bounded by their binds (see [`Statement::bounded`]), up
/// to this many binds.
fn bounded(kind: &'static str, binds: usize) -> bool {
    const MAX_BINDS: usize = 1024;
    matches!(
        kind,
        "insert"
            | "insert_returning"
            | "insert_many"
            | "update_by_key"
            | "delete_by_key"
            | "join_insert"
            | "last_insert_id"
    ) && binds <= MAX_BINDS
}

/// Compiles a statement through the cache: the walker runs once to hash its shape and collect
/// binds; text is rendered only the first time a shape is seen.
pub(crate) fn compile(
    cache: &StatementCache,
    dialect: Dialect,
    kind: &'static str,
    walk: impl Fn(&mut dyn Sink),
) -> Statement {
    let mut shape = ShapeSink::new(dialect, kind);
    walk(&mut shape);
    let (key, binds) = shape.finish();
    if let Some(sql) = cache.get(&key) {
        return Statement {
            sql,
            bounded: bounded(kind, binds.len()),
            binds,
        };
    }
    let mut text = TextSink::new(dialect);
    walk(&mut text);
    let sql: std::sync::Arc<str> = text.text.into();
    cache.insert(key, sql.clone());
    Statement {
        sql,
        bounded: bounded(kind, text.binds.len()),
        binds: text.binds,
    }
}

/// The SQL a `find_many` with these arguments runs first (the rows of `model`; includes add
/// one statement per level). For logs, tests and curiosity.
pub fn select_sql(
    dialect: Dialect,
    model: &'static crate::meta::ModelMeta,
    args: &crate::query::FindArgs,
) -> Statement {
    render(dialect, |s| select_statement(s, model, args))
}

/// Renders a statement without the cache.
fn render(dialect: Dialect, walk: impl Fn(&mut dyn Sink)) -> Statement {
    let mut text = TextSink::new(dialect);
    walk(&mut text);
    Statement {
        sql: text.text.into(),
        binds: text.binds,
        bounded: false,
    }
}
