//! Quarry's runtime: the crate that applications depend on.
//!
//! Owns: the query IR ([`query`]), the per-dialect SQL compiler ([`sql`]), execution on sqlx and, for
//! SQLite, on its own executor ([`exec`], [`sqlite`]), relation loading ([`load`]) and the typed API generated clients are built from
//! ([`api`]). Must not know: schema files; generated code hands it static metadata ([`meta`]).
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]

pub mod api;
pub mod cache;
pub mod client;
pub mod direct;
pub mod error;
pub mod exec;
mod ids;
pub mod load;
pub mod meta;
pub mod nested;
pub mod pool;
pub mod query;
pub mod sql;
pub mod sqlite;
pub mod value;
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
