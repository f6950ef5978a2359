//! Quarry's migration engine.
//!
//! Owns: all DDL, the database-schema model, diffing and migration history.
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]
