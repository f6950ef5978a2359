//! Models: field types, field attributes (`@id @unique @default @map @updatedAt @ignore
//! @relation @db.*`) and block attributes (`@@id @@unique @@index @@fulltext @@map @@ignore
//! @@schema`), then the per-model rules that need all of them (ids, index names).

use super::args::{self, Args};
use super::{defaults, native, opclasses, Cx};
use crate::ast::{self, Expr, ModelKind, TypeName};
use crate::diagnostics::Diagnostic;
use crate::ir::{self, Arity, FieldType, IndexKind, Provider, ScalarType};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// A model's fields by name, for lookups that would otherwise scan every field.
type FieldIds<'a> = HashMap<&'a str, ir::FieldId>;

/// What `@relation(...)` said, kept for the relation pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelationAttr {
    pub(crate) name: Option<String>,
    pub(crate) fields: Option<Vec<(String, Span)>>,
    pub(crate) references: Option<Vec<(String, Span)>>,
    pub(crate) on_delete: Option<(ir::ReferentialAction, Span)>,
    pub(crate) on_update: Option<(ir::ReferentialAction, Span)>,
    pub(crate) map: Option<String>,
    /// The span of the `map:` argument, for constraint-name diagnostics.
    pub(crate) map_span: Option<Span>,
    pub(crate) span: Option<Span>,
}

/// Block attributes that may appear once per block.
pub(crate) const BLOCK_ATTRIBUTES_ONCE: &[&str] = &["id", "map", "ignore", "schema", "shardKey"];

/// Reports every occurrence of an attribute that may appear only once; returns their names.
pub(crate) fn report_duplicate_attributes<'a>(
    cx: &mut Cx<'_>,
    attrs: &'a [ast::Attribute],
    once: &[&str],
) -> Vec<&'a str> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for a in attrs {
        *counts.entry(a.name.name.as_str()).or_default() += 1;
    }
    let mut dups = Vec::new();
    for a in attrs {
        let name = a.name.name.as_str();
        if counts[name] > 1 && once.contains(&name) {
            cx.error(
                format!("Attribute \"@{name}\" can only be defined once."),
                a.span,
            );
            if !dups.contains(&name) {
                dups.push(name);
            }
        }
    }
    dups
}

/// Relation attributes of one model, by field.
pub(crate) type ModelRelationAttrs = Vec<(ir::FieldId, RelationAttr)>;

const FIELD_ATTRIBUTES_ONCE: &[&str] = &[
    "id",
    "unique",
    "default",
    "map",
    "updatedAt",
    "ignore",
    "relation",
    "shardKey",
];

pub(crate) fn build_model(
    cx: &mut Cx<'_>,
    m: &ast::Model,
    id: ir::ModelId,
    enums: &[ir::Enum],
) -> (ir::Model, ModelRelationAttrs) {
    let what = m.kind.keyword();
    let mut model = ir::Model {
        name: m.name.name.clone(),
        db_name: m.name.name.clone(),
        schema: None,
        is_view: m.kind == ModelKind::View,
        is_ignored: false,
        documentation: m.documentation.clone(),
        fields: Vec::new(),
        primary_key: None,
        indexes: Vec::new(),
        span: m.span,
    };
    let _ = id;
    let mut relation_attrs = Vec::new();
    let mut field_pk: Vec<PendingPk> = Vec::new();
    let mut shard_keys = 0;
    // Known before the block attributes are read: an ignored model may have optional shard keys.
    let is_ignored = m.attributes().any(|a| a.name.name == "ignore");

    let mut field_ids = FieldIds::new();
    for f in m.fields() {
        if field_ids.contains_key(f.name.name.as_str()) {
            cx.error(
                format!(
                    "Field \"{}\" is already defined on {what} \"{}\".",
                    f.name.name, m.name.name
                ),
                f.name.span,
            );
            continue;
        }
        let item = if m.kind == ModelKind::View {
            "field"
        } else {
            "Field"
        };
        super::check_identifier(cx, &f.name, item);
        let Some(ft) = &f.field_type else { continue };
        let Some(field_type) = resolve_type(cx, ft) else {
            continue;
        };
        let arity = match ft.arity {
            ast::Arity::Required => Arity::Required,
            ast::Arity::Optional => Arity::Optional,
            ast::Arity::List => Arity::List,
        };
        let is_relation = matches!(field_type, FieldType::Relation(_));
        if arity == Arity::List && !is_relation {
            if let Some(p) = cx.provider() {
                if !p.supports_scalar_lists() && field_type == FieldType::Scalar(ScalarType::Json) {
                    cx.error(
                        format!(
                            "Error validating field `{0}` in {what} `{1}`: Field `{0}` in {what} `{1}` can't be of type Json[]. The current connector does not support the Json List type.",
                            f.name.name, m.name.name
                        ),
                        f.span,
                    );
                }
                if !p.supports_scalar_lists() {
                    cx.error(
                        format!(
                            "Field \"{}\" in {what} \"{}\" can't be a list. The current connector does not support lists of primitive types.",
                            f.name.name, m.name.name
                        ),
                        f.span,
                    );
                }
            }
        }
        let field_id = ir::FieldId(model.fields.len());
        let mut field = ir::Field {
            name: f.name.name.clone(),
            db_name: f.name.name.clone(),
            field_type,
            arity,
            default: None,
            native_type: None,
            is_updated_at: false,
            is_ignored: false,
            documentation: f.documentation.clone(),
            span: f.span,
        };
        let mut native_seen = false;
        let duplicates = report_duplicate_attributes(cx, &f.attributes, FIELD_ATTRIBUTES_ONCE);
        for a in &f.attributes {
            let name = a.name.name.as_str();
            if duplicates.contains(&name) {
                continue;
            }
            match name {
                "id" => {
                    let mut args = Args::new(a, "@");
                    let map = map_arg(cx, &mut args, "map");
                    let (sort, length) = sort_and_length(cx, &mut args);
                    clustered_arg(cx, &mut args);
                    args.finish(cx.diags);
                    if field.is_relation() {
                        args_error(cx, a, "@", &format!("The field `{}` is a relation field and cannot be marked with `@id`. Only scalar fields can be declared as id.", field.name));
                    } else if field.arity != Arity::Required {
                        args_error(cx, a, "@", "Fields that are marked as id must be required.");
                    }
                    field_pk.push((field_id, sort, length, a.span, map));
                }
                "unique" => {
                    let mut args = Args::new(a, "@");
                    let map = map_arg(cx, &mut args, "map");
                    let (sort, length) = sort_and_length(cx, &mut args);
                    let clustered = clustered_arg(cx, &mut args);
                    args.finish(cx.diags);
                    if field.is_relation() {
                        args_error(cx, a, "@", &format!("The field `{}` is a relation field and cannot be marked with `unique`. Only scalar fields can be made unique.", field.name));
                        continue;
                    }
                    model.indexes.push(ir::Index {
                        kind: IndexKind::Unique,
                        name: None,
                        db_name_is_explicit: map.is_some(),
                        db_name: map.unwrap_or_default(),
                        fields: vec![ir::IndexField {
                            field: field_id,
                            sort,
                            length,
                            ops: None,
                        }],
                        algorithm: None,
                        clustered,
                        from_field_attribute: true,
                        span: a.span,
                    });
                }
                "default" => {
                    field.default = defaults::default_value(cx, a, &field, enums);
                }
                "map" => {
                    if field.is_relation() {
                        args_error(
                            cx,
                            a,
                            "@",
                            "The attribute `@map` cannot be used on relation fields.",
                        );
                        continue;
                    }
                    if let Some(n) = map_argument(cx, a, "@") {
                        field.db_name = n;
                    }
                }
                "updatedAt" => {
                    Args::new(a, "@").finish(cx.diags);
                    if field.scalar_type() != Some(ScalarType::DateTime) {
                        args_error(
                            cx,
                            a,
                            "@",
                            "Fields that are marked with @updatedAt must be of type DateTime.",
                        );
                    } else if field.arity == Arity::List {
                        args_error(
                            cx,
                            a,
                            "@",
                            "Fields that are marked with @updatedAt cannot be lists.",
                        );
                    }
                    field.is_updated_at = true;
                }
                "ignore" => {
                    Args::new(a, "@").finish(cx.diags);
                    if field.is_relation() {
                        // The reference allows it on relation fields only together with an ignored
                        // scalar; keep it simple and accept.
                    }
                    field.is_ignored = true;
                }
                "relation" => {
                    if !field.is_relation() {
                        args_error(cx, a, "@", "Invalid field type, not a relation.");
                        continue;
                    }
                    if let Some(r) = relation_attribute(cx, a) {
                        relation_attrs.push((field_id, r));
                    }
                }
                "shardKey" => {
                    // The reference reports a shard key on a relation field or an optional or
                    // list field on its own, before the preview feature and the provider.
                    if field.is_relation() {
                        cx.error("Attribute not known: \"@shardKey\".", a.span);
                        continue;
                    }
                    Args::new(a, "@").finish(cx.diags);
                    if field.arity != Arity::Required && !is_ignored {
                        args_error(
                            cx,
                            a,
                            "@",
                            "Fields that are marked as shard keys must be required.",
                        );
                        continue;
                    }
                    shard_key_supported(cx, a, "@shardKey");
                    shard_keys += 1;
                }
                _ => {
                    if let Some(nt) = native_type(cx, a, &field, &mut native_seen) {
                        field.native_type = Some(nt);
                    }
                }
            }
        }
        field_ids.insert(f.name.name.as_str(), field_id);
        model.fields.push(field);
    }

    check_column_names(cx, m, &model);

    if shard_keys > 1 {
        cx.error(
            format!(
                "Error validating model \"{}\": At most one field must be marked as the shard key with the `@shardKey` attribute.",
                m.name.name
            ),
            m.name.span,
        );
    }

    block_attributes(
        cx,
        m,
        &mut model,
        &field_ids,
        &mut field_pk,
        shard_keys > 0,
        is_ignored,
    );
    compute_constraint_names(cx, &mut model);
    check_model(cx, m, &model);
    (model, relation_attrs)
}

/// Two scalar fields must not share a column. Fields without `@map` claim their names first;
/// a mapped field whose column is taken is the one reported, as in the reference.
fn check_column_names(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model) {
    let what = m.kind.keyword();
    let mapped: HashSet<&str> = m
        .fields()
        .filter(|x| x.attributes.iter().any(|a| a.name.name == "map"))
        .map(|x| x.name.name.as_str())
        .collect();
    let is_mapped = |f: &ir::Field| mapped.contains(f.name.as_str());
    let scalars: Vec<&ir::Field> = model.fields.iter().filter(|f| !f.is_relation()).collect();
    let mut taken: HashSet<&str> = scalars
        .iter()
        .filter(|f| !is_mapped(f))
        .map(|f| f.db_name.as_str())
        .collect();
    for f in scalars.iter().filter(|f| is_mapped(f)) {
        if !taken.insert(&f.db_name) {
            cx.error(
                format!(
                    "Field \"{}\" is already defined on {what} \"{}\".",
                    f.name, m.name.name
                ),
                f.span,
            );
        }
    }
}

/// Shard keys are a preview feature, and only MySQL (PlanetScale/Vitess) has them.
fn shard_key_supported(cx: &mut Cx<'_>, a: &ast::Attribute, attribute: &str) {
    if !cx.config.has_feature("shardKeys") {
        cx.error(
            format!("Error parsing attribute \"{attribute}\": Defining shard keys requires enabling the `shardKeys` preview feature"),
            a.span,
        );
    }
    if let Some(p) = cx.provider().filter(|p| *p != Provider::Mysql) {
        cx.error(
            format!(
                "Error parsing attribute \"{attribute}\": Shard keys are not currently supported for provider {}",
                p.as_str()
            ),
            a.span,
        );
    }
}

fn args_error(cx: &mut Cx<'_>, a: &ast::Attribute, prefix: &str, message: &str) {
    cx.error(
        format!(
            "Error parsing attribute \"{prefix}{}\": {message}",
            a.name.name
        ),
        a.span,
    );
}

pub(crate) fn resolve_type(cx: &mut Cx<'_>, ft: &ast::FieldType) -> Option<FieldType> {
    let name = match &ft.name {
        TypeName::Unsupported(s, _) => return Some(FieldType::Unsupported(s.clone())),
        TypeName::Named(n) => n,
    };
    if let Some(s) = ScalarType::parse(&name.name) {
        return Some(FieldType::Scalar(s));
    }
    if let Some(e) = cx.enum_ids.get(name.name.as_str()) {
        return Some(FieldType::Enum(*e));
    }
    if let Some(m) = cx.model_ids.get(name.name.as_str()) {
        return Some(FieldType::Relation(ir::RelationInfo {
            related_model: *m,
            relation: ir::RelationId(usize::MAX),
            fields: Vec::new(),
            references: Vec::new(),
            on_delete: None,
            on_update: None,
        }));
    }
    if cx.composite_types.contains_key(name.name.as_str()) {
        // Already reported where the composite type is declared.
        return None;
    }
    cx.push(
        Diagnostic::error(
            format!(
                "Type \"{}\" is neither a built-in type, nor refers to another model, composite type, or enum.",
                name.name
            ),
            name.span,
        )
        .with_help(type_suggestion(cx, &name.name)),
    );
    None
}

fn type_suggestion(cx: &Cx<'_>, name: &str) -> String {
    const BUILTIN: &[&str] = &[
        "String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes",
    ];
    let lower = name.to_lowercase();
    let candidates = BUILTIN
        .iter()
        .copied()
        .chain(cx.model_ids.keys().copied())
        .chain(cx.enum_ids.keys().copied());
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, &c.to_lowercase());
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    match best {
        Some((_, c)) => format!("did you mean `{c}`?"),
        None => "scalar types are String, Int, BigInt, Float, Decimal, Boolean, DateTime, Json and Bytes".into(),
    }
}

/// The candidate closest to `name` (ignoring case), when one is close enough to be a typo:
/// for "did you mean" hints.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `Attribute not known: "@name".`, with a hint when `name` is a likely typo of one of `known`
/// (`prefix` is `@` or `@@`).
fn unknown_attribute(prefix: &str, name: &str, known: &[&str], span: Span) -> Diagnostic {
    let d = Diagnostic::error(format!("Attribute not known: \"{prefix}{name}\"."), span);
    match closest(name, known.iter().copied()) {
        Some(c) => d.with_help(format!("did you mean `{prefix}{c}`?")),
        None => d,
    }
}

/// "did you mean `x`?" for each unknown name that is close to a known one.
pub(crate) fn suggestions<S: AsRef<str>>(unknown: &[S], known: &[&str]) -> Option<String> {
    let hints: Vec<String> = unknown
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|u| closest(u, known.iter().copied()).map(|c| format!("`{c}` for `{u}`")))
        .collect();
    match (unknown.len(), hints.len()) {
        (_, 0) => None,
        // One name: no need to say which.
        (1, _) => closest(unknown[0].as_ref(), known.iter().copied())
            .map(|c| format!("did you mean `{c}`?")),
        _ => Some(format!("did you mean {}?", hints.join(", "))),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Reads the string argument of `@map`/`@@map`.
pub(crate) fn map_argument(cx: &mut Cx<'_>, a: &ast::Attribute, prefix: &str) -> Option<String> {
    let mut args = Args::new(a, prefix);
    let v = args.required("name", cx.diags);
    let s = v.and_then(|v| args::expect_str(v, cx.sources, cx.diags));
    let s = s.map(str::to_string);
    args.finish(cx.diags);
    if s.as_deref() == Some("") {
        // The reference accepts it; the database will not.
        cx.diags.warning(
            format!(
                "The `name` argument of \"{prefix}{}\" is an empty string. Most databases reject empty names.",
                a.name.name
            ),
            a.span,
        );
    }
    s
}

/// Reads `@@schema("name")` and checks the datasource declares it.
pub(crate) fn schema_argument(cx: &mut Cx<'_>, a: &ast::Attribute) -> Option<String> {
    let mut args = Args::new(a, "@@");
    let v = args.required("map", cx.diags);
    let s = v
        .and_then(|v| args::expect_str(v, cx.sources, cx.diags))
        .map(str::to_string);
    args.finish(cx.diags);
    let s = s?;
    let declared = cx
        .config
        .datasource
        .as_ref()
        .is_some_and(|d| d.schemas.contains(&s));
    if !declared {
        cx.error(
            "This schema is not defined in the datasource. Read more on `@@schema` at https://pris.ly/d/multi-schema",
            a.span,
        );
    }
    Some(s)
}

/// With `schemas = [...]` in the datasource, every model, view and enum needs `@@schema`.
pub(crate) fn require_schema_attribute(
    cx: &mut Cx<'_>,
    has_schema: bool,
    what: &str,
    model_name: Option<&str>,
    block_span: Span,
    name_span: Span,
) {
    let needs = cx
        .config
        .datasource
        .as_ref()
        .is_some_and(|d| !d.schemas.is_empty());
    if needs && !has_schema {
        let message = match model_name {
            Some(name) if what == "view" => {
                format!("Error validating view \"{name}\": This view is missing an `@@schema` attribute.")
            }
            Some(name) => {
                format!("Error validating model \"{name}\": This model is missing an `@@schema` attribute.")
            }
            None => format!("This {what} is missing an `@@schema` attribute."),
        };
        let _ = name_span;
        cx.error(message, block_span);
    }
}

fn map_arg(cx: &mut Cx<'_>, args: &mut Args<'_>, name: &str) -> Option<String> {
    let v = args.named(name)?;
    args::expect_str(v, cx.sources, cx.diags).map(str::to_string)
}

fn sort_and_length(cx: &mut Cx<'_>, args: &mut Args<'_>) -> (Option<ir::SortOrder>, Option<u32>) {
    let sort = args.named("sort").and_then(|v| sort_order(cx, v));
    let length = args
        .named("length")
        .and_then(|v| args::expect_u32(v, cx.sources, cx.diags));
    (sort, length)
}

fn sort_order(cx: &mut Cx<'_>, v: &Expr) -> Option<ir::SortOrder> {
    match args::expect_constant(v, cx.sources, cx.diags)? {
        "Asc" => Some(ir::SortOrder::Asc),
        "Desc" => Some(ir::SortOrder::Desc),
        other => {
            cx.error(
                format!("The `sort` argument can only be `Asc` or `Desc`, not `{other}`."),
                v.span(),
            );
            None
        }
    }
}

fn clustered_arg(cx: &mut Cx<'_>, args: &mut Args<'_>) -> Option<bool> {
    let v = args.named("clustered")?;
    let b = args::expect_bool(v, cx.sources, cx.diags);
    cx.error(
        format!(
            "Error parsing attribute \"{}\": Defining clustering is not supported in the current connector.",
            args.display
        ),
        args.span(),
    );
    b
}

fn relation_attribute(cx: &mut Cx<'_>, a: &ast::Attribute) -> Option<RelationAttr> {
    let mut args = Args::new(a, "@");
    let mut r = RelationAttr {
        span: Some(a.span),
        ..Default::default()
    };
    if let Some(v) = args.default_arg("name") {
        r.name = args::expect_str(v, cx.sources, cx.diags).map(str::to_string);
    }
    r.fields = args.named("fields").map(|v| field_refs(cx, v));
    r.references = args.named("references").map(|v| field_refs(cx, v));
    r.on_delete = args
        .named("onDelete")
        .and_then(|v| referential_action(cx, v));
    r.on_update = args
        .named("onUpdate")
        .and_then(|v| referential_action(cx, v));
    r.map_span = a.named("map").map(|m| m.span);
    r.map = map_arg(cx, &mut args, "map");
    args.finish(cx.diags);
    Some(r)
}

fn referential_action(cx: &mut Cx<'_>, v: &Expr) -> Option<(ir::ReferentialAction, Span)> {
    let s = args::expect_constant(v, cx.sources, cx.diags)?;
    match ir::ReferentialAction::parse(s) {
        Some(a) => Some((a, v.span())),
        None => {
            cx.error(
                format!("Error parsing attribute \"@relation\": Invalid referential action: `{s}`. Allowed values: (`Cascade`, `Restrict`, `NoAction`, `SetNull`, `SetDefault`)"),
                v.span(),
            );
            None
        }
    }
}

/// A list of field names (`[a, b]`), each a constant.
fn field_refs(cx: &mut Cx<'_>, v: &Expr) -> Vec<(String, Span)> {
    args::as_list(v)
        .into_iter()
        .filter_map(|e| {
            args::expect_constant(e, cx.sources, cx.diags).map(|s| (s.to_string(), e.span()))
        })
        .collect()
}

fn native_type(
    cx: &mut Cx<'_>,
    a: &ast::Attribute,
    field: &ir::Field,
    native_seen: &mut bool,
) -> Option<ir::NativeType> {
    let full = a.name.name.as_str();
    let Some((prefix, type_name)) = full.split_once('.') else {
        const KNOWN: &[&str] = &[
            "id",
            "unique",
            "default",
            "relation",
            "map",
            "updatedAt",
            "ignore",
            "shardKey",
        ];
        cx.push(unknown_attribute("@", full, KNOWN, a.span));
        return None;
    };
    if Some(prefix) != cx.native_prefix() {
        let d = match cx.native_prefix() {
            Some(p) => Diagnostic::error(
                format!("The prefix {prefix} is invalid. It must be equal to the name of an existing datasource e.g. {p}. Did you mean to use {p}.{type_name}?"),
                a.span,
            ),
            None => Diagnostic::error(format!("Attribute not known: \"@{full}\"."), a.span)
                .with_help("native types need a datasource block"),
        };
        cx.push(d);
        return None;
    }
    let provider = cx.provider()?;
    if std::mem::replace(native_seen, true) {
        cx.error(
            format!("Attribute \"@{prefix}\" can only be defined once."),
            a.span,
        );
        return None;
    }
    let Some(spec) = native::native_types(provider)
        .iter()
        .find(|s| s.name == type_name)
    else {
        let message = if provider == Provider::Sqlite {
            format!("Native type {type_name} is not supported for sqlite connector.")
        } else {
            format!(
                "Native type {type_name} is not supported for {} connector.",
                provider.as_str()
            )
        };
        cx.error(message, a.span);
        return None;
    };
    let scalar = match &field.field_type {
        FieldType::Scalar(s) => *s,
        _ => {
            cx.error(
                format!(
                    "Native types can only be used on scalar fields, but `{}` is not one.",
                    field.name
                ),
                a.span,
            );
            return None;
        }
    };
    if !spec.scalars.contains(&scalar) {
        let expected: Vec<&str> = spec.scalars.iter().map(|s| s.as_str()).collect();
        cx.error(
            format!(
                "Native type {type_name} is not compatible with declared field type {}, expected field type {}.",
                scalar.as_str(),
                expected.join(" or ")
            ),
            a.span,
        );
        return None;
    }
    let mut values = Vec::new();
    for arg in &a.arguments {
        match &arg.value {
            Some(Expr::Number(n, _)) if n.parse::<u32>().is_ok() => {
                values.push(n.parse().unwrap_or_default())
            }
            Some(other) => {
                cx.error(
                    format!(
                        "Expected a numeric value, but received {} value `{}`.",
                        other.describe(),
                        cx.sources.slice(other.span())
                    ),
                    other.span(),
                );
                return None;
            }
            None => return None,
        }
    }
    let n = values.len();
    if n < spec.required_args || n > spec.required_args + spec.optional_args {
        let message = if spec.optional_args == 0 {
            format!(
                "Native type {type_name} takes {} arguments, but received {n}.",
                spec.required_args
            )
        } else {
            format!(
                "Native type {type_name} takes {} optional arguments, but received {n}.",
                spec.optional_args
            )
        };
        cx.error(message, a.span);
        return None;
    }
    if type_name == "Decimal" && n == 1 {
        cx.error(
            "Native type Decimal takes 2 optional arguments, but received 1.".to_string(),
            a.span,
        );
    }
    if let Some(problem) = native::check_arguments(provider, type_name, &values, scalar) {
        let db = match provider {
            Provider::Postgres => "Postgres",
            Provider::Mysql => "MySQL",
            Provider::Sqlite => "SQLite",
        };
        let rendered = if values.is_empty() {
            type_name.to_string()
        } else {
            let args: Vec<String> = values.iter().map(u32::to_string).collect();
            format!("{type_name}({})", args.join(","))
        };
        let message = match problem {
            native::ArgumentProblem::OutOfRange(why) => {
                format!("Argument M is out of range for native type `{rendered}` of {db}: {why}")
            }
            native::ArgumentProblem::ScaleLargerThanPrecision => format!(
                "The scale must not be larger than the precision for the {rendered} native type in {db}."
            ),
        };
        cx.error(message, a.span);
    }
    Some(ir::NativeType {
        name: type_name.to_string(),
        args: values,
    })
}

type PendingPk = (
    ir::FieldId,
    Option<ir::SortOrder>,
    Option<u32>,
    Span,
    Option<String>,
);

fn block_attributes(
    cx: &mut Cx<'_>,
    m: &ast::Model,
    model: &mut ir::Model,
    field_ids: &FieldIds<'_>,
    field_pk: &mut Vec<PendingPk>,
    has_field_shard_key: bool,
    is_ignored: bool,
) {
    let mut schema_seen = false;
    let mut compound_pk: Option<ir::PrimaryKey> = None;
    let attrs: Vec<ast::Attribute> = m.attributes().cloned().collect();
    let duplicates = report_duplicate_attributes(cx, &attrs, BLOCK_ATTRIBUTES_ONCE);
    for a in m.attributes() {
        let name = a.name.name.as_str();
        if duplicates.contains(&name) {
            if name == "schema" {
                schema_seen = true;
            }
            continue;
        }
        match name {
            "map" => {
                if let Some(n) = map_argument(cx, a, "@@") {
                    model.db_name = n;
                }
            }
            "ignore" => {
                Args::new(a, "@@").finish(cx.diags);
                model.is_ignored = true;
            }
            "schema" => {
                schema_seen = true;
                model.schema = schema_argument(cx, a);
            }
            "id" => {
                let mut args = Args::new(a, "@@");
                let fields = index_fields(cx, m, model, field_ids, &mut args, "id");
                let name_arg = map_arg(cx, &mut args, "name");
                let map = map_arg(cx, &mut args, "map");
                let clustered = clustered_arg(cx, &mut args);
                args.finish(cx.diags);
                if fields.as_ref().is_some_and(|f| f.is_empty()) {
                    args_error(cx, a, "@@", "The list of fields in an `@@id()` attribute cannot be empty. Please specify at least one field.");
                }
                if let Some(fields) = fields {
                    compound_pk = Some(ir::PrimaryKey {
                        name: name_arg,
                        db_name_is_explicit: map.is_some(),
                        db_name: map.unwrap_or_default(),
                        fields,
                        clustered,
                        is_compound_attribute: true,
                    });
                }
            }
            "unique" | "index" | "fulltext" => {
                let kind = match name {
                    "unique" => IndexKind::Unique,
                    "index" => IndexKind::Normal,
                    _ => IndexKind::Fulltext,
                };
                let mut args = Args::new(a, "@@");
                let fields = index_fields(cx, m, model, field_ids, &mut args, name);
                // `name` is the client's name for a unique constraint, and a legacy alias of
                // `map` for a normal index.
                let name_arg = match kind {
                    IndexKind::Unique => map_arg(cx, &mut args, "name"),
                    _ => None,
                };
                let legacy_map = match kind {
                    IndexKind::Normal => map_arg(cx, &mut args, "name"),
                    _ => None,
                };
                let map = match (legacy_map, map_arg(cx, &mut args, "map")) {
                    (Some(_), Some(_)) => {
                        // The reference names the attribute `@index` in this message.
                        args_error(cx, a, "@", "The `@@index` attribute accepts the `name` argument as an alias for the `map` argument for legacy reasons. It does not accept both though. Please use the `map` argument to specify the database name of the index.");
                        None
                    }
                    (legacy, map) => map.or(legacy),
                };
                let algorithm = if kind == IndexKind::Normal {
                    index_algorithm(cx, &mut args)
                } else {
                    None
                };
                let clustered = if kind == IndexKind::Fulltext {
                    None
                } else {
                    clustered_arg(cx, &mut args)
                };
                args.finish(cx.diags);
                if kind == IndexKind::Fulltext
                    && cx.provider().is_some_and(|p| p != Provider::Mysql)
                {
                    args_error(
                        cx,
                        a,
                        "@@",
                        "Defining fulltext indexes is not supported with the current connector.",
                    );
                }
                if let Some(fields) = fields {
                    if kind != IndexKind::Normal && fields.iter().any(|f| f.ops.is_some()) {
                        args_error(
                            cx,
                            a,
                            "@@",
                            "Operator classes can only be defined to fields in an @@index attribute.",
                        );
                    }
                    if fields.is_empty() {
                        args_error(
                            cx,
                            a,
                            "@@",
                            "The list of fields in an index cannot be empty. Please specify at least one field.",
                        );
                    }
                    model.indexes.push(ir::Index {
                        kind,
                        name: name_arg,
                        db_name_is_explicit: map.is_some(),
                        db_name: map.unwrap_or_default(),
                        fields,
                        algorithm,
                        clustered,
                        from_field_attribute: false,
                        span: a.span,
                    });
                }
            }
            "shardKey" => {
                shard_key_supported(cx, a, "@@shardKey");
                let mut args = Args::new(a, "@@");
                let fields = index_fields(cx, m, model, field_ids, &mut args, "shardKey");
                args.finish(cx.diags);
                if fields.as_ref().is_some_and(|f| f.is_empty()) {
                    args_error(cx, a, "@@", "The list of fields in a `@@shardKey()` attribute cannot be empty. Please specify at least one field.");
                }
                let optional: Vec<&str> = fields
                    .iter()
                    .flatten()
                    .filter(|_| !is_ignored)
                    .map(|f| model.field(f.field))
                    .filter(|f| f.arity != Arity::Required)
                    .map(|f| f.name.as_str())
                    .collect();
                if !optional.is_empty() {
                    cx.error(
                        format!("Error validating model \"{}\": The shard key definition refers to the optional {}. Shard key definitions must reference only required fields.", m.name.name, plural_fields(&optional)),
                        a.span,
                    );
                }
                if has_field_shard_key {
                    cx.error(
                        format!("Error validating model \"{}\": Each model must have at most one shard key. You can't have `@shardKey` and `@@shardKey` at the same time.", m.name.name),
                        m.name.span,
                    );
                }
            }
            other => {
                const KNOWN: &[&str] = &[
                    "id", "unique", "index", "fulltext", "map", "ignore", "schema", "shardKey",
                ];
                cx.push(unknown_attribute("@@", other, KNOWN, a.span));
            }
        }
    }
    let what = m.kind.keyword();
    require_schema_attribute(
        cx,
        schema_seen,
        what,
        Some(&m.name.name),
        m.span,
        m.name.span,
    );

    // One primary key: either a single `@id` or `@@id`.
    if field_pk.len() > 1 {
        cx.error(
            format!("Error validating model \"{}\": At most one field must be marked as the id field with the `@id` attribute.", m.name.name),
            m.name.span,
        );
    }
    if !field_pk.is_empty() && compound_pk.is_some() {
        cx.error(
            format!("Error validating model \"{}\": Each model must have at most one id criteria. You can't have `@id` and `@@id` at the same time.", m.name.name),
            m.name.span,
        );
    }
    model.primary_key = compound_pk.or_else(|| {
        field_pk
            .drain(..)
            .next()
            .map(|(field, sort, length, _, map)| ir::PrimaryKey {
                name: None,
                db_name_is_explicit: map.is_some(),
                db_name: map.unwrap_or_default(),
                fields: vec![ir::IndexField {
                    field,
                    sort,
                    length,
                    ops: None,
                }],
                clustered: None,
                is_compound_attribute: false,
            })
    });
}

fn index_algorithm(cx: &mut Cx<'_>, args: &mut Args<'_>) -> Option<ir::IndexAlgorithm> {
    let v = args.named("type")?;
    let s = args::expect_constant(v, cx.sources, cx.diags)?;
    let algo = match s {
        "BTree" => ir::IndexAlgorithm::BTree,
        "Hash" => ir::IndexAlgorithm::Hash,
        "Gist" => ir::IndexAlgorithm::Gist,
        "Gin" => ir::IndexAlgorithm::Gin,
        "SpGist" => ir::IndexAlgorithm::SpGist,
        "Brin" => ir::IndexAlgorithm::Brin,
        other => {
            cx.error(format!("Unknown index type: {other}."), v.span());
            return None;
        }
    };
    let supported = match cx.provider() {
        Some(Provider::Postgres) | None => true,
        Some(Provider::Mysql | Provider::Sqlite) => algo == ir::IndexAlgorithm::BTree,
    };
    if !supported {
        cx.error(
            format!(
                "Error parsing attribute \"{}\": The given index type is not supported with the current connector",
                args.display
            ),
            args.span(),
        );
    }
    Some(algo)
}

/// Reads the `fields` argument of `@@id`, `@@unique`, `@@index`, `@@fulltext`, `@@shardKey`.
fn index_fields(
    cx: &mut Cx<'_>,
    m: &ast::Model,
    model: &ir::Model,
    field_ids: &FieldIds<'_>,
    args: &mut Args<'_>,
    which: &str,
) -> Option<Vec<ir::IndexField>> {
    let v = args.required("fields", cx.diags)?;
    // Shard keys take bare field names: no sort order or length.
    let shard_key = which == "shardKey";
    let expected = if shard_key {
        "constant"
    } else {
        "constant literal"
    };
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    let mut relation = Vec::new();
    let mut malformed = false;
    for e in args::as_list(v) {
        let (name, call_args, span) = match e {
            Expr::Constant(n, s) => (n.as_str(), &[][..], *s),
            Expr::Function(n, a, s) if !shard_key => (n.name.as_str(), a.as_slice(), *s),
            other => {
                cx.error(
                    args::type_mismatch(expected, other, cx.sources.slice(other.span())),
                    other.span(),
                );
                malformed = true;
                continue;
            }
        };
        let mut fa = Args::of_call(call_args, span, name.to_string());
        let sort = fa.named("sort").and_then(|v| sort_order(cx, v));
        let length = fa
            .named("length")
            .and_then(|v| args::expect_u32(v, cx.sources, cx.diags));
        let ops = fa
            .named("ops")
            .and_then(|v| opclasses::parse(cx, &args.display, v));
        fa.finish(cx.diags);
        match field_ids.get(name) {
            Some(id) if model.field(*id).is_relation() => relation.push(name.to_string()),
            Some(id) => out.push(ir::IndexField {
                field: *id,
                sort,
                length,
                ops,
            }),
            None => unknown.push(name.to_string()),
        }
    }
    // As in the reference, a list with a malformed item is not looked at any further.
    if malformed {
        return None;
    }
    let model_name = &m.name.name;
    let mut repeated: Vec<ir::FieldId> = Vec::new();
    for (i, f) in out.iter().enumerate() {
        if out[..i].iter().any(|o| o.field == f.field) && !repeated.contains(&f.field) {
            repeated.push(f.field);
        }
    }
    for id in &repeated {
        cx.error(
            format!(
                "Error validating model \"{model_name}\": The unique index definition refers to the field {} multiple times.",
                model.field(*id).name
            ),
            args.span(),
        );
    }
    if !repeated.is_empty() {
        return None;
    }
    if !unknown.is_empty() {
        let message = match which {
            "id" => format!(
                "The multi field id declaration refers to the unknown {}.",
                plural_fields(&unknown)
            ),
            "unique" => format!(
                "The unique index definition refers to the unknown fields: {}.",
                unknown.join(", ")
            ),
            "shardKey" => format!(
                "The multi field shard key declaration refers to the unknown {}.",
                plural_fields(&unknown)
            ),
            _ => format!(
                "The index definition refers to the unknown fields: {}.",
                unknown.join(", ")
            ),
        };
        let mut d = Diagnostic::error(
            format!("Error validating model \"{model_name}\": {message}"),
            args.span(),
        );
        if let Some(help) = suggestions(
            &unknown,
            &m.fields().map(|f| f.name.name.as_str()).collect::<Vec<_>>(),
        ) {
            d = d.with_help(help);
        }
        cx.push(d);
    }
    if !relation.is_empty() {
        let suggestion: Vec<String> = relation
            .iter()
            .flat_map(|r| relation_scalar_fields(m, r))
            .collect();
        let message = match which {
            "id" => format!("The id definition refers to the relation fields {}. ID definitions must reference only scalar fields.", relation.join(", ")),
            "shardKey" => format!("The shard key definition refers to the relation {}. Shard key definitions must reference only scalar fields.", plural_fields(&relation)),
            "unique" => format!("The unique index definition refers to the relation fields {}. Index definitions must reference only scalar fields. Did you mean `@@unique([{}])`?", relation.join(", "), suggestion.join(", ")),
            _ => format!("The index definition refers to the relation fields {}. Index definitions must reference only scalar fields. Did you mean `@@{which}([{}])`?", relation.join(", "), suggestion.join(", ")),
        };
        cx.error(
            format!("Error validating model \"{model_name}\": {message}"),
            args.span(),
        );
    }
    (unknown.is_empty() && relation.is_empty()).then_some(out)
}

/// "field `a`" or "fields `a`, `b`".
fn plural_fields<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    if quoted.len() == 1 {
        format!("field {}", quoted[0])
    } else {
        format!("fields {}", quoted.join(", "))
    }
}

/// The `fields:` of a relation field's `@relation`, for "did you mean" hints.
fn relation_scalar_fields(m: &ast::Model, relation_field: &str) -> Vec<String> {
    m.fields()
        .find(|f| f.name.name == relation_field)
        .and_then(|f| f.attributes.iter().find(|a| a.name.name == "relation"))
        .and_then(|a| a.named("fields"))
        .and_then(|a| a.value.as_ref())
        .map(|v| {
            args::as_list(v)
                .into_iter()
                .filter_map(|e| e.as_constant().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Default names for primary keys and indexes, as Prisma derives them.
fn compute_constraint_names(cx: &mut Cx<'_>, model: &mut ir::Model) {
    let provider = cx.provider();
    let table = model.db_name.clone();
    let columns = |fields: &[ir::IndexField], model: &ir::Model| -> Vec<String> {
        fields
            .iter()
            .map(|f| model.field(f.field).db_name.clone())
            .collect()
    };
    if let Some(pk) = &model.primary_key {
        let name = if pk.db_name_is_explicit {
            pk.db_name.clone()
        } else {
            ir::constraint_name(&table, &[], "pkey", provider)
        };
        if let Some(pk) = model.primary_key.as_mut() {
            pk.db_name = name;
        }
    }
    for i in 0..model.indexes.len() {
        if model.indexes[i].db_name_is_explicit {
            continue;
        }
        let cols = columns(&model.indexes[i].fields, model);
        let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
        let suffix = match model.indexes[i].kind {
            IndexKind::Unique => "key",
            IndexKind::Normal | IndexKind::Fulltext => "idx",
        };
        model.indexes[i].db_name = ir::constraint_name(&table, &cols, suffix, provider);
    }
}

/// Rules that need the whole model: an id, provider limits on keys and indexes.
fn check_model(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model) {
    let provider = cx.provider();
    // A model needs something that identifies its records.
    if !model.is_view && !model.is_ignored {
        let strict = |fields: &[ir::IndexField], required: bool| {
            fields.iter().all(|f| {
                let field = model.field(f.field);
                (!required || field.arity == Arity::Required)
                    && !matches!(field.field_type, FieldType::Unsupported(_))
            })
        };
        let has_criteria = model
            .primary_key
            .as_ref()
            .is_some_and(|pk| strict(&pk.fields, false))
            || model.unique_indexes().any(|idx| strict(&idx.fields, true));
        // An `@id` or `@@id` that failed to validate was already reported.
        let has_id_attribute = block_attribute_span(m, "id").is_some()
            || m.fields()
                .any(|f| f.attributes.iter().any(|a| a.name.name == "id"));
        let id_failed = has_id_attribute && model.primary_key.is_none();
        if !(has_criteria || id_failed) {
            let loose: Vec<String> = model
                .primary_key
                .iter()
                .map(|pk| &pk.fields)
                .chain(model.unique_indexes().map(|idx| &idx.fields))
                .map(|fields| {
                    let names: Vec<&str> = fields
                        .iter()
                        .map(|f| model.field(f.field).name.as_str())
                        .collect();
                    format!("- {}", names.join(", "))
                })
                .collect();
            let suffix = if loose.is_empty() {
                String::new()
            } else {
                format!(" The following unique criterias were not considered as they contain fields that are not required:\n{}", loose.join("\n"))
            };
            cx.push(
                Diagnostic::error(
                    format!("Error validating model \"{}\": Each model must have at least one unique criteria that has only required fields. Either mark a single field with `@id`, `@unique` or add a multi field criterion with `@@id([])` or `@@unique([])` to the model.{suffix}", m.name.name),
                    m.name.span,
                )
                .with_help("add `id Int @id @default(autoincrement())`, or mark the model `@@ignore`"),
            );
        }
    }
    if let Some(pk) = &model.primary_key {
        if pk.is_compound_attribute {
            let optional: Vec<&str> = pk
                .fields
                .iter()
                .map(|f| model.field(f.field))
                .filter(|f| f.arity != Arity::Required)
                .map(|f| f.name.as_str())
                .collect();
            if !optional.is_empty() {
                cx.error(
                    format!("Error validating model \"{}\": The id definition refers to the optional {}. ID definitions must reference only required fields.", m.name.name, plural_fields(&optional)),
                    block_attribute_span(m, "id").unwrap_or(m.name.span),
                );
            }
        }
        if pk.db_name_is_explicit && matches!(provider, Some(Provider::Mysql | Provider::Sqlite)) {
            cx.error(
                format!("Error validating model \"{}\": You defined a database name for the primary key on the model. This is not supported by the provider.", m.name.name),
                m.name.span,
            );
        }
    }
    if model.is_view {
        check_view_keys(cx, m, model);
    }
    if let Some(provider) = provider {
        check_index_arguments(cx, m, model, provider);
    }
    check_client_name_clashes(cx, m, model);
    if provider == Some(Provider::Mysql) {
        check_mysql_index_lengths(cx, m, model);
    }
    if provider == Some(Provider::Postgres) {
        for idx in &model.indexes {
            let attribute = match (idx.kind, idx.from_field_attribute) {
                (IndexKind::Unique, true) => "@unique",
                (IndexKind::Unique, false) => "@@unique",
                (IndexKind::Normal, _) => "@@index",
                (IndexKind::Fulltext, _) => "@@fulltext",
            };
            opclasses::check_postgres_native_types(cx, model, idx, |f| {
                field_or_model_span(m, model, f)
            });
            opclasses::check_postgres_index(cx, model, idx, attribute);
        }
    }
    check_autoincrement(cx, m, model);
}

/// The `@id` or `@@id` attribute that defines the primary key.
fn primary_key_span(m: &ast::Model, model: &ir::Model, pk: &ir::PrimaryKey) -> Option<Span> {
    if pk.is_compound_attribute {
        return block_attribute_span(m, "id");
    }
    let field = &model.field(pk.fields.first()?.field).name;
    m.fields()
        .find(|f| &f.name.name == field)?
        .attributes
        .iter()
        .find(|a| a.name.name == "id")
        .map(|a| a.span)
}

/// `sort:` and `length:` of key and index fields, per provider and index kind.
fn check_index_arguments(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model, provider: Provider) {
    let mysql = provider == Provider::Mysql;
    // MySQL prefix lengths only make sense on text and binary columns.
    let length_type_ok = |f: &ir::IndexField| {
        let field = model.field(f.field);
        matches!(
            field.field_type,
            FieldType::Scalar(ScalarType::String | ScalarType::Bytes) | FieldType::Unsupported(_)
        )
    };
    let error = |cx: &mut Cx<'_>, attribute: &str, message: &str, span: Span| {
        cx.error(
            format!("Error parsing attribute \"{attribute}\": {message}"),
            span,
        );
    };
    if let Some(pk) = &model.primary_key {
        if let Some(span) = primary_key_span(m, model, pk) {
            let attribute = if pk.is_compound_attribute {
                "@@id"
            } else {
                "@id"
            };
            if pk.fields.iter().any(|f| f.sort.is_some()) {
                error(cx, attribute, "The sort argument is not supported in the primary key with the current connector", span);
            }
            if pk.fields.iter().any(|f| f.length.is_some()) {
                if !mysql {
                    error(cx, attribute, "The length argument is not supported in the primary key with the current connector", span);
                } else if pk
                    .fields
                    .iter()
                    .any(|f| f.length.is_some() && !length_type_ok(f))
                {
                    error(
                        cx,
                        attribute,
                        "The length argument is only allowed with field types `String` or `Bytes`.",
                        span,
                    );
                }
            }
        }
    }
    for idx in &model.indexes {
        let attribute = match (idx.kind, idx.from_field_attribute) {
            (IndexKind::Unique, true) => "@unique",
            (IndexKind::Unique, false) => "@@unique",
            (IndexKind::Normal, _) => "@@index",
            (IndexKind::Fulltext, _) => "@@fulltext",
        };
        let has_length = idx.fields.iter().any(|f| f.length.is_some());
        let has_sort = idx.fields.iter().any(|f| f.sort.is_some());
        if has_length && !mysql {
            error(cx, attribute, "The length argument is not supported in an index definition with the current connector", idx.span);
        }
        if idx.kind == IndexKind::Fulltext && mysql {
            if has_length {
                error(
                    cx,
                    attribute,
                    "The length argument is not supported in a @@fulltext attribute.",
                    idx.span,
                );
            }
            if has_sort {
                error(cx, attribute, "The sort argument is not supported in a @@fulltext attribute in the current connector.", idx.span);
            }
        } else if mysql
            && idx
                .fields
                .iter()
                .any(|f| f.length.is_some() && !length_type_ok(f))
        {
            error(
                cx,
                attribute,
                "The length argument is only allowed with field types `String` or `Bytes`.",
                idx.span,
            );
        }
        if idx.algorithm == Some(ir::IndexAlgorithm::Hash) && has_sort {
            error(
                cx,
                attribute,
                "Hash type does not support sort option.",
                idx.span,
            );
        }
    }
}

/// Compound ids and uniques become client arguments named `a_b` unless given a `name:`; neither
/// that name nor a custom one may be a field name.
fn check_client_name_clashes(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model) {
    let what = m.kind.keyword();
    let fields: HashMap<&str, &ir::Field> =
        model.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let is_field = |n: &str| fields.contains_key(n);
    let scalar_field = |n: &str| fields.get(n).is_some_and(|f| !f.is_relation());
    let joined = |fields: &[ir::IndexField]| {
        fields
            .iter()
            .map(|f| model.field(f.field).name.as_str())
            .collect::<Vec<_>>()
            .join("_")
    };
    let mut custom: Vec<(&str, &str)> = Vec::new();
    if let Some(pk) = model
        .primary_key
        .as_ref()
        .filter(|pk| pk.is_compound_attribute)
    {
        match &pk.name {
            Some(name) => custom.push((name, "@@id")),
            None if pk.fields.len() > 1 => {
                let name = joined(&pk.fields);
                if scalar_field(&name) {
                    cx.error(
                        format!("Error validating {what} \"{}\": The field `{name}` clashes with the `@@id` attribute's name. Please resolve the conflict by providing a custom id name: `@@id([...], name: \"custom_name\")`", m.name.name),
                        block_attribute_span(m, "id").unwrap_or(m.name.span),
                    );
                }
            }
            None => {}
        }
    }
    for idx in model.unique_indexes().filter(|i| !i.from_field_attribute) {
        match &idx.name {
            Some(name) => custom.push((name, "@@unique")),
            None if idx.fields.len() > 1 => {
                let name = joined(&idx.fields);
                if scalar_field(&name) {
                    cx.error(
                        format!("Error validating {what} \"{}\": The field `{name}` clashes with the `@@unique` name. Please resolve the conflict by providing a custom id name: `@@unique([...], name: \"custom_name\")`", m.name.name),
                        idx.span,
                    );
                }
            }
            None => {}
        }
    }
    for (name, attribute) in custom {
        if is_field(name) {
            cx.error(
                format!("Error validating {what} \"{}\": The custom name `{name}` specified for the `{attribute}` attribute is already used as a name for a field. Please choose a different name.", m.name.name),
                m.name.span,
            );
        }
    }
}

/// Views are not tables: no primary key, no indexes, no named unique constraints.
fn check_view_keys(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model) {
    let id_attributes = m
        .attributes()
        .chain(m.fields().flat_map(|f| f.attributes.iter()))
        .filter(|a| a.name.name == "id");
    for a in id_attributes {
        cx.error("Error validating: Views cannot have primary keys.", a.span);
    }
    for idx in &model.indexes {
        match idx.kind {
            IndexKind::Normal | IndexKind::Fulltext => {
                cx.error("Error validating: Views cannot have indexes.", idx.span);
            }
            IndexKind::Unique if idx.db_name_is_explicit => cx.error(
                "Error validating: @@unique annotations on views are not backed by unique indexes in the database and cannot specify a mapped database name.",
                idx.span,
            ),
            IndexKind::Unique => {}
        }
    }
}

fn check_mysql_index_lengths(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model) {
    let text_field = |f: &ir::IndexField| {
        let field = model.field(f.field);
        field
            .native_type
            .as_ref()
            .filter(|nt| native::mysql_needs_index_length(&nt.name) && f.length.is_none())
            .map(|nt| nt.name.clone())
    };
    if let Some(pk) = &model.primary_key {
        for f in &pk.fields {
            if let Some(nt) = text_field(f) {
                cx.error(
                    format!("Native type `{nt}` of MySQL cannot be used on a field that is `@id` or `@@id`. Please use the `length` argument to the field in the index definition to allow this."),
                    field_or_model_span(m, model, f.field),
                );
            }
        }
    }
    for idx in &model.indexes {
        if idx.kind == IndexKind::Fulltext {
            continue;
        }
        for f in &idx.fields {
            if let Some(nt) = text_field(f) {
                let message = if idx.kind == IndexKind::Unique {
                    format!("Native type `{nt}` cannot be unique in MySQL. Please use the `length` argument to the field in the index definition to allow this.")
                } else {
                    format!("You cannot define an index on fields with native type `{nt}` of MySQL. Please use the `length` argument to the field in the index definition to allow this.")
                };
                cx.error(message, idx.span);
            }
        }
    }
}

fn field_or_model_span(m: &ast::Model, model: &ir::Model, f: ir::FieldId) -> Span {
    let name = &model.field(f).name;
    m.fields()
        .find(|x| &x.name.name == name)
        .map_or(m.name.span, |x| x.span)
}

fn check_autoincrement(cx: &mut Cx<'_>, m: &ast::Model, model: &ir::Model) {
    let autoinc: Vec<ir::FieldId> = model
        .scalar_fields()
        .filter(|(_, f)| {
            f.default
                .as_ref()
                .is_some_and(|d| d.kind == ir::DefaultKind::Autoincrement)
        })
        .map(|(id, _)| id)
        .collect();
    if autoinc.is_empty() {
        return;
    }
    let is_pk = |id: ir::FieldId| {
        model
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.fields.len() == 1 && pk.fields[0].field == id)
    };
    let is_indexed = |id: ir::FieldId| {
        model
            .primary_key
            .iter()
            .map(|pk| &pk.fields)
            .chain(model.indexes.iter().map(|i| &i.fields))
            .any(|fs| fs.first().is_some_and(|f| f.field == id))
    };
    match cx.provider() {
        Some(Provider::Sqlite) => {
            for id in &autoinc {
                if !is_pk(*id) {
                    cx.error(
                        "Error parsing attribute \"@default\": The `autoincrement()` default value is used on a non-id field even though the datasource does not support this.",
                        field_or_model_span(m, model, *id),
                    );
                }
                if !is_indexed(*id) {
                    cx.error(
                        "Error parsing attribute \"@default\": The `autoincrement()` default value is used on a non-indexed field even though the datasource does not support this.",
                        field_or_model_span(m, model, *id),
                    );
                }
            }
        }
        Some(Provider::Mysql) => {
            if autoinc.len() > 1 {
                cx.error(
                    "Error parsing attribute \"@default\": The `autoincrement()` default value is used multiple times on this model even though the underlying datasource only supports one instance per table.",
                    m.name.span,
                );
            }
            for id in &autoinc {
                if !is_indexed(*id) {
                    cx.error(
                        "Error parsing attribute \"@default\": The `autoincrement()` default value is used on a non-indexed field even though the datasource does not support this.",
                        field_or_model_span(m, model, *id),
                    );
                }
            }
        }
        _ => {}
    }
}

/// The span of a block attribute by name, for diagnostics about it.
pub(crate) fn block_attribute_span(m: &ast::Model, name: &str) -> Option<Span> {
    m.attributes().find(|a| a.name.name == name).map(|a| a.span)
}

/// Whole-schema checks on models, run after relations are resolved.
pub(crate) fn finish_models(cx: &mut Cx<'_>, models: &[&ast::Model], schema: &mut ir::Schema) {
    super::constraints::check_constraint_names(cx, models, schema);
}
