//! Nested writes: `create` / `update` / `upsert` data that also writes related records
//! (Prisma's `posts: { create, connect, connectOrCreate, disconnect, set, update, upsert,
//! delete, updateMany, deleteMany }`).
//!
//! Owns: the order of a nested write's steps and the foreign keys between them. A nested write
//! runs in one transaction (a savepoint inside one), so it is all or nothing.
//!
//! Order: operations on relations whose foreign key the record itself holds (`post.author`)
//! run first (`create`, `connect`, `connect_or_create`, `disconnect`), because they decide the
//! record's own foreign-key columns; then the record is inserted or updated; then every other
//! operation runs against its now-known key: children of back relations get their foreign key
//! set from the parent (so nested child data never needs it), and implicit many-to-many links
//! become rows of the `_AToB` join table.
//!
//! Foreign keys filled by the runtime always override what the child data set.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::load::{self, Record};
use crate::meta::{FieldMeta, Link, ModelMeta, RelationMeta};
use crate::query::{Filter, FindArgs, Quantifier, RelationLoadStrategy, ScalarOp};
use crate::sql::{self, Dialect, FieldWrite, Sink};
use crate::value::Value;
use crate::write as w;
use std::future::Future;
use std::pin::Pin;

/// A record's key: (column index, value) pairs.
pub type Key = Vec<(usize, Value)>;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The untyped data of a write: column writes plus nested relation writes.
#[derive(Debug, Clone, Default)]
pub struct WriteData {
    /// Column writes.
    pub writes: Vec<(usize, FieldWrite)>,
    /// Writes of related records, in the order they were given.
    pub nested: Vec<Nested>,
}

/// One nested operation on one relation of the written record.
#[derive(Debug, Clone)]
pub struct Nested {
    /// The relation's index in the model's metadata.
    pub relation: usize,
    /// What to do.
    pub op: NestedOp,
}

/// A nested operation. `Option<Key>` is `None` for to-one relations (the one related record).
#[derive(Debug, Clone)]
pub enum NestedOp {
    /// Create a related record and link it.
    Create(WriteData),
    /// Create several related records of a one-to-many relation: one multi-row INSERT when
    /// the records carry no nested writes of their own, else one `Create` each.
    CreateMany(Vec<WriteData>),
    /// Link an existing record; `RecordNotFound` naming the related model when it is absent.
    Connect(Key),
    /// Link the record with this key, creating it from the data when absent.
    ConnectOrCreate(Key, WriteData),
    /// Unlink (to-many: the record with this key; to-one: the related record). Updates only.
    Disconnect(Option<Key>),
    /// Replace the linked records of a to-many relation by these. Updates only.
    Set(Vec<Key>),
    /// Update a linked record. Updates only.
    Update(Option<Key>, WriteData),
    /// Update a linked record, or create and link it. Updates only.
    Upsert(Option<Key>, WriteData, WriteData),
    /// Delete a linked record. Updates only.
    Delete(Option<Key>),
    /// Update the linked records matching a filter. Updates only.
    UpdateMany(Option<Filter>, Vec<(usize, FieldWrite)>),
    /// Delete the linked records matching a filter. Updates only.
    DeleteMany(Option<Filter>),
}

impl NestedOp {
    fn name(&self) -> &'static str {
        match self {
            NestedOp::Create(_) => "create",
            NestedOp::CreateMany(_) => "create_many",
            NestedOp::Connect(_) => "connect",
            NestedOp::ConnectOrCreate(..) => "connect_or_create",
            NestedOp::Disconnect(_) => "disconnect",
            NestedOp::Set(_) => "set",
            NestedOp::Update(..) => "update",
            NestedOp::Upsert(..) => "upsert",
            NestedOp::Delete(_) => "delete",
            NestedOp::UpdateMany(..) => "update_many",
            NestedOp::DeleteMany(_) => "delete_many",
        }
    }

    fn allowed_in_create(&self) -> bool {
        matches!(
            self,
            NestedOp::Create(_)
                | NestedOp::CreateMany(_)
                | NestedOp::Connect(_)
                | NestedOp::ConnectOrCreate(..)
        )
    }
}

fn not_found(m: &'static ModelMeta, operation: &'static str) -> Error {
    Error::RecordNotFound {
        model: m.name,
        operation,
    }
}

fn relation(m: &'static ModelMeta, i: usize) -> Result<&'static RelationMeta> {
    m.relations
        .get(i)
        .ok_or_else(|| Error::InvalidQuery(format!("{} has no relation #{i}", m.name)))
}

fn equals(field: usize, v: Value) -> Filter {
    Filter::Scalar {
        field,
        op: ScalarOp::Equals(v),
        insensitive: false,
    }
}

fn all(filters: Vec<Filter>) -> Filter {
    Filter::And(filters)
}

fn key_filter(key: &Key) -> Filter {
    all(key.iter().map(|(c, v)| equals(*c, v.clone())).collect())
}

fn pk_of_row(m: &'static ModelMeta, row: &[Value]) -> Key {
    m.primary_key
        .iter()
        .map(|c| (*c, row.get(*c).cloned().unwrap_or_default()))
        .collect()
}

/// The first record matching `filter`, all columns.
async fn find_row(c: &Client, m: &'static ModelMeta, filter: Filter) -> Result<Option<Vec<Value>>> {
    let args = FindArgs {
        filter: Some(filter),
        take: Some(1),
        ..Default::default()
    };
    let mut rows = load::find_many(c, m, &args, RelationLoadStrategy::Query).await?;
    Ok(rows.pop().map(|r| r.values))
}

/// The related records linked to the parent whose row is `parent`, as a filter on the related
/// model.
fn connected(
    m: &'static ModelMeta,
    rel: &'static RelationMeta,
    parent: &[Value],
) -> Result<Filter> {
    match &rel.link {
        Link::Direct { local, remote } => Ok(all(local
            .iter()
            .zip(remote.iter())
            .map(|(l, r)| equals(*r, parent[*l].clone()))
            .collect())),
        Link::JoinTable {
            table,
            remote_column,
            local_key,
            ..
        } => {
            // The same join table seen from the related model: its local column is our remote.
            let back = rel
                .related
                .relations
                .iter()
                .position(|r| {
                    matches!(&r.link, Link::JoinTable { table: t, local_column: lc, .. }
                        if t == table && lc == remote_column)
                        && std::ptr::eq(r.related, m)
                })
                .ok_or_else(|| {
                    Error::InvalidQuery(format!(
                        "{}.{}: no back relation for join table {table}",
                        m.name, rel.name
                    ))
                })?;
            Ok(Filter::Relation {
                relation: back,
                quantifier: Quantifier::Some,
                filter: Box::new(equals(*local_key, parent[*local_key].clone())),
            })
        }
    }
}

/// Column writes that point a related record (`remote` columns) at the parent.
fn fk_writes(local: &[usize], remote: &[usize], parent: &[Value]) -> Vec<(usize, FieldWrite)> {
    local
        .iter()
        .zip(remote)
        .map(|(l, r)| (*r, FieldWrite::Set(parent[*l].clone())))
        .collect()
}

/// Sets columns in `writes`, replacing any write of the same columns.
fn override_writes(writes: &mut Vec<(usize, FieldWrite)>, set: Vec<(usize, FieldWrite)>) {
    for (c, fw) in set {
        writes.retain(|(x, _)| *x != c);
        writes.push((c, fw));
    }
}

fn join_table_name(s: &mut dyn Sink, m: &'static ModelMeta, table: &'static str) {
    if let Some(schema) = m.schema {
        s.ident(schema);
        s.sql(".");
    }
    s.ident(table);
}

/// Links `parent` and `child` in an implicit many-to-many join table (no-op when linked).
async fn join_insert(
    c: &Client,
    m: &'static ModelMeta,
    rel: &'static RelationMeta,
    parent: &[Value],
    child: &[Value],
) -> Result<()> {
    let Link::JoinTable {
        table,
        local_column,
        remote_column,
        local_key,
        remote_key,
    } = &rel.link
    else {
        return Ok(());
    };
    let (lf, rf): (&'static FieldMeta, &'static FieldMeta) =
        (&m.fields[*local_key], &rel.related.fields[*remote_key]);
    let (lv, rv) = (parent[*local_key].clone(), child[*remote_key].clone());
    let stmt = sql::compile(c.statement_cache(), c.dialect(), "join_insert", |s| {
        s.sql(match s.dialect() {
            Dialect::Sqlite => "INSERT OR IGNORE INTO ",
            Dialect::Mysql => "INSERT IGNORE INTO ",
            Dialect::Postgres => "INSERT INTO ",
        });
        join_table_name(s, m, table);
        s.sql(" (");
        s.ident(local_column);
        s.sql(", ");
        s.ident(remote_column);
        s.sql(") VALUES (");
        s.bind(&lv, Some(lf));
        s.sql(", ");
        s.bind(&rv, Some(rf));
        s.sql(")");
        if s.dialect() == Dialect::Postgres {
            s.sql(" ON CONFLICT DO NOTHING");
        }
    });
    c.execute(&stmt, Some(m.name)).await?;
    Ok(())
}

/// Unlinks `parent` from `child`, or from every record when `child` is `None`.
async fn join_delete(
    c: &Client,
    m: &'static ModelMeta,
    rel: &'static RelationMeta,
    parent: &[Value],
    child: Option<&[Value]>,
) -> Result<()> {
    let Link::JoinTable {
        table,
        local_column,
        remote_column,
        local_key,
        remote_key,
    } = &rel.link
    else {
        return Ok(());
    };
    let (lf, rf): (&'static FieldMeta, &'static FieldMeta) =
        (&m.fields[*local_key], &rel.related.fields[*remote_key]);
    let lv = parent[*local_key].clone();
    let rv = child.map(|row| row[*remote_key].clone());
    let stmt = sql::compile(c.statement_cache(), c.dialect(), "join_delete", |s| {
        s.sql("DELETE FROM ");
        join_table_name(s, m, table);
        s.sql(" WHERE ");
        s.ident(local_column);
        s.sql(" = ");
        s.bind(&lv, Some(lf));
        if let Some(rv) = &rv {
            s.sql(" AND ");
            s.ident(remote_column);
            s.sql(" = ");
            s.bind(rv, Some(rf));
        }
    });
    c.execute(&stmt, Some(m.name)).await?;
    Ok(())
}

/// Runs an operation on a relation whose foreign key the record holds, before the record is
/// written: sets the record's foreign-key columns in `writes`. Returns the operation back when
/// it must run afterwards instead.
async fn before(
    c: &Client,
    m: &'static ModelMeta,
    n: Nested,
    writes: &mut Vec<(usize, FieldWrite)>,
) -> Result<Option<Nested>> {
    let rel = relation(m, n.relation)?;
    let Link::Direct { local, remote } = &rel.link else {
        return Ok(Some(n));
    };
    if !rel.holds_foreign_key {
        return Ok(Some(n));
    }
    let child_row = match n.op {
        NestedOp::Create(data) => create_in(c, rel.related, data).await?,
        // A to-one relation: the last record created is the one linked, as with several
        // `create`s.
        NestedOp::CreateMany(datas) => {
            let mut last = None;
            for data in datas {
                last = Some(create_in(c, rel.related, data).await?);
            }
            match last {
                Some(row) => row,
                None => return Ok(None),
            }
        }
        NestedOp::Connect(key) => find_row(c, rel.related, key_filter(&key))
            .await?
            .ok_or_else(|| not_found(rel.related, "connect"))?,
        NestedOp::ConnectOrCreate(key, data) => {
            match find_row(c, rel.related, key_filter(&key)).await? {
                Some(row) => row,
                None => create_in(c, rel.related, data).await?,
            }
        }
        NestedOp::Disconnect(_) => {
            if !rel.optional {
                return Err(Error::InvalidQuery(format!(
                    "{}.{}: a required relation cannot be disconnected",
                    m.name, rel.name
                )));
            }
            let nulls = local.iter().map(|l| (*l, FieldWrite::Set(Value::Null)));
            override_writes(writes, nulls.collect());
            return Ok(None);
        }
        op => return Ok(Some(Nested { op, ..n })),
    };
    // The record points at the related one: its `local` columns take the `remote` values.
    override_writes(writes, fk_writes(remote, local, &child_row));
    Ok(None)
}

/// Runs an operation once the parent (whose row is `parent`) is written.
/// Before another record takes the back side of a to-one relation: the record linked now lets
/// go (its optional foreign key becomes NULL), or, when its foreign key is required, the change
/// is refused as Prisma refuses it (P2014). `keep` is the record about to be linked.
async fn release_current(
    c: &Client,
    m: &'static ModelMeta,
    rel: &'static RelationMeta,
    parent: &[Value],
    keep: Option<&[Value]>,
) -> Result<()> {
    let Link::Direct { remote, .. } = &rel.link else {
        return Ok(());
    };
    if rel.many || rel.holds_foreign_key {
        return Ok(());
    }
    let child = rel.related;
    let Some(current) = find_row(c, child, connected(m, rel, parent)?).await? else {
        return Ok(());
    };
    let current_pk = pk_of_row(child, &current);
    if keep.is_some_and(|k| pk_of_row(child, k) == current_pk) {
        return Ok(());
    }
    if !remote.iter().all(|r| child.fields[*r].optional) {
        return Err(Error::RequiredRelationViolation {
            model: m.name,
            relation: rel.name,
            related: child.name,
        });
    }
    let nulls = remote
        .iter()
        .map(|r| (*r, FieldWrite::Set(Value::Null)))
        .collect::<Vec<_>>();
    w::update_by_pk(c, child, &current_pk, &nulls).await?;
    Ok(())
}

async fn after(c: &Client, m: &'static ModelMeta, parent: &[Value], n: Nested) -> Result<()> {
    let rel = relation(m, n.relation)?;
    let child = rel.related;
    let linked = connected(m, rel, parent)?;
    let with_key = |key: &Option<Key>| match key {
        Some(k) => all(vec![linked.clone(), key_filter(k)]),
        None => linked.clone(),
    };
    // Links an existing related record (its row) to the parent.
    let link = |row: Vec<Value>| async move {
        match &rel.link {
            Link::Direct { local, remote } => {
                let pk = pk_of_row(child, &row);
                w::update_by_pk(c, child, &pk, &fk_writes(local, remote, parent)).await?;
            }
            Link::JoinTable { .. } => join_insert(c, m, rel, parent, &row).await?,
        }
        Ok::<_, Error>(())
    };
    // Creates a related record linked to the parent.
    let create = |mut data: WriteData| async move {
        match &rel.link {
            Link::Direct { local, remote } if rel.holds_foreign_key => {
                // The parent points at the new record (a to-one `upsert` that creates).
                let row = create_in(c, child, data).await?;
                let pk = pk_of_row(m, parent);
                w::update_by_pk(c, m, &pk, &fk_writes(remote, local, &row)).await?;
            }
            Link::Direct { local, remote } => {
                override_writes(&mut data.writes, fk_writes(local, remote, parent));
                create_in(c, child, data).await?;
            }
            Link::JoinTable { .. } => {
                let row = create_in(c, child, data).await?;
                join_insert(c, m, rel, parent, &row).await?;
            }
        }
        Ok::<_, Error>(())
    };
    match n.op {
        NestedOp::Create(data) => {
            release_current(c, m, rel, parent, None).await?;
            create(data).await
        }
        NestedOp::CreateMany(datas) => match &rel.link {
            Link::Direct { local, remote }
                if rel.many
                    && !rel.holds_foreign_key
                    && datas.iter().all(|d| d.nested.is_empty()) =>
            {
                let rows = datas
                    .into_iter()
                    .map(|mut d| {
                        override_writes(&mut d.writes, fk_writes(local, remote, parent));
                        d.writes
                    })
                    .collect();
                w::create_many(c, child, rows, false, false).await?;
                Ok(())
            }
            _ => {
                for data in datas {
                    release_current(c, m, rel, parent, None).await?;
                    create(data).await?;
                }
                Ok(())
            }
        },
        NestedOp::Connect(key) => {
            let row = find_row(c, child, key_filter(&key))
                .await?
                .ok_or_else(|| not_found(child, "connect"))?;
            release_current(c, m, rel, parent, Some(&row)).await?;
            link(row).await
        }
        NestedOp::ConnectOrCreate(key, data) => match find_row(c, child, key_filter(&key)).await? {
            Some(row) => {
                release_current(c, m, rel, parent, Some(&row)).await?;
                link(row).await
            }
            None => {
                release_current(c, m, rel, parent, None).await?;
                create(data).await
            }
        },
        NestedOp::Disconnect(key) => match &rel.link {
            Link::Direct { remote, .. } => {
                let nulls = remote.iter().map(|r| (*r, FieldWrite::Set(Value::Null)));
                w::update_many(c, child, Some(with_key(&key)), nulls.collect()).await?;
                Ok(())
            }
            Link::JoinTable { .. } => {
                if let Some(row) = find_row(c, child, with_key(&key)).await? {
                    join_delete(c, m, rel, parent, Some(&row)).await?;
                }
                Ok(())
            }
        },
        NestedOp::Set(keys) => {
            match &rel.link {
                Link::Direct { remote, .. } => {
                    let nulls = remote.iter().map(|r| (*r, FieldWrite::Set(Value::Null)));
                    w::update_many(c, child, Some(linked.clone()), nulls.collect()).await?;
                }
                Link::JoinTable { .. } => join_delete(c, m, rel, parent, None).await?,
            }
            for key in keys {
                let row = find_row(c, child, key_filter(&key))
                    .await?
                    .ok_or_else(|| not_found(child, "set"))?;
                link(row).await?;
            }
            Ok(())
        }
        NestedOp::Update(key, data) => {
            let row = find_row(c, child, with_key(&key))
                .await?
                .ok_or_else(|| not_found(child, "update"))?;
            update_in(c, child, pk_of_row(child, &row), data).await?;
            Ok(())
        }
        NestedOp::Upsert(key, create_data, update_data) => {
            match find_row(c, child, with_key(&key)).await? {
                Some(row) => {
                    update_in(c, child, pk_of_row(child, &row), update_data).await?;
                    Ok(())
                }
                None => create(create_data).await,
            }
        }
        NestedOp::Delete(key) => {
            let row = find_row(c, child, with_key(&key))
                .await?
                .ok_or_else(|| not_found(child, "delete"))?;
            let pk = pk_of_row(child, &row);
            let stmt = sql::compile(c.statement_cache(), c.dialect(), "delete_by_key", |s| {
                sql::delete_by_key_statement(s, child, &pk)
            });
            c.execute(&stmt, Some(child.name)).await?;
            Ok(())
        }
        NestedOp::UpdateMany(filter, data) => {
            let f = match filter {
                Some(f) => all(vec![linked.clone(), f]),
                None => linked.clone(),
            };
            w::update_many(c, child, Some(f), data).await?;
            Ok(())
        }
        NestedOp::DeleteMany(filter) => {
            let f = match filter {
                Some(f) => all(vec![linked.clone(), f]),
                None => linked.clone(),
            };
            w::delete_many(c, child, Some(f)).await?;
            Ok(())
        }
    }
}

/// Inserts a record with its nested writes; returns its row (all columns).
fn create_in<'a>(
    c: &'a Client,
    m: &'static ModelMeta,
    data: WriteData,
) -> BoxFuture<'a, Result<Vec<Value>>> {
    Box::pin(async move {
        let WriteData { mut writes, nested } = data;
        let mut later = Vec::new();
        for n in nested {
            if !n.op.allowed_in_create() {
                let rel = relation(m, n.relation)?;
                return Err(Error::InvalidQuery(format!(
                    "{}.{}: nested {} is only valid in an update",
                    m.name,
                    rel.name,
                    n.op.name()
                )));
            }
            if let Some(n) = before(c, m, n, &mut writes).await? {
                later.push(n);
            }
        }
        let values = w::insert_values(m, writes)?;
        let pk = w::insert_one(c, m, &values).await?;
        let row = find_row(c, m, key_filter(&pk))
            .await?
            .ok_or_else(|| not_found(m, "create"))?;
        for n in later {
            after(c, m, &row, n).await?;
        }
        Ok(row)
    })
}

/// Updates the record with primary key `pk` with its nested writes; returns its new row.
fn update_in<'a>(
    c: &'a Client,
    m: &'static ModelMeta,
    pk: Key,
    data: WriteData,
) -> BoxFuture<'a, Result<Vec<Value>>> {
    Box::pin(async move {
        let WriteData { writes, nested } = data;
        let mut writes = w::update_values(m, writes);
        let mut later = Vec::new();
        for n in nested {
            if let Some(n) = before(c, m, n, &mut writes).await? {
                later.push(n);
            }
        }
        w::update_by_pk(c, m, &pk, &writes).await?;
        let pk = w::pk_after(&pk, &writes);
        let row = find_row(c, m, key_filter(&pk))
            .await?
            .ok_or_else(|| not_found(m, "update"))?;
        for n in later {
            after(c, m, &row, n).await?;
        }
        Ok(row)
    })
}

/// `create` with nested writes, in one transaction; returns the record shaped by `read`.
pub async fn create(
    client: &Client,
    m: &'static ModelMeta,
    data: WriteData,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    client
        .atomic(|tx| async move {
            let row = create_in(&tx, m, data).await?;
            w::read_back(&tx, m, &pk_of_row(m, &row), &read, strategy, "create").await
        })
        .await
}

/// `update` with nested writes, in one transaction; `RecordNotFound` when `key` matches none.
pub async fn update(
    client: &Client,
    m: &'static ModelMeta,
    key: Key,
    data: WriteData,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    client
        .atomic(|tx| async move {
            let row = find_row(&tx, m, key_filter(&key))
                .await?
                .ok_or_else(|| not_found(m, "update"))?;
            let row = update_in(&tx, m, pk_of_row(m, &row), data).await?;
            w::read_back(&tx, m, &pk_of_row(m, &row), &read, strategy, "update").await
        })
        .await
}

/// `upsert` with nested writes, in one transaction.
pub async fn upsert(
    client: &Client,
    m: &'static ModelMeta,
    key: Key,
    create_data: WriteData,
    update_data: WriteData,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    client
        .atomic(|tx| async move {
            let row = match find_row(&tx, m, key_filter(&key)).await? {
                Some(row) => update_in(&tx, m, pk_of_row(m, &row), update_data).await?,
                None => create_in(&tx, m, create_data).await?,
            };
            w::read_back(&tx, m, &pk_of_row(m, &row), &read, strategy, "upsert").await
        })
        .await
}
