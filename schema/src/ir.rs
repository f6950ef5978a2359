//! The validated, resolved schema.
//!
//! Owns: the meaning of a schema once every name is resolved: models with their database names,
//! fields with their types and defaults, both sides of every relation, ids, uniques and indexes
//! with their constraint names. Codegen and migrations read only this, never the syntax tree.
//! It is immutable once built; ids (`ModelId`, `FieldId`, ...) index into its vectors.

use crate::source::Span;

/// Index of a model in [`Schema::models`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelId(pub usize);

/// Index of a field in [`Model::fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub usize);

/// Index of an enum in [`Schema::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub usize);

/// Index of a relation in [`Schema::relations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationId(pub usize);

/// A whole validated schema.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The datasource, when the schema has one.
    pub datasource: Option<Datasource>,
    /// Generator blocks.
    pub generators: Vec<Generator>,
    /// Models and views, in source order.
    pub models: Vec<Model>,
    /// Enums, in source order.
    pub enums: Vec<Enum>,
    /// Every relation, with both sides resolved.
    pub relations: Vec<Relation>,
}

impl Schema {
    /// The provider, or `None` when the schema has no datasource.
    pub fn provider(&self) -> Option<Provider> {
        self.datasource.as_ref().map(|d| d.provider)
    }

    /// The model with this id.
    pub fn model(&self, id: ModelId) -> &Model {
        &self.models[id.0]
    }

    /// The enum with this id.
    pub fn enum_(&self, id: EnumId) -> &Enum {
        &self.enums[id.0]
    }

    /// The relation with this id.
    pub fn relation(&self, id: RelationId) -> &Relation {
        &self.relations[id.0]
    }

    /// The model named `name` (schema name, not database name).
    pub fn find_model(&self, name: &str) -> Option<(ModelId, &Model)> {
        self.models
            .iter()
            .enumerate()
            .find(|(_, m)| m.name == name)
            .map(|(i, m)| (ModelId(i), m))
    }

    /// The enum named `name`.
    pub fn find_enum(&self, name: &str) -> Option<(EnumId, &Enum)> {
        self.enums
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == name)
            .map(|(i, e)| (EnumId(i), e))
    }

    /// Models and views that are not ignored.
    pub fn active_models(&self) -> impl Iterator<Item = (ModelId, &Model)> {
        self.models
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_ignored)
            .map(|(i, m)| (ModelId(i), m))
    }
}

/// A database the schema targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// `sqlite`
    Sqlite,
    /// `postgresql` / `postgres`
    Postgres,
    /// `mysql` (MySQL and MariaDB)
    Mysql,
}

impl Provider {
    /// The canonical provider string.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Sqlite => "sqlite",
            Provider::Postgres => "postgresql",
            Provider::Mysql => "mysql",
        }
    }

    /// Parses a `provider = "..."` value.
    pub fn parse(s: &str) -> Option<Provider> {
        match s {
            "sqlite" => Some(Provider::Sqlite),
            "postgresql" | "postgres" => Some(Provider::Postgres),
            "mysql" => Some(Provider::Mysql),
            _ => None,
        }
    }

    /// The longest identifier the database accepts, which bounds constraint names.
    pub fn max_identifier_length(self) -> usize {
        match self {
            Provider::Postgres => 63,
            Provider::Mysql => 64,
            Provider::Sqlite => 10_000,
        }
    }

    /// The native-type prefix is the datasource name; this is what it is for.
    pub fn supports_enums(self) -> bool {
        true
    }

    /// Whether `Type[]` scalar lists can be stored.
    pub fn supports_scalar_lists(self) -> bool {
        matches!(self, Provider::Postgres)
    }
}

/// A value that is either literal or read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigValue {
    /// `"literal"`
    Literal(String),
    /// `env("VAR")`
    Env(String),
}

impl ConfigValue {
    /// Resolves the value, reading the environment for `env(...)`.
    pub fn resolve(&self) -> Option<String> {
        match self {
            ConfigValue::Literal(s) => Some(s.clone()),
            ConfigValue::Env(var) => std::env::var(var).ok(),
        }
    }
}

/// How relations are enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationMode {
    /// Real foreign keys in the database (the default).
    ForeignKeys,
    /// Emulated by the client; no foreign keys.
    Prisma,
}

/// The `datasource` block.
#[derive(Debug, Clone)]
pub struct Datasource {
    /// Block name (also the native-type prefix, e.g. `db` in `@db.VarChar`).
    pub name: String,
    /// The provider.
    pub provider: Provider,
    /// `url`, when given (Prisma 6 style). Prisma 7 style reads `DATABASE_URL` instead.
    pub url: Option<ConfigValue>,
    /// `shadowDatabaseUrl`.
    pub shadow_database_url: Option<ConfigValue>,
    /// `directUrl`.
    pub direct_url: Option<ConfigValue>,
    /// `relationMode`.
    pub relation_mode: RelationMode,
    /// `schemas` (multi-schema, Postgres).
    pub schemas: Vec<String>,
    /// `extensions` (Postgres).
    pub extensions: Vec<String>,
    /// Where.
    pub span: Span,
}

/// A `generator` block.
#[derive(Debug, Clone)]
pub struct Generator {
    /// Block name.
    pub name: String,
    /// `provider`.
    pub provider: ConfigValue,
    /// `output`, as written (relative to the schema file).
    pub output: Option<ConfigValue>,
    /// `previewFeatures`.
    pub preview_features: Vec<String>,
    /// All other properties, as text.
    pub config: Vec<(String, String)>,
    /// Where.
    pub span: Span,
}

/// A model or a view.
#[derive(Debug, Clone)]
pub struct Model {
    /// Schema name.
    pub name: String,
    /// Table name (after `@@map`).
    pub db_name: String,
    /// Postgres schema (`@@schema`), when multi-schema is used.
    pub schema: Option<String>,
    /// True for `view` blocks.
    pub is_view: bool,
    /// `@@ignore`.
    pub is_ignored: bool,
    /// `///` lines.
    pub documentation: Vec<String>,
    /// Fields in source order.
    pub fields: Vec<Field>,
    /// `@id` or `@@id`.
    pub primary_key: Option<PrimaryKey>,
    /// `@unique`, `@@unique`, `@@index`, `@@fulltext`, in source order.
    pub indexes: Vec<Index>,
    /// Where.
    pub span: Span,
}

impl Model {
    /// The field named `name`.
    pub fn find_field(&self, name: &str) -> Option<(FieldId, &Field)> {
        self.fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name)
            .map(|(i, f)| (FieldId(i), f))
    }

    /// The field with this id.
    pub fn field(&self, id: FieldId) -> &Field {
        &self.fields[id.0]
    }

    /// Fields stored in a column (scalars, enums, unsupported), in order.
    pub fn scalar_fields(&self) -> impl Iterator<Item = (FieldId, &Field)> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_relation())
            .map(|(i, f)| (FieldId(i), f))
    }

    /// Relation fields, in order.
    pub fn relation_fields(&self) -> impl Iterator<Item = (FieldId, &Field)> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_relation())
            .map(|(i, f)| (FieldId(i), f))
    }

    /// Unique constraints (not plain indexes), in order.
    pub fn unique_indexes(&self) -> impl Iterator<Item = &Index> {
        self.indexes.iter().filter(|i| i.kind == IndexKind::Unique)
    }

    /// Every set of fields that identifies a record: the primary key, then each unique.
    pub fn unique_criteria(&self) -> Vec<Vec<FieldId>> {
        let mut out = Vec::new();
        if let Some(pk) = &self.primary_key {
            out.push(pk.fields.iter().map(|f| f.field).collect());
        }
        for idx in self.unique_indexes() {
            out.push(idx.fields.iter().map(|f| f.field).collect());
        }
        out
    }
}

/// The scalar types of the schema language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `String`
    String,
    /// `Int` (32-bit)
    Int,
    /// `BigInt` (64-bit)
    BigInt,
    /// `Float` (64-bit)
    Float,
    /// `Decimal`
    Decimal,
    /// `Boolean`
    Boolean,
    /// `DateTime`
    DateTime,
    /// `Json`
    Json,
    /// `Bytes`
    Bytes,
}

impl ScalarType {
    /// Parses a scalar type name.
    pub fn parse(s: &str) -> Option<ScalarType> {
        Some(match s {
            "String" => ScalarType::String,
            "Int" => ScalarType::Int,
            "BigInt" => ScalarType::BigInt,
            "Float" => ScalarType::Float,
            "Decimal" => ScalarType::Decimal,
            "Boolean" => ScalarType::Boolean,
            "DateTime" => ScalarType::DateTime,
            "Json" => ScalarType::Json,
            "Bytes" => ScalarType::Bytes,
            _ => return None,
        })
    }

    /// The name as written in a schema.
    pub fn as_str(self) -> &'static str {
        match self {
            ScalarType::String => "String",
            ScalarType::Int => "Int",
            ScalarType::BigInt => "BigInt",
            ScalarType::Float => "Float",
            ScalarType::Decimal => "Decimal",
            ScalarType::Boolean => "Boolean",
            ScalarType::DateTime => "DateTime",
            ScalarType::Json => "Json",
            ScalarType::Bytes => "Bytes",
        }
    }

    /// Int, BigInt, Float or Decimal.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ScalarType::Int | ScalarType::BigInt | ScalarType::Float | ScalarType::Decimal
        )
    }
}

/// `T`, `T?` or `T[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arity {
    /// Required.
    Required,
    /// Optional (nullable).
    Optional,
    /// List.
    List,
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// A scalar column.
    Scalar(ScalarType),
    /// An enum column.
    Enum(EnumId),
    /// A relation to another model (no column of its own).
    Relation(RelationInfo),
    /// `Unsupported("type")`: a column the client cannot read or write.
    Unsupported(String),
}

/// The relation side a relation field stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationInfo {
    /// The model on the other side.
    pub related_model: ModelId,
    /// The relation this field is a side of.
    pub relation: RelationId,
    /// `fields:` of `@relation`: the local scalar fields holding the foreign key.
    pub fields: Vec<FieldId>,
    /// `references:` of `@relation`: the referenced fields on the related model.
    pub references: Vec<FieldId>,
    /// `onDelete:`, when written.
    pub on_delete: Option<ReferentialAction>,
    /// `onUpdate:`, when written.
    pub on_update: Option<ReferentialAction>,
}

/// A field of a model.
#[derive(Debug, Clone)]
pub struct Field {
    /// Schema name.
    pub name: String,
    /// Column name (after `@map`); for relation fields, the schema name.
    pub db_name: String,
    /// What it holds.
    pub field_type: FieldType,
    /// Required, optional or list.
    pub arity: Arity,
    /// `@default(...)`.
    pub default: Option<DefaultValue>,
    /// `@db.X(...)`.
    pub native_type: Option<NativeType>,
    /// `@updatedAt`.
    pub is_updated_at: bool,
    /// `@ignore`.
    pub is_ignored: bool,
    /// `///` lines.
    pub documentation: Vec<String>,
    /// Where.
    pub span: Span,
}

impl Field {
    /// True for relation fields.
    pub fn is_relation(&self) -> bool {
        matches!(self.field_type, FieldType::Relation(_))
    }

    /// The relation side, for relation fields.
    pub fn relation(&self) -> Option<&RelationInfo> {
        match &self.field_type {
            FieldType::Relation(r) => Some(r),
            _ => None,
        }
    }

    /// The scalar type, for scalar fields.
    pub fn scalar_type(&self) -> Option<ScalarType> {
        match self.field_type {
            FieldType::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// True when the field must be given on create: required, no default, not a list,
    /// not `@updatedAt`, not ignored and stored in a column.
    pub fn is_required_on_create(&self) -> bool {
        self.arity == Arity::Required
            && self.default.is_none()
            && !self.is_updated_at
            && !self.is_ignored
            && !self.is_relation()
            && !matches!(self.field_type, FieldType::Unsupported(_))
    }
}

/// A `@db.X(args)` native type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeType {
    /// `VarChar`, `Timestamptz`, ...
    pub name: String,
    /// Numeric arguments, e.g. `[255]` or `[10, 2]`.
    pub args: Vec<u32>,
}

/// A field default.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultValue {
    /// The value or generator.
    pub kind: DefaultKind,
    /// `map:` name of the default constraint, if given.
    pub db_name: Option<String>,
}

/// What `@default(...)` holds.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultKind {
    /// A literal value.
    Value(Literal),
    /// `autoincrement()`
    Autoincrement,
    /// `sequence()` (CockroachDB only; kept for completeness).
    Sequence,
    /// `now()`
    Now,
    /// `uuid()` / `uuid(4)` / `uuid(7)`: the version.
    Uuid(u8),
    /// `cuid()` / `cuid(1)` / `cuid(2)`: the version.
    Cuid(u8),
    /// `nanoid()` / `nanoid(n)`: the length, default 21.
    Nanoid(u8),
    /// `ulid()`
    Ulid,
    /// `dbgenerated("sql")`: the expression, if any.
    DbGenerated(Option<String>),
}

/// A literal default value, already checked against the field type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// String (also used for DateTime, Decimal, BigInt and Bytes as written).
    String(String),
    /// Integer.
    Int(i64),
    /// Float, as written.
    Float(String),
    /// Boolean.
    Boolean(bool),
    /// Enum value name.
    EnumValue(String),
    /// A list (for scalar lists).
    List(Vec<Literal>),
}

/// `@id` / `@@id`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimaryKey {
    /// Client-level name (`name:`).
    pub name: Option<String>,
    /// Constraint name: `map:` or the default `{table}_pkey`.
    pub db_name: String,
    /// Whether `map:` was given.
    pub db_name_is_explicit: bool,
    /// The key fields.
    pub fields: Vec<IndexField>,
    /// `clustered:` (SQL Server only: rejected elsewhere).
    pub clustered: Option<bool>,
    /// True for `@@id`.
    pub is_compound_attribute: bool,
}

/// Unique, plain or full-text index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// `@unique` / `@@unique`
    Unique,
    /// `@@index`
    Normal,
    /// `@@fulltext`
    Fulltext,
}

/// Index access method (`type:` on Postgres).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexAlgorithm {
    /// The default.
    BTree,
    /// `Hash`
    Hash,
    /// `Gist`
    Gist,
    /// `Gin`
    Gin,
    /// `SpGist`
    SpGist,
    /// `Brin`
    Brin,
}

impl IndexAlgorithm {
    /// The name as written in `type:`.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexAlgorithm::BTree => "BTree",
            IndexAlgorithm::Hash => "Hash",
            IndexAlgorithm::Gist => "Gist",
            IndexAlgorithm::Gin => "Gin",
            IndexAlgorithm::SpGist => "SpGist",
            IndexAlgorithm::Brin => "Brin",
        }
    }
}

/// Sort order of an index column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Ascending (default).
    Asc,
    /// Descending.
    Desc,
}

/// One column of an index or key.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexField {
    /// The field.
    pub field: FieldId,
    /// `sort:`.
    pub sort: Option<SortOrder>,
    /// `length:` (MySQL prefix length).
    pub length: Option<u32>,
    /// `ops:` operator class (Postgres).
    pub ops: Option<OperatorClass>,
}

/// The `ops:` of an index field: a PostgreSQL operator class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OperatorClass {
    /// A class the schema language knows by name, e.g. `ops: JsonbPathOps`.
    Known(KnownOperatorClass),
    /// `ops: raw("...")`: passed to the database as written, not checked.
    Raw(String),
}

impl OperatorClass {
    /// The SQL name, as written after the column in `CREATE INDEX`.
    pub fn sql_name(&self) -> &str {
        match self {
            OperatorClass::Known(k) => k.sql_name(),
            OperatorClass::Raw(s) => s,
        }
    }
}

macro_rules! operator_classes {
    ($($(#[$doc:meta])* $variant:ident => $sql:literal,)*) => {
        /// The operator classes the schema language knows by name (GiST, GIN, SP-GiST and BRIN).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum KnownOperatorClass {
            $($(#[$doc])* $variant,)*
        }

        impl KnownOperatorClass {
            /// Every known class.
            pub const ALL: &'static [KnownOperatorClass] = &[$(KnownOperatorClass::$variant,)*];

            /// The name as written in a schema (`JsonbPathOps`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(KnownOperatorClass::$variant => stringify!($variant),)*
                }
            }

            /// The PostgreSQL name (`jsonb_path_ops`).
            pub fn sql_name(self) -> &'static str {
                match self {
                    $(KnownOperatorClass::$variant => $sql,)*
                }
            }

            /// Parses a class name as written in a schema.
            pub fn parse(s: &str) -> Option<KnownOperatorClass> {
                match s {
                    $(stringify!($variant) => Some(KnownOperatorClass::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

operator_classes! {
    /// GiST or SP-GiST, `inet`.
    InetOps => "inet_ops",
    /// GIN, `jsonb`.
    JsonbOps => "jsonb_ops",
    /// GIN, `jsonb` (containment and path operators only).
    JsonbPathOps => "jsonb_path_ops",
    /// GIN, any array.
    ArrayOps => "array_ops",
    /// SP-GiST, `text`, `varchar` and `char`.
    TextOps => "text_ops",
    /// BRIN, `bit`.
    BitMinMaxOps => "bit_minmax_ops",
    /// BRIN, `varbit`.
    VarBitMinMaxOps => "varbit_minmax_ops",
    /// BRIN, `char`.
    BpcharBloomOps => "bpchar_bloom_ops",
    /// BRIN, `char`.
    BpcharMinMaxOps => "bpchar_minmax_ops",
    /// BRIN, `bytea`.
    ByteaBloomOps => "bytea_bloom_ops",
    /// BRIN, `bytea`.
    ByteaMinMaxOps => "bytea_minmax_ops",
    /// BRIN, `date`.
    DateBloomOps => "date_bloom_ops",
    /// BRIN, `date`.
    DateMinMaxOps => "date_minmax_ops",
    /// BRIN, `date`.
    DateMinMaxMultiOps => "date_minmax_multi_ops",
    /// BRIN, `real`.
    Float4BloomOps => "float4_bloom_ops",
    /// BRIN, `real`.
    Float4MinMaxOps => "float4_minmax_ops",
    /// BRIN, `real`.
    Float4MinMaxMultiOps => "float4_minmax_multi_ops",
    /// BRIN, `double precision`.
    Float8BloomOps => "float8_bloom_ops",
    /// BRIN, `double precision`.
    Float8MinMaxOps => "float8_minmax_ops",
    /// BRIN, `double precision`.
    Float8MinMaxMultiOps => "float8_minmax_multi_ops",
    /// BRIN, `inet`.
    InetInclusionOps => "inet_inclusion_ops",
    /// BRIN, `inet`.
    InetBloomOps => "inet_bloom_ops",
    /// BRIN, `inet`.
    InetMinMaxOps => "inet_minmax_ops",
    /// BRIN, `inet`.
    InetMinMaxMultiOps => "inet_minmax_multi_ops",
    /// BRIN, `smallint`.
    Int2BloomOps => "int2_bloom_ops",
    /// BRIN, `smallint`.
    Int2MinMaxOps => "int2_minmax_ops",
    /// BRIN, `smallint`.
    Int2MinMaxMultiOps => "int2_minmax_multi_ops",
    /// BRIN, `integer`.
    Int4BloomOps => "int4_bloom_ops",
    /// BRIN, `integer`.
    Int4MinMaxOps => "int4_minmax_ops",
    /// BRIN, `integer`.
    Int4MinMaxMultiOps => "int4_minmax_multi_ops",
    /// BRIN, `bigint`.
    Int8BloomOps => "int8_bloom_ops",
    /// BRIN, `bigint`.
    Int8MinMaxOps => "int8_minmax_ops",
    /// BRIN, `bigint`.
    Int8MinMaxMultiOps => "int8_minmax_multi_ops",
    /// BRIN, `numeric`.
    NumericBloomOps => "numeric_bloom_ops",
    /// BRIN, `numeric`.
    NumericMinMaxOps => "numeric_minmax_ops",
    /// BRIN, `numeric`.
    NumericMinMaxMultiOps => "numeric_minmax_multi_ops",
    /// BRIN, `oid`.
    OidBloomOps => "oid_bloom_ops",
    /// BRIN, `oid`.
    OidMinMaxOps => "oid_minmax_ops",
    /// BRIN, `oid`.
    OidMinMaxMultiOps => "oid_minmax_multi_ops",
    /// BRIN, `text` and `varchar`.
    TextBloomOps => "text_bloom_ops",
    /// BRIN, `text` and `varchar`.
    TextMinMaxOps => "text_minmax_ops",
    /// BRIN, `timestamp`.
    TimestampBloomOps => "timestamp_bloom_ops",
    /// BRIN, `timestamp`.
    TimestampMinMaxOps => "timestamp_minmax_ops",
    /// BRIN, `timestamp`.
    TimestampMinMaxMultiOps => "timestamp_minmax_multi_ops",
    /// BRIN, `timestamptz`.
    TimestampTzBloomOps => "timestamptz_bloom_ops",
    /// BRIN, `timestamptz`.
    TimestampTzMinMaxOps => "timestamptz_minmax_ops",
    /// BRIN, `timestamptz`.
    TimestampTzMinMaxMultiOps => "timestamptz_minmax_multi_ops",
    /// BRIN, `time`.
    TimeBloomOps => "time_bloom_ops",
    /// BRIN, `time`.
    TimeMinMaxOps => "time_minmax_ops",
    /// BRIN, `time`.
    TimeMinMaxMultiOps => "time_minmax_multi_ops",
    /// BRIN, `timetz`.
    TimeTzBloomOps => "timetz_bloom_ops",
    /// BRIN, `timetz`.
    TimeTzMinMaxOps => "timetz_minmax_ops",
    /// BRIN, `timetz`.
    TimeTzMinMaxMultiOps => "timetz_minmax_multi_ops",
    /// BRIN, `uuid`.
    UuidBloomOps => "uuid_bloom_ops",
    /// BRIN, `uuid`.
    UuidMinMaxOps => "uuid_minmax_ops",
    /// BRIN, `uuid`.
    UuidMinMaxMultiOps => "uuid_minmax_multi_ops",
}

/// An index or unique constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Unique, normal or full-text.
    pub kind: IndexKind,
    /// Client-level name (`name:`), used for compound unique inputs.
    pub name: Option<String>,
    /// Database name: `map:` or the default (`{table}_{cols}_key` / `_idx`).
    pub db_name: String,
    /// Whether `map:` was given.
    pub db_name_is_explicit: bool,
    /// The indexed fields.
    pub fields: Vec<IndexField>,
    /// `type:`.
    pub algorithm: Option<IndexAlgorithm>,
    /// `clustered:`.
    pub clustered: Option<bool>,
    /// True when written as a field attribute (`@unique`).
    pub from_field_attribute: bool,
    /// Where.
    pub span: Span,
}

/// `onDelete` / `onUpdate` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    /// `Cascade`
    Cascade,
    /// `Restrict`
    Restrict,
    /// `NoAction`
    NoAction,
    /// `SetNull`
    SetNull,
    /// `SetDefault`
    SetDefault,
}

impl ReferentialAction {
    /// Parses an action name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Cascade" => ReferentialAction::Cascade,
            "Restrict" => ReferentialAction::Restrict,
            "NoAction" => ReferentialAction::NoAction,
            "SetNull" => ReferentialAction::SetNull,
            "SetDefault" => ReferentialAction::SetDefault,
            _ => return None,
        })
    }

    /// The name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferentialAction::Cascade => "Cascade",
            ReferentialAction::Restrict => "Restrict",
            ReferentialAction::NoAction => "NoAction",
            ReferentialAction::SetNull => "SetNull",
            ReferentialAction::SetDefault => "SetDefault",
        }
    }
}

/// The shape of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// Each side has at most one.
    OneToOne,
    /// One record on one side, many on the other.
    OneToMany,
    /// Implicit many-to-many through a `_AToB` join table.
    ManyToMany,
}

/// One side of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationSide {
    /// The model.
    pub model: ModelId,
    /// The relation field on it.
    pub field: FieldId,
}

/// A relation between two models, both sides resolved.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The relation name: explicit, or Prisma's default `AToB` (model names sorted).
    pub name: String,
    /// One-to-one, one-to-many or many-to-many.
    pub kind: RelationKind,
    /// The side holding `fields`/`references` (for many-to-many: the first model by name).
    pub referencing: RelationSide,
    /// The other side.
    pub referenced: RelationSide,
    /// Foreign-key constraint name: `map:` or `{table}_{cols}_fkey`. `None` for many-to-many.
    pub fk_db_name: Option<String>,
    /// The effective `onDelete` (written, or the default for the relation's shape).
    pub on_delete: ReferentialAction,
    /// The effective `onUpdate`.
    pub on_update: ReferentialAction,
}

impl Relation {
    /// For an implicit many-to-many relation: the join table name `_Name`.
    pub fn join_table_name(&self) -> Option<String> {
        (self.kind == RelationKind::ManyToMany).then(|| format!("_{}", self.name))
    }
}

/// An enum.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Schema name.
    pub name: String,
    /// Database name (after `@@map`).
    pub db_name: String,
    /// Postgres schema (`@@schema`).
    pub schema: Option<String>,
    /// Values in order.
    pub values: Vec<EnumValue>,
    /// `///` lines.
    pub documentation: Vec<String>,
    /// Where.
    pub span: Span,
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Schema name.
    pub name: String,
    /// Database value (after `@map`).
    pub db_name: String,
    /// `///` lines.
    pub documentation: Vec<String>,
}

/// Builds a constraint name the way Prisma does: `{table}_{columns}_{suffix}`, with the
/// table-and-columns part cut so that the whole fits the database's identifier limit.
pub fn constraint_name(
    table: &str,
    columns: &[&str],
    suffix: &str,
    provider: Option<Provider>,
) -> String {
    let limit = provider.map_or(usize::MAX, Provider::max_identifier_length);
    let mut base = table.to_string();
    for c in columns {
        base.push('_');
        base.push_str(c);
    }
    let room = limit.saturating_sub(suffix.len() + 1);
    if base.len() > room {
        let mut cut = room;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    format!("{base}_{suffix}")
}
