//! The typed query API that generated clients are made of.
//!
//! Owns: the compile-time guarantees. Filters and orderings carry their model type, so a
//! filter on `Post` cannot be passed to a `User` query. Each relation of a model struct is a
//! type parameter that is [`NotLoaded`] until `include` fills it, so reading a relation that
//! was not included does not compile. Everything here turns into [`crate::query`] values.

use crate::cache::{self, CacheInfo, CacheStrategy, Payload, ResultCache};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::load::{self, Record, RelationData};
use crate::meta::ModelMeta;
use crate::nested::{Nested, NestedOp, WriteData};
use crate::query::{
    self, Aggregate, AggregateArgs, Direction, FindArgs, Nulls, Quantifier, RelationLoadStrategy,
    ScalarOp,
};
use crate::sql::FieldWrite;
use crate::value::{FromValue, IntoValue, Value};
use std::marker::PhantomData;
use std::sync::Arc;

/// The cache a read with `strategy` goes through: `None` without a strategy, without a
/// configured cache, or inside a transaction. A strategy is checked even then, so that a bad
/// tag is an error wherever it runs.
fn cache_for<'a>(
    client: &'a Client,
    strategy: &Option<CacheStrategy>,
) -> Result<Option<&'a Arc<ResultCache>>> {
    match strategy {
        None => Ok(None),
        Some(s) => {
            s.check()?;
            Ok(client.result_cache())
        }
    }
}

/// Results other than records stay as the cache's payload (cloned on a memory hit).
fn untyped() -> cache::Convert<Payload> {
    Arc::new(Ok)
}

fn unexpected_payload() -> Error {
    Error::InvalidQuery("a cached result of another kind of query (please report this)".into())
}

/// A relation that was not included in the query. It has no contents to read: code that
/// reads `user.posts` without `include(user::posts())` does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct NotLoaded;

impl NotLoaded {
    /// For `#[serde(skip_serializing_if)]`: relations that were not loaded are left out.
    pub fn is_not_loaded<T>(_value: &T) -> bool {
        // `type_name` needs no `'static` bound, unlike `TypeId`, so record types stay free of
        // lifetime bounds; this only runs when serializing.
        std::any::type_name::<T>() == std::any::type_name::<NotLoaded>()
    }
}

/// A model of the schema (implemented by generated structs, with every relation not loaded).
pub trait Model: 'static {
    /// The model's metadata.
    const META: &'static ModelMeta;
}

/// Builds a typed record from a loaded row. Records travel between threads (SQLite's long
/// statements are read on a blocking thread), hence `Send + 'static`; the query result cache
/// keeps them in memory and hands out clones, hence `Clone + Sync`.
pub trait FromRecord: Sized + Clone + Send + Sync + 'static {
    /// Converts, naming model and field on failure.
    fn from_record(record: Record) -> Result<Self>;

    /// Builds the record straight from a PostgreSQL row of all the model's columns, when it
    /// has no loaded relation (generated code; `None` means "use `from_record`").
    fn from_pg_row(_row: &sqlx::postgres::PgRow) -> Option<Result<Self>> {
        None
    }

    /// Builds the record straight from a SQLite row of all the model's columns, when it has
    /// no loaded relation (generated code; `None` means "use `from_record`").
    fn from_sqlite_row(_row: &rusqlite::Row<'_>) -> Option<Result<Self>> {
        None
    }
}

/// A list relation slot: [`NotLoaded`] or `Vec<T>`.
pub trait ManySlot: Sized + Clone + Send + Sync + 'static {
    /// `Some(NotLoaded)` for [`NotLoaded`]: the slot needs nothing from the database.
    fn unloaded() -> Option<Self> {
        None
    }
    /// Fills the slot from what the loader produced.
    fn from_relation(data: RelationData) -> Result<Self>;
}

/// An optional to-one relation slot: [`NotLoaded`] or `Option<T>`.
pub trait OptionalSlot: Sized + Clone + Send + Sync + 'static {
    /// `Some(NotLoaded)` for [`NotLoaded`].
    fn unloaded() -> Option<Self> {
        None
    }
    /// Fills the slot.
    fn from_relation(data: RelationData) -> Result<Self>;
}

/// A required to-one relation slot: [`NotLoaded`] or `T`.
pub trait RequiredSlot: Sized + Clone + Send + Sync + 'static {
    /// `Some(NotLoaded)` for [`NotLoaded`].
    fn unloaded() -> Option<Self> {
        None
    }
    /// Fills the slot.
    fn from_relation(data: RelationData) -> Result<Self>;
}

impl ManySlot for NotLoaded {
    fn unloaded() -> Option<Self> {
        Some(NotLoaded)
    }
    fn from_relation(_: RelationData) -> Result<Self> {
        Ok(NotLoaded)
    }
}

impl OptionalSlot for NotLoaded {
    fn unloaded() -> Option<Self> {
        Some(NotLoaded)
    }
    fn from_relation(_: RelationData) -> Result<Self> {
        Ok(NotLoaded)
    }
}

impl RequiredSlot for NotLoaded {
    fn unloaded() -> Option<Self> {
        Some(NotLoaded)
    }
    fn from_relation(_: RelationData) -> Result<Self> {
        Ok(NotLoaded)
    }
}

impl<T: FromRecord> ManySlot for Vec<T> {
    fn from_relation(data: RelationData) -> Result<Self> {
        match data {
            RelationData::Many(records) => records.into_iter().map(T::from_record).collect(),
            _ => Err(Error::InvalidQuery("expected a list relation".into())),
        }
    }
}

impl<T: FromRecord> OptionalSlot for Option<T> {
    fn from_relation(data: RelationData) -> Result<Self> {
        match data {
            RelationData::One(r) => r.map(|r| T::from_record(*r)).transpose(),
            _ => Err(Error::InvalidQuery("expected a to-one relation".into())),
        }
    }
}

impl<T: FromRecord> RequiredSlot for T {
    fn from_relation(data: RelationData) -> Result<Self> {
        match data {
            RelationData::One(Some(r)) => T::from_record(*r),
            RelationData::One(None) => Err(Error::InvalidQuery(
                "a required relation has no related record (inconsistent data)".into(),
            )),
            _ => Err(Error::InvalidQuery("expected a to-one relation".into())),
        }
    }
}

/// Types a column holds, without `Option`.
pub trait BaseType: IntoValue + FromValue + 'static {}

/// Types that support `lt`, `lte`, `gt`, `gte`, `min` and `max`.
pub trait Ordered: BaseType {}

/// Numbers: what `sum` and `avg` produce for them.
pub trait Numeric: BaseType {
    /// The type of `sum`.
    type Sum: FromValue;
    /// The type of `avg`.
    type Avg: FromValue;
}

macro_rules! base {
    ($($t:ty),*) => { $(impl BaseType for $t {})* };
}
macro_rules! ordered {
    ($($t:ty),*) => { $(impl Ordered for $t {})* };
}
base!(
    bool,
    i32,
    i64,
    f64,
    crate::Decimal,
    String,
    Vec<u8>,
    serde_json::Value,
    chrono::DateTime<chrono::Utc>
);
ordered!(
    i32,
    i64,
    f64,
    crate::Decimal,
    String,
    chrono::DateTime<chrono::Utc>
);

impl Numeric for i32 {
    type Sum = i64;
    type Avg = f64;
}
impl Numeric for i64 {
    type Sum = i64;
    type Avg = f64;
}
impl Numeric for f64 {
    type Sum = f64;
    type Avg = f64;
}
impl Numeric for crate::Decimal {
    type Sum = crate::Decimal;
    type Avg = crate::Decimal;
}

/// The Rust type of a field: a [`BaseType`] or an `Option` of one.
pub trait FieldType: FromValue + 'static {
    /// The type without `Option`.
    type Base: BaseType;
}

impl<B: BaseType> FieldType for B {
    type Base = B;
}

impl<B: BaseType> FieldType for Option<B> {
    type Base = B;
}

/// A condition on records of model `M`.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<M> {
    inner: query::Filter,
    _model: PhantomData<fn() -> M>,
}

impl<M> Filter<M> {
    fn new(inner: query::Filter) -> Self {
        Filter {
            inner,
            _model: PhantomData,
        }
    }

    /// Both must hold.
    pub fn and(self, other: Filter<M>) -> Filter<M> {
        match self.inner {
            query::Filter::And(mut items) => {
                items.push(other.inner);
                Filter::new(query::Filter::And(items))
            }
            inner => Filter::new(query::Filter::And(vec![inner, other.inner])),
        }
    }

    /// Either holds.
    pub fn or(self, other: Filter<M>) -> Filter<M> {
        match self.inner {
            query::Filter::Or(mut items) => {
                items.push(other.inner);
                Filter::new(query::Filter::Or(items))
            }
            inner => Filter::new(query::Filter::Or(vec![inner, other.inner])),
        }
    }

    /// Compares text case-insensitively (Prisma's `mode: 'insensitive'`).
    pub fn insensitive(mut self) -> Filter<M> {
        if let query::Filter::Scalar { insensitive, .. } = &mut self.inner {
            *insensitive = true;
        }
        self
    }

    /// The untyped filter.
    pub fn into_inner(self) -> query::Filter {
        self.inner
    }
}

impl<M> std::ops::Not for Filter<M> {
    type Output = Filter<M>;
    fn not(self) -> Filter<M> {
        Filter::new(query::Filter::Not(Box::new(self.inner)))
    }
}

/// All filters hold (true for none).
pub fn and<M>(filters: impl IntoIterator<Item = Filter<M>>) -> Filter<M> {
    Filter::new(query::Filter::And(
        filters.into_iter().map(|f| f.inner).collect(),
    ))
}

/// At least one filter holds (false for none).
pub fn or<M>(filters: impl IntoIterator<Item = Filter<M>>) -> Filter<M> {
    Filter::new(query::Filter::Or(
        filters.into_iter().map(|f| f.inner).collect(),
    ))
}

/// The filter does not hold.
pub fn not<M>(filter: Filter<M>) -> Filter<M> {
    !filter
}

/// An ordering key on model `M`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy<M> {
    inner: query::OrderBy,
    _model: PhantomData<fn() -> M>,
}

impl<M> OrderBy<M> {
    fn new(inner: query::OrderBy) -> Self {
        OrderBy {
            inner,
            _model: PhantomData,
        }
    }

    /// Places NULLs first.
    pub fn nulls_first(mut self) -> Self {
        if let query::OrderBy::Field { nulls, .. } = &mut self.inner {
            *nulls = Some(Nulls::First);
        }
        self
    }

    /// Places NULLs last.
    pub fn nulls_last(mut self) -> Self {
        if let query::OrderBy::Field { nulls, .. } = &mut self.inner {
            *nulls = Some(Nulls::Last);
        }
        self
    }
}

/// A column of model `M` holding `T`.
pub struct Field<M, T> {
    index: usize,
    _p: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Field<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Field<M, T> {}

impl<M, T> std::fmt::Debug for Field<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({})", self.index)
    }
}

impl<M, T> Field<M, T> {
    /// The field at column index `index` (generated code only).
    pub const fn new(index: usize) -> Self {
        Field {
            index,
            _p: PhantomData,
        }
    }

    /// Its column index.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<M: Model, T: FieldType> Field<M, T> {
    fn filter(self, op: ScalarOp) -> Filter<M> {
        Filter::new(query::Filter::Scalar {
            field: self.index,
            op,
            insensitive: false,
        })
    }

    /// Equal to `value`.
    pub fn equals(self, value: impl Into<T::Base>) -> Filter<M> {
        self.filter(ScalarOp::Equals(value.into().into_value()))
    }

    /// Not equal to `value` (rows where the field is NULL do not match, as in SQL and Prisma).
    pub fn not(self, value: impl Into<T::Base>) -> Filter<M> {
        self.filter(ScalarOp::NotEquals(value.into().into_value()))
    }

    /// One of `values`.
    pub fn in_<V: Into<T::Base>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.filter(ScalarOp::In(
            values.into_iter().map(|v| v.into().into_value()).collect(),
        ))
    }

    /// None of `values`.
    pub fn not_in<V: Into<T::Base>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.filter(ScalarOp::NotIn(
            values.into_iter().map(|v| v.into().into_value()).collect(),
        ))
    }

    /// Ascending order.
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::new(query::OrderBy::Field {
            field: self.index,
            direction: Direction::Asc,
            nulls: None,
        })
    }

    /// Descending order.
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::new(query::OrderBy::Field {
            field: self.index,
            direction: Direction::Desc,
            nulls: None,
        })
    }

    /// Number of non-NULL values (aggregate).
    pub fn count(self) -> Agg<M, i64> {
        Agg::new(Aggregate::Count(Some(self.index)))
    }
}

impl<M: Model, T: FieldType> Field<M, T>
where
    T::Base: Ordered,
{
    /// Less than.
    pub fn lt(self, value: impl Into<T::Base>) -> Filter<M> {
        self.filter(ScalarOp::Lt(value.into().into_value()))
    }
    /// Less than or equal.
    pub fn lte(self, value: impl Into<T::Base>) -> Filter<M> {
        self.filter(ScalarOp::Lte(value.into().into_value()))
    }
    /// Greater than.
    pub fn gt(self, value: impl Into<T::Base>) -> Filter<M> {
        self.filter(ScalarOp::Gt(value.into().into_value()))
    }
    /// Greater than or equal.
    pub fn gte(self, value: impl Into<T::Base>) -> Filter<M> {
        self.filter(ScalarOp::Gte(value.into().into_value()))
    }
    /// Smallest value (aggregate).
    pub fn min(self) -> Agg<M, Option<T::Base>> {
        Agg::new(Aggregate::Min(self.index))
    }
    /// Largest value (aggregate).
    pub fn max(self) -> Agg<M, Option<T::Base>> {
        Agg::new(Aggregate::Max(self.index))
    }
}

impl<M: Model, T: FieldType> Field<M, T>
where
    T::Base: Numeric,
{
    /// Sum (aggregate); `None` when there are no rows.
    pub fn sum(self) -> Agg<M, Option<<T::Base as Numeric>::Sum>> {
        Agg::new(Aggregate::Sum(self.index))
    }
    /// Average (aggregate); `None` when there are no rows.
    pub fn avg(self) -> Agg<M, Option<<T::Base as Numeric>::Avg>> {
        Agg::new(Aggregate::Avg(self.index))
    }
}

impl<M: Model, T: FieldType<Base = String>> Field<M, T> {
    /// Contains `needle` (case-sensitivity as the database compares by default; see
    /// [`Filter::insensitive`]).
    pub fn contains(self, needle: impl Into<String>) -> Filter<M> {
        self.filter(ScalarOp::Contains(needle.into()))
    }
    /// Starts with `prefix`.
    pub fn starts_with(self, prefix: impl Into<String>) -> Filter<M> {
        self.filter(ScalarOp::StartsWith(prefix.into()))
    }
    /// Ends with `suffix`.
    pub fn ends_with(self, suffix: impl Into<String>) -> Filter<M> {
        self.filter(ScalarOp::EndsWith(suffix.into()))
    }
}

impl<M: Model, B: BaseType> Field<M, Option<B>> {
    /// The field is NULL.
    pub fn is_null(self) -> Filter<M> {
        self.filter(ScalarOp::IsNull)
    }
    /// The field is not NULL.
    pub fn is_not_null(self) -> Filter<M> {
        self.filter(ScalarOp::IsNotNull)
    }
}

/// A scalar list field (PostgreSQL arrays), e.g. `post::tags()`; `T` is the element type.
pub struct ListField<M, T> {
    index: usize,
    _p: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for ListField<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for ListField<M, T> {}

impl<M, T> std::fmt::Debug for ListField<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ListField({})", self.index)
    }
}

impl<M: Model, T: BaseType> ListField<M, T> {
    /// The list field at column `index` (generated code).
    pub fn new(index: usize) -> Self {
        ListField {
            index,
            _p: PhantomData,
        }
    }

    fn op(self, op: ScalarOp) -> Filter<M> {
        Filter::new(query::Filter::Scalar {
            field: self.index,
            op,
            insensitive: false,
        })
    }

    fn values<V: Into<T>>(values: impl IntoIterator<Item = V>) -> Vec<Value> {
        values.into_iter().map(|v| v.into().into_value()).collect()
    }

    /// The list contains `value`.
    pub fn has(self, value: impl Into<T>) -> Filter<M> {
        self.op(ScalarOp::Has(value.into().into_value()))
    }

    /// The list contains every one of `values`.
    pub fn has_every<V: Into<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.op(ScalarOp::HasEvery(Self::values(values)))
    }

    /// The list contains at least one of `values`.
    pub fn has_some<V: Into<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.op(ScalarOp::HasSome(Self::values(values)))
    }

    /// The list is empty (`true`) or not (`false`). A NULL list, which Prisma's migrations
    /// allow, is neither, as in Prisma.
    pub fn is_empty(self, empty: bool) -> Filter<M> {
        self.op(ScalarOp::IsEmpty(empty))
    }

    /// The list is exactly `values`, in that order.
    pub fn equals<V: Into<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.op(ScalarOp::Equals(Value::List(Self::values(values))))
    }
}

/// Implemented by generated markers, one per relation field.
pub trait RelationField: 'static {
    /// The model holding the relation field.
    type Parent: Model;
    /// The related model.
    type Child: Model;
    /// The relation's index in the parent's metadata.
    const INDEX: usize;
}

/// Marks list relations (`some`, `every`, `none`).
pub trait ManyRelationField: RelationField {}

/// Marks to-one relations (`is`, `is_not`).
pub trait OneRelationField: RelationField {}

/// Marks relations whose links can be removed without deleting a record (nested
/// `disconnect`, `disconnect_one` and `set`): implicit many-to-many relations, and relations
/// whose foreign-key fields are optional. As in Prisma, a relation with a required foreign key
/// (`user.posts` when `Post.authorId` is required) has no `disconnect` or `set`: it does not
/// compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be disconnected: its foreign key is required",
    label = "a record on this relation must always point at another one",
    note = "make the foreign-key field optional (`Int?`) to allow `disconnect` and `set`, or delete the related record instead"
)]
pub trait DisconnectableRelation: RelationField {}

/// A relation field: a filter target, an include, an ordering by count.
pub struct Relation<R, T> {
    args: FindArgs,
    _p: PhantomData<fn() -> (R, T)>,
}

impl<R, T> std::fmt::Debug for Relation<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relation")
            .field("args", &self.args)
            .finish()
    }
}

impl<R: RelationField, T> Relation<R, T> {
    /// The relation, loading all related records (generated code only).
    pub fn new() -> Self {
        Relation {
            args: FindArgs::default(),
            _p: PhantomData,
        }
    }

    fn relation_filter(quantifier: Quantifier, f: Filter<R::Child>) -> Filter<R::Parent> {
        Filter::new(query::Filter::Relation {
            relation: R::INDEX,
            quantifier,
            filter: Box::new(f.inner),
        })
    }

    /// Loads the related records with their own filter, order, paging and includes.
    pub fn with<U>(self, find: Find<R::Child, U>) -> Relation<R, U> {
        Relation {
            args: find.args,
            _p: PhantomData,
        }
    }

    /// The include this relation stands for (generated code only).
    pub fn into_include(self) -> query::Include {
        query::Include {
            relation: R::INDEX,
            args: self.args,
        }
    }
}

impl<R: RelationField, T> Default for Relation<R, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: ManyRelationField, T> Relation<R, T> {
    /// At least one related record matches.
    pub fn some(self, f: Filter<R::Child>) -> Filter<R::Parent> {
        Self::relation_filter(Quantifier::Some, f)
    }
    /// Every related record matches (true when there are none).
    pub fn every(self, f: Filter<R::Child>) -> Filter<R::Parent> {
        Self::relation_filter(Quantifier::Every, f)
    }
    /// No related record matches.
    pub fn none(self, f: Filter<R::Child>) -> Filter<R::Parent> {
        Self::relation_filter(Quantifier::None, f)
    }
    /// Order by the number of related records, ascending.
    pub fn count_asc(self) -> OrderBy<R::Parent> {
        OrderBy::new(query::OrderBy::RelationCount {
            relation: R::INDEX,
            direction: Direction::Asc,
        })
    }
    /// Order by the number of related records, descending.
    pub fn count_desc(self) -> OrderBy<R::Parent> {
        OrderBy::new(query::OrderBy::RelationCount {
            relation: R::INDEX,
            direction: Direction::Desc,
        })
    }
}

impl<R: OneRelationField, T> Relation<R, T> {
    /// Orders by a key of the related record: `post::author().order_by(user::name().asc())`
    /// (Prisma's `orderBy: { author: { name: 'asc' } }`); nests through further to-one
    /// relations. Records without a related record sort as NULL.
    pub fn order_by(self, order: OrderBy<R::Child>) -> OrderBy<R::Parent> {
        OrderBy::new(query::OrderBy::Relation {
            relation: R::INDEX,
            order: Box::new(order.inner),
        })
    }

    /// The related record exists and matches.
    pub fn is(self, f: Filter<R::Child>) -> Filter<R::Parent> {
        Self::relation_filter(Quantifier::Is, f)
    }
    /// The related record does not match or does not exist.
    pub fn is_not(self, f: Filter<R::Child>) -> Filter<R::Parent> {
        Self::relation_filter(Quantifier::IsNot, f)
    }
    /// There is no related record.
    pub fn is_none(self) -> Filter<R::Parent> {
        Self::relation_filter(Quantifier::IsNot, and([]))
    }
}

/// Fills one relation slot of a record type (implemented by generated code for each
/// relation of each model).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be included in `{Rec}`",
    label = "not a relation that can be included here",
    note = "call `.include(...)` before `.count_relations(...)` and `.select(...)`, once per relation, with a relation of the model being read (`user::posts()` on `client.user()`)"
)]
pub trait IncludeIn<Rec> {
    /// The record type with the slot filled.
    type Output: FromRecord;
    /// The untyped include.
    fn into_include(self) -> query::Include;
}

/// Identifies one record by a unique criterion (generated `by_*` functions build these).
#[derive(Debug, Clone, PartialEq)]
pub struct UniqueWhere<M> {
    fields: Vec<(usize, Value)>,
    _m: PhantomData<fn() -> M>,
}

impl<M> UniqueWhere<M> {
    /// From (column index, value) pairs (generated code only).
    pub fn new(fields: Vec<(usize, Value)>) -> Self {
        UniqueWhere {
            fields,
            _m: PhantomData,
        }
    }

    fn into_filter(self) -> query::Filter {
        query::Filter::And(
            self.fields
                .into_iter()
                .map(|(field, v)| query::Filter::Scalar {
                    field,
                    op: ScalarOp::Equals(v),
                    insensitive: false,
                })
                .collect(),
        )
    }
}

/// Arguments of a read on model `M` producing records of type `R`; without a client, for
/// nested includes (`post::find().take(5)`).
pub struct Find<M, R> {
    args: FindArgs,
    _p: PhantomData<fn() -> (M, R)>,
}

impl<M, R> std::fmt::Debug for Find<M, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.args.fmt(f)
    }
}

impl<M: Model, R> Default for Find<M, R> {
    fn default() -> Self {
        Find {
            args: FindArgs::default(),
            _p: PhantomData,
        }
    }
}

/// Builder methods shared by [`Find`] and [`FindMany`].
/// Adds `filter` to the conditions already set: several `filter` calls combine with AND.
fn and_filter<M>(existing: &mut Option<query::Filter>, filter: Filter<M>) {
    *existing = Some(match existing.take() {
        Some(e) => query::Filter::And(vec![e, filter.inner]),
        None => filter.inner,
    });
}

macro_rules! find_methods {
    () => {
        /// Only records matching `filter` (several calls combine with AND).
        pub fn filter(mut self, filter: Filter<M>) -> Self {
            and_filter(&mut self.args.filter, filter);
            self
        }

        /// Adds an ordering key.
        pub fn order_by(mut self, order: OrderBy<M>) -> Self {
            self.args.order_by.push(order.inner);
            self
        }

        /// Skips `n` records.
        pub fn skip(mut self, n: u64) -> Self {
            self.args.skip = Some(n);
            self
        }

        /// Takes `n` records; a negative `n` takes from the end of the order.
        pub fn take(mut self, n: i64) -> Self {
            self.args.take = Some(n);
            self
        }

        /// Starts at the record identified by `cursor` (inclusive; `skip(1)` excludes it).
        pub fn cursor(mut self, cursor: UniqueWhere<M>) -> Self {
            self.args.cursor = Some(cursor.fields);
            self
        }

        /// Keeps the first record of each combination of these fields.
        pub fn distinct<T>(mut self, fields: impl IntoIterator<Item = Field<M, T>>) -> Self {
            self.args
                .distinct
                .extend(fields.into_iter().map(|f| f.index));
            self
        }
    };
}

impl<M: Model, R> Find<M, R> {
    find_methods!();

    /// The arguments built so far.
    pub fn args(&self) -> &FindArgs {
        &self.args
    }

    /// Loads a relation.
    pub fn include<I: IncludeIn<R>>(mut self, relation: I) -> Find<M, I::Output> {
        self.args.includes.push(relation.into_include());
        Find {
            args: self.args,
            _p: PhantomData,
        }
    }
}

/// `find_many` / `find_first` on a client.
pub struct FindMany<'c, M, R> {
    client: &'c Client,
    args: FindArgs,
    strategy: Option<RelationLoadStrategy>,
    cache: Option<CacheStrategy>,
    _p: PhantomData<fn() -> (M, R)>,
}

impl<'c, M: Model, R: FromRecord> FindMany<'c, M, R> {
    find_methods!();

    /// Loads a relation; the result type gains it.
    pub fn include<I: IncludeIn<R>>(mut self, relation: I) -> FindMany<'c, M, I::Output> {
        self.args.includes.push(relation.into_include());
        FindMany {
            client: self.client,
            args: self.args,
            strategy: self.strategy,
            cache: self.cache,
            _p: PhantomData,
        }
    }

    /// How includes are loaded: one statement per level (`Query`) or one statement in all
    /// (`Join`). Defaults to the client's setting.
    pub fn relation_load_strategy(mut self, strategy: RelationLoadStrategy) -> Self {
        self.strategy = Some(strategy);
        self
    }

    /// Reads only these fields; the result is a tuple of their values.
    pub fn select<S: Selection<M>>(mut self, selection: S) -> SelectMany<'c, M, S> {
        self.args.columns = Some(selection.columns());
        SelectMany {
            client: self.client,
            args: self.args,
            cache: self.cache,
            _p: PhantomData,
        }
    }

    /// Serves the result from the query result cache while it is fresh (see
    /// [`CacheStrategy`]); the client's writes invalidate it. Without a configured cache, or
    /// inside a transaction, the query goes to the database.
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.cache = Some(strategy);
        self
    }

    /// Runs the query.
    pub async fn exec(self) -> Result<Vec<R>> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also says whether the result came from the cache, and how old it is.
    pub async fn exec_with_info(self) -> Result<(Vec<R>, CacheInfo)> {
        let strategy = self
            .strategy
            .unwrap_or_else(|| self.client.strategy_for(M::META, &self.args));
        let Some(cache) = cache_for(self.client, &self.cache)? else {
            let rows = load::find_many_typed(self.client, M::META, &self.args, strategy).await?;
            return Ok((rows, CacheInfo::none()));
        };
        let query = cache::Query::find("find_many", M::META, &self.args);
        let args = Arc::new(self.args);
        let run: cache::Runner = Arc::new(move |c: Client| {
            let args = args.clone();
            Box::pin(async move {
                load::find_many_decoded(&c, M::META, &args, strategy)
                    .await
                    .map(Payload::Records)
            })
        });
        let convert: cache::Convert<Vec<R>> = Arc::new(|payload| match payload {
            Payload::Records(records) => records.into_iter().map(R::from_record).collect(),
            _ => Err(unexpected_payload()),
        });
        let strategy = self.cache.as_ref().expect("checked by cache_for");
        cache.read(self.client, strategy, query, run, convert).await
    }

    /// The arguments built so far (for inspection and tests).
    pub fn args(&self) -> &FindArgs {
        &self.args
    }
}

/// `find_first`: the first matching record.
pub struct FindFirst<'c, M, R> {
    inner: FindMany<'c, M, R>,
    or_throw: bool,
}

impl<'c, M: Model, R: FromRecord> FindFirst<'c, M, R> {
    /// Only records matching `filter`.
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        self.inner = self.inner.filter(filter);
        self
    }
    /// Adds an ordering key.
    pub fn order_by(mut self, order: OrderBy<M>) -> Self {
        self.inner = self.inner.order_by(order);
        self
    }
    /// Skips `n` records.
    pub fn skip(mut self, n: u64) -> Self {
        self.inner = self.inner.skip(n);
        self
    }
    /// Loads a relation.
    pub fn include<I: IncludeIn<R>>(self, relation: I) -> FindFirst<'c, M, I::Output> {
        FindFirst {
            inner: self.inner.include(relation),
            or_throw: self.or_throw,
        }
    }

    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.inner = self.inner.cache(strategy);
        self
    }

    /// Runs the query: `None` when nothing matches.
    pub async fn exec(self) -> Result<Option<R>> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also gives the result's cache status.
    pub async fn exec_with_info(self) -> Result<(Option<R>, CacheInfo)> {
        let (mut rows, info) = self.inner.take(1).exec_with_info().await?;
        Ok((rows.pop(), info))
    }
}

impl<'c, M: Model, R: FromRecord> FindFirst<'c, M, R> {
    /// Reads only these fields of the record; the result is a tuple of their values (`None`
    /// when nothing matches).
    pub fn select<S: Selection<M>>(self, selection: S) -> SelectFirst<'c, M, S> {
        SelectFirst {
            inner: self.inner.take(1).select(selection),
        }
    }

    /// Also counts related records; the result becomes `(record, (count, ...))`.
    pub fn count_relations<C: RelationCounts<M>>(
        self,
        counts: C,
    ) -> FindFirst<'c, M, (R, C::Output)>
    where
        C::Output: CountValues,
    {
        FindFirst {
            inner: self.inner.count_relations(counts),
            or_throw: self.or_throw,
        }
    }

    /// Runs the query; [`Error::RecordNotFound`] when nothing matches.
    pub async fn exec_or_throw(self) -> Result<R> {
        let op = if self.or_throw {
            "find_unique_or_throw"
        } else {
            "find_first_or_throw"
        };
        self.exec().await?.ok_or(Error::RecordNotFound {
            model: M::META.name,
            operation: op,
        })
    }
}

/// `find_first(...).select(...)` / `find_unique(...).select(...)`: the selected fields of the
/// record, if any.
pub struct SelectFirst<'c, M, S> {
    inner: SelectMany<'c, M, S>,
}

impl<M: Model, S: Selection<M>> SelectFirst<'_, M, S> {
    /// Only records matching `filter` (several calls combine with AND).
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        self.inner = self.inner.filter(filter);
        self
    }

    /// Adds an ordering key: which record is the first.
    pub fn order_by(mut self, order: OrderBy<M>) -> Self {
        self.inner = self.inner.order_by(order);
        self
    }

    /// Skips `n` records.
    pub fn skip(mut self, n: u64) -> Self {
        self.inner = self.inner.skip(n);
        self
    }

    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.inner = self.inner.cache(strategy);
        self
    }

    /// Runs the query: `None` when nothing matches.
    pub async fn exec(self) -> Result<Option<S::Output>> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also gives the result's cache status.
    pub async fn exec_with_info(self) -> Result<(Option<S::Output>, CacheInfo)> {
        let (mut rows, info) = self.inner.exec_with_info().await?;
        Ok((rows.pop(), info))
    }
}

/// `find_many(...).select(...)`: tuples of the selected fields.
pub struct SelectMany<'c, M, S> {
    client: &'c Client,
    args: FindArgs,
    cache: Option<CacheStrategy>,
    _p: PhantomData<fn() -> (M, S)>,
}

impl<M: Model, S: Selection<M>> SelectMany<'_, M, S> {
    // The order of builder calls does not matter: `select` may come before or after these.
    find_methods!();

    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.cache = Some(strategy);
        self
    }

    /// Runs the query.
    pub async fn exec(self) -> Result<Vec<S::Output>> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also gives the result's cache status.
    pub async fn exec_with_info(self) -> Result<(Vec<S::Output>, CacheInfo)> {
        let (records, info) = match cache_for(self.client, &self.cache)? {
            None => (
                load::find_many(
                    self.client,
                    M::META,
                    &self.args,
                    RelationLoadStrategy::Query,
                )
                .await?,
                CacheInfo::none(),
            ),
            Some(cache) => {
                let query = cache::Query::find("select", M::META, &self.args);
                let args = Arc::new(self.args);
                let run: cache::Runner = Arc::new(move |c: Client| {
                    let args = args.clone();
                    Box::pin(async move {
                        load::find_many_decoded(&c, M::META, &args, RelationLoadStrategy::Query)
                            .await
                            .map(Payload::Records)
                    })
                });
                let strategy = self.cache.as_ref().expect("checked by cache_for");
                match cache
                    .read(self.client, strategy, query, run, untyped())
                    .await?
                {
                    (Payload::Records(r), info) => (r, info),
                    _ => return Err(unexpected_payload()),
                }
            }
        };
        let rows = records
            .into_iter()
            .map(|r| S::decode(r.values, M::META.name))
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, info))
    }
}

/// A set of fields read together, e.g. `(user::id(), user::email())`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a selection of `{M}`'s fields",
    label = "expected a tuple of this model's field handles",
    note = "select with a tuple of field handles of the model being read, e.g. `.select((user::id(), user::email()))` (a single field is `(user::id(),)`)"
)]
pub trait Selection<M> {
    /// The tuple of values.
    type Output;
    /// Column indexes.
    fn columns(&self) -> Vec<usize>;
    /// Builds the tuple from the row's values.
    fn decode(values: Vec<Value>, model: &'static str) -> Result<Self::Output>;
}

/// Aggregates computed together, e.g. `(post::count(), post::views().avg())`.
pub trait Aggregates<M> {
    /// The tuple of results.
    type Output;
    /// The aggregates.
    fn aggregates(&self) -> Vec<Aggregate>;
    /// Builds the tuple.
    fn decode(values: Vec<Value>, model: &'static str) -> Result<Self::Output>;
}

fn take_decode<T: FromValue>(it: &mut std::vec::IntoIter<Value>, model: &'static str) -> Result<T> {
    T::from_value(it.next().unwrap_or_default()).map_err(|message| Error::Decode {
        model,
        field: "(selection)",
        message,
    })
}

macro_rules! tuples {
    ($($name:ident)+) => {
        impl<M, $($name: FieldType),+> Selection<M> for ($(Field<M, $name>,)+) {
            type Output = ($($name,)+);
            #[allow(non_snake_case)]
            fn columns(&self) -> Vec<usize> {
                let ($($name,)+) = self;
                vec![$($name.index),+]
            }
            fn decode(values: Vec<Value>, model: &'static str) -> Result<Self::Output> {
                let mut it = values.into_iter();
                Ok(($(take_decode::<$name>(&mut it, model)?,)+))
            }
        }
        impl<M, $($name: FromValue),+> Aggregates<M> for ($(Agg<M, $name>,)+) {
            type Output = ($($name,)+);
            #[allow(non_snake_case)]
            fn aggregates(&self) -> Vec<Aggregate> {
                let ($($name,)+) = self;
                vec![$($name.aggregate),+]
            }
            fn decode(values: Vec<Value>, model: &'static str) -> Result<Self::Output> {
                let mut it = values.into_iter();
                Ok(($(take_decode::<$name>(&mut it, model)?,)+))
            }
        }
    };
}

tuples!(A);
tuples!(A B);
tuples!(A B C);
tuples!(A B C D);
tuples!(A B C D E);
tuples!(A B C D E F);
tuples!(A B C D E F G);
tuples!(A B C D E F G H);
tuples!(A B C D E F G H I);
tuples!(A B C D E F G H I J);
tuples!(A B C D E F G H I J K);
tuples!(A B C D E F G H I J K L);

/// An aggregate over model `M` producing `T`.
pub struct Agg<M, T> {
    aggregate: Aggregate,
    _p: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Agg<M, T> {
    fn clone(&self) -> Self {
        Agg::new(self.aggregate)
    }
}

impl<M, T> std::fmt::Debug for Agg<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.aggregate.fmt(f)
    }
}

impl<M, T> Agg<M, T> {
    fn new(aggregate: Aggregate) -> Self {
        Agg {
            aggregate,
            _p: PhantomData,
        }
    }

    fn having(&self, op: ScalarOp) -> Having<M> {
        Having::new(query::Having::Aggregate {
            aggregate: self.aggregate,
            op,
        })
    }

    /// Order groups by this aggregate, ascending.
    pub fn asc(&self) -> OrderBy<M> {
        OrderBy::new(query::OrderBy::Aggregate {
            aggregate: self.aggregate,
            direction: Direction::Asc,
        })
    }

    /// Order groups by this aggregate, descending.
    pub fn desc(&self) -> OrderBy<M> {
        OrderBy::new(query::OrderBy::Aggregate {
            aggregate: self.aggregate,
            direction: Direction::Desc,
        })
    }
}

/// Comparisons of aggregates, for `having`.
impl<M, T> Agg<M, T> {
    /// Equal.
    pub fn equals(&self, v: impl IntoValue) -> Having<M> {
        self.having(ScalarOp::Equals(v.into_value()))
    }
    /// Less than.
    pub fn lt(&self, v: impl IntoValue) -> Having<M> {
        self.having(ScalarOp::Lt(v.into_value()))
    }
    /// Less than or equal.
    pub fn lte(&self, v: impl IntoValue) -> Having<M> {
        self.having(ScalarOp::Lte(v.into_value()))
    }
    /// Greater than.
    pub fn gt(&self, v: impl IntoValue) -> Having<M> {
        self.having(ScalarOp::Gt(v.into_value()))
    }
    /// Greater than or equal.
    pub fn gte(&self, v: impl IntoValue) -> Having<M> {
        self.having(ScalarOp::Gte(v.into_value()))
    }
}

/// The number of records (aggregate).
pub fn count<M: Model>() -> Agg<M, i64> {
    Agg::new(Aggregate::Count(None))
}

/// A condition on groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Having<M> {
    inner: query::Having,
    _m: PhantomData<fn() -> M>,
}

impl<M> Having<M> {
    fn new(inner: query::Having) -> Self {
        Having {
            inner,
            _m: PhantomData,
        }
    }

    /// Both hold.
    pub fn and(self, other: Having<M>) -> Having<M> {
        Having::new(query::Having::And(vec![self.inner, other.inner]))
    }

    /// Either holds.
    pub fn or(self, other: Having<M>) -> Having<M> {
        Having::new(query::Having::Or(vec![self.inner, other.inner]))
    }
}

impl<M> From<Filter<M>> for Having<M> {
    fn from(f: Filter<M>) -> Self {
        Having::new(query::Having::Field(f.inner))
    }
}

/// `count()`: number of matching records.
pub struct Count<'c, M> {
    client: &'c Client,
    args: FindArgs,
    cache: Option<CacheStrategy>,
    _m: PhantomData<fn() -> M>,
}

impl<M: Model> Count<'_, M> {
    find_methods!();

    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.cache = Some(strategy);
        self
    }

    /// Runs the query.
    pub async fn exec(self) -> Result<i64> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also gives the result's cache status.
    pub async fn exec_with_info(self) -> Result<(i64, CacheInfo)> {
        let Some(cache) = cache_for(self.client, &self.cache)? else {
            let n = load::count(self.client, M::META, &self.args).await?;
            return Ok((n, CacheInfo::none()));
        };
        let query = cache::Query::find("count", M::META, &self.args);
        let args = Arc::new(self.args);
        let run: cache::Runner = Arc::new(move |c: Client| {
            let args = args.clone();
            Box::pin(async move { load::count(&c, M::META, &args).await.map(Payload::Count) })
        });
        let strategy = self.cache.as_ref().expect("checked by cache_for");
        match cache
            .read(self.client, strategy, query, run, untyped())
            .await?
        {
            (Payload::Count(n), info) => Ok((n, info)),
            _ => Err(unexpected_payload()),
        }
    }
}

/// `aggregate(...)`.
pub struct AggregateQuery<'c, M, A> {
    client: &'c Client,
    args: AggregateArgs,
    aggregates: A,
    cache: Option<CacheStrategy>,
    _m: PhantomData<fn() -> M>,
}

/// Runs an `aggregate` or `group_by`, through the cache when asked to.
async fn aggregate_rows<M: Model>(
    client: &Client,
    op: &'static str,
    args: AggregateArgs,
    strategy: &Option<CacheStrategy>,
) -> Result<(Vec<Vec<Value>>, CacheInfo)> {
    let Some(cache) = cache_for(client, strategy)? else {
        let rows = load::aggregate(client, M::META, &args).await?;
        return Ok((rows, CacheInfo::none()));
    };
    let query = cache::Query::aggregate(op, M::META, &args);
    let args = Arc::new(args);
    let run: cache::Runner = Arc::new(move |c: Client| {
        let args = args.clone();
        Box::pin(async move { load::aggregate(&c, M::META, &args).await.map(Payload::Rows) })
    });
    let strategy = strategy.as_ref().expect("checked by cache_for");
    match cache.read(client, strategy, query, run, untyped()).await? {
        (Payload::Rows(rows), info) => Ok((rows, info)),
        _ => Err(unexpected_payload()),
    }
}

impl<M: Model, A: Aggregates<M>> AggregateQuery<'_, M, A> {
    /// Only rows matching `filter` (several calls combine with AND).
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        and_filter(&mut self.args.filter, filter);
        self
    }
    /// Order of the rows (matters with skip/take).
    pub fn order_by(mut self, order: OrderBy<M>) -> Self {
        self.args.order_by.push(order.inner);
        self
    }
    /// Skip rows before aggregating.
    pub fn skip(mut self, n: u64) -> Self {
        self.args.skip = Some(n);
        self
    }
    /// Aggregate only over this many rows.
    pub fn take(mut self, n: i64) -> Self {
        self.args.take = Some(n);
        self
    }

    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.cache = Some(strategy);
        self
    }

    /// Runs the query.
    pub async fn exec(self) -> Result<A::Output> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also gives the result's cache status.
    pub async fn exec_with_info(mut self) -> Result<(A::Output, CacheInfo)> {
        self.args.aggregates = self.aggregates.aggregates();
        let (rows, info) =
            aggregate_rows::<M>(self.client, "aggregate", self.args, &self.cache).await?;
        let row = rows.into_iter().next().unwrap_or_default();
        Ok((A::decode(row, M::META.name)?, info))
    }
}

/// `group_by(...)`.
pub struct GroupBy<'c, M, B, A> {
    client: &'c Client,
    args: AggregateArgs,
    by: B,
    aggregates: A,
    cache: Option<CacheStrategy>,
    _m: PhantomData<fn() -> M>,
}

impl<M: Model, B: Selection<M>, A: Aggregates<M>> GroupBy<'_, M, B, A> {
    /// Only rows matching `filter` (several calls combine with AND).
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        and_filter(&mut self.args.filter, filter);
        self
    }
    /// Only groups matching `having` (several calls combine with AND).
    pub fn having(mut self, having: impl Into<Having<M>>) -> Self {
        let having = having.into().inner;
        self.args.having = Some(match self.args.having.take() {
            Some(e) => query::Having::And(vec![e, having]),
            None => having,
        });
        self
    }
    /// Order of the groups.
    pub fn order_by(mut self, order: OrderBy<M>) -> Self {
        self.args.order_by.push(order.inner);
        self
    }
    /// Skip groups.
    pub fn skip(mut self, n: u64) -> Self {
        self.args.skip = Some(n);
        self
    }
    /// Take groups.
    pub fn take(mut self, n: i64) -> Self {
        self.args.take = Some(n);
        self
    }

    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(mut self, strategy: CacheStrategy) -> Self {
        self.cache = Some(strategy);
        self
    }

    /// Runs the query: one `(grouped values, aggregates)` pair per group.
    pub async fn exec(self) -> Result<Vec<(B::Output, A::Output)>> {
        Ok(self.exec_with_info().await?.0)
    }

    /// Runs the query; also gives the result's cache status.
    #[allow(clippy::type_complexity)]
    pub async fn exec_with_info(mut self) -> Result<(Vec<(B::Output, A::Output)>, CacheInfo)> {
        self.args.by = self.by.columns();
        self.args.aggregates = self.aggregates.aggregates();
        let width = self.args.by.len();
        let (rows, info) =
            aggregate_rows::<M>(self.client, "group_by", self.args, &self.cache).await?;
        let groups = rows
            .into_iter()
            .map(|mut row| {
                let aggs = row.split_off(width.min(row.len()));
                Ok((
                    B::decode(row, M::META.name)?,
                    A::decode(aggs, M::META.name)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((groups, info))
    }
}

/// The operations on one model, from `client.user()`.
pub struct Actions<'c, M> {
    client: &'c Client,
    _m: PhantomData<fn() -> M>,
}

impl<'c, M: Model + FromRecord> Actions<'c, M> {
    /// Operations on model `M` (generated code only).
    pub fn new(client: &'c Client) -> Self {
        Actions {
            client,
            _m: PhantomData,
        }
    }

    /// Records matching the builder's conditions.
    pub fn find_many(&self) -> FindMany<'c, M, M> {
        FindMany {
            client: self.client,
            args: FindArgs::default(),
            strategy: None,
            cache: None,
            _p: PhantomData,
        }
    }

    /// The first matching record, or `None`.
    pub fn find_first(&self) -> FindFirst<'c, M, M> {
        FindFirst {
            inner: self.find_many(),
            or_throw: false,
        }
    }

    /// The record with this unique key, or `None`.
    pub fn find_unique(&self, key: UniqueWhere<M>) -> FindFirst<'c, M, M> {
        let mut inner = self.find_many();
        inner.args.filter = Some(key.into_filter());
        FindFirst {
            inner,
            or_throw: true,
        }
    }

    /// The number of matching records.
    pub fn count(&self) -> Count<'c, M> {
        Count {
            client: self.client,
            args: FindArgs::default(),
            cache: None,
            _m: PhantomData,
        }
    }

    /// Aggregates over matching records: `aggregate((post::count(), post::views().avg()))`.
    pub fn aggregate<A: Aggregates<M>>(&self, aggregates: A) -> AggregateQuery<'c, M, A> {
        AggregateQuery {
            client: self.client,
            args: AggregateArgs::default(),
            aggregates,
            cache: None,
            _m: PhantomData,
        }
    }

    /// Groups records by fields and aggregates each group.
    pub fn group_by<B: Selection<M>, A: Aggregates<M>>(
        &self,
        by: B,
        aggregates: A,
    ) -> GroupBy<'c, M, B, A> {
        GroupBy {
            client: self.client,
            args: AggregateArgs::default(),
            by,
            aggregates,
            cache: None,
            _m: PhantomData,
        }
    }
}

/// `find_unique_or_throw` / `find_first_or_throw`: like [`FindFirst`], but a missing record
/// is [`Error::RecordNotFound`].
pub struct FindOrThrow<'c, M, R>(FindFirst<'c, M, R>);

impl<'c, M: Model, R: FromRecord> FindOrThrow<'c, M, R> {
    /// Only records matching `filter`.
    pub fn filter(self, filter: Filter<M>) -> Self {
        FindOrThrow(self.0.filter(filter))
    }
    /// Adds an ordering key.
    pub fn order_by(self, order: OrderBy<M>) -> Self {
        FindOrThrow(self.0.order_by(order))
    }
    /// Loads a relation.
    pub fn include<I: IncludeIn<R>>(self, relation: I) -> FindOrThrow<'c, M, I::Output> {
        FindOrThrow(self.0.include(relation))
    }
    /// Serves the result from the query result cache while it is fresh ([`FindMany::cache`]).
    pub fn cache(self, strategy: CacheStrategy) -> Self {
        FindOrThrow(self.0.cache(strategy))
    }

    /// Runs the query.
    pub async fn exec(self) -> Result<R> {
        self.0.exec_or_throw().await
    }

    /// Runs the query; also gives the result's cache status.
    pub async fn exec_with_info(self) -> Result<(R, CacheInfo)> {
        let op = if self.0.or_throw {
            "find_unique_or_throw"
        } else {
            "find_first_or_throw"
        };
        let (found, info) = self.0.exec_with_info().await?;
        let found = found.ok_or(Error::RecordNotFound {
            model: M::META.name,
            operation: op,
        })?;
        Ok((found, info))
    }
}

impl<'c, M: Model + FromRecord> Actions<'c, M> {
    /// The first matching record; [`Error::RecordNotFound`] when there is none.
    pub fn find_first_or_throw(&self) -> FindOrThrow<'c, M, M> {
        FindOrThrow(FindFirst {
            inner: self.find_many(),
            or_throw: false,
        })
    }

    /// The record with this unique key; [`Error::RecordNotFound`] when there is none.
    pub fn find_unique_or_throw(&self, key: UniqueWhere<M>) -> FindOrThrow<'c, M, M> {
        FindOrThrow(self.find_unique(key))
    }
}

/// List relations whose records to count (`_count`), e.g. `(user::posts(), user::comments())`.
/// A relation given `.with(find)` counts only the records matching `find`'s filter.
pub trait RelationCounts<M> {
    /// One `i64` per relation.
    type Output;
    /// The counts to compute.
    fn into_counts(self) -> Vec<query::RelationCount>;
    /// The tuple from the computed counts.
    fn from_counts(counts: Vec<i64>) -> Self::Output;
}

macro_rules! count_tuples {
    ($($name:ident $t:ident),+) => {
        impl<M, $($name: ManyRelationField<Parent = M>, $t),+> RelationCounts<M> for ($(Relation<$name, $t>,)+) {
            type Output = ($(count_tuples!(@i64 $name),)+);
            #[allow(non_snake_case)]
            fn into_counts(self) -> Vec<query::RelationCount> {
                let ($($name,)+) = self;
                vec![$(query::RelationCount { relation: $name::INDEX, filter: $name.args.filter },)+]
            }
            fn from_counts(counts: Vec<i64>) -> Self::Output {
                let mut it = counts.into_iter();
                ($(count_tuples!(@next it $name),)+)
            }
        }
    };
    (@i64 $name:ident) => { i64 };
    (@next $it:ident $name:ident) => { $it.next().unwrap_or(0) };
}

count_tuples!(A TA);
count_tuples!(A TA, B TB);
count_tuples!(A TA, B TB, C TC);
count_tuples!(A TA, B TB, C TC, D TD);
count_tuples!(A TA, B TB, C TC, D TD, E TE);
count_tuples!(A TA, B TB, C TC, D TD, E TE, F TF);

/// Counts travel as a tuple beside the record.
pub trait CountValues: Sized + Clone + Send + Sync + 'static {
    /// Builds the tuple.
    fn from_counts(counts: Vec<i64>) -> Self;
}

macro_rules! count_values {
    ($($n:ident),+) => {
        impl CountValues for ($($n,)+) {
            fn from_counts(counts: Vec<i64>) -> Self {
                let mut it = counts.into_iter();
                ($({ let _: Option<$n> = None; it.next().unwrap_or(0) },)+)
            }
        }
    };
}

count_values!(i64);
count_values!(i64, i64);
count_values!(i64, i64, i64);
count_values!(i64, i64, i64, i64);
count_values!(i64, i64, i64, i64, i64);
count_values!(i64, i64, i64, i64, i64, i64);

impl<R: FromRecord, C: CountValues> FromRecord for (R, C) {
    fn from_record(mut record: Record) -> Result<Self> {
        let counts = std::mem::take(&mut record.counts);
        Ok((R::from_record(record)?, C::from_counts(counts)))
    }
}

impl<'c, M: Model, R: FromRecord> FindMany<'c, M, R> {
    /// Also counts related records; each result becomes `(record, (count, ...))`.
    /// Call it after `include`.
    pub fn count_relations<C: RelationCounts<M>>(
        mut self,
        counts: C,
    ) -> FindMany<'c, M, (R, C::Output)>
    where
        C::Output: CountValues,
    {
        self.args.counts = counts.into_counts();
        FindMany {
            client: self.client,
            args: self.args,
            strategy: self.strategy,
            cache: self.cache,
            _p: PhantomData,
        }
    }
}

impl<M: Model, R> Find<M, R> {
    /// Also counts related records of each loaded record (see [`FindMany::count_relations`]).
    pub fn count_relations<C: RelationCounts<M>>(mut self, counts: C) -> Find<M, (R, C::Output)> {
        self.args.counts = counts.into_counts();
        Find {
            args: self.args,
            _p: PhantomData,
        }
    }
}

/// The values a write sets on model `M`: `post::create(title, author_id).set(post::published(), true)`
/// or `Data::new().increment(post::view_count(), 1)`. Setting a field twice keeps the last value.
///
/// Data also carries nested writes of related records (Prisma's nested `create`, `connect`,
/// ...); see [`Data::create`] and the methods after it. They run in the same transaction as
/// the write they belong to.
pub struct Data<M> {
    writes: Vec<(usize, FieldWrite)>,
    nested: Vec<Nested>,
    _m: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for Data<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.nested.is_empty() {
            self.writes.fmt(f)
        } else {
            f.debug_struct("Data")
                .field("writes", &self.writes)
                .field("nested", &self.nested)
                .finish()
        }
    }
}

impl<M> Clone for Data<M> {
    fn clone(&self) -> Self {
        Data {
            writes: self.writes.clone(),
            nested: self.nested.clone(),
            _m: PhantomData,
        }
    }
}

impl<M> Default for Data<M> {
    fn default() -> Self {
        Data {
            writes: Vec::new(),
            nested: Vec::new(),
            _m: PhantomData,
        }
    }
}

impl<M> Data<M> {
    fn into_write(self) -> WriteData {
        WriteData {
            writes: self.writes,
            nested: self.nested,
        }
    }

    fn nest<R: RelationField>(mut self, op: NestedOp) -> Self {
        self.nested.push(Nested {
            relation: R::INDEX,
            op,
        });
        self
    }
}

/// Nested writes: each takes the relation's handle (`user::posts()`) and writes records of
/// the related model, linked to this one.
///
/// Foreign keys between the two records are filled by the runtime. A child created under a
/// relation whose foreign key it holds gets it from the parent, so its data should come from
/// the generated `child::create_without_<relation>(...)` constructor, which takes the child's
/// required fields except that foreign key (`post::create_without_author("slug", "Title")`);
/// any value set for those columns is replaced. Likewise, a record that `connect`s or
/// `create`s the record its own foreign key points at is built with
/// `create_without_<relation>`.
///
/// ```text
/// client.user().create(
///     user::create("ada@example.com")
///         .create(user::posts(), post::create_without_author("hello", "Hello"))
///         .connect(user::comments(), comment::by_id(id)),
/// ).exec().await?;
/// client.post().update(
///     post::by_slug("hello"),
///     Data::new()
///         .connect(post::tags(), tag::by_name("rust"))
///         .disconnect(post::tags(), tag::by_name("go"))
///         .delete_many_related(post::comments(), comment::body().contains("spam")),
/// ).exec().await?;
/// ```
///
/// In a `create`, only [`create`](Data::create), [`connect`](Data::connect) and
/// [`connect_or_create`](Data::connect_or_create) apply; the others are for updates and make a
/// create fail with [`Error::InvalidQuery`]. A `connect` (or `update`, `delete`) that finds no
/// record fails with [`Error::RecordNotFound`] naming the related model, and the whole write is
/// rolled back.
impl<M: Model> Data<M> {
    /// Creates a related record and links it (Prisma's nested `create`); call it again to
    /// create several.
    pub fn create<R: RelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        data: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Create(data.into_write()))
    }

    /// Creates several related records and links them: on a one-to-many relation, in one
    /// multi-row INSERT when the records have no nested writes of their own (Prisma's nested
    /// `createMany`).
    pub fn create_each<R: RelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        data: impl IntoIterator<Item = Data<R::Child>>,
    ) -> Self {
        let rows: Vec<_> = data.into_iter().map(Data::into_write).collect();
        self.nest::<R>(NestedOp::CreateMany(rows))
    }

    /// Links the existing record with this key (to-one: replaces the link).
    pub fn connect<R: RelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        key: UniqueWhere<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Connect(key.fields))
    }

    /// Links the record with this key, creating it from `data` when there is none.
    pub fn connect_or_create<R: RelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        key: UniqueWhere<R::Child>,
        data: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::ConnectOrCreate(key.fields, data.into_write()))
    }

    /// Unlinks the related record with this key from a list relation (updates only): its
    /// foreign key becomes NULL, or its join-table row is deleted. Not linked: nothing happens.
    pub fn disconnect<R: ManyRelationField<Parent = M> + DisconnectableRelation, T>(
        self,
        _relation: Relation<R, T>,
        key: UniqueWhere<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Disconnect(Some(key.fields)))
    }

    /// Unlinks the related record of an optional to-one relation (updates only; Prisma's
    /// `disconnect: true`).
    pub fn disconnect_one<R: OneRelationField<Parent = M> + DisconnectableRelation, T>(
        self,
        _relation: Relation<R, T>,
    ) -> Self {
        self.nest::<R>(NestedOp::Disconnect(None))
    }

    /// Replaces the linked records of a list relation by exactly these (updates only;
    /// Prisma's `set`).
    pub fn set_related<R: ManyRelationField<Parent = M> + DisconnectableRelation, T>(
        self,
        _relation: Relation<R, T>,
        keys: impl IntoIterator<Item = UniqueWhere<R::Child>>,
    ) -> Self {
        self.nest::<R>(NestedOp::Set(keys.into_iter().map(|k| k.fields).collect()))
    }

    /// Updates the linked record with this key (updates only); `RecordNotFound` when no linked
    /// record has it.
    pub fn update_related<R: ManyRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        key: UniqueWhere<R::Child>,
        data: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Update(Some(key.fields), data.into_write()))
    }

    /// Updates the record of a to-one relation (updates only).
    pub fn update_one<R: OneRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        data: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Update(None, data.into_write()))
    }

    /// Updates the linked record with this key, or creates and links it (updates only).
    pub fn upsert_related<R: ManyRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        key: UniqueWhere<R::Child>,
        create: Data<R::Child>,
        update: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Upsert(
            Some(key.fields),
            create.into_write(),
            update.into_write(),
        ))
    }

    /// Updates the record of a to-one relation, or creates and links one (updates only).
    pub fn upsert_one<R: OneRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        create: Data<R::Child>,
        update: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Upsert(
            None,
            create.into_write(),
            update.into_write(),
        ))
    }

    /// Deletes the linked record with this key (updates only); `RecordNotFound` when no linked
    /// record has it.
    pub fn delete_related<R: ManyRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        key: UniqueWhere<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::Delete(Some(key.fields)))
    }

    /// Deletes the record of a to-one relation (updates only).
    pub fn delete_one<R: OneRelationField<Parent = M>, T>(self, _relation: Relation<R, T>) -> Self {
        self.nest::<R>(NestedOp::Delete(None))
    }

    /// Updates every linked record matching `filter` (updates only; Prisma's `updateMany`).
    pub fn update_many_related<R: ManyRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        filter: Filter<R::Child>,
        data: Data<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::UpdateMany(Some(filter.inner), data.writes))
    }

    /// Deletes every linked record matching `filter` (updates only; Prisma's `deleteMany`).
    pub fn delete_many_related<R: ManyRelationField<Parent = M>, T>(
        self,
        _relation: Relation<R, T>,
        filter: Filter<R::Child>,
    ) -> Self {
        self.nest::<R>(NestedOp::DeleteMany(Some(filter.inner)))
    }
}

impl<M: Model> Data<M> {
    /// Nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, field: usize, write: FieldWrite) -> Self {
        self.writes.retain(|(c, _)| *c != field);
        self.writes.push((field, write));
        self
    }

    /// Sets a field.
    pub fn set<T: FieldType>(self, field: Field<M, T>, value: impl Into<T::Base>) -> Self {
        self.with(field.index, FieldWrite::Set(value.into().into_value()))
    }

    /// Sets an optional field to NULL.
    pub fn set_null<B: BaseType>(self, field: Field<M, Option<B>>) -> Self {
        self.with(field.index, FieldWrite::Set(Value::Null))
    }

    /// Sets a scalar list (PostgreSQL): `Data::new().set_list(post::tags(), ["rust", "db"])`.
    pub fn set_list<B: BaseType, V: Into<B>>(
        self,
        field: ListField<M, B>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(|v| v.into().into_value()).collect();
        self.with(field.index, FieldWrite::Set(Value::List(values)))
    }

    /// Appends to a scalar list, atomically in the database (updates only; Prisma's `push`).
    pub fn push<B: BaseType, V: Into<B>>(
        self,
        field: ListField<M, B>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(|v| v.into().into_value()).collect();
        self.with(field.index, FieldWrite::Push(Value::List(values)))
    }

    /// Adds `by` to a number, atomically in the database (updates only).
    pub fn increment<T: FieldType>(self, field: Field<M, T>, by: impl Into<T::Base>) -> Self
    where
        T::Base: Numeric,
    {
        self.with(field.index, FieldWrite::Increment(by.into().into_value()))
    }

    /// Subtracts `by` from a number (updates only).
    pub fn decrement<T: FieldType>(self, field: Field<M, T>, by: impl Into<T::Base>) -> Self
    where
        T::Base: Numeric,
    {
        self.with(field.index, FieldWrite::Decrement(by.into().into_value()))
    }

    /// Multiplies a number by `by` (updates only).
    pub fn multiply<T: FieldType>(self, field: Field<M, T>, by: impl Into<T::Base>) -> Self
    where
        T::Base: Numeric,
    {
        self.with(field.index, FieldWrite::Multiply(by.into().into_value()))
    }

    /// Divides a number by `by` (updates only; integer division for integers).
    pub fn divide<T: FieldType>(self, field: Field<M, T>, by: impl Into<T::Base>) -> Self
    where
        T::Base: Numeric,
    {
        self.with(field.index, FieldWrite::Divide(by.into().into_value()))
    }
}

enum WriteOp {
    Create(WriteData),
    Update(Vec<(usize, Value)>, WriteData),
    Upsert(Vec<(usize, Value)>, WriteData, WriteData),
    Delete(Vec<(usize, Value)>),
}

/// `create`, `update`, `upsert` or `delete` of one record; `exec` returns it (for `delete`,
/// as it was), with what `include` asked for.
pub struct Write<'c, M, R> {
    client: &'c Client,
    op: WriteOp,
    read: FindArgs,
    strategy: Option<RelationLoadStrategy>,
    _p: PhantomData<fn() -> (M, R)>,
}

impl<'c, M: Model, R: FromRecord> Write<'c, M, R> {
    fn new(client: &'c Client, op: WriteOp) -> Self {
        Write {
            client,
            op,
            read: FindArgs::default(),
            strategy: None,
            _p: PhantomData,
        }
    }

    /// Also loads a relation of the written record.
    pub fn include<I: IncludeIn<R>>(mut self, relation: I) -> Write<'c, M, I::Output> {
        self.read.includes.push(relation.into_include());
        Write {
            client: self.client,
            op: self.op,
            read: self.read,
            strategy: self.strategy,
            _p: PhantomData,
        }
    }

    /// Returns only these fields of the written record, as a tuple.
    pub fn select<S: Selection<M>>(mut self, selection: S) -> WriteSelect<'c, M, S> {
        self.read.columns = Some(selection.columns());
        WriteSelect {
            inner: Write {
                client: self.client,
                op: self.op,
                read: self.read,
                strategy: self.strategy,
                _p: PhantomData,
            },
            _s: PhantomData,
        }
    }

    async fn record(self) -> Result<Record> {
        self.record_unnamed()
            .await
            .map_err(|e| e.with_model(M::META))
    }

    async fn record_unnamed(self) -> Result<Record> {
        if !self.client.caches_results() {
            return self.run_op().await;
        }
        let mut written = vec![M::META];
        match &self.op {
            WriteOp::Create(d) | WriteOp::Update(_, d) => nested_models(M::META, d, &mut written),
            WriteOp::Upsert(_, a, b) => {
                nested_models(M::META, a, &mut written);
                nested_models(M::META, b, &mut written);
            }
            WriteOp::Delete(_) => {}
        }
        let client = self.client;
        let result = self.run_op().await;
        // After the write (and its transaction) finished; a failed write may have changed
        // nothing, but forgetting entries is never wrong.
        client.wrote(&written).await;
        result
    }

    async fn run_op(self) -> Result<Record> {
        let strategy = self
            .strategy
            .unwrap_or_else(|| self.client.strategy_for(M::META, &self.read));
        let (c, m) = (self.client, M::META);
        match self.op {
            WriteOp::Create(data) if data.nested.is_empty() => {
                crate::write::create(c, m, data.writes, self.read, strategy).await
            }
            WriteOp::Create(data) => crate::nested::create(c, m, data, self.read, strategy).await,
            WriteOp::Update(key, data) if data.nested.is_empty() => {
                crate::write::update(c, m, key, data.writes, self.read, strategy).await
            }
            WriteOp::Update(key, data) => {
                crate::nested::update(c, m, key, data, self.read, strategy).await
            }
            WriteOp::Upsert(key, create, update)
                if create.nested.is_empty() && update.nested.is_empty() =>
            {
                crate::write::upsert(c, m, key, create.writes, update.writes, self.read, strategy)
                    .await
            }
            WriteOp::Upsert(key, create, update) => {
                crate::nested::upsert(c, m, key, create, update, self.read, strategy).await
            }
            WriteOp::Delete(key) => crate::write::delete(c, m, key, self.read, strategy).await,
        }
    }

    /// Runs the write.
    pub async fn exec(self) -> Result<R> {
        R::from_record(self.record().await?)
    }
}

/// The models a nested write reaches (besides the written one), at every depth.
fn nested_models(m: &'static ModelMeta, data: &WriteData, out: &mut Vec<&'static ModelMeta>) {
    for n in &data.nested {
        let related = m.relation(n.relation).related;
        if !out.iter().any(|x| std::ptr::eq(*x, related)) {
            out.push(related);
        }
        match &n.op {
            NestedOp::Create(d) | NestedOp::ConnectOrCreate(_, d) | NestedOp::Update(_, d) => {
                nested_models(related, d, out)
            }
            NestedOp::Upsert(_, a, b) => {
                nested_models(related, a, out);
                nested_models(related, b, out);
            }
            NestedOp::CreateMany(ds) => {
                for d in ds {
                    nested_models(related, d, out);
                }
            }
            _ => {}
        }
    }
}

/// A write that returns selected fields as a tuple.
pub struct WriteSelect<'c, M, S> {
    inner: Write<'c, M, SelectedOnly>,
    _s: PhantomData<fn() -> S>,
}

/// The record type of a write whose result is a selection (the record itself is not built).
#[derive(Debug, Clone, Copy)]
pub struct SelectedOnly;

impl FromRecord for SelectedOnly {
    fn from_record(_: Record) -> Result<Self> {
        Ok(SelectedOnly)
    }
}

impl<M: Model, S: Selection<M>> WriteSelect<'_, M, S> {
    /// Runs the write.
    pub async fn exec(self) -> Result<S::Output> {
        let record = self.inner.record().await?;
        S::decode(record.values, M::META.name)
    }
}

/// `update_many` / `delete_many`: how many records were changed. `Op` is [`Updating`] or
/// [`Deleting`]: only an update can return the records it changed
/// ([`WriteMany::exec_and_return`]).
pub struct WriteMany<'c, M, Op = Updating> {
    client: &'c Client,
    filter: Option<query::Filter>,
    data: Option<Vec<(usize, FieldWrite)>>,
    /// Nested writes were given; `update_many` does not take them (as in Prisma).
    nested_given: bool,
    _m: PhantomData<fn() -> (M, Op)>,
}

/// [`WriteMany`] of `update_many`.
#[derive(Debug, Clone, Copy)]
pub struct Updating;

/// [`WriteMany`] of `delete_many`.
#[derive(Debug, Clone, Copy)]
pub struct Deleting;

impl<M: Model + FromRecord> WriteMany<'_, M, Updating> {
    /// Runs the update and returns the updated records, in one statement (`UPDATE ...
    /// RETURNING`; Prisma's `updateManyAndReturn`). PostgreSQL and SQLite: MySQL and MariaDB
    /// cannot return the rows of an UPDATE.
    pub async fn exec_and_return(self) -> Result<Vec<M>> {
        if self.nested_given {
            return Err(Error::InvalidQuery(format!(
                "{}: update_many does not take nested writes; use update",
                M::META.name
            )));
        }
        let data = self.data.unwrap_or_default();
        let result = crate::write::update_many_and_return(self.client, M::META, self.filter, data)
            .await
            .map_err(|e| e.with_model(M::META));
        self.client.wrote(&[M::META]).await;
        result?.into_iter().map(M::from_record).collect()
    }
}

impl<M: Model, Op> WriteMany<'_, M, Op> {
    /// Only records matching `filter` (several calls combine with AND); all without one.
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        and_filter(&mut self.filter, filter);
        self
    }

    /// Runs the write; returns the number of records changed.
    pub async fn exec(self) -> Result<u64> {
        if self.nested_given {
            return Err(Error::InvalidQuery(format!(
                "{}: update_many does not take nested writes; use update",
                M::META.name
            )));
        }
        let result = match self.data {
            Some(data) => crate::write::update_many(self.client, M::META, self.filter, data).await,
            None => crate::write::delete_many(self.client, M::META, self.filter).await,
        }
        .map_err(|e| e.with_model(M::META));
        self.client.wrote(&[M::META]).await;
        result
    }
}

/// `create_many`.
pub struct CreateMany<'c, M> {
    client: &'c Client,
    rows: Vec<Vec<(usize, FieldWrite)>>,
    /// Nested writes were given; `create_many` does not take them (as in Prisma).
    nested_given: bool,
    skip_duplicates: bool,
    _m: PhantomData<fn() -> M>,
}

impl<M: Model + FromRecord> CreateMany<'_, M> {
    /// Skips rows that would violate a unique constraint instead of failing.
    pub fn skip_duplicates(mut self) -> Self {
        self.skip_duplicates = true;
        self
    }

    fn check_nested(&self) -> Result<()> {
        if self.nested_given {
            return Err(Error::InvalidQuery(format!(
                "{}: create_many does not take nested writes; use create",
                M::META.name
            )));
        }
        Ok(())
    }

    /// Runs the inserts; returns how many rows were inserted.
    pub async fn exec(self) -> Result<u64> {
        self.check_nested()?;
        let client = self.client;
        let result =
            crate::write::create_many(client, M::META, self.rows, self.skip_duplicates, false)
                .await
                .map_err(|e| e.with_model(M::META));
        client.wrote(&[M::META]).await;
        Ok(result?.0)
    }

    /// Runs the inserts and returns the inserted records (SQLite, PostgreSQL, MariaDB 10.5+;
    /// MySQL has no `INSERT ... RETURNING`).
    pub async fn exec_and_return(self) -> Result<Vec<M>> {
        self.check_nested()?;
        let client = self.client;
        let result =
            crate::write::create_many(client, M::META, self.rows, self.skip_duplicates, true)
                .await
                .map_err(|e| e.with_model(M::META));
        client.wrote(&[M::META]).await;
        result?.1.into_iter().map(M::from_record).collect()
    }
}

impl<'c, M: Model + FromRecord> Actions<'c, M> {
    /// Creates a record: `client.post().create(post::create("Title", author_id)).exec()`.
    pub fn create(&self, data: Data<M>) -> Write<'c, M, M> {
        Write::new(self.client, WriteOp::Create(data.into_write()))
    }

    /// Creates many records in as few statements as the bind limits allow.
    pub fn create_many(&self, rows: impl IntoIterator<Item = Data<M>>) -> CreateMany<'c, M> {
        let mut nested_given = false;
        let rows = rows
            .into_iter()
            .map(|d| {
                nested_given |= !d.nested.is_empty();
                d.writes
            })
            .collect();
        CreateMany {
            client: self.client,
            rows,
            nested_given,
            skip_duplicates: false,
            _m: PhantomData,
        }
    }

    /// Updates the record with this unique key; `RecordNotFound` (P2025) when there is none.
    pub fn update(&self, key: UniqueWhere<M>, data: Data<M>) -> Write<'c, M, M> {
        Write::new(self.client, WriteOp::Update(key.fields, data.into_write()))
    }

    /// Updates the record with this unique key, or creates it.
    pub fn upsert(&self, key: UniqueWhere<M>, create: Data<M>, update: Data<M>) -> Write<'c, M, M> {
        Write::new(
            self.client,
            WriteOp::Upsert(key.fields, create.into_write(), update.into_write()),
        )
    }

    /// Deletes the record with this unique key and returns it; `RecordNotFound` when absent.
    pub fn delete(&self, key: UniqueWhere<M>) -> Write<'c, M, M> {
        Write::new(self.client, WriteOp::Delete(key.fields))
    }

    /// Updates every record matching the filter (all without one); returns how many.
    pub fn update_many(&self, data: Data<M>) -> WriteMany<'c, M, Updating> {
        WriteMany {
            client: self.client,
            filter: None,
            nested_given: !data.nested.is_empty(),
            data: Some(data.writes),
            _m: PhantomData,
        }
    }

    /// Deletes every record matching the filter (all without one); returns how many.
    pub fn delete_many(&self) -> WriteMany<'c, M, Deleting> {
        WriteMany {
            client: self.client,
            filter: None,
            data: None,
            nested_given: false,
            _m: PhantomData,
        }
    }
}

/// A built query that can run on another client: a batch runs each of its queries on the
/// client of one transaction (Prisma's `$transaction([...])`).
pub trait BatchQuery {
    /// What the query returns.
    type Output;
    /// Runs the query on `client` instead of the client it was built on.
    fn run_on<'a>(
        self,
        client: &'a Client,
    ) -> futures_util::future::LocalBoxFuture<'a, Result<Self::Output>>
    where
        Self: 'a;
}

impl<M: Model, R: FromRecord> BatchQuery for FindMany<'_, M, R> {
    type Output = Vec<R>;
    fn run_on<'a>(
        self,
        client: &'a Client,
    ) -> futures_util::future::LocalBoxFuture<'a, Result<Vec<R>>>
    where
        Self: 'a,
    {
        let q: FindMany<'_, M, R> = FindMany {
            client,
            args: self.args,
            strategy: self.strategy,
            cache: self.cache,
            _p: PhantomData,
        };
        Box::pin(q.exec())
    }
}

impl<M: Model, R: FromRecord> BatchQuery for FindFirst<'_, M, R> {
    type Output = Option<R>;
    fn run_on<'a>(
        self,
        client: &'a Client,
    ) -> futures_util::future::LocalBoxFuture<'a, Result<Option<R>>>
    where
        Self: 'a,
    {
        let inner: FindMany<'_, M, R> = FindMany {
            client,
            args: self.inner.args,
            strategy: self.inner.strategy,
            cache: self.inner.cache,
            _p: PhantomData,
        };
        Box::pin(
            FindFirst {
                inner,
                or_throw: self.or_throw,
            }
            .exec(),
        )
    }
}

impl<M: Model, R: FromRecord> BatchQuery for FindOrThrow<'_, M, R> {
    type Output = R;
    fn run_on<'a>(self, client: &'a Client) -> futures_util::future::LocalBoxFuture<'a, Result<R>>
    where
        Self: 'a,
    {
        let first = self.0;
        let inner: FindMany<'_, M, R> = FindMany {
            client,
            args: first.inner.args,
            strategy: first.inner.strategy,
            cache: first.inner.cache,
            _p: PhantomData,
        };
        Box::pin(
            FindOrThrow(FindFirst {
                inner,
                or_throw: first.or_throw,
            })
            .exec(),
        )
    }
}

impl<M: Model> BatchQuery for Count<'_, M> {
    type Output = i64;
    fn run_on<'a>(self, client: &'a Client) -> futures_util::future::LocalBoxFuture<'a, Result<i64>>
    where
        Self: 'a,
    {
        Box::pin(
            Count::<M> {
                client,
                args: self.args,
                cache: self.cache,
                _m: PhantomData,
            }
            .exec(),
        )
    }
}

impl<M: Model, A: Aggregates<M>> BatchQuery for AggregateQuery<'_, M, A> {
    type Output = A::Output;
    fn run_on<'a>(
        self,
        client: &'a Client,
    ) -> futures_util::future::LocalBoxFuture<'a, Result<A::Output>>
    where
        Self: 'a,
    {
        let q: AggregateQuery<'_, M, A> = AggregateQuery {
            client,
            args: self.args,
            aggregates: self.aggregates,
            cache: self.cache,
            _m: PhantomData,
        };
        Box::pin(q.exec())
    }
}

impl<M: Model, R: FromRecord> BatchQuery for Write<'_, M, R> {
    type Output = R;
    fn run_on<'a>(self, client: &'a Client) -> futures_util::future::LocalBoxFuture<'a, Result<R>>
    where
        Self: 'a,
    {
        let q: Write<'_, M, R> = Write {
            client,
            op: self.op,
            read: self.read,
            strategy: self.strategy,
            _p: PhantomData,
        };
        Box::pin(q.exec())
    }
}

impl<M: Model, Op> BatchQuery for WriteMany<'_, M, Op> {
    type Output = u64;
    fn run_on<'a>(self, client: &'a Client) -> futures_util::future::LocalBoxFuture<'a, Result<u64>>
    where
        Self: 'a,
    {
        let q = WriteMany::<M, Op> {
            client,
            filter: self.filter,
            data: self.data,
            nested_given: self.nested_given,
            _m: PhantomData,
        };
        Box::pin(q.exec())
    }
}

impl<M: Model + FromRecord> BatchQuery for CreateMany<'_, M> {
    type Output = u64;
    fn run_on<'a>(self, client: &'a Client) -> futures_util::future::LocalBoxFuture<'a, Result<u64>>
    where
        Self: 'a,
    {
        let q = CreateMany::<M> {
            client,
            rows: self.rows,
            skip_duplicates: self.skip_duplicates,
            nested_given: self.nested_given,
            _m: PhantomData,
        };
        Box::pin(q.exec())
    }
}

/// Queries run together by [`Client::batch`]: a tuple of queries, or a `Vec` of one kind.
pub trait Batch {
    /// The tuple (or `Vec`) of their results.
    type Output;
    /// Runs them in order on `client`.
    fn run_all<'a>(
        self,
        client: &'a Client,
    ) -> futures_util::future::LocalBoxFuture<'a, Result<Self::Output>>
    where
        Self: 'a;
}

impl<Q: BatchQuery> Batch for Vec<Q> {
    type Output = Vec<Q::Output>;
    fn run_all<'a>(
        self,
        client: &'a Client,
    ) -> futures_util::future::LocalBoxFuture<'a, Result<Self::Output>>
    where
        Self: 'a,
    {
        Box::pin(async move {
            let mut out = Vec::with_capacity(self.len());
            for q in self {
                out.push(q.run_on(client).await?);
            }
            Ok(out)
        })
    }
}

macro_rules! batch_tuples {
    ($($name:ident),+) => {
        impl<$($name: BatchQuery),+> Batch for ($($name,)+) {
            type Output = ($($name::Output,)+);
            #[allow(non_snake_case)]
            fn run_all<'a>(self, client: &'a Client) -> futures_util::future::LocalBoxFuture<'a, Result<Self::Output>>
            where
                Self: 'a,
            {
                let ($($name,)+) = self;
                Box::pin(async move { Ok(($($name.run_on(client).await?,)+)) })
            }
        }
    };
}

batch_tuples!(A);
batch_tuples!(A, B);
batch_tuples!(A, B, C);
batch_tuples!(A, B, C, D);
batch_tuples!(A, B, C, D, E);
batch_tuples!(A, B, C, D, E, F);
batch_tuples!(A, B, C, D, E, F, G);
batch_tuples!(A, B, C, D, E, F, G, H);

impl Client {
    /// Runs independent queries, in order, in one transaction: all succeed or none does.
    /// `client.batch((q1, q2))` returns `(r1, r2)`; `client.batch(vec![q1, q2])` a `Vec`.
    pub async fn batch<B: Batch>(&self, queries: B) -> Result<B::Output> {
        self.atomic(|tx| async move { queries.run_all(&tx).await })
            .await
    }
}

/// `.await` on a builder runs it, as `.exec()` does: forgetting `.exec()` is not an error.
/// (`.exec().await` saves the one allocation this makes.)
macro_rules! await_runs {
    ($(impl[$($g:tt)*] $ty:ty => $out:ty;)*) => {$(
        impl<$($g)*> std::future::IntoFuture for $ty {
            type Output = Result<$out>;
            type IntoFuture =
                std::pin::Pin<Box<dyn std::future::Future<Output = Result<$out>> + Send + 'c>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.exec())
            }
        }
    )*};
}

await_runs! {
    impl['c, M: Model, R: FromRecord] FindMany<'c, M, R> => Vec<R>;
    impl['c, M: Model, R: FromRecord] FindFirst<'c, M, R> => Option<R>;
    impl['c, M: Model, R: FromRecord] FindOrThrow<'c, M, R> => R;
    impl['c, M: Model, S: Selection<M> + 'c] SelectFirst<'c, M, S> => Option<S::Output>;
    impl['c, M: Model, S: Selection<M> + 'c] SelectMany<'c, M, S> => Vec<S::Output>;
    impl['c, M: Model] Count<'c, M> => i64;
    impl['c, M: Model, A: Aggregates<M> + Send + 'c] AggregateQuery<'c, M, A> => A::Output;
    impl['c, M: Model, B: Selection<M> + Send + 'c, A: Aggregates<M> + Send + 'c] GroupBy<'c, M, B, A> => Vec<(B::Output, A::Output)>;
    impl['c, M: Model, R: FromRecord] Write<'c, M, R> => R;
    impl['c, M: Model, S: Selection<M> + 'c] WriteSelect<'c, M, S> => S::Output;
    impl['c, M: Model, Op: 'c] WriteMany<'c, M, Op> => u64;
    impl['c, M: Model + FromRecord] CreateMany<'c, M> => u64;
}
