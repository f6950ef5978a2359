//! Diagnostics as data, rendered in one place.
//!
//! Every error and warning the schema crate produces is a [`Diagnostic`]: a severity, a message,
//! a span and optional help. [`Diagnostics::render`] draws them like rustc does (location, source
//! line, caret); [`Diagnostics::to_json`] gives editors a machine-readable array.

use crate::source::{SourceMap, Span};
use std::fmt::Write as _;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The schema is invalid.
    Error,
    /// The schema is valid, but something deserves attention.
    Warning,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One error or warning about a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one or more sentences.
    pub message: String,
    /// Where.
    pub span: Span,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Where a diagnostic points, in user terms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// File name as given to the source map.
    pub file: String,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column.
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive).
    pub end_column: usize,
}

/// An ordered collection of diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

/// Whether [`Diagnostics::render`] uses ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Plain text.
    Never,
    /// ANSI escape codes.
    Always,
}

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds an error.
    pub fn error(&mut self, message: impl Into<String>, span: Span) {
        self.push(Diagnostic::error(message, span));
    }

    /// Adds a warning.
    pub fn warning(&mut self, message: impl Into<String>, span: Span) {
        self.push(Diagnostic::warning(message, span));
    }

    /// Appends all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one error is present.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, warnings first, then errors, each group in source order.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by_key(|d| {
            (
                std::cmp::Reverse(d.severity),
                d.span.file,
                d.span.start,
                d.span.end,
            )
        });
        v.dedup_by(|a, b| a == b);
        v
    }

    /// Errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The location of a span, in lines and columns.
    pub fn location(sources: &SourceMap, span: Span) -> Location {
        let file = sources.file(span.file);
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        Location {
            file: file.name.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// Renders every diagnostic like rustc: header, location, source line(s) and carets.
    pub fn render(&self, sources: &SourceMap, color: Color) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            render_one(&mut out, sources, d, color);
        }
        out
    }

    /// A JSON array of `{severity, message, file, line, column, end_line, end_column, help}`.
    pub fn to_json(&self, sources: &SourceMap) -> serde_json::Value {
        let items = self
            .sorted()
            .into_iter()
            .map(|d| {
                let loc = Self::location(sources, d.span);
                serde_json::json!({
                    "severity": d.severity.as_str(),
                    "message": d.message,
                    "file": loc.file,
                    "line": loc.line,
                    "column": loc.column,
                    "end_line": loc.end_line,
                    "end_column": loc.end_column,
                    "help": d.help,
                })
            })
            .collect();
        serde_json::Value::Array(items)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

struct Palette {
    bold: &'static str,
    sev: &'static str,
    blue: &'static str,
    reset: &'static str,
}

fn palette(color: Color, severity: Severity) -> Palette {
    match color {
        Color::Never => Palette {
            bold: "",
            sev: "",
            blue: "",
            reset: "",
        },
        Color::Always => Palette {
            bold: "\x1b[1m",
            sev: match severity {
                Severity::Error => "\x1b[1;91m",
                Severity::Warning => "\x1b[1;93m",
            },
            blue: "\x1b[1;94m",
            reset: "\x1b[0m",
        },
    }
}

fn render_one(out: &mut String, sources: &SourceMap, d: &Diagnostic, color: Color) {
    let p = palette(color, d.severity);
    let loc = Diagnostics::location(sources, d.span);
    let file = sources.file(d.span.file);
    // A span that ends right after a newline belongs to the line before.
    let last_line = if loc.end_line > loc.line && loc.end_column == 1 {
        loc.end_line - 1
    } else {
        loc.end_line
    };
    let last_line = last_line.min(loc.line + 5);
    let gutter = last_line.to_string().len().max(2);
    let pad = " ".repeat(gutter);

    let _ = writeln!(
        out,
        "{}{}{}: {}{}{}",
        p.sev,
        d.severity.as_str(),
        p.reset,
        p.bold,
        d.message,
        p.reset
    );
    let _ = writeln!(
        out,
        "{pad}{}-->{} {}:{}:{}",
        p.blue, p.reset, loc.file, loc.line, loc.column
    );
    let _ = writeln!(out, "{pad} {}|{}", p.blue, p.reset);
    for line in loc.line..=last_line {
        let text = file.line_text(line);
        let _ = writeln!(
            out,
            "{}{:>gutter$} |{} {}",
            p.blue,
            line,
            p.reset,
            text.replace('\t', " ")
        );
        let first = if line == loc.line { loc.column } else { 1 };
        let line_len = text.chars().count();
        let last = if line == loc.end_line {
            loc.end_column.max(first + 1)
        } else {
            line_len + 1
        };
        let width = last.saturating_sub(first).max(1);
        if line_len > 0 || line == loc.line {
            let _ = writeln!(
                out,
                "{pad} {}|{} {}{}{}{}",
                p.blue,
                p.reset,
                " ".repeat(first - 1),
                p.sev,
                "^".repeat(width),
                p.reset
            );
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(
            out,
            "{pad} {}={} {}help{}: {}",
            p.blue, p.reset, p.bold, p.reset, help
        );
    }
    out.push('\n');
}
