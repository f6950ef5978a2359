//! Constraint names: primary keys, indexes, unique constraints and foreign keys.
//!
//! Each database puts constraint names in its own namespaces: PostgreSQL shares one namespace
//! for primary keys and indexes per schema, and one per table for everything; MySQL shares
//! foreign keys across the database and indexes per table; SQLite shares index names across
//! the database. A name used twice in a namespace is reported on every constraint that uses it,
//! as the reference does. Client-level names (`name:` of `@@id` and `@@unique`) must be unique
//! per model.

use super::Cx;
use crate::ast;
use crate::ir::{self, IndexKind, Provider};
use crate::source::Span;
use std::collections::HashMap;

/// A namespace of constraint names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    /// Indexes and unique constraints, across the database.
    GlobalKeyIndex,
    /// Foreign keys, across the database.
    GlobalForeignKey,
    /// Primary keys, indexes and unique constraints, across the database (schema).
    GlobalPrimaryKeyKeyIndex,
    /// Indexes and unique constraints, per table.
    ModelKeyIndex,
    /// Primary key, indexes, unique constraints and foreign keys, per table.
    ModelPrimaryKeyKeyIndexForeignKey,
}

impl Scope {
    fn is_global(self) -> bool {
        matches!(
            self,
            Scope::GlobalKeyIndex | Scope::GlobalForeignKey | Scope::GlobalPrimaryKeyKeyIndex
        )
    }

    /// Which kinds of constraint live in the namespace.
    fn holds(self, kind: Kind) -> bool {
        match self {
            Scope::GlobalKeyIndex | Scope::ModelKeyIndex => kind == Kind::Index,
            Scope::GlobalForeignKey => kind == Kind::ForeignKey,
            Scope::GlobalPrimaryKeyKeyIndex => matches!(kind, Kind::PrimaryKey | Kind::Index),
            Scope::ModelPrimaryKeyKeyIndexForeignKey => true,
        }
    }

    fn description(self, model: &str) -> String {
        match self {
            Scope::GlobalKeyIndex => "global for indexes and unique constraints".into(),
            Scope::GlobalForeignKey => "global for foreign keys".into(),
            Scope::GlobalPrimaryKeyKeyIndex => {
                "global for primary key, indexes and unique constraints".into()
            }
            Scope::ModelKeyIndex => {
                format!("on model `{model}` for indexes and unique constraints")
            }
            Scope::ModelPrimaryKeyKeyIndexForeignKey => format!(
                "on model `{model}` for primary key, indexes, unique constraints and foreign keys"
            ),
        }
    }
}

/// The namespaces of each provider.
fn scopes(provider: Option<Provider>) -> &'static [Scope] {
    match provider {
        Some(Provider::Postgres) => &[
            Scope::GlobalPrimaryKeyKeyIndex,
            Scope::ModelPrimaryKeyKeyIndexForeignKey,
        ],
        Some(Provider::Mysql) => &[Scope::GlobalForeignKey, Scope::ModelKeyIndex],
        Some(Provider::Sqlite) => &[Scope::GlobalKeyIndex],
        None => &[],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PrimaryKey,
    Index,
    ForeignKey,
}

impl Kind {
    /// The namespaces a constraint of this kind is checked against, in the reference's order.
    fn checked_in(self) -> &'static [Scope] {
        match self {
            Kind::Index => &[
                Scope::GlobalKeyIndex,
                Scope::GlobalPrimaryKeyKeyIndex,
                Scope::ModelKeyIndex,
            ],
            Kind::ForeignKey => &[
                Scope::GlobalForeignKey,
                Scope::ModelPrimaryKeyKeyIndexForeignKey,
            ],
            Kind::PrimaryKey => &[
                Scope::GlobalPrimaryKeyKeyIndex,
                Scope::ModelPrimaryKeyKeyIndexForeignKey,
            ],
        }
    }
}

/// (namespace, model for per-table namespaces, Postgres schema for global ones, name).
type NamespaceKey<'a> = (Scope, Option<usize>, Option<&'a str>, &'a str);

struct Constraint<'a> {
    kind: Kind,
    model: usize,
    name: &'a str,
    /// `@@index`, `@id`, `@relation`, ...
    attribute: &'static str,
    span: Span,
}

/// A model's attributes (block and field attributes) by where they are written.
type AttributesAt<'a> = HashMap<Span, &'a ast::Attribute>;

fn attributes_at(m: &ast::Model) -> AttributesAt<'_> {
    m.attributes()
        .chain(m.fields().flat_map(|f| f.attributes.iter()))
        .map(|a| (a.span, a))
        .collect()
}

/// The span of argument `arg` of the attribute at `span`, or the attribute's span.
fn argument_span(attributes: &AttributesAt<'_>, span: Span, arg: &str) -> Span {
    attributes
        .get(&span)
        .and_then(|a| a.named(arg))
        .map_or(span, |a| a.span)
}

/// The `@id` or `@@id` attribute of a model.
fn primary_key_attribute<'a>(
    m: &'a ast::Model,
    model: &ir::Model,
    pk: &ir::PrimaryKey,
) -> Option<&'a ast::Attribute> {
    if pk.is_compound_attribute {
        return m.attributes().find(|a| a.name.name == "id");
    }
    let field = &model.field(pk.fields.first()?.field).name;
    m.fields()
        .find(|f| &f.name.name == field)?
        .attributes
        .iter()
        .find(|a| a.name.name == "id")
}

pub(crate) fn check_constraint_names<'a>(
    cx: &mut Cx<'_>,
    asts: &[&ast::Model],
    schema: &'a ir::Schema,
) {
    let provider = cx.provider();
    let mut constraints: Vec<Constraint<'a>> = Vec::new();
    for (mi, model) in schema.models.iter().enumerate() {
        let m = asts[mi];
        if let Some(pk) = &model.primary_key {
            // Only PostgreSQL names primary keys.
            if provider == Some(Provider::Postgres) {
                if let Some(attr) = primary_key_attribute(m, model, pk) {
                    let span = attr.named("map").map_or(attr.span, |a| a.span);
                    let attribute = if pk.is_compound_attribute {
                        "@@id"
                    } else {
                        "@id"
                    };
                    constraints.push(Constraint {
                        kind: Kind::PrimaryKey,
                        model: mi,
                        name: &pk.db_name,
                        attribute,
                        span,
                    });
                }
            }
        }
        let attributes = attributes_at(m);
        for idx in &model.indexes {
            let attribute = match (idx.kind, idx.from_field_attribute) {
                (IndexKind::Unique, true) => "@unique",
                (IndexKind::Unique, false) => "@@unique",
                (IndexKind::Normal, _) => "@@index",
                (IndexKind::Fulltext, _) => "@@fulltext",
            };
            constraints.push(Constraint {
                kind: Kind::Index,
                model: mi,
                name: &idx.db_name,
                attribute,
                span: argument_span(&attributes, idx.span, "map"),
            });
        }
    }
    // The first field of each name: later ones are duplicates, already reported.
    let ast_fields: Vec<HashMap<&str, &ast::Field>> = asts
        .iter()
        .map(|m| {
            let mut fields = HashMap::new();
            for f in m.fields() {
                fields.entry(f.name.name.as_str()).or_insert(f);
            }
            fields
        })
        .collect();
    for rel in &schema.relations {
        let Some(name) = &rel.fk_db_name else {
            continue;
        };
        let mi = rel.referencing.model.0;
        let field = &schema.models[mi].fields[rel.referencing.field.0];
        let span = ast_fields[mi]
            .get(field.name.as_str())
            .and_then(|f| f.attributes.iter().find(|a| a.name.name == "relation"))
            .and_then(|a| a.named("map"))
            .map_or(field.span, |a| a.span);
        constraints.push(Constraint {
            kind: Kind::ForeignKey,
            model: mi,
            name,
            attribute: "@relation",
            span,
        });
    }

    check_name_lengths(cx, schema, &constraints);

    let active = scopes(provider);
    let mut counts: HashMap<NamespaceKey<'a>, usize> = HashMap::new();
    let key = |scope: Scope, c: &Constraint<'a>| -> NamespaceKey<'a> {
        let schema_name = schema.models[c.model].schema.as_deref();
        if scope.is_global() {
            (scope, None, schema_name, c.name)
        } else {
            (scope, Some(c.model), None, c.name)
        }
    };
    for c in &constraints {
        for scope in active.iter().filter(|s| s.holds(c.kind)) {
            *counts.entry(key(*scope, c)).or_default() += 1;
        }
    }
    for c in &constraints {
        for scope in c.kind.checked_in() {
            if !active.contains(scope) {
                continue;
            }
            if counts.get(&key(*scope, c)).copied().unwrap_or(0) > 1 {
                let model = &schema.models[c.model].name;
                cx.error(
                    format!(
                        "Error parsing attribute \"{}\": The given constraint name `{}` has to be unique in the following namespace: {}. Please provide a different name using the `map` argument.",
                        c.attribute,
                        c.name,
                        scope.description(model)
                    ),
                    c.span,
                );
            }
        }
    }
    check_client_names(cx, asts, schema);
}

/// Names given with `map:` must fit the database's identifier limit (default names are cut).
fn check_name_lengths(cx: &mut Cx<'_>, schema: &ir::Schema, constraints: &[Constraint<'_>]) {
    let limit = match cx.provider() {
        Some(Provider::Postgres) => 63,
        Some(Provider::Mysql) => 64,
        _ => return,
    };
    for c in constraints {
        if c.name.len() <= limit {
            continue;
        }
        // Only names written in `map:` (the span then is the argument's).
        let explicit = cx.sources.slice(c.span).trim_start().starts_with("map");
        if !explicit {
            continue;
        }
        cx.error(
            format!(
                "Error validating model \"{}\": The constraint name '{}' specified in the `map` argument for the `{}` constraint is too long for your chosen provider. The maximum allowed length is {limit} bytes.",
                schema.models[c.model].name, c.name, c.attribute
            ),
            c.span,
        );
    }
}

/// `name:` of `@@id` and `@@unique` becomes an argument name in the client: unique per model.
fn check_client_names(cx: &mut Cx<'_>, asts: &[&ast::Model], schema: &ir::Schema) {
    for (mi, model) in schema.models.iter().enumerate() {
        let m = asts[mi];
        let mut names: Vec<(&str, &'static str, Span)> = Vec::new();
        if let Some(pk) = &model.primary_key {
            if let (Some(name), Some(attr)) = (&pk.name, primary_key_attribute(m, model, pk)) {
                let span = attr.named("name").map_or(attr.span, |a| a.span);
                names.push((name, "@@id", span));
            }
        }
        let attributes = attributes_at(m);
        for idx in model.unique_indexes() {
            if let Some(name) = &idx.name {
                names.push((
                    name,
                    "@@unique",
                    argument_span(&attributes, idx.span, "name"),
                ));
            }
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (name, _, _) in &names {
            *counts.entry(name).or_default() += 1;
        }
        for (name, attribute, span) in &names {
            if counts[name] > 1 {
                cx.error(
                    format!("Error parsing attribute \"{attribute}\": The given custom name `{name}` has to be unique on the model. Please provide a different name for the `name` argument."),
                    *span,
                );
            }
        }
    }
}
