//! `@default(...)`: literal values checked against the field type, and default functions.

use super::args::{self, Args};
use super::Cx;
use crate::ast::{self, Expr};
use crate::ir::{self, Arity, DefaultKind, FieldType, Literal, ScalarType};

pub(crate) fn default_value(
    cx: &mut Cx<'_>,
    a: &ast::Attribute,
    field: &ir::Field,
    enums: &[ir::Enum],
) -> Option<ir::DefaultValue> {
    let mut args = Args::new(a, "@");
    let value = args.required("value", cx.diags);
    let db_name = args
        .named("map")
        .and_then(|v| args::expect_str(v, cx.sources, cx.diags))
        .map(str::to_string);
    args.finish(cx.diags);
    let value = value?;
    if field.is_relation() {
        args.error(cx.diags, "Cannot set a default value on a relation field.");
        return None;
    }
    if let Some(name) = db_name.as_ref() {
        let _ = name;
        if cx.provider().is_some() {
            args.error(
                cx.diags,
                "You defined a database name for the default value of a field on the model. This is not supported by the provider.",
            );
        }
    }
    let kind = match value {
        Expr::Function(name, fargs, span) => function(cx, &args, field, name, fargs, *span)?,
        other => DefaultKind::Value(literal(cx, &args, field, other, enums)?),
    };
    Some(ir::DefaultValue { kind, db_name })
}

fn function(
    cx: &mut Cx<'_>,
    attr: &Args<'_>,
    field: &ir::Field,
    name: &ast::Ident,
    fargs: &[ast::Argument],
    span: crate::Span,
) -> Option<DefaultKind> {
    let scalar = field.scalar_type();
    let type_name = match &field.field_type {
        FieldType::Scalar(s) => s.as_str().to_string(),
        FieldType::Enum(id) => format!("enum {}", id.0),
        FieldType::Unsupported(_) => "Unsupported".into(),
        FieldType::Relation(_) => "relation".into(),
    };
    let wrong_type = |cx: &mut Cx<'_>| {
        attr.error(
            cx.diags,
            format!(
                "The function `{}()` cannot be used on fields of type `{}`.",
                name.name, type_name
            ),
        );
    };
    let int_arg = |cx: &mut Cx<'_>| -> Result<Option<i64>, ()> {
        match fargs {
            [] => Ok(None),
            [arg] if arg.name.is_none() => match &arg.value {
                Some(Expr::Number(n, _)) => n.parse::<i64>().map(Some).map_err(|_| ()),
                _ => Err(()),
            },
            _ => {
                let _ = cx;
                Err(())
            }
        }
    };
    let string_type = matches!(scalar, Some(ScalarType::String));
    let kind = match name.name.as_str() {
        "autoincrement" => {
            no_args(cx, attr, name, fargs)?;
            if !matches!(scalar, Some(ScalarType::Int | ScalarType::BigInt)) {
                wrong_type(cx);
                return None;
            }
            DefaultKind::Autoincrement
        }
        "now" => {
            no_args(cx, attr, name, fargs)?;
            if scalar != Some(ScalarType::DateTime) {
                wrong_type(cx);
                return None;
            }
            DefaultKind::Now
        }
        "uuid" => {
            if matches!(fargs, [arg] if !matches!(arg.value, Some(Expr::Number(..)))) {
                attr.error(cx.diags, "`uuid()` takes a single Int argument.");
                return None;
            }
            let v = match int_arg(cx) {
                Ok(None) => 4,
                Ok(Some(v @ (4 | 7))) => v as u8,
                _ => {
                    attr.error(cx.diags, "`uuid()` takes either no argument, or a single integer argument which is either 4 or 7.");
                    return None;
                }
            };
            if !string_type {
                wrong_type(cx);
                return None;
            }
            DefaultKind::Uuid(v)
        }
        "cuid" => {
            let v = match fargs {
                [arg] if !matches!(arg.value, Some(Expr::Number(..))) => {
                    attr.error(cx.diags, "`cuid()` takes a single Int argument.");
                    return None;
                }
                _ => match int_arg(cx) {
                    Ok(None) => 1,
                    Ok(Some(v @ (1 | 2))) => v as u8,
                    _ => {
                        attr.error(cx.diags, "`cuid()` takes either no argument, or a single integer argument which is either 1 or 2.");
                        return None;
                    }
                },
            };
            if !string_type {
                wrong_type(cx);
                return None;
            }
            DefaultKind::Cuid(v)
        }
        "nanoid" => {
            let v = match int_arg(cx) {
                Ok(None) => 21,
                Ok(Some(v)) if (2..=255).contains(&v) => v as u8,
                _ => {
                    attr.error(cx.diags, "`nanoid()` takes either no argument, or a single integer argument between 2 and 255.");
                    return None;
                }
            };
            if !string_type {
                wrong_type(cx);
                return None;
            }
            DefaultKind::Nanoid(v)
        }
        "ulid" => {
            no_args(cx, attr, name, fargs)?;
            if !string_type {
                wrong_type(cx);
                return None;
            }
            DefaultKind::Ulid
        }
        "dbgenerated" => match fargs {
            [] => DefaultKind::DbGenerated(None),
            [arg] if arg.name.is_none() => match &arg.value {
                Some(Expr::String(s, _)) => {
                    if s.trim().is_empty() {
                        attr.error(cx.diags, "dbgenerated() takes either no argument, or a single nonempty string argument.");
                        return None;
                    }
                    DefaultKind::DbGenerated(Some(s.clone()))
                }
                _ => {
                    attr.error(cx.diags, "`dbgenerated()` takes a single String argument");
                    return None;
                }
            },
            _ => {
                attr.error(cx.diags, "`dbgenerated()` takes a single String argument");
                return None;
            }
        },
        "auto" => {
            attr.error(
                cx.diags,
                "The current connector does not support the `auto()` function.",
            );
            return None;
        }
        other => {
            cx.error(
                format!("Unknown function in @default(): `{other}` is not known. You can read about the available functions here: https://pris.ly/d/attribute-functions"),
                span,
            );
            return None;
        }
    };
    if field.arity == Arity::List
        && kind != DefaultKind::DbGenerated(None)
        && !matches!(kind, DefaultKind::DbGenerated(_))
    {
        attr.error(
            cx.diags,
            format!(
                "The function `{}()` cannot be used on list fields.",
                name.name
            ),
        );
        return None;
    }
    Some(kind)
}

fn no_args(
    cx: &mut Cx<'_>,
    attr: &Args<'_>,
    name: &ast::Ident,
    fargs: &[ast::Argument],
) -> Option<()> {
    if fargs.is_empty() {
        Some(())
    } else {
        attr.error(
            cx.diags,
            format!(
                "The `{0}` function does not take any argument. Consider changing this default to `{0}()`.",
                name.name
            ),
        );
        None
    }
}

fn literal(
    cx: &mut Cx<'_>,
    attr: &Args<'_>,
    field: &ir::Field,
    value: &Expr,
    enums: &[ir::Enum],
) -> Option<Literal> {
    if field.arity == Arity::List {
        let Expr::Array(items, _) = value else {
            if matches!(field.field_type, FieldType::Enum(_)) {
                mismatch(cx, attr, "enum", value);
            } else {
                attr.error(
                    cx.diags,
                    "The default value of a list field must be a list.",
                );
            }
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            out.push(single_literal(cx, attr, field, item, enums)?);
        }
        return Some(Literal::List(out));
    }
    single_literal(cx, attr, field, value, enums)
}

/// `Expected a Int value, but found `"five"`.`, as the reference words it.
fn mismatch(cx: &mut Cx<'_>, attr: &Args<'_>, expected: &str, value: &Expr) {
    let text = cx.sources.slice(value.span()).to_string();
    let article = if expected == "enum" { "an" } else { "a" };
    attr.error(
        cx.diags,
        format!("Expected {article} {expected} value, but found `{text}`."),
    );
}

fn single_literal(
    cx: &mut Cx<'_>,
    attr: &Args<'_>,
    field: &ir::Field,
    value: &Expr,
    enums: &[ir::Enum],
) -> Option<Literal> {
    match &field.field_type {
        FieldType::Enum(id) => {
            let e = &enums[id.0];
            let Expr::Constant(v, _) = value else {
                mismatch(cx, attr, "enum", value);
                return None;
            };
            if !e.values.iter().any(|x| x.name == *v) {
                attr.error(
                    cx.diags,
                    format!("The defined default value `{v}` is not a valid value of the enum specified for the field."),
                );
                return None;
            }
            Some(Literal::EnumValue(v.clone()))
        }
        FieldType::Scalar(s) => scalar_literal(cx, attr, *s, value),
        FieldType::Unsupported(_) => {
            attr.error(
                cx.diags,
                "Only @default(dbgenerated(\"...\")) can be used for Unsupported types.",
            );
            None
        }
        FieldType::Relation(_) => None,
    }
}

fn scalar_literal(
    cx: &mut Cx<'_>,
    attr: &Args<'_>,
    s: ScalarType,
    value: &Expr,
) -> Option<Literal> {
    match (s, value) {
        (ScalarType::String, Expr::String(v, _)) => Some(Literal::String(v.clone())),
        // The reference reads both as 64-bit integers.
        (ScalarType::Int | ScalarType::BigInt, Expr::Number(n, _)) => match n.parse::<i64>() {
            Ok(v) => Some(Literal::Int(v)),
            Err(e) => {
                let why = match e.kind() {
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                        "number too large to fit in target type"
                    }
                    _ => "invalid digit found in string",
                };
                attr.error(
                    cx.diags,
                    format!("Parse error: \"{n}\" is not a valid integer. ({why})"),
                );
                None
            }
        },
        (ScalarType::Float | ScalarType::Decimal, Expr::Number(n, _)) => {
            Some(Literal::Float(n.clone()))
        }
        (ScalarType::Decimal, Expr::String(v, _)) => {
            if v.parse::<f64>().is_err() {
                attr.error(
                    cx.diags,
                    format!("Parse error: \"{v}\" is not a valid decimal. (invalid digit found in string)"),
                );
                return None;
            }
            Some(Literal::String(v.clone()))
        }
        (ScalarType::Boolean, Expr::Constant(c, _)) if c == "true" || c == "false" => {
            Some(Literal::Boolean(c == "true"))
        }
        (ScalarType::DateTime, Expr::String(v, _)) => {
            if let Err(why) = check_rfc3339(v) {
                attr.error(
                    cx.diags,
                    format!("Parse error: \"{v}\" is not a valid rfc3339 datetime string. ({why})"),
                );
                return None;
            }
            Some(Literal::String(v.clone()))
        }
        (ScalarType::Json, Expr::String(v, _)) => {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(v) {
                attr.error(
                    cx.diags,
                    format!("Parse error: \"{v}\" is not a valid JSON string. ({e})"),
                );
                return None;
            }
            Some(Literal::String(v.clone()))
        }
        (ScalarType::Bytes, Expr::String(v, _)) => {
            if !is_base64(v) {
                attr.error(
                    cx.diags,
                    format!("Parse error: \"{v}\" is not a valid base64 string."),
                );
                return None;
            }
            Some(Literal::String(v.clone()))
        }
        (ScalarType::Boolean, other) => {
            mismatch(cx, attr, s.as_str(), other);
            None
        }
        (
            ScalarType::String | ScalarType::DateTime | ScalarType::Json | ScalarType::Bytes,
            other,
        ) => {
            mismatch(cx, attr, s.as_str(), other);
            None
        }
        (_, other) => {
            mismatch(cx, attr, s.as_str(), other);
            None
        }
    }
}

/// Checks `YYYY-MM-DDTHH:MM:SS(.fff)?(Z|±HH:MM)`; on failure, the reason in the words of the
/// reference's date parser.
fn check_rfc3339(s: &str) -> Result<(), &'static str> {
    const SHORT: &str = "premature end of input";
    const INVALID: &str = "input contains invalid characters";
    let b = s.as_bytes();
    let mut i = 0;
    // Fixed-width numeric fields and separators.
    let expect_digits = |i: &mut usize, n: usize| -> Result<u32, &'static str> {
        let mut v = 0;
        for _ in 0..n {
            match b.get(*i) {
                None => return Err(SHORT),
                Some(c) if c.is_ascii_digit() => v = v * 10 + u32::from(c - b'0'),
                Some(_) => return Err(INVALID),
            }
            *i += 1;
        }
        Ok(v)
    };
    let expect = |i: &mut usize, allowed: &[u8]| -> Result<(), &'static str> {
        match b.get(*i) {
            None => Err(SHORT),
            Some(c) if allowed.contains(c) => {
                *i += 1;
                Ok(())
            }
            Some(_) => Err(INVALID),
        }
    };
    let year = expect_digits(&mut i, 4)?;
    expect(&mut i, b"-")?;
    let month = expect_digits(&mut i, 2)?;
    expect(&mut i, b"-")?;
    let day = expect_digits(&mut i, 2)?;
    expect(&mut i, b"Tt ")?;
    let hour = expect_digits(&mut i, 2)?;
    expect(&mut i, b":")?;
    let minute = expect_digits(&mut i, 2)?;
    expect(&mut i, b":")?;
    let second = expect_digits(&mut i, 2)?;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(if i == b.len() { SHORT } else { INVALID });
        }
    }
    match b.get(i) {
        None => return Err(SHORT),
        Some(b'Z' | b'z') => i += 1,
        Some(b'+' | b'-') => {
            i += 1;
            expect_digits(&mut i, 2)?;
            expect(&mut i, b":")?;
            expect_digits(&mut i, 2)?;
        }
        Some(_) => return Err(INVALID),
    }
    if i != b.len() {
        return Err("trailing input");
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("input is out of range"),
    };
    if !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return Err("input is out of range");
    }
    Ok(())
}

fn is_base64(s: &str) -> bool {
    let trimmed = s.trim_end_matches('=');
    s.len().is_multiple_of(4)
        && s.len() - trimmed.len() <= 2
        && trimmed
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}
