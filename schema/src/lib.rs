//! The Prisma schema language for Quarry.
//!
//! Owns: parsing (`pest`), the syntax tree, validation into a resolved [`ir`], diagnostics and
//! the canonical formatter. Must not know: SQL, databases, generated code.
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]

pub mod ast;
pub mod diagnostics;
pub mod format;
pub mod ir;
pub mod load;
pub mod parser;
pub mod source;
mod validate;

pub use diagnostics::{Color, Diagnostic, Diagnostics, Severity};
pub use source::{FileId, SourceFile, SourceMap, Span};
pub use validate::{validate, Validated};

/// Parses every file of a schema. Syntax errors are returned alongside the trees.
pub fn parse_all(sources: &SourceMap) -> (Vec<(FileId, ast::SchemaAst)>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let asts = sources
        .files()
        .map(|(id, f)| (id, parser::parse(&f.text, id, &mut diags)))
        .collect();
    (asts, diags)
}

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
