//! `datasource` and `generator` blocks.

use super::args::{expr_text, type_mismatch, Args};
use crate::ast::{self, Argument, ConfigBlock, ConfigKind, Expr};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{ConfigValue, Datasource, Generator, Provider, RelationMode};
use crate::source::{SourceMap, Span};
use std::collections::HashSet;

/// Preview features the reference (Prisma 7) knows, and accepts silently; listed in its
/// "Expected one of" message. `fullTextSearchPostgres` joins them on PostgreSQL.
const PREVIEW_FEATURES: &[&str] = &[
    "nativeDistinct",
    "partialIndexes",
    "postgresqlExtensions",
    "relationJoins",
    "schemaEngineDriverAdapters",
    "shardKeys",
    "strictUndefinedChecks",
    "typedSql",
    "views",
];

/// Features that were previews once and are now part of the language: accepted, with a
/// warning that the flag is no longer needed (as the reference does).
const DEPRECATED_FEATURES: &[&str] = &[
    "aggregateApi",
    "atomicNumberOperations",
    "clientExtensions",
    "cockroachdb",
    "connectOrCreate",
    "createMany",
    "dataProxy",
    "deno",
    "distinct",
    "driverAdapters",
    "extendedIndexes",
    "extendedWhereUnique",
    "fieldReference",
    "filterJson",
    "filteredRelationCount",
    "fullTextIndex",
    "fullTextSearch",
    "groupBy",
    "improvedQueryRaw",
    "interactiveTransactions",
    "jsonProtocol",
    "microsoftSqlServer",
    "middlewares",
    "mongoDb",
    "multiSchema",
    "nApi",
    "namedConstraints",
    "napi",
    "nativeTypes",
    "omitApi",
    "orderByAggregateGroup",
    "orderByNulls",
    "orderByRelation",
    "prismaSchemaFolder",
    "referentialActions",
    "referentialIntegrity",
    "selectRelationCount",
    "tracing",
    "transactionApi",
    "uncheckedScalarInputs",
];

/// What the datasource and generators say, after validation.
pub(crate) struct Config {
    pub(crate) datasource: Option<Datasource>,
    pub(crate) generators: Vec<Generator>,
    pub(crate) preview_features: Vec<String>,
}

impl Config {
    pub(crate) fn has_feature(&self, f: &str) -> bool {
        self.preview_features.iter().any(|p| p == f)
    }
}

pub(crate) fn validate_config(
    blocks: &[&ConfigBlock],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Config {
    let mut datasource = None;
    let mut generators = Vec::new();
    let datasources: Vec<&&ConfigBlock> = blocks
        .iter()
        .filter(|b| b.kind == ConfigKind::Datasource)
        .collect();
    if datasources.len() > 1 {
        for d in &datasources {
            diags.error(
                format!("Error validating datasource `{}`: You defined more than one datasource. This is not allowed yet because support for multiple databases has not been implemented yet.", d.name.name),
                d.name.span,
            );
        }
    }
    // The provider decides which preview features are known, so read it first.
    let provider = datasources.first().and_then(|d| {
        d.property("provider")
            .and_then(|p| p.value.as_ref())
            .and_then(Expr::as_str)
            .and_then(Provider::parse)
    });
    let mut preview_features = Vec::new();
    for g in blocks.iter().filter(|b| b.kind == ConfigKind::Generator) {
        if let Some(gen) = generator(g, provider, sources, diags, &mut preview_features) {
            generators.push(gen);
        }
    }
    if let Some(d) = datasources.first() {
        datasource = datasource_block(d, &preview_features, sources, diags);
    }
    check_duplicate_names(blocks, diags);
    Config {
        datasource,
        generators,
        preview_features,
    }
}

fn check_duplicate_names(blocks: &[&ConfigBlock], diags: &mut Diagnostics) {
    for b in blocks {
        let what = match b.kind {
            ConfigKind::Datasource => "source",
            ConfigKind::Generator => "generator",
        };
        let props: Vec<&ast::KeyValue> = b.properties().collect();
        for (i, kv) in props.iter().enumerate() {
            if props[..i].iter().any(|o| o.key.name == kv.key.name) {
                diags.error(
                    format!(
                        "Key \"{}\" is already defined in {what} \"{}\".",
                        kv.key.name, b.name.name
                    ),
                    kv.key.span,
                );
            }
        }
    }
    for (i, b) in blocks.iter().enumerate() {
        if let Some(first) = blocks[..i]
            .iter()
            .find(|o| o.name.name == b.name.name && o.kind == b.kind)
        {
            let what = match first.kind {
                ConfigKind::Datasource => "datasource",
                ConfigKind::Generator => "generator",
            };
            diags.error(
                format!(
                    "The {what} \"{}\" cannot be defined because a {what} with that name already exists.",
                    b.name.name
                ),
                b.name.span,
            );
        }
    }
}

fn config_value(e: &Expr, sources: &SourceMap, diags: &mut Diagnostics) -> Option<ConfigValue> {
    match e {
        Expr::String(s, _) => Some(ConfigValue::Literal(s.clone())),
        Expr::Function(name, args, span) if name.name == "env" => {
            let var = env_argument(args, *span, sources, diags)?;
            let var = super::args::expect_str(var, sources, diags)?.to_string();
            Some(ConfigValue::Env(var))
        }
        other => {
            diags.error(
                type_mismatch("String", other, &expr_text(other, sources)),
                other.span(),
            );
            None
        }
    }
}

/// The variable name of an `env(...)` call: its one argument, whatever its name. A call with
/// no argument, several or a trailing comma is reported. The tree does not keep a call's
/// trailing comma, so the source text tells.
fn env_argument<'e>(
    args: &'e [Argument],
    span: Span,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<&'e Expr> {
    let trailing_comma = sources
        .slice(span)
        .trim_end_matches(')')
        .trim_end()
        .ends_with(',');
    match args {
        [arg] if !trailing_comma => arg.value.as_ref(),
        _ => {
            diags.error(
                "Exactly one string parameter must be passed to the env function.",
                span,
            );
            None
        }
    }
}

/// Checks the `env(...)` calls in a generator property that is otherwise passed on as text.
fn check_env_calls(e: &Expr, sources: &SourceMap, diags: &mut Diagnostics) {
    match e {
        Expr::Function(name, args, span) if name.name == "env" => {
            if let Some(var) = env_argument(args, *span, sources, diags) {
                super::args::expect_str(var, sources, diags);
            }
        }
        Expr::Array(items, _) => {
            for item in items {
                check_env_calls(item, sources, diags);
            }
        }
        _ => {}
    }
}

fn report_missing_values(block: &ConfigBlock, diags: &mut Diagnostics) -> bool {
    let kind = match block.kind {
        ConfigKind::Datasource => "datasource",
        ConfigKind::Generator => "generator",
    };
    let mut ok = true;
    for kv in block.properties() {
        if kv.value.is_none() {
            diags.error(
                format!(
                    "Property {} in {kind} {} needs to be assigned a value",
                    kv.key.name, block.name.name
                ),
                block.span,
            );
            ok = false;
        }
    }
    ok
}

fn datasource_block(
    block: &ConfigBlock,
    preview_features: &[String],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<Datasource> {
    report_missing_values(block, diags);
    let Some(provider_kv) = block.property("provider") else {
        diags.error(
            format!(
                "Argument \"provider\" is missing in data source block \"{}\".",
                block.name.name
            ),
            block.span,
        );
        return None;
    };
    let provider_value = provider_kv.value.as_ref()?;
    let provider_str = match provider_value {
        Expr::String(s, _) => s.clone(),
        Expr::Function(f, ..) if f.name == "env" => {
            diags.error(
                "A datasource must not use the env() function in the provider argument.",
                block.name.span,
            );
            return None;
        }
        other => {
            diags.error(
                format!(
                    "Error validating datasource `{}`: The provider argument in a datasource must be a string literal",
                    block.name.name
                ),
                other.span(),
            );
            return None;
        }
    };
    let Some(provider) = Provider::parse(&provider_str) else {
        let d = match provider_str.as_str() {
            "mongodb" | "sqlserver" | "cockroachdb" => Diagnostic::error(
                format!("Quarry does not support the `{provider_str}` provider."),
                provider_value.span(),
            )
            .with_help("supported providers are \"sqlite\", \"postgresql\" and \"mysql\""),
            _ => Diagnostic::error(
                format!("Datasource provider not known: \"{provider_str}\"."),
                provider_value.span(),
            )
            .with_help("supported providers are \"sqlite\", \"postgresql\" and \"mysql\""),
        };
        diags.push(d);
        return None;
    };

    let mut url = None;
    let mut shadow = None;
    let mut direct = None;
    let mut relation_mode = None;
    let mut referential_integrity = None;
    let mut schemas = Vec::new();
    let mut extensions = Vec::new();
    for kv in block.properties() {
        let Some(value) = &kv.value else { continue };
        match kv.key.name.as_str() {
            "provider" => {}
            "url" => url = config_value(value, sources, diags),
            "shadowDatabaseUrl" => shadow = config_value(value, sources, diags),
            "directUrl" => direct = config_value(value, sources, diags),
            "relationMode" => {
                relation_mode = relation_mode_value(value, block, sources, diags)
            }
            "referentialIntegrity" => {
                diags.warning(
                    "The `referentialIntegrity` attribute is deprecated. Please use `relationMode` instead. Learn more at https://pris.ly/d/relation-mode",
                    kv.span,
                );
                referential_integrity = relation_mode_value(value, block, sources, diags);
            }
            "schemas" => {
                if provider != Provider::Postgres {
                    diags.error(
                        "The `schemas` property is not supported on the current connector.",
                        kv.span,
                    );
                    continue;
                }
                schemas = schema_list(value, sources, diags);
            }
            "extensions"
                if provider == Provider::Postgres
                    && preview_features.iter().any(|f| f == "postgresqlExtensions") =>
            {
                extensions = extension_list(value, sources, diags);
            }
            "extensions" if provider == Provider::Postgres => diags.error(
                "The `extensions` property is only available with the `postgresqlExtensions` preview feature.",
                kv.span,
            ),
            other => diags.error(format!("Property not known: \"{other}\"."), kv.span),
        }
    }
    if relation_mode.is_some() && referential_integrity.is_some() {
        diags.error(
            "The `referentialIntegrity` and `relationMode` attributes cannot be used together. Please use only `relationMode` instead.",
            block.property("referentialIntegrity").map_or(block.span, |kv| kv.span),
        );
    }
    if let (Some(u), Some(s)) = (&url, &shadow) {
        if u == s {
            diags.error(
                format!(
                    "shadowDatabaseUrl is the same as url for datasource \"{}\". Please specify a different database as shadow database to avoid data loss.",
                    block.name.name
                ),
                block.property("url").map_or(block.span, |kv| kv.span),
            );
        }
    }
    Some(Datasource {
        name: block.name.name.clone(),
        provider,
        url,
        shadow_database_url: shadow,
        direct_url: direct,
        relation_mode: relation_mode
            .or(referential_integrity)
            .unwrap_or(RelationMode::ForeignKeys),
        schemas,
        extensions,
        span: block.span,
    })
}

fn relation_mode_value(
    e: &Expr,
    block: &ConfigBlock,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Option<RelationMode> {
    let s = super::args::expect_str(e, sources, diags)?;
    match s {
        "prisma" => Some(RelationMode::Prisma),
        "foreignKeys" => Some(RelationMode::ForeignKeys),
        other => {
            // The reference points at the datasource block.
            diags.error(
                format!("Error validating datasource `relationMode`: Invalid relation mode setting: \"{other}\". Supported values: \"prisma\", \"foreignKeys\""),
                block.name.span,
            );
            None
        }
    }
}

fn schema_list(e: &Expr, sources: &SourceMap, diags: &mut Diagnostics) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A single schema may be written without brackets.
    let items: Vec<&Expr> = match e {
        Expr::Array(items, _) => items.iter().collect(),
        other => vec![other],
    };
    if items.is_empty() {
        diags.error("If provided, the schemas array can not be empty.", e.span());
    }
    for item in items {
        if let Some(s) = super::args::expect_str(item, sources, diags) {
            if out.iter().any(|o| o == s) {
                diags.error("Duplicated schema names are not allowed", item.span());
            }
            out.push(s.to_string());
        }
    }
    out
}

fn extension_list(e: &Expr, sources: &SourceMap, diags: &mut Diagnostics) -> Vec<String> {
    let mut out = Vec::new();
    // A single extension may be written without brackets.
    let items: Vec<&Expr> = match e {
        Expr::Array(items, _) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        let name = match item {
            Expr::Constant(name, _) => name.clone(),
            Expr::Function(name, args, span) => {
                let mut a = Args::of_call(args, *span, name.name.clone());
                for key in ["schema", "version", "map"] {
                    if let Some(v) = a.named(key) {
                        if super::args::expect_str(v, sources, diags).is_none() {
                            diags.error(
                                format!("Error validating: The `{key}` argument must be a string literal"),
                                v.span(),
                            );
                        }
                    }
                }
                let mut seen = HashSet::new();
                for (arg, n) in args.iter().filter_map(|a| Some((a, a.name.as_ref()?))) {
                    if !seen.insert(n.name.as_str()) {
                        diags.error(
                            format!(
                                "Error validating: The argument `{}` can only be defined once",
                                n.name
                            ),
                            arg.span,
                        );
                    }
                }
                for arg in args.iter().filter(|a| a.name.is_none()) {
                    diags.error("Error validating: The argument must have a name", arg.span);
                }
                for arg in args {
                    if let Some(n) = &arg.name {
                        if !["schema", "version", "map"].contains(&n.name.as_str()) {
                            diags.error(format!("Argument not known: \"{}\".", n.name), arg.span);
                        }
                    }
                }
                name.name.clone()
            }
            other => {
                diags.error(
                    format!(
                        "Expected a constant or function value, but received {} value `{}`.",
                        other.describe(),
                        expr_text(other, sources)
                    ),
                    other.span(),
                );
                continue;
            }
        };
        if name.contains('-') {
            diags.error(
                "Error validating: The character `-` is not allowed in extension names.",
                item.span(),
            );
        }
        out.push(name);
    }
    out
}

fn generator(
    block: &ConfigBlock,
    provider: Option<Provider>,
    sources: &SourceMap,
    diags: &mut Diagnostics,
    all_features: &mut Vec<String>,
) -> Option<Generator> {
    report_missing_values(block, diags);
    let provider_value = match block.property("provider").and_then(|p| p.value.as_ref()) {
        Some(v) => config_value(v, sources, diags),
        None => {
            if block.property("provider").is_none() {
                diags.error(
                    format!(
                        "Argument \"provider\" is missing in generator block \"{}\".",
                        block.name.name
                    ),
                    block.span,
                );
            }
            None
        }
    };
    let mut output = None;
    let mut preview_features = Vec::new();
    let mut config = Vec::new();
    for kv in block.properties() {
        let Some(value) = &kv.value else { continue };
        match kv.key.name.as_str() {
            "provider" => {}
            "output" => output = config_value(value, sources, diags),
            "previewFeatures" => {
                preview_features = features(value, provider, sources, diags);
            }
            other => {
                // The reference reads the engine type itself, as a plain string.
                if other == "engineType" && !matches!(value, Expr::String(..)) {
                    diags.error(
                        type_mismatch("String", value, &expr_text(value, sources)),
                        value.span(),
                    );
                }
                check_env_calls(value, sources, diags);
                config.push((other.to_string(), expr_text(value, sources)));
            }
        }
    }
    all_features.extend(preview_features.iter().cloned());
    Some(Generator {
        name: block.name.name.clone(),
        provider: provider_value?,
        output,
        preview_features,
        config,
        span: block.span,
    })
}

fn features(
    e: &Expr,
    provider: Option<Provider>,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let mut out = Vec::new();
    let items: Vec<&Expr> = match e {
        Expr::Array(items, _) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        let Some(f) = super::args::expect_str(item, sources, diags) else {
            continue;
        };
        let postgres = provider == Some(Provider::Postgres);
        if f == "fullTextSearch" && postgres {
            diags.warning(
                "On `provider = \"postgresql\"`, preview feature \"fullTextSearch\" has been renamed to \"fullTextSearchPostgres\". Learn more at https://pris.ly/d/fts-postgres.",
                item.span(),
            );
        } else if f == "metrics" {
            diags.warning(
                "Preview feature \"metrics\" is deprecated. It will be removed in a future version of Prisma.",
                item.span(),
            );
        } else if DEPRECATED_FEATURES.contains(&f) {
            diags.warning(
                format!("Preview feature \"{f}\" is deprecated. The functionality can be used without specifying it as a preview feature."),
                item.span(),
            );
        } else if !(PREVIEW_FEATURES.contains(&f) || (f == "fullTextSearchPostgres" && postgres)) {
            let mut known: Vec<&str> = PREVIEW_FEATURES.to_vec();
            if postgres {
                known.push("fullTextSearchPostgres");
            }
            known.sort_unstable();
            diags.error(
                format!(
                    "The preview feature \"{f}\" is not known. Expected one of: {}",
                    known.join(", ")
                ),
                item.span(),
            );
        }
        out.push(f.to_string());
    }
    out
}

/// All config blocks of all files.
pub(crate) fn collect(asts: &[(crate::FileId, ast::SchemaAst)]) -> Vec<&ConfigBlock> {
    asts.iter().flat_map(|(_, a)| a.configs()).collect()
}
