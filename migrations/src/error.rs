//! Errors of the migration engine.
//!
//! Every error says what Quarry was doing, names the migration, file or database involved, and
//! (where there is one) what to do next. The CLI prints them as they are.

use std::path::PathBuf;
use thiserror::Error;

/// Something the migration engine could not do.
#[derive(Debug, Error)]
pub enum MigrateError {
    /// A connection URL Quarry cannot use.
    #[error("The database URL `{url}` is not valid: {reason}")]
    InvalidUrl {
        /// The URL, with any password hidden.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database server could not be reached or refused the login.
    #[error("Could not connect to the database at `{url}`: {source}")]
    Connect {
        /// The URL, with any password hidden.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A statement failed.
    #[error("{context}: {source}")]
    Database {
        /// What Quarry was doing.
        context: String,
        /// The database's error.
        #[source]
        source: sqlx::Error,
    },
    /// A file or folder could not be read or written.
    #[error("Could not access {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The schema does not validate.
    #[error("The schema is invalid:\n{0}")]
    InvalidSchema(String),
    /// No schema was found, or its files could not be read (the CLI exits 2, as for any
    /// usage or I/O error).
    #[error("{0}")]
    SchemaNotLoaded(String),
    /// Nothing says which database to use.
    #[error("{0}")]
    MissingDatabase(String),
    /// The database the URL names does not exist, and the command does not create one
    /// (Prisma's P1003).
    #[error("P1003: {0}")]
    DatabaseNotFound(String),
    /// `db pull` found no table and no enum (Prisma's P4001).
    #[error(
        "P4001: The introspected database `{0}` was empty: it has no tables and no enums. \
         Create some (or check that the URL names the right database), then run `db pull` again."
    )]
    EmptyDatabase(String),
    /// `migration_lock.toml` names another provider than the schema.
    #[error(
        "The migrations in {} were written for `{locked}`, but the schema's provider is `{current}`. \
         Migrations cannot be replayed on another database. To switch providers, move the \
         migrations folder away (or delete it), then run `quarry migrate dev` to start a new history.",
        dir.display()
    )]
    ProviderMismatch {
        /// The migrations folder.
        dir: PathBuf,
        /// The provider in `migration_lock.toml`.
        locked: String,
        /// The provider of the schema.
        current: String,
    },
    /// A migration failed while being applied.
    #[error("Migration `{name}` failed to apply:\n{message}")]
    MigrationFailed {
        /// The migration's folder name.
        name: String,
        /// The database's error.
        message: String,
    },
    /// The history holds a failed migration: nothing more is applied until it is resolved.
    #[error(
        "Migration `{name}` failed earlier and blocks further migrations.\n{logs}\nFix the database by \
         hand, then mark the migration with `quarry migrate resolve --applied {name}` (if you \
         completed it) or `quarry migrate resolve --rolled-back {name}` (if you undid it, so that \
         it is applied again)."
    )]
    FailedMigrationPending {
        /// The migration's folder name.
        name: String,
        /// What went wrong, as recorded.
        logs: String,
    },
    /// `migrate resolve` or `migrate down` was given a migration it cannot act on.
    #[error("{0}")]
    Resolve(String),
    /// A migration folder or file is malformed.
    #[error("{0}")]
    InvalidMigrations(String),
    /// The change would lose data and was not accepted.
    #[error("{0}")]
    DataLossNotAccepted(String),
    /// The database differs from what its migration history says.
    #[error("{0}")]
    Drift(String),
    /// Anything else the caller asked for that cannot be done.
    #[error("{0}")]
    Unsupported(String),
}

impl MigrateError {
    /// Wraps a driver error with what Quarry was doing.
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(sqlx::Error) -> MigrateError {
        let context = context.into();
        move |source| MigrateError::Database { context, source }
    }

    /// Wraps an I/O error with the path involved.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> MigrateError {
        let path = path.into();
        move |source| MigrateError::Io { path, source }
    }
}

/// Result of the migration engine.
pub type Result<T, E = MigrateError> = std::result::Result<T, E>;
