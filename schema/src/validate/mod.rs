//! From syntax tree to [`ir::Schema`](crate::ir::Schema), enforcing the language's rules.
//!
//! Owns: every semantic rule of the schema language for SQLite, PostgreSQL and MySQL, with the
//! reference implementation's wording where users can see it. The passes run in order:
//! configuration, names, enums, models (fields and attributes), relations, then whole-schema
//! checks (ids, database-name clashes, constraint names). Each pass reports what it finds and
//! goes on, so that one run shows every problem.

mod args;
mod attributes;
mod composite;
mod config;
mod constraints;
mod defaults;
mod layout;
mod native;
mod opclasses;
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
    layout::check(&mut cx, &tops);
    for t in &tops {
        if let ast::Top::TypeAlias(a) = t {
            cx.error(
                "Type aliases are not supported anymore. Use a field type directly, and put the attributes on the field.",
                a.name.span,
            );
        }
    }

    check_single_line(&mut cx, &tops);
    let (models, enums) = declare_names(&mut cx, &tops);
    let enums: Vec<ir::Enum> = enums.iter().map(|e| build_enum(&mut cx, e)).collect();
    let composite_types: Vec<&ast::Model> = tops
        .iter()
        .filter_map(|t| match t {
            ast::Top::Model(m) if m.kind == ModelKind::CompositeType => Some(m),
            _ => None,
        })
        .collect();
    for m in composite_types {
        composite::check_composite_type(&mut cx, m);
    }
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

/// The reference's grammar ends every field, attribute and property at the end of its line, so
/// it rejects argument lists and arrays spread over several lines, line by line. Quarry's parser
/// reads them (the formatter keeps them readable), and reports them here the same way.
fn check_single_line(cx: &mut Cx<'_>, tops: &[&ast::Top]) {
    let report = |cx: &mut Cx<'_>, span: Span, message: &str| {
        let text = &cx.sources.file(span.file).text;
        let inner = &text[span.start..span.end];
        if !inner.contains('\n') && !has_comment_outside_strings(inner) {
            return;
        }
        let mut start = span.start;
        let mut first = true;
        while start < span.end {
            let end = text[start..span.end]
                .find('\n')
                .map_or(span.end, |i| start + i);
            let line = text[start..end].trim_end_matches('\r');
            if !line.trim().is_empty() {
                let d = Diagnostic::error(
                    format!("Error validating: {message}"),
                    Span::new(span.file, start, start + line.len()),
                );
                let d = if first {
                    d.with_help("write each attribute, with its arguments, on a single line")
                } else {
                    d
                };
                cx.push(d);
                first = false;
            }
            start = end + 1;
        }
    };
    const FIELD: &str = "This line is not a valid field or attribute definition.";
    for t in tops {
        match t {
            ast::Top::Model(m) => {
                for item in &m.items {
                    match item {
                        ast::BlockItem::Field(f) => {
                            if let Some(last) = f.attributes.last() {
                                report(cx, f.span.to(last.span), FIELD);
                            }
                        }
                        ast::BlockItem::Attribute(a, _) => report(cx, a.span, FIELD),
                        _ => {}
                    }
                }
            }
            ast::Top::Enum(e) => {
                for item in &e.items {
                    match item {
                        ast::BlockItem::EnumValue(v) => {
                            if let Some(last) = v.attributes.last() {
                                report(
                                    cx,
                                    v.span.to(last.span),
                                    "This line is not an enum value definition.",
                                );
                            }
                        }
                        ast::BlockItem::Attribute(a, _) => report(cx, a.span, FIELD),
                        _ => {}
                    }
                }
            }
            ast::Top::Config(c) => {
                let message = match c.kind {
                    ast::ConfigKind::Datasource => {
                        "This line is not a valid definition within a datasource."
                    }
                    ast::ConfigKind::Generator => {
                        "This line is not a valid definition within a generator."
                    }
                };
                for kv in c.properties() {
                    let span = kv.value.as_ref().map_or(kv.span, |v| kv.span.to(v.span()));
                    report(cx, span, message);
                }
            }
            _ => {}
        }
    }
}

/// Whether `text` holds `//` or `/*` outside string literals.
fn has_comment_outside_strings(text: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    let mut prev = '\0';
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if prev == '/' && (c == '/' || c == '*') {
            return true;
        }
        prev = if in_string { '\0' } else { c };
    }
    false
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
        let item = match what {
            "model" => "Model",
            "view" => "view",
            "enum" => "Enum",
            _ => "Composite type",
        };
        check_reserved_name(cx, t);
        check_identifier(cx, name, item);
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
                // Only MongoDB has composite types; Quarry has no MongoDB.
                let db = match cx.provider() {
                    Some(Provider::Postgres) => "Postgres",
                    Some(Provider::Mysql) => "MySQL",
                    Some(Provider::Sqlite) => "SQLite",
                    None => "the current connector",
                };
                cx.push(
                    Diagnostic::error(
                        format!("Error validating: Composite types are not supported on {db}."),
                        m.name.span,
                    )
                    .with_help("use a model with a relation, or a `Json` field"),
                );
                cx.composite_types.insert(&m.name.name, m);
            }
            ast::Top::Model(m) => {
                if m.kind == ModelKind::View && !cx.config.has_feature("views") {
                    cx.error(
                        "Error validating: View definitions are only available with the `views` preview feature.",
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

/// Names must not be empty, start with a digit or contain `-`. `item` is the reference's word
/// for the kind of name ("Model", "view", "Enum Value", ...).
pub(crate) fn check_identifier(cx: &mut Cx<'_>, name: &ast::Ident, item: &str) {
    let message = if name.name.is_empty() {
        format!("Error validating: The name of a {item} must not be empty.")
    } else if name.name.starts_with(|c: char| c.is_numeric()) {
        format!("Error validating: The name of a {item} must not start with a number.")
    } else if name.name.contains('-') {
        format!("Error validating: The character `-` is not allowed in {item} names.")
    } else {
        return;
    };
    cx.error(message, name.span);
}

/// Names the generated client cannot use as type names.
const RESERVED_NAMES: &[&str] = &[
    "PrismaClient",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Scalar type names and the client's reserved words cannot name a block.
fn check_reserved_name(cx: &mut Cx<'_>, t: &ast::Top) {
    let (name, kind) = match t {
        ast::Top::Model(m) => (&m.name, m.kind.keyword()),
        ast::Top::Enum(e) => (&e.name, "enum"),
        _ => return,
    };
    if ir::ScalarType::parse(&name.name).is_some() {
        cx.error(
            format!(
                "\"{}\" is a reserved scalar type name and cannot be used.",
                name.name
            ),
            name.span,
        );
    }
    if !RESERVED_NAMES.contains(&name.name.as_str()) {
        return;
    }
    let message = match kind {
        "enum" => format!("Error validating enum `{0}`: The enum name `{0}` is invalid. It is a reserved name. Please change it. Read more at https://www.prisma.io/docs/reference/tools-and-interfaces/prisma-schema/data-model#naming-enums", name.name),
        "type" => return,
        block => format!("Error validating model \"{0}\": The {block} name `{0}` is invalid. It is a reserved name. Please change it. Read more at https://pris.ly/d/naming-models", name.name),
    };
    cx.error(message, name.span);
}

fn build_enum(cx: &mut Cx<'_>, e: &ast::Enum) -> ir::Enum {
    let mut values: Vec<ir::EnumValue> = Vec::new();
    let mut names = std::collections::HashSet::new();
    for v in e.values() {
        check_identifier(cx, &v.name, "Enum Value");
        if !names.insert(v.name.name.as_str()) {
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
        cx.error(
            "Error validating: An enum must have at least one value.",
            e.name.span,
        );
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
    {
        let mut types: HashMap<(Option<&str>, &str), &ir::Enum> = HashMap::new();
        for e in &schema.enums {
            let key = (e.schema.as_deref(), e.db_name.as_str());
            if let std::collections::hash_map::Entry::Vacant(slot) = types.entry(key) {
                slot.insert(e);
            } else {
                // The block's first line: `enum Name {`.
                let text = &cx.sources.file(e.span.file).text[e.span.start..e.span.end];
                let first_line = text.find('\n').unwrap_or(text.len());
                let span = Span::new(e.span.file, e.span.start, e.span.start + first_line);
                cx.error(
                    "An enum with the same database name is already defined.",
                    span,
                );
            }
        }
    }
}
