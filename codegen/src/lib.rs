//! Turns a validated schema IR into a typed Rust client module.
//!
//! Owns: the shape of the generated code. Must not know: databases, SQL.
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]
