//! `db pull`: a live database written back as a Prisma schema, the way Prisma 7 writes it.
//!
//! Owns: the mapping from what introspection read ([`DatabaseSchema`] and [`Extras`]) to the
//! schema language: names (sanitized, with `@map`/`@@map` where the database's are not valid
//! identifiers), scalar and native types, defaults, ids, uniques and indexes with non-default
//! names, relations inferred from foreign keys (both sides, named where ambiguous), implicit
//! many-to-many join tables, enums, `@@ignore` on tables without a unique criterion, and the
//! comments and warnings Prisma gives for what a schema cannot describe.
//! Re-introspection keeps what the user wrote in the existing schema: model, field, relation
//! and enum names, `///` docs, `@updatedAt`, client-side defaults, `@ignore`, and the order of
//! models and fields.
//! Must not know: how the database was read, or where the result goes (the CLI writes it).

use crate::database::{
    Column, ColumnArity, DatabaseSchema, DefaultValue, ForeignKey, ForeignKeyAction, Index,
    IndexColumn, IndexKind, SortOrder, Table, TypeFamily, Value,
};
use crate::dialect::Dialect;
use crate::introspect::Extras;
use quarry_schema::ir;
use std::collections::HashMap;

/// The result of `db pull`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled {
    /// The schema text, formatted.
    pub schema: String,
    /// Prisma's warning block (for stderr), empty when there is nothing to warn about.
    pub warnings: String,
    /// Number of models written.
    pub models: usize,
    /// Number of enums written.
    pub enums: usize,
}

const IGNORED_DOC: &str = "The underlying table does not contain a valid unique identifier and can therefore currently not be handled by Prisma Client.";
const CHECK_DOC: &str = "This table contains check constraints and requires additional setup for migrations. Visit https://pris.ly/d/check-constraints for more info.";
const EXPRESSION_DOC: &str = "This model contains an expression index which requires additional setup for migrations. Visit https://pris.ly/d/expression-indexes for more info.";

/// Renders the schema of `db` (with `extras`) as a Prisma schema.
///
/// `header` holds the `generator` and `datasource` blocks to keep, as text; `existing` is the
/// current schema, whose names, docs and order win over what the database alone would give.
pub fn render(
    db: &DatabaseSchema,
    extras: &Extras,
    existing: Option<&ir::Schema>,
    header: &str,
) -> Pulled {
    Renderer::new(db, extras, existing).run(header)
}

/// The `generator` and `datasource` blocks of `schema` as the user wrote them, in file order:
/// `db pull` keeps them unchanged.
pub fn header_blocks(schema: &ir::Schema, sources: &quarry_schema::SourceMap) -> String {
    let mut spans: Vec<quarry_schema::Span> = schema.generators.iter().map(|g| g.span).collect();
    if let Some(ds) = &schema.datasource {
        spans.push(ds.span);
    }
    spans.sort_by_key(|s| (s.file.0, s.start));
    let blocks: Vec<&str> = spans.iter().map(|s| sources.slice(*s)).collect();
    blocks.join("\n\n")
}

struct PModel {
    name: String,
    table: String,
    docs: Vec<String>,
    fields: Vec<PField>,
    block: Vec<String>,
    /// Position in the existing schema, for keeping its order.
    existing_position: Option<usize>,
}

struct PField {
    name: String,
    type_text: String,
    attrs: Vec<String>,
    docs: Vec<String>,
    /// Prisma comments out fields whose names cannot be made valid.
    commented_out: Option<&'static str>,
}

struct PEnum {
    name: String,
    db_name: String,
    values: Vec<(String, String)>,
    docs: Vec<String>,
    existing_position: Option<usize>,
    /// MySQL enums have no name of their own in the database, so no `@@map`.
    mapped: bool,
}

struct Renderer<'a> {
    db: &'a DatabaseSchema,
    extras: &'a Extras,
    existing: Option<&'a ir::Schema>,
    dialect: Dialect,
    /// Table name -> model name.
    model_names: HashMap<String, String>,
    /// Join tables of implicit many-to-many relations.
    join_tables: Vec<String>,
    warnings_ignored: Vec<String>,
    warnings_unsupported: Vec<(String, String, String)>,
    warnings_expression: Vec<(String, String)>,
    warnings_checks: Vec<String>,
    enriched_models: Vec<String>,
}

impl<'a> Renderer<'a> {
    fn new(db: &'a DatabaseSchema, extras: &'a Extras, existing: Option<&'a ir::Schema>) -> Self {
        Renderer {
            db,
            extras,
            existing,
            dialect: db.dialect,
            model_names: HashMap::new(),
            join_tables: Vec::new(),
            warnings_ignored: Vec::new(),
            warnings_unsupported: Vec::new(),
            warnings_expression: Vec::new(),
            warnings_checks: Vec::new(),
            enriched_models: Vec::new(),
        }
    }

    fn existing_model(&self, table: &str) -> Option<(usize, &'a ir::Model)> {
        let existing = self.existing?;
        existing
            .models
            .iter()
            .enumerate()
            .find(|(_, m)| m.db_name == table && !m.is_view)
    }

    fn run(mut self, header: &str) -> Pulled {
        let mut tables: Vec<&Table> = self.db.tables.iter().collect();
        tables.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        self.join_tables = tables
            .iter()
            .filter(|t| self.is_join_table(t))
            .map(|t| t.name.clone())
            .collect();
        for t in &tables {
            let name = match self.existing_model(&t.name) {
                Some((_, m)) => m.name.clone(),
                None => sanitize(&t.name),
            };
            self.model_names.insert(t.name.clone(), name);
        }
        let enums = self.enums();
        let mut models: Vec<PModel> = Vec::new();
        for t in &tables {
            if !self.join_tables.contains(&t.name) {
                models.push(self.model(t, &enums));
            }
        }
        let pair_counts = self.relations(&tables, &mut models);
        self.many_to_many(&tables, &mut models, &pair_counts);
        sort_kept_first(&mut models, |m| m.existing_position);
        let mut enums = enums;
        sort_kept_first(&mut enums, |e| e.existing_position);

        let mut out = String::new();
        let header = header.trim();
        if !header.is_empty() {
            out.push_str(header);
            out.push_str("\n\n");
        }
        for m in &models {
            render_model(&mut out, m);
        }
        for e in &enums {
            render_enum(&mut out, e);
        }
        let text = out.trim_end().to_string() + "\n";
        let schema = quarry_schema::format::format_schema(&text).unwrap_or(text);
        Pulled {
            schema,
            warnings: self.warnings(),
            models: models.len(),
            enums: enums.len(),
        }
    }

    fn enums(&self) -> Vec<PEnum> {
        let mut out: Vec<PEnum> =
            self.db
                .enums
                .iter()
                .map(|e| {
                    let kept = self.existing.and_then(|s| {
                        s.enums.iter().enumerate().find(|(_, x)| {
                            x.db_name == e.name || self.mysql_enum_matches(x, &e.name)
                        })
                    });
                    let name = match kept {
                        Some((_, x)) => x.name.clone(),
                        None => sanitize(&self.enum_name(&e.name)),
                    };
                    PEnum {
                        db_name: e.name.clone(),
                        values: e
                            .values
                            .iter()
                            .map(|v| {
                                let kept_value = kept
                                    .and_then(|(_, x)| x.values.iter().find(|ev| &ev.db_name == v));
                                let value_name = match kept_value {
                                    Some(ev) => ev.name.clone(),
                                    None => sanitize_enum_value(v),
                                };
                                (value_name, v.clone())
                            })
                            .collect(),
                        docs: kept
                            .map(|(_, x)| x.documentation.clone())
                            .unwrap_or_default(),
                        existing_position: kept.map(|(i, _)| i),
                        mapped: self.dialect != Dialect::Mysql && name != e.name,
                        name,
                    }
                })
                .collect();
        out.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        out
    }

    /// MySQL has no named enums: each enum column has its own, named `{table}_{column}` here
    /// and `{Model}_{field}` in Prisma's schemas.
    fn enum_name(&self, db_name: &str) -> String {
        if self.dialect != Dialect::Mysql {
            return db_name.to_string();
        }
        for t in &self.db.tables {
            for c in &t.columns {
                if format!("{}_{}", t.name, c.name) == db_name {
                    let model = self
                        .model_names
                        .get(&t.name)
                        .cloned()
                        .unwrap_or_else(|| sanitize(&t.name));
                    let field = self.field_name(&t.name, &c.name);
                    return format!("{model}_{field}");
                }
            }
        }
        db_name.to_string()
    }

    fn mysql_enum_matches(&self, e: &ir::Enum, db_name: &str) -> bool {
        let Some(schema) = self.existing else {
            return false;
        };
        if self.dialect != Dialect::Mysql {
            return false;
        }
        schema.models.iter().any(|m| {
            m.fields.iter().any(|f| {
                matches!(&f.field_type, ir::FieldType::Enum(id) if std::ptr::eq(schema.enum_(*id), e))
                    && format!("{}_{}", m.db_name, f.db_name) == db_name
            })
        })
    }

    /// The existing schema's scalar field for `column` of `table`.
    fn existing_field(&self, table: &str, column: &str) -> Option<&'a ir::Field> {
        let (_, m) = self.existing_model(table)?;
        m.fields
            .iter()
            .find(|f| !f.is_relation() && f.db_name == column)
    }

    fn field_name(&self, table: &str, column: &str) -> String {
        match self.existing_field(table, column) {
            Some(f) => f.name.clone(),
            None => sanitize(column),
        }
    }

    fn model_name(&self, table: &str) -> String {
        self.model_names
            .get(table)
            .cloned()
            .unwrap_or_else(|| sanitize(table))
    }

    fn has_unique_criterion(&self, t: &Table) -> bool {
        if t.primary_key.is_some() {
            return true;
        }
        t.indexes.iter().any(|i| {
            i.kind == IndexKind::Unique
                && i.columns.iter().all(|c| {
                    t.column(&c.name).is_some_and(|col| {
                        col.is_required() && col.column_type.family != TypeFamily::Unsupported
                    })
                })
        })
    }

    fn is_ignored(&self, table: &str) -> bool {
        if let Some((_, m)) = self.existing_model(table) {
            if m.is_ignored {
                return true;
            }
        }
        self.db
            .table(table)
            .is_some_and(|t| !self.has_unique_criterion(t))
    }

    /// Prisma's implicit many-to-many tables: `_Name(A, B)`, both foreign keys, unique on
    /// `(A, B)` (a primary key since Prisma 6) and an index on `B`.
    fn is_join_table(&self, t: &Table) -> bool {
        if !t.name.starts_with('_') || t.columns.len() != 2 || t.foreign_keys.len() != 2 {
            return false;
        }
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        if names != ["A", "B"] {
            return false;
        }
        let ab = |cols: &[IndexColumn]| cols.iter().map(|c| c.name.as_str()).eq(["A", "B"]);
        let unique_ab = t.primary_key.as_ref().is_some_and(|pk| ab(&pk.columns))
            || t.indexes
                .iter()
                .any(|i| i.kind == IndexKind::Unique && ab(&i.columns));
        let index_b = t.indexes.iter().any(|i| {
            i.kind == IndexKind::Normal && i.columns.len() == 1 && i.columns[0].name == "B"
        });
        let fk_a = t.foreign_keys.iter().any(|f| f.columns == ["A"]);
        let fk_b = t.foreign_keys.iter().any(|f| f.columns == ["B"]);
        unique_ab && index_b && fk_a && fk_b
    }

    fn model(&mut self, t: &Table, enums: &[PEnum]) -> PModel {
        let existing = self.existing_model(&t.name);
        let name = self.model_name(&t.name);
        let ignored = self.is_ignored(&t.name);
        if existing.is_some() && name != sanitize(&t.name) {
            self.enriched_models.push(name.clone());
        }
        let mut docs: Vec<String> = existing
            .map(|(_, m)| m.documentation.clone())
            .unwrap_or_default();
        if ignored && existing.is_none_or(|(_, m)| !m.is_ignored) {
            push_unique(&mut docs, IGNORED_DOC);
            self.warnings_ignored.push(name.clone());
        }
        if self.extras.check_constraint_tables.contains(&t.name) {
            push_unique(&mut docs, CHECK_DOC);
            self.warnings_checks.push(name.clone());
        }
        let expression: Vec<&String> = self
            .extras
            .expression_indexes
            .iter()
            .filter(|(table, _)| *table == t.name)
            .map(|(_, i)| i)
            .collect();
        if !expression.is_empty() {
            push_unique(&mut docs, EXPRESSION_DOC);
            for i in expression {
                self.warnings_expression.push((name.clone(), i.clone()));
            }
        }

        let single_uniques: Vec<&Index> = t
            .indexes
            .iter()
            .filter(|i| i.kind == IndexKind::Unique && i.columns.len() == 1)
            .collect();
        let mut field_unique_used: Vec<&str> = Vec::new();
        let mut fields = Vec::new();
        for c in &t.columns {
            let existing_field = self.existing_field(&t.name, &c.name);
            let field_name = self.field_name(&t.name, &c.name);
            let (type_name, native) = self.field_type(c, enums);
            if type_name.starts_with("Unsupported(") {
                self.warnings_unsupported.push((
                    name.clone(),
                    field_name.clone(),
                    unsupported_text(self.dialect, c),
                ));
            }
            // SQLite reports `INTEGER PRIMARY KEY` columns as nullable; they never are.
            let arity = if self.dialect == Dialect::Sqlite && t.is_in_primary_key(&c.name) {
                ColumnArity::Required
            } else {
                c.arity
            };
            let suffix = match arity {
                ColumnArity::Required => "",
                ColumnArity::Nullable => "?",
                ColumnArity::List => "[]",
            };
            let mut attrs = Vec::new();
            if t.is_single_primary_key(&c.name) {
                attrs.push(self.id_attribute(t));
            }
            let client_default = existing_field.and_then(client_default);
            if let Some(d) = client_default {
                attrs.push(format!("@default({d})"));
            } else if let Some(d) = self.default(t, c, enums) {
                attrs.push(format!("@default({d})"));
            }
            if let Some(u) = single_uniques.iter().find(|i| {
                i.columns[0].name == c.name
                    && !field_unique_used.contains(&i.name.as_str())
                    && !t.is_single_primary_key(&c.name)
            }) {
                field_unique_used.push(&u.name);
                let mut args = Vec::new();
                if u.name != self.default_name(&t.name, &[&c.name], "key") {
                    args.push(format!("map: {}", quote(&u.name)));
                }
                args.extend(column_args(&u.columns[0]));
                attrs.push(attribute("@unique", &args));
            }
            if existing_field.is_some_and(|f| f.is_updated_at) {
                attrs.push("@updatedAt".to_string());
            }
            if field_name != c.name {
                attrs.push(format!("@map({})", quote(&c.name)));
            }
            if let Some(n) = native {
                attrs.push(n);
            }
            if existing_field.is_some_and(|f| f.is_ignored) {
                attrs.push("@ignore".to_string());
            }
            let (field_name, commented_out) = if field_name.is_empty() {
                (
                    c.name.clone(),
                    Some("This field was commented out because of an invalid name. Please provide a valid one that matches [a-zA-Z][a-zA-Z0-9_]*"),
                )
            } else {
                (field_name, None)
            };
            fields.push(PField {
                name: field_name,
                type_text: format!("{type_name}{suffix}"),
                attrs,
                docs: existing_field
                    .map(|f| f.documentation.clone())
                    .unwrap_or_default(),
                commented_out,
            });
        }

        let mut block = Vec::new();
        if let Some(pk) = &t.primary_key {
            if pk.columns.len() > 1 {
                let mut args = vec![self.field_list(&t.name, &pk.columns)];
                if let Some(map) = self.pk_map(t) {
                    args.push(format!("map: {}", quote(&map)));
                }
                block.push(attribute("@@id", &args));
            }
        }
        let partial: Vec<(Index, Option<&str>)> = self
            .extras
            .partial_indexes
            .iter()
            .filter(|p| p.table == t.name)
            .map(|p| {
                (
                    Index {
                        name: p.name.clone(),
                        kind: p.kind,
                        columns: p.columns.clone(),
                        algorithm: None,
                    },
                    Some(p.predicate.as_str()),
                )
            })
            .collect();
        let mut indexes: Vec<(Index, Option<&str>)> = t
            .indexes
            .iter()
            .filter(|i| !field_unique_used.contains(&i.name.as_str()))
            .map(|i| (i.clone(), None))
            .chain(partial)
            .collect();
        indexes.sort_by(|a, b| a.0.name.as_bytes().cmp(b.0.name.as_bytes()));
        if self.dialect == Dialect::Sqlite {
            let position = |name: &str| {
                self.extras
                    .index_order
                    .iter()
                    .position(|(table, i)| *table == t.name && i == name)
            };
            indexes.sort_by_key(|(i, _)| position(&i.name));
        }
        for kind in [IndexKind::Unique, IndexKind::Normal, IndexKind::Fulltext] {
            for (i, predicate) in indexes.iter().filter(|(i, _)| i.kind == kind) {
                block.push(self.index_attribute(t, i, *predicate));
            }
        }
        if name != t.name {
            block.push(format!("@@map({})", quote(&t.name)));
        }
        if ignored {
            block.push("@@ignore".to_string());
        }
        PModel {
            name,
            table: t.name.clone(),
            docs,
            fields,
            block,
            existing_position: existing.map(|(i, _)| i),
        }
    }

    fn default_name(&self, table: &str, columns: &[&str], suffix: &str) -> String {
        let provider = match self.dialect {
            Dialect::Sqlite => ir::Provider::Sqlite,
            Dialect::Postgres => ir::Provider::Postgres,
            Dialect::Mysql => ir::Provider::Mysql,
        };
        ir::constraint_name(table, columns, suffix, Some(provider))
    }

    fn pk_map(&self, t: &Table) -> Option<String> {
        let name = t.primary_key.as_ref()?.name.clone()?;
        (self.dialect == Dialect::Postgres && name != self.default_name(&t.name, &[], "pkey"))
            .then_some(name)
    }

    fn id_attribute(&self, t: &Table) -> String {
        let mut args = Vec::new();
        if let Some(map) = self.pk_map(t) {
            args.push(format!("map: {}", quote(&map)));
        }
        if let Some(c) = t.primary_key.as_ref().and_then(|pk| pk.columns.first()) {
            args.extend(column_args(c));
        }
        attribute("@id", &args)
    }

    fn field_list(&self, table: &str, columns: &[IndexColumn]) -> String {
        let items: Vec<String> = columns
            .iter()
            .map(|c| {
                let name = self.field_name(table, &c.name);
                let args = column_args(c);
                if args.is_empty() {
                    name
                } else {
                    format!("{name}({})", args.join(", "))
                }
            })
            .collect();
        format!("[{}]", items.join(", "))
    }

    fn index_attribute(&self, t: &Table, i: &Index, predicate: Option<&str>) -> String {
        let (attr, suffix) = match i.kind {
            IndexKind::Unique => ("@@unique", "key"),
            IndexKind::Normal => ("@@index", "idx"),
            IndexKind::Fulltext => ("@@fulltext", "idx"),
        };
        let mut args = vec![self.field_list(&t.name, &i.columns)];
        let cols = i.column_names();
        if i.name != self.default_name(&t.name, &cols, suffix) {
            args.push(format!("map: {}", quote(&i.name)));
        }
        if let Some(a) = i.algorithm {
            args.push(format!("type: {}", algorithm_name(a)));
        }
        if let Some(p) = predicate {
            args.push(format!("where: raw({})", quote(p)));
        }
        attribute(attr, &args)
    }

    /// The field's type name and its `@db.*` attribute, if it needs one.
    fn field_type(&self, c: &Column, enums: &[PEnum]) -> (String, Option<String>) {
        let ct = &c.column_type;
        if let TypeFamily::Enum(e) = &ct.family {
            let name = enums
                .iter()
                .find(|x| &x.db_name == e)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| sanitize(e));
            return (name, None);
        }
        if self.dialect == Dialect::Sqlite {
            return (sqlite_type(c), None);
        }
        let scalar = match ct.family {
            TypeFamily::Int => "Int",
            TypeFamily::BigInt => "BigInt",
            TypeFamily::Float => "Float",
            TypeFamily::Decimal => "Decimal",
            TypeFamily::Boolean => "Boolean",
            TypeFamily::String => "String",
            TypeFamily::DateTime => "DateTime",
            TypeFamily::Json => "Json",
            TypeFamily::Binary => "Bytes",
            TypeFamily::Unsupported | TypeFamily::Enum(_) => {
                return (
                    format!("Unsupported({})", quote(&unsupported_text(self.dialect, c))),
                    None,
                );
            }
        };
        let Some(ir_scalar) = ir::ScalarType::parse(scalar) else {
            return (scalar.to_string(), None);
        };
        let default = crate::calculate::scalar_type(ir_scalar, None, self.dialect);
        let mut args = ct.args.clone();
        if self.dialect == Dialect::Postgres
            && matches!(
                ct.name.as_str(),
                "TIMESTAMP" | "TIMESTAMPTZ" | "TIME" | "TIMETZ"
            )
            && args.is_empty()
        {
            args.push(6);
        }
        if default.name == ct.name && default.args == args {
            return (scalar.to_string(), None);
        }
        let native = native_name(self.dialect, &ct.name, &ct.family).map(|n| {
            if args.is_empty() {
                format!("@db.{n}")
            } else {
                let a: Vec<String> = args.iter().map(u32::to_string).collect();
                format!("@db.{n}({})", a.join(", "))
            }
        });
        (scalar.to_string(), native)
    }

    fn default(&self, t: &Table, c: &Column, enums: &[PEnum]) -> Option<String> {
        let sqlite_rowid = self.dialect == Dialect::Sqlite
            && t.is_single_primary_key(&c.name)
            && c.column_type.name.eq_ignore_ascii_case("INTEGER")
            && c.column_type.args.is_empty();
        if c.auto_increment || sqlite_rowid {
            return Some("autoincrement()".to_string());
        }
        let d = c.default.as_ref()?;
        let family = &c.column_type.family;
        if self.dialect == Dialect::Sqlite {
            return self.sqlite_default(c, d);
        }
        Some(match d {
            DefaultValue::Now if *family == TypeFamily::DateTime => "now()".to_string(),
            DefaultValue::Now => "dbgenerated(\"now()\")".to_string(),
            DefaultValue::DbGenerated(e) => format!("dbgenerated({})", quote(e)),
            DefaultValue::Value(v) => self.value(v, family, enums),
        })
    }

    /// SQLite as Prisma reads it: text columns take any default as a string, other columns
    /// keep constants and give the rest to `dbgenerated`.
    fn sqlite_default(&self, c: &Column, d: &DefaultValue) -> Option<String> {
        let prisma_type = sqlite_type(c);
        let raw = match d {
            DefaultValue::Now => {
                return Some(if prisma_type == "DateTime" {
                    "now()".to_string()
                } else if prisma_type == "String" {
                    quote("CURRENT_TIMESTAMP")
                } else {
                    "dbgenerated(\"CURRENT_TIMESTAMP\")".to_string()
                });
            }
            DefaultValue::DbGenerated(e) => e.clone(),
            DefaultValue::Value(v) => {
                return Some(self.value(v, &sqlite_family(&prisma_type), &[]))
            }
        };
        let inner = strip_parens(&raw);
        // Prisma reads an expression default of a text column as a string literal
        // (`@default("lower(hex(randomblob(8)))")`), so migrating from its schema would store
        // the expression's text in every new row. Quarry keeps it an expression.
        // The expression keeps its parentheses: SQLite requires them in `DEFAULT (...)`.
        Some(match prisma_type.as_str() {
            "String" if is_quoted(inner) => quote(&unquote(inner)),
            "String" => format!("dbgenerated({})", quote(&format!("({inner})"))),
            _ => format!("dbgenerated({})", quote(inner)),
        })
    }

    fn value(&self, v: &Value, family: &TypeFamily, enums: &[PEnum]) -> String {
        match v {
            Value::String(s) => quote(s),
            Value::Int(i) => i.to_string(),
            Value::Number(n) => n.clone(),
            Value::Boolean(b) => b.to_string(),
            Value::Enum(db) => {
                let found = match family {
                    TypeFamily::Enum(e) => enums.iter().find(|x| &x.db_name == e),
                    _ => None,
                };
                found
                    .and_then(|e| e.values.iter().find(|(_, d)| d == db))
                    .map(|(n, _)| n.clone())
                    .unwrap_or_else(|| sanitize_enum_value(db))
            }
            Value::Json(s) => quote(s),
            Value::Bytes(b) => quote(&crate::util::base64_encode(b)),
            Value::DateTime(s) => {
                if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
                    quote(s)
                } else {
                    format!(
                        "dbgenerated({})",
                        quote(&format!("'{}'", s.replace('\'', "''")))
                    )
                }
            }
            Value::List(items) => {
                let parts: Vec<String> =
                    items.iter().map(|i| self.value(i, family, enums)).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }

    /// Adds both sides of every foreign key, in Prisma's order: tables by name, each table's
    /// foreign keys as the database lists them (by constraint name; SQLite by its ids).
    fn relations(
        &self,
        tables: &[&Table],
        models: &mut [PModel],
    ) -> HashMap<(String, String), usize> {
        let mut pair_counts: HashMap<(String, String), usize> = HashMap::new();
        for t in tables {
            match self.join_table_sides(t) {
                Some((a, b)) => *pair_counts.entry(pair(&a, &b)).or_default() += 1,
                None => {
                    for fk in &t.foreign_keys {
                        *pair_counts
                            .entry(pair(&t.name, &fk.referenced_table))
                            .or_default() += 1;
                    }
                }
            }
        }
        for t in tables {
            if self.join_tables.contains(&t.name) {
                continue;
            }
            for fk in self.ordered_foreign_keys(t) {
                let Some(target) = self.db.table(&fk.referenced_table) else {
                    continue;
                };
                let (a, b) = (self.model_name(&t.name), self.model_name(&target.name));
                let ambiguous = pair_counts
                    .get(&pair(&t.name, &target.name))
                    .copied()
                    .unwrap_or(0)
                    > 1;
                let is_self = t.name == target.name;
                let relation_name = if ambiguous {
                    Some(format!("{}_{}To{}", a, fk.columns.join("_"), b))
                } else if is_self {
                    Some(default_relation_name(&a, &a))
                } else {
                    None
                };
                let (mut forward_name, mut back_name) = match &relation_name {
                    Some(r) if ambiguous && is_self => {
                        (format!("{b}_{r}"), format!("other_{a}_{r}"))
                    }
                    Some(r) if ambiguous => (format!("{b}_{r}"), format!("{a}_{r}")),
                    _ if is_self => (a.clone(), format!("other_{a}")),
                    _ => (b.clone(), a.clone()),
                };
                let mut relation_name = relation_name;
                let (mut forward_docs, mut back_docs) = (Vec::new(), Vec::new());
                if let Some(kept) = self.existing_relation(&t.name, fk) {
                    forward_name = kept.forward.name.clone();
                    forward_docs = kept.forward.documentation.clone();
                    if let Some(back) = kept.back {
                        back_name = back.name.clone();
                        back_docs = back.documentation.clone();
                    }
                    if relation_name.is_some() || kept.name != default_relation_name(&a, &b) {
                        relation_name = Some(kept.name.to_string());
                    }
                }
                let optional = fk
                    .columns
                    .iter()
                    .any(|c| t.column(c).is_some_and(|col| !col.is_required()));
                let one_to_one = is_unique_on(t, &fk.columns);
                let mut args = Vec::new();
                if let Some(r) = &relation_name {
                    args.push(quote(r));
                }
                let field_names: Vec<String> = fk
                    .columns
                    .iter()
                    .map(|c| self.field_name(&t.name, c))
                    .collect();
                let ref_names: Vec<String> = fk
                    .referenced_columns
                    .iter()
                    .map(|c| self.field_name(&target.name, c))
                    .collect();
                args.push(format!("fields: [{}]", field_names.join(", ")));
                args.push(format!("references: [{}]", ref_names.join(", ")));
                // SetNull only when it could set every column to NULL.
                let all_nullable = fk
                    .columns
                    .iter()
                    .all(|c| t.column(c).is_some_and(|col| !col.is_required()));
                let default_delete = if all_nullable {
                    ForeignKeyAction::SetNull
                } else {
                    ForeignKeyAction::Restrict
                };
                if fk.on_delete != default_delete {
                    args.push(format!("onDelete: {}", action_name(fk.on_delete)));
                }
                if fk.on_update != ForeignKeyAction::Cascade {
                    args.push(format!("onUpdate: {}", action_name(fk.on_update)));
                }
                // SQLite cannot name a foreign key in a migration, so Prisma leaves names out.
                if let Some(n) = fk.name.as_ref().filter(|_| self.dialect != Dialect::Sqlite) {
                    let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
                    if *n != self.default_name(&t.name, &cols, "fkey") {
                        args.push(format!("map: {}", quote(n)));
                    }
                }
                let source_ignored = self.is_ignored(&t.name);
                let target_ignored = self.is_ignored(&target.name);
                let mut forward_attrs = vec![attribute("@relation", &args)];
                if target_ignored && !source_ignored {
                    forward_attrs.push("@ignore".to_string());
                }
                let forward = PField {
                    name: forward_name,
                    type_text: format!("{b}{}", if optional { "?" } else { "" }),
                    attrs: forward_attrs,
                    docs: forward_docs,
                    commented_out: None,
                };
                let mut back_attrs = Vec::new();
                if let Some(r) = &relation_name {
                    back_attrs.push(format!("@relation({})", quote(r)));
                }
                if source_ignored && !target_ignored {
                    back_attrs.push("@ignore".to_string());
                }
                let back = PField {
                    name: back_name,
                    type_text: format!("{a}{}", if one_to_one { "?" } else { "[]" }),
                    attrs: back_attrs,
                    docs: back_docs,
                    commented_out: None,
                };
                if let Some(m) = models.iter_mut().find(|m| m.table == t.name) {
                    m.fields.push(forward);
                }
                if let Some(m) = models.iter_mut().find(|m| m.table == target.name) {
                    m.fields.push(back);
                }
            }
        }
        pair_counts
    }

    /// The relation of the existing schema that stands for `fk` of `table`: both its fields
    /// and its name, which re-introspection keeps.
    fn existing_relation(&self, table: &str, fk: &ForeignKey) -> Option<KeptRelation<'a>> {
        let schema = self.existing?;
        schema.relations.iter().find_map(|r| {
            let from = schema.model(r.referencing.model);
            let to = schema.model(r.referenced.model);
            if from.db_name != table || to.db_name != fk.referenced_table {
                return None;
            }
            let forward = from.field(r.referencing.field);
            let info = forward.relation()?;
            let columns: Vec<&str> = info
                .fields
                .iter()
                .map(|id| from.field(*id).db_name.as_str())
                .collect();
            if columns != fk.columns.iter().map(String::as_str).collect::<Vec<_>>() {
                return None;
            }
            let back = (r.referenced.field != r.referencing.field
                || r.referenced.model != r.referencing.model)
                .then(|| to.field(r.referenced.field));
            Some(KeptRelation {
                name: &r.name,
                forward,
                back,
            })
        })
    }

    fn ordered_foreign_keys<'t>(&self, t: &'t Table) -> Vec<&'t ForeignKey> {
        let mut fks: Vec<&ForeignKey> = t.foreign_keys.iter().collect();
        match self.dialect {
            // Introspection lists SQLite's foreign keys in declaration order; Prisma in the
            // order of SQLite's ids, which count from the last declared.
            Dialect::Sqlite => fks.reverse(),
            _ => fks.sort_by(|a, b| {
                let an = a.name.as_deref().unwrap_or("");
                let bn = b.name.as_deref().unwrap_or("");
                an.as_bytes().cmp(bn.as_bytes())
            }),
        }
        fks
    }

    /// The tables of the two sides of a join table (`A` first).
    fn join_table_sides(&self, t: &Table) -> Option<(String, String)> {
        if !self.join_tables.contains(&t.name) {
            return None;
        }
        let side = |col: &str| {
            t.foreign_keys
                .iter()
                .find(|f| f.columns == [col])
                .map(|f| f.referenced_table.clone())
        };
        Some((side("A")?, side("B")?))
    }

    /// Implicit many-to-many relations, after every foreign key, in the order of their join
    /// tables.
    fn many_to_many(
        &self,
        tables: &[&Table],
        models: &mut [PModel],
        pair_counts: &HashMap<(String, String), usize>,
    ) {
        for t in tables {
            let Some((a_table, b_table)) = self.join_table_sides(t) else {
                continue;
            };
            let relation = t.name.trim_start_matches('_').to_string();
            let (a, b) = (self.model_name(&a_table), self.model_name(&b_table));
            let ambiguous = pair_counts
                .get(&pair(&a_table, &b_table))
                .copied()
                .unwrap_or(0)
                > 1;
            let attrs = if relation == default_relation_name(&a, &b) && !ambiguous {
                Vec::new()
            } else {
                vec![format!("@relation({})", quote(&relation))]
            };
            // Re-introspection: the user's field names and docs on both sides.
            let kept = self.existing.and_then(|schema| {
                let r = schema
                    .relations
                    .iter()
                    .find(|r| r.join_table_name().as_deref() == Some(t.name.as_str()))?;
                let side = |table: &str| {
                    [r.referencing, r.referenced].into_iter().find_map(|s| {
                        let model = schema.model(s.model);
                        (model.db_name == table).then(|| model.field(s.field))
                    })
                };
                Some((side(&a_table)?, side(&b_table)?))
            });
            let field = |name: String, target: &str| PField {
                name,
                type_text: format!("{target}[]"),
                attrs: attrs.clone(),
                docs: Vec::new(),
                commented_out: None,
            };
            let kept_field = |f: &ir::Field, target: &str| PField {
                docs: f.documentation.clone(),
                ..field(f.name.clone(), target)
            };
            let name_for = |other: &str| {
                if ambiguous {
                    format!("{other}_{relation}")
                } else {
                    other.to_string()
                }
            };
            if a_table == b_table {
                if let Some(m) = models.iter_mut().find(|m| m.table == a_table) {
                    m.fields.push(field(format!("{a}_{relation}_A"), &a));
                    m.fields.push(field(format!("{a}_{relation}_B"), &a));
                }
                continue;
            }
            let (on_a, on_b) = match kept {
                Some((fa, fb)) => (kept_field(fa, &b), kept_field(fb, &a)),
                None => (field(name_for(&b), &b), field(name_for(&a), &a)),
            };
            if let Some(m) = models.iter_mut().find(|m| m.table == a_table) {
                m.fields.push(on_a);
            }
            if let Some(m) = models.iter_mut().find(|m| m.table == b_table) {
                m.fields.push(on_b);
            }
        }
    }

    fn warnings(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.warnings_ignored.is_empty() {
            let mut s = "The following models were ignored as they do not have a valid unique identifier or id. This is currently not supported by Prisma Client:".to_string();
            for m in &self.warnings_ignored {
                s.push_str(&format!("\n  - \"{m}\""));
            }
            parts.push(s);
        }
        if !self.warnings_unsupported.is_empty() {
            let mut s = "These fields are not supported by Prisma Client, because Prisma currently does not support their types:".to_string();
            for (m, f, t) in &self.warnings_unsupported {
                s.push_str(&format!(
                    "\n  - Model: \"{m}\", field: \"{f}\", original data type: \"{t}\""
                ));
            }
            parts.push(s);
        }
        if !self.warnings_expression.is_empty() {
            let mut s = "These indexes are not supported by Prisma Client, because Prisma currently does not fully support expression indexes. Read more: https://pris.ly/d/expression-indexes".to_string();
            for (m, i) in &self.warnings_expression {
                s.push_str(&format!("\n  - Model: \"{m}\", constraint: \"{i}\""));
            }
            parts.push(s);
        }
        if !self.warnings_checks.is_empty() {
            let mut s = "These constraints are not supported by Prisma Client, because Prisma currently does not fully support check constraints. Read more: https://pris.ly/d/check-constraints".to_string();
            for m in &self.warnings_checks {
                s.push_str(&format!("\n  - Model: \"{m}\""));
            }
            parts.push(s);
        }
        if !self.enriched_models.is_empty() {
            let mut s = "These models were enriched with `@@map` information taken from the previous Prisma schema:".to_string();
            for m in &self.enriched_models {
                s.push_str(&format!("\n  - \"{m}\""));
            }
            parts.push(s);
        }
        if parts.is_empty() {
            return String::new();
        }
        let mut out = String::from("// *** WARNING ***\n// \n");
        for p in parts {
            for line in p.lines() {
                out.push_str("// ");
                out.push_str(line);
                out.push('\n');
            }
            out.push_str("// \n");
        }
        out
    }
}

/// A relation of the existing schema matched to a foreign key.
struct KeptRelation<'a> {
    name: &'a str,
    forward: &'a ir::Field,
    back: Option<&'a ir::Field>,
}

/// Prisma's name for the relation between models `a` and `b` when the schema gives none: the
/// two names sorted, joined by `To`.
fn default_relation_name(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}To{b}")
    } else {
        format!("{b}To{a}")
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

fn is_unique_on(t: &Table, columns: &[String]) -> bool {
    let same = |cols: &[IndexColumn]| {
        let mut a: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        let mut b: Vec<&str> = columns.iter().map(String::as_str).collect();
        a.sort_unstable();
        b.sort_unstable();
        a == b
    };
    t.primary_key.as_ref().is_some_and(|pk| same(&pk.columns))
        || t.indexes
            .iter()
            .any(|i| i.kind == IndexKind::Unique && same(&i.columns))
}

/// Kept items first, in their existing order; new ones after, in the order given.
fn sort_kept_first<T>(items: &mut [T], key: impl Fn(&T) -> Option<usize>) {
    items.sort_by_key(|i| match key(i) {
        Some(p) => (0, p),
        None => (1, 0),
    });
}

fn push_unique(docs: &mut Vec<String>, line: &str) {
    if !docs.iter().any(|d| d.trim() == line) {
        docs.push(line.to_string());
    }
}

fn client_default(f: &ir::Field) -> Option<String> {
    let d = f.default.as_ref()?;
    Some(match d.kind {
        ir::DefaultKind::Uuid(4) => "uuid()".to_string(),
        ir::DefaultKind::Uuid(v) => format!("uuid({v})"),
        ir::DefaultKind::Cuid(1) => "cuid()".to_string(),
        ir::DefaultKind::Cuid(v) => format!("cuid({v})"),
        ir::DefaultKind::Nanoid(21) => "nanoid()".to_string(),
        ir::DefaultKind::Nanoid(n) => format!("nanoid({n})"),
        ir::DefaultKind::Ulid => "ulid()".to_string(),
        _ => return None,
    })
}

fn column_args(c: &IndexColumn) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(l) = c.length {
        args.push(format!("length: {l}"));
    }
    if c.sort == Some(SortOrder::Desc) {
        args.push("sort: Desc".to_string());
    }
    if let Some(o) = &c.operator_class {
        match ir::KnownOperatorClass::ALL
            .iter()
            .find(|k| k.sql_name() == o)
        {
            Some(k) => args.push(format!("ops: {}", k.as_str())),
            None => args.push(format!("ops: raw({})", quote(o))),
        }
    }
    args
}

fn attribute(name: &str, args: &[String]) -> String {
    if args.is_empty() {
        name.to_string()
    } else {
        format!("{name}({})", args.join(", "))
    }
}

fn algorithm_name(a: crate::database::IndexAlgorithm) -> &'static str {
    use crate::database::IndexAlgorithm as A;
    match a {
        A::BTree => "BTree",
        A::Hash => "Hash",
        A::Gist => "Gist",
        A::Gin => "Gin",
        A::SpGist => "SpGist",
        A::Brin => "Brin",
    }
}

fn action_name(a: ForeignKeyAction) -> &'static str {
    match a {
        ForeignKeyAction::Cascade => "Cascade",
        ForeignKeyAction::Restrict => "Restrict",
        ForeignKeyAction::NoAction => "NoAction",
        ForeignKeyAction::SetNull => "SetNull",
        ForeignKeyAction::SetDefault => "SetDefault",
    }
}

/// The `@db.*` name of a column type (the inverse of the calculator's native types).
fn native_name(dialect: Dialect, sql: &str, family: &TypeFamily) -> Option<&'static str> {
    Some(match (dialect, sql) {
        (Dialect::Postgres, "TEXT") => "Text",
        (Dialect::Postgres, "CHAR") => "Char",
        (Dialect::Postgres, "VARCHAR") => "VarChar",
        (Dialect::Postgres, "BIT") => "Bit",
        (Dialect::Postgres, "VARBIT") => "VarBit",
        (Dialect::Postgres, "UUID") => "Uuid",
        (Dialect::Postgres, "XML") => "Xml",
        (Dialect::Postgres, "INET") => "Inet",
        (Dialect::Postgres, "CITEXT") => "Citext",
        (Dialect::Postgres, "BOOLEAN") => "Boolean",
        (Dialect::Postgres, "INTEGER") => "Integer",
        (Dialect::Postgres, "SMALLINT") => "SmallInt",
        (Dialect::Postgres, "OID") => "Oid",
        (Dialect::Postgres, "BIGINT") => "BigInt",
        (Dialect::Postgres, "REAL") => "Real",
        (Dialect::Postgres, "DOUBLE PRECISION") => "DoublePrecision",
        (Dialect::Postgres, "DECIMAL") => "Decimal",
        (Dialect::Postgres, "MONEY") => "Money",
        (Dialect::Postgres, "TIMESTAMP") => "Timestamp",
        (Dialect::Postgres, "TIMESTAMPTZ") => "Timestamptz",
        (Dialect::Postgres, "DATE") => "Date",
        (Dialect::Postgres, "TIME") => "Time",
        (Dialect::Postgres, "TIMETZ") => "Timetz",
        (Dialect::Postgres, "JSON") => "Json",
        (Dialect::Postgres, "JSONB") => "JsonB",
        (Dialect::Postgres, "BYTEA") => "ByteA",
        (Dialect::Mysql, "VARCHAR") => "VarChar",
        (Dialect::Mysql, "TEXT") => "Text",
        (Dialect::Mysql, "CHAR") => "Char",
        (Dialect::Mysql, "TINYTEXT") => "TinyText",
        (Dialect::Mysql, "MEDIUMTEXT") => "MediumText",
        (Dialect::Mysql, "LONGTEXT") => "LongText",
        (Dialect::Mysql, "BIT") => "Bit",
        (Dialect::Mysql, "BINARY") => "Binary",
        (Dialect::Mysql, "VARBINARY") => "VarBinary",
        (Dialect::Mysql, "TINYBLOB") => "TinyBlob",
        (Dialect::Mysql, "BLOB") => "Blob",
        (Dialect::Mysql, "MEDIUMBLOB") => "MediumBlob",
        (Dialect::Mysql, "LONGBLOB") => "LongBlob",
        (Dialect::Mysql, "INTEGER") => "Int",
        (Dialect::Mysql, "INTEGER UNSIGNED") => "UnsignedInt",
        (Dialect::Mysql, "SMALLINT") => "SmallInt",
        (Dialect::Mysql, "SMALLINT UNSIGNED") => "UnsignedSmallInt",
        (Dialect::Mysql, "BOOLEAN") if *family == TypeFamily::Boolean => "TinyInt",
        (Dialect::Mysql, "TINYINT") => "TinyInt",
        (Dialect::Mysql, "TINYINT UNSIGNED") => "UnsignedTinyInt",
        (Dialect::Mysql, "MEDIUMINT") => "MediumInt",
        (Dialect::Mysql, "MEDIUMINT UNSIGNED") => "UnsignedMediumInt",
        (Dialect::Mysql, "BIGINT") => "BigInt",
        (Dialect::Mysql, "BIGINT UNSIGNED") => "UnsignedBigInt",
        (Dialect::Mysql, "YEAR") => "Year",
        (Dialect::Mysql, "DECIMAL") => "Decimal",
        (Dialect::Mysql, "FLOAT") => "Float",
        (Dialect::Mysql, "DOUBLE") => "Double",
        (Dialect::Mysql, "DATETIME") => "DateTime",
        (Dialect::Mysql, "TIMESTAMP") => "Timestamp",
        (Dialect::Mysql, "TIME") => "Time",
        (Dialect::Mysql, "DATE") => "Date",
        (Dialect::Mysql, "JSON") => "Json",
        _ => return None,
    })
}

/// The declared type of a SQLite column, lower-case, as Prisma reports unsupported ones.
fn sqlite_declared(c: &Column) -> String {
    let t = &c.column_type;
    let base = t.name.to_ascii_lowercase();
    if t.args.is_empty() || t.family == TypeFamily::Unsupported {
        base
    } else {
        let a: Vec<String> = t.args.iter().map(u32::to_string).collect();
        format!("{base}({})", a.join(","))
    }
}

/// Prisma's reading of SQLite's declared types: a short list of names, the rest unsupported.
fn sqlite_type(c: &Column) -> String {
    let declared = sqlite_declared(c);
    let head = declared.split('(').next().unwrap_or("").trim();
    let scalar = match head {
        "int" | "integer" | "serial" => "Int",
        "bigint" => "BigInt",
        "real" | "float" | "double" => "Float",
        "boolean" => "Boolean",
        "text" => "String",
        "date" | "datetime" | "timestamp" => "DateTime",
        "jsonb" => "Json",
        "blob" | "binary" => "Bytes",
        s if s.contains("char") => "String",
        s if s.contains("numeric") || s.contains("decimal") => "Decimal",
        _ => return format!("Unsupported({})", quote(&declared)),
    };
    scalar.to_string()
}

fn sqlite_family(prisma_type: &str) -> TypeFamily {
    match prisma_type {
        "Int" => TypeFamily::Int,
        "BigInt" => TypeFamily::BigInt,
        "Float" => TypeFamily::Float,
        "Decimal" => TypeFamily::Decimal,
        "Boolean" => TypeFamily::Boolean,
        "String" => TypeFamily::String,
        "DateTime" => TypeFamily::DateTime,
        "Json" => TypeFamily::Json,
        "Bytes" => TypeFamily::Binary,
        _ => TypeFamily::Unsupported,
    }
}

fn unsupported_text(dialect: Dialect, c: &Column) -> String {
    match dialect {
        Dialect::Sqlite => sqlite_declared(c),
        _ => c.column_type.name.clone(),
    }
}

fn strip_parens(s: &str) -> &str {
    let t = s.trim();
    match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => inner.trim(),
        None => t,
    }
}

fn is_quoted(s: &str) -> bool {
    let t = s.trim();
    t.len() >= 2
        && ((t.starts_with('\'') && t.ends_with('\'')) || (t.starts_with('"') && t.ends_with('"')))
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    for q in ['\'', '"'] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            let d = format!("{q}{q}");
            return t[1..t.len() - 1].replace(&d, &q.to_string());
        }
    }
    t.to_string()
}

/// A Prisma string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prisma's rule for names: drop leading characters that are not letters, then replace every
/// character outside `[A-Za-z0-9_]` with `_`.
pub fn sanitize(name: &str) -> String {
    name.trim_start_matches(|c: char| !c.is_ascii_alphabetic())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn sanitize_enum_value(v: &str) -> String {
    let s = sanitize(v);
    if s.is_empty() {
        "EMPTY_ENUM_VALUE".to_string()
    } else {
        s
    }
}

fn render_docs(out: &mut String, docs: &[String], indent: &str) {
    for d in docs {
        out.push_str(indent);
        out.push_str("///");
        if !d.is_empty() && !d.starts_with(' ') {
            out.push(' ');
        }
        out.push_str(d);
        out.push('\n');
    }
}

fn render_model(out: &mut String, m: &PModel) {
    render_docs(out, &m.docs, "");
    out.push_str(&format!("model {} {{\n", m.name));
    for f in &m.fields {
        render_docs(out, &f.docs, "  ");
        let line = if f.attrs.is_empty() {
            format!("{} {}", f.name, f.type_text)
        } else {
            format!("{} {} {}", f.name, f.type_text, f.attrs.join(" "))
        };
        match f.commented_out {
            Some(why) => {
                out.push_str(&format!("  // {why}\n  // {line}\n"));
            }
            None => out.push_str(&format!("  {line}\n")),
        }
    }
    if !m.block.is_empty() {
        out.push('\n');
        for b in &m.block {
            out.push_str(&format!("  {b}\n"));
        }
    }
    out.push_str("}\n\n");
}

fn render_enum(out: &mut String, e: &PEnum) {
    render_docs(out, &e.docs, "");
    out.push_str(&format!("enum {} {{\n", e.name));
    for (name, db) in &e.values {
        if name == db {
            out.push_str(&format!("  {name}\n"));
        } else {
            out.push_str(&format!("  {name} @map({})\n", quote(db)));
        }
    }
    if e.mapped {
        out.push_str(&format!("\n  @@map({})\n", quote(&e.db_name)));
    }
    out.push_str("}\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_names_as_prisma_does() {
        assert_eq!(sanitize("1st table"), "st_table");
        assert_eq!(sanitize("E-mail"), "E_mail");
        assert_eq!(sanitize("2col"), "col");
        assert_eq!(sanitize("ok_Name1"), "ok_Name1");
        assert_eq!(sanitize_enum_value("so-so"), "so_so");
    }

    #[test]
    fn quotes_prisma_strings() {
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
