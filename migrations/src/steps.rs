//! Migration steps: what changes between two database schemas, in the order it must happen.
//!
//! Owns: the step vocabulary and its ordering rules (foreign keys are dropped before the tables
//! and columns they depend on, and added after the tables, columns and unique indexes they
//! reference). Must not know: SQL text.

use crate::database::{Column, DatabaseSchema, Enum, ForeignKey, Index, PrimaryKey, Table};

/// The difference between two database schemas, as ordered steps.
#[derive(Debug, Clone)]
pub struct Migration {
    /// The schema the steps start from.
    pub previous: DatabaseSchema,
    /// The schema the steps lead to.
    pub next: DatabaseSchema,
    /// The steps, in execution order.
    pub steps: Vec<Step>,
}

impl Migration {
    /// True when the two schemas do not differ.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `CREATE TYPE ... AS ENUM` (PostgreSQL).
    CreateEnum(Enum),
    /// Add or remove enum values (PostgreSQL).
    AlterEnum(AlterEnum),
    /// Drop a foreign key.
    DropForeignKey {
        /// The table holding it.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// Drop an index.
    DropIndex {
        /// Its table.
        table: String,
        /// The index.
        index: Index,
    },
    /// Change a table in place.
    AlterTable(AlterTable),
    /// Drop a table.
    DropTable(Table),
    /// Drop an enum type (PostgreSQL).
    DropEnum(Enum),
    /// Create a table (with its foreign keys inline on SQLite, its indexes inline on MySQL).
    CreateTable(Table),
    /// SQLite: rebuild tables that `ALTER TABLE` cannot change.
    RedefineTables(Vec<RedefineTable>),
    /// Create an index.
    CreateIndex {
        /// Its table.
        table: String,
        /// The index.
        index: Index,
    },
    /// Rename a foreign key constraint (PostgreSQL).
    RenameForeignKey {
        /// Its table.
        table: String,
        /// Previous name.
        from: String,
        /// New name.
        to: String,
    },
    /// Add a foreign key.
    AddForeignKey {
        /// The table holding it.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// Rename an index (PostgreSQL, MySQL).
    RenameIndex {
        /// Its table.
        table: String,
        /// The index before.
        from: Index,
        /// The index after.
        to: Index,
    },
    /// Rename an index by dropping and recreating it (SQLite cannot rename indexes).
    RedefineIndex {
        /// Its table.
        table: String,
        /// The index before.
        from: Index,
        /// The index after.
        to: Index,
    },
}

impl Step {
    /// The step's name, written as a comment above its SQL (`-- CreateTable`).
    pub fn description(&self) -> &'static str {
        match self {
            Step::CreateEnum(_) => "CreateEnum",
            Step::AlterEnum(_) => "AlterEnum",
            Step::DropForeignKey { .. } => "DropForeignKey",
            Step::DropIndex { .. } => "DropIndex",
            Step::AlterTable(_) => "AlterTable",
            Step::DropTable(_) => "DropTable",
            Step::DropEnum(_) => "DropEnum",
            Step::CreateTable(_) => "CreateTable",
            Step::RedefineTables(_) => "RedefineTables",
            Step::CreateIndex { .. } => "CreateIndex",
            Step::RenameForeignKey { .. } => "RenameForeignKey",
            Step::AddForeignKey { .. } => "AddForeignKey",
            Step::RenameIndex { .. } => "RenameIndex",
            Step::RedefineIndex { .. } => "RedefineIndex",
        }
    }

    /// Position of this kind of step in a migration: lower runs first.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Step::CreateEnum(_) => 0,
            Step::AlterEnum(_) => 1,
            Step::DropForeignKey { .. } => 2,
            Step::DropIndex { .. } => 3,
            Step::AlterTable(_) => 4,
            Step::DropTable(_) => 5,
            Step::DropEnum(_) => 6,
            Step::CreateTable(_) => 7,
            Step::RedefineTables(_) => 8,
            Step::CreateIndex { .. } => 9,
            Step::RenameForeignKey { .. } => 10,
            Step::AddForeignKey { .. } => 11,
            Step::RenameIndex { .. } => 12,
            Step::RedefineIndex { .. } => 13,
        }
    }
}

/// Enum values added or removed.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterEnum {
    /// The enum before.
    pub previous: Enum,
    /// The enum after.
    pub next: Enum,
    /// Values that appear.
    pub added: Vec<String>,
    /// Values that disappear.
    pub removed: Vec<String>,
}

/// Changes to one table that `ALTER TABLE` can make.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// The table.
    pub table: String,
    /// The changes, in execution order.
    pub changes: Vec<TableChange>,
}

/// One change inside an `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub enum TableChange {
    /// Drop the primary key.
    DropPrimaryKey {
        /// Its constraint name, when it has one.
        name: Option<String>,
    },
    /// Rename the primary key constraint (PostgreSQL).
    RenamePrimaryKey {
        /// Previous name.
        from: String,
        /// New name.
        to: String,
    },
    /// Drop a column.
    DropColumn(Column),
    /// Add a column.
    AddColumn(Column),
    /// Change a column's type, nullability, default or autoincrement in place.
    AlterColumn {
        /// The column before.
        previous: Column,
        /// The column after.
        next: Column,
        /// What changes.
        changes: ColumnChanges,
    },
    /// Replace a column whose type cannot be cast (its data is lost).
    DropAndRecreateColumn {
        /// The column before.
        previous: Column,
        /// The column after.
        next: Column,
    },
    /// Add a primary key.
    AddPrimaryKey(PrimaryKey),
}

/// What differs between two versions of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColumnChanges {
    /// Nullability or list-ness.
    pub arity: bool,
    /// The type.
    pub type_changed: bool,
    /// The default.
    pub default: bool,
    /// Autoincrement.
    pub autoincrement: bool,
}

impl ColumnChanges {
    /// True when anything differs.
    pub fn any(&self) -> bool {
        self.arity || self.type_changed || self.default || self.autoincrement
    }
}

/// A SQLite table rebuilt through a new table: create, copy, drop, rename, recreate indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct RedefineTable {
    /// The table before.
    pub previous: Table,
    /// The table after.
    pub next: Table,
    /// Columns present in both, whose data is copied: (before, after, what changes).
    pub copied_columns: Vec<(Column, Column, ColumnChanges)>,
    /// Columns that appear.
    pub added_columns: Vec<Column>,
    /// Columns that disappear.
    pub dropped_columns: Vec<Column>,
}
