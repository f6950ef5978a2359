//! Reading the arguments of one attribute or function call.
//!
//! Every attribute validator asks for its arguments through [`Args`], which records what was
//! consumed and reports the rest ("No such argument.", "Argument not known"), missing required
//! arguments and values of the wrong kind with one wording everywhere.

use crate::ast::{Argument, Attribute, Expr};
use crate::diagnostics::Diagnostics;
use crate::source::Span;

/// The arguments of one attribute, consumed one by one.
pub(crate) struct Args<'a> {
    args: &'a [Argument],
    used: Vec<bool>,
    span: Span,
    /// `"@relation"`, used to prefix messages: `Error parsing attribute "@relation": ...`.
    pub(crate) display: String,
}

impl<'a> Args<'a> {
    pub(crate) fn new(attr: &'a Attribute, prefix: &str) -> Self {
        Args {
            args: &attr.arguments,
            used: vec![false; attr.arguments.len()],
            span: attr.span,
            display: format!("{prefix}{}", attr.name.name),
        }
    }

    pub(crate) fn of_call(args: &'a [Argument], span: Span, display: String) -> Self {
        Args {
            args,
            used: vec![false; args.len()],
            span,
            display,
        }
    }

    /// The attribute's span.
    pub(crate) fn span(&self) -> Span {
        self.span
    }

    /// The first unnamed argument, or the one named `name`.
    pub(crate) fn default_arg(&mut self, name: &str) -> Option<&'a Expr> {
        if let Some(i) = self.find_named(name) {
            self.used[i] = true;
            return self.args[i].value.as_ref();
        }
        let i = self
            .args
            .iter()
            .enumerate()
            .position(|(i, a)| a.name.is_none() && !self.used[i])?;
        self.used[i] = true;
        self.args[i].value.as_ref()
    }

    /// The argument named `name`.
    pub(crate) fn named(&mut self, name: &str) -> Option<&'a Expr> {
        let i = self.find_named(name)?;
        self.used[i] = true;
        self.args[i].value.as_ref()
    }

    /// Like [`Args::default_arg`], but reports `Argument "name" is missing.` when absent.
    pub(crate) fn required(&mut self, name: &str, diags: &mut Diagnostics) -> Option<&'a Expr> {
        let v = self.default_arg(name);
        if v.is_none() {
            diags.error(format!("Argument \"{name}\" is missing."), self.span);
        }
        v
    }

    fn find_named(&self, name: &str) -> Option<usize> {
        self.args
            .iter()
            .position(|a| a.name.as_ref().is_some_and(|n| n.name == name))
    }

    /// Reports every argument nobody asked for, repeated names and surplus unnamed arguments.
    pub(crate) fn finish(&self, diags: &mut Diagnostics) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, a) in self.args.iter().enumerate() {
            let Some(n) = &a.name else { continue };
            if seen.contains(&n.name.as_str()) {
                diags.error(
                    format!("Argument \"{}\" is already specified.", n.name),
                    a.span,
                );
            } else if !self.used[i] {
                diags.error(format!("Argument not known: \"{}\".", n.name), a.span);
            }
            seen.push(&n.name);
        }
        let unnamed: Vec<&Argument> = self.args.iter().filter(|a| a.name.is_none()).collect();
        let unused_unnamed = self
            .args
            .iter()
            .enumerate()
            .any(|(i, a)| a.name.is_none() && !self.used[i]);
        if unused_unnamed && unnamed.len() > 1 {
            let values: Vec<String> = unnamed
                .iter()
                .filter_map(|a| a.value.as_ref())
                .map(|v| self.text(v))
                .collect();
            self.error(
                diags,
                format!(
                    "You provided multiple unnamed arguments. This is not possible. Did you forget the brackets? Did you mean `[{}]`?",
                    values.join(", ")
                ),
            );
        } else if unused_unnamed {
            diags.error("No such argument.", self.span);
        }
    }

    fn text(&self, e: &Expr) -> String {
        match e {
            Expr::String(s, _) => format!("{s:?}"),
            Expr::Number(n, _) | Expr::Constant(n, _) => n.clone(),
            Expr::Function(name, _, _) => format!("{}(...)", name.name),
            Expr::Array(items, _) => {
                let inner: Vec<String> = items.iter().map(|i| self.text(i)).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }

    /// Reports an error prefixed with `Error parsing attribute "@x": `.
    pub(crate) fn error(&self, diags: &mut Diagnostics, message: impl AsRef<str>) {
        diags.error(
            format!(
                "Error parsing attribute \"{}\": {}",
                self.display,
                message.as_ref()
            ),
            self.span,
        );
    }
}

/// `Expected a {expected} value, but received {kind} value `{text}`.`
pub(crate) fn type_mismatch(expected: &str, e: &Expr, source: &str) -> String {
    format!(
        "Expected a {expected} value, but received {} value `{source}`.",
        e.describe()
    )
}

/// The text of an expression as written.
pub(crate) fn expr_text(e: &Expr, sources: &crate::source::SourceMap) -> String {
    sources.slice(e.span()).to_string()
}

/// Reads a string literal, or reports a type mismatch.
pub(crate) fn expect_str<'e>(
    e: &'e Expr,
    sources: &crate::source::SourceMap,
    diags: &mut Diagnostics,
) -> Option<&'e str> {
    match e {
        Expr::String(s, _) => Some(s),
        other => {
            diags.error(
                type_mismatch("string", other, &expr_text(other, sources)),
                other.span(),
            );
            None
        }
    }
}

/// Reads a constant (bare identifier), or reports a type mismatch.
pub(crate) fn expect_constant<'e>(
    e: &'e Expr,
    sources: &crate::source::SourceMap,
    diags: &mut Diagnostics,
) -> Option<&'e str> {
    match e {
        Expr::Constant(s, _) => Some(s),
        other => {
            diags.error(
                type_mismatch("constant literal", other, &expr_text(other, sources)),
                other.span(),
            );
            None
        }
    }
}

/// Reads a boolean constant.
pub(crate) fn expect_bool(
    e: &Expr,
    sources: &crate::source::SourceMap,
    diags: &mut Diagnostics,
) -> Option<bool> {
    match e {
        Expr::Constant(s, _) if s == "true" => Some(true),
        Expr::Constant(s, _) if s == "false" => Some(false),
        other => {
            diags.error(
                type_mismatch("boolean", other, &expr_text(other, sources)),
                other.span(),
            );
            None
        }
    }
}

/// Reads a non-negative integer.
pub(crate) fn expect_u32(
    e: &Expr,
    sources: &crate::source::SourceMap,
    diags: &mut Diagnostics,
) -> Option<u32> {
    match e {
        Expr::Number(n, _) if n.parse::<u32>().is_ok() => n.parse().ok(),
        other => {
            diags.error(
                type_mismatch("numeric", other, &expr_text(other, sources)),
                other.span(),
            );
            None
        }
    }
}

/// An array's elements; a single value counts as a one-element array, as in Prisma.
pub(crate) fn as_list(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Array(items, _) => items.iter().collect(),
        other => vec![other],
    }
}
