//! Composite types (`type Name { ... }`).
//!
//! Only MongoDB has them, and Quarry has no MongoDB, so every composite type is rejected where
//! it is declared. Its body is still checked the way the reference checks it, so that a schema
//! moved from MongoDB gets every message at once: field types must resolve, and keys, indexes
//! and relations belong in the model that embeds the type.

use super::Cx;
use crate::ast;
use crate::ir::FieldType;

pub(crate) fn check_composite_type(cx: &mut Cx<'_>, m: &ast::Model) {
    let mut names: Vec<&str> = Vec::new();
    for f in m.fields() {
        if names.contains(&f.name.name.as_str()) {
            cx.error(
                format!(
                    "Error validating composite type \"{}\": Field \"{}\" is already defined on composite type \"{}\".",
                    m.name.name, f.name.name, m.name.name
                ),
                f.name.span,
            );
        }
        names.push(&f.name.name);
        if let Some(ft) = &f.field_type {
            if let Some(FieldType::Relation(_)) = super::attributes::resolve_type(cx, ft) {
                let related = match &ft.name {
                    ast::TypeName::Named(n) => n.name.clone(),
                    ast::TypeName::Unsupported(..) => String::new(),
                };
                cx.error(
                    format!("Error validating composite type \"{}\": {related} refers to a model, making this a relation field. Relation fields inside composite types are not supported.", m.name.name),
                    ft.span,
                );
            }
        }
        for a in &f.attributes {
            let name = a.name.name.as_str();
            match name {
                "id" | "unique" | "relation" => {
                    cx.error(
                        format!("Error validating: Defining `@{name}` attribute for a field in a composite type is not allowed."),
                        a.span,
                    );
                    cx.error(format!("Attribute not known: \"@{name}\"."), a.span);
                }
                "default" | "map" => {}
                _ if name.contains('.') => {}
                _ => cx.error(format!("Attribute not known: \"@{name}\"."), a.span),
            }
        }
    }
    for a in m.attributes() {
        let message = match a.name.name.as_str() {
            "unique" => "A unique constraint should be defined in the model containing the embed.",
            "index" => "An index should be defined in the model containing the embed.",
            "fulltext" => "A fulltext index should be defined in the model containing the embed.",
            "id" => "A composite type cannot define an id.",
            "map" => "The name of a composite type is not persisted in the database, therefore it does not need a mapped database name.",
            _ => "A composite type cannot have block-level attributes.",
        };
        cx.error(format!("Error validating: {message}"), a.span);
    }
}
