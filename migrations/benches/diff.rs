//! `migrate diff` on a 100-model schema: against an empty database, and against a copy with ten
//! changes. Each iteration does what `quarry migrate diff --from-schema A --to-schema B --script`
//! does in memory: validate the schemas, compute the database schemas, diff, render the SQL.
//! Results are recorded in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use quarry_migrate::{calculate, diff, render_script, DatabaseSchema, Dialect};
use quarry_schema::SourceMap;
use std::fmt::Write as _;
use std::hint::black_box;

/// A schema with `n` models: each has eight scalar fields, a unique, an index, an enum field, and
/// a relation to the previous model.
fn schema(provider: &str, n: usize, changed: bool) -> String {
    let mut s = format!("datasource db {{\n  provider = \"{provider}\"\n}}\n\n");
    s.push_str("enum Status {\n  ACTIVE\n  ARCHIVED\n}\n\n");
    for i in 0..n {
        let _ = writeln!(s, "model M{i} {{");
        s.push_str("  id        Int      @id @default(autoincrement())\n");
        // Change 1-2: a type change and a dropped column.
        if changed && i == 10 {
            s.push_str("  name      Int\n");
        } else {
            s.push_str("  name      String\n");
        }
        if !(changed && i == 11) {
            s.push_str("  slug      String   @unique\n");
        }
        s.push_str("  status    Status   @default(ACTIVE)\n");
        s.push_str("  score     Float?\n");
        s.push_str("  price     Decimal  @default(0)\n");
        s.push_str("  createdAt DateTime @default(now())\n");
        s.push_str("  updatedAt DateTime @updatedAt\n");
        // Changes 3-5: added columns.
        if changed && (20..23).contains(&i) {
            s.push_str("  note      String?\n");
        }
        if i > 0 {
            let _ = writeln!(s, "  parentId  Int?");
            // Change 6: a referential action.
            let action = if changed && i == 30 {
                ", onDelete: Cascade"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  parent    M{}?     @relation(fields: [parentId], references: [id]{action})",
                i - 1
            );
        }
        if i + 1 < n {
            let _ = writeln!(s, "  children  M{}[]", i + 1);
        }
        // Changes 7-8: a new index, a dropped index.
        if changed && i == 40 {
            s.push_str("\n  @@index([name, createdAt])\n");
        }
        if !(changed && i == 41) {
            s.push_str("\n  @@index([status])\n");
        }
        s.push_str("}\n\n");
    }
    if changed {
        // Changes 9-10: a new table and a new enum value.
        s.push_str(
            "model AuditEntry {\n  id   Int    @id @default(autoincrement())\n  what String\n}\n",
        );
        s = s.replace("  ARCHIVED\n", "  ARCHIVED\n  DELETED\n");
    }
    s
}

fn compute(text: &str) -> DatabaseSchema {
    let validated = quarry_schema::validate(&SourceMap::single("schema.prisma", text));
    assert!(!validated.diagnostics.has_errors());
    calculate(&validated.schema.expect("schema"))
}

fn benches(c: &mut Criterion) {
    for (provider, dialect) in [
        ("sqlite", Dialect::Sqlite),
        ("postgresql", Dialect::Postgres),
        ("mysql", Dialect::Mysql),
    ] {
        let base = schema(provider, 100, false);
        let changed = schema(provider, 100, true);
        let steps = diff(&compute(&base), &compute(&changed)).steps.len();
        assert!(steps >= 5, "{provider}: only {steps} steps");
        c.bench_function(
            &format!("migrate_diff/100_models_from_empty/{provider}"),
            |b| {
                b.iter(|| {
                    let target = compute(black_box(&base));
                    black_box(render_script(&diff(
                        &DatabaseSchema::empty(dialect),
                        &target,
                    )))
                })
            },
        );
        c.bench_function(
            &format!("migrate_diff/100_models_ten_changes/{provider}"),
            |b| {
                b.iter(|| {
                    let from = compute(black_box(&base));
                    let to = compute(black_box(&changed));
                    black_box(render_script(&diff(&from, &to)))
                })
            },
        );
        // The engine alone (schemas already validated and computed): diff and render.
        let (from, to) = (compute(&base), compute(&changed));
        c.bench_function(
            &format!("engine_only/100_models_ten_changes/{provider}"),
            |b| b.iter(|| black_box(render_script(&diff(black_box(&from), black_box(&to))))),
        );
    }
}

/// `migrate diff --from-url URL --to-schema B`: introspect a live 100-table database (created
/// from the base schema) and diff it against the schema with ten changes. Runs on the databases
/// `QUARRY_TEST_POSTGRES_URL` / `QUARRY_TEST_MYSQL_URL` point at, and on SQLite.
fn live_benches(c: &mut Criterion) {
    use quarry_migrate::{introspect, Connection};
    use quarry_tests::db::{Backend, TestDb};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for backend in Backend::ALL {
        let provider = backend.provider();
        let Some(db) = rt.block_on(TestDb::new(backend)) else {
            continue;
        };
        let base = compute(&schema(provider, 100, false));
        let changed = compute(&schema(provider, 100, true));
        let dialect = base.dialect;
        let mut conn = rt
            .block_on(Connection::connect(&db.url, std::path::Path::new(".")))
            .expect("connect");
        rt.block_on(conn.apply_script(&render_script(&diff(
            &DatabaseSchema::empty(dialect),
            &base,
        ))))
        .expect("create the tables");
        c.bench_function(
            &format!("migrate_diff/live_100_tables_ten_changes/{provider}"),
            |b| {
                b.iter(|| {
                    let live = rt.block_on(introspect(&mut conn)).expect("introspect");
                    black_box(render_script(&diff(&live, black_box(&changed))))
                })
            },
        );
        rt.block_on(conn.close());
    }
}

criterion_group!(migrate_diff, benches, live_benches);
criterion_main!(migrate_diff);
