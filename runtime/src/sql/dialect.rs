//! What differs between SQLite, PostgreSQL and MySQL at the level of SQL text.

use crate::meta::{FieldMeta, ScalarKind};

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
}

impl Dialect {
    /// The identifier quote character.
    pub fn quote_char(self) -> char {
        match self {
            Dialect::Mysql => '`',
            _ => '"',
        }
    }

    /// Writes `name` quoted, doubling any quote character inside it.
    pub fn quote_into(self, name: &str, out: &mut String) {
        let q = self.quote_char();
        out.push(q);
        for c in name.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
    }

    /// Writes the placeholder for the `n`-th bind (1-based), with a cast where the column
    /// needs one (PostgreSQL enums and non-text types compared with text parameters).
    pub fn placeholder_into(self, n: usize, field: Option<&FieldMeta>, out: &mut String) {
        self.placeholder_of(n, field, field.is_some_and(|f| f.list), out)
    }

    /// [`Dialect::placeholder_into`] for a value that is an array of the field's type when
    /// `array` is set (a scalar list, or a long `in` list bound as one parameter).
    pub(crate) fn placeholder_of(
        self,
        n: usize,
        field: Option<&FieldMeta>,
        array: bool,
        out: &mut String,
    ) {
        use std::fmt::Write;
        match self {
            Dialect::Postgres => {
                // Parameters travel as text, float8, numeric or timestamp; columns of another
                // type need a cast to compare or store them exactly. (`bit` alone would mean
                // `bit(1)` and cut the value, so bit strings go through `varbit`.)
                let native_cast = field.and_then(|f| match (f.kind, f.native_type) {
                    (ScalarKind::String, Some("Uuid")) => Some("uuid"),
                    (ScalarKind::String, Some("Inet")) => Some("inet"),
                    (ScalarKind::String, Some("Xml")) => Some("xml"),
                    (ScalarKind::String, Some("Bit" | "VarBit")) => Some("varbit"),
                    (ScalarKind::Float, Some("Real")) => Some("real"),
                    (ScalarKind::Decimal, Some("Money")) => Some("money"),
                    (ScalarKind::DateTime, Some("Date")) => Some("date"),
                    (ScalarKind::DateTime, Some("Time")) => Some("time"),
                    (ScalarKind::DateTime, Some("Timetz")) => Some("timetz"),
                    _ => None,
                });
                if let Some(ty) = native_cast {
                    let _ = write!(out, "CAST(${n} AS {ty}");
                    if array {
                        out.push_str("[]");
                    }
                    out.push(')');
                    return;
                }
                let cast = field.and_then(|f| match f.kind {
                    ScalarKind::Enum => f.enum_db_name,
                    _ => None,
                });
                match cast {
                    Some(ty) => {
                        out.push_str("CAST(");
                        let _ = write!(out, "${n}");
                        out.push_str(" AS ");
                        self.quote_into(ty, out);
                        if array {
                            out.push_str("[]");
                        }
                        out.push(')');
                    }
                    None => {
                        let _ = write!(out, "${n}");
                    }
                }
            }
            // MySQL compares BIT columns with numbers, not with byte strings.
            Dialect::Mysql
                if field.is_some_and(|f| {
                    f.kind == ScalarKind::Bytes && f.native_type == Some("Bit")
                }) =>
            {
                out.push_str("CAST(CONV(HEX(?), 16, 10) AS UNSIGNED)")
            }
            _ => out.push('?'),
        }
    }

    /// Whether `NULLS FIRST/LAST` is understood.
    pub(crate) fn supports_nulls_ordering(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }

    /// `LIMIT` needed before `OFFSET` when there is no limit.
    pub(crate) fn offset_without_limit(self) -> &'static str {
        match self {
            Dialect::Sqlite => " LIMIT -1",
            Dialect::Mysql => " LIMIT 18446744073709551615",
            Dialect::Postgres => "",
        }
    }
}

/// The most values an `in` / `not_in` list binds one by one. A longer list binds as one
/// parameter (a PostgreSQL array, a JSON array on SQLite and MySQL), so that no list is too
/// long for a database's bind limit (32,766 on SQLite, 65,535 on PostgreSQL and MySQL) and
/// statements with long lists share one text.
pub(crate) const INLINE_LIST_MAX: usize = 1000;

/// The escape character of LIKE patterns built by [`like_pattern`]. Not a backslash: how a
/// backslash in a string literal reads depends on server settings (MySQL's
/// `NO_BACKSLASH_ESCAPES`, PostgreSQL's `standard_conforming_strings`); `!` reads the same in
/// every mode.
pub(crate) const LIKE_ESCAPE: &str = " ESCAPE '!'";

/// A LIKE pattern matching `needle` literally, with `%` around as asked.
pub(crate) fn like_pattern(needle: &str, prefix_any: bool, suffix_any: bool) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    if prefix_any {
        p.push('%');
    }
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    if suffix_any {
        p.push('%');
    }
    p
}
