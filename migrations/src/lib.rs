//! Quarry's migration engine.
//!
//! Owns: all DDL, the database-schema model, diffing and migration history.
//!
//! Data flows one way: a validated Prisma schema ([`quarry_schema::ir`]) becomes a
//! [`DatabaseSchema`] per dialect ([`calculate()`]); a live database becomes one too
//! ([`introspect()`]); two database schemas are [`diff()`]ed into ordered [`Step`]s, which
//! [`render_script`] writes as SQL. The rest (history table, migrations folder, shadow databases,
//! the `migrate` commands) is built on those four pieces.
//! Must not know: terminal output or argument parsing (the CLI owns those).
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]

pub mod calculate;
pub mod commands;
mod compare;
pub mod connection;
pub mod database;
pub mod deploy_lint;
pub mod dialect;
pub mod diff;
pub mod error;
pub mod history;
pub mod introspect;
pub mod lint;
pub mod migrations_dir;
pub mod project;
pub mod pull;
pub mod render;
pub mod seed;
pub mod shadow;
pub mod steps;
pub mod summary;
mod util;

pub use calculate::{calculate, calculate_for};
pub use connection::Connection;
pub use database::DatabaseSchema;
pub use dialect::Dialect;
pub use diff::diff;
pub use error::{MigrateError, Result};
pub use introspect::introspect;
pub use project::Project;
pub use render::render_script;
pub use steps::{Migration, Step};
pub use summary::summarize;
pub use util::{checksum, elapsed};

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
