//! A readable summary of a migration, for `migrate diff` without `--script` and for drift
//! reports. Shaped like Prisma's summary:
//!
//! ```text
//! [+] Added tables
//!   - Tag
//!
//! [*] Changed the `User` table
//!   [+] Added column `bio`
//! ```

use crate::steps::{Migration, Step, TableChange};
use std::collections::BTreeMap;

/// The summary; "No difference detected." for an empty migration.
pub fn summarize(migration: &Migration) -> String {
    if migration.is_empty() {
        return "No difference detected.".to_string();
    }
    let mut added_enums = Vec::new();
    let mut removed_enums = Vec::new();
    let mut added_tables = Vec::new();
    let mut removed_tables = Vec::new();
    let mut changed_enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut changed_tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut redefined: Vec<String> = Vec::new();
    let cols = |c: &[String]| c.join(", ");
    for step in &migration.steps {
        match step {
            Step::CreateEnum(e) => added_enums.push(e.name.clone()),
            Step::DropEnum(e) => removed_enums.push(e.name.clone()),
            Step::AlterEnum(a) => {
                let lines = changed_enums.entry(a.previous.name.clone()).or_default();
                for v in &a.added {
                    lines.push(format!("[+] Added variant `{v}`"));
                }
                for v in &a.removed {
                    lines.push(format!("[-] Removed variant `{v}`"));
                }
            }
            Step::CreateTable(t) => added_tables.push(t.name.clone()),
            Step::DropTable(t) => removed_tables.push(t.name.clone()),
            Step::RedefineTables(tables) => {
                for r in tables {
                    redefined.push(r.next.name.clone());
                    let lines = changed_tables.entry(r.next.name.clone()).or_default();
                    for c in &r.added_columns {
                        lines.push(format!("[+] Added column `{}`", c.name));
                    }
                    for c in &r.dropped_columns {
                        lines.push(format!("[-] Removed column `{}`", c.name));
                    }
                    for (_, n, ch) in &r.copied_columns {
                        if ch.any() {
                            lines.push(format!(
                                "[*] Altered column `{}` ({})",
                                n.name,
                                describe(ch)
                            ));
                        }
                    }
                    if r.previous.foreign_keys != r.next.foreign_keys {
                        lines.push("[*] Changed its foreign keys".to_string());
                    }
                    if r.previous.primary_key != r.next.primary_key {
                        lines.push("[*] Changed its primary key".to_string());
                    }
                }
            }
            Step::AlterTable(a) => {
                let lines = changed_tables.entry(a.table.clone()).or_default();
                for change in &a.changes {
                    lines.push(match change {
                        TableChange::AddColumn(c) => format!("[+] Added column `{}`", c.name),
                        TableChange::DropColumn(c) => format!("[-] Removed column `{}`", c.name),
                        TableChange::AlterColumn { next, changes, .. } => {
                            format!("[*] Altered column `{}` ({})", next.name, describe(changes))
                        }
                        TableChange::DropAndRecreateColumn { next, .. } => format!(
                            "[*] Column `{}` would be dropped and recreated (type changed)",
                            next.name
                        ),
                        TableChange::DropPrimaryKey { .. } => {
                            "[-] Dropped the primary key".to_string()
                        }
                        TableChange::AddPrimaryKey(pk) => format!(
                            "[+] Added primary key on columns ({})",
                            pk.columns
                                .iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        TableChange::RenamePrimaryKey { from, to } => {
                            format!("[*] Renamed the primary key `{from}` to `{to}`")
                        }
                    });
                }
            }
            Step::CreateIndex { table, index } => {
                if !added_tables.contains(table) {
                    changed_tables
                        .entry(table.clone())
                        .or_default()
                        .push(format!(
                            "[+] Added {}index on columns ({})",
                            if index.kind == crate::database::IndexKind::Unique {
                                "unique "
                            } else {
                                ""
                            },
                            index.column_names().join(", ")
                        ));
                }
            }
            Step::DropIndex { table, index } => {
                changed_tables
                    .entry(table.clone())
                    .or_default()
                    .push(format!(
                        "[-] Removed {}index on columns ({})",
                        if index.kind == crate::database::IndexKind::Unique {
                            "unique "
                        } else {
                            ""
                        },
                        index.column_names().join(", ")
                    ));
            }
            Step::RenameIndex { table, from, to } | Step::RedefineIndex { table, from, to } => {
                changed_tables
                    .entry(table.clone())
                    .or_default()
                    .push(format!(
                        "[*] Renamed index `{}` to `{}`",
                        from.name, to.name
                    ));
            }
            Step::AddForeignKey { table, foreign_key } => {
                if !added_tables.contains(table) {
                    changed_tables
                        .entry(table.clone())
                        .or_default()
                        .push(format!(
                            "[+] Added foreign key on columns ({})",
                            cols(&foreign_key.columns)
                        ));
                }
            }
            Step::DropForeignKey { table, foreign_key } => {
                if !removed_tables.contains(table) {
                    changed_tables
                        .entry(table.clone())
                        .or_default()
                        .push(format!(
                            "[-] Removed foreign key on columns ({})",
                            cols(&foreign_key.columns)
                        ));
                }
            }
            Step::RenameForeignKey { table, from, to } => changed_tables
                .entry(table.clone())
                .or_default()
                .push(format!(
                    "[*] Renamed the foreign key \"{from}\" to \"{to}\""
                )),
        }
    }
    let mut out = String::new();
    let mut section = |title: String, lines: &[String], bullet: &str| {
        out.push('\n');
        out.push_str(&title);
        out.push('\n');
        for l in lines {
            out.push_str(&format!("  {bullet}{l}\n"));
        }
    };
    if !added_enums.is_empty() {
        section("[+] Added enums".into(), &added_enums, "- ");
    }
    if !added_tables.is_empty() {
        section("[+] Added tables".into(), &added_tables, "- ");
    }
    if !removed_enums.is_empty() {
        section("[-] Removed enums".into(), &removed_enums, "- ");
    }
    if !removed_tables.is_empty() {
        section("[-] Removed tables".into(), &removed_tables, "- ");
    }
    for (name, lines) in &changed_enums {
        section(format!("[*] Changed the `{name}` enum"), lines, "");
    }
    for (name, lines) in &changed_tables {
        let title = if redefined.contains(name) {
            format!("[*] Redefined table `{name}`")
        } else {
            format!("[*] Changed the `{name}` table")
        };
        section(title, lines, "");
    }
    out
}

fn describe(ch: &crate::steps::ColumnChanges) -> String {
    let mut parts = Vec::new();
    if ch.type_changed {
        parts.push("type changed");
    }
    if ch.arity {
        parts.push("nullability changed");
    }
    if ch.default {
        parts.push("default changed");
    }
    if ch.autoincrement {
        parts.push("autoincrement changed");
    }
    parts.join(", ")
}
