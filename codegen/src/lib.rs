//! Turns a validated schema IR into a typed Rust client module.
//!
//! Owns: the shape of the generated code. Must not know: databases, SQL. The generated
//! module holds, for each model, a struct whose relation fields are type parameters (filled
//! by `include`), a `META` static the runtime reads, and a module of field and relation
//! handles; for each enum, a Rust enum; and a `Client` with one accessor per model.
#![warn(missing_docs, unreachable_pub)]
#![deny(unsafe_code)]

mod names;

use names::{ModelItems, Names};
use proc_macro2::{Literal, TokenStream};
use quarry_schema::ir::{self, Arity, FieldType, RelationKind, ScalarType, Schema};
use quote::{format_ident, quote};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why generation failed.
#[derive(Debug)]
pub enum GenerateError {
    /// The schema could not be read.
    Load(quarry_schema::load::LoadError),
    /// The schema is invalid; the rendered diagnostics.
    Invalid(String),
    /// The output could not be written.
    Io(PathBuf, std::io::Error),
    /// The schema names no output and none was given.
    NoOutput,
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Load(e) => write!(f, "{e}"),
            GenerateError::Invalid(d) => write!(f, "the schema is invalid:\n{d}"),
            GenerateError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
            GenerateError::NoOutput => write!(
                f,
                "no output path: add `output = \"../src/db.rs\"` to a generator block with `provider = \"quarry\"`"
            ),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Generates the client for the schema at `schema` (a file or a folder) into `out`.
///
/// For `build.rs`: `quarry_codegen::generate("prisma/schema.prisma", out_dir.join("db.rs"))`,
/// then `include!(concat!(env!("OUT_DIR"), "/db.rs"));` inside a module.
pub fn generate(schema: impl AsRef<Path>, out: impl AsRef<Path>) -> Result<(), GenerateError> {
    let loaded = quarry_schema::load::load(schema.as_ref()).map_err(GenerateError::Load)?;
    let code = generate_loaded(&loaded, out.as_ref())?;
    write_if_changed(out.as_ref(), &code)
}

/// Generates code for a loaded schema, to be written at `out` (which tells the crate it belongs
/// to: see [`schema_dir_in_crate`]).
pub fn generate_loaded(
    loaded: &quarry_schema::load::LoadedSchema,
    out: &Path,
) -> Result<String, GenerateError> {
    let validated = quarry_schema::validate(&loaded.sources);
    let Some(schema) = validated.schema else {
        return Err(GenerateError::Invalid(
            validated
                .diagnostics
                .render(&loaded.sources, quarry_schema::Color::Never),
        ));
    };
    let name = loaded
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "schema.prisma".into());
    let schema_dir = schema_dir_in_crate(&loaded.base_dir(), out);
    Ok(generate_code(&schema, &name, schema_dir.as_deref()))
}

/// The schema's folder relative to the `Cargo.toml` of the crate the client is generated for:
/// the crate is `CARGO_MANIFEST_DIR` when `out` is in a build script's `OUT_DIR`, else the
/// nearest folder above `out` that holds a `Cargo.toml`. The generated client resolves relative SQLite paths against it,
/// as the CLI does, so that the app opens the database the migrations were applied to. `None`
/// when there is no crate (the client then resolves them against the current directory).
pub fn schema_dir_in_crate(schema_dir: &Path, out: &Path) -> Option<String> {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p)
            .ok()
            .or_else(|| std::env::current_dir().ok().map(|cwd| cwd.join(p)))
    };
    // A build script writes into OUT_DIR, under target/: its crate is CARGO_MANIFEST_DIR. Else
    // (`quarry generate`) the crate is found from the output file.
    let in_build_script = std::env::var_os("OUT_DIR")
        .and_then(|d| absolute(Path::new(&d)))
        .zip(absolute(out.parent().unwrap_or(Path::new("."))))
        .is_some_and(|(out_dir, parent)| parent.starts_with(out_dir));
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").filter(|_| in_build_script);
    let crate_root = match manifest_dir {
        Some(dir) => absolute(Path::new(&dir))?,
        None => {
            let out = absolute(out.parent().unwrap_or(Path::new(".")))
                .or_else(|| absolute(Path::new(".")))?;
            crate_dir(&out)?.to_path_buf()
        }
    };
    let schema_dir = absolute(schema_dir)?;
    let common = crate_root.ancestors().find(|a| schema_dir.starts_with(a))?;
    let ups = crate_root.strip_prefix(common).ok()?.components().count();
    let down = schema_dir.strip_prefix(common).ok()?;
    let mut rel = PathBuf::new();
    for _ in 0..ups {
        rel.push("..");
    }
    rel.push(down);
    let rel = rel.to_str()?.replace('\\', "/");
    Some(if rel.is_empty() { ".".to_string() } else { rel })
}

/// The `output` of the first `quarry` generator, resolved against the schema's folder.
pub fn output_path(loaded: &quarry_schema::load::LoadedSchema) -> Result<PathBuf, GenerateError> {
    let validated = quarry_schema::validate(&loaded.sources);
    let schema = validated.schema.ok_or_else(|| {
        GenerateError::Invalid(
            validated
                .diagnostics
                .render(&loaded.sources, quarry_schema::Color::Never),
        )
    })?;
    let generator = schema
        .generators
        .iter()
        .find(|g| {
            matches!(&g.provider, ir::ConfigValue::Literal(p) if p == "quarry" || p.ends_with("quarry-codegen"))
        })
        .or_else(|| schema.generators.first());
    let output = generator
        .and_then(|g| g.output.as_ref())
        .and_then(ir::ConfigValue::resolve)
        .ok_or(GenerateError::NoOutput)?;
    Ok(normalize(&loaded.base_dir().join(output)))
}

/// `prisma/../src/db.rs` as `src/db.rs`: the path users read in messages. Lexical, so it is
/// right for paths without symbolic links, which is what schema outputs are.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The nearest folder at or above `dir` that holds a `Cargo.toml`: the crate `dir` is in.
fn crate_dir(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join("Cargo.toml").is_file())
}

/// `code` formatted by the toolchain's `rustfmt` as the project at `dir` configures it (its
/// `rustfmt.toml` and its `Cargo.toml`'s edition), so that `cargo fmt --check` passes on a
/// generated file kept in the source tree. `None` when rustfmt is not installed or fails; the
/// unformatted code is valid Rust all the same.
pub fn rustfmt(code: &str, dir: &Path) -> Option<String> {
    use std::io::Write;
    let edition = crate_dir(dir)
        .and_then(|d| std::fs::read_to_string(d.join("Cargo.toml")).ok())
        .and_then(|toml| {
            toml.lines().find_map(|l| {
                let (key, value) = l.split_once('=')?;
                (key.trim() == "edition").then(|| value.trim().trim_matches('"').to_string())
            })
        })
        .filter(|e| ["2015", "2018", "2021", "2024"].contains(&e.as_str()))
        .unwrap_or_else(|| "2021".to_string());
    let mut child =
        std::process::Command::new(std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into()))
            .args(["--edition", &edition, "--emit", "stdout", "--quiet"])
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = code.to_string();
    // Written from another thread: rustfmt starts printing before it has read everything.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    (output.status.success() && !output.stdout.is_empty())
        .then(|| String::from_utf8(output.stdout).ok())
        .flatten()
}

/// Writes `code` unless the file already holds exactly it (keeps build scripts incremental).
pub fn write_if_changed(out: &Path, code: &str) -> Result<(), GenerateError> {
    if std::fs::read_to_string(out).is_ok_and(|old| old == code) {
        return Ok(());
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| GenerateError::Io(dir.to_path_buf(), e))?;
    }
    std::fs::write(out, code).map_err(|e| GenerateError::Io(out.to_path_buf(), e))
}

/// The generated module for a validated schema, formatted.
///
/// `schema_dir` is the schema's folder relative to the crate's `Cargo.toml`
/// ([`schema_dir_in_crate`]).
pub fn generate_code(schema: &Schema, schema_name: &str, schema_dir: Option<&str>) -> String {
    let mut gen = Generator::new(schema);
    gen.schema_dir = schema_dir.map(str::to_string);
    let tokens = gen.module();
    let file: syn::File = match syn::parse2(tokens) {
        Ok(f) => f,
        // The generator builds only valid Rust; reaching here is a bug worth a loud message.
        Err(e) => panic!("quarry-codegen produced invalid Rust: {e}"),
    };
    let body = prettyplease::unparse(&file);
    // The client's fingerprint is a hash of its own code: any change to what it reads or how
    // makes a new one (the query cache keys entries by it).
    let fingerprint = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(body.as_bytes());
        digest[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let body = body.replace(
        &format!("{FINGERPRINT_SLOT:?}"),
        &format!("{fingerprint:?}"),
    );
    format!(
        "// @generated by Quarry from {schema_name}. Do not edit: change the schema and run `quarry generate`.\n\n{body}"
    )
}

/// Stands for the client's fingerprint until the code it hashes is complete.
const FINGERPRINT_SLOT: &str = "quarry-fingerprint-slot";

/// Per-model facts the generator needs again and again.
struct ModelInfo {
    /// IR field id -> column position (scalar, readable fields only).
    columns: HashMap<ir::FieldId, usize>,
    /// The same fields, in schema order.
    column_fields: Vec<ir::FieldId>,
    /// Relation fields included in the client, in order.
    relations: Vec<ir::FieldId>,
    /// Unique criteria made only of columns, once each: each gets a `by_*` constructor.
    uniques: Vec<Vec<ir::FieldId>>,
}

struct Generator<'s> {
    schema: &'s Schema,
    names: Names,
    info: Vec<ModelInfo>,
    /// The schema's folder relative to the crate's `Cargo.toml`.
    schema_dir: Option<String>,
}

fn is_column(f: &ir::Field) -> bool {
    !f.is_relation() && !f.is_ignored && !matches!(f.field_type, FieldType::Unsupported(_))
}

impl<'s> Generator<'s> {
    fn new(schema: &'s Schema) -> Self {
        let info: Vec<ModelInfo> = schema
            .models
            .iter()
            .map(|m| {
                let column_fields: Vec<ir::FieldId> = m
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| is_column(f))
                    .map(|(i, _)| ir::FieldId(i))
                    .collect();
                let columns: HashMap<ir::FieldId, usize> = column_fields
                    .iter()
                    .enumerate()
                    .map(|(pos, f)| (*f, pos))
                    .collect();
                let mut uniques: Vec<Vec<ir::FieldId>> = Vec::new();
                for criterion in m.unique_criteria() {
                    if criterion.iter().all(|f| columns.contains_key(f))
                        && !uniques.contains(&criterion)
                    {
                        uniques.push(criterion);
                    }
                }
                let relations = m
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        !f.is_ignored
                            && f.relation()
                                .is_some_and(|r| !schema.model(r.related_model).is_ignored)
                    })
                    .map(|(i, _)| ir::FieldId(i))
                    .collect();
                ModelInfo {
                    columns,
                    column_fields,
                    relations,
                    uniques,
                }
            })
            .collect();
        let names = Names::new(schema, |id| ModelItems {
            columns: &info[id.0].column_fields,
            relations: &info[id.0].relations,
            uniques: &info[id.0].uniques,
        });
        Generator {
            schema,
            names,
            info,
            schema_dir: None,
        }
    }

    fn models(&self) -> impl Iterator<Item = (ir::ModelId, &'s ir::Model)> {
        self.schema.active_models()
    }

    fn module(&self) -> TokenStream {
        let enums = self
            .schema
            .enums
            .iter()
            .enumerate()
            .map(|(i, e)| self.enum_def(ir::EnumId(i), e));
        let structs = self.models().map(|(id, m)| self.model_struct(id, m));
        let modules = self.models().map(|(id, m)| self.model_module(id, m));
        let client = self.client();
        quote! {
            #(#enums)*
            #(#structs)*
            #(#modules)*
            #client
        }
    }

    /// The Rust type of a column, as written in the module `scope` (`self` for the generated
    /// module itself, `super` for a model's module).
    fn rust_type(&self, f: &ir::Field, scope: &TokenStream) -> TokenStream {
        let base = match &f.field_type {
            FieldType::Scalar(_) => scalar_type(storage_scalar(f)),
            FieldType::Enum(e) => {
                let name = self.names.enum_type(*e);
                quote!(#scope::#name)
            }
            FieldType::Relation(_) | FieldType::Unsupported(_) => quote!(()),
        };
        match f.arity {
            Arity::Required => base,
            Arity::Optional => quote!(::core::option::Option<#base>),
            Arity::List => quote!(::std::vec::Vec<#base>),
        }
    }

    fn enum_def(&self, id: ir::EnumId, e: &ir::Enum) -> TokenStream {
        let name = self.names.enum_type(id);
        let doc = docs(&e.documentation);
        let idents = self.names.variants(id);
        let variants: Vec<_> = e
            .values
            .iter()
            .zip(idents)
            .map(|(v, id)| {
                let doc = docs(&v.documentation);
                let serde_name = &v.name;
                quote! { #doc #[serde(rename = #serde_name)] #id }
            })
            .collect();
        let db: Vec<_> = e.values.iter().map(|v| v.db_name.as_str()).collect();
        let enum_name = &e.name;
        quote! {
            #doc
            #[allow(dead_code, clippy::enum_variant_names)]
            #[derive(
                ::core::fmt::Debug,
                ::core::clone::Clone,
                ::core::marker::Copy,
                ::core::cmp::PartialEq,
                ::core::cmp::Eq,
                ::core::hash::Hash,
                ::core::cmp::PartialOrd,
                ::core::cmp::Ord,
                ::quarry::deps::serde::Serialize,
                ::quarry::deps::serde::Deserialize
            )]
            #[serde(crate = "::quarry::deps::serde")]
            pub enum #name {
                #(#variants,)*
            }

            #[allow(dead_code)]
            impl #name {
                /// Every value, in schema order.
                pub const ALL: &'static [Self] = &[#(Self::#idents),*];

                /// The value as stored in the database.
                pub fn as_db_str(self) -> &'static ::core::primitive::str {
                    match self {
                        #(Self::#idents => #db,)*
                    }
                }
            }

            impl ::quarry::IntoValue for #name {
                fn into_value(self) -> ::quarry::Value {
                    ::quarry::Value::Enum(::std::string::String::from(self.as_db_str()))
                }
            }

            impl ::quarry::FromValue for #name {
                fn from_value(v: ::quarry::Value) -> ::core::result::Result<Self, ::std::string::String> {
                    let s = <::std::string::String as ::quarry::FromValue>::from_value(v)?;
                    match s.as_str() {
                        #(#db => ::core::result::Result::Ok(Self::#idents),)*
                        other => ::core::result::Result::Err(::std::format!("`{}` is not a value of enum {}", other, #enum_name)),
                    }
                }
            }

            impl ::quarry::api::BaseType for #name {}
        }
    }

    /// The generic parameter of a relation slot.
    fn slot_param(&self, id: ir::ModelId, f: ir::FieldId) -> syn::Ident {
        self.names.slot_param(id, f)
    }

    fn slot_bound(&self, m: &ir::Model, f: ir::FieldId) -> TokenStream {
        let field = m.field(f);
        match field.arity {
            Arity::List => quote!(::quarry::ManySlot),
            Arity::Optional => quote!(::quarry::OptionalSlot),
            Arity::Required => quote!(::quarry::RequiredSlot),
        }
    }

    fn model_struct(&self, id: ir::ModelId, m: &ir::Model) -> TokenStream {
        let info = &self.info[id.0];
        let name = self.names.model_type(id);
        let doc = docs(&m.documentation);
        let params: Vec<_> = info
            .relations
            .iter()
            .map(|f| self.slot_param(id, *f))
            .collect();
        let bounds: Vec<_> = info
            .relations
            .iter()
            .map(|f| self.slot_bound(m, *f))
            .collect();
        let mut fields = Vec::new();
        let mut inits = Vec::new();
        let mut direct = Vec::new();
        let mut sqlite = Vec::new();
        let mut unloaded = Vec::new();
        // `from_record` of a record that kept its PostgreSQL row: scalars from the row,
        // relations from the record.
        let mut raw = Vec::new();
        for (fid, f) in m.fields.iter().enumerate() {
            let fid = ir::FieldId(fid);
            let fname = self.names.field(id, fid);
            let fdoc = docs(&f.documentation);
            let serde_name = &f.name;
            if let Some(&col) = info.columns.get(&fid) {
                let ty = self.rust_type(f, &quote!(self));
                let model_name = &m.name;
                let field_name = &f.name;
                fields.push(quote! { #fdoc #[serde(rename = #serde_name)] pub #fname: #ty });
                let col = Literal::usize_unsuffixed(col);
                inits.push(quote! { #fname: ::quarry::value::decode(record.take(#col), #model_name, #field_name)? });
                let read = match (&f.field_type, f.arity) {
                    (FieldType::Enum(e), Arity::List) => {
                        let name = self.names.enum_type(*e);
                        quote!(::quarry::direct::read_pg_enum_list::<self::#name>)
                    }
                    (FieldType::Enum(_), _) => quote!(::quarry::direct::read_pg_enum::<#ty>),
                    _ => quote!(<#ty as ::quarry::direct::ReadPg>::read_pg),
                };
                direct.push(quote! {
                    #fname: #read(row, #col, &fields[#col]).map_err(|message| ::quarry::Error::Decode {
                        model: #model_name,
                        field: #field_name,
                        message,
                    })?
                });
                let read_sqlite = match &f.field_type {
                    FieldType::Enum(_) => quote!(::quarry::direct::read_sqlite_value::<#ty>),
                    _ => quote!(<#ty as ::quarry::direct::ReadSqlite>::read_sqlite),
                };
                sqlite.push(quote! {
                    #fname: #read_sqlite(row, #col, &fields[#col]).map_err(|message| ::quarry::Error::Decode {
                        model: #model_name,
                        field: #field_name,
                        message,
                    })?
                });
                raw.push(direct.last().cloned().unwrap_or_default());
            } else if let Some(pos) = info.relations.iter().position(|r| *r == fid) {
                let p = self.slot_param(id, fid);
                let bound = self.slot_bound(m, fid);
                fields.push(quote! {
                    #fdoc
                    #[serde(rename = #serde_name, default, skip_serializing_if = "::quarry::NotLoaded::is_not_loaded")]
                    pub #fname: #p
                });
                inits.push(
                    quote! { #fname: <#p as #bound>::from_relation(record.take_relation(#pos))? },
                );
                raw.push(inits.last().cloned().unwrap_or_default());
                // One tuple holds the unloaded slots: a local per slot could share its name
                // with the field it fills.
                let index = syn::Index::from(unloaded.len());
                unloaded.push(quote! { <#p as #bound>::unloaded()? });
                direct.push(quote! { #fname: slots.#index });
                sqlite.push(quote! { #fname: slots.#index });
            }
        }
        let slots = if unloaded.is_empty() {
            quote!()
        } else {
            quote!(let slots = (#(#unloaded,)*);)
        };
        let generics = if params.is_empty() {
            quote!()
        } else {
            quote!(<#(#params = ::quarry::NotLoaded),*>)
        };
        let impl_generics = if params.is_empty() {
            quote!()
        } else {
            quote!(<#(#params: #bounds),*>)
        };
        let ty_generics = if params.is_empty() {
            quote!()
        } else {
            quote!(<#(#params),*>)
        };
        let module = self.names.model_module(id);
        quote! {
            #doc
            #[allow(dead_code)]
            #[derive(
                ::core::fmt::Debug,
                ::core::clone::Clone,
                ::core::cmp::PartialEq,
                ::quarry::deps::serde::Serialize,
                ::quarry::deps::serde::Deserialize
            )]
            #[serde(crate = "::quarry::deps::serde")]
            pub struct #name #generics {
                #(#fields,)*
            }

            impl ::quarry::Model for #name {
                const META: &'static ::quarry::meta::ModelMeta = &self::#module::META;
            }

            impl #impl_generics ::quarry::FromRecord for #name #ty_generics {
                fn from_record(mut record: ::quarry::load::Record) -> ::quarry::Result<Self> {
                    if let ::core::option::Option::Some(row) = record.take_pg_row() {
                        let row: &::quarry::deps::sqlx::postgres::PgRow = &row;
                        let fields = self::#module::META.fields;
                        return ::core::result::Result::Ok(Self { #(#raw,)* });
                    }
                    ::core::result::Result::Ok(Self { #(#inits,)* })
                }

                fn from_pg_row(row: &::quarry::deps::sqlx::postgres::PgRow) -> ::core::option::Option<::quarry::Result<Self>> {
                    #slots
                    let fields = self::#module::META.fields;
                    ::core::option::Option::Some((move || -> ::quarry::Result<Self> { ::core::result::Result::Ok(Self { #(#direct,)* }) })())
                }

                fn from_sqlite_row(row: &::quarry::deps::rusqlite::Row<'_>) -> ::core::option::Option<::quarry::Result<Self>> {
                    #slots
                    let fields = self::#module::META.fields;
                    ::core::option::Option::Some((move || -> ::quarry::Result<Self> { ::core::result::Result::Ok(Self { #(#sqlite,)* }) })())
                }
            }
        }
    }

    fn field_meta(&self, f: &ir::Field) -> TokenStream {
        let name = &f.name;
        let column = &f.db_name;
        let (kind, enum_db) = match &f.field_type {
            FieldType::Scalar(_) => (
                scalar_kind(storage_scalar(f)),
                quote!(::core::option::Option::None),
            ),
            FieldType::Enum(e) => {
                let db = &self.schema.enum_(*e).db_name;
                (quote!(Enum), quote!(::core::option::Option::Some(#db)))
            }
            _ => (quote!(String), quote!(::core::option::Option::None)),
        };
        let optional = f.arity == Arity::Optional;
        let list = f.arity == Arity::List;
        let native = match &f.native_type {
            Some(n) => {
                let n = &n.name;
                quote!(::core::option::Option::Some(#n))
            }
            None => quote!(::core::option::Option::None),
        };
        let default = match f.default.as_ref().map(|d| &d.kind) {
            Some(ir::DefaultKind::Now) => quote!(::core::option::Option::Some(
                ::quarry::meta::ClientDefault::Now
            )),
            Some(ir::DefaultKind::Uuid(v)) => {
                quote!(::core::option::Option::Some(::quarry::meta::ClientDefault::Uuid(#v)))
            }
            Some(ir::DefaultKind::Cuid(v)) => {
                quote!(::core::option::Option::Some(::quarry::meta::ClientDefault::Cuid(#v)))
            }
            Some(ir::DefaultKind::Nanoid(n)) => {
                quote!(::core::option::Option::Some(::quarry::meta::ClientDefault::Nanoid(#n)))
            }
            Some(ir::DefaultKind::Ulid) => quote!(::core::option::Option::Some(
                ::quarry::meta::ClientDefault::Ulid
            )),
            _ => quote!(::core::option::Option::None),
        };
        let updated_at = f.is_updated_at;
        let generated = matches!(
            f.default.as_ref().map(|d| &d.kind),
            Some(ir::DefaultKind::Autoincrement | ir::DefaultKind::Sequence)
        );
        quote! {
            ::quarry::meta::FieldMeta {
                name: #name,
                column: #column,
                kind: ::quarry::meta::ScalarKind::#kind,
                optional: #optional,
                list: #list,
                enum_db_name: #enum_db,
                native_type: #native,
                default: #default,
                updated_at: #updated_at,
                generated: #generated,
            }
        }
    }

    fn positions(&self, model: ir::ModelId, fields: &[ir::FieldId]) -> TokenStream {
        let info = &self.info[model.0];
        let cols = fields
            .iter()
            .map(|f| Literal::usize_unsuffixed(info.columns[f]));
        quote!(&[#(#cols),*])
    }

    fn relation_meta(&self, id: ir::ModelId, m: &ir::Model, fid: ir::FieldId) -> TokenStream {
        let f = m.field(fid);
        let Some(r) = f.relation() else {
            return quote!();
        };
        let rel = self.schema.relation(r.relation);
        let related = r.related_model;
        let related_module = self.names.model_module(related);
        let name = &f.name;
        let many = f.arity == Arity::List;
        let optional = f.arity == Arity::Optional;
        let mut holds_foreign_key = false;
        // Join tables have Prisma's unique (A, B) and index (B): both lookups are indexed.
        let mut remote_indexed = true;
        let link = match rel.kind {
            RelationKind::ManyToMany => {
                let table = rel.join_table_name().unwrap_or_default();
                let is_a = rel.referencing.model == id && rel.referencing.field == fid;
                let (local_column, remote_column) = if is_a { ("A", "B") } else { ("B", "A") };
                let local_key = self.pk_column(id);
                let remote_key = self.pk_column(related);
                quote! {
                    ::quarry::meta::Link::JoinTable {
                        table: #table,
                        local_column: #local_column,
                        remote_column: #remote_column,
                        local_key: #local_key,
                        remote_key: #remote_key,
                    }
                }
            }
            _ => {
                let referencing = rel.referencing.model == id && rel.referencing.field == fid;
                holds_foreign_key = referencing;
                let other = self
                    .schema
                    .model(rel.referencing.model)
                    .field(rel.referencing.field);
                let info = other
                    .relation()
                    .expect("referencing side is a relation field");
                let (local, remote) = if referencing {
                    remote_indexed = self.leads_a_key(related, &info.references);
                    (
                        self.positions(id, &info.fields),
                        self.positions(related, &info.references),
                    )
                } else {
                    remote_indexed = self.leads_a_key(related, &info.fields);
                    (
                        self.positions(id, &info.references),
                        self.positions(related, &info.fields),
                    )
                };
                quote!(::quarry::meta::Link::Direct { local: #local, remote: #remote })
            }
        };
        quote! {
            ::quarry::meta::RelationMeta {
                name: #name,
                related: &super::#related_module::META,
                many: #many,
                optional: #optional,
                link: #link,
                holds_foreign_key: #holds_foreign_key,
                remote_indexed: #remote_indexed,
            }
        }
    }

    /// Whether `fields` of `model` are the leading columns of its primary key, a unique
    /// constraint or an index, so that looking rows up by them does not scan the table.
    fn leads_a_key(&self, model: ir::ModelId, fields: &[ir::FieldId]) -> bool {
        let m = self.schema.model(model);
        let keys = m.primary_key.iter().map(|pk| &pk.fields).chain(
            m.indexes
                .iter()
                .filter(|i| i.kind != ir::IndexKind::Fulltext)
                .map(|i| &i.fields),
        );
        keys.into_iter().any(|key| {
            key.len() >= fields.len()
                && fields
                    .iter()
                    .all(|f| key[..fields.len()].iter().any(|k| k.field == *f))
        })
    }

    fn pk_column(&self, id: ir::ModelId) -> usize {
        let m = self.schema.model(id);
        m.primary_key
            .as_ref()
            .and_then(|pk| pk.fields.first())
            .and_then(|f| self.info[id.0].columns.get(&f.field).copied())
            .unwrap_or(0)
    }

    /// The key used to identify records: the primary key, else the first unique criterion.
    fn identity(&self, id: ir::ModelId) -> Vec<ir::FieldId> {
        self.schema
            .model(id)
            .unique_criteria()
            .into_iter()
            .find(|c| c.iter().all(|f| self.info[id.0].columns.contains_key(f)))
            .unwrap_or_default()
    }

    fn model_module(&self, id: ir::ModelId, m: &ir::Model) -> TokenStream {
        let info = &self.info[id.0];
        let module = self.names.model_module(id);
        let model = self.names.model_type(id);
        let model_name = &m.name;
        let table = &m.db_name;
        let schema = match &m.schema {
            Some(s) => quote!(::core::option::Option::Some(#s)),
            None => quote!(::core::option::Option::None),
        };
        let columns: Vec<_> = m
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| info.columns.contains_key(&ir::FieldId(*i)))
            .map(|(_, f)| f)
            .collect();
        let field_metas = columns.iter().map(|f| self.field_meta(f));
        let pk = self.positions(id, &self.identity(id));
        let relation_metas = info.relations.iter().map(|f| self.relation_meta(id, m, *f));

        let handles = info
            .column_fields
            .iter()
            .enumerate()
            .map(|(pos, fid)| (pos, *fid, m.field(*fid)))
            .map(|(pos, fid, f)| {
                let fname = self.names.handle(id, fid);
                if f.arity == Arity::List {
                    // A scalar list: its own handle, whose filters and writes are a list's.
                    let mut element = f.clone();
                    element.arity = Arity::Required;
                    let ty = self.rust_type(&element, &quote!(super));
                    let doc = format!(
                        " The `{}` scalar list, for `has`, `has_every`, `has_some`, `is_empty`, \
                         `equals`, and `Data::set_list`/`Data::push`.",
                        f.name
                    );
                    return quote! {
                        #[doc = #doc]
                        pub fn #fname() -> ::quarry::api::ListField<super::#model, #ty> {
                            ::quarry::api::ListField::new(#pos)
                        }
                    };
                }
                let ty = self.rust_type(f, &quote!(super));
                let doc = format!(
                    " The `{}` field, for filters, ordering, selection and aggregates.",
                    f.name
                );
                quote! {
                    #[doc = #doc]
                    pub fn #fname() -> ::quarry::api::Field<super::#model, #ty> {
                        ::quarry::api::Field::new(#pos)
                    }
                }
            });

        let relations = info
            .relations
            .iter()
            .enumerate()
            .map(|(pos, fid)| self.relation_handle(id, m, *fid, pos));

        let uniques = self.unique_constructors(id, m);
        let create_fn = self.create_constructor(id, m);
        let doc = format!(
            " Field and relation handles, unique keys and metadata of model `{model_name}`."
        );
        quote! {
            #[doc = #doc]
            #[allow(dead_code, clippy::too_many_arguments)]
            pub mod #module {
                /// What the runtime knows of this model.
                pub static META: ::quarry::meta::ModelMeta = ::quarry::meta::ModelMeta {
                    name: #model_name,
                    table: #table,
                    schema: #schema,
                    fields: &[#(#field_metas),*],
                    primary_key: #pk,
                    relations: &[#(#relation_metas),*],
                    fingerprint: #FINGERPRINT_SLOT,
                };

                /// Arguments for a nested read, e.g. inside `include(...with(...))`.
                pub fn find() -> ::quarry::Find<super::#model, super::#model> {
                    ::core::default::Default::default()
                }

                /// The number of records (aggregate).
                pub fn count() -> ::quarry::Agg<super::#model, ::core::primitive::i64> {
                    ::quarry::count()
                }

                #create_fn

                #(#handles)*
                #(#relations)*
                #(#uniques)*
            }
        }
    }

    fn relation_handle(
        &self,
        id: ir::ModelId,
        m: &ir::Model,
        fid: ir::FieldId,
        pos: usize,
    ) -> TokenStream {
        let f = m.field(fid);
        let Some(r) = f.relation() else {
            return quote!();
        };
        let info = &self.info[id.0];
        let model = self.names.model_type(id);
        let related = self.names.model_type(r.related_model);
        let fname = self.names.handle(id, fid);
        let marker = self.names.marker(id, fid);
        let kind_trait = if f.arity == Arity::List {
            quote!(::quarry::api::ManyRelationField)
        } else {
            quote!(::quarry::api::OneRelationField)
        };
        // The record type with this slot replaced.
        let params: Vec<_> = info
            .relations
            .iter()
            .map(|x| self.slot_param(id, *x))
            .collect();
        let bounds: Vec<_> = info
            .relations
            .iter()
            .filter(|x| **x != fid)
            .map(|x| {
                let p = self.slot_param(id, *x);
                let b = self.slot_bound(m, *x);
                quote!(#p: #b)
            })
            .collect();
        let filled = match f.arity {
            Arity::List => quote!(::std::vec::Vec<T>),
            Arity::Optional => quote!(::core::option::Option<T>),
            Arity::Required => quote!(T),
        };
        let output_args = info.relations.iter().map(|x| {
            if *x == fid {
                filled.clone()
            } else {
                let p = self.slot_param(id, *x);
                quote!(#p)
            }
        });
        let doc = format!(
            " The `{}` relation: filter with it, include it (`include({}())`), or load it with arguments (`{}().with(...)`).",
            f.name, fname, fname
        );
        let marker_doc = format!(" Marker type of relation `{}.{}`.", m.name, f.name);
        // Links can be removed (nested `disconnect`, `set`) for implicit many-to-many
        // relations and when the foreign-key fields are optional.
        let rel = self.schema.relation(r.relation);
        let disconnectable = rel.kind == RelationKind::ManyToMany || {
            let owner = self.schema.model(rel.referencing.model);
            owner
                .field(rel.referencing.field)
                .relation()
                .is_some_and(|info| {
                    !info.fields.is_empty()
                        && info
                            .fields
                            .iter()
                            .all(|x| owner.field(*x).arity == Arity::Optional)
                })
        };
        let disconnectable = if disconnectable {
            quote!(impl ::quarry::api::DisconnectableRelation for self::#marker {})
        } else {
            quote!()
        };
        quote! {
            #[doc = #marker_doc]
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy)]
            pub struct #marker;

            impl ::quarry::api::RelationField for self::#marker {
                type Parent = super::#model;
                type Child = super::#related;
                const INDEX: ::core::primitive::usize = #pos;
            }

            impl #kind_trait for self::#marker {}

            #disconnectable

            #[doc = #doc]
            pub fn #fname() -> ::quarry::Relation<self::#marker, super::#related> {
                ::quarry::Relation::new()
            }

            impl<T: ::quarry::FromRecord, #(#params,)*> ::quarry::IncludeIn<super::#model<#(#params),*>> for ::quarry::Relation<self::#marker, T>
            where #(#bounds,)*
            {
                type Output = super::#model<#(#output_args),*>;
                fn into_include(self) -> ::quarry::query::Include {
                    ::quarry::Relation::into_include(self)
                }
            }
        }
    }

    /// `model::create(required fields...)`: the data of a new record. Fields that are required
    /// and have no default are arguments, so a create that misses one does not compile; the
    /// others are set with `.set(...)`.
    fn create_constructor(&self, id: ir::ModelId, m: &ir::Model) -> TokenStream {
        let info = &self.info[id.0];
        let model = self.names.model_type(id);
        let required: Vec<(ir::FieldId, &ir::Field)> = info
            .column_fields
            .iter()
            .map(|f| (*f, m.field(*f)))
            .filter(|(_, f)| f.is_required_on_create())
            .collect();
        let args = self.constructor_args(id, &required);
        let sets = self.constructor_sets(id, &required);
        let names: Vec<String> = required
            .iter()
            .map(|(_, f)| format!("`{}`", f.name))
            .collect();
        let doc = if names.is_empty() {
            format!(
                " The data of a new `{}`; every field has a default or is optional.",
                m.name
            )
        } else {
            format!(
                " The data of a new `{}`, with its required fields {}.",
                m.name,
                names.join(", ")
            )
        };
        let without = self.create_without_constructors(id, m);
        quote! {
            #[doc = #doc]
            pub fn create(#(#args),*) -> ::quarry::Data<super::#model> {
                ::quarry::Data::new()#(#sets)*
            }

            #(#without)*
        }
    }

    /// `model::create_without_<relation>(required fields...)`, one per relation whose foreign
    /// key this model holds: the data of a record created under that relation (a nested
    /// `create` or `connect_or_create` from the other side, or with `.connect(relation, key)`),
    /// whose foreign-key fields the runtime fills from the related record, so they are not
    /// arguments.
    fn create_without_constructors(&self, id: ir::ModelId, m: &ir::Model) -> Vec<TokenStream> {
        let info = &self.info[id.0];
        let model = self.names.model_type(id);
        let mut out = Vec::new();
        for fid in &info.relations {
            let rf = m.field(*fid);
            let Some(r) = rf.relation() else { continue };
            if r.fields.is_empty() {
                continue;
            }
            let required: Vec<(ir::FieldId, &ir::Field)> = info
                .column_fields
                .iter()
                .filter(|f| !r.fields.contains(f))
                .map(|f| (*f, m.field(*f)))
                .filter(|(_, f)| f.is_required_on_create())
                .collect();
            let args = self.constructor_args(id, &required);
            let sets = self.constructor_sets(id, &required);
            let fn_name = self.names.create_without(id, *fid);
            let fk: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("`{}`", m.field(*f).name))
                .collect();
            let doc = format!(
                " The data of a new `{}` linked through its `{}` relation, without the foreign key ({}): the runtime fills it from the related record. For nested `create`/`connect_or_create` from the other side, or with `.connect({}(), key)` / `.create({}(), data)` here.",
                m.name,
                rf.name,
                fk.join(", "),
                self.names.handle(id, *fid),
                self.names.handle(id, *fid),
            );
            out.push(quote! {
                #[doc = #doc]
                pub fn #fn_name(#(#args),*) -> ::quarry::Data<super::#model> {
                    ::quarry::Data::new()#(#sets)*
                }
            });
        }
        out
    }

    fn unique_constructors(&self, id: ir::ModelId, m: &ir::Model) -> Vec<TokenStream> {
        let info = &self.info[id.0];
        let model = self.names.model_type(id);
        let mut out = Vec::new();
        for (i, criterion) in info.uniques.iter().enumerate() {
            let fields: Vec<(ir::FieldId, &ir::Field)> =
                criterion.iter().map(|f| (*f, m.field(*f))).collect();
            let fn_name = self.names.unique(id, i);
            let args = self.constructor_args(id, &fields);
            let pairs = fields.iter().map(|(fid, _)| {
                let n = self.names.field(id, *fid);
                let col = info.columns[fid];
                quote!((#col, ::quarry::IntoValue::into_value(::core::convert::Into::into(#n))))
            });
            let doc = format!(
                " The `{}` record with this {}.",
                m.name,
                fields
                    .iter()
                    .map(|(_, f)| format!("`{}`", f.name))
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
            out.push(quote! {
                #[doc = #doc]
                pub fn #fn_name(#(#args),*) -> ::quarry::UniqueWhere<super::#model> {
                    ::quarry::UniqueWhere::new(::std::vec![#(#pairs),*])
                }
            });
        }
        out
    }

    /// The arguments of a constructor in a model's module: one per field, converted with `Into`.
    fn constructor_args(
        &self,
        id: ir::ModelId,
        fields: &[(ir::FieldId, &ir::Field)],
    ) -> Vec<TokenStream> {
        fields
            .iter()
            .map(|(fid, f)| {
                let n = self.names.field(id, *fid);
                let ty = self.rust_type(f, &quote!(super));
                quote!(#n: impl ::core::convert::Into<#ty>)
            })
            .collect()
    }

    /// The `.set(...)` calls that put constructor arguments into a record's data.
    fn constructor_sets(
        &self,
        id: ir::ModelId,
        fields: &[(ir::FieldId, &ir::Field)],
    ) -> Vec<TokenStream> {
        fields
            .iter()
            .map(|(fid, _)| {
                let n = self.names.field(id, *fid);
                let handle = self.names.handle(id, *fid);
                quote!(.set(self::#handle(), ::core::convert::Into::into(#n)))
            })
            .collect()
    }

    fn client(&self) -> TokenStream {
        let accessors = self.models().map(|(id, m)| {
            let fname = self.names.accessor(id);
            let model = self.names.model_type(id);
            let doc = format!(" Queries on `{}`.", m.name);
            quote! {
                #[doc = #doc]
                pub fn #fname(&self) -> ::quarry::Actions<'_, self::#model> {
                    ::quarry::Actions::new(&self.inner)
                }
            }
        });
        let client = &self.names.client;
        // Relative SQLite paths resolve against the schema's folder, as in the CLI.
        let base_dir = match &self.schema_dir {
            Some(dir) => quote! {
                if options.base_dir.is_none() {
                    options.base_dir = ::core::option::Option::Some(
                        ::std::path::Path::new(::core::env!("CARGO_MANIFEST_DIR")).join(#dir),
                    );
                }
            },
            None => quote!(),
        };
        let provider = match self.schema.provider() {
            Some(p) => {
                let name = p.as_str();
                quote!(::core::option::Option::Some(#name))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            /// A connection to the database, with one accessor per model.
            #[allow(dead_code)]
            #[derive(::core::fmt::Debug, ::core::clone::Clone)]
            pub struct #client {
                inner: ::quarry::Client,
            }

            // Accessors are named after models, whatever conventions those names break.
            #[allow(dead_code, clippy::wrong_self_convention, clippy::should_implement_trait)]
            impl #client {
                /// Connects to `url`, which must be for the schema's provider.
                pub async fn connect(url: &::core::primitive::str) -> ::quarry::Result<Self> {
                    Self::connect_with(url, ::core::default::Default::default()).await
                }

                /// Connects to `DATABASE_URL` (from the environment or a `.env` file).
                pub async fn from_env() -> ::quarry::Result<Self> {
                    Self::connect_with(&::quarry::client::database_url()?, ::core::default::Default::default()).await
                }

                /// Connects with options (relation load strategy, base folder for SQLite paths,
                /// cache); the URL must be for the schema's provider.
                pub async fn connect_with(url: &::core::primitive::str, mut options: ::quarry::ConnectOptions) -> ::quarry::Result<Self> {
                    options.provider = options.provider.or(#provider);
                    #base_dir
                    ::core::result::Result::Ok(Self { inner: ::quarry::Client::connect_with(url, options).await? })
                }

                /// Wraps an existing runtime client.
                pub fn from_client(inner: ::quarry::Client) -> Self {
                    Self { inner }
                }

                /// The runtime client (raw queries, pool, statistics).
                pub fn raw(&self) -> &::quarry::Client {
                    &self.inner
                }

                /// The query result cache: invalidation by tag, statistics.
                pub fn cache(&self) -> ::quarry::cache::CacheHandle<'_> {
                    self.inner.cache()
                }

                /// Runs `f` in a transaction: committed on `Ok`, rolled back on `Err`, panic,
                /// timeout or drop. Nested calls become savepoints.
                pub async fn transaction<T, E, F, Fut>(&self, f: F) -> ::core::result::Result<T, E>
                where
                    F: FnOnce(Self) -> Fut,
                    Fut: ::std::future::Future<Output = ::core::result::Result<T, E>>,
                    E: ::core::convert::From<::quarry::Error>,
                {
                    self.inner.transaction(|inner| f(Self { inner })).await
                }

                /// Runs independent queries in order, in one transaction: `client.batch((q1, q2))`.
                pub async fn batch<B: ::quarry::api::Batch>(&self, queries: B) -> ::quarry::Result<B::Output> {
                    self.inner.batch(queries).await
                }

                /// [`Self::transaction`] with a timeout, a maximum wait for a connection and an
                /// isolation level.
                pub async fn transaction_with<T, E, F, Fut>(&self, options: ::quarry::TransactionOptions, f: F) -> ::core::result::Result<T, E>
                where
                    F: FnOnce(Self) -> Fut,
                    Fut: ::std::future::Future<Output = ::core::result::Result<T, E>>,
                    E: ::core::convert::From<::quarry::Error>,
                {
                    self.inner.transaction_with(options, |inner| f(Self { inner })).await
                }

                #(#accessors)*
            }
        }
    }
}

/// The scalar a field is read as: `Int` columns whose native type holds more than 32 bits
/// (`@db.UnsignedInt`, `@db.Oid`) are read as `BigInt` (`i64`), so no value is out of range.
fn storage_scalar(f: &ir::Field) -> ScalarType {
    match (
        f.scalar_type(),
        f.native_type.as_ref().map(|n| n.name.as_str()),
    ) {
        (Some(ScalarType::Int), Some("UnsignedInt" | "Oid")) => ScalarType::BigInt,
        (Some(s), _) => s,
        (None, _) => ScalarType::String,
    }
}

fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

fn scalar_type(s: ScalarType) -> TokenStream {
    match s {
        ScalarType::String => quote!(::std::string::String),
        ScalarType::Int => quote!(::core::primitive::i32),
        ScalarType::BigInt => quote!(::core::primitive::i64),
        ScalarType::Float => quote!(::core::primitive::f64),
        ScalarType::Decimal => quote!(::quarry::Decimal),
        ScalarType::Boolean => quote!(::core::primitive::bool),
        ScalarType::DateTime => quote!(::quarry::DateTime),
        ScalarType::Json => quote!(::quarry::Json),
        ScalarType::Bytes => quote!(::std::vec::Vec<::core::primitive::u8>),
    }
}

fn scalar_kind(s: ScalarType) -> TokenStream {
    let k = format_ident!("{}", s.as_str());
    match s {
        ScalarType::Boolean => quote!(Boolean),
        _ => quote!(#k),
    }
}

/// This crate's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
