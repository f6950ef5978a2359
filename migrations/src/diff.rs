//! Diffing two database schemas into ordered migration steps.
//!
//! Owns: matching tables, columns, indexes, foreign keys and enums by name, deciding what changes
//! in place and what must be rebuilt (SQLite table redefinition, columns whose type cannot be
//! cast), and ordering the steps so foreign-key dependencies hold at every point.
//! Must not know: SQL text (see [`crate::render`]).

use crate::compare::{
    defaults_equal, index_definitions_equal, primary_key_columns_equal, types_equal,
};
use crate::database::{Column, ColumnArity, DatabaseSchema, ForeignKey, Table, TypeFamily};
use crate::dialect::Dialect;
use crate::steps::{
    AlterEnum, AlterTable, ColumnChanges, Migration, RedefineTable, Step, TableChange,
};

/// Positions that keep Prisma's order among steps of the same kind (see [`Step::rank`]).
type Key = (usize, usize, usize, usize);

/// Computes the steps that turn `previous` into `next`. Both must use the same dialect; the
/// dialect of `next` decides how the steps are shaped.
pub fn diff(previous: &DatabaseSchema, next: &DatabaseSchema) -> Migration {
    let dialect = next.dialect;
    let mut steps: Vec<(Key, Step)> = Vec::new();
    diff_enums(previous, next, &mut steps);

    for (ni, table) in next.tables.iter().enumerate() {
        if previous.table(&table.name).is_some() {
            continue;
        }
        steps.push(((ni, 0, 0, 0), Step::CreateTable(table.clone())));
        if dialect != Dialect::Sqlite {
            for (fi, fk) in table.foreign_keys.iter().enumerate() {
                steps.push((
                    (ni, fi, 0, 0),
                    Step::AddForeignKey {
                        table: table.name.clone(),
                        foreign_key: fk.clone(),
                    },
                ));
            }
        }
        if dialect != Dialect::Mysql {
            for (xi, index) in table.indexes.iter().enumerate() {
                steps.push((
                    (0, 0, ni, xi),
                    Step::CreateIndex {
                        table: table.name.clone(),
                        index: index.clone(),
                    },
                ));
            }
        }
    }
    for (pi, table) in previous.tables.iter().enumerate() {
        if next.table(&table.name).is_some() {
            continue;
        }
        steps.push(((pi, 0, 0, 0), Step::DropTable(table.clone())));
        if dialect != Dialect::Sqlite {
            for (fi, fk) in table.foreign_keys.iter().enumerate() {
                steps.push((
                    (pi, fi, 0, 0),
                    Step::DropForeignKey {
                        table: table.name.clone(),
                        foreign_key: fk.clone(),
                    },
                ));
            }
        }
    }

    let mut redefines = Vec::new();
    for (pi, prev) in previous.tables.iter().enumerate() {
        let Some(ni) = next.tables.iter().position(|t| t.name == prev.name) else {
            continue;
        };
        let pair = TablePair::new(previous, next, pi, ni);
        pair.push_steps(&mut steps, &mut redefines);
    }
    if !redefines.is_empty() {
        steps.push(((0, 0, 0, 0), Step::RedefineTables(redefines)));
    }

    steps.sort_by_key(|(k, s)| (s.rank(), *k));
    Migration {
        previous: previous.clone(),
        next: next.clone(),
        steps: steps.into_iter().map(|(_, s)| s).collect(),
    }
}

fn diff_enums(previous: &DatabaseSchema, next: &DatabaseSchema, steps: &mut Vec<(Key, Step)>) {
    // MySQL enums live in their columns: a change is a column type change.
    if next.dialect != Dialect::Postgres {
        return;
    }
    for (ni, e) in next.enums.iter().enumerate() {
        match previous.enums.iter().position(|p| p.name == e.name) {
            None => steps.push(((ni, 0, 0, 0), Step::CreateEnum(e.clone()))),
            Some(pi) => {
                let prev = &previous.enums[pi];
                let added: Vec<String> = e
                    .values
                    .iter()
                    .filter(|v| !prev.values.contains(v))
                    .cloned()
                    .collect();
                let removed: Vec<String> = prev
                    .values
                    .iter()
                    .filter(|v| !e.values.contains(v))
                    .cloned()
                    .collect();
                if !added.is_empty() || !removed.is_empty() {
                    steps.push((
                        (pi, 0, 0, 0),
                        Step::AlterEnum(AlterEnum {
                            previous: prev.clone(),
                            next: e.clone(),
                            added,
                            removed,
                        }),
                    ));
                }
            }
        }
    }
    for (pi, e) in previous.enums.iter().enumerate() {
        if next.find_enum(&e.name).is_none() {
            steps.push(((pi, 0, 0, 0), Step::DropEnum(e.clone())));
        }
    }
}

/// How a column's type changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeChange {
    /// The database converts every value.
    SafeCast,
    /// The database converts values, some may fail or lose precision.
    RiskyCast,
    /// The database cannot convert: the column is dropped and recreated.
    NotCastable,
}

/// Classifies a type change (`None` when the type does not change).
pub(crate) fn type_change(
    prev: &Column,
    next: &Column,
    prev_schema: &DatabaseSchema,
    next_schema: &DatabaseSchema,
) -> Option<TypeChange> {
    if types_equal(prev, next, prev_schema, next_schema) && list_ness(prev) == list_ness(next) {
        return None;
    }
    let (a, b) = (&prev.column_type.family, &next.column_type.family);
    Some(match next_schema.dialect {
        Dialect::Sqlite => {
            if *b == TypeFamily::String {
                TypeChange::SafeCast
            } else {
                TypeChange::RiskyCast
            }
        }
        Dialect::Mysql => TypeChange::RiskyCast,
        Dialect::Postgres => postgres_type_change(a, b, list_ness(prev) != list_ness(next)),
    })
}

fn list_ness(c: &Column) -> bool {
    c.arity == ColumnArity::List
}

fn postgres_type_change(a: &TypeFamily, b: &TypeFamily, list_changed: bool) -> TypeChange {
    use TypeFamily as F;
    if list_changed {
        return TypeChange::NotCastable;
    }
    let numeric = |f: &F| matches!(f, F::Int | F::BigInt | F::Float | F::Decimal);
    match (a, b) {
        (x, y) if x == y => TypeChange::RiskyCast,
        (F::Json, F::Json) => TypeChange::SafeCast,
        (F::Int, F::BigInt | F::Decimal | F::Float) => TypeChange::SafeCast,
        (x, y) if numeric(x) && numeric(y) => TypeChange::RiskyCast,
        (F::Binary | F::Json, _) | (_, F::Binary) => TypeChange::NotCastable,
        (F::Unsupported, _) | (_, F::Unsupported) => TypeChange::NotCastable,
        // Every type has an assignment cast to text.
        (_, F::String) => TypeChange::SafeCast,
        _ => TypeChange::NotCastable,
    }
}

/// What differs between two versions of a column.
pub(crate) fn column_changes(
    prev: &Column,
    next: &Column,
    prev_schema: &DatabaseSchema,
    next_schema: &DatabaseSchema,
) -> ColumnChanges {
    let dialect = next_schema.dialect;
    ColumnChanges {
        arity: prev.arity != next.arity,
        type_changed: type_change(prev, next, prev_schema, next_schema).is_some(),
        default: !defaults_equal(prev, next, dialect),
        // On SQLite autoincrement follows the primary key; it is not a column property to diff.
        autoincrement: dialect != Dialect::Sqlite && prev.auto_increment != next.auto_increment,
    }
}

struct TablePair<'a> {
    previous_schema: &'a DatabaseSchema,
    next_schema: &'a DatabaseSchema,
    prev: &'a Table,
    next: &'a Table,
    pi: usize,
    ni: usize,
}

impl<'a> TablePair<'a> {
    fn new(
        previous_schema: &'a DatabaseSchema,
        next_schema: &'a DatabaseSchema,
        pi: usize,
        ni: usize,
    ) -> TablePair<'a> {
        TablePair {
            previous_schema,
            next_schema,
            prev: &previous_schema.tables[pi],
            next: &next_schema.tables[ni],
            pi,
            ni,
        }
    }

    fn dialect(&self) -> Dialect {
        self.next_schema.dialect
    }

    fn dropped_columns(&self) -> Vec<&'a Column> {
        self.prev
            .columns
            .iter()
            .filter(|c| self.next.column(&c.name).is_none())
            .collect()
    }

    fn added_columns(&self) -> Vec<&'a Column> {
        self.next
            .columns
            .iter()
            .filter(|c| self.prev.column(&c.name).is_none())
            .collect()
    }

    /// Columns in both tables, in the next table's order, with their changes.
    fn column_pairs(&self) -> Vec<(&'a Column, &'a Column, ColumnChanges)> {
        self.next
            .columns
            .iter()
            .filter_map(|n| {
                let p = self.prev.column(&n.name)?;
                Some((
                    p,
                    n,
                    column_changes(p, n, self.previous_schema, self.next_schema),
                ))
            })
            .collect()
    }

    fn type_changes(&self, column: &str) -> bool {
        match (self.prev.column(column), self.next.column(column)) {
            (Some(p), Some(n)) => {
                type_change(p, n, self.previous_schema, self.next_schema).is_some()
            }
            _ => false,
        }
    }

    fn is_recreated(&self, column: &str) -> bool {
        if self.dialect() != Dialect::Postgres {
            return false;
        }
        match (self.prev.column(column), self.next.column(column)) {
            (Some(p), Some(n)) => {
                type_change(p, n, self.previous_schema, self.next_schema)
                    == Some(TypeChange::NotCastable)
            }
            _ => false,
        }
    }

    fn primary_key_changed(&self) -> bool {
        match (&self.prev.primary_key, &self.next.primary_key) {
            (Some(a), Some(b)) => {
                !primary_key_columns_equal(a, b)
                    || a.columns.iter().any(|c| self.type_changes(&c.name))
            }
            (None, None) => false,
            _ => true,
        }
    }

    fn foreign_keys_match(&self, a: &ForeignKey, b: &ForeignKey) -> bool {
        a.referenced_table == b.referenced_table
            && a.columns == b.columns
            && a.referenced_columns == b.referenced_columns
            && a.on_delete == b.on_delete
            && a.on_update == b.on_update
            && a.columns
                .iter()
                .all(|c| match (self.prev.column(c), self.next.column(c)) {
                    (Some(p), Some(n)) => {
                        type_change(p, n, self.previous_schema, self.next_schema).is_none()
                    }
                    _ => false,
                })
    }

    /// (dropped, created, renamed) foreign keys, by position in their table.
    fn foreign_key_changes(&self) -> (Vec<usize>, Vec<usize>, Vec<(usize, usize)>) {
        let mut matched_next = vec![false; self.next.foreign_keys.len()];
        let mut dropped = Vec::new();
        let mut renamed = Vec::new();
        for (pi, pfk) in self.prev.foreign_keys.iter().enumerate() {
            let found = self
                .next
                .foreign_keys
                .iter()
                .enumerate()
                .find(|(ni, nfk)| !matched_next[*ni] && self.foreign_keys_match(pfk, nfk));
            match found {
                Some((ni, nfk)) => {
                    matched_next[ni] = true;
                    let named = self.dialect() != Dialect::Sqlite;
                    if named && pfk.name.is_some() && nfk.name.is_some() && pfk.name != nfk.name {
                        renamed.push((pi, ni));
                    }
                }
                None => dropped.push(pi),
            }
        }
        let created = (0..self.next.foreign_keys.len())
            .filter(|i| !matched_next[*i])
            .collect();
        (dropped, created, renamed)
    }

    fn needs_redefinition(&self) -> bool {
        if self.dialect() != Dialect::Sqlite {
            return false;
        }
        let (dropped_fks, created_fks, _) = self.foreign_key_changes();
        self.primary_key_changed()
            || !self.dropped_columns().is_empty()
            || self
                .added_columns()
                .iter()
                .any(|c| c.arity == ColumnArity::Required)
            || self.column_pairs().iter().any(|(_, _, ch)| ch.any())
            || !dropped_fks.is_empty()
            || !created_fks.is_empty()
    }

    fn push_steps(&self, steps: &mut Vec<(Key, Step)>, redefines: &mut Vec<RedefineTable>) {
        if self.needs_redefinition() {
            redefines.push(self.redefinition());
            return;
        }
        let first = steps.len();
        self.push_foreign_key_steps(steps);
        self.push_index_steps(steps);
        if self.dialect() == Dialect::Mysql {
            self.mysql_foreign_key_indexes(steps, first);
        }
        let changes = self.table_changes();
        if !changes.is_empty() {
            steps.push((
                (self.pi, 0, 0, 0),
                Step::AlterTable(AlterTable {
                    table: self.prev.name.clone(),
                    changes,
                }),
            ));
        }
    }

    /// InnoDB needs an index on every foreign key's columns and creates one, named after the
    /// constraint, when none exists. So on MySQL: a foreign key whose last covering index is
    /// dropped is dropped and re-added around the index drop, and dropping a foreign key also
    /// drops the index InnoDB made for it.
    fn mysql_foreign_key_indexes(&self, steps: &mut Vec<(Key, Step)>, first: usize) {
        let dropped_index = |name: &str, steps: &[(Key, Step)]| {
            steps[first..].iter().any(|(_, s)| {
                matches!(s, Step::DropIndex { table, index } if *table == self.prev.name && index.name == name)
            })
        };
        let covers = |i: &crate::database::Index, fk: &ForeignKey| {
            i.columns.len() >= fk.columns.len()
                && i.columns.iter().zip(&fk.columns).all(|(c, f)| c.name == *f)
        };
        let pk_covers = |fk: &ForeignKey| {
            self.prev.primary_key.as_ref().is_some_and(|pk| {
                pk.columns.len() >= fk.columns.len()
                    && pk
                        .columns
                        .iter()
                        .zip(&fk.columns)
                        .all(|(c, f)| c.name == *f)
            })
        };
        let (dropped_fks, _, _) = self.foreign_key_changes();
        let mut extra = Vec::new();
        for (fi, fk) in self.prev.foreign_keys.iter().enumerate() {
            let fk_dropped = dropped_fks.contains(&fi)
                || steps[first..].iter().any(|(_, s)| {
                    matches!(s, Step::DropForeignKey { foreign_key, .. } if foreign_key == fk)
                });
            let explicit: Vec<&crate::database::Index> =
                self.prev.indexes.iter().filter(|i| covers(i, fk)).collect();
            if fk_dropped {
                let columns_stay = fk.columns.iter().all(|c| self.next.column(c).is_some());
                if explicit.is_empty() && !pk_covers(fk) && columns_stay {
                    if let Some(name) = &fk.name {
                        extra.push((
                            (self.pi, usize::MAX, fi, 0),
                            Step::DropIndex {
                                table: self.prev.name.clone(),
                                index: crate::database::Index {
                                    name: name.clone(),
                                    kind: crate::database::IndexKind::Normal,
                                    columns: fk
                                        .columns
                                        .iter()
                                        .map(crate::database::IndexColumn::named)
                                        .collect(),
                                    algorithm: None,
                                },
                            },
                        ));
                    }
                }
                continue;
            }
            let loses_last_index = !explicit.is_empty()
                && !pk_covers(fk)
                && explicit.iter().all(|i| dropped_index(&i.name, steps));
            if loses_last_index {
                let next_fk = self
                    .next
                    .foreign_keys
                    .iter()
                    .enumerate()
                    .find(|(_, n)| self.foreign_keys_match(fk, n));
                if let Some((ni, next_fk)) = next_fk {
                    extra.push((
                        (self.pi, fi, 0, 0),
                        Step::DropForeignKey {
                            table: self.prev.name.clone(),
                            foreign_key: fk.clone(),
                        },
                    ));
                    extra.push((
                        (self.ni, ni, 0, 0),
                        Step::AddForeignKey {
                            table: self.prev.name.clone(),
                            foreign_key: next_fk.clone(),
                        },
                    ));
                }
            }
        }
        steps.extend(extra);
    }

    fn redefinition(&self) -> RedefineTable {
        let mut copied: Vec<_> = self
            .column_pairs()
            .into_iter()
            .map(|(p, n, ch)| (p.clone(), n.clone(), ch))
            .collect();
        // Prisma lists the copied columns by name.
        copied.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        RedefineTable {
            previous: self.prev.clone(),
            next: self.next.clone(),
            copied_columns: copied,
            added_columns: self.added_columns().into_iter().cloned().collect(),
            dropped_columns: self.dropped_columns().into_iter().cloned().collect(),
        }
    }

    fn push_foreign_key_steps(&self, steps: &mut Vec<(Key, Step)>) {
        let (dropped, created, renamed) = self.foreign_key_changes();
        let table = || self.prev.name.clone();
        for pi in dropped {
            steps.push((
                (self.pi, pi, 0, 0),
                Step::DropForeignKey {
                    table: table(),
                    foreign_key: self.prev.foreign_keys[pi].clone(),
                },
            ));
        }
        for ni in created {
            steps.push((
                (self.ni, ni, 0, 0),
                Step::AddForeignKey {
                    table: table(),
                    foreign_key: self.next.foreign_keys[ni].clone(),
                },
            ));
        }
        for (pi, ni) in renamed {
            let (from, to) = (&self.prev.foreign_keys[pi], &self.next.foreign_keys[ni]);
            match (self.dialect(), &from.name, &to.name) {
                (Dialect::Postgres, Some(f), Some(t)) => steps.push((
                    (self.ni, ni, 0, 0),
                    Step::RenameForeignKey {
                        table: table(),
                        from: f.clone(),
                        to: t.clone(),
                    },
                )),
                _ => {
                    steps.push((
                        (self.pi, pi, 0, 0),
                        Step::DropForeignKey {
                            table: table(),
                            foreign_key: from.clone(),
                        },
                    ));
                    steps.push((
                        (self.ni, ni, 0, 0),
                        Step::AddForeignKey {
                            table: table(),
                            foreign_key: to.clone(),
                        },
                    ));
                }
            }
        }
    }

    fn push_index_steps(&self, steps: &mut Vec<(Key, Step)>) {
        let prev = &self.prev.indexes;
        let next = &self.next.indexes;
        let mut prev_done = vec![false; prev.len()];
        let mut next_done = vec![false; next.len()];
        let table = || self.prev.name.clone();
        let touches_recreated =
            |i: &crate::database::Index| i.columns.iter().any(|c| self.is_recreated(&c.name));
        // Same name.
        for (pi, p) in prev.iter().enumerate() {
            if let Some(ni) = next.iter().position(|n| n.name == p.name) {
                prev_done[pi] = true;
                next_done[ni] = true;
                if index_definitions_equal(p, &next[ni]) && !touches_recreated(&next[ni]) {
                    continue;
                }
                if !touches_recreated(p) {
                    steps.push((
                        (self.pi, pi, 0, 0),
                        Step::DropIndex {
                            table: table(),
                            index: p.clone(),
                        },
                    ));
                }
                steps.push((
                    (1, self.pi, self.ni, ni),
                    Step::CreateIndex {
                        table: table(),
                        index: next[ni].clone(),
                    },
                ));
            }
        }
        // Same definition, new name: a rename.
        for (pi, p) in prev.iter().enumerate() {
            if prev_done[pi] || touches_recreated(p) {
                continue;
            }
            let found = next
                .iter()
                .enumerate()
                .position(|(ni, n)| !next_done[ni] && index_definitions_equal(p, n));
            if let Some(ni) = found {
                prev_done[pi] = true;
                next_done[ni] = true;
                let (table, from, to) = (table(), p.clone(), next[ni].clone());
                let step = if self.dialect() == Dialect::Sqlite {
                    Step::RedefineIndex { table, from, to }
                } else {
                    Step::RenameIndex { table, from, to }
                };
                steps.push(((self.ni, ni, 0, 0), step));
            }
        }
        for (pi, p) in prev.iter().enumerate() {
            // Indexes on a column that is dropped go away with the column.
            let on_dropped_column = p
                .columns
                .iter()
                .any(|c| self.next.column(&c.name).is_none());
            if !prev_done[pi] && !touches_recreated(p) && !on_dropped_column {
                steps.push((
                    (self.pi, pi, 0, 0),
                    Step::DropIndex {
                        table: table(),
                        index: p.clone(),
                    },
                ));
            }
        }
        for (ni, n) in next.iter().enumerate() {
            if !next_done[ni] {
                steps.push((
                    (1, self.pi, self.ni, ni),
                    Step::CreateIndex {
                        table: table(),
                        index: n.clone(),
                    },
                ));
            }
        }
    }

    fn table_changes(&self) -> Vec<TableChange> {
        let dialect = self.dialect();
        let mut changes = Vec::new();
        if dialect == Dialect::Sqlite {
            // Without redefinition, SQLite only gains nullable columns.
            for c in self.added_columns() {
                changes.push(TableChange::AddColumn(c.clone()));
            }
            return changes;
        }
        let pk_changed = self.primary_key_changed();
        if pk_changed {
            if let Some(pk) = &self.prev.primary_key {
                changes.push(TableChange::DropPrimaryKey {
                    name: pk.name.clone(),
                });
            }
        } else if let (Some(a), Some(b)) = (&self.prev.primary_key, &self.next.primary_key) {
            if let (Some(from), Some(to)) = (&a.name, &b.name) {
                if from != to && dialect == Dialect::Postgres {
                    changes.push(TableChange::RenamePrimaryKey {
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            }
        }
        for c in self.dropped_columns() {
            changes.push(TableChange::DropColumn(c.clone()));
        }
        for c in self.added_columns() {
            changes.push(TableChange::AddColumn(c.clone()));
        }
        for (p, n, ch) in self.column_pairs() {
            if !ch.any() {
                continue;
            }
            if self.is_recreated(&n.name) {
                changes.push(TableChange::DropAndRecreateColumn {
                    previous: p.clone(),
                    next: n.clone(),
                });
            } else {
                changes.push(TableChange::AlterColumn {
                    previous: p.clone(),
                    next: n.clone(),
                    changes: ch,
                });
            }
        }
        if pk_changed {
            if let Some(pk) = &self.next.primary_key {
                changes.push(TableChange::AddPrimaryKey(pk.clone()));
            }
        }
        changes
    }
}
