//! PostgreSQL operator classes (`@@index([field(ops: X)], type: Gin)`) and the index types
//! (`type: Gist | Gin | SpGist | Brin`) they go with.
//!
//! Owns: reading `ops:` (a known class name or `raw("...")`), and the reference's rules on which
//! class fits which index type, native type and scalar type. The rules are tables below; the
//! checks walk them in the reference's order so that the same mistake gets the same message.
//! `raw(...)` classes are never checked: they are the escape hatch.

use super::Cx;
use crate::ast::Expr;
use crate::ir::{
    self, Arity, FieldType, IndexAlgorithm, KnownOperatorClass, OperatorClass, ScalarType,
};
use crate::source::Span;

use IndexAlgorithm::{Brin, Gin, Gist, SpGist};
use KnownOperatorClass::*;

/// The index type each known class belongs to.
fn supports_index_type(class: KnownOperatorClass, algo: IndexAlgorithm) -> bool {
    match class {
        InetOps => matches!(algo, Gist | SpGist),
        JsonbOps | JsonbPathOps | ArrayOps => algo == Gin,
        TextOps => algo == SpGist,
        _ => algo == Brin,
    }
}

/// BRIN: native type → the classes it accepts (no class at all is fine for each of these).
const BRIN_NATIVE: &[(&str, &[KnownOperatorClass])] = &[
    ("Bit", &[BitMinMaxOps]),
    ("VarBit", &[VarBitMinMaxOps]),
    ("Char", &[BpcharBloomOps, BpcharMinMaxOps]),
    ("Date", &[DateBloomOps, DateMinMaxOps, DateMinMaxMultiOps]),
    (
        "Real",
        &[Float4BloomOps, Float4MinMaxOps, Float4MinMaxMultiOps],
    ),
    (
        "DoublePrecision",
        &[Float8BloomOps, Float8MinMaxOps, Float8MinMaxMultiOps],
    ),
    (
        "Inet",
        &[
            InetInclusionOps,
            InetBloomOps,
            InetMinMaxOps,
            InetMinMaxMultiOps,
        ],
    ),
    (
        "SmallInt",
        &[Int2BloomOps, Int2MinMaxOps, Int2MinMaxMultiOps],
    ),
    (
        "Integer",
        &[Int4BloomOps, Int4MinMaxOps, Int4MinMaxMultiOps],
    ),
    ("BigInt", &[Int8BloomOps, Int8MinMaxOps, Int8MinMaxMultiOps]),
    (
        "Decimal",
        &[NumericBloomOps, NumericMinMaxOps, NumericMinMaxMultiOps],
    ),
    ("Oid", &[OidBloomOps, OidMinMaxOps, OidMinMaxMultiOps]),
    ("ByteA", &[ByteaBloomOps, ByteaMinMaxOps]),
    ("Text", &[TextBloomOps, TextMinMaxOps]),
    ("VarChar", &[TextBloomOps, TextMinMaxOps]),
    (
        "Timestamp",
        &[
            TimestampBloomOps,
            TimestampMinMaxOps,
            TimestampMinMaxMultiOps,
        ],
    ),
    (
        "Timestamptz",
        &[
            TimestampTzBloomOps,
            TimestampTzMinMaxOps,
            TimestampTzMinMaxMultiOps,
        ],
    ),
    ("Time", &[TimeBloomOps, TimeMinMaxOps, TimeMinMaxMultiOps]),
    (
        "Timetz",
        &[TimeTzBloomOps, TimeTzMinMaxOps, TimeTzMinMaxMultiOps],
    ),
    ("Uuid", &[UuidBloomOps, UuidMinMaxOps, UuidMinMaxMultiOps]),
];

/// BRIN without a native type: the scalar type's default column type and its classes.
const BRIN_SCALAR: &[(ScalarType, &[KnownOperatorClass])] = &[
    (
        ScalarType::Float,
        &[Float8BloomOps, Float8MinMaxOps, Float8MinMaxMultiOps],
    ),
    (
        ScalarType::Int,
        &[Int4BloomOps, Int4MinMaxOps, Int4MinMaxMultiOps],
    ),
    (
        ScalarType::BigInt,
        &[Int8BloomOps, Int8MinMaxOps, Int8MinMaxMultiOps],
    ),
    (
        ScalarType::Decimal,
        &[NumericBloomOps, NumericMinMaxOps, NumericMinMaxMultiOps],
    ),
    (ScalarType::Bytes, &[ByteaBloomOps, ByteaMinMaxOps]),
    (ScalarType::String, &[TextBloomOps, TextMinMaxOps]),
    (
        ScalarType::DateTime,
        &[
            TimestampBloomOps,
            TimestampMinMaxOps,
            TimestampMinMaxMultiOps,
        ],
    ),
];

/// SP-GiST: native types that work with `TextOps` or no class.
const SPGIST_TEXT_NATIVE: &[&str] = &["Text", "VarChar", "Char"];

/// Reads the value of `ops:`.
pub(crate) fn parse(cx: &mut Cx<'_>, attribute: &str, v: &Expr) -> Option<OperatorClass> {
    let fail = |cx: &mut Cx<'_>, message: String| {
        cx.error(
            format!("Error parsing attribute \"{attribute}\": {message}"),
            v.span(),
        );
        None
    };
    match v {
        Expr::Constant(name, _) => match KnownOperatorClass::parse(name) {
            Some(k) => Some(OperatorClass::Known(k)),
            None => fail(cx, format!("Invalid operator class: {name}")),
        },
        Expr::Function(name, args, _) if name.name == "raw" => match args.as_slice() {
            [arg] if arg.name.is_none() => match &arg.value {
                Some(Expr::String(s, _)) => Some(OperatorClass::Raw(s.clone())),
                Some(other) => fail(
                    cx,
                    format!(
                        "The argument of `raw()` must be a string, but received {} value `{}`.",
                        other.describe(),
                        cx.sources.slice(other.span())
                    ),
                ),
                None => fail(cx, "The argument of `raw()` must be a string.".into()),
            },
            other => fail(
                cx,
                format!(
                    "Wrong number of arguments for `raw()`. Expected: 1, got: {}.",
                    other.len()
                ),
            ),
        },
        other => fail(
            cx,
            format!(
                "Expected an operator class (a name such as `JsonbPathOps`, or `raw(\"...\")`), but received {} value `{}`.",
                other.describe(),
                cx.sources.slice(other.span())
            ),
        ),
    }
}

/// PostgreSQL rules for an index: each field's operator class against the index type, the
/// field's native type and its scalar type; SP-GiST takes one column.
pub(crate) fn check_postgres_index(
    cx: &mut Cx<'_>,
    model: &ir::Model,
    index: &ir::Index,
    attribute: &str,
) {
    let algo = index.algorithm.unwrap_or(IndexAlgorithm::BTree);
    let span = index.span;
    let error = |cx: &mut Cx<'_>, message: String| {
        cx.error(
            format!("Error parsing attribute \"{attribute}\": {message}"),
            span,
        );
    };
    for index_field in &index.fields {
        let field = model.field(index_field.field);
        let class = match &index_field.ops {
            Some(OperatorClass::Raw(_)) => continue,
            Some(OperatorClass::Known(k)) => Some(*k),
            None => None,
        };
        if let Some(class) = class {
            if !supports_index_type(class, algo) {
                error(
                    cx,
                    format!(
                        "The given operator class `{}` is not supported with the `{}` index type.",
                        class.as_str(),
                        algo.as_str()
                    ),
                );
                continue;
            }
        }
        if let Some(message) = field_problem(algo, field, class) {
            error(cx, message);
        }
    }
    if algo == SpGist && index.fields.len() > 1 {
        error(cx, "SpGist does not support multi-column indices.".into());
    }
}

/// What is wrong with indexing `field` with `class` in an index of type `algo`, if anything.
fn field_problem(
    algo: IndexAlgorithm,
    field: &ir::Field,
    class: Option<KnownOperatorClass>,
) -> Option<String> {
    let native = field.native_type.as_ref().map(|n| n.name.as_str());
    let scalar = field.scalar_type();
    let is_list = field.arity == Arity::List;
    let name = &field.name;
    let not_of_type = |class: KnownOperatorClass, type_name: &str| {
        format!(
            "The given operator class `{}` points to the field `{name}` that is not of {type_name} type.",
            class.as_str()
        )
    };
    match algo {
        Gist => match (native, class) {
            (Some("Inet"), Some(InetOps)) => None,
            _ => generic_problem(algo, field, native, class),
        },
        Gin => match (native, class) {
            (None, None) if scalar == Some(ScalarType::Json) => None,
            (_, None) if is_list => None,
            (Some("JsonB"), Some(JsonbOps | JsonbPathOps) | None) => None,
            (None, Some(c @ (JsonbOps | JsonbPathOps))) => {
                (scalar != Some(ScalarType::Json)).then(|| not_of_type(c, "Json"))
            }
            (_, Some(ArrayOps)) => (!is_list).then(|| {
                format!("The given operator class `ArrayOps` expects the type of field `{name}` to be an array.")
            }),
            _ => generic_problem(algo, field, native, class),
        },
        SpGist => match (native, class) {
            (Some("Inet"), Some(InetOps) | None) => None,
            (None, None) if scalar == Some(ScalarType::String) => None,
            (None, Some(TextOps)) => {
                (scalar != Some(ScalarType::String)).then(|| not_of_type(TextOps, "String"))
            }
            (Some(n), Some(TextOps) | None) if SPGIST_TEXT_NATIVE.contains(&n) => None,
            _ => generic_problem(algo, field, native, class),
        },
        Brin => match (native, class) {
            (Some(n), c) => match BRIN_NATIVE.iter().find(|(nt, _)| *nt == n) {
                Some((_, classes)) if c.is_none_or(|c| classes.contains(&c)) => None,
                _ => generic_problem(algo, field, native, class),
            },
            (None, None) => match BRIN_SCALAR.iter().any(|(s, _)| Some(*s) == scalar) {
                true => None,
                false => generic_problem(algo, field, native, class),
            },
            (None, Some(c)) => match BRIN_SCALAR.iter().find(|(_, cs)| cs.contains(&c)) {
                Some((s, _)) => (Some(*s) != scalar).then(|| not_of_type(c, s.as_str())),
                None => generic_problem(algo, field, native, class),
            },
        },
        IndexAlgorithm::BTree | IndexAlgorithm::Hash => None,
    }
}

/// The reference's fallback when no rule of the index type matched.
fn generic_problem(
    algo: IndexAlgorithm,
    field: &ir::Field,
    native: Option<&str>,
    class: Option<KnownOperatorClass>,
) -> Option<String> {
    let name = &field.name;
    let algo_name = algo.as_str();
    match (native, class) {
        (Some(n), Some(c)) => Some(format!(
            "The given operator class `{}` does not support native type `{n}` of field `{name}`.",
            c.as_str()
        )),
        (Some(n), None) => Some(format!(
            "The {algo_name} index field type `{n}` has no default operator class."
        )),
        (None, Some(c)) => Some(format!(
            "The given operator class `{}` expects the field `{name}` to define a valid native type.",
            c.as_str()
        )),
        (None, None) => (!supports_field_type(algo, field)).then(|| {
            format!("The {algo_name} index type does not support the type of the field `{name}`.")
        }),
    }
}

/// Whether an index type can index a field of this type with its default operator class.
fn supports_field_type(algo: IndexAlgorithm, field: &ir::Field) -> bool {
    if matches!(field.field_type, FieldType::Unsupported(_)) {
        return true;
    }
    let scalar = field.scalar_type();
    match algo {
        IndexAlgorithm::BTree | IndexAlgorithm::Hash => true,
        Gist | SpGist => scalar == Some(ScalarType::String),
        Gin => scalar == Some(ScalarType::Json) || field.arity == Arity::List,
        Brin => BRIN_SCALAR.iter().any(|(s, _)| Some(*s) == scalar),
    }
}

/// PostgreSQL cannot index `xml` columns at all.
pub(crate) fn check_postgres_native_types(
    cx: &mut Cx<'_>,
    model: &ir::Model,
    index: &ir::Index,
    field_span: impl Fn(ir::FieldId) -> Span,
) {
    for f in &index.fields {
        let field = model.field(f.field);
        if field.native_type.as_ref().is_some_and(|n| n.name == "Xml") {
            let message = if index.kind == ir::IndexKind::Unique {
                "Native type `Xml` cannot be unique in Postgres."
            } else {
                "You cannot define an index on fields with native type `Xml` of Postgres."
            };
            cx.error(message, field_span(f.field));
            break;
        }
    }
}
