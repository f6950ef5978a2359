//! Rust names for schema names: types in UpperCamelCase, modules and functions in snake_case,
//! keywords as raw identifiers, and no clash between generated items.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use quarry_schema::ir::{self, Schema};
use std::collections::HashSet;
use syn::Ident;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// An identifier, raw when it is a keyword (`r#type`); `self`/`super`/`crate` get a suffix.
pub(crate) fn ident(name: &str) -> Ident {
    match name {
        "self" | "Self" | "super" | "crate" => Ident::new(&format!("{name}_"), Span::call_site()),
        n if KEYWORDS.contains(&n) => Ident::new_raw(n, Span::call_site()),
        n => Ident::new(n, Span::call_site()),
    }
}

pub(crate) struct Names {
    model_types: Vec<Ident>,
    model_modules: Vec<Ident>,
    enum_types: Vec<Ident>,
    /// Type names in use at the top of the module (models, enums, the client).
    type_names: HashSet<String>,
    pub(crate) client: Ident,
}

impl Names {
    pub(crate) fn new(schema: &Schema) -> Self {
        let model_types: Vec<Ident> = schema
            .models
            .iter()
            .map(|m| ident(&m.name.to_upper_camel_case()))
            .collect();
        let enum_types: Vec<Ident> = schema
            .enums
            .iter()
            .map(|e| ident(&e.name.to_upper_camel_case()))
            .collect();
        let mut type_names: HashSet<String> = model_types
            .iter()
            .chain(&enum_types)
            .map(|i| i.to_string())
            .collect();
        // A model may be called `Client`; the client then takes another name.
        let client = ["Client", "QuarryClient", "DbClient"]
            .into_iter()
            .find(|c| !type_names.contains(*c))
            .unwrap_or("QuarryDatabaseClient");
        type_names.insert(client.to_string());
        let model_modules = schema
            .models
            .iter()
            .map(|m| ident(&m.name.to_snake_case()))
            .collect();
        Names {
            model_types,
            model_modules,
            enum_types,
            type_names,
            client: Ident::new(client, Span::call_site()),
        }
    }

    pub(crate) fn model_type(&self, id: ir::ModelId) -> Ident {
        self.model_types[id.0].clone()
    }

    pub(crate) fn model_module(&self, id: ir::ModelId) -> Ident {
        self.model_modules[id.0].clone()
    }

    pub(crate) fn enum_type(&self, id: ir::EnumId) -> Ident {
        self.enum_types[id.0].clone()
    }

    /// A field or function name.
    pub(crate) fn field(&self, name: &str) -> Ident {
        ident(&name.to_snake_case())
    }

    /// A handle function in a model module; suffixed where it would clash with the module's
    /// own functions (`find`, `count`, `by_*`).
    pub(crate) fn handle(&self, name: &str) -> Ident {
        let snake = name.to_snake_case();
        if matches!(snake.as_str(), "find" | "count" | "create" | "meta")
            || snake.starts_with("by_")
        {
            ident(&format!("{snake}_field"))
        } else {
            ident(&snake)
        }
    }

    /// The type parameter of a relation slot: the field name in UpperCamelCase, suffixed when
    /// that would shadow a model, an enum or the client.
    pub(crate) fn slot_param(&self, m: &ir::Model, f: ir::FieldId) -> Ident {
        let base = m.field(f).name.to_upper_camel_case();
        let name = if self.type_names.contains(&base) {
            format!("{base}Slot")
        } else {
            base
        };
        ident(&name)
    }
}
