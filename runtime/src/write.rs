//! Running writes: create, update, upsert, delete, and their `_many` forms.
//!
//! Owns: client-side defaults (`now()`, `uuid()`, `cuid()`, `nanoid()`, `ulid()`,
//! `@updatedAt`), finding a record's primary key, and reading written records back with the
//! read machinery so that `include` and `select` work on writes too. A write of one record
//! runs in a transaction (a savepoint inside one), so its steps are all or nothing. Writes whose
//! data carries nested writes of related records run in [`crate::nested`] instead, which builds
//! on the helpers here.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::exec::ColumnSpec;
use crate::load::{self, Record};
use crate::meta::{ClientDefault, ModelMeta};
use crate::query::{FindArgs, RelationLoadStrategy, ScalarOp};
use crate::sql::{self, FieldWrite};
use crate::value::Value;

/// A record's identity: (column index, value) pairs.
pub(crate) type Key = Vec<(usize, Value)>;

fn now() -> Value {
    // Prisma keeps milliseconds.
    let now = chrono::Utc::now();
    let ms = now.timestamp_millis();
    Value::DateTime(chrono::DateTime::from_timestamp_millis(ms).unwrap_or(now))
}

fn client_default(d: ClientDefault, now: &Value) -> Value {
    match d {
        ClientDefault::Now => now.clone(),
        ClientDefault::Uuid(v) => Value::String(crate::ids::uuid(v)),
        ClientDefault::Cuid(v) => Value::String(crate::ids::cuid(v)),
        ClientDefault::Nanoid(n) => Value::String(crate::ids::nanoid(n)),
        ClientDefault::Ulid => Value::String(crate::ids::ulid()),
    }
}

/// The columns an insert writes: what was given, plus client-side defaults and `@updatedAt`.
pub(crate) fn insert_values(
    m: &'static ModelMeta,
    data: Vec<(usize, FieldWrite)>,
) -> Result<Vec<(usize, Value)>> {
    // One timestamp per record: `now()` and `@updatedAt` fields agree, as in Prisma. Read
    // from the clock only when a field needs it.
    let mut timestamp: Option<Value> = None;
    let mut values: Vec<(usize, Value)> = Vec::with_capacity(m.fields.len());
    for (c, w) in data {
        match w {
            FieldWrite::Set(v) => values.push((c, v)),
            _ => {
                return Err(Error::InvalidQuery(format!(
                    "{}.{}: increment, decrement, multiply, divide and push only apply to updates",
                    m.name, m.fields[c].name
                )))
            }
        }
    }
    for (i, f) in m.fields.iter().enumerate() {
        if (!f.updated_at && f.default.is_none()) || values.iter().any(|(c, _)| *c == i) {
            continue;
        }
        let ts = timestamp.get_or_insert_with(now);
        match f.default {
            Some(d) if !f.updated_at => values.push((i, client_default(d, ts))),
            _ => values.push((i, ts.clone())),
        }
    }
    values.sort_by_key(|(c, _)| *c);
    Ok(values)
}

/// Adds `@updatedAt = now()` to an update that does not set it.
pub(crate) fn update_values(
    m: &'static ModelMeta,
    mut data: Vec<(usize, FieldWrite)>,
) -> Vec<(usize, FieldWrite)> {
    // As in Prisma, an update that changes no column (only relations) leaves @updatedAt alone.
    if data.is_empty() {
        return data;
    }
    let timestamp = now();
    for (i, f) in m.fields.iter().enumerate() {
        if f.updated_at && !data.iter().any(|(c, _)| *c == i) {
            data.push((i, FieldWrite::Set(timestamp.clone())));
        }
    }
    data
}

fn key_filter(key: &Key) -> crate::query::Filter {
    crate::query::Filter::And(
        key.iter()
            .map(|(field, v)| crate::query::Filter::Scalar {
                field: *field,
                op: ScalarOp::Equals(v.clone()),
                insensitive: false,
            })
            .collect(),
    )
}

fn pk_of(m: &'static ModelMeta, values: &[Value]) -> Key {
    m.primary_key
        .iter()
        .zip(values)
        .map(|(c, v)| (*c, v.clone()))
        .collect()
}

/// The primary key of the record matching `key`, or `None`.
async fn find_pk(client: &Client, m: &'static ModelMeta, key: &Key) -> Result<Option<Key>> {
    let args = FindArgs {
        filter: Some(key_filter(key)),
        take: Some(1),
        columns: Some(m.primary_key.to_vec()),
        ..Default::default()
    };
    let mut rows = load::find_many(client, m, &args, RelationLoadStrategy::Query).await?;
    Ok(rows.pop().map(|r| pk_of(m, &r.values)))
}

/// Reads the record with primary key `pk`, shaped by `read` (columns, includes, counts).
pub(crate) async fn read_back(
    client: &Client,
    m: &'static ModelMeta,
    pk: &Key,
    read: &FindArgs,
    strategy: RelationLoadStrategy,
    operation: &'static str,
) -> Result<Record> {
    let mut args = read.clone();
    args.filter = Some(key_filter(pk));
    args.take = Some(1);
    let mut rows = load::find_many(client, m, &args, strategy).await?;
    rows.pop().ok_or(Error::RecordNotFound {
        model: m.name,
        operation,
    })
}

fn not_found(m: &'static ModelMeta, operation: &'static str) -> Error {
    Error::RecordNotFound {
        model: m.name,
        operation,
    }
}

/// Inserts one row and returns its primary key.
pub(crate) async fn insert_one(
    client: &Client,
    m: &'static ModelMeta,
    values: &[(usize, Value)],
) -> Result<Key> {
    let cols: Vec<usize> = values.iter().map(|(c, _)| *c).collect();
    let row: Vec<Value> = values.iter().map(|(_, v)| v.clone()).collect();
    let pk_known = m.primary_key.iter().all(|c| cols.contains(c));
    let dialect = client.dialect();
    let returning: &[usize] = if pk_known || !client.supports_insert_returning() {
        &[]
    } else {
        m.primary_key
    };
    let rows = [row];
    let stmt = sql::compile(client.statement_cache(), dialect, "insert", |s| {
        sql::insert_statement(s, m, &cols, &rows, false, returning)
    });
    if pk_known {
        client.execute(&stmt, Some(m.name)).await?;
        return Ok(m
            .primary_key
            .iter()
            .map(|c| {
                let v = values.iter().find(|(x, _)| x == c).map(|(_, v)| v.clone());
                (*c, v.unwrap_or_default())
            })
            .collect());
    }
    if !returning.is_empty() {
        let specs: Vec<ColumnSpec> = returning
            .iter()
            .map(|c| ColumnSpec::Field(&m.fields[*c]))
            .collect();
        let mut rows = client.fetch(&stmt, &specs, m.name).await?;
        let row = rows.pop().ok_or_else(|| not_found(m, "create"))?;
        return Ok(pk_of(m, &row));
    }
    // MySQL: the generated id of this connection's last insert.
    client.execute(&stmt, Some(m.name)).await?;
    let id_stmt = sql::compile(client.statement_cache(), dialect, "last_insert_id", |s| {
        sql::last_insert_id_statement(s)
    });
    let pk_field = m.primary_key.first().copied().ok_or_else(|| {
        Error::InvalidQuery(format!("{} has no primary key to read back", m.name))
    })?;
    let mut rows = client
        .fetch(&id_stmt, &[ColumnSpec::Field(&m.fields[pk_field])], m.name)
        .await?;
    let id = rows.pop().and_then(|mut r| r.pop()).unwrap_or_default();
    Ok(vec![(pk_field, id)])
}

/// `create`: inserts one record and returns it, shaped by `read`.
pub async fn create(
    client: &Client,
    m: &'static ModelMeta,
    data: Vec<(usize, FieldWrite)>,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    let values = insert_values(m, data)?;
    // One statement when the database can return the whole row and nothing else is asked.
    let plain = read.includes.is_empty() && read.counts.is_empty() && read.columns.is_none();
    if plain && client.supports_insert_returning() && !m.primary_key.is_empty() {
        let (cols, row): (Vec<usize>, Vec<Value>) = values.into_iter().unzip();
        let rows = [row];
        let all: Vec<usize> = (0..m.fields.len()).collect();
        let stmt = sql::compile(
            client.statement_cache(),
            client.dialect(),
            "insert_returning",
            |s| sql::insert_statement(s, m, &cols, &rows, false, &all),
        );
        let specs: Vec<ColumnSpec> = m.fields.iter().map(ColumnSpec::Field).collect();
        let mut rows = client.fetch(&stmt, &specs, m.name).await?;
        let values = rows.pop().ok_or_else(|| not_found(m, "create"))?;
        return Ok(Record {
            values,
            ..Default::default()
        });
    }
    client
        .atomic(|tx| async move {
            let pk = insert_one(&tx, m, &values).await?;
            read_back(&tx, m, &pk, &read, strategy, "create").await
        })
        .await
}

/// `update`: changes the record identified by `key`; `RecordNotFound` when there is none.
pub async fn update(
    client: &Client,
    m: &'static ModelMeta,
    key: Key,
    data: Vec<(usize, FieldWrite)>,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    let data = update_values(m, data);
    client
        .atomic(|tx| async move {
            let pk = find_pk(&tx, m, &key)
                .await?
                .ok_or_else(|| not_found(m, "update"))?;
            update_by_pk(&tx, m, &pk, &data).await?;
            let new_pk = pk_after(&pk, &data);
            read_back(&tx, m, &new_pk, &read, strategy, "update").await
        })
        .await
}

pub(crate) async fn update_by_pk(
    client: &Client,
    m: &'static ModelMeta,
    pk: &Key,
    data: &[(usize, FieldWrite)],
) -> Result<u64> {
    if data.is_empty() {
        return Ok(0);
    }
    let stmt = sql::compile(
        client.statement_cache(),
        client.dialect(),
        "update_by_key",
        |s| sql::update_by_key_statement(s, m, data, pk),
    );
    client.execute(&stmt, Some(m.name)).await
}

/// The primary key once `data` is applied (when the update sets key columns).
pub(crate) fn pk_after(pk: &Key, data: &[(usize, FieldWrite)]) -> Key {
    pk.iter()
        .map(|(c, v)| {
            let new = data.iter().find_map(|(x, w)| match w {
                FieldWrite::Set(nv) if x == c => Some(nv.clone()),
                _ => None,
            });
            (*c, new.unwrap_or_else(|| v.clone()))
        })
        .collect()
}

/// `upsert`: updates the record identified by `key`, or creates it.
pub async fn upsert(
    client: &Client,
    m: &'static ModelMeta,
    key: Key,
    create_data: Vec<(usize, FieldWrite)>,
    update_data: Vec<(usize, FieldWrite)>,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    let update_data = update_values(m, update_data);
    let values = insert_values(m, create_data)?;
    client
        .atomic(|tx| async move {
            let pk = match find_pk(&tx, m, &key).await? {
                Some(pk) => {
                    update_by_pk(&tx, m, &pk, &update_data).await?;
                    pk_after(&pk, &update_data)
                }
                None => insert_one(&tx, m, &values).await?,
            };
            read_back(&tx, m, &pk, &read, strategy, "upsert").await
        })
        .await
}

/// `delete`: removes the record identified by `key` and returns it as it was.
pub async fn delete(
    client: &Client,
    m: &'static ModelMeta,
    key: Key,
    read: FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Record> {
    client
        .atomic(|tx| async move {
            let pk = find_pk(&tx, m, &key)
                .await?
                .ok_or_else(|| not_found(m, "delete"))?;
            let record = read_back(&tx, m, &pk, &read, strategy, "delete").await?;
            let stmt = sql::compile(tx.statement_cache(), tx.dialect(), "delete_by_key", |s| {
                sql::delete_by_key_statement(s, m, &pk)
            });
            tx.execute(&stmt, Some(m.name)).await?;
            Ok(record)
        })
        .await
}

/// `update_many`: changes every record matching `filter`; returns how many.
pub async fn update_many(
    client: &Client,
    m: &'static ModelMeta,
    filter: Option<crate::query::Filter>,
    data: Vec<(usize, FieldWrite)>,
) -> Result<u64> {
    let data = update_values(m, data);
    if data.is_empty() {
        return load::count(
            client,
            m,
            &FindArgs {
                filter,
                ..Default::default()
            },
        )
        .await
        .map(|n| n as u64);
    }
    let stmt = sql::compile(
        client.statement_cache(),
        client.dialect(),
        "update_many",
        |s| sql::update_statement(s, m, &data, filter.as_ref(), &[]),
    );
    client.execute(&stmt, Some(m.name)).await
}

/// `update_many_and_return`: changes every record matching `filter` and returns them as they
/// are now, with one `UPDATE ... RETURNING` (PostgreSQL, SQLite).
pub async fn update_many_and_return(
    client: &Client,
    m: &'static ModelMeta,
    filter: Option<crate::query::Filter>,
    data: Vec<(usize, FieldWrite)>,
) -> Result<Vec<Record>> {
    if client.dialect() == crate::sql::Dialect::Mysql {
        return Err(Error::InvalidQuery(
            "update_many(...).exec_and_return() needs UPDATE ... RETURNING, which MySQL and \
             MariaDB do not have (as in Prisma, updateManyAndReturn is PostgreSQL and SQLite \
             only); use exec() and read the records back"
                .into(),
        ));
    }
    let data = update_values(m, data);
    let args = FindArgs {
        filter,
        ..Default::default()
    };
    if data.is_empty() {
        // Nothing to set: the matching records, unchanged.
        return load::find_many(client, m, &args, crate::query::RelationLoadStrategy::Query).await;
    }
    let all: Vec<usize> = (0..m.fields.len()).collect();
    let specs: Vec<ColumnSpec> = m.fields.iter().map(ColumnSpec::Field).collect();
    let stmt = sql::compile(
        client.statement_cache(),
        client.dialect(),
        "update_many_returning",
        |s| sql::update_statement(s, m, &data, args.filter.as_ref(), &all),
    );
    let rows = client.fetch(&stmt, &specs, m.name).await?;
    Ok(rows
        .into_iter()
        .map(|values| Record {
            values,
            ..Default::default()
        })
        .collect())
}

/// `delete_many`: removes every record matching `filter`; returns how many.
pub async fn delete_many(
    client: &Client,
    m: &'static ModelMeta,
    filter: Option<crate::query::Filter>,
) -> Result<u64> {
    let stmt = sql::compile(
        client.statement_cache(),
        client.dialect(),
        "delete_many",
        |s| sql::delete_statement(s, m, filter.as_ref()),
    );
    client.execute(&stmt, Some(m.name)).await
}

/// Bind parameters per INSERT stay well under every database's limit.
const MAX_BINDS_PER_INSERT: usize = 30_000;

/// `create_many`: inserts all rows (chunked below the bind limit, grouped by the columns they
/// set); with `skip_duplicates`, rows that violate a unique constraint are skipped. Returns the
/// number inserted, and the inserted records when `returning` (everything but MySQL proper).
pub async fn create_many(
    client: &Client,
    m: &'static ModelMeta,
    rows: Vec<Vec<(usize, FieldWrite)>>,
    skip_duplicates: bool,
    returning: bool,
) -> Result<(u64, Vec<Record>)> {
    if returning && !client.supports_insert_returning() {
        return Err(Error::InvalidQuery(
            "create_many_and_return needs RETURNING, which MySQL does not have; use create in a transaction".into(),
        ));
    }
    let mut groups: Vec<(Vec<usize>, Vec<Vec<Value>>)> = Vec::new();
    for data in rows {
        let values = insert_values(m, data)?;
        let same_columns =
            |cols: &Vec<usize>| cols.iter().copied().eq(values.iter().map(|(c, _)| *c));
        match groups.iter().position(|(c, _)| same_columns(c)) {
            Some(g) => groups[g]
                .1
                .push(values.into_iter().map(|(_, v)| v).collect()),
            None => {
                let (cols, row) = values.into_iter().unzip();
                groups.push((cols, vec![row]));
            }
        }
    }
    let all: Vec<usize> = (0..m.fields.len()).collect();
    let specs: Vec<ColumnSpec> = m.fields.iter().map(ColumnSpec::Field).collect();
    // One statement is atomic by itself; more need a transaction.
    let single_statement =
        groups.len() == 1 && groups[0].1.len() <= MAX_BINDS_PER_INSERT / groups[0].0.len().max(1);
    let run = |tx: Client| async move {
        let mut count = 0;
        let mut records = Vec::new();
        for (cols, rows) in &groups {
            let per_chunk = (MAX_BINDS_PER_INSERT / cols.len().max(1)).max(1);
            for chunk in rows.chunks(per_chunk) {
                let ret: &[usize] = if returning { &all } else { &[] };
                let stmt = sql::compile(tx.statement_cache(), tx.dialect(), "insert_many", |s| {
                    sql::insert_statement(s, m, cols, chunk, skip_duplicates, ret)
                });
                if returning {
                    let rows = tx.fetch(&stmt, &specs, m.name).await?;
                    count += rows.len() as u64;
                    records.extend(rows.into_iter().map(|values| Record {
                        values,
                        ..Default::default()
                    }));
                } else {
                    count += tx.execute(&stmt, Some(m.name)).await?;
                }
            }
        }
        Ok::<_, Error>((count, records))
    };
    if single_statement {
        run(client.clone()).await
    } else {
        client.atomic(run).await
    }
}
