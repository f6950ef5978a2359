//! Quarry's runtime: the crate that applications depend on.
//!
//! Owns: the query IR, the per-dialect SQL compilers and execution on sqlx.
//! Must not know: schema files (generated code hands it static model metadata).
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]
