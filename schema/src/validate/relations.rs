//! Relations: pairing relation fields into relations and checking `fields`/`references`.
//!
//! Two relation fields form one relation when they point at each other's models with the same
//! explicit relation name (or both have none). The arities decide the kind: both lists is an
//! implicit many-to-many, one list is one-to-many, neither is one-to-one. The side holding
//! `fields`/`references` is the *forward* side and owns the foreign key; the other is the *back*
//! side. The rules follow the reference implementation's order: name ambiguity first, then each
//! relation field on its own (actions, ignored models, named foreign keys), then each relation
//! by kind, then cycles of cascading actions when relations are emulated.

use super::attributes::{suggestions, ModelRelationAttrs, RelationAttr};
use super::Cx;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::ir::{
    self, Arity, FieldId, FieldType, ModelId, Provider, ReferentialAction, RelationKind,
    RelationMode, RelationSide,
};
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

/// Each model's fields by name, for resolving `fields`/`references` without scanning them all.
type FieldIds<'a> = Vec<HashMap<&'a str, FieldId>>;

struct Candidate {
    model: ModelId,
    field: FieldId,
    related: ModelId,
    attr: RelationAttr,
    /// `fields:` resolved to scalar fields of `model`, when given and resolvable.
    local: Option<Vec<FieldId>>,
    /// `references:` resolved to scalar fields of `related`, when given and resolvable.
    remote: Option<Vec<FieldId>>,
    /// `fields` or `references` named unknown or relation fields (already reported).
    broken: bool,
    /// Part of an ambiguous group of relation fields (already reported).
    ambiguous: bool,
}

impl Candidate {
    fn has_fields(&self) -> bool {
        self.attr.fields.as_ref().is_some_and(|f| !f.is_empty())
    }

    fn has_references(&self) -> bool {
        self.attr.references.as_ref().is_some_and(|f| !f.is_empty())
    }

    fn has_actions(&self) -> bool {
        self.attr.on_delete.is_some() || self.attr.on_update.is_some()
    }

    fn attr_span(&self, models: &[ir::Model]) -> Span {
        self.attr.span.unwrap_or_else(|| self.span(models))
    }

    fn span(&self, models: &[ir::Model]) -> Span {
        models[self.model.0].fields[self.field.0].span
    }
}

/// The fields of one relation, as indices into the candidates.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Implicit many-to-many; `a` belongs to the model first by name.
    ManyToMany { a: usize, b: usize },
    /// One-to-one; the forward side holds the foreign key.
    OneToOne { forward: usize, back: Option<usize> },
    /// One-to-many; the forward side is the singular one.
    OneToMany {
        forward: Option<usize>,
        back: Option<usize>,
    },
}

const RELATION: &str = "Error parsing attribute \"@relation\": ";

pub(crate) fn resolve(
    cx: &mut Cx<'_>,
    _asts: &[&ast::Model],
    models: &mut [ir::Model],
    attrs: Vec<ModelRelationAttrs>,
) -> Vec<ir::Relation> {
    let mut attrs: BTreeMap<(ModelId, FieldId), RelationAttr> = attrs
        .into_iter()
        .enumerate()
        .flat_map(|(m, v)| v.into_iter().map(move |(f, a)| ((ModelId(m), f), a)))
        .collect();
    let mut candidates = Vec::new();
    for (mi, m) in models.iter().enumerate() {
        for (fi, f) in m.relation_fields() {
            let Some(related) = f.relation().map(|r| r.related_model) else {
                continue;
            };
            let attr = attrs.remove(&(ModelId(mi), fi)).unwrap_or_default();
            candidates.push(Candidate {
                model: ModelId(mi),
                field: fi,
                related,
                attr,
                local: None,
                remote: None,
                broken: false,
                ambiguous: false,
            });
        }
    }

    let field_ids: FieldIds<'_> = models
        .iter()
        .map(|m| {
            let mut ids = HashMap::new();
            for (i, f) in m.fields.iter().enumerate() {
                ids.entry(f.name.as_str()).or_insert(FieldId(i));
            }
            ids
        })
        .collect();
    for c in &mut candidates {
        resolve_arguments(cx, models, &field_ids, c);
    }
    check_ambiguity(cx, models, &mut candidates);
    for c in candidates.iter().filter(|c| !c.ambiguous) {
        check_relation_field(cx, models, c);
    }

    let shapes = pair(models, &candidates);
    let errors_before = cx.diags.has_errors();
    for shape in &shapes {
        check_relation(cx, models, &candidates, *shape, errors_before);
    }
    if cx.relation_mode() == RelationMode::Prisma {
        check_cycles(cx, models, &candidates, &shapes);
    }

    let mut relations = Vec::new();
    for shape in shapes {
        if let Some(rel) = build(cx, models, &candidates, shape, relations.len()) {
            relations.push(rel);
        }
    }
    relations
}

/// An error about names that are not scalar fields of `model`, with a "did you mean" hint
/// when one of them is a likely typo.
fn unknown_fields(message: String, span: Span, unknown: &[&str], model: &ir::Model) -> Diagnostic {
    let known: Vec<&str> = model
        .fields
        .iter()
        .filter(|f| !f.is_relation())
        .map(|f| f.name.as_str())
        .collect();
    let d = Diagnostic::error(message, span);
    match suggestions(unknown, &known) {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// Resolves `fields` and `references`, reporting unknown and relation fields.
fn resolve_arguments(
    cx: &mut Cx<'_>,
    models: &[ir::Model],
    field_ids: &FieldIds<'_>,
    c: &mut Candidate,
) {
    let span = c.attr_span(models);
    let model = &models[c.model.0];
    let related = &models[c.related.0];
    if let Some(names) = &c.attr.fields {
        match resolve_names(model, &field_ids[c.model.0], names) {
            Ok(ids) => c.local = Some(ids),
            Err((unknown, relation)) => {
                c.broken = true;
                if !unknown.is_empty() {
                    cx.push(unknown_fields(
                        format!("Error validating: The argument fields must refer only to existing fields. The following fields do not exist in this model: {}", unknown.join(", ")),
                        span,
                        &unknown,
                        model,
                    ));
                }
                if !relation.is_empty() {
                    cx.error(
                        format!("Error validating: The argument fields must refer only to scalar fields. But it is referencing the following relation fields: {}", relation.join(", ")),
                        span,
                    );
                }
            }
        }
    }
    if let Some(names) = &c.attr.references {
        match resolve_names(related, &field_ids[c.related.0], names) {
            Ok(ids) => c.remote = Some(ids),
            Err((unknown, relation)) => {
                c.broken = true;
                if !unknown.is_empty() {
                    cx.push(unknown_fields(
                        format!("Error validating: The argument `references` must refer only to existing fields in the related model `{}`. The following fields do not exist in the related model: {}", related.name, unknown.join(", ")),
                        span,
                        &unknown,
                        related,
                    ));
                }
                if !relation.is_empty() {
                    cx.error(
                        format!("Error validating: The argument `references` must refer only to scalar fields in the related model `{}`. But it is referencing the following relation fields: {}", related.name, relation.join(", ")),
                        span,
                    );
                }
            }
        }
    }
}

type NameProblems<'a> = (Vec<&'a str>, Vec<&'a str>);

fn resolve_names<'a>(
    model: &ir::Model,
    field_ids: &HashMap<&str, FieldId>,
    names: &'a [(String, Span)],
) -> Result<Vec<FieldId>, NameProblems<'a>> {
    let mut ids = Vec::new();
    let (mut unknown, mut relation) = (Vec::new(), Vec::new());
    for (n, _) in names {
        match field_ids.get(n.as_str()) {
            Some(id) if model.field(*id).is_relation() => relation.push(n.as_str()),
            Some(id) => ids.push(*id),
            None => unknown.push(n.as_str()),
        }
    }
    if unknown.is_empty() && relation.is_empty() {
        Ok(ids)
    } else {
        Err((unknown, relation))
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`.
fn list_fields(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.len() {
        0 | 1 => quoted.join(""),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Relation fields of one model pointing at one model must be told apart by their names.
fn check_ambiguity(cx: &mut Cx<'_>, models: &[ir::Model], candidates: &mut [Candidate]) {
    let mut groups: BTreeMap<(ModelId, ModelId, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        groups
            .entry((c.model, c.related, c.attr.name.clone()))
            .or_default()
            .push(i);
    }
    for ((model_id, related_id, name), members) in groups {
        if members.len() < 2 {
            continue;
        }
        let is_self = model_id == related_id;
        if is_self && name.is_some() && members.len() == 2 {
            continue;
        }
        let model = &models[model_id.0];
        let related = &models[related_id.0];
        let names: Vec<&str> = members
            .iter()
            .map(|i| model.fields[candidates[*i].field.0].name.as_str())
            .collect();
        let fields = list_fields(&names);
        let message = match (&name, is_self) {
            (None, true) if members.len() == 2 => format!(
                "Ambiguous self relation detected. The fields {fields} in model `{}` both refer to `{}`. If they are part of the same relation add the same relation name for them with `@relation(<name>)`.",
                model.name, related.name
            ),
            (None, true) => format!(
                "Unnamed self relation detected. The fields {fields} in model `{}` have no relation name. Please provide a relation name for one of them by adding `@relation(<name>)`.",
                model.name
            ),
            (Some(_), true) => format!(
                "Wrongly named self relation detected. The fields {fields} in model `{}` have the same relation name. At most two relation fields can belong to the same relation and therefore have the same name. Please assign a different relation name to one of them.",
                model.name
            ),
            (None, false) => format!(
                "Ambiguous relation detected. The fields {fields} in model `{}` both refer to `{}`. Please provide different relation names for them by adding `@relation(<name>)`.",
                model.name, related.name
            ),
            (Some(_), false) => format!(
                "Wrongly named relation detected. The fields {fields} in model `{}` both use the same relation name. Please provide different relation names for them through `@relation(<name>)`.",
                model.name
            ),
        };
        let what = if model.is_view { "view" } else { "model" };
        for i in &members {
            candidates[*i].ambiguous = true;
            cx.error(
                format!("Error validating {what} \"{}\": {message}", model.name),
                candidates[*i].span(models),
            );
        }
    }
}

/// Rules about one relation field on its own.
fn check_relation_field(cx: &mut Cx<'_>, models: &[ir::Model], c: &Candidate) {
    let model = &models[c.model.0];
    let field = &model.fields[c.field.0];
    let related = &models[c.related.0];
    if related.is_ignored && !field.is_ignored && !model.is_ignored {
        cx.error(
            format!("Error parsing attribute \"@ignore\": The relation field `{}` on Model `{}` must specify the `@ignore` attribute, because the model {} it is pointing to is marked ignored.", field.name, model.name, related.name),
            field.span,
        );
    }
    check_action_support(cx, c);
    if c.attr.map.is_some() && cx.provider() == Some(Provider::Sqlite) {
        cx.error(
            format!("{RELATION}Your provider does not support named foreign keys."),
            c.attr_span(models),
        );
    }
    if cx.relation_mode() == RelationMode::Prisma {
        if let Some(local) = c.local.as_ref().filter(|l| !l.is_empty()) {
            missing_index_warning(cx, models, c, local);
        }
    }
}

/// The actions the provider supports in the current relation mode.
fn allowed_actions(provider: Option<Provider>, mode: RelationMode) -> &'static [ReferentialAction] {
    use ReferentialAction::*;
    match (mode, provider) {
        (RelationMode::Prisma, Some(Provider::Postgres | Provider::Sqlite)) => {
            &[Cascade, Restrict, SetNull]
        }
        (RelationMode::Prisma, _) => &[Cascade, Restrict, NoAction, SetNull],
        _ => &[Cascade, Restrict, NoAction, SetNull, SetDefault],
    }
}

fn check_action_support(cx: &mut Cx<'_>, c: &Candidate) {
    let provider = cx.provider();
    let mode = cx.relation_mode();
    let allowed = allowed_actions(provider, mode);
    for (action, span) in [c.attr.on_delete, c.attr.on_update].into_iter().flatten() {
        if allowed.contains(&action) {
            continue;
        }
        let names: Vec<String> = allowed
            .iter()
            .map(|a| format!("`{}`", a.as_str()))
            .collect();
        let mut message = format!(
            "Error validating: Invalid referential action: `{}`. Allowed values: ({})",
            action.as_str(),
            names.join(", ")
        );
        if action == ReferentialAction::NoAction && mode == RelationMode::Prisma {
            let db = match provider {
                Some(Provider::Sqlite) => "SQLite",
                _ => "Postgres",
            };
            message.push_str(&format!(". `NoAction` is not implemented for {db} when using `relationMode = \"prisma\"`, you could try using `Restrict` instead. Learn more at https://pris.ly/d/relation-mode"));
        }
        cx.error(message, span);
    }
}

/// Pairs relation fields into relations, the way the reference does: each field looks for an
/// opposite field on the related model with the same explicit name.
fn pair(models: &[ir::Model], candidates: &[Candidate]) -> Vec<Shape> {
    let arity = |i: usize| {
        let c = &candidates[i];
        models[c.model.0].fields[c.field.0].arity
    };
    let key = |i: usize| {
        let c = &candidates[i];
        (
            models[c.model.0].name.as_str(),
            models[c.model.0].fields[c.field.0].name.as_str(),
        )
    };
    // Candidates by (model, related model, relation name), in candidate order.
    let mut by_ends: HashMap<(ModelId, ModelId, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate().filter(|(_, c)| !c.ambiguous) {
        by_ends
            .entry((c.model, c.related, c.attr.name.as_deref()))
            .or_default()
            .push(i);
    }
    let mut shapes = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        if c.ambiguous {
            continue;
        }
        let is_self = c.model == c.related;
        let opposite = by_ends
            .get(&(c.related, c.model, c.attr.name.as_deref()))
            .and_then(|group| {
                group
                    .iter()
                    .copied()
                    .find(|o| !is_self || candidates[*o].field != c.field)
            });
        let shape = match (arity(i), opposite) {
            (Arity::List, Some(o)) if arity(o) == Arity::List => {
                let (mine, theirs) = (key(i), key(o));
                if mine.0 > theirs.0 || (is_self && mine.1 > theirs.1) {
                    continue;
                }
                Shape::ManyToMany { a: i, b: o }
            }
            (Arity::Required, Some(o)) if arity(o) == Arity::Optional => Shape::OneToOne {
                forward: i,
                back: Some(o),
            },
            (Arity::Required, Some(o)) if arity(o) == Arity::Required => {
                if key(i) > key(o) {
                    continue;
                }
                Shape::OneToOne {
                    forward: i,
                    back: Some(o),
                }
            }
            (Arity::Optional, Some(o)) if arity(o) == Arity::Required => continue,
            (Arity::Optional, Some(o)) if arity(o) == Arity::Optional => {
                if c.attr.fields.is_some() {
                    Shape::OneToOne {
                        forward: i,
                        back: Some(o),
                    }
                } else if candidates[o].attr.fields.is_none() {
                    if key(i) > key(o) {
                        continue;
                    }
                    Shape::OneToOne {
                        forward: i,
                        back: Some(o),
                    }
                } else {
                    continue;
                }
            }
            (Arity::List, Some(_)) => continue,
            (Arity::List, None) => Shape::OneToMany {
                forward: None,
                back: Some(i),
            },
            (_, Some(o)) => Shape::OneToMany {
                forward: Some(i),
                back: Some(o),
            },
            (_, None) => {
                let unique = c
                    .local
                    .as_ref()
                    .is_some_and(|l| is_unique_criterion(&models[c.model.0], l));
                if unique {
                    Shape::OneToOne {
                        forward: i,
                        back: None,
                    }
                } else {
                    Shape::OneToMany {
                        forward: Some(i),
                        back: None,
                    }
                }
            }
        };
        shapes.push(shape);
    }
    shapes
}

/// Whether exactly these fields (in any order) form the primary key or a unique constraint.
fn is_unique_criterion(model: &ir::Model, fields: &[FieldId]) -> bool {
    let mut sorted = fields.to_vec();
    sorted.sort();
    model.unique_criteria().into_iter().any(|mut c| {
        c.sort();
        c == sorted
    })
}

fn missing_opposite(cx: &mut Cx<'_>, models: &[ir::Model], c: &Candidate) {
    let model = &models[c.model.0];
    let field = &model.fields[c.field.0];
    let related = &models[c.related.0];
    let what = if model.is_view { "view" } else { "model" };
    cx.push(
        Diagnostic::error(
            format!(
                "Error validating field `{}` in {what} `{}`: The relation field `{}` on {what} `{}` is missing an opposite relation field on the model `{}`. Either run `prisma format` or add it manually.",
                field.name, model.name, field.name, model.name, related.name
            ),
            field.span,
        )
        .with_help("`quarry format` adds the missing field"),
    );
}

/// `name` on Model `Model`, for messages.
fn describe(models: &[ir::Model], c: &Candidate) -> (String, String) {
    let model = &models[c.model.0];
    (model.fields[c.field.0].name.clone(), model.name.clone())
}

fn check_relation(
    cx: &mut Cx<'_>,
    models: &[ir::Model],
    candidates: &[Candidate],
    shape: Shape,
    errors_before: bool,
) {
    match shape {
        Shape::ManyToMany { a, b } => {
            check_many_to_many(cx, models, &candidates[a], &candidates[b])
        }
        Shape::OneToOne { forward, back } => {
            let f = &candidates[forward];
            check_inline(cx, models, f);
            let Some(back) = back else {
                missing_opposite(cx, models, f);
                return;
            };
            let b = &candidates[back];
            check_one_to_one(cx, models, f, b, errors_before);
        }
        Shape::OneToMany { forward, back } => {
            if let Some(f) = forward {
                check_inline(cx, models, &candidates[f]);
            }
            match (forward, back) {
                (Some(f), None) => missing_opposite(cx, models, &candidates[f]),
                (None, Some(b)) => missing_opposite(cx, models, &candidates[b]),
                (Some(f), Some(b)) => {
                    check_one_to_many(cx, models, &candidates[f], &candidates[b]);
                }
                (None, None) => {}
            }
        }
    }
}

/// Rules on the foreign key of a one-to-one or one-to-many relation.
fn check_inline(cx: &mut Cx<'_>, models: &[ir::Model], f: &Candidate) {
    if f.broken {
        return;
    }
    let model = &models[f.model.0];
    let field = &model.fields[f.field.0];
    let related = &models[f.related.0];
    if let Some(remote) = f.remote.as_ref().filter(|r| !r.is_empty()) {
        if !is_unique_criterion(related, remote) && !related.is_view {
            let names: Vec<&str> = remote
                .iter()
                .map(|r| related.fields[r.0].name.as_str())
                .collect();
            let message = if names.len() == 1 {
                format!("The argument `references` must refer to a unique criterion in the related model. Consider adding an `@unique` attribute to the field `{}` in the model `{}`.", names[0], related.name)
            } else {
                format!("The argument `references` must refer to a unique criterion in the related model. Consider adding an `@@unique([{}])` attribute to the model `{}`.", names.join(", "), related.name)
            };
            cx.error(format!("{RELATION}{message}"), field.span);
        }
    }
    if let (Some(local), Some(remote)) = (&f.local, &f.remote) {
        if local.len() != remote.len() {
            cx.error(
                "Error validating: You must specify the same number of fields in `fields` and `references`.",
                f.attr_span(models),
            );
        }
    }
    if let Some(local) = &f.local {
        if field.arity == Arity::Required
            && local
                .iter()
                .any(|l| model.fields[l.0].arity == Arity::Optional)
        {
            let names: Vec<&str> = local
                .iter()
                .map(|l| model.fields[l.0].name.as_str())
                .collect();
            cx.error(
                format!("Error validating: The relation field `{}` uses the scalar fields {}. At least one of those fields is optional. Hence the relation field must be optional as well.", field.name, names.join(", ")),
                field.span,
            );
        }
        if let Some(remote) = &f.remote {
            for (l, r) in local.iter().zip(remote) {
                let (lf, rf) = (&model.fields[l.0], &related.fields[r.0]);
                if lf.field_type != rf.field_type {
                    cx.error(
                        format!("{RELATION}The type of the field `{}` in the model `{}` is not matching the type of the referenced field `{}` in model `{}`.", lf.name, model.name, rf.name, related.name),
                        field.span,
                    );
                }
            }
        }
        check_set_null(cx, models, f, local);
    }
}

fn check_one_to_one(
    cx: &mut Cx<'_>,
    models: &[ir::Model],
    f: &Candidate,
    b: &Candidate,
    errors_before: bool,
) {
    let (f_name, f_model) = describe(models, f);
    let (b_name, b_model) = describe(models, b);
    let (f_span, b_span) = (f.span(models), b.span(models));
    for (arg, f_has, b_has) in [
        ("fields", f.has_fields(), b.has_fields()),
        ("references", f.has_references(), b.has_references()),
    ] {
        if !f_has && !b_has {
            cx.error(format!("{RELATION}The relation fields `{f_name}` on Model `{f_model}` and `{b_name}` on Model `{b_model}` do not provide the `{arg}` argument in the @relation attribute. You have to provide it on one of the two fields."), f_span);
            cx.error(format!("{RELATION}The relation fields `{b_name}` on Model `{b_model}` and `{f_name}` on Model `{f_model}` do not provide the `{arg}` argument in the @relation attribute. You have to provide it on one of the two fields."), b_span);
        }
    }
    for (arg, f_has, b_has) in [
        ("references", f.has_references(), b.has_references()),
        ("fields", f.has_fields(), b.has_fields()),
    ] {
        if f_has && b_has {
            let message = format!("{RELATION}The relation fields `{f_name}` on Model `{f_model}` and `{b_name}` on Model `{b_model}` both provide the `{arg}` argument in the @relation attribute. You have to provide it only on one of the two fields.");
            cx.error(message.clone(), f_span);
            cx.error(message, b_span);
        }
    }
    if f.has_actions() && b.has_actions() {
        cx.error(format!("{RELATION}The relation fields `{b_name}` on Model `{b_model}` and `{f_name}` on Model `{f_model}` both provide the `onDelete` or `onUpdate` argument in the @relation attribute. You have to provide it only on one of the two fields."), b_span);
        cx.error(format!("{RELATION}The relation fields `{f_name}` on Model `{f_model}` and `{b_name}` on Model `{b_model}` both provide the `onDelete` or `onUpdate` argument in the @relation attribute. You have to provide it only on one of the two fields."), f_span);
    } else if b.has_actions() {
        cx.error(format!("{RELATION}The relation field `{b_name}` on Model `{b_model}` must not specify the `onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the opposite field `{f_name}` on model `{f_model}`."), b_span);
    }
    if let Some(local) = f.local.as_ref().filter(|_| !f.broken) {
        let model = &models[f.model.0];
        if !is_unique_criterion(model, local) {
            let names: Vec<&str> = local
                .iter()
                .map(|l| model.fields[l.0].name.as_str())
                .collect();
            let hint = if names.len() == 1 {
                format!("Either add an `@unique` attribute to the field `{}`, or change the relation to one-to-many.", names[0])
            } else {
                format!("Either add an `@@unique([{}])` attribute to the model, or change the relation to one-to-many.", names.join(", "))
            };
            cx.error(
                format!("{RELATION}A one-to-one relation must use unique fields on the defining side. {hint}"),
                f_span,
            );
        }
    }
    // The reference checks the rest only on schemas without other errors.
    if errors_before || cx.diags.has_errors() {
        return;
    }
    if f.has_fields() && b.has_references() {
        let message = format!("{RELATION}The relation field `{f_name}` on Model `{f_model}` provides the `fields` argument in the @relation attribute. And the related field `{b_name}` on Model `{b_model}` provides the `references` argument. You must provide both arguments on the same side.");
        cx.error(message.clone(), f_span);
        cx.error(message, b_span);
    }
    if f.has_references() && b.has_fields() {
        cx.error(format!("{RELATION}The relation field `{f_name}` on Model `{f_model}` provides the `references` argument in the @relation attribute. And the related field `{b_name}` on Model `{b_model}` provides the `fields` argument. You must provide both arguments on the same side."), f_span);
    }
    if cx.diags.has_errors() {
        return;
    }
    let back_field = &models[b.model.0].fields[b.field.0];
    if back_field.arity == Arity::Required {
        cx.error(
            format!("{RELATION}The relation field `{b_name}` on Model `{b_model}` is required. This is not valid because it's not possible to enforce this constraint on the database level. Please change the field type from `{f_model}` to `{f_model}?` to fix this."),
            b_span,
        );
        return;
    }
    let forward_field = &models[f.model.0].fields[f.field.0];
    if forward_field.arity == Arity::Required
        && (b.attr.fields.is_some() || b.attr.references.is_some())
    {
        cx.error(
            format!("{RELATION}The relation field `{b_model}.{b_name}` defines the `fields` and/or `references` argument. You must set them on the required side of the relation (`{f_model}.{f_name}`) in order for the constraints to be enforced. Alternatively, you can change this field to be required and the opposite optional, or make both sides of the relation optional."),
            b_span,
        );
    }
}

fn check_one_to_many(cx: &mut Cx<'_>, models: &[ir::Model], f: &Candidate, b: &Candidate) {
    let (f_name, f_model) = describe(models, f);
    let (b_name, b_model) = describe(models, b);
    let (f_span, b_span) = (f.span(models), b.span(models));
    if !f.has_fields() {
        cx.push(
            Diagnostic::error(
                format!("{RELATION}The relation field `{f_name}` on Model `{f_model}` must specify the `fields` argument in the @relation attribute. You can run `prisma format` to fix this automatically."),
                f_span,
            )
            .with_help("`quarry format` adds it"),
        );
    }
    if !f.has_references() {
        cx.error(
            format!("{RELATION}The relation field `{f_name}` on Model `{f_model}` must specify the `references` argument in the @relation attribute."),
            f_span,
        );
    }
    if b.has_fields() || b.has_references() {
        cx.error(
            format!("{RELATION}The relation field `{b_name}` on Model `{b_model}` must not specify the `fields` or `references` argument in the @relation attribute. You must only specify it on the opposite field `{f_name}` on model `{f_model}`."),
            b_span,
        );
    }
    if b.has_actions() {
        cx.error(
            format!("{RELATION}The relation field `{b_name}` on Model `{b_model}` must not specify the `onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the opposite field `{f_name}` on model `{f_model}`, or in case of a many to many relation, in an explicit join table."),
            b_span,
        );
    }
}

fn check_many_to_many(cx: &mut Cx<'_>, models: &[ir::Model], a: &Candidate, b: &Candidate) {
    for side in [a, b] {
        let m = &models[side.model.0];
        let f = &m.fields[side.field.0];
        let related = &models[side.related.0];
        if m.is_view || related.is_view {
            cx.error(
                "Error validating: Implicit many-to-many relations are not supported for views.",
                f.span,
            );
            continue;
        }
        let what = if related.is_view { "view" } else { "model" };
        let id = related
            .primary_key
            .as_ref()
            .filter(|pk| pk.fields.len() == 1)
            .map(|pk| pk.fields[0].field);
        let Some(id) = id else {
            cx.error(
                format!("Error validating field `{}` in {what} `{}`: The relation field `{}` on {what} `{}` references `{}` which does not have an `@id` field. Models without `@id` cannot be part of a many to many relation. Use an explicit intermediate Model to represent this relationship.", f.name, m.name, f.name, m.name, related.name),
                f.span,
            );
            continue;
        };
        if let Some(remote) = &side.remote {
            if remote.as_slice() != [id] {
                let names: Vec<&str> = remote
                    .iter()
                    .map(|r| related.fields[r.0].name.as_str())
                    .collect();
                cx.error(
                    format!("Error validating: Implicit many-to-many relations must always reference the id field of the related model. Change the argument `references` to use the id field of the related model `{}`. But it is referencing the following fields that are not the id: {}", related.name, names.join(", ")),
                    f.span,
                );
            }
        }
    }
    for side in [a, b] {
        for (_, span) in [side.attr.on_delete, side.attr.on_update]
            .into_iter()
            .flatten()
        {
            cx.error(
                "Error validating: Referential actions on implicit many-to-many relations are not supported",
                span,
            );
        }
    }
    for side in [a, b] {
        if side.attr.references.is_some() {
            cx.error(
                format!("{RELATION}Implicit many-to-many relation should not have references argument defined. Either remove it, or change the relation to one-to-many."),
                side.span(models),
            );
        }
    }
}

/// Without foreign keys the database creates no index for the relation's scalar fields.
fn missing_index_warning(
    cx: &mut Cx<'_>,
    models: &[ir::Model],
    side: &Candidate,
    fields: &[FieldId],
) {
    let model = &models[side.model.0];
    let covered = model
        .primary_key
        .iter()
        .map(|pk| &pk.fields)
        .chain(model.indexes.iter().map(|i| &i.fields))
        .any(|idx| idx.len() >= fields.len() && idx.iter().zip(fields).all(|(a, b)| a.field == *b));
    if !covered {
        cx.warning_at(
            "With `relationMode = \"prisma\"`, no foreign keys are used, so relation fields will not benefit from the index usually created by the relational database under the hood. This can lead to poor performance when querying these fields. We recommend adding an index manually. Learn more at https://pris.ly/d/relation-mode-prisma-indexes\" ",
            side.attr_span(models),
        );
    }
}

/// `SetNull` on required scalar fields; `SetDefault` on MySQL.
fn check_set_null(cx: &mut Cx<'_>, models: &[ir::Model], side: &Candidate, fields: &[FieldId]) {
    let provider = cx.provider();
    let mode = cx.relation_mode();
    let model = &models[side.model.0];
    let span = side.attr_span(models);
    let allowed = allowed_actions(provider, mode);
    for (action, label) in [
        (side.attr.on_delete, "onDelete"),
        (side.attr.on_update, "onUpdate"),
    ] {
        let Some((action, _)) = action else { continue };
        if !allowed.contains(&action) {
            continue;
        }
        if action == ReferentialAction::SetDefault
            && provider == Some(Provider::Mysql)
            && mode == RelationMode::ForeignKeys
        {
            cx.warning_at(
                "MySQL does not actually support the `SetDefault` referential action, so using it may result in unexpected errors. Read more at https://pris.ly/d/mysql-set-default ",
                span,
            );
        }
        if action == ReferentialAction::SetNull {
            let any_required = fields
                .iter()
                .any(|f| model.fields[f.0].arity == Arity::Required);
            if !any_required {
                continue;
            }
            // With real foreign keys on a database that checks them, Prisma only warns; without
            // a datasource or in `relationMode = "prisma"`, it is an error.
            let as_error = provider.is_none() || mode == RelationMode::Prisma;
            if as_error {
                cx.error(
                    format!("{RELATION}The `{label}` referential action of a relation must not be set to `SetNull` when a referenced field is required.\nEither choose another referential action, or make the referenced fields optional.\n"),
                    span,
                );
            } else {
                cx.warning_at(
                    format!("The `{label}` referential action of a relation should not be set to `SetNull` when a referenced field is required. We recommend either to choose another referential action, or to make the referenced fields optional. Read more at https://pris.ly/d/postgres-set-null"),
                    span,
                );
            }
        }
    }
}

/// The `onDelete` a relation gets when none is written: `Restrict` when any foreign-key field
/// (or, without fields, the relation field) is required, `SetNull` otherwise.
fn default_on_delete(models: &[ir::Model], f: &Candidate) -> ReferentialAction {
    let model = &models[f.model.0];
    let any_required = f.local.as_ref().is_some_and(|l| {
        l.iter()
            .any(|id| model.fields[id.0].arity == Arity::Required)
    });
    if any_required || model.fields[f.field.0].arity == Arity::Required {
        ReferentialAction::Restrict
    } else {
        ReferentialAction::SetNull
    }
}

fn triggers_modification(a: ReferentialAction) -> bool {
    !matches!(a, ReferentialAction::NoAction | ReferentialAction::Restrict)
}

/// With emulated relations, cascading actions must not loop: a self-relation, or a path of
/// relations back to where it started, needs `NoAction` somewhere.
fn check_cycles(cx: &mut Cx<'_>, models: &[ir::Model], candidates: &[Candidate], shapes: &[Shape]) {
    // Complete inline relations: (forward candidate).
    let inline: Vec<usize> = shapes
        .iter()
        .filter_map(|s| match *s {
            Shape::OneToOne {
                forward,
                back: Some(_),
            }
            | Shape::OneToMany {
                forward: Some(forward),
                back: Some(_),
            } => Some(forward),
            _ => None,
        })
        .filter(|f| !candidates[*f].broken)
        .collect();
    let effective = |f: usize| {
        let c = &candidates[f];
        let on_delete = c
            .attr
            .on_delete
            .map_or_else(|| default_on_delete(models, c), |(a, _)| a);
        let on_update = c
            .attr
            .on_update
            .map_or(ReferentialAction::Cascade, |(a, _)| a);
        (on_delete, on_update)
    };
    let label = |f: usize| {
        let c = &candidates[f];
        format!(
            "{}.{}",
            models[c.model.0].name, models[c.model.0].fields[c.field.0].name
        )
    };
    for &start in &inline {
        let parent = candidates[start].model;
        let mut visited: Vec<usize> = Vec::new();
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, vec![start])];
        while let Some((rel, path)) = stack.pop() {
            visited.push(rel);
            let c = &candidates[rel];
            let (on_delete, on_update) = effective(rel);
            if !(triggers_modification(on_delete) || triggers_modification(on_update)) {
                continue;
            }
            let message = if c.model == c.related {
                Some("A self-relation must have `onDelete` and `onUpdate` referential actions set to `NoAction` in one of the @relation attributes.".to_string())
            } else if c.related == parent {
                let path: Vec<String> = path.iter().map(|r| label(*r)).collect();
                Some(format!("Reference causes a cycle. One of the @relation attributes in this cycle must have `onDelete` and `onUpdate` referential actions set to `NoAction`. Cycle path: {}.", path.join(" → ")))
            } else {
                None
            };
            if let Some(message) = message {
                let s = &candidates[start];
                let (d, u) = effective(start);
                let implicit_delete = s.attr.on_delete.is_none() && triggers_modification(d);
                let implicit_update = s.attr.on_update.is_none() && triggers_modification(u);
                let suffix = match (implicit_delete, implicit_update) {
                    (true, true) => format!(
                        " (Implicit default `onDelete`: `{}`, and `onUpdate`: `{}`)",
                        d.as_str(),
                        u.as_str()
                    ),
                    (true, false) => format!(" (Implicit default `onDelete`: `{}`)", d.as_str()),
                    (false, true) => format!(" (Implicit default `onUpdate`: `{}`)", u.as_str()),
                    (false, false) => String::new(),
                };
                cx.error(
                    format!("Error validating: {message}{suffix} Read more at https://pris.ly/d/cyclic-referential-actions"),
                    s.span(models),
                );
                break;
            }
            for &next in &inline {
                if candidates[next].model == c.related && !visited.contains(&next) {
                    let mut p = path.clone();
                    p.push(next);
                    stack.push((next, p));
                }
            }
        }
    }
}

/// The IR relation for a complete, valid relation.
fn build(
    cx: &mut Cx<'_>,
    models: &mut [ir::Model],
    candidates: &[Candidate],
    shape: Shape,
    index: usize,
) -> Option<ir::Relation> {
    let (kind, referencing, referenced) = match shape {
        Shape::ManyToMany { a, b } => (RelationKind::ManyToMany, a, b),
        Shape::OneToOne {
            forward,
            back: Some(back),
        } => (RelationKind::OneToOne, forward, back),
        Shape::OneToMany {
            forward: Some(forward),
            back: Some(back),
        } => (RelationKind::OneToMany, forward, back),
        _ => return None,
    };
    let (r, d) = (&candidates[referencing], &candidates[referenced]);
    let model_a = &models[r.model.0].name;
    let model_b = &models[d.model.0].name;
    let name = r.attr.name.clone().unwrap_or_else(|| {
        let (x, y) = if model_a <= model_b {
            (model_a, model_b)
        } else {
            (model_b, model_a)
        };
        format!("{x}To{y}")
    });
    let (fields, references) = if kind == RelationKind::ManyToMany {
        (Vec::new(), Vec::new())
    } else {
        (r.local.clone()?, r.remote.clone()?)
    };
    let fk_db_name = (kind != RelationKind::ManyToMany).then(|| {
        let m = &models[r.model.0];
        let cols: Vec<&str> = fields
            .iter()
            .map(|f| m.fields[f.0].db_name.as_str())
            .collect();
        r.attr
            .map
            .clone()
            .unwrap_or_else(|| ir::constraint_name(&m.db_name, &cols, "fkey", cx.provider()))
    });
    let on_delete_written = r.attr.on_delete.map(|(a, _)| a);
    let on_update_written = r.attr.on_update.map(|(a, _)| a);
    let on_delete = on_delete_written.unwrap_or_else(|| default_on_delete(models, r));
    let on_update = on_update_written.unwrap_or(ReferentialAction::Cascade);
    let id = ir::RelationId(index);
    for (side, other, is_referencing) in [(r, d, true), (d, r, false)] {
        if let FieldType::Relation(info) = &mut models[side.model.0].fields[side.field.0].field_type
        {
            info.relation = id;
            info.related_model = other.model;
            if is_referencing && kind != RelationKind::ManyToMany {
                info.fields = fields.clone();
                info.references = references.clone();
                info.on_delete = on_delete_written;
                info.on_update = on_update_written;
            }
        }
    }
    Some(ir::Relation {
        name,
        kind,
        referencing: RelationSide {
            model: r.model,
            field: r.field,
        },
        referenced: RelationSide {
            model: d.model,
            field: d.field,
        },
        fk_db_name,
        on_delete,
        on_update,
    })
}

impl Cx<'_> {
    pub(crate) fn warning_at(&mut self, message: impl Into<String>, span: Span) {
        self.diags.warning(message, span);
    }
}
