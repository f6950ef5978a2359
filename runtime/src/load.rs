//! Running reads: rows, then related rows level by level.
//!
//! Owns: relation loading without N+1. A `find_many` with includes nested `d` levels deep runs
//! `d + 1` statements whatever the number of rows: each level loads the related rows of all
//! parents at once (`IN (...)`, chunked to stay under every database's bind limit), then
//! groups them by parent key in memory.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::exec::ColumnSpec;
use crate::meta::{Link, ModelMeta, ScalarKind};
use crate::query::{AggregateArgs, FindArgs, Include, RelationLoadStrategy};
use crate::sql::{self, ChildQuery};
use crate::value::{GroupKey, Value};
use std::collections::HashMap;

mod joined;

/// One row of a model with its loaded relations, before it becomes a typed struct.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// Column values, in the order of the query's columns.
    pub values: Vec<Value>,
    /// One entry per relation of the model.
    pub relations: Vec<RelationData>,
    /// `_count` results, in the order they were asked for.
    pub counts: Vec<i64>,
    /// Related rows loaded on PostgreSQL keep their undecoded row: generated code reads the
    /// columns from it directly (`values` then holds only the keys the loader needed).
    pub(crate) pg_row: Option<PgRowRef>,
}

/// One row of a statement's PostgreSQL result, shared with its sibling rows: records of one
/// include share a single allocation instead of one per row.
#[derive(Debug, Clone)]
pub struct PgRowRef {
    rows: std::sync::Arc<[sqlx::postgres::PgRow]>,
    at: usize,
}

impl std::ops::Deref for PgRowRef {
    type Target = sqlx::postgres::PgRow;
    fn deref(&self) -> &Self::Target {
        &self.rows[self.at]
    }
}

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
            && self.relations == other.relations
            && self.counts == other.counts
            && match (&self.pg_row, &other.pg_row) {
                (None, None) => true,
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(&a.rows, &b.rows) && a.at == b.at,
                _ => false,
            }
    }
}

/// What a relation slot of a [`Record`] holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RelationData {
    /// Not included in the query.
    #[default]
    NotLoaded,
    /// A list relation's records.
    Many(Vec<Record>),
    /// A to-one relation's record, if any.
    One(Option<Box<Record>>),
}

impl Record {
    /// The undecoded PostgreSQL row of all the model's columns, if the record has one
    /// (generated code only).
    pub fn take_pg_row(&mut self) -> Option<PgRowRef> {
        self.pg_row.take()
    }

    /// Takes the value of column `i`, leaving NULL behind.
    pub fn take(&mut self, i: usize) -> Value {
        self.values
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Puts `data` into relation slot `i`.
    pub(crate) fn set_relation(&mut self, i: usize, data: RelationData) {
        if self.relations.len() <= i {
            self.relations.resize(i + 1, RelationData::NotLoaded);
        }
        self.relations[i] = data;
    }

    /// Takes relation slot `i`.
    pub fn take_relation(&mut self, i: usize) -> RelationData {
        self.relations
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

/// Bind parameters per statement stay under SQLite's 32766 and PostgreSQL/MySQL's 65535.
const MAX_KEYS_PER_STATEMENT: usize = 10_000;

fn columns(m: &'static ModelMeta, args: &FindArgs) -> Vec<ColumnSpec> {
    let mut cols: Vec<ColumnSpec> = match &args.columns {
        Some(c) => c.iter().map(|&i| ColumnSpec::Field(&m.fields[i])).collect(),
        None => m.fields.iter().map(ColumnSpec::Field).collect(),
    };
    cols.extend(
        args.counts
            .iter()
            .map(|_| ColumnSpec::Kind(ScalarKind::BigInt)),
    );
    cols
}

fn to_record(m: &'static ModelMeta, args: &FindArgs, mut values: Vec<Value>) -> Record {
    let n_cols = args.columns.as_ref().map_or(m.fields.len(), Vec::len);
    let counts = values
        .drain(n_cols.min(values.len())..)
        .map(|v| match v {
            Value::BigInt(i) => i,
            Value::Int(i) => i64::from(i),
            _ => 0,
        })
        .collect();
    // Relation slots are created when something is loaded into them.
    let _ = m;
    Record {
        values,
        relations: Vec::new(),
        counts,
        pg_row: None,
    }
}

/// `find_many`: rows matching `args`, with their includes, loaded with `strategy`, all on one
/// connection (`Client::read`).
pub async fn find_many(
    client: &Client,
    m: &'static ModelMeta,
    args: &FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Vec<Record>> {
    client
        .read(|c| async move { find_many_on(&c, m, args, strategy).await })
        .await
}

async fn find_many_on(
    client: &Client,
    m: &'static ModelMeta,
    args: &FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Vec<Record>> {
    if !args.includes.is_empty() && args.columns.is_some() {
        return Err(Error::InvalidQuery(
            "`select` and `include` cannot be combined on the same level".into(),
        ));
    }
    if strategy == RelationLoadStrategy::Join && !args.includes.is_empty() {
        return find_many_joined(client, m, args).await;
    }
    let stmt = sql::compile(client.statement_cache(), client.dialect(), "select", |s| {
        sql::select_statement(s, m, args)
    });
    let rows = client.fetch(&stmt, &columns(m, args), m.name).await?;
    let records: Vec<Record> = rows.into_iter().map(|r| to_record(m, args, r)).collect();
    let mut records = finish_page(records, args);
    for include in &args.includes {
        load_include(client, m, &mut records, include).await?;
    }
    Ok(records)
}

/// [`find_many`] with every value decoded: related rows that PostgreSQL's loader kept
/// undecoded (for generated code to read directly) become values, so that the records can be
/// stored (the query result cache) and rebuilt later.
pub(crate) async fn find_many_decoded(
    client: &Client,
    m: &'static ModelMeta,
    args: &FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Vec<Record>> {
    let mut records = find_many(client, m, args, strategy).await?;
    decode_kept_rows(m, args, &mut records)?;
    Ok(records)
}

fn decode_kept_rows(m: &'static ModelMeta, args: &FindArgs, records: &mut [Record]) -> Result<()> {
    for r in records.iter_mut() {
        if let Some(row) = r.pg_row.take() {
            let specs: Vec<ColumnSpec> = m.fields.iter().map(ColumnSpec::Field).collect();
            let mut rows =
                crate::exec::decode_postgres_rows(std::slice::from_ref(&*row), &specs, m.name)?;
            let mut values = rows.pop().unwrap_or_default();
            values.truncate(m.fields.len());
            r.values = values;
        }
        for inc in &args.includes {
            let child = m.relation(inc.relation).related;
            match r.relations.get_mut(inc.relation) {
                Some(RelationData::Many(children)) => decode_kept_rows(child, &inc.args, children)?,
                Some(RelationData::One(Some(one))) => {
                    decode_kept_rows(child, &inc.args, std::slice::from_mut(&mut **one))?
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `find_many` into typed records. Plain reads on PostgreSQL and SQLite (no include, `_count`,
/// select or distinct) build each record straight from its row when the record type can
/// ([`crate::FromRecord::from_pg_row`], [`crate::FromRecord::from_sqlite_row`]); everything
/// else goes through [`find_many`].
pub async fn find_many_typed<R: crate::FromRecord>(
    client: &Client,
    m: &'static ModelMeta,
    args: &FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Vec<R>> {
    client
        .read(|c| async move { find_many_typed_on(&c, m, args, strategy).await })
        .await
}

async fn find_many_typed_on<R: crate::FromRecord>(
    client: &Client,
    m: &'static ModelMeta,
    args: &FindArgs,
    strategy: RelationLoadStrategy,
) -> Result<Vec<R>> {
    let plain = args.includes.is_empty()
        && args.counts.is_empty()
        && args.columns.is_none()
        && args.distinct.is_empty();
    if plain && client.dialect() != crate::sql::Dialect::Mysql {
        let stmt = sql::compile(client.statement_cache(), client.dialect(), "select", |s| {
            sql::select_statement(s, m, args)
        });
        let direct = match client.dialect() {
            crate::sql::Dialect::Sqlite => client.fetch_sqlite_typed::<R>(&stmt, m.name).await?,
            _ => match client.fetch_pg_rows(&stmt, m.name).await? {
                Some(rows) => Some(pg_typed(m, args, &rows)?),
                None => None,
            },
        };
        if let Some(mut out) = direct {
            if args.take.is_some_and(|t| t < 0) {
                out.reverse();
            }
            return Ok(out);
        }
    }
    // Boxed: the general path (includes, counts, selections) holds much more state than the
    // direct read above, and every direct read would otherwise carry and move it.
    Box::pin(find_many_on(client, m, args, strategy))
        .await?
        .into_iter()
        .map(R::from_record)
        .collect()
}

/// PostgreSQL rows of all of `m`'s columns as typed records: straight from each row when the
/// record type can be built that way, else through `Value`s.
fn pg_typed<R: crate::FromRecord>(
    m: &'static ModelMeta,
    args: &FindArgs,
    rows: &[sqlx::postgres::PgRow],
) -> Result<Vec<R>> {
    let mut out: Vec<R> = Vec::with_capacity(rows.len());
    for row in rows {
        match R::from_pg_row(row) {
            Some(r) => out.push(r?),
            None => {
                let values = crate::exec::decode_postgres_rows(rows, &columns(m, args), m.name)?;
                return values
                    .into_iter()
                    .map(|v| R::from_record(to_record(m, args, v)))
                    .collect();
            }
        }
    }
    Ok(out)
}

/// The join strategy: one statement; each include arrives as JSON text per row.
async fn find_many_joined(
    client: &Client,
    m: &'static ModelMeta,
    args: &FindArgs,
) -> Result<Vec<Record>> {
    let stmt = sql::compile(client.statement_cache(), client.dialect(), "join", |s| {
        sql::join_select_statement(s, m, args)
    });
    let mut cols = columns(m, args);
    cols.extend(
        args.includes
            .iter()
            .map(|_| ColumnSpec::Kind(ScalarKind::String)),
    );
    let rows = client.fetch(&stmt, &cols, m.name).await?;
    let mut records = Vec::with_capacity(rows.len());
    for mut row in rows {
        let includes = row.split_off(row.len() - args.includes.len());
        let mut record = to_record(m, args, row);
        for (inc, value) in args.includes.iter().zip(includes) {
            let data = match value {
                Value::String(json) => joined::relation(m, inc, &json)?,
                Value::Null => joined::relation(m, inc, "null")?,
                other => {
                    return Err(Error::Decode {
                        model: m.name,
                        field: "(include)",
                        message: format!("expected JSON text, found {}", other.kind_name()),
                    })
                }
            };
            record.set_relation(inc.relation, data);
        }
        records.push(record);
    }
    Ok(finish_page(records, args))
}

/// What a statement leaves to the loader, on records in the statement's order: Prisma's
/// `distinct` (first record of each combination, then skip/take), and putting a backwards page
/// (negative take, read in reverse order) back in forward order.
pub(crate) fn finish_page(mut records: Vec<Record>, args: &FindArgs) -> Vec<Record> {
    if !args.distinct.is_empty() {
        records = distinct_then_page(records, args);
    }
    if args.take.is_some_and(|t| t < 0) {
        records.reverse();
    }
    records
}

/// One parent's related rows, in the statement's order, finished as Prisma pages an include:
/// none unless they start at the `cursor` record, then `distinct`, skip and take where the
/// statement could not page them ([`FindArgs::related_paged_in_sql`]).
pub(crate) fn finish_related(records: Vec<Record>, args: &FindArgs) -> Vec<Record> {
    if args.related_paged_in_sql() {
        return finish_page(records, args);
    }
    if let Some(cursor) = &args.cursor {
        // The statement kept the rows from the cursor on, in an order that ends in the primary
        // key: the cursor record, if this parent has it, comes first.
        let at_cursor = records.first().is_some_and(|r| {
            cursor.iter().all(|(field, v)| {
                column_position(args, *field)
                    .is_none_or(|p| r.values.get(p).and_then(Value::group_key) == v.group_key())
            })
        });
        if !at_cursor {
            return Vec::new();
        }
    }
    let mut records = distinct_then_page(records, args);
    if args.take.is_some_and(|t| t < 0) {
        records.reverse();
    }
    records
}

/// Where field `field` is among the columns `args` reads.
fn column_position(args: &FindArgs, field: usize) -> Option<usize> {
    match &args.columns {
        Some(cols) => cols.iter().position(|&c| c == field),
        None => Some(field),
    }
}

/// Prisma's `distinct` (the first record of each combination), then skip/take.
fn distinct_then_page(records: Vec<Record>, args: &FindArgs) -> Vec<Record> {
    let mut seen = std::collections::HashSet::new();
    let positions: Vec<usize> = args
        .distinct
        .iter()
        .filter_map(|&d| column_position(args, d))
        .collect();
    let unique = records.into_iter().filter(|r| {
        positions.is_empty() || {
            let key: Vec<Option<GroupKey>> = positions
                .iter()
                .map(|&p| r.values.get(p).and_then(Value::group_key))
                .collect();
            seen.insert(key)
        }
    });
    let skip = args.skip.unwrap_or(0) as usize;
    match args.take {
        Some(t) => unique.skip(skip).take(t.unsigned_abs() as usize).collect(),
        None => unique.skip(skip).collect(),
    }
}

/// A fast hasher for grouping keys (FxHash's multiply-rotate): SipHash was a measurable share
/// of loading includes (callgrind: 350.7M -> 334.8M instructions for 100x10x10 rows).
/// Trade-off: string keys chosen adversarially could collide, but the damage is bounded by the
/// rows one query already returned; key columns are overwhelmingly integers or UUIDs.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyBuild = std::hash::BuildHasherDefault<KeyHasher>;

/// A parent key: one column (the common case, no allocation) or several.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    One(GroupKey),
    Many(Vec<GroupKey>),
}

fn key_of(values: &[Value], cols: &[usize]) -> Option<Key> {
    if let [c] = cols {
        return values.get(*c).and_then(Value::group_key).map(Key::One);
    }
    cols.iter()
        .map(|&c| values.get(c).and_then(Value::group_key))
        .collect::<Option<Vec<_>>>()
        .map(Key::Many)
}

/// A related row loaded on PostgreSQL: decode only the key it is grouped by, the keys nested
/// includes will need and its counts; keep the row for generated code to read the rest.
fn raw_child(
    parent: &'static ModelMeta,
    rel: &'static crate::meta::RelationMeta,
    args: &FindArgs,
    row: PgRowRef,
) -> Result<Option<(Key, Record)>> {
    let child = rel.related;
    let n = child.fields.len();
    let cell = |i: usize, f: &'static crate::meta::FieldMeta| {
        crate::exec::decode_postgres_cell(&row, i, f).map_err(|message| Error::Decode {
            model: child.name,
            field: f.name,
            message,
        })
    };
    let key_cell = |i: usize, f: &'static crate::meta::FieldMeta| {
        pg_key(&row, i, f).map_err(|message| Error::Decode {
            model: child.name,
            field: f.name,
            message,
        })
    };
    let key = match &rel.link {
        Link::Direct { remote, .. } if remote.len() == 1 => {
            key_cell(remote[0], &child.fields[remote[0]])?.map(Key::One)
        }
        Link::Direct { remote, .. } => {
            let mut parts = Vec::with_capacity(remote.len());
            for &r in remote.iter() {
                match key_cell(r, &child.fields[r])? {
                    Some(k) => parts.push(k),
                    None => return Ok(None),
                }
            }
            Some(Key::Many(parts))
        }
        Link::JoinTable { local_key, .. } => {
            let at = n + args.counts.len();
            key_cell(at, &parent.fields[*local_key])?.map(Key::One)
        }
    };
    let Some(key) = key else {
        return Ok(None);
    };
    let mut values = Vec::new();
    for inc in &args.includes {
        let cols: &[usize] = match &child.relation(inc.relation).link {
            Link::Direct { local, .. } => local,
            Link::JoinTable { local_key, .. } => std::slice::from_ref(local_key),
        };
        if values.is_empty() {
            values = vec![Value::Null; n];
        }
        for &c in cols {
            values[c] = cell(c, &child.fields[c])?;
        }
    }
    let mut counts = Vec::with_capacity(args.counts.len());
    for i in 0..args.counts.len() {
        let v =
            crate::exec::decode_postgres_count(&row, n + i).map_err(|message| Error::Decode {
                model: child.name,
                field: "_count",
                message,
            })?;
        counts.push(v);
    }
    Ok(Some((
        key,
        Record {
            values,
            relations: Vec::new(),
            counts,
            pg_row: Some(row),
        },
    )))
}

/// A grouping-key cell of a PostgreSQL row: integer and text keys (the common case) are read
/// directly, others through the general decoder.
fn pg_key(
    row: &sqlx::postgres::PgRow,
    i: usize,
    f: &'static crate::meta::FieldMeta,
) -> std::result::Result<Option<GroupKey>, String> {
    use crate::direct::ReadPg;
    Ok(match f.kind {
        _ if f.list => None,
        ScalarKind::Int => Option::<i32>::read_pg(row, i, f)?.map(|n| GroupKey::Int(n.into())),
        ScalarKind::BigInt => Option::<i64>::read_pg(row, i, f)?.map(GroupKey::Int),
        ScalarKind::String => Option::<String>::read_pg(row, i, f)?.map(GroupKey::Text),
        _ => crate::exec::decode_postgres_cell(row, i, f)?.group_key(),
    })
}

/// Loads one include for all `parents` with one statement (per key chunk), then recurses.
async fn load_include(
    client: &Client,
    m: &'static ModelMeta,
    parents: &mut [Record],
    include: &Include,
) -> Result<()> {
    let rel = m.relation(include.relation);
    let child = rel.related;
    let local: Vec<usize> = match &rel.link {
        Link::Direct { local, .. } => local.to_vec(),
        Link::JoinTable { local_key, .. } => vec![*local_key],
    };
    // Distinct parent keys, in first-seen order. Each key's group counts the parents that share
    // it (several may: to-one relations), so that the last of them is handed the records
    // without a clone, and collects the related records.
    let parent_keys: Vec<Option<Key>> = parents.iter().map(|p| key_of(&p.values, &local)).collect();
    let mut groups: HashMap<&Key, (usize, Vec<Record>), KeyBuild> = HashMap::default();
    let mut keys: Vec<Vec<Value>> = Vec::new();
    for (p, k) in parents.iter().zip(&parent_keys) {
        if let Some(k) = k {
            let (n, _) = groups.entry(k).or_default();
            if *n == 0 {
                keys.push(local.iter().map(|&c| p.values[c].clone()).collect());
            }
            *n += 1;
        }
    }
    let mut children: Vec<(Key, Record)> = Vec::new();
    if !keys.is_empty() {
        let mut cols = columns(child, &include.args);
        if let Link::JoinTable { local_key, .. } = &rel.link {
            cols.push(ColumnSpec::Field(&m.fields[*local_key]));
        }
        let width = keys[0].len().max(1);
        for chunk in keys.chunks(MAX_KEYS_PER_STATEMENT / width) {
            let q = ChildQuery {
                parent: m,
                relation: include.relation,
                keys: chunk,
                args: &include.args,
            };
            let stmt = sql::compile(client.statement_cache(), client.dialect(), "child", |s| {
                sql::child_statement(s, &q)
            });
            // Undecoded rows keep only the keys decoded; paging in memory needs more of them.
            let raw = include.args.columns.is_none() && include.args.related_paged_in_sql();
            if client.dialect() == crate::sql::Dialect::Postgres && raw {
                let rows = client
                    .fetch_pg_rows(&stmt, child.name)
                    .await?
                    .unwrap_or_default();
                let rows: std::sync::Arc<[sqlx::postgres::PgRow]> = rows.into();
                for at in 0..rows.len() {
                    let row = PgRowRef {
                        rows: rows.clone(),
                        at,
                    };
                    if let Some((key, record)) = raw_child(m, rel, &include.args, row)? {
                        children.push((key, record));
                    }
                }
                continue;
            }
            let rows = client.fetch(&stmt, &cols, child.name).await?;
            for mut row in rows {
                let key = match &rel.link {
                    Link::Direct { remote, .. } => key_of(&row, remote),
                    Link::JoinTable { .. } => row.pop().and_then(|v| v.group_key()).map(Key::One),
                };
                if let Some(key) = key {
                    children.push((key, to_record(child, &include.args, row)));
                }
            }
        }
    }
    // Nested includes: all children of this level at once.
    if !include.args.includes.is_empty() {
        let mut recs: Vec<Record> = children
            .iter_mut()
            .map(|(_, r)| std::mem::take(r))
            .collect();
        for nested in &include.args.includes {
            Box::pin(load_include(client, child, &mut recs, nested)).await?;
        }
        for ((_, slot), r) in children.iter_mut().zip(recs) {
            *slot = r;
        }
    }
    for (k, r) in children {
        // Rows always belong to a requested key; the check guards against a database that
        // compares keys differently (e.g. case-insensitive text).
        if let Some((_, records)) = groups.get_mut(&k) {
            records.push(r);
        }
    }
    for (p, key) in parents.iter_mut().zip(&parent_keys) {
        let found = key.as_ref().and_then(|k| {
            let (remaining, records) = groups.get_mut(k)?;
            *remaining -= 1;
            Some(if *remaining == 0 {
                std::mem::take(records)
            } else {
                records.clone()
            })
        });
        p.set_relation(
            include.relation,
            if rel.many {
                RelationData::Many(finish_related(found.unwrap_or_default(), &include.args))
            } else {
                RelationData::One(found.and_then(|v| v.into_iter().next()).map(Box::new))
            },
        );
    }
    Ok(())
}

/// `count`: number of rows matching `args` (with its skip/take).
pub async fn count(client: &Client, m: &'static ModelMeta, args: &FindArgs) -> Result<i64> {
    client
        .read(|c| async move { count_on(&c, m, args).await })
        .await
}

async fn count_on(client: &Client, m: &'static ModelMeta, args: &FindArgs) -> Result<i64> {
    let stmt = sql::compile(client.statement_cache(), client.dialect(), "count", |s| {
        sql::count_statement(s, m, args)
    });
    let rows = client
        .fetch(&stmt, &[ColumnSpec::Kind(ScalarKind::BigInt)], m.name)
        .await?;
    Ok(
        match rows.into_iter().next().and_then(|r| r.into_iter().next()) {
            Some(Value::BigInt(n)) => n,
            Some(Value::Int(n)) => i64::from(n),
            _ => 0,
        },
    )
}

/// `aggregate` / `group_by`: one row per group (one row without `by`), the grouped columns
/// first, then the aggregates in order.
pub async fn aggregate(
    client: &Client,
    m: &'static ModelMeta,
    args: &AggregateArgs,
) -> Result<Vec<Vec<Value>>> {
    client
        .read(|c| async move { aggregate_on(&c, m, args).await })
        .await
}

async fn aggregate_on(
    client: &Client,
    m: &'static ModelMeta,
    args: &AggregateArgs,
) -> Result<Vec<Vec<Value>>> {
    let stmt = sql::compile(
        client.statement_cache(),
        client.dialect(),
        "aggregate",
        |s| sql::aggregate_statement(s, m, args),
    );
    let mut cols: Vec<ColumnSpec> = args
        .by
        .iter()
        .map(|&b| ColumnSpec::Field(&m.fields[b]))
        .collect();
    cols.extend(
        args.aggregates
            .iter()
            .map(|a| ColumnSpec::Kind(sql::aggregate_kind(m, a))),
    );
    if cols.is_empty() {
        cols.push(ColumnSpec::Kind(ScalarKind::BigInt));
    }
    client.fetch(&stmt, &cols, m.name).await
}
