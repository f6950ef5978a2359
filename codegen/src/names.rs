//! Rust names for schema names: types in UpperCamelCase, modules and functions in snake_case,
//! keywords as raw identifiers, and no clash between generated items.
//!
//! Every Rust namespace the generated code fills is a [`Namespace`] that hands out names in a
//! fixed order: the generator's own items first, then schema items in schema order. A name
//! already taken gets the first free number (`created_at_2`, `Role2`), so the same schema
//! always gives the same names. The rule is documented in the README ("Names in the
//! generated client"); keep the two in step.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use quarry_schema::ir::{self, Schema};
use std::collections::{HashMap, HashSet};
use syn::Ident;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// The methods of the generated client, which model accessors must not take.
const CLIENT_METHODS: &[&str] = &[
    "connect",
    "from_env",
    "connect_with",
    "from_client",
    "raw",
    "transaction",
    "transaction_with",
    "batch",
    "cache",
];

/// The functions and statics every model module has, which field handles must not take.
const MODULE_ITEMS: &[&str] = &["META", "find", "count", "create"];

/// How a namespace spells its names.
#[derive(Clone, Copy)]
enum Case {
    /// Types: `Role`, `Role2`.
    Camel,
    /// Modules and functions: `created_at`, `created_at_2`.
    Snake,
}

impl Case {
    fn convert(self, name: &str) -> String {
        match self {
            Case::Camel => name.to_upper_camel_case(),
            Case::Snake => name.to_snake_case(),
        }
    }

    fn numbered(self, name: &str, n: usize) -> String {
        match self {
            Case::Camel => format!("{name}{n}"),
            Case::Snake => format!("{name}_{n}"),
        }
    }

    /// The name of something whose schema name converts to nothing (`_`).
    fn placeholder(self) -> &'static str {
        match self {
            Case::Camel => "X",
            Case::Snake => "x",
        }
    }
}

/// An identifier for `name`: raw when it is a keyword (`r#type`); `self`/`Self`/`super`/`crate`,
/// which cannot be raw, get a trailing `_`. Characters Rust does not accept in identifiers
/// (some Unicode letters and digits the schema language allows) become `uXXXX`.
pub(crate) fn ident(name: &str) -> Ident {
    match name {
        "self" | "Self" | "super" | "crate" => Ident::new(&format!("{name}_"), Span::call_site()),
        n if KEYWORDS.contains(&n) => Ident::new_raw(n, Span::call_site()),
        n => syn::parse_str::<Ident>(n).unwrap_or_else(|_| {
            let escaped: String = n
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c.to_string()
                    } else {
                        format!("u{:04x}", u32::from(c))
                    }
                })
                .collect();
            let escaped = match escaped.chars().next() {
                Some(c) if c.is_ascii_alphabetic() || (c == '_' && escaped.len() > 1) => escaped,
                _ => format!("x{escaped}"),
            };
            Ident::new(&escaped, Span::call_site())
        }),
    }
}

/// `name` without the `r#` of a raw identifier, to build longer names from.
fn plain(name: &Ident) -> String {
    let s = name.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// The names taken in one Rust namespace.
struct Namespace {
    case: Case,
    taken: HashSet<String>,
}

impl Namespace {
    fn new(case: Case, reserved: &[&str]) -> Self {
        Namespace {
            case,
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The identifier for schema name `name` (converted to this namespace's case), numbered
    /// when taken.
    fn claim(&mut self, name: &str) -> Ident {
        let converted = self.case.convert(name);
        self.claim_exact(&converted)
    }

    /// The identifier `name` as given, numbered when taken.
    fn claim_exact(&mut self, name: &str) -> Ident {
        let base = if name.is_empty() {
            self.case.placeholder()
        } else {
            name
        };
        let mut candidate = ident(base);
        let mut n = 1;
        while !self.taken.insert(plain(&candidate)) {
            n += 1;
            candidate = ident(&self.case.numbered(base, n));
        }
        candidate
    }

    fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// The names of one model's generated items.
#[derive(Default)]
struct ModelNames {
    /// Struct fields and constructor arguments.
    fields: HashMap<ir::FieldId, Ident>,
    /// Field and relation handle functions in the model's module.
    handles: HashMap<ir::FieldId, Ident>,
    /// Relation marker types in the model's module.
    markers: HashMap<ir::FieldId, Ident>,
    /// Type parameters of relation slots.
    slots: HashMap<ir::FieldId, Ident>,
    /// `create_without_<relation>` functions.
    create_without: HashMap<ir::FieldId, Ident>,
    /// `by_<fields>` functions, one per unique criterion the generator emits.
    uniques: Vec<Ident>,
}

/// The parts of a model the generator emits, in schema order.
pub(crate) struct ModelItems<'a> {
    /// Fields that are columns of the generated struct.
    pub(crate) columns: &'a [ir::FieldId],
    /// Relation fields of the generated struct.
    pub(crate) relations: &'a [ir::FieldId],
    /// Unique criteria that get a `by_*` constructor.
    pub(crate) uniques: &'a [Vec<ir::FieldId>],
}

pub(crate) struct Names {
    model_types: Vec<Ident>,
    model_modules: Vec<Ident>,
    accessors: Vec<Ident>,
    enum_types: Vec<Ident>,
    variants: Vec<Vec<Ident>>,
    models: Vec<ModelNames>,
    pub(crate) client: Ident,
}

impl Names {
    /// Names every item of `schema`; `items(model)` says which fields and keys the generator
    /// emits for a model.
    pub(crate) fn new<'a>(schema: &Schema, items: impl Fn(ir::ModelId) -> ModelItems<'a>) -> Self {
        // Models, enums, the client and the model modules share the module's type namespace.
        let mut types = Namespace::new(Case::Camel, &[]);
        let model_types: Vec<Ident> = schema.models.iter().map(|m| types.claim(&m.name)).collect();
        let enum_types: Vec<Ident> = schema.enums.iter().map(|e| types.claim(&e.name)).collect();
        // A model may be called `Client`; the client then takes another name.
        let client = ["Client", "QuarryClient", "DbClient"]
            .into_iter()
            .find(|c| !types.is_taken(c))
            .map(|c| types.claim_exact(c))
            .unwrap_or_else(|| types.claim_exact("QuarryDatabaseClient"));
        let top_level_types = types.taken.clone();
        types.case = Case::Snake;
        let model_modules: Vec<Ident> =
            schema.models.iter().map(|m| types.claim(&m.name)).collect();
        let mut methods = Namespace::new(Case::Snake, CLIENT_METHODS);
        let accessors = model_modules
            .iter()
            .map(|m| methods.claim_exact(&plain(m)))
            .collect();
        let variants = schema
            .enums
            .iter()
            .map(|e| {
                let mut ns = Namespace::new(Case::Camel, &[]);
                e.values.iter().map(|v| ns.claim(&v.name)).collect()
            })
            .collect();
        let models = schema
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| model_names(m, &items(ir::ModelId(i)), &top_level_types))
            .collect();
        Names {
            model_types,
            model_modules,
            accessors,
            enum_types,
            variants,
            models,
            client,
        }
    }

    pub(crate) fn model_type(&self, id: ir::ModelId) -> Ident {
        self.model_types[id.0].clone()
    }

    pub(crate) fn model_module(&self, id: ir::ModelId) -> Ident {
        self.model_modules[id.0].clone()
    }

    /// The client's method that queries the model.
    pub(crate) fn accessor(&self, id: ir::ModelId) -> Ident {
        self.accessors[id.0].clone()
    }

    pub(crate) fn enum_type(&self, id: ir::EnumId) -> Ident {
        self.enum_types[id.0].clone()
    }

    /// The variants of an enum, in schema order.
    pub(crate) fn variants(&self, id: ir::EnumId) -> &[Ident] {
        &self.variants[id.0]
    }

    /// A struct field (and constructor argument).
    pub(crate) fn field(&self, model: ir::ModelId, f: ir::FieldId) -> Ident {
        lookup(&self.models[model.0].fields, f)
    }

    /// A handle function in the model's module.
    pub(crate) fn handle(&self, model: ir::ModelId, f: ir::FieldId) -> Ident {
        lookup(&self.models[model.0].handles, f)
    }

    /// The marker type of a relation.
    pub(crate) fn marker(&self, model: ir::ModelId, f: ir::FieldId) -> Ident {
        lookup(&self.models[model.0].markers, f)
    }

    /// The type parameter of a relation slot.
    pub(crate) fn slot_param(&self, model: ir::ModelId, f: ir::FieldId) -> Ident {
        lookup(&self.models[model.0].slots, f)
    }

    /// The `create_without_<relation>` constructor.
    pub(crate) fn create_without(&self, model: ir::ModelId, f: ir::FieldId) -> Ident {
        lookup(&self.models[model.0].create_without, f)
    }

    /// The `by_*` constructor of the model's `i`-th emitted unique criterion.
    pub(crate) fn unique(&self, model: ir::ModelId, i: usize) -> Ident {
        self.models[model.0].uniques[i].clone()
    }
}

/// Every name is assigned in [`Names::new`] for each item the generator emits, so a miss is a
/// generator bug; the placeholder keeps it a compile error in the output instead of a panic.
fn lookup(map: &HashMap<ir::FieldId, Ident>, f: ir::FieldId) -> Ident {
    map.get(&f)
        .cloned()
        .unwrap_or_else(|| Ident::new("__quarry_unnamed", Span::call_site()))
}

fn model_names(
    m: &ir::Model,
    items: &ModelItems<'_>,
    top_level_types: &HashSet<String>,
) -> ModelNames {
    let mut names = ModelNames::default();
    let in_struct: Vec<ir::FieldId> = (0..m.fields.len())
        .map(ir::FieldId)
        .filter(|f| items.columns.contains(f) || items.relations.contains(f))
        .collect();
    let mut fields = Namespace::new(Case::Snake, &[]);
    for f in &in_struct {
        names.fields.insert(*f, fields.claim(&m.field(*f).name));
    }
    let plain_names: HashMap<ir::FieldId, String> =
        names.fields.iter().map(|(f, n)| (*f, plain(n))).collect();
    let field_name = |f: &ir::FieldId| plain_names.get(f).cloned().unwrap_or_default();

    // The module's value namespace: its fixed items, then the constructors, then the handles.
    let mut functions = Namespace::new(Case::Snake, MODULE_ITEMS);
    for f in items.relations {
        let holds_key = m.field(*f).relation().is_some_and(|r| !r.fields.is_empty());
        if holds_key {
            let name = functions.claim(&format!("create_without_{}", field_name(f)));
            names.create_without.insert(*f, name);
        }
    }
    for criterion in items.uniques {
        let joined: Vec<String> = criterion.iter().map(field_name).collect();
        names
            .uniques
            .push(functions.claim(&format!("by_{}", joined.join("_"))));
    }
    for f in &in_struct {
        let base = field_name(f);
        // Handles keep clear of the generated functions' names and prefixes, so adding a
        // unique key or a relation never renames a handle.
        let reserved = matches!(base.as_str(), "find" | "count" | "create" | "meta")
            || base.starts_with("by_")
            || base.starts_with("create_without_");
        let base = if reserved {
            format!("{base}_field")
        } else {
            base
        };
        names.handles.insert(*f, functions.claim_exact(&base));
    }

    // Relation markers are the module's only types. Slot parameters share the impls' generic
    // parameters with `T` and must not hide a model or enum: derives name the struct itself.
    let mut markers = Namespace::new(Case::Camel, &[]);
    let mut slots = Namespace::new(Case::Camel, &["T"]);
    slots.taken.extend(top_level_types.iter().cloned());
    for f in items.relations {
        let camel = m.field(*f).name.to_upper_camel_case();
        names
            .markers
            .insert(*f, markers.claim_exact(&format!("{camel}Relation")));
        // `Author` reads as the model of that name; `AuthorSlot` says what it is.
        let slot = if slots.is_taken(&plain(&ident(&camel))) {
            format!("{camel}Slot")
        } else {
            camel
        };
        names.slots.insert(*f, slots.claim_exact(&slot));
    }
    names
}
