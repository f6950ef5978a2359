//! Relations: pairing relation fields into relations and checking `fields`/`references`.
//!
//! Two relation fields form one relation when they point at each other's models with the same
//! relation name (explicit, or none). The pair decides the kind: both lists is an implicit
//! many-to-many, one list is one-to-many, neither is one-to-one. The side holding
//! `fields`/`references` owns the foreign key.

use super::attributes::{ModelRelationAttrs, RelationAttr};
use super::Cx;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::ir::{
    self, Arity, FieldId, FieldType, ModelId, Provider, ReferentialAction, RelationKind,
    RelationMode, RelationSide,
};
use crate::source::Span;
use std::collections::BTreeMap;

struct Candidate {
    model: ModelId,
    field: FieldId,
    related: ModelId,
    attr: RelationAttr,
}

pub(crate) fn resolve(
    cx: &mut Cx<'_>,
    asts: &[&ast::Model],
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
            let related = f.relation().map(|r| r.related_model);
            if let Some(related) = related {
                let attr = attrs.remove(&(ModelId(mi), fi)).unwrap_or_default();
                candidates.push(Candidate {
                    model: ModelId(mi),
                    field: fi,
                    related,
                    attr,
                });
            }
        }
    }

    // Group by (unordered model pair, relation name).
    let mut groups: BTreeMap<(ModelId, ModelId, String), Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let (a, b) = if c.model <= c.related {
            (c.model, c.related)
        } else {
            (c.related, c.model)
        };
        let name = c.attr.name.clone().unwrap_or_default();
        groups.entry((a, b, name)).or_default().push(i);
    }

    let mut relations = Vec::new();
    for ((a, b, name), members) in groups {
        let field_name = |c: &Candidate| models[c.model.0].fields[c.field.0].name.clone();
        match members.as_slice() {
            [single] => {
                let c = &candidates[*single];
                missing_opposite(cx, models, asts, c, &name);
            }
            [x, y] => {
                let (cx_, cy) = (&candidates[*x], &candidates[*y]);
                // For self relations both fields live on one model; for others, one on each side.
                if a != b && cx_.model == cy.model {
                    ambiguous(cx, models, asts, cx_, cy, &field_name(cx_), &field_name(cy));
                    continue;
                }
                if let Some(rel) = pair(cx, asts, models, cx_, cy, &name, relations.len()) {
                    relations.push(rel);
                }
            }
            many => {
                let c0 = &candidates[many[0]];
                let c1 = &candidates[many[1]];
                ambiguous(cx, models, asts, c0, c1, &field_name(c0), &field_name(c1));
            }
        }
    }
    relations
}

fn field_span(models: &[ir::Model], m: ModelId, f: FieldId) -> Span {
    models[m.0].fields[f.0].span
}

fn missing_opposite(
    cx: &mut Cx<'_>,
    models: &[ir::Model],
    asts: &[&ast::Model],
    c: &Candidate,
    name: &str,
) {
    let model = &models[c.model.0];
    let field = &model.fields[c.field.0];
    let related = &models[c.related.0];
    let what = if model.is_view { "view" } else { "model" };
    let _ = asts;
    let _ = name;
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

#[allow(clippy::too_many_arguments)]
fn ambiguous(
    cx: &mut Cx<'_>,
    models: &[ir::Model],
    asts: &[&ast::Model],
    c0: &Candidate,
    c1: &Candidate,
    f0: &str,
    f1: &str,
) {
    let model = &models[c0.model.0];
    let related = &models[c0.related.0];
    let _ = asts;
    let message = if c0.model == c0.related {
        format!(
            "Error validating model \"{}\": Ambiguous self relation detected. The fields `{f0}` and `{f1}` in model `{}` both refer to `{}`. If they are partners of the same relation field, please provide the same relation name for them by adding `@relation(<name>)` to both fields.",
            model.name, model.name, related.name
        )
    } else {
        format!(
            "Error validating model \"{}\": Ambiguous relation detected. The fields `{f0}` and `{f1}` in model `{}` both refer to `{}`. Please provide different relation names for them by adding `@relation(<name>)`.",
            model.name, model.name, related.name
        )
    };
    let _ = c1;
    cx.error(message, field_span(models, c0.model, c0.field));
}

/// Resolves a list of field names on a model; reports the ones that do not exist.
fn resolve_fields(
    cx: &mut Cx<'_>,
    model: &ir::Model,
    names: &[(String, Span)],
    span: Span,
    message: impl Fn(&str) -> String,
) -> Option<Vec<FieldId>> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (n, _) in names {
        match model.find_field(n) {
            Some((id, _)) => out.push(id),
            None => missing.push(n.as_str()),
        }
    }
    if !missing.is_empty() {
        cx.error(message(&missing.join(", ")), span);
        return None;
    }
    Some(out)
}

#[allow(clippy::too_many_arguments)]
fn pair(
    cx: &mut Cx<'_>,
    asts: &[&ast::Model],
    models: &mut [ir::Model],
    a: &Candidate,
    b: &Candidate,
    name: &str,
    index: usize,
) -> Option<ir::Relation> {
    let fa = &models[a.model.0].fields[a.field.0];
    let fb = &models[b.model.0].fields[b.field.0];
    let a_list = fa.arity == Arity::List;
    let b_list = fb.arity == Arity::List;
    let a_defines = a.attr.fields.is_some() || a.attr.references.is_some();
    let b_defines = b.attr.fields.is_some() || b.attr.references.is_some();

    let model_a = models[a.model.0].name.clone();
    let model_b = models[b.model.0].name.clone();
    let default_name = {
        let (x, y) = if model_a <= model_b {
            (&model_a, &model_b)
        } else {
            (&model_b, &model_a)
        };
        format!("{x}To{y}")
    };
    let relation_name = if name.is_empty() {
        default_name
    } else {
        name.to_string()
    };

    let (kind, referencing, referenced) = match (a_list, b_list) {
        (true, true) => {
            many_to_many_checks(cx, models, a, b);
            // Prisma orders the join table's columns by model name: `A` is the first model.
            let (first, second) = if model_a <= model_b { (a, b) } else { (b, a) };
            (RelationKind::ManyToMany, first, second)
        }
        (true, false) => (RelationKind::OneToMany, b, a),
        (false, true) => (RelationKind::OneToMany, a, b),
        (false, false) => {
            let (r, d) = match (a_defines, b_defines) {
                (true, false) => (a, b),
                (false, true) => (b, a),
                (true, true) => {
                    let (fa, fb) = (
                        &models[a.model.0].fields[a.field.0],
                        &models[b.model.0].fields[b.field.0],
                    );
                    let msg = if a.attr.references.is_some() && b.attr.references.is_some() {
                        format!("Error parsing attribute \"@relation\": The relation fields `{}` on Model `{}` and `{}` on Model `{}` both provide the `references` argument in the @relation attribute. You have to provide it only on one of the two fields.", fa.name, model_a, fb.name, model_b)
                    } else {
                        format!("Error parsing attribute \"@relation\": The relation fields `{}` on Model `{}` and `{}` on Model `{}` both provide the `fields` argument in the @relation attribute. You have to provide it only on one of the two fields.", fa.name, model_a, fb.name, model_b)
                    };
                    cx.error(msg, fa.span);
                    return None;
                }
                (false, false) => {
                    let (fa, fb) = (
                        &models[a.model.0].fields[a.field.0],
                        &models[b.model.0].fields[b.field.0],
                    );
                    cx.error(
                        format!("Error parsing attribute \"@relation\": The relation fields `{}` on Model `{}` and `{}` on Model `{}` do not provide the `fields` argument in the @relation attribute. You have to provide it on one of the two fields.", fa.name, model_a, fb.name, model_b),
                        fa.span,
                    );
                    return None;
                }
            };
            // The back-relation side of a one-to-one must be optional.
            let back = &models[d.model.0].fields[d.field.0];
            if back.arity == Arity::Required {
                let related_name = models[r.model.0].name.clone();
                cx.error(
                    format!("Error parsing attribute \"@relation\": The relation field `{}` on Model `{}` is required. This is no longer valid because it's not possible to enforce this constraint on the database level. Please change the field type from `{}` to `{}?` to fix this.", back.name, models[d.model.0].name, related_name, related_name),
                    back.span,
                );
                return None;
            }
            (RelationKind::OneToOne, r, d)
        }
    };

    // The side without `fields` must not carry them, nor referential actions.
    let back_side = if kind == RelationKind::ManyToMany {
        None
    } else {
        Some(referenced)
    };
    if let Some(back) = back_side {
        let bf = &models[back.model.0].fields[back.field.0];
        if back.attr.fields.is_some() || back.attr.references.is_some() {
            if kind == RelationKind::OneToMany {
                cx.error(
                    format!("Error parsing attribute \"@relation\": The relation field `{}` on Model `{}` must not specify the `fields` or `references` argument in the @relation attribute. You must only specify it on the opposite field `{}` on model `{}`.",
                        bf.name, models[back.model.0].name,
                        models[referencing.model.0].fields[referencing.field.0].name, models[referencing.model.0].name),
                    bf.span,
                );
                return None;
            }
        }
        if back.attr.on_delete.is_some() || back.attr.on_update.is_some() {
            cx.error(
                format!("Error parsing attribute \"@relation\": The relation field `{}` on Model `{}` must not specify the `onDelete` or `onUpdate` argument in the @relation attribute. You must only specify it on the opposite field `{}` on model `{}`, or in case of a many to many relation, in an explicit join table.",
                    bf.name, models[back.model.0].name,
                    models[referencing.model.0].fields[referencing.field.0].name, models[referencing.model.0].name),
                bf.span,
            );
        }
    }

    let mut fields = Vec::new();
    let mut references = Vec::new();
    let mut fk_db_name = None;
    if kind != RelationKind::ManyToMany {
        let (f, r) = foreign_key(cx, asts, models, referencing)?;
        fields = f;
        references = r;
        let m = &models[referencing.model.0];
        let cols: Vec<&str> = fields
            .iter()
            .map(|f| m.fields[f.0].db_name.as_str())
            .collect();
        fk_db_name =
            Some(
                referencing.attr.map.clone().unwrap_or_else(|| {
                    ir::constraint_name(&m.db_name, &cols, "fkey", cx.provider())
                }),
            );
        if kind == RelationKind::OneToOne {
            one_to_one_unique(cx, models, referencing, &fields);
        }
        if cx.relation_mode() == RelationMode::Prisma {
            missing_index_warning(cx, models, referencing, &fields);
        }
    }

    let on_delete_written = referencing.attr.on_delete.map(|(a, _)| a);
    let on_update_written = referencing.attr.on_update.map(|(a, _)| a);
    let scalar_optional = fields
        .iter()
        .any(|f| models[referencing.model.0].fields[f.0].arity == Arity::Optional);
    check_actions(cx, models, referencing, &fields);
    let on_delete = on_delete_written.unwrap_or(if scalar_optional {
        ReferentialAction::SetNull
    } else {
        ReferentialAction::Restrict
    });
    let on_update = on_update_written.unwrap_or(ReferentialAction::Cascade);

    let id = ir::RelationId(index);
    for (side, other) in [(a, b), (b, a)] {
        let is_referencing = side.model == referencing.model && side.field == referencing.field;
        if let FieldType::Relation(info) = &mut models[side.model.0].fields[side.field.0].field_type
        {
            info.relation = id;
            info.related_model = other.model;
            if is_referencing {
                info.fields = fields.clone();
                info.references = references.clone();
                info.on_delete = on_delete_written;
                info.on_update = on_update_written;
            }
        }
    }
    Some(ir::Relation {
        name: relation_name,
        kind,
        referencing: RelationSide {
            model: referencing.model,
            field: referencing.field,
        },
        referenced: RelationSide {
            model: referenced.model,
            field: referenced.field,
        },
        fk_db_name,
        on_delete,
        on_update,
    })
}

fn many_to_many_checks(cx: &mut Cx<'_>, models: &[ir::Model], a: &Candidate, b: &Candidate) {
    for (side, other) in [(a, b), (b, a)] {
        let m = &models[side.model.0];
        let f = &m.fields[side.field.0];
        let related = &models[other.model.0];
        let what = if m.is_view { "view" } else { "model" };
        if m.is_view || related.is_view {
            cx.error(
                "Error validating: Implicit many-to-many relations are not supported for views.",
                f.span,
            );
            continue;
        }
        let single_id = related
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.fields.len() == 1);
        if !single_id {
            cx.error(
                format!("Error validating field `{}` in {what} `{}`: The relation field `{}` on {what} `{}` references `{}` which does not have an `@id` field. Models without `@id` cannot be part of a many to many relation. Use an explicit intermediate Model to represent this relationship.", f.name, m.name, f.name, m.name, related.name),
                f.span,
            );
        }
        if side.attr.fields.is_some() || side.attr.references.is_some() {
            cx.error(
                format!("Error validating field `{}` in {what} `{}`: The relation field `{}` on {what} `{}` must not specify the `fields` or `references` argument in the @relation attribute. You must only specify it on the opposite field `{}` on model `{}`, or in case of a many to many relation, in an explicit join table.", f.name, m.name, f.name, m.name, models[other.model.0].fields[other.field.0].name, related.name),
                f.span,
            );
        }
        if side.attr.on_delete.is_some() || side.attr.on_update.is_some() {
            cx.error(
                format!("Error validating field `{}` in {what} `{}`: Referential actions on implicit many-to-many relations are not supported.", f.name, m.name),
                f.span,
            );
        }
    }
}

/// Checks `fields` and `references` of the referencing side; returns them resolved.
fn foreign_key(
    cx: &mut Cx<'_>,
    asts: &[&ast::Model],
    models: &[ir::Model],
    side: &Candidate,
) -> Option<(Vec<FieldId>, Vec<FieldId>)> {
    let model = &models[side.model.0];
    let field = &model.fields[side.field.0];
    let related = &models[side.related.0];
    let span = side.attr.span.unwrap_or(field.span);
    let _ = asts;
    let (Some(fields), Some(references)) = (&side.attr.fields, &side.attr.references) else {
        let missing = if side.attr.fields.is_none() {
            "fields"
        } else {
            "references"
        };
        cx.push(
            Diagnostic::error(
                format!("Error parsing attribute \"@relation\": The relation field `{}` on Model `{}` must specify the `{missing}` argument in the @relation attribute. You can run `prisma format` to fix this automatically.", field.name, model.name),
                span,
            )
            .with_help("`quarry format` adds it"),
        );
        return None;
    };
    let local = resolve_fields(cx, model, fields, span, |m| {
        format!("Error parsing attribute \"@relation\": The argument fields must refer only to existing fields. The following fields do not exist in this model: {m}")
    });
    let remote = resolve_fields(cx, related, references, span, |m| {
        format!("Error parsing attribute \"@relation\": The argument `references` must refer only to existing fields in the related model `{}`. The following fields do not exist in the related model: {m}", related.name)
    });
    let (local, remote) = (local?, remote?);
    for id in &local {
        let f = &model.fields[id.0];
        if f.is_relation() {
            cx.error(
                format!("Error parsing attribute \"@relation\": The argument fields must refer only to scalar fields. But it is referencing the following relation fields: {}", f.name),
                span,
            );
            return None;
        }
    }
    for id in &remote {
        let f = &related.fields[id.0];
        if f.is_relation() {
            cx.error(
                format!("Error parsing attribute \"@relation\": The argument `references` must refer only to scalar fields in the related model `{}`. But it is referencing the following relation fields: {}", related.name, f.name),
                span,
            );
            return None;
        }
    }
    if local.len() != remote.len() {
        cx.error(
            "Error parsing attribute \"@relation\": You must specify the same number of fields in `fields` and `references`.",
            span,
        );
        return None;
    }
    if local.is_empty() {
        cx.error(
            "Error parsing attribute \"@relation\": The `fields` and `references` arguments must not be empty.",
            span,
        );
        return None;
    }
    for (l, r) in local.iter().zip(&remote) {
        let (lf, rf) = (&model.fields[l.0], &related.fields[r.0]);
        let same_type = lf.field_type == rf.field_type
            && match (&lf.native_type, &rf.native_type) {
                (Some(a), Some(b)) => a.name == b.name,
                _ => true,
            };
        if !same_type {
            cx.error(
                format!("Error parsing attribute \"@relation\": The type of the field `{}` in the model `{}` is not matching the type of the referenced field `{}` in model `{}`.", lf.name, model.name, rf.name, related.name),
                span,
            );
            return None;
        }
    }
    // References must form a unique criterion of the related model.
    let mut sorted_remote = remote.clone();
    sorted_remote.sort();
    let is_unique = related.unique_criteria().into_iter().any(|mut c| {
        c.sort();
        c == sorted_remote
    });
    if !is_unique && !related.is_view {
        let names: Vec<&str> = remote
            .iter()
            .map(|r| related.fields[r.0].name.as_str())
            .collect();
        let message = if names.len() == 1 {
            format!("Error parsing attribute \"@relation\": The argument `references` must refer to a unique criterion in the related model. Consider adding an `@unique` attribute to the field `{}` in the model `{}`.", names[0], related.name)
        } else {
            format!("Error parsing attribute \"@relation\": The argument `references` must refer to a unique criterion in the related model. Consider adding an `@@unique([{}])` attribute to the model `{}`.", names.join(", "), related.name)
        };
        cx.error(message, span);
        return None;
    }
    // A required relation field cannot use optional scalars.
    let optional: Vec<&str> = local
        .iter()
        .map(|l| &model.fields[l.0])
        .filter(|f| f.arity == Arity::Optional)
        .map(|f| f.name.as_str())
        .collect();
    if field.arity == Arity::Required && !optional.is_empty() {
        cx.error(
            format!("Error parsing attribute \"@relation\": The relation field `{}` uses the scalar fields {}. At least one of those fields is optional. Hence the relation field must be optional as well.", field.name, optional.join(", ")),
            span,
        );
        return None;
    }
    Some((local, remote))
}

fn one_to_one_unique(cx: &mut Cx<'_>, models: &[ir::Model], side: &Candidate, fields: &[FieldId]) {
    let model = &models[side.model.0];
    let mut sorted = fields.to_vec();
    sorted.sort();
    let unique = model.unique_criteria().into_iter().any(|mut c| {
        c.sort();
        c == sorted
    });
    if !unique {
        let field = &model.fields[side.field.0];
        let names: Vec<&str> = fields
            .iter()
            .map(|f| model.fields[f.0].name.as_str())
            .collect();
        let hint = if names.len() == 1 {
            format!("Either add an `@unique` attribute to the field `{}`, or change the relation to one-to-many.", names[0])
        } else {
            format!("Either add an `@@unique([{}])` attribute to the model, or change the relation to one-to-many.", names.join(", "))
        };
        cx.error(
            format!("Error parsing attribute \"@relation\": A one-to-one relation must use unique fields on the defining side. {hint}"),
            side.attr.span.unwrap_or(field.span),
        );
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
            model.fields[side.field.0].span,
        );
    }
}

/// Referential actions allowed by the provider and relation mode; `SetNull` on required fields.
fn check_actions(cx: &mut Cx<'_>, models: &[ir::Model], side: &Candidate, fields: &[FieldId]) {
    let provider = cx.provider();
    let mode = cx.relation_mode();
    let model = &models[side.model.0];
    let span = side.attr.span.unwrap_or(model.fields[side.field.0].span);
    for (action, label) in [
        (side.attr.on_delete, "onDelete"),
        (side.attr.on_update, "onUpdate"),
    ] {
        let Some((action, _)) = action else { continue };
        let allowed: &[ReferentialAction] = match (mode, provider) {
            (RelationMode::Prisma, Some(Provider::Postgres | Provider::Sqlite)) => &[
                ReferentialAction::Cascade,
                ReferentialAction::Restrict,
                ReferentialAction::SetNull,
            ],
            (RelationMode::Prisma, _) => &[
                ReferentialAction::Cascade,
                ReferentialAction::Restrict,
                ReferentialAction::NoAction,
                ReferentialAction::SetNull,
            ],
            _ => &[
                ReferentialAction::Cascade,
                ReferentialAction::Restrict,
                ReferentialAction::NoAction,
                ReferentialAction::SetNull,
                ReferentialAction::SetDefault,
            ],
        };
        if !allowed.contains(&action) {
            let message = if action == ReferentialAction::NoAction && mode == RelationMode::Prisma {
                "Error parsing attribute \"@relation\": Invalid referential action: `NoAction`. Allowed values: (`Cascade`, `Restrict`, `SetNull`). `NoAction` is not implemented for Postgres when using `relationMode = \"prisma\"`, you could try using `Restrict` instead. Learn more at https://pris.ly/d/relationMode".to_string()
            } else {
                let names: Vec<String> = allowed
                    .iter()
                    .map(|a| format!("`{}`", a.as_str()))
                    .collect();
                format!("Error parsing attribute \"@relation\": Invalid referential action: `{}`. Allowed values: ({})", action.as_str(), names.join(", "))
            };
            cx.error(message, span);
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
            let required: Vec<&ir::Field> = fields
                .iter()
                .map(|f| &model.fields[f.0])
                .filter(|f| f.arity == Arity::Required)
                .collect();
            if required.is_empty() {
                continue;
            }
            // With real foreign keys on a database that checks them, Prisma only warns; without
            // a datasource or in `relationMode = "prisma"`, it is an error.
            let as_error = provider.is_none() || mode == RelationMode::Prisma;
            if as_error {
                cx.error(
                    format!("Error parsing attribute \"@relation\": The `{label}` referential action of a relation must not be set to `SetNull` when a referenced field is required.\nEither choose another referential action, or make the referenced fields optional.\n"),
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

impl Cx<'_> {
    pub(crate) fn warning_at(&mut self, message: impl Into<String>, span: Span) {
        self.diags.warning(message, span);
    }
}
