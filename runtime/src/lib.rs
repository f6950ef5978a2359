//! Quarry's runtime: the library a Quarry app depends on (package `quarry-orm`, library
//! `quarry`). You rarely name it directly: the client that `quarry generate` writes from your
//! Prisma schema is built on it, and gives each model typed reads and writes.
//!
//! ```no_run
//! # mod db {
//! #     pub use quarry::Client;
//! # }
//! // `mod db;` holds the generated client (see the README's quickstart).
//! #[tokio::main]
//! async fn main() -> quarry::Result<()> {
//!     let client = quarry::Client::from_env().await?; // the generated `db::Client` wraps this
//!     let n = client.execute_raw("UPDATE \"Post\" SET title = ? WHERE id = ?", vec!["Hi".into(), 1.into()]).await?;
//!     println!("{n} row(s) changed");
//!     Ok(())
//! }
//! ```
//!
//! What you meet here:
//! - [`Client`] and [`ConnectOptions`]: connecting (`DATABASE_URL`, `.env`), the pool,
//!   [`Client::transaction`], raw SQL ([`Client::execute_raw`], [`Client::query_raw`]).
//! - [`Error`] and [`Result`]: typed errors with Prisma's codes ([`Error::prisma_code`]).
//! - [`Data`], [`Value`], [`DateTime`], [`Decimal`], [`Json`]: values in writes and reads.
//! - [`cache`]: the query result cache ([`CacheStrategy`], [`CacheOptions`]).
//! - [`RelationLoadStrategy`], [`IsolationLevel`], [`TransactionOptions`].
//!
//! The modules the generated code is built from (query IR, SQL compiler, executors, relation
//! loading) are public for it, and hidden from this documentation.
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]

pub mod api;
pub mod cache;
pub mod client;
#[doc(hidden)]
pub mod direct;
pub mod error;
#[doc(hidden)]
pub mod exec;
mod ids;
#[doc(hidden)]
pub mod load;
pub mod meta;
#[doc(hidden)]
pub mod nested;
#[doc(hidden)]
pub mod pool;
pub mod query;
#[doc(hidden)]
pub mod sql;
#[doc(hidden)]
pub mod sqlite;
pub mod value;
#[doc(hidden)]
pub mod write;

pub use api::{
    and, count, not, or, Actions, Agg, Data, FieldType, Filter, Find, FromRecord, IncludeIn,
    ManySlot, Model, NotLoaded, OptionalSlot, OrderBy, Relation, RequiredSlot, UniqueWhere,
};
pub use cache::{CacheInfo, CacheOptions, CacheStatus, CacheStrategy};
pub use client::{Client, ConnectOptions, IsolationLevel, TransactionOptions};
pub use error::{DatabaseError, DatabaseErrorKind, Error, Result};
pub use query::RelationLoadStrategy;
pub use value::{FromValue, IntoValue, Value};

/// `DateTime` fields: always UTC.
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// The current time, to the millisecond: what a `DateTime` field stores by default
/// (`TIMESTAMP(3)` / `DATETIME(3)`, and Prisma's JavaScript dates), so a value written and read
/// back compares equal to the one in hand.
///
/// ```
/// let t = quarry::now();
/// assert_eq!(t.timestamp_subsec_nanos() % 1_000_000, 0);
/// ```
pub fn now() -> DateTime {
    let t = chrono::Utc::now();
    let millis = t.timestamp_millis();
    chrono::DateTime::from_timestamp_millis(millis).unwrap_or(t)
}
/// `Json` fields.
pub type Json = serde_json::Value;
pub use bigdecimal::BigDecimal as Decimal;

/// Re-exports generated code relies on, so that apps need no direct dependency on them.
pub mod deps {
    pub use bigdecimal;
    pub use chrono;
    #[cfg(feature = "redis")]
    pub use redis;
    pub use rusqlite;
    pub use serde;
    pub use serde_json;
    pub use sqlx;
}
