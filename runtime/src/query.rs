//! The dialect-independent query IR.
//!
//! Owns: what a read query means (filters, ordering, paging, includes, aggregates), as data.
//! The typed builders of generated code produce these values; [`crate::sql`] turns them into
//! SQL for one dialect. Field and relation references are indexes into [`ModelMeta`].

use crate::meta::ModelMeta;
use crate::value::Value;

/// A condition on rows of one model.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// All must hold (an empty list holds).
    And(Vec<Filter>),
    /// One must hold (an empty list does not).
    Or(Vec<Filter>),
    /// Must not hold.
    Not(Box<Filter>),
    /// A condition on one column.
    Scalar {
        /// Column index.
        field: usize,
        /// The comparison.
        op: ScalarOp,
        /// Compare case-insensitively (Prisma's `mode: insensitive`).
        insensitive: bool,
    },
    /// A condition on related records.
    Relation {
        /// Relation index on the filtered model.
        relation: usize,
        /// How related records must match.
        quantifier: Quantifier,
        /// The condition on the related model.
        filter: Box<Filter>,
    },
}

/// Column comparisons.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarOp {
    /// `=` (`equals: null` becomes `IS NULL`).
    Equals(Value),
    /// `<>` (NULL-aware: `not: x` also matches NULL, as in Prisma).
    NotEquals(Value),
    /// `IN (...)`
    In(Vec<Value>),
    /// `NOT IN (...)`
    NotIn(Vec<Value>),
    /// `<`
    Lt(Value),
    /// `<=`
    Lte(Value),
    /// `>`
    Gt(Value),
    /// `>=`
    Gte(Value),
    /// Substring.
    Contains(String),
    /// Prefix.
    StartsWith(String),
    /// Suffix.
    EndsWith(String),
    /// `IS NULL`
    IsNull,
    /// `IS NOT NULL`
    IsNotNull,
    /// A scalar list contains the value (PostgreSQL arrays).
    Has(Value),
    /// A scalar list contains every one of the values.
    HasEvery(Vec<Value>),
    /// A scalar list contains at least one of the values.
    HasSome(Vec<Value>),
    /// A scalar list is empty (`true`) or not (`false`); a NULL list is neither.
    IsEmpty(bool),
}

/// Relation filter quantifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// At least one related record matches (lists).
    Some,
    /// Every related record matches (lists; holds when there are none).
    Every,
    /// No related record matches (lists).
    None,
    /// The related record exists and matches (to-one).
    Is,
    /// The related record does not match, or does not exist (to-one).
    IsNot,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// Where NULLs sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nulls {
    /// Before other values.
    First,
    /// After other values.
    Last,
}

/// One ordering key.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderBy {
    /// By a column.
    Field {
        /// Column index.
        field: usize,
        /// Direction.
        direction: Direction,
        /// NULL placement; the database's default when `None`.
        nulls: Option<Nulls>,
    },
    /// By the number of related records of a list relation.
    RelationCount {
        /// Relation index.
        relation: usize,
        /// Direction.
        direction: Direction,
    },
    /// By an aggregate (in `group_by`).
    Aggregate {
        /// The aggregate.
        aggregate: Aggregate,
        /// Direction.
        direction: Direction,
    },
    /// By an ordering key of the related record of a to-one relation (Prisma's
    /// `orderBy: { author: { name: asc } }`), to any depth.
    Relation {
        /// Relation index (a to-one relation).
        relation: usize,
        /// The key on the related model.
        order: Box<OrderBy>,
    },
}

/// How included relations are loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationLoadStrategy {
    /// One extra statement per include level, batched with `IN (...)`.
    Query,
    /// One statement; related rows aggregated into JSON by the database.
    Join,
}

impl RelationLoadStrategy {
    /// The default on each database: the faster strategy in the include benchmark
    /// (BENCHMARKS.md: 100 users x 10 posts x 10 comments). SQLite aggregates JSON in-process
    /// faster than it runs three batched statements; PostgreSQL and MariaDB send plain rows
    /// faster than they build JSON.
    pub fn default_for(dialect: crate::sql::Dialect) -> RelationLoadStrategy {
        match dialect {
            crate::sql::Dialect::Sqlite => RelationLoadStrategy::Join,
            crate::sql::Dialect::Postgres | crate::sql::Dialect::Mysql => {
                RelationLoadStrategy::Query
            }
        }
    }
}

/// Arguments of a `find_many` (and, nested, of an include).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FindArgs {
    /// Row condition.
    pub filter: Option<Filter>,
    /// Ordering keys, in order.
    pub order_by: Vec<OrderBy>,
    /// Rows to skip.
    pub skip: Option<u64>,
    /// Rows to return; negative takes from the end (Prisma's backwards pagination).
    pub take: Option<i64>,
    /// Start at the record with these unique column values (inclusive).
    pub cursor: Option<Vec<(usize, Value)>>,
    /// Columns whose combination must be distinct (first occurrence kept).
    pub distinct: Vec<usize>,
    /// Relations to load.
    pub includes: Vec<Include>,
    /// Relations whose records to count.
    pub counts: Vec<RelationCount>,
    /// Columns to read; all when `None`.
    pub columns: Option<Vec<usize>>,
}

impl FindArgs {
    /// Whether the statement loading an include's rows can page them (per parent) itself.
    /// Prisma pages an include's rows in memory, per parent, after `distinct` and starting at
    /// the `cursor` record; with either of those the loader does so too
    /// ([`crate::load`]'s `finish_related`).
    pub(crate) fn related_paged_in_sql(&self) -> bool {
        self.distinct.is_empty() && self.cursor.is_none()
    }
}

/// A relation to load with its own arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// Relation index on the parent model.
    pub relation: usize,
    /// Arguments for the related records (filter, order, paging, nested includes).
    pub args: FindArgs,
}

/// A `_count` of a list relation, optionally filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationCount {
    /// Relation index.
    pub relation: usize,
    /// Only count related records that match.
    pub filter: Option<Filter>,
}

/// A read query on one model.
#[derive(Debug, Clone)]
pub struct Select {
    /// The model.
    pub model: &'static ModelMeta,
    /// Its arguments.
    pub args: FindArgs,
}

/// An aggregate function over a column (or rows, for `Count(None)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aggregate {
    /// `COUNT(*)` or `COUNT(col)` (non-null values).
    Count(Option<usize>),
    /// `SUM(col)`
    Sum(usize),
    /// `AVG(col)`
    Avg(usize),
    /// `MIN(col)`
    Min(usize),
    /// `MAX(col)`
    Max(usize),
}

/// `aggregate` and `group_by`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AggregateArgs {
    /// Row condition (`where`).
    pub filter: Option<Filter>,
    /// Columns to group by (empty for a plain aggregate).
    pub by: Vec<usize>,
    /// The aggregates to compute.
    pub aggregates: Vec<Aggregate>,
    /// Condition on groups, over aggregates or grouped columns.
    pub having: Option<Having>,
    /// Ordering (group_by), or of the rows aggregated (aggregate with skip/take).
    pub order_by: Vec<OrderBy>,
    /// Rows (or groups) to skip.
    pub skip: Option<u64>,
    /// Rows (or groups) to take.
    pub take: Option<i64>,
}

/// A `having` condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Having {
    /// All hold.
    And(Vec<Having>),
    /// One holds.
    Or(Vec<Having>),
    /// Does not hold.
    Not(Box<Having>),
    /// A comparison of an aggregate.
    Aggregate {
        /// The aggregate.
        aggregate: Aggregate,
        /// The comparison (scalar ops other than string matching).
        op: ScalarOp,
    },
    /// A condition on a grouped column.
    Field(Filter),
}
