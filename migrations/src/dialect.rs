//! The SQL dialects Quarry migrates.
//!
//! Owns: which database a schema targets and how identifiers and string literals are quoted.
//! Must not know: what a migration contains.

use quarry_schema::ir::Provider;
use std::fmt;

/// A database family with its own DDL.
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
    /// All three dialects.
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

    /// The dialect of a schema provider.
    pub fn from_provider(provider: Provider) -> Dialect {
        match provider {
            Provider::Sqlite => Dialect::Sqlite,
            Provider::Postgres => Dialect::Postgres,
            Provider::Mysql => Dialect::Mysql,
        }
    }

    /// The schema provider string (`sqlite`, `postgresql`, `mysql`).
    pub fn provider(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgresql",
            Dialect::Mysql => "mysql",
        }
    }

    /// Parses a provider string as written in a schema or `migration_lock.toml`.
    pub fn parse(provider: &str) -> Option<Dialect> {
        Provider::parse(provider).map(Dialect::from_provider)
    }

    /// The dialect a connection URL points at, from its scheme.
    pub fn from_url(url: &str) -> Option<Dialect> {
        let scheme = url.split(':').next()?.to_ascii_lowercase();
        match scheme.as_str() {
            "file" | "sqlite" => Some(Dialect::Sqlite),
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            _ => None,
        }
    }

    /// Quotes an identifier (`"name"` or `` `name` ``), doubling embedded quote characters.
    pub fn quote(self, ident: &str) -> String {
        let q = match self {
            Dialect::Mysql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        };
        let mut out = String::with_capacity(ident.len() + 2);
        out.push(q);
        for c in ident.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
    }

    /// A single-quoted SQL string literal, doubling embedded single quotes.
    pub fn string_literal(self, value: &str) -> String {
        format!("'{}'", value.replace('\'', "''"))
    }

    /// Whether DDL runs inside a transaction (MySQL commits implicitly around DDL).
    pub fn has_transactional_ddl(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.provider())
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn quotes_identifiers_per_dialect() {
        assert_eq!(Dialect::Postgres.quote("User"), "\"User\"");
        assert_eq!(Dialect::Sqlite.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::Mysql.quote("a`b"), "`a``b`");
        assert_eq!(Dialect::Mysql.string_literal("it's"), "'it''s'");
    }

    #[test]
    fn reads_the_dialect_of_a_url() {
        assert_eq!(Dialect::from_url("file:./dev.db"), Some(Dialect::Sqlite));
        assert_eq!(
            Dialect::from_url("postgresql://u@h/db"),
            Some(Dialect::Postgres)
        );
        assert_eq!(Dialect::from_url("mysql://root@h/db"), Some(Dialect::Mysql));
        assert_eq!(Dialect::from_url("redis://h"), None);
    }
}
