//! Quarry's error type.
//!
//! Owns: the classification of failures so that callers match on meaning
//! (`err.is_unique_violation()`), not on driver strings. No database response panics.

use std::fmt;

/// What kind of constraint a database error violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseErrorKind {
    /// A unique constraint or index (Prisma's P2002).
    UniqueViolation,
    /// A foreign key (P2003).
    ForeignKeyViolation,
    /// A NOT NULL column got NULL (P2011).
    NotNullViolation,
    /// A CHECK constraint.
    CheckViolation,
    /// A value too long for its column (P2000).
    ValueTooLong,
    /// A number out of its column's range (P2020).
    OutOfRange,
    /// A serialization failure or deadlock: retrying may succeed (P2034).
    SerializationFailure,
    /// The statement names a table that does not exist (P2021): the database is not migrated.
    TableNotFound,
    /// Anything else.
    Other,
}

/// An error the database returned.
#[derive(Debug, Clone)]
pub struct DatabaseError {
    /// The classification.
    pub kind: DatabaseErrorKind,
    /// The model the statement was about, when known.
    pub model: Option<&'static str>,
    /// The constraint or index name, when the database reports it.
    pub constraint: Option<String>,
    /// The fields involved (for unique violations: the fields of the violated constraint).
    pub fields: Vec<String>,
    /// The database's own error code (SQLSTATE, MySQL number, SQLite extended code).
    pub code: Option<String>,
    /// The database's message.
    pub message: String,
    /// The statement was raw SQL (`query_raw`/`execute_raw`): Prisma reports every such failure
    /// as P2010, whatever its kind.
    pub raw: bool,
}

/// Everything that can go wrong in Quarry's runtime.
///
/// Its `Debug` form is its message (with Prisma's code in front where one exists), not a dump
/// of the variant: `fn main() -> quarry::Result<()>` prints the `Debug` form of the error it
/// returns, and that should read as a message. Match on the variants for the details.
pub enum Error {
    /// `find_unique_or_throw`, `update`, `delete` and friends found no record (P2025).
    RecordNotFound {
        /// The model queried.
        model: &'static str,
        /// What was looked for.
        operation: &'static str,
    },
    /// A nested write would leave a record without the related record it requires (P2014),
    /// e.g. connecting a second profile to a user whose profile's `userId` is required.
    RequiredRelationViolation {
        /// The model written.
        model: &'static str,
        /// The relation field.
        relation: &'static str,
        /// The related model whose required foreign key would be broken.
        related: &'static str,
    },
    /// The database could not be reached or the connection broke.
    Connection(String),
    /// Waiting for a connection or a statement took too long.
    Timeout(String),
    /// The database rejected a statement.
    Database(DatabaseError),
    /// A value read from the database does not fit the field's Rust type.
    Decode {
        /// The model.
        model: &'static str,
        /// The field.
        field: &'static str,
        /// What did not fit.
        message: String,
    },
    /// The connection URL or an option is invalid.
    Configuration(String),
    /// The query is not valid for this model or database.
    InvalidQuery(String),
}

impl Error {
    /// The database error, if this is one.
    pub fn database_error(&self) -> Option<&DatabaseError> {
        match self {
            Error::Database(d) => Some(d),
            _ => None,
        }
    }

    fn is_kind(&self, kind: DatabaseErrorKind) -> bool {
        self.database_error().is_some_and(|d| d.kind == kind)
    }

    /// A unique constraint was violated.
    pub fn is_unique_violation(&self) -> bool {
        self.is_kind(DatabaseErrorKind::UniqueViolation)
    }

    /// A foreign key was violated.
    pub fn is_foreign_key_violation(&self) -> bool {
        self.is_kind(DatabaseErrorKind::ForeignKeyViolation)
    }

    /// A NOT NULL constraint was violated.
    pub fn is_null_violation(&self) -> bool {
        self.is_kind(DatabaseErrorKind::NotNullViolation)
    }

    /// No record matched.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::RecordNotFound { .. })
    }

    /// Retrying may succeed: a serialization failure or deadlock (retry the transaction), or
    /// a connection that broke or could not be made (the pool opens a new one).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Connection(_))
            || self.is_kind(DatabaseErrorKind::SerializationFailure)
    }

    /// Marks a database error as coming from raw SQL.
    pub(crate) fn in_raw_query(self) -> Error {
        match self {
            Error::Database(d) => Error::Database(DatabaseError { raw: true, ..d }),
            other => other,
        }
    }

    /// Prisma's error code for this error, where one exists.
    pub fn prisma_code(&self) -> Option<&'static str> {
        Some(match self {
            Error::RecordNotFound { .. } => "P2025",
            Error::RequiredRelationViolation { .. } => "P2014",
            Error::Connection(_) => "P1001",
            Error::Timeout(_) => "P1008",
            // Raw SQL that failed for a reason with no code of its own.
            Error::Database(d) if d.raw && d.kind == DatabaseErrorKind::Other => "P2010",
            Error::Database(d) => match d.kind {
                DatabaseErrorKind::UniqueViolation => "P2002",
                DatabaseErrorKind::ForeignKeyViolation => "P2003",
                DatabaseErrorKind::NotNullViolation => "P2011",
                DatabaseErrorKind::ValueTooLong => "P2000",
                DatabaseErrorKind::OutOfRange => "P2020",
                DatabaseErrorKind::SerializationFailure => "P2034",
                DatabaseErrorKind::TableNotFound => "P2021",
                DatabaseErrorKind::CheckViolation | DatabaseErrorKind::Other => return None,
            },
            _ => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::RecordNotFound { model, operation } => {
                write!(f, "{operation} on {model}: no record found")
            }
            Error::RequiredRelationViolation {
                model,
                relation,
                related,
            } => write!(
                f,
                "the change would violate the required relation {model}.{relation}: the {related} linked now cannot be left without it"
            ),
            Error::Connection(m) => write!(f, "cannot reach the database: {m}"),
            Error::Timeout(m) => write!(f, "timed out: {m}"),
            Error::Database(d) => {
                let what = match d.kind {
                    DatabaseErrorKind::UniqueViolation => "unique constraint violated",
                    DatabaseErrorKind::ForeignKeyViolation => "foreign key constraint violated",
                    DatabaseErrorKind::NotNullViolation => "null value in a required column",
                    DatabaseErrorKind::CheckViolation => "check constraint violated",
                    DatabaseErrorKind::ValueTooLong => "value too long for its column",
                    DatabaseErrorKind::OutOfRange => "value out of range for its column",
                    DatabaseErrorKind::SerializationFailure => {
                        "transaction conflict (serialization failure or deadlock); retry it"
                    }
                    DatabaseErrorKind::TableNotFound => {
                        "table does not exist (is the database migrated?)"
                    }
                    DatabaseErrorKind::Other => "database error",
                };
                write!(f, "{what}")?;
                if let Some(m) = d.model {
                    write!(f, " on model {m}")?;
                }
                if !d.fields.is_empty() {
                    write!(f, " (fields: {})", d.fields.join(", "))?;
                } else if let Some(c) = &d.constraint {
                    write!(f, " (constraint: {c})")?;
                }
                write!(f, ": {}", d.message)
            }
            Error::Decode {
                model,
                field,
                message,
            } => write!(f, "cannot read {model}.{field}: {message}"),
            Error::Configuration(m) => write!(f, "invalid configuration: {m}"),
            Error::InvalidQuery(m) => write!(f, "invalid query: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results in Quarry.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Classifies a driver error; `model` names the model the statement was about.
    pub(crate) fn from_sqlx(e: sqlx::Error, model: Option<&'static str>) -> Error {
        match e {
            sqlx::Error::Database(db) => {
                // MySQL's SQLSTATEs are broad classes; its error numbers say what happened.
                let code = match db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                    Some(my) => Some(my.number().to_string()),
                    None => db.code().map(|c| c.to_string()),
                };
                let message = db.message().to_string();
                if code.as_deref().is_some_and(connection_lost) {
                    return Error::Connection(message);
                }
                let constraint = db.constraint().map(str::to_string);
                let kind = classify(code.as_deref(), &message, db.kind());
                let constraint = constraint.or_else(|| constraint_from_message(&message));
                // PostgreSQL names the columns in its detail: `Key (email)=(a@x) already exists.`
                let detail = db
                    .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                    .and_then(|pg| pg.detail())
                    .map(str::to_string);
                let mut fields = fields_from_message(&message);
                if fields.is_empty() {
                    fields = detail
                        .as_deref()
                        .map(columns_from_pg_detail)
                        .unwrap_or_default();
                }
                Error::Database(DatabaseError {
                    kind,
                    model,
                    constraint,
                    fields,
                    code,
                    message,
                    raw: false,
                })
            }
            sqlx::Error::PoolTimedOut => {
                Error::Timeout("no connection became free within pool_timeout".into())
            }
            sqlx::Error::Io(e) => Error::Connection(e.to_string()),
            sqlx::Error::Tls(e) => Error::Connection(e.to_string()),
            sqlx::Error::PoolClosed => Error::Connection("the connection pool is closed".into()),
            sqlx::Error::Configuration(e) => Error::Configuration(e.to_string()),
            sqlx::Error::RowNotFound => Error::RecordNotFound {
                model: model.unwrap_or("?"),
                operation: "query",
            },
            // sqlx refuses locally a statement with more parameters than the protocol carries.
            sqlx::Error::Protocol(m) if m.starts_with("too many") => Error::InvalidQuery(m),
            other => Error::Connection(other.to_string()),
        }
    }
}

impl Error {
    /// Classifies a SQLite error; `model` names the model the statement was about.
    pub(crate) fn from_sqlite(e: rusqlite::Error, model: Option<&'static str>) -> Error {
        match e {
            rusqlite::Error::SqliteFailure(code, message) => {
                let message = message.unwrap_or_else(|| code.to_string());
                let code = code.extended_code.to_string();
                let kind = classify(Some(&code), &message, sqlx::error::ErrorKind::Other);
                Error::Database(DatabaseError {
                    kind,
                    model,
                    constraint: None,
                    fields: fields_from_message(&message),
                    code: Some(code),
                    message,
                    raw: false,
                })
            }
            // Binding or reading a value failed before or after SQLite ran anything.
            other => Error::InvalidQuery(other.to_string()),
        }
    }
}

/// PostgreSQL's SQLSTATEs for a session the server ended or would not start (the backend was
/// terminated, the server is shutting down or starting up) and class 08 (connection exceptions).
/// MySQL reports the same events as a broken connection, or as error 1927 (connection killed),
/// so all arrive as `Connection`.
fn connection_lost(code: &str) -> bool {
    matches!(code, "57P01" | "57P02" | "57P03" | "1927") || code.starts_with("08")
}

fn classify(code: Option<&str>, message: &str, kind: sqlx::error::ErrorKind) -> DatabaseErrorKind {
    use sqlx::error::ErrorKind as K;
    match kind {
        K::UniqueViolation => return DatabaseErrorKind::UniqueViolation,
        K::ForeignKeyViolation => return DatabaseErrorKind::ForeignKeyViolation,
        K::NotNullViolation => return DatabaseErrorKind::NotNullViolation,
        K::CheckViolation => return DatabaseErrorKind::CheckViolation,
        _ => {}
    }
    match code.unwrap_or("") {
        // PostgreSQL SQLSTATEs.
        "23505" => DatabaseErrorKind::UniqueViolation,
        "23503" => DatabaseErrorKind::ForeignKeyViolation,
        "23502" => DatabaseErrorKind::NotNullViolation,
        "23514" => DatabaseErrorKind::CheckViolation,
        "22001" => DatabaseErrorKind::ValueTooLong,
        "22003" => DatabaseErrorKind::OutOfRange,
        "40001" | "40P01" => DatabaseErrorKind::SerializationFailure,
        "42P01" => DatabaseErrorKind::TableNotFound,
        // MySQL / MariaDB error numbers.
        "1062" | "1586" => DatabaseErrorKind::UniqueViolation,
        "1451" | "1452" | "1216" | "1217" => DatabaseErrorKind::ForeignKeyViolation,
        "1048" | "1364" => DatabaseErrorKind::NotNullViolation,
        "1406" => DatabaseErrorKind::ValueTooLong,
        "1264" | "1690" => DatabaseErrorKind::OutOfRange,
        "1213" | "1205" => DatabaseErrorKind::SerializationFailure,
        "1146" => DatabaseErrorKind::TableNotFound,
        // SQLite extended result codes.
        "2067" | "1555" => DatabaseErrorKind::UniqueViolation,
        "787" => DatabaseErrorKind::ForeignKeyViolation,
        "1299" => DatabaseErrorKind::NotNullViolation,
        "275" => DatabaseErrorKind::CheckViolation,
        "5" | "517" => DatabaseErrorKind::SerializationFailure,
        _ if message.contains("UNIQUE constraint failed") => DatabaseErrorKind::UniqueViolation,
        _ if message.contains("FOREIGN KEY constraint failed") => {
            DatabaseErrorKind::ForeignKeyViolation
        }
        _ if message.contains("NOT NULL constraint failed") => DatabaseErrorKind::NotNullViolation,
        _ if message.starts_with("no such table") => DatabaseErrorKind::TableNotFound,
        _ => DatabaseErrorKind::Other,
    }
}

/// MySQL names the key in its message: `Duplicate entry 'x' for key 'User_email_key'`, or
/// ``... a foreign key constraint fails (`db`.`posts`, CONSTRAINT `posts_author_id_fkey` ...``.
fn constraint_from_message(message: &str) -> Option<String> {
    if let Some(rest) = message.split("CONSTRAINT `").nth(1) {
        return rest.split('`').next().map(str::to_string);
    }
    let rest = message.split("for key '").nth(1)?;
    let key = rest.split('\'').next()?;
    // MariaDB prefixes the table: `User.User_email_key`.
    Some(key.rsplit('.').next().unwrap_or(key).to_string())
}

/// `Key (email, name)=(a@x, Ada) already exists.` -> `["email", "name"]`.
fn columns_from_pg_detail(detail: &str) -> Vec<String> {
    let Some(rest) = detail.strip_prefix("Key (") else {
        return Vec::new();
    };
    let Some(end) = rest.find(")=") else {
        return Vec::new();
    };
    rest[..end]
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

impl Error {
    /// Names the fields of a constraint error in the schema's terms: column names become field
    /// names, and a constraint named the way Prisma names it (`{table}_{columns}_key`) gives
    /// its columns where the database only reported the name (MySQL).
    pub(crate) fn with_model(self, m: &'static crate::meta::ModelMeta) -> Error {
        let Error::Database(mut d) = self else {
            return self;
        };
        // An error about another model (a nested write's child) is left as it is.
        if d.model.is_some_and(|name| name != m.name) {
            return Error::Database(d);
        }
        if d.fields.is_empty() {
            if let Some(c) = &d.constraint {
                d.fields = columns_of_constraint(m, c);
            }
        }
        d.fields = d
            .fields
            .iter()
            .map(|col| {
                m.fields
                    .iter()
                    .find(|f| f.column == col)
                    .map_or_else(|| col.clone(), |f| f.name.to_string())
            })
            .collect();
        d.model.get_or_insert(m.name);
        Error::Database(d)
    }
}

/// `users_author_id_slug_key` on table `users` -> `["author_id", "slug"]`, matching the
/// model's columns from the left, longest first (column names may contain `_`).
fn columns_of_constraint(m: &'static crate::meta::ModelMeta, constraint: &str) -> Vec<String> {
    let Some(middle) = constraint
        .strip_prefix(m.table)
        .and_then(|r| r.strip_prefix('_'))
        .and_then(|r| r.strip_suffix("_key").or_else(|| r.strip_suffix("_fkey")))
    else {
        return Vec::new();
    };
    let mut columns: Vec<&str> = m.fields.iter().map(|f| f.column).collect();
    columns.sort_by_key(|c| std::cmp::Reverse(c.len()));
    let mut out = Vec::new();
    let mut rest = middle;
    while !rest.is_empty() {
        let Some(col) = columns
            .iter()
            .find(|c| rest == **c || rest.strip_prefix(**c).is_some_and(|r| r.starts_with('_')))
        else {
            return Vec::new();
        };
        out.push(col.to_string());
        rest = rest[col.len()..].trim_start_matches('_');
    }
    out
}

/// SQLite names the columns: `UNIQUE constraint failed: User.email, User.name`.
fn fields_from_message(message: &str) -> Vec<String> {
    let Some(rest) = message
        .strip_prefix("UNIQUE constraint failed: ")
        .or_else(|| message.strip_prefix("NOT NULL constraint failed: "))
    else {
        return Vec::new();
    };
    rest.split(',')
        .map(|c| c.trim().rsplit('.').next().unwrap_or("").to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = self.prisma_code() {
            write!(f, "{code}: ")?;
        }
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_as_the_message() {
        // What `fn main() -> quarry::Result<()>` prints after "Error: ".
        let e = Error::Connection("connection refused".into());
        assert_eq!(
            format!("{e:?}"),
            "P1001: cannot reach the database: connection refused"
        );
        let e = Error::Configuration("bad URL".into());
        assert_eq!(format!("{e:?}"), "invalid configuration: bad URL");
    }
}
