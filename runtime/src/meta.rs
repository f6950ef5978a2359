//! Static model metadata, written by the code generator.
//!
//! Owns: everything the runtime knows about a schema (tables, columns, keys, relations). The
//! runtime never parses a schema file; generated code hands it these `static`s, and statics
//! may point at each other, so relation cycles need no indirection.

/// The type of a column, as the runtime reads and binds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    /// `String`
    String,
    /// `Int`
    Int,
    /// `BigInt`
    BigInt,
    /// `Float`
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
    /// An enum.
    Enum,
}

/// One column of a model.
#[derive(Debug)]
pub struct FieldMeta {
    /// The field's schema name.
    pub name: &'static str,
    /// The column name.
    pub column: &'static str,
    /// The column type.
    pub kind: ScalarKind,
    /// Nullable.
    pub optional: bool,
    /// A scalar list (PostgreSQL array).
    pub list: bool,
    /// For enums: the database type name (PostgreSQL needs it for casts).
    pub enum_db_name: Option<&'static str>,
    /// The `@db.*` native type name, when given (e.g. `Timestamptz`).
    pub native_type: Option<&'static str>,
    /// A default the client computes on create (the database computes the others).
    pub default: Option<ClientDefault>,
    /// `@updatedAt`: set to the current time on every create and update.
    pub updated_at: bool,
    /// The database generates the value (`autoincrement()`): read it back after an insert.
    pub generated: bool,
}

/// Defaults that Prisma computes in the client, and so does Quarry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientDefault {
    /// `now()`
    Now,
    /// `uuid()` (4) or `uuid(7)`.
    Uuid(u8),
    /// `cuid()` (1) or `cuid(2)`.
    Cuid(u8),
    /// `nanoid(n)`
    Nanoid(u8),
    /// `ulid()`
    Ulid,
}

/// How parent rows and related rows are linked.
#[derive(Debug)]
pub enum Link {
    /// Parent columns `local` equal related columns `remote` (a foreign key on either side).
    Direct {
        /// Column indexes on this model.
        local: &'static [usize],
        /// Column indexes on the related model.
        remote: &'static [usize],
    },
    /// An implicit many-to-many join table `_AToB` with columns `A` and `B`.
    JoinTable {
        /// The join table.
        table: &'static str,
        /// The join column that points at this model (`A` or `B`).
        local_column: &'static str,
        /// The join column that points at the related model.
        remote_column: &'static str,
        /// This model's id column index.
        local_key: usize,
        /// The related model's id column index.
        remote_key: usize,
    },
}

/// A relation field of a model.
pub struct RelationMeta {
    /// The relation field's name.
    pub name: &'static str,
    /// The model on the other side.
    pub related: &'static ModelMeta,
    /// True for list relations.
    pub many: bool,
    /// For to-one relations: whether the related record may be absent.
    pub optional: bool,
    /// How rows are linked.
    pub link: Link,
    /// For [`Link::Direct`]: this side holds the foreign key (`local` are the relation's
    /// `fields`, `remote` its `references`). False on the back side and for join tables.
    pub holds_foreign_key: bool,
    /// The related rows are found through an index: the `remote` columns lead the related
    /// table's primary key, a unique constraint or an index (always, for join tables). The
    /// `Join` strategy looks related rows up once per parent row, so without an index it
    /// scans the related table once per parent; it is the default only where every include
    /// is indexed.
    pub remote_indexed: bool,
}

/// A model: its table, columns, key and relations.
#[derive(Debug)]
pub struct ModelMeta {
    /// The schema name.
    pub name: &'static str,
    /// The table name.
    pub table: &'static str,
    /// The PostgreSQL schema, for multi-schema databases.
    pub schema: Option<&'static str>,
    /// Columns in field order; their positions are the column indexes used everywhere.
    pub fields: &'static [FieldMeta],
    /// Column indexes of the primary key (or the first unique criterion).
    pub primary_key: &'static [usize],
    /// Relation fields.
    pub relations: &'static [RelationMeta],
    /// A hash of the generated client this model belongs to: cached results of another
    /// version of the schema are never read as this one's.
    pub fingerprint: &'static str,
}

impl std::fmt::Debug for RelationMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Relations form cycles; print the related model by name only.
        f.debug_struct("RelationMeta")
            .field("name", &self.name)
            .field("related", &self.related.name)
            .field("many", &self.many)
            .field("link", &self.link)
            .finish()
    }
}

impl ModelMeta {
    /// The column with this index.
    pub fn field(&self, i: usize) -> &'static FieldMeta {
        &self.fields[i]
    }

    /// The relation with this index.
    pub fn relation(&self, i: usize) -> &'static RelationMeta {
        &self.relations[i]
    }

    /// The field named `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

impl PartialEq for ModelMeta {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}
