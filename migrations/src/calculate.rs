//! From a validated Prisma schema to the database schema Prisma Migrate would create.
//!
//! Owns: the mapping of models, fields, ids, indexes and relations to tables, columns, keys and
//! foreign keys, with Prisma's default column types per dialect (String is `TEXT` / `TEXT` /
//! `VARCHAR(191)`, DateTime is `DATETIME` / `TIMESTAMP(3)` / `DATETIME(3)`, ...), its constraint
//! names (taken from the IR) and its implicit many-to-many join tables `_AToB`.
//! Must not know: SQL text, or how the result is compared or applied.

use crate::database::{
    Column, ColumnArity, ColumnType, DatabaseSchema, DefaultValue, Enum, ForeignKey,
    ForeignKeyAction, Index, IndexAlgorithm, IndexColumn, IndexKind, PrimaryKey, SortOrder, Table,
    TypeFamily, Value,
};
use crate::dialect::Dialect;
use quarry_schema::ir;

/// Computes the database schema for `schema` in its own provider's dialect (SQLite when the
/// schema has no datasource).
pub fn calculate(schema: &ir::Schema) -> DatabaseSchema {
    let dialect = schema
        .provider()
        .map_or(Dialect::Sqlite, Dialect::from_provider);
    calculate_for(schema, dialect)
}

/// Computes the database schema for `schema` in `dialect`.
pub fn calculate_for(schema: &ir::Schema, dialect: Dialect) -> DatabaseSchema {
    let mut db = DatabaseSchema::empty(dialect);
    if dialect == Dialect::Postgres {
        for e in &schema.enums {
            db.enums.push(Enum {
                name: e.db_name.clone(),
                values: e.values.iter().map(|v| v.db_name.clone()).collect(),
            });
        }
    }
    // Model id -> table position.
    let mut table_of: Vec<Option<usize>> = vec![None; schema.models.len()];
    for (mi, model) in schema.models.iter().enumerate() {
        if model.is_view {
            continue;
        }
        let table = model_table(schema, model, dialect, &mut db.enums);
        table_of[mi] = Some(db.tables.len());
        db.tables.push(table);
    }
    let uses_foreign_keys = !matches!(
        &schema.datasource,
        Some(d) if d.relation_mode == ir::RelationMode::Prisma
    );
    if uses_foreign_keys {
        push_inline_foreign_keys(schema, &table_of, &mut db);
    }
    push_join_tables(schema, &table_of, uses_foreign_keys, &mut db);
    db
}

fn model_table(
    schema: &ir::Schema,
    model: &ir::Model,
    dialect: Dialect,
    enums: &mut Vec<Enum>,
) -> Table {
    let mut table = Table::new(model.db_name.clone());
    for (_, field) in model.scalar_fields() {
        table
            .columns
            .push(field_column(schema, model, field, dialect, enums));
    }
    if let Some(pk) = &model.primary_key {
        table.primary_key = Some(PrimaryKey {
            name: (dialect == Dialect::Postgres).then(|| pk.db_name.clone()),
            columns: pk
                .fields
                .iter()
                .map(|f| index_column(model, f, dialect))
                .collect(),
        });
        // Prisma makes a single integer id a rowid alias on SQLite, which always autoincrements.
        if dialect == Dialect::Sqlite && pk.fields.len() == 1 {
            let name = &model.field(pk.fields[0].field).db_name;
            if let Some(col) = table.columns.iter_mut().find(|c| &c.name == name) {
                if col.column_type.family == TypeFamily::Int {
                    col.auto_increment = true;
                }
            }
        }
    }
    // Prisma's order: field-level `@unique`, then `@@index`, then `@@unique`, then `@@fulltext`.
    let mut indexes: Vec<&ir::Index> = model.indexes.iter().collect();
    indexes.sort_by_key(|i| match (i.from_field_attribute, i.kind) {
        (true, _) => 0,
        (false, ir::IndexKind::Normal) => 1,
        (false, ir::IndexKind::Unique) => 2,
        (false, ir::IndexKind::Fulltext) => 3,
    });
    for idx in indexes {
        table.indexes.push(Index {
            name: idx.db_name.clone(),
            kind: match idx.kind {
                ir::IndexKind::Unique => IndexKind::Unique,
                ir::IndexKind::Normal => IndexKind::Normal,
                ir::IndexKind::Fulltext => IndexKind::Fulltext,
            },
            columns: idx
                .fields
                .iter()
                .map(|f| index_column(model, f, dialect))
                .collect(),
            algorithm: if dialect == Dialect::Postgres {
                idx.algorithm.map(algorithm)
            } else {
                None
            },
        });
    }
    table
}

fn algorithm(a: ir::IndexAlgorithm) -> IndexAlgorithm {
    match a {
        ir::IndexAlgorithm::BTree => IndexAlgorithm::BTree,
        ir::IndexAlgorithm::Hash => IndexAlgorithm::Hash,
        ir::IndexAlgorithm::Gist => IndexAlgorithm::Gist,
        ir::IndexAlgorithm::Gin => IndexAlgorithm::Gin,
        ir::IndexAlgorithm::SpGist => IndexAlgorithm::SpGist,
        ir::IndexAlgorithm::Brin => IndexAlgorithm::Brin,
    }
}

fn index_column(model: &ir::Model, f: &ir::IndexField, dialect: Dialect) -> IndexColumn {
    IndexColumn {
        name: model.field(f.field).db_name.clone(),
        sort: f.sort.map(|s| match s {
            ir::SortOrder::Asc => SortOrder::Asc,
            ir::SortOrder::Desc => SortOrder::Desc,
        }),
        length: if dialect == Dialect::Mysql {
            f.length
        } else {
            None
        },
        operator_class: if dialect == Dialect::Postgres {
            f.ops.as_ref().map(|o| o.sql_name().to_string())
        } else {
            None
        },
    }
}

fn field_column(
    schema: &ir::Schema,
    model: &ir::Model,
    field: &ir::Field,
    dialect: Dialect,
    enums: &mut Vec<Enum>,
) -> Column {
    let arity = match field.arity {
        ir::Arity::Required => ColumnArity::Required,
        ir::Arity::Optional => ColumnArity::Nullable,
        ir::Arity::List => ColumnArity::List,
    };
    let column_type = match &field.field_type {
        ir::FieldType::Scalar(s) => scalar_type(*s, field.native_type.as_ref(), dialect),
        ir::FieldType::Enum(id) => {
            let e = schema.enum_(*id);
            match dialect {
                Dialect::Sqlite => ColumnType::simple(TypeFamily::String, "TEXT"),
                Dialect::Postgres => ColumnType::simple(TypeFamily::Enum(e.db_name.clone()), ""),
                Dialect::Mysql => {
                    let name = format!("{}_{}", model.db_name, field.db_name);
                    enums.push(Enum {
                        name: name.clone(),
                        values: e.values.iter().map(|v| v.db_name.clone()).collect(),
                    });
                    ColumnType::simple(TypeFamily::Enum(name), "ENUM")
                }
            }
        }
        ir::FieldType::Unsupported(t) => ColumnType::simple(TypeFamily::Unsupported, t),
        // Relation fields have no column; callers only pass scalar fields.
        ir::FieldType::Relation(_) => ColumnType::simple(TypeFamily::Unsupported, ""),
    };
    let mut auto_increment = false;
    let default = field.default.as_ref().and_then(|d| match &d.kind {
        ir::DefaultKind::Autoincrement => {
            auto_increment = true;
            None
        }
        ir::DefaultKind::Now => Some(DefaultValue::Now),
        ir::DefaultKind::DbGenerated(expr) => {
            Some(DefaultValue::DbGenerated(expr.clone().unwrap_or_default()))
        }
        ir::DefaultKind::Value(lit) => Some(DefaultValue::Value(literal_value(
            schema,
            &field.field_type,
            lit,
        ))),
        // Generated by the client, not the database.
        ir::DefaultKind::Uuid(_)
        | ir::DefaultKind::Cuid(_)
        | ir::DefaultKind::Nanoid(_)
        | ir::DefaultKind::Ulid
        | ir::DefaultKind::Sequence => None,
    });
    Column {
        name: field.db_name.clone(),
        column_type,
        arity,
        default,
        auto_increment,
    }
}

fn literal_value(schema: &ir::Schema, field_type: &ir::FieldType, lit: &ir::Literal) -> Value {
    match lit {
        ir::Literal::List(items) => Value::List(
            items
                .iter()
                .map(|i| literal_value(schema, field_type, i))
                .collect(),
        ),
        ir::Literal::EnumValue(name) => {
            let db_name = match field_type {
                ir::FieldType::Enum(id) => schema
                    .enum_(*id)
                    .values
                    .iter()
                    .find(|v| &v.name == name)
                    .map(|v| v.db_name.clone()),
                _ => None,
            };
            Value::Enum(db_name.unwrap_or_else(|| name.clone()))
        }
        ir::Literal::Boolean(b) => Value::Boolean(*b),
        ir::Literal::Int(i) => match field_type {
            ir::FieldType::Scalar(ir::ScalarType::Float | ir::ScalarType::Decimal) => {
                Value::Number(i.to_string())
            }
            _ => Value::Int(*i),
        },
        ir::Literal::Float(s) => Value::Number(s.clone()),
        ir::Literal::String(s) => match field_type {
            ir::FieldType::Scalar(ir::ScalarType::DateTime) => Value::DateTime(s.clone()),
            ir::FieldType::Scalar(ir::ScalarType::Json) => Value::Json(s.clone()),
            ir::FieldType::Scalar(ir::ScalarType::Bytes) => {
                Value::Bytes(crate::util::base64_decode(s).unwrap_or_else(|| s.as_bytes().to_vec()))
            }
            ir::FieldType::Scalar(
                ir::ScalarType::Decimal | ir::ScalarType::Float | ir::ScalarType::BigInt,
            ) => Value::Number(s.clone()),
            ir::FieldType::Enum(_) => Value::Enum(s.clone()),
            _ => Value::String(s.clone()),
        },
    }
}

/// The column type Prisma gives a scalar field: its `@db.*` native type, else the dialect's
/// default for the scalar.
pub(crate) fn scalar_type(
    scalar: ir::ScalarType,
    native: Option<&ir::NativeType>,
    dialect: Dialect,
) -> ColumnType {
    use ir::ScalarType as S;
    let family = match scalar {
        S::Int => TypeFamily::Int,
        S::BigInt => TypeFamily::BigInt,
        S::Float => TypeFamily::Float,
        S::Decimal => TypeFamily::Decimal,
        S::Boolean => TypeFamily::Boolean,
        S::String => TypeFamily::String,
        S::DateTime => TypeFamily::DateTime,
        S::Json => TypeFamily::Json,
        S::Bytes => TypeFamily::Binary,
    };
    if let Some(n) = native {
        if let Some(t) = native_type(&family, n, dialect) {
            return t;
        }
    }
    let (name, args): (&str, Vec<u32>) = match (dialect, scalar) {
        (Dialect::Sqlite, S::Int) => ("INTEGER", vec![]),
        (Dialect::Sqlite, S::BigInt) => ("BIGINT", vec![]),
        (Dialect::Sqlite, S::Float) => ("REAL", vec![]),
        (Dialect::Sqlite, S::Decimal) => ("DECIMAL", vec![]),
        (Dialect::Sqlite, S::Boolean) => ("BOOLEAN", vec![]),
        (Dialect::Sqlite, S::String) => ("TEXT", vec![]),
        (Dialect::Sqlite, S::DateTime) => ("DATETIME", vec![]),
        (Dialect::Sqlite, S::Json) => ("JSONB", vec![]),
        (Dialect::Sqlite, S::Bytes) => ("BLOB", vec![]),
        (Dialect::Postgres, S::Int) => ("INTEGER", vec![]),
        (Dialect::Postgres, S::BigInt) => ("BIGINT", vec![]),
        (Dialect::Postgres, S::Float) => ("DOUBLE PRECISION", vec![]),
        (Dialect::Postgres, S::Decimal) => ("DECIMAL", vec![65, 30]),
        (Dialect::Postgres, S::Boolean) => ("BOOLEAN", vec![]),
        (Dialect::Postgres, S::String) => ("TEXT", vec![]),
        (Dialect::Postgres, S::DateTime) => ("TIMESTAMP", vec![3]),
        (Dialect::Postgres, S::Json) => ("JSONB", vec![]),
        (Dialect::Postgres, S::Bytes) => ("BYTEA", vec![]),
        (Dialect::Mysql, S::Int) => ("INTEGER", vec![]),
        (Dialect::Mysql, S::BigInt) => ("BIGINT", vec![]),
        (Dialect::Mysql, S::Float) => ("DOUBLE", vec![]),
        (Dialect::Mysql, S::Decimal) => ("DECIMAL", vec![65, 30]),
        (Dialect::Mysql, S::Boolean) => ("BOOLEAN", vec![]),
        (Dialect::Mysql, S::String) => ("VARCHAR", vec![191]),
        (Dialect::Mysql, S::DateTime) => ("DATETIME", vec![3]),
        (Dialect::Mysql, S::Json) => ("JSON", vec![]),
        (Dialect::Mysql, S::Bytes) => ("LONGBLOB", vec![]),
    };
    ColumnType::with_args(family, name, args)
}

fn native_type(family: &TypeFamily, n: &ir::NativeType, dialect: Dialect) -> Option<ColumnType> {
    let name = match (dialect, n.name.as_str()) {
        (Dialect::Postgres, "Text") => "TEXT",
        (Dialect::Postgres, "Char") => "CHAR",
        (Dialect::Postgres, "VarChar") => "VARCHAR",
        (Dialect::Postgres, "Bit") => "BIT",
        (Dialect::Postgres, "VarBit") => "VARBIT",
        (Dialect::Postgres, "Uuid") => "UUID",
        (Dialect::Postgres, "Xml") => "XML",
        (Dialect::Postgres, "Inet") => "INET",
        (Dialect::Postgres, "Citext") => "CITEXT",
        (Dialect::Postgres, "Boolean") => "BOOLEAN",
        (Dialect::Postgres, "Integer") => "INTEGER",
        (Dialect::Postgres, "SmallInt") => "SMALLINT",
        (Dialect::Postgres, "Oid") => "OID",
        (Dialect::Postgres, "BigInt") => "BIGINT",
        (Dialect::Postgres, "Real") => "REAL",
        (Dialect::Postgres, "DoublePrecision") => "DOUBLE PRECISION",
        (Dialect::Postgres, "Decimal") => "DECIMAL",
        (Dialect::Postgres, "Money") => "MONEY",
        (Dialect::Postgres, "Timestamp") => "TIMESTAMP",
        (Dialect::Postgres, "Timestamptz") => "TIMESTAMPTZ",
        (Dialect::Postgres, "Date") => "DATE",
        (Dialect::Postgres, "Time") => "TIME",
        (Dialect::Postgres, "Timetz") => "TIMETZ",
        (Dialect::Postgres, "Json") => "JSON",
        (Dialect::Postgres, "JsonB") => "JSONB",
        (Dialect::Postgres, "ByteA") => "BYTEA",
        (Dialect::Mysql, "VarChar") => "VARCHAR",
        (Dialect::Mysql, "Text") => "TEXT",
        (Dialect::Mysql, "Char") => "CHAR",
        (Dialect::Mysql, "TinyText") => "TINYTEXT",
        (Dialect::Mysql, "MediumText") => "MEDIUMTEXT",
        (Dialect::Mysql, "LongText") => "LONGTEXT",
        (Dialect::Mysql, "Bit") => "BIT",
        (Dialect::Mysql, "Binary") => "BINARY",
        (Dialect::Mysql, "VarBinary") => "VARBINARY",
        (Dialect::Mysql, "TinyBlob") => "TINYBLOB",
        (Dialect::Mysql, "Blob") => "BLOB",
        (Dialect::Mysql, "MediumBlob") => "MEDIUMBLOB",
        (Dialect::Mysql, "LongBlob") => "LONGBLOB",
        (Dialect::Mysql, "Int") => "INTEGER",
        (Dialect::Mysql, "UnsignedInt") => "INTEGER UNSIGNED",
        (Dialect::Mysql, "SmallInt") => "SMALLINT",
        (Dialect::Mysql, "UnsignedSmallInt") => "SMALLINT UNSIGNED",
        (Dialect::Mysql, "TinyInt") if *family == TypeFamily::Boolean => "BOOLEAN",
        (Dialect::Mysql, "TinyInt") => "TINYINT",
        (Dialect::Mysql, "UnsignedTinyInt") => "TINYINT UNSIGNED",
        (Dialect::Mysql, "MediumInt") => "MEDIUMINT",
        (Dialect::Mysql, "UnsignedMediumInt") => "MEDIUMINT UNSIGNED",
        (Dialect::Mysql, "BigInt") => "BIGINT",
        (Dialect::Mysql, "UnsignedBigInt") => "BIGINT UNSIGNED",
        (Dialect::Mysql, "Year") => "YEAR",
        (Dialect::Mysql, "Decimal") => "DECIMAL",
        (Dialect::Mysql, "Float") => "FLOAT",
        (Dialect::Mysql, "Double") => "DOUBLE",
        (Dialect::Mysql, "DateTime") => "DATETIME",
        (Dialect::Mysql, "Timestamp") => "TIMESTAMP",
        (Dialect::Mysql, "Time") => "TIME",
        (Dialect::Mysql, "Date") => "DATE",
        (Dialect::Mysql, "Json") => "JSON",
        _ => return None,
    };
    Some(ColumnType::with_args(family.clone(), name, n.args.clone()))
}

fn action(a: ir::ReferentialAction) -> ForeignKeyAction {
    match a {
        ir::ReferentialAction::Cascade => ForeignKeyAction::Cascade,
        ir::ReferentialAction::Restrict => ForeignKeyAction::Restrict,
        ir::ReferentialAction::NoAction => ForeignKeyAction::NoAction,
        ir::ReferentialAction::SetNull => ForeignKeyAction::SetNull,
        ir::ReferentialAction::SetDefault => ForeignKeyAction::SetDefault,
    }
}

fn push_inline_foreign_keys(
    schema: &ir::Schema,
    table_of: &[Option<usize>],
    db: &mut DatabaseSchema,
) {
    // (table position, relation field position, foreign key): sorted so that each table lists its
    // foreign keys in the order of its relation fields, as Prisma does.
    let mut fks: Vec<(usize, usize, ForeignKey)> = Vec::new();
    for rel in &schema.relations {
        if rel.kind == ir::RelationKind::ManyToMany {
            continue;
        }
        let (Some(from), Some(to)) = (
            table_of[rel.referencing.model.0],
            table_of[rel.referenced.model.0],
        ) else {
            continue;
        };
        let model = schema.model(rel.referencing.model);
        let related = schema.model(rel.referenced.model);
        let Some(info) = model.field(rel.referencing.field).relation() else {
            continue;
        };
        let table_name = db.tables[from].name.clone();
        let columns: Vec<String> = info
            .fields
            .iter()
            .map(|f| model.field(*f).db_name.clone())
            .collect();
        let referenced_columns = info
            .references
            .iter()
            .map(|f| related.field(*f).db_name.clone())
            .collect();
        let name = rel.fk_db_name.clone().unwrap_or_else(|| {
            let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
            ir::constraint_name(&table_name, &cols, "fkey", schema.provider())
        });
        fks.push((
            from,
            rel.referencing.field.0,
            ForeignKey {
                name: Some(name),
                columns,
                referenced_table: db.tables[to].name.clone(),
                referenced_columns,
                on_delete: action(rel.on_delete),
                on_update: action(rel.on_update),
            },
        ));
    }
    fks.sort_by_key(|(t, f, _)| (*t, *f));
    for (t, _, fk) in fks {
        db.tables[t].foreign_keys.push(fk);
    }
}

fn push_join_tables(
    schema: &ir::Schema,
    table_of: &[Option<usize>],
    uses_foreign_keys: bool,
    db: &mut DatabaseSchema,
) {
    let limit = db_identifier_limit(db.dialect);
    let mut m2m: Vec<&ir::Relation> = schema
        .relations
        .iter()
        .filter(|r| r.kind == ir::RelationKind::ManyToMany)
        .collect();
    // Prisma creates join tables in the order it meets the relations: by model, then field.
    m2m.sort_by_key(|r| {
        let a = (r.referencing.model.0, r.referencing.field.0);
        let b = (r.referenced.model.0, r.referenced.field.0);
        a.min(b)
    });
    for rel in m2m {
        let (Some(a_table), Some(b_table)) = (
            table_of[rel.referencing.model.0],
            table_of[rel.referenced.model.0],
        ) else {
            continue;
        };
        let Some(name) = rel.join_table_name() else {
            continue;
        };
        let name: String = name.chars().take(limit).collect();
        let id_column = |t: usize| -> Option<(String, ColumnType)> {
            let table = &db.tables[t];
            let pk = table.primary_key.as_ref()?.columns.first()?;
            let col = table.column(&pk.name)?;
            Some((col.name.clone(), col.column_type.clone()))
        };
        let (Some((a_id, a_type)), Some((b_id, b_type))) = (id_column(a_table), id_column(b_table))
        else {
            continue;
        };
        let mut table = Table::new(name.clone());
        for (col, tpe) in [("A", a_type), ("B", b_type)] {
            table.columns.push(Column {
                name: col.to_string(),
                column_type: tpe,
                arity: ColumnArity::Required,
                default: None,
                auto_increment: false,
            });
        }
        let ab = vec![IndexColumn::named("A"), IndexColumn::named("B")];
        if db.dialect == Dialect::Postgres {
            table.primary_key = Some(PrimaryKey {
                name: Some(format!("{}_AB_pkey", truncate(&name, limit - 8))),
                columns: ab,
            });
        } else {
            table.indexes.push(Index {
                name: format!("{}_AB_unique", truncate(&name, limit - 10)),
                kind: IndexKind::Unique,
                columns: ab,
                algorithm: None,
            });
        }
        table.indexes.push(Index {
            name: format!("{}_B_index", truncate(&name, limit - 8)),
            kind: IndexKind::Normal,
            columns: vec![IndexColumn::named("B")],
            algorithm: None,
        });
        if uses_foreign_keys {
            let fk_room = limit - "_fkey".len() - 2;
            let prefix = truncate(&name, fk_room);
            for (col, target, id) in [("A", a_table, &a_id), ("B", b_table, &b_id)] {
                table.foreign_keys.push(ForeignKey {
                    name: Some(format!("{prefix}_{col}_fkey")),
                    columns: vec![col.to_string()],
                    referenced_table: db.tables[target].name.clone(),
                    referenced_columns: vec![id.clone()],
                    on_delete: ForeignKeyAction::Cascade,
                    on_update: ForeignKeyAction::Cascade,
                });
            }
        }
        db.tables.push(table);
    }
}

fn db_identifier_limit(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres => 63,
        Dialect::Mysql => 64,
        Dialect::Sqlite => 10_000,
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}
