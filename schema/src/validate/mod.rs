//! From syntax tree to [`ir::Schema`](crate::ir::Schema), enforcing the language's rules.
//!
//! Owns: every semantic rule of the schema language for SQLite, PostgreSQL and MySQL, with the
//! reference implementation's wording where users can see it. The passes run in order:
//! configuration, names, enums, models (fields and attributes), relations, then whole-schema
//! checks (ids, database-name clashes, constraint names). Each pass reports what it finds and
//! goes on, so that one run shows every problem.

mod args;
mod attributes;
mod config;
mod defaults;
mod native;
mod relations;

use crate::ast::{self, ModelKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{self, Provider};
use crate::source::{SourceMap, Span};
use crate::FileId;
use std::collections::HashMap;

pub(crate) use config::Config;

/// The outcome of validating a schema: the IR when there were no errors, and every diagnostic.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The schema, present only when no error was found.
    pub schema: Option<ir::Schema>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// Parses and validates every file of a schema.
pub fn validate(sources: &SourceMap) -> Validated {
    let (asts, mut diags) = crate::parse_all(sources);
    let schema = build(&asts, sources, &mut diags);
    let schema = if diags.has_errors() { None } else { schema };
    Validated {
        schema,
        diagnostics: diags,
    }
}

/// Shared state of one validation run.
pub(crate) struct Cx<'a> {
    pub(crate) sources: &'a SourceMap,
    pub(crate) diags: &'a mut Diagnostics,
    pub(crate) config: Config,
    /// Model and view names to their index in `models`.
    pub(crate) model_ids: HashMap<&'a str, ir::ModelId>,
    pub(crate) enum_ids: HashMap<&'a str, ir::EnumId>,
    pub(crate) composite_types: HashMap<&'a str, &'a ast::Model>,
}

impl Cx<'_> {
    pub(crate) fn provider(&self) -> Option<Provider> {
        self.config.datasource.as_ref().map(|d| d.provider)
    }

    pub(crate) fn relation_mode(&self) -> ir::RelationMode {
        self.config
            .datasource
            .as_ref()
            .map_or(ir::RelationMode::ForeignKeys, |d| d.relation_mode)
    }

    /// The native-type prefix (`db` in `@db.VarChar`): the datasource's name.
    pub(crate) fn native_prefix(&self) -> Option<&str> {
        self.config.datasource.as_ref().map(|d| d.name.as_str())
    }

    pub(crate) fn error(&mut self, message: impl Into<String>, span: Span) {
        self.diags.error(message, span);
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

fn build(
    asts: &[(FileId, ast::SchemaAst)],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<ir::Schema> {
    let config = config::validate_config(&config::collect(asts), sources, diags);
    let mut cx = Cx {
        sources,
        diags,
        config,
        model_ids: HashMap::new(),
        enum_ids: HashMap::new(),
        composite_types: HashMap::new(),
    };

    let tops: Vec<&ast::Top> = asts.iter().flat_map(|(_, a)| a.tops.iter()).collect();
    for t in &tops {
        if let ast::Top::TypeAlias(a) = t {
            cx.error(
                "Type aliases are not supported anymore. Use a field type directly, and put the attributes on the field.",
                a.name.span,
            );
        }
    }

    let (models, enums) = declare_names(&mut cx, &tops);
    let enums: Vec<ir::Enum> = enums.iter().map(|e| build_enum(&mut cx, e)).collect();
    let mut ir_models = Vec::new();
    let mut relation_attrs = Vec::new();
    for (i, m) in models.iter().enumerate() {
        let (model, rels) = attributes::build_model(&mut cx, m, ir::ModelId(i), &enums);
        ir_models.push(model);
        relation_attrs.push(rels);
    }
    let relations = relations::resolve(&mut cx, &models, &mut ir_models, relation_attrs);

    let mut schema = ir::Schema {
        datasource: cx.config.datasource.clone(),
        generators: cx.config.generators.clone(),
        models: ir_models,
        enums,
        relations,
    };
    attributes::finish_models(&mut cx, &models, &mut schema);
    check_db_names(&mut cx, &models, &schema);
    Some(schema)
}

/// Registers every model, view, composite type and enum name, reporting duplicates.
/// Returns the models and views (first definition of each name) and the enums.
fn declare_names<'a>(
    cx: &mut Cx<'a>,
    tops: &[&'a ast::Top],
) -> (Vec<&'a ast::Model>, Vec<&'a ast::Enum>) {
    let mut seen: HashMap<&'a str, &'static str> = HashMap::new();
    let mut models = Vec::new();
    let mut enums = Vec::new();
    for t in tops {
        let (name, what): (&'a ast::Ident, &'static str) = match t {
            ast::Top::Model(m) => (&m.name, m.kind.keyword()),
            ast::Top::Enum(e) => (&e.name, "enum"),
            _ => continue,
        };
        let what = if what == "type" {
            "composite type"
        } else {
            what
        };
        check_identifier(cx, name, what);
        if let Some(existing) = seen.get(name.name.as_str()) {
            let article = if *existing == "enum" { "an" } else { "a" };
            cx.error(
                format!(
                    "The {what} \"{}\" cannot be defined because {article} {existing} with that name already exists.",
                    name.name
                ),
                name.span,
            );
            continue;
        }
        seen.insert(&name.name, what);
        match t {
            ast::Top::Model(m) if m.kind == ModelKind::CompositeType => {
                if cx.provider().is_some() {
                    cx.error(
                        "Composite types are not supported on relational databases. Use a model with a relation, or a `Json` field.",
                        m.name.span,
                    );
                }
                cx.composite_types.insert(&m.name.name, m);
            }
            ast::Top::Model(m) => {
                if m.kind == ModelKind::View && !cx.config.has_feature("views") {
                    cx.error(
                        "View definitions are only available with the `views` preview feature.",
                        m.name.span,
                    );
                }
                cx.model_ids.insert(&m.name.name, ir::ModelId(models.len()));
                models.push(m);
            }
            ast::Top::Enum(e) => {
                cx.enum_ids.insert(&e.name.name, ir::EnumId(enums.len()));
                enums.push(e);
            }
            _ => {}
        }
    }
    (models, enums)
}

/// Names must not start with a digit, and must not be reserved by generated code.
fn check_identifier(cx: &mut Cx<'_>, name: &ast::Ident, what: &str) {
    if name.name.starts_with(|c: char| c.is_ascii_digit()) {
        cx.error(
            format!("Error validating: The name of a {what} must not start with a number."),
            name.span,
        );
    }
    if name.name.contains('-') {
        cx.error(
            format!(
                "Error validating: The name of a {what} must not contain a `-`: `{}`.",
                name.name
            ),
            name.span,
        );
    }
}

fn build_enum(cx: &mut Cx<'_>, e: &ast::Enum) -> ir::Enum {
    let mut values: Vec<ir::EnumValue> = Vec::new();
    for v in e.values() {
        if values.iter().any(|o| o.name == v.name.name) {
            cx.error(
                format!(
                    "Value \"{}\" is already defined on enum \"{}\".",
                    v.name.name, e.name.name
                ),
                v.name.span,
            );
            continue;
        }
        let mut db_name = v.name.name.clone();
        for a in &v.attributes {
            match a.name.name.as_str() {
                "map" => {
                    if let Some(name) = attributes::map_argument(cx, a, "@") {
                        db_name = name;
                    }
                }
                other => cx.error(format!("Attribute not known: \"@{other}\"."), a.span),
            }
        }
        values.push(ir::EnumValue {
            name: v.name.name.clone(),
            db_name,
            documentation: v.documentation.clone(),
        });
    }
    if values.is_empty() {
        cx.error("An enum must have at least one value.", e.name.span);
    }
    let mut db_name = e.name.name.clone();
    let mut schema = None;
    let attrs: Vec<ast::Attribute> = e.attributes().cloned().collect();
    let duplicates =
        attributes::report_duplicate_attributes(cx, &attrs, attributes::BLOCK_ATTRIBUTES_ONCE);
    for a in e.attributes() {
        if duplicates.contains(&a.name.name.as_str()) {
            if a.name.name == "schema" {
                schema = Some(String::new());
            }
            continue;
        }
        match a.name.name.as_str() {
            "map" => {
                if let Some(name) = attributes::map_argument(cx, a, "@@") {
                    db_name = name;
                }
            }
            "schema" => schema = attributes::schema_argument(cx, a),
            other => cx.error(format!("Attribute not known: \"@@{other}\"."), a.span),
        }
    }
    attributes::require_schema_attribute(cx, schema.is_some(), "enum", None, e.span, e.name.span);
    ir::Enum {
        name: e.name.name.clone(),
        db_name,
        schema,
        values,
        documentation: e.documentation.clone(),
        span: e.span,
    }
}

/// Database names of models and enums must be unique (per Postgres schema).
fn check_db_names(cx: &mut Cx<'_>, asts: &[&ast::Model], schema: &ir::Schema) {
    let mut tables: HashMap<(Option<&str>, &str), &ir::Model> = HashMap::new();
    for (i, m) in schema.models.iter().enumerate() {
        let key = (m.schema.as_deref(), m.db_name.as_str());
        if let Some(first) = tables.get(&key) {
            let what = if m.is_view { "view" } else { "model" };
            let span = attributes::block_attribute_span(asts[i], "map").unwrap_or(m.span);
            cx.error(
                format!(
                    "The {what} with database name \"{}\" could not be defined because another model or view with this name exists: \"{}\"",
                    m.db_name, first.name
                ),
                span,
            );
        } else {
            tables.insert(key, m);
        }
    }
    if cx.provider() == Some(Provider::Postgres) {
        let mut types: HashMap<(Option<&str>, &str), &ir::Enum> = HashMap::new();
        for e in &schema.enums {
            let key = (e.schema.as_deref(), e.db_name.as_str());
            if types.contains_key(&key) {
                cx.error(
                    "An enum with the same database name is already defined.",
                    e.span,
                );
            } else {
                types.insert(key, e);
            }
        }
    }
}
